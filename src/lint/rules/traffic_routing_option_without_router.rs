//! RS027 traffic-routing-option-without-router: `scaleDownDelaySeconds`, `dynamicStableScale` or a `setCanaryScale` step in a canary without `trafficRouting`.

use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::CanaryStep;

pub struct TrafficRoutingOptionWithoutRouter;

impl Rule for TrafficRoutingOptionWithoutRouter {
    rule_meta!(
        "RS027",
        "traffic-routing-option-without-router",
        Severity::Error,
        DOCS
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in &cx.manifests.rollouts {
            let Some(c) = &r.strategy.canary else {
                continue;
            };
            if c.traffic_routing.is_some() {
                continue;
            }
            let base = "spec.strategy.canary";
            let mut found: Vec<(String, &str)> = Vec::new();
            if c.scale_down_delay_seconds.is_some() {
                found.push((
                    format!("{base}.scaleDownDelaySeconds"),
                    "Canary scaleDownDelaySeconds can only be used with traffic routing",
                ));
            }
            if c.dynamic_stable_scale {
                found.push((
                    format!("{base}.dynamicStableScale"),
                    "Canary dynamicStableScale can only be used with traffic routing",
                ));
            }
            for (i, step) in c.steps.iter().enumerate() {
                if step
                    .actions
                    .iter()
                    .any(|a| matches!(a, CanaryStep::SetCanaryScale(_)))
                {
                    found.push((
                        format!("{base}.steps[{i}].setCanaryScale"),
                        "SetCanaryScale requires TrafficRouting to be set",
                    ));
                }
            }
            for (path, message) in found {
                let pos = cx.locate(&r.source, &path);
                let message = format!("Rollout '{}': {message}", r.name);
                out.push(Finding::new(self, &r.source.file, pos, message));
            }
        }
    }
}

const DOCS: &str = r#"## What it does
Flags canary settings that only make sense with a traffic router, in a canary without
`trafficRouting`: `scaleDownDelaySeconds`, `dynamicStableScale` and `setCanaryScale` steps.

## Why is this bad?
Without a router the canary weight is the ratio of pods, so these settings cannot work; the
controller rejects the Rollout ("SetCanaryScale requires TrafficRouting to be set", "Canary
scaleDownDelaySeconds can only be used with traffic routing"): InvalidSpec, no progress.

## Example
```yaml
canary:
  steps:
  - setCanaryScale: {replicas: 1}
```

## Use instead
Configure `trafficRouting` (nginx, istio, alb, ...), or use `setWeight` steps.
"#;
