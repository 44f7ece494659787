//! One measurement of a rendered metric against recorded data: the PromQL query evaluated
//! as Prometheus would answer Argo's instant query, shaped into `result` (SEMANTICS.md
//! §2.5) and judged by the metric's conditions (§2.4).

use crate::analysis::condition::measurement_phase;
use crate::analysis::{self, MeasurementOutcome, Phase, ResultValue};
use crate::manifest::{self, Provider};
use crate::model::{Store, Timestamp};
use crate::promql::{Engine, QueryTiming, Value};

/// A measurement with what produced it, for the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub outcome: MeasurementOutcome,
    /// The query after argument substitution, when the provider is Prometheus.
    pub query: Option<String>,
    /// The value `result` was bound to (absent after a query error).
    pub result: Option<ResultValue>,
}

/// Evaluates metrics against one store.
pub struct Measurer<'a> {
    pub engine: &'a Engine,
    pub store: &'a Store,
}

impl Measurer<'_> {
    /// Takes one measurement of `metric` (arguments already substituted) at `at`.
    pub fn measure(&self, metric: &manifest::Metric, at: Timestamp) -> Measured {
        match &metric.provider {
            Provider::Prometheus(p) => self.prometheus(metric, p, at),
            Provider::Other { name, .. } => Measured {
                outcome: error(format!(
                    "rollsim cannot evaluate the {name} provider offline (only prometheus metrics replay recorded data)"
                )),
                query: None,
                result: None,
            },
            Provider::None => Measured {
                outcome: error("no provider specified".into()),
                query: None,
                result: None,
            },
            Provider::Multiple(_) => Measured {
                outcome: error("multiple providers specified".into()),
                query: None,
                result: None,
            },
        }
    }

    fn prometheus(
        &self,
        metric: &manifest::Metric,
        p: &manifest::Prometheus,
        at: Timestamp,
    ) -> Measured {
        let query = Some(p.query.clone());
        if p.range_query.is_some() {
            return Measured {
                outcome: error(
                    "rangeQuery is not supported offline yet; use an instant query".into(),
                ),
                query,
                result: None,
            };
        }
        if p.timeout.is_some_and(|t| t < 0) {
            return Measured {
                outcome: error("prometheus timeout should not be negative".into()),
                query,
                result: None,
            };
        }
        let result = match self.engine.parse_shared(&p.query, QueryTiming::default()) {
            Ok(expr) => match self.engine.instant_expr(self.store, &expr, at) {
                Ok(r) => shape(r.value),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        match result {
            Err(message) => Measured {
                outcome: error(message),
                query,
                result: None,
            },
            Ok(result) => {
                let success = metric.success_condition.as_deref().unwrap_or("");
                let failure = metric.failure_condition.as_deref().unwrap_or("");
                let (phase, message) = measurement_phase(success, failure, Some(&result));
                let value = result.measurement_value();
                Measured {
                    outcome: MeasurementOutcome {
                        phase,
                        value,
                        message,
                    },
                    query,
                    result: Some(result),
                }
            }
        }
    }
}

/// Argo's shaping of a Prometheus response (SEMANTICS.md §2.5): a scalar is one float, a
/// vector a list of floats in response order (labels dropped); anything else is unsupported.
pub fn shape(value: Value) -> Result<ResultValue, String> {
    match value {
        Value::Scalar { v, .. } => Ok(ResultValue::Scalar(v)),
        Value::Vector(samples) => Ok(ResultValue::List(
            samples.into_iter().map(|s| s.v).collect(),
        )),
        Value::Matrix(_) | Value::String { .. } => {
            Err("Prometheus metric type not supported".into())
        }
    }
}

fn error(message: String) -> MeasurementOutcome {
    MeasurementOutcome {
        phase: Phase::Error,
        value: String::new(),
        message,
    }
}

/// The fields of a rendered manifest metric that the AnalysisRun state machine needs.
pub fn run_metric(m: &manifest::Metric) -> analysis::Metric {
    let int = |v: &Option<manifest::IntOrString>| v.as_ref().map(|i| i.int_value());
    analysis::Metric {
        name: m.name.clone(),
        interval: m.interval.clone(),
        initial_delay: m.initial_delay.clone(),
        count: int(&m.count),
        failure_limit: int(&m.failure_limit),
        inconclusive_limit: int(&m.inconclusive_limit),
        consecutive_error_limit: int(&m.consecutive_error_limit),
        consecutive_success_limit: int(&m.consecutive_success_limit),
        provider_count: match &m.provider {
            Provider::None => 0,
            Provider::Multiple(names) => names.len(),
            _ => 1,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        crate::promql::testdata::requests_store()
    }

    fn metric(query: &str, success: &str) -> manifest::Metric {
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {{name: t}}\nspec:\n  metrics:\n  - name: m\n    successCondition: {success:?}\n    provider:\n      prometheus:\n        query: {query:?}\n"
        );
        let m = manifest::load_str(&text, "t.yaml").unwrap();
        m.analysis_templates[0].spec.metrics[0].clone()
    }

    #[test]
    fn shapes_results_and_judges_conditions() {
        let (engine, store) = (Engine::default(), store());
        let m = Measurer {
            engine: &engine,
            store: &store,
        };
        let at = Timestamp(600_000);
        let q = "100 * sum(rate(http_requests_total{status!~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))";
        let ok = m.measure(&metric(q, "result[0] >= 98"), at);
        assert_eq!(ok.outcome.phase, Phase::Successful, "{ok:?}");
        assert_eq!(ok.outcome.value, "[99.00000000000001]");
        let failed = m.measure(&metric(q, "result[0] >= 99.5"), at);
        assert_eq!(failed.outcome.phase, Phase::Failed);
        // An empty vector makes `result[0]` an Error, not a Failure.
        let empty = m.measure(&metric("nothing_here", "result[0] >= 1"), at);
        assert_eq!(empty.outcome.phase, Phase::Error);
        assert_eq!(empty.outcome.value, "[]");
        let scalar = m.measure(
            &metric("scalar(sum(http_requests_total))", "result > 1"),
            at,
        );
        assert_eq!(scalar.outcome.phase, Phase::Successful);
        let bad = m.measure(&metric("sum(", "result > 1"), at);
        assert_eq!(bad.outcome.phase, Phase::Error);
        assert!(bad.outcome.message.contains("parse error"), "{bad:?}");
        let matrix = m.measure(&metric("http_requests_total[1m]", "true"), at);
        assert_eq!(
            matrix.outcome.message,
            "Prometheus metric type not supported"
        );
    }
}
