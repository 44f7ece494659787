//! RS028 canary-service-same-as-stable: a canary whose `canaryService` and `stableService` are the same service.

use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct CanaryServiceSameAsStable;

impl Rule for CanaryServiceSameAsStable {
    rule_meta!(
        "RS028",
        "canary-service-same-as-stable",
        Severity::Error,
        DOCS
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in &cx.manifests.rollouts {
            let Some(c) = &r.strategy.canary else {
                continue;
            };
            let (Some(canary), Some(stable)) = (&c.canary_service, &c.stable_service) else {
                continue;
            };
            if canary.is_empty() || canary != stable {
                continue;
            }
            let pos = cx.locate(&r.source, "spec.strategy.canary.stableService");
            let message = format!(
                "Rollout '{}': This rollout uses the same service for the stable and canary \
                 services, but two different services are required.",
                r.name
            );
            out.push(Finding::new(self, &r.source.file, pos, message));
        }
    }
}

const DOCS: &str = r#"## What it does
Flags a canary whose `canaryService` and `stableService` name the same Service.

## Why is this bad?
The controller points each Service's selector at a different ReplicaSet; one Service cannot
select both. It rejects the Rollout: InvalidSpec, no progress.

## Example
```yaml
canary:
  canaryService: web
  stableService: web
```

## Use instead
```yaml
canary:
  canaryService: web-canary
  stableService: web
```
"#;
