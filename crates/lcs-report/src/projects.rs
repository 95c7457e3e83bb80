//! The CSV files of `lcs projects` (docs/PROJECTS.md "Outputs"): the yearly table, the
//! summary (one row per project), the economics in full (annualised capex and the present
//! values behind NPV and cost per tonne) and the committed landfill CH4 of waste projects.
//!
//! Units: emissions in t CO2e (per year in the yearly table, over the lifetime or per year
//! as the column says in the summary); money in units of the row's `currency` at its
//! `price_year` (MYR, not MYR million); costs per tonne in currency per t CO2e. Numbers are
//! written as the shortest text that reads back to the same value; an empty field is a
//! value that does not exist (no economics, no subsidy).

use crate::output::{field, num};
use crate::tables::{Table, TableBuilder};
use crate::ReportError;
use lcs_projects::reconcile::{Cause, Reconciliation};
use lcs_projects::Appraisal;

/// Header of `projects.csv`.
pub const PROJECTS_HEADER: &str = "project,year,reference,project_emissions,reduction,unit";

/// Header of `summary.csv`.
pub const SUMMARY_HEADER: &str = "project,name,methodology,status,start,lifetime,annual_reduction,lifetime_reduction,capex,npv,levelised_cost,jcm_cost_effectiveness,currency,price_year";

/// Header of `economics.csv`.
pub const ECONOMICS_HEADER: &str = "project,discount_rate,capex,capital_recovery_factor,annualised_capex,pv_costs,pv_revenues,npv,discounted_reduction,levelised_cost,subsidy,jcm_cost_effectiveness,currency,price_year";

/// Header of `committed_ch4.csv`.
pub const COMMITTED_HEADER: &str = "project,ch4_generated_per_t,ch4_emitted_per_t,co2e_per_t,unit";

/// `projects.csv`: one row per project and operating year, t CO2e.
pub fn projects_csv(appraisals: &[Appraisal]) -> String {
    let mut s = format!("{PROJECTS_HEADER}\n");
    for a in appraisals {
        for y in &a.years {
            s.push_str(&format!(
                "{},{},{},{},{},t CO2e\n",
                field(&a.id),
                y.year,
                num(Some(y.reference_t)),
                num(Some(y.project_t)),
                num(Some(y.reduction_t)),
            ));
        }
    }
    s
}

/// `summary.csv`: one row per project.
pub fn summary_csv(appraisals: &[Appraisal]) -> String {
    let mut s = format!("{SUMMARY_HEADER}\n");
    for a in appraisals {
        let e = a.economics.as_ref();
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            field(&a.id),
            field(a.name.as_deref().unwrap_or("")),
            a.methodology.name(),
            a.status.name(),
            a.start,
            a.lifetime,
            num(Some(a.annual_reduction_t)),
            num(Some(a.lifetime_reduction_t)),
            num(e.map(|e| e.capex)),
            num(e.map(|e| e.npv)),
            num(e.and_then(|e| e.levelised_cost)),
            num(e.and_then(|e| e.jcm_cost_effectiveness)),
            e.map(|e| e.basis.currency.as_str()).unwrap_or(""),
            e.map(|e| e.basis.price_year.to_string())
                .unwrap_or_default(),
        ));
    }
    s
}

/// `economics.csv`: one row per project with economics (docs/ECONOMICS.md): the discount
/// rate per year, capex, `CRF(r, n)` and `capex × CRF(r, n)` a year, the present values of
/// costs and revenues at the start year, NPV, the discounted reductions (t CO2e), levelised
/// cost and JCM figure (currency per t CO2e; empty where they do not exist) and the subsidy.
pub fn economics_csv(appraisals: &[Appraisal]) -> String {
    let mut s = format!("{ECONOMICS_HEADER}\n");
    for a in appraisals {
        let Some(e) = &a.economics else { continue };
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            field(&a.id),
            num(Some(e.discount_rate)),
            num(Some(e.capex)),
            num(Some(e.capital_recovery_factor)),
            num(Some(e.annualised_capex)),
            num(Some(e.pv_costs)),
            num(Some(e.pv_revenues)),
            num(Some(e.npv)),
            num(Some(e.discounted_reduction_t)),
            num(e.levelised_cost),
            num(Some(e.subsidy)),
            num(e.jcm_cost_effectiveness),
            e.basis.currency,
            e.basis.price_year,
        ));
    }
    s
}

