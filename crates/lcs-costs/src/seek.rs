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
//! A run can fail (a measure breaking a share or sign rule of MODEL.md §9). The allowed
//! range ends where runs start to fail: when an evaluation fails, the boundary between the
//! last value that ran and the failing one is found by halving (30 halvings), the range is
//! cut there and the search goes on inside it. A value beyond a failure that happens to run
//! (a measure that zeroes what another one would push below zero) is outside the allowed
//! range and never the answer; the outcome names the first failing value and its error, and
//! reports the failing runs with runs beyond them as a monotonicity violation. The answer is
//! interior only when it lies strictly inside the range, is not the end next to failing runs
//! and its margin is within 1e-6 relative ([`Edge`] says which of these it is not).
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

/// Why a seek's answer is not interior.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The answer is an end of the allowed range (ambition 0, the base year, the target
    /// year).
    RangeEnd,
    /// The answer is the end of the range next to failing runs.
    NextToFailure,
    /// The bracket closed without the margin coming within 1e-6 relative of 0 (the target's
    /// metric jumps at the answer).
    Margin,
}

/// A run that failed during a seek.
#[derive(Clone, Debug, PartialEq)]
pub struct FailedRun {
    /// The varied value (ambition multiplier or start year).
    pub value: f64,
    /// The run's error.
    pub error: lcs_engine::RunError,
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
    /// Whether the answer lies strictly inside the range, away from failing runs, with
    /// `margin` within 1e-6 relative of 0.
    pub interior: bool,
    /// Why a feasible answer is not interior; `None` when it is (or when infeasible).
    pub edge: Option<Edge>,
    /// The allowed range: it ends where runs start to fail.
    pub range: (f64, f64),
    /// The first failing value where the allowed range was cut, with its run's error.
    pub first_failure: Option<FailedRun>,
    /// How many evaluations failed.
    pub failures: usize,
    /// A failing value and a value beyond it (in the direction of the search) whose run
    /// did not fail: the runs are not monotone in the varied value.
    pub runs_after_failure: Option<(f64, f64)>,
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

/// The evaluations of one seek: every `g` that ran, every run that failed.
struct Search<'a, 'b> {
    s: &'a Scenario,
    spec: &'a SeekSpec,
    actions: &'a [usize],
    ev: Evaluator<'b>,
    seen: Vec<(f64, f64)>,
    failed: Vec<FailedRun>,
}

impl Search<'_, '_> {
    /// `(g, metric, threshold)` at `x`; `None` when the run fails at `x`.
    fn g(&mut self, x: f64) -> Result<Option<(f64, f64, f64)>, CostError> {
        match self.ev.eval(&entries(self.s, self.spec, self.actions, x)) {
            Ok((v, th)) => {
                self.seen.push((x, v - th));
                Ok(Some((v - th, v, th)))
            }
            Err(CostError::Run(error)) => {
                self.failed.push(FailedRun { value: x, error });
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// The error of the run at `x` when it must run (the input's own ambition, a range end).
    fn must_run(&mut self, x: f64) -> Result<(f64, f64, f64), CostError> {
        match self.g(x)? {
            Some(r) => Ok(r),
            None => Err(CostError::Run(
                self.failed.last().expect("just failed").error.clone(),
            )),
        }
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
    let ev = Evaluator::new(s, c, spec.target)?;
    let mut se = Search {
        s,
        spec,
        actions: &actions,
        ev,
        seen: Vec::new(),
        failed: Vec::new(),
    };
    let tol = |th: f64| 5e-7 * th.abs().max(1e-300);
    // (answer, feasible, why not interior when already known, range, range cut by failures)
    let (outcome_x, feasible, mut edge, range, cut) = match spec.vary {
        Vary::Ambition | Vary::Measure { .. } => {
            let max = spec.max_ambition;
            let g1 = se.must_run(1.0f64.min(max))?;
            let g0 = se.must_run(0.0)?;
            if (g0.0 - g1.0).abs() <= 1e-12 * g1.2.abs().max(1.0) {
                return Err(no_effect(&target_id));
            }
            if g0.0 <= 0.0 {
                (0.0, true, Some(Edge::RangeEnd), (0.0, max), false)
            } else {
                // Bracket upwards: lo has g > 0.
                let (mut lo, mut glo) = (0.0, g0.0);
                let (mut hi, mut ghi) = (1.0f64.min(max), g1.0);
                let mut top = max;
                let mut cut = false;
                while ghi > 0.0 && hi < top {
                    let next = (hi * 2.0).min(top);
                    match se.g(next)? {
                        Some(r) => {
                            lo = hi;
                            glo = ghi;
                            hi = next;
                            ghi = r.0;
                        }
                        None => {
                            // Runs fail from somewhere in (hi, next]: the range ends there.
                            let (ok, gok, _) = boundary(hi, ghi, next, |x| {
                                se.g(x).map(|r| r.map(|v| (v.0, v.2)))
                            })?;
                            if gok <= 0.0 {
                                lo = hi;
                                glo = ghi;
                            }
                            hi = ok;
                            ghi = gok;
                            top = ok;
                            cut = true;
                        }
                    }
                }
                if ghi > 0.0 {
                    (hi, false, None, (0.0, top), cut)
                } else {
                    let r = refine(
                        lo,
                        glo,
                        hi,
                        ghi,
                        |x| se.g(x).map(|r| r.map(|v| (v.0, v.2))),
                        &tol,
                    )?;
                    if let Some(t) = r.cut {
                        top = t;
                        cut = true;
                    }
                    (r.x, r.met, None, (0.0, top), cut)
                }
            }
        }
        Vary::Start => {
            let first = s.model.base_year;
            let last = s.targets[spec.target].year;
            let range = (first as f64, last as f64);
            let ge = se.must_run(first as f64)?;
            let gl = se.must_run(last as f64)?;
            if (ge.0 - gl.0).abs() <= 1e-12 * gl.2.abs().max(1.0) {
                // Equal margins at both ends: actions at full effect from their start (a step
                // ramp) give the target year the same value whenever they start in the range.
                // They still move the target if starting after its year changes it; then the
                // answer is the range's end (below), else the target does not depend on them.
                let after = entries(s, spec, &actions, (last + 1) as f64);
                let moves = match se.ev.eval(&after) {
                    Ok((v, th)) => ((v - th) - gl.0).abs() > 1e-12 * gl.2.abs().max(1.0),
                    Err(CostError::Run(_)) => true,
                    Err(e) => return Err(e),
                };
                if !moves {
                    return Err(no_effect(&target_id));
                }
            }
            if ge.0 > 0.0 {
                (first as f64, false, None, range, false)
            } else if gl.0 <= 0.0 {
                (last as f64, true, Some(Edge::RangeEnd), range, false)
            } else {
                // The latest start that meets: ok (met) < bad (not met or failing), integers.
                let (mut ok, mut bad) = (first, last);
                let mut bad_failed = false;
                while bad - ok > 1 {
                    let mid = ok + (bad - ok) / 2;
                    match se.g(mid as f64)? {
                        Some(r) if r.0 <= 0.0 => ok = mid,
                        Some(_) => {
                            bad = mid;
                            bad_failed = false;
                        }
                        None => {
                            bad = mid;
                            bad_failed = true;
                        }
                    }
                }
                let edge = bad_failed.then_some(Edge::NextToFailure);
                (ok as f64, true, edge, range, bad_failed)
            }
        }
    };
    // The answer's own evaluation (the last one may have been elsewhere).
    let adjust = entries(s, spec, &actions, outcome_x);
    let (metric, threshold) = se.ev.eval(&adjust)?;
    let margin = metric - threshold;
    if feasible && edge.is_none() {
        let ambition = spec.vary != Vary::Start;
        edge = if ambition && (outcome_x <= range.0 || (outcome_x >= range.1 && !cut)) {
            Some(Edge::RangeEnd)
        } else if ambition && cut && outcome_x >= range.1 {
            Some(Edge::NextToFailure)
        } else if ambition && margin.abs() > 1e-6 * threshold.abs() {
            Some(Edge::Margin)
        } else {
            None
        };
    }
    let evaluations = se.ev.evaluations;
    let not_monotone = monotone_violation(&se.seen, spec.vary == Vary::Start);
    let mut failed = std::mem::take(&mut se.failed);
    failed.sort_by(|a, b| a.value.total_cmp(&b.value));
    let runs_after_failure = failed.first().and_then(|f| {
        se.seen
            .iter()
            .map(|p| p.0)
            .filter(|&x| x > f.value)
            .min_by(f64::total_cmp)
            .map(|x| (f.value, x))
    });
    let failures = failed.len();
    let first_failure = failed
        .iter()
        .find(|f| f.value > outcome_x)
        .or(failed.first())
        .cloned();
    se.ev.c.set_adjustments(&start);
    Ok(SeekOutcome {
        target: target_id,
        feasible,
        value: outcome_x,
        interior: feasible && edge.is_none(),
        edge: if feasible { edge } else { None },
        range,
        first_failure,
        failures,
        runs_after_failure,
        metric,
        threshold,
        margin,
        evaluations,
        not_monotone,
        adjust,
    })
}

/// The end of the runs between `ok` (runs, `g(ok) = gok`) and `bad` (fails), by 30
/// halvings: `(ok, g(ok), bad)` with `ok` the largest value seen to run.
fn boundary(
    mut ok: f64,
    mut gok: f64,
    mut bad: f64,
    mut g: impl FnMut(f64) -> Result<Option<(f64, f64)>, CostError>,
) -> Result<(f64, f64, f64), CostError> {
    for _ in 0..30 {
        let mid = 0.5 * (ok + bad);
        if !(mid > ok && mid < bad) {
            break;
        }
        match g(mid)? {
            Some((gm, _)) => {
                ok = mid;
                gok = gm;
            }
            None => bad = mid,
        }
    }
    Ok((ok, gok, bad))
}

/// The end of a [`refine`]: the met end `x` (or, when runs failed and the range's new end
/// does not meet, that end as the best reachable), and the new end of the range if a run
/// failed inside the bracket.
struct Refined {
    x: f64,
    met: bool,
    cut: Option<f64>,
}

/// Narrows `[lo, hi]` (`g(lo) > 0 ≥ g(hi)`) to the met end within tolerance. A failed run
/// at `x` inside the bracket ends the range between `lo` and `x` ([`boundary`]): the search
/// goes on below that end if it meets, else it is the best reachable value.
fn refine(
    mut lo: f64,
    mut glo: f64,
    mut hi: f64,
    mut ghi: f64,
    mut g: impl FnMut(f64) -> Result<Option<(f64, f64)>, CostError>,
    tol: &dyn Fn(f64) -> f64,
) -> Result<Refined, CostError> {
    let mut th = f64::NAN;
    let mut side = 0i32; // which end was kept last: -1 lo, +1 hi
    let mut halve = false;
    let mut cut = None;
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
            // Runs fail from somewhere in (lo, x]: the range ends there, never beyond.
            let (ok, gok, _) = boundary(lo, glo, x, &mut g)?;
            cut = Some(ok);
            if gok > 0.0 {
                return Ok(Refined {
                    x: ok,
                    met: false,
                    cut,
                });
            }
            hi = ok;
            ghi = gok;
            th = f64::NAN;
            side = 0;
            halve = false;
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
    Ok(Refined {
        x: hi,
        met: true,
        cut,
    })
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
        // When runs fail below 1 and the range's end does not meet, `k` is that end (the
        // best reachable) and the next candidates go on.
        let k = refine(0.0, before, 1.0, m1 - t1, &mut g, &|th| {
            5e-7 * th.abs().max(1e-300)
        })?
        .x;
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
