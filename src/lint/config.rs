//! `rollsim.toml`: which rules run, severity overrides and rule options, resolved into a
//! [`LintConfig`] before linting. Unknown keys are errors with their line and column.
//!
//! ```toml
//! select = ["RS0", "rate-window-too-short"]
//! ignore = ["RS012"]
//! deny-warnings = true
//! [severity]
//! RS004 = "warning"
//! [options]
//! scrape-interval = "30s"
//! window-factor = 4
//! ```
//!
//! Depends on `lint::select`, `lint::LintOptions`, `model` and the `toml` crate.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::select::RuleSelection;
use super::{LintOptions, Severity};
use crate::model::{Duration, Store};

/// Everything that decides what a lint run reports.
#[derive(Debug, Default)]
pub struct LintConfig {
    pub selection: RuleSelection,
    /// Warnings fail the run too (exit 1).
    pub deny_warnings: bool,
    /// Severity overrides by rule code or name.
    pub severity: Vec<(String, Severity)>,
    pub options: LintOptions,
    /// Recorded data (`--data`) for the rules that evaluate queries.
    pub data: Option<Store>,
}

/// A `rollsim.toml` that cannot be read or has unknown keys or bad values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct LintConfigError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    deny_warnings: bool,
    #[serde(default)]
    severity: BTreeMap<String, toml::Spanned<SeverityName>>,
    #[serde(default)]
    options: OptionsFile,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum SeverityName {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OptionsFile {
    scrape_interval: Option<toml::Spanned<String>>,
    window_factor: Option<toml::Spanned<i64>>,
}

impl LintConfig {
    /// Parses `rollsim.toml` text; `file` names it in errors.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, LintConfigError> {
        let error = |span: Option<std::ops::Range<usize>>, message: String| {
            let (line, column) = line_col(text, span.map_or(0, |s| s.start));
            LintConfigError {
                file: file.to_string(),
                line,
                column,
                message,
            }
        };
        let raw: ConfigFile =
            toml::from_str(text).map_err(|e| error(e.span(), e.message().to_string()))?;
        let rules = super::rules::RULES;
        for s in raw.select.iter().chain(&raw.ignore) {
            super::select::validate(s, rules).map_err(|m| error(None, m))?;
        }
        let mut options = LintOptions::default();
        if let Some(s) = &raw.options.scrape_interval {
            options.scrape_interval = Duration::parse(s.get_ref())
                .map_err(|e| error(Some(s.span()), format!("scrape-interval: {e}")))?;
        }
        if let Some(f) = &raw.options.window_factor {
            if *f.get_ref() < 1 {
                return Err(error(Some(f.span()), "window-factor must be >= 1".into()));
            }
            options.window_factor = *f.get_ref();
        }
        let mut severity = Vec::new();
        for (key, level) in &raw.severity {
            if super::rules::find(key).is_none() {
                let m = format!("[severity]: unknown rule `{key}`");
                return Err(error(Some(level.span()), m));
            }
            severity.push((key.clone(), level.get_ref().severity()));
        }
        Ok(LintConfig {
            selection: RuleSelection {
                select: raw.select,
                ignore: raw.ignore,
            },
            deny_warnings: raw.deny_warnings,
            severity,
            options,
            data: None,
        })
    }

    /// The severity of `rule`'s findings: an override by code or name, else its default.
    pub fn severity_of(&self, rule: &dyn super::Rule) -> Severity {
        self.severity
            .iter()
            .rev()
            .find(|(k, _)| k == rule.code() || k == rule.name())
            .map_or(rule.default_severity(), |(_, s)| *s)
    }
}

impl SeverityName {
    fn severity(self) -> Severity {
        match self {
            SeverityName::Error => Severity::Error,
            SeverityName::Warning => Severity::Warning,
            SeverityName::Info => Severity::Info,
        }
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset.min(text.len())).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let c = LintConfig::from_toml(
            "select = [\"RS0\"]\nignore = [\"RS012\"]\ndeny-warnings = true\n\
             [severity]\nRS004 = \"warning\"\n[options]\nscrape-interval = \"30s\"\nwindow-factor = 3\n",
            "rollsim.toml",
        )
        .expect("valid config");
        assert_eq!(c.selection.select, vec!["RS0"]);
        assert_eq!(c.selection.ignore, vec!["RS012"]);
        assert!(c.deny_warnings);
        assert_eq!(c.severity, vec![("RS004".to_string(), Severity::Warning)]);
        assert_eq!(c.options.scrape_interval, Duration::from_secs(30));
        assert_eq!(c.options.window_factor, 3);
    }

    #[test]
    fn unknown_keys_are_errors_with_their_line() {
        let e = LintConfig::from_toml("select = []\n[options]\nscrape = \"1m\"\n", "r.toml")
            .expect_err("unknown key");
        assert_eq!((e.line, e.column), (3, 1), "{e}");
        assert!(e.message.contains("unknown field `scrape`"), "{e}");
        let e = LintConfig::from_toml("[severity]\nRS004 = \"fatal\"\n", "r.toml")
            .expect_err("bad level");
        assert_eq!(e.line, 2, "{e}");
    }
}
