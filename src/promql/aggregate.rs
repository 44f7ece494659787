//! Aggregation operators: `sum avg min max count group stddev stdvar quantile topk bottomk
//! count_values limitk limit_ratio`, with `by`/`without`.
//!
//! Group keys are computed once per input series, not once per step. Float semantics
//! mirror Prometheus's `aggregation()`: Kahan–Neumaier sums and overflow-safe means in 3.x,
//! plain sums and the incremental mean in 2.x, Welford for stddev/stdvar, NaN replaced by
//! any later value in min/max.

use rustc_hash::FxHashMap as HashMap;

use promql_parser::parser::token::*;
use promql_parser::parser::{AggregateExpr, Expr, LabelModifier};

use super::Compat;
use super::eval::{Ctx, EvalResult, Node};
use super::format::go_f;
use super::kahan::kahan_sum_inc;
use super::series::{ABSENT, Grid, GroupIndex, StepSeries, canonical, is_absent};
use crate::model::{Labels, METRIC_NAME};

pub fn eval(ctx: &mut Ctx, grid: Grid, a: &AggregateExpr) -> EvalResult<Node> {
    let op = a.op.id();
    let param = match &a.param {
        Some(p) => Some(ctx.eval(grid, p)?),
        None => None,
    };
    let input = match ctx.eval(grid, &a.expr)? {
        Node::Vector(v) => v,
        _ => return Err("expected instant vector in aggregation".into()),
    };
    // With delayed name removal, groups are formed on the names still present and a group
    // drops its name when any member would (Prometheus's `DropName` propagation).
    let out = match op {
        T_TOPK | T_BOTTOMK => k_select(
            ctx,
            grid,
            op,
            scalar_param(param, grid)?,
            &a.modifier,
            input,
        )?,
        T_LIMITK => limitk(grid, scalar_param(param, grid)?, &a.modifier, input)?,
        T_LIMIT_RATIO => {
            let ratios = ratio_param(ctx, scalar_param(param, grid)?)?;
            limit_ratio(grid, ratios, &a.modifier, input)
        }
        T_COUNT_VALUES => {
            let label = match param {
                Some(Node::String(s)) => s,
                _ => return Err("expected string parameter for count_values".into()),
            };
            count_values(ctx, grid, &label, &a.modifier, input)?
        }
        T_QUANTILE => quantile(ctx, grid, scalar_param(param, grid)?, &a.modifier, input),
        _ => simple(ctx, grid, op, &a.modifier, input)?,
    };
    Ok(Node::Vector(out))
}

fn scalar_param(p: Option<Node>, grid: Grid) -> EvalResult<Vec<f64>> {
    match p {
        Some(Node::Scalar(v)) => Ok(v),
        Some(Node::Vector(_)) => Err("expected scalar parameter, got instant vector".into()),
        _ => Ok(vec![f64::NAN; grid.n]),
    }
}

/// Whether a label named `name` is kept in the group labels (see [`group_labels`]).
fn in_group(name: &str, modifier: &Option<LabelModifier>) -> bool {
    match modifier {
        None => false,
        Some(LabelModifier::Include(keep)) => keep.labels.iter().any(|k| k == name),
        Some(LabelModifier::Exclude(drop)) => {
            name != METRIC_NAME && !drop.labels.iter().any(|k| k == name)
        }
    }
}

/// The output labels of a group: `by` keeps the listed labels, `without` drops them and the
/// metric name; no modifier drops everything.
pub fn group_labels(labels: &Labels, modifier: &Option<LabelModifier>) -> Labels {
    match modifier {
        None => Labels::empty(),
        Some(_) => labels.filtered(|n| in_group(n, modifier)),
    }
}

/// Assigns each input series a group index; returns (group of each series, group labels).
fn grouping(input: &[StepSeries], modifier: &Option<LabelModifier>) -> (Vec<usize>, Vec<Labels>) {
    let mut index = GroupIndex::default();
    let of = input
        .iter()
        .map(|s| index.group_of(&s.labels, |n| in_group(n, modifier)))
        .collect();
    (of, index.groups)
}

/// A group's output drops its name when any member's name is marked for removal.
fn propagate_drop_name(out: &mut [StepSeries], input: &[StepSeries], of: &[usize]) {
    for (s, &g) in input.iter().zip(of) {
        out[g].drop_name |= s.drop_name;
    }
}

