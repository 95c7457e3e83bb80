//! The engine as a [`Model`]: a compiled scenario with its `uncertainty:` parameters.
//!
//! Outputs, flat: every result row of [`lcs_engine::row_layout`] × every model year (row
//! major, NaN where undefined), then, when Shapley spread is asked, each action's exact
//! Shapley contribution (kt CO2e) × every year, by the engine's decomposed Shapley
//! attribution ([`lcs_engine::shapley_with_params`], docs/ATTRIBUTION.md). Targets: the scenario's, each met or not
//! per sample (a target relative to the reference runs the reference with the same
//! sampled parameters).

use crate::{Ensemble, Model, RankCorrelation};
use lcs_engine::{
    evaluate_with, shapley_with_params, targets_met, AttributionError, Cause, Compiled, Problem,
    RunError, ShapleyOptions, ShapleyPlan, Workspace,
};
use lcs_model::{Scenario, Threshold, UncertainMode};

/// The most engine runs the per-sample Shapley spread takes per sample (the decomposed
/// exact attribution of [`ShapleyPlan::exact_evaluations`]).
pub const MAX_SHAPLEY_RUNS: u64 = 1 << 16;

/// Why the per-sample Shapley spread cannot be computed for a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShapleyLimit {
    /// A component of the total has more actions than are enumerated exactly.
    NotExact {
        /// The actions of the largest component.
        largest: usize,
        /// The most actions enumerated exactly.
        max_exact: usize,
    },
    /// The exact attribution takes more than [`MAX_SHAPLEY_RUNS`] runs per sample.
    TooManyRuns {
        /// The runs per sample it would take.
        runs: u64,
        /// The actions of the largest component.
        largest: usize,
    },
}

impl std::fmt::Display for ShapleyLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShapleyLimit::NotExact { largest, max_exact } => write!(
                f,
                "Shapley spread needs exact attribution, but {largest} actions reach one component of the total (at most {max_exact} are enumerated exactly; docs/ATTRIBUTION.md)"
            ),
            ShapleyLimit::TooManyRuns { runs, largest } => write!(
                f,
                "Shapley spread needs {runs} runs per sample (its largest component has {largest} actions); the limit is {MAX_SHAPLEY_RUNS}"
            ),
        }
    }
}

impl std::error::Error for ShapleyLimit {}

/// A sample's failed run in the scenario's names (as `lcs run` reports it): the
/// [`Model::Error`] of [`ScenarioModel`].
#[derive(Clone, Debug, PartialEq)]
pub enum SampleError {
    /// A measure of an action failed.
    Measure {
        /// The action's id.
        action: String,
        /// The measure's id.
        measure: String,
        /// What went wrong.
        problem: Problem,
        /// The year.
        year: i32,
        /// The engine's error (indices, spans).
        run: RunError,
    },
    /// An uncertain parameter's sampled value is invalid.
    Parameter {
        /// The parameter's id.
        parameter: String,
        /// What went wrong.
        problem: Problem,
        /// The year.
        year: i32,
        /// The engine's error (indices, spans).
        run: RunError,
    },
    /// Any other run error (a series, a result row), in the engine's words.
    Run(RunError),
}

impl std::fmt::Display for SampleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SampleError::Measure {
                action,
                measure,
                problem,
                year,
                ..
            } => write!(
                f,
                "measure `{measure}` of action `{action}` {problem} in {year}"
            ),
            SampleError::Parameter {
                parameter,
                problem,
                year,
                ..
            } => write!(f, "uncertain parameter `{parameter}` {problem} in {year}"),
            SampleError::Run(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SampleError {}

/// A scenario to sample.
pub struct ScenarioModel<'a> {
    s: &'a Scenario,
    c: &'a Compiled,
    n_years: usize,
    n_main: usize,
    shapley: Option<ShapleyPlan>,
    needs_reference: bool,
}

