//! Tests for loading: Helm detection, documents and kinds, odd input.

use super::*;
use crate::manifest::types::CanaryStep;

const HEAD: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\n";

#[test]
fn helm_detection() {
    let cases: &[(&str, Option<(u32, u32)>)] = &[
        ("{{- if .Values.x }}\na: 1\n{{- end }}\n", Some((1, 1))),
        ("a:\n  {{ include \"x\" . }}\n", Some((2, 3))),
        (
            "kind: Rollout\napiVersion: argoproj.io/v1alpha1\nspec:\n  replicas: {{ .Values.n }}\n",
            Some((4, 13)),
        ),
        // Stray Helm text in a string value of an otherwise plain manifest loads.
        (
            "kind: Service\nmetadata:\n  annotations:\n    x: \"{{ .Values.image.tag }}\"\n",
            None,
        ),
        ("kind: X\nq: 'up{a=\"{{args.a}}\"}'\n", None),
        // A real error in a file with a quoted stray expression is reported as itself.
        ("x: \"{{ .Values.a }}\"\ny: [\n", Some((0, 0))),
    ];
    for (text, want) in cases {
        match (load_str(text, "f.yaml"), want) {
            (Err(e), Some((0, 0))) => assert!(e.message.starts_with("YAML syntax"), "{e}"),
            (Err(e), Some((line, col))) => {
                assert!(e.message.contains("Helm template"), "{text}: {e}");
                assert_eq!((e.line, e.column), (*line, *col), "{text}");
            }
            (Ok(_), None) => {}
            (got, _) => panic!("{text}: {got:?}"),
        }
    }
}

#[test]
fn documents_kinds_and_lists() {
    let text = format!(
        "# comment only\n---\n{HEAD}spec: {{strategy: {{canary: {{steps: [{{pause: }}, {{setWeight: 5, pause: {{}}}}, {{}}]}}}}}}\n\
         ---\napiVersion: apps/v1\nkind: Rollout\nmetadata: {{name: not-argo}}\n\
         ---\napiVersion: v1\nkind: List\nitems:\n- {HEAD_INLINE}\n",
        HEAD_INLINE =
            "{apiVersion: argoproj.io/v1alpha1, kind: Rollout, metadata: {name: in-list}}"
    );
    let m = load_str(&text, "f.yaml").expect("loads");
    let names: Vec<&str> = m.rollouts.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["r", "in-list"]);
    let steps = &m.rollouts[0]
        .strategy
        .canary
        .as_ref()
        .expect("canary")
        .steps;
    assert_eq!(
        steps[0].action(),
        Some(&CanaryStep::Pause { duration: None })
    );
    assert_eq!(steps[1].actions.len(), 2, "two actions kept for the linter");
    assert_eq!(steps[1].action(), None);
    assert!(steps[2].actions.is_empty());
    assert_eq!(m.rollouts[1].replicas, 1);
}

#[test]
fn odd_input_gives_errors_not_panics() {
    let texts = [
        "",
        "---\n---\n",
        "just a string\n",
        "- a\n- b\n",
        "a: [1, {b: }\n",
        "\u{feff}a: 1\n",
        "kind: List\nitems: 3\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nspec: {metrics: [{}]}\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nspec: {metrics: [{name: m, count: 1.5}]}\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec: {strategy: {canary: {steps: [{setWeight: x}]}}}\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec: {replicas: 99999999999999999999}\n",
        "a: &x [*x]\n",
        "*unknown\n",
        "{{\n",
    ];
    for text in texts {
        let _ = load_str(text, "f.yaml");
    }
    let e = load_str("just a string\n", "f.yaml").expect_err("not an object");
    assert_eq!(
        e.to_string(),
        "f.yaml:1:1: document: wrong type: expected object, found string"
    );
}