/// Running state of one group at one step.
#[derive(Clone, Copy, Default)]
struct Acc {
    count: f64,
    value: f64,
    kahan: f64,
    mean: f64,
    incremental: bool,
}

fn simple(
    ctx: &Ctx,
    grid: Grid,
    op: u16,
    modifier: &Option<LabelModifier>,
    input: Vec<StepSeries>,
) -> EvalResult<Vec<StepSeries>> {
    let compat = ctx.compat();
    let (of, groups) = grouping(&input, modifier);
    let mut out: Vec<StepSeries> = groups
        .into_iter()
        .map(|g| StepSeries::absent(g, grid.n))
        .collect();
    let mut acc = vec![Acc::default(); out.len()];
    for k in 0..grid.n {
        acc.iter_mut().for_each(|a| *a = Acc::default());
        for (s, &g) in input.iter().zip(&of) {
            let v = s.values[k];
            if !is_absent(v) {
                accumulate(&mut acc[g], op, v, compat);
            }
        }
        for (g, a) in acc.iter().enumerate() {
            if a.count > 0.0 {
                out[g].values[k] = canonical(finish(a, op, compat));
            }
        }
    }
    propagate_drop_name(&mut out, &input, &of);
    out.retain(StepSeries::has_any);
    Ok(out)
}

fn accumulate(a: &mut Acc, op: u16, f: f64, compat: Compat) {
    a.count += 1.0;
    if a.count == 1.0 {
        a.value = f;
        a.mean = f;
        if matches!(op, T_STDDEV | T_STDVAR) {
            a.value = if compat == Compat::V3 && (f.is_nan() || f.is_infinite()) {
                f64::NAN
            } else {
                0.0
            };
        }
        return;
    }
    match op {
        T_SUM => match compat {
            Compat::V3 => (a.value, a.kahan) = kahan_sum_inc(f, a.value, a.kahan),
            Compat::V2 => a.value += f,
        },
        T_AVG => avg_step(a, f, compat),
        T_MAX if a.value < f || a.value.is_nan() => a.value = f,
        T_MIN if a.value > f || a.value.is_nan() => a.value = f,
        T_STDDEV | T_STDVAR => {
            let delta = f - a.mean;
            a.mean += delta / a.count;
            a.value += delta * (f - a.mean);
        }
        _ => {} // count, group
    }
}

/// One step of Prometheus's `avg`: a compensated sum while it stays finite (3.x), then an
/// incremental mean; 2.x always uses the incremental mean.
fn avg_step(a: &mut Acc, f: f64, compat: Compat) {
    if compat == Compat::V2 {
        if a.mean.is_infinite() {
            if f.is_infinite() && (a.mean > 0.0) == (f > 0.0) {
                return;
            }
            if !f.is_infinite() && !f.is_nan() {
                return;
            }
        }
        a.mean += f / a.count - a.mean / a.count;
        return;
    }
    if !a.incremental {
        let (nv, nc) = kahan_sum_inc(f, a.value, a.kahan);
        if !nv.is_infinite() {
            a.value = nv;
            a.kahan = nc;
            return;
        }
        a.incremental = true;
        a.mean = a.value / (a.count - 1.0);
        a.kahan /= a.count - 1.0;
    }
    let q = (a.count - 1.0) / a.count;
    (a.mean, a.kahan) = kahan_sum_inc(f / a.count, q * a.mean, q * a.kahan);
}

fn finish(a: &Acc, op: u16, compat: Compat) -> f64 {
    match op {
        T_SUM => a.value + a.kahan,
        T_AVG => match compat {
            Compat::V2 => a.mean,
            Compat::V3 if a.incremental => a.mean + a.kahan,
            Compat::V3 => (a.value + a.kahan) / a.count,
        },
        T_COUNT => a.count,
        T_GROUP => 1.0,
        T_STDVAR => a.value / a.count,
        T_STDDEV => (a.value / a.count).sqrt(),
        _ => a.value,
    }
}

/// Prometheus's `quantile` over a set of values (NaN sorts first; φ outside [0,1] gives ±Inf).
pub fn quantile_of(q: f64, values: &mut [f64]) -> f64 {
    if values.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    values.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        _ => a.partial_cmp(b).expect("non-NaN floats compare"),
    });
    let n = values.len() as f64;
    let rank = q * (n - 1.0);
    let lower = rank.floor().max(0.0);
    let upper = (lower + 1.0).min(n - 1.0);
    let weight = rank - rank.floor();
    values[lower as usize] * (1.0 - weight) + values[upper as usize] * weight
}

