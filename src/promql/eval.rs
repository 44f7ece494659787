//! The evaluator: walks the parsed AST and evaluates each node over all steps at once.
//!
//! `Node` is the per-node value (Scalar per step, String, dense Vector, or a raw Matrix for
//! a top-level range selector). Range-vector arguments of functions are never materialised
//! as a Matrix: `RangeArg` hands the function kernels zero-copy column slices and a window
//! end per step. Aggregations, binary operators and functions live in their own modules.

use std::borrow::Cow;

use promql_parser::parser::{AtModifier, Expr, Offset, SubqueryExpr, VectorSelector};

use super::annotations::Annotations;
use super::selector::{lookback_sample, selected};
use super::series::{ABSENT, Grid, SeriesSet, StepSeries, canonical, is_absent};
use super::value::RangeSeries;
use super::{Compat, EngineOptions};
use crate::model::{Labels, Series, Store};

/// The value of a node over all steps of its grid.
#[derive(Debug, Clone)]
pub enum Node {
    Scalar(Vec<f64>),
    String(String),
    Vector(Vec<StepSeries>),
    /// Only for a range selector or subquery evaluated at one instant (an instant query of
    /// `x[5m]`); points carry their own timestamps.
    Matrix(Vec<RangeSeries>),
}

/// Shared evaluation state: store, options, query bounds (for `@ start()`/`@ end()`),
/// collected annotations.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub opts: &'a EngineOptions,
    pub query_start: i64,
    pub query_end: i64,
    /// The query's step (0 for an instant query), for `step()`.
    pub query_step: i64,
    pub annos: Annotations,
    /// Samples loaded so far, checked against `opts.max_samples`.
    pub samples: usize,
}

pub type EvalResult<T> = Result<T, String>;

/// One input series of a range-vector argument: labels plus its sorted samples.
pub struct RangeInput<'a> {
    pub labels: Labels,
    /// The store series it is, for a plain selector's input.
    pub store_id: Option<u32>,
    pub ts: Cow<'a, [i64]>,
    pub vs: Cow<'a, [f64]>,
}

/// A range-vector argument: its series, window length, and the window end at each step.
pub struct RangeArg<'a> {
    pub series: Vec<RangeInput<'a>>,
    pub range: i64,
    pub ends: Vec<i64>,
    /// Set when the argument is a plain selector (counter-name checks apply).
    pub from_selector: bool,
    /// A plain selector's series all carry the same name labels: distinct after dropping
    /// them, so a range function's results need no merge.
    pub same_name_labels: bool,
}

impl<'a> Ctx<'a> {
    pub fn compat(&self) -> Compat {
        self.opts.compat
    }

    pub fn eval(&mut self, grid: Grid, expr: &Expr) -> EvalResult<Node> {
        match expr {
            Expr::NumberLiteral(n) => Ok(Node::Scalar(vec![n.val; grid.n])),
            Expr::StringLiteral(s) => Ok(Node::String(s.val.clone())),
            Expr::Paren(p) => self.eval(grid, &p.expr),
            Expr::Unary(u) => self.eval_unary(grid, &u.expr),
            Expr::VectorSelector(vs) => self.eval_vector_selector(grid, vs).map(Node::Vector),
            Expr::MatrixSelector(_) | Expr::Subquery(_) => self.eval_matrix_value(grid, expr),
            Expr::Aggregate(a) => super::aggregate::eval(self, grid, a),
            Expr::Binary(b) => super::binary::eval(self, grid, b),
            Expr::Call(c) => super::functions::eval(self, grid, c),
            Expr::Extension(_) => Err("unsupported expression extension".into()),
        }
    }

    fn eval_unary(&mut self, grid: Grid, inner: &Expr) -> EvalResult<Node> {
        match self.eval(grid, inner)? {
            Node::Scalar(mut v) => {
                v.iter_mut().for_each(|x| *x = -*x);
                Ok(Node::Scalar(v))
            }
            Node::Vector(mut vs) => {
                for s in &mut vs {
                    for x in &mut s.values {
                        if !is_absent(*x) {
                            *x = canonical(-*x);
                        }
                    }
                    self.drop_name(s);
                }
                self.merge(vs, grid).map(Node::Vector)
            }
            _ => Err(
                "unary expression only allowed on expressions of type scalar or instant vector"
                    .into(),
            ),
        }
    }

