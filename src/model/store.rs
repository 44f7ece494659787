//! The in-memory series store: one row per series, samples column-wise.
//!
//! Each series holds a timestamp column (i64 ms) and a value column (f64). Series scraped
//! together have identical timestamp columns; the builder shares them (`Arc<[i64]>`), which
//! halves memory for exporter-shaped data (≈ 8 bytes per sample instead of 16). Staleness
//! markers are kept out of the value column in a small per-series list, so range functions
//! read plain float slices and the instant selector checks the list only when it must.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::any::Any;
use std::sync::{Arc, Mutex};

use super::columns::{ColumnGroups, TsColumn};
use super::labels::{Labels, METRIC_NAME};

/// Prometheus's staleness marker: a NaN with this exact bit pattern (`value.StaleNaN`).
pub const STALE_NAN_BITS: u64 = 0x7ff0_0000_0000_0002;

pub fn is_stale_nan(v: f64) -> bool {
    v.to_bits() == STALE_NAN_BITS
}

/// Where a sample came from, for error messages (`file:line`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: Arc<str>,
    pub line: u64,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StoreError {
    #[error(
        "conflicting samples for {labels} at {t} ms: {first} and {second} (Prometheus rejects a second value for the same timestamp)"
    )]
    Conflict {
        labels: String,
        t: i64,
        first: f64,
        second: f64,
    },
}

/// One series: labels plus columns. `timestamps` and `values` have equal length and are
/// sorted by time with unique timestamps; `stale` lists staleness-marker timestamps.
#[derive(Debug, Clone)]
pub struct Series {
    pub labels: Labels,
    pub timestamps: Arc<[i64]>,
    pub values: Vec<f64>,
    pub stale: Box<[i64]>,
}

impl Series {
    /// Index of the newest sample at or before `t` (ms), if any.
    pub fn last_at_or_before(&self, t: i64) -> Option<usize> {
        let n = self.timestamps.partition_point(|&ts| ts <= t);
        n.checked_sub(1)
    }
    /// Whether a staleness marker lies in `(after, upto]`.
    pub fn stale_between(&self, after: i64, upto: i64) -> bool {
        if self.stale.is_empty() {
            return false;
        }
        let i = self.stale.partition_point(|&ts| ts <= after);
        i < self.stale.len() && self.stale[i] <= upto
    }
}

/// The whole dataset, immutable once built (a windowed snapshot is refreshed in place by
/// `StoreBuilder::refresh_since`).
#[derive(Debug, Default)]
pub struct Store {
    series: Vec<Series>,
    by_name: HashMap<Arc<str>, Vec<u32>>,
    /// `# TYPE` metadata by metric family name (e.g. `counter`), when the input carried it.
    pub metric_types: std::collections::HashMap<String, String>,
    /// For a snapshot: the builder it came from and the builder's id of each series.
    source: Option<(u64, Vec<u32>)>,
    selections: Selections,
    /// Label sets derived from each series (`Store::derived_labels`), per derivation.
    derived: [std::sync::OnceLock<Box<[std::sync::OnceLock<Labels>]>>; DERIVATIONS],
}

/// How many label derivations a store remembers (`Store::derived_labels`).
pub const DERIVATIONS: usize = 2;

/// What the query engine remembered about the store (`Store::selection`): a key and the
/// selection it made. Valid while the store holds the same series.
#[derive(Default)]
struct Selections(Mutex<Vec<Selection>>);

/// A remembered selection: its key and what was selected.
type Selection = (Box<dyn Any + Send>, Arc<dyn Any + Send + Sync>);

/// More selectors than one store's queries use: past it the list starts again.
const MAX_SELECTIONS: usize = 64;

impl Selections {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Selection>> {
        // A panic elsewhere cannot leave the list half-written: use it as it is.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for Selections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Selections")
    }
}

