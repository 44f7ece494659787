//! `rollsim lint`: rules over Rollouts, AnalysisTemplates and their PromQL and conditions.
//!
//! One file per rule under `rules/`, each a `Rule` with a code (`RS101`), a kebab-case name
//! naming the pattern it flags, a default severity and its documentation; `rules::RULES` is
//! the registry. Depends on `manifest`, `analysis::condition` and the `promql-parser` crate
//! (never on the evaluator's internals, except `--data` checks, which evaluate queries).

pub mod analysis_refs;
pub mod argo_metric;
pub mod config;
pub mod finding;
pub mod locate;
pub mod output;
pub mod rules;
pub mod run;
pub mod select;
pub mod suppress;

pub use config::{LintConfig, LintConfigError};
pub use finding::{Finding, Severity};
pub use run::{LintError, LintReport, lint_paths};

use crate::manifest::Manifests;
use crate::model::{Duration, Store};

/// Settings a rule may read (from `rollsim.toml` or flags).
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// The scrape interval queries are written against (default 1m); range windows shorter
    /// than `window_factor` times it are flagged.
    pub scrape_interval: Duration,
    /// Default 4.
    pub window_factor: i64,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            scrape_interval: Duration::from_secs(60),
            window_factor: 4,
        }
    }
}

/// Everything a rule sees.
pub struct LintContext<'a> {
    pub manifests: &'a Manifests,
    /// Source text of every linted file by path, for mapping positions inside fields.
    pub sources: &'a [(String, String)],
    pub options: &'a LintOptions,
    /// Recorded data (`--data`), for rules that evaluate queries.
    pub data: Option<&'a Store>,
}

impl LintContext<'_> {
    /// The text of a linted file.
    pub fn source(&self, file: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, t)| t.as_str())
    }

    /// The position of the value at `path` (`spec.strategy.canary.steps[2].setWeight`) in the
    /// document `source` points at, or the document's own position when the path is absent.
    /// Parses the file again, so call it only when reporting a finding.
    pub fn locate(&self, source: &crate::manifest::Source, path: &str) -> crate::manifest::Pos {
        self.try_locate(source, path).unwrap_or(source.pos)
    }

    /// Where `needle` is written in `file` at or after `from` (a field's position), as
    /// (start, end): for findings inside a field's text, such as a tag in a block scalar.
    pub fn find_after(
        &self,
        file: &str,
        from: crate::manifest::Pos,
        needle: &str,
    ) -> Option<(crate::manifest::Pos, crate::manifest::Pos)> {
        self.source(file)
            .and_then(|text| locate::find_after(text, from, needle))
    }

    /// As [`LintContext::locate`], `None` when the path is absent.
    pub fn try_locate(
        &self,
        source: &crate::manifest::Source,
        path: &str,
    ) -> Option<crate::manifest::Pos> {
        self.source(&source.file)
            .and_then(|text| locate::locate(text, source.pos, path))
    }
}

/// One lint rule.
pub trait Rule: Sync {
    /// Stable code, e.g. `RS101`.
    fn code(&self) -> &'static str;
    /// Kebab-case name of the pattern flagged, e.g. `rate-window-too-short`.
    fn name(&self) -> &'static str;
    fn default_severity(&self) -> Severity;
    /// Markdown: what it does, why it is bad, example, use instead.
    fn docs(&self) -> &'static str;
    /// Appends findings (with the rule's code, name and default severity).
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>);
}

impl std::fmt::Debug for dyn Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code(), self.name())
    }
}
