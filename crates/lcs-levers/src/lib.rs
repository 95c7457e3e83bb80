//! Policy levers: schedules, ramps and the five lever equations (MODEL.md §9).
//!
//! A measure names a lever, a target series (or share map) and a schedule. The schedule gives
//! a ramp weight `r(y)` in `[0, 1]` for every model year; the lever turns a target series `p`
//! into `p'` with that weight. This crate holds only that arithmetic: it knows nothing of
//! files, paths or units (values arrive in base units, checked by `lcs-model`), and it has
//! no dependencies.
//!
//! | lever | effect |
//! |---|---|
//! | `scale` | `p'(y) = p(y) * (1 + by(y) * r(y))` |
//! | `set` | `p'(y) = p(y) + r(y) * (value(y) - p(y))` |
//! | `add` | `p'(y) = p(y) + r(y) * amount(y)` |
//! | `shift` | moves `m = min(amount * r(y), Σ_from s)` share points from `from` to `to` |
//! | `set` on a share map | `s'(i) = s(i) + r(y) * (value(i) - s(i))` |
//! | `generation` | adds `capacity * 8760 * capacity_factor * r(y)` (or `generation * r(y)`) |
//!
//! `until` (an extension): `r(y) = 0` for `y ≥ until`.
//!
//! ```
//! use lcs_levers::{Ramp, Schedule};
//! let s = Schedule { start: 2020, full: 2030, ramp: Ramp::Linear, until: Some(2040) };
//! assert_eq!(s.weight(2025), 0.5);
//! assert_eq!(s.weight(2040), 0.0); // `until`: no effect from 2040 on
//! ```
//!
//! ```
//! # use lcs_levers::{Ramp, Schedule};
//! let s = Schedule { start: 2020, full: 2030, ramp: Ramp::Linear, until: None };
//! assert_eq!(s.weight(2040), 1.0);
//! ```
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

/// How a measure phases in between `start` and `full`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ramp {
    /// `r = x`.
    Linear,
    /// `r = 1` from `start` on, else 0.
    Step,
    /// `r = 3x² − 2x³`.
    SCurve,
}

impl Ramp {
    /// Parses `linear`, `step` or `s-curve`.
    pub fn parse(s: &str) -> Option<Ramp> {
        match s {
            "linear" => Some(Ramp::Linear),
            "step" => Some(Ramp::Step),
            "s-curve" => Some(Ramp::SCurve),
            _ => None,
        }
    }

    /// The names accepted by [`Ramp::parse`].
    pub const NAMES: [&'static str; 3] = ["linear", "step", "s-curve"];

    /// The ramp's keyword (`linear`, `step`, `s-curve`).
    pub fn name(self) -> &'static str {
        match self {
            Ramp::Linear => Self::NAMES[0],
            Ramp::Step => Self::NAMES[1],
            Ramp::SCurve => Self::NAMES[2],
        }
    }
}

/// A measure's schedule: years `start ≤ full`, a ramp, and optionally the year `until`
/// from which the measure stops (an extension of MODEL.md §9: a plant's end of life).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// First year with any effect (for `step`, the year it takes full effect).
    pub start: i32,
    /// First year of full effect (`full ≥ start`).
    pub full: i32,
    /// The ramp shape.
    pub ramp: Ramp,
    /// First year without effect (`until > start`): `r(y) = 0` for `y ≥ until`.
    pub until: Option<i32>,
}

impl Schedule {
    /// Ramp weight `r(y)` in `[0, 1]` (MODEL.md §9):
    /// `x = clamp((y - start) / (full - start), 0, 1)`, and `x = 1` for `y ≥ start` when
    /// `full = start`; `linear` r = x; `step` r = 1 for `y ≥ start`, else 0;
    /// `s-curve` r = 3x² − 2x³; and `r = 0` for `y ≥ until`.
    #[inline(always)]
    pub fn weight(&self, year: i32) -> f64 {
        if self.until.is_some_and(|u| year >= u) {
            return 0.0;
        }
        let x = if year < self.start {
            0.0
        } else if self.full <= self.start {
            1.0
        } else {
            (f64::from(year - self.start) / f64::from(self.full - self.start)).clamp(0.0, 1.0)
        };
        match self.ramp {
            Ramp::Linear => x,
            Ramp::Step => {
                if year >= self.start {
                    1.0
                } else {
                    0.0
                }
            }
            Ramp::SCurve => 3.0 * x * x - 2.0 * x * x * x,
        }
    }

