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
//!   series is 2 bytes × 1024 × the number of binades the values span (for values within a
//!   factor of 2 of each other: 2 KiB), whatever the number of samples: counts are kept as
//!   16 bits, with the high bits in a second array for a series whose count in some bucket
//!   passed 65,535 ([`Buckets`]).
//! * [`push_tile`]: both at once over a buffer of rows, with a series that is constant over
//!   the rows counted once.

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
    #[inline(always)]
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
    #[inline(always)]
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
            add_value(
                xs[i],
                (&mut shift[i], &mut n[i]),
                (&mut s1[i], &mut s2[i]),
                (&mut lo[i], &mut hi[i]),
            );
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
    #[inline(always)]
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
///
/// A count is kept as its low 16 bits (`low`, the array every increment touches: 2 bytes a
/// bucket, so a series' buckets take half the cache lines of 32-bit counts) and its high
/// bits (`high`, `count >> 16`), allocated only when some count of the series first passes
/// 65,535 and then as long as `low`. Counts are exact integers either way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Buckets {
    /// Key of the first count.
    pub offset: u32,
    low: Vec<u16>,
    high: Vec<u32>,
}

impl Buckets {
    /// Number of buckets held (from `offset`).
    pub fn len(&self) -> usize {
        self.low.len()
    }

    /// Whether no bucket is held.
    pub fn is_empty(&self) -> bool {
        self.low.is_empty()
    }

    /// The count of bucket `offset + k`.
    #[inline(always)]
    pub fn count(&self, k: usize) -> u64 {
        let high = self.high.get(k).map_or(0, |h| *h as u64);
        (high << 16) | self.low[k] as u64
    }

    /// Adds one to the bucket of `key`.
    #[inline(always)]
    fn add_one(&mut self, key: u32) {
        let k = key.wrapping_sub(self.offset) as usize;
        if k < self.low.len() {
            let c = &mut self.low[k];
            *c = c.wrapping_add(1);
            if *c == 0 {
                self.carry(k, 1);
            }
            return;
        }
        self.grow_add(key, 1);
    }

    /// Adds `c` to the bucket of `key`.
    #[inline(always)]
    fn add(&mut self, key: u32, c: u64) {
        let k = key.wrapping_sub(self.offset) as usize;
        if k < self.low.len() {
            self.add_at(k, c);
            return;
        }
        self.grow_add(key, c);
    }

    #[inline(always)]
    fn add_at(&mut self, k: usize, c: u64) {
        let s = (self.low[k] as u64).saturating_add(c);
        self.low[k] = s as u16;
        if s >> 16 != 0 {
            self.carry(k, s >> 16);
        }
    }

    /// Adds `c` (a count of 65,536s) to the high part of bucket `k`.
    #[cold]
    fn carry(&mut self, k: usize, c: u64) {
        if self.high.is_empty() {
            self.high = vec![0; self.low.len()];
        }
        // At most 2³² − 1 samples per ensemble (checked when it starts), so this fits.
        self.high[k] = (self.high[k] as u64 + c) as u32;
    }

    #[cold]
    fn grow_add(&mut self, key: u32, c: u64) {
        if self.low.is_empty() {
            self.offset = key;
            self.low.push(0);
            self.high.clear();
        } else if key < self.offset {
            // Grow the front by at least the current length (amortised), never below key 0.
            let need = (self.offset - key) as usize;
            let grow = need.max(self.low.len()).min(self.offset as usize);
            self.low = front_zeros(&self.low, grow);
            if !self.high.is_empty() {
                self.high = front_zeros(&self.high, grow);
            }
            self.offset -= grow as u32;
        } else if (key - self.offset) as usize >= self.low.len() {
            let n = (key - self.offset) as usize + 1;
            self.low.resize(n, 0);
            if !self.high.is_empty() {
                self.high.resize(n, 0);
            }
        }
        self.add_at((key - self.offset) as usize, c);
    }

    fn merge(&mut self, o: &Buckets) {
        if o.low.is_empty() {
            return;
        }
        // Grow once to cover both ranges, then add.
        self.add(o.offset, 0);
        self.add(o.offset + o.low.len() as u32 - 1, 0);
        let at = (o.offset - self.offset) as usize;
        for k in 0..o.low.len() {
            let c = o.count(k);
            if c != 0 {
                self.add_at(at + k, c);
            }
        }
    }

