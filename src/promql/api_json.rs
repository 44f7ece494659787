//! The Prometheus HTTP API's JSON encoding of query results (`/api/v1/query`, `query_range`).
//!
//! Pure string builders, byte-for-byte what Prometheus writes: values as strings formatted
//! like Go's `strconv.FormatFloat(v, 'f', -1, 64)`, switching to `'e'` below 1e-6 and from
//! 1e21 (`util/jsonutil.MarshalFloat`); timestamps as seconds with the milliseconds written
//! as three digits when non-zero (`MarshalTimestamp`: `1704067260`, `1704067260.500`);
//! strings escaped as Go's `encoding/json` does (HTML-safe: `<`, `>`, `&` as `\u003c`...).
//! Depends on `promql::value` and `model` only.

use std::fmt::Write as _;

use super::value::{QueryResult, RangeSeries, Sample, Value};
use crate::model::Labels;

/// Formats a sample value as Prometheus's API does (`"0.25"`, `"NaN"`, `"+Inf"`, `"1e-07"`).
pub fn format_value(v: f64) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

/// Appends the unquoted value text of [`format_value`] to `out`.
pub fn write_value(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
    } else {
        let abs = v.abs();
        if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
            write_go_exponent(out, v);
        } else {
            // Rust's `Display` prints the shortest round-trip digits without an exponent,
            // exactly like Go's 'f' format with precision -1 (including "-0").
            let _ = write!(out, "{v}");
        }
    }
}

/// Go's `'e'` format with precision -1: shortest digits, exponent signed, at least 2 digits.
fn write_go_exponent(out: &mut String, v: f64) {
    let text = format!("{v:e}");
    let (mantissa, exp) = text
        .split_once('e')
        .expect("Rust's LowerExp output always contains 'e'");
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    let _ = write!(out, "{mantissa}e{sign}{digits:0>2}");
}

/// Formats a millisecond timestamp as Prometheus's API does (`1704067260`, `-1.500`).
pub fn format_timestamp(t_ms: i64) -> String {
    let mut out = String::new();
    write_timestamp(&mut out, t_ms);
    out
}

/// Appends the timestamp text of [`format_timestamp`] to `out`.
pub fn write_timestamp(out: &mut String, t_ms: i64) {
    let abs = t_ms.unsigned_abs();
    if t_ms < 0 {
        out.push('-');
    }
    let _ = write!(out, "{}", abs / 1000);
    let fraction = abs % 1000;
    if fraction != 0 {
        let _ = write!(out, ".{fraction:03}");
    }
}

/// Appends `s` as a JSON string literal escaped like Go's `encoding/json` (HTML-safe).
pub fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_metric(out: &mut String, labels: &Labels) {
    out.push('{');
    for (i, l) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(out, &l.name);
        out.push(':');
        write_json_string(out, &l.value);
    }
    out.push('}');
}

/// `[t,"v"]`
fn write_point(out: &mut String, t_ms: i64, v: f64) {
    out.push('[');
    write_timestamp(out, t_ms);
    out.push_str(",\"");
    write_value(out, v);
    out.push_str("\"]");
}

fn write_sample(out: &mut String, s: &Sample) {
    out.push_str("{\"metric\":");
    write_metric(out, &s.labels);
    out.push_str(",\"value\":");
    write_point(out, s.t, s.v);
    out.push('}');
}

fn write_series(out: &mut String, s: &RangeSeries) {
    out.push_str("{\"metric\":");
    write_metric(out, &s.labels);
    out.push_str(",\"values\":[");
    for (i, &(t, v)) in s.points.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_point(out, t, v);
    }
    out.push_str("]}");
}

/// Appends the API's `data` object: `{"resultType":...,"result":...}`.
pub fn write_data(out: &mut String, value: &Value) {
    out.push_str("{\"resultType\":\"");
    out.push_str(value.type_name());
    out.push_str("\",\"result\":");
    match value {
        Value::Scalar { t, v } => write_point(out, *t, *v),
        Value::String { t, s } => {
            out.push('[');
            write_timestamp(out, *t);
            out.push(',');
            write_json_string(out, s);
            out.push(']');
        }
        Value::Vector(samples) => {
            out.push('[');
            for (i, s) in samples.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_sample(out, s);
            }
            out.push(']');
        }
        Value::Matrix(series) => {
            out.push('[');
            for (i, s) in series.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_series(out, s);
            }
            out.push(']');
        }
    }
    out.push('}');
}

