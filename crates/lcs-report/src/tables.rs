//! The plan tables as polars data frames, in the layout a blueprint prints: sectors down,
//! scenario-years across ([`milestones`]: `2005`, `bau 2025`, `cm-2025`, `bau 2030`,
//! `cap-2030`, …), display names instead of ids, units once in the header (the label
//! column's `[kt CO2e/yr]`, a bracketed unit per numeric column, or a `unit` column where
//! rows differ), totals marked bold, numbers as numbers.
//!
//! Other crates build their tables with [`TableBuilder`] and add them to a report as a
//! [`crate::Section`]; nothing here is specific to one table.

use crate::run::ScenarioRun;
use crate::ReportError;
use lcs_engine::{var, Row};
use polars::prelude::{AnyValue, Column, DataFrame};
use std::ops::Range;

/// One table: a data frame with a name, a title, a note and how to show it.
#[derive(Clone, Debug)]
pub struct Table {
    /// File stem and sheet name, e.g. `emissions` (unique within a report).
    pub name: String,
    /// The title for documents.
    pub title: String,
    /// A note under the title (what the numbers mean).
    pub note: String,
    /// The data.
    pub df: DataFrame,
    /// Rows shown in bold (totals).
    pub bold_rows: Vec<usize>,
    /// Rows whose numbers are percentages (besides columns whose name ends in `[%]`).
    pub percent_rows: Vec<usize>,
    /// A native chart of the table for the workbook, drawn beside it.
    pub chart: Option<SheetChart>,
    /// Cells whose value a report can explain (`lcs explain`): (row, column, what).
    pub links: Vec<(usize, usize, CellRef)>,
}

/// The result value behind a table cell: a variable of one run in one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellRef {
    /// Region id of the run.
    pub region: String,
    /// Scenario id of the run.
    pub scenario: String,
    /// The `results.csv` variable.
    pub variable: String,
    /// The year.
    pub year: i32,
}

impl CellRef {
    /// The page anchor of the value's explanation: `x-<region>-<scenario>-<year>-<n>` with
    /// the variable's characters other than letters and digits as `-`.
    pub fn anchor(&self) -> String {
        let slug = |t: &str| -> String {
            t.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect()
        };
        format!(
            "x-{}-{}-{}-{}",
            slug(&self.region),
            slug(&self.scenario),
            self.year,
            slug(&self.variable)
        )
    }
}

/// A cell of a table, for writers.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Empty.
    Empty,
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// An integer (years).
    Int(i64),
    /// A boolean.
    Bool(bool),
}

/// The kind of a native workbook chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetChartKind {
    /// Lines over the categories.
    Line,
    /// Stacked columns, one per category.
    StackedColumn,
}

/// Where a native chart's series are in its table (indices into the data frame).
#[derive(Clone, Debug, PartialEq)]
pub enum SheetSeries {
    /// One series per row of `rows`, named by column `name_col`, over the columns `cols`
    /// (the categories are those columns' headers).
    Rows {
        /// The rows.
        rows: Vec<usize>,
        /// The column holding each series' name.
        name_col: usize,
        /// The value columns.
        cols: Range<usize>,
    },
    /// One series per column of `cols` (named by its header), over the rows `rows` (the
    /// categories are column `category_col`).
    Columns {
        /// The value columns.
        cols: Vec<usize>,
        /// The column holding the categories.
        category_col: usize,
        /// The rows.
        rows: Range<usize>,
    },
}

/// A native chart of a table (rust_xlsxwriter's chart API), placed beside the table.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetChart {
    /// Line or stacked columns.
    pub kind: SheetChartKind,
    /// The chart title.
    pub title: String,
    /// The value axis title (with its unit).
    pub y_title: String,
    /// Where the series are.
    pub series: SheetSeries,
}

impl Table {
    /// Column names.
    pub fn header(&self) -> Vec<String> {
        self.df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.df.height()
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.df.width()
    }

    /// The cell at (row, column index).
    pub fn cell(&self, row: usize, col: usize) -> Cell {
        match self.df.columns()[col].get(row) {
            Ok(AnyValue::Null) | Err(_) => Cell::Empty,
            Ok(AnyValue::String(s)) => Cell::Text(s.to_string()),
            Ok(AnyValue::StringOwned(s)) => Cell::Text(s.to_string()),
            Ok(AnyValue::Float64(v)) => Cell::Number(v),
            Ok(AnyValue::Int32(v)) => Cell::Int(v.into()),
            Ok(AnyValue::Int64(v)) => Cell::Int(v),
            Ok(AnyValue::Boolean(b)) => Cell::Bool(b),
            Ok(other) => Cell::Text(other.to_string()),
        }
    }

    /// The table as Markdown: a heading with the title, the note, a pipe table.
    pub fn markdown(&self) -> String {
        crate::write::markdown_table(self)
    }

    /// The table as CSV, as written to `csv/<name>.csv`.
    pub fn csv(&self) -> String {
        crate::write::csv(self)
    }

    /// Whether the cell at (row, column) is a percentage.
    pub fn is_percent(&self, row: usize, col: usize) -> bool {
        self.df.columns()[col].name().ends_with("[%]") || self.percent_rows.contains(&row)
    }

