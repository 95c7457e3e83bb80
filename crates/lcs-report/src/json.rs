//! The JSON documents of the binary's `--format json`: serialisable mirrors of the library
//! results, kept at the edge (the checked model and the engine's types are not serialisable).
//!
//! Every document is one JSON object with `kind` (the command) and `version` (of the shape,
//! 1; a key may be added within a version, never removed or changed). docs/CLI.md lists
//! the shapes. Numbers are in the units named beside them; a missing value is `null`.

use lcs_model::{Diagnostic, Sources};
use serde::Serialize;

/// The version of every document's shape.
pub const VERSION: u32 = 1;

/// `lcs run --format json`.
#[derive(Serialize)]
pub struct RunDoc {
    /// `run`.
    pub kind: &'static str,
    /// [`VERSION`].
    pub version: u32,
    /// `lcs <version>`.
    pub model: String,
    /// One entry per scenario, in the order given.
    pub scenarios: Vec<RunScenario>,
}

/// One scenario's results.
#[derive(Serialize)]
pub struct RunScenario {
    /// Scenario id.
    pub id: String,
    /// Scenario name, if given.
    pub name: Option<String>,
    /// Region id.
    pub region: String,
    /// Every model year.
    pub years: Vec<i32>,
    /// Every result row of the long table (MODEL.md §10), values per year.
    pub rows: Vec<RowDoc>,
    /// `Emissions|CO2e` of the reference (the scenario without its actions), kt CO2e/yr.
    pub reference_total: Vec<f64>,
    /// The targets.
    pub targets: Vec<TargetDoc>,
}

/// One result row.
#[derive(Serialize)]
pub struct RowDoc {
    /// IAMC variable name.
    pub variable: String,
    /// Unit of the values.
    pub unit: String,
    /// One value per model year (`null` where undefined).
    pub values: Vec<Option<f64>>,
}

/// One target's outcome.
#[derive(Clone, Serialize)]
pub struct TargetDoc {
    /// Target id.
    pub id: String,
    /// `emissions` or `intensity per <driver>`.
    pub metric: String,
    /// The year it applies to.
    pub year: i32,
    /// The metric in that year.
    pub value: Option<f64>,
    /// The threshold.
    pub threshold: Option<f64>,
    /// Unit of value and threshold.
    pub unit: String,
    /// `value ≤ threshold`.
    pub met: bool,
}

/// The targets of scenario `s`, evaluated on its run `ws` against its `reference` run,
/// as documents: value and threshold in the metric's reporting unit (MODEL.md §11.11).
pub fn target_docs(
    s: &lcs_model::Scenario,
    c: &lcs_engine::Compiled,
    ws: &lcs_engine::Workspace,
    reference: &lcs_engine::Workspace,
) -> Vec<TargetDoc> {
    lcs_engine::evaluate_targets(s, c, ws, reference)
        .into_iter()
        .zip(&s.targets)
        .map(|(t, spec)| {
            let (metric, unit) = crate::target_metric(&s.model, &spec.metric);
            TargetDoc {
                id: t.id,
                metric,
                year: t.year,
                value: t.value,
                threshold: t.threshold,
                unit,
                met: t.met,
            }
        })
        .collect()
}

/// `lcs targets --format json`.
#[derive(Serialize)]
pub struct TargetsDoc {
    /// `targets`.
    pub kind: &'static str,
    /// [`VERSION`].
    pub version: u32,
    /// Scenario id.
    pub scenario: String,
    /// The targets, in the scenario's order.
    pub targets: Vec<TargetDoc>,
    /// How many are not met.
    pub missed: usize,
}

