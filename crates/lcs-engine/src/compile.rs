//! Compilation: a checked [`Scenario`] becomes flat arrays and an ordered list of steps.
//!
//! Every series of the model (drivers, activities, shares, intensities, fuel shares, grid
//! and waste parameters, source activities and factors, lever values) gets a *slot*: a row
//! of `n_years` values in one arena (`slot * n_years + year`), in base units. Evaluation
//! copies the base arena, runs the steps (expressions, then the measures of the actions in
//! the mask, in the order of MODEL.md §9), and then the equations of §4–§8 read the slots.
//! No names, units or allocation remain on the evaluation path.

use lcs_factors::Category;
use lcs_levers::Schedule;
use lcs_model::{Activity, Grid, Lever, Model, Scenario, Series, SeriesDef, SourceGas, Target};
use lcs_units::Program;

/// How a series measure changes its slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SeriesLever {
    Scale,
    Set,
    Add,
}

/// What must hold for a slot after a measure changed it (MODEL.md §9, §11.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bound {
    /// Anything goes (drivers, source factors).
    Free,
    /// ≥ 0 (activities, intensities, capacities, generation).
    NonNegative,
    /// In [0, 1] (shares, recovery, capacity factors).
    Fraction,
    /// In [0, 1) (losses).
    Losses,
}

/// One step of an evaluation.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// `slot = program(year)` for every year.
    Expr { slot: usize, program: Program },
    /// `slot = a * b` for every year (driver × per).
    Mul { slot: usize, a: usize, b: usize },
    /// `slot = src` for every year.
    Copy { slot: usize, src: usize },
    /// A sampled uncertain parameter: multiply the slots by, or set them to, `params[index]`.
    Param {
        index: usize,
        slots: Vec<usize>,
        absolute: bool,
        bound: Bound,
    },
    /// A measure on series slots.
    Series {
        op: usize,
        lever: SeriesLever,
        slots: Vec<usize>,
        param: usize,
        bound: Bound,
        /// Sibling share slots whose sum must stay 1 if it was 1 (children shares).
        group: Vec<usize>,
    },
    /// `shift` on a share map whose items are `items` (slots).
    Shift {
        op: usize,
        items: Vec<usize>,
        from: Vec<usize>,
        to: Vec<usize>,
        amount: f64,
    },
    /// `set` on a share map.
    SetMap {
        op: usize,
        items: Vec<usize>,
        value: Vec<f64>,
        children: bool,
    },
    /// A `generation` measure: adds `gj * r(y)` to the generation slot.
    Generation { op: usize, slot: usize, gj: f64 },
}

/// A measure as compiled: which action it belongs to and its ramp weights.
#[derive(Clone, Debug)]
pub(crate) struct OpInfo {
    pub action: usize,
    pub measure: usize,
    pub weights: Vec<f64>,
}

/// A leaf of the demand tree with its slots and per-fuel factors.
#[derive(Clone, Debug)]
pub(crate) struct LeafPlan {
    /// The node's index in the model (read by `breakdown`).
    pub node: usize,
    pub activity: usize,
    pub intensity: usize,
    /// One entry per fuel the leaf can use: (run fuel index, fuel share slot, combo).
    pub fuels: Vec<(usize, usize, usize)>,
}

/// Final energy with the same sector, fuel and factors (leaves of one sector and category
/// burning one fuel): the demand loop adds into one row per combo, and emissions are
/// computed once per combo.
#[derive(Clone, Debug)]
pub(crate) struct Combo {
    /// Top-level node position.
    pub top: usize,
    /// Run fuel index.
    pub fuel: usize,
    /// t per GJ: fossil CO2, biogenic CO2, CH4, N2O.
    pub factors: [f64; 4],
    /// t CO2e per GJ (fossil CO2 + GWP-weighted CH4 and N2O).
    pub co2e: f64,
    /// Electricity: no direct emissions; allocated grid emissions instead.
    pub is_elec: bool,
}

/// Grid emissions as compiled.
#[derive(Clone, Debug)]
pub(crate) enum GridPlan {
    /// A factor slot in t of the species per GJ; the species index (0 CO2, 1 CH4, 2 N2O, 3 CO2e).
    Factor { slot: usize, gas: usize },
    /// Plants: (share slot, GJ fuel per GJ electricity, factors t/GJ of fuel [co2 fossil, co2 bio, ch4, n2o]).
    Mix(Vec<(usize, f64, [f64; 4])>),
    /// No grid.
    None,
}

