//! Shapley values of the reduction (MODEL.md §10), exact by components of the total
//! (docs/ATTRIBUTION.md).
//!
//! The game is `v(T, y) = E(∅, y) − E(T, y)`, the reduction of the run with only the
//! actions in `T`. The total is a sum of parts, `E = Σ_p E_p`, and the Shapley value is
//! linear in the game, so `φ_i(v) = Σ_p φ_i(v_p)`. A part depends only on the actions of
//! its *support* (`dataflow`), and an action outside the support of `v_p` is a null player
//! of it, so `φ_i(v_p)` is the Shapley value of the game restricted to the support: `2^k`
//! runs for `k` actions instead of `2^n`. Parts with the same support, or one contained in
//! another's, form one *group* whose subsets are evaluated once:
//!
//! ```text
//! φ_i(g) = Σ_{s=0}^{k−1} w(s) [ Σ_{T ∋ i, |T| = s+1} v_g(T) − Σ_{T ∌ i, |T| = s} v_g(T) ]
//! w(s)   = s! (k − s − 1)! / k! = 1 / (k · C(k − 1, s))
//! ```
//!
//! (the sums by coalition size keep the rounding of each weight's sum separate, so the
//! result is as accurate as the classic sum of marginals without storing all `2^k` runs).
//!
//! The parts: direct emissions of each (sector, fuel, factors) combination, the waste and
//! wastewater sectors, each source, and grid emissions. Grid emissions are
//! `EE = max(B − L, 0) × F` (busbar supply `B = Σ_c D_c / 3.6 / (1 − losses)`, local
//! generation `L = Σ_p L_p / 3.6`, factor `F` per MWh): where the export clamp cannot bind,
//! `EE = Σ_c D_c / 3.6 / (1 − losses) × F − Σ_p L_p / 3.6 × F`, a sum of products whose
//! supports are each one demand (or one generator) and the grid. Whether the clamp can bind
//! in a year is decided from the runs of the groups themselves: with every subset of every
//! demand's and generator's support evaluated, `min B ≥ Σ_c min D_c / 3.6 / (1 − min
//! losses)` and `max L ≤ Σ_p max L_p / 3.6` are bounds over all subsets; where
//! `min B ≥ max L` (and demand is positive, so that the allocation to sectors adds up to
//! `EE`) the clamp is inactive for every subset. In the other years the rest
//! `EE − linear parts` is one more part whose support is every action that reaches
//! electricity.
//!
//! A group with more than `max_exact_actions` actions is estimated from random orderings
//! of its actions (each ordering gives every action its marginal reduction when added after
//! those before it), with the standard error of the mean, until every action's standard
//! error is within the tolerance. Everything sums in a fixed order (chunks of subsets by
//! their high bits, orderings by index), so the result does not depend on the number of
//! threads.

use crate::dataflow::{flow, ActionSet};
use crate::electricity::{busbar_supply, unit_generation, GJ_PER_MWH};
use crate::eval::{evaluate_with, waste_row, RunError, Workspace};
use crate::plan::{Compiled, GridPlan};
use rayon::prelude::*;

/// The most actions one component is enumerated over exactly by default (`2^20` runs);
/// a component with more is estimated from random orderings.
pub const MAX_EXACT_ACTIONS: usize = 20;

/// Settings of Shapley attribution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShapleyOptions {
    /// The most actions a component is enumerated over exactly (`2^k` runs); above it the
    /// component is estimated from random orderings of its actions.
    pub max_exact_actions: usize,
    /// A sampled component stops once the standard error of every action's contribution is
    /// at most `tolerance × |TOTAL(y)|` in every year `y` (where `TOTAL(y)` is 0, the largest
    /// `|TOTAL|` of any year), after at least `min_orderings` orderings.
    pub tolerance: f64,
    /// Orderings a sampled component draws at least.
    pub min_orderings: usize,
    /// Orderings a sampled component draws at most.
    pub max_orderings: usize,
    /// Seed of the orderings.
    pub seed: u64,
    /// Split the total into components (the default). `false` treats the total as one
    /// component over every action: the `2^n` brute force, kept for checks.
    pub decompose: bool,
}

impl Default for ShapleyOptions {
    fn default() -> Self {
        ShapleyOptions {
            max_exact_actions: MAX_EXACT_ACTIONS,
            tolerance: 0.005,
            min_orderings: 200,
            max_orderings: 20_000,
            seed: 1,
            decompose: true,
        }
    }
}

/// Orderings evaluated between two checks of the tolerance (and held in memory at once).
const BATCH: usize = 256;

/// What one part of the total is (t CO2e per year).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// The whole total (the brute-force game).
    Total,
    /// Direct emissions of a (sector, fuel, factors) combination: `FE × EF_CO2e`.
    Direct(usize),
    /// Grid emissions of an electricity combination's demand, clamp inactive:
    /// `D_c / 3.6 / (1 − losses) × F`.
    Demand(usize),
    /// Grid emissions that a local generator displaces: `−L_p / 3.6 × F`.
    Local(Local),
    /// Solid waste: `CO2 + GWP_CH4 × CH4 + GWP_N2O × N2O` of landfill, composting,
    /// incineration and anaerobic digestion.
    Waste,
    /// Wastewater: `GWP_CH4 × CH4 + GWP_N2O × N2O`.
    Wastewater,
    /// A source (`parts::each_source_co2e_t`): `Σ_g weight_g × A × factor_g`, or for a
    /// refrigerant bank the CO2e of its counted gases, for a land class the CO2 of the
    /// remaining land and of converted land (docs/EXTENSIONS.md).
    Source(usize),
    /// Grid emissions minus the demand and local parts, in the years where the export clamp
    /// may bind (0 in the others).
    Clamp,
}

