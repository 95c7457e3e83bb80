//! One scenario's engine results, gathered for reporting, with the display names of its
//! ids (region, sectors, fuels, drivers: `name:` keys of the model, else `data/names.csv`)
//! and each measure's lever in words, so that tables and charts never re-read a file.

use lcs_engine::{var, Attribution, Compiled, Row, TargetResult, Workspace};
use lcs_model::{Lever, Measure, Metric, Model, Scenario, Series, Target, Threshold};

/// A target's outcome with its unit, for the targets table and the charts.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetRow {
    /// Target id.
    pub id: String,
    /// The driver of an intensity target (`None` for an emissions target).
    pub driver: Option<String>,
    /// The metric in words: `emissions`, `emissions per MYR million (GDP)`.
    pub metric: String,
    /// The rule in words: `−58 % vs 2005`, `−40 % vs reference`, `at most 0`.
    pub rule: String,
    /// The year it applies to.
    pub year: i32,
    /// The metric in that year.
    pub value: Option<f64>,
    /// The threshold, same unit.
    pub threshold: Option<f64>,
    /// The unit of value and threshold (`kt CO2e/yr`, `t CO2e/MYR million`).
    pub unit: String,
    /// Whether the target is met.
    pub met: bool,
}

/// A measure of an action, for the measures table.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureInfo {
    /// Measure id.
    pub id: String,
    /// Optional name.
    pub name: Option<String>,
    /// The lever (`scale`, `shift`, …).
    pub lever: String,
    /// The target path as written.
    pub target: String,
    /// The lever in words, with display names: `shift 22 share points of Passenger
    /// transport from car and motorcycle to bus and rail`.
    pub words: String,
    /// The lever's size at full effect in [`MeasureInfo::size_unit`] (`-29` %, `22` share
    /// points, `400` MW); `None` where one number does not say it (a share map `set`).
    pub size: Option<f64>,
    /// The unit of `size`.
    pub size_unit: String,
    /// First year with any effect.
    pub start: i32,
    /// First year of full effect.
    pub full: i32,
}

/// An action with its plan metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionInfo {
    /// Action id.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Theme.
    pub theme: Option<String>,
    /// Agencies.
    pub agency: Vec<String>,
    /// KPI.
    pub kpi: Option<String>,
    /// Measures in order.
    pub measures: Vec<MeasureInfo>,
}

impl ActionInfo {
    /// `A1 Integrated Green Transportation` (the id alone without a name).
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{} {n}", self.id),
            None => self.id.clone(),
        }
    }
}

/// Display names of a run's ids, resolved once from the checked model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    /// Emission sectors (`Emissions|CO2e|<sector>` rows): (id, name).
    pub sectors: Vec<(String, String)>,
    /// Fuels of final energy: (id, name).
    pub fuels: Vec<(String, String)>,
    /// Drivers: (id, name).
    pub drivers: Vec<(String, String)>,
}

impl Names {
    fn find<'a>(list: &'a [(String, String)], id: &'a str) -> &'a str {
        list.iter()
            .find(|(i, _)| i == id)
            .map(|(_, n)| n.as_str())
            .unwrap_or(id)
    }
    /// A sector's display name (the id when none is known).
    pub fn sector<'a>(&'a self, id: &'a str) -> &'a str {
        Self::find(&self.sectors, id)
    }
    /// A fuel's display name.
    pub fn fuel<'a>(&'a self, id: &'a str) -> &'a str {
        Self::find(&self.fuels, id)
    }
    /// A driver's display name.
    pub fn driver<'a>(&'a self, id: &'a str) -> &'a str {
        Self::find(&self.drivers, id)
    }
}

/// A scenario's cost appraisal for its plan chapter (docs/COSTS.md, "The plan chapter of
/// `lcs report`"): the appraisal in the plan year ([`ScenarioRun::plan_year`]; Shapley) and
/// the target drawn on its MACC with the reduction it requires, t CO2e.
#[derive(Clone, Debug, PartialEq)]
pub struct RunCosts {
    /// The appraisal (`lcs_costs::appraise`).
    pub appraisal: lcs_costs::Appraisal,
    /// The target in the appraisal year and the reduction against the reference it
    /// requires, t CO2e (`lcs_costs::required_reduction_t`).
    pub required: Option<(String, f64)>,
}