fn quantile(
    ctx: &mut Ctx,
    grid: Grid,
    q: Vec<f64>,
    modifier: &Option<LabelModifier>,
    input: Vec<StepSeries>,
) -> Vec<StepSeries> {
    let (of, groups) = grouping(&input, modifier);
    let mut out: Vec<StepSeries> = groups
        .into_iter()
        .map(|g| StepSeries::absent(g, grid.n))
        .collect();
    let mut buf: Vec<Vec<f64>> = vec![Vec::new(); out.len()];
    let mut warned = false;
    for (k, &qk) in q.iter().enumerate() {
        buf.iter_mut().for_each(Vec::clear);
        for (s, &g) in input.iter().zip(&of) {
            if !is_absent(s.values[k]) {
                buf[g].push(s.values[k]);
            }
        }
        for (g, vals) in buf.iter_mut().enumerate() {
            if !vals.is_empty() {
                if !warned && !(0.0..=1.0).contains(&qk) {
                    ctx.annos.quantile_out_of_range(qk);
                    warned = true;
                }
                out[g].values[k] = canonical(quantile_of(qk, vals));
            }
        }
    }
    propagate_drop_name(&mut out, &input, &of);
    out.retain(StepSeries::has_any);
    out
}

fn count_values(
    ctx: &Ctx,
    grid: Grid,
    label: &str,
    modifier: &Option<LabelModifier>,
    input: Vec<StepSeries>,
) -> EvalResult<Vec<StepSeries>> {
    if !valid_label_name(label, ctx.compat()) {
        return Err(format!("invalid label name {label:?}"));
    }
    let mut set = super::eval::new_set(grid);
    let mut counts: HashMap<usize, f64> = HashMap::default();
    for k in 0..grid.n {
        counts.clear();
        for s in &input {
            let v = s.values[k];
            if is_absent(v) {
                continue;
            }
            let mut b = group_labels(&s.labels, modifier).builder();
            b.set_str(label, &go_f(v));
            let slot = set.slot(b.build(), s.drop_name);
            *counts.entry(slot).or_default() += 1.0;
        }
        for (&slot, &c) in &counts {
            set.set(slot, k, c)?;
        }
    }
    Ok(set.finish())
}

/// Label names: `[a-zA-Z_][a-zA-Z0-9_]*` in 2.x; any non-empty UTF-8 in 3.x.
pub fn valid_label_name(name: &str, compat: Compat) -> bool {
    match compat {
        Compat::V3 => !name.is_empty(),
        Compat::V2 => {
            let mut c = name.chars();
            matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_')
                && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        }
    }
}

/// `topk`/`bottomk`: per group and step the k largest/smallest (NaN ranks last); output
/// keeps the input series' labels. Instant results are ordered as Prometheus orders them.
fn k_select(
    ctx: &mut Ctx,
    grid: Grid,
    op: u16,
    k: Vec<f64>,
    modifier: &Option<LabelModifier>,
    input: Vec<StepSeries>,
) -> EvalResult<Vec<StepSeries>> {
    let (of, groups) = grouping(&input, modifier);
    let mut keep = vec![vec![false; grid.n]; input.len()];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for (step, kv) in k.iter().enumerate() {
        let kk = param_k(*kv)?;
        if kk < 1 {
            continue;
        }
        members.iter_mut().for_each(Vec::clear);
        for (i, s) in input.iter().enumerate() {
            if !is_absent(s.values[step]) {
                members[of[i]].push(i);
            }
        }
        for m in &mut members {
            m.sort_by(|&a, &b| rank_cmp(op, input[a].values[step], input[b].values[step]));
            for &i in m.iter().take(kk as usize) {
                keep[i][step] = true;
            }
        }
    }
    let _ = ctx;
    let mut out = Vec::new();
    // For one step, emit in result order (group by group, best first), as Prometheus does.
    if grid.n == 1 {
        for m in &members {
            let kk = param_k(k[0])?.max(0) as usize;
            for &i in m.iter().take(kk) {
                out.push(input[i].clone());
            }
        }
        return Ok(out);
    }
    for (i, s) in input.into_iter().enumerate() {
        let values: Vec<f64> = s
            .values
            .iter()
            .enumerate()
            .map(|(st, &v)| if keep[i][st] { v } else { ABSENT })
            .collect();
        let s = StepSeries { values, ..s };
        if s.has_any() {
            out.push(s);
        }
    }
    Ok(out)
}

