//! `WorldConfig`: the scenario's `world:` block, deserialized strictly (unknown fields are
//! errors) with Prometheus-style durations (`15s`, `12m`) and RFC 3339 times.
//!
//! Depends on `model` (time types) and serde. Defaults are documented per field; semantic
//! checks live in `validate.rs` so every error names the offending field.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

pub use super::config_routing::{InternalService, NginxAffinity, Router, RoutingConfig};
use crate::model::{Duration, Timestamp};

/// The synthetic world. All times of regressions, bursts and quiet periods are offsets from
/// `start`, the moment the rollout begins; `warmup` of stable-only history precedes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldConfig {
    /// Seeds every random stream; the same seed gives the same samples, byte for byte.
    #[serde(default)]
    pub seed: u64,
    /// Rollout start (default 2026-01-05T10:00:00Z, a Monday morning).
    #[serde(default = "default_start", deserialize_with = "timestamp")]
    pub start: Timestamp,
    /// Prometheus `scrape_interval` (default 15s).
    #[serde(default = "default_scrape", deserialize_with = "duration")]
    pub scrape_interval: Duration,
    /// Each scrape lands uniformly within ±jitter of its slot (default 0; < interval/2).
    #[serde(default, deserialize_with = "duration")]
    pub scrape_jitter: Duration,
    /// Probability that one target's scrape fails, leaving a gap (default 0).
    #[serde(default)]
    pub missed_scrapes: f64,
    /// Stable-only history before `start` (default 30m, ≥ the usual range windows).
    #[serde(default = "default_warmup", deserialize_with = "duration")]
    pub warmup: Duration,
    #[serde(default)]
    pub traffic: TrafficConfig,
    #[serde(default)]
    pub stable: VersionConfig,
    #[serde(default)]
    pub canary: VersionConfig,
    #[serde(default)]
    pub routing: RoutingConfig,
    #[serde(default)]
    pub metrics: MetricsConfig,
}

/// Request arrivals: Poisson around `rps × diurnal × drift`, with bursts and quiet periods.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrafficConfig {
    /// Mean requests per second at the diurnal mean (default 100).
    #[serde(default = "default_rps")]
    pub rps: f64,
    /// Relative amplitude of the 24 h cycle, peaking at 14:00 UTC (default 0).
    #[serde(default)]
    pub diurnal: f64,
    /// Linear relative change per hour from `start` (default 0; `0.05` = +5%/h).
    #[serde(default)]
    pub drift: f64,
    #[serde(default)]
    pub bursts: Vec<Burst>,
    #[serde(default)]
    pub quiet: Vec<Quiet>,
}

/// Traffic multiplied by `factor` during `[at, at+for)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Burst {
    #[serde(deserialize_with = "duration")]
    pub at: Duration,
    #[serde(rename = "for", deserialize_with = "duration")]
    pub length: Duration,
    pub factor: f64,
}

/// Traffic replaced by `rps` (default 0: the `0/0 = NaN` case) during `[at, at+for)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quiet {
    #[serde(deserialize_with = "duration")]
    pub at: Duration,
    #[serde(rename = "for", deserialize_with = "duration")]
    pub length: Duration,
    #[serde(default)]
    pub rps: f64,
}

/// One version's behaviour. `regression`/`regressions` are accepted on the canary only.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionConfig {
    /// Ratio of requests answered `500` (added to `statuses["500"]`).
    #[serde(default)]
    pub error_ratio: Option<f64>,
    /// Ratio per status code (`"503": 0.001`); the rest is `200`.
    #[serde(default)]
    pub statuses: BTreeMap<String, f64>,
    #[serde(default)]
    pub latency: LatencyConfig,
    /// Pods of this version before the step engine says otherwise (default: the Rollout's).
    #[serde(default)]
    pub replicas: Option<u32>,
    /// `rollouts-pod-template-hash` of the version's pods (defaults per version).
    #[serde(default)]
    pub pod_template_hash: Option<String>,
    /// The `version` label value (default `stable` / `canary`).
    #[serde(default)]
    pub version: Option<String>,
    /// Resident memory of a fresh pod, bytes (default 200e6).
    #[serde(default)]
    pub memory_bytes: Option<f64>,
    #[serde(default)]
    pub regression: Option<Regression>,
    #[serde(default)]
    pub regressions: Vec<Regression>,
}

/// Latency given by its median and 99th percentile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencyConfig {
    #[serde(default = "default_p50", deserialize_with = "duration")]
    pub p50: Duration,
    #[serde(default = "default_p99", deserialize_with = "duration")]
    pub p99: Duration,
    #[serde(default)]
    pub distribution: Distribution,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Distribution {
    #[default]
    Lognormal,
    Gamma,
}