    /// Whether a column holds numbers (right-aligned).
    pub fn is_numeric(&self, col: usize) -> bool {
        self.df.columns()[col].dtype().is_primitive_numeric()
    }

    /// Number of leading text columns (row labels, kept in view when scrolling).
    pub fn label_columns(&self) -> usize {
        (0..self.width())
            .take_while(|&c| !self.is_numeric(c) && !self.df.columns()[c].dtype().is_bool())
            .count()
    }
}

/// Formats a number for reading: magnitude-dependent decimals, thousands separators.
pub fn display_number(v: f64, percent: bool) -> String {
    if percent {
        return format!("{v:+.1}");
    }
    let a = v.abs();
    let s = if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    group_thousands(&s)
}

/// A number already formatted (`-1219.1`) with thousands separators in its integer part
/// (`-1,219.1`), for printed tables and text; CSV cells never use it.
pub fn group_thousands(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = match rest.find('.') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if sign == "-"
        && out.chars().all(|c| c == '0' || c == ',')
        && frac.chars().all(|c| c == '.' || c == '0')
    {
        return format!("{out}{frac}");
    }
    format!("{sign}{out}{frac}")
}

/// Columns under construction.
enum Col {
    Str(Vec<String>),
    F64(Vec<Option<f64>>),
    I32(Vec<Option<i32>>),
    Bool(Vec<Option<bool>>),
}

impl Col {
    fn len(&self) -> usize {
        match self {
            Col::Str(v) => v.len(),
            Col::F64(v) => v.len(),
            Col::I32(v) => v.len(),
            Col::Bool(v) => v.len(),
        }
    }
}

/// Builds a [`Table`] column by column, row by row: declare the columns, then push one
/// value into every column per row (a column left short is an error at
/// [`TableBuilder::finish`]). Numbers are `f64` (non-finite values become empty cells),
/// years `i32`.
///
/// ```
/// let mut b = lcs_report::TableBuilder::new();
/// let item = b.text("item");
/// let v = b.number("2030 [kt CO2e/yr]");
/// b.push_text(item, "Total");
/// b.push_number(v, Some(12.5));
/// b.bold_last_row();
/// let t = b.finish("demo", "A demo table", "").unwrap();
/// assert_eq!((t.height(), t.bold_rows.clone()), (1, vec![0]));
/// ```
#[derive(Default)]
pub struct TableBuilder {
    links: Vec<(usize, usize, CellRef)>,
    cols: Vec<(String, Col)>,
    bold: Vec<usize>,
    percent: Vec<usize>,
    chart: Option<SheetChart>,
}

impl TableBuilder {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a text column; returns its index.
    pub fn text(&mut self, name: &str) -> usize {
        self.cols.push((name.into(), Col::Str(Vec::new())));
        self.cols.len() - 1
    }
    /// Adds a number column.
    pub fn number(&mut self, name: &str) -> usize {
        self.cols.push((name.into(), Col::F64(Vec::new())));
        self.cols.len() - 1
    }
    /// Adds an integer column (years).
    pub fn integer(&mut self, name: &str) -> usize {
        self.cols.push((name.into(), Col::I32(Vec::new())));
        self.cols.len() - 1
    }
    /// Adds a yes/no column.
    pub fn boolean(&mut self, name: &str) -> usize {
        self.cols.push((name.into(), Col::Bool(Vec::new())));
        self.cols.len() - 1
    }
    /// Pushes a text value.
    pub fn push_text(&mut self, c: usize, v: impl Into<String>) {
        if let Col::Str(x) = &mut self.cols[c].1 {
            x.push(v.into());
        }
    }
    /// Pushes a number (`None` or non-finite: an empty cell).
    pub fn push_number(&mut self, c: usize, v: Option<f64>) {
        if let Col::F64(x) = &mut self.cols[c].1 {
            x.push(v.filter(|v| v.is_finite()));
        }
    }
    /// Pushes an integer (`None`: an empty cell).
    pub fn push_integer(&mut self, c: usize, v: Option<i32>) {
        if let Col::I32(x) = &mut self.cols[c].1 {
            x.push(v);
        }
    }
    /// Pushes a yes/no value.
    pub fn push_boolean(&mut self, c: usize, v: Option<bool>) {
        if let Col::Bool(x) = &mut self.cols[c].1 {
            x.push(v);
        }
    }
    /// Number of complete rows so far (the length of the first column).
    pub fn rows(&self) -> usize {
        self.cols.first().map(|c| c.1.len()).unwrap_or(0)
    }
    /// Marks the last row pushed as a total (bold).
    pub fn bold_last_row(&mut self) {
        if let Some(r) = self.rows().checked_sub(1) {
            self.bold.push(r);
        }
    }
    /// Links cell (`row`, `col`) to the explanation of the value behind it.
    pub fn link(&mut self, row: usize, col: usize, what: CellRef) {
        self.links.push((row, col, what));
    }
    /// Marks the last row pushed as percentages.
    pub fn percent_last_row(&mut self) {
        if let Some(r) = self.rows().checked_sub(1) {
            self.percent.push(r);
        }
    }
    /// Sets the native workbook chart of the table.
    pub fn chart(&mut self, chart: SheetChart) {
        self.chart = Some(chart);
    }
    /// The table.
    pub fn finish(self, name: &str, title: &str, note: &str) -> Result<Table, ReportError> {
        let n = self.rows();
        if let Some((c, _)) = self.cols.iter().find(|(_, c)| c.len() != n) {
            return Err(ReportError::Table {
                table: name.to_string(),
                message: format!("column `{c}` has a different number of rows"),
            });
        }
        let columns: Vec<Column> = self
            .cols
            .into_iter()
            .map(|(n, c)| match c {
                Col::Str(v) => Column::new(n.as_str().into(), v),
                Col::F64(v) => Column::new(n.as_str().into(), v),
                Col::I32(v) => Column::new(n.as_str().into(), v),
                Col::Bool(v) => Column::new(n.as_str().into(), v),
            })
            .collect();
        let df = DataFrame::new_infer_height(columns).map_err(|e| ReportError::Table {
            table: name.to_string(),
            message: e.to_string(),
        })?;
        Ok(Table {
            name: name.to_string(),
            title: title.to_string(),
            note: note.to_string(),
            df,
            bold_rows: self.bold,
            percent_rows: self.percent,
            chart: self.chart,
            links: self.links,
        })
    }
}

