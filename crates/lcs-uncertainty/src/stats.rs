//! Streaming statistics with results that do not depend on threads or shards.
//!
//! * [`BlockSums`] then [`Moments`]: within a block, sums of `x − k` and `(x − k)²` in
//!   sample order (`k` the block's first value of the series), turned into count, mean,
//!   M2, min and max; blocks are merged (Chan et al.) in block order, so the floating-point
//!   operations, and the bits, are the same for any number of threads or shards.
//! * [`Sketch`]: a log-bucket histogram per series for percentiles. A bucket is the top
//!   22 bits of the f64 (sign, exponent and 10 mantissa bits), so every binade has 1024
//!   buckets and a bucket's midpoint is within 2⁻¹¹ ≈ 0.05 % of any value in it. Counts
//!   are integers, so merging sketches in any order gives the same sketch. Memory per
//!   series is 4 bytes × 1024 × the number of binades the values span (for values within a
//!   factor of 2 of each other: 4 KiB), whatever the number of samples.

/// Moments of one block, accumulated as sums shifted by the block's first value of each
/// series (`Σ(x − k)`, `Σ(x − k)²`): plain adds and multiplies over a row, which vectorise,
/// turned into count, mean and M2 by [`BlockSums::finish`]. The shift keeps the
/// cancellation in `M2 = Σd² − (Σd)²/n` small.
#[derive(Clone, Debug)]
pub struct BlockSums {
    shift: Vec<f64>,
    n: Vec<u64>,
    s1: Vec<f64>,
    s2: Vec<f64>,
    min: Vec<f64>,
    max: Vec<f64>,
}

impl BlockSums {
    /// Empty sums for `n` series.
    pub fn new(n: usize) -> Self {
        BlockSums {
            shift: vec![f64::NAN; n],
            n: vec![0; n],
            s1: vec![0.0; n],
            s2: vec![0.0; n],
            min: vec![f64::INFINITY; n],
            max: vec![f64::NEG_INFINITY; n],
        }
    }

    /// Adds one value per series (NaN values are skipped).
    #[inline]
    pub fn push(&mut self, xs: &[f64]) {
        let len = xs.len().min(self.n.len());
        self.push_range(&xs[..len], 0);
    }

    /// Adds the values of `rows` rows of `width` values (row-major, one value per series):
    /// the same operations in the same order for each series as [`BlockSums::push`] row
    /// by row (so the same bits), taken in tiles of a few series so that a tile's sums
    /// stay in the first-level cache while its rows are read.
    pub fn push_rows(&mut self, buf: &[f64], width: usize, rows: usize) {
        let len = width.min(self.n.len());
        for lo in (0..len).step_by(MOMENT_TILE) {
            let hi = (lo + MOMENT_TILE).min(len);
            for r in 0..rows {
                self.push_range(&buf[r * width + lo..r * width + hi], lo);
            }
        }
    }

    /// [`BlockSums::push`] for the series `first..first + xs.len()`.
    #[inline]
    fn push_range(&mut self, xs: &[f64], first: usize) {
        let len = xs.len();
        let (shift, n, s1, s2) = (
            &mut self.shift[first..first + len],
            &mut self.n[first..first + len],
            &mut self.s1[first..first + len],
            &mut self.s2[first..first + len],
        );
        let (lo, hi) = (
            &mut self.min[first..first + len],
            &mut self.max[first..first + len],
        );
        for i in 0..len {
            let x = xs[i];
            if shift[i].is_nan() {
                shift[i] = x;
            }
            let ok = !x.is_nan();
            let d = if ok { x - shift[i] } else { 0.0 };
            n[i] += ok as u64;
            s1[i] += d;
            s2[i] += d * d;
            lo[i] = lo[i].min(x);
            hi[i] = hi[i].max(x);
        }
    }

