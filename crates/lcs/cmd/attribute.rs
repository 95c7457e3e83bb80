//! `lcs attribute`: split a scenario's reduction among its actions.

use super::{
    check_years, compile, fmt_count, fmt_num, load, milestone_years, print_json, report_run_error,
    Failure,
};
use crate::cli::MethodArg;
use crate::json;
use crate::output::{field, num, write_atomic};
use lcs_engine::{attribute, AttributionError, Method, MAX_SHAPLEY_ACTIONS};
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
    /// Seed of `shapley-sampled`.
    pub seed: u64,
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
    let sampled = Method::ShapleySampled {
        permutations: o.permutations,
        seed: o.seed,
    };
    let mut method = match o.method {
        MethodArg::Sequential => Method::Sequential,
        MethodArg::Solo => Method::Solo,
        MethodArg::Shapley => Method::Shapley,
        MethodArg::ShapleySampled => sampled,
    };
    // Above the exact limit, Shapley values are estimated from random orderings (as
    // `lcs report` does), and the output says so.
    let mut note = None;
    if method == Method::Shapley && s.actions.len() > MAX_SHAPLEY_ACTIONS {
        method = sampled;
        let n = s.actions.len();
        let text = format!(
            "scenario `{}` has {n} actions; exact Shapley attribution takes at most {MAX_SHAPLEY_ACTIONS} (2^{n} runs), so the Shapley values are estimated from {} random orderings of the actions (seed {}; `--permutations`, `--seed`)",
            s.id,
            fmt_count(o.permutations),
            o.seed
        );
        eprintln!("note: {text}");
        note = Some(text);
    }
    let a = attribute(&c, method).map_err(|e| match e {
        AttributionError::Run(e) => report_run_error(&loader, &s, &e),
        AttributionError::TooManyActions { n } => Failure::Message(format!(
            "exact Shapley attribution over {n} actions needs 2^{n} runs; the limit is {MAX_SHAPLEY_ACTIONS} actions (use `--method shapley-sampled`, or `sequential` or `solo`)",
        )),
    })?;
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
        write_atomic(path, csv.as_bytes()).map_err(Failure::Message)?;
    }
    if o.json {
        return print_json(&json::AttributionDoc {
            kind: "attribute",
            version: json::VERSION,
            scenario: s.id.clone(),
            method: method_name(method).to_string(),
            estimated: matches!(method, Method::ShapleySampled { .. }),
            note,
            unit: "kt CO2e/yr",
            years: written.iter().map(|&i| all_years[i]).collect(),
            actions: a
                .actions
                .iter()
                .zip(&a.contributions)
                .map(|(id, v)| json::ActionDoc {
                    id: id.clone(),
                    name: name_of(id),
                    values: pick(v, &written),
                })
                .collect(),
            total: pick(&a.total, &written),
            interaction: a.interaction.as_ref().map(|v| pick(v, &written)),
        });
    }
    // The table: one column per printed year and the share of the total in the last one.
    let last = *printed.last().expect("at least one year");
    let mut header = vec!["action".to_string(), "name".to_string()];
    header.extend(printed.iter().map(|&i| all_years[i].to_string()));
    header.push(format!("share {}", all_years[last]));
    let total = a.total[last];
    let share = |v: f64| {
        if total != 0.0 {
            format!("{:.1} %", 100.0 * v / total)
        } else {
            String::new()
        }
    };
    let mut body: Vec<Vec<String>> = Vec::new();
    let mut line = |id: &str, name: String, v: &[f64], share: String| {
        let mut l = vec![id.to_string(), name];
        l.extend(printed.iter().map(|&i| fmt_num(v[i])));
        l.push(share);
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
    for (id, v) in a.actions.iter().zip(&a.contributions) {
        line(id, cut(name_of(id).unwrap_or_default()), v, share(v[last]));
    }
    if let Some(i) = &a.interaction {
        line(
            "INTERACTION",
            "interactions between actions".into(),
            i,
            share(i[last]),
        );
    }
    line(
        "TOTAL",
        "reduction against the reference".into(),
        &a.total,
        share(total),
    );
    let what = match method {
        Method::Sequential => "sequential (actions added in order)".to_string(),
        Method::Solo => "solo (each action alone)".to_string(),
        Method::Shapley => "exact Shapley".to_string(),
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
