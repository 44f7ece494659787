//! End-to-end tests of `rollsim simulate` and `rollsim test` on the bundled scenarios.
//!
//! The canonical canary (`fixtures/canonical/`): setWeight 10, pause 5m, a success-rate
//! analysis (1m interval, 5 measurements, `result[0] >= 99`), setWeight 30, pause 5m,
//! setWeight 60, pause 5m, started at 00:10 of a recording. Over healthy traffic it promotes
//! at +19m; over the incident recording (6% 5xx from 00:17) the fourth measurement, at
//! 00:18 (+8m), reads 98.39 and aborts the rollout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn rollsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the rollsim binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(args: &[&str]) -> Value {
    let o = rollsim(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("simulate --format json prints one JSON document")
}

#[test]
fn incident_aborts_at_the_failing_measurement() {
    let v = json(&[
        "simulate",
        "scenarios/canonical-incident.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(v["schema"], "rollsim.simulation/v1");
    let o = &v["outcome"];
    assert_eq!(o["result"], "aborted");
    assert_eq!(o["at_seconds"], 480.0);
    assert_eq!(o["deciding_metric"], "success-rate");
    assert_eq!(o["deciding_run"], "checkout-canary-2-2");
    assert!(
        o["reason"]
            .as_str()
            .unwrap()
            .contains("Step-based analysis phase error/failed")
    );
    let measurements: Vec<&Value> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "MeasurementTaken")
        .collect();
    let phases: Vec<(f64, &str)> = measurements
        .iter()
        .map(|e| {
            (
                e["t_seconds"].as_f64().unwrap(),
                e["phase"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        phases,
        [
            (300.0, "Successful"),
            (360.0, "Successful"),
            (420.0, "Successful"),
            (480.0, "Failed")
        ]
    );
    let failing = measurements[3];
    assert!(
        failing["value"].as_str().unwrap().starts_with("[98.39"),
        "{failing}"
    );
    assert!(
        failing["resolvedQuery"]
            .as_str()
            .unwrap()
            .contains("http_requests_total")
    );
    let types: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    let tail = &types[types.len() - 4..];
    assert_eq!(
        tail,
        [
            "RolloutAborted",
            "CanaryWeightSet",
            "RolloutPhaseChanged",
            "SimulationEnded"
        ]
    );
}

#[test]
fn healthy_traffic_promotes_after_the_last_pause() {
    let v = json(&[
        "simulate",
        "scenarios/canonical-healthy.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(v["outcome"]["result"], "promoted");
    assert_eq!(v["outcome"]["at_seconds"], 1140.0);
    let weights: Vec<f64> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "CanaryWeightSet")
        .map(|e| e["to"].as_f64().unwrap())
        .collect();
    assert_eq!(weights, [10.0, 30.0, 60.0, 100.0]);
}

#[test]
fn text_timeline_shows_the_failing_measurement_and_outcome() {
    let o = rollsim(&["simulate", "scenarios/canonical-incident.yaml"]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(out.contains("+8:00  00:18:00  MeasurementTaken"), "{out}");
    assert!(out.contains("success-rate #4 = [98.39"), "{out}");
    assert!(out.contains("Outcome: aborted at +8m"), "{out}");
    assert!(out.contains("Decided by metric \"success-rate\""), "{out}");
}

#[test]
fn flags_replace_a_scenario_file() {
    let v = json(&[
        "simulate",
        "--rollout",
        "fixtures/canonical/rollout.yaml",
        "--template",
        "fixtures/canonical/template.yaml",
        "--data",
        "fixtures/canonical/incident.om",
        "--start",
        "2024-01-01T00:10:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(v["outcome"]["result"], "aborted");
    assert_eq!(v["outcome"]["at_seconds"], 480.0);
}

#[test]
fn test_command_passes_bundled_scenarios_and_writes_junit() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let o = rollsim(&["test", "scenarios", "--junit", junit.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let out = text(&o.stdout);
    assert!(out.lines().any(|l| l == "8 passed, 0 failed"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("tests=\"8\"") && xml.contains("failures=\"0\""),
        "{xml}"
    );
}

/// A scenario over the incident recording, in a temp dir, with the given `expect:` block.
fn scenario(dir: &Path, expect: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/canonical");
    let text = format!(
        "rollout: {r}\ntemplates: [{t}]\ndata: {{files: [{d}], start: 2024-01-01T00:10:00Z}}\n{expect}\n",
        r = root.join("rollout.yaml").display(),
        t = root.join("template.yaml").display(),
        d = root.join("incident.om").display(),
    );
    let p = dir.join("s.yaml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn failed_expectation_exits_1_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let p = scenario(dir.path(), "expect: {outcome: promoted, within: 5m}");
    let o = rollsim(&["test", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("expected outcome promoted, got aborted at +8m"),
        "{out}"
    );
    assert!(out.contains("expected a decision within 5m"), "{out}");
    assert!(out.lines().any(|l| l == "0 passed, 1 failed"), "{out}");
}

#[test]
fn bad_input_exits_2_with_a_location() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "rollout: r.yaml\ndata: {files: [d.om], start: 0}\nexpect: {outcome: promoted\n",
    )
    .unwrap();
    let o = rollsim(&["simulate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("bad.yaml:"), "{}", text(&o.stderr));
    let o = rollsim(&["test", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let p = scenario(dir.path(), "expect: {outcome: aborted}");
    std::fs::write(
        &p,
        std::fs::read_to_string(&p)
            .unwrap()
            .replace("incident.om", "missing.om"),
    )
    .unwrap();
    let o = rollsim(&["simulate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("missing.om"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn unparsable_interval_errors_the_run_and_aborts_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("t.yaml");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/canonical/template.yaml"),
    )
    .unwrap()
    .replace("interval: 1m", "interval: \"60\"");
    std::fs::write(&template, text).unwrap();
    let v = json(&[
        "simulate",
        "--rollout",
        "fixtures/canonical/rollout.yaml",
        "--template",
        template.to_str().unwrap(),
        "--data",
        "fixtures/canonical/healthy.om",
        "--start",
        "2024-01-01T00:10:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(v["outcome"]["result"], "aborted");
    assert_eq!(v["outcome"]["at_seconds"], 300.0);
    let reason = v["outcome"]["reason"].as_str().unwrap();
    assert!(
        reason.ends_with("invalid interval string: time: missing unit in duration \"60\""),
        "{reason}"
    );
    assert!(
        v["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("spec problem:"),
        "{}",
        v["warnings"]
    );
}
