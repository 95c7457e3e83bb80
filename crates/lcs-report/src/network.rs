//! Eco-town network outputs (docs/ECOTOWN.md): the CSV layouts of `lcs ecotown`
//! (`exchanges.csv`, `facilities.csv`, `materials.csv`, `economics.csv`, `boundary.csv`),
//! the report's eco-town section (exchanges and totals, inside and outside the inventory,
//! the diagram) and the network diagram, drawn once per backend (SVG, PNG) with the
//! report's embedded DejaVu Sans.
//!
//! The diagram puts facilities that only send by-products in the left column, those that
//! only receive in the right column, the others in the middle; within a column facilities
//! keep file order (receivers follow their sources, so arrows cross as little as they can).
//! Arrows are as wide as their mass in the year drawn (2 px plus up to 18 px for the largest
//! exchange) and are labelled with the material, its mass and its net avoided emissions.
//! The layout depends on the network only: same file, same bytes.

use crate::charts::{draw_error, encode_png, font, register_font, Chart, ChartError};
use crate::output::{field, num};
use crate::tables::display_number;
use crate::tables::{Table, TableBuilder};
use crate::{ReportError, Section};
use lcs_ecotown::boundary::{ExchangeBoundary, NetworkView};
use lcs_ecotown::Assessment;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Diagram width in pixels.
pub const DIAGRAM_WIDTH: u32 = 1400;
/// Smallest diagram height in pixels (it grows with the number of facilities).
pub const DIAGRAM_MIN_HEIGHT: u32 = 640;

const BOX_W: i32 = 330;
const BOX_H: i32 = 52;
const ROW_H: i32 = 96;
const TOP: i32 = 110;

/// `exchanges.csv`: one row per exchange and year, emissions in t CO2e per year.
pub fn exchanges_csv(a: &Assessment) -> String {
    let mut s = String::from(
        "exchange,from,to,material,year,mass,mass_unit,avoided_virgin,avoided_disposal,processing,transport,net_avoided,unit,additional\n",
    );
    for x in &a.exchanges {
        for r in &x.years {
            s.push_str(&format!(
                "{},{},{},{},{},{},t/yr,{},{},{},{},{},t CO2e/yr,{}\n",
                field(&x.id),
                field(&a.facilities[x.from].0),
                field(&a.facilities[x.to].0),
                field(&x.material),
                r.year,
                num(Some(r.mass_t)),
                num(Some(r.avoided_virgin)),
                num(Some(r.avoided_disposal)),
                num(Some(r.processing)),
                num(Some(r.transport)),
                num(Some(r.net_avoided)),
                x.additional
            ));
        }
    }
    s
}

/// Header of `boundary.csv`.
pub const BOUNDARY_HEADER: &str =
    "exchange,year,inside,not_modelled,outside,net_avoided,unit,virgin,disposal,processing_energy,treatment,burnt,transport";

/// `boundary.csv`: one row per exchange and year: the net avoided emissions inside the
/// region's inventory, inside the region but not modelled, and outside the region (t CO2e
/// per year; they add up to `net_avoided`), then where each part falls (`inside`, `not
/// modelled`, `outside`; the virgin parts joined by `;` in the order of `substitutes`).
pub fn boundary_csv(a: &Assessment, b: &[ExchangeBoundary]) -> String {
    let mut s = format!("{BOUNDARY_HEADER}\n");
    for (x, e) in a.exchanges.iter().zip(b) {
        let p = &e.places;
        let virgin: Vec<&str> = p.virgin.iter().map(|v| v.name()).collect();
        for (r, y) in x.years.iter().zip(&e.years) {
            s.push_str(&format!(
                "{},{},{},{},{},{},t CO2e/yr,{},{},{},{},{},{}\n",
                field(&x.id),
                y.year,
                num(Some(y.inside)),
                num(Some(y.not_modelled)),
                num(Some(y.outside)),
                num(Some(r.net_avoided)),
                field(&virgin.join(";")),
                p.disposal.name(),
                p.processing_energy.name(),
                p.treatment.name(),
                p.burnt.name(),
                p.transport.name(),
            ));
        }
    }
    s
}

