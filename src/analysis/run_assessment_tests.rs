//! Tables for `run_assessment.rs`: each rule of SEMANTICS.md §2.7.

use super::*;
use crate::analysis::metric::LimitBreach;
use Phase::*;
use Termination::*;

fn spec(name: &str, dry_run: bool) -> MetricSpec {
    let mut s = MetricSpec::named(name);
    s.dry_run = dry_run;
    s
}

fn assessed(phase: Phase, limit: Option<(Phase, &str)>) -> MetricAssessment {
    MetricAssessment {
        phase,
        limit: limit.map(|(phase, m)| LimitBreach {
            phase,
            message: m.to_string(),
        }),
    }
}

const F1: Option<(Phase, &str)> = Some((Failed, "failed (1) > failureLimit (0)"));
const E5: Option<(Phase, &str)> =
    Some((Error, "consecutiveErrors (5) > consecutiveErrorLimit (4)"));
const I1: Option<(Phase, &str)> = Some((Inconclusive, "inconclusive (1) > inconclusiveLimit (0)"));

/// A metric whose stored phase was Running and whose last measurement had `last` as message.
fn m<'a>(s: &'a MetricSpec, a: MetricAssessment, last: &'a str) -> RunMetric<'a> {
    RunMetric {
        spec: s,
        stored: Some((Running, "")),
        assessment: Some(a),
        last_message: last,
    }
}

/// A metric that already had its completed phase stored.
fn sticky<'a>(s: &'a MetricSpec, a: MetricAssessment, stored_msg: &'a str) -> RunMetric<'a> {
    RunMetric {
        spec: s,
        stored: Some((a.phase, stored_msg)),
        assessment: Some(a),
        last_message: stored_msg,
    }
}

fn absent(s: &MetricSpec) -> RunMetric<'_> {
    RunMetric {
        spec: s,
        stored: None,
        assessment: None,
        last_message: "",
    }
}

#[test]
fn run_phase_and_message_table() {
    let (a, b, c) = (spec("a", false), spec("b", false), spec("c", false));
    let dry = spec("d", true);
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<RunMetric>, Termination, Phase, &str)> = vec![
        // Worst phase over completed metrics (TestIsWorst): Failed > Error > Inconclusive.
        ("worst: Failed beats Error", vec![m(&a, assessed(Error, E5), ""), m(&b, assessed(Failed, F1), "")], Continuing, Failed, "Metric \"b\" assessed Failed due to failed (1) > failureLimit (0)"),
        ("worst: Error beats Inconclusive", vec![m(&a, assessed(Inconclusive, I1), ""), m(&b, assessed(Error, E5), "")], Continuing, Error, "Metric \"b\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4)"),
        ("all Successful", vec![m(&a, assessed(Successful, None), ""), m(&b, assessed(Successful, None), "")], Continuing, Successful, ""),
        // Any incomplete metric keeps the run Running with no message.
        ("incomplete metric: Running", vec![m(&a, assessed(Successful, None), ""), m(&b, assessed(Running, None), "")], Continuing, Running, ""),
        // A metric with no MetricResult yet (initialDelay) counts as not complete.
        ("no MetricResult yet: Running", vec![m(&a, assessed(Successful, None), ""), absent(&b)], Continuing, Running, ""),
        // Message: same worst phase, the first in spec order wins.
        ("same phase: first in spec order", vec![m(&a, assessed(Failed, F1), ""), m(&b, assessed(Failed, Some((Failed, "failed (3) > failureLimit (2)"))), "")], Continuing, Failed, "Metric \"a\" assessed Failed due to failed (1) > failureLimit (0)"),
        // Message: a worse metric without a limit message leaves the previous message [C].
        ("worse without limit message keeps previous", vec![m(&a, assessed(Inconclusive, I1), ""), m(&b, assessed(Failed, None), "")], Continuing, Failed, "Metric \"a\" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)"),
        ("worse without limit message: may stay empty", vec![m(&a, assessed(Successful, None), ""), m(&b, assessed(Failed, None), "")], Continuing, Failed, ""),
        // Message suffix: the metric's message (its last measurement's, copied on the phase change).
        ("Error Message suffix", vec![m(&a, assessed(Error, E5), "Post \"http://prom\": connection refused")], Continuing, Error, "Metric \"a\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): \"Error Message: Post \"http://prom\": connection refused\""),
        // Terminating (spec.terminate): completes now with the worst phase, Successful if none.
        ("terminate, nothing completed: Successful", vec![m(&a, assessed(Successful, None), ""), absent(&b)], Terminating, Successful, "Run Terminated"),
        ("terminate, nothing measured at all", vec![absent(&a)], Terminating, Successful, "Run Terminated"),
        ("terminate after a breach keeps the breach", vec![sticky(&a, assessed(Failed, F1), ""), m(&b, assessed(Successful, None), "")], Terminating, Failed, "Metric \"a\" assessed Failed due to failed (1) > failureLimit (0)"),
        // Dry-run metrics never make the run worse and seed the worst phase with Successful.
        ("dry-run Failed does not fail the run", vec![m(&dry, assessed(Failed, F1), ""), m(&a, assessed(Successful, None), "")], Continuing, Successful, ""),
        ("only dry-run metrics: Successful", vec![m(&dry, assessed(Failed, F1), "")], Continuing, Successful, ""),
        ("dry-run seed, then a real failure", vec![m(&dry, assessed(Successful, None), ""), m(&c, assessed(Failed, F1), "")], Continuing, Failed, "Metric \"c\" assessed Failed due to failed (1) > failureLimit (0)"),
        ("dry-run completed, other running", vec![m(&dry, assessed(Failed, F1), ""), m(&a, assessed(Running, None), "")], Continuing, Running, ""),
    ];
    for (case, metrics, term, phase, message) in cases {
        let got = assess_run(&metrics, term);
        assert_eq!(
            (got.phase, got.message.as_str()),
            (phase, message),
            "{case}"
        );
    }
}

