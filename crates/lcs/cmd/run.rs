//! `lcs run`: run scenarios, write `results.csv`, print a summary.

use super::{compile, fmt_kt, load, report_run_error, table, tool_name, Failure};
use crate::output::{field, num, write_atomic};
use lcs_engine::{evaluate_targets, rows, run_all, run_reference};
use lcs_model::Loader;
use std::path::{Path, PathBuf};

/// Milestone years shown in summaries when they fall inside the model years.
const MILESTONES: [i32; 4] = [2025, 2030, 2040, 2050];

pub fn run(files: &[PathBuf], out: &Path) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let mut scenarios = Vec::new();
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
    let mut csv = String::from("model,scenario,region,variable,unit,year,value\n");
    let model = tool_name();
    let mut summary = Vec::new();
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
        let targets = evaluate_targets(s, &c, &ws, &reference);
        summary.push((s.id.clone(), years, rows(&c, &ws), targets));
    }
    let path = out.join("results.csv");
    write_atomic(&path, csv.as_bytes()).map_err(Failure::Message)?;
    print_summary(&summary);
    println!("wrote {}", path.display());
    Ok(())
}

type Summary = (
    String,
    Vec<i32>,
    Vec<lcs_engine::Row>,
    Vec<lcs_engine::TargetResult>,
);

fn print_summary(runs: &[Summary]) {
    // Years: base, milestones, end (of the first scenario; all share a model in practice).
    let Some((_, years, _, _)) = runs.first() else {
        return;
    };
    let (first, last) = (years[0], years[years.len() - 1]);
    let mut shown = vec![first];
    shown.extend(
        MILESTONES
            .iter()
            .copied()
            .filter(|y| *y > first && *y < last),
    );
    if last > first {
        shown.push(last);
    }
    let mut header = vec!["kt CO2e".to_string()];
    header.extend(shown.iter().map(|y| y.to_string()));
    let value = |rows: &[lcs_engine::Row], var: &str, ys: &[i32], y: i32| -> Option<f64> {
        let i = ys.iter().position(|x| *x == y)?;
        rows.iter().find(|r| r.variable == var)?.values[i]
    };
    let mut body = Vec::new();
    for (id, ys, rows, _) in runs {
        let mut line = vec![format!("{id}: total")];
        line.extend(shown.iter().map(|y| {
            value(rows, "Emissions|CO2e", ys, *y)
                .map(fmt_kt)
                .unwrap_or_default()
        }));
        body.push(line);
        for r in rows
            .iter()
            .filter(|r| r.variable.starts_with("Emissions|CO2e|"))
        {
            let mut line = vec![format!("  {}", &r.variable["Emissions|CO2e|".len()..])];
            line.extend(shown.iter().map(|y| {
                value(rows, &r.variable, ys, *y)
                    .map(fmt_kt)
                    .unwrap_or_default()
            }));
            body.push(line);
        }
        for r in rows
            .iter()
            .filter(|r| r.variable.starts_with("Emissions Intensity|"))
        {
            let mut line = vec![format!("  {} ({})", r.variable, r.unit)];
            line.extend(shown.iter().map(|y| {
                value(rows, &r.variable, ys, *y)
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or_default()
            }));
            body.push(line);
        }
    }
    println!("{}", table(&header, &body));
    for (id, _, _, targets) in runs {
        for t in targets {
            println!(
                "target {id}/{}: {} in {} (value {}, threshold {})",
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
