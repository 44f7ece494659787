//! Data ingestion: one file per format, each streaming samples into a `StoreBuilder`.
//!
//! Depends on `model` only. The format is chosen by extension, else by content
//! (`detect`). Every error names the file and, where it exists, line and column.

pub mod csv;
pub(crate) mod exposition;
pub mod json;
mod labelset;
mod lines;
pub mod openmetrics;
pub mod promtext;
pub mod series_notation;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::{Store, StoreBuilder};

/// A supported input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// OpenMetrics text with timestamps in seconds, ending in `# EOF` (`.om`).
    OpenMetrics,
    /// Prometheus text exposition with millisecond timestamps (`.prom`, `.txt`), incl.
    /// `promtool tsdb dump` output.
    PromText,
    /// Prometheus HTTP API JSON: `query`/`query_range` responses, matrix or vector (`.json`).
    Json,
    /// CSV long format: `timestamp,<labels...>,value` (`.csv`).
    Csv,
    /// promqltest `load` notation (`.series`).
    SeriesNotation,
}

impl Format {
    /// The format implied by a file extension, if any.
    pub fn from_extension(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "om" | "openmetrics" => Some(Format::OpenMetrics),
            "prom" | "txt" => Some(Format::PromText),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "series" | "load" => Some(Format::SeriesNotation),
            _ => None,
        }
    }
}

/// An input error: file, optional line (1-based) and column (1-based), message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct IngestError {
    pub file: PathBuf,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

