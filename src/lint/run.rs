//! The lint driver: find the YAML files under the given paths, load them, run every enabled
//! rule, then apply severity overrides and suppression comments and sort the findings.
//!
//! A file that cannot be loaded (YAML syntax error, Helm template, wrong field type) does not
//! stop the run: it becomes an `RS000 invalid-manifest` finding and the other files are still
//! linted; the CLI exits 2 when such a finding remains. A path that does not exist is a
//! [`LintError`]. Depends on `manifest`, `lint::rules`, `lint::suppress`, `lint::config`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::config::LintConfig;
use super::rules::{self, INVALID_MANIFEST};
use super::suppress::Suppressions;
use super::{Finding, LintContext, Rule, Severity};
use crate::manifest::{LoadOptions, Manifests, Pos, UnknownFields, load_str_with};

/// What a lint run found.
#[derive(Debug)]
pub struct LintReport {
    /// Sorted by file, line, column, code.
    pub findings: Vec<Finding>,
    /// The rules that ran, in registry order.
    pub rules: Vec<&'static dyn Rule>,
    /// Every linted file and its text, in path order.
    pub sources: Vec<(String, String)>,
}

impl LintReport {
    /// Files that could not be loaded (`RS000` findings left after selection).
    pub fn invalid_inputs(&self) -> usize {
        let codes = self
            .findings
            .iter()
            .filter(|f| f.code == INVALID_MANIFEST.code());
        codes.count()
    }

    /// Whether the findings fail the run: any error, or any warning when `deny_warnings`.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        let floor = if deny_warnings {
            Severity::Warning
        } else {
            Severity::Error
        };
        self.findings.iter().any(|f| f.severity >= floor)
    }

    /// Counts of findings by severity: (errors, warnings, infos).
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |s| self.findings.iter().filter(|f| f.severity == s).count();
        (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
    }
}

/// A path that cannot be linted at all.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error("{path}: {message}")]
    Path { path: String, message: String },
}

/// Lints every `*.yaml`/`*.yml` file under `paths` (files are linted whatever their
/// extension).
pub fn lint_paths(paths: &[PathBuf], config: &LintConfig) -> Result<LintReport, LintError> {
    let mut files = Vec::new();
    for p in paths {
        discover(p, &mut files)?;
    }
    files.sort();
    files.dedup();
    let loaded: Vec<Loaded> = files.par_iter().map(|f| load(f)).collect();
    let mut manifests = Manifests::default();
    let mut findings = Vec::new();
    let mut sources = Vec::with_capacity(loaded.len());
    for l in loaded {
        match l.result {
            Ok(m) => manifests.extend(m),
            Err((pos, message)) => {
                findings.push(Finding::new(INVALID_MANIFEST, &l.name, pos, message))
            }
        }
        sources.push((l.name, l.text));
    }
    let enabled: Vec<&'static dyn Rule> = rules::RULES
        .iter()
        .copied()
        .filter(|r| {
            // Bad input is never silently dropped by `select`; only `ignore` drops it.
            config.selection.enabled(*r)
                || (r.code() == INVALID_MANIFEST.code() && !config.selection.ignored(*r))
        })
        .collect();
    let cx = LintContext {
        manifests: &manifests,
        sources: &sources,
        options: &config.options,
        data: config.data.as_ref(),
    };
    for rule in &enabled {
        rule.check(&cx, &mut findings);
    }
    let findings = finish(findings, &enabled, config, &sources);
    Ok(LintReport {
        findings,
        rules: enabled,
        sources,
    })
}

/// Drops findings of rules not enabled or suppressed, applies severity overrides, sorts.
fn finish(
    findings: Vec<Finding>,
    enabled: &[&'static dyn Rule],
    config: &LintConfig,
    sources: &[(String, String)],
) -> Vec<Finding> {
    let suppressions: Vec<(&str, Suppressions)> = sources
        .iter()
        .map(|(f, t)| (f.as_str(), Suppressions::parse(t)))
        .collect();
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut f| {
            let rule = *enabled.iter().find(|r| r.code() == f.code)?;
            let suppressed = suppressions
                .iter()
                .find(|(file, _)| *file == f.file)
                .is_some_and(|(_, s)| s.suppresses(&f, rule));
            if suppressed {
                return None;
            }
            f.severity = config.severity_of(rule);
            Some(f)
        })
        .collect();
    out.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
    out.dedup();
    out
}

fn discover(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), LintError> {
    let err = |e: std::io::Error| LintError::Path {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(err)?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path).map_err(err)? {
        let entry = entry.map_err(err)?;
        let p = entry.path();
        // Symlinked folders are not followed: a link cycle would never end.
        if entry.file_type().map_err(err)?.is_dir() {
            discover(&p, out)?;
        } else if p.is_dir() {
            continue;
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
    Ok(())
}

struct Loaded {
    name: String,
    text: String,
    /// The objects, or where and why loading failed.
    result: Result<Manifests, (Pos, String)>,
}

fn load(path: &Path) -> Loaded {
    let name = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            let result = Err((Pos::default(), format!("cannot read file: {e}")));
            return Loaded {
                name,
                text: String::new(),
                result,
            };
        }
    };
    let options = LoadOptions {
        unknown_fields: UnknownFields::Warn,
    };
    let result = load_str_with(&text, &name, options).map_err(|e| {
        let pos = Pos {
            line: e.line,
            column: e.column,
        };
        (pos, e.message)
    });
    Loaded { name, text, result }
}
