//! The JSON forms of the API (docs/EXPLORER.md, "API"): requests (read with serde, unknown
//! keys refused) and responses. These mirror the explorer's numbers; the checked model and
//! the compiled arrays stay unserialisable.
//!
//! Units are in the field names or in a `unit` field: emissions in kt CO2e per year,
//! intensities in t CO2e per declared unit of their driver, fractions as fractions (−0.4 is
//! 40 % lower).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One lever as sent: either key may be left out.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LeverJson {
    /// Ambition, 0–1.5 (1 = the measures' sizes as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ambition: Option<f64>,
    /// Start year of the action's earliest measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
}

/// The body of `POST /api/evaluate`; `{}` is the first served scenario with its file's
/// values.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// Scenario id (default: the first served).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Levers by action id; actions left out keep the file's values.
    #[serde(default)]
    pub levers: BTreeMap<String, LeverJson>,
    /// The year of the headline numbers (default: the earliest target year, else the last
    /// model year).
    #[serde(default)]
    pub year: Option<i64>,
    /// `none` (default) or `shapley`: the wedges of the current setting.
    #[serde(default)]
    pub attribution: Option<String>,
}

/// The body of `POST /api/ensemble`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnsembleRequest {
    /// Scenario id (default: the first served).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Levers by action id.
    #[serde(default)]
    pub levers: BTreeMap<String, LeverJson>,
    /// Samples, 1 to [`crate::MAX_SAMPLES`] (default [`crate::DEFAULT_SAMPLES`]).
    #[serde(default)]
    pub samples: Option<u64>,
    /// Seed (default 1).
    #[serde(default)]
    pub seed: Option<u64>,
}

/// The body of `POST /api/export`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// Scenario id (default: the first served).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Levers by action id.
    #[serde(default)]
    pub levers: BTreeMap<String, LeverJson>,
}

/// `GET /api/scenarios`.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioList {
    /// The served scenarios, in command-line order.
    pub scenarios: Vec<ScenarioInfo>,
    /// Limits of the API.
    pub limits: Limits,
}

/// Limits a request must keep.
#[derive(Clone, Debug, Serialize)]
pub struct Limits {
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Largest ensemble.
    pub max_samples: u64,
    /// Ensemble size when a request names none.
    pub default_samples: u64,
    /// Most actions attributed by exact Shapley; above it, sampled Shapley with its error.
    pub exact_shapley_actions: usize,
}

/// One served scenario: what the page needs to draw its controls.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioInfo {
    /// Id.
    pub id: String,
    /// Name (the id when the file has none).
    pub name: String,
    /// The file's name (the exported scenario extends it).
    pub file: String,
    /// Region id and name.
    pub region: String,
    /// Region name.
    pub region_name: String,
    /// Base year.
    pub base_year: i32,
    /// Last model year.
    pub end_year: i32,
    /// The default headline year.
    pub default_year: i32,
    /// Whether the scenario has an `uncertainty:` section.
    pub uncertainty: bool,
    /// Actions in application order.
    pub actions: Vec<ActionInfo>,
    /// Targets.
    pub targets: Vec<TargetInfo>,
    /// Sectors of the sector view.
    pub sectors: Vec<Named>,
}

/// An id with its display name.
#[derive(Clone, Debug, Serialize)]
pub struct Named {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// One action and its lever.
#[derive(Clone, Debug, Serialize)]
pub struct ActionInfo {
    /// Id.
    pub id: String,
    /// Name (the id when the file has none).
    pub name: String,
    /// Theme ("" when none).
    pub theme: String,
    /// Agencies.
    pub agency: Vec<String>,
    /// KPI ("" when none).
    pub kpi: String,
    /// The file's ambition.
    pub ambition: f64,
    /// The file's start year.
    pub start: i32,
    /// Largest ambition.
    pub max_ambition: f64,
    /// Earliest start year.
    pub first_start: i32,
    /// Latest start year.
    pub last_start: i32,
    /// Its measures (id and name).
    pub measures: Vec<Named>,
}

/// One target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetInfo {
    /// Id.
    pub id: String,
    /// Year.
    pub year: i32,
    /// `emissions` or `intensity`.
    pub metric: String,
    /// The driver of an intensity target.
    pub driver: Option<String>,
    /// Unit of value and threshold.
    pub unit: String,
    /// The rule in words.
    pub rule: String,
}

/// The response of `POST /api/evaluate`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Evaluation {
    /// Scenario id.
    pub scenario: String,
    /// The complete lever state evaluated: every action's ambition and start.
    pub levers: BTreeMap<String, LeverState>,
    /// The `adjust:` entries the state stands for (actions that differ from the file).
    pub adjust: BTreeMap<String, LeverJson>,
    /// Model years.
    pub years: Vec<i32>,
    /// Total emissions by year, kt CO2e/yr.
    pub pathway: Pathway,
    /// Headline numbers in `headline.year`.
    pub headline: Headline,
    /// Emissions by sector (the sector view), current setting, kt CO2e/yr, by year.
    pub sectors: Vec<SectorSeries>,
    /// Targets of the current setting.
    pub targets: Vec<TargetOutcome>,
    /// The wedges of the current setting, when asked.
    pub attribution: Option<AttributionJson>,
}

