//! The waste section of a model (MODEL.md §7 and its composition-aware extension,
//! docs/EXTENSIONS.md): generated mass, routes, landfill methane by first-order decay,
//! incineration fossil CO2 and its electricity, composting, anaerobic digestion.
//!
//! The equations are the kernels of [`crate::waste`] (the only implementation of §7); this
//! module compiles a model's `waste:` section into slots and runs the kernels year by year.
//! With mixed routes (MODEL.md §7) a route's share applies to all waste; with
//! composition-aware routes each type `j` has its own route shares `r(j,k,y)`:
//!
//! ```text
//! W(y)        = generation(y)                                   # t, after its measures
//! m(j,k,y)    = W(y) * comp_j(y) * r(k,y)        (mixed)        # t of type j on route k
//!             = W(y) * comp_j(y) * r(j,k,y)      (by type)
//! Wk(y)       = Σ_j m(j,k,y)  (mixed: W(y) * r(k,y))            # t on route k
//! CH4_l(y)    = FOD of the landfilled m(j,landfill,y)          (FodState::step, emitted_from_doc)
//! CO2_i(y)    = Wi(y) * Σ_j c(j,i,y) * dm_j * CF_j * FCF_j * 44/12,   c(j,i) = m(j,i) / Wi
//! WtE(y)      = Wi(y) * incineration.electricity(y)             # GJ, joins L(y) of §5
//! CH4_c, N2O_c = Wc(y) * 4 kg/t, Wc(y) * 0.24 kg/t              # composting (Table 4.1)
//! CH4_ad, N2O_ad = Wad(y) * 0.8 kg/t, Wad(y) * 0 kg/t           # anaerobic digestion
//! biogas(y)   = Wad(y) * anaerobic_digestion.electricity(y)     # GJ, joins L(y) of §5
//! ```
//!
//! Units: t of wet waste, t of gas, GJ. The waste section runs before demand because its
//! electricity joins local generation.

use crate::compile::Builder;
use crate::eval::waste_row as row;
use crate::plan::{Bound, CompileError, Step, WastePlan};
use crate::waste::{
    fossil_carbon_fractions, fossil_carbon_per_t, incineration_fossil_co2, FodConstants, FodState,
    N_ROUTES, N_WASTE_TYPES,
};
use lcs_factors::{WasteRoute, WasteType};
use lcs_model::{Lever, Scenario, Target, ROUTES};

/// The compiled waste section and the step that fills its generation slot.
pub(crate) struct WasteSection {
    pub plan: WastePlan,
    pub generation_step: Step,
}

const LANDFILL: usize = WasteRoute::Landfill as usize;
const INCINERATION: usize = WasteRoute::Incineration as usize;
const AD: usize = WasteRoute::AnaerobicDigestion as usize;

/// Slots for a route map (`items`: route index → share series), an empty slot where a route
/// is absent so that measures can fill it.
fn route_slots(
    b: &mut Builder,
    items: &[lcs_model::ShareItem],
    prefix: &str,
) -> Result<[usize; N_ROUTES], CompileError> {
    let mut slots = [None; N_ROUTES];
    for it in items {
        let name = ROUTES
            .get(it.item)
            .ok_or_else(|| CompileError::Unresolved {
                what: format!("waste route #{}", it.item),
            })?;
        slots[it.item] = Some(b.series(&it.share, format!("{prefix}.{name}"), Bound::Fraction)?);
    }
    let mut out = [0usize; N_ROUTES];
    for (k, s) in slots.iter().enumerate() {
        out[k] = match s {
            Some(s) => *s,
            None => b.empty(format!("{prefix}.{}", ROUTES[k])),
        };
    }
    Ok(out)
}

