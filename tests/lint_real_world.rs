//! `rollsim lint` over the 74 public manifests in `../shared/real-world`: no panic, every
//! Helm chart template is reported as `RS000 invalid-manifest` (the run exits 2) while the
//! other files are still linted, and each repository's files linted together resolve their
//! own templates.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use rollsim::lint::{LintConfig, lint_paths};

mod common;

fn corpus() -> Option<PathBuf> {
    let dir = common::shared_dir().join("real-world/files");
    if dir.is_dir() {
        Some(dir)
    } else {
        common::skip(
            common::Needs::Shared,
            &format!("{} not found", dir.display()),
        );
        None
    }
}

#[test]
fn the_whole_folder_lints_with_helm_files_as_rs000() {
    let Some(dir) = corpus() else { return };
    let report =
        lint_paths(std::slice::from_ref(&dir), &LintConfig::default()).expect("folder exists");
    assert_eq!(report.sources.len(), 74, "every file is read");
    let helm: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "RS000")
        .collect();
    assert!(!helm.is_empty());
    for f in &helm {
        assert!(f.message.contains("Helm template"), "{f:?}");
        assert!(f.line >= 1, "{f:?}");
    }
    assert!(
        report.findings.iter().any(|f| f.code != "RS000"),
        "the other files are linted"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_rollsim"))
        .args(["lint", "--format", "json"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "Helm files are bad input");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(
        v.as_array().expect("array").len(),
        report.findings.len(),
        "the CLI reports everything"
    );
}

#[test]
fn each_repository_lints_on_its_own() {
    let Some(dir) = corpus() else { return };
    // Files are named `owner__repo__path`; group them by repository.
    let mut repos: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for e in std::fs::read_dir(&dir).expect("readable folder") {
        let p = e.expect("entry").path();
        let name = p.file_name().expect("a name").to_string_lossy().to_string();
        let repo = name.splitn(3, "__").take(2).collect::<Vec<_>>().join("__");
        repos.entry(repo).or_default().push(p);
    }
    let mut files = 0;
    for paths in repos.values() {
        let report = lint_paths(paths, &LintConfig::default()).expect("files exist");
        files += report.sources.len();
        for f in &report.findings {
            assert!(
                f.code != "RS011",
                "a repository's own templates resolve: {f:?}"
            );
        }
    }
    assert_eq!(files, 74);
}
