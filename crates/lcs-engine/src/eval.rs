//! Evaluation: one run of a compiled scenario for a set of actions (MODEL.md §4–§10).
//!
//! [`evaluate`] is a pure function of the compiled arrays and an action mask: it copies the
//! base arena into a reusable [`Workspace`], runs the steps (expressions, sampled
//! parameters and measures, in the order of §9), then computes: waste (§7, first-order
//! decay with history, year by year; its incineration electricity feeds local generation),
//! demand (§4: final energy and direct emissions of every leaf and fuel), electricity (§5:
//! busbar supply, local generation, grid supply, grid emissions by factor or mix, allocated
//! to demand by electricity use), and sources (§8).
//!
//! Loops run series by series over the years (the arena is slot-major, so each inner loop
//! reads contiguous memory); only the FOD recursion and the electricity balance run year by
//! year. Units: GJ, t and MWh inside; the result writer turns them into TJ, kt and MWh.

// Year loops index several slot rows of the arena at once; an explicit year index reads
// closer to the spec's `p(y)` than zipped iterators.
#![allow(clippy::needless_range_loop)]

use crate::compile::{Bound, Compiled, GridPlan, SeriesLever, Step};
use crate::waste::{fossil_carbon_per_t, incineration_fossil_co2, FodState, N_WASTE_TYPES};
use ndarray::Array2;

/// Per-run scratch space, reused across evaluations (no allocation once warm).
#[derive(Clone, Debug)]
pub struct Workspace {
    pub(crate) arena: Vec<f64>,
    pub(crate) stack: Vec<f64>,
    pub(crate) scratch: Vec<f64>,
    /// Final energy of each combo (sector, fuel, factors), GJ, `combo * n_years + year`.
    pub(crate) combo_gj: Vec<f64>,
    /// Per-year scratch: activity × intensity of one leaf.
    pub(crate) ai: Vec<f64>,
    /// Per-year scratch: electricity demand (GJ) and grid emissions (t CO2e).
    pub(crate) demand_gj: Vec<f64>,
    pub(crate) wte_gj: Vec<f64>,
    /// Per-year scratch: a share group's sum before a measure.
    pub(crate) group_before: Vec<f64>,
    /// Per-year scratch: a copy of one row.
    pub(crate) row_tmp: Vec<f64>,
    /// Per-year scratch for `shift`: Σ_from, Σ_to, share points moved.
    pub(crate) sum_from: Vec<f64>,
    pub(crate) sum_to: Vec<f64>,
    pub(crate) moved: Vec<f64>,
    /// The results of the last evaluation.
    pub out: Outputs,
}

/// Rows of [`Outputs::waste_detail`].
pub mod waste_row {
    /// Landfilled, t.
    pub const LANDFILL: usize = 0;
    /// Recycled, t.
    pub const RECYCLING: usize = 1;
    /// Composted, t.
    pub const COMPOSTING: usize = 2;
    /// Incinerated, t.
    pub const INCINERATION: usize = 3;
    /// Landfill CH4 emitted, t.
    pub const LANDFILL_CH4: usize = 4;
    /// Composting CH4, t.
    pub const COMPOSTING_CH4: usize = 5;
    /// Composting N2O, t.
    pub const COMPOSTING_N2O: usize = 6;
    /// Incineration fossil CO2, t.
    pub const INCINERATION_CO2: usize = 7;
    /// Number of rows.
    pub const N: usize = 8;
}

/// Rows of [`Outputs::elec_mwh`].
pub mod elec_row {
    /// Demand at the point of use.
    pub const DEMAND: usize = 0;
    /// Local generation (units, waste to energy, `generation` measures).
    pub const LOCAL: usize = 1;
    /// Grid supply.
    pub const GRID: usize = 2;
    /// Surplus local generation (no credit).
    pub const EXPORT: usize = 3;
    /// T&D losses (busbar supply − demand).
    pub const LOSSES: usize = 4;
    /// Waste-to-energy part of local generation.
    pub const WASTE_TO_ENERGY: usize = 5;
    /// Number of rows.
    pub const N: usize = 6;
}