/// A local generator in the electricity balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Local {
    /// A unit of the model: `capacity × capacity factor` (or `generation`).
    Unit(usize),
    /// The `generation` measures.
    Measures,
    /// Waste to energy.
    WasteToEnergy,
    /// Biogas of anaerobic digestion.
    Biogas,
}

/// Parts with their actions, evaluated together.
#[derive(Clone, Debug)]
struct Group {
    actions: Vec<usize>,
    parts: Vec<Part>,
}

/// The decomposition of a compiled scenario's total into components for Shapley
/// attribution (from the data flow of its steps; docs/ATTRIBUTION.md).
#[derive(Clone, Debug)]
pub struct ShapleyPlan {
    n_years: usize,
    groups: Vec<Group>,
    /// Every electricity combination (for the clamp bounds), with its part's support empty
    /// or not.
    demand: Vec<usize>,
    /// Every local generator (for the clamp bounds).
    local: Vec<Local>,
    /// The actions that reach electricity (demand, losses, grid, local generation): the
    /// support of the clamp part. `None` when the model has no grid emissions or the total
    /// is not decomposed.
    clamp: Option<Vec<usize>>,
    /// Whether every demand and local part is in an exactly enumerated group (so that the
    /// bounds of the clamp are over every subset).
    bounds_exact: bool,
    max_exact: usize,
}

/// How one component was computed.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapleyComponent {
    /// What the component holds, e.g. `direct: passenger (gasoline)`, `grid: industry
    /// (electricity)`, `local: waste to energy`, `waste`, `source: afolu/forest`.
    pub parts: Vec<String>,
    /// The actions that can reach it (indices into the scenario's actions).
    pub actions: Vec<usize>,
    /// Orderings drawn when sampled; `None` when enumerated exactly.
    pub orderings: Option<usize>,
    /// Engine evaluations it took.
    pub evaluations: u64,
}

/// How Shapley values were computed: per component, exact or sampled, and the standard
/// error of each contribution.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapleyReport {
    /// Standard error of each contribution, kt CO2e (`[action][year]`): 0 where every
    /// component the action reaches is exact.
    pub standard_error: Vec<Vec<f64>>,
    /// Per year, the share of the gross reduction (`Σ_components |v_c(all)|`) computed
    /// exactly: 1 when nothing is sampled.
    pub exact_share: Vec<f64>,
    /// The components, in evaluation order.
    pub components: Vec<ShapleyComponent>,
    /// Engine evaluations in total (with the reference and the run with every action).
    pub evaluations: u64,
    /// Years (indices) in which the export clamp could bind, so that grid emissions were
    /// attributed through the clamp component.
    pub clamp_years: Vec<usize>,
}

impl ShapleyReport {
    /// Whether every component was enumerated exactly.
    pub fn is_exact(&self) -> bool {
        self.components.iter().all(|c| c.orderings.is_none())
    }
}

/// A row of `n` values `dst += src`.
#[inline]
fn add_row(dst: &mut [f64], src: &[f64]) {
    dst.iter_mut().zip(src).for_each(|(d, s)| *d += s);
}