    /// Drops the zero counts at both ends, and the high parts when all are zero (a
    /// canonical form: equal histograms compare equal whatever order they were filled in).
    pub fn trim(&mut self) {
        let Some(first) = (0..self.low.len()).position(|k| self.count(k) != 0) else {
            *self = Buckets::default();
            return;
        };
        let last = (0..self.low.len())
            .rposition(|k| self.count(k) != 0)
            .unwrap_or(first);
        self.low.truncate(last + 1);
        self.low.drain(..first);
        self.low.shrink_to_fit();
        if self.high.iter().all(|h| *h == 0) {
            self.high = Vec::new();
        } else {
            self.high.truncate(last + 1);
            self.high.drain(..first);
            self.high.shrink_to_fit();
        }
        self.offset += first as u32;
    }

    /// Total count.
    pub fn total(&self) -> u64 {
        let low: u64 = self.low.iter().map(|c| *c as u64).sum();
        let high: u64 = self.high.iter().map(|c| *c as u64).sum();
        low + (high << 16)
    }

    /// Non-zero (key, count) pairs, ascending key.
    pub fn entries(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        (0..self.low.len())
            .map(|k| (self.offset + k as u32, self.count(k)))
            .filter(|(_, c)| *c != 0)
    }

    /// Bytes held by the counts.
    fn bytes(&self) -> usize {
        self.low.capacity() * 2 + self.high.capacity() * 4
    }
}

/// Adds `rows` rows of `width` values (row-major, one value per series) to the block sums
/// of the series `first..first + sketch.len()` and to `sketch` (whose series 0 is series
/// `first`): one read of the rows for both, a group of [`GROUP`] series at a time.
///
/// The sums get the same operations in the same order per series as [`BlockSums::push`]
/// row by row (so the same bits). A series whose values in these rows all have the same
/// bits (a series no sampled parameter reaches in that year, such as a zero row or a year
/// before a measure starts: 3,400 of the 8,188 Iskandar series) adds its count to one
/// bucket once instead of once per row: the same integer counts.
///
/// `differs[c]`, when given, is non-zero when series `c` (of the whole width) has a value
/// in rows `1..rows` whose bits differ from its value in row 0 (the OR of the XORs of the
/// bits, which the caller takes while it writes the rows, where they are still in the
/// cache). A group of series none of which differs is then added from row 0 alone
/// ([`push_constant`]): its values a row apart are not read again. A wrong 0 would give
/// wrong statistics, so a caller that does not know passes `None`.
///
/// `#[inline(always)]`, so that a caller's [`lcs_engine::fastest_code`] compiles it for the
/// processor's widest instruction set (the same bits): the ensemble's does.
#[inline(always)]
pub fn push_tile(
    sums: &mut BlockSums,
    sketch: &mut Sketch,
    buf: &[f64],
    (width, rows): (usize, usize),
    first: usize,
    differs: Option<&[u64]>,
) {
    let len = sketch.len().min(width.saturating_sub(first));
    if rows == 0 || len == 0 {
        return;
    }
    assert!(
        buf.len() >= (rows - 1) * width + first + len,
        "rows shorter than the tile"
    );
    if let Some(d) = differs {
        assert!(d.len() >= first + len, "a word per series");
    }
    let constant = |j: usize, g: usize| {
        differs.is_some_and(|d| d[first + j..first + j + g].iter().all(|x| *x == 0))
    };
    let mut j = 0;
    while j + GROUP <= len {
        if constant(j, GROUP) {
            push_constant::<GROUP>(sums, sketch, buf, rows, first, j);
        } else {
            push_group::<GROUP>(sums, sketch, buf, width, rows, first, j);
        }
        j += GROUP;
    }
    while j < len {
        if constant(j, 1) {
            push_constant::<1>(sums, sketch, buf, rows, first, j);
        } else {
            push_group::<1>(sums, sketch, buf, width, rows, first, j);
        }
        j += 1;
    }
}

