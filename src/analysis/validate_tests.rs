//! Tables for `validate.rs`: every rule of SEMANTICS.md §2.9 and the dryRun matching of §2.2/§9.

use super::*;
use crate::model::Duration;

fn metric(f: impl FnOnce(&mut Metric)) -> Metric {
    let mut m = Metric::named("m");
    f(&mut m);
    m
}

/// (dryRun rules, expected dry-run flags or error)
type DryRunRow = (Vec<String>, Result<Vec<bool>, String>);

#[test]
fn metric_rules_table() {
    // (case, metric, expected error): SEMANTICS §2.9, one row per rule, in Argo's order.
    let cases: Vec<(&str, Metric, &str)> = vec![
        (
            "csl < 0",
            metric(|m| m.consecutive_success_limit = Some(-1)),
            "metrics[0]: consecutiveSuccessLimit must be >= 0",
        ),
        (
            "failureLimit < -1",
            metric(|m| m.failure_limit = Some(-2)),
            "metrics[0]: failureLimit must be >= 0, or -1 to be disabled",
        ),
        (
            "csl 0 with failureLimit -1",
            metric(|m| m.failure_limit = Some(-1)),
            "metrics[0]: failureLimit and consecutiveSuccessLimit cannot both be disabled",
        ),
        (
            "inconclusiveLimit < 0",
            metric(|m| m.inconclusive_limit = Some(-1)),
            "metrics[0]: inconclusiveLimit must be >= 0",
        ),
        (
            "consecutiveErrorLimit < 0",
            metric(|m| m.consecutive_error_limit = Some(-1)),
            "metrics[0]: consecutiveErrorLimit must be >= 0",
        ),
        (
            "count < failureLimit + csl",
            metric(|m| {
                m.count = Some(3);
                m.interval = Some("1m".into());
                m.failure_limit = Some(2);
                m.consecutive_success_limit = Some(2);
            }),
            "metrics[0]: count (3) must be >= failureLimit + consecutiveSuccessLimit (2 + 2) if both >= 0",
        ),
        (
            "failureLimit -1 and count < csl",
            metric(|m| {
                m.count = Some(2);
                m.interval = Some("1m".into());
                m.failure_limit = Some(-1);
                m.consecutive_success_limit = Some(3);
            }),
            "metrics[0]: count must be >= consecutiveSuccessLimit",
        ),
        (
            "count < inconclusiveLimit",
            metric(|m| {
                m.count = Some(2);
                m.interval = Some("1m".into());
                m.inconclusive_limit = Some(3);
            }),
            "metrics[0]: count must be >= inconclusiveLimit",
        ),
        (
            "count > 1 without interval",
            metric(|m| m.count = Some(2)),
            "metrics[0]: interval must be specified when count > 1",
        ),
        (
            "count > 1 with empty interval string",
            metric(|m| {
                m.count = Some(2);
                m.interval = Some(String::new());
            }),
            "metrics[0]: interval must be specified when count > 1",
        ),
        (
            "unparsable interval (§6.1 unit-less)",
            metric(|m| m.interval = Some("60".into())),
            "metrics[0]: invalid interval string: time: missing unit in duration \"60\"",
        ),
        (
            "unparsable initialDelay says startDelay",
            metric(|m| m.initial_delay = Some("1d".into())),
            "metrics[0]: invalid startDelay string: time: unknown unit \"d\" in duration \"1d\"",
        ),
        (
            "no provider",
            metric(|m| m.provider_count = 0),
            "metrics[0]: no provider specified",
        ),
        (
            "multiple providers",
            metric(|m| m.provider_count = 2),
            "metrics[0]: multiple providers specified",
        ),
    ];
    for (case, m, want) in cases {
        assert_eq!(validate_metrics(&[m]), Err(want.to_string()), "{case}");
    }
}

