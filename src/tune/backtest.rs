//! `rollsim backtest`: virtual rollouts started every `--every` across recorded history, each
//! replayed with the exact Argo semantics over the same loaded store. On healthy history,
//! the share that aborted or paused is the false-rollback (false-pause) rate on real traffic;
//! each one comes with its time and the measurement that decided it.
//!
//! Starts default to the scenario's `data.start` through the end of the recording minus the
//! rollout's nominal length (its timed pauses), so each rollout has data to its end; a
//! rollout the recording ends under is `incomplete` and left out of the rates. Depends on
//! `replay`, `sim`, `manifest`, `model` and `tune::stats`.

use rayon::prelude::*;
use serde::Serialize;

use super::stats::{self, Rate};
use crate::analysis::Phase;
use crate::manifest::{CanaryStep, Manifests, Rollout};
use crate::model::{Duration, Store, Timestamp};
use crate::replay::{self, ReplayInput};
use crate::sim::{Event, OutcomeResult, Simulation};

/// JSON schema name of a backtest report.
pub const SCHEMA: &str = "rollsim.backtest/v1";

/// The starts `from, from+every, ..., ≤ to`.
pub fn starts(from: Timestamp, to: Timestamp, every: Duration) -> Vec<Timestamp> {
    let step = every.millis().max(1);
    (0..)
        .map(|i: i64| Timestamp(from.millis() + i * step))
        .take_while(|t| t.millis() <= to.millis())
        .collect()
}

/// A canary's timed pauses added up (blue-green: `autoPromotionSeconds`): how long a
/// rollout takes when every analysis passes.
pub fn nominal_length(r: &Rollout) -> Duration {
    let mut ms = 0;
    if let Some(c) = &r.strategy.canary {
        for s in &c.steps {
            if let Some(CanaryStep::Pause { duration: Some(d) }) = s.action() {
                ms += d.duration().map_or(0, Duration::millis);
            }
        }
    }
    if let Some(b) = &r.strategy.blue_green {
        ms += b.auto_promotion_seconds.unwrap_or(0).max(0) * 1000;
    }
    Duration::from_millis(ms)
}

/// How one virtual rollout ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StartVerdict {
    Promoted,
    Aborted,
    Paused,
    Invalid,
    /// The recording ended before the rollout was decided.
    Incomplete,
}

/// The measurement that decided a rollout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deciding {
    /// Seconds from the rollout start.
    pub at_seconds: f64,
    pub time: String,
    pub metric: String,
    pub value: String,
    pub phase: Phase,
    pub message: String,
}

/// One virtual rollout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StartResult {
    pub start: String,
    pub verdict: StartVerdict,
    /// Seconds from the start to the outcome.
    pub at_seconds: f64,
    pub reason: String,
    pub metric: Option<String>,
    pub measurement: Option<Deciding>,
}

/// The whole backtest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestReport {
    pub schema: &'static str,
    pub scenario: String,
    pub rollout: String,
    pub from: String,
    pub to: String,
    pub every: String,
    pub promoted: usize,
    pub aborted: usize,
    pub paused: usize,
    pub invalid: usize,
    pub incomplete: usize,
    /// Aborted among decided starts (the incomplete left out).
    pub abort_rate: Rate,
    pub pause_rate: Rate,
    /// Aborted or paused.
    pub failure_rate: Rate,
    pub starts: Vec<StartResult>,
}

/// What a backtest runs over.
pub struct Backtest<'a> {
    pub scenario: String,
    pub input: ReplayInput,
    pub manifests: &'a Manifests,
    pub store: &'a Store,
    pub from: Timestamp,
    pub to: Timestamp,
    pub every: Duration,
}

impl Backtest<'_> {
    /// Replays every start on `jobs` threads (0: one per core); the report does not depend
    /// on `jobs`. `tick` is called once per finished start.
    pub fn run(&self, jobs: usize, tick: &(dyn Fn() + Sync)) -> Result<BacktestReport, String> {
        let list = starts(self.from, self.to, self.every);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|e| format!("cannot start {jobs} threads: {e}"))?;
        let results: Vec<StartResult> = pool.install(|| {
            list.par_iter()
                .map(|&start| {
                    let r = self.one(start);
                    tick();
                    r
                })
                .collect::<Result<_, String>>()
        })?;
        let rollout = self
            .manifests
            .rollouts
            .first()
            .map_or(String::new(), |r| r.name.clone());
        Ok(summarize(self, rollout, results))
    }

    fn one(&self, start: Timestamp) -> Result<StartResult, String> {
        let mut input = self.input.clone();
        input.start = start;
        let replay =
            replay::replay_loaded(&input, self.manifests, self.store).map_err(|e| e.to_string())?;
        Ok(classify(start, &replay.simulation))
    }
}

