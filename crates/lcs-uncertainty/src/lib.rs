//! Uncertainty for lcs scenarios (issue 5): Monte Carlo ensembles with streaming statistics,
//! Iman–Conover rank correlation, target probabilities, Shapley spread, and global
//! sensitivity (Sobol indices on Saltelli designs, Morris elementary effects).
//!
//! Everything is deterministic in the seed: sample `i` draws its uniforms from its own
//! Xoshiro256++ stream ([`rng::Stream`]), samples are handled in fixed blocks of
//! [`BLOCK`] indices whose boundaries depend only on the sample count, and statistics are
//! merged in block order (moments) or as integer counts (percentile sketches, target
//! counts). The same seed therefore gives the same bits on any number of threads and for
//! any split into shards. `docs/UNCERTAINTY.md` describes the methods.
//!
//! The crate works on any [`Model`]: the engine adapter [`engine::ScenarioModel`] for
//! scenarios, or [`FnModel`] for test functions (Ishigami, linear, Sobol's G).
//!
//! Never depends on: polars, clap, indicatif or a renderer; does no IO.
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod design;
pub mod dist;
pub mod engine;
pub mod ensemble;
pub mod ic;
pub mod morris;
pub mod rng;
pub mod sobol;
pub mod sobol_seq;
pub mod special;
pub mod stats;

pub use dist::{Dist, DistError, Quantile};
pub use ensemble::{run_ensemble, Ensemble, Partial, Shard, ShardError, Summary, BLOCK};
pub use ic::{CorrelationError, RankCorrelation};

use std::sync::atomic::{AtomicBool, Ordering};

/// A model to sample: parameters in, a flat vector of outputs (NaN where undefined) and a
/// flag per target out.
pub trait Model: Sync {
    /// Per-thread scratch space.
    type Workspace: Send;
    /// Why an evaluation failed; its `Display` becomes the message of [`Error::Eval`].
    type Error: std::fmt::Display;
    /// The engine's error behind `error`, if the model is an engine run: kept in
    /// [`Error::Eval`] so that the caller can name the measure's or parameter's file, line
    /// and key (none by default).
    fn run_error(error: &Self::Error) -> Option<lcs_engine::RunError> {
        let _ = error;
        None
    }
    /// A new workspace.
    fn workspace(&self) -> Self::Workspace;
    /// Number of uncertain parameters.
    fn n_params(&self) -> usize;
    /// Length of the output vector.
    fn n_outputs(&self) -> usize;
    /// Number of targets (each met or not per sample).
    fn n_targets(&self) -> usize {
        0
    }
    /// Evaluates the model at `params`; an error when the run fails.
    fn eval(
        &self,
        ws: &mut Self::Workspace,
        params: &[f64],
        out: &mut [f64],
        met: &mut [bool],
    ) -> Result<(), Self::Error>;
}

/// A model from a plain function `f(params, outputs)`.
pub struct FnModel<F> {
    d: usize,
    k: usize,
    f: F,
}

impl<F: Fn(&[f64], &mut [f64]) + Sync> FnModel<F> {
    /// `d` parameters, `k` outputs.
    pub fn new(d: usize, k: usize, f: F) -> Self {
        FnModel { d, k, f }
    }
}

impl<F: Fn(&[f64], &mut [f64]) + Sync> Model for FnModel<F> {
    type Workspace = ();
    type Error = std::convert::Infallible;
    fn workspace(&self) {}
    fn n_params(&self) -> usize {
        self.d
    }
    fn n_outputs(&self) -> usize {
        self.k
    }
    fn eval(
        &self,
        _: &mut (),
        params: &[f64],
        out: &mut [f64],
        _: &mut [bool],
    ) -> Result<(), std::convert::Infallible> {
        (self.f)(params, out);
        Ok(())
    }
}

/// Bootstrap settings for confidence intervals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bootstrap {
    /// Number of resamples.
    pub resamples: usize,
    /// Confidence level, e.g. 0.95 (the half-width is `Φ⁻¹(½ + level/2)` × the sd).
    pub level: f64,
    /// Seed of the resampling stream.
    pub seed: u64,
    /// Stream number (e.g. the output's number), so outputs get independent resamples.
    pub stream: u64,
}

/// Progress reporting and cancellation for long runs.
pub struct Control<'a> {
    /// Set (e.g. by a Ctrl-C handler) to stop the workers; the run returns
    /// [`Error::Cancelled`].
    pub cancel: &'a AtomicBool,
    /// Called with the number of evaluations just completed (from any thread).
    pub progress: &'a (dyn Fn(u64) + Sync),
}

impl Control<'_> {
    /// Whether cancellation was requested.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// A control that never cancels and reports nothing.
pub fn quiet<R>(f: impl FnOnce(&Control) -> R) -> R {
    let flag = AtomicBool::new(false);
    let none = |_: u64| {};
    f(&Control {
        cancel: &flag,
        progress: &none,
    })
}

