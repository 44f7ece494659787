//! The text timeline of a simulation: one line per event a person can follow (time from
//! the rollout start and wall-clock, event, details), then the outcome and why.

use std::fmt::Write;

use crate::analysis::MetricCounters;
use crate::model::{Duration, Timestamp};
use crate::replay::Replay;
use crate::replay::world::Impact;
use crate::sim::{Event, OutcomeResult, TimelineEvent};

/// Renders the whole timeline.
pub fn render(r: &Replay) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Rollout {} replayed from {}", r.rollout, r.start);
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{:>8}  {:8}  {:<28}  details", "t", "clock", "event");
    for e in &r.simulation.events {
        let (name, details) = describe(&e.event);
        let _ = writeln!(
            out,
            "{:>8}  {:8}  {:<28}  {}",
            offset(e.t),
            clock(r.start, e),
            name,
            details
        );
    }
    let o = &r.simulation.outcome;
    let _ = writeln!(out);
    let result = match o.result {
        OutcomeResult::Promoted => "promoted",
        OutcomeResult::Aborted => "aborted",
        OutcomeResult::Paused => "paused",
        OutcomeResult::Invalid => "invalid",
    };
    let _ = writeln!(
        out,
        "Outcome: {result} at +{} ({}): {}",
        Duration::from_millis(o.at),
        r.start + Duration::from_millis(o.at),
        o.reason
    );
    if let (Some(run), Some(metric)) = (&o.deciding_run, &o.deciding_metric) {
        let _ = writeln!(out, "Decided by metric {metric:?} of AnalysisRun {run}");
    } else if let Some(run) = &o.deciding_run {
        let _ = writeln!(out, "Decided by AnalysisRun {run}");
    }
    if let Some(i) = &r.impact {
        let decided = o.result.decided();
        impact(&mut out, i, decided);
    }
    out
}

/// What users felt, for simulations over a world.
fn impact(out: &mut String, i: &Impact, decided: bool) {
    let pct = |n: u64, of: u64| 100.0 * n as f64 / of.max(1) as f64;
    let _ = writeln!(
        out,
        "Canary served {} of {} requests ({:.1}%), {} failed",
        i.canary_requests,
        i.requests,
        pct(i.canary_requests, i.requests),
        i.canary_errors
    );
    let when = if decided {
        "before the decision"
    } else {
        "(no decision by the end)"
    };
    let _ = writeln!(
        out,
        "Blast radius: {} failed canary requests {when}",
        i.bad_requests_before_decision
    );
    let secs = |s: f64| Duration::from_millis((s * 1000.0).round() as i64);
    match (i.regression_started_seconds, i.time_to_detect_seconds) {
        (Some(r), Some(d)) => {
            let _ = writeln!(
                out,
                "Regression started at +{}; time to detect: {}",
                secs(r),
                secs(d)
            );
        }
        (Some(r), None) => {
            let _ = writeln!(out, "Regression started at +{}; not detected", secs(r));
        }
        _ => {}
    }
}

/// `+8:00`, `+1:02:03`: time from the rollout start.
pub fn offset(ms: i64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    let frac = if ms % 1000 != 0 {
        format!(".{:03}", ms % 1000)
    } else {
        String::new()
    };
    if h > 0 {
        format!("+{h}:{m:02}:{sec:02}{frac}")
    } else {
        format!("+{m}:{sec:02}{frac}")
    }
}

/// Wall-clock time of the event in the recording (`HH:MM:SS`, UTC).
pub fn clock(start: Timestamp, e: &TimelineEvent) -> String {
    let t = (start + Duration::from_millis(e.t)).to_string();
    t.get(11..19).unwrap_or("").to_string()
}

fn counters(c: &MetricCounters) -> String {
    let mut parts = vec![format!("{} ok", c.successful)];
    for (n, label) in [
        (c.failed, "failed"),
        (c.inconclusive, "inconclusive"),
        (c.error, "error"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {label}"));
        }
    }
    parts.join(", ")
}

/// The event's name and a one-line summary of its payload.
pub fn describe(e: &Event) -> (String, String) {
    let details = match e {
        Event::RolloutUpdateStarted { revision, strategy } => {
            format!("revision {revision}, {strategy}")
        }
        Event::StepEntered { index, step, .. } => format!("step {index}: {step}"),
        Event::CanaryWeightSet { from, to, cause } => format!("{from}% -> {to}% ({cause:?})"),
        Event::StepCompleted { message, .. } => message.clone(),
        Event::PauseStarted {
            reason, expires_at, ..
        } => match expires_at {
            Some(t) => format!("{reason:?} until +{}", Duration::from_millis(*t)),
            None => format!("{reason:?}, waiting for an operator"),
        },
        Event::PauseEnded { reason, cause } => format!("{reason:?}: {cause:?}"),
        Event::AnalysisRunCreated {
            run, kind, metrics, ..
        } => format!("{run} ({kind:?}): {}", metrics.join(", ")),
        Event::MeasurementTaken {
            metric,
            seq,
            value,
            phase,
            message,
            counters: c,
            ..
        } => {
            let msg = if message.is_empty() {
                String::new()
            } else {
                format!(": {message}")
            };
            format!(
                "{metric} #{seq} = {value} -> {phase}{msg} [{}]",
                counters(c)
            )
        }
        Event::MetricCompleted {
            metric,
            phase,
            limit_message,
            dry_run,
            ..
        } => {
            let dry = if *dry_run { " (dry run)" } else { "" };
            let why = if limit_message.is_empty() {
                String::new()
            } else {
                format!(": {limit_message}")
            };
            format!("{metric} {phase}{dry}{why}")
        }
        Event::AnalysisRunTerminationRequested { run, cause } => format!("{run} ({cause:?})"),
        Event::AnalysisRunCompleted {
            run,
            phase,
            message,
            ..
        } => {
            let why = if message.is_empty() {
                String::new()
            } else {
                format!(": {message}")
            };
            format!("{run} {phase}{why}")
        }
        Event::RolloutPaused { message, .. } => message.clone(),
        Event::RolloutResumed { cause } => format!("{cause:?}"),
        Event::RolloutAborted { message, .. } => message.clone(),
        Event::ActiveServiceSwitched { to } => format!("active service -> {to:?}"),
        Event::RolloutPromoted { reason } => reason.clone(),
        Event::RolloutPhaseChanged { phase, message } => {
            if message.is_empty() {
                format!("{phase:?}")
            } else {
                format!("{phase:?}: {message}")
            }
        }
        Event::InvalidSpec { message } => message.clone(),
        Event::SimulationEnded { outcome, reason } => format!("{outcome:?}: {reason}"),
    };
    (event_name(e), details)
}

/// The `type` name of an event, as in the JSON output.
pub fn event_name(e: &Event) -> String {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_as_clock_durations() {
        assert_eq!(offset(0), "+0:00");
        assert_eq!(offset(480_000), "+8:00");
        assert_eq!(offset(3_723_000), "+1:02:03");
        assert_eq!(offset(1_500), "+0:01.500");
    }
}
