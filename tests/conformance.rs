//! PromQL conformance: runs Prometheus's own promqltest corpora (3.14 in 3.x mode, 2.42 in
//! 2.x mode) and the project's `tests/promql/*.test`, prints the summaries, and checks that
//! the pass counts do not fall below `tests/conformance_baseline.toml`.
//!
//! The corpora live outside the repository: `$ROLLSIM_SHARED/promqltest`, by default
//! `CARGO_MANIFEST_DIR/../shared/promqltest`. Set `ROLLSIM_CONFORMANCE_FAILURES=all` (or a
//! number) to print more failure lines, and `ROLLSIM_CONFORMANCE_MAX_SAMPLES=10000` to run
//! with Prometheus's test limit instead of the engine default. `ROLLSIM_CONFORMANCE_RANGE_MODE=1`
//! re-checks every passing instant eval as a range query, as Prometheus's runner does.

use std::path::{Path, PathBuf};

use rollsim::promqltest::{CorpusReport, RunOptions, run_corpus};

mod common;
use common::shared_dir;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `name = number` lines; `#` comments.
fn baseline() -> Vec<(String, usize)> {
    let path = manifest_dir().join("tests/conformance_baseline.toml");
    let text = std::fs::read_to_string(&path).expect("read conformance baseline");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l.split_once('=').expect("baseline line: name = number");
            let n = v.trim().parse().expect("baseline value must be a number");
            (k.trim().trim_matches('"').to_string(), n)
        })
        .collect()
}

fn failure_limit() -> Option<usize> {
    match std::env::var("ROLLSIM_CONFORMANCE_FAILURES") {
        Ok(v) if v == "all" => None,
        Ok(v) => Some(v.parse().unwrap_or(20)),
        Err(_) => Some(20),
    }
}

/// The summary goes to the stdout handle directly, so it shows even without `--nocapture`;
/// the failure list is printed normally (shown when the test fails or with `--nocapture`).
fn print(report: &CorpusReport, elapsed: std::time::Duration) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{report}  (ran in {elapsed:.2?})");
    let mut s = String::new();
    report
        .write_failures(&mut s, failure_limit())
        .expect("write to String");
    println!("{s}");
}

fn check(name: &str, report: &CorpusReport, baseline: &[(String, usize)]) {
    let min = baseline
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, n)| *n)
        .unwrap_or_else(|| panic!("no baseline for corpus {name}"));
    let passed = report.counts().passed;
    assert!(
        passed >= min,
        "{name}: {passed} evals passed, baseline is {min} (tests/conformance_baseline.toml)"
    );
    if passed > min {
        println!("{name}: {passed} passed > baseline {min}; consider raising the baseline");
    }
    // The bar is set on the native-histogram-free, flag-free evals.
    if let Some((_, core_min)) = baseline.iter().find(|(k, _)| *k == format!("{name}-core")) {
        let core = report.core_counts().passed;
        assert!(
            core >= *core_min,
            "{name}: {core} native-histogram-free, flag-free evals passed, baseline is {core_min}"
        );
    }
}

fn run(name: &str, dir: &Path, opts: &RunOptions, baseline: &[(String, usize)]) {
    let mut opts = opts.clone();
    if let Ok(v) = std::env::var("ROLLSIM_CONFORMANCE_MAX_SAMPLES") {
        let n = v
            .parse()
            .expect("ROLLSIM_CONFORMANCE_MAX_SAMPLES must be a number");
        opts = opts.with_max_samples(n);
    }
    if std::env::var("ROLLSIM_CONFORMANCE_RANGE_MODE").is_ok_and(|v| v == "1") {
        opts = opts.with_range_mode_check(true);
    }
    let started = std::time::Instant::now();
    let report = run_corpus(dir, &opts);
    print(&report, started.elapsed());
    assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
    check(name, &report, baseline);
}

#[test]
fn project_corpus() {
    let dir = manifest_dir().join("tests/promql");
    run("project", &dir, &RunOptions::v3(), &baseline());
}

#[test]
fn upstream_corpora() {
    let corpus = shared_dir().join("promqltest");
    if !corpus.join("upstream").is_dir() {
        common::skip(
            common::Needs::Shared,
            &format!(
                "conformance corpus not found at {} (set ROLLSIM_SHARED)",
                corpus.display()
            ),
        );
        return;
    }
    let base = baseline();
    run(
        "upstream",
        &corpus.join("upstream"),
        &RunOptions::v3(),
        &base,
    );
    run(
        "upstream-v2.42",
        &corpus.join("upstream-v2.42"),
        &RunOptions::v2(),
        &base,
    );
}