    /// The weights for the years `first..=last`.
    pub fn weights(&self, first: i32, last: i32) -> Vec<f64> {
        (first..=last).map(|y| self.weight(y)).collect()
    }
}

/// `scale`: `p'(y) = p(y) * (1 + by(y) * r(y))`.
#[inline(always)]
pub fn scale(p: f64, by: f64, r: f64) -> f64 {
    p * (1.0 + by * r)
}

/// `set`: `p'(y) = p(y) + r(y) * (value(y) - p(y))`.
#[inline(always)]
pub fn set(p: f64, value: f64, r: f64) -> f64 {
    p + r * (value - p)
}

/// `add`: `p'(y) = p(y) + r(y) * amount(y)`.
#[inline(always)]
pub fn add(p: f64, amount: f64, r: f64) -> f64 {
    p + r * amount
}

/// `shift` on one year of a share map, in place: [`shift_rows`] with one year.
///
/// `shares` holds the map's items for one year; `from` and `to` index into it (disjoint).
#[inline(always)]
pub fn shift(shares: &mut [f64], from: &[usize], to: &[usize], amount: f64, r: f64) {
    let items: Vec<usize> = (0..shares.len()).collect();
    let mut scratch = [0.0; 3];
    shift_rows(shares, 1, &items, from, to, amount, &[r], &mut scratch);
}

/// `shift` on a share map over all years at once, in place (MODEL.md §9): the only
/// implementation of the lever.
///
/// Item `i`'s share in year `y` is `shares[items[i] * n + y]` (one row of `n` years per
/// item); `from` and `to` index `items` (disjoint, `to` not empty); `r` holds the ramp
/// weight of every year. Per year, with the sums taken before the change:
/// `m = min(amount * r, Σ_from s)` (0 when `Σ_from s ≤ 0`); each `from` item loses
/// `m * s_i / Σ_from s`; each `to` item gains `m * s_j / Σ_to s`, or `m / len(to)` when
/// `Σ_to s = 0`. `scratch` holds at least `3 * n` values.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub fn shift_rows(
    shares: &mut [f64],
    n: usize,
    items: &[usize],
    from: &[usize],
    to: &[usize],
    amount: f64,
    r: &[f64],
    scratch: &mut [f64],
) {
    let (sum_from, rest) = scratch.split_at_mut(n);
    let (sum_to, rest) = rest.split_at_mut(n);
    let moved = &mut rest[..n];
    // Before the first year with a weight nothing moves (`m = 0`): those years are left
    // as they are, and `moved` is 0 there.
    let y0 = r.iter().take(n).position(|&w| w != 0.0).unwrap_or(n);
    moved[..y0].fill(0.0);
    if let ([i], [j]) = (from, to) {
        if items[*i] != items[*j] {
            shift_one_to_one(shares, n, (items[*i], items[*j]), y0, amount, r, moved);
            return;
        }
    }
    let (sum_from, sum_to, moved) = (&mut sum_from[y0..], &mut sum_to[y0..], &mut moved[y0..]);
    sum_from.fill(0.0);
    sum_to.fill(0.0);
    let row = |i: usize| items[i] * n + y0..items[i] * n + n;
    for &i in from {
        let x = &shares[row(i)];
        sum_from.iter_mut().zip(x).for_each(|(a, x)| *a += x);
    }
    for &j in to {
        let x = &shares[row(j)];
        sum_to.iter_mut().zip(x).for_each(|(a, x)| *a += x);
    }
    // `min(amount × r, Σ_from)` written as a comparison (the same value, NaN included:
    // `f64::min` returns the other argument, as the comparison does), so that it vectorises.
    for ((m, sf), r) in moved.iter_mut().zip(sum_from.iter()).zip(&r[y0..]) {
        let a = amount * r;
        let least = if a < *sf { a } else { *sf };
        *m = if *sf > 0.0 { least } else { 0.0 };
    }
    // Without branches, so that the loops vectorise: a year with `m = 0` keeps its value
    // (the quotient computed for it is not used).
    for &i in from {
        take_share(&mut shares[row(i)], moved, sum_from);
    }
    let len = to.len() as f64;
    for &j in to {
        give_share(&mut shares[row(j)], moved, sum_to, len);
    }
}

