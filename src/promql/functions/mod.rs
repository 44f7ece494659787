//! The PromQL function table: one row per function (name, kind, name handling), and the
//! drivers that apply a row's kernel over all steps.
//!
//! Kinds: `Range` kernels see one window of one series (`Window`) plus the call's scalar
//! arguments at that step; `Map` kernels transform one float; `Special` functions get the
//! whole call. Mirrors Prometheus's `FunctionCalls` table in `promql/functions.go`.

mod histogram;
mod labels;
mod math;
mod range;
mod special;

use promql_parser::parser::value::ValueType;
use promql_parser::parser::{Call, Expr};

use std::sync::Arc;

use super::Compat;
use super::eval::{Ctx, EvalResult, Node};
use super::selector::slide;
use super::series::{ABSENT, Grid, StepSeries, canonical, is_absent};
use crate::model::METRIC_NAME;

/// One window of one series: its samples and the window bounds (milliseconds).
pub struct Window<'w> {
    pub ts: &'w [i64],
    pub vs: &'w [f64],
    /// Window start (exclusive in 3.x, inclusive in 2.x) and end (inclusive).
    pub start: i64,
    pub end: i64,
    /// The range of the selector or subquery, milliseconds.
    pub range: i64,
    /// The evaluation step's own time (Prometheus's `enh.Ts`).
    pub step_t: i64,
    pub compat: Compat,
}

pub type RangeKernel = fn(&Window, &[f64]) -> Option<f64>;
pub type MapKernel = fn(f64, &[f64]) -> f64;
pub type SpecialFn = fn(&mut Ctx, Grid, &Call) -> EvalResult<Node>;

#[derive(Clone, Copy)]
pub enum Kind {
    Range(RangeKernel),
    Map(MapKernel),
    Special(SpecialFn),
}

/// Whether the result keeps the input's metric name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Name {
    Keep,
    Drop,
}

pub struct Def {
    pub name: &'static str,
    pub kind: Kind,
    pub name_rule: Name,
}

const fn def(name: &'static str, kind: Kind, name_rule: Name) -> Def {
    Def {
        name,
        kind,
        name_rule,
    }
}

use Kind::{Map, Range, Special};
use Name::{Drop, Keep};

