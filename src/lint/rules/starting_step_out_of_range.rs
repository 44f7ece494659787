//! RS024 starting-step-out-of-range: a background analysis `startingStep` outside the canary steps.

use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct StartingStepOutOfRange;

impl Rule for StartingStepOutOfRange {
    rule_meta!("RS024", "starting-step-out-of-range", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in &cx.manifests.rollouts {
            let Some(c) = &r.strategy.canary else {
                continue;
            };
            let Some(start) = c.analysis.as_ref().and_then(|a| a.starting_step) else {
                continue;
            };
            let steps = i64::try_from(c.steps.len()).unwrap_or(i64::MAX);
            if start >= 0 && (start < steps || start == 0) {
                continue;
            }
            let pos = cx.locate(&r.source, "spec.strategy.canary.analysis.startingStep");
            let message = format!(
                "background analysis startingStep {start} is outside the steps (0 to {}): \
                 the analysis would never start before the Rollout is promoted",
                (steps - 1).max(0)
            );
            out.push(Finding::new(self, &r.source.file, pos, message));
        }
    }
}

const DOCS: &str = r#"## What it does
Flags a background analysis (`strategy.canary.analysis`) whose `startingStep` is negative
or not the index of a canary step.

## Why is this bad?
Background analysis starts once the current step index reaches `startingStep`. Past the
last step that only happens when the Rollout is already fully promoted, so the analysis
never guards the canary; a negative value is rejected by the API server's schema.

## Example
```yaml
strategy:
  canary:
    steps: [{setWeight: 20}, {pause: {duration: 5m}}]
    analysis:
      startingStep: 2
```

## Use instead
```yaml
    analysis:
      startingStep: 1
```
"#;
