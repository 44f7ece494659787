//! PromQL helpers for rules: parse a query as the engine does, walk its AST with ancestors,
//! and locate nodes (selectors, calls, aggregations, range brackets) as byte spans of the text.
//!
//! Depends on the `promql-parser` crate and `promql::Engine::parse` (3.x duration rewrite).

use promql_parser::parser::Expr;
use promql_parser::parser::value::ValueType;
use std::collections::HashMap;

/// Byte span `[start, end)` inside the query text.
pub type Span = (usize, usize);

/// A parsed query with the span of every node that can be located in its text.
pub struct Parsed {
    pub expr: Expr,
    spans: HashMap<usize, Span>,
}

impl Parsed {
    /// The span of a node of `self.expr`, if located.
    pub fn span(&self, e: &Expr) -> Option<Span> {
        self.spans.get(&(e as *const Expr as usize)).copied()
    }
    pub fn is_scalar(&self) -> bool {
        matches!(self.expr.value_type(), ValueType::Scalar)
    }
}

/// Parses with the engine's rules; the error is promql-parser's message.
pub fn parse(text: &str) -> Result<Parsed, String> {
    let expr = crate::promql::Engine::default()
        .parse(text)
        .map_err(|e| e.to_string())?;
    let toks = super::tokens::scan(text);
    let mut spans = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut brackets = 0;
    locate(&expr, &toks, &mut seen, &mut brackets, &mut spans);
    Ok(Parsed { expr, spans })
}

/// Direct children in text order.
pub fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Aggregate(a) => a.param.iter().map(|p| &**p).chain([&*a.expr]).collect(),
        Expr::Unary(u) => vec![&u.expr],
        Expr::Binary(b) => vec![&b.lhs, &b.rhs],
        Expr::Paren(p) => vec![&p.expr],
        Expr::Subquery(s) => vec![&s.expr],
        Expr::Call(c) => c.args.args.iter().map(|a| &**a).collect(),
        _ => Vec::new(),
    }
}

/// Visits every node in pre-order with its ancestors (outermost first).
pub fn walk<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr, &[&'e Expr])) {
    fn go<'e>(e: &'e Expr, up: &mut Vec<&'e Expr>, f: &mut dyn FnMut(&'e Expr, &[&'e Expr])) {
        f(e, up);
        up.push(e);
        for c in children(e) {
            go(c, up, f);
        }
        up.pop();
    }
    go(e, &mut Vec::new(), f);
}

/// Strips parentheses.
pub fn unparen(mut e: &Expr) -> &Expr {
    while let Expr::Paren(p) = e {
        e = &p.expr;
    }
    e
}

/// Every range window (matrix selectors and subqueries) in milliseconds, with its node.
pub fn windows(e: &Expr) -> Vec<(&Expr, i64)> {
    let mut out = Vec::new();
    walk(e, &mut |n, _| match n {
        Expr::MatrixSelector(m) => out.push((n, m.range.as_millis() as i64)),
        Expr::Subquery(s) => out.push((n, s.range.as_millis() as i64)),
        _ => {}
    });
    out
}

/// The longest range window, in milliseconds.
pub fn longest_window(e: &Expr) -> Option<i64> {
    windows(e).into_iter().map(|(_, w)| w).max()
}

fn locate(
    e: &Expr,
    toks: &super::tokens::Tokens,
    seen: &mut HashMap<String, usize>,
    brackets: &mut usize,
    spans: &mut HashMap<usize, Span>,
) {
    let key = e as *const Expr as usize;
    let by_name = |name: &str, seen: &mut HashMap<String, usize>| {
        let n = seen.entry(name.to_string()).or_insert(0);
        *n += 1;
        toks.ident(name, *n - 1)
    };
    match e {
        Expr::Call(c) => {
            if let Some(s) = by_name(c.func.name, seen) {
                spans.insert(key, toks.call_span(s));
            }
        }
        Expr::Aggregate(a) => {
            if let Some(s) = by_name(&a.op.to_string(), seen) {
                spans.insert(key, toks.call_span(s));
            }
        }
        Expr::VectorSelector(v) => {
            if let Some(s) = v.name.as_deref().and_then(|n| by_name(n, seen)) {
                spans.insert(key, toks.selector_span(s));
            }
        }
        Expr::MatrixSelector(m) => {
            let name = m.vs.name.as_deref().and_then(|n| by_name(n, seen));
            let br = toks.brackets.get(*brackets).copied();
            *brackets += 1;
            if let Some(b) = br {
                spans.insert(key, (name.map_or(b.0, |s| s.0.min(b.0)), b.1));
            }
        }
        _ => {}
    }
    for c in children(e) {
        locate(c, toks, seen, brackets, spans);
    }
    if let Expr::Subquery(_) = e {
        if let Some(b) = toks.brackets.get(*brackets) {
            spans.insert(key, *b);
        }
        *brackets += 1;
    }
}
