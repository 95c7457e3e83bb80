//! `lcs compare`: the differences of inputs (after inheritance) and of outputs of two
//! scenarios.

use super::{compile, load, report_run_error, table, Failure};
use lcs_engine::{rows, run_all};
use lcs_model::Loader;
use lcs_report::compare::{inputs, outputs};
use lcs_report::tables::display_number;
use std::path::Path;

pub fn run(a: &Path, b: &Path, top: usize) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let sa = load(&mut loader, a);
    let sb = load(&mut loader, b);
    let (sa, sb) = (sa?, sb?);
    println!("A: {} ({})", sa.id, a.display());
    println!("B: {} ({})", sb.id, b.display());
    println!();
    let diffs = inputs(&sa, &sb);
    if diffs.is_empty() {
        println!("inputs: no difference after inheritance and overrides");
    } else {
        println!(
            "inputs: {} differences (after inheritance and overrides)",
            diffs.len()
        );
        let header = ["kind", "what", "A", "B"].map(String::from).to_vec();
        let body: Vec<Vec<String>> = diffs
            .iter()
            .map(|d| vec![d.kind.to_string(), d.what.clone(), d.a.clone(), d.b.clone()])
            .collect();
        println!("{}", super::table_with(&header, &body, false));
    }
    println!();
    let ca = compile(&sa)?;
    let cb = compile(&sb)?;
    let wa = run_all(&ca).map_err(|e| report_run_error(&loader, &sa, &e))?;
    let wb = run_all(&cb).map_err(|e| report_run_error(&loader, &sb, &e))?;
    let (ra, rb) = (rows(&ca, &wa), rows(&cb, &wb));
    let out = outputs(&ca.years(), &ra, &cb.years(), &rb);
    let n = ra.len().max(rb.len());
    if out.is_empty() {
        println!("outputs: no difference ({n} variables)");
        return Ok(());
    }
    println!(
        "outputs: {} of {n} variables differ; the {} that differ most (largest relative change, at the year of the largest absolute change):",
        out.len(),
        top.min(out.len())
    );
    let header = ["variable", "unit", "year", "A", "B", "change"]
        .map(String::from)
        .to_vec();
    let cell = |v: Option<f64>| {
        v.map(|v| display_number(v, false))
            .unwrap_or_else(|| "-".into())
    };
    let body: Vec<Vec<String>> = out
        .iter()
        .take(top)
        .map(|d| {
            vec![
                d.variable.clone(),
                d.unit.clone(),
                d.year.to_string(),
                cell(d.a),
                cell(d.b),
                d.relative
                    .map(|r| format!("{:+.1} %", 100.0 * r))
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    println!("{}", table(&header, &body));
    Ok(())
}