impl ShapleyPlan {
    /// The decomposition of `c` (`decompose`: into components; otherwise the total as one
    /// component over every action).
    pub fn new(c: &Compiled, options: &ShapleyOptions) -> ShapleyPlan {
        let n_actions = c.n_actions;
        let all = {
            let mut a = ActionSet::empty(n_actions);
            (0..n_actions).for_each(|i| a.insert(i));
            a
        };
        let whole = |n_years| ShapleyPlan {
            n_years,
            groups: if n_actions == 0 {
                Vec::new()
            } else {
                vec![Group {
                    actions: all.to_vec(),
                    parts: vec![Part::Total],
                }]
            },
            demand: Vec::new(),
            local: Vec::new(),
            clamp: None,
            bounds_exact: true,
            max_exact: options.max_exact_actions,
        };
        if !options.decompose {
            return whole(c.n_years);
        }
        let f = flow(c);
        let empty = || ActionSet::empty(n_actions);
        // Final energy of each combination: the union of its entries.
        let mut combo = vec![empty(); c.combos.len()];
        for leaf in &c.leaves {
            for (k, &(_, _, ci)) in leaf.fuels.iter().enumerate() {
                combo[ci].union_with(&f.entries[leaf.first_entry + k]);
            }
        }
        let mut parts: Vec<(Part, ActionSet)> = Vec::new();
        for (ci, cb) in c.combos.iter().enumerate() {
            if !cb.is_elec && cb.co2e != 0.0 {
                parts.push((Part::Direct(ci), combo[ci].clone()));
            }
        }
        let e = &c.electricity;
        let grid_slots: Vec<usize> = match &e.grid {
            GridPlan::Factor { slot, .. } => vec![*slot],
            GridPlan::Mix(plants) => plants.iter().map(|p| p.share).collect(),
            GridPlan::None => Vec::new(),
        };
        let mut demand = Vec::new();
        let mut local = Vec::new();
        let mut clamp = None;
        // Grid emissions reach the total only through their allocation to electricity
        // demand: with no electricity used in any evaluation they are 0 there.
        let mut uses_electricity = false;
        for leaf in &c.leaves {
            for (k, &(_, _, ci)) in leaf.fuels.iter().enumerate() {
                uses_electricity |= c.combos[ci].is_elec && !f.entry_zero[leaf.first_entry + k];
            }
        }
        if uses_electricity && !matches!(e.grid, GridPlan::None) {
            let grid = f.union_of(n_actions, grid_slots.iter().copied());
            let mut k_support = grid.clone();
            k_support.union_with(f.slot(e.losses));
            let mut reach = k_support.clone();
            for (ci, cb) in c.combos.iter().enumerate() {
                if cb.is_elec {
                    let mut s = combo[ci].clone();
                    s.union_with(&k_support);
                    reach.union_with(&s);
                    demand.push(ci);
                    parts.push((Part::Demand(ci), s));
                }
            }
            let waste = waste_support(c, &f);
            for (u, unit) in e.local.iter().enumerate() {
                local.push((Local::Unit(u), f.union_of(n_actions, [unit.a, unit.b])));
            }
            local.push((Local::Measures, f.slot(e.extra_generation).clone()));
            if let Some(w) = &c.waste {
                local.push((Local::WasteToEnergy, waste.clone()));
                if w.uses_ad {
                    local.push((Local::Biogas, waste.clone()));
                }
            }
            let local = &mut local;
            for (p, s) in local.iter_mut() {
                s.union_with(&grid);
                reach.union_with(s);
                parts.push((Part::Local(*p), s.clone()));
            }
            clamp = Some(reach.to_vec());
        }
        if c.waste.is_some() {
            parts.push((Part::Waste, waste_support(c, &f)));
        }
        if let Some(ww) = &c.wastewater {
            fn stream(s: &crate::plan::StreamPlan, slots: &mut Vec<usize>) {
                slots.extend(s.pathways.iter().map(|p| p.0));
                slots.push(s.sludge);
                slots.push(s.recovery);
            }
            let mut slots = Vec::new();
            if let Some(d) = &ww.domestic {
                stream(&d.stream, &mut slots);
                slots.push(d.population);
                slots.push(d.bod);
                if let Some((protein, _, _, sludge_n)) = d.nitrogen {
                    slots.push(protein);
                    slots.push(sludge_n);
                }
            }
            for i in &ww.industrial {
                stream(&i.stream, &mut slots);
                slots.extend([i.production, i.wastewater, i.cod]);
            }
            parts.push((Part::Wastewater, f.union_of(n_actions, slots)));
        }
        // One part per source: a plain or process source's activity × factors, or the
        // emissions of the refrigerant bank or land class the source is (its counted F-gases,
        // its stock change: `parts::source_co2e_t`), each with every slot it reads (the
        // source's activity and factors and the bank's or land class's own slots).
        for (si, s) in c.sources.iter().enumerate() {
            let mut slots: Vec<usize> = std::iter::once(s.activity)
                .chain(s.factors.iter().map(|x| x.1))
                .collect();
            slots.extend(crate::inventory::source_slots(&c.inventory, si));
            parts.push((Part::Source(si), f.union_of(n_actions, slots)));
        }
        // Groups: parts with the same support, then each support inside a larger one joins
        // it (largest first); a part that no action reaches is constant and drops out.
        let mut groups: Vec<(ActionSet, Vec<Part>)> = Vec::new();
        let mut by_size: Vec<&(Part, ActionSet)> =
            parts.iter().filter(|(_, s)| !s.is_empty()).collect();
        by_size.sort_by_key(|(_, s)| std::cmp::Reverse(s.len()));
        for (p, s) in by_size {
            match groups.iter_mut().find(|(g, _)| s.is_subset(g)) {
                Some((_, ps)) => ps.push(*p),
                None => groups.push((s.clone(), vec![*p])),
            }
        }
        let groups: Vec<Group> = groups
            .into_iter()
            .map(|(s, parts)| Group {
                actions: s.to_vec(),
                parts,
            })
            .collect();
        let max_exact = options.max_exact_actions;
        let bounds_exact = groups.iter().all(|g| {
            g.actions.len() <= max_exact
                || !g
                    .parts
                    .iter()
                    .any(|p| matches!(p, Part::Demand(_) | Part::Local(_)))
        });
        ShapleyPlan {
            n_years: c.n_years,
            groups,
            demand,
            local: local.into_iter().map(|(p, _)| p).collect(),
            clamp,
            bounds_exact,
            max_exact,
        }
    }

    /// Engine evaluations of the exactly enumerated components (`Σ 2^k − 1`), without the
    /// reference, the run with every action, sampled components and the clamp component.
    pub fn exact_evaluations(&self) -> u64 {
        self.groups
            .iter()
            .filter(|g| g.actions.len() <= self.max_exact)
            .map(|g| (1u64 << g.actions.len()) - 1)
            .sum()
    }

    /// Number of components.
    pub fn n_components(&self) -> usize {
        self.groups.len()
    }

    /// The action counts of the components, in evaluation order.
    pub fn component_sizes(&self) -> Vec<usize> {
        self.groups.iter().map(|g| g.actions.len()).collect()
    }

    /// Whether every component is enumerated exactly (the clamp component, which is added
    /// only when the export clamp may bind, aside).
    pub fn is_exact(&self) -> bool {
        self.groups
            .iter()
            .all(|g| g.actions.len() <= self.max_exact)
    }
}

/// Every slot of the waste section.
fn waste_support(c: &Compiled, f: &crate::dataflow::Flow) -> ActionSet {
    let mut s = ActionSet::empty(c.n_actions);
    if let Some(w) = &c.waste {
        let slots = [
            w.generation,
            w.recovery,
            w.incineration_electricity,
            w.incineration_capture,
            w.ad_electricity,
        ]
        .into_iter()
        .chain(w.composition)
        .chain(w.routes.iter().flatten().copied());
        s = f.union_of(c.n_actions, slots);
    }
    s
}

/// Per-year grid quantities of one evaluation: `F` (t CO2e per MWh of grid supply) and
/// `K = F / 3.6 / (1 − losses)` (t CO2e per GJ of demand at the point of use).
struct GridRows {
    f: Vec<f64>,
    k: Vec<f64>,
}

impl GridRows {
    fn new(n: usize) -> Self {
        GridRows {
            f: vec![0.0; n],
            k: vec![0.0; n],
        }
    }

