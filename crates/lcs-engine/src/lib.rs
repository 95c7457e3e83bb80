//! The scenario engine: compile, evaluate, results, targets and attribution
//! (MODEL.md §4–§10, and the extensions of docs/EXTENSIONS.md: the levers `divert`, `save`,
//! `switch`, `generation` with series and degradation, `until`; composition-aware waste
//! routes, anaerobic digestion, wastewater).
//!
//! A checked [`lcs_model::Scenario`] is compiled once ([`compile`]) into flat arrays; one
//! evaluation ([`evaluate`]) is a pure function of those arrays and an action mask, writing
//! into a reusable [`Workspace`] with no string look-ups and no allocation per year.
//! [`rows`] turns an evaluation into the long output table of §10; [`evaluate_targets`]
//! checks targets; [`attribute`] splits the reduction among actions; [`diversions`] and
//! [`waste_flows`] report what the waste measures moved.
//!
//! One module per spec section holds its compilation and its equations, one function per
//! equation family named for the quantity: `drivers` (§3), `demand` (§4: `final_energy`,
//! `final_energy_outputs`), `electricity` (§5: `busbar_supply`, `grid_supply`,
//! `grid_emissions`, `allocate_grid_emissions`), [`waste`] and `waste_section` (§7:
//! `landfill_ch4`, `incineration_co2`, `biological_treatment`), [`wastewater`], `sources`
//! (§8), `measures` (§9, the step interpreter); the plan types are in `plan`. Units are base
//! units inside (GJ, t, MWh for the electricity balance); every value an evaluation writes
//! is checked finite, so a division by zero or an overflow is a [`RunError`], never an
//! `inf` in the results.
//!
//! Never depends on: polars, clap, any renderer, or the binary; does no IO and holds no
//! global state, so the same inputs give the same bytes.
//!
//! ```no_run
//! let mut loader = lcs_model::Loader::new();
//! let s = loader.load_scenario(std::path::Path::new("cm.yaml")).expect("valid scenario");
//! let c = lcs_engine::compile(&s).expect("compiles");
//! let mut ws = lcs_engine::Workspace::new(&c);
//! lcs_engine::evaluate(&c, &mut ws, &vec![true; s.actions.len()]).expect("runs");
//! let rows = lcs_engine::rows(&c, &ws);
//! assert_eq!(rows[0].variable, "Emissions|CO2e");
//! ```
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod adjust;
mod attribution;
mod breakdown;
mod compile;
mod dataflow;
mod demand;
mod drivers;
mod electricity;
mod eval;
pub mod explain;
pub mod factors;
mod fold;
mod inventory;
mod measures;
mod parts;
mod plan;
mod results;
mod shapley;
mod sources;
mod targets;
pub mod waste;
mod waste_section;
pub mod wastewater;

pub use attribution::{
    attribute, attribute_with, shapley_with_params, Attribution, AttributionError, Method,
};
pub use breakdown::{
    breakdown, Breakdown, LeafBreakdown, LeafFuel, SourceBreakdown, WasteBreakdown,
};
pub use compile::compile;
pub use eval::{
    diversions, elec_row, evaluate, evaluate_baseline, evaluate_with, fastest_code,
    grid_factor_co2e, instruction_set, waste_row, wastewater_row, Cause, Diversion, Outputs,
    Problem, RunError, Workspace,
};
pub use explain::{
    base_unit, inputs, Change, DataRow, ExplainError, Explainer, Explanation, Input, MeasureChange,
    Node, NodeKind,
};
pub use factors::{combustion_factors, GasFactors};
pub use inventory::InventoryOutputs;
pub use parts::{emission_parts, EmissionPart, Part};
pub use plan::{CompileError, Compiled};
pub use results::{row_layout, row_values_into, rows, var, Row};
pub use shapley::{
    ShapleyComponent, ShapleyOptions, ShapleyPlan, ShapleyReport, MAX_EXACT_ACTIONS,
};
pub use targets::{evaluate_targets, targets_met, TargetResult};
pub use waste_section::{waste_flows, WasteFlows};

/// Evaluates a scenario with all its actions and returns the workspace.
pub fn run_all(c: &Compiled) -> Result<Workspace, RunError> {
    let mut ws = Workspace::new(c);
    evaluate(c, &mut ws, &vec![true; c.n_actions])?;
    Ok(ws)
}

/// Evaluates the reference of a scenario (no actions).
pub fn run_reference(c: &Compiled) -> Result<Workspace, RunError> {
    let mut ws = Workspace::new(c);
    evaluate(c, &mut ws, &vec![false; c.n_actions])?;
    Ok(ws)
}

impl Compiled {
    /// Number of actions.
    pub fn n_actions(&self) -> usize {
        self.n_actions
    }
    /// The model years.
    pub fn years(&self) -> Vec<i32> {
        (0..self.n_years as i32)
            .map(|i| self.base_year + i)
            .collect()
    }
    /// Scenario id.
    pub fn scenario_id(&self) -> &str {
        &self.labels.scenario
    }
    /// Region id.
    pub fn region_id(&self) -> &str {
        &self.labels.region
    }
    /// Sizes of the compiled form, for benchmarks and profiling: slots, steps by kind,
    /// leaves, (sector, fuel, factors) combinations, output rows.
    pub fn describe(&self) -> String {
        let mut kinds = std::collections::BTreeMap::new();
        for s in &self.steps {
            *kinds.entry(s.kind()).or_insert(0usize) += 1;
        }
        let steps: Vec<String> = kinds.iter().map(|(k, v)| format!("{v} {k}")).collect();
        let dirty: usize =
            self.dirty.iter().map(|(a, b)| b - a).sum::<usize>() / self.n_years.max(1);
        format!(
            "{} slots ({} reset per run), steps: {}; {} leaves, {} fuel entries, {} combinations, {} output rows",
            self.arena.len() / self.n_years.max(1),
            dirty,
            steps.join(", "),
            self.leaves.len(),
            self.leaves.iter().map(|l| l.fuels.len()).sum::<usize>(),
            self.combos.len(),
            self.row_specs.len()
        )
    }

    /// Number of uncertain parameters (the scenario's `uncertainty.parameters`).
    pub fn n_parameters(&self) -> usize {
        self.labels.parameter_ids.len()
    }
    /// Ids of the uncertain parameters, in order.
    pub fn parameter_ids(&self) -> &[String] {
        &self.labels.parameter_ids
    }
}
