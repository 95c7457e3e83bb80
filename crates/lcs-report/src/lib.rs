//! Reports for plan teams (issue 4): the tables that go into a plan document as polars data
//! frames, written as an Excel workbook, CSV, Parquet, IAMC wide CSV, Markdown and one
//! self-contained HTML page, with charts (SVG and PNG, embedded font).
//!
//! The report reads engine results ([`lcs_engine::rows`], targets, attributions) gathered
//! into a [`ScenarioRun`] per scenario; it never recomputes what the engine computes (per
//! capita and per GDP values are the engine's `Emissions Intensity|<driver>` rows).
//!
//! ```no_run
//! # fn demo(runs: &[lcs_report::ScenarioRun]) -> Result<(), String> {
//! let report = lcs_report::Report::build(runs, &[2005, 2025, 2030, 2050])?;
//! let written = report.write(std::path::Path::new("out"), &lcs_report::Format::ALL)?;
//! # Ok(()) }
//! ```
//!
//! Never depends on the binary; the engine crates never depend on this crate. Writes go
//! through [`write_atomic`]. Same inputs, same bytes (fixed workbook date, no timestamps).
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod bars;
pub mod charts;
pub mod compare;
pub mod decomposition;
mod html;
pub mod output;
pub mod regions;
mod run;
pub mod shards;
pub mod tables;
pub mod tornado;
mod write;
mod xlsx;

pub use charts::Chart;
pub use output::write_atomic;
pub use run::{ActionInfo, MeasureInfo, ScenarioRun, TargetRow};
pub use tables::Table;

/// The `model` column of IAMC outputs: the tool's name and version.
pub fn tool_name() -> String {
    format!("lcs {}", env!("CARGO_PKG_VERSION"))
}

/// Progress feedback for long steps (attribution of many scenarios). The binary implements
/// it with a terminal progress bar; libraries stay silent.
pub trait Progress {
    /// A step of `total` units starts.
    fn start(&self, what: &str, total: u64);
    /// One unit is done; `label` says what comes next or what finished.
    fn advance(&self, label: &str);
    /// The step is over.
    fn finish(&self);
}

/// Progress that shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: &str) {}
    fn finish(&self) {}
}

/// An output format of `lcs report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `report.xlsx`: one formatted sheet per table plus an IAMC `data` sheet.
    Xlsx,
    /// `csv/<table>.csv`.
    Csv,
    /// `parquet/<table>.parquet`.
    Parquet,
    /// `iamc.csv`: every result row in IAMC wide form.
    Iamc,
    /// `report.html`: tables and inline SVG charts, self-contained (plus `charts/*.svg|png`).
    Html,
    /// `report.md`: Markdown tables.
    Md,
}

impl Format {
    /// Every format, in writing order.
    pub const ALL: [Format; 6] = [
        Format::Xlsx,
        Format::Csv,
        Format::Parquet,
        Format::Iamc,
        Format::Html,
        Format::Md,
    ];
    /// Parses a format name.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "xlsx" => Format::Xlsx,
            "csv" => Format::Csv,
            "parquet" => Format::Parquet,
            "iamc" => Format::Iamc,
            "html" => Format::Html,
            "md" => Format::Md,
            _ => return None,
        })
    }
    /// The format's name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Iamc => "iamc",
            Format::Html => "html",
            Format::Md => "md",
        }
    }
}

/// A whole report: the plan tables, the IAMC data table and the charts.
pub struct Report {
    /// The plan tables, in document order.
    pub tables: Vec<Table>,
    /// Every result row in IAMC wide form (`model, scenario, region, variable, unit, <years>`).
    pub iamc: Table,
    /// The charts, in document order.
    pub charts: Vec<Chart>,
    /// Scenario ids, for titles.
    pub scenarios: Vec<String>,
    /// Notes to show with the report (e.g. an attribution method that fell back).
    pub notes: Vec<String>,
}

impl Report {
    /// Builds the tables and charts of `runs` at the milestone `years` (years outside a
    /// scenario's range are left empty for it).
    ///
    /// Scenarios of several regions: the plan tables and charts name each scenario
    /// `region.scenario`, and the regions comparison ([`regions`]) follows them.
    pub fn build(runs: &[ScenarioRun], years: &[i32]) -> Result<Report, String> {
        let several = regions::several(runs);
        let labelled = if several {
            regions::labelled(runs)
        } else {
            Vec::new()
        };
        let view = if several { &labelled[..] } else { runs };
        let mut tables = tables::all(view, years)?;
        let iamc = tables::iamc(runs)?;
        let mut charts = charts::all(view)?;
        if several {
            tables.extend(regions::tables(view, years)?);
            charts.extend(regions::charts(view, years)?);
        }
        let notes = runs.iter().flat_map(|r| r.notes.iter().cloned()).collect();
        Ok(Report {
            tables,
            iamc,
            charts,
            scenarios: view.iter().map(|r| r.id.clone()).collect(),
            notes,
        })
    }

    /// Writes the report in `formats` under `dir`; returns the files written, in order.
    pub fn write(
        &self,
        dir: &std::path::Path,
        formats: &[Format],
    ) -> Result<Vec<std::path::PathBuf>, String> {
        write::all(self, dir, formats)
    }

    /// The report as Markdown (titles and pipe tables), for the terminal and `report.md`.
    pub fn markdown(&self) -> String {
        write::markdown(self, &self.tables)
    }

    /// A table by name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// The default milestone years of a set of scenarios: each base year, 2025, 2030, 2040 and
/// 2050 where inside the model years, and each end year.
pub fn default_years(runs: &[ScenarioRun]) -> Vec<i32> {
    let mut ys: Vec<i32> = Vec::new();
    for r in runs {
        let (Some(&y0), Some(&yn)) = (r.years.first(), r.years.last()) else {
            continue;
        };
        ys.push(y0);
        ys.extend(
            [2025, 2030, 2040, 2050]
                .into_iter()
                .filter(|y| *y > y0 && *y < yn),
        );
        ys.push(yn);
    }
    ys.sort_unstable();
    ys.dedup();
    ys
}
