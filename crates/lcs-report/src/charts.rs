//! Charts (plotters): emission pathways with target markers, wedges of reductions by action,
//! emissions by sector, final energy by fuel. Each is drawn once per backend: SVG text and
//! a PNG image. Text uses DejaVu Sans embedded in the crate (`assets/`), so no system font
//! is needed.

use crate::run::ScenarioRun;
use crate::tables::display_number;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Once;

/// Chart size in pixels.
pub const WIDTH: u32 = 1100;
/// Chart height in pixels.
pub const HEIGHT: u32 = 600;
/// Most wedges drawn one per action; above, actions are grouped by theme.
const MAX_WEDGES: usize = 16;
/// Width of the legend panel on the right.
const LEGEND_W: u32 = 300;

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();
const FAMILY: &str = "sans-serif";

pub(crate) fn register_font() {
    REGISTER.call_once(|| {
        // The bytes are a valid TrueType font (checked by the chart tests).
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

/// One chart, rendered.
#[derive(Clone, Debug)]
pub struct Chart {
    /// File stem, e.g. `wedges-cm-2025`.
    pub name: String,
    /// Title.
    pub title: String,
    /// SVG document.
    pub svg: String,
    /// PNG image.
    pub png: Vec<u8>,
}

/// A filled band between two series.
pub(crate) struct Band {
    pub(crate) label: String,
    /// Stacked below zero (a sink): listed after the positive layers in the legend.
    pub(crate) negative: bool,
    pub(crate) color: RGBColor,
    pub(crate) lower: Vec<f64>,
    pub(crate) upper: Vec<f64>,
}

/// A line.
pub(crate) struct Line {
    pub(crate) label: String,
    pub(crate) color: RGBColor,
    pub(crate) values: Vec<Option<f64>>,
    pub(crate) dashed: bool,
}

/// A target marker.
pub(crate) struct Marker {
    pub(crate) color: RGBColor,
    pub(crate) year: i32,
    pub(crate) value: f64,
    pub(crate) filled: bool,
}

/// What to draw.
pub(crate) struct Plot {
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) y_label: String,
    pub(crate) years: Vec<i32>,
    pub(crate) bands: Vec<Band>,
    pub(crate) lines: Vec<Line>,
    pub(crate) markers: Vec<Marker>,
    /// Extra legend lines (text only).
    pub(crate) legend_notes: Vec<String>,
}

/// Qualitative palette (Tableau 20 order, dark tones first): distinct neighbours.
const PALETTE: [(u8, u8, u8); 20] = [
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

pub(crate) fn palette(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

/// Conventional colours for common fuels; others take the palette.
pub(crate) fn fuel_color(name: &str, i: usize) -> RGBColor {
    match name {
        "electricity" => RGBColor(240, 190, 40),
        "natural_gas" => RGBColor(70, 120, 170),
        "lpg" => RGBColor(120, 180, 175),
        "gasoline" => RGBColor(215, 80, 80),
        "diesel" => RGBColor(180, 135, 95),
        "fuel_oil" => RGBColor(90, 60, 40),
        "kerosene" => RGBColor(230, 140, 60),
        "coal" => RGBColor(60, 60, 60),
        "biomass" | "wood" | "biogas" | "biodiesel" | "bioethanol" | "charcoal" => {
            RGBColor(90, 160, 80)
        }
        "hydrogen" => RGBColor(170, 120, 160),
        _ => palette(i + 7),
    }
}

/// Every chart of the report.
pub fn all(runs: &[ScenarioRun]) -> Result<Vec<Chart>, String> {
    let mut plots = Vec::new();
    if !runs.is_empty() {
        plots.push(pathways(runs));
    }
    for r in runs {
        if let Some(p) = wedges(r) {
            plots.push(p);
        }
    }
    for r in runs {
        plots.push(sectors(r));
    }
    for r in runs {
        if let Some(p) = fuels(r) {
            plots.push(p);
        }
    }
    plots.iter().map(render).collect()
}

fn series(r: &ScenarioRun, variable: &str) -> Vec<Option<f64>> {
    r.row(variable)
        .map(|x| x.values.clone())
        .unwrap_or_else(|| vec![None; r.years.len()])
}

fn pathways(runs: &[ScenarioRun]) -> Plot {
    let mut years: Vec<i32> = runs.iter().flat_map(|r| r.years.iter().copied()).collect();
    years.sort_unstable();
    years.dedup();
    let mut lines = Vec::new();
    let mut markers = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let values = years
            .iter()
            .map(|y| r.value("Emissions|CO2e", *y))
            .collect();
        lines.push(Line {
            label: r.id.clone(),
            color: palette(i),
            values,
            dashed: false,
        });
        for t in &r.targets {
            // A target inherited by later scenarios is drawn once, in the colour of the
            // first scenario that has it.
            let seen = runs[..i].iter().any(|p| {
                p.targets
                    .iter()
                    .any(|u| u.id == t.id && u.year == t.year && u.threshold_kt == t.threshold_kt)
            });
            if seen {
                continue;
            }
            if let Some(v) = t.threshold_kt {
                markers.push(Marker {
                    color: palette(i),
                    year: t.year,
                    value: v,
                    filled: t.met,
                });
            }
        }
    }
    let mut legend_notes = Vec::new();
    if !markers.is_empty() {
        legend_notes.push("● target met, ○ not met".to_string());
        legend_notes.push("at the threshold as total emissions".to_string());
        legend_notes.push("(intensity targets: threshold × driver);".to_string());
        legend_notes.push("names in the Targets table".to_string());
    }
    Plot {
        name: "pathways".into(),
        title: "Emission pathways and targets".into(),
        y_label: "Emissions (kt CO2e/yr)".into(),
        years,
        bands: Vec::new(),
        lines,
        markers,
        legend_notes,
    }
}

fn wedges(r: &ScenarioRun) -> Option<Plot> {
    let (a, method) = r.wedge_attribution()?;
    let total = series(r, "Emissions|CO2e");
    let reference: Vec<Option<f64>> = r
        .reference_rows
        .iter()
        .find(|x| x.variable == "Emissions|CO2e")
        .map(|x| x.values.clone())
        .unwrap_or_else(|| vec![None; r.years.len()]);
    // One wedge per action; above MAX_WEDGES actions, one per theme (distinct colours
    // and a legend that fits).
    let mut wedges: Vec<(String, Vec<f64>)> = Vec::new();
    let mut legend_notes = Vec::new();
    let grouped = a.actions.len() > MAX_WEDGES;
    if grouped {
        let mut themes: Vec<(String, usize, Vec<f64>)> = Vec::new();
        for (id, c) in a.actions.iter().zip(&a.contributions) {
            let theme = r
                .actions
                .iter()
                .find(|x| &x.id == id)
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
        legend_notes.push(format!("{} actions, grouped by theme", a.actions.len()));
        wedges = themes
            .into_iter()
            .map(|(t, n, c)| (format!("{t} ({n} actions)"), c))
            .collect();
    } else {
        for (id, c) in a.actions.iter().zip(&a.contributions) {
            let name = r
                .actions
                .iter()
                .find(|x| &x.id == id)
                .and_then(|x| x.name.clone());
            let label = match name {
                Some(n) => format!("{id} {n}"),
                None => id.clone(),
            };
            wedges.push((label, c.clone()));
        }
    }
    let mut lower: Vec<f64> = total.iter().map(|v| v.unwrap_or(0.0)).collect();
    let mut bands = Vec::new();
    for (i, (label, c)) in wedges.into_iter().enumerate() {
        let upper: Vec<f64> = lower.iter().zip(&c).map(|(l, c)| l + c).collect();
        bands.push(Band {
            label,
            negative: false,
            color: palette(i),
            lower: lower.clone(),
            upper: upper.clone(),
        });
        lower = upper;
    }
    Some(Plot {
        name: format!("wedges-{}", r.id),
        title: format!(
            "Reductions by {}, {} ({method})",
            if grouped { "theme" } else { "action" },
            r.id
        ),
        y_label: "Emissions (kt CO2e/yr)".into(),
        years: r.years.clone(),
        bands,
        lines: vec![
            Line {
                label: "reference (no actions)".into(),
                color: BLACK,
                values: reference,
                dashed: true,
            },
            Line {
                label: r.id.clone(),
                color: BLACK,
                values: total,
                dashed: false,
            },
        ],
        markers: Vec::new(),
        legend_notes,
    })
}

/// Stacks positive layers upwards from 0 and negative layers downwards.
fn stack(layers: Vec<(String, RGBColor, Vec<f64>)>, n: usize) -> Vec<Band> {
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
            negative,
            color,
            lower,
            upper,
        });
    }
    bands
}

fn sectors(r: &ScenarioRun) -> Plot {
    let n = r.years.len();
    let layers = r
        .sectors()
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let v = series(r, &format!("Emissions|CO2e|{s}"))
                .into_iter()
                .map(|x| x.unwrap_or(0.0))
                .collect();
            (s, palette(i), v)
        })
        .collect();
    Plot {
        name: format!("sectors-{}", r.id),
        title: format!("Emissions by sector, {}", r.id),
        y_label: "Emissions (kt CO2e/yr)".into(),
        years: r.years.clone(),
        bands: stack(layers, n),
        lines: vec![Line {
            label: "total".into(),
            color: BLACK,
            values: series(r, "Emissions|CO2e"),
            dashed: false,
        }],
        markers: Vec::new(),
        legend_notes: vec![
            "grid electricity allocated".into(),
            "to the sectors that use it".into(),
        ],
    }
}

