//! Numeric series forms (MODEL.md §3): `points` with `interp`, and
//! `base` with `growth`.
//!
//! Both return one value per model year, `first_year..=last_year`, index
//! `y - first_year`. They are unit-free: values come in and go out in the
//! same unit (the caller converts to base units before or after).
//!
//! - points: before the first point the first value, after the last the last
//!   value; `linear` interpolates linearly between adjacent points, `step`
//!   holds the latest point at or before `y`, `cagr` interpolates
//!   geometrically, `v1 * (v2/v1)^((y-y1)/(y2-y1))` (all values > 0).
//! - growth: `v(y0) = base`, `v(y) = v(y-1) * (1 + g(y-1))`, where `g(x)` is
//!   the rate at the largest key ≤ `x`; the smallest key must be ≤ `y0`.

use std::fmt;
use std::str::FromStr;

/// Longest series accepted, in years, so that no input can demand a huge
/// allocation.
pub const MAX_YEARS: i64 = 100_000;

/// How `points` are interpolated between adjacent points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Interp {
    /// Straight line between adjacent points (the default).
    #[default]
    Linear,
    /// The latest point at or before the year.
    Step,
    /// Constant annual growth rate between adjacent points (values > 0).
    Cagr,
}

impl Interp {
    /// Reads `"linear"`, `"step"` or `"cagr"`.
    pub fn parse(text: &str) -> Option<Interp> {
        match text {
            "linear" => Some(Interp::Linear),
            "step" => Some(Interp::Step),
            "cagr" => Some(Interp::Cagr),
            _ => None,
        }
    }

    /// The name as written in YAML.
    pub fn name(self) -> &'static str {
        match self {
            Interp::Linear => "linear",
            Interp::Step => "step",
            Interp::Cagr => "cagr",
        }
    }
}

impl FromStr for Interp {
    type Err = SeriesError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Interp::parse(s).ok_or_else(|| {
            SeriesError(format!(
                "unknown interpolation `{s}`; expected `linear`, `step` or `cagr`"
            ))
        })
    }
}

impl fmt::Display for Interp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a series could not be built; the message has no trailing period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesError(pub String);

impl fmt::Display for SeriesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SeriesError {}

fn fail<T>(message: String) -> Result<T, SeriesError> {
    Err(SeriesError(message))
}

fn check_years(first_year: i32, last_year: i32) -> Result<(), SeriesError> {
    if first_year > last_year {
        return fail(format!(
            "first year {first_year} is after last year {last_year}"
        ));
    }
    if i64::from(last_year) - i64::from(first_year) >= MAX_YEARS {
        return fail(format!(
            "{first_year}..{last_year} is longer than {MAX_YEARS} years"
        ));
    }
    Ok(())
}

/// Sorts `(year, value)` pairs by year; duplicate years and non-finite
/// values are errors. `what` names the items in messages.
fn sorted(pairs: &[(i32, f64)], what: &str) -> Result<Vec<(i32, f64)>, SeriesError> {
    if pairs.is_empty() {
        return fail(format!("no {what} given"));
    }
    let mut v = pairs.to_vec();
    v.sort_by_key(|p| p.0);
    for w in v.windows(2) {
        if w[0].0 == w[1].0 {
            return fail(format!("year {} is given twice in the {what}", w[0].0));
        }
    }
    if let Some((y, x)) = v.iter().find(|p| !p.1.is_finite()) {
        return fail(format!(
            "the {what} value at {y} is not a finite number ({x})"
        ));
    }
    Ok(v)
}

/// One value per year in `first_year..=last_year` from `points` (any order;
/// duplicate years are an error) interpolated by `interp`.
///
/// Before the first point: the first value; after the last: the last value.
/// `Cagr` needs every value > 0.
pub fn interpolate(
    points: &[(i32, f64)],
    interp: Interp,
    first_year: i32,
    last_year: i32,
) -> Result<Vec<f64>, SeriesError> {
    check_years(first_year, last_year)?;
    let pts = sorted(points, "points")?;
    if interp == Interp::Cagr {
        if let Some((y, v)) = pts.iter().find(|p| p.1 <= 0.0) {
            return fail(format!(
                "`cagr` needs every point > 0, but the value at {y} is {v}"
            ));
        }
    }
    let mut out = Vec::new();
    // `seg` is the index of the latest point at or before the year.
    let mut seg = 0usize;
    for y in first_year..=last_year {
        while seg + 1 < pts.len() && pts[seg + 1].0 <= y {
            seg += 1;
        }
        let (y1, v1) = pts[seg];
        let v = if y <= y1 {
            // At a point, or before the first one.
            v1
        } else if let Some(&(y2, v2)) = pts.get(seg + 1) {
            // Year gaps in i64: no overflow for any i32 years.
            let t = (i64::from(y) - i64::from(y1)) as f64 / (i64::from(y2) - i64::from(y1)) as f64;
            match interp {
                Interp::Linear => v1 + (v2 - v1) * t,
                Interp::Step => v1,
                Interp::Cagr => v1 * (v2 / v1).powf(t),
            }
        } else {
            // After the last point.
            v1
        };
        out.push(v);
    }
    Ok(out)
}

