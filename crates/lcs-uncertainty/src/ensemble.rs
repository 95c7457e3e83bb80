//! Monte Carlo ensembles: sampling, evaluation on rayon, streaming statistics, shards.
//!
//! Sample `i` (0-based) takes its uniforms, one per parameter in order, from
//! `Stream::new(seed, Sample, i)` and maps them through each distribution's quantile
//! function. Samples are grouped in blocks of [`BLOCK`] indices (`[b·BLOCK, (b+1)·BLOCK)`,
//! the last one shorter); Iman–Conover reordering and the moment accumulation happen per
//! block, in index order. A shard `k` of `n` takes the contiguous blocks
//! `[⌊B·k/n⌋, ⌊B·(k+1)/n⌋)` of the `B` blocks, so block boundaries never depend on
//! sharding or threads. Moments are folded in block order; sketches and target counts are
//! integer counts. Hence one run, or any set of shards merged, gives the same bits.

use crate::ic::{Plan, RankCorrelation};
use crate::rng::{Purpose, Stream};
use crate::stats::{push_tile, BlockSums, Moments, Sketch};
use crate::{Control, Dist, Error, Invalid, Model, Quantile};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::{Mutex, TryLockError};

/// Samples per block.
pub const BLOCK: u64 = 1024;

/// Samples evaluated before their statistics are taken (column order): a series' buckets
/// are fetched into the cache once per `SUB` samples, so a longer buffer spends less time
/// waiting for them (512 rows: 7 % less CPU than 256 for Iskandar, for 17 MB more per
/// thread; 1024 would take the peak over 200 MB).
const SUB: usize = 512;

/// Blocks per thread in a wave: the blocks evaluated before their moments are folded in
/// block order (40 bytes a series each: 330 KB for Iskandar); the threads wait for the
/// wave's last block, so a longer wave leaves a core idle for a smaller share of it.
const WAVE: u64 = 16;

/// Series per chunk of the shared percentile sketch.
const CHUNK: usize = 128;

/// Adds `rows` rows of `width` values to the block's sums and to the chunks of the shared
/// sketch ([`push_tile`], one read of the rows for both), starting at chunk `start` and
/// taking first the chunks no other thread holds (each chunk once).
fn push_statistics(
    sums: &mut BlockSums,
    chunks: &[Mutex<Sketch>],
    buf: &[f64],
    (width, rows): (usize, usize),
    start: usize,
    differs: &[u64],
) {
    let nc = chunks.len();
    let mut pending: Vec<usize> = (0..nc).map(|k| (start + k) % nc).collect();
    // As code for the processor's widest instruction set: the same bits, faster.
    let mut push = |c: usize, s: &mut Sketch| {
        lcs_engine::fastest_code(
            #[inline(always)]
            || push_tile(sums, s, buf, (width, rows), c * CHUNK, Some(differs)),
        )
    };
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|&c| match chunks[c].try_lock() {
            Ok(mut s) => {
                push(c, &mut s);
                false
            }
            Err(TryLockError::Poisoned(e)) => {
                push(c, &mut e.into_inner());
                false
            }
            Err(TryLockError::WouldBlock) => true,
        });
        if pending.len() == before {
            // Every chunk left is held by another thread: wait for the first.
            let c = pending.remove(0);
            push(c, &mut chunks[c].lock().unwrap_or_else(|e| e.into_inner()));
        }
    }
}

/// `differs[i] |= bits(row[i]) XOR bits(first[i])`: non-zero once a value of series `i`
/// differs from its value in the first row, as bits (so NaN equals the same NaN, and `+0`
/// differs from `−0`); an XOR and an OR per value, which vectorise.
#[inline(always)]
fn mark_differences(differs: &mut [u64], first: &[f64], row: &[f64]) {
    for ((d, a), b) in differs.iter_mut().zip(first).zip(row) {
        *d |= a.to_bits() ^ b.to_bits();
    }
}

/// A thread's model workspace, row buffer and flags of the series whose value differs
/// from the buffer's first row, made at its first block.
type ThreadState<W> = Mutex<Option<(W, Vec<f64>, Vec<u64>)>>;

