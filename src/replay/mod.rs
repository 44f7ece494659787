//! Replays recorded data, or a synthetic world in closed loop (`world`), through a Rollout:
//! manifests are flattened and templated, every AnalysisRun measures against the data, and
//! the step engine (`sim`) turns run outcomes into the rollout's timeline.
//!
//! Depends on `manifest`, `analysis`, `promql`, `ingest`, `synth` and `sim`.

pub mod expect;
pub mod measure;
pub mod plan;
pub mod prepare;
pub mod runs;
pub mod world;

use std::path::PathBuf;

use crate::ingest::{self, IngestError};
use crate::manifest::{self, ManifestError, Manifests};
use crate::model::{Duration, Timestamp};
use crate::promql::{Compat, Engine, EngineOptions};
use crate::sim::{self, OperatorPolicy, Simulation, Window};

/// Everything one replay needs.
#[derive(Debug, Clone)]
pub struct ReplayInput {
    pub rollout: PathBuf,
    pub templates: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    /// The rollout's start inside the recording.
    pub start: Timestamp,
    /// `--arg name=value` / scenario `args:`, above every other source (SEMANTICS.md §11.4).
    pub args: Vec<(String, String)>,
    pub promote_after: Option<Duration>,
    pub abort_after: Option<Duration>,
    /// Maximum simulated time (default 24 h); the end of the data caps it.
    pub horizon: Option<Duration>,
    pub compat: Compat,
    /// A synthetic world instead of `data` (closed loop; `start` is the world's).
    pub world: Option<crate::synth::WorldConfig>,
}

/// A replayed rollout.
#[derive(Debug)]
pub struct Replay {
    pub rollout: String,
    pub start: Timestamp,
    pub simulation: Simulation,
    /// Things the user should know (unreadable args, extra rollouts, a short recording).
    pub warnings: Vec<String>,
    /// What users felt (simulations over a world only).
    pub impact: Option<world::Impact>,
}

/// What a replay's analyses read, for charts and reports (`report::chart`): the prepared
/// analyses (arguments resolved), which run used which, and the data the queries ran on.
#[derive(Debug)]
pub struct Evidence {
    pub analyses: Vec<prepare::PreparedAnalysis>,
    /// Each AnalysisRun created, in creation order: its name and its index in `analyses`.
    pub runs: Vec<(String, usize)>,
    /// The recording, or every sample the world wrote (warm-up to the end of the timeline).
    pub store: crate::model::Store,
    pub compat: Compat,
}

/// Input that could never be applied: exit code 2 (SEMANTICS.md §11.3).
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error(transparent)]
    Data(#[from] IngestError),
    #[error("{0}")]
    Input(String),
}

/// Loads the manifests and data (or builds the world), and simulates the rollout.
pub fn run(input: &ReplayInput) -> Result<Replay, ReplayError> {
    if input.world.is_some() {
        return run_world(input).map(|(replay, _)| replay);
    }
    let manifests = load_manifests(input)?;
    let store = ingest::load_files(&input.data)?;
    replay_loaded(input, &manifests, &store)
}

/// The Rollout file and the template files of `input`, loaded together.
pub fn load_manifests(input: &ReplayInput) -> Result<Manifests, ReplayError> {
    let mut manifests = manifest::load_file(&input.rollout)?;
    for t in &input.templates {
        manifests.extend(manifest::load_file(t)?);
    }
    Ok(manifests)
}

/// Simulates over `input.world` in closed loop; returns the replay and every sample the
/// world wrote (warm-up to the end of the timeline).
pub fn run_world(input: &ReplayInput) -> Result<(Replay, crate::model::StoreBuilder), ReplayError> {
    let config = input
        .world
        .as_ref()
        .ok_or_else(|| ReplayError::Input("no world: in this scenario".into()))?;
    let manifests = load_manifests(input)?;
    let mut warnings = Vec::new();
    let rollout = pick_rollout(input, &manifests, &mut warnings)?;
    let (mut replay, data) = world::replay_world(input, config, rollout, &manifests)?;
    warnings.append(&mut replay.warnings);
    replay.warnings = warnings;
    Ok((replay, data))
}

fn pick_rollout<'m>(
    input: &ReplayInput,
    manifests: &'m Manifests,
    warnings: &mut Vec<String>,
) -> Result<&'m manifest::Rollout, ReplayError> {
    warnings.extend(manifests.warnings.iter().map(|w| w.to_string()));
    match manifests.rollouts.as_slice() {
        [] => Err(ReplayError::Input(format!(
            "{}: no Rollout found (kind: Rollout, apiVersion argoproj.io/v1alpha1)",
            input.rollout.display()
        ))),
        [one] => Ok(one),
        [first, ..] => {
            warnings.push(format!(
                "{} Rollouts found; simulating the first, {:?}",
                manifests.rollouts.len(),
                first.name
            ));
            Ok(first)
        }
    }
}

