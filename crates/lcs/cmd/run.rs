//! `lcs run`: run scenarios, write `results.csv`, print a summary.

use super::{compile, fmt_kt, load_all, report_run_error, table, tool_name, Failure};
use crate::output::{field, num, write_atomic};
use lcs_engine::{evaluate_targets, rows, run_all, run_reference};
use std::path::{Path, PathBuf};

/// Milestone years shown in summaries when they fall inside the model years.
const MILESTONES: [i32; 4] = [2025, 2030, 2040, 2050];

pub fn run(files: &[PathBuf], out: &Path) -> Result<(), Failure> {
    let (loader, scenarios) = load_all(files)?;
    let mut csv = String::from("model,scenario,region,variable,unit,year,value\n");
    let model = tool_name();
    let mut summary = Vec::new();
    let mut notes = Vec::new();
    for s in &scenarios {
        let c = compile(s)?;
        let ws = run_all(&c).map_err(|e| report_run_error(&loader, s, &e))?;
        let reference = run_reference(&c).map_err(|e| report_run_error(&loader, s, &e))?;
        let years = c.years();
        for r in rows(&c, &ws) {
            for (y, v) in years.iter().zip(&r.values) {
                csv.push_str(&format!(
                    "{},{},{},{},{},{y},{}\n",
                    field(&model),
                    field(&s.id),
                    field(c.region_id()),
                    field(&r.variable),
                    field(&r.unit),
                    num(*v)
                ));
            }
        }
        for n in lcs_projects::link::overlap_notes(s) {
            notes.push(format!("{}: {n}", s.id));
        }
        for n in lcs_projects::link::capacity_notes(s, &c, &ws) {
            notes.push(format!("{}: {n}", s.id));
        }
        let targets = evaluate_targets(s, &c, &ws, &reference);
        let reference_total: Vec<f64> = reference.out.co2e_t.iter().map(|v| v / 1000.0).collect();
        summary.push(RunSummary {
            id: s.id.clone(),
            years,
            rows: rows(&c, &ws),
            targets,
            reference_total,
            n_actions: s.actions.len(),
        });
    }
    let path = out.join("results.csv");
    write_atomic(&path, csv.as_bytes()).map_err(Failure::Message)?;
    print_summary(&summary);
    for n in &notes {
        println!("note: {n}");
    }
    println!("wrote {}", path.display());
    Ok(())
}

struct RunSummary {
    id: String,
    years: Vec<i32>,
    rows: Vec<lcs_engine::Row>,
    targets: Vec<lcs_engine::TargetResult>,
    /// Total emissions of the reference (no actions), kt CO2e.
    reference_total: Vec<f64>,
    n_actions: usize,
}

impl RunSummary {
    fn value(&self, var: &str, year: i32) -> Option<f64> {
        let i = self.years.iter().position(|x| *x == year)?;
        self.rows.iter().find(|r| r.variable == var)?.values[i]
    }
}

fn pct(v: f64) -> String {
    format!("{:+.1} %", 100.0 * v)
}

/// A blueprint-style summary: emissions by sector at the base year, milestones and end;
/// intensities; change against the reference and against the base year; targets.
fn print_summary(runs: &[RunSummary]) {
    let Some(first) = runs.first() else { return };
    let (y0, yn) = (first.years[0], first.years[first.years.len() - 1]);
    let mut shown = vec![y0];
    shown.extend(MILESTONES.iter().copied().filter(|y| *y > y0 && *y < yn));
    if yn > y0 {
        shown.push(yn);
    }
    let mut header = vec!["kt CO2e/yr".to_string()];
    header.extend(shown.iter().map(|y| y.to_string()));
    let mut body = Vec::new();
    for r in runs {
        let cells = |var: &str, f: &dyn Fn(f64) -> String| -> Vec<String> {
            shown
                .iter()
                .map(|y| r.value(var, *y).map(f).unwrap_or_default())
                .collect()
        };
        let mut line = vec![format!("{}: total", r.id)];
        line.extend(cells("Emissions|CO2e", &fmt_kt));
        body.push(line);
        for row in r
            .rows
            .iter()
            .filter(|x| x.variable.starts_with("Emissions|CO2e|"))
        {
            let mut line = vec![format!("  {}", &row.variable["Emissions|CO2e|".len()..])];
            line.extend(cells(&row.variable, &fmt_kt));
            body.push(line);
        }
        for row in r
            .rows
            .iter()
            .filter(|x| x.variable.starts_with("Emissions Intensity|"))
        {
            let mut line = vec![format!(
                "  {} ({})",
                row.variable.replace("Emissions Intensity|", "per "),
                row.unit
            )];
            line.extend(cells(&row.variable, &|v| format!("{v:.3}")));
            body.push(line);
        }
    }
    println!("{}", table(&header, &body));
    println!();
    for r in runs {
        let mut parts = Vec::new();
        for y in shown.iter().skip(1) {
            let i = r.years.iter().position(|x| x == y);
            if let (Some(i), Some(e)) = (i, r.value("Emissions|CO2e", *y)) {
                let reference = r.reference_total[i];
                if r.n_actions > 0 && reference != 0.0 {
                    parts.push(format!("{y} {}", pct(e / reference - 1.0)));
                }
            }
        }
        if !parts.is_empty() {
            println!(
                "{} vs its reference (no actions): {}",
                r.id,
                parts.join(", ")
            );
        }
        for row in r
            .rows
            .iter()
            .filter(|x| x.variable.starts_with("Emissions Intensity|"))
        {
            let Some(base) = row.values[0] else { continue };
            let parts: Vec<String> = shown
                .iter()
                .skip(1)
                .filter_map(|y| {
                    r.value(&row.variable, *y)
                        .map(|v| format!("{y} {}", pct(v / base - 1.0)))
                })
                .collect();
            println!(
                "{} intensity {} vs {y0}: {}",
                r.id,
                row.variable.replace("Emissions Intensity|", "per "),
                parts.join(", ")
            );
        }
    }
    for r in runs {
        for t in &r.targets {
            println!(
                "target {}/{}: {} in {} (value {}, threshold {})",
                r.id,
                t.id,
                if t.met { "met" } else { "NOT met" },
                t.year,
                t.value
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or_else(|| "n/a".into()),
                t.threshold
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or_else(|| "n/a".into()),
            );
        }
    }
}
