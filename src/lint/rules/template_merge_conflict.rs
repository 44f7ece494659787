//! RS014 template-merge-conflict: templates that one Rollout analysis combines but the
//! controller cannot merge: the same argument with different values, or the same `dryRun`
//! or `measurementRetention` rule twice (SEMANTICS §1.4, §1.6).

use crate::lint::analysis_refs::analysis_refs;
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::flatten;

pub struct TemplateMergeConflict;

impl Rule for TemplateMergeConflict {
    rule_meta!("RS014", "template-merge-conflict", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in analysis_refs(cx.manifests) {
            let Err(e) = flatten(r.analysis, r.manifests()) else {
                continue;
            };
            // Missing templates and duplicate metrics have their own rules (RS011, RS003).
            if e.0.ends_with("not found") || e.0.starts_with("two metrics have the same name") {
                continue;
            }
            let pos = cx.locate(&r.rollout.source, &r.path);
            let message = format!("Rollout '{}' {}: {e}", r.rollout.name, r.path);
            out.push(Finding::new(self, &r.rollout.source.file, pos, message));
        }
    }
}

const DOCS: &str = r#"## What it does
Flags a Rollout analysis whose templates cannot be merged into one AnalysisRun: two
templates give the same argument different values, or the same `dryRun` /
`measurementRetention` metric name appears twice (in the templates or the Rollout).

## Why is this bad?
The controller refuses to build the run (``Argument `x` specified multiple times with
different values: 'a', 'b'``, `two Dry-Run metric rules have the same name 'x'`) and marks
the Rollout InvalidSpec: no progress at all.

## Example
```yaml
# template a: args: [{name: window, value: 5m}]
# template b: args: [{name: window, value: 1m}]
analysis:
  templates:
  - templateName: a
  - templateName: b
```

## Use instead
Give the argument no default in the templates and set it once in the Rollout's
`analysis.args`, or rename one of them.
"#;
