//! Typed time: `Timestamp` and `Duration` as i64 milliseconds, with Prometheus-syntax parsing.
//!
//! Durations use Prometheus syntax (`1h30m`, `500ms`, `2d`, `1y` = 365d). Times accept
//! RFC 3339 or Unix seconds with decimals, as Prometheus's HTTP API does.

use std::fmt;
use std::ops::{Add, Sub};

/// Milliseconds since the Unix epoch (may be negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

/// A span of time in milliseconds (may be negative, e.g. a negative offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TimeParseError(pub String);

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }
    pub const fn millis(self) -> i64 {
        self.0
    }
    /// Seconds as a float, the unit of PromQL's `time()` and the HTTP API.
    pub fn seconds_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
    /// Converts float seconds to milliseconds the way Prometheus does (truncating toward zero
    /// after scaling, as Go's `int64(f * 1000)`).
    pub fn from_seconds_f64(s: f64) -> Self {
        Timestamp((s * 1000.0) as i64)
    }
    /// Parses RFC 3339 (`2024-01-01T00:00:00Z`) or Unix seconds (`1704067200.5`).
    pub fn parse(s: &str) -> Result<Self, TimeParseError> {
        let t = s.trim();
        if let Ok(secs) = t.parse::<f64>()
            && secs.is_finite()
        {
            return Ok(Timestamp((secs * 1000.0).round() as i64));
        }
        chrono::DateTime::parse_from_rfc3339(t)
            .map(|d| Timestamp(d.timestamp_millis()))
            .map_err(|_| {
                TimeParseError(format!(
                    "cannot parse {t:?} to a valid timestamp: use RFC 3339 (2024-01-01T00:00:00Z) or Unix seconds"
                ))
            })
    }
}

impl Duration {
    pub const ZERO: Duration = Duration(0);
    pub const fn from_millis(ms: i64) -> Self {
        Duration(ms)
    }
    pub const fn from_secs(s: i64) -> Self {
        Duration(s * 1000)
    }
    pub const fn millis(self) -> i64 {
        self.0
    }
    pub fn seconds_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Parses a Prometheus duration: integer parts with units `y w d h m s ms`, largest first,
    /// each unit at most once (`1h30m`, `10s53ms`). A bare `0` is allowed.
    pub fn parse(s: &str) -> Result<Self, TimeParseError> {
        let err = || TimeParseError(format!("not a valid duration string: {s:?}"));
        if s == "0" {
            return Ok(Duration(0));
        }
        if s.is_empty() {
            return Err(err());
        }
        const UNITS: [(&str, i64); 7] = [
            ("y", 365 * 86_400_000),
            ("w", 7 * 86_400_000),
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1000),
            ("ms", 1),
        ];
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut total: i64 = 0;
        let mut last_unit = usize::MAX; // index into UNITS of the previous part
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if start == i {
                return Err(err());
            }
            let n: i64 = s[start..i].parse().map_err(|_| err())?;
            let ustart = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let unit = &s[ustart..i];
            let idx = UNITS.iter().position(|(u, _)| *u == unit).ok_or_else(err)?;
            if last_unit != usize::MAX && idx <= last_unit {
                return Err(err());
            }
            last_unit = idx;
            total = n
                .checked_mul(UNITS[idx].1)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(err)?;
        }
        Ok(Duration(total))
    }
}

impl Add<Duration> for Timestamp {
    type Output = Timestamp;
    fn add(self, d: Duration) -> Timestamp {
        Timestamp(self.0 + d.0)
    }
}

impl Sub<Duration> for Timestamp {
    type Output = Timestamp;
    fn sub(self, d: Duration) -> Timestamp {
        Timestamp(self.0 - d.0)
    }
}

impl Sub for Timestamp {
    type Output = Duration;
    fn sub(self, o: Timestamp) -> Duration {
        Duration(self.0 - o.0)
    }
}

impl fmt::Display for Duration {
    /// Prints the canonical Prometheus form (`1h30m`, `500ms`, `0s`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ms = self.0;
        if ms == 0 {
            return write!(f, "0s");
        }
        if ms < 0 {
            write!(f, "-")?;
            ms = -ms;
        }
        for (unit, size) in [
            ("y", 365 * 86_400_000i64),
            ("w", 7 * 86_400_000),
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1000),
            ("ms", 1),
        ] {
            if ms >= size {
                write!(f, "{}{}", ms / size, unit)?;
                ms %= size;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match chrono::DateTime::from_timestamp_millis(self.0) {
            Some(d) => write!(f, "{}", d.format("%Y-%m-%dT%H:%M:%S%.3fZ")),
            None => write!(f, "{}ms", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prometheus_durations() {
        for (s, ms) in [
            ("0", 0),
            ("90s", 90_000),
            ("5m", 300_000),
            ("1h30m", 5_400_000),
            ("500ms", 500),
            ("10s53ms", 10_053),
            ("1y", 31_536_000_000),
            ("2w1d", 15 * 86_400_000),
        ] {
            assert_eq!(Duration::parse(s), Ok(Duration(ms)), "{s}");
        }
        for bad in ["", "5", "1.5m", "m", "30m1h", "5mm", "-5m", "1m1m"] {
            assert!(Duration::parse(bad).is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn parses_times() {
        assert_eq!(
            Timestamp::parse("1704067200"),
            Ok(Timestamp(1_704_067_200_000))
        );
        assert_eq!(
            Timestamp::parse("1704067200.5"),
            Ok(Timestamp(1_704_067_200_500))
        );
        assert_eq!(
            Timestamp::parse("2024-01-01T00:00:00Z"),
            Ok(Timestamp(1_704_067_200_000))
        );
        assert!(Timestamp::parse("yesterday").is_err());
    }

    #[test]
    fn displays_canonical_durations() {
        assert_eq!(Duration(5_400_000).to_string(), "1h30m");
        assert_eq!(Duration(0).to_string(), "0s");
        assert_eq!(Duration(1500).to_string(), "1s500ms");
    }
}
