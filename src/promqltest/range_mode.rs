//! The optional "range mode" re-check of Prometheus's runner (corpus README, section 4): an
//! instant eval that passed is run again as a range query from t-1m to t+1m step 1m, and
//! the middle step must give the same expected result.

use std::sync::LazyLock;

use regex::Regex;

use super::compare::check_value;
use super::parse::EvalCmd;
use crate::model::{Duration, Store, Timestamp};
use crate::promql::{Engine, Sample, Value};

static QUERY_CONTEXT_FUNCS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(start|end|range|step)\(\)").expect("static regex"));

/// Whether the re-check applies: not for expected failures, `ordered`, `expect range
/// vector`, `expect string`, or expressions using `start()`/`end()`/`range()`/`step()`.
pub fn applies(cmd: &EvalCmd) -> bool {
    let e = &cmd.expect;
    e.fail.is_none()
        && !e.ordered
        && e.range_vector.is_none()
        && e.string.is_none()
        && !QUERY_CONTEXT_FUNCS.is_match(&cmd.expr)
}

/// Runs the range query around `at` and checks its middle step; `instant_was_scalar` says
/// whether the instant query returned a scalar (then the step's single value is compared).
pub fn check(
    engine: &Engine,
    store: &Store,
    cmd: &EvalCmd,
    at: Timestamp,
    instant_was_scalar: bool,
) -> Result<(), String> {
    let minute = Duration::from_secs(60);
    let res = engine
        .range_query(store, &cmd.expr, at - minute, at + minute, minute)
        .map_err(|e| format!("range mode: unexpected error: {e}"))?;
    let Value::Matrix(m) = res.value else {
        return Err(format!(
            "range mode: expected a matrix, got a {}",
            res.value.type_name()
        ));
    };
    if let Some(w) = m.windows(2).find(|w| w[0].labels >= w[1].labels) {
        return Err(format!(
            "range mode: matrix not sorted by labels: {} before {}",
            w[0].labels, w[1].labels
        ));
    }
    let t = at.millis();
    let vector: Vec<Sample> = m
        .iter()
        .filter_map(|s| {
            let (pt, v) = s.points.iter().find(|p| p.0 == t)?;
            Some(Sample {
                labels: s.labels.clone(),
                t: *pt,
                v: *v,
            })
        })
        .collect();
    let value = if instant_was_scalar {
        match vector.first() {
            Some(s) => Value::Scalar { t, v: s.v },
            None => return Err("range mode: no point at the eval time".into()),
        }
    } else {
        Value::Vector(vector)
    };
    check_value(cmd, &value).map_err(|e| format!("range mode: {e}"))
}
