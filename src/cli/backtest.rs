//! `rollsim backtest SCENARIO --every D [--from T --to T]`: slides a virtual rollout start
//! across a recorded-data scenario's history and reports how often the analysis would have
//! aborted or paused, with the time and the measurement that did it.
//!
//! Exit 0 ran (whatever the rates); 2 bad input, including a scenario without `data:`.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::simulate::{parse_args, scenario_input};
use super::{CliError, Exit};
use crate::model::Timestamp;
use crate::replay;
use crate::scenario;
use crate::tune::backtest::{self, Backtest};
use crate::tune::backtest_output;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BacktestFormat {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Scenario file with recorded `data:`
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,

    /// Time between virtual rollout starts (`10m`)
    #[arg(long, value_name = "D")]
    pub every: String,

    /// First start [default: the scenario's data.start]
    #[arg(long, value_name = "T")]
    pub from: Option<String>,

    /// Last start [default: the end of the recording minus the rollout's timed pauses]
    #[arg(long, value_name = "T")]
    pub to: Option<String>,

    /// Worker threads [default: one per core]; results do not depend on it
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,

    /// Argument value, NAME=VALUE (repeatable)
    #[arg(long = "arg", value_name = "NAME=VALUE")]
    pub args: Vec<String>,

    #[arg(long, value_enum, default_value = "text")]
    pub format: BacktestFormat,
}

pub fn run(a: &BacktestArgs) -> Result<Exit, CliError> {
    let s = scenario::load(&a.scenario).map_err(|e| CliError::Input(e.to_string()))?;
    if s.world.is_some() {
        return Err(CliError::Input(format!(
            "{}: backtest needs recorded `data:`; for a `world:` scenario write its history \
             with `rollsim gen` and point a scenario's `data:` at it, or use `rollsim tune`",
            a.scenario.display()
        )));
    }
    let every = super::duration_flag("--every", &a.every)?;
    if every.millis() <= 0 {
        return Err(CliError::Usage("--every must be positive".into()));
    }
    let input = scenario_input(&s, &parse_args(&a.args)?)?;
    let manifests = replay::load_manifests(&input).map_err(|e| CliError::Input(e.to_string()))?;
    let rollout = manifests
        .rollouts
        .first()
        .ok_or_else(|| CliError::Input(format!("{}: no Rollout found", s.rollout.display())))?;
    let store = crate::ingest::load_files(&s.data_files)?;
    let Some((_, last)) = store.time_range() else {
        return Err(CliError::Input("the recording holds no samples".into()));
    };
    let time = |flag: &str, v: &Option<String>| {
        v.as_deref()
            .map(|t| Timestamp::parse(t).map_err(|e| CliError::Usage(format!("{flag}: {e}"))))
            .transpose()
    };
    let from = time("--from", &a.from)?.unwrap_or(s.start);
    let to = time("--to", &a.to)?.unwrap_or(Timestamp(last) - backtest::nominal_length(rollout));
    if to.millis() < from.millis() {
        return Err(CliError::Usage(format!(
            "no start between {from} and {to}: the recording (to {}) is shorter than the \
             rollout; give --from / --to",
            Timestamp(last)
        )));
    }
    let b = Backtest {
        scenario: a.scenario.display().to_string(),
        input,
        manifests: &manifests,
        store: &store,
        from,
        to,
        every,
    };
    let n = backtest::starts(from, to, every).len();
    let bar = super::tune::progress(n as u64);
    let started = Instant::now();
    let report = b.run(a.jobs, &|| bar.inc(1)).map_err(CliError::Input);
    bar.finish_and_clear();
    let report = report?;
    writeln!(
        io::stderr().lock(),
        "replayed {n} rollouts in {:.2}s",
        started.elapsed().as_secs_f64()
    )?;
    let text = match a.format {
        BacktestFormat::Text => backtest_output::text(&report),
        BacktestFormat::Json => backtest_output::json(&report),
        BacktestFormat::Csv => backtest_output::csv(&report),
    };
    io::stdout().lock().write_all(text.as_bytes())?;
    Ok(Exit::Success)
}
