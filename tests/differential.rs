//! Differential test: the benchmark queries through a real Prometheus and through rollsim.
//!
//! Generates the `small` preset with `../shared/bench/gen_dataset.py`, runs
//! `prom_baseline.sh` on it (backfill, start Prometheus on 127.0.0.1, run every query of
//! `queries.txt` as a range query, stop), then evaluates the same queries with rollsim's
//! `Engine` in `Compat::V2` (the baseline is Prometheus 2.42) over the report's exact range
//! and compares value by value: same label sets, same timestamps, values within a relative
//! tolerance of 1e-9 (NaN equals NaN). It also checks that `promql::api_json` re-encodes
//! Prometheus's own responses byte for byte.
//!
//! Needs `prometheus`, `promtool`, `python3` on PATH and `../shared/bench` (override with
//! `ROLLSIM_SHARED`). Without them the test prints `SKIPPED:` and passes, unless
//! `ROLLSIM_REQUIRE_PROMETHEUS=1` or `ROLLSIM_REQUIRE_SHARED=1` (set by `.ci/run`) demands
//! them, in which case it fails. `ROLLSIM_DIFF_ONLY=q01,q03` limits the run to some queries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use rollsim::ingest;

mod common;
use common::{Needs, run_ok as run};
use rollsim::model::{Duration, Labels, Timestamp};
use rollsim::promql::{Compat, Engine, EngineOptions, QueryResult, RangeSeries, Value, api_json};

const RTOL: f64 = 1e-9;
const ATOL: f64 = 1e-12;
/// Mismatches listed per query in a failure message.
const SHOW: usize = 5;

type Points = Vec<(i64, f64)>;
/// Series by canonical label text (`{a="1", b="2"}`, `__name__` included).
type SeriesMap = BTreeMap<String, Points>;

#[test]
fn bench_queries_match_prometheus() {
    let Some(bench) = prerequisites() else {
        return;
    };
    let dir = tempfile::tempdir().expect("create a temp dir");
    let data = dir.path().join("small.om");
    run(Command::new("python3")
        .arg(bench.join("gen_dataset.py"))
        .args(["--preset", "small", "--out"])
        .arg(&data));
    let results_dir = dir.path().join("prometheus-results");
    let report_path = dir.path().join("prometheus.json");
    let mut baseline = Command::new("bash");
    baseline
        .arg(bench.join("prom_baseline.sh"))
        .args(["--runs", "1", "--warmup", "0", "--results-dir"])
        .arg(&results_dir)
        .arg("--out")
        .arg(&report_path);
    if let Ok(only) = std::env::var("ROLLSIM_DIFF_ONLY") {
        baseline.args(["--only", &only]);
    }
    run(baseline.arg(&data));
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&report_path).expect("prom_baseline.sh wrote its report"),
    )
    .expect("the report is JSON");
    let seconds = |key: &str| {
        report["range"][key]
            .as_f64()
            .expect("range.{start,end,step}")
    };
    let start = Timestamp::from_millis((seconds("start") * 1000.0).round() as i64);
    let end = Timestamp::from_millis((seconds("end") * 1000.0).round() as i64);
    let step = Duration::from_millis((seconds("step") * 1000.0).round() as i64);

    check_json_encoding(&report, &results_dir);

    let store = ingest::load_files(&[data]).unwrap_or_else(|e| panic!("rollsim load: {e}"));
    let engine = Engine::new(EngineOptions {
        compat: Compat::V2,
        ..EngineOptions::default()
    });
    let mut failures = Vec::new();
    let mut points = 0;
    let queries = report["queries"].as_array().expect("report.queries");
    assert!(!queries.is_empty(), "the baseline ran no query");
    for q in queries {
        let id = q["id"].as_str().expect("query id");
        let query = q["query"].as_str().expect("query text");
        if let Some(err) = q.get("error") {
            failures.push(format!("{id} `{query}`: Prometheus itself failed: {err}"));
            continue;
        }
        let file = results_dir.join(q["result_file"].as_str().expect("result_file"));
        let expected = prometheus_result(&file);
        let got = match engine.range_query(&store, query, start, end, step) {
            Ok(r) => rollsim_result(r.value),
            Err(e) => {
                failures.push(format!("{id} `{query}`: rollsim error: {e}"));
                continue;
            }
        };
        points += expected.values().map(Vec::len).sum::<usize>();
        let problems = compare(&expected, &got);
        if !problems.is_empty() {
            failures.push(format!(
                "{id} `{query}`: {} problem(s), first ones:\n    {}",
                problems.len(),
                problems
                    .iter()
                    .take(SHOW)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries differ from Prometheus over [{start}, {end}] step {step}:\n{}",
        failures.len(),
        queries.len(),
        failures.join("\n")
    );
    common::note(&format!(
        "differential: {} queries, {points} Prometheus points, all equal within rtol {RTOL:e}",
        queries.len()
    ));
}

/// `api_json` must re-encode Prometheus's own responses byte for byte (less `stats`).
fn check_json_encoding(report: &serde_json::Value, results_dir: &Path) {
    for q in report["queries"].as_array().expect("report.queries") {
        let Some(file) = q["result_file"].as_str() else {
            continue;
        };
        let path = results_dir.join(file);
        let text = std::fs::read_to_string(&path).expect("result file");
        let text = text.trim_end();
        // prom_baseline.sh asks for stats=all; they come last in `data`.
        let want = match text.find(",\"stats\":") {
            Some(i) => format!("{}}}}}", &text[..i]),
            None => text.to_string(),
        };
        let series = prometheus_series(&path);
        let got = api_json::success_response(&QueryResult {
            value: Value::Matrix(series),
            warnings: vec![],
            infos: vec![],
        });
        if got != want {
            let i = got
                .bytes()
                .zip(want.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let around = |s: &str| s[i.saturating_sub(60)..(i + 40).min(s.len())].to_string();
            panic!(
                "{}: JSON encoding differs at byte {i}:\n rollsim    ...{}\n Prometheus ...{}",
                path.display(),
                around(&got),
                around(&want)
            );
        }
    }
}

/// The shared bench directory, or `None` (after a loud SKIPPED) when something is missing.
fn prerequisites() -> Option<PathBuf> {
    let bench = common::shared_dir().join("bench");
    if !bench.join("prom_baseline.sh").is_file() {
        common::skip(
            Needs::Shared,
            &format!("{} not found (set ROLLSIM_SHARED)", bench.display()),
        );
        return None;
    }
    let missing: Vec<&str> = ["prometheus", "promtool", "python3"]
        .into_iter()
        .filter(|tool| !common::on_path(tool))
        .collect();
    if !missing.is_empty() {
        let msg = format!(
            "not on PATH: {} (apt-get install prometheus)",
            missing.join(", ")
        );
        common::skip(Needs::Prometheus, &msg);
        return None;
    }
    Some(bench)
}

fn canonical(labels: &Labels) -> String {
    // `Display` prints `name{...}`; spell the name as a label so both sides agree.
    let mut s = String::from("{");
    for (i, l) in labels.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&format!("{}={:?}", l.name, &*l.value));
    }
    s.push('}');
    s
}

fn prometheus_result(path: &Path) -> SeriesMap {
    prometheus_series(path)
        .into_iter()
        .map(|s| (canonical(&s.labels), s.points))
        .collect()
}

/// A saved `query_range` response as rollsim's result type.
fn prometheus_series(path: &Path) -> Vec<RangeSeries> {
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("a Prometheus response is JSON");
    assert_eq!(doc["data"]["resultType"], "matrix", "{}", path.display());
    let mut out = Vec::new();
    for s in doc["data"]["result"].as_array().expect("data.result") {
        let metric = s["metric"].as_object().expect("metric object");
        let labels = Labels::from_pairs(
            metric
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().expect("label values are strings"))),
        );
        let points = s["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(|p| {
                let t = p[0].as_f64().expect("timestamp");
                let v = p[1].as_str().expect("value string");
                ((t * 1000.0).round() as i64, parse_value(v))
            })
            .collect();
        out.push(RangeSeries { labels, points });
    }
    out
}

