//! Go's `time.ParseDuration`, the format of a metric's `interval` and `initialDelay`
//! (SEMANTICS.md §6.1), with Go's exact error messages for `invalid interval string: ...`.
//!
//! Depends on `model::time` only. Results are whole milliseconds (sub-millisecond parts are
//! truncated toward zero), the resolution of the simulator's `Duration`.

use crate::model::Duration;

/// Nanoseconds per unit, as Go's `unitMap`.
const UNITS: [(&str, u128); 8] = [
    ("ns", 1),
    ("us", 1_000),
    ("\u{b5}s", 1_000),
    ("\u{3bc}s", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// Parses a Go duration (`1h30m`, `1.5h`, `-2m`, `250ms`, `0`). Errors read as Go's:
/// `time: invalid duration "x"`, `time: missing unit in duration "60"`,
/// `time: unknown unit "d" in duration "1d"`.
pub fn parse_go_duration(orig: &str) -> Result<Duration, String> {
    let invalid = || format!("time: invalid duration \"{orig}\"");
    let mut s = orig;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix('-') {
        neg = true;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total_ns: u128 = 0;
    while !s.is_empty() {
        let (int_part, rest) = split_digits(s);
        let (frac_part, rest) = match rest.strip_prefix('.') {
            Some(r) => split_digits(r),
            None => ("", rest),
        };
        let had_dot = rest.len() != s.len() - int_part.len();
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration \"{orig}\""));
        }
        let Some(&(_, scale)) = UNITS.iter().find(|(u, _)| *u == unit) else {
            return Err(format!(
                "time: unknown unit \"{unit}\" in duration \"{orig}\""
            ));
        };
        let whole: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| invalid())?
        };
        let mut ns = whole.checked_mul(scale).ok_or_else(invalid)?;
        if had_dot && !frac_part.is_empty() {
            // Go keeps fractional digits with float precision; exact decimal is close enough
            // at millisecond resolution.
            let digits = &frac_part[..frac_part.len().min(18)];
            let num: u128 = digits.parse().map_err(|_| invalid())?;
            ns += num * scale / 10u128.pow(digits.len() as u32);
        }
        total_ns = total_ns.checked_add(ns).ok_or_else(invalid)?;
        if total_ns > i64::MAX as u128 {
            return Err(invalid());
        }
        s = &rest[unit_len..];
    }
    let ms = (total_ns / 1_000_000) as i64;
    Ok(Duration::from_millis(if neg { -ms } else { ms }))
}

fn split_digits(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    s.split_at(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        // SEMANTICS §6.1: Go duration, decimals and compounds, sign, "0" alone.
        for (s, ms) in [
            ("0", 0),
            ("5m", 300_000),
            ("1h30m", 5_400_000),
            ("1.5h", 5_400_000),
            ("2m30s", 150_000),
            ("250ms", 250),
            ("-2m", -120_000),
            ("+10s", 10_000),
            ("1500us", 1),
            ("1500\u{b5}s", 1),
            (".5s", 500),
            ("1.s", 1000),
            ("0s", 0),
        ] {
            assert_eq!(parse_go_duration(s), Ok(Duration::from_millis(ms)), "{s}");
        }
    }

    #[test]
    fn go_error_messages() {
        // SEMANTICS §6.1: `"60"` gives `time: missing unit in duration "60"`.
        for (s, msg) in [
            ("60", "time: missing unit in duration \"60\""),
            ("1d", "time: unknown unit \"d\" in duration \"1d\""),
            ("", "time: invalid duration \"\""),
            ("abc", "time: invalid duration \"abc\""),
            (".s", "time: invalid duration \".s\""),
            ("1 m", "time: unknown unit \" m\" in duration \"1 m\""),
        ] {
            assert_eq!(parse_go_duration(s), Err(msg.to_string()), "{s}");
        }
    }
}
