//! The real `sim::AnalysisRuns`: AnalysisRun state machines (`analysis::AnalysisRun`) whose
//! measurements evaluate each metric's PromQL at the simulated instant against a
//! `DataSource`: recorded data (a fixed `&Store`), or a synthetic world that grows as the
//! rollout runs (`replay::world`).

use super::measure::{Measured, Measurer, run_metric};
use super::prepare::PreparedAnalysis;
use crate::analysis::{AnalysisRun, Phase, ResultValue, RunEvent};
use crate::model::{Store, Timestamp};
use crate::promql::Engine;
use crate::sim::{AnalysisRuns, Created, Event, RunId, RunRequest, TerminationCause};

/// Where measurements read their data, told of the rollout's weight and step changes.
pub trait DataSource {
    /// The data as it stands at `t` (every sample up to `t`).
    fn store_at(&mut self, t: Timestamp) -> &Store;
    /// See `AnalysisRuns::weight_changed`.
    fn weight_changed(&mut self, _t: Timestamp, _weight: f64, _canary: i32, _stable: i32) {}
    /// See `AnalysisRuns::step_entered`.
    fn step_entered(&mut self, _t: Timestamp, _index: usize) {}
}

/// Recorded data: the same store whatever the time.
impl DataSource for &Store {
    fn store_at(&mut self, _t: Timestamp) -> &Store {
        self
    }
}

struct Active {
    analysis: usize,
    run: AnalysisRun,
}

/// Runs of one simulation over one data source.
pub struct RecordedRuns<'a, S: DataSource = &'a Store> {
    engine: &'a Engine,
    source: S,
    analyses: &'a [PreparedAnalysis],
    runs: Vec<Active>,
}

impl<'a, S: DataSource> RecordedRuns<'a, S> {
    pub fn new(engine: &'a Engine, source: S, analyses: &'a [PreparedAnalysis]) -> Self {
        RecordedRuns {
            engine,
            source,
            analyses,
            runs: Vec::new(),
        }
    }

    /// The data source, e.g. to read a world's impact once the simulation is over.
    pub fn into_source(self) -> S {
        self.source
    }

    /// Every run created so far, in creation order: its name and the index of its analysis.
    pub fn created(&self) -> Vec<(String, usize)> {
        self.runs
            .iter()
            .map(|a| (a.run.name().to_string(), a.analysis))
            .collect()
    }

    fn events(
        &self,
        id: usize,
        events: Vec<RunEvent>,
        measured: &[(String, Measured)],
    ) -> Vec<Event> {
        sim_events(self.runs[id].run.name(), events, measured)
    }
}

fn sim_events(run: &str, events: Vec<RunEvent>, measured: &[(String, Measured)]) -> Vec<Event> {
    events
        .into_iter()
        .map(|e| to_sim_event(run, e, measured))
        .collect()
}

impl<S: DataSource> AnalysisRuns for RecordedRuns<'_, S> {
    fn create(&mut self, request: &RunRequest, t: Timestamp) -> Created {
        let a = &self.analyses[request.analysis.0];
        let run = match &a.run_error {
            Some(message) => AnalysisRun::errored(&request.name, message.clone(), t),
            None => {
                let metrics: Vec<_> = a.metrics.iter().map(run_metric).collect();
                AnalysisRun::new(&request.name, &metrics, &a.dry_run, &a.retention, t)
            }
        };
        self.runs.push(Active {
            analysis: request.analysis.0,
            run,
        });
        let id = self.runs.len() - 1;
        // An invalid run completes at creation; the first reconcile delivers that.
        let events = if self.runs[id].run.is_completed() {
            let ev = self.runs[id].run.reconcile(t);
            self.events(id, ev, &[])
        } else {
            Vec::new()
        };
        Created {
            id: RunId(id),
            events,
        }
    }

    fn next_due(&self) -> Option<Timestamp> {
        self.runs.iter().filter_map(|a| a.run.next_due()).min()
    }

    fn advance(&mut self, t: Timestamp) -> Vec<Event> {
        let mut out = Vec::new();
        let measurer = Measurer {
            engine: self.engine,
            store: self.source.store_at(t),
        };
        for id in 0..self.runs.len() {
            if self.runs[id].run.is_completed() {
                continue;
            }
            let mut events = Vec::new();
            let mut measured = Vec::new();
            for m in self.runs[id].run.due_metrics(t) {
                let metric = &self.analyses[self.runs[id].analysis].metrics[m];
                let result = measurer.measure(metric, t);
                // A record error is a scheduling bug, never user input: skip the measurement.
                if let Ok(e) = self.runs[id].run.record(m, t, result.outcome.clone()) {
                    events.push(e);
                }
                measured.push((metric.name.clone(), result));
            }
            events.extend(self.runs[id].run.reconcile(t));
            out.extend(sim_events(self.runs[id].run.name(), events, &measured));
        }
        out
    }

    fn terminate(&mut self, id: RunId, t: Timestamp, _cause: TerminationCause) -> Vec<Event> {
        let events = self.runs[id.0].run.terminate(t);
        self.events(id.0, events, &[])
    }

    fn phase(&self, id: RunId) -> Phase {
        match self.runs[id.0].run.phase() {
            Phase::Pending => Phase::Running,
            p => p,
        }
    }

    fn message(&self, id: RunId) -> String {
        self.runs[id.0].run.message().to_string()
    }

    fn weight_changed(&mut self, t: Timestamp, weight: f64, canary: i32, stable: i32) {
        self.source.weight_changed(t, weight, canary, stable);
    }

    fn step_entered(&mut self, t: Timestamp, index: usize) {
        self.source.step_entered(t, index);
    }
}

/// Wraps an analysis event with its run and, for measurements, the query and raw result.
fn to_sim_event(run: &str, e: RunEvent, measured: &[(String, Measured)]) -> Event {
    let run = run.to_string();
    match e {
        RunEvent::MeasurementTaken {
            metric,
            seq,
            value,
            phase,
            message,
            counters,
        } => {
            let m = measured
                .iter()
                .find(|(name, _)| *name == metric)
                .map(|(_, m)| m);
            Event::MeasurementTaken {
                run,
                seq: u32::try_from(seq).unwrap_or(u32::MAX),
                resolved_query: m.and_then(|m| m.query.clone()),
                raw: m.and_then(|m| m.result.as_ref()).map(raw_json),
                metric,
                value,
                phase,
                message,
                counters,
            }
        }
        RunEvent::MetricCompleted {
            metric,
            phase,
            limit_message,
            counters,
            dry_run,
        } => Event::MetricCompleted {
            run,
            metric,
            phase,
            limit_message,
            counters,
            dry_run,
        },
        RunEvent::AnalysisRunCompleted {
            phase,
            message,
            run_summary,
            dry_run_summary,
        } => Event::AnalysisRunCompleted {
            run,
            phase,
            message,
            run_summary,
            dry_run_summary,
        },
    }
}

/// `result` as JSON: a number (or `"NaN"`/`"+Inf"`/`"-Inf"`), or a list of them.
fn raw_json(r: &ResultValue) -> serde_json::Value {
    fn num(v: f64) -> serde_json::Value {
        serde_json::Number::from_f64(v)
            .map(serde_json::Value::Number)
            .unwrap_or_else(|| serde_json::Value::String(crate::promql::format::go_f(v)))
    }
    match r {
        ResultValue::Scalar(v) => num(*v),
        ResultValue::List(vs) => serde_json::Value::Array(vs.iter().map(|v| num(*v)).collect()),
    }
}
