//! Checks one query outcome against an eval's expectations, as Prometheus's runner does
//! (corpus README 3.5-3.6): float tolerance, NaN == NaN, stale only equals stale, exact label
//! sets, unordered unless `ordered`, annotations only when asserted.

use std::collections::HashMap;

use super::parse::{EvalCmd, EvalKind, Expectations, ExpectedSeries, TextMatch};
use crate::ingest::series_notation::SeriesValue;
use crate::model::{Duration, Labels, Timestamp, is_stale_nan};
use crate::promql::{QueryError, QueryResult, RangeSeries, Value};

const EPSILON: f64 = 1e-6;
const MIN_NORMAL: f64 = 2.2250738585072014e-308;

/// Go's `almost.Equal(a, b, 1e-6)`: identical, both NaN, or relative difference below 1e-6
/// (absolute below 1e-6 * MinNormal when either is 0 or both are tiny).
pub fn float_eq(a: f64, b: f64) -> bool {
    if a.is_nan() && b.is_nan() {
        return true;
    }
    if a == b {
        return true;
    }
    let abs_sum = a.abs() + b.abs();
    let diff = (a - b).abs();
    if a == 0.0 || b == 0.0 || abs_sum < MIN_NORMAL {
        return diff < EPSILON * MIN_NORMAL;
    }
    diff / abs_sum.min(f64::MAX) < EPSILON
}

/// An expected element against an actual value: a staleness marker only equals a marker.
pub fn value_eq(expected: SeriesValue, actual: f64) -> bool {
    match expected {
        SeriesValue::Stale => is_stale_nan(actual),
        SeriesValue::Float(e) => !is_stale_nan(actual) && float_eq(e, actual),
    }
}

/// Whether `text` satisfies `m` (regexes are unanchored).
pub fn text_matches(m: &TextMatch, text: &str) -> bool {
    match m {
        TextMatch::Any => true,
        TextMatch::Msg(s) => s == text,
        TextMatch::Regex(r) => regex::Regex::new(r).is_ok_and(|re| re.is_match(text)),
    }
}

/// Checks a finished query; `Err` carries the failure reason.
pub fn check_outcome(cmd: &EvalCmd, res: &Result<QueryResult, QueryError>) -> Result<(), String> {
    let e = &cmd.expect;
    if let Some(m) = &e.fail {
        return match res {
            Ok(r) => Err(format!(
                "expected an error, got a {} result",
                r.value.type_name()
            )),
            Err(err) if text_matches(m, &err.to_string()) => Ok(()),
            Err(err) => Err(format!("expected error {m}, got {:?}", err.to_string())),
        };
    }
    let r = res
        .as_ref()
        .map_err(|err| format!("unexpected error: {err}"))?;
    check_annotations(e, &r.warnings, &r.infos)?;
    check_value(cmd, &r.value)
}

