//! RS011 template-not-found: a Rollout (or a template's `templates`) references an
//! AnalysisTemplate that is not in the linted files.

use crate::lint::analysis_refs::{all_templates, analysis_refs, find_template};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::{CanaryStep, Manifests, RolloutAnalysis, Source, TemplateRef, flatten};

pub struct TemplateNotFound;

impl Rule for TemplateNotFound {
    rule_meta!("RS011", "template-not-found", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in analysis_refs(cx.manifests) {
            for (k, tr) in r.analysis.templates.iter().enumerate() {
                let path = format!("{}.templates[{k}].templateName", r.path);
                self.check_ref(cx, r.manifests(), &r.rollout.source, &path, tr, out);
            }
        }
        for t in all_templates(cx.manifests) {
            for (k, tr) in t.spec.templates.iter().enumerate() {
                let path = format!("spec.templates[{k}].templateName");
                self.check_ref(cx, cx.manifests, &t.source, &path, tr, out);
            }
        }
        for rollout in &cx.manifests.rollouts {
            let Some(c) = &rollout.strategy.canary else {
                continue;
            };
            for (i, step) in c.steps.iter().enumerate() {
                for action in &step.actions {
                    let CanaryStep::Experiment(e) = action else {
                        continue;
                    };
                    for (j, a) in e.analyses.iter().enumerate() {
                        let tr = TemplateRef {
                            template_name: a.template_name.clone(),
                            cluster_scope: a.cluster_scope,
                        };
                        let path = format!(
                            "spec.strategy.canary.steps[{i}].experiment.analyses[{j}].templateName"
                        );
                        self.check_ref(cx, cx.manifests, &rollout.source, &path, &tr, out);
                    }
                }
            }
        }
    }
}

impl TemplateNotFound {
    fn check_ref(
        &self,
        cx: &LintContext,
        manifests: &Manifests,
        source: &Source,
        path: &str,
        tr: &TemplateRef,
        out: &mut Vec<Finding>,
    ) {
        if find_template(manifests, tr).is_some() {
            return;
        }
        // The controller's message for this one reference.
        let one = RolloutAnalysis {
            templates: vec![tr.clone()],
            ..RolloutAnalysis::default()
        };
        if let Err(e) = flatten(&one, manifests) {
            let pos = cx.locate(source, path);
            let message = format!("{e} in the linted files");
            out.push(Finding::new(self, &source.file, pos, message));
        }
    }
}

const DOCS: &str = "\
## What it does
Flags a `templateName` (in a Rollout analysis, an experiment analysis, or a template's
`templates` list) that names no AnalysisTemplate (or ClusterAnalysisTemplate, with
`clusterScope: true`) among the linted files.

## Why is this bad?
The controller marks the Rollout InvalidSpec (`AnalysisTemplate 'x' not found`) and it
makes no progress. A typo in the name or a missing `clusterScope: true` are the usual
causes. Lint the Rollout together with its templates so the reference can be checked.

## Example
```yaml
analysis:
  templates:
  - templateName: error-rate     # the template is a ClusterAnalysisTemplate
```

## Use instead
```yaml
analysis:
  templates:
  - templateName: error-rate
    clusterScope: true
```
";
