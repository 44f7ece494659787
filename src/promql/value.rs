//! Query results as Prometheus defines them: Scalar, String, Vector, Matrix.

use crate::model::Labels;

/// One sample of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    /// Milliseconds.
    pub t: i64,
    pub v: f64,
}

/// One series of a range vector or range-query result; points sorted by time.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeSeries {
    pub labels: Labels,
    /// (milliseconds, value)
    pub points: Vec<(i64, f64)>,
}

/// A query's value, as returned by the Prometheus HTTP API.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar { t: i64, v: f64 },
    String { t: i64, s: String },
    Vector(Vec<Sample>),
    Matrix(Vec<RangeSeries>),
}

impl Value {
    /// The API's `resultType`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Scalar { .. } => "scalar",
            Value::String { .. } => "string",
            Value::Vector(_) => "vector",
            Value::Matrix(_) => "matrix",
        }
    }
}

/// A query result with its non-fatal annotations (Prometheus "warnings" and "infos").
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    pub value: Value,
    /// Full texts, e.g. `PromQL warning: ...`.
    pub warnings: Vec<String>,
    /// Full texts, e.g. `PromQL info: metric might not be a counter, ...`.
    pub infos: Vec<String>,
}