// ---- scenario-year columns ------------------------------------------------------------

/// One scenario-year column of a blueprint table.
#[derive(Clone, Debug, PartialEq)]
pub struct Milestone {
    /// Index of the run.
    pub run: usize,
    /// The year.
    pub year: i32,
    /// The column header: `2005` (the common base year), `bau 2025`, `cm-2025` (an id
    /// that already ends in the year).
    pub label: String,
}

/// Whether two runs have the same results in `year`: every variable both have is equal
/// there (a row only one of them has, such as the fuel rows a measure brings in or the
/// market-based rows of a scenario with instruments, is not a difference), and they share
/// the sector view.
fn same_in(a: &ScenarioRun, b: &ScenarioRun, year: i32) -> bool {
    let (Some(i), Some(j)) = (a.year_index(year), b.year_index(year)) else {
        return false;
    };
    fn sectors(r: &ScenarioRun) -> Vec<&str> {
        r.rows
            .iter()
            .filter_map(|x| lcs_engine::var::sector(&x.variable))
            .collect()
    }
    if sectors(a) != sectors(b) {
        return false;
    }
    a.rows.iter().all(|x| {
        let Some(y) = b.rows.iter().find(|y| y.variable == x.variable) else {
            return true;
        };
        match (x.values[i], y.values[j]) {
            (Some(p), Some(q)) => (p - q).abs() <= 1e-9 * p.abs().max(q.abs()).max(1.0),
            (None, None) => true,
            _ => false,
        }
    })
}

fn label_of(r: &ScenarioRun, year: i32) -> String {
    if r.id.ends_with(&year.to_string()) {
        r.id.clone()
    } else {
        format!("{} {year}", r.id)
    }
}

/// The scenario-year columns of the blueprint layout, for milestone `years` (ascending):
/// the first year once when every scenario covering it has the same results there (the
/// shared base year), else once per scenario; then, for each later year, each scenario
/// without actions (business as usual) and each scenario with one of its own targets in
/// that year (not one inherited from a scenario listed before it; a scenario without own
/// targets in the milestone years is shown in every year), leaving out a scenario whose
/// results in that year equal a column already shown.
pub fn milestones(runs: &[ScenarioRun], years: &[i32]) -> Vec<Milestone> {
    let mut out: Vec<Milestone> = Vec::new();
    for (k, &y) in years.iter().enumerate() {
        let covering: Vec<usize> = (0..runs.len())
            .filter(|&i| runs[i].year_index(y).is_some())
            .collect();
        let Some(&first) = covering.first() else {
            continue;
        };
        if k == 0 && covering.iter().all(|&i| same_in(&runs[first], &runs[i], y)) {
            out.push(Milestone {
                run: first,
                year: y,
                label: y.to_string(),
            });
            continue;
        }
        let mut shown: Vec<usize> = Vec::new();
        for &i in &covering {
            let r = &runs[i];
            // A scenario's own targets: those no earlier scenario of the report has (an
            // inherited target belongs to the parent's column).
            let target_years: Vec<i32> = r
                .targets
                .iter()
                .filter(|t| {
                    !runs[..i]
                        .iter()
                        .any(|p| p.targets.iter().any(|u| u.id == t.id && u.year == t.year))
                })
                .map(|t| t.year)
                .filter(|ty| years.contains(ty))
                .collect();
            let wanted = k == 0
                || r.actions.is_empty()
                || target_years.contains(&y)
                || target_years.is_empty();
            if !wanted || shown.iter().any(|&j| same_in(&runs[j], r, y)) {
                continue;
            }
            shown.push(i);
            out.push(Milestone {
                run: i,
                year: y,
                label: label_of(r, y),
            });
        }
    }
    out
}

