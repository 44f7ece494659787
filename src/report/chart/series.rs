//! A metric's query over the whole run, as the chart draws it: evaluated as Argo would see
//! it at every instant of a fine grid (an instant query, shaped into `result`), so the main
//! line is exactly `result[0]` and every other series is drawn beside it. Also the unit a
//! query's value is in, guessed from its text for the axis label.
//!
//! Depends on `promql`, `model` and `replay::measure` (Argo's shaping).

use crate::model::{Duration, Store, Timestamp};
use crate::promql::{Engine, EngineOptions, Value};

/// The most points a line gets (the grid step is the run length / this, at least 1 s).
pub const POINTS: i64 = 400;

/// At most this many series are drawn besides `result[0]`.
pub const MAX_OTHER_SERIES: usize = 8;

/// One line of a panel: `(t seconds, value)`, NaN where the series has no value.
#[derive(Debug, Clone, PartialEq)]
pub struct QuerySeries {
    /// `{version="canary"}`; empty for `result[0]` and scalars.
    pub labels: String,
    pub points: Vec<(f64, f64)>,
}

/// The query evaluated over `[0, end]` seconds from `start`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evaluated {
    /// `result[0]` at each instant (NaN when the result is empty).
    pub first: Vec<(f64, f64)>,
    /// Each series of a vector result, when there is more than one (at most
    /// [`MAX_OTHER_SERIES`]).
    pub others: Vec<QuerySeries>,
    /// How many distinct series the query returned over the run.
    pub series_count: usize,
    /// The first evaluation error, if any instant failed.
    pub error: Option<String>,
}

/// The grid step for a run of `end` seconds, in milliseconds.
pub fn grid_step(end: f64) -> i64 {
    ((end * 1000.0) as i64 / POINTS).max(1000)
}

/// Evaluates `query` at every grid instant of `[0, end]` seconds after `start`.
pub fn evaluate(
    store: &Store,
    compat: crate::promql::Compat,
    query: &str,
    start: Timestamp,
    end: f64,
) -> Evaluated {
    let engine = Engine::new(EngineOptions {
        compat,
        ..Default::default()
    });
    let mut out = Evaluated::default();
    let expr = match engine.parse(query) {
        Ok(e) => e,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    let step = grid_step(end);
    let mut labels_seen: Vec<String> = Vec::new();
    let mut t = 0i64;
    while t as f64 <= end * 1000.0 {
        let x = t as f64 / 1000.0;
        let at = start + Duration::from_millis(t);
        match engine.instant_expr(store, &expr, at) {
            Ok(r) => match r.value {
                Value::Scalar { v, .. } => out.first.push((x, v)),
                Value::Vector(samples) => {
                    out.first
                        .push((x, samples.first().map_or(f64::NAN, |s| s.v)));
                    for s in &samples {
                        let name = s.labels.to_string();
                        let i = match labels_seen.iter().position(|l| *l == name) {
                            Some(i) => i,
                            None => {
                                labels_seen.push(name.clone());
                                out.others.push(QuerySeries {
                                    labels: name,
                                    points: Vec::new(),
                                });
                                labels_seen.len() - 1
                            }
                        };
                        out.others[i].points.push((x, s.v));
                    }
                }
                Value::Matrix(_) | Value::String { .. } => {
                    out.error
                        .get_or_insert("Prometheus metric type not supported".into());
                    out.first.push((x, f64::NAN));
                }
            },
            Err(e) => {
                out.error.get_or_insert(e.to_string());
                out.first.push((x, f64::NAN));
            }
        }
        t += step;
    }
    out.series_count = out.others.len();
    if out.others.len() <= 1 {
        out.others.clear();
    }
    out.others.truncate(MAX_OTHER_SERIES);
    // A series absent at some instants gets gaps, not lines across them.
    for s in &mut out.others {
        s.points = with_gaps(&s.points, step as f64 / 1000.0);
    }
    out
}

/// Inserts a NaN between points further apart than one grid step.
fn with_gaps(points: &[(f64, f64)], step: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate() {
        if i > 0 && p.0 - points[i - 1].0 > step * 1.5 {
            out.push(((p.0 + points[i - 1].0) / 2.0, f64::NAN));
        }
        out.push(*p);
    }
    out
}

/// The unit of a query's value, for the axis label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Ratio,
    Seconds,
    Bytes,
    PerSecond,
    Count,
    Plain,
}

