//! Measures (MODEL.md §9): compiling measures and sampled parameters into steps, and the
//! step interpreter that runs them.
//!
//! Measures apply in order (the scenario's actions in their inherited order, each action's
//! measures in order); a measure transforms its target as that target is defined, before
//! anything that depends on it is computed. So a measure's step joins its target's bucket:
//! after its driver (drivers), with the other parameters before any activity (shares,
//! intensities, fuels, grid, waste parameters, source factors), after its node's activity
//! (activities), after waste generation, or after its source's activity. A sampled
//! uncertain parameter goes first in its target's bucket, so measures act on the sampled
//! series.
//!
//! The lever arithmetic is `lcs_levers` (the only implementation): `scale`, `set`, `add`
//! row by row, `shift` and `set` on a share map year by year on a scratch copy of the
//! map's items. After every step the slots it wrote must be finite and within their bound
//! (a share in [0, 1], an intensity ≥ 0, …); a share map that summed to 1 must still.
//! Otherwise the run fails with a [`RunError`] naming the measure (or the sampled parameter,
//! or the series) and the year.

use crate::compile::Builder;
use crate::demand::DemandPlan;
use crate::eval::{Cause, Problem, RunError, Workspace};
use crate::plan::{
    Bound, CompileError, Compiled, ElectricityPlan, EnergyLever, EnergyOp, GridPlan, OpInfo,
    SeriesLever, SourcePlan, Step, WastePlan,
};
use lcs_model::{Lever, Measure, Scenario, Target};

/// The plans of the sections a measure can target.
pub(crate) struct Sections<'a> {
    pub demand: &'a DemandPlan,
    pub electricity: &'a ElectricityPlan,
    pub waste: Option<&'a crate::waste_section::WasteSection>,
    pub wastewater: Option<&'a crate::plan::WastewaterPlan>,
    pub sources: &'a [SourcePlan],
    pub inventory: &'a crate::inventory::InventoryPlan,
}

/// Compiled measures and sampled parameters, by bucket.
pub(crate) struct MeasureSteps {
    pub ops: Vec<OpInfo>,
    /// After each driver (model order of drivers).
    pub drivers: Vec<Vec<Step>>,
    /// On parameters, before any activity.
    pub parameters: Vec<Step>,
    /// After each node's activity.
    pub nodes: Vec<Vec<Step>>,
    /// After waste generation.
    pub waste_generation: Vec<Step>,
    /// After each source's activity.
    pub sources: Vec<Vec<Step>>,
    /// After each industry's production (wastewater).
    pub industries: Vec<Vec<Step>>,
    /// `save` and `switch`, applied to final energy after every step.
    pub energy: Vec<crate::plan::EnergyOp>,
    /// Number of `divert` measures.
    pub n_diversions: usize,
}

/// Where a step on a target runs.
enum Bucket {
    Driver(usize),
    Node(usize),
    WasteGeneration,
    Source(usize),
    Industry(usize),
    Parameters,
}

fn unresolved(what: impl Into<String>) -> CompileError {
    CompileError::Unresolved { what: what.into() }
}

