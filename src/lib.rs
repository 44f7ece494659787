//! rollsim: replay Prometheus data through Argo Rollouts analysis, offline.
//!
//! Module map (dependencies flow one way): `model` <- `ingest` <- `promql` <- `cli`;
//! `cli` is the only module that prints.
//! See the README for the command reference and data formats.

pub mod cli;
pub mod ingest;
pub mod model;
pub mod promql;
pub mod promqltest;
