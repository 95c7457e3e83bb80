//! Marginal abatement cost curves (`lcs macc`, docs/COSTS.md): the `macc.csv` and
//! `costs.csv` layouts and the MACC chart (bar width = abatement, height = cost per t CO2e,
//! each bar labelled with its action, the target's required reduction as a vertical line),
//! drawn once per backend (SVG, PNG).

use crate::charts::{draw_error, font, Chart, ChartError, Drawable};
use crate::output::{field, num};
use crate::tables::display_number;
use lcs_costs::{method_name, Appraisal, Convention, MaccRow};
use plotters::coord::Shift;
use plotters::prelude::*;

/// What the chart and `macc.csv` show.
#[derive(Clone, Debug)]
pub struct Macc {
    /// Scenario id.
    pub scenario: String,
    /// The appraisal year.
    pub year: i32,
    /// Attribution method name.
    pub method: &'static str,
    /// The cost-per-tonne convention.
    pub convention: Convention,
    /// Currency of the costs.
    pub currency: String,
    /// Their price year.
    pub price_year: i32,
    /// Rows, sorted by cost (actions off the curve last).
    pub rows: Vec<MaccRow>,
    /// The target drawn as a line: its id and the reduction it requires, t CO2e.
    pub required: Option<(String, f64)>,
}

impl Macc {
    /// The MACC of an appraisal under a convention.
    pub fn of(a: &Appraisal, convention: Convention, required: Option<(String, f64)>) -> Macc {
        Macc {
            scenario: a.scenario.clone(),
            year: a.year,
            method: method_name(a.method),
            convention,
            currency: a.basis.currency.clone(),
            price_year: a.basis.price_year,
            rows: lcs_costs::macc(a, convention),
            required,
        }
    }

    /// The abatement unit: t CO2e in the year, or over the horizon.
    pub fn unit(&self) -> String {
        match self.convention {
            Convention::Year => format!("t CO2e in {}", self.year),
            Convention::Cumulative => "t CO2e cumulative".to_string(),
        }
    }

    /// `macc.csv`: `action,name,abatement,unit,cost_per_t,currency,price_year,method,convention`,
    /// sorted by cost; an action without cost data has an empty `cost_per_t`.
    pub fn csv(&self) -> String {
        let mut s = String::from(
            "action,name,abatement,unit,cost_per_t,currency,price_year,method,convention\n",
        );
        let unit = self.unit();
        for r in &self.rows {
            s.push_str(&format!(
                "{},{},{},{},{},{},{},{},{}\n",
                field(&r.id),
                field(&r.name),
                num(Some(r.abatement_t)),
                field(&unit),
                num(r.cost_per_t),
                field(&self.currency),
                self.price_year,
                self.method,
                self.convention.name()
            ));
        }
        s
    }
}

impl Macc {
    /// The MACC's part of a plan chapter (docs/COSTS.md, "The plan chapter of `lcs
    /// report`"): the chart, the curve's table `macc-<scenario>` and a note with the target
    /// line.
    pub fn items(&self, a: &Appraisal, dpi: u32) -> Result<Vec<crate::Item>, crate::ReportError> {
        let mut t = crate::TableBuilder::new();
        let (c_id, c_name, c_ab, c_cost, c_npv) = (
            t.text("action"),
            t.text("name"),
            t.number(&format!("abatement [{}]", self.unit())),
            t.number(&format!("cost [{}/t CO2e]", self.currency)),
            t.number(&format!("NPV [{} million]", self.currency)),
        );
        for r in &self.rows {
            t.push_text(c_id, r.id.clone());
            t.push_text(c_name, r.name.clone());
            t.push_number(c_ab, Some(r.abatement_t));
            t.push_number(c_cost, r.cost_per_t);
            let npv = a.actions.iter().find(|x| x.id == r.id).and_then(|x| x.npv);
            t.push_number(c_npv, npv.map(|v| v / 1e6));
        }
        let note = format!(
            "{} attribution, {} convention; {} at {} prices, discount rate {} to {}; {} energy prices. Actions without cost data have no cost (never a zero cost).",
            self.method,
            self.convention.name(),
            self.currency,
            self.price_year,
            a.discount_rate,
            a.discount_year,
            a.price_kind
        );
        let table = t.finish(
            &format!("macc-{}", self.scenario),
            &format!("Abatement cost curve, {} ({})", self.scenario, self.year),
            &note,
        )?;
        let mut items = vec![
            crate::Item::Chart(render(self, dpi)?),
            crate::Item::Table(table),
        ];
        if let Some((id, r)) = &self.required {
            items.push(crate::Item::Note(format!(
                "Target `{id}` requires a reduction of {:.0} t CO2e in {} (the vertical line of the MACC).",
                r, self.year
            )));
        }
        Ok(items)
    }
}

