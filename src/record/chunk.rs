//! The chunk planner: splits one selector's interval into requests small enough for the
//! server, from an estimate of how many samples the interval holds.
//!
//! Prometheus refuses a query that would hold more than `--query.max-samples` samples at
//! once (50,000,000 by default) with "query processing would load too many samples into
//! memory"; a raw-sample query `selector[range]` holds every sample it returns. Samples are
//! assumed spread evenly over time (scrapes are regular), so `n` equal chunks hold about
//! `total / n` samples each; chunks that still fail are split again by the fetcher. Pure
//! functions only.

use super::selectors::Interval;

/// What the probe learnt about one selector over the whole interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    pub series: u64,
    pub samples: u64,
}

/// Limits of a single request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkLimits {
    /// Samples one request may return (keep it well under the server's `query.max-samples`).
    pub samples_per_request: u64,
    /// The longest time one request covers (milliseconds); used alone without an estimate.
    pub max_span: i64,
}

/// Contiguous, non-overlapping chunks covering `iv` exactly, in time order.
pub fn plan(iv: Interval, estimate: Option<Estimate>, limits: ChunkLimits) -> Vec<Interval> {
    let span = iv.to - iv.from + 1;
    if span <= 0 {
        return Vec::new();
    }
    let by_samples = estimate.map_or(1, |e| {
        e.samples.div_ceil(limits.samples_per_request.max(1)).max(1)
    });
    let by_time = u64::try_from(ceil_div(span, limits.max_span.max(1))).unwrap_or(1);
    let n = by_samples.max(by_time).max(1);
    split(iv, n)
}

/// `iv` cut into `n` chunks of (nearly) equal length, at least one millisecond each.
pub fn split(iv: Interval, n: u64) -> Vec<Interval> {
    let span = iv.to - iv.from + 1;
    let n = i64::try_from(n).unwrap_or(i64::MAX).clamp(1, span.max(1));
    let len = ceil_div(span, n);
    let mut out = Vec::with_capacity(n as usize);
    let mut from = iv.from;
    while from <= iv.to {
        let to = (from + len - 1).min(iv.to);
        out.push(Interval::new(from, to));
        from = to + 1;
    }
    out
}

/// `a / b` rounded up, for `a >= 0` and `b > 0`.
pub fn ceil_div(a: i64, b: i64) -> i64 {
    (a + b - 1) / b
}

/// The step of a `query_range` fallback: half the average spacing of the samples, so every
/// sample is the latest one at some step, within `[1s, 60s]` (15 s without an estimate).
pub fn fallback_step(iv: Interval, estimate: Option<Estimate>) -> i64 {
    let span = iv.to - iv.from + 1;
    match estimate {
        Some(e) if e.series > 0 && e.samples > e.series => {
            let per_series = e.samples / e.series;
            let spacing = span / i64::try_from(per_series).unwrap_or(i64::MAX).max(1);
            (spacing / 2 / 1000 * 1000).clamp(1000, 60_000)
        }
        _ => 15_000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    fn iv(a: i64, b: i64) -> Interval {
        Interval::new(a, b)
    }

    #[test]
    fn plans_chunks_from_the_estimate_and_the_span() {
        let limits = ChunkLimits {
            samples_per_request: 1_000_000,
            max_span: 24 * H,
        };
        let est = |series, samples| Some(Estimate { series, samples });
        // (interval, estimate, expected number of chunks)
        let cases: &[(Interval, Option<Estimate>, usize)] = &[
            (iv(0, H - 1), est(10, 2_400), 1),
            (iv(0, H - 1), est(1_000, 1_000_000), 1),
            (iv(0, H - 1), est(1_000, 1_000_001), 2),
            (iv(0, 6 * H - 1), est(20_000, 28_800_000), 29),
            (iv(0, 48 * H - 1), est(1, 10), 2),
            (iv(0, 48 * H), None, 3),
            (iv(0, 0), est(5, 5), 1),
            (iv(0, 2), est(1, 10_000_000), 3),
            (iv(5, 4), est(1, 1), 0),
        ];
        for (interval, estimate, n) in cases {
            let chunks = plan(*interval, *estimate, limits);
            assert_eq!(chunks.len(), *n, "{interval:?} {estimate:?}: {chunks:?}");
            if *n > 0 {
                assert_eq!(chunks[0].from, interval.from);
                assert_eq!(chunks.last().unwrap().to, interval.to);
                for w in chunks.windows(2) {
                    assert_eq!(w[1].from, w[0].to + 1, "contiguous: {chunks:?}");
                }
            }
        }
    }

    #[test]
    fn split_is_even_and_exact() {
        assert_eq!(split(iv(0, 9), 3), vec![iv(0, 3), iv(4, 7), iv(8, 9)]);
        assert_eq!(split(iv(0, 9), 1), vec![iv(0, 9)]);
        assert_eq!(split(iv(0, 1), 5), vec![iv(0, 0), iv(1, 1)]);
        assert_eq!(split(iv(-10, -1), 2), vec![iv(-10, -6), iv(-5, -1)]);
    }

    #[test]
    fn fallback_step_is_half_the_scrape_interval() {
        let e = |series, samples| Some(Estimate { series, samples });
        // 1 h at 15 s: 240 samples per series.
        assert_eq!(fallback_step(iv(0, H - 1), e(3, 720)), 7_000);
        assert_eq!(fallback_step(iv(0, H - 1), e(1, 36_000)), 1_000);
        assert_eq!(fallback_step(iv(0, 24 * H - 1), e(1, 24)), 60_000);
        assert_eq!(fallback_step(iv(0, H - 1), None), 15_000);
        assert_eq!(fallback_step(iv(0, H - 1), e(0, 0)), 15_000);
    }
}
