//! The PromQL evaluator over the in-memory store.
//!
//! Parsing is done by the `promql-parser` crate; evaluation follows Prometheus's engine:
//! every node is evaluated over all steps at once, values are Scalar / String / Vector /
//! Matrix, non-fatal annotations are returned beside the result. Depends on `model`.

pub mod api_json;
pub mod value;

pub use value::{QueryResult, RangeSeries, Sample, Value};

use crate::model::{Duration, Store, Timestamp};

/// Which Prometheus major version's semantics to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compat {
    /// Prometheus 2.x: closed range selectors `[t-d, t]`, lookback `[t-5m, t]`, `holt_winters`.
    V2,
    /// Prometheus 3.x (default): left-open `(t-d, t]`, `double_exponential_smoothing`.
    #[default]
    V3,
}

/// Engine settings (Prometheus flags of the same names).
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub compat: Compat,
    /// `--query.lookback-delta`, default 5m.
    pub lookback_delta: Duration,
    /// `--query.max-samples`; 0 means unlimited.
    pub max_samples: usize,
    /// Accept experimental functions (`--enable-feature=promql-experimental-functions`).
    pub experimental_functions: bool,
    /// Keep `__name__` until a function or operator result is final
    /// (`--enable-feature=promql-delayed-name-removal`).
    pub delayed_name_removal: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            compat: Compat::V3,
            lookback_delta: Duration::from_secs(300),
            max_samples: 50_000_000,
            experimental_functions: true,
            delayed_name_removal: false,
        }
    }
}

/// A query failure: Prometheus-style text (`parse error: ...`, `execution: ...`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    #[error("{0}")]
    Parse(String),
    #[error("{0}")]
    Execution(String),
}

/// Evaluates queries over one store.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub options: EngineOptions,
}

impl Engine {
    pub fn new(options: EngineOptions) -> Self {
        Engine { options }
    }

    /// Evaluates `query` at one instant.
    pub fn instant_query(
        &self,
        _store: &Store,
        _query: &str,
        _t: Timestamp,
    ) -> Result<QueryResult, QueryError> {
        Err(QueryError::Execution("not implemented".into()))
    }

    /// Evaluates `query` at `start, start+step, ..., end` (inclusive); the result is a Matrix.
    pub fn range_query(
        &self,
        _store: &Store,
        _query: &str,
        _start: Timestamp,
        _end: Timestamp,
        _step: Duration,
    ) -> Result<QueryResult, QueryError> {
        Err(QueryError::Execution("not implemented".into()))
    }
}
