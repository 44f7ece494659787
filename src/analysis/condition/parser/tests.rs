//! Parser tests: precedence and associativity as expr-lang's, spans, syntax errors.

use super::super::ast::{Expr, ExprKind};
use super::parse_expr;

/// Fully parenthesized rendering, to compare trees.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Nil => "nil".into(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Float(f) => format!("{f:?}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Ident(n) => n.clone(),
        ExprKind::Pointer => "#".into(),
        ExprKind::Array(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Unary { op, expr } => format!("({} {})", op.as_str(), show(expr)),
        ExprKind::Binary { op, left, right } => {
            format!("({} {} {})", show(left), op.as_str(), show(right))
        }
        ExprKind::Ternary {
            cond,
            then,
            otherwise,
        } => format!("({} ? {} : {})", show(cond), show(then), show(otherwise)),
        ExprKind::Index { base, index } => format!("{}[{}]", show(base), show(index)),
        ExprKind::Slice { base, from, to } => format!(
            "{}[{}:{}]",
            show(base),
            from.as_deref().map(show).unwrap_or_default(),
            to.as_deref().map(show).unwrap_or_default()
        ),
        ExprKind::Call { name, args } => format!(
            "{name}({})",
            args.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Closure(body) => format!("{{{}}}", show(body)),
    }
}

#[test]
fn precedence_table() {
    let cases = [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 - 2 - 3", "((1 - 2) - 3)"),
        ("2 ** 3 ** 2", "(2 ** (3 ** 2))"),
        ("2 ^ 3 ^ 2", "(2 ^ (3 ^ 2))"),
        ("-2 ** 2", "(- (2 ** 2))"),
        ("2 * 3 ** 2", "(2 * (3 ** 2))"),
        ("a || b && c", "(a || (b && c))"),
        ("a or b and c", "(a or (b and c))"),
        ("!a && b", "((! a) && b)"),
        ("not a == b", "((not a) == b)"),
        ("1 + 2 > 3 && x", "(((1 + 2) > 3) && x)"),
        ("a < b < c", "((a < b) && (b < c))"),
        ("x == 1 ? 2 : 3", "((x == 1) ? 2 : 3)"),
        ("a ? b : c ? d : e", "(a ? b : (c ? d : e))"),
        ("a ?: b", "(a ? a : b)"),
        ("a ?? b ?? c", "((a ?? b) ?? c)"),
        ("a ?? b + 1", "ERR"),
        ("1 in result", "(1 in result)"),
        ("1 not in result", "(not (1 in result))"),
        ("s not contains 'x'", "(not (s contains \"x\"))"),
        ("result[0] >= 0.95", "(result[0] >= 0.95)"),
        ("result[-1]", "result[(- 1)]"),
        ("result[1:3]", "result[1:3]"),
        ("result[:2]", "result[:2]"),
        ("result[1:]", "result[1:]"),
        ("a.b.c", "a[\"b\"][\"c\"]"),
        ("all(result, # > 1)", "all(result, {(# > 1)})"),
        ("all(result, {# > 1})", "all(result, {(# > 1)})"),
        ("sum(result)", "sum(result)"),
        ("count(result, # > 0)", "count(result, {(# > 0)})"),
        (
            "len(result) == 0 || result[0] >= 0.95",
            "((len(result) == 0) || (result[0] >= 0.95))",
        ),
        ("[1, 2,]", "[1, 2]"),
        ("1e3 + .5", "(1000.0 + 0.5)"),
        ("max(1, 2,)", "max(1, 2)"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
        ("- -1", "(- (- 1))"),
        ("a % 2 == 0", "((a % 2) == 0)"),
        (
            "x matches '^a' and y startsWith 'b'",
            "((x matches \"^a\") and (y startsWith \"b\"))",
        ),
    ];
    for (src, want) in cases {
        let got = parse_expr(src)
            .map(|e| show(&e))
            .unwrap_or_else(|_| "ERR".into());
        assert_eq!(got, want, "{src}");
    }
}

#[test]
fn spans_cover_source() {
    let e = parse_expr("len(result) == 0 || result[0] >= 0.95").unwrap();
    assert_eq!(e.span, (0, 37));
    let ExprKind::Binary { left, right, .. } = &e.kind else {
        panic!("binary")
    };
    assert_eq!(left.span, (0, 16));
    assert_eq!(right.span, (20, 37));
    let ExprKind::Binary { left, .. } = &right.kind else {
        panic!("binary")
    };
    assert_eq!(left.span, (20, 29));
    assert_eq!(parse_expr("(1 + 2)").unwrap().span, (0, 7));
}

#[test]
fn syntax_errors() {
    let cases = [
        ("result >", "unexpected token EOF", (8, 8)),
        ("result[0", "unexpected token EOF", (8, 8)),
        ("all(result)", "unexpected token Bracket(\")\")", (10, 11)),
        ("1 2", "unexpected token Number(\"1\")", (2, 3)),
        ("(1", "unexpected token EOF", (2, 2)),
        ("a not b", "unexpected token Identifier(\"b\")", (6, 7)),
        ("result = 1", "unexpected token Operator(\"=\")", (7, 8)),
        (
            "a ?? b + 1",
            "Operator (+) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.",
            (7, 8),
        ),
        (
            "99999999999999999999",
            "invalid integer literal: strconv.ParseInt: parsing \"99999999999999999999\": value out of range",
            (0, 20),
        ),
    ];
    for (src, msg, span) in cases {
        let e = parse_expr(src).unwrap_err();
        let msg = msg.replace("Number(\"1\")", "Number(\"2\")");
        assert_eq!((e.message.as_str(), e.span), (msg.as_str(), span), "{src}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = "(".repeat(5000) + "1" + &")".repeat(5000);
    assert_eq!(
        parse_expr(&deep).unwrap_err().message,
        "expression is nested too deeply"
    );
    let long = vec!["1"; 5000].join(" + ");
    assert_eq!(
        parse_expr(&long).unwrap_err().message,
        "expression is nested too deeply"
    );
    let minus = "-".repeat(5000) + "1";
    assert!(parse_expr(&minus).is_err());
}
