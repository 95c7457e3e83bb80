//! One module per subcommand; each is a page of glue between the library crates and the
//! terminal.

mod attribute;
mod bench;
mod compare;
mod completions;
mod decompose;
mod ecotown;
mod ensemble;
mod explain;
mod init;
mod links;
mod macc;
mod merge;
mod paths;
mod projects;
mod report;
mod run;
mod schema;
mod seek;
mod sensitivity;
mod serve;
mod targets;
mod validate;
mod verify;

use crate::cli::{Args, Command, OutputFormat};
use crate::render;
use lcs_engine::{Compiled, RunError};
use lcs_model::{Diagnostic, Loader, Scenario};
use lcs_report::manifest::{write_manifest, OutKind, RunInfo};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// How a command failed.
pub enum Failure {
    /// Diagnostics were already printed.
    Reported,
    /// A one-line message to print.
    Message(String),
    /// The command ran, but targets were missed and `--fail-on-missed-targets` was given
    /// (exit code 3). Holds `scenario/target` of each missed target.
    TargetsMissed(Vec<String>),
}

/// A library's typed error at a command's boundary: the one line its `Display` prints
/// (plain words, never Rust debug text).
macro_rules! failure_from {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Failure::Message(e.to_string())
            }
        }
    )*};
}

failure_from!(
    lcs_decompose::DecomposeError,
    lcs_ecotown::EcotownError,
    lcs_projects::ProjectError,
    lcs_projects::reconcile::ReconcileError,
    lcs_serve::ServeError,
    lcs_report::OutputError,
    lcs_report::ReportError,
    lcs_report::manifest::ManifestError,
    lcs_uncertainty::engine::ShapleyLimit,
    lcs_uncertainty::ShardError,
);

/// `--deny-warnings`, set once by [`dispatch`] before any command runs.
static DENY_WARNINGS: AtomicBool = AtomicBool::new(false);

/// Whether warnings are errors (`--deny-warnings`).
pub fn deny_warnings() -> bool {
    DENY_WARNINGS.load(Ordering::Relaxed)
}

/// Runs one command.
pub fn dispatch(args: Args) -> Result<(), Failure> {
    DENY_WARNINGS.store(args.deny_warnings, Ordering::Relaxed);
    match args.command {
        Command::Run {
            scenarios,
            out,
            years,
            format,
            fail_on_missed_targets,
        } => run::run(&run::Options {
            files: scenarios,
            out,
            years,
            json: format == OutputFormat::Json,
            fail_on_missed_targets,
        }),
        Command::Attribute {
            scenario,
            method,
            years,
            out,
            permutations,
            seed,
            max_exact_actions,
            tolerance,
            max_orderings,
            format,
        } => attribute::run(&attribute::Options {
            file: scenario,
            method,
            years,
            out,
            permutations,
            seed,
            max_exact_actions,
            tolerance,
            max_orderings,
            json: format == OutputFormat::Json,
        }),
        Command::Explain {
            scenario,
            variable,
            year,
            depth,
            format,
        } => explain::run(
            &scenario,
            &variable,
            year,
            depth,
            format == OutputFormat::Json,
        ),
        Command::Targets {
            scenario,
            out,
            format,
            fail_on_missed_targets,
        } => targets::run(
            &scenario,
            out.as_deref(),
            format == OutputFormat::Json,
            fail_on_missed_targets,
        ),
        Command::Validate { files, format } => validate::run(&files, format == OutputFormat::Json),
        Command::Schema => schema::run(),
        Command::Completions { shell } => completions::run(shell),
        Command::Init { dir } => init::run(&dir),
        Command::Paths { file } => paths::run(&file),
        Command::Bench { scenario, seconds } => bench::run(&scenario, seconds),
        Command::Report {
            scenarios,
            out,
            years,
            format,
            compare_to,
            dpi,
            decompose,
            projects,
            ecotown,
        } => report::run(
            &scenarios,
            &out,
            &years,
            &format,
            compare_to,
            dpi,
            decompose,
            &report::Extra { projects, ecotown },
        ),
        Command::Decompose {
            a,
            b,
            out,
            maps,
            currency,
            price_year,
            kaya,
        } => decompose::run(&decompose::Decompose {
            a,
            b,
            out,
            maps,
            currency,
            price_year,
            kaya,
        }),
        Command::Compare { a, b, top, out } => compare::run(&a, &b, top, out.as_deref()),
        Command::Ensemble {
            scenario,
            samples,
            seed,
            out,
            shard,
            shapley,
        } => ensemble::run(&scenario, samples, seed, &out, shard.as_deref(), shapley),
        Command::Sensitivity {
            scenario,
            method,
            samples,
            seed,
            out,
            outputs,
            years,
            levels,
            resamples,
            export,
        } => sensitivity::run(&sensitivity::Options {
            scenario,
            method,
            samples,
            seed,
            out,
            outputs,
            years,
            levels,
            resamples,
            export,
        }),
        Command::Merge { shards, out } => merge::run(&shards, &out),
        Command::Ecotown { file, out } => ecotown::run(&file, &out),
        Command::Macc {
            scenario,
            year,
            method,
            convention,
            target,
            out,
        } => macc::run(&scenario, year, method, convention, target.as_deref(), &out),
        Command::Serve {
            scenarios,
            port,
            listen,
        } => serve::run(&scenarios, port, listen),
        Command::Seek {
            scenario,
            target,
            vary,
            actions,
            max_ambition,
            least_cost,
            out,
        } => seek::run(&seek::Args {
            scenario,
            target,
            vary,
            actions,
            max_ambition,
            least_cost,
            out,
        }),
        Command::Projects {
            files,
            out,
            screen,
            draft,
            currency,
            price_year,
            scenario,
            years,
        } => match (screen, scenario) {
            (Some(s), _) => projects::screen(&s, draft.as_deref()),
            (None, Some(s)) => projects::reconcile(&s, &years, out.as_deref()),
            (None, None) => {
                let basis = currency
                    .zip(price_year)
                    .map(|(c, y)| lcs_econ::Basis::new(c, y));
                projects::run(&files, out.as_deref(), basis.as_ref())
            }
        },
        Command::Verify { dir } => verify::run(&dir),
    }
}

