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
//! ```
//! use lcs_levers::{Ramp, Schedule};
//! let s = Schedule { start: 2020, full: 2030, ramp: Ramp::Linear };
//! assert_eq!(s.weight(2025), 0.5);
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
}

/// A measure's schedule: years `start ≤ full` and a ramp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// First year with any effect (for `step`, the year it takes full effect).
    pub start: i32,
    /// First year of full effect (`full ≥ start`).
    pub full: i32,
    /// The ramp shape.
    pub ramp: Ramp,
}

impl Schedule {
    /// Ramp weight `r(y)` in `[0, 1]` (MODEL.md §9):
    /// `x = clamp((y - start) / (full - start), 0, 1)`, and `x = 1` for `y ≥ start` when
    /// `full = start`; `linear` r = x; `step` r = 1 for `y ≥ start`, else 0;
    /// `s-curve` r = 3x² − 2x³.
    pub fn weight(&self, year: i32) -> f64 {
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
#[inline]
pub fn scale(p: f64, by: f64, r: f64) -> f64 {
    p * (1.0 + by * r)
}

/// `set`: `p'(y) = p(y) + r(y) * (value(y) - p(y))`.
#[inline]
pub fn set(p: f64, value: f64, r: f64) -> f64 {
    p + r * (value - p)
}

/// `add`: `p'(y) = p(y) + r(y) * amount(y)`.
#[inline]
pub fn add(p: f64, amount: f64, r: f64) -> f64 {
    p + r * amount
}

/// `shift` on one year of a share map, in place.
///
/// `shares` holds the map's items for one year; `from` and `to` index into it (disjoint).
/// `m = min(amount * r, Σ_from s)`; each `from` item loses `m * s_i / Σ_from s`; each `to`
/// item gains `m * s_j / Σ_to s`, or `m / len(to)` when `Σ_to s = 0`; nothing moves when
/// `Σ_from s = 0`.
pub fn shift(shares: &mut [f64], from: &[usize], to: &[usize], amount: f64, r: f64) {
    let sum_from: f64 = from.iter().map(|&i| shares[i]).sum();
    if sum_from <= 0.0 || to.is_empty() {
        return;
    }
    let m = (amount * r).min(sum_from);
    if m == 0.0 {
        return;
    }
    let sum_to: f64 = to.iter().map(|&j| shares[j]).sum();
    for &i in from {
        shares[i] -= m * shares[i] / sum_from;
    }
    if sum_to > 0.0 {
        // Read the `to` shares before changing any of them.
        for &j in to {
            shares[j] += m * shares[j] / sum_to;
        }
    } else {
        let each = m / to.len() as f64;
        for &j in to {
            shares[j] += each;
        }
    }
}

/// `set` on one year of a share map, in place: `s'(i) = s(i) + r * (value(i) - s(i))`, where
/// `value` has one entry per item of `shares` (absent items are 0).
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
        };
        assert!((s.weight(2021) - 0.15625).abs() < 1e-15);
        assert_eq!(s.weight(2022), 0.5);
        // step: 1 from start on, whatever `full` says.
        let st = Schedule {
            start: 2025,
            full: 2030,
            ramp: Ramp::Step,
        };
        assert_eq!(st.weight(2024), 0.0);
        assert_eq!(st.weight(2025), 1.0);
        // full = start: x = 1 from start on.
        let same = Schedule {
            start: 2025,
            full: 2025,
            ramp: Ramp::Linear,
        };
        assert_eq!(same.weight(2024), 0.0);
        assert_eq!(same.weight(2025), 1.0);
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
    fn set_map_moves_toward_the_value() {
        let mut s = [0.8, 0.2];
        set_map(&mut s, &[1.0, 0.0], 0.5);
        assert_eq!(s, [0.9, 0.1]);
    }
}
