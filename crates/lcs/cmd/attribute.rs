//! `lcs attribute`: split a scenario's reduction among its actions.

use super::{
    check_years, compile, fmt_count, fmt_num, load, milestone_years, print_json, report_run_error,
    write_file_with_manifest, Failure,
};
use crate::cli::MethodArg;
use crate::json;
use crate::output::{field, num};
use lcs_engine::{attribute_with, AttributionError, Method, ShapleyOptions, ShapleyReport};
use lcs_model::Loader;
use std::path::PathBuf;

/// The options of `lcs attribute`.
pub struct Options {
    /// The scenario file.
    pub file: PathBuf,
    /// The method asked for.
    pub method: MethodArg,
    /// Years to print and write (empty: print the milestone years, write every year).
    pub years: Vec<i32>,
    /// Output CSV file.
    pub out: Option<PathBuf>,
    /// Orderings of `shapley-sampled`.
    pub permutations: usize,
    /// Seed of the random orderings.
    pub seed: u64,
    /// `shapley`: the most actions a component is enumerated over exactly.
    pub max_exact_actions: usize,
    /// `shapley`: the standard error a sampled component stops at, as a share of the
    /// year's total.
    pub tolerance: f64,
    /// `shapley`: the most orderings a sampled component draws.
    pub max_orderings: usize,
    /// Print JSON instead of the table.
    pub json: bool,
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Sequential => "sequential",
        Method::Solo => "solo",
        Method::Shapley => "shapley",
        Method::ShapleySampled { .. } => "shapley-sampled",
    }
}

