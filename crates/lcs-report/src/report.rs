//! Assembling the report of a set of runs: the sections in document order.

use crate::charts::{self, render};
use crate::tables::{self, milestones};
use crate::{Item, Options, Report, ReportError, ScenarioRun, Section};

/// The milestone years to use, checked against the runs' years.
fn years_of(runs: &[ScenarioRun], options: &Options) -> Result<Vec<i32>, ReportError> {
    let mut years = if options.years.is_empty() {
        crate::default_years(runs)
    } else {
        options.years.clone()
    };
    years.sort_unstable();
    years.dedup();
    let outside: Vec<i32> = years
        .iter()
        .copied()
        .filter(|y| runs.iter().all(|r| r.year_index(*y).is_none()))
        .collect();
    if !outside.is_empty() {
        let first = runs.iter().filter_map(|r| r.years.first()).min().copied();
        let last = runs.iter().filter_map(|r| r.years.last()).max().copied();
        return Err(ReportError::YearsOutside {
            years: outside,
            first: first.unwrap_or(0),
            last: last.unwrap_or(0),
        });
    }
    Ok(years)
}

fn compare_index(runs: &[ScenarioRun], options: &Options) -> Result<Option<usize>, ReportError> {
    let Some(id) = &options.compare_to else {
        return Ok(None);
    };
    match runs.iter().position(|r| &r.id == id) {
        Some(i) => Ok(Some(i)),
        None => {
            let known: Vec<String> = runs.iter().map(|r| r.id.clone()).collect();
            Err(ReportError::UnknownScenario {
                id: id.clone(),
                suggestions: lcs_units::nearest(id, known.iter().map(String::as_str)),
                known,
            })
        }
    }
}

pub(crate) fn build(runs: &[ScenarioRun], options: &Options) -> Result<Report, ReportError> {
    if runs.is_empty() {
        return Err(ReportError::NoScenarios);
    }
    let years = years_of(runs, options)?;
    let compare_to = compare_index(runs, options)?;
    let dpi = options.dpi;
    let cols = milestones(runs, &years);
    let region = tables::region_name(runs);

    let emissions = Section::new("emissions", "Emissions by sector")
        .table(tables::emissions(runs, &cols)?)
        .chart(render(&charts::sector_bars(runs, &cols), dpi)?)
        .chart(render(&charts::pathways(runs), dpi)?)
        .table(tables::pathways(runs)?);

    let comparison = Section::new("comparison", "Scenario comparison")
        .table(tables::comparison(runs, &years, compare_to)?);
    // The wedges of each scenario with actions, on one value axis, go to its plan chapter.
    let (of_run, mut wedge_plots): (Vec<usize>, Vec<charts::Plot>) = (0..runs.len())
        .filter_map(|i| charts::wedges(runs, i, compare_to).map(|p| (i, p)))
        .unzip();
    charts::share_range(&mut wedge_plots);
    let mut chapters: Vec<Section> = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let wedges = match of_run.iter().position(|k| *k == i) {
            Some(j) => Some(render(&wedge_plots[j], dpi)?),
            None => None,
        };
        if let Some(c) = crate::plan::chapter(r, wedges, dpi)? {
            chapters.push(c);
        }
    }

    let mut targets = Section::new("targets", "Targets").table(tables::targets(runs)?);
    let mut drivers: Vec<String> = Vec::new();
    for r in runs {
        for t in &r.targets {
            if let Some(d) = &t.driver {
                if !drivers.contains(d) {
                    drivers.push(d.clone());
                }
            }
        }
    }
    for d in &drivers {
        targets = targets.chart(render(&charts::intensity(runs, d), dpi)?);
    }

    let plan = Section::new("action-plan", "Action plan")
        .table(tables::actions(runs, &years)?)
        .table(tables::measures(runs)?);

    let mut sectors = Section::new("sectors", "Emissions by sector over time");
    for p in charts::sectors(runs) {
        sectors = sectors.chart(render(&p, dpi)?);
    }

    let mut energy =
        Section::new("energy", "Final energy").table(tables::final_energy(runs, &cols)?);
    for p in charts::fuels(runs) {
        energy = energy.chart(render(&p, dpi)?);
    }

    let electricity =
        Section::new("electricity", "Electricity").table(tables::electricity(runs, &cols)?);
    let waste = Section::new("waste", "Waste").table(tables::waste(runs, &cols)?);

    let legend: Vec<String> = runs
        .iter()
        .map(|r| match &r.name {
            Some(n) => format!("{}: {n}", r.id),
            None => r.id.clone(),
        })
        .collect();
    let names: Vec<&str> = runs.iter().map(|r| r.title()).collect();
    let mut report = Report {
        title: format!("{region}: {}", names.join("; ")),
        heading: format!("{region}: emission scenarios"),
        scenarios: runs.iter().map(|r| r.id.clone()).collect(),
        legend,
        sections: Vec::new(),
        iamc: tables::iamc(runs)?,
        notes: runs.iter().flat_map(|r| r.notes.iter().cloned()).collect(),
        explanations: Vec::new(),
    };
    let sections = [emissions, comparison, targets, plan]
        .into_iter()
        .chain(chapters)
        .chain([sectors, energy, electricity, waste]);
    for s in sections {
        if s.items.iter().any(|i| !matches!(i, Item::Note(_))) {
            report.push_section(s)?;
        }
    }
    Ok(report)
}
