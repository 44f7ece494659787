//! `rollsim tune` and `rollsim backtest`, end to end, with fixed seeds and stated
//! tolerances: thresholds far from the healthy error rate give false-rollback rates near 0
//! and near 1; detection slows as regressions shrink; the output is byte-identical for
//! `--jobs 1` and `--jobs 2`; shards merge to the unsharded result; exit codes.
//!
//! `fixtures/tune-small/scenario.yaml`: 50 requests/s, the canary fails 1% of requests when
//! healthy and 30% from +3m10s when regressed; an 8-minute rollout with a success-rate
//! analysis every 30 s (`result[0] >= 0.95`, failureLimit 0). A trial takes ~10 ms.

mod common;

use std::process::Output;

use common::{rollsim, text};
use serde_json::Value;

const SMALL: &str = "fixtures/tune-small/scenario.yaml";

fn ok(args: &[&str]) -> Output {
    let o = rollsim(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
    o
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_slice(&ok(&all).stdout).expect("JSON output")
}

fn candidate<'a>(report: &'a Value, label: &str) -> &'a Value {
    report["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"] == label)
        .unwrap_or_else(|| panic!("no candidate {label}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn false_rollback_rate_follows_the_threshold() {
    // Healthy canary: 1% errors. Requiring ≥ 90% success almost never fails a healthy
    // canary; requiring ≥ 99.9% almost always does. 60 trials each; tolerance 5 points.
    let r = json(&[
        "tune",
        SMALL,
        "--runs",
        "60",
        "--grid",
        "success-rate.threshold=0.9,0.999",
    ]);
    assert_eq!(r["schema"], "rollsim.tune/v1");
    let low = &candidate(&r, "success-rate.threshold=0.9")["healthy"];
    let high = &candidate(&r, "success-rate.threshold=0.999")["healthy"];
    assert_eq!(low["n"], 60);
    assert!(f(&low["false_rollback"]["rate"]) <= 0.05, "{low}");
    assert!(f(&high["false_rollback"]["rate"]) >= 0.95, "{high}");
    // Wilson intervals bracket the estimates and exclude the other extreme.
    assert!(f(&low["false_rollback"]["hi"]) < 0.1);
    assert!(f(&high["false_rollback"]["lo"]) > 0.9);
    // The loose threshold still catches a 30% error regression every time.
    let det = &candidate(&r, "success-rate.threshold=0.9")["regressed"]["detection"];
    assert_eq!(f(&det["rate"]), 1.0, "{det}");
}

#[test]
fn detection_slows_as_the_regression_shrinks() {
    // Three regressed worlds at +3m10s: 50%, 10% and 6% errors against a 95% threshold.
    // The median time to detect must not decrease as the regression shrinks, and the
    // smallest must take strictly longer than the largest (measurements are 30 s apart).
    let r = json(&[
        "tune",
        SMALL,
        "--runs",
        "60",
        "--grid",
        "success-rate.threshold=0.95",
        "--regression",
        "{at: 3m10s, error_ratio: 0.5}",
        "--regression",
        "{at: 3m10s, error_ratio: 0.1}",
        "--regression",
        "{at: 3m10s, error_ratio: 0.06}",
    ]);
    let worlds = r["candidates"][0]["per_regression"].as_array().unwrap();
    assert_eq!(worlds.len(), 3);
    let p50: Vec<f64> = worlds
        .iter()
        .map(|w| f(&w["detect_p50"]["value"]))
        .collect();
    assert!(p50[0] <= p50[1] && p50[1] <= p50[2], "{p50:?}");
    assert!(p50[0] < p50[2], "{p50:?}");
    for w in worlds {
        assert!(f(&w["detection"]["rate"]) >= 0.9, "{w}");
    }
    // Pooled over the three worlds.
    assert_eq!(r["candidates"][0]["regressed"]["n"], 180);
    assert_eq!(r["worlds"][1]["regression"], "error_ratio 0.5 at 3m10s");
}

#[test]
fn output_is_identical_for_any_number_of_threads() {
    for format in ["json", "csv", "text"] {
        let run = |jobs: &str| {
            ok(&[
                "tune",
                SMALL,
                "--runs",
                "20",
                "--jobs",
                jobs,
                "--format",
                format,
                "--grid",
                "success-rate.threshold=0.95,0.99",
            ])
            .stdout
        };
        let one = run("1");
        assert!(!one.is_empty());
        assert_eq!(one, run("2"), "--format {format}");
    }
}

#[test]
fn shards_merge_to_the_unsharded_result() {
    let dir = tempfile::tempdir().unwrap();
    let common = [
        "tune",
        SMALL,
        "--runs",
        "10",
        "--grid",
        "success-rate.threshold=0.95,0.99",
        "--grid",
        "success-rate.failureLimit=0,1",
    ];
    fn join<'a>(common: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        let mut a = common.to_vec();
        a.extend_from_slice(extra);
        a
    }
    let with = |extra: &[&'static str]| join(&common, extra);
    let whole = ok(&with(&["--format", "json"])).stdout;
    let mut files = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let out = ok(&join(&common, &["--shard", &shard, "--jobs", "1"])).stdout;
        let file: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(file["schema"], "rollsim.tune-shard/v1");
        let path = dir.path().join(format!("shard{k}.json"));
        std::fs::write(&path, out).unwrap();
        files.push(path.display().to_string());
    }
    let mut merge = join(&common, &["--format", "json", "--merge"]);
    merge.extend(files.iter().map(String::as_str));
    assert_eq!(
        ok(&merge).stdout,
        whole,
        "merged JSON differs from the unsharded run"
    );
    // CSV too.
    let mut merge_csv = join(&common, &["--format", "csv", "--merge"]);
    merge_csv.extend(files.iter().map(String::as_str));
    assert_eq!(
        ok(&merge_csv).stdout,
        ok(&with(&["--format", "csv"])).stdout
    );

    // A missing shard, a repeated one, and a shard of another sweep are errors.
    let missing = rollsim(&join(&common, &["--merge", &files[0], &files[1]]));
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("are in no shard file"),
        "{}",
        text(&missing.stderr)
    );
    let twice = rollsim(&join(
        &common,
        &["--merge", &files[0], &files[0], &files[1], &files[2]],
    ));
    assert!(text(&twice.stderr).contains("more than one shard file"));
    let mut other = common.to_vec();
    other[3] = "11";
    other.extend(["--merge", &files[0], &files[1], &files[2]]);
    let o = rollsim(&other);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("different sweep"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn recommends_and_prints_the_patched_template() {
    // Only 0.95 meets "≤ 5% false rollbacks, p95 detection ≤ 1m": 0.999 aborts healthy
    // canaries, 0.5 never detects a 30% regression.
    let o = ok(&[
        "tune",
        SMALL,
        "--runs",
        "30",
        "--grid",
        "success-rate.threshold=0.5,0.95,0.999",
        "--grid",
        "success-rate.interval=20s",
        "--max-false-rollback",
        "5%",
        "--max-detect",
        "1m",
    ]);
    let out = text(&o.stdout);
    assert!(
        out.contains("Recommended: #1 success-rate.threshold=0.95,success-rate.interval=20s"),
        "{out}"
    );
    // 0.95 is the template's own threshold: only the interval changes.
    assert!(
        out.ends_with(
            "# AnalysisTemplate cart-success-rate (fixtures/tune-small/template.yaml): \
             changed fields of these metrics\nspec:\n  metrics:\n    - name: success-rate\n      \
             interval: 20s\n"
        ),
        "{out}"
    );
    let r = json(&[
        "tune",
        SMALL,
        "--runs",
        "30",
        "--grid",
        "success-rate.threshold=0.5,0.95,0.999",
        "--max-false-rollback",
        "0.05",
        "--max-detect",
        "1m",
    ]);
    assert_eq!(r["recommended"], 1);
    assert_eq!(r["targets_met"], true);
    let flags: Vec<(bool, bool)> = r["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["meets_targets"] == true, c["recommended"] == true))
        .collect();
    assert_eq!(flags, [(false, false), (true, true), (false, false)]);
    assert!(r["candidates"][1]["on_frontier"] == true);
}

#[test]
fn exit_codes() {
    // Targets no candidate meets: exit 1, with the report printed.
    let o = rollsim(&[
        "tune",
        SMALL,
        "--runs",
        "10",
        "--grid",
        "success-rate.threshold=0.999",
        "--max-false-rollback",
        "1%",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("No candidate meets false rollback <= 1.0%"));
    // Unknown metric: exit 2 naming the metrics that exist.
    let o = rollsim(&[
        "tune",
        SMALL,
        "--runs",
        "1",
        "--grid",
        "latency.threshold=1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr)
            .contains("no metric named \"latency\" in the templates (they have: success-rate)"),
        "{}",
        text(&o.stderr)
    );
    for bad in [
        vec!["--grid", "success-rate.threshold"],
        vec!["--grid", "success-rate.speed=1"],
        vec!["--grid", "steps[9].setWeight=5"],
        vec!["--max-false-rollback", "lots"],
        vec!["--shard", "3/2"],
        vec!["--regression", "{at: 3m, colour: red}"],
        vec!["--runs", "0"],
    ] {
        let mut a = vec!["tune", SMALL, "--runs", "1"];
        a.extend(bad.iter());
        let o = rollsim(&a);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", text(&o.stderr));
    }
    // Recorded-data scenarios go to backtest; world scenarios cannot be backtested.
    let o = rollsim(&["tune", "scenarios/canonical-healthy.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("rollsim backtest"));
    let o = rollsim(&["backtest", SMALL, "--every", "5m"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("backtest needs recorded `data:`"));
}

#[test]
fn tune_block_of_the_scenario_is_the_default_sweep() {
    // fixtures/tune-small/scenario.yaml: runs 40, seed 5, three thresholds.
    let r = json(&["tune", SMALL]);
    assert_eq!(
        (r["runs"].as_u64(), r["seed"].as_u64()),
        (Some(40), Some(5))
    );
    let labels: Vec<&str> = r["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "success-rate.threshold=0.9",
            "success-rate.threshold=0.95",
            "success-rate.threshold=0.999"
        ]
    );
    // A different seed gives other trials (and here other blast radii).
    let a = json(&[
        "tune",
        SMALL,
        "--runs",
        "10",
        "--grid",
        "success-rate.threshold=0.95",
    ]);
    let b = json(&[
        "tune",
        SMALL,
        "--runs",
        "10",
        "--seed",
        "6",
        "--grid",
        "success-rate.threshold=0.95",
    ]);
    assert_ne!(
        a["candidates"][0]["regressed"]["blast_radius_mean"],
        b["candidates"][0]["regressed"]["blast_radius_mean"]
    );
}

#[test]
fn backtest_over_healthy_and_incident_recordings() {
    // One hour of healthy traffic: every decided virtual rollout promotes.
    let r = json(&[
        "backtest",
        "scenarios/canonical-healthy.yaml",
        "--every",
        "5m",
    ]);
    assert_eq!(r["schema"], "rollsim.backtest/v1");
    assert_eq!(r["aborted"], 0);
    assert!(r["promoted"].as_u64().unwrap() >= 6, "{r}");
    assert_eq!(f(&r["failure_rate"]["rate"]), 0.0);
    // The incident recording: starts during the 5xx incident abort, on a success-rate
    // measurement below 99 (the canonical template's threshold).
    let args = [
        "backtest",
        "scenarios/canonical-incident.yaml",
        "--every",
        "2m",
        "--from",
        "2024-01-01T00:00:00Z",
    ];
    let r = json(&args);
    let aborted = r["aborted"].as_u64().unwrap();
    assert!(aborted >= 3, "{r}");
    let first = r["starts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["verdict"] == "aborted")
        .unwrap();
    assert_eq!(first["start"], "2024-01-01T00:10:00.000Z");
    assert_eq!(first["at_seconds"], 480.0);
    assert_eq!(first["measurement"]["metric"], "success-rate");
    assert_eq!(first["measurement"]["phase"], "Failed");
    assert_eq!(first["measurement"]["value"], "[98.39073806078147]");
    assert!(f(&r["abort_rate"]["rate"]) > 0.1);
    // Identical for any number of threads, in every format.
    for format in ["json", "csv", "text"] {
        let run = |jobs: &str| {
            let mut a = args.to_vec();
            a.extend(["--jobs", jobs, "--format", format]);
            ok(&a).stdout
        };
        assert_eq!(run("1"), run("2"), "{format}");
    }
    let text_out = text(&ok(&args).stdout);
    assert!(
        text_out.contains("aborted   +8m      success-rate = [98.39073806078147] -> Failed at +8m"),
        "{text_out}"
    );
}

#[test]
fn trade_off_chart_has_a_point_per_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("tradeoff.svg");
    let png = dir.path().join("tradeoff.png");
    for path in [&svg, &png] {
        ok(&[
            "tune",
            SMALL,
            "--runs",
            "10",
            "--grid",
            "success-rate.threshold=0.9,0.95,0.999",
            "--chart",
            path.to_str().unwrap(),
        ]);
    }
    let doc = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(doc.matches("class=\"tradeoff-point\"").count(), 3, "{doc}");
    assert!(doc.contains("#2 success-rate.threshold=0.999"), "{doc}");
    assert_eq!(doc.matches("data-recommended=\"true\"").count(), 1);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));

    let bad = rollsim(&["tune", SMALL, "--runs", "1", "--chart", "x.gif"]);
    assert_eq!(bad.status.code(), Some(2));
    let shard = rollsim(&["tune", SMALL, "--shard", "1/2", "--chart", "x.svg"]);
    assert_eq!(shard.status.code(), Some(2));
    assert!(
        text(&shard.stderr).contains("--merge"),
        "{}",
        text(&shard.stderr)
    );
}
