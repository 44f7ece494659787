//! Reads the `data` of Prometheus API answers into label sets and samples.
//!
//! Timestamps arrive as seconds with at most millisecond precision (`1704067200.123`);
//! they are rounded to the nearest millisecond, which recovers the stored millisecond
//! exactly. Values are strings (`"1.5"`, `"NaN"`, `"+Inf"`). Stale markers are never
//! returned by the API, so a recording has none.

use serde_json::Value;

/// Label pairs sorted by name (`__name__` included).
pub type LabelPairs = Vec<(String, String)>;

/// One series of a matrix or one sample of a vector.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesData {
    pub labels: LabelPairs,
    /// `(milliseconds, value)` in time order.
    pub samples: Vec<(i64, f64)>,
}

/// The series of a `matrix` (raw samples or `query_range`) or `vector` result.
pub fn series(data: &Value) -> Result<(String, Vec<SeriesData>), String> {
    let kind = data
        .get("resultType")
        .and_then(Value::as_str)
        .ok_or("the response has no data.resultType")?
        .to_string();
    let result = data
        .get("result")
        .and_then(Value::as_array)
        .ok_or("the response has no data.result array")?;
    let mut out = Vec::with_capacity(result.len());
    for s in result {
        let labels = labels(s.get("metric"))?;
        let samples = match kind.as_str() {
            "matrix" => s
                .get("values")
                .and_then(Value::as_array)
                .ok_or("a matrix series has no values")?
                .iter()
                .map(point)
                .collect::<Result<Vec<_>, _>>()?,
            "vector" => vec![point(
                s.get("value").ok_or("a vector sample has no value")?,
            )?],
            _ => Vec::new(),
        };
        out.push(SeriesData { labels, samples });
    }
    Ok((kind, out))
}

fn labels(metric: Option<&Value>) -> Result<LabelPairs, String> {
    let obj = metric
        .and_then(Value::as_object)
        .ok_or("a series has no metric object")?;
    let mut pairs: LabelPairs = obj
        .iter()
        .map(|(k, v)| {
            v.as_str()
                .map(|v| (k.clone(), v.to_string()))
                .ok_or_else(|| format!("label {k} is not a string"))
        })
        .collect::<Result<_, _>>()?;
    pairs.sort();
    Ok(pairs)
}

fn point(p: &Value) -> Result<(i64, f64), String> {
    let pair = p
        .as_array()
        .filter(|a| a.len() == 2)
        .ok_or("a sample is not [time, value]")?;
    let t = pair[0].as_f64().ok_or("a sample time is not a number")?;
    let v = pair[1].as_str().ok_or("a sample value is not a string")?;
    Ok((seconds_to_ms(t), parse_value(v)?))
}

/// API seconds to milliseconds, exactly for millisecond-precision input.
pub fn seconds_to_ms(t: f64) -> i64 {
    (t * 1000.0).round() as i64
}

/// A sample value as Prometheus writes it (Go's `ParseFloat`, as the text readers parse).
pub fn parse_value(v: &str) -> Result<f64, String> {
    crate::ingest::exposition::parse_value(v.as_bytes())
        .ok_or_else(|| format!("bad sample value {v:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_matrices_and_vectors_exactly() {
        let data: Value = serde_json::from_str(
            r#"{"resultType":"matrix","result":[{"metric":{"__name__":"x","b":"2","a":"1"},
                "values":[[1704067200.015,"1"],[1704067215,"NaN"],[1704067230.999,"+Inf"],[0.001,"-2.5e-7"]]}]}"#,
        )
        .unwrap();
        let (kind, s) = series(&data).unwrap();
        assert_eq!(kind, "matrix");
        assert_eq!(
            s[0].labels,
            vec![
                ("__name__".into(), "x".into()),
                ("a".into(), "1".into()),
                ("b".into(), "2".into())
            ]
        );
        let t: Vec<i64> = s[0].samples.iter().map(|p| p.0).collect();
        assert_eq!(
            t,
            [1_704_067_200_015, 1_704_067_215_000, 1_704_067_230_999, 1]
        );
        assert!(s[0].samples[1].1.is_nan());
        assert_eq!(s[0].samples[2].1, f64::INFINITY);
        assert_eq!(s[0].samples[3].1, -2.5e-7);
        let data: Value = serde_json::from_str(
            r#"{"resultType":"vector","result":[{"metric":{},"value":[10,"240"]}]}"#,
        )
        .unwrap();
        let (kind, s) = series(&data).unwrap();
        assert_eq!(
            (kind.as_str(), s[0].samples.clone()),
            ("vector", vec![(10_000, 240.0)])
        );
        assert!(series(&serde_json::json!({"result": []})).is_err());
        assert!(parse_value("abc").is_err());
    }

    #[test]
    fn every_millisecond_of_a_second_round_trips() {
        for ms in 0..1000 {
            let t = 1_704_067_200_000i64 + ms;
            let text = format!("{}.{:03}", t / 1000, t % 1000);
            assert_eq!(seconds_to_ms(text.parse().unwrap()), t, "{text}");
        }
    }
}
