//! Latency distributions fitted to a median and a 99th percentile, and the probability of
//! each histogram bucket. Pure functions.
//!
//! Log-normal: μ = ln p50, σ = (ln p99 − ln p50) / z₀.₉₉. Gamma: the ratio p99/p50 depends on
//! the shape k alone and falls as k grows, so k is found by bisection and the scale by
//! p50 / median(k). Depends on `model` (Duration) and `libm` (erfc, lgamma).

use super::config::Distribution;
use crate::model::Duration;

/// Φ⁻¹(0.99).
const Z99: f64 = 2.326_347_874_040_840_8;

/// A fitted latency distribution, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LatencyModel {
    Lognormal { mu: f64, sigma: f64 },
    Gamma { shape: f64, scale: f64 },
}

impl LatencyModel {
    /// Fits the distribution to `p50 < p99`; the error says why it cannot.
    pub fn fit(p50: Duration, p99: Duration, dist: Distribution) -> Result<LatencyModel, String> {
        Self::fit_seconds(p50.seconds_f64(), p99.seconds_f64(), dist)
    }

    pub fn fit_seconds(p50: f64, p99: f64, dist: Distribution) -> Result<LatencyModel, String> {
        if !(p50 > 0.0 && p99 > p50 && p99.is_finite()) {
            return Err(format!("needs 0 < p50 < p99, got p50={p50}s p99={p99}s"));
        }
        match dist {
            Distribution::Lognormal => Ok(LatencyModel::Lognormal {
                mu: p50.ln(),
                sigma: (p99 / p50).ln() / Z99,
            }),
            Distribution::Gamma => {
                let shape = gamma_shape_for_ratio(p99 / p50).ok_or_else(|| {
                    format!("no gamma has p99/p50 = {:.4}: use lognormal", p99 / p50)
                })?;
                Ok(LatencyModel::Gamma {
                    shape,
                    scale: p50 / gamma_quantile(shape, 0.5),
                })
            }
        }
    }

    /// P(latency ≤ x), x in seconds.
    pub fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match *self {
            LatencyModel::Lognormal { mu, sigma } => {
                0.5 * libm::erfc(-(x.ln() - mu) / (sigma * std::f64::consts::SQRT_2))
            }
            LatencyModel::Gamma { shape, scale } => lower_gamma_p(shape, x / scale),
        }
    }

    /// The q-quantile in seconds.
    pub fn quantile(&self, q: f64) -> f64 {
        match *self {
            LatencyModel::Lognormal { .. } => {
                let (mut lo, mut hi) = (1e-12f64, 1e6f64);
                for _ in 0..200 {
                    let mid = (lo * hi).sqrt();
                    if self.cdf(mid) < q {
                        lo = mid
                    } else {
                        hi = mid
                    }
                }
                (lo * hi).sqrt()
            }
            LatencyModel::Gamma { shape, scale } => scale * gamma_quantile(shape, q),
        }
    }

    /// Mean latency in seconds (what `_sum / _count` tends to).
    pub fn mean(&self) -> f64 {
        match *self {
            LatencyModel::Lognormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            LatencyModel::Gamma { shape, scale } => shape * scale,
        }
    }

    /// Probability of each bucket `(bounds[i-1], bounds[i]]`, the last entry for `+Inf`.
    pub fn bucket_probabilities(&self, bounds: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(bounds.len() + 1);
        let mut prev = 0.0;
        for &b in bounds {
            let c = self.cdf(b).clamp(prev, 1.0);
            out.push(c - prev);
            prev = c;
        }
        out.push((1.0 - prev).max(0.0));
        out
    }
}

/// A latency model with what every request needs from it, computed once: the probability
/// of each histogram bucket and the mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucketed {
    pub model: LatencyModel,
    /// `bucket_probabilities(bounds)`: one entry per bound, the last for `+Inf`.
    pub probs: Vec<f64>,
    pub mean: f64,
}

impl Bucketed {
    pub fn new(model: LatencyModel, bounds: &[f64]) -> Bucketed {
        Bucketed {
            probs: model.bucket_probabilities(bounds),
            mean: model.mean(),
            model,
        }
    }
}