/// The results of one evaluation, one column per model year.
#[derive(Clone, Debug)]
pub struct Outputs {
    /// Total emissions, t CO2e per year.
    pub co2e_t: Vec<f64>,
    /// Gas totals, t per year: fossil CO2, CH4, N2O, biogenic CO2 (memo).
    pub gas_t: Array2<f64>,
    /// Sector view, t CO2e per year: top-level demand nodes, then `Waste` (if any), then
    /// source sectors.
    pub sector_t: Array2<f64>,
    /// Final energy by run fuel, GJ per year.
    pub fe_fuel_gj: Array2<f64>,
    /// Final energy by top-level node, GJ per year.
    pub fe_top_gj: Array2<f64>,
    /// Final energy by top-level node and run fuel (`top * n_fuels + fuel`), GJ per year.
    pub fe_top_fuel_gj: Array2<f64>,
    /// Electricity balance, MWh per year (rows: [`elec_row`]).
    pub elec_mwh: Array2<f64>,
    /// Grid emissions, t CO2e per year (memo: already allocated to the demand sectors).
    pub grid_co2e_t: Vec<f64>,
    /// Waste generated, t per year.
    pub waste_t: Vec<f64>,
    /// Waste routes and emissions, t per year (rows: [`waste_row`]).
    pub waste_detail: Array2<f64>,
}

/// What a run error comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A measure: action index in the scenario, measure index in the action.
    Measure {
        /// Action index.
        action: usize,
        /// Measure index within the action.
        measure: usize,
    },
    /// A sampled uncertain parameter (index into the scenario's `uncertainty`).
    Parameter {
        /// Parameter index.
        index: usize,
    },
}

/// A measure or sampled parameter that broke a rule of MODEL.md §9 in some year.
#[derive(Clone, Debug, PartialEq)]
pub struct RunError {
    /// What caused it.
    pub cause: Cause,
    /// The year.
    pub year: i32,
    /// What went wrong, e.g. "makes a share negative (-0.05)".
    pub problem: String,
}

impl Workspace {
    /// A workspace sized for a compiled scenario.
    pub fn new(c: &Compiled) -> Self {
        let n = c.n_years;
        let n_tops = c.labels.tops.len();
        let n_fuels = c.labels.fuels.len();
        let n_sectors = n_tops + usize::from(c.waste.is_some()) + c.labels.source_sectors.len();
        Workspace {
            arena: c.arena.clone(),
            stack: Vec::with_capacity(32),
            scratch: vec![0.0; 64],
            combo_gj: vec![0.0; c.combos.len() * n],
            ai: vec![0.0; n],
            demand_gj: vec![0.0; n],
            wte_gj: vec![0.0; n],
            group_before: vec![0.0; n],
            row_tmp: vec![0.0; n],
            sum_from: vec![0.0; n],
            sum_to: vec![0.0; n],
            moved: vec![0.0; n],
            out: Outputs {
                co2e_t: vec![0.0; n],
                gas_t: Array2::zeros((4, n)),
                sector_t: Array2::zeros((n_sectors, n)),
                fe_fuel_gj: Array2::zeros((n_fuels, n)),
                fe_top_gj: Array2::zeros((n_tops, n)),
                fe_top_fuel_gj: Array2::zeros((n_tops * n_fuels, n)),
                elec_mwh: Array2::zeros((elec_row::N, n)),
                grid_co2e_t: vec![0.0; n],
                waste_t: vec![0.0; n],
                waste_detail: Array2::zeros((waste_row::N, n)),
            },
        }
    }

    /// The value of slot `s` in year index `y` after the last evaluation (base units).
    pub(crate) fn slot(&self, n_years: usize, s: usize, y: usize) -> f64 {
        self.arena[s * n_years + y]
    }
}

