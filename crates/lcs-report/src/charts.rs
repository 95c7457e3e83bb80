//! Charts (plotters): what to draw as data ([`Plot`]: lines, stacked bands and labelled
//! target markers over years; [`Bars`]: stacked columns over categories; [`Histogram`]),
//! drawn once per backend: SVG text, and a PNG at print resolution (`dpi`, default
//! [`DEFAULT_DPI`]: 2400 px wide). Every size is in logical pixels of a 1200 × 675 chart
//! (8 × 4.5 in at 150 dpi) and scaled for the PNG, so text stays legible when printed.
//! Legends wrap their labels (never cut them) and the chart grows taller when a legend
//! needs it. Text uses DejaVu Sans embedded in the crate (`assets/`): no system font.
//!
//! The report's own charts are built by [`report_charts`]-style helpers in this module;
//! other crates build a [`Plot`], [`Bars`] or [`Histogram`] and [`render`] it.

use crate::run::ScenarioRun;
use crate::tables::{display_number, Milestone};
use crate::ReportError;
use lcs_engine::var;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::Once;

/// Logical chart width (pixels of the SVG).
pub const WIDTH: u32 = 1200;
/// Logical chart height (pixels of the SVG), unless the legend needs more.
pub const HEIGHT: u32 = 675;
/// Default PNG resolution: 8 in × 300 dpi = 2400 px wide.
pub const DEFAULT_DPI: u32 = 300;
/// The logical chart is 8 in wide at this resolution.
const LOGICAL_DPI: f64 = 150.0;
/// Width of the legend panel on the right.
pub(crate) const LEGEND_W: u32 = 340;
/// Most wedges drawn one per action; above, actions are grouped by theme.
const MAX_WEDGES: usize = 16;
/// Legend font size and line height (logical px).
const LEGEND_FONT: f64 = 15.0;
const LEGEND_LINE: f64 = 19.0;

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();
const FAMILY: &str = "sans-serif";

pub(crate) fn register_font() {
    REGISTER.call_once(|| {
        // The bytes are a valid TrueType font (checked by the chart tests).
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

pub(crate) fn font(size: f64) -> FontDesc<'static> {
    (FAMILY, size).into_font()
}

/// One chart, rendered.
#[derive(Clone, Debug)]
pub struct Chart {
    /// File stem, e.g. `wedges-cm-2025` (unique within a report).
    pub name: String,
    /// Title.
    pub title: String,
    /// SVG document (logical size).
    pub svg: String,
    /// PNG image (print resolution).
    pub png: Vec<u8>,
    /// PNG size in pixels.
    pub png_size: (u32, u32),
    /// The legend's labels, in order (for tests and accessibility text).
    pub legend: Vec<String>,
}

/// An RGB colour.
pub type Rgb = (u8, u8, u8);

/// How a line is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    /// Solid.
    Solid,
    /// Long dashes.
    Long,
    /// Short dashes.
    Short,
    /// Dots.
    Dotted,
}

/// Point marks drawn on a line every five years (a second cue beside colour and dash).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// None.
    None,
    /// Circles.
    Circle,
    /// Triangles.
    Triangle,
    /// Squares.
    Square,
    /// Crosses.
    Cross,
}

/// A line over the years.
#[derive(Clone, Debug)]
pub struct Line {
    /// Legend label (wrapped, never cut).
    pub label: String,
    /// Colour.
    pub color: Rgb,
    /// One value per year of the plot.
    pub values: Vec<Option<f64>>,
    /// Dash pattern.
    pub dash: Dash,
    /// Point marks.
    pub mark: Mark,
}

/// A filled band between two series.
#[derive(Clone, Debug)]
pub struct Band {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub color: Rgb,
    /// Opacity, 0–1.
    pub opacity: f64,
    /// Lower edge, one value per year.
    pub lower: Vec<f64>,
    /// Upper edge.
    pub upper: Vec<f64>,
    /// Stacked below zero (a sink): listed after the positive layers in the legend.
    pub negative: bool,
}

/// A target marker, labelled on the chart.
#[derive(Clone, Debug)]
pub struct Marker {
    /// The label drawn beside the marker (`intensity-58 ≤ 99.8, met`).
    pub label: String,
    /// Colour.
    pub color: Rgb,
    /// The year.
    pub year: i32,
    /// The threshold, in the chart's unit.
    pub value: f64,
    /// Filled when met, hollow when not.
    pub met: bool,
}

/// A chart over years: stacked bands, lines on top, labelled markers.
#[derive(Clone, Debug)]
pub struct Plot {
    /// File stem.
    pub name: String,
    /// Title.
    pub title: String,
    /// The value axis label, with its unit.
    pub y_label: String,
    /// The years on the x axis.
    pub years: Vec<i32>,
    /// Bands, drawn first, in order.
    pub bands: Vec<Band>,
    /// Lines, drawn on top.
    pub lines: Vec<Line>,
    /// Markers, drawn last.
    pub markers: Vec<Marker>,
    /// A fixed value range (shared by the charts of a set), else fitted.
    pub y_range: Option<(f64, f64)>,
    /// Text lines under the legend.
    pub legend_notes: Vec<String>,
}

/// Stacked columns over categories, with a total mark per column.
#[derive(Clone, Debug)]
pub struct Bars {
    /// File stem.
    pub name: String,
    /// Title.
    pub title: String,
    /// The value axis label, with its unit.
    pub y_label: String,
    /// Column labels.
    pub categories: Vec<String>,
    /// Layers (label, colour, one value per category), stacked up (positive) or down.
    pub layers: Vec<(String, Rgb, Vec<f64>)>,
    /// A total per column, drawn as a mark with its value.
    pub totals: Vec<Option<f64>>,
    /// Text lines under the legend.
    pub legend_notes: Vec<String>,
}

/// A histogram over equal bins, with labelled vertical lines.
#[derive(Clone, Debug)]
pub struct Histogram {
    /// File stem.
    pub name: String,
    /// Title.
    pub title: String,
    /// The value axis label (x), with its unit.
    pub x_label: String,
    /// Bin edges (`counts.len() + 1`, ascending).
    pub edges: Vec<f64>,
    /// Samples per bin.
    pub counts: Vec<u64>,
    /// Vertical lines (label, x, colour), e.g. a threshold or the median.
    pub lines: Vec<(String, f64, Rgb)>,
    /// Text lines under the legend.
    pub legend_notes: Vec<String>,
}

/// Qualitative palette (Tableau 10, then lighter tones): distinct neighbours.
const PALETTE: [Rgb; 20] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
    (174, 199, 232),
    (255, 187, 120),
    (152, 223, 138),
    (255, 152, 150),
    (197, 176, 213),
    (196, 156, 148),
    (247, 182, 210),
    (199, 199, 199),
    (219, 219, 141),
    (158, 218, 229),
];

