//! Adjusting the measures of a compiled scenario without compiling it again
//! (docs/EXTENSIONS.md, "Adjusting inherited actions").
//!
//! An adjustment of a measure is an ambition `a ≥ 0` and a move of `d` years:
//!
//! ```text
//! r'(y) = a × r(y − d)
//! ```
//!
//! with `r` the ramp weight of the measure's schedule as written (MODEL.md §9). For `scale`,
//! `add`, `shift` and `generation`, multiplying the weight by `a` is multiplying the
//! measure's size (`by`, `amount`, the generation) by `a`; for `set` it moves the series `a`
//! times as far towards `value`. Moving by `d` moves `start`, `full` and `until` by `d`.
//!
//! A scenario's `adjust:` entries are applied when it is compiled
//! ([`lcs_model::Scenario::measure_adjustment`]); target seeking and the lever explorer
//! change them afterwards with [`Compiled::set_adjustments`], which rewrites only the
//! compiled measures' weights (no allocation beyond the weight rows it already has).

use crate::plan::Compiled;
use lcs_levers::Schedule;

/// An adjustment of one compiled measure: `r'(y) = ambition × r(y − shift)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeasureAdjust {
    /// Multiplier of the ramp weight (1 = as written).
    pub ambition: f64,
    /// Years the schedule moves (positive: later).
    pub shift: i32,
}

impl Default for MeasureAdjust {
    fn default() -> Self {
        MeasureAdjust {
            ambition: 1.0,
            shift: 0,
        }
    }
}

/// The ramp weights of an adjusted schedule over `first..=last`:
/// `r'(y) = ambition × r(y − shift)`.
pub fn adjusted_weights(s: &Schedule, adj: MeasureAdjust, first: i32, last: i32) -> Vec<f64> {
    let mut w = Vec::with_capacity((last - first + 1).max(0) as usize);
    fill_weights(s, adj, first, &mut w, (last - first + 1).max(0) as usize);
    w
}

fn fill_weights(s: &Schedule, adj: MeasureAdjust, first: i32, out: &mut Vec<f64>, n: usize) {
    out.clear();
    let moved = Schedule {
        start: s.start.saturating_add(adj.shift),
        full: s.full.saturating_add(adj.shift),
        ramp: s.ramp,
        until: s.until.map(|u| u.saturating_add(adj.shift)),
    };
    for k in 0..n {
        let r = moved.weight(first + k as i32);
        // `1 × r` is `r` bit for bit, so an unadjusted measure keeps MODEL.md's weights.
        out.push(if adj.ambition == 1.0 {
            r
        } else {
            adj.ambition * r
        });
    }
}

impl Compiled {
    /// Number of compiled measures (all actions, in application order).
    pub fn n_measures(&self) -> usize {
        self.ops.len()
    }

    /// The (action index, measure index within the action) of compiled measure `op`.
    pub fn measure_of(&self, op: usize) -> (usize, usize) {
        (self.ops[op].action, self.ops[op].measure)
    }

    /// The schedule of compiled measure `op` as written (before any adjustment).
    pub fn measure_schedule(&self, op: usize) -> Schedule {
        self.ops[op].schedule
    }

    /// The compiled measures of an action.
    pub fn measures_of_action(&self, action: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.ops.len()).filter(move |&i| self.ops[i].action == action)
    }

    /// The adjustment in force for every compiled measure.
    pub fn adjustments(&self) -> Vec<MeasureAdjust> {
        self.ops.iter().map(|o| o.adjust).collect()
    }

    /// The ramp weights in force of compiled measure `op`, one per model year.
    pub fn measure_weights(&self, op: usize) -> &[f64] {
        &self.ops[op].weights
    }

    /// Replaces the adjustment of every compiled measure (`adj[op]`) and rewrites their
    /// weights. `adj` has one entry per compiled measure ([`Compiled::n_measures`]).
    pub fn set_adjustments(&mut self, adj: &[MeasureAdjust]) {
        debug_assert_eq!(adj.len(), self.ops.len());
        let (first, n) = (self.base_year, self.n_years);
        for (o, a) in self.ops.iter_mut().zip(adj) {
            if o.adjust == *a {
                continue;
            }
            o.adjust = *a;
            fill_weights(&o.schedule, *a, first, &mut o.weights, n);
        }
    }

    /// The ids of the fuels in the run, in the order of [`crate::Outputs::fe_fuel_gj`]'s rows.
    pub fn fuel_ids(&self) -> &[String] {
        &self.labels.fuels
    }

    /// Action ids, in order.
    pub fn action_ids(&self) -> &[String] {
        &self.labels.action_ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lcs_levers::Ramp;

    #[test]
    fn ambition_multiplies_and_shift_moves_the_ramp() {
        let s = Schedule {
            start: 2020,
            full: 2024,
            ramp: Ramp::Linear,
            until: None,
        };
        // Linear ramp 2020-2024: r = 0, .25, .5, .75, 1 in 2020..2024.
        let w = adjusted_weights(&s, MeasureAdjust::default(), 2019, 2025);
        assert_eq!(w, vec![0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0]);
        // Ambition 0.8: 0.8 × r.
        let w = adjusted_weights(
            &s,
            MeasureAdjust {
                ambition: 0.8,
                shift: 0,
            },
            2019,
            2025,
        );
        let want = [0.0, 0.0, 0.2, 0.4, 0.6, 0.8, 0.8];
        assert!(
            w.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-15),
            "{w:?}"
        );
        // Start two years earlier: 2018-2022, r(2019) = 0.25.
        let w = adjusted_weights(
            &s,
            MeasureAdjust {
                ambition: 1.0,
                shift: -2,
            },
            2019,
            2025,
        );
        assert_eq!(w, vec![0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0]);
    }
}
