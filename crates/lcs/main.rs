//! The `lcs` command line: a thin layer over `lcs-model` and `lcs-engine`.
//!
//! `main` parses arguments, calls one command, and maps the outcome to an exit code:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | invalid input (a diagnostic was printed), a failed run, or an output that could not be written |
//! | 2 | usage error (unknown flag, missing argument; printed by clap) |
//! | 3 | a target was missed and `--fail-on-missed-targets` was given (`lcs run`, `lcs targets`); everything else was done |
//!
//! Warnings (input that is probably a mistake, with a name such as `gas-key-case`) are
//! printed and counted and do not change the exit code, unless `--deny-warnings` is given:
//! then they are errors (code 1).

mod cli;
mod cmd;
mod json;
mod output;
mod render;

use std::process::ExitCode;

fn main() -> ExitCode {
    // A closed stdout (`lcs run ... | head`) ends the process quietly, as for other Unix
    // tools, instead of a panic on the next print.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to the default at start-up, before any thread
    // exists, has no preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = cli::parse();
    match cmd::dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(cmd::Failure::Reported) => ExitCode::from(1),
        Err(cmd::Failure::Message(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
        Err(cmd::Failure::TargetsMissed(missed)) => {
            eprintln!(
                "error: {} target{} missed: {} (exit code 3, `--fail-on-missed-targets`)",
                missed.len(),
                if missed.len() == 1 { "" } else { "s" },
                missed.join(", ")
            );
            ExitCode::from(3)
        }
    }
}