/// Colour `i` of the palette.
pub fn palette(i: usize) -> Rgb {
    PALETTE[i % PALETTE.len()]
}

/// Line style `i`: colour, dash and mark all change, so lines stay apart in grey print.
pub fn line_style(i: usize) -> (Rgb, Dash, Mark) {
    const DASHES: [Dash; 4] = [Dash::Solid, Dash::Long, Dash::Short, Dash::Dotted];
    const MARKS: [Mark; 5] = [
        Mark::None,
        Mark::Circle,
        Mark::Triangle,
        Mark::Square,
        Mark::Cross,
    ];
    (palette(i), DASHES[i % 4], MARKS[i % 5])
}

/// Conventional colours for common fuels; others take the palette.
pub(crate) fn fuel_color(name: &str, i: usize) -> Rgb {
    match name {
        "electricity" => (240, 190, 40),
        "natural_gas" => (70, 120, 170),
        "lpg" => (120, 180, 175),
        "gasoline" => (215, 80, 80),
        "diesel" => (180, 135, 95),
        "fuel_oil" => (90, 60, 40),
        "kerosene" | "jet_kerosene" => (230, 140, 60),
        "coal" | "subbituminous_coal" | "lignite" => (60, 60, 60),
        "wood" | "other_biomass" | "biogas" => (90, 160, 80),
        "hydrogen" => (170, 120, 160),
        _ => palette(i + 7),
    }
}

pub(crate) fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

// ---- wrapping and sizes -----------------------------------------------------------------

/// Splits `text` into lines no wider than `width` logical px at `size`, at spaces (a
/// single word wider than the line stays whole on its own line: nothing is cut).
pub fn wrap(text: &str, size: f64, width: f64) -> Vec<String> {
    register_font();
    let f = font(size);
    let w = |s: &str| {
        f.box_size(s)
            .map(|b| b.0 as f64)
            .unwrap_or(s.len() as f64 * size * 0.6)
    };
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if w(&candidate) <= width || cur.is_empty() {
            cur = candidate;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

const LEGEND_TEXT_X: f64 = 52.0;

fn legend_lines(labels: &[String]) -> Vec<Vec<String>> {
    let width = LEGEND_W as f64 - LEGEND_TEXT_X - 14.0;
    labels.iter().map(|l| wrap(l, LEGEND_FONT, width)).collect()
}

pub(crate) fn legend_height(labels: &[String], notes: &[String]) -> f64 {
    let items: f64 = legend_lines(labels)
        .iter()
        .map(|l| l.len().max(1) as f64 * LEGEND_LINE + 6.0)
        .sum();
    let note_lines: f64 = notes
        .iter()
        .map(|n| wrap(n, 13.0, LEGEND_W as f64 - 28.0).len() as f64 * 17.0)
        .sum();
    60.0 + items
        + if notes.is_empty() {
            0.0
        } else {
            10.0 + note_lines
        }
        + 20.0
}

// ---- rendering ---------------------------------------------------------------------------

/// Why a chart could not be drawn or encoded; [`render`] wraps it in
/// [`ReportError::Chart`] with the chart's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChartError {
    /// plotters could not draw an element or present the drawing area.
    Draw {
        /// plotters' message.
        message: String,
    },
    /// The bitmap could not be encoded as a PNG.
    Png {
        /// The PNG encoder's message.
        message: String,
    },
}

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChartError::Draw { message } => write!(f, "cannot draw: {message}"),
            ChartError::Png { message } => write!(f, "cannot encode the PNG: {message}"),
        }
    }
}

impl std::error::Error for ChartError {}

/// Something that draws itself at a scale (logical px × `k`).
pub trait Drawable {
    /// File stem.
    fn name(&self) -> &str;
    /// Title.
    fn title(&self) -> &str;
    /// Logical size.
    fn size(&self) -> (u32, u32);
    /// The legend's labels, in order.
    fn legend(&self) -> Vec<String>;
    /// Draws on `root` (already sized `size() × k`).
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), ChartError>;
}

/// Renders a chart: SVG at the logical size, PNG at `dpi` (8 in wide).
pub fn render(d: &impl Drawable, dpi: u32) -> Result<Chart, ReportError> {
    register_font();
    let bad = |source: ChartError| ReportError::Chart {
        chart: d.name().to_string(),
        source,
    };
    let (w, h) = d.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        d.draw(&root, 1.0).map_err(bad)?;
        root.present().map_err(|e| bad(draw_error(e)))?;
    }
    let k = f64::from(dpi.clamp(72, 1200)) / LOGICAL_DPI;
    let (pw, ph) = ((w as f64 * k).round() as u32, (h as f64 * k).round() as u32);
    let mut rgb = vec![0u8; (pw * ph * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (pw, ph)).into_drawing_area();
        d.draw(&root, k).map_err(bad)?;
        root.present().map_err(|e| bad(draw_error(e)))?;
    }
    let png_bytes = encode_png(&rgb, pw, ph, dpi).map_err(bad)?;
    Ok(Chart {
        name: d.name().to_string(),
        title: d.title().to_string(),
        svg,
        png: png_bytes,
        png_size: (pw, ph),
        legend: d.legend(),
    })
}

/// Encodes an RGB buffer of `width × height` pixels as a PNG whose metadata says `dpi`, so
/// that print software sizes it right.
pub(crate) fn encode_png(
    rgb: &[u8],
    width: u32,
    height: u32,
    dpi: u32,
) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        // Pixels per metre, so that print software sizes the image at `dpi`.
        let ppm = (f64::from(dpi) / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
        let png_error = |e: png::EncodingError| ChartError::Png {
            message: e.to_string(),
        };
        let mut wr = enc.write_header().map_err(png_error)?;
        wr.write_image_data(rgb).map_err(png_error)?;
    }
    Ok(out)
}

pub(crate) fn px(v: f64, k: f64) -> i32 {
    (v * k).round() as i32
}

/// A plotters drawing failure as a [`ChartError::Draw`] (its `Display` text, never `Debug`).
pub(crate) fn draw_error<E>(e: DrawingAreaErrorKind<E>) -> ChartError
where
    E: std::error::Error + Send + Sync,
{
    ChartError::Draw {
        message: e.to_string(),
    }
}

/// The logical size of a chart with a legend column at its right: `WIDTH × HEIGHT`, taller
/// when the legend's labels and notes need more room.
pub(crate) fn legend_chart_size(labels: &[String], notes: &[String]) -> (u32, u32) {
    (
        WIDTH,
        HEIGHT.max(legend_height(labels, notes).ceil() as u32),
    )
}

