//! `World`: the incremental, seeded simulation the step engine drives. Each `advance` says
//! which weight Argo wrote and how many pods each version has; the world generates every
//! scrape slot up to the given time and appends the samples to a `StoreBuilder`.
//!
//! Depends on the rest of `synth` and on `model`. Deterministic for a seed: every pod has
//! its own traffic and scrape streams, and the cache/router has one.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::ConfigError;
use super::config::{Regression, Router, WorldConfig};
use super::emit::{self, SeriesFilter};
use super::fleet::Fleet;
use super::latency::{Bucketed, LatencyModel};
use super::pods::{Version, poisson};
use super::regression::{self, Behaviour};
use super::rng::{Rng64, stream};
use super::router::{self, PinLifetime, Pods, StickyState};
use super::served::applied_weight;
pub use super::served::{ServedWeight, UserImpact};
use super::traffic;
use crate::model::{Duration, StoreBuilder, Timestamp};

/// The synthetic world.
#[derive(Debug)]
pub struct World {
    cfg: WorldConfig,
    rollout_replicas: u32,
    origin: Timestamp,
    slot: i64,
    now: Timestamp,
    writes: Vec<(Timestamp, u32)>,
    sticky: StickyState,
    router_rng: Rng64,
    stable: Fleet,
    canary: Fleet,
    names: HashSet<String>,
    regressions: Vec<(Regression, Option<Timestamp>)>,
    models: HashMap<(u64, u64, super::config::Distribution), Arc<Bucketed>>,
    impact: UserImpact,
    /// Series to write (`keep_only`); every series when `None`.
    filter: Option<SeriesFilter>,
    /// Status codes the configuration names, besides the usual ones.
    codes: Vec<String>,
    /// The stable and canary baselines (`regression::baseline`).
    baselines: [Arc<Behaviour>; 2],
    /// The builder whose `# TYPE`s were declared.
    declared: u64,
}

const MAX_REPLICAS: u32 = 1000;

impl World {
    /// Validates `config` and positions the world at `start − warmup` with no pods yet.
    pub fn new(config: WorldConfig, rollout_replicas: u32) -> Result<World, ConfigError> {
        config.validate()?;
        if rollout_replicas > MAX_REPLICAS {
            return Err(ConfigError::new("replicas", "must be at most 1000"));
        }
        let origin = config.start - config.warmup;
        let regressions = config
            .canary
            .all_regressions()
            .map(|r| (r.clone(), r.at.map(|at| config.start + at)))
            .collect();
        let r = &config.routing;
        let mut codes: Vec<String> = [&config.stable, &config.canary]
            .into_iter()
            .flat_map(|v| {
                v.statuses
                    .keys()
                    .chain(v.all_regressions().flat_map(|r| r.statuses.keys()))
            })
            .cloned()
            .collect();
        codes.sort();
        codes.dedup();
        Ok(World {
            sticky: StickyState::new(PinLifetime::for_router(r.router, r.session_lifetime)),
            router_rng: stream(config.seed, "router"),
            rollout_replicas,
            origin,
            slot: 0,
            now: origin,
            writes: Vec::new(),
            stable: Fleet::new(Version::Stable),
            canary: Fleet::new(Version::Canary),
            names: HashSet::new(),
            regressions,
            models: HashMap::new(),
            impact: UserImpact::default(),
            filter: None,
            codes,
            baselines: [
                Arc::new(regression::baseline(&config.stable)),
                Arc::new(regression::baseline(&config.canary)),
            ],
            declared: 0,
            cfg: config,
        })
    }

    /// A lean world for Monte Carlo trials, whose queries read few series: writes only the
    /// series `filter` keeps, and leaves stable pods none of whose series it keeps idle
    /// (their requests are neither drawn nor counted in `impact`, so `requests` and the
    /// stable counts cover only the pods kept). Every pod draws from its own random
    /// streams, so the series written are exactly those of the full world. Canary pods
    /// always serve: the blast radius stays exact.
    pub fn keep_only(&mut self, filter: SeriesFilter) {
        self.filter = Some(filter);
    }

    pub fn config(&self) -> &WorldConfig {
        &self.cfg
    }
    /// The rollout start (`world.start`); history before it is warm-up.
    pub fn start(&self) -> Timestamp {
        self.cfg.start
    }
    /// The time the world has been advanced to.
    pub fn now(&self) -> Timestamp {
        self.now
    }
    /// Everything users felt so far.
    pub fn impact(&self) -> UserImpact {
        self.impact
    }
    /// Canary share of live pinned sessions (0 without stickiness).
    pub fn sticky_share(&self) -> f64 {
        self.sticky.share()
    }
    /// When the first canary regression began, once it has.
    pub fn regression_started(&self) -> Option<Timestamp> {
        self.regressions
            .iter()
            .filter_map(|r| r.1)
            .filter(|t| *t <= self.now)
            .min()
    }

