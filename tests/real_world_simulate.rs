//! Every Rollout among the 74 public manifests in `../shared/real-world` simulates without a
//! panic: each repository's files are loaded together (so its templates resolve), and each
//! Rollout is replayed over a small recording in which every query finds data.

use std::collections::BTreeMap;

use rollsim::manifest::{LoadOptions, Manifests, UnknownFields, load_file_with};
use rollsim::model::{Duration, Labels, StoreBuilder, Timestamp};
use rollsim::promql::Compat;
use rollsim::replay::{ReplayInput, replay_rollout};
use rollsim::sim::OutcomeResult;

mod common;

#[test]
fn every_real_world_rollout_simulates() {
    let Some(repos) = common::real_world_repos() else {
        return;
    };
    let store = recording();
    let options = LoadOptions {
        unknown_fields: UnknownFields::Warn,
    };
    let (mut simulated, mut outcomes) = (0, BTreeMap::new());
    for files in repos.values() {
        let mut manifests = Manifests::default();
        for f in files {
            // Helm templates are reported by the loader's own test; skip them here.
            if let Ok(m) = load_file_with(f, options) {
                manifests.extend(m);
            }
        }
        for rollout in &manifests.rollouts {
            let input = ReplayInput {
                rollout: files[0].clone(),
                templates: Vec::new(),
                data: Vec::new(),
                start: Timestamp(600_000),
                args: Vec::new(),
                promote_after: Some(Duration::from_secs(60)),
                abort_after: None,
                horizon: Some(Duration::from_secs(3 * 3600)),
                compat: Compat::V3,
                world: None,
            };
            let r = replay_rollout(&input, rollout, &manifests, &store);
            assert!(
                !r.simulation.events.is_empty(),
                "{}: no events",
                rollout.name
            );
            let key = format!("{:?}", r.simulation.outcome.result);
            if std::env::var("ROLLSIM_SHOW_OUTCOMES").is_ok() {
                println!(
                    "{} [{}]: {key}: {}",
                    rollout.name,
                    files[0].display(),
                    r.simulation.outcome.reason
                );
            }
            *outcomes.entry(key).or_insert(0) += 1;
            simulated += 1;
        }
    }
    println!("simulated {simulated} real-world rollouts: {outcomes:?}");
    // The corpus is fixed: 28 Rollouts in the files that are not Helm templates.
    assert_eq!(simulated, 28, "{outcomes:?}");
    assert!(
        outcomes.contains_key(&format!("{:?}", OutcomeResult::Promoted)),
        "{outcomes:?}"
    );
}

/// Four hours of a generic request counter and histogram, so typical queries return data.
fn recording() -> rollsim::model::Store {
    let mut b = StoreBuilder::new();
    for (name, per_scrape) in [
        ("http_requests_total", 100.0),
        ("http_server_requests_seconds_count", 100.0),
    ] {
        let id = b.series_id(Labels::from_pairs([("__name__", name), ("status", "200")]));
        for k in 0..=960 {
            b.append(id, k * 15_000, per_scrape * k as f64);
        }
    }
    b.finish().unwrap()
}