    fn fill(&mut self, c: &Compiled, ws: &Workspace) {
        let n = c.n_years;
        let gwp = (c.gwp_ch4, c.gwp_n2o);
        let losses = &ws.arena[c.electricity.losses * n..c.electricity.losses * n + n];
        for (y, ((f, k), l)) in self.f.iter_mut().zip(&mut self.k).zip(losses).enumerate() {
            *f = crate::electricity::grid_factor_co2e_at(&c.electricity.grid, &ws.arena, n, y, gwp);
            // Per GJ of demand: the factor per GJ of busbar supply, grossed up for losses.
            *k = busbar_supply(*f / GJ_PER_MWH, *l);
        }
    }
}

/// A local generator's output in each year of the last evaluation, GJ, into `out`.
fn local_gj(c: &Compiled, ws: &Workspace, p: Local, out: &mut [f64]) {
    let n = c.n_years;
    let a = &ws.arena;
    match p {
        Local::Unit(u) => {
            let unit = c.electricity.local[u];
            for (y, o) in out.iter_mut().enumerate() {
                *o = unit_generation(a[unit.a * n + y], a[unit.b * n + y]);
            }
        }
        Local::Measures => {
            let s = c.electricity.extra_generation;
            out.copy_from_slice(&a[s * n..s * n + n]);
        }
        Local::WasteToEnergy => out.copy_from_slice(&ws.wte_gj),
        Local::Biogas => out.copy_from_slice(&ws.biogas_gj),
    }
}

/// Scratch rows for the values of parts.
struct PartRows {
    grid: GridRows,
    tmp: Vec<f64>,
    rest: Vec<f64>,
    linear: Vec<f64>,
}

impl PartRows {
    fn new(n: usize) -> Self {
        PartRows {
            grid: GridRows::new(n),
            tmp: vec![0.0; n],
            rest: vec![0.0; n],
            linear: vec![0.0; n],
        }
    }
}

/// `out += E_p(y)`, t CO2e, of part `p` in the last evaluation (`grid` filled when the part
/// needs it). `clamp_years[y]`: whether year `y` takes the clamp part.
fn add_part(
    c: &Compiled,
    plan: &ShapleyPlan,
    ws: &Workspace,
    p: Part,
    rows: &mut PartRows,
    clamp_years: &[bool],
    out: &mut [f64],
) {
    let n = c.n_years;
    let gwp = (c.gwp_ch4, c.gwp_n2o);
    match p {
        Part::Total => add_row(out, &ws.out.co2e_t),
        Part::Direct(ci) => {
            let fe = &ws.combo_gj[ci * n..ci * n + n];
            let ef = c.combos[ci].co2e;
            out.iter_mut()
                .zip(fe)
                .for_each(|(o, e)| *o += crate::demand::energy_emission(*e, ef));
        }
        Part::Demand(ci) => {
            let fe = &ws.combo_gj[ci * n..ci * n + n];
            out.iter_mut()
                .zip(fe.iter().zip(&rows.grid.k))
                .for_each(|(o, (e, k))| *o += e * k);
        }
        Part::Local(l) => {
            local_gj(c, ws, l, &mut rows.tmp);
            out.iter_mut()
                .zip(rows.tmp.iter().zip(&rows.grid.f))
                .for_each(|(o, (g, f))| *o -= g / GJ_PER_MWH * f);
        }
        Part::Waste => {
            let d = ws.out.waste_detail.as_slice().unwrap_or(&[]);
            for (y, o) in out.iter_mut().enumerate() {
                let (co2, ch4, n2o) = crate::waste_section::solid_waste_gases(n, d, y);
                *o += crate::factors::co2e(gwp, co2, ch4, n2o);
            }
        }
        Part::Wastewater => {
            let d = ws.out.waste_detail.as_slice().unwrap_or(&[]);
            for (y, o) in out.iter_mut().enumerate() {
                *o += crate::wastewater::wastewater_co2e(
                    gwp,
                    d[waste_row::WASTEWATER_CH4 * n + y],
                    d[waste_row::WASTEWATER_N2O * n + y],
                );
            }
        }
        Part::Source(si) => crate::parts::each_source_co2e_t(c, ws, si, |y, e| out[y] += e),
        Part::Clamp => {
            // EE − Σ demand parts − Σ local parts, in the years that take it (the
            // allocation to sectors adds up to EE where demand is positive, 0 elsewhere).
            let mut rest = std::mem::take(&mut rows.rest);
            let mut linear = std::mem::take(&mut rows.linear);
            rest.fill(0.0);
            linear.fill(0.0);
            let alloc = ws.out.electricity_t.as_slice().unwrap_or(&[]);
            for row in alloc.chunks_exact(n.max(1)) {
                add_row(&mut rest, row);
            }
            for &ci in &plan.demand {
                add_part(
                    c,
                    plan,
                    ws,
                    Part::Demand(ci),
                    rows,
                    clamp_years,
                    &mut linear,
                );
            }
            for &l in &plan.local {
                add_part(c, plan, ws, Part::Local(l), rows, clamp_years, &mut linear);
            }
            for y in 0..n {
                if clamp_years[y] {
                    out[y] += rest[y] - linear[y];
                }
            }
            rows.rest = rest;
            rows.linear = linear;
        }
    }
}

/// Whether a group's value needs the grid rows.
fn needs_grid(parts: &[Part]) -> bool {
    parts
        .iter()
        .any(|p| matches!(p, Part::Demand(_) | Part::Local(_) | Part::Clamp))
}

/// `E_g(y)` of the last evaluation, kt CO2e, into `out`.
fn group_value(
    c: &Compiled,
    plan: &ShapleyPlan,
    ws: &Workspace,
    parts: &[Part],
    rows: &mut PartRows,
    clamp_years: &[bool],
    out: &mut [f64],
) {
    out.fill(0.0);
    if needs_grid(parts) {
        rows.grid.fill(c, ws);
    }
    for &p in parts {
        add_part(c, plan, ws, p, rows, clamp_years, out);
    }
    out.iter_mut().for_each(|v| *v /= 1000.0);
}