    /// The block's moments.
    pub fn finish(&self) -> Moments {
        let mut m = Moments::new(self.n.len());
        for i in 0..self.n.len() {
            let n = self.n[i];
            m.count[i] = n;
            if n == 0 {
                continue;
            }
            let f = n as f64;
            m.mean[i] = self.shift[i] + self.s1[i] / f;
            m.m2[i] = (self.s2[i] - self.s1[i] * self.s1[i] / f).max(0.0);
            m.min[i] = self.min[i];
            m.max[i] = self.max[i];
        }
        m
    }
}

/// Moments (count, mean, M2, min, max) for `n` series; [`Moments::push`] is Welford's
/// update (tests and small uses), [`Moments::merge`] Chan et al.'s.
#[derive(Clone, Debug, PartialEq)]
pub struct Moments {
    /// Defined (non-NaN) values seen, per series.
    pub count: Vec<u64>,
    /// Running mean.
    pub mean: Vec<f64>,
    /// Sum of squared deviations from the mean.
    pub m2: Vec<f64>,
    /// Smallest value.
    pub min: Vec<f64>,
    /// Largest value.
    pub max: Vec<f64>,
}

impl Moments {
    /// Empty moments for `n` series.
    pub fn new(n: usize) -> Self {
        Moments {
            count: vec![0; n],
            mean: vec![0.0; n],
            m2: vec![0.0; n],
            min: vec![f64::INFINITY; n],
            max: vec![f64::NEG_INFINITY; n],
        }
    }

    /// Number of series.
    pub fn len(&self) -> usize {
        self.count.len()
    }

    /// Whether there are no series.
    pub fn is_empty(&self) -> bool {
        self.count.is_empty()
    }

    /// Adds one value per series (NaN values are skipped).
    #[inline]
    pub fn push(&mut self, xs: &[f64]) {
        for (i, &x) in xs.iter().enumerate() {
            if x.is_nan() {
                continue;
            }
            let n = self.count[i] + 1;
            self.count[i] = n;
            let delta = x - self.mean[i];
            self.mean[i] += delta / n as f64;
            self.m2[i] += delta * (x - self.mean[i]);
            if x < self.min[i] {
                self.min[i] = x;
            }
            if x > self.max[i] {
                self.max[i] = x;
            }
        }
    }

    /// Merges `other` (the later block) into `self` (Chan et al.'s pairwise update).
    pub fn merge(&mut self, other: &Moments) {
        for i in 0..self.len() {
            let (na, nb) = (self.count[i], other.count[i]);
            if nb == 0 {
                continue;
            }
            if na == 0 {
                self.count[i] = nb;
                self.mean[i] = other.mean[i];
                self.m2[i] = other.m2[i];
                self.min[i] = other.min[i];
                self.max[i] = other.max[i];
                continue;
            }
            let n = na + nb;
            let delta = other.mean[i] - self.mean[i];
            let (fa, fb, f) = (na as f64, nb as f64, n as f64);
            self.mean[i] += delta * (fb / f);
            self.m2[i] += other.m2[i] + delta * delta * (fa * fb / f);
            self.count[i] = n;
            self.min[i] = self.min[i].min(other.min[i]);
            self.max[i] = self.max[i].max(other.max[i]);
        }
    }

    /// Sample standard deviation (n − 1), `None` below two values.
    pub fn sd(&self, i: usize) -> Option<f64> {
        (self.count[i] > 1).then(|| (self.m2[i] / (self.count[i] - 1) as f64).sqrt())
    }
}

/// Series per tile in [`BlockSums::push_rows`]: the tile's sums (48 bytes a series, 24 KiB)
/// stay in the first-level cache while the rows are read a 4 KiB page at a time (which the
/// hardware prefetches, unlike a column read across rows).
const MOMENT_TILE: usize = 512;

/// Series per tile in [`Sketch::push_columns`]: the tile's buckets (a few KiB a series)
/// stay in the second-level cache while the rows are read 1 KiB at a time.
const SKETCH_TILE: usize = 128;

/// Mantissa bits kept in a bucket key.
pub const SKETCH_BITS: u32 = 10;
const SHIFT: u32 = 52 - SKETCH_BITS;

