//! The `world:` block: the DESIGN.md sketch parses, and every invalid value is rejected with
//! an error naming its field.

use crate::model::Duration;
use crate::synth::{Router, World, WorldConfig};

#[test]
fn design_sketch_parses_with_defaults() {
    let c = WorldConfig::from_yaml(
        "seed: 7
scrape_interval: 15s
traffic: {rps: 120, diurnal: 0.3}
stable: {error_ratio: 0.002, latency: {p50: 80ms, p99: 400ms}}
canary: {error_ratio: 0.002, regression: {at: 12m, error_ratio: 0.04}}
routing: {router: nginx, sticky_sessions: 0.2}
",
    )
    .unwrap();
    assert_eq!(c.seed, 7);
    assert_eq!(c.warmup, Duration::from_secs(1800));
    assert_eq!(c.routing.router, Router::Nginx);
    assert_eq!(
        c.canary.regression.as_ref().unwrap().at,
        Some(Duration::from_secs(720))
    );
    assert_eq!(c.metrics.requests, "http_requests_total");
    assert_eq!(c.start.to_string(), "2026-01-05T10:00:00.000Z");
}

#[test]
fn invalid_values_name_their_field() {
    for (yaml, field) in [
        ("{bogus: 1}", "world"),
        ("{scrape_interval: 10}", "world"),
        ("{scrape_interval: 500ms}", "scrape_interval"),
        ("{scrape_jitter: 8s}", "scrape_jitter"),
        ("{missed_scrapes: 1}", "missed_scrapes"),
        ("{traffic: {rps: -1}}", "traffic.rps"),
        ("{traffic: {diurnal: 2}}", "traffic.diurnal"),
        (
            "{traffic: {bursts: [{at: 1m, for: 1m, factor: .nan}]}}",
            "traffic.bursts[0].factor",
        ),
        ("{stable: {error_ratio: 1.5}}", "stable.error_ratio"),
        ("{stable: {statuses: {'5xx': 0.1}}}", "stable.statuses.5xx"),
        ("{stable: {statuses: {'500': 0.6, '503': 0.6}}}", "stable"),
        (
            "{stable: {latency: {p50: 1s, p99: 100ms}}}",
            "stable.latency",
        ),
        (
            "{stable: {regression: {at: 1m, error_ratio: 0.1}}}",
            "stable.regression",
        ),
        (
            "{canary: {regression: {error_ratio: 0.1}}}",
            "canary.regressions[0]",
        ),
        (
            "{canary: {regression: {at: 1m, step: 2, error_ratio: 0.1}}}",
            "canary.regressions[0]",
        ),
        (
            "{canary: {regression: {at: 1m, shape: ramp, error_ratio: 0.1}}}",
            "canary.regressions[0].over",
        ),
        (
            "{canary: {regression: {at: 1m, shape: spike, error_ratio: 0.1}}}",
            "canary.regressions[0].for",
        ),
        ("{canary: {regression: {at: 1m}}}", "canary.regressions[0]"),
        (
            "{canary: {regression: {at: 1m, p99: 1ms}}}",
            "canary.regressions[0].p99",
        ),
        (
            "{canary: {regression: {at: 1m, crash_every: 10ms}}}",
            "canary.regressions[0].crash_every",
        ),
        (
            "{routing: {router: istio, sticky_sessions: 0.5}}",
            "routing.sticky_sessions",
        ),
        (
            "{routing: {router: nginx, internal_service: mesh}}",
            "routing.internal_service",
        ),
        (
            "{routing: {cache_hit_ratio: -0.1}}",
            "routing.cache_hit_ratio",
        ),
        (
            "{routing: {weight_granularity: 0}}",
            "routing.weight_granularity",
        ),
        (
            "{routing: {router: nginx, alb_verify_delay: 5s}}",
            "routing.alb_verify_delay",
        ),
        ("{routing: {router: traefik}}", "world"),
        ("{metrics: {requests: 'a-b'}}", "metrics.requests"),
        ("{metrics: {buckets: [1, 0.5]}}", "metrics.buckets"),
        ("{metrics: {labels: {pod: x}}}", "metrics.labels.pod"),
        (
            "{canary: {pod_template_hash: 5d8f7c9b6d, version: stable}}",
            "canary.pod_template_hash",
        ),
        ("{warmup: 31d}", "warmup"),
        (
            "{canary: {regression: {at: 3651d, error_ratio: 0.1}}}",
            "canary.regressions[0].at",
        ),
    ] {
        match WorldConfig::from_yaml(yaml) {
            Ok(_) => panic!("{yaml} was accepted"),
            Err(e) => assert_eq!(e.field, field, "{yaml}: {e}"),
        }
    }
}

#[test]
fn the_world_rejects_what_the_caller_asks_wrongly() {
    let c = WorldConfig::from_yaml("{}").unwrap();
    assert_eq!(World::new(c.clone(), 5000).unwrap_err().field, "replicas");
    let mut w = World::new(c, 3).unwrap();
    let mut b = crate::model::StoreBuilder::new();
    let mut served = w.served_weight(10);
    served.weight = 101;
    let until = w.start();
    assert_eq!(
        w.advance(until, served, None, &mut b).unwrap_err().field,
        "served.weight"
    );
}

#[test]
fn alb_verification_rounds_up_to_polls() {
    let c = WorldConfig::from_yaml("{routing: {router: alb, alb_verify_delay: 12s}}").unwrap();
    assert_eq!(
        World::new(c, 3).unwrap().alb_verify_delay(),
        Some(Duration::from_secs(20))
    );
    let c = WorldConfig::from_yaml("{routing: {router: istio}}").unwrap();
    assert_eq!(World::new(c, 3).unwrap().alb_verify_delay(), None);
}
