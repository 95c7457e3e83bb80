//! `lcs attribute`: split a scenario's reduction among its actions.

use super::{compile, fmt_kt, load, report_run_error, table, write_file_with_manifest, Failure};
use crate::cli::MethodArg;
use crate::output::{field, num};
use lcs_engine::{attribute, AttributionError, Method};
use lcs_model::Loader;
use std::path::Path;

pub fn run(
    file: &Path,
    method: MethodArg,
    out: Option<&Path>,
    permutations: usize,
    seed: u64,
) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let s = load(&mut loader, file)?;
    let c = compile(&s)?;
    let m = match method {
        MethodArg::Sequential => Method::Sequential,
        MethodArg::Solo => Method::Solo,
        MethodArg::Shapley => Method::Shapley,
        MethodArg::ShapleySampled => Method::ShapleySampled { permutations, seed },
    };
    let a = attribute(&c, m).map_err(|e| match e {
        AttributionError::Run(e) => report_run_error(&loader, &s, &e),
        AttributionError::TooManyActions { n } => Failure::Message(format!(
            "exact Shapley attribution over {n} actions needs 2^{n} runs; the limit is {} actions (use `--method shapley-sampled`, or `sequential` or `solo`)",
            lcs_engine::MAX_SHAPLEY_ACTIONS
        )),
    })?;
    let years = c.years();
    let mut csv = String::from("scenario,action,year,value\n");
    let mut push = |name: &str, values: &[f64]| {
        for (y, v) in years.iter().zip(values) {
            csv.push_str(&format!(
                "{},{},{y},{}\n",
                field(&s.id),
                field(name),
                num(Some(*v))
            ));
        }
    };
    for (id, v) in a.actions.iter().zip(&a.contributions) {
        push(id, v);
    }
    push("TOTAL", &a.total);
    if let Some(i) = &a.interaction {
        push("INTERACTION", i);
    }
    if let Some(path) = out {
        write_file_with_manifest(path, csv.as_bytes(), "attribute", &loader, &[&s])?;
    }
    // A table at the end year (and base year).
    let last = years.len() - 1;
    let header = vec![
        "action".to_string(),
        format!("kt CO2e in {}", years[last]),
        "share".to_string(),
    ];
    let total = a.total[last];
    let mut body: Vec<Vec<String>> = a
        .actions
        .iter()
        .zip(&a.contributions)
        .map(|(id, v)| {
            let share = if total != 0.0 {
                format!("{:.1} %", 100.0 * v[last] / total)
            } else {
                String::new()
            };
            vec![id.clone(), fmt_kt(v[last]), share]
        })
        .collect();
    if let Some(i) = &a.interaction {
        body.push(vec!["INTERACTION".into(), fmt_kt(i[last]), String::new()]);
    }
    body.push(vec!["TOTAL".into(), fmt_kt(total), "100.0 %".into()]);
    println!("{}", table(&header, &body));
    if let Some(path) = out {
        println!("wrote {}", path.display());
    }
    Ok(())
}
