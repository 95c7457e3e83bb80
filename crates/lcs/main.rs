//! The `lcs` command line: a thin layer over `lcs-model` and `lcs-engine`.
//!
//! `main` parses arguments, calls one command, and maps the outcome to an exit code:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | invalid input (a diagnostic was printed), a failed run, or an output that could not be written |
//! | 2 | usage error (unknown flag, missing argument; printed by clap) |

mod cli;
mod cmd;
mod output;
mod render;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::parse();
    match cmd::dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(cmd::Failure::Reported) => ExitCode::from(1),
        Err(cmd::Failure::Message(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}
