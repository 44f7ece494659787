//! The inputs of the AnalysisRun machinery: a metric as templated (`Metric`), the same metric
//! parsed and defaulted (`MetricSpec`), a measurement's outcome, and `EffectiveCount`
//! (SEMANTICS.md §1.2, §6.2).
//!
//! Depends on `model::time` and `analysis::phase` only: the manifest loader and the condition
//! evaluator are wired in by the simulator, which converts their output into these types.

use crate::analysis::Phase;
use crate::model::Duration;

/// Argo's `DefaultConsecutiveErrorLimit`: the fifth consecutive Error makes the metric Error.
pub const DEFAULT_CONSECUTIVE_ERROR_LIMIT: i64 = 4;

/// Argo's `DefaultErrorRetryInterval`: an Error measurement is retried after 10 s, whatever
/// the metric's interval.
pub const ERROR_RETRY_INTERVAL: Duration = Duration::from_secs(10);

/// Argo's `DefaultMeasurementHistoryLimit`: measurements kept per metric in the status.
pub const DEFAULT_MEASUREMENT_RETENTION: usize = 10;

/// A `Metric` after argument substitution, as the controller validates it (§2.9): durations
/// are still Go duration strings, int-or-string fields are already integers (a non-numeric
/// string is 0, as Go's `IntValue()`), and unset fields are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metric {
    pub name: String,
    /// Go duration string (`5m`, `1.5h`); `None` or `""` means no recurrence.
    pub interval: Option<String>,
    /// Go duration string; `None` or `""` means measure at run start.
    pub initial_delay: Option<String>,
    pub count: Option<i64>,
    pub failure_limit: Option<i64>,
    pub inconclusive_limit: Option<i64>,
    pub consecutive_error_limit: Option<i64>,
    pub consecutive_success_limit: Option<i64>,
    /// Number of providers set on the metric (exactly one is valid).
    pub provider_count: usize,
}

impl Metric {
    /// A metric with the given name, one provider and every other field unset.
    pub fn named(name: &str) -> Self {
        Metric {
            name: name.to_string(),
            provider_count: 1,
            ..Metric::default()
        }
    }
}

/// A validated metric with its defaults applied: what every decision function reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricSpec {
    pub name: String,
    /// `None`: no recurrence (a single measurement unless retrying an Error).
    pub interval: Option<Duration>,
    /// `None`: the first measurement is due at run start.
    pub initial_delay: Option<Duration>,
    /// The `count` field as written; see [`effective_count`].
    pub count: Option<i64>,
    /// Default 0; `-1` disables the failure check (only valid with a consecutive success limit).
    pub failure_limit: i64,
    /// Default 0.
    pub inconclusive_limit: i64,
    /// Default [`DEFAULT_CONSECUTIVE_ERROR_LIMIT`].
    pub consecutive_error_limit: i64,
    /// Default 0 (disabled).
    pub consecutive_success_limit: i64,
    /// Matched by a `dryRun` rule: never fails the run, never terminates it.
    pub dry_run: bool,
}

impl MetricSpec {
    /// A metric with Argo's defaults: one measurement, failureLimit 0, inconclusiveLimit 0,
    /// consecutiveErrorLimit 4, no consecutiveSuccessLimit, not dry-run.
    pub fn named(name: &str) -> Self {
        MetricSpec {
            name: name.to_string(),
            interval: None,
            initial_delay: None,
            count: None,
            failure_limit: 0,
            inconclusive_limit: 0,
            consecutive_error_limit: DEFAULT_CONSECUTIVE_ERROR_LIMIT,
            consecutive_success_limit: 0,
            dry_run: false,
        }
    }

    /// The number of non-error measurements after which the metric stops (§1.2).
    pub fn effective_count(&self) -> Option<i64> {
        effective_count(self.count, self.interval)
    }
}

/// What a measurement produced, as decided by the condition evaluator (§2.4, §2.5): its phase,
/// Argo's `value` string and its `message` (empty unless Error).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MeasurementOutcome {
    pub phase: Phase,
    pub value: String,
    pub message: String,
}

/// Argo's `Metric.EffectiveCount()` (§1.2 table): an unset or zero count means one measurement
/// without an interval and "indefinite" (`None`) with one; any other count, even negative, is
/// kept as is (a negative count behaves as already reached after the first measurement).
pub fn effective_count(count: Option<i64>, interval: Option<Duration>) -> Option<i64> {
    match (count, interval) {
        (None | Some(0), None) => Some(1),
        (None | Some(0), Some(_)) => None,
        (Some(n), _) => Some(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_count_table() {
        let five_min = Some(Duration::from_secs(300));
        // (count, interval, expected): SEMANTICS §1.2 EffectiveCount table.
        let cases = [
            // unset count, no interval: a single measurement
            (None, None, Some(1)),
            // count 0 (also "0" and non-numeric strings, which parse to 0), no interval
            (Some(0), None, Some(1)),
            // unset count with an interval: indefinite
            (None, five_min, None),
            // count 0 with an interval: indefinite
            (Some(0), five_min, None),
            // N != 0: N, with or without an interval
            (Some(3), five_min, Some(3)),
            (Some(1), None, Some(1)),
            // negative N is kept ([C]: "already reached" after the first measurement)
            (Some(-1), five_min, Some(-1)),
        ];
        for (count, interval, want) in cases {
            assert_eq!(
                effective_count(count, interval),
                want,
                "{count:?} {interval:?}"
            );
        }
    }

    #[test]
    fn defaults_follow_argo() {
        // SEMANTICS §6.2 defaults.
        let m = MetricSpec::named("m");
        assert_eq!(m.failure_limit, 0);
        assert_eq!(m.inconclusive_limit, 0);
        assert_eq!(m.consecutive_error_limit, 4);
        assert_eq!(m.consecutive_success_limit, 0);
        assert_eq!(m.effective_count(), Some(1));
    }
}
