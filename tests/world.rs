//! Closed-loop simulations over a synthetic world (`world:` scenarios) and `rollsim gen`:
//! determinism, the bundled regression scenario, the canary's request share following the
//! served weight, the blast radius, and the generated data reading back exactly.
//!
//! The bundled world (`scenarios/synthetic-*.yaml`): ~200 requests/s behind NGINX, a
//! canary at setWeight 10 for 10 minutes (then 50), a background success-rate analysis
//! every minute; in the regression scenario the canary fails 5% from +4m30s.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const REGRESSION: &str = "scenarios/synthetic-regression.yaml";
const HEALTHY: &str = "scenarios/synthetic-healthy.yaml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rollsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollsim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the rollsim binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn simulate_json(args: &[&str]) -> Value {
    let mut all = vec!["simulate", "--format", "json"];
    all.extend_from_slice(args);
    let o = rollsim(&all);
    assert_eq!(o.status.code(), Some(0), "{all:?}: {}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn gen_file(scenario: &str, dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut args = vec!["gen", scenario, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = rollsim(&args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
    out
}

#[test]
fn same_seed_same_outcome_and_same_gen_bytes() {
    let a = simulate_json(&[REGRESSION]);
    let b = simulate_json(&[REGRESSION]);
    assert_eq!(a, b);
    let dir = tempfile::tempdir().unwrap();
    let one = std::fs::read(gen_file(REGRESSION, dir.path(), "a.om", &[])).unwrap();
    let two = std::fs::read(gen_file(REGRESSION, dir.path(), "b.om", &[])).unwrap();
    assert!(one == two, "gen is not deterministic");
    let other = std::fs::read(gen_file(REGRESSION, dir.path(), "c.om", &["--seed", "7"])).unwrap();
    assert!(one != other, "--seed changes the data");
    let seeded = simulate_json(&[REGRESSION, "--seed", "7"]);
    assert_eq!(seeded["outcome"]["result"], "aborted");
}

#[test]
fn regression_scenario_aborts_and_reports_time_to_detect() {
    let o = rollsim(&["test", REGRESSION, HEALTHY]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let v = simulate_json(&[REGRESSION]);
    assert_eq!(v["outcome"]["result"], "aborted");
    assert_eq!(v["outcome"]["deciding_metric"], "success-rate");
    let impact = &v["impact"];
    assert_eq!(impact["regression_started_seconds"], 270.0);
    let ttd = impact["time_to_detect_seconds"].as_f64().unwrap();
    assert!(ttd > 0.0 && ttd <= 90.0, "time to detect {ttd}");
    let bad = impact["bad_requests_before_decision"].as_u64().unwrap();
    assert!(bad > 0 && bad <= 100, "blast radius {bad}");
    // The abort drops the canary to 0 and the report says so in its timeline.
    let events = v["events"].as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "CanaryWeightSet" && e["to"] == 0.0)
    );
    let timeline = text(&rollsim(&["simulate", REGRESSION]).stdout);
    assert!(timeline.contains("Blast radius: "), "{timeline}");
    assert!(timeline.contains("time to detect: 30s"), "{timeline}");
}

/// Sum over series matching `version` of the counter's increase in `(from, to]` (ms).
fn increase(store: &rollsim::model::Store, version: &str, from: i64, to: i64) -> f64 {
    let at =
        |s: &rollsim::model::Series, t: i64| s.last_at_or_before(t).map_or(0.0, |i| s.values[i]);
    store
        .series_named("http_requests_total")
        .iter()
        .map(|&id| &store.series()[id as usize])
        .filter(|s| s.labels.get("version") == Some(version))
        .map(|s| at(s, to) - at(s, from))
        .sum()
}

#[test]
fn canary_share_in_generated_data_tracks_the_served_weight() {
    let dir = tempfile::tempdir().unwrap();
    let file = gen_file(HEALTHY, dir.path(), "h.om", &[]);
    let store = rollsim::ingest::load_files(&[file]).unwrap();
    let start = 1_767_607_200_000; // 2026-01-05T10:00:00Z
    let min = 60_000;
    // setWeight 10 from +0 to +10m; measured over +1m..+9m (NGINX lags 2 s).
    let share = |from: i64, to: i64| {
        let c = increase(&store, "canary", start + from * min, start + to * min);
        let s = increase(&store, "stable", start + from * min, start + to * min);
        100.0 * c / (c + s)
    };
    let at10 = share(1, 9);
    assert!((at10 - 10.0).abs() < 1.0, "share at setWeight 10: {at10}%");
    // setWeight 50 from +10m to +20m.
    let at50 = share(11, 19);
    assert!((at50 - 50.0).abs() < 2.0, "share at setWeight 50: {at50}%");
    // Before the rollout (warm-up) the canary has no series at all.
    assert_eq!(increase(&store, "canary", start - 9 * min, start), 0.0);
}

#[test]
fn generated_data_reads_back_identically_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let om = gen_file(REGRESSION, dir.path(), "r.om", &[]);
    let json = gen_file(REGRESSION, dir.path(), "r.json", &["--format", "json"]);
    let csv = gen_file(REGRESSION, dir.path(), "r.csv", &["--format", "csv"]);
    let scenario = rollsim::scenario::load(&root().join(REGRESSION)).unwrap();
    let input = rollsim::cli::simulate::scenario_input(&scenario, &[]).unwrap();
    let (_, builder) = rollsim::replay::run_world(&input).unwrap();
    let want = samples(&builder.finish().unwrap());
    assert!(want.len() > 100, "{} series", want.len());
    for file in [om, json, csv] {
        let got = samples(&rollsim::ingest::load_files(std::slice::from_ref(&file)).unwrap());
        assert!(
            got == want,
            "{} differs from the in-memory store",
            file.display()
        );
    }
}