/// [`shift_rows`] with one `from` row `f` and one `to` row `t` (`f ≠ t`), years `y0..n`, in
/// one pass: the same operations on the same values as the general loops (each sum is
/// `0 + s`, as the general sums start from 0), so the same bits.
#[inline(always)]
fn shift_one_to_one(
    shares: &mut [f64],
    n: usize,
    (f, t): (usize, usize),
    y0: usize,
    amount: f64,
    r: &[f64],
    moved: &mut [f64],
) {
    let (x_from, x_to) = if f < t {
        let (lo, hi) = shares.split_at_mut(t * n);
        (&mut lo[f * n + y0..f * n + n], &mut hi[y0..n])
    } else {
        let (lo, hi) = shares.split_at_mut(f * n);
        (&mut hi[y0..n], &mut lo[t * n + y0..t * n + n])
    };
    let k = x_from.len();
    let (x_to, r, moved) = (&mut x_to[..k], &r[y0..y0 + k], &mut moved[y0..y0 + k]);
    for y in 0..k {
        let (v, w) = (x_from[y], x_to[y]);
        let sf = 0.0 + v;
        let st = 0.0 + w;
        let a = amount * r[y];
        let least = if a < sf { a } else { sf };
        let m = if sf > 0.0 { least } else { 0.0 };
        moved[y] = m;
        let next = v - m * v / sf;
        x_from[y] = if m != 0.0 { next } else { v };
        // `m / len(to)` with one `to` item is `m`.
        let gain = if st > 0.0 { m * w / st } else { m };
        let next = w + gain;
        x_to[y] = if m != 0.0 { next } else { w };
    }
}

/// `x -= m * x / Σ_from` where `m ≠ 0` (the `from` side of [`shift_rows`]).
#[inline(always)]
fn take_share(x: &mut [f64], moved: &[f64], sum_from: &[f64]) {
    let k = x.len();
    let (moved, sum_from) = (&moved[..k], &sum_from[..k]);
    for y in 0..k {
        let (v, m) = (x[y], moved[y]);
        let next = v - m * v / sum_from[y];
        x[y] = if m != 0.0 { next } else { v };
    }
}

/// `x += m * x / Σ_to` (or `m / len(to)` when `Σ_to = 0`) where `m ≠ 0` (the `to` side of
/// [`shift_rows`]).
#[inline(always)]
fn give_share(x: &mut [f64], moved: &[f64], sum_to: &[f64], len: f64) {
    let k = x.len();
    let (moved, sum_to) = (&moved[..k], &sum_to[..k]);
    for y in 0..k {
        let (v, m, st) = (x[y], moved[y], sum_to[y]);
        let gain = if st > 0.0 { m * v / st } else { m / len };
        let next = v + gain;
        x[y] = if m != 0.0 { next } else { v };
    }
}

/// The fraction `k = asked / available` that an absolute change takes from every part when
/// it is spread over the parts in proportion to their size (`save`, `switch`: each leaf's
/// final energy of a fuel becomes `FE * (1 - k)`). `None` when `asked` exceeds
/// `available` (beyond a relative 1e-9 of rounding); 0 when nothing is asked.
#[inline(always)]
pub fn proportional_share(asked: f64, available: f64) -> Option<f64> {
    if asked <= 0.0 {
        Some(0.0)
    } else if asked <= available {
        Some(asked / available)
    } else if asked <= available * (1.0 + 1e-9) {
        Some(1.0)
    } else {
        None
    }
}

