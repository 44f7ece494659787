//! Every analysis a Rollout runs (step, background, pre-/post-promotion), flattened with its
//! templates and args, and the queries and timings of its metrics.
//!
//! Depends on `manifest` (`flatten`, `resolve_args`) and `support::{query, sites}`.

use super::query;
use super::sites::Field;
use crate::lint::LintContext;
use crate::manifest::{
    Argument, FlatAnalysis, Metric, Provider, Rollout, RolloutAnalysis, flatten, resolve_args,
};

/// Where a Rollout runs an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// A canary step analysis at this step index.
    Step(usize),
    /// Canary background analysis, from this step index.
    Background(usize),
    PrePromotion,
    PostPromotion,
}

/// One analysis of one Rollout, flattened.
pub struct Use<'a> {
    pub rollout: &'a Rollout,
    pub at: Where,
    pub flat: FlatAnalysis,
    /// Template args merged with the Rollout's (values `None` when from `valueFrom`).
    pub args: Vec<Argument>,
}

impl Use<'_> {
    /// The query of a metric with args substituted (placeholder `ARG` for unknown values).
    pub fn query(&self, m: &Metric) -> Option<Field> {
        match &m.provider {
            Provider::Prometheus(p) => {
                Some(Field::render(&p.query, m.spans.query, &self.args, "ARG"))
            }
            _ => None,
        }
    }

    /// The longest range window (ms) of a metric's query.
    pub fn window(&self, m: &Metric) -> Option<i64> {
        let q = self.query(m)?;
        query::longest_window(&query::parse(&q.text).ok()?.expr)
    }
}

/// The measurement interval of a metric, in ms.
pub fn interval(m: &Metric) -> Option<i64> {
    m.interval_duration().ok().flatten().map(|d| d.millis())
}

/// Every analysis of every Rollout whose templates can be flattened.
pub fn uses<'a>(cx: &'a LintContext) -> Vec<Use<'a>> {
    let mut out = Vec::new();
    for r in &cx.manifests.rollouts {
        let mut add = |at: Where, analysis: &'a RolloutAnalysis| {
            let Ok(flat) = flatten(analysis, cx.manifests) else {
                return;
            };
            let args = resolve_args(&flat.args, &analysis.args, &[])
                .map(|a| a.args)
                .unwrap_or_else(|_| flat.args.clone());
            out.push(Use {
                rollout: r,
                at,
                flat,
                args,
            });
        };
        if let Some(c) = &r.strategy.canary {
            for (i, s) in c.steps.iter().enumerate() {
                for a in &s.actions {
                    if let crate::manifest::CanaryStep::Analysis(ra) = a {
                        add(Where::Step(i), ra);
                    }
                }
            }
            if let Some(b) = &c.analysis {
                let start = usize::try_from(b.starting_step.unwrap_or(0)).unwrap_or(0);
                add(Where::Background(start), &b.analysis);
            }
        }
        if let Some(bg) = &r.strategy.blue_green {
            if let Some(a) = &bg.pre_promotion_analysis {
                add(Where::PrePromotion, a);
            }
            if let Some(a) = &bg.post_promotion_analysis {
                add(Where::PostPromotion, a);
            }
        }
    }
    out
}
