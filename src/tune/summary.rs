//! Per-candidate statistics from raw trial results: on the healthy twin the false-rollback,
//! false-pause and promotion rates and the time to promote; on the regressed worlds the
//! detection rate, the time to detect and the blast radius.
//!
//! Definitions (README `rollsim tune`): a false rollback is a healthy trial that aborted; a
//! false pause a healthy trial, not aborted, that an inconclusive analysis paused; a
//! detection a regressed trial aborted after its regression began. Times of trials that
//! never got there count as infinite, so a p95 is "never" unless 95% of trials got there.
//! Depends on `tune::{stats, trial}`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::{self, Quantile, Rate};
use super::trial::{TrialResult, Verdict};

/// The healthy twin's numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Healthy {
    pub n: usize,
    pub false_rollback: Rate,
    pub false_pause: Rate,
    pub promoted: Rate,
    /// Seconds from the start to promotion (never for trials not promoted).
    pub promote_p50: Quantile,
    pub promote_p95: Quantile,
    /// Which metric aborted the false rollbacks, and how often.
    pub rollbacks_by_metric: BTreeMap<String, usize>,
}

/// A regressed world's numbers (or all regressed worlds pooled).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Regressed {
    pub world: String,
    pub n: usize,
    pub detection: Rate,
    /// Seconds from the regression's start to the abort (never when not detected).
    pub detect_p50: Quantile,
    pub detect_p95: Quantile,
    /// Failed canary requests before the decision.
    pub blast_radius_mean: f64,
    pub blast_radius_p95: Quantile,
    /// Which metric caught the regression, and how often.
    pub detections_by_metric: BTreeMap<String, usize>,
}

pub fn healthy(trials: &[&TrialResult]) -> Healthy {
    let n = trials.len();
    let aborted: Vec<&&TrialResult> = trials
        .iter()
        .filter(|t| t.verdict == Verdict::Aborted)
        .collect();
    let paused = trials
        .iter()
        .filter(|t| t.verdict != Verdict::Aborted && t.analysis_paused)
        .count();
    let promoted = trials
        .iter()
        .filter(|t| t.verdict == Verdict::Promoted)
        .count();
    let promote = stats::sorted(
        trials
            .iter()
            .map(|t| match t.verdict {
                Verdict::Promoted => t.at_ms as f64 / 1000.0,
                _ => f64::INFINITY,
            })
            .collect(),
    );
    Healthy {
        n,
        false_rollback: stats::wilson(aborted.len(), n),
        false_pause: stats::wilson(paused, n),
        promoted: stats::wilson(promoted, n),
        promote_p50: stats::quantile(&promote, 0.5),
        promote_p95: stats::quantile(&promote, 0.95),
        rollbacks_by_metric: by_metric(aborted.into_iter().copied()),
    }
}

pub fn regressed(world: &str, trials: &[&TrialResult]) -> Regressed {
    let n = trials.len();
    let detected: Vec<&TrialResult> = trials
        .iter()
        .copied()
        .filter(|t| t.verdict == Verdict::Aborted && t.detect_ms.is_some())
        .collect();
    let detect = stats::sorted(
        trials
            .iter()
            .map(|t| match (t.verdict, t.detect_ms) {
                (Verdict::Aborted, Some(ms)) => ms as f64 / 1000.0,
                _ => f64::INFINITY,
            })
            .collect(),
    );
    let blast: Vec<f64> = trials.iter().map(|t| t.bad_requests as f64).collect();
    Regressed {
        world: world.to_string(),
        n,
        detection: stats::wilson(detected.len(), n),
        detect_p50: stats::quantile(&detect, 0.5),
        detect_p95: stats::quantile(&detect, 0.95),
        blast_radius_mean: stats::mean(&blast),
        blast_radius_p95: stats::quantile(&stats::sorted(blast), 0.95),
        detections_by_metric: by_metric(detected.into_iter()),
    }
}

fn by_metric<'a>(trials: impl Iterator<Item = &'a TrialResult>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for t in trials {
        let name = t.metric.clone().unwrap_or_else(|| "(none)".into());
        *out.entry(name).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(verdict: Verdict, at_s: i64, detect_s: Option<i64>, paused: bool) -> TrialResult {
        TrialResult {
            verdict,
            at_ms: at_s * 1000,
            analysis_paused: paused,
            metric: (verdict == Verdict::Aborted).then(|| "sr".to_string()),
            bad_requests: at_s as u64,
            detect_ms: detect_s.map(|s| s * 1000),
        }
    }

    #[test]
    fn healthy_rates() {
        let v = [
            t(Verdict::Promoted, 100, None, false),
            t(Verdict::Promoted, 200, None, true),
            t(Verdict::Aborted, 50, None, true),
            t(Verdict::Paused, 300, None, true),
        ];
        let refs: Vec<&TrialResult> = v.iter().collect();
        let h = healthy(&refs);
        assert_eq!(
            (h.n, h.false_rollback.k, h.false_pause.k, h.promoted.k),
            (4, 1, 2, 2)
        );
        assert_eq!(h.promote_p50.value, Some(200.0));
        assert_eq!(h.promote_p95.value, None, "two of four never promoted");
        assert_eq!(h.rollbacks_by_metric["sr"], 1);
    }

    #[test]
    fn regressed_rates() {
        let v = [
            t(Verdict::Aborted, 1300, Some(100), false),
            t(Verdict::Aborted, 1260, Some(60), false),
            t(Verdict::Aborted, 500, None, false), // aborted before the regression
            t(Verdict::Promoted, 3600, None, false),
        ];
        let refs: Vec<&TrialResult> = v.iter().collect();
        let r = regressed("regressed", &refs);
        assert_eq!((r.n, r.detection.k), (4, 2));
        assert_eq!(r.detect_p50.value, Some(100.0));
        assert_eq!(r.detect_p95.value, None);
        assert_eq!(
            r.blast_radius_mean,
            (1300.0 + 1260.0 + 500.0 + 3600.0) / 4.0
        );
        assert_eq!(r.detections_by_metric["sr"], 2);
    }
}
