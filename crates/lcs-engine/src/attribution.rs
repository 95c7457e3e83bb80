//! Attribution of reductions to actions (MODEL.md §10): sequential, solo, Shapley.
//!
//! `v(S, y) = R(y) - E_S(y)` with `R` the reference (no actions) and `E_S` the run with only
//! the actions in `S`, kept in their order. Shapley values are computed by `shapley`:
//! exactly, component by component of the total (docs/ATTRIBUTION.md), with a component of
//! more actions than [`ShapleyOptions::max_exact_actions`] estimated from random orderings
//! and its standard error reported; `shapley-sampled` estimates the whole game from random
//! orderings. Sums run in a fixed order, so the result does not depend on the number of
//! threads.

use crate::eval::{evaluate, evaluate_with, RunError, Workspace};
use crate::plan::Compiled;
use crate::shapley::{shapley_values, ShapleyOptions, ShapleyPlan, ShapleyReport};

/// An attribution method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `c_i = v({1..i}) - v({1..i-1})`.
    Sequential,
    /// `c_i = v({i})`, with an interaction residual.
    Solo,
    /// Shapley values: exact, by components of the total (docs/ATTRIBUTION.md); a component
    /// that more than [`ShapleyOptions::max_exact_actions`] actions reach is estimated from
    /// random orderings (the result's [`ShapleyReport`] says which, with standard errors).
    Shapley,
    /// Shapley values estimated from random orderings of all the actions (an extension of
    /// MODEL.md §10): each ordering gives every action its marginal reduction when added
    /// after those before it; the estimate is the mean over `permutations` orderings drawn
    /// from `seed`. Each ordering's marginals sum to `v(all)`, so the estimate does too.
    ShapleySampled {
        /// Number of random orderings.
        permutations: usize,
        /// Seed of the orderings.
        seed: u64,
    },
}

impl Method {
    /// Parses `sequential`, `solo`, `shapley` or `shapley-sampled`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sequential" => Some(Method::Sequential),
            "solo" => Some(Method::Solo),
            "shapley" => Some(Method::Shapley),
            "shapley-sampled" => Some(Method::ShapleySampled {
                permutations: 1000,
                seed: 1,
            }),
            _ => None,
        }
    }
}

/// Contributions of each action, kt CO2e per year.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    /// Action ids, in order.
    pub actions: Vec<String>,
    /// `contributions[i][y]`, kt CO2e.
    pub contributions: Vec<Vec<f64>>,
    /// `v(all, y)`: reference minus scenario, kt CO2e.
    pub total: Vec<f64>,
    /// For `solo`: `v(all) - Σ c_i`.
    pub interaction: Option<Vec<f64>>,
    /// For `shapley` and `shapley-sampled`: how the values were computed (components,
    /// exact or sampled, standard errors).
    pub shapley: Option<ShapleyReport>,
}

/// Why an attribution could not be computed.
#[derive(Clone, Debug, PartialEq)]
pub enum AttributionError {
    /// A run failed.
    Run(RunError),
}

impl From<RunError> for AttributionError {
    fn from(e: RunError) -> Self {
        AttributionError::Run(e)
    }
}