/// Loads one scenario, printing diagnostics on failure and the load's new warnings (each
/// once per loader) on success; with `--deny-warnings`, a warning makes the load fail.
pub fn load(loader: &mut Loader, path: &Path) -> Result<Scenario, Failure> {
    let before = loader.warnings.len();
    match loader.load_scenario(path) {
        Err(mut d) => {
            d.extend(loader.warnings[before..].iter().cloned());
            render::report(&d, &loader.sources);
            Err(Failure::Reported)
        }
        Ok(s) => {
            let new = &loader.warnings[before..];
            if !new.is_empty() {
                print_warnings(new, &loader.sources);
                if deny_warnings() {
                    return Err(Failure::Reported);
                }
            }
            Ok(s)
        }
    }
}

/// Prints warnings with a count, and how to make them errors.
pub fn print_warnings(warnings: &[Diagnostic], sources: &lcs_model::Sources) {
    for w in warnings {
        eprintln!("{}", render::render(w, sources));
    }
    let hint = if deny_warnings() {
        "denied by `--deny-warnings`"
    } else {
        "`--deny-warnings` makes warnings errors"
    };
    eprintln!("{} ({hint})", render::count(warnings));
}

/// Checks that every year asked for lies within each scenario's model years.
pub fn check_years(scenarios: &[Scenario], years: &[i32], what: &str) -> Result<(), Failure> {
    for s in scenarios {
        let (y0, yn) = (s.model.base_year, s.model.end_year);
        let outside: Vec<String> = years
            .iter()
            .filter(|y| **y < y0 || **y > yn)
            .map(|y| y.to_string())
            .collect();
        if !outside.is_empty() {
            return Err(Failure::Message(format!(
                "{what} {} outside the model years of scenario `{}` ({y0} to {yn})",
                if outside.len() == 1 {
                    format!("{} is", outside[0])
                } else {
                    format!("{} are", outside.join(", "))
                },
                s.id
            )));
        }
    }
    Ok(())
}

/// The milestone years of a scenario's tables (those of `lcs report`).
pub fn milestone_years(s: &Scenario) -> Vec<i32> {
    lcs_report::milestone_years(s.model.base_year, s.model.end_year)
}

