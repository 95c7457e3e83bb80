//! The inventory extensions of MODEL.md (docs/EXTENSIONS.md): refrigerant banks, land
//! classes with stock-change accounting, power stations in the region (a memo line) and
//! market-based electricity.
//!
//! Refrigerant bank `s` with stock `A` (the source's activity) and gas shares `w_g`
//! (IPCC 2006 Vol. 3 Ch. 7, emission-factor approach):
//!
//! ```text
//! E_g(s,y)   = A(y) * charge(y) * (leak(y) + retire(y) * (1 - recovery(y))) * w_g(y)   t of gas g
//! CO2e(s,y)  = Σ_g counted_g * GWP_g * E_g(s,y)                                          sector row
//! ```
//!
//! Land class `l` (IPCC 2006 Vol. 4 Ch. 2; Tier 1: biomass lost in the year of conversion,
//! soil carbon over `P` years):
//!
//! ```text
//! Area(y)      = area + Σ_{t=y0..y} (restoration(t) - conversion(t))          ≥ 0, else a run error
//! Remaining(y) = Area(y) * removals(y)                                         t CO2 (negative: a sink)
//! Converted(y) = conversion(y) * biomass_loss(y)
//!              + Σ_{t=max(y0, y-P+1)..y} conversion(t) * soil_loss(t) / P      t CO2
//! ```
//!
//! Power station `p` in the region (memo, GPC I.4.4 "energy generation supplied to the
//! grid"; never in the total): `G_p(y) = a(y) * b(y)` GJ of electricity (capacity ×
//! capacity factor, or generation), fuel `G_p / efficiency_p`, emissions with the fuel's
//! `energy` factors (MODEL.md §6).
//!
//! Market-based electricity (GHG Protocol Scope 2 Guidance): with `P(y)` the energy bought
//! through instruments (`purchase` measures, `amount × r`), `I(y)` their emissions
//! (`amount × factor × r`), grid supply `G(y)` and location-based grid emissions `EE(y)`:
//!
//! ```text
//! s(y)  = min(1, G(y) / P(y))           (1 when P = 0)       share of the instruments used
//! EM(y) = (G(y) - s P(y)) * f_res(y) + s I(y)                 f_res: residual_factor, else EE / G
//! market total(y) = total(y) - EE(y) + EM(y)
//! ```
//!
//! so without instruments and without `residual_factor` the market-based total equals the
//! location-based total exactly.
//!
//! Units: GJ, t, m2 inside; rows in kt, MWh, ha.

use crate::compile::Builder;
use crate::eval::{Cause, Problem, RunError};
use crate::plan::{Bound, CompileError, SourcePlan};
use lcs_factors::inventory::{fgas, fgas_ids, Counted};
use lcs_model::{Lever, Scenario, SourceForm, Target};
use ndarray::Array2;

/// One refrigerant bank as compiled.
#[derive(Clone, Debug)]
pub(crate) struct RefrigerantPlan {
    /// Position of its sector among the source sectors.
    pub sector: usize,
    /// Stock (the source's activity slot).
    pub stock: usize,
    pub charge: usize,
    pub leak: usize,
    pub retire: usize,
    pub recovery: usize,
    /// One share slot per gas of `fgas_ids()` (zeros where the bank has none).
    pub gases: Vec<usize>,
}

/// One land class as compiled.
#[derive(Clone, Debug)]
pub(crate) struct LandPlan {
    /// The source's path (rows and messages).
    pub path: String,
    pub sector: usize,
    /// Area at the start of the base year, m2.
    pub area: f64,
    pub removals: usize,
    pub conversion: usize,
    pub restoration: usize,
    pub biomass_loss: usize,
    pub soil_loss: usize,
    pub soil_years: usize,
    /// Where the conversion is written (run errors point at it).
    pub conversion_span: lcs_model::Span,
}

/// One power station in the region (memo).
#[derive(Clone, Debug)]
pub(crate) struct SupplyPlantPlan {
    pub name: String,
    /// Generation `a * b`, GJ.
    pub a: usize,
    pub b: usize,
    /// GJ of fuel per GJ of electricity.
    pub fuel_per_gj: f64,
    /// t CO2e per GJ of fuel.
    pub co2e_per_gj: f64,
}