/// One scenario's results: engine rows for the scenario and its reference (no actions),
/// targets, action metadata, attributions and display names.
#[derive(Clone, Debug)]
pub struct ScenarioRun {
    /// Scenario id.
    pub id: String,
    /// Scenario name.
    pub name: Option<String>,
    /// Region id.
    pub region: String,
    /// Region name (`region.name`, else the id).
    pub region_name: String,
    /// Model years.
    pub years: Vec<i32>,
    /// The engine's rows with every action.
    pub rows: Vec<Row>,
    /// The engine's rows of the reference (no actions).
    pub reference_rows: Vec<Row>,
    /// Targets.
    pub targets: Vec<TargetRow>,
    /// Actions in application order.
    pub actions: Vec<ActionInfo>,
    /// Sequential attribution (None for a scenario without actions).
    pub sequential: Option<Attribution>,
    /// Shapley attribution: exact, or estimated above the engine's exact limit (None
    /// without actions).
    pub shapley: Option<Attribution>,
    /// Top-level demand nodes (sector names of final energy).
    pub tops: Vec<String>,
    /// Display names of sectors, fuels and drivers.
    pub names: Names,
    /// Notes for the reader (e.g. how Shapley values were computed).
    pub notes: Vec<String>,
    /// The cost appraisal of the plan chapter (`None`: no `economics:` or no cost data;
    /// [`ScenarioRun::from_engine`] leaves it empty, the caller appraises).
    pub costs: Option<RunCosts>,
}

/// A target metric in words and the unit of its value and threshold: `emissions` in
/// `kt CO2e/yr`, or `intensity per <driver>` in `t CO2e/<the driver's declared unit>`
/// (MODEL.md §10, §11.11).
pub fn target_metric(m: &lcs_model::Model, metric: &Metric) -> (String, String) {
    let (words, unit, _) = metric_words(m, metric);
    (words, unit)
}

impl ScenarioRun {
    /// Gathers a scenario's results from the engine: `run` with every action, `reference`
    /// with none, `targets` from [`lcs_engine::evaluate_targets`].
    pub fn from_engine(
        s: &Scenario,
        c: &Compiled,
        run: &Workspace,
        reference: &Workspace,
        targets: &[TargetResult],
        sequential: Option<Attribution>,
        shapley: Option<Attribution>,
    ) -> ScenarioRun {
        let rows = lcs_engine::rows(c, run);
        let years = c.years();
        let m = &s.model;
        let targets = targets
            .iter()
            .zip(&s.targets)
            .map(|(t, spec)| target_row(m, t, spec))
            .collect();
        let actions = s
            .actions
            .iter()
            .map(|a| ActionInfo {
                id: a.id.clone(),
                name: a.name.clone(),
                theme: a.theme.clone(),
                agency: a.agency.clone(),
                kpi: a.kpi.clone(),
                measures: a.measures.iter().map(|x| measure_info(m, x)).collect(),
            })
            .collect();
        let tops: Vec<String> = m
            .top_nodes()
            .into_iter()
            .map(|i| m.nodes[i].name.clone())
            .collect();
        let mut r = ScenarioRun {
            id: s.id.clone(),
            name: s.name.clone(),
            region: c.region_id().to_string(),
            region_name: m.region_name.clone(),
            years,
            rows,
            reference_rows: lcs_engine::rows(c, reference),
            targets,
            actions,
            sequential,
            shapley,
            tops,
            names: Names::default(),
            notes: Vec::new(),
            costs: None,
        };
        r.names = Names {
            sectors: r
                .sectors()
                .into_iter()
                .map(|x| {
                    let n = m.sector_name(&x);
                    (x, n)
                })
                .collect(),
            fuels: r
                .fuels()
                .into_iter()
                .map(|x| {
                    let n = m.fuel_name(&x);
                    (x, n)
                })
                .collect(),
            drivers: (0..m.drivers.len())
                .map(|d| (m.drivers[d].name.clone(), m.driver_name(d)))
                .collect(),
        };
        r
    }

