//! `--format concise`: `path:line:col: CODE message`, one line per finding.

use std::io::{self, Write};

use super::Emitter;
use crate::lint::LintReport;

pub struct Concise;

impl Emitter for Concise {
    fn emit(&self, out: &mut dyn Write, report: &LintReport) -> io::Result<()> {
        for f in &report.findings {
            writeln!(
                out,
                "{}:{}:{}: {} {}",
                f.file, f.line, f.column, f.code, f.message
            )?;
        }
        Ok(())
    }
}
