//! RS012 dry-run-rule-matches-nothing: a `dryRun` rule whose `metricName` pattern matches
//! no metric, including the wildcard `*` (SEMANTICS §9.5).

use crate::analysis::validate_dry_run;
use crate::lint::analysis_refs::{all_templates, analysis_refs, template_scope};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::{DryRun, Source, flatten};

pub struct DryRunRuleMatchesNothing;

impl Rule for DryRunRuleMatchesNothing {
    rule_meta!(
        "RS012",
        "dry-run-rule-matches-nothing",
        Severity::Error,
        DOCS
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for t in all_templates(cx.manifests) {
            let (names, _) = template_scope(t, cx.manifests);
            self.check_rules(cx, &t.source, "spec", &t.spec.dry_run, &names, out);
        }
        for r in analysis_refs(cx.manifests) {
            let Ok(flat) = flatten(r.analysis, r.manifests()) else {
                continue;
            };
            let names: Vec<String> = flat.metrics.into_iter().map(|m| m.name).collect();
            let source = &r.rollout.source;
            self.check_rules(cx, source, &r.path, &r.analysis.dry_run, &names, out);
        }
    }
}

impl DryRunRuleMatchesNothing {
    fn check_rules(
        &self,
        cx: &LintContext,
        source: &Source,
        path: &str,
        rules: &[DryRun],
        names: &[String],
        out: &mut Vec<Finding>,
    ) {
        if names.is_empty() {
            return; // RS002's finding
        }
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for (i, rule) in rules.iter().enumerate() {
            let Err(e) = validate_dry_run(std::slice::from_ref(&rule.metric_name), &names) else {
                continue;
            };
            let mut message = e.replacen("dryRun[0]", &format!("dryRun[{i}]"), 1);
            message.push_str(&format!(" (`{}`", rule.metric_name));
            if rule.metric_name.trim() == "*" {
                message.push_str(
                    " is not a valid Go regular expression, so it matches nothing; use `.*`",
                );
            } else {
                message.push_str(&format!(" matches none of: {}", names.join(", ")));
            }
            message.push(')');
            let pos = cx.locate(source, &format!("{path}.dryRun[{i}].metricName"));
            out.push(Finding::new(self, &source.file, pos, message));
        }
    }
}

const DOCS: &str = "\
## What it does
Flags a `dryRun` rule whose `metricName` matches none of the analysis's metrics. Names are
matched as unanchored Go regular expressions, so the documented wildcard `*` does not
compile and matches nothing (SEMANTICS §9.5).

## Why is this bad?
The controller fails the AnalysisRun (`dryRun[0]: Rule didn't match any metric name(s)`):
the run ends in Error and an inline analysis aborts the Rollout, the opposite of what a
dry run is for.

## Example
```yaml
dryRun:
- metricName: \"*\"
```

## Use instead
```yaml
dryRun:
- metricName: \".*\"
```
";
