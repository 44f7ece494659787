//! `rollsim query`: evaluate PromQL over data files, answering like Prometheus's HTTP API.
//!
//! The raw flags ([`QueryArgs`]) are resolved into typed parameters before the data is
//! loaded, so a bad `--time` fails fast; defaults that depend on the data (`--time` = the
//! latest sample, `--start`/`--end` = the first/last sample) are filled in after loading.
//! Parameter errors use Prometheus's texts (`invalid parameter "time": ...`).

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::output::{self, ApiError};
use super::{CliError, Exit, bench_report};
use crate::ingest;
use crate::model::{Duration, Store, Timestamp};
use crate::promql::{Compat, Engine, EngineOptions, QueryError, QueryResult};

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// PromQL expression (omit when using --queries)
    #[arg(required_unless_present = "queries", conflicts_with = "queries")]
    pub expr: Option<String>,

    /// Data files: OpenMetrics (.om), Prometheus text (.prom, .txt), API JSON (.json),
    /// CSV (.csv), series notation (.series)
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub data: Vec<PathBuf>,

    /// File of queries, one per line ('#' comments and blank lines ignored); prints one
    /// response per query, from a single load of the data
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,

    /// Evaluation time of an instant query (RFC 3339 or Unix seconds; default: latest sample)
    #[arg(long, value_name = "T", conflicts_with_all = ["start", "end", "step"])]
    pub time: Option<String>,

    /// Range query start (default: first sample, whole second)
    #[arg(long, value_name = "T")]
    pub start: Option<String>,

    /// Range query end, inclusive (default: last sample, whole second)
    #[arg(long, value_name = "T")]
    pub end: Option<String>,

    /// Range query step: a duration (60s, 1m) or seconds [default: 60s]
    #[arg(long, value_name = "D")]
    pub step: Option<String>,

    /// Output format; json is exactly the Prometheus HTTP API response
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Prometheus major version whose PromQL semantics to follow
    #[arg(long = "promql-compat", value_name = "2|3", default_value_t = 3,
          value_parser = clap::value_parser!(u8).range(2..=3))]
    pub promql_compat: u8,

    /// How far back an instant selector looks for a sample
    #[arg(long, value_name = "D", default_value = "5m")]
    pub lookback_delta: String,

    /// Benchmark mode (with --queries and a range): write a timing report here
    #[arg(long, hide = true, value_name = "FILE", requires_all = ["queries", "results_dir"])]
    pub bench_report: Option<PathBuf>,

    /// Benchmark mode: directory for one query_range response per query (q01.json, ...)
    #[arg(long, hide = true, value_name = "DIR", requires = "bench_report")]
    pub results_dir: Option<PathBuf>,

    /// Benchmark mode: timed runs per query
    #[arg(long, hide = true, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,

    /// Benchmark mode: untimed runs per query before the timed ones
    #[arg(long, hide = true, default_value_t = 1)]
    pub warmup: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// When to evaluate, as given; `None` fields default from the data.
#[derive(Debug, Clone, Copy)]
enum Schedule {
    Instant(Option<Timestamp>),
    Range {
        start: Option<Timestamp>,
        end: Option<Timestamp>,
        step: Duration,
    },
}

/// When to evaluate, resolved against the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eval {
    Instant(Timestamp),
    Range {
        start: Timestamp,
        end: Timestamp,
        step: Duration,
    },
}

/// Runs `rollsim query`.
pub fn run(args: &QueryArgs) -> Result<Exit, CliError> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let prepared = parse_schedule(args).and_then(|s| Ok((s, engine_options(args)?)));
    let (schedule, options) = match prepared {
        Ok(p) => p,
        Err(e) => {
            output::write_error(&mut out, args.format, &e)?;
            out.flush()?;
            return Ok(Exit::InputRejected);
        }
    };
    let queries = match &args.queries {
        Some(path) => read_queries(path)?,
        None => vec![args.expr.clone().unwrap_or_default()],
    };
    check_files(&args.data)?;
    let load_start = std::time::Instant::now();
    let store = ingest::load_files(&args.data)?;
    let load_time = load_start.elapsed();
    let eval = match resolve(schedule, &store) {
        Ok(eval) => eval,
        Err(e) => {
            output::write_error(&mut out, args.format, &e)?;
            out.flush()?;
            return Ok(Exit::InputRejected);
        }
    };
    let engine = Engine::new(options);

    if let Some(report) = &args.bench_report {
        let Eval::Range { start, end, step } = eval else {
            return Err(CliError::Usage(
                "--bench-report needs a range query: pass --start/--end/--step".into(),
            ));
        };
        let plan = bench_report::Plan {
            queries: &queries,
            data: &args.data,
            range: (start, end, step),
            warmup: args.warmup,
            runs: args.runs,
            report,
            results_dir: args
                .results_dir
                .as_deref()
                .expect("clap requires --results-dir"),
            load_time,
        };
        return bench_report::run(&engine, &store, &plan);
    }

    let mut failed = false;
    for (i, query) in queries.iter().enumerate() {
        if args.queries.is_some() && args.format == Format::Text {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "# {query}")?;
        }
        match evaluate(&engine, &store, query, eval) {
            Ok(result) => output::write_result(&mut out, args.format, &result)?,
            Err(e) => {
                failed = true;
                output::write_error(&mut out, args.format, &ApiError::from_query(e))?;
            }
        }
    }
    out.flush()?;
    Ok(if failed {
        Exit::InputRejected
    } else {
        Exit::Success
    })
}