/// Per-thread state: workspaces and masks.
pub struct EngineWorkspace {
    run: Workspace,
    reference: Workspace,
    all: Vec<bool>,
    none: Vec<bool>,
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
    /// contribution per sample (an error when a component of the total is too large for
    /// exact enumeration, or the exact attribution takes more than [`MAX_SHAPLEY_RUNS`]
    /// runs per sample).
    pub fn new(s: &'a Scenario, c: &'a Compiled, shapley: bool) -> Result<Self, ShapleyLimit> {
        let options = ShapleyOptions::default();
        let plan = shapley.then(|| ShapleyPlan::new(c, &options));
        if let Some(p) = &plan {
            let largest = p.component_sizes().into_iter().max().unwrap_or(0);
            if !p.is_exact() {
                return Err(ShapleyLimit::NotExact {
                    largest,
                    max_exact: options.max_exact_actions,
                });
            }
            if p.exact_evaluations() > MAX_SHAPLEY_RUNS {
                return Err(ShapleyLimit::TooManyRuns {
                    runs: p.exact_evaluations(),
                    largest,
                });
            }
        }
        let n_years = c.years().len();
        Ok(ScenarioModel {
            s,
            c,
            n_years,
            n_main: lcs_engine::row_layout(c).len(),
            shapley: plan,
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
        if self.shapley.is_some() {
            for a in &self.s.actions {
                v.push((format!("Attribution|{}", a.id), "kt CO2e/yr".into()));
            }
        }
        v
    }

    /// (id, unit) of each parameter: `1` for a multiplier or a trend, the base unit of the
    /// series' dimension for an absolute value (`t CO2/GJ` for a grid factor sampled in
    /// `t CO2/MWh`).
    pub fn parameters(&self) -> Vec<(String, String)> {
        self.s
            .uncertainty
            .iter()
            .map(|p| {
                let unit = match p.mode {
                    UncertainMode::Multiplier | UncertainMode::Trend => "1".to_string(),
                    UncertainMode::Absolute => lcs_engine::base_unit(&p.dim),
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
        self.named(e.clone()).to_string()
    }

    /// A run error with the scenario's ids in place of the engine's indices.
    pub fn named(&self, e: RunError) -> SampleError {
        match e.cause {
            Cause::Measure { action, measure } => {
                let a = &self.s.actions[action];
                SampleError::Measure {
                    action: a.id.clone(),
                    measure: a.measures[measure].id.clone(),
                    problem: e.problem.clone(),
                    year: e.year,
                    run: e,
                }
            }
            Cause::Parameter { index } => SampleError::Parameter {
                parameter: self.s.uncertainty[index].id.clone(),
                problem: e.problem.clone(),
                year: e.year,
                run: e,
            },
            Cause::Series { .. } | Cause::Row { .. } => SampleError::Run(e),
        }
    }
}

impl Model for ScenarioModel<'_> {
    type Workspace = EngineWorkspace;
    type Error = SampleError;

    fn run_error(error: &SampleError) -> Option<RunError> {
        Some(match error {
            SampleError::Measure { run, .. } | SampleError::Parameter { run, .. } => run.clone(),
            SampleError::Run(run) => run.clone(),
        })
    }

    fn workspace(&self) -> EngineWorkspace {
        let n = self.c.n_actions();
        EngineWorkspace {
            run: Workspace::new(self.c),
            reference: Workspace::new(self.c),
            all: vec![true; n],
            none: vec![false; n],
        }
    }

    fn n_params(&self) -> usize {
        self.s.uncertainty.len()
    }

    fn n_outputs(&self) -> usize {
        let attr = if self.shapley.is_some() {
            self.c.n_actions()
        } else {
            0
        };
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
    ) -> Result<(), SampleError> {
        let c = self.c;
        let ny = self.n_years;
        evaluate_with(c, &mut ws.run, &ws.all, params).map_err(|e| self.named(e))?;
        lcs_engine::row_values_into(c, &ws.run, &mut out[..self.n_main * ny]);
        if !met.is_empty() {
            if self.needs_reference {
                evaluate_with(c, &mut ws.reference, &ws.none, params).map_err(|e| self.named(e))?;
            }
            let reference = if self.needs_reference {
                &ws.reference
            } else {
                &ws.run
            };
            targets_met(self.s, c, &ws.run, reference, met);
        }
        if let Some(plan) = &self.shapley {
            let a =
                shapley_with_params(c, plan, &ShapleyOptions::default(), params).map_err(|e| {
                    match e {
                        AttributionError::Run(e) => self.named(e),
                    }
                })?;
            let attr = &mut out[self.n_main * ny..];
            for (dst, ci) in attr.chunks_exact_mut(ny.max(1)).zip(&a.contributions) {
                dst.copy_from_slice(ci);
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
