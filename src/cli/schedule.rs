//! When `rollsim query` evaluates: parses `--time`/`--start`/`--end`/`--step` and fills the
//! defaults that depend on the data.
//!
//! Mirrors the parameters of Prometheus's `/api/v1/query` and `query_range`: times are RFC 3339
//! or Unix seconds, durations Prometheus syntax or float seconds, and the error texts are
//! Prometheus's (`invalid parameter "step": ...`). Depends on `model` only.

use super::output::ApiError;
use crate::model::{Duration, Store, Timestamp};

/// When to evaluate, as given; `None` fields default from the data.
#[derive(Debug, Clone, Copy)]
pub enum Schedule {
    Instant(Option<Timestamp>),
    Range {
        start: Option<Timestamp>,
        end: Option<Timestamp>,
        step: Duration,
    },
}

/// When to evaluate, resolved against the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eval {
    Instant(Timestamp),
    Range {
        start: Timestamp,
        end: Timestamp,
        step: Duration,
    },
}

fn parse_time(name: &str, text: &str) -> Result<Timestamp, ApiError> {
    Timestamp::parse(text).map_err(|e| ApiError::bad_param(name, &e.to_string()))
}

/// A duration as Prometheus's API accepts it: `1m30s` or float seconds (`90`, `0.5`).
pub fn parse_duration(name: &str, text: &str) -> Result<Duration, ApiError> {
    if let Ok(d) = Duration::parse(text) {
        return Ok(d);
    }
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && (s * 1000.0).abs() < i64::MAX as f64 => {
            Ok(Duration::from_millis((s * 1000.0).round() as i64))
        }
        _ => Err(ApiError::bad_param(
            name,
            &format!("cannot parse {text:?} to a valid duration (examples: 60s, 1m30s, 90)"),
        )),
    }
}

/// Parses the flags; any of `start`, `end`, `step` makes a range query (step default 60s).
pub fn parse(
    time: Option<&str>,
    start: Option<&str>,
    end: Option<&str>,
    step: Option<&str>,
) -> Result<Schedule, ApiError> {
    if start.is_none() && end.is_none() && step.is_none() {
        let t = time.map(|t| parse_time("time", t));
        return Ok(Schedule::Instant(t.transpose()?));
    }
    let start = start.map(|t| parse_time("start", t));
    let end = end.map(|t| parse_time("end", t));
    let step = match step {
        Some(s) => parse_duration("step", s)?,
        None => Duration::from_secs(60),
    };
    if step.millis() <= 0 {
        return Err(ApiError::bad_param(
            "step",
            "zero or negative query resolution step widths are not accepted. Try a positive integer",
        ));
    }
    Ok(Schedule::Range {
        start: start.transpose()?,
        end: end.transpose()?,
        step,
    })
}

/// Fills data-dependent defaults: `--time` = the latest sample; `--start`/`--end` = the first
/// and last sample, truncated to whole seconds (what `prom_baseline.sh` uses).
pub fn resolve(schedule: Schedule, store: &Store) -> Result<Eval, ApiError> {
    let range = store.time_range();
    let no_samples = |flag: &str| {
        ApiError::bad_data(format!(
            "the data holds no samples, so there is no default for {flag}: pass it explicitly"
        ))
    };
    let whole_second = |ms: i64| Timestamp::from_millis(ms.div_euclid(1000) * 1000);
    match schedule {
        Schedule::Instant(Some(t)) => Ok(Eval::Instant(t)),
        Schedule::Instant(None) => range
            .map(|(_, last)| Eval::Instant(Timestamp::from_millis(last)))
            .ok_or_else(|| no_samples("--time")),
        Schedule::Range { start, end, step } => {
            let start = match start {
                Some(t) => t,
                None => whole_second(range.ok_or_else(|| no_samples("--start"))?.0),
            };
            let end = match end {
                Some(t) => t,
                None => whole_second(range.ok_or_else(|| no_samples("--end"))?.1),
            };
            if end < start {
                return Err(ApiError::bad_param(
                    "end",
                    &format!("end timestamp ({end}) must not be before start time ({start})"),
                ));
            }
            Ok(Eval::Range { start, end, step })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Labels, StoreBuilder};

    fn store(samples: &[i64]) -> Store {
        let mut b = StoreBuilder::new();
        let id = b.series_id(Labels::from_pairs([("__name__", "up")]));
        for &t in samples {
            b.append(id, t, 1.0);
        }
        b.finish().expect("no conflicting samples")
    }

    #[test]
    fn durations_accept_prometheus_syntax_and_seconds() {
        assert_eq!(parse_duration("step", "1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("step", "60"), Ok(Duration::from_secs(60)));
        assert_eq!(
            parse_duration("step", "0.5"),
            Ok(Duration::from_millis(500))
        );
        let e = parse_duration("step", "soon").expect_err("not a duration");
        assert_eq!(e.error_type, "bad_data");
        assert!(
            e.message
                .starts_with("invalid parameter \"step\": cannot parse \"soon\"")
        );
    }

    #[test]
    fn any_range_flag_makes_a_range_query() {
        let s = parse(None, None, None, Some("5m")).expect("valid");
        assert!(
            matches!(s, Schedule::Range { start: None, end: None, step } if step == Duration::from_secs(300))
        );
        let s = parse(None, Some("1704067200"), None, None).expect("valid");
        assert!(matches!(s, Schedule::Range { step, .. } if step == Duration::from_secs(60)));
        assert!(matches!(
            parse(None, None, None, None),
            Ok(Schedule::Instant(None))
        ));
        let e = parse(None, None, None, Some("0")).expect_err("zero step");
        assert!(e.message.contains("zero or negative query resolution step"));
        let e = parse(Some("noon"), None, None, None).expect_err("bad time");
        assert!(e.message.starts_with("invalid parameter \"time\""));
    }

    #[test]
    fn defaults_come_from_the_data() {
        let data = store(&[1_704_067_200_500, 1_704_067_260_500]);
        assert_eq!(
            resolve(Schedule::Instant(None), &data),
            Ok(Eval::Instant(Timestamp::from_millis(1_704_067_260_500)))
        );
        let step = Duration::from_secs(60);
        assert_eq!(
            resolve(
                Schedule::Range {
                    start: None,
                    end: None,
                    step
                },
                &data
            ),
            Ok(Eval::Range {
                start: Timestamp::from_millis(1_704_067_200_000),
                end: Timestamp::from_millis(1_704_067_260_000),
                step
            })
        );
        let backwards = Schedule::Range {
            start: Some(Timestamp::from_millis(2000)),
            end: Some(Timestamp::from_millis(1000)),
            step,
        };
        assert!(resolve(backwards, &data).is_err());
        assert!(resolve(Schedule::Instant(None), &store(&[])).is_err());
    }
}
