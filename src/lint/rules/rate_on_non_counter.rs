//! RS101 `rate-on-non-counter`: `rate`/`increase`/`irate` over a metric whose name is not
//! counter-like, or over an aggregation or other non-selector (`rate(sum(...))`).

use super::support::{at_node, parsed_queries, query};
use crate::lint::{Finding, LintContext, Rule, Severity};
use promql_parser::parser::Expr;

pub struct RateOnNonCounter;

const COUNTER_SUFFIXES: &[&str] = &["_total", "_count", "_sum", "_bucket"];

impl Rule for RateOnNonCounter {
    rule_meta!(
        "RS101",
        "rate-on-non-counter",
        Severity::Warning,
        "## What it does\nFlags `rate`, `irate` and `increase` applied to a metric whose name does \
         not end in `_total`, `_count`, `_sum` or `_bucket`, and to anything that is not a \
         plain selector (a subquery over `sum(...)`, a function result).\n\n## Why is this bad?\n\
         These functions assume a monotonic counter and treat every decrease as a reset. On a \
         gauge they return nonsense; over an aggregation, a single pod restart looks like a reset \
         of the sum and produces a huge spike, a false failure.\n\n## Example\n```promql\n\
         rate(memory_usage_bytes[5m])\nrate(sum(http_requests_total)[5m:1m])\n```\n\n\
         ## Use instead\n```promql\nderiv(memory_usage_bytes[5m])\nsum(rate(http_requests_total[5m]))\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for (site, q, p) in parsed_queries(cx) {
            query::walk(&p.expr, &mut |e, _| {
                let Expr::Call(c) = e else { return };
                if !matches!(c.func.name, "rate" | "irate" | "increase") {
                    return;
                }
                let Some(arg) = c.args.args.first() else {
                    return;
                };
                let message = match query::unparen(arg) {
                    Expr::MatrixSelector(m) => match m.vs.name.as_deref() {
                        Some(n) if !COUNTER_SUFFIXES.iter().any(|s| n.ends_with(s)) => format!(
                            "`{}` over `{n}`, which is not counter-like (no _total/_count/_sum/_bucket suffix)",
                            c.func.name
                        ),
                        _ => return,
                    },
                    Expr::Subquery(_) => format!(
                        "`{}` over a subquery: a counter must be rated before it is aggregated or transformed",
                        c.func.name
                    ),
                    _ => return,
                };
                out.push(at_node(self, &site, &q, &p, e, message));
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_gauges_and_aggregations() {
        let r = RateOnNonCounter;
        assert_eq!(
            lines(&r, "rate-on-non-counter/flagged.yaml"),
            vec![(10, 18), (16, 15)]
        );
        assert!(lines(&r, "rate-on-non-counter/clean.yaml").is_empty());
    }
}
