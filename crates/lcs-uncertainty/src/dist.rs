//! The distributions of the `uncertainty:` section, sampled by inversion: a uniform number
//! `u` in (0, 1) maps to `F⁻¹(u)`. One mapping serves Monte Carlo, Saltelli and Morris
//! designs, truncation is exact (no rejection), and Iman–Conover reordering keeps each
//! marginal intact.

use crate::special::{norm_cdf, norm_ppf};

/// A distribution (values as multipliers, or absolute values in base units): the checked
/// model's own type, so the file form, the checks and the sampling share one definition.
pub use lcs_model::Distribution as Dist;

/// What is wrong with a distribution's parameters (`Display` says it in words).
#[derive(Clone, Debug, PartialEq)]
pub enum DistError {
    /// A uniform distribution needs finite `min ≤ max`.
    Uniform {
        /// The lower bound given.
        min: f64,
        /// The upper bound given.
        max: f64,
    },
    /// A triangular distribution needs finite `min ≤ mode ≤ max` and `min < max`.
    Triangular {
        /// The lower bound given.
        min: f64,
        /// The mode given.
        mode: f64,
        /// The upper bound given.
        max: f64,
    },
    /// A normal distribution needs a finite mean and `sd > 0`.
    Normal {
        /// The standard deviation given.
        sd: f64,
    },
    /// A truncated normal needs `min < max`.
    NormalTruncation {
        /// The lower truncation given.
        min: f64,
        /// The upper truncation given.
        max: f64,
    },
    /// The truncation of a normal leaves no probability mass.
    NoMass,
    /// A lognormal needs finite `sigma > 0`.
    Lognormal {
        /// The sigma given.
        sigma: f64,
    },
    /// A discrete distribution needs as many weights as values, at least one.
    DiscreteLengths,
    /// A discrete distribution needs finite values and weights ≥ 0.
    DiscreteValues,
    /// A discrete distribution's weights must sum to 1.
    DiscreteSum {
        /// The sum of the weights given.
        sum: f64,
    },
}

impl std::fmt::Display for DistError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DistError::Uniform { min, max } => {
                write!(f, "uniform needs min ≤ max, found min {min}, max {max}")
            }
            DistError::Triangular { min, mode, max } => write!(
                f,
                "triangular needs min ≤ mode ≤ max and min < max, found {min}, {mode}, {max}"
            ),
            DistError::Normal { sd } => {
                write!(f, "normal needs a finite mean and sd > 0, found sd {sd}")
            }
            DistError::NormalTruncation { min, max } => {
                write!(f, "normal truncation needs min < max, found {min}, {max}")
            }
            DistError::NoMass => f.write_str("normal truncation leaves no probability mass"),
            DistError::Lognormal { sigma } => {
                write!(f, "lognormal needs sigma > 0, found {sigma}")
            }
            DistError::DiscreteLengths => {
                f.write_str("discrete needs as many weights as values (at least one)")
            }
            DistError::DiscreteValues => {
                f.write_str("discrete weights must be ≥ 0 and values finite")
            }
            DistError::DiscreteSum { sum } => {
                write!(f, "discrete weights must sum to 1, found {sum}")
            }
        }
    }
}

impl std::error::Error for DistError {}

/// Sampling by inversion for a [`Dist`].
pub trait Quantile {
    /// Checks the parameters; the error says what is wrong.
    fn check(&self) -> Result<(), DistError>;
    /// Whether the distribution has an infinite tail (untruncated normal side, lognormal).
    fn unbounded(&self) -> bool;
    /// The quantile function `F⁻¹(u)` for `u` in (0, 1).
    fn ppf(&self, u: f64) -> f64;
    /// The quantile function for a design point `x` in [0, 1] (Morris grids reach 0 and 1):
    /// bounded distributions use `x` as is; on an infinite tail `x` is clamped to
    /// [0.001, 0.999], the 0.1 % and 99.9 % quantiles.
    fn ppf_design(&self, x: f64) -> f64;
}