/// Clears `root` to white, draws the legend column (`items`, then `notes`) in its right
/// `LEGEND_W` and returns the plotting area to the left of it: the frame of every chart with
/// a legend.
pub(crate) fn split_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    k: f64,
    items: &[(String, Swatch)],
    notes: &[String],
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    root.fill(&WHITE).map_err(draw_error)?;
    let (w, _) = root.dim_in_pixel();
    let (area, legend) = root.split_horizontally(w as i32 - px(LEGEND_W as f64, k));
    draw_legend(&legend, k, items, notes)?;
    Ok(area)
}

/// Draws the legend panel: swatches and wrapped labels, then notes.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    k: f64,
    items: &[(String, Swatch)],
    notes: &[String],
) -> Result<(), ChartError> {
    let labels: Vec<String> = items.iter().map(|i| i.0.clone()).collect();
    let lines = legend_lines(&labels);
    let text = font(LEGEND_FONT * k).color(&RGBColor(30, 30, 30));
    let mut y = 60.0;
    for ((_, sw), ls) in items.iter().zip(&lines) {
        let cy = y + 9.0;
        match sw {
            Swatch::Fill(c, a) => {
                area.draw(&Rectangle::new(
                    [
                        (px(14.0, k), px(y + 2.0, k)),
                        (px(40.0, k), px(y + 16.0, k)),
                    ],
                    rgb(*c).mix(*a).filled(),
                ))
                .map_err(draw_error)?;
            }
            Swatch::Line(c, dash, mark) => {
                let style = rgb(*c).stroke_width(px(3.0, k).max(1) as u32);
                let pts = vec![(px(12.0, k), px(cy, k)), (px(42.0, k), px(cy, k))];
                draw_dashed(area, &pts, *dash, style, k)?;
                draw_mark(area, (px(27.0, k), px(cy, k)), *mark, rgb(*c), k)?;
            }
            Swatch::Marker(c, met) => {
                let style = if *met {
                    rgb(*c).filled()
                } else {
                    rgb(*c).stroke_width(px(2.5, k).max(1) as u32)
                };
                area.draw(&Circle::new((px(27.0, k), px(cy, k)), px(7.0, k), style))
                    .map_err(draw_error)?;
            }
        }
        for (j, l) in ls.iter().enumerate() {
            area.draw(&Text::new(
                l.clone(),
                (px(LEGEND_TEXT_X, k), px(y + j as f64 * LEGEND_LINE, k)),
                text.clone(),
            ))
            .map_err(draw_error)?;
        }
        y += ls.len().max(1) as f64 * LEGEND_LINE + 6.0;
    }
    if !notes.is_empty() {
        y += 10.0;
        let note = font(13.0 * k).color(&RGBColor(80, 80, 80));
        for n in notes {
            for l in wrap(n, 13.0, LEGEND_W as f64 - 28.0) {
                area.draw(&Text::new(l, (px(14.0, k), px(y, k)), note.clone()))
                    .map_err(draw_error)?;
                y += 17.0;
            }
        }
    }
    Ok(())
}

/// A legend entry's swatch.
pub(crate) enum Swatch {
    Fill(Rgb, f64),
    Line(Rgb, Dash, Mark),
    Marker(Rgb, bool),
}

/// Draws a polyline (backend pixels) with a dash pattern.
fn draw_dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pts: &[(i32, i32)],
    dash: Dash,
    style: ShapeStyle,
    k: f64,
) -> Result<(), ChartError> {
    let (on, off) = match dash {
        Dash::Solid => {
            area.draw(&PathElement::new(pts.to_vec(), style))
                .map_err(draw_error)?;
            return Ok(());
        }
        Dash::Long => (16.0 * k, 7.0 * k),
        Dash::Short => (7.0 * k, 6.0 * k),
        Dash::Dotted => (2.5 * k, 5.0 * k),
    };
    // Walk the polyline, emitting `on` segments separated by `off` gaps.
    let mut drawing = true;
    let mut left = on;
    let mut seg: Vec<(i32, i32)> = Vec::new();
    for w in pts.windows(2) {
        let (a, b) = (
            (w[0].0 as f64, w[0].1 as f64),
            (w[1].0 as f64, w[1].1 as f64),
        );
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut t = 0.0;
        while t < len {
            let step = left.min(len - t);
            let p0 = (a.0 + (b.0 - a.0) * t / len, a.1 + (b.1 - a.1) * t / len);
            let t1 = t + step;
            let p1 = (a.0 + (b.0 - a.0) * t1 / len, a.1 + (b.1 - a.1) * t1 / len);
            if drawing {
                if seg.is_empty() {
                    seg.push((p0.0.round() as i32, p0.1.round() as i32));
                }
                seg.push((p1.0.round() as i32, p1.1.round() as i32));
            }
            left -= step;
            t = t1;
            if left <= 1e-9 {
                if drawing && seg.len() > 1 {
                    area.draw(&PathElement::new(std::mem::take(&mut seg), style))
                        .map_err(draw_error)?;
                }
                seg.clear();
                drawing = !drawing;
                left = if drawing { on } else { off };
            }
        }
    }
    if drawing && seg.len() > 1 {
        area.draw(&PathElement::new(seg, style))
            .map_err(draw_error)?;
    }
    Ok(())
}

fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    mark: Mark,
    color: RGBColor,
    k: f64,
) -> Result<(), ChartError> {
    let r = px(5.0, k);
    let fill = color.filled();
    match mark {
        Mark::None => Ok(()),
        Mark::Circle => area.draw(&Circle::new((x, y), r, fill)).map_err(draw_error),
        Mark::Square => area
            .draw(&Rectangle::new([(x - r, y - r), (x + r, y + r)], fill))
            .map_err(draw_error),
        Mark::Triangle => area
            .draw(&Polygon::new(
                vec![(x, y - r - 1), (x - r - 1, y + r), (x + r + 1, y + r)],
                fill,
            ))
            .map_err(draw_error),
        Mark::Cross => {
            let s = color.stroke_width(px(2.5, k).max(1) as u32);
            area.draw(&PathElement::new(vec![(x - r, y - r), (x + r, y + r)], s))
                .map_err(draw_error)?;
            area.draw(&PathElement::new(vec![(x - r, y + r), (x + r, y - r)], s))
                .map_err(draw_error)
        }
    }
}

