//! The `AnalysisRun` state machine the simulator drives (SEMANTICS.md §2.2, §2.7, §10.2):
//! validation at creation, the measurement schedule, recording measurements, and the
//! same-instant reconciles that assess metrics and the run. Every decision is delegated to the
//! pure functions of `spec`, `validate`, `counters`, `metric`, `run_assessment`, `schedule`.
//!
//! Depends on those modules and `model::time`. Protocol at a simulated instant `now`:
//! measure each of `due_metrics(now)` (spec order) and `record` it, then `reconcile(now)`.

use crate::analysis::Phase;
use crate::analysis::metric::{Termination, assess_metric};
use crate::analysis::metric_result::{build_results, results_from_specs};
use crate::analysis::run_assessment::{RunMetric, RunSummary, assess_run, is_terminating};
use crate::analysis::schedule::next_measurement_due;
use crate::analysis::spec::{MeasurementOutcome, Metric, MetricSpec};
use crate::analysis::validate::MeasurementRetention;
use crate::model::Timestamp;

pub use crate::analysis::metric_result::MetricResult;
pub use crate::analysis::run_event::{Measurement, RecordError, RunEvent};

/// One AnalysisRun: metrics, `spec.terminate`, and the status fields of §1.3.
#[derive(Debug, Clone)]
pub struct AnalysisRun {
    name: String,
    created_at: Timestamp,
    started_at: Option<Timestamp>,
    completed_at: Option<Timestamp>,
    terminate: bool,
    phase: Phase,
    message: String,
    metrics: Vec<MetricResult>,
    run_summary: RunSummary,
    dry_run_summary: RunSummary,
    /// Events decided outside `reconcile` (an invalid spec), delivered by the next reconcile.
    undelivered: Vec<RunEvent>,
}

impl AnalysisRun {
    /// Creates a run at `created_at` (T0). Its metrics, `dryRun` rules and
    /// `measurementRetention` rules are validated as the controller's first reconcile does
    /// (§2.2 step 2, §2.9, §11 item 3): on failure the run is already completed with phase
    /// `Error` and message `Analysis spec invalid: <reason>`, and the first `reconcile`
    /// reports its `AnalysisRunCompleted`.
    pub fn new(
        name: &str,
        metrics: &[Metric],
        dry_run: &[String],
        retention: &[MeasurementRetention],
        created_at: Timestamp,
    ) -> Self {
        Self::with_results(name, build_results(metrics, dry_run, retention), created_at)
    }

    /// Like [`AnalysisRun::new`] for metrics already parsed, their `dry_run` flags resolved
    /// (see `validate_dry_run`): the count and limit rules still make the run `Error`.
    pub fn from_specs(
        name: &str,
        specs: Vec<MetricSpec>,
        retention: &[MeasurementRetention],
        created_at: Timestamp,
    ) -> Self {
        Self::with_results(name, results_from_specs(specs, retention), created_at)
    }

    fn with_results(
        name: &str,
        results: Result<Vec<MetricResult>, String>,
        created_at: Timestamp,
    ) -> Self {
        let mut run = AnalysisRun {
            name: name.to_string(),
            created_at,
            started_at: None,
            completed_at: None,
            terminate: false,
            phase: Phase::Pending,
            message: String::new(),
            metrics: Vec::new(),
            run_summary: RunSummary::default(),
            dry_run_summary: RunSummary::default(),
            undelivered: Vec::new(),
        };
        match results {
            Ok(results) => run.metrics = results,
            Err(reason) => run.fail(format!("Analysis spec invalid: {reason}")),
        }
        run
    }

    /// A run the controller cannot start, e.g. `Unable to resolve metric arguments: ...`
    /// (§2.2 step 2): `Error` at once; the first `reconcile` delivers its completion.
    pub fn errored(name: &str, message: String, created_at: Timestamp) -> Self {
        let mut run = Self::with_results(name, Ok(Vec::new()), created_at);
        run.fail(message);
        run
    }

