//! Reader for OpenMetrics text with timestamps in seconds, ending in `# EOF`.
//!
//! Depends on `model` and the shared exposition parsing. Accepts what `promtool tsdb
//! create-blocks-from openmetrics` reads: `# TYPE` is kept as metadata, `# HELP`/`# UNIT`
//! and exemplars are ignored, every sample needs a timestamp, and a file must end with
//! `# EOF` (one without it was truncated).

use std::path::Path;

use super::IngestError;
use super::exposition::{Dialect, LineError, SampleParser, append};
use super::lines::LineReader;
use crate::model::StoreBuilder;

/// Metric types OpenMetrics defines (`# TYPE name TYPE`).
const TYPES: [&str; 8] = [
    "counter",
    "gauge",
    "histogram",
    "gaugehistogram",
    "summary",
    "info",
    "stateset",
    "unknown",
];

pub fn read(builder: &mut StoreBuilder, path: &Path) -> Result<(), IngestError> {
    let mut lines = LineReader::open(path)?;
    let mut parser = SampleParser::new(Dialect::OpenMetrics);
    let mut eof_line: Option<u64> = None;
    let mut last = String::new();
    while let Some((n, line)) = lines.next_line()? {
        if let Some(eof) = eof_line {
            if line.is_empty() {
                continue;
            }
            return Err(IngestError::new(
                path,
                Some(n),
                Some(1),
                format!("unexpected data after `# EOF` (line {eof})"),
            ));
        }
        if line.first() == Some(&b'#') {
            if line == b"# EOF" {
                eof_line = Some(n);
            } else {
                comment(builder, line).map_err(|e| e.at(path, n))?;
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let s = parser.parse(builder, line).map_err(|e| e.at(path, n))?;
        append(builder, s.id, s.t, s.v)
            .map_err(|m| IngestError::new(path, Some(n), Some(s.value_offset as u64 + 1), m))?;
        if line.len() <= 200 {
            last.clear();
            last.push_str(&String::from_utf8_lossy(line));
        } else {
            last = format!("{}...", String::from_utf8_lossy(&line[..200]));
        }
    }
    if eof_line.is_none() {
        let n = lines.line_no();
        let detail = if n == 0 {
            "the file is empty".to_string()
        } else {
            format!("last line is {last:?}")
        };
        return Err(IngestError::new(
            path,
            Some(n.max(1)),
            None,
            format!("OpenMetrics input does not end with `# EOF` (truncated file?): {detail}"),
        ));
    }
    Ok(())
}

/// Handles a `#` line: `# TYPE` is recorded, `# HELP`/`# UNIT` and other comments ignored.
fn comment(builder: &mut StoreBuilder, line: &[u8]) -> Result<(), LineError> {
    let Some(rest) = line.strip_prefix(b"# TYPE ") else {
        return Ok(());
    };
    let text = std::str::from_utf8(rest)
        .map_err(|e| LineError::new(7 + e.valid_up_to(), "`# TYPE` line is not valid UTF-8"))?;
    let mut parts = text.split(' ').filter(|p| !p.is_empty());
    let (Some(family), Some(typ), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(LineError::new(0, "expected `# TYPE <metric family> <type>`"));
    };
    if !TYPES.contains(&typ) {
        let at = line.len() - typ.len();
        return Err(LineError::new(at, format!("invalid metric type {typ:?}")));
    }
    builder.set_metric_type(family, typ);
    Ok(())
}
