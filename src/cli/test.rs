//! `rollsim test PATH...`: runs every scenario's `expect:` block; prints one line per
//! scenario and `N passed, M failed`; `--junit FILE` writes JUnit XML for CI.
//!
//! Exit 0 when all pass, 1 when an expectation fails, 2 when a scenario cannot be used.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::simulate::{parse_args, replay_or_error, scenario_input};
use super::{CliError, Exit};
use crate::model::Duration;
use crate::replay::expect::{check, check_impact, result_name};
use crate::scenario;

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Scenario files, or folders searched for `*.yaml` / `*.yml` scenarios
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write a JUnit XML report here
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Argument value for every scenario, NAME=VALUE (repeatable)
    #[arg(long = "arg", value_name = "NAME=VALUE")]
    pub args: Vec<String>,
}

/// One scenario's verdict.
enum Verdict {
    Pass(String),
    Fail(Vec<String>),
    /// The scenario could not be used (exit 2).
    Invalid(String),
}

pub fn run(args: &TestArgs) -> Result<Exit, CliError> {
    let overrides = parse_args(&args.args)?;
    let files = scenario_files(&args.paths)?;
    let mut out = io::stdout().lock();
    let mut suite = TestSuite::new("rollsim scenarios");
    let (mut passed, mut failed, mut invalid) = (0, 0, 0);
    for file in &files {
        let started = Instant::now();
        let verdict = run_one(file, &overrides);
        let name = file.display().to_string();
        let status = match &verdict {
            Verdict::Pass(summary) => {
                passed += 1;
                writeln!(out, "PASS {name}: {summary}")?;
                TestCaseStatus::success()
            }
            Verdict::Fail(reasons) => {
                failed += 1;
                writeln!(out, "FAIL {name}")?;
                for r in reasons {
                    writeln!(out, "     {r}")?;
                }
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(reasons.join("; "));
                s
            }
            Verdict::Invalid(e) => {
                invalid += 1;
                writeln!(out, "ERROR {name}: {e}")?;
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message(e.clone());
                s
            }
        };
        let mut case = TestCase::new(name, status);
        case.set_time(started.elapsed());
        suite.add_test_case(case);
    }
    writeln!(out, "{passed} passed, {} failed", failed + invalid)?;
    if let Some(path) = &args.junit {
        write_junit(path, suite)?;
    }
    Ok(match (invalid, failed) {
        (0, 0) => Exit::Success,
        (0, _) => Exit::PolicyFailure,
        _ => Exit::InputRejected,
    })
}

fn run_one(file: &Path, overrides: &[(String, String)]) -> Verdict {
    let s = match scenario::load(file) {
        Ok(s) => s,
        Err(e) => return Verdict::Invalid(e.to_string()),
    };
    let Some(expect) = &s.expect else {
        return Verdict::Invalid("the scenario has no `expect:` block".into());
    };
    let replay = match scenario_input(&s, overrides).and_then(|input| replay_or_error(&input)) {
        Ok(r) => r,
        Err(e) => return Verdict::Invalid(e.to_string()),
    };
    let o = &replay.simulation.outcome;
    let checked = check(expect, &replay.simulation).map(|mut f| {
        f.extend(check_impact(expect, replay.impact.as_ref()));
        f
    });
    match checked {
        Err(e) => Verdict::Invalid(e),
        Ok(failures) if failures.is_empty() => Verdict::Pass(format!(
            "{} at +{}",
            result_name(o.result),
            Duration::from_millis(o.at)
        )),
        Ok(failures) => Verdict::Fail(failures),
    }
}

/// The scenario files named by `paths`; folders are searched recursively, sorted by path.
fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            collect(p, &mut files).map_err(|e| CliError::Input(format!("{}: {e}", p.display())))?;
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(CliError::Input(format!(
                "{}: no such file or folder",
                p.display()
            )));
        }
    }
    Ok(files)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, files)?;
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(p);
        }
    }
    Ok(())
}

fn write_junit(path: &Path, suite: TestSuite) -> Result<(), CliError> {
    let mut report = Report::new("rollsim test");
    report.add_test_suite(suite);
    let xml = report
        .to_string()
        .map_err(|e| CliError::Input(format!("cannot write JUnit XML: {e}")))?;
    std::fs::write(path, xml).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}
