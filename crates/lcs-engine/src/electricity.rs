//! Electricity (MODEL.md §5): demand, busbar supply, local generation, grid supply, grid
//! emissions and their allocation to demand.
//!
//! ```text
//! D(y)  = Σ_leaves FE(n, electricity, y) / 3.6                 # MWh
//! B(y)  = D(y) / (1 - losses(y))                               # busbar supply
//! L(y)  = Σ_units capacity * capacity_factor (or generation)
//!         + waste-to-energy (§7) + `generation` measures (§9)  # local generation
//! G(y)  = max(B(y) - L(y), 0)                                  # grid supply
//! X(y)  = max(L(y) - B(y), 0)                                  # export, no credit
//! EE(y) = G(y) * grid_factor(y)                                # factor of one gas
//!       | Σ_p G(y) * 3.6 * share_p(y) / efficiency_p * EF(fuel_p, energy)   # mix
//! leaf n is allocated EE(y) * FE(n, elec, y) / (3.6 * D(y))    # 0 when D = 0
//! ```
//!
//! Units: energy in GJ inside, MWh for the balance rows (1 MWh = 3.6 GJ); power is energy
//! per year (1 MW = 8760 MWh per year, converted at load); emissions in t.

use crate::compile::Builder;
use crate::factors::co2e;
use crate::plan::{
    Bound, Combo, CompileError, ElectricityPlan, Gas, GridPlan, LocalPlan, PlantPlan,
};
use lcs_factors::Category;
use lcs_model::Grid;

/// GJ per MWh.
pub(crate) const GJ_PER_MWH: f64 = 3.6;

/// Compiles the electricity section: losses, the grid (factor or mix), local units, and the
/// slot that `generation` measures add to.
pub(crate) fn compile_electricity(
    b: &mut Builder,
    run_fuels: &[usize],
) -> Result<ElectricityPlan, CompileError> {
    let model = b.model;
    let fuel = model
        .fuels
        .index_of("electricity")
        .and_then(|e| run_fuels.iter().position(|&f| f == e));
    let mut plan = ElectricityPlan {
        losses: b.zero,
        grid: GridPlan::None,
        local: Vec::new(),
        extra_generation: 0,
        fuel,
        section: model.electricity.is_some(),
    };
    if let Some(e) = &model.electricity {
        plan.losses = b.series(&e.losses, "electricity.losses", Bound::Losses)?;
        plan.grid = match &e.grid {
            Grid::Factor { factor, species } => {
                let slot = b.series(factor, "electricity.grid_factor", Bound::NonNegative)?;
                let gas = match species {
                    lcs_units::Species::CO2 => Gas::Co2,
                    lcs_units::Species::CH4 => Gas::Ch4,
                    lcs_units::Species::N2O => Gas::N2o,
                    lcs_units::Species::CO2e => Gas::Co2e,
                };
                GridPlan::Factor { slot, gas }
            }
            Grid::Mix(plants) => {
                let mut v = Vec::new();
                for p in plants {
                    let share = b.series(
                        &p.share,
                        format!("electricity.mix.{}.share", p.name),
                        Bound::Fraction,
                    )?;
                    let (fuel_per_gj, factors) = match (p.fuel, p.efficiency) {
                        (Some(fuel), Some(eff)) => (
                            1.0 / eff,
                            crate::factors::combustion_factors(model, fuel, Some(Category::Energy))
                                .to_array(),
                        ),
                        (None, _) => (0.0, [0.0; 4]),
                        (Some(_), None) => {
                            return Err(CompileError::Unresolved {
                                what: format!("efficiency of plant `{}`", p.name),
                            })
                        }
                    };
                    v.push(PlantPlan {
                        share,
                        fuel_per_gj,
                        factors,
                    });
                }
                GridPlan::Mix(v)
            }
            Grid::None => GridPlan::None,
        };
        for u in &e.local {
            let p = format!("electricity.local.{}", u.name);
            let unit = match (&u.capacity, &u.capacity_factor, &u.generation) {
                (Some(c), Some(cf), _) => LocalPlan {
                    a: b.series(c, format!("{p}.capacity"), Bound::NonNegative)?,
                    b: b.series(cf, format!("{p}.capacity_factor"), Bound::Fraction)?,
                },
                (_, _, Some(g)) => LocalPlan {
                    a: b.series(g, format!("{p}.generation"), Bound::NonNegative)?,
                    b: b.one,
                },
                _ => {
                    return Err(CompileError::Unresolved {
                        what: format!("capacity and capacity factor, or generation, of `{p}`"),
                    })
                }
            };
            plan.local.push(unit);
        }
    }
    plan.extra_generation = b.empty("electricity.local (generation measures)");
    Ok(plan)
}

