//! Every place a Rollout references analysis templates (steps, background, blue-green pre-
//! and post-promotion), with the field path used to locate it, and template look-ups.
//!
//! Depends on `manifest` only.

use crate::manifest::{AnalysisTemplate, Manifests, Rollout, RolloutAnalysis, TemplateRef};
use crate::manifest::{CanaryStep, TemplateKind};

/// Which kind of AnalysisRun the reference creates (SEMANTICS §1.6 `rollout-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// An inline `analysis` step, with its index.
    Step(usize),
    Background,
    PrePromotion,
    PostPromotion,
}

impl RunKind {
    /// Step, pre- and post-promotion runs must end: their metrics need an effective count.
    pub fn must_terminate(self) -> bool {
        !matches!(self, RunKind::Background)
    }
}

/// One analysis reference of a Rollout.
pub struct AnalysisRef<'a> {
    pub rollout: &'a Rollout,
    pub kind: RunKind,
    pub analysis: &'a RolloutAnalysis,
    /// Field path of the `RolloutAnalysis` inside the Rollout document.
    pub path: String,
}

/// Every analysis reference of every Rollout, in document order.
pub fn analysis_refs(m: &Manifests) -> Vec<AnalysisRef<'_>> {
    let mut out = Vec::new();
    for rollout in &m.rollouts {
        let mut push = |kind, analysis, path: String| {
            out.push(AnalysisRef {
                rollout,
                kind,
                analysis,
                path,
            })
        };
        if let Some(c) = &rollout.strategy.canary {
            if let Some(bg) = &c.analysis {
                push(
                    RunKind::Background,
                    &bg.analysis,
                    "spec.strategy.canary.analysis".into(),
                );
            }
            for (i, step) in c.steps.iter().enumerate() {
                for action in &step.actions {
                    if let CanaryStep::Analysis(a) = action {
                        let path = format!("spec.strategy.canary.steps[{i}].analysis");
                        push(RunKind::Step(i), a, path);
                    }
                }
            }
        }
        if let Some(bg) = &rollout.strategy.blue_green {
            let base = "spec.strategy.blueGreen";
            if let Some(a) = &bg.pre_promotion_analysis {
                let path = format!("{base}.prePromotionAnalysis");
                push(RunKind::PrePromotion, a, path);
            }
            if let Some(a) = &bg.post_promotion_analysis {
                let path = format!("{base}.postPromotionAnalysis");
                push(RunKind::PostPromotion, a, path);
            }
        }
    }
    out
}

/// Every template, namespaced first, then cluster-scoped.
pub fn all_templates(m: &Manifests) -> impl Iterator<Item = &AnalysisTemplate> {
    m.analysis_templates
        .iter()
        .chain(&m.cluster_analysis_templates)
}

/// The template a reference names, if it was linted.
pub fn find_template<'a>(m: &'a Manifests, r: &TemplateRef) -> Option<&'a AnalysisTemplate> {
    let pool = if r.cluster_scope {
        &m.cluster_analysis_templates
    } else {
        &m.analysis_templates
    };
    pool.iter().find(|t| t.name == r.template_name)
}

/// A reference to `t` itself, to flatten a template on its own.
pub fn self_ref(t: &AnalysisTemplate) -> RolloutAnalysis {
    RolloutAnalysis {
        templates: vec![TemplateRef {
            template_name: t.name.clone(),
            cluster_scope: t.kind == TemplateKind::ClusterAnalysisTemplate,
        }],
        ..RolloutAnalysis::default()
    }
}

/// Whether some Rollout in the linted files references `t` (directly).
pub fn is_referenced(m: &Manifests, t: &AnalysisTemplate) -> bool {
    analysis_refs(m).iter().any(|r| {
        r.analysis.templates.iter().any(|tr| {
            tr.template_name == t.name
                && tr.cluster_scope == (t.kind == TemplateKind::ClusterAnalysisTemplate)
        })
    })
}
