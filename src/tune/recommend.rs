//! Targets (`--max-false-rollback 1%`, `--max-detect 10m`, `--min-detection 90%`) and the
//! choice of the best candidate that meets them.
//!
//! `--max-detect` bounds the **p95** time to detect: 95% of regressed rollouts must be
//! aborted within it. Targets compare point estimates (the intervals are reported beside
//! them). Pure; depends on `model::Duration`.

use serde::Serialize;

use crate::model::Duration;

/// What the user requires of a candidate; `None` is no requirement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Targets {
    /// Highest acceptable false-rollback rate, 0–1.
    pub max_false_rollback: Option<f64>,
    /// Longest acceptable p95 time to detect, seconds.
    pub max_detect_seconds: Option<f64>,
    /// Lowest acceptable detection rate, 0–1.
    pub min_detection: Option<f64>,
}

impl Targets {
    pub fn any(&self) -> bool {
        self.max_false_rollback.is_some()
            || self.max_detect_seconds.is_some()
            || self.min_detection.is_some()
    }

    /// Whether a target needs a regressed world.
    pub fn needs_regression(&self) -> bool {
        self.max_detect_seconds.is_some() || self.min_detection.is_some()
    }
}

/// A rate target: `1%` or `0.01`.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let v = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
        None => t.parse::<f64>(),
    }
    .map_err(|_| format!("{s:?} is not a rate (1% or 0.01)"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{s:?} is not a rate between 0 and 100%"))
    }
}

/// A time target (`10m`, `90s`), in seconds.
pub fn parse_detect(s: &str) -> Result<f64, String> {
    Duration::parse(s.trim())
        .map(Duration::seconds_f64)
        .map_err(|e| format!("{s:?}: {e}"))
}

/// What the choice looks at for one candidate. Times are seconds, infinite for never.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub false_rollback: f64,
    pub detection: Option<f64>,
    pub detect_p50: f64,
    pub detect_p95: f64,
    pub blast_radius_mean: f64,
    pub promote_p50: f64,
}

/// Whether `s` meets every target.
pub fn meets(t: &Targets, s: &Scores) -> bool {
    t.max_false_rollback.is_none_or(|m| s.false_rollback <= m)
        && t.max_detect_seconds.is_none_or(|m| s.detect_p95 <= m)
        && t.min_detection
            .is_none_or(|m| s.detection.is_some_and(|d| d >= m))
}

/// The recommended candidate: among those meeting the targets (or, without targets, those
/// on the frontier), the fastest to detect (p50), then the highest detection rate, the
/// lowest false-rollback rate, the smallest mean blast radius, the fastest promotion, and
/// finally the first in grid order. `None` when no candidate qualifies.
pub fn choose(t: &Targets, scores: &[Scores], frontier: &[bool]) -> Option<usize> {
    let eligible = |i: usize| {
        if t.any() {
            meets(t, &scores[i])
        } else {
            frontier[i]
        }
    };
    (0..scores.len()).filter(|&i| eligible(i)).min_by(|&a, &b| {
        let (x, y) = (&scores[a], &scores[b]);
        x.detect_p50
            .total_cmp(&y.detect_p50)
            .then(
                y.detection
                    .unwrap_or(0.0)
                    .total_cmp(&x.detection.unwrap_or(0.0)),
            )
            .then(x.false_rollback.total_cmp(&y.false_rollback))
            .then(x.blast_radius_mean.total_cmp(&y.blast_radius_mean))
            .then(x.promote_p50.total_cmp(&y.promote_p50))
            .then(a.cmp(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(false_rollback: f64, detection: f64, p50: f64, p95: f64) -> Scores {
        Scores {
            false_rollback,
            detection: Some(detection),
            detect_p50: p50,
            detect_p95: p95,
            blast_radius_mean: 0.0,
            promote_p50: 3600.0,
        }
    }

    #[test]
    fn parses_targets() {
        assert_eq!(parse_rate("1%"), Ok(0.01));
        assert_eq!(parse_rate("0.01"), Ok(0.01));
        assert_eq!(parse_rate(" 2.5 % "), Ok(0.025));
        assert!(parse_rate("150%").is_err());
        assert!(parse_rate("often").is_err());
        assert_eq!(parse_detect("10m"), Ok(600.0));
        assert!(parse_detect("10").is_err());
    }

    #[test]
    fn chooses_the_fastest_candidate_meeting_targets() {
        let inf = f64::INFINITY;
        let scores = [
            s(0.00, 0.80, 300.0, inf),    // 0: safe, slow, misses 20%
            s(0.005, 1.00, 120.0, 240.0), // 1: meets 1% / 10m
            s(0.03, 1.00, 60.0, 120.0),   // 2: fastest but too many false rollbacks
            s(0.005, 1.00, 120.0, 240.0), // 3: same as 1: grid order decides
        ];
        let frontier = [true, true, true, false];
        let t = Targets {
            max_false_rollback: Some(0.01),
            max_detect_seconds: Some(600.0),
            min_detection: None,
        };
        assert_eq!(choose(&t, &scores, &frontier), Some(1));
        assert!(!meets(&t, &scores[0]), "p95 never");
        assert!(!meets(&t, &scores[2]));
        let loose = Targets {
            max_false_rollback: Some(0.05),
            ..Targets::default()
        };
        assert_eq!(choose(&loose, &scores, &frontier), Some(2));
        let impossible = Targets {
            max_false_rollback: Some(0.0),
            min_detection: Some(0.9),
            ..Targets::default()
        };
        assert_eq!(choose(&impossible, &scores, &frontier), None);
        // no targets: the fastest frontier candidate
        assert_eq!(choose(&Targets::default(), &scores, &frontier), Some(2));
    }
}