    /// The scenario's name, else its id.
    pub fn title(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// A row of the run by variable name.
    pub fn row(&self, variable: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.variable == variable)
    }

    /// A value of the run.
    pub fn value(&self, variable: &str, year: i32) -> Option<f64> {
        value_at(&self.rows, &self.years, variable, year)
    }

    /// A value of the reference run.
    pub fn reference_value(&self, variable: &str, year: i32) -> Option<f64> {
        value_at(&self.reference_rows, &self.years, variable, year)
    }

    /// A row's values over every model year (`None` where undefined or absent).
    pub fn series(&self, variable: &str) -> Vec<Option<f64>> {
        self.row(variable)
            .map(|x| x.values.clone())
            .unwrap_or_else(|| vec![None; self.years.len()])
    }

    /// A reference row's values over every model year.
    pub fn reference_series(&self, variable: &str) -> Vec<Option<f64>> {
        self.reference_rows
            .iter()
            .find(|r| r.variable == variable)
            .map(|x| x.values.clone())
            .unwrap_or_else(|| vec![None; self.years.len()])
    }

    /// Index of a year in the model years.
    pub fn year_index(&self, year: i32) -> Option<usize> {
        self.years.iter().position(|y| *y == year)
    }

    /// The emission sectors in engine order (`Emissions|CO2e|<sector>` rows).
    pub fn sectors(&self) -> Vec<String> {
        let prefix = format!("{}|", var::EMISSIONS_CO2E);
        self.rows
            .iter()
            .filter_map(|r| r.variable.strip_prefix(&prefix))
            .filter(|s| !s.contains('|'))
            .map(str::to_string)
            .collect()
    }

    /// The fuels of final energy in engine order (`Final Energy|<fuel>` rows that are not
    /// sectors).
    pub fn fuels(&self) -> Vec<String> {
        let prefix = format!("{}|", var::FINAL_ENERGY);
        self.rows
            .iter()
            .filter_map(|r| r.variable.strip_prefix(&prefix))
            .filter(|s| !s.contains('|') && !self.tops.iter().any(|t| t == s))
            .map(str::to_string)
            .collect()
    }

    /// The intensity rows (`Emissions Intensity|<driver>`): (driver, unit).
    pub fn intensities(&self) -> Vec<(String, String)> {
        self.rows
            .iter()
            .filter_map(|r| {
                r.variable
                    .strip_prefix(&format!("{}|", var::EMISSIONS_INTENSITY))
                    .map(|d| (d.to_string(), r.unit.clone()))
            })
            .collect()
    }

    /// The attribution shown in wedges and contributions: Shapley where computed, else
    /// sequential.
    pub fn wedge_attribution(&self) -> Option<(&Attribution, &'static str)> {
        match (&self.shapley, &self.sequential) {
            (Some(a), _) => Some((a, "Shapley")),
            (None, Some(a)) => Some((a, "sequential")),
            _ => None,
        }
    }

    /// The year of the plan chapter: the latest year of the scenario's targets (a scenario
    /// that extends another inherits its earlier targets, so its own horizon is the last),
    /// else the last model year.
    pub fn plan_year(&self) -> Option<i32> {
        self.targets
            .iter()
            .map(|t| t.year)
            .max()
            .or(self.years.last().copied())
    }

    /// The action with this id.
    pub fn action(&self, id: &str) -> Option<&ActionInfo> {
        self.actions.iter().find(|a| a.id == id)
    }
}

fn value_at(rows: &[Row], years: &[i32], variable: &str, year: i32) -> Option<f64> {
    let i = years.iter().position(|y| *y == year)?;
    rows.iter().find(|r| r.variable == variable)?.values[i]
}

/// Percent text for words: `−58 %`, `+5 %`.
fn pct_words(reduction: f64) -> String {
    format!("−{} %", words_number(100.0 * reduction))
}

/// A number for sentences: up to three significant decimals, no trailing zeros, thousands
/// separators (`22`, `0.15`, `1,200`).
pub(crate) fn words_number(v: f64) -> String {
    let a = v.abs();
    let s = if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    let s = if s == "-0" { "0".to_string() } else { s };
    crate::tables::group_thousands(&s)
}

