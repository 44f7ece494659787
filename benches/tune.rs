//! Criterion benchmark of `rollsim tune` trials on the bundled tuning scenario
//! (`scenarios/tune-checkout.yaml`: three metrics, a one-hour canary, 15 s scrape, the
//! canary regressing at +20m). Measures one closed-loop trial of the healthy twin, one of
//! the regressed canary, and a batch of trials on every core the way `rollsim tune` runs
//! them; criterion's throughput line is trials per second. The target: 10,000
//! trials in under 10 s on the project's 2-core machine (1,000 trials/s).

use std::hint::black_box;

use clap::Parser;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rollsim::cli::{Cli, Command};
use rollsim::tune::Sweep;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tune-checkout.yaml");
const BATCH: usize = 16;

/// The as-written candidate over the healthy twin (world 0) and the regressed canary
/// (world 1), `BATCH` trials each.
fn sweep() -> Sweep {
    let runs = BATCH.to_string();
    let cli = Cli::parse_from(["rollsim", "tune", SCENARIO, "--runs", &runs]);
    let Command::Tune(args) = cli.command else {
        unreachable!("parsed a tune command")
    };
    rollsim::cli::tune::sweep(&args).expect("the bundled scenario loads")
}

fn bench(c: &mut Criterion) {
    let s = sweep();
    assert_eq!(s.worlds.len(), 2, "healthy twin and regressed canary");
    let mut g = c.benchmark_group("tune-checkout");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1));
    g.bench_function("healthy trial", |b| {
        let mut t = 0;
        b.iter(|| {
            t = (t + 1) % BATCH;
            black_box(s.run_unit(t).expect("trial runs"))
        })
    });
    g.bench_function("regressed trial", |b| {
        let mut t = 0;
        b.iter(|| {
            t = (t + 1) % BATCH;
            black_box(s.run_unit(BATCH + t).expect("trial runs"))
        })
    });
    let units: Vec<usize> = (0..s.units()).collect();
    g.throughput(Throughput::Elements(units.len() as u64));
    g.bench_function("batch, all cores", |b| {
        b.iter(|| black_box(s.run(&units, 0, &|| {}).expect("trials run")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