/// `costs.csv`: one row per action with its discounted costs, NPV, annualised cost,
/// abatement and both costs per tonne; cost columns are empty for an action without cost
/// data (its energy cost change is still given).
pub fn costs_csv(a: &Appraisal) -> String {
    let mut s = String::from("action,name,cost_data,investment_pv,operating_pv,energy_pv,npv,annualised,abatement_year,abatement_cumulative,abatement_discounted,cost_per_t_year,cost_per_t_cumulative,currency,price_year,discount_rate,discount_year,year,method,prices\n");
    let prices = match &a.price_set {
        Some(p) => format!("{} ({})", p, a.price_kind),
        None => a.price_kind.to_string(),
    };
    for x in &a.actions {
        let c = |v: f64| {
            if x.has_cost {
                num(Some(v))
            } else {
                String::new()
            }
        };
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            field(&x.id),
            field(&x.name),
            if x.has_cost { "yes" } else { "no" },
            c(x.investment_pv),
            c(x.operating_pv),
            num(Some(x.energy_pv)),
            num(x.npv),
            num(x.annualised),
            num(Some(x.abatement_year_t)),
            num(Some(x.abatement_cumulative_t)),
            num(Some(x.abatement_discounted_t)),
            num(x.cost_per_t_year),
            num(x.cost_per_t_cumulative),
            field(&a.basis.currency),
            a.basis.price_year,
            num(Some(a.discount_rate)),
            a.discount_year,
            a.year,
            method_name(a.method),
            field(&prices)
        ));
    }
    s
}

const W: u32 = 1100;
const H: u32 = 620;

/// Colour `i` of the MACC's bars: the first ten colours of the report palette
/// ([`crate::charts::palette`], Tableau 10), repeating.
fn palette(i: usize) -> RGBColor {
    let (r, g, b) = crate::charts::palette(i % 10);
    RGBColor(r, g, b)
}

impl Macc {
    /// The chart's file stem, `macc-<scenario>`.
    pub fn chart_name(&self) -> String {
        format!("macc-{}", self.scenario)
    }
}

/// The chart's title and name are computed once, so `Drawable` can lend them.
struct MaccChart<'a> {
    m: &'a Macc,
    name: String,
    title: String,
}

