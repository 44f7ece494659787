//! Synthetic traffic world: seeded, deterministic Prometheus series for a service being
//! rolled out, where the canary's share of traffic follows the weight the step engine sets.
//!
//! Depends on `model`, `ingest` (format names), `promql::api_json` (number text), `rand`
//! and `rand_distr`. Nothing here prints.
//!
//! # Use
//! [`WorldConfig`] is the scenario's `world:` block. [`World::new`] positions the world at
//! `start − warmup`; [`World::warm_up`] writes the stable-only history; then each
//! [`World::advance`] call says which weight Argo wrote, how many pods each version has and
//! which step the rollout is at, and appends every scrape up to the given time to a
//! `StoreBuilder`. [`write`] writes a store as OpenMetrics, API JSON or CSV.
//!
//! # Model (TRAFFIC.md §6)
//! Per scrape slot of `scrape_interval`: expected arrivals ∫rate (rps × diurnal × drift,
//! bursts, quiet periods); a fraction `internal_share` comes from inside the cluster; of the
//! external rest a cache answers `cache_hit_ratio` (counted for users, never seen by pods);
//! the router turns the applied weight into a canary probability; each Ready pod of a
//! version receives Poisson(its even share) requests, split by status (multinomial over the
//! configured ratios) and latency bucket (multinomial over the fitted distribution's bucket
//! probabilities; `_sum` adds count × the distribution's mean). Counters live in the pod and
//! reset when it restarts.
//!
//! # What each router approximates
//! - `none` (basic canary): the split is the Ready-pod ratio c/(c+s) per request; the
//!   weight only sized the ReplicaSets. Connection reuse (requests riding one connection)
//!   is not modelled, so the variance is that of independent requests. ClientIP affinity
//!   is the sticky fraction with exponential pin lifetimes.
//! - `nginx`: per-request Bernoulli(W / max(100, canary-weight-total)) after a fixed 2 s
//!   lag (syncs are ≥3.3 s apart). Affinity `sticky`: the `sticky_sessions` fraction of
//!   requests follows the pinned share S (first-order lag with mean `session_lifetime`);
//!   `legacy`: those requests see the canary with p/((1−p)·k), k = `requests_per_session`;
//!   header/cookie canary rules are not modelled.
//! - `alb`: per-request W/100 after a 10 s lag; target-group stickiness pins for exactly
//!   `session_lifetime` (S is the mean of p over the last L, linear catch-up); pins are
//!   assumed to survive their group's weight dropping to 0 until the abort resets them.
//!   Weight verification (`World::alb_verify_delay`, rounded up to 10 s polls) holds each
//!   setWeight step until the weight is verified, as Argo does with `--aws-verify-target-group`.
//! - `istio`, `smi`: per-request W/100 after 1 s; never sticky (consistent hashing picks a
//!   pod inside a version); internal callers default to `mesh` (they get W too). Host vs
//!   subset mode, mirroring and header routes are not modelled.
//! - All routers: weights are quantized to `weight_granularity`; when the canary has no
//!   Ready pod, routed requests become router 503s in the impact tally but not in pod
//!   metrics; writing weight 0 ends every canary pin (the non-dynamic abort). Not modelled:
//!   retries, outlier ejection, latency-aware balancing, per-pod load effects on latency,
//!   cache TTLs (the cache is a constant hit ratio), stale markers for vanished pods.

mod config;
mod config_routing;
mod emit;
mod fleet;
mod latency;
mod pods;
mod regression;
mod rng;
mod router;
mod served;
mod step;
mod traffic;
mod validate;
mod validate_version;
mod world;
pub mod write;

#[cfg(test)]
mod tests;

pub use config::{
    Burst, Distribution, InternalService, LatencyConfig, MetricsConfig, NginxAffinity, Quiet,
    Regression, Router, RoutingConfig, Shape, TrafficConfig, VersionConfig, WorldConfig,
};
pub use emit::{SERIES_LABELS, SeriesFilter};
pub use latency::LatencyModel;
pub use router::{Pods, Split};
pub use world::{ServedWeight, UserImpact, World};

/// A problem with the world's configuration or with what the caller asked of it; `field`
/// is the dotted path of the offending field (`canary.regressions[0].over`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("world.{field}: {message}")]
pub struct ConfigError {
    pub field: String,
    pub message: String,
}

impl ConfigError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            field: field.into(),
            message: message.into(),
        }
    }
}