/// A target's metric in words, its unit and its driver's id:
/// (`emissions per MYR million (GDP)`, `t CO2e/MYR million`, `Some("gdp")`).
pub(crate) fn metric_words(m: &Model, metric: &Metric) -> (String, String, Option<String>) {
    match metric {
        Metric::Emissions => ("emissions".to_string(), "kt CO2e/yr".to_string(), None),
        Metric::Intensity(d) => {
            let dr = &m.drivers[*d];
            (
                format!("emissions per {} ({})", dr.unit_text, m.driver_name(*d)),
                format!("t CO2e/{}", dr.unit_text),
                Some(dr.name.clone()),
            )
        }
    }
}

/// A target's rule in words (`−58 % vs 2005`, `at most 0 kt CO2e/yr`).
pub(crate) fn rule_words(threshold: &Threshold, unit: &str) -> String {
    match threshold {
        Threshold::Year { reduction, year } => format!("{} vs {year}", pct_words(*reduction)),
        Threshold::Reference { reduction } => {
            format!("{} vs reference (no actions)", pct_words(*reduction))
        }
        Threshold::AtMost(v) => format!("at most {} {unit}", words_number(*v)),
    }
}

fn target_row(m: &Model, t: &TargetResult, spec: &lcs_model::TargetSpec) -> TargetRow {
    let (metric, unit, driver) = metric_words(m, &spec.metric);
    let rule = rule_words(&spec.threshold, &unit);
    TargetRow {
        id: t.id.clone(),
        driver,
        metric,
        rule,
        year: t.year,
        value: t.value,
        threshold: t.threshold,
        unit,
        met: t.met,
    }
}

/// A series' value at `year` in its written unit (`None` for an expression or a year
/// outside the model).
fn value_in_unit(m: &Model, s: &Series, year: i32) -> Option<(f64, String)> {
    let i = usize::try_from(year.clamp(m.base_year, m.end_year) - m.base_year).ok()?;
    let v = *s.values()?.get(i)?;
    match &s.unit_text {
        Some(u) => {
            let f = m.units.parse(u).ok()?.factor;
            Some((v / f, u.clone()))
        }
        None => Some((v, String::new())),
    }
}

/// What a parameter path is, in words with display names.
pub(crate) fn target_words(m: &Model, t: &Target) -> String {
    let local = |u: usize| {
        m.electricity
            .as_ref()
            .and_then(|e| e.local.get(u))
            .map(|l| l.name.clone())
            .unwrap_or_default()
    };
    match t {
        Target::Driver(d) => m.driver_name(*d),
        Target::Activity(n) => format!("activity of {}", m.node_name(*n)),
        Target::Share(n) => format!("share of {}", m.node_name(*n)),
        Target::Intensity(n) => format!("energy intensity of {}", m.node_name(*n)),
        Target::Fuels(n) => format!("fuel mix of {}", m.node_name(*n)),
        Target::Children(n) => m.node_name(*n),
        Target::Losses => "grid losses".into(),
        Target::GridFactor => "the grid emission factor".into(),
        Target::Mix => "the power mix".into(),
        Target::Local => "local generation".into(),
        Target::LocalCapacity(u) => format!("capacity of {}", local(*u)),
        Target::LocalCapacityFactor(u) => format!("capacity factor of {}", local(*u)),
        Target::LocalGeneration(u) => format!("generation of {}", local(*u)),
        Target::WasteGeneration => "waste generation".into(),
        Target::WasteComposition => "waste composition".into(),
        Target::WasteRoutes => "waste routes".into(),
        Target::LandfillRecovery => "landfill gas recovery".into(),
        Target::SourceActivity(s) => format!("activity of {}", m.source_name(*s)),
        Target::SourceFactor(s, g) => format!("{} factor of {}", g.name(), m.source_name(*s)),
        Target::Energy(n) => format!("final energy of {}", m.node_name(*n)),
        Target::IncinerationElectricity => "electricity per tonne incinerated".into(),
        Target::IncinerationCapture => "carbon capture at the incinerator stack".into(),
        Target::TypeRoutes(t) => format!(
            "waste routes of {}",
            m.share_map_item_names(&Target::WasteComposition)
                .get(*t)
                .cloned()
                .unwrap_or_default()
        ),
        Target::WastewaterPathways(i) => format!("treatment of {}", wastewater_stream(m, *i)),
        Target::WastewaterRecovery(i) => {
            format!("methane recovery of {}", wastewater_stream(m, *i))
        }
        Target::IndustrialProduction(i) => {
            format!("production of {}", wastewater_stream(m, Some(*i)))
        }
        Target::RefrigerantGases(s) => format!("refrigerant gases of {}", m.source_name(*s)),
        Target::Refrigerant(s, k) => {
            format!("refrigerant {} of {}", k.name(), m.source_name(*s))
        }
        Target::Land(s, k) => format!("{} of {}", k.name().replace('_', " "), m.source_name(*s)),
        Target::Market => "market instruments for grid electricity".into(),
    }
}