type Samples = Vec<(String, Vec<(i64, u64)>)>;

fn samples(store: &rollsim::model::Store) -> Samples {
    let mut out: Samples = store
        .series()
        .iter()
        .map(|s| {
            let points = s.timestamps.iter().zip(s.values.iter());
            (
                s.labels.to_string(),
                points.map(|(t, v)| (*t, v.to_bits())).collect(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn promtool_accepts_gen_openmetrics() {
    if Command::new("promtool").arg("--version").output().is_err() {
        common::skip(common::Needs::Prometheus, "promtool is not on PATH");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let om = gen_file(REGRESSION, dir.path(), "r.om", &[]);
    let run = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&om)
        .arg(dir.path().join("blocks"))
        .output()
        .unwrap();
    assert!(run.status.success(), "promtool: {}", text(&run.stderr));
}

/// The regression scenario with the analysis measuring every `interval`.
fn with_interval(dir: &Path, interval: &str) -> PathBuf {
    let template = std::fs::read_to_string(root().join("fixtures/synthetic/template.yaml"))
        .unwrap()
        .replace("interval: 1m", &format!("interval: {interval}"));
    let t = dir.join(format!("template-{interval}.yaml"));
    std::fs::write(&t, template).unwrap();
    let scenario = std::fs::read_to_string(root().join(REGRESSION))
        .unwrap()
        .replace(
            "rollout: ../fixtures/synthetic/rollout.yaml",
            &format!(
                "rollout: {}",
                root().join("fixtures/synthetic/rollout.yaml").display()
            ),
        )
        .replace(
            "templates: [../fixtures/synthetic/template.yaml]",
            &format!("templates: [{}]", t.display()),
        );
    let s = dir.join(format!("scenario-{interval}.yaml"));
    std::fs::write(&s, scenario).unwrap();
    s
}

#[test]
fn blast_radius_shrinks_with_a_shorter_analysis_interval() {
    let dir = tempfile::tempdir().unwrap();
    let bad = |interval: &str| {
        let s = with_interval(dir.path(), interval);
        let v = simulate_json(&[s.to_str().unwrap()]);
        assert_eq!(v["outcome"]["result"], "aborted", "interval {interval}");
        v["impact"]["bad_requests_before_decision"]
            .as_u64()
            .unwrap()
    };
    let (fast, slow) = (bad("30s"), bad("3m"));
    assert!(fast > 0, "a regression always costs some requests");
    assert!(fast < slow, "30s interval: {fast} bad requests, 3m: {slow}");
}

/// A scenario file in `dir` from `text`, with `@/` standing for the repository root.
fn temp_scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    let root = format!("{}/", root().display());
    std::fs::write(&p, text.replace("@/", &root)).unwrap();
    p
}

#[test]
fn a_regression_tied_to_a_step_starts_when_the_rollout_reaches_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = temp_scenario(
        dir.path(),
        "step.yaml",
        "rollout: @/fixtures/synthetic/rollout.yaml\n\
         templates: [@/fixtures/synthetic/template.yaml]\n\
         world: {seed: 5, warmup: 10m, traffic: {rps: 200}, routing: {router: nginx},\n\
           metrics: {service: checkout}, canary: {regression: {step: 2, error_ratio: 0.05}}}\n\
         horizon: 1h\n",
    );
    let v = simulate_json(&[s.to_str().unwrap()]);
    assert_eq!(v["outcome"]["result"], "aborted");
    // Step 2 (setWeight 50) is entered at +10m.
    assert_eq!(v["impact"]["regression_started_seconds"], 600.0);
    let at = v["outcome"]["at_seconds"].as_f64().unwrap();
    assert!(at > 600.0 && at <= 720.0, "aborted at +{at}s");
}

#[test]
fn blue_green_switch_sends_every_request_to_the_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let s = temp_scenario(
        dir.path(),
        "bg.yaml",
        "rollout: @/fixtures/canonical/bluegreen.yaml\n\
         templates: [@/fixtures/canonical/template.yaml]\n\
         world: {seed: 1, warmup: 10m, metrics: {service: checkout}}\n\
         horizon: 30m\n",
    );
    let v = simulate_json(&[s.to_str().unwrap()]);
    assert_eq!(v["outcome"]["result"], "promoted");
    let switched = v["outcome"]["at_seconds"].as_f64().unwrap() as i64 * 1000;
    let file = gen_file(s.to_str().unwrap(), dir.path(), "bg.om", &[]);
    let store = rollsim::ingest::load_files(&[file]).unwrap();
    let start = 1_767_607_200_000;
    let (from, to) = (start + switched + 30_000, start + switched + 270_000);
    let canary = increase(&store, "canary", from, to);
    let stable = increase(&store, "stable", from, to);
    assert!(
        canary > 1000.0 && stable == 0.0,
        "canary {canary}, stable {stable}"
    );
    // Before the switch the preview serves no users.
    assert_eq!(increase(&store, "canary", start, start + switched), 0.0);
}

#[test]
fn gen_and_seed_need_a_world() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.om");
    let data = "scenarios/canonical-incident.yaml";
    let o = rollsim(&["gen", data, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("needs a scenario with a `world:`"));
    let o = rollsim(&["simulate", data, "--seed", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--seed applies to scenarios with a `world:`"));
}