/// Evaluates one query at the resolved time(s).
pub fn evaluate(
    engine: &Engine,
    store: &Store,
    query: &str,
    eval: Eval,
) -> Result<QueryResult, QueryError> {
    match eval {
        Eval::Instant(t) => engine.instant_query(store, query, t),
        Eval::Range { start, end, step } => engine.range_query(store, query, start, end, step),
    }
}

fn parse_time(name: &str, text: &str) -> Result<Timestamp, ApiError> {
    Timestamp::parse(text).map_err(|e| ApiError::bad_param(name, &e.to_string()))
}

/// A duration as Prometheus's API accepts it: `1m30s` or float seconds (`90`, `0.5`).
fn parse_duration(name: &str, text: &str) -> Result<Duration, ApiError> {
    if let Ok(d) = Duration::parse(text) {
        return Ok(d);
    }
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && (s * 1000.0).abs() < i64::MAX as f64 => {
            Ok(Duration::from_millis((s * 1000.0).round() as i64))
        }
        _ => Err(ApiError::bad_param(
            name,
            &format!("cannot parse {text:?} to a valid duration (examples: 60s, 1m30s, 90)"),
        )),
    }
}

fn parse_schedule(args: &QueryArgs) -> Result<Schedule, ApiError> {
    if args.start.is_none() && args.end.is_none() && args.step.is_none() {
        let t = args.time.as_deref().map(|t| parse_time("time", t));
        return Ok(Schedule::Instant(t.transpose()?));
    }
    let start = args.start.as_deref().map(|t| parse_time("start", t));
    let end = args.end.as_deref().map(|t| parse_time("end", t));
    let step = match args.step.as_deref() {
        Some(s) => parse_duration("step", s)?,
        None => Duration::from_secs(60),
    };
    if step.millis() <= 0 {
        return Err(ApiError::bad_param(
            "step",
            "zero or negative query resolution step widths are not accepted. Try a positive integer",
        ));
    }
    Ok(Schedule::Range {
        start: start.transpose()?,
        end: end.transpose()?,
        step,
    })
}

fn engine_options(args: &QueryArgs) -> Result<EngineOptions, ApiError> {
    let lookback_delta = parse_duration("lookback_delta", &args.lookback_delta)?;
    if lookback_delta.millis() <= 0 {
        return Err(ApiError::bad_param(
            "lookback_delta",
            "lookback delta must be positive",
        ));
    }
    Ok(EngineOptions {
        compat: if args.promql_compat == 2 {
            Compat::V2
        } else {
            Compat::V3
        },
        lookback_delta,
        ..EngineOptions::default()
    })
}

/// Fills data-dependent defaults: `--time` = the latest sample; `--start`/`--end` = the first
/// and last sample, truncated to whole seconds (what `prom_baseline.sh` uses).
fn resolve(schedule: Schedule, store: &Store) -> Result<Eval, ApiError> {
    let range = store.time_range();
    let no_samples = |flag: &str| {
        ApiError::bad_data(format!(
            "the data holds no samples, so there is no default for {flag}: pass it explicitly"
        ))
    };
    let whole_second = |ms: i64| Timestamp::from_millis(ms.div_euclid(1000) * 1000);
    match schedule {
        Schedule::Instant(Some(t)) => Ok(Eval::Instant(t)),
        Schedule::Instant(None) => range
            .map(|(_, last)| Eval::Instant(Timestamp::from_millis(last)))
            .ok_or_else(|| no_samples("--time")),
        Schedule::Range { start, end, step } => {
            let start = match start {
                Some(t) => t,
                None => whole_second(range.ok_or_else(|| no_samples("--start"))?.0),
            };
            let end = match end {
                Some(t) => t,
                None => whole_second(range.ok_or_else(|| no_samples("--end"))?.1),
            };
            if end < start {
                return Err(ApiError::bad_param(
                    "end",
                    &format!("end timestamp ({end}) must not be before start time ({start})"),
                ));
            }
            Ok(Eval::Range { start, end, step })
        }
    }
}

/// Reads a queries file: one query per line, `#` comments and blank lines skipped; query ids
/// are `q01`, `q02`, ... in this order (as `bench/run_queries.py` numbers them).
pub fn read_queries(path: &std::path::Path) -> Result<Vec<String>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::Input(format!("{}: cannot read queries file: {e}", path.display()))
    })?;
    let queries: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    if queries.is_empty() {
        return Err(CliError::Input(format!(
            "{}: no queries (one PromQL expression per line; '#' starts a comment)",
            path.display()
        )));
    }
    Ok(queries)
}

/// Fails early, naming the file, when a data file does not exist or is not a file.
fn check_files(paths: &[PathBuf]) -> Result<(), CliError> {
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                return Err(CliError::Input(format!(
                    "{}: not a data file (a directory?)",
                    p.display()
                )));
            }
            Err(e) => {
                return Err(CliError::Input(format!(
                    "{}: cannot open data file: {e}",
                    p.display()
                )));
            }
        }
    }
    Ok(())
}
