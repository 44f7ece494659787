//! Integration tests for `rollsim::manifest`: the real-world corpus in `../shared` and the
//! fixtures under `fixtures/manifests/`.

mod common;

use rollsim::manifest::{self, Manifests};
use std::path::{Path, PathBuf};

struct CorpusRow {
    file: String,
    templated: bool,
    kinds: String,
    metrics: usize,
}

/// Rows of `SOURCES.md`: `| # | local name | repo | path | commit | license | templated | kinds | metrics | via | note |`.
fn corpus_rows(shared: &Path) -> Vec<CorpusRow> {
    let text = std::fs::read_to_string(shared.join("real-world/SOURCES.md")).expect("SOURCES.md");
    text.lines()
        .filter(|l| l.starts_with("| ") && l.contains(".yaml`"))
        .map(|l| {
            let cols: Vec<&str> = l.split('|').map(str::trim).collect();
            CorpusRow {
                file: cols[2].trim_matches('`').to_string(),
                templated: cols[7].starts_with("yes"),
                kinds: cols[8].to_string(),
                metrics: cols[9]
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("metrics column starts with a number"),
            }
        })
        .collect()
}

fn metric_count(m: &Manifests) -> usize {
    m.analysis_templates
        .iter()
        .chain(&m.cluster_analysis_templates)
        .map(|t| t.spec.metrics.len())
        .sum()
}

fn corpus_dir() -> Option<PathBuf> {
    let shared = common::shared_dir();
    if shared.join("real-world/files").is_dir() {
        Some(shared)
    } else {
        common::skip(
            common::Needs::Shared,
            "real-world corpus not found; manifest corpus tests not run",
        );
        None
    }
}

/// Files with a field the CRD does not declare: strict loading rejects them, as
/// `kubectl apply` (strict field validation) would; `UnknownFields::Warn` loads them.
/// (file, first strict error, number of unknown fields in the file)
const STRICT_FAILURES: &[(&str, &str, usize)] = &[
    (
        "BrianCLong__summit__k8s__rollouts__analysis-templates.yaml",
        "spec.metrics[0]: unknown field \"failureMessage\"",
        2, // and spec.args[1].valueFrom.configMapKeyRef (Argo has secretKeyRef and fieldRef only)
    ),
    (
        "rohit-tambakhe__ArgoCD-Orchestrator__k8s__argo-rollouts__analysis-template.yaml",
        "spec.args[0]: unknown field \"description\"",
        7,
    ),
    (
        "stoicknowledgeandwisdom__UltimateArbitrageSystem__infrastructure__deployment__base__rollout.yaml",
        "spec.strategy.canary: unknown field \"prePromotionAnalysis\"",
        2, // pre- and postPromotionAnalysis are blue-green fields
    ),
];

const WARN: manifest::LoadOptions = manifest::LoadOptions {
    unknown_fields: manifest::UnknownFields::Warn,
};

