//! What an `AnalysisRun` reports: its measurements, the run and measurement events of
//! SEMANTICS.md §10.3, and the errors of misuse by the caller.
//!
//! Depends on `analysis::{phase, counters, run_assessment}` and `model::time`. Events carry no
//! time or run id: the simulator knows the instant it called at and wraps them (§10.3).

use crate::analysis::Phase;
use crate::analysis::counters::MetricCounters;
use crate::analysis::run_assessment::RunSummary;
use crate::model::Timestamp;

/// One completed measurement of a metric (`status.metricResults[].measurements[]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Measurement {
    pub phase: Phase,
    /// Argo's `value` string (§2.5); "" on a query error.
    pub value: String,
    pub message: String,
    #[serde(serialize_with = "millis")]
    pub started_at: Timestamp,
    #[serde(serialize_with = "millis")]
    pub finished_at: Timestamp,
}

fn millis<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(t.millis())
}

/// The run and measurement events of §10.3 (`AnalysisRunCreated` and
/// `AnalysisRunTerminationRequested` are emitted by the simulator, which knows their causes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "event", rename_all_fields = "camelCase")]
pub enum RunEvent {
    /// A measurement was recorded; `seq` is 1-based per metric, `counters` are after the update.
    MeasurementTaken {
        metric: String,
        seq: usize,
        value: String,
        phase: Phase,
        message: String,
        counters: MetricCounters,
    },
    /// A metric reached a completed phase.
    MetricCompleted {
        metric: String,
        phase: Phase,
        /// The limit message of §2.6 rule 4, "" when the metric completed otherwise.
        limit_message: String,
        counters: MetricCounters,
        dry_run: bool,
    },
    /// The run completed, with its §2.7 message.
    AnalysisRunCompleted {
        phase: Phase,
        message: String,
        run_summary: RunSummary,
        dry_run_summary: RunSummary,
    },
}

/// A `record` call the run cannot accept (a caller bug, never user input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("no metric at index {0}")]
    UnknownMetric(usize),
    #[error("AnalysisRun {0} is already completed")]
    RunCompleted(String),
    #[error("metric {0} is already completed")]
    MetricCompleted(String),
}
