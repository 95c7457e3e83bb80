//! Sensitivity reports (`lcs sensitivity`, docs/UNCERTAINTY.md): a tornado chart of
//! indices per parameter (largest on top, with confidence whiskers) and an index table
//! as CSV and Markdown.

use crate::charts::{draw_error, font, Chart, ChartError};
use crate::output::{field, num};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One parameter's bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Parameter id.
    pub label: String,
    /// The main index (Sobol ST, Morris mu*): the bar.
    pub value: f64,
    /// Its confidence half-width (a whisker).
    pub conf: Option<f64>,
    /// A second index drawn inside the bar (Sobol S1, Morris sigma).
    pub inner: Option<f64>,
}

/// A tornado chart's content.
#[derive(Clone, Debug)]
pub struct Tornado {
    /// File stem.
    pub name: String,
    /// Title.
    pub title: String,
    /// Axis label, e.g. `Sobol index`.
    pub x_label: String,
    /// Legend text for the bar and the inner bar.
    pub legend: (String, Option<String>),
    /// Bars (drawn sorted, largest value on top).
    pub bars: Vec<Bar>,
}

const W: u32 = 1200;
const ROW: u32 = 40;

fn sorted(t: &Tornado) -> Vec<Bar> {
    let mut b = t.bars.clone();
    b.sort_by(|x, y| y.value.total_cmp(&x.value).then(x.label.cmp(&y.label)));
    b
}

fn px(v: f64, k: f64) -> i32 {
    (v * k).round() as i32
}

