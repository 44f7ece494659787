//! The synthetic world's OpenMetrics output is accepted by `promtool tsdb
//! create-blocks-from openmetrics` (skipped loudly when promtool is missing).

mod common;

use std::process::Command;

use rollsim::model::{Duration, StoreBuilder};
use rollsim::synth::{World, WorldConfig, write};

#[test]
fn promtool_backfills_the_generated_openmetrics() {
    if Command::new("promtool").arg("--version").output().is_err() {
        common::skip(common::Needs::Prometheus, "promtool is not on PATH");
        return;
    }
    let cfg = WorldConfig::from_yaml(
        "{seed: 3, scrape_jitter: 1s, missed_scrapes: 0.02, warmup: 10m,
          canary: {regression: {at: 2m, error_ratio: 0.1, crash_every: 3m}},
          routing: {router: nginx, sticky_sessions: 0.2}}",
    )
    .unwrap();
    let mut world = World::new(cfg, 3).unwrap();
    let mut b = StoreBuilder::new();
    world.warm_up(&mut b).unwrap();
    let until = world.start() + Duration::from_secs(600);
    let served = world.served_weight(20);
    world.advance(until, served, Some(0), &mut b).unwrap();
    let store = b.finish().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("world.om");
    let mut out = std::fs::File::create(&file).unwrap();
    write::write_openmetrics(&store, &mut out).unwrap();
    drop(out);
    let blocks = dir.path().join("blocks");
    let run = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&file)
        .arg(&blocks)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "promtool rejected the file: {}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let made = std::fs::read_dir(&blocks).unwrap().count();
    assert!(made >= 1, "promtool wrote no block");
    // Every sample made it into the blocks (`tsdb dump` wants a WAL folder, even empty).
    std::fs::create_dir_all(blocks.join("wal")).unwrap();
    let dump = Command::new("promtool")
        .args(["tsdb", "dump"])
        .arg(&blocks)
        .output()
        .unwrap();
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let lines = String::from_utf8_lossy(&dump.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .count();
    assert_eq!(lines, store.sample_count());
}