impl Store {
    /// `derive` of the labels of series `id`, made once per store for derivation number
    /// `which` (< `DERIVATIONS`): the query engine strips the names of the same series at
    /// every instant.
    pub fn derived_labels(
        &self,
        id: u32,
        which: usize,
        derive: impl FnOnce(&Labels) -> Labels,
    ) -> Labels {
        let cells = self.derived[which].get_or_init(|| {
            (0..self.series.len())
                .map(|_| std::sync::OnceLock::new())
                .collect()
        });
        cells[id as usize]
            .get_or_init(|| derive(&self.series[id as usize].labels))
            .clone()
    }

    /// What `select` returns, remembered under a key of type `K` (the first entry `is_key`
    /// accepts, else `key()`): a store's series and labels do not change, so a selector
    /// evaluated at many instants matches its series once.
    pub fn selection<K: Send + 'static, V: Send + Sync + 'static, E>(
        &self,
        is_key: impl Fn(&K) -> bool,
        key: impl FnOnce() -> K,
        select: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        let found = self
            .selections
            .lock()
            .iter()
            .filter(|(k, _)| k.downcast_ref::<K>().is_some_and(&is_key))
            .find_map(|(_, v)| v.clone().downcast::<V>().ok());
        if let Some(v) = found {
            return Ok(v);
        }
        let v = Arc::new(select()?);
        let mut list = self.selections.lock();
        if list.len() >= MAX_SELECTIONS {
            list.clear();
        }
        list.push((Box::new(key()), v.clone()));
        Ok(v)
    }

    pub fn series(&self) -> &[Series] {
        &self.series
    }
    /// Ids of the series whose `__name__` equals `name`.
    pub fn series_named(&self, name: &str) -> &[u32] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
    pub fn sample_count(&self) -> usize {
        self.series
            .iter()
            .map(|s| s.values.len() + s.stale.len())
            .sum()
    }
    /// Bytes held by sample columns, counting each shared timestamp column once.
    pub fn sample_bytes(&self) -> usize {
        let mut seen = HashSet::default();
        let mut bytes = 0;
        for s in &self.series {
            if seen.insert(Arc::as_ptr(&s.timestamps) as *const i64 as usize) {
                bytes += s.timestamps.len() * 8;
            }
            bytes += s.values.len() * 8 + s.stale.len() * 8;
        }
        bytes
    }
    /// Earliest and latest sample timestamps (ms), if the store holds any sample.
    pub fn time_range(&self) -> Option<(i64, i64)> {
        let mut r: Option<(i64, i64)> = None;
        for s in &self.series {
            let first = s
                .timestamps
                .first()
                .copied()
                .into_iter()
                .chain(s.stale.first().copied());
            let last = s
                .timestamps
                .last()
                .copied()
                .into_iter()
                .chain(s.stale.last().copied());
            for t in first.chain(last) {
                r = Some(match r {
                    None => (t, t),
                    Some((a, b)) => (a.min(t), b.max(t)),
                });
            }
        }
        r
    }
}

#[derive(Debug, Clone)]
struct PendingSeries {
    labels: Labels,
    ts: TsColumn,
    values: Vec<f64>,
    /// False once a sample arrived out of order; `finish` sorts such series.
    sorted: bool,
}

/// The result of appending one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Appended {
    Ok,
    /// Same timestamp and same value (bit-identical) as the previous sample: ignored, as the
    /// Prometheus TSDB ignores an exact duplicate.
    Duplicate,
    /// Same timestamp as the previous sample with another value: Prometheus rejects this.
    Conflict {
        existing: f64,
    },
}

/// Collects samples from readers and builds an immutable `Store`.
#[derive(Debug, Clone)]
pub struct StoreBuilder {
    /// Tells builders apart, so a writer can cache series ids per builder (a clone keeps
    /// the ids, and so the instance).
    instance: u64,
    strings: HashSet<Arc<str>>,
    index: HashMap<Labels, u32>,
    pending: Vec<PendingSeries>,
    /// Timestamp columns shared by series scraped together, from the first sample on.
    columns: ColumnGroups,
    metric_types: std::collections::HashMap<String, String>,
}

