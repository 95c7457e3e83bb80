//! Evaluation: one run of a compiled scenario for a set of actions (MODEL.md §4–§10).
//!
//! [`evaluate`] is a pure function of the compiled arrays and an action mask: it copies the
//! base arena into a reusable [`Workspace`], runs the steps (expressions and measures, in
//! the order of §9), then computes per year, in this order: waste (§7, first-order decay
//! with history; its incineration electricity feeds local generation), demand (§4: final
//! energy and direct emissions of every leaf and fuel), electricity (§5: busbar supply,
//! local generation, grid supply, grid emissions by factor or mix, allocated to demand by
//! electricity use), and sources (§8). Units: GJ, t and MWh inside; the result writer turns
//! them into TJ, kt and MWh.

use crate::compile::{Bound, Compiled, GridPlan, SeriesLever, Step};
use lcs_factors::WasteType;
use ndarray::Array2;

/// Per-run scratch space, reused across evaluations (no allocation once warm).
#[derive(Clone, Debug)]
pub struct Workspace {
    pub(crate) arena: Vec<f64>,
    pub(crate) stack: Vec<f64>,
    pub(crate) scratch: Vec<f64>,
    pub(crate) elec_leaf: Vec<f64>,
    /// The results of the last evaluation.
    pub out: Outputs,
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
    /// Electricity: demand, local generation, grid supply, export, MWh per year.
    pub elec_mwh: Array2<f64>,
    /// Waste generated, t per year.
    pub waste_t: Vec<f64>,
}

/// A measure that broke a rule of MODEL.md §9 in some year.
#[derive(Clone, Debug, PartialEq)]
pub struct RunError {
    /// Action index in the scenario.
    pub action: usize,
    /// Measure index in the action.
    pub measure: usize,
    /// The year.
    pub year: i32,
    /// What went wrong, e.g. "makes a share negative (-0.05)".
    pub problem: String,
}

impl Workspace {
    /// A workspace sized for a compiled scenario.
    pub fn new(c: &Compiled) -> Self {
        let n = c.n_years;
        let n_sectors =
            c.labels.tops.len() + usize::from(c.waste.is_some()) + c.labels.source_sectors.len();
        Workspace {
            arena: c.arena.clone(),
            stack: Vec::with_capacity(32),
            scratch: vec![0.0; 64],
            elec_leaf: vec![0.0; c.leaves.len()],
            out: Outputs {
                co2e_t: vec![0.0; n],
                gas_t: Array2::zeros((4, n)),
                sector_t: Array2::zeros((n_sectors, n)),
                fe_fuel_gj: Array2::zeros((c.labels.fuels.len(), n)),
                fe_top_gj: Array2::zeros((c.labels.tops.len(), n)),
                elec_mwh: Array2::zeros((4, n)),
                waste_t: vec![0.0; n],
            },
        }
    }

    /// The value of slot `s` in year index `y` after the last evaluation (base units).
    pub(crate) fn slot(&self, n_years: usize, s: usize, y: usize) -> f64 {
        self.arena[s * n_years + y]
    }
}