/// Shape k with Q(0.99; k) / Q(0.5; k) = `ratio`, if one in [1e-2, 1e6] has it.
fn gamma_shape_for_ratio(ratio: f64) -> Option<f64> {
    let r = |k: f64| gamma_quantile(k, 0.99) / gamma_quantile(k, 0.5);
    let (mut lo, mut hi) = (1e-2f64, 1e6f64);
    if !(ratio < r(lo) && ratio > r(hi)) {
        return None;
    }
    for _ in 0..100 {
        let mid = (lo * hi).sqrt();
        if r(mid) > ratio { lo = mid } else { hi = mid }
    }
    Some((lo * hi).sqrt())
}

/// Quantile of Gamma(k, 1) by bisection on the regularized incomplete gamma function.
fn gamma_quantile(k: f64, q: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, k + 50.0 * k.sqrt() + 50.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if lower_gamma_p(k, mid) < q {
            lo = mid
        } else {
            hi = mid
        }
    }
    0.5 * (lo + hi)
}

/// Regularized lower incomplete gamma P(a, x): series below a+1, continued fraction above
/// (Numerical Recipes §6.2).
fn lower_gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let ln_front = a * x.ln() - x - libm::lgamma(a);
    if x < a + 1.0 {
        let (mut sum, mut term, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        (sum.ln() + ln_front).exp().min(1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (1.0 - (ln_front.exp() * h)).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_reproduce_the_configured_quantiles() {
        for dist in [Distribution::Lognormal, Distribution::Gamma] {
            for (p50, p99) in [
                (0.08, 0.4),
                (0.05, 0.25),
                (0.01, 1.0),
                (0.2, 0.3),
                (1.0, 1.5),
            ] {
                let m = LatencyModel::fit_seconds(p50, p99, dist).unwrap();
                let (q50, q99) = (m.quantile(0.5), m.quantile(0.99));
                assert!(
                    (q50 / p50 - 1.0).abs() < 1e-6,
                    "{dist:?} {p50} {p99}: p50 {q50}"
                );
                assert!(
                    (q99 / p99 - 1.0).abs() < 1e-6,
                    "{dist:?} {p50} {p99}: p99 {q99}"
                );
            }
        }
    }

    #[test]
    fn rejects_unfittable_pairs() {
        for (p50, p99) in [(0.0, 1.0), (0.5, 0.5), (0.5, 0.1), (0.1, f64::INFINITY)] {
            assert!(LatencyModel::fit_seconds(p50, p99, Distribution::Lognormal).is_err());
        }
        // A gamma's p99/p50 ratio is at least what k = 1e6 gives (≈ 1.0023).
        assert!(LatencyModel::fit_seconds(1.0, 1.001, Distribution::Gamma).is_err());
        assert!(LatencyModel::fit_seconds(1.0, 1.001, Distribution::Lognormal).is_ok());
    }

    #[test]
    fn bucket_probabilities_sum_to_one_and_match_the_cdf() {
        let m = LatencyModel::fit_seconds(0.08, 0.4, Distribution::Lognormal).unwrap();
        let p = m.bucket_probabilities(&[0.05, 0.08, 0.4, 1.0]);
        assert_eq!(p.len(), 5);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((p[0] + p[1] - 0.5).abs() < 1e-9);
        assert!((p[4] + p[3] - 0.01).abs() < 1e-9);
    }

    #[test]
    fn incomplete_gamma_known_values() {
        // P(1, x) = 1 − e^{−x}; P(0.5, x) = erf(√x).
        for (a, x, want) in [
            (1.0, 1.0, 1.0 - (-1.0f64).exp()),
            (1.0, 5.0, 1.0 - (-5.0f64).exp()),
            (0.5, 2.0, libm::erf(2f64.sqrt())),
            (3.0, 0.0, 0.0),
        ] {
            assert!((lower_gamma_p(a, x) - want).abs() < 1e-12, "P({a}, {x})");
        }
    }
}