#[test]
fn early_failure_takes_two_assessments() {
    // §2.7 "Timeline of an early failure" (TestAssessRunStatusUpdateResult).
    let (a, b) = (spec("a", false), spec("b", false));
    // Reconcile #1: B is assessed Failed, but its stored phase is still Running.
    let first = [
        m(&a, assessed(Running, None), ""),
        m(&b, assessed(Failed, F1), ""),
    ];
    assert_eq!(is_terminating(Continuing, &first), Continuing);
    let got = assess_run(&first, Continuing);
    assert_eq!((got.phase, got.message.as_str()), (Running, ""));
    // Reconcile #2: B is stored Failed, so the run is terminating; A is Successful (rule 7).
    let second = [
        m(&a, assessed(Successful, None), ""),
        sticky(&b, assessed(Failed, F1), ""),
    ];
    assert_eq!(is_terminating(Continuing, &second), Terminating);
    let got = assess_run(&second, Continuing);
    assert_eq!(got.phase, Failed);
    assert_eq!(
        got.message,
        "Metric \"b\" assessed Failed due to failed (1) > failureLimit (0)"
    );
}

#[test]
fn dry_run_metric_does_not_terminate_and_gets_a_message() {
    let (dry, a) = (spec("d", true), spec("a", false));
    let metrics = [
        sticky(&dry, assessed(Failed, F1), ""),
        m(&a, assessed(Running, None), ""),
    ];
    // §2.7: a dry-run metric does not trigger termination.
    assert_eq!(is_terminating(Continuing, &metrics), Continuing);
    let got = assess_run(&metrics, Continuing);
    // §2.7: its own message is `Metric assessed <Phase> due to <reason>`.
    assert_eq!(
        got.metric_messages,
        vec![
            "Metric assessed Failed due to failed (1) > failureLimit (0)".to_string(),
            String::new()
        ]
    );
}

#[test]
fn summaries_count_metrics_by_limit_phase() {
    let (a, b, c, d) = (
        spec("a", false),
        spec("b", false),
        spec("c", false),
        spec("d", false),
    );
    let dry = spec("x", true);
    let metrics = [
        m(&a, assessed(Failed, F1), ""),
        // Failed through consecutiveSuccessLimit (rule 6): no limit phase, counted successful.
        m(&b, assessed(Failed, None), ""),
        m(&c, assessed(Running, None), ""),
        absent(&d),
        m(&dry, assessed(Error, E5), ""),
    ];
    let got = assess_run(&metrics, Continuing);
    // §2.7 run summaries: count = non-dry-run metrics; buckets use the limit-rule phase [C].
    assert_eq!(
        got.run_summary,
        RunSummary {
            count: 4,
            successful: 1,
            failed: 1,
            inconclusive: 0,
            error: 0
        }
    );
    assert_eq!(
        got.dry_run_summary,
        RunSummary {
            count: 1,
            error: 1,
            ..RunSummary::default()
        }
    );
}