/// A slice of the samples: shard `index` (0-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 0-based shard number.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

/// Why a `--shard K/N` text is not a shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShardError {
    /// Not of the form `K/N`.
    Form {
        /// The text given.
        found: String,
    },
    /// `K` or `N` is not a whole number.
    NotWhole {
        /// `number` (K) or `count` (N).
        what: &'static str,
        /// The text given for it.
        found: String,
    },
    /// Not 1 ≤ K ≤ N.
    Range {
        /// K as given.
        k: u64,
        /// N as given.
        n: u64,
    },
}

impl std::fmt::Display for ShardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShardError::Form { found } => {
                write!(f, "a shard is written K/N (e.g. 3/16), found `{found}`")
            }
            ShardError::NotWhole { what, found } => {
                write!(f, "shard {what} `{found}` is not a whole number")
            }
            ShardError::Range { k, n } => {
                write!(f, "a shard K/N needs 1 ≤ K ≤ N, found {k}/{n}")
            }
        }
    }
}

impl std::error::Error for ShardError {}

impl Shard {
    /// All samples.
    pub fn whole() -> Self {
        Shard { index: 0, count: 1 }
    }

    /// Parses `K/N` with 1 ≤ K ≤ N (1-based as written on the command line).
    pub fn parse(s: &str) -> Result<Self, ShardError> {
        let (k, n) = s.split_once('/').ok_or_else(|| ShardError::Form {
            found: s.to_string(),
        })?;
        let whole = |part: &str, what: &'static str| {
            part.trim()
                .parse::<u64>()
                .map_err(|_| ShardError::NotWhole {
                    what,
                    found: part.to_string(),
                })
        };
        let (k, n) = (whole(k, "number")?, whole(n, "count")?);
        if n == 0 || k == 0 || k > n {
            return Err(ShardError::Range { k, n });
        }
        Ok(Shard {
            index: k - 1,
            count: n,
        })
    }

    /// The blocks of this shard for a sample count.
    pub fn blocks(&self, samples: u64) -> Range<u64> {
        let nb = samples.div_ceil(BLOCK) as u128;
        let (k, n) = (self.index as u128, self.count as u128);
        (nb * k / n) as u64..(nb * (k + 1) / n) as u64
    }
}

/// The sampling set-up of an ensemble.
#[derive(Clone, Debug)]
pub struct Ensemble {
    /// One distribution per parameter, in the model's parameter order.
    pub params: Vec<Dist>,
    /// Rank correlations between parameters.
    pub correlations: Vec<RankCorrelation>,
    /// The seed.
    pub seed: u64,
    /// Total number of samples (all shards).
    pub samples: u64,
}

impl Ensemble {
    fn plan(&self) -> Result<Option<Plan>, Error> {
        for (i, d) in self.params.iter().enumerate() {
            d.check().map_err(|source| {
                Error::Invalid(Invalid::Distribution {
                    parameter: i + 1,
                    source,
                })
            })?;
        }
        if self.samples == 0 || self.samples > u32::MAX as u64 {
            return Err(Error::Invalid(Invalid::Samples {
                found: self.samples,
            }));
        }
        Plan::new(self.params.len(), &self.correlations)
            .map_err(|e| Error::Invalid(Invalid::Correlation(e)))
    }

    /// The parameter values of block `b` (row-major, one row of `d` values per sample).
    pub fn block_values(&self, b: u64, plan: Option<&Plan>) -> Vec<f64> {
        let d = self.params.len();
        let lo = b * BLOCK;
        let hi = (lo + BLOCK).min(self.samples);
        let mut x = vec![0.0; (hi - lo) as usize * d];
        for (r, i) in (lo..hi).enumerate() {
            let mut s = Stream::new(self.seed, Purpose::Sample, i);
            for (j, dist) in self.params.iter().enumerate() {
                x[r * d + j] = dist.ppf(s.uniform());
            }
        }
        if let Some(p) = plan {
            if d > 0 {
                p.apply(&mut x, d);
            }
        }
        x
    }