/// Writes a JSON document to stdout, followed by a newline (a closed pipe, as in
/// `lcs run --format json | head`, is not an error).
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    use std::io::Write as _;
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Message(format!("cannot write JSON: {e}")))?;
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Message(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// `Err(TargetsMissed)` when asked to fail on missed targets and some were missed.
pub fn targets_gate(fail_on_missed: bool, missed: Vec<String>) -> Result<(), Failure> {
    if fail_on_missed && !missed.is_empty() {
        Err(Failure::TargetsMissed(missed))
    } else {
        Ok(())
    }
}

/// Loads several scenarios (every file's problems are reported) and checks that their ids
/// are unique within each region of the run (scenarios of different models may share an id:
/// results keep their `region` column).
pub fn load_all(files: &[std::path::PathBuf]) -> Result<(Loader, Vec<Scenario>), Failure> {
    let mut loader = Loader::new();
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut failed = false;
    for f in files {
        match load(&mut loader, f) {
            Ok(s) => scenarios.push(s),
            Err(_) => failed = true,
        }
    }
    if failed {
        return Err(Failure::Reported);
    }
    for (i, s) in scenarios.iter().enumerate() {
        if scenarios[..i]
            .iter()
            .any(|t| t.id == s.id && t.model.region_id == s.model.region_id)
        {
            return Err(Failure::Message(format!(
                "scenario id `{}` of region `{}` is used by two files in this run",
                s.id, s.model.region_id
            )));
        }
    }
    Ok((loader, scenarios))
}

/// Compiles a scenario.
pub fn compile(s: &Scenario) -> Result<Compiled, Failure> {
    lcs_engine::compile(s)
        .map_err(|e| Failure::Message(format!("cannot compile scenario `{}`: {e}", s.id)))
}

/// A diagnostic for a measure that failed during a run, pointing at the measure.
pub fn run_error(s: &Scenario, e: &RunError) -> Diagnostic {
    match &e.cause {
        &lcs_engine::Cause::Measure { action, measure } => {
            let action = &s.actions[action];
            let m = &action.measures[measure];
            Diagnostic::new(
                m.span,
                format!("measure `{}` of action `{}` {} in {}", m.id, action.id, e.problem, e.year),
            )
            .at(format!("{}.target", m.key))
            .note(format!("target: `{}`", m.target_path))
            .note(match e.problem {
                lcs_engine::Problem::EnergyShortfall { .. } => "a `save` or `switch` can take at most the final energy of its fuel that the leaves below its node use in the year (docs/EXTENSIONS.md)",
                lcs_engine::Problem::NothingToSpread { .. } => "a `use` spreads its energy over the leaves below its node in proportion to their use of the fuel, so some leaf must use it in the year (docs/EXTENSIONS.md)",
                _ => "a measure may not make a share negative, a share map stop summing to 1, or an intensity or activity negative (MODEL.md §9)",
            })
        }
        &lcs_engine::Cause::Parameter { index } => {
            let p = &s.uncertainty[index];
            Diagnostic::new(
                p.span,
                format!(
                    "uncertain parameter `{}`: sample {} in {}",
                    p.id, e.problem, e.year
                ),
            )
            .at(p.key.clone())
            .note(format!("target: `{}`", p.path))
            .note(match (p.mode, &e.problem) {
                // No bound on the sample helps: the trend form has no value in that year.
                (lcs_model::UncertainMode::Trend, lcs_engine::Problem::NonFinite { .. }) => {
                    "a trend keeps the base-year value and scales the growth from it, p(y0) × (p(y) / p(y0))^s, so a series that is 0 in the base year or changes sign has no trend (docs/UNCERTAINTY.md): sample its level (`as: level`) instead"
                }
                _ => "truncate the distribution (`min`, `max`) so that no sample leaves the valid range",
            })
        }
        lcs_engine::Cause::Series { name, span } => {
            let message = format!("`{name}` {} in {}", e.problem.state(), e.year);
            match span {
                Some(sp) => Diagnostic::new(*sp, message),
                None => Diagnostic::new(s.model.span, message),
            }
            .at(name.clone())
            .note(match e.problem {
                lcs_engine::Problem::NonFinite { .. } => {
                    "a division by zero (a driver that is 0 in that year) or a value too large; every series must be finite in every model year"
                }
                lcs_engine::Problem::LandExhausted { .. } => {
                    "the area of a land class is its base-year `area` plus `restoration` minus `conversion`, year by year; it cannot fall below 0 (docs/EXTENSIONS.md)"
                }
                _ => "an activity must be ≥ 0 in every model year (MODEL.md §9)",
            })
        }
        lcs_engine::Cause::Row { variable } => Diagnostic::new(
            s.model.span,
            format!("result `{variable}` {} in {}", e.problem.state(), e.year),
        )
        .note("every result must be finite: look for a value too large in the model"),
    }
}

/// Prints a run error and returns the failure.
pub fn report_run_error(loader: &Loader, s: &Scenario, e: &RunError) -> Failure {
    render::report(&[run_error(s, e)], &loader.sources);
    Failure::Reported
}

/// The manifest record of this run (docs/MANIFEST.md): the command line, every file the
/// loader read, the GWP sets of `scenarios`, the thread count. Commands add seed and
/// sample count where they have them.
pub fn run_info(command: &str, out: OutKind, loader: &Loader, scenarios: &[&Scenario]) -> RunInfo {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut info = RunInfo::new(
        env!("CARGO_PKG_VERSION"),
        env!("LCS_GIT_REVISION"),
        command,
        &argv,
        out,
    )
    .sources(&loader.sources);
    for s in scenarios {
        let g = s.model.gwp.name().to_string();
        if !info.gwp.contains(&g) {
            info.gwp.push(g);
        }
    }
    info.threads = worker_threads();
    info
}

/// The number of worker threads rayon's global pool has or would have: rayon's own default
/// (`RAYON_NUM_THREADS` when it is a positive number, otherwise the available parallelism),
/// which is what every command of this binary uses (none builds the pool otherwise).
/// Asking `rayon::current_num_threads` instead would start the pool: two thread starts and
/// their idle spinning, about 0.13 ms of CPU per `lcs run` (perf samples of the worker
/// threads), for a command that runs nothing in parallel.
pub fn worker_threads() -> usize {
    let available = || std::thread::available_parallelism().map_or(1, |n| n.get());
    let from = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
    };
    match from("RAYON_NUM_THREADS") {
        Some(n @ 1..) => n,
        Some(0) => available(),
        _ => match from("RAYON_RS_NUM_CPUS") {
            Some(n @ 1..) => n,
            _ => available(),
        },
    }
}

