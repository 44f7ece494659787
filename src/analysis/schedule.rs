//! The measurement schedule: when a metric's next measurement is due (SEMANTICS.md §2.2
//! steps 3 and 8, §2.3), as a pure function over simulated time.
//!
//! Depends on `analysis::{spec, counters, phase}` and `model::time`.
//!
//! Mapping the controller's strict `now > finishedAt + I` onto simulated time: a real
//! requeue for `finishedAt + I` fires a little after that instant (reconcile latency), so the
//! strict test passes there. With latency taken as 0 (§2.3), the sim measures exactly at
//! `finishedAt + I`: the worked examples (T0, T0+300 s, T0+310 s after an error, T0+610 s;
//! completion at `T0 + (N-1)*interval`; §10.4's 300/360/420) all follow from this. The
//! initialDelay test is already non-strict in Argo (`startedAt + D` not after now).
//!
//! A zero or negative interval is a hot loop in the controller ("measure again at every
//! reconcile"); with zero latency it would never leave one instant, so the sim waits
//! [`MIN_INTERVAL`] (the 1 s resolution of persisted timestamps) instead.

use crate::analysis::Phase;
use crate::analysis::counters::MetricCounters;
use crate::analysis::spec::{ERROR_RETRY_INTERVAL, MetricSpec};
use crate::model::{Duration, Timestamp};

/// The shortest wait between two measurements of one metric in the sim.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// When the metric's next measurement is due, or `None` when it will take no more:
/// - none when the metric is complete (`metric_phase` completed) or its effective count is
///   reached;
/// - the first at `started_at + initialDelay` (`started_at` when there is no delay);
/// - after an Error, `finishedAt + 10s` whatever the interval (also with no interval);
/// - otherwise `finishedAt + interval`, chained from the previous finish (not a fixed grid);
///   none without an interval.
///
/// `last_measurement` is `(finishedAt, phase)` of the metric's last measurement.
pub fn next_measurement_due(
    spec: &MetricSpec,
    counters: &MetricCounters,
    metric_phase: Phase,
    last_measurement: Option<(Timestamp, Phase)>,
    started_at: Timestamp,
) -> Option<Timestamp> {
    if metric_phase.is_completed() {
        return None;
    }
    let Some((finished_at, last_phase)) = last_measurement else {
        return Some(started_at + spec.initial_delay.unwrap_or(Duration::ZERO));
    };
    if spec.effective_count().is_some_and(|n| counters.count >= n) {
        return None;
    }
    let wait = if last_phase == Phase::Error {
        ERROR_RETRY_INTERVAL
    } else {
        spec.interval?
    };
    let wait = if wait.millis() <= 0 {
        MIN_INTERVAL
    } else {
        wait
    };
    Some(finished_at + wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (case, spec, counters, metric phase, last (finished s, phase), expected s)
    type Row = (
        &'static str,
        MetricSpec,
        MetricCounters,
        Phase,
        Option<(i64, Phase)>,
        Option<i64>,
    );

    const T0: Timestamp = Timestamp::from_millis(1_000_000);

    fn at(secs: i64) -> Timestamp {
        T0 + Duration::from_secs(secs)
    }

    fn spec(interval: Option<i64>, delay: Option<i64>, count: Option<i64>) -> MetricSpec {
        let mut s = MetricSpec::named("m");
        s.interval = interval.map(Duration::from_secs);
        s.initial_delay = delay.map(Duration::from_secs);
        s.count = count;
        s
    }

    fn counted(n: i64) -> MetricCounters {
        MetricCounters {
            count: n,
            successful: n,
            ..MetricCounters::default()
        }
    }

    #[test]
    fn next_measurement_due_table() {
        use Phase::*;
        let five_min_x3 = spec(Some(300), None, Some(3));
        let every_min = spec(Some(60), None, None);
        let single = spec(None, None, None);
        // (case, spec, counters, metric phase, last (finished s, phase), expected s)
        #[rustfmt::skip]
        let cases: Vec<Row> = vec![
            // §2.3: no initialDelay, first measurement at T0.
            ("first at T0", five_min_x3.clone(), counted(0), Running, None, Some(0)),
            // §2.3: initialDelay D, first at T0 + D (§2.2 step 8 startedAt + initialDelay).
            ("first at T0 + initialDelay", spec(Some(60), Some(90), None), counted(0), Running, None, Some(90)),
            // §2.3: after a non-error measurement at t, the next at t + interval (strict > with 0 latency).
            ("chained interval", five_min_x3.clone(), counted(1), Running, Some((0, Successful)), Some(300)),
            ("Failed within limit keeps the interval", every_min.clone(), counted(1), Running, Some((60, Failed)), Some(120)),
            // §2.3: after an Error, t + 10s whatever the interval (5m in the upstream test).
            ("error retry 10s, interval 5m", five_min_x3.clone(), counted(1), Running, Some((300, Error)), Some(310)),
            // §2.3 worked example: the retry shifts the schedule: next at 310 + 300.
            ("schedule shifted by the retry", five_min_x3.clone(), counted(2), Running, Some((310, Successful)), Some(610)),
            // §2.2 step 3: I = 10s when the interval is empty (retrying a single measurement).
            ("error retry without interval", single.clone(), counted(0), Running, Some((0, Error)), Some(10)),
            // §2.2 step 8: nothing when there is no interval and the last was not an Error.
            ("no interval, no error: nothing", spec(None, None, Some(-1)), counted(0), Running, Some((0, Successful)), None),
            // §2.2 steps 3/8: nothing when the effective count is reached.
            ("count reached", five_min_x3.clone(), counted(3), Running, Some((600, Successful)), None),
            ("single measurement done", single.clone(), counted(1), Running, Some((0, Successful)), None),
            ("negative count reached after the first [C]", spec(Some(60), None, Some(-1)), counted(0), Running, Some((0, Error)), None),
            // §2.2 step 3: a completed metric is never measured again.
            ("completed metric", every_min.clone(), counted(1), Failed, Some((0, Failed)), None),
            ("completed before its first measurement", every_min.clone(), counted(0), Successful, None, None),
            // Indefinite metrics go on.
            ("indefinite", every_min.clone(), counted(40), Running, Some((2400, Successful)), Some(2460)),
            // Sim decision: a zero interval waits MIN_INTERVAL instead of hot-looping.
            ("zero interval", spec(Some(0), None, None), counted(1), Running, Some((5, Successful)), Some(6)),
            ("negative interval", spec(Some(-60), None, None), counted(1), Running, Some((5, Successful)), Some(6)),
        ];
        for (case, s, counters, phase, last, want) in cases {
            let got = next_measurement_due(&s, &counters, phase, last.map(|(t, p)| (at(t), p)), T0);
            assert_eq!(got, want.map(at), "{case}");
        }
        // Only non-positive intervals are replaced: a 500ms interval is kept.
        let fast = MetricSpec {
            interval: Some(Duration::from_millis(500)),
            ..spec(None, None, None)
        };
        let got = next_measurement_due(&fast, &counted(1), Running, Some((at(5), Successful)), T0);
        assert_eq!(got, Some(at(5) + Duration::from_millis(500)));
    }
}