/// One series' histogram: dense counts over a range of bucket keys, for each sign.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Buckets {
    /// Key of `counts[0]`.
    pub offset: u32,
    /// Counts (u32: at most 2³² − 1 samples per ensemble, checked when it starts).
    pub counts: Vec<u32>,
}

impl Buckets {
    #[inline]
    fn add(&mut self, key: u32, c: u32) {
        let k = key.wrapping_sub(self.offset) as usize;
        if k < self.counts.len() {
            self.counts[k] += c;
            return;
        }
        self.grow_add(key, c);
    }

    #[cold]
    fn grow_add(&mut self, key: u32, c: u32) {
        if self.counts.is_empty() {
            self.offset = key;
            self.counts.push(0);
        } else if key < self.offset {
            // Grow the front by at least the current length (amortised), never below key 0.
            let need = (self.offset - key) as usize;
            let grow = need.max(self.counts.len()).min(self.offset as usize);
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset -= grow as u32;
        } else if (key - self.offset) as usize >= self.counts.len() {
            self.counts.resize((key - self.offset) as usize + 1, 0);
        }
        self.counts[(key - self.offset) as usize] += c;
    }

    fn merge(&mut self, o: &Buckets) {
        if o.counts.is_empty() {
            return;
        }
        // Grow once to cover both ranges, then add.
        self.add(o.offset, 0);
        self.add(o.offset + o.counts.len() as u32 - 1, 0);
        for (k, &c) in o.counts.iter().enumerate() {
            if c != 0 {
                self.counts[(o.offset - self.offset) as usize + k] += c;
            }
        }
    }

    /// Drops the zero counts at both ends (a canonical form: equal histograms compare equal
    /// whatever order they were filled in).
    pub fn trim(&mut self) {
        let Some(first) = self.counts.iter().position(|c| *c != 0) else {
            self.counts = Vec::new();
            self.offset = 0;
            return;
        };
        let last = self.counts.iter().rposition(|c| *c != 0).unwrap_or(first);
        self.counts.truncate(last + 1);
        self.counts.drain(..first);
        self.counts.shrink_to_fit();
        self.offset += first as u32;
    }

    /// Non-zero (key, count) pairs, ascending key.
    pub fn entries(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0)
            .map(|(k, c)| (self.offset + k as u32, *c as u64))
    }
}

/// Percentile sketches for `n` series.
#[derive(Clone, Debug, PartialEq)]
pub struct Sketch {
    /// Positive values, by key of `x`.
    pub pos: Vec<Buckets>,
    /// Negative values, by key of `-x`.
    pub neg: Vec<Buckets>,
    /// Zeros.
    pub zero: Vec<u64>,
}

#[inline]
fn key(x: f64) -> u32 {
    (x.to_bits() >> SHIFT) as u32
}

fn bucket_mid(key: u32) -> f64 {
    let lo = f64::from_bits((key as u64) << SHIFT);
    let hi = f64::from_bits(((key as u64 + 1) << SHIFT).min(0x7FF0_0000_0000_0000));
    0.5 * (lo + hi)
}

impl Sketch {
    /// Empty sketches for `n` series.
    pub fn new(n: usize) -> Self {
        Sketch {
            pos: vec![Buckets::default(); n],
            neg: vec![Buckets::default(); n],
            zero: vec![0; n],
        }
    }

    /// Adds one value per series (NaN skipped; ±inf go to the last bucket of their sign).
    #[inline]
    pub fn push(&mut self, xs: &[f64]) {
        for (i, &x) in xs.iter().enumerate() {
            if x > 0.0 {
                self.pos[i].add(key(x), 1);
            } else if x < 0.0 {
                self.neg[i].add(key(-x), 1);
            } else if x == 0.0 {
                self.zero[i] += 1;
            }
        }
    }

    /// Trims every histogram ([`Buckets::trim`]).
    pub fn trim(&mut self) {
        for b in self.pos.iter_mut().chain(self.neg.iter_mut()) {
            b.trim();
        }
    }