/// Output of a `generation` measure at full effect in each model year, GJ (docs/EXTENSIONS.md):
/// `G(y) = generation(y) * (1 - degradation)^(y - start)` for `y ≥ start`, `generation(y)`
/// before (where the ramp weight is 0 anyway). `generation(y)` is `capacity(y) *
/// capacity_factor(y)` or the given generation.
#[inline(always)]
pub(crate) fn generation_output(
    generation_gj: &[f64],
    degradation: f64,
    start: i32,
    base_year: i32,
) -> Vec<f64> {
    generation_gj
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let age = base_year + i as i32 - start;
            if age > 0 && degradation > 0.0 {
                g * (1.0 - degradation).powi(age)
            } else {
                *g
            }
        })
        .collect()
}

/// Busbar supply `B = D / (1 - losses)` (any energy unit). The same division grosses a
/// quantity per unit of busbar supply up to one per unit of demand (an emission factor in
/// t CO2e per GJ supplied, as breakdown and Shapley's grid part use it).
#[inline(always)]
pub(crate) fn busbar_supply(demand: f64, losses: f64) -> f64 {
    demand / (1.0 - losses)
}

/// Output of one local unit, GJ: `capacity * capacity_factor` (capacity as energy per year),
/// or a unit's given generation times 1.
#[inline(always)]
pub(crate) fn unit_generation(a: f64, b: f64) -> f64 {
    a * b
}

/// Local generation in each year, GJ, into `local_gj`: waste-to-energy and biogas (§7,
/// `wte_gj + biogas_gj`) + `generation` measures + Σ units [`unit_generation`], in that
/// order.
#[inline(always)]
pub(crate) fn local_generation(
    plan: &ElectricityPlan,
    arena: &[f64],
    n: usize,
    waste_gj: (&[f64], &[f64]),
    local_gj: &mut [f64],
) {
    let (wte, biogas) = (&waste_gj.0[..n], &waste_gj.1[..n]);
    let local_gj = &mut local_gj[..n];
    let extra = &arena[plan.extra_generation * n..plan.extra_generation * n + n];
    for y in 0..n {
        local_gj[y] = (wte[y] + biogas[y]) + extra[y];
    }
    for u in &plan.local {
        let (a, b) = (&arena[u.a * n..u.a * n + n], &arena[u.b * n..u.b * n + n]);
        for y in 0..n {
            local_gj[y] += unit_generation(a[y], b[y]);
        }
    }
}

/// Grid supply `G = max(B - L, 0)`.
#[inline(always)]
pub(crate) fn grid_supply(busbar: f64, local: f64) -> f64 {
    (busbar - local).max(0.0)
}

/// Export `X = max(L - B, 0)`: surplus local generation, which earns no credit.
#[inline(always)]
pub(crate) fn export(busbar: f64, local: f64) -> f64 {
    (local - busbar).max(0.0)
}

