//! RS002 template-without-metrics: an AnalysisTemplate whose metrics (its own and those of the templates
//! it includes) are empty.

use crate::analysis::validate_metrics;
use crate::lint::analysis_refs::all_templates;
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::{RolloutAnalysis, flatten};

pub struct TemplateWithoutMetrics;

impl Rule for TemplateWithoutMetrics {
    rule_meta!("RS002", "template-without-metrics", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for t in all_templates(cx.manifests) {
            if !t.spec.metrics.is_empty() {
                continue;
            }
            // Included templates may bring metrics; a missing one is RS011's finding.
            let nested = RolloutAnalysis {
                templates: t.spec.templates.clone(),
                ..RolloutAnalysis::default()
            };
            let Ok(flat) = flatten(&nested, cx.manifests) else {
                continue;
            };
            if flat.metrics.is_empty() {
                let argo = validate_metrics(&[]).err().unwrap_or_default();
                let pos = cx.locate(&t.source, "metadata.name");
                let message = format!("AnalysisTemplate '{}': {argo}", t.name);
                out.push(Finding::new(self, &t.source.file, pos, message));
            }
        }
    }
}

const DOCS: &str = "\
## What it does
Flags an AnalysisTemplate with no metrics, counting those of the templates it includes.

## Why is this bad?
The AnalysisRun built from it fails validation (`no metrics specified`) and ends in Error,
which aborts the Rollout.

## Example
```yaml
kind: AnalysisTemplate
spec:
  args:
  - name: service
```

## Use instead
```yaml
kind: AnalysisTemplate
spec:
  args:
  - name: service
  metrics:
  - name: error-rate
    successCondition: result[0] < 0.01
    provider:
      prometheus:
        query: ...
```
";
