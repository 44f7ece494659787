//! `rollsim gen SCENARIO --out FILE`: runs a world scenario's closed-loop simulation and
//! writes every series of its world, warm-up to the end of the timeline, as OpenMetrics,
//! Prometheus API JSON or CSV. The series follow the weights the rollout really served.
//!
//! Exit 0 when written; 2 for a scenario without `world:` or bad input.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::simulate::{apply_seed, scenario_input};
use super::{CliError, Exit};
use crate::ingest::Format;
use crate::replay::{self, ReplayError};
use crate::scenario;
use crate::synth::write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenFormat {
    Openmetrics,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// Scenario file with a `world:` block
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,

    /// Where to write the series
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    #[arg(long, value_enum, default_value = "openmetrics")]
    pub format: GenFormat,

    /// Seed of the world (overrides `world.seed`)
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

pub fn run(args: &GenArgs) -> Result<Exit, CliError> {
    let s = scenario::load(&args.scenario).map_err(|e| CliError::Input(e.to_string()))?;
    if s.world.is_none() {
        return Err(CliError::Input(format!(
            "{}: gen needs a scenario with a `world:` block",
            args.scenario.display()
        )));
    }
    let mut input = scenario_input(&s, &[])?;
    apply_seed(&mut input, args.seed)?;
    let (replay, builder) = replay::run_world(&input).map_err(|e| match e {
        ReplayError::Data(d) => CliError::Load(d),
        other => CliError::Input(other.to_string()),
    })?;
    let store = builder
        .finish()
        .map_err(|e| CliError::Input(format!("world data: {e}")))?;
    let format = match args.format {
        GenFormat::Openmetrics => Format::OpenMetrics,
        GenFormat::Json => Format::Json,
        GenFormat::Csv => Format::Csv,
    };
    let file = std::fs::File::create(&args.out)
        .map_err(|e| CliError::Input(format!("{}: {e}", args.out.display())))?;
    let mut out = BufWriter::new(file);
    write::write(&store, format, &mut out)?;
    out.flush()?;
    let mut err = io::stderr().lock();
    for w in &replay.warnings {
        writeln!(err, "warning: {w}")?;
    }
    let o = &replay.simulation.outcome;
    writeln!(
        err,
        "wrote {} series, {} samples to {} (rollout {} at +{})",
        store.series().len(),
        store.sample_count(),
        args.out.display(),
        crate::replay::expect::result_name(o.result),
        crate::model::Duration::from_millis(o.at)
    )?;
    Ok(Exit::Success)
}
