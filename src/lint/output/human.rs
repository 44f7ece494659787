//! `--format human`: rustc-style findings with a code frame, the offending span underlined,
//! and a summary line.
//!
//! ```text
//! error[RS006]: metric 'error-rate': invalid interval string: time: missing unit in duration "60"
//!   --> templates/error-rate.yaml:9:15
//!    |
//!  9 |     interval: "60"
//!    |               ^^^^ interval-without-unit
//! ```

use std::io::{self, Write};

use super::Emitter;
use crate::lint::{Finding, LintReport};

pub struct Human;

impl Emitter for Human {
    fn emit(&self, out: &mut dyn Write, report: &LintReport) -> io::Result<()> {
        for f in &report.findings {
            let text = report
                .sources
                .iter()
                .find(|(file, _)| *file == f.file)
                .map(|(_, t)| t.as_str());
            frame(out, f, text)?;
        }
        let (errors, warnings, infos) = report.counts();
        if report.findings.is_empty() {
            writeln!(out, "All checks passed.")
        } else {
            writeln!(
                out,
                "Found {} ({errors} error{}, {warnings} warning{}, {infos} info).",
                plural(report.findings.len(), "finding"),
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
            )
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// One finding: header, location, and the source line with the span underlined.
fn frame(out: &mut dyn Write, f: &Finding, text: Option<&str>) -> io::Result<()> {
    writeln!(out, "{}[{}]: {}", f.severity, f.code, f.message)?;
    let line_text = text
        .filter(|_| f.line > 0)
        .and_then(|t| t.lines().nth(f.line as usize - 1));
    let gutter = f.line.to_string().len();
    writeln!(out, "{:gutter$}--> {}:{}:{}", "", f.file, f.line, f.column)?;
    let Some(line_text) = line_text else {
        return writeln!(out, "{:gutter$} = {}", "", f.name);
    };
    let line_text = line_text.trim_end();
    let start = (f.column.max(1) - 1) as usize;
    let width = span_width(f, line_text, start);
    writeln!(out, "{:gutter$} |", "")?;
    writeln!(out, "{} | {line_text}", f.line)?;
    // Tabs keep their width in the padding so the carets line up.
    let pad: String = line_text
        .chars()
        .take(start)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    writeln!(
        out,
        "{:gutter$} | {pad}{} {}",
        "",
        "^".repeat(width),
        f.name
    )?;
    writeln!(out, "{:gutter$} |", "")
}

/// Characters to underline: the finding's end on the same line, or else the token at the
/// start (up to whitespace, without a trailing `:`), at least one.
fn span_width(f: &Finding, line: &str, start: usize) -> usize {
    if let (Some(el), Some(ec)) = (f.end_line, f.end_column)
        && el == f.line
        && ec > f.column
    {
        return (ec - f.column) as usize;
    }
    let token: String = line
        .chars()
        .skip(start)
        .take_while(|c| !c.is_whitespace())
        .collect();
    token.trim_end_matches(':').chars().count().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::Severity;

    #[test]
    fn frame_underlines_the_token() {
        let f = Finding {
            code: "RS006",
            name: "interval-without-unit",
            severity: Severity::Error,
            message: "bad".into(),
            file: "t.yaml".into(),
            line: 2,
            column: 15,
            end_line: None,
            end_column: None,
        };
        let mut out = Vec::new();
        frame(&mut out, &f, Some("a: 1\n    interval: \"60\"\n")).expect("write to a Vec");
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            text,
            "error[RS006]: bad\n --> t.yaml:2:15\n  |\n2 |     interval: \"60\"\n  |               ^^^^ interval-without-unit\n  |\n"
        );
    }
}