/// `lcs attribute --format json`.
#[derive(Serialize)]
pub struct AttributionDoc {
    /// `attribute`.
    pub kind: &'static str,
    /// [`VERSION`].
    pub version: u32,
    /// Scenario id.
    pub scenario: String,
    /// The method used: `sequential`, `solo`, `shapley` or `shapley-sampled`.
    pub method: String,
    /// Whether the values are estimates (`shapley-sampled`, or `shapley` with a sampled
    /// component).
    pub estimated: bool,
    /// Shapley: per year, the share of the gross reduction computed exactly (1 when every
    /// component is exact); `null` for the other methods.
    pub exact_share: Option<Vec<f64>>,
    /// Shapley: engine runs of the attribution.
    pub runs: Option<u64>,
    /// Shapley: components of the total (docs/ATTRIBUTION.md).
    pub components: Option<usize>,
    /// Why the method differs from the one asked for, if it does.
    pub note: Option<String>,
    /// Unit of every value: `kt CO2e/yr`, reduction against the reference.
    pub unit: &'static str,
    /// The years of the values.
    pub years: Vec<i32>,
    /// Each action's contribution per year, in application order.
    pub actions: Vec<ActionDoc>,
    /// The total reduction per year (`v(all)`).
    pub total: Vec<f64>,
    /// For `solo`: total minus the sum of contributions; else `null`.
    pub interaction: Option<Vec<f64>>,
}

/// One action's contribution.
#[derive(Serialize)]
pub struct ActionDoc {
    /// Action id.
    pub id: String,
    /// Action name, if given.
    pub name: Option<String>,
    /// Contribution per year.
    pub values: Vec<f64>,
    /// Standard error of each value when some component was sampled; else `null`.
    pub standard_error: Option<Vec<f64>>,
}

/// `lcs validate --format json`.
#[derive(Serialize)]
pub struct ValidateDoc {
    /// `validate`.
    pub kind: &'static str,
    /// [`VERSION`].
    pub version: u32,
    /// Whether every file is valid (no errors; no warnings with `--deny-warnings`).
    pub ok: bool,
    /// Every file checked, in the order checked.
    pub files: Vec<FileDoc>,
    /// Every problem found, each once even when several files share it (a model used by
    /// several scenarios).
    pub diagnostics: Vec<DiagnosticDoc>,
    /// Number of errors in `diagnostics`.
    pub errors: usize,
    /// Number of warnings in `diagnostics`.
    pub warnings: usize,
}

/// One file's outcome.
#[derive(Serialize)]
pub struct FileDoc {
    /// The path as given or found.
    pub path: String,
    /// `model`, `scenario`, `package`, or `null` when the file could not be read as any.
    pub kind: Option<&'static str>,
    /// The region, scenario or package id.
    pub id: Option<String>,
    /// Whether the file is valid.
    pub ok: bool,
    /// Errors found while checking this file (including those of files it uses).
    pub errors: usize,
    /// Warnings first found while checking this file.
    pub warnings: usize,
}

/// One diagnostic.
#[derive(Serialize)]
pub struct DiagnosticDoc {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The warning's name (`gas-key-case`), `null` for errors.
    pub code: Option<&'static str>,
    /// The file, when the problem has a position.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
    /// The key path (`demand.transport.fuels`), empty when none.
    pub key: String,
    /// One-line description.
    pub message: String,
    /// What would be valid.
    pub expected: Option<String>,
    /// What was found.
    pub found: Option<String>,
    /// Nearest valid names.
    pub suggestions: Vec<String>,
    /// Further notes.
    pub notes: Vec<String>,
}

impl DiagnosticDoc {
    /// The JSON form of a diagnostic.
    pub fn of(d: &Diagnostic, sources: &Sources) -> Self {
        DiagnosticDoc {
            severity: d.severity.name(),
            code: d.code,
            file: d.span.map(|s| sources.name(s.file)),
            line: d.span.map(|s| s.line),
            column: d.span.map(|s| s.col),
            key: d.path.clone(),
            message: d.message.clone(),
            expected: d.expected.clone(),
            found: d.found.clone(),
            suggestions: d.suggestions.clone(),
            notes: d.notes.clone(),
        }
    }
}