/// Whether a measure of the scenario can send waste to anaerobic digestion.
fn measure_uses_ad(scenario: &Scenario) -> bool {
    scenario.actions.iter().flat_map(|a| &a.measures).any(|m| {
        matches!(m.target, Target::WasteRoutes | Target::TypeRoutes(_))
            && match &m.lever {
                Lever::Shift { to, .. } => to.contains(&AD),
                Lever::SetMap { value } => value.iter().any(|(k, _)| *k == AD),
                Lever::Divert { to, .. } => *to == AD,
                _ => false,
            }
    })
}

/// Compiles the `waste:` section, if the model has one.
pub(crate) fn compile_waste(
    b: &mut Builder,
    scenario: &Scenario,
) -> Result<Option<WasteSection>, CompileError> {
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
    let routes = if w.by_type {
        let mut routes = [[0usize; N_ROUTES]; N_WASTE_TYPES];
        for (j, t) in WasteType::ALL.iter().enumerate() {
            let items = w
                .type_routes
                .get(j)
                .ok_or_else(|| CompileError::Unresolved {
                    what: format!("the route map of `{}`", t.name()),
                })?;
            routes[j] = route_slots(b, items, &format!("waste.routes.{}", t.name()))?;
        }
        routes
    } else {
        [route_slots(b, &w.routes, "waste.routes")?; N_WASTE_TYPES]
    };
    let recovery = b.series(&w.recovery, "waste.landfill.recovery", Bound::Fraction)?;
    let incineration_electricity = b.series(
        &w.incineration_electricity,
        "waste.incineration.electricity",
        Bound::Free,
    )?;
    let incineration_capture = b.series(
        &w.incineration_capture,
        "waste.incineration.capture",
        Bound::Fraction,
    )?;
    let ad_electricity = b.series(
        &w.ad_electricity,
        "waste.anaerobic_digestion.electricity",
        Bound::Free,
    )?;
    Ok(Some(WasteSection {
        plan: WastePlan {
            generation,
            composition: comp_slots,
            routes,
            by_type: w.by_type,
            accepts: w.accepts,
            recovery,
            incineration_electricity,
            incineration_capture,
            ad_electricity,
            fod: FodConstants::of_model(w),
            fossil_c: fossil_carbon_fractions(),
            history: w.history,
            compost_ch4: w.compost_ch4,
            compost_n2o: w.compost_n2o,
            ad_ch4: w.ad_ch4,
            ad_n2o: w.ad_n2o,
            uses_ad: w.ad_named || measure_uses_ad(scenario),
        },
        generation_step,
    }))
}

/// The route rows of [`crate::waste_row`], in route order.
const ROUTE_ROWS: [usize; N_ROUTES] = [
    row::LANDFILL,
    row::RECYCLING,
    row::COMPOSTING,
    row::INCINERATION,
    row::ANAEROBIC_DIGESTION,
];

/// Per-evaluation rows of the composition-aware waste section (empty with mixed routes),
/// `N_WASTE_TYPES` rows of `n` years each: the generated mass of each type
/// `W(y) * comp_j(y)`, its landfilled mass `m(j, landfill, y)` and its incinerated mass
/// `m(j, incineration, y)`, t. Computed once by [`route_masses`] and read by the landfill
/// and incineration kernels, which would otherwise compute the same products again.
#[derive(Clone, Debug, Default)]
pub(crate) struct TypeRows {
    rows: Vec<f64>,
}

impl TypeRows {
    /// Rows sized for a waste plan over `n` years.
    pub(crate) fn new(w: Option<&WastePlan>, n: usize) -> Self {
        let by_type = w.is_some_and(|w| w.by_type);
        TypeRows {
            rows: vec![0.0; if by_type { 3 * N_WASTE_TYPES * n } else { 0 }],
        }
    }

    fn split(&mut self, n: usize) -> (&mut [f64], &mut [f64], &mut [f64]) {
        let (generated, rest) = self.rows.split_at_mut(N_WASTE_TYPES * n);
        let (landfilled, incinerated) = rest.split_at_mut(N_WASTE_TYPES * n);
        (generated, landfilled, incinerated)
    }

