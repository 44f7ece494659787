//! Tables for `metric.rs`: each rule of SEMANTICS.md §2.6 and the completion summary of §2.8.

use super::*;
use crate::model::Duration;
use Phase::*;
use Termination::*;

/// (count, successful, failed, inconclusive, error, consecutiveError, consecutiveSuccess)
fn k(v: [i64; 7]) -> MetricCounters {
    MetricCounters::from_slots(v)
}

fn spec(f: impl FnOnce(&mut MetricSpec)) -> MetricSpec {
    let mut s = MetricSpec::named("m");
    f(&mut s);
    s
}

fn every_minute(count: Option<i64>) -> MetricSpec {
    spec(|s| {
        s.interval = Some(Duration::from_secs(60));
        s.count = count;
    })
}

/// (case, spec, counters, stored phase, last measurement, termination, phase, limit message)
type Row = (
    &'static str,
    MetricSpec,
    [i64; 7],
    Phase,
    Option<Phase>,
    Termination,
    Phase,
    Option<&'static str>,
);

#[test]
fn assess_metric_rule_table() {
    let single = MetricSpec::named("m");
    let csl3 = spec(|s| {
        s.interval = Some(Duration::from_secs(60));
        s.count = Some(5);
        s.consecutive_success_limit = 3;
    });
    let csl3_no_failure = spec(|s| {
        s.interval = Some(Duration::from_secs(60));
        s.count = Some(5);
        s.failure_limit = -1;
        s.consecutive_success_limit = 3;
    });
    let fl1 = spec(|s| {
        s.interval = Some(Duration::from_secs(60));
        s.count = Some(3);
        s.failure_limit = 1;
    });
    let z = [0; 7];
    // (case, spec, counters, stored, last measurement, termination, phase, limit message)
    #[rustfmt::skip]
    let cases: Vec<Row> = vec![
        // Rule 1: a completed stored phase is sticky, even if counters say otherwise.
        ("r1 sticky Successful", single.clone(), [1, 0, 1, 0, 0, 0, 0], Successful, Some(Failed), Continuing, Successful, Some("failed (1) > failureLimit (0)")),
        ("r1 sticky Failed while terminating", single.clone(), [1, 0, 1, 0, 0, 0, 0], Failed, Some(Failed), Terminating, Failed, Some("failed (1) > failureLimit (0)")),
        // Rule 2: no measurements.
        ("r2 no measurement: Pending", single.clone(), z, Running, None, Continuing, Pending, None),
        ("r2 no measurement, terminating: Successful", single.clone(), z, Running, None, Terminating, Successful, None),
        // Rule 3: in-flight last measurement.
        ("r3 in flight", single.clone(), z, Running, Some(Running), Continuing, Running, None),
        // Rule 4a: failed > failureLimit (first failure with the default limit 0).
        ("r4a failed > 0", every_minute(None), [1, 0, 1, 0, 0, 0, 0], Running, Some(Failed), Continuing, Failed, Some("failed (1) > failureLimit (0)")),
        ("r4a failed == limit is not a breach (§9 item 2)", fl1.clone(), [2, 1, 1, 0, 0, 0, 0], Running, Some(Failed), Continuing, Running, None),
        ("r4a failed (2) > failureLimit (1)", fl1.clone(), [3, 1, 2, 0, 0, 0, 0], Running, Some(Failed), Continuing, Failed, Some("failed (2) > failureLimit (1)")),
        ("r4a failureLimit -1 disables the check", csl3_no_failure.clone(), [2, 0, 2, 0, 0, 0, 0], Running, Some(Failed), Continuing, Running, None),
        // Rule 4b.
        ("r4b inconclusive > 0", every_minute(None), [1, 0, 0, 1, 0, 0, 0], Running, Some(Inconclusive), Continuing, Inconclusive, Some("inconclusive (1) > inconclusiveLimit (0)")),
        // Rule 4c: 5 consecutive errors with the default limit 4.
        ("r4c 4 consecutive errors: still Running", single.clone(), [0, 0, 0, 0, 4, 4, 0], Running, Some(Error), Continuing, Running, None),
        ("r4c consecutiveErrors (5) > 4", single.clone(), [0, 0, 0, 0, 5, 5, 0], Running, Some(Error), Continuing, Error, Some("consecutiveErrors (5) > consecutiveErrorLimit (4)")),
        // Rule 4 order: the later check overwrites, Error > Inconclusive > Failed.
        ("r4 Inconclusive overwrites Failed", every_minute(None), [2, 0, 1, 1, 0, 0, 0], Running, Some(Inconclusive), Continuing, Inconclusive, Some("inconclusive (1) > inconclusiveLimit (0)")),
        ("r4 Error overwrites Failed", every_minute(None), [1, 0, 1, 0, 5, 5, 0], Running, Some(Error), Continuing, Error, Some("consecutiveErrors (5) > consecutiveErrorLimit (4)")),
        // Rule 4 applies even when terminating.
        ("r4 applies when terminating", every_minute(None), [1, 0, 1, 0, 0, 0, 0], Running, Some(Failed), Terminating, Failed, Some("failed (1) > failureLimit (0)")),
        // Rule 5: consecutive successes reached.
        ("r5 csl reached", csl3.clone(), [3, 3, 0, 0, 0, 0, 3], Running, Some(Successful), Continuing, Successful, None),
        ("r5 csl not reached", csl3.clone(), [2, 2, 0, 0, 0, 0, 2], Running, Some(Successful), Continuing, Running, None),
        // Rule 6: count reached.
        ("r6 count reached, no csl: Successful", every_minute(Some(3)), [3, 3, 0, 0, 0, 0, 3], Running, Some(Successful), Continuing, Successful, None),
        ("r6 failures within limit: Successful", fl1.clone(), [3, 2, 1, 0, 0, 0, 1], Running, Some(Successful), Continuing, Successful, None),
        ("r6 csl not reached (errors broke the streak), failure applicable: Inconclusive", csl3.clone(), [5, 5, 0, 0, 2, 0, 1], Running, Some(Successful), Continuing, Inconclusive, None),
        ("r6 csl not reached, failureLimit 0 and within it: Inconclusive", spec(|s| { s.interval = Some(Duration::from_secs(60)); s.count = Some(5); s.inconclusive_limit = 5; s.consecutive_success_limit = 3; }), [5, 3, 0, 2, 0, 0, 1], Running, Some(Successful), Continuing, Inconclusive, None),
        ("r6 csl not reached, failureLimit -1: Failed", csl3_no_failure.clone(), [5, 2, 3, 0, 0, 0, 2], Running, Some(Successful), Continuing, Failed, None),
        ("r6 single measurement: Successful", single.clone(), [1, 1, 0, 0, 0, 0, 1], Running, Some(Successful), Continuing, Successful, None),
        ("r6 errors do not count toward count", single.clone(), [0, 0, 0, 0, 1, 1, 0], Running, Some(Error), Continuing, Running, None),
        ("r6 negative count is reached at once [C]", spec(|s| s.count = Some(-1)), [1, 1, 0, 0, 0, 0, 1], Running, Some(Successful), Continuing, Successful, None),
        // Rule 7: still going.
        ("r7 indefinite: Running", every_minute(None), [9, 9, 0, 0, 0, 0, 9], Running, Some(Successful), Continuing, Running, None),
        ("r7 terminating: Successful", every_minute(Some(3)), [1, 1, 0, 0, 0, 0, 1], Running, Some(Successful), Terminating, Successful, None),
    ];
    for (case, s, counters, stored, last, term, phase, msg) in cases {
        let got = assess_metric(&s, &k(counters), stored, last, term);
        assert_eq!(got.phase, phase, "{case}");
        assert_eq!(got.message(), msg, "{case}");
    }
}

#[test]
fn indefinite_metric_completes_on_first_failure() {
    // §2.8: with default limits the first Failed or Inconclusive completes an indefinite metric.
    let s = every_minute(None);
    for (last, want) in [(Failed, Failed), (Inconclusive, Inconclusive)] {
        let mut c = MetricCounters::default();
        for _ in 0..10 {
            c.apply(Successful);
        }
        c.apply(last);
        let got = assess_metric(&s, &c, Running, Some(last), Continuing);
        assert_eq!(got.phase, want);
    }
}