/// Every function rollsim evaluates. Native-histogram functions on float input return
/// nothing, as in Prometheus; `info` is not supported.
pub static FUNCTIONS: &[Def] = &[
    // Range-vector functions.
    def("rate", Range(range::rate), Drop),
    def("increase", Range(range::increase), Drop),
    def("delta", Range(range::delta), Drop),
    def("irate", Range(range::irate), Drop),
    def("idelta", Range(range::idelta), Drop),
    def("deriv", Range(range::deriv), Drop),
    def("predict_linear", Range(range::predict_linear), Drop),
    def("changes", Range(range::changes), Drop),
    def("resets", Range(range::resets), Drop),
    def("avg_over_time", Range(range::avg_over_time), Drop),
    def("sum_over_time", Range(range::sum_over_time), Drop),
    def("count_over_time", Range(range::count_over_time), Drop),
    def("min_over_time", Range(range::min_over_time), Drop),
    def("max_over_time", Range(range::max_over_time), Drop),
    def("stddev_over_time", Range(range::stddev_over_time), Drop),
    def("stdvar_over_time", Range(range::stdvar_over_time), Drop),
    def("quantile_over_time", Range(range::quantile_over_time), Drop),
    def("mad_over_time", Range(range::mad_over_time), Drop),
    def("last_over_time", Range(range::last_over_time), Keep),
    def("first_over_time", Range(range::first_over_time), Keep),
    def("present_over_time", Range(range::present_over_time), Drop),
    def(
        "ts_of_min_over_time",
        Range(range::ts_of_min_over_time),
        Drop,
    ),
    def(
        "ts_of_max_over_time",
        Range(range::ts_of_max_over_time),
        Drop,
    ),
    def(
        "ts_of_first_over_time",
        Range(range::ts_of_first_over_time),
        Drop,
    ),
    def(
        "ts_of_last_over_time",
        Range(range::ts_of_last_over_time),
        Drop,
    ),
    def(
        "holt_winters",
        Range(range::double_exponential_smoothing),
        Drop,
    ),
    def(
        "double_exponential_smoothing",
        Range(range::double_exponential_smoothing),
        Drop,
    ),
    def("absent_over_time", Special(special::absent_over_time), Drop),
    // Element-wise math.
    def("abs", Map(math::abs), Drop),
    def("ceil", Map(math::ceil), Drop),
    def("floor", Map(math::floor), Drop),
    def("exp", Map(math::exp), Drop),
    def("sqrt", Map(math::sqrt), Drop),
    def("ln", Map(math::ln), Drop),
    def("log2", Map(math::log2), Drop),
    def("log10", Map(math::log10), Drop),
    def("sgn", Map(math::sgn), Drop),
    def("sin", Map(math::sin), Drop),
    def("cos", Map(math::cos), Drop),
    def("tan", Map(math::tan), Drop),
    def("asin", Map(math::asin), Drop),
    def("acos", Map(math::acos), Drop),
    def("atan", Map(math::atan), Drop),
    def("sinh", Map(math::sinh), Drop),
    def("cosh", Map(math::cosh), Drop),
    def("tanh", Map(math::tanh), Drop),
    def("asinh", Map(math::asinh), Drop),
    def("acosh", Map(math::acosh), Drop),
    def("atanh", Map(math::atanh), Drop),
    def("deg", Map(math::deg), Drop),
    def("rad", Map(math::rad), Drop),
    def("round", Map(math::round), Drop),
    def("clamp", Special(math::clamp), Drop),
    def("clamp_min", Map(math::clamp_min), Drop),
    def("clamp_max", Map(math::clamp_max), Drop),
    def("min_of", Special(math::min_of), Drop),
    def("max_of", Special(math::max_of), Drop),
    // Time and date.
    def("time", Special(special::time), Drop),
    def("timestamp", Special(special::timestamp), Drop),
    def("minute", Special(special::minute), Drop),
    def("hour", Special(special::hour), Drop),
    def("day_of_week", Special(special::day_of_week), Drop),
    def("day_of_month", Special(special::day_of_month), Drop),
    def("day_of_year", Special(special::day_of_year), Drop),
    def("days_in_month", Special(special::days_in_month), Drop),
    def("month", Special(special::month), Drop),
    def("year", Special(special::year), Drop),
    def("pi", Special(special::pi), Drop),
    def("start", Special(special::start), Drop),
    def("end", Special(special::end), Drop),
    def("range", Special(special::range), Drop),
    def("step", Special(special::step), Drop),
    // Shape and labels.
    def("vector", Special(special::vector), Drop),
    def("scalar", Special(special::scalar), Drop),
    def("absent", Special(special::absent), Drop),
    def("sort", Special(special::sort), Keep),
    def("sort_desc", Special(special::sort_desc), Keep),
    def("sort_by_label", Special(special::sort_by_label), Keep),
    def(
        "sort_by_label_desc",
        Special(special::sort_by_label_desc),
        Keep,
    ),
    def("label_replace", Special(labels::label_replace), Keep),
    def("label_join", Special(labels::label_join), Keep),
    // Histograms (classic buckets; native histograms are not supported).
    def(
        "histogram_quantile",
        Special(histogram::histogram_quantile),
        Drop,
    ),
    def(
        "histogram_fraction",
        Special(histogram::histogram_fraction),
        Drop,
    ),
    def(
        "histogram_quantiles",
        Special(histogram::histogram_quantiles),
        Drop,
    ),
    def("histogram_count", Special(histogram::native_only), Drop),
    def("histogram_sum", Special(histogram::native_only), Drop),
    def("histogram_avg", Special(histogram::native_only), Drop),
    def("histogram_stddev", Special(histogram::native_only), Drop),
    def("histogram_stdvar", Special(histogram::native_only), Drop),
];

pub fn lookup(name: &str) -> Option<&'static Def> {
    FUNCTIONS.iter().find(|d| d.name == name)
}

pub fn eval(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let name = call.func.name;
    let compat = ctx.compat();
    if (name == "holt_winters" && compat == Compat::V3)
        || (name == "double_exponential_smoothing" && compat == Compat::V2)
    {
        return Err(format!("unknown function with name {name:?}"));
    }
    let def =
        lookup(name).ok_or_else(|| format!("function {name:?} is not supported by rollsim"))?;
    match def.kind {
        Range(kernel) => eval_range_fn(ctx, grid, call, kernel, def.name_rule),
        Map(kernel) => eval_map_fn(ctx, grid, call, kernel),
        Special(f) => f(ctx, grid, call),
    }
}

