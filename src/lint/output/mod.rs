//! Lint output formats, one file each behind [`Emitter`]: `human` (code frames), `concise`
//! (`path:line:col: CODE message`), `json`, `sarif` (SARIF 2.1.0) and `github` (Actions
//! workflow commands). Emitters write to any `io::Write`; only `cli` hands them stdout.
//!
//! Depends on `lint::run::LintReport`.

mod concise;
mod github;
mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use super::LintReport;

pub use github::{escape_data, escape_property};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// rustc-style code frames with the offending span underlined.
    #[default]
    Human,
    /// One line per finding: `path:line:col: CODE message`.
    Concise,
    /// An array of findings: code, name, severity, message, file, line, column.
    Json,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`).
    Github,
}

/// Writes a lint report in one format.
pub trait Emitter {
    fn emit(&self, out: &mut dyn Write, report: &LintReport) -> io::Result<()>;
}

/// The emitter for `format`.
pub fn emitter(format: Format) -> &'static dyn Emitter {
    match format {
        Format::Human => &human::Human,
        Format::Concise => &concise::Concise,
        Format::Json => &json::Json,
        Format::Sarif => &sarif::Sarif,
        Format::Github => &github::Github,
    }
}

/// Writes `report` as `format`.
pub fn write_report(out: &mut dyn Write, format: Format, report: &LintReport) -> io::Result<()> {
    emitter(format).emit(out, report)
}