/// The frame of a column chart: categories at x = 0, 1, …, n − 1 labelled by name, the value
/// axis over `y0..y1` with `y_label`, and the light mesh every chart here uses; what the
/// stacked bars and the waterfall share (`label_size` in points before the scale `k`).
pub(crate) fn column_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_label: &str,
    categories: Vec<String>,
    (y0, y1): (f64, f64),
    label_size: f64,
    k: f64,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, ChartError> {
    let n = categories.len();
    let xfmt = move |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < categories.len() {
            categories[i as usize].clone()
        } else {
            String::new()
        }
    };
    let mut chart = ChartBuilder::on(area)
        .caption(title, font(24.0 * k))
        .margin(px(14.0, k))
        .x_label_area_size(px(52.0, k))
        .y_label_area_size(px(96.0, k))
        .build_cartesian_2d(-0.6f64..(n as f64 - 0.4), y0..y1)
        .map_err(draw_error)?;
    let yfmt = |v: &f64| display_number(*v, false);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(2 * n + 1)
        .x_label_formatter(&xfmt)
        .y_desc(y_label)
        .y_labels(8)
        .y_label_formatter(&yfmt)
        .label_style(font(label_size * k))
        .axis_desc_style(font(16.0 * k))
        .light_line_style(RGBColor(246, 246, 246))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .map_err(draw_error)?;
    Ok(chart)
}

/// The value range that shows every value (from 0 unless something is negative).
pub(crate) fn fit_range(values: impl Iterator<Item = f64>, low_marker: bool) -> (f64, f64) {
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = 0.06 * (hi - lo);
    (
        if lo < 0.0 || low_marker {
            lo - pad
        } else {
            0.0
        },
        hi + pad,
    )
}

impl Plot {
    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.bands
            .iter()
            .flat_map(|b| b.lower.iter().chain(&b.upper).copied())
            .chain(
                self.lines
                    .iter()
                    .flat_map(|l| l.values.iter().flatten().copied()),
            )
            .chain(self.markers.iter().map(|m| m.value))
    }

    /// The value range drawn: the fixed one, else fitted (a marker on the zero line, a
    /// net-zero target, stays whole).
    pub fn range(&self) -> (f64, f64) {
        if let Some(r) = self.y_range {
            return r;
        }
        let (lo, hi) = fit_range(self.values(), false);
        let low = self
            .markers
            .iter()
            .any(|m| m.value <= lo + 0.02 * (hi - lo));
        fit_range(self.values(), low)
    }

    fn legend_items(&self) -> Vec<(String, Swatch)> {
        let mut v: Vec<(String, Swatch)> = self
            .lines
            .iter()
            .map(|l| (l.label.clone(), Swatch::Line(l.color, l.dash, l.mark)))
            .collect();
        let order = self
            .bands
            .iter()
            .rev()
            .filter(|b| !b.negative)
            .chain(self.bands.iter().filter(|b| b.negative));
        v.extend(order.map(|b| (b.label.clone(), Swatch::Fill(b.color, b.opacity))));
        if !self.markers.is_empty() {
            v.push(("target met".into(), Swatch::Marker((60, 60, 60), true)));
            v.push(("target not met".into(), Swatch::Marker((60, 60, 60), false)));
        }
        v
    }
}

impl Drawable for Plot {
    fn name(&self) -> &str {
        &self.name
    }
    fn title(&self) -> &str {
        &self.title
    }
    fn size(&self) -> (u32, u32) {
        legend_chart_size(&self.legend(), &self.legend_notes)
    }
    fn legend(&self) -> Vec<String> {
        self.legend_items().into_iter().map(|x| x.0).collect()
    }
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), ChartError> {
        let area = split_legend(root, k, &self.legend_items(), &self.legend_notes)?;
        let (Some(&x0), Some(&x1)) = (self.years.first(), self.years.last()) else {
            return Ok(());
        };
        let (y0, y1) = self.range();
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.title, font(24.0 * k))
            .margin(px(14.0, k))
            .x_label_area_size(px(52.0, k))
            .y_label_area_size(px(96.0, k))
            .build_cartesian_2d(x0..x1.max(x0 + 1), y0..y1)
            .map_err(draw_error)?;
        let yfmt = |v: &f64| display_number(*v, false);
        let xfmt = |v: &i32| v.to_string();
        chart
            .configure_mesh()
            .x_desc("year")
            .y_desc(self.y_label.as_str())
            .x_labels(10)
            .y_labels(8)
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .label_style(font(15.0 * k))
            .axis_desc_style(font(16.0 * k))
            .max_light_lines(1)
            .light_line_style(RGBColor(246, 246, 246))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(draw_error)?;
        let years = &self.years;
        for b in &self.bands {
            let mut pts: Vec<(i32, f64)> =
                years.iter().copied().zip(b.upper.iter().copied()).collect();
            pts.extend(years.iter().copied().zip(b.lower.iter().copied()).rev());
            chart
                .draw_series(std::iter::once(Polygon::new(
                    pts,
                    rgb(b.color).mix(b.opacity).filled(),
                )))
                .map_err(draw_error)?;
            if b.opacity > 0.6 {
                chart
                    .draw_series(LineSeries::new(
                        years.iter().copied().zip(b.upper.iter().copied()),
                        WHITE.stroke_width(px(1.0, k).max(1) as u32),
                    ))
                    .map_err(draw_error)?;
            }
        }
        if y0 < 0.0 {
            chart
                .draw_series(LineSeries::new(
                    [(x0, 0.0), (x1, 0.0)],
                    RGBColor(90, 90, 90).stroke_width(px(1.0, k).max(1) as u32),
                ))
                .map_err(draw_error)?;
        }
        let plotting = chart.plotting_area().clone();
        for l in &self.lines {
            let pts: Vec<(i32, i32)> = years
                .iter()
                .zip(&l.values)
                .filter_map(|(y, v)| v.map(|v| plotting.map_coordinate(&(*y, v))))
                .collect();
            let style = rgb(l.color).stroke_width(px(3.0, k).max(1) as u32);
            // Draw on the root's coordinates: map_coordinate gives backend pixels.
            draw_dashed(&root.clone(), &pts, l.dash, style, k)?;
            for (y, v) in years.iter().zip(&l.values) {
                if let Some(v) = v {
                    if y % 5 == 0 {
                        let p = plotting.map_coordinate(&(*y, *v));
                        draw_mark(&root.clone(), p, l.mark, rgb(l.color), k)?;
                    }
                }
            }
        }
        // Markers with labels; labels of markers in the same year are stacked.
        let mut placed: Vec<(i32, i32)> = Vec::new();
        let mut sorted: Vec<&Marker> = self.markers.iter().collect();
        sorted.sort_by(|a, b| a.year.cmp(&b.year).then(b.value.total_cmp(&a.value)));
        let label_font = font(14.0 * k).color(&RGBColor(20, 20, 20));
        for m in sorted {
            let p = plotting.map_coordinate(&(m.year, m.value));
            let c = rgb(m.color);
            let style = if m.met {
                c.filled()
            } else {
                c.stroke_width(px(3.0, k).max(1) as u32)
            };
            root.draw(&Circle::new(p, px(7.0, k), style))
                .map_err(draw_error)?;
            if !m.met {
                root.draw(&Circle::new(p, px(4.0, k), WHITE.filled()))
                    .map_err(draw_error)?;
            }
            let (tw, _) = label_font
                .font
                .box_size(&m.label)
                .unwrap_or((m.label.len() as u32 * 8, 14));
            // Right of the marker, or left of it near the right edge.
            let right_edge = plotting.get_pixel_range().0.end;
            let mut tx = p.0 + px(11.0, k);
            if tx + tw as i32 > right_edge {
                tx = p.0 - px(11.0, k) - tw as i32;
            }
            let mut ty = p.1 - px(9.0, k);
            while placed
                .iter()
                .any(|(x, y)| (x - tx).abs() < tw as i32 && (y - ty).abs() < px(17.0, k))
            {
                ty += px(18.0, k);
            }
            placed.push((tx, ty));
            root.draw(&Text::new(m.label.clone(), (tx, ty), label_font.clone()))
                .map_err(draw_error)?;
        }
        Ok(())
    }
}

