//! `rollsim simulate`: replay one rollout over recorded data (or a scenario's synthetic
//! `world:`, closed loop) and print its timeline.
//!
//! From a scenario file, or directly from flags for quick use and scripts. Exit 0 whatever
//! the outcome; 2 for input that cannot be used.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{CliError, Exit};
use crate::model::{Duration, Timestamp};
use crate::promql::Compat;
use crate::replay::{self, Evidence, Replay, ReplayError, ReplayInput};
use crate::report::{chart, render, simulation_json, timeline};
use crate::scenario::{self, Scenario};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub replay: ReplayArgs,

    #[arg(long, value_enum, default_value = "text")]
    pub format: SimFormat,

    /// Also draw the simulation chart: FILE.svg or FILE.png
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
}

/// What to replay: a scenario, or a Rollout, templates and data; shared with `rollsim report`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Scenario file (rollout, templates, args, data, operator, expect)
    #[arg(value_name = "SCENARIO", required_unless_present = "rollout")]
    pub scenario: Option<PathBuf>,

    /// Rollout manifest (instead of a scenario)
    #[arg(long, value_name = "FILE", conflicts_with = "scenario", requires_all = ["data", "start"])]
    pub rollout: Option<PathBuf>,

    /// AnalysisTemplate / ClusterAnalysisTemplate files
    #[arg(long = "template", value_name = "FILE")]
    pub templates: Vec<PathBuf>,

    /// Recorded data files (any format `rollsim query` reads)
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub data: Vec<PathBuf>,

    /// The rollout's start inside the recording (RFC 3339 or Unix seconds)
    #[arg(long, value_name = "T")]
    pub start: Option<String>,

    /// Argument value, NAME=VALUE; overrides template and Rollout values (repeatable)
    #[arg(long = "arg", value_name = "NAME=VALUE")]
    pub args: Vec<String>,

    /// Promote this long after a pause that waits for an operator starts
    #[arg(long, value_name = "D")]
    pub promote_after: Option<String>,

    /// Abort this long after a pause that waits for an operator starts
    #[arg(long, value_name = "D")]
    pub abort_after: Option<String>,

    /// Longest simulated time after the start [default: 24h, capped at the data's end]
    #[arg(long, value_name = "D")]
    pub horizon: Option<String>,

    /// Prometheus semantics for the analysis queries [default: 3]
    #[arg(long, value_name = "2|3")]
    pub promql_compat: Option<u8>,

    /// Seed of the scenario's synthetic world (overrides `world.seed`)
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

pub fn run(args: &SimulateArgs) -> Result<Exit, CliError> {
    let input = input(&args.replay)?;
    let replay = match &args.chart {
        None => replay_or_error(&input)?,
        Some(path) => {
            render::Format::of(path).map_err(|e| CliError::Usage(format!("--chart {e}")))?;
            let (replay, evidence) = evidence_or_error(&input)?;
            let chart = chart::build(&replay, &evidence);
            render::write_simulation(&chart, path).map_err(|e| CliError::Input(e.to_string()))?;
            replay
        }
    };
    let text = match args.format {
        SimFormat::Text => timeline::render(&replay),
        SimFormat::Json => simulation_json::render(&replay) + "\n",
    };
    io::stdout().lock().write_all(text.as_bytes())?;
    Ok(Exit::Success)
}

pub fn replay_or_error(input: &ReplayInput) -> Result<Replay, CliError> {
    replay::run(input).map_err(replay_error)
}

/// The replay and what its analyses read (for charts and reports).
pub fn evidence_or_error(input: &ReplayInput) -> Result<(Replay, Evidence), CliError> {
    replay::run_with_evidence(input).map_err(replay_error)
}

fn replay_error(e: ReplayError) -> CliError {
    match e {
        ReplayError::Data(d) => CliError::Load(d),
        other => CliError::Input(other.to_string()),
    }
}

/// The replay a scenario describes, with command-line overrides applied.
pub fn scenario_input(
    s: &Scenario,
    overrides: &[(String, String)],
) -> Result<ReplayInput, CliError> {
    let mut args: Vec<(String, String)> =
        s.args.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    args.extend(overrides.iter().cloned());
    Ok(ReplayInput {
        rollout: s.rollout.clone(),
        templates: s.templates.clone(),
        data: s.data_files.clone(),
        start: s.start,
        args,
        promote_after: s.promote_after,
        abort_after: s.abort_after,
        horizon: s.horizon,
        compat: compat(s.promql_compat)?,
        world: s.world.clone(),
    })
}

/// The replay the flags describe.
pub fn input(a: &ReplayArgs) -> Result<ReplayInput, CliError> {
    let overrides = parse_args(&a.args)?;
    let mut input = match &a.scenario {
        Some(path) => {
            let s = scenario::load(path).map_err(|e| CliError::Input(e.to_string()))?;
            scenario_input(&s, &overrides)?
        }
        None => ReplayInput {
            rollout: a
                .rollout
                .clone()
                .ok_or_else(|| CliError::Usage("give a SCENARIO or --rollout".into()))?,
            templates: a.templates.clone(),
            data: a.data.clone(),
            start: Timestamp::parse(a.start.as_deref().unwrap_or_default())
                .map_err(|e| CliError::Usage(format!("--start: {e}")))?,
            args: overrides,
            promote_after: None,
            abort_after: None,
            horizon: None,
            compat: Compat::V3,
            world: None,
        },
    };
    if !a.templates.is_empty() && a.scenario.is_some() {
        input.templates.extend(a.templates.iter().cloned());
    }
    if let Some(d) = duration("--promote-after", &a.promote_after)? {
        input.promote_after = Some(d);
    }
    if let Some(d) = duration("--abort-after", &a.abort_after)? {
        input.abort_after = Some(d);
    }
    if let Some(d) = duration("--horizon", &a.horizon)? {
        input.horizon = Some(d);
    }
    if a.promql_compat.is_some() {
        input.compat = compat(a.promql_compat)?;
    }
    apply_seed(&mut input, a.seed)?;
    Ok(input)
}

/// `--seed N`: replaces the world's seed; an error for scenarios without a world.
pub fn apply_seed(input: &mut ReplayInput, seed: Option<u64>) -> Result<(), CliError> {
    match (seed, input.world.as_mut()) {
        (None, _) => Ok(()),
        (Some(n), Some(w)) => {
            w.seed = n;
            Ok(())
        }
        (Some(_), None) => Err(CliError::Usage(
            "--seed applies to scenarios with a `world:`".into(),
        )),
    }
}

fn duration(flag: &str, v: &Option<String>) -> Result<Option<Duration>, CliError> {
    v.as_deref()
        .map(|s| super::duration_flag(flag, s))
        .transpose()
}

fn compat(v: Option<u8>) -> Result<Compat, CliError> {
    match v {
        None | Some(3) => Ok(Compat::V3),
        Some(2) => Ok(Compat::V2),
        Some(n) => Err(CliError::Usage(format!(
            "--promql-compat must be 2 or 3, not {n}"
        ))),
    }
}

/// `NAME=VALUE` pairs.
pub fn parse_args(raw: &[String]) -> Result<Vec<(String, String)>, CliError> {
    raw.iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(CliError::Usage(format!("--arg {a:?}: expected NAME=VALUE"))),
        })
        .collect()
}
