//! Finds the threshold of a condition: the numeric literal of its one simple comparison
//! against the measurement (`result[0] >= 0.99` in `len(result) > 0 && result[0] >= 0.99`),
//! so a grid can replace it in the source text.
//!
//! A comparison counts when one side is a number literal (optionally negated) and the other
//! side reads `result` but is not a `len(...)` guard. Depends on `analysis::condition`.

use crate::analysis::condition::{self, BinaryOp, Expr, ExprKind, Span, UnaryOp};

/// The byte span of the threshold literal in `source`, or why there is no single one.
pub fn find(source: &str) -> Result<Span, String> {
    let program = condition::parse(source).map_err(|e| format!("cannot parse: {e}"))?;
    let mut found = Vec::new();
    collect(&program.ast, &mut found);
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err("has no comparison of the result with a number literal".into()),
        many => Err(format!(
            "has {} comparisons of the result with a number literal ({}); tune it by hand",
            many.len(),
            many.iter()
                .map(|(a, b)| source[*a..*b].to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Replaces the threshold literal of `source` with `value`.
pub fn replace(source: &str, value: &str) -> Result<String, String> {
    let (a, b) = find(source)?;
    Ok(format!("{}{value}{}", &source[..a], &source[b..]))
}

fn collect(e: &Expr, out: &mut Vec<Span>) {
    if let ExprKind::Binary { op, left, right } = &e.kind
        && is_comparison(*op)
    {
        match (literal(left), literal(right)) {
            (None, Some(span)) if measures(left) => out.push(span),
            (Some(span), None) if measures(right) => out.push(span),
            _ => {}
        }
    }
    for c in e.children() {
        collect(c, out);
    }
}

fn is_comparison(op: BinaryOp) -> bool {
    op.is_comparison() || matches!(op, BinaryOp::Eq | BinaryOp::Ne)
}

/// The span of a number literal, `-` included.
fn literal(e: &Expr) -> Option<Span> {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) => Some(e.span),
        ExprKind::Unary {
            op: UnaryOp::Neg | UnaryOp::Plus,
            expr,
        } => literal(expr).map(|_| e.span),
        _ => None,
    }
}

/// Whether `e` reads the measurement's value (mentions `result` or `#`) rather than its
/// length.
fn measures(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { name, .. } if name == "len" => false,
        ExprKind::Ident(n) => n == "result",
        ExprKind::Pointer => true,
        _ => e.children().into_iter().any(measures),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_one_threshold() {
        let table = [
            ("result[0] >= 0.99", Ok("0.99")),
            ("len(result) > 0 && result[0] >= 0.99", Ok("0.99")),
            ("0.5 > result[0]", Ok("0.5")),
            ("result[0] > -3", Ok("-3")),
            ("isNaN(result[0]) || result[0] <= 10", Ok("10")),
            ("all(result, # < 0.2)", Ok("0.2")),
            ("len(result) == 0 || result[0] == 1", Ok("1")),
            ("result[0] > 1 && result[1] < 5", Err("has 2 comparisons")),
            ("len(result) > 0", Err("has no comparison")),
            ("result[0] >= result[1]", Err("has no comparison")),
            ("result[0] >=", Err("cannot parse")),
        ];
        for (src, want) in table {
            let got = find(src).map(|(a, b)| &src[a..b]);
            match want {
                Ok(lit) => assert_eq!(got, Ok(lit), "{src}"),
                Err(prefix) => {
                    let e = got.unwrap_err();
                    assert!(e.starts_with(prefix), "{src}: {e}");
                }
            }
        }
    }

    #[test]
    fn replaces_the_literal_in_place() {
        assert_eq!(
            replace("len(result) > 0 && result[0] >= 0.99", "0.995").unwrap(),
            "len(result) > 0 && result[0] >= 0.995"
        );
        assert_eq!(replace("result[0] > -3", "2").unwrap(), "result[0] > 2");
    }
}