fn write_string_array(out: &mut String, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = write!(out, ",\"{key}\":[");
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(out, s);
    }
    out.push(']');
}

/// The whole success response, with `warnings`/`infos` only when non-empty (as Prometheus).
pub fn success_response(result: &QueryResult) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("{\"status\":\"success\",\"data\":");
    write_data(&mut out, &result.value);
    write_string_array(&mut out, "warnings", &result.warnings);
    write_string_array(&mut out, "infos", &result.infos);
    out.push('}');
    out
}

/// An error response: `{"status":"error","errorType":"bad_data","error":"..."}`.
///
/// Prometheus's error types: `bad_data` (parse errors, bad parameters), `execution`
/// (evaluation failures), `timeout`, `canceled`, `internal`.
pub fn error_response(error_type: &str, message: &str) -> String {
    let mut out = String::with_capacity(64 + message.len());
    out.push_str("{\"status\":\"error\",\"errorType\":");
    write_json_string(&mut out, error_type);
    out.push_str(",\"error\":");
    write_json_string(&mut out, message);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_go_format_float() {
        for (v, s) in [
            (0.25, "0.25"),
            (1.0, "1"),
            (0.0, "0"),
            (-0.0, "-0"),
            (100.0, "100"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (1e-6, "0.000001"),
            (1e-7, "1e-07"),
            (-2.5e-10, "-2.5e-10"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ] {
            assert_eq!(format_value(v), s, "{v:?}");
        }
    }

    #[test]
    fn timestamps_match_marshal_timestamp() {
        assert_eq!(format_timestamp(1_704_067_260_000), "1704067260");
        assert_eq!(format_timestamp(1_704_067_260_500), "1704067260.500");
        assert_eq!(format_timestamp(1_704_067_260_007), "1704067260.007");
        assert_eq!(format_timestamp(-1_500), "-1.500");
        assert_eq!(format_timestamp(0), "0");
    }

    #[test]
    fn strings_escape_like_encoding_json() {
        let mut out = String::new();
        write_json_string(&mut out, "a\"b\\c\n<&>\u{1}");
        assert_eq!(out, r#""a\"b\\c\n\u003c\u0026\u003e\u0001""#);
    }

    #[test]
    fn encodes_each_result_type() {
        let labels = Labels::from_pairs([("__name__", "up"), ("job", "a")]);
        let r = |value| QueryResult {
            value,
            warnings: vec![],
            infos: vec![],
        };
        assert_eq!(
            success_response(&r(Value::Scalar { t: 1000, v: 2.0 })),
            r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#
        );
        assert_eq!(
            success_response(&r(Value::String {
                t: 1500,
                s: "x".into()
            })),
            r#"{"status":"success","data":{"resultType":"string","result":[1.500,"x"]}}"#
        );
        assert_eq!(
            success_response(&r(Value::Vector(vec![Sample {
                labels: labels.clone(),
                t: 2000,
                v: 0.5
            }]))),
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[2,"0.5"]}]}}"#
        );
        let mut m = r(Value::Matrix(vec![RangeSeries {
            labels,
            points: vec![(0, 1.0), (60_000, f64::NAN)],
        }]));
        m.warnings.push("PromQL warning: w".into());
        m.infos.push("PromQL info: i".into());
        assert_eq!(
            success_response(&m),
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"a"},"values":[[0,"1"],[60,"NaN"]]}]},"warnings":["PromQL warning: w"],"infos":["PromQL info: i"]}"#
        );
        assert_eq!(
            success_response(&r(Value::Matrix(vec![]))),
            r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#
        );
    }

    #[test]
    fn encodes_errors() {
        assert_eq!(
            error_response("bad_data", "parse error: unexpected \"(\""),
            r#"{"status":"error","errorType":"bad_data","error":"parse error: unexpected \"(\""}"#
        );
    }
}