/// Market-based electricity as compiled.
#[derive(Clone, Debug)]
pub(crate) struct MarketPlan {
    /// Energy bought through instruments, GJ (`purchase` measures add to it).
    pub purchased: usize,
    /// Emissions of the instruments bought, t CO2e.
    pub instrument_t: usize,
    /// Residual-mix factor, t CO2e per GJ, if the model gives one.
    pub residual: Option<usize>,
}

/// The inventory extensions of a compiled scenario.
#[derive(Clone, Debug, Default)]
pub(crate) struct InventoryPlan {
    pub refrigerants: Vec<RefrigerantPlan>,
    pub lands: Vec<LandPlan>,
    pub plants: Vec<SupplyPlantPlan>,
    pub market: Option<MarketPlan>,
    /// The gases some bank can hold (indices into `fgas_ids()`), with their GWP and whether
    /// they count in the totals: one row each.
    pub gases: Vec<(usize, f64, bool)>,
    /// Per model source: its bank or land class (index into `refrigerants` or `lands`).
    pub by_source: Vec<Option<SourceExt>>,
    /// Per model source: (path, sector, form: `factors`, `process`, `refrigerant`, `land`),
    /// for [`crate::emission_parts`].
    pub source_info: Vec<(String, String, &'static str)>,
    /// Per demand leaf, in leaf order: (path, category), for [`crate::emission_parts`].
    pub leaf_info: Vec<(String, Option<lcs_factors::Category>)>,
}

/// The slots a refrigerant bank or a land class reads besides its source's activity and
/// factors (none for a plain or process source): its emissions depend on these.
pub(crate) fn source_slots(plan: &InventoryPlan, source: usize) -> Vec<usize> {
    match plan.by_source.get(source).copied().flatten() {
        None => Vec::new(),
        Some(SourceExt::Refrigerant(i)) => {
            let r = &plan.refrigerants[i];
            let mut v = vec![r.stock, r.charge, r.leak, r.retire, r.recovery];
            v.extend(&r.gases);
            v
        }
        Some(SourceExt::Land(i)) => {
            let l = &plan.lands[i];
            vec![
                l.removals,
                l.conversion,
                l.restoration,
                l.biomass_loss,
                l.soil_loss,
            ]
        }
    }
}

/// Which extension a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SourceExt {
    Refrigerant(usize),
    Land(usize),
}

/// Rows of the outputs of the extensions.
#[derive(Clone, Debug)]
pub struct InventoryOutputs {
    /// Mass of each gas of `InventoryPlan::gases` emitted, t per year.
    pub fgas_t: Array2<f64>,
    /// Counted F-gases, t CO2e per year.
    pub fgas_co2e_t: Vec<f64>,
    /// Montreal gases (memo), t CO2e per year.
    pub memo_fgas_co2e_t: Vec<f64>,
    /// Counted F-gases of each bank, t CO2e per year.
    pub bank_co2e_t: Array2<f64>,
    /// Per land class: area (m2), CO2 of land remaining (t), CO2 of land converted (t).
    pub land: Array2<f64>,
    /// Per plant: generation (MWh), emissions (t CO2e); then the plants' total emissions.
    pub plants: Array2<f64>,
    /// Market-based: energy of instruments used (MWh), grid emissions (t CO2e), total (t CO2e).
    pub market: Array2<f64>,
}

impl InventoryOutputs {
    pub(crate) fn new(p: &InventoryPlan, n: usize) -> Self {
        InventoryOutputs {
            fgas_t: Array2::zeros((p.gases.len(), n)),
            fgas_co2e_t: vec![0.0; n],
            memo_fgas_co2e_t: vec![0.0; n],
            bank_co2e_t: Array2::zeros((p.refrigerants.len(), n)),
            land: Array2::zeros((3 * p.lands.len(), n)),
            plants: Array2::zeros((2 * p.plants.len() + 1, n)),
            market: Array2::zeros((3, n)),
        }
    }
}

fn unresolved(what: impl Into<String>) -> CompileError {
    CompileError::Unresolved { what: what.into() }
}

