//! RS023 pause-duration-invalid: a canary `pause.duration` that is negative or not a duration.

use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::CanaryStep;

pub struct PauseDurationInvalid;

impl Rule for PauseDurationInvalid {
    rule_meta!("RS023", "pause-duration-invalid", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in &cx.manifests.rollouts {
            let Some(c) = &r.strategy.canary else {
                continue;
            };
            for (i, step) in c.steps.iter().enumerate() {
                for action in &step.actions {
                    let CanaryStep::Pause { duration: Some(d) } = action else {
                        continue;
                    };
                    if d.duration().is_some() {
                        continue;
                    }
                    let path = format!("spec.strategy.canary.steps[{i}].pause.duration");
                    let pos = cx.locate(&r.source, &path);
                    let shown = match d {
                        crate::manifest::PauseDuration::Seconds(s) => s.to_string(),
                        crate::manifest::PauseDuration::Text(t) => format!("{t:?}"),
                    };
                    let message =
                        format!("pause duration {shown}: Duration needs to be greater than 0");
                    out.push(Finding::new(self, &r.source.file, pos, message));
                }
            }
        }
    }
}

const DOCS: &str = r#"## What it does
Flags a canary `pause.duration` that is negative or cannot be read: an integer is seconds,
a string is an integer or a Go duration (`30s`, `5m`, `1h30m`); `1d` or `5 min` are invalid.

## Why is this bad?
Argo reads an invalid duration as -1 and rejects the Rollout ("Duration needs to be greater
than 0"): it is InvalidSpec and never progresses.

## Example
```yaml
- pause: {duration: 1d}
```

## Use instead
```yaml
- pause: {duration: 24h}
```
"#;
