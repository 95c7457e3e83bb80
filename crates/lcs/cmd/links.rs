//! The report sections of linked projects and networks (`lcs report`): the project pipeline
//! (projects the scenarios link and those of `--projects`) with each scenario's
//! reconciliation, and one eco-town section per network (linked ones with the inventory
//! change of their measures, and those of `--ecotown`). Glue only: the numbers are
//! `lcs-projects`' and `lcs-ecotown`'s, the layouts `lcs-report`'s.

use super::Failure;
use lcs_model::ecotown::Network;
use lcs_model::link::Linked;
use lcs_model::{Project, Scenario};
use lcs_report::Section;

pub fn sections(
    scenarios: &[Scenario],
    extra_projects: &[Project],
    extra_networks: &[Network],
    years: &[i32],
    notes: &[String],
    dpi: u32,
) -> Result<Vec<Section>, Failure> {
    let message = |e: lcs_report::ReportError| Failure::Message(e.to_string());
    let mut out = Vec::new();
    // Projects: linked ones first (in scenario and link order), then `--projects`; one each.
    let mut projects: Vec<&Project> = Vec::new();
    for s in scenarios {
        for l in &s.links {
            if let Linked::Project(p) = &l.linked {
                if !projects.iter().any(|q| q.id == p.id) {
                    projects.push(p);
                }
            }
        }
    }
    for p in extra_projects {
        if !projects.iter().any(|q| q.id == p.id) {
            projects.push(p);
        }
    }
    if !projects.is_empty() {
        let mut appraisals = Vec::new();
        for p in &projects {
            appraisals.push(lcs_projects::appraise(p)?);
        }
        let mut reconciliations = Vec::new();
        for s in scenarios {
            if !s
                .links
                .iter()
                .any(|l| matches!(l.linked, Linked::Project(_)))
            {
                continue;
            }
            let ys: Vec<i32> = years
                .iter()
                .copied()
                .filter(|y| *y >= s.model.base_year && *y <= s.model.end_year)
                .collect();
            reconciliations.push(lcs_projects::reconcile::reconcile(s, &ys)?);
        }
        out.push(
            lcs_report::projects::pipeline_section(&appraisals, &reconciliations, notes, dpi)
                .map_err(message)?,
        );
    }
    // Networks: linked ones with their scenario view, then `--ecotown`; one section each.
    let mut done: Vec<String> = Vec::new();
    for s in scenarios {
        let views = lcs_ecotown::boundary::scenario_view(s)?;
        for v in views {
            if done.contains(&v.assessment.id) {
                continue;
            }
            let ys: Vec<i32> = years
                .iter()
                .copied()
                .filter(|y| v.years.contains(y))
                .collect();
            out.push(
                lcs_report::network::ecotown_section(&v.assessment, &v.boundary, Some(&v), &ys)
                    .map_err(message)?,
            );
            done.push(v.assessment.id.clone());
        }
    }
    for n in extra_networks {
        if done.contains(&n.id) {
            continue;
        }
        let a = lcs_ecotown::assess(n)?;
        let b = lcs_ecotown::boundary::boundary(n, &a);
        let ys: Vec<i32> = years
            .iter()
            .copied()
            .filter(|y| a.years.contains(y))
            .collect();
        out.push(lcs_report::network::ecotown_section(&a, &b, None, &ys).map_err(message)?);
        done.push(n.id.clone());
    }
    Ok(out)
}
