//! A waterfall chart (plotters), drawn through [`crate::charts::render`] like every chart:
//! a start column, one floating column per step from the running level, an end column,
//! each with its value written above it. Used by [`crate::decomposition`].

use crate::charts::{
    column_chart, draw_error, fit_range, font, legend_chart_size, px, rgb, split_legend,
    ChartError, Drawable, Rgb, Swatch,
};
use crate::tables::display_number;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Colour of the start and end columns.
pub(crate) const LEVEL: Rgb = (110, 110, 110);
/// Colour of a step that raises the level.
pub(crate) const UP: Rgb = (214, 39, 40);
/// Colour of a step that lowers it.
pub(crate) const DOWN: Rgb = (44, 160, 44);

/// A waterfall: `start`, then `steps` (label, change), then the end level.
#[derive(Clone, Debug)]
pub(crate) struct Waterfall {
    pub name: String,
    pub title: String,
    pub y_label: String,
    pub start: (String, f64),
    pub steps: Vec<(String, f64)>,
    pub end: (String, f64),
    pub legend_notes: Vec<String>,
}

impl Waterfall {
    fn legend_items(&self) -> Vec<(String, Swatch)> {
        vec![
            ("emissions".into(), Swatch::Fill(LEVEL, 0.9)),
            ("effect raising emissions".into(), Swatch::Fill(UP, 0.9)),
            ("effect lowering emissions".into(), Swatch::Fill(DOWN, 0.9)),
        ]
    }

    /// The columns: label, lower, upper, colour, value written above.
    fn columns(&self) -> Vec<(String, f64, f64, Rgb, String)> {
        let mut out = vec![(
            self.start.0.clone(),
            0.0,
            self.start.1,
            LEVEL,
            display_number(self.start.1, false),
        )];
        let mut level = self.start.1;
        for (label, v) in &self.steps {
            let sign = if *v > 0.0 { "+" } else { "" };
            out.push((
                label.clone(),
                level,
                level + v,
                if *v > 0.0 { UP } else { DOWN },
                format!("{sign}{}", display_number(*v, false)),
            ));
            level += v;
        }
        out.push((
            self.end.0.clone(),
            0.0,
            self.end.1,
            LEVEL,
            display_number(self.end.1, false),
        ));
        out
    }
}

impl Drawable for Waterfall {
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
        let cols = self.columns();
        let n = cols.len();
        let (y0, y1) = fit_range(cols.iter().flat_map(|c| [c.1, c.2]), false);
        // Room above the tallest column for its value.
        let y1 = y1 + 0.04 * (y1 - y0);
        let cats: Vec<String> = cols.iter().map(|c| c.0.clone()).collect();
        let mut chart = column_chart(&area, &self.title, &self.y_label, cats, (y0, y1), 14.0, k)?;
        let label_font = font(14.0 * k).color(&RGBColor(20, 20, 20));
        let plotting = chart.plotting_area().clone();
        for (i, (_, lo, hi, c, text)) in cols.iter().enumerate() {
            let x = i as f64;
            let (lo, hi) = (lo.min(*hi), lo.max(*hi));
            if hi > lo {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.32, lo), (x + 0.32, hi)],
                        rgb(*c).mix(0.9).filled(),
                    )))
                    .map_err(draw_error)?;
            }
            let p = plotting.map_coordinate(&(x, hi));
            let (tw, _) = label_font.font.box_size(text).unwrap_or((40, 14));
            root.draw(&Text::new(
                text.clone(),
                (p.0 - tw as i32 / 2, p.1 - px(22.0, k)),
                label_font.clone(),
            ))
            .map_err(draw_error)?;
        }
        if y0 < 0.0 {
            chart
                .draw_series(LineSeries::new(
                    [(-0.6, 0.0), (n as f64 - 0.4, 0.0)],
                    RGBColor(90, 90, 90).stroke_width(px(1.0, k).max(1) as u32),
                ))
                .map_err(draw_error)?;
        }
        Ok(())
    }
}