impl crate::charts::Drawable for Tornado {
    fn name(&self) -> &str {
        &self.name
    }
    fn title(&self) -> &str {
        &self.title
    }
    fn size(&self) -> (u32, u32) {
        (W, 140 + ROW * self.bars.len().max(1) as u32)
    }
    fn legend(&self) -> Vec<String> {
        let mut v = vec![self.legend.0.clone()];
        v.extend(self.legend.1.clone());
        v
    }
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), ChartError> {
        draw(root, self, k)
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: &Tornado,
    k: f64,
) -> Result<(), ChartError> {
    let err = draw_error::<DB::ErrorType>;
    root.fill(&WHITE).map_err(err)?;
    let bars = sorted(t);
    let n = bars.len().max(1);
    let mut hi = 0.0f64;
    let mut lo = 0.0f64;
    for b in &bars {
        let top = b.value + b.conf.unwrap_or(0.0);
        let bottom = (b.value - b.conf.unwrap_or(0.0)).min(b.inner.unwrap_or(0.0));
        if top.is_finite() {
            hi = hi.max(top);
        }
        if bottom.is_finite() {
            lo = lo.min(bottom);
        }
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = 0.05 * (hi - lo);
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    let fmt_y = |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-9 && i >= 0.0 && (i as usize) < n {
            labels[n - 1 - i as usize].clone()
        } else {
            String::new()
        }
    };
    let longest = labels
        .iter()
        .map(|l| font(16.0 * k).box_size(l).map(|b| b.0).unwrap_or(100))
        .max()
        .unwrap_or(100);
    let mut chart = ChartBuilder::on(root)
        .caption(&t.title, font(22.0 * k))
        .margin(px(16.0, k))
        .x_label_area_size(px(56.0, k))
        .y_label_area_size(longest as i32 + px(24.0, k))
        .build_cartesian_2d((lo - pad)..(hi + pad), -0.6f64..(n as f64 - 0.4))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(t.x_label.as_str())
        .y_labels(2 * n + 1)
        .y_label_formatter(&fmt_y)
        .disable_y_mesh()
        .label_style(font(16.0 * k))
        .axis_desc_style(font(16.0 * k))
        .light_line_style(RGBColor(240, 240, 240))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .map_err(err)?;
    let main = RGBColor(31, 119, 180);
    let second = RGBColor(255, 127, 14);
    for (j, b) in bars.iter().enumerate() {
        let y = (n - 1 - j) as f64;
        if b.value.is_finite() {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.35), (b.value, y + 0.35)],
                    main.mix(0.85).filled(),
                )))
                .map_err(err)?;
        }
        if let Some(v) = b.inner.filter(|v| v.is_finite()) {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.15), (v, y + 0.15)],
                    second.filled(),
                )))
                .map_err(err)?;
        }
        if let Some(c) = b.conf.filter(|c| c.is_finite() && *c > 0.0) {
            let black = RGBColor(40, 40, 40).stroke_width(px(2.0, k).max(1) as u32);
            chart
                .draw_series(LineSeries::new([(b.value - c, y), (b.value + c, y)], black))
                .map_err(err)?;
            for x in [b.value - c, b.value + c] {
                chart
                    .draw_series(LineSeries::new([(x, y - 0.12), (x, y + 0.12)], black))
                    .map_err(err)?;
            }
        }
    }
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(0.0, -1.0), (0.0, -1.0)],
            main.filled(),
        )))
        .map_err(err)?
        .label(t.legend.0.as_str())
        .legend(move |(x, y)| {
            Rectangle::new(
                [(x, y - px(6.0, k)), (x + px(16.0, k), y + px(6.0, k))],
                main.filled(),
            )
        });
    if let Some(l) = &t.legend.1 {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, -1.0), (0.0, -1.0)],
                second.filled(),
            )))
            .map_err(err)?
            .label(l.as_str())
            .legend(move |(x, y)| {
                Rectangle::new(
                    [(x, y - px(3.0, k)), (x + px(16.0, k), y + px(3.0, k))],
                    second.filled(),
                )
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(200, 200, 200))
        .label_font(font(15.0 * k))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// Renders a tornado chart as SVG and PNG (at `dpi`).
pub fn render(t: &Tornado, dpi: u32) -> Result<Chart, crate::ReportError> {
    crate::charts::render(t, dpi)
}

/// The file stem of a chart for an output variable in a year: `sobol-emissions-co2e-2030`
/// (lower case, runs of other characters as one `-`).
pub fn chart_name(method: &str, variable: &str, year: i32) -> String {
    let mut s = format!("{method}-");
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
    let s = s.trim_end_matches('-').to_string();
    format!("{s}-{year}")
}

/// An index table: a header and rows of (label, numbers), written as CSV and Markdown.
#[derive(Clone, Debug)]
pub struct IndexTable {
    /// Column names after the first two (`output`, `parameter`), e.g. `S1, S1_conf, ST, ST_conf`.
    pub columns: Vec<String>,
    /// (output, parameter, values).
    pub rows: Vec<(String, String, Vec<f64>)>,
}

impl IndexTable {
    /// Sorts the rows of each output by the column `by` (largest first; ties by parameter
    /// id), keeping the outputs in their order.
    pub fn sort_by_column(&mut self, by: &str) {
        let Some(c) = self.columns.iter().position(|x| x == by) else {
            return;
        };
        let mut outputs: Vec<String> = Vec::new();
        for (o, _, _) in &self.rows {
            if !outputs.contains(o) {
                outputs.push(o.clone());
            }
        }
        let key = |v: &[f64]| {
            v.get(c)
                .copied()
                .filter(|x| x.is_finite())
                .unwrap_or(f64::NEG_INFINITY)
        };
        self.rows.sort_by(|a, b| {
            let oa = outputs.iter().position(|o| *o == a.0);
            let ob = outputs.iter().position(|o| *o == b.0);
            oa.cmp(&ob)
                .then(key(&b.2).total_cmp(&key(&a.2)))
                .then(a.1.cmp(&b.1))
        });
    }

    /// CSV text: `output,parameter,<columns>`; numbers as the shortest text that reads back.
    pub fn csv(&self) -> String {
        let mut s = String::from("output,parameter");
        for c in &self.columns {
            s.push(',');
            s.push_str(&field(c));
        }
        s.push('\n');
        for (o, p, v) in &self.rows {
            s.push_str(&format!("{},{}", field(o), field(p)));
            for x in v {
                s.push(',');
                s.push_str(&num(x.is_finite().then_some(*x)));
            }
            s.push('\n');
        }
        s
    }

    /// A Markdown pipe table (three decimals).
    pub fn markdown(&self) -> String {
        let mut s = String::from("| output | parameter |");
        for c in &self.columns {
            s.push_str(&format!(" {c} |"));
        }
        s.push_str("\n|---|---|");
        for _ in &self.columns {
            s.push_str("---:|");
        }
        s.push('\n');
        for (o, p, v) in &self.rows {
            let esc = |t: &str| t.replace('|', "\\|");
            s.push_str(&format!("| {} | {} |", esc(o), esc(p)));
            for x in v {
                s.push_str(&format!(" {x:.3} |"));
            }
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tornado_renders_sorted_bars_and_a_table() {
        let t = Tornado {
            name: "tornado".into(),
            title: "Sobol indices".into(),
            x_label: "index".into(),
            legend: ("ST".into(), Some("S1".into())),
            bars: vec![
                Bar {
                    label: "small".into(),
                    value: 0.1,
                    conf: Some(0.02),
                    inner: Some(0.05),
                },
                Bar {
                    label: "large".into(),
                    value: 0.7,
                    conf: Some(0.05),
                    inner: Some(0.6),
                },
            ],
        };
        assert_eq!(sorted(&t)[0].label, "large");
        let c = render(&t, 300).unwrap();
        assert!(c.svg.contains("large") && c.svg.contains("small"));
        assert_eq!(&c.png[1..4], b"PNG");
        assert_eq!(c.png_size.0, 2400);
        assert_eq!(
            chart_name("sobol", "Emissions|CO2e", 2030),
            "sobol-emissions-co2e-2030"
        );
        let mut table = IndexTable {
            columns: vec!["S1".into(), "ST".into()],
            rows: vec![
                ("Emissions|CO2e 2030".into(), "pop".into(), vec![0.1, 0.2]),
                ("Emissions|CO2e 2030".into(), "gdp".into(), vec![0.25, 0.5]),
            ],
        };
        table.sort_by_column("ST");
        assert_eq!(table.rows[0].1, "gdp", "largest total index first");
        table.rows.truncate(1);
        assert_eq!(
            table.csv(),
            "output,parameter,S1,ST\nEmissions|CO2e 2030,gdp,0.25,0.5\n"
        );
        assert!(table
            .markdown()
            .contains("| Emissions\\|CO2e 2030 | gdp | 0.250 | 0.500 |"));
    }
}
