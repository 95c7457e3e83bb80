//! Demand: activity × intensity × fuel shares (MODEL.md §4).
//!
//! Activity flows top-down: a node uses its own `activity`, else `A(parent) * share(n)`,
//! else `A(parent)`. Then, for every leaf `n`, fuel `f` and gas `g`:
//!
//! ```text
//! FE(n,f,y)  = A(n,y) * I(n,y) * S(n,f,y)                  # GJ
//! E(n,f,g,y) = FE(n,f,y) * EF(f,g,cat(n)) * 1e-6          # t, EF in kg/TJ
//! ```
//!
//! Leaves of one sector that burn one fuel with the same factors share a *combo*: final
//! energy is added into one row per combo and emissions are computed once per combo.
//! Electricity, heat and hydrogen carry no direct emissions; electricity's final energy
//! feeds §5 (`electricity`).
//!
//! Units: final energy in GJ per year, factors in t per GJ (converted once by
//! [`crate::combustion_factors`]), emissions in t per year. Nothing here converts units.
//! Relies on: fuel shares of each leaf sum to 1 in every year (checked at load and after
//! every measure).

use crate::compile::Builder;
use crate::plan::{Bound, Combo, CompileError, Labels, LeafPlan, Step};
use lcs_model::{Activity, Lever, Scenario, Target};

/// The demand section as compiled, with what the measures need to find their slots.
pub(crate) struct DemandPlan {
    /// Fuel-table indices of the run fuels, in result order (alphabetical).
    pub run_fuels: Vec<usize>,
    pub leaves: Vec<LeafPlan>,
    pub combos: Vec<Combo>,
    /// Activity slot of every node (a driver's or parent's slot when nothing changes it).
    pub act_slot: Vec<usize>,
    /// Share slot of every node defined by `share`.
    pub share_slot: Vec<Option<usize>>,
    /// Leaf position in `leaves` of every node (`None` for branches).
    pub leaf_index: Vec<Option<usize>>,
    /// The steps that compute each node's activity, in node order.
    pub activity_steps: Vec<Vec<Step>>,
    /// Share-defined nodes (for `Share|<path>` rows) and their slots.
    pub share_nodes: Vec<usize>,
    pub share_slots: Vec<usize>,
}

impl DemandPlan {
    /// The leaf plan of node `node`.
    pub(crate) fn leaf(&self, node: usize) -> Result<&LeafPlan, CompileError> {
        self.leaf_index
            .get(node)
            .copied()
            .flatten()
            .and_then(|l| self.leaves.get(l))
            .ok_or_else(|| CompileError::Unresolved {
                what: format!("leaf #{node}"),
            })
    }

    /// Position of a fuel-table index among the run fuels.
    pub(crate) fn run_fuel(&self, fuel: usize) -> Option<usize> {
        self.run_fuels.iter().position(|&f| f == fuel)
    }
}

/// The step that fills `slot` from an absolute activity (a series, a driver, or driver ×
/// `per`; MODEL.md §4, §11.8), checked ≥ 0. `None` for `share` and inherited activities.
pub(crate) fn absolute_activity(
    b: &mut Builder,
    slot: usize,
    a: &Activity,
    name: &str,
) -> Result<Option<Step>, CompileError> {
    let bound = Bound::NonNegative;
    Ok(Some(match a {
        Activity::Series(s) => Step::Copy {
            slot,
            src: b.series(s, name, bound)?,
            bound,
        },
        Activity::Driver {
            driver, per: None, ..
        } => Step::Copy {
            slot,
            src: driver_slot(b, *driver)?,
            bound,
        },
        Activity::Driver {
            driver,
            per: Some(p),
            ..
        } => {
            let d = driver_slot(b, *driver)?;
            Step::Mul {
                slot,
                a: d,
                b: b.series(p, format!("{name} (per)"), Bound::Free)?,
                bound,
            }
        }
        Activity::Share(_) | Activity::Inherit => return Ok(None),
    }))
}

