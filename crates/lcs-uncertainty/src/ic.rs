//! Iman–Conover rank correlation (Iman & Conover 1982), applied per block of samples.
//!
//! Within a block of `n` samples the correlated parameters' columns are reordered (values
//! unchanged, so each marginal is exact) so that their ranks follow van der Waerden scores
//! with the target correlation: scores `a_k = Φ⁻¹(k / (n + 1))` are laid out in the ranks
//! of the independent sample (`R`), their correlation `T = Q Qᵀ` is removed and the target
//! `C = P Pᵀ` imposed, `R* = R (P Q⁻¹)ᵀ`, and each column takes the ranks of `R*`. The
//! target Pearson correlation of the scores is `2 sin(π ρ_s / 6)` for a rank (Spearman)
//! correlation `ρ_s`. Ties (discrete distributions) break by row order, so the result is
//! deterministic.

use crate::special::norm_ppf;

/// A rank correlation between two parameters (indices into the parameter list).
#[derive(Clone, Debug, PartialEq)]
pub struct RankCorrelation {
    /// First parameter.
    pub a: usize,
    /// Second parameter.
    pub b: usize,
    /// Spearman rank correlation in (-1, 1).
    pub rank: f64,
}

/// The correlated subset of parameters and the Cholesky factor of its target matrix.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Parameter indices involved in some correlation, ascending.
    pub cols: Vec<usize>,
    /// Lower Cholesky factor `P` of the target score correlation (k × k, row-major).
    pub p: Vec<f64>,
}

/// Lower Cholesky factor of a k × k symmetric matrix (row-major), `None` when it is not
/// positive definite.
pub fn cholesky(a: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let mut s = a[i * k + j];
            for m in 0..j {
                s -= l[i * k + m] * l[j * k + m];
            }
            if i == j {
                if s <= 1e-12 {
                    return None;
                }
                l[i * k + i] = s.sqrt();
            } else {
                l[i * k + j] = s / l[j * k + j];
            }
        }
    }
    Some(l)
}

/// Why rank correlations cannot be imposed.
#[derive(Clone, Debug, PartialEq)]
pub enum CorrelationError {
    /// A correlation names the same parameter twice, or one that does not exist.
    SameParameter,
    /// A rank outside (-1, 1).
    Rank {
        /// The rank given.
        rank: f64,
    },
    /// A pair of parameters is correlated twice.
    Repeated,
    /// The correlation matrix is not positive definite.
    Inconsistent,
}

impl std::fmt::Display for CorrelationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CorrelationError::SameParameter => {
                f.write_str("a correlation needs two different parameters")
            }
            CorrelationError::Rank { rank } => {
                write!(f, "a rank correlation must be in (-1, 1), found {rank}")
            }
            CorrelationError::Repeated => f.write_str("a pair of parameters is correlated twice"),
            CorrelationError::Inconsistent => f.write_str(
                "the correlations are inconsistent (the matrix is not positive definite)",
            ),
        }
    }
}

impl std::error::Error for CorrelationError {}

impl Plan {
    /// Builds the plan for `d` parameters; an error when a rank is outside (-1, 1), a pair is
    /// repeated or refers to itself, or the matrix is not positive definite.
    pub fn new(d: usize, corr: &[RankCorrelation]) -> Result<Option<Plan>, CorrelationError> {
        if corr.is_empty() {
            return Ok(None);
        }
        let mut cols: Vec<usize> = Vec::new();
        for c in corr {
            if c.a >= d || c.b >= d || c.a == c.b {
                return Err(CorrelationError::SameParameter);
            }
            if !(c.rank > -1.0 && c.rank < 1.0) {
                return Err(CorrelationError::Rank { rank: c.rank });
            }
            cols.push(c.a);
            cols.push(c.b);
        }
        cols.sort_unstable();
        cols.dedup();
        let k = cols.len();
        let pos = |i: usize| cols.iter().position(|c| *c == i).expect("listed");
        let mut m = vec![0.0; k * k];
        for i in 0..k {
            m[i * k + i] = 1.0;
        }
        for c in corr {
            let (i, j) = (pos(c.a), pos(c.b));
            if m[i * k + j] != 0.0 {
                return Err(CorrelationError::Repeated);
            }
            let r = 2.0 * (std::f64::consts::PI * c.rank / 6.0).sin();
            m[i * k + j] = r;
            m[j * k + i] = r;
        }
        let p = cholesky(&m, k).ok_or(CorrelationError::Inconsistent)?;
        Ok(Some(Plan { cols, p }))
    }

