//! `ManifestError`: a problem in user-written YAML, located as `file:line:col: message`.
//!
//! Depends on nothing else in the crate.

/// An input error with its location (1-based line and column; 0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ManifestError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl ManifestError {
    pub fn new(file: &str, pos: super::node::Pos, message: impl Into<String>) -> Self {
        ManifestError {
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        }
    }
}
