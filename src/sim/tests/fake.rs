//! A scripted `AnalysisRuns`: each run measures one metric at a fixed interval with phases the
//! test lists, applying Argo's default limits, so scenarios can pin the engine's reactions.

use crate::analysis::Phase;
use crate::model::time::{Duration, Timestamp};
use crate::sim::event::{Counters, Event, RunSummary};
use crate::sim::plan::{AnalysisSpec, IndefiniteMetric};
use crate::sim::runs::{AnalysisRuns, Created, RunId, RunKind, RunRequest, TerminationCause};

/// One analysis: a single metric with Argo's limits (failureLimit, inconclusiveLimit 0,
/// an Error measurement completes the metric as Error).
#[derive(Debug, Clone)]
pub struct FakeSpec {
    pub metric: &'static str,
    pub interval: Option<Duration>,
    /// `None` with an interval is indefinite.
    pub count: Option<i64>,
    pub failure_limit: i64,
    /// Measurement phases of the k-th created run (the last list is reused); `Successful`
    /// once a list runs out.
    pub runs: Vec<Vec<Phase>>,
    /// The run completes at creation as `Error` with this message.
    pub invalid: Option<String>,
}

impl FakeSpec {
    pub fn new(metric: &'static str, interval_secs: Option<i64>, count: Option<i64>) -> Self {
        FakeSpec {
            metric,
            interval: interval_secs.map(Duration::from_secs),
            count,
            failure_limit: 0,
            runs: Vec::new(),
            invalid: None,
        }
    }
    pub fn failure_limit(mut self, n: i64) -> Self {
        self.failure_limit = n;
        self
    }
    pub fn phases(mut self, phases: &[Phase]) -> Self {
        self.runs.push(phases.to_vec());
        self
    }
    pub fn invalid(mut self, message: &str) -> Self {
        self.invalid = Some(message.to_string());
        self
    }
    /// The engine-side facts for this analysis.
    pub fn analysis_spec(&self, name: &str) -> AnalysisSpec {
        let indefinite = self.interval.is_some() && self.count.is_none();
        AnalysisSpec {
            name: name.to_string(),
            metrics: vec![self.metric.to_string()],
            args: Vec::new(),
            indefinite_metric: indefinite.then(|| IndefiniteMetric {
                template: name.to_string(),
                metric: self.metric.to_string(),
                count: String::new(),
            }),
        }
    }
}

#[derive(Debug)]
struct FakeRun {
    name: String,
    spec: usize,
    phases: Vec<Phase>,
    next: Option<Timestamp>,
    counters: Counters,
    phase: Phase,
    message: String,
}

/// The scripted runs; `log` records every creation `(name, kind, t in s)`.
#[derive(Debug, Default)]
pub struct FakeRuns {
    specs: Vec<FakeSpec>,
    runs: Vec<FakeRun>,
    created_per_spec: Vec<usize>,
    pub log: Vec<(String, RunKind, i64)>,
}

impl FakeRuns {
    pub fn new(specs: Vec<FakeSpec>) -> Self {
        let n = specs.len();
        FakeRuns {
            specs,
            runs: Vec::new(),
            created_per_spec: vec![0; n],
            log: Vec::new(),
        }
    }

    fn completed(&self, i: usize, phase: Phase, message: String) -> Event {
        let mut summary = RunSummary {
            count: 1,
            ..RunSummary::default()
        };
        match phase {
            Phase::Failed => summary.failed = 1,
            Phase::Error => summary.error = 1,
            Phase::Inconclusive => summary.inconclusive = 1,
            _ => summary.successful = 1,
        }
        Event::AnalysisRunCompleted {
            run: self.runs[i].name.clone(),
            phase,
            message,
            run_summary: summary,
            dry_run_summary: RunSummary::default(),
        }
    }

