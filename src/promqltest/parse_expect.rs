//! The lines inside an `eval` block: `expect ...` directives, legacy `expected_fail_*`
//! lines, scalar lines and expected series (corpus README, section 3.5).

use super::parse::{EvalCmd, EvalKind, ExpectedSeries, TextMatch};
use crate::ingest::series_notation::{
    NotationError, expand_values, parse_quoted, parse_series_desc,
};
use crate::model::{Duration, Timestamp};

/// A time in a test file: a Prometheus duration counted from the Unix epoch.
pub fn parse_time(s: &str) -> Result<Timestamp, String> {
    Duration::parse(s.trim())
        .map(|d| Timestamp(d.millis()))
        .map_err(|e| e.to_string())
}

/// A scalar line: Go integer syntax (base prefixes allowed), else a float incl. NaN/±Inf.
pub fn parse_number(s: &str) -> Option<f64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let radix = |p: &str, r: u32| {
        body.strip_prefix(p)
            .and_then(|d| i64::from_str_radix(d, r).ok())
    };
    let int = radix("0x", 16)
        .or_else(|| radix("0X", 16))
        .or_else(|| radix("0o", 8))
        .or_else(|| radix("0b", 2));
    if let Some(i) = int {
        return Some(if neg { -(i as f64) } else { i as f64 });
    }
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    s.parse::<f64>().ok()
}

/// Applies one block line to `cmd`. Returns `Ok(false)` when the line ends the block
/// (a scalar or a legacy `expected_fail_*` line).
pub fn parse_eval_line(cmd: &mut EvalCmd, line: &str, lineno: usize) -> Result<bool, String> {
    if let Some(rest) = line.strip_prefix("expected_fail_message") {
        cmd.expect.fail = Some(TextMatch::Msg(rest.trim().to_string()));
        return Ok(false);
    }
    if let Some(rest) = line.strip_prefix("expected_fail_regexp") {
        cmd.expect.fail = Some(TextMatch::Regex(rest.trim().to_string()));
        return Ok(false);
    }
    if let Some(rest) = line.strip_prefix("expect")
        && rest.starts_with(char::is_whitespace)
    {
        parse_expect(cmd, rest.trim())?;
        return Ok(true);
    }
    if let Some(v) = parse_number(line) {
        cmd.expect.scalar = Some(v);
        return Ok(false);
    }
    let (labels, at) = parse_series_desc(line).map_err(|e| e.to_string())?;
    let values = match expand_values(&line[at..]) {
        Ok(v) => v,
        Err(NotationError::NativeHistogram { .. }) => {
            cmd.expect.histogram_literal = true;
            return Ok(true);
        }
        Err(e) => return Err(format!("column {}: {e}", at + e.column() + 1)),
    };
    if cmd.expect.series.iter().any(|s| s.labels == labels) {
        return Err(format!("series {labels} expected twice"));
    }
    cmd.expect.series.push(ExpectedSeries {
        line: lineno,
        labels,
        values,
    });
    Ok(true)
}

fn parse_expect(cmd: &mut EvalCmd, rest: &str) -> Result<(), String> {
    let e = &mut cmd.expect;
    let (word, tail) = match rest.find(char::is_whitespace) {
        Some(p) => (&rest[..p], rest[p..].trim()),
        None => (rest, ""),
    };
    let no_arg = |flag: &mut bool| {
        if tail.is_empty() {
            *flag = true;
            Ok(())
        } else {
            Err(format!("unexpected text after `expect {word}`: {tail}"))
        }
    };
    match word {
        "ordered" => no_arg(&mut e.ordered),
        "no_warn" => no_arg(&mut e.no_warn),
        "no_info" => no_arg(&mut e.no_info),
        "fail" => {
            if e.fail.is_some() {
                return Err("at most one `expect fail` per eval".into());
            }
            e.fail = Some(text_match(tail)?);
            Ok(())
        }
        "warn" => {
            e.warn.push(text_match(tail)?);
            Ok(())
        }
        "info" => {
            e.info.push(text_match(tail)?);
            Ok(())
        }
        "string" => {
            let ok = !tail.is_empty() && matches!(tail.as_bytes()[0], b'"' | b'`');
            let (s, end) = if ok {
                parse_quoted(tail, 0).map_err(|e| e.to_string())?
            } else {
                return Err(format!("expected a quoted string: {tail}"));
            };
            if end != tail.len() {
                return Err(format!("unexpected text after string: {}", &tail[end..]));
            }
            e.string = Some(s);
            Ok(())
        }
        "range" => {
            let w: Vec<&str> = tail.split_whitespace().collect();
            match w.as_slice() {
                ["vector", "from", a, "to", b, "step", s] => {
                    let (a, b) = (parse_time(a)?, parse_time(b)?);
                    let s = Duration::parse(s).map_err(|e| e.to_string())?;
                    if b < a || s.millis() <= 0 {
                        return Err("invalid `expect range vector` window".into());
                    }
                    e.range_vector = Some((a, b, s));
                    Ok(())
                }
                _ => Err(format!("invalid `expect range vector` line: {tail}")),
            }
        }
        _ => Err(format!("unknown expectation `expect {word}`")),
    }
}

/// `msg: <text>`, `regex: <re>` or nothing.
fn text_match(tail: &str) -> Result<TextMatch, String> {
    if tail.is_empty() {
        return Ok(TextMatch::Any);
    }
    if let Some(t) = tail.strip_prefix("msg:") {
        return Ok(TextMatch::Msg(t.trim().to_string()));
    }
    if let Some(t) = tail.strip_prefix("regex:") {
        let t = t.trim();
        regex::Regex::new(t).map_err(|e| format!("invalid regex {t:?}: {e}"))?;
        return Ok(TextMatch::Regex(t.to_string()));
    }
    Err(format!("expected `msg:` or `regex:`, got {tail:?}"))
}

/// Cross-line checks once the block is read.
pub fn check_eval(cmd: &mut EvalCmd) {
    let e = &cmd.expect;
    let mut errs = Vec::new();
    if e.no_warn && !e.warn.is_empty() {
        errs.push("cannot use both `expect warn` and `expect no_warn`".to_string());
    }
    if e.no_info && !e.info.is_empty() {
        errs.push("cannot use both `expect info` and `expect no_info`".to_string());
    }
    let is_range = matches!(cmd.kind, EvalKind::Range { .. });
    if is_range && (e.ordered || e.range_vector.is_some() || e.string.is_some()) {
        errs.push("`ordered`, `range vector` and `string` apply to instant evals only".to_string());
    }
    if !is_range && e.range_vector.is_none() {
        for s in &e.series {
            if s.values.len() != 1 {
                errs.push(format!(
                    "line {}: expecting multiple values in instant evaluation not allowed",
                    s.line
                ));
            }
        }
    }
    cmd.errors.extend(errs);
}

impl std::fmt::Display for TextMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextMatch::Any => f.write_str("(any text)"),
            TextMatch::Msg(m) => write!(f, "{m:?}"),
            TextMatch::Regex(r) => write!(f, "matching /{r}/"),
        }
    }
}
