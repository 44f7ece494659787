//! RS004 count-limit-inconsistent: `count` smaller than what `failureLimit`,
//! `consecutiveSuccessLimit` or `inconclusiveLimit` need, or limits out of range.

use crate::lint::analysis_refs::all_templates;
use crate::lint::argo_metric::{argo_error, blank, int, templated};
use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct CountLimitInconsistent;

impl Rule for CountLimitInconsistent {
    rule_meta!("RS004", "count-limit-inconsistent", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for t in all_templates(cx.manifests) {
            for m in &t.spec.metrics {
                let fields = [
                    &m.count,
                    &m.failure_limit,
                    &m.inconclusive_limit,
                    &m.consecutive_error_limit,
                    &m.consecutive_success_limit,
                ];
                if fields.iter().any(|f| templated(f)) {
                    continue;
                }
                // Only the count and limit fields; an interval so RS005 stays RS005's.
                let probe = crate::analysis::Metric {
                    interval: Some("1m".into()),
                    count: int(&m.count),
                    failure_limit: int(&m.failure_limit),
                    inconclusive_limit: int(&m.inconclusive_limit),
                    consecutive_error_limit: int(&m.consecutive_error_limit),
                    consecutive_success_limit: int(&m.consecutive_success_limit),
                    ..blank(m)
                };
                if let Some(e) = argo_error(probe) {
                    let pos = m
                        .spans
                        .count
                        .or(m.spans.failure_limit)
                        .or(m.spans.name)
                        .unwrap_or(m.spans.metric);
                    let message = format!("metric '{}': {e}", m.name);
                    out.push(Finding::new(self, &t.source.file, pos, message));
                }
            }
        }
    }
}

const DOCS: &str = "\
## What it does
Checks `count` against `failureLimit`, `consecutiveSuccessLimit` and `inconclusiveLimit`,
and the limits' ranges, with the controller's rules (SEMANTICS §2.9).

## Why is this bad?
The AnalysisRun fails validation and ends in Error before taking a measurement, which
aborts the Rollout. For example `count: 3` with `failureLimit: 3` can never fail (4 failures
are needed, only 3 measurements are taken), and the controller rejects it.

## Example
```yaml
- name: error-rate
  interval: 1m
  count: 2
  failureLimit: 3
```

## Use instead
```yaml
- name: error-rate
  interval: 1m
  count: 5
  failureLimit: 3
```
";