impl Unit {
    pub fn axis_label(self) -> &'static str {
        match self {
            Unit::Percent => "percent (%)",
            Unit::Ratio => "ratio (1 = 100%)",
            Unit::Seconds => "seconds",
            Unit::Bytes => "bytes",
            Unit::PerSecond => "per second",
            Unit::Count => "count",
            Unit::Plain => "value",
        }
    }
}

/// Guesses the unit from the query text: `* 100` is a percentage, a division a ratio, a
/// `_seconds` histogram quantile seconds, and so on.
pub fn unit_of(query: &str) -> Unit {
    let q: String = query.split_whitespace().collect();
    let percent = q.contains("100*") || q.contains("*100");
    if percent {
        Unit::Percent
    } else if q.contains("histogram_quantile") && q.contains("_seconds") {
        Unit::Seconds
    } else if q.contains("_bytes") {
        Unit::Bytes
    } else if q.contains(")/") || q.contains("/sum") || q.contains("/(") {
        Unit::Ratio
    } else if q.contains("increase(") || q.contains("count(") {
        Unit::Count
    } else if q.contains("rate(") {
        Unit::PerSecond
    } else if q.contains("_seconds") {
        Unit::Seconds
    } else {
        Unit::Plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_from_query_text() {
        let cases = [
            (
                "100 * sum(rate(a{s!~\"5..\"}[5m])) / sum(rate(a[5m]))",
                Unit::Percent,
            ),
            (
                "sum(rate(a{s!~\"5..\"}[1m]))\n  / sum(rate(a[1m]))",
                Unit::Ratio,
            ),
            (
                "histogram_quantile(0.99, sum by (le) (rate(d_seconds_bucket[2m])))",
                Unit::Seconds,
            ),
            (
                "sum(increase(restarts_total[5m])) or vector(0)",
                Unit::Count,
            ),
            ("sum(rate(http_requests_total[1m]))", Unit::PerSecond),
            ("max(container_memory_working_set_bytes)", Unit::Bytes),
            ("up", Unit::Plain),
        ];
        for (q, unit) in cases {
            assert_eq!(unit_of(q), unit, "{q}");
        }
    }

    #[test]
    fn evaluates_result_zero_and_each_series() {
        let store = crate::promql::testdata::requests_store();
        let (first, last) = store.time_range().expect("samples");
        let start = Timestamp(first);
        let end = ((last - first) / 1000) as f64;
        let q = "sum by (status) (rate(http_requests_total[5m]))";
        let e = evaluate(&store, crate::promql::Compat::V3, q, start, end);
        assert!(e.error.is_none(), "{e:?}");
        assert_eq!(
            e.first.len() as i64,
            (end * 1000.0) as i64 / grid_step(end) + 1
        );
        assert!(e.series_count >= 2, "{e:?}");
        assert_eq!(e.others.len(), e.series_count.min(MAX_OTHER_SERIES));
        // The main line is the first series of each instant's result, as Argo reads it.
        let t = e.first.len() - 1;
        let at = start + Duration::from_millis((e.first[t].0 * 1000.0) as i64);
        let r = Engine::default().instant_query(&store, q, at).unwrap();
        let Value::Vector(v) = r.value else { panic!() };
        assert_eq!(e.first[t].1, v[0].v);
        let bad = evaluate(&store, crate::promql::Compat::V3, "sum(", start, end);
        assert!(bad.error.unwrap().contains("parse error"));
    }

    #[test]
    fn gaps_split_lines() {
        let g = with_gaps(&[(0.0, 1.0), (1.0, 1.0), (5.0, 2.0)], 1.0);
        assert_eq!(g.len(), 4);
        assert!(g[2].1.is_nan());
    }
}
