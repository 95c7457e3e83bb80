//! One module per subcommand; each is a page of glue between the library crates and the
//! terminal.

mod attribute;
mod bench;
mod compare;
mod ecotown;
mod ensemble;
mod links;
mod merge;
mod paths;
mod projects;
mod report;
mod run;
mod sensitivity;
mod targets;
mod validate;

use crate::cli::{Args, Command};
use crate::render;
use lcs_engine::{Compiled, RunError};
use lcs_model::{Diagnostic, Loader, Scenario};
use std::path::Path;

/// How a command failed.
pub enum Failure {
    /// Diagnostics were already printed.
    Reported,
    /// A one-line message to print.
    Message(String),
}

/// Runs one command.
pub fn dispatch(args: Args) -> Result<(), Failure> {
    match args.command {
        Command::Run { scenarios, out } => run::run(&scenarios, &out),
        Command::Attribute {
            scenario,
            method,
            out,
            permutations,
            seed,
        } => attribute::run(&scenario, method, out.as_deref(), permutations, seed),
        Command::Targets { scenario, out } => targets::run(&scenario, out.as_deref()),
        Command::Validate { files } => validate::run(&files),
        Command::Paths { file } => paths::run(&file),
        Command::Bench { scenario, seconds } => bench::run(&scenario, seconds),
        Command::Report {
            scenarios,
            out,
            years,
            format,
            compare_to,
            dpi,
            projects,
            ecotown,
        } => report::run(
            &scenarios,
            &out,
            &years,
            &format,
            compare_to,
            dpi,
            &report::Extra { projects, ecotown },
        ),
        Command::Compare { a, b, top } => compare::run(&a, &b, top),
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
    }
}

/// Loads one scenario, printing diagnostics on failure.
pub fn load(loader: &mut Loader, path: &Path) -> Result<Scenario, Failure> {
    loader.load_scenario(path).map_err(|d| {
        render::report(&d, &loader.sources);
        Failure::Reported
    })
}

/// Loads several scenarios (every file's problems are reported) and checks that their ids
/// are unique within the run.
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
        if scenarios[..i].iter().any(|t| t.id == s.id) {
            return Err(Failure::Message(format!(
                "scenario id `{}` is used by two files in this run",
                s.id
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
            .at(format!("uncertainty.parameters.{}", p.id))
            .note(format!("target: `{}`", p.path))
            .note(
                "truncate the distribution (`min`, `max`) so that no sample leaves the valid range",
            )
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

/// A fixed-width text table.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    table_with(header, rows, true)
}

/// A fixed-width text table; with `numeric`, columns after the first are right-aligned,
/// else every column is left-aligned.
pub fn table_with(header: &[String], rows: &[Vec<String>], numeric: bool) -> String {
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
                if i == 0 || !numeric {
                    format!("{c:<width$}", width = w[i])
                } else {
                    format!("{c:>width$}", width = w[i])
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

/// A number for tables: thousands with one decimal where small.
pub fn fmt_kt(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{:.0}", v)
    } else {
        format!("{:.1}", v)
    }
}

/// The tool's name and version, for the `model` column.
pub fn tool_name() -> String {
    format!("lcs {}", env!("CARGO_PKG_VERSION"))
}