    fn fail(&mut self, message: String) {
        self.phase = Phase::Error;
        self.message = message;
        self.completed_at = Some(self.created_at);
        self.undelivered.push(self.completed_event());
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn phase(&self) -> Phase {
        self.phase
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn is_completed(&self) -> bool {
        self.phase.is_completed()
    }
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }
    /// `status.startedAt`: the instant of the first reconcile.
    pub fn started_at(&self) -> Option<Timestamp> {
        self.started_at
    }
    /// `status.completedAt`.
    pub fn completed_at(&self) -> Option<Timestamp> {
        self.completed_at
    }
    /// Whether `spec.terminate` has been set.
    pub fn terminate_requested(&self) -> bool {
        self.terminate
    }
    /// Per-metric results in spec order (empty when the spec was invalid).
    pub fn metrics(&self) -> &[MetricResult] {
        &self.metrics
    }
    pub fn run_summary(&self) -> RunSummary {
        self.run_summary
    }
    pub fn dry_run_summary(&self) -> RunSummary {
        self.dry_run_summary
    }

    /// When the earliest incomplete metric is next due (§2.2 step 8), `None` when the run is
    /// complete or nothing more will be measured.
    pub fn next_due(&self) -> Option<Timestamp> {
        if self.is_completed() {
            return None;
        }
        (0..self.metrics.len())
            .filter_map(|i| self.metric_due(i))
            .min()
    }

    /// Indexes (spec order) of the metrics to measure at `now` (§2.2 step 3): none while the
    /// run is complete or terminating.
    pub fn due_metrics(&self, now: Timestamp) -> Vec<usize> {
        if self.is_completed() || self.termination() == Termination::Terminating {
            return Vec::new();
        }
        (0..self.metrics.len())
            .filter(|&i| self.metric_due(i).is_some_and(|due| due <= now))
            .collect()
    }

    /// Records one completed measurement of metric `index` taken at `now` with zero latency
    /// (§2.3 default), see [`AnalysisRun::record_measurement`].
    pub fn record(
        &mut self,
        index: usize,
        now: Timestamp,
        outcome: MeasurementOutcome,
    ) -> Result<RunEvent, RecordError> {
        self.record_measurement(index, now, now, outcome)
    }

    /// Records one completed measurement of metric `index` and updates its counters (§2.2
    /// step 5, §2.5). The next measurement is chained from `finished_at`, so a sim modelling
    /// `query_latency` (§10.1) passes `started_at + latency` and reconciles at `finished_at`.
    /// Does not check that the metric is due.
    pub fn record_measurement(
        &mut self,
        index: usize,
        started_at: Timestamp,
        finished_at: Timestamp,
        outcome: MeasurementOutcome,
    ) -> Result<RunEvent, RecordError> {
        if self.is_completed() {
            return Err(RecordError::RunCompleted(self.name.clone()));
        }
        let m = self
            .metrics
            .get_mut(index)
            .ok_or(RecordError::UnknownMetric(index))?;
        if m.phase.is_completed() {
            return Err(RecordError::MetricCompleted(m.spec.name.clone()));
        }
        if m.measurements.is_empty() {
            m.phase = Phase::Running;
        }
        m.counters.apply(outcome.phase);
        m.measurements.push(Measurement {
            phase: outcome.phase,
            value: outcome.value.clone(),
            message: outcome.message.clone(),
            started_at,
            finished_at,
        });
        Ok(RunEvent::MeasurementTaken {
            metric: m.spec.name.clone(),
            seq: m.measurements.len(),
            value: outcome.value,
            phase: outcome.phase,
            message: outcome.message,
            counters: m.counters,
        })
    }

    /// Assesses metrics and the run at `now`, repeating the controller's reconcile until
    /// nothing changes: the re-enqueue after each status patch happens at the same simulated
    /// instant (§2.1), so an early failure's second reconcile (§2.7 timeline) lands at `now`.
    pub fn reconcile(&mut self, now: Timestamp) -> Vec<RunEvent> {
        let mut events = std::mem::take(&mut self.undelivered);
        if self.is_completed() {
            return events;
        }
        if self.started_at.is_none() {
            self.started_at = Some(now);
        }
        // Phases only move toward completion, so this settles within three passes
        // (metric completes, run terminates, run completes); the bound is a safeguard.
        for _ in 0..4 {
            if !self.reconcile_once(now, &mut events) {
                break;
            }
        }
        events
    }

    /// Sets `spec.terminate` (the Rollout no longer wants the run) and reconciles at `now`:
    /// the run completes `Successful` with `Run Terminated` unless a limit was breached (§2.7).
    pub fn terminate(&mut self, now: Timestamp) -> Vec<RunEvent> {
        if !self.is_completed() {
            self.terminate = true;
        }
        self.reconcile(now)
    }

    fn spec_terminate(&self) -> Termination {
        if self.terminate {
            Termination::Terminating
        } else {
            Termination::Continuing
        }
    }

    fn views(&self) -> Vec<RunMetric<'_>> {
        self.metrics
            .iter()
            .map(|m| RunMetric {
                spec: &m.spec,
                stored: m.stored(),
                assessment: None,
                last_message: m.last().map_or("", |l| l.message.as_str()),
            })
            .collect()
    }