    /// Adds the values of `rows` rows of `width` values (row-major, one value per series).
    pub fn push_rows(&mut self, buf: &[f64], width: usize, rows: usize) {
        self.push_columns(buf, width, rows, 0);
    }

    /// Adds, to series `0..self.len()`, the columns `first..first + self.len()` of `rows`
    /// rows of `width` values (row-major): a tile of series at a time over all rows, so that
    /// their buckets stay in cache and the rows are read in runs the hardware prefetches.
    pub fn push_columns(&mut self, buf: &[f64], width: usize, rows: usize, first: usize) {
        let len = self.len().min(width.saturating_sub(first));
        for lo in (0..len).step_by(SKETCH_TILE) {
            let hi = (lo + SKETCH_TILE).min(len);
            let (pos, neg, zero) = (
                &mut self.pos[lo..hi],
                &mut self.neg[lo..hi],
                &mut self.zero[lo..hi],
            );
            for r in 0..rows {
                let at = r * width + first;
                let xs = &buf[at + lo..at + hi];
                for (j, &x) in xs.iter().enumerate() {
                    if x > 0.0 {
                        pos[j].add(key(x), 1);
                    } else if x < 0.0 {
                        neg[j].add(key(-x), 1);
                    } else if x == 0.0 {
                        zero[j] += 1;
                    }
                }
            }
        }
    }

    /// Number of series.
    pub fn len(&self) -> usize {
        self.zero.len()
    }

    /// Whether there are no series.
    pub fn is_empty(&self) -> bool {
        self.zero.is_empty()
    }

    /// Appends the series of `other` after this sketch's (a sketch kept in chunks of series
    /// put together).
    pub fn append(&mut self, mut other: Sketch) {
        self.pos.append(&mut other.pos);
        self.neg.append(&mut other.neg);
        self.zero.append(&mut other.zero);
    }

    /// Adds another sketch's counts.
    pub fn merge(&mut self, o: &Sketch) {
        for i in 0..self.zero.len() {
            self.pos[i].merge(&o.pos[i]);
            self.neg[i].merge(&o.neg[i]);
            self.zero[i] += o.zero[i];
        }
    }

    /// Adds a count to series `i`: `sign` −1, 0 or 1, the bucket key (for shard files;
    /// counts above 2³² − 1 are not possible in a valid shard).
    pub fn add_raw(&mut self, i: usize, sign: i8, key: u32, count: u64) {
        match sign.signum() {
            1 => self.pos[i].add(key, count as u32),
            -1 => self.neg[i].add(key, count as u32),
            _ => self.zero[i] += count,
        }
    }

    /// Bytes held by the counts.
    pub fn bytes(&self) -> usize {
        self.pos
            .iter()
            .chain(&self.neg)
            .map(|b| b.counts.capacity() * 4)
            .sum::<usize>()
            + self.zero.len() * 8
    }

    /// Counts of series `i` in the bins `[edges[j], edges[j+1])` (the last bin closed),
    /// each value counted at its bucket's midpoint clamped to `[edges[0], edges[last]]`
    /// (so every sample is counted once when the edges span `[min, max]`).
    pub fn histogram(&self, i: usize, edges: &[f64]) -> Vec<u64> {
        let nb = edges.len().saturating_sub(1);
        let mut out = vec![0u64; nb];
        if nb == 0 {
            return out;
        }
        let (lo, hi) = (edges[0], edges[nb]);
        let mut add = |x: f64, c: u64| {
            let x = x.clamp(lo, hi);
            // The last edge at or below x (the last bin holds its upper edge).
            let j = edges[1..nb].partition_point(|e| *e <= x);
            out[j] += c;
        };
        for (k, c) in self.neg[i].entries() {
            add(-bucket_mid(k), c);
        }
        if self.zero[i] > 0 {
            add(0.0, self.zero[i]);
        }
        for (k, c) in self.pos[i].entries() {
            add(bucket_mid(k), c);
        }
        out
    }

