//! RS026 max-surge-and-unavailable-zero: a canary with both `maxSurge` and `maxUnavailable` set to 0.

use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::IntOrString;

pub struct MaxSurgeAndUnavailableZero;

impl Rule for MaxSurgeAndUnavailableZero {
    rule_meta!(
        "RS026",
        "max-surge-and-unavailable-zero",
        Severity::Error,
        DOCS
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in &cx.manifests.rollouts {
            let Some(c) = &r.strategy.canary else {
                continue;
            };
            if !(zero(&c.max_surge) && zero(&c.max_unavailable)) {
                continue;
            }
            let pos = cx.locate(&r.source, "spec.strategy.canary.maxSurge");
            let message = format!(
                "Rollout '{}': MaxSurge and MaxUnavailable both can not be zero",
                r.name
            );
            out.push(Finding::new(self, &r.source.file, pos, message));
        }
    }
}

/// Argo scales percentages against 100, rounding up: only `0` and `0%` give 0.
fn zero(v: &Option<IntOrString>) -> bool {
    match v {
        Some(IntOrString::Int(0)) => true,
        Some(IntOrString::Str(s)) => matches!(s.trim(), "0" | "0%"),
        _ => false,
    }
}

const DOCS: &str = r#"## What it does
Flags a canary strategy whose `maxSurge` and `maxUnavailable` are both 0 (or `0%`).

## Why is this bad?
The controller could neither add a canary pod nor remove a stable one, so it rejects the
Rollout ("MaxSurge and MaxUnavailable both can not be zero"): InvalidSpec, no progress.

## Example
```yaml
canary:
  maxSurge: 0
  maxUnavailable: 0
```

## Use instead
```yaml
canary:
  maxSurge: 1
  maxUnavailable: 0
```
"#;
