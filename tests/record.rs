//! `rollsim record` against a real Prometheus 2.42: backfill `fixtures/canonical/incident.om`
//! with promtool, serve it on 127.0.0.1, record a template's data with rollsim, then answer
//! the template's queries with rollsim (2.x mode) on the recording and with Prometheus over
//! HTTP, as range queries over the measurement window, and require every point to match.
//! Also replays the canonical rollout on a recording and on the original data: same outcome.
//!
//! Needs `prometheus` and `promtool` on PATH; without them the test prints `SKIPPED:` and
//! passes, unless `ROLLSIM_REQUIRE_PROMETHEUS=1` (set by `.ci/run`). Fake-server failure
//! cases are in `tests/record_errors.rs`.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

mod common;
use common::{Needs, run_ok as run};
use rollsim::ingest;
use rollsim::model::{Duration, Timestamp};
use rollsim::promql::{Compat, Engine, EngineOptions, Value};
use rollsim::record::response;

const RTOL: f64 = 1e-9;

/// Series by sorted label pairs, points in milliseconds.
type SeriesMap = BTreeMap<Vec<(String, String)>, Vec<(i64, f64)>>;

/// A Prometheus serving a backfilled TSDB on 127.0.0.1, killed by PID on drop.
struct Prometheus {
    child: Child,
    url: String,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prometheus {
    /// Backfills `data` into `dir/tsdb` and starts Prometheus on a free port.
    fn start(dir: &Path, data: &Path, extra: &[&str]) -> Prometheus {
        let tsdb = dir.join("tsdb");
        run(Command::new("promtool")
            .args(["tsdb", "create-blocks-from", "openmetrics"])
            .arg(data)
            .arg(&tsdb));
        let config = dir.join("prometheus.yml");
        std::fs::write(
            &config,
            "global:\n  scrape_interval: 1m\nscrape_configs: []\n",
        )
        .expect("write prometheus.yml");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = std::fs::File::create(dir.join("prometheus.log")).expect("log file");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", tsdb.display()))
            .arg("--storage.tsdb.retention.time=100y")
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .args(extra)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus");
        let mut p = Prometheus {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + StdDuration::from_secs(120);
        loop {
            if let Ok(Some(status)) = p.child.try_wait() {
                panic!(
                    "prometheus exited ({status}):\n{}",
                    std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default()
                );
            }
            if ureq::get(format!("{}/-/ready", p.url)).call().is_ok() {
                return p;
            }
            assert!(
                Instant::now() < deadline,
                "prometheus not ready after 120 s"
            );
            std::thread::sleep(StdDuration::from_millis(100));
        }
    }

    /// A `query_range` answer as series.
    fn range_query(&self, query: &str, start: i64, end: i64, step_s: i64) -> SeriesMap {
        let mut resp = ureq::get(format!("{}/api/v1/query_range", self.url))
            .query("query", query)
            .query("start", (start / 1000).to_string())
            .query("end", (end / 1000).to_string())
            .query("step", step_s.to_string())
            .call()
            .unwrap_or_else(|e| panic!("Prometheus query_range {query}: {e}"));
        let doc: serde_json::Value = resp.body_mut().read_json().expect("JSON answer");
        assert_eq!(doc["status"], "success", "{query}: {doc}");
        let (kind, series) = response::series(&doc["data"]).expect("a matrix");
        assert_eq!(kind, "matrix");
        series.into_iter().map(|s| (s.labels, s.samples)).collect()
    }
}

fn prometheus_available() -> bool {
    let found = ["prometheus", "promtool"]
        .iter()
        .all(|tool| common::on_path(tool));
    if !found {
        common::skip(
            Needs::Prometheus,
            "prometheus/promtool not on PATH (apt-get install prometheus)",
        );
    }
    found
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn rollsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rollsim"))
}

fn ms(rfc3339: &str) -> i64 {
    Timestamp::parse(rfc3339).expect("a test time").millis()
}

fn rollsim_range(
    store: &rollsim::model::Store,
    query: &str,
    start: i64,
    end: i64,
    step_s: i64,
) -> SeriesMap {
    let engine = Engine::new(EngineOptions {
        compat: Compat::V2,
        ..EngineOptions::default()
    });
    let r = engine
        .range_query(
            store,
            query,
            Timestamp(start),
            Timestamp(end),
            Duration::from_secs(step_s),
        )
        .unwrap_or_else(|e| panic!("rollsim {query}: {e}"));
    let Value::Matrix(series) = r.value else {
        panic!("{query}: a range query returns a matrix");
    };
    series
        .into_iter()
        .map(|s| {
            let labels = s
                .labels
                .iter()
                .map(|l| (l.name.to_string(), l.value.to_string()))
                .collect();
            (labels, s.points)
        })
        .collect()
}

fn equal(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    a == b || (a - b).abs() <= RTOL * a.abs().max(b.abs())
}

/// Number of points compared; panics listing the first differences.
fn compare(query: &str, want: &SeriesMap, got: &SeriesMap) -> usize {
    let mut problems = Vec::new();
    let mut points = 0;
    for (labels, w) in want {
        let Some(g) = got.get(labels) else {
            problems.push(format!("missing series {labels:?}"));
            continue;
        };
        if w.len() != g.len() {
            problems.push(format!(
                "{labels:?}: {} points from Prometheus, {} from rollsim",
                w.len(),
                g.len()
            ));
        }
        for ((tw, vw), (tg, vg)) in w.iter().zip(g) {
            points += 1;
            if tw != tg || !equal(*vw, *vg) {
                problems.push(format!(
                    "{labels:?}: Prometheus {vw} @{tw}, rollsim {vg} @{tg}"
                ));
            }
        }
    }
    for labels in got.keys().filter(|k| !want.contains_key(*k)) {
        problems.push(format!("extra series {labels:?}"));
    }
    assert!(
        problems.is_empty(),
        "{query}:\n  {}",
        problems
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    points
}

/// The template's queries with the argument substituted, as Prometheus is asked them.
fn template_queries(service: &str) -> Vec<String> {
    let text = std::fs::read_to_string(fixture("record/template.yaml")).expect("template fixture");
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if let Some(q) = t.strip_prefix("query:") {
            let q = if q.trim() == "|" {
                lines
                    .next()
                    .expect("a block scalar line")
                    .trim()
                    .to_string()
            } else {
                q.trim().to_string()
            };
            out.push(q.replace("{{args.service}}", service));
        }
    }
    out
}

#[test]
fn recording_answers_the_template_queries_like_prometheus() {
    if !prometheus_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // A sample limit below the 2,538 raw samples of the histogram buckets in range (but
    // above what the comparison queries need): the first raw-sample request for them is
    // refused ("too many samples") and split.
    let prom = Prometheus::start(
        dir.path(),
        &fixture("canonical/incident.om"),
        &["--query.max-samples=2000"],
    );
    let (start, end) = ("2024-01-01T00:25:00Z", "2024-01-01T00:58:00Z");
    let out = dir.path().join("recording.om");
    let token = dir.path().join("token");
    std::fs::write(&token, "not-checked-by-prometheus\n").unwrap();
    let begun = Instant::now();
    let rec = run(rollsim()
        .args(["record", "--prometheus", &prom.url, "--template"])
        .arg(fixture("record/template.yaml"))
        .args([
            "--arg",
            "service=checkout",
            "--start",
            start,
            "--end",
            end,
            "--bearer-token-file",
        ])
        .arg(&token)
        .arg("--out")
        .arg(&out));
    let elapsed = begun.elapsed();
    let stderr = String::from_utf8_lossy(&rec.stderr);
    assert!(
        !stderr.contains("not-checked-by-prometheus"),
        "the token is never printed"
    );
    assert!(
        stderr.contains("http_request_duration_seconds_bucket{service=\"checkout\"}: 2 chunk(s)"),
        "split on the sample limit:\n{stderr}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.ends_with("# EOF\n"));

    let store = ingest::load_files(std::slice::from_ref(&out)).expect("the recording reads back");
    let (first, last) = store.time_range().expect("samples recorded");
    // The offset 15m + [5m] window reaches 20 minutes before the start, and 2.x's closed
    // windows read the sample exactly there; nothing earlier is recorded.
    assert_eq!(
        first,
        ms("2024-01-01T00:05:00Z"),
        "first sample at start - 20m"
    );
    assert_eq!(last, ms(end));

    let queries = template_queries("checkout");
    assert_eq!(queries.len(), 5);
    let mut total = 0;
    for q in &queries {
        let want = prom.range_query(q, ms(start), ms(end), 60);
        let got = rollsim_range(&store, q, ms(start), ms(end), 60);
        assert!(!want.is_empty(), "{q}: Prometheus returned nothing");
        let n = compare(q, &want, &got);
        common::note(&format!("record: {n} points equal to Prometheus for {q}"));
        total += n;
    }
    common::note(&format!(
        "record: {} series, {} samples recorded in {:.2}s; {total} points of 5 queries equal to Prometheus 2.x",
        store.series().len(),
        store.sample_count(),
        elapsed.as_secs_f64()
    ));

    // The query_range fallback recovers exactly the same samples.
    let via_range = dir.path().join("via-range.om");
    run(rollsim()
        .args(["record", "--prometheus", &prom.url, "--template"])
        .arg(fixture("record/template.yaml"))
        .args(["--arg", "service=checkout", "--start", start, "--end", end])
        .args(["--api", "query-range", "--out"])
        .arg(&via_range));
    assert!(
        std::fs::read(&via_range).unwrap() == text.as_bytes(),
        "--api query-range recorded other samples"
    );

    // The recording is accepted by promtool too.
    run(Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&out)
        .arg(dir.path().join("tsdb-from-recording")));
}

#[test]
fn simulate_on_a_recording_matches_the_original_data() {
    if !prometheus_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let data = fixture("canonical/incident.om");
    let prom = Prometheus::start(dir.path(), &data, &[]);
    let out = dir.path().join("canonical.om");
    let rollout = fixture("canonical/rollout.yaml");
    let template = fixture("canonical/template.yaml");
    run(rollsim()
        .args(["record", "--prometheus", &prom.url, "--rollout"])
        .arg(&rollout)
        .arg("--template")
        .arg(&template)
        .args([
            "--start",
            "2024-01-01T00:10:00Z",
            "--end",
            "2024-01-01T01:00:00Z",
            "--out",
        ])
        .arg(&out));
    let simulate = |data: &Path| {
        let o = run(rollsim()
            .args(["simulate", "--rollout"])
            .arg(&rollout)
            .arg("--template")
            .arg(&template)
            .arg("--data")
            .arg(data)
            .args([
                "--start",
                "2024-01-01T00:10:00Z",
                "--promql-compat",
                "2",
                "--format",
                "json",
            ]));
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("simulation JSON");
        let raws: Vec<Vec<f64>> = doc["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "MeasurementTaken")
            .map(|e| {
                let raw = e["raw"].as_array().expect("raw values");
                raw.iter().map(|v| v.as_f64().expect("a number")).collect()
            })
            .collect();
        (doc["outcome"].clone(), raws)
    };
    let (outcome, raws) = simulate(&out);
    let (want_outcome, want_raws) = simulate(&data);
    assert_eq!(outcome, want_outcome);
    assert_eq!(outcome["result"], "aborted");
    // Equal up to summation order: the recording lists series sorted by labels, the
    // fixture in its own order, and `sum` adds them in store order.
    assert_eq!(raws.len(), want_raws.len());
    for (g, w) in raws.iter().zip(&want_raws) {
        assert!(
            g.len() == w.len() && g.iter().zip(w).all(|(a, b)| equal(*a, *b)),
            "{g:?} vs {w:?}"
        );
    }
    assert!(raws.len() >= 4, "{raws:?}");
    common::note(&format!(
        "record: simulate on the recording: {} measurements equal, outcome {}",
        raws.len(),
        outcome["result"]
    ));
}
