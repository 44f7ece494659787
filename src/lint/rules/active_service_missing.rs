//! RS025 active-service-missing: a blue-green Rollout without `activeService`, or with the same service as `previewService`.

use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct ActiveServiceMissing;

impl Rule for ActiveServiceMissing {
    rule_meta!("RS025", "active-service-missing", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in &cx.manifests.rollouts {
            let Some(bg) = &r.strategy.blue_green else {
                continue;
            };
            let (path, message) = if bg.active_service.is_empty() {
                (
                    "spec.strategy.blueGreen",
                    "spec.strategy.blueGreen.activeService: Required value".to_string(),
                )
            } else if bg.preview_service.as_deref() == Some(bg.active_service.as_str()) {
                (
                    "spec.strategy.blueGreen.previewService",
                    "This rollout uses the same service for the active and preview services, \
                     but two different services are required."
                        .to_string(),
                )
            } else {
                continue;
            };
            let pos = cx.locate(&r.source, path);
            let message = format!("Rollout '{}': {message}", r.name);
            out.push(Finding::new(self, &r.source.file, pos, message));
        }
    }
}

const DOCS: &str = r#"## What it does
Flags a blue-green Rollout without `activeService`, or whose `previewService` is the same
service as `activeService`.

## Why is this bad?
The active service is how blue-green switches traffic; the API server requires it, and the
controller rejects the same service for both roles: the Rollout never progresses.

## Example
```yaml
blueGreen:
  activeService: web
  previewService: web
```

## Use instead
```yaml
blueGreen:
  activeService: web
  previewService: web-preview
```
"#;