fn parse_value(s: &str) -> f64 {
    match s {
        "NaN" => f64::NAN,
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        _ => s.parse().unwrap_or_else(|_| panic!("bad value {s:?}")),
    }
}

fn rollsim_result(value: Value) -> SeriesMap {
    match value {
        Value::Matrix(series) => series
            .into_iter()
            .map(|s| (canonical(&s.labels), s.points))
            .collect(),
        other => panic!(
            "a range query must return a matrix, got {}",
            other.type_name()
        ),
    }
}

fn values_equal(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= ATOL + RTOL * a.abs().max(b.abs())
}

/// Every difference between the two results, as readable lines.
fn compare(expected: &SeriesMap, got: &SeriesMap) -> Vec<String> {
    let mut problems = Vec::new();
    for labels in expected.keys().filter(|k| !got.contains_key(*k)) {
        problems.push(format!("missing series {labels}"));
    }
    for labels in got.keys().filter(|k| !expected.contains_key(*k)) {
        problems.push(format!("extra series {labels}"));
    }
    for (labels, want) in expected {
        let Some(have) = got.get(labels) else {
            continue;
        };
        let have_map: BTreeMap<i64, f64> = have.iter().copied().collect();
        let want_map: BTreeMap<i64, f64> = want.iter().copied().collect();
        for (t, w) in &want_map {
            match have_map.get(t) {
                None => problems.push(format!("{labels} @{t}: missing point (want {w})")),
                Some(h) if !values_equal(*w, *h) => {
                    problems.push(format!("{labels} @{t}: Prometheus {w}, rollsim {h}"))
                }
                Some(_) => {}
            }
        }
        for t in have_map.keys().filter(|t| !want_map.contains_key(t)) {
            problems.push(format!("{labels} @{t}: extra point {}", have_map[t]));
        }
    }
    problems
}

#[test]
fn compare_lists_every_kind_of_difference() {
    let map = |items: &[(&str, &[(i64, f64)])]| -> SeriesMap {
        items
            .iter()
            .map(|(k, p)| (k.to_string(), p.to_vec()))
            .collect()
    };
    let want = map(&[
        ("{a=\"1\"}", &[(0, 1.0), (60, f64::NAN), (120, 3.0)]),
        ("{a=\"2\"}", &[(0, 1.0)]),
    ]);
    assert!(compare(&want, &want).is_empty(), "NaN equals NaN");
    let near = map(&[
        ("{a=\"1\"}", &[(0, 1.0 + 1e-12), (60, f64::NAN), (120, 3.0)]),
        ("{a=\"2\"}", &[(0, 1.0)]),
    ]);
    assert!(compare(&want, &near).is_empty(), "within rtol 1e-9");
    let got = map(&[
        ("{a=\"1\"}", &[(0, 1.0), (60, 2.0), (180, 3.0)]),
        ("{a=\"3\"}", &[(0, 1.0)]),
    ]);
    assert_eq!(
        compare(&want, &got),
        [
            "missing series {a=\"2\"}",
            "extra series {a=\"3\"}",
            "{a=\"1\"} @60: Prometheus NaN, rollsim 2",
            "{a=\"1\"} @120: missing point (want 3)",
            "{a=\"1\"} @180: extra point 3",
        ]
    );
}
