//! Scenario tests of the `AnalysisRun` state machine: SEMANTICS.md's worked examples (§2.3,
//! §2.7, §2.8, §10.4), driven the way the simulator drives it (§10.2).

use super::*;
use Phase::*;

const T0: Timestamp = Timestamp::from_millis(1_700_000_000_000);

fn at(secs: i64) -> Timestamp {
    T0 + crate::model::Duration::from_secs(secs)
}

fn secs(t: Timestamp) -> i64 {
    (t - T0).millis() / 1000
}

fn outcome(phase: Phase) -> MeasurementOutcome {
    let message = if phase == Error {
        "connection refused".to_string()
    } else {
        String::new()
    };
    let value = if phase == Error { "" } else { "1" };
    MeasurementOutcome {
        phase,
        value: value.to_string(),
        message,
    }
}

fn metric(name: &str, interval: Option<&str>, count: Option<i64>) -> Metric {
    let mut m = Metric::named(name);
    m.interval = interval.map(str::to_string);
    m.count = count;
    m
}

fn run(metrics: &[Metric]) -> AnalysisRun {
    AnalysisRun::new("run", metrics, &[], &[], T0)
}

/// One simulated instant: measure every due metric in spec order with the phase `script`
/// gives (metric name, 1-based seq), then reconcile.
fn step(
    r: &mut AnalysisRun,
    now: Timestamp,
    script: &mut impl FnMut(&str, usize) -> Phase,
) -> Vec<RunEvent> {
    let mut events = Vec::new();
    for i in r.due_metrics(now) {
        let m = &r.metrics()[i];
        let phase = script(&m.spec.name, m.measurements.len() + 1);
        events.push(r.record(i, now, outcome(phase)).expect("due metric"));
    }
    events.extend(r.reconcile(now));
    events
}

/// Drives the run from T0 until it completes or `horizon` seconds; returns (seconds, event).
fn drive(
    r: &mut AnalysisRun,
    horizon: i64,
    mut script: impl FnMut(&str, usize) -> Phase,
) -> Vec<(i64, RunEvent)> {
    let mut out = Vec::new();
    let mut now = r.created_at();
    loop {
        for e in step(r, now, &mut script) {
            out.push((secs(now), e));
        }
        match r.next_due() {
            Some(t) if secs(t) <= horizon => now = t,
            _ => return out,
        }
    }
}

/// The times of `MeasurementTaken` events for `metric`.
fn taken(events: &[(i64, RunEvent)], metric: &str) -> Vec<i64> {
    events
        .iter()
        .filter_map(|(t, e)| match e {
            RunEvent::MeasurementTaken { metric: m, .. } if m == metric => Some(*t),
            _ => None,
        })
        .collect()
}

fn completed(events: &[(i64, RunEvent)]) -> Option<(i64, Phase, String)> {
    events.iter().find_map(|(t, e)| match e {
        RunEvent::AnalysisRunCompleted { phase, message, .. } => {
            Some((*t, *phase, message.clone()))
        }
        _ => None,
    })
}

#[test]
fn error_retry_shifts_the_schedule_by_10s() {
    // §2.3: interval 5m, count 3; Successful at T0, query error at T0+300, retry Successful at
    // T0+310, next at T0+610. Completion at the measurement that completes the metric.
    let mut r = run(&[metric("m", Some("5m"), Some(3))]);
    let ev = drive(
        &mut r,
        3600,
        |_, seq| if seq == 2 { Error } else { Successful },
    );
    assert_eq!(taken(&ev, "m"), vec![0, 300, 310, 610]);
    assert_eq!(completed(&ev), Some((610, Successful, String::new())));
    let c = r.metrics()[0].counters;
    assert_eq!((c.count, c.error, c.consecutive_error), (3, 1, 0));
    assert_eq!(r.completed_at(), Some(at(610)));
}

#[test]
fn count_n_completes_at_t0_plus_n_minus_1_intervals() {
    // §2.3: with count N and no errors the run completes at T0 + (N-1)*interval.
    let mut r = run(&[metric("m", Some("1m"), Some(3))]);
    let ev = drive(&mut r, 3600, |_, _| Successful);
    assert_eq!(taken(&ev, "m"), vec![0, 60, 120]);
    assert_eq!(completed(&ev).map(|c| c.0), Some(120));
    assert_eq!(r.started_at(), Some(T0));
}

