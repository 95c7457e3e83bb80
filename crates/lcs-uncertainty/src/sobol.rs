//! Variance-based sensitivity: Saltelli designs and Sobol indices as in SALib
//! (`SALib.analyze.sobol` with `calc_second_order=False`).
//!
//! Design: `N` base points of a `2D`-dimensional Sobol sequence ([`crate::sobol_seq`]),
//! randomised by a digital shift (each coordinate's 32 bits XOR a random word from the
//! seed; centred in its cell, so no coordinate is exactly 0 or 1). The first `D`
//! coordinates form `A`, the last `D` form `B`; each base point gives `D + 2` rows in SALib's
//! order: `A`, `AB_1 … AB_D` (`A` with column `j` from `B`), `B`.
//!
//! Estimators (SALib): outputs are standardised (`(Y − mean) / sd` over all rows), then
//! `S1_j = mean(f_B (f_ABj − f_A)) / V` (Saltelli 2010) and
//! `ST_j = ½ mean((f_A − f_ABj)²) / V` (Jansen 1999), `V = var([f_A; f_B])` (population).
//! Confidence: `z · sd` of the estimates over bootstrap resamples of the `N` base points
//! (the same resamples for every parameter), `z = Φ⁻¹(½ + level/2)`.

use crate::rng::{Purpose, Stream};
use crate::sobol_seq::SobolSeq;
use crate::special::norm_ppf;
use crate::{Bootstrap, Error, Invalid};

/// A Saltelli design in the unit cube: `n (d + 2)` rows of `d` values, row-major.
pub fn saltelli_design(d: usize, n: usize, seed: u64) -> Result<Vec<f64>, Error> {
    if d == 0 || n < 2 {
        return Err(Error::Invalid(Invalid::SaltelliSize));
    }
    if n as u64 > u32::MAX as u64 {
        return Err(Error::Invalid(Invalid::BaseSamples));
    }
    let seq = SobolSeq::new(2 * d).map_err(|e| Error::Invalid(Invalid::Dimensions(e)))?;
    let mut shift_rng = Stream::new(seed, Purpose::Shift, 0);
    let shift: Vec<u32> = (0..2 * d)
        .map(|_| (shift_rng.next_u64() >> 32) as u32)
        .collect();
    let mut bits = vec![0u32; 2 * d];
    let mut out = Vec::with_capacity(n * (d + 2) * d);
    let unit = |b: u32| (b as f64 + 0.5) / 4_294_967_296.0;
    for i in 0..n {
        seq.point_bits(i as u32, &mut bits);
        let p: Vec<f64> = bits.iter().zip(&shift).map(|(b, s)| unit(b ^ s)).collect();
        let (a, b) = p.split_at(d);
        out.extend_from_slice(a);
        for j in 0..d {
            out.extend_from_slice(&a[..j]);
            out.push(b[j]);
            out.extend_from_slice(&a[j + 1..]);
        }
        out.extend_from_slice(b);
    }
    Ok(out)
}

/// Sobol indices with confidence half-widths.
#[derive(Clone, Debug, PartialEq)]
pub struct SobolIndices {
    /// First-order indices.
    pub s1: Vec<f64>,
    /// Their confidence half-widths.
    pub s1_conf: Vec<f64>,
    /// Total-order indices.
    pub st: Vec<f64>,
    /// Their confidence half-widths.
    pub st_conf: Vec<f64>,
}

fn mean(xs: impl Iterator<Item = f64>, n: usize) -> f64 {
    xs.sum::<f64>() / n as f64
}

/// S1 and ST for base rows `idx` (a resample or `0..n`) of standardised outputs.
fn estimate(y: &[f64], d: usize, idx: &[usize], s1: &mut [f64], st: &mut [f64]) {
    let w = d + 2;
    let n = idx.len();
    let fa = |i: usize| y[idx[i] * w];
    let fb = |i: usize| y[idx[i] * w + d + 1];
    let m = mean((0..n).map(|i| fa(i) + fb(i)), 2 * n);
    let v = mean(
        (0..n).map(|i| (fa(i) - m).powi(2) + (fb(i) - m).powi(2)),
        2 * n,
    );
    for j in 0..d {
        let fab = |i: usize| y[idx[i] * w + 1 + j];
        if v == 0.0 {
            s1[j] = 0.0;
            st[j] = 0.0;
            continue;
        }
        s1[j] = mean((0..n).map(|i| fb(i) * (fab(i) - fa(i))), n) / v;
        st[j] = 0.5 * mean((0..n).map(|i| (fa(i) - fab(i)).powi(2)), n) / v;
    }
}

fn sd(xs: &[f64]) -> f64 {
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() as f64 - 1.0)).sqrt()
}

/// Sobol indices from the outputs `y` of a Saltelli design (`n (d + 2)` values in design
/// order), with bootstrap confidence half-widths.
pub fn sobol_indices(y: &[f64], d: usize, boot: &Bootstrap) -> Result<SobolIndices, Error> {
    let Bootstrap {
        resamples,
        level,
        seed,
        stream,
    } = *boot;
    let w = d + 2;
    if d == 0 || y.len() / w * w != y.len() || y.len() / w < 2 {
        return Err(Error::Invalid(Invalid::OutputsMismatch {
            design: "Saltelli",
        }));
    }
    let n = y.len() / w;
    let mu = y.iter().sum::<f64>() / y.len() as f64;
    let sdv = (y.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
    let ys: Vec<f64> = if sdv > 0.0 {
        y.iter().map(|v| (v - mu) / sdv).collect()
    } else {
        vec![0.0; y.len()]
    };
    let all: Vec<usize> = (0..n).collect();
    let (mut s1, mut st) = (vec![0.0; d], vec![0.0; d]);
    estimate(&ys, d, &all, &mut s1, &mut st);
    let z = norm_ppf(0.5 + level / 2.0);
    let mut b1 = vec![vec![0.0; resamples]; d];
    let mut bt = vec![vec![0.0; resamples]; d];
    let mut rng = Stream::new(seed, Purpose::Bootstrap, stream);
    let mut idx = vec![0usize; n];
    let (mut r1, mut rt) = (vec![0.0; d], vec![0.0; d]);
    for r in 0..resamples {
        for v in idx.iter_mut() {
            *v = rng.below(n as u64) as usize;
        }
        estimate(&ys, d, &idx, &mut r1, &mut rt);
        for j in 0..d {
            b1[j][r] = r1[j];
            bt[j][r] = rt[j];
        }
    }
    let conf = |b: &Vec<Vec<f64>>| -> Vec<f64> {
        b.iter()
            .map(|v| if resamples > 1 { z * sd(v) } else { f64::NAN })
            .collect()
    };
    Ok(SobolIndices {
        s1_conf: conf(&b1),
        st_conf: conf(&bt),
        s1,
        st,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_layout_is_salibs() {
        let x = saltelli_design(3, 4, 1).unwrap();
        assert_eq!(x.len(), 4 * 5 * 3);
        let row = |r: usize| &x[r * 3..r * 3 + 3];
        for i in 0..4 {
            let (a, b) = (row(i * 5), row(i * 5 + 4));
            for j in 0..3 {
                let ab = row(i * 5 + 1 + j);
                for k in 0..3 {
                    assert_eq!(ab[k], if k == j { b[k] } else { a[k] });
                }
            }
        }
        assert!(x.iter().all(|v| *v > 0.0 && *v < 1.0));
    }
}