impl Bars {
    fn legend_items(&self) -> Vec<(String, Swatch)> {
        let neg = |v: &Vec<f64>| v.iter().sum::<f64>() < 0.0;
        let mut v: Vec<(String, Swatch)> = self
            .layers
            .iter()
            .rev()
            .filter(|l| !neg(&l.2))
            .map(|l| (l.0.clone(), Swatch::Fill(l.1, 0.9)))
            .collect();
        v.extend(
            self.layers
                .iter()
                .filter(|l| neg(&l.2))
                .map(|l| (l.0.clone(), Swatch::Fill(l.1, 0.9))),
        );
        v
    }
}

impl Drawable for Bars {
    fn name(&self) -> &str {
        &self.name
    }
    fn title(&self) -> &str {
        &self.title
    }
    fn size(&self) -> (u32, u32) {
        legend_chart_size(&self.legend(), &self.legend_notes)
    }
    fn legend(&self) -> Vec<String> {
        self.legend_items().into_iter().map(|x| x.0).collect()
    }
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), ChartError> {
        let area = split_legend(root, k, &self.legend_items(), &self.legend_notes)?;
        let n = self.categories.len();
        if n == 0 {
            return Ok(());
        }
        let mut up = vec![0.0; n];
        let mut down = vec![0.0; n];
        let mut stacks: Vec<(Rgb, Vec<(f64, f64)>)> = Vec::new();
        for (_, c, v) in &self.layers {
            let negative = v.iter().sum::<f64>() < 0.0;
            let base = if negative { &mut down } else { &mut up };
            let segs: Vec<(f64, f64)> = base
                .iter_mut()
                .zip(v)
                .map(|(b, x)| {
                    let lo = *b;
                    *b += x;
                    (lo, *b)
                })
                .collect();
            stacks.push((*c, segs));
        }
        let (y0, y1) = fit_range(
            up.iter()
                .chain(&down)
                .copied()
                .chain(self.totals.iter().flatten().copied()),
            false,
        );
        let mut chart = column_chart(
            &area,
            &self.title,
            &self.y_label,
            self.categories.clone(),
            (y0, y1),
            15.0,
            k,
        )?;
        for (c, segs) in &stacks {
            for (i, (lo, hi)) in segs.iter().enumerate() {
                if (hi - lo).abs() < f64::EPSILON {
                    continue;
                }
                let x = i as f64;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.32, *lo), (x + 0.32, *hi)],
                        rgb(*c).mix(0.9).filled(),
                    )))
                    .map_err(draw_error)?;
            }
        }
        if y0 < 0.0 {
            chart
                .draw_series(LineSeries::new(
                    [(-0.6, 0.0), (n as f64 - 0.4, 0.0)],
                    RGBColor(90, 90, 90).stroke_width(px(1.0, k).max(1) as u32),
                ))
                .map_err(draw_error)?;
        }
        let label_font = font(14.0 * k).color(&RGBColor(20, 20, 20));
        let plotting = chart.plotting_area().clone();
        for (i, t) in self.totals.iter().enumerate() {
            let Some(t) = t else { continue };
            let x = i as f64;
            chart
                .draw_series(LineSeries::new(
                    [(x - 0.36, *t), (x + 0.36, *t)],
                    BLACK.stroke_width(px(3.0, k).max(1) as u32),
                ))
                .map_err(draw_error)?;
            let top = t.max(up[i]);
            let p = plotting.map_coordinate(&(x, top));
            let s = display_number(*t, false);
            let (tw, _) = label_font.font.box_size(&s).unwrap_or((40, 14));
            root.draw(&Text::new(
                s,
                (p.0 - tw as i32 / 2, p.1 - px(22.0, k)),
                label_font.clone(),
            ))
            .map_err(draw_error)?;
        }
        Ok(())
    }
}

impl Drawable for Histogram {
    fn name(&self) -> &str {
        &self.name
    }
    fn title(&self) -> &str {
        &self.title
    }
    fn size(&self) -> (u32, u32) {
        legend_chart_size(&self.legend(), &self.legend_notes)
    }
    fn legend(&self) -> Vec<String> {
        let mut v = vec!["samples per bin".to_string()];
        v.extend(self.lines.iter().map(|l| l.0.clone()));
        v
    }
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), ChartError> {
        let bar = (31, 119, 180);
        let mut items = vec![("samples per bin".to_string(), Swatch::Fill(bar, 0.85))];
        items.extend(
            self.lines
                .iter()
                .map(|l| (l.0.clone(), Swatch::Line(l.2, Dash::Long, Mark::None))),
        );
        let area = split_legend(root, k, &items, &self.legend_notes)?;
        let (Some(&lo), Some(&hi)) = (self.edges.first(), self.edges.last()) else {
            return Ok(());
        };
        let mut xlo = lo;
        let mut xhi = hi;
        for l in &self.lines {
            xlo = xlo.min(l.1);
            xhi = xhi.max(l.1);
        }
        if xhi <= xlo {
            xhi = xlo + 1.0;
        }
        let pad = 0.03 * (xhi - xlo);
        let top = self.counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.08;
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.title, font(24.0 * k))
            .margin(px(14.0, k))
            .x_label_area_size(px(52.0, k))
            .y_label_area_size(px(96.0, k))
            .build_cartesian_2d((xlo - pad)..(xhi + pad), 0.0..top)
            .map_err(draw_error)?;
        let fmt = |v: &f64| display_number(*v, false);
        let count = |v: &f64| crate::tables::group_thousands(&format!("{v:.0}"));
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc("samples")
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&fmt)
            .y_label_formatter(&count)
            .label_style(font(15.0 * k))
            .axis_desc_style(font(16.0 * k))
            .light_line_style(RGBColor(246, 246, 246))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(draw_error)?;
        for (i, c) in self.counts.iter().enumerate() {
            if *c == 0 {
                continue;
            }
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(self.edges[i], 0.0), (self.edges[i + 1], *c as f64)],
                    rgb(bar).mix(0.85).filled(),
                )))
                .map_err(draw_error)?;
        }
        let plotting = chart.plotting_area().clone();
        for (_, x, c) in &self.lines {
            let pts = vec![
                plotting.map_coordinate(&(*x, 0.0)),
                plotting.map_coordinate(&(*x, top)),
            ];
            draw_dashed(
                &root.clone(),
                &pts,
                Dash::Long,
                rgb(*c).stroke_width(px(3.0, k).max(1) as u32),
                k,
            )?;
        }
        Ok(())
    }
}

