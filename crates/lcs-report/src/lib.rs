//! Reports for plan teams (issues 4 and 13): the tables that go into a plan document as
//! polars data frames, in the blueprint's layout (sectors down, scenario-years across,
//! display names, units once in the header, totals bold), written as a print-ready Excel
//! workbook (page setup, native charts), CSV, Parquet, IAMC wide CSV, Markdown and one
//! self-contained HTML page with a print stylesheet, with charts (SVG, and PNG at print
//! resolution; embedded font).
//!
//! A [`Report`] is a list of [`Section`]s (tables, charts, notes in document order) that
//! every writer renders the same way; other crates add theirs with
//! [`Report::push_section`], building tables with [`TableBuilder`] and charts with
//! [`charts::Plot`], [`charts::Bars`] or [`charts::Histogram`] and [`charts::render`].
//!
//! The report reads engine results ([`lcs_engine::rows`], targets, attributions) gathered
//! into a [`ScenarioRun`] per scenario; it never recomputes what the engine computes (per
//! capita and per GDP values are the engine's `Emissions Intensity|<driver>` rows). Units:
//! the engine's row units (kt CO2e/yr, TJ/yr, MWh/yr, t/yr, each driver's unit).
//!
//! ```no_run
//! # fn demo(runs: &[lcs_report::ScenarioRun]) -> Result<(), lcs_report::ReportError> {
//! let options = lcs_report::Options { years: vec![2005, 2025, 2030, 2050], ..Default::default() };
//! let report = lcs_report::Report::build(runs, &options)?;
//! let written = report.write(std::path::Path::new("out"), &lcs_report::Format::ALL)?;
//! # Ok(()) }
//! ```
//!
//! Never depends on the binary or on `lcs-uncertainty` (ensemble charts take plain
//! numbers); the engine crates never depend on this crate. Errors are [`ReportError`]s, with
//! the finer kinds they wrap: [`output::OutputError`] (a file or folder not written),
//! [`charts::ChartError`] (a chart not drawn) and [`manifest::ManifestError`];
//! [`shards::parquet_columns`] returns a [`shards::ParquetError`] (shard bytes not
//! decoded), which [`shards::read_parquet`] reports as a [`ReportError::Read`] of its file.
//! Writes go through [`write_atomic`]. Same inputs, same bytes (fixed workbook date, no
//! timestamps).
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod charts;
pub mod compare;
pub mod decomposition;
pub mod ensemble;
mod error;
pub mod explain;
pub mod gpc;
mod html;
pub mod json;
pub mod macc;
pub mod manifest;
pub mod network;
pub mod output;
pub mod plan;
pub mod projects;
pub mod quality;
pub mod regions;
mod report;
mod run;
pub mod shards;
pub mod tables;
pub mod tornado;
mod waterfall;
mod write;
mod xlsx;

pub use charts::{Chart, ChartError};
pub use error::ReportError;
pub use output::{write_atomic, OutputError};
pub use run::{target_metric, ActionInfo, MeasureInfo, Names, RunCosts, ScenarioRun, TargetRow};
pub use tables::{Table, TableBuilder};

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

/// One part of a report, in document order: tables, charts and notes. Every writer
/// renders every section the same way (a heading, then its items): the workbook puts each
/// table on its own sheet (with its native chart beside it), CSV and Parquet write each
/// table to a file, HTML and Markdown show the items in order. Other crates (a project
/// pipeline, a GPC inventory, a MACC) add their parts with [`Report::push_section`].
#[derive(Clone, Debug)]
pub struct Section {
    /// Anchor id (`emissions`, `macc`): lower case, digits and `-`.
    pub id: String,
    /// Heading.
    pub title: String,
    /// The contents, in order.
    pub items: Vec<Item>,
}

/// An item of a [`Section`].
#[derive(Clone, Debug)]
pub enum Item {
    /// A table.
    Table(Table),
    /// A chart.
    Chart(Chart),
    /// A paragraph of text.
    Note(String),
}

impl Section {
    /// An empty section.
    pub fn new(id: &str, title: &str) -> Section {
        Section {
            id: id.to_string(),
            title: title.to_string(),
            items: Vec::new(),
        }
    }
    /// Adds a table.
    pub fn table(mut self, t: Table) -> Section {
        self.items.push(Item::Table(t));
        self
    }
    /// Adds a chart.
    pub fn chart(mut self, c: Chart) -> Section {
        self.items.push(Item::Chart(c));
        self
    }
    /// Adds a note.
    pub fn note(mut self, n: impl Into<String>) -> Section {
        self.items.push(Item::Note(n.into()));
        self
    }
}

/// How to build a report.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Milestone years of the tables (empty: [`default_years`]).
    pub years: Vec<i32>,
    /// Compare every scenario with this one (its id) instead of its own reference.
    pub compare_to: Option<String>,
    /// PNG resolution of the charts (8 in wide).
    pub dpi: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            years: Vec::new(),
            compare_to: None,
            dpi: charts::DEFAULT_DPI,
        }
    }
}

