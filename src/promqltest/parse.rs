//! Parser for promqltest `.test` files (grammar: corpus README, sections 3.1-3.5).
//!
//! Never fails as a whole: a malformed block becomes `Command::Invalid` (or, inside an eval,
//! an entry in `EvalCmd::errors`), so one bad block does not hide the rest of a file.

use std::sync::LazyLock;

use regex::Regex;

use super::parse_expect::{check_eval, parse_eval_line, parse_time};
use crate::ingest::series_notation::{
    NotationError, SeriesValue, expand_values, parse_series_desc,
};
use crate::model::{Duration, Labels, Timestamp};

/// One command of a test file; `line` fields are 1-based.
#[derive(Debug, Clone)]
pub enum Command {
    Clear {
        line: usize,
    },
    Load(LoadCmd),
    Eval(Box<EvalCmd>),
    /// A block that could not be parsed (unknown command, bad header).
    Invalid {
        line: usize,
        message: String,
    },
}

#[derive(Debug, Clone)]
pub struct LoadCmd {
    pub line: usize,
    pub interval: Duration,
    /// `load_with_nhcb`: classic histograms are also converted to custom-bucket histograms.
    pub with_nhcb: bool,
    pub series: Vec<LoadSeries>,
    /// Lines of the block that could not be parsed: (line, message).
    pub errors: Vec<(usize, String)>,
}

#[derive(Debug, Clone)]
pub struct LoadSeries {
    pub line: usize,
    pub labels: Labels,
    pub data: LoadData,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LoadData {
    Floats(Vec<Option<SeriesValue>>),
    /// The line holds `{{...}}` native-histogram samples.
    NativeHistogram,
    /// A `name{...}@st <seq>` start-timestamp line (empty labels: a standalone `@st` line
    /// that applies to the whole block).
    StartTimestamps,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalKind {
    Instant {
        at: Timestamp,
    },
    Range {
        start: Timestamp,
        end: Timestamp,
        step: Duration,
    },
}

#[derive(Debug, Clone)]
pub struct EvalCmd {
    pub line: usize,
    pub expr: String,
    pub kind: EvalKind,
    pub expect: Expectations,
    /// Problems in the block (bad expectation lines); the eval fails with these.
    pub errors: Vec<String>,
}

/// An expected error or annotation text: anything, exact text, or an unanchored RE2 regex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMatch {
    Any,
    Msg(String),
    Regex(String),
}

/// Everything an eval block asserts.
#[derive(Debug, Clone, Default)]
pub struct Expectations {
    pub fail: Option<TextMatch>,
    pub ordered: bool,
    pub warn: Vec<TextMatch>,
    pub info: Vec<TextMatch>,
    pub no_warn: bool,
    pub no_info: bool,
    pub string: Option<String>,
    /// `expect range vector from <t1> to <t2> step <d>`.
    pub range_vector: Option<(Timestamp, Timestamp, Duration)>,
    pub scalar: Option<f64>,
    pub series: Vec<ExpectedSeries>,
    /// The expected output contains a `{{...}}` native histogram.
    pub histogram_literal: bool,
}

impl Expectations {
    /// Whether any annotation assertion exists (otherwise annotations are not checked).
    pub fn checks_annotations(&self) -> bool {
        !self.warn.is_empty() || !self.info.is_empty() || self.no_warn || self.no_info
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedSeries {
    pub line: usize,
    pub labels: Labels,
    pub values: Vec<Option<SeriesValue>>,
}

static EVAL_INSTANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$")
        .expect("static regex")
});
static EVAL_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$",
    )
    .expect("static regex")
});
static LOAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^load(_with_nhcb)?\s+(.+?)$").expect("static regex"));

/// Parses a whole test file into commands.
pub fn parse_test_file(text: &str) -> Vec<Command> {
    // Trim every line; comments count as empty lines.
    let lines: Vec<&str> = text
        .lines()
        .map(|l| {
            let t = l.trim();
            if t.starts_with('#') { "" } else { t }
        })
        .collect();
    let mut cmds = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        let word = lines[i].split_whitespace().next().unwrap_or("");
        if word == "clear" || !(word.starts_with("load") || word.starts_with("eval")) {
            // `clear` (or an unknown command) is one line; what follows is a new command.
            cmds.push(parse_block(&lines[i..=i], i + 1));
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < lines.len() && !lines[end].is_empty() {
            end += 1;
        }
        cmds.push(parse_block(&lines[start..end], start + 1));
        i = end;
    }
    cmds
}

