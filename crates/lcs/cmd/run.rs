//! `lcs run`: run scenarios, print a summary (or one JSON document), and with `--out` write
//! `results.csv`.

use super::{
    check_years, compile, fmt_num, load_all, milestone_years, print_json, report_run_error,
    run_info, table, targets_gate, tool_name, Failure,
};
use crate::json;
use crate::output::field;
use lcs_engine::{rows, run_all, run_reference, var};
use std::path::PathBuf;

/// The options of `lcs run`.
pub struct Options {
    /// Scenario files.
    pub files: Vec<PathBuf>,
    /// Output folder for `results.csv`.
    pub out: Option<PathBuf>,
    /// Years of the printed summary (empty: the milestone years).
    pub years: Vec<i32>,
    /// Print JSON instead of the text summary.
    pub json: bool,
    /// Exit 3 when a target is missed.
    pub fail_on_missed_targets: bool,
}

pub fn run(o: &Options) -> Result<(), Failure> {
    let (loader, scenarios) = load_all(&o.files)?;
    check_years(&scenarios, &o.years, "summary year")?;
    let mut csv = String::new();
    if o.out.is_some() {
        csv.push_str("model,scenario,region,variable,unit,year,value\n");
    }
    let model = tool_name();
    let mut summary = Vec::new();
    let mut notes = Vec::new();
    for s in &scenarios {
        let c = compile(s)?;
        let ws = run_all(&c).map_err(|e| report_run_error(&loader, s, &e))?;
        let reference = run_reference(&c).map_err(|e| report_run_error(&loader, s, &e))?;
        let years = c.years();
        let result_rows = rows(&c, &ws);
        if o.out.is_some() {
            // The fields of a row once, then one line per year (the same text as
            // `field` and `num` give field by field).
            let scenario = format!(
                "{},{},{},",
                field(&model),
                field(&s.id),
                field(c.region_id())
            );
            let year_texts: Vec<String> = years.iter().map(|y| format!("{y},")).collect();
            let mut row = String::new();
            for (i, r) in result_rows.iter().enumerate() {
                row.clear();
                row.push_str(&scenario);
                row.push_str(&field(&r.variable));
                row.push(',');
                row.push_str(&field(&r.unit));
                row.push(',');
                if i == 0 {
                    // Room for every line of the scenario (the longest numbers are 24
                    // characters): one allocation instead of a doubling series.
                    csv.reserve(result_rows.len() * years.len() * (row.len() + 40));
                }
                for (y, v) in year_texts.iter().zip(&r.values) {
                    csv.push_str(&row);
                    csv.push_str(y);
                    if let Some(v) = v {
                        lcs_units::write_number(&mut csv, *v);
                    }
                    csv.push('\n');
                }
            }
        }
        // Linked projects and networks: diversions below capacity (overlaps are warnings).
        for n in lcs_projects::link::capacity_notes(s, &c, &ws) {
            notes.push(format!("{}: {n}", s.id));
        }
        let targets = json::target_docs(s, &c, &ws, &reference);
        let reference_total: Vec<f64> = reference.out.co2e_t.iter().map(|v| v / 1000.0).collect();
        summary.push(RunSummary {
            id: s.id.clone(),
            name: s.name.clone(),
            region: c.region_id().to_string(),
            shown: if o.years.is_empty() {
                milestone_years(s)
            } else {
                o.years.clone()
            },
            years,
            rows: result_rows,
            targets,
            reference_total,
            n_actions: s.actions.len(),
        });
    }
    let written = match &o.out {
        Some(dir) => {
            let path = dir.join("results.csv");
            let all: Vec<&lcs_model::Scenario> = scenarios.iter().collect();
            let info = run_info("run", lcs_report::manifest::OutKind::Dir, &loader, &all);
            // results.csv and manifest.json flushed together, the manifest renamed last.
            lcs_report::manifest::write_outputs_with_manifest(
                dir,
                &info,
                &[(path.clone(), csv.as_bytes())],
            )?;
            Some(path)
        }
        None => None,
    };
    if o.json {
        print_json(&json::RunDoc {
            kind: "run",
            version: json::VERSION,
            model,
            scenarios: summary
                .iter()
                .map(|r| json::RunScenario {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    region: r.region.clone(),
                    years: r.years.clone(),
                    rows: r
                        .rows
                        .iter()
                        .map(|x| json::RowDoc {
                            variable: x.variable.clone(),
                            unit: x.unit.clone(),
                            values: x.values.clone(),
                        })
                        .collect(),
                    reference_total: r.reference_total.clone(),
                    targets: r.targets.clone(),
                })
                .collect(),
        })?;
    } else {
        print_summary(&summary);
        for n in &notes {
            println!("note: {n}");
        }
        if let Some(path) = &written {
            println!("wrote {}", path.display());
        }
    }
    let missed: Vec<String> = summary
        .iter()
        .flat_map(|r| {
            r.targets
                .iter()
                .filter(|t| !t.met)
                .map(move |t| format!("{}/{}", r.id, t.id))
        })
        .collect();
    let gate = targets_gate(o.fail_on_missed_targets, missed);
    // The process ends after this command: the files read, the scenarios and the results
    // are left to the operating system instead of being freed one allocation at a time
    // (about 3 million instructions for Iskandar `bau` + `cm-2025`).
    std::mem::forget((loader, scenarios, summary, csv));
    gate
}

