//! `lcs targets`: check a scenario's targets.

use super::{compile, load, report_run_error, table, Failure};
use crate::output::{field, num};
use lcs_engine::{evaluate_targets, run_all, run_reference};
use lcs_model::Loader;
use std::path::Path;

pub fn run(file: &Path, out: Option<&Path>) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let s = load(&mut loader, file)?;
    let c = compile(&s)?;
    let ws = run_all(&c).map_err(|e| report_run_error(&loader, &s, &e))?;
    let reference = run_reference(&c).map_err(|e| report_run_error(&loader, &s, &e))?;
    let results = evaluate_targets(&s, &c, &ws, &reference);
    let mut csv = String::from("scenario,target,year,value,threshold,met\n");
    let mut body = Vec::new();
    for t in &results {
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            field(&s.id),
            field(&t.id),
            t.year,
            num(t.value),
            num(t.threshold),
            t.met
        ));
        body.push(vec![
            t.id.clone(),
            t.year.to_string(),
            t.value.map(|v| format!("{v:.3}")).unwrap_or_default(),
            t.threshold.map(|v| format!("{v:.3}")).unwrap_or_default(),
            t.met.to_string(),
        ]);
    }
    if let Some(path) = out {
        super::write_file_with_manifest(path, csv.as_bytes(), "targets", &loader, &[&s])?;
    }
    let header = ["target", "year", "value", "threshold", "met"]
        .map(String::from)
        .to_vec();
    println!("scenario {}\n{}", s.id, table(&header, &body));
    if let Some(path) = out {
        println!("wrote {}", path.display());
    }
    Ok(())
}