    /// `m(j, landfill, y)` of type `j`.
    fn landfilled(&self, n: usize, j: usize) -> &[f64] {
        let o = N_WASTE_TYPES * n + j * n;
        &self.rows[o..o + n]
    }

    /// `m(j, incineration, y)` of type `j`.
    fn incinerated(&self, n: usize, j: usize) -> &[f64] {
        let o = 2 * N_WASTE_TYPES * n + j * n;
        &self.rows[o..o + n]
    }
}

/// Generated waste and the mass of each route, t: `W(y)` into `waste_t`, `Wk(y)` into the
/// route rows of `detail` (rows of [`crate::waste_row`]). Mixed routes: `Wk = W * r(k)`; by
/// type: `Wk = Σ_j W * comp_j * r(j,k)` (summed in type order, row by row), with the
/// landfilled and incinerated mass of each type kept in `types`.
#[inline(always)]
pub(crate) fn route_masses(
    w: &WastePlan,
    arena: &[f64],
    n: usize,
    waste_t: &mut [f64],
    detail: &mut [f64],
    types: &mut TypeRows,
) {
    let row_of = |s: usize| &arena[s * n..s * n + n];
    waste_t.copy_from_slice(row_of(w.generation));
    // Without anaerobic digestion in the model or a measure, its route stays empty.
    let routes = if w.uses_ad { N_ROUTES } else { AD };
    if w.by_type {
        let (generated, landfilled, incinerated) = types.split(n);
        // W(y) * comp_j(y), then times r(j,k,y): the products `W * comp_j * r(j,k)` in the
        // order they are written.
        for (j, g) in generated.chunks_exact_mut(n).enumerate() {
            let comp = row_of(w.composition[j]);
            for ((g, w), c) in g.iter_mut().zip(waste_t.iter()).zip(comp) {
                *g = w * c;
            }
        }
        for (k, &r) in ROUTE_ROWS.iter().enumerate().take(routes) {
            let dst = &mut detail[r * n..r * n + n];
            dst.fill(0.0);
            let kept = match k {
                LANDFILL => Some(&mut *landfilled),
                INCINERATION => Some(&mut *incinerated),
                _ => None,
            };
            match kept {
                Some(kept) => {
                    let types = generated.chunks_exact(n).zip(kept.chunks_exact_mut(n));
                    for (j, (g, m)) in types.enumerate() {
                        let share = row_of(w.routes[j][k]);
                        for (((d, m), g), s) in dst.iter_mut().zip(m).zip(g).zip(share) {
                            *m = g * s;
                            *d += *m;
                        }
                    }
                }
                None => {
                    for (j, g) in generated.chunks_exact(n).enumerate() {
                        let share = row_of(w.routes[j][k]);
                        for ((d, g), s) in dst.iter_mut().zip(g).zip(share) {
                            *d += g * s;
                        }
                    }
                }
            }
        }
    } else {
        for (k, &r) in ROUTE_ROWS.iter().enumerate().take(routes) {
            let dst = &mut detail[r * n..r * n + n];
            let share = row_of(w.routes[0][k]);
            for ((d, g), s) in dst.iter_mut().zip(waste_t.iter()).zip(share) {
                *d = g * s;
            }
        }
    }
}

