//! Every lint rule runs over the 74 public manifests in `../shared/real-world` without a
//! panic (each repository's files linted together, Helm templates skipped), with and without
//! recorded data; prints the findings per rule as a sanity check against silence and noise.

use std::collections::BTreeMap;

use rollsim::lint::rules::RULES;
use rollsim::lint::{LintContext, LintOptions};
use rollsim::manifest::{LoadOptions, Manifests, UnknownFields, load_file_with};
use rollsim::model::{Labels, StoreBuilder};

mod common;

#[test]
fn every_rule_runs_over_the_real_world_corpus() {
    let Some(repos) = common::real_world_repos() else {
        return;
    };
    let options = LintOptions::default();
    let load = LoadOptions {
        unknown_fields: UnknownFields::Warn,
    };
    let mut b = StoreBuilder::new();
    let id = b.series_id(Labels::from_pairs([
        ("__name__", "http_requests_total"),
        ("job", "api"),
    ]));
    for i in 0..60 {
        b.append(id, i * 60_000, (i * 100) as f64);
    }
    let store = b.finish().unwrap();
    let (mut files, mut skipped) = (0, 0);
    let mut counts: BTreeMap<String, usize> = RULES
        .iter()
        .map(|r| (format!("{} {}", r.code(), r.name()), 0))
        .collect();
    for paths in repos.values() {
        let mut manifests = Manifests::default();
        let mut sources = Vec::new();
        for p in paths {
            match load_file_with(p, load) {
                Ok(m) => {
                    files += 1;
                    manifests.extend(m);
                    sources.push((p.display().to_string(), std::fs::read_to_string(p).unwrap()));
                }
                Err(_) => skipped += 1,
            }
        }
        for data in [None, Some(&store)] {
            let cx = LintContext {
                manifests: &manifests,
                sources: &sources,
                options: &options,
                data,
            };
            for rule in RULES {
                // Count each rule once: `--data` rules with data, the others without.
                if data.is_some() != rule.code().starts_with("RS14") {
                    continue;
                }
                let mut out = Vec::new();
                rule.check(&cx, &mut out);
                for f in &out {
                    assert!(f.line > 0, "{} reported line 0: {f:?}", rule.code());
                }
                let seen = counts[&format!("{} {}", rule.code(), rule.name())];
                for f in out.iter().take(2usize.saturating_sub(seen)) {
                    println!(
                        "{}:{}:{}: {} {}",
                        f.file.rsplit('/').next().unwrap_or(""),
                        f.line,
                        f.column,
                        f.code,
                        f.message
                    );
                }
                *counts
                    .get_mut(&format!("{} {}", rule.code(), rule.name()))
                    .unwrap() += out.len();
            }
        }
    }
    println!("linted {files} files ({skipped} skipped: Helm templates or invalid YAML)");
    for (rule, n) in &counts {
        println!("{n:5}  {rule}");
    }
    assert_eq!(files + skipped, 74);
    assert!(files >= 60, "only {files} files loaded");
}
