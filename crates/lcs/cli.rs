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
        /// Orderings drawn by `shapley-sampled`.
        #[arg(long, default_value_t = 1000)]
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
        /// Compare every other scenario with this one (its id) instead of its own reference,
        /// in the comparison table and the wedge charts (e.g. `--compare-to cm-2025`).
        #[arg(long, value_name = "SCENARIO")]
        compare_to: Option<String>,
        /// Resolution of the PNG charts (8 inches wide: 300 dpi gives 2400 pixels).
        #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(72..=1200))]
        dpi: u32,
        /// Project files (`project:` or `projects:`) for the project pipeline section, beside
        /// the projects the scenarios link.
        #[arg(long, value_name = "FILE")]
        projects: Vec<PathBuf>,
        /// Eco-town network files for the eco-town section, beside the networks the
        /// scenarios link.
        #[arg(long, value_name = "FILE")]
        ecotown: Vec<PathBuf>,
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
        /// Number of samples (all shards together).
        #[arg(long, short = 'n', default_value_t = 10_000)]
        samples: u64,
        /// Random seed: the same seed gives the same bytes on any number of threads.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder (a shard writes `DIR/shard-K-of-N/`).
        #[arg(long, short)]
        out: PathBuf,
        /// Run only shard K of N (K from 1) and write it as Parquet for `lcs merge`.
        #[arg(long, value_name = "K/N")]
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
        #[arg(long, short = 'n', default_value_t = 1024)]
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
        /// Morris grid levels (even).
        #[arg(long, default_value_t = 4)]
        levels: usize,
        /// Bootstrap resamples for the confidence intervals.
        #[arg(long, default_value_t = 100)]
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
    /// Assess an eco-town network (by-product exchanges between facilities) and write
    /// DIR/exchanges.csv, facilities.csv, materials.csv, economics.csv and the network
    /// diagram network.svg and network.png (docs/ECOTOWN.md).
    Ecotown {
        /// The network file (`ecotown:`).
        file: PathBuf,
        /// Output folder.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Appraise mitigation projects (JCM methodologies, economics): write DIR/projects.csv,
    /// DIR/summary.csv and DIR/committed_ch4.csv and print the pipeline; or, with
    /// `--screen`, list a scenario's measures that a methodology could credit; or, with
    /// `--scenario`, reconcile the projects a scenario links with their contribution in it
    /// (docs/PROJECTS.md).
    Projects {
        /// Project files (`project:` or `projects:`).
        #[arg(required_unless_present_any = ["screen", "scenario"])]
        files: Vec<PathBuf>,
        /// Output folder (with `--scenario`: optional, for DIR/reconciliation.csv).
        #[arg(long, short, required_unless_present_any = ["screen", "scenario"])]
        out: Option<PathBuf>,
        /// A scenario whose measures to screen for creditable projects.
        #[arg(long, value_name = "SCENARIO", conflicts_with_all = ["files", "out", "scenario"])]
        screen: Option<PathBuf>,
        /// A scenario whose linked projects to reconcile: each project's reduction by its
        /// methodology beside its solo and Shapley contribution, the difference by cause.
        #[arg(long, value_name = "SCENARIO", conflicts_with = "files")]
        scenario: Option<PathBuf>,
        /// With `--scenario`: the years to show (default: the first project's first and
        /// last crediting year).
        #[arg(long, value_delimiter = ',', requires = "scenario")]
        years: Vec<i32>,
        /// With `--screen`: write each candidate as a draft project file into this folder.
        #[arg(long, value_name = "DIR", requires = "screen")]
        draft: Option<PathBuf>,
        /// Express every project's economics in this currency (`MYR`, `JPY`, `USD`, `EUR`)...
        #[arg(long, requires = "price_year", conflicts_with_all = ["screen", "scenario"])]
        currency: Option<String>,
        /// ...at the prices of this year (both through data/economics, docs/ECONOMICS.md).
        #[arg(long, requires = "currency", conflicts_with_all = ["screen", "scenario"])]
        price_year: Option<i32>,
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