/// Landfill CH4 emitted, t (IPCC 2006 Vol. 5 Eq. 3.2–3.6 through [`FodState::step`]):
/// deposits before the base year from `history` (base-year generation, composition and
/// landfill routes after measures, `W(y) = W(y0) / (1 + r)^(y0 - y)`), then each year's
/// landfilled mass of each type `m(j, landfill, y)`; `CH4 = Σ_j Dec(j,y) * f * 16/12 *
/// (1 - recovery) * (1 - oxidation)`. Reads the landfill row of `detail` (mixed routes),
/// writes its CH4 row.
#[inline(always)]
pub(crate) fn landfill_ch4(
    w: &WastePlan,
    arena: &[f64],
    n: usize,
    base_year: i32,
    detail: &mut [f64],
    history: &mut HistoryCache,
    types: &TypeRows,
) {
    let at = |s: usize, y: usize| arena[s * n + y];
    let fod = &w.fod;
    let mut state = history.state(w, arena, n, base_year);
    let landfill = &mut detail[..];
    if w.by_type {
        for y in 0..n {
            // `W * comp_j * r(j, landfill)`, kept by `route_masses`.
            let decomposed = state.step(fod, |j| types.landfilled(n, j)[y]);
            landfill[row::LANDFILL_CH4 * n + y] =
                fod.emitted_from_doc(decomposed, at(w.recovery, y));
        }
    } else {
        for y in 0..n {
            let to_landfill = landfill[row::LANDFILL * n + y];
            let decomposed = state.step(fod, |j| to_landfill * at(w.composition[j], y));
            landfill[row::LANDFILL_CH4 * n + y] =
                fod.emitted_from_doc(decomposed, at(w.recovery, y));
        }
    }
}

/// The landfill's state at the start of the base year from its history (deposits before
/// the base year, `landfill_ch4`), kept between evaluations: it depends only on the
/// base-year generation, composition and landfill routes, which most measures leave alone
/// (their weight is 0 in the base year), so an evaluation whose base-year values are the
/// same, bit for bit, reuses the state instead of decaying 15 or more years of history
/// again.
#[derive(Clone, Debug)]
pub(crate) struct HistoryCache {
    /// The history and base-year inputs (bits) and the state they gave.
    key: [u64; HISTORY_KEY],
    state: FodState,
    valid: bool,
}

/// Length of the key of [`HistoryCache`]: the history's start and growth, base-year
/// generation, and per type its composition and landfill share.
const HISTORY_KEY: usize = 3 + 2 * N_WASTE_TYPES;

impl Default for HistoryCache {
    fn default() -> Self {
        HistoryCache {
            key: [0; HISTORY_KEY],
            state: FodState::default(),
            valid: false,
        }
    }
}

impl HistoryCache {
    /// The state after the history deposits (the empty state without history).
    fn state(&mut self, w: &WastePlan, arena: &[f64], n: usize, base_year: i32) -> FodState {
        let Some((from, r)) = w.history else {
            return FodState::default();
        };
        let at = |s: usize| arena[s * n];
        let mut now = [0u64; HISTORY_KEY];
        now[0] = from as u64;
        now[1] = r.to_bits();
        now[2] = at(w.generation).to_bits();
        for j in 0..N_WASTE_TYPES {
            now[3 + 2 * j] = at(w.composition[j]).to_bits();
            now[4 + 2 * j] = at(w.routes[j][LANDFILL]).to_bits();
        }
        if self.valid && now == self.key {
            return self.state;
        }
        let fod = &w.fod;
        let mut state = FodState::default();
        if w.by_type {
            let gen0 = at(w.generation);
            for yr in from..base_year {
                let g = (1.0 + r).powi(base_year - yr);
                state.step(fod, |j| {
                    gen0 * at(w.composition[j]) * at(w.routes[j][LANDFILL]) / g
                });
            }
        } else {
            let w0 = at(w.generation) * at(w.routes[0][LANDFILL]);
            for yr in from..base_year {
                let wy = w0 / (1.0 + r).powi(base_year - yr);
                state.step(fod, |j| wy * at(w.composition[j]));
            }
        }
        self.key = now;
        self.state = state;
        self.valid = true;
        state
    }
}