#[test]
fn early_failure_completes_the_run_at_the_same_instant() {
    // §2.7 timeline: B fails at t while A is mid-flight; the second reconcile (same instant)
    // terminates: A becomes Successful through rule 7 and the run is Failed at t.
    let mut r = run(&[
        metric("a", Some("1m"), None),
        metric("b", Some("1m"), Some(5)),
    ]);
    let ev = drive(&mut r, 3600, |m, seq| {
        if m == "b" && seq == 3 {
            Failed
        } else {
            Successful
        }
    });
    assert_eq!(taken(&ev, "a"), vec![0, 60, 120]);
    assert_eq!(
        completed(&ev),
        Some((
            120,
            Failed,
            "Metric \"b\" assessed Failed due to failed (1) > failureLimit (0)".into()
        ))
    );
    let order: Vec<_> = ev
        .iter()
        .filter_map(|(_, e)| match e {
            RunEvent::MetricCompleted { metric, phase, .. } => Some((metric.as_str(), *phase)),
            _ => None,
        })
        .collect();
    // B completes in reconcile #1, A in reconcile #2.
    assert_eq!(order, vec![("b", Failed), ("a", Successful)]);
    assert_eq!(r.next_due(), None);
    assert!(r.due_metrics(at(180)).is_empty());
}

#[test]
fn five_consecutive_errors_error_the_run() {
    // §1.2/§6.2: default consecutiveErrorLimit 4, so the fifth consecutive Error; retries 10s
    // apart (§2.3); the run message carries the last measurement's message (§2.7).
    let mut r = run(&[metric("m", None, None)]);
    let ev = drive(&mut r, 3600, |_, _| Error);
    assert_eq!(taken(&ev, "m"), vec![0, 10, 20, 30, 40]);
    assert_eq!(
        completed(&ev),
        Some((
            40,
            Error,
            "Metric \"m\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): \"Error Message: connection refused\"".into()
        ))
    );
    assert_eq!(r.metrics()[0].message, "connection refused");
    assert_eq!(r.run_summary().error, 1);
}

#[test]
fn failing_dry_run_metric_does_not_fail_the_run() {
    // §2.7: dry-run metrics never make the run worse nor terminate it; their message is
    // `Metric assessed <Phase> due to <reason>`; dryRunSummary counts them.
    let metrics = [
        metric("canary-errors", Some("1m"), Some(3)),
        metric("latency", Some("1m"), Some(2)),
    ];
    let mut r = AnalysisRun::new("run", &metrics, &["errors".to_string()], &[], T0);
    let ev = drive(&mut r, 3600, |m, _| {
        if m == "canary-errors" {
            Failed
        } else {
            Successful
        }
    });
    // The dry-run metric completes at its first failure and stops being measured.
    assert_eq!(taken(&ev, "canary-errors"), vec![0]);
    assert_eq!(completed(&ev), Some((60, Successful, String::new())));
    let dry = &r.metrics()[0];
    assert!(dry.spec.dry_run);
    assert_eq!(
        dry.message,
        "Metric assessed Failed due to failed (1) > failureLimit (0)"
    );
    assert_eq!(r.dry_run_summary().failed, 1);
    assert_eq!(r.run_summary().successful, 1);
}

#[test]
fn indefinite_metric_completes_on_first_failure() {
    // §2.8: interval set, no count, default limits: the first Failed completes it.
    let mut r = run(&[metric("m", Some("2m"), None)]);
    let ev = drive(
        &mut r,
        86_400,
        |_, seq| if seq == 4 { Failed } else { Successful },
    );
    assert_eq!(taken(&ev, "m"), vec![0, 120, 240, 360]);
    assert_eq!(completed(&ev).map(|c| (c.0, c.1)), Some((360, Failed)));
}

