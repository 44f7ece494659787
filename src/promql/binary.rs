//! Binary operators: arithmetic, comparison (filtering or `bool`), `atan2`, and the set
//! operators `and or unless`, with `on`/`ignoring` and `group_left`/`group_right`.
//!
//! Mirrors Prometheus's `VectorBinop`/`VectorAnd`/...: match signatures are computed once
//! per series; each step builds a table from signature id to the "one" side, and errors
//! are the same texts Prometheus gives for duplicate or ambiguous matches.

use rustc_hash::FxHashMap as HashMap;

use promql_parser::parser::token::*;
use promql_parser::parser::{BinModifier, BinaryExpr, LabelModifier, VectorMatchCardinality};

use super::Compat;
use super::eval::{Ctx, EvalResult, Node, new_set};
use super::series::{ABSENT, Grid, SeriesSet, StepSeries, canonical, is_absent};
use crate::model::{Labels, METRIC_NAME};

pub fn eval(ctx: &mut Ctx, grid: Grid, b: &BinaryExpr) -> EvalResult<Node> {
    let op = b.op.id();
    let lhs = ctx.eval(grid, &b.lhs)?;
    let rhs = ctx.eval(grid, &b.rhs)?;
    let return_bool = b.modifier.as_ref().is_some_and(|m| m.return_bool);
    let compat = ctx.compat();
    match (lhs, rhs) {
        (Node::Scalar(l), Node::Scalar(r)) => {
            let v = l
                .iter()
                .zip(&r)
                .map(|(&a, &b)| scalar_op(op, a, b, compat))
                .collect();
            Ok(Node::Scalar(v))
        }
        (Node::Vector(v), Node::Scalar(s)) => {
            vector_scalar(ctx, grid, op, v, &s, false, return_bool).map(Node::Vector)
        }
        (Node::Scalar(s), Node::Vector(v)) => {
            vector_scalar(ctx, grid, op, v, &s, true, return_bool).map(Node::Vector)
        }
        (Node::Vector(l), Node::Vector(r)) => {
            let default = BinModifier {
                card: if is_set_op(op) {
                    VectorMatchCardinality::ManyToMany
                } else {
                    VectorMatchCardinality::OneToOne
                },
                matching: None,
                return_bool: false,
                fill_values: Default::default(),
            };
            let m = b.modifier.as_ref().unwrap_or(&default);
            match op {
                T_LAND | T_LOR | T_LUNLESS => set_op(grid, op, l, r, &m.matching).map(Node::Vector),
                _ => vector_vector(ctx, grid, op, l, r, m).map(Node::Vector),
            }
        }
        _ => Err("binary expression must contain only scalar and instant vector types".into()),
    }
}

fn is_set_op(op: u16) -> bool {
    matches!(op, T_LAND | T_LOR | T_LUNLESS)
}

fn is_comparison(op: u16) -> bool {
    matches!(op, T_EQLC | T_NEQ | T_GTR | T_LSS | T_GTE | T_LTE)
}

/// Arithmetic (and `atan2`) drops the metric name; 2.x kept it for `atan2`.
fn drops_name(op: u16, compat: Compat) -> bool {
    match op {
        T_ADD | T_SUB | T_MUL | T_DIV | T_MOD | T_POW => true,
        T_ATAN2 => compat == Compat::V3,
        _ => false,
    }
}

/// Scalar-scalar arithmetic; comparisons (which the parser only allows with `bool`) give 0/1.
fn scalar_op(op: u16, a: f64, b: f64, compat: Compat) -> f64 {
    match elem_op(op, a, b, compat) {
        (v, _) if !is_comparison(op) => v,
        (_, keep) => {
            if keep {
                1.0
            } else {
                0.0
            }
        }
    }
}

/// Applies `op` to two floats: (value, keep). Comparisons return the lhs value and whether
/// the comparison holds, as Prometheus's `vectorElemBinop`.
pub fn elem_op(op: u16, l: f64, r: f64, _compat: Compat) -> (f64, bool) {
    match op {
        T_ADD => (l + r, true),
        T_SUB => (l - r, true),
        T_MUL => (l * r, true),
        T_DIV => (l / r, true),
        T_POW => (go_pow(l, r), true),
        T_MOD => (l % r, true),
        T_ATAN2 => (l.atan2(r), true),
        T_EQLC => (l, l == r),
        T_NEQ => (l, l != r),
        T_GTR => (l, l > r),
        T_LSS => (l, l < r),
        T_GTE => (l, l >= r),
        T_LTE => (l, l <= r),
        _ => (f64::NAN, false),
    }
}

/// Go's `math.Pow` special cases match C's `pow`, which Rust's `powf` follows.
fn go_pow(l: f64, r: f64) -> f64 {
    l.powf(r)
}

