//! Every place a Rollout references analysis templates (steps, background, blue-green pre-
//! and post-promotion), with the field path used to locate it, and template look-ups.
//!
//! Depends on `manifest` only.

use std::borrow::Cow;
use std::collections::HashSet;
use std::rc::Rc;

use crate::manifest::{AnalysisTemplate, Manifests, Rollout, RolloutAnalysis, TemplateRef};
use crate::manifest::{Argument, CanaryStep, flatten};

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
    /// The templates this Rollout can see (see [`scope_for`]).
    pub scope: Rc<Cow<'a, Manifests>>,
}

impl AnalysisRef<'_> {
    /// The manifests to resolve this reference's templates in.
    pub fn manifests(&self) -> &Manifests {
        &self.scope
    }
}

/// Every analysis reference of every Rollout, in document order.
pub fn analysis_refs(m: &Manifests) -> Vec<AnalysisRef<'_>> {
    let mut out = Vec::new();
    let ambiguous = has_duplicate_names(m);
    for rollout in &m.rollouts {
        let scope = Rc::new(if ambiguous {
            Cow::Owned(scope_for(m, rollout))
        } else {
            Cow::Borrowed(m)
        });
        let mut push = |kind, analysis, path: String| {
            out.push(AnalysisRef {
                rollout,
                kind,
                analysis,
                path,
                scope: Rc::clone(&scope),
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

/// Whether two templates of the same kind share a name (several projects linted together).
fn has_duplicate_names(m: &Manifests) -> bool {
    [&m.analysis_templates, &m.cluster_analysis_templates]
        .iter()
        .any(|pool| {
            let mut seen = HashSet::new();
            pool.iter().any(|t| !seen.insert(t.name.as_str()))
        })
}

/// The templates `rollout` can reference when names collide: namespaced templates in its
/// namespace (or without one), those from the Rollout's own file first, so `flatten`'s
/// first-match look-up finds the nearest one.
pub fn scope_for(m: &Manifests, rollout: &Rollout) -> Manifests {
    let near = |t: &&AnalysisTemplate| t.source.file == rollout.source.file;
    let ordered = |pool: &[AnalysisTemplate], namespaced: bool| -> Vec<AnalysisTemplate> {
        let visible: Vec<&AnalysisTemplate> = pool
            .iter()
            .filter(|t| {
                !namespaced
                    || t.namespace.is_none()
                    || rollout.namespace.is_none()
                    || t.namespace == rollout.namespace
            })
            .collect();
        let (same, other): (Vec<_>, Vec<_>) = visible.into_iter().partition(near);
        same.into_iter().chain(other).cloned().collect()
    };
    Manifests {
        rollouts: Vec::new(),
        analysis_templates: ordered(&m.analysis_templates, true),
        cluster_analysis_templates: ordered(&m.cluster_analysis_templates, false),
        warnings: Vec::new(),
    }
}

/// A template's own metric names and args plus those of the templates it includes (when
/// they are all found), as a run built from it alone would have.
pub fn template_scope(t: &AnalysisTemplate, m: &Manifests) -> (Vec<String>, Vec<Argument>) {
    let mut names: Vec<String> = t.spec.metrics.iter().map(|x| x.name.clone()).collect();
    let mut args = t.spec.args.clone();
    let nested = RolloutAnalysis {
        templates: t.spec.templates.clone(),
        ..RolloutAnalysis::default()
    };
    if let Ok(flat) = flatten(&nested, m) {
        names.extend(flat.metrics.into_iter().map(|x| x.name));
        args.extend(flat.args);
    }
    (names, args)
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
