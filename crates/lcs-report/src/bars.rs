//! Bar charts (plotters), drawn once per backend like [`crate::charts`]: each bar is a stack
//! of segments `[lower, upper]` over a category on the x axis, so the same renderer draws a
//! waterfall (floating bars, `decomposition`) and regions side by side (stacked shares,
//! `regions`). Text uses the embedded DejaVu Sans of `charts`.

use crate::charts::{font, register_font, truncate, Chart, HEIGHT, WIDTH};
use crate::tables::display_number;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Width of the legend panel on the right.
const LEGEND_W: u32 = 260;

/// One segment of a bar.
#[derive(Clone, Debug)]
pub(crate) struct Segment {
    /// Bottom and top, in the y unit.
    pub lower: f64,
    pub upper: f64,
    /// Index into [`BarChart::legend`] (its colour).
    pub key: usize,
}

/// One bar: a category label and its segments; `label` is written above it.
#[derive(Clone, Debug)]
pub(crate) struct Bar {
    pub category: String,
    pub segments: Vec<Segment>,
    pub value_label: Option<String>,
}

/// A bar chart.
#[derive(Clone, Debug)]
pub(crate) struct BarChart {
    pub name: String,
    pub title: String,
    pub y_label: String,
    pub bars: Vec<Bar>,
    /// Legend entries: label and colour.
    pub legend: Vec<(String, RGBColor)>,
    /// Extra legend lines (text only).
    pub notes: Vec<String>,
}

/// Renders a bar chart as SVG and PNG.
pub(crate) fn render(c: &BarChart) -> Result<Chart, String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, c)?;
        root.present()
            .map_err(|e| format!("chart {}: {e}", c.name))?;
    }
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, c)?;
        root.present()
            .map_err(|e| format!("chart {}: {e}", c.name))?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let mut w = enc
            .write_header()
            .map_err(|e| format!("chart {}: {e}", c.name))?;
        w.write_image_data(&rgb)
            .map_err(|e| format!("chart {}: {e}", c.name))?;
    }
    Ok(Chart {
        name: c.name.clone(),
        title: c.title.clone(),
        svg,
        png: png_bytes,
    })
}

/// A category label in at most `n` characters, keeping its last word (a year) whole:
/// `kitakyushu.plan-2021 2030` → `kitakyush… 2030`.
fn shorten(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        return s.to_string();
    }
    match s.rsplit_once(' ') {
        Some((head, tail)) if tail.chars().count() + 2 < n => {
            let keep = n - tail.chars().count() - 2;
            format!("{}… {tail}", head.chars().take(keep).collect::<String>())
        }
        _ => truncate(s, n),
    }
}

fn y_range(c: &BarChart) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for b in &c.bars {
        for s in &b.segments {
            for v in [s.lower, s.upper] {
                if v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = 0.08 * (hi - lo);
    (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &BarChart) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("chart {}: {e}", c.name);
    root.fill(&WHITE).map_err(err)?;
    let (area, legend) = root.split_horizontally(WIDTH - LEGEND_W);
    let n = c.bars.len().max(1);
    let (y0, y1) = y_range(c);
    // About 7 px per character at 13 px: labels keep to their bar's width.
    let room = ((WIDTH - LEGEND_W - 110) as usize / n / 7).clamp(6, 24);
    let mut chart = ChartBuilder::on(&area)
        .caption(&c.title, font(22))
        .margin(14)
        .x_label_area_size(60)
        .y_label_area_size(86)
        .build_cartesian_2d(-0.5f64..n as f64 - 0.5, y0..y1)
        .map_err(err)?;
    let cats: Vec<String> = c.bars.iter().map(|b| b.category.clone()).collect();
    let xfmt = |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < cats.len() {
            shorten(&cats[i as usize], room)
        } else {
            String::new()
        }
    };
    let yfmt = |v: &f64| display_number(*v, false);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_desc(c.y_label.as_str())
        .x_labels(n)
        .y_labels(8)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style(font(13))
        .axis_desc_style(font(15))
        .max_light_lines(1)
        .light_line_style(RGBColor(246, 246, 246))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .map_err(err)?;
    let half = 0.32;
    for (i, b) in c.bars.iter().enumerate() {
        let x = i as f64;
        for s in &b.segments {
            let col = c.legend.get(s.key).map(|l| l.1).unwrap_or(BLACK);
            let (lo, hi) = (s.lower.min(s.upper), s.lower.max(s.upper));
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - half, lo), (x + half, hi)],
                    col.mix(0.9).filled(),
                )))
                .map_err(err)?;
        }
        if let Some(label) = &b.value_label {
            let top = b
                .segments
                .iter()
                .map(|s| s.lower.max(s.upper))
                .fold(f64::NEG_INFINITY, f64::max);
            let y = if top.is_finite() { top } else { 0.0 };
            chart
                .draw_series(std::iter::once(Text::new(
                    label.clone(),
                    (x - half, y + 0.02 * (y1 - y0)),
                    font(12).color(&RGBColor(40, 40, 40)),
                )))
                .map_err(err)?;
        }
    }
    if y0 < 0.0 {
        chart
            .draw_series(LineSeries::new(
                [(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
                RGBColor(90, 90, 90).stroke_width(1),
            ))
            .map_err(err)?;
    }
    let mut y = 60i32;
    let step = ((HEIGHT as i32 - 80) / (c.legend.len().max(1) as i32)).clamp(14, 22);
    let text = font(13).color(&RGBColor(30, 30, 30));
    for (label, col) in &c.legend {
        legend
            .draw(&Rectangle::new(
                [(14, y + 2), (34, y + 15)],
                col.mix(0.9).filled(),
            ))
            .map_err(err)?;
        legend
            .draw(&Text::new(truncate(label, 28), (44, y), text.clone()))
            .map_err(err)?;
        y += step;
    }
    if !c.notes.is_empty() {
        y += 6;
        let note = font(12).color(&RGBColor(90, 90, 90));
        for line in &c.notes {
            legend
                .draw(&Text::new(line.clone(), (14, y), note.clone()))
                .map_err(err)?;
            y += 17;
        }
    }
    Ok(())
}
