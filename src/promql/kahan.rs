//! Compensated (Kahan–Neumaier) summation, exactly as Prometheus's `kahanSumInc`.

/// Adds `inc` to `sum` with compensation `c`; returns the new (sum, c). The final value is
/// `sum + c`. Mirrors Prometheus: the compensation resets when the sum becomes infinite.
#[inline]
pub fn kahan_sum_inc(inc: f64, sum: f64, mut c: f64) -> (f64, f64) {
    let t = sum + inc;
    if t.is_infinite() {
        c = 0.0;
    } else if sum.abs() >= inc.abs() {
        c += (sum - t) + inc;
    } else {
        c += (inc - t) + sum;
    }
    (t, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensates_cancellation() {
        let (mut s, mut c) = (0.0, 0.0);
        for v in [1.0, 1e100, 1.0, -1e100] {
            (s, c) = kahan_sum_inc(v, s, c);
        }
        assert_eq!(s + c, 2.0);
    }
}