    /// One measurement of run `i` at `t`; returns its events.
    fn measure(&mut self, i: usize, t: Timestamp) -> Vec<Event> {
        let spec = self.specs[self.runs[i].spec].clone();
        let run = &mut self.runs[i];
        let m = run
            .phases
            .get(run.counters.count as usize)
            .copied()
            .unwrap_or(Phase::Successful);
        let c = &mut run.counters;
        c.count += 1;
        match m {
            Phase::Failed => c.failed += 1,
            Phase::Inconclusive => c.inconclusive += 1,
            Phase::Error => c.error += 1,
            _ => c.successful += 1,
        }
        let counters = *c;
        let value = match m {
            Phase::Successful => "0.99",
            Phase::Failed => "0.5",
            Phase::Inconclusive => "NaN",
            _ => "",
        };
        let mut events = vec![Event::MeasurementTaken {
            run: run.name.clone(),
            metric: spec.metric.to_string(),
            seq: counters.count as u32,
            resolved_query: None,
            raw: None,
            value: value.to_string(),
            phase: m,
            message: String::new(),
            counters,
        }];
        let limit = if counters.failed > spec.failure_limit {
            Some((
                Phase::Failed,
                format!(
                    "failed ({}) > failureLimit ({})",
                    counters.failed, spec.failure_limit
                ),
            ))
        } else if counters.inconclusive > 0 {
            Some((
                Phase::Inconclusive,
                format!(
                    "inconclusive ({}) > inconclusiveLimit (0)",
                    counters.inconclusive
                ),
            ))
        } else if counters.error > 0 {
            Some((
                Phase::Error,
                format!(
                    "consecutiveErrors ({}) > consecutiveErrorLimit (4)",
                    counters.error
                ),
            ))
        } else {
            None
        };
        let effective = spec.count.or(if spec.interval.is_none() {
            Some(1)
        } else {
            None
        });
        let done = match (&limit, effective) {
            (Some(_), _) => true,
            (None, Some(n)) => counters.count >= n,
            (None, None) => false,
        };
        if !done {
            run.next = spec.interval.map(|d| t + d);
            return events;
        }
        let (phase, limit_message) = limit.unwrap_or((Phase::Successful, String::new()));
        let message = if limit_message.is_empty() {
            String::new()
        } else {
            format!(
                "Metric \"{}\" assessed {phase} due to {limit_message}",
                spec.metric
            )
        };
        run.next = None;
        run.phase = phase;
        run.message = message.clone();
        events.push(Event::MetricCompleted {
            run: run.name.clone(),
            metric: spec.metric.to_string(),
            phase,
            limit_message,
            counters,
            dry_run: false,
        });
        events.push(self.completed(i, phase, message));
        events
    }
}

impl AnalysisRuns for FakeRuns {
    fn create(&mut self, request: &RunRequest, t: Timestamp) -> Created {
        let spec_index = request.analysis.0;
        let id = RunId(self.runs.len());
        self.log
            .push((request.name.clone(), request.kind, t.millis() / 1000));
        let Some(spec) = self.specs.get(spec_index).cloned() else {
            return Created {
                id,
                events: Vec::new(),
            };
        };
        let k = self.created_per_spec[spec_index];
        self.created_per_spec[spec_index] += 1;
        let phases = spec
            .runs
            .get(k)
            .or(spec.runs.last())
            .cloned()
            .unwrap_or_default();
        self.runs.push(FakeRun {
            name: request.name.clone(),
            spec: spec_index,
            phases,
            next: Some(t),
            counters: Counters::default(),
            phase: Phase::Running,
            message: String::new(),
        });
        let mut events = Vec::new();
        if let Some(message) = spec.invalid {
            let run = &mut self.runs[id.0];
            run.next = None;
            run.phase = Phase::Error;
            run.message = message.clone();
            events.push(self.completed(id.0, Phase::Error, message));
        }
        Created { id, events }
    }

    fn next_due(&self) -> Option<Timestamp> {
        self.runs.iter().filter_map(|r| r.next).min()
    }

    fn advance(&mut self, t: Timestamp) -> Vec<Event> {
        let mut events = Vec::new();
        for i in 0..self.runs.len() {
            if self.runs[i].next.is_some_and(|n| n <= t) {
                events.extend(self.measure(i, t));
            }
        }
        events
    }

    fn terminate(&mut self, id: RunId, _t: Timestamp, _cause: TerminationCause) -> Vec<Event> {
        let Some(run) = self.runs.get_mut(id.0) else {
            return Vec::new();
        };
        if run.phase.is_completed() {
            return Vec::new();
        }
        run.next = None;
        run.phase = Phase::Successful;
        run.message = "Run Terminated".to_string();
        vec![self.completed(id.0, Phase::Successful, "Run Terminated".to_string())]
    }

    fn phase(&self, id: RunId) -> Phase {
        self.runs.get(id.0).map_or(Phase::Error, |r| r.phase)
    }

    fn message(&self, id: RunId) -> String {
        self.runs
            .get(id.0)
            .map(|r| r.message.clone())
            .unwrap_or_default()
    }
}
