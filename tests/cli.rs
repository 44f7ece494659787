//! End-to-end tests of the `rollsim` binary: output shapes, exit codes, error texts.
//!
//! Inputs live in `fixtures/cli/`: `requests.prom` holds two counters sampled every 60 s
//! from 1704067200 (2024-01-01T00:00:00Z) to 1704067440: `requests_total{pod="a"}` =
//! 0, 60, 120, 180, 240 and `requests_total{pod="b"}` = 0, 30, 60, 90, 120. Expected values
//! below are computed by hand from that file; the JSON must match Prometheus's HTTP API
//! byte for byte.

use std::path::Path;
use std::process::{Command, Output};

const DATA: &str = "fixtures/cli/requests.prom";

fn rollsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the rollsim binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// Runs a query expected to succeed; returns stdout.
fn ok(args: &[&str]) -> String {
    let o = rollsim(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "rollsim {args:?} failed\nstdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

#[test]
fn instant_vector_json_defaults_to_latest_sample() {
    let out = ok(&[
        "query",
        "requests_total",
        "--data",
        DATA,
        "--format",
        "json",
    ]);
    assert_eq!(
        out,
        concat!(
            r#"{"status":"success","data":{"resultType":"vector","result":["#,
            r#"{"metric":{"__name__":"requests_total","pod":"a"},"value":[1704067440,"240"]},"#,
            r#"{"metric":{"__name__":"requests_total","pod":"b"},"value":[1704067440,"120"]}]}}"#,
            "\n"
        )
    );
}

#[test]
fn instant_vector_at_fractional_time_uses_lookback() {
    let out = ok(&[
        "query",
        r#"requests_total{pod="b"}"#,
        "--data",
        DATA,
        "--time",
        "1704067260.5",
        "--format",
        "json",
    ]);
    assert_eq!(
        out,
        concat!(
            r#"{"status":"success","data":{"resultType":"vector","result":["#,
            r#"{"metric":{"__name__":"requests_total","pod":"b"},"value":[1704067260.500,"30"]}]}}"#,
            "\n"
        )
    );
}

#[test]
fn scalar_and_string_json() {
    let out = ok(&["query", "1 + 2", "--data", DATA, "--format", "json"]);
    assert_eq!(
        out,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1704067440,\"3\"]}}\n"
    );
    let out = ok(&[
        "query",
        r#""hello""#,
        "--data",
        DATA,
        "--time",
        "2024-01-01T00:01:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(
        out,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1704067260,\"hello\"]}}\n"
    );
}

#[test]
fn range_query_json_is_a_matrix() {
    let out = ok(&[
        "query",
        "sum(requests_total)",
        "--data",
        DATA,
        "--start",
        "1704067200",
        "--end",
        "2024-01-01T00:04:00Z",
        "--step",
        "2m",
        "--format",
        "json",
    ]);
    assert_eq!(
        out,
        concat!(
            r#"{"status":"success","data":{"resultType":"matrix","result":["#,
            r#"{"metric":{},"values":[[1704067200,"0"],[1704067320,"180"],[1704067440,"360"]]}]}}"#,
            "\n"
        )
    );
}

#[test]
fn range_query_text_prints_one_block_per_series() {
    let out = ok(&[
        "query",
        "requests_total / 60",
        "--data",
        DATA,
        "--start",
        "1704067320",
        "--end",
        "1704067440",
        "--step",
        "120",
        "--promql-compat",
        "2",
    ]);
    assert_eq!(
        out,
        "{pod=\"a\"}\n  2 @ 2024-01-01T00:02:00.000Z\n  4 @ 2024-01-01T00:04:00.000Z\n\
         \n{pod=\"b\"}\n  1 @ 2024-01-01T00:02:00.000Z\n  2 @ 2024-01-01T00:04:00.000Z\n"
    );
}

#[test]
fn instant_text_reads_labels_value_time() {
    let out = ok(&["query", r#"requests_total{pod="a"}"#, "--data", DATA]);
    assert_eq!(
        out,
        "requests_total{pod=\"a\"} => 240 @ 2024-01-01T00:04:00.000Z\n"
    );
}

#[test]
fn queries_file_prints_one_json_response_per_line() {
    let out = ok(&[
        "query",
        "--queries",
        "fixtures/cli/queries.promql",
        "--data",
        DATA,
        "--format",
        "json",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "one line per query:\n{out}");
    assert_eq!(
        lines[0],
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"requests_total","pod":"a"},"value":[1704067440,"240"]}]}}"#
    );
    assert_eq!(
        lines[1],
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1704067440,"360"]}]}}"#
    );
    assert_eq!(
        lines[2],
        r#"{"status":"success","data":{"resultType":"scalar","result":[1704067440,"3"]}}"#
    );
}

