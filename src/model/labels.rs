//! Label sets: sorted, immutable name/value pairs with shared (`Arc<str>`) strings.
//!
//! Strings are interned by `StoreBuilder` at ingestion, so every series naming
//! `http_requests_total` shares one allocation. A `Labels` is sorted by name and holds
//! `__name__` like any other label, as in Prometheus.

use std::fmt;
use std::sync::Arc;

/// The label that holds the metric name.
pub const METRIC_NAME: &str = "__name__";

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label {
    pub name: Arc<str>,
    pub value: Arc<str>,
}

/// A label set sorted by name; no empty values, no duplicate names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Labels(Arc<[Label]>);

impl Labels {
    pub fn empty() -> Self {
        Labels(Arc::from(Vec::new()))
    }

    /// Builds from pairs in any order; empty values are dropped (Prometheus semantics), a
    /// repeated name keeps the last value.
    pub fn from_pairs<N: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        let mut b = LabelsBuilder::new();
        for (n, v) in pairs {
            b.set(Arc::from(n.as_ref()), Arc::from(v.as_ref()));
        }
        b.build()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Label> {
        self.0.iter()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, name: &str) -> Option<&str> {
        self.label(name).map(|l| &*l.value)
    }
    /// The label named `name`. Label sets are small: a scan that compares lengths first
    /// calls `memcmp` about once, where a binary search calls it at every probe.
    pub fn label(&self, name: &str) -> Option<&Label> {
        if self.0.len() <= 16 {
            return self
                .0
                .iter()
                .find(|l| l.name.len() == name.len() && *l.name == *name);
        }
        self.0
            .binary_search_by(|l| (*l.name).cmp(name))
            .ok()
            .map(|i| &self.0[i])
    }
    /// The metric name (`__name__`), if any.
    pub fn metric_name(&self) -> Option<&str> {
        self.get(METRIC_NAME)
    }
    pub fn builder(&self) -> LabelsBuilder {
        LabelsBuilder {
            labels: self.0.to_vec(),
        }
    }
    /// Identifies this label set's shared storage: equal for clones, distinct for live sets
    /// built apart (a cache that keeps a clone may key by it).
    pub fn storage_id(&self) -> usize {
        Arc::as_ptr(&self.0) as *const Label as usize
    }

    /// The labels whose names `keep` accepts (still sorted: no builder, no sort).
    pub fn filtered(&self, mut keep: impl FnMut(&str) -> bool) -> Labels {
        if self.0.iter().all(|l| keep(&l.name)) {
            return self.clone();
        }
        Labels(self.0.iter().filter(|l| keep(&l.name)).cloned().collect())
    }
    pub fn without_metric_name(&self) -> Labels {
        if self.get(METRIC_NAME).is_none() {
            return self.clone();
        }
        let mut b = self.builder();
        b.remove(METRIC_NAME);
        b.build()
    }
}

impl<'a> IntoIterator for &'a Labels {
    type Item = &'a Label;
    type IntoIter = std::slice::Iter<'a, Label>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Mutable staging area for a label set.
#[derive(Debug, Clone, Default)]
pub struct LabelsBuilder {
    labels: Vec<Label>,
}

impl LabelsBuilder {
    pub fn new() -> Self {
        LabelsBuilder::default()
    }
    /// Sets `name` to `value`; an empty value removes the label.
    pub fn set(&mut self, name: Arc<str>, value: Arc<str>) -> &mut Self {
        match self.labels.iter().position(|l| l.name == name) {
            Some(i) if value.is_empty() => {
                self.labels.remove(i);
            }
            Some(i) => self.labels[i].value = value,
            None if value.is_empty() => {}
            None => self.labels.push(Label { name, value }),
        }
        self
    }
    pub fn set_str(&mut self, name: &str, value: &str) -> &mut Self {
        self.set(Arc::from(name), Arc::from(value))
    }
    pub fn remove(&mut self, name: &str) -> &mut Self {
        self.labels.retain(|l| &*l.name != name);
        self
    }
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) -> &mut Self {
        self.labels.retain(|l| keep(&l.name));
        self
    }
    pub fn get(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|l| &*l.name == name)
            .map(|l| &*l.value)
    }
    pub fn build(mut self) -> Labels {
        self.labels.sort_by(|a, b| a.name.cmp(&b.name));
        Labels(Arc::from(self.labels))
    }
}

/// Writes `s` as a Go-quoted string (`"a\"b\n"`), the form Prometheus prints label values in.
pub fn write_go_quoted(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            c if (c as u32) < 0x20 || c as u32 == 0x7f => write!(f, "\\x{:02x}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

impl fmt::Display for Labels {
    /// `name{a="1", b="2"}` as Prometheus prints a series (`{}` when empty).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.metric_name();
        if let Some(n) = name {
            f.write_str(n)?;
        }
        let rest: Vec<&Label> = self.iter().filter(|l| &*l.name != METRIC_NAME).collect();
        if name.is_some() && rest.is_empty() {
            return Ok(());
        }
        f.write_str("{")?;
        for (i, l) in rest.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}=", l.name)?;
            write_go_quoted(f, &l.value)?;
        }
        f.write_str("}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_drops_empty_values() {
        let l = Labels::from_pairs([("b", "2"), ("__name__", "up"), ("a", "1"), ("c", "")]);
        let names: Vec<&str> = l.iter().map(|l| &*l.name).collect();
        assert_eq!(names, ["__name__", "a", "b"]);
        assert_eq!(l.get("a"), Some("1"));
        assert_eq!(l.get("c"), None);
        assert_eq!(l.to_string(), r#"up{a="1", b="2"}"#);
    }

    #[test]
    fn displays_without_name_and_escapes() {
        let l = Labels::from_pairs([("a", "x\"y\n")]);
        assert_eq!(l.to_string(), r#"{a="x\"y\n"}"#);
        assert_eq!(Labels::empty().to_string(), "{}");
        assert_eq!(Labels::from_pairs([("__name__", "up")]).to_string(), "up");
    }
}