impl IngestError {
    pub fn new(
        file: &Path,
        line: Option<u64>,
        column: Option<u64>,
        message: impl Into<String>,
    ) -> Self {
        IngestError {
            file: file.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Reads one file into `builder`, choosing the format by extension or content.
pub fn read_file(
    builder: &mut StoreBuilder,
    path: &Path,
    format: Option<Format>,
) -> Result<(), IngestError> {
    let format = match format.or_else(|| Format::from_extension(path)) {
        Some(f) => f,
        None => detect(path)?,
    };
    match format {
        Format::OpenMetrics => openmetrics::read_from(builder, path, lines::open(path)?),
        Format::PromText => promtext::read_from(builder, path, lines::open(path)?),
        Format::Json => json::read_from(builder, path, lines::open(path)?),
        Format::Csv => csv::read_from(builder, path, lines::open(path)?),
        Format::SeriesNotation => series_notation::read(builder, path),
    }
}

/// Loads several files into one store.
pub fn load_files(paths: &[PathBuf]) -> Result<Store, IngestError> {
    let mut b = StoreBuilder::new();
    for p in paths {
        read_file(&mut b, p, None)?;
    }
    let first = paths
        .first()
        .map(PathBuf::as_path)
        .unwrap_or(Path::new("<no input>"));
    b.finish()
        .map_err(|e| IngestError::new(first, None, None, e.to_string()))
}

/// Guesses the format of a file without a known extension from its first bytes and, for
/// OpenMetrics, its last line (`# EOF`).
pub fn detect(path: &Path) -> Result<Format, IngestError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut head = vec![0u8; 64 * 1024];
    let mut f = std::fs::File::open(path)
        .map_err(|e| IngestError::new(path, None, None, format!("cannot open: {e}")))?;
    let read_err =
        |e: std::io::Error| IngestError::new(path, None, None, format!("cannot read: {e}"));
    let n = f.read(&mut head).map_err(read_err)?;
    let format = detect_bytes(&head[..n]);
    if format == Format::PromText {
        let len = f.metadata().map_err(read_err)?.len();
        let mut tail = [0u8; 16];
        let k = len.min(16) as usize;
        f.seek(SeekFrom::Start(len - k as u64)).map_err(read_err)?;
        f.read_exact(&mut tail[..k]).map_err(read_err)?;
        if tail[..k].trim_ascii_end().ends_with(b"# EOF") {
            return Ok(Format::OpenMetrics);
        }
    }
    Ok(format)
}

/// Content sniffing: JSON starts with `[` or with `{` and a key (a promtool dump line starts
/// with `{__name__=`); `load ` starts series notation; a header line with `timestamp` and
/// `value` columns is CSV; OpenMetrics is recognised by `# EOF`, `# UNIT` or a first sample
/// whose timestamp is in seconds (fractional, or below 1e11); everything else is Prometheus
/// text.
pub fn detect_bytes(head: &[u8]) -> Format {
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start();
    let after_brace = trimmed.strip_prefix('{').map(str::trim_start);
    if trimmed.starts_with('[') || after_brace.is_some_and(|r| r.starts_with(['"', '}'])) {
        return Format::Json;
    }
    if trimmed.starts_with("load ") {
        return Format::SeriesNotation;
    }
    let first = trimmed.lines().next().unwrap_or("");
    if first.contains(',') && first.contains("timestamp") && first.contains("value") {
        return Format::Csv;
    }
    if text.contains("# EOF") || text.contains("# UNIT ") {
        return Format::OpenMetrics;
    }
    let sample = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    if let Some(line) = sample {
        let line = line.split(" # ").next().unwrap_or(line);
        let ts = line.split_ascii_whitespace().last().unwrap_or("");
        let seconds =
            ts.contains('.') || ts.parse::<i64>().is_ok_and(|t| t.abs() < 100_000_000_000);
        if seconds && line.split_ascii_whitespace().count() >= 3 {
            return Format::OpenMetrics;
        }
    }
    Format::PromText
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the readers' unit tests: read bytes as if from a file named `t`.

    use super::*;

    pub fn read_bytes(format: Format, text: &[u8]) -> Result<Store, IngestError> {
        let mut b = StoreBuilder::new();
        let path = Path::new("t");
        match format {
            Format::OpenMetrics => openmetrics::read_from(&mut b, path, text)?,
            Format::PromText => promtext::read_from(&mut b, path, text)?,
            Format::Json => json::read_from(&mut b, path, text)?,
            Format::Csv => csv::read_from(&mut b, path, text)?,
            Format::SeriesNotation => unimplemented!("not a streaming reader"),
        }
        b.finish()
            .map_err(|e| IngestError::new(path, None, None, e.to_string()))
    }

    /// The error's `line:col` and message; panics when the input is accepted.
    pub fn error_at(format: Format, text: &[u8]) -> (String, String) {
        match read_bytes(format, text) {
            Ok(_) => panic!("accepted: {}", String::from_utf8_lossy(text)),
            Err(e) => (
                format!(
                    "{}:{}",
                    e.line.map_or("-".into(), |l| l.to_string()),
                    e.column.map_or("-".into(), |c| c.to_string())
                ),
                e.message,
            ),
        }
    }

    /// Each input is rejected at `line:col` with a message containing the given text.
    pub fn assert_errors(format: Format, cases: &[(&[u8], &str, &str)]) {
        for &(input, want_at, want_msg) in cases {
            let (at, msg) = error_at(format, input);
            let shown = String::from_utf8_lossy(input);
            assert_eq!(at, want_at, "{shown}: {msg}");
            assert!(msg.contains(want_msg), "{shown}: {msg}");
        }
    }

    /// `labels t=v ...` per series, in store order.
    pub fn render(s: &Store) -> Vec<String> {
        s.series()
            .iter()
            .map(|x| {
                let pts: Vec<String> = x
                    .timestamps
                    .iter()
                    .zip(x.values.iter())
                    .map(|(t, v)| format!("{t}={v}"))
                    .collect();
                format!("{} {}", x.labels, pts.join(" "))
            })
            .collect()
    }

    /// Mutates `base` at every byte (several replacement bytes, and truncation) and reads
    /// each variant: errors are fine, a panic fails the test.
    pub fn never_panics(format: Format, base: &[u8]) {
        for i in 0..base.len() {
            let _ = read_bytes(format, &base[..i]);
            for c in [
                0xff, b'"', b'{', b'}', b' ', b'\\', b'\n', b'#', b',', b'[', b'0',
            ] {
                let mut m = base.to_vec();
                m[i] = c;
                let _ = read_bytes(format, &m);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_from_content() {
        for (head, want) in [
            (&b"{\"status\":\"success\",\"data\":{}}"[..], Format::Json),
            (b"  [ {\"metric\":{}} ]", Format::Json),
            (b"{}", Format::Json),
            (
                b"{__name__=\"up\", job=\"a\"} 1 1704067200000\n",
                Format::PromText,
            ),
            (b"# TYPE up gauge\nup 1 1704067200000\n", Format::PromText),
            (
                b"# TYPE up gauge\nup{a=\"b c\"} 1 1704067200\n",
                Format::OpenMetrics,
            ),
            (b"up 1 1704067200.5 # {a=\"b\"} 1\n", Format::OpenMetrics),
            (b"up 1 1\n# EOF\n", Format::OpenMetrics),
            (b"timestamp,__name__,value\n1,up,1\n", Format::Csv),
            (b"load 15s\n  up 1+1x10\n", Format::SeriesNotation),
        ] {
            assert_eq!(
                detect_bytes(head),
                want,
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }
}