/// Evaluates every argument except the one at `skip` as a per-step scalar.
fn scalar_args(ctx: &mut Ctx, grid: Grid, call: &Call, skip: usize) -> EvalResult<Vec<Vec<f64>>> {
    let mut out = Vec::new();
    for (i, a) in call.args.args.iter().enumerate() {
        if i == skip {
            continue;
        }
        match ctx.eval(grid, a)? {
            Node::Scalar(v) => out.push(v),
            _ => {
                return Err(format!(
                    "expected scalar argument {} in call to {}",
                    i + 1,
                    call.func.name
                ));
            }
        }
    }
    Ok(out)
}

fn eval_range_fn(
    ctx: &mut Ctx,
    grid: Grid,
    call: &Call,
    kernel: RangeKernel,
    name_rule: Name,
) -> EvalResult<Node> {
    let ri = call
        .func
        .arg_types
        .iter()
        .position(|t| *t == ValueType::Matrix)
        .unwrap_or(0);
    let scalars = scalar_args(ctx, grid, call, ri)?;
    let arg = ctx.eval_range_arg(grid, &call.args.args[ri])?;
    let compat = ctx.compat();
    let check_counter = arg.from_selector && matches!(call.func.name, "rate" | "increase");
    let check_quantile = call.func.name == "quantile_over_time";
    let mut sargs = vec![0.0; scalars.len()];
    let mut out = Vec::with_capacity(arg.series.len());
    let mut loaded = 0usize;
    let mut checked: Option<(&Arc<str>, Option<&str>)> = None;
    for s in &arg.series {
        let mut values = vec![ABSENT; grid.n];
        let (mut lo, mut hi) = (0, 0);
        for (k, &end) in arg.ends.iter().enumerate() {
            slide(&s.ts, &mut lo, &mut hi, end, arg.range, compat);
            if lo == hi {
                continue;
            }
            loaded += hi - lo;
            for (a, col) in sargs.iter_mut().zip(&scalars) {
                *a = col[k];
            }
            let w = Window {
                ts: &s.ts[lo..hi],
                vs: &s.vs[lo..hi],
                start: end - arg.range,
                end,
                range: arg.range,
                step_t: grid.t(k),
                compat,
            };
            if check_quantile && !(0.0..=1.0).contains(&sargs[0]) {
                ctx.annos.quantile_out_of_range(sargs[0]);
            }
            if let Some(v) = kernel(&w, &sargs) {
                values[k] = canonical(v);
            }
        }
        let mut series = StepSeries {
            labels: s.labels.clone(),
            values,
            drop_name: false,
        };
        if name_rule == Drop {
            ctx.drop_name_of(&mut series, s.store_id);
        }
        if series.has_any() {
            if check_counter && let Some(n) = s.labels.label(METRIC_NAME) {
                // Series of one name share its string: check each name (and type) once.
                let typ = s.labels.get("__type__");
                if !checked.is_some_and(|(c, t)| Arc::ptr_eq(c, &n.value) && t == typ) {
                    ctx.annos.check_counter(&n.value, typ);
                    checked = Some((&n.value, typ));
                }
            }
            out.push(series);
        }
    }
    ctx.samples += loaded;
    if ctx.opts.max_samples > 0 && ctx.samples > ctx.opts.max_samples {
        return Err(
            "query processing would load too many samples into memory in query execution".into(),
        );
    }
    if arg.from_selector && (name_rule != Drop || arg.same_name_labels) {
        // Distinct stored series stay distinct without name labels they all share.
        return Ok(Node::Vector(out));
    }
    let merged = ctx.merge(out, grid)?;
    Ok(Node::Vector(merged))
}

/// Evaluates the instant-vector argument of a function (its first).
pub fn vector_arg(ctx: &mut Ctx, grid: Grid, expr: &Expr) -> EvalResult<Vec<StepSeries>> {
    match ctx.eval(grid, expr)? {
        Node::Vector(v) => Ok(v),
        _ => Err("expected instant vector argument".into()),
    }
}

fn eval_map_fn(ctx: &mut Ctx, grid: Grid, call: &Call, kernel: MapKernel) -> EvalResult<Node> {
    let scalars = scalar_args(ctx, grid, call, 0)?;
    let input = vector_arg(ctx, grid, &call.args.args[0])?;
    let mut sargs = vec![0.0; scalars.len()];
    let mut out = Vec::with_capacity(input.len());
    for mut s in input {
        for (k, v) in s.values.iter_mut().enumerate() {
            if is_absent(*v) {
                continue;
            }
            for (a, col) in sargs.iter_mut().zip(&scalars) {
                *a = col[k];
            }
            *v = canonical(kernel(*v, &sargs));
        }
        ctx.drop_name(&mut s);
        out.push(s);
    }
    ctx.merge(out, grid).map(Node::Vector)
}