/// `Scenario (id)` lines for notes: what each column's id stands for.
pub fn scenario_legend(runs: &[ScenarioRun]) -> String {
    runs.iter()
        .map(|r| match &r.name {
            Some(n) => format!("{}: {n}", r.id),
            None => r.id.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Items (label, variable) of several runs, in first-seen order, each run's own label.
fn union_items(
    runs: &[ScenarioRun],
    items: impl Fn(&ScenarioRun) -> Vec<(String, String)>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for r in runs {
        for (l, v) in items(r) {
            if !out.iter().any(|(_, w)| *w == v) {
                out.push((l, v));
            }
        }
    }
    out
}

/// The value of `variable` of run `r` in `year`, and the link to its explanation when it
/// has a value.
fn linked(
    b: &mut TableBuilder,
    row: usize,
    col: usize,
    r: &ScenarioRun,
    variable: &str,
    year: i32,
) -> Option<f64> {
    let v = r.value(variable, year);
    if v.is_some() {
        b.link(
            row,
            col,
            CellRef {
                region: r.region.clone(),
                scenario: r.id.clone(),
                variable: variable.to_string(),
                year,
            },
        );
    }
    v
}

fn unit_of(runs: &[ScenarioRun], variable: &str) -> String {
    runs.iter()
        .find_map(|r| r.row(variable).map(|x| x.unit.clone()))
        .unwrap_or_default()
}

/// (1) Emissions by sector × scenario-year (consumption view): sector rows, the total
/// (bold) and the engine's `Emissions Intensity|<driver>` rows, with a stacked-column
/// chart of the sectors by milestone.
pub fn emissions(runs: &[ScenarioRun], cols: &[Milestone]) -> Result<Table, ReportError> {
    let sectors = union_items(runs, |r| {
        r.sectors()
            .into_iter()
            .map(|s| {
                (
                    r.names.sector(&s).to_string(),
                    format!("{}|{s}", var::EMISSIONS_CO2E),
                )
            })
            .collect()
    });
    let intensities = union_items(runs, |r| {
        r.intensities()
            .into_iter()
            .map(|(d, u)| {
                (
                    format!("per {} [{u}]", r.names.driver(&d)),
                    format!("{}|{d}", var::EMISSIONS_INTENSITY),
                )
            })
            .collect()
    });
    let mut b = TableBuilder::new();
    let cl = b.text("sector [kt CO2e/yr]");
    let cv: Vec<usize> = cols.iter().map(|c| b.number(&c.label)).collect();
    let push = |b: &mut TableBuilder, label: &str, variable: &str| {
        let row = b.rows();
        b.push_text(cl, label);
        for (k, c) in cols.iter().enumerate() {
            let v = linked(b, row, cv[k], &runs[c.run], variable, c.year);
            b.push_number(cv[k], v);
        }
    };
    for (l, v) in &sectors {
        push(&mut b, l, v);
    }
    push(&mut b, "Total", var::EMISSIONS_CO2E);
    b.bold_last_row();
    for (l, v) in &intensities {
        push(&mut b, l, v);
    }
    if !sectors.is_empty() && !cols.is_empty() {
        b.chart(SheetChart {
            kind: SheetChartKind::StackedColumn,
            title: "Emissions by sector".into(),
            y_title: "kt CO2e/yr".into(),
            series: SheetSeries::Rows {
                rows: (0..sectors.len()).collect(),
                name_col: 0,
                cols: 1..1 + cols.len(),
            },
        });
    }
    let region = region_name(runs);
    b.finish(
        "emissions",
        &format!("{region}: emissions by sector (kt CO2e/yr)"),
        &format!(
            "Consumption view: emissions of grid electricity are allocated to the sectors that use it; sector rows sum to the total. Rows named “per” and a driver are total emissions per unit of that driver. Columns: {}.",
            scenario_legend(runs)
        ),
    )
}

/// The region's name (of the first run).
pub fn region_name(runs: &[ScenarioRun]) -> String {
    runs.first()
        .map(|r| r.region_name.clone())
        .unwrap_or_default()
}

/// (2) Total emissions of every scenario in every year (a line per scenario), the data of
/// the pathway chart.
pub fn pathways(runs: &[ScenarioRun]) -> Result<Table, ReportError> {
    let mut years: Vec<i32> = runs.iter().flat_map(|r| r.years.iter().copied()).collect();
    years.sort_unstable();
    years.dedup();
    let mut b = TableBuilder::new();
    let cy = b.integer("year");
    let cs: Vec<usize> = runs
        .iter()
        .map(|r| b.number(&format!("{} [kt CO2e/yr]", r.id)))
        .collect();
    for &y in &years {
        let row = b.rows();
        b.push_integer(cy, Some(y));
        for (c, r) in cs.iter().zip(runs) {
            let v = linked(&mut b, row, *c, r, var::EMISSIONS_CO2E, y);
            b.push_number(*c, v);
        }
    }
    b.chart(SheetChart {
        kind: SheetChartKind::Line,
        title: "Emission pathways".into(),
        y_title: "kt CO2e/yr".into(),
        series: SheetSeries::Columns {
            cols: (1..1 + runs.len()).collect(),
            category_col: 0,
            rows: 0..years.len(),
        },
    });
    b.finish(
        "pathways",
        &format!("{}: total emissions by year", region_name(runs)),
        &format!(
            "Emissions|CO2e of each scenario. {}.",
            scenario_legend(runs)
        ),
    )
}

/// What a run is compared with: its reference (no actions) or another run of the report.
pub struct Comparison<'a> {
    /// `reference (no actions)` or the other run's id.
    pub label: String,
    /// Its rows.
    pub rows: &'a [Row],
    /// Its years.
    pub years: &'a [i32],
    /// The other run's index, when it is one.
    pub run: Option<usize>,
}

impl Comparison<'_> {
    /// A value of the comparison.
    pub fn value(&self, variable: &str, year: i32) -> Option<f64> {
        let i = self.years.iter().position(|y| *y == year)?;
        self.rows.iter().find(|r| r.variable == variable)?.values[i]
    }
}

/// The comparison of run `i`: the run named by `compare_to` (for every other run), else
/// its reference.
pub fn comparison_of<'a>(
    runs: &'a [ScenarioRun],
    i: usize,
    compare_to: Option<usize>,
) -> Comparison<'a> {
    match compare_to {
        Some(j) if j != i => Comparison {
            label: runs[j].id.clone(),
            rows: &runs[j].rows,
            years: &runs[j].years,
            run: Some(j),
        },
        _ => Comparison {
            label: "reference (no actions)".into(),
            rows: &runs[i].reference_rows,
            years: &runs[i].years,
            run: None,
        },
    }
}