impl Drawable for MaccChart<'_> {
    fn name(&self) -> &str {
        &self.name
    }
    fn title(&self) -> &str {
        &self.title
    }
    fn size(&self) -> (u32, u32) {
        (W, H)
    }
    fn legend(&self) -> Vec<String> {
        self.m
            .rows
            .iter()
            .filter(|r| r.note.is_none())
            .map(|r| r.id.clone())
            .collect()
    }
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), ChartError> {
        draw(root, self.m, k)
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    m: &Macc,
    k: f64,
) -> Result<(), ChartError> {
    let err = draw_error::<DB::ErrorType>;
    let px = |v: f64| (v * k).round() as u32;
    let f = |size: f64| font(size * k);
    root.fill(&WHITE).map_err(err)?;
    let on: Vec<&MaccRow> = m.rows.iter().filter(|r| r.note.is_none()).collect();
    let off: Vec<&MaccRow> = m.rows.iter().filter(|r| r.note.is_some()).collect();
    // kt on the x axis.
    let total: f64 = on.iter().map(|r| r.abatement_t / 1000.0).sum();
    let required = m.required.as_ref().map(|(_, t)| t / 1000.0);
    let x_max = total.max(required.unwrap_or(0.0)).max(1e-9) * 1.05;
    let (lo, hi) = cost_axis(&on);
    let pad = 0.12 * (hi - lo);
    let title = format!(
        "MACC {} ({}): {} {} prices, {} attribution, {} convention",
        m.scenario,
        m.year,
        m.currency,
        m.price_year,
        m.method,
        m.convention.name()
    );
    let mut chart = ChartBuilder::on(root)
        .caption(&title, f(18.0))
        .margin(px(16.0))
        .x_label_area_size(px(48.0))
        .y_label_area_size(px(80.0))
        .build_cartesian_2d(0.0..x_max, (lo - pad)..(hi + pad))
        .map_err(err)?;
    let x_desc = match m.convention {
        Convention::Year => format!("abatement in {} (kt CO2e)", m.year),
        Convention::Cumulative => "cumulative abatement (kt CO2e)".to_string(),
    };
    chart
        .configure_mesh()
        .x_desc(x_desc.as_str())
        .y_desc(format!("{}/t CO2e", m.currency).as_str())
        .label_style(f(13.0))
        .axis_desc_style(f(14.0))
        .light_line_style(RGBColor(240, 240, 240))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            [(0.0, 0.0), (x_max, 0.0)],
            RGBColor(90, 90, 90).stroke_width(px(1.0).max(1)),
        ))
        .map_err(err)?;
    let mut x = 0.0;
    for (i, r) in on.iter().enumerate() {
        let w = r.abatement_t / 1000.0;
        let cost = r.cost_per_t.unwrap_or(0.0);
        // A bar off the axis (see `cost_axis`) ends at the edge and says its value.
        let c = cost.clamp(lo - 0.5 * pad, hi + 0.5 * pad);
        let label = if c == cost {
            r.id.clone()
        } else {
            format!("{} ({} off scale)", r.id, display_number(cost, false))
        };
        let color = palette(i);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x, 0.0), (x + w, c)],
                color.mix(0.85).filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x, 0.0), (x + w, c)],
                WHITE.stroke_width(px(1.0).max(1)),
            )))
            .map_err(err)?;
        // The label above a positive bar, below a negative one.
        let ly = if c >= 0.0 {
            c + 0.03 * (hi - lo)
        } else {
            c - 0.06 * (hi - lo)
        };
        chart
            .draw_series(std::iter::once(Text::new(
                label,
                (x + 0.5 * w, ly),
                TextStyle::from(f(12.0)).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Bottom,
                )),
            )))
            .map_err(err)?;
        x += w;
    }
    if let (Some(req), Some((id, _))) = (required, &m.required) {
        let red = RGBColor(200, 30, 30);
        chart
            .draw_series(LineSeries::new(
                [(req, lo - pad), (req, hi + pad)],
                red.stroke_width(px(2.0).max(1)),
            ))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("target {id}: {req:.3} kt "),
                (req, hi + 0.6 * pad),
                f(13.0)
                    .color(&red)
                    .pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Right,
                        plotters::style::text_anchor::VPos::Center,
                    )),
            )))
            .map_err(err)?;
    }
    if !off.is_empty() {
        let list: Vec<String> = off
            .iter()
            .map(|r| format!("{} ({})", r.id, r.note.unwrap_or("")))
            .collect();
        root.draw(&Text::new(
            format!("not on the curve: {}", list.join(", ")),
            (px(90.0) as i32, px(H as f64 - 16.0) as i32),
            f(12.0),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// The cost axis of the curve, `(lo, hi)` in currency per t CO2e, always including 0: the
/// range of the bars' costs, unless bars that each hold less than 1 % of the curve's
/// abatement stretch it to more than three times the range of the others; those bars are then
/// drawn to the axis edge with their value written beside their id, so that one narrow,
/// costly bar does not flatten the whole curve.
fn cost_axis(on: &[&MaccRow]) -> (f64, f64) {
    let total: f64 = on.iter().map(|r| r.abatement_t.abs()).sum();
    let range = |rows: &mut dyn Iterator<Item = &&MaccRow>| {
        rows.map(|r| r.cost_per_t.unwrap_or(0.0))
            .fold((0.0f64, 0.0f64), |(lo, hi), c| (lo.min(c), hi.max(c)))
    };
    let (lo, hi) = range(&mut on.iter());
    let (mlo, mhi) = range(&mut on.iter().filter(|r| r.abatement_t.abs() >= 0.01 * total));
    let (lo, hi) = if mhi - mlo > 0.0 && hi - lo > 3.0 * (mhi - mlo) {
        (mlo, mhi)
    } else {
        (lo, hi)
    };
    if hi - lo <= 0.0 {
        (lo, lo + 1.0)
    } else {
        (lo, hi)
    }
}

/// Renders the MACC as SVG and PNG (at `dpi`, as every chart of the report).
pub fn render(m: &Macc, dpi: u32) -> Result<Chart, crate::ReportError> {
    let chart = MaccChart {
        m,
        name: m.chart_name(),
        title: format!("MACC {} {}", m.scenario, m.year),
    };
    crate::charts::render(&chart, dpi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, a: f64, c: Option<f64>, note: Option<&'static str>) -> MaccRow {
        MaccRow {
            id: id.into(),
            name: format!("{id} name"),
            abatement_t: a,
            cost_per_t: c,
            note,
        }
    }

    #[test]
    fn a_narrow_costly_bar_goes_off_scale_and_the_others_keep_the_axis() {
        // Abatement 1,000 + 900 + 5 = 1,905 t; 1 % of it is 19.05 t, so D (5 t) is narrow.
        // Its 5,000 MYR/t would make the axis -100..5,000 (5,100), more than three times the
        // others' range -100..50 (150): the axis is -100..50 and D is clipped.
        let (a, b, d) = (
            row("A", 1000.0, Some(-100.0), None),
            row("B", 900.0, Some(50.0), None),
            row("D", 5.0, Some(5000.0), None),
        );
        assert_eq!(cost_axis(&[&a, &b, &d]), (-100.0, 50.0));
        // At 300 MYR/t D stretches the range to 400, less than 3 × 150 = 450: nothing is
        // clipped (at 400 MYR/t, 500 > 450, it would be).
        let d = row("D", 5.0, Some(300.0), None);
        assert_eq!(cost_axis(&[&a, &b, &d]), (-100.0, 300.0));
        let d = row("D", 5.0, Some(400.0), None);
        assert_eq!(cost_axis(&[&a, &b, &d]), (-100.0, 50.0));
        // A wide bar is never clipped however costly: the range always includes 0.
        let d = row("D", 500.0, Some(5000.0), None);
        assert_eq!(cost_axis(&[&a, &b, &d]), (-100.0, 5000.0));
        assert_eq!(cost_axis(&[&row("Z", 5.0, Some(0.0), None)]), (0.0, 1.0));
        // The chart names the clipped bar's value.
        let m = Macc {
            scenario: "s".into(),
            year: 2025,
            method: "shapley",
            convention: Convention::Year,
            currency: "MYR".into(),
            price_year: 2020,
            rows: vec![a, b, row("D", 5.0, Some(5000.0), None)],
            required: None,
        };
        let svg = render(&m, 72).expect("chart").svg;
        assert!(svg.contains("D (5,000 off scale)"), "{svg}");
        assert!(!svg.contains("A (") && !svg.contains("B ("));
    }

    #[test]
    fn csv_lists_the_convention_and_actions_without_cost() {
        let m = Macc {
            scenario: "s".into(),
            year: 2025,
            method: "shapley",
            convention: Convention::Year,
            currency: "MYR".into(),
            price_year: 2020,
            rows: vec![
                row("A2", 1500.0, Some(-20.0), None),
                row("A1", 500.0, Some(35.5), None),
                row("A3", 100.0, None, Some("no cost data")),
            ],
            required: Some(("t".into(), 1800.0)),
        };
        let csv = m.csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "action,name,abatement,unit,cost_per_t,currency,price_year,method,convention"
        );
        assert_eq!(
            lines[1],
            "A2,A2 name,1500.0,t CO2e in 2025,-20.0,MYR,2020,shapley,year"
        );
        assert_eq!(
            lines[3],
            "A3,A3 name,100.0,t CO2e in 2025,,MYR,2020,shapley,year"
        );
        let chart = render(&m, 72).unwrap();
        assert!(chart.svg.contains("A2") && chart.svg.contains("target t"));
        assert!(chart.svg.contains("not on the curve: A3 (no cost data)"));
        assert_eq!(&chart.png[1..4], b"PNG");
    }
}
