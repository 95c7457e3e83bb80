//! Command-line arguments (clap derive).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Regional low-carbon society scenario modelling.
#[derive(Parser, Debug)]
#[command(
    name = "lcs",
    version,
    about,
    long_about = None,
    after_help = "Exit codes: 0 success; 1 invalid input, a failed run or an unwritable output; 2 a usage error; 3 a missed target (with `--fail-on-missed-targets`).\nThe language: docs/LANGUAGE.md; the commands and their JSON output: docs/CLI.md."
)]
pub struct Args {
    /// Treat warnings (input that is probably a mistake) as errors: exit 1.
    #[arg(long, global = true)]
    pub deny_warnings: bool,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// How a command prints its results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Tables for people (thousands separators, units in headers).
    #[default]
    Text,
    /// One JSON document on stdout (docs/CLI.md has the shapes).
    Json,
}

/// Attribution methods.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MethodArg {
    /// Cumulative, in action order.
    Sequential,
    /// Each action alone, with an interaction residual.
    Solo,
    /// Shapley values, exact by components of the total (a component of more than
    /// `--max-exact-actions` actions estimated from random orderings, with standard errors).
    Shapley,
    /// Shapley values estimated from random orderings of all the actions (`--permutations`,
    /// `--seed`).
    ShapleySampled,
}

/// Attribution methods of `lcs macc`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CostMethodArg {
    /// Shapley values, exact by components of the total (the default: abatements add up to
    /// the total reduction).
    Shapley,
    /// Each action alone (double counts interactions).
    Solo,
    /// Cumulative, in action order.
    Sequential,
    /// Shapley values estimated from 1000 random orderings of all the actions (seed 1).
    ShapleySampled,
}

