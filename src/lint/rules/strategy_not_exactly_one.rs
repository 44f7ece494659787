//! RS020 strategy-not-exactly-one: a Rollout with neither `canary` nor `blueGreen`, or with both (SEMANTICS §8.2).

use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct StrategyNotExactlyOne;

impl Rule for StrategyNotExactlyOne {
    rule_meta!("RS020", "strategy-not-exactly-one", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in &cx.manifests.rollouts {
            let s = &r.strategy;
            let message = match (&s.canary, &s.blue_green) {
                (None, None) => {
                    "Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'"
                }
                (Some(_), Some(_)) => "Multiple Strategies can not be listed",
                _ => continue,
            };
            let pos = cx.locate(&r.source, "spec.strategy");
            let message = format!("Rollout '{}': {message}", r.name);
            out.push(Finding::new(self, &r.source.file, pos, message));
        }
    }
}

const DOCS: &str = r#"## What it does
Flags a Rollout whose `spec.strategy` sets neither `canary` nor `blueGreen`, or both.

## Why is this bad?
`kubectl argo rollouts lint` and the controller reject it ("Rollout has missing field
'.spec.strategy.canary or .spec.strategy.blueGreen'", "Multiple Strategies can not be
listed"): the Rollout is InvalidSpec and never progresses.

## Example
```yaml
strategy:
  canary: {steps: [{setWeight: 20}]}
  blueGreen: {activeService: web}
```

## Use instead
Keep exactly one strategy.
"#;
