//! The lever state of the explorer and the `adjust:` entries it stands for
//! (docs/EXPLORER.md, "Levers"; docs/EXTENSIONS.md, "Adjusting inherited actions").
//!
//! One lever per action: an ambition `a` (a multiplier of the ramp weight of every measure
//! of the action, `r'(y) = a × r(y)`, 0–1.5, 1 = the measures' sizes as written) and a start
//! year (the action's earliest measure starts then, the others keep their offsets). A lever
//! equal to the file's value is no entry; a lever that differs is the action's `adjust:`
//! entry `{ ambition: a, start: s }` (only the keys that differ), merged into the served
//! scenario's own `adjust:` list with [`lcs_model::merge_adjustment`]. Each compiled measure
//! then takes [`lcs_model::measure_adjustment_in`] of the merged list, the same function the
//! engine applies when it compiles a file with those entries, so the exported scenario
//! (`extends:` the served file, plus the entries) evaluates to the same numbers, bit for bit.

use crate::error::ApiError;
use lcs_engine::adjust::MeasureAdjust;
use lcs_engine::Compiled;
use lcs_model::{measure_adjustment_in, merge_adjustment, Adjustment, Scenario};

/// The largest ambition a lever takes (150 % of the measures' sizes), unless the served
/// file's own `adjust:` entry is larger.
pub const MAX_AMBITION: f64 = 1.5;

/// One action's lever.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lever {
    /// Multiplier of the ramp weight of every measure of the action (1 = as written).
    pub ambition: f64,
    /// The year the action's earliest measure starts.
    pub start: i32,
}

/// The range a lever may take for one action.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeverRange {
    /// Largest ambition (at least [`MAX_AMBITION`]).
    pub max_ambition: f64,
    /// Earliest start year (the model's base year, or the file's start when earlier).
    pub first_start: i32,
    /// Latest start year (the model's last year, or the file's start when later).
    pub last_start: i32,
}

/// A lever as a request gives it: either key may be missing (then the file's value holds).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LeverInput {
    /// Ambition, 0–1.5.
    pub ambition: Option<f64>,
    /// Start year, a whole number.
    pub start: Option<f64>,
}

/// The file's own lever of each action: the ambition of its action-level `adjust:` entry
/// (1 without one), and the entry's start, else the earliest start of its measures.
pub fn file_levers(s: &Scenario) -> Vec<Lever> {
    s.actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let entry = s
                .adjust
                .iter()
                .find(|x| x.action == i && x.measure.is_none());
            let earliest = a
                .measures
                .iter()
                .map(|m| m.schedule.start)
                .min()
                .unwrap_or(s.model.base_year);
            Lever {
                ambition: entry.and_then(|e| e.ambition).unwrap_or(1.0),
                start: entry.and_then(|e| e.start).unwrap_or(earliest),
            }
        })
        .collect()
}

/// The range of each action's lever.
pub fn lever_ranges(s: &Scenario, file: &[Lever]) -> Vec<LeverRange> {
    file.iter()
        .map(|l| LeverRange {
            max_ambition: MAX_AMBITION.max(l.ambition),
            first_start: s.model.base_year.min(l.start),
            last_start: s.model.end_year.max(l.start),
        })
        .collect()
}

/// Checks the levers of a request and completes them with the file's values: one
/// [`Lever`] per action, in action order. Keys name actions by id.
pub fn resolve(
    s: &Scenario,
    file: &[Lever],
    ranges: &[LeverRange],
    input: &[(String, LeverInput)],
) -> Result<Vec<Lever>, ApiError> {
    let mut out = file.to_vec();
    for (key, lever) in input {
        let Some(i) = s.actions.iter().position(|a| a.id == *key) else {
            return Err(ApiError::UnknownAction {
                scenario: s.id.clone(),
                found: key.clone(),
                nearest: lcs_units::nearest(key, s.actions.iter().map(|a| a.id.as_str())),
            });
        };
        let r = ranges[i];
        if let Some(a) = lever.ambition {
            if !(a.is_finite() && (0.0..=r.max_ambition).contains(&a)) {
                return Err(ApiError::AmbitionOutOfRange {
                    action: key.clone(),
                    found: a,
                    max: r.max_ambition,
                });
            }
            out[i].ambition = a;
        }
        if let Some(y) = lever.start {
            if y.fract() != 0.0 || !y.is_finite() {
                return Err(ApiError::StartNotWhole {
                    action: key.clone(),
                    found: y,
                });
            }
            if y < r.first_start as f64 || y > r.last_start as f64 {
                return Err(ApiError::StartOutOfRange {
                    action: key.clone(),
                    found: y,
                    first: r.first_start,
                    last: r.last_start,
                });
            }
            out[i].start = y as i32;
        }
    }
    Ok(out)
}

/// The `adjust:` entries of a lever state: one per action whose lever differs from the
/// file's, with the keys that differ, in action order.
pub fn entries(s: &Scenario, file: &[Lever], levers: &[Lever]) -> Vec<Adjustment> {
    levers
        .iter()
        .zip(file)
        .enumerate()
        .filter(|(_, (l, f))| l != f)
        .map(|(i, (l, f))| Adjustment {
            action: i,
            measure: None,
            ambition: (l.ambition != f.ambition).then_some(l.ambition),
            start: (l.start != f.start).then_some(l.start),
            key: s.actions[i].id.clone(),
            span: s.span,
        })
        .collect()
}

/// The adjustment of every compiled measure under a lever state: the scenario's own
/// `adjust:` list with the lever entries merged in, through
/// [`lcs_model::measure_adjustment_in`]. `out` gets one entry per compiled measure.
pub fn measure_adjustments(
    s: &Scenario,
    c: &Compiled,
    entries: &[Adjustment],
    out: &mut Vec<MeasureAdjust>,
) {
    let mut list = s.adjust.clone();
    for e in entries {
        merge_adjustment(&mut list, e.clone());
    }
    out.clear();
    for op in 0..c.n_measures() {
        let (a, m) = c.measure_of(op);
        let (ambition, shift) = measure_adjustment_in(&s.actions, &list, a, m);
        out.push(MeasureAdjust { ambition, shift });
    }
}