/// `committed_ch4.csv`: the lifetime landfill CH4 of one tonne diverted, for the projects
/// that divert waste (t CH4 per t of wet waste, and t CO2e per t).
pub fn committed_csv(appraisals: &[Appraisal]) -> String {
    let mut s = format!("{COMMITTED_HEADER}\n");
    for a in appraisals {
        if let Some(c) = &a.committed_ch4 {
            s.push_str(&format!(
                "{},{},{},{},t per t wet waste\n",
                field(&a.id),
                num(Some(c.generated_t_per_t)),
                num(Some(c.emitted_t_per_t)),
                num(Some(c.co2e_t_per_t)),
            ));
        }
    }
    s
}

/// Header of `reconciliation.csv` (`lcs projects --scenario`): the project view, the solo and
/// Shapley contributions in the scenario, and the difference by cause
/// (`lcs_projects::reconcile::Cause`), all t CO2e per year.
pub fn reconciliation_header() -> String {
    let mut h = String::from("scenario,project,action,year,project_view,solo,shapley");
    for c in Cause::ALL {
        h.push(',');
        h.push_str(c.id());
    }
    h.push_str(",unit");
    h
}

/// `reconciliation.csv`: one row per linked project and chosen year, t CO2e; an empty
/// `project_view` outside the project's crediting period.
pub fn reconciliation_csv(r: &Reconciliation) -> String {
    let mut s = reconciliation_header();
    s.push('\n');
    for p in &r.projects {
        for y in &p.years {
            s.push_str(&format!(
                "{},{},{},{},{},{},{}",
                field(&r.scenario),
                field(&p.appraisal.id),
                field(&p.action),
                y.year,
                num(y.project_view_t),
                num(Some(y.solo_t)),
                num(Some(y.shapley_t)),
            ));
            for c in Cause::ALL {
                s.push(',');
                s.push_str(&num(Some(y.cause(c))));
            }
            s.push_str(",t CO2e\n");
        }
    }
    s
}

/// kt CO2e for a terminal or report table: one decimal below 100, none above; a sign on
/// causes; `–` for nothing.
fn kt_text(t: f64, signed: bool) -> String {
    let v = t / 1000.0;
    if v.abs() < 0.05 {
        return "0".into();
    }
    let body = if v.abs() >= 100.0 {
        format!("{:.0}", v.abs())
    } else {
        format!("{:.1}", v.abs())
    };
    match (signed, v < 0.0) {
        (_, true) => format!("−{body}"),
        (true, false) => format!("+{body}"),
        (false, false) => body,
    }
}

