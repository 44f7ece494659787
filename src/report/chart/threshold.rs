//! The thresholds a chart can draw: a `successCondition`/`failureCondition` reduced to
//! comparisons of `result[0]` (or `result` for a scalar, or every/any series) with constants.
//!
//! `result[0] >= 0.99`, `0.99 <= result[0]`, `result[0] < 500`, `len(result) > 0 &&
//! result[0] >= 0.99` (the length guard is left out: it only decides empty results, which
//! have no value to plot), `result[0] > 1 && result[0] < 5` (a band), `result[0] < 1 ||
//! result[0] > 5`, `all(result, {# >= 0.99})`. Anything else is "too complex to draw".
//! Depends on `analysis::condition` (its AST) only.

use crate::analysis::condition::{self, BinaryOp, Expr, ExprKind, UnaryOp};

/// A comparison operator, `result[0] <op> value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    pub fn as_str(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
        }
    }

    /// The operator with its operands swapped (`1 < x` is `x > 1`).
    fn flipped(self) -> Cmp {
        match self {
            Cmp::Lt => Cmp::Gt,
            Cmp::Le => Cmp::Ge,
            Cmp::Gt => Cmp::Lt,
            Cmp::Ge => Cmp::Le,
            other => other,
        }
    }

    fn of(op: BinaryOp) -> Option<Cmp> {
        Some(match op {
            BinaryOp::Lt => Cmp::Lt,
            BinaryOp::Le => Cmp::Le,
            BinaryOp::Gt => Cmp::Gt,
            BinaryOp::Ge => Cmp::Ge,
            BinaryOp::Eq => Cmp::Eq,
            BinaryOp::Ne => Cmp::Ne,
            _ => return None,
        })
    }
}

/// One comparison of the value with a constant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub cmp: Cmp,
    pub value: f64,
}

impl Bound {
    pub fn holds(&self, v: f64) -> bool {
        match self.cmp {
            Cmp::Lt => v < self.value,
            Cmp::Le => v <= self.value,
            Cmp::Gt => v > self.value,
            Cmp::Ge => v >= self.value,
            Cmp::Eq => v == self.value,
            Cmp::Ne => v != self.value,
        }
    }
}

/// How the bounds combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// `&&`: every bound holds (a band when two face each other).
    All,
    /// `||`: some bound holds.
    Any,
}

/// Which values the bounds apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `result[0]` (or a scalar `result`): what the chart's main line shows.
    First,
    /// `all(result, ...)`: every series.
    EverySeries,
    /// `any(result, ...)`: at least one series.
    AnySeries,
}

/// A condition the chart can draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub bounds: Vec<Bound>,
    pub join: Join,
    pub scope: Scope,
}

impl Threshold {
    /// Whether the condition holds for the value `v`.
    pub fn holds(&self, v: f64) -> bool {
        match self.join {
            Join::All => self.bounds.iter().all(|b| b.holds(v)),
            Join::Any => self.bounds.iter().any(|b| b.holds(v)),
        }
    }

    /// The value intervals within `[lo, hi]` where the condition holds (for shading).
    pub fn regions(&self, lo: f64, hi: f64) -> Vec<(f64, f64)> {
        let mut cuts: Vec<f64> = self
            .bounds
            .iter()
            .map(|b| b.value)
            .filter(|v| *v > lo && *v < hi)
            .collect();
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        let mut edges = vec![lo];
        edges.extend(cuts);
        edges.push(hi);
        let mut out: Vec<(f64, f64)> = Vec::new();
        for w in edges.windows(2) {
            let (a, b) = (w[0], w[1]);
            if b <= a || !self.holds((a + b) / 2.0) {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.1 == a => last.1 = b,
                _ => out.push((a, b)),
            }
        }
        out
    }

    /// `>= 0.99`, `> 1 and < 5`, `every series >= 0.99`.
    pub fn describe(&self) -> String {
        let join = match self.join {
            Join::All => " and ",
            Join::Any => " or ",
        };
        let parts: Vec<String> = self
            .bounds
            .iter()
            .map(|b| format!("{} {}", b.cmp.as_str(), number(b.value)))
            .collect();
        let prefix = match self.scope {
            Scope::First => "",
            Scope::EverySeries => "every series ",
            Scope::AnySeries => "some series ",
        };
        format!("{prefix}{}", parts.join(join))
    }
}

/// A number as a person writes it: `0.99`, `500`, `1e-06`.
pub fn number(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// Why a condition cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotDrawable {
    /// The condition does not parse (the measurement is then an Error).
    Syntax(String),
    /// Not made of simple comparisons with constants.
    TooComplex,
}