#[test]
fn real_world_files_load_or_are_reported_as_helm_templates() {
    let Some(shared) = corpus_dir() else { return };
    let rows = corpus_rows(&shared);
    assert_eq!(rows.len(), 74, "SOURCES.md rows");
    let (mut loaded, mut helm) = (0, 0);
    let mut problems = Vec::new();
    for row in &rows {
        let path = shared.join("real-world/files").join(&row.file);
        let strict = manifest::load_file(&path);
        if let Some((_, field, _)) = STRICT_FAILURES.iter().find(|(f, _, _)| *f == row.file) {
            match &strict {
                Err(e) if e.message.ends_with(field) => {}
                other => problems.push(format!("{}: expected {field}, got {other:?}", row.file)),
            }
        }
        let loaded_with_warnings = manifest::load_file_with(&path, WARN);
        if let Ok(m) = &loaded_with_warnings {
            let expected = STRICT_FAILURES
                .iter()
                .find(|(f, _, _)| *f == row.file)
                .map_or(0, |(_, _, n)| *n);
            if m.warnings.len() != expected {
                problems.push(format!("{}: warnings {:?}", row.file, m.warnings));
            }
        }
        match (loaded_with_warnings, row.templated) {
            (Ok(m), false) => {
                loaded += 1;
                let has_rollout = row.kinds.contains("Rollout");
                let has_template = row.kinds.contains("AnalysisTemplate");
                let found_rollout = !m.rollouts.is_empty();
                let found_template =
                    !(m.analysis_templates.is_empty() && m.cluster_analysis_templates.is_empty());
                if has_rollout != found_rollout
                    || has_template != found_template
                    || metric_count(&m) != row.metrics
                {
                    problems.push(format!(
                        "{}: kinds {:?}, metrics {} expected; got {} rollouts, {}+{} templates, {} metrics",
                        row.file,
                        row.kinds,
                        row.metrics,
                        m.rollouts.len(),
                        m.analysis_templates.len(),
                        m.cluster_analysis_templates.len(),
                        metric_count(&m)
                    ));
                }
            }
            (Err(e), true) if e.message.contains("Helm template") => helm += 1,
            (Err(e), _) => problems.push(format!("{e}")),
            (Ok(_), true) => problems.push(format!("{}: Helm template loaded as YAML", row.file)),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!((loaded, helm), (62, 12));
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/manifests")
        .join(name)
}

fn load(name: &str) -> Manifests {
    manifest::load_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn load_err(name: &str) -> manifest::ManifestError {
    manifest::load_file(&fixture(name)).expect_err("fixture must not load")
}

#[test]
fn canary_fixture_decodes_steps_and_analyses() {
    use manifest::{CanaryStep, IntOrString, PauseDuration};
    let m = load("canary.yaml");
    assert_eq!(m.rollouts.len(), 1);
    assert_eq!(m.analysis_templates.len(), 1);
    let r = &m.rollouts[0];
    assert_eq!(
        (r.name.as_str(), r.namespace.as_deref(), r.replicas),
        ("checkout", Some("shop"), 5)
    );
    assert_eq!(r.source.pos.line, 10);
    let c = r.strategy.canary.as_ref().expect("canary");
    assert!(r.strategy.blue_green.is_none());
    assert_eq!(c.max_surge, Some(IntOrString::Str("25%".into())));
    assert_eq!(c.max_unavailable, Some(IntOrString::Int(0)));
    assert_eq!(c.abort_scale_down_delay_seconds, Some(60));
    let tr = c.traffic_routing.as_ref().expect("trafficRouting");
    assert_eq!(tr.router(), Some("nginx"));
    assert_eq!(tr.managed_routes, vec!["header-route".to_string()]);
    let bg = c.analysis.as_ref().expect("background analysis");
    assert_eq!(bg.starting_step, Some(2));
    assert_eq!(bg.analysis.args.len(), 2);
    let actions: Vec<&CanaryStep> = c
        .steps
        .iter()
        .map(|s| s.action().expect("one action"))
        .collect();
    assert_eq!(actions.len(), 9);
    assert_eq!(actions[0], &CanaryStep::SetWeight(10));
    assert_eq!(
        actions[1],
        &CanaryStep::Pause {
            duration: Some(PauseDuration::Seconds(30))
        }
    );
    assert!(matches!(actions[2], CanaryStep::SetCanaryScale(s) if s.weight == Some(20)));
    let CanaryStep::Analysis(a) = actions[3] else {
        panic!("analysis step")
    };
    assert_eq!(a.templates.len(), 2);
    assert!(a.templates[1].cluster_scope);
    assert_eq!(a.args[1].value, None, "threshold written without a value");
    assert!(matches!(actions[4], CanaryStep::SetHeaderRoute(_)));
    assert_eq!(
        actions[5],
        &CanaryStep::Pause {
            duration: Some(PauseDuration::Text("1m30s".into()))
        }
    );
    let CanaryStep::Experiment(e) = actions[6] else {
        panic!("experiment")
    };
    assert_eq!(
        (
            e.duration.as_deref(),
            e.templates.len(),
            e.analyses[0].template_name.as_str()
        ),
        (Some("5m"), 1, "error-rate")
    );
    assert_eq!(actions[8], &CanaryStep::Pause { duration: None });
    assert_eq!(c.steps[3].pos.line, 55);
}

#[test]
fn merge_keys_copy_a_metric_and_spans_point_at_fields() {
    use manifest::{IntOrString, Provider};
    let m = load("canary.yaml");
    let metrics = &m.analysis_templates[0].spec.metrics;
    assert_eq!(metrics.len(), 2);
    assert_eq!(metrics[1].name, "error-rate-strict");
    assert_eq!(metrics[1].failure_limit, Some(IntOrString::Int(0)));
    assert_eq!(metrics[1].count, Some(IntOrString::Int(5)));
    assert_eq!(metrics[0].interval.as_deref(), Some("1m"));
    let Provider::Prometheus(p) = &metrics[0].provider else {
        panic!("prometheus")
    };
    assert!(p.query.starts_with("sum(rate("));
    let s = metrics[0].spans;
    assert_eq!(s.metric.line, 99);
    assert_eq!(s.interval.map(|p| p.line), Some(100));
    assert_eq!(
        s.success_condition.map(|p| (p.line, p.column)),
        Some((103, 25))
    );
    // A block scalar (`query: |`) is located at its first content line.
    assert_eq!(s.query.map(|p| p.line), Some(108));
}

#[test]
fn blue_green_fixture_has_defaults_and_other_providers() {
    use manifest::Provider;
    let m = load("bluegreen.yaml");
    let r = &m.rollouts[0];
    assert_eq!(r.replicas, 1, "replicas default");
    let bg = r.strategy.blue_green.as_ref().expect("blueGreen");
    assert!(bg.auto_promotion_enabled, "autoPromotionEnabled default");
    assert_eq!(bg.auto_promotion_seconds, Some(120));
    assert_eq!(bg.preview_replica_count, Some(1));
    assert_eq!(
        bg.post_promotion_analysis
            .as_ref()
            .map(|a| a.args[0].value.as_deref()),
        Some(Some("payments-active"))
    );
    let metrics = &m.analysis_templates[0].spec.metrics;
    assert!(matches!(&metrics[0].provider, Provider::Prometheus(p) if p.timeout == Some(10)));
    assert!(matches!(&metrics[1].provider, Provider::Other { name, .. } if name == "web"));
}

#[test]
fn nested_templates_flatten_in_argo_order() {
    let mut m = load("nested-templates.yaml");
    m.extend(load("cluster-template.yaml"));
    assert_eq!(
        (
            m.analysis_templates.len(),
            m.cluster_analysis_templates.len()
        ),
        (2, 1)
    );
    let analysis = manifest::RolloutAnalysis {
        templates: vec![
            manifest::TemplateRef {
                template_name: "cluster-child".into(),
                cluster_scope: true,
            },
            manifest::TemplateRef {
                template_name: "parent".into(),
                cluster_scope: false,
            },
        ],
        ..Default::default()
    };
    let flat = manifest::flatten(&analysis, &m).expect("flatten");
    let names: Vec<&str> = flat.metrics.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["parent-metric", "child-metric", "cluster-metric"]);
    assert_eq!(flat.dry_run.len(), 1);
    assert_eq!(flat.measurement_retention[0].limit, 20);
    let args: Vec<(&str, Option<&str>)> = flat
        .args
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_deref()))
        .collect();
    assert_eq!(args, [("service", Some("api")), ("api-token", None)]);
    let resolved = manifest::resolve_args(&flat.args, &[], &[]).expect("secret counts as a source");
    assert_eq!(resolved.unresolved(), ["api-token"]);
    let overridden = manifest::resolve_args(&flat.args, &[], &[("api-token".into(), "t0k".into())])
        .expect("override");
    assert!(overridden.unresolved().is_empty());
    let rendered = manifest::render_metric(&flat.metrics[0], &overridden.args).expect("render");
    let manifest::Provider::Prometheus(p) = rendered.provider else {
        panic!("prometheus")
    };
    assert_eq!(p.query, "up{service=\"api\"}");
}