struct RunSummary {
    id: String,
    name: Option<String>,
    region: String,
    /// The years of the printed summary.
    shown: Vec<i32>,
    years: Vec<i32>,
    rows: Vec<lcs_engine::Row>,
    targets: Vec<json::TargetDoc>,
    /// Total emissions of the reference (no actions), kt CO2e.
    reference_total: Vec<f64>,
    n_actions: usize,
}

impl RunSummary {
    /// Whether the run has a market-based total (it buys market instruments or states a
    /// residual mix).
    fn has_market_instruments(&self) -> bool {
        self.rows.iter().any(|r| r.variable == var::MARKET_TOTAL)
    }

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
    let shown = &first.shown;
    let y0 = first.years[0];
    let mut header = vec!["kt CO2e/yr".to_string()];
    header.extend(shown.iter().map(|y| y.to_string()));
    let mut body = Vec::new();
    let intensity_prefix = format!("{}|", var::EMISSIONS_INTENSITY);
    for r in runs {
        let cells = |var: &str| -> Vec<String> {
            shown
                .iter()
                .map(|y| r.value(var, *y).map(fmt_num).unwrap_or_default())
                .collect()
        };
        let mut line = vec![format!("{}: total", r.id)];
        line.extend(cells(var::EMISSIONS_CO2E));
        body.push(line);
        if r.has_market_instruments() {
            let mut line = vec!["  total, market-based (memo)".to_string()];
            line.extend(cells(var::MARKET_TOTAL));
            body.push(line);
        }
        for (row, sector) in r
            .rows
            .iter()
            .filter_map(|x| lcs_engine::var::sector(&x.variable).map(|s| (x, s)))
        {
            let mut line = vec![format!("  {sector}")];
            line.extend(cells(&row.variable));
            body.push(line);
        }
        for row in r
            .rows
            .iter()
            .filter(|x| x.variable.starts_with(intensity_prefix.as_str()))
        {
            let mut line = vec![format!(
                "  {} ({})",
                row.variable.replace(intensity_prefix.as_str(), "per "),
                row.unit
            )];
            line.extend(cells(&row.variable));
            body.push(line);
        }
    }
    println!("{}", table(&header, &body));
    println!();
    for r in runs {
        let mut parts = Vec::new();
        for y in shown.iter().filter(|y| **y != y0) {
            let i = r.years.iter().position(|x| x == y);
            if let (Some(i), Some(e)) = (i, r.value(var::EMISSIONS_CO2E, *y)) {
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
        if r.has_market_instruments() {
            let parts: Vec<String> = shown
                .iter()
                .filter_map(|y| {
                    let location = r.value(var::EMISSIONS_CO2E, *y)?;
                    let market = r.value(var::MARKET_TOTAL, *y)?;
                    let covered = r.value(var::ELECTRICITY_INSTRUMENTS, *y).unwrap_or(0.0);
                    Some(format!(
                        "{y} {} location-based, {} market-based ({} MWh under instruments)",
                        fmt_num(location),
                        fmt_num(market),
                        fmt_num(covered)
                    ))
                })
                .collect();
            println!(
                "{} location-based vs market-based total, kt CO2e/yr: {}",
                r.id,
                parts.join("; ")
            );
        }
        for row in r
            .rows
            .iter()
            .filter(|x| x.variable.starts_with(intensity_prefix.as_str()))
        {
            let Some(base) = row.values[0] else { continue };
            let parts: Vec<String> = shown
                .iter()
                .filter(|y| **y != y0)
                .filter_map(|y| {
                    r.value(&row.variable, *y)
                        .map(|v| format!("{y} {}", pct(v / base - 1.0)))
                })
                .collect();
            if parts.is_empty() {
                continue;
            }
            println!(
                "{} intensity {} vs {y0}: {}",
                r.id,
                row.variable.replace(intensity_prefix.as_str(), "per "),
                parts.join(", ")
            );
        }
    }
    for r in runs {
        for t in &r.targets {
            let v = |x: Option<f64>| {
                x.map(|v| format!("{} {}", fmt_num(v), t.unit))
                    .unwrap_or_else(|| "n/a".into())
            };
            println!(
                "target {}/{}: {} in {} (value {}, threshold {})",
                r.id,
                t.id,
                if t.met { "met" } else { "NOT met" },
                t.year,
                v(t.value),
                v(t.threshold),
            );
        }
    }
}
