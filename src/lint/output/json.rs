//! `--format json`: a stable array of findings (`code`, `name`, `severity`, `message`,
//! `file`, `line`, `column`, and `end_line`/`end_column` when known).

use std::io::{self, Write};

use super::Emitter;
use crate::lint::LintReport;

pub struct Json;

impl Emitter for Json {
    fn emit(&self, out: &mut dyn Write, report: &LintReport) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &report.findings)?;
        writeln!(out)
    }
}