/// The waste section as compiled.
#[derive(Clone, Debug)]
pub(crate) struct WastePlan {
    pub generation: usize,
    /// Composition slots, one per waste type (a zero slot where absent).
    pub composition: [usize; 8],
    /// Route slots: landfill, recycling, composting, incineration.
    pub routes: [usize; 4],
    pub recovery: usize,
    pub incineration_electricity: usize,
    /// First-order decay constants of the landfill.
    pub fod: crate::waste::FodConstants,
    /// Fossil carbon per tonne of each waste type (t C per t).
    pub fossil_c: [f64; crate::waste::N_WASTE_TYPES],
    pub history: Option<(i32, f64)>,
    pub compost_ch4: f64,
    pub compost_n2o: f64,
}

/// A source as compiled.
#[derive(Clone, Debug)]
pub(crate) struct SourcePlan {
    pub activity: usize,
    pub sector: usize,
    /// (gas index 0 CO2, 1 CH4, 2 N2O, 3 CO2e; factor slot, t per unit of activity).
    pub factors: Vec<(usize, usize)>,
}

/// A compiled scenario: everything an evaluation needs, as flat arrays.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub(crate) n_years: usize,
    pub(crate) base_year: i32,
    pub(crate) n_actions: usize,
    pub(crate) arena: Vec<f64>,
    pub(crate) steps: Vec<Step>,
    pub(crate) ops: Vec<OpInfo>,
    pub(crate) leaves: Vec<LeafPlan>,
    pub(crate) combos: Vec<Combo>,
    pub(crate) electricity_fuel: Option<usize>,
    pub(crate) losses: Option<usize>,
    pub(crate) grid: GridPlan,
    /// Local units: (capacity slot, capacity factor slot) or (generation slot, ONE slot).
    pub(crate) local: Vec<(usize, usize)>,
    /// Slot that `generation` measures add to.
    pub(crate) extra_generation: usize,
    pub(crate) waste: Option<WastePlan>,
    pub(crate) sources: Vec<SourcePlan>,
    pub(crate) gwp_ch4: f64,
    pub(crate) gwp_n2o: f64,
    /// Names for output rows.
    pub(crate) labels: Labels,
    /// Driver slots in model order, with their declared unit factors.
    pub(crate) driver_slots: Vec<usize>,
    /// Share-defined nodes: (path, slot).
    pub(crate) share_slots: Vec<usize>,
    /// The output rows, fixed at compile time.
    pub(crate) row_specs: Vec<crate::results::RowSpec>,
    /// Arena ranges (start, end) that steps write: only these are reset from the base
    /// arena before an evaluation (the rest is never written).
    pub(crate) dirty: Vec<(usize, usize)>,
    /// Activity slot of every demand node, in model order (read by `breakdown`).
    pub(crate) node_activity: Vec<usize>,
}

/// Names used when writing results.
#[derive(Clone, Debug, Default)]
pub(crate) struct Labels {
    pub scenario: String,
    pub region: String,
    pub tops: Vec<String>,
    pub source_sectors: Vec<String>,
    pub has_waste: bool,
    /// Run fuels: id, and whether it appears in some leaf's map (written to results).
    pub fuels: Vec<String>,
    pub share_paths: Vec<String>,
    pub drivers: Vec<(String, String, f64)>,
    pub intensity_drivers: Vec<(usize, String, String, f64)>,
    pub action_ids: Vec<String>,
    pub parameter_ids: Vec<String>,
    pub measure_ids: Vec<(String, String)>,
}

/// A problem found while compiling a checked scenario (should be rare: `lcs-model` checks).
#[derive(Clone, Debug, PartialEq)]
pub struct CompileError {
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CompileError {}

struct Builder<'m> {
    model: &'m Model,
    n: usize,
    arena: Vec<f64>,
    zero: usize,
    one: usize,
    /// Slots whose expression must run after all drivers.
    late_exprs: Vec<Step>,
    driver_slots: Vec<usize>,
}

