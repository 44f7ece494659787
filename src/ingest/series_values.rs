//! Value sequences of the series notation ("expanding notation", corpus README 3.4):
//! `a`, `axn`, `a+bxn`, `a-bxn`, `_`, `_xn`, `stale`, numbers incl. `Inf`/`NaN`/`.8`/exponents.

use super::{NotationError, skip_ws, syntax};
use crate::model::STALE_NAN_BITS;

/// One expanded element that writes a sample (`None` in a sequence means `_`, no sample).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SeriesValue {
    Float(f64),
    /// Prometheus's staleness marker.
    Stale,
}

impl SeriesValue {
    /// The value as stored: staleness markers become the `STALE_NAN_BITS` NaN.
    pub fn to_f64(self) -> f64 {
        match self {
            SeriesValue::Float(v) => v,
            SeriesValue::Stale => f64::from_bits(STALE_NAN_BITS),
        }
    }
}

/// Largest expansion accepted for one item (guards against `1x999999999999`).
const MAX_REPEAT: u64 = 10_000_000;

/// Expands a whitespace-separated value sequence (`1+2x3 _ stale Inf`).
pub fn expand_values(s: &str) -> Result<Vec<Option<SeriesValue>>, NotationError> {
    if let Some(p) = s.find("{{") {
        return Err(NotationError::NativeHistogram { column: p });
    }
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        i = skip_ws(b, i);
        if i >= b.len() {
            break;
        }
        let st = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        expand_item(&s[st..i], &mut out).map_err(|m| syntax(st, m))?;
    }
    Ok(out)
}

fn expand_item(item: &str, out: &mut Vec<Option<SeriesValue>>) -> Result<(), String> {
    let bad = || format!("invalid value {item:?}");
    if item == "stale" {
        out.push(Some(SeriesValue::Stale));
        return Ok(());
    }
    if let Some(rest) = item.strip_prefix('_') {
        let n = match rest {
            "" => 1,
            r => parse_count(r.strip_prefix('x').ok_or_else(bad)?).ok_or_else(bad)?,
        };
        out.extend(std::iter::repeat_n(None, n as usize));
        return Ok(());
    }
    let (a, end) = scan_number(item, 0, true).ok_or_else(bad)?;
    let rest = &item[end..];
    if rest.is_empty() {
        out.push(Some(SeriesValue::Float(a)));
        return Ok(());
    }
    let (step, times) = if let Some(n) = rest.strip_prefix('x') {
        (None, n)
    } else {
        let sign = match rest.as_bytes()[0] {
            b'+' => 1.0,
            b'-' => -1.0,
            _ => return Err(bad()),
        };
        let (bv, e) = scan_number(rest, 1, false).ok_or_else(bad)?;
        (
            Some(sign * bv),
            rest[e..].strip_prefix('x').ok_or_else(bad)?,
        )
    };
    let n = parse_count(times).ok_or_else(bad)?;
    let mut v = a;
    out.push(Some(SeriesValue::Float(v)));
    for _ in 0..n {
        if let Some(step) = step {
            v += step;
        }
        out.push(Some(SeriesValue::Float(v)));
    }
    Ok(())
}

fn parse_count(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|n| *n <= MAX_REPEAT)
}

/// Scans a float at `i` (`[sign]` digits/`.8`/exponent, or `Inf`/`NaN` in any case); returns
/// the value and the end index.
fn scan_number(s: &str, mut i: usize, signed: bool) -> Option<(f64, usize)> {
    let b = s.as_bytes();
    let st = i;
    if signed && i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    for word in ["inf", "nan"] {
        if s.get(i..i + 3)
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
        {
            let v: f64 = s[st..i + 3].to_ascii_lowercase().parse().ok()?;
            return Some((v, i + 3));
        }
    }
    let digits_from = |mut j: usize| {
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let int_end = digits_from(i);
    let mut end = int_end;
    if end < b.len() && b[end] == b'.' {
        end = digits_from(end + 1);
    }
    if end - i == 0 || (end - i == 1 && b[i] == b'.') {
        return None;
    }
    if end < b.len() && (b[end] == b'e' || b[end] == b'E') {
        let mut j = end + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let k = digits_from(j);
        if k > j {
            end = k;
        }
    }
    s[st..end].parse().ok().map(|v| (v, end))
}