/// A value for messages: six significant decimals, without float noise.
fn short(v: f64) -> String {
    let t = format!("{v:.6}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" || t.is_empty() {
        format!("{v:e}")
    } else {
        t.to_string()
    }
}

fn check_bound(bound: Bound, v: f64) -> Option<String> {
    let tol = 1e-9;
    match bound {
        Bound::Free => None,
        Bound::NonNegative if v < -tol * (1.0 + v.abs()) => {
            Some(format!("makes a value negative ({})", short(v)))
        }
        Bound::Fraction if v < -tol => Some(format!("makes a share negative ({})", short(v))),
        Bound::Fraction if v > 1.0 + tol => Some(format!("makes a share exceed 1 ({})", short(v))),
        Bound::Losses if !(-tol..1.0).contains(&v) => {
            Some(format!("makes losses leave [0, 1) ({})", short(v)))
        }
        _ => None,
    }
}

/// Runs the steps: expressions and the measures of the actions in `mask`.
fn run_steps(c: &Compiled, ws: &mut Workspace, mask: &[bool]) -> Result<(), RunError> {
    let n = c.n_years;
    ws.arena.copy_from_slice(&c.arena);
    let fail = |op: usize, y: usize, problem: String| {
        let info = &c.ops[op];
        RunError {
            action: info.action,
            measure: info.measure,
            year: c.base_year + y as i32,
            problem,
        }
    };
    for step in &c.steps {
        match step {
            Step::Expr { slot, program } => {
                for y in 0..n {
                    let v = program.eval(&ws.arena, n, y, &mut ws.stack);
                    ws.arena[slot * n + y] = v;
                }
            }
            Step::Mul { slot, a, b } => {
                for y in 0..n {
                    ws.arena[slot * n + y] = ws.arena[a * n + y] * ws.arena[b * n + y];
                }
            }
            Step::Copy { slot, src } => {
                ws.arena.copy_within(src * n..src * n + n, slot * n);
            }
            Step::Series {
                op,
                lever,
                slots,
                param,
                bound,
                group,
            } => {
                let info = &c.ops[*op];
                if !mask.get(info.action).copied().unwrap_or(false) {
                    continue;
                }
                for y in 0..n {
                    let r = info.weights[y];
                    if r == 0.0 && *lever != SeriesLever::Set {
                        continue;
                    }
                    let before: f64 = group.iter().map(|g| ws.arena[g * n + y]).sum();
                    let q = ws.arena[param * n + y];
                    for &s in slots {
                        let p = ws.arena[s * n + y];
                        let v = match lever {
                            SeriesLever::Scale => lcs_levers::scale(p, q, r),
                            SeriesLever::Set => lcs_levers::set(p, q, r),
                            SeriesLever::Add => lcs_levers::add(p, q, r),
                        };
                        if let Some(problem) = check_bound(*bound, v) {
                            return Err(fail(*op, y, problem));
                        }
                        ws.arena[s * n + y] = v;
                    }
                    if !group.is_empty() && (before - 1.0).abs() <= 1e-9 {
                        let after: f64 = group.iter().map(|g| ws.arena[g * n + y]).sum();
                        if (after - 1.0).abs() > 1e-9 {
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
                ..
            } => {
                let info = &c.ops[*op];
                if !mask.get(info.action).copied().unwrap_or(false) {
                    continue;
                }
                for y in 0..n {
                    let r = info.weights[y];
                    if r == 0.0 {
                        continue;
                    }
                    let buf = &mut ws.scratch[..items.len()];
                    for (b, &s) in buf.iter_mut().zip(items) {
                        *b = ws.arena[s * n + y];
                    }
                    lcs_levers::shift(buf, from, to, *amount, r);
                    for (b, &s) in buf.iter().zip(items) {
                        ws.arena[s * n + y] = *b;
                    }
                }
            }
            Step::SetMap {
                op,
                items,
                value,
                children,
            } => {
                let info = &c.ops[*op];
                if !mask.get(info.action).copied().unwrap_or(false) {
                    continue;
                }
                for y in 0..n {
                    let r = info.weights[y];
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
                    if *children && (before - 1.0).abs() > 1e-9 && (after - 1.0).abs() > 1e-9 {
                        // Children shares that did not sum to 1 may keep any sum.
                    } else if (after - 1.0).abs() > 1e-9 && (before - 1.0).abs() <= 1e-9 {
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
                let info = &c.ops[*op];
                if !mask.get(info.action).copied().unwrap_or(false) || *slot == usize::MAX {
                    continue;
                }
                for y in 0..n {
                    ws.arena[slot * n + y] += gj * info.weights[y];
                }
            }
        }
    }
    Ok(())
}

/// Evaluates a compiled scenario with the actions in `mask` (one flag per action, in
/// order) and leaves the results in `ws.out`.
pub fn evaluate(c: &Compiled, ws: &mut Workspace, mask: &[bool]) -> Result<(), RunError> {
    run_steps(c, ws, mask)?;
    let n = c.n_years;
    let a = &ws.arena;
    let out = &mut ws.out;
    out.gas_t.fill(0.0);
    out.sector_t.fill(0.0);
    out.fe_fuel_gj.fill(0.0);
    out.fe_top_gj.fill(0.0);
    out.elec_mwh.fill(0.0);
    let n_tops = c.labels.tops.len();
    let waste_row = n_tops;
    let source_row0 = n_tops + usize::from(c.waste.is_some());
    let (g_ch4, g_n2o) = (c.gwp_ch4, c.gwp_n2o);
    let at = |s: usize, y: usize| a[s * n + y];

    // Landfill: decomposable DOC accumulated at the end of the year before the base year,
    // from the history deposits (MODEL.md §7, §11.5).
    let mut da = [0.0f64; 8];
    let mut decay = [0.0f64; 8];
    let mut ddoc = [0.0f64; 8];
    let mut fossil = [0.0f64; 8];
    if let Some(w) = &c.waste {
        for (j, t) in WasteType::ALL.iter().enumerate() {
            let cst = t.constants();
            decay[j] = (-w.k[j]).exp();
            ddoc[j] = cst.doc * w.doc_f * w.mcf;
            fossil[j] = cst.dm * cst.cf * cst.fcf;
        }
        if let Some((from, r)) = w.history {
            let w0 = at(w.generation, 0) * at(w.routes[0], 0);
            for yr in from..c.base_year {
                let wy = w0 / (1.0 + r).powi(c.base_year - yr);
                for j in 0..8 {
                    let dd = wy * at(w.composition[j], 0) * ddoc[j];
                    da[j] = dd + da[j] * decay[j];
                }
            }
        }
    }

    for y in 0..n {
        // Waste (MODEL.md §7).
        let mut wte_gj = 0.0;
        if let Some(w) = &c.waste {
            let gen = at(w.generation, y);
            out.waste_t[y] = gen;
            let to_landfill = gen * at(w.routes[0], y);
            let mut ch4_gen = 0.0;
            let mut fossil_c = 0.0;
            for j in 0..8 {
                let comp = at(w.composition[j], y);
                let dec = da[j] * (1.0 - decay[j]);
                da[j] = to_landfill * comp * ddoc[j] + da[j] * decay[j];
                ch4_gen += dec;
                fossil_c += comp * fossil[j];
            }
            let ch4_landfill =
                ch4_gen * w.f * 16.0 / 12.0 * (1.0 - at(w.recovery, y)) * (1.0 - w.oxidation);
            let incinerated = gen * at(w.routes[3], y);
            let co2_inc = incinerated * fossil_c * 44.0 / 12.0;
            wte_gj = incinerated * at(w.incineration_electricity, y);
            let composted = gen * at(w.routes[2], y);
            let ch4 = ch4_landfill + composted * w.compost_ch4;
            let n2o = composted * w.compost_n2o;
            out.gas_t[[0, y]] += co2_inc;
            out.gas_t[[1, y]] += ch4;
            out.gas_t[[2, y]] += n2o;
            out.sector_t[[waste_row, y]] += co2_inc + g_ch4 * ch4 + g_n2o * n2o;
        }
        // Demand (MODEL.md §4).
        let mut demand_gj = 0.0;
        let (mut d_co2, mut d_ch4, mut d_n2o, mut d_bio) = (0.0, 0.0, 0.0, 0.0);
        for (li, leaf) in c.leaves.iter().enumerate() {
            let ai = at(leaf.activity, y) * at(leaf.intensity, y);
            let mut elec = 0.0;
            let mut co2e = 0.0;
            let mut fe_leaf = 0.0;
            for &(k, slot, f) in &leaf.fuels {
                let fe = ai * at(slot, y);
                if fe == 0.0 {
                    continue;
                }
                fe_leaf += fe;
                out.fe_fuel_gj[[k, y]] += fe;
                if Some(k) == c.electricity_fuel {
                    elec += fe;
                    continue;
                }
                let (co2, bio, ch4, n2o) = (fe * f[0], fe * f[1], fe * f[2], fe * f[3]);
                d_co2 += co2;
                d_ch4 += ch4;
                d_n2o += n2o;
                d_bio += bio;
                co2e += co2 + g_ch4 * ch4 + g_n2o * n2o;
            }
            out.fe_top_gj[[leaf.top, y]] += fe_leaf;
            out.sector_t[[leaf.top, y]] += co2e;
            ws.elec_leaf[li] = elec;
            demand_gj += elec;
        }
        out.gas_t[[0, y]] += d_co2;
        out.gas_t[[1, y]] += d_ch4;
        out.gas_t[[2, y]] += d_n2o;
        out.gas_t[[3, y]] += d_bio;
        // Electricity (MODEL.md §5).
        let demand = demand_gj / 3.6;
        let losses = c.losses.map_or(0.0, |s| at(s, y));
        let busbar = demand / (1.0 - losses);
        let mut local_gj = wte_gj + at(c.extra_generation, y);
        for &(x, f) in &c.local {
            local_gj += at(x, y) * at(f, y);
        }
        let local = local_gj / 3.6;
        let grid = (busbar - local).max(0.0);
        let export = (local - busbar).max(0.0);
        out.elec_mwh[[0, y]] = demand;
        out.elec_mwh[[1, y]] = local;
        out.elec_mwh[[2, y]] = grid;
        out.elec_mwh[[3, y]] = export;
        let grid_gj = grid * 3.6;
        let mut ee = [0.0f64; 5]; // co2 fossil, ch4, n2o, co2e-as-given, co2 biogenic
        match &c.grid {
            GridPlan::Factor { slot, gas } => {
                let v = grid_gj * at(*slot, y);
                match gas {
                    0 => ee[0] = v,
                    1 => ee[1] = v,
                    2 => ee[2] = v,
                    _ => ee[3] = v,
                }
            }
            GridPlan::Mix(plants) => {
                for &(s, per, f) in plants {
                    let fuel = grid_gj * at(s, y) * per;
                    ee[0] += fuel * f[0];
                    ee[4] += fuel * f[1];
                    ee[1] += fuel * f[2];
                    ee[2] += fuel * f[3];
                }
            }
            GridPlan::None => {}
        }
        out.gas_t[[0, y]] += ee[0];
        out.gas_t[[1, y]] += ee[1];
        out.gas_t[[2, y]] += ee[2];
        out.gas_t[[3, y]] += ee[4];
        let ee_co2e = ee[0] + g_ch4 * ee[1] + g_n2o * ee[2] + ee[3];
        if demand_gj > 0.0 {
            for (li, leaf) in c.leaves.iter().enumerate() {
                out.sector_t[[leaf.top, y]] += ee_co2e * ws.elec_leaf[li] / demand_gj;
            }
        }
        // Sources (MODEL.md §8).
        for s in &c.sources {
            let act = at(s.activity, y);
            let mut co2e = 0.0;
            for &(g, slot) in &s.factors {
                let e = act * at(slot, y);
                match g {
                    0 => {
                        out.gas_t[[0, y]] += e;
                        co2e += e;
                    }
                    1 => {
                        out.gas_t[[1, y]] += e;
                        co2e += g_ch4 * e;
                    }
                    2 => {
                        out.gas_t[[2, y]] += e;
                        co2e += g_n2o * e;
                    }
                    _ => co2e += e,
                }
            }
            out.sector_t[[source_row0 + s.sector, y]] += co2e;
        }
        // Total: the sum of the sector view (MODEL.md §10).
        out.co2e_t[y] = out.sector_t.column(y).sum();
    }
    Ok(())
}