fn driver_slot(b: &Builder, driver: usize) -> Result<usize, CompileError> {
    b.driver_slots
        .get(driver)
        .copied()
        .ok_or_else(|| CompileError::Unresolved {
            what: format!("driver #{driver}"),
        })
}

/// Whether a driver can change during an evaluation (an expression, or a target of a
/// measure or sampled parameter): an activity that reads it must then be checked ≥ 0 when
/// it runs.
fn dynamic_driver(scenario: &Scenario, driver: usize) -> bool {
    let model = &scenario.model;
    matches!(
        model.drivers[driver].series.def,
        lcs_model::SeriesDef::Expr(_)
    ) || scenario
        .actions
        .iter()
        .flat_map(|a| a.measures.iter().map(|m| &m.target))
        .chain(scenario.uncertainty.iter().map(|p| &p.target))
        .any(|t| *t == Target::Driver(driver))
}

/// Run fuels: every fuel in a leaf's map, then those that measures bring in, sorted by id;
/// and, per node, the fuels that measures on it bring into its leaves.
fn run_fuels(scenario: &Scenario) -> (Vec<usize>, Vec<Vec<usize>>) {
    let model = &scenario.model;
    let mut in_maps: Vec<usize> = Vec::new();
    let add = |f: usize, v: &mut Vec<usize>| {
        if !v.contains(&f) {
            v.push(f)
        }
    };
    for l in 0..model.nodes.len() {
        if model.nodes[l].is_leaf() {
            for s in model.effective_fuels(l).unwrap_or(&[]) {
                add(s.item, &mut in_maps);
            }
        }
    }
    let mut brought: Vec<Vec<usize>> = vec![Vec::new(); model.nodes.len()];
    for a in &scenario.actions {
        for m in &a.measures {
            if let Target::Fuels(nd) | Target::Energy(nd) = m.target {
                let fuels: Vec<usize> = match &m.lever {
                    Lever::Shift { to, .. } => to.clone(),
                    Lever::SetMap { value } => value.iter().map(|(f, _)| *f).collect(),
                    Lever::Switch { to, .. } => vec![*to],
                    _ => Vec::new(),
                };
                for f in fuels {
                    add(f, &mut in_maps);
                    brought[nd].push(f);
                }
            }
        }
    }
    in_maps.sort_by(|x, y| model.fuels.fuels()[*x].id.cmp(&model.fuels.fuels()[*y].id));
    (in_maps, brought)
}

