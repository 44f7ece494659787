//! Analysis phases and the value a condition sees as `result`.

use std::fmt;

/// Phase of a measurement, a metric or an AnalysisRun (Argo's `AnalysisPhase`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Phase {
    Pending,
    Running,
    Successful,
    Failed,
    Error,
    Inconclusive,
}

impl Phase {
    /// Successful, Failed, Error and Inconclusive are completed phases.
    pub fn is_completed(self) -> bool {
        matches!(
            self,
            Phase::Successful | Phase::Failed | Phase::Error | Phase::Inconclusive
        )
    }

    /// Rank for "worst phase" (SEMANTICS.md §2.7, TestIsWorst):
    /// `Successful < Running < Pending < Inconclusive < Error < Failed`.
    pub fn severity(self) -> u8 {
        match self {
            Phase::Successful => 0,
            Phase::Running => 1,
            Phase::Pending => 2,
            Phase::Inconclusive => 3,
            Phase::Error => 4,
            Phase::Failed => 5,
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Pending => "Pending",
            Phase::Running => "Running",
            Phase::Successful => "Successful",
            Phase::Failed => "Failed",
            Phase::Error => "Error",
            Phase::Inconclusive => "Inconclusive",
        })
    }
}

/// What a condition sees as `result` for a Prometheus measurement (SEMANTICS.md §2.5):
/// a scalar response is one float; an instant vector is a list of floats (labels dropped,
/// response order); a range query is one flat list of every sample, series after series.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultValue {
    Scalar(f64),
    List(Vec<f64>),
}

impl ResultValue {
    /// The measurement's `value` string: shortest exact float without exponent for a
    /// scalar (`0.95`, `NaN`, `+Inf`), `[v1,v2]` for a list (`[]` when empty).
    pub fn measurement_value(&self) -> String {
        fn go(v: f64) -> String {
            crate::promql::format::go_f(v)
        }
        match self {
            ResultValue::Scalar(v) => go(*v),
            ResultValue::List(vs) => {
                let parts: Vec<String> = vs.iter().map(|v| go(*v)).collect();
                format!("[{}]", parts.join(","))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_phase_order() {
        let mut all = [
            Phase::Failed,
            Phase::Successful,
            Phase::Error,
            Phase::Pending,
            Phase::Inconclusive,
            Phase::Running,
        ];
        all.sort_by_key(|p| p.severity());
        assert_eq!(
            all,
            [
                Phase::Successful,
                Phase::Running,
                Phase::Pending,
                Phase::Inconclusive,
                Phase::Error,
                Phase::Failed
            ]
        );
    }

    #[test]
    fn measurement_values() {
        assert_eq!(ResultValue::Scalar(0.95).measurement_value(), "0.95");
        assert_eq!(
            ResultValue::Scalar(f64::INFINITY).measurement_value(),
            "+Inf"
        );
        assert_eq!(ResultValue::List(vec![]).measurement_value(), "[]");
        assert_eq!(
            ResultValue::List(vec![11.0, 12.5]).measurement_value(),
            "[11,12.5]"
        );
    }
}