/// The report's eco-town table of a network (`ecotown-<id>`): per exchange and milestone
/// year, the mass, net avoided emissions, the parts inside the inventory, not modelled and
/// outside, and (for a linked network) the inventory change its measures make in the
/// scenario; then the network totals.
pub fn ecotown_table(
    a: &Assessment,
    b: &[ExchangeBoundary],
    view: Option<&NetworkView>,
    years: &[i32],
) -> Result<Table, ReportError> {
    let mut t = TableBuilder::new();
    let ex = t.text("Exchange");
    let mat = t.text("Material");
    let add = t.text("Additional");
    let yr = t.integer("Year");
    let mass = t.number("Mass (t/yr)");
    let net = t.number("Net avoided (t CO2e/yr)");
    let inside = t.number("Inside the inventory");
    let not_modelled = t.number("Inside, not modelled");
    let outside = t.number("Outside the region");
    let change = view.map(|_| t.number("Inventory change in the scenario"));
    let year_index = |y: i32| a.years.iter().position(|x| *x == y);
    let mut totals = vec![[0.0f64; 6]; years.len()];
    for (i, (x, e)) in a.exchanges.iter().zip(b).enumerate() {
        for (k, &y) in years.iter().enumerate() {
            let Some(r) = x.years.iter().position(|r| r.year == y) else {
                continue;
            };
            let (row, by) = (&x.years[r], &e.years[r]);
            t.push_text(ex, x.id.clone());
            t.push_text(mat, x.material.clone());
            t.push_text(add, if x.additional { "yes" } else { "no" });
            t.push_integer(yr, Some(y));
            t.push_number(mass, Some(row.mass_t));
            t.push_number(net, Some(row.net_avoided));
            t.push_number(inside, Some(by.inside));
            t.push_number(not_modelled, Some(by.not_modelled));
            t.push_number(outside, Some(by.outside));
            let ch = view
                .and_then(|v| year_index(y).map(|j| v.inventory_change_t[i][j]))
                .unwrap_or(0.0);
            if let Some(c) = change {
                t.push_number(c, Some(ch));
            }
            for (tot, v) in totals[k].iter_mut().zip([
                row.mass_t,
                row.net_avoided,
                by.inside,
                by.not_modelled,
                by.outside,
                ch,
            ]) {
                *tot += v;
            }
        }
    }
    for (k, &y) in years.iter().enumerate() {
        t.push_text(ex, "Network total");
        t.push_text(mat, "");
        t.push_text(add, "");
        t.push_integer(yr, Some(y));
        t.push_number(mass, Some(totals[k][0]));
        t.push_number(net, Some(totals[k][1]));
        t.push_number(inside, Some(totals[k][2]));
        t.push_number(not_modelled, Some(totals[k][3]));
        t.push_number(outside, Some(totals[k][4]));
        if let Some(c) = change {
            let total = view
                .and_then(|v| year_index(y).map(|j| v.total_change_t[j]))
                .unwrap_or(totals[k][5]);
            t.push_number(c, Some(total));
        }
        t.bold_last_row();
    }
    let mut note = String::from("t CO2e per year. Inside the inventory: the parts a scenario that links the network changes in the region model (avoided virgin production the model makes, municipal waste diverted, processing energy at a facility with a node); inside, not modelled: in the region but not in the model (an industrial landfill, a by-product burnt in a kiln, trucks); outside: beyond the region (a facility outside it, virgin material made elsewhere), never put into the inventory (docs/ECOTOWN.md).");
    if view.is_some() {
        note.push_str(" Inventory change in the scenario: the engine's reference minus the reference with the exchange's measures alone.");
    }
    t.finish(
        &format!("ecotown-{}", a.id),
        &format!("{}: exchanges, inside and outside the inventory", a.name),
        &note,
    )
}

/// The report's eco-town section of one network: the table of [`ecotown_table`] and the
/// diagram (chart `ecotown-<id>-diagram`).
pub fn ecotown_section(
    a: &Assessment,
    b: &[ExchangeBoundary],
    view: Option<&NetworkView>,
    years: &[i32],
) -> Result<Section, ReportError> {
    let table = ecotown_table(a, b, view, years)?;
    let name = format!("ecotown-{}-diagram", a.id);
    let mut chart = diagram_chart(a).map_err(|source| ReportError::Chart {
        chart: name.clone(),
        source,
    })?;
    chart.name = name;
    let mut s = Section::new(
        &format!("ecotown-{}", a.id),
        &format!("Eco-town network: {}", a.name),
    )
    .table(table)
    .chart(chart);
    if let Some(v) = view {
        s = s.note(format!(
            "Linked by action `{}`: its exchanges became measures on the region model where what they change lies inside the inventory; the rest is reported here and not counted in the scenario.",
            v.action
        ));
    }
    Ok(s)
}