fn pct(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => Some(100.0 * (a / b - 1.0)),
        _ => None,
    }
}

/// (3) Each scenario against its comparison (its reference, or `--compare-to`) and its
/// base year, at every milestone year.
pub fn comparison(
    runs: &[ScenarioRun],
    years: &[i32],
    compare_to: Option<usize>,
) -> Result<Table, ReportError> {
    let mut b = TableBuilder::new();
    let cs = b.text("scenario");
    let cc = b.text("compared with");
    let ci = b.text("item");
    let cy: Vec<usize> = years.iter().map(|y| b.number(&y.to_string())).collect();
    for (i, r) in runs.iter().enumerate() {
        let cmp = comparison_of(runs, i, compare_to);
        let y0 = r.years[0];
        let e = |y: i32| r.value(var::EMISSIONS_CO2E, y);
        let c = |y: i32| cmp.value(var::EMISSIONS_CO2E, y);
        // Each item with the run and variable whose explanation its cells link to: the
        // run's total; the comparison run's total, or for the reference (no actions) and the
        // difference from it the run's own total, whose explanation gives the reference value,
        // the change and each action's part; percentages are ratios of two linked cells.
        type Item<'f> = (
            String,
            bool,
            Box<dyn Fn(i32) -> Option<f64> + 'f>,
            Option<(&'f ScenarioRun, String)>,
        );
        let total = || Some((r, var::EMISSIONS_CO2E.to_string()));
        let cmp_link = match cmp.run {
            Some(j) => Some((&runs[j], var::EMISSIONS_CO2E.to_string())),
            None => total(),
        };
        let mut items: Vec<Item> = vec![
            ("emissions [kt CO2e/yr]".into(), false, Box::new(e), total()),
            (
                format!("{} [kt CO2e/yr]", cmp.label),
                false,
                Box::new(c),
                cmp_link,
            ),
            (
                "difference [kt CO2e/yr]".into(),
                false,
                Box::new(move |y| e(y).zip(c(y)).map(|(a, b)| a - b)),
                if cmp.run.is_none() { total() } else { None },
            ),
            (
                "difference [%]".into(),
                true,
                Box::new(move |y| pct(e(y), c(y))),
                None,
            ),
            (
                format!("vs {y0} [%]"),
                true,
                Box::new(move |y| pct(e(y), e(y0))),
                None,
            ),
        ];
        // A scenario without actions is its own reference: nothing to compare.
        let alone = cmp.run.is_none() && r.actions.is_empty();
        if alone {
            items.drain(1..4);
        }
        for (d, u) in r.intensities() {
            let v = format!("{}|{d}", var::EMISSIONS_INTENSITY);
            let name = r.names.driver(&d).to_string();
            let v2 = v.clone();
            let link = Some((r, v.clone()));
            items.push((
                format!("per {name} [{u}]"),
                false,
                Box::new(move |y| r.value(&v, y)),
                link,
            ));
            items.push((
                format!("per {name} vs {y0} [%]"),
                true,
                Box::new(move |y| pct(r.value(&v2, y), r.value(&v2, y0))),
                None,
            ));
        }
        for (label, percent, f, link) in items {
            let row = b.rows();
            b.push_text(cs, &r.id);
            b.push_text(cc, if alone { "" } else { cmp.label.as_str() });
            b.push_text(ci, label);
            for (k, &y) in years.iter().enumerate() {
                let v = if r.year_index(y).is_some() {
                    f(y)
                } else {
                    None
                };
                if let (Some(_), Some((lr, lv))) = (v, &link) {
                    linked(&mut b, row, cy[k], lr, lv, y);
                }
                b.push_number(cy[k], v);
            }
            if percent {
                b.percent_last_row();
            }
        }
    }
    let against = match compare_to {
        Some(j) => format!(
            "each scenario against `{}` ({}), and `{}` against its reference (the same scenario without its actions)",
            runs[j].id,
            runs[j].title(),
            runs[j].id
        ),
        None => "each scenario against its reference (the same scenario without its actions)".into(),
    };
    b.finish(
        "comparison",
        &format!(
            "{}: scenario comparison at milestone years",
            region_name(runs)
        ),
        &format!(
            "Compared: {against}. Changes in % are (value / comparison − 1) × 100. {}.",
            scenario_legend(runs)
        ),
    )
}

