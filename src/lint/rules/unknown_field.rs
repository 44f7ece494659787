//! RS001 unknown-field: a field the Rollout or AnalysisTemplate CRD does not declare.

use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::Pos;

pub struct UnknownField;

impl Rule for UnknownField {
    rule_meta!("RS001", "unknown-field", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for w in &cx.manifests.warnings {
            let pos = Pos {
                line: w.line,
                column: w.column,
            };
            out.push(Finding::new(self, &w.file, pos, w.message.clone()));
        }
    }
}

const DOCS: &str = "\
## What it does
Reports a field that the CRD schema does not declare, usually a typo or a field at the
wrong indentation.

## Why is this bad?
`kubectl argo rollouts lint` and `kubectl apply` (strict field validation) reject the
object; with lenient validation the API server silently drops the field, so the setting you
wrote (`failureLimit`, `interval`, ...) never takes effect.

## Example
```yaml
metrics:
- name: error-rate
  failurelimit: 3      # lower-case l: unknown, dropped
```

## Use instead
```yaml
metrics:
- name: error-rate
  failureLimit: 3
```
";