/// What a part of a condition means for the chart.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    /// A guard on the result's length or NaN-ness: no drawable value.
    Guard,
    Bounds(Threshold),
}

/// The threshold of a condition, or why it cannot be drawn.
pub fn extract(src: &str) -> Result<Threshold, NotDrawable> {
    let program = condition::parse(src).map_err(|e| NotDrawable::Syntax(e.message))?;
    match piece(&program.ast) {
        Some(Piece::Bounds(t)) => Ok(t),
        _ => Err(NotDrawable::TooComplex),
    }
}

fn piece(e: &Expr) -> Option<Piece> {
    match &e.kind {
        ExprKind::Binary { op, left, right } => match op {
            BinaryOp::And(_) => join(piece(left)?, piece(right)?, Join::All),
            BinaryOp::Or(_) => join(piece(left)?, piece(right)?, Join::Any),
            op => comparison(Cmp::of(*op)?, left, right),
        },
        ExprKind::Unary {
            op: UnaryOp::Not | UnaryOp::Bang,
            expr,
        } if is_nan_check(expr) => Some(Piece::Guard),
        ExprKind::Call { name, args } if name == "all" || name == "any" => {
            series_predicate(name, args)
        }
        _ => None,
    }
}

/// Combines two pieces with `&&` or `||`; a guard on either side is left out.
fn join(a: Piece, b: Piece, how: Join) -> Option<Piece> {
    match (a, b) {
        (Piece::Guard, Piece::Guard) => Some(Piece::Guard),
        (Piece::Guard, p) | (p, Piece::Guard) => Some(p),
        (Piece::Bounds(x), Piece::Bounds(y)) => {
            let single = |t: &Threshold| t.bounds.len() == 1 || t.join == how;
            if x.scope != y.scope || !single(&x) || !single(&y) {
                return None;
            }
            let mut bounds = x.bounds;
            bounds.extend(y.bounds);
            Some(Piece::Bounds(Threshold {
                bounds,
                join: how,
                scope: x.scope,
            }))
        }
    }
}

/// `result[0] >= 0.99`, `0.99 <= result`, `len(result) > 0`, `# >= 1` (inside all/any).
fn comparison(cmp: Cmp, left: &Expr, right: &Expr) -> Option<Piece> {
    let (subject, cmp, value) = match (constant(left), constant(right)) {
        (None, Some(v)) => (left, cmp, v),
        (Some(v), None) => (right, cmp.flipped(), v),
        _ => return None,
    };
    if is_len_of_result(subject) {
        return Some(Piece::Guard);
    }
    if !is_first_value(subject) && !matches!(subject.kind, ExprKind::Pointer) {
        return None;
    }
    Some(Piece::Bounds(Threshold {
        bounds: vec![Bound { cmp, value }],
        join: Join::All,
        scope: Scope::First,
    }))
}

/// `all(result, {# >= 0.99})` / `any(result, # > 5)`.
fn series_predicate(name: &str, args: &[Expr]) -> Option<Piece> {
    let [base, body] = args else { return None };
    if !is_ident(base, "result") {
        return None;
    }
    let body = match &body.kind {
        ExprKind::Closure(inner) => inner,
        _ => body,
    };
    let Piece::Bounds(mut t) = piece(body)? else {
        return None;
    };
    t.scope = if name == "all" {
        Scope::EverySeries
    } else {
        Scope::AnySeries
    };
    Some(Piece::Bounds(t))
}

/// A constant number: a literal, a negated one, or arithmetic on them (`99.0 / 100`).
fn constant(e: &Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Int(i) => Some(*i as f64),
        ExprKind::Float(f) => Some(*f),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            expr,
        } => constant(expr).map(|v| -v),
        ExprKind::Unary {
            op: UnaryOp::Plus,
            expr,
        } => constant(expr),
        ExprKind::Binary { op, left, right } => {
            let (a, b) = (constant(left)?, constant(right)?);
            match op {
                BinaryOp::Add => Some(a + b),
                BinaryOp::Sub => Some(a - b),
                BinaryOp::Mul => Some(a * b),
                BinaryOp::Div => Some(a / b),
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_ident(e: &Expr, name: &str) -> bool {
    matches!(&e.kind, ExprKind::Ident(n) if n == name)
}

/// `result[0]`, or `result` itself (a scalar query).
fn is_first_value(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Ident(n) => n == "result",
        ExprKind::Index { base, index } => {
            is_ident(base, "result") && matches!(index.kind, ExprKind::Int(0))
        }
        _ => false,
    }
}

fn is_len_of_result(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Call { name, args } if name == "len" && args.len() == 1 && is_ident(&args[0], "result"))
}