/// Bounds over the evaluated subsets for the clamp test: per year, the least demand of each
/// electricity combination and the least losses, the most output of each local generator.
#[derive(Clone, Debug)]
struct Bounds {
    demand_min: Vec<f64>,
    losses_min: Vec<f64>,
    local_max: Vec<f64>,
}

impl Bounds {
    fn new(plan: &ShapleyPlan) -> Self {
        let n = plan.n_years;
        Bounds {
            demand_min: vec![f64::INFINITY; plan.demand.len() * n],
            losses_min: vec![f64::INFINITY; n],
            local_max: vec![f64::NEG_INFINITY; plan.local.len() * n],
        }
    }

    fn observe(&mut self, c: &Compiled, plan: &ShapleyPlan, ws: &Workspace, tmp: &mut [f64]) {
        let n = c.n_years;
        for (i, &ci) in plan.demand.iter().enumerate() {
            let fe = &ws.combo_gj[ci * n..ci * n + n];
            for (m, v) in self.demand_min[i * n..i * n + n].iter_mut().zip(fe) {
                *m = m.min(*v);
            }
        }
        let l = c.electricity.losses;
        for (m, v) in self.losses_min.iter_mut().zip(&ws.arena[l * n..l * n + n]) {
            *m = m.min(*v);
        }
        for (i, &p) in plan.local.iter().enumerate() {
            local_gj(c, ws, p, tmp);
            for (m, v) in self.local_max[i * n..i * n + n].iter_mut().zip(tmp.iter()) {
                *m = m.max(*v);
            }
        }
    }

    fn merge(&mut self, o: &Bounds) {
        for (a, b) in self.demand_min.iter_mut().zip(&o.demand_min) {
            *a = a.min(*b);
        }
        for (a, b) in self.losses_min.iter_mut().zip(&o.losses_min) {
            *a = a.min(*b);
        }
        for (a, b) in self.local_max.iter_mut().zip(&o.local_max) {
            *a = a.max(*b);
        }
    }

    /// Per year: whether the export clamp may bind for some subset of actions.
    fn clamp_years(&self, n: usize, n_demand: usize, n_local: usize) -> Vec<bool> {
        (0..n)
            .map(|y| {
                let d: f64 = (0..n_demand).map(|i| self.demand_min[i * n + y]).sum();
                let l: f64 = (0..n_local).map(|i| self.local_max[i * n + y]).sum();
                let busbar = busbar_supply(d / GJ_PER_MWH, self.losses_min[y]);
                let proven = d > 0.0 && busbar.is_finite() && busbar >= l / GJ_PER_MWH;
                !proven
            })
            .collect()
    }
}

/// Per-thread state of the exact enumeration of one group.
struct Enumerator {
    ws: Workspace,
    mask: Vec<bool>,
    rows: PartRows,
    e: Vec<f64>,
    tmp: Vec<f64>,
}

impl Enumerator {
    fn new(c: &Compiled) -> Self {
        Enumerator {
            ws: Workspace::new(c),
            mask: vec![false; c.n_actions],
            rows: PartRows::new(c.n_years),
            e: vec![0.0; c.n_years],
            tmp: vec![0.0; c.n_years],
        }
    }

    /// Runs the subset `bits` of the group's actions and leaves `E_g` in `self.e`.
    fn run(
        &mut self,
        c: &Compiled,
        plan: &ShapleyPlan,
        g: &Group,
        bits: usize,
        params: &[f64],
        clamp_years: &[bool],
    ) -> Result<(), RunError> {
        for (j, &a) in g.actions.iter().enumerate() {
            self.mask[a] = bits >> j & 1 == 1;
        }
        evaluate_with(c, &mut self.ws, &self.mask, params)?;
        group_value(
            c,
            plan,
            &self.ws,
            &g.parts,
            &mut self.rows,
            clamp_years,
            &mut self.e,
        );
        Ok(())
    }
}

/// Sums by coalition size of one chunk of subsets: `inside[(j k + s) n + y]` is
/// `Σ v(T)` over `T ∋ j` with `|T| = s + 1`, `outside[(j k + s) n + y]` over `T ∌ j` with
/// `|T| = s`.
#[derive(Clone, Debug)]
struct SizeSums {
    inside: Vec<f64>,
    outside: Vec<f64>,
    bounds: Option<Bounds>,
}

impl SizeSums {
    fn new(k: usize, n: usize) -> Self {
        SizeSums {
            inside: vec![0.0; k * k * n],
            outside: vec![0.0; k * k * n],
            bounds: None,
        }
    }

    fn add(&mut self, o: &SizeSums) {
        add_row(&mut self.inside, &o.inside);
        add_row(&mut self.outside, &o.outside);
        match (&mut self.bounds, &o.bounds) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.bounds = Some(b.clone()),
            _ => {}
        }
    }
}

/// The chunks of a group's `2^k` subsets: by their high bits, at most 64, so that sums are
/// independent of the number of threads.
fn chunks(k: usize) -> (usize, usize) {
    let chunk_bits = k.saturating_sub(k.saturating_sub(10).min(6));
    (1usize << (k - chunk_bits), 1usize << chunk_bits)
}

