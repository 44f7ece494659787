//! `rollsim tune SCENARIO`: Monte Carlo over a parameter grid on a world scenario's healthy
//! twin and regressed canary; prints per-candidate rates with 95% intervals, the frontier
//! and the recommended candidate as patched YAML.
//!
//! Exit 0 ran; 1 targets given and no candidate meets them; 2 bad input. The table, JSON and
//! CSV on stdout are identical for any `--jobs`; progress and timings go to stderr.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::simulate::{parse_args, scenario_input};
use super::{CliError, Exit};
use crate::replay;
use crate::report::tradeoff::TradeoffPoint;
use crate::scenario::{self, Scenario};
use crate::synth::Regression;
use crate::tune::recommend::{self, Targets};
use crate::tune::shard::{self, ShardFile};
use crate::tune::{Sweep, grid, output, report, trial};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TuneFormat {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct TuneArgs {
    /// Scenario file with a `world:` (and optionally a `tune:` block)
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,

    /// Axis PARAM=V1,V2,...: METRIC.threshold, METRIC.successCondition.threshold,
    /// METRIC.failureCondition.threshold, METRIC.interval, METRIC.initialDelay, METRIC.count,
    /// METRIC.failureLimit, METRIC.inconclusiveLimit, METRIC.consecutiveErrorLimit,
    /// METRIC.consecutiveSuccessLimit, METRIC.window, steps[N].setWeight, steps[N].pause,
    /// pause[K] (repeatable; replaces the scenario's axis of the same parameter)
    #[arg(long, value_name = "PARAM=V1,V2")]
    pub grid: Vec<String>,

    /// Trials per candidate and world [default: tune.runs, else 100]
    #[arg(long, value_name = "N")]
    pub runs: Option<usize>,

    /// Base seed of the trial seeds [default: tune.seed, else world.seed]
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// A regressed world, as a YAML regression (`{at: 20m, error_ratio: 0.01}`); repeatable;
    /// replaces the scenario's regression
    #[arg(long, value_name = "YAML")]
    pub regression: Vec<String>,

    /// Highest acceptable false-rollback rate (`1%` or `0.01`)
    #[arg(long, value_name = "RATE")]
    pub max_false_rollback: Option<String>,

    /// Longest acceptable p95 time to detect (`10m`)
    #[arg(long, value_name = "D")]
    pub max_detect: Option<String>,

    /// Lowest acceptable detection rate (`90%` or `0.9`)
    #[arg(long, value_name = "RATE")]
    pub min_detection: Option<String>,

    /// Worker threads [default: one per core]; results do not depend on it
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,

    /// Run only shard K of N (1-based) and print its raw results as JSON for --merge
    #[arg(long, value_name = "K/N", conflicts_with = "merge")]
    pub shard: Option<String>,

    /// Combine shard files (from --shard) instead of running trials
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub merge: Vec<PathBuf>,

    /// Argument value, NAME=VALUE (repeatable)
    #[arg(long = "arg", value_name = "NAME=VALUE")]
    pub args: Vec<String>,

    #[arg(long, value_enum, default_value = "text")]
    pub format: TuneFormat,

    /// Also draw the trade-off chart (false-rollback rate vs median time to detect, the
    /// frontier, the recommendation) to FILE.svg or FILE.png
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
}

pub fn run(a: &TuneArgs) -> Result<Exit, CliError> {
    if let Some(chart) = &a.chart {
        crate::report::render::Format::of(chart).map_err(|e| CliError::Usage(e.to_string()))?;
        if a.shard.is_some() {
            return Err(CliError::Usage(
                "--chart draws the whole sweep: give it to the --merge step, not to a --shard"
                    .into(),
            ));
        }
    }
    let sweep = sweep(a)?;
    let started = Instant::now();
    if let Some(s) = &a.shard {
        let sh = shard::parse(s).map_err(CliError::Usage)?;
        let units = sh.units(sweep.units());
        let results = run_units(&sweep, &units, a.jobs)?;
        timing(&sweep, units.len(), started, a.jobs)?;
        let file = ShardFile::new(&sweep, sh, &units, results);
        let text = serde_json::to_string(&file).expect("shard files serialize") + "\n";
        io::stdout().lock().write_all(text.as_bytes())?;
        return Ok(Exit::Success);
    }
    let results = if a.merge.is_empty() {
        let units: Vec<usize> = (0..sweep.units()).collect();
        let r = run_units(&sweep, &units, a.jobs)?;
        timing(&sweep, units.len(), started, a.jobs)?;
        r
    } else {
        let files = a
            .merge
            .iter()
            .map(|p| read_shard(p))
            .collect::<Result<Vec<_>, _>>()?;
        shard::merge(&sweep, &files).map_err(CliError::Input)?
    };
    let r = report::build(&sweep, &results);
    if let Some(chart) = &a.chart {
        render_tradeoff(&r, chart).map_err(|e| CliError::Input(e.to_string()))?;
    }
    let text = match a.format {
        TuneFormat::Text => output::text(&r),
        TuneFormat::Json => output::json(&r),
        TuneFormat::Csv => output::csv(&r),
    };
    io::stdout().lock().write_all(text.as_bytes())?;
    Ok(if r.targets_met == Some(false) {
        Exit::PolicyFailure
    } else {
        Exit::Success
    })
}

/// The trade-off chart of a finished sweep: one point per candidate.
fn render_tradeoff(
    r: &report::Report,
    path: &Path,
) -> Result<(), crate::report::render::ChartError> {
    let points: Vec<TradeoffPoint> = r
        .candidates
        .iter()
        .map(|c| {
            let s = c.scores();
            TradeoffPoint {
                label: format!("#{} {}", c.index, c.label),
                false_rollback_rate: s.false_rollback,
                detection_rate: s.detection.unwrap_or(0.0),
                detect_p50_seconds: s.detect_p50.is_finite().then_some(s.detect_p50),
                on_frontier: c.on_frontier,
                recommended: c.recommended,
            }
        })
        .collect();
    crate::report::tradeoff::render_tradeoff(&points, path)
}

fn read_shard(p: &Path) -> Result<(String, ShardFile), CliError> {
    let name = p.display().to_string();
    let text = std::fs::read_to_string(p).map_err(|e| CliError::Input(format!("{name}: {e}")))?;
    let f = serde_json::from_str(&text)
        .map_err(|e| CliError::Input(format!("{name}: not a tune shard file: {e}")))?;
    Ok((name, f))
}

/// The sweep the flags and the scenario's `tune:` block describe.
pub fn sweep(a: &TuneArgs) -> Result<Sweep, CliError> {
    let s = scenario::load(&a.scenario).map_err(|e| CliError::Input(e.to_string()))?;
    let Some(world) = s.world.clone() else {
        return Err(CliError::Input(format!(
            "{}: tune needs a scenario with a `world:` (synthetic traffic); for recorded \
             data use `rollsim backtest`",
            a.scenario.display()
        )));
    };
    let section = s.tune.clone().unwrap_or_default();
    let input = scenario_input(&s, &parse_args(&a.args)?)?;
    let manifests = replay::load_manifests(&input).map_err(|e| CliError::Input(e.to_string()))?;
    let mut axes = Vec::new();
    for (k, v) in &section.grid.0 {
        let param =
            grid::parse_param(k).map_err(|e| scenario_error(&s, &format!("tune.grid: {e}")))?;
        axes.push(
            grid::axis(param, v.iter().cloned())
                .map_err(|e| scenario_error(&s, &format!("tune.grid: {e}")))?,
        );
    }
    let flags = a
        .grid
        .iter()
        .map(|g| grid::parse_axis(g).map_err(|e| CliError::Usage(format!("--grid {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let axes = grid::merge(axes, flags).map_err(CliError::Usage)?;
    let mut regressions: Vec<Regression> = Vec::new();
    for r in &a.regression {
        regressions.push(parse_regression(r)?);
    }
    if regressions.is_empty() {
        regressions = section.regressions.clone();
    }
    let worlds = trial::worlds(&world, &regressions);
    let targets = targets(a, &section.targets)?;
    if targets.needs_regression() && worlds.len() < 2 {
        return Err(CliError::Usage(
            "--max-detect / --min-detection need a regressed world: give the scenario's canary \
             a regression, tune.regressions or --regression"
                .into(),
        ));
    }
    let runs = a.runs.or(section.runs).unwrap_or(100);
    if runs == 0 {
        return Err(CliError::Usage("--runs must be at least 1".into()));
    }
    let seed = a.seed.or(section.seed).unwrap_or(world.seed);
    Sweep::new(
        a.scenario.display().to_string(),
        input,
        manifests,
        &axes,
        worlds,
        runs,
        seed,
        targets,
    )
    .map_err(|e| CliError::Input(format!("{}: {e}", a.scenario.display())))
}

fn scenario_error(s: &Scenario, e: &str) -> CliError {
    CliError::Input(format!("{}: {e}", s.path.display()))
}

fn parse_regression(yaml: &str) -> Result<Regression, CliError> {
    let r: Regression = serde_saphyr::from_str(yaml).map_err(|e| {
        CliError::Usage(format!(
            "--regression {yaml:?}: {}",
            e.to_string().lines().next().unwrap_or_default()
        ))
    })?;
    Ok(r)
}

fn targets(a: &TuneArgs, s: &crate::tune::section::TargetsSection) -> Result<Targets, CliError> {
    let pick = |flag: &Option<String>, sec: &Option<crate::tune::section::Text>| {
        flag.clone().or_else(|| sec.as_ref().map(|t| t.0.clone()))
    };
    let rate = |name: &str, v: Option<String>| {
        v.map(|v| recommend::parse_rate(&v).map_err(|e| CliError::Usage(format!("{name}: {e}"))))
            .transpose()
    };
    Ok(Targets {
        max_false_rollback: rate(
            "--max-false-rollback",
            pick(&a.max_false_rollback, &s.max_false_rollback),
        )?,
        max_detect_seconds: pick(&a.max_detect, &s.max_detect)
            .map(|v| {
                recommend::parse_detect(&v)
                    .map_err(|e| CliError::Usage(format!("--max-detect: {e}")))
            })
            .transpose()?,
        min_detection: rate("--min-detection", pick(&a.min_detection, &s.min_detection))?,
    })
}

fn run_units(
    sweep: &Sweep,
    units: &[usize],
    jobs: usize,
) -> Result<Vec<trial::TrialResult>, CliError> {
    let bar = progress(units.len() as u64);
    let tick = || bar.inc(1);
    let r = sweep
        .run(units, jobs, &tick)
        .map_err(|e| CliError::Input(e.to_string()));
    bar.finish_and_clear();
    r
}

/// A progress bar on stderr when it is a terminal; hidden otherwise.
pub fn progress(len: u64) -> indicatif::ProgressBar {
    if !io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} trials  {per_sec}  eta {eta}",
        )
        .expect("a valid progress template"),
    );
    bar
}

fn timing(sweep: &Sweep, units: usize, started: Instant, jobs: usize) -> Result<(), CliError> {
    let secs = started.elapsed().as_secs_f64();
    let threads = if jobs == 0 {
        rayon::current_num_threads()
    } else {
        jobs
    };
    writeln!(
        io::stderr().lock(),
        "ran {units} trials ({} candidates x {} worlds x {} runs{}) in {secs:.2}s: {:.1} trials/s on {threads} threads",
        sweep.candidates.len(),
        sweep.worlds.len(),
        sweep.runs,
        if units < sweep.units() {
            ", this shard"
        } else {
            ""
        },
        units as f64 / secs.max(1e-9),
    )?;
    Ok(())
}
