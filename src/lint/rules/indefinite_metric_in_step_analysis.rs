//! RS008 indefinite-metric-in-step-analysis: a step, pre-promotion or post-promotion
//! analysis with a metric that never ends (an interval and no effective count).

use crate::lint::analysis_refs::{RunKind, analysis_refs};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::{Argument, IntOrString, Metric, TemplateKind, flatten, render_metric};

pub struct IndefiniteMetricInStepAnalysis;

impl Rule for IndefiniteMetricInStepAnalysis {
    rule_meta!(
        "RS008",
        "indefinite-metric-in-step-analysis",
        Severity::Error,
        DOCS
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in analysis_refs(cx.manifests) {
            if !r.kind.must_terminate() {
                continue;
            }
            let Ok(flat) = flatten(r.analysis, r.manifests()) else {
                continue;
            };
            // Mirrors Argo: args without a default get a placeholder, whatever the Rollout
            // supplies (SEMANTICS §8.4).
            let args: Vec<Argument> = flat
                .args
                .iter()
                .map(|a| Argument {
                    value: Some(a.value.clone().unwrap_or_else(|| "dummy-value".into())),
                    ..a.clone()
                })
                .collect();
            for (kind, name) in &flat.templates {
                let scope = r.manifests();
                let pool = match kind {
                    TemplateKind::AnalysisTemplate => &scope.analysis_templates,
                    TemplateKind::ClusterAnalysisTemplate => &scope.cluster_analysis_templates,
                };
                let Some(t) = pool.iter().find(|t| &t.name == name) else {
                    continue;
                };
                for m in &t.spec.metrics {
                    let Some(count) = indefinite(m, &args) else {
                        continue;
                    };
                    let pos = cx.locate(&r.rollout.source, &r.path);
                    let message = format!(
                        "{} analysis of Rollout '{}': AnalysisTemplate {} has metric {} which \
                         runs indefinitely. Invalid value for count: {count}",
                        kind_name(r.kind),
                        r.rollout.name,
                        t.name,
                        m.name
                    );
                    out.push(Finding::new(self, &r.rollout.source.file, pos, message));
                }
            }
        }
    }
}

/// Argo's `EffectiveCount() == nil`: count unset or 0 (after templating) with an interval.
/// Returns the count as Go prints it (`<nil>`, `0`).
fn indefinite(m: &Metric, args: &[Argument]) -> Option<String> {
    let m = render_metric(m, args).ok()?;
    let has_interval = m.interval.as_deref().is_some_and(|i| !i.is_empty());
    let count = m.count.as_ref().map(IntOrString::int_value).unwrap_or(0);
    if !has_interval || count != 0 {
        return None;
    }
    Some(match &m.count {
        None => "<nil>".to_string(),
        Some(IntOrString::Int(i)) => i.to_string(),
        Some(IntOrString::Str(s)) => s.clone(),
    })
}

fn kind_name(k: RunKind) -> String {
    match k {
        RunKind::Step(i) => format!("step {i}"),
        RunKind::Background => "background".into(),
        RunKind::PrePromotion => "pre-promotion".into(),
        RunKind::PostPromotion => "post-promotion".into(),
    }
}

const DOCS: &str = "\
## What it does
Flags an inline (step), pre-promotion or post-promotion analysis that references a metric
with an `interval` and no `count` (or `count: 0`).

## Why is this bad?
Such a metric measures forever, so the step could never complete. The controller rejects
the Rollout as InvalidSpec (`AnalysisTemplate t has metric m which runs indefinitely.
Invalid value for count: <nil>`): phase Degraded, no progress at all. The check substitutes
`dummy-value` for arguments without a default, so `count: \"{{args.n}}\"` without a default
fails even when the Rollout supplies `n`. Background analysis may run indefinitely.

## Example
```yaml
steps:
- analysis:
    templates:
    - templateName: error-rate   # metric with interval: 1m and no count
```

## Use instead
Give the metric a `count` (`count: 5`), or run the template as background analysis
(`strategy.canary.analysis`).
";
