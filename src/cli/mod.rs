//! The command line: clap definitions, one file per subcommand, the only module that prints.
//!
//! `main.rs` parses a [`Cli`], calls [`run`], and turns the result into an exit code:
//! 0 ok, 1 policy failure (lint findings, failed expectations), 2 usage or input error; a
//! closed stdout (broken pipe) exits 0. Depends on every library module; nothing depends
//! on it.

mod backtest;
mod bench_report;
pub mod generate;
pub mod lint;
mod output;
pub mod query;
pub mod record;
pub mod report;
pub mod rule;
mod schedule;
pub mod simulate;
pub mod test;
pub mod tune;

use std::io;

use clap::{Parser, Subcommand};

/// Offline Argo Rollouts simulator and PromQL evaluator.
#[derive(Debug, Parser)]
#[command(
    name = "rollsim",
    version,
    about = "Replay Prometheus data through Argo Rollouts analysis, offline",
    long_about = "Replay Prometheus data through Argo Rollouts analysis, offline.\n\n\
        Simulates rollouts over recorded data or a synthetic world, lints Rollouts and \
        AnalysisTemplates, tunes thresholds by Monte Carlo and backtests them on history, \
        records the series a template reads from a live Prometheus, and evaluates PromQL \
        over data files (OpenMetrics, Prometheus text, Prometheus API JSON, CSV, promqltest \
        series notation) without a server."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate PromQL over data files: an instant query, a range query, or a file of queries.
    Query(query::QueryArgs),
    /// Replay a rollout over recorded data: when analysis passes, pauses or aborts.
    Simulate(simulate::SimulateArgs),
    /// Generate a world scenario's synthetic series (closed loop) as OpenMetrics, JSON or CSV.
    Gen(generate::GenArgs),
    /// Run scenarios' `expect:` blocks (exit 1 when one fails); `--junit` for CI.
    Test(test::TestArgs),
    /// Lint Rollouts and AnalysisTemplates: exit 1 on error findings, 2 on bad input.
    Lint(lint::LintArgs),
    /// Print a lint rule's documentation, or list every rule with --list.
    Rule(rule::RuleArgs),
    /// Record from a live Prometheus the raw series a Rollout's or templates' queries read.
    Record(Box<record::RecordArgs>),
    /// Monte Carlo over a parameter grid: false-rollback and detection rates per candidate.
    Tune(tune::TuneArgs),
    /// Slide virtual rollouts across recorded history: how often analysis aborts or pauses.
    Backtest(backtest::BacktestArgs),
    /// Write a review report of a simulation: HTML with charts, or a Markdown summary.
    Report(report::ReportArgs),
}

/// How a command that ran to completion ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything succeeded (exit 0).
    Success,
    /// A policy check failed: lint findings, unmet expectations (exit 1).
    PolicyFailure,
    /// Some input was rejected and reported already, e.g. one of several queries (exit 2).
    InputRejected,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::PolicyFailure => 1,
            Exit::InputRejected => 2,
        }
    }
}

/// A failure that stops a command before it completes; printed by [`print_error`].
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Flags that do not fit together or cannot be parsed.
    #[error("{0}")]
    Usage(String),
    /// A data file that cannot be read or parsed: `file:line:col: message`.
    #[error(transparent)]
    Load(#[from] crate::ingest::IngestError),
    /// Any other bad input (missing file, empty queries file, ...).
    #[error("{0}")]
    Input(String),
    /// Writing output failed (a broken pipe is not reported).
    #[error("cannot write output: {0}")]
    Io(#[from] io::Error),
}

impl CliError {
    /// Whether stdout was closed by the reader (`rollsim query ... | head`): exit quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    pub fn exit_code(&self) -> u8 {
        if self.is_broken_pipe() { 0 } else { 2 }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<Exit, CliError> {
    match cli.command {
        Command::Query(args) => query::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Gen(args) => generate::run(&args),
        Command::Lint(args) => lint::run(&args),
        Command::Rule(args) => rule::run(&args),
        Command::Record(args) => record::run(&args),
        Command::Tune(args) => tune::run(&args),
        Command::Backtest(args) => backtest::run(&args),
        Command::Report(args) => report::run(&args),
    }
}

/// Prints a fatal error to stderr: data-load errors as `file:line:col: message`, the rest
/// as `error: message`.
/// The duration given to `flag`; a usage error naming the flag when it does not parse.
pub(crate) fn duration_flag(flag: &str, s: &str) -> Result<crate::model::Duration, CliError> {
    crate::model::Duration::parse(s).map_err(|e| CliError::Usage(format!("{flag}: {e}")))
}

pub fn print_error(err: &CliError) {
    match err {
        CliError::Load(e) => eprintln!("{e}"),
        other => eprintln!("error: {other}"),
    }
}
