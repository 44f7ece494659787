//! `label_replace` and `label_join`.

use promql_parser::parser::{Call, Expr};

use super::vector_arg;
use crate::promql::aggregate::valid_label_name;
use crate::promql::eval::{Ctx, EvalResult, Node};
use crate::promql::selector::anchored_regex;
use crate::promql::series::Grid;

fn string_arg(call: &Call, i: usize) -> EvalResult<String> {
    match call.args.args.get(i).map(|b| strip_parens(b)) {
        Some(Expr::StringLiteral(s)) => Ok(s.val.clone()),
        _ => Err(format!(
            "expected string literal as argument {} of {}",
            i + 1,
            call.func.name
        )),
    }
}

fn strip_parens(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip_parens(&p.expr),
        e => e,
    }
}

/// `label_replace(v, dst, replacement, src, regex)`: where `regex` (anchored) matches the
/// value of `src`, sets `dst` to the expanded replacement (an empty result deletes it).
pub fn label_replace(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let (dst, repl, src, re) = (
        string_arg(call, 1)?,
        string_arg(call, 2)?,
        string_arg(call, 3)?,
        string_arg(call, 4)?,
    );
    let regex = anchored_regex(&re, ctx.compat())
        .map_err(|_| format!("invalid regular expression in label_replace(): {re}"))?;
    if !valid_label_name(&dst, ctx.compat()) {
        return Err(format!(
            "invalid destination label name in label_replace(): {dst}"
        ));
    }
    let input = vector_arg(ctx, grid, &call.args.args[0])?;
    let mut out = Vec::with_capacity(input.len());
    for mut s in input {
        let value = s.labels.get(&src).unwrap_or("").to_string();
        if let Some(caps) = regex.captures(&value) {
            let mut res = String::new();
            caps.expand(&repl, &mut res);
            let mut b = s.labels.builder();
            b.set_str(&dst, &res);
            s.labels = b.build();
            if dst == crate::model::METRIC_NAME {
                s.drop_name = false;
            }
        }
        out.push(s);
    }
    ctx.merge(out, grid).map(Node::Vector)
}

/// `label_join(v, dst, separator, src...)`.
pub fn label_join(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let dst = string_arg(call, 1)?;
    let sep = string_arg(call, 2)?;
    let srcs: Vec<String> = (3..call.args.args.len())
        .map(|i| string_arg(call, i))
        .collect::<Result<_, _>>()?;
    if !valid_label_name(&dst, ctx.compat()) {
        return Err(format!(
            "invalid destination label name in label_join(): {dst}"
        ));
    }
    for s in &srcs {
        if !valid_label_name(s, ctx.compat()) {
            return Err(format!("invalid source label name in label_join(): {s}"));
        }
    }
    let input = vector_arg(ctx, grid, &call.args.args[0])?;
    let mut out = Vec::with_capacity(input.len());
    for mut s in input {
        let joined: Vec<&str> = srcs.iter().map(|n| s.labels.get(n).unwrap_or("")).collect();
        let joined = joined.join(&sep);
        let mut b = s.labels.builder();
        b.set_str(&dst, &joined);
        s.labels = b.build();
        if dst == crate::model::METRIC_NAME {
            s.drop_name = false;
        }
        out.push(s);
    }
    ctx.merge(out, grid).map(Node::Vector)
}
