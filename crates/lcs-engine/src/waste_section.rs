//! The waste section of a model (MODEL.md §7): generated mass, routes, landfill methane by
//! first-order decay, incineration fossil CO2 and its electricity, composting.
//!
//! The equations are the kernels of [`crate::waste`] (the only implementation of §7); this
//! module compiles a model's `waste:` section into slots and runs the kernels year by year:
//!
//! ```text
//! W(y)      = generation(y)                                   # t, after its measures
//! Wr(y)     = W(y) * routes.r(y)                              # t per route r
//! Wl(j,y)   = Wl(y) * comp_j(y)                               # landfilled, per type
//! CH4_l(y)  = FOD(Wl) (crate::waste::FodState::step, emitted_from_doc)
//! CO2_i(y)  = Wi(y) * Σ_j comp_j * dm_j * CF_j * FCF_j * 44/12   # incineration_fossil_co2
//! WtE(y)    = Wi(y) * incineration.electricity(y)             # GJ, joins L(y) of §5
//! CH4_c(y)  = Wc(y) * 4 kg/t,  N2O_c(y) = Wc(y) * 0.24 kg/t    # composting
//! ```
//!
//! Units: t of wet waste, t of gas, GJ. The waste section runs before demand because its
//! electricity joins local generation.

use crate::compile::Builder;
use crate::eval::waste_row as row;
use crate::plan::{Bound, CompileError, Step, WastePlan};
use crate::waste::{
    fossil_carbon_fractions, fossil_carbon_per_t, incineration_fossil_co2, FodConstants, FodState,
    N_WASTE_TYPES,
};
use lcs_factors::WasteType;
use lcs_model::ROUTES;

/// The compiled waste section and the step that fills its generation slot.
pub(crate) struct WasteSection {
    pub plan: WastePlan,
    pub generation_step: Step,
}

/// Compiles the `waste:` section, if the model has one.
pub(crate) fn compile_waste(b: &mut Builder) -> Result<Option<WasteSection>, CompileError> {
    let Some(w) = &b.model.waste else {
        return Ok(None);
    };
    let generation = b.empty("waste.generation");
    let generation_step =
        crate::demand::absolute_activity(b, generation, &w.generation, "waste.generation")?
            .ok_or_else(|| CompileError::Unresolved {
                what: "an absolute activity for `waste.generation`".into(),
            })?;
    let mut composition = [None; N_WASTE_TYPES];
    for it in &w.composition {
        let name = WasteType::ALL
            .get(it.item)
            .map(|t| t.name())
            .ok_or_else(|| CompileError::Unresolved {
                what: format!("waste type #{}", it.item),
            })?;
        composition[it.item] = Some(b.series(
            &it.share,
            format!("waste.composition.{name}"),
            Bound::Fraction,
        )?);
    }
    // Absent items get their own slot of zeros so that shifts can fill them.
    let mut comp_slots = [0usize; N_WASTE_TYPES];
    for (j, c) in composition.iter().enumerate() {
        comp_slots[j] = match c {
            Some(s) => *s,
            None => b.empty(format!("waste.composition.{}", WasteType::ALL[j].name())),
        };
    }
    let mut routes = [None; 4];
    for it in &w.routes {
        let name = ROUTES
            .get(it.item)
            .ok_or_else(|| CompileError::Unresolved {
                what: format!("waste route #{}", it.item),
            })?;
        routes[it.item] =
            Some(b.series(&it.share, format!("waste.routes.{name}"), Bound::Fraction)?);
    }
    let mut route_slots = [0usize; 4];
    for (k, r) in routes.iter().enumerate() {
        route_slots[k] = match r {
            Some(s) => *s,
            None => b.empty(format!("waste.routes.{}", ROUTES[k])),
        };
    }
    let recovery = b.series(&w.recovery, "waste.landfill.recovery", Bound::Fraction)?;
    let incineration_electricity = b.series(
        &w.incineration_electricity,
        "waste.incineration.electricity",
        Bound::Free,
    )?;
    Ok(Some(WasteSection {
        plan: WastePlan {
            generation,
            composition: comp_slots,
            routes: route_slots,
            recovery,
            incineration_electricity,
            fod: FodConstants::of_model(w),
            fossil_c: fossil_carbon_fractions(),
            history: w.history,
            compost_ch4: w.compost_ch4,
            compost_n2o: w.compost_n2o,
        },
        generation_step,
    }))
}

/// Generated waste and the mass of each route, t: `W(y)` into `waste_t`, `W(y) * route(y)`
/// into the route rows of `detail` (rows of [`crate::waste_row`]).
pub(crate) fn route_masses(
    w: &WastePlan,
    arena: &[f64],
    n: usize,
    waste_t: &mut [f64],
    detail: &mut [f64],
) {
    let at = |s: usize, y: usize| arena[s * n + y];
    for y in 0..n {
        let gen = at(w.generation, y);
        waste_t[y] = gen;
        detail[row::LANDFILL * n + y] = gen * at(w.routes[0], y);
        detail[row::RECYCLING * n + y] = gen * at(w.routes[1], y);
        detail[row::COMPOSTING * n + y] = gen * at(w.routes[2], y);
        detail[row::INCINERATION * n + y] = gen * at(w.routes[3], y);
    }
}

