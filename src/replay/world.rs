//! Closed-loop replay over a synthetic world (`synth`): the AnalysisRuns measure a store the
//! world keeps writing, and the world follows the weights the step engine serves as it runs
//! (at 10% the canary gets ~10% of requests; after an abort, none).
//!
//! Depends on `synth`, `sim`, `model` and the replay runs (`runs::DataSource`). The outcome
//! depends on the world's seed only.

use std::rc::Rc;
use std::sync::Arc;

use promql_parser::parser::Expr;

use super::prepare::PreparedAnalysis;
use super::runs::{DataSource, RecordedRuns};
use super::{Replay, ReplayError, ReplayInput, plan, spec_problems};
use crate::manifest::{self, Manifests};
use crate::model::{Duration, Labels, Store, StoreBuilder, Timestamp};
use crate::promql::selector::{CompiledMatcher, compile_selector, matches_all};
use crate::promql::{self, Engine, EngineOptions, QueryTiming};
use crate::sim::{self, OperatorPolicy, OutcomeResult, Window};
use crate::synth::{
    Router, SERIES_LABELS, SeriesFilter, ServedWeight, UserImpact, World, WorldConfig,
};

/// How long the world keeps running after the decision, so the data shows its effect (the
/// canary dropping to 0 after an abort, or taking all traffic after a promotion).
pub const TAIL: Duration = Duration::from_secs(300);

/// What users felt during a simulation over a world.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Impact {
    /// Every request users sent from the rollout start to the end of the timeline (cache
    /// hits included; the warm-up is left out).
    pub requests: u64,
    /// Requests the canary served (or that were routed to it), start to end of the timeline.
    pub canary_requests: u64,
    /// Of those, failed (5xx) requests.
    pub canary_errors: u64,
    /// Failed canary requests before the rollout was promoted or aborted: the blast radius.
    pub bad_requests_before_decision: u64,
    /// When the first canary regression began, seconds from the rollout start.
    pub regression_started_seconds: Option<f64>,
    /// From the regression's start to the abort (absent when not aborted or no regression).
    pub time_to_detect_seconds: Option<f64>,
}

/// The world as the analysis sees it: every sample generated so far.
pub struct WorldSource {
    world: World,
    builder: StoreBuilder,
    store: Store,
    snapshot_at: Option<Timestamp>,
    /// What users felt during the warm-up, left out of the rollout's impact.
    warm_up: UserImpact,
    served: ServedWeight,
    step: Option<u32>,
    /// The world routes by pod counts (`router: none`): the engine's pods are the split.
    pod_split: bool,
    /// How far back the analyses' queries read (`None`: all history): a measurement's
    /// store holds only that window.
    reach: Option<Duration>,
    pub warnings: Vec<String>,
}

impl WorldSource {
    /// A world positioned at the rollout start, its warm-up history written; with a
    /// filter, a lean world (`World::keep_only`).
    pub fn new(
        config: WorldConfig,
        replicas: u32,
        filter: Option<SeriesFilter>,
    ) -> Result<WorldSource, ReplayError> {
        let pod_split = config.routing.router == Router::None;
        let mut world = World::new(config, replicas).map_err(world_error)?;
        if let Some(f) = filter {
            world.keep_only(f);
        }
        let mut builder = StoreBuilder::new();
        let warm_up = world.warm_up(&mut builder).map_err(world_error)?;
        let served = world.served_weight(0);
        Ok(WorldSource {
            world,
            builder,
            store: Store::default(),
            snapshot_at: None,
            warm_up,
            served,
            step: None,
            pod_split,
            reach: None,
            warnings: Vec::new(),
        })
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// Measurements read no further back than `reach` (see `promql::reach`).
    pub fn set_reach(&mut self, reach: Option<Duration>) {
        self.reach = reach;
    }

    /// Runs the world to `t` with the weight in force.
    pub fn advance_to(&mut self, t: Timestamp) {
        let r = self
            .world
            .advance(t, self.served, self.step, &mut self.builder);
        if let Err(e) = r {
            self.warnings.push(format!("the world stopped: {e}"));
        }
    }

    /// Everything generated so far.
    pub fn into_builder(self) -> StoreBuilder {
        self.builder
    }
}

fn world_error(e: crate::synth::ConfigError) -> ReplayError {
    ReplayError::Input(format!("scenario {e}"))
}

impl DataSource for WorldSource {
    fn store_at(&mut self, t: Timestamp) -> &Store {
        self.advance_to(t);
        if self.snapshot_at != Some(self.world.now()) {
            let refreshed = match self.reach {
                Some(r) => {
                    let since = (self.world.now() - r).millis();
                    self.builder.refresh_since(&mut self.store, since)
                }
                None => self.builder.snapshot().map(|s| self.store = s),
            };
            if let Err(e) = refreshed {
                self.warnings.push(format!("world data: {e}"));
            }
            self.snapshot_at = Some(self.world.now());
        }
        &self.store
    }

