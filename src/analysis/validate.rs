//! Controller-side validation of an AnalysisRun spec (SEMANTICS.md §2.2 step 2, §2.9): the
//! metric rules, and `dryRun` / `measurementRetention` rules matched as unanchored regexes.
//!
//! Depends on `analysis::spec` and `model::go_duration`. Messages are Argo's, without the
//! `Analysis spec invalid: ` prefix, which the run adds.

use regex::Regex;

use crate::analysis::spec::{DEFAULT_CONSECUTIVE_ERROR_LIMIT, Metric, MetricSpec};
use crate::model::go_duration::parse_go_duration_ms as parse_go_duration;

/// A `measurementRetention` rule: metrics whose name the regex matches keep `limit`
/// measurements (when > 0) instead of the default 10.
pub use crate::manifest::MeasurementRetention;

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
    let interval = non_empty(&m.interval);
    let spec = MetricSpec {
        name: m.name.clone(),
        interval: None,
        initial_delay: None,
        count: m.count,
        failure_limit: m.failure_limit.unwrap_or(0),
        inconclusive_limit: m.inconclusive_limit.unwrap_or(0),
        consecutive_error_limit: m
            .consecutive_error_limit
            .unwrap_or(DEFAULT_CONSECUTIVE_ERROR_LIMIT),
        consecutive_success_limit: m.consecutive_success_limit.unwrap_or(0),
        dry_run: false,
    };
    check_limits(&spec, interval.is_some())?;
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
        interval,
        initial_delay,
        ..spec
    })
}

/// The count and limit rules of `ValidateMetric` (§2.9), up to "interval must be specified".
fn check_limits(s: &MetricSpec, has_interval: bool) -> Result<(), String> {
    let count = s.count.unwrap_or(0);
    let (failure_limit, csl) = (s.failure_limit, s.consecutive_success_limit);
    if csl < 0 {
        return Err("consecutiveSuccessLimit must be >= 0".into());
    }
    if failure_limit < -1 {
        return Err("failureLimit must be >= 0, or -1 to be disabled".into());
    }
    if csl == 0 && failure_limit == -1 {
        return Err("failureLimit and consecutiveSuccessLimit cannot both be disabled".into());
    }
    if s.inconclusive_limit < 0 {
        return Err("inconclusiveLimit must be >= 0".into());
    }
    if s.consecutive_error_limit < 0 {
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
        if count < s.inconclusive_limit {
            return Err("count must be >= inconclusiveLimit".into());
        }
    }
    if count > 1 && !has_interval {
        return Err("interval must be specified when count > 1".into());
    }
    Ok(())
}

/// [`validate_metrics`] for metrics already parsed (durations cannot be invalid, exactly one
/// provider is assumed): `no metrics specified`, duplicate names, and the count and limit rules.
pub fn validate_specs(specs: &[MetricSpec]) -> Result<(), String> {
    if specs.is_empty() {
        return Err("no metrics specified".to_string());
    }
    for (i, spec) in specs.iter().enumerate() {
        if specs[..i].iter().any(|s| s.name == spec.name) {
            return Err(format!("metrics[{i}]: duplicate name '{}'", spec.name));
        }
        check_limits(spec, spec.interval.is_some()).map_err(|e| format!("metrics[{i}]: {e}"))?;
    }
    Ok(())
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