/// `isNaN(result[0])` (negated, a guard).
fn is_nan_check(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Call { name, args } if name == "isNaN" && args.len() == 1 && is_first_value(&args[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(cmp: Cmp, value: f64) -> Bound {
        Bound { cmp, value }
    }

    #[test]
    fn simple_comparisons_are_drawn() {
        let cases: &[(&str, Vec<Bound>, Join, Scope)] = &[
            (
                "result[0] >= 0.99",
                vec![b(Cmp::Ge, 0.99)],
                Join::All,
                Scope::First,
            ),
            (
                "result[0] < 500",
                vec![b(Cmp::Lt, 500.0)],
                Join::All,
                Scope::First,
            ),
            (
                "0.99 <= result[0]",
                vec![b(Cmp::Ge, 0.99)],
                Join::All,
                Scope::First,
            ),
            ("result > 1", vec![b(Cmp::Gt, 1.0)], Join::All, Scope::First),
            (
                "len(result) > 0 && result[0] >= 0.99",
                vec![b(Cmp::Ge, 0.99)],
                Join::All,
                Scope::First,
            ),
            (
                "len(result) == 0 || result[0] < 2",
                vec![b(Cmp::Lt, 2.0)],
                Join::All,
                Scope::First,
            ),
            (
                "!isNaN(result[0]) && result[0] >= -1.5",
                vec![b(Cmp::Ge, -1.5)],
                Join::All,
                Scope::First,
            ),
            (
                "result[0] >= 99.0 / 100",
                vec![b(Cmp::Ge, 0.99)],
                Join::All,
                Scope::First,
            ),
            (
                "result[0] > 1 && result[0] < 5",
                vec![b(Cmp::Gt, 1.0), b(Cmp::Lt, 5.0)],
                Join::All,
                Scope::First,
            ),
            (
                "result[0] < 1 or result[0] > 5",
                vec![b(Cmp::Lt, 1.0), b(Cmp::Gt, 5.0)],
                Join::Any,
                Scope::First,
            ),
            (
                "all(result, {# >= 0.99})",
                vec![b(Cmp::Ge, 0.99)],
                Join::All,
                Scope::EverySeries,
            ),
            (
                "any(result, # > 5)",
                vec![b(Cmp::Gt, 5.0)],
                Join::All,
                Scope::AnySeries,
            ),
        ];
        for (src, bounds, join, scope) in cases {
            let t = extract(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
            assert_eq!(&t.bounds, bounds, "{src}");
            assert_eq!(t.join, *join, "{src}");
            assert_eq!(t.scope, *scope, "{src}");
        }
    }

    #[test]
    fn complex_conditions_are_not_drawn() {
        for src in [
            "result[1] >= 0.99",
            "default(result[0], 0) >= 0.99",
            "result[0] * 100 >= 99",
            "len(result) > 0",
            "true",
            "result[0] > 1 && (result[0] < 5 || result[0] > 9)",
            "all(result, {# >= 0.99}) && result[0] < 5",
        ] {
            assert_eq!(extract(src), Err(NotDrawable::TooComplex), "{src}");
        }
        assert!(matches!(
            extract("result[0] >="),
            Err(NotDrawable::Syntax(_))
        ));
    }

    #[test]
    fn regions_and_descriptions() {
        let ge = extract("result[0] >= 0.99").unwrap();
        assert_eq!(ge.regions(0.9, 1.0), vec![(0.99, 1.0)]);
        assert_eq!(ge.describe(), ">= 0.99");
        let band = extract("result[0] > 1 && result[0] < 5").unwrap();
        assert_eq!(band.regions(0.0, 10.0), vec![(1.0, 5.0)]);
        assert_eq!(band.describe(), "> 1 and < 5");
        let outside = extract("result[0] < 1 || result[0] > 5").unwrap();
        assert_eq!(outside.regions(0.0, 10.0), vec![(0.0, 1.0), (5.0, 10.0)]);
        // A threshold outside the plotted range covers all of it or none of it.
        assert_eq!(ge.regions(0.0, 0.5), Vec::<(f64, f64)>::new());
        assert_eq!(ge.regions(2.0, 3.0), vec![(2.0, 3.0)]);
        let every = extract("all(result, {# < 500})").unwrap();
        assert_eq!(every.describe(), "every series < 500");
    }
}
