//! Reader for Prometheus HTTP API JSON: `query_range`/`query` responses (matrix or
//! vector), the bare `data` object, or the bare `result` array.
//!
//! Depends on `model` and `serde_json`. The file is streamed: `DeserializeSeed` visitors
//! append each point into the builder as it is parsed, so no whole-file value tree is
//! built; errors carry serde_json's line and column.

use std::io::{BufReader, Read};
use std::path::Path;

use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::IngestError;
use super::exposition::append;
use crate::model::{LabelsBuilder, StoreBuilder};

mod point;

use point::{PointSeed, Sink};

pub fn read(builder: &mut StoreBuilder, path: &Path) -> Result<(), IngestError> {
    read_from(builder, path, super::lines::open(path)?)
}

/// Reads from `reader`; `path` names it in errors.
pub fn read_from(
    builder: &mut StoreBuilder,
    path: &Path,
    reader: impl Read,
) -> Result<(), IngestError> {
    let reader = BufReader::with_capacity(1 << 20, reader);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let at = |e: serde_json::Error| {
        let (line, col) = (e.line() as u64, e.column() as u64);
        IngestError::new(path, (line > 0).then_some(line), (col > 0).then_some(col), e.to_string())
    };
    Top { b: builder }.deserialize(&mut de).map_err(at)?;
    de.end().map_err(at)
}

/// The top level: a response object, a `data` object, or a bare result array.
struct Top<'a> {
    b: &'a mut StoreBuilder,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Prometheus API response, its `data` object or a `result` array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        ResultSeed { b: self.b }.visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut status: Option<String> = None;
        let mut error: Option<String> = None;
        let mut error_type: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "status" => status = Some(map.next_value()?),
                "error" => error = Some(map.next_value()?),
                "errorType" => error_type = Some(map.next_value()?),
                "data" => map.next_value_seed(Top { b: self.b })?,
                "resultType" => {
                    let t: String = map.next_value()?;
                    if t != "matrix" && t != "vector" {
                        return Err(A::Error::custom(format!(
                            "resultType {t:?} holds no series: export a matrix or a vector"
                        )));
                    }
                }
                "result" => map.next_value_seed(ResultSeed { b: self.b })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if status.as_deref() == Some("error") {
            return Err(A::Error::custom(format!(
                "the API response is an error: {}{}",
                error_type.map(|t| format!("{t}: ")).unwrap_or_default(),
                error.unwrap_or_else(|| "(no error text)".into())
            )));
        }
        Ok(())
    }
}

/// The `result` array: one object per series.
struct ResultSeed<'a> {
    b: &'a mut StoreBuilder,
}

impl<'de> DeserializeSeed<'de> for ResultSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResultSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of series objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(SeriesSeed { b: self.b })?.is_some() {}
        Ok(())
    }
}

/// One series: `{"metric": {...}, "values": [[t, "v"], ...]}` or `"value": [t, "v"]`.
struct SeriesSeed<'a> {
    b: &'a mut StoreBuilder,
}

impl<'de> DeserializeSeed<'de> for SeriesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SeriesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a series object with `metric` and `values` or `value`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut sink = Sink::new(self.b);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "metric" => {
                    if sink.id.is_some() {
                        return Err(A::Error::custom("duplicate field `metric`"));
                    }
                    let pairs: Vec<(String, String)> =
                        map.next_value::<std::collections::BTreeMap<String, String>>()?
                            .into_iter()
                            .collect();
                    let mut lb = LabelsBuilder::new();
                    for (n, v) in pairs {
                        let (n, v) = (sink.b.intern(&n), sink.b.intern(&v));
                        lb.set(n, v);
                    }
                    let id = sink.b.series_id(lb.build());
                    sink.set_id(id).map_err(A::Error::custom)?;
                }
                "values" => map.next_value_seed(PointsSeed { sink: &mut sink })?,
                "value" => map.next_value_seed(PointSeed { sink: &mut sink })?,
                "histogram" | "histograms" => {
                    return Err(A::Error::custom(
                        "native histogram samples are not supported",
                    ));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if sink.id.is_none() {
            // A series without `metric` has the empty label set (e.g. `sum(x)` results).
            let id = sink.b.series_id(crate::model::Labels::empty());
            sink.set_id(id).map_err(A::Error::custom)?;
        }
        Ok(())
    }
}

/// The `values` array of a matrix series.
struct PointsSeed<'s, 'a> {
    sink: &'s mut Sink<'a>,
}

impl<'de> DeserializeSeed<'de> for PointsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PointsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of [timestamp, \"value\"] pairs")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(PointSeed { sink: self.sink })?.is_some() {}
        Ok(())
    }
}

/// Appends through `exposition::append`, turning a conflict into a serde error (which
/// serde_json positions at the current line and column).
fn append_point<E: serde::de::Error>(b: &mut StoreBuilder, id: u32, t: i64, v: f64) -> Result<(), E> {
    append(b, id, t, v).map_err(E::custom)
}
