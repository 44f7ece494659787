//! RS005 count-without-interval: `count` > 1 with no `interval`.

use crate::lint::analysis_refs::all_templates;
use crate::lint::argo_metric::{argo_error, blank, int, templated_str};
use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct CountWithoutInterval;

impl Rule for CountWithoutInterval {
    rule_meta!("RS005", "count-without-interval", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for t in all_templates(cx.manifests) {
            for m in &t.spec.metrics {
                let has_interval = m.interval.as_deref().is_some_and(|i| !i.is_empty());
                if templated_str(&m.interval) || has_interval {
                    continue;
                }
                let Some(count) = int(&m.count) else { continue };
                // Limits large enough that only the interval rule can fire.
                let probe = crate::analysis::Metric {
                    count: Some(count),
                    ..blank(m)
                };
                if let Some(e) = argo_error(probe)
                    && e.contains("interval")
                {
                    let pos = m.spans.count.unwrap_or(m.spans.metric);
                    let message = format!("metric '{}': {e}", m.name);
                    out.push(Finding::new(self, &t.source.file, pos, message));
                }
            }
        }
    }
}

const DOCS: &str = "\
## What it does
Flags a metric with `count` greater than 1 and no `interval`.

## Why is this bad?
The controller cannot space the measurements: the AnalysisRun fails validation
(`interval must be specified when count > 1`), ends in Error and aborts the Rollout.

## Example
```yaml
- name: error-rate
  count: 5
```

## Use instead
```yaml
- name: error-rate
  interval: 1m
  count: 5
```
";
