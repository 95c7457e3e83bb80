//! `lcs macc`: the action costs and the marginal abatement cost curve of a scenario
//! (lcs-costs appraises, lcs-report writes; this is the glue).

use super::{compile, load, report_run_error, table, Failure};
use crate::cli::{ConventionArg, CostMethodArg};
use lcs_costs::{appraise, has_cost_data, required_reduction_t, Convention, CostError, Options};
use lcs_engine::Method;
use lcs_model::{Loader, Scenario};
use lcs_report::macc::{costs_csv, render, Macc};
use lcs_report::write_atomic;
use std::path::Path;

/// Shapley values from 1000 random orderings of all the actions (`--method shapley-sampled`).
const SAMPLED: Method = Method::ShapleySampled {
    permutations: 1000,
    seed: 1,
};

/// Turns a cost error into a failure (run errors point at their measure).
pub fn cost_failure(loader: &Loader, s: &Scenario, e: CostError) -> Failure {
    match e {
        CostError::Run(r) => report_run_error(loader, s, &r),
        other => Failure::Message(other.to_string()),
    }
}

/// The index of a target by id, or an error naming the nearest ids.
pub fn target_index(s: &Scenario, id: &str) -> Result<usize, Failure> {
    s.targets.iter().position(|t| t.id == id).ok_or_else(|| {
        let ids: Vec<&str> = s.targets.iter().map(|t| t.id.as_str()).collect();
        let near = lcs_units::nearest(id, ids.iter().copied());
        let mut m = format!("scenario `{}` has no target `{id}`", s.id);
        if let Some(n) = near.first() {
            m.push_str(&format!(" (did you mean `{n}`?)"));
        }
        if ids.is_empty() {
            m.push_str("; it has no targets");
        } else {
            m.push_str(&format!(
                "; its targets: {}",
                ids.iter()
                    .map(|i| format!("`{i}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Failure::Message(m)
    })
}

/// The cost appraisal of a scenario's plan chapter in `lcs report` (docs/COSTS.md, "The plan
/// chapter of `lcs report`"): Shapley, in the plan year (the latest target year, else the
/// last model year), with the first target of that year and the reduction it requires.
/// `None` when the scenario has no cost data or no `economics:`.
pub fn report_costs(
    loader: &Loader,
    s: &Scenario,
    c: &lcs_engine::Compiled,
    year: i32,
) -> Result<Option<lcs_report::RunCosts>, Failure> {
    if s.economics.is_none() || !has_cost_data(s) {
        return Ok(None);
    }
    let method = Method::Shapley;
    let a = appraise(s, c, &Options { method, year }).map_err(|e| cost_failure(loader, s, e))?;
    let required = match s.targets.iter().position(|t| t.year == year) {
        Some(i) => required_reduction_t(s, c, i)
            .map_err(|e| cost_failure(loader, s, e))?
            .map(|r| (s.targets[i].id.clone(), r)),
        None => None,
    };
    Ok(Some(lcs_report::RunCosts {
        appraisal: a,
        required,
    }))
}

/// Thousands separators in printed numbers (`1,219.1`; docs/CLI.md, "Output files").
fn grouped(s: String) -> String {
    lcs_report::tables::group_thousands(&s)
}

fn money(v: Option<f64>) -> String {
    match v {
        Some(x) if x.abs() >= 1e6 => format!("{} million", grouped(format!("{:.2}", x / 1e6))),
        Some(x) => grouped(format!("{x:.0}")),
        None => "—".to_string(),
    }
}

pub fn run(
    path: &Path,
    year: Option<i32>,
    method: CostMethodArg,
    convention: ConventionArg,
    target: Option<&str>,
    out: &Path,
) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let s = load(&mut loader, path)?;
    if s.economics.is_none() {
        return Err(Failure::Message(format!(
            "scenario `{}` has no `economics:` section: a MACC needs a currency, a price year, a discount rate and energy prices (docs/COSTS.md)",
            s.id
        )));
    }
    if !has_cost_data(&s) {
        return Err(Failure::Message(format!(
            "no action of scenario `{}` has a `cost:`; a MACC needs cost data (docs/COSTS.md)",
            s.id
        )));
    }
    let c = compile(&s)?;
    let target_idx = match target {
        Some(t) => Some(target_index(&s, t)?),
        None => None,
    };
    let year = year
        .or(target_idx.map(|i| s.targets[i].year))
        .or(s.targets.first().map(|t| t.year))
        .unwrap_or(s.model.end_year);
    let method = match method {
        CostMethodArg::Shapley => Method::Shapley,
        CostMethodArg::Solo => Method::Solo,
        CostMethodArg::Sequential => Method::Sequential,
        CostMethodArg::ShapleySampled => SAMPLED,
    };
    let convention = match convention {
        ConventionArg::Year => Convention::Year,
        ConventionArg::Cumulative => Convention::Cumulative,
    };
    let clock = std::time::Instant::now();
    let a =
        appraise(&s, &c, &Options { method, year }).map_err(|e| cost_failure(&loader, &s, e))?;
    let elapsed = clock.elapsed();
    // The target line: the one asked for, else the first target in the curve's year.
    let line_target = target_idx.or_else(|| s.targets.iter().position(|t| t.year == year));
    let required = match (line_target, convention) {
        (Some(i), Convention::Year) if s.targets[i].year == year => required_reduction_t(&s, &c, i)
            .map_err(|e| cost_failure(&loader, &s, e))?
            .map(|r| (s.targets[i].id.clone(), r)),
        _ => None,
    };
    let m = Macc::of(&a, convention, required.clone());
    let chart = render(&m, lcs_report::charts::DEFAULT_DPI)?;
    let files: [(&str, Vec<u8>); 4] = [
        ("macc.csv", m.csv().into_bytes()),
        ("costs.csv", costs_csv(&a).into_bytes()),
        ("macc.svg", chart.svg.into_bytes()),
        ("macc.png", chart.png),
    ];
    let mut paths = Vec::new();
    for (name, bytes) in &files {
        write_atomic(&out.join(name), bytes)?;
        paths.push(out.join(name));
    }
    let info = super::run_info("macc", lcs_report::manifest::OutKind::Dir, &loader, &[&s]);
    super::manifest(out, &info, &paths)?;
    let header: Vec<String> = [
        "action",
        "abatement (t CO2e)",
        &format!("{}/t CO2e", a.basis.currency),
        &format!("NPV ({})", a.basis.currency),
    ]
    .iter()
    .map(|x| x.to_string())
    .collect();
    let rows: Vec<Vec<String>> = m
        .rows
        .iter()
        .map(|r| {
            let npv = a.actions.iter().find(|x| x.id == r.id).and_then(|x| x.npv);
            vec![
                r.id.clone(),
                grouped(format!("{:.0}", r.abatement_t)),
                match (r.cost_per_t, r.note) {
                    (Some(v), _) => grouped(format!("{v:.1}")),
                    (None, Some(n)) => n.to_string(),
                    (None, None) => "—".to_string(),
                },
                money(npv),
            ]
        })
        .collect();
    println!(
        "MACC of `{}` in {}: {} attribution, {} convention ({}), {} at {} prices, discount rate {} to {}, {} energy prices{}",
        s.id,
        year,
        lcs_costs::method_name(method),
        convention.name(),
        match convention {
            Convention::Year => "annual cost in the year / abatement in the year",
            Convention::Cumulative => "NPV / discounted cumulative abatement",
        },
        a.basis.currency,
        a.basis.price_year,
        a.discount_rate,
        a.discount_year,
        a.price_kind,
        a.price_set.as_ref().map(|p| format!(" (set `{p}`)")).unwrap_or_default()
    );
    println!("{}", table(&header, &rows));
    let sum: f64 = a.actions.iter().map(|x| x.abatement_year_t).sum();
    println!(
        "abatement in {year}: actions {} t CO2e, total reduction {} t CO2e",
        grouped(format!("{sum:.0}")),
        grouped(format!("{:.0}", a.total_reduction_year_t))
    );
    if let Some((id, r)) = &required {
        println!(
            "target `{id}` requires a reduction of {} t CO2e in {year}",
            grouped(format!("{r:.0}"))
        );
    }
    let missing: Vec<&str> = a
        .actions
        .iter()
        .filter(|x| !x.has_cost)
        .map(|x| x.id.as_str())
        .collect();
    if !missing.is_empty() {
        println!(
            "no cost data (not on the curve, never a zero cost): {}",
            missing.join(", ")
        );
    }
    println!(
        "appraisal: {:.1} ms after loading (attribution included)",
        elapsed.as_secs_f64() * 1e3
    );
    println!("wrote {}", out.join("macc.csv").display());
    for (name, _) in &files[1..] {
        println!("  {}", out.join(name).display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{grouped, money};

    #[test]
    fn printed_money_and_abatement_group_thousands() {
        // docs/CLI.md: printed tables group thousands (held-out review: the MACC table
        // printed 2306703 t and -1714.93 million).
        assert_eq!(money(Some(-1_714.93e6)), "-1,714.93 million");
        assert_eq!(money(Some(11_668.8)), "11,669");
        assert_eq!(money(Some(-582.29e6)), "-582.29 million");
        assert_eq!(money(None), "—");
        assert_eq!(grouped(format!("{:.0}", 2_306_703.2)), "2,306,703");
        assert_eq!(grouped(format!("{:.1}", -1_219.13)), "-1,219.1");
    }
}