/// Settings an ensemble, a design or a merge cannot run with ([`Error::Invalid`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Invalid {
    /// A parameter's distribution.
    Distribution {
        /// The parameter's number (1-based, in the model's order).
        parameter: usize,
        /// What is wrong with it.
        source: DistError,
    },
    /// The rank correlations.
    Correlation(CorrelationError),
    /// An ensemble's sample count outside 1 to 2^32 − 1.
    Samples {
        /// The count asked for.
        found: u64,
    },
    /// An ensemble's distributions do not match the model's parameters.
    ParameterCount {
        /// The distributions given.
        distributions: usize,
        /// The model's parameters.
        parameters: usize,
    },
    /// A design without parameters or without chosen outputs.
    EmptyDesign,
    /// A Morris design without parameters or with fewer than two trajectories.
    MorrisSize,
    /// Morris levels that are not an even number ≥ 2.
    MorrisLevels {
        /// The levels asked for.
        found: usize,
    },
    /// A Morris step that moves no factor (the design was altered).
    MorrisStep,
    /// A Saltelli design without parameters or with fewer than two base samples.
    SaltelliSize,
    /// More base samples than a Saltelli design takes (2^32 − 1).
    BaseSamples,
    /// A Saltelli design in more dimensions than the Sobol sequence has.
    Dimensions(sobol_seq::DimsError),
    /// Outputs whose length does not fit the design they are said to come from.
    OutputsMismatch {
        /// `Morris` or `Saltelli`.
        design: &'static str,
    },
    /// A shard's run that folded its blocks (a shard must keep them to be merged).
    ShardFolded,
    /// No shards to merge.
    NothingToMerge,
    /// Shards of different ensembles.
    DifferentEnsembles {
        /// What differs: `sample counts`, `seeds`, `outputs`, `targets` or `shard counts`.
        what: &'static str,
    },
    /// A shard given twice.
    ShardRepeated {
        /// The shard's number (1-based).
        shard: u64,
        /// The shard count.
        count: u64,
    },
    /// A shard missing.
    ShardMissing {
        /// The shard's number (1-based).
        shard: u64,
        /// The shard count.
        count: u64,
    },
    /// Fewer shards than the count.
    TooFewShards {
        /// The shards given.
        given: usize,
        /// The shard count.
        count: u64,
    },
    /// A folded run given to a merge.
    FoldedMerge,
    /// A shard without the blocks its number and the sample count give it.
    ShardBlocks {
        /// The shard's number (1-based).
        shard: u64,
        /// The shard count.
        count: u64,
    },
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Invalid::Distribution { parameter, source } => {
                write!(f, "parameter {parameter}: {source}")
            }
            Invalid::Correlation(e) => write!(f, "{e}"),
            Invalid::Samples { found } => write!(
                f,
                "an ensemble takes 1 to {} samples, found {found}",
                u32::MAX
            ),
            Invalid::ParameterCount {
                distributions,
                parameters,
            } => write!(
                f,
                "{distributions} distributions for a model with {parameters} parameters"
            ),
            Invalid::EmptyDesign => f.write_str("a design needs parameters and chosen outputs"),
            Invalid::MorrisSize => {
                f.write_str("a Morris design needs at least one parameter and two trajectories")
            }
            Invalid::MorrisLevels { found } => {
                write!(f, "Morris levels must be an even number ≥ 2, found {found}")
            }
            Invalid::MorrisStep => f.write_str("a Morris step that moves no factor"),
            Invalid::SaltelliSize => {
                f.write_str("a Saltelli design needs at least one parameter and two base samples")
            }
            Invalid::BaseSamples => f.write_str("at most 2^32 − 1 base samples"),
            Invalid::Dimensions(e) => write!(f, "{e}"),
            Invalid::OutputsMismatch { design } => {
                write!(f, "outputs do not match a {design} design")
            }
            Invalid::ShardFolded => f.write_str("a shard must keep its blocks"),
            Invalid::NothingToMerge => f.write_str("nothing to merge"),
            Invalid::DifferentEnsembles { what } => write!(
                f,
                "the shards come from different ensembles: their {what} differ"
            ),
            Invalid::ShardRepeated { shard, count } => {
                write!(f, "shard {shard} of {count} is given twice")
            }
            Invalid::ShardMissing { shard, count } => {
                write!(f, "shard {shard} of {count} is missing")
            }
            Invalid::TooFewShards { given, count } => write!(
                f,
                "{given} of {count} shards given; shard {} is missing",
                given + 1
            ),
            Invalid::FoldedMerge => f.write_str("a folded run cannot be merged"),
            Invalid::ShardBlocks { shard, count } => {
                write!(f, "shard {shard} of {count} does not hold its blocks")
            }
        }
    }
}

impl std::error::Error for Invalid {}

/// Why a run stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// Invalid settings (distribution, correlation, sample count, shard).
    Invalid(Invalid),
    /// A model evaluation failed at a sample.
    Eval {
        /// The sample (or design row) index.
        sample: u64,
        /// The parameter values of that sample.
        params: Vec<f64>,
        /// What failed.
        message: String,
        /// The engine's error, when the model is an engine run ([`Model::run_error`]).
        run: Option<Box<lcs_engine::RunError>>,
    },
    /// Cancelled through [`Control::cancel`].
    Cancelled,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Invalid(m) => write!(f, "{m}"),
            Error::Eval {
                sample,
                params,
                message,
                ..
            } => {
                // Each value as the shortest text that reads back to it (`1.0`, `1e-300`).
                let values: Vec<String> = params.iter().map(|v| format!("{v:?}")).collect();
                write!(
                    f,
                    "sample {sample} (parameters {}): {message}",
                    values.join(", ")
                )
            }
            Error::Cancelled => write!(f, "cancelled"),
        }
    }
}

#[cfg(test)]
mod error_text {
    use super::Error;

    #[test]
    fn a_failed_sample_names_its_parameters_as_shortest_numbers() {
        let e = Error::Eval {
            sample: 7,
            params: vec![1.0, 2.5, 1e-300],
            message: "activity is negative".into(),
            run: None,
        };
        assert_eq!(
            e.to_string(),
            "sample 7 (parameters 1.0, 2.5, 1e-300): activity is negative"
        );
    }
}
