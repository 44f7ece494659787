//! Test support: runs one rule over a fixture under `fixtures/lint/` and returns its findings.

use crate::lint::{Finding, LintContext, LintOptions, Rule};
use crate::manifest::{LoadOptions, UnknownFields, load_file_with};
use crate::model::Store;
use std::path::PathBuf;

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lint")
        .join(rel)
}

/// Findings of `rule` on `fixtures/lint/<rel>`, with optional recorded data.
pub fn run_with(rule: &dyn Rule, rel: &str, data: Option<&Store>) -> Vec<Finding> {
    let path = fixture(rel);
    let manifests = load_file_with(
        &path,
        LoadOptions {
            unknown_fields: UnknownFields::Warn,
        },
    )
    .expect("fixture loads");
    let text = std::fs::read_to_string(&path).expect("fixture reads");
    let sources = vec![(path.display().to_string(), text)];
    let options = LintOptions::default();
    let cx = LintContext {
        manifests: &manifests,
        sources: &sources,
        options: &options,
        data,
    };
    let mut out = Vec::new();
    rule.check(&cx, &mut out);
    out
}

/// (line, column) of each finding of `rule` on a fixture.
pub fn lines(rule: &dyn Rule, rel: &str) -> Vec<(u32, u32)> {
    run_with(rule, rel, None)
        .iter()
        .map(|f| (f.line, f.column))
        .collect()
}

/// (line, column) of each finding of `rule` on a fixture, with recorded data.
pub fn lines_with(rule: &dyn Rule, rel: &str, store: &Store) -> Vec<(u32, u32)> {
    run_with(rule, rel, Some(store))
        .iter()
        .map(|f| (f.line, f.column))
        .collect()
}

/// A small recording, one sample every 15s for 30 minutes from t=0: `requests_total` and
/// `errors_total` counters on `job="api"` (requests stop in the last 10 minutes, errors grow
/// at 1% of requests).
pub fn recording() -> Store {
    use crate::model::{Labels, StoreBuilder};
    let mut b = StoreBuilder::new();
    let req = b.series_id(Labels::from_pairs([
        ("__name__", "requests_total"),
        ("job", "api"),
    ]));
    let err = b.series_id(Labels::from_pairs([
        ("__name__", "errors_total"),
        ("job", "api"),
    ]));
    let (mut r, mut e) = (0.0, 0.0);
    for i in 0..=120 {
        let t = i * 15_000;
        if i <= 80 {
            r += 100.0;
            e += 1.0;
        }
        b.append(req, t, r);
        b.append(err, t, e);
    }
    b.finish().expect("valid recording")
}

/// The PromQL, condition, hygiene, truth-table and `--data` rules (codes RS100 and up).
fn my_rules() -> Vec<&'static dyn Rule> {
    crate::lint::rules::RULES
        .iter()
        .copied()
        .filter(|r| r.code()[2..].parse::<u32>().is_ok_and(|n| n >= 100))
        .collect()
}

#[test]
fn every_rule_has_a_code_a_pattern_name_docs_and_fixtures() {
    let rules = my_rules();
    assert_eq!(rules.len(), 23);
    let store = recording();
    for r in rules {
        let name = r.name();
        assert!(
            name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && !name.starts_with("no-")
                && !name.starts_with("avoid-"),
            "{name}"
        );
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(r.docs().contains(section), "{name} docs lack {section}");
        }
        assert_eq!(
            crate::lint::rules::find(r.code()).map(|f| f.name()),
            Some(name)
        );
        let flagged = run_with(r, &format!("{name}/flagged.yaml"), Some(&store));
        assert!(!flagged.is_empty(), "{name}: flagged fixture not flagged");
        assert!(
            flagged
                .iter()
                .all(|f| f.code == r.code() && f.severity == r.default_severity())
        );
        let clean = run_with(r, &format!("{name}/clean.yaml"), Some(&store));
        assert!(clean.is_empty(), "{name}: clean fixture flagged: {clean:?}");
    }
}

#[test]
fn every_rule_survives_odd_input() {
    let store = recording();
    let empty = crate::model::StoreBuilder::new()
        .finish()
        .expect("empty store");
    for r in my_rules() {
        for data in [None, Some(&store), Some(&empty)] {
            let found = run_with(r, "robustness.yaml", data);
            assert!(found.iter().all(|f| f.line > 0), "{}: {found:?}", r.code());
        }
    }
}
