//! The engine's input: a resolved Rollout (`RolloutPlan`) and the per-analysis facts it needs.
//!
//! Built by the caller (the manifest loader, or a test) from a Rollout; depends only on
//! `model::time`. Field names follow the Argo Rollouts spec (SEMANTICS.md §1, §4, §5, §6.2).

use crate::model::time::Duration;

/// Index into the caller's table of analyses (`RolloutPlan::analyses`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct AnalysisId(pub usize);

/// Which Rollout is updated, for run names (§1.6) and messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutIdentity {
    /// `metadata.name`.
    pub name: String,
    /// The new pod template hash (`rollouts-pod-template-hash`).
    pub pod_hash: String,
    /// The revision being rolled out (`rollout.argoproj.io/revision`).
    pub revision: u32,
}

/// A metric without an effective count, which makes a step, pre- or post-promotion analysis
/// InvalidSpec (§4.4, §5, §8.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndefiniteMetric {
    pub template: String,
    pub metric: String,
    /// The `count` as written (`""` when absent, `"0"`, ...).
    pub count: String,
}

/// What the engine needs to know about one analysis (a flattened RolloutAnalysis).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnalysisSpec {
    /// Template name(s), used for experiment run names.
    pub name: String,
    /// Metric names in spec order, reported in `AnalysisRunCreated`.
    pub metrics: Vec<String>,
    /// Resolved arguments `(name, value)`, reported in `AnalysisRunCreated`.
    pub args: Vec<(String, String)>,
    /// Set when a metric runs indefinitely (interval without count).
    pub indefinite_metric: Option<IndefiniteMetric>,
}

/// Kubernetes `IntOrString` for `maxSurge` / `maxUnavailable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOrPercent {
    Int(i32),
    Percent(i32),
}

impl IntOrPercent {
    /// Resolves against `replicas`. Mirrors Argo: maxSurge rounds up, maxUnavailable down.
    pub fn resolve(self, replicas: i32, round: Rounding) -> i32 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) => {
                let scaled = i64::from(p) * i64::from(replicas);
                let v = match round {
                    Rounding::Up => (scaled + 99).div_euclid(100),
                    Rounding::Down => scaled.div_euclid(100),
                };
                i32::try_from(v).unwrap_or(i32::MAX)
            }
        }
    }
}

/// How a percentage resolves to a pod count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    Up,
    Down,
}

/// One canary step (`spec.strategy.canary.steps[i]`).
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    SetWeight(i32),
    /// `pause: {duration}`; `None` is an indefinite pause. Negative means unparsable (§6.1).
    Pause(Option<Duration>),
    Analysis(AnalysisId),
    /// Changes replica counts only; the traffic weight is unchanged.
    SetCanaryScale {
        weight: Option<i32>,
        replicas: Option<i32>,
        match_traffic_weight: bool,
    },
    /// Experiment analyses run concurrently; `duration` `None` means until they all complete.
    Experiment {
        duration: Option<Duration>,
        analyses: Vec<AnalysisId>,
    },
    SetHeaderRoute,
    SetMirrorRoute,
    Plugin,
}