/// [`push_tile`] for `G` series `j..j + G` whose value is the same (bits) in every one of
/// the `rows` rows, read from row 0 only: for each series, [`add_value`] of that value
/// once, then for the other `rows − 1` rows either `n += rows − 1` or [`add_value`] again
/// row by row. The first is exact when the value `x` is finite and equals the shift (bits):
/// then every later row has `d = x − x = +0`, and `s1 + 0` is `s1` (the sums start at `+0`
/// and a sum is `−0` only when both terms are, so they are never `−0`), `s2 + 0·0` is `s2`,
/// and `min`/`max` with the same `x` again change nothing. Any other value (NaN, ±inf, or
/// a shift set by an earlier tile of the block) takes the row-by-row loop, which needs no
/// memory. The sketch counts `rows` in the value's bucket once, as [`push_group`] does for
/// a series constant over the tile.
#[inline(always)]
fn push_constant<const G: usize>(
    sums: &mut BlockSums,
    sketch: &mut Sketch,
    buf: &[f64],
    rows: usize,
    first: usize,
    j: usize,
) {
    for i in 0..G {
        let c = first + j + i;
        let x = buf[c];
        let (mut shift, mut n) = (sums.shift[c], sums.n[c]);
        let (mut s1, mut s2) = (sums.s1[c], sums.s2[c]);
        let (mut lo, mut hi) = (sums.min[c], sums.max[c]);
        let mut add = |shift: &mut f64, n: &mut u64| {
            add_value(x, (shift, n), (&mut s1, &mut s2), (&mut lo, &mut hi))
        };
        add(&mut shift, &mut n);
        if x.is_finite() && shift.to_bits() == x.to_bits() {
            n += rows as u64 - 1;
        } else {
            for _ in 1..rows {
                add(&mut shift, &mut n);
            }
        }
        (sums.shift[c], sums.n[c]) = (shift, n);
        (sums.s1[c], sums.s2[c]) = (s1, s2);
        (sums.min[c], sums.max[c]) = (lo, hi);
        sketch.push_n(j + i, x, rows as u64);
    }
}

/// One value `x` into a series' shifted sums, NaN skipped: the first value that is not NaN
/// becomes the shift, then `n += 1`, `s1 += d`, `s2 += d²` with `d = x − shift`, and the
/// running `min` and `max` ([`BlockSums`]; the one update of the sums, used by
/// [`BlockSums::push`] and by [`push_tile`]'s exact loop).
#[inline(always)]
fn add_value(
    x: f64,
    (shift, n): (&mut f64, &mut u64),
    (s1, s2): (&mut f64, &mut f64),
    (lo, hi): (&mut f64, &mut f64),
) {
    if shift.is_nan() {
        *shift = x;
    }
    let ok = !x.is_nan();
    let d = if ok { x - *shift } else { 0.0 };
    *n += ok as u64;
    *s1 += d;
    *s2 += d * d;
    *lo = lo.min(x);
    *hi = hi.max(x);
}

/// Series per group in [`push_tile`]: a group's sums stay in registers over all rows.
const GROUP: usize = 4;