/// Incineration fossil CO2, t (Eq. 5.1): `Wi * Σ_j c(j,i) * dm_j * CF_j * FCF_j * 44/12`
/// with `c(j,i)` the composition of the waste burned (the generated composition for mixed
/// routes), times `(1 - capture)` (the share captured at the stack, an extension; 0 by
/// default), into the CO2 row of `detail`; and its electricity
/// `Wi * incineration.electricity`, GJ, into `wte_gj`.
#[inline(always)]
pub(crate) fn incineration_co2(
    w: &WastePlan,
    arena: &[f64],
    n: usize,
    detail: &mut [f64],
    wte_gj: &mut [f64],
    types: &TypeRows,
) {
    let at = |s: usize, y: usize| arena[s * n + y];
    let mut comp = [0.0f64; N_WASTE_TYPES];
    for y in 0..n {
        let incinerated = detail[row::INCINERATION * n + y];
        if w.by_type {
            for (j, cj) in comp.iter_mut().enumerate() {
                // `W * comp_j * r(j, incineration)`, kept by `route_masses`.
                let m = types.incinerated(n, j)[y];
                *cj = if incinerated > 0.0 {
                    m / incinerated
                } else {
                    0.0
                };
            }
        } else {
            for (j, cj) in comp.iter_mut().enumerate() {
                *cj = at(w.composition[j], y);
            }
        }
        let co2 = incineration_fossil_co2(incinerated, fossil_carbon_per_t(&comp, &w.fossil_c));
        let captured = at(w.incineration_capture, y);
        detail[row::INCINERATION_CO2 * n + y] = co2 * (1.0 - captured);
        wte_gj[y] = incinerated * at(w.incineration_electricity, y);
    }
}

/// Biological treatment, t: composting `Wc * CH4 factor`, `Wc * N2O factor`, and anaerobic
/// digestion `Wad * CH4 factor`, `Wad * N2O factor` (t per t of wet waste), into the gas rows
/// of `detail`; biogas electricity `Wad * anaerobic_digestion.electricity`, GJ, into
/// `biogas_gj`.
#[inline(always)]
pub(crate) fn biological_treatment(
    w: &WastePlan,
    arena: &[f64],
    n: usize,
    detail: &mut [f64],
    biogas_gj: &mut [f64],
) {
    for y in 0..n {
        let composted = detail[row::COMPOSTING * n + y];
        detail[row::COMPOSTING_CH4 * n + y] = composted * w.compost_ch4;
        detail[row::COMPOSTING_N2O * n + y] = composted * w.compost_n2o;
    }
    // Without anaerobic digestion in the model or a measure, its rows stay 0.
    if w.uses_ad {
        for y in 0..n {
            let digested = detail[row::ANAEROBIC_DIGESTION * n + y];
            detail[row::AD_CH4 * n + y] = digested * w.ad_ch4;
            detail[row::AD_N2O * n + y] = digested * w.ad_n2o;
            biogas_gj[y] = digested * arena[w.ad_electricity * n + y];
        }
    }
}

/// The solid waste emissions from the process rows of `detail`: fossil CO2 (incineration),
/// CH4 (landfill + composting + anaerobic digestion) and N2O (composting + anaerobic
/// digestion) added to the gas rows, and their CO2e to the waste row of `sector`
/// (`sector_row`, one row of `n` values).
#[inline(always)]
pub(crate) fn waste_emissions(
    n: usize,
    detail: &[f64],
    gwp: (f64, f64),
    gas: &mut [f64],
    sector_row: &mut [f64],
) {
    for y in 0..n {
        let (co2, ch4, n2o) = solid_waste_gases(n, detail, y);
        gas[y] += co2;
        gas[n + y] += ch4;
        gas[2 * n + y] += n2o;
        sector_row[y] += crate::factors::co2e(gwp, co2, ch4, n2o);
    }
}