fn fuels(r: &ScenarioRun) -> Option<Plot> {
    let fuels = r.fuels();
    if fuels.is_empty() {
        return None;
    }
    let n = r.years.len();
    let layers = fuels
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let v = series(r, &format!("Final Energy|{f}"))
                .into_iter()
                .map(|x| x.unwrap_or(0.0))
                .collect();
            (f.replace('_', " "), fuel_color(f, i), v)
        })
        .collect();
    Some(Plot {
        name: format!("final-energy-{}", r.id),
        title: format!("Final energy by fuel, {}", r.id),
        y_label: "Final energy (TJ/yr)".into(),
        years: r.years.clone(),
        bands: stack(layers, n),
        lines: Vec::new(),
        markers: Vec::new(),
        legend_notes: Vec::new(),
    })
}

pub(crate) fn font(size: u32) -> FontDesc<'static> {
    (FAMILY, size).into_font()
}

pub(crate) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub(crate) fn render(p: &Plot) -> Result<Chart, String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, p)?;
        root.present()
            .map_err(|e| format!("chart {}: {e}", p.name))?;
    }
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, p)?;
        root.present()
            .map_err(|e| format!("chart {}: {e}", p.name))?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let mut w = enc
            .write_header()
            .map_err(|e| format!("chart {}: {e}", p.name))?;
        w.write_image_data(&rgb)
            .map_err(|e| format!("chart {}: {e}", p.name))?;
    }
    Ok(Chart {
        name: p.name.clone(),
        title: p.title.clone(),
        svg,
        png: png_bytes,
    })
}