    /// Drops the metric name now, or marks it for later with delayed name removal.
    pub fn drop_name(&self, s: &mut StepSeries) {
        if self.opts.delayed_name_removal {
            s.drop_name = true;
        } else {
            s.labels = self.compat().strip_name(&s.labels);
        }
    }

    /// Drops the name of a function's result over store series `id` (`drop_name`), with the
    /// stripped labels remembered by the store.
    pub fn drop_name_of(&self, s: &mut StepSeries, id: Option<u32>) {
        match id {
            Some(id) if !self.opts.delayed_name_removal => {
                let compat = self.compat();
                s.labels = self
                    .store
                    .derived_labels(id, compat as usize, |l| compat.strip_name_now(l));
            }
            _ => self.drop_name(s),
        }
    }

    /// Merges series that share a label set (after name dropping).
    pub fn merge(&self, vs: Vec<StepSeries>, grid: Grid) -> EvalResult<Vec<StepSeries>> {
        super::series::merge_by_labels(vs, grid.n)
    }

    /// The evaluation time of a selector or subquery at each step: `@` pins it, `offset`
    /// shifts it back.
    pub fn eval_times(
        &self,
        grid: Grid,
        at: &Option<AtModifier>,
        offset: &Option<Offset>,
    ) -> Vec<i64> {
        let off = offset_ms(offset);
        match at_ms(at, self.query_start, self.query_end) {
            Some(t) => vec![t - off; grid.n],
            None => (0..grid.n).map(|k| grid.t(k) - off).collect(),
        }
    }

    fn count_samples(&mut self, n: usize) -> EvalResult<()> {
        self.samples += n;
        if self.opts.max_samples > 0 && self.samples > self.opts.max_samples {
            return Err(
                "query processing would load too many samples into memory in query execution"
                    .into(),
            );
        }
        Ok(())
    }

    pub fn eval_vector_selector(
        &mut self,
        grid: Grid,
        vs: &VectorSelector,
    ) -> EvalResult<Vec<StepSeries>> {
        self.select_instant(grid, vs, |s, i| canonical(s.values[i]))
    }

    /// Timestamps of the samples an instant selector picks at each step (for `timestamp()`).
    pub fn vector_selector_timestamps(
        &mut self,
        grid: Grid,
        vs: &VectorSelector,
    ) -> EvalResult<Vec<StepSeries>> {
        self.select_instant(grid, vs, |s, i| s.timestamps[i] as f64 / 1000.0)
    }

    /// Applies an instant selector at every step; `pick` turns the chosen sample (series and
    /// index) into the step's value.
    fn select_instant(
        &mut self,
        grid: Grid,
        vs: &VectorSelector,
        pick: impl Fn(&Series, usize) -> f64,
    ) -> EvalResult<Vec<StepSeries>> {
        let ids = &selected(self.store, vs, self.compat())?.ids;
        let times = self.eval_times(grid, &vs.at, &vs.offset);
        let lookback = self.opts.lookback_delta.millis();
        let mut out = Vec::with_capacity(ids.len());
        let mut loaded = 0;
        for &id in ids.iter() {
            let s = &self.store.series()[id as usize];
            let mut values = vec![ABSENT; grid.n];
            for (k, &t) in times.iter().enumerate() {
                if let Some(i) = lookback_sample(s, t, lookback, self.compat()) {
                    values[k] = pick(s, i);
                    loaded += 1;
                }
            }
            out.push(StepSeries {
                labels: s.labels.clone(),
                values,
                drop_name: false,
            });
        }
        self.count_samples(loaded)?;
        Ok(out)
    }

