//! Range-vector kernels: one window of one series in, one float (or nothing) out.
//!
//! Each mirrors its Prometheus counterpart in `promql/functions.go`, including the order of
//! floating-point operations where it affects the last bits (rate extrapolation differs
//! between 2.x and 3.x; sums and means use Kahan–Neumaier compensation).

use super::Window;
use crate::promql::Compat;
use crate::promql::aggregate::quantile_of;
use crate::promql::kahan::kahan_sum_inc;

/// `rate`, `increase` and `delta`: Prometheus's `extrapolatedRate`.
fn extrapolated_rate(w: &Window, is_counter: bool, is_rate: bool) -> Option<f64> {
    let n = w.vs.len();
    if n < 2 {
        return None;
    }
    let (first_v, last_v) = (w.vs[0], w.vs[n - 1]);
    let mut result = last_v - first_v;
    if is_counter {
        let mut last = 0.0;
        for &v in w.vs {
            if v < last {
                result += last;
            }
            last = v;
        }
    }
    let (first_t, last_t) = (w.ts[0], w.ts[n - 1]);
    let mut to_start = (first_t - w.start) as f64 / 1000.0;
    let mut to_end = (w.end - last_t) as f64 / 1000.0;
    let sampled = (last_t - first_t) as f64 / 1000.0;
    let avg_step = sampled / (n - 1) as f64;
    let threshold = avg_step * 1.1;
    let range_s = w.range as f64 / 1000.0;
    match w.compat {
        Compat::V3 => {
            if to_start >= threshold {
                to_start = avg_step / 2.0;
            }
            if is_counter {
                let mut to_zero = to_start;
                if result > 0.0 && first_v >= 0.0 {
                    to_zero = sampled * (first_v / result);
                }
                if to_zero < to_start {
                    to_start = to_zero;
                }
            }
            if to_end >= threshold {
                to_end = avg_step / 2.0;
            }
            let mut factor = (sampled + to_start + to_end) / sampled;
            if is_rate {
                factor /= range_s;
            }
            Some(result * factor)
        }
        Compat::V2 => {
            if is_counter && result > 0.0 && first_v >= 0.0 {
                let to_zero = sampled * (first_v / result);
                if to_zero < to_start {
                    to_start = to_zero;
                }
            }
            let mut interval = sampled;
            interval += if to_start < threshold {
                to_start
            } else {
                avg_step / 2.0
            };
            interval += if to_end < threshold {
                to_end
            } else {
                avg_step / 2.0
            };
            let mut r = result * (interval / sampled);
            if is_rate {
                r /= range_s;
            }
            Some(r)
        }
    }
}

pub fn rate(w: &Window, _: &[f64]) -> Option<f64> {
    extrapolated_rate(w, true, true)
}
pub fn increase(w: &Window, _: &[f64]) -> Option<f64> {
    extrapolated_rate(w, true, false)
}
pub fn delta(w: &Window, _: &[f64]) -> Option<f64> {
    extrapolated_rate(w, false, false)
}

/// `irate`/`idelta`: Prometheus's `instantValue` over the last two samples.
fn instant_value(w: &Window, is_rate: bool) -> Option<f64> {
    let n = w.vs.len();
    if n < 2 {
        return None;
    }
    let (last, prev) = (w.vs[n - 1], w.vs[n - 2]);
    let mut v = if is_rate && last < prev {
        last
    } else {
        last - prev
    };
    let dt = w.ts[n - 1] - w.ts[n - 2];
    if dt == 0 {
        return None;
    }
    if is_rate {
        v /= dt as f64 / 1000.0;
    }
    Some(v)
}

pub fn irate(w: &Window, _: &[f64]) -> Option<f64> {
    instant_value(w, true)
}
pub fn idelta(w: &Window, _: &[f64]) -> Option<f64> {
    instant_value(w, false)
}

/// Least-squares fit with compensated sums; x in seconds relative to `intercept_t`.
fn linear_regression(ts: &[i64], vs: &[f64], intercept_t: i64) -> (f64, f64) {
    let (mut n, mut sx, mut cx, mut sy, mut cy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut sxy, mut cxy, mut sx2, mut cx2) = (0.0, 0.0, 0.0, 0.0);
    let init_y = vs[0];
    let mut const_y = true;
    for (i, (&t, &y)) in ts.iter().zip(vs).enumerate() {
        if const_y && i > 0 && y != init_y {
            const_y = false;
        }
        n += 1.0;
        let x = (t - intercept_t) as f64 / 1e3;
        (sx, cx) = kahan_sum_inc(x, sx, cx);
        (sy, cy) = kahan_sum_inc(y, sy, cy);
        (sxy, cxy) = kahan_sum_inc(x * y, sxy, cxy);
        (sx2, cx2) = kahan_sum_inc(x * x, sx2, cx2);
    }
    if const_y {
        if init_y.is_infinite() {
            return (f64::NAN, f64::NAN);
        }
        return (0.0, init_y);
    }
    sx += cx;
    sy += cy;
    sxy += cxy;
    sx2 += cx2;
    let cov_xy = sxy - sx * sy / n;
    let var_x = sx2 - sx * sx / n;
    let slope = cov_xy / var_x;
    let intercept = sy / n - slope * sx / n;
    (slope, intercept)
}

