//! Determinism and round trips: the same seed gives the same bytes, and every writer's
//! output reads back through `ingest` with identical samples.

use super::run;
use crate::ingest::{self, Format};
use crate::model::{Store, StoreBuilder, Timestamp};
use crate::synth::write;

const YAML: &str = "{seed: 11, scrape_jitter: 2s, missed_scrapes: 0.05, warmup: 10m,
    traffic: {rps: 20, diurnal: 0.3, bursts: [{at: 2m, for: 1m, factor: 3}]},
    stable: {statuses: {'404': 0.02, '503': 0.01}},
    canary: {regression: {at: 3m, shape: ramp, over: 5m, error_ratio: 0.3, latency_factor: 2}},
    routing: {router: nginx, sticky_sessions: 0.3},
    metrics: {service: checkout, labels: {namespace: 'prod \"eu\"'}}}";

fn bytes(store: &Store, format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    write::write(store, format, &mut out).unwrap();
    out
}

fn samples(store: &Store) -> Vec<(String, Vec<(i64, u64)>)> {
    let mut v: Vec<_> = store
        .series()
        .iter()
        .map(|s| {
            let pts = s
                .timestamps
                .iter()
                .zip(s.values.iter())
                .map(|(t, v)| (*t, v.to_bits()))
                .collect();
            (s.labels.to_string(), pts)
        })
        .collect();
    v.sort();
    v
}

fn read_back(format: Format, data: &[u8]) -> Store {
    let mut b = StoreBuilder::new();
    let p = std::path::Path::new("t");
    match format {
        Format::OpenMetrics => ingest::openmetrics::read_from(&mut b, p, data).unwrap(),
        Format::Json => ingest::json::read_from(&mut b, p, data).unwrap(),
        Format::Csv => ingest::csv::read_from(&mut b, p, data).unwrap(),
        _ => unreachable!("not written"),
    }
    b.finish().unwrap()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = bytes(&run(YAML, &[(5, 10), (10, 50)]).0, Format::OpenMetrics);
    let b = bytes(&run(YAML, &[(5, 10), (10, 50)]).0, Format::OpenMetrics);
    assert!(a == b, "same seed gave different bytes");
    let other = YAML.replace("seed: 11", "seed: 12");
    let c = bytes(&run(&other, &[(5, 10), (10, 50)]).0, Format::OpenMetrics);
    assert!(a != c, "another seed gave the same bytes");
}

#[test]
fn every_format_reads_back_identically() {
    let (store, _) = run(YAML, &[(5, 10), (10, 50)]);
    assert!(store.sample_count() > 3_000);
    let want = samples(&store);
    for format in [Format::OpenMetrics, Format::Json, Format::Csv] {
        let back = read_back(format, &bytes(&store, format));
        assert!(samples(&back) == want, "{format:?} changed samples");
    }
    let om = String::from_utf8(bytes(&store, Format::OpenMetrics)).unwrap();
    assert!(om.ends_with("# EOF\n"));
    assert!(om.contains("# TYPE http_requests counter\n"));
    assert!(om.contains("# TYPE http_request_duration_seconds histogram\n"));
    let back = read_back(Format::OpenMetrics, om.as_bytes());
    assert_eq!(back.metric_types["http_requests"], "counter");
}

#[test]
fn openmetrics_families_are_contiguous() {
    let (store, _) = run(YAML, &[(2, 10)]);
    let om = String::from_utf8(bytes(&store, Format::OpenMetrics)).unwrap();
    let mut seen: Vec<&str> = Vec::new();
    for line in om.lines().filter(|l| !l.starts_with('#')) {
        let name = line.split(['{', ' ']).next().unwrap();
        if seen.last() != Some(&name) {
            assert!(!seen.contains(&name), "{name} appears in two places");
            seen.push(name);
        }
    }
}

#[test]
fn openmetrics_timestamps_survive_truncation() {
    let base = 1_767_607_200_000i64;
    let mut fourth_decimal = 0;
    for ms in 0..2000 {
        let t = base + ms;
        let mut store = StoreBuilder::new();
        let id = store.series_id(crate::model::Labels::from_pairs([("__name__", "a")]));
        store.append(id, t, 1.0);
        let s = store.finish().unwrap();
        let text = bytes(&s, Format::OpenMetrics);
        fourth_decimal += usize::from(
            String::from_utf8_lossy(&text)
                .split(' ')
                .nth(2)
                .unwrap()
                .trim()
                .len()
                > 14,
        );
        assert_eq!(
            &*read_back(Format::OpenMetrics, &text).series()[0].timestamps,
            &[t]
        );
        let exact = write::openmetrics_exact(Timestamp(t)).millis();
        assert!(exact >= t && exact - t < 5, "{t} → {exact}");
    }
    assert!(
        fourth_decimal < 2000,
        "every timestamp needed a fourth decimal"
    );
}

