//! The chart of a simulation as data, built from a replay and what its analyses read
//! (`replay::Evidence`): per metric of each AnalysisRun, the query's value over the whole run,
//! the thresholds its conditions draw, each measurement (time, value, phase) and the counters
//! against their limits; then the canary weight, steps, pauses and the deciding moments.
//!
//! Rendering is `report::render`'s business; everything here is plain data, so the model is
//! tested without drawing. Depends on `replay`, `sim`, `analysis` and `promql`.

pub mod lanes;
pub mod series;
pub mod threshold;

use std::collections::HashMap;

use crate::analysis::{MetricCounters, Phase};
use crate::manifest::{self, Provider};
use crate::model::Timestamp;
use crate::replay::{Evidence, Replay};
use crate::sim::{Event, OutcomeResult, TimelineEvent};

pub use lanes::{Marker, MarkerKind, PauseSpan, StepSpan, WeightLane};
pub use series::{QuerySeries, Unit};
pub use threshold::{NotDrawable, Threshold};

/// Whether time labels also show the wall clock (recorded data: the recording's own time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    WallClock,
    MinutesOnly,
}

/// Everything one simulation chart shows. Times are seconds from the rollout start.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationChart {
    pub rollout: String,
    pub start: Timestamp,
    pub clock: Clock,
    /// The right end of the time axis.
    pub end: f64,
    pub outcome: OutcomeResult,
    /// When the outcome was decided.
    pub decided_at: f64,
    pub reason: String,
    pub panels: Vec<MetricPanel>,
    pub weight: WeightLane,
    pub steps: Vec<StepSpan>,
    pub pauses: Vec<PauseSpan>,
    pub markers: Vec<Marker>,
}

/// One metric of one AnalysisRun.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricPanel {
    pub run: String,
    pub metric: String,
    /// The query with arguments resolved (Prometheus metrics only).
    pub query: Option<String>,
    pub unit: Unit,
    pub success: Condition,
    pub failure: Condition,
    /// `result[0]` over the whole run.
    pub line: Vec<(f64, f64)>,
    /// The other series of a multi-series result.
    pub other_series: Vec<QuerySeries>,
    pub series_count: usize,
    pub query_error: Option<String>,
    pub measurements: Vec<MeasurementPoint>,
    /// The counters after each measurement, starting from zero at the run's creation.
    pub counters: Vec<(f64, MetricCounters)>,
    pub limits: Limits,
    /// When the run was created, and completed (if it did).
    pub created: f64,
    pub completed: Option<f64>,
    /// This metric decided the outcome.
    pub deciding: bool,
}

/// A `successCondition` or `failureCondition` and what of it can be drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// As written (arguments resolved); `None` when unset.
    pub text: Option<String>,
    pub threshold: Option<Result<Threshold, NotDrawable>>,
}

impl Condition {
    fn of(text: Option<&str>) -> Condition {
        let text = text.map(str::trim).filter(|t| !t.is_empty());
        Condition {
            threshold: text.map(threshold::extract),
            text: text.map(str::to_string),
        }
    }

    /// The drawable threshold, if any.
    pub fn drawable(&self) -> Option<&Threshold> {
        self.threshold.as_ref().and_then(|t| t.as_ref().ok())
    }

    /// Set, but not drawable.
    pub fn too_complex(&self) -> bool {
        matches!(self.threshold, Some(Err(_)))
    }
}

/// The metric's limits (Argo's defaults when unset: 0, 0, 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub failure: i64,
    pub inconclusive: i64,
    pub consecutive_error: i64,
}

/// One measurement, where the chart puts its marker.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementPoint {
    pub t: f64,
    pub seq: u32,
    /// `result[0]` (or the scalar); `None` for an empty result, an error or NaN.
    pub value: Option<f64>,
    /// Argo's value string, `[98.39]`.
    pub value_text: String,
    pub phase: Phase,
    pub message: String,
}

