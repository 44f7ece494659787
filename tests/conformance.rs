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

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared_dir() -> PathBuf {
    match std::env::var_os("ROLLSIM_SHARED") {
        Some(p) => PathBuf::from(p),
        None => manifest_dir().join("../shared"),
    }
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
        // Written to the stderr handle directly: libtest captures `eprintln!`, not this.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             SKIPPED: conformance corpus not found at {} (set ROLLSIM_SHARED)\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
            corpus.display()
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