fn parse_block(block: &[&str], line: usize) -> Command {
    let header = block[0];
    let word = header.split_whitespace().next().unwrap_or("");
    if word == "clear" {
        return Command::Clear { line };
    }
    if word.starts_with("load") {
        return match LOAD.captures(header) {
            Some(c) => match Duration::parse(&c[2]) {
                Ok(d) if d.millis() > 0 => {
                    Command::Load(parse_load(block, line, d, c.get(1).is_some()))
                }
                _ => invalid(line, format!("invalid load interval {:?}", &c[2])),
            },
            None => invalid(line, format!("invalid load command: {header}")),
        };
    }
    if word.starts_with("eval") {
        return match parse_eval_header(header, line) {
            Ok(mut cmd) => {
                for (k, l) in block.iter().enumerate().skip(1) {
                    match parse_eval_line(&mut cmd, l, line + k) {
                        Ok(true) => {}
                        Ok(false) => break,
                        Err(e) => cmd.errors.push(format!("line {}: {e}", line + k)),
                    }
                }
                check_eval(&mut cmd);
                Command::Eval(Box::new(cmd))
            }
            Err(e) => invalid(line, e),
        };
    }
    invalid(line, format!("unknown command {word:?}"))
}

fn invalid(line: usize, message: String) -> Command {
    Command::Invalid { line, message }
}

fn parse_load(block: &[&str], line: usize, interval: Duration, with_nhcb: bool) -> LoadCmd {
    let mut cmd = LoadCmd {
        line,
        interval,
        with_nhcb,
        series: Vec::new(),
        errors: Vec::new(),
    };
    for (k, l) in block.iter().enumerate().skip(1) {
        let lineno = line + k;
        if l.starts_with("@st") {
            // A standalone `@st <seq>` line gives every series of the block start timestamps.
            let data = LoadData::StartTimestamps;
            cmd.series.push(LoadSeries {
                line: lineno,
                labels: Labels::empty(),
                data,
            });
            continue;
        }
        let (labels, at) = match parse_series_desc(l) {
            Ok(x) => x,
            Err(e) => {
                cmd.errors
                    .push((lineno, format!("column {}: {e}", e.column() + 1)));
                continue;
            }
        };
        let data = if l[at..].starts_with("@st") {
            LoadData::StartTimestamps
        } else {
            match expand_values(&l[at..]) {
                Ok(v) => LoadData::Floats(v),
                Err(NotationError::NativeHistogram { .. }) => LoadData::NativeHistogram,
                Err(e) => {
                    cmd.errors
                        .push((lineno, format!("column {}: {e}", at + e.column() + 1)));
                    continue;
                }
            }
        };
        cmd.series.push(LoadSeries {
            line: lineno,
            labels,
            data,
        });
    }
    cmd
}

fn parse_eval_header(header: &str, line: usize) -> Result<EvalCmd, String> {
    let (legacy, expr, kind) = if let Some(c) = EVAL_INSTANT.captures(header) {
        let at = c
            .get(2)
            .map(|m| m.as_str())
            .ok_or("eval instant needs `at <time>`")?;
        let at = parse_time(at)?;
        (c.get(1), c.get(3), EvalKind::Instant { at })
    } else if let Some(c) = EVAL_RANGE.captures(header) {
        let start = parse_time(&c[2])?;
        let end = parse_time(&c[3])?;
        let step = Duration::parse(&c[4]).map_err(|e| e.to_string())?;
        if end < start {
            return Err("invalid test definition, end timestamp is before start timestamp".into());
        }
        if step.millis() <= 0 {
            return Err("invalid step: must be positive".into());
        }
        (c.get(1), c.get(5), EvalKind::Range { start, end, step })
    } else {
        return Err(format!("invalid eval command: {header}"));
    };
    let mut expect = Expectations::default();
    match legacy.map(|m| m.as_str()) {
        Some("fail") => expect.fail = Some(TextMatch::Any),
        Some("warn") => expect.warn.push(TextMatch::Any),
        Some("info") => expect.info.push(TextMatch::Any),
        Some("ordered") => expect.ordered = true,
        _ => {}
    }
    Ok(EvalCmd {
        line,
        expr: expr.map(|m| m.as_str().to_string()).unwrap_or_default(),
        kind,
        expect,
        errors: Vec::new(),
    })
}