/// Labelled points on two value axes (a project pipeline: lifetime reduction against cost per
/// tonne), one mark per point with its label beside it, and a dashed line at `y = 0`.
#[derive(Clone, Debug)]
pub struct Scatter {
    /// File stem.
    pub name: String,
    /// Title.
    pub title: String,
    /// The x axis label, with its unit.
    pub x_label: String,
    /// The y axis label, with its unit.
    pub y_label: String,
    /// Points: label, x, y, colour.
    pub points: Vec<(String, f64, f64, Rgb)>,
    /// Text lines under the legend.
    pub legend_notes: Vec<String>,
}

impl Drawable for Scatter {
    fn name(&self) -> &str {
        &self.name
    }
    fn title(&self) -> &str {
        &self.title
    }
    fn size(&self) -> (u32, u32) {
        legend_chart_size(&self.legend(), &self.legend_notes)
    }
    fn legend(&self) -> Vec<String> {
        self.points.iter().map(|p| p.0.clone()).collect()
    }
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), ChartError> {
        let items: Vec<(String, Swatch)> = self
            .points
            .iter()
            .map(|p| (p.0.clone(), Swatch::Marker(p.3, true)))
            .collect();
        let area = split_legend(root, k, &items, &self.legend_notes)?;
        let range = |v: &mut dyn Iterator<Item = f64>| -> (f64, f64) {
            let (mut lo, mut hi) = (0.0f64, 0.0f64);
            for x in v {
                lo = lo.min(x);
                hi = hi.max(x);
            }
            if hi <= lo {
                hi = lo + 1.0;
            }
            let pad = 0.08 * (hi - lo);
            (lo - pad, hi + pad)
        };
        let (xlo, xhi) = range(&mut self.points.iter().map(|p| p.1));
        let (ylo, yhi) = range(&mut self.points.iter().map(|p| p.2));
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.title, font(24.0 * k))
            .margin(px(14.0, k))
            .x_label_area_size(px(52.0, k))
            .y_label_area_size(px(96.0, k))
            .build_cartesian_2d(xlo..xhi, ylo..yhi)
            .map_err(draw_error)?;
        let fmt = |v: &f64| display_number(*v, false);
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&fmt)
            .y_label_formatter(&fmt)
            .label_style(font(15.0 * k))
            .axis_desc_style(font(16.0 * k))
            .light_line_style(RGBColor(246, 246, 246))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(draw_error)?;
        let plotting = chart.plotting_area().clone();
        let zero = vec![
            plotting.map_coordinate(&(xlo, 0.0)),
            plotting.map_coordinate(&(xhi, 0.0)),
        ];
        draw_dashed(
            &root.clone(),
            &zero,
            Dash::Short,
            RGBColor(120, 120, 120).stroke_width(px(1.5, k).max(1) as u32),
            k,
        )?;
        let label_font = font(15.0 * k).color(&RGBColor(30, 30, 30));
        let (right_edge, _) = plotting.map_coordinate(&(xhi, yhi));
        let (left_edge, _) = plotting.map_coordinate(&(xlo, yhi));
        for (label, x, y, c) in &self.points {
            let (cx, cy) = plotting.map_coordinate(&(*x, *y));
            root.draw(&Circle::new((cx, cy), px(7.0, k), rgb(*c).filled()))
                .map_err(draw_error)?;
            // Labels of marks in the right part of the plot go to the left of the mark, so
            // that they stay inside the plot.
            let left = cx > left_edge + (right_edge - left_edge) * 3 / 5;
            let (anchor, tx) = if left {
                (HPos::Right, cx - px(10.0, k))
            } else {
                (HPos::Left, cx + px(10.0, k))
            };
            root.draw(&Text::new(
                label.clone(),
                (tx, cy - px(8.0, k)),
                label_font.clone().pos(Pos::new(anchor, VPos::Bottom)),
            ))
            .map_err(draw_error)?;
        }
        Ok(())
    }
}

// ---- the report's charts -----------------------------------------------------------------

/// The union of the runs' years.
fn all_years(runs: &[ScenarioRun]) -> Vec<i32> {
    let mut years: Vec<i32> = runs.iter().flat_map(|r| r.years.iter().copied()).collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// A legend label for a run: its name, else its id.
fn run_label(r: &ScenarioRun) -> String {
    match &r.name {
        Some(n) => format!("{n} ({})", r.id),
        None => r.id.clone(),
    }
}

fn target_label(t: &crate::run::TargetRow, unit_short: bool) -> String {
    let th = t
        .threshold
        .map(|v| display_number(v, false))
        .unwrap_or_default();
    let unit = if unit_short {
        String::new()
    } else {
        format!(" {}", t.unit)
    };
    format!(
        "{} ≤ {th}{unit}: {}",
        t.id,
        if t.met { "met" } else { "not met" }
    )
}

/// Lines of one variable per run, with markers for targets chosen by `keep`.
fn lines_plot(
    runs: &[ScenarioRun],
    variable: &str,
    keep: impl Fn(&crate::run::TargetRow) -> bool,
) -> (Vec<i32>, Vec<Line>, Vec<Marker>) {
    let years = all_years(runs);
    let mut lines = Vec::new();
    let mut markers: Vec<Marker> = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let (color, dash, mark) = line_style(i);
        lines.push(Line {
            label: run_label(r),
            color,
            values: years.iter().map(|y| r.value(variable, *y)).collect(),
            dash,
            mark,
        });
        for t in r.targets.iter().filter(|t| keep(t)) {
            let Some(v) = t.threshold else { continue };
            // A target inherited unchanged by later scenarios is drawn once.
            let seen = runs[..i].iter().any(|p| {
                p.targets
                    .iter()
                    .any(|u| u.id == t.id && u.year == t.year && u.threshold == t.threshold)
            });
            if !seen {
                markers.push(Marker {
                    label: target_label(t, true),
                    color,
                    year: t.year,
                    value: v,
                    met: t.met,
                });
            }
        }
    }
    (years, lines, markers)
}

