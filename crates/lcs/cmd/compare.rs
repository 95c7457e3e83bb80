//! `lcs compare`: the differences of inputs (after inheritance) and of outputs of two
//! scenarios, printed in words; with `--out`, every difference as CSV.

use super::{compile, fmt_count, fmt_num, load, report_run_error, Failure};
use crate::output::{field, num, write_atomic};
use lcs_engine::{rows, run_all, var};
use lcs_model::Loader;
use lcs_report::compare::{inputs, outputs, OutputDiff};
use std::path::Path;

pub fn run(a: &Path, b: &Path, top: usize, out: Option<&Path>) -> Result<(), Failure> {
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
            "inputs: {} difference{} (after inheritance and overrides)",
            fmt_count(diffs.len()),
            if diffs.len() == 1 { "" } else { "s" }
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
    let mut out_diffs = outputs(&ca.years(), &ra, &cb.years(), &rb);
    // Total emissions first, whatever its rank.
    if let Some(i) = out_diffs
        .iter()
        .position(|d| d.variable == var::EMISSIONS_CO2E)
    {
        let total = out_diffs.remove(i);
        out_diffs.insert(0, total);
    }
    if let Some(path) = out {
        write_atomic(path, csv(&diffs, &out_diffs).as_bytes())?;
    }
    // The variables of either run: two regions' models write different sets
    // (`Emissions|CO2e|homes` in one, `Emissions|CO2e|buildings` in the other).
    let n = ra.len()
        + rb.iter()
            .filter(|r| !ra.iter().any(|x| x.variable == r.variable))
            .count();
    if out_diffs.is_empty() {
        println!("outputs: no difference ({n} variables)");
    } else {
        let shown = top.max(1).min(out_diffs.len());
        println!(
            "outputs: {} of {n} variables differ; the {shown} that differ most (total emissions first, then the largest relative change, each at the year of its largest absolute change):",
            out_diffs.len(),
        );
        let header = ["variable", "unit", "year", "A", "B", "change"]
            .map(String::from)
            .to_vec();
        let cell = |v: Option<f64>| v.map(fmt_num).unwrap_or_else(|| "-".into());
        let body: Vec<Vec<String>> = out_diffs
            .iter()
            .take(shown)
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
        println!("{}", super::table(&header, &body));
    }
    if let Some(path) = out {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Every difference as one CSV table: inputs (`kind` parameter, override, action,
/// measure, target; `a` and `b` in words) then outputs (`kind` output; `a` and `b` in
/// `unit` at `year`, `change` relative to A).
fn csv(inputs: &[lcs_report::compare::InputDiff], outputs: &[OutputDiff]) -> String {
    let mut s = String::from("kind,what,unit,year,a,b,change\n");
    for d in inputs {
        s.push_str(&format!(
            "{},{},,,{},{},\n",
            field(d.kind),
            field(&d.what),
            field(&d.a),
            field(&d.b)
        ));
    }
    for d in outputs {
        s.push_str(&format!(
            "output,{},{},{},{},{},{}\n",
            field(&d.variable),
            field(&d.unit),
            d.year,
            num(d.a),
            num(d.b),
            num(d.relative)
        ));
    }
    s
}
