//! Builds the step engine's input (`sim::RolloutPlan`) from a loaded Rollout, preparing
//! every analysis it references: steps, background analysis, experiments, blue-green
//! pre- and post-promotion (SEMANTICS.md §1.6, §4, §5).

use super::prepare::{PreparedAnalysis, prepare};
use crate::manifest::{
    self, BlueGreenStrategy, CanaryStep, CanaryStrategy, IntOrString, Manifests, Rollout,
    RolloutAnalysis, TemplateRef,
};
use crate::model::Duration;
use crate::sim::{self, AnalysisId, AnalysisSpec, RolloutPlan};

/// A plan plus, per `AnalysisId`, what its runs measure.
#[derive(Debug)]
pub struct Built {
    pub plan: RolloutPlan,
    pub analyses: Vec<PreparedAnalysis>,
    /// Args rollsim cannot read offline (secret, field references) that no override supplied.
    pub unresolved_args: Vec<String>,
}

impl Built {
    /// One warning per argument rollsim cannot read offline and no override supplied.
    pub fn arg_warnings(&self) -> impl Iterator<Item = String> + '_ {
        self.unresolved_args.iter().map(|arg| {
            format!(
                "argument {arg:?} comes from a valueFrom rollsim cannot read offline and has no value; pass --arg {arg}=VALUE (or set it in the scenario's args:)"
            )
        })
    }
}

/// Collects analyses; the first spec error is the Rollout's InvalidSpec reason.
struct Builder<'a> {
    manifests: &'a Manifests,
    overrides: &'a [(String, String)],
    analyses: Vec<PreparedAnalysis>,
    specs: Vec<AnalysisSpec>,
    invalid: Option<String>,
}

impl Builder<'_> {
    fn add(&mut self, analysis: &RolloutAnalysis) -> AnalysisId {
        let prepared = match prepare(analysis, self.manifests, self.overrides) {
            Ok(p) => p,
            Err(e) => {
                self.invalid.get_or_insert(e);
                PreparedAnalysis::empty(&names(&analysis.templates))
            }
        };
        self.specs.push(AnalysisSpec {
            name: prepared.name.clone(),
            metrics: prepared.metrics.iter().map(|m| m.name.clone()).collect(),
            args: prepared.args.clone(),
            indefinite_metric: prepared
                .indefinite
                .clone()
                .map(|(template, metric, count)| sim::IndefiniteMetric {
                    template,
                    metric,
                    count,
                }),
        });
        self.analyses.push(prepared);
        AnalysisId(self.analyses.len() - 1)
    }
}

