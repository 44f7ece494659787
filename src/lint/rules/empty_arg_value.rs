//! RS010 empty-arg-value: an argument that resolves to an empty string.

use crate::lint::analysis_refs::{all_templates, analysis_refs};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::{Argument, Pos, Source, flatten};

pub struct EmptyArgValue;

impl Rule for EmptyArgValue {
    rule_meta!("RS010", "empty-arg-value", Severity::Warning, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for t in all_templates(cx.manifests) {
            for (j, a) in t.spec.args.iter().enumerate() {
                if a.value.as_deref() == Some("") {
                    let pos = arg_pos(cx, &t.source, &format!("spec.args[{j}]"));
                    let message = format!("argument `{}` defaults to an empty string", a.name);
                    out.push(Finding::new(self, &t.source.file, pos, message));
                }
            }
        }
        for r in analysis_refs(cx.manifests) {
            // Args no template declares are dropped by the controller: not empty, unused.
            let declared = flatten(r.analysis, r.manifests()).ok().map(|f| f.args);
            for (j, a) in r.analysis.args.iter().enumerate() {
                let used = declared
                    .as_ref()
                    .is_none_or(|d| d.iter().any(|x| x.name == a.name));
                if !used || !empty(a) {
                    continue;
                }
                let pos = arg_pos(cx, &r.rollout.source, &format!("{}.args[{j}]", r.path));
                let message = format!(
                    "argument `{}` resolves to an empty string (a Rollout argument without \
                     `value` or `valueFrom` overrides the template's default with \"\")",
                    a.name
                );
                out.push(Finding::new(self, &r.rollout.source.file, pos, message));
            }
        }
    }
}

/// The arg's `value`, else its `name`, else the document.
fn arg_pos(cx: &LintContext, source: &Source, path: &str) -> Pos {
    cx.try_locate(source, &format!("{path}.value"))
        .or_else(|| cx.try_locate(source, &format!("{path}.name")))
        .unwrap_or(source.pos)
}

/// Mirrors Argo: a Rollout arg always gives a string, `""` when `value` is omitted.
fn empty(a: &Argument) -> bool {
    a.value_from.is_none() && a.value.as_deref().is_none_or(str::is_empty)
}

const DOCS: &str = "\
## What it does
Flags template arguments whose default is `\"\"` and Rollout arguments that resolve to an
empty string, including a Rollout argument written without `value` (SEMANTICS §1.4: it
overrides the template default with `\"\"`).

## Why is this bad?
An empty value turns `{service=\"{{args.service}}\"}` into `{service=\"\"}`, which matches
only series *without* a `service` label: the query returns nothing or the whole fleet, and
the analysis measures the wrong thing without any error.

## Example
```yaml
analysis:
  templates:
  - templateName: error-rate
  args:
  - name: service        # no value
```

## Use instead
```yaml
  args:
  - name: service
    value: checkout
```
";
