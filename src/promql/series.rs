//! Dense per-step series: the evaluator's representation of an instant vector over all steps.
//!
//! A query is evaluated at `n` steps at once (Prometheus's range-evaluation model). Each
//! series stores one value per step; a step where the series has no sample holds `ABSENT`,
//! a NaN payload that no computation produces (inputs are checked with `is_absent` before
//! any arithmetic, and ingested NaNs are canonical). Labels are computed once per series,
//! not per step.

use rustc_hash::FxHashMap as HashMap;

use crate::model::Labels;

/// Marks "no sample at this step". A quiet NaN with a payload distinct from Go's and Rust's
/// default NaN and from the staleness marker.
pub const ABSENT_BITS: u64 = 0x7ff8_dead_beef_0001;
pub const ABSENT: f64 = unsafe_absent();

const fn unsafe_absent() -> f64 {
    f64::from_bits(ABSENT_BITS)
}

#[inline]
pub fn is_absent(v: f64) -> bool {
    v.to_bits() == ABSENT_BITS
}

/// Replaces any NaN with the canonical one, so a computed value can never read as `ABSENT`.
#[inline]
pub fn canonical(v: f64) -> f64 {
    if v.is_nan() { f64::NAN } else { v }
}

/// The evaluation grid: `n` steps at `start + k*step`, milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    pub start: i64,
    pub step: i64,
    pub n: usize,
}

impl Grid {
    pub fn new(start: i64, end: i64, step: i64) -> Grid {
        let step = step.max(1);
        let n = if end < start {
            0
        } else {
            ((end - start) / step) as usize + 1
        };
        Grid { start, step, n }
    }
    #[inline]
    pub fn t(&self, k: usize) -> i64 {
        self.start + k as i64 * self.step
    }
    pub fn end(&self) -> i64 {
        self.t(self.n.saturating_sub(1))
    }
}

/// One series of an instant vector over all steps.
#[derive(Debug, Clone)]
pub struct StepSeries {
    pub labels: Labels,
    pub values: Vec<f64>,
    /// Set when an operation dropped the metric name but removal is delayed
    /// (`promql-delayed-name-removal`): the name is stripped when the query finishes.
    pub drop_name: bool,
}

impl StepSeries {
    pub fn absent(labels: Labels, n: usize) -> Self {
        StepSeries {
            labels,
            values: vec![ABSENT; n],
            drop_name: false,
        }
    }
    pub fn has_any(&self) -> bool {
        self.values.iter().any(|v| !is_absent(*v))
    }
}

/// Error text Prometheus gives when two samples of one step share a label set.
pub const DUPLICATE_LABELSET: &str = "vector cannot contain metrics with the same labelset";

/// Collects output series by label set, merging series that share labels at different steps
/// (as Prometheus's step-wise evaluation does) and failing when two land on the same step.
#[derive(Debug, Default)]
pub struct SeriesSet {
    pub series: Vec<StepSeries>,
    index: HashMap<(Labels, bool), usize>,
    n: usize,
}

impl SeriesSet {
    pub fn new(n: usize) -> Self {
        SeriesSet {
            series: Vec::new(),
            index: HashMap::default(),
            n,
        }
    }
    /// Index of the output series with these labels (and name-drop flag), created if new.
    pub fn slot(&mut self, labels: Labels, drop_name: bool) -> usize {
        let n = self.n;
        let series = &mut self.series;
        *self
            .index
            .entry((labels.clone(), drop_name))
            .or_insert_with(|| {
                series.push(StepSeries {
                    labels,
                    values: vec![ABSENT; n],
                    drop_name,
                });
                series.len() - 1
            })
    }
    /// Sets step `k` of series `slot`; a second value for the same step is an error.
    #[inline]
    pub fn set(&mut self, slot: usize, k: usize, v: f64) -> Result<(), String> {
        let cell = &mut self.series[slot].values[k];
        if !is_absent(*cell) {
            return Err(DUPLICATE_LABELSET.to_string());
        }
        *cell = canonical(v);
        Ok(())
    }
    pub fn finish(self) -> Vec<StepSeries> {
        self.series
    }
}