impl SimulationChart {
    /// The measurement that decided the outcome: the last non-Successful measurement (at or
    /// before the decision) of the deciding metric, else the first Failed or Error one.
    pub fn failing_measurement(&self) -> Option<(&MetricPanel, &MeasurementPoint)> {
        let bad = |m: &&MeasurementPoint| m.phase != Phase::Successful;
        let deciding = self.panels.iter().find(|p| p.deciding).and_then(|p| {
            p.measurements
                .iter()
                .filter(|m| m.t <= self.decided_at)
                .rfind(bad)
                .map(|m| (p, m))
        });
        deciding.or_else(|| {
            self.panels.iter().find_map(|p| {
                p.measurements
                    .iter()
                    .find(|m| matches!(m.phase, Phase::Failed | Phase::Error))
                    .map(|m| (p, m))
            })
        })
    }
}

/// Builds the chart of a replay.
pub fn build(replay: &Replay, evidence: &Evidence) -> SimulationChart {
    let events = &replay.simulation.events;
    let last = events.last().map_or(0.0, |e| e.t as f64 / 1000.0);
    let end = (last * 1.04).max(last + 30.0).max(60.0);
    let o = &replay.simulation.outcome;
    let mut markers = lanes::markers(events);
    if let Some(r) = replay.impact.and_then(|i| i.regression_started_seconds) {
        markers.push(Marker {
            t: r,
            kind: MarkerKind::Regression,
            reason: "the synthetic canary starts to regress".into(),
        });
        markers.sort_by(|a, b| a.t.total_cmp(&b.t));
    }
    // Runs of one template at several steps chart the same queries: evaluate each once.
    let mut evaluated = HashMap::new();
    let mut panels = Vec::new();
    for (run, analysis) in &evidence.runs {
        let metrics = evidence
            .analyses
            .get(*analysis)
            .map_or(&[][..], |a| &a.metrics[..]);
        for m in metrics {
            panels.push(panel(run, m, replay, evidence, end, &mut evaluated));
        }
    }
    SimulationChart {
        rollout: replay.rollout.clone(),
        start: replay.start,
        clock: if replay.impact.is_some() {
            Clock::MinutesOnly
        } else {
            Clock::WallClock
        },
        end,
        outcome: o.result,
        decided_at: o.at as f64 / 1000.0,
        reason: o.reason.clone(),
        panels,
        weight: lanes::weight(events),
        steps: lanes::steps(events, last),
        pauses: lanes::pauses(events, last),
        markers,
    }
}

fn panel(
    run: &str,
    m: &manifest::Metric,
    replay: &Replay,
    evidence: &Evidence,
    end: f64,
    cache: &mut HashMap<String, series::Evaluated>,
) -> MetricPanel {
    let events = &replay.simulation.events;
    let query = match &m.provider {
        Provider::Prometheus(p) => Some(p.query.trim().to_string()),
        _ => None,
    };
    let evaluated = query
        .as_deref()
        .map(|q| {
            cache
                .entry(q.to_string())
                .or_insert_with(|| {
                    series::evaluate(&evidence.store, evidence.compat, q, replay.start, end)
                })
                .clone()
        })
        .unwrap_or_default();
    let (created, completed) = lifetime(events, run);
    let int = |v: &Option<manifest::IntOrString>, default: i64| {
        v.as_ref().map_or(default, |i| i.int_value())
    };
    let o = &replay.simulation.outcome;
    MetricPanel {
        run: run.to_string(),
        metric: m.name.clone(),
        unit: query.as_deref().map_or(Unit::Plain, series::unit_of),
        query,
        success: Condition::of(m.success_condition.as_deref()),
        failure: Condition::of(m.failure_condition.as_deref()),
        line: evaluated.first,
        other_series: evaluated.others,
        series_count: evaluated.series_count,
        query_error: evaluated.error,
        measurements: measurements(events, run, &m.name),
        counters: counters(events, run, &m.name, created),
        limits: Limits {
            failure: int(&m.failure_limit, 0),
            inconclusive: int(&m.inconclusive_limit, 0),
            consecutive_error: int(&m.consecutive_error_limit, 4),
        },
        created,
        completed,
        deciding: o.deciding_run.as_deref() == Some(run)
            && o.deciding_metric.as_deref() == Some(m.name.as_str()),
    }
}

/// When `run` was created and completed.
fn lifetime(events: &[TimelineEvent], run: &str) -> (f64, Option<f64>) {
    let mut created = 0.0;
    let mut completed = None;
    for e in events {
        match &e.event {
            Event::AnalysisRunCreated { run: r, .. } if r == run => created = e.t as f64 / 1000.0,
            Event::AnalysisRunCompleted { run: r, .. } if r == run => {
                completed = Some(e.t as f64 / 1000.0)
            }
            _ => {}
        }
    }
    (created, completed)
}