/// A complete lever.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub struct LeverState {
    /// Ambition.
    pub ambition: f64,
    /// Start year.
    pub start: i32,
}

/// Total emissions of the three runs, kt CO2e/yr by year.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Pathway {
    /// Unit of the values.
    pub unit: String,
    /// The reference (no actions).
    pub reference: Vec<f64>,
    /// The scenario with the file's values.
    pub scenario: Vec<f64>,
    /// The current lever setting.
    pub current: Vec<f64>,
}

/// Headline numbers of the current setting in one year.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Headline {
    /// The year.
    pub year: i32,
    /// Total emissions, kt CO2e/yr.
    pub emissions_kt: f64,
    /// Emissions per unit of each intensity driver (per GDP, per person), as the engine's
    /// `Emissions Intensity|<driver>` rows.
    pub intensities: Vec<IntensityValue>,
    /// The base year.
    pub base_year: i32,
    /// Total emissions in the base year, kt CO2e/yr.
    pub base_emissions_kt: f64,
    /// `(E(y) − E(base)) / E(base)`.
    pub change_vs_base: Option<f64>,
    /// The reference's emissions in the year, kt CO2e/yr.
    pub reference_kt: f64,
    /// `(E(y) − R(y)) / R(y)`.
    pub change_vs_reference: Option<f64>,
    /// The file's scenario emissions in the year, kt CO2e/yr.
    pub scenario_kt: f64,
}

/// One intensity.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct IntensityValue {
    /// Driver id.
    pub driver: String,
    /// Driver display name.
    pub name: String,
    /// Unit, e.g. `t CO2e/person`.
    pub unit: String,
    /// Value in the headline year (`None` over a zero driver).
    pub value: Option<f64>,
}

/// One sector's emissions by year.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SectorSeries {
    /// Sector id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Current setting, kt CO2e/yr.
    pub current: Vec<f64>,
    /// Reference, kt CO2e/yr.
    pub reference: Vec<f64>,
}

/// A target under the current setting.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TargetOutcome {
    /// Id.
    pub id: String,
    /// Year.
    pub year: i32,
    /// The metric (`None` when undefined).
    pub value: Option<f64>,
    /// The threshold.
    pub threshold: Option<f64>,
    /// Unit of value and threshold.
    pub unit: String,
    /// `value ≤ threshold`.
    pub met: bool,
    /// `value − threshold` (≤ 0 when met).
    pub margin: Option<f64>,
    /// `margin / |threshold|`.
    pub margin_relative: Option<f64>,
    /// The threshold as total emissions in the target year, kt CO2e/yr: `θ × E / m` (for an
    /// emissions target, `θ`), for the pathway chart's marker.
    pub threshold_kt: Option<f64>,
}

/// Shapley wedges of the current setting.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AttributionJson {
    /// `shapley` (exact) or `shapley-sampled` (a component of the total sampled,
    /// docs/ATTRIBUTION.md).
    pub method: String,
    /// Orderings drawn by the sampled components (0 when exact).
    pub permutations: usize,
    /// Each action's contribution by year, kt CO2e/yr, in action order.
    pub actions: Vec<Wedge>,
    /// `v(all)`: reference minus current, kt CO2e/yr by year.
    pub total: Vec<f64>,
    /// The largest standard error of any contribution in any year, kt CO2e/yr (0 when
    /// exact).
    pub max_error: f64,
}

/// One action's wedge.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Wedge {
    /// Action id.
    pub id: String,
    /// Contribution, kt CO2e/yr by year.
    pub values: Vec<f64>,
    /// Standard error of the sampled estimate by year (absent when exact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Vec<f64>>,
}

/// The response of `POST /api/ensemble`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Band {
    /// Scenario id.
    pub scenario: String,
    /// Samples drawn.
    pub samples: u64,
    /// Seed.
    pub seed: u64,
    /// Model years.
    pub years: Vec<i32>,
    /// Total emissions, 5th percentile by year, kt CO2e/yr.
    pub p5: Vec<Option<f64>>,
    /// Median.
    pub p50: Vec<Option<f64>>,
    /// 95th percentile.
    pub p95: Vec<Option<f64>>,
    /// Probability that each target is met.
    pub targets: Vec<TargetProbability>,
}

/// P(target met) over the ensemble.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TargetProbability {
    /// Target id.
    pub id: String,
    /// Fraction of samples meeting it.
    pub probability: f64,
}

/// An error response.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ErrorJson {
    /// The message.
    pub error: String,
}
