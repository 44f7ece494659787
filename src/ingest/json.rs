//! Reader for Prometheus HTTP API JSON: `query_range`/`query` responses (matrix or
//! vector), the bare `data` object, or the bare `result` array.
//!
//! Depends on `model` and `serde_json`. The file is streamed: `DeserializeSeed` visitors
//! append each point into the builder as it is parsed, so no whole-file value tree is
//! built; errors carry serde_json's line and column.

use std::io::{BufReader, Read};
use std::path::Path;

use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::IngestError;
use super::exposition::append;
use crate::model::{LabelsBuilder, StoreBuilder};

mod point;

use point::{PointSeed, Sink};

/// Reads from `reader`; `path` names it in errors.
pub fn read_from(
    builder: &mut StoreBuilder,
    path: &Path,
    reader: impl Read,
) -> Result<(), IngestError> {
    let reader = BufReader::with_capacity(1 << 20, reader);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let at = |e: serde_json::Error| {
        let (line, col) = (e.line(), e.column());
        // serde_json's Display appends the position, which IngestError prints itself.
        let text = e.to_string();
        let suffix = format!(" at line {line} column {col}");
        let message = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
        let (line, col) = (line as u64, col as u64);
        IngestError::new(
            path,
            (line > 0).then_some(line),
            (col > 0).then_some(col),
            message,
        )
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
    /// `"data": null`, as some error responses carry.
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
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
                    let pairs: Vec<(String, String)> = map
                        .next_value::<std::collections::BTreeMap<String, String>>()?
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
        while seq
            .next_element_seed(PointSeed { sink: self.sink })?
            .is_some()
        {}
        Ok(())
    }
}

/// Appends through `exposition::append`, turning a conflict into a serde error (which
/// serde_json positions at the current line and column).
fn append_point<E: serde::de::Error>(
    b: &mut StoreBuilder,
    id: u32,
    t: i64,
    v: f64,
) -> Result<(), E> {
    append(b, id, t, v).map_err(E::custom)
}

#[cfg(test)]
mod tests {
    use crate::ingest::Format::Json;
    use crate::ingest::testing::{assert_errors, never_panics, read_bytes, render};

    const SERIES: &str =
        r#"[{"metric":{"__name__":"up","job":"a"},"values":[[1,"1"],[2.5,"NaN"]]}]"#;

    #[test]
    fn accepts_response_data_object_and_bare_result() {
        let want = ["up{job=\"a\"} 1000=1 2500=NaN"];
        let response =
            format!(r#"{{"status":"success","data":{{"resultType":"matrix","result":{SERIES}}}}}"#);
        let data = format!(r#"{{"resultType":"matrix","result":{SERIES}}}"#);
        for text in [response, data, SERIES.to_string()] {
            assert_eq!(
                render(&read_bytes(Json, text.as_bytes()).unwrap()),
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn rounds_seconds_to_the_nearest_millisecond() {
        let s = read_bytes(
            Json,
            br#"[{"metric":{"__name__":"x"},"values":[[-0.0005,"1"],[0.0005,"2"],[0.123,"3"],[1704067200.001,4]]}]"#,
        )
        .unwrap();
        assert_eq!(&*s.series()[0].timestamps, &[-1, 1, 123, 1_704_067_200_001]);
    }

    #[test]
    fn errors_carry_line_and_column() {
        assert_errors(Json, &[
            (
                &br#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#[..],
                "1:73",
                "bad_data: parse error at char 3",
            ),
            (
                b"[{\"metric\":{},\n\"values\":[[1,\"x\"]]}]",
                "2:16",
                "invalid sample value \"x\"",
            ),
            (
                b"[{\"metric\":{},\"values\":[[1,\"1\"],\n[1,\"2\"]]}]",
                "2:7",
                "two different values",
            ),
            (
                b"[{\"metric\":{},\"values\":[[1,\"1\",3]]}]",
                "1:33",
                "two elements",
            ),
            (
                b"{\"resultType\":\"scalar\",\"result\":[1,\"1\"]}",
                "1:23",
                "holds no series",
            ),
            (b"[{\"metric\":{}", "1:13", "EOF"),
            (b"[] x", "1:4", "trailing characters"),
        ]);
    }

    #[test]
    fn values_before_metric_are_buffered() {
        let s = read_bytes(
            Json,
            br#"[{"values":[[1,"+Inf"]],"metric":{"__name__":"x","a":""}}]"#,
        )
        .unwrap();
        assert_eq!(render(&s), ["x 1000=inf"]);
    }

    #[test]
    fn mutated_input_never_panics() {
        never_panics(Json, br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1.5,"2"]}]}}"#);
    }
}