    /// The `qs`-quantiles of series `i`, each the value [`Sketch::quantile`] gives, in one
    /// pass over the counts when `qs` is ascending (the reported percentiles).
    pub fn quantiles<const N: usize>(
        &self,
        i: usize,
        qs: [f64; N],
        min: f64,
        max: f64,
    ) -> [Option<f64>; N] {
        if !qs.windows(2).all(|w| w[0] <= w[1]) {
            return qs.map(|q| self.quantile(i, q, min, max));
        }
        let total = |b: &Buckets| b.counts.iter().map(|c| *c as u64).sum::<u64>();
        let n: u64 = total(&self.neg[i]) + self.zero[i] + total(&self.pos[i]);
        let mut out = [None; N];
        if n == 0 {
            return out;
        }
        let ranks = qs.map(|q| ((q * n as f64).ceil() as u64).clamp(1, n));
        let (mut seen, mut k) = (0u64, 0usize);
        let mut emit = |seen: u64, v: f64, k: &mut usize| {
            while *k < N && seen >= ranks[*k] {
                out[*k] = Some(v);
                *k += 1;
            }
        };
        let nb = &self.neg[i];
        for j in (0..nb.counts.len()).rev() {
            seen += nb.counts[j] as u64;
            if k < N && seen >= ranks[k] {
                emit(
                    seen,
                    (-bucket_mid(nb.offset + j as u32)).clamp(min, max),
                    &mut k,
                );
            }
        }
        seen += self.zero[i];
        emit(seen, 0.0, &mut k);
        let pb = &self.pos[i];
        for j in 0..pb.counts.len() {
            seen += pb.counts[j] as u64;
            if k < N && seen >= ranks[k] {
                emit(
                    seen,
                    bucket_mid(pb.offset + j as u32).clamp(min, max),
                    &mut k,
                );
            }
        }
        emit(u64::MAX, max, &mut k);
        out
    }

