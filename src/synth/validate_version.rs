//! Checks of one version's block and of the canary's regressions, each error naming its
//! field (`canary.regressions[0].over`).
//!
//! Depends on `config`, `latency` (a latency pair must be fittable) and `validate`'s helpers.

use super::config::{Regression, Shape, VersionConfig};
use super::latency::LatencyModel;
use super::validate::{Check, err, non_negative, ratio};

fn validate_statuses(field: &str, v: &VersionConfig) -> Check {
    let mut sum = v.error_ratio.unwrap_or(0.0);
    if let Some(e) = v.error_ratio {
        ratio(&format!("{field}.error_ratio"), e)?;
    }
    for (code, r) in &v.statuses {
        let f = format!("{field}.statuses.{code}");
        if !(code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())) {
            return Err(err(f, "status must be a three-digit code"));
        }
        ratio(&f, *r)?;
        sum += r;
    }
    if sum > 1.0 + 1e-9 {
        return Err(err(field, format!("status ratios add up to {sum} > 1")));
    }
    Ok(())
}

pub(super) fn validate_version(field: &str, v: &VersionConfig) -> Check {
    validate_statuses(field, v)?;
    LatencyModel::fit(v.latency.p50, v.latency.p99, v.latency.distribution)
        .map_err(|m| err(format!("{field}.latency"), m))?;
    if v.replicas.is_some_and(|r| r > 1000) {
        return Err(err(format!("{field}.replicas"), "must be at most 1000"));
    }
    if let Some(m) = v.memory_bytes {
        non_negative(&format!("{field}.memory_bytes"), m)?;
    }
    for (name, val) in [
        ("pod_template_hash", &v.pod_template_hash),
        ("version", &v.version),
    ] {
        if val.as_ref().is_some_and(|s| s.is_empty()) {
            return Err(err(format!("{field}.{name}"), "must not be empty"));
        }
    }
    Ok(())
}

pub(super) fn validate_regression(field: &str, r: &Regression, canary: &VersionConfig) -> Check {
    match (r.at, r.step) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(err(
                field,
                "give exactly one of `at` (offset) and `step` (index)",
            ));
        }
        (Some(at), None) if at.millis() < 0 => {
            return Err(err(format!("{field}.at"), "must not be negative"));
        }
        _ => {}
    }
    match r.shape {
        Shape::Ramp if r.over.is_none_or(|o| o.millis() <= 0) => {
            return Err(err(
                format!("{field}.over"),
                "a ramp needs a positive `over`",
            ));
        }
        Shape::Spike if r.length.is_none() => {
            return Err(err(format!("{field}.for"), "a spike needs `for`"));
        }
        _ => {}
    }
    if r.length.is_some_and(|l| l.millis() <= 0) {
        return Err(err(format!("{field}.for"), "must be positive"));
    }
    let merged = VersionConfig {
        error_ratio: r.error_ratio.or(canary.error_ratio),
        statuses: if r.statuses.is_empty() {
            canary.statuses.clone()
        } else {
            r.statuses.clone()
        },
        ..VersionConfig::default()
    };
    validate_statuses(field, &merged)?;
    if let Some(f) = r.latency_factor
        && !(f.is_finite() && f > 0.0 && f <= 1000.0)
    {
        return Err(err(
            format!("{field}.latency_factor"),
            "must be in (0, 1000]",
        ));
    }
    let lat = &canary.latency;
    let p50 = r.p50.unwrap_or(lat.p50);
    let p99 = r.p99.unwrap_or(lat.p99);
    LatencyModel::fit(p50, p99, lat.distribution).map_err(|m| err(format!("{field}.p99"), m))?;
    if let Some(m) = r.memory_growth {
        non_negative(&format!("{field}.memory_growth"), m)?;
    }
    if r.crash_every.is_some_and(|c| c.millis() < 1000) {
        return Err(err(format!("{field}.crash_every"), "must be at least 1s"));
    }
    let any = r.error_ratio.is_some()
        || !r.statuses.is_empty()
        || r.p50.is_some()
        || r.p99.is_some()
        || r.latency_factor.is_some()
        || r.memory_growth.is_some()
        || r.crash_every.is_some();
    if !any {
        return Err(err(
            field,
            "has no effect: set error_ratio, statuses, p50/p99, latency_factor, memory_growth or crash_every",
        ));
    }
    Ok(())
}