impl Step {
    /// The step's kind as Argo spells the field (`setWeight`, `pause`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Step::SetWeight(_) => "setWeight",
            Step::Pause(_) => "pause",
            Step::Analysis(_) => "analysis",
            Step::SetCanaryScale { .. } => "setCanaryScale",
            Step::Experiment { .. } => "experiment",
            Step::SetHeaderRoute => "setHeaderRoute",
            Step::SetMirrorRoute => "setMirrorRoute",
            Step::Plugin => "plugin",
        }
    }

    /// Argo's `CanaryStepString`, used in `Rollout step i/N completed (<this>)`. Mirrors Argo:
    /// header, mirror and plugin steps print as `invalid`.
    pub fn canary_step_string(&self) -> String {
        match self {
            Step::SetWeight(w) => format!("setWeight: {w}"),
            Step::Pause(None) => "pause".to_string(),
            Step::Pause(Some(d)) => format!("pause: {d}"),
            Step::Experiment { .. } => "experiment".to_string(),
            Step::Analysis(_) => "analysis".to_string(),
            Step::SetCanaryScale {
                weight: Some(w), ..
            } => format!("setCanaryScale{{weight: {w}}}"),
            Step::SetCanaryScale {
                match_traffic_weight: true,
                ..
            } => "setCanaryScale{matchTrafficWeight: true}".to_string(),
            Step::SetCanaryScale {
                replicas: Some(r), ..
            } => format!("setCanaryScale{{replicas: {r}}}"),
            _ => "invalid".to_string(),
        }
    }

    /// The step as YAML-ish text for `StepEntered` (`setWeight: 20`, `pause: {}`,
    /// `analysis: {templates: [sr]}`); analyses are named from `analyses`.
    pub fn describe(&self, analyses: &[AnalysisSpec]) -> String {
        let name = |id: &AnalysisId| {
            analyses
                .get(id.0)
                .map_or_else(|| format!("#{}", id.0), |a| a.name.clone())
        };
        match self {
            Step::SetWeight(w) => format!("setWeight: {w}"),
            Step::Pause(None) => "pause: {}".to_string(),
            Step::Pause(Some(d)) => format!("pause: {{duration: {d}}}"),
            Step::Analysis(id) => format!("analysis: {{templates: [{}]}}", name(id)),
            Step::SetCanaryScale {
                weight,
                replicas,
                match_traffic_weight,
            } => format!(
                "setCanaryScale: {{weight: {weight:?}, replicas: {replicas:?}, matchTrafficWeight: {match_traffic_weight}}}"
            ),
            Step::Experiment {
                duration,
                analyses: ids,
            } => {
                let ids: Vec<String> = ids.iter().map(name).collect();
                match duration {
                    Some(d) => format!(
                        "experiment: {{duration: {d}, analyses: [{}]}}",
                        ids.join(", ")
                    ),
                    None => format!("experiment: {{analyses: [{}]}}", ids.join(", ")),
                }
            }
            Step::SetHeaderRoute => "setHeaderRoute".to_string(),
            Step::SetMirrorRoute => "setMirrorRoute".to_string(),
            Step::Plugin => "plugin".to_string(),
        }
    }
}

/// `strategy.canary.analysis`.
#[derive(Debug, Clone, PartialEq)]
pub struct BackgroundAnalysis {
    pub analysis: AnalysisId,
    /// `startingStep`; none behaves like 0.
    pub starting_step: usize,
}

/// `strategy.canary`.
#[derive(Debug, Clone, PartialEq)]
pub struct CanaryPlan {
    pub steps: Vec<Step>,
    pub background: Option<BackgroundAnalysis>,
    /// Name of the traffic router (`istio`, `nginx`, ...); `None` is a basic canary.
    pub traffic_router: Option<String>,
    /// Default 25%.
    pub max_surge: IntOrPercent,
    /// Default 25%; with instant pod readiness it only shapes transitions the engine skips.
    pub max_unavailable: IntOrPercent,
    /// Default 30 s; the weight drops to 0 at once regardless (§4.6).
    pub abort_scale_down_delay: Duration,
    /// How long after a setWeight the router reports the new weight as verified (ALB with
    /// `--aws-verify-target-group`, polled every 10 s); `None`: no verification, the step
    /// completes at once (TRAFFIC.md §2.3, SEMANTICS.md §4.1).
    pub weight_verification: Option<Duration>,
}

impl Default for CanaryPlan {
    fn default() -> Self {
        CanaryPlan {
            steps: Vec::new(),
            background: None,
            traffic_router: None,
            max_surge: IntOrPercent::Percent(25),
            max_unavailable: IntOrPercent::Percent(25),
            abort_scale_down_delay: Duration::from_secs(30),
            weight_verification: None,
        }
    }
}

