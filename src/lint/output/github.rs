//! `--format github`: GitHub Actions workflow commands, one per finding:
//! `::error file=F,line=L,col=C,title=CODE name::message` (`warning`, `notice` for info).
//!
//! Escaping follows GitHub's toolkit (`@actions/core` `command.ts`): in the message `%`,
//! `\r`, `\n`; in properties also `:` and `,`.

use std::io::{self, Write};

use super::Emitter;
use crate::lint::{LintReport, Severity};

pub struct Github;

impl Emitter for Github {
    fn emit(&self, out: &mut dyn Write, report: &LintReport) -> io::Result<()> {
        for f in &report.findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            write!(
                out,
                "::{command} file={},line={},col={}",
                escape_property(&f.file),
                f.line,
                f.column
            )?;
            if let (Some(l), Some(c)) = (f.end_line, f.end_column) {
                write!(out, ",endLine={l},endColumn={c}")?;
            }
            let title = format!("{} {}", f.code, f.name);
            writeln!(
                out,
                ",title={}::{}",
                escape_property(&title),
                escape_data(&f.message)
            )?;
        }
        Ok(())
    }
}

/// A workflow command's message: `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`escape_data`], plus `:` → `%3A`, `,` → `%2C`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_table() {
        let cases = [
            ("plain", "plain", "plain"),
            ("50%", "50%25", "50%25"),
            ("a\nb\r\n", "a%0Ab%0D%0A", "a%0Ab%0D%0A"),
            ("k: v, w", "k: v, w", "k%3A v%2C w"),
            ("%0A", "%250A", "%250A"),
        ];
        for (raw, data, prop) in cases {
            assert_eq!(escape_data(raw), data, "{raw:?}");
            assert_eq!(escape_property(raw), prop, "{raw:?}");
        }
    }
}
