//! Writes query responses: `json` exactly as Prometheus's HTTP API, `text` for people.
//!
//! Text lines read `labels => value @ time`; a range result prints one block per series.
//! Warnings and infos go to stderr in text mode and into the response in json mode. Errors
//! go to stdout as an API error object in json mode, to stderr as `error: type: message`
//! in text mode.

use std::io::{self, Write};

use super::query::OutputFormat;
use crate::model::Timestamp;
use crate::promql::api_json;
use crate::promql::{QueryError, QueryResult, Value};

/// A query failure as the API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// `bad_data` or `execution` (Prometheus's `errorType`).
    pub error_type: &'static str,
    pub message: String,
}

impl ApiError {
    /// Mirrors Prometheus: a query that does not parse is `invalid parameter "query"`
    /// (bad_data); a failure during evaluation is an `execution` error.
    pub fn from_query(e: QueryError) -> Self {
        match e {
            QueryError::Parse(m) => ApiError::bad_param("query", &m),
            QueryError::Execution(m) => ApiError {
                error_type: "execution",
                message: m,
            },
        }
    }

    /// `invalid parameter "NAME": MESSAGE`, Prometheus's text for a bad request parameter.
    pub fn bad_param(name: &str, message: &str) -> Self {
        ApiError {
            error_type: "bad_data",
            message: format!("invalid parameter {name:?}: {message}"),
        }
    }

    pub fn bad_data(message: String) -> Self {
        ApiError {
            error_type: "bad_data",
            message,
        }
    }
}

/// Writes a successful response.
pub fn write_result(
    out: &mut impl Write,
    format: OutputFormat,
    result: &QueryResult,
) -> io::Result<()> {
    match format {
        OutputFormat::Json => writeln!(out, "{}", api_json::success_response(result)),
        OutputFormat::Text => {
            out.flush()?; // keep stdout and stderr lines in order on a terminal
            for w in result.warnings.iter().chain(&result.infos) {
                eprintln!("{w}");
            }
            write_text(out, &result.value)
        }
    }
}

/// Writes a failed response (stdout for json, stderr for text).
pub fn write_error(out: &mut impl Write, format: OutputFormat, e: &ApiError) -> io::Result<()> {
    match format {
        OutputFormat::Json => writeln!(
            out,
            "{}",
            api_json::error_response(e.error_type, &e.message)
        ),
        OutputFormat::Text => {
            out.flush()?;
            eprintln!("error: {}: {}", e.error_type, e.message);
            Ok(())
        }
    }
}

fn write_text(out: &mut impl Write, value: &Value) -> io::Result<()> {
    let at = |t: i64| Timestamp::from_millis(t);
    match value {
        Value::Scalar { t, v } => {
            writeln!(out, "scalar => {} @ {}", api_json::format_value(*v), at(*t))
        }
        Value::String { t, s } => writeln!(out, "string => {s:?} @ {}", at(*t)),
        Value::Vector(samples) if samples.is_empty() => writeln!(out, "(empty vector)"),
        Value::Vector(samples) => {
            for s in samples {
                let v = api_json::format_value(s.v);
                writeln!(out, "{} => {v} @ {}", s.labels, at(s.t))?;
            }
            Ok(())
        }
        Value::Matrix(series) if series.is_empty() => writeln!(out, "(empty matrix)"),
        Value::Matrix(series) => {
            for (i, s) in series.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                writeln!(out, "{}", s.labels)?;
                for &(t, v) in &s.points {
                    writeln!(out, "  {} @ {}", api_json::format_value(v), at(t))?;
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Labels;
    use crate::promql::{RangeSeries, Sample};

    fn text(value: Value) -> String {
        let mut out = Vec::new();
        write_text(&mut out, &value).expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("text output is UTF-8")
    }

    #[test]
    fn text_lines_read_labels_value_time() {
        let labels = Labels::from_pairs([("__name__", "up"), ("job", "a")]);
        assert_eq!(
            text(Value::Vector(vec![Sample {
                labels: labels.clone(),
                t: 1_704_067_260_000,
                v: 0.5
            }])),
            "up{job=\"a\"} => 0.5 @ 2024-01-01T00:01:00.000Z\n"
        );
        assert_eq!(
            text(Value::Matrix(vec![RangeSeries {
                labels,
                points: vec![(0, 1.0), (60_000, f64::NAN)]
            }])),
            "up{job=\"a\"}\n  1 @ 1970-01-01T00:00:00.000Z\n  NaN @ 1970-01-01T00:01:00.000Z\n"
        );
        assert_eq!(
            text(Value::Scalar { t: 0, v: 2.0 }),
            "scalar => 2 @ 1970-01-01T00:00:00.000Z\n"
        );
        assert_eq!(text(Value::Vector(vec![])), "(empty vector)\n");
    }

    #[test]
    fn parse_errors_are_bad_query_parameters() {
        let e = ApiError::from_query(QueryError::Parse("1:5: parse error: x".into()));
        assert_eq!(e.error_type, "bad_data");
        assert_eq!(
            e.message,
            "invalid parameter \"query\": 1:5: parse error: x"
        );
        let e = ApiError::from_query(QueryError::Execution("boom".into()));
        assert_eq!(e.error_type, "execution");
    }
}
