//! The distributions of the `uncertainty:` section, sampled by inversion: a uniform number
//! `u` in (0, 1) maps to `F⁻¹(u)`. One mapping serves Monte Carlo, Saltelli and Morris
//! designs, truncation is exact (no rejection), and Iman–Conover reordering keeps each
//! marginal intact.

use crate::special::{norm_cdf, norm_ppf};

/// A distribution (values as multipliers, or absolute values in base units): the checked
/// model's own type, so the file form, the checks and the sampling share one definition.
pub use lcs_model::Distribution as Dist;

/// Sampling by inversion for a [`Dist`].
pub trait Quantile {
    /// Checks the parameters; the message says what is wrong.
    fn check(&self) -> Result<(), String>;
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
    /// Checks the parameters; the message says what is wrong.
    fn check(&self) -> Result<(), String> {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        match self {
            Dist::Uniform { min, max } => {
                if !finite(&[*min, *max]) || min > max {
                    return Err(format!(
                        "uniform needs min ≤ max, found min {min}, max {max}"
                    ));
                }
            }
            Dist::Triangular { min, mode, max } => {
                if !(finite(&[*min, *mode, *max]) && min <= mode && mode <= max) || min == max {
                    return Err(format!(
                        "triangular needs min ≤ mode ≤ max and min < max, found {min}, {mode}, {max}"
                    ));
                }
            }
            Dist::Normal { mean, sd, min, max } => {
                if !finite(&[*mean, *sd]) || *sd <= 0.0 {
                    return Err(format!(
                        "normal needs a finite mean and sd > 0, found sd {sd}"
                    ));
                }
                if let (Some(a), Some(b)) = (min, max) {
                    if a >= b {
                        return Err(format!("normal truncation needs min < max, found {a}, {b}"));
                    }
                }
                let lo = min.map_or(0.0, |a| norm_cdf((a - mean) / sd));
                let hi = max.map_or(1.0, |b| norm_cdf((b - mean) / sd));
                if hi - lo <= 0.0 {
                    return Err("normal truncation leaves no probability mass".into());
                }
            }
            Dist::Lognormal { mu, sigma } => {
                if !finite(&[*mu, *sigma]) || *sigma <= 0.0 {
                    return Err(format!("lognormal needs sigma > 0, found {sigma}"));
                }
            }
            Dist::Discrete { values, weights } => {
                if values.is_empty() || values.len() != weights.len() {
                    return Err("discrete needs as many weights as values (at least one)".into());
                }
                if !finite(values) || weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
                    return Err("discrete weights must be ≥ 0 and values finite".into());
                }
                let s: f64 = weights.iter().sum();
                if (s - 1.0).abs() > 1e-9 {
                    return Err(format!("discrete weights must sum to 1, found {s}"));
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
        assert!(Dist::Uniform { min: 2.0, max: 1.0 }.check().is_err());
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
