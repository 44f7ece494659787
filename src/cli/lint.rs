//! `rollsim lint`: check Rollouts and AnalysisTemplates before they reach a cluster.
//!
//! Resolves flags and `rollsim.toml` into a `LintConfig`, runs `lint::lint_paths`, writes the
//! report in the chosen format. Exit 0 clean, 1 findings at error level (or warnings with
//! `--deny-warnings`), 2 bad input (a missing path, a bad config, or any file that could not
//! be loaded: an `RS000 invalid-manifest` finding).

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, Exit};
use crate::lint::output::{Format, write_report};
use crate::lint::{LintConfig, lint_paths, rules, select};

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or folders (folders are searched for *.yaml and *.yml)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Recorded data for the rules that evaluate queries (repeatable)
    #[arg(long, value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// Only these rules: codes, names or code prefixes (RS0), comma-separated
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Skip these rules: codes, names or code prefixes, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Exit 1 on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Configuration file [default: ./rollsim.toml when present]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Scrape interval queries are written against (Prometheus duration) [default: 1m]
    #[arg(long, value_name = "D")]
    pub scrape_interval: Option<String>,
}

pub fn run(args: &LintArgs) -> Result<Exit, CliError> {
    let config = resolve(args)?;
    let report = lint_paths(&args.paths, &config).map_err(|e| CliError::Input(e.to_string()))?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    write_report(&mut out, args.format, &report)?;
    out.flush()?;
    let invalid = report.invalid_inputs();
    if invalid > 0 {
        eprintln!(
            "error: {invalid} file{} could not be loaded (RS000 invalid-manifest); \
             the other files were linted",
            if invalid == 1 { "" } else { "s" }
        );
    }
    Ok(if invalid > 0 {
        Exit::InputRejected
    } else if report.fails(config.deny_warnings) {
        Exit::PolicyFailure
    } else {
        Exit::Success
    })
}

/// Flags on top of the config file: `--select` replaces, `--ignore` adds.
fn resolve(args: &LintArgs) -> Result<LintConfig, CliError> {
    let default = Path::new("rollsim.toml");
    let file = match &args.config {
        Some(p) => Some(p.as_path()),
        None => default.is_file().then_some(default),
    };
    let mut config = match file {
        None => LintConfig::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| CliError::Input(format!("{}: {e}", p.display())))?;
            LintConfig::from_toml(&text, &p.display().to_string())
                .map_err(|e| CliError::Input(e.to_string()))?
        }
    };
    for s in args.select.iter().chain(&args.ignore) {
        select::validate(s, rules::RULES).map_err(CliError::Usage)?;
    }
    if !args.select.is_empty() {
        config.selection.select = args.select.clone();
    }
    config.selection.ignore.extend(args.ignore.iter().cloned());
    config.deny_warnings |= args.deny_warnings;
    if let Some(s) = &args.scrape_interval {
        config.options.scrape_interval = super::duration_flag("--scrape-interval", s)?;
    }
    if !args.data.is_empty() {
        config.data = Some(crate::ingest::load_files(&args.data)?);
    }
    Ok(config)
}