/// [`push_tile`] for the `G` series `j..j + G` of the sketch (`first + j..` of the rows):
/// the sums of the group kept in registers over the rows (the same operations in the same
/// order per series as [`BlockSums::push_range`] row by row), then each series' counts,
/// while the group's values are in the first-level cache.
#[inline(always)]
fn push_group<const G: usize>(
    sums: &mut BlockSums,
    sketch: &mut Sketch,
    buf: &[f64],
    width: usize,
    rows: usize,
    first: usize,
    j: usize,
) {
    let col = first + j;
    let load = |v: &[f64]| -> [f64; G] { std::array::from_fn(|i| v[col + i]) };
    let (mut shift, mut s1, mut s2) = (load(&sums.shift), load(&sums.s1), load(&sums.s2));
    let (mut lo, mut hi) = (load(&sums.min), load(&sums.max));
    let mut n: [u64; G] = std::array::from_fn(|i| sums.n[col + i]);
    let x0: [u64; G] = std::array::from_fn(|i| buf[col + i].to_bits());
    let mut diff = [0u64; G];
    // Fast path, for rows without NaN: a shift not yet set is the first row's value (as
    // in the exact loop when that value is not NaN), `d` needs no mask and the count is
    // `rows`. A NaN value makes its lane's `s1` NaN (and `s1` is never NaN otherwise: it
    // starts at 0 and only this loop adds unmasked values), so the group is then done
    // again from its saved state by the exact loop. Sums and counts start finite or
    // zero, `min` and `max` never NaN: `if x < lo { x } else { lo }` is `lo.min(x)` for a
    // `lo` that is not NaN, bit for bit (also for ±0: `lo` is kept when equal, as the
    // `minpd` that `min` compiles to keeps its second operand).
    let saved = (shift, s1, s2, lo, hi);
    let mut fast = true;
    for i in 0..G {
        if shift[i].is_nan() {
            shift[i] = f64::from_bits(x0[i]);
            fast &= !shift[i].is_nan();
        }
    }
    if fast {
        for r in 0..rows {
            let xs = &buf[r * width + col..r * width + col + G];
            for i in 0..G {
                let x = xs[i];
                let d = x - shift[i];
                s1[i] += d;
                s2[i] += d * d;
                lo[i] = if x < lo[i] { x } else { lo[i] };
                hi[i] = if x > hi[i] { x } else { hi[i] };
                diff[i] |= x.to_bits() ^ x0[i];
            }
        }
        fast = !s1.iter().any(|v| v.is_nan());
        if fast {
            for c in &mut n {
                *c += rows as u64;
            }
        }
    }
    if !fast {
        (shift, s1, s2, lo, hi) = saved;
        diff = [0; G];
        for r in 0..rows {
            let xs = &buf[r * width + col..r * width + col + G];
            for i in 0..G {
                let x = xs[i];
                add_value(
                    x,
                    (&mut shift[i], &mut n[i]),
                    (&mut s1[i], &mut s2[i]),
                    (&mut lo[i], &mut hi[i]),
                );
                diff[i] |= x.to_bits() ^ x0[i];
            }
        }
    }
    for i in 0..G {
        let c = col + i;
        sums.shift[c] = shift[i];
        sums.n[c] = n[i];
        sums.s1[c] = s1[i];
        sums.s2[c] = s2[i];
        sums.min[c] = lo[i];
        sums.max[c] = hi[i];
        if diff[i] == 0 {
            sketch.push_n(j + i, f64::from_bits(x0[i]), rows as u64);
        } else {
            let (pos, neg) = (&mut sketch.pos[j + i], &mut sketch.neg[j + i]);
            let zero = &mut sketch.zero[j + i];
            for r in 0..rows {
                let x = buf[r * width + c];
                if x > 0.0 {
                    pos.add_one(key(x));
                } else if x < 0.0 {
                    neg.add_one(key(-x));
                } else if x == 0.0 {
                    *zero += 1;
                }
            }
        }
    }
}

