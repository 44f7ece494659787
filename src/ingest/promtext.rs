//! Reader for Prometheus text exposition with timestamps in milliseconds, including the
//! output of `promtool tsdb dump` (`{__name__="x", a="b"} 1 1704067200000`).
//!
//! Depends on `model` and the shared exposition parsing. `# TYPE` lines are kept as
//! metadata, other comments and blank lines ignored; every sample needs a timestamp.

use std::io::Read;
use std::path::Path;

use super::IngestError;
use super::exposition::{Dialect, SampleParser, append};
use super::lines::{LineReader, open};
use crate::model::StoreBuilder;

pub fn read(builder: &mut StoreBuilder, path: &Path) -> Result<(), IngestError> {
    read_from(builder, path, open(path)?)
}

/// Reads from `reader`; `path` names it in errors.
pub fn read_from(
    builder: &mut StoreBuilder,
    path: &Path,
    reader: impl Read,
) -> Result<(), IngestError> {
    let mut lines = LineReader::new(path, reader);
    let mut parser = SampleParser::new(Dialect::PromText);
    while let Some((n, line)) = lines.next_line()? {
        let first = line.iter().position(|&c| c != b' ' && c != b'\t');
        let Some(first) = first else { continue };
        if line[first] == b'#' {
            type_comment(builder, &line[first..]);
            continue;
        }
        if first > 0 {
            return Err(IngestError::new(
                path,
                Some(n),
                Some(first as u64 + 1),
                "a sample line must start at the first column",
            ));
        }
        let s = parser.parse(builder, line).map_err(|e| e.at(path, n))?;
        append(builder, s.id, s.t, s.v)
            .map_err(|m| IngestError::new(path, Some(n), Some(s.value_offset as u64 + 1), m))?;
    }
    Ok(())
}

/// Records `# TYPE name type`; the Prometheus text format treats malformed comments as
/// plain comments, and so does this reader.
fn type_comment(builder: &mut StoreBuilder, line: &[u8]) {
    let Some(rest) = line.strip_prefix(b"#") else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut parts = text.split([' ', '\t']).filter(|p| !p.is_empty());
    if let (Some("TYPE"), Some(family), Some(typ), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    {
        builder.set_metric_type(family, typ);
    }
}