/// Cost-per-tonne conventions of `lcs macc`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ConventionArg {
    /// Annual cost in the year over the year's abatement.
    Year,
    /// NPV over discounted cumulative abatement.
    Cumulative,
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
    /// Run scenarios: print emissions by sector, intensities and targets; with `--out`, also
    /// write DIR/results.csv (IAMC long form).
    #[command(
        after_help = "Examples:\n  lcs run scenarios/iskandar/bau.yaml scenarios/iskandar/cm-2025.yaml\n  lcs run cm.yaml --years 2020,2025,2030 --out out/\n  lcs run cm.yaml --format json --fail-on-missed-targets"
    )]
    Run {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Output folder for results.csv (without it, nothing is written).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Years of the printed summary (default: base year, 2025, 2030, 2040, 2050, end).
        #[arg(long, value_delimiter = ',')]
        years: Vec<i32>,
        /// Print a text summary or one JSON document.
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// Exit with code 3 when any target is missed.
        #[arg(long)]
        fail_on_missed_targets: bool,
    },
    /// Attribute a scenario's reduction against its reference to its actions.
    #[command(
        after_help = "Examples:\n  lcs attribute scenarios/iskandar/cm-2025.yaml\n  lcs attribute cm.yaml --year 2025 --year 2030 --method sequential\n  lcs attribute cm.yaml --out attribution.csv --format json\n  lcs attribute big-plan.yaml --tolerance 0.2%\n\n`shapley` is exact, component by component of the total (docs/ATTRIBUTION.md); a component that more than `--max-exact-actions` actions reach is estimated from random orderings until `--tolerance` is met, and the output says so, with standard errors."
    )]
    Attribute {
        /// The scenario file.
        scenario: PathBuf,
        /// The method (`shapley`: exact by components of the total, a component of more than
        /// `--max-exact-actions` actions estimated from random orderings).
        #[arg(long, short, value_enum, default_value = "shapley")]
        method: MethodArg,
        /// Years to print and write (several allowed; default: print the milestone years of
        /// `lcs report` after the base year, write every year).
        #[arg(long = "year", value_delimiter = ',')]
        years: Vec<i32>,
        /// Output CSV file (`scenario,action,year,value`, kt CO2e/yr).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Orderings drawn by `shapley-sampled` (at least 1).
        #[arg(long, default_value_t = 1000, value_parser = positive_usize)]
        permutations: usize,
        /// Seed of the random orderings (`shapley-sampled`, and sampled components of
        /// `shapley`).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// `shapley`: the most actions one component of the total is enumerated over
        /// exactly (2^k runs); a component with more is estimated from random orderings.
        #[arg(long, default_value_t = lcs_engine::MAX_EXACT_ACTIONS)]
        max_exact_actions: usize,
        /// `shapley`: a sampled component draws orderings until the standard error of every
        /// contribution is at most this share of the year's total reduction (`0.5%` or
        /// `0.005`).
        #[arg(long, default_value = "0.5%", value_parser = tolerance_arg)]
        tolerance: f64,
        /// `shapley`: the most orderings a sampled component draws.
        #[arg(long, default_value_t = 20_000, value_parser = positive_usize)]
        max_orderings: usize,
        /// Print a table or one JSON document.
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// Explain how one result value is computed: a tree of equations down to the inputs,
    /// with values, units, file lines, data-file rows, measures and the change against the
    /// reference (docs/EXPLAIN.md).
    #[command(
        after_help = "Examples:\n  lcs explain scenarios/iskandar/cm-2025.yaml 'Emissions|CO2e|transport' 2025\n  lcs explain cm.yaml 'Emissions|CO2e' 2030 --depth 2\n  lcs explain cm.yaml 'Final Energy|gasoline' 2025 --format json"
    )]
    Explain {
        /// The scenario file.
        scenario: PathBuf,
        /// A variable of `results.csv`, e.g. `Emissions|CO2e|transport`.
        variable: String,
        /// A model year.
        year: i32,
        /// Levels shown below the value (all when not given).
        #[arg(long)]
        depth: Option<usize>,
        /// Print a tree or one JSON document.
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// Check a scenario's targets; with `--out`, write them as CSV.
    #[command(
        after_help = "Examples:\n  lcs targets scenarios/iskandar/cm-2025.yaml\n  lcs targets cm.yaml --out targets.csv --fail-on-missed-targets"
    )]
    Targets {
        /// The scenario file.
        scenario: PathBuf,
        /// Output CSV file (`scenario,target,year,value,threshold,met`; value and threshold in
        /// kt CO2e/yr, or t CO2e per declared unit of the driver for an intensity).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Print a table or one JSON document.
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// Exit with code 3 when any target is missed.
        #[arg(long)]
        fail_on_missed_targets: bool,
    },
    /// Check model, scenario and package files without writing anything; a folder is
    /// searched for YAML files (recursively, in name order).
    #[command(
        after_help = "Examples:\n  lcs validate scenarios/iskandar\n  lcs validate model.yaml bau.yaml cm.yaml --deny-warnings\n  lcs validate scenarios/ --format json"
    )]
    Validate {
        /// Files or folders to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print text or one JSON document.
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// List every valid measure target path with its unit.
    #[command(after_help = "Example:\n  lcs paths scenarios/iskandar/model.yaml")]
    Paths {
        /// A model or scenario file.
        file: PathBuf,
    },
    /// Write the tables, workbook, charts and HTML report of a plan document under DIR.
    #[command(
        after_help = "Example:\n  lcs report scenarios/iskandar/bau.yaml scenarios/iskandar/cm-2025.yaml --out out/report --years 2005,2025,2030"
    )]
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
        /// Add an LMDI decomposition of the first scenario from its base year to YEAR, and
        /// of the first scenario to each other scenario of its region in YEAR (default 2025).
        #[arg(long, value_name = "YEAR", num_args = 0..=1, default_missing_value = "2025")]
        decompose: Option<i32>,
        /// Project files (`project:` or `projects:`) for the project pipeline section, beside
        /// the projects the scenarios link.
        #[arg(long, value_name = "FILE")]
        projects: Vec<PathBuf>,
        /// Eco-town network files for the eco-town section, beside the networks the
        /// scenarios link.
        #[arg(long, value_name = "FILE")]
        ecotown: Vec<PathBuf>,
    },
    /// Split the change in emissions between two scenario-years into additive LMDI-I effects
    /// (activity, structure, intensity, fuel mix, emission factor, grid factor) and write
    /// FILE.csv (`effect,sector,value,unit`) with a waterfall chart beside it
    /// (docs/DECOMPOSITION.md).
    Decompose {
        /// The start: a scenario file, optionally `:YEAR` (default: its base year).
        a: String,
        /// The end: a scenario file, optionally `:YEAR` (default: A's year for another file,
        /// the end year for the same file).
        b: String,
        /// Output CSV file; the chart is written beside it as .svg and .png.
        #[arg(long, short)]
        out: PathBuf,
        /// A node of A decomposed as a node of B where the structures differ, `A_PATH=B_PATH`
        /// (`demand.<node>`, `waste`, `sources.<path>`); repeatable.
        #[arg(long = "map", value_name = "A_PATH=B_PATH")]
        maps: Vec<String>,
        /// Convert activities in different currencies to this currency (market rates of
        /// data/economics at `--price-year`; each model's money at its base year's prices).
        #[arg(long)]
        currency: Option<String>,
        /// Price year of `--currency`.
        #[arg(long, default_value_t = 2015)]
        price_year: i32,
        /// Decompose the totals by the Kaya identity instead, from the drivers
        /// `POPULATION,GDP`: population, GDP per person, energy per GDP, emissions per energy.
        #[arg(long, value_name = "POPULATION,GDP")]
        kaya: Option<String>,
    },
    /// Print the differences of inputs (after inheritance) and outputs of two scenarios.
    #[command(
        after_help = "Examples:\n  lcs compare scenarios/iskandar/cm-2025.yaml scenarios/iskandar/cap-2030.yaml\n  lcs compare bau.yaml cm.yaml --top 5 --out diff.csv"
    )]
    Compare {
        /// Scenario A.
        a: PathBuf,
        /// Scenario B.
        b: PathBuf,
        /// How many differing output variables to list (`Emissions|CO2e` always comes first).
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Also write every difference as CSV (`kind,what,unit,year,a,b,change`).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Monte Carlo ensemble over the scenario's `uncertainty:` section: percentiles, mean and
    /// sd of every output and year, target probabilities, optional Shapley spread
    /// (docs/UNCERTAINTY.md).
    #[command(
        after_help = "Example:\n  lcs ensemble scenarios/iskandar/cm-2025-uncertainty.yaml --samples 10000 --seed 1 --out out/ens"
    )]
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
        /// Also compute each action's exact Shapley contribution per sample (the decomposed
        /// exact attribution of docs/ATTRIBUTION.md for every sample).
        #[arg(long)]
        shapley: bool,
    },
    /// Global sensitivity: Sobol indices (Saltelli design) or Morris elementary effects, with
    /// an index table and a tornado chart (docs/UNCERTAINTY.md).
    #[command(
        after_help = "Example:\n  lcs sensitivity scenarios/iskandar/cm-2025-uncertainty.yaml --method sobol --samples 1024 --out out/sobol"
    )]
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
    #[command(
        after_help = "Example:\n  lcs ensemble s.yaml --samples 100000 --shard 1/2 --out out/ens && lcs ensemble s.yaml --samples 100000 --shard 2/2 --out out/ens && lcs merge out/ens --out out/ens-merged"
    )]
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
    /// Marginal abatement cost curve: appraise every action's costs (investment, O&M and the
    /// engine's energy cost changes) and write DIR/macc.csv, DIR/costs.csv, DIR/macc.svg and
    /// DIR/macc.png (docs/COSTS.md).
    Macc {
        /// The scenario file (with `economics:` and `cost:` keys).
        scenario: PathBuf,
        /// The year of the curve (default: the year of the scenario's first target, else
        /// the last model year).
        #[arg(long)]
        year: Option<i32>,
        /// How abatement is attributed to actions.
        #[arg(long, short, value_enum, default_value = "shapley")]
        method: CostMethodArg,
        /// Cost per tonne: `year` (annual cost in the year over the year's abatement) or
        /// `cumulative` (NPV over discounted cumulative abatement).
        #[arg(long, value_enum, default_value = "year")]
        convention: ConventionArg,
        /// The target whose required reduction is drawn (default: the first target in the
        /// curve's year).
        #[arg(long)]
        target: Option<String>,
        /// Output folder.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Target seeking: the smallest ambition of the chosen actions (or the latest common
    /// start year, or the smallest size of one measure) that meets a target, on the real
    /// model; or, with `--least-cost`, the cheapest package in MACC order (docs/COSTS.md).
    Seek {
        /// The scenario file.
        scenario: PathBuf,
        /// The target id.
        #[arg(long)]
        target: String,
        /// `ambition` (a multiplier of the actions' ramp weights), `start` (a common start
        /// year) or a measure id (its size).
        #[arg(long, default_value = "ambition", conflicts_with = "least_cost")]
        vary: String,
        /// The actions varied, or the candidates of `--least-cost` (comma-separated ids;
        /// default: all).
        #[arg(long, value_delimiter = ',')]
        actions: Vec<String>,
        /// The largest ambition multiplier tried.
        #[arg(long, default_value_t = 10.0)]
        max_ambition: f64,
        /// Choose actions in MACC order, whole or scaled, until the target is met.
        #[arg(long)]
        least_cost: bool,
        /// Write the sought scenario (extending the input) to this YAML file.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// The lever explorer: a local web page (and JSON API) where every move of an action's
    /// ambition or start year re-evaluates the scenario (docs/EXPLORER.md).
    #[command(
        after_help = "Examples:\n  lcs serve scenarios/iskandar/cm-2025.yaml\n  lcs serve scenarios/iskandar/cm-2025.yaml scenarios/iskandar/cm-2025-uncertainty.yaml --port 8080"
    )]
    Serve {
        /// Scenario files (a picker on the page chooses among several).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// Listen on this address instead of 127.0.0.1 (e.g. `0.0.0.0:8765`); anyone who can
        /// reach it can use the explorer.
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
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
    #[command(
        after_help = "Example:\n  cargo run --release -- bench scenarios/iskandar/cm-2025.yaml"
    )]
    Bench {
        /// The scenario file.
        scenario: PathBuf,
        /// Seconds to spend counting evaluations (a positive number).
        #[arg(long, default_value_t = 2.0, value_parser = positive_seconds)]
        seconds: f64,
    },
    /// Print the JSON Schema (draft 2020-12) of every file kind (model, scenario, package,
    /// project, eco-town network), for editor completion and checks.
    #[command(
        after_help = "Example:\n  lcs schema > lcs.schema.json\n\nThen start a YAML file with\n  # yaml-language-server: $schema=./lcs.schema.json\n(docs/LANGUAGE.md, \"Editor set-up\")."
    )]
    Schema,
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  lcs completions bash > ~/.local/share/bash-completion/completions/lcs\n  lcs completions zsh > ~/.zfunc/_lcs\n  lcs completions fish > ~/.config/fish/completions/lcs.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// Write a minimal valid project into DIR: a model, a BaU scenario, a countermeasure
    /// scenario and a package, with comments. Refuses to overwrite a file.
    #[command(
        after_help = "Example:\n  lcs init my-city && lcs run my-city/bau.yaml my-city/cm.yaml"
    )]
    Init {
        /// The folder to create (or an empty or new one).
        dir: PathBuf,
    },
}

