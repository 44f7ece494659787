//! Executes parsed test files against the engine and collects outcomes.
//!
//! Each file starts from an empty store; `clear` empties it again. Before running an eval the
//! runner decides whether to skip it (with a written reason): native histograms, start
//! timestamps, flag-gated syntax, or syntax the `promql-parser` crate cannot read.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use super::classify::{
    experimental_calls, flag_gated_syntax, mentions_any, parse_for_classification, selects_any,
};
use super::compare::check_outcome;
use super::parse::{Command, EvalCmd, EvalKind, parse_test_file};
use super::range_mode;
use super::report::{CorpusReport, EvalRecord, FileReport, Outcome};
use super::state::State;
use crate::model::Duration;
use crate::promql::{Compat, Engine, EngineOptions, QueryError, QueryResult, QueryTiming, Value};

/// How to run a corpus: the engine settings the expectations were produced under.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub engine: EngineOptions,
    /// Also run each passing instant eval as a range query around its time, as
    /// Prometheus's runner does (`range_mode`). Off by default.
    pub range_mode_check: bool,
}

impl RunOptions {
    /// Prometheus 3.x runner settings: lookback 5m, delayed name removal, experimental
    /// functions on; `max_samples` stays at the engine default.
    pub fn v3() -> Self {
        RunOptions {
            engine: EngineOptions {
                compat: Compat::V3,
                lookback_delta: Duration::from_secs(300),
                experimental_functions: true,
                delayed_name_removal: true,
                ..EngineOptions::default()
            },
            range_mode_check: false,
        }
    }

    /// Prometheus 2.x settings (for the v2.42 corpus): no delayed name removal, no
    /// experimental functions.
    pub fn v2() -> Self {
        RunOptions {
            engine: EngineOptions {
                compat: Compat::V2,
                lookback_delta: Duration::from_secs(300),
                experimental_functions: false,
                delayed_name_removal: false,
                ..EngineOptions::default()
            },
            range_mode_check: false,
        }
    }

    /// Sets `--query.max-samples` (Prometheus's runner uses 10000).
    pub fn with_max_samples(mut self, n: usize) -> Self {
        self.engine.max_samples = n;
        self
    }

    /// Turns the range-mode re-check of instant evals on or off.
    pub fn with_range_mode_check(mut self, on: bool) -> Self {
        self.range_mode_check = on;
        self
    }
}

/// Runs every `*.test` file of `dir` (sorted by name).
pub fn run_corpus(dir: &Path, opts: &RunOptions) -> CorpusReport {
    let mut report = CorpusReport {
        dir: dir.to_path_buf(),
        ..CorpusReport::default()
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            report
                .errors
                .push(format!("cannot read {}: {e}", dir.display()));
            return report;
        }
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "test"))
        .collect();
    paths.sort();
    report.files = paths.iter().map(|p| run_file(p, opts)).collect();
    report
}

/// Runs one test file.
pub fn run_file(path: &Path, opts: &RunOptions) -> FileReport {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let mut r = run_source(&text, opts);
            r.path = path.to_path_buf();
            r
        }
        Err(e) => FileReport {
            path: path.to_path_buf(),
            evals: Vec::new(),
            errors: vec![format!("cannot read: {e}")],
        },
    }
}

/// Runs test-file text (the report's `path` is left empty).
pub fn run_source(text: &str, opts: &RunOptions) -> FileReport {
    let engine = Engine::new(opts.engine.clone());
    let mut report = FileReport::default();
    let mut state = State::default();
    for cmd in parse_test_file(text) {
        match cmd {
            Command::Clear { .. } => state.clear(),
            Command::Load(l) => {
                for (line, e) in &l.errors {
                    report.errors.push(format!("line {line}: {e}"));
                }
                state.load(&l);
            }
            Command::Invalid { line, message } => {
                report.errors.push(format!("line {line}: {message}"))
            }
            Command::Eval(e) => report.evals.push(run_eval(&engine, opts, &mut state, &e)),
        }
    }
    report
}

fn run_eval(engine: &Engine, opts: &RunOptions, state: &mut State, cmd: &EvalCmd) -> EvalRecord {
    let flag = flag_gated_syntax(&cmd.expr);
    let timing = match cmd.kind {
        EvalKind::Instant { .. } => QueryTiming::default(),
        EvalKind::Range { start, end, step } => QueryTiming {
            step_ms: step.millis(),
            range_ms: (end - start).millis(),
        },
    };
    let parsed = engine
        .parse_with(&cmd.expr, timing)
        .map_err(|e| e.to_string());
    let selects_nh = match &parsed {
        Ok(ast) => selects_any(ast, &state.histogram_series),
        Err(_) => match parse_for_classification(&cmd.expr) {
            Some(ast) => selects_any(&ast, &state.histogram_series),
            None => mentions_any(&cmd.expr, &state.histogram_series),
        },
    };
    let flag_gated = flag.is_some();
    let outcome = if let Some(f) = flag {
        Outcome::Skip(format!("flag-gated syntax: {f}"))
    } else if cmd.expect.histogram_literal {
        Outcome::Skip("native histograms not supported: expected output has {{...}}".into())
    } else if selects_nh {
        Outcome::Skip("native histograms not supported: selects histogram series".into())
    } else if !cmd.errors.is_empty() {
        Outcome::Fail(format!("test file error: {}", cmd.errors.join("; ")))
    } else {
        match &parsed {
            // The failure Prometheus expects may be one it reports at parse time.
            Err(_) if cmd.expect.fail.is_some() => Outcome::Pass,
            Err(e) => Outcome::Skip(format!("promql-parser cannot parse: {}", one_line(e))),
            Ok(ast) if selects_any(ast, &state.start_timestamp_series) => {
                Outcome::Skip("start timestamps (@st) not supported: selects such series".into())
            }
            Ok(_) => execute(engine, opts, state, cmd),
        }
    };
    EvalRecord {
        line: cmd.line,
        expr: cmd.expr.clone(),
        outcome,
        native_histograms: cmd.expect.histogram_literal || selects_nh,
        experimental: !experimental_calls(&cmd.expr).is_empty(),
        flag_gated,
    }
}

fn execute(engine: &Engine, opts: &RunOptions, state: &mut State, cmd: &EvalCmd) -> Outcome {
    let store = match state.store() {
        Ok(s) => s,
        Err(e) => return Outcome::Fail(e),
    };
    let res = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        let res: Result<QueryResult, QueryError> = match cmd.kind {
            EvalKind::Instant { at } => engine.instant_query(store, &cmd.expr, at),
            EvalKind::Range { start, end, step } => {
                engine.range_query(store, &cmd.expr, start, end, step)
            }
        };
        check_outcome(cmd, &res)?;
        match (cmd.kind, &res) {
            (EvalKind::Instant { at }, Ok(r))
                if opts.range_mode_check && range_mode::applies(cmd) =>
            {
                let scalar = matches!(r.value, Value::Scalar { .. });
                range_mode::check(engine, store, cmd, at, scalar)
            }
            _ => Ok(()),
        }
    }));
    let res = match res {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Outcome::Fail(format!("engine panicked: {msg}"));
        }
    };
    match res {
        Ok(()) => Outcome::Pass,
        Err(reason) => Outcome::Fail(reason),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
