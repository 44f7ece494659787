//! Reader for Prometheus text exposition with timestamps in milliseconds, including the
//! output of `promtool tsdb dump` (`{__name__="x", a="b"} 1 1704067200000`).
//!
//! Depends on `model` and the shared exposition parsing. `# TYPE` lines are kept as
//! metadata, other comments and blank lines ignored; every sample needs a timestamp.

use std::io::Read;
use std::path::Path;

use super::IngestError;
use super::exposition::{Dialect, SampleParser, append};
use super::lines::LineReader;
use crate::model::StoreBuilder;

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
    let Some(rest) = line.strip_prefix(b"#") else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut parts = text.split([' ', '\t']).filter(|p| !p.is_empty());
    if let (Some("TYPE"), Some(family), Some(typ), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    {
        builder.set_metric_type(family, typ);
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::Format::PromText as PT;
    use crate::ingest::testing::{assert_errors, never_panics, read_bytes, render};

    #[test]
    fn reads_exposition_and_promtool_dump_lines() {
        let s = read_bytes(
            PT,
            b"# HELP a_total Help.\n# TYPE a_total counter\n\n\
              a_total{x=\"1\"} 1 1000\n\
              {__name__=\"a_total\", x=\"1\"} 2 2000\n\
              b{y=\"z\",} -Inf\t3000\n",
        )
        .unwrap();
        assert_eq!(
            render(&s),
            ["a_total{x=\"1\"} 1000=1 2000=2", "b{y=\"z\"} 3000=-inf"]
        );
        assert_eq!(s.metric_types["a_total"], "counter");
    }

    #[test]
    fn timestamps_are_integer_milliseconds() {
        let s = read_bytes(PT, b"a 1 1704067200123\na 2 -5\n").unwrap();
        assert_eq!(&*s.series()[0].timestamps, &[-5, 1_704_067_200_123]);
    }

    #[test]
    fn malformed_lines_point_at_the_offending_byte() {
        assert_errors(
            PT,
            &[
                (&b"a 1\n"[..], "1:4", "missing timestamp"),
                (b"# c\na{b=\"x\"} 1\n", "2:11", "missing timestamp"),
                (b"a 1 1.5\n", "1:5", "integer milliseconds"),
                (b"a 1 1 # x\n", "1:7", "unexpected text after the timestamp"),
                (b"a one 1\n", "1:3", "invalid value"),
                (
                    b"{__name__=\"a\", b=\"1} 1 1\n",
                    "1:18",
                    "unterminated label value",
                ),
                (b"  a 1 1\n", "1:3", "first column"),
                (b"a 1 5\na 2 5\n", "2:3", "two different values"),
            ],
        );
    }

    #[test]
    fn mutated_input_never_panics() {
        never_panics(
            PT,
            b"# TYPE a gauge\na{x=\"1\"} 1 1000\n{__name__=\"b\", y=\"\\n\"} NaN 2\n",
        );
    }
}