/// Compiles the extensions; `sources` are the compiled sources (for sectors and stocks).
pub(crate) fn compile_inventory(
    b: &mut Builder,
    scenario: &Scenario,
    sources: &[SourcePlan],
) -> Result<InventoryPlan, CompileError> {
    let model = b.model;
    let ids = fgas_ids();
    let mut plan = InventoryPlan {
        by_source: vec![None; model.sources.len()],
        ..Default::default()
    };
    let mut used = vec![false; ids.len()];
    plan.leaf_info = (0..model.nodes.len())
        .filter(|&l| model.nodes[l].is_leaf())
        .map(|l| (model.nodes[l].path.clone(), model.effective_category(l)))
        .collect();
    plan.source_info = model
        .sources
        .iter()
        .map(|s| {
            let form = match (&s.form, &s.process) {
                (SourceForm::Refrigerant(_), _) => "refrigerant",
                (SourceForm::Land(_), _) => "land",
                (SourceForm::Factors, Some(_)) => "process",
                (SourceForm::Factors, None) => "factors",
            };
            (s.path.clone(), s.sector.clone(), form)
        })
        .collect();
    for (i, s) in model.sources.iter().enumerate() {
        let sp = sources
            .get(i)
            .ok_or_else(|| unresolved(format!("compiled source `{}`", s.path)))?;
        let p = |k: &str| format!("sources.{}.{k}", s.path);
        match &s.form {
            SourceForm::Factors => {}
            SourceForm::Refrigerant(r) => {
                let mut gases = Vec::with_capacity(ids.len());
                for (g, id) in ids.iter().enumerate() {
                    let name = p(&format!("refrigerant.gases.{id}"));
                    let slot = match r.gases.iter().find(|x| x.item == g) {
                        Some(item) => {
                            used[g] = true;
                            b.series(&item.share, name, Bound::Fraction)?
                        }
                        None => b.empty(name),
                    };
                    gases.push(slot);
                }
                plan.by_source[i] = Some(SourceExt::Refrigerant(plan.refrigerants.len()));
                plan.refrigerants.push(RefrigerantPlan {
                    sector: sp.sector,
                    stock: sp.activity,
                    charge: b.series(&r.charge, p("refrigerant.charge"), Bound::NonNegative)?,
                    leak: b.series(&r.leak, p("refrigerant.leak"), Bound::Fraction)?,
                    retire: b.series(&r.retire, p("refrigerant.retire"), Bound::Fraction)?,
                    recovery: b.series(&r.recovery, p("refrigerant.recovery"), Bound::Fraction)?,
                    gases,
                });
            }
            SourceForm::Land(l) => {
                plan.by_source[i] = Some(SourceExt::Land(plan.lands.len()));
                plan.lands.push(LandPlan {
                    path: s.path.clone(),
                    sector: sp.sector,
                    area: l.area,
                    removals: b.series(&l.removals, p("land.removals"), Bound::Free)?,
                    conversion: b.series(
                        &l.conversion,
                        p("land.conversion"),
                        Bound::NonNegative,
                    )?,
                    restoration: b.series(
                        &l.restoration,
                        p("land.restoration"),
                        Bound::NonNegative,
                    )?,
                    biomass_loss: b.series(&l.biomass_loss, p("land.biomass_loss"), Bound::Free)?,
                    soil_loss: b.series(&l.soil_loss, p("land.soil_loss"), Bound::Free)?,
                    soil_years: l.soil_years.max(1),
                    conversion_span: l.conversion.span,
                });
            }
        }
    }
    // Gases a measure brings into a bank get their rows too.
    for a in &scenario.actions {
        for m in &a.measures {
            if let Target::RefrigerantGases(_) = m.target {
                match &m.lever {
                    Lever::Shift { to, .. } => to.iter().for_each(|&g| used[g] = true),
                    Lever::SetMap { value } => value.iter().for_each(|&(g, _)| used[g] = true),
                    _ => {}
                }
            }
        }
    }
    for (g, id) in ids.iter().enumerate() {
        if used.get(g).copied().unwrap_or(false) {
            let gas = fgas(id).ok_or_else(|| unresolved(format!("gas `{id}`")))?;
            plan.gases
                .push((g, gas.gwp(model.gwp), gas.counted == Counted::Total));
        }
    }
    if let Some(e) = &model.electricity {
        for pl in &e.plants {
            let p = format!("electricity.plants.{}", pl.name);
            let (a, bb) = match (&pl.capacity, &pl.capacity_factor, &pl.generation) {
                (Some(c), Some(cf), _) => (
                    b.series(c, format!("{p}.capacity"), Bound::NonNegative)?,
                    b.series(cf, format!("{p}.capacity_factor"), Bound::Fraction)?,
                ),
                (_, _, Some(g)) => (
                    b.series(g, format!("{p}.generation"), Bound::NonNegative)?,
                    b.one,
                ),
                _ => return Err(unresolved(format!("capacity or generation of `{p}`"))),
            };
            let f = crate::factors::combustion_factors(
                model,
                pl.fuel,
                Some(lcs_factors::Category::Energy),
            );
            plan.plants.push(SupplyPlantPlan {
                name: pl.name.clone(),
                a,
                b: bb,
                fuel_per_gj: 1.0 / pl.efficiency,
                co2e_per_gj: f.co2e(model.gwp.ch4(), model.gwp.n2o()),
            });
        }
        let purchases = scenario
            .actions
            .iter()
            .flat_map(|a| &a.measures)
            .any(|m| matches!(m.lever, Lever::Purchase { .. }));
        if purchases || e.residual_factor.is_some() {
            let residual = match &e.residual_factor {
                Some(f) => Some(b.series(f, "electricity.residual_factor", Bound::NonNegative)?),
                None => None,
            };
            plan.market = Some(MarketPlan {
                purchased: b.empty("electricity.market (energy of instruments)"),
                instrument_t: b.empty("electricity.market (emissions of instruments)"),
                residual,
            });
        }
    }
    Ok(plan)
}

