//! `lcs report`: the tables, workbook, charts and HTML page of a plan document, from the
//! engine's results (lcs-report does the tables and writing; this is the glue).

use super::{check_years, compile, load_all, report_run_error, run_info, Failure};
use crate::cli::ReportFormat;
use lcs_engine::{attribute, evaluate_targets, run_all, run_reference, AttributionError, Method};
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

/// Orderings used to estimate Shapley values above the exact limit.
const SAMPLED_ORDERINGS: usize = 1000;

pub fn run(
    files: &[PathBuf],
    out: &Path,
    years: &[i32],
    formats: &[ReportFormat],
    compare_to: Option<String>,
    dpi: u32,
) -> Result<(), Failure> {
    let (loader, scenarios) = load_all(files)?;
    check_years(&scenarios, years, "report year")?;
    let progress = bar();
    progress.start("running scenarios", 3 * scenarios.len() as u64);
    let mut runs = Vec::new();
    for s in &scenarios {
        let c = compile(s)?;
        let ws = run_all(&c).map_err(|e| report_run_error(&loader, s, &e))?;
        let reference = run_reference(&c).map_err(|e| report_run_error(&loader, s, &e))?;
        let targets = evaluate_targets(s, &c, &ws, &reference);
        progress.advance(&format!("{}: sequential attribution", s.id));
        let attribution_failed = |e: AttributionError| match e {
            AttributionError::Run(e) => Err(report_run_error(&loader, s, &e)),
            AttributionError::TooManyActions { n } => Ok((None, n)),
        };
        let mut notes = Vec::new();
        let (sequential, shapley) = if s.actions.is_empty() {
            (None, None)
        } else {
            let seq = match attribute(&c, Method::Sequential) {
                Ok(a) => Some(a),
                Err(e) => attribution_failed(e)?.0,
            };
            progress.advance(&format!(
                "{}: Shapley attribution ({} actions)",
                s.id,
                s.actions.len()
            ));
            let shap = match attribute(&c, Method::Shapley) {
                Ok(a) => Some(a),
                Err(e) => {
                    let (_, n) = attribution_failed(e)?;
                    // Above the exact limit: Shapley values estimated from random orderings.
                    let method = Method::ShapleySampled {
                        permutations: SAMPLED_ORDERINGS,
                        seed: 1,
                    };
                    let a = match attribute(&c, method) {
                        Ok(a) => Some(a),
                        Err(e) => attribution_failed(e)?.0,
                    };
                    notes.push(format!(
                        "scenario `{}` has {n} actions; exact Shapley attribution takes at most {}, so its Shapley columns are estimated from {SAMPLED_ORDERINGS} random orderings of the actions (seed 1)",
                        s.id,
                        lcs_engine::MAX_SHAPLEY_ACTIONS
                    ));
                    a
                }
            };
            (seq, shap)
        };
        progress.advance(&format!("{}: done", s.id));
        let mut r = ScenarioRun::from_engine(s, &c, &ws, &reference, &targets, sequential, shapley);
        r.notes = notes;
        runs.push(r);
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
    // A GPC inventory for each scenario whose model asks for one (`report.gpc`,
    // docs/EXTENSIONS.md "GPC reporting"), at the report's milestone years.
    for s in &scenarios {
        if s.model.gpc.is_none() {
            continue;
        }
        let c = compile(s)?;
        let ws = run_all(&c).map_err(|e| report_run_error(&loader, s, &e))?;
        let parts = lcs_engine::emission_parts(&c, &ws);
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
    // Cost data: a MACC section for each scenario that has it (docs/COSTS.md).
    for s in &scenarios {
        if let Some(section) = super::macc::report_section(&loader, s, dpi)? {
            report.push_section(section).map_err(message)?;
        }
    }
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
