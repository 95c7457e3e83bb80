//! Sensitivity reports (`lcs sensitivity`, docs/UNCERTAINTY.md): a tornado chart of
//! indices per parameter (largest on top, with confidence whiskers) and an index table
//! as CSV and Markdown.

use crate::charts::{font, register_font, Chart};
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

const W: u32 = 900;
const ROW: u32 = 34;

fn sorted(t: &Tornado) -> Vec<Bar> {
    let mut b = t.bars.clone();
    b.sort_by(|x, y| y.value.total_cmp(&x.value).then(x.label.cmp(&y.label)));
    b
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, t: &Tornado) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("chart {}: {e:?}", t.name);
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
    let mut chart = ChartBuilder::on(root)
        .caption(&t.title, font(20))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(170)
        .build_cartesian_2d((lo - pad)..(hi + pad), -0.6f64..(n as f64 - 0.4))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(t.x_label.as_str())
        .y_labels(2 * n + 1)
        .y_label_formatter(&fmt_y)
        .disable_y_mesh()
        .label_style(font(14))
        .axis_desc_style(font(15))
        .light_line_style(RGBColor(240, 240, 240))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .map_err(err)?;
    let main = RGBColor(31, 119, 180);
    let second = RGBColor(255, 127, 14);
    for (k, b) in bars.iter().enumerate() {
        let y = (n - 1 - k) as f64;
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
            let black = RGBColor(40, 40, 40).stroke_width(2);
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
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], main.filled()));
    if let Some(l) = &t.legend.1 {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, -1.0), (0.0, -1.0)],
                second.filled(),
            )))
            .map_err(err)?
            .label(l.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 3), (x + 14, y + 3)], second.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(200, 200, 200))
        .label_font(font(13))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// Renders a tornado chart as SVG and PNG.
pub fn render(t: &Tornado) -> Result<Chart, String> {
    register_font();
    let h = 110 + ROW * t.bars.len().max(1) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, h)).into_drawing_area();
        draw(&root, t)?;
        root.present()
            .map_err(|e| format!("chart {}: {e}", t.name))?;
    }
    let mut rgb = vec![0u8; (W * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (W, h)).into_drawing_area();
        draw(&root, t)?;
        root.present()
            .map_err(|e| format!("chart {}: {e}", t.name))?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, W, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let mut w = enc
            .write_header()
            .map_err(|e| format!("chart {}: {e}", t.name))?;
        w.write_image_data(&rgb)
            .map_err(|e| format!("chart {}: {e}", t.name))?;
    }
    Ok(Chart {
        name: t.name.clone(),
        title: t.title.clone(),
        svg,
        png: png_bytes,
    })
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
        let c = render(&t).unwrap();
        assert!(c.svg.contains("large") && c.svg.contains("small"));
        assert_eq!(&c.png[1..4], b"PNG");
        let table = IndexTable {
            columns: vec!["S1".into(), "ST".into()],
            rows: vec![("Emissions|CO2e 2030".into(), "gdp".into(), vec![0.25, 0.5])],
        };
        assert_eq!(
            table.csv(),
            "output,parameter,S1,ST\nEmissions|CO2e 2030,gdp,0.25,0.5\n"
        );
        assert!(table
            .markdown()
            .contains("| Emissions\\|CO2e 2030 | gdp | 0.250 | 0.500 |"));
    }
}
