//! The promqltest/promtool series notation: `name{l="v"} 0+10x10 _ stale`.
//!
//! `parse_series_desc` reads the selector part, `expand_values` the value sequence (README
//! 3.4 of the conformance corpus), `parse_series_line` both. `read` loads a `.series` file made
//! of `load <interval>` blocks; the promqltest runner uses the same functions for `load`.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use super::IngestError;
use crate::model::{Duration, Labels, StoreBuilder, store::Appended};

#[path = "series_values.rs"]
mod values;
pub use values::{SeriesValue, expand_values};

/// Why a series line could not be read. `column` is 0-based into the text given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotationError {
    /// A `{{...}}` native-histogram literal: valid notation, but not supported here.
    NativeHistogram {
        column: usize,
    },
    Syntax {
        column: usize,
        message: String,
    },
}

impl NotationError {
    pub fn column(&self) -> usize {
        match self {
            NotationError::NativeHistogram { column } | NotationError::Syntax { column, .. } => {
                *column
            }
        }
    }
    fn shifted(self, by: usize) -> Self {
        match self {
            NotationError::NativeHistogram { column } => NotationError::NativeHistogram {
                column: column + by,
            },
            NotationError::Syntax { column, message } => NotationError::Syntax {
                column: column + by,
                message,
            },
        }
    }
}

impl fmt::Display for NotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotationError::NativeHistogram { .. } => f.write_str("native histograms not supported"),
            NotationError::Syntax { message, .. } => f.write_str(message),
        }
    }
}

pub(crate) fn syntax(column: usize, message: impl Into<String>) -> NotationError {
    NotationError::Syntax {
        column,
        message: message.into(),
    }
}

/// Parses `<series> <values>`.
pub fn parse_series_line(line: &str) -> Result<(Labels, Vec<Option<SeriesValue>>), NotationError> {
    let (labels, rest_at) = parse_series_desc(line)?;
    let values = expand_values(&line[rest_at..]).map_err(|e| e.shifted(rest_at))?;
    Ok((labels, values))
}

/// Parses the selector at the start of `s` (leading blanks allowed): `name`, `name{l="v",...}`
/// or `{__name__="x",...}`. Returns the labels (empty values dropped) and the byte index where
/// the selector ends.
pub fn parse_series_desc(s: &str) -> Result<(Labels, usize), NotationError> {
    let b = s.as_bytes();
    let mut i = skip_ws(b, 0);
    let name_start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b':') {
        i += 1;
    }
    let name = &s[name_start..i];
    if name.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return Err(syntax(name_start, format!("invalid metric name {name:?}")));
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    if !name.is_empty() {
        pairs.push(("__name__".into(), name.into()));
    }
    if i < b.len() && b[i] == b'{' {
        i += 1;
        loop {
            i = skip_ws(b, i);
            if i >= b.len() {
                return Err(syntax(i, "unterminated label set, expected '}'"));
            }
            if b[i] == b'}' {
                i += 1;
                break;
            }
            let quoted = matches!(b[i], b'"' | b'\'' | b'`');
            let (lname, next) = if quoted {
                parse_quoted(s, i)?
            } else {
                let st = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                if st == i || b[st].is_ascii_digit() {
                    return Err(syntax(st, "expected a label name"));
                }
                (s[st..i].to_string(), i)
            };
            i = skip_ws(b, next);
            if quoted && matches!(b.get(i), Some(b',' | b'}')) {
                // A bare quoted string is the metric name (UTF-8 syntax: `{"my.metric"}`).
                pairs.push(("__name__".into(), lname));
                i += usize::from(b[i] == b',');
                continue;
            }
            if i >= b.len() || b[i] != b'=' || b.get(i + 1) == Some(&b'~') {
                return Err(syntax(i, "expected '=' after label name"));
            }
            i = skip_ws(b, i + 1);
            if i >= b.len() || !matches!(b[i], b'"' | b'\'' | b'`') {
                return Err(syntax(i, "expected a quoted label value"));
            }
            let (value, next) = parse_quoted(s, i)?;
            pairs.push((lname, value));
            i = skip_ws(b, next);
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b'}') => {}
                _ => return Err(syntax(i, "expected ',' or '}' in label set")),
            }
        }
    } else if name.is_empty() {
        return Err(syntax(name_start, "expected a metric name or '{'"));
    }
    let mut seen = std::collections::HashSet::new();
    for (n, _) in &pairs {
        if !seen.insert(n.as_str()) {
            return Err(syntax(name_start, format!("label {n:?} given twice")));
        }
    }
    Ok((Labels::from_pairs(pairs), i))
}

pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Reads a Go-quoted string starting at `start` (a quote); returns the text and the index
/// after the closing quote.
pub fn parse_quoted(s: &str, start: usize) -> Result<(String, usize), NotationError> {
    let quote = s.as_bytes()[start] as char;
    let mut out = String::new();
    let mut chars = s[start + 1..].char_indices();
    while let Some((off, c)) = chars.next() {
        let pos = start + 1 + off;
        if c == quote {
            return Ok((out, pos + 1));
        }
        if c != '\\' || quote == '`' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        let simple = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0c'),
            'v' => Some('\x0b'),
            '\\' => Some('\\'),
            '"' | '\'' => Some(e),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            continue;
        }
        let digits = match e {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => return Err(syntax(pos, format!("invalid escape \\{e}"))),
        };
        let hex: String = (0..digits)
            .filter_map(|_| chars.next().map(|p| p.1))
            .collect();
        let code = u32::from_str_radix(&hex, 16)
            .ok()
            .filter(|_| hex.len() == digits)
            .and_then(char::from_u32)
            .ok_or_else(|| syntax(pos, "invalid escape"))?;
        out.push(code);
    }
    Err(syntax(start, "unterminated quoted string"))
}

/// Reads a `.series` file: `load <interval>` blocks of series lines, `#` comments, blanks.
/// Sample k of a line is written at `k * interval`; a series repeated within one block
/// replaces the earlier line.
pub fn read(builder: &mut StoreBuilder, path: &Path) -> Result<(), IngestError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| IngestError::new(path, None, None, format!("cannot read: {e}")))?;
    let err = |line: usize, col: Option<usize>, msg: String| {
        IngestError::new(path, Some(line as u64), col.map(|c| c as u64 + 1), msg)
    };
    let mut block: Option<Block> = None;
    for (n, raw) in text.lines().enumerate() {
        let lineno = n + 1;
        let indent = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(arg) = line.strip_prefix("load ") {
            flush(builder, block.take()).map_err(|(l, m)| err(l, None, m))?;
            let d = Duration::parse(arg.trim())
                .ok()
                .filter(|d| d.millis() > 0)
                .ok_or_else(|| err(lineno, None, format!("invalid load interval {arg:?}")))?;
            block = Some((d, Vec::new()));
            continue;
        }
        let Some((_, lines)) = block.as_mut() else {
            return Err(err(lineno, None, "expected `load <interval>` first".into()));
        };
        let (labels, at) = parse_series_desc(line)
            .map_err(|e| err(lineno, Some(indent + e.column()), e.to_string()))?;
        if line[at..].starts_with("@st") {
            return Err(err(
                lineno,
                Some(indent + at),
                "start timestamps (@st) not supported".into(),
            ));
        }
        let values = expand_values(&line[at..])
            .map_err(|e| err(lineno, Some(indent + at + e.column()), e.to_string()))?;
        lines.retain(|(l, _, _)| *l != labels);
        lines.push((labels, values, lineno));
    }
    flush(builder, block).map_err(|(l, m)| err(l, None, m))
}

type Block = (Duration, Vec<(Labels, Vec<Option<SeriesValue>>, usize)>);

fn flush(builder: &mut StoreBuilder, block: Option<Block>) -> Result<(), (usize, String)> {
    let Some((interval, lines)) = block else {
        return Ok(());
    };
    let mut ids: HashMap<Labels, u32> = HashMap::new();
    for (labels, values, lineno) in lines {
        let id = *ids
            .entry(labels.clone())
            .or_insert_with(|| builder.series_id(labels.clone()));
        for (k, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let t = (k as i64).saturating_mul(interval.millis());
            if let Appended::Conflict { existing } = builder.append(id, t, v.to_f64()) {
                return Err((
                    lineno,
                    format!(
                        "conflicting samples for {labels} at {t} ms: {existing} and {}",
                        v.to_f64()
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "series_notation_tests.rs"]
mod tests;
