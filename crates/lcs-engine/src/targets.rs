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

/// Target `t`'s metric in its year and its threshold, from the full run and the
/// reference run, and whether it is met: `value ≤ threshold`, no tolerance, where the
/// threshold is `(1 − reduction) × metric(year)` of the run (`relative_to: YEAR`) or of the
/// reference run in the target's year (`relative_to: reference`), or the stated `at_most`.
/// The one rule behind [`evaluate_targets`] and [`targets_met`].
#[inline(always)]
fn outcome(
    c: &Compiled,
    t: &lcs_model::TargetSpec,
    run: &Workspace,
    reference: &Workspace,
) -> (Option<f64>, Option<f64>, bool) {
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
    (value, threshold, met)
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
            let (value, threshold, met) = outcome(c, t, run, reference);
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

/// Whether each of the scenario's targets is met, into `met` (as [`evaluate_targets`]'s
/// `met`, without allocating: an ensemble checks every target of every sample).
pub fn targets_met(
    s: &Scenario,
    c: &Compiled,
    run: &Workspace,
    reference: &Workspace,
    met: &mut [bool],
) {
    for (m, t) in met.iter_mut().zip(&s.targets) {
        *m = outcome(c, t, run, reference).2;
    }
}
