//! Charts of a Monte Carlo ensemble (`lcs ensemble`, `lcs merge`; docs/UNCERTAINTY.md):
//! a fan chart of an output over the years (P5–P95, P25–P75, median) and a histogram of
//! its samples in a target year. They take plain numbers, which the binary reads from
//! `lcs-uncertainty`'s statistics (this crate does not depend on it).

use crate::charts::{Band, Dash, Histogram, Line, Mark, Plot};
use crate::tables::display_number;

/// The percentiles of one output over the years.
#[derive(Clone, Debug, PartialEq)]
pub struct Fan {
    /// Scenario id.
    pub scenario: String,
    /// The output variable (`Emissions|CO2e`).
    pub variable: String,
    /// Its unit.
    pub unit: String,
    /// The years.
    pub years: Vec<i32>,
    /// P5, P25, P50, P75, P95 per year (`None` where the output has no value).
    pub percentiles: Vec<[Option<f64>; 5]>,
    /// The number of samples.
    pub samples: u64,
    /// Lines under the legend (target probabilities).
    pub notes: Vec<String>,
}

/// A file stem from a kind and a variable: `fan-emissions-co2e`.
pub fn chart_stem(kind: &str, variable: &str) -> String {
    let mut s = format!("{kind}-");
    let mut dash = false;
    for ch in variable.chars() {
        if ch.is_ascii_alphanumeric() {
            s.push(ch.to_ascii_lowercase());
            dash = false;
        } else if !dash {
            s.push('-');
            dash = true;
        }
    }
    s.trim_end_matches('-').to_string()
}

/// The fan chart: a light band P5–P95, a darker band P25–P75 and the median line, over
/// the years where every percentile is defined.
pub fn fan_chart(f: &Fan) -> Plot {
    let keep: Vec<usize> = (0..f.years.len())
        .filter(|&i| f.percentiles[i].iter().all(Option::is_some))
        .collect();
    let pick = |k: usize| -> Vec<f64> {
        keep.iter()
            .map(|&i| f.percentiles[i][k].unwrap_or(f64::NAN))
            .collect()
    };
    let blue = (31, 119, 180);
    Plot {
        name: chart_stem("fan", &f.variable),
        title: format!("{}: {} ({} samples)", f.scenario, f.variable, f.samples),
        y_label: format!("{} ({})", f.variable, f.unit),
        years: keep.iter().map(|&i| f.years[i]).collect(),
        bands: vec![
            Band {
                label: "P5–P95 (90 % of samples)".into(),
                color: blue,
                opacity: 0.22,
                lower: pick(0),
                upper: pick(4),
                negative: false,
            },
            Band {
                label: "P25–P75 (50 % of samples)".into(),
                color: blue,
                opacity: 0.45,
                lower: pick(1),
                upper: pick(3),
                negative: false,
            },
        ],
        lines: vec![Line {
            label: "median (P50)".into(),
            color: (8, 48, 107),
            values: pick(2).into_iter().map(Some).collect(),
            dash: Dash::Solid,
            mark: Mark::None,
        }],
        markers: Vec::new(),
        y_range: None,
        legend_notes: f.notes.clone(),
    }
}

/// The histogram of an output's samples in one year, with its median and P5/P95 marked.
#[allow(clippy::too_many_arguments)]
pub fn histogram_chart(
    scenario: &str,
    variable: &str,
    unit: &str,
    year: i32,
    edges: Vec<f64>,
    counts: Vec<u64>,
    percentiles: [Option<f64>; 5],
    notes: Vec<String>,
) -> Histogram {
    let mut lines = Vec::new();
    for (label, k, color) in [
        ("P5", 0, (120, 120, 120)),
        ("median (P50)", 2, (214, 39, 40)),
        ("P95", 4, (120, 120, 120)),
    ] {
        if let Some(v) = percentiles[k] {
            lines.push((
                format!("{label}: {} {unit}", display_number(v, false)),
                v,
                color,
            ));
        }
    }
    Histogram {
        name: format!("{}-{year}", chart_stem("histogram", variable)),
        title: format!("{scenario}: {variable} in {year}"),
        x_label: format!("{variable} in {year} ({unit})"),
        edges,
        counts,
        lines,
        legend_notes: notes,
    }
}

/// `n` equal bins from `min` to `max` (one bin of width 1 around a constant).
pub fn bin_edges(min: f64, max: f64, n: usize) -> Vec<f64> {
    let n = n.max(1);
    let (lo, hi) = if max > min {
        (min, max)
    } else {
        (min - 0.5, min + 0.5)
    };
    (0..=n)
        .map(|j| lo + (hi - lo) * j as f64 / n as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::render;

    #[test]
    fn fan_and_histogram_render_with_their_bands_and_lines() {
        let f = Fan {
            scenario: "cm".into(),
            variable: "Emissions|CO2e".into(),
            unit: "kt CO2e/yr".into(),
            years: vec![2020, 2021, 2022],
            percentiles: vec![
                [Some(9.0), Some(9.5), Some(10.0), Some(10.5), Some(11.0)],
                [Some(8.0), Some(9.0), Some(10.0), Some(11.0), Some(12.0)],
                [None, None, None, None, None],
            ],
            samples: 100,
            notes: vec!["target t (2021): met in 40 % of samples".into()],
        };
        let p = fan_chart(&f);
        assert_eq!(p.name, "fan-emissions-co2e");
        assert_eq!(p.years, vec![2020, 2021], "years without values left out");
        assert_eq!(p.bands[0].upper, vec![11.0, 12.0]);
        let c = render(&p, 300).expect("renders");
        assert!(c.svg.contains("P5–P95"));
        assert_eq!(c.png_size.0, 2400);
        let edges = bin_edges(0.0, 10.0, 5);
        assert_eq!(edges, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let h = histogram_chart(
            "cm",
            "Emissions|CO2e",
            "kt CO2e/yr",
            2030,
            edges,
            vec![1, 4, 10, 4, 1],
            [Some(2.0), Some(4.0), Some(5.0), Some(6.0), Some(8.0)],
            vec![],
        );
        assert_eq!(h.name, "histogram-emissions-co2e-2030");
        let c = render(&h, 150).expect("renders");
        assert!(c.svg.contains("median (P50): 5.00 kt CO2e/yr"));
    }
}