impl Quantile for Dist {
    /// Checks the parameters; the error says what is wrong.
    fn check(&self) -> Result<(), DistError> {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        match self {
            Dist::Uniform { min, max } => {
                if !finite(&[*min, *max]) || min > max {
                    return Err(DistError::Uniform {
                        min: *min,
                        max: *max,
                    });
                }
            }
            Dist::Triangular { min, mode, max } => {
                if !(finite(&[*min, *mode, *max]) && min <= mode && mode <= max) || min == max {
                    return Err(DistError::Triangular {
                        min: *min,
                        mode: *mode,
                        max: *max,
                    });
                }
            }
            Dist::Normal { mean, sd, min, max } => {
                if !finite(&[*mean, *sd]) || *sd <= 0.0 {
                    return Err(DistError::Normal { sd: *sd });
                }
                if let (Some(a), Some(b)) = (min, max) {
                    if a >= b {
                        return Err(DistError::NormalTruncation { min: *a, max: *b });
                    }
                }
                let lo = min.map_or(0.0, |a| norm_cdf((a - mean) / sd));
                let hi = max.map_or(1.0, |b| norm_cdf((b - mean) / sd));
                if hi - lo <= 0.0 {
                    return Err(DistError::NoMass);
                }
            }
            Dist::Lognormal { mu, sigma } => {
                if !finite(&[*mu, *sigma]) || *sigma <= 0.0 {
                    return Err(DistError::Lognormal { sigma: *sigma });
                }
            }
            Dist::Discrete { values, weights } => {
                if values.is_empty() || values.len() != weights.len() {
                    return Err(DistError::DiscreteLengths);
                }
                if !finite(values) || weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
                    return Err(DistError::DiscreteValues);
                }
                let s: f64 = weights.iter().sum();
                if (s - 1.0).abs() > 1e-9 {
                    return Err(DistError::DiscreteSum { sum: s });
                }
            }
        }
        Ok(())
    }

    /// Whether the distribution has an infinite tail (untruncated normal side, lognormal).
    fn unbounded(&self) -> bool {
        match self {
            Dist::Normal { min, max, .. } => min.is_none() || max.is_none(),
            Dist::Lognormal { .. } => true,
            _ => false,
        }
    }

    /// The quantile function `F⁻¹(u)` for `u` in (0, 1).
    fn ppf(&self, u: f64) -> f64 {
        match self {
            Dist::Uniform { min, max } => min + u * (max - min),
            Dist::Triangular { min, mode, max } => {
                let w = max - min;
                let c = (mode - min) / w;
                if u < c {
                    min + (u * w * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * w * (max - mode)).sqrt()
                }
            }
            Dist::Normal { mean, sd, min, max } => {
                if min.is_none() && max.is_none() {
                    return mean + sd * norm_ppf(u);
                }
                let lo = min.map_or(0.0, |a| norm_cdf((a - mean) / sd));
                let hi = max.map_or(1.0, |b| norm_cdf((b - mean) / sd));
                let x = mean + sd * norm_ppf(lo + u * (hi - lo));
                let x = min.map_or(x, |a| x.max(a));
                max.map_or(x, |b| x.min(b))
            }
            Dist::Lognormal { mu, sigma } => (mu + sigma * norm_ppf(u)).exp(),
            Dist::Discrete { values, weights } => {
                let mut acc = 0.0;
                for (v, w) in values.iter().zip(weights) {
                    acc += w;
                    if u < acc {
                        return *v;
                    }
                }
                *values.last().expect("checked: at least one value")
            }
        }
    }

    /// The quantile function for a design point `x` in [0, 1] (Morris grids reach 0 and 1):
    /// bounded distributions use `x` as is; on an infinite tail `x` is clamped to
    /// [0.001, 0.999], the 0.1 % and 99.9 % quantiles.
    fn ppf_design(&self, x: f64) -> f64 {
        if self.unbounded() {
            self.ppf(x.clamp(0.001, 0.999))
        } else {
            self.ppf(x.clamp(0.0, 1.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(d: &Dist, n: usize) -> f64 {
        (0..n)
            .map(|i| d.ppf((i as f64 + 0.5) / n as f64))
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn quantiles_and_means() {
        let u = Dist::Uniform { min: 2.0, max: 4.0 };
        assert_eq!(u.ppf(0.25), 2.5);
        let t = Dist::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 4.0,
        };
        assert!((mean_of(&t, 100_000) - 5.0 / 3.0).abs() < 1e-6);
        assert!((t.ppf(0.25) - 1.0).abs() < 1e-12);
        let n = Dist::Normal {
            mean: 1.0,
            sd: 0.1,
            min: None,
            max: None,
        };
        assert!((n.ppf(0.975) - 1.195_996_398_454_005).abs() < 1e-12);
        // Truncated at the mean: a half-normal, mean = mean + sd·√(2/π).
        let h = Dist::Normal {
            mean: 1.0,
            sd: 0.1,
            min: Some(1.0),
            max: None,
        };
        assert!(
            (mean_of(&h, 200_000) - (1.0 + 0.1 * (2.0 / std::f64::consts::PI).sqrt())).abs() < 1e-4
        );
        assert!(h.ppf(1e-12) >= 1.0);
        let l = Dist::Lognormal {
            mu: 0.0,
            sigma: 0.5,
        };
        assert!((l.ppf(0.5) - 1.0).abs() < 1e-15);
        let d = Dist::Discrete {
            values: vec![0.9, 1.0, 1.1],
            weights: vec![0.25, 0.5, 0.25],
        };
        assert_eq!((d.ppf(0.2), d.ppf(0.3), d.ppf(0.8)), (0.9, 1.0, 1.1));
    }

    #[test]
    fn invalid_parameters_are_rejected() {
        let e = Dist::Uniform { min: 2.0, max: 1.0 }.check().unwrap_err();
        assert_eq!(e, DistError::Uniform { min: 2.0, max: 1.0 });
        assert_eq!(e.to_string(), "uniform needs min ≤ max, found min 2, max 1");
        let e = Dist::Discrete {
            values: vec![1.0, 2.0],
            weights: vec![0.5, 0.25],
        }
        .check()
        .unwrap_err();
        assert_eq!(e, DistError::DiscreteSum { sum: 0.75 });
        assert_eq!(e.to_string(), "discrete weights must sum to 1, found 0.75");
        assert!(Dist::Normal {
            mean: 1.0,
            sd: -0.1,
            min: None,
            max: None
        }
        .check()
        .is_err());
        assert!(Dist::Normal {
            mean: 1.0,
            sd: 0.1,
            min: Some(2.0),
            max: Some(1.0)
        }
        .check()
        .is_err());
        assert!(Dist::Lognormal {
            mu: 0.0,
            sigma: 0.0
        }
        .check()
        .is_err());
        assert!(Dist::Discrete {
            values: vec![1.0],
            weights: vec![0.5]
        }
        .check()
        .is_err());
        assert!(Dist::Triangular {
            min: 0.0,
            mode: 2.0,
            max: 1.0
        }
        .check()
        .is_err());
        assert!(Dist::Uniform { min: 1.0, max: 1.0 }.check().is_ok());
    }
}
