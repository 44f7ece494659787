//! Cross-format ingestion tests: committed fixtures, a generated benchmark file, and a
//! `promtool tsdb dump` round trip.

use std::path::{Path, PathBuf};
use std::process::Command;

use rollsim::ingest::{Format, load_files, read_file};
use rollsim::model::{Store, StoreBuilder};

mod common;
use common::{Needs, skip};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ingest")
        .join(name)
}

fn load(name: &str) -> Store {
    load_files(&[fixture(name)]).unwrap_or_else(|e| panic!("{e}"))
}

/// Canonical text of a store: series sorted by labels, `t=v` pairs, values by bit pattern
/// where NaN (so two stores render equal only if they hold identical bits).
fn render(store: &Store) -> String {
    let mut series: Vec<String> = store
        .series()
        .iter()
        .map(|s| {
            let points: Vec<String> = s
                .timestamps
                .iter()
                .zip(s.values.iter())
                .map(|(t, v)| {
                    if v.is_nan() {
                        format!("{t}=NaN({:#x})", v.to_bits())
                    } else {
                        format!("{t}={v}")
                    }
                })
                .collect();
            format!("{} {}", s.labels, points.join(" "))
        })
        .collect();
    series.sort();
    series.join("\n")
}

const EXPECTED: &str = r#"http_requests_total{path="/a \"b\" \\ c", service="checkout", status="500"} 1704067200000=1 1704067215000=1
http_requests_total{service="checkout", status="200"} 1704067200000=10 1704067215000=12 1704067230500=15
process_resident_memory_bytes{pod="p-1"} 1704067200000=150000000 1704067215000=NaN(0x7ff8000000000001) 1704067230500=inf 1704067245000=-inf
up 1704067200000=1 1704067215000=0"#;

#[test]
fn openmetrics_fixture_reads_exact_series_and_types() {
    let s = load("sample.om");
    assert_eq!(render(&s), EXPECTED);
    assert_eq!(s.sample_count(), 11);
    assert_eq!(
        s.metric_types.get("http_requests").map(String::as_str),
        Some("counter")
    );
    assert_eq!(
        s.metric_types
            .get("process_resident_memory_bytes")
            .map(String::as_str),
        Some("gauge")
    );
}

#[test]
fn every_format_reads_the_same_logical_data() {
    for name in ["sample.prom", "dump.txt", "matrix.json", "sample.csv"] {
        assert_eq!(render(&load(name)), EXPECTED, "{name}");
    }
}

#[test]
fn detection_without_extension_picks_the_right_reader() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "sample.om",
        "sample.prom",
        "dump.txt",
        "matrix.json",
        "sample.csv",
    ] {
        let copy = dir.path().join(name.replace('.', "_"));
        std::fs::copy(fixture(name), &copy).unwrap();
        assert_eq!(render(&load_files(&[copy]).unwrap()), EXPECTED, "{name}");
    }
}

#[test]
fn json_vector_reads_one_point_per_series() {
    let s = load("vector.json");
    assert_eq!(
        render(&s),
        "http_requests_total{service=\"checkout\", status=\"200\"} 1704067230500=15\n\
         up 1704067215000=0\n\
         {} 1704067215001=-0.0025"
    );
}

#[test]
fn series_split_over_files_merge_in_one_builder() {
    let mut b = StoreBuilder::new();
    read_file(&mut b, &fixture("sample.om"), None).unwrap();
    // The same samples again are exact duplicates, which Prometheus ignores.
    read_file(&mut b, &fixture("dump.txt"), Some(Format::PromText)).unwrap();
    assert_eq!(render(&b.finish().unwrap()), EXPECTED);
}

