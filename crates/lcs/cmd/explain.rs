//! `lcs explain`: how one result value is computed (docs/EXPLAIN.md). The tree is built by
//! `lcs_engine::explain` and rendered by `lcs_report::explain`.

use super::{compile, load, print_json, report_run_error, Failure};
use lcs_engine::{ExplainError, Explainer};
use lcs_model::Loader;
use lcs_report::explain::{explanation_json, explanation_text};
use std::path::Path;

pub fn run(
    file: &Path,
    variable: &str,
    year: i32,
    depth: Option<usize>,
    as_json: bool,
) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let s = load(&mut loader, file)?;
    let c = compile(&s)?;
    let ex = Explainer::new(&s, &c).map_err(|e| report_run_error(&loader, &s, &e))?;
    let e = ex.explain(variable, year, depth).map_err(|e| failure(&e))?;
    if as_json {
        print_json(&explanation_json(&e, &loader.sources))
    } else {
        print!("{}", explanation_text(&e, &loader.sources));
        Ok(())
    }
}

/// The message of an explanation error, with the nearest variables.
fn failure(e: &ExplainError) -> Failure {
    match e {
        ExplainError::UnknownVariable { suggestions, .. } if !suggestions.is_empty() => {
            let names: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
            Failure::Message(format!(
                "{e}\n  help: did you mean {}? (`lcs run --out` writes every variable to results.csv)",
                names.join(" or ")
            ))
        }
        ExplainError::UnknownVariable { .. } => Failure::Message(format!(
            "{e}\n  help: `lcs run --out DIR` writes every variable to results.csv"
        )),
        _ => Failure::Message(e.to_string()),
    }
}
