//! The trade-off frontier: candidates no other candidate beats on every axis at once
//! (false-rollback rate lower, detection rate higher, median time to detect lower).
//!
//! Pure; depends on nothing.

/// A candidate's position. `detect_p50` is infinite when it never detects; without regressed
/// worlds set `detection` to 0 and `detect_p50` to infinity for every candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub false_rollback: f64,
    pub detection: f64,
    pub detect_p50: f64,
}

/// Whether `a` dominates `b`: at least as good on every axis and better on one.
pub fn dominates(a: &Point, b: &Point) -> bool {
    let no_worse = a.false_rollback <= b.false_rollback
        && a.detection >= b.detection
        && a.detect_p50 <= b.detect_p50;
    let better = a.false_rollback < b.false_rollback
        || a.detection > b.detection
        || a.detect_p50 < b.detect_p50;
    no_worse && better
}

/// For each point, whether it is on the frontier (dominated by none).
pub fn frontier(points: &[Point]) -> Vec<bool> {
    points
        .iter()
        .map(|p| !points.iter().any(|q| dominates(q, p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(false_rollback: f64, detection: f64, detect_p50: f64) -> Point {
        Point {
            false_rollback,
            detection,
            detect_p50,
        }
    }

    #[test]
    fn keeps_only_undominated_points() {
        let inf = f64::INFINITY;
        let table: [(&[Point], &[bool]); 5] = [
            (&[p(0.0, 1.0, 60.0)], &[true]),
            // strict trade-off: both stay
            (&[p(0.0, 0.9, 120.0), p(0.05, 1.0, 60.0)], &[true, true]),
            // worse on all three
            (&[p(0.0, 1.0, 60.0), p(0.1, 0.9, 120.0)], &[true, false]),
            // equal points dominate neither
            (&[p(0.0, 1.0, 60.0), p(0.0, 1.0, 60.0)], &[true, true]),
            // never detecting loses to detecting at the same false-rollback rate
            (
                &[p(0.0, 0.0, inf), p(0.0, 0.5, 300.0), p(0.02, 0.5, 300.0)],
                &[false, true, false],
            ),
        ];
        for (points, want) in table {
            assert_eq!(frontier(points), want, "{points:?}");
        }
    }
}