fn rank_cmp(op: u16, a: f64, b: f64) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Equal,
        (true, false) => Greater,
        (false, true) => Less,
        _ if op == T_TOPK => b.partial_cmp(&a).expect("non-NaN"),
        _ => a.partial_cmp(&b).expect("non-NaN"),
    }
}

fn param_k(v: f64) -> EvalResult<i64> {
    if v.is_nan() {
        return Err("Parameter value is NaN".into());
    }
    if !(-9.223372036854776e18..9.223372036854776e18).contains(&v) {
        return Err(format!(
            "Scalar value {} overflows int64",
            super::format::go_g(v)
        ));
    }
    Ok(v as i64)
}

fn limitk(
    grid: Grid,
    k: Vec<f64>,
    modifier: &Option<LabelModifier>,
    input: Vec<StepSeries>,
) -> EvalResult<Vec<StepSeries>> {
    let (of, groups) = grouping(&input, modifier);
    let mut out: Vec<StepSeries> = input
        .iter()
        .map(|s| StepSeries::absent(s.labels.clone(), grid.n))
        .collect();
    for (step, kv) in k.iter().enumerate() {
        let kk = param_k(*kv)?;
        let mut taken = vec![0i64; groups.len()];
        for (i, s) in input.iter().enumerate() {
            if !is_absent(s.values[step]) && taken[of[i]] < kk {
                taken[of[i]] += 1;
                out[i].values[step] = s.values[step];
            }
        }
    }
    out.retain(StepSeries::has_any);
    Ok(out)
}

/// `limit_ratio`'s ratio: NaN is an error; outside [-1, 1] it is capped with a warning.
fn ratio_param(ctx: &mut Ctx, r: Vec<f64>) -> EvalResult<Vec<f64>> {
    r.into_iter()
        .map(|v| {
            if v.is_nan() {
                return Err("Ratio value is NaN".to_string());
            }
            let capped = v.clamp(-1.0, 1.0);
            if capped != v {
                ctx.annos.warn(format!(
                    "ratio value should be between -1 and 1, got {}, capping to {}",
                    super::format::go_g(v),
                    super::format::go_g(capped)
                ));
            }
            Ok(capped)
        })
        .collect()
}

fn limit_ratio(
    grid: Grid,
    r: Vec<f64>,
    _modifier: &Option<LabelModifier>,
    input: Vec<StepSeries>,
) -> Vec<StepSeries> {
    let mut out: Vec<StepSeries> = input
        .iter()
        .map(|s| StepSeries::absent(s.labels.clone(), grid.n))
        .collect();
    for (step, &ratio) in r.iter().enumerate() {
        for (i, s) in input.iter().enumerate() {
            if is_absent(s.values[step]) {
                continue;
            }
            let h = ratio_hash(&s.labels);
            let take = if ratio >= 0.0 {
                h < ratio
            } else {
                h >= 1.0 + ratio
            };
            if take {
                out[i].values[step] = s.values[step];
            }
        }
    }
    out.retain(StepSeries::has_any);
    out
}

/// A stable value in [0, 1) per label set (Prometheus uses the label hash; ours differs, so
/// `limit_ratio` selects a different but equally stable subset).
fn ratio_hash(l: &Labels) -> f64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    l.hash(&mut h);
    (h.finish() as f64) / (u64::MAX as f64 + 1.0)
}

/// Whether an aggregation's argument is a range vector (parser-rejected; kept for clarity).
pub fn is_range(expr: &Expr) -> bool {
    matches!(expr, Expr::MatrixSelector(_) | Expr::Subquery(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_interpolates_like_prometheus() {
        assert_eq!(quantile_of(0.5, &mut [1.0, 2.0, 3.0, 4.0]), 2.5);
        assert_eq!(quantile_of(0.0, &mut [3.0, 1.0]), 1.0);
        assert_eq!(quantile_of(1.5, &mut [1.0]), f64::INFINITY);
        assert!(quantile_of(0.5, &mut []).is_nan());
    }

    #[test]
    fn avg_survives_overflow_in_v3() {
        let mut a = Acc::default();
        for f in [f64::MAX, f64::MAX, f64::MAX] {
            accumulate(&mut a, T_AVG, f, Compat::V3);
        }
        let avg = finish(&a, T_AVG, Compat::V3);
        assert!(
            avg.is_finite() && (avg / f64::MAX - 1.0).abs() < 1e-12,
            "{avg}"
        );
    }
}
