//! Reader for CSV in long format: `timestamp,<label columns...>,value`, one sample a row.
//!
//! Depends on `model` and the `csv` crate. The `__name__` column holds the metric name;
//! an empty cell means the label is absent. Timestamps are Unix seconds (decimals allowed)
//! or RFC 3339; values are floats, `NaN`, `Inf`, `+Inf` or `-Inf`. Rows are streamed as
//! `ByteRecord`s and consecutive rows of one series share its id.

use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use csv::ByteRecord;

use super::IngestError;
use super::exposition::{append, parse_value};
use crate::model::{LabelsBuilder, StoreBuilder, Timestamp};

/// Reads from `reader`; `path` names it in errors.
pub fn read_from(
    builder: &mut StoreBuilder,
    path: &Path,
    reader: impl Read,
) -> Result<(), IngestError> {
    let file = reader;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(BufReader::with_capacity(1 << 20, file));
    let csv_err = |e: csv::Error| {
        let line = e.position().map(|p| p.line());
        IngestError::new(path, line, None, e.to_string())
    };
    let header = rdr.byte_headers().map_err(csv_err)?.clone();
    let names = label_columns(builder, path, &header)?;
    let mut rec = ByteRecord::new();
    let mut key: Vec<u8> = Vec::new();
    let mut prev_key: Vec<u8> = Vec::new();
    let mut prev_id: Option<u32> = None;
    let last = header.len() - 1;
    while rdr.read_byte_record(&mut rec).map_err(csv_err)? {
        let line = rec.position().map_or(0, |p| p.line());
        let err = |col: usize, msg: String| {
            IngestError::new(
                path,
                Some(line),
                None,
                format!("column {:?}: {msg}", String::from_utf8_lossy(&header[col])),
            )
        };
        key.clear();
        for i in 1..last {
            let cell = &rec[i];
            key.extend_from_slice(&(cell.len() as u32).to_le_bytes());
            key.extend_from_slice(cell);
        }
        let id = match prev_id {
            Some(id) if key == prev_key => id,
            _ => {
                let mut lb = LabelsBuilder::new();
                for (i, name) in names.iter().enumerate() {
                    let cell = std::str::from_utf8(&rec[i + 1]).map_err(|e| {
                        err(
                            i + 1,
                            format!(
                                "label value is not valid UTF-8 (byte {})",
                                e.valid_up_to() + 1
                            ),
                        )
                    })?;
                    if !cell.is_empty() {
                        lb.set(name.clone(), builder.intern(cell));
                    }
                }
                let labels = lb.build();
                if labels.metric_name().is_none() {
                    return Err(IngestError::new(
                        path,
                        Some(line),
                        None,
                        "row has no metric name (empty `__name__` cell)",
                    ));
                }
                let id = builder.series_id(labels);
                std::mem::swap(&mut key, &mut prev_key);
                prev_id = Some(id);
                id
            }
        };
        let ts = trimmed(&rec[0]);
        let t = std::str::from_utf8(ts)
            .ok()
            .and_then(|s| Timestamp::parse(s).ok())
            .ok_or_else(|| {
                err(
                    0,
                    format!(
                        "invalid timestamp {:?}: use Unix seconds or RFC 3339",
                        String::from_utf8_lossy(ts)
                    ),
                )
            })?;
        let vs = trimmed(&rec[last]);
        let v = parse_value(vs).ok_or_else(|| {
            err(
                last,
                format!(
                    "invalid value {:?}: expected a float, NaN, +Inf or -Inf",
                    String::from_utf8_lossy(vs)
                ),
            )
        })?;
        append(builder, id, t.millis(), v)
            .map_err(|m| IngestError::new(path, Some(line), None, m))?;
    }
    Ok(())
}

/// Checks the header (`timestamp`, label names, `value`) and interns the label names.
fn label_columns(
    builder: &mut StoreBuilder,
    path: &Path,
    header: &ByteRecord,
) -> Result<Vec<Arc<str>>, IngestError> {
    let bad = |msg: String| IngestError::new(path, Some(1), None, msg);
    let n = header.len();
    // Spreadsheet exports may start with a UTF-8 byte-order mark.
    let first = trimmed(header.get(0).unwrap_or_default());
    let first = first.strip_prefix(b"\xef\xbb\xbf").unwrap_or(first);
    if n < 3 || first != b"timestamp" || trimmed(&header[n - 1]) != b"value" {
        return Err(bad(
            "expected a header `timestamp,<label columns...>,value`".to_string(),
        ));
    }
    let mut names: Vec<Arc<str>> = Vec::with_capacity(n - 2);
    for i in 1..n - 1 {
        let raw = trimmed(&header[i]);
        let ok = raw
            .first()
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
            && raw.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
        let name = String::from_utf8_lossy(raw);
        if !ok {
            return Err(bad(format!(
                "column {} header {name:?} is not a valid label name",
                i + 1
            )));
        }
        if names.iter().any(|x| **x == *name) {
            return Err(bad(format!("duplicate label column {name:?}")));
        }
        names.push(builder.intern(&name));
    }
    if !names.iter().any(|x| &**x == crate::model::METRIC_NAME) {
        return Err(bad(
            "missing a `__name__` column for the metric name".to_string()
        ));
    }
    Ok(names)
}

fn trimmed(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

#[cfg(test)]
mod tests {
    use crate::ingest::Format::Csv;
    use crate::ingest::testing::{assert_errors, never_panics, read_bytes, render};

    #[test]
    fn reads_seconds_rfc3339_and_absent_labels() {
        let s = read_bytes(
            Csv,
            b"timestamp,__name__,job,value\n1.5,up,a,1\n1970-01-01T00:00:02Z,up,a,Inf\n3,up,,-Inf\n",
        )
        .unwrap();
        assert_eq!(
            render(&s),
            ["up{job=\"a\"} 1500=1 2000=inf", "up 3000=-inf"]
        );
    }

    #[test]
    fn accepts_a_byte_order_mark_and_quoted_newlines() {
        let s = read_bytes(
            Csv,
            b"\xef\xbb\xbftimestamp,__name__,a,value\n1,up,\"x\ny\",1\n2,up,\"x\ny\",2\n",
        )
        .unwrap();
        assert_eq!(render(&s), ["up{a=\"x\\ny\"} 1000=1 2000=2"]);
    }

    #[test]
    fn errors_name_the_line_and_column() {
        assert_errors(
            Csv,
            &[
                (&b"time,__name__,value\n"[..], "1:-", "expected a header"),
                (b"timestamp,job,value\n1,a,1\n", "1:-", "`__name__` column"),
                (
                    b"timestamp,__name__,value\n1,up,1\nyesterday,up,1\n",
                    "3:-",
                    "column \"timestamp\"",
                ),
                (
                    b"timestamp,__name__,value\n1,up,x\n",
                    "2:-",
                    "column \"value\": invalid value",
                ),
                (
                    b"timestamp,__name__,value\n1,up\n",
                    "2:-",
                    "found record with 2 fields",
                ),
                (b"timestamp,__name__,value\n1,,1\n", "2:-", "no metric name"),
                (
                    b"timestamp,__name__,value\n1,\xff,1\n",
                    "2:-",
                    "not valid UTF-8",
                ),
                (
                    b"timestamp,__name__,value\n1,up,1\n1,up,2\n",
                    "3:-",
                    "two different values",
                ),
            ],
        );
    }

    #[test]
    fn mutated_input_never_panics() {
        never_panics(
            Csv,
            b"timestamp,__name__,a,value\n1,up,\"x\"\"y\",1\n2024-01-01T00:00:00Z,up,,NaN\n",
        );
    }
}
