//! `lcs sensitivity`: Sobol indices (Saltelli design, SALib's estimators, bootstrap
//! intervals) or Morris elementary effects for chosen output variables and years, written
//! as an index table (`sensitivity.csv`, `sensitivity.md`) and a tornado chart per output
//! (`sobol-<output>-<year>.svg`, `.png`, or `morris-…`) through `lcs-report`. With `--export`, also the design
//! (`design.csv`) and the model outputs (`outputs.csv`), e.g. for a SALib cross-check.

use super::ensemble::{failure, load_uncertain, progress, with_control};
use super::{compile, Failure};
use crate::cli::SensitivityMethod;
use crate::output::{field, num, write_atomic};
use lcs_report::tornado::{render, Bar, IndexTable, Tornado};
use lcs_uncertainty::design::{evaluate_rows, map_design};
use lcs_uncertainty::engine::{ensemble_of, ScenarioModel};
use lcs_uncertainty::morris::{morris_design, morris_indices};
use lcs_uncertainty::sobol::{saltelli_design, sobol_indices};
use lcs_uncertainty::Bootstrap;
use lcs_uncertainty::Quantile;
use std::path::PathBuf;

pub struct Options {
    pub scenario: PathBuf,
    pub method: SensitivityMethod,
    pub samples: usize,
    pub seed: u64,
    pub out: PathBuf,
    pub outputs: Vec<String>,
    pub years: Vec<i32>,
    pub levels: usize,
    pub resamples: usize,
    pub export: bool,
}

/// Confidence level of the bootstrap intervals.
const LEVEL: f64 = 0.95;

fn csv_matrix(
    header: &[String],
    rows: usize,
    width: usize,
    cell: impl Fn(usize, usize) -> f64,
) -> String {
    let mut s = header
        .iter()
        .map(|h| field(h))
        .collect::<Vec<_>>()
        .join(",");
    s.push('\n');
    for r in 0..rows {
        let line: Vec<String> = (0..width).map(|c| num(Some(cell(r, c)))).collect();
        s.push_str(&line.join(","));
        s.push('\n');
    }
    s
}