fn vector_scalar(
    ctx: &Ctx,
    grid: Grid,
    op: u16,
    v: Vec<StepSeries>,
    s: &[f64],
    scalar_lhs: bool,
    return_bool: bool,
) -> EvalResult<Vec<StepSeries>> {
    let compat = ctx.compat();
    let cmp = is_comparison(op);
    let mut out = Vec::with_capacity(v.len());
    for mut series in v {
        for (k, x) in series.values.iter_mut().enumerate() {
            if is_absent(*x) {
                continue;
            }
            let (l, r) = if scalar_lhs { (s[k], *x) } else { (*x, s[k]) };
            let (mut val, keep) = elem_op(op, l, r, compat);
            if cmp && scalar_lhs {
                val = r; // the vector element's value is kept whichever side it is on
            }
            *x = if return_bool {
                if keep { 1.0 } else { 0.0 }
            } else if keep {
                canonical(val)
            } else {
                ABSENT
            };
        }
        if return_bool || drops_name(op, compat) {
            ctx.drop_name(&mut series);
        }
        if series.has_any() {
            out.push(series);
        }
    }
    ctx.merge(out, grid)
}

/// The labels a series is matched on: `on(...)` keeps the listed labels; otherwise all labels
/// except the `ignoring(...)` ones and the metric name.
/// Mirrors Prometheus's `signatureFunc`: only `__name__` is implicitly ignored (type and unit
/// labels take part in matching).
pub fn signature(labels: &Labels, matching: &Option<LabelModifier>) -> Labels {
    let mut b = labels.builder();
    match matching {
        Some(LabelModifier::Include(on)) => b.retain(|n| on.labels.iter().any(|l| l == n)),
        Some(LabelModifier::Exclude(ign)) => {
            b.retain(|n| n != METRIC_NAME && !ign.labels.iter().any(|l| l == n))
        }
        None => b.retain(|n| n != METRIC_NAME),
    };
    b.build()
}

/// Signature ids for both sides from one interner.
fn signatures(
    l: &[StepSeries],
    r: &[StepSeries],
    matching: &Option<LabelModifier>,
) -> (Vec<usize>, Vec<usize>, Vec<Labels>) {
    let mut ids: HashMap<Labels, usize> = HashMap::default();
    let mut sigs = Vec::new();
    let mut id = |s: &StepSeries| {
        let sig = signature(&s.labels, matching);
        *ids.entry(sig.clone()).or_insert_with(|| {
            sigs.push(sig);
            sigs.len() - 1
        })
    };
    let li = l.iter().map(&mut id).collect();
    let ri = r.iter().map(&mut id).collect();
    (li, ri, sigs)
}

fn set_op(
    grid: Grid,
    op: u16,
    l: Vec<StepSeries>,
    r: Vec<StepSeries>,
    matching: &Option<LabelModifier>,
) -> EvalResult<Vec<StepSeries>> {
    let (sl, sr, sigs) = signatures(&l, &r, matching);
    let mut seen = vec![usize::MAX; sigs.len()]; // step stamp per signature
    let mut out = new_set(grid);
    let lslots: Vec<usize> = l
        .iter()
        .map(|s| out.slot(s.labels.clone(), s.drop_name))
        .collect();
    let rslots: Vec<usize> = if op == T_LOR {
        r.iter()
            .map(|s| out.slot(s.labels.clone(), s.drop_name))
            .collect()
    } else {
        Vec::new()
    };
    for k in 0..grid.n {
        let (filter, other) = if op == T_LOR { (&l, &sl) } else { (&r, &sr) };
        for (s, &g) in filter.iter().zip(other.iter()) {
            if !is_absent(s.values[k]) {
                seen[g] = k;
            }
        }
        for (i, s) in l.iter().enumerate() {
            let v = s.values[k];
            if is_absent(v) {
                continue;
            }
            let matched = seen[sl[i]] == k;
            let emit = match op {
                T_LAND => matched,
                T_LUNLESS => !matched,
                _ => true,
            };
            if emit {
                out.set(lslots[i], k, v)?;
            }
        }
        if op == T_LOR {
            for (j, s) in r.iter().enumerate() {
                let v = s.values[k];
                if !is_absent(v) && seen[sr[j]] != k {
                    out.set(rslots[j], k, v)?;
                }
            }
        }
    }
    Ok(finish_set(out))
}

fn finish_set(out: SeriesSet) -> Vec<StepSeries> {
    let mut v = out.finish();
    v.retain(StepSeries::has_any);
    v
}

