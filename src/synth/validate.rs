//! Semantic checks of a `WorldConfig`: every error names the field (`canary.regression.over`)
//! so a scenario author can fix it; nothing here panics, whatever the numbers.
//!
//! Depends on `config` and `latency` (a latency pair must be fittable).

use super::ConfigError;
use super::config::{CANARY_IDENTITY, Router, STABLE_IDENTITY, WorldConfig};
use super::validate_version::{validate_regression, validate_version};
use crate::model::Duration;

pub(super) type Check = Result<(), ConfigError>;

const MAX_WARMUP: i64 = 30 * 86_400_000;
const MAX_TIME: i64 = 1_000_000_000_000_000;
/// Offsets and lengths beyond ten years are surely mistakes, and keep time arithmetic far
/// from overflow.
const MAX_SPAN: i64 = 3650 * 86_400_000;

pub(super) fn err(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        field: field.into(),
        message: message.into(),
    }
}

pub(super) fn ratio(field: &str, v: f64) -> Check {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(err(field, format!("must be a ratio in [0, 1], got {v}")))
    }
}

pub(super) fn non_negative(field: &str, v: f64) -> Check {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(err(field, format!("must be a finite number ≥ 0, got {v}")))
    }
}

impl WorldConfig {
    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Check {
        if self.scrape_interval.millis() < 1000 {
            return Err(err("scrape_interval", "must be at least 1s"));
        }
        let j = self.scrape_jitter.millis();
        if j < 0 || 2 * j >= self.scrape_interval.millis() {
            return Err(err(
                "scrape_jitter",
                "must be ≥ 0 and below scrape_interval / 2",
            ));
        }
        ratio("missed_scrapes", self.missed_scrapes)?;
        if self.missed_scrapes >= 1.0 {
            return Err(err(
                "missed_scrapes",
                "must be below 1: no scrape would succeed",
            ));
        }
        if !(0..=MAX_WARMUP).contains(&self.warmup.millis()) {
            return Err(err("warmup", "must be 0 to 30d"));
        }
        if self.start.millis().abs() > MAX_TIME {
            return Err(err("start", "must lie within ±30,000 years of 1970"));
        }
        if self.scrape_interval.millis() > 3_600_000 {
            return Err(err("scrape_interval", "must be at most 1h"));
        }
        self.validate_spans()?;
        self.validate_traffic()?;
        validate_version("stable", &self.stable)?;
        validate_version("canary", &self.canary)?;
        if self.stable.identity(STABLE_IDENTITY) == self.canary.identity(CANARY_IDENTITY) {
            return Err(err(
                "canary.pod_template_hash",
                "stable and canary need a different pod_template_hash or version label",
            ));
        }
        if self.stable.all_regressions().next().is_some() {
            return Err(err("stable.regression", "only the canary regresses"));
        }
        for (i, r) in self.canary.all_regressions().enumerate() {
            validate_regression(&format!("canary.regressions[{i}]"), r, &self.canary)?;
        }
        self.validate_routing()?;
        self.validate_metrics()
    }

    fn validate_spans(&self) -> Check {
        let mut spans: Vec<(String, Option<Duration>)> = Vec::new();
        for (i, b) in self.traffic.bursts.iter().enumerate() {
            spans.push((format!("traffic.bursts[{i}].at"), Some(b.at)));
            spans.push((format!("traffic.bursts[{i}].for"), Some(b.length)));
        }
        for (i, q) in self.traffic.quiet.iter().enumerate() {
            spans.push((format!("traffic.quiet[{i}].at"), Some(q.at)));
            spans.push((format!("traffic.quiet[{i}].for"), Some(q.length)));
        }
        for (i, r) in self.canary.all_regressions().enumerate() {
            let f = format!("canary.regressions[{i}]");
            spans.push((format!("{f}.at"), r.at));
            spans.push((format!("{f}.over"), r.over));
            spans.push((format!("{f}.for"), r.length));
            spans.push((format!("{f}.crash_every"), r.crash_every));
        }
        let r = &self.routing;
        spans.push(("routing.session_lifetime".into(), Some(r.session_lifetime)));
        spans.push(("routing.weight_delay".into(), r.weight_delay));
        spans.push(("routing.alb_verify_delay".into(), r.alb_verify_delay));
        for (field, d) in spans {
            if d.is_some_and(|d| d.millis() > MAX_SPAN) {
                return Err(err(field, "must be at most 3650d"));
            }
        }
        Ok(())
    }