/// Like [`run`], and hands back what the analyses read (for charts and reports).
pub fn run_with_evidence(input: &ReplayInput) -> Result<(Replay, Evidence), ReplayError> {
    let manifests = load_manifests(input)?;
    let mut warnings = Vec::new();
    let rollout = pick_rollout(input, &manifests, &mut warnings)?;
    let (mut replay, analyses, runs, store) = match &input.world {
        Some(config) => {
            let (replay, data, analyses, runs) =
                world::replay_world_traced(input, config, rollout, &manifests)?;
            let store = data
                .finish()
                .map_err(|e| ReplayError::Input(format!("world data: {e}")))?;
            (replay, analyses, runs, store)
        }
        None => {
            let store = ingest::load_files(&input.data)?;
            let (replay, analyses, runs) = replay_traced(input, rollout, &manifests, &store);
            (replay, analyses, runs, store)
        }
    };
    let evidence = Evidence {
        analyses,
        runs,
        store,
        compat: input.compat,
    };
    warnings.append(&mut replay.warnings);
    replay.warnings = warnings;
    Ok((replay, evidence))
}

/// Simulates with manifests and data already loaded (`rollsim tune` reuses the store).
pub fn replay_loaded(
    input: &ReplayInput,
    manifests: &Manifests,
    store: &crate::model::Store,
) -> Result<Replay, ReplayError> {
    let mut warnings = Vec::new();
    let rollout = pick_rollout(input, manifests, &mut warnings)?;
    let mut replay = replay_rollout(input, rollout, manifests, store);
    warnings.append(&mut replay.warnings);
    replay.warnings = warnings;
    Ok(replay)
}

/// Simulates one Rollout of `manifests` over `store`.
pub fn replay_rollout(
    input: &ReplayInput,
    rollout: &manifest::Rollout,
    manifests: &Manifests,
    store: &crate::model::Store,
) -> Replay {
    replay_traced(input, rollout, manifests, store).0
}

/// [`replay_rollout`], with the prepared analyses and the runs created (name, analysis index).
fn replay_traced(
    input: &ReplayInput,
    rollout: &manifest::Rollout,
    manifests: &Manifests,
    store: &crate::model::Store,
) -> (Replay, Vec<prepare::PreparedAnalysis>, Vec<(String, usize)>) {
    let mut warnings = Vec::new();
    let built = plan::build(rollout, manifests, &input.args);
    warnings.extend(built.arg_warnings());
    let horizon = horizon(input, store, &mut warnings);
    let engine = Engine::new(EngineOptions {
        compat: input.compat,
        ..Default::default()
    });
    let mut runs = runs::RecordedRuns::new(&engine, store, &built.analyses);
    let policy = OperatorPolicy {
        promote_after: input.promote_after,
        abort_after: input.abort_after,
        script: Vec::new(),
    };
    let simulation = sim::simulate(
        &built.plan,
        &mut runs,
        &policy,
        Window {
            start: input.start,
            horizon,
        },
    );
    let created = runs.created();
    warnings.extend(spec_problems(&simulation));
    let replay = Replay {
        rollout: rollout.name.clone(),
        start: input.start,
        simulation,
        warnings,
        impact: None,
    };
    (replay, built.analyses, created)
}

/// Spec problems the API server accepts but the controller rejects at run time, which the
/// simulation reproduced (SEMANTICS.md §11.3): said once more as warnings, since they are
/// mistakes in the manifests rather than in the rollout being judged.
pub(crate) fn spec_problems(sim: &Simulation) -> Vec<String> {
    let mut out = Vec::new();
    for e in &sim.events {
        match &e.event {
            sim::Event::InvalidSpec { message } => out.push(format!(
                "spec problem: the controller marks the Rollout InvalidSpec: {message}"
            )),
            sim::Event::AnalysisRunCompleted { run, message, .. }
                if message.starts_with("Analysis spec invalid")
                    || message.starts_with("Unable to resolve") =>
            {
                out.push(format!(
                    "spec problem: AnalysisRun {run} cannot run: {message}"
                ))
            }
            _ => {}
        }
    }
    out
}

/// The simulated time after the start: the requested horizon (default 24 h), capped at the
/// last sample of the recording.
fn horizon(
    input: &ReplayInput,
    store: &crate::model::Store,
    warnings: &mut Vec<String>,
) -> Duration {
    let wanted = input.horizon.unwrap_or(sim::DEFAULT_HORIZON);
    let Some((first, last)) = store.time_range() else {
        warnings.push("the data holds no samples: every query returns an empty result".into());
        return wanted;
    };
    if input.start.millis() < first || input.start.millis() > last {
        warnings.push(format!(
            "the rollout start {} lies outside the recording ({} to {})",
            input.start,
            Timestamp(first),
            Timestamp(last)
        ));
    }
    let available = Duration::from_millis((last - input.start.millis()).max(0));
    wanted.min(available)
}
