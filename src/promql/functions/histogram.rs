//! Classic-bucket histogram functions: `histogram_quantile` and (3.x) `histogram_fraction`
//! over `_bucket{le=...}` series. Native histograms are not supported: the native-only
//! functions return nothing for float input, as Prometheus does.

use promql_parser::parser::Call;

use super::{scalar_args, vector_arg};
use crate::model::{Labels, METRIC_NAME};
use crate::promql::Compat;
use crate::promql::annotations::with_metric_name;
use crate::promql::eval::{Ctx, EvalResult, Node};
use crate::promql::series::{Grid, GroupIndex, StepSeries, canonical, is_absent};

#[derive(Clone, Copy, Debug)]
struct Bucket {
    upper: f64,
    count: f64,
}

/// Groups bucket series by their labels without `le`; returns per group the member
/// series with their parsed upper bounds.
fn bucket_groups(ctx: &mut Ctx, input: &[StepSeries]) -> (Vec<Labels>, Vec<Vec<(usize, f64)>>) {
    let mut index = GroupIndex::default();
    let mut members: Vec<Vec<(usize, f64)>> = Vec::new();
    for (i, s) in input.iter().enumerate() {
        let le = s.labels.get("le").unwrap_or("");
        let Some(upper) = parse_le(le) else {
            let name = s.labels.metric_name().unwrap_or("");
            ctx.annos.warn(with_metric_name(
                &format!("bucket label \"le\" is missing or has a malformed value of {le:?}"),
                name,
            ));
            continue;
        };
        let g = index.group_of(&s.labels, |n| n != "le");
        if g == members.len() {
            members.push(Vec::new());
        }
        members[g].push((i, upper));
    }
    (index.groups, members)
}

fn parse_le(s: &str) -> Option<f64> {
    let t = s.trim();
    let is = |word: &str| t.eq_ignore_ascii_case(word);
    if is("+inf") || is("inf") {
        Some(f64::INFINITY)
    } else if is("-inf") {
        Some(f64::NEG_INFINITY)
    } else if is("nan") {
        Some(f64::NAN)
    } else {
        t.parse().ok()
    }
}

