//! RS013 retention-rule-matches-nothing: a `measurementRetention` rule whose `metricName`
//! pattern matches no metric.

use crate::analysis::validate_measurement_retention;
use crate::lint::analysis_refs::{all_templates, analysis_refs, template_scope};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::{MeasurementRetention, Source, flatten};

pub struct RetentionRuleMatchesNothing;

impl Rule for RetentionRuleMatchesNothing {
    rule_meta!(
        "RS013",
        "retention-rule-matches-nothing",
        Severity::Error,
        DOCS
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for t in all_templates(cx.manifests) {
            let (names, _) = template_scope(t, cx.manifests);
            let rules = &t.spec.measurement_retention;
            self.check_rules(cx, &t.source, "spec", rules, &names, out);
        }
        for r in analysis_refs(cx.manifests) {
            let Ok(flat) = flatten(r.analysis, r.manifests()) else {
                continue;
            };
            let names: Vec<String> = flat.metrics.into_iter().map(|m| m.name).collect();
            let rules = &r.analysis.measurement_retention;
            self.check_rules(cx, &r.rollout.source, &r.path, rules, &names, out);
        }
    }
}

impl RetentionRuleMatchesNothing {
    fn check_rules(
        &self,
        cx: &LintContext,
        source: &Source,
        path: &str,
        rules: &[MeasurementRetention],
        names: &[String],
        out: &mut Vec<Finding>,
    ) {
        if names.is_empty() {
            return; // RS002's finding
        }
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for (i, rule) in rules.iter().enumerate() {
            let Err(e) = validate_measurement_retention(std::slice::from_ref(rule), &names) else {
                continue;
            };
            let message = format!(
                "{} (`{}` matches none of: {})",
                e.replacen(
                    "measurementRetention[0]",
                    &format!("measurementRetention[{i}]"),
                    1
                ),
                rule.metric_name,
                names.join(", ")
            );
            let at = format!("{path}.measurementRetention[{i}].metricName");
            let pos = cx.locate(source, &at);
            out.push(Finding::new(self, &source.file, pos, message));
        }
    }
}

const DOCS: &str = r#"## What it does
Flags a `measurementRetention` rule whose `metricName` matches none of the analysis's
metrics. Names are matched as unanchored Go regular expressions; `*` does not compile.

## Why is this bad?
The controller fails the AnalysisRun (`measurementRetention[0]: Rule didn't match any
metric name(s)`): the run ends in Error and an inline analysis aborts the Rollout.

## Example
```yaml
measurementRetention:
- metricName: "*"
  limit: 20
```

## Use instead
```yaml
measurementRetention:
- metricName: ".*"
  limit: 20
```
"#;
