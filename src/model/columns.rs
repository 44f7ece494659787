//! Timestamp columns shared while series are being built, so that series scraped together
//! hold one copy of their timestamps from the first sample on.
//!
//! Depends on std only. A group is a growable column; a series refers to a prefix of one.
//! A series appending the group's next timestamp just lengthens its prefix (O(1)); the
//! series at the group's end pushes a new timestamp; a series whose next timestamp differs
//! moves to a fork of the group (created once per divergence point and shared by every
//! series diverging the same way). Appends therefore cost O(1) however the input
//! interleaves series, and memory holds one timestamp per distinct column entry.

use rustc_hash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The timestamp column of a series under construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TsColumn {
    Empty,
    /// The first `len` timestamps of group `g`.
    Group {
        g: u32,
        len: usize,
    },
    /// A private column (after an out-of-order sample; `finish` sorts it).
    Owned(Vec<i64>),
}

/// Growable shared columns; group columns are strictly increasing.
#[derive(Debug, Clone, Default)]
pub struct ColumnGroups {
    groups: Vec<Vec<i64>>,
    /// `(group, position, timestamp)` -> the group continuing `group[..position]` with it.
    forks: HashMap<(u32, usize, i64), u32>,
    /// First timestamp -> the group new series starting there join.
    roots: HashMap<i64, u32>,
}

impl ColumnGroups {
    pub fn slice<'a>(&'a self, col: &'a TsColumn) -> &'a [i64] {
        match col {
            TsColumn::Empty => &[],
            TsColumn::Group { g, len } => &self.groups[*g as usize][..*len],
            TsColumn::Owned(v) => v,
        }
    }

    /// How many timestamps the column's group holds beyond the column (a hint for
    /// reserving the value column), 0 when not in a group.
    pub fn remaining(&self, col: &TsColumn) -> usize {
        match col {
            TsColumn::Group { g, len } => self.groups[*g as usize].len() - len,
            _ => 0,
        }
    }

    /// Appends `t`, which must be greater than the column's last timestamp.
    pub fn push(&mut self, col: &mut TsColumn, t: i64) {
        match col {
            TsColumn::Owned(v) => v.push(t),
            TsColumn::Empty => {
                let g = match self.roots.get(&t) {
                    Some(&g) => g,
                    None => {
                        let g = self.new_group(vec![t]);
                        self.roots.insert(t, g);
                        g
                    }
                };
                *col = TsColumn::Group { g, len: 1 };
            }
            TsColumn::Group { g, len } => {
                let column = &mut self.groups[*g as usize];
                if column.len() > *len && column[*len] == t {
                    *len += 1;
                } else if column.len() == *len {
                    column.push(t);
                    *len += 1;
                } else {
                    let key = (*g, *len, t);
                    let fork = match self.forks.get(&key) {
                        Some(&f) => f,
                        None => {
                            let mut v = Vec::with_capacity(*len + 1);
                            v.extend_from_slice(&column[..*len]);
                            v.push(t);
                            let f = self.new_group(v);
                            self.forks.insert(key, f);
                            f
                        }
                    };
                    *col = TsColumn::Group {
                        g: fork,
                        len: *len + 1,
                    };
                }
            }
        }
    }

    /// Makes the column private (before an out-of-order append).
    pub fn to_owned(&self, col: &mut TsColumn) {
        if !matches!(col, TsColumn::Owned(_)) {
            *col = TsColumn::Owned(self.slice(col).to_vec());
        }
    }

    fn new_group(&mut self, v: Vec<i64>) -> u32 {
        self.groups.push(v);
        (self.groups.len() - 1) as u32
    }

    /// Freezes columns into shared slices: one `Arc` per distinct content.
    pub fn freezer(&self) -> Freezer<'_> {
        Freezer {
            groups: self,
            by_prefix: HashMap::default(),
            by_content: HashMap::default(),
        }
    }
}

/// Turns columns into `Arc<[i64]>`s, sharing equal ones.
pub struct Freezer<'a> {
    groups: &'a ColumnGroups,
    by_prefix: HashMap<(u32, usize), Arc<[i64]>>,
    by_content: HashMap<u64, Vec<Arc<[i64]>>>,
}

impl Freezer<'_> {
    pub fn freeze(&mut self, col: &TsColumn) -> Arc<[i64]> {
        if let TsColumn::Group { g, len } = col
            && let Some(a) = self.by_prefix.get(&(*g, *len))
        {
            return a.clone();
        }
        let slice = self.groups.slice(col);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        slice.hash(&mut h);
        let bucket = self.by_content.entry(h.finish()).or_default();
        let shared = match bucket.iter().find(|c| ***c == *slice) {
            Some(c) => c.clone(),
            None => {
                let c: Arc<[i64]> = Arc::from(slice);
                bucket.push(c.clone());
                c
            }
        };
        if let TsColumn::Group { g, len } = col {
            self.by_prefix.insert((*g, *len), shared.clone());
        }
        shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaved_series_share_one_group_and_fork_once() {
        let mut cg = ColumnGroups::default();
        let (mut a, mut b, mut c) = (TsColumn::Empty, TsColumn::Empty, TsColumn::Empty);
        for t in [0, 15, 30] {
            cg.push(&mut a, t);
            cg.push(&mut b, t);
        }
        assert_eq!(a, TsColumn::Group { g: 0, len: 3 });
        assert_eq!(a, b);
        // b and c skip 45 the same way: one fork, shared.
        cg.push(&mut a, 45);
        cg.push(&mut b, 60);
        for t in [0, 15, 30, 60] {
            cg.push(&mut c, t);
        }
        assert_eq!(b, c);
        assert_eq!(cg.slice(&c), &[0, 15, 30, 60]);
        assert_eq!(cg.slice(&a), &[0, 15, 30, 45]);
        assert_eq!(cg.groups.len(), 2);
        let mut d = a.clone();
        cg.to_owned(&mut d);
        cg.push(&mut d, 50);
        assert_eq!(cg.slice(&d), &[0, 15, 30, 45, 50]);
        assert_eq!(
            cg.slice(&a),
            &[0, 15, 30, 45],
            "a private copy leaves the group alone"
        );
        let mut f = cg.freezer();
        let (fb, fc) = (f.freeze(&b), f.freeze(&c));
        assert!(Arc::ptr_eq(&fb, &fc));
        let e = TsColumn::Owned(vec![0, 15, 30, 60]);
        assert!(Arc::ptr_eq(&f.freeze(&e), &fb), "equal content is shared");
    }
}
