//! Vector and matrix selection from the store: matchers, lookback, range windows.
//!
//! Mirrors Prometheus: an instant selector at `t` takes the newest sample in
//! `(t - lookback, t]` (3.x) or `[t - lookback, t]` (2.x), and nothing when that sample is
//! a staleness marker; a range selector `x[d]` at `t` takes the samples in `(t-d, t]` (3.x)
//! or `[t-d, t]` (2.x), staleness markers dropped.

use promql_parser::label::{MatchOp, Matcher, Matchers};
use promql_parser::parser::VectorSelector;
use regex::Regex;
use std::sync::Arc;

use super::Compat;
use crate::memo::Memo;
use crate::model::{Labels, METRIC_NAME, Series, Store};

/// A label matcher with its regex compiled under the chosen Prometheus version's rules.
#[derive(Debug, Clone)]
pub struct CompiledMatcher {
    pub name: String,
    pub value: String,
    pub kind: MatcherKind,
}

#[derive(Debug, Clone)]
pub enum MatcherKind {
    Equal,
    NotEqual,
    Re(Arc<Regex>),
    NotRe(Arc<Regex>),
}

impl CompiledMatcher {
    pub fn compile(m: &Matcher, compat: Compat) -> Result<Self, String> {
        let kind = match &m.op {
            MatchOp::Equal => MatcherKind::Equal,
            MatchOp::NotEqual => MatcherKind::NotEqual,
            MatchOp::Re(_) => MatcherKind::Re(anchored_regex(&m.value, compat)?),
            MatchOp::NotRe(_) => MatcherKind::NotRe(anchored_regex(&m.value, compat)?),
        };
        Ok(CompiledMatcher {
            name: m.name.clone(),
            value: m.value.clone(),
            kind,
        })
    }
    pub fn matches(&self, v: &str) -> bool {
        match &self.kind {
            MatcherKind::Equal => v == self.value,
            MatcherKind::NotEqual => v != self.value,
            MatcherKind::Re(r) => r.is_match(v),
            MatcherKind::NotRe(r) => !r.is_match(v),
        }
    }
}

/// Anchors a PromQL regex: 3.x makes `.` match newlines (`^(?s:re)$`), 2.x does not.
/// Compiled regexes are kept per thread (a simulation evaluates the same few selectors
/// thousands of times). Shared rather than cloned: a `Regex` clone would start with empty
/// search caches.
pub fn anchored_regex(re: &str, compat: Compat) -> Result<Arc<Regex>, String> {
    thread_local! {
        static COMPILED: Memo<(String, bool), Result<Arc<Regex>, String>> = Memo::new(1024);
    }
    let key = (re.to_string(), compat == Compat::V3);
    COMPILED.with(|m| {
        m.get_or_insert(
            &key,
            || key.clone(),
            || {
                let wrapped = match compat {
                    Compat::V3 => format!("^(?s:{re})$"),
                    Compat::V2 => format!("^(?:{re})$"),
                };
                Regex::new(&wrapped)
                    .map(Arc::new)
                    .map_err(|e| format!("invalid regular expression {re:?}: {e}"))
            },
        )
    })
}

/// Selector matchers as alternatives (`{a="1" or b="2"}` has two); each alternative is a
/// conjunction that includes the metric-name matcher.
pub fn compile_selector(
    vs: &VectorSelector,
    compat: Compat,
) -> Result<Vec<Vec<CompiledMatcher>>, String> {
    let mut base: Vec<CompiledMatcher> = Vec::new();
    if let Some(name) = &vs.name {
        base.push(CompiledMatcher {
            name: METRIC_NAME.into(),
            value: name.clone(),
            kind: MatcherKind::Equal,
        });
    }
    let mut alts = Vec::new();
    if vs.matchers.or_matchers.is_empty() {
        let mut all = base.clone();
        for m in &vs.matchers.matchers {
            all.push(CompiledMatcher::compile(m, compat)?);
        }
        alts.push(all);
    } else {
        for group in &vs.matchers.or_matchers {
            let mut all = base.clone();
            for m in group {
                all.push(CompiledMatcher::compile(m, compat)?);
            }
            alts.push(all);
        }
    }
    Ok(alts)
}

/// Whether `labels` satisfy every matcher of one alternative (a missing label is "").
pub fn matches_all(alt: &[CompiledMatcher], labels: &Labels) -> bool {
    alt.iter()
        .all(|m| m.matches(labels.get(&m.name).unwrap_or("")))
}

/// What a remembered selection is keyed by: the selector's name and matchers.
struct SelectionKey {
    compat: Compat,
    name: Option<String>,
    matchers: Matchers,
}

/// The store's series a selector matches, as the store remembers them.
#[derive(Debug)]
pub struct Selected {
    /// Their ids, in store order.
    pub ids: Vec<u32>,
    /// They all carry the same name labels (`Compat::is_name_label`), so they stay
    /// distinct when those are dropped.
    pub same_name_labels: bool,
}

