//! Attribution of reductions to actions (MODEL.md §10): sequential, solo, exact Shapley.
//!
//! `v(S, y) = R(y) - E_S(y)` with `R` the reference (no actions) and `E_S` the run with only
//! the actions in `S`, kept in their order. Shapley evaluates all `2^n` subsets in parallel
//! (rayon); each thread reuses one workspace, results are gathered by subset index, and the
//! sums run in a fixed order, so the result does not depend on the number of threads.

use crate::eval::{evaluate, RunError, Workspace};
use crate::plan::Compiled;
use rayon::prelude::*;

/// An attribution method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `c_i = v({1..i}) - v({1..i-1})`.
    Sequential,
    /// `c_i = v({i})`, with an interaction residual.
    Solo,
    /// Exact Shapley values over all subsets.
    Shapley,
    /// Shapley values estimated from random orderings of the actions (an extension of
    /// MODEL.md §10 for more actions than exact Shapley can take): each ordering gives
    /// every action its marginal reduction when added after those before it; the estimate
    /// is the mean over `permutations` orderings drawn from `seed`. Each ordering's
    /// marginals sum to `v(all)`, so the estimate does too.
    ShapleySampled {
        /// Number of random orderings.
        permutations: usize,
        /// Seed of the orderings.
        seed: u64,
    },
}

impl Method {
    /// Parses `sequential`, `solo` or `shapley`.
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

/// The most actions exact Shapley attribution accepts (2^20 runs).
pub const MAX_SHAPLEY_ACTIONS: usize = 20;

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
}

/// Why an attribution could not be computed.
#[derive(Clone, Debug, PartialEq)]
pub enum AttributionError {
    /// A run failed.
    Run(RunError),
    /// Too many actions for exact Shapley.
    TooManyActions {
        /// The scenario's action count.
        n: usize,
    },
}

impl From<RunError> for AttributionError {
    fn from(e: RunError) -> Self {
        AttributionError::Run(e)
    }
}

fn total_kt(c: &Compiled, ws: &mut Workspace, mask: &[bool]) -> Result<Vec<f64>, RunError> {
    evaluate(c, ws, mask)?;
    Ok(ws.out.co2e_t.iter().map(|v| v / 1000.0).collect())
}

/// A random ordering of `0..n` for ordering `index` under `seed` (Fisher–Yates driven by
/// SplitMix64, so every ordering is a function of (seed, index) alone).
fn ordering(n: usize, seed: u64, index: u64) -> Vec<usize> {
    let mut state = seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

fn mask_of(bits: usize, n: usize) -> Vec<bool> {
    (0..n).map(|i| bits >> i & 1 == 1).collect()
}

/// Attributes the reduction of a compiled scenario to its actions.
pub fn attribute(c: &Compiled, method: Method) -> Result<Attribution, AttributionError> {
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
            })
        }
        Method::ShapleySampled { permutations, seed } => {
            // One ordering per index, drawn from its own stream: the result does not depend
            // on the number of threads.
            let per: Vec<Vec<Vec<f64>>> = (0..permutations)
                .into_par_iter()
                .map_init(
                    || Workspace::new(c),
                    |ws, p| -> Result<Vec<Vec<f64>>, RunError> {
                        let order = ordering(n, seed, p as u64);
                        let mut mask = vec![false; n];
                        let mut prev = reference.clone();
                        let mut marginal = vec![vec![0.0; years]; n];
                        for &i in &order {
                            mask[i] = true;
                            let e = total_kt(c, ws, &mask)?;
                            for y in 0..years {
                                marginal[i][y] = prev[y] - e[y];
                            }
                            prev = e;
                        }
                        Ok(marginal)
                    },
                )
                .collect::<Result<_, _>>()?;
            let mut contributions = vec![vec![0.0; years]; n];
            for m in &per {
                for (ci, mi) in contributions.iter_mut().zip(m) {
                    for (c, v) in ci.iter_mut().zip(mi) {
                        *c += v;
                    }
                }
            }
            let k = permutations.max(1) as f64;
            contributions.iter_mut().flatten().for_each(|c| *c /= k);
            Ok(Attribution {
                actions,
                contributions,
                total,
                interaction: None,
            })
        }
        Method::Shapley => {
            if n > MAX_SHAPLEY_ACTIONS {
                return Err(AttributionError::TooManyActions { n });
            }
            let runs: Vec<Vec<f64>> = (0..1usize << n)
                .into_par_iter()
                .map_init(
                    || Workspace::new(c),
                    |ws, bits| -> Result<Vec<f64>, RunError> { total_kt(c, ws, &mask_of(bits, n)) },
                )
                .collect::<Result<_, _>>()?;
            // Weight of a coalition of size s: s! (n - s - 1)! / n! = 1 / (n * C(n-1, s)).
            let mut binom = vec![1.0f64; n.max(1)];
            for s in 1..n {
                binom[s] = binom[s - 1] * (n - s) as f64 / s as f64;
            }
            let weight: Vec<f64> = (0..n).map(|s| 1.0 / (n as f64 * binom[s])).collect();
            let mut contributions = vec![vec![0.0; years]; n];
            for (i, ci) in contributions.iter_mut().enumerate() {
                for bits in 0..1usize << n {
                    if bits >> i & 1 == 1 {
                        continue;
                    }
                    let w = weight[bits.count_ones() as usize];
                    let without = &runs[bits];
                    let with = &runs[bits | 1 << i];
                    // v(S ∪ {i}) - v(S) = E_S - E_{S ∪ {i}}.
                    for y in 0..years {
                        ci[y] += w * (without[y] - with[y]);
                    }
                }
            }
            Ok(Attribution {
                actions,
                contributions,
                total,
                interaction: None,
            })
        }
    }
}