/// Labels as Prometheus's `labels.String()` prints them: all labels in braces.
fn go_labels(l: &Labels) -> String {
    let inner: Vec<String> = l
        .iter()
        .map(|x| {
            let mut s = format!("{}=", x.name);
            let _ = crate::model::labels::write_go_quoted(&mut s, &x.value);
            s
        })
        .collect();
    format!("{{{}}}", inner.join(", "))
}

fn vector_vector(
    ctx: &Ctx,
    grid: Grid,
    op: u16,
    l: Vec<StepSeries>,
    r: Vec<StepSeries>,
    m: &BinModifier,
) -> EvalResult<Vec<StepSeries>> {
    let compat = ctx.compat();
    let one_to_many = matches!(m.card, VectorMatchCardinality::OneToMany(_));
    let one_to_one = matches!(m.card, VectorMatchCardinality::OneToOne);
    // `many` is the side whose labels the result keeps; `one` is matched into it.
    let (many, one) = if one_to_many { (r, l) } else { (l, r) };
    let (s_many, s_one, sigs) = signatures(&many, &one, &m.matching);
    let include: Vec<String> = m
        .card
        .labels()
        .map(|ls| ls.labels.clone())
        .unwrap_or_default();
    let drop = drops_name(op, compat) || m.return_bool;
    let mut one_at = vec![(usize::MAX, 0usize); sigs.len()]; // (step, index into `one`)
    let mut matched_at = vec![usize::MAX; sigs.len()];
    let mut out = new_set(grid);
    let mut pair_slot: HashMap<(usize, usize), usize> = HashMap::default();
    let mut inserted: HashMap<(usize, usize), usize> = HashMap::default(); // (sig, slot) -> step
    for k in 0..grid.n {
        for (j, s) in one.iter().enumerate() {
            if is_absent(s.values[k]) {
                continue;
            }
            let g = s_one[j];
            if one_at[g].0 == k {
                let side = if one_to_many { "left" } else { "right" };
                return Err(format!(
                    "found duplicate series for the match group {} on the {side} hand-side of the operation: [{}, {}];many-to-many matching not allowed: matching labels must be unique on one side",
                    go_labels(&sigs[g]),
                    go_labels(&s.labels),
                    go_labels(&one[one_at[g].1].labels)
                ));
            }
            one_at[g] = (k, j);
        }
        for (i, s) in many.iter().enumerate() {
            let v = s.values[k];
            let g = s_many[i];
            if is_absent(v) || one_at[g].0 != k {
                continue;
            }
            let j = one_at[g].1;
            if one_to_one {
                if matched_at[g] == k {
                    return Err("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)".into());
                }
                matched_at[g] = k;
            }
            let (fl, fr) = if one_to_many {
                (one[j].values[k], v)
            } else {
                (v, one[j].values[k])
            };
            let (mut val, keep) = elem_op(op, fl, fr, compat);
            if m.return_bool {
                val = if keep { 1.0 } else { 0.0 };
            } else if !keep {
                continue;
            }
            let slot = *pair_slot.entry((i, j)).or_insert_with(|| {
                let labels = result_labels(
                    &s.labels,
                    &one[j].labels,
                    (drop && !ctx.opts.delayed_name_removal).then_some(compat),
                    m,
                    one_to_one,
                    &include,
                );
                out.slot(labels, drop && ctx.opts.delayed_name_removal || s.drop_name)
            });
            if !one_to_one {
                if inserted.get(&(g, slot)) == Some(&k) {
                    return Err(
                        "multiple matches for labels: grouping labels must ensure unique matches"
                            .into(),
                    );
                }
                inserted.insert((g, slot), k);
            }
            out.set(slot, k, val)?;
        }
    }
    Ok(finish_set(out))
}

/// Prometheus's `resultMetric`: the many side's labels, name dropped for arithmetic, reduced
/// to the `on` labels (or without the `ignoring` ones) for one-to-one matching, plus the
/// `group_x` labels copied from the one side.
fn result_labels(
    many: &Labels,
    one: &Labels,
    drop_name: Option<Compat>,
    m: &BinModifier,
    one_to_one: bool,
    include: &[String],
) -> Labels {
    let mut b = many.builder();
    if let Some(compat) = drop_name {
        b.retain(|n| !compat.is_name_label(n));
    }
    if one_to_one {
        match &m.matching {
            Some(LabelModifier::Include(on)) => {
                b.retain(|n| on.labels.iter().any(|l| l == n));
            }
            Some(LabelModifier::Exclude(ign)) => {
                b.retain(|n| !ign.labels.iter().any(|l| l == n));
            }
            None => {}
        }
    }
    for name in include {
        match one.get(name) {
            Some(v) => b.set_str(name, v),
            None => b.remove(name),
        };
    }
    b.build()
}
