//! Replays recorded data through a Rollout: manifests are flattened and templated, every
//! AnalysisRun measures against the loaded store, and the step engine (`sim`) turns run
//! outcomes into the rollout's timeline.
//!
//! Depends on `manifest`, `analysis`, `promql`, `ingest` and `sim`.

pub mod measure;
pub mod prepare;