/// Emissions of grid supply in each year, t, into five rows of `ee`: fossil CO2, CH4,
/// N2O, CO2e as given, biogenic CO2. `grid_mwh` is grid supply `G`, MWh. A factor puts
/// `G * 3.6 * factor` on its gas; a mix burns `G * 3.6 * share_p / efficiency_p` GJ of each
/// plant's fuel with category `energy` factors; the other rows are 0.
#[inline(always)]
pub(crate) fn grid_emissions(
    grid: &GridPlan,
    arena: &[f64],
    n: usize,
    grid_mwh: &[f64],
    ee: &mut [f64],
) {
    let grid_mwh = &grid_mwh[..n];
    let ee = &mut ee[..5 * n];
    ee.fill(0.0);
    match grid {
        GridPlan::Factor { slot, gas } => {
            let i = match gas {
                Gas::Co2 => 0,
                Gas::Ch4 => 1,
                Gas::N2o => 2,
                Gas::Co2e => 3,
            };
            let factor = &arena[slot * n..slot * n + n];
            let row = &mut ee[i * n..i * n + n];
            for y in 0..n {
                row[y] = (grid_mwh[y] * GJ_PER_MWH) * factor[y];
            }
        }
        GridPlan::Mix(plants) => {
            let (co2, rest) = ee.split_at_mut(n);
            let (ch4, rest) = rest.split_at_mut(n);
            let (n2o, rest) = rest.split_at_mut(n);
            let bio = &mut rest[n..2 * n];
            for p in plants {
                let share = &arena[p.share * n..p.share * n + n];
                let f = p.factors;
                for y in 0..n {
                    let fuel = (grid_mwh[y] * GJ_PER_MWH) * share[y] * p.fuel_per_gj;
                    co2[y] += fuel * f[0];
                    bio[y] += fuel * f[1];
                    ch4[y] += fuel * f[2];
                    n2o[y] += fuel * f[3];
                }
            }
        }
        GridPlan::None => {}
    }
}

/// Grid emissions due to T&D losses, t CO2e: `EE * (B - D) / B` (0 when `B = 0`), the part
/// of the grid emissions allocated to demand that the losses cause (GPC reports it in
/// scope 3).
#[inline(always)]
pub(crate) fn loss_emissions(grid_co2e: f64, busbar: f64, demand: f64) -> f64 {
    if busbar > 0.0 {
        grid_co2e * (busbar - demand) / busbar
    } else {
        0.0
    }
}

/// The electricity balance of every year (MODEL.md §5): writes the balance rows (`elec`,
/// rows of [`crate::elec_row`], MWh; the loss emissions row in t CO2e), adds grid
/// emissions to the gas rows (`gas`) and writes grid emissions in CO2e (`grid_co2e_t`).
/// `waste_gj` holds the waste-to-energy and biogas electricity of each year, GJ.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn electricity_balance(
    plan: &ElectricityPlan,
    arena: &[f64],
    n: usize,
    demand_gj: &[f64],
    waste_gj: (&[f64], &[f64]),
    gwp: (f64, f64),
    elec: &mut [f64],
    gas: &mut [f64],
    grid_co2e_t: &mut [f64],
    tmp: &mut [f64],
) {
    use crate::eval::elec_row as row;
    let (wte_gj, biogas_gj) = (&waste_gj.0[..n], &waste_gj.1[..n]);
    let demand_gj = &demand_gj[..n];
    let grid_co2e_t = &mut grid_co2e_t[..n];
    if n == 0 {
        return;
    }
    let (busbar, ee) = tmp[..6 * n].split_at_mut(n);
    // Each row is a pass of its own, and every year gets the operations, in the order, that
    // a year-by-year loop would give it.
    const _: () = assert!(
        row::DEMAND == 0
            && row::LOCAL == 1
            && row::GRID == 2
            && row::EXPORT == 3
            && row::LOSSES == 4
            && row::WASTE_TO_ENERGY == 5
            && row::BIOGAS == 6
            && row::LOSS_EMISSIONS == 7
            && row::N == 8
    );
    let mut rows = elec[..row::N * n].chunks_exact_mut(n);
    let [demand, local, grid, export_mwh, losses_mwh, wte_mwh, biogas_mwh, loss_ee]: [&mut [f64];
        row::N] = std::array::from_fn(|_| rows.next().expect("elec has row::N rows"));
    let losses = &arena[plan.losses * n..plan.losses * n + n];
    for y in 0..n {
        demand[y] = demand_gj[y] / GJ_PER_MWH;
        busbar[y] = busbar_supply(demand[y], losses[y]);
    }
    local_generation(plan, arena, n, (wte_gj, biogas_gj), local);
    for y in 0..n {
        local[y] /= GJ_PER_MWH;
        grid[y] = grid_supply(busbar[y], local[y]);
        export_mwh[y] = export(busbar[y], local[y]);
        losses_mwh[y] = busbar[y] - demand[y];
        wte_mwh[y] = wte_gj[y] / GJ_PER_MWH;
        biogas_mwh[y] = biogas_gj[y] / GJ_PER_MWH;
    }
    grid_emissions(&plan.grid, arena, n, grid, ee);
    let (e0, e1, e2, e3, e4) = (
        &ee[..n],
        &ee[n..2 * n],
        &ee[2 * n..3 * n],
        &ee[3 * n..4 * n],
        &ee[4 * n..5 * n],
    );
    let mut gas_rows = gas[..4 * n].chunks_exact_mut(n);
    let [co2, ch4, n2o, bio]: [&mut [f64]; 4] =
        std::array::from_fn(|_| gas_rows.next().expect("gas has 4 rows"));
    for y in 0..n {
        co2[y] += e0[y];
        ch4[y] += e1[y];
        n2o[y] += e2[y];
        bio[y] += e4[y];
        grid_co2e_t[y] = co2e(gwp, e0[y], e1[y], e2[y]) + e3[y];
        loss_ee[y] = loss_emissions(grid_co2e_t[y], busbar[y], demand[y]);
    }
}

