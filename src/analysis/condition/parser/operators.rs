//! expr-lang v1.17's operator table (`parser/operator/operator.go`) and the builtins whose
//! second argument is parsed as a predicate.

use super::super::ast::BinaryOp;

/// Builtins whose second argument is a predicate (`#` is the element); `true` = optional.
pub(in super::super) const PREDICATE_BUILTINS: [(&str, bool); 8] = [
    ("all", false),
    ("any", false),
    ("none", false),
    ("one", false),
    ("filter", false),
    ("map", false),
    ("count", true),
    ("sum", true),
];

/// (operator, precedence, right-associative) for a binary operator token.
pub(super) fn binary_op(s: &str) -> Option<(BinaryOp, u16, bool)> {
    // (operator, precedence, right-associative)
    Some(match s {
        "or" => (BinaryOp::Or("or"), 10, false),
        "||" => (BinaryOp::Or("||"), 10, false),
        "and" => (BinaryOp::And("and"), 15, false),
        "&&" => (BinaryOp::And("&&"), 15, false),
        "==" => (BinaryOp::Eq, 20, false),
        "!=" => (BinaryOp::Ne, 20, false),
        "<" => (BinaryOp::Lt, 20, false),
        "<=" => (BinaryOp::Le, 20, false),
        ">" => (BinaryOp::Gt, 20, false),
        ">=" => (BinaryOp::Ge, 20, false),
        "in" => (BinaryOp::In, 20, false),
        "matches" => (BinaryOp::Matches, 20, false),
        "contains" => (BinaryOp::Contains, 20, false),
        "startsWith" => (BinaryOp::StartsWith, 20, false),
        "endsWith" => (BinaryOp::EndsWith, 20, false),
        "+" => (BinaryOp::Add, 30, false),
        "-" => (BinaryOp::Sub, 30, false),
        "*" => (BinaryOp::Mul, 60, false),
        "/" => (BinaryOp::Div, 60, false),
        "%" => (BinaryOp::Mod, 60, false),
        "**" => (BinaryOp::Pow("**"), 100, true),
        "^" => (BinaryOp::Pow("^"), 100, true),
        "??" => (BinaryOp::Coalesce, 500, false),
        _ => return None,
    })
}
