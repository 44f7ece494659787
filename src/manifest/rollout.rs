//! Typed mirror of the Rollout CRD: strategy, canary steps, analysis references, traffic
//! routing and blue-green fields, with SEMANTICS.md §6.2 defaults.
//!
//! Depends on `manifest::node`, `manifest::duration`, `manifest::types`.

use super::duration::PauseDuration;
use super::node::{Node, Pos};
use super::types::{Argument, DryRun, IntOrString, MeasurementRetention, Source, TemplateRef};

#[derive(Debug, Clone)]
pub struct Rollout {
    pub name: String,
    pub namespace: Option<String>,
    /// `spec.replicas`, default 1.
    pub replicas: i64,
    pub paused: bool,
    pub progress_deadline_seconds: Option<i64>,
    pub strategy: RolloutStrategy,
    pub source: Source,
}

/// Both are kept so the linter can report "neither" and "both" (§8.2).
#[derive(Debug, Clone, Default)]
pub struct RolloutStrategy {
    pub canary: Option<CanaryStrategy>,
    pub blue_green: Option<BlueGreenStrategy>,
}

#[derive(Debug, Clone, Default)]
pub struct CanaryStrategy {
    pub canary_service: Option<String>,
    pub stable_service: Option<String>,
    pub steps: Vec<Step>,
    pub analysis: Option<BackgroundAnalysis>,
    pub traffic_routing: Option<TrafficRouting>,
    /// Default "25" (25%) when `None`.
    pub max_surge: Option<IntOrString>,
    pub max_unavailable: Option<IntOrString>,
    pub scale_down_delay_seconds: Option<i64>,
    /// Default 30; 0 means never.
    pub abort_scale_down_delay_seconds: Option<i64>,
    pub dynamic_stable_scale: bool,
}

/// One entry of `steps`. A valid step sets exactly one action; the API server accepts more or
/// none, so all are kept and the linter reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub pos: Pos,
    pub actions: Vec<CanaryStep>,
}

impl Step {
    /// The step's action when exactly one is set.
    pub fn action(&self) -> Option<&CanaryStep> {
        match self.actions.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CanaryStep {
    SetWeight(i64),
    /// `duration: None` is an indefinite pause.
    Pause {
        duration: Option<PauseDuration>,
    },
    Analysis(RolloutAnalysis),
    SetCanaryScale(SetCanaryScale),
    Experiment(Experiment),
    /// Opaque no-ops for the simulator.
    SetHeaderRoute(Node),
    SetMirrorRoute(Node),
    Plugin(Node),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetCanaryScale {
    pub weight: Option<i64>,
    pub replicas: Option<i64>,
    pub match_traffic_weight: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    /// Go duration as written.
    pub duration: Option<String>,
    /// Raw `templates[]` (pod specs are irrelevant offline).
    pub templates: Vec<Node>,
    pub analyses: Vec<ExperimentAnalysis>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentAnalysis {
    pub name: String,
    pub template_name: String,
    pub cluster_scope: bool,
    pub args: Vec<Argument>,
    pub required_for_completion: bool,
}

/// A Rollout's reference to analysis templates (`RolloutAnalysis`, §1.6).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RolloutAnalysis {
    pub pos: Pos,
    pub templates: Vec<TemplateRef>,
    pub args: Vec<Argument>,
    pub dry_run: Vec<DryRun>,
    pub measurement_retention: Vec<MeasurementRetention>,
}

/// `strategy.canary.analysis`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BackgroundAnalysis {
    pub analysis: RolloutAnalysis,
    /// `None` behaves like 0.
    pub starting_step: Option<i64>,
}

/// `trafficRouting`: which router(s), with raw configs.
#[derive(Debug, Clone, PartialEq)]
pub struct TrafficRouting {
    /// Router names in document order (`nginx`, `alb`, `istio`, `smi`, `traefik`,
    /// `ambassador`, `appMesh`, `apisix`, `plugins`) and their raw configuration.
    pub routers: Vec<(String, Node)>,
    pub max_traffic_weight: Option<i64>,
    pub managed_routes: Vec<String>,
}

impl TrafficRouting {
    /// The first router named, if any.
    pub fn router(&self) -> Option<&str> {
        self.routers.first().map(|(n, _)| n.as_str())
    }
}

#[derive(Debug, Clone, Default)]
pub struct BlueGreenStrategy {
    pub active_service: String,
    pub preview_service: Option<String>,
    /// Default true.
    pub auto_promotion_enabled: bool,
    pub auto_promotion_seconds: Option<i64>,
    pub pre_promotion_analysis: Option<RolloutAnalysis>,
    pub post_promotion_analysis: Option<RolloutAnalysis>,
    /// Default 30.
    pub scale_down_delay_seconds: Option<i64>,
    pub abort_scale_down_delay_seconds: Option<i64>,
    pub preview_replica_count: Option<i64>,
}
