//! RS102 `rate-window-too-short`: a range window shorter than `window_factor` × the scrape
//! interval (default 4 × 1m), too few samples for a stable rate.

use super::support::{at_node, parsed_queries, query};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::model::Duration;
use promql_parser::parser::Expr;

pub struct RateWindowTooShort;

impl Rule for RateWindowTooShort {
    rule_meta!(
        "RS102",
        "rate-window-too-short",
        Severity::Warning,
        "## What it does\nFlags a range selector (`x[1m]`) whose window is shorter than \
         `window_factor` × `scrape_interval` (defaults 4 and 1m, set in `rollsim.toml`). Windows \
         written as `{{args.x}}` are skipped.\n\n## Why is this bad?\n`rate` needs two samples \
         in the window; with a window of one or two scrape intervals a single missed scrape \
         leaves one sample and the series disappears, so the measurement is empty (an Error) or \
         jumps wildly. Prometheus recommends at least four scrape intervals.\n\n## Example\n\
         ```promql\nsum(rate(http_requests_total[1m]))\n```\n\n## Use instead\n```promql\n\
         sum(rate(http_requests_total[5m]))\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        let min = cx
            .options
            .scrape_interval
            .millis()
            .saturating_mul(cx.options.window_factor);
        for (site, q, p) in parsed_queries(cx) {
            for (node, window) in query::windows(&p.expr) {
                let templated = p.span(node).is_some_and(|s| q.span_templated(s));
                if !matches!(node, Expr::MatrixSelector(_)) || templated || window >= min {
                    continue;
                }
                let message = format!(
                    "range window {} is shorter than {} × the {} scrape interval ({})",
                    Duration::from_millis(window),
                    cx.options.window_factor,
                    cx.options.scrape_interval,
                    Duration::from_millis(min)
                );
                out.push(at_node(self, &site, &q, &p, node, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_short_windows() {
        let r = RateWindowTooShort;
        assert_eq!(
            lines(&r, "rate-window-too-short/flagged.yaml"),
            vec![(10, 27), (15, 52)]
        );
        assert!(lines(&r, "rate-window-too-short/clean.yaml").is_empty());
    }
}
