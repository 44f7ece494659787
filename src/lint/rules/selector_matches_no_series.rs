//! RS140 `selector-matches-no-series` (`--data`): a selector of a query that matches no series
//! of the recorded data.

use super::support::{at_node, data, parsed_queries, query};
use crate::lint::{Finding, LintContext, Rule, Severity};
use promql_parser::parser::Expr;

pub struct SelectorMatchesNoSeries;

impl Rule for SelectorMatchesNoSeries {
    rule_meta!(
        "RS140",
        "selector-matches-no-series",
        Severity::Warning,
        "## What it does\nWith `--data FILE`, checks every selector of every query against the \
         recording and flags those that match no series (a misspelled metric or label, a label \
         value that is never recorded). Selectors using a placeholder for an arg without a \
         value are skipped.\n\n## Why is this bad?\nA selector that matches nothing makes the \
         query empty (an Error measurement; 5 in a row abort) or silently drops a term (`a / b` \
         with no `b` is empty; `a or b` ignores `b`).\n\n## Example\n```promql\n\
         sum(rate(http_request_total[5m]))   # recorded name is http_requests_total\n```\n\n\
         ## Use instead\n```promql\nsum(rate(http_requests_total[5m]))\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        let Some(store) = cx.data else { return };
        for (site, q, p) in parsed_queries(cx) {
            query::walk(&p.expr, &mut |e, _| {
                let vs = match e {
                    Expr::VectorSelector(v) => v,
                    Expr::MatrixSelector(m) => &m.vs,
                    _ => return,
                };
                if p.span(e).is_some_and(|s| q.span_templated(s)) && q.placeholder_used {
                    return;
                }
                if !data::matches_any(store, vs) {
                    let message = format!("`{vs}` matches no series in the recorded data");
                    out.push(at_node(self, &site, &q, &p, e, message));
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines_with, recording};
    use super::*;

    #[test]
    fn flags_selectors_without_series() {
        let r = SelectorMatchesNoSeries;
        let store = recording();
        assert_eq!(
            lines_with(&r, "selector-matches-no-series/flagged.yaml", &store),
            vec![(13, 24), (14, 24)]
        );
        assert!(lines_with(&r, "selector-matches-no-series/clean.yaml", &store).is_empty());
    }
}