/// The two `Step::Generation`s of a `purchase` measure: the energy into `purchased`, the
/// instrument's emissions into `instrument_t`.
pub(crate) fn purchase_steps(
    b: &mut Builder,
    plan: &InventoryPlan,
    op: usize,
    label: &str,
    amount: &lcs_model::Series,
    factor: &lcs_model::Series,
) -> Result<[crate::plan::Step; 2], CompileError> {
    let m = plan
        .market
        .as_ref()
        .ok_or_else(|| unresolved("market plan of a `purchase` measure"))?;
    let (Some(a), Some(f)) = (amount.values(), factor.values()) else {
        return Err(unresolved(format!("{label}: values known at load")));
    };
    let emissions: Vec<f64> = a.iter().zip(f).map(|(a, f)| a * f).collect();
    let gj = b.slot(a, format!("{label}: `amount`"), Some(amount.span));
    let t = b.slot(
        &emissions,
        format!("{label}: `amount` × `factor`"),
        Some(factor.span),
    );
    Ok([
        crate::plan::Step::Generation {
            op,
            slot: m.purchased,
            gj,
        },
        crate::plan::Step::Generation {
            op,
            slot: m.instrument_t,
            gj: t,
        },
    ])
}

/// The series slots of an extension's target (for `scale`, `set`, `add` and sampled
/// parameters), with their bound.
pub(crate) fn series_target(plan: &InventoryPlan, t: &Target) -> Option<(usize, Bound)> {
    use lcs_model::{LandKey, RefrigerantKey};
    match t {
        Target::Refrigerant(s, k) => {
            let Some(SourceExt::Refrigerant(i)) = plan.by_source.get(*s).copied().flatten() else {
                return None;
            };
            let r = plan.refrigerants.get(i)?;
            Some(match k {
                RefrigerantKey::Charge => (r.charge, Bound::NonNegative),
                RefrigerantKey::Leak => (r.leak, Bound::Fraction),
                RefrigerantKey::Retire => (r.retire, Bound::Fraction),
                RefrigerantKey::Recovery => (r.recovery, Bound::Fraction),
            })
        }
        Target::Land(s, k) => {
            let Some(SourceExt::Land(i)) = plan.by_source.get(*s).copied().flatten() else {
                return None;
            };
            let l = plan.lands.get(i)?;
            Some(match k {
                LandKey::Removals => (l.removals, Bound::Free),
                LandKey::Conversion => (l.conversion, Bound::NonNegative),
                LandKey::Restoration => (l.restoration, Bound::NonNegative),
                LandKey::BiomassLoss => (l.biomass_loss, Bound::Free),
                LandKey::SoilLoss => (l.soil_loss, Bound::Free),
            })
        }
        _ => None,
    }
}

/// The gas share slots of a bank (for `shift` and `set` on `…refrigerant.gases`).
pub(crate) fn gas_map(plan: &InventoryPlan, t: &Target) -> Option<Vec<usize>> {
    let Target::RefrigerantGases(s) = t else {
        return None;
    };
    let Some(SourceExt::Refrigerant(i)) = plan.by_source.get(*s).copied().flatten() else {
        return None;
    };
    Some(plan.refrigerants.get(i)?.gases.clone())
}

