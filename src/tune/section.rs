//! The scenario's optional `tune:` block: the grid, trials per candidate and world, the base
//! seed, extra regressions and the targets, as `rollsim tune` reads them by default.
//!
//! ```yaml
//! tune:
//!   runs: 200
//!   seed: 1
//!   grid:
//!     success-rate.threshold: [0.99, 0.995]
//!     success-rate.failureLimit: [0, 1, 2]
//!   regressions: [{at: 20m, error_ratio: 0.01}]
//!   targets: {max_false_rollback: 1%, max_detect: 10m, min_detection: 90%}
//! ```
//!
//! Grid keys keep their written order. Depends on `synth::Regression` and serde.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::synth::Regression;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TuneSection {
    /// Trials per candidate and world.
    pub runs: Option<usize>,
    /// Base seed of the trial seeds (default: `world.seed`).
    pub seed: Option<u64>,
    /// Axes: parameter → values, in written order.
    #[serde(default)]
    pub grid: Grid,
    /// Regressed worlds, one per entry, instead of the scenario's own regression.
    #[serde(default)]
    pub regressions: Vec<Regression>,
    #[serde(default)]
    pub targets: TargetsSection,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsSection {
    /// `1%` or `0.01`.
    pub max_false_rollback: Option<Text>,
    /// p95 time to detect, `10m`.
    pub max_detect: Option<Text>,
    /// `90%` or `0.9`.
    pub min_detection: Option<Text>,
}

/// A scalar read as text (`1%`, `0.01`, `10m`, `5` all become strings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

/// `grid:` entries in written order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid(pub Vec<(String, Vec<String>)>);

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// One value or a list of values.
#[derive(Deserialize)]
#[serde(untagged)]
enum Values {
    Many(Vec<Text>),
    One(Text),
}

impl Values {
    fn into_vec(self) -> Vec<String> {
        match self {
            Values::Many(v) => v.into_iter().map(|t| t.0).collect(),
            Values::One(t) => vec![t.0],
        }
    }
}

impl<'de> Deserialize<'de> for Grid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Grid, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Grid;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of PARAM: [values]")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Grid, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Values>()? {
                    out.push((k, v.into_vec()));
                }
                Ok(Grid(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_tune_block_in_order() {
        let t: TuneSection = serde_saphyr::from_str(
            "runs: 50\nseed: 3\ngrid:\n  sr.threshold: [0.995, 0.99]\n  sr.failureLimit: 1\n  \
             steps[1].pause: [5m, 10m]\nregressions: [{at: 5m, error_ratio: 0.02}]\n\
             targets: {max_false_rollback: 1%, max_detect: 10m, min_detection: 0.9}\n",
        )
        .unwrap();
        assert_eq!((t.runs, t.seed), (Some(50), Some(3)));
        let keys: Vec<&str> = t.grid.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["sr.threshold", "sr.failureLimit", "steps[1].pause"]);
        assert_eq!(t.grid.0[0].1, ["0.995", "0.99"]);
        assert_eq!(t.grid.0[1].1, ["1"]);
        assert_eq!(t.regressions.len(), 1);
        assert_eq!(t.targets.max_false_rollback, Some(Text("1%".into())));
        assert_eq!(t.targets.min_detection, Some(Text("0.9".into())));
        let bad: Result<TuneSection, _> = serde_saphyr::from_str("runz: 5\n");
        assert!(bad.is_err());
    }
}
