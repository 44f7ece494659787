//! Outcomes per eval, per file and per corpus, with `Display` summaries.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The result of one eval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail(String),
    /// Not run, with the reason (native histograms, start timestamps, flag-gated syntax,
    /// syntax the parser crate cannot read).
    Skip(String),
}

/// One eval and how it went.
#[derive(Debug, Clone)]
pub struct EvalRecord {
    pub line: usize,
    pub expr: String,
    pub outcome: Outcome,
    /// Needs native histograms (a `{{` in the expectation, or a selector reaching histogram series).
    pub native_histograms: bool,
    /// Calls an experimental function or aggregation.
    pub experimental: bool,
    /// Uses `anchored`/`smoothed`/`fill*()`.
    pub flag_gated: bool,
}

impl EvalRecord {
    /// In INVENTORY.md's "native-histogram-free and no flag-gated syntax" set.
    pub fn is_core(&self) -> bool {
        !self.native_histograms && !self.experimental && !self.flag_gated
    }
}

/// Counts of outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Counts {
    pub fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail(_) => self.failed += 1,
            Outcome::Skip(_) => self.skipped += 1,
        }
    }
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.skipped
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// All evals of one file plus file-level problems (unparsable blocks, bad load lines).
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub path: PathBuf,
    pub evals: Vec<EvalRecord>,
    pub errors: Vec<String>,
}

impl FileReport {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        self.evals.iter().for_each(|e| c.add(&e.outcome));
        c
    }
    /// Counts over the NH-free, flag-free evals only.
    pub fn core_counts(&self) -> Counts {
        let mut c = Counts::default();
        self.evals
            .iter()
            .filter(|e| e.is_core())
            .for_each(|e| c.add(&e.outcome));
        c
    }
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }
    /// `file:line: expr: reason` for every failure.
    pub fn failures(&self) -> impl Iterator<Item = String> + '_ {
        self.evals.iter().filter_map(move |e| match &e.outcome {
            Outcome::Fail(r) => Some(format!("{}:{}: {}: {r}", self.name(), e.line, e.expr)),
            _ => None,
        })
    }
}

impl fmt::Display for FileReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name(), self.counts())?;
        if !self.errors.is_empty() {
            write!(f, ", {} file errors", self.errors.len())?;
        }
        Ok(())
    }
}

/// All files of one corpus directory.
#[derive(Debug, Clone, Default)]
pub struct CorpusReport {
    pub dir: PathBuf,
    pub files: Vec<FileReport>,
    /// Problems reading the directory itself.
    pub errors: Vec<String>,
}

impl CorpusReport {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        self.evals().for_each(|e| c.add(&e.outcome));
        c
    }
    pub fn core_counts(&self) -> Counts {
        let mut c = Counts::default();
        self.evals()
            .filter(|e| e.is_core())
            .for_each(|e| c.add(&e.outcome));
        c
    }
    pub fn evals(&self) -> impl Iterator<Item = &EvalRecord> {
        self.files.iter().flat_map(|f| f.evals.iter())
    }
    pub fn failures(&self) -> Vec<String> {
        self.files.iter().flat_map(|f| f.failures()).collect()
    }
    /// Skip reasons grouped by their text before the first `: `, with counts.
    pub fn skip_reasons(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for e in self.evals() {
            if let Outcome::Skip(r) = &e.outcome {
                let key = r.split(": ").next().unwrap_or(r).to_string();
                *m.entry(key).or_insert(0) += 1;
            }
        }
        m
    }
    /// The most frequent identical failure reasons (those seen at least twice), most first.
    pub fn common_failures(&self, n: usize) -> Vec<(String, usize)> {
        let mut m: BTreeMap<&str, usize> = BTreeMap::new();
        for e in self.evals() {
            if let Outcome::Fail(r) = &e.outcome {
                *m.entry(r.as_str()).or_insert(0) += 1;
            }
        }
        let mut v: Vec<(String, usize)> = m
            .into_iter()
            .filter(|(_, c)| *c >= 2)
            .map(|(r, c)| (r.to_string(), c))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.truncate(n);
        v
    }
    /// Writes the failure list, at most `limit` lines (all when `None`).
    pub fn write_failures(&self, w: &mut impl fmt::Write, limit: Option<usize>) -> fmt::Result {
        let all = self.failures();
        let n = limit.unwrap_or(all.len()).min(all.len());
        for l in &all[..n] {
            writeln!(w, "  FAIL {l}")?;
        }
        if n < all.len() {
            writeln!(w, "  ... and {} more failures", all.len() - n)?;
        }
        Ok(())
    }
}

impl fmt::Display for CorpusReport {
    /// Per-file counts, totals, the NH-free/flag-free pass rate, skip reasons and file errors.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "corpus {}:", self.dir.display())?;
        for file in &self.files {
            writeln!(f, "  {file}")?;
        }
        let c = self.counts();
        writeln!(f, "  TOTAL: {c} ({} evals)", c.total())?;
        let core = self.core_counts();
        let pct = if core.total() == 0 {
            0.0
        } else {
            100.0 * core.passed as f64 / core.total() as f64
        };
        writeln!(
            f,
            "  NH-free and flag-free: {core} of {} evals ({pct:.1}% pass)",
            core.total()
        )?;
        for (reason, n) in self.skip_reasons() {
            writeln!(f, "  skipped {n:>4}: {reason}")?;
        }
        for (reason, n) in self.common_failures(5) {
            writeln!(f, "  failed  {n:>4}: {reason}")?;
        }
        for e in &self.errors {
            writeln!(f, "  error: {e}")?;
        }
        for file in &self.files {
            for e in &file.errors {
                writeln!(f, "  file error: {}: {e}", file.name())?;
            }
        }
        Ok(())
    }
}
