//! Bounded per-thread memo tables: simulations and tuning runs parse the same few queries,
//! conditions and regexes, and strip the names of the same stored series, thousands of
//! times. Declare a table in `thread_local!` and ask it with `get_or_insert`.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::hash::Hash;

use rustc_hash::FxHashMap;

/// One thread's memo table; past `capacity` entries it starts again (a bound for
/// long-lived threads).
pub struct Memo<K, V> {
    capacity: usize,
    map: RefCell<FxHashMap<K, V>>,
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    pub fn new(capacity: usize) -> Self {
        Memo {
            capacity,
            map: RefCell::new(FxHashMap::default()),
        }
    }

    /// The value remembered for `key`; else `make`'s, remembered under `owned()`.
    pub fn get_or_insert<Q>(
        &self,
        key: &Q,
        owned: impl FnOnce() -> K,
        make: impl FnOnce() -> V,
    ) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.read_or_insert(key, owned, make, V::clone)
    }

    /// `read` of the value remembered for `key` (else of `make`'s, remembered under
    /// `owned()`): reads part of a value without cloning all of it.
    pub fn read_or_insert<Q, R>(
        &self,
        key: &Q,
        owned: impl FnOnce() -> K,
        make: impl FnOnce() -> V,
        read: impl FnOnce(&V) -> R,
    ) -> R
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(v) = self.map.borrow().get(key) {
            return read(v);
        }
        let v = make();
        let r = read(&v);
        let mut map = self.map.borrow_mut();
        if map.len() >= self.capacity {
            map.clear();
        }
        map.insert(owned(), v);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_starts_again_past_capacity() {
        let memo: Memo<String, usize> = Memo::new(2);
        let calls = std::cell::Cell::new(0u32);
        let get = |k: &str| {
            let make = || {
                calls.set(calls.get() + 1);
                k.len()
            };
            memo.get_or_insert(k, || k.to_string(), make)
        };
        assert_eq!(get("a"), 1);
        assert_eq!(get("a"), 1);
        assert_eq!(get("bb"), 2);
        assert_eq!(get("ccc"), 3); // full: starts again
        assert_eq!(get("a"), 1);
        assert_eq!(calls.get(), 4);
    }
}