/// The parser and runner must survive any input: feed every corpus file cut at many places,
/// plus byte-level noise, and check nothing panics.
#[test]
fn runner_survives_mangled_files() {
    use rollsim::promqltest::{parse_test_file, run_source};
    let mut texts: Vec<String> = vec![
        "eval instant at 0 {\n".into(),
        "load 1m\n  x{a=\"\\u12\"} 1\n  x{a=`é`} 1e999999 -Inf NaNx2\n  ü 1\n".into(),
        "eval range from 0 to 1m step 1ms x\n  x 1 2 3 {{\n  expect fail msg:\n".into(),
        "load 1ms\n  x 0+1x100\neval instant at 1ms x[1ms]\n  expect range vector from 0 to 106751991167d step 1ms\n  x 1 _ 2\n".into(),
    ];
    let corpus = shared_dir().join("promqltest/upstream");
    for name in [
        "functions.test",
        "native_histograms.test",
        "range_queries.test",
    ] {
        if let Ok(t) = std::fs::read_to_string(corpus.join(name)) {
            let chars: Vec<char> = t.chars().collect();
            for cut in (0..chars.len()).step_by(chars.len() / 10 + 1) {
                let mut s: String = chars[..cut].iter().collect();
                s.push_str("{{ \" ` ( [ x");
                s.extend(chars[cut..].iter().take(400));
                texts.push(s);
            }
        }
    }
    for t in &texts {
        let _ = parse_test_file(t);
        let _ = run_source(t, &RunOptions::v3());
    }
}

/// Self-consistency of parser and comparison: for every eval of the corpora, a result built
/// from its own expectations must pass the comparison.
#[test]
fn expectations_accept_themselves() {
    use rollsim::ingest::series_notation::SeriesValue;
    use rollsim::promql::{RangeSeries, Sample, Value};
    use rollsim::promqltest::compare::check_value;
    use rollsim::promqltest::{Command, EvalKind, parse_test_file};

    let corpus = shared_dir().join("promqltest");
    let mut dirs = vec![manifest_dir().join("tests/promql")];
    dirs.extend(["upstream", "upstream-v2.42"].map(|d| corpus.join(d)));
    let mut checked = 0;
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for entry in std::fs::read_dir(dir).expect("read corpus dir") {
            let path = entry.expect("dir entry").path();
            if path.extension().is_none_or(|x| x != "test") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read test file");
            for cmd in parse_test_file(&text) {
                let Command::Eval(e) = cmd else { continue };
                let x = &e.expect;
                assert!(
                    e.errors.is_empty(),
                    "{}:{}: {:?}",
                    path.display(),
                    e.line,
                    e.errors
                );
                if x.fail.is_some() || x.histogram_literal {
                    continue;
                }
                let f = |v: SeriesValue| v.to_f64();
                let grid = match (e.kind, x.range_vector) {
                    (EvalKind::Range { start, step, .. }, _) => Some((start, step)),
                    (EvalKind::Instant { .. }, Some((start, _, step))) => Some((start, step)),
                    _ => None,
                };
                let value = if let Some(s) = &x.string {
                    Value::String { t: 0, s: s.clone() }
                } else if let Some(v) = x.scalar {
                    Value::Scalar { t: 0, v }
                } else if let Some((start, step)) = grid {
                    let mut m: Vec<RangeSeries> = x
                        .series
                        .iter()
                        .map(|s| RangeSeries {
                            labels: s.labels.clone(),
                            points: s
                                .values
                                .iter()
                                .enumerate()
                                .filter_map(|(k, v)| {
                                    v.map(|v| (start.millis() + k as i64 * step.millis(), f(v)))
                                })
                                .collect(),
                        })
                        .collect();
                    m.sort_by(|a, b| a.labels.cmp(&b.labels));
                    Value::Matrix(m)
                } else {
                    let s = x.series.iter().filter_map(|s| {
                        let v = s.values.first().copied().flatten()?;
                        Some(Sample {
                            labels: s.labels.clone(),
                            t: 0,
                            v: f(v),
                        })
                    });
                    Value::Vector(s.collect())
                };
                if let Err(err) = check_value(&e, &value) {
                    panic!("{}:{}: {err}", path.display(), e.line);
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}