/// Shells for `lcs completions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    /// bash.
    Bash,
    /// zsh.
    Zsh,
    /// fish.
    Fish,
}

/// Why a command-line value is refused; clap prints it after the option's name (exit code 2).
#[derive(Debug)]
pub enum ArgError {
    /// Not a whole number.
    NotWhole {
        /// The text given.
        found: String,
    },
    /// A count of 0 where at least 1 is needed.
    Zero,
    /// Not a share in (0, 1).
    NotShare {
        /// The text given.
        found: String,
    },
    /// Not an even number of Morris levels ≥ 2.
    OddLevels {
        /// The number given.
        found: usize,
    },
    /// Not a positive, finite number of seconds.
    NotSeconds {
        /// The text given.
        found: String,
    },
    /// Not a shard `K/N`.
    Shard(lcs_uncertainty::ShardError),
}

impl std::fmt::Display for ArgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArgError::NotWhole { found } => write!(f, "`{found}` is not a whole number"),
            ArgError::Zero => f.write_str("must be at least 1"),
            ArgError::NotShare { found } => write!(
                f,
                "`{found}` is not a share between 0 and 1 (write `0.5%` or `0.005`)"
            ),
            ArgError::OddLevels { found } => {
                write!(f, "must be an even number ≥ 2, found {found}")
            }
            ArgError::NotSeconds { found } => {
                write!(f, "`{found}` is not a positive number of seconds")
            }
            ArgError::Shard(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ArgError {}

/// A whole number of at least 1 (`--permutations 0` once gave all-zero contributions).
fn positive_usize(s: &str) -> Result<usize, ArgError> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err(ArgError::Zero),
        Ok(n) => Ok(n),
        Err(_) => Err(ArgError::NotWhole {
            found: s.to_string(),
        }),
    }
}