    fn termination(&self) -> Termination {
        is_terminating(self.spec_terminate(), &self.views())
    }

    fn metric_due(&self, i: usize) -> Option<Timestamp> {
        let m = &self.metrics[i];
        let last = m.last().map(|l| (l.finished_at, l.phase));
        let start = self.started_at.unwrap_or(self.created_at);
        next_measurement_due(&m.spec, &m.counters, m.phase, last, start)
    }

    /// One controller reconcile's assessment (§2.2 step 6); returns whether a phase changed.
    fn reconcile_once(&mut self, now: Timestamp, events: &mut Vec<RunEvent>) -> bool {
        let spec_terminate = self.spec_terminate();
        let mut views = self.views();
        let termination = is_terminating(spec_terminate, &views);
        for (v, m) in views.iter_mut().zip(&self.metrics) {
            if v.stored.is_some() {
                let last = m.last().map(|l| l.phase);
                v.assessment = Some(assess_metric(
                    &m.spec,
                    &m.counters,
                    m.phase,
                    last,
                    termination,
                ));
            }
        }
        let run = assess_run(&views, spec_terminate);
        let assessments: Vec<_> = views.into_iter().map(|v| v.assessment).collect();
        let mut changed = false;
        for ((m, a), message) in self
            .metrics
            .iter_mut()
            .zip(assessments)
            .zip(run.metric_messages)
        {
            let Some(a) = a else { continue };
            m.message = message;
            m.limit = a.limit;
            if a.phase != m.phase {
                changed = true;
                m.phase = a.phase;
                if a.phase.is_completed() {
                    events.push(RunEvent::MetricCompleted {
                        metric: m.spec.name.clone(),
                        phase: a.phase,
                        limit_message: m
                            .limit
                            .as_ref()
                            .map_or(String::new(), |l| l.message.clone()),
                        counters: m.counters,
                        dry_run: m.spec.dry_run,
                    });
                }
            }
        }
        self.run_summary = run.run_summary;
        self.dry_run_summary = run.dry_run_summary;
        if run.phase != self.phase {
            changed = true;
            self.phase = run.phase;
            self.message = run.message;
            if run.phase.is_completed() {
                self.completed_at = Some(now);
                events.push(self.completed_event());
            }
        }
        changed
    }

    fn completed_event(&self) -> RunEvent {
        RunEvent::AnalysisRunCompleted {
            phase: self.phase,
            message: self.message.clone(),
            run_summary: self.run_summary,
            dry_run_summary: self.dry_run_summary,
        }
    }
}

#[cfg(test)]
#[path = "run_scenarios.rs"]
mod scenarios;
