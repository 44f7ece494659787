//! Unit tests of the closed-loop world source and the impact it reports.

use super::*;

fn source() -> WorldSource {
    let cfg = WorldConfig::from_yaml("{seed: 9, warmup: 5m, routing: {router: nginx}}").unwrap();
    WorldSource::new(cfg, 10).unwrap()
}

fn canary_series(store: &Store) -> usize {
    store
        .series()
        .iter()
        .filter(|s| s.labels.get("version") == Some("canary"))
        .count()
}

#[test]
fn the_store_grows_with_the_world_and_follows_the_weight() {
    let mut src = source();
    let start = src.world().start();
    let warm = src.store_at(start).sample_count();
    assert!(warm > 0);
    assert_eq!(canary_series(src.store_at(start)), 0);
    src.weight_changed(start, 20.0, 2, 10);
    let later = src.store_at(start + Duration::from_secs(60));
    let count = later.sample_count();
    assert!(count > warm);
    assert!(canary_series(later) > 0, "two canary pods appear at 20%");
    // The snapshot left the builder open: the world keeps writing.
    let more = src
        .store_at(start + Duration::from_secs(120))
        .sample_count();
    assert!(more > count);
    assert_eq!(src.into_builder().finish().unwrap().sample_count(), more);
}

#[test]
fn impact_counts_only_decided_errors_as_blast_radius() {
    let o = |result, at| sim::Outcome {
        result,
        at,
        reason: String::new(),
        deciding_run: None,
        deciding_metric: None,
    };
    let total = UserImpact {
        canary_errors: 30,
        ..UserImpact::default()
    };
    let before = UserImpact {
        canary_errors: 20,
        ..UserImpact::default()
    };
    let start = Timestamp(0);
    let reg = Some(Timestamp(60_000));
    let aborted = impact_of(
        total,
        before,
        reg,
        start,
        &o(OutcomeResult::Aborted, 90_000),
    );
    assert_eq!(aborted.bad_requests_before_decision, 20);
    assert_eq!(aborted.time_to_detect_seconds, Some(30.0));
    let paused = impact_of(total, before, reg, start, &o(OutcomeResult::Paused, 0));
    assert_eq!(paused.bad_requests_before_decision, 30);
    assert_eq!(paused.time_to_detect_seconds, None);
}