/// `set` on one year of a share map, in place: `s'(i) = s(i) + r * (value(i) - s(i))`, where
/// `value` has one entry per item of `shares` (absent items are 0).
#[inline(always)]
pub fn set_map(shares: &mut [f64], value: &[f64], r: f64) {
    for (s, v) in shares.iter_mut().zip(value) {
        *s += r * (v - *s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_weights_match_the_spec() {
        let lin = Schedule {
            start: 2022,
            full: 2030,
            ramp: Ramp::Linear,
            until: None,
        };
        assert_eq!(lin.weight(2021), 0.0);
        assert_eq!(lin.weight(2022), 0.0);
        assert_eq!(lin.weight(2026), 0.5);
        assert_eq!(lin.weight(2030), 1.0);
        assert_eq!(lin.weight(2040), 1.0);
        // s-curve at x = 0.25: 3/16 - 2/64 = 0.15625.
        let s = Schedule {
            start: 2020,
            full: 2024,
            ramp: Ramp::SCurve,
            until: None,
        };
        assert!((s.weight(2021) - 0.15625).abs() < 1e-15);
        assert_eq!(s.weight(2022), 0.5);
        // step: 1 from start on, whatever `full` says.
        let st = Schedule {
            start: 2025,
            full: 2030,
            ramp: Ramp::Step,
            until: None,
        };
        assert_eq!(st.weight(2024), 0.0);
        assert_eq!(st.weight(2025), 1.0);
        // full = start: x = 1 from start on.
        let same = Schedule {
            start: 2025,
            full: 2025,
            ramp: Ramp::Linear,
            until: None,
        };
        assert_eq!(same.weight(2024), 0.0);
        assert_eq!(same.weight(2025), 1.0);
        // until: a plant of 2025 with a 20-year lifetime runs 2025..=2044.
        let plant = Schedule {
            until: Some(2045),
            ..same
        };
        assert_eq!(plant.weight(2044), 1.0);
        assert_eq!(plant.weight(2045), 0.0);
        assert_eq!(plant.weight(2060), 0.0);
    }

    #[test]
    fn series_levers() {
        assert_eq!(scale(10.0, -0.2, 0.5), 9.0); // 10 * (1 - 0.1)
        assert_eq!(set(10.0, 4.0, 0.25), 8.5); // 10 + 0.25 * (4 - 10)
        assert_eq!(add(10.0, 4.0, 0.25), 11.0);
    }

    #[test]
    fn shift_moves_share_points_proportionally() {
        // car 0.75, motorcycle 0.10, bus 0.15; shift 0.2 * 0.5 = 0.1 from car+moto to bus.
        let mut s = [0.75, 0.10, 0.15];
        shift(&mut s, &[0, 1], &[2], 0.2, 0.5);
        assert!((s[0] - (0.75 - 0.1 * 0.75 / 0.85)).abs() < 1e-15);
        assert!((s[1] - (0.10 - 0.1 * 0.10 / 0.85)).abs() < 1e-15);
        assert!((s[2] - 0.25).abs() < 1e-15);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn shift_is_capped_and_splits_evenly_into_empty_targets() {
        let mut s = [0.1, 0.9, 0.0, 0.0];
        shift(&mut s, &[0], &[2, 3], 0.5, 1.0);
        // 0.1 - 0.1 * 0.1 / 0.1 leaves a rounding residue of order 1e-17.
        for (got, want) in s.iter().zip([0.0, 0.9, 0.05, 0.05]) {
            assert!((got - want).abs() < 1e-15, "{s:?}");
        }
        // Nothing moves when the `from` items are empty.
        let mut z = [0.0, 1.0];
        shift(&mut z, &[0], &[1], 0.5, 1.0);
        assert_eq!(z, [0.0, 1.0]);
    }

    #[test]
    fn one_to_one_shift_gives_the_bits_of_the_general_loops() {
        // Rows: 0 from, 1 to, 2 zeros (a second `from` item that forces the general loops
        // without changing Σ_from: 0 + s + 0 = s), 3 another `to` with share 0 in the
        // one-to-one case. Values with rounding in every quotient, a year with Σ_to = 0 and
        // one with Σ_from = 0, weights from 0 to past the cap.
        let n = 7;
        let from = [0.3, 0.1, 0.0, 0.7, 1.0 / 3.0, 0.25, 0.9];
        let to = [0.2, 0.0, 0.4, 0.3, 2.0 / 3.0, 0.0, 0.1];
        let r = [0.0, 0.5, 1.0, 0.37, 0.9, 2.0, 0.61];
        for amount in [0.05, 0.3, 1.0] {
            let mut one = [from, to, [0.0; 7]].concat();
            let mut general = one.clone();
            let mut s1 = vec![0.0; 3 * n];
            let mut s2 = vec![0.0; 3 * n];
            shift_rows(&mut one, n, &[0, 1, 2], &[0], &[1], amount, &r, &mut s1);
            shift_rows(
                &mut general,
                n,
                &[0, 1, 2],
                &[0, 2],
                &[1],
                amount,
                &r,
                &mut s2,
            );
            for (a, b) in one.iter().zip(&general) {
                assert_eq!(a.to_bits(), b.to_bits(), "amount {amount}");
            }
            // The share points moved (`scratch[2n..3n]`, read by `divert`) are the same too.
            assert_eq!(s1[2 * n..], s2[2 * n..]);
            // And something moved: 0.3 → 0.3 - min(0.05 * 0, ..) in year 0 (nothing), year 2
            // has Σ_from = 0 (nothing), year 1 moves min(amount * 0.5, 0.1).
            assert_eq!(one[0], 0.3);
            assert_eq!(one[2], 0.0);
            assert!((one[1] - (0.1 - (amount * 0.5f64).min(0.1))).abs() < 1e-15);
        }
    }

    #[test]
    fn shift_rows_is_shift_year_by_year() {
        // Two years, three items stored as rows (a, b, c); shift 0.3 from a to b and c with
        // r = [0.5, 1.0]: year 0 moves 0.15, year 1 moves min(0.3, 0.2) = 0.2 (all of a).
        let mut rows = [0.6, 0.2, 0.3, 0.4, 0.1, 0.4];
        let mut scratch = [0.0; 6];
        shift_rows(
            &mut rows,
            2,
            &[0, 1, 2],
            &[0],
            &[1, 2],
            0.3,
            &[0.5, 1.0],
            &mut scratch,
        );
        for (y, r) in [0.5, 1.0].into_iter().enumerate() {
            let mut one = [[0.6, 0.2], [0.3, 0.4], [0.1, 0.4]].map(|x| x[y]);
            shift(&mut one, &[0], &[1, 2], 0.3, r);
            for i in 0..3 {
                assert_eq!(rows[i * 2 + y], one[i], "item {i}, year {y}");
            }
        }
        // Year 0: a 0.6 − 0.15 = 0.45; b 0.3 + 0.15 × 0.3/0.4 = 0.4125; c 0.1 + 0.0375.
        assert!((rows[0] - 0.45).abs() < 1e-15);
        assert!((rows[2] - 0.4125).abs() < 1e-15);
        assert!((rows[4] - 0.1375).abs() < 1e-15);
        // Year 1: a is emptied; the sum stays 1.
        assert!(rows[1].abs() < 1e-15);
        assert!((rows[1] + rows[3] + rows[5] - 1.0).abs() < 1e-15);
    }

    #[test]
    fn proportional_share_of_an_absolute_change() {
        // 12 GWh of 48 GWh: a quarter of each part.
        assert_eq!(proportional_share(12.0, 48.0), Some(0.25));
        assert_eq!(proportional_share(0.0, 0.0), Some(0.0));
        assert_eq!(proportional_share(48.0, 48.0), Some(1.0));
        assert_eq!(proportional_share(49.0, 48.0), None);
        assert_eq!(proportional_share(1.0, 0.0), None);
    }

    #[test]
    fn set_map_moves_toward_the_value() {
        let mut s = [0.8, 0.2];
        set_map(&mut s, &[1.0, 0.0], 0.5);
        assert_eq!(s, [0.9, 0.1]);
    }
}