#[inline(always)]
fn row(arena: &[f64], slot: usize, n: usize) -> &[f64] {
    &arena[slot * n..slot * n + n]
}

fn rows_mut(a: &mut Array2<f64>) -> &mut [f64] {
    a.as_slice_mut()
        .expect("outputs are created in standard layout")
}

/// Emissions of refrigerant banks (t of each gas; counted CO2e to the bank's sector row)
/// and of land classes (t CO2, to the CO2 gas row and the sector row), and the memo
/// emissions of power stations in the region (module docs for the equations).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn inventory_emissions(
    plan: &InventoryPlan,
    arena: &[f64],
    n: usize,
    base_year: i32,
    gas: &mut [f64],
    sector: &mut [f64],
    sector_row0: usize,
    out: &mut InventoryOutputs,
    scratch: &mut [f64],
) -> Result<(), RunError> {
    let fg = rows_mut(&mut out.fgas_t);
    fg.fill(0.0);
    out.fgas_co2e_t.fill(0.0);
    out.memo_fgas_co2e_t.fill(0.0);
    let banks = rows_mut(&mut out.bank_co2e_t);
    banks.fill(0.0);
    for (b, r) in plan.refrigerants.iter().enumerate() {
        let (stock, charge, leak, retire, recovery) = (
            row(arena, r.stock, n),
            row(arena, r.charge, n),
            row(arena, r.leak, n),
            row(arena, r.retire, n),
            row(arena, r.recovery, n),
        );
        // `stock * charge * (leak + retire * (1 - recovery))`, the bank's emission before
        // its gas shares, once per bank (the same product as in `e` below, left to right).
        let released = &mut scratch[..n];
        for (((((x, s), c), l), t), v) in released
            .iter_mut()
            .zip(stock)
            .zip(charge)
            .zip(leak)
            .zip(retire)
            .zip(recovery)
        {
            *x = s * c * (l + t * (1.0 - v));
        }
        let released: &[f64] = released;
        let srow = (sector_row0 + r.sector) * n;
        let bank = &mut banks[b * n..b * n + n];
        let sec = &mut sector[srow..srow + n];
        for (k, &(g, gwp, counted)) in plan.gases.iter().enumerate() {
            let share = row(arena, r.gases[g], n);
            let fgk = &mut fg[k * n..k * n + n];
            // e = stock * charge * (leak + retire * (1 - recovery)) * share.
            if counted {
                let rows = fgk
                    .iter_mut()
                    .zip(&mut out.fgas_co2e_t[..n])
                    .zip(&mut *bank);
                for ((((f, t), bk), sc), (x, sh)) in
                    rows.zip(&mut *sec).zip(released.iter().zip(share))
                {
                    let e = x * sh;
                    *f += e;
                    *t += gwp * e;
                    *bk += gwp * e;
                    *sc += gwp * e;
                }
            } else {
                let rows = fgk.iter_mut().zip(&mut out.memo_fgas_co2e_t[..n]);
                for ((f, t), (x, sh)) in rows.zip(released.iter().zip(share)) {
                    let e = x * sh;
                    *f += e;
                    *t += gwp * e;
                }
            }
        }
    }
    let land = rows_mut(&mut out.land);
    for (i, l) in plan.lands.iter().enumerate() {
        let (removals, conversion, restoration, biomass, soil) = (
            row(arena, l.removals, n),
            row(arena, l.conversion, n),
            row(arena, l.restoration, n),
            row(arena, l.biomass_loss, n),
            row(arena, l.soil_loss, n),
        );
        let srow = (sector_row0 + l.sector) * n;
        let p = l.soil_years as f64;
        // Each year's soil carbon lost per year of its period, `conversion * soil / p`, once
        // per year instead of once per later year of the period.
        let soil_terms = &mut scratch[..n];
        for ((x, c), s) in soil_terms.iter_mut().zip(conversion).zip(soil) {
            *x = c * s / p;
        }
        let soil_terms: &[f64] = soil_terms;
        let mut area = l.area;
        for y in 0..n {
            area += restoration[y] - conversion[y];
            if area < -1e-9 * l.area.max(1.0) {
                return Err(RunError {
                    cause: Cause::Series {
                        name: format!("sources.{}.land.conversion", l.path),
                        span: Some(l.conversion_span),
                    },
                    year: base_year + y as i32,
                    problem: Problem::LandExhausted {
                        area_ha: area * 1e-4,
                    },
                });
            }
            let area_y = area.max(0.0);
            let remaining = area_y * removals[y];
            let mut converted = conversion[y] * biomass[y];
            for x in &soil_terms[y.saturating_sub(l.soil_years - 1)..=y] {
                converted += x;
            }
            land[(3 * i) * n + y] = area_y;
            land[(3 * i + 1) * n + y] = remaining;
            land[(3 * i + 2) * n + y] = converted;
            let net = land_co2_t(remaining, converted);
            gas[y] += net;
            sector[srow + y] += net;
        }
    }
    let pl = rows_mut(&mut out.plants);
    let k = plan.plants.len();
    pl[2 * k * n..2 * k * n + n].fill(0.0);
    for (i, p) in plan.plants.iter().enumerate() {
        let (a, b) = (row(arena, p.a, n), row(arena, p.b, n));
        for y in 0..n {
            let gj = crate::electricity::unit_generation(a[y], b[y]);
            let t = gj * p.fuel_per_gj * p.co2e_per_gj;
            pl[(2 * i) * n + y] = gj / 3.6;
            pl[(2 * i + 1) * n + y] = t;
            pl[2 * k * n + y] += t;
        }
    }
    Ok(())
}