/// Groups label sets by the labels a predicate keeps, hashing those labels in place: a
/// group's label set is built once, when its first member arrives, not once per member.
#[derive(Debug, Default)]
pub struct GroupIndex {
    index: HashMap<u64, Vec<usize>>,
    /// Each group's labels (the kept labels of its first member), in order of appearance.
    pub groups: Vec<Labels>,
}

impl GroupIndex {
    /// The group of `labels` under `keep`, created if new.
    pub fn group_of(&mut self, labels: &Labels, keep: impl Fn(&str) -> bool) -> usize {
        use std::hash::{Hash, Hasher};
        let kept = || labels.iter().filter(|l| keep(&l.name));
        let mut h = rustc_hash::FxHasher::default();
        kept().for_each(|l| l.hash(&mut h));
        let candidates = self.index.entry(h.finish()).or_default();
        if let Some(&g) = candidates
            .iter()
            .find(|&&g| kept().eq(self.groups[g].iter()))
        {
            return g;
        }
        self.groups.push(labels.filtered(&keep));
        candidates.push(self.groups.len() - 1);
        self.groups.len() - 1
    }
}

/// Merges series whose labels became equal (e.g. after dropping names); errors when two
/// have a value at the same step.
pub fn merge_by_labels(input: Vec<StepSeries>, n: usize) -> Result<Vec<StepSeries>, String> {
    let mut out = SeriesSet::new(n);
    for s in input {
        let slot = out.slot(s.labels, s.drop_name);
        if out.series[slot].values.iter().all(|v| is_absent(*v))
            && out.series[slot].values.len() == s.values.len()
        {
            out.series[slot].values = s.values;
            continue;
        }
        for (k, v) in s.values.into_iter().enumerate() {
            if !is_absent(v) {
                out.set(slot, k, v)?;
            }
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_is_distinct_from_computed_nan() {
        assert!(is_absent(ABSENT));
        assert!(!is_absent(f64::NAN));
        assert!(!is_absent(f64::INFINITY - f64::INFINITY));
        assert!(!is_absent(canonical(ABSENT)));
    }

    #[test]
    fn grid_counts_inclusive_steps() {
        let g = Grid::new(0, 120_000, 60_000);
        assert_eq!(g.n, 3);
        assert_eq!(g.t(2), 120_000);
        assert_eq!(Grid::new(10, 10, 1).n, 1);
    }

    #[test]
    fn groups_by_kept_labels_in_order_of_appearance() {
        let l = |pairs: &[(&str, &str)]| Labels::from_pairs(pairs.iter().copied());
        let inputs = [
            l(&[("le", "0.1"), ("pod", "a")]),
            l(&[("le", "1"), ("pod", "a")]),
            l(&[("le", "0.1"), ("pod", "b")]),
            l(&[("pod", "c")]),
            l(&[("le", "1"), ("pod", "d")]),
        ];
        let mut by_le = GroupIndex::default();
        let of: Vec<usize> = inputs
            .iter()
            .map(|x| by_le.group_of(x, |n| n == "le"))
            .collect();
        assert_eq!(of, [0, 1, 0, 2, 1]);
        let groups: Vec<String> = by_le.groups.iter().map(|g| g.to_string()).collect();
        assert_eq!(groups, [r#"{le="0.1"}"#, r#"{le="1"}"#, "{}"]);
        let mut all = GroupIndex::default();
        assert!(inputs.iter().all(|x| all.group_of(x, |_| false) == 0));
        let mut without_le = GroupIndex::default();
        let of: Vec<usize> = inputs
            .iter()
            .map(|x| without_le.group_of(x, |n| n != "le"))
            .collect();
        assert_eq!(of, [0, 0, 1, 2, 3]);
    }

    #[test]
    fn merge_detects_same_step_collisions() {
        let l = Labels::from_pairs([("a", "1")]);
        let s1 = StepSeries {
            labels: l.clone(),
            values: vec![1.0, ABSENT],
            drop_name: false,
        };
        let s2 = StepSeries {
            labels: l.clone(),
            values: vec![ABSENT, 2.0],
            drop_name: false,
        };
        let merged = merge_by_labels(vec![s1.clone(), s2], 2).unwrap();
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].values, vec![1.0, 2.0]);
        assert!(merge_by_labels(vec![s1.clone(), s1], 2).is_err());
    }
}
