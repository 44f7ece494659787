//! A lint finding: rule, severity, message and the narrowest source location.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding. Lines and columns are 1-based; `end_*` close the offending span when known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
}

impl Finding {
    /// A finding of `rule` at `pos` in `file`, with the rule's default severity.
    pub fn new(
        rule: &dyn super::Rule,
        file: &str,
        pos: crate::manifest::Pos,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            code: rule.code(),
            name: rule.name(),
            severity: rule.default_severity(),
            message: message.into(),
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            end_line: None,
            end_column: None,
        }
    }

    /// The sort key: file, line, column, code.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        (&self.file, self.line, self.column, self.code)
    }
}