#[allow(clippy::too_many_arguments)]
fn enumerate_chunk(
    c: &Compiled,
    plan: &ShapleyPlan,
    g: &Group,
    params: &[f64],
    clamp_years: &[bool],
    e0: &[f64],
    chunk: usize,
    en: &mut Enumerator,
    track: bool,
) -> Result<SizeSums, RunError> {
    let k = g.actions.len();
    let n = c.n_years;
    let (_, size) = chunks(k);
    let mut sums = SizeSums::new(k, n);
    let mut bounds = track.then(|| Bounds::new(plan));
    for bits in chunk * size..(chunk + 1) * size {
        if bits == 0 {
            continue; // v(∅) = 0
        }
        en.run(c, plan, g, bits, params, clamp_years)?;
        if let Some(b) = bounds.as_mut() {
            b.observe(c, plan, &en.ws, &mut en.tmp);
        }
        // v(T) = E(∅) − E(T), in place.
        for (v, z) in en.e.iter_mut().zip(e0) {
            *v = z - *v;
        }
        let s = bits.count_ones() as usize;
        for j in 0..k {
            let (rows, at) = if bits >> j & 1 == 1 {
                (&mut sums.inside, (j * k + s - 1) * n)
            } else {
                (&mut sums.outside, (j * k + s) * n)
            };
            add_row(&mut rows[at..at + n], &en.e);
        }
    }
    sums.bounds = bounds;
    Ok(sums)
}

/// `φ_j = Σ_s w(s) (inside[j][s] − outside[j][s])`, kt, into `phi[j * n..]`.
fn shapley_of_sums(k: usize, n: usize, sums: &SizeSums, phi: &mut [f64]) {
    // w(s) = 1 / (k C(k − 1, s)).
    let mut binom = vec![1.0f64; k.max(1)];
    for s in 1..k {
        binom[s] = binom[s - 1] * (k - s) as f64 / s as f64;
    }
    for j in 0..k {
        let out = &mut phi[j * n..j * n + n];
        out.fill(0.0);
        for (s, b) in binom.iter().enumerate().take(k) {
            let w = 1.0 / (k as f64 * b);
            let at = (j * k + s) * n;
            for ((o, a), b) in out
                .iter_mut()
                .zip(&sums.inside[at..at + n])
                .zip(&sums.outside[at..at + n])
            {
                *o += w * (a - b);
            }
        }
    }
}

/// A random ordering of `0..n` for ordering `index` under `seed` (Fisher–Yates driven by
/// SplitMix64, so every ordering is a function of (seed, index) alone).
pub(crate) fn ordering(n: usize, seed: u64, index: u64, order: &mut Vec<usize>) {
    let mut state = seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    order.clear();
    order.extend(0..n);
    for i in (1..n).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

/// The marginals of one ordering of the group's actions, kt: `m[j * n + y]` for the group's
/// action `j`.
#[allow(clippy::too_many_arguments)]
fn ordering_marginals(
    c: &Compiled,
    plan: &ShapleyPlan,
    g: &Group,
    params: &[f64],
    clamp_years: &[bool],
    e0: &[f64],
    seed: u64,
    index: u64,
    en: &mut Enumerator,
    order: &mut Vec<usize>,
    prev: &mut [f64],
    m: &mut [f64],
) -> Result<(), RunError> {
    let n = c.n_years;
    ordering(g.actions.len(), seed, index, order);
    for &a in &g.actions {
        en.mask[a] = false;
    }
    prev.copy_from_slice(e0);
    for &j in order.iter() {
        en.mask[g.actions[j]] = true;
        evaluate_with(c, &mut en.ws, &en.mask, params)?;
        group_value(
            c,
            plan,
            &en.ws,
            &g.parts,
            &mut en.rows,
            clamp_years,
            &mut en.e,
        );
        for ((d, p), e) in m[j * n..j * n + n]
            .iter_mut()
            .zip(prev.iter_mut())
            .zip(&en.e)
        {
            *d = *p - e;
            *p = *e;
        }
    }
    Ok(())
}

/// Running sums of sampled marginals: the plain sum (for the mean) and the sum of squares
/// about the first ordering's marginals (for the variance), both in ordering order.
struct SampleSums {
    count: usize,
    sum: Vec<f64>,
    first: Vec<f64>,
    squares: Vec<f64>,
}

impl SampleSums {
    fn new(len: usize) -> Self {
        SampleSums {
            count: 0,
            sum: vec![0.0; len],
            first: vec![0.0; len],
            squares: vec![0.0; len],
        }
    }

    fn push(&mut self, m: &[f64]) {
        if self.count == 0 {
            self.first.copy_from_slice(m);
        }
        self.count += 1;
        for (((s, q), f), v) in self
            .sum
            .iter_mut()
            .zip(self.squares.iter_mut())
            .zip(&self.first)
            .zip(m)
        {
            *s += v;
            let d = v - f;
            *q += d * d;
        }
    }

    /// The mean of entry `i`.
    fn mean(&self, i: usize) -> f64 {
        self.sum[i] / self.count.max(1) as f64
    }

    /// The standard error of the mean of entry `i`.
    fn standard_error(&self, i: usize) -> f64 {
        let p = self.count as f64;
        if self.count < 2 {
            return 0.0;
        }
        let shift = self.mean(i) - self.first[i];
        let ss = (self.squares[i] - p * shift * shift).max(0.0);
        (ss / (p - 1.0) / p).sqrt()
    }
}

/// Where the result of a group goes.
struct GroupResult {
    /// `φ_j(y)`, kt, `[j * n + y]` over the group's actions.
    phi: Vec<f64>,
    /// Standard errors (sampled groups), same layout.
    se: Option<Vec<f64>>,
    /// `v_g(all)`, kt per year.
    total: Vec<f64>,
    orderings: Option<usize>,
    evaluations: u64,
    bounds: Option<Bounds>,
}

/// Everything one attribution needs besides the plan.
struct Context<'a> {
    c: &'a Compiled,
    plan: &'a ShapleyPlan,
    options: &'a ShapleyOptions,
    params: &'a [f64],
    /// `|TOTAL(y)|` scale of the tolerance, per year.
    scale: Vec<f64>,
    parallel: bool,
}

