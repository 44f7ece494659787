//! The `rollsim` binary: parse the command line, run it, map the outcome to an exit code.
//!
//! Exit codes: 0 ok, 1 policy failure, 2 usage or input error (clap's usage errors exit 2
//! too); a broken pipe on stdout exits 0. All the work is in `rollsim::cli`.

use std::process::ExitCode;

use clap::Parser;
use rollsim::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    match cli::run(args) {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(err) => {
            if !err.is_broken_pipe() {
                cli::print_error(&err);
            }
            ExitCode::from(err.exit_code())
        }
    }
}
