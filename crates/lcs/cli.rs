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
    /// Shapley values estimated from random orderings (`--permutations`, `--seed`), for
    /// scenarios with more actions than exact Shapley takes.
    ShapleySampled,
}

/// Output formats of `lcs report`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReportFormat {
    /// `report.xlsx`: a sheet per table and an IAMC `data` sheet.
    Xlsx,
    /// `csv/<table>.csv`.
    Csv,
    /// `parquet/<table>.parquet`.
    Parquet,
    /// `iamc.csv` (IAMC wide form).
    Iamc,
    /// `report.html` (self-contained, inline SVG charts).
    Html,
    /// `report.md`.
    Md,
}

/// Sensitivity methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SensitivityMethod {
    /// Sobol first-order and total indices (Saltelli design, SALib estimators).
    Sobol,
    /// Morris elementary effects (mu, mu*, sigma).
    Morris,
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
        /// Orderings drawn by `shapley-sampled` (at least 1).
        #[arg(long, default_value_t = 1000, value_parser = positive_usize)]
        permutations: usize,
        /// Seed of the orderings drawn by `shapley-sampled`.
        #[arg(long, default_value_t = 1)]
        seed: u64,
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
    /// Write the tables, workbook, charts and HTML report of a plan document under DIR.
    Report {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, short)]
        out: PathBuf,
        /// Milestone years of the tables (default: base year, 2025, 2030, 2040, 2050, end).
        #[arg(long, value_delimiter = ',')]
        years: Vec<i32>,
        /// Formats to write (default: all). Charts (SVG, PNG) are always written.
        #[arg(long, value_enum, value_delimiter = ',')]
        format: Vec<ReportFormat>,
    },
    /// Print the differences of inputs (after inheritance) and outputs of two scenarios.
    Compare {
        /// Scenario A.
        a: PathBuf,
        /// Scenario B.
        b: PathBuf,
        /// How many differing output variables to list.
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
    /// Monte Carlo ensemble over the scenario's `uncertainty:` section: percentiles, mean and
    /// sd of every output and year, target probabilities, optional Shapley spread
    /// (docs/UNCERTAINTY.md).
    Ensemble {
        /// The scenario file.
        scenario: PathBuf,
        /// Number of samples (all shards together, at least 1).
        #[arg(long, short = 'n', default_value_t = 10_000, value_parser = positive_u64)]
        samples: u64,
        /// Random seed: the same seed gives the same bytes on any number of threads.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder (a shard writes `DIR/shard-K-of-N/`).
        #[arg(long, short)]
        out: PathBuf,
        /// Run only shard K of N (1 ≤ K ≤ N) and write it as Parquet for `lcs merge`.
        #[arg(long, value_name = "K/N", value_parser = shard_arg)]
        shard: Option<String>,
        /// Also compute each action's exact Shapley contribution per sample (2^n runs each).
        #[arg(long)]
        shapley: bool,
    },
    /// Global sensitivity: Sobol indices (Saltelli design) or Morris elementary effects, with
    /// an index table and a tornado chart (docs/UNCERTAINTY.md).
    Sensitivity {
        /// The scenario file.
        scenario: PathBuf,
        /// The method.
        #[arg(long, short, value_enum, default_value = "sobol")]
        method: SensitivityMethod,
        /// Sobol: base samples N (N·(D+2) runs); Morris: trajectories r (r·(D+1) runs).
        #[arg(long, short = 'n', default_value_t = 1024, value_parser = positive_usize)]
        samples: usize,
        /// Random seed (Sobol digital shift, Morris trajectories, bootstrap).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder.
        #[arg(long, short)]
        out: PathBuf,
        /// Output variables to analyse (default: Emissions|CO2e).
        #[arg(long = "output", value_name = "VARIABLE")]
        outputs: Vec<String>,
        /// Years to analyse (default: the target years, or the end year).
        #[arg(long = "year", value_delimiter = ',')]
        years: Vec<i32>,
        /// Morris grid levels (even, at least 2).
        #[arg(long, default_value_t = 4, value_parser = even_levels)]
        levels: usize,
        /// Bootstrap resamples for the confidence intervals (at least 1).
        #[arg(long, default_value_t = 100, value_parser = positive_usize)]
        resamples: usize,
        /// Also write the design (`design.csv`, unit cube and values) and the model outputs
        /// (`outputs.csv`), e.g. to check the indices with SALib.
        #[arg(long)]
        export: bool,
    },
    /// Combine the shards of an ensemble (`lcs ensemble --shard`) into the statistics of the
    /// unsharded run, bit for bit.
    Merge {
        /// Shard folders, or folders holding `shard-K-of-N/` folders.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Re-run a command from the `manifest.json` it wrote and report whether its outputs
    /// are byte-identical (exit 0), or the first difference or a changed input (exit 1)
    /// (docs/MANIFEST.md).
    Verify {
        /// An output folder holding `manifest.json`, or a manifest file (`FILE.manifest.json`).
        dir: PathBuf,
    },
    /// Measure evaluation speed, Shapley attribution time and a whole `lcs run` (use a
    /// release build: `cargo run --release -- bench ...`).
    Bench {
        /// The scenario file.
        scenario: PathBuf,
        /// Seconds to spend counting evaluations (a positive number).
        #[arg(long, default_value_t = 2.0, value_parser = positive_seconds)]
        seconds: f64,
    },
}

/// A whole number of at least 1 (`--permutations 0` once gave all-zero contributions).
fn positive_usize(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{s}` is not a whole number")),
    }
}

/// A whole number of at least 1 (`--samples 0`).
fn positive_u64(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{s}` is not a whole number")),
    }
}

/// An even number of Morris levels, at least 2.
fn even_levels(s: &str) -> Result<usize, String> {
    let n = positive_usize(s)?;
    if n < 2 || n % 2 == 1 {
        return Err(format!("must be an even number ≥ 2, found {n}"));
    }
    Ok(n)
}

/// A positive, finite number of seconds.
fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("`{s}` is not a positive number of seconds")),
    }
}

/// `K/N` with 1 ≤ K ≤ N (checked here, so `--shard 3/2` is a usage error).
fn shard_arg(s: &str) -> Result<String, String> {
    lcs_uncertainty::Shard::parse(s)?;
    Ok(s.to_string())
}

/// Parses the process arguments (exits with code 2 on usage errors).
pub fn parse() -> Args {
    Args::parse()
}
