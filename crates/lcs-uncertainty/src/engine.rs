//! The engine as a [`Model`]: a compiled scenario with its `uncertainty:` parameters.
//!
//! Outputs, flat: every result row of [`lcs_engine::row_layout`] × every model year (row
//! major, NaN where undefined), then, when Shapley spread is asked, each action's exact
//! Shapley contribution (kt CO2e) × every year. Targets: the scenario's, each met or not
//! per sample (a target relative to the reference runs the reference with the same
//! sampled parameters).

use crate::{Ensemble, Model, RankCorrelation};
use lcs_engine::{evaluate_targets, evaluate_with, Cause, Compiled, RunError, Workspace};
use lcs_model::{Scenario, Threshold, UncertainMode};

/// The most actions the per-sample Shapley spread accepts (2^n runs per sample).
pub const MAX_SHAPLEY_ACTIONS: usize = 16;

/// A scenario to sample.
pub struct ScenarioModel<'a> {
    s: &'a Scenario,
    c: &'a Compiled,
    n_years: usize,
    n_main: usize,
    shapley: bool,
    needs_reference: bool,
}

/// Per-thread state: workspaces, masks and the subset totals of Shapley runs.
pub struct EngineWorkspace {
    run: Workspace,
    reference: Workspace,
    all: Vec<bool>,
    none: Vec<bool>,
    mask: Vec<bool>,
    totals: Vec<f64>,
}

/// The ensemble set-up of a scenario's `uncertainty:` section.
pub fn ensemble_of(s: &Scenario, seed: u64, samples: u64) -> Ensemble {
    Ensemble {
        params: s
            .uncertainty
            .iter()
            .map(|p| p.distribution.clone())
            .collect(),
        correlations: s
            .correlations
            .iter()
            .map(|c| RankCorrelation {
                a: c.a,
                b: c.b,
                rank: c.rank,
            })
            .collect(),
        seed,
        samples,
    }
}

impl<'a> ScenarioModel<'a> {
    /// A model over a scenario and its compiled form; `shapley` adds each action's Shapley
    /// contribution per sample (an error above [`MAX_SHAPLEY_ACTIONS`] actions).
    pub fn new(s: &'a Scenario, c: &'a Compiled, shapley: bool) -> Result<Self, String> {
        if shapley && c.n_actions() > MAX_SHAPLEY_ACTIONS {
            return Err(format!(
                "Shapley spread over {} actions needs 2^{} runs per sample; the limit is {MAX_SHAPLEY_ACTIONS} actions",
                c.n_actions(),
                c.n_actions()
            ));
        }
        let n_years = c.years().len();
        Ok(ScenarioModel {
            s,
            c,
            n_years,
            n_main: lcs_engine::row_layout(c).len(),
            shapley,
            needs_reference: s
                .targets
                .iter()
                .any(|t| matches!(t.threshold, Threshold::Reference { .. })),
        })
    }

    /// The model years.
    pub fn years(&self) -> Vec<i32> {
        self.c.years()
    }

    /// (variable, unit) of every output row (each row has one value per year), then of each
    /// parameter (one value, listed as `Parameter|<id>`).
    pub fn rows(&self) -> Vec<(String, String)> {
        let mut v = lcs_engine::row_layout(self.c);
        if self.shapley {
            for a in &self.s.actions {
                v.push((format!("Attribution|{}", a.id), "kt CO2e/yr".into()));
            }
        }
        v
    }

    /// (id, unit) of each parameter: `1` for a multiplier, the base unit otherwise.
    pub fn parameters(&self) -> Vec<(String, String)> {
        self.s
            .uncertainty
            .iter()
            .map(|p| {
                let unit = match p.mode {
                    UncertainMode::Multiplier | UncertainMode::Trend => "1".to_string(),
                    UncertainMode::Absolute => "base unit".to_string(),
                };
                (p.id.clone(), unit)
            })
            .collect()
    }

    /// Number of result rows (without attribution rows).
    pub fn n_main_rows(&self) -> usize {
        self.n_main
    }

    /// Target (id, year) in order.
    pub fn targets(&self) -> Vec<(String, i32)> {
        self.s
            .targets
            .iter()
            .map(|t| (t.id.clone(), t.year))
            .collect()
    }

    /// A one-line description of a run error.
    pub fn describe(&self, e: &RunError) -> String {
        match &e.cause {
            &Cause::Measure { action, measure } => {
                let a = &self.s.actions[action];
                format!(
                    "measure `{}` of action `{}` {} in {}",
                    a.measures[measure].id, a.id, e.problem, e.year
                )
            }
            &Cause::Parameter { index } => format!(
                "uncertain parameter `{}` {} in {}",
                self.s.uncertainty[index].id, e.problem, e.year
            ),
            Cause::Series { .. } | Cause::Row { .. } => e.to_string(),
        }
    }
}

