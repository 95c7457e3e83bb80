//! Targets (MODEL.md §10, §11.11): the metric in a year against a threshold.

use crate::eval::Workspace;
use crate::plan::Compiled;
use lcs_model::{Metric, Scenario, Threshold};

/// One target's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetResult {
    /// Target id.
    pub id: String,
    /// The year the target applies to.
    pub year: i32,
    /// The metric in that year (kt CO2e, or t CO2e per declared unit of the driver); `None`
    /// when undefined (an intensity over a zero driver).
    pub value: Option<f64>,
    /// The threshold in the same unit.
    pub threshold: Option<f64>,
    /// `value ≤ threshold`, no tolerance.
    pub met: bool,
}

fn metric(c: &Compiled, ws: &Workspace, m: &Metric, year: i32) -> Option<f64> {
    let y = (year - c.base_year) as usize;
    let total_t = *ws.out.co2e_t.get(y)?;
    match m {
        Metric::Emissions => Some(total_t / 1000.0),
        Metric::Intensity(d) => {
            let factor = c.labels.drivers[*d].2;
            let dv = ws.slot(c.n_years, c.driver_slots[*d], y) / factor;
            (dv != 0.0).then(|| total_t / dv)
        }
    }
}

/// Evaluates a scenario's targets from its full run and its reference run.
pub fn evaluate_targets(
    s: &Scenario,
    c: &Compiled,
    run: &Workspace,
    reference: &Workspace,
) -> Vec<TargetResult> {
    s.targets
        .iter()
        .map(|t| {
            let value = metric(c, run, &t.metric, t.year);
            let threshold = match &t.threshold {
                Threshold::Year { reduction, year } => {
                    metric(c, run, &t.metric, *year).map(|v| (1.0 - reduction) * v)
                }
                Threshold::Reference { reduction } => {
                    metric(c, reference, &t.metric, t.year).map(|v| (1.0 - reduction) * v)
                }
                Threshold::AtMost(v) => Some(*v),
            };
            let met = matches!((value, threshold), (Some(v), Some(th)) if v <= th);
            TargetResult {
                id: t.id.clone(),
                year: t.year,
                value,
                threshold,
                met,
            }
        })
        .collect()
}