pub fn deriv(w: &Window, _: &[f64]) -> Option<f64> {
    if w.vs.len() < 2 {
        return None;
    }
    Some(linear_regression(w.ts, w.vs, w.ts[0]).0)
}

pub fn predict_linear(w: &Window, args: &[f64]) -> Option<f64> {
    if w.vs.len() < 2 {
        return None;
    }
    let (slope, intercept) = linear_regression(w.ts, w.vs, w.step_t);
    Some(slope * args[0] + intercept)
}

pub fn changes(w: &Window, _: &[f64]) -> Option<f64> {
    let mut c = 0.0;
    for p in w.vs.windows(2) {
        if !(p[1] == p[0] || (p[1].is_nan() && p[0].is_nan())) {
            c += 1.0;
        }
    }
    Some(c)
}

pub fn resets(w: &Window, _: &[f64]) -> Option<f64> {
    Some(w.vs.windows(2).filter(|p| p[1] < p[0]).count() as f64)
}

pub fn avg_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    match w.compat {
        Compat::V3 => Some(avg_v3(w.vs)),
        Compat::V2 => Some(avg_v2(w.vs)),
    }
}

/// 3.x: a compensated sum while it stays finite, then an incremental mean.
fn avg_v3(vs: &[f64]) -> f64 {
    let (mut sum, mut count) = (vs[0], 1.0);
    let (mut mean, mut c) = (0.0, 0.0);
    let mut incremental = false;
    for (i, &f) in vs[1..].iter().enumerate() {
        count = (i + 2) as f64;
        if !incremental {
            let (ns, nc) = kahan_sum_inc(f, sum, c);
            if !ns.is_infinite() {
                (sum, c) = (ns, nc);
                continue;
            }
            incremental = true;
            mean = sum / (count - 1.0);
            c /= count - 1.0;
        }
        let q = (count - 1.0) / count;
        (mean, c) = kahan_sum_inc(f / count, q * mean, q * c);
    }
    if incremental {
        mean + c
    } else {
        sum / count + c / count
    }
}

/// 2.x: compensated incremental mean.
fn avg_v2(vs: &[f64]) -> f64 {
    let (mut mean, mut count, mut c) = (0.0f64, 0.0, 0.0);
    for &v in vs {
        count += 1.0;
        if mean.is_infinite() {
            if v.is_infinite() && (mean > 0.0) == (v > 0.0) {
                continue;
            }
            if !v.is_infinite() && !v.is_nan() {
                continue;
            }
        }
        (mean, c) = kahan_sum_inc(v / count - mean / count, mean, c);
    }
    if mean.is_infinite() { mean } else { mean + c }
}

pub fn sum_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    let (mut s, mut c) = (0.0, 0.0);
    for &v in w.vs {
        (s, c) = kahan_sum_inc(v, s, c);
    }
    Some(if s.is_infinite() { s } else { s + c })
}

pub fn count_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    Some(w.vs.len() as f64)
}

pub fn min_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    let mut m = w.vs[0];
    for &v in w.vs {
        if v < m || m.is_nan() {
            m = v;
        }
    }
    Some(m)
}

pub fn max_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    let mut m = w.vs[0];
    for &v in w.vs {
        if v > m || m.is_nan() {
            m = v;
        }
    }
    Some(m)
}

fn variance(vs: &[f64]) -> f64 {
    let (mut count, mut mean, mut c_mean, mut aux, mut c_aux) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &f in vs {
        count += 1.0;
        let delta = f - (mean + c_mean);
        (mean, c_mean) = kahan_sum_inc(delta / count, mean, c_mean);
        (aux, c_aux) = kahan_sum_inc(delta * (f - (mean + c_mean)), aux, c_aux);
    }
    (aux + c_aux) / count
}

pub fn stddev_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    Some(variance(w.vs).sqrt())
}
pub fn stdvar_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    Some(variance(w.vs))
}

