//! SEMANTICS.md §10.4 worked example, as far as AnalysisRuns go (the Rollout steps are the
//! simulator's), plus initialDelay scheduling and the JSON shape of events.

use super::*;

fn sr() -> Metric {
    let mut m = metric("sr", Some("1m"), Some(3));
    m.failure_limit = Some(1);
    m
}

#[test]
fn step_analysis_succeeds_at_420() {
    // §10.4: step run created at 300; sr#1 300, sr#2 360, sr#3 420 (C=3); completed at 420.
    let mut r = AnalysisRun::new("step-2", &[sr()], &[], &[], at(300));
    let ev = drive(&mut r, 3600, |_, _| Successful);
    assert_eq!(taken(&ev, "sr"), vec![300, 360, 420]);
    assert_eq!(completed(&ev), Some((420, Successful, String::new())));
}

#[test]
fn step_analysis_one_failure_continues_two_fail() {
    // §10.4: sr#2 Failed continues (F1 <= 1); a second failure at 420 gives
    // `failed (2) > failureLimit (1)`, run Failed at 420.
    let mut r = AnalysisRun::new("step-2", &[sr()], &[], &[], at(300));
    let ev = drive(
        &mut r,
        3600,
        |_, seq| if seq == 1 { Successful } else { Failed },
    );
    assert_eq!(taken(&ev, "sr"), vec![300, 360, 420]);
    assert_eq!(
        completed(&ev),
        Some((
            420,
            Failed,
            "Metric \"sr\" assessed Failed due to failed (2) > failureLimit (1)".into()
        ))
    );
}

#[test]
fn background_analysis_measures_until_terminated_at_1020() {
    // §10.4: background `err` (interval 2m, no count) created at 420 measures at 420, 540,
    // 660, 780, 900 and 1020 (#6, taken before the Rollout reacts under the §10.2 tie rule);
    // then promotion terminates it: Successful "Run Terminated".
    let mut r = AnalysisRun::new("bg", &[metric("err", Some("2m"), None)], &[], &[], at(420));
    let ev = drive(&mut r, 1020, |_, _| Successful);
    assert_eq!(taken(&ev, "err"), vec![420, 540, 660, 780, 900, 1020]);
    assert_eq!(r.phase(), Running);
    let ev = r.terminate(at(1020));
    assert!(matches!(
        ev.as_slice(),
        [RunEvent::MetricCompleted { phase: Successful, .. }, RunEvent::AnalysisRunCompleted { phase: Successful, message, .. }]
            if message == "Run Terminated"
    ));
}

#[test]
fn initial_delay_defers_the_first_measurement() {
    // §2.3: with initialDelay D the first measurement is at T0 + D; other metrics start at T0.
    let mut delayed = metric("late", Some("1m"), Some(2));
    delayed.initial_delay = Some("90s".into());
    let mut r = run(&[metric("now", None, None), delayed]);
    let ev = drive(&mut r, 3600, |_, _| Successful);
    assert_eq!(taken(&ev, "now"), vec![0]);
    assert_eq!(taken(&ev, "late"), vec![90, 150]);
    assert_eq!(completed(&ev).map(|c| c.0), Some(150));
}

#[test]
fn retention_keeps_decisions_and_trims_the_view() {
    // §2.2 step 7: trimming does not affect decisions; a retention limit > 0 overrides 10.
    let rules = [MeasurementRetention {
        metric_name: "m".into(),
        limit: 2,
    }];
    let mut r = AnalysisRun::new("run", &[metric("m", Some("1m"), Some(5))], &[], &rules, T0);
    drive(&mut r, 3600, |_, _| Successful);
    let m = &r.metrics()[0];
    assert_eq!((m.measurements.len(), m.counters.count), (5, 5));
    assert_eq!(m.retained_measurements().len(), 2);
    assert_eq!(m.retained_measurements()[0].started_at, at(180));
}

#[test]
fn events_serialize_as_json() {
    // §10.3 payloads, camelCase, tagged by event name.
    let mut r = run(&[metric("m", None, None)]);
    let taken = r.record(0, T0, outcome(Successful)).expect("due metric");
    let json = serde_json::to_string(&taken).expect("serializable");
    assert_eq!(
        json,
        r#"{"event":"MeasurementTaken","metric":"m","seq":1,"value":"1","phase":"Successful","message":"","counters":{"count":1,"successful":1,"failed":0,"inconclusive":0,"error":0,"consecutiveError":0,"consecutiveSuccess":1}}"#
    );
    let done = r.reconcile(T0);
    let json = serde_json::to_string(&done).expect("serializable");
    assert!(
        json.contains(
            r#""event":"MetricCompleted","metric":"m","phase":"Successful","limitMessage":"""#
        ),
        "{json}"
    );
    assert!(json.contains(r#""event":"AnalysisRunCompleted","phase":"Successful","message":"","runSummary":{"count":1,"successful":1"#), "{json}");
}

#[test]
fn parsed_specs_and_query_latency() {
    // §10.1 query_latency knob: the schedule chains from finishedAt (§2.3).
    let mut spec = MetricSpec::named("m");
    spec.interval = Some(crate::model::Duration::from_secs(60));
    spec.count = Some(2);
    let mut r = AnalysisRun::from_specs("run", vec![spec.clone()], &[], T0);
    assert_eq!(r.due_metrics(T0), vec![0]);
    r.record_measurement(0, T0, at(2), outcome(Successful))
        .expect("due metric");
    assert!(r.reconcile(at(2)).is_empty());
    assert_eq!(r.next_due(), Some(at(62)));
    // §2.9 rules apply to parsed specs too.
    spec.interval = None;
    let r = AnalysisRun::from_specs("run", vec![spec], &[], T0);
    assert_eq!(
        (r.phase(), r.message()),
        (
            Error,
            "Analysis spec invalid: metrics[0]: interval must be specified when count > 1"
        )
    );
}