impl Default for StoreBuilder {
    fn default() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        StoreBuilder {
            instance: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            strings: HashSet::default(),
            index: HashMap::default(),
            pending: Vec::new(),
            columns: ColumnGroups::default(),
            metric_types: std::collections::HashMap::new(),
        }
    }
}

impl StoreBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// This builder's identity (never 0): series ids from `series_id` stay valid for it.
    pub fn instance(&self) -> u64 {
        self.instance
    }

    /// Returns the shared copy of `s`, allocating it on first sight.
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.strings.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.strings.insert(a.clone());
        a
    }

    /// The id of the series with these labels, creating it if new. Readers should cache the
    /// id while consecutive lines name the same series.
    pub fn series_id(&mut self, labels: Labels) -> u32 {
        if let Some(&id) = self.index.get(&labels) {
            return id;
        }
        let id = self.pending.len() as u32;
        self.pending.push(PendingSeries {
            labels: labels.clone(),
            ts: TsColumn::Empty,
            values: Vec::new(),
            sorted: true,
        });
        self.index.insert(labels, id);
        id
    }

    pub fn labels_of(&self, id: u32) -> &Labels {
        &self.pending[id as usize].labels
    }

    pub fn set_metric_type(&mut self, family: &str, typ: &str) {
        self.metric_types
            .insert(family.to_string(), typ.to_string());
    }

    /// Appends a sample (value may be a staleness marker). Samples may arrive in any order
    /// and series may interleave freely (O(1) per sample); an exact duplicate is ignored and
    /// a conflicting value for the newest timestamp is reported so the reader can name the
    /// line.
    pub fn append(&mut self, id: u32, t: i64, v: f64) -> Appended {
        let s = &mut self.pending[id as usize];
        let last_t = self.columns.slice(&s.ts).last().copied();
        if let (Some(last_t), Some(&last_v)) = (last_t, s.values.last()) {
            if t == last_t {
                return if last_v.to_bits() == v.to_bits() {
                    Appended::Duplicate
                } else {
                    Appended::Conflict { existing: last_v }
                };
            }
            if t < last_t {
                s.sorted = false;
                self.columns.to_owned(&mut s.ts);
            }
        }
        if s.values.len() == s.values.capacity() {
            // Series following a group usually get exactly the group's remaining length.
            let more = self.columns.remaining(&s.ts).max(s.values.len() / 2).max(4);
            s.values.reserve_exact(more);
        }
        self.columns.push(&mut s.ts, t);
        s.values.push(v);
        Appended::Ok
    }

    /// Removes every sample of a series (the promqltest `load` replaces a series repeated in
    /// one block).
    pub fn clear_series(&mut self, id: u32) {
        let s = &mut self.pending[id as usize];
        s.ts = TsColumn::Empty;
        s.values.clear();
        s.sorted = true;
    }

    /// A `Store` of everything appended so far, leaving the builder open for more (a
    /// closed-loop simulation measures while its world is still writing).
    pub fn snapshot(&self) -> Result<Store, StoreError> {
        self.clone().finish()
    }

    /// A `Store` of the samples at or after `since` (ms), leaving the builder open: what a
    /// query that reads no further back than `since` needs, in time proportional to that
    /// window rather than to the whole history. Series with no sample in the window are
    /// left out.
    pub fn snapshot_since(&self, since: i64) -> Result<Store, StoreError> {
        if self.pending.iter().any(|p| !p.sorted) {
            return self.snapshot();
        }
        let mut series = Vec::new();
        let mut by_name: HashMap<Arc<str>, Vec<u32>> = HashMap::default();
        let mut ids = Vec::new();
        let mut tails = Tails::default();
        for (id, p) in self.pending.iter().enumerate() {
            let Some((from, timestamps)) = tails.window(self.columns.slice(&p.ts), since) else {
                continue;
            };
            let s = split_stale(p.labels.clone(), timestamps, p.values[from..].to_vec());
            push_series(&mut series, &mut by_name, s);
            ids.push(id as u32);
        }
        Ok(Store {
            series,
            by_name,
            metric_types: self.metric_types.clone(),
            source: Some((self.instance, ids)),
            selections: Selections::default(),
            derived: Default::default(),
        })
    }

    /// Makes `store` what `snapshot_since(since)` would return. When `store` is this
    /// builder's snapshot and the same series have samples in the window, only the columns
    /// are rewritten: the allocations, the name index and the remembered selections stay.
    pub fn refresh_since(&self, store: &mut Store, since: i64) -> Result<(), StoreError> {
        if !self.same_window_series(store, since) {
            *store = self.snapshot_since(since)?;
            return Ok(());
        }
        if store.metric_types != self.metric_types {
            store.metric_types.clone_from(&self.metric_types);
        }
        let ids = store.source.as_ref().map_or(&[][..], |(_, ids)| &ids[..]);
        let mut tails = Tails::default();
        for (s, &id) in store.series.iter_mut().zip(ids) {
            let p = &self.pending[id as usize];
            // Every series has samples in the window (`same_window_series`).
            let (from, timestamps) = tails
                .window(self.columns.slice(&p.ts), since)
                .unwrap_or((p.values.len(), Arc::from([])));
            let vs = &p.values[from..];
            if s.stale.is_empty() && !vs.iter().any(|v| is_stale_nan(*v)) {
                s.timestamps = timestamps;
                s.values.clear();
                s.values.extend_from_slice(vs);
            } else {
                *s = split_stale(p.labels.clone(), timestamps, vs.to_vec());
            }
        }
        Ok(())
    }

    /// Whether `store` is a snapshot of this builder holding exactly the series that have
    /// samples at or after `since`, all sorted.
    fn same_window_series(&self, store: &Store, since: i64) -> bool {
        let Some((instance, ids)) = &store.source else {
            return false;
        };
        if *instance != self.instance {
            return false;
        }
        // The same ids with the very same label sets (a clone of the builder shares its
        // instance but may have given an id to other labels).
        let mut expected = ids.iter().zip(&store.series);
        for (id, p) in self.pending.iter().enumerate() {
            if !p.sorted {
                return false;
            }
            let in_window = self
                .columns
                .slice(&p.ts)
                .last()
                .is_some_and(|&t| t >= since);
            if in_window
                && !expected.next().is_some_and(|(&want, s)| {
                    want == id as u32 && s.labels.storage_id() == p.labels.storage_id()
                })
            {
                return false;
            }
        }
        expected.next().is_none()
    }

    /// Sorts, checks and freezes everything appended so far.
    pub fn finish(mut self) -> Result<Store, StoreError> {
        for p in &mut self.pending {
            if !p.sorted {
                sort_series(p)?;
            }
        }
        let mut freezer = self.columns.freezer();
        let mut series = Vec::with_capacity(self.pending.len());
        let mut by_name: HashMap<Arc<str>, Vec<u32>> = HashMap::default();
        for p in self.pending {
            if p.values.is_empty() {
                continue;
            }
            let timestamps = freezer.freeze(&p.ts);
            let s = split_stale(p.labels, timestamps, p.values);
            push_series(&mut series, &mut by_name, s);
        }
        Ok(Store {
            series,
            by_name,
            metric_types: self.metric_types,
            source: None,
            selections: Selections::default(),
            derived: Default::default(),
        })
    }
}

