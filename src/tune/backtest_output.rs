//! Renders a backtest report: text (counts, rates with 95% intervals, then every start that
//! did not promote with its deciding measurement), JSON (`rollsim.backtest/v1`) or CSV (one
//! row per start).
//!
//! Depends on `tune::backtest`.

use super::backtest::{BacktestReport, StartVerdict};
use super::stats::Rate;
use crate::model::Duration;

pub fn json(r: &BacktestReport) -> String {
    serde_json::to_string_pretty(r).expect("reports serialize") + "\n"
}

fn rate(r: &Rate) -> String {
    format!(
        "{:.1}% [{:.1}%–{:.1}%] ({} of {})",
        r.rate * 100.0,
        r.lo * 100.0,
        r.hi * 100.0,
        r.k,
        r.n
    )
}

fn offset(s: f64) -> String {
    format!("+{}", Duration::from_millis((s * 1000.0).round() as i64))
}

fn verdict(v: StartVerdict) -> &'static str {
    match v {
        StartVerdict::Promoted => "promoted",
        StartVerdict::Aborted => "aborted",
        StartVerdict::Paused => "paused",
        StartVerdict::Invalid => "invalid",
        StartVerdict::Incomplete => "incomplete",
    }
}

pub fn text(r: &BacktestReport) -> String {
    let mut out = format!(
        "rollsim backtest: {} (rollout {}), a rollout every {} from {} to {}: {} starts\n",
        r.scenario,
        r.rollout,
        r.every,
        r.from,
        r.to,
        r.starts.len()
    );
    out.push_str(&format!(
        "  promoted {}, aborted {}, paused {}, invalid {}, incomplete {} (the recording ended first)\n",
        r.promoted, r.aborted, r.paused, r.invalid, r.incomplete
    ));
    out.push_str(&format!("  abort rate   {}\n", rate(&r.abort_rate)));
    out.push_str(&format!("  pause rate   {}\n", rate(&r.pause_rate)));
    out.push_str(&format!("  failure rate {}\n", rate(&r.failure_rate)));
    let bad: Vec<_> = r
        .starts
        .iter()
        .filter(|s| {
            matches!(
                s.verdict,
                StartVerdict::Aborted | StartVerdict::Paused | StartVerdict::Invalid
            )
        })
        .collect();
    if bad.is_empty() {
        out.push_str("\nEvery decided rollout promoted.\n");
        return out;
    }
    out.push_str("\nstart                     outcome   at       deciding measurement\n");
    for s in bad {
        let m = match &s.measurement {
            Some(m) => format!(
                "{} = {} -> {} at {}{}",
                m.metric,
                m.value,
                m.phase,
                offset(m.at_seconds),
                if m.message.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", m.message)
                }
            ),
            None => s.reason.clone(),
        };
        out.push_str(&format!(
            "{:<25} {:<9} {:<8} {}\n",
            s.start,
            verdict(s.verdict),
            offset(s.at_seconds),
            m
        ));
    }
    out
}

pub fn csv(r: &BacktestReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "start",
        "outcome",
        "at_s",
        "metric",
        "measurement_at_s",
        "value",
        "phase",
        "reason",
    ])
    .expect("writing to memory");
    for s in &r.starts {
        let (at, value, phase) = match &s.measurement {
            Some(m) => (
                m.at_seconds.to_string(),
                m.value.clone(),
                m.phase.to_string(),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        w.write_record([
            s.start.clone(),
            verdict(s.verdict).to_string(),
            s.at_seconds.to_string(),
            s.metric.clone().unwrap_or_default(),
            at,
            value,
            phase,
            s.reason.clone(),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing to memory")).expect("CSV of UTF-8 fields")
}
