//! Every structure rule (RS000-RS099) against its fixtures: `fixtures/lint/<name>/flagged.yaml`
//! must give exactly the listed findings (code, line), `clean.yaml` none from any structure
//! rule.

use std::path::{Path, PathBuf};

use rollsim::lint::select::RuleSelection;
use rollsim::lint::{Finding, LintConfig, lint_paths, rules};

/// (rule name, code, lines flagged in `flagged.yaml`).
const CASES: &[(&str, &str, &[u32])] = &[
    ("invalid-manifest", "RS000", &[5]),
    ("unknown-field", "RS001", &[10]),
    ("template-without-metrics", "RS002", &[4]),
    ("duplicate-metric-name", "RS003", &[12, 42]),
    ("count-limit-inconsistent", "RS004", &[9, 17, 25]),
    ("count-without-interval", "RS005", &[8]),
    ("interval-without-unit", "RS006", &[8, 15]),
    ("provider-not-exactly-one", "RS007", &[7]),
    ("indefinite-metric-in-step-analysis", "RS008", &[13]),
    ("unresolved-template-arg", "RS009", &[13, 27]),
    ("empty-arg-value", "RS010", &[8, 31]),
    ("template-not-found", "RS011", &[14]),
    ("dry-run-rule-matches-nothing", "RS012", &[7, 8]),
    ("retention-rule-matches-nothing", "RS013", &[9]),
    ("template-merge-conflict", "RS014", &[13]),
    ("strategy-not-exactly-one", "RS020", &[9, 19]),
    ("step-not-exactly-one-action", "RS021", &[11, 13]),
    ("set-weight-out-of-range", "RS022", &[11, 12]),
    ("pause-duration-invalid", "RS023", &[12, 14]),
    ("starting-step-out-of-range", "RS024", &[13]),
    ("active-service-missing", "RS025", &[10, 22]),
    ("max-surge-and-unavailable-zero", "RS026", &[10]),
    (
        "traffic-routing-option-without-router",
        "RS027",
        &[10, 11, 14],
    ),
    ("canary-service-same-as-stable", "RS028", &[11]),
];

fn fixture(rule: &str, which: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lint")
        .join(rule)
        .join(format!("{which}.yaml"))
}

/// Findings of the structure rules only (the PromQL and hygiene rules have their own tests).
fn lint(path: &Path) -> Vec<Finding> {
    let config = LintConfig {
        selection: RuleSelection {
            select: vec!["RS0".into()],
            ignore: vec![],
        },
        ..LintConfig::default()
    };
    lint_paths(&[path.to_path_buf()], &config)
        .expect("fixture exists")
        .findings
}

#[test]
fn flagged_fixtures_give_exactly_the_expected_findings() {
    for (name, code, lines) in CASES {
        let found: Vec<(&str, u32)> = lint(&fixture(name, "flagged"))
            .iter()
            .map(|f| (f.code, f.line))
            .collect();
        let want: Vec<(&str, u32)> = lines.iter().map(|l| (*code, *l)).collect();
        assert_eq!(found, want, "{name}: flagged.yaml");
    }
}

#[test]
fn clean_fixtures_give_no_structure_finding() {
    for (name, _, _) in CASES {
        let found = lint(&fixture(name, "clean"));
        assert!(found.is_empty(), "{name}: clean.yaml gave {found:#?}");
    }
}

#[test]
fn every_structure_rule_has_fixtures_and_docs() {
    for rule in rules::RULES.iter().filter(|r| r.code() < "RS100") {
        let case = CASES.iter().find(|(n, _, _)| *n == rule.name());
        assert_eq!(
            case.map(|c| c.1),
            Some(rule.code()),
            "{} has no fixture case",
            rule.name()
        );
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(
                rule.docs().contains(section),
                "{}: docs lack {section}",
                rule.code()
            );
        }
    }
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let all = rules::RULES;
    for (i, r) in all.iter().enumerate() {
        assert!(
            r.code().len() == 5 && r.code().starts_with("RS"),
            "{}",
            r.code()
        );
        assert!(
            r.name()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{} is not kebab-case",
            r.name()
        );
        for other in &all[..i] {
            assert_ne!(r.code(), other.code());
            assert_ne!(r.name(), other.name());
        }
        assert_eq!(
            rules::find(r.code()).map(|f| f.name()),
            Some(r.name()),
            "find by code"
        );
        assert_eq!(
            rules::find(r.name()).map(|f| f.code()),
            Some(r.code()),
            "find by name"
        );
    }
}
