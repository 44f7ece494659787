//! RS103 `histogram-quantile-drops-le`: an aggregation under `histogram_quantile` that drops
//! the `le` label (`by` without `le`, `without (le)`, or no grouping at all).

use super::support::{at_node, parsed_queries, query};
use crate::lint::{Finding, LintContext, Rule, Severity};
use promql_parser::parser::{Expr, LabelModifier};

pub struct HistogramQuantileDropsLe;

impl Rule for HistogramQuantileDropsLe {
    rule_meta!(
        "RS103",
        "histogram-quantile-drops-le",
        Severity::Error,
        "## What it does\nFlags an aggregation inside the second argument of `histogram_quantile` \
         that removes the `le` label: `sum by (job) (...)`, `sum without (le) (...)` or a plain \
         `sum(...)`. Label-preserving aggregations (`topk`, `bottomk`, `limitk`) are ignored.\n\n\
         ## Why is this bad?\n`histogram_quantile` needs the bucket boundaries in `le`; without \
         them every series is dropped and the query returns an empty result, which is an Error \
         measurement every time: the analysis aborts after `consecutiveErrorLimit` + 1 errors.\n\n\
         ## Example\n```promql\nhistogram_quantile(0.99, sum by (job) (rate(latency_seconds_bucket[5m])))\n\
         ```\n\n## Use instead\n```promql\nhistogram_quantile(0.99, sum by (job, le) (rate(latency_seconds_bucket[5m])))\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for (site, q, p) in parsed_queries(cx) {
            query::walk(&p.expr, &mut |e, _| {
                let Expr::Call(c) = e else { return };
                if c.func.name != "histogram_quantile" {
                    return;
                }
                let Some(arg) = c.args.args.get(1) else {
                    return;
                };
                query::walk(arg, &mut |n, _| {
                    if let Some(why) = drops_le(n) {
                        let message = format!(
                            "this aggregation {why}, so histogram_quantile returns nothing"
                        );
                        out.push(at_node(self, &site, &q, &p, n, message));
                    }
                });
            });
        }
    }
}

/// Why an aggregation node drops `le`, if it does.
fn drops_le(e: &Expr) -> Option<&'static str> {
    let Expr::Aggregate(a) = e else { return None };
    if matches!(
        a.op.to_string().as_str(),
        "topk" | "bottomk" | "limitk" | "limit_ratio"
    ) {
        return None;
    }
    match &a.modifier {
        None => Some("has no `by (le)`"),
        Some(LabelModifier::Include(l)) if !l.labels.iter().any(|x| x == "le") => {
            Some("groups by labels without `le`")
        }
        Some(LabelModifier::Exclude(l)) if l.labels.iter().any(|x| x == "le") => {
            Some("aggregates `without (le)`")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_aggregations_dropping_le() {
        let r = HistogramQuantileDropsLe;
        assert_eq!(
            lines(&r, "histogram-quantile-drops-le/flagged.yaml"),
            vec![(10, 43), (16, 15), (20, 42)]
        );
        assert!(lines(&r, "histogram-quantile-drops-le/clean.yaml").is_empty());
    }
}
