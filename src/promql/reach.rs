//! How far back in time a query reads: the oldest sample an instant query at `t` can touch
//! is at `t − reach`. A closed-loop simulation keeps only that much of a growing world in
//! the store it measures, instead of copying the whole history for every measurement, and
//! writes only the series some selector can read (`selectors`).

use promql_parser::parser::{Expr, VectorSelector};

use super::eval::offset_ms;

/// The default subquery resolution (Prometheus's global evaluation interval).
const DEFAULT_SUBQUERY_STEP_MS: i64 = 60_000;

/// Milliseconds before the evaluation time that `expr` reads samples from, with
/// `lookback_ms` for instant selectors; `None` when unbounded (an `@` modifier pins a
/// selector to a fixed time).
pub fn reach(expr: &Expr, lookback_ms: i64) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => Some(0),
        Expr::VectorSelector(vs) => {
            if vs.at.is_some() {
                return None;
            }
            Some((offset_ms(&vs.offset).max(0) + lookback_ms).max(0))
        }
        Expr::MatrixSelector(ms) => {
            if ms.vs.at.is_some() {
                return None;
            }
            Some((offset_ms(&ms.vs.offset).max(0) + ms.range.as_millis() as i64).max(0))
        }
        Expr::Subquery(sq) => {
            if sq.at.is_some() {
                return None;
            }
            let step = sq
                .step
                .map(|d| d.as_millis() as i64)
                .filter(|&s| s > 0)
                .unwrap_or(DEFAULT_SUBQUERY_STEP_MS);
            let inner = reach(&sq.expr, lookback_ms)?;
            Some(offset_ms(&sq.offset).max(0) + sq.range.as_millis() as i64 + step + inner)
        }
        Expr::Aggregate(a) => {
            let param = a
                .param
                .as_deref()
                .map_or(Some(0), |p| reach(p, lookback_ms))?;
            Some(param.max(reach(&a.expr, lookback_ms)?))
        }
        Expr::Unary(u) => reach(&u.expr, lookback_ms),
        Expr::Paren(p) => reach(&p.expr, lookback_ms),
        Expr::Binary(b) => Some(reach(&b.lhs, lookback_ms)?.max(reach(&b.rhs, lookback_ms)?)),
        Expr::Call(c) => c
            .args
            .args
            .iter()
            .try_fold(0, |acc, a| Some(acc.max(reach(a, lookback_ms)?))),
        Expr::Extension(_) => None,
    }
}

/// Every selector of `expr` (instant, and those under range selectors and subqueries):
/// the only series the query can read.
pub fn selectors(expr: &Expr) -> Vec<&VectorSelector> {
    fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a VectorSelector>) {
        match e {
            Expr::VectorSelector(vs) => out.push(vs),
            Expr::MatrixSelector(ms) => out.push(&ms.vs),
            Expr::Subquery(sq) => walk(&sq.expr, out),
            Expr::Aggregate(a) => {
                walk(&a.expr, out);
                if let Some(p) = &a.param {
                    walk(p, out);
                }
            }
            Expr::Unary(u) => walk(&u.expr, out),
            Expr::Paren(p) => walk(&p.expr, out),
            Expr::Binary(b) => {
                walk(&b.lhs, out);
                walk(&b.rhs, out);
            }
            Expr::Call(c) => c.args.args.iter().for_each(|a| walk(a, out)),
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        }
    }
    let mut out = Vec::new();
    walk(expr, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_of_queries() {
        let five_min = 300_000;
        for (query, want) in [
            ("1", Some(0)),
            ("up", Some(five_min)),
            ("up offset 1m", Some(five_min + 60_000)),
            ("up offset -1m", Some(five_min)),
            ("rate(x[2m])", Some(120_000)),
            ("rate(x[2m] offset 10m)", Some(720_000)),
            ("sum(rate(a[1m])) / sum(rate(b[10m]))", Some(600_000)),
            (
                "histogram_quantile(0.99, sum by (le) (rate(h_bucket[2m])))",
                Some(120_000),
            ),
            (
                "max_over_time(rate(x[1m])[10m:30s])",
                Some(600_000 + 30_000 + 60_000),
            ),
            ("max_over_time(up[10m:])", Some(600_000 + 60_000 + five_min)),
            ("topk(scalar(y), x)", Some(five_min)),
            ("up @ 100", None),
            ("rate(x[1m] @ end())", None),
            ("sum(up) or vector(0)", Some(five_min)),
        ] {
            let expr = promql_parser::parser::parse(query).unwrap();
            assert_eq!(reach(&expr, five_min), want, "{query}");
        }
    }

    #[test]
    fn selectors_of_queries() {
        for (query, want) in [
            ("1", vec![]),
            ("up", vec!["up"]),
            (
                "sum(rate(a[1m])) / sum(rate(b[1m])) or vector(0)",
                vec!["a", "b"],
            ),
            ("max_over_time(rate(c[1m])[10m:30s])", vec!["c"]),
            ("topk(scalar(k), x)", vec!["x", "k"]),
            (
                "label_replace(d, \"a\", \"$1\", \"b\", \"(.*)\")",
                vec!["d"],
            ),
        ] {
            let expr = promql_parser::parser::parse(query).unwrap();
            let names: Vec<&str> = selectors(&expr)
                .iter()
                .map(|vs| vs.name.as_deref().unwrap_or(""))
                .collect();
            assert_eq!(names, want, "{query}");
        }
    }
}
