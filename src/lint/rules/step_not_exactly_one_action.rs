//! RS021 step-not-exactly-one-action: a canary step with no action, or with several (`setWeight` and `pause` in one step).

use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct StepNotExactlyOneAction;

impl Rule for StepNotExactlyOneAction {
    rule_meta!(
        "RS021",
        "step-not-exactly-one-action",
        Severity::Error,
        DOCS
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in &cx.manifests.rollouts {
            let Some(c) = &r.strategy.canary else {
                continue;
            };
            for (i, step) in c.steps.iter().enumerate() {
                if step.actions.len() == 1 {
                    continue;
                }
                let pos = cx.locate(&r.source, &format!("spec.strategy.canary.steps[{i}]"));
                let message = format!(
                    "steps[{i}] has {} actions: Step must have one of the following set: \
                     experiment, setWeight, setCanaryScale, plugin or pause",
                    step.actions.len()
                );
                out.push(Finding::new(self, &r.source.file, pos, message));
            }
        }
    }
}

const DOCS: &str = r#"## What it does
Flags a canary step that sets no action, or more than one (for example `setWeight` and
`pause` in the same list item).

## Why is this bad?
The controller rejects the Rollout ("Step must have one of the following set: experiment,
setWeight, setCanaryScale, plugin or pause"). A missing `-` that merges two steps into one
is the usual cause.

## Example
```yaml
steps:
- setWeight: 20
  pause: {duration: 5m}
```

## Use instead
```yaml
steps:
- setWeight: 20
- pause: {duration: 5m}
```
"#;
