//! rollsim: replay Prometheus data through Argo Rollouts analysis, offline.
//!
//! Module map (dependencies flow one way): `model` <- `ingest` <- `promql` <- `analysis`
//! <- `sim` <- `cli`; `manifest` depends only on `model`; `promqltest` runs Prometheus's
//! conformance scripts against `promql`; `synth` (the seeded synthetic traffic world) builds
//! on `model`, `ingest` and `promql`; `tune` (Monte Carlo sweeps and backtests) builds on
//! `replay`. `cli` is the only module that prints.
//! See the README for the command reference and data formats.

/// mimalloc for every binary built on the crate (the tool, its tests and benchmarks, so
/// they measure what users run): a trial allocates many small, short-lived vectors and
/// label sets, and glibc's malloc and free were about a fifth of a `tune` run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod analysis;
pub mod cli;
pub mod ingest;
pub mod lint;
pub mod manifest;
pub mod memo;
pub mod model;
pub mod promql;
pub mod promqltest;
pub mod record;
pub mod replay;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod synth;
pub mod tune;