/// The store's series `vs` matches; the store remembers them, so a selector evaluated at
/// many instants (or by many measurements) matches once per store.
pub fn selected(
    store: &Store,
    vs: &VectorSelector,
    compat: Compat,
) -> Result<Arc<Selected>, String> {
    store.selection(
        |k: &SelectionKey| k.compat == compat && k.name == vs.name && k.matchers == vs.matchers,
        || SelectionKey {
            compat,
            name: vs.name.clone(),
            matchers: vs.matchers.clone(),
        },
        || {
            let ids = select_series(store, &compile_selector(vs, compat)?);
            let names = |id: &u32| {
                store.series()[*id as usize]
                    .labels
                    .iter()
                    .filter(|l| compat.is_name_label(&l.name))
            };
            let same_name_labels = ids
                .first()
                .is_none_or(|first| ids[1..].iter().all(|id| names(id).eq(names(first))));
            Ok(Selected {
                ids,
                same_name_labels,
            })
        },
    )
}

/// Ids of the store's series matched by any alternative, in store order.
pub fn select_series(store: &Store, alts: &[Vec<CompiledMatcher>]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for alt in alts {
        let by_name = alt
            .iter()
            .find(|m| m.name == METRIC_NAME && matches!(m.kind, MatcherKind::Equal))
            .map(|m| m.value.as_str());
        // Series found by name need not check the name again.
        let is_name = |m: &CompiledMatcher| {
            by_name == Some(m.value.as_str())
                && m.name == METRIC_NAME
                && matches!(m.kind, MatcherKind::Equal)
        };
        let matches = |s: &Series| {
            alt.iter()
                .filter(|m| !is_name(m))
                .all(|m| m.matches(s.labels.get(&m.name).unwrap_or("")))
        };
        match by_name {
            Some(name) => out.extend(
                store
                    .series_named(name)
                    .iter()
                    .copied()
                    .filter(|&i| matches(&store.series()[i as usize])),
            ),
            None => out.extend(
                (0..store.series().len() as u32).filter(|&i| matches(&store.series()[i as usize])),
            ),
        }
    }
    if alts.len() > 1 {
        out.sort_unstable();
        out.dedup();
    }
    out
}

/// Index range `[lo, hi)` of the samples of `ts` inside the window ending at `end`:
/// `(end - range, end]` (3.x) or `[end - range, end]` (2.x).
#[inline]
pub fn window(ts: &[i64], end: i64, range: i64, compat: Compat) -> (usize, usize) {
    let hi = ts.partition_point(|&t| t <= end);
    let start = end - range;
    let lo = match compat {
        Compat::V3 => ts[..hi].partition_point(|&t| t <= start),
        Compat::V2 => ts[..hi].partition_point(|&t| t < start),
    };
    (lo, hi)
}

/// Moves a window forward to end at `end` (ends must not decrease between calls); amortised
/// O(1) per step when steps advance monotonically.
#[inline]
pub fn slide(ts: &[i64], lo: &mut usize, hi: &mut usize, end: i64, range: i64, compat: Compat) {
    if (*hi > 0 && ts[*hi - 1] > end) || *lo > *hi {
        let (l, h) = window(ts, end, range, compat);
        *lo = l;
        *hi = h;
        return;
    }
    while *hi < ts.len() && ts[*hi] <= end {
        *hi += 1;
    }
    let start = end - range;
    match compat {
        Compat::V3 => {
            while *lo < *hi && ts[*lo] <= start {
                *lo += 1
            }
        }
        Compat::V2 => {
            while *lo < *hi && ts[*lo] < start {
                *lo += 1
            }
        }
    }
}

/// The newest non-stale sample of `s` visible at `t` with the given lookback, as its index.
#[inline]
pub fn lookback_sample(s: &Series, t: i64, lookback: i64, compat: Compat) -> Option<usize> {
    let i = s.last_at_or_before(t)?;
    let ts = s.timestamps[i];
    let visible = match compat {
        Compat::V3 => ts > t - lookback,
        Compat::V2 => ts >= t - lookback,
    };
    if !visible || s.stale_between(ts, t) {
        return None;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_left_open_in_v3_and_closed_in_v2() {
        let ts = [0, 60_000, 120_000, 180_000, 240_000, 300_000];
        assert_eq!(window(&ts, 300_000, 300_000, Compat::V3), (1, 6));
        assert_eq!(window(&ts, 300_000, 300_000, Compat::V2), (0, 6));
        assert_eq!(window(&ts, 30_000, 60_000, Compat::V3), (0, 1));
    }

    #[test]
    fn slide_matches_window() {
        let ts: Vec<i64> = (0..100).map(|i| i * 15_000).collect();
        for compat in [Compat::V2, Compat::V3] {
            let (mut lo, mut hi) = (0, 0);
            for end in (0..1_600_000).step_by(7_000) {
                slide(&ts, &mut lo, &mut hi, end, 300_000, compat);
                assert_eq!((lo, hi), window(&ts, end, 300_000, compat), "end {end}");
            }
        }
    }
}
