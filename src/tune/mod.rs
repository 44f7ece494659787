//! `rollsim tune` and `rollsim backtest`: Monte Carlo sweeps of a parameter grid over a
//! scenario's healthy twin and regressed worlds, and virtual rollouts slid across recorded
//! history. Exact Argo semantics each time (`replay`), seeded, identical for any thread count.
//!
//! - `grid` parses axes; `patch` applies a candidate to the manifests; `threshold` finds the
//!   literal of a condition; `trial` runs one world once; `summary`, `stats`, `frontier` and
//!   `recommend` turn trials into rates, intervals, the frontier and a recommendation;
//!   `snippet` prints the patched YAML; `shard` splits and merges sweeps; `output` renders.
//! - `backtest` slides rollout starts over a recording.
//!
//! Depends on `replay`, `manifest`, `synth`, `sim`, `analysis::condition` and `model`.

pub mod backtest;
pub mod backtest_output;
pub mod frontier;
pub mod grid;
pub mod output;
pub mod patch;
pub mod report;
pub mod section;
pub mod shard;
pub mod snippet;
pub mod stats;
pub mod summary;
pub mod threshold;
pub mod trial;

use rayon::prelude::*;

use crate::manifest::Manifests;
use crate::replay::ReplayInput;
use grid::Candidate;
use recommend::Targets;
use trial::{TrialResult, TrialWorld};

pub mod recommend;

/// A candidate with its manifests patched.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub candidate: Candidate,
    pub label: String,
    pub manifests: Manifests,
}

/// Everything a sweep needs, resolved: the units of work are (candidate, world, trial)
/// triples numbered `(candidate × worlds + world) × runs + trial`.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The scenario file as given, for reports.
    pub scenario: String,
    pub rollout: String,
    /// The scenario's replay settings (args, horizon, operator, PromQL compatibility).
    pub input: ReplayInput,
    /// The manifests as written, for the patched snippet.
    pub original: Manifests,
    pub candidates: Vec<Prepared>,
    pub worlds: Vec<TrialWorld>,
    /// Trials per candidate and world.
    pub runs: usize,
    /// Base seed the trial seeds derive from.
    pub seed: u64,
    pub targets: Targets,
}

/// A trial that could not run (the world rejected its configuration).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("candidate {candidate}, world {world}, trial {trial}: {message}")]
pub struct TrialError {
    pub candidate: String,
    pub world: String,
    pub trial: usize,
    pub message: String,
}

impl Sweep {
    /// Prepares a sweep: patches every candidate (the first bad value is the error).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        scenario: String,
        input: ReplayInput,
        original: Manifests,
        axes: &[grid::Axis],
        worlds: Vec<TrialWorld>,
        runs: usize,
        seed: u64,
        targets: Targets,
    ) -> Result<Sweep, String> {
        let rollout = original
            .rollouts
            .first()
            .map(|r| r.name.clone())
            .ok_or("no Rollout found (kind: Rollout, apiVersion argoproj.io/v1alpha1)")?;
        let candidates = grid::candidates(axes)
            .into_iter()
            .map(|c| {
                let manifests = patch::apply(&original, &c)?;
                Ok(Prepared {
                    label: c.label(),
                    candidate: c,
                    manifests,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Sweep {
            scenario,
            rollout,
            input,
            original,
            candidates,
            worlds,
            runs,
            seed,
            targets,
        })
    }

    /// The number of (candidate, world, trial) units.
    pub fn units(&self) -> usize {
        self.candidates.len() * self.worlds.len() * self.runs
    }

    /// `(candidate, world, trial)` of unit `u`.
    pub fn unit(&self, u: usize) -> (usize, usize, usize) {
        let t = u % self.runs;
        let cw = u / self.runs;
        (cw / self.worlds.len(), cw % self.worlds.len(), t)
    }

    /// Runs unit `u`.
    pub fn run_unit(&self, u: usize) -> Result<TrialResult, TrialError> {
        let (c, w, t) = self.unit(u);
        let world = &self.worlds[w];
        let seed = trial::trial_seed(self.seed, t as u64);
        trial::run(
            &self.input,
            &self.candidates[c].manifests,
            &world.config,
            seed,
        )
        .map_err(|message| TrialError {
            candidate: self.candidates[c].label.clone(),
            world: world.label.clone(),
            trial: t,
            message,
        })
    }

    /// Runs `units` on `jobs` threads (0: one per core); results come back in the order of
    /// `units`, whatever the threads did. `tick` is called once per finished unit.
    pub fn run(
        &self,
        units: &[usize],
        jobs: usize,
        tick: &(dyn Fn() + Sync),
    ) -> Result<Vec<TrialResult>, TrialError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|e| TrialError {
                candidate: String::new(),
                world: String::new(),
                trial: 0,
                message: format!("cannot start {jobs} threads: {e}"),
            })?;
        pool.install(|| {
            units
                .par_iter()
                .map(|&u| {
                    let r = self.run_unit(u);
                    tick();
                    r
                })
                .collect()
        })
    }
}
