//! RS007 provider-not-exactly-one: a metric with no provider, or with several.

use crate::lint::analysis_refs::all_templates;
use crate::lint::argo_metric::{argo_error, blank, provider_count};
use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct ProviderNotExactlyOne;

impl Rule for ProviderNotExactlyOne {
    rule_meta!("RS007", "provider-not-exactly-one", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for t in all_templates(cx.manifests) {
            for m in &t.spec.metrics {
                let probe = crate::analysis::Metric {
                    provider_count: provider_count(&m.provider),
                    ..blank(m)
                };
                if let Some(e) = argo_error(probe) {
                    let pos = m.spans.name.unwrap_or(m.spans.metric);
                    let message = format!("metric '{}': {e}", m.name);
                    out.push(Finding::new(self, &t.source.file, pos, message));
                }
            }
        }
    }
}

const DOCS: &str = "\
## What it does
Flags a metric with no `provider`, or with more than one provider key.

## Why is this bad?
The AnalysisRun fails validation (`no provider specified` / `multiple providers
specified`), ends in Error and aborts the Rollout.

## Example
```yaml
- name: error-rate
  successCondition: result[0] < 0.01
  prometheus:            # not under provider:
    query: ...
```

## Use instead
```yaml
- name: error-rate
  successCondition: result[0] < 0.01
  provider:
    prometheus:
      query: ...
```
";
