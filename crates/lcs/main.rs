//! The `lcs` command line: a thin layer over `lcs-model` and `lcs-engine`.
//!
//! `main` parses arguments, calls one command, and maps the outcome to an exit code:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | invalid input (a diagnostic was printed), a failed run, or an output that could not be written |
//! | 2 | usage error (unknown flag, missing argument, an option value out of range such as `--samples 0` or `--shard 3/2`; printed by clap) |
//! | 3 | a target was missed and `--fail-on-missed-targets` was given (`lcs run`, `lcs targets`); everything else was done |
//!
//! Warnings (input that is probably a mistake, with a name such as `gas-key-case`) are
//! printed and counted and do not change the exit code, unless `--deny-warnings` is given:
//! then they are errors (code 1).
//!
//! Writing to a closed pipe (`lcs paths model.yaml | head -1`) ends quietly with code 0.

// A binary has no public API: `pub` inside its modules means "for the other modules".
#![allow(unreachable_pub)]

mod cli;
mod cmd;
use lcs_report::json;
mod output;
mod render;

use std::process::ExitCode;

/// A closed standard output (the reader of a pipe went away) ends the program quietly with
/// code 0, as `cat` or `grep` would; `println!` reports it as a panic, caught here.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("failed printing to stdout")
            && (msg.contains("Broken pipe") || msg.contains("os error 32"))
        {
            std::process::exit(0);
        }
        default(info)
    }));
}

fn main() -> ExitCode {
    quiet_on_broken_pipe();
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
