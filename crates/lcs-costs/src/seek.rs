//! Target seeking (docs/COSTS.md, "Seeking a target").
//!
//! The margin of target `T` under a varied value `x` is `g(x) = m_T(x) − θ_T(x)`, the
//! metric minus its threshold from the engine's run of the scenario with the adjustment
//! `x` (MODEL.md §10; the target is met when `g ≤ 0`). `x` is
//!
//! - `ambition`: a multiplier `k ≥ 0` of the chosen actions' ramp weights, written as
//!   `adjust: { A: { ambition: k × a_A } }` (`a_A` the action's ambition in the input);
//! - `start`: a common start year `s` of the chosen actions, `adjust: { A: { start: s } }`;
//! - a measure: a multiplier of one measure's ramp weight (its size).
//!
//! `g` falls as the ambition grows and rises as the start moves later. The search brackets
//! the answer (ambition: 0, 1, then doubling up to the allowed maximum; start: the model's
//! base year and the target year), then narrows the bracket `[lo, hi]` with `g(lo) > 0 ≥
//! g(hi)` by false position with the Illinois modification, halving whenever a step does not
//! shrink the bracket by half, until `|g(hi)| ≤ 5e-7 × |θ|` (so the margin of the answer is
//! at most 1e-6 relative) or the bracket is 1e-15 wide. The answer is always the met end
//! `hi`. Every evaluation is kept, and `g` must be monotone over them (within 1e-9
//! relative); when it is not, the outcome says where.
//!
//! Each evaluation sets the compiled measures' weights through
//! [`lcs_engine::Compiled::set_adjustments`] with the adjustments that
//! [`lcs_model::measure_adjustment_in`] gives for the merged `adjust:` list, so the scenario
//! file written from the outcome evaluates to the same numbers, bit for bit.

use crate::appraise::{appraise, Options};
use crate::{macc, Convention, CostError};
use lcs_engine::adjust::MeasureAdjust;
use lcs_engine::{evaluate, evaluate_targets, Compiled, Method, Workspace};
use lcs_model::{measure_adjustment_in, merge_adjustment, Adjustment, Scenario};

/// What a seek varies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Vary {
    /// A uniform multiplier of the chosen actions' ramp weights.
    Ambition,
    /// A common start year of the chosen actions.
    Start,
    /// The size (ramp weight multiplier) of one measure.
    Measure {
        /// Action index.
        action: usize,
        /// Measure index in the action.
        measure: usize,
    },
}

/// A seek.
#[derive(Clone, Debug)]
pub struct SeekSpec {
    /// Index of the target in the scenario's targets.
    pub target: usize,
    /// What is varied.
    pub vary: Vary,
    /// The actions varied (ambition and start); all actions when empty.
    pub actions: Vec<usize>,
    /// The largest ambition multiplier allowed.
    pub max_ambition: f64,
}

/// The outcome of a seek.
#[derive(Clone, Debug, PartialEq)]
pub struct SeekOutcome {
    /// Target id.
    pub target: String,
    /// Whether some value in the allowed range meets the target.
    pub feasible: bool,
    /// The answer (when feasible) or the best reachable value: an ambition multiplier, or a
    /// start year.
    pub value: f64,
    /// Whether the answer lies strictly inside the range (then `margin` is within 1e-6 of 0).
    pub interior: bool,
    /// The allowed range.
    pub range: (f64, f64),
    /// The target's metric at the answer.
    pub metric: f64,
    /// Its threshold at the answer.
    pub threshold: f64,
    /// `metric − threshold` (≤ 0 when met).
    pub margin: f64,
    /// Full-model evaluations used.
    pub evaluations: usize,
    /// `None` when `g` was monotone over every evaluation; else two values `(x1, x2)` where
    /// it was not.
    pub not_monotone: Option<(f64, f64)>,
    /// The `adjust:` entries that give the answer (to merge into the input's).
    pub adjust: Vec<Adjustment>,
}

/// Errors of a seek beyond [`CostError`]'s.
fn no_effect(target: &str) -> CostError {
    CostError::NoEffect {
        target: target.to_string(),
    }
}

struct Evaluator<'a> {
    s: &'a Scenario,
    c: &'a mut Compiled,
    ws: Workspace,
    reference: Workspace,
    target: usize,
    evaluations: usize,
    per_op: Vec<MeasureAdjust>,
}