/// A whole report: a title, sections in document order, the IAMC data table.
pub struct Report {
    /// The title: the region and the scenarios' names.
    pub title: String,
    /// A short heading: the region's name and "emission scenarios".
    pub heading: String,
    /// Scenario ids, in order.
    pub scenarios: Vec<String>,
    /// One line per scenario: `id: name`.
    pub legend: Vec<String>,
    /// The sections, in document order.
    pub sections: Vec<Section>,
    /// Every result row in IAMC wide form (`model, scenario, region, variable, unit, <years>`).
    pub iamc: Table,
    /// Notes to show with the report (e.g. an attribution method that fell back).
    pub notes: Vec<String>,
    /// Explanations of table values (`lcs explain` text), shown at the end of the HTML page
    /// and linked from the cells they explain ([`tables::CellRef::anchor`]).
    pub explanations: Vec<Explained>,
}

/// The explanation of one table value, for the HTML page.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    /// The page anchor ([`tables::CellRef::anchor`]).
    pub anchor: String,
    /// The summary line.
    pub title: String,
    /// The explanation as text.
    pub text: String,
}

impl Report {
    /// Builds the sections of `runs` (years outside a scenario's range are left empty for
    /// it; a year outside every scenario's range is an error).
    ///
    /// Scenarios of several regions: the sections name each scenario `region.scenario`
    /// (the IAMC data keeps the plain id and the region), and a section puts the regions side
    /// by side ([`regions`]).
    pub fn build(runs: &[ScenarioRun], options: &Options) -> Result<Report, ReportError> {
        if !regions::several(runs) {
            return report::build(runs, options);
        }
        let labelled = regions::labelled(runs);
        let mut report = report::build(&labelled, options)?;
        report.iamc = tables::iamc(runs)?;
        let mut years = if options.years.is_empty() {
            default_years(runs)
        } else {
            options.years.clone()
        };
        years.sort_unstable();
        years.dedup();
        report.push_section(regions::section(&labelled, &years, options.dpi)?)?;
        Ok(report)
    }

    /// Adds a section at the end (before the IAMC data). Its tables and charts must not
    /// share a name with those already in the report.
    pub fn push_section(&mut self, section: Section) -> Result<(), ReportError> {
        for it in &section.items {
            let name = match it {
                Item::Table(t) => &t.name,
                Item::Chart(c) => &c.name,
                Item::Note(_) => continue,
            };
            let clash = name == "data"
                || self.tables().any(|t| &t.name == name)
                || self.charts().any(|c| &c.name == name);
            if clash {
                return Err(ReportError::DuplicateName { name: name.clone() });
            }
        }
        self.sections.push(section);
        Ok(())
    }

    /// Every table, in document order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|s| {
            s.items.iter().filter_map(|i| match i {
                Item::Table(t) => Some(t),
                _ => None,
            })
        })
    }

    /// Every chart, in document order.
    pub fn charts(&self) -> impl Iterator<Item = &Chart> {
        self.sections.iter().flat_map(|s| {
            s.items.iter().filter_map(|i| match i {
                Item::Chart(c) => Some(c),
                _ => None,
            })
        })
    }

    /// Writes the report in `formats` under `dir`; returns the files written, in order. The
    /// folder is built beside `dir` and renamed into place as a whole
    /// ([`output::replace_dir`]); a `dir` holding files lcs did not write is refused.
    pub fn write(
        &self,
        dir: &std::path::Path,
        formats: &[Format],
    ) -> Result<Vec<std::path::PathBuf>, ReportError> {
        output::replace_dir(dir, |tmp| write::all(self, tmp, formats))
    }

    /// [`Report::write`] with the run's manifest (`manifest.json`) written into the folder.
    pub fn write_with_manifest(
        &self,
        dir: &std::path::Path,
        formats: &[Format],
        info: &manifest::RunInfo,
    ) -> Result<Vec<std::path::PathBuf>, ReportError> {
        output::replace_dir_with_manifest(dir, info, ".", "", |tmp| write::all(self, tmp, formats))
    }

    /// The report as Markdown (titles, pipe tables, chart links), for `report.md`.
    pub fn markdown(&self) -> String {
        write::markdown(self)
    }

    /// A table by name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables().find(|t| t.name == name)
    }

    /// A chart by name.
    pub fn chart(&self, name: &str) -> Option<&Chart> {
        self.charts().find(|c| c.name == name)
    }
}

/// The milestone years of one model's years `y0..=yn`: the base year, 2025, 2030, 2040 and
/// 2050 where inside, and the end year.
pub fn milestone_years(y0: i32, yn: i32) -> Vec<i32> {
    let mut ys = vec![y0];
    ys.extend(
        [2025, 2030, 2040, 2050]
            .into_iter()
            .filter(|y| *y > y0 && *y < yn),
    );
    if yn > y0 {
        ys.push(yn);
    }
    ys
}

/// The default milestone years of a set of scenarios: each base year, 2025, 2030, 2040 and
/// 2050 where inside the model years, and each end year.
pub fn default_years(runs: &[ScenarioRun]) -> Vec<i32> {
    let mut ys: Vec<i32> = Vec::new();
    for r in runs {
        let (Some(&y0), Some(&yn)) = (r.years.first(), r.years.last()) else {
            continue;
        };
        ys.extend(milestone_years(y0, yn));
    }
    ys.sort_unstable();
    ys.dedup();
    ys
}
