//! RS114 `missing-condition`: a Prometheus metric with neither a successCondition nor a
//! failureCondition, so every measurement is Successful.

use super::support::{finding, sites};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::Provider;

pub struct MissingCondition;

impl Rule for MissingCondition {
    rule_meta!(
        "RS114",
        "missing-condition",
        Severity::Warning,
        "## What it does\nFlags a Prometheus metric with no `successCondition` and no \
         `failureCondition` (or only empty ones).\n\n## Why is this bad?\nMirrors Argo's \
         `EvaluateResult`: with no condition every measurement that returns is Successful, so \
         the metric can never fail the rollout; it only records values.\n\n## Example\n```yaml\n\
         - name: error-rate\n  provider:\n    prometheus:\n      query: ...\n```\n\n## Use instead\n\
         ```yaml\n- name: error-rate\n  successCondition: len(result) == 0 || result[0] < 0.05\n  ...\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for site in sites::sites(cx) {
            if !matches!(site.metric.provider, Provider::Prometheus(_))
                || !site.conditions().is_empty()
            {
                continue;
            }
            let message = format!(
                "metric `{}` has no successCondition or failureCondition: every measurement is Successful",
                site.metric.name
            );
            out.push(finding(self, site.file, site.pos(), None, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_metrics_without_conditions() {
        let r = MissingCondition;
        assert_eq!(
            lines(&r, "missing-condition/flagged.yaml"),
            vec![(7, 13), (11, 13)]
        );
        assert!(lines(&r, "missing-condition/clean.yaml").is_empty());
    }
}
