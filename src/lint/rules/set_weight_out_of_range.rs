//! RS022 set-weight-out-of-range: a `setWeight` below 0 or above `maxTrafficWeight` (default 100).

use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::CanaryStep;

pub struct SetWeightOutOfRange;

impl Rule for SetWeightOutOfRange {
    rule_meta!("RS022", "set-weight-out-of-range", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in &cx.manifests.rollouts {
            let Some(c) = &r.strategy.canary else {
                continue;
            };
            let max = c
                .traffic_routing
                .as_ref()
                .and_then(|t| t.max_traffic_weight)
                .unwrap_or(100);
            for (i, step) in c.steps.iter().enumerate() {
                for action in &step.actions {
                    let CanaryStep::SetWeight(w) = action else {
                        continue;
                    };
                    if (0..=max).contains(w) {
                        continue;
                    }
                    let path = format!("spec.strategy.canary.steps[{i}].setWeight");
                    let pos = cx.locate(&r.source, &path);
                    let mut message =
                        format!("setWeight {w}: SetWeight needs to be between 0 and 100");
                    if max != 100 {
                        message.push_str(&format!(" (maxTrafficWeight is {max})"));
                    }
                    out.push(Finding::new(self, &r.source.file, pos, message));
                }
            }
        }
    }
}

const DOCS: &str = r#"## What it does
Flags a canary `setWeight` outside `[0, maxTrafficWeight]` (100 unless
`trafficRouting.maxTrafficWeight` says otherwise).

## Why is this bad?
The controller rejects the Rollout ("SetWeight needs to be between 0 and 100"); it is
InvalidSpec and never progresses.

## Example
```yaml
- setWeight: 120
```

## Use instead
```yaml
- setWeight: 100
```
"#;
