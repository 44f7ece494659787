//! Reader for OpenMetrics text with timestamps in seconds, ending in `# EOF`.
//!
//! Depends on `model` and the shared exposition parsing. Accepts what `promtool tsdb
//! create-blocks-from openmetrics` reads: `# TYPE` is kept as metadata, `# HELP`/`# UNIT`
//! and exemplars are ignored, every sample needs a timestamp, and a file must end with
//! `# EOF` (one without it was truncated).

use std::io::Read;
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

/// Reads from `reader`; `path` names it in errors.
pub fn read_from(
    builder: &mut StoreBuilder,
    path: &Path,
    reader: impl Read,
) -> Result<(), IngestError> {
    let mut lines = LineReader::new(path, reader);
    let mut parser = SampleParser::new(Dialect::OpenMetrics);
    let mut eof_line: Option<u64> = None;
    // The last non-empty line (its first 200 bytes) and its number, for a truncated file.
    let (mut last, mut last_no): (Vec<u8>, u64) = (Vec::new(), 0);
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
        if !line.is_empty() {
            last_no = n;
            last.clear();
            last.extend_from_slice(&line[..line.len().min(200)]);
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
    }
    if eof_line.is_none() {
        let detail = if last_no == 0 {
            "the file is empty".to_string()
        } else {
            format!("last line is {:?}", String::from_utf8_lossy(&last))
        };
        return Err(IngestError::new(
            path,
            Some(last_no.max(1)),
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
        return Err(LineError::new(
            0,
            "expected `# TYPE <metric family> <type>`",
        ));
    };
    if !TYPES.contains(&typ) {
        let at = line.len() - typ.len();
        return Err(LineError::new(at, format!("invalid metric type {typ:?}")));
    }
    builder.set_metric_type(family, typ);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::ingest::Format::OpenMetrics as OM;
    use crate::ingest::testing::{assert_errors, error_at, never_panics, read_bytes, render};

    #[test]
    fn reads_types_exemplars_and_special_values() {
        let s = read_bytes(
            OM,
            b"# HELP a_total Help text.\n# TYPE a counter\n# UNIT a \n\
              a_total{x=\"1\",__meta=\"m\"} 1 1 # {trace=\"t\"} 1 0.5\n\
              a_total{x=\"1\",__meta=\"m\"} +Inf 2.5\nb NaN 3\n{__name__=\"c\",} -Inf 4\n# EOF\n",
        )
        .unwrap();
        assert_eq!(
            render(&s),
            [
                "a_total{__meta=\"m\", x=\"1\"} 1000=1 2500=inf",
                "b 3000=NaN",
                "c 4000=-inf"
            ]
        );
        assert_eq!(s.metric_types["a"], "counter");
        assert_eq!(
            s.series()[1].values[0].to_bits(),
            crate::ingest::exposition::NORMAL_NAN_BITS
        );
    }

    #[test]
    fn converts_seconds_by_truncation_like_prometheus() {
        // 1.0019 s * 1000 = 1001.8999... ms; Go's int64() truncates it to 1001.
        let s = read_bytes(OM, b"a 1 1.0019\na 2 -0.0015\n# EOF").unwrap();
        assert_eq!(&*s.series()[0].timestamps, &[-1, 1001]);
    }

    #[test]
    fn unescapes_label_values_as_go_does() {
        let s = read_bytes(OM, b"a{x=\"q\\\"b\\\\s\\nn\\tt\"} 1 1\n# EOF\n").unwrap();
        assert_eq!(s.series()[0].labels.get("x"), Some("q\"b\\s\nn\\tt"));
    }

    #[test]
    fn eof_only_file_is_empty_and_valid() {
        assert_eq!(read_bytes(OM, b"# EOF\n").unwrap().sample_count(), 0);
        assert_eq!(read_bytes(OM, b"# EOF").unwrap().sample_count(), 0);
    }

    #[test]
    fn truncated_file_names_the_last_line() {
        let (at, msg) = error_at(OM, b"# TYPE a gauge\na 1 1\na 2 2\n");
        assert_eq!(at, "3:-");
        assert!(msg.contains("does not end with `# EOF`"), "{msg}");
        assert!(msg.contains("\"a 2 2\""), "{msg}");
        let (at, msg) = error_at(OM, b"a 1 1\n# TYPE b gauge\n\n");
        assert_eq!(at, "2:-");
        assert!(msg.contains("\"# TYPE b gauge\""), "{msg}");
        let (at, msg) = error_at(OM, b"");
        assert_eq!(at, "1:-");
        assert!(msg.contains("empty"), "{msg}");
    }

    #[test]
    fn malformed_lines_point_at_the_offending_byte() {
        assert_errors(
            OM,
            &[
                (
                    &b"a{b=\"c} 1 1\n# EOF\n"[..],
                    "1:5",
                    "unterminated label value",
                ),
                (
                    b"# TYPE a gauge\na{b=\"c\"} x 1\n# EOF\n",
                    "2:10",
                    "invalid value \"x\"",
                ),
                (b"a{b=\"c\"}\n# EOF\n", "1:9", "missing value"),
                (b"a{b=\"c\"} 1\n# EOF\n", "1:11", "missing timestamp"),
                (b"a 1 # {t=\"x\"} 1\n# EOF\n", "1:5", "missing timestamp"),
                (b"a{b-=\"c\"} 1 1\n# EOF\n", "1:4", "expected '='"),
                (b"a{b=\"\xffx\"} 1 1\n# EOF\n", "1:6", "not valid UTF-8"),
                (
                    b"a{b=\"1\",b=\"2\"} 1 1\n# EOF\n",
                    "1:9",
                    "duplicate label name",
                ),
                (
                    b"a{__name__=\"b\"} 1 1\n# EOF\n",
                    "1:3",
                    "metric name given twice",
                ),
                (b"{b=\"1\"} 1 1\n# EOF\n", "1:1", "no metric name"),
                (
                    b"a 1 1 x\n# EOF\n",
                    "1:7",
                    "unexpected text after the timestamp",
                ),
                (b"a 1 NaN\n# EOF\n", "1:5", "invalid timestamp"),
                (
                    b"a{b=\"1\" c=\"2\"} 1 1\n# EOF\n",
                    "1:9",
                    "expected ',' or '}'",
                ),
                (b"a{b=\"1\"\n# EOF\n", "1:8", "unterminated label set"),
                (b"a-b 1 1\n# EOF\n", "1:2", "unexpected character '-'"),
                (
                    b"a 1 1\na 2 1\n# EOF\n",
                    "2:3",
                    "two different values at the same timestamp",
                ),
                (b"# TYPE a countr\n# EOF\n", "1:10", "invalid metric type"),
                (
                    b"a 1 1\n# EOF\na 2 2\n",
                    "3:1",
                    "unexpected data after `# EOF`",
                ),
            ],
        );
    }

    #[test]
    fn exact_duplicates_are_ignored() {
        let s = read_bytes(OM, b"a 1 1\na 1 1\n# EOF\n").unwrap();
        assert_eq!(s.sample_count(), 1);
    }

    #[test]
    fn mutated_input_never_panics() {
        never_panics(
            OM,
            b"# TYPE a counter\na_total{x=\"1\",y=\"\\\"\"} 1 1.5 # {t=\"1\"} 2\nb 1e3 2\n# EOF\n",
        );
    }
}
