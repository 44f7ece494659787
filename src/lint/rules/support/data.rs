//! `--data` helpers: evaluation times across a recording, query results shaped as Argo reads
//! them, and selector matching against the store.
//!
//! Depends on `model::Store`, `promql::Engine` and `analysis::ResultValue`.

use crate::analysis::ResultValue;
use crate::model::{Store, Timestamp};
use crate::promql::{Engine, Value};
use promql_parser::parser::VectorSelector;

/// At most this many evaluations per query.
const MAX_EVALUATIONS: i64 = 2000;

/// Times every `step_ms` (or 1m) across the store's range, starting one `window_ms` in.
pub fn times(store: &Store, step_ms: Option<i64>, window_ms: i64) -> Vec<Timestamp> {
    let Some((start, end)) = store.time_range() else {
        return Vec::new();
    };
    let first = start.saturating_add(window_ms.max(0)).min(end);
    let mut step = step_ms.filter(|&s| s > 0).unwrap_or(60_000);
    let span = end.saturating_sub(first);
    if span / step > MAX_EVALUATIONS {
        step = span / MAX_EVALUATIONS + 1;
    }
    let mut out = Vec::new();
    let mut t = first;
    while t <= end {
        out.push(Timestamp(t));
        t = t.saturating_add(step);
        if t == i64::MAX {
            break;
        }
    }
    out
}

/// The query's result at `t` as Argo's Prometheus provider passes it to conditions (a scalar
/// is a float, a vector a list of values), or `None` on error or another result type.
pub fn result_at(engine: &Engine, store: &Store, query: &str, t: Timestamp) -> Option<ResultValue> {
    match engine.instant_query(store, query, t).ok()?.value {
        Value::Scalar { v, .. } => Some(ResultValue::Scalar(v)),
        Value::Vector(s) => Some(ResultValue::List(s.into_iter().map(|s| s.v).collect())),
        _ => None,
    }
}

/// Whether any series in the store matches the selector (name and every matcher).
pub fn matches_any(store: &Store, vs: &VectorSelector) -> bool {
    store.series().iter().any(|s| {
        let name_ok = vs
            .name
            .as_deref()
            .is_none_or(|n| s.labels.metric_name() == Some(n));
        name_ok
            && vs
                .matchers
                .matchers
                .iter()
                .all(|m| m.is_match(s.labels.get(&m.name).unwrap_or("")))
            && (vs.matchers.or_matchers.is_empty()
                || vs.matchers.or_matchers.iter().any(|group| {
                    group
                        .iter()
                        .all(|m| m.is_match(s.labels.get(&m.name).unwrap_or("")))
                }))
    })
}