/// (4) Targets: the rule, value, threshold (with their unit) and whether each is met.
pub fn targets(runs: &[ScenarioRun]) -> Result<Table, ReportError> {
    let mut b = TableBuilder::new();
    let cs = b.text("scenario");
    let ct = b.text("target");
    let cm = b.text("metric");
    let cr = b.text("rule");
    let cy = b.integer("year");
    let cv = b.number("value");
    let cth = b.number("threshold");
    let cu = b.text("unit");
    let cmet = b.boolean("met");
    for r in runs {
        for t in &r.targets {
            // The value is a results row (the total, or the intensity over the target's
            // driver); the threshold is derived from the rule.
            let variable = match &t.driver {
                Some(d) => format!("{}|{d}", var::EMISSIONS_INTENSITY),
                None => var::EMISSIONS_CO2E.to_string(),
            };
            if t.value.is_some() {
                let row = b.rows();
                linked(&mut b, row, cv, r, &variable, t.year);
            }
            b.push_text(cs, &r.id);
            b.push_text(ct, &t.id);
            b.push_text(cm, &t.metric);
            b.push_text(cr, &t.rule);
            b.push_integer(cy, Some(t.year));
            b.push_number(cv, t.value);
            b.push_number(cth, t.threshold);
            b.push_text(cu, &t.unit);
            b.push_boolean(cmet, Some(t.met));
        }
    }
    b.finish(
        "targets",
        &format!("{}: targets", region_name(runs)),
        "A target is met when the value is at most the threshold (both in the unit shown).",
    )
}

/// (5) The action plan: theme, action, agency, KPI and each action's contribution to the
/// reduction against the reference at the milestone years after the base year (Shapley
/// where computed, else sequential), with its share of the total in the last year.
pub fn actions(runs: &[ScenarioRun], years: &[i32]) -> Result<Table, ReportError> {
    let first = runs.iter().filter_map(|r| r.years.first()).min().copied();
    let ys: Vec<i32> = years
        .iter()
        .copied()
        .filter(|y| Some(*y) != first)
        .collect();
    let last = ys.last().copied();
    let mut b = TableBuilder::new();
    let cs = b.text("scenario");
    let cth = b.text("theme");
    let ca = b.text("action");
    let cag = b.text("agency");
    let ck = b.text("KPI");
    let cy: Vec<usize> = ys
        .iter()
        .map(|y| b.number(&format!("{y} [kt CO2e/yr]")))
        .collect();
    let csh = last.map(|y| b.number(&format!("share {y} [%]")));
    let mut methods: Vec<&str> = Vec::new();
    for r in runs {
        let Some((att, method)) = r.wedge_attribution() else {
            continue;
        };
        if !methods.contains(&method) {
            methods.push(method);
        }
        let total_last = last.and_then(|y| r.year_index(y)).map(|i| att.total[i]);
        for (i, a) in r.actions.iter().enumerate() {
            b.push_text(cs, &r.id);
            b.push_text(cth, a.theme.clone().unwrap_or_default());
            b.push_text(ca, a.label());
            b.push_text(cag, a.agency.join("; "));
            b.push_text(ck, a.kpi.clone().unwrap_or_default());
            for (c, y) in cy.iter().zip(&ys) {
                b.push_number(*c, r.year_index(*y).map(|yi| att.contributions[i][yi]));
            }
            if let (Some(c), Some(yi)) = (csh, last.and_then(|y| r.year_index(y))) {
                let v = att.contributions[i][yi];
                b.push_number(c, total_last.filter(|t| *t != 0.0).map(|t| 100.0 * v / t));
            } else if let Some(c) = csh {
                b.push_number(c, None);
            }
        }
        b.push_text(cs, &r.id);
        for c in [cth, cag, ck] {
            b.push_text(c, "");
        }
        b.push_text(ca, "Total");
        for (c, y) in cy.iter().zip(&ys) {
            b.push_number(*c, r.year_index(*y).map(|yi| att.total[yi]));
        }
        if let Some(c) = csh {
            b.push_number(c, total_last.filter(|t| *t != 0.0).map(|_| 100.0));
        }
        b.bold_last_row();
    }
    b.finish(
        "actions",
        &format!("{}: action plan and contributions to the reduction", region_name(runs)),
        &format!(
            "Contribution = the action's part of the reduction against the reference (the scenario without its actions), kt CO2e/yr, by {} attribution (Shapley: the average over every order of the actions, exact by components of the total, a component that more than {} actions reach estimated from random orders; sequential: actions added in plan order). Shares are of the total reduction (Total row).",
            if methods.is_empty() { "Shapley".to_string() } else { methods.join(" or ") },
            lcs_engine::MAX_EXACT_ACTIONS
        ),
    )
}

