//! RS006 interval-without-unit: an `interval` or `initialDelay` that is not a Go duration
//! (`"60"` without a unit, `1d`, `5 m`).

use crate::lint::analysis_refs::all_templates;
use crate::lint::argo_metric::{argo_error, blank, templated_str};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::Pos;

pub struct IntervalWithoutUnit;

impl Rule for IntervalWithoutUnit {
    rule_meta!("RS006", "interval-without-unit", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for t in all_templates(cx.manifests) {
            for m in &t.spec.metrics {
                let fields: [(&Option<String>, Option<Pos>, bool); 2] = [
                    (&m.interval, m.spans.interval, true),
                    (&m.initial_delay, m.spans.initial_delay, false),
                ];
                for (value, span, is_interval) in fields {
                    if value.is_none() || templated_str(value) {
                        continue;
                    }
                    let mut probe = blank(m);
                    if is_interval {
                        probe.interval = value.clone();
                    } else {
                        probe.initial_delay = value.clone();
                    }
                    if let Some(e) = argo_error(probe) {
                        let pos = span.unwrap_or(m.spans.metric);
                        let message = format!("metric '{}': {e}", m.name);
                        out.push(Finding::new(self, &t.source.file, pos, message));
                    }
                }
            }
        }
    }
}

const DOCS: &str = "\
## What it does
Flags an `interval` or `initialDelay` that is not a Go duration: a bare number such as
`\"60\"`, a day unit (`1d`), or spaces.

## Why is this bad?
These fields are Go durations, not seconds. The AnalysisRun fails validation
(`invalid interval string: time: missing unit in duration \"60\"`), ends in Error and aborts
the Rollout. (Canary `pause.duration` does accept bare seconds, which is why the mistake is
common.)

## Example
```yaml
- name: error-rate
  interval: \"60\"
```

## Use instead
```yaml
- name: error-rate
  interval: 1m
```
";