/// The reconciliation as a text table (kt CO2e): one row per project and year with the
/// project view, solo and Shapley contributions, then one row per cause that is not 0 in
/// some year of the project, indented. Header and rows, for a fixed-width table.
pub fn reconciliation_rows(r: &Reconciliation) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec!["kt CO2e/yr".to_string()];
    header.extend(r.years.iter().map(|y| y.to_string()));
    let mut rows = Vec::new();
    for p in &r.projects {
        let line = |label: String, f: &dyn Fn(&lcs_projects::reconcile::YearView) -> String| {
            let mut l = vec![label];
            l.extend(p.years.iter().map(f));
            l
        };
        rows.push(line(
            format!(
                "{} ({}, action {})",
                p.appraisal.id,
                p.appraisal.methodology.name(),
                p.action
            ),
            &|_| String::new(),
        ));
        rows.push(line("  project view".into(), &|y| {
            y.project_view_t
                .map(|v| kt_text(v, false))
                .unwrap_or_else(|| "–".into())
        }));
        let before_interaction: Vec<Cause> = Cause::ALL
            .iter()
            .copied()
            .filter(|c| *c != Cause::Interaction)
            .collect();
        for c in &before_interaction {
            if p.years.iter().all(|y| kt_text(y.cause(*c), true) == "0") {
                continue;
            }
            rows.push(line(format!("    {}", c.id().replace('_', " ")), &|y| {
                kt_text(y.cause(*c), true)
            }));
        }
        rows.push(line("  solo in the scenario".into(), &|y| {
            kt_text(y.solo_t, false)
        }));
        rows.push(line("    interaction".into(), &|y| {
            kt_text(y.cause(Cause::Interaction), true)
        }));
        rows.push(line("  Shapley in the scenario".into(), &|y| {
            kt_text(y.shapley_t, false)
        }));
    }
    (header, rows)
}

/// The reconciliation as a report table (`reconciliation`): one row per project and year
/// from the project's first operating year (before it, every figure is 0 by construction),
/// t CO2e.
pub fn reconciliation_table(r: &Reconciliation) -> Result<Table, ReportError> {
    let mut b = TableBuilder::new();
    let project = b.text("Project");
    let action = b.text("Action");
    let year = b.integer("Year");
    let pv = b.number("Project view (t CO2e)");
    let solo = b.number("Solo in the scenario");
    let shapley = b.number("Shapley in the scenario");
    let causes: Vec<(Cause, usize)> = Cause::ALL
        .iter()
        .map(|c| (*c, b.number(&c.id().replace('_', " "))))
        .collect();
    for p in &r.projects {
        for y in p.years.iter().filter(|y| y.year >= p.appraisal.start) {
            b.push_text(
                project,
                p.appraisal
                    .name
                    .clone()
                    .unwrap_or_else(|| p.appraisal.id.clone()),
            );
            b.push_text(action, p.action.clone());
            b.push_integer(year, Some(y.year));
            b.push_number(pv, y.project_view_t);
            b.push_number(solo, Some(y.solo_t));
            b.push_number(shapley, Some(y.shapley_t));
            for (c, col) in &causes {
                b.push_number(*col, Some(y.cause(*c)));
            }
        }
    }
    b.finish(
        "reconciliation",
        &format!("Linked projects: project view and scenario view ({})", r.scenario),
        "t CO2e per year. Project view: the methodology's reduction; solo and Shapley: the project's contribution in the scenario (lcs_engine::attribute); the causes add up from the project view to Shapley (docs/PROJECTS.md, Reconciliation).",
    )
}

