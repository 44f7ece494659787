//! `rollsim rule CODE|NAME`: print a lint rule's documentation; `--list` lists every rule.

use std::io::{self, Write};

use clap::Args;

use super::{CliError, Exit};
use crate::lint::rules;

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Rule code (RS004) or name (count-limit-inconsistent)
    #[arg(value_name = "CODE|NAME", required_unless_present = "list")]
    pub rule: Option<String>,
    /// List every rule: code, name, default severity
    #[arg(long, conflicts_with = "rule")]
    pub list: bool,
}

pub fn run(args: &RuleArgs) -> Result<Exit, CliError> {
    let mut out = io::stdout().lock();
    if args.list {
        for r in rules::RULES {
            writeln!(
                out,
                "{:<7}{:<38}{}",
                r.code(),
                r.name(),
                r.default_severity()
            )?;
        }
        return Ok(Exit::Success);
    }
    let key = args.rule.as_deref().unwrap_or_default();
    let rule = rules::find(key).ok_or_else(|| {
        CliError::Input(format!(
            "unknown rule `{key}` (`rollsim rule --list` lists them)"
        ))
    })?;
    writeln!(
        out,
        "# {} {} ({})\n",
        rule.code(),
        rule.name(),
        rule.default_severity()
    )?;
    write!(out, "{}", rule.docs())?;
    Ok(Exit::Success)
}
