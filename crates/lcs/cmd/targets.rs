//! `lcs targets`: check a scenario's targets.

use super::{compile, fmt_num, load, print_json, report_run_error, table, targets_gate, Failure};
use crate::json;
use crate::output::{field, num};
use lcs_engine::{run_all, run_reference};
use lcs_model::Loader;
use std::path::Path;

pub fn run(
    file: &Path,
    out: Option<&Path>,
    as_json: bool,
    fail_on_missed: bool,
) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let s = load(&mut loader, file)?;
    let c = compile(&s)?;
    let ws = run_all(&c).map_err(|e| report_run_error(&loader, &s, &e))?;
    let reference = run_reference(&c).map_err(|e| report_run_error(&loader, &s, &e))?;
    let results = json::target_docs(&s, &c, &ws, &reference);
    // The spec's example layout (MODEL.md examples, `expected/targets-*.csv`): value and
    // threshold in the metric's reporting unit (§11.11), printed in the table and in JSON.
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
            t.metric.clone(),
            t.year.to_string(),
            t.value.map(fmt_num).unwrap_or_default(),
            t.threshold.map(fmt_num).unwrap_or_default(),
            t.unit.clone(),
            if t.met { "yes" } else { "no" }.to_string(),
        ]);
    }
    if let Some(path) = out {
        super::write_file_with_manifest(path, csv.as_bytes(), "targets", &loader, &[&s])?;
    }
    let missed: Vec<String> = results
        .iter()
        .filter(|t| !t.met)
        .map(|t| format!("{}/{}", s.id, t.id))
        .collect();
    if as_json {
        print_json(&json::TargetsDoc {
            kind: "targets",
            version: json::VERSION,
            scenario: s.id.clone(),
            missed: missed.len(),
            targets: results,
        })?;
    } else {
        let header = [
            "target",
            "metric",
            "year",
            "value",
            "threshold",
            "unit",
            "met",
        ]
        .map(String::from)
        .to_vec();
        println!("scenario {}\n{}", s.id, table(&header, &body));
        if let Some(path) = out {
            println!("wrote {}", path.display());
        }
    }
    targets_gate(fail_on_missed, missed)
}