/// A canary regression starting `at` an offset from `start` or when the rollout reaches
/// `step` (a step index); the effects move from the canary's baseline to the values given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regression {
    #[serde(default, deserialize_with = "opt_duration")]
    pub at: Option<Duration>,
    #[serde(default)]
    pub step: Option<u32>,
    #[serde(default)]
    pub shape: Shape,
    /// Ramp length (shape `ramp`).
    #[serde(default, deserialize_with = "opt_duration")]
    pub over: Option<Duration>,
    /// How long it lasts (required for `spike`; otherwise it lasts to the end).
    #[serde(default, rename = "for", deserialize_with = "opt_duration")]
    pub length: Option<Duration>,
    #[serde(default)]
    pub error_ratio: Option<f64>,
    #[serde(default)]
    pub statuses: BTreeMap<String, f64>,
    /// Latency shift: new p50/p99 (the distribution stays the canary's).
    #[serde(default, deserialize_with = "opt_duration")]
    pub p50: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    pub p99: Option<Duration>,
    /// Latency shift as a factor on both quantiles.
    #[serde(default)]
    pub latency_factor: Option<f64>,
    /// Memory growth, bytes per minute of pod uptime while active.
    #[serde(default)]
    pub memory_growth: Option<f64>,
    /// Crash loop: each canary pod restarts this often while active.
    #[serde(default, deserialize_with = "opt_duration")]
    pub crash_every: Option<Duration>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// Full effect from the start.
    #[default]
    Step,
    /// Linear from baseline to full effect over `over`.
    Ramp,
    /// Full effect for `for`, then back to baseline.
    Spike,
}

/// Series names and labels, defaulting to what common exporters emit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    #[serde(default = "default_service")]
    pub service: String,
    #[serde(default = "default_requests")]
    pub requests: String,
    /// Histogram family name; series get `_bucket`, `_sum`, `_count`.
    #[serde(default = "default_duration")]
    pub duration: String,
    #[serde(default = "default_restarts")]
    pub restarts: String,
    #[serde(default = "default_memory")]
    pub memory: String,
    #[serde(default = "default_hash_label")]
    pub hash_label: String,
    /// Upper bounds in seconds, ascending; `+Inf` is added (default: Prometheus's defaults).
    #[serde(default = "default_buckets")]
    pub buckets: Vec<f64>,
    /// Extra constant labels on every series (`namespace: prod`).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl WorldConfig {
    /// Parses a `world:` block on its own (YAML), then validates it.
    pub fn from_yaml(text: &str) -> Result<WorldConfig, super::ConfigError> {
        let c: WorldConfig = serde_saphyr::from_str(text).map_err(|e| super::ConfigError {
            field: "world".into(),
            message: e.to_string().lines().next().unwrap_or_default().to_string(),
        })?;
        c.validate()?;
        Ok(c)
    }
}

/// Default `(pod_template_hash, version label)` of the stable and canary pods.
pub const STABLE_IDENTITY: (&str, &str) = ("5d8f7c9b6d", "stable");
pub const CANARY_IDENTITY: (&str, &str) = ("6c4b9d7f8c", "canary");

impl VersionConfig {
    /// The pods' `(pod_template_hash, version label)`, `defaults` filling what is unset.
    pub fn identity<'a>(&'a self, defaults: (&'a str, &'a str)) -> (&'a str, &'a str) {
        (
            self.pod_template_hash.as_deref().unwrap_or(defaults.0),
            self.version.as_deref().unwrap_or(defaults.1),
        )
    }

    /// Every regression, single and listed.
    pub fn all_regressions(&self) -> impl Iterator<Item = &Regression> {
        self.regression.iter().chain(&self.regressions)
    }
}

macro_rules! defaults {
    ($($name:ident: $ty:ty = $val:expr;)*) => { $(fn $name() -> $ty { $val })* };
}
defaults! {
    default_start: Timestamp = Timestamp(1_767_607_200_000);
    default_scrape: Duration = Duration::from_secs(15);
    default_warmup: Duration = Duration::from_secs(1800);
    default_p50: Duration = Duration::from_millis(50);
    default_p99: Duration = Duration::from_millis(250);
    default_rps: f64 = 100.0;
    default_service: String = "app".into();
    default_requests: String = "http_requests_total".into();
    default_duration: String = "http_request_duration_seconds".into();
    default_restarts: String = "kube_pod_container_status_restarts_total".into();
    default_memory: String = "process_resident_memory_bytes".into();
    default_hash_label: String = "rollouts_pod_template_hash".into();
    default_buckets: Vec<f64> = vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
}

impl Default for TrafficConfig {
    fn default() -> Self {
        serde_saphyr::from_str("{}").expect("every traffic field has a default")
    }
}
impl Default for LatencyConfig {
    fn default() -> Self {
        serde_saphyr::from_str("{}").expect("every latency field has a default")
    }
}
impl Default for MetricsConfig {
    fn default() -> Self {
        serde_saphyr::from_str("{}").expect("every metrics field has a default")
    }
}

pub(super) fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    Duration::parse(&s).map_err(serde::de::Error::custom)
}

pub(super) fn opt_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    duration(d).map(Some)
}

fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
    let s = String::deserialize(d)?;
    Timestamp::parse(&s).map_err(serde::de::Error::custom)
}