/// `strategy.blueGreen`.
#[derive(Debug, Clone, PartialEq)]
pub struct BlueGreenPlan {
    pub pre_promotion: Option<AnalysisId>,
    pub post_promotion: Option<AnalysisId>,
    /// Default true.
    pub auto_promotion_enabled: bool,
    /// Default 0 (no countdown).
    pub auto_promotion_seconds: Duration,
    /// Default 30 s; informational (pod counts are not modelled).
    pub scale_down_delay: Duration,
}

impl Default for BlueGreenPlan {
    fn default() -> Self {
        BlueGreenPlan {
            pre_promotion: None,
            post_promotion: None,
            auto_promotion_enabled: true,
            auto_promotion_seconds: Duration::ZERO,
            scale_down_delay: Duration::from_secs(30),
        }
    }
}

/// The rollout strategy.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    Canary(CanaryPlan),
    BlueGreen(BlueGreenPlan),
}

/// Whether a stable ReplicaSet exists; a first deploy skips steps and analysis (§4.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Deploy {
    #[default]
    Update,
    Initial,
}

/// Everything the engine simulates: one update of one Rollout.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutPlan {
    pub identity: RolloutIdentity,
    /// `spec.replicas`, default 1.
    pub replicas: i32,
    pub strategy: Strategy,
    /// Indexed by `AnalysisId`.
    pub analyses: Vec<AnalysisSpec>,
    pub deploy: Deploy,
    /// A spec error found while building the plan (missing template, unresolved argument,
    /// malformed step): the Rollout is InvalidSpec with this error (§8.4).
    pub invalid: Option<String>,
}

impl RolloutPlan {
    /// The analysis behind an id; `None` for an id outside the table.
    pub fn analysis(&self, id: AnalysisId) -> Option<&AnalysisSpec> {
        self.analyses.get(id.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_describe_as_written() {
        let analyses = [AnalysisSpec {
            name: "success-rate".into(),
            ..AnalysisSpec::default()
        }];
        let cases = [
            (Step::SetWeight(20), "setWeight: 20"),
            (Step::Pause(None), "pause: {}"),
            (
                Step::Pause(Some(Duration::from_secs(300))),
                "pause: {duration: 5m}",
            ),
            (
                Step::Analysis(AnalysisId(0)),
                "analysis: {templates: [success-rate]}",
            ),
            (
                Step::Experiment {
                    duration: Some(Duration::from_secs(60)),
                    analyses: vec![AnalysisId(0), AnalysisId(4)],
                },
                "experiment: {duration: 1m, analyses: [success-rate, #4]}",
            ),
        ];
        for (step, want) in cases {
            assert_eq!(step.describe(&analyses), want);
        }
    }

    #[test]
    fn canary_step_strings_match_argo() {
        let scale = |weight, replicas, match_traffic_weight| Step::SetCanaryScale {
            weight,
            replicas,
            match_traffic_weight,
        };
        let cases = [
            (Step::SetWeight(20), "setWeight: 20"),
            (Step::Pause(None), "pause"),
            (Step::Pause(Some(Duration::from_secs(90))), "pause: 1m30s"),
            (Step::Analysis(AnalysisId(0)), "analysis"),
            (scale(Some(5), Some(2), true), "setCanaryScale{weight: 5}"),
            (
                scale(None, Some(2), true),
                "setCanaryScale{matchTrafficWeight: true}",
            ),
            (scale(None, Some(2), false), "setCanaryScale{replicas: 2}"),
            (Step::SetHeaderRoute, "invalid"),
        ];
        for (step, want) in cases {
            assert_eq!(step.canary_step_string(), want);
        }
    }

    #[test]
    fn percentages_resolve_like_argo() {
        assert_eq!(IntOrPercent::Percent(25).resolve(10, Rounding::Up), 3);
        assert_eq!(IntOrPercent::Percent(25).resolve(10, Rounding::Down), 2);
        assert_eq!(IntOrPercent::Percent(25).resolve(1, Rounding::Up), 1);
        assert_eq!(IntOrPercent::Int(2).resolve(10, Rounding::Up), 2);
    }
}