impl Model for ScenarioModel<'_> {
    type Workspace = EngineWorkspace;

    fn workspace(&self) -> EngineWorkspace {
        let n = self.c.n_actions();
        EngineWorkspace {
            run: Workspace::new(self.c),
            reference: Workspace::new(self.c),
            all: vec![true; n],
            none: vec![false; n],
            mask: vec![false; n],
            totals: if self.shapley {
                vec![0.0; (1usize << n) * self.n_years]
            } else {
                Vec::new()
            },
        }
    }

    fn n_params(&self) -> usize {
        self.s.uncertainty.len()
    }

    fn n_outputs(&self) -> usize {
        let attr = if self.shapley { self.c.n_actions() } else { 0 };
        (self.n_main + attr) * self.n_years
    }

    fn n_targets(&self) -> usize {
        self.s.targets.len()
    }

    fn eval(
        &self,
        ws: &mut EngineWorkspace,
        params: &[f64],
        out: &mut [f64],
        met: &mut [bool],
    ) -> Result<(), String> {
        let c = self.c;
        let ny = self.n_years;
        evaluate_with(c, &mut ws.run, &ws.all, params).map_err(|e| self.describe(&e))?;
        lcs_engine::row_values_into(c, &ws.run, &mut out[..self.n_main * ny]);
        if !met.is_empty() {
            if self.needs_reference {
                evaluate_with(c, &mut ws.reference, &ws.none, params)
                    .map_err(|e| self.describe(&e))?;
            }
            let reference = if self.needs_reference {
                &ws.reference
            } else {
                &ws.run
            };
            for (m, t) in met
                .iter_mut()
                .zip(evaluate_targets(self.s, c, &ws.run, reference))
            {
                *m = t.met;
            }
        }
        if self.shapley {
            let n = c.n_actions();
            for bits in 0..1usize << n {
                for (i, m) in ws.mask.iter_mut().enumerate() {
                    *m = bits >> i & 1 == 1;
                }
                evaluate_with(c, &mut ws.run, &ws.mask, params).map_err(|e| self.describe(&e))?;
                for (t, v) in ws.totals[bits * ny..(bits + 1) * ny]
                    .iter_mut()
                    .zip(ws.run.out.co2e_t.iter())
                {
                    *t = v / 1000.0;
                }
            }
            // Weight of a coalition of size s: 1 / (n · C(n−1, s)); sums in a fixed order.
            let mut binom = vec![1.0f64; n.max(1)];
            for s in 1..n {
                binom[s] = binom[s - 1] * (n - s) as f64 / s as f64;
            }
            let attr = &mut out[self.n_main * ny..];
            attr.fill(0.0);
            for i in 0..n {
                let ci = &mut attr[i * ny..(i + 1) * ny];
                for bits in 0..1usize << n {
                    if bits >> i & 1 == 1 {
                        continue;
                    }
                    let w = 1.0 / (n as f64 * binom[bits.count_ones() as usize]);
                    let without = &ws.totals[bits * ny..(bits + 1) * ny];
                    let with = &ws.totals[(bits | 1 << i) * ny..((bits | 1 << i) + 1) * ny];
                    for y in 0..ny {
                        ci[y] += w * (without[y] - with[y]);
                    }
                }
            }
        }
        Ok(())
    }
}

/// The dependence assumptions behind an ensemble's target probabilities, in words: each
/// rank correlation of the scenario (Iman–Conover), and that every other pair of parameters
/// is sampled independently, including the level and the trend of one series (docs/
/// UNCERTAINTY.md, "Level and trend").
pub fn correlation_assumptions(s: &Scenario) -> String {
    let id = |i: usize| s.uncertainty.get(i).map(|p| p.id.as_str()).unwrap_or("?");
    let pairs: Vec<String> = s
        .correlations
        .iter()
        .map(|c| format!("{} with {} (rank {})", id(c.a), id(c.b), c.rank))
        .collect();
    let trends: Vec<&str> = s
        .uncertainty
        .iter()
        .filter(|p| p.mode == UncertainMode::Trend)
        .map(|p| p.id.as_str())
        .collect();
    let mut out = if pairs.is_empty() {
        "no rank correlations: every parameter is sampled independently".to_string()
    } else {
        format!(
            "rank correlations {}; every other pair of parameters is sampled independently",
            pairs.join(", ")
        )
    };
    if !trends.is_empty() {
        out.push_str(&format!(
            "; trends ({}) are independent of the base-year levels, so their errors do not cancel in targets relative to a year",
            trends.join(", ")
        ));
    }
    out
}
