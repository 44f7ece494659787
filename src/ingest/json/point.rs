//! One `[timestamp, "value"]` pair of the Prometheus API JSON, and where it goes.
//!
//! Depends on `model`. Timestamps are float seconds, values strings (`"1.5"`, `"NaN"`,
//! `"+Inf"`) or, leniently, numbers.

use serde::de::{DeserializeSeed, Deserializer, Error as _, SeqAccess, Visitor};

use super::append_point;
use crate::ingest::exposition::parse_value;
use crate::model::StoreBuilder;

/// Where a series' points go: straight into the builder once the series id is known,
/// buffered until then (when `values` comes before `metric`).
pub struct Sink<'a> {
    pub b: &'a mut StoreBuilder,
    pub id: Option<u32>,
    pending: Vec<(i64, f64)>,
}

impl<'a> Sink<'a> {
    pub fn new(b: &'a mut StoreBuilder) -> Self {
        Sink {
            b,
            id: None,
            pending: Vec::new(),
        }
    }
    pub fn set_id(&mut self, id: u32) -> Result<(), String> {
        self.id = Some(id);
        for (t, v) in std::mem::take(&mut self.pending) {
            super::append(self.b, id, t, v)?;
        }
        Ok(())
    }
    fn push<E: serde::de::Error>(&mut self, t: i64, v: f64) -> Result<(), E> {
        match self.id {
            Some(id) => append_point(self.b, id, t, v),
            None => {
                self.pending.push((t, v));
                Ok(())
            }
        }
    }
}

/// Converts API seconds to milliseconds, rounding half away from zero. Prometheus's
/// `model.Time.UnmarshalJSON` (prometheus/common model/time.go) splits the decimal text
/// and keeps at most three fraction digits; on the parsed f64 (which may sit a hair below
/// the decimal, e.g. `.123` as `.12299999`) rounding yields that same millisecond for every
/// timestamp with at most three decimals, which is all the API emits.
pub fn seconds_to_ms(s: f64) -> Option<i64> {
    let ms = (s * 1000.0).round();
    (ms.is_finite() && ms.abs() < 9.2e18).then_some(ms as i64)
}

pub struct PointSeed<'s, 'a> {
    pub sink: &'s mut Sink<'a>,
}

impl<'de> DeserializeSeed<'de> for PointSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PointSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a [timestamp, \"value\"] pair")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some(Time(t)) = seq.next_element::<Time>()? else {
            return Err(A::Error::custom(
                "empty point: expected [timestamp, \"value\"]",
            ));
        };
        let Some(Value(v)) = seq.next_element::<Value>()? else {
            return Err(A::Error::custom(
                "point without a value: expected [timestamp, \"value\"]",
            ));
        };
        if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
            return Err(A::Error::custom(
                "a point has two elements: [timestamp, \"value\"]",
            ));
        }
        self.sink.push(t, v)
    }
}

/// A timestamp in seconds (number or numeric string), as milliseconds.
struct Time(i64);

impl<'de> serde::Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TimeVisitor)
    }
}

struct TimeVisitor;

impl Visitor<'_> for TimeVisitor {
    type Value = Time;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a timestamp in seconds")
    }
    fn visit_f64<E: serde::de::Error>(self, s: f64) -> Result<Time, E> {
        seconds_to_ms(s)
            .map(Time)
            .ok_or_else(|| E::custom(format!("timestamp {s} out of range")))
    }
    fn visit_i64<E: serde::de::Error>(self, s: i64) -> Result<Time, E> {
        s.checked_mul(1000)
            .map(Time)
            .ok_or_else(|| E::custom(format!("timestamp {s} out of range")))
    }
    fn visit_u64<E: serde::de::Error>(self, s: u64) -> Result<Time, E> {
        i64::try_from(s)
            .map_err(|_| E::custom(format!("timestamp {s} out of range")))
            .and_then(|s| self.visit_i64(s))
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Time, E> {
        match s.trim().parse::<f64>() {
            Ok(f) => self.visit_f64(f),
            Err(_) => Err(E::custom(format!(
                "invalid timestamp {s:?}: expected seconds"
            ))),
        }
    }
}

/// A sample value: a string as Prometheus writes it, or a number.
struct Value(f64);

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl Visitor<'_> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sample value such as \"1.5\", \"NaN\" or \"+Inf\"")
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value(v as f64))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value(v as f64))
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
        parse_value(s.as_bytes())
            .map(Value)
            .ok_or_else(|| E::custom(format!("invalid sample value {s:?}")))
    }
}