/// The windows of the columns of one snapshot: series scraped together share their
/// column, so they share its window's start and its tail, found and copied once.
#[derive(Default)]
struct Tails {
    shared: HashMap<Column, Tail>,
    /// The last column seen: series of one group are usually adjacent.
    last: Option<(Column, Tail)>,
}

/// A timestamp column by address and length.
type Column = (*const i64, usize);
/// Where a column's window starts, and a copy of the window.
type Tail = (usize, Arc<[i64]>);

impl Tails {
    /// Where the samples at or after `since` start in column `ts`, and a shared copy of
    /// them; `None` when there is none.
    fn window(&mut self, ts: &[i64], since: i64) -> Option<Tail> {
        let key = (ts.as_ptr(), ts.len());
        if let Some((k, found)) = &self.last
            && *k == key
        {
            return Some(found.clone());
        }
        let found = match self.shared.get(&key) {
            Some(found) => found.clone(),
            None => {
                let from = ts.partition_point(|&t| t < since);
                if from == ts.len() {
                    return None;
                }
                let found = (from, Arc::from(&ts[from..]));
                self.shared.insert(key, found.clone());
                found
            }
        };
        self.last = Some((key, found.clone()));
        Some(found)
    }
}

/// Adds a frozen series to a store's list and its name index.
fn push_series(series: &mut Vec<Series>, by_name: &mut HashMap<Arc<str>, Vec<u32>>, s: Series) {
    if let Some(l) = s.labels.iter().find(|l| &*l.name == METRIC_NAME) {
        by_name
            .entry(l.value.clone())
            .or_default()
            .push(series.len() as u32);
    }
    series.push(s);
}

