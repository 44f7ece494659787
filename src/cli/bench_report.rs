//! Benchmark report mode of `rollsim query` (hidden flags `--bench-report`, `--results-dir`,
//! `--runs`, `--warmup`).
//!
//! Times each query of a `--queries` file as a range query over an already loaded store and
//! writes what `bench/compare.py` reads: a report shaped like `bench/prom_baseline.sh`'s
//! (`queries[].eval_ms`/`wall_ms` with `min`/`median`/`max`/`runs`, `result_file`, `range`)
//! and one `/api/v1/query_range` response per query (`q01.json`, ...) in the results dir.
//! `eval_ms` covers selecting and evaluating (the engine call) and excludes the data load;
//! `wall_ms` adds encoding the JSON response.

use std::path::{Path, PathBuf};
use std::time::{Duration as StdDuration, Instant};

use serde_json::{Value as Json, json};

use super::output::ApiError;
use super::{CliError, Exit};
use crate::model::{Duration, Store, Timestamp};
use crate::promql::{Engine, QueryResult, Value, api_json};

/// What to run and where to write.
pub struct Plan<'a> {
    pub queries: &'a [String],
    pub data: &'a [PathBuf],
    pub range: (Timestamp, Timestamp, Duration),
    pub warmup: u32,
    pub runs: u32,
    pub report: &'a Path,
    pub results_dir: &'a Path,
    pub load_time: StdDuration,
}

/// Runs every query, writes the result files and the report; exit 2 if any query failed.
pub fn run(engine: &Engine, store: &Store, plan: &Plan) -> Result<Exit, CliError> {
    std::fs::create_dir_all(plan.results_dir).map_err(|e| {
        CliError::Input(format!(
            "{}: cannot create results directory: {e}",
            plan.results_dir.display()
        ))
    })?;
    let mut records = Vec::new();
    let mut failed = false;
    for (i, query) in plan.queries.iter().enumerate() {
        let id = format!("q{:02}", i + 1);
        let record = time_query(engine, store, plan, &id, query)?;
        match record.get("eval_ms") {
            Some(ev) => eprintln!(
                "{id} eval median {:9.2} ms  wall median {:9.2} ms  series {:5}  points {:8}",
                ev["median"].as_f64().unwrap_or(f64::NAN),
                record["wall_ms"]["median"].as_f64().unwrap_or(f64::NAN),
                record["result"]["series"],
                record["result"]["points"],
            ),
            None => {
                failed = true;
                eprintln!("{id} ERROR {}", record["error"].as_str().unwrap_or("?"));
            }
        }
        records.push(record);
    }
    let report = report_json(engine, store, plan, records);
    let text = serde_json::to_string_pretty(&report).expect("a JSON value always serializes");
    std::fs::write(plan.report, text + "\n").map_err(|e| {
        CliError::Input(format!(
            "{}: cannot write report: {e}",
            plan.report.display()
        ))
    })?;
    Ok(if failed {
        Exit::InputRejected
    } else {
        Exit::Success
    })
}

/// Times one query: `warmup` untimed runs, then `runs` timed ones; saves the last response.
fn time_query(
    engine: &Engine,
    store: &Store,
    plan: &Plan,
    id: &str,
    query: &str,
) -> Result<Json, CliError> {
    let (start, end, step) = plan.range;
    let (mut evals, mut walls) = (Vec::new(), Vec::new());
    let mut last: Option<(QueryResult, String)> = None;
    for run in 0..plan.warmup + plan.runs {
        let t0 = Instant::now();
        let result = match engine.range_query(store, query, start, end, step) {
            Ok(r) => r,
            Err(e) => {
                let e = ApiError::from_query(e);
                return Ok(json!({"id": id, "query": query,
                                 "error": format!("{}: {}", e.error_type, e.message)}));
            }
        };
        let eval = t0.elapsed();
        let body = api_json::success_response(&result);
        let wall = t0.elapsed();
        if run >= plan.warmup {
            evals.push(ms(eval));
            walls.push(ms(wall));
        }
        last = Some((result, body));
    }
    let (result, body) = last.expect("runs >= 1, enforced by clap");
    let file = format!("{id}.json");
    let path = plan.results_dir.join(&file);
    std::fs::write(&path, body + "\n")
        .map_err(|e| CliError::Input(format!("{}: cannot write result: {e}", path.display())))?;
    let (series, points) = result_size(&result.value);
    Ok(json!({
        "id": id, "query": query,
        "eval_ms": stats(evals), "wall_ms": stats(walls),
        "result": {"type": result.value.type_name(), "series": series, "points": points},
        "warnings": result.warnings, "infos": result.infos,
        "result_file": file,
    }))
}

fn report_json(engine: &Engine, store: &Store, plan: &Plan, queries: Vec<Json>) -> Json {
    let (start, end, step) = plan.range;
    let samples = store.sample_count();
    let bytes = store.sample_bytes();
    let results_dir =
        std::path::absolute(plan.results_dir).unwrap_or_else(|_| plan.results_dir.to_path_buf());
    let data_bytes: u64 = plan
        .data
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    json!({
        "schema": "promql-range-bench/1",
        "evaluator": "rollsim",
        "evaluator_version": concat!("rollsim ", env!("CARGO_PKG_VERSION")),
        "engine": {
            "compat": format!("{:?}", engine.options.compat),
            "lookback_delta": engine.options.lookback_delta.to_string(),
        },
        "dataset": {
            "paths": plan.data.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "bytes": data_bytes,
        },
        "range": {
            "start": start.seconds_f64(), "end": end.seconds_f64(), "step": step.seconds_f64(),
            "steps": (end - start).millis() / step.millis() + 1,
        },
        "warmup": plan.warmup,
        "runs": plan.runs,
        "load_ms": ms(plan.load_time),
        "store": {
            "series": store.series().len(),
            "samples": samples,
            "sample_bytes": bytes,
            "bytes_per_sample": if samples > 0 { bytes as f64 / samples as f64 } else { 0.0 },
        },
        "results_dir": results_dir.display().to_string(),
        "queries": queries,
    })
}

fn result_size(value: &Value) -> (usize, usize) {
    match value {
        Value::Matrix(m) => (m.len(), m.iter().map(|s| s.points.len()).sum()),
        Value::Vector(v) => (v.len(), v.len()),
        Value::Scalar { .. } | Value::String { .. } => (1, 1),
    }
}

fn ms(d: StdDuration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 10_000.0).round() / 10_000.0
}

/// `{"min", "median", "max", "runs"}` as `run_queries.py` reports them.
fn stats(runs: Vec<f64>) -> Json {
    let mut sorted = runs.clone();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    json!({"min": sorted[0], "median": median, "max": sorted[n - 1], "runs": runs})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_match_python_statistics_median() {
        let s = stats(vec![3.0, 1.0, 2.0, 10.0]);
        assert_eq!(s["min"], 1.0);
        assert_eq!(s["median"], 2.5);
        assert_eq!(s["max"], 10.0);
        assert_eq!(s["runs"], json!([3.0, 1.0, 2.0, 10.0]));
        assert_eq!(stats(vec![4.0])["median"], 4.0);
    }
}
