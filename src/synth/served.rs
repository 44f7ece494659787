//! What passes between the step engine and the world for one interval: the weight and pod
//! counts in force (`ServedWeight`), what users felt (`UserImpact`), and the weight the data
//! plane actually applied given the router's lag. Pure data and functions.
//!
//! Depends on `model` only.

use crate::model::{Duration, Timestamp};

/// What the step engine has set for the next interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServedWeight {
    /// Canary weight Argo wrote to the router, integer percent 0..=100. Ignored by the
    /// `none` router, where the pod counts are the split.
    pub weight: u32,
    pub canary_replicas: u32,
    pub stable_replicas: u32,
}

/// What users felt, cumulative or per call (TRAFFIC.md §4: requests, not users).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserImpact {
    /// Every request, cache hits included.
    pub requests: u64,
    pub cache_hits: u64,
    pub canary_requests: u64,
    /// 5xx answers attributed to the canary, including requests routed to it while it had
    /// no Ready pod (answered 503 by the router, invisible in pod metrics).
    pub canary_errors: u64,
    pub stable_requests: u64,
    pub stable_errors: u64,
    /// Requests the router sent to a version with no Ready pod.
    pub unroutable: u64,
}

impl UserImpact {
    pub(super) fn add(&mut self, o: &UserImpact) {
        self.requests += o.requests;
        self.cache_hits += o.cache_hits;
        self.canary_requests += o.canary_requests;
        self.canary_errors += o.canary_errors;
        self.stable_requests += o.stable_requests;
        self.stable_errors += o.stable_errors;
        self.unroutable += o.unroutable;
    }
}

/// Mean weight the data plane applied over `[from, to)`: each of Argo's writes `(time,
/// weight)` takes effect `lag` later; before the first one the weight is 0.
pub fn applied_weight(
    writes: &[(Timestamp, u32)],
    lag: Duration,
    from: Timestamp,
    to: Timestamp,
) -> f64 {
    let at = |t: Timestamp| {
        writes
            .iter()
            .take_while(|w| w.0 + lag <= t)
            .last()
            .map_or(0, |w| w.1)
    };
    let mut points: Vec<Timestamp> = writes
        .iter()
        .map(|w| w.0 + lag)
        .filter(|t| *t > from && *t < to)
        .collect();
    points.insert(0, from);
    points.push(to);
    let span = (to - from).millis().max(1) as f64;
    points
        .windows(2)
        .map(|p| f64::from(at(p[0])) * (p[1] - p[0]).millis() as f64 / span)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applied_weight_table() {
        let s = |x: i64| Timestamp(x * 1000);
        let writes = [(s(0), 10), (s(20), 50)];
        for (lag, from, to, want) in [
            (0, 0, 15, 10.0),
            (0, 15, 30, (5.0 * 10.0 + 10.0 * 50.0) / 15.0),
            (2, 0, 15, 13.0 * 10.0 / 15.0),
            (10, 15, 30, (15.0 * 10.0) / 15.0),
            (10, 30, 45, 50.0),
            (0, -15, 0, 0.0),
        ] {
            let got = applied_weight(&writes, Duration::from_secs(lag), s(from), s(to));
            assert!((got - want).abs() < 1e-9, "lag {lag} ({from}, {to}]: {got}");
        }
    }
}