    fn weight_changed(&mut self, t: Timestamp, weight: f64, canary: i32, stable: i32) {
        self.advance_to(t);
        let w = weight.round().clamp(0.0, 100.0) as u32;
        self.served = if self.pod_split {
            let pods = |n: i32| u32::try_from(n).unwrap_or(0).min(1000);
            ServedWeight {
                weight: w,
                canary_replicas: pods(canary),
                stable_replicas: pods(stable),
            }
        } else {
            // Argo scales an aborted canary down only after abortScaleDownDelaySeconds (30 s
            // by default), longer than any router's lag: its pods stay while traffic drains.
            let mut served = self.world.served_weight(w);
            if w == 0 {
                served.canary_replicas = self.served.canary_replicas;
            }
            served
        };
    }

    fn step_entered(&mut self, t: Timestamp, index: usize) {
        self.advance_to(t);
        self.step = u32::try_from(index).ok();
    }
}

/// Simulates `rollout` over a fresh world; returns the replay (with its impact) and every
/// sample the world wrote, warm-up to the end of the timeline.
pub fn replay_world(
    input: &ReplayInput,
    config: &WorldConfig,
    rollout: &manifest::Rollout,
    manifests: &Manifests,
) -> Result<(Replay, StoreBuilder), ReplayError> {
    replay_world_traced(input, config, rollout, manifests)
        .map(|(replay, data, _, _)| (replay, data))
}

/// The runs created by a world replay (name, analysis index) and the analyses they used.
type Traced = (
    Replay,
    StoreBuilder,
    Vec<PreparedAnalysis>,
    Vec<(String, usize)>,
);

/// [`replay_world`], with the prepared analyses and the runs created.
pub fn replay_world_traced(
    input: &ReplayInput,
    config: &WorldConfig,
    rollout: &manifest::Rollout,
    manifests: &Manifests,
) -> Result<Traced, ReplayError> {
    simulate_world(input, config, rollout, manifests, false)
}

/// `replay_world` for Monte Carlo trials: the world writes only the series the analyses'
/// queries can select, and stable pods whose series none selects stay idle
/// (`World::keep_only`), and the world stops at the decision (no `TAIL`). The outcome,
/// the timeline, the blast radius and the time to detect are those of `replay_world`;
/// `Impact::requests` counts only the pods kept, and the canary totals end at the
/// decision. The data is not returned.
pub fn replay_world_lean(
    input: &ReplayInput,
    config: &WorldConfig,
    rollout: &manifest::Rollout,
    manifests: &Manifests,
) -> Result<Replay, ReplayError> {
    simulate_world(input, config, rollout, manifests, true).map(|(replay, ..)| replay)
}

fn simulate_world(
    input: &ReplayInput,
    config: &WorldConfig,
    rollout: &manifest::Rollout,
    manifests: &Manifests,
    lean: bool,
) -> Result<Traced, ReplayError> {
    let mut warnings = Vec::new();
    let mut built = plan::build(rollout, manifests, &input.args);
    warnings.extend(built.arg_warnings());
    let routed =
        matches!(&built.plan.strategy, sim::Strategy::Canary(c) if c.traffic_router.is_some());
    if routed != (config.routing.router != Router::None)
        && matches!(built.plan.strategy, sim::Strategy::Canary(_))
    {
        warnings.push(format!(
            "the Rollout {} trafficRouting but world.routing.router is {:?}",
            if routed { "has" } else { "has no" },
            config.routing.router
        ));
    }
    let replicas = u32::try_from(rollout.replicas).unwrap_or(1000).min(1000);
    let start = config.start;
    let engine = Engine::new(EngineOptions {
        compat: input.compat,
        ..Default::default()
    });
    let queries = parsed_queries(&engine, &built.analyses);
    let filter = lean.then(|| selected_series(&engine, &queries));
    let mut source = WorldSource::new(config.clone(), replicas, filter)?;
    // ALB with weight verification: each setWeight step waits until the weight is verified.
    if let sim::Strategy::Canary(c) = &mut built.plan.strategy {
        c.weight_verification = source.world().alb_verify_delay();
    }
    source.set_reach(queries_reach(&engine, &queries));
    let mut runs = RecordedRuns::new(&engine, source, &built.analyses);
    let policy = OperatorPolicy {
        promote_after: input.promote_after,
        abort_after: input.abort_after,
        script: Vec::new(),
    };
    let horizon = input.horizon.unwrap_or(sim::DEFAULT_HORIZON);
    let simulation = sim::simulate(&built.plan, &mut runs, &policy, Window { start, horizon });
    let created = runs.created();
    let mut source = runs.into_source();
    let o = &simulation.outcome;
    let decided = o.result.decided();
    let decision = start + Duration::from_millis(o.at);
    source.advance_to(decision);
    let before = source.world().impact();
    let last = simulation.events.last().map_or(0, |e| e.t);
    let mut end = start + Duration::from_millis(last);
    if decided && !lean {
        end = end.max(decision + TAIL);
    }
    source.advance_to(end.min(start + horizon).max(decision));
    warnings.extend(spec_problems(&simulation));
    warnings.append(&mut source.warnings);
    let world = source.world();
    let since = |i: UserImpact| minus(i, source.warm_up);
    let regression = world.regression_started();
    let impact = impact_of(since(world.impact()), since(before), regression, start, o);
    let replay = Replay {
        rollout: rollout.name.clone(),
        start,
        simulation,
        warnings,
        impact: Some(impact),
    };
    Ok((replay, source.into_builder(), built.analyses, created))
}

/// The parsed Prometheus queries of `analyses`. A query that does not parse reads
/// nothing: its measurements are errors.
fn parsed_queries(engine: &Engine, analyses: &[PreparedAnalysis]) -> Vec<Rc<Expr>> {
    analyses
        .iter()
        .flat_map(|a| &a.metrics)
        .filter_map(|m| match &m.provider {
            manifest::Provider::Prometheus(p) => {
                engine.parse_shared(&p.query, QueryTiming::default()).ok()
            }
            _ => None,
        })
        .collect()
}

/// How far back any of `queries` reads (`None` when one is unbounded).
fn queries_reach(engine: &Engine, queries: &[Rc<Expr>]) -> Option<Duration> {
    queries
        .iter()
        .try_fold(Duration(0), |reach, q| Some(reach.max(engine.reach(q)?)))
}

/// The series some of `queries` can select, and the pods that may have one: a pod whose
/// own labels fail a matcher of every alternative (`version="canary"` for a stable pod)
/// has none.
fn selected_series(engine: &Engine, queries: &[Rc<Expr>]) -> SeriesFilter {
    let alternatives: Vec<Vec<CompiledMatcher>> = queries
        .iter()
        .flat_map(|q| promql::reach::selectors(q))
        .filter_map(|vs| compile_selector(vs, engine.options.compat).ok())
        .flatten()
        .collect();
    let pod_matchers: Vec<Vec<CompiledMatcher>> = alternatives
        .iter()
        .map(|alt| {
            alt.iter()
                .filter(|m| !SERIES_LABELS.contains(&m.name.as_str()))
                .cloned()
                .collect()
        })
        .collect();
    SeriesFilter::new(
        Arc::new(move |labels: &Labels| alternatives.iter().any(|alt| matches_all(alt, labels))),
        Arc::new(move |pod: &Labels| pod_matchers.iter().any(|alt| matches_all(alt, pod))),
    )
}

fn minus(a: UserImpact, b: UserImpact) -> UserImpact {
    UserImpact {
        requests: a.requests.saturating_sub(b.requests),
        cache_hits: a.cache_hits.saturating_sub(b.cache_hits),
        canary_requests: a.canary_requests.saturating_sub(b.canary_requests),
        canary_errors: a.canary_errors.saturating_sub(b.canary_errors),
        stable_requests: a.stable_requests.saturating_sub(b.stable_requests),
        stable_errors: a.stable_errors.saturating_sub(b.stable_errors),
        unroutable: a.unroutable.saturating_sub(b.unroutable),
    }
}

fn impact_of(
    total: UserImpact,
    before: UserImpact,
    regression: Option<Timestamp>,
    start: Timestamp,
    o: &sim::Outcome,
) -> Impact {
    let regression_started_seconds = regression.map(|t| (t - start).seconds_f64());
    let aborted = o.result == OutcomeResult::Aborted;
    let decided = o.result.decided();
    Impact {
        requests: total.requests,
        canary_requests: total.canary_requests,
        canary_errors: total.canary_errors,
        bad_requests_before_decision: if decided {
            before.canary_errors
        } else {
            total.canary_errors
        },
        regression_started_seconds,
        time_to_detect_seconds: regression_started_seconds
            .filter(|r| aborted && *r <= o.at as f64 / 1000.0)
            .map(|r| o.at as f64 / 1000.0 - r),
    }
}

#[cfg(test)]
#[path = "world_tests.rs"]
mod tests;