/// A positive share: `0.5%` or `0.005`.
fn tolerance_arg(s: &str) -> Result<f64, ArgError> {
    let t = s.trim();
    let (text, scale) = match t.strip_suffix('%') {
        Some(p) => (p.trim(), 0.01),
        None => (t, 1.0),
    };
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x * scale < 1.0 => Ok(x * scale),
        _ => Err(ArgError::NotShare {
            found: s.to_string(),
        }),
    }
}

/// A whole number of at least 1 (`--samples 0`).
fn positive_u64(s: &str) -> Result<u64, ArgError> {
    match s.trim().parse::<u64>() {
        Ok(0) => Err(ArgError::Zero),
        Ok(n) => Ok(n),
        Err(_) => Err(ArgError::NotWhole {
            found: s.to_string(),
        }),
    }
}

/// An even number of Morris levels, at least 2.
fn even_levels(s: &str) -> Result<usize, ArgError> {
    let n = positive_usize(s)?;
    if n < 2 || n % 2 == 1 {
        return Err(ArgError::OddLevels { found: n });
    }
    Ok(n)
}

/// A positive, finite number of seconds.
fn positive_seconds(s: &str) -> Result<f64, ArgError> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(ArgError::NotSeconds {
            found: s.to_string(),
        }),
    }
}

/// `K/N` with 1 ≤ K ≤ N (checked here, so `--shard 3/2` is a usage error).
fn shard_arg(s: &str) -> Result<String, ArgError> {
    lcs_uncertainty::Shard::parse(s).map_err(ArgError::Shard)?;
    Ok(s.to_string())
}

/// Parses the process arguments (exits with code 2 on usage errors).
pub fn parse() -> Args {
    Args::parse()
}

/// The clap command, for completion scripts.
pub fn command() -> clap::Command {
    <Args as clap::CommandFactory>::command()
}
