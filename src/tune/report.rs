//! A sweep's result: per-candidate summaries, the frontier, the recommendation and its
//! patched YAML, computed from the raw trial results (all units, in unit order) so a run,
//! and a merge of its shards, give the same report.
//!
//! Depends on `tune::{summary, frontier, recommend, snippet}`.

use serde::Serialize;

use super::frontier::{self, Point};
use super::recommend::{self, Scores, Targets};
use super::summary::{self, Healthy, Regressed};
use super::trial::{TrialResult, WorldKind};
use super::{Sweep, snippet};

/// JSON schema name of the report.
pub const SCHEMA: &str = "rollsim.tune/v1";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub scenario: String,
    pub rollout: String,
    pub runs: usize,
    pub seed: u64,
    pub worlds: Vec<WorldSummary>,
    pub targets: Targets,
    pub candidates: Vec<CandidateReport>,
    /// Indices of the candidates on the frontier.
    pub frontier: Vec<usize>,
    /// Index of the recommended candidate.
    pub recommended: Option<usize>,
    /// Whether a candidate met the targets (`None` when no target was given).
    pub targets_met: Option<bool>,
    /// The recommended candidate's changes as YAML (empty when it changes nothing).
    pub snippet: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorldSummary {
    pub label: String,
    pub kind: WorldKind,
    pub regression: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    pub param: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateReport {
    pub index: usize,
    pub label: String,
    pub settings: Vec<Setting>,
    pub healthy: Option<Healthy>,
    /// Every regressed world pooled.
    pub regressed: Option<Regressed>,
    /// Each regressed world on its own (when there are several).
    pub per_regression: Vec<Regressed>,
    pub on_frontier: bool,
    pub meets_targets: Option<bool>,
    pub recommended: bool,
}

impl CandidateReport {
    /// What the trade-off chart plots: false-rollback rate, detection rate, detect p50 (s).
    pub fn scores(&self) -> Scores {
        let inf = f64::INFINITY;
        let r = self.regressed.as_ref();
        Scores {
            false_rollback: self.healthy.as_ref().map_or(0.0, |h| h.false_rollback.rate),
            detection: r.map(|r| r.detection.rate),
            detect_p50: r.and_then(|r| r.detect_p50.value).unwrap_or(inf),
            detect_p95: r.and_then(|r| r.detect_p95.value).unwrap_or(inf),
            blast_radius_mean: r.map_or(0.0, |r| r.blast_radius_mean),
            promote_p50: self
                .healthy
                .as_ref()
                .and_then(|h| h.promote_p50.value)
                .unwrap_or(inf),
        }
    }
}

/// Builds the report from every unit's result, in unit order.
pub fn build(sweep: &Sweep, results: &[TrialResult]) -> Report {
    assert_eq!(results.len(), sweep.units(), "one result per unit");
    let per_cw = sweep.runs;
    let mut candidates = Vec::new();
    for (ci, c) in sweep.candidates.iter().enumerate() {
        let mut healthy = None;
        let mut regressed_all: Vec<&TrialResult> = Vec::new();
        let mut per_regression = Vec::new();
        for (wi, w) in sweep.worlds.iter().enumerate() {
            let start = (ci * sweep.worlds.len() + wi) * per_cw;
            let trials: Vec<&TrialResult> = results[start..start + per_cw].iter().collect();
            match w.kind {
                WorldKind::Healthy => healthy = Some(summary::healthy(&trials)),
                WorldKind::Regressed => {
                    per_regression.push(summary::regressed(&w.label, &trials));
                    regressed_all.extend(trials);
                }
            }
        }
        let regressed = match per_regression.len() {
            0 => None,
            1 => per_regression.pop(),
            _ => Some(summary::regressed("all", &regressed_all)),
        };
        candidates.push(CandidateReport {
            index: ci,
            label: c.label.clone(),
            settings: c
                .candidate
                .settings
                .iter()
                .map(|(p, v)| Setting {
                    param: p.to_string(),
                    value: v.clone(),
                })
                .collect(),
            healthy,
            regressed,
            per_regression,
            on_frontier: false,
            meets_targets: None,
            recommended: false,
        });
    }
    let scores: Vec<Scores> = candidates.iter().map(CandidateReport::scores).collect();
    let points: Vec<Point> = scores
        .iter()
        .map(|s| Point {
            false_rollback: s.false_rollback,
            detection: s.detection.unwrap_or(0.0),
            detect_p50: s.detect_p50,
        })
        .collect();
    let on = frontier::frontier(&points);
    let t = sweep.targets;
    let recommended = recommend::choose(&t, &scores, &on);
    for (i, c) in candidates.iter_mut().enumerate() {
        c.on_frontier = on[i];
        c.meets_targets = t.any().then(|| recommend::meets(&t, &scores[i]));
        c.recommended = recommended == Some(i);
    }
    let snippet =
        recommended.map(|i| snippet::render(&sweep.original, &sweep.candidates[i].manifests));
    Report {
        schema: SCHEMA,
        scenario: sweep.scenario.clone(),
        rollout: sweep.rollout.clone(),
        runs: sweep.runs,
        seed: sweep.seed,
        worlds: sweep
            .worlds
            .iter()
            .map(|w| WorldSummary {
                label: w.label.clone(),
                kind: w.kind,
                regression: w.description.clone(),
            })
            .collect(),
        targets: t,
        frontier: (0..candidates.len()).filter(|&i| on[i]).collect(),
        targets_met: t.any().then_some(recommended.is_some()),
        recommended,
        candidates,
        snippet,
    }
}
