//! A runner for Prometheus's promqltest `.test` scripts (`load`/`clear`/`eval`), used as the
//! conformance suite of the PromQL engine.
//!
//! `parse` turns a file into `Command`s, `run` executes them against a fresh store per file
//! (and after each `clear`), `compare` checks results the way Prometheus's runner does,
//! `classify` decides skips and the NH-free/flag-free class, and `report` aggregates outcomes.
//! Nothing here prints; callers print the returned reports.
//!
//! ```no_run
//! use std::path::Path;
//! use rollsim::promqltest::{RunOptions, run_corpus};
//!
//! let report = run_corpus(Path::new("../shared/promqltest/upstream"), &RunOptions::v3());
//! println!("{report}"); // per-file counts, totals, NH-free/flag-free pass rate, skip reasons
//! let mut failures = String::new();
//! report.write_failures(&mut failures, Some(20)).unwrap(); // `file:line: expr: reason`
//! assert!(report.counts().passed > 0);
//! ```
//!
//! Outcomes: `Pass`, `Fail(reason)`, or `Skip(reason)` only for native histograms, start
//! timestamps, flag-gated syntax (`anchored`, `smoothed`, `fill*()`) and expressions the
//! `promql-parser` crate cannot parse (an expected failure that does not parse is a pass).

pub mod classify;
pub mod compare;
pub mod parse;
pub mod parse_expect;
pub mod range_mode;
pub mod report;
pub mod run;
pub mod state;

pub use parse::{Command, EvalCmd, EvalKind, Expectations, TextMatch, parse_test_file};
pub use report::{CorpusReport, EvalRecord, FileReport, Outcome};
pub use run::{RunOptions, run_corpus, run_file, run_source};

#[cfg(test)]
mod compare_tests;
#[cfg(test)]
mod parse_tests;