impl Evaluator<'_> {
    fn new<'a>(
        s: &'a Scenario,
        c: &'a mut Compiled,
        target: usize,
    ) -> Result<Evaluator<'a>, CostError> {
        let mut reference = Workspace::new(c);
        evaluate(c, &mut reference, &vec![false; c.n_actions()])?;
        let ws = Workspace::new(c);
        let per_op = c.adjustments();
        Ok(Evaluator {
            s,
            c,
            ws,
            reference,
            target,
            evaluations: 0,
            per_op,
        })
    }

    /// `(metric, threshold)` with the scenario's `adjust:` merged with `extra`.
    fn eval(&mut self, extra: &[Adjustment]) -> Result<(f64, f64), CostError> {
        let mut list = self.s.adjust.clone();
        for a in extra {
            merge_adjustment(&mut list, a.clone());
        }
        for op in 0..self.c.n_measures() {
            let (a, m) = self.c.measure_of(op);
            let (ambition, shift) = measure_adjustment_in(&self.s.actions, &list, a, m);
            self.per_op[op] = MeasureAdjust { ambition, shift };
        }
        self.c.set_adjustments(&self.per_op);
        self.evaluations += 1;
        evaluate(self.c, &mut self.ws, &vec![true; self.c.n_actions()])?;
        let t = &evaluate_targets(self.s, self.c, &self.ws, &self.reference)[self.target];
        match (t.value, t.threshold) {
            (Some(v), Some(th)) => Ok((v, th)),
            _ => Err(CostError::TargetUndefined {
                target: t.id.clone(),
            }),
        }
    }
}

fn key_of(s: &Scenario, action: usize, measure: Option<usize>) -> String {
    let a = &s.actions[action];
    match measure {
        None => a.id.clone(),
        Some(m) => {
            let id = &a.measures[m].id;
            let unique = s
                .actions
                .iter()
                .flat_map(|x| &x.measures)
                .filter(|x| x.id == *id)
                .count()
                == 1
                && s.actions.iter().all(|x| x.id != *id);
            if unique {
                id.clone()
            } else {
                format!("{}.{id}", a.id)
            }
        }
    }
}

/// The ambition of the input's own entry for (action, measure), 1 when it has none.
fn own_ambition(s: &Scenario, action: usize, measure: Option<usize>) -> f64 {
    s.adjust
        .iter()
        .find(|x| x.action == action && x.measure == measure)
        .and_then(|x| x.ambition)
        .unwrap_or(1.0)
}

fn entries(s: &Scenario, spec: &SeekSpec, actions: &[usize], x: f64) -> Vec<Adjustment> {
    let span = s.span;
    match spec.vary {
        Vary::Ambition => actions
            .iter()
            .map(|&a| Adjustment {
                action: a,
                measure: None,
                ambition: Some(x * own_ambition(s, a, None)),
                start: None,
                key: key_of(s, a, None),
                span,
            })
            .collect(),
        Vary::Start => actions
            .iter()
            .map(|&a| Adjustment {
                action: a,
                measure: None,
                ambition: None,
                start: Some(x as i32),
                key: key_of(s, a, None),
                span,
            })
            .collect(),
        Vary::Measure { action, measure } => vec![Adjustment {
            action,
            measure: Some(measure),
            ambition: Some(x * own_ambition(s, action, Some(measure))),
            start: None,
            key: key_of(s, action, Some(measure)),
            span,
        }],
    }
}