pub fn run(o: &Options) -> Result<(), Failure> {
    let (loader, s) = load_uncertain(&o.scenario)?;
    let c = compile(&s)?;
    let model = ScenarioModel::new(&s, &c, false)?;
    let params = model.parameters();
    let dists = ensemble_of(&s, o.seed, 1).params;
    for (p, d) in params.iter().zip(&dists) {
        d.check()
            .map_err(|m| Failure::Message(format!("parameter `{}`: {m}", p.0)))?;
    }
    let d = dists.len();
    // The chosen outputs: variables × years.
    let rows = model.rows();
    let years = model.years();
    let variables = if o.outputs.is_empty() {
        vec!["Emissions|CO2e".to_string()]
    } else {
        o.outputs.clone()
    };
    let mut chosen_years = if o.years.is_empty() {
        let mut y: Vec<i32> = s.targets.iter().map(|t| t.year).collect();
        if y.is_empty() {
            y.push(*years.last().unwrap_or(&0));
        }
        y
    } else {
        o.years.clone()
    };
    chosen_years.sort_unstable();
    chosen_years.dedup();
    let ny = years.len();
    let mut keep = Vec::new();
    let mut names = Vec::new();
    let mut stems = Vec::new();
    for v in &variables {
        let r = rows.iter().position(|(name, _)| name == v).ok_or_else(|| {
            let near = lcs_units::nearest(v, rows.iter().map(|r| r.0.as_str()));
            Failure::Message(format!(
                "unknown output variable `{v}`{}",
                if near.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean `{}`?)", near.join("`, `"))
                }
            ))
        })?;
        for y in &chosen_years {
            let k = years.iter().position(|x| x == y).ok_or_else(|| {
                Failure::Message(format!(
                    "year {y} is outside the model years {}–{}",
                    years[0],
                    years[ny - 1]
                ))
            })?;
            keep.push(r * ny + k);
            names.push(format!("{v} {y}"));
            stems.push(lcs_report::tornado::chart_name(
                if o.method == SensitivityMethod::Sobol {
                    "sobol"
                } else {
                    "morris"
                },
                v,
                *y,
            ));
        }
    }
    if !s.correlations.is_empty() {
        eprintln!("note: sensitivity indices assume independent parameters; the correlations are not applied");
    }
    let sobol = o.method == SensitivityMethod::Sobol;
    let unit = if sobol {
        saltelli_design(d, o.samples, o.seed)
    } else {
        morris_design(d, o.samples, o.levels, o.seed)
    }
    .map_err(|e| failure(e, &params, &loader, &s))?;
    let x = map_design(&unit, &dists, !sobol);
    let n_rows = unit.len() / d;
    let pb = progress(
        n_rows as u64,
        &format!("{} {}", if sobol { "sobol" } else { "morris" }, s.id),
    );
    let y = with_control(&pb, |ctl| evaluate_rows(&model, &x, &keep, ctl))
        .map_err(|e| failure(e, &params, &loader, &s))?;
    let k = keep.len();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let columns: Vec<String> = if sobol {
        ["S1", "S1_conf", "ST", "ST_conf"]
    } else {
        ["mu", "mu_star", "mu_star_conf", "sigma"]
    }
    .iter()
    .map(|c| c.to_string())
    .collect();
    let mut table = IndexTable {
        columns,
        rows: vec![],
    };
    for (oi, name) in names.iter().enumerate() {
        let col: Vec<f64> = (0..n_rows).map(|r| y[r * k + oi]).collect();
        let boot = Bootstrap {
            resamples: if sobol {
                o.resamples
            } else {
                o.resamples.max(2) * 10
            },
            level: LEVEL,
            seed: o.seed,
            stream: oi as u64,
        };
        // Per parameter: the table's four numbers and the bar (value, conf, inner).
        let per_param: Vec<([f64; 4], (f64, f64, f64))> = if sobol {
            let ix = sobol_indices(&col, d, &boot).map_err(|e| failure(e, &params, &loader, &s))?;
            (0..d)
                .map(|j| {
                    (
                        [ix.s1[j], ix.s1_conf[j], ix.st[j], ix.st_conf[j]],
                        (ix.st[j], ix.st_conf[j], ix.s1[j]),
                    )
                })
                .collect()
        } else {
            let ix = morris_indices(&unit, &col, d, o.levels, &boot)
                .map_err(|e| failure(e, &params, &loader, &s))?;
            (0..d)
                .map(|j| {
                    (
                        [ix.mu[j], ix.mu_star[j], ix.mu_star_conf[j], ix.sigma[j]],
                        (ix.mu_star[j], ix.mu_star_conf[j], ix.sigma[j]),
                    )
                })
                .collect()
        };
        let mut bars = Vec::new();
        for ((id, _), (cells, (value, conf, inner))) in params.iter().zip(per_param) {
            table.rows.push((name.clone(), id.clone(), cells.to_vec()));
            bars.push(Bar {
                label: id.clone(),
                value,
                conf: Some(conf),
                inner: Some(inner),
            });
        }
        let t = Tornado {
            name: stems[oi].clone(),
            title: format!("{}: {name}", s.id),
            x_label: if sobol {
                "Sobol index (share of variance)".into()
            } else {
                format!(
                    "Morris mu* ({} per unit of the [0, 1] scale)",
                    rows[keep[oi] / ny].1
                )
            },
            legend: if sobol {
                ("ST (total)".into(), Some("S1 (first order)".into()))
            } else {
                ("mu*".into(), Some("sigma".into()))
            },
            bars,
        };
        let chart = render(&t, lcs_report::charts::DEFAULT_DPI)?;
        files.push((format!("{}.svg", chart.name), chart.svg.into_bytes()));
        files.push((format!("{}.png", chart.name), chart.png));
    }
    // Each output's parameters by their main index (Sobol ST, Morris mu*), largest first.
    table.sort_by_column(if sobol { "ST" } else { "mu_star" });
    files.push(("sensitivity.csv".into(), table.csv().into_bytes()));
    let mut md = format!(
        "# Sensitivity of `{}` ({}, {} runs, seed {})\n\n",
        s.id,
        if sobol {
            format!("Sobol, N = {}", o.samples)
        } else {
            format!("Morris, r = {}, {} levels", o.samples, o.levels)
        },
        n_rows,
        o.seed
    );
    for (stem, name) in stems.iter().zip(&names) {
        md.push_str(&format!("- `{stem}`: {name}\n"));
    }
    md.push('\n');
    md.push_str(&table.markdown());
    files.push(("sensitivity.md".into(), md.into_bytes()));
    if o.export {
        let mut header: Vec<String> = params.iter().map(|p| format!("u:{}", p.0)).collect();
        header.extend(params.iter().map(|p| p.0.clone()));
        files.push((
            "design.csv".into(),
            csv_matrix(&header, n_rows, 2 * d, |r, c| {
                if c < d {
                    unit[r * d + c]
                } else {
                    x[r * d + c - d]
                }
            })
            .into_bytes(),
        ));
        files.push((
            "outputs.csv".into(),
            csv_matrix(&names, n_rows, k, |r, c| y[r * k + c]).into_bytes(),
        ));
    }
    let mut written = Vec::new();
    for (name, bytes) in &files {
        let path = o.out.join(name);
        write_atomic(&path, bytes)?;
        written.push(path);
    }
    let mut info = super::run_info(
        "sensitivity",
        lcs_report::manifest::OutKind::Dir,
        &loader,
        &[&s],
    );
    info.seed = Some(o.seed);
    info.samples = Some(o.samples as u64);
    super::manifest(&o.out, &info, &written)?;
    print_table(&table);
    println!("wrote {}", o.out.display());
    Ok(())
}

fn print_table(t: &IndexTable) {
    let mut header = vec!["output".to_string(), "parameter".to_string()];
    header.extend(t.columns.iter().cloned());
    let body: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|(o, p, v)| {
            let mut r = vec![o.clone(), p.clone()];
            r.extend(v.iter().map(|x| format!("{x:.3}")));
            r
        })
        .collect();
    println!("{}", super::table(&header, &body));
}