impl Builder<'_> {
    fn slot(&mut self, values: &[f64]) -> usize {
        let s = self.arena.len() / self.n;
        self.arena.extend_from_slice(values);
        s
    }

    fn constant(&mut self, v: f64) -> usize {
        let vals = vec![v; self.n];
        self.slot(&vals)
    }

    fn empty(&mut self) -> usize {
        let vals = vec![0.0; self.n];
        self.slot(&vals)
    }

    /// The step that fills `slot` from an absolute activity: a series, a driver, or a
    /// driver × `per` (MODEL.md §4, §11.8). `None` for `share` and inherited activities.
    fn absolute_activity(&mut self, slot: usize, a: &Activity) -> Option<Step> {
        Some(match a {
            Activity::Series(s) => Step::Copy {
                slot,
                src: self.series(s),
            },
            Activity::Driver {
                driver, per: None, ..
            } => Step::Copy {
                slot,
                src: self.driver_slots[*driver],
            },
            Activity::Driver {
                driver,
                per: Some(p),
                ..
            } => {
                let d = self.driver_slots[*driver];
                Step::Mul {
                    slot,
                    a: d,
                    b: self.series(p),
                }
            }
            Activity::Share(_) | Activity::Inherit => return None,
        })
    }

    fn series(&mut self, s: &Series) -> usize {
        match &s.def {
            SeriesDef::Values(v) => self.slot(v),
            SeriesDef::Expr(e) => {
                let slot = self.empty();
                let drivers = &self.driver_slots;
                let model = self.model;
                let program = e.compile(&|name: &str| {
                    model.driver(name).map(|i| drivers[i]).unwrap_or(usize::MAX)
                });
                self.late_exprs.push(Step::Expr { slot, program });
                slot
            }
        }
    }
}

fn fuel_factors(model: &Model, fuel: usize, cat: Option<Category>) -> [f64; 4] {
    crate::factors::combustion_factors(model, fuel, cat).to_array()
}

fn gas_index(g: SourceGas) -> usize {
    match g {
        SourceGas::CO2 => 0,
        SourceGas::CH4 => 1,
        SourceGas::N2O => 2,
        SourceGas::CO2e => 3,
    }
}

/// The arena ranges that steps write, merged and sorted.
fn dirty_ranges(c: &Compiled) -> Vec<(usize, usize)> {
    let mut slots: Vec<usize> = Vec::new();
    for step in &c.steps {
        match step {
            Step::Expr { slot, .. }
            | Step::Mul { slot, .. }
            | Step::Copy { slot, .. }
            | Step::Generation { slot, .. } => slots.push(*slot),
            Step::Param { slots: s, .. } | Step::Series { slots: s, .. } => {
                slots.extend(s.iter().copied())
            }
            Step::Shift { items, .. } | Step::SetMap { items, .. } => {
                slots.extend(items.iter().copied())
            }
        }
    }
    slots.retain(|&s| s != usize::MAX);
    slots.sort_unstable();
    slots.dedup();
    let n = c.n_years;
    let mut out: Vec<(usize, usize)> = Vec::new();
    for s in slots {
        match out.last_mut() {
            Some(last) if last.1 == s * n => last.1 = s * n + n,
            _ => out.push((s * n, s * n + n)),
        }
    }
    out
}

