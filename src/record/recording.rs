//! The samples gathered so far, per series, with the user's limits enforced as they grow.
//!
//! Chunks meet at their borders and selectors overlap (`x` and `x{a="1"}`), so the same
//! sample can arrive more than once: an exact duplicate (same series, time and value bits)
//! is dropped. Two different values at one time cannot come from one Prometheus; the first
//! is kept and the conflict counted.

use std::collections::{BTreeMap, HashMap};

use super::response::{LabelPairs, SeriesData};
use crate::model::{Labels, Store, StoreBuilder};

/// Limits on the whole recording (`--max-series`, `--max-samples`); 0 is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_series: u64,
    pub max_samples: u64,
}

/// Why the recording stopped growing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error(
        "more than {limit} series (--max-series) would be recorded; narrow the selectors or the time range, or raise the limit"
    )]
    Series { limit: u64 },
    #[error(
        "more than {limit} samples (--max-samples) would be recorded; shorten the time range or raise the limit"
    )]
    Samples { limit: u64 },
}

#[derive(Debug, Default)]
pub struct Recording {
    series: HashMap<LabelPairs, BTreeMap<i64, f64>>,
    samples: u64,
    /// Samples seen again (chunk borders, overlapping selectors) and dropped.
    pub duplicates: u64,
    /// Same series and time, another value: kept the first.
    pub conflicts: u64,
}

impl Recording {
    pub fn series_count(&self) -> u64 {
        self.series.len() as u64
    }

    pub fn sample_count(&self) -> u64 {
        self.samples
    }

    /// Adds fetched series; fails as soon as a limit is passed.
    pub fn add(&mut self, data: Vec<SeriesData>, limits: Limits) -> Result<(), LimitError> {
        for s in data {
            if !self.series.contains_key(&s.labels) {
                if limits.max_series > 0 && self.series_count() >= limits.max_series {
                    return Err(LimitError::Series {
                        limit: limits.max_series,
                    });
                }
                self.series.insert(s.labels.clone(), BTreeMap::new());
            }
            let points = self.series.get_mut(&s.labels).expect("inserted above");
            for (t, v) in s.samples {
                match points.get(&t) {
                    Some(old) if old.to_bits() == v.to_bits() => self.duplicates += 1,
                    Some(_) => self.conflicts += 1,
                    None => {
                        if limits.max_samples > 0 && self.samples >= limits.max_samples {
                            return Err(LimitError::Samples {
                                limit: limits.max_samples,
                            });
                        }
                        points.insert(t, v);
                        self.samples += 1;
                    }
                }
            }
        }
        Ok(())
    }

    /// The samples as a store (series without samples are left out).
    pub fn into_store(self) -> Store {
        let mut b = StoreBuilder::new();
        let mut series: Vec<_> = self
            .series
            .into_iter()
            .filter(|(_, p)| !p.is_empty())
            .collect();
        series.sort_by(|a, b| a.0.cmp(&b.0));
        for (labels, points) in series {
            let id = b.series_id(Labels::from_pairs(
                labels.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ));
            for (t, v) in points {
                b.append(id, t, v);
            }
        }
        b.finish()
            .expect("each series' samples are appended in time order")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(name: &str, samples: &[(i64, f64)]) -> SeriesData {
        SeriesData {
            labels: vec![("__name__".into(), name.into())],
            samples: samples.to_vec(),
        }
    }

    const NONE: Limits = Limits {
        max_series: 0,
        max_samples: 0,
    };

    #[test]
    fn merges_chunks_and_drops_exact_duplicates() {
        let mut r = Recording::default();
        r.add(vec![s("a", &[(0, 1.0), (15, 2.0), (30, f64::NAN)])], NONE)
            .unwrap();
        r.add(
            vec![s("a", &[(30, f64::NAN), (45, 4.0)]), s("b", &[(0, 9.0)])],
            NONE,
        )
        .unwrap();
        r.add(vec![s("a", &[(45, 5.0)])], NONE).unwrap();
        assert_eq!(
            (
                r.series_count(),
                r.sample_count(),
                r.duplicates,
                r.conflicts
            ),
            (2, 5, 1, 1)
        );
        let store = r.into_store();
        let a = &store.series()[0];
        assert_eq!(a.labels.metric_name(), Some("a"));
        assert_eq!(a.timestamps.to_vec(), vec![0, 15, 30, 45]);
        assert_eq!(a.values[3], 4.0);
    }

    #[test]
    fn limits_stop_the_recording() {
        let mut r = Recording::default();
        let lim = Limits {
            max_series: 1,
            max_samples: 0,
        };
        r.add(vec![s("a", &[(0, 1.0)])], lim).unwrap();
        assert_eq!(
            r.add(vec![s("b", &[(0, 1.0)])], lim),
            Err(LimitError::Series { limit: 1 })
        );
        let mut r = Recording::default();
        let lim = Limits {
            max_series: 0,
            max_samples: 2,
        };
        r.add(vec![s("a", &[(0, 1.0), (1, 1.0)])], lim).unwrap();
        r.add(vec![s("a", &[(1, 1.0)])], lim).unwrap();
        let e = r.add(vec![s("a", &[(2, 1.0)])], lim).unwrap_err();
        assert!(
            e.to_string()
                .contains("more than 2 samples (--max-samples)"),
            "{e}"
        );
    }
}