/// Finds the value of `spec.vary` that meets the target (module docs).
pub fn seek(s: &Scenario, c: &mut Compiled, spec: &SeekSpec) -> Result<SeekOutcome, CostError> {
    let actions: Vec<usize> = if spec.actions.is_empty() {
        (0..s.actions.len()).collect()
    } else {
        spec.actions.clone()
    };
    let target_id = s.targets[spec.target].id.clone();
    let start = c.adjustments();
    let mut ev = Evaluator::new(s, c, spec.target)?;
    let mut seen: Vec<(f64, f64)> = Vec::new();
    // g(x) and the threshold; `None` when the run fails at x (a share broken, say).
    let mut g = |x: f64, ev: &mut Evaluator| -> Result<Option<(f64, f64, f64)>, CostError> {
        match ev.eval(&entries(s, spec, &actions, x)) {
            Ok((v, th)) => {
                seen.push((x, v - th));
                Ok(Some((v - th, v, th)))
            }
            Err(CostError::Run(_)) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let tol = |th: f64| 5e-7 * th.abs().max(1e-300);
    let (outcome_x, feasible, interior, range) = match spec.vary {
        Vary::Ambition | Vary::Measure { .. } => {
            let max = spec.max_ambition;
            let Some(g1) = g(1.0f64.min(max), &mut ev)? else {
                let x = 1.0f64.min(max);
                let e = ev.eval(&entries(s, spec, &actions, x)).unwrap_err();
                return Err(e);
            };
            let Some(g0) = g(0.0, &mut ev)? else {
                return Err(no_effect(&target_id));
            };
            if (g0.0 - g1.0).abs() <= 1e-12 * g1.2.abs().max(1.0) {
                return Err(no_effect(&target_id));
            }
            if g0.0 <= 0.0 {
                (0.0, true, false, (0.0, max))
            } else {
                // Bracket upwards: lo has g > 0.
                let (mut lo, mut glo) = (0.0, g0.0);
                let (mut hi, mut ghi) = (1.0f64.min(max), g1.0);
                let mut top = max;
                while ghi > 0.0 && hi < top {
                    let next = (hi * 2.0).min(top);
                    match g(next, &mut ev)? {
                        Some(r) => {
                            lo = hi;
                            glo = ghi;
                            hi = next;
                            ghi = r.0;
                        }
                        None => {
                            // The largest ambition that runs, between hi (runs) and next.
                            let (mut ok, mut bad) = (hi, next);
                            let mut gok = ghi;
                            for _ in 0..30 {
                                let mid = 0.5 * (ok + bad);
                                match g(mid, &mut ev)? {
                                    Some(r) => {
                                        ok = mid;
                                        gok = r.0;
                                    }
                                    None => bad = mid,
                                }
                            }
                            if gok <= 0.0 {
                                lo = hi;
                                glo = ghi;
                            }
                            hi = ok;
                            ghi = gok;
                            top = ok;
                        }
                    }
                }
                if ghi > 0.0 {
                    (hi, false, false, (0.0, top))
                } else {
                    let x = refine(
                        lo,
                        glo,
                        hi,
                        ghi,
                        |x| g(x, &mut ev).map(|r| r.map(|v| (v.0, v.2))),
                        &tol,
                    )?;
                    (x, true, true, (0.0, top))
                }
            }
        }
        Vary::Start => {
            let first = s.model.base_year;
            let last = s.targets[spec.target].year;
            let Some(ge) = g(first as f64, &mut ev)? else {
                let e = ev
                    .eval(&entries(s, spec, &actions, first as f64))
                    .unwrap_err();
                return Err(e);
            };
            let Some(gl) = g(last as f64, &mut ev)? else {
                let e = ev
                    .eval(&entries(s, spec, &actions, last as f64))
                    .unwrap_err();
                return Err(e);
            };
            if (ge.0 - gl.0).abs() <= 1e-12 * gl.2.abs().max(1.0) {
                return Err(no_effect(&target_id));
            }
            if ge.0 > 0.0 {
                (first as f64, false, false, (first as f64, last as f64))
            } else if gl.0 <= 0.0 {
                (last as f64, true, false, (first as f64, last as f64))
            } else {
                // The latest start that meets: ok (met) < bad (not met), integers.
                let (mut ok, mut bad) = (first, last);
                while bad - ok > 1 {
                    let mid = ok + (bad - ok) / 2;
                    match g(mid as f64, &mut ev)? {
                        Some(r) if r.0 <= 0.0 => ok = mid,
                        Some(_) => bad = mid,
                        None => bad = mid,
                    }
                }
                (ok as f64, true, true, (first as f64, last as f64))
            }
        }
    };
    // The answer's own evaluation (the last one may have been elsewhere).
    let adjust = entries(s, spec, &actions, outcome_x);
    let (metric, threshold) = ev.eval(&adjust)?;
    let evaluations = ev.evaluations;
    let not_monotone = monotone_violation(&seen, spec.vary == Vary::Start);
    ev.c.set_adjustments(&start);
    Ok(SeekOutcome {
        target: target_id,
        feasible,
        value: outcome_x,
        interior,
        range,
        metric,
        threshold,
        margin: metric - threshold,
        evaluations,
        not_monotone,
        adjust,
    })
}

/// Narrows `[lo, hi]` (`g(lo) > 0 ≥ g(hi)`) to the met end within tolerance.
fn refine(
    mut lo: f64,
    mut glo: f64,
    mut hi: f64,
    mut ghi: f64,
    mut g: impl FnMut(f64) -> Result<Option<(f64, f64)>, CostError>,
    tol: &dyn Fn(f64) -> f64,
) -> Result<f64, CostError> {
    let mut th = f64::NAN;
    let mut side = 0i32; // which end was kept last: -1 lo, +1 hi
    let mut halve = false;
    for _ in 0..200 {
        if th.is_finite() && ghi.abs() <= tol(th) {
            break;
        }
        if hi - lo <= 1e-15 * hi.abs().max(1e-300) {
            break;
        }
        let width = hi - lo;
        let mut x = if halve {
            0.5 * (lo + hi)
        } else {
            hi - ghi * (hi - lo) / (ghi - glo)
        };
        if !(x > lo && x < hi) {
            x = 0.5 * (lo + hi);
        }
        let Some((gx, t)) = g(x)? else {
            // A failed run inside a bracket whose ends ran: treat as not met.
            lo = x;
            continue;
        };
        th = t;
        if gx > 0.0 {
            lo = x;
            glo = gx;
            if side == -1 {
                ghi *= 0.5; // Illinois: the kept end's value is halved
            }
            side = -1;
        } else {
            hi = x;
            ghi = gx;
            if side == 1 {
                glo *= 0.5;
            }
            side = 1;
        }
        halve = hi - lo > 0.5 * width;
    }
    Ok(hi)
}

/// Two evaluated values where `g` is not monotone (decreasing in ambition; increasing in the
/// start year), within 1e-9 relative.
fn monotone_violation(seen: &[(f64, f64)], increasing: bool) -> Option<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = seen.to_vec();
    pts.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    pts.dedup_by(|a, b| a.0 == b.0);
    let scale = pts
        .iter()
        .map(|p| p.1.abs())
        .fold(0.0f64, f64::max)
        .max(1e-300);
    for w in pts.windows(2) {
        let d = w[1].1 - w[0].1;
        let wrong = if increasing {
            d < -1e-9 * scale
        } else {
            d > 1e-9 * scale
        };
        if wrong {
            return Some((w[0].0, w[1].0));
        }
    }
    None
}

/// A least-cost package (docs/COSTS.md, "Least-cost package").
#[derive(Clone, Debug, PartialEq)]
pub struct LeastCost {
    /// Target id.
    pub target: String,
    /// Chosen actions in MACC order with the ambition multiplier each takes (1 = whole).
    pub chosen: Vec<(String, f64)>,
    /// Candidates left out (not needed, or not on the MACC).
    pub left_out: Vec<String>,
    /// Whether the package meets the target.
    pub met: bool,
    /// Metric, threshold and margin with the package.
    pub metric: f64,
    /// Threshold.
    pub threshold: f64,
    /// `metric − threshold`.
    pub margin: f64,
    /// NPV of the chosen actions at their ambitions, in the scenario's basis.
    pub npv: f64,
    /// Full-model evaluations used in the search.
    pub evaluations: usize,
    /// The `adjust:` entries of the package (candidates left out at ambition 0).
    pub adjust: Vec<Adjustment>,
}

/// Chooses actions in MACC order (year convention in the target's year, Shapley) until the
/// target is met, the last one scaled: every candidate starts at ambition 0, each in turn is
/// set whole and the full model re-evaluated (actions interact); the first that meets the
/// target is scaled down by the same search as [`seek`].
pub fn least_cost(
    s: &Scenario,
    c: &mut Compiled,
    target: usize,
    candidates: &[usize],
) -> Result<LeastCost, CostError> {
    let t = &s.targets[target];
    let opts = Options {
        method: Method::Shapley,
        year: t.year,
    };
    let appraisal = appraise(s, c, &opts)?;
    let curve = macc(&appraisal, Convention::Year);
    let is_candidate = |i: usize| candidates.is_empty() || candidates.contains(&i);
    let order: Vec<usize> = curve
        .iter()
        .filter(|r| r.note.is_none())
        .filter_map(|r| s.actions.iter().position(|a| a.id == r.id))
        .filter(|&i| is_candidate(i))
        .collect();
    let pool: Vec<usize> = (0..s.actions.len())
        .filter(|&i| is_candidate(i) && appraisal.actions[i].has_cost)
        .collect();
    let start = c.adjustments();
    let mut ev = Evaluator::new(s, c, target)?;
    let entry = |a: usize, k: f64| Adjustment {
        action: a,
        measure: None,
        ambition: Some(k * own_ambition(s, a, None)),
        start: None,
        key: key_of(s, a, None),
        span: s.span,
    };
    let mut level: Vec<(usize, f64)> = pool.iter().map(|&a| (a, 0.0)).collect();
    let list = |level: &[(usize, f64)]| -> Vec<Adjustment> {
        level.iter().map(|&(a, k)| entry(a, k)).collect()
    };
    let mut chosen: Vec<(usize, f64)> = Vec::new();
    let mut met = false;
    let (mut metric, mut threshold) = ev.eval(&list(&level))?;
    if metric <= threshold {
        met = true;
    }
    for &a in &order {
        if met {
            break;
        }
        let lv = level
            .iter()
            .position(|x| x.0 == a)
            .expect("candidate in the pool");
        let before = metric - threshold;
        level[lv].1 = 1.0;
        let (m1, t1) = ev.eval(&list(&level))?;
        if m1 - t1 > 0.0 {
            chosen.push((a, 1.0));
            metric = m1;
            threshold = t1;
            continue;
        }
        // This action meets the target whole: scale it.
        let mut g = |k: f64| -> Result<Option<(f64, f64)>, CostError> {
            let mut l = level.clone();
            l[lv].1 = k;
            match ev.eval(&list(&l)) {
                Ok((v, th)) => Ok(Some((v - th, th))),
                Err(CostError::Run(_)) => Ok(None),
                Err(e) => Err(e),
            }
        };
        let k = refine(0.0, before, 1.0, m1 - t1, &mut g, &|th| {
            5e-7 * th.abs().max(1e-300)
        })?;
        level[lv].1 = k;
        chosen.push((a, k));
        let (mv, tv) = ev.eval(&list(&level))?;
        metric = mv;
        threshold = tv;
        met = metric <= threshold;
    }
    let adjust = list(&level);
    let evaluations = ev.evaluations;
    // Costs of the package: the scenario with the package's adjustments.
    let mut merged = s.adjust.clone();
    for a in &adjust {
        merge_adjustment(&mut merged, a.clone());
    }
    let mut per_op = c.adjustments();
    for (op, slot) in per_op.iter_mut().enumerate() {
        let (a, m) = c.measure_of(op);
        let (ambition, shift) = measure_adjustment_in(&s.actions, &merged, a, m);
        *slot = MeasureAdjust { ambition, shift };
    }
    c.set_adjustments(&per_op);
    let package = appraise(
        s,
        c,
        &Options {
            method: Method::Sequential,
            year: t.year,
        },
    );
    c.set_adjustments(&start);
    let package = package?;
    let npv = chosen
        .iter()
        .map(|&(a, _)| package.actions[a].npv.unwrap_or(0.0))
        .sum();
    let left_out = pool
        .iter()
        .filter(|a| !chosen.iter().any(|c| c.0 == **a))
        .map(|&a| s.actions[a].id.clone())
        .collect();
    Ok(LeastCost {
        target: t.id.clone(),
        chosen: chosen
            .iter()
            .map(|&(a, k)| (s.actions[a].id.clone(), k))
            .collect(),
        left_out,
        met,
        metric,
        threshold,
        margin: metric - threshold,
        npv,
        evaluations,
        adjust,
    })
}

/// The text of a scenario file that extends `extends` (a path relative to the written
/// file) with `adjust:` entries. `comment` lines open the file (each prefixed with `# `).
pub fn sought_scenario_yaml(
    id: &str,
    name: &str,
    extends: &str,
    adjust: &[Adjustment],
    comment: &[String],
) -> String {
    let mut out = String::new();
    for c in comment {
        out.push_str("# ");
        out.push_str(c);
        out.push('\n');
    }
    out.push_str(&format!("scenario: {}\n", yaml_text(id)));
    out.push_str(&format!("name: {}\n", yaml_text(name)));
    out.push_str(&format!("extends: {}\n", yaml_text(extends)));
    out.push_str("adjust:\n");
    for a in adjust {
        let mut parts = Vec::new();
        if let Some(k) = a.ambition {
            parts.push(format!("ambition: {k:?}"));
        }
        if let Some(y) = a.start {
            parts.push(format!("start: {y}"));
        }
        out.push_str(&format!(
            "  {}: {{ {} }}\n",
            yaml_text(&a.key),
            parts.join(", ")
        ));
    }
    out
}

/// A YAML scalar: plain when safe, else double-quoted.
fn yaml_text(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ' ' | '(' | ')')
        })
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !matches!(s, "true" | "false" | "null" | "yes" | "no")
        && s.parse::<f64>().is_err();
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}