fn sort_series(s: &mut PendingSeries) -> Result<(), StoreError> {
    // `append` makes a series' column private when it marks the series unsorted.
    let ts = match std::mem::replace(&mut s.ts, TsColumn::Empty) {
        TsColumn::Owned(v) => v,
        other => {
            s.ts = other;
            return Ok(());
        }
    };
    let mut pairs: Vec<(i64, f64)> = ts.into_iter().zip(s.values.iter().copied()).collect();
    pairs.sort_by_key(|p| p.0);
    let mut out: Vec<(i64, f64)> = Vec::with_capacity(pairs.len());
    for (t, v) in pairs {
        match out.last() {
            Some(&(lt, lv)) if lt == t => {
                if lv.to_bits() != v.to_bits() {
                    return Err(StoreError::Conflict {
                        labels: s.labels.to_string(),
                        t,
                        first: lv,
                        second: v,
                    });
                }
            }
            _ => out.push((t, v)),
        }
    }
    s.ts = TsColumn::Owned(out.iter().map(|p| p.0).collect());
    s.values = out.iter().map(|p| p.1).collect();
    s.sorted = true;
    Ok(())
}

/// Builds the frozen series, moving staleness markers out of the value column.
fn split_stale(labels: Labels, timestamps: Arc<[i64]>, mut values: Vec<f64>) -> Series {
    let has_stale = values.iter().any(|v| is_stale_nan(*v));
    if !has_stale {
        values.shrink_to_fit();
        return Series {
            labels,
            timestamps,
            values,
            stale: Box::new([]),
        };
    }
    let (mut ts, mut vs, mut stale) = (Vec::new(), Vec::new(), Vec::new());
    for (&t, &v) in timestamps.iter().zip(&values) {
        if is_stale_nan(v) {
            stale.push(t);
        } else {
            ts.push(t);
            vs.push(v);
        }
    }
    Series {
        labels,
        timestamps: Arc::from(ts),
        values: vs,
        stale: stale.into_boxed_slice(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lbl(pairs: &[(&str, &str)]) -> Labels {
        Labels::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn shares_identical_timestamp_columns() {
        let mut b = StoreBuilder::new();
        let a = b.series_id(lbl(&[("__name__", "a")]));
        let c = b.series_id(lbl(&[("__name__", "c")]));
        for t in 0..10 {
            b.append(a, t * 15_000, t as f64);
        }
        for t in 0..10 {
            b.append(c, t * 15_000, 1.0);
        }
        let s = b.finish().unwrap();
        assert!(Arc::ptr_eq(
            &s.series()[0].timestamps,
            &s.series()[1].timestamps
        ));
        assert_eq!(s.sample_count(), 20);
        assert_eq!(s.sample_bytes(), 10 * 8 + 20 * 8);
    }

    #[test]
    fn interleaved_series_share_columns_and_gaps_fork() {
        let mut b = StoreBuilder::new();
        let ids: Vec<u32> = ["a", "b", "c"]
            .iter()
            .map(|n| b.series_id(lbl(&[("__name__", n)])))
            .collect();
        for t in 0..100 {
            for &id in &ids {
                // c misses t = 50 (a scrape gap); a and b keep sharing.
                if !(id == ids[2] && t == 50) {
                    assert_eq!(b.append(id, t * 15_000, t as f64), Appended::Ok);
                }
            }
        }
        let s = b.finish().unwrap();
        let [a, b2, c] = [&s.series()[0], &s.series()[1], &s.series()[2]];
        assert!(Arc::ptr_eq(&a.timestamps, &b2.timestamps));
        assert_eq!(c.timestamps.len(), 99);
        assert!(!c.timestamps.contains(&750_000));
        assert_eq!(c.values[50], 51.0);
        assert_eq!(s.sample_bytes(), 100 * 8 + 99 * 8 + 299 * 8);
    }

    #[test]
    fn sorts_out_of_order_and_rejects_conflicts() {
        let mut b = StoreBuilder::new();
        let a = b.series_id(lbl(&[("__name__", "a")]));
        assert_eq!(b.append(a, 20, 2.0), Appended::Ok);
        assert_eq!(b.append(a, 10, 1.0), Appended::Ok);
        assert_eq!(b.append(a, 30, 3.0), Appended::Ok);
        assert_eq!(b.append(a, 30, 3.0), Appended::Duplicate);
        assert_eq!(b.append(a, 30, 4.0), Appended::Conflict { existing: 3.0 });
        let s = b.finish().unwrap();
        assert_eq!(&*s.series()[0].timestamps, &[10, 20, 30]);

        let mut b = StoreBuilder::new();
        let a = b.series_id(lbl(&[("__name__", "a")]));
        b.append(a, 20, 2.0);
        b.append(a, 10, 1.0);
        b.append(a, 20, 5.0);
        assert!(matches!(
            b.finish(),
            Err(StoreError::Conflict { t: 20, .. })
        ));
    }

    #[test]
    fn snapshot_since_keeps_the_window_and_shares_columns() {
        let mut b = StoreBuilder::new();
        let ids: Vec<u32> = ["a", "b", "c"]
            .iter()
            .map(|n| b.series_id(lbl(&[("__name__", n)])))
            .collect();
        for t in 0..10 {
            b.append(ids[0], t * 10, t as f64);
            b.append(ids[1], t * 10, -(t as f64));
        }
        b.append(ids[2], 5, 1.0);
        b.append(ids[0], 100, f64::from_bits(STALE_NAN_BITS));
        let s = b.snapshot_since(70).unwrap();
        assert_eq!(s.series().len(), 2, "c has no sample in the window");
        let [a, bb] = [&s.series()[0], &s.series()[1]];
        assert_eq!(&*a.timestamps, &[70, 80, 90]);
        assert_eq!(&*a.values, &[7.0, 8.0, 9.0]);
        assert_eq!(&*a.stale, &[100]);
        assert_eq!(&*bb.values, &[-7.0, -8.0, -9.0]);
        assert_eq!(s.series_named("b"), &[1]);
        assert!(s.series_named("c").is_empty());
        // Unsorted input falls back to a full snapshot.
        b.append(ids[2], 1, 2.0);
        assert_eq!(b.snapshot_since(70).unwrap().series().len(), 3);
    }

    /// Labels, timestamps, value bits and staleness markers of a series.
    type Contents = (String, Vec<i64>, Vec<u64>, Vec<i64>);

    /// Everything a query can see of a store, for comparing two.
    fn contents(s: &Store) -> Vec<Contents> {
        s.series()
            .iter()
            .map(|x| {
                let values = x.values.iter().map(|v| v.to_bits()).collect();
                (
                    x.labels.to_string(),
                    x.timestamps.to_vec(),
                    values,
                    x.stale.to_vec(),
                )
            })
            .collect()
    }

    #[test]
    fn refresh_since_equals_a_fresh_snapshot() {
        let mut b = StoreBuilder::new();
        let a = b.series_id(lbl(&[("__name__", "a")]));
        let c = b.series_id(lbl(&[("__name__", "c")]));
        let mut store = Store::default();
        let stale = f64::from_bits(STALE_NAN_BITS);
        // (step, what is appended before refreshing at that step's window)
        for step in 0..12i64 {
            let t = step * 10;
            b.append(a, t, if step == 6 { stale } else { step as f64 });
            if (3..8).contains(&step) {
                b.append(c, t, 1.0); // c enters and leaves the window
            }
            let since = t - 30;
            let kept = store.source.clone();
            b.refresh_since(&mut store, since).unwrap();
            assert_eq!(
                contents(&store),
                contents(&b.snapshot_since(since).unwrap()),
                "step {step}"
            );
            assert_eq!(
                store.series_named("c").len(),
                usize::from((3..11).contains(&step))
            );
            if step == 5 {
                // Same series as before: updated in place, not rebuilt.
                assert_eq!(kept, store.source);
            }
        }
        b.set_metric_type("a", "counter");
        b.refresh_since(&mut store, 80).unwrap();
        assert_eq!(
            store.metric_types.get("a").map(String::as_str),
            Some("counter")
        );
        // Clones share an instance: one that gave the next id to other labels rebuilds.
        let (mut left, mut right) = (b.clone(), b.clone());
        let l = left.series_id(lbl(&[("__name__", "l")]));
        let r = right.series_id(lbl(&[("__name__", "r")]));
        left.append(l, 200, 1.0);
        right.append(r, 200, 1.0);
        left.refresh_since(&mut store, 200).unwrap();
        right.refresh_since(&mut store, 200).unwrap();
        assert_eq!(
            contents(&store),
            contents(&right.snapshot_since(200).unwrap())
        );
        // Another builder's snapshot is replaced, not patched.
        let mut other = StoreBuilder::new();
        let x = other.series_id(lbl(&[("__name__", "x")]));
        other.append(x, 100, 1.0);
        other.refresh_since(&mut store, 0).unwrap();
        assert_eq!(
            contents(&store),
            contents(&other.snapshot_since(0).unwrap())
        );
    }

    #[test]
    fn selections_and_derived_labels_are_remembered() {
        let mut b = StoreBuilder::new();
        let a = b.series_id(lbl(&[("__name__", "a"), ("x", "1")]));
        b.append(a, 0, 1.0);
        let store = b.snapshot_since(0).unwrap();
        let calls = std::cell::Cell::new(0);
        let select = |key: &'static str| {
            store
                .selection(
                    |k: &&str| *k == key,
                    || key,
                    || -> Result<Vec<u32>, ()> {
                        calls.set(calls.get() + 1);
                        Ok(vec![key.len() as u32])
                    },
                )
                .unwrap()
                .to_vec()
        };
        assert_eq!(select("one"), [3]);
        assert_eq!(select("three"), [5]);
        assert_eq!(select("one"), [3]);
        assert_eq!(calls.get(), 2);
        let derived = |which| {
            store.derived_labels(0, which, |l| {
                calls.set(calls.get() + 1);
                l.filtered(|n| n != METRIC_NAME)
            })
        };
        assert_eq!(derived(0).to_string(), r#"{x="1"}"#);
        assert_eq!(derived(0).to_string(), r#"{x="1"}"#);
        assert_eq!(derived(1).to_string(), r#"{x="1"}"#);
        assert_eq!(calls.get(), 4);
    }

    #[test]
    fn splits_stale_markers() {
        let mut b = StoreBuilder::new();
        let a = b.series_id(lbl(&[("__name__", "a")]));
        b.append(a, 0, 1.0);
        b.append(a, 10, f64::from_bits(STALE_NAN_BITS));
        b.append(a, 20, f64::NAN);
        let s = b.finish().unwrap();
        let s0 = &s.series()[0];
        assert_eq!(&*s0.timestamps, &[0, 20]);
        assert!(s0.values[1].is_nan());
        assert_eq!(&*s0.stale, &[10]);
        assert!(s0.stale_between(0, 10));
        assert!(!s0.stale_between(10, 20));
        assert_eq!(s.series_named("a"), &[0]);
    }
}