pub fn run(o: &Options) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let s = load(&mut loader, &o.file)?;
    check_years(std::slice::from_ref(&s), &o.years, "attribution year")?;
    let c = compile(&s)?;
    let method = match o.method {
        MethodArg::Sequential => Method::Sequential,
        MethodArg::Solo => Method::Solo,
        MethodArg::Shapley => Method::Shapley,
        MethodArg::ShapleySampled => Method::ShapleySampled {
            permutations: o.permutations,
            seed: o.seed,
        },
    };
    let options = ShapleyOptions {
        max_exact_actions: o.max_exact_actions,
        tolerance: o.tolerance,
        max_orderings: o.max_orderings,
        min_orderings: ShapleyOptions::default().min_orderings.min(o.max_orderings),
        seed: o.seed,
        decompose: true,
    };
    let a = attribute_with(&c, method, &options).map_err(|e| match e {
        AttributionError::Run(e) => report_run_error(&loader, &s, &e),
    })?;
    // Shapley with a sampled component says so, with standard errors.
    let note = match (&a.shapley, method) {
        (Some(r), Method::Shapley) if !r.is_exact() => Some(sampled_note(r, o)),
        _ => None,
    };
    if let Some(text) = &note {
        eprintln!("note: {text}");
    }
    let all_years = c.years();
    // Written years: the ones asked for, else every year.
    let written: Vec<usize> = if o.years.is_empty() {
        (0..all_years.len()).collect()
    } else {
        o.years
            .iter()
            .filter_map(|y| all_years.iter().position(|x| x == y))
            .collect()
    };
    // Printed years: the ones asked for, else the milestone years after the base year.
    let printed: Vec<usize> = if o.years.is_empty() {
        let ms: Vec<usize> = milestone_years(&s)
            .into_iter()
            .filter(|y| *y != s.model.base_year)
            .filter_map(|y| all_years.iter().position(|x| *x == y))
            .collect();
        if ms.is_empty() {
            vec![all_years.len() - 1]
        } else {
            ms
        }
    } else {
        written.clone()
    };
    let pick = |v: &[f64], idx: &[usize]| -> Vec<f64> { idx.iter().map(|&i| v[i]).collect() };
    let name_of = |id: &str| {
        s.actions
            .iter()
            .find(|x| x.id == id)
            .and_then(|x| x.name.clone())
    };
    if let Some(path) = &o.out {
        let mut csv = String::from("scenario,action,year,value\n");
        let mut push = |name: &str, values: &[f64]| {
            for &i in &written {
                csv.push_str(&format!(
                    "{},{},{},{}\n",
                    field(&s.id),
                    field(name),
                    all_years[i],
                    num(Some(values[i]))
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
        write_file_with_manifest(path, csv.as_bytes(), "attribute", &loader, &[&s])?;
    }
    if o.json {
        return print_json(&json::AttributionDoc {
            kind: "attribute",
            version: json::VERSION,
            scenario: s.id.clone(),
            method: method_name(method).to_string(),
            estimated: matches!(method, Method::ShapleySampled { .. })
                || a.shapley.as_ref().is_some_and(|r| !r.is_exact()),
            exact_share: a.shapley.as_ref().map(|r| pick(&r.exact_share, &written)),
            runs: a.shapley.as_ref().map(|r| r.evaluations),
            components: a.shapley.as_ref().map(|r| r.components.len()),
            note,
            unit: "kt CO2e/yr",
            years: written.iter().map(|&i| all_years[i]).collect(),
            actions: a
                .actions
                .iter()
                .zip(&a.contributions)
                .enumerate()
                .map(|(i, (id, v))| json::ActionDoc {
                    id: id.clone(),
                    name: name_of(id),
                    values: pick(v, &written),
                    standard_error: a
                        .shapley
                        .as_ref()
                        .filter(|r| !r.is_exact())
                        .map(|r| pick(&r.standard_error[i], &written)),
                })
                .collect(),
            total: pick(&a.total, &written),
            interaction: a.interaction.as_ref().map(|v| pick(v, &written)),
        });
    }
    // The table: one column per printed year and the share of the total in the last one;
    // with a sampled component, the standard error in the last year too.
    let last = *printed.last().expect("at least one year");
    let se = a.shapley.as_ref().filter(|r| !r.is_exact());
    let mut header = vec!["action".to_string(), "name".to_string()];
    header.extend(printed.iter().map(|&i| all_years[i].to_string()));
    header.push(format!("share {}", all_years[last]));
    if se.is_some() {
        header.push(format!("± se {}", all_years[last]));
    }
    let total = a.total[last];
    let share = |v: f64| {
        if total != 0.0 {
            format!("{:.1} %", 100.0 * v / total)
        } else {
            String::new()
        }
    };
    let mut body: Vec<Vec<String>> = Vec::new();
    let mut line = |id: &str, name: String, v: &[f64], share: String, err: Option<f64>| {
        let mut l = vec![id.to_string(), name];
        l.extend(printed.iter().map(|&i| fmt_num(v[i])));
        l.push(share);
        if se.is_some() {
            l.push(err.map(fmt_num).unwrap_or_default());
        }
        body.push(l);
    };
    // Long names are cut in the printed table (JSON and CSV keep them whole).
    let cut = |n: String| {
        const MAX: usize = 60;
        if n.chars().count() > MAX {
            format!(
                "{}…",
                n.chars().take(MAX - 1).collect::<String>().trim_end()
            )
        } else {
            n
        }
    };
    for (k, (id, v)) in a.actions.iter().zip(&a.contributions).enumerate() {
        let err = se.map(|r| r.standard_error[k][last]);
        line(
            id,
            cut(name_of(id).unwrap_or_default()),
            v,
            share(v[last]),
            err,
        );
    }
    if let Some(i) = &a.interaction {
        line(
            "INTERACTION",
            "interactions between actions".into(),
            i,
            share(i[last]),
            None,
        );
    }
    line(
        "TOTAL",
        "reduction against the reference".into(),
        &a.total,
        share(total),
        None,
    );
    let what = match method {
        Method::Sequential => "sequential (actions added in order)".to_string(),
        Method::Solo => "solo (each action alone)".to_string(),
        Method::Shapley => match &a.shapley {
            Some(r) if r.is_exact() => format!(
                "exact Shapley ({} components of the total, {} runs)",
                r.components.len(),
                fmt_count(r.evaluations as usize)
            ),
            Some(r) => format!(
                "Shapley, exact for {:.1} % of the reduction in {} ({} components, {} runs)",
                100.0 * r.exact_share[last],
                all_years[last],
                r.components.len(),
                fmt_count(r.evaluations as usize)
            ),
            None => "Shapley".to_string(),
        },
        Method::ShapleySampled { permutations, seed } => format!(
            "Shapley estimated from {} random orderings (seed {seed})",
            fmt_count(permutations)
        ),
    };
    println!(
        "scenario {}: reduction against the reference by action, kt CO2e/yr, {what}",
        s.id
    );
    println!("{}", super::table(&header, &body));
    if let Some(n) = &note {
        println!("note: {n}");
    }
    if s.actions.is_empty() {
        println!(
            "note: scenario `{}` has no actions, so it equals its reference",
            s.id
        );
    }
    if let Some(path) = &o.out {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// What a Shapley attribution with sampled components says about them.
fn sampled_note(r: &ShapleyReport, o: &Options) -> String {
    let parts: Vec<String> = r
        .components
        .iter()
        .filter_map(|c| {
            let orderings = c.orderings?;
            Some(format!(
                "{} actions ({}) from {} random orderings",
                c.actions.len(),
                c.parts.join(", "),
                fmt_count(orderings)
            ))
        })
        .collect();
    format!(
        "{} of the total {} more than {} actions, so {} estimated (seed {}, tolerance {} % of each year's reduction, at most {} orderings): {}; the table gives the standard error of each contribution",
        if parts.len() == 1 { "one component" } else { "some components" },
        if parts.len() == 1 { "has" } else { "have" },
        o.max_exact_actions,
        if parts.len() == 1 { "it is" } else { "they are" },
        o.seed,
        100.0 * o.tolerance,
        fmt_count(o.max_orderings),
        parts.join("; ")
    )
}
