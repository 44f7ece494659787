//! A version's behaviour at an instant: status ratios, latency quantiles, memory growth and
//! crash loop, with the canary's regressions blended in by their progress (0 = baseline,
//! 1 = full effect). Pure functions.
//!
//! Depends on `config` and `model`.

use std::collections::BTreeMap;

use super::config::{Regression, Shape, VersionConfig};
use crate::model::{Duration, Timestamp};

/// What a version does at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    /// Ratio per status code; `200` takes the rest.
    pub statuses: BTreeMap<String, f64>,
    /// Latency quantiles in seconds.
    pub p50: f64,
    pub p99: f64,
    /// Resident memory growth, bytes per minute.
    pub memory_growth: f64,
    /// Restart period of each pod, when crash looping.
    pub crash_every: Option<Duration>,
}

/// The version's baseline: `error_ratio` is folded into status `500`.
pub fn baseline(v: &VersionConfig) -> Behaviour {
    Behaviour {
        statuses: status_map(v.error_ratio, &v.statuses),
        p50: v.latency.p50.seconds_f64(),
        p99: v.latency.p99.seconds_f64(),
        memory_growth: 0.0,
        crash_every: None,
    }
}

fn status_map(error_ratio: Option<f64>, statuses: &BTreeMap<String, f64>) -> BTreeMap<String, f64> {
    let mut m = statuses.clone();
    if let Some(e) = error_ratio {
        *m.entry("500".to_string()).or_insert(0.0) += e;
    }
    m
}

/// How far a regression that started at `began` has progressed at `t` (0..=1).
pub fn progress(r: &Regression, began: Option<Timestamp>, t: Timestamp) -> f64 {
    let Some(began) = began else { return 0.0 };
    let elapsed = (t - began).millis();
    if elapsed < 0 || r.length.is_some_and(|l| elapsed >= l.millis()) {
        return 0.0;
    }
    match r.shape {
        Shape::Ramp => {
            let over = r.over.map_or(1, |o| o.millis().max(1));
            (elapsed as f64 / over as f64).min(1.0)
        }
        Shape::Step | Shape::Spike => 1.0,
    }
}

/// Applies one regression at progress `f` on top of `b`.
pub fn apply(b: &mut Behaviour, r: &Regression, f: f64) {
    if f <= 0.0 {
        return;
    }
    if r.error_ratio.is_some() || !r.statuses.is_empty() {
        let mut target = b.statuses.clone();
        let mut overrides = r.statuses.clone();
        if let Some(e) = r.error_ratio {
            overrides.insert("500".to_string(), e);
        }
        target.extend(overrides);
        for (code, want) in target {
            let base = b.statuses.get(&code).copied().unwrap_or(0.0);
            b.statuses.insert(code, base + f * (want - base));
        }
    }
    let factor = r.latency_factor.unwrap_or(1.0);
    let p50 = r.p50.map_or(b.p50 * factor, |d| d.seconds_f64());
    let p99 = r.p99.map_or(b.p99 * factor, |d| d.seconds_f64());
    // Geometric interpolation keeps p50 < p99 at every progress.
    b.p50 *= (p50 / b.p50).powf(f);
    b.p99 *= (p99 / b.p99).powf(f);
    b.memory_growth += f * r.memory_growth.unwrap_or(0.0);
    if let Some(every) = r.crash_every {
        b.crash_every = Some(b.crash_every.map_or(every, |e| e.min(every)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(yaml: &str) -> Regression {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn progress_table() {
        let t0 = Timestamp(1_000_000);
        let at = |s: i64| t0 + Duration::from_secs(s);
        for (yaml, t, want) in [
            ("{at: 0s, error_ratio: 0.1}", at(-1), 0.0),
            ("{at: 0s, error_ratio: 0.1}", at(0), 1.0),
            ("{at: 0s, error_ratio: 0.1}", at(99_999), 1.0),
            (
                "{at: 0s, shape: ramp, over: 100s, error_ratio: 0.1}",
                at(25),
                0.25,
            ),
            (
                "{at: 0s, shape: ramp, over: 100s, error_ratio: 0.1}",
                at(200),
                1.0,
            ),
            (
                "{at: 0s, shape: spike, for: 60s, error_ratio: 0.1}",
                at(59),
                1.0,
            ),
            (
                "{at: 0s, shape: spike, for: 60s, error_ratio: 0.1}",
                at(60),
                0.0,
            ),
        ] {
            assert_eq!(progress(&reg(yaml), Some(t0), t), want, "{yaml} at {t}");
        }
        assert_eq!(progress(&reg("{step: 2, error_ratio: 0.1}"), None, t0), 0.0);
    }

    #[test]
    fn apply_blends_statuses_latency_and_memory() {
        let v: VersionConfig = serde_saphyr::from_str(
            "{error_ratio: 0.01, statuses: {'404': 0.05}, latency: {p50: 100ms, p99: 400ms}}",
        )
        .unwrap();
        let mut b = baseline(&v);
        assert_eq!(b.statuses["500"], 0.01);
        let r = reg(
            "{at: 0s, error_ratio: 0.11, latency_factor: 4, memory_growth: 1000, crash_every: 2m}",
        );
        apply(&mut b, &r, 0.5);
        assert!((b.statuses["500"] - 0.06).abs() < 1e-12);
        assert_eq!(b.statuses["404"], 0.05);
        assert!((b.p50 - 0.2).abs() < 1e-12 && (b.p99 - 0.8).abs() < 1e-12);
        assert_eq!(b.memory_growth, 500.0);
        assert_eq!(b.crash_every, Some(Duration::from_secs(120)));
    }
}
