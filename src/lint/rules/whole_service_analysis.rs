//! RS120 `whole-service-analysis`: a query with no canary-specific selector or arg, so it
//! measures stable and canary traffic together.

use super::support::{at_node, parsed_queries, query};
use crate::lint::{Finding, LintContext, Rule, Severity};
use promql_parser::parser::Expr;

pub struct WholeServiceAnalysis;

/// Words that mark a label, label value or arg as identifying the canary.
const CANARY_WORDS: &[&str] = &[
    "canary", "version", "hash", "revision", "preview", "track", "pod", "rollout", "release",
];

impl Rule for WholeServiceAnalysis {
    rule_meta!(
        "RS120",
        "whole-service-analysis",
        Severity::Warning,
        "## What it does\nFlags a query none of whose selectors has a label matcher (name or \
         value) mentioning canary, version, hash (`rollouts_pod_template_hash`), revision, \
         preview, track, pod, rollout or release, and whose text uses no `{{args.x}}` with such \
         a word in its name.\n\n## Why is this bad?\nAt 5% canary weight a whole-service error \
         rate is 95% stable traffic: a canary failing every request moves it by 5 points, often \
         under the threshold, and the rollout proceeds. Scope the query to the canary pods.\n\n\
         ## Example\n```promql\nsum(rate(http_requests_total{service=\"api\",code=~\"5..\"}[5m]))\n```\n\n\
         ## Use instead\n```promql\nsum(rate(http_requests_total{service=\"api\",code=~\"5..\",\n  \
         rollouts_pod_template_hash=\"{{args.canary-hash}}\"}[5m]))\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for (site, q, p) in parsed_queries(cx) {
            if canary_arg(&q.original) {
                continue;
            }
            let mut first = None;
            let mut specific = false;
            query::walk(&p.expr, &mut |e, _| {
                let vs = match e {
                    Expr::VectorSelector(v) => v,
                    Expr::MatrixSelector(m) => &m.vs,
                    _ => return,
                };
                first.get_or_insert(e);
                specific |= vs
                    .matchers
                    .matchers
                    .iter()
                    .chain(vs.matchers.or_matchers.iter().flatten())
                    .any(|m| {
                        let wildcard = matches!(m.value.as_str(), "" | ".*" | ".+");
                        !wildcard && (canary_word(&m.name) || canary_word(&m.value))
                    });
            });
            if let (Some(node), false) = (first, specific) {
                let message = "no selector is specific to the canary (no canary/version/pod-template-hash matcher or arg): canary regressions drown in stable traffic".to_string();
                out.push(at_node(self, &site, &q, &p, node, message));
            }
        }
    }
}

fn canary_word(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    CANARY_WORDS.iter().any(|w| s.contains(w))
}

/// Whether the text uses `{{args.x}}` with a canary word in `x`.
fn canary_arg(text: &str) -> bool {
    text.split("{{")
        .skip(1)
        .any(|t| t.split("}}").next().is_some_and(canary_word))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_whole_service_queries() {
        let r = WholeServiceAnalysis;
        assert_eq!(
            lines(&r, "whole-service-analysis/flagged.yaml"),
            vec![(12, 22)]
        );
        assert!(lines(&r, "whole-service-analysis/clean.yaml").is_empty());
    }
}