impl std::fmt::Display for AttributionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttributionError::Run(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for AttributionError {}

fn total_kt(c: &Compiled, ws: &mut Workspace, mask: &[bool]) -> Result<Vec<f64>, RunError> {
    evaluate(c, ws, mask)?;
    Ok(ws.out.co2e_t.iter().map(|v| v / 1000.0).collect())
}

/// Attributes the reduction of a compiled scenario to its actions, with the default
/// [`ShapleyOptions`].
pub fn attribute(c: &Compiled, method: Method) -> Result<Attribution, AttributionError> {
    attribute_with(c, method, &ShapleyOptions::default())
}

/// Attributes the reduction of a compiled scenario to its actions; `options` set how
/// [`Method::Shapley`] enumerates and samples (the other methods ignore them).
pub fn attribute_with(
    c: &Compiled,
    method: Method,
    options: &ShapleyOptions,
) -> Result<Attribution, AttributionError> {
    let n = c.n_actions;
    let years = c.n_years;
    let mut ws = Workspace::new(c);
    let reference = total_kt(c, &mut ws, &vec![false; n])?;
    let all = total_kt(c, &mut ws, &vec![true; n])?;
    let v = |e: &[f64]| -> Vec<f64> { reference.iter().zip(e).map(|(r, e)| r - e).collect() };
    let total = v(&all);
    let actions = c.labels.action_ids.clone();
    match method {
        Method::Sequential => {
            let mut prev = vec![0.0; years];
            let mut contributions = Vec::new();
            for i in 0..n {
                let mask: Vec<bool> = (0..n).map(|j| j <= i).collect();
                let vi = if i + 1 == n {
                    total.clone()
                } else {
                    v(&total_kt(c, &mut ws, &mask)?)
                };
                contributions.push(vi.iter().zip(&prev).map(|(a, b)| a - b).collect());
                prev = vi;
            }
            Ok(Attribution {
                actions,
                contributions,
                total,
                interaction: None,
                shapley: None,
            })
        }
        Method::Solo => {
            let mut contributions: Vec<Vec<f64>> = Vec::new();
            for i in 0..n {
                let mask: Vec<bool> = (0..n).map(|j| j == i).collect();
                contributions.push(v(&total_kt(c, &mut ws, &mask)?));
            }
            let interaction = (0..years)
                .map(|y| total[y] - contributions.iter().map(|ci| ci[y]).sum::<f64>())
                .collect();
            Ok(Attribution {
                actions,
                contributions,
                total,
                interaction: Some(interaction),
                shapley: None,
            })
        }
        Method::ShapleySampled { permutations, seed } => {
            // The whole game as one component, sampled with exactly `permutations` orderings.
            let o = ShapleyOptions {
                max_exact_actions: 0,
                tolerance: 0.0,
                min_orderings: permutations.max(1),
                max_orderings: permutations.max(1),
                seed,
                decompose: false,
            };
            let plan = ShapleyPlan::new(c, &o);
            let v = shapley_values(c, &plan, &o, &[], &total, true)?;
            Ok(Attribution {
                actions,
                contributions: v.contributions,
                total,
                interaction: None,
                shapley: Some(v.report),
            })
        }
        Method::Shapley => {
            let plan = ShapleyPlan::new(c, options);
            let v = shapley_values(c, &plan, options, &[], &total, true)?;
            Ok(Attribution {
                actions,
                contributions: v.contributions,
                total,
                interaction: None,
                shapley: Some(v.report),
            })
        }
    }
}

/// Shapley attribution under sampled values of the scenario's uncertain parameters
/// (`params`, as for [`crate::evaluate_with`]), on the calling thread: the same numbers as
/// [`attribute_with`] gives for [`Method::Shapley`] without parameters, for one member of an
/// ensemble. `plan` is [`ShapleyPlan::new`] of `c` with the same `options`, built once.
pub fn shapley_with_params(
    c: &Compiled,
    plan: &ShapleyPlan,
    options: &ShapleyOptions,
    params: &[f64],
) -> Result<Attribution, AttributionError> {
    let mut ws = Workspace::new(c);
    let n = c.n_actions;
    evaluate_with(c, &mut ws, &vec![false; n], params)?;
    let reference: Vec<f64> = ws.out.co2e_t.iter().map(|v| v / 1000.0).collect();
    evaluate_with(c, &mut ws, &vec![true; n], params)?;
    let total: Vec<f64> = reference
        .iter()
        .zip(&ws.out.co2e_t)
        .map(|(r, e)| r - e / 1000.0)
        .collect();
    let v = shapley_values(c, plan, options, params, &total, false)?;
    Ok(Attribution {
        actions: c.labels.action_ids.clone(),
        contributions: v.contributions,
        total,
        interaction: None,
        shapley: Some(v.report),
    })
}
