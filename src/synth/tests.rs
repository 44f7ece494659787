//! Statistical tests of the world with fixed seeds; each assertion states its tolerance.
//! Values are read the way an AnalysisTemplate would, through rollsim's own PromQL engine.

use super::*;
use crate::model::{Duration, Store, StoreBuilder, Timestamp};
use crate::promql::{Engine, Value};

mod config;
mod io;

/// Builds a world from `yaml`, warms it up and runs `(minutes after start, weight, step)`
/// segments with `served_weight(weight)`.
pub(super) fn run(yaml: &str, segments: &[(i64, u32)]) -> (Store, World) {
    let cfg = WorldConfig::from_yaml(yaml).unwrap();
    let mut w = World::new(cfg, 3).unwrap();
    let mut b = StoreBuilder::new();
    w.warm_up(&mut b).unwrap();
    for (i, (minutes, weight)) in segments.iter().enumerate() {
        let until = w.start() + Duration::from_secs(minutes * 60);
        let served = w.served_weight(*weight);
        w.advance(until, served, Some(i as u32), &mut b).unwrap();
    }
    (b.finish().unwrap(), w)
}

/// The single value of an instant query at `minutes` after the rollout start.
pub(super) fn query(store: &Store, start: Timestamp, q: &str, minutes: i64) -> f64 {
    let t = start + Duration::from_secs(minutes * 60);
    match Engine::default().instant_query(store, q, t).unwrap().value {
        Value::Vector(v) if v.len() == 1 => v[0].v,
        Value::Scalar { v, .. } => v,
        other => panic!("{q}: expected one sample, got {other:?}"),
    }
}

fn within(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        ((got - want) / want).abs() <= rel,
        "{what}: got {got}, want {want} ± {}%",
        rel * 100.0
    );
}

const SHARE: &str = r#"sum(rate(http_requests_total{version="canary"}[10m])) / sum(rate(http_requests_total[10m]))"#;

#[test]
fn mean_rate_and_error_ratio_over_an_hour() {
    let (s, w) = run(
        "{seed: 1, traffic: {rps: 100}, stable: {error_ratio: 0.01}}",
        &[(60, 0)],
    );
    // 360k Poisson requests: σ ≈ 0.17%; tolerance 2%.
    within(
        query(&s, w.start(), "sum(rate(http_requests_total[1h]))", 60),
        100.0,
        0.02,
        "rps",
    );
    // σ of the ratio ≈ 1.7% relative at 3.6k errors; tolerance 6%.
    let err =
        r#"sum(rate(http_requests_total{status=~"5.."}[1h])) / sum(rate(http_requests_total[1h]))"#;
    within(query(&s, w.start(), err, 60), 0.01, 0.06, "error ratio");
    within(
        w.impact().requests as f64,
        100.0 * 5400.0,
        0.02,
        "requests incl. warm-up",
    );
}

#[test]
fn p99_from_the_histogram_matches_the_configured_latency() {
    for dist in ["lognormal", "gamma"] {
        let yaml = format!(
            "{{seed: 2, traffic: {{rps: 100}}, stable: {{latency: {{p50: 80ms, p99: 400ms, distribution: {dist}}}}},
              metrics: {{buckets: [0.05, 0.075, 0.08, 0.085, 0.1, 0.2, 0.3, 0.35, 0.375, 0.4, 0.425, 0.45, 0.5, 1]}}}}"
        );
        let (s, w) = run(&yaml, &[(30, 0)]);
        for (q, want) in [(0.99, 0.4), (0.5, 0.08)] {
            let expr = format!(
                "histogram_quantile({q}, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
            );
            // 30k requests per 5m window; bucket interpolation over ≤25 ms. Tolerance 5%.
            for minute in [10, 20, 30] {
                within(
                    query(&s, w.start(), &expr, minute),
                    want,
                    0.05,
                    &format!("{dist} p{q}"),
                );
            }
        }
        let mean = "sum(rate(http_request_duration_seconds_sum[30m])) / sum(rate(http_request_duration_seconds_count[30m]))";
        let model = LatencyModel::fit_seconds(
            0.08,
            0.4,
            if dist == "gamma" {
                Distribution::Gamma
            } else {
                Distribution::Lognormal
            },
        )
        .unwrap();
        within(
            query(&s, w.start(), mean, 30),
            model.mean(),
            1e-9,
            "mean latency",
        );
    }
}

