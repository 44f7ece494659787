//! Argo Rollouts analysis semantics as pure functions: the condition language, measurement
//! phases, metric and run assessment, the measurement schedule (SEMANTICS.md §2, §3), and the
//! `AnalysisRun` state machine the simulator drives.
//!
//! Depends on `model` (and on `promql` only through the result shapes it is given).
//!
//! Layout: `spec` (inputs, `effective_count`), `validate` (§2.9),
//! `counters` (§2.5), `metric` (`assess_metric`, §2.6), `run_assessment` (`assess_run`, §2.7),
//! `schedule` (`next_measurement_due`, §2.3), and `run` (`AnalysisRun`, built only from those).
//! The simulator drives a run at each instant `now`: measure `due_metrics(now)` in spec order,
//! `record` each outcome, then `reconcile(now)`; `terminate(now)` when the Rollout sets
//! `spec.terminate`; sleep until `next_due()`.

pub mod condition;
pub mod counters;
pub mod metric;
pub mod metric_result;
pub mod phase;
pub mod run;
pub mod run_assessment;
pub mod run_event;
pub mod schedule;
pub mod spec;
pub mod validate;

pub use counters::MetricCounters;
pub use metric::{LimitBreach, MetricAssessment, Termination, assess_metric, limit_breach};
pub use phase::{Phase, ResultValue};
pub use run::{AnalysisRun, MetricResult};
pub use run_assessment::{RunAssessment, RunMetric, RunSummary, assess_run, is_terminating};
pub use run_event::{Measurement, RecordError, RunEvent};
pub use schedule::next_measurement_due;
pub use spec::{MeasurementOutcome, Metric, MetricSpec, effective_count};
pub use validate::{
    MeasurementRetention, validate_dry_run, validate_measurement_retention, validate_metrics,
    validate_specs,
};