#[test]
fn canary_fixture_renders_with_rollout_args_and_overrides() {
    let m = load("canary.yaml");
    let c = m.rollouts[0].strategy.canary.as_ref().expect("canary");
    let bg = &c.analysis.as_ref().expect("background").analysis;
    let flat = manifest::flatten(bg, &m).expect("flatten");
    let resolved = manifest::resolve_args(&flat.args, &bg.args, &[]).expect("resolve");
    assert_eq!(
        resolved.unresolved(),
        ["hash"],
        "podTemplateHashValue cannot be read offline"
    );
    let err =
        manifest::render_metric(&flat.metrics[0], &resolved.args).expect_err("hash unresolved");
    assert_eq!(err, "argument \"hash\" was not supplied");
    let overrides = [
        ("hash".to_string(), "abc123".to_string()),
        ("threshold".to_string(), "0.01".to_string()),
    ];
    let resolved = manifest::resolve_args(&flat.args, &bg.args, &overrides).expect("resolve");
    let metric = manifest::render_metric(&flat.metrics[0], &resolved.args).expect("render");
    assert_eq!(
        metric.success_condition.as_deref(),
        Some("result[0] < 0.01")
    );
    let manifest::Provider::Prometheus(p) = metric.provider else {
        panic!("prometheus")
    };
    assert!(
        p.query.contains("service=\"checkout\",code")
            && p.query.contains("{service=\"checkout\"}[5m]")
    );
}