/// `grow` zeros, then `v` (one allocation and one copy; `splice` inserts element by element).
fn front_zeros<T: Copy + Default>(v: &[T], grow: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(grow + v.len());
    out.resize(grow, T::default());
    out.extend_from_slice(v);
    out
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

#[inline(always)]
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
    #[inline(always)]
    pub fn push(&mut self, xs: &[f64]) {
        for (i, &x) in xs.iter().enumerate() {
            self.push_one(i, x);
        }
    }

    /// Adds value `x` to series `i` (NaN skipped; ±inf go to the last bucket of their sign).
    #[inline(always)]
    fn push_one(&mut self, i: usize, x: f64) {
        if x > 0.0 {
            self.pos[i].add_one(key(x));
        } else if x < 0.0 {
            self.neg[i].add_one(key(-x));
        } else if x == 0.0 {
            self.zero[i] += 1;
        }
    }

    /// Adds `n` copies of value `x` to series `i` (as [`Sketch::push_one`] `n` times).
    #[inline(always)]
    fn push_n(&mut self, i: usize, x: f64, n: u64) {
        if x > 0.0 {
            self.pos[i].add(key(x), n);
        } else if x < 0.0 {
            self.neg[i].add(key(-x), n);
        } else if x == 0.0 {
            self.zero[i] += n;
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
                        pos[j].add_one(key(x));
                    } else if x < 0.0 {
                        neg[j].add_one(key(-x));
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
            1 => self.pos[i].add(key, count),
            -1 => self.neg[i].add(key, count),
            _ => self.zero[i] += count,
        }
    }

    /// Bytes held by the counts.
    pub fn bytes(&self) -> usize {
        self.pos
            .iter()
            .chain(&self.neg)
            .map(Buckets::bytes)
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
        let n: u64 = self.neg[i].total() + self.zero[i] + self.pos[i].total();
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
        for j in (0..nb.len()).rev() {
            seen += nb.count(j);
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
        for j in 0..pb.len() {
            seen += pb.count(j);
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
        let n: u64 = self.neg[i].total() + self.zero[i] + self.pos[i].total();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        let mut seen = 0u64;
        let nb = &self.neg[i];
        for k in (0..nb.len()).rev() {
            seen += nb.count(k);
            if seen >= rank {
                return Some((-bucket_mid(nb.offset + k as u32)).clamp(min, max));
            }
        }
        seen += self.zero[i];
        if seen >= rank {
            return Some(0.0);
        }
        let pb = &self.pos[i];
        for k in 0..pb.len() {
            seen += pb.count(k);
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
    fn counts_past_16_bits_carry_exactly() {
        // 70,000 = 65,536 + 4,464: one carry into the high part of one bucket.
        let (mut one, mut many) = (Sketch::new(1), Sketch::new(1));
        for _ in 0..70_000 {
            one.push(&[2.5]);
        }
        for _ in 0..7 {
            many.push_n(0, 2.5, 10_000);
        }
        one.trim();
        many.trim();
        assert_eq!(one, many);
        assert_eq!(
            one.pos[0].entries().collect::<Vec<_>>(),
            vec![(key(2.5), 70_000)]
        );
        // Merged: 140,000 = 2 × 65,536 + 8,928, next to a bucket whose count stays small.
        let mut other = many.clone();
        other.push(&[3.5]);
        other.merge(&one);
        other.trim();
        assert_eq!(
            other.pos[0].entries().collect::<Vec<_>>(),
            vec![(key(2.5), 140_000), (key(3.5), 1)]
        );
        assert_eq!(other.pos[0].total(), 140_001);
        // Rank 140,001 is the one value 3.5 (its bucket's midpoint clamped to max 3.5).
        assert_eq!(other.quantile(0, 1.0, 2.5, 3.5), Some(3.5));
        assert_eq!(
            other.quantile(0, 0.99, 2.5, 3.5),
            Some(bucket_mid(key(2.5)))
        );
        // A shard count above 16 bits (add_raw) and growth at the front keep the high part
        // aligned with the low part.
        let mut s = Sketch::new(1);
        s.add_raw(0, 1, key(4.0), 200_000);
        s.add_raw(0, 1, key(1.0), 3);
        s.add_raw(0, -1, key(1.0), 5);
        s.trim();
        let e: Vec<_> = s.pos[0].entries().collect();
        assert_eq!(e, vec![(key(1.0), 3), (key(4.0), 200_000)]);
        assert_eq!(s.neg[0].entries().collect::<Vec<_>>(), vec![(key(1.0), 5)]);
    }

    #[test]
    fn push_tile_matches_row_by_row_pushes_bit_for_bit() {
        // 300 series, 37 rows. Series kinds by i % 7: constant non-zero, constant zero,
        // varying, constant NaN, +0 and -0 mixed (bits differ), NaN in some rows (the exact
        // loop after the fast one), +inf then -inf (sums NaN without a NaN value).
        let (width, rows) = (300, 37);
        let varying =
            |r: usize, i: usize| (i as f64 - 150.0) * (1.0 + ((r * 7919 + i) % 97) as f64 * 0.01);
        let buf: Vec<f64> = (0..rows * width)
            .map(|k| {
                let (r, i) = (k / width, k % width);
                match (i % 7, r) {
                    (0, _) => 1e3 + i as f64,
                    (1, _) => 0.0,
                    (2, _) => varying(r, i),
                    (3, _) => f64::NAN,
                    (4, _) if r % 2 == 0 => 0.0,
                    (4, _) => -0.0,
                    (5, _) if r % 3 == 1 => f64::NAN,
                    (6, 3) => f64::INFINITY,
                    (6, 25) => f64::NEG_INFINITY,
                    _ => varying(r, i),
                }
            })
            .collect();
        let (mut a, mut sa) = (BlockSums::new(width), Sketch::new(width));
        for row in buf.chunks(width) {
            a.push(row);
            sa.push(row);
        }
        // In two calls of 20 and 17 rows, the sketch in two parts (series 0..203, 203..300:
        // groups of 4 and the odd series after them).
        let mut b = BlockSums::new(width);
        let (mut s1, mut s2) = (Sketch::new(203), Sketch::new(97));
        for (lo, n) in [(0, 20), (20, 17)] {
            let part = &buf[lo * width..(lo + n) * width];
            // The first as the ensemble runs it (AVX2 code where the processor has it),
            // the second as baseline code: both must give the row-by-row bits.
            lcs_engine::fastest_code(
                #[inline(always)]
                || push_tile(&mut b, &mut s1, part, (width, n), 0, None),
            );
            push_tile(&mut b, &mut s2, part, (width, n), 203, None);
        }
        s1.append(s2);
        let bits = |m: &Moments| {
            let f = |v: &Vec<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            (m.count.clone(), f(&m.mean), f(&m.m2), f(&m.min), f(&m.max))
        };
        assert_eq!(bits(&a.finish()), bits(&b.finish()));
        sa.trim();
        s1.trim();
        assert_eq!(sa, s1);
        // The constant series went to one bucket (or the zeros), the NaN series nowhere.
        assert_eq!(
            s1.pos[0].entries().collect::<Vec<_>>(),
            vec![(key(1e3), 37)]
        );
        assert_eq!((s1.zero[1], s1.zero[4]), (37, 37));
        assert!(s1.pos[3].is_empty() && s1.neg[3].is_empty() && s1.zero[3] == 0);
    }

    #[test]
    fn push_tile_with_flags_of_constant_series_matches_row_by_row_pushes_bit_for_bit() {
        // 66 series (16 groups of 4 and 2 odd ones), 37 rows in two calls of 20 and 17, the
        // flags found from each call's rows as the ensemble finds them. Kinds by group,
        // (i / 4) % 8: constant finite, +0, NaN, +inf, −0, varying, constant within each
        // call but another value in the second (the shift then differs: the row-by-row
        // path), constant negative. In the first group one series varies in one row only,
        // so the group is not constant.
        let (width, rows) = (66, 37);
        let value = |r: usize, i: usize| match (i / 4) % 8 {
            0 if i == 3 && r == 10 => 7.25,
            0 => 1e3 + i as f64,
            1 => 0.0,
            2 => f64::NAN,
            3 => f64::INFINITY,
            4 => -0.0,
            5 => (i as f64 + 1.0) * (1.0 + ((r * 31 + i) % 13) as f64 * 0.1),
            6 if r < 20 => 0.1 * i as f64,
            6 => 0.3 * i as f64,
            _ => -5.5,
        };
        let buf: Vec<f64> = (0..rows * width)
            .map(|k| value(k / width, k % width))
            .collect();
        let (mut a, mut sa) = (BlockSums::new(width), Sketch::new(width));
        for row in buf.chunks(width) {
            a.push(row);
            sa.push(row);
        }
        for variant in 0..2 {
            let (mut b, mut sb) = (BlockSums::new(width), Sketch::new(width));
            let mut constant_groups = 0;
            for (lo, n) in [(0, 20), (20, 17)] {
                let part = &buf[lo * width..(lo + n) * width];
                let differs: Vec<u64> = (0..width)
                    .map(|c| {
                        (1..n).fold(0, |d, r| {
                            d | (part[r * width + c].to_bits() ^ part[c].to_bits())
                        })
                    })
                    .collect();
                constant_groups += differs
                    .chunks(GROUP)
                    .filter(|g| g.iter().all(|d| *d == 0))
                    .count();
                if variant == 0 {
                    lcs_engine::fastest_code(
                        #[inline(always)]
                        || push_tile(&mut b, &mut sb, part, (width, n), 0, Some(&differs)),
                    );
                } else {
                    push_tile(&mut b, &mut sb, part, (width, n), 0, Some(&differs));
                }
            }
            // Of the 16 full groups all but the 2 of kind 5 are constant within a call,
            // but for the first group in the first call (row 10 is in it); the 2 odd
            // series (kind 0) count as one chunk per call.
            assert_eq!(constant_groups, (16 - 2 - 1) + (16 - 2) + 2);
            let bits = |m: &Moments| {
                let f = |v: &Vec<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                (m.count.clone(), f(&m.mean), f(&m.m2), f(&m.min), f(&m.max))
            };
            assert_eq!(bits(&a.finish()), bits(&b.finish()), "variant {variant}");
            sb.trim();
            let mut sa = sa.clone();
            sa.trim();
            assert_eq!(sa, sb, "variant {variant}");
        }
        // By hand: series 4 (+0, every row) counts 37 zeros, series 24 (kind 6) 20 values
        // of 2.4 and 17 of 7.2, mean (20 × 2.4 + 17 × 7.2) / 37.
        let m = a.finish();
        assert_eq!(sa.zero[4], 37);
        assert_eq!(m.count[8], 0, "a NaN series has no values");
        let mean = (20.0 * 2.4 + 17.0 * 7.2) / 37.0;
        assert!(
            (m.mean[24] - mean).abs() < 1e-12,
            "{} vs {mean}",
            m.mean[24]
        );
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
