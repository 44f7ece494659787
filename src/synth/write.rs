//! Writers for a `Store`: OpenMetrics with timestamps in seconds (what `promtool tsdb
//! create-blocks-from openmetrics` reads), Prometheus API JSON (a `query_range` matrix) and
//! CSV long format. Each reads back through `ingest` with identical samples.
//!
//! Depends on `model`, `ingest::Format` and `promql::api_json` (Go-compatible number text).
//! Staleness markers have no text form in these formats and are not written.
//!
//! OpenMetrics timestamps are read as `int64(seconds × 1000)`, which truncates, so a
//! millisecond whose 3-decimal text parses a hair low (e.g. `…200.015` → `…200014.9998`)
//! would come back one millisecond early. Such a timestamp gets a fourth decimal `5`
//! (`…200.0155`), which truncates to the intended millisecond; the world itself only emits
//! timestamps that need no fourth decimal (`openmetrics_exact`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};

use crate::ingest::Format;
use crate::model::{Labels, METRIC_NAME, Series, Store, Timestamp};
use crate::promql::api_json::{format_timestamp, write_json_string, write_value};

/// Whether `text` (seconds) reads back as `t_ms` under Prometheus's truncation.
fn reads_back(text: &str, t_ms: i64) -> bool {
    text.parse::<f64>()
        .is_ok_and(|s| (s * 1000.0) as i64 == t_ms)
}

/// The first timestamp at or after `t` whose 3-decimal seconds text reads back exactly.
pub fn openmetrics_exact(t: Timestamp) -> Timestamp {
    if t.millis() % 1000 == 0 {
        // Whole seconds are integers in the text: they always read back exactly.
        return t;
    }
    (0..1000)
        .map(|d| t.millis() + d)
        .find(|&c| reads_back(&format_timestamp(c), c))
        .map_or(t, Timestamp)
}

fn om_timestamp(t_ms: i64) -> String {
    let text = format_timestamp(t_ms);
    if reads_back(&text, t_ms) {
        text
    } else {
        format!("{text}5")
    }
}

/// Writes `store` in `format` (`SeriesNotation` is not a writable format).
pub fn write(store: &Store, format: Format, out: &mut impl Write) -> io::Result<()> {
    match format {
        Format::OpenMetrics => write_openmetrics(store, out),
        Format::Json => write_json(store, out),
        Format::Csv => write_csv(store, out),
        Format::PromText | Format::SeriesNotation => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "write openmetrics, json or csv",
        )),
    }
}

/// The OpenMetrics family and type of a series name, from the store's `# TYPE`s.
fn family_of<'a>(name: &'a str, types: &HashMap<String, String>) -> (&'a str, &'static str) {
    fn typed(
        types: &HashMap<String, String>,
        base: &str,
        want: &[&'static str],
    ) -> Option<&'static str> {
        types
            .get(base)
            .and_then(|t| want.iter().find(|w| **w == t.as_str()).copied())
    }
    if let Some(t) = typed(types, name, &["gauge", "unknown", "summary"]) {
        return (name, t);
    }
    if let Some(base) = name.strip_suffix("_total")
        && let Some(t) = typed(types, base, &["counter"])
    {
        return (base, t);
    }
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix)
            && let Some(t) = typed(types, base, &["histogram", "gaugehistogram", "summary"])
        {
            return (base, t);
        }
    }
    (name, "unknown")
}

fn escape_om(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn series_prefix(labels: &Labels) -> String {
    let mut s = labels.metric_name().unwrap_or_default().to_string();
    let rest: Vec<_> = labels.iter().filter(|l| &*l.name != METRIC_NAME).collect();
    if !rest.is_empty() {
        s.push('{');
        for (i, l) in rest.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&l.name);
            s.push_str("=\"");
            escape_om(&mut s, &l.value);
            s.push('"');
        }
        s.push('}');
    }
    s
}

/// OpenMetrics text: one `# TYPE` per family, each family's series together, each series'
/// samples in time order, then `# EOF`.
pub fn write_openmetrics(store: &Store, out: &mut impl Write) -> io::Result<()> {
    let mut families: BTreeMap<&str, (&str, Vec<&Series>)> = BTreeMap::new();
    for s in store.series().iter().filter(|s| !s.values.is_empty()) {
        let name = s.labels.metric_name().unwrap_or_default();
        let (family, typ) = family_of(name, &store.metric_types);
        families
            .entry(family)
            .or_insert((typ, Vec::new()))
            .1
            .push(s);
    }
    let mut line = String::new();
    for (family, (typ, mut series)) in families {
        series.sort_by(|a, b| a.labels.cmp(&b.labels));
        writeln!(out, "# TYPE {family} {typ}")?;
        for s in series {
            let prefix = series_prefix(&s.labels);
            for (t, v) in s.timestamps.iter().zip(s.values.iter()) {
                line.clear();
                line.push_str(&prefix);
                line.push(' ');
                write_value(&mut line, *v);
                line.push(' ');
                line.push_str(&om_timestamp(*t));
                line.push('\n');
                out.write_all(line.as_bytes())?;
            }
        }
    }
    out.write_all(b"# EOF\n")
}

/// The Prometheus HTTP API's `query_range` response: a matrix of every series.
pub fn write_json(store: &Store, out: &mut impl Write) -> io::Result<()> {
    out.write_all(br#"{"status":"success","data":{"resultType":"matrix","result":["#)?;
    let mut first = true;
    let mut buf = String::new();
    for s in store.series().iter().filter(|s| !s.values.is_empty()) {
        buf.clear();
        if !first {
            buf.push(',');
        }
        first = false;
        buf.push_str("{\"metric\":{");
        for (i, l) in s.labels.iter().enumerate() {
            if i > 0 {
                buf.push(',');
            }
            write_json_string(&mut buf, &l.name);
            buf.push(':');
            write_json_string(&mut buf, &l.value);
        }
        buf.push_str("},\"values\":[");
        for (i, (t, v)) in s.timestamps.iter().zip(s.values.iter()).enumerate() {
            if i > 0 {
                buf.push(',');
            }
            buf.push('[');
            buf.push_str(&format_timestamp(*t));
            buf.push_str(",\"");
            write_value(&mut buf, *v);
            buf.push_str("\"]");
        }
        buf.push_str("]}");
        out.write_all(buf.as_bytes())?;
    }
    out.write_all(b"]}}\n")
}

/// CSV long format: `timestamp,__name__,<every other label name, sorted>,value`.
pub fn write_csv(store: &Store, out: &mut impl Write) -> io::Result<()> {
    let names: BTreeSet<&str> = store
        .series()
        .iter()
        .flat_map(|s| s.labels.iter().map(|l| &*l.name))
        .filter(|n| *n != METRIC_NAME)
        .collect();
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["timestamp", METRIC_NAME];
    header.extend(names.iter().copied());
    header.push("value");
    w.write_record(&header)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for s in store.series().iter() {
        for (t, v) in s.timestamps.iter().zip(s.values.iter()) {
            row.clear();
            row.push(format_timestamp(*t));
            row.push(s.labels.metric_name().unwrap_or_default().to_string());
            row.extend(
                names
                    .iter()
                    .map(|n| s.labels.get(n).unwrap_or_default().to_string()),
            );
            let mut value = String::new();
            write_value(&mut value, *v);
            row.push(value);
            w.write_record(&row)?;
        }
    }
    w.flush()
}
