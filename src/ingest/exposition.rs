//! Sample-line parsing shared by the OpenMetrics and Prometheus text readers.
//!
//! Depends on `model` and `ingest::labelset`. A line is `series value timestamp`, where the
//! series part is `name`, `name{labels}` or `{__name__="name", labels}` (the `promtool tsdb
//! dump` form). Labels are parsed once per distinct series spelling: a line starting with
//! the previous line's series bytes reuses its id (series-major files), and otherwise the
//! series bytes, delimited by a light quote-aware scan, are looked up among those seen
//! before (time-major files such as histograms, whose consecutive lines alternate series).

use std::collections::HashMap;
use std::path::Path;

use super::IngestError;
use super::labelset::{LabelSetParser, is_blank, skip_blanks};
use crate::model::StoreBuilder;
use crate::model::store::Appended;

/// Prometheus's canonical NaN (`value.NormalNaN`): its text parsers replace every parsed NaN
/// with this bit pattern, so exact-duplicate detection treats all NaN spellings alike.
pub const NORMAL_NAN_BITS: u64 = 0x7ff8_0000_0000_0001;

/// A syntax error inside one line: byte offset (0-based) of the offending byte and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub offset: usize,
    pub message: String,
}

impl LineError {
    pub fn new(offset: usize, message: impl Into<String>) -> Self {
        LineError {
            offset,
            message: message.into(),
        }
    }
    /// As an `IngestError` at `line` (1-based), with a 1-based column.
    pub fn at(self, path: &Path, line: u64) -> IngestError {
        IngestError::new(path, Some(line), Some(self.offset as u64 + 1), self.message)
    }
}

/// The timestamp unit and trailer rules of a text format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Float seconds; an exemplar (` # {...} v [ts]`) may follow the timestamp.
    OpenMetrics,
    /// Integer milliseconds; nothing may follow the timestamp.
    PromText,
}

/// One parsed sample line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub id: u32,
    /// Milliseconds since the epoch.
    pub t: i64,
    pub v: f64,
    /// Byte offset of the value token, for errors about the sample as a whole.
    pub value_offset: usize,
}

/// Parses sample lines into series ids, remembering the previous line's series bytes.
pub struct SampleParser {
    dialect: Dialect,
    prev_key: Vec<u8>,
    prev_id: Option<u32>,
    /// Series bytes (`name{...}`) already parsed, and their ids.
    known: HashMap<Box<[u8]>, u32>,
    labels: LabelSetParser,
}

impl SampleParser {
    pub fn new(dialect: Dialect) -> Self {
        SampleParser {
            dialect,
            prev_key: Vec::new(),
            prev_id: None,
            known: HashMap::new(),
            labels: LabelSetParser::default(),
        }
    }

    /// Parses one non-comment line.
    pub fn parse(&mut self, b: &mut StoreBuilder, line: &[u8]) -> Result<Sample, LineError> {
        let k = self.prev_key.len();
        let (id, end) = match self.prev_id {
            Some(id) if line.len() > k && is_blank(line[k]) && line.starts_with(&self.prev_key) => {
                (id, k)
            }
            _ => {
                let seen =
                    series_end(line).and_then(|end| Some((*self.known.get(&line[..end])?, end)));
                let (id, end) = match seen {
                    Some(hit) => hit,
                    None => {
                        let (end, labels) = self.labels.parse_series(b, line)?;
                        let id = b.series_id(labels);
                        self.known.insert(line[..end].into(), id);
                        (id, end)
                    }
                };
                self.prev_key.clear();
                self.prev_key.extend_from_slice(&line[..end]);
                self.prev_id = Some(id);
                (id, end)
            }
        };
        let (v, value_offset, i) = value_token(line, end)?;
        let (t, i) = self.timestamp_token(line, i)?;
        self.trailer(line, i)?;
        Ok(Sample {
            id,
            t,
            v,
            value_offset,
        })
    }

    fn timestamp_token(&self, line: &[u8], from: usize) -> Result<(i64, usize), LineError> {
        let start = skip_blanks(line, from);
        let end = token_end(line, start);
        let tok = &line[start..end];
        if tok.is_empty() || (self.dialect == Dialect::OpenMetrics && tok == b"#") {
            return Err(LineError::new(
                start,
                "missing timestamp: every sample of a recording needs one",
            ));
        }
        let text = std::str::from_utf8(tok).unwrap_or("");
        let t = match self.dialect {
            // Mirrors Prometheus's OpenMetrics parser (model/textparse/openmetricsparse.go,
            // parseMetricSuffix): `ts, err = parseFloat(...)`, NaN/Inf rejected, then
            // `p.ts = int64(ts * 1000)`, i.e. scaled and truncated toward zero.
            Dialect::OpenMetrics => match text.parse::<f64>() {
                Ok(s) if s.is_finite() => (s * 1000.0) as i64,
                _ => {
                    return Err(LineError::new(
                        start,
                        format!(
                            "invalid timestamp {:?}: expected seconds since the epoch",
                            String::from_utf8_lossy(tok)
                        ),
                    ));
                }
            },
            // Mirrors model/textparse/promparse.go: `strconv.ParseInt(..., 10, 64)`.
            Dialect::PromText => text.parse::<i64>().map_err(|_| {
                LineError::new(
                    start,
                    format!(
                        "invalid timestamp {:?}: expected integer milliseconds since the epoch",
                        String::from_utf8_lossy(tok)
                    ),
                )
            })?,
        };
        Ok((t, end))
    }

    fn trailer(&self, line: &[u8], from: usize) -> Result<(), LineError> {
        let i = skip_blanks(line, from);
        if i == line.len() || (self.dialect == Dialect::OpenMetrics && line[i] == b'#') {
            return Ok(()); // an OpenMetrics exemplar is ignored
        }
        Err(LineError::new(i, "unexpected text after the timestamp"))
    }
}

