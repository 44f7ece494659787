//! Table tests for `{{args.NAME}}` substitution (SEMANTICS.md §1.4 step 4).

use super::*;
use crate::manifest::types::{MetricSpans, Prometheus};

fn arg(name: &str, value: Option<&str>) -> Argument {
    Argument {
        name: name.into(),
        value: value.map(Into::into),
        value_from: None,
    }
}

fn metric(query: &str) -> Metric {
    Metric {
        name: "m".into(),
        interval: None,
        initial_delay: None,
        count: None,
        success_condition: None,
        failure_condition: None,
        failure_limit: None,
        inconclusive_limit: None,
        consecutive_error_limit: None,
        consecutive_success_limit: None,
        provider: Provider::Prometheus(Prometheus {
            address: None,
            query: query.into(),
            timeout: None,
            insecure: false,
            headers: vec![],
            range_query: None,
            authentication: None,
        }),
        spans: MetricSpans::default(),
    }
}

fn query(m: &Metric) -> &str {
    match &m.provider {
        Provider::Prometheus(p) => &p.query,
        _ => panic!("prometheus"),
    }
}

#[test]
fn substitution_rules() {
    let args = [arg("svc", Some("api")), arg("q", Some("a\"b\n\tc"))];
    let cases: &[(&str, Result<&str, &str>)] = &[
        ("up{svc=\"{{args.svc}}\"}", Ok("up{svc=\"api\"}")),
        ("{{ args.svc }}-{{args.svc}}", Ok("api-api")),
        ("{{args.q}}", Ok("a\"b\n\tc")),
        ("no tags", Ok("no tags")),
        ("unclosed {{args.svc", Ok("unclosed {{args.svc")),
        ("{{args.nope}}", Err("failed to resolve {{args.nope}}")),
        ("{{ args.nope }}", Err("failed to resolve {{ args.nope }}")),
        ("{{}}", Err("failed to resolve {{}}")),
        ("{{ .Values.x }}", Err("failed to resolve {{ .Values.x }}")),
        ("{{args.a}} {{args.b}}", Err("failed to resolve {{args.b}}")),
    ];
    for (q, want) in cases {
        let got = render_metric(&metric(q), &args);
        match (got, want) {
            (Ok(m), Ok(w)) => assert_eq!(query(&m), *w, "{q}"),
            (Err(e), Err(w)) => assert_eq!(&e, w, "{q}"),
            (got, want) => panic!("{q}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn every_string_field_is_templated() {
    let mut m = metric("{{args.n}}");
    m.name = "{{args.n}}".into();
    m.interval = Some("{{args.n}}m".into());
    m.count = Some(IntOrString::Str("{{args.n}}".into()));
    m.failure_limit = Some(IntOrString::Str("{{args.n}}".into()));
    m.success_condition = Some("result[0] > {{args.n}}".into());
    let out = render_metric(&m, &[arg("n", Some("3"))]).expect("renders");
    assert_eq!(out.name, "3");
    assert_eq!(out.interval.as_deref(), Some("3m"));
    assert_eq!(out.count.as_ref().map(IntOrString::int_value), Some(3));
    assert_eq!(out.failure_limit, Some(IntOrString::Str("3".into())));
    assert_eq!(out.success_condition.as_deref(), Some("result[0] > 3"));
    assert_eq!(query(&out), "3");
}

#[test]
fn nil_argument_is_not_supplied_even_if_unused() {
    let err = render_metric(&metric("up"), &[arg("a", Some("1")), arg("b", None)]);
    assert_eq!(
        err.expect_err("b has no value"),
        "argument \"b\" was not supplied"
    );
}

#[test]
fn last_unresolved_tag_in_json_field_order_is_reported() {
    // Go's field order puts consecutiveSuccessLimit after provider, and the query after the
    // failure limits.
    let mut m = metric("{{args.in_query}}");
    m.name = "{{args.in_name}}".into();
    m.failure_limit = Some(IntOrString::Str("{{args.in_failure_limit}}".into()));
    let e = render_metric(&m, &[]).expect_err("unresolved");
    assert_eq!(e, "failed to resolve {{args.in_query}}");
    m.consecutive_success_limit = Some(IntOrString::Str("{{args.in_csl}}".into()));
    let e = render_metric(&m, &[]).expect_err("unresolved");
    assert_eq!(e, "failed to resolve {{args.in_csl}}");
    let mut m = metric("up");
    m.interval = Some("{{args.i}}".into());
    m.success_condition = Some("{{args.s}}".into());
    m.failure_condition = Some("{{args.f}}".into());
    assert_eq!(
        render_metric(&m, &[]).expect_err("x"),
        "failed to resolve {{args.f}}"
    );
}

#[test]
fn other_providers_are_templated_too() {
    let raw = crate::manifest::node::Node {
        pos: Default::default(),
        value: crate::manifest::node::Value::Str("http://{{args.svc}}/".into()),
    };
    let mut m = metric("");
    m.provider = Provider::Other {
        name: "web".into(),
        raw,
    };
    let out = render_metric(&m, &[arg("svc", Some("api"))]).expect("renders");
    let Provider::Other { raw, .. } = out.provider else {
        panic!("other")
    };
    assert_eq!(
        raw.value,
        crate::manifest::node::Value::Str("http://api/".into())
    );
}