impl Sections<'_> {
    fn waste(&self) -> Option<&WastePlan> {
        self.waste.map(|w| &w.plan)
    }

    /// The compiled stream of a wastewater target: domestic (`None`) or industry `i`.
    fn stream(&self, i: Option<usize>) -> Option<&crate::plan::StreamPlan> {
        let w = self.wastewater?;
        match i {
            None => w.domestic.as_ref().map(|d| &d.stream),
            Some(i) => w.industrial.get(i).map(|x| &x.stream),
        }
    }

    /// The slots, bound and bucket of a series target (for `scale`, `set`, `add` and sampled
    /// parameters); `None` when the target is not a series of this model.
    fn series_target(
        &self,
        model: &lcs_model::Model,
        driver_slots: &[usize],
        t: &Target,
    ) -> Option<(Vec<usize>, Bound, Bucket, Vec<usize>)> {
        let d = self.demand;
        let e = self.electricity;
        Some(match t {
            Target::Driver(i) => (
                vec![*driver_slots.get(*i)?],
                Bound::Free,
                Bucket::Driver(*i),
                vec![],
            ),
            Target::Activity(nd) => (
                vec![*d.act_slot.get(*nd)?],
                Bound::NonNegative,
                Bucket::Node(*nd),
                vec![],
            ),
            Target::Share(nd) => {
                let slot = (*d.share_slot.get(*nd)?)?;
                // Siblings whose shares must keep summing to 1 if they did (§11.6).
                let parent = model.nodes.get(*nd)?.parent?;
                let group = model.nodes[parent]
                    .children
                    .iter()
                    .filter_map(|&c| d.share_slot[c])
                    .collect();
                (vec![slot], Bound::Fraction, Bucket::Parameters, group)
            }
            Target::Intensity(nd) => {
                let mut slots = Vec::new();
                for l in model.leaves_below(*nd) {
                    slots.push(d.leaf(l).ok()?.intensity);
                }
                (slots, Bound::NonNegative, Bucket::Parameters, vec![])
            }
            Target::Losses if e.section => {
                (vec![e.losses], Bound::Losses, Bucket::Parameters, vec![])
            }
            Target::GridFactor => match e.grid {
                GridPlan::Factor { slot, .. } => {
                    (vec![slot], Bound::NonNegative, Bucket::Parameters, vec![])
                }
                _ => return None,
            },
            Target::LocalCapacity(u) | Target::LocalGeneration(u) => (
                vec![e.local.get(*u)?.a],
                Bound::NonNegative,
                Bucket::Parameters,
                vec![],
            ),
            Target::LocalCapacityFactor(u) => {
                let unit = e.local.get(*u)?;
                // A unit given by `generation` has the constant 1 here: never a target.
                model
                    .electricity
                    .as_ref()?
                    .local
                    .get(*u)?
                    .capacity
                    .as_ref()?;
                (vec![unit.b], Bound::Fraction, Bucket::Parameters, vec![])
            }
            Target::WasteGeneration => (
                vec![self.waste()?.generation],
                Bound::NonNegative,
                Bucket::WasteGeneration,
                vec![],
            ),
            Target::LandfillRecovery => (
                vec![self.waste()?.recovery],
                Bound::Fraction,
                Bucket::Parameters,
                vec![],
            ),
            Target::IncinerationElectricity => (
                vec![self.waste()?.incineration_electricity],
                Bound::Free,
                Bucket::Parameters,
                vec![],
            ),
            Target::IncinerationCapture => (
                vec![self.waste()?.incineration_capture],
                Bound::Fraction,
                Bucket::Parameters,
                vec![],
            ),
            Target::WastewaterRecovery(i) => (
                vec![self.stream(*i)?.recovery],
                Bound::Fraction,
                Bucket::Parameters,
                vec![],
            ),
            Target::IndustrialProduction(i) => (
                vec![self.wastewater?.industrial.get(*i)?.production],
                Bound::NonNegative,
                Bucket::Industry(*i),
                vec![],
            ),
            Target::SourceActivity(si) => (
                vec![self.sources.get(*si)?.activity],
                Bound::NonNegative,
                Bucket::Source(*si),
                vec![],
            ),
            Target::Refrigerant(..) | Target::Land(..) => {
                let (slot, bound) = crate::inventory::series_target(self.inventory, t)?;
                (vec![slot], bound, Bucket::Parameters, vec![])
            }
            Target::SourceFactor(si, g) => {
                let gas = crate::sources::gas_of(*g);
                let &(_, slot) = self
                    .sources
                    .get(*si)?
                    .factors
                    .iter()
                    .find(|(x, _)| *x == gas)?;
                (vec![slot], Bound::Free, Bucket::Parameters, vec![])
            }
            _ => return None,
        })
    }

    /// The item slots of a share-map target other than `fuels` (which has one map per
    /// leaf), and whether they are a node's children.
    fn map_target(&self, model: &lcs_model::Model, t: &Target) -> Option<(Vec<usize>, bool)> {
        Some(match t {
            Target::Children(nd) => {
                let mut items = Vec::new();
                for &c in &model.nodes.get(*nd)?.children {
                    items.push((*self.demand.share_slot.get(c)?)?);
                }
                (items, true)
            }
            Target::Mix => match &self.electricity.grid {
                GridPlan::Mix(plants) => (plants.iter().map(|p| p.share).collect(), false),
                _ => return None,
            },
            Target::WasteComposition => (self.waste()?.composition.to_vec(), false),
            Target::WasteRoutes => {
                let w = self.waste()?;
                if w.by_type {
                    return None;
                }
                (w.routes[0].to_vec(), false)
            }
            Target::TypeRoutes(j) => {
                let w = self.waste()?;
                if !w.by_type {
                    return None;
                }
                (w.routes.get(*j)?.to_vec(), false)
            }
            Target::WastewaterPathways(i) => (
                self.stream(*i)?.pathways.iter().map(|p| p.0).collect(),
                false,
            ),
            Target::RefrigerantGases(_) => (crate::inventory::gas_map(self.inventory, t)?, false),
            _ => return None,
        })
    }
}