/// (6) The measures of every action (each action once, in plan order): the lever in
/// words, start and full years, and the size at full effect with its unit.
pub fn measures(runs: &[ScenarioRun]) -> Result<Table, ReportError> {
    let mut b = TableBuilder::new();
    let ca = b.text("action");
    let cm = b.text("measure");
    let cn = b.text("name");
    let cl = b.text("lever");
    let cst = b.integer("start");
    let cfu = b.integer("full");
    let csz = b.number("size");
    let cu = b.text("size unit");
    let mut seen: Vec<(String, String, String)> = Vec::new();
    for r in runs {
        for a in &r.actions {
            for m in &a.measures {
                let key = (a.id.clone(), m.id.clone(), m.words.clone());
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                b.push_text(ca, a.label());
                b.push_text(cm, &m.id);
                b.push_text(cn, m.name.clone().unwrap_or_default());
                b.push_text(cl, &m.words);
                b.push_integer(cst, Some(m.start));
                b.push_integer(cfu, Some(m.full));
                b.push_number(csz, m.size);
                b.push_text(cu, &m.size_unit);
            }
        }
    }
    b.finish(
        "measures",
        &format!("{}: measures of the actions", region_name(runs)),
        "Each measure ramps from `start` (first year with any effect) to `full` (first year of full effect); `size` is the lever at full effect.",
    )
}

/// (7) Final energy by sector and fuel at the milestones.
pub fn final_energy(runs: &[ScenarioRun], cols: &[Milestone]) -> Result<Table, ReportError> {
    let fuels = union_items(runs, |r| {
        r.fuels()
            .into_iter()
            .map(|f| (r.names.fuel(&f).to_string(), f))
            .collect()
    });
    let mut b = TableBuilder::new();
    let cc = b.text("column");
    let cse = b.text("sector [TJ/yr]");
    let cf: Vec<usize> = fuels.iter().map(|(n, _)| b.number(n)).collect();
    let ct = b.number("Total");
    for c in cols {
        let r = &runs[c.run];
        for top in &r.tops {
            let row = b.rows();
            b.push_text(cc, &c.label);
            b.push_text(cse, r.names.sector(top));
            for (k, (_, f)) in fuels.iter().enumerate() {
                let variable = format!("{}|{top}|{f}", var::FINAL_ENERGY);
                let v = linked(&mut b, row, cf[k], r, &variable, c.year);
                b.push_number(cf[k], v);
            }
            let variable = format!("{}|{top}", var::FINAL_ENERGY);
            let v = linked(&mut b, row, ct, r, &variable, c.year);
            b.push_number(ct, v);
        }
        let row = b.rows();
        b.push_text(cc, &c.label);
        b.push_text(cse, "Total");
        for (k, (_, f)) in fuels.iter().enumerate() {
            let variable = format!("{}|{f}", var::FINAL_ENERGY);
            let v = linked(&mut b, row, cf[k], r, &variable, c.year);
            b.push_number(cf[k], v);
        }
        let v = linked(&mut b, row, ct, r, var::FINAL_ENERGY, c.year);
        b.push_number(ct, v);
        b.bold_last_row();
    }
    b.finish(
        "final_energy",
        &format!("{}: final energy by sector and fuel (TJ/yr)", region_name(runs)),
        &format!(
            "Top-level demand sectors at each milestone column; the Total rows sum over sectors. {}.",
            scenario_legend(runs)
        ),
    )
}

/// A table of fixed items (label, variable) × the milestones, with a unit column.
fn items_table(
    runs: &[ScenarioRun],
    cols: &[Milestone],
    items: &[(&str, &str)],
    name: &str,
    title: &str,
    note: &str,
) -> Result<Table, ReportError> {
    let mut b = TableBuilder::new();
    let ci = b.text("item");
    let cu = b.text("unit");
    let cv: Vec<usize> = cols.iter().map(|c| b.number(&c.label)).collect();
    for (label, variable) in items {
        if !runs.iter().any(|r| r.row(variable).is_some()) {
            continue;
        }
        let row = b.rows();
        b.push_text(ci, *label);
        b.push_text(cu, unit_of(runs, variable));
        for (k, c) in cols.iter().enumerate() {
            let v = linked(&mut b, row, cv[k], &runs[c.run], variable, c.year);
            b.push_number(cv[k], v);
        }
    }
    b.finish(
        name,
        &format!("{}: {title}", region_name(runs)),
        &format!("{note} {}.", scenario_legend(runs)),
    )
}

/// (8) The electricity balance at the milestones.
pub fn electricity(runs: &[ScenarioRun], cols: &[Milestone]) -> Result<Table, ReportError> {
    let items = [
        ("Demand (final)", var::ELECTRICITY_DEMAND),
        ("Losses", var::ELECTRICITY_LOSSES),
        ("Local generation", var::ELECTRICITY_LOCAL),
        ("  of which waste to energy", var::ELECTRICITY_WTE),
        ("  of which biogas", var::ELECTRICITY_BIOGAS),
        ("Grid supply", var::ELECTRICITY_GRID),
        ("Export", var::ELECTRICITY_EXPORT),
        (
            "Grid emissions (memo, in the sectors)",
            var::ELECTRICITY_GRID_EMISSIONS,
        ),
    ];
    items_table(
        runs,
        cols,
        &items,
        "electricity",
        "electricity balance",
        "Demand + losses = local generation + grid supply − export. Grid emissions are already counted in the sectors that use electricity.",
    )
}

