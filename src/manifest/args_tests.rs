//! Table tests for flattening and argument resolution (SEMANTICS.md §1.4 steps 1–3, §11.4).

use super::*;
use crate::manifest::load_str;
use crate::manifest::types::ValueFrom;

fn arg(name: &str, value: Option<&str>) -> Argument {
    Argument {
        name: name.into(),
        value: value.map(Into::into),
        value_from: None,
    }
}

fn from(name: &str, value_from: ValueFrom) -> Argument {
    Argument {
        name: name.into(),
        value: None,
        value_from: Some(value_from),
    }
}

fn secret() -> ValueFrom {
    ValueFrom::SecretKeyRef {
        name: "s".into(),
        key: "k".into(),
    }
}

fn values(r: &ResolvedArgs) -> Vec<(&str, Option<&str>)> {
    r.args
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_deref()))
        .collect()
}

#[test]
fn resolve_args_rules() {
    let hash = ValueFrom::PodTemplateHashValue("Latest".into());
    type Case = (
        &'static str,
        Vec<Argument>,
        Vec<Argument>,
        Vec<(String, String)>,
        Result<Vec<(&'static str, Option<&'static str>)>, &'static str>,
    );
    let o = |n: &str, v: &str| (n.to_string(), v.to_string());
    let cases: Vec<Case> = vec![
        (
            "template default kept",
            vec![arg("a", Some("1"))],
            vec![],
            vec![],
            Ok(vec![("a", Some("1"))]),
        ),
        (
            "rollout value replaces default",
            vec![arg("a", Some("1"))],
            vec![arg("a", Some("2"))],
            vec![],
            Ok(vec![("a", Some("2"))]),
        ),
        (
            "rollout arg without value means empty",
            vec![arg("a", Some("1"))],
            vec![arg("a", None)],
            vec![],
            Ok(vec![("a", Some(""))]),
        ),
        (
            "undeclared rollout arg dropped",
            vec![arg("a", Some("1"))],
            vec![arg("b", Some("2"))],
            vec![],
            Ok(vec![("a", Some("1"))]),
        ),
        (
            "missing value",
            vec![arg("a", None)],
            vec![],
            vec![],
            Err("args.a was not resolved"),
        ),
        (
            "rollout supplies missing value",
            vec![arg("a", None)],
            vec![arg("a", Some("x"))],
            vec![],
            Ok(vec![("a", Some("x"))]),
        ),
        (
            "secret counts as a source",
            vec![from("a", secret())],
            vec![],
            vec![],
            Ok(vec![("a", None)]),
        ),
        (
            "rollout valueFrom stays unresolved",
            vec![arg("a", Some("1"))],
            vec![from("a", hash.clone())],
            vec![],
            Ok(vec![("a", None)]),
        ),
        (
            "override beats rollout and template",
            vec![arg("a", Some("1"))],
            vec![arg("a", Some("2"))],
            vec![o("a", "3")],
            Ok(vec![("a", Some("3"))]),
        ),
        (
            "override replaces valueFrom",
            vec![from("a", secret())],
            vec![],
            vec![o("a", "tok")],
            Ok(vec![("a", Some("tok"))]),
        ),
        (
            "override supplies missing value",
            vec![arg("a", None)],
            vec![],
            vec![o("a", "v")],
            Ok(vec![("a", Some("v"))]),
        ),
    ];
    for (what, template, rollout, overrides, want) in cases {
        let got = resolve_args(&template, &rollout, &overrides);
        match (got, want) {
            (Ok(r), Ok(w)) => assert_eq!(values(&r), w, "{what}"),
            (Err(e), Err(w)) => assert_eq!(e.0, w, "{what}"),
            (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
        }
    }
    let r = resolve_args(
        &[arg("a", None)],
        &[arg("zz", Some("1"))],
        &[("yy".into(), "2".into())],
    )
    .expect_err("a unresolved");
    assert_eq!(r.0, "args.a was not resolved");
    let ok = resolve_args(
        &[arg("a", Some("1"))],
        &[arg("zz", Some("1"))],
        &[("yy".into(), "2".into())],
    )
    .expect("resolves");
    assert_eq!(ok.ignored, ["zz", "yy"]);
}

const TEMPLATES: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: a}
spec:
  templates: [{templateName: nested}]
  args: [{name: x, value: "1"}, {name: "y"}]
  metrics: [{name: m1, provider: {prometheus: {query: up}}}]
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: b}
spec:
  args: [{name: x, value: "2"}]
  metrics: [{name: m2, provider: {prometheus: {query: up}}}]
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: nested}
spec:
  args: [{name: "y", value: "from-nested"}, {name: x}]
  dryRun: [{metricName: m3}]
  metrics: [{name: m3, provider: {prometheus: {query: up}}}]
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: dup}
spec:
  metrics: [{name: m1, provider: {prometheus: {query: up}}}]
---
apiVersion: argoproj.io/v1alpha1
kind: ClusterAnalysisTemplate
metadata: {name: c}
spec:
  metrics: [{name: mc, provider: {prometheus: {query: up}}}]
"#;

fn refs(names: &[&str]) -> RolloutAnalysis {
    RolloutAnalysis {
        templates: names
            .iter()
            .map(|n| TemplateRef {
                template_name: n.trim_start_matches("cluster:").into(),
                cluster_scope: n.starts_with("cluster:"),
            })
            .collect(),
        ..Default::default()
    }
}

#[test]
fn flatten_rules() {
    let m = load_str(TEMPLATES, "t.yaml").expect("loads");
    type Case<'a> = (&'a [&'a str], Result<&'a [&'a str], &'a str>);
    let cases: &[Case] = &[
        (&["a"], Ok(&["m1", "m3"])),
        (&["cluster:c", "a"], Ok(&["m1", "m3", "mc"])),
        (&["a", "a", "nested"], Ok(&["m1", "m3"])),
        (&["nested", "a"], Ok(&["m3", "m1"])),
        (&["a", "dup"], Err("two metrics have the same name 'm1'")),
        (
            &["a", "b"],
            Err("Argument `x` specified multiple times with different values: '1', '2'"),
        ),
        (&["missing"], Err("AnalysisTemplate 'missing' not found")),
        (&["cluster:a"], Err("ClusterAnalysisTemplate 'a' not found")),
    ];
    for (names, want) in cases {
        let got = flatten(&refs(names), &m);
        match (got, want) {
            (Ok(f), Ok(w)) => {
                let metrics: Vec<&str> = f.metrics.iter().map(|x| x.name.as_str()).collect();
                assert_eq!(&metrics, w, "{names:?}");
            }
            (Err(e), Err(w)) => assert_eq!(&e.0, w, "{names:?}"),
            (got, want) => panic!("{names:?}: got {got:?}, want {want:?}"),
        }
    }
    // A nil value never replaces a set one; a set value fills a nil one.
    let f = flatten(&refs(&["a"]), &m).expect("flatten");
    let args: Vec<_> = f
        .args
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_deref()))
        .collect();
    assert_eq!(args, [("x", Some("1")), ("y", Some("from-nested"))]);
    // The Rollout's dryRun rules are appended; a duplicate is an error.
    let mut r = refs(&["a"]);
    r.dry_run.push(DryRun {
        metric_name: "m3".into(),
    });
    assert_eq!(
        flatten(&r, &m).expect_err("duplicate rule").0,
        "two Dry-Run metric rules have the same name 'm3'"
    );
}
