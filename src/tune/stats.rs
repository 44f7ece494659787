//! Estimates with 95% confidence intervals: Wilson score intervals for rates, nearest-rank
//! percentiles with a distribution-free (order-statistic) interval, means.
//!
//! Pure functions; `f64::INFINITY` stands for "never" (a regression never detected, a
//! rollout never promoted), so a percentile is infinite when too few trials got there.
//! Depends on nothing.

use serde::Serialize;

/// z for a two-sided 95% interval.
const Z: f64 = 1.959_963_984_540_054;

/// `k` of `n` trials, with the Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub k: usize,
    pub n: usize,
    pub rate: f64,
    pub lo: f64,
    pub hi: f64,
}

/// The Wilson score interval (95%) of `k` successes in `n` trials; `n = 0` gives 0 in
/// [0, 1].
pub fn wilson(k: usize, n: usize) -> Rate {
    if n == 0 {
        return Rate {
            k,
            n,
            rate: 0.0,
            lo: 0.0,
            hi: 1.0,
        };
    }
    let nf = n as f64;
    let p = k as f64 / nf;
    let z2 = Z * Z;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = Z / denom * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    Rate {
        k,
        n,
        rate: p,
        lo: if k == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        hi: if k == n {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    }
}

/// A percentile and its 95% interval, in seconds. `value`/`hi` `None`: never (infinite) or
/// past the sample; `lo` `None`: the sample gives no lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantile {
    pub value: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The nearest-rank `q` percentile of `sorted` (ascending, infinities last): the value at
/// rank ⌈q·n⌉. Its interval is the pair of order statistics whose ranks bracket q·n by
/// ±1.96·√(n·q·(1−q)) (the normal approximation of the binomial count below the true
/// percentile); a rank past the sample is unbounded (`None`).
pub fn quantile(sorted: &[f64], q: f64) -> Quantile {
    let n = sorted.len();
    if n == 0 {
        return Quantile {
            value: None,
            lo: None,
            hi: None,
        };
    }
    let nf = n as f64;
    let rank = ((q * nf).ceil() as usize).clamp(1, n);
    let spread = Z * (nf * q * (1.0 - q)).sqrt();
    let lo_rank = (q * nf - spread).floor();
    let hi_rank = (q * nf + spread).ceil() + 1.0;
    let at = |r: f64| -> Option<f64> {
        if r < 1.0 {
            return None;
        }
        let r = r as usize;
        if r > n { None } else { finite(sorted[r - 1]) }
    };
    Quantile {
        value: finite(sorted[rank - 1]),
        lo: at(lo_rank),
        hi: at(hi_rank),
    }
}

/// Sorts values ascending (infinities last) for [`quantile`].
pub fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// The arithmetic mean (0 for no values).
pub fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_published_values() {
        // (k, n, lo, hi): values from the Wilson formula as tabulated by e.g. R's
        // `prop.test(correct = FALSE)` / statsmodels `proportion_confint(method="wilson")`.
        let table = [
            (0, 10, 0.0, 0.2775),
            (10, 10, 0.7225, 1.0),
            (5, 10, 0.2366, 0.7634),
            (1, 100, 0.0018, 0.0545),
            (0, 200, 0.0, 0.0188),
            (50, 200, 0.1951, 0.3143),
        ];
        for (k, n, lo, hi) in table {
            let r = wilson(k, n);
            assert!(close(r.lo, lo) && close(r.hi, hi), "{k}/{n}: {r:?}");
            assert!(close(r.rate, k as f64 / n as f64));
        }
        assert_eq!(wilson(0, 0).hi, 1.0);
    }

    #[test]
    fn percentiles_and_their_intervals() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let p50 = quantile(&v, 0.5);
        assert_eq!(p50.value, Some(50.0));
        // ranks 50 ± 1.96·5 = 40.2 .. 59.8 → 40th and 61st values
        assert_eq!(p50.lo, Some(40.0));
        assert_eq!(p50.hi, Some(61.0));
        let p95 = quantile(&v, 0.95);
        assert_eq!(p95.value, Some(95.0));
        assert_eq!(p95.lo, Some(90.0));
        assert_eq!(p95.hi, None, "rank 100.3 + 1 lies past the sample");
        let few = quantile(&[3.0], 0.5);
        assert_eq!((few.value, few.lo, few.hi), (Some(3.0), None, None));
        assert_eq!(quantile(&[], 0.5).value, None);
    }

    #[test]
    fn never_is_infinite() {
        let v = sorted(vec![f64::INFINITY, 10.0, f64::INFINITY, 20.0]);
        assert_eq!(quantile(&v, 0.5).value, Some(20.0));
        assert_eq!(quantile(&v, 0.75).value, None);
        assert_eq!(mean(&[1.0, 2.0, 6.0]), 3.0);
        assert_eq!(mean(&[]), 0.0);
    }
}