#[test]
fn adding_canary_pods_does_not_reshuffle_other_streams() {
    let yaml = |n: u32| {
        format!(
            "{{seed: 13, scrape_jitter: 3s, missed_scrapes: 0.1, warmup: 5m, canary: {{replicas: {n}}}}}"
        )
    };
    // Weight 50: 2 canary pods of 3, or 3 of 6; stable stays at 3 in both.
    let (a, _) = run(&yaml(3), &[(10, 50)]);
    let (b, _) = run(&yaml(6), &[(10, 50)]);
    let stamps = |s: &Store| -> Vec<(String, Vec<i64>)> {
        let mut v: Vec<_> = s
            .series()
            .iter()
            .filter(|x| x.labels.get("version") == Some("stable"))
            .map(|x| (x.labels.to_string(), x.timestamps.to_vec()))
            .collect();
        v.sort();
        v
    };
    assert!(!stamps(&a).is_empty());
    assert!(
        stamps(&a) == stamps(&b),
        "stable scrapes changed with the canary's size"
    );
}

#[test]
fn odd_configs_run_without_panicking() {
    for yaml in [
        "{traffic: {rps: 0}}",
        "{traffic: {rps: 10000000}, scrape_interval: 1h, warmup: 0s}",
        "{stable: {replicas: 0}, canary: {replicas: 0}}",
        "{traffic: {drift: -10}}",
        "{canary: {regressions: [{at: 0s, p50: 200ms}, {at: 0s, p99: 60ms}]}}",
        "{canary: {latency: {p50: 1s, p99: 1100ms, distribution: gamma}, regression: {at: 0s, shape: ramp, over: 1m, p99: 1010ms}}}",
        "{canary: {regression: {at: 0s, crash_every: 1s, memory_growth: 1e12}}, scrape_interval: 1s, warmup: 1m}",
        "{routing: {router: alb, sticky_sessions: 1, session_lifetime: 1ms, weight_delay: 3650d}}",
        "{routing: {router: nginx, nginx_affinity: legacy, sticky_sessions: 1, internal_share: 1, internal_service: canary}}",
        "{start: '1970-01-01T00:00:00Z', warmup: 30d, scrape_interval: 1h}",
    ] {
        let (s, w) = run(yaml, &[(1, 10), (2, 100), (3, 0)]);
        let i = w.impact();
        // Every request is accounted for once; pods that exist report.
        assert_eq!(
            i.requests,
            i.cache_hits + i.canary_requests + i.stable_requests,
            "{yaml}"
        );
        assert!(s.sample_count() > 0 || i.unroutable == i.requests, "{yaml}");
    }
}

#[test]
fn scrapes_jitter_within_bounds_and_miss_as_configured() {
    let yaml = "{seed: 17, scrape_jitter: 2s, missed_scrapes: 0.1, warmup: 0s}";
    let (s, w) = run(yaml, &[(120, 0)]);
    let counts: Vec<_> = s
        .series()
        .iter()
        .filter(|x| x.labels.metric_name() == Some("http_request_duration_seconds_count"))
        .collect();
    assert_eq!(counts.len(), 3);
    let slots = 120 * 4;
    let start = w.start().millis();
    let mut kept = 0;
    for x in &counts {
        kept += x.timestamps.len();
        for t in x.timestamps.iter() {
            // Slot times are start + k·15s; jitter ±2s, plus ≤ 5 ms to keep the text exact.
            let off = (t - start).rem_euclid(15_000);
            assert!(
                off <= 2_005 || off >= 13_000,
                "timestamp {t} is {off} ms off its slot"
            );
        }
    }
    // 1440 scrapes at 10% misses: σ ≈ 11; tolerance ±45 (4σ).
    let missed = (3 * slots - kept) as i64;
    assert!(
        (missed - 144).abs() <= 45,
        "missed {missed} of {}",
        3 * slots
    );
}
