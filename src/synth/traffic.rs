//! Request arrival rate over time: `rps × diurnal × drift`, bursts multiply it, quiet
//! periods replace it. Pure functions of the config and the time.
//!
//! Depends on `config` and `model`.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use super::config::TrafficConfig;
use crate::model::{Duration, Timestamp};

/// Hour of day (UTC) at which the diurnal cycle peaks.
pub const DIURNAL_PEAK_HOUR: f64 = 14.0;

/// Requests per second at `t`; `start` is the rollout start that offsets are measured from.
pub fn rate(cfg: &TrafficConfig, start: Timestamp, t: Timestamp) -> f64 {
    let day_ms = 86_400_000i64;
    let hour = t.millis().rem_euclid(day_ms) as f64 / 3_600_000.0;
    let phase = 2.0 * std::f64::consts::PI * (hour - DIURNAL_PEAK_HOUR) / 24.0;
    let diurnal = 1.0 + cfg.diurnal * phase.cos();
    let hours = (t - start).millis() as f64 / 3_600_000.0;
    let drift = (1.0 + cfg.drift * hours).max(0.0);
    let mut r = cfg.rps * diurnal * drift;
    let offset = t - start;
    let within =
        |at: Duration, len: Duration| offset >= at && offset.millis() < at.millis() + len.millis();
    for b in &cfg.bursts {
        if within(b.at, b.length) {
            r *= b.factor;
        }
    }
    for q in &cfg.quiet {
        if within(q.at, q.length) {
            r = q.rps;
        }
    }
    r.max(0.0)
}

/// Expected requests in `(from, to]`: the rate integrated with a midpoint rule on steps of at
/// most one second.
pub fn expected_requests(
    cfg: &TrafficConfig,
    start: Timestamp,
    from: Timestamp,
    to: Timestamp,
) -> f64 {
    let total = (to - from).millis();
    if total <= 0 {
        return 0.0;
    }
    let steps = (total + 999) / 1000;
    let h = total as f64 / steps as f64;
    (0..steps)
        .map(|i| {
            let mid = from.millis() + ((i as f64 + 0.5) * h) as i64;
            rate(cfg, start, Timestamp(mid)) * h / 1000.0
        })
        .sum()
}

/// [`expected_requests`], remembered per thread for one traffic configuration and start:
/// the trials of a scenario run the same slots under the same traffic.
pub fn expected_requests_remembered(
    cfg: &TrafficConfig,
    start: Timestamp,
    from: Timestamp,
    to: Timestamp,
) -> f64 {
    type Remembered = Option<(TrafficConfig, Timestamp, FxHashMap<(i64, i64), f64>)>;
    thread_local! {
        static REMEMBERED: RefCell<Remembered> = const { RefCell::new(None) };
    }
    REMEMBERED.with(|r| {
        let mut r = r.borrow_mut();
        let fresh =
            !matches!(&*r, Some((c, s, slots)) if c == cfg && *s == start && slots.len() < 100_000);
        if fresh {
            *r = Some((cfg.clone(), start, FxHashMap::default()));
        }
        let (_, _, slots) = r.as_mut().expect("set above");
        *slots
            .entry((from.millis(), to.millis()))
            .or_insert_with(|| expected_requests(cfg, start, from, to))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::config::{Burst, Quiet};

    fn cfg() -> TrafficConfig {
        TrafficConfig {
            rps: 100.0,
            diurnal: 0.0,
            drift: 0.0,
            bursts: vec![],
            quiet: vec![],
        }
    }

    #[test]
    fn rate_table() {
        let start = Timestamp(0); // midnight UTC
        let mut c = cfg();
        c.diurnal = 0.5;
        c.drift = 0.1;
        c.bursts.push(Burst {
            at: Duration::from_secs(60),
            length: Duration::from_secs(60),
            factor: 3.0,
        });
        c.quiet.push(Quiet {
            at: Duration::from_secs(300),
            length: Duration::from_secs(60),
            rps: 0.0,
        });
        let trough = 100.0 * (1.0 + 0.5 * (2.0 * std::f64::consts::PI * -14.0 / 24.0).cos());
        for (t_s, want) in [
            (0, trough),
            (59, trough),
            (60, trough * 3.0),
            (119, trough * 3.0),
            (300, 0.0),
            (360, trough),
            (14 * 3600, 150.0 * 2.4),
        ] {
            let got = rate(&c, start, Timestamp(t_s * 1000));
            assert!((got - want).abs() < 0.5, "t={t_s}s: {got} vs {want}");
        }
    }

    #[test]
    fn remembered_expected_requests_follow_the_configuration() {
        let (a, mut b) = (cfg(), cfg());
        b.rps = 10.0;
        let slot = |c: &TrafficConfig, start: i64, from: i64| {
            let (s, f, t) = (Timestamp(start), Timestamp(from), Timestamp(from + 15_000));
            let remembered = expected_requests_remembered(c, s, f, t);
            assert_eq!(
                remembered.to_bits(),
                expected_requests(c, s, f, t).to_bits()
            );
            remembered
        };
        assert_eq!(slot(&a, 0, 0), 1500.0);
        assert_eq!(
            slot(&b, 0, 0),
            150.0,
            "another configuration is not served from memory"
        );
        assert_eq!(slot(&a, 0, 0), 1500.0);
        let mut bursty = cfg();
        bursty.bursts.push(Burst {
            at: Duration::from_secs(0),
            length: Duration::from_secs(60),
            factor: 2.0,
        });
        assert_eq!(slot(&bursty, 0, 0), 3000.0);
        assert_eq!(
            slot(&bursty, 60_000, 0),
            1500.0,
            "another start is not either"
        );
    }

    #[test]
    fn expected_requests_integrates_the_rate() {
        let c = cfg();
        let n = expected_requests(&c, Timestamp(0), Timestamp(0), Timestamp(15_000));
        assert!((n - 1500.0).abs() < 1e-9);
        assert_eq!(
            expected_requests(&c, Timestamp(0), Timestamp(5), Timestamp(5)),
            0.0
        );
    }
}