fn names(refs: &[TemplateRef]) -> String {
    refs.iter()
        .map(|r| r.template_name.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Plans the update of `rollout` to a new revision (`pod_hash`, `revision` name its runs).
pub fn build(rollout: &Rollout, manifests: &Manifests, overrides: &[(String, String)]) -> Built {
    let mut b = Builder {
        manifests,
        overrides,
        analyses: Vec::new(),
        specs: Vec::new(),
        invalid: None,
    };
    let strategy = match (&rollout.strategy.canary, &rollout.strategy.blue_green) {
        (Some(c), None) => sim::Strategy::Canary(canary(c, &mut b)),
        (None, Some(g)) => sim::Strategy::BlueGreen(blue_green(g, &mut b)),
        (Some(c), Some(_)) => {
            b.invalid.get_or_insert("spec.strategy: Invalid value: \"blueGreen\": blueGreen and canary are mutually exclusive".into());
            sim::Strategy::Canary(canary(c, &mut b))
        }
        (None, None) => {
            b.invalid.get_or_insert(
                "spec.strategy: Invalid value: \"\": Strategy must be one of canary or blueGreen"
                    .into(),
            );
            sim::Strategy::Canary(sim::CanaryPlan::default())
        }
    };
    let mut unresolved: Vec<String> = b
        .analyses
        .iter()
        .flat_map(|a| a.unresolved.iter().cloned())
        .collect();
    unresolved.sort();
    unresolved.dedup();
    Built {
        plan: RolloutPlan {
            identity: sim::RolloutIdentity {
                name: rollout.name.clone(),
                pod_hash: "canary".into(),
                revision: 2,
            },
            replicas: i32::try_from(rollout.replicas).unwrap_or(i32::MAX),
            strategy,
            analyses: b.specs,
            deploy: sim::Deploy::Update,
            invalid: b.invalid,
        },
        analyses: b.analyses,
        unresolved_args: unresolved,
    }
}

fn canary(c: &CanaryStrategy, b: &mut Builder) -> sim::CanaryPlan {
    let mut steps = Vec::with_capacity(c.steps.len());
    for (i, step) in c.steps.iter().enumerate() {
        match step.action() {
            Some(action) => steps.push(canary_step(action, b)),
            None => {
                b.invalid.get_or_insert(format!(
                    "spec.strategy.canary.steps[{i}]: Invalid value: \"...\": Step must have one of the following set: experiment, setWeight, setCanaryScale or pause"
                ));
                steps.push(sim::Step::Plugin);
            }
        }
    }
    let background = c.analysis.as_ref().map(|bg| sim::BackgroundAnalysis {
        analysis: b.add(&bg.analysis),
        starting_step: bg
            .starting_step
            .map_or(0, |s| usize::try_from(s).unwrap_or(0)),
    });
    let defaults = sim::CanaryPlan::default();
    sim::CanaryPlan {
        steps,
        background,
        traffic_router: c
            .traffic_routing
            .as_ref()
            .and_then(|t| t.router())
            .map(str::to_string),
        max_surge: c
            .max_surge
            .as_ref()
            .map_or(defaults.max_surge, int_or_percent),
        max_unavailable: c
            .max_unavailable
            .as_ref()
            .map_or(defaults.max_unavailable, int_or_percent),
        abort_scale_down_delay: c
            .abort_scale_down_delay_seconds
            .map_or(defaults.abort_scale_down_delay, Duration::from_secs),
        // Recorded data cannot tell whether the controller verifies weights; a world can.
        weight_verification: None,
    }
}

fn canary_step(action: &CanaryStep, b: &mut Builder) -> sim::Step {
    match action {
        CanaryStep::SetWeight(w) => sim::Step::SetWeight(i32::try_from(*w).unwrap_or(i32::MAX)),
        // An invalid duration reads as -1 s, which the engine reports as InvalidSpec.
        CanaryStep::Pause { duration } => {
            sim::Step::Pause(duration.as_ref().map(|d| Duration::from_secs(d.seconds())))
        }
        CanaryStep::Analysis(a) => sim::Step::Analysis(b.add(a)),
        CanaryStep::SetCanaryScale(s) => sim::Step::SetCanaryScale {
            weight: s.weight.and_then(|w| i32::try_from(w).ok()),
            replicas: s.replicas.and_then(|r| i32::try_from(r).ok()),
            match_traffic_weight: s.match_traffic_weight,
        },
        CanaryStep::Experiment(e) => sim::Step::Experiment {
            duration: e
                .duration
                .as_deref()
                .and_then(|d| manifest::parse_go_duration_ms(d).ok()),
            analyses: e
                .analyses
                .iter()
                .map(|a| {
                    b.add(&RolloutAnalysis {
                        templates: vec![TemplateRef {
                            template_name: a.template_name.clone(),
                            cluster_scope: a.cluster_scope,
                        }],
                        args: a.args.clone(),
                        ..Default::default()
                    })
                })
                .collect(),
        },
        CanaryStep::SetHeaderRoute(_) => sim::Step::SetHeaderRoute,
        CanaryStep::SetMirrorRoute(_) => sim::Step::SetMirrorRoute,
        CanaryStep::Plugin(_) => sim::Step::Plugin,
    }
}

fn blue_green(g: &BlueGreenStrategy, b: &mut Builder) -> sim::BlueGreenPlan {
    let defaults = sim::BlueGreenPlan::default();
    sim::BlueGreenPlan {
        pre_promotion: g.pre_promotion_analysis.as_ref().map(|a| b.add(a)),
        post_promotion: g.post_promotion_analysis.as_ref().map(|a| b.add(a)),
        auto_promotion_enabled: g.auto_promotion_enabled,
        auto_promotion_seconds: g
            .auto_promotion_seconds
            .map_or(defaults.auto_promotion_seconds, Duration::from_secs),
        scale_down_delay: g
            .scale_down_delay_seconds
            .map_or(defaults.scale_down_delay, Duration::from_secs),
    }
}

/// `maxSurge`/`maxUnavailable`: an int, or a percentage string (`"25%"`, or `"25"` as Argo
/// reads it).
fn int_or_percent(v: &IntOrString) -> sim::IntOrPercent {
    match v {
        IntOrString::Int(n) => sim::IntOrPercent::Int(i32::try_from(*n).unwrap_or(i32::MAX)),
        IntOrString::Str(s) => {
            let p = s.trim().trim_end_matches('%').parse().unwrap_or(25);
            sim::IntOrPercent::Percent(p)
        }
    }
}
