//! Morris elementary effects (Morris 1991; SALib's `morris` analyzer).
//!
//! Design: `r` trajectories of `d + 1` points on a `p`-level grid in the unit cube
//! (`p` even, step `Δ = p / (2 (p − 1))`). For trajectory `t` (stream
//! `Stream::new(seed, Morris, t)`) each factor draws a base level from
//! `{0, 1/(p−1), …, 1 − Δ}` and a direction; the trajectory starts at the base (up) or at
//! base + Δ (down) and moves one factor at a time, in a random order, by ±Δ.
//! Elementary effect of the factor moved at step `k`: `±(y_{k+1} − y_k) / Δ` (sign of the
//! move), in output units per unit of the [0, 1] scale, as SALib.
//! Indices: `mu` (mean EE), `mu*` (mean |EE|), `sigma` (sd of EE, n − 1), and a bootstrap
//! half-width for `mu*` (SALib: `z · sd` of resampled `mu*`, n − 1).

use crate::rng::{Purpose, Stream};
use crate::special::norm_ppf;
use crate::{Bootstrap, Error, Invalid};

/// A Morris design: `r (d + 1)` rows of `d` unit values, row-major.
pub fn morris_design(d: usize, r: usize, levels: usize, seed: u64) -> Result<Vec<f64>, Error> {
    if d == 0 || r < 2 {
        return Err(Error::Invalid(Invalid::MorrisSize));
    }
    if levels < 2 || levels & 1 == 1 {
        return Err(Error::Invalid(Invalid::MorrisLevels { found: levels }));
    }
    let delta = delta(levels);
    let step = 1.0 / (levels - 1) as f64;
    let mut out = Vec::with_capacity(r * (d + 1) * d);
    let mut x = vec![0.0; d];
    let mut order: Vec<usize> = (0..d).collect();
    let mut up = vec![true; d];
    for t in 0..r {
        let mut s = Stream::new(seed, Purpose::Morris, t as u64);
        for j in 0..d {
            let base = s.below((levels / 2) as u64) as f64 * step;
            up[j] = s.next_u64() >> 63 == 0;
            x[j] = if up[j] { base } else { base + delta };
        }
        for (i, o) in order.iter_mut().enumerate() {
            *o = i;
        }
        for i in (1..d).rev() {
            let k = s.below(i as u64 + 1) as usize;
            order.swap(i, k);
        }
        out.extend_from_slice(&x);
        for &j in &order {
            x[j] = if up[j] { x[j] + delta } else { x[j] - delta };
            out.extend_from_slice(&x);
        }
    }
    Ok(out)
}

/// The Morris step for `levels` levels.
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// Morris indices per parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct MorrisIndices {
    /// Mean elementary effect.
    pub mu: Vec<f64>,
    /// Mean absolute elementary effect.
    pub mu_star: Vec<f64>,
    /// Standard deviation of the elementary effects.
    pub sigma: Vec<f64>,
    /// Bootstrap half-width of `mu*`.
    pub mu_star_conf: Vec<f64>,
}

/// Morris indices from a design `x` (unit values) and its outputs `y`.
pub fn morris_indices(
    x: &[f64],
    y: &[f64],
    d: usize,
    levels: usize,
    boot: &Bootstrap,
) -> Result<MorrisIndices, Error> {
    let Bootstrap {
        resamples,
        level,
        seed,
        stream,
    } = *boot;
    let w = d + 1;
    if d == 0 || y.len() / w * w != y.len() || x.len() != y.len() * d {
        return Err(Error::Invalid(Invalid::OutputsMismatch {
            design: "Morris",
        }));
    }
    let r = y.len() / w;
    let dl = delta(levels);
    let mut ee = vec![vec![0.0; r]; d];
    for t in 0..r {
        for k in 0..d {
            let (p0, p1) = ((t * w + k) * d, (t * w + k + 1) * d);
            let j = (0..d)
                .find(|&j| x[p1 + j] != x[p0 + j])
                .ok_or(Error::Invalid(Invalid::MorrisStep))?;
            let dy = y[t * w + k + 1] - y[t * w + k];
            ee[j][t] = if x[p1 + j] > x[p0 + j] {
                dy / dl
            } else {
                -dy / dl
            };
        }
    }
    let z = norm_ppf(0.5 + level / 2.0);
    let mut rng = Stream::new(seed, Purpose::Bootstrap, stream);
    let mut res = MorrisIndices {
        mu: vec![],
        mu_star: vec![],
        sigma: vec![],
        mu_star_conf: vec![],
    };
    for e in &ee {
        let n = e.len() as f64;
        let mu = e.iter().sum::<f64>() / n;
        let mu_star = e.iter().map(|v| v.abs()).sum::<f64>() / n;
        let sigma = (e.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let boot: Vec<f64> = (0..resamples)
            .map(|_| {
                (0..r)
                    .map(|_| e[rng.below(r as u64) as usize].abs())
                    .sum::<f64>()
                    / n
            })
            .collect();
        let bm = boot.iter().sum::<f64>() / resamples.max(1) as f64;
        let bsd = if resamples > 1 {
            (boot.iter().map(|v| (v - bm).powi(2)).sum::<f64>() / (resamples - 1) as f64).sqrt()
        } else {
            f64::NAN
        };
        res.mu.push(mu);
        res.mu_star.push(mu_star);
        res.sigma.push(sigma);
        res.mu_star_conf.push(z * bsd);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories_move_one_factor_by_delta() {
        let (d, r, p) = (5, 20, 4);
        let x = morris_design(d, r, p, 9).unwrap();
        let dl = delta(p);
        for t in 0..r {
            for k in 0..d {
                let a = &x[(t * (d + 1) + k) * d..][..d];
                let b = &x[(t * (d + 1) + k + 1) * d..][..d];
                let moved: Vec<f64> = a
                    .iter()
                    .zip(b)
                    .map(|(u, v)| v - u)
                    .filter(|m| *m != 0.0)
                    .collect();
                assert_eq!(moved.len(), 1);
                assert!((moved[0].abs() - dl).abs() < 1e-12);
            }
        }
        assert!(x.iter().all(|v| (-1e-12..=1.0 + 1e-12).contains(v)));
    }
}
