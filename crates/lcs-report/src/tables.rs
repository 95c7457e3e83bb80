//! The plan tables as polars data frames. Each has a name (file stem and sheet name), a
//! title, and units in its header: a column holding one unit names it in brackets
//! (`emissions [kt CO2e/yr]`); a table whose rows differ in unit has a `unit` column.

use crate::run::ScenarioRun;
use polars::prelude::{AnyValue, Column, DataFrame};

/// One table: a data frame with a name and a title.
#[derive(Clone, Debug)]
pub struct Table {
    /// File stem and sheet name, e.g. `emissions`.
    pub name: &'static str,
    /// The title for documents.
    pub title: String,
    /// A note under the title (what the numbers mean).
    pub note: String,
    /// The data.
    pub df: DataFrame,
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

    /// Whether a column holds percentages (its name ends in `[%]`).
    pub fn is_percent(&self, col: usize) -> bool {
        self.df.columns()[col].name().ends_with("[%]")
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

fn group_thousands(s: &str) -> String {
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
    I32(Vec<i32>),
    Bool(Vec<bool>),
}

struct Builder {
    cols: Vec<(String, Col)>,
}

impl Builder {
    fn new() -> Self {
        Builder { cols: Vec::new() }
    }
    fn str(&mut self, name: &str) -> usize {
        self.cols.push((name.into(), Col::Str(Vec::new())));
        self.cols.len() - 1
    }
    fn f64(&mut self, name: &str) -> usize {
        self.cols.push((name.into(), Col::F64(Vec::new())));
        self.cols.len() - 1
    }
    fn i32(&mut self, name: &str) -> usize {
        self.cols.push((name.into(), Col::I32(Vec::new())));
        self.cols.len() - 1
    }
    fn bool(&mut self, name: &str) -> usize {
        self.cols.push((name.into(), Col::Bool(Vec::new())));
        self.cols.len() - 1
    }
    fn push_str(&mut self, c: usize, v: impl Into<String>) {
        if let Col::Str(x) = &mut self.cols[c].1 {
            x.push(v.into());
        }
    }
    fn push_f64(&mut self, c: usize, v: Option<f64>) {
        if let Col::F64(x) = &mut self.cols[c].1 {
            x.push(v.filter(|v| v.is_finite()));
        }
    }
    fn push_i32(&mut self, c: usize, v: i32) {
        if let Col::I32(x) = &mut self.cols[c].1 {
            x.push(v);
        }
    }
    fn push_bool(&mut self, c: usize, v: bool) {
        if let Col::Bool(x) = &mut self.cols[c].1 {
            x.push(v);
        }
    }
    fn finish(self, name: &'static str, title: String, note: String) -> Result<Table, String> {
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
        let df = DataFrame::new_infer_height(columns)
            .map_err(|e| format!("cannot build table `{name}`: {e}"))?;
        Ok(Table {
            name,
            title,
            note,
            df,
        })
    }
}

/// Every plan table, in document order.
pub fn all(runs: &[ScenarioRun], years: &[i32]) -> Result<Vec<Table>, String> {
    Ok(vec![
        emissions(runs, years)?,
        comparison(runs, years)?,
        targets(runs)?,
        actions(runs, years)?,
        final_energy(runs, years)?,
        electricity(runs, years)?,
        waste(runs, years)?,
    ])
}

fn pct(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => Some(100.0 * (a / b - 1.0)),
        _ => None,
    }
}

/// A table of `(label, variable, unit)` rows per scenario over the milestone years.
/// A table of fixed (label, variable) items, each where the run writes the variable.
fn named_items_table(runs: &[ScenarioRun], years: &[i32], items: &[(&str, &str)]) -> Builder {
    item_table(runs, years, "item", |r| {
        items
            .iter()
            .filter_map(|(n, v)| {
                r.row(v)
                    .map(|row| (n.to_string(), v.to_string(), row.unit.clone()))
            })
            .collect()
    })
}

fn item_table(
    runs: &[ScenarioRun],
    years: &[i32],
    label: &str,
    items: impl Fn(&ScenarioRun) -> Vec<(String, String, String)>,
) -> Builder {
    let mut b = Builder::new();
    let cs = b.str("scenario");
    let ci = b.str(label);
    let cu = b.str("unit");
    let cy: Vec<usize> = years.iter().map(|y| b.f64(&y.to_string())).collect();
    for r in runs {
        for (name, var, unit) in items(r) {
            b.push_str(cs, &r.id);
            b.push_str(ci, name);
            b.push_str(cu, unit);
            for (c, y) in cy.iter().zip(years) {
                b.push_f64(*c, r.value(&var, *y));
            }
        }
    }
    b
}

/// (1) Emissions by sector × milestone year per scenario (consumption view), with the
/// total and the intensities (per capita, per unit of GDP: the engine's rows).
pub fn emissions(runs: &[ScenarioRun], years: &[i32]) -> Result<Table, String> {
    let b = item_table(runs, years, "sector", |r| {
        let mut v: Vec<(String, String, String)> = r
            .sectors()
            .into_iter()
            .map(|s| {
                (
                    s.clone(),
                    format!("Emissions|CO2e|{s}"),
                    "kt CO2e/yr".into(),
                )
            })
            .collect();
        v.push(("Total".into(), "Emissions|CO2e".into(), "kt CO2e/yr".into()));
        for (d, unit) in r.intensities() {
            v.push((format!("per {d}"), format!("Emissions Intensity|{d}"), unit));
        }
        v
    });
    b.finish(
        "emissions",
        "Emissions by sector and milestone year".into(),
        "Consumption view: emissions of grid electricity are allocated to the sectors that use it. Sector rows sum to the total; `per <driver>` rows are total emissions per unit of the driver.".into(),
    )
}

/// (2) Scenario comparison at each milestone year: absolute, against the reference (the
/// scenario without its actions) and against the base year.
pub fn comparison(runs: &[ScenarioRun], years: &[i32]) -> Result<Table, String> {
    let mut drivers: Vec<(String, String)> = Vec::new();
    // One column pair per driver and unit: regions may name different drivers alike
    // (`gdp` in MYR million and in JPY million).
    for r in runs {
        for d in r.intensities() {
            if !drivers.contains(&d) {
                drivers.push(d);
            }
        }
    }
    let mut b = Builder::new();
    let cs = b.str("scenario");
    let cy = b.i32("year");
    let ce = b.f64("emissions [kt CO2e/yr]");
    let cr = b.f64("reference [kt CO2e/yr]");
    let cd = b.f64("vs reference [kt CO2e/yr]");
    let cp = b.f64("vs reference [%]");
    let cb = b.f64("base year [kt CO2e/yr]");
    let cbp = b.f64("vs base year [%]");
    let ci: Vec<(usize, usize)> = drivers
        .iter()
        .map(|(d, u)| {
            let twice = drivers.iter().filter(|x| x.0 == *d).count() > 1;
            let vs = if twice {
                format!("per {d} [{u}] vs base year [%]")
            } else {
                format!("per {d} vs base year [%]")
            };
            (b.f64(&format!("per {d} [{u}]")), b.f64(&vs))
        })
        .collect();
    for r in runs {
        let y0 = r.years[0];
        let base = r.value("Emissions|CO2e", y0);
        for &y in years {
            if r.year_index(y).is_none() {
                continue;
            }
            let e = r.value("Emissions|CO2e", y);
            let re = r.reference_value("Emissions|CO2e", y);
            b.push_str(cs, &r.id);
            b.push_i32(cy, y);
            b.push_f64(ce, e);
            b.push_f64(cr, re);
            b.push_f64(cd, e.zip(re).map(|(e, re)| e - re));
            b.push_f64(cp, pct(e, re));
            b.push_f64(cb, base);
            b.push_f64(cbp, pct(e, base));
            let own = r.intensities();
            for ((d, u), (cv, cvp)) in drivers.iter().zip(&ci) {
                let var = format!("Emissions Intensity|{d}");
                let mine = own.iter().any(|x| &x.0 == d && &x.1 == u);
                let v = r.value(&var, y).filter(|_| mine);
                b.push_f64(*cv, v);
                b.push_f64(*cvp, pct(v, r.value(&var, y0)).filter(|_| mine));
            }
        }
    }
    b.finish(
        "comparison",
        "Scenario comparison at milestone years".into(),
        "Reference: the same scenario without its actions. Changes in % are (value / comparison − 1) × 100.".into(),
    )
}

/// (3) Targets: value, threshold, met.
pub fn targets(runs: &[ScenarioRun]) -> Result<Table, String> {
    let mut b = Builder::new();
    let cs = b.str("scenario");
    let ct = b.str("target");
    let cm = b.str("metric");
    let cy = b.i32("year");
    let cv = b.f64("value");
    let cth = b.f64("threshold");
    let cu = b.str("unit");
    let cmet = b.bool("met");
    for r in runs {
        for t in &r.targets {
            b.push_str(cs, &r.id);
            b.push_str(ct, &t.id);
            b.push_str(cm, &t.metric);
            b.push_i32(cy, t.year);
            b.push_f64(cv, t.value);
            b.push_f64(cth, t.threshold);
            b.push_str(cu, &t.unit);
            b.push_bool(cmet, t.met);
        }
    }
    b.finish(
        "targets",
        "Targets".into(),
        "A target is met when the value is at most the threshold.".into(),
    )
}

/// (4) The action plan: theme, action, agency, KPI, measures with start and full years,
/// and each action's contribution at milestone years (sequential and Shapley), with shares
/// of the total reduction.
pub fn actions(runs: &[ScenarioRun], years: &[i32]) -> Result<Table, String> {
    let first = runs.iter().filter_map(|r| r.years.first()).min().copied();
    let ys: Vec<i32> = years
        .iter()
        .copied()
        .filter(|y| Some(*y) != first)
        .collect();
    let mut b = Builder::new();
    let cs = b.str("scenario");
    let cth = b.str("theme");
    let ca = b.str("action");
    let cn = b.str("name");
    let cag = b.str("agency");
    let ck = b.str("KPI");
    let cm = b.str("measures");
    let cst = b.str("start");
    let cfu = b.str("full");
    let cy: Vec<[usize; 4]> = ys
        .iter()
        .map(|y| {
            [
                b.f64(&format!("{y} sequential [kt CO2e/yr]")),
                b.f64(&format!("{y} sequential share [%]")),
                b.f64(&format!("{y} Shapley [kt CO2e/yr]")),
                b.f64(&format!("{y} Shapley share [%]")),
            ]
        })
        .collect();
    let share = |v: f64, t: f64| (t != 0.0).then(|| 100.0 * v / t);
    for r in runs {
        if r.actions.is_empty() {
            continue;
        }
        for (i, a) in r.actions.iter().enumerate() {
            b.push_str(cs, &r.id);
            b.push_str(cth, a.theme.clone().unwrap_or_default());
            b.push_str(ca, &a.id);
            b.push_str(cn, a.name.clone().unwrap_or_default());
            b.push_str(cag, a.agency.join("; "));
            b.push_str(ck, a.kpi.clone().unwrap_or_default());
            let ms: Vec<String> = a
                .measures
                .iter()
                .map(|m| format!("{} {} {} ({}–{})", m.id, m.lever, m.target, m.start, m.full))
                .collect();
            b.push_str(cm, ms.join("; "));
            let start = a.measures.iter().map(|m| m.start).min();
            let full = a.measures.iter().map(|m| m.full).max();
            b.push_str(cst, start.map(|v| v.to_string()).unwrap_or_default());
            b.push_str(cfu, full.map(|v| v.to_string()).unwrap_or_default());
            for (c, y) in cy.iter().zip(&ys) {
                let yi = r.year_index(*y);
                for (k, att) in [&r.sequential, &r.shapley].into_iter().enumerate() {
                    let v = att
                        .as_ref()
                        .zip(yi)
                        .map(|(a, yi)| (a.contributions[i][yi], a.total[yi]));
                    b.push_f64(c[2 * k], v.map(|x| x.0));
                    b.push_f64(c[2 * k + 1], v.and_then(|(v, t)| share(v, t)));
                }
            }
        }
        b.push_str(cs, &r.id);
        for c in [cth, cn, cag, ck, cm, cst, cfu] {
            b.push_str(c, "");
        }
        b.push_str(ca, "TOTAL");
        for (c, y) in cy.iter().zip(&ys) {
            let yi = r.year_index(*y);
            for (k, att) in [&r.sequential, &r.shapley].into_iter().enumerate() {
                let v = att.as_ref().zip(yi).map(|(a, yi)| a.total[yi]);
                b.push_f64(c[2 * k], v);
                b.push_f64(c[2 * k + 1], v.and_then(|t| share(t, t)));
            }
        }
    }
    b.finish(
        "actions",
        "Action plan and contributions to the reduction".into(),
        "Contribution = reduction against the reference (kt CO2e/yr) attributed to the action: sequential (actions added in plan order) and Shapley (the average over every order of the actions: exact up to 20 actions, estimated from 1,000 random orders above). Shares are of the total reduction (TOTAL row).".into(),
    )
}

/// (5) Final energy by sector × fuel at milestone years.
pub fn final_energy(runs: &[ScenarioRun], years: &[i32]) -> Result<Table, String> {
    let mut fuels: Vec<String> = Vec::new();
    for r in runs {
        for f in r.fuels() {
            if !fuels.contains(&f) {
                fuels.push(f);
            }
        }
    }
    let mut b = Builder::new();
    let cs = b.str("scenario");
    let cy = b.i32("year");
    let cse = b.str("sector");
    let cf: Vec<usize> = fuels
        .iter()
        .map(|f| b.f64(&format!("{f} [TJ/yr]")))
        .collect();
    let ct = b.f64("total [TJ/yr]");
    for r in runs {
        for &y in years {
            if r.year_index(y).is_none() {
                continue;
            }
            for top in &r.tops {
                b.push_str(cs, &r.id);
                b.push_i32(cy, y);
                b.push_str(cse, top);
                for (c, f) in cf.iter().zip(&fuels) {
                    b.push_f64(*c, r.value(&format!("Final Energy|{top}|{f}"), y));
                }
                b.push_f64(ct, r.value(&format!("Final Energy|{top}"), y));
            }
            b.push_str(cs, &r.id);
            b.push_i32(cy, y);
            b.push_str(cse, "Total");
            for (c, f) in cf.iter().zip(&fuels) {
                b.push_f64(*c, r.value(&format!("Final Energy|{f}"), y));
            }
            b.push_f64(ct, r.value("Final Energy", y));
        }
    }
    b.finish(
        "final_energy",
        "Final energy by sector and fuel".into(),
        "Top-level demand sectors; the Total row is the sum over sectors.".into(),
    )
}

/// (6) The electricity balance.
pub fn electricity(runs: &[ScenarioRun], years: &[i32]) -> Result<Table, String> {
    let items = [
        ("Demand (final)", "Electricity|Demand"),
        ("Losses", "Electricity|Losses"),
        ("Local generation", "Electricity|Local Generation"),
        (
            "  of which waste to energy",
            "Electricity|Local Generation|Waste to Energy",
        ),
        ("Grid supply", "Electricity|Grid Supply"),
        ("Export", "Electricity|Export"),
        (
            "Grid emissions (memo, in sectors)",
            "Electricity|Grid Emissions",
        ),
    ];
    let b = named_items_table(runs, years, &items);
    b.finish(
        "electricity",
        "Electricity balance".into(),
        "Demand + losses = local generation + grid supply − export. Grid emissions are already counted in the sectors that use electricity.".into(),
    )
}

/// (7) Waste: generated, routes, landfill CH4, WtE electricity.
pub fn waste(runs: &[ScenarioRun], years: &[i32]) -> Result<Table, String> {
    let items = [
        ("Generated", "Waste|Generated"),
        ("Landfill", "Waste|Landfill"),
        ("Recycling", "Waste|Recycling"),
        ("Composting", "Waste|Composting"),
        ("Incineration", "Waste|Incineration"),
        ("Landfill CH4", "Emissions|CH4|Waste|Landfill"),
        ("Composting CH4", "Emissions|CH4|Waste|Composting"),
        (
            "Waste-to-energy electricity",
            "Electricity|Local Generation|Waste to Energy",
        ),
        ("Waste emissions", "Emissions|CO2e|Waste"),
    ];
    let b = named_items_table(runs, years, &items);
    b.finish(
        "waste",
        "Waste".into(),
        "Routes are tonnes sent to each route; landfill CH4 follows first-order decay of past deposits.".into(),
    )
}

/// Every result row of every scenario in IAMC wide form
/// (`model, scenario, region, variable, unit, <years>`), over the union of model years.
pub fn iamc(runs: &[ScenarioRun]) -> Result<Table, String> {
    let mut years: Vec<i32> = runs.iter().flat_map(|r| r.years.iter().copied()).collect();
    years.sort_unstable();
    years.dedup();
    let model = crate::tool_name();
    let mut b = Builder::new();
    let cm = b.str("model");
    let cs = b.str("scenario");
    let cr = b.str("region");
    let cv = b.str("variable");
    let cu = b.str("unit");
    let cy: Vec<usize> = years.iter().map(|y| b.f64(&y.to_string())).collect();
    for r in runs {
        for row in &r.rows {
            b.push_str(cm, &model);
            b.push_str(cs, &r.id);
            b.push_str(cr, &r.region);
            b.push_str(cv, &row.variable);
            b.push_str(cu, &row.unit);
            for (c, y) in cy.iter().zip(&years) {
                b.push_f64(*c, r.year_index(*y).and_then(|i| row.values[i]));
            }
        }
    }
    b.finish(
        "data",
        "Results in IAMC wide form".into(),
        "Every result row of every scenario.".into(),
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
}
