//! `lcs completions SHELL`: a completion script for bash, zsh or fish (clap_complete).

use super::Failure;
use crate::cli::{command, ShellArg};
use clap_complete::Shell;

pub fn run(shell: ShellArg) -> Result<(), Failure> {
    let shell = match shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
    };
    let mut cmd = command();
    clap_complete::generate(shell, &mut cmd, "lcs", &mut std::io::stdout());
    Ok(())
}
