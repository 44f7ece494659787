//! The `routing:` part of the `world:` block: which router carries the weight and the
//! caveats between "10% weight" and "10% of users" (TRAFFIC.md §3, §4).
//!
//! Depends on `config` (duration parsing) and `model`.

use serde::Deserialize;

use super::config::{duration, opt_duration};
use crate::model::Duration;

/// How the weight reaches users (TRAFFIC.md §3, §4, §6).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingConfig {
    #[serde(default)]
    pub router: Router,
    /// Fraction of requests from clients that keep a version pin (cookie, ClientIP).
    #[serde(default)]
    pub sticky_sessions: f64,
    /// Pin lifetime: the mean of an exponential (nginx, none) or the fixed ALB
    /// `durationSeconds` (default 30m).
    #[serde(default = "default_session", deserialize_with = "duration")]
    pub session_lifetime: Duration,
    /// Fraction of external requests a cache answers before either version (default 0).
    #[serde(default)]
    pub cache_hit_ratio: f64,
    /// Fraction of all requests from inside the cluster, bypassing ingress and cache.
    #[serde(default)]
    pub internal_share: f64,
    /// Which Service internal callers use (default: `mesh` for istio/smi, else `all_pods`).
    #[serde(default)]
    pub internal_service: Option<InternalService>,
    /// Multiplies the error ratios of internal requests (default 1).
    #[serde(default = "one")]
    pub internal_error_factor: f64,
    /// Weights are applied in multiples of this many percent (default 1).
    #[serde(default = "one_u32")]
    pub weight_granularity: u32,
    /// Data-plane lag after Argo writes a weight (default per router: none 0, nginx 2s,
    /// alb 10s, istio 1s, smi 1s).
    #[serde(default, deserialize_with = "opt_duration")]
    pub weight_delay: Option<Duration>,
    /// ALB: time until `--aws-verify-target-group` sees the new weight (default 10s).
    #[serde(default, deserialize_with = "opt_duration")]
    pub alb_verify_delay: Option<Duration>,
    /// NGINX `affinity-canary-behavior` for cookie clients (default sticky).
    #[serde(default)]
    pub nginx_affinity: NginxAffinity,
    /// NGINX `canary-weight-total` (default 100; totals ≤ 100 are ignored, as the Lua does).
    #[serde(default = "hundred")]
    pub nginx_weight_total: u32,
    /// Requests per session, for NGINX legacy affinity (default 10).
    #[serde(default = "ten")]
    pub requests_per_session: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Router {
    /// Basic canary: the weight becomes a pod ratio behind one Service.
    #[default]
    None,
    Nginx,
    Alb,
    Istio,
    Smi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InternalService {
    Stable,
    Canary,
    AllPods,
    Mesh,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NginxAffinity {
    Off,
    #[default]
    Sticky,
    Legacy,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        serde_saphyr::from_str("{}").expect("every routing field has a default")
    }
}

fn default_session() -> Duration {
    Duration::from_secs(1800)
}
fn one() -> f64 {
    1.0
}
fn one_u32() -> u32 {
    1
}
fn hundred() -> u32 {
    100
}
fn ten() -> f64 {
    10.0
}
