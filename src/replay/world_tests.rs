//! Unit tests of the closed-loop world source and the impact it reports.

use super::*;

fn source() -> WorldSource {
    let cfg = WorldConfig::from_yaml("{seed: 9, warmup: 5m, routing: {router: nginx}}").unwrap();
    WorldSource::new(cfg, 10, None).unwrap()
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

/// A lean world (only the series the queries select) gives the full world's timeline and
/// canary numbers, seed after seed, for a regression and for its healthy twin.
#[test]
fn a_lean_world_decides_exactly_as_the_full_world() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["tune-checkout", "synthetic-regression"] {
        let s = crate::scenario::load(&root.join(format!("scenarios/{name}.yaml"))).unwrap();
        let mut manifests = manifest::load_file(&s.rollout).unwrap();
        for t in &s.templates {
            manifests.extend(manifest::load_file(t).unwrap());
        }
        let input = ReplayInput {
            rollout: s.rollout.clone(),
            templates: s.templates.clone(),
            data: Vec::new(),
            start: s.start,
            args: s.args.clone().into_iter().collect(),
            promote_after: None,
            abort_after: None,
            horizon: s.horizon,
            compat: crate::promql::Compat::V3,
            world: s.world.clone(),
        };
        let rollout = &manifests.rollouts[0];
        for seed in 0..3 {
            for healthy in [false, true] {
                let mut cfg = s.world.clone().unwrap();
                cfg.seed = seed;
                if healthy {
                    cfg.canary.regression = None;
                    cfg.canary.regressions.clear();
                }
                let (full, data) = replay_world(&input, &cfg, rollout, &manifests).unwrap();
                let lean = replay_world_lean(&input, &cfg, rollout, &manifests).unwrap();
                let what = format!("{name} seed {seed} healthy {healthy}");
                assert_eq!(
                    format!("{:?}", full.simulation),
                    format!("{:?}", lean.simulation),
                    "{what}"
                );
                let (f, l) = (full.impact.unwrap(), lean.impact.unwrap());
                assert_eq!(
                    f.bad_requests_before_decision, l.bad_requests_before_decision,
                    "{what}"
                );
                assert_eq!(f.time_to_detect_seconds, l.time_to_detect_seconds, "{what}");
                assert!(l.requests < f.requests, "{what}: stable pods stay idle");
                assert!(data.finish().unwrap().series().len() > 100, "{what}");
            }
        }
    }
}

#[test]
fn series_filter_judges_pods_by_their_own_labels_only() {
    let engine = Engine::default();
    let parse = |q: &str| engine.parse_shared(q, QueryTiming::default()).unwrap();
    let pod = |version: &str| {
        Labels::from_pairs([
            ("service", "checkout"),
            ("pod", "p-1"),
            ("version", version),
        ])
    };
    let canary_only = selected_series(
        &engine,
        &[parse(
            r#"sum(rate(x_bucket{version="canary", le="0.5", status!~"5.."}[2m]))"#,
        )],
    );
    assert!(canary_only.may_keep_pod(&pod("canary")));
    assert!(!canary_only.may_keep_pod(&pod("stable")));
    let series = |version: &str, le: &str| {
        let mut b = pod(version).builder();
        b.set_str("__name__", "x_bucket").set_str("le", le);
        b.build()
    };
    assert!(canary_only.keeps(&series("canary", "0.5")));
    assert!(
        !canary_only.keeps(&series("canary", "1")),
        "le is judged per series"
    );
    assert!(!canary_only.keeps(&series("stable", "0.5")));
    let either = selected_series(
        &engine,
        &[
            parse(r#"x{version="canary"}"#),
            parse(r#"y{service="checkout"}"#),
        ],
    );
    assert!(
        either.may_keep_pod(&pod("stable")),
        "one alternative admits it"
    );
    let none = selected_series(&engine, &[]);
    assert!(!none.may_keep_pod(&pod("canary")));
}