/// The gases of solid waste in year index `y` from the process rows of `detail`, t:
/// `(CO2, CH4, N2O)` = (incineration fossil CO2, landfill + composting + anaerobic
/// digestion CH4, composting + anaerobic digestion N2O), added in that order.
#[inline(always)]
pub(crate) fn solid_waste_gases(n: usize, detail: &[f64], y: usize) -> (f64, f64, f64) {
    let co2 = detail[row::INCINERATION_CO2 * n + y];
    let ch4 = detail[row::LANDFILL_CH4 * n + y]
        + detail[row::COMPOSTING_CH4 * n + y]
        + detail[row::AD_CH4 * n + y];
    let n2o = detail[row::COMPOSTING_N2O * n + y] + detail[row::AD_N2O * n + y];
    (co2, ch4, n2o)
}

/// Runs the waste section: route masses, landfill CH4, incineration CO2 and electricity,
/// biological treatment, then the sector's emissions.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn evaluate_waste(
    w: &WastePlan,
    arena: &[f64],
    n: usize,
    base_year: i32,
    history: &mut HistoryCache,
    types: &mut TypeRows,
    gwp: (f64, f64),
    waste_t: &mut [f64],
    detail: &mut [f64],
    wte_gj: &mut [f64],
    biogas_gj: &mut [f64],
    gas: &mut [f64],
    sector_row: &mut [f64],
) {
    route_masses(w, arena, n, waste_t, detail, types);
    landfill_ch4(w, arena, n, base_year, detail, history, types);
    incineration_co2(w, arena, n, detail, wte_gj, types);
    biological_treatment(w, arena, n, detail, biogas_gj);
    waste_emissions(n, detail, gwp, gas, sector_row);
}

/// The route maps a `divert` to route `to` acts on: mixed routes, the one map; by type, the
/// map of every type that `to` accepts (and `types` names, when given).
#[inline(always)]
pub(crate) fn divert_maps(
    w: &WastePlan,
    to: usize,
    types: Option<&[usize]>,
) -> Vec<crate::plan::DivertMap> {
    if !w.by_type {
        return vec![crate::plan::DivertMap {
            items: w.routes[0].to_vec(),
            composition: None,
        }];
    }
    // Each type has its own route slots (`route_slots`), so the maps are disjoint, which
    // `measures::divert` relies on.
    debug_assert!((0..N_WASTE_TYPES)
        .all(|j| (0..j).all(|i| w.routes[i].iter().all(|s| !w.routes[j].contains(s)))));
    (0..N_WASTE_TYPES)
        .filter(|&j| w.accepts[to][j] && types.is_none_or(|t| t.contains(&j)))
        .map(|j| crate::plan::DivertMap {
            items: w.routes[j].to_vec(),
            composition: Some(w.composition[j]),
        })
        .collect()
}

/// The mass of each waste type on each route in each year of the last evaluation, t
/// (`mass_t[type][route][year]`; types in `WasteType::ALL` order, routes in
/// `lcs_model::ROUTES` order): `W(y) * comp_j(y) * r(j,k,y)` (mixed routes: `r(k,y)`).
#[derive(Clone, Debug, PartialEq)]
pub struct WasteFlows {
    /// `mass_t[type][route][year]`, t per year.
    pub mass_t: Vec<Vec<Vec<f64>>>,
}

/// The waste flows of the last evaluation, by type and route; `None` without a `waste:`
/// section.
pub fn waste_flows(c: &crate::Compiled, ws: &crate::Workspace) -> Option<WasteFlows> {
    let w = c.waste.as_ref()?;
    let n = c.n_years;
    let at = |s: usize, y: usize| ws.arena[s * n + y];
    let mass_t = (0..N_WASTE_TYPES)
        .map(|j| {
            (0..N_ROUTES)
                .map(|k| {
                    let r = if w.by_type {
                        w.routes[j][k]
                    } else {
                        w.routes[0][k]
                    };
                    (0..n)
                        .map(|y| at(w.generation, y) * at(w.composition[j], y) * at(r, y))
                        .collect()
                })
                .collect()
        })
        .collect();
    Some(WasteFlows { mass_t })
}
