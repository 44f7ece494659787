//! The boundary between the engine and AnalysisRun evaluation: the `AnalysisRuns` trait.
//!
//! The engine creates, advances and terminates runs only through this trait, so it does not
//! depend on how measurements are taken (PromQL, conditions) — the integrator supplies the real
//! implementation and tests a scripted fake. Depends on `analysis::Phase`, `model::time`, `event`.

use super::event::Event;
use super::plan::AnalysisId;
use crate::analysis::Phase;
use crate::model::time::Timestamp;

/// Handle of a run, assigned by the `AnalysisRuns` implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(pub usize);

/// The `rollout-type` label of a run (§1.6); experiment runs carry their step index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum RunKind {
    Step(usize),
    Background,
    PrePromotion,
    PostPromotion,
    Experiment(usize),
}

/// Why the Rollout set `spec.terminate` on a run (§10.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TerminationCause {
    Abort,
    Promotion,
    StepChanged,
    FullPromote,
    /// An experiment step's `duration` elapsed.
    ExperimentFinished,
}

/// A run the engine asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRequest {
    pub analysis: AnalysisId,
    pub kind: RunKind,
    /// The AnalysisRun name (§1.6), to be used in the implementation's events.
    pub name: String,
}

/// A created run and the events its creation produced (an invalid run completes at once).
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub id: RunId,
    pub events: Vec<Event>,
}

/// What the engine needs from analysis: runs it creates and drives.
///
/// Every returned event happens at the `t` passed in; the engine stamps it.
pub trait AnalysisRuns {
    /// Creates the run at `t`. A run whose spec is invalid may complete at once as `Error`
    /// (its `AnalysisRunCompleted` is then among the returned events).
    fn create(&mut self, request: &RunRequest, t: Timestamp) -> Created;
    /// Earliest time any active run wants to measure, if any.
    fn next_due(&self) -> Option<Timestamp>;
    /// Takes every measurement due at or before `t` (run-creation order, then metric order)
    /// and reconciles the runs, including the same-instant terminating pass of §2.7.
    fn advance(&mut self, t: Timestamp) -> Vec<Event>;
    /// Sets `spec.terminate` at `t`; returns e.g. `AnalysisRunCompleted Successful "Run Terminated"`.
    fn terminate(&mut self, id: RunId, t: Timestamp, cause: TerminationCause) -> Vec<Event>;
    /// `Running` until completed.
    fn phase(&self, id: RunId) -> Phase;
    /// The run message (§2.7), `""` when none.
    fn message(&self, id: RunId) -> String;
    /// The served canary weight (percent) changed at `t`, with the pods each version then
    /// has: called exactly when the engine reports `CanaryWeightSet`, and for blue-green when
    /// the active service switches (0 → 100, 100 → 0). A closed-loop world follows it.
    fn weight_changed(
        &mut self,
        _t: Timestamp,
        _weight: f64,
        _canary_replicas: i32,
        _stable_replicas: i32,
    ) {
    }
    /// The canary entered step `index` at `t` (regressions may start at a step).
    fn step_entered(&mut self, _t: Timestamp, _index: usize) {}
}