pub fn quantile_over_time(w: &Window, args: &[f64]) -> Option<f64> {
    let mut v = w.vs.to_vec();
    Some(quantile_of(args[0], &mut v))
}

pub fn mad_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    // A NaN sample makes the result NaN rather than being sorted away.
    if w.vs.iter().any(|v| v.is_nan()) {
        return Some(f64::NAN);
    }
    let mut v = w.vs.to_vec();
    let median = quantile_of(0.5, &mut v);
    let mut dev: Vec<f64> = w.vs.iter().map(|x| (x - median).abs()).collect();
    Some(quantile_of(0.5, &mut dev))
}

pub fn last_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    w.vs.last().copied()
}
pub fn first_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    w.vs.first().copied()
}
pub fn present_over_time(_: &Window, _: &[f64]) -> Option<f64> {
    Some(1.0)
}

fn ts_of(w: &Window, pick: impl Fn(f64, f64) -> bool) -> Option<f64> {
    let mut best = 0;
    for i in 1..w.vs.len() {
        if pick(w.vs[i], w.vs[best]) || w.vs[best].is_nan() && !w.vs[i].is_nan() {
            best = i;
        }
    }
    Some(w.ts[best] as f64 / 1000.0)
}
pub fn ts_of_min_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    ts_of(w, |a, b| a <= b)
}
pub fn ts_of_max_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    ts_of(w, |a, b| a >= b)
}
pub fn ts_of_first_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    Some(w.ts[0] as f64 / 1000.0)
}
pub fn ts_of_last_over_time(w: &Window, _: &[f64]) -> Option<f64> {
    Some(w.ts[w.ts.len() - 1] as f64 / 1000.0)
}

/// `holt_winters` (2.x) / `double_exponential_smoothing` (3.x). Invalid factors yield
/// nothing here; the caller reports the error.
pub fn double_exponential_smoothing(w: &Window, args: &[f64]) -> Option<f64> {
    let (sf, tf) = (args[0], args[1]);
    if !(sf > 0.0 && sf < 1.0 && tf > 0.0 && tf < 1.0) {
        return None;
    }
    let l = w.vs.len();
    if l < 2 {
        return None;
    }
    let (mut s0, mut s1) = (0.0, w.vs[0]);
    let mut b = w.vs[1] - w.vs[0];
    for i in 1..l {
        let x = sf * w.vs[i];
        if i > 1 {
            b = tf * (s1 - s0) + (1.0 - tf) * b;
        }
        let y = (1.0 - sf) * (s1 + b);
        (s0, s1) = (s1, x + y);
    }
    Some(s1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn win<'a>(ts: &'a [i64], vs: &'a [f64], end: i64, range: i64, compat: Compat) -> Window<'a> {
        Window {
            ts,
            vs,
            start: end - range,
            end,
            range,
            step_t: end,
            compat,
        }
    }

    #[test]
    fn rate_extrapolates_and_handles_resets() {
        // 0,10,20,...,100 every 30s; window (0, 300s] holds 10..100 (3.x).
        let ts: Vec<i64> = (1..=10).map(|i| i * 30_000).collect();
        let vs: Vec<f64> = (1..=10).map(|i| i as f64 * 10.0).collect();
        let w = win(&ts, &vs, 300_000, 300_000, Compat::V3);
        assert!((increase(&w, &[]).unwrap() - 100.0).abs() < 1e-9);
        // A counter reset adds the pre-reset value.
        let vs2 = [10.0, 20.0, 5.0, 15.0];
        let ts2 = [0, 15_000, 30_000, 45_000];
        let w2 = win(&ts2, &vs2, 45_000, 60_000, Compat::V2);
        assert_eq!(resets(&w2, &[]), Some(1.0));
        let raw = 15.0 - 10.0 + 20.0;
        let inc = increase(&w2, &[]).unwrap();
        assert!(inc > raw, "extrapolated {inc} > raw {raw}");
    }

    #[test]
    fn fewer_than_two_samples_give_nothing() {
        let w = win(&[1000], &[1.0], 1000, 60_000, Compat::V3);
        assert_eq!(rate(&w, &[]), None);
        assert_eq!(irate(&w, &[]), None);
        assert_eq!(count_over_time(&w, &[]), Some(1.0));
    }

    #[test]
    fn min_max_skip_leading_nan() {
        let w = win(&[0, 1, 2], &[f64::NAN, 3.0, 1.0], 2, 10, Compat::V3);
        assert_eq!(max_over_time(&w, &[]), Some(3.0));
        assert_eq!(min_over_time(&w, &[]), Some(1.0));
    }
}