    /// Evaluates a range-vector expression (selector or subquery) for function arguments.
    pub fn eval_range_arg(&mut self, grid: Grid, expr: &Expr) -> EvalResult<RangeArg<'a>> {
        match expr {
            Expr::Paren(p) => self.eval_range_arg(grid, &p.expr),
            Expr::MatrixSelector(ms) => {
                let vs = &ms.vs;
                let selected = selected(self.store, vs, self.compat())?;
                let store: &'a Store = self.store;
                let series = selected
                    .ids
                    .iter()
                    .map(|&id| {
                        let s = &store.series()[id as usize];
                        RangeInput {
                            labels: s.labels.clone(),
                            store_id: Some(id),
                            ts: Cow::Borrowed(&s.timestamps[..]),
                            vs: Cow::Borrowed(&s.values[..]),
                        }
                    })
                    .collect();
                Ok(RangeArg {
                    series,
                    range: ms.range.as_millis() as i64,
                    ends: self.eval_times(grid, &vs.at, &vs.offset),
                    from_selector: true,
                    same_name_labels: selected.same_name_labels,
                })
            }
            Expr::Subquery(sq) => self.eval_subquery(grid, sq),
            _ => Err("expected type range vector in call to function".into()),
        }
    }

    fn eval_subquery(&mut self, grid: Grid, sq: &SubqueryExpr) -> EvalResult<RangeArg<'a>> {
        let ends = self.eval_times(grid, &sq.at, &sq.offset);
        let range = sq.range.as_millis() as i64;
        let step = sq
            .step
            .map(|d| d.as_millis() as i64)
            .filter(|&s| s > 0)
            .unwrap_or(60_000);
        let first_end = ends.iter().copied().min().unwrap_or(0);
        let last_end = ends.iter().copied().max().unwrap_or(0);
        let lower = first_end - range;
        // Go integer division truncates toward zero, as Prometheus's alignment does.
        let mut start = step * (lower / step);
        let past_lower = match self.compat() {
            Compat::V3 => start <= lower,
            Compat::V2 => start < lower,
        };
        if past_lower {
            start += step;
        }
        let inner_grid = Grid::new(start, last_end, step);
        let compat = self.compat();
        let series = match self.eval(inner_grid, &sq.expr)? {
            Node::Vector(vs) => vs
                .into_iter()
                .filter_map(|s| {
                    let (ts, vs): (Vec<i64>, Vec<f64>) = s
                        .values
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| !is_absent(**v))
                        .map(|(k, v)| (inner_grid.t(k), *v))
                        .unzip();
                    if ts.is_empty() {
                        return None;
                    }
                    let labels = if s.drop_name {
                        compat.strip_name(&s.labels)
                    } else {
                        s.labels
                    };
                    Some(RangeInput {
                        labels,
                        store_id: None,
                        ts: Cow::Owned(ts),
                        vs: Cow::Owned(vs),
                    })
                })
                .collect(),
            Node::Scalar(v) => {
                let (ts, vs): (Vec<i64>, Vec<f64>) = v
                    .iter()
                    .enumerate()
                    .map(|(k, v)| (inner_grid.t(k), *v))
                    .unzip();
                vec![RangeInput {
                    labels: Labels::empty(),
                    store_id: None,
                    ts: Cow::Owned(ts),
                    vs: Cow::Owned(vs),
                }]
            }
            _ => return Err("subquery is only allowed on instant vector".into()),
        };
        Ok(RangeArg {
            series,
            range,
            ends,
            from_selector: false,
            same_name_labels: false,
        })
    }

    /// A range selector or subquery as a query's own value (instant queries only).
    fn eval_matrix_value(&mut self, grid: Grid, expr: &Expr) -> EvalResult<Node> {
        if grid.n != 1 {
            return Err(
                "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector".into(),
            );
        }
        let arg = self.eval_range_arg(grid, expr)?;
        let end = arg.ends[0];
        let mut out = Vec::new();
        for s in &arg.series {
            let (lo, hi) = super::selector::window(&s.ts, end, arg.range, self.compat());
            if lo < hi {
                out.push(RangeSeries {
                    labels: s.labels.clone(),
                    points: s.ts[lo..hi]
                        .iter()
                        .copied()
                        .zip(s.vs[lo..hi].iter().copied())
                        .collect(),
                });
            }
        }
        self.count_samples(out.iter().map(|s| s.points.len()).sum())?;
        Ok(Node::Matrix(out))
    }
}

pub fn offset_ms(offset: &Option<Offset>) -> i64 {
    match offset {
        Some(Offset::Pos(d)) => d.as_millis() as i64,
        Some(Offset::Neg(d)) => -(d.as_millis() as i64),
        None => 0,
    }
}

/// The fixed time of an `@` modifier, if any (`start()`/`end()` are the query's bounds).
pub fn at_ms(at: &Option<AtModifier>, start: i64, end: i64) -> Option<i64> {
    match at {
        None => None,
        Some(AtModifier::Start) => Some(start),
        Some(AtModifier::End) => Some(end),
        Some(AtModifier::At(t)) => Some(match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i64,
            Err(e) => -(e.duration().as_millis() as i64),
        }),
    }
}

/// Builds a SeriesSet-backed output for `n` steps.
pub fn new_set(grid: Grid) -> SeriesSet {
    SeriesSet::new(grid.n)
}