fn y_range(p: &Plot) -> (f64, f64) {
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    let mut see = |v: f64| {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    };
    for b in &p.bands {
        b.lower.iter().chain(&b.upper).for_each(|v| see(*v));
    }
    for l in &p.lines {
        l.values.iter().flatten().for_each(|v| see(*v));
    }
    for m in &p.markers {
        see(m.value);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = 0.06 * (hi - lo);
    // A marker on the zero line (a net-zero target) stays whole.
    let low_marker = p.markers.iter().any(|m| m.value <= lo + 0.02 * (hi - lo));
    (
        if lo < 0.0 || low_marker {
            lo - pad
        } else {
            0.0
        },
        hi + pad,
    )
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, p: &Plot) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("chart {}: {e:?}", p.name);
    root.fill(&WHITE).map_err(err)?;
    let (area, legend) = root.split_horizontally(WIDTH - LEGEND_W);
    let (Some(&x0), Some(&x1)) = (p.years.first(), p.years.last()) else {
        return Ok(());
    };
    let (y0, y1) = y_range(p);
    let mut chart = ChartBuilder::on(&area)
        .caption(&p.title, font(22))
        .margin(14)
        .x_label_area_size(48)
        .y_label_area_size(86)
        .build_cartesian_2d(x0..x1.max(x0 + 1), y0..y1)
        .map_err(err)?;
    let yfmt = |v: &f64| display_number(*v, false);
    let xfmt = |v: &i32| v.to_string();
    chart
        .configure_mesh()
        .x_desc("year")
        .y_desc(p.y_label.as_str())
        .x_labels(10)
        .y_labels(8)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style(font(14))
        .axis_desc_style(font(15))
        .max_light_lines(1)
        .light_line_style(RGBColor(246, 246, 246))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .map_err(err)?;
    let years = &p.years;
    for b in &p.bands {
        let mut pts: Vec<(i32, f64)> = years.iter().copied().zip(b.upper.iter().copied()).collect();
        pts.extend(years.iter().copied().zip(b.lower.iter().copied()).rev());
        chart
            .draw_series(std::iter::once(Polygon::new(
                pts,
                b.color.mix(0.85).filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                years.iter().copied().zip(b.upper.iter().copied()),
                WHITE.stroke_width(1),
            ))
            .map_err(err)?;
    }
    if y0 < 0.0 {
        chart
            .draw_series(LineSeries::new(
                [(x0, 0.0), (x1, 0.0)],
                RGBColor(90, 90, 90).stroke_width(1),
            ))
            .map_err(err)?;
    }
    for l in &p.lines {
        let pts: Vec<(i32, f64)> = years
            .iter()
            .zip(&l.values)
            .filter_map(|(y, v)| v.map(|v| (*y, v)))
            .collect();
        if l.dashed {
            chart
                .draw_series(DashedLineSeries::new(pts, 8, 5, l.color.stroke_width(2)))
                .map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(pts, l.color.stroke_width(3)))
                .map_err(err)?;
        }
    }
    for m in &p.markers {
        let style = if m.filled {
            m.color.filled()
        } else {
            m.color.stroke_width(3)
        };
        chart
            .draw_series(std::iter::once(Circle::new((m.year, m.value), 7, style)))
            .map_err(err)?;
        if !m.filled {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (m.year, m.value),
                    4,
                    WHITE.filled(),
                )))
                .map_err(err)?;
        }
    }
    // Legend panel: lines first (they are drawn on top), then bands from the top of the
    // stack down, so the legend reads in the same order as the chart.
    let mut y = 60i32;
    let items = (p.lines.len() + p.bands.len()) as i32;
    let room = HEIGHT as i32 - 80 - 18 * p.legend_notes.len() as i32;
    let step = (room / items.max(1)).clamp(14, 22);
    let text = font((step - 8).clamp(11, 14) as u32).color(&RGBColor(30, 30, 30));
    for l in &p.lines {
        let style = l.color.stroke_width(if l.dashed { 2 } else { 3 });
        if l.dashed {
            for k in 0..3 {
                legend
                    .draw(&PathElement::new(
                        [(12 + 10 * k, y + 8), (18 + 10 * k, y + 8)],
                        style,
                    ))
                    .map_err(err)?;
            }
        } else {
            legend
                .draw(&PathElement::new([(12, y + 8), (38, y + 8)], style))
                .map_err(err)?;
        }
        legend
            .draw(&Text::new(truncate(&l.label, 30), (46, y), text.clone()))
            .map_err(err)?;
        y += step;
    }
    let order = p
        .bands
        .iter()
        .rev()
        .filter(|b| !b.negative)
        .chain(p.bands.iter().filter(|b| b.negative));
    for b in order {
        legend
            .draw(&Rectangle::new(
                [(14, y + 2), (34, y + 15)],
                b.color.mix(0.85).filled(),
            ))
            .map_err(err)?;
        legend
            .draw(&Text::new(truncate(&b.label, 30), (46, y), text.clone()))
            .map_err(err)?;
        y += step;
    }
    if !p.legend_notes.is_empty() {
        y += 6;
        let note = font(13).color(&RGBColor(90, 90, 90));
        for n in &p.legend_notes {
            legend
                .draw(&Text::new(n.clone(), (14, y), note.clone()))
                .map_err(err)?;
            y += 18;
        }
    }
    Ok(())
}