/// Emission pathways of every scenario, with the emission targets as labelled markers.
pub fn pathways(runs: &[ScenarioRun]) -> Plot {
    let (years, lines, markers) = lines_plot(runs, var::EMISSIONS_CO2E, |t| t.driver.is_none());
    let notes = if markers.is_empty() {
        Vec::new()
    } else {
        vec!["Markers: emission targets at their threshold (kt CO2e/yr).".into()]
    };
    Plot {
        name: "pathways".into(),
        title: format!("{}: emission pathways", crate::tables::region_name(runs)),
        y_label: "Emissions (kt CO2e/yr)".into(),
        years,
        bands: Vec::new(),
        lines,
        markers,
        y_range: None,
        legend_notes: notes,
    }
}

/// Emissions per unit of a driver for every scenario, with that driver's intensity targets.
pub fn intensity(runs: &[ScenarioRun], driver: &str) -> Plot {
    let variable = format!("{}|{driver}", var::EMISSIONS_INTENSITY);
    let (years, lines, markers) =
        lines_plot(runs, &variable, |t| t.driver.as_deref() == Some(driver));
    let unit = runs
        .iter()
        .find_map(|r| r.row(&variable).map(|x| x.unit.clone()))
        .unwrap_or_default();
    let name = runs
        .first()
        .map(|r| r.names.driver(driver).to_string())
        .unwrap_or_else(|| driver.to_string());
    Plot {
        name: format!("intensity-{driver}"),
        title: format!("{}: emissions per {name}", crate::tables::region_name(runs)),
        y_label: format!("Emissions per {name} ({unit})"),
        years,
        bands: Vec::new(),
        lines,
        markers,
        y_range: None,
        legend_notes: vec![format!(
            "Markers: intensity targets at their threshold ({unit})."
        )],
    }
}

/// The wedges of one run against its comparison: the comparison pathway (dashed), the
/// run (solid), and between them each action's part of the difference. Against the
/// reference: the wedge attribution (Shapley where computed). Against another run whose
/// actions come first in this run's order (and with the same reference): this run's
/// sequential contributions of the actions after those, which add up to the difference
/// exactly. Otherwise one band, the difference, unattributed.
pub fn wedges(runs: &[ScenarioRun], i: usize, compare_to: Option<usize>) -> Option<Plot> {
    let r = &runs[i];
    if r.actions.is_empty() {
        return None;
    }
    let cmp = crate::tables::comparison_of(runs, i, compare_to);
    let total = r.series(var::EMISSIONS_CO2E);
    let upper_line: Vec<Option<f64>> = r
        .years
        .iter()
        .map(|y| cmp.value(var::EMISSIONS_CO2E, *y))
        .collect();
    let mut wedges: Vec<(String, Vec<f64>)> = Vec::new();
    let mut legend_notes = Vec::new();
    let method: String;
    let actions: Vec<(usize, &String)>;
    let att = match cmp.run {
        None => {
            let (a, m) = r.wedge_attribution()?;
            method = m.to_string();
            actions = a.actions.iter().enumerate().collect();
            Some(a)
        }
        Some(j) => {
            let other = &runs[j];
            let prefix = other.actions.len() <= r.actions.len()
                && other
                    .actions
                    .iter()
                    .zip(&r.actions)
                    .all(|(a, b)| a.id == b.id && a.measures == b.measures)
                && other.reference_rows == r.reference_rows;
            match (&r.sequential, prefix) {
                (Some(a), true) => {
                    method = format!("sequential, on top of {}", other.id);
                    actions = a
                        .actions
                        .iter()
                        .enumerate()
                        .skip(other.actions.len())
                        .collect();
                    Some(a)
                }
                _ => {
                    method = "not attributed".into();
                    actions = Vec::new();
                    legend_notes.push(format!(
                        "{} is not {} plus further actions: the difference is not split by action.",
                        r.id, other.id
                    ));
                    let diff: Vec<f64> = upper_line
                        .iter()
                        .zip(&total)
                        .map(|(c, t)| c.zip(*t).map(|(c, t)| c - t).unwrap_or(0.0))
                        .collect();
                    wedges.push((format!("difference to {}", other.id), diff));
                    None
                }
            }
        }
    };
    let grouped = actions.len() > MAX_WEDGES;
    if let Some(a) = att {
        if grouped {
            let mut themes: Vec<(String, usize, Vec<f64>)> = Vec::new();
            for (k, id) in &actions {
                let c = &a.contributions[*k];
                let theme = r
                    .action(id)
                    .and_then(|x| x.theme.clone())
                    .unwrap_or_else(|| "(no theme)".into());
                match themes.iter_mut().find(|t| t.0 == theme) {
                    Some(t) => {
                        t.1 += 1;
                        t.2.iter_mut().zip(c).for_each(|(x, y)| *x += y);
                    }
                    None => themes.push((theme, 1, c.clone())),
                }
            }
            legend_notes.push(format!("{} actions, grouped by theme.", actions.len()));
            wedges = themes
                .into_iter()
                .map(|(t, n, c)| (format!("{t} ({n} actions)"), c))
                .collect();
        } else {
            for (k, id) in &actions {
                let label = r
                    .action(id)
                    .map(|x| x.label())
                    .unwrap_or_else(|| (*id).clone());
                wedges.push((label, a.contributions[*k].clone()));
            }
        }
    }
    let mut lower: Vec<f64> = total.iter().map(|v| v.unwrap_or(0.0)).collect();
    let mut bands = Vec::new();
    for (k, (label, c)) in wedges.into_iter().enumerate() {
        let upper: Vec<f64> = lower.iter().zip(&c).map(|(l, c)| l + c).collect();
        bands.push(Band {
            label,
            color: palette(k),
            opacity: 0.85,
            lower: lower.clone(),
            upper: upper.clone(),
            negative: false,
        });
        lower = upper;
    }
    Some(Plot {
        name: format!("wedges-{}", r.id),
        title: format!(
            "Reductions by {}: {} against {} ({method})",
            if grouped { "theme" } else { "action" },
            r.id,
            cmp.label
        ),
        y_label: "Emissions (kt CO2e/yr)".into(),
        years: r.years.clone(),
        bands,
        lines: vec![
            Line {
                label: match cmp.run {
                    None => "reference (no actions)".into(),
                    Some(j) => run_label(&runs[j]),
                },
                color: (0, 0, 0),
                values: upper_line,
                dash: Dash::Long,
                mark: Mark::None,
            },
            Line {
                label: run_label(r),
                color: (0, 0, 0),
                values: total,
                dash: Dash::Solid,
                mark: Mark::None,
            },
        ],
        markers: Vec::new(),
        y_range: None,
        legend_notes,
    })
}

