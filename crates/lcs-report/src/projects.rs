//! The CSV files of `lcs projects` (docs/PROJECTS.md "Outputs"): the yearly table, the
//! summary (one row per project) and the committed landfill CH4 of waste projects.
//!
//! Units: emissions in t CO2e (per year in the yearly table, over the lifetime or per year
//! as the column says in the summary); money in units of the row's `currency` at its
//! `price_year` (MYR, not MYR million); costs per tonne in currency per t CO2e. Numbers are
//! written as the shortest text that reads back to the same value; an empty field is a
//! value that does not exist (no economics, no subsidy).

use crate::output::{field, num};
use lcs_projects::Appraisal;

/// Header of `projects.csv`.
pub const PROJECTS_HEADER: &str = "project,year,reference,project_emissions,reduction,unit";

/// Header of `summary.csv`.
pub const SUMMARY_HEADER: &str = "project,name,methodology,status,start,lifetime,annual_reduction,lifetime_reduction,capex,npv,levelised_cost,jcm_cost_effectiveness,currency,price_year";

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