/// Compiles a checked scenario.
pub fn compile(scenario: &Scenario) -> Result<Compiled, CompileError> {
    let model = &scenario.model;
    let n = model.n_years();
    let mut b = Builder {
        model,
        n,
        arena: Vec::new(),
        zero: 0,
        one: 0,
        late_exprs: Vec::new(),
        driver_slots: Vec::new(),
    };
    b.zero = b.constant(0.0);
    b.one = b.constant(1.0);
    // Drivers: a slot each (expressions filled in during evaluation).
    for d in &model.drivers {
        let s = match &d.series.def {
            SeriesDef::Values(v) => b.slot(v),
            SeriesDef::Expr(_) => b.empty(),
        };
        b.driver_slots.push(s);
    }
    // Measures targeting drivers run right after their driver; collect per target.
    let measures: Vec<(usize, usize)> = scenario
        .actions
        .iter()
        .enumerate()
        .flat_map(|(a, act)| (0..act.measures.len()).map(move |m| (a, m)))
        .collect();
    let mut ops: Vec<OpInfo> = Vec::new();
    let mut labels = Labels {
        scenario: scenario.id.clone(),
        region: model.region_id.clone(),
        ..Default::default()
    };
    for a in &scenario.actions {
        labels.action_ids.push(a.id.clone());
        for m in &a.measures {
            labels.measure_ids.push((a.id.clone(), m.id.clone()));
        }
    }
    let weights = |s: &Schedule| s.weights(model.base_year, model.end_year);

    // Parameter slots for every non-driver series.
    // Demand nodes: activity slots, share slots, per slots.
    let mut act_slot = vec![0usize; model.nodes.len()];
    let mut share_slot: Vec<Option<usize>> = vec![None; model.nodes.len()];
    // (node, step) computing each node's activity, run in node order during evaluation.
    let mut act_source: Vec<(usize, Step)> = Vec::new();
    // A node whose activity no measure or sampled parameter changes can read its source row
    // directly (a driver, a series, or its parent's activity) instead of a copy.
    let mut targeted = vec![false; model.nodes.len()];
    let targets = scenario
        .actions
        .iter()
        .flat_map(|a| a.measures.iter().map(|m| &m.target))
        .chain(scenario.uncertainty.iter().map(|p| &p.target));
    for t in targets {
        if let Target::Activity(nd) = t {
            targeted[*nd] = true;
        }
    }
    for (i, node) in model.nodes.iter().enumerate() {
        let alias = match (&node.activity, targeted[i]) {
            (
                Activity::Driver {
                    driver, per: None, ..
                },
                false,
            ) => Some(b.driver_slots[*driver]),
            (Activity::Series(s), false) => Some(b.series(s)),
            (Activity::Inherit, false) => node.parent.map(|p| act_slot[p]),
            _ => None,
        };
        if let Some(slot) = alias {
            act_slot[i] = slot;
            continue;
        }
        act_slot[i] = b.empty();
        match &node.activity {
            Activity::Share(s) => {
                let ss = b.series(s);
                share_slot[i] = Some(ss);
            }
            Activity::Series(_) | Activity::Driver { .. } => {
                if let Some(step) = b.absolute_activity(act_slot[i], &node.activity) {
                    act_source.push((i, step));
                }
            }
            Activity::Inherit => {}
        }
        if let Some(p) = node.parent {
            let step = match share_slot[i] {
                Some(ss) => Step::Mul {
                    slot: act_slot[i],
                    a: act_slot[p],
                    b: ss,
                },
                None => Step::Copy {
                    slot: act_slot[i],
                    src: act_slot[p],
                },
            };
            if !matches!(node.activity, Activity::Series(_) | Activity::Driver { .. }) {
                act_source.push((i, step));
            }
        }
    }
    // Run fuels: every fuel in a leaf's map, then fuels that measures bring in.
    let mut run_fuels: Vec<usize> = Vec::new();
    let mut in_maps: Vec<usize> = Vec::new();
    for l in 0..model.nodes.len() {
        if model.nodes[l].is_leaf() {
            for s in model.effective_fuels(l).unwrap_or(&[]) {
                if !in_maps.contains(&s.item) {
                    in_maps.push(s.item);
                }
            }
        }
    }
    for a in &scenario.actions {
        for m in &a.measures {
            if let Target::Fuels(_) = m.target {
                match &m.lever {
                    Lever::Shift { to, .. } => to.iter().for_each(|f| {
                        if !in_maps.contains(f) {
                            in_maps.push(*f)
                        }
                    }),
                    Lever::SetMap { value } => value.iter().for_each(|(f, _)| {
                        if !in_maps.contains(f) {
                            in_maps.push(*f)
                        }
                    }),
                    _ => {}
                }
            }
        }
    }
    // Fuels that measures bring into a node's map (for every leaf below it).
    let mut brought: Vec<Vec<usize>> = vec![Vec::new(); model.nodes.len()];
    for a in &scenario.actions {
        for m in &a.measures {
            if let Target::Fuels(nd) = m.target {
                match &m.lever {
                    Lever::Shift { to, .. } => brought[nd].extend(to.iter().copied()),
                    Lever::SetMap { value } => brought[nd].extend(value.iter().map(|(f, _)| *f)),
                    _ => {}
                }
            }
        }
    }
    // Results list fuels alphabetically.
    let mut sorted = in_maps.clone();
    sorted.sort_by(|x, y| model.fuels.fuels()[*x].id.cmp(&model.fuels.fuels()[*y].id));
    run_fuels.extend(sorted);
    labels.fuels = run_fuels
        .iter()
        .map(|&f| model.fuels.fuels()[f].id.clone())
        .collect();
    let electricity_fuel = model
        .fuels
        .index_of("electricity")
        .and_then(|e| run_fuels.iter().position(|&f| f == e));
    // Leaves.
    let tops = model.top_nodes();
    labels.tops = tops.iter().map(|&t| model.nodes[t].name.clone()).collect();
    let mut leaf_index = vec![usize::MAX; model.nodes.len()];
    let mut leaves = Vec::new();
    let mut combos: Vec<Combo> = Vec::new();
    for l in 0..model.nodes.len() {
        if !model.nodes[l].is_leaf() {
            continue;
        }
        let intensity = model.effective_intensity(l).ok_or_else(|| CompileError {
            message: format!("leaf `{}` has no intensity", model.nodes[l].path),
        })?;
        let islot = b.series(intensity);
        let cat = model.effective_category(l);
        let map = model.effective_fuels(l).unwrap_or(&[]);
        // The leaf's fuels: its map plus those that measures on it (or on an ancestor)
        // bring in; other run fuels are always 0 here and are left out of the loop.
        let mut mine: Vec<usize> = map.iter().map(|s| s.item).collect();
        let mut up = Some(l);
        while let Some(u) = up {
            mine.extend(brought[u].iter().copied());
            up = model.nodes[u].parent;
        }
        let mut fuels = Vec::new();
        for (k, &f) in run_fuels.iter().enumerate() {
            if !mine.contains(&f) {
                continue;
            }
            let slot = match map.iter().find(|s| s.item == f) {
                Some(s) => b.series(&s.share),
                None => b.empty(),
            };
            let ff = fuel_factors(model, f, cat);
            let co2e = ff[0] + model.gwp.ch4() * ff[2] + model.gwp.n2o() * ff[3];
            let top = tops.iter().position(|&t| t == model.top_of(l)).unwrap_or(0);
            let is_elec = Some(k) == electricity_fuel;
            let combo = match combos
                .iter()
                .position(|x: &Combo| x.top == top && x.fuel == k && x.factors == ff)
            {
                Some(i) => i,
                None => {
                    combos.push(Combo {
                        top,
                        fuel: k,
                        factors: ff,
                        co2e,
                        is_elec,
                    });
                    combos.len() - 1
                }
            };
            fuels.push((k, slot, combo));
        }
        leaf_index[l] = leaves.len();
        leaves.push(LeafPlan {
            node: l,
            activity: act_slot[l],
            intensity: islot,
            fuels,
        });
    }
    // Electricity.
    let mut losses = None;
    let mut grid = GridPlan::None;
    let mut local = Vec::new();
    let mut mix_slots = Vec::new();
    if let Some(e) = &model.electricity {
        losses = Some(b.series(&e.losses));
        grid = match &e.grid {
            Grid::Factor { factor, species } => {
                let slot = b.series(factor);
                let gas = match species {
                    lcs_units::Species::CO2 => 0,
                    lcs_units::Species::CH4 => 1,
                    lcs_units::Species::N2O => 2,
                    lcs_units::Species::CO2e => 3,
                };
                GridPlan::Factor { slot, gas }
            }
            Grid::Mix(plants) => {
                let mut v = Vec::new();
                for p in plants {
                    let s = b.series(&p.share);
                    mix_slots.push(s);
                    let (per, f) = match (p.fuel, p.efficiency) {
                        (Some(fuel), Some(eff)) => {
                            (1.0 / eff, fuel_factors(model, fuel, Some(Category::Energy)))
                        }
                        _ => (0.0, [0.0; 4]),
                    };
                    v.push((s, per, f));
                }
                GridPlan::Mix(v)
            }
            Grid::None => GridPlan::None,
        };
        for u in &e.local {
            match (&u.capacity, &u.capacity_factor, &u.generation) {
                (Some(c), Some(cf), _) => {
                    let cs = b.series(c);
                    let fs = b.series(cf);
                    local.push((cs, fs));
                }
                (_, _, Some(g)) => {
                    let gs = b.series(g);
                    local.push((gs, b.one));
                }
                _ => {}
            }
        }
    }
    let extra_generation = b.empty();
    // Waste.
    let mut waste_gen_source = Vec::new();
    let waste = match &model.waste {
        None => None,
        Some(w) => {
            let generation = b.empty();
            waste_gen_source.extend(b.absolute_activity(generation, &w.generation));
            let mut composition = [b.zero; 8];
            for it in &w.composition {
                composition[it.item] = b.series(&it.share);
            }
            // Absent items get their own zero slot so that shifts can fill them.
            for c in composition.iter_mut() {
                if *c == b.zero {
                    *c = b.empty();
                }
            }
            let mut routes = [b.zero; 4];
            for it in &w.routes {
                routes[it.item] = b.series(&it.share);
            }
            for r in routes.iter_mut() {
                if *r == b.zero {
                    *r = b.empty();
                }
            }
            let recovery = b.series(&w.recovery);
            let incineration_electricity = b.series(&w.incineration_electricity);
            Some(WastePlan {
                generation,
                composition,
                routes,
                recovery,
                incineration_electricity,
                fod: crate::waste::FodConstants::of_model(w),
                fossil_c: crate::waste::fossil_carbon_fractions(),
                history: w.history,
                compost_ch4: w.compost_ch4,
                compost_n2o: w.compost_n2o,
            })
        }
    };
    labels.has_waste = waste.is_some();
    // Sources.
    let mut source_act_source = Vec::new();
    let mut sources = Vec::new();
    for s in &model.sources {
        let slot = b.empty();
        source_act_source.extend(b.absolute_activity(slot, &s.activity));
        if !labels.source_sectors.contains(&s.sector) {
            labels.source_sectors.push(s.sector.clone());
        }
        let sector = labels
            .source_sectors
            .iter()
            .position(|x| *x == s.sector)
            .unwrap_or(0);
        let factors = s
            .factors
            .iter()
            .map(|(g, f)| (gas_index(*g), b.series(f)))
            .collect();
        sources.push(SourcePlan {
            activity: slot,
            sector,
            factors,
        });
    }

    // Measures → steps, in three groups: on drivers (after each driver), on parameters
    // (before activities), on activities (after each activity is computed).
    let mut driver_ops: Vec<Vec<Step>> = vec![Vec::new(); model.drivers.len()];
    let mut param_ops: Vec<Step> = Vec::new();
    let mut node_ops: Vec<Vec<Step>> = vec![Vec::new(); model.nodes.len()];
    let mut waste_gen_ops: Vec<Step> = Vec::new();
    let mut source_ops: Vec<Vec<Step>> = vec![Vec::new(); model.sources.len()];
    // Sampled uncertain parameters go first in their target's bucket, so that measures
    // act on the sampled series.
    enum Bucket {
        Driver(usize),
        Node(usize),
        WasteGeneration,
        Source(usize),
        Parameters,
    }
    let series_target = |t: &Target| -> Option<(Vec<usize>, Bound, Bucket)> {
        Some(match t {
            Target::Driver(d) => (vec![b.driver_slots[*d]], Bound::Free, Bucket::Driver(*d)),
            Target::Activity(nd) => (vec![act_slot[*nd]], Bound::NonNegative, Bucket::Node(*nd)),
            Target::Share(nd) => (vec![share_slot[*nd]?], Bound::Fraction, Bucket::Parameters),
            Target::Intensity(nd) => (
                model
                    .leaves_below(*nd)
                    .iter()
                    .map(|&l| leaves[leaf_index[l]].intensity)
                    .collect(),
                Bound::NonNegative,
                Bucket::Parameters,
            ),
            Target::Losses => (vec![losses?], Bound::Losses, Bucket::Parameters),
            Target::GridFactor => match grid {
                GridPlan::Factor { slot, .. } => {
                    (vec![slot], Bound::NonNegative, Bucket::Parameters)
                }
                _ => return None,
            },
            Target::LocalCapacity(u) | Target::LocalGeneration(u) => (
                vec![local.get(*u)?.0],
                Bound::NonNegative,
                Bucket::Parameters,
            ),
            Target::LocalCapacityFactor(u) => {
                (vec![local.get(*u)?.1], Bound::Fraction, Bucket::Parameters)
            }
            Target::WasteGeneration => (
                vec![waste.as_ref()?.generation],
                Bound::NonNegative,
                Bucket::WasteGeneration,
            ),
            Target::LandfillRecovery => (
                vec![waste.as_ref()?.recovery],
                Bound::Fraction,
                Bucket::Parameters,
            ),
            Target::SourceActivity(si) => (
                vec![sources[*si].activity],
                Bound::NonNegative,
                Bucket::Source(*si),
            ),
            Target::SourceFactor(si, g) => {
                let gi = gas_index(*g);
                let &(_, slot) = sources[*si].factors.iter().find(|(x, _)| *x == gi)?;
                (vec![slot], Bound::Free, Bucket::Parameters)
            }
            _ => return None,
        })
    };
    for (index, p) in scenario.uncertainty.iter().enumerate() {
        let Some((slots, bound, bucket)) = series_target(&p.target) else {
            return Err(CompileError {
                message: format!("uncertain parameter `{}` does not target a series", p.id),
            });
        };
        let step = Step::Param {
            index,
            slots,
            absolute: p.mode == lcs_model::UncertainMode::Absolute,
            bound,
        };
        match bucket {
            Bucket::Driver(d) => driver_ops[d].push(step),
            Bucket::Node(nd) => node_ops[nd].push(step),
            Bucket::WasteGeneration => waste_gen_ops.push(step),
            Bucket::Source(si) => source_ops[si].push(step),
            Bucket::Parameters => param_ops.push(step),
        }
    }
    labels.parameter_ids = scenario.uncertainty.iter().map(|p| p.id.clone()).collect();
    for (a, mi) in measures {
        let m = &scenario.actions[a].measures[mi];
        let op = ops.len();
        ops.push(OpInfo {
            action: a,
            measure: mi,
            weights: weights(&m.schedule),
        });
        let series_step =
            |b: &mut Builder, slots: Vec<usize>, bound: Bound, group: Vec<usize>| -> Step {
                let (lever, param) = match &m.lever {
                    Lever::Scale { by } => (SeriesLever::Scale, b.series(by)),
                    Lever::Set { value } => (SeriesLever::Set, b.series(value)),
                    Lever::Add { amount } => (SeriesLever::Add, b.series(amount)),
                    _ => (SeriesLever::Add, b.zero),
                };
                Step::Series {
                    op,
                    lever,
                    slots,
                    param,
                    bound,
                    group,
                }
            };
        let map_step = |items: Vec<usize>, children: bool| -> Step {
            match &m.lever {
                Lever::Shift { from, to, amount } => Step::Shift {
                    op,
                    items,
                    from: from.clone(),
                    to: to.clone(),
                    amount: *amount,
                },
                Lever::SetMap { value } => {
                    let mut v = vec![0.0; items.len()];
                    for (i, x) in value {
                        if *i < v.len() {
                            v[*i] = *x;
                        }
                    }
                    Step::SetMap {
                        op,
                        items,
                        value: v,
                        children,
                    }
                }
                _ => Step::Generation {
                    op,
                    slot: usize::MAX,
                    gj: 0.0,
                },
            }
        };
        match &m.target {
            Target::Driver(d) => {
                let ds = b.driver_slots[*d];
                let s = series_step(&mut b, vec![ds], Bound::Free, vec![]);
                driver_ops[*d].push(s);
            }
            Target::Activity(nd) => {
                let s = series_step(&mut b, vec![act_slot[*nd]], Bound::NonNegative, vec![]);
                node_ops[*nd].push(s);
            }
            Target::Share(nd) => {
                let parent = model.nodes[*nd].parent.unwrap_or(0);
                let group: Vec<usize> = model.nodes[parent]
                    .children
                    .iter()
                    .filter_map(|&c| share_slot[c])
                    .collect();
                let slot = share_slot[*nd].unwrap_or(b.zero);
                let s = series_step(&mut b, vec![slot], Bound::Fraction, group);
                param_ops.push(s);
            }
            Target::Intensity(nd) => {
                let slots = model
                    .leaves_below(*nd)
                    .iter()
                    .map(|&l| leaves[leaf_index[l]].intensity)
                    .collect();
                let s = series_step(&mut b, slots, Bound::NonNegative, vec![]);
                param_ops.push(s);
            }
            Target::Fuels(nd) => {
                // Items: the leaf's fuel share slots, in run-fuel order; lever items are
                // fuel-table indices, so map them to run-fuel positions.
                for l in model.leaves_below(*nd) {
                    let leaf = &leaves[leaf_index[l]];
                    let items: Vec<usize> = leaf.fuels.iter().map(|x| x.1).collect();
                    // Lever items are fuel-table indices: map them to the leaf's positions.
                    let in_leaf = |f: &&usize| {
                        let k = run_fuels.iter().position(|r| r == *f);
                        leaf.fuels.iter().any(|x| Some(x.0) == k)
                    };
                    let pos = |f: &usize| {
                        let k = run_fuels.iter().position(|r| r == f);
                        leaf.fuels.iter().position(|x| Some(x.0) == k).unwrap_or(0)
                    };
                    let step = match &m.lever {
                        Lever::Shift { from, to, amount } => {
                            // A `from` fuel absent from the run has share 0 everywhere.
                            let from: Vec<usize> = from.iter().filter(in_leaf).map(pos).collect();
                            Step::Shift {
                                op,
                                items,
                                from,
                                to: to.iter().map(pos).collect(),
                                amount: *amount,
                            }
                        }
                        Lever::SetMap { value } => {
                            let mut v = vec![0.0; items.len()];
                            for (f, x) in value {
                                v[pos(f)] = *x;
                            }
                            Step::SetMap {
                                op,
                                items,
                                value: v,
                                children: false,
                            }
                        }
                        _ => continue,
                    };
                    param_ops.push(step);
                }
            }
            Target::Children(nd) => {
                let items: Vec<usize> = model.nodes[*nd]
                    .children
                    .iter()
                    .map(|&c| share_slot[c].unwrap_or(b.zero))
                    .collect();
                param_ops.push(map_step(items, true));
            }
            Target::Mix => param_ops.push(map_step(mix_slots.clone(), false)),
            Target::WasteComposition => {
                if let Some(w) = &waste {
                    param_ops.push(map_step(w.composition.to_vec(), false));
                }
            }
            Target::WasteRoutes => {
                if let Some(w) = &waste {
                    param_ops.push(map_step(w.routes.to_vec(), false));
                }
            }
            Target::Losses => {
                let ls = losses.unwrap_or(b.zero);
                let s = series_step(&mut b, vec![ls], Bound::Losses, vec![]);
                param_ops.push(s);
            }
            Target::GridFactor => {
                if let GridPlan::Factor { slot, .. } = grid {
                    let s = series_step(&mut b, vec![slot], Bound::NonNegative, vec![]);
                    param_ops.push(s);
                }
            }
            Target::Local => {
                if let Lever::Generation { generation_gj } = m.lever {
                    param_ops.push(Step::Generation {
                        op,
                        slot: extra_generation,
                        gj: generation_gj,
                    });
                }
            }
            Target::LocalCapacity(u) | Target::LocalGeneration(u) => {
                let s = series_step(&mut b, vec![local[*u].0], Bound::NonNegative, vec![]);
                param_ops.push(s);
            }
            Target::LocalCapacityFactor(u) => {
                let s = series_step(&mut b, vec![local[*u].1], Bound::Fraction, vec![]);
                param_ops.push(s);
            }
            Target::WasteGeneration => {
                if let Some(w) = &waste {
                    let s = series_step(&mut b, vec![w.generation], Bound::NonNegative, vec![]);
                    waste_gen_ops.push(s);
                }
            }
            Target::LandfillRecovery => {
                if let Some(w) = &waste {
                    let s = series_step(&mut b, vec![w.recovery], Bound::Fraction, vec![]);
                    param_ops.push(s);
                }
            }
            Target::SourceActivity(s) => {
                let st = series_step(
                    &mut b,
                    vec![sources[*s].activity],
                    Bound::NonNegative,
                    vec![],
                );
                source_ops[*s].push(st);
            }
            Target::SourceFactor(s, g) => {
                let gi = gas_index(*g);
                if let Some(&(_, slot)) = sources[*s].factors.iter().find(|(x, _)| *x == gi) {
                    let st = series_step(&mut b, vec![slot], Bound::Free, vec![]);
                    param_ops.push(st);
                }
            }
        }
    }
    // Assemble the step list in evaluation order.
    let mut steps = Vec::new();
    for &d in &model.driver_order {
        if let SeriesDef::Expr(e) = &model.drivers[d].series.def {
            let slots = &b.driver_slots;
            let program =
                e.compile(&|name: &str| model.driver(name).map(|i| slots[i]).unwrap_or(usize::MAX));
            steps.push(Step::Expr {
                slot: b.driver_slots[d],
                program,
            });
        }
        steps.append(&mut driver_ops[d]);
    }
    steps.append(&mut b.late_exprs);
    steps.append(&mut param_ops);
    // Activities, parents before children (node order), each followed by its measures.
    let mut node_steps: Vec<Vec<Step>> = vec![Vec::new(); model.nodes.len()];
    for (i, step) in act_source {
        node_steps[i].push(step);
    }
    for i in 0..model.nodes.len() {
        steps.append(&mut node_steps[i]);
        steps.append(&mut node_ops[i]);
    }
    steps.append(&mut waste_gen_source);
    steps.append(&mut waste_gen_ops);
    for (i, s) in source_act_source.into_iter().enumerate() {
        steps.push(s);
        steps.append(&mut source_ops[i]);
    }
    // Labels for results.
    labels.share_paths = (0..model.nodes.len())
        .filter(|&i| share_slot[i].is_some())
        .map(|i| model.nodes[i].path.clone())
        .collect();
    let share_slots = (0..model.nodes.len())
        .filter_map(|i| share_slot[i])
        .collect();
    labels.drivers = model
        .drivers
        .iter()
        .map(|d| (d.name.clone(), d.unit_text.clone(), d.unit_factor))
        .collect();
    labels.intensity_drivers = model
        .report_intensity
        .iter()
        .map(|&d| {
            let dr = &model.drivers[d];
            (d, dr.name.clone(), dr.unit_text.clone(), dr.unit_factor)
        })
        .collect();
    let mut compiled = Compiled {
        n_years: n,
        base_year: model.base_year,
        n_actions: scenario.actions.len(),
        arena: b.arena,
        steps,
        ops,
        leaves,
        combos,
        electricity_fuel,
        losses,
        grid,
        local,
        extra_generation,
        waste,
        sources,
        gwp_ch4: model.gwp.ch4(),
        gwp_n2o: model.gwp.n2o(),
        labels,
        driver_slots: b.driver_slots,
        share_slots,
        row_specs: Vec::new(),
        dirty: Vec::new(),
        node_activity: act_slot,
    };
    compiled.row_specs = crate::results::build_specs(&compiled);
    compiled.dirty = dirty_ranges(&compiled);
    Ok(compiled)
}
