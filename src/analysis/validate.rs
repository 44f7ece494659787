//! Controller-side validation of an AnalysisRun spec (SEMANTICS.md §2.2 step 2, §2.9): the
//! metric rules, and `dryRun` / `measurementRetention` rules matched as unanchored regexes.
//!
//! Depends on `analysis::spec` and `analysis::go_duration`. Messages are Argo's, without the
//! `Analysis spec invalid: ` prefix, which the run adds.

use regex::Regex;

use crate::analysis::go_duration::parse_go_duration;
use crate::analysis::spec::{DEFAULT_CONSECUTIVE_ERROR_LIMIT, Metric, MetricSpec};

/// A `measurementRetention` rule: metrics whose name the regex matches keep `limit`
/// measurements (when > 0) instead of the default 10.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasurementRetention {
    pub metric_name: String,
    pub limit: i64,
}

/// Mirrors Argo's `ValidateMetrics`: the first failing rule, in Argo's order, as
/// `metrics[i]: <reason>` (or `no metrics specified`); on success the parsed specs, with
/// `dry_run` false (see [`validate_dry_run`]).
pub fn validate_metrics(metrics: &[Metric]) -> Result<Vec<MetricSpec>, String> {
    if metrics.is_empty() {
        return Err("no metrics specified".to_string());
    }
    let mut specs: Vec<MetricSpec> = Vec::with_capacity(metrics.len());
    for (i, metric) in metrics.iter().enumerate() {
        if specs.iter().any(|s| s.name == metric.name) {
            return Err(format!("metrics[{i}]: duplicate name '{}'", metric.name));
        }
        let spec = validate_metric(metric).map_err(|e| format!("metrics[{i}]: {e}"))?;
        specs.push(spec);
    }
    Ok(specs)
}

/// Mirrors Argo's `ValidateMetric` for one metric, in Argo's rule order.
fn validate_metric(m: &Metric) -> Result<MetricSpec, String> {
    let count = m.count.unwrap_or(0);
    let failure_limit = m.failure_limit.unwrap_or(0);
    let inconclusive_limit = m.inconclusive_limit.unwrap_or(0);
    let consecutive_error_limit = m
        .consecutive_error_limit
        .unwrap_or(DEFAULT_CONSECUTIVE_ERROR_LIMIT);
    let csl = m.consecutive_success_limit.unwrap_or(0);
    if csl < 0 {
        return Err("consecutiveSuccessLimit must be >= 0".into());
    }
    if failure_limit < -1 {
        return Err("failureLimit must be >= 0, or -1 to be disabled".into());
    }
    if csl == 0 && failure_limit == -1 {
        return Err("failureLimit and consecutiveSuccessLimit cannot both be disabled".into());
    }
    if inconclusive_limit < 0 {
        return Err("inconclusiveLimit must be >= 0".into());
    }
    if consecutive_error_limit < 0 {
        return Err("consecutiveErrorLimit must be >= 0".into());
    }
    if count > 0 {
        if csl >= 0 && failure_limit >= 0 && count < failure_limit + csl {
            return Err(format!(
                "count ({count}) must be >= failureLimit + consecutiveSuccessLimit ({failure_limit} + {csl}) if both >= 0"
            ));
        }
        if failure_limit < 0 && count < csl {
            return Err("count must be >= consecutiveSuccessLimit".into());
        }
        if count < inconclusive_limit {
            return Err("count must be >= inconclusiveLimit".into());
        }
    }
    let interval = non_empty(&m.interval);
    if count > 1 && interval.is_none() {
        return Err("interval must be specified when count > 1".into());
    }
    let interval = interval
        .map(parse_go_duration)
        .transpose()
        .map_err(|e| format!("invalid interval string: {e}"))?;
    let initial_delay = non_empty(&m.initial_delay)
        .map(parse_go_duration)
        .transpose()
        .map_err(|e| format!("invalid startDelay string: {e}"))?;
    match m.provider_count {
        0 => return Err("no provider specified".into()),
        1 => {}
        _ => return Err("multiple providers specified".into()),
    }
    Ok(MetricSpec {
        name: m.name.clone(),
        interval,
        initial_delay,
        count: m.count,
        failure_limit,
        inconclusive_limit,
        consecutive_error_limit,
        consecutive_success_limit: csl,
        dry_run: false,
    })
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// Go's `regexp.MatchString(pattern, name)`: unanchored; a pattern that does not compile
/// (`*`) matches nothing (SEMANTICS §9 item 5).
fn rule_matches(pattern: &str, name: &str) -> bool {
    Regex::new(pattern).is_ok_and(|re| re.is_match(name))
}

/// Mirrors Argo's `GetDryRunMetrics`: for each metric (in `names` order), whether a `dryRun`
/// rule matches it; a rule matching no metric gives `dryRun[i]: Rule didn't match any metric
/// name(s)`.
pub fn validate_dry_run(rules: &[String], names: &[&str]) -> Result<Vec<bool>, String> {
    let mut dry_run = vec![false; names.len()];
    for (i, rule) in rules.iter().enumerate() {
        let mut matched = false;
        for (j, name) in names.iter().enumerate() {
            if rule_matches(rule, name) {
                dry_run[j] = true;
                matched = true;
            }
        }
        if !matched {
            return Err(format!("dryRun[{i}]: Rule didn't match any metric name(s)"));
        }
    }
    Ok(dry_run)
}

/// Mirrors Argo's `GetMeasurementRetentionMetrics`: for each metric, the retention limit of
/// the last rule matching it (`None` when no rule matches); a rule matching no metric gives
/// `measurementRetention[i]: Rule didn't match any metric name(s)`.
pub fn validate_measurement_retention(
    rules: &[MeasurementRetention],
    names: &[&str],
) -> Result<Vec<Option<i64>>, String> {
    let mut limits = vec![None; names.len()];
    for (i, rule) in rules.iter().enumerate() {
        let mut matched = false;
        for (j, name) in names.iter().enumerate() {
            if rule_matches(&rule.metric_name, name) {
                limits[j] = Some(rule.limit);
                matched = true;
            }
        }
        if !matched {
            return Err(format!(
                "measurementRetention[{i}]: Rule didn't match any metric name(s)"
            ));
        }
    }
    Ok(limits)
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
