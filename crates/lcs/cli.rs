//! Command-line arguments (clap derive).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Regional low-carbon society scenario modelling.
#[derive(Parser, Debug)]
#[command(name = "lcs", version, about, long_about = None)]
pub struct Args {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Attribution methods.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MethodArg {
    /// Cumulative, in action order.
    Sequential,
    /// Each action alone, with an interaction residual.
    Solo,
    /// Exact Shapley values over all subsets of actions.
    Shapley,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run scenarios and write DIR/results.csv (long IAMC form).
    Run {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Attribute a scenario's reduction to its actions and write FILE.csv.
    Attribute {
        /// The scenario file.
        scenario: PathBuf,
        /// The method.
        #[arg(long, short, value_enum, default_value = "shapley")]
        method: MethodArg,
        /// Output CSV file (`scenario,action,year,value`, kt CO2e).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Check a scenario's targets and write FILE.csv.
    Targets {
        /// The scenario file.
        scenario: PathBuf,
        /// Output CSV file (`scenario,target,year,value,threshold,met`).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Check model, scenario and package files without writing anything.
    Validate {
        /// Files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List every valid measure target path with its unit.
    Paths {
        /// A model or scenario file.
        file: PathBuf,
    },
    /// Measure evaluation speed, Shapley attribution time and a whole `lcs run` (use a
    /// release build: `cargo run --release -- bench ...`).
    Bench {
        /// The scenario file.
        scenario: PathBuf,
        /// Seconds to spend counting evaluations.
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
    },
}

/// Parses the process arguments (exits with code 2 on usage errors).
pub fn parse() -> Args {
    Args::parse()
}
