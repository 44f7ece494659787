//! Timeline events (SEMANTICS.md §10.3): what the engine and the `AnalysisRuns`
//! implementation report, serialized with a `"type"` tag and camelCase fields.
//!
//! Depends on `analysis::Phase`, `runs`, `plan` and `outcome` for payload types.

use super::outcome::OutcomeResult;
use super::runs::{RunKind, TerminationCause};
use crate::analysis::Phase;

/// An event at `t` milliseconds from the rollout start.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TimelineEvent {
    pub t: i64,
    #[serde(flatten)]
    pub event: Event,
}

/// Pause condition reasons (exact Argo strings, §4.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PauseReason {
    CanaryPauseStep,
    InconclusiveAnalysisRun,
    BlueGreenPause,
    InconclusiveExperiment,
}

impl PauseReason {
    pub fn as_str(self) -> &'static str {
        match self {
            PauseReason::CanaryPauseStep => "CanaryPauseStep",
            PauseReason::InconclusiveAnalysisRun => "InconclusiveAnalysisRun",
            PauseReason::BlueGreenPause => "BlueGreenPause",
            PauseReason::InconclusiveExperiment => "InconclusiveExperiment",
        }
    }
}

/// Why a pause condition went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PauseEndCause {
    DurationElapsed,
    AutoPromotionSecondsElapsed,
    ManualPromote,
    Abort,
    FullPromote,
}

/// Why the canary weight changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum WeightCause {
    SetWeight,
    Abort,
    Promotion,
    DynamicRollback,
}

/// Which ReplicaSet the blue-green active service selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ServiceTarget {
    New,
    Stable,
}

/// `status.phase` (§4.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RolloutPhase {
    Progressing,
    Paused,
    Degraded,
    Healthy,
}

/// What resumed a paused Rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ResumeCause {
    ManualPromote,
    FullPromote,
}

/// Metric counters and run summaries are the analysis module's own (§1.3, §2.5, §2.7).
pub use crate::analysis::{MetricCounters as Counters, RunSummary};

/// One timeline event; the variant name is the JSON `type`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
pub enum Event {
    RolloutUpdateStarted {
        revision: u32,
        strategy: &'static str,
    },
    StepEntered {
        index: usize,
        kind: &'static str,
        /// The step as written, e.g. `setWeight: 20`, `pause: {duration: 5m}`.
        step: String,
    },
    /// Served weights in percent (basic canary: the replica-count approximation).
    CanaryWeightSet {
        from: f64,
        to: f64,
        cause: WeightCause,
    },
    StepCompleted {
        index: usize,
        kind: &'static str,
        message: String,
    },
    PauseStarted {
        reason: PauseReason,
        step_index: Option<usize>,
        /// Milliseconds from rollout start; `None` for a pause only an operator ends.
        expires_at: Option<i64>,
    },
    PauseEnded {
        reason: PauseReason,
        cause: PauseEndCause,
    },
    AnalysisRunCreated {
        run: String,
        kind: RunKind,
        metrics: Vec<String>,
        args: Vec<(String, String)>,
    },
    MeasurementTaken {
        run: String,
        metric: String,
        /// 1-based measurement number of this metric.
        seq: u32,
        resolved_query: Option<String>,
        /// The provider's raw result (scalar, vector, matrix or error), as JSON.
        raw: Option<serde_json::Value>,
        /// Argo's `value` string (§2.5).
        value: String,
        phase: Phase,
        message: String,
        counters: Counters,
    },
    MetricCompleted {
        run: String,
        metric: String,
        phase: Phase,
        limit_message: String,
        counters: Counters,
        dry_run: bool,
    },
    AnalysisRunTerminationRequested {
        run: String,
        cause: TerminationCause,
    },
    AnalysisRunCompleted {
        run: String,
        phase: Phase,
        message: String,
        run_summary: RunSummary,
        dry_run_summary: RunSummary,
    },
    /// The Rollout waits for an operator (the pause has no expiry).
    RolloutPaused {
        reason: PauseReason,
        phase: RolloutPhase,
        message: String,
    },
    RolloutResumed {
        cause: ResumeCause,
    },
    RolloutAborted {
        message: String,
        step_index: usize,
        weight: f64,
    },
    ActiveServiceSwitched {
        to: ServiceTarget,
    },
    RolloutPromoted {
        reason: String,
    },
    RolloutPhaseChanged {
        phase: RolloutPhase,
        message: String,
    },
    InvalidSpec {
        message: String,
    },
    /// The last event. §10.3's `AwaitingManualAction(reason)` is `paused` with the pause
    /// reason, `HorizonReached` is `paused` with `HorizonReached: <progress message>`,
    /// `InvalidSpec` is `invalid` (§11.2 names).
    SimulationEnded {
        outcome: OutcomeResult,
        reason: String,
    },
}