/// Stacks positive layers upwards from 0 and negative layers downwards.
fn stack(layers: Vec<(String, Rgb, Vec<f64>)>, n: usize) -> Vec<Band> {
    let mut up = vec![0.0; n];
    let mut down = vec![0.0; n];
    let mut bands = Vec::new();
    for (label, color, v) in layers {
        let negative = v.iter().sum::<f64>() < 0.0;
        let base = if negative { &mut down } else { &mut up };
        let lower = base.clone();
        let upper: Vec<f64> = lower.iter().zip(&v).map(|(a, b)| a + b).collect();
        *base = upper.clone();
        bands.push(Band {
            label,
            color,
            opacity: 0.85,
            lower,
            upper,
            negative,
        });
    }
    bands
}

/// The colour of each sector across the runs (the same sector, the same colour).
fn sector_colors(runs: &[ScenarioRun]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for r in runs {
        for s in r.sectors() {
            if !v.contains(&s) {
                v.push(s);
            }
        }
    }
    v
}

/// Emissions by sector over the years, one chart per run, on a shared value axis.
pub fn sectors(runs: &[ScenarioRun]) -> Vec<Plot> {
    let all = sector_colors(runs);
    let mut plots: Vec<Plot> = runs
        .iter()
        .map(|r| {
            let n = r.years.len();
            let layers = r
                .sectors()
                .into_iter()
                .map(|s| {
                    let v = r
                        .series(&format!("{}|{s}", var::EMISSIONS_CO2E))
                        .into_iter()
                        .map(|x| x.unwrap_or(0.0))
                        .collect();
                    let c = palette(all.iter().position(|x| *x == s).unwrap_or(0));
                    (r.names.sector(&s).to_string(), c, v)
                })
                .collect();
            Plot {
                name: format!("sectors-{}", r.id),
                title: format!("Emissions by sector: {}", r.id),
                y_label: "Emissions (kt CO2e/yr)".into(),
                years: r.years.clone(),
                bands: stack(layers, n),
                lines: vec![Line {
                    label: format!("total, {}", run_label(r)),
                    color: (0, 0, 0),
                    values: r.series(var::EMISSIONS_CO2E),
                    dash: Dash::Solid,
                    mark: Mark::None,
                }],
                markers: Vec::new(),
                y_range: None,
                legend_notes: vec![
                    "Grid electricity is allocated to the sectors that use it.".into()
                ],
            }
        })
        .collect();
    share_range(&mut plots);
    plots
}

/// Gives every plot of a set the same value range (the union of their fitted ranges).
pub fn share_range(plots: &mut [Plot]) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in plots.iter() {
        let (a, b) = p.range();
        lo = lo.min(a);
        hi = hi.max(b);
    }
    if lo.is_finite() && hi.is_finite() {
        for p in plots.iter_mut() {
            p.y_range = Some((lo, hi));
        }
    }
}

/// Final energy by fuel over the years, one chart per run, on a shared value axis.
pub fn fuels(runs: &[ScenarioRun]) -> Vec<Plot> {
    let mut plots: Vec<Plot> = runs
        .iter()
        .filter(|r| !r.fuels().is_empty())
        .map(|r| {
            let n = r.years.len();
            let layers = r
                .fuels()
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let v = r
                        .series(&format!("{}|{f}", var::FINAL_ENERGY))
                        .into_iter()
                        .map(|x| x.unwrap_or(0.0))
                        .collect();
                    (r.names.fuel(f).to_string(), fuel_color(f, i), v)
                })
                .collect();
            Plot {
                name: format!("final-energy-{}", r.id),
                title: format!("Final energy by fuel: {}", r.id),
                y_label: "Final energy (TJ/yr)".into(),
                years: r.years.clone(),
                bands: stack(layers, n),
                lines: Vec::new(),
                markers: Vec::new(),
                y_range: None,
                legend_notes: Vec::new(),
            }
        })
        .collect();
    share_range(&mut plots);
    plots
}

/// Emissions by sector as stacked columns, one per milestone column (`2005`, `bau 2025`,
/// `cm-2025`, …): the blueprint's classic figure.
pub fn sector_bars(runs: &[ScenarioRun], cols: &[Milestone]) -> Bars {
    let all = sector_colors(runs);
    let layers = all
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let label = runs
                .iter()
                .find(|r| r.sectors().contains(s))
                .map(|r| r.names.sector(s).to_string())
                .unwrap_or_else(|| s.clone());
            let v = cols
                .iter()
                .map(|c| {
                    runs[c.run]
                        .value(&format!("{}|{s}", var::EMISSIONS_CO2E), c.year)
                        .unwrap_or(0.0)
                })
                .collect();
            (label, palette(i), v)
        })
        .collect();
    Bars {
        name: "sector-bars".into(),
        title: format!(
            "{}: emissions by sector at the milestones",
            crate::tables::region_name(runs)
        ),
        y_label: "Emissions (kt CO2e/yr)".into(),
        categories: cols.iter().map(|c| c.label.clone()).collect(),
        layers,
        totals: cols
            .iter()
            .map(|c| runs[c.run].value(var::EMISSIONS_CO2E, c.year))
            .collect(),
        legend_notes: vec![
            "Black marks: total emissions (sinks below zero).".into(),
            crate::tables::scenario_legend(runs),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_wrap_at_spaces_and_keep_every_word() {
        let s = "Countermeasure 2025 (LCSBPIM 2025, 12 actions) with a long tail of words";
        let lines = wrap(s, 15.0, 200.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), s, "nothing cut");
        let f = font(15.0);
        for l in &lines {
            let w = f.box_size(l).unwrap().0;
            assert!(w <= 200 || !l.contains(' '), "{l}: {w}");
        }
    }

    #[test]
    fn png_is_print_sized_and_svg_logical() {
        let p = Plot {
            name: "t".into(),
            title: "T".into(),
            y_label: "y".into(),
            years: vec![2020, 2021, 2022],
            bands: Vec::new(),
            lines: vec![Line {
                label: "a".into(),
                color: palette(0),
                values: vec![Some(1.0), Some(2.0), None],
                dash: Dash::Short,
                mark: Mark::Circle,
            }],
            markers: vec![Marker {
                label: "goal".into(),
                color: palette(0),
                year: 2022,
                value: 1.5,
                met: false,
            }],
            y_range: None,
            legend_notes: vec![],
        };
        let c = render(&p, 300).unwrap();
        assert_eq!(c.png_size, (2400, 1350));
        assert!(c.svg.contains("width=\"1200\""), "logical SVG");
        assert!(c.svg.contains("goal"));
        let c = render(&p, 150).unwrap();
        assert_eq!(c.png_size, (1200, 675));
    }
}