    /// Pod counts for a weight with a traffic router (TRAFFIC.md §2.1): canary ⌈W·N/100⌉,
    /// stable N, N being each version's `replicas` or the Rollout's.
    pub fn served_weight(&self, weight: u32) -> ServedWeight {
        let n_stable = self.cfg.stable.replicas.unwrap_or(self.rollout_replicas);
        let n_canary = self.cfg.canary.replicas.unwrap_or(self.rollout_replicas);
        ServedWeight {
            weight: weight.min(100),
            canary_replicas: (weight.min(100) * n_canary).div_ceil(100),
            stable_replicas: n_stable,
        }
    }

    /// ALB with `--aws-verify-target-group`: how long until Argo sees a new weight, rounded
    /// up to its 10 s polls; `None` for other routers.
    pub fn alb_verify_delay(&self) -> Option<Duration> {
        let r = &self.cfg.routing;
        (r.router == Router::Alb).then(|| {
            let d = r
                .alb_verify_delay
                .unwrap_or_else(|| self.weight_delay())
                .millis();
            Duration::from_millis(((d + 9_999) / 10_000).max(1) * 10_000)
        })
    }

    fn weight_delay(&self) -> Duration {
        let r = &self.cfg.routing;
        r.weight_delay
            .unwrap_or_else(|| router::default_weight_delay(r.router))
    }

    /// Stable-only history from `start − warmup` to `start`.
    pub fn warm_up(&mut self, builder: &mut StoreBuilder) -> Result<UserImpact, ConfigError> {
        let served = self.served_weight(0);
        self.advance(self.cfg.start, served, None, builder)
    }

    /// Generates every scrape slot in `(now, until]` with `served` in force from `now` and
    /// the rollout at step index `step` (`None` before it starts), and returns what users
    /// felt in those slots. A slot ends on the scrape grid; a call ending between two grid
    /// points leaves the rest of the slot to the next call.
    pub fn advance(
        &mut self,
        until: Timestamp,
        served: ServedWeight,
        step: Option<u32>,
        builder: &mut StoreBuilder,
    ) -> Result<UserImpact, ConfigError> {
        if served.weight > 100 {
            return Err(ConfigError::new("served.weight", "must be 0..=100"));
        }
        if served.canary_replicas > MAX_REPLICAS || served.stable_replicas > MAX_REPLICAS {
            return Err(ConfigError::new("served.replicas", "must be at most 1000"));
        }
        if until <= self.now {
            return Ok(UserImpact::default());
        }
        let previous = self.writes.last().map_or(0, |w| w.1);
        if previous != served.weight {
            self.writes.push((self.now, served.weight));
            if served.weight == 0 {
                // The canary Service points at stable again: every pin to the canary ends.
                self.sticky.reset();
            }
        }
        for (r, began) in &mut self.regressions {
            if began.is_none() && r.step.is_some_and(|s| step.is_some_and(|i| i >= s)) {
                *began = Some(self.now);
            }
        }
        self.stable
            .resize(served.stable_replicas, &self.cfg, &mut self.names);
        self.canary
            .resize(served.canary_replicas, &self.cfg, &mut self.names);
        if self.declared != builder.instance() {
            emit::declare_types(builder, &self.cfg.metrics);
            self.declared = builder.instance();
        }
        let mut impact = UserImpact::default();
        let dt = self.cfg.scrape_interval;
        while self.origin + Duration(dt.millis() * (self.slot + 1)) <= until {
            let from = self.origin + Duration(dt.millis() * self.slot);
            let slot = self.slot_impact(from, from + dt, builder);
            impact.add(&slot);
            self.slot += 1;
        }
        self.now = until;
        self.impact.add(&impact);
        Ok(impact)
    }

    fn model(&mut self, version: Version, b: &Behaviour) -> Arc<Bucketed> {
        let dist = match version {
            Version::Stable => self.cfg.stable.latency.distribution,
            Version::Canary => self.cfg.canary.latency.distribution,
        };
        let key = (b.p50.to_bits(), b.p99.to_bits(), dist);
        // Stacked regressions can bring p99 to p50 or below: keep p99 just above p50, and
        // fall back to log-normal where no gamma fits.
        let (p50, p99) = (b.p50.max(1e-6), b.p99.max(b.p50.max(1e-6) * 1.001));
        let bounds = &self.cfg.metrics.buckets;
        let model = self.models.entry(key).or_insert_with(|| {
            let model = LatencyModel::fit_seconds(p50, p99, dist)
                .or_else(|_| {
                    LatencyModel::fit_seconds(p50, p99, super::config::Distribution::Lognormal)
                })
                .unwrap_or(LatencyModel::Lognormal {
                    mu: p50.ln(),
                    sigma: 1e-3,
                });
            Arc::new(Bucketed::new(model, bounds))
        });
        model.clone()
    }