#[test]
fn canary_share_tracks_the_weight() {
    for (router, weight, want) in [
        ("istio", 10, 0.10),
        ("istio", 50, 0.50),
        ("nginx", 10, 0.10),
        ("alb", 50, 0.50),
        ("none", 10, 0.25), // N=3: ⌈0.3⌉ = 1 canary pod beside 3 stable (TRAFFIC.md §1.3)
        ("none", 50, 0.40), // 2 canary + 3 stable
    ] {
        let yaml = format!("{{seed: 3, traffic: {{rps: 100}}, routing: {{router: {router}}}}}");
        let (s, w) = run(&yaml, &[(30, weight)]);
        // ≥ 6k canary requests in 10m: σ ≤ 1.3% relative; tolerance 8%.
        within(
            query(&s, w.start(), SHARE, 30),
            want,
            0.08,
            &format!("{router} at {weight}"),
        );
    }
}

#[test]
fn canary_gets_nothing_before_and_after() {
    let (s, w) = run("{seed: 4, routing: {router: istio}}", &[(10, 20), (30, 0)]);
    let share = r#"(sum(rate(http_requests_total{version="canary"}[10m])) or vector(0)) / sum(rate(http_requests_total[10m]))"#;
    assert_eq!(query(&s, w.start(), share, 0), 0.0);
    assert!(query(&s, w.start(), share, 10) > 0.15);
    // After weight 0 the canary pods are gone and stop reporting.
    assert_eq!(query(&s, w.start(), share, 30), 0.0);
}

#[test]
fn sticky_sessions_lag_the_weight() {
    // NGINX sticky, half the requests pinned, pins live 30 min on average: at weight 50 the
    // pinned share after t is 0.5·(1 − e^{−t/30m}) (TRAFFIC.md §4.1).
    let yaml = "{seed: 5, traffic: {rps: 200}, routing: {router: nginx, sticky_sessions: 0.5, session_lifetime: 30m}}";
    let (s, w) = run(yaml, &[(10, 50)]);
    let share = r#"sum(rate(http_requests_total{version="canary"}[5m])) / sum(rate(http_requests_total[5m]))"#;
    // Expected over (5m, 10m]: 0.25 + 0.5 × mean of S.
    let mean_s: f64 = (300..600)
        .map(|t| 0.5 * (1.0 - (-(t as f64) / 1800.0).exp()))
        .sum::<f64>()
        / 300.0;
    let want = 0.25 + 0.5 * mean_s;
    within(query(&s, w.start(), share, 10), want, 0.06, "sticky share");
    assert!(want < 0.33, "the lag must be visible: {want}");
    within(
        w.sticky_share(),
        0.5 * (1.0 - (-600.0f64 / 1800.0).exp()),
        0.01,
        "pinned share",
    );
}

#[test]
fn cache_and_internal_traffic_shift_what_pods_see() {
    // Cache answers half of external traffic; 20% internal via the all-pods Service.
    let yaml = "{seed: 6, traffic: {rps: 100}, routing: {router: nginx, cache_hit_ratio: 0.5, internal_share: 0.2}}";
    let (s, w) = run(yaml, &[(30, 10)]);
    // Pods see 20 internal + 80 × 0.5 external = 60 rps (tolerance 3%).
    within(
        query(&s, w.start(), "sum(rate(http_requests_total[10m]))", 30),
        60.0,
        0.03,
        "pod rps",
    );
    // Canary share at the pods: (40 × 0.10 + 20 × 1/4) / 60 = 0.15 (tolerance 8%).
    within(
        query(&s, w.start(), SHARE, 30),
        0.15,
        0.08,
        "pod canary share",
    );
    let i = w.impact();
    within(
        i.cache_hits as f64 / i.requests as f64,
        0.4,
        0.02,
        "cache share of all requests",
    );
}