/// Compiles the demand tree: activity slots and steps, leaves with their intensity and
/// fuel-share slots, and the (sector, fuel, factors) combos.
pub(crate) fn compile_demand(
    b: &mut Builder,
    scenario: &Scenario,
    labels: &mut Labels,
) -> Result<DemandPlan, CompileError> {
    let model = b.model;
    let n_nodes = model.nodes.len();
    let mut act_slot = vec![0usize; n_nodes];
    let mut share_slot: Vec<Option<usize>> = vec![None; n_nodes];
    let mut activity_steps: Vec<Vec<Step>> = vec![Vec::new(); n_nodes];
    // A node whose activity no measure or sampled parameter changes, and whose source
    // cannot go negative during a run, reads its source row directly (a driver, a series,
    // or its parent's activity) instead of a copy.
    let mut targeted = vec![false; n_nodes];
    for t in scenario
        .actions
        .iter()
        .flat_map(|a| a.measures.iter().map(|m| &m.target))
        .chain(scenario.uncertainty.iter().map(|p| &p.target))
    {
        if let Target::Activity(nd) = t {
            targeted[*nd] = true;
        }
    }
    for (i, node) in model.nodes.iter().enumerate() {
        let name = format!("demand.{}.activity", node.path);
        let alias = match (&node.activity, targeted[i]) {
            (
                Activity::Driver {
                    driver, per: None, ..
                },
                false,
            ) => {
                let slot = driver_slot(b, *driver)?;
                if dynamic_driver(scenario, *driver) {
                    activity_steps[i].push(Step::Check {
                        slot,
                        bound: Bound::NonNegative,
                        what: name.clone(),
                    });
                }
                Some(slot)
            }
            (Activity::Series(s), false) => Some(b.series(s, name.clone(), Bound::NonNegative)?),
            (Activity::Inherit, false) => node.parent.map(|p| act_slot[p]),
            _ => None,
        };
        if let Some(slot) = alias {
            act_slot[i] = slot;
            continue;
        }
        act_slot[i] = b.empty(name.clone());
        match &node.activity {
            Activity::Share(s) => {
                let ss = b.series(s, format!("demand.{}.share", node.path), Bound::Fraction)?;
                share_slot[i] = Some(ss);
            }
            Activity::Series(_) | Activity::Driver { .. } => {
                if let Some(step) = absolute_activity(b, act_slot[i], &node.activity, &name)? {
                    activity_steps[i].push(step);
                }
            }
            Activity::Inherit => {}
        }
        if let Some(p) = node.parent {
            if !matches!(node.activity, Activity::Series(_) | Activity::Driver { .. }) {
                let step = match share_slot[i] {
                    Some(ss) => Step::Mul {
                        slot: act_slot[i],
                        a: act_slot[p],
                        b: ss,
                        bound: Bound::NonNegative,
                    },
                    None => Step::Copy {
                        slot: act_slot[i],
                        src: act_slot[p],
                        bound: Bound::NonNegative,
                    },
                };
                activity_steps[i].push(step);
            }
        }
    }
    let (run_fuels, brought) = run_fuels(scenario);
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
    let mut leaf_index = vec![None; n_nodes];
    let mut leaves = Vec::new();
    let mut combos: Vec<Combo> = Vec::new();
    for l in 0..n_nodes {
        let node = &model.nodes[l];
        if !node.is_leaf() {
            continue;
        }
        let intensity =
            model
                .effective_intensity(l)
                .ok_or_else(|| CompileError::LeafWithoutIntensity {
                    leaf: node.path.clone(),
                })?;
        let islot = b.series(
            intensity,
            format!("demand.{}.intensity", node.path),
            Bound::NonNegative,
        )?;
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
        let top_node = model.top_of(l);
        let top =
            tops.iter()
                .position(|&t| t == top_node)
                .ok_or_else(|| CompileError::Unresolved {
                    what: format!("top-level node of `{}`", node.path),
                })?;
        let mut fuels = Vec::new();
        for (k, &f) in run_fuels.iter().enumerate() {
            if !mine.contains(&f) {
                continue;
            }
            let fname = format!("demand.{}.fuels.{}", node.path, model.fuels.fuels()[f].id);
            let slot = match map.iter().find(|s| s.item == f) {
                Some(s) => b.series(&s.share, fname, Bound::Fraction)?,
                None => b.empty(fname),
            };
            let ff = crate::factors::combustion_factors(model, f, cat);
            let co2e = ff.co2e(model.gwp.ch4(), model.gwp.n2o());
            let ff = ff.to_array();
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
        leaf_index[l] = Some(leaves.len());
        let first_entry = leaves.iter().map(|x: &LeafPlan| x.fuels.len()).sum();
        leaves.push(LeafPlan {
            node: l,
            activity: act_slot[l],
            intensity: islot,
            fuels,
            first_entry,
        });
    }
    let share_nodes: Vec<usize> = (0..n_nodes).filter(|&i| share_slot[i].is_some()).collect();
    let share_slots = share_nodes.iter().filter_map(|&i| share_slot[i]).collect();
    Ok(DemandPlan {
        run_fuels,
        leaves,
        combos,
        act_slot,
        share_slot,
        leaf_index,
        activity_steps,
        share_nodes,
        share_slots,
    })
}

/// Final energy of a leaf, GJ: `FE(n,y) = A(n,y) * I(n,y)`, activity (base units) times
/// intensity (GJ per base unit); its fuels split it by their shares ([`entry_energy`]).
#[inline(always)]
pub(crate) fn leaf_energy(activity: f64, intensity: f64) -> f64 {
    activity * intensity
}

/// Final energy of one fuel of a leaf, GJ: `FE(n,f,y) = FE(n,y) * S(n,f,y)`, the leaf's
/// final energy ([`leaf_energy`]) times the fuel's share. With the two together,
/// `FE(n,f,y) = (A(n,y) * I(n,y)) * S(n,f,y)`, multiplied in that order everywhere.
#[inline(always)]
pub(crate) fn entry_energy(leaf_gj: f64, share: f64) -> f64 {
    leaf_gj * share
}

/// Emissions of final energy at a factor, t: `E(n,f,g,y) = FE(n,f,y) * EF(f,g,cat(n))`,
/// final energy in GJ times t of gas (or t CO2e) per GJ.
#[inline(always)]
pub(crate) fn energy_emission(fe_gj: f64, t_per_gj: f64) -> f64 {
    fe_gj * t_per_gj
}

/// Final energy per combo, GJ: `FE(n,f,y) = A(n,y) * I(n,y) * S(n,f,y)`, added over the
/// leaves of each combo in leaf order (`combo_entries`: (leaf, share slot) per combo).
/// `leaf_ai` holds `A × I` of each leaf (`leaf * n + year`); `combo_gj` holds one row per
/// combo (`combo * n + year`), assigned in full (`0 + FE` of the first entry, so the
/// result is the sum from 0 bit for bit; a combo without entries keeps its zeros).
#[inline(always)]
pub(crate) fn final_energy(
    leaves: &[LeafPlan],
    combo_entries: &[Vec<(usize, usize)>],
    arena: &[f64],
    n: usize,
    leaf_ai: &mut [f64],
    combo_gj: &mut [f64],
) {
    let series = |s: usize| &arena[s * n..s * n + n];
    for (leaf, ai) in leaves.iter().zip(leaf_ai.chunks_exact_mut(n.max(1))) {
        let (act, int) = (series(leaf.activity), series(leaf.intensity));
        ai.iter_mut()
            .zip(act.iter().zip(int))
            .for_each(|(x, (a, i))| *x = leaf_energy(*a, *i));
    }
    for (entries, row) in combo_entries
        .iter()
        .zip(combo_gj.chunks_exact_mut(n.max(1)))
    {
        let Some((&(l0, s0), rest)) = entries.split_first() else {
            continue;
        };
        let ai = &leaf_ai[l0 * n..l0 * n + n];
        row.iter_mut()
            .zip(ai.iter().zip(series(s0)))
            .for_each(|(r, (a, s))| *r = 0.0 + entry_energy(*a, *s));
        for &(l, slot) in rest {
            let ai = &leaf_ai[l * n..l * n + n];
            row.iter_mut()
                .zip(ai.iter().zip(series(slot)))
                .for_each(|(r, (a, s))| *r += entry_energy(*a, *s));
        }
    }
}

/// Final energy per (leaf, fuel) entry, GJ: `FE(n,f,y) = A(n,y) * I(n,y) * S(n,f,y)` into
/// `entry_gj` (`entry * n + year`, entries in leaf order), for the measures that change
/// final energy directly (`save`, `switch`).
#[inline(always)]
pub(crate) fn final_energy_by_entry(
    leaves: &[LeafPlan],
    arena: &[f64],
    n: usize,
    ai: &mut [f64],
    entry_gj: &mut [f64],
) {
    let series = |s: usize| &arena[s * n..s * n + n];
    for leaf in leaves {
        let (act, int) = (series(leaf.activity), series(leaf.intensity));
        ai.iter_mut()
            .zip(act.iter().zip(int))
            .for_each(|(x, (a, i))| *x = leaf_energy(*a, *i));
        for (k, &(_, slot, _)) in leaf.fuels.iter().enumerate() {
            let e = leaf.first_entry + k;
            let row = &mut entry_gj[e * n..e * n + n];
            row.iter_mut()
                .zip(ai.iter().zip(series(slot)))
                .for_each(|(r, (a, s))| *r = entry_energy(*a, *s));
        }
    }
}

/// Final energy per combo, GJ, from the entries' rows: each entry added into its combo's
/// row in leaf order (the order of [`final_energy`], so the sums are the same).
#[inline(always)]
pub(crate) fn combos_from_entries(
    leaves: &[LeafPlan],
    entry_gj: &[f64],
    n: usize,
    combo_gj: &mut [f64],
) {
    combo_gj.fill(0.0);
    for leaf in leaves {
        for (k, &(_, _, combo)) in leaf.fuels.iter().enumerate() {
            let e = leaf.first_entry + k;
            add_scaled(
                &mut combo_gj[combo * n..combo * n + n],
                &entry_gj[e * n..e * n + n],
                1.0,
            );
        }
    }
}

/// `dst(y) += src(y) * f`.
#[inline(always)]
pub(crate) fn add_scaled(dst: &mut [f64], src: &[f64], f: f64) {
    dst.iter_mut().zip(src).for_each(|(d, v)| *d += v * f)
}

/// Final energy by run fuel, by top-level node and by (top-level node, fuel), GJ (the
/// combos' rows added up: `fe_fuel`, `fe_top`, `fe_top_fuel`); direct emissions, t
/// (`E(n,f,g,y) = FE(n,f,y) * EF(f,g,cat(n))` per combo, into the gas rows `gas`: fossil
/// CO2, CH4, N2O, biogenic CO2, `row * n + year`, and as CO2e into each combo's sector row
/// of `sector`, one row per top-level node first); and electricity demand at the point of
/// use, GJ (`D(y) = Σ FE(n, electricity, y)`, §5, into `demand_gj`). One pass over the
/// combos in order, each row added where it counts; electricity combos carry no direct
/// emissions (their emissions are allocated in §5). The output rows are added to (zero
/// them first, `demand_gj` aside, which is overwritten).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn final_energy_outputs(
    combos: &[Combo],
    combo_gj: &[f64],
    n: usize,
    n_fuels: usize,
    totals: (&mut [f64], &mut [f64], &mut [f64]),
    gas: &mut [f64],
    sector: &mut [f64],
    demand_gj: &mut [f64],
) {
    let (fe_fuel, fe_top, fe_top_fuel) = totals;
    demand_gj.fill(0.0);
    let mut gas_rows = gas.chunks_exact_mut(n.max(1));
    let (Some(co2), Some(ch4), Some(n2o), Some(bio)) = (
        gas_rows.next(),
        gas_rows.next(),
        gas_rows.next(),
        gas_rows.next(),
    ) else {
        return;
    };
    let demand_gj = &mut demand_gj[..n];
    for (cb, fe) in combos.iter().zip(combo_gj.chunks_exact(n.max(1))) {
        let fe = &fe[..n];
        let (k, top) = (cb.fuel, cb.top);
        let fuel = &mut fe_fuel[k * n..k * n + n];
        let by_top = &mut fe_top[top * n..top * n + n];
        let tf = (top * n_fuels + k) * n;
        let top_fuel = &mut fe_top_fuel[tf..tf + n];
        // Each row gets the same additions, in the same order, as one pass per row would
        // give it; one pass over the combo's row updates them all.
        if cb.is_elec {
            for y in 0..n {
                let v = fe[y];
                fuel[y] += v;
                by_top[y] += v;
                top_fuel[y] += v;
                demand_gj[y] += v;
            }
            continue;
        }
        let f = cb.factors;
        let (f_co2, f_ch4, f_n2o, f_bio, f_e) = (f[0], f[2], f[3], f[1], cb.co2e);
        let sec = &mut sector[top * n..top * n + n];
        let (co2, ch4, n2o, bio) = (&mut co2[..n], &mut ch4[..n], &mut n2o[..n], &mut bio[..n]);
        for y in 0..n {
            let v = fe[y];
            fuel[y] += v;
            by_top[y] += v;
            top_fuel[y] += v;
            // A factor of 0 adds `±0`, which leaves these rows as they are (they start at
            // +0 and a sum never becomes −0).
            co2[y] += energy_emission(v, f_co2);
            ch4[y] += energy_emission(v, f_ch4);
            n2o[y] += energy_emission(v, f_n2o);
            bio[y] += energy_emission(v, f_bio);
            sec[y] += energy_emission(v, f_e);
        }
    }
}
