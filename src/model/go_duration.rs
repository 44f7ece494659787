//! Go durations (`time.ParseDuration`), the format of Argo's metric `interval`,
//! `initialDelay` and experiment `duration` (SEMANTICS.md §6.1), with Go's exact error texts.
//!
//! Depends on `model::time` only.

use super::time::Duration;

/// Parses a Go duration (`300ms`, `-1.5h`, `2h45m`, `"0"`) into nanoseconds, with Go's exact
/// error texts (`time: missing unit in duration "60"`).
pub fn parse_go_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration \"{orig}\"");
    let mut s = orig.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first()
        && (c == b'-' || c == b'+')
    {
        neg = c == b'-';
        s = &s[1..];
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let int_len = s.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u64 = 0;
        for &c in &s[..int_len] {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(c - b'0')))
                .filter(|v| *v <= 1 << 63)
                .ok_or_else(invalid)?;
        }
        let pre = int_len > 0;
        s = &s[int_len..];
        let (mut frac, mut scale, mut post) = (0u64, 1f64, false);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let frac_len = s.iter().take_while(|c| c.is_ascii_digit()).count();
            let mut overflow = false;
            for &c in &s[..frac_len] {
                // Mirrors Go's leadingFraction: digits past int64 precision are dropped.
                if overflow || frac > (i64::MAX as u64 - 9) / 10 {
                    overflow = true;
                    continue;
                }
                frac = frac * 10 + u64::from(c - b'0');
                scale *= 10.0;
            }
            post = frac_len > 0;
            s = &s[frac_len..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        let unit_len = s
            .iter()
            .take_while(|c| **c != b'.' && !c.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration \"{orig}\""));
        }
        let unit_text = String::from_utf8_lossy(&s[..unit_len]);
        let unit: u64 = match unit_text.as_ref() {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            u => return Err(format!("time: unknown unit \"{u}\" in duration \"{orig}\"")),
        };
        s = &s[unit_len..];
        v = v
            .checked_mul(unit)
            .filter(|v| *v <= 1 << 63)
            .ok_or_else(invalid)?;
        if frac > 0 {
            v += (frac as f64 * (unit as f64 / scale)) as u64;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        total = total
            .checked_add(v)
            .filter(|t| *t <= 1 << 63)
            .ok_or_else(invalid)?;
    }
    if neg {
        return Ok((total as i64).wrapping_neg());
    }
    i64::try_from(total).map_err(|_| invalid())
}

/// A Go duration as a model `Duration` (milliseconds, truncated toward zero).
pub fn parse_go_duration_ms(s: &str) -> Result<Duration, String> {
    parse_go_duration(s).map(|ns| Duration::from_millis(ns / 1_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        let ok: &[(&str, i64)] = &[
            ("0", 0),
            ("-0", 0),
            ("300ms", 300_000_000),
            ("-1.5h", -5_400_000_000_000),
            ("2h45m", 9_900_000_000_000),
            ("1m30s", 90_000_000_000),
            ("1.5s", 1_500_000_000),
            (".5s", 500_000_000),
            ("5.s", 5_000_000_000),
            ("10us", 10_000),
            ("10µs", 10_000),
            ("7ns", 7),
            ("+3s", 3_000_000_000),
            ("1h1m1s1ms1us1ns", 3_661_001_001_001),
        ];
        for (text, ns) in ok {
            assert_eq!(parse_go_duration(text), Ok(*ns), "{text}");
        }
        let bad: &[(&str, &str)] = &[
            ("60", "time: missing unit in duration \"60\""),
            ("", "time: invalid duration \"\""),
            ("1d", "time: unknown unit \"d\" in duration \"1d\""),
            ("1 m", "time: unknown unit \" m\" in duration \"1 m\""),
            ("abc", "time: invalid duration \"abc\""),
            (".s", "time: invalid duration \".s\""),
            ("-", "time: invalid duration \"-\""),
            ("1.5", "time: missing unit in duration \"1.5\""),
        ];
        for (text, msg) in bad {
            assert_eq!(parse_go_duration(text), Err(msg.to_string()), "{text}");
        }
        assert_eq!(
            parse_go_duration_ms("1.5s"),
            Ok(Duration::from_millis(1500))
        );
    }
}