/// (9) Waste at the milestones: generated, routes (anaerobic digestion when a run uses
/// it, so the routes add up to the generated mass), landfill, composting and digestion
/// methane, waste-to-energy and biogas electricity, waste emissions and the wastewater part
/// of them. A row no run has is left out.
pub fn waste(runs: &[ScenarioRun], cols: &[Milestone]) -> Result<Table, ReportError> {
    let items = [
        ("Generated", var::WASTE_GENERATED),
        ("Landfill", var::WASTE_LANDFILL),
        ("Recycling", var::WASTE_RECYCLING),
        ("Composting", var::WASTE_COMPOSTING),
        ("Incineration", var::WASTE_INCINERATION),
        ("Anaerobic digestion", var::WASTE_AD),
        ("Landfill CH4", var::CH4_LANDFILL),
        ("Composting CH4", var::CH4_COMPOSTING),
        ("Anaerobic digestion CH4", var::CH4_AD),
        ("Waste-to-energy electricity", var::ELECTRICITY_WTE),
        ("Biogas electricity", var::ELECTRICITY_BIOGAS),
        ("Waste emissions", var::EMISSIONS_CO2E_WASTE),
        ("  of which wastewater", var::CO2E_WASTEWATER),
    ];
    items_table(
        runs,
        cols,
        &items,
        "waste",
        "waste",
        "Routes are tonnes sent to each route; landfill CH4 follows first-order decay of past deposits.",
    )
}

/// Location-based and market-based emissions side by side at the milestones (GHG Protocol
/// Scope 2 Guidance; docs/EXTENSIONS.md, "Market-based electricity"), or `None` when no run
/// has market instruments (then the market basis is the location basis and the table would
/// repeat the total).
pub fn location_and_market(
    runs: &[ScenarioRun],
    cols: &[Milestone],
) -> Result<Option<Table>, ReportError> {
    if !runs.iter().any(|r| r.row(var::MARKET_TOTAL).is_some()) {
        return Ok(None);
    }
    let items = [
        ("Total, location-based", var::EMISSIONS_CO2E),
        ("Total, market-based", var::MARKET_TOTAL),
        (
            "Grid electricity, location-based",
            var::ELECTRICITY_GRID_EMISSIONS,
        ),
        ("Grid electricity, market-based", var::MARKET_GRID_EMISSIONS),
        (
            "Grid electricity under market instruments",
            var::ELECTRICITY_INSTRUMENTS,
        ),
    ];
    items_table(
        runs,
        cols,
        &items,
        "location-market",
        "location-based and market-based emissions",
        "The totals of this report are location-based (the grid's average factor on every MWh bought); the market-based total replaces the grid emissions with those of the contractual instruments the scenario's actions buy (green tariffs, certificates, PPAs) and prices the rest at the residual mix (`residual_factor`, else the grid average). An empty market-based cell: that scenario has neither market instruments nor a residual mix (`residual_factor`), so its market basis is its location basis; with a residual mix and no instruments, the market-based total prices all grid electricity at the residual mix.",
    )
    .map(Some)
}

/// Every result row of every scenario in IAMC wide form
/// (`model, scenario, region, variable, unit, <years>`), over the union of model years.
pub fn iamc(runs: &[ScenarioRun]) -> Result<Table, ReportError> {
    let mut years: Vec<i32> = runs.iter().flat_map(|r| r.years.iter().copied()).collect();
    years.sort_unstable();
    years.dedup();
    let model = crate::tool_name();
    let mut b = TableBuilder::new();
    let cm = b.text("model");
    let cs = b.text("scenario");
    let cr = b.text("region");
    let cv = b.text("variable");
    let cu = b.text("unit");
    let cy: Vec<usize> = years.iter().map(|y| b.number(&y.to_string())).collect();
    for r in runs {
        for row in &r.rows {
            b.push_text(cm, &model);
            b.push_text(cs, &r.id);
            b.push_text(cr, &r.region);
            b.push_text(cv, &row.variable);
            b.push_text(cu, &row.unit);
            for (c, y) in cy.iter().zip(&years) {
                b.push_number(*c, r.year_index(*y).and_then(|i| row.values[i]));
            }
        }
    }
    b.finish(
        "data",
        "Results in IAMC wide form",
        "Every result row of every scenario.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(display_number(12345.678, false), "12,346");
        assert_eq!(display_number(-1234.0, false), "-1,234");
        assert_eq!(display_number(12.345, false), "12.3");
        assert_eq!(display_number(0.12345, false), "0.123");
        assert_eq!(display_number(-12.34, true), "-12.3");
        assert_eq!(display_number(3.0, true), "+3.0");
        assert_eq!(display_number(-0.0001, false), "0.000");
    }

    #[test]
    fn a_short_column_is_an_error_not_a_panic() {
        let mut b = TableBuilder::new();
        let a = b.text("a");
        let _n = b.number("n");
        b.push_text(a, "x");
        let e = b.finish("t", "T", "").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot build table `t`: column `n` has a different number of rows"
        );
    }
}