/// Net CO2 of a land class in one year, t: `remaining + converted`, the removals on land
/// remaining in the class (negative) plus the biomass and soil carbon lost from land
/// converted (module docs).
#[inline(always)]
pub(crate) fn land_co2_t(remaining: f64, converted: f64) -> f64 {
    remaining + converted
}

/// Market-based electricity and total (module docs): `grid_mwh` is the grid supply,
/// `grid_t` the location-based grid emissions and `total_t` the location-based total, per
/// year.
#[inline(always)]
pub(crate) fn market_based(
    plan: &InventoryPlan,
    arena: &[f64],
    n: usize,
    grid_mwh: &[f64],
    grid_t: &[f64],
    total_t: &[f64],
    out: &mut InventoryOutputs,
) {
    let Some(m) = &plan.market else {
        return;
    };
    let (bought, inst) = (row(arena, m.purchased, n), row(arena, m.instrument_t, n));
    let mk = rows_mut(&mut out.market);
    for y in 0..n {
        let p_mwh = bought[y] / 3.6;
        let g = grid_mwh[y];
        let s = if p_mwh > g && p_mwh > 0.0 {
            g / p_mwh
        } else {
            1.0
        };
        let used = s * p_mwh;
        let rest = match m.residual {
            Some(f) => (g - used) * arena[f * n + y] * 3.6,
            None if g > 0.0 => grid_t[y] * (g - used) / g,
            None => 0.0,
        };
        let em = rest + s * inst[y];
        mk[y] = used;
        mk[n + y] = em;
        mk[2 * n + y] = total_t[y] - grid_t[y] + em;
    }
}

/// Whether every output of the extensions is finite.
#[inline(always)]
pub(crate) fn all_finite(out: &InventoryOutputs) -> bool {
    let f = crate::measures::all_finite;
    let a = |x: &Array2<f64>| x.as_slice().is_none_or(f);
    a(&out.fgas_t)
        && f(&out.fgas_co2e_t)
        && f(&out.memo_fgas_co2e_t)
        && a(&out.land)
        && a(&out.plants)
        && a(&out.market)
}

/// A row of the extensions (results): which output and its factor to the row's unit.
#[derive(Clone, Copy, Debug)]
pub(crate) enum InvRow {
    /// Mass of gas `k` of `InventoryPlan::gases`, t.
    Gas(usize),
    /// Counted F-gases, kt CO2e.
    FGasCo2e,
    /// Montreal gases (memo), kt CO2e.
    MemoFGas,
    /// Row `r` of `InventoryOutputs::land` (area in ha, CO2 in kt).
    Land(usize),
    /// Row `r` of `InventoryOutputs::plants` (MWh, kt CO2e).
    Plant(usize),
    /// Row `r` of `InventoryOutputs::market` (MWh, kt CO2e).
    Market(usize),
}