/// A value for messages: six decimals at most, without float noise.
fn short(v: f64) -> String {
    let t = format!("{v:.6}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" || t.is_empty() {
        format!("{v:e}")
    } else {
        t.to_string()
    }
}

/// Whether a value satisfies a bound (1e-9 tolerance for rounding).
#[inline]
fn within(bound: Bound, v: f64) -> bool {
    let tol = 1e-9;
    match bound {
        Bound::Free => true,
        Bound::NonNegative => v >= -tol * (1.0 + v.abs()),
        Bound::Fraction => (-tol..=1.0 + tol).contains(&v),
        Bound::Losses => (-tol..1.0).contains(&v),
    }
}

#[inline]
fn check_bound(bound: Bound, v: f64) -> Option<String> {
    if within(bound, v) {
        None
    } else {
        Some(bound_problem(bound, v))
    }
}

#[cold]
fn bound_problem(bound: Bound, v: f64) -> String {
    match bound {
        Bound::NonNegative => format!("makes a value negative ({})", short(v)),
        Bound::Fraction if v < 0.0 => format!("makes a share negative ({})", short(v)),
        Bound::Fraction => format!("makes a share exceed 1 ({})", short(v)),
        _ => format!("makes losses leave [0, 1) ({})", short(v)),
    }
}

/// Row `dst` (mutable) and row `src` of the arena; `dst != src`.
#[inline]
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

fn rows_mut(a: &mut Array2<f64>) -> &mut [f64] {
    a.as_slice_mut()
        .expect("outputs are created in standard layout")
}

/// Runs the steps: expressions, sampled parameters, and the measures of the actions in
/// `mask`.
fn run_steps(
    c: &Compiled,
    ws: &mut Workspace,
    mask: &[bool],
    params: &[f64],
) -> Result<(), RunError> {
    let n = c.n_years;
    // Only the slots that steps write can differ from the base arena.
    for &(a, b) in &c.dirty {
        ws.arena[a..b].copy_from_slice(&c.arena[a..b]);
    }
    let fail = |op: usize, y: usize, problem: String| {
        let info = &c.ops[op];
        RunError {
            cause: Cause::Measure {
                action: info.action,
                measure: info.measure,
            },
            year: c.base_year + y as i32,
            problem,
        }
    };
    let on = |op: usize| mask.get(c.ops[op].action).copied().unwrap_or(false);
    for step in &c.steps {
        match step {
            Step::Expr { slot, program } => {
                program.eval_rows(&ws.arena, n, &mut ws.stack);
                ws.arena[slot * n..slot * n + n].copy_from_slice(&ws.stack[..n]);
            }
            Step::Mul { slot, a, b } => {
                let tmp = &mut ws.row_tmp;
                tmp.copy_from_slice(&ws.arena[a * n..a * n + n]);
                let (dst, src) = row_pair(&mut ws.arena, *slot, *b, n);
                for ((d, x), y) in dst.iter_mut().zip(tmp.iter()).zip(src) {
                    *d = x * y;
                }
            }
            Step::Copy { slot, src } => {
                ws.arena.copy_within(src * n..src * n + n, slot * n);
            }
            Step::Param {
                index,
                slots,
                absolute,
                bound,
            } => {
                let Some(&v) = params.get(*index) else {
                    continue;
                };
                for &s in slots {
                    let row = &mut ws.arena[s * n..s * n + n];
                    if *absolute {
                        row.fill(v);
                    } else {
                        row.iter_mut().for_each(|x| *x *= v);
                    }
                    if let Some((y, problem)) = row
                        .iter()
                        .enumerate()
                        .find_map(|(y, x)| check_bound(*bound, *x).map(|p| (y, p)))
                    {
                        return Err(RunError {
                            cause: Cause::Parameter { index: *index },
                            year: c.base_year + y as i32,
                            problem: problem.replacen("makes", "sample makes", 1),
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
                    continue;
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
                if *bound != Bound::Free {
                    for &s in slots {
                        let row = &ws.arena[s * n..s * n + n];
                        if !row.iter().all(|v| within(*bound, *v)) {
                            let y = row.iter().position(|v| !within(*bound, *v)).unwrap_or(0);
                            return Err(fail(*op, y, bound_problem(*bound, row[y])));
                        }
                    }
                }
                // A children's share map that summed to 1 before the measure must still.
                if !group.is_empty() {
                    for y in 0..n {
                        let after: f64 = group.iter().map(|g| ws.arena[g * n + y]).sum();
                        if (ws.group_before[y] - 1.0).abs() <= 1e-9 && (after - 1.0).abs() > 1e-9 {
                            return Err(fail(
                                *op,
                                y,
                                format!(
                                    "makes the children's shares sum to {} instead of 1",
                                    short(after)
                                ),
                            ));
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
                    continue;
                }
                // MODEL.md §9 `shift`, over all years at once: per year, m = min(amount × r,
                // Σ_from s); each `from` item loses m × s_i / Σ_from s; each `to` item gains
                // m × s_j / Σ_to s, or m / len(to) when Σ_to s = 0 (sums taken before the
                // change). Same arithmetic as `lcs_levers::shift`, row by row.
                let w = &c.ops[*op].weights;
                let (sf, st, m) = (&mut ws.sum_from, &mut ws.sum_to, &mut ws.moved);
                sf.fill(0.0);
                st.fill(0.0);
                for &i in from {
                    let row = &ws.arena[items[i] * n..items[i] * n + n];
                    sf.iter_mut().zip(row).for_each(|(a, x)| *a += x);
                }
                for &j in to {
                    let row = &ws.arena[items[j] * n..items[j] * n + n];
                    st.iter_mut().zip(row).for_each(|(a, x)| *a += x);
                }
                for y in 0..n {
                    m[y] = if sf[y] > 0.0 {
                        (amount * w[y]).min(sf[y])
                    } else {
                        0.0
                    };
                }
                for &i in from {
                    let row = &mut ws.arena[items[i] * n..items[i] * n + n];
                    for ((x, m), sf) in row.iter_mut().zip(m.iter()).zip(sf.iter()) {
                        if *m != 0.0 {
                            *x -= m * *x / sf;
                        }
                    }
                }
                let each = 1.0 / to.len() as f64;
                for &j in to {
                    let row = &mut ws.arena[items[j] * n..items[j] * n + n];
                    for ((x, m), st) in row.iter_mut().zip(m.iter()).zip(st.iter()) {
                        if *m != 0.0 {
                            *x += if *st > 0.0 { m * *x / st } else { m * each };
                        }
                    }
                }
            }
            Step::SetMap {
                op,
                items,
                value,
                children,
            } => {
                if !on(*op) {
                    continue;
                }
                let w = &c.ops[*op].weights;
                for y in 0..n {
                    let r = w[y];
                    if r == 0.0 {
                        continue;
                    }
                    let buf = &mut ws.scratch[..items.len()];
                    for (b, &s) in buf.iter_mut().zip(items) {
                        *b = ws.arena[s * n + y];
                    }
                    let before: f64 = buf.iter().sum();
                    lcs_levers::set_map(buf, value, r);
                    let after: f64 = buf.iter().sum();
                    let was_one = (before - 1.0).abs() <= 1e-9;
                    if (after - 1.0).abs() > 1e-9 && (was_one || !*children) {
                        return Err(fail(
                            *op,
                            y,
                            format!("makes the shares sum to {} instead of 1", short(after)),
                        ));
                    }
                    for (b, &s) in buf.iter().zip(items) {
                        ws.arena[s * n + y] = *b;
                    }
                }
            }
            Step::Generation { op, slot, gj } => {
                if !on(*op) || *slot == usize::MAX {
                    continue;
                }
                let w = &c.ops[*op].weights;
                for y in 0..n {
                    ws.arena[slot * n + y] += gj * w[y];
                }
            }
        }
    }
    Ok(())
}

/// Evaluates a compiled scenario with the actions in `mask` (one flag per action, in
/// order) and leaves the results in `ws.out`.
pub fn evaluate(c: &Compiled, ws: &mut Workspace, mask: &[bool]) -> Result<(), RunError> {
    evaluate_with(c, ws, mask, &[])
}

/// Evaluates with sampled values of the scenario's uncertain parameters: `params[i]` is a
/// multiplier on parameter `i`'s series or an absolute value in base units (as the
/// parameter declares), applied before any measure on that series. Missing values leave
/// the series as defined.
pub fn evaluate_with(
    c: &Compiled,
    ws: &mut Workspace,
    mask: &[bool],
    params: &[f64],
) -> Result<(), RunError> {
    run_steps(c, ws, mask, params)?;
    let n = c.n_years;
    let n_tops = c.labels.tops.len();
    let n_fuels = c.labels.fuels.len();
    let waste_row_idx = n_tops;
    let source_row0 = n_tops + usize::from(c.waste.is_some());
    let (g_ch4, g_n2o) = (c.gwp_ch4, c.gwp_n2o);
    let Workspace {
        arena,
        combo_gj,
        ai,
        demand_gj,
        wte_gj,
        out,
        ..
    } = ws;
    let a: &[f64] = arena;
    let series = |s: usize| &a[s * n..s * n + n];
    let gas = rows_mut(&mut out.gas_t);
    gas.fill(0.0);
    let sector = rows_mut(&mut out.sector_t);
    sector.fill(0.0);
    let fe_fuel = rows_mut(&mut out.fe_fuel_gj);
    fe_fuel.fill(0.0);
    let fe_top = rows_mut(&mut out.fe_top_gj);
    fe_top.fill(0.0);
    let fe_top_fuel = rows_mut(&mut out.fe_top_fuel_gj);
    fe_top_fuel.fill(0.0);
    let elec = rows_mut(&mut out.elec_mwh);
    elec.fill(0.0);
    let wd = rows_mut(&mut out.waste_detail);
    wd.fill(0.0);
    wte_gj.fill(0.0);

    // Waste (MODEL.md §7), year by year for the first-order decay (kernels in `waste`).
    if let Some(w) = &c.waste {
        let fod = &w.fod;
        let mut state = FodState::default();
        let at = |s: usize, y: usize| a[s * n + y];
        // Deposits before the base year (§7, §11.5): base-year generation, composition and
        // landfill route as they stand after measures.
        if let Some((from, r)) = w.history {
            let w0 = at(w.generation, 0) * at(w.routes[0], 0);
            for yr in from..c.base_year {
                let wy = w0 / (1.0 + r).powi(c.base_year - yr);
                state.step(fod, |j| wy * at(w.composition[j], 0));
            }
        }
        let mut comp = [0.0f64; N_WASTE_TYPES];
        for y in 0..n {
            let gen = at(w.generation, y);
            out.waste_t[y] = gen;
            let to_landfill = gen * at(w.routes[0], y);
            for (j, cj) in comp.iter_mut().enumerate() {
                *cj = at(w.composition[j], y);
            }
            let decomposed = state.step(fod, |j| to_landfill * comp[j]);
            let ch4_landfill = fod.emitted_from_doc(decomposed, at(w.recovery, y));
            let incinerated = gen * at(w.routes[3], y);
            let co2_inc =
                incineration_fossil_co2(incinerated, fossil_carbon_per_t(&comp, &w.fossil_c));
            wte_gj[y] = incinerated * at(w.incineration_electricity, y);
            let composted = gen * at(w.routes[2], y);
            let (ch4_comp, n2o) = (composted * w.compost_ch4, composted * w.compost_n2o);
            let ch4 = ch4_landfill + ch4_comp;
            gas[y] += co2_inc;
            gas[n + y] += ch4;
            gas[2 * n + y] += n2o;
            sector[waste_row_idx * n + y] += co2_inc + g_ch4 * ch4 + g_n2o * n2o;
            let detail = [
                to_landfill,
                gen * at(w.routes[1], y),
                composted,
                incinerated,
                ch4_landfill,
                ch4_comp,
                n2o,
                co2_inc,
            ];
            for (i, v) in detail.iter().enumerate() {
                wd[i * n + y] = *v;
            }
        }
    }

    // Demand (MODEL.md §4): final energy leaf by leaf over all years, added up per combo
    // (sector, fuel, factors); then emissions once per combo.
    combo_gj.fill(0.0);
    for leaf in &c.leaves {
        let (act, int) = (series(leaf.activity), series(leaf.intensity));
        ai.iter_mut()
            .zip(act.iter().zip(int))
            .for_each(|(x, (a, i))| *x = a * i);
        for &(_, slot, combo) in &leaf.fuels {
            let share = series(slot);
            let row = &mut combo_gj[combo * n..combo * n + n];
            row.iter_mut()
                .zip(ai.iter().zip(share))
                .for_each(|(r, (a, s))| *r += a * s);
        }
    }
    let add = |dst: &mut [f64], src: &[f64], f: f64| {
        dst.iter_mut().zip(src).for_each(|(d, v)| *d += v * f)
    };
    demand_gj.fill(0.0);
    for (ci, cb) in c.combos.iter().enumerate() {
        let fe = &combo_gj[ci * n..ci * n + n];
        let (k, top) = (cb.fuel, cb.top);
        add(&mut fe_fuel[k * n..k * n + n], fe, 1.0);
        add(&mut fe_top[top * n..top * n + n], fe, 1.0);
        let tf = (top * n_fuels + k) * n;
        add(&mut fe_top_fuel[tf..tf + n], fe, 1.0);
        if cb.is_elec {
            add(demand_gj, fe, 1.0);
        } else {
            let f = cb.factors;
            add(&mut gas[..n], fe, f[0]);
            add(&mut gas[n..2 * n], fe, f[2]);
            add(&mut gas[2 * n..3 * n], fe, f[3]);
            add(&mut gas[3 * n..4 * n], fe, f[1]);
            add(&mut sector[top * n..top * n + n], fe, cb.co2e);
        }
    }

    // Electricity (MODEL.md §5), year by year.
    for y in 0..n {
        let demand = demand_gj[y] / 3.6;
        let losses = c.losses.map_or(0.0, |s| a[s * n + y]);
        let busbar = demand / (1.0 - losses);
        let mut local_gj = wte_gj[y] + a[c.extra_generation * n + y];
        for &(x, f) in &c.local {
            local_gj += a[x * n + y] * a[f * n + y];
        }
        let local = local_gj / 3.6;
        let grid = (busbar - local).max(0.0);
        let values = [
            demand,
            local,
            grid,
            (local - busbar).max(0.0),
            busbar - demand,
            wte_gj[y] / 3.6,
        ];
        for (i, v) in values.iter().enumerate() {
            elec[i * n + y] = *v;
        }
        let grid_gj = grid * 3.6;
        // co2 fossil, ch4, n2o, co2e as given, co2 biogenic
        let mut ee = [0.0f64; 5];
        match &c.grid {
            GridPlan::Factor { slot, gas } => ee[(*gas).min(3)] = grid_gj * a[slot * n + y],
            GridPlan::Mix(plants) => {
                for &(s, per, f) in plants {
                    let fuel = grid_gj * a[s * n + y] * per;
                    ee[0] += fuel * f[0];
                    ee[4] += fuel * f[1];
                    ee[1] += fuel * f[2];
                    ee[2] += fuel * f[3];
                }
            }
            GridPlan::None => {}
        }
        gas[y] += ee[0];
        gas[n + y] += ee[1];
        gas[2 * n + y] += ee[2];
        gas[3 * n + y] += ee[4];
        out.grid_co2e_t[y] = ee[0] + g_ch4 * ee[1] + g_n2o * ee[2] + ee[3];
    }
    // Allocation to demand (consumption view): by each sector's share of electricity use
    // (the sum over its leaves of `EE × FE(n, elec) / D`).
    for (ci, cb) in c.combos.iter().enumerate() {
        if !cb.is_elec {
            continue;
        }
        let fe = &combo_gj[ci * n..ci * n + n];
        let row = &mut sector[cb.top * n..cb.top * n + n];
        for (((x, e), f), d) in row
            .iter_mut()
            .zip(&out.grid_co2e_t)
            .zip(fe)
            .zip(demand_gj.iter())
        {
            if *d > 0.0 {
                *x += e * f / d;
            }
        }
    }

    // Sources (MODEL.md §8).
    for s in &c.sources {
        let act = series(s.activity);
        let row = (source_row0 + s.sector) * n;
        for &(g, slot) in &s.factors {
            let factor = series(slot);
            let (gas_row, weight) = match g {
                0 => (Some(0), 1.0),
                1 => (Some(1), g_ch4),
                2 => (Some(2), g_n2o),
                _ => (None, 1.0),
            };
            for y in 0..n {
                let e = act[y] * factor[y];
                if let Some(r) = gas_row {
                    gas[r * n + y] += e;
                }
                sector[row + y] += weight * e;
            }
        }
    }

    // Total: the sum of the sector view (MODEL.md §10).
    out.co2e_t.fill(0.0);
    for row in sector.chunks_exact(n.max(1)) {
        out.co2e_t.iter_mut().zip(row).for_each(|(t, v)| *t += v);
    }
    Ok(())
}

/// The emission factor of grid supply in each year of the last evaluation, t CO2e per MWh
/// (MODEL.md §5): `grid_factor(y)` converted to CO2e with the model's GWP, or for a `mix`
/// `Σ_p share_p(y) / efficiency_p * EF_CO2e(fuel_p, energy) * 3.6`. Measures and sampled
/// parameters on the grid are included. Empty when the model has no grid.
pub fn grid_factor_co2e(c: &Compiled, ws: &Workspace) -> Vec<f64> {
    let n = c.n_years;
    let a = &ws.arena;
    let (g_ch4, g_n2o) = (c.gwp_ch4, c.gwp_n2o);
    match &c.grid {
        GridPlan::Factor { slot, gas } => {
            let weight = match gas {
                1 => g_ch4,
                2 => g_n2o,
                _ => 1.0,
            };
            (0..n).map(|y| a[slot * n + y] * weight * 3.6).collect()
        }
        GridPlan::Mix(plants) => (0..n)
            .map(|y| {
                let mut t_per_gj = 0.0;
                for &(s, per, f) in plants {
                    t_per_gj += a[s * n + y] * per * (f[0] + g_ch4 * f[2] + g_n2o * f[3]);
                }
                t_per_gj * 3.6
            })
            .collect(),
        GridPlan::None => Vec::new(),
    }
}