    /// All parameter values of the samples in `range` (for exports and tests).
    pub fn values(&self, range: Range<u64>) -> Result<Vec<f64>, Error> {
        let plan = self.plan()?;
        let d = self.params.len();
        let mut out = Vec::new();
        for b in range.start / BLOCK..range.end.div_ceil(BLOCK) {
            let x = self.block_values(b, plan.as_ref());
            let lo = b * BLOCK;
            for (r, row) in x.chunks(d.max(1)).enumerate() {
                let i = lo + r as u64;
                if range.contains(&i) {
                    out.extend_from_slice(row);
                }
            }
        }
        Ok(out)
    }
}

/// Moments of a partial run: folded (a run from block 0 to the end) or per block (shards).
#[derive(Clone, Debug, PartialEq)]
pub enum PartialMoments {
    /// Folded in block order.
    Folded(Moments),
    /// Per block: (block number, moments).
    Blocks(Vec<(u64, Moments)>),
}

/// What one run (or one shard) accumulated.
#[derive(Clone, Debug, PartialEq)]
pub struct Partial {
    /// Total samples of the ensemble.
    pub samples: u64,
    /// The seed.
    pub seed: u64,
    /// The shard.
    pub shard: Shard,
    /// Series: the model outputs, then the parameters.
    pub n_series: usize,
    /// Moments.
    pub moments: PartialMoments,
    /// Percentile sketches.
    pub sketch: Sketch,
    /// Samples meeting each target.
    pub met: Vec<u64>,
}