/// One value per year in `first_year..=last_year`:
/// `v(first_year) = base`, `v(y) = v(y-1) * (1 + g(y-1))`, where `g(x)` is the
/// rate at the largest key ≤ `x` in `rates` (any order; duplicate years are
/// an error). The smallest key must be ≤ `first_year`. A constant rate `g`
/// is `&[(first_year, g)]`. Rates are fractions per year (0.05 = 5 %/yr).
pub fn grow(
    base: f64,
    rates: &[(i32, f64)],
    first_year: i32,
    last_year: i32,
) -> Result<Vec<f64>, SeriesError> {
    check_years(first_year, last_year)?;
    if !base.is_finite() {
        return fail(format!("the base value {base} is not a finite number"));
    }
    let rates = sorted(rates, "growth rates")?;
    let (first_key, _) = rates[0];
    if first_key > first_year {
        return fail(format!(
            "the first growth rate is for {first_key}, after the base year {first_year}; \
             the smallest year must be at or before it"
        ));
    }
    let mut out = Vec::new();
    let mut v = base;
    out.push(v);
    let mut idx = 0usize;
    for x in first_year..last_year {
        while idx + 1 < rates.len() && rates[idx + 1].0 <= x {
            idx += 1;
        }
        v *= 1.0 + rates[idx].1;
        out.push(v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    fn assert_all_close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(close(*g, *w), "index {i}: {g} vs {w}");
        }
    }

    #[test]
    fn linear_holds_ends_and_interpolates() {
        // Points 2020: 10, 2024: 30 (unsorted input); 2018..2026.
        // 2021 = 10 + 20 * 1/4 = 15; 2022 = 20; 2023 = 25.
        let v = interpolate(&[(2024, 30.0), (2020, 10.0)], Interp::Linear, 2018, 2026).unwrap();
        assert_all_close(&v, &[10.0, 10.0, 10.0, 15.0, 20.0, 25.0, 30.0, 30.0, 30.0]);
    }

    #[test]
    fn step_holds_latest_point() {
        let pts = [(2020, 1.0), (2022, 5.0), (2025, 2.0)];
        let v = interpolate(&pts, Interp::Step, 2019, 2026).unwrap();
        assert_eq!(v, vec![1.0, 1.0, 1.0, 5.0, 5.0, 5.0, 2.0, 2.0]);
    }

    #[test]
    fn cagr_is_geometric() {
        // 100 in 2020, 121 in 2022: 10 %/yr, so 2021 = 110.
        let v = interpolate(&[(2020, 100.0), (2022, 121.0)], Interp::Cagr, 2020, 2023).unwrap();
        assert_all_close(&v, &[100.0, 110.0, 121.0, 121.0]);
        let e = interpolate(&[(2020, 0.0), (2022, 1.0)], Interp::Cagr, 2020, 2023).unwrap_err();
        assert!(e.0.contains("> 0"), "{e}");
    }

    #[test]
    fn single_point_is_constant() {
        let v = interpolate(&[(2030, 7.0)], Interp::Linear, 2020, 2022).unwrap();
        assert_eq!(v, vec![7.0; 3]);
    }

    #[test]
    fn interpolate_errors() {
        assert!(interpolate(&[], Interp::Linear, 2020, 2030).is_err());
        let dup = interpolate(&[(2020, 1.0), (2020, 2.0)], Interp::Linear, 2020, 2030);
        assert!(dup.unwrap_err().0.contains("twice"));
        assert!(interpolate(&[(2020, f64::NAN)], Interp::Linear, 2020, 2030).is_err());
        assert!(interpolate(&[(2020, 1.0)], Interp::Linear, 2030, 2020).is_err());
        assert!(interpolate(&[(2020, 1.0)], Interp::Linear, i32::MIN, i32::MAX).is_err());
    }

    #[test]
    fn growth_with_rate_map() {
        // {2020: 0.05, 2025: 0.04} from 2020: v(2025) = 5000 * 1.05^5 (rates of
        // 2020..2024), v(2026) = 5000 * 1.05^5 * 1.04.
        let v = grow(5000.0, &[(2025, 0.04), (2020, 0.05)], 2020, 2030).unwrap();
        assert_eq!(v.len(), 11);
        assert_eq!(v[0], 5000.0);
        assert!(close(v[1], 5250.0));
        assert!(close(v[5], 5000.0 * 1.05_f64.powi(5)));
        assert!(close(v[6], 5000.0 * 1.05_f64.powi(5) * 1.04));
        assert!(close(v[10], 5000.0 * 1.05_f64.powi(5) * 1.04_f64.powi(5)));
    }

    #[test]
    fn growth_constant_and_earlier_key() {
        let v = grow(100.0, &[(2020, 0.1)], 2020, 2022).unwrap();
        assert_all_close(&v, &[100.0, 110.0, 121.0]);
        // A key before the base year applies from the start.
        let v = grow(100.0, &[(2000, 0.1)], 2020, 2021).unwrap();
        assert_all_close(&v, &[100.0, 110.0]);
        assert_eq!(grow(3.0, &[(2020, 0.5)], 2020, 2020).unwrap(), vec![3.0]);
    }

    #[test]
    fn growth_errors() {
        let e = grow(5000.0, &[(2021, 0.05)], 2020, 2030).unwrap_err();
        assert!(e.0.contains("2021") && e.0.contains("2020"), "{e}");
        assert!(grow(5000.0, &[], 2020, 2030).is_err());
        assert!(grow(f64::INFINITY, &[(2020, 0.0)], 2020, 2030).is_err());
        assert!(grow(1.0, &[(2020, 0.1), (2020, 0.2)], 2020, 2030).is_err());
    }

    #[test]
    fn interp_names() {
        for i in [Interp::Linear, Interp::Step, Interp::Cagr] {
            assert_eq!(i.name().parse::<Interp>(), Ok(i));
        }
        assert!("Linear".parse::<Interp>().is_err());
        assert_eq!(Interp::default(), Interp::Linear);
    }
}
