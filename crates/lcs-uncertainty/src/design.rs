//! Evaluating a design (Saltelli or Morris) on a model in parallel.

use crate::{Control, Dist, Error, Invalid, Model, Quantile};
use rayon::prelude::*;

/// Maps unit design rows to parameter values through each distribution's quantile
/// function (`ppf` for Saltelli points, which lie strictly inside (0, 1); `ppf_design` for
/// Morris grids, which reach 0 and 1).
pub fn map_design(unit: &[f64], dists: &[Dist], grid: bool) -> Vec<f64> {
    let d = dists.len();
    unit.iter()
        .enumerate()
        .map(|(k, &u)| {
            let dist = &dists[k % d];
            if grid {
                dist.ppf_design(u)
            } else {
                dist.ppf(u)
            }
        })
        .collect()
}

/// Evaluates every row of `x` (`d` parameter values per row) and keeps the outputs listed in
/// `keep`: the result has one row of `keep.len()` values per design row. Rows run in
/// parallel chunks; each value lands at its row's place, so the result does not depend on
/// threads.
pub fn evaluate_rows<M: Model>(
    model: &M,
    x: &[f64],
    keep: &[usize],
    ctl: &Control,
) -> Result<Vec<f64>, Error> {
    let d = model.n_params();
    let k = keep.len();
    if k == 0 || d == 0 {
        return Err(Error::Invalid(Invalid::EmptyDesign));
    }
    let rows = x.len() / d.max(1);
    let mut y = vec![0.0; rows * k];
    const CHUNK: usize = 256;
    y.par_chunks_mut(CHUNK * k).enumerate().try_for_each_init(
        || {
            (
                model.workspace(),
                vec![0.0; model.n_outputs()],
                vec![false; model.n_targets()],
            )
        },
        |(ws, out, met), (c, ychunk)| {
            if ctl.cancelled() {
                return Err(Error::Cancelled);
            }
            let first = c * CHUNK;
            let n = ychunk.len() / k.max(1);
            for r in 0..n {
                let p = &x[(first + r) * d..(first + r + 1) * d];
                model.eval(ws, p, out, met).map_err(|e| Error::Eval {
                    sample: (first + r) as u64,
                    params: p.to_vec(),
                    message: e.to_string(),
                    run: M::run_error(&e).map(Box::new),
                })?;
                for (o, &i) in ychunk[r * k..(r + 1) * k].iter_mut().zip(keep) {
                    *o = out[i];
                }
            }
            (ctl.progress)(n as u64);
            Ok(())
        },
    )?;
    Ok(y)
}