/// Annotation checks, each kind only when asserted: with `warn` lines there must be warnings,
/// every line must match one of them and every warning one of the lines (same for `info`).
pub fn check_annotations(
    e: &Expectations,
    warnings: &[String],
    infos: &[String],
) -> Result<(), String> {
    for (kind, lines, none, actual) in [
        ("warning", &e.warn, e.no_warn, warnings),
        ("info", &e.info, e.no_info, infos),
    ] {
        if none && !actual.is_empty() {
            return Err(format!("unexpected {kind} annotations: {actual:?}"));
        }
        if lines.is_empty() {
            continue;
        }
        if actual.is_empty() {
            return Err(format!("expected {kind} annotations, got none"));
        }
        if let Some(m) = lines
            .iter()
            .find(|m| !actual.iter().any(|a| text_matches(m, a)))
        {
            return Err(format!("no {kind} annotation matches {m}; got {actual:?}"));
        }
        if let Some(a) = actual
            .iter()
            .find(|a| !lines.iter().any(|m| text_matches(m, a)))
        {
            return Err(format!(
                "unexpected {kind} annotation {a:?}; expected {}",
                lines
                    .iter()
                    .map(|m| m.to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
    }
    Ok(())
}

/// Checks the result value (everything except errors and annotations).
pub fn check_value(cmd: &EvalCmd, value: &Value) -> Result<(), String> {
    let e = &cmd.expect;
    if let Some(want) = &e.string {
        return match value {
            Value::String { s, .. } if s == want => Ok(()),
            Value::String { s, .. } => Err(format!("expected string {want:?}, got {s:?}")),
            v => Err(format!("expected a string, got a {}", v.type_name())),
        };
    }
    match (cmd.kind, value) {
        (_, Value::Scalar { v, .. }) => match e.scalar {
            Some(want) if float_eq(want, *v) => Ok(()),
            Some(want) => Err(format!("expected scalar {want}, got {v}")),
            None => Err(format!("expected a vector or matrix, got scalar {v}")),
        },
        (_, _) if e.scalar.is_some() => {
            Err(format!("expected a scalar, got a {}", value.type_name()))
        }
        (EvalKind::Range { start, end, step }, Value::Matrix(m)) => {
            check_matrix(&e.series, m, start, end, step)
        }
        (EvalKind::Instant { .. }, Value::Matrix(m)) => match e.range_vector {
            Some((start, end, step)) => check_matrix(&e.series, m, start, end, step),
            None if m.is_empty() && e.series.is_empty() => Ok(()),
            None => Err("got a range vector result from an instant evaluation".into()),
        },
        (EvalKind::Instant { .. }, Value::Vector(v)) if e.range_vector.is_none() => {
            check_vector(&e.series, e.ordered, v)
        }
        (_, v) => Err(format!("unexpected {} result", v.type_name())),
    }
}

fn check_vector(
    expected: &[ExpectedSeries],
    ordered: bool,
    got: &[crate::promql::Sample],
) -> Result<(), String> {
    let index: HashMap<&Labels, usize> = expected
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.labels, i))
        .collect();
    let mut seen = vec![false; expected.len()];
    for (pos, s) in got.iter().enumerate() {
        let Some(&i) = index.get(&s.labels) else {
            return Err(format!(
                "unexpected series {} in result, value {}",
                s.labels, s.v
            ));
        };
        if seen[i] {
            return Err(format!("series {} appears twice in the result", s.labels));
        }
        seen[i] = true;
        if ordered && i != pos {
            return Err(format!(
                "expected {} at position {}, got it at {}",
                s.labels,
                i + 1,
                pos + 1
            ));
        }
        let want = expected[i].values.first().copied().flatten();
        match want {
            Some(w) if value_eq(w, s.v) => {}
            Some(w) => return Err(format!("{}: expected {}, got {}", s.labels, show(w), s.v)),
            None => return Err(format!("{}: expected no sample, got {}", s.labels, s.v)),
        }
    }
    missing(expected, &seen)
}

fn missing(expected: &[ExpectedSeries], seen: &[bool]) -> Result<(), String> {
    match expected.iter().zip(seen).find(|(_, s)| !**s) {
        Some((e, _)) => Err(format!("expected series {} not found in result", e.labels)),
        None => Ok(()),
    }
}

fn show(v: SeriesValue) -> String {
    match v {
        SeriesValue::Stale => "stale".into(),
        SeriesValue::Float(f) => f.to_string(),
    }
}

/// Matrix check: sorted by labels, exact label sets, expected k-th value at `start + k*step`
/// (`_` = no point), exact point counts.
pub fn check_matrix(
    expected: &[ExpectedSeries],
    got: &[RangeSeries],
    start: Timestamp,
    end: Timestamp,
    step: Duration,
) -> Result<(), String> {
    if let Some(w) = got.windows(2).find(|w| w[0].labels >= w[1].labels) {
        return Err(format!(
            "matrix not sorted by labels: {} before {}",
            w[0].labels, w[1].labels
        ));
    }
    let index: HashMap<&Labels, usize> = expected
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.labels, i))
        .collect();
    let mut seen = vec![false; expected.len()];
    for s in got {
        let Some(&i) = index.get(&s.labels) else {
            return Err(format!(
                "unexpected series {} in result with {} points",
                s.labels,
                s.points.len()
            ));
        };
        seen[i] = true;
        let mut want: Vec<(i64, SeriesValue)> = Vec::new();
        for (k, v) in expected[i].values.iter().enumerate() {
            let t = start
                .millis()
                .saturating_add((k as i64).saturating_mul(step.millis()));
            if t > end.millis() {
                return Err(format!(
                    "expected {} points for {}, but the time range cannot return this many",
                    expected[i].values.len(),
                    s.labels
                ));
            }
            if let Some(v) = v {
                want.push((t, *v));
            }
        }
        if want.len() != s.points.len() {
            return Err(format!(
                "{}: expected {} points, got {}: {}",
                s.labels,
                want.len(),
                s.points.len(),
                show_points(&s.points)
            ));
        }
        for ((wt, wv), (gt, gv)) in want.iter().zip(&s.points) {
            if wt != gt {
                return Err(format!(
                    "{}: expected a point at t={wt}, got t={gt}",
                    s.labels
                ));
            }
            if !value_eq(*wv, *gv) {
                return Err(format!(
                    "{}: at t={wt} expected {}, got {gv}",
                    s.labels,
                    show(*wv)
                ));
            }
        }
    }
    missing(expected, &seen)
}

/// At most 8 points as `v@t`, for failure messages.
fn show_points(points: &[(i64, f64)]) -> String {
    let mut s: Vec<String> = points
        .iter()
        .take(8)
        .map(|(t, v)| format!("{v}@{t}"))
        .collect();
    if points.len() > 8 {
        s.push(format!("... ({} more)", points.len() - 8));
    }
    s.join(" ")
}