/// Runs the samples of `shard`. `keep_blocks` keeps per-block moments (needed for shards
/// to be merged); otherwise they are folded as they come, and the shard must be whole.
pub fn run_ensemble<M: Model>(
    model: &M,
    ens: &Ensemble,
    shard: Shard,
    keep_blocks: bool,
    ctl: &Control,
) -> Result<Partial, Error> {
    let d = model.n_params();
    if ens.params.len() != d {
        return Err(Error::Invalid(Invalid::ParameterCount {
            distributions: ens.params.len(),
            parameters: d,
        }));
    }
    let plan = ens.plan()?;
    let n_out = model.n_outputs();
    let n_series = n_out + d;
    let n_t = model.n_targets();
    let blocks = shard.blocks(ens.samples);
    let threads = rayon::current_num_threads();
    // One sketch, in chunks of series that threads take in turn (integer counts: the
    // order does not matter), instead of a whole sketch per thread merged at the end.
    let chunks: Vec<Mutex<Sketch>> = (0..n_series)
        .step_by(CHUNK)
        .map(|lo| Mutex::new(Sketch::new(CHUNK.min(n_series - lo))))
        .collect();
    let mut folded = Moments::new(n_series);
    let mut kept = Vec::new();
    let mut met = vec![0u64; n_t];
    // Per-thread workspaces and row buffers, made once and kept over the waves (a new
    // buffer per rayon job would be zeroed again each time: 34 MB for Iskandar).
    let state: Vec<ThreadState<M::Workspace>> = (0..threads).map(|_| Mutex::new(None)).collect();
    let wave = (WAVE * threads as u64).max(WAVE);
    let mut next = blocks.start;
    while next < blocks.end {
        let end = (next + wave).min(blocks.end);
        let results: Vec<Result<(Moments, Vec<u64>), Error>> = (next..end)
            .into_par_iter()
            .map(|b| {
                if ctl.cancelled() {
                    return Err(Error::Cancelled);
                }
                let t = rayon::current_thread_index().unwrap_or(0) % threads;
                // Held by this thread already when the model runs rayon jobs itself
                // (per-sample Shapley) and this block was stolen meanwhile: then a
                // state of its own.
                let (mut held, mut own) = (state[t].try_lock(), None);
                let slot = match &mut held {
                    Ok(g) => &mut **g,
                    Err(TryLockError::Poisoned(e)) => &mut **e.get_mut(),
                    Err(TryLockError::WouldBlock) => &mut own,
                };
                let (ws, buf, differs) = slot.get_or_insert_with(|| {
                    let buf = vec![0.0; SUB * n_series];
                    (model.workspace(), buf, vec![0; n_series])
                });
                let x = ens.block_values(b, plan.as_ref());
                let n = ((b * BLOCK + BLOCK).min(ens.samples) - b * BLOCK) as usize;
                let mut sums = BlockSums::new(n_series);
                let mut counts = vec![0u64; n_t];
                let mut flags = vec![false; n_t];
                // Rows of SUB samples (outputs, then parameters); moments and sketches
                // a few series at a time over the rows (stats.rs).
                let first_chunk = t * chunks.len() / threads;
                for start in (0..n).step_by(SUB) {
                    let len = SUB.min(n - start);
                    for r in 0..len {
                        if ctl.cancelled() {
                            return Err(Error::Cancelled);
                        }
                        let p = &x[(start + r) * d..(start + r + 1) * d];
                        let row = &mut buf[r * n_series..(r + 1) * n_series];
                        model
                            .eval(ws, p, &mut row[..n_out], &mut flags)
                            .map_err(|e| Error::Eval {
                                sample: b * BLOCK + (start + r) as u64,
                                params: p.to_vec(),
                                message: e.to_string(),
                                run: M::run_error(&e).map(Box::new),
                            })?;
                        row[n_out..].copy_from_slice(p);
                        for (c, f) in counts.iter_mut().zip(&flags) {
                            *c += *f as u64;
                        }
                        // Which series differ from the first row, while this row is in
                        // the cache (push_tile then reads a series that never does once).
                        let (first, rest) = buf.split_at(n_series);
                        if r == 0 {
                            differs.fill(0);
                        } else {
                            let row = &rest[(r - 1) * n_series..r * n_series];
                            lcs_engine::fastest_code(
                                #[inline(always)]
                                || mark_differences(differs, first, row),
                            );
                        }
                    }
                    push_statistics(
                        &mut sums,
                        &chunks,
                        &buf[..],
                        (n_series, len),
                        first_chunk,
                        differs,
                    );
                }
                (ctl.progress)(n as u64);
                Ok((sums.finish(), counts))
            })
            .collect();
        for (b, r) in (next..end).zip(results) {
            let (m, counts) = r?;
            for (a, c) in met.iter_mut().zip(&counts) {
                *a += c;
            }
            if keep_blocks {
                kept.push((b, m));
            } else {
                folded.merge(&m);
            }
        }
        next = end;
    }
    let mut sketch = Sketch::new(0);
    for c in chunks {
        sketch.append(c.into_inner().unwrap_or_else(|e| e.into_inner()));
    }
    sketch.trim();
    let moments = if keep_blocks {
        PartialMoments::Blocks(kept)
    } else {
        if shard != Shard::whole() {
            return Err(Error::Invalid(Invalid::ShardFolded));
        }
        PartialMoments::Folded(folded)
    };
    Ok(Partial {
        samples: ens.samples,
        seed: ens.seed,
        shard,
        n_series,
        moments,
        sketch,
        met,
    })
}

/// The statistics of a whole ensemble.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Total samples.
    pub samples: u64,
    /// Moments per series.
    pub moments: Moments,
    /// Percentile sketches per series.
    pub sketch: Sketch,
    /// Samples meeting each target.
    pub met: Vec<u64>,
}

/// The percentiles reported.
pub const PERCENTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

