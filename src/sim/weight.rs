//! Canary weight semantics (SEMANTICS.md §4.2): the desired weight of a step index and the
//! weight actually served, exactly with a traffic router and approximated by replica counts
//! without one. Pure functions; depends only on `plan`.

use super::plan::Step;

/// Percent scale of a canary weight (`maxTrafficWeight` default).
pub const MAX_TRAFFIC_WEIGHT: i32 = 100;

/// Desired canary weight at `index`: the nearest `setWeight` at or before it, 0 if none, and
/// 100 once the index reaches `len(steps)`. (Aborted rollouts use 0; the caller decides.)
pub fn desired_weight(steps: &[Step], index: usize) -> i32 {
    if index >= steps.len() {
        return MAX_TRAFFIC_WEIGHT;
    }
    steps[..=index]
        .iter()
        .rev()
        .find_map(|s| match s {
            Step::SetWeight(w) => Some(*w),
            _ => None,
        })
        .unwrap_or(0)
}

/// Weight served for a desired weight: the setWeight value with a traffic router, else the
/// basic-canary approximation (`served_weight`).
pub fn served_for(desired: i32, traffic_router: bool, replicas: i32, max_surge: i32) -> f64 {
    if traffic_router {
        f64::from(desired.clamp(0, MAX_TRAFFIC_WEIGHT))
    } else {
        served_weight(desired, replicas, max_surge)
    }
}

/// Basic canary (no traffic router): the share of pods that are canary once scaling settles.
///
/// Mirrors Argo's approximation: the canary/stable split closest to `desired`, ties rounded up
/// (toward more canary), at least one pod of each when `0 < desired < 100`, and a total of
/// `replicas` or, when `max_surge` (resolved pods) allows, `replicas + 1`. `max_unavailable`
/// only shapes the transition, which is instant here. With a single pod and no surge the
/// canary takes it (the "at least one canary pod" rule wins).
pub fn served_weight(desired: i32, replicas: i32, max_surge: i32) -> f64 {
    if desired <= 0 || replicas <= 0 {
        return 0.0;
    }
    if desired >= MAX_TRAFFIC_WEIGHT {
        return 100.0;
    }
    let w = i64::from(desired);
    let mut totals = vec![i64::from(replicas)];
    if max_surge >= 1 {
        totals.push(i64::from(replicas) + 1);
    }
    // (canary, total) with the smallest |100c/total - w|, ties to more canary weight.
    let mut best: Option<(i64, i64)> = None;
    for &total in &totals {
        let max_canary = if total >= 2 { total - 1 } else { total };
        for c in 1..=max_canary {
            best = Some(match best {
                None => (c, total),
                Some(b) if closer(c, total, b, w) => (c, total),
                Some(b) => b,
            });
        }
    }
    match best {
        Some((c, total)) => 100.0 * c as f64 / total as f64,
        None => 0.0,
    }
}

/// Pods `(canary, stable)` behind a served weight: with a traffic router the canary is
/// scaled to ⌈weight·replicas/100⌉ and stable keeps `replicas`; without one the split of
/// `served_weight` (a total of `replicas` or, with surge, `replicas + 1`).
pub fn served_pods(served: f64, traffic_router: bool, replicas: i32, max_surge: i32) -> (i32, i32) {
    let n = replicas.max(0);
    if served <= 0.0 {
        return (0, n);
    }
    if traffic_router {
        let c = (served.min(100.0) * f64::from(n) / 100.0 - 1e-9).ceil() as i32;
        return (c.clamp(0, n), n);
    }
    if served >= 100.0 {
        return (n, 0);
    }
    let totals = if max_surge >= 1 {
        vec![n, n + 1]
    } else {
        vec![n]
    };
    for total in totals {
        for c in 1..=total {
            if (100.0 * f64::from(c) / f64::from(total) - served).abs() < 1e-9 {
                return (c, total - c);
            }
        }
    }
    let c = (served * f64::from(n) / 100.0).round() as i32;
    (c.clamp(0, n), n - c.clamp(0, n))
}

/// Whether `c/total` is strictly closer to `w` percent than `best`, or as close and larger.
fn closer(c: i64, total: i64, best: (i64, i64), w: i64) -> bool {
    let (bc, bt) = best;
    let diff = (100 * c - w * total).abs() * bt;
    let best_diff = (100 * bc - w * bt).abs() * total;
    diff < best_diff || (diff == best_diff && c * bt > bc * total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_weight_table() {
        // (desired, replicas, max surge pods, served)
        let cases: [(i32, i32, i32, f64); 12] = [
            (0, 5, 2, 0.0),
            (100, 5, 2, 100.0),
            (20, 10, 3, 20.0),
            (20, 1, 1, 50.0),
            (50, 1, 0, 100.0),
            (25, 2, 1, 100.0 / 3.0),
            (50, 3, 1, 50.0),
            (50, 3, 0, 200.0 / 3.0),
            (10, 4, 1, 20.0),
            (90, 4, 0, 75.0),
            (5, 10, 3, 100.0 / 11.0),
            (30, 0, 1, 0.0),
        ];
        for (desired, replicas, surge, want) in cases {
            let got = served_weight(desired, replicas, surge);
            assert!(
                (got - want).abs() < 1e-9,
                "served_weight({desired}, {replicas}, {surge}) = {got}, want {want}"
            );
        }
    }

    #[test]
    fn served_pods_match_served_weight() {
        assert_eq!(served_pods(20.0, true, 10, 3), (2, 10));
        assert_eq!(served_pods(5.0, true, 10, 3), (1, 10));
        assert_eq!(served_pods(0.0, true, 10, 3), (0, 10));
        assert_eq!(served_pods(100.0 / 11.0, false, 10, 3), (1, 10));
        assert_eq!(served_pods(20.0, false, 10, 3), (2, 8));
        assert_eq!(served_pods(100.0, false, 4, 1), (4, 0));
    }

    #[test]
    fn traffic_router_serves_set_weight() {
        assert_eq!(served_for(20, true, 1, 0), 20.0);
        assert_eq!(served_for(20, false, 1, 1), 50.0);
    }

    #[test]
    fn desired_weight_follows_last_set_weight() {
        let steps = [
            Step::Pause(None),
            Step::SetWeight(20),
            Step::Pause(None),
            Step::SetWeight(50),
        ];
        assert_eq!(desired_weight(&steps, 0), 0);
        assert_eq!(desired_weight(&steps, 1), 20);
        assert_eq!(desired_weight(&steps, 2), 20);
        assert_eq!(desired_weight(&steps, 3), 50);
        assert_eq!(desired_weight(&steps, 4), 100);
    }
}
