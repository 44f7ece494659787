//! Metric assessment: the phase of one metric from its spec, counters, last measurement and
//! whether the run is terminating (SEMANTICS.md §2.6, §2.8), as a pure function.
//!
//! Depends on `analysis::{spec, counters, phase}`.

use crate::analysis::Phase;
use crate::analysis::counters::MetricCounters;
use crate::analysis::spec::MetricSpec;

/// Whether the run is terminating: `spec.terminate` is set, or a non-dry-run metric is already
/// Failed, Error or Inconclusive (§2.6, last paragraph).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Termination {
    Continuing,
    Terminating,
}

/// A limit the counters have breached (§2.6 rule 4), with Argo's message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LimitBreach {
    pub phase: Phase,
    /// `failed (F) > failureLimit (L)`, `inconclusive (I) > inconclusiveLimit (L)` or
    /// `consecutiveErrors (E) > consecutiveErrorLimit (L)`.
    pub message: String,
}

/// The assessed phase of a metric and the limit breach behind it, if any.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MetricAssessment {
    pub phase: Phase,
    /// Argo's `assessMetricFailureInconclusiveOrError`, recomputed from the counters on every
    /// assessment (also for a sticky completed phase), as the run message and the run
    /// summaries need it.
    pub limit: Option<LimitBreach>,
}

impl MetricAssessment {
    /// The limit message, when a limit was breached.
    pub fn message(&self) -> Option<&str> {
        self.limit.as_ref().map(|l| l.message.as_str())
    }
}

/// Mirrors Argo's `assessMetricFailureInconclusiveOrError` (§2.6 rule 4): all three checks are
/// made and a later one overwrites an earlier one, so Error > Inconclusive > Failed.
pub fn limit_breach(spec: &MetricSpec, c: &MetricCounters) -> Option<LimitBreach> {
    let checks = [
        (
            spec.failure_limit >= 0,
            Phase::Failed,
            "failed",
            c.failed,
            "failureLimit",
            spec.failure_limit,
        ),
        (
            true,
            Phase::Inconclusive,
            "inconclusive",
            c.inconclusive,
            "inconclusiveLimit",
            spec.inconclusive_limit,
        ),
        (
            true,
            Phase::Error,
            "consecutiveErrors",
            c.consecutive_error,
            "consecutiveErrorLimit",
            spec.consecutive_error_limit,
        ),
    ];
    // A later check overwrites an earlier one: take the last breach.
    checks
        .into_iter()
        .rev()
        .find(|&(applies, _, _, n, _, limit)| applies && n > limit)
        .map(|(_, phase, counter, n, limit_name, limit)| LimitBreach {
            phase,
            message: format!("{counter} ({n}) > {limit_name} ({limit})"),
        })
}

/// Mirrors Argo's `assessMetricStatus` (§2.6), first matching rule wins:
/// 1 a completed stored phase is sticky; 2 no measurement: Successful if terminating, else
/// Pending; 3 an in-flight last measurement: Running; 4 a limit breach; 5 consecutive
/// successes reached; 6 effective count reached; 7 Successful if terminating, else Running.
///
/// `last_measurement` is the phase of the metric's last measurement (`None`: none taken).
pub fn assess_metric(
    spec: &MetricSpec,
    counters: &MetricCounters,
    stored_phase: Phase,
    last_measurement: Option<Phase>,
    termination: Termination,
) -> MetricAssessment {
    let limit = limit_breach(spec, counters);
    let phase = assess_phase(
        spec,
        counters,
        stored_phase,
        last_measurement,
        termination,
        &limit,
    );
    MetricAssessment { phase, limit }
}

fn assess_phase(
    spec: &MetricSpec,
    counters: &MetricCounters,
    stored_phase: Phase,
    last_measurement: Option<Phase>,
    termination: Termination,
    limit: &Option<LimitBreach>,
) -> Phase {
    let terminating = termination == Termination::Terminating;
    let still_going = if terminating {
        Phase::Successful
    } else {
        Phase::Running
    };
    if stored_phase.is_completed() {
        return stored_phase;
    }
    let Some(last) = last_measurement else {
        return if terminating {
            Phase::Successful
        } else {
            Phase::Pending
        };
    };
    if !last.is_completed() {
        return Phase::Running;
    }
    if let Some(breach) = limit {
        return breach.phase;
    }
    let csl = spec.consecutive_success_limit;
    if csl > 0 && counters.consecutive_success >= csl {
        return Phase::Successful;
    }
    match spec.effective_count() {
        Some(n) if counters.count >= n => {
            if spec.failure_limit >= 0 && csl > 0 {
                Phase::Inconclusive
            } else if csl > 0 {
                Phase::Failed
            } else {
                Phase::Successful
            }
        }
        _ => still_going,
    }
}

#[cfg(test)]
#[path = "metric_tests.rs"]
mod tests;
