//! Argo Rollouts analysis semantics as pure functions: the condition language, measurement
//! phases, metric and run assessment, the measurement schedule (SEMANTICS.md §2, §3).
//!
//! Depends on `model` (and on `promql` only through the result shapes it is given).

pub mod condition;
pub mod phase;

pub use phase::{Phase, ResultValue};