#[test]
fn bad_query_exits_2_with_prometheus_error() {
    let o = rollsim(&["query", "sum(", "--data", DATA, "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    assert_eq!(v["status"], "error");
    assert_eq!(v["errorType"], "bad_data");
    let msg = v["error"].as_str().expect("error text");
    assert!(
        msg.starts_with("invalid parameter \"query\": ") && msg.contains("parse error"),
        "{msg}"
    );

    let o = rollsim(&["query", "sum(", "--data", DATA]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("bad_data") && err.contains("parse error"),
        "{err}"
    );
}

#[test]
fn bad_time_exits_2_before_loading() {
    let o = rollsim(&[
        "query", "up", "--data", DATA, "--time", "noon", "--format", "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    assert_eq!(v["errorType"], "bad_data");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("invalid parameter \"time\": cannot parse \"noon\"")),
        "{v}"
    );
}

#[test]
fn zero_step_is_rejected() {
    let o = rollsim(&["query", "up", "--data", DATA, "--step", "0s"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("zero or negative query resolution step"));
}

#[test]
fn end_before_start_is_rejected() {
    let o = rollsim(&[
        "query",
        "up",
        "--data",
        DATA,
        "--start",
        "1704067440",
        "--end",
        "1704067200",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("end timestamp"),
        "stderr: {}",
        stderr(&o)
    );
}

#[test]
fn missing_data_file_exits_2_naming_it() {
    let o = rollsim(&["query", "up", "--data", "fixtures/cli/no-such-file.om"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("fixtures/cli/no-such-file.om"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn malformed_data_reports_file_line_column() {
    let o = rollsim(&["query", "up", "--data", "fixtures/cli/bad.prom"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("fixtures/cli/bad.prom:2:"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    // No --data.
    assert_eq!(rollsim(&["query", "up"]).status.code(), Some(2));
    // --time conflicts with a range.
    let o = rollsim(&["query", "up", "--data", DATA, "--time", "1", "--start", "0"]);
    assert_eq!(o.status.code(), Some(2));
    // Unknown compat version.
    let o = rollsim(&["query", "up", "--data", DATA, "--promql-compat", "4"]);
    assert_eq!(o.status.code(), Some(2));
    // Neither EXPR nor --queries.
    assert_eq!(rollsim(&["query", "--data", DATA]).status.code(), Some(2));
}

#[test]
fn bench_report_writes_results_and_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.json");
    let results = dir.path().join("results");
    let o = rollsim(&[
        "query",
        "--queries",
        "fixtures/cli/queries.promql",
        "--data",
        DATA,
        "--start",
        "1704067200",
        "--end",
        "1704067440",
        "--step",
        "2m",
        "--bench-report",
        report.to_str().expect("UTF-8 temp path"),
        "--results-dir",
        results.to_str().expect("UTF-8 temp path"),
        "--runs",
        "2",
        "--warmup",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let text = std::fs::read_to_string(&report).expect("report written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("report is JSON");
    assert_eq!(v["evaluator"], "rollsim");
    assert_eq!(v["range"]["steps"], 3);
    assert_eq!(v["store"]["series"], 2);
    assert_eq!(v["store"]["samples"], 10);
    let queries = v["queries"].as_array().expect("queries array");
    assert_eq!(queries.len(), 3);
    assert_eq!(queries[1]["id"], "q02");
    assert_eq!(queries[1]["query"], "sum(requests_total)");
    assert_eq!(
        queries[1]["eval_ms"]["runs"].as_array().map(Vec::len),
        Some(2)
    );
    assert!(queries[1]["wall_ms"]["min"].as_f64().is_some());
    assert_eq!(queries[1]["result_file"], "q02.json");
    let q02 = std::fs::read_to_string(results.join("q02.json")).expect("q02.json written");
    assert_eq!(
        q02.trim_end(),
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1704067200,"0"],[1704067320,"180"],[1704067440,"360"]]}]}}"#
    );
    assert!(Path::new(&results.join("q03.json")).exists());
}

#[test]
fn closed_stdout_exits_0() {
    let (reader, writer) = std::io::pipe().expect("create a pipe");
    drop(reader); // every write to stdout now fails with EPIPE
    let status = Command::new(env!("CARGO_BIN_EXE_rollsim"))
        .args([
            "query",
            "requests_total",
            "--data",
            DATA,
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(writer)
        .status()
        .expect("the rollsim binary runs");
    assert_eq!(status.code(), Some(0));
}

/// `memory.prom` holds one gauge; `rate` over it draws Prometheus's "might not be a counter"
/// info, which json puts in `infos` and text prints on stderr.
#[test]
fn annotations_go_into_json_and_to_stderr_in_text() {
    const INFO: &str = "PromQL info: metric might not be a counter, name does not end in \
                        _total/_sum/_count/_bucket: \"memory_bytes\"";
    let args = [
        "query",
        "rate(memory_bytes[5m])",
        "--data",
        "fixtures/cli/memory.prom",
    ];
    let out = ok(&[&args[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
    assert_eq!(v["status"], "success");
    assert_eq!(v["infos"], serde_json::json!([INFO]));
    assert!(
        v.get("warnings").is_none(),
        "no empty warnings array: {out}"
    );

    let o = rollsim(&args);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("{pod=\"a\"} => "), "{}", stdout(&o));
    assert_eq!(stderr(&o).trim_end(), INFO);
}

#[test]
fn the_expression_may_follow_the_data_files() {
    let before = ok(&[
        "query",
        "sum(requests_total)",
        "--data",
        DATA,
        "--time",
        "1704067440",
    ]);
    let after = ok(&[
        "query",
        "--data",
        DATA,
        "sum(requests_total)",
        "--time",
        "1704067440",
    ]);
    assert_eq!(before, after);
    assert!(after.contains("360"), "{after}");
    let missing = rollsim(&["query", "--data", DATA]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("give a PromQL expression"),
        "{}",
        stderr(&missing)
    );
}
