//! Canary `pause.duration` and optional Go-duration fields as Argo reads them
//! (SEMANTICS.md §6.1); Go durations themselves are parsed by `model::go_duration`.
//!
//! Depends on `model::time` only.

pub use crate::model::go_duration::{parse_go_duration, parse_go_duration_ms};
use crate::model::time::Duration;

/// `pause.duration` as written: an integer (seconds) or a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PauseDuration {
    Seconds(i64),
    Text(String),
}

impl PauseDuration {
    /// Argo's `DurationSeconds()`: an int is seconds; a string is tried as an integer, then as
    /// a Go duration truncated to whole seconds. Invalid or negative values give -1.
    pub fn seconds(&self) -> i64 {
        let s = match self {
            PauseDuration::Seconds(s) => *s,
            PauseDuration::Text(t) => match t.parse::<i64>() {
                Ok(s) => s,
                Err(_) => parse_go_duration(t).map_or(-1, |ns| ns / 1_000_000_000),
            },
        };
        if s < 0 { -1 } else { s }
    }

    /// The pause length, or `None` when Argo would reject it
    /// (`Duration needs to be greater than 0`).
    pub fn duration(&self) -> Option<Duration> {
        match self.seconds() {
            s if s < 0 => None,
            s => Some(Duration::from_secs(s)),
        }
    }
}

/// An optional Go-duration field; an empty string means unset, as in Argo.
fn optional(value: &Option<String>, what: &str) -> Result<Option<Duration>, String> {
    match value.as_deref() {
        None | Some("") => Ok(None),
        Some(s) => parse_go_duration_ms(s)
            .map(Some)
            .map_err(|e| format!("invalid {what} string: {e}")),
    }
}

impl super::types::Metric {
    /// `interval`, checked when the run is reconciled (§2.9): `invalid interval string: ...`.
    pub fn interval_duration(&self) -> Result<Option<Duration>, String> {
        optional(&self.interval, "interval")
    }

    /// `initialDelay`; Argo's message says `startDelay` (§2.9).
    pub fn initial_delay_duration(&self) -> Result<Option<Duration>, String> {
        optional(&self.initial_delay, "startDelay")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pause_durations() {
        use PauseDuration::{Seconds, Text};
        let cases: &[(PauseDuration, i64)] = &[
            (Seconds(30), 30),
            (Seconds(0), 0),
            (Seconds(-5), -1),
            (Text("30".into()), 30),
            (Text("1m".into()), 60),
            (Text("1h30m".into()), 5400),
            (Text("1.9s".into()), 1),
            (Text("500ms".into()), 0),
            (Text("0s".into()), 0),
            (Text("-1s".into()), -1),
            (Text("abc".into()), -1),
            (Text("1d".into()), -1),
        ];
        for (p, want) in cases {
            assert_eq!(p.seconds(), *want, "{p:?}");
        }
        assert_eq!(Text("2m".into()).duration(), Some(Duration::from_secs(120)));
        assert_eq!(Text("x".into()).duration(), None);
    }
}
