//! `lcs report`: the tables, workbook, charts and HTML page of a plan document, from the
//! engine's results (lcs-report does the tables and writing; this is the glue).

use super::{check_years, compile, load_all, report_run_error, run_info, Failure};
use crate::cli::ReportFormat;
use lcs_engine::{
    attribute, evaluate_targets, run_all, run_reference, AttributionError, Compiled, Method,
    Workspace,
};
use lcs_report::{Format, Options, Progress, Report, ScenarioRun};
use std::path::{Path, PathBuf};

/// A terminal progress bar (hidden when stderr is not a terminal).
struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn start(&self, what: &str, total: u64) {
        self.0.set_length(total);
        self.0.set_position(0);
        self.0.set_message(what.to_string());
    }
    fn advance(&self, label: &str) {
        self.0.set_message(label.to_string());
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn bar() -> Bar {
    let pb = indicatif::ProgressBar::new(0);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {wide_msg}")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    Bar(pb)
}

fn format_of(f: ReportFormat) -> Format {
    match f {
        ReportFormat::Xlsx => Format::Xlsx,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Parquet => Format::Parquet,
        ReportFormat::Iamc => Format::Iamc,
        ReportFormat::Html => Format::Html,
        ReportFormat::Md => Format::Md,
    }
}

/// Files for the report's extra sections.
pub struct Extra {
    /// Project files for the pipeline section.
    pub projects: Vec<PathBuf>,
    /// Network files for the eco-town section.
    pub ecotown: Vec<PathBuf>,
}

#[allow(clippy::too_many_arguments)]
pub fn run(
    files: &[PathBuf],
    out: &Path,
    years: &[i32],
    formats: &[ReportFormat],
    compare_to: Option<String>,
    dpi: u32,
    decompose_year: Option<i32>,
    extra: &Extra,
) -> Result<(), Failure> {
    let (mut loader, scenarios) = load_all(files)?;
    check_years(&scenarios, years, "report year")?;
    // Extra files are checked before any work starts.
    let mut extra_projects = Vec::new();
    let mut extra_networks = Vec::new();
    let mut failed = false;
    for f in &extra.projects {
        match loader.load_projects(f) {
            Ok(p) => extra_projects.extend(p),
            Err(d) => {
                crate::render::report(&d, &loader.sources);
                failed = true;
            }
        }
    }
    for f in &extra.ecotown {
        match loader.load_ecotown(f) {
            Ok(n) => extra_networks.push(n),
            Err(d) => {
                crate::render::report(&d, &loader.sources);
                failed = true;
            }
        }
    }
    if failed {
        return Err(Failure::Reported);
    }
    let mut link_notes: Vec<String> = Vec::new();
    let progress = bar();
    progress.start("running scenarios", 3 * scenarios.len() as u64);
    let mut runs = Vec::new();
    let mut breakdowns = Vec::new();
    // Each scenario is compiled and run once; the GPC, data-quality and explanation
    // sections below read these.
    let mut compiled = Vec::with_capacity(scenarios.len());
    for s in &scenarios {
        let c = compile(s)?;
        let ws = run_all(&c).map_err(|e| report_run_error(&loader, s, &e))?;
        if decompose_year.is_some() {
            breakdowns.push(lcs_engine::breakdown(s, &c, &ws));
        }
        let reference = run_reference(&c).map_err(|e| report_run_error(&loader, s, &e))?;
        let targets = evaluate_targets(s, &c, &ws, &reference);
        for n in lcs_projects::link::capacity_notes(s, &c, &ws) {
            link_notes.push(format!("{}: {n}", s.id));
        }
        for n in lcs_projects::link::overlap_notes(s) {
            link_notes.push(format!("{}: {n}", s.id));
        }
        progress.advance(&format!("{}: sequential attribution", s.id));
        let attribution_failed = |e: AttributionError| match e {
            AttributionError::Run(e) => report_run_error(&loader, s, &e),
        };
        let mut notes = Vec::new();
        let (sequential, shapley) = if s.actions.is_empty() {
            (None, None)
        } else {
            let seq = attribute(&c, Method::Sequential).map_err(attribution_failed)?;
            progress.advance(&format!(
                "{}: Shapley attribution ({} actions)",
                s.id,
                s.actions.len()
            ));
            let shap = attribute(&c, Method::Shapley).map_err(attribution_failed)?;
            // Exact by components; a component too large for enumeration was sampled.
            if let Some(r) = shap.shapley.as_ref().filter(|r| !r.is_exact()) {
                let last = r.exact_share.len().saturating_sub(1);
                notes.push(format!(
                    "scenario `{}`: a component of the total has more than {} actions, so its part of the Shapley columns is estimated from random orderings (seed 1; {:.1} % of the reduction in the last year is exact)",
                    s.id,
                    lcs_engine::MAX_EXACT_ACTIONS,
                    100.0 * r.exact_share.get(last).copied().unwrap_or(1.0)
                ));
            }
            (Some(seq), Some(shap))
        };
        progress.advance(&format!("{}: done", s.id));
        let mut r = ScenarioRun::from_engine(s, &c, &ws, &reference, &targets, sequential, shapley);
        r.notes = notes;
        // Cost data: the MACC and the costs of the plan chapter (docs/COSTS.md).
        if let Some(year) = r.plan_year() {
            r.costs = super::macc::report_costs(&loader, s, &c, year)?;
        }
        runs.push(r);
        compiled.push((c, ws));
    }
    progress.finish();
    let formats: Vec<Format> = if formats.is_empty() {
        Format::ALL.to_vec()
    } else {
        formats.iter().map(|f| format_of(*f)).collect()
    };
    let options = Options {
        years: years.to_vec(),
        compare_to,
        dpi,
    };
    let message = |e: lcs_report::ReportError| Failure::Message(e.to_string());
    let mut report = Report::build(&runs, &options).map_err(message)?;
    if let Some(y) = decompose_year {
        let ds = decompositions(&breakdowns, y)?;
        report.add_decompositions(&ds, dpi).map_err(message)?;
    }
    // A GPC inventory for each scenario whose model asks for one (`report.gpc`,
    // docs/EXTENSIONS.md "GPC reporting"), at the report's milestone years.
    for (s, (c, ws)) in scenarios.iter().zip(&compiled) {
        if s.model.gpc.is_none() {
            continue;
        }
        let parts = lcs_engine::emission_parts(c, ws);
        let model_years = c.years();
        let gpc_years = if years.is_empty() {
            lcs_report::milestone_years(s.model.base_year, s.model.end_year)
        } else {
            years.to_vec()
        };
        let section = lcs_report::gpc::section(&s.model, &s.id, &parts, &model_years, &gpc_years)
            .map_err(message)?;
        report.push_section(section).map_err(message)?;
    }
    let milestones = if options.years.is_empty() {
        lcs_report::default_years(&runs)
    } else {
        options.years.clone()
    };
    for section in super::links::sections(
        &scenarios,
        &extra_projects,
        &extra_networks,
        &milestones,
        &link_notes,
        dpi,
    )? {
        report.push_section(section).map_err(message)?;
    }
    report.notes.extend(link_notes);
    report
        .push_section(quality_section(&loader, &scenarios, &compiled)?)
        .map_err(message)?;
    report.explanations = explanations(&loader, &scenarios, &compiled, &report)?;
    let all: Vec<&lcs_model::Scenario> = scenarios.iter().collect();
    let info = run_info("report", lcs_report::manifest::OutKind::Dir, &loader, &all);
    let written = report
        .write_with_manifest(out, &formats, &info)
        .map_err(message)?;
    for name in ["emissions", "comparison", "targets"] {
        if let Some(t) = report.table(name) {
            println!("{}", t.markdown());
        }
    }
    for n in &report.notes {
        println!("note: {n}");
    }
    println!("wrote {} files under {}", written.len(), out.display());
    for f in written
        .iter()
        .filter(|p| p.parent() == Some(out) || p.extension().is_some_and(|e| e == "png"))
    {
        println!("  {}", f.display());
    }
    Ok(())
}

/// `--decompose YEAR`: per region, its first scenario (its business as usual) from its base
/// year to YEAR, and from it to each other scenario of the region in YEAR.
fn decompositions(
    breakdowns: &[lcs_engine::Breakdown],
    year: i32,
) -> Result<Vec<lcs_decompose::Decomposition>, Failure> {
    use lcs_decompose::{decompose, Options, Point};
    let mut out = Vec::new();
    let opts = Options::default();
    let fail = |e: lcs_decompose::DecomposeError| Failure::Message(format!("--decompose: {e}"));
    for (i, first) in breakdowns.iter().enumerate() {
        if breakdowns[..i].iter().any(|b| b.region == first.region) {
            continue;
        }
        if !first.years.contains(&year) {
            return Err(Failure::Message(format!(
                "--decompose {year}: the year is outside the model years of `{}`",
                first.scenario
            )));
        }
        let base = first.years[0];
        if base != year {
            let at = |y| Point {
                breakdown: first,
                year: y,
            };
            out.push(decompose(at(base), at(year), &opts).map_err(fail)?);
        }
        for other in breakdowns[i + 1..]
            .iter()
            .filter(|b| b.region == first.region)
        {
            let a = Point {
                breakdown: first,
                year,
            };
            let b = Point {
                breakdown: other,
                year,
            };
            out.push(decompose(a, b, &opts).map_err(fail)?);
        }
    }
    Ok(out)
}

/// The data-quality section: the base-year inputs of the first scenario of each model, then,
/// labelled `region.scenario`, the inputs a later scenario of the same model defines
/// elsewhere (its `overrides:`, which may read another data file) (docs/EXPLAIN.md, "Data
/// quality in reports").
fn quality_section(
    loader: &lcs_model::Loader,
    scenarios: &[lcs_model::Scenario],
    compiled: &[(Compiled, Workspace)],
) -> Result<lcs_report::Section, Failure> {
    // Per region, the (path, place) of every input listed so far.
    type Listed = Vec<(String, Option<lcs_model::Span>)>;
    let mut seen: Vec<(&str, Listed)> = Vec::new();
    let mut all = Vec::new();
    for (s, (c, _)) in scenarios.iter().zip(compiled) {
        let inputs = lcs_engine::inputs(s, c, s.model.base_year);
        let key = |i: &lcs_engine::Input| (i.path.clone(), i.defined_at);
        let region = s.model.region_id.as_str();
        match seen.iter_mut().find(|(r, _)| *r == region) {
            None => {
                seen.push((region, inputs.iter().map(key).collect()));
                all.push((region.to_string(), s.model.base_year, inputs));
            }
            Some((_, listed)) => {
                // Found by the held-out review: a later scenario's overridden inputs (read
                // from another data file, say) were not in the table at all.
                let own: Vec<lcs_engine::Input> = inputs
                    .into_iter()
                    .filter(|i| !listed.contains(&key(i)))
                    .collect();
                if own.is_empty() {
                    continue;
                }
                listed.extend(own.iter().map(key));
                all.push((format!("{region}.{}", s.id), s.model.base_year, own));
            }
        }
    }
    let at = |i: &lcs_engine::Input| {
        i.defined_at.map_or_else(String::new, |sp| {
            format!("{}:{}:{}", loader.sources.name(sp.file), sp.line, sp.col)
        })
    };
    let models: Vec<lcs_report::quality::ModelInputs> = all
        .iter()
        .map(|(region, year, inputs)| lcs_report::quality::ModelInputs {
            region: region.clone(),
            year: *year,
            inputs: inputs.iter().map(|i| (i, at(i))).collect(),
        })
        .collect();
    lcs_report::quality::section(&models).map_err(|e| Failure::Message(e.to_string()))
}

/// The explanations of every linked value of the report's tables, for the HTML page
/// (docs/EXPLAIN.md, "In reports"): two levels deep for the values of the emissions table,
/// one level for the values only other tables link, which keeps the page small.
fn explanations(
    loader: &lcs_model::Loader,
    scenarios: &[lcs_model::Scenario],
    compiled: &[(Compiled, Workspace)],
    report: &Report,
) -> Result<Vec<lcs_report::Explained>, Failure> {
    let mut out: Vec<lcs_report::Explained> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (s, (c, _)) in scenarios.iter().zip(compiled) {
        // The emissions table's values first, so that a value it shares with another table
        // gets its two levels.
        let mut refs: Vec<(&lcs_report::tables::CellRef, usize)> = report
            .tables()
            .flat_map(|t| {
                let depth = if t.name == "emissions" { 2 } else { 1 };
                t.links.iter().map(move |l| (&l.2, depth))
            })
            .filter(|(r, _)| r.scenario == s.id && r.region == s.model.region_id)
            .collect();
        refs.sort_by_key(|(_, depth)| std::cmp::Reverse(*depth));
        if refs.is_empty() {
            continue;
        }
        let ex = lcs_engine::Explainer::new(s, c).map_err(|e| report_run_error(loader, s, &e))?;
        for (r, depth) in refs {
            let anchor = r.anchor();
            if !seen.insert(anchor.clone()) {
                continue;
            }
            // A linked value is a row of this run, so it can be explained; one that
            // cannot (undefined) keeps its cell without a link.
            if let Ok(e) = ex.explain(&r.variable, r.year, Some(depth)) {
                out.push(lcs_report::Explained {
                    anchor,
                    title: format!("{} {}, {}", r.scenario, r.year, r.variable),
                    text: lcs_report::explain::explanation_text(&e, &loader.sources),
                });
            }
        }
    }
    Ok(out)
}
