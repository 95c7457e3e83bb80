//! One scenario's engine results, gathered for reporting.

use lcs_engine::{Attribution, Compiled, Row, TargetResult, Workspace};
use lcs_model::{Metric, Scenario};

/// A target's outcome with its unit, for the targets table and the pathway chart.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetRow {
    /// Target id.
    pub id: String,
    /// `emissions` or `intensity per <driver>`.
    pub metric: String,
    /// The year it applies to.
    pub year: i32,
    /// The metric in that year.
    pub value: Option<f64>,
    /// The threshold, same unit.
    pub threshold: Option<f64>,
    /// The unit of value and threshold.
    pub unit: String,
    /// Whether the target is met.
    pub met: bool,
    /// The threshold as total emissions in the target year (kt CO2e/yr): the threshold
    /// itself for an emissions target, threshold × the driver's value (engine row
    /// `Drivers|<name>`) / 1000 for an intensity target. For the pathway chart.
    pub threshold_kt: Option<f64>,
}

/// A measure of an action, for the action-plan table.
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

/// One scenario's results: engine rows for the scenario and its reference (no actions),
/// targets, action metadata and attributions.
#[derive(Clone, Debug)]
pub struct ScenarioRun {
    /// Scenario id.
    pub id: String,
    /// Scenario name.
    pub name: Option<String>,
    /// Region id.
    pub region: String,
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
    /// Exact Shapley attribution (None without actions or above the engine's limit).
    pub shapley: Option<Attribution>,
    /// Top-level demand nodes (sector names of final energy).
    pub tops: Vec<String>,
    /// Notes for the reader (e.g. why Shapley values are missing).
    pub notes: Vec<String>,
}

/// A target metric in words and the unit of its value and threshold: `emissions` in
/// `kt CO2e/yr`, or `intensity per <driver>` in `t CO2e/<the driver's declared unit>`
/// (MODEL.md §10, §11.11).
pub fn target_metric(m: &lcs_model::Model, metric: &Metric) -> (String, String) {
    match metric {
        Metric::Emissions => ("emissions".to_string(), "kt CO2e/yr".to_string()),
        Metric::Intensity(d) => {
            let dr = &m.drivers[*d];
            (
                format!("intensity per {}", dr.name),
                format!("t CO2e/{}", dr.unit_text),
            )
        }
    }
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
            .map(|(t, spec)| {
                let (metric, unit) = target_metric(m, &spec.metric);
                let driver = match &spec.metric {
                    Metric::Emissions => None,
                    Metric::Intensity(d) => Some(m.drivers[*d].name.clone()),
                };
                let threshold_kt = match &driver {
                    None => t.threshold,
                    Some(d) => {
                        let dv = value_at(&rows, &years, &format!("Drivers|{d}"), t.year);
                        match (t.threshold, dv) {
                            (Some(th), Some(dv)) => Some(th * dv / 1000.0),
                            _ => None,
                        }
                    }
                };
                TargetRow {
                    id: t.id.clone(),
                    metric,
                    year: t.year,
                    value: t.value,
                    threshold: t.threshold,
                    unit,
                    met: t.met,
                    threshold_kt,
                }
            })
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
                measures: a
                    .measures
                    .iter()
                    .map(|x| MeasureInfo {
                        id: x.id.clone(),
                        name: x.name.clone(),
                        lever: x.lever.name().to_string(),
                        target: x.target_path.clone(),
                        start: x.schedule.start,
                        full: x.schedule.full,
                    })
                    .collect(),
            })
            .collect();
        let tops = m
            .top_nodes()
            .into_iter()
            .map(|i| m.nodes[i].name.clone())
            .collect();
        ScenarioRun {
            id: s.id.clone(),
            name: s.name.clone(),
            region: c.region_id().to_string(),
            years,
            rows,
            reference_rows: lcs_engine::rows(c, reference),
            targets,
            actions,
            sequential,
            shapley,
            tops,
            notes: Vec::new(),
        }
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

    /// Index of a year in the model years.
    pub fn year_index(&self, year: i32) -> Option<usize> {
        self.years.iter().position(|y| *y == year)
    }

    /// The emission sectors in engine order (`Emissions|CO2e|<sector>` rows).
    pub fn sectors(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter_map(|r| r.variable.strip_prefix("Emissions|CO2e|"))
            .filter(|s| !s.contains('|'))
            .map(str::to_string)
            .collect()
    }

    /// The fuels of final energy in engine order (`Final Energy|<fuel>` rows that are not
    /// sectors).
    pub fn fuels(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter_map(|r| r.variable.strip_prefix("Final Energy|"))
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
                    .strip_prefix("Emissions Intensity|")
                    .map(|d| (d.to_string(), r.unit.clone()))
            })
            .collect()
    }

    /// The attribution shown in wedges and shares: Shapley where computed, else sequential.
    pub fn wedge_attribution(&self) -> Option<(&Attribution, &'static str)> {
        match (&self.shapley, &self.sequential) {
            (Some(a), _) => Some((a, "Shapley")),
            (None, Some(a)) => Some((a, "sequential")),
            _ => None,
        }
    }
}

fn value_at(rows: &[Row], years: &[i32], variable: &str, year: i32) -> Option<f64> {
    let i = years.iter().position(|y| *y == year)?;
    rows.iter().find(|r| r.variable == variable)?.values[i]
}