/// Landfill CH4 emitted, t (IPCC 2006 Vol. 5 Eq. 3.2–3.6 through [`FodState::step`]):
/// deposits before the base year from `history` (base-year generation, composition and
/// landfill route after measures, `W(y) = W(y0) / (1 + r)^(y0 - y)`), then each year's
/// landfilled mass by type `Wl(y) * comp_j(y)`; `CH4 = Σ_j Dec(j,y) * f * 16/12 *
/// (1 - recovery) * (1 - oxidation)`. Reads the landfill row of `detail`, writes its CH4
/// row.
pub(crate) fn landfill_ch4(
    w: &WastePlan,
    arena: &[f64],
    n: usize,
    base_year: i32,
    detail: &mut [f64],
) {
    let at = |s: usize, y: usize| arena[s * n + y];
    let fod = &w.fod;
    let mut state = FodState::default();
    if let Some((from, r)) = w.history {
        let w0 = at(w.generation, 0) * at(w.routes[0], 0);
        for yr in from..base_year {
            let wy = w0 / (1.0 + r).powi(base_year - yr);
            state.step(fod, |j| wy * at(w.composition[j], 0));
        }
    }
    for y in 0..n {
        let to_landfill = detail[row::LANDFILL * n + y];
        let decomposed = state.step(fod, |j| to_landfill * at(w.composition[j], y));
        detail[row::LANDFILL_CH4 * n + y] = fod.emitted_from_doc(decomposed, at(w.recovery, y));
    }
}

/// Incineration fossil CO2, t (Eq. 5.1): `Wi * Σ_j comp_j * dm_j * CF_j * FCF_j * 44/12`,
/// into the CO2 row of `detail`; and its electricity `Wi * incineration.electricity`, GJ,
/// into `wte_gj`.
pub(crate) fn incineration_co2(
    w: &WastePlan,
    arena: &[f64],
    n: usize,
    detail: &mut [f64],
    wte_gj: &mut [f64],
) {
    let at = |s: usize, y: usize| arena[s * n + y];
    let mut comp = [0.0f64; N_WASTE_TYPES];
    for y in 0..n {
        for (j, cj) in comp.iter_mut().enumerate() {
            *cj = at(w.composition[j], y);
        }
        let incinerated = detail[row::INCINERATION * n + y];
        detail[row::INCINERATION_CO2 * n + y] =
            incineration_fossil_co2(incinerated, fossil_carbon_per_t(&comp, &w.fossil_c));
        wte_gj[y] = incinerated * at(w.incineration_electricity, y);
    }
}

/// Composting CH4 and N2O, t: `Wc * CH4 factor`, `Wc * N2O factor` (t per t of wet waste),
/// into the composting gas rows of `detail`.
pub(crate) fn composting_emissions(w: &WastePlan, n: usize, detail: &mut [f64]) {
    for y in 0..n {
        let composted = detail[row::COMPOSTING * n + y];
        detail[row::COMPOSTING_CH4 * n + y] = composted * w.compost_ch4;
        detail[row::COMPOSTING_N2O * n + y] = composted * w.compost_n2o;
    }
}

/// The waste sector's emissions from the process rows of `detail`: fossil CO2 (incineration),
/// CH4 (landfill + composting) and N2O (composting) added to the gas rows, and their CO2e
/// to the waste row of `sector` (`sector_row`, one row of `n` values).
pub(crate) fn waste_emissions(
    n: usize,
    detail: &[f64],
    gwp: (f64, f64),
    gas: &mut [f64],
    sector_row: &mut [f64],
) {
    for y in 0..n {
        let co2 = detail[row::INCINERATION_CO2 * n + y];
        let ch4 = detail[row::LANDFILL_CH4 * n + y] + detail[row::COMPOSTING_CH4 * n + y];
        let n2o = detail[row::COMPOSTING_N2O * n + y];
        gas[y] += co2;
        gas[n + y] += ch4;
        gas[2 * n + y] += n2o;
        sector_row[y] += co2 + gwp.0 * ch4 + gwp.1 * n2o;
    }
}

/// Runs the waste section: route masses, landfill CH4, incineration CO2 and electricity,
/// composting, then the sector's emissions.
#[allow(clippy::too_many_arguments)]
pub(crate) fn evaluate_waste(
    w: &WastePlan,
    arena: &[f64],
    n: usize,
    base_year: i32,
    gwp: (f64, f64),
    waste_t: &mut [f64],
    detail: &mut [f64],
    wte_gj: &mut [f64],
    gas: &mut [f64],
    sector_row: &mut [f64],
) {
    route_masses(w, arena, n, waste_t, detail);
    landfill_ch4(w, arena, n, base_year, detail);
    incineration_co2(w, arena, n, detail, wte_gj);
    composting_emissions(w, n, detail);
    waste_emissions(n, detail, gwp, gas, sector_row);
}
