//! Helpers shared by integration tests: where `../shared` is, and loud skips that turn into
//! failures in CI (`.ci/run` sets `ROLLSIM_REQUIRE_SHARED=1` and `ROLLSIM_REQUIRE_PROMETHEUS=1`).

#![allow(dead_code)] // each test binary uses a subset

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a skipped test needed.
#[derive(Clone, Copy)]
pub enum Needs {
    /// `../shared` (the corpus and the benchmark kit).
    Shared,
    /// `prometheus`/`promtool` (and python3) on PATH.
    Prometheus,
}

/// The `../shared` folder beside the repository, or `$ROLLSIM_SHARED`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("ROLLSIM_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// Writes straight to the stderr handle: libtest captures `eprintln!` of passing tests, and
/// what was checked must be seen in CI logs.
pub fn note(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// Whether `tool` is a file in a `PATH` folder.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()))
}

/// Reports a skipped test loudly on stderr, or fails it when CI requires what is missing.
pub fn skip(needs: Needs, reason: &str) {
    let var = match needs {
        Needs::Shared => "ROLLSIM_REQUIRE_SHARED",
        Needs::Prometheus => "ROLLSIM_REQUIRE_PROMETHEUS",
    };
    assert!(
        std::env::var(var).map_or(true, |v| v != "1"),
        "{reason} (and {var}=1 forbids skipping)"
    );
    // Written to the stderr handle directly: libtest captures `eprintln!`, not this.
    let _ = writeln!(
        std::io::stderr(),
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: {reason}\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
}

/// The public manifests of `../shared/real-world/files`, grouped by repository (files are
/// named `owner__repo__path`), or `None` after a loud skip when the folder is missing.
pub fn real_world_repos() -> Option<BTreeMap<String, Vec<PathBuf>>> {
    let dir = shared_dir().join("real-world/files");
    if !dir.is_dir() {
        skip(Needs::Shared, &format!("{} not found", dir.display()));
        return None;
    }
    let mut repos: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for e in std::fs::read_dir(&dir).expect("the real-world folder is readable") {
        let p = e.expect("a readable directory entry").path();
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let repo = name.splitn(3, "__").take(2).collect::<Vec<_>>().join("__");
        repos.entry(repo).or_default().push(p);
    }
    for files in repos.values_mut() {
        files.sort();
    }
    Some(repos)
}

/// Runs the `rollsim` binary in the repository root.
pub fn rollsim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rollsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the rollsim binary runs")
}

/// Output bytes as text, for messages and `contains` checks.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs a command that must succeed; its output, or a panic with its stdout and stderr.
pub fn run_ok(cmd: &mut std::process::Command) -> std::process::Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