    /// How `version` behaves at `t`: its baseline, shared while no regression acts.
    fn behaviour(&self, version: Version, t: Timestamp) -> Arc<Behaviour> {
        match version {
            Version::Stable => self.baselines[0].clone(),
            Version::Canary => {
                let acting: Vec<(&Regression, f64)> = self
                    .regressions
                    .iter()
                    .map(|(r, began)| (r, regression::progress(r, *began, t)))
                    .filter(|(_, f)| *f > 0.0) // `apply` leaves the rest out
                    .collect();
                if acting.is_empty() {
                    return self.baselines[1].clone();
                }
                let mut b = Behaviour::clone(&self.baselines[1]);
                for (r, f) in acting {
                    regression::apply(&mut b, r, f);
                }
                Arc::new(b)
            }
        }
    }

    fn slot_impact(
        &mut self,
        from: Timestamp,
        to: Timestamp,
        builder: &mut StoreBuilder,
    ) -> UserImpact {
        if self.filter.is_some() {
            // Bind every new pod now, so `serve` knows which stable pods are idle.
            let scrape = emit::Scrape::new(&self.cfg.metrics, self.filter.as_ref(), &self.codes);
            for pod in self.stable.pods.iter_mut() {
                scrape.bind(builder, pod);
            }
        }
        // The slot's requests arrive over (from, to]: they behave as at its midpoint, so a
        // regression starting on a scrape boundary first shows in the scrape after it.
        let mid = from + Duration((to - from).millis() / 2);
        let stable_b = self.behaviour(Version::Stable, mid);
        let canary_b = self.behaviour(Version::Canary, mid);
        super::step::crashes(&mut self.canary.pods, &canary_b, from, to, &self.cfg);
        let pods = Pods {
            canary: self.canary.ready(),
            stable: self.stable.ready(),
        };
        let r = self.cfg.routing.clone();
        let weight = applied_weight(&self.writes, self.weight_delay(), from, to);
        let w = router::quantize(weight, r.weight_granularity);
        let p_new = router::router_probability(r.router, w, r.nginx_weight_total, pods);
        let sticky = self.sticky.advance(p_new, to - from);
        let split = router::split(&r, weight, pods, sticky);
        let expected =
            traffic::expected_requests_remembered(&self.cfg.traffic, self.cfg.start, from, to);
        let internal = expected * r.internal_share;
        let external = expected - internal;
        let mut impact = UserImpact {
            cache_hits: poisson(&mut self.router_rng, external * r.cache_hit_ratio),
            ..UserImpact::default()
        };
        let misses = external * (1.0 - r.cache_hit_ratio);
        let models = (
            self.model(Version::Stable, &stable_b),
            self.model(Version::Canary, &canary_b),
        );
        let demand = super::step::Demand {
            external: misses,
            internal,
            internal_error_factor: r.internal_error_factor,
        };
        let c = demand.serve(
            &mut self.canary.pods,
            split.external,
            split.internal,
            &canary_b,
            &models.1,
            &mut self.router_rng,
            true,
        );
        let s = demand.serve(
            &mut self.stable.pods,
            1.0 - split.external,
            1.0 - split.internal,
            &stable_b,
            &models.0,
            &mut self.router_rng,
            false,
        );
        impact.canary_requests = c.requests;
        impact.canary_errors = c.errors;
        impact.stable_requests = s.requests;
        impact.stable_errors = s.errors;
        impact.unroutable = c.unroutable + s.unroutable;
        impact.requests = impact.cache_hits + c.requests + s.requests;
        let minutes = (to - from).seconds_f64() / 60.0;
        for p in self.canary.pods.iter_mut().filter(|p| !p.down) {
            p.memory += canary_b.memory_growth * minutes;
        }
        let (jitter, missed) = (self.cfg.scrape_jitter, self.cfg.missed_scrapes);
        let scrape = emit::Scrape::new(&self.cfg.metrics, self.filter.as_ref(), &self.codes);
        for pod in self
            .stable
            .pods
            .iter_mut()
            .chain(self.canary.pods.iter_mut())
        {
            scrape.slot(builder, pod, to, jitter, missed);
        }
        impact
    }
}