/// Writes `dir/manifest.json` for the outputs `files` (under `dir`).
pub fn manifest(dir: &Path, info: &RunInfo, files: &[PathBuf]) -> Result<(), Failure> {
    write_manifest(dir, info, files)
        .map(|_| ())
        .map_err(|e| Failure::Message(e.to_string()))
}

/// Writes one output file (`--out FILE`) and its manifest `FILE.manifest.json`.
pub fn write_file_with_manifest(
    path: &Path,
    bytes: &[u8],
    command: &str,
    loader: &Loader,
    scenarios: &[&Scenario],
) -> Result<(), Failure> {
    crate::output::write_atomic(path, bytes)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let info = run_info(command, OutKind::File(name), loader, scenarios);
    manifest(&dir, &info, &[path.to_path_buf()])
}

/// A fixed-width text table: the first column and every column with text left-aligned,
/// columns of numbers (`1,234`, `-5.2`, `+3.1 %`, `-`, empty) right-aligned.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let numeric = |c: &str| {
        let t = c.trim().trim_end_matches('%').trim_end();
        t.is_empty()
            || t == "-"
            || t.replace(',', "")
                .trim_start_matches('+')
                .parse::<f64>()
                .is_ok()
    };
    let right: Vec<bool> = (0..header.len())
        .map(|i| i > 0 && rows.iter().all(|r| r.get(i).is_none_or(|c| numeric(c))))
        .collect();
    aligned(header, rows, &right)
}

/// A fixed-width text table; with `numeric`, columns after the first are right-aligned,
/// else every column is left-aligned.
pub fn table_with(header: &[String], rows: &[Vec<String>], numeric: bool) -> String {
    let right: Vec<bool> = (0..header.len()).map(|i| numeric && i > 0).collect();
    aligned(header, rows, &right)
}

/// A fixed-width text table; column `i` is right-aligned when `right[i]`.
fn aligned(header: &[String], rows: &[Vec<String>], right: &[bool]) -> String {
    let n = header.len();
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if right.get(i).copied().unwrap_or(false) {
                    format!("{c:>width$}", width = w[i])
                } else {
                    format!("{c:<width$}", width = w[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut s = line(header);
    s.push('\n');
    s.push_str(
        &w.iter()
            .map(|x| "-".repeat(*x))
            .collect::<Vec<_>>()
            .join("  "),
    );
    for r in rows {
        s.push('\n');
        s.push_str(&line(r));
    }
    s
}

/// A count for printed text, with thousands separators (`1,000`).
pub fn fmt_count(n: usize) -> String {
    if n >= 1000 {
        fmt_num(n as f64)
    } else {
        n.to_string()
    }
}

/// A number for printed tables: thousands separators, fewer decimals for larger values
/// (never used for CSV, which keeps every digit).
pub fn fmt_num(v: f64) -> String {
    lcs_report::tables::display_number(v, false)
}

/// The tool's name and version, for the `model` column.
pub fn tool_name() -> String {
    format!("lcs {}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn worker_threads_is_the_count_rayon_starts() {
        // No command builds rayon's pool with its own count, so its default is the count.
        assert_eq!(super::worker_threads(), rayon::current_num_threads());
    }
}
