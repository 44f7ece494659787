//! The JSON form of a simulation (`rollsim simulate --format json`), a stable schema:
//!
//! ```json
//! {"schema": "rollsim.simulation/v1", "rollout": "checkout", "start": "2024-01-01T00:10:00.000Z",
//!  "outcome": {"result": "aborted", "at_seconds": 480, "reason": "...",
//!              "deciding_run": "...", "deciding_metric": "success-rate"},
//!  "events": [{"t_seconds": 0, "type": "StepEntered", "index": 0, ...}, ...],
//!  "warnings": [],
//!  "impact": {"requests": 180000, "canary_requests": 9000, "canary_errors": 260,
//!             "bad_requests_before_decision": 240, "regression_started_seconds": 270.0,
//!             "time_to_detect_seconds": 30.0}}
//! ```
//!
//! `impact` (what users felt) is present only for simulations over a `world:`.
//!
//! `result` is `promoted`, `aborted`, `paused` or `invalid` (SEMANTICS.md §11.2); `type`
//! names follow SEMANTICS.md §10.3 and each event's other fields are camelCase.

use serde::Serialize;

use crate::replay::Replay;
use crate::replay::world::Impact;
use crate::sim::{Event, OutcomeResult};

pub const SCHEMA: &str = "rollsim.simulation/v1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    rollout: &'a str,
    start: String,
    outcome: OutcomeJson<'a>,
    events: Vec<EventJson<'a>>,
    warnings: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<&'a Impact>,
}

#[derive(Serialize)]
struct OutcomeJson<'a> {
    result: OutcomeResult,
    at_seconds: f64,
    reason: &'a str,
    deciding_run: Option<&'a str>,
    deciding_metric: Option<&'a str>,
}

#[derive(Serialize)]
struct EventJson<'a> {
    t_seconds: f64,
    #[serde(flatten)]
    event: &'a Event,
}

/// The report as one JSON document.
pub fn render(r: &Replay) -> String {
    let o = &r.simulation.outcome;
    let report = Report {
        schema: SCHEMA,
        rollout: &r.rollout,
        start: r.start.to_string(),
        outcome: OutcomeJson {
            result: o.result,
            at_seconds: o.at as f64 / 1000.0,
            reason: &o.reason,
            deciding_run: o.deciding_run.as_deref(),
            deciding_metric: o.deciding_metric.as_deref(),
        },
        events: r
            .simulation
            .events
            .iter()
            .map(|e| EventJson {
                t_seconds: e.t as f64 / 1000.0,
                event: &e.event,
            })
            .collect(),
        warnings: &r.warnings,
        impact: r.impact.as_ref(),
    };
    serde_json::to_string_pretty(&report)
        .expect("simulation reports serialize (no non-string map keys)")
}