/// The report's pipeline table (`pipeline`): one row per project, the figures of
/// `summary.csv` (reductions in t CO2e, money in units of the row's currency at its price
/// year, costs in currency per t CO2e).
pub fn pipeline_table(appraisals: &[Appraisal]) -> Result<Table, ReportError> {
    let mut b = TableBuilder::new();
    let id = b.text("Project");
    let name = b.text("Name");
    let methodology = b.text("Methodology");
    let status = b.text("Status");
    let start = b.integer("Start");
    let lifetime = b.integer("Lifetime (yr)");
    let annual = b.number("Annual reduction (t CO2e/yr)");
    let life = b.number("Lifetime reduction (t CO2e)");
    let capex = b.number("Capex");
    let npv = b.number("NPV");
    let lc = b.number("Cost per t CO2e");
    let jcm = b.number("JCM subsidy per t CO2e");
    let currency = b.text("Currency");
    let price_year = b.integer("Price year");
    for a in appraisals {
        let e = a.economics.as_ref();
        b.push_text(id, a.id.clone());
        b.push_text(name, a.name.clone().unwrap_or_default());
        b.push_text(methodology, a.methodology.name());
        b.push_text(status, a.status.name());
        b.push_integer(start, Some(a.start));
        b.push_integer(lifetime, Some(a.lifetime as i32));
        b.push_number(annual, Some(a.annual_reduction_t));
        b.push_number(life, Some(a.lifetime_reduction_t));
        b.push_number(capex, e.map(|e| e.capex));
        b.push_number(npv, e.map(|e| e.npv));
        b.push_number(lc, e.and_then(|e| e.levelised_cost));
        b.push_number(jcm, e.and_then(|e| e.jcm_cost_effectiveness));
        b.push_text(
            currency,
            e.map(|e| e.basis.currency.clone()).unwrap_or_default(),
        );
        b.push_integer(price_year, e.map(|e| e.basis.price_year));
    }
    b.finish(
        "pipeline",
        "Project pipeline",
        "Reductions by each project's methodology (ER = RE − PE, t CO2e; annual = the lifetime mean); capex and NPV in the row's currency at its price year (MYR, not MYR million); cost per t CO2e = discounted net cost over discounted reductions; JCM = subsidy over lifetime reductions (docs/PROJECTS.md, docs/ECONOMICS.md). Empty: no economics or no subsidy.",
    )
}

/// The pipeline chart (`pipeline-cost`): each project with economics as one labelled mark at
/// its lifetime reduction (kt CO2e) and its cost per t CO2e (its currency at its price year,
/// named in the label).
pub fn pipeline_chart(appraisals: &[Appraisal]) -> crate::charts::Scatter {
    let mut notes = vec!["cost per t CO2e: discounted net cost over discounted reductions; below 0 the project pays for itself".to_string()];
    let without: Vec<&str> = appraisals
        .iter()
        .filter(|a| {
            a.economics
                .as_ref()
                .and_then(|e| e.levelised_cost)
                .is_none()
        })
        .map(|a| a.id.as_str())
        .collect();
    if !without.is_empty() {
        notes.push(format!(
            "not drawn (no cost per tonne): {}",
            without.join(", ")
        ));
    }
    let points = appraisals
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let e = a.economics.as_ref()?;
            let cost = e.levelised_cost?;
            Some((
                format!("{} ({} {})", a.id, e.basis.currency, e.basis.price_year),
                a.lifetime_reduction_t / 1000.0,
                cost,
                crate::charts::palette(i),
            ))
        })
        .collect();
    crate::charts::Scatter {
        name: "pipeline-cost".into(),
        title: "Projects: lifetime reduction and cost per tonne".into(),
        x_label: "lifetime reduction (kt CO2e)".into(),
        y_label: "cost per t CO2e (currency of each project)".into(),
        points,
        legend_notes: notes,
    }
}

/// The report's project pipeline section: the pipeline table and chart, then (for projects
/// that the scenarios link) each reconciliation table and the notes of diversions below
/// capacity.
pub fn pipeline_section(
    appraisals: &[Appraisal],
    reconciliations: &[Reconciliation],
    notes: &[String],
    dpi: u32,
) -> Result<crate::Section, ReportError> {
    let mut s = crate::Section::new("projects", "Project pipeline")
        .table(pipeline_table(appraisals)?)
        .chart(crate::charts::render(&pipeline_chart(appraisals), dpi)?);
    for r in reconciliations {
        let mut t = reconciliation_table(r)?;
        t.name = format!("reconciliation-{}", r.scenario);
        s = s.table(t);
        if let Some(n) = r.shapley_sampled {
            s = s.note(format!(
                "{}: a component of the total that more than {} of the {n} actions reach has its Shapley values estimated from random orderings (docs/ATTRIBUTION.md)",
                r.scenario,
                lcs_engine::MAX_EXACT_ACTIONS
            ));
        }
    }
    for n in notes {
        s = s.note(n.clone());
    }
    Ok(s)
}
