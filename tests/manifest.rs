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
        common::skip(common::Needs::Shared, "real-world corpus not found; manifest corpus tests not run");
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
                if has_rollout != !m.rollouts.is_empty()
                    || has_template
                        != !(m.analysis_templates.is_empty() && m.cluster_analysis_templates.is_empty())
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