#[test]
fn list_rules_and_valid_metrics() {
    // §2.9: no metrics.
    assert_eq!(validate_metrics(&[]), Err("no metrics specified".into()));
    // §2.9: duplicate name, reported at the second occurrence.
    let dup = [Metric::named("a"), Metric::named("b"), Metric::named("a")];
    assert_eq!(
        validate_metrics(&dup),
        Err("metrics[2]: duplicate name 'a'".into())
    );
    // §2.9: the index is the failing metric's.
    let second_bad = [Metric::named("a"), metric(|m| m.provider_count = 0)];
    assert_eq!(
        validate_metrics(&second_bad),
        Err("metrics[1]: no provider specified".into())
    );
    // §1.2: count 1 without an interval is fine; failureLimit -1 with csl > 0 is fine.
    let ok = [
        metric(|m| m.count = Some(1)),
        metric(|m| {
            m.name = "csl".into();
            m.count = Some(3);
            m.interval = Some("1m".into());
            m.failure_limit = Some(-1);
            m.consecutive_success_limit = Some(3);
        }),
    ];
    let specs = validate_metrics(&ok).expect("valid metrics");
    assert_eq!(specs[0].consecutive_error_limit, 4);
    assert_eq!(specs[1].interval, Some(Duration::from_secs(60)));
    assert_eq!(specs[1].failure_limit, -1);
}

#[test]
fn dry_run_rules_are_unanchored_go_regexes() {
    let names = ["success-rate", "latency", "errors"];
    let rules = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // (rules, expected): SEMANTICS §2.2 step 2 and §9 item 5.
    let cases: Vec<DryRunRow> = vec![
        // no rules: nothing is dry-run
        (rules(&[]), Ok(vec![false, false, false])),
        // unanchored: `rate` matches `success-rate`
        (rules(&["rate"]), Ok(vec![true, false, false])),
        // `.*` matches everything
        (rules(&[".*"]), Ok(vec![true, true, true])),
        // anchors still work when written
        (rules(&["^lat", "s$"]), Ok(vec![false, true, true])),
        // `*` does not compile, so it matches nothing: the run Errors
        (
            rules(&["*"]),
            Err("dryRun[0]: Rule didn't match any metric name(s)".into()),
        ),
        // the index is the first rule that matches nothing
        (
            rules(&["latency", "cpu"]),
            Err("dryRun[1]: Rule didn't match any metric name(s)".into()),
        ),
    ];
    for (r, want) in cases {
        assert_eq!(validate_dry_run(&r, &names), want, "{r:?}");
    }
}

#[test]
fn measurement_retention_rules() {
    let names = ["success-rate", "latency"];
    let rule = |n: &str, limit| MeasurementRetention {
        metric_name: n.into(),
        limit,
    };
    // §2.2 step 2 and step 7: rules are matched like dryRun rules.
    assert_eq!(
        validate_measurement_retention(&[rule("rate", 20)], &names),
        Ok(vec![Some(20), None])
    );
    assert_eq!(
        validate_measurement_retention(&[rule("lat", 5), rule("cpu", 5)], &names),
        Err("measurementRetention[1]: Rule didn't match any metric name(s)".into())
    );
}

#[test]
fn parsed_specs_follow_the_same_rules() {
    // §2.9 on already-parsed metrics: list rules, then count and limit rules.
    let mut a = MetricSpec::named("a");
    assert_eq!(validate_specs(&[]), Err("no metrics specified".into()));
    assert_eq!(validate_specs(std::slice::from_ref(&a)), Ok(()));
    assert_eq!(
        validate_specs(&[a.clone(), a.clone()]),
        Err("metrics[1]: duplicate name 'a'".into())
    );
    a.count = Some(2);
    assert_eq!(
        validate_specs(std::slice::from_ref(&a)),
        Err("metrics[0]: interval must be specified when count > 1".into())
    );
    a.interval = Some(Duration::from_secs(60));
    a.failure_limit = -1;
    assert_eq!(
        validate_specs(&[a]),
        Err("metrics[0]: failureLimit and consecutiveSuccessLimit cannot both be disabled".into())
    );
}