impl Context<'_> {
    /// The exact Shapley values of group `g`.
    fn exact(
        &self,
        g: &Group,
        e0: &[f64],
        clamp_years: &[bool],
        track: bool,
    ) -> Result<GroupResult, RunError> {
        let (c, plan) = (self.c, self.plan);
        let k = g.actions.len();
        let n = c.n_years;
        let (n_chunks, _) = chunks(k);
        let run = |en: &mut Enumerator, chunk: usize| {
            enumerate_chunk(c, plan, g, self.params, clamp_years, e0, chunk, en, track)
        };
        let mut sums = SizeSums::new(k, n);
        if self.parallel && n_chunks > 1 {
            let parts: Vec<SizeSums> = (0..n_chunks)
                .into_par_iter()
                .map_init(|| Enumerator::new(c), run)
                .collect::<Result<_, _>>()?;
            for p in &parts {
                sums.add(p);
            }
        } else {
            let mut en = Enumerator::new(c);
            for chunk in 0..n_chunks {
                sums.add(&run(&mut en, chunk)?);
            }
        }
        let mut phi = vec![0.0; k * n];
        shapley_of_sums(k, n, &sums, &mut phi);
        // v(all): the full subset is in `inside` of every action at size k.
        let at = (k - 1) * n;
        let total = sums.inside[at..at + n].to_vec();
        Ok(GroupResult {
            phi,
            se: None,
            total,
            orderings: None,
            evaluations: (1u64 << k) - 1,
            bounds: sums.bounds,
        })
    }

    /// Shapley values of group `g` estimated from random orderings.
    fn sampled(
        &self,
        g: &Group,
        gi: usize,
        e0: &[f64],
        clamp_years: &[bool],
    ) -> Result<GroupResult, RunError> {
        let (c, plan, o) = (self.c, self.plan, self.options);
        let k = g.actions.len();
        let n = c.n_years;
        let seed = if plan.groups.len() == 1 && !matches!(g.parts.as_slice(), [Part::Clamp]) {
            o.seed
        } else {
            o.seed ^ ((gi as u64 + 1) << 40)
        };
        let max = o.max_orderings.max(1);
        let min = o.min_orderings.clamp(1, max);
        let mut sums = SampleSums::new(k * n);
        let one =
            |en: &mut Enumerator, index: usize, buf: &mut (Vec<usize>, Vec<f64>, Vec<f64>)| {
                let (order, prev, m) = buf;
                ordering_marginals(
                    c,
                    plan,
                    g,
                    self.params,
                    clamp_years,
                    e0,
                    seed,
                    index as u64,
                    en,
                    order,
                    prev,
                    m,
                )
            };
        let mut done = 0usize;
        let mut en = Enumerator::new(c);
        let mut buf = (Vec::with_capacity(k), vec![0.0; n], vec![0.0; k * n]);
        while done < max {
            let end = (done + BATCH).min(max);
            if self.parallel {
                let batch: Vec<Vec<f64>> = (done..end)
                    .into_par_iter()
                    .map_init(
                        || {
                            (
                                Enumerator::new(c),
                                (Vec::with_capacity(k), vec![0.0; n], vec![0.0; k * n]),
                            )
                        },
                        |(en, buf), p| -> Result<Vec<f64>, RunError> {
                            one(en, p, buf)?;
                            Ok(buf.2.clone())
                        },
                    )
                    .collect::<Result<_, _>>()?;
                for m in &batch {
                    sums.push(m);
                }
            } else {
                for p in done..end {
                    one(&mut en, p, &mut buf)?;
                    sums.push(&buf.2);
                }
            }
            done = end;
            if done >= min && o.tolerance > 0.0 {
                let met = (0..k).all(|j| {
                    (0..n).all(|y| sums.standard_error(j * n + y) <= o.tolerance * self.scale[y])
                });
                if met {
                    break;
                }
            }
        }
        let phi: Vec<f64> = (0..k * n).map(|i| sums.mean(i)).collect();
        let se: Vec<f64> = (0..k * n).map(|i| sums.standard_error(i)).collect();
        // Each ordering's marginals add up to v_g(all).
        let mut total = vec![0.0; n];
        for j in 0..k {
            add_row(&mut total, &phi[j * n..j * n + n]);
        }
        Ok(GroupResult {
            phi,
            se: Some(se),
            total,
            orderings: Some(done),
            evaluations: (done * k) as u64,
            bounds: None,
        })
    }

    fn group(
        &self,
        g: &Group,
        gi: usize,
        e0: &[f64],
        clamp_years: &[bool],
        track: bool,
    ) -> Result<GroupResult, RunError> {
        if g.actions.len() <= self.plan.max_exact {
            self.exact(g, e0, clamp_years, track)
        } else {
            self.sampled(g, gi, e0, clamp_years)
        }
    }
}

/// Describes a part for people.
fn part_label(c: &Compiled, p: Part) -> String {
    let combo = |ci: usize| {
        let cb = &c.combos[ci];
        format!("{} ({})", c.labels.tops[cb.top], c.labels.fuels[cb.fuel])
    };
    match p {
        Part::Total => "total".into(),
        Part::Direct(ci) => format!("direct: {}", combo(ci)),
        Part::Demand(ci) => format!("grid: {}", combo(ci)),
        Part::Local(Local::Unit(u)) => {
            let name = &c.slot_names[c.electricity.local[u].a];
            let unit = name
                .strip_prefix("electricity.local.")
                .and_then(|s| s.rsplit_once('.'))
                .map_or(name.as_str(), |(u, _)| u);
            format!("local: {unit}")
        }
        Part::Local(Local::Measures) => "local: generation measures".into(),
        Part::Local(Local::WasteToEnergy) => "local: waste to energy".into(),
        Part::Local(Local::Biogas) => "local: biogas".into(),
        Part::Waste => "waste".into(),
        Part::Wastewater => "wastewater".into(),
        Part::Source(si) => match c.inventory.by_source.get(si).copied().flatten() {
            None => {
                let name = &c.slot_names[c.sources[si].activity];
                let path = name
                    .strip_prefix("sources.")
                    .and_then(|s| s.strip_suffix(".activity"))
                    .unwrap_or(name);
                format!("source: {path}")
            }
            Some(crate::inventory::SourceExt::Refrigerant(b)) => {
                format!("refrigerant bank #{}", b + 1)
            }
            Some(crate::inventory::SourceExt::Land(i)) => {
                format!("land: {}", c.inventory.lands[i].path)
            }
        },
        Part::Clamp => "grid: export clamp".into(),
    }
}

