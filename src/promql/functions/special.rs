//! Functions that shape vectors or read time: `time vector scalar absent absent_over_time
//! timestamp sort* pi` and the date functions.

use chrono::{DateTime, Datelike, Timelike};
use promql_parser::label::MatchOp;
use promql_parser::parser::{Call, Expr, VectorSelector};

use super::vector_arg;
use crate::model::{Labels, METRIC_NAME};
use crate::promql::eval::{Ctx, EvalResult, Node};
use crate::promql::selector::slide;
use crate::promql::series::{ABSENT, Grid, StepSeries, canonical, is_absent};

pub fn time(_: &mut Ctx, grid: Grid, _: &Call) -> EvalResult<Node> {
    Ok(Node::Scalar(
        (0..grid.n).map(|k| grid.t(k) as f64 / 1000.0).collect(),
    ))
}

/// `start()`, `end()`, `range()`, `step()` (experimental): the query's own bounds in seconds.
fn query_scalar(grid: Grid, seconds: f64) -> EvalResult<Node> {
    Ok(Node::Scalar(vec![seconds; grid.n]))
}
pub fn start(ctx: &mut Ctx, grid: Grid, _: &Call) -> EvalResult<Node> {
    query_scalar(grid, ctx.query_start as f64 / 1000.0)
}
pub fn end(ctx: &mut Ctx, grid: Grid, _: &Call) -> EvalResult<Node> {
    query_scalar(grid, ctx.query_end as f64 / 1000.0)
}
pub fn range(ctx: &mut Ctx, grid: Grid, _: &Call) -> EvalResult<Node> {
    query_scalar(grid, (ctx.query_end - ctx.query_start) as f64 / 1000.0)
}
pub fn step(ctx: &mut Ctx, grid: Grid, _: &Call) -> EvalResult<Node> {
    query_scalar(grid, ctx.query_step as f64 / 1000.0)
}

pub fn pi(_: &mut Ctx, grid: Grid, _: &Call) -> EvalResult<Node> {
    Ok(Node::Scalar(vec![std::f64::consts::PI; grid.n]))
}

pub fn vector(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    match ctx.eval(grid, &call.args.args[0])? {
        Node::Scalar(v) => Ok(Node::Vector(vec![StepSeries {
            labels: Labels::empty(),
            values: v,
            drop_name: false,
        }])),
        _ => Err("expected scalar argument in call to vector".into()),
    }
}

/// `scalar(v)`: the single sample's value, NaN when there are zero or several.
pub fn scalar(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let input = vector_arg(ctx, grid, &call.args.args[0])?;
    let out = (0..grid.n)
        .map(|k| {
            let mut present = input.iter().filter(|s| !is_absent(s.values[k]));
            match (present.next(), present.next()) {
                (Some(s), None) => s.values[k],
                _ => f64::NAN,
            }
        })
        .collect();
    Ok(Node::Scalar(out))
}

fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        e => e,
    }
}

/// Labels `absent` reports: each label set by exactly one matcher, an equality one (the
/// name excluded); a label that any other matcher also names is left out.
fn absent_labels(vs: Option<&VectorSelector>) -> Labels {
    let Some(vs) = vs else { return Labels::empty() };
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let mut dropped: Vec<&str> = Vec::new();
    for m in &vs.matchers.matchers {
        if m.name == METRIC_NAME {
            continue;
        }
        let seen = pairs.iter().any(|(n, _)| *n == m.name) || dropped.contains(&m.name.as_str());
        if matches!(m.op, MatchOp::Equal) && !seen {
            pairs.push((&m.name, &m.value));
        } else {
            pairs.retain(|(n, _)| *n != m.name);
            dropped.push(&m.name);
        }
    }
    Labels::from_pairs(pairs)
}

pub fn absent(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let input = vector_arg(ctx, grid, &call.args.args[0])?;
    let vs = match strip(&call.args.args[0]) {
        Expr::VectorSelector(vs) => Some(vs),
        _ => None,
    };
    let values: Vec<f64> = (0..grid.n)
        .map(|k| {
            if input.iter().any(|s| !is_absent(s.values[k])) {
                ABSENT
            } else {
                1.0
            }
        })
        .collect();
    let s = StepSeries {
        labels: absent_labels(vs),
        values,
        drop_name: false,
    };
    Ok(Node::Vector(if s.has_any() { vec![s] } else { vec![] }))
}