impl Summary {
    /// Combines a whole run, or every shard of one ensemble (in any order), into the same
    /// statistics, bit for bit.
    pub fn combine(mut parts: Vec<Partial>) -> Result<Summary, Error> {
        let first = parts
            .first()
            .ok_or(Error::Invalid(Invalid::NothingToMerge))?;
        let (samples, seed, n_series, n_met, count) = (
            first.samples,
            first.seed,
            first.n_series,
            first.met.len(),
            first.shard.count,
        );
        parts.sort_by_key(|p| p.shard.index);
        for (k, p) in parts.iter().enumerate() {
            let differs = [
                (p.samples != samples, "sample counts"),
                (p.seed != seed, "seeds"),
                (p.n_series != n_series, "outputs"),
                (p.met.len() != n_met, "targets"),
                (p.shard.count != count, "shard counts"),
            ];
            if let Some((_, what)) = differs.iter().find(|(d, _)| *d) {
                return Err(Error::Invalid(Invalid::DifferentEnsembles { what }));
            }
            // Sorted by index, the k-th part must be shard k: an index below k repeats the
            // one before it, one above it skips shard k.
            if p.shard.index < k as u64 {
                return Err(Error::Invalid(Invalid::ShardRepeated {
                    shard: p.shard.index + 1,
                    count,
                }));
            }
            if p.shard.index > k as u64 {
                return Err(Error::Invalid(Invalid::ShardMissing {
                    shard: k as u64 + 1,
                    count,
                }));
            }
        }
        if parts.len() as u64 != count {
            return Err(Error::Invalid(Invalid::TooFewShards {
                given: parts.len(),
                count,
            }));
        }
        let mut moments = Moments::new(n_series);
        // The first part's sketch is taken over and the others' counts added to it (integer
        // counts: the same sketch after trimming whatever the order).
        let mut sketch = Sketch::new(0);
        let mut met = vec![0u64; n_met];
        for p in parts {
            match p.moments {
                PartialMoments::Folded(m) => {
                    if count != 1 {
                        return Err(Error::Invalid(Invalid::FoldedMerge));
                    }
                    moments = m;
                }
                PartialMoments::Blocks(bs) => {
                    let want = p.shard.blocks(p.samples);
                    if bs.len() as u64 != want.end - want.start
                        || bs.iter().zip(want).any(|((b, _), w)| *b != w)
                    {
                        return Err(Error::Invalid(Invalid::ShardBlocks {
                            shard: p.shard.index + 1,
                            count,
                        }));
                    }
                    for (_, m) in &bs {
                        moments.merge(m);
                    }
                }
            }
            if sketch.is_empty() {
                sketch = p.sketch;
            } else {
                sketch.merge(&p.sketch);
            }
            for (a, c) in met.iter_mut().zip(&p.met) {
                *a += c;
            }
        }
        sketch.trim();
        Ok(Summary {
            samples,
            moments,
            sketch,
            met,
        })
    }

    /// The reported percentiles of series `i` (`None` when it has no defined value).
    pub fn percentiles(&self, i: usize) -> [Option<f64>; 5] {
        let (lo, hi) = (self.moments.min[i], self.moments.max[i]);
        self.sketch.quantiles(i, PERCENTILES, lo, hi)
    }

    /// The reported percentiles of every series ([`Summary::percentiles`], series by series
    /// on the rayon pool: each series on its own, so the same values on any number of
    /// threads).
    pub fn percentile_table(&self) -> Vec<[Option<f64>; 5]> {
        (0..self.moments.len())
            .into_par_iter()
            .with_min_len(64)
            .map(|i| self.percentiles(i))
            .collect()
    }

    /// Fraction of samples meeting target `t`.
    pub fn probability(&self, t: usize) -> f64 {
        self.met[t] as f64 / self.samples as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_blocks() {
        for samples in [1, 1000, 1024, 1025, 100_000] {
            for n in 1..7 {
                let mut next = 0;
                for k in 0..n {
                    let r = Shard { index: k, count: n }.blocks(samples);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, samples.div_ceil(BLOCK));
            }
        }
        assert_eq!(
            Shard::parse("3/16"),
            Ok(Shard {
                index: 2,
                count: 16
            })
        );
        assert_eq!(Shard::parse("0/4"), Err(ShardError::Range { k: 0, n: 4 }));
        assert_eq!(
            Shard::parse("5/4").unwrap_err().to_string(),
            "a shard K/N needs 1 ≤ K ≤ N, found 5/4"
        );
        assert_eq!(
            Shard::parse("x").unwrap_err().to_string(),
            "a shard is written K/N (e.g. 3/16), found `x`"
        );
        assert_eq!(
            Shard::parse("2/y"),
            Err(ShardError::NotWhole {
                what: "count",
                found: "y".into()
            })
        );
        assert_eq!(
            Shard::parse("a/3").unwrap_err().to_string(),
            "shard number `a` is not a whole number"
        );
    }
}