#[test]
fn consecutive_success_limit_cases() {
    let csl = |fl: i64, csl: i64| {
        let mut m = metric("m", Some("1m"), Some(4));
        m.failure_limit = Some(fl);
        m.consecutive_success_limit = Some(csl);
        m
    };
    let script = |phases: [Phase; 4]| move |_: &str, seq: usize| phases[seq - 1];
    // (case, metric, measurement phases, completion second, run phase): §2.6 rules 5 and 6.
    #[rustfmt::skip]
    let cases = [
        ("r5 csl 2 reached after S F S S", csl(1, 2), [Successful, Failed, Successful, Successful], 180, Successful),
        ("r5 csl reached before count", csl(1, 2), [Successful, Successful, Failed, Failed], 60, Successful),
        ("r6 count reached, csl 3 not: Inconclusive", csl(1, 3), [Successful, Failed, Successful, Successful], 180, Inconclusive),
        ("r6 failureLimit -1, csl not reached: Failed", csl(-1, 3), [Failed, Failed, Successful, Successful], 180, Failed),
    ];
    for (case, m, phases, t, phase) in cases {
        let mut r = run(&[m]);
        let ev = drive(&mut r, 3600, script(phases));
        // No limit message: the run message stays empty (§2.7 [C]) and the summary counts
        // the metric as successful (§2.7 quirk).
        assert_eq!(completed(&ev), Some((t, phase, String::new())), "{case}");
        assert_eq!(r.run_summary().successful, 1, "{case}");
    }
}

#[test]
fn termination_outcomes() {
    // §2.7: a terminated run completes Successful with `Run Terminated`...
    let mut r = run(&[metric("m", Some("1m"), None)]);
    drive(&mut r, 120, |_, _| Successful);
    assert_eq!(r.phase(), Running);
    let ev = r.terminate(at(150));
    assert!(
        matches!(ev.last(), Some(RunEvent::AnalysisRunCompleted { phase: Successful, message, .. }) if message == "Run Terminated")
    );
    assert_eq!(r.metrics()[0].phase, Successful);
    assert_eq!(r.next_due(), None);

    // ... also before any measurement (a metric still in its initialDelay) ...
    let mut delayed = metric("m", Some("1m"), None);
    delayed.initial_delay = Some("10m".into());
    let mut r = run(&[delayed]);
    assert!(r.reconcile(T0).is_empty());
    assert_eq!(r.next_due(), Some(at(600)));
    r.terminate(at(60));
    assert_eq!((r.phase(), r.message()), (Successful, "Run Terminated"));
    assert_eq!(r.metrics()[0].phase, Pending);

    // ... unless a limit was breached.
    let mut r = run(&[metric("m", Some("1m"), None)]);
    r.record(0, T0, outcome(Failed)).expect("first measurement");
    r.terminate(T0);
    assert_eq!(
        (r.phase(), r.message()),
        (
            Failed,
            "Metric \"m\" assessed Failed due to failed (1) > failureLimit (0)"
        )
    );
}

#[test]
fn invalid_spec_errors_the_run_immediately() {
    // §2.2 step 2, §2.9, §11 item 3: the run is Error at creation; the first reconcile
    // reports it.
    let mut r = run(&[metric("m", None, Some(3))]);
    assert!(r.is_completed());
    assert_eq!(
        r.message(),
        "Analysis spec invalid: metrics[0]: interval must be specified when count > 1"
    );
    assert_eq!(r.next_due(), None);
    let ev = r.reconcile(T0);
    assert!(matches!(
        &ev[..],
        [RunEvent::AnalysisRunCompleted { phase: Error, .. }]
    ));
    assert!(r.reconcile(T0).is_empty());
    // §9 item 5: a `*` dryRun rule does not compile, so it matches nothing.
    let mut r = AnalysisRun::new("run", &[metric("m", None, None)], &["*".into()], &[], T0);
    assert_eq!(
        r.message(),
        "Analysis spec invalid: dryRun[0]: Rule didn't match any metric name(s)"
    );
    assert_eq!(
        r.record(0, T0, outcome(Successful)),
        Err(RecordError::RunCompleted("run".into()))
    );
}

#[path = "run_worked_example.rs"]
mod worked_example;