pub fn absent_over_time(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let arg = ctx.eval_range_arg(grid, &call.args.args[0])?;
    let vs = match strip(&call.args.args[0]) {
        Expr::MatrixSelector(ms) => Some(&ms.vs),
        _ => None,
    };
    let compat = ctx.compat();
    let mut present = vec![false; grid.n];
    for s in &arg.series {
        let (mut lo, mut hi) = (0, 0);
        for (k, &end) in arg.ends.iter().enumerate() {
            slide(&s.ts, &mut lo, &mut hi, end, arg.range, compat);
            present[k] |= lo < hi;
        }
    }
    let values = present
        .iter()
        .map(|&p| if p { ABSENT } else { 1.0 })
        .collect();
    let s = StepSeries {
        labels: absent_labels(vs),
        values,
        drop_name: false,
    };
    Ok(Node::Vector(if s.has_any() { vec![s] } else { vec![] }))
}

/// `timestamp(v)`: the sample's own time for a plain selector, else the step's time.
pub fn timestamp(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let mut input = match strip(&call.args.args[0]) {
        Expr::VectorSelector(vs) => ctx.vector_selector_timestamps(grid, vs)?,
        _ => {
            let mut v = vector_arg(ctx, grid, &call.args.args[0])?;
            for s in &mut v {
                for (k, x) in s.values.iter_mut().enumerate() {
                    if !is_absent(*x) {
                        *x = grid.t(k) as f64 / 1000.0;
                    }
                }
            }
            v
        }
    };
    for s in &mut input {
        ctx.drop_name(s);
    }
    ctx.merge(input, grid).map(Node::Vector)
}

fn sort_by(ctx: &mut Ctx, grid: Grid, call: &Call, desc: bool) -> EvalResult<Node> {
    let mut v = vector_arg(ctx, grid, &call.args.args[0])?;
    // Only an instant query's order is observable; NaN sorts last either way.
    v.sort_by(|a, b| {
        let (x, y) = (a.values[0], b.values[0]);
        match (x.is_nan(), y.is_nan()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            _ if desc => y.partial_cmp(&x).expect("non-NaN"),
            _ => x.partial_cmp(&y).expect("non-NaN"),
        }
    });
    Ok(Node::Vector(v))
}

pub fn sort(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    sort_by(ctx, grid, call, false)
}
pub fn sort_desc(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    sort_by(ctx, grid, call, true)
}

fn sort_by_labels(ctx: &mut Ctx, grid: Grid, call: &Call, desc: bool) -> EvalResult<Node> {
    let mut v = vector_arg(ctx, grid, &call.args.args[0])?;
    let names: Vec<String> = call.args.args[1..]
        .iter()
        .filter_map(|a| match strip(a) {
            Expr::StringLiteral(s) => Some(s.val.clone()),
            _ => None,
        })
        .collect();
    v.sort_by(|a, b| {
        let mut ord = std::cmp::Ordering::Equal;
        for n in &names {
            ord = natural_cmp(a.labels.get(n).unwrap_or(""), b.labels.get(n).unwrap_or(""));
            if ord.is_ne() {
                break;
            }
        }
        if ord.is_eq() {
            ord = a.labels.cmp(&b.labels);
        }
        if desc { ord.reverse() } else { ord }
    });
    Ok(Node::Vector(v))
}

