//! RS124 `analysis-without-error-or-latency-metric`: a Rollout whose analyses have no metric
//! that looks like an error rate or a latency.

use super::support::{finding, rollouts};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::{Metric, Provider};

pub struct AnalysisWithoutErrorOrLatencyMetric;

const SIGNAL_WORDS: &[&str] = &[
    "error",
    "5xx",
    "5..",
    "fail",
    "latency",
    "duration",
    "_seconds",
    "response_time",
    "histogram_quantile",
    "p99",
    "p95",
    "success",
    "status",
    "code",
];

impl Rule for AnalysisWithoutErrorOrLatencyMetric {
    rule_meta!(
        "RS124",
        "analysis-without-error-or-latency-metric",
        Severity::Warning,
        "## What it does\nFlags a Rollout that runs analysis but none of whose metrics (name or \
         query) looks like an error rate or a latency: no `error`, `5xx`, `fail`, `success`, \
         `status`, `code`, `latency`, `duration`, `_seconds`, `response_time`, \
         `histogram_quantile`, `p95`/`p99`.\n\n## Why is this bad?\nErrors and latency are the \
         signals that catch most bad releases; analysis on CPU or request count alone lets a \
         canary that fails every request proceed.\n\n## Example\n```yaml\nmetrics:\n  - name: cpu\n    \
         ...\n```\n\n## Use instead\n```yaml\nmetrics:\n  - name: error-rate\n    ...\n  - name: p99-latency\n    ...\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        let uses = rollouts::uses(cx);
        for r in &cx.manifests.rollouts {
            let mine: Vec<_> = uses.iter().filter(|u| std::ptr::eq(u.rollout, r)).collect();
            if mine.is_empty() || mine.iter().any(|u| u.flat.metrics.is_empty()) {
                continue;
            }
            if mine.iter().flat_map(|u| &u.flat.metrics).any(signal) {
                continue;
            }
            let message = format!(
                "no analysis of Rollout `{}` measures an error rate or a latency",
                r.name
            );
            out.push(finding(self, &r.source.file, r.source.pos, None, message));
        }
    }
}

fn signal(m: &Metric) -> bool {
    let mut text = m.name.to_ascii_lowercase();
    match &m.provider {
        Provider::Prometheus(p) => text.push_str(&p.query.to_ascii_lowercase()),
        Provider::Other { .. } => return true,
        _ => {}
    }
    SIGNAL_WORDS.iter().any(|w| text.contains(w))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_rollouts_without_signals() {
        let r = AnalysisWithoutErrorOrLatencyMetric;
        assert_eq!(
            lines(&r, "analysis-without-error-or-latency-metric/flagged.yaml"),
            vec![(1, 1)]
        );
        assert!(lines(&r, "analysis-without-error-or-latency-metric/clean.yaml").is_empty());
    }
}
