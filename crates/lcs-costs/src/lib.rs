//! What actions cost and what it takes to reach a target (issue 11; docs/COSTS.md).
//!
//! Owns: [`appraise`] (per action: discounted investment, operating and energy costs, NPV,
//! annualised cost, abatement by an attribution method, cost per t CO2e in the year and
//! cumulative-discounted conventions), [`macc`] (the rows of a marginal abatement cost
//! curve, sorted by cost), [`seek`] (the smallest ambition, latest common start or smallest
//! measure size that meets a target, by bracketing and bisection on the real model) and
//! [`least_cost`] (actions chosen in MACC order, the full model re-evaluated after each).
//!
//! Equations are in the module docs of `appraise` and `seek`; every money figure is in the
//! scenario's `economics:` basis (`lcs-model` converted every amount and price at load
//! through `lcs-econ`), energy in GJ, abatement in t CO2e.
//!
//! Energy costs are never typed by hand: they are Δ final energy by fuel (and Δ electricity
//! bought from the grid) between two engine runs × the scenario's prices.
//!
//! Never depends on: polars, clap, any renderer, or the binary; does no IO.
//!
//! ```no_run
//! let mut loader = lcs_model::Loader::new();
//! let s = loader.load_scenario(std::path::Path::new("cm.yaml")).expect("valid");
//! let c = lcs_engine::compile(&s).expect("compiles");
//! let opts = lcs_costs::Options { method: lcs_engine::Method::Shapley, year: 2025 };
//! let a = lcs_costs::appraise(&s, &c, &opts).expect("costs");
//! for row in lcs_costs::macc(&a, lcs_costs::Convention::Year) {
//!     println!("{} {:?}", row.id, row.cost_per_t);
//! }
//! ```
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod appraise;
mod seek;

pub use appraise::{
    appraise, energy_cost_change, has_cost_data, method_name, required_reduction_t, ActionCost,
    Appraisal, Convention, Flows, Options,
};
pub use seek::{
    least_cost, seek, sought_scenario_yaml, Edge, FailedRun, LeastCost, SeekOutcome, SeekSpec, Vary,
};

use std::fmt;

/// Why costs could not be computed.
#[derive(Clone, Debug, PartialEq)]
pub enum CostError {
    /// The scenario has no `economics:` section.
    NoEconomics,
    /// A fuel's final energy changes but the scenario has no price for it.
    NoPrice {
        /// Fuel id.
        fuel: String,
        /// The action whose energy cost needs it, if per action.
        action: Option<String>,
        /// The first year it is needed.
        year: i32,
    },
    /// A cost block is not on the scenario's basis (should not happen after loading).
    Basis {
        /// The cost's key path.
        key: String,
        /// Its basis.
        found: String,
    },
    /// The appraisal year is outside the model years.
    Year {
        /// The year asked for.
        year: i32,
        /// First model year.
        first: i32,
        /// Last model year.
        last: i32,
    },
    /// A run failed.
    Run(lcs_engine::RunError),
    /// The varied value does not move the target.
    NoEffect {
        /// Target id.
        target: String,
    },
    /// The target's metric or threshold is undefined (an intensity over a zero driver).
    TargetUndefined {
        /// Target id.
        target: String,
    },
}

impl From<lcs_engine::RunError> for CostError {
    fn from(e: lcs_engine::RunError) -> Self {
        CostError::Run(e)
    }
}

impl From<lcs_engine::AttributionError> for CostError {
    fn from(e: lcs_engine::AttributionError) -> Self {
        match e {
            lcs_engine::AttributionError::Run(r) => CostError::Run(r),
        }
    }
}

impl fmt::Display for CostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CostError::NoEconomics => write!(
                f,
                "the scenario has no `economics:` section (currency, price year, discount rate, energy prices; docs/COSTS.md)"
            ),
            CostError::NoPrice { fuel, action, year } => {
                write!(f, "final energy of `{fuel}` changes in {year}")?;
                if let Some(a) = action {
                    write!(f, " with action `{a}`")?;
                }
                write!(
                    f,
                    ", but the scenario has no price for `{fuel}`: add it to `economics.fuel_prices` (a zero price must be written)"
                )
            }
            CostError::Basis { key, found } => {
                write!(f, "the cost at `{key}` is in {found}, not in the scenario's basis")
            }
            CostError::Year { year, first, last } => write!(
                f,
                "year {year} is outside the model years {first}–{last}"
            ),
            CostError::Run(e) => write!(f, "a run failed in {}: {}", e.year, e.problem),
            CostError::NoEffect { target } => write!(
                f,
                "the varied value cannot move target `{target}`: the target does not depend on the varied actions"
            ),
            CostError::TargetUndefined { target } => write!(
                f,
                "target `{target}` is undefined (an intensity over a driver that is 0)"
            ),
        }
    }
}

impl std::error::Error for CostError {}

/// One row of a marginal abatement cost curve.
#[derive(Clone, Debug, PartialEq)]
pub struct MaccRow {
    /// Action id.
    pub id: String,
    /// Action name.
    pub name: String,
    /// Abatement under the convention (the year's, or cumulative over the horizon), t CO2e.
    pub abatement_t: f64,
    /// Cost per t CO2e under the convention; `None` for an action without cost data.
    pub cost_per_t: Option<f64>,
    /// Why the action is not on the curve, if it is not: `no cost data`, `no abatement`.
    pub note: Option<&'static str>,
}

/// The MACC of an appraisal: actions with cost data and positive abatement sorted by cost
/// per tonne (ties in scenario order), then the actions that are not on the curve (without
/// cost data, or without abatement under the convention), in scenario order.
pub fn macc(a: &Appraisal, convention: Convention) -> Vec<MaccRow> {
    let mut on: Vec<MaccRow> = Vec::new();
    let mut off: Vec<MaccRow> = Vec::new();
    for x in &a.actions {
        let row = MaccRow {
            id: x.id.clone(),
            name: x.name.clone(),
            abatement_t: x.abatement(convention),
            cost_per_t: x.cost_per_t(convention),
            note: None,
        };
        match (x.has_cost, row.cost_per_t) {
            (false, _) => off.push(MaccRow {
                note: Some("no cost data"),
                cost_per_t: None,
                ..row
            }),
            (true, None) => off.push(MaccRow {
                note: Some("no abatement"),
                ..row
            }),
            (true, Some(_)) => on.push(row),
        }
    }
    on.sort_by(|p, q| {
        p.cost_per_t
            .partial_cmp(&q.cost_per_t)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    on.extend(off);
    on
}