fn sort_and_coalesce(buckets: &mut Vec<Bucket>) {
    buckets.sort_by(|a, b| {
        a.upper
            .partial_cmp(&b.upper)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut out: Vec<Bucket> = Vec::with_capacity(buckets.len());
    for b in buckets.drain(..) {
        match out.last_mut() {
            Some(last) if last.upper == b.upper => last.count += b.count,
            _ => out.push(b),
        }
    }
    *buckets = out;
}

fn almost_equal(a: f64, b: f64, eps: f64) -> bool {
    let min_normal = f64::from_bits(0x0010_0000_0000_0000);
    if a == b {
        return true;
    }
    let abs_sum = a.abs() + b.abs();
    let diff = (a - b).abs();
    if a == 0.0 || b == 0.0 || abs_sum < min_normal {
        return diff < eps * min_normal;
    }
    diff / abs_sum.min(f64::MAX) < eps
}

/// Forces counts to be non-decreasing; 3.x also silences tiny differences (1e-12).
/// Returns whether monotonicity had to be forced.
fn ensure_monotonic(buckets: &mut [Bucket], compat: Compat) -> bool {
    let mut forced = false;
    let mut prev = buckets[0].count;
    for b in buckets.iter_mut().skip(1) {
        let curr = b.count;
        if curr == prev {
            continue;
        }
        if compat == Compat::V3 && almost_equal(prev, curr, 1e-12) {
            b.count = prev;
            continue;
        }
        if curr < prev {
            b.count = prev;
            forced = true;
            continue;
        }
        prev = curr;
    }
    forced
}

/// Prometheus's `BucketQuantile`: (value, forced monotonicity).
fn bucket_quantile(q: f64, buckets: &mut Vec<Bucket>, compat: Compat) -> (f64, bool) {
    if q.is_nan() {
        return (f64::NAN, false);
    }
    if q < 0.0 {
        return (f64::NEG_INFINITY, false);
    }
    if q > 1.0 {
        return (f64::INFINITY, false);
    }
    sort_and_coalesce(buckets);
    if buckets.last().is_none_or(|b| b.upper != f64::INFINITY) {
        return (f64::NAN, false);
    }
    let forced = ensure_monotonic(buckets, compat);
    if buckets.len() < 2 {
        return (f64::NAN, forced);
    }
    let observations = buckets[buckets.len() - 1].count;
    if observations == 0.0 {
        return (f64::NAN, forced);
    }
    let mut rank = q * observations;
    let b = buckets[..buckets.len() - 1].partition_point(|x| x.count < rank);
    if b == buckets.len() - 1 {
        return (buckets[buckets.len() - 2].upper, forced);
    }
    if b == 0 && buckets[0].upper <= 0.0 {
        return (buckets[0].upper, forced);
    }
    let mut start = 0.0;
    let end = buckets[b].upper;
    let mut count = buckets[b].count;
    if b > 0 {
        start = buckets[b - 1].upper;
        count -= buckets[b - 1].count;
        rank -= buckets[b - 1].count;
    }
    (start + (end - start) * (rank / count), forced)
}

/// Prometheus's `BucketFraction` for classic buckets.
fn bucket_fraction(lower: f64, upper: f64, buckets: &mut Vec<Bucket>) -> f64 {
    sort_and_coalesce(buckets);
    if buckets.last().is_none_or(|b| b.upper != f64::INFINITY) {
        return f64::NAN;
    }
    let count = buckets[buckets.len() - 1].count;
    if count == 0.0 || lower.is_nan() || upper.is_nan() {
        return f64::NAN;
    }
    if lower >= upper {
        return 0.0;
    }
    let (mut rank, mut lower_rank, mut upper_rank) = (0.0, 0.0, 0.0);
    let (mut lower_set, mut upper_set) = (false, false);
    for i in 0..buckets.len() {
        // The first bucket starts at 0 when its upper bound is positive (as for native
        // histograms with custom buckets), else at -Inf.
        let lb = match i {
            0 if buckets[0].upper > 0.0 => 0.0,
            0 => f64::NEG_INFINITY,
            _ => buckets[i - 1].upper,
        };
        let b = buckets[i];
        // No interpolation inside an infinitely wide bucket: it contributes nothing.
        let interp = |v: f64| {
            if lb == f64::NEG_INFINITY {
                b.count
            } else if b.upper == f64::INFINITY {
                rank
            } else {
                rank + (b.count - rank) * (v - lb) / (b.upper - lb)
            }
        };
        if !lower_set && lb >= lower {
            lower_rank = rank;
            lower_set = true;
        }
        if !upper_set && lb >= upper {
            upper_rank = rank;
            upper_set = true;
        }
        if lower_set && upper_set {
            break;
        }
        if !lower_set && lb < lower && b.upper > lower {
            lower_rank = interp(lower);
            lower_set = true;
        }
        if !upper_set && lb < upper && b.upper > upper {
            upper_rank = interp(upper);
            upper_set = true;
        }
        if lower_set && upper_set {
            break;
        }
        rank = b.count;
    }
    if !lower_set || lower_rank > count {
        lower_rank = count;
    }
    if !upper_set || upper_rank > count {
        upper_rank = count;
    }
    (upper_rank - lower_rank) / count
}

/// Applies `f` to each bucket group at each step.
fn over_groups(
    ctx: &mut Ctx,
    grid: Grid,
    input: Vec<StepSeries>,
    mut f: impl FnMut(&mut Ctx, usize, &Labels, &mut Vec<Bucket>) -> f64,
) -> EvalResult<Node> {
    let (keys, members) = bucket_groups(ctx, &input);
    let mut out = Vec::with_capacity(keys.len());
    let mut buf = Vec::new();
    for (key, m) in keys.iter().zip(&members) {
        let mut s = StepSeries::absent(key.clone(), grid.n);
        for k in 0..grid.n {
            buf.clear();
            buf.extend(
                m.iter()
                    .filter(|(i, _)| !is_absent(input[*i].values[k]))
                    .map(|&(i, upper)| Bucket {
                        upper,
                        count: input[i].values[k],
                    }),
            );
            if !buf.is_empty() {
                s.values[k] = canonical(f(ctx, k, key, &mut buf));
            }
        }
        // The group key keeps the name (buckets of different metrics stay apart); the
        // result drops it, delayed or not.
        ctx.drop_name(&mut s);
        out.push(s);
    }
    ctx.merge(out, grid).map(Node::Vector)
}

pub fn histogram_quantile(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let q = scalar_args(ctx, grid, call, 1)?.remove(0);
    let input = vector_arg(ctx, grid, &call.args.args[1])?;
    quantile_of_groups(ctx, grid, &q, input)
}

/// `histogram_quantiles(v, "label", φ1, φ2, ...)` (experimental): one result series per φ,
/// told apart by `label` set to φ in OpenMetrics float form (`0.5`, `1.0`).
pub fn histogram_quantiles(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let input = vector_arg(ctx, grid, &call.args.args[0])?;
    let label = match call.args.args.get(1).map(|a| &**a) {
        Some(promql_parser::parser::Expr::StringLiteral(s)) => s.val.clone(),
        _ => return Err("expected a string literal label name in histogram_quantiles".into()),
    };
    let mut out = Vec::new();
    for arg in &call.args.args[2..] {
        let q = match ctx.eval(grid, arg)? {
            Node::Scalar(v) => v,
            _ => return Err("expected scalar quantiles in histogram_quantiles".into()),
        };
        let Node::Vector(series) = quantile_of_groups(ctx, grid, &q, input.clone())? else {
            unreachable!("quantile_of_groups returns a vector")
        };
        let value = openmetrics_float(q[0]);
        for mut s in series {
            let mut b = s.labels.builder();
            b.set_str(&label, &value);
            s.labels = b.build();
            out.push(s);
        }
    }
    ctx.merge(out, grid).map(Node::Vector)
}

/// A float as OpenMetrics prints label values: integral values keep a `.0`.
fn openmetrics_float(v: f64) -> String {
    let s = crate::promql::format::go_f(v);
    if v.is_finite() && !s.contains('.') {
        format!("{s}.0")
    } else {
        s
    }
}

fn quantile_of_groups(
    ctx: &mut Ctx,
    grid: Grid,
    q: &[f64],
    input: Vec<StepSeries>,
) -> EvalResult<Node> {
    let compat = ctx.compat();
    // Prometheus warns about φ before looking at the input, even when it is empty.
    if let Some(bad) = q.iter().find(|q| !(0.0..=1.0).contains(*q)) {
        ctx.annos.quantile_out_of_range(*bad);
    }
    over_groups(ctx, grid, input, |ctx, k, key, buckets| {
        let (v, forced) = bucket_quantile(q[k], buckets, compat);
        if forced {
            let name = key.get(METRIC_NAME).unwrap_or("");
            ctx.annos.info(with_metric_name("input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)", name));
        }
        v
    })
}

pub fn histogram_fraction(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let s = scalar_args(ctx, grid, call, 2)?;
    let input = vector_arg(ctx, grid, &call.args.args[2])?;
    if ctx.compat() == Compat::V2 {
        return Ok(Node::Vector(Vec::new()));
    }
    over_groups(ctx, grid, input, |_, k, _, buckets| {
        bucket_fraction(s[0][k], s[1][k], buckets)
    })
}

/// Functions defined only on native histograms: float input yields an empty vector.
pub fn native_only(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let last = call.args.args.len() - 1;
    vector_arg(ctx, grid, &call.args.args[last])?;
    Ok(Node::Vector(Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(pairs: &[(f64, f64)]) -> Vec<Bucket> {
        pairs
            .iter()
            .map(|&(upper, count)| Bucket { upper, count })
            .collect()
    }

    #[test]
    fn quantile_interpolates_within_bucket() {
        let mut bs = b(&[(0.1, 50.0), (0.5, 90.0), (f64::INFINITY, 100.0)]);
        let (v, forced) = bucket_quantile(0.5, &mut bs, Compat::V3);
        assert!((v - 0.1).abs() < 1e-12 && !forced);
        let mut bs = b(&[(0.1, 50.0), (0.5, 90.0), (f64::INFINITY, 100.0)]);
        assert_eq!(bucket_quantile(0.99, &mut bs, Compat::V3).0, 0.5);
        let mut bs = b(&[(0.1, 50.0), (0.5, 90.0)]);
        assert!(bucket_quantile(0.5, &mut bs, Compat::V3).0.is_nan());
    }

    #[test]
    fn forces_monotonicity() {
        let mut bs = b(&[(0.1, 50.0), (0.5, 40.0), (f64::INFINITY, 100.0)]);
        assert!(bucket_quantile(0.5, &mut bs, Compat::V3).1);
    }

    #[test]
    fn fraction_of_classic_buckets() {
        let mut bs = b(&[(0.1, 50.0), (0.5, 90.0), (f64::INFINITY, 100.0)]);
        assert!((bucket_fraction(0.1, 0.5, &mut bs) - 0.4).abs() < 1e-12);
        // First bucket [0, 1] when its bound is positive; nothing from infinite buckets.
        let mut bs = b(&[(1.0, 1.0), (2.0, 3.0), (3.0, 6.0), (f64::INFINITY, 100.0)]);
        assert!((bucket_fraction(0.0, 1.5, &mut bs) - 0.02).abs() < 1e-12);
        let mut bs = b(&[
            (-3.0, 10.0),
            (-2.0, 12.0),
            (-1.0, 15.0),
            (f64::INFINITY, 100.0),
        ]);
        assert!((bucket_fraction(-4.0, -2.0, &mut bs) - 0.02).abs() < 1e-12);
        assert_eq!(
            bucket_fraction(0.0, 1.0, &mut b(&[(f64::INFINITY, 100.0)])),
            0.0
        );
        assert_eq!(
            bucket_fraction(0.5, 0.1, &mut b(&[(0.1, 5.0), (f64::INFINITY, 10.0)])),
            0.0
        );
    }
}