/// A wastewater stream in words: domestic (`None`) or the named industry.
fn wastewater_stream(m: &Model, i: Option<usize>) -> String {
    match i {
        None => "domestic wastewater".into(),
        Some(i) => m
            .wastewater
            .as_ref()
            .and_then(|w| w.industrial.get(i))
            .map(|x| format!("{} wastewater", x.name))
            .unwrap_or_default(),
    }
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A measure's lever in words, its size at full effect and the size's unit.
pub(crate) fn lever_words(m: &Model, x: &Measure) -> (String, Option<f64>, String) {
    let what = target_words(m, &x.target);
    let full = x.schedule.full;
    match &x.lever {
        Lever::Scale { by } => match value_in_unit(m, by, full) {
            Some((b, _)) => {
                let verb = if b < 0.0 { "cut" } else { "raise" };
                (
                    format!("{verb} {what} by {} %", words_number(100.0 * b.abs())),
                    Some(100.0 * b),
                    "%".into(),
                )
            }
            None => (format!("scale {what}"), None, String::new()),
        },
        Lever::Set { value } => match value_in_unit(m, value, full) {
            Some((v, u)) => (
                format!("set {what} to {}{}", words_number(v), space(&u)),
                Some(v),
                u,
            ),
            None => (format!("set {what}"), None, String::new()),
        },
        Lever::Add { amount } => match value_in_unit(m, amount, full) {
            Some((v, u)) => {
                let (verb, prep) = if v < 0.0 {
                    ("take", "from")
                } else {
                    ("add", "to")
                };
                (
                    format!(
                        "{verb} {}{} {prep} {what}",
                        words_number(v.abs()),
                        space(&u)
                    ),
                    Some(v),
                    u,
                )
            }
            None => (format!("add to {what}"), None, String::new()),
        },
        Lever::Shift { from, to, amount } => {
            let names = m.share_map_item_names(&x.target);
            let pick = |ix: &[usize]| -> Vec<String> {
                ix.iter()
                    .map(|&i| names.get(i).cloned().unwrap_or_default())
                    .collect()
            };
            (
                format!(
                    "shift {} share points of {what} from {} to {}",
                    words_number(100.0 * amount),
                    and_list(&pick(from)),
                    and_list(&pick(to))
                ),
                Some(100.0 * amount),
                "share points".into(),
            )
        }
        Lever::SetMap { value } => {
            let names = m.share_map_item_names(&x.target);
            let items: Vec<String> = value
                .iter()
                .filter(|(_, v)| *v > 0.0)
                .map(|(i, v)| {
                    format!(
                        "{} {} %",
                        names.get(*i).cloned().unwrap_or_default(),
                        words_number(100.0 * v)
                    )
                })
                .collect();
            (
                format!("set {what} to {}", items.join(", ")),
                None,
                String::new(),
            )
        }
        Lever::Generation {
            generation_gj,
            degradation,
        } => {
            // At full effect (the `full` year); 1 MWh = 3.6 GJ.
            let i = (full.clamp(m.base_year, m.end_year) - m.base_year) as usize;
            let mwh = generation_gj.get(i).copied().unwrap_or(0.0) / 3.6;
            let aging = if *degradation > 0.0 {
                format!(", losing {} % a year", words_number(100.0 * degradation))
            } else {
                String::new()
            };
            (
                format!(
                    "add {} MWh/yr of local generation{aging}",
                    words_number(mwh)
                ),
                Some(mwh),
                "MWh/yr".into(),
            )
        }
        Lever::Divert { from, to, mass, .. } => {
            let routes = m.share_map_item_names(&Target::WasteRoutes);
            let route = |i: usize| routes.get(i).cloned().unwrap_or_default();
            let from: Vec<String> = from.iter().map(|&i| route(i)).collect();
            match value_in_unit(m, mass, full) {
                Some((v, u)) => (
                    format!(
                        "divert up to {}{} of waste from {} to {}",
                        words_number(v),
                        space(&u),
                        and_list(&from),
                        route(*to)
                    ),
                    Some(v),
                    u,
                ),
                None => (
                    format!("divert waste from {} to {}", and_list(&from), route(*to)),
                    None,
                    String::new(),
                ),
            }
        }
        Lever::Save { fuel, amount } => match value_in_unit(m, amount, full) {
            Some((v, u)) => (
                format!(
                    "save {}{} of {} in {what}",
                    words_number(v),
                    space(&u),
                    fuel_id_name(m, *fuel)
                ),
                Some(v),
                u,
            ),
            None => (
                format!("save {} in {what}", fuel_id_name(m, *fuel)),
                None,
                String::new(),
            ),
        },
        Lever::Purchase {
            amount, instrument, ..
        } => {
            let kind = match instrument {
                lcs_model::Instrument::GreenTariff => "a green electricity tariff",
                lcs_model::Instrument::Certificates => "renewable energy certificates",
                lcs_model::Instrument::Ppa => "a power purchase agreement",
            };
            match value_in_unit(m, amount, full) {
                Some((v, u)) => (
                    format!(
                        "buy {}{} of grid electricity through {kind} (market-based results only)",
                        words_number(v),
                        space(&u)
                    ),
                    Some(v),
                    u,
                ),
                None => (
                    format!("buy grid electricity through {kind} (market-based results only)"),
                    None,
                    String::new(),
                ),
            }
        }
        Lever::Switch {
            from, to, amount, ..
        } => match value_in_unit(m, amount, full) {
            Some((v, u)) => (
                format!(
                    "switch {}{} of {what} from {} to {}",
                    words_number(v),
                    space(&u),
                    fuel_id_name(m, *from),
                    fuel_id_name(m, *to)
                ),
                Some(v),
                u,
            ),
            None => (
                format!(
                    "switch {what} from {} to {}",
                    fuel_id_name(m, *from),
                    fuel_id_name(m, *to)
                ),
                None,
                String::new(),
            ),
        },
        Lever::Use { fuel, amount } => match value_in_unit(m, amount, full) {
            Some((v, u)) => (
                format!(
                    "use {}{} more {} in {what}",
                    words_number(v),
                    space(&u),
                    fuel_id_name(m, *fuel)
                ),
                Some(v),
                u,
            ),
            None => (
                format!("use more {} in {what}", fuel_id_name(m, *fuel)),
                None,
                String::new(),
            ),
        },
    }
}

/// The display name of fuel `i` (an index into the model's fuel table).
fn fuel_id_name(m: &Model, i: usize) -> String {
    m.fuels
        .fuels()
        .get(i)
        .map(|f| m.fuel_name(&f.id))
        .unwrap_or_default()
}

fn space(u: &str) -> String {
    if u.is_empty() {
        String::new()
    } else {
        format!(" {u}")
    }
}

fn measure_info(m: &Model, x: &Measure) -> MeasureInfo {
    let (words, size, size_unit) = lever_words(m, x);
    MeasureInfo {
        id: x.id.clone(),
        name: x.name.clone(),
        lever: x.lever.name().to_string(),
        target: x.target_path.clone(),
        words,
        size,
        size_unit,
        start: x.schedule.start,
        full: x.schedule.full,
    }
}