/// The grid emissions of one consumer, t CO2e: `EE × FE / D` (MODEL.md §5), with `EE` the
/// grid's emissions (or a part of them, such as the T&D losses), `FE` the consumer's
/// electricity and `D > 0` the region's electricity demand, in the same unit.
#[inline(always)]
pub(crate) fn grid_allocation(grid_t: f64, fe: f64, demand: f64) -> f64 {
    grid_t * fe / demand
}

/// Allocation of grid emissions to demand (consumption view), t CO2e: each sector gets
/// `EE(y) * FE(elec of its leaves, y) / D(y)` (0 when `D = 0`), added to its row of
/// `sector` and of `allocated` (one row per top-level node).
#[inline(always)]
pub(crate) fn allocate_grid_emissions(
    combos: &[Combo],
    combo_gj: &[f64],
    n: usize,
    grid_co2e_t: &[f64],
    demand_gj: &[f64],
    sector: &mut [f64],
    allocated: &mut [f64],
) {
    for (ci, cb) in combos.iter().enumerate() {
        if !cb.is_elec {
            continue;
        }
        let fe = &combo_gj[ci * n..ci * n + n];
        let row = &mut sector[cb.top * n..cb.top * n + n];
        let alloc = &mut allocated[cb.top * n..cb.top * n + n];
        for ((((x, a), e), f), d) in row
            .iter_mut()
            .zip(alloc.iter_mut())
            .zip(grid_co2e_t)
            .zip(fe)
            .zip(demand_gj)
        {
            if *d > 0.0 {
                let share = grid_allocation(*e, *f, *d);
                *x += share;
                *a += share;
            }
        }
    }
}

/// The emission factor of grid supply in year `y`, t CO2e per MWh: `grid_factor(y)` in CO2e
/// with the model's GWP, or for a mix `Σ_p share_p(y) / efficiency_p * EF_CO2e(fuel_p,
/// energy) * 3.6`; 0 without a grid.
#[inline]
pub(crate) fn grid_factor_co2e_at(
    grid: &GridPlan,
    arena: &[f64],
    n: usize,
    y: usize,
    gwp: (f64, f64),
) -> f64 {
    match grid {
        GridPlan::Factor { slot, gas } => arena[slot * n + y] * gas.gwp(gwp) * GJ_PER_MWH,
        GridPlan::Mix(plants) => {
            let mut t_per_gj = 0.0;
            for p in plants {
                let f = p.factors;
                t_per_gj += arena[p.share * n + y] * p.fuel_per_gj * co2e(gwp, f[0], f[2], f[3]);
            }
            t_per_gj * GJ_PER_MWH
        }
        GridPlan::None => 0.0,
    }
}

/// The emission factor of grid supply in each year, t CO2e per MWh
/// ([`grid_factor_co2e_at`] of every year). Empty when the model has no grid.
pub(crate) fn grid_factor_co2e_of(
    grid: &GridPlan,
    arena: &[f64],
    n: usize,
    gwp: (f64, f64),
) -> Vec<f64> {
    match grid {
        GridPlan::None => Vec::new(),
        _ => (0..n)
            .map(|y| grid_factor_co2e_at(grid, arena, n, y, gwp))
            .collect(),
    }
}