/// Where the series part of `line` ends, by a quote-aware scan that does not validate
/// (a full parse does, the first time a spelling is seen); `None` when it cannot tell or
/// no blank follows.
fn series_end(line: &[u8]) -> Option<usize> {
    let first = memchr::memchr3(b'{', b' ', b'\t', line)?;
    if line[first] != b'{' {
        return Some(first);
    }
    let mut i = first + 1;
    let end = loop {
        let j = i + memchr::memchr2(b'"', b'}', line.get(i..)?)?;
        if line[j] == b'}' {
            break j + 1;
        }
        i = j + 1;
        loop {
            let k = i + memchr::memchr2(b'"', b'\\', line.get(i..)?)?;
            i = k + if line[k] == b'\\' { 2 } else { 1 };
            if line[k] == b'"' {
                break;
            }
        }
    };
    line.get(end).is_some_and(|&c| is_blank(c)).then_some(end)
}

/// Parses the value after the series part; returns it, its offset and the offset after it.
fn value_token(line: &[u8], from: usize) -> Result<(f64, usize, usize), LineError> {
    let start = skip_blanks(line, from);
    let end = token_end(line, start);
    if start == end {
        return Err(LineError::new(start, "missing value after the series"));
    }
    let v = parse_value(&line[start..end]).ok_or_else(|| {
        LineError::new(
            start,
            format!(
                "invalid value {:?}: expected a float, NaN, +Inf or -Inf",
                String::from_utf8_lossy(&line[start..end])
            ),
        )
    })?;
    Ok((v, start, end))
}

fn token_end(line: &[u8], from: usize) -> usize {
    line[from..]
        .iter()
        .position(|&c| is_blank(c))
        .map_or(line.len(), |p| from + p)
}

/// Parses a sample value as Go's `strconv.ParseFloat` does for Prometheus (decimal and
/// exponent forms, `NaN`, `Inf`/`+Inf`/`-Inf` in any case); NaN becomes `NORMAL_NAN_BITS`.
pub fn parse_value(tok: &[u8]) -> Option<f64> {
    // Go rejects underscores without a base prefix and Prometheus rejects hex floats; Rust's
    // parser accepts neither, so the two agree on what they accept.
    let s = std::str::from_utf8(tok).ok()?;
    let v = s.parse::<f64>().ok()?;
    if v.is_nan() {
        // Go accepts a sign before `Inf` but not before `NaN`; Rust accepts both.
        return (!s.starts_with(['+', '-'])).then_some(f64::from_bits(NORMAL_NAN_BITS));
    }
    Some(v)
}

/// Appends a sample; a second, different value for the same timestamp is an error that
/// names the series, as Prometheus rejects it.
pub fn append(b: &mut StoreBuilder, id: u32, t: i64, v: f64) -> Result<(), String> {
    match b.append(id, t, v) {
        Appended::Ok | Appended::Duplicate => Ok(()),
        Appended::Conflict { existing } => Err(format!(
            "two different values at the same timestamp for {} at {} ms: {} then {} (Prometheus rejects the second)",
            b.labels_of(id),
            t,
            existing,
            v
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_values_as_go_parse_float_does() {
        for (text, want) in [
            ("1.5", 1.5),
            ("-2e3", -2000.0),
            (".5", 0.5),
            ("+Inf", f64::INFINITY),
            ("-inf", f64::NEG_INFINITY),
            ("Infinity", f64::INFINITY),
        ] {
            assert_eq!(parse_value(text.as_bytes()), Some(want), "{text}");
        }
        for nan in ["NaN", "nan", "NAN"] {
            let v = parse_value(nan.as_bytes()).unwrap();
            assert_eq!(v.to_bits(), NORMAL_NAN_BITS, "{nan}");
        }
        for bad in ["", "+NaN", "-nan", "0x1p3", "1_000", "1,5", "one", "1 2"] {
            assert_eq!(parse_value(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn series_end_skips_quoted_braces_and_escapes() {
        assert_eq!(series_end(b"up 1 2"), Some(2));
        assert_eq!(series_end(b"up{a=\"}\"} 1 2"), Some(9));
        assert_eq!(series_end(b"up{a=\"\\\"}\"} 1"), Some(11));
        assert_eq!(series_end(b"{__name__=\"x\", b=\"y z\"} 1"), Some(23));
        assert_eq!(series_end(b"up{a=\"x} 1 2"), None);
        assert_eq!(series_end(b"up{a=\"x\\"), None);
        assert_eq!(series_end(b"up{a=\"x\"}1 2"), None);
    }

    #[test]
    fn alternating_series_reuse_ids_by_their_bytes() {
        let mut b = StoreBuilder::new();
        let mut p = SampleParser::new(Dialect::PromText);
        let lines: [&[u8]; 4] = [
            b"a{x=\"1\"} 1 1",
            b"a{x=\"2\"} 1 1",
            b"a{x=\"1\"} 2 2",
            b"a{x=\"2\"}  2 2",
        ];
        let ids: Vec<u32> = lines
            .iter()
            .map(|l| p.parse(&mut b, l).unwrap().id)
            .collect();
        assert_eq!(ids, [0, 1, 0, 1]);
        assert_eq!(p.known.len(), 2);
        // A spelling seen before but now malformed after the series still fails.
        assert_eq!(
            p.parse(&mut b, b"a{x=\"1\"} z 3").unwrap_err(),
            LineError::new(
                9,
                "invalid value \"z\": expected a float, NaN, +Inf or -Inf"
            )
        );
    }
}
