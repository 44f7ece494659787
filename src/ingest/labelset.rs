//! Parser for the series part of an exposition line: `name`, `name{l="v",...}` or
//! `{__name__="name", l="v"}`.
//!
//! Depends on `model`. Label values are Go-escaped as in Prometheus's text lexers: `\\`,
//! `\"` and `\n` are unescaped, any other backslash pair is kept verbatim; values must be
//! UTF-8. Label names beginning with `__` are accepted. Strings are interned in the builder.

use std::sync::Arc;

use super::exposition::LineError;
use crate::model::Labels;
use crate::model::{LabelsBuilder, METRIC_NAME, StoreBuilder};

pub fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

pub fn skip_blanks(line: &[u8], mut i: usize) -> usize {
    while i < line.len() && is_blank(line[i]) {
        i += 1;
    }
    i
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Reusable scratch space for label-set parsing.
#[derive(Debug, Default)]
pub struct LabelSetParser {
    /// Byte offset of each label's name, for duplicate errors.
    pairs: Vec<(usize, Arc<str>, Arc<str>)>,
    value: Vec<u8>,
}

impl LabelSetParser {
    /// Parses the series part at the start of `line`; returns the offset just after it
    /// (which holds a blank) and the label set including `__name__`.
    pub fn parse_series(
        &mut self,
        b: &mut StoreBuilder,
        line: &[u8],
    ) -> Result<(usize, Labels), LineError> {
        self.pairs.clear();
        let mut i = 0;
        let mut name = None;
        if line.first().is_some_and(|&c| is_name_start(c) || c == b':') {
            while i < line.len() && (is_name_char(line[i]) || line[i] == b':') {
                i += 1;
            }
            name = Some(b.intern(ascii(&line[..i])));
        }
        if i < line.len() && line[i] == b'{' {
            i = self.parse_labels(b, line, i + 1)?;
        } else if name.is_none() {
            return Err(LineError::new(0, "expected a metric name or '{'"));
        }
        if i == line.len() {
            return Err(LineError::new(i, "missing value after the series"));
        }
        if !is_blank(line[i]) {
            return Err(LineError::new(
                i,
                format!(
                    "unexpected character {:?} after the series",
                    char::from(line[i])
                ),
            ));
        }
        let inner_name = self.pairs.iter().find(|p| &*p.1 == METRIC_NAME);
        match (&name, inner_name) {
            (Some(_), Some(p)) => {
                return Err(LineError::new(p.0, "metric name given twice"));
            }
            (None, None) => return Err(LineError::new(0, "series has no metric name")),
            _ => {}
        }
        let mut lb = LabelsBuilder::new();
        if let Some(n) = name {
            lb.set(b.intern(METRIC_NAME), n);
        }
        for (_, n, v) in self.pairs.drain(..) {
            lb.set(n, v);
        }
        Ok((i, lb.build()))
    }

    /// Parses `l="v", ...}` from `i` (just after `{`); returns the offset after `}`.
    fn parse_labels(
        &mut self,
        b: &mut StoreBuilder,
        line: &[u8],
        mut i: usize,
    ) -> Result<usize, LineError> {
        loop {
            i = skip_blanks(line, i);
            match line.get(i) {
                Some(b'}') => return Ok(i + 1),
                Some(&c) if is_name_start(c) => {}
                Some(_) => return Err(LineError::new(i, "expected a label name or '}'")),
                None => return Err(LineError::new(i, "unterminated label set: missing '}'")),
            }
            let name_start = i;
            while i < line.len() && is_name_char(line[i]) {
                i += 1;
            }
            let name = ascii(&line[name_start..i]);
            i = skip_blanks(line, i);
            if line.get(i) != Some(&b'=') {
                return Err(LineError::new(i, "expected '=' after the label name"));
            }
            i = skip_blanks(line, i + 1);
            if line.get(i) != Some(&b'"') {
                return Err(LineError::new(i, "expected '\"' to start the label value"));
            }
            let end = self.parse_value(line, i)?;
            let value = std::str::from_utf8(&self.value).expect("validated as UTF-8");
            if self.pairs.iter().any(|p| &*p.1 == name) {
                return Err(LineError::new(
                    name_start,
                    format!("duplicate label name {name:?}"),
                ));
            }
            let (n, v) = (b.intern(name), b.intern(value));
            self.pairs.push((name_start, n, v));
            i = skip_blanks(line, end);
            match line.get(i) {
                Some(b',') => i += 1,
                Some(b'}') => {}
                Some(_) => {
                    return Err(LineError::new(
                        i,
                        "expected ',' or '}' after the label value",
                    ));
                }
                None => return Err(LineError::new(i, "unterminated label set: missing '}'")),
            }
        }
    }

    /// Parses the quoted value starting at `quote` into `self.value` (checked to be UTF-8);
    /// returns the offset after the closing quote.
    fn parse_value(&mut self, line: &[u8], quote: usize) -> Result<usize, LineError> {
        let start = quote + 1;
        let unterminated =
            || LineError::new(quote, "unterminated label value: missing closing '\"'");
        let rel = memchr::memchr2(b'"', b'\\', &line[start..]).ok_or_else(unterminated)?;
        self.value.clear();
        let mut i = start + rel;
        if line[i] == b'"' {
            self.value.extend_from_slice(&line[start..i]);
        } else {
            self.value.extend_from_slice(&line[start..i]);
            loop {
                match line.get(i) {
                    None => return Err(unterminated()),
                    Some(b'"') => break,
                    Some(b'\\') => {
                        match line.get(i + 1) {
                            None => return Err(unterminated()),
                            Some(b'\\') => self.value.push(b'\\'),
                            Some(b'"') => self.value.push(b'"'),
                            Some(b'n') => self.value.push(b'\n'),
                            Some(&c) => self.value.extend_from_slice(&[b'\\', c]),
                        }
                        i += 2;
                    }
                    Some(&c) => {
                        self.value.push(c);
                        i += 1;
                    }
                }
            }
        }
        // Escapes are ASCII, so the raw bytes are UTF-8 exactly when the value is.
        if let Err(e) = std::str::from_utf8(&line[start..i]) {
            return Err(LineError::new(
                start + e.valid_up_to(),
                "label value is not valid UTF-8",
            ));
        }
        Ok(i + 1)
    }
}

/// A name scanned from ASCII name characters.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("names are scanned from ASCII characters only")
}