#[test]
fn regression_by_step_raises_canary_errors() {
    let yaml = "{seed: 7, traffic: {rps: 200}, routing: {router: istio},
                 canary: {regression: {step: 1, error_ratio: 0.2}}}";
    let (s, w) = run(yaml, &[(10, 50), (20, 50)]);
    let err = r#"(sum(rate(http_requests_total{version="canary",status=~"5.."}[5m])) or vector(0)) / sum(rate(http_requests_total{version="canary"}[5m]))"#;
    assert_eq!(query(&s, w.start(), err, 10), 0.0);
    within(
        query(&s, w.start(), err, 20),
        0.2,
        0.05,
        "regressed error ratio",
    );
    assert_eq!(
        w.regression_started(),
        Some(w.start() + Duration::from_secs(600))
    );
    let i = w.impact();
    within(
        i.canary_errors as f64,
        0.2 * 0.5 * 200.0 * 600.0,
        0.05,
        "blast radius",
    );
}

#[test]
fn crash_loop_resets_counters_that_increase_handles() {
    let yaml = "{seed: 8, traffic: {rps: 100}, routing: {router: istio},
                 canary: {regression: {at: 0s, crash_every: 2m}}}";
    let (s, w) = run(yaml, &[(30, 50)]);
    // 2 canary pods (⌈50·3/100⌉), a restart every 2m each: 15 ± 1 per pod in 30m.
    let restarts = query(
        &s,
        w.start(),
        r#"sum(increase(kube_pod_container_status_restarts_total{version="canary"}[30m]))"#,
        30,
    );
    assert!((26.0..=32.0).contains(&restarts), "restarts {restarts}");
    // Some canary request counter goes down (a reset)...
    let ids = s.series_named("http_requests_total");
    let reset = ids
        .iter()
        .map(|&i| &s.series()[i as usize])
        .any(|x| x.values.windows(2).any(|p| p[1] < p[0]));
    assert!(reset, "no counter reset found");
    // ...yet increase() over the rollout matches what the canary served (tolerance 5%).
    let served = query(
        &s,
        w.start(),
        r#"sum(increase(http_requests_total{version="canary"}[30m]))"#,
        30,
    );
    within(
        served,
        w.impact().canary_requests as f64,
        0.05,
        "canary requests",
    );
}

#[test]
fn quiet_period_gives_nan_ratios_and_memory_grows() {
    let yaml =
        "{seed: 9, traffic: {rps: 50, quiet: [{at: 10m, for: 10m}]}, routing: {router: istio},
                 stable: {error_ratio: 0.01},
                 canary: {regression: {at: 0s, memory_growth: 1000000}}}";
    let (s, w) = run(yaml, &[(30, 50)]);
    let err =
        r#"sum(rate(http_requests_total{status=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))"#;
    assert!(query(&s, w.start(), err, 19).is_nan(), "0/0 must be NaN");
    let mem = query(
        &s,
        w.start(),
        r#"max(process_resident_memory_bytes{version="canary"})"#,
        30,
    );
    within(mem, 200e6 + 30e6, 0.01, "memory after 30m at 1 MB/min");
}

#[test]
fn latency_regression_shifts_the_canary_p99() {
    let yaml = "{seed: 19, traffic: {rps: 200}, routing: {router: istio},
                 canary: {latency: {p50: 50ms, p99: 200ms}, regression: {step: 1, latency_factor: 2}},
                 metrics: {buckets: [0.05, 0.1, 0.15, 0.175, 0.2, 0.225, 0.35, 0.375, 0.4, 0.425, 0.45, 1]}}";
    let (s, w) = run(yaml, &[(10, 50), (20, 50)]);
    let p99 = r#"histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{version="canary"}[5m])))"#;
    // 30k canary requests per window, 25 ms buckets around the target: tolerance 6%.
    within(
        query(&s, w.start(), p99, 10),
        0.2,
        0.06,
        "canary p99 before",
    );
    within(query(&s, w.start(), p99, 20), 0.4, 0.06, "canary p99 after");
}