/// Generates a small benchmark dataset with `gen_dataset.py`, or explains why not.
fn generate(dir: &Path, args: &[&str]) -> Option<(PathBuf, serde_json::Value)> {
    // shared/ sits beside the repository (and beside CI's clone).
    let script = common::shared_dir().join("bench/gen_dataset.py");
    if !script.exists() {
        skip(
            Needs::Shared,
            &format!(
                "{} not found, so the generated-dataset check did not run",
                script.display()
            ),
        );
        return None;
    }
    let out = dir.join("x.om");
    let status = Command::new("python3")
        .arg(&script)
        .args(args)
        .arg("--out")
        .arg(&out)
        .output();
    match status {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!(
            "gen_dataset.py failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => {
            skip(Needs::Shared, &format!("cannot run python3: {e}"));
            return None;
        }
    }
    let meta = std::fs::read_to_string(dir.join("x.om.meta.json")).unwrap();
    Some((out, serde_json::from_str(&meta).unwrap()))
}

const SMALL: &[&str] = &["--services", "1", "--pods-per-service", "2", "--hours", "1"];

#[test]
fn generated_dataset_matches_its_sidecar_counts() {
    let dir = tempfile::tempdir().unwrap();
    let Some((om, meta)) = generate(dir.path(), SMALL) else {
        return;
    };
    let s = load_files(&[om]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.series().len() as u64, meta["series"].as_u64().unwrap());
    assert_eq!(s.sample_count() as u64, meta["samples"].as_u64().unwrap());
    let (first, last) = s.time_range().unwrap();
    assert_eq!(first, meta["first_timestamp"].as_i64().unwrap() * 1000);
    assert_eq!(last, meta["last_timestamp"].as_i64().unwrap() * 1000);
    assert_eq!(
        s.metric_types.get("http_requests").map(String::as_str),
        Some("counter")
    );
}

#[test]
fn promtool_dump_round_trip_matches_the_openmetrics_read() {
    if Command::new("promtool").arg("--version").output().is_err() {
        skip(
            Needs::Prometheus,
            "promtool is not on PATH (apt-get install prometheus)",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some((om, _)) = generate(dir.path(), SMALL) else {
        return;
    };
    let db = dir.path().join("tsdb");
    let out = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics", "--quiet"])
        .arg(&om)
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // promtool 2.42's dump opens the WAL and fails when the directory is missing.
    std::fs::create_dir_all(db.join("wal")).unwrap();
    let out = Command::new("promtool")
        .args(["tsdb", "dump"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dump = dir.path().join("dump.txt");
    std::fs::write(&dump, &out.stdout).unwrap();

    let from_om = load_files(&[om]).unwrap();
    let mut b = StoreBuilder::new();
    read_file(&mut b, &dump, Some(Format::PromText)).unwrap_or_else(|e| panic!("{e}"));
    let from_dump = b.finish().unwrap();
    assert!(from_dump.sample_count() > 1000);
    assert_eq!(render(&from_dump), render(&from_om));
}

/// Manual measurement on a big generated file (never committed):
/// `ROLLSIM_DATASET=/tmp/bench-data/small.om cargo test --test ingest -- --ignored --nocapture`
#[test]
#[ignore = "needs ROLLSIM_DATASET=<generated .om file>"]
fn measure_dataset_from_env() {
    let Some(path) = std::env::var_os("ROLLSIM_DATASET").map(PathBuf::from) else {
        eprintln!("SKIPPED: set ROLLSIM_DATASET");
        return;
    };
    let start = std::time::Instant::now();
    let s = load_files(std::slice::from_ref(&path)).unwrap_or_else(|e| panic!("{e}"));
    let elapsed = start.elapsed();
    let (bytes, samples) = (s.sample_bytes(), s.sample_count());
    eprintln!(
        "{}: {} series, {samples} samples, {bytes} sample bytes = {:.2} bytes/sample, loaded in {:.2?}",
        path.display(),
        s.series().len(),
        bytes as f64 / samples as f64,
        elapsed
    );
    let meta = path.with_extension("om.meta.json");
    if let Ok(text) = std::fs::read_to_string(meta) {
        let meta: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(samples as u64, meta["samples"].as_u64().unwrap());
        assert_eq!(s.series().len() as u64, meta["series"].as_u64().unwrap());
    }
}
