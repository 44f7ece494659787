//! Condition helpers: parse a metric's conditions, the result type its query yields, and
//! AST questions rules ask (`result[0]` reads, empty-result guards, thresholds).
//!
//! Depends on `analysis::condition` and `support::{query, sites}`.

use super::sites::{Field, Site};
use crate::analysis::condition::{
    self, BinaryOp, ConditionError, Expr, ExprKind, Program, ResultType, Span,
};

/// One parsed condition of a metric.
pub struct Cond {
    /// `successCondition` or `failureCondition`.
    pub kind: &'static str,
    pub field: Field,
    pub program: Result<Program, ConditionError>,
}

/// The metric's non-empty conditions, parsed.
pub fn conds(site: &Site) -> Vec<Cond> {
    site.conditions()
        .into_iter()
        .map(|(kind, field)| {
            let program = condition::parse(&field.text);
            Cond {
                kind,
                field,
                program,
            }
        })
        .collect()
}

/// What `result` is for a Prometheus metric: a float for a scalar-valued query, else a list.
/// `None` for other providers, whose results can be any JSON value.
pub fn result_type(site: &Site) -> Option<ResultType> {
    let q = site.query()?;
    match super::query::parse(&q.text) {
        Ok(p) if p.is_scalar() => Some(ResultType::Scalar),
        _ => Some(ResultType::List),
    }
}

/// Every node, pre-order.
pub fn nodes(e: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(n) = stack.pop() {
        out.push(n);
        stack.extend(n.children().into_iter().rev());
    }
    out
}

pub fn is_result(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Ident(n) if n == "result")
}

/// Spans of `result[N]` reads.
pub fn result_indexes(e: &Expr) -> Vec<Span> {
    nodes(e)
        .into_iter()
        .filter(|n| matches!(&n.kind, ExprKind::Index { base, index } if is_result(base) && matches!(index.kind, ExprKind::Int(_) | ExprKind::Unary { .. })))
        .map(|n| n.span)
        .collect()
}

/// Whether the condition checks for an empty or nil result: `len(result)`, `result == nil`,
/// `isNil(result)` or `result != nil`.
pub fn guards_empty(e: &Expr) -> bool {
    nodes(e).into_iter().any(|n| match &n.kind {
        ExprKind::Call { name, args } => {
            matches!(name.as_str(), "len" | "isNil" | "count")
                && args.first().is_some_and(is_result)
        }
        ExprKind::Binary {
            op: BinaryOp::Eq | BinaryOp::Ne,
            left,
            right,
        } => {
            (is_result(left) && right.kind == ExprKind::Nil)
                || (is_result(right) && left.kind == ExprKind::Nil)
        }
        _ => false,
    })
}

/// A numeric literal's value (with unary minus).
pub fn number(e: &Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Int(i) => Some(*i as f64),
        ExprKind::Float(f) => Some(*f),
        ExprKind::Unary { expr, .. } => number(expr).map(|v| -v),
        _ => None,
    }
}

/// Comparisons of something with a numeric literal: (whole comparison, the other side, value).
pub fn thresholds(e: &Expr) -> Vec<(&Expr, &Expr, f64)> {
    nodes(e)
        .into_iter()
        .filter_map(|n| match &n.kind {
            ExprKind::Binary { op, left, right } if op.is_comparison() => {
                match (number(left), number(right)) {
                    (None, Some(v)) => Some((n, &**left, v)),
                    (Some(v), None) => Some((n, &**right, v)),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

/// Whether `e` reads the result (`result`, `result[0]`, `len(result)`...).
pub fn reads_result(e: &Expr) -> bool {
    nodes(e).into_iter().any(is_result)
}

/// A vector result compared directly with a number (`result > 0.9`): the comparison's span.
pub fn vector_compared(e: &Expr) -> Option<Span> {
    thresholds(e)
        .into_iter()
        .find(|(_, other, _)| is_result(other))
        .map(|(n, _, _)| n.span)
}

/// The phase of a measurement with `result`, given rendered condition texts.
pub fn phase_of(
    success: &str,
    failure: &str,
    result: Option<&crate::analysis::ResultValue>,
) -> crate::analysis::Phase {
    condition::measurement_phase(success, failure, result).0
}

/// (successCondition, failureCondition) texts of a metric, rendered ("" when unset).
pub fn texts(site: &Site) -> (String, String) {
    let mut s = String::new();
    let mut f = String::new();
    for (kind, field) in site.conditions() {
        if kind == "successCondition" {
            s = field.text;
        } else {
            f = field.text;
        }
    }
    (s, f)
}
