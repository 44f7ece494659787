//! The storage state of a running test file: float samples loaded since the last `clear`,
//! plus the label sets of series that hold native histograms or start timestamps (which this
//! runner cannot load, but must recognise to skip evals that read them).

use std::collections::HashMap;

use super::classify::nhcb_series;
use super::parse::{LoadCmd, LoadData};
use crate::model::{Labels, Store, StoreBuilder, store::Appended};

#[derive(Debug, Default)]
pub struct State {
    floats: Vec<(Labels, Vec<(i64, f64)>)>,
    index: HashMap<Labels, usize>,
    /// Series with native-histogram samples (`{{...}}` lines, `load_with_nhcb` results).
    pub histogram_series: Vec<Labels>,
    /// Series given start timestamps by `@st` lines.
    pub start_timestamp_series: Vec<Labels>,
    store: Option<Result<Store, String>>,
}

impl State {
    pub fn clear(&mut self) {
        *self = State::default();
    }

    /// Applies a load block; within the block a repeated series replaces the earlier line.
    pub fn load(&mut self, cmd: &LoadCmd) {
        self.store = None;
        let mut block: Vec<(&Labels, &LoadData)> = Vec::new();
        for s in &cmd.series {
            match &s.data {
                LoadData::StartTimestamps if !s.labels.is_empty() => {
                    push_unique(&mut self.start_timestamp_series, &s.labels)
                }
                LoadData::StartTimestamps => {}
                LoadData::NativeHistogram => push_unique(&mut self.histogram_series, &s.labels),
                LoadData::Floats(_) => {}
            }
            if matches!(s.data, LoadData::StartTimestamps) {
                continue;
            }
            match block.iter_mut().find(|(l, _)| *l == &s.labels) {
                Some(slot) => slot.1 = &s.data,
                None => block.push((&s.labels, &s.data)),
            }
        }
        let all_st = cmd
            .series
            .iter()
            .any(|s| s.labels.is_empty() && s.data == LoadData::StartTimestamps);
        for (labels, data) in block {
            if all_st {
                push_unique(&mut self.start_timestamp_series, labels);
            }
            let LoadData::Floats(values) = data else {
                continue;
            };
            if cmd.with_nhcb
                && let Some(h) = nhcb_series(labels)
            {
                push_unique(&mut self.histogram_series, &h);
            }
            let i = *self.index.entry(labels.clone()).or_insert_with(|| {
                self.floats.push((labels.clone(), Vec::new()));
                self.floats.len() - 1
            });
            let samples = &mut self.floats[i].1;
            for (k, v) in values.iter().enumerate() {
                if let Some(v) = v {
                    let t = (k as i64).saturating_mul(cmd.interval.millis());
                    samples.push((t, v.to_f64()));
                }
            }
        }
    }

    /// The store for the current state, built once per change.
    pub fn store(&mut self) -> Result<&Store, String> {
        if self.store.is_none() {
            self.store = Some(build(&self.floats));
        }
        match self.store.as_ref() {
            Some(Ok(s)) => Ok(s),
            Some(Err(e)) => Err(e.clone()),
            None => Err("store not built".into()),
        }
    }
}

fn push_unique(v: &mut Vec<Labels>, l: &Labels) {
    if !v.contains(l) {
        v.push(l.clone());
    }
}

fn build(floats: &[(Labels, Vec<(i64, f64)>)]) -> Result<Store, String> {
    let mut b = StoreBuilder::new();
    for (labels, samples) in floats {
        let id = b.series_id(labels.clone());
        for &(t, v) in samples {
            if let Appended::Conflict { existing } = b.append(id, t, v) {
                return Err(format!(
                    "load: conflicting samples for {labels} at {t} ms: {existing} and {v}"
                ));
            }
        }
    }
    b.finish().map_err(|e| format!("load: {e}"))
}