    /// Reorders the correlated columns of a block (`n` rows of `d` values, row-major).
    /// Blocks too small to estimate the score correlation are left as they are.
    pub fn apply(&self, block: &mut [f64], d: usize) {
        let n = block.len() / d;
        let k = self.cols.len();
        if n < 2 * k + 2 {
            return;
        }
        let scores: Vec<f64> = (1..=n)
            .map(|i| norm_ppf(i as f64 / (n + 1) as f64))
            .collect();
        // R: scores in the ranks of each column (k columns, column-major).
        let mut r = vec![0.0; n * k];
        let mut order: Vec<usize> = (0..n).collect();
        for (c, &col) in self.cols.iter().enumerate() {
            order.sort_by(|&x, &y| {
                block[x * d + col]
                    .total_cmp(&block[y * d + col])
                    .then(x.cmp(&y))
            });
            for (rank, &row) in order.iter().enumerate() {
                r[c * n + row] = scores[rank];
            }
        }
        // T = corr(R); the scores have mean 0 and the same variance in every column.
        let ss: f64 = scores.iter().map(|s| s * s).sum();
        let mut t = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..=i {
                let v = if i == j {
                    1.0
                } else {
                    (0..n).map(|x| r[i * n + x] * r[j * n + x]).sum::<f64>() / ss
                };
                t[i * k + j] = v;
                t[j * k + i] = v;
            }
        }
        let Some(q) = cholesky(&t, k) else { return };
        // M = P Q⁻¹ (lower triangular): solve M Q = P row by row.
        let mut m = vec![0.0; k * k];
        for i in 0..k {
            for j in (0..=i).rev() {
                let mut s = self.p[i * k + j];
                for l in j + 1..=i {
                    s -= m[i * k + l] * q[l * k + j];
                }
                m[i * k + j] = s / q[j * k + j];
            }
        }
        // R* rows = M · R rows; then each column takes the ranks of R*.
        let mut rs = vec![0.0; n * k];
        for x in 0..n {
            for i in 0..k {
                let mut s = 0.0;
                for j in 0..=i {
                    s += m[i * k + j] * r[j * n + x];
                }
                rs[i * n + x] = s;
            }
        }
        let mut sorted = vec![0.0; n];
        let mut target: Vec<usize> = (0..n).collect();
        for (c, &col) in self.cols.iter().enumerate() {
            for (x, v) in sorted.iter_mut().enumerate() {
                *v = block[x * d + col];
            }
            sorted.sort_by(|a, b| a.total_cmp(b));
            target.sort_by(|&x, &y| rs[c * n + x].total_cmp(&rs[c * n + y]).then(x.cmp(&y)));
            for (rank, &row) in target.iter().enumerate() {
                block[row * d + col] = sorted[rank];
            }
        }
    }
}

/// Spearman rank correlation of two columns (average ranks not used: ties break by order).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let rank = |v: &[f64]| {
        let mut o: Vec<usize> = (0..v.len()).collect();
        o.sort_by(|&a, &b| v[a].total_cmp(&v[b]).then(a.cmp(&b)));
        let mut r = vec![0.0; v.len()];
        for (k, &i) in o.iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let (rx, ry) = (rank(x), rank(y));
    let n = x.len() as f64;
    let m = (n - 1.0) / 2.0;
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - m) * (b - m)).sum();
    let var: f64 = rx.iter().map(|a| (a - m) * (a - m)).sum();
    cov / var
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, Stream};

    #[test]
    fn induces_the_rank_correlation_and_keeps_marginals() {
        let d = 3;
        let n = 1024;
        let mut block = vec![0.0; n * d];
        for i in 0..n {
            let mut s = Stream::new(5, Purpose::Sample, i as u64);
            for j in 0..d {
                block[i * d + j] = s.uniform();
            }
        }
        let before: Vec<f64> = (0..n).map(|i| block[i * d + 2]).collect();
        let plan = Plan::new(
            d,
            &[RankCorrelation {
                a: 0,
                b: 2,
                rank: 0.7,
            }],
        )
        .unwrap()
        .unwrap();
        plan.apply(&mut block, d);
        let col = |j: usize| (0..n).map(|i| block[i * d + j]).collect::<Vec<_>>();
        let rho = spearman(&col(0), &col(2));
        assert!((rho - 0.7).abs() < 0.03, "rank correlation {rho}");
        assert!(spearman(&col(0), &col(1)).abs() < 0.1);
        let (mut a, mut b) = (before, col(2));
        a.sort_by(f64::total_cmp);
        b.sort_by(f64::total_cmp);
        assert_eq!(a, b, "a column is only reordered");
    }

    #[test]
    fn inconsistent_correlations_are_rejected() {
        let c = |a, b, rank| RankCorrelation { a, b, rank };
        let err = Plan::new(3, &[c(0, 1, 0.95), c(1, 2, 0.95), c(0, 2, -0.95)]);
        let err = err.unwrap_err();
        assert_eq!(err, CorrelationError::Inconsistent);
        assert!(err.to_string().contains("positive definite"), "{err}");
        let e = Plan::new(2, &[c(0, 1, 1.5)]).unwrap_err();
        assert_eq!(e, CorrelationError::Rank { rank: 1.5 });
        assert_eq!(
            e.to_string(),
            "a rank correlation must be in (-1, 1), found 1.5"
        );
        assert_eq!(
            Plan::new(2, &[c(0, 0, 0.5)]).unwrap_err(),
            CorrelationError::SameParameter
        );
        assert_eq!(
            Plan::new(2, &[c(0, 1, 0.5), c(1, 0, 0.2)]).unwrap_err(),
            CorrelationError::Repeated
        );
    }
}