/// `facilities.csv`: one row per facility and year: by-products in and out (t per year)
/// and the net avoided emissions attributed to it (t CO2e per year).
pub fn facilities_csv(a: &Assessment) -> String {
    let mut s = String::from(
        "facility,name,inside_region,year,mass_in,mass_out,mass_unit,net_avoided,unit\n",
    );
    for f in &a.facility_years {
        let (id, name, inside) = &a.facilities[f.facility];
        s.push_str(&format!(
            "{},{},{},{},{},{},t/yr,{},t CO2e/yr\n",
            field(id),
            field(name),
            inside,
            f.year,
            num(Some(f.mass_in_t)),
            num(Some(f.mass_out_t)),
            num(Some(f.net_avoided))
        ));
    }
    s
}

/// `materials.csv`: one row per by-product material and year.
pub fn materials_csv(a: &Assessment) -> String {
    let mut s = String::from("material,year,mass,mass_unit,net_avoided,unit\n");
    for m in &a.material_years {
        s.push_str(&format!(
            "{},{},{},t/yr,{},t CO2e/yr\n",
            field(&m.material),
            m.year,
            num(Some(m.mass_t)),
            num(Some(m.net_avoided))
        ));
    }
    s
}

/// `economics.csv`: NPV and cost per t CO2e avoided of each exchange with economics and of
/// the network (`NETWORK`); `None` when the network has no economics.
pub fn economics_csv(a: &Assessment) -> Option<String> {
    let (currency, year) = a.money_basis.as_ref()?;
    let mut s = String::from("exchange,npv,cost_per_t_avoided,currency,price_year\n");
    let rows = a
        .exchanges
        .iter()
        .filter_map(|x| x.economics.as_ref().map(|e| (x.id.as_str(), e)))
        .chain(a.economics.as_ref().map(|e| ("NETWORK", e)));
    for (id, e) in rows {
        s.push_str(&format!(
            "{},{},{},{},{}\n",
            field(id),
            num(Some(e.npv)),
            num(e.cost_per_t_avoided),
            field(currency),
            year
        ));
    }
    Some(s)
}

/// The year the diagram shows: the year with the largest total mass exchanged (the
/// earliest of equal years).
pub fn diagram_year(a: &Assessment) -> Option<i32> {
    let mut best: Option<(i32, f64)> = None;
    for t in &a.totals {
        if best.is_none_or(|(_, m)| t.mass_t > m) {
            best = Some((t.year, t.mass_t));
        }
    }
    best.filter(|(_, m)| *m > 0.0).map(|(y, _)| y)
}

/// A mass for labels: kt/yr from 1000 t up.
fn mass_text(t: f64) -> String {
    if t.abs() >= 1000.0 {
        format!("{} kt/yr", display_number(t / 1000.0, false))
    } else {
        format!("{} t/yr", display_number(t, false))
    }
}