/// The share-map step of a `shift` or map `set` measure over `items`, whose lever items
/// index `items` directly.
fn map_step(
    op: usize,
    m: &Measure,
    items: Vec<usize>,
    children: bool,
    fail: &dyn Fn(&'static str) -> CompileError,
) -> Result<Step, CompileError> {
    match &m.lever {
        Lever::Shift { from, to, amount } => {
            if from.iter().chain(to).any(|&i| i >= items.len()) {
                return Err(fail("a `shift` item is not in the map"));
            }
            Ok(Step::Shift {
                op,
                items,
                from: from.clone(),
                to: to.clone(),
                amount: *amount,
            })
        }
        Lever::SetMap { value } => {
            let mut v = vec![0.0; items.len()];
            for &(i, x) in value {
                *v.get_mut(i)
                    .ok_or_else(|| fail("a `set` item is not in the map"))? = x;
            }
            Ok(Step::SetMap {
                op,
                items,
                value: v,
                children,
            })
        }
        _ => Err(fail(
            "a share map takes `shift` or `set` with a map of shares",
        )),
    }
}

/// The steps of a `shift` or map `set` on `fuels` of a node: one per leaf below it, with
/// the lever's fuel-table indices mapped to the leaf's fuel entries. A `from` fuel that a
/// leaf does not use has share 0 there and is left out.
fn fuels_steps(
    op: usize,
    m: &Measure,
    node: usize,
    model: &lcs_model::Model,
    demand: &DemandPlan,
    fail: &dyn Fn(&'static str) -> CompileError,
) -> Result<Vec<Step>, CompileError> {
    let mut steps = Vec::new();
    for l in model.leaves_below(node) {
        let leaf = demand.leaf(l)?;
        let items: Vec<usize> = leaf.fuels.iter().map(|x| x.1).collect();
        let pos = |f: usize| -> Option<usize> {
            let k = demand.run_fuel(f)?;
            leaf.fuels.iter().position(|x| x.0 == k)
        };
        let step = match &m.lever {
            Lever::Shift { from, to, amount } => {
                let from: Vec<usize> = from.iter().filter_map(|&f| pos(f)).collect();
                let to = to
                    .iter()
                    .map(|&f| pos(f).ok_or_else(|| fail("a `to` fuel is not in the leaf's map")))
                    .collect::<Result<Vec<_>, _>>()?;
                Step::Shift {
                    op,
                    items,
                    from,
                    to,
                    amount: *amount,
                }
            }
            Lever::SetMap { value } => {
                let mut v = vec![0.0; items.len()];
                for &(f, x) in value {
                    let p = pos(f).ok_or_else(|| fail("a `set` fuel is not in the leaf's map"))?;
                    v[p] = x;
                }
                Step::SetMap {
                    op,
                    items,
                    value: v,
                    children: false,
                }
            }
            _ => return Err(fail("`fuels` takes `shift` or `set` with a map of shares")),
        };
        steps.push(step);
    }
    Ok(steps)
}

/// Compiles the scenario's sampled parameters and measures into steps, by bucket.
pub(crate) fn compile_measures(
    b: &mut Builder,
    scenario: &Scenario,
    sections: &Sections,
) -> Result<MeasureSteps, CompileError> {
    let model = b.model;
    let mut out = MeasureSteps {
        ops: Vec::new(),
        drivers: vec![Vec::new(); model.drivers.len()],
        parameters: Vec::new(),
        nodes: vec![Vec::new(); model.nodes.len()],
        waste_generation: Vec::new(),
        sources: vec![Vec::new(); model.sources.len()],
        industries: vec![Vec::new(); model.wastewater.as_ref().map_or(0, |w| w.industrial.len())],
        energy: Vec::new(),
        n_diversions: 0,
    };
    fn push(out: &mut MeasureSteps, bucket: Bucket, step: Step) -> Result<(), CompileError> {
        let list = match bucket {
            Bucket::Driver(d) => out.drivers.get_mut(d),
            Bucket::Node(nd) => out.nodes.get_mut(nd),
            Bucket::Source(si) => out.sources.get_mut(si),
            Bucket::Industry(i) => out.industries.get_mut(i),
            Bucket::WasteGeneration => Some(&mut out.waste_generation),
            Bucket::Parameters => Some(&mut out.parameters),
        };
        list.ok_or_else(|| unresolved("the bucket of a step"))?
            .push(step);
        Ok(())
    }
    for (index, p) in scenario.uncertainty.iter().enumerate() {
        let (slots, bound, bucket, _) = sections
            .series_target(model, &b.driver_slots, &p.target)
            .ok_or_else(|| CompileError::ParameterNotASeries {
            parameter: p.id.clone(),
        })?;
        let step = Step::Param {
            index,
            slots,
            mode: match p.mode {
                lcs_model::UncertainMode::Multiplier => crate::plan::ParamMode::Multiplier,
                lcs_model::UncertainMode::Absolute => crate::plan::ParamMode::Absolute,
                lcs_model::UncertainMode::Trend => crate::plan::ParamMode::Trend,
            },
            bound,
        };
        push(&mut out, bucket, step)?;
    }
    for (a, act) in scenario.actions.iter().enumerate() {
        for (mi, m) in act.measures.iter().enumerate() {
            let op = out.ops.len();
            let (ambition, shift) = scenario.measure_adjustment(a, mi);
            let adjust = crate::adjust::MeasureAdjust { ambition, shift };
            out.ops.push(OpInfo {
                action: a,
                measure: mi,
                weights: crate::adjust::adjusted_weights(
                    &m.schedule,
                    adjust,
                    model.base_year,
                    model.end_year,
                ),
                schedule: m.schedule,
                adjust,
            });
            let fail = |problem: &'static str| CompileError::Measure {
                action: act.id.clone(),
                measure: m.id.clone(),
                problem,
            };
            let label = format!("measure `{}` of action `{}`", m.id, act.id);
            match (&m.target, &m.lever) {
                (_, Lever::Scale { .. } | Lever::Set { .. } | Lever::Add { .. }) => {
                    let (slots, bound, bucket, group) = sections
                        .series_target(model, &b.driver_slots, &m.target)
                        .ok_or_else(|| fail("its target is not a series of this model"))?;
                    let (lever, param) = match &m.lever {
                        Lever::Scale { by } => (
                            SeriesLever::Scale,
                            b.series(by, format!("{label}: `by`"), Bound::Free)?,
                        ),
                        Lever::Set { value } => (
                            SeriesLever::Set,
                            b.series(value, format!("{label}: `value`"), Bound::Free)?,
                        ),
                        Lever::Add { amount } => (
                            SeriesLever::Add,
                            b.series(amount, format!("{label}: `amount`"), Bound::Free)?,
                        ),
                        _ => return Err(fail("not a series lever")),
                    };
                    let step = Step::Series {
                        op,
                        lever,
                        slots,
                        param,
                        bound,
                        group,
                    };
                    push(&mut out, bucket, step)?;
                }
                (Target::Fuels(nd), _) => {
                    let steps = fuels_steps(op, m, *nd, model, sections.demand, &fail)?;
                    out.parameters.extend(steps);
                }
                (
                    Target::Local,
                    Lever::Generation {
                        generation_gj,
                        degradation,
                    },
                ) => {
                    if generation_gj.len() != b.n {
                        return Err(fail("its generation does not have one value per year"));
                    }
                    let output = crate::electricity::generation_output(
                        generation_gj,
                        *degradation,
                        m.schedule.start,
                        model.base_year,
                    );
                    let gj = b.slot(&output, format!("{label}: generation"), Some(m.span));
                    out.parameters.push(Step::Generation {
                        op,
                        slot: sections.electricity.extra_generation,
                        gj,
                    });
                }
                (Target::Market, Lever::Purchase { amount, factor, .. }) => {
                    let steps = crate::inventory::purchase_steps(
                        b,
                        sections.inventory,
                        op,
                        &label,
                        amount,
                        factor,
                    )?;
                    out.parameters.extend(steps);
                }
                // A `shift` on the routes of composition-aware routes shifts every type's
                // route map, towards the `to` routes that accept the type (docs/EXTENSIONS.md).
                (Target::WasteRoutes, Lever::Shift { from, to, amount })
                    if sections.waste().is_some_and(|w| w.by_type) =>
                {
                    let w = sections
                        .waste()
                        .ok_or_else(|| fail("the model has no `waste` section"))?;
                    for (j, items) in w.routes.iter().enumerate() {
                        let to: Vec<usize> =
                            to.iter().copied().filter(|&k| w.accepts[k][j]).collect();
                        if to.is_empty() {
                            continue;
                        }
                        if from.iter().chain(&to).any(|&k| k >= items.len()) {
                            return Err(fail("a `shift` route is not in the map"));
                        }
                        out.waste_generation.push(Step::Shift {
                            op,
                            items: items.to_vec(),
                            from: from.clone(),
                            to,
                            amount: *amount,
                        });
                    }
                }
                (t, Lever::Shift { .. } | Lever::SetMap { .. }) => {
                    let (items, children) = sections
                        .map_target(model, t)
                        .ok_or_else(|| fail("its target is not a share map of this model"))?;
                    let step = map_step(op, m, items, children, &fail)?;
                    // Routes are read only by the waste section: every measure on them runs
                    // after waste generation, in order, so that `divert` sees `W(y)`.
                    if matches!(t, Target::WasteRoutes | Target::TypeRoutes(_)) {
                        out.waste_generation.push(step);
                    } else {
                        out.parameters.push(step);
                    }
                }
                (
                    Target::WasteRoutes,
                    Lever::Divert {
                        from,
                        to,
                        mass,
                        types,
                    },
                ) => {
                    let w = sections
                        .waste()
                        .ok_or_else(|| fail("the model has no `waste` section"))?;
                    if types.is_some() && !w.by_type {
                        return Err(fail("`types` needs composition-aware routes"));
                    }
                    if from
                        .iter()
                        .chain([to])
                        .any(|&i| i >= crate::waste::N_ROUTES)
                    {
                        return Err(fail("a `divert` route is not in the map"));
                    }
                    let maps = crate::waste_section::divert_maps(w, *to, types.as_deref());
                    let mass = b.series(mass, format!("{label}: `mass`"), Bound::NonNegative)?;
                    out.waste_generation.push(Step::Divert {
                        op,
                        index: out.n_diversions,
                        generation: w.generation,
                        mass,
                        maps,
                        from: from.clone(),
                        to: *to,
                    });
                    out.n_diversions += 1;
                }
                (Target::Energy(nd), Lever::Save { fuel, amount })
                | (Target::Energy(nd), Lever::Use { fuel, amount })
                | (
                    Target::Energy(nd),
                    Lever::Switch {
                        from: fuel, amount, ..
                    },
                ) => {
                    let lever = match &m.lever {
                        Lever::Switch { ratio, .. } => EnergyLever::Switch { ratio: *ratio },
                        Lever::Use { .. } => EnergyLever::Use,
                        _ => EnergyLever::Save,
                    };
                    let to = match &m.lever {
                        Lever::Switch { to, .. } => Some(*to),
                        _ => None,
                    };
                    let demand = sections.demand;
                    let mut entries = Vec::new();
                    for l in model.leaves_below(*nd) {
                        let leaf = demand.leaf(l)?;
                        let entry = |f: usize| -> Option<usize> {
                            let k = demand.run_fuel(f)?;
                            let p = leaf.fuels.iter().position(|x| x.0 == k)?;
                            Some(leaf.first_entry + p)
                        };
                        // A leaf that cannot use the fuel has none of it to give up.
                        let Some(e_from) = entry(*fuel) else {
                            continue;
                        };
                        let e_to = match to {
                            None => None,
                            Some(t) => Some(
                                entry(t)
                                    .ok_or_else(|| fail("the `to` fuel is not in a leaf's map"))?,
                            ),
                        };
                        entries.push((e_from, e_to));
                    }
                    let amount =
                        b.series(amount, format!("{label}: `amount`"), Bound::NonNegative)?;
                    out.energy.push(EnergyOp {
                        op,
                        lever,
                        amount,
                        fuel: model.fuels.fuels()[*fuel].id.clone(),
                        entries,
                    });
                }
                _ => return Err(fail("the lever does not apply to the target")),
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// The step interpreter
// ---------------------------------------------------------------------------------------

/// The interval `[lo, hi]` of a bound: one comparison pair per value also rejects NaN and
/// ±inf. `NonNegative` and `Fraction` allow 1e-9 of rounding below 0 (and above 1).
#[inline(always)]
fn interval(bound: Bound) -> (f64, f64) {
    const TOL: f64 = 1e-9;
    match bound {
        Bound::Free => (f64::MIN, f64::MAX),
        // `v >= -TOL * (1 + |v|)` for v < 0 is `v >= -TOL / (1 - TOL)`.
        Bound::NonNegative => (-TOL / (1.0 - TOL), f64::MAX),
        Bound::Fraction => (-TOL, 1.0 + TOL),
        // [0, 1): the largest value below 1.
        Bound::Losses => (-TOL, f64::from_bits(1.0f64.to_bits() - 1)),
    }
}

/// A sampled trend multiplier `s` on a series (docs/UNCERTAINTY.md, `as: trend`):
/// `p'(y) = p(y0) * (p(y) / p(y0))^s`, so the base year keeps its value and the growth
/// (the log of the ratio to the base year) is scaled by `s`. A year equal to the base year
/// stays as it is (a series of zeros stays zero); a year whose ratio to the base year is not
/// positive becomes NaN, which the step's bound check reports.
#[inline(always)]
pub(crate) fn trend(row: &mut [f64], s: f64) {
    let Some(&b) = row.first() else { return };
    for x in row.iter_mut() {
        if *x == b {
            continue;
        }
        let ratio = *x / b;
        *x = if ratio > 0.0 {
            b * ratio.powf(s)
        } else {
            f64::NAN
        };
    }
}

/// Whether every value is finite: a value is infinite or NaN exactly when its exponent bits
/// are all ones, which adding 1 to the exponent carries into the sign bit; the OR of those
/// bits over all values is an integer reduction that vectorises.
#[inline(always)]
pub(crate) fn all_finite(values: &[f64]) -> bool {
    const EXP: u64 = 0x7ff0_0000_0000_0000;
    const ONE: u64 = 1 << 52;
    const SIGN: u64 = 1 << 63;
    values
        .iter()
        .fold(0u64, |acc, v| acc | (((v.to_bits() & EXP) + ONE) & SIGN))
        == 0
}

/// Whether every value of a row is finite and within `bound`: the AND of each value's
/// comparisons, over four lanes so that it vectorises (no early exit).
#[inline(always)]
pub(crate) fn row_within(bound: Bound, row: &[f64]) -> bool {
    let (lo, hi) = interval(bound);
    let inside = |v: f64| (v >= lo) & (v <= hi);
    let mut lanes = [true; 4];
    let chunks = row.chunks_exact(4);
    let rest = chunks
        .remainder()
        .iter()
        .fold(true, |ok, &v| ok & inside(v));
    for c in chunks {
        for (l, &v) in lanes.iter_mut().zip(c) {
            *l &= inside(v);
        }
    }
    lanes[0] & lanes[1] & lanes[2] & lanes[3] & rest
}

/// The first year index and value of a row that breaks `bound`.
#[cold]
fn first_outside(bound: Bound, row: &[f64]) -> (usize, f64) {
    let (lo, hi) = interval(bound);
    let y = row.iter().position(|&v| !(v >= lo && v <= hi)).unwrap_or(0);
    (y, row.get(y).copied().unwrap_or(f64::NAN))
}

/// The problem with a value outside its bound.
#[cold]
pub(crate) fn bound_problem(bound: Bound, v: f64) -> Problem {
    if !v.is_finite() {
        return Problem::NonFinite { value: v };
    }
    match bound {
        Bound::Free | Bound::NonNegative => Problem::Negative { value: v },
        Bound::Fraction if v < 0.0 => Problem::ShareNegative { value: v },
        Bound::Fraction => Problem::ShareAboveOne { value: v },
        Bound::Losses => Problem::LossesOutside { value: v },
    }
}

/// Row `dst` (mutable) and row `src` of the arena; `dst != src`.
#[inline(always)]
fn row_pair(arena: &mut [f64], dst: usize, src: usize, n: usize) -> (&mut [f64], &[f64]) {
    debug_assert_ne!(dst, src);
    if dst < src {
        let (lo, hi) = arena.split_at_mut(src * n);
        (&mut lo[dst * n..dst * n + n], &hi[..n])
    } else {
        let (lo, hi) = arena.split_at_mut(dst * n);
        (&mut hi[..n], &lo[src * n..src * n + n])
    }
}

/// Row `dst` (mutable) and rows `a` and `b` of the arena; `dst` is neither `a` nor `b`.
#[inline(always)]
fn row_and_two(
    arena: &mut [f64],
    dst: usize,
    a: usize,
    b: usize,
    n: usize,
) -> (&mut [f64], &[f64], &[f64]) {
    debug_assert!(dst != a && dst != b);
    let (lo, rest) = arena.split_at_mut(dst * n);
    let (d, hi) = rest.split_at_mut(n);
    let row = |s: usize| -> &[f64] {
        if s < dst {
            &lo[s * n..s * n + n]
        } else {
            &hi[(s - dst - 1) * n..(s - dst) * n]
        }
    };
    (d, row(a), row(b))
}

/// Runs the steps: expressions, products and copies, sampled parameters, and the measures
/// of the actions in `mask` (action `i` is on when `mask[i]`; actions beyond the mask's
/// length are off).
#[inline(always)]
pub(crate) fn run_steps(
    c: &Compiled,
    ws: &mut Workspace,
    mask: &[bool],
    params: &[f64],
) -> Result<(), RunError> {
    // Only the slots that steps write can differ from the base arena (and of those, the
    // ones a step assigns in full before anything reads them need no reset).
    for &(a, b) in &c.dirty {
        ws.arena[a..b].copy_from_slice(&c.arena[a..b]);
    }
    for step in &c.steps {
        run_step(c, ws, step, mask, params)?;
    }
    Ok(())
}

/// Runs one step (see [`run_steps`]).
#[inline(always)]
pub(crate) fn run_step(
    c: &Compiled,
    ws: &mut Workspace,
    step: &Step,
    mask: &[bool],
    params: &[f64],
) -> Result<(), RunError> {
    let n = c.n_years;
    let year = |y: usize| c.base_year + y as i32;
    let measure = |op: usize, y: usize, problem: Problem| {
        let info = &c.ops[op];
        RunError {
            cause: Cause::Measure {
                action: info.action,
                measure: info.measure,
            },
            year: year(y),
            problem,
        }
    };
    let series = |slot: usize, name: Option<&str>, bound: Bound, row: &[f64]| {
        let (y, v) = first_outside(bound, row);
        RunError {
            cause: Cause::Series {
                name: name
                    .map(str::to_string)
                    .unwrap_or_else(|| c.slot_names[slot].clone()),
                span: c.slot_spans[slot],
            },
            year: year(y),
            problem: bound_problem(bound, v),
        }
    };
    let on = |op: usize| mask.get(c.ops[op].action).copied().unwrap_or(false);
    {
        match step {
            Step::Expr {
                slot,
                program,
                bound,
            } => {
                let values = crate::drivers::expression(program, &ws.arena, n, &mut ws.stack);
                let row = &mut ws.arena[slot * n..slot * n + n];
                row.copy_from_slice(values);
                if !row_within(*bound, row) {
                    return Err(series(*slot, None, *bound, row));
                }
            }
            Step::Mul { slot, a, b, bound } => {
                let dst = if slot != a && slot != b {
                    let (dst, x, y) = row_and_two(&mut ws.arena, *slot, *a, *b, n);
                    crate::drivers::product(dst, x, y);
                    dst
                } else {
                    let tmp = &mut ws.row_tmp;
                    tmp.copy_from_slice(&ws.arena[a * n..a * n + n]);
                    let (dst, src) = row_pair(&mut ws.arena, *slot, *b, n);
                    crate::drivers::product(dst, tmp, src);
                    dst
                };
                if !row_within(*bound, dst) {
                    return Err(series(*slot, None, *bound, dst));
                }
            }
            Step::Copy { slot, src, bound } => {
                ws.arena.copy_within(src * n..src * n + n, slot * n);
                let row = &ws.arena[slot * n..slot * n + n];
                if !row_within(*bound, row) {
                    return Err(series(*slot, None, *bound, row));
                }
            }
            Step::Check { slot, bound, what } => {
                let row = &ws.arena[slot * n..slot * n + n];
                if !row_within(*bound, row) {
                    return Err(series(*slot, Some(what), *bound, row));
                }
            }
            Step::Param {
                index,
                slots,
                mode,
                bound,
            } => {
                let Some(&v) = params.get(*index) else {
                    return Ok(());
                };
                for &s in slots {
                    let row = &mut ws.arena[s * n..s * n + n];
                    match mode {
                        crate::plan::ParamMode::Absolute => row.fill(v),
                        crate::plan::ParamMode::Multiplier => row.iter_mut().for_each(|x| *x *= v),
                        crate::plan::ParamMode::Trend => trend(row, v),
                    }
                    if !row_within(*bound, row) {
                        let (y, x) = first_outside(*bound, row);
                        return Err(RunError {
                            cause: Cause::Parameter { index: *index },
                            year: year(y),
                            problem: bound_problem(*bound, x),
                        });
                    }
                }
            }
            Step::Series {
                op,
                lever,
                slots,
                param,
                bound,
                group,
            } => {
                if !on(*op) {
                    return Ok(());
                }
                let w = &c.ops[*op].weights;
                if !group.is_empty() {
                    for y in 0..n {
                        ws.group_before[y] = group.iter().map(|g| ws.arena[g * n + y]).sum();
                    }
                }
                for &s in slots {
                    let (row, q) = row_pair(&mut ws.arena, s, *param, n);
                    let it = row.iter_mut().zip(q).zip(w);
                    match lever {
                        SeriesLever::Scale => {
                            it.for_each(|((p, q), r)| *p = lcs_levers::scale(*p, *q, *r))
                        }
                        SeriesLever::Set => {
                            it.for_each(|((p, q), r)| *p = lcs_levers::set(*p, *q, *r))
                        }
                        SeriesLever::Add => {
                            it.for_each(|((p, q), r)| *p = lcs_levers::add(*p, *q, *r))
                        }
                    }
                }
                for &s in slots {
                    let row = &ws.arena[s * n..s * n + n];
                    if !row_within(*bound, row) {
                        let (y, v) = first_outside(*bound, row);
                        return Err(measure(*op, y, bound_problem(*bound, v)));
                    }
                }
                // A children's share map that summed to 1 before the measure must still.
                if !group.is_empty() {
                    for y in 0..n {
                        let after: f64 = group.iter().map(|g| ws.arena[g * n + y]).sum();
                        if (ws.group_before[y] - 1.0).abs() <= 1e-9 && (after - 1.0).abs() > 1e-9 {
                            return Err(measure(*op, y, Problem::ChildrenSum { sum: after }));
                        }
                    }
                }
            }
            Step::Shift {
                op,
                items,
                from,
                to,
                amount,
            } => {
                if !on(*op) {
                    return Ok(());
                }
                // MODEL.md §9 `shift` over all years at once (`lcs_levers::shift_rows`).
                lcs_levers::shift_rows(
                    &mut ws.arena,
                    n,
                    items,
                    from,
                    to,
                    *amount,
                    &c.ops[*op].weights,
                    &mut ws.shift_sums,
                );
            }
            Step::SetMap {
                op,
                items,
                value,
                children,
            } => {
                if !on(*op) {
                    return Ok(());
                }
                let w = &c.ops[*op].weights;
                let buf = &mut ws.scratch[..items.len()];
                for (y, &r) in w.iter().enumerate() {
                    if r == 0.0 {
                        continue;
                    }
                    for (x, &s) in buf.iter_mut().zip(items) {
                        *x = ws.arena[s * n + y];
                    }
                    let before: f64 = buf.iter().sum();
                    lcs_levers::set_map(buf, value, r);
                    let after: f64 = buf.iter().sum();
                    let was_one = (before - 1.0).abs() <= 1e-9;
                    if (after - 1.0).abs() > 1e-9 && (was_one || !*children) {
                        return Err(measure(*op, y, Problem::MapSum { sum: after }));
                    }
                    for (x, &s) in buf.iter().zip(items) {
                        ws.arena[s * n + y] = *x;
                    }
                }
            }
            Step::Divert {
                op,
                index,
                generation,
                mass,
                maps,
                from,
                to,
            } => {
                let record = &mut ws.diversions[2 * index * n..2 * index * n + 2 * n];
                record.fill(0.0);
                if !on(*op) {
                    return Ok(());
                }
                let w = &c.ops[*op].weights;
                let (asked_t, diverted_t) = record.split_at_mut(n);
                for y in 0..n {
                    asked_t[y] = ws.arena[mass * n + y] * w[y];
                }
                divert(
                    &mut ws.arena,
                    n,
                    *generation,
                    maps,
                    from,
                    *to,
                    asked_t,
                    diverted_t,
                    (&mut ws.asked, &mut ws.asked_map, &mut ws.from_sums),
                    &mut ws.shift_sums,
                );
            }
            Step::Generation { op, slot, gj } => {
                if !on(*op) {
                    return Ok(());
                }
                let w = &c.ops[*op].weights;
                let (row, gj) = row_pair(&mut ws.arena, *slot, *gj, n);
                for ((x, g), r) in row.iter_mut().zip(gj).zip(w) {
                    *x += g * r;
                }
            }
        }
    }
    Ok(())
}

/// A `divert` over its route maps (docs/EXTENSIONS.md), through the `shift` kernel
/// (`lcs_levers::shift_rows` with amount 1 and the share points asked as the weight):
///
/// ```text
/// mixed routes:   m(y) = min(asked(y) / W(y), Σ_from s(y))    (0 when W = 0)
/// by type:        A(y) = Σ_j W(y) * comp_j(y) * Σ_from r(j,k,y)      # mass the maps hold
///                 f(y) = min(asked(y) / A(y), 1)                       (0 when A = 0)
///                 type j: m_j(y) = f(y) * Σ_from r(j,k,y) share points to `to`
/// ```
///
/// `asked_t` is `mass * r` (t); the mass diverted goes into `diverted_t`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn divert(
    arena: &mut [f64],
    n: usize,
    generation: usize,
    maps: &[crate::plan::DivertMap],
    from: &[usize],
    to: usize,
    asked_t: &[f64],
    diverted_t: &mut [f64],
    (points, map_points, from_sums): (&mut [f64], &mut [f64], &mut [f64]),
    sums: &mut [f64],
) {
    let to = std::slice::from_ref(&to);
    if let [map] = maps {
        if map.composition.is_none() {
            for y in 0..n {
                let gen = arena[generation * n + y];
                points[y] = if gen > 0.0 { asked_t[y] / gen } else { 0.0 };
            }
            lcs_levers::shift_rows(arena, n, &map.items, from, to, 1.0, points, sums);
            let moved = &sums[2 * n..3 * n];
            for y in 0..n {
                diverted_t[y] = moved[y] * arena[generation * n + y];
            }
            return;
        }
    }
    // Composition-aware: the fraction f(y) of the `from` routes' mass that moves. The maps
    // are disjoint (each type has its own route slots), so each map's `Σ_from r(j,k,y)` is
    // the same before and after the other maps' shifts: it is summed once per map, row by
    // row (in `from` order from -0.0, as `Iterator::sum` does), into `from_sums`.
    let from_sums = &mut from_sums[..maps.len() * n];
    for (m, row) in maps.iter().zip(from_sums.chunks_exact_mut(n)) {
        row.fill(-0.0);
        for &k in from {
            let x = &arena[m.items[k] * n..m.items[k] * n + n];
            row.iter_mut().zip(x).for_each(|(a, x)| *a += x);
        }
    }
    // A(y) = Σ_maps W(y) * comp_j(y) * Σ_from r(j,k,y), in map order from 0, into `points`.
    let gen = &arena[generation * n..generation * n + n];
    let available = &mut points[..n];
    available.fill(0.0);
    for (m, sf) in maps.iter().zip(from_sums.chunks_exact(n)) {
        match m.composition {
            Some(c) => {
                let comp = &arena[c * n..c * n + n];
                for (((a, g), c), s) in available.iter_mut().zip(gen).zip(comp).zip(sf) {
                    *a += g * c * s;
                }
            }
            None => {
                // `W * 1 * Σ_from`: the product with 1 is exact.
                for ((a, g), s) in available.iter_mut().zip(gen).zip(sf) {
                    *a += g * s;
                }
            }
        }
    }
    for ((p, d), asked) in available.iter_mut().zip(&mut diverted_t[..n]).zip(asked_t) {
        let a = *p;
        let f = if a > 0.0 { (asked / a).min(1.0) } else { 0.0 };
        *p = f;
        *d = f * a;
    }
    let points: &[f64] = available;
    for (m, sf) in maps.iter().zip(from_sums.chunks_exact(n)) {
        for ((mp, p), s) in map_points[..n].iter_mut().zip(points).zip(sf) {
            *mp = p * s;
        }
        lcs_levers::shift_rows(arena, n, &m.items, from, to, 1.0, map_points, sums);
    }
}

/// Applies the `save`, `switch` and `use` measures of the actions in `mask` to the per-entry
/// final energy `entry_gj` (GJ, `entry * n + year`), in order (docs/EXTENSIONS.md):
///
/// ```text
/// S(y)  = Σ_{leaves below} FE(leaf, from, y)          # before this measure
/// k(y)  = amount(y) * r(y) / S(y)                      # lcs_levers::proportional_share
/// FE'(leaf, from, y) = FE(leaf, from, y) * (1 - k(y))
/// FE'(leaf, to, y)   = FE(leaf, to, y) + ratio * k(y) * FE(leaf, from, y)   # switch
/// FE'(leaf, fuel, y) = FE(leaf, fuel, y) * (1 + k(y))                        # use
/// ```
///
/// A saving or switch larger than the energy available in a year is a [`RunError`] naming
/// the measure, the year, the amount and the energy available; a `use` of a fuel that no
/// leaf below uses in a year (`S = 0`) is a [`RunError`] too.
#[inline(always)]
pub(crate) fn energy_measures(
    c: &Compiled,
    mask: &[bool],
    entry_gj: &mut [f64],
    arena: &[f64],
) -> Result<(), RunError> {
    let n = c.n_years;
    for e in &c.energy_ops {
        let info = &c.ops[e.op];
        if !mask.get(info.action).copied().unwrap_or(false) {
            continue;
        }
        for y in 0..n {
            let asked = arena[e.amount * n + y] * info.weights[y];
            if asked == 0.0 {
                continue;
            }
            let available: f64 = e.entries.iter().map(|&(f, _)| entry_gj[f * n + y]).sum();
            if e.lever == EnergyLever::Use {
                // FE'(leaf, fuel, y) = FE(leaf, fuel, y) * (1 + asked / S(y)).
                if available <= 0.0 {
                    return Err(RunError {
                        cause: Cause::Measure {
                            action: info.action,
                            measure: info.measure,
                        },
                        year: c.base_year + y as i32,
                        problem: Problem::NothingToSpread {
                            fuel: e.fuel.clone(),
                            added_gj: asked,
                        },
                    });
                }
                let k = asked / available;
                for &(f, _) in &e.entries {
                    entry_gj[f * n + y] *= 1.0 + k;
                }
                continue;
            }
            let Some(k) = lcs_levers::proportional_share(asked, available) else {
                return Err(RunError {
                    cause: Cause::Measure {
                        action: info.action,
                        measure: info.measure,
                    },
                    year: c.base_year + y as i32,
                    problem: Problem::EnergyShortfall {
                        fuel: e.fuel.clone(),
                        asked_gj: asked,
                        available_gj: available,
                    },
                });
            };
            for &(f, t) in &e.entries {
                let taken = entry_gj[f * n + y] * k;
                entry_gj[f * n + y] -= taken;
                if let (Some(t), EnergyLever::Switch { ratio }) = (t, e.lever) {
                    entry_gj[t * n + y] += ratio * taken;
                }
            }
        }
    }
    Ok(())
}
