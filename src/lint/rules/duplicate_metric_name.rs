//! RS003 duplicate-metric-name: two metrics with the same name in one template, or in the
//! templates one Rollout analysis combines.

use crate::analysis::{Metric as RunMetric, validate_metrics};
use crate::lint::analysis_refs::{all_templates, analysis_refs};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::flatten;

pub struct DuplicateMetricName;

impl Rule for DuplicateMetricName {
    rule_meta!("RS003", "duplicate-metric-name", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for t in all_templates(cx.manifests) {
            for (i, m) in t.spec.metrics.iter().enumerate() {
                if !t.spec.metrics[..i].iter().any(|p| p.name == m.name) {
                    continue;
                }
                // Argo's text for the pair, re-indexed to this metric.
                let pair = [RunMetric::named(&m.name), RunMetric::named(&m.name)];
                let Err(e) = validate_metrics(&pair) else {
                    continue;
                };
                let message = e.replacen("metrics[1]", &format!("metrics[{i}]"), 1);
                let pos = m.spans.name.unwrap_or(m.spans.metric);
                out.push(Finding::new(self, &t.source.file, pos, message));
            }
        }
        for r in analysis_refs(cx.manifests) {
            if let Err(e) = flatten(r.analysis, r.manifests())
                && e.0.starts_with("two metrics have the same name")
            {
                let pos = cx.locate(&r.rollout.source, &r.path);
                let message = format!("Rollout '{}' {}: {e}", r.rollout.name, r.path);
                out.push(Finding::new(self, &r.rollout.source.file, pos, message));
            }
        }
    }
}

const DOCS: &str = "\
## What it does
Flags two metrics with the same name, within one AnalysisTemplate or across the templates a
Rollout analysis references together.

## Why is this bad?
Within a template the AnalysisRun fails validation (`duplicate name 'x'`) and ends in Error;
across templates the controller refuses to build the run (`two metrics have the same name
'x'`) and the Rollout becomes InvalidSpec. Either way the rollout stops.

## Example
```yaml
metrics:
- name: error-rate
  ...
- name: error-rate
  ...
```

## Use instead
Give every metric a distinct name (`error-rate`, `error-rate-5xx`).
";