/// Emissions for labels: kt CO2e from 1000 t up.
fn co2e_text(t: f64) -> String {
    if t.abs() >= 1000.0 {
        format!("{} kt CO2e", display_number(t / 1000.0, false))
    } else {
        format!("{} t CO2e", display_number(t, false))
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The position of each facility's box (top-left corner), and the diagram's height.
fn layout(a: &Assessment) -> (Vec<(i32, i32)>, u32) {
    let nf = a.facilities.len();
    let sends: Vec<bool> = (0..nf)
        .map(|f| a.exchanges.iter().any(|x| x.from == f))
        .collect();
    let gets: Vec<bool> = (0..nf)
        .map(|f| a.exchanges.iter().any(|x| x.to == f))
        .collect();
    let column = |f: usize| match (sends[f], gets[f]) {
        (true, true) => 1,
        (false, true) => 2,
        _ => 0,
    };
    let mut rows = vec![0usize; nf];
    let mut count = [0usize; 3];
    // Sources and middle facilities in file order.
    for (f, row) in rows.iter_mut().enumerate() {
        let c = column(f);
        if c < 2 {
            *row = count[c];
            count[c] += 1;
        }
    }
    // Receivers in the order of the mean row of their sources, then file order.
    let mut receivers: Vec<(f64, usize)> = (0..nf)
        .filter(|f| column(*f) == 2)
        .map(|f| {
            let src: Vec<f64> = a
                .exchanges
                .iter()
                .filter(|x| x.to == f)
                .map(|x| rows[x.from] as f64)
                .collect();
            (src.iter().sum::<f64>() / src.len().max(1) as f64, f)
        })
        .collect();
    receivers.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    for (_, f) in &receivers {
        rows[*f] = count[2];
        count[2] += 1;
    }
    let n_rows = count.iter().copied().max().unwrap_or(1).max(1) as i32;
    let height = ((TOP + n_rows * ROW_H + 80) as u32).max(DIAGRAM_MIN_HEIGHT);
    let xs = [
        40,
        (DIAGRAM_WIDTH as i32 - BOX_W) / 2,
        DIAGRAM_WIDTH as i32 - BOX_W - 40,
    ];
    let pos = (0..nf)
        .map(|f| {
            let c = column(f);
            // Centre shorter columns vertically.
            let offset = (n_rows - count[c] as i32) * ROW_H / 2;
            (xs[c], TOP + offset + rows[f] as i32 * ROW_H)
        })
        .collect();
    (pos, height)
}

/// The network diagram (SVG and PNG): facilities as boxes, exchanges as arrows of width
/// proportional to mass in [`diagram_year`], labelled with material, mass and net avoided
/// t CO2e. `None` year (nothing exchanged) draws the facilities alone. A failure names the
/// chart, as [`crate::charts::render`]'s do.
pub fn diagram(a: &Assessment) -> Result<Chart, ReportError> {
    diagram_chart(a).map_err(|source| ReportError::Chart {
        chart: "network".into(),
        source,
    })
}

fn diagram_chart(a: &Assessment) -> Result<Chart, ChartError> {
    register_font();
    let (pos, height) = layout(a);
    let year = diagram_year(a);
    let title = match year {
        Some(y) => format!("{}: by-product exchanges in {y}", a.name),
        None => format!("{}: facilities (nothing exchanged)", a.name),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (DIAGRAM_WIDTH, height)).into_drawing_area();
        draw(&root, a, &pos, year, &title)?;
        root.present().map_err(draw_error)?;
    }
    let mut rgb = vec![0u8; (DIAGRAM_WIDTH * height * 3) as usize];
    {
        let root =
            BitMapBackend::with_buffer(&mut rgb, (DIAGRAM_WIDTH, height)).into_drawing_area();
        draw(&root, a, &pos, year, &title)?;
        root.present().map_err(draw_error)?;
    }
    // Drawn at its logical size (the charts' 150 px per inch).
    let png = encode_png(&rgb, DIAGRAM_WIDTH, height, 150)?;
    Ok(Chart {
        name: "network".into(),
        title,
        svg,
        png,
        png_size: (DIAGRAM_WIDTH, height),
        legend: a.facilities.iter().map(|f| f.1.clone()).collect(),
    })
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Assessment,
    pos: &[(i32, i32)],
    year: Option<i32>,
    title: &str,
) -> Result<(), ChartError> {
    let err = draw_error::<DB::ErrorType>;
    root.fill(&WHITE).map_err(err)?;
    let ink = RGBColor(30, 30, 30);
    root.draw(&Text::new(
        title.to_string(),
        (40, 24),
        font(24.0).color(&ink),
    ))
    .map_err(err)?;
    let note = font(14.0).color(&RGBColor(90, 90, 90));
    root.draw(&Text::new(
        "Arrow width ∝ mass exchanged; net avoided = avoided virgin + avoided disposal − processing − transport (t CO2e/yr)".to_string(),
        (40, 58),
        note.clone(),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "Blue: inside the region; grey: outside. Dashed arrow: displacement (not additional)."
            .to_string(),
        (40, 78),
        note,
    ))
    .map_err(err)?;
    // Arrows first, boxes on top.
    let mass_at = |x: &lcs_ecotown::ExchangeResult| -> (f64, f64) {
        let Some(y) = year else { return (0.0, 0.0) };
        x.years
            .iter()
            .find(|r| r.year == y)
            .map(|r| (r.mass_t, r.net_avoided))
            .unwrap_or((0.0, 0.0))
    };
    let max_mass = a
        .exchanges
        .iter()
        .map(|x| mass_at(x).0)
        .fold(0.0f64, f64::max);
    // Several exchanges between the same pair are spread apart.
    for (i, x) in a.exchanges.iter().enumerate() {
        let (mass, net) = mass_at(x);
        let same: Vec<usize> = a
            .exchanges
            .iter()
            .enumerate()
            .filter(|(_, o)| (o.from, o.to) == (x.from, x.to))
            .map(|(j, _)| j)
            .collect();
        let k = same.iter().position(|j| *j == i).unwrap_or(0) as i32;
        let spread = (k - (same.len() as i32 - 1) / 2) * 14;
        let (fx, fy) = pos[x.from];
        let (tx, ty) = pos[x.to];
        let forward = tx >= fx + BOX_W;
        let (x1, x2) = if forward {
            (fx + BOX_W, tx)
        } else {
            (fx, tx + BOX_W)
        };
        let y1 = fy + BOX_H / 2 + spread;
        let y2 = ty + BOX_H / 2 + spread;
        let w = if max_mass > 0.0 {
            2.0 + 18.0 * mass / max_mass
        } else {
            2.0
        };
        let color = if !x.additional {
            RGBColor(150, 150, 150)
        } else if net >= 0.0 {
            RGBColor(44, 140, 70)
        } else {
            RGBColor(200, 80, 50)
        };
        let style = color.mix(0.75).stroke_width(w.round() as u32);
        // Stop the shaft at the arrowhead.
        let dx = (x2 - x1) as f64;
        let dy = (y2 - y1) as f64;
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        let head = 14.0 + w;
        let bx = x2 as f64 - ux * head;
        let by = y2 as f64 - uy * head;
        if x.additional {
            root.draw(&PathElement::new(
                vec![(x1, y1), (bx as i32, by as i32)],
                style,
            ))
            .map_err(err)?;
        } else {
            // Dashes along the shaft.
            let n = (len / 18.0).floor() as i32;
            for s in 0..n.max(1) {
                let t0 = s as f64 * 18.0;
                let t1 = (t0 + 10.0).min(len - head);
                if t1 <= t0 {
                    break;
                }
                root.draw(&PathElement::new(
                    vec![
                        ((x1 as f64 + ux * t0) as i32, (y1 as f64 + uy * t0) as i32),
                        ((x1 as f64 + ux * t1) as i32, (y1 as f64 + uy * t1) as i32),
                    ],
                    style,
                ))
                .map_err(err)?;
            }
        }
        let half = head * 0.6;
        let tip = (x2, y2);
        let left = ((bx - uy * half) as i32, (by + ux * half) as i32);
        let right = ((bx + uy * half) as i32, (by - ux * half) as i32);
        root.draw(&Polygon::new(vec![tip, left, right], color.filled()))
            .map_err(err)?;
        // Label above the middle of the arrow.
        let (mx, my) = ((x1 + x2) / 2, (y1 + y2) / 2);
        let label = font(14.0).color(&ink);
        root.draw(&Text::new(
            format!("{} · {}", x.material.replace('_', " "), mass_text(mass)),
            (mx - 110, my - (w as i32) / 2 - 36),
            label,
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            format!(
                "net {}{}",
                co2e_text(net),
                if x.additional { "" } else { " (displacement)" }
            ),
            (mx - 110, my - (w as i32) / 2 - 19),
            font(13.0).color(&color),
        ))
        .map_err(err)?;
    }
    for (f, (id, name, inside)) in a.facilities.iter().enumerate() {
        let (x, y) = pos[f];
        let fill = if *inside {
            RGBColor(222, 235, 247)
        } else {
            RGBColor(232, 232, 232)
        };
        let border = if *inside {
            RGBColor(49, 110, 170)
        } else {
            RGBColor(110, 110, 110)
        };
        root.draw(&Rectangle::new(
            [(x, y), (x + BOX_W, y + BOX_H)],
            fill.filled(),
        ))
        .map_err(err)?;
        root.draw(&Rectangle::new(
            [(x, y), (x + BOX_W, y + BOX_H)],
            border.stroke_width(2),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            truncate(name, 38),
            (x + 10, y + 8),
            font(15.0).color(&ink),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            format!(
                "{id}{}",
                if *inside {
                    ""
                } else {
                    " · outside the region"
                }
            ),
            (x + 10, y + 30),
            font(12.0).color(&RGBColor(80, 80, 80)),
        ))
        .map_err(err)?;
    }
    Ok(())
}