/// Shapley values of every action, kt CO2e per year, with how they were computed.
pub(crate) struct ShapleyValues {
    /// `[action][year]`.
    pub contributions: Vec<Vec<f64>>,
    pub report: ShapleyReport,
}

/// Shapley values of a compiled scenario's reduction under `plan`, with sampled parameters
/// `params` (empty: as defined). `total` is `v(all)` per year, kt (the scale of the
/// tolerance); `parallel`: on the rayon pool, else on this thread (the same numbers).
pub(crate) fn shapley_values(
    c: &Compiled,
    plan: &ShapleyPlan,
    options: &ShapleyOptions,
    params: &[f64],
    total: &[f64],
    parallel: bool,
) -> Result<ShapleyValues, RunError> {
    let n = c.n_years;
    let n_actions = c.n_actions;
    let largest = total.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let scale: Vec<f64> = total
        .iter()
        .map(|v| if *v != 0.0 { v.abs() } else { largest })
        .collect();
    let cx = Context {
        c,
        plan,
        options,
        params,
        scale,
        parallel,
    };
    // E_g(∅) of every group from one reference run; the reference is a subset too, so its
    // demand and generation join the clamp bounds.
    let mut en = Enumerator::new(c);
    let none = vec![false; n_actions];
    evaluate_with(c, &mut en.ws, &none, params)?;
    let no_clamp = vec![false; n];
    let mut e0 = Vec::with_capacity(plan.groups.len());
    for g in &plan.groups {
        group_value(
            c,
            plan,
            &en.ws,
            &g.parts,
            &mut en.rows,
            &no_clamp,
            &mut en.e,
        );
        e0.push(en.e.clone());
    }
    let mut bounds = Bounds::new(plan);
    bounds.observe(c, plan, &en.ws, &mut en.tmp);
    let track = plan.clamp.is_some();
    let run = |gi: usize| cx.group(&plan.groups[gi], gi, &e0[gi], &no_clamp, track);
    let results: Vec<GroupResult> = if parallel {
        (0..plan.groups.len())
            .into_par_iter()
            .map(run)
            .collect::<Result<_, _>>()?
    } else {
        (0..plan.groups.len()).map(run).collect::<Result<_, _>>()?
    };
    let mut groups: Vec<(Group, GroupResult)> = plan.groups.iter().cloned().zip(results).collect();
    // The clamp component, in the years where the bounds do not exclude the clamp.
    let mut clamp_years = Vec::new();
    if let Some(actions) = &plan.clamp {
        for (_, r) in &groups {
            if let Some(b) = &r.bounds {
                bounds.merge(b);
            }
        }
        let years = if plan.bounds_exact {
            bounds.clamp_years(n, plan.demand.len(), plan.local.len())
        } else {
            vec![true; n]
        };
        if years.iter().any(|b| *b) && !actions.is_empty() {
            clamp_years = (0..n).filter(|&y| years[y]).collect();
            let g = Group {
                actions: actions.clone(),
                parts: vec![Part::Clamp],
            };
            let mut e = vec![0.0; n];
            group_value(c, plan, &en.ws, &g.parts, &mut en.rows, &years, &mut e);
            let r = cx.group(&g, plan.groups.len(), &e, &years, false)?;
            groups.push((g, r));
        }
    }
    // Sum the groups in order.
    let mut contributions = vec![vec![0.0; n]; n_actions];
    let mut variance = vec![vec![0.0; n]; n_actions];
    let mut gross = vec![0.0; n];
    let mut exact = vec![0.0; n];
    let mut components = Vec::new();
    let mut evaluations = 2u64;
    for (g, r) in &groups {
        for (j, &a) in g.actions.iter().enumerate() {
            add_row(&mut contributions[a], &r.phi[j * n..j * n + n]);
            if let Some(se) = &r.se {
                for (v, s) in variance[a].iter_mut().zip(&se[j * n..j * n + n]) {
                    *v += s * s;
                }
            }
        }
        for y in 0..n {
            gross[y] += r.total[y].abs();
            if r.se.is_none() {
                exact[y] += r.total[y].abs();
            }
        }
        evaluations += r.evaluations;
        components.push(ShapleyComponent {
            parts: g.parts.iter().map(|p| part_label(c, *p)).collect(),
            actions: g.actions.clone(),
            orderings: r.orderings,
            evaluations: r.evaluations,
        });
    }
    // Every part of the total that actions can change is in some component: the components'
    // reductions add up to the total (checked in debug builds and by the tests; a new term
    // of the total needs its part here).
    debug_assert!(
        (0..n).all(|y| {
            let sum: f64 = groups.iter().map(|(_, r)| r.total[y]).sum();
            (sum - total[y]).abs() <= 1e-6 * (1.0 + gross[y] + total[y].abs())
        }),
        "the components do not add up to the total reduction"
    );
    let standard_error = variance
        .into_iter()
        .map(|v| v.into_iter().map(f64::sqrt).collect())
        .collect();
    let exact_share = (0..n)
        .map(|y| {
            if gross[y] > 0.0 {
                exact[y] / gross[y]
            } else {
                1.0
            }
        })
        .collect();
    Ok(ShapleyValues {
        contributions,
        report: ShapleyReport {
            standard_error,
            exact_share,
            components,
            evaluations,
            clamp_years,
        },
    })
}