    /// The `q`-quantile (0 < q ≤ 1) of series `i` by nearest rank (the value of rank
    /// `ceil(q·n)`), as its bucket's midpoint clamped to `[min, max]`; `None` when empty.
    pub fn quantile(&self, i: usize, q: f64, min: f64, max: f64) -> Option<f64> {
        let total = |b: &Buckets| b.counts.iter().map(|c| *c as u64).sum::<u64>();
        let n: u64 = total(&self.neg[i]) + self.zero[i] + total(&self.pos[i]);
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        let mut seen = 0u64;
        let nb = &self.neg[i];
        for k in (0..nb.counts.len()).rev() {
            seen += nb.counts[k] as u64;
            if seen >= rank {
                return Some((-bucket_mid(nb.offset + k as u32)).clamp(min, max));
            }
        }
        seen += self.zero[i];
        if seen >= rank {
            return Some(0.0);
        }
        let pb = &self.pos[i];
        for k in 0..pb.counts.len() {
            seen += pb.counts[k] as u64;
            if seen >= rank {
                return Some(bucket_mid(pb.offset + k as u32).clamp(min, max));
            }
        }
        Some(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_counts_every_value_once_in_its_bin() {
        let mut s = Sketch::new(1);
        // 1, 2, …, 100 and three values at 0 and below.
        for v in 1..=100 {
            s.push(&[v as f64]);
        }
        for v in [0.0, -5.0, -50.0] {
            s.push(&[v]);
        }
        let edges = [-50.0, 0.0, 50.0, 100.0];
        let h = s.histogram(0, &edges);
        // [-50, 0): -50, -5 (0 falls in the next bin); [0, 50): 0, 1..49; [50, 100]: 50..100.
        assert_eq!(h, vec![2, 50, 51]);
        assert_eq!(h.iter().sum::<u64>(), 103);
    }

    #[test]
    fn welford_merge_matches_two_pass() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 37) % 101) as f64 * 0.3 - 7.0)
            .collect();
        let mut a = Moments::new(1);
        let mut b = Moments::new(1);
        for x in &xs[..400] {
            a.push(&[*x]);
        }
        for x in &xs[400..] {
            b.push(&[*x]);
        }
        a.merge(&b);
        let mean = xs.iter().sum::<f64>() / 1000.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 999.0;
        assert!((a.mean[0] - mean).abs() < 1e-12);
        assert!((a.sd(0).unwrap() - var.sqrt()).abs() < 1e-12);
        assert_eq!((a.min[0], a.max[0], a.count[0]), (-7.0, 23.0, 1000));
    }

    #[test]
    fn block_sums_match_welford_and_column_order_sketches_match_rows() {
        let buf: Vec<f64> = (0..300)
            .map(|i| {
                if i == 7 {
                    f64::NAN
                } else {
                    1e4 + ((i * 7919) % 113) as f64 * 0.37
                }
            })
            .collect();
        let (mut a, mut b) = (Moments::new(3), BlockSums::new(3));
        let (mut sa, mut sb) = (Sketch::new(3), Sketch::new(3));
        for row in buf.chunks(3) {
            a.push(row);
            b.push(row);
            sa.push(row);
        }
        let b = b.finish();
        assert_eq!(a.count, b.count);
        assert_eq!(
            (a.min.clone(), a.max.clone()),
            (b.min.clone(), b.max.clone())
        );
        for i in 0..3 {
            assert!((a.mean[i] - b.mean[i]).abs() < 1e-9 * a.mean[i].abs());
            assert!((a.m2[i] - b.m2[i]).abs() < 1e-9 * a.m2[i]);
        }
        sb.push_rows(&buf[..150], 3, 50);
        sb.push_rows(&buf[150..], 3, 50);
        sa.trim();
        sb.trim();
        assert_eq!(sa, sb);
    }

    #[test]
    fn sketch_quantiles_within_relative_accuracy_and_order_free() {
        let xs: Vec<f64> = (1..=10_000).map(|i| i as f64 * 0.01 - 20.0).collect();
        let mut s1 = Sketch::new(1);
        for x in &xs {
            s1.push(&[*x]);
        }
        let mut s2 = Sketch::new(1);
        let mut s3 = Sketch::new(1);
        for x in xs.iter().rev().take(5000) {
            s2.push(&[*x]);
        }
        for x in xs.iter().take(5000) {
            s3.push(&[*x]);
        }
        s3.merge(&s2);
        s1.trim();
        s3.trim();
        assert_eq!(s1, s3);
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let exact = xs[(q * 10_000.0_f64).ceil() as usize - 1];
            let est = s1.quantile(0, q, -20.0, 80.0).unwrap();
            assert!(
                (est - exact).abs() <= exact.abs() * 2f64.powi(-10),
                "q {q}: {est} vs {exact}"
            );
        }
        // One pass gives what each quantile gives alone (negative, zero and positive values).
        let mut m = Sketch::new(1);
        for x in &xs {
            m.push(&[*x]);
        }
        for _ in 0..300 {
            m.push(&[0.0]);
        }
        let qs = [0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0];
        let one: Vec<_> = qs.iter().map(|q| m.quantile(0, *q, -20.0, 80.0)).collect();
        assert_eq!(m.quantiles(0, qs, -20.0, 80.0).to_vec(), one);
        assert!(one[1].is_some_and(|v| v < 0.0) && one[6] == Some(80.0));
        let desc = [0.9, 0.1];
        assert_eq!(
            m.quantiles(0, desc, -20.0, 80.0).to_vec(),
            vec![
                m.quantile(0, 0.9, -20.0, 80.0),
                m.quantile(0, 0.1, -20.0, 80.0)
            ]
        );
        let mut c = Sketch::new(1);
        c.push(&[3.0]);
        c.push(&[3.0]);
        assert_eq!(c.quantile(0, 0.5, 3.0, 3.0), Some(3.0));
    }
}
