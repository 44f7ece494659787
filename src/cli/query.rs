//! `rollsim query`: evaluate PromQL over data files, answering like Prometheus's HTTP API.
//!
//! The raw flags ([`QueryArgs`]) are checked before the data is loaded, so a bad `--time`
//! fails fast (`schedule` parses them; defaults that depend on the data are filled in after
//! loading). `--queries` answers many queries from one load; the hidden `--bench-report`
//! flags hand over to `bench_report`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::output::{self, ApiError};
use super::schedule::{self, Eval};
use super::{CliError, Exit, bench_report};
use crate::ingest;
use crate::model::Store;
use crate::promql::{Compat, Engine, EngineOptions, QueryError, QueryResult};

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// PromQL expression (omit when using --queries); before or after --data
    #[arg(conflicts_with = "queries")]
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
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

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
pub enum OutputFormat {
    Text,
    Json,
}

/// Runs `rollsim query`.
/// The query and the data files as the user meant them: in `--data a.om 'expr'` clap reads
/// the expression as one more data file (`--data` takes several), so when no expression
/// came first, a last "file" that does not exist is the expression.
fn expr_and_data(
    expr: Option<&str>,
    has_queries_file: bool,
    data: &[PathBuf],
) -> Result<(Option<String>, Vec<PathBuf>), CliError> {
    if expr.is_some() || has_queries_file {
        return Ok((expr.map(str::to_string), data.to_vec()));
    }
    match data {
        [files @ .., last] if !files.is_empty() && !last.exists() => {
            Ok((Some(last.to_string_lossy().into_owned()), files.to_vec()))
        }
        _ => Err(CliError::Usage(
            "give a PromQL expression (before or after --data FILE...) or --queries FILE".into(),
        )),
    }
}

pub fn run(args: &QueryArgs) -> Result<Exit, CliError> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let prepared = schedule::parse(
        args.time.as_deref(),
        args.start.as_deref(),
        args.end.as_deref(),
        args.step.as_deref(),
    )
    .and_then(|s| Ok((s, engine_options(args)?)));
    let (schedule, options) = match prepared {
        Ok(p) => p,
        Err(e) => {
            output::write_error(&mut out, args.format, &e)?;
            out.flush()?;
            return Ok(Exit::InputRejected);
        }
    };
    let (expr, data) = expr_and_data(args.expr.as_deref(), args.queries.is_some(), &args.data)?;
    let queries = match &args.queries {
        Some(path) => read_queries(path)?,
        None => vec![expr.unwrap_or_default()],
    };
    check_files(&data)?;
    let load_start = std::time::Instant::now();
    let store = ingest::load_files(&data)?;
    let load_time = load_start.elapsed();
    let eval = match schedule::resolve(schedule, &store) {
        Ok(eval) => eval,
        Err(e) => {
            output::write_error(&mut out, args.format, &e)?;
            out.flush()?;
            return Ok(Exit::InputRejected);
        }
    };
    let engine = Engine::new(options);

    if let Some(report) = &args.bench_report {
        let plan = bench_plan(args, &queries, report, eval, load_time)?;
        return bench_report::run(&engine, &store, &plan);
    }
    let failed = answer(&mut out, args, &engine, &store, &queries, eval)?;
    out.flush()?;
    Ok(if failed {
        Exit::InputRejected
    } else {
        Exit::Success
    })
}

/// Prints one response per query; returns whether any query failed.
fn answer(
    out: &mut impl Write,
    args: &QueryArgs,
    engine: &Engine,
    store: &Store,
    queries: &[String],
    eval: Eval,
) -> io::Result<bool> {
    let mut failed = false;
    for (i, query) in queries.iter().enumerate() {
        if args.queries.is_some() && args.format == OutputFormat::Text {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "# {query}")?;
        }
        match evaluate(engine, store, query, eval) {
            Ok(result) => output::write_result(out, args.format, &result)?,
            Err(e) => {
                failed = true;
                output::write_error(out, args.format, &ApiError::from_query(e))?;
            }
        }
    }
    Ok(failed)
}

fn bench_plan<'a>(
    args: &'a QueryArgs,
    queries: &'a [String],
    report: &'a Path,
    eval: Eval,
    load_time: std::time::Duration,
) -> Result<bench_report::Plan<'a>, CliError> {
    let Eval::Range { start, end, step } = eval else {
        return Err(CliError::Usage(
            "--bench-report needs a range query: pass --start/--end/--step".into(),
        ));
    };
    Ok(bench_report::Plan {
        queries,
        data: &args.data,
        range: (start, end, step),
        warmup: args.warmup,
        runs: args.runs,
        report,
        results_dir: args
            .results_dir
            .as_deref()
            .expect("clap requires --results-dir with --bench-report"),
        load_time,
    })
}

/// Evaluates one query at the resolved time(s).
fn evaluate(
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

fn engine_options(args: &QueryArgs) -> Result<EngineOptions, ApiError> {
    let lookback_delta = schedule::parse_duration("lookback_delta", &args.lookback_delta)?;
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

/// Reads a queries file: one query per line, `#` comments and blank lines skipped; query ids
/// are `q01`, `q02`, ... in this order (as `bench/run_queries.py` numbers them).
pub fn read_queries(path: &Path) -> Result<Vec<String>, CliError> {
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