    fn validate_traffic(&self) -> Check {
        let t = &self.traffic;
        non_negative("traffic.rps", t.rps)?;
        if t.rps > 1e7 {
            return Err(err("traffic.rps", "must be at most 1e7"));
        }
        ratio("traffic.diurnal", t.diurnal)?;
        if !t.drift.is_finite() || t.drift.abs() > 10.0 {
            return Err(err(
                "traffic.drift",
                "must be a relative change per hour in [-10, 10]",
            ));
        }
        for (i, b) in t.bursts.iter().enumerate() {
            non_negative(&format!("traffic.bursts[{i}].factor"), b.factor)?;
            if b.factor > 1000.0 {
                return Err(err(
                    format!("traffic.bursts[{i}].factor"),
                    "must be at most 1000",
                ));
            }
        }
        for (i, q) in t.quiet.iter().enumerate() {
            non_negative(&format!("traffic.quiet[{i}].rps"), q.rps)?;
        }
        Ok(())
    }

    fn validate_routing(&self) -> Check {
        let r = &self.routing;
        ratio("routing.sticky_sessions", r.sticky_sessions)?;
        ratio("routing.cache_hit_ratio", r.cache_hit_ratio)?;
        ratio("routing.internal_share", r.internal_share)?;
        non_negative("routing.internal_error_factor", r.internal_error_factor)?;
        if matches!(r.router, Router::Istio | Router::Smi) && r.sticky_sessions > 0.0 {
            return Err(err(
                "routing.sticky_sessions",
                "istio and smi never pin a client to a version (TRAFFIC.md §3.3, §3.4)",
            ));
        }
        if r.internal_service == Some(super::config::InternalService::Mesh)
            && !matches!(r.router, Router::Istio | Router::Smi)
        {
            return Err(err(
                "routing.internal_service",
                "`mesh` needs router istio or smi",
            ));
        }
        if r.session_lifetime.millis() <= 0 {
            return Err(err("routing.session_lifetime", "must be positive"));
        }
        if !(1..=100).contains(&r.weight_granularity) {
            return Err(err("routing.weight_granularity", "must be 1..=100 percent"));
        }
        if r.weight_delay.is_some_and(|d| d.millis() < 0) {
            return Err(err("routing.weight_delay", "must not be negative"));
        }
        if r.alb_verify_delay.is_some() && r.router != Router::Alb {
            return Err(err(
                "routing.alb_verify_delay",
                "only applies to router alb",
            ));
        }
        if !(r.requests_per_session.is_finite() && r.requests_per_session >= 1.0) {
            return Err(err("routing.requests_per_session", "must be ≥ 1"));
        }
        Ok(())
    }

    fn validate_metrics(&self) -> Check {
        let m = &self.metrics;
        for (field, name) in [
            ("metrics.requests", &m.requests),
            ("metrics.duration", &m.duration),
            ("metrics.restarts", &m.restarts),
            ("metrics.memory", &m.memory),
        ] {
            if !valid_name(name, true) {
                return Err(err(field, format!("{name:?} is not a valid metric name")));
            }
        }
        if !valid_name(&m.hash_label, false) {
            return Err(err("metrics.hash_label", "not a valid label name"));
        }
        for k in m.labels.keys() {
            let reserved = [
                "service",
                "pod",
                "version",
                "status",
                "le",
                "container",
                "__name__",
            ];
            if !valid_name(k, false) || reserved.contains(&k.as_str()) || *k == m.hash_label {
                return Err(err(
                    format!("metrics.labels.{k}"),
                    "not a valid extra label name",
                ));
            }
        }
        let ok = !m.buckets.is_empty()
            && m.buckets.iter().all(|b| b.is_finite() && *b > 0.0)
            && m.buckets.windows(2).all(|w| w[0] < w[1]);
        if !ok {
            return Err(err(
                "metrics.buckets",
                "must be finite, positive and strictly ascending",
            ));
        }
        Ok(())
    }
}

fn valid_name(s: &str, colons: bool) -> bool {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || (colons && c == ':'));
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colons && c == ':'))
}
