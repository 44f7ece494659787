//! Runs Prometheus `.test` scripts: `cargo run --example promqltest -- [--compat 2|3]
//! [--core] [--skips] DIR_OR_FILE...`. Prints per-file counts, then each failure (and, with
//! `--skips`, each skip) as `file:line: expr: reason`; `--core` limits the list to the
//! native-histogram-free, flag-free evals.

use std::path::Path;

use rollsim::promqltest::{Outcome, RunOptions, run_corpus, run_file};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = RunOptions::v3();
    let (mut core, mut skips) = (false, false);
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--compat" => {
                if it.next().map(String::as_str) == Some("2") {
                    opts = RunOptions::v2();
                }
            }
            "--core" => core = true,
            "--skips" => skips = true,
            p => paths.push(p.to_string()),
        }
    }
    for p in &paths {
        let path = Path::new(p);
        let reports = if path.is_dir() {
            run_corpus(path, &opts).files
        } else {
            vec![run_file(path, &opts)]
        };
        for f in &reports {
            println!("{}: {}", f.name(), f.counts());
            for e in &f.evals {
                if core && !e.is_core() {
                    continue;
                }
                match &e.outcome {
                    Outcome::Fail(r) => {
                        println!("  FAIL {}:{}: {}: {}", f.name(), e.line, e.expr, r)
                    }
                    Outcome::Skip(r) if skips => {
                        println!("  SKIP {}:{}: {}: {}", f.name(), e.line, e.expr, r)
                    }
                    _ => {}
                }
            }
        }
    }
}