/// Natural ordering: digit runs compare as numbers (`a2 < a10`).
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    while !x.is_empty() && !y.is_empty() {
        if x[0].is_ascii_digit() && y[0].is_ascii_digit() {
            let nx = x.iter().take_while(|c| c.is_ascii_digit()).count();
            let ny = y.iter().take_while(|c| c.is_ascii_digit()).count();
            let (dx, dy) = (&x[..nx], &y[..ny]);
            let tx = dx.iter().skip_while(|c| **c == b'0').count();
            let ty = dy.iter().skip_while(|c| **c == b'0').count();
            let ord = tx.cmp(&ty).then_with(|| dx[nx - tx..].cmp(&dy[ny - ty..]));
            if ord.is_ne() {
                return ord;
            }
            x = &x[nx..];
            y = &y[ny..];
        } else {
            if x[0] != y[0] {
                return x[0].cmp(&y[0]);
            }
            x = &x[1..];
            y = &y[1..];
        }
    }
    x.len().cmp(&y.len())
}

pub fn sort_by_label(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    sort_by_labels(ctx, grid, call, false)
}
pub fn sort_by_label_desc(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    sort_by_labels(ctx, grid, call, true)
}

/// Date functions: over `vector(time())` without an argument, else each sample's value as
/// Unix seconds (UTC).
fn date_fn(
    ctx: &mut Ctx,
    grid: Grid,
    call: &Call,
    f: fn(DateTime<chrono::Utc>) -> f64,
) -> EvalResult<Node> {
    let input = if call.args.args.is_empty() {
        let values = (0..grid.n).map(|k| (grid.t(k) / 1000) as f64).collect();
        vec![StepSeries {
            labels: Labels::empty(),
            values,
            drop_name: false,
        }]
    } else {
        vector_arg(ctx, grid, &call.args.args[0])?
    };
    let mut out = Vec::with_capacity(input.len());
    for mut s in input {
        for v in s.values.iter_mut() {
            if is_absent(*v) {
                continue;
            }
            *v = match DateTime::from_timestamp(go_int64(*v), 0) {
                Some(t) => canonical(f(t)),
                None => f64::NAN,
            };
        }
        ctx.drop_name(&mut s);
        out.push(s);
    }
    ctx.merge(out, grid).map(Node::Vector)
}

/// Go's `int64(f)` on amd64: truncation, and the minimum int64 for NaN and out-of-range.
fn go_int64(f: f64) -> i64 {
    if (-9.223372036854776e18..9.223372036854776e18).contains(&f) {
        f as i64
    } else {
        i64::MIN
    }
}

pub fn minute(c: &mut Ctx, g: Grid, call: &Call) -> EvalResult<Node> {
    date_fn(c, g, call, |t| t.minute() as f64)
}
pub fn hour(c: &mut Ctx, g: Grid, call: &Call) -> EvalResult<Node> {
    date_fn(c, g, call, |t| t.hour() as f64)
}
pub fn day_of_week(c: &mut Ctx, g: Grid, call: &Call) -> EvalResult<Node> {
    date_fn(c, g, call, |t| t.weekday().num_days_from_sunday() as f64)
}
pub fn day_of_month(c: &mut Ctx, g: Grid, call: &Call) -> EvalResult<Node> {
    date_fn(c, g, call, |t| t.day() as f64)
}
pub fn day_of_year(c: &mut Ctx, g: Grid, call: &Call) -> EvalResult<Node> {
    date_fn(c, g, call, |t| t.ordinal() as f64)
}
pub fn days_in_month(c: &mut Ctx, g: Grid, call: &Call) -> EvalResult<Node> {
    date_fn(c, g, call, |t| {
        let (y, m) = (t.year(), t.month());
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let first_next =
            chrono::NaiveDate::from_ymd_opt(ny, nm, 1).expect("valid first day of month");
        let first = chrono::NaiveDate::from_ymd_opt(y, m, 1).expect("valid first day of month");
        (first_next - first).num_days() as f64
    })
}
pub fn month(c: &mut Ctx, g: Grid, call: &Call) -> EvalResult<Node> {
    date_fn(c, g, call, |t| t.month() as f64)
}
pub fn year(c: &mut Ctx, g: Grid, call: &Call) -> EvalResult<Node> {
    date_fn(c, g, call, |t| t.year() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        assert!(natural_cmp("a2", "a10").is_lt());
        assert!(natural_cmp("b", "a10").is_gt());
        assert!(natural_cmp("x10", "x9").is_gt());
    }
}