#[test]
fn input_errors_are_located() {
    let cases: &[(&str, u32, &str)] = &[
        ("bad-yaml.yaml", 0, "YAML syntax error"),
        (
            "wrong-type-count.yaml",
            8,
            "spec.metrics[0].count: wrong type: expected integer or string, found array",
        ),
        (
            "wrong-type-steps.yaml",
            8,
            "spec.strategy.canary.steps: wrong type: expected array, found object",
        ),
        (
            "unknown-field.yaml",
            8,
            "spec.metrics[0]: unknown field \"successCondtion\"",
        ),
        (
            "helm.yaml",
            1,
            "Helm template (`{{- if .Values.rollout.enabled }}`)",
        ),
    ];
    for (file, line, text) in cases {
        let e = load_err(file);
        assert!(e.message.contains(text), "{file}: {e}");
        if *line > 0 {
            assert_eq!(e.line, *line, "{file}: {e}");
        }
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!(
                "{}:{}:{}: ",
                fixture(file).display(),
                e.line,
                e.column
            )),
            "{shown}"
        );
    }
}

#[test]
fn unknown_fields_warn_when_asked() {
    let m = manifest::load_file_with(&fixture("unknown-field.yaml"), WARN).expect("loads");
    assert_eq!(m.warnings.len(), 1);
    assert_eq!((m.warnings[0].line, m.warnings[0].column), (8, 7));
    assert_eq!(
        m.analysis_templates[0].spec.metrics[0].success_condition,
        None
    );
}

#[test]
fn real_world_spot_checks() {
    use manifest::{CanaryStep, IntOrString, PauseDuration};
    let Some(shared) = corpus_dir() else { return };
    let load = |f: &str| {
        manifest::load_file(&shared.join("real-world/files").join(f))
            .unwrap_or_else(|e| panic!("{e}"))
    };

    let m = load("23seriy__ARGO-ROLLOUTS-in-action__rollouts__canary-with-analysis.yaml");
    let r = &m.rollouts[0];
    assert_eq!((r.name.as_str(), r.replicas), ("scores-api", 3));
    let c = r.strategy.canary.as_ref().expect("canary");
    let bg = c.analysis.as_ref().expect("background analysis");
    assert_eq!(bg.starting_step, Some(1));
    assert_eq!(bg.analysis.templates[0].template_name, "success-rate");
    assert_eq!(
        bg.analysis.args[0].value.as_deref(),
        Some("scores-api-canary.argo-rollouts-demo.svc.cluster.local:8080")
    );
    assert_eq!(c.steps.len(), 7);
    assert_eq!(
        c.steps[1].action(),
        Some(&CanaryStep::Pause {
            duration: Some(PauseDuration::Text("30s".into()))
        })
    );

    let m = load("BrianCLong__summit__deploy__rollouts__analysis__patch-intelgraph-api.yaml");
    let c = m.rollouts[0].strategy.canary.as_ref().expect("canary");
    assert_eq!(
        c.steps[1].action(),
        Some(&CanaryStep::Pause {
            duration: Some(PauseDuration::Seconds(120))
        })
    );

    let m = load("argoproj__argo-rollouts__examples__appmesh__canary-rollout.yaml");
    let t = &m.analysis_templates[0];
    assert_eq!(t.name, "success-rate");
    let metric = &t.spec.metrics[0];
    assert_eq!(metric.interval.as_deref(), Some("5m"));
    assert_eq!(
        metric.success_condition.as_deref(),
        Some("result[0] >= 0.99")
    );
    assert_eq!(metric.failure_limit, Some(IntOrString::Int(3)));
    assert_eq!(metric.spans.success_condition.map(|p| p.line), Some(12));
    let c = m.rollouts[0].strategy.canary.as_ref().expect("canary");
    assert_eq!(
        c.traffic_routing.as_ref().and_then(|t| t.router()),
        Some("appMesh")
    );
    assert_eq!(
        c.steps[1].action(),
        Some(&CanaryStep::Pause { duration: None })
    );
    assert!(c.analysis.is_none(), "the analysis block is only a comment");
}