/// The rows of the extensions, appended to the result rows.
pub(crate) fn row_specs(plan: &InventoryPlan, push: &mut dyn FnMut(String, &str, InvRow)) {
    use crate::results::var;
    let ids = fgas_ids();
    if !plan.refrigerants.is_empty() {
        push(var::EMISSIONS_FGASES.into(), "kt CO2e/yr", InvRow::FGasCo2e);
        for (k, &(g, _, counted)) in plan.gases.iter().enumerate() {
            let id = ids.get(g).copied().unwrap_or("?");
            let name = if counted {
                format!("{}|{id}", var::EMISSIONS_FGASES)
            } else {
                format!("{}|{id}", var::MEMO_MONTREAL_GASES)
            };
            push(name, &format!("t {id}/yr"), InvRow::Gas(k));
        }
        if plan.gases.iter().any(|g| !g.2) {
            push(
                var::MEMO_MONTREAL_GASES.into(),
                "kt CO2e/yr",
                InvRow::MemoFGas,
            );
        }
    }
    for (i, l) in plan.lands.iter().enumerate() {
        push(
            format!("{}|{}", var::LAND_AREA, l.path),
            "ha",
            InvRow::Land(3 * i),
        );
        push(
            format!(
                "{}|{}|{}",
                var::EMISSIONS_CO2_LAND,
                l.path,
                var::LAND_REMAINING
            ),
            "kt CO2/yr",
            InvRow::Land(3 * i + 1),
        );
        push(
            format!(
                "{}|{}|{}",
                var::EMISSIONS_CO2_LAND,
                l.path,
                var::LAND_CONVERTED
            ),
            "kt CO2/yr",
            InvRow::Land(3 * i + 2),
        );
    }
    if !plan.plants.is_empty() {
        let k = plan.plants.len();
        push(
            var::MEMO_GRID_GENERATION.into(),
            "kt CO2e/yr",
            InvRow::Plant(2 * k),
        );
        for (i, p) in plan.plants.iter().enumerate() {
            push(
                format!("{}|{}", var::MEMO_GRID_GENERATION, p.name),
                "kt CO2e/yr",
                InvRow::Plant(2 * i + 1),
            );
            push(
                format!("{}|{}", var::ELECTRICITY_SUPPLIED_TO_GRID, p.name),
                "MWh/yr",
                InvRow::Plant(2 * i),
            );
        }
    }
    if plan.market.is_some() {
        push(
            var::ELECTRICITY_INSTRUMENTS.into(),
            "MWh/yr",
            InvRow::Market(0),
        );
        push(
            var::MARKET_GRID_EMISSIONS.into(),
            "kt CO2e/yr",
            InvRow::Market(1),
        );
        push(var::MARKET_TOTAL.into(), "kt CO2e/yr", InvRow::Market(2));
    }
}

/// Fills one row of the extensions, in the row's unit.
#[inline(always)]
pub(crate) fn fill_row(out: &InventoryOutputs, r: InvRow, n: usize, dst: &mut [f64]) {
    fn take(a: &Array2<f64>, i: usize, n: usize) -> &[f64] {
        &a.as_slice().expect("standard layout")[i * n..i * n + n]
    }
    let scaled = |dst: &mut [f64], src: &[f64], f: f64| {
        dst.iter_mut().zip(src).for_each(|(d, v)| *d = v * f)
    };
    match r {
        InvRow::Gas(k) => scaled(dst, take(&out.fgas_t, k, n), 1.0),
        InvRow::FGasCo2e => scaled(dst, &out.fgas_co2e_t, 1e-3),
        InvRow::MemoFGas => scaled(dst, &out.memo_fgas_co2e_t, 1e-3),
        // m2 → ha; t → kt.
        InvRow::Land(i) if i % 3 == 0 => scaled(dst, take(&out.land, i, n), 1e-4),
        InvRow::Land(i) => scaled(dst, take(&out.land, i, n), 1e-3),
        InvRow::Plant(i) => {
            let k = (out.plants.nrows() - 1) / 2;
            let f = if i < 2 * k && i % 2 == 0 { 1.0 } else { 1e-3 };
            scaled(dst, take(&out.plants, i, n), f)
        }
        InvRow::Market(0) => scaled(dst, take(&out.market, 0, n), 1.0),
        InvRow::Market(i) => scaled(dst, take(&out.market, i, n), 1e-3),
    }
}