/// The verdict and deciding measurement of one replay.
pub fn classify(start: Timestamp, sim: &Simulation) -> StartResult {
    let o = &sim.outcome;
    let verdict = match o.result {
        OutcomeResult::Promoted => StartVerdict::Promoted,
        OutcomeResult::Aborted => StartVerdict::Aborted,
        OutcomeResult::Invalid => StartVerdict::Invalid,
        OutcomeResult::Paused if o.reason.starts_with("HorizonReached") => StartVerdict::Incomplete,
        OutcomeResult::Paused => StartVerdict::Paused,
    };
    let measurement = match verdict {
        StartVerdict::Aborted | StartVerdict::Paused => {
            deciding(start, sim, o.deciding_metric.as_deref())
        }
        _ => None,
    };
    StartResult {
        start: start.to_string(),
        verdict,
        at_seconds: o.at as f64 / 1000.0,
        reason: o.reason.clone(),
        metric: o.deciding_metric.clone(),
        measurement,
    }
}

/// The last measurement that was not Successful, up to the outcome, of `metric` (of any
/// metric when the outcome names none).
fn deciding(start: Timestamp, sim: &Simulation, metric: Option<&str>) -> Option<Deciding> {
    sim.events
        .iter()
        .filter(|e| e.t <= sim.outcome.at)
        .filter_map(|e| match &e.event {
            Event::MeasurementTaken {
                metric: m,
                value,
                phase,
                message,
                ..
            } if *phase != Phase::Successful && metric.is_none_or(|x| x == m) => Some(Deciding {
                at_seconds: e.t as f64 / 1000.0,
                time: (start + Duration::from_millis(e.t)).to_string(),
                metric: m.clone(),
                value: value.clone(),
                phase: *phase,
                message: message.clone(),
            }),
            _ => None,
        })
        .next_back()
}

fn summarize(b: &Backtest, rollout: String, starts: Vec<StartResult>) -> BacktestReport {
    let count = |v: StartVerdict| starts.iter().filter(|s| s.verdict == v).count();
    let (promoted, aborted, paused, invalid, incomplete) = (
        count(StartVerdict::Promoted),
        count(StartVerdict::Aborted),
        count(StartVerdict::Paused),
        count(StartVerdict::Invalid),
        count(StartVerdict::Incomplete),
    );
    let decided = starts.len() - incomplete;
    BacktestReport {
        schema: SCHEMA,
        scenario: b.scenario.clone(),
        rollout,
        from: b.from.to_string(),
        to: b.to.to_string(),
        every: b.every.to_string(),
        promoted,
        aborted,
        paused,
        invalid,
        incomplete,
        abort_rate: stats::wilson(aborted, decided),
        pause_rate: stats::wilson(paused, decided),
        failure_rate: stats::wilson(aborted + paused, decided),
        starts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_step_through_the_range() {
        let t = |m: i64| Timestamp(m * 60_000);
        assert_eq!(
            starts(t(0), t(30), Duration::from_secs(600)),
            [t(0), t(10), t(20), t(30)]
        );
        assert_eq!(
            starts(t(0), t(29), Duration::from_secs(600)),
            [t(0), t(10), t(20)]
        );
        assert!(starts(t(5), t(0), Duration::from_secs(60)).is_empty());
    }

    #[test]
    fn nominal_length_adds_timed_pauses() {
        let m = crate::manifest::load_str(
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  \
             strategy:\n    canary:\n      steps:\n        - setWeight: 10\n        \
             - pause: {duration: 5m}\n        - pause: {duration: 90}\n        - pause: {}\n",
            "r.yaml",
        )
        .unwrap();
        assert_eq!(nominal_length(&m.rollouts[0]), Duration::from_secs(390));
    }
}
