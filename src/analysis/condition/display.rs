//! Canonical printing of a condition AST (`Display for Expr`), with the fewest parentheses
//! that keep expr-lang's precedence; used to echo or suggest rewritten conditions.
//! Depends on `ast`.

use std::fmt;

use super::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

/// Binding power of a node when it appears as an operand; atoms and postfix forms bind
/// tightest.
fn precedence(e: &Expr) -> u16 {
    match &e.kind {
        ExprKind::Ternary { .. } => 0,
        ExprKind::Binary { op, .. } => binary_precedence(*op),
        ExprKind::Unary {
            op: UnaryOp::Bang | UnaryOp::Not,
            ..
        } => 50,
        ExprKind::Unary { .. } => 90,
        _ => 1000,
    }
}

fn binary_precedence(op: BinaryOp) -> u16 {
    match op {
        BinaryOp::Or(_) => 10,
        BinaryOp::And(_) => 15,
        BinaryOp::Add | BinaryOp::Sub => 30,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 60,
        BinaryOp::Pow(_) => 100,
        BinaryOp::Coalesce => 500,
        _ => 20,
    }
}

struct Operand<'a>(&'a Expr, bool);

impl fmt::Display for Operand<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.1 {
            write!(f, "({})", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

fn list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Nil => f.write_str("nil"),
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::Int(i) => write!(f, "{i}"),
            ExprKind::Float(x) => write!(f, "{x:?}"),
            ExprKind::Str(s) => write!(f, "{s:?}"),
            ExprKind::Ident(name) => f.write_str(name),
            ExprKind::Pointer => f.write_str("#"),
            ExprKind::Array(items) => {
                f.write_str("[")?;
                list(f, items)?;
                f.write_str("]")
            }
            ExprKind::Unary { op, expr } => {
                let sep = if *op == UnaryOp::Not { " " } else { "" };
                let inner = Operand(expr, precedence(expr) < precedence(self));
                write!(f, "{}{sep}{inner}", op.as_str())
            }
            ExprKind::Binary { op, left, right } => {
                let p = binary_precedence(*op);
                let right_assoc = matches!(op, BinaryOp::Pow(_));
                // Comparisons do not chain back (`a < b < c` means something else), so an
                // operand of equal precedence is always parenthesized on the right and, for
                // comparisons, on the left too.
                let cmp = p == 20;
                let l = precedence(left) < p || (precedence(left) == p && (right_assoc || cmp));
                let r = precedence(right) < p || (precedence(right) == p && !right_assoc);
                write!(
                    f,
                    "{} {} {}",
                    Operand(left, l),
                    op.as_str(),
                    Operand(right, r)
                )
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => {
                write!(
                    f,
                    "{} ? {} : {otherwise}",
                    Operand(cond, precedence(cond) == 0),
                    Operand(then, precedence(then) == 0)
                )
            }
            ExprKind::Index { base, index } => {
                let b = Operand(base, precedence(base) < 1000);
                match &index.kind {
                    ExprKind::Str(name) if is_identifier(name) => write!(f, "{b}.{name}"),
                    _ => write!(f, "{b}[{index}]"),
                }
            }
            ExprKind::Slice { base, from, to } => {
                write!(f, "{}[", Operand(base, precedence(base) < 1000))?;
                if let Some(from) = from {
                    write!(f, "{from}")?;
                }
                f.write_str(":")?;
                if let Some(to) = to {
                    write!(f, "{to}")?;
                }
                f.write_str("]")
            }
            ExprKind::Call { name, args } => {
                write!(f, "{name}(")?;
                list(f, args)?;
                f.write_str(")")
            }
            ExprKind::Closure(body) => write!(f, "{{{body}}}"),
        }
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse_expr;

    #[test]
    fn prints_canonically_and_round_trips() {
        let cases = [
            ("result[0]>=0.95", "result[0] >= 0.95"),
            (
                "len(result)==0||result[0]>=0.95",
                "len(result) == 0 || result[0] >= 0.95",
            ),
            ("(1 + 2) * 3", "(1 + 2) * 3"),
            ("1 - (2 - 3)", "1 - (2 - 3)"),
            ("(2 ** 3) ** 2", "(2 ** 3) ** 2"),
            ("-(2 ** 2)", "-2 ** 2"),
            ("(-2) ** 2", "(-2) ** 2"),
            ("not (a == b)", "not (a == b)"),
            ("(a < b) == true", "(a < b) == true"),
            ("all(result, {# > 1})", "all(result, {# > 1})"),
            ("(a ? b : c) ? d : e", "(a ? b : c) ? d : e"),
            ("1 not in result", "not (1 in result)"),
            ("a.b['c d']", "a.b[\"c d\"]"),
            ("result[1:]", "result[1:]"),
            ("'it''s'", "ERR"),
        ];
        for (src, want) in cases {
            let got = parse_expr(src)
                .map(|e| e.to_string())
                .unwrap_or_else(|_| "ERR".into());
            assert_eq!(got, want, "{src}");
            if want != "ERR" {
                let again = parse_expr(&got).expect("printed form parses").to_string();
                assert_eq!(again, got, "round trip of {src}");
            }
        }
    }
}