/// The measurements of one metric of one run, from `MeasurementTaken` events.
pub fn measurements(events: &[TimelineEvent], run: &str, metric: &str) -> Vec<MeasurementPoint> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::MeasurementTaken {
                run: r,
                metric: m,
                seq,
                raw,
                value,
                phase,
                message,
                ..
            } if r == run && m == metric => Some(MeasurementPoint {
                t: e.t as f64 / 1000.0,
                seq: *seq,
                value: raw.as_ref().and_then(first_value).filter(|v| v.is_finite()),
                value_text: value.clone(),
                phase: *phase,
                message: message.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// `result[0]` of a raw result: the number, or the first of a list.
fn first_value(raw: &serde_json::Value) -> Option<f64> {
    match raw {
        serde_json::Value::Array(items) => items.first().and_then(first_value),
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => match s.as_str() {
            "+Inf" => Some(f64::INFINITY),
            "-Inf" => Some(f64::NEG_INFINITY),
            _ => s.parse().ok(),
        },
        _ => None,
    }
}

fn counters(
    events: &[TimelineEvent],
    run: &str,
    metric: &str,
    created: f64,
) -> Vec<(f64, MetricCounters)> {
    let mut out = vec![(created, MetricCounters::default())];
    for e in events {
        if let Event::MeasurementTaken {
            run: r,
            metric: m,
            counters,
            ..
        } = &e.event
            && r == run
            && m == metric
        {
            out.push((e.t as f64 / 1000.0, *counters));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(t: i64, seq: u32, raw: serde_json::Value, phase: Phase) -> TimelineEvent {
        let mut counters = MetricCounters::default();
        counters.apply(phase);
        TimelineEvent {
            t: t * 1000,
            event: Event::MeasurementTaken {
                run: "r-1".into(),
                metric: "success-rate".into(),
                seq,
                resolved_query: Some("q".into()),
                raw: Some(raw.clone()),
                value: raw.to_string(),
                phase,
                message: String::new(),
                counters,
            },
        }
    }

    #[test]
    fn measurement_markers_from_events() {
        use serde_json::json;
        let events = vec![
            measured(60, 1, json!([0.995]), Phase::Successful),
            measured(120, 2, json!([0.98, 0.5]), Phase::Failed),
            measured(180, 3, json!([]), Phase::Error),
            measured(240, 4, json!(["NaN"]), Phase::Inconclusive),
            measured(300, 5, json!(7), Phase::Successful),
        ];
        let m = measurements(&events, "r-1", "success-rate");
        let got: Vec<(f64, u32, Option<f64>, Phase)> =
            m.iter().map(|p| (p.t, p.seq, p.value, p.phase)).collect();
        assert_eq!(
            got,
            vec![
                (60.0, 1, Some(0.995), Phase::Successful),
                (120.0, 2, Some(0.98), Phase::Failed),
                (180.0, 3, None, Phase::Error),
                (240.0, 4, None, Phase::Inconclusive),
                (300.0, 5, Some(7.0), Phase::Successful),
            ]
        );
        assert!(measurements(&events, "r-2", "success-rate").is_empty());
        let c = counters(&events, "r-1", "success-rate", 30.0);
        assert_eq!(c.len(), 6);
        assert_eq!(c[0], (30.0, MetricCounters::default()));
        assert_eq!(c[2].1.failed, 1);
    }

    #[test]
    fn conditions_know_what_they_can_draw() {
        let c = Condition::of(Some("len(result) > 0 && result[0] >= 0.99\n"));
        assert_eq!(
            c.text.as_deref(),
            Some("len(result) > 0 && result[0] >= 0.99")
        );
        assert_eq!(
            c.drawable().map(|t| t.describe()).as_deref(),
            Some(">= 0.99")
        );
        let complex = Condition::of(Some("default(result[0], 0) > 1"));
        assert!(complex.too_complex() && complex.drawable().is_none());
        let unset = Condition::of(Some("  "));
        assert_eq!(unset.text, None);
        assert!(!unset.too_complex());
    }
}
