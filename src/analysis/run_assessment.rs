//! Run assessment: the AnalysisRun's phase, message, metric messages and summaries from its
//! metrics' assessments (SEMANTICS.md §2.7), as pure functions.
//!
//! Depends on `analysis::{spec, metric, phase}`.

use crate::analysis::Phase;
use crate::analysis::metric::{MetricAssessment, Termination};
use crate::analysis::spec::MetricSpec;

/// One metric as the run assessment sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunMetric<'a> {
    pub spec: &'a MetricSpec,
    /// The metric's stored result before this assessment: its phase and message. `None` while
    /// it has no MetricResult (no measurement yet, e.g. waiting on its initialDelay).
    pub stored: Option<(Phase, &'a str)>,
    /// This reconcile's assessment (`None` exactly when `stored` is `None`).
    pub assessment: Option<MetricAssessment>,
    /// The message of the metric's last measurement ("" when none).
    pub last_message: &'a str,
}

/// `status.runSummary` / `status.dryRunSummary`, counted per metric (§2.7).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunSummary {
    pub count: i64,
    pub successful: i64,
    pub failed: i64,
    pub inconclusive: i64,
    pub error: i64,
}

/// The outcome of one run assessment.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunAssessment {
    pub phase: Phase,
    /// `status.message`: "" while Running.
    pub message: String,
    /// Whether the run was terminating when assessed (computed from the stored phases).
    pub termination: Termination,
    /// Each metric's `MetricResult.message` after this assessment ("" when it has none).
    pub metric_messages: Vec<String>,
    pub run_summary: RunSummary,
    pub dry_run_summary: RunSummary,
}

/// Argo's `IsTerminating`: `spec.terminate` is set, or a non-dry-run metric's stored phase is
/// Failed, Error or Inconclusive. Computed before the metrics are re-assessed, which is why an
/// early failure takes two reconciles (§2.7 "Timeline of an early failure").
pub fn is_terminating(spec_terminate: Termination, metrics: &[RunMetric<'_>]) -> Termination {
    let failed_metric = metrics.iter().any(|m| {
        !m.spec.dry_run
            && matches!(
                m.stored,
                Some((Phase::Failed | Phase::Error | Phase::Inconclusive, _))
            )
    });
    if spec_terminate == Termination::Terminating || failed_metric {
        Termination::Terminating
    } else {
        Termination::Continuing
    }
}

/// Mirrors Argo's `assessRunStatus` (§2.7). `spec_terminate` is `Terminating` when the run's
/// `spec.terminate` is set. The metric assessments must have been made with
/// [`is_terminating`]'s answer for the same inputs.
pub fn assess_run(metrics: &[RunMetric<'_>], spec_terminate: Termination) -> RunAssessment {
    let termination = is_terminating(spec_terminate, metrics);
    let mut worst: Option<Phase> = None;
    let mut message = match spec_terminate {
        Termination::Terminating => "Run Terminated".to_string(),
        Termination::Continuing => String::new(),
    };
    let mut everything_completed = true;
    let mut run_summary = RunSummary::default();
    let mut dry_run_summary = RunSummary::default();
    let mut metric_messages = Vec::with_capacity(metrics.len());
    for m in metrics {
        let summary = if m.spec.dry_run {
            &mut dry_run_summary
        } else {
            &mut run_summary
        };
        summary.count += 1;
        let (Some((stored_phase, stored_message)), Some(a)) = (m.stored, &m.assessment) else {
            everything_completed = false;
            metric_messages.push(String::new());
            continue;
        };
        // Argo copies the last measurement's message when the metric's phase changes.
        let mut result_message = if a.phase != stored_phase {
            m.last_message.to_string()
        } else {
            stored_message.to_string()
        };
        if !a.phase.is_completed() {
            everything_completed = false;
            metric_messages.push(result_message);
            continue;
        }
        if m.spec.dry_run {
            worst.get_or_insert(Phase::Successful);
            if let Some(limit) = a.message() {
                result_message = format!("Metric assessed {} due to {limit}", a.phase);
            }
        } else if worst.is_none_or(|w| a.phase.severity() > w.severity()) {
            worst = Some(a.phase);
            if let Some(limit) = a.message() {
                message = format!(
                    "Metric \"{}\" assessed {} due to {limit}",
                    m.spec.name, a.phase
                );
                if !result_message.is_empty() {
                    message.push_str(&format!(": \"Error Message: {result_message}\""));
                }
            }
        }
        count_in_summary(summary, a);
        metric_messages.push(result_message);
    }
    let message = message.trim().to_string();
    let (phase, message) = match (termination, worst) {
        (Termination::Terminating, w) => (w.unwrap_or(Phase::Successful), message),
        (Termination::Continuing, Some(w)) if everything_completed => (w, message),
        (Termination::Continuing, _) => (Phase::Running, String::new()),
    };
    RunAssessment {
        phase,
        message,
        termination,
        metric_messages,
        run_summary,
        dry_run_summary,
    }
}

/// The summary buckets use the limit-rule phase: a completed metric without a limit breach
/// counts as successful, even when Failed or Inconclusive through consecutiveSuccessLimit
/// (§2.7 quirk [C]).
fn count_in_summary(summary: &mut RunSummary, a: &MetricAssessment) {
    match a.limit.as_ref().map(|l| l.phase) {
        Some(Phase::Failed) => summary.failed += 1,
        Some(Phase::Inconclusive) => summary.inconclusive += 1,
        Some(Phase::Error) => summary.error += 1,
        _ => summary.successful += 1,
    }
}

#[cfg(test)]
#[path = "run_assessment_tests.rs"]
mod tests;
