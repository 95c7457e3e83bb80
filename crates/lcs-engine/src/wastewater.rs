//! Wastewater treatment and discharge (IPCC 2006 Vol. 5 Ch. 6; an extension of MODEL.md §7,
//! docs/EXTENSIONS.md): CH4 of domestic and industrial wastewater by pathway, and N2O of
//! domestic effluent.
//!
//! The public functions are the only implementation of these equations in lcs; the engine
//! runs them on a model's `wastewater:` section year by year, and other layers (projects,
//! the inventory rebuild) can call them on their own quantities.
//!
//! ```text
//! TOW_dom(y) = P(y) * BOD(y) * I                                   # t BOD   (Eq. 6.3)
//! TOW_ind(y) = P_i(y) * W_i(y) * COD_i(y)                          # t COD   (Eq. 6.6)
//! MCF_w(y)   = Σ_j share_j(y) * MCF_j                              # pathways (Eq. 6.2, 6.5)
//! CH4(y)     = TOW(y) * (1 - sludge(y)) * B0 * MCF_w(y) * (1 - recovery(y))  (Eq. 6.1, 6.4)
//! N_eff(y)   = P(y) * Protein(y) * F_NPR * F_NON-CON * F_IND-COM - N_sludge(y)   (Eq. 6.8)
//! N2O(y)     = N_eff(y) * EF_effluent * 44/28                      # t       (Eq. 6.7)
//! ```
//!
//! `sludge` is the share of the organics removed as sludge (`S / TOW`) and `recovery` the
//! share of the CH4 generated that is recovered (`R / CH4 generated`): both fractions, so a
//! measure can change them year by year. B0 is 0.6 kg CH4/kg BOD (domestic) and 0.25 kg
//! CH4/kg COD (industrial); the MCF of each pathway is in `data/factors/wastewater_pathways.csv`.
//! Units: t of organics, t of gas; population in persons, BOD and protein in t per person
//! per year (converted at load).

use crate::compile::Builder;
use crate::eval::{waste_row, wastewater_row as row, Problem};
use crate::plan::{
    Bound, CompileError, DomesticPlan, IndustryPlan, Step, StreamPlan, WastewaterPlan,
};

/// t N2O per t N2O-N.
pub const N2O_PER_N: f64 = 44.0 / 28.0;

/// Total organics of domestic wastewater, t BOD per year: `TOW = P * BOD * I` with `P` in
/// persons, `BOD` in t per person per year and `I` the correction for industrial BOD
/// co-discharged into sewers (IPCC 2006 Vol. 5 Eq. 6.3).
#[inline]
pub fn domestic_organics(population: f64, bod_t_per_person: f64, correction: f64) -> f64 {
    population * bod_t_per_person * correction
}

/// Total organics of an industry's wastewater, t COD per year: `TOW = P * W * COD` (Eq. 6.6)
/// with `P * W` the wastewater volume and `COD` its COD per unit volume (base units, so
/// that the product is a mass in t).
#[inline]
pub fn industrial_organics(production: f64, wastewater_per_unit: f64, cod_per_volume: f64) -> f64 {
    production * wastewater_per_unit * cod_per_volume
}

/// The methane correction factor of a set of pathways: `Σ_j share_j * MCF_j` (the
/// `Σ U_i T_ij EF_j / B0` of Eq. 6.1 and 6.2).
#[inline]
pub fn weighted_mcf(pathways: impl IntoIterator<Item = (f64, f64)>) -> f64 {
    pathways.into_iter().map(|(share, mcf)| share * mcf).sum()
}

/// CH4 emitted by wastewater, t per year: `TOW * (1 - sludge) * B0 * MCF_w * (1 - recovery)`
/// (Eq. 6.1 and 6.4 with the sludge removed and the CH4 recovered as shares).
#[inline]
pub fn wastewater_ch4(organics_t: f64, sludge: f64, b0: f64, mcf: f64, recovery: f64) -> f64 {
    organics_t * (1.0 - sludge) * b0 * mcf * (1.0 - recovery)
}

/// Nitrogen in domestic effluent, t N per year: `P * Protein * F_NPR * F_NON-CON *
/// F_IND-COM - N_sludge` (Eq. 6.8; `factor` is the product of the three F factors).
#[inline]
pub fn effluent_nitrogen(
    population: f64,
    protein_t_per_person: f64,
    factor: f64,
    sludge_nitrogen_t: f64,
) -> f64 {
    population * protein_t_per_person * factor - sludge_nitrogen_t
}

/// N2O of domestic effluent, t per year: `N_effluent * EF_effluent * 44/28` (Eq. 6.7).
#[inline]
pub fn effluent_n2o(nitrogen_t: f64, ef_effluent: f64) -> f64 {
    nitrogen_t * ef_effluent * N2O_PER_N
}

/// The compiled section and the steps that compute its activities (population, each
/// industry's production), with the index of the industry each step belongs to (`None`:
/// domestic).
pub(crate) struct WastewaterSection {
    pub plan: WastewaterPlan,
    pub activity_steps: Vec<(Option<usize>, Step)>,
}

fn stream(
    b: &mut Builder,
    s: &lcs_model::WastewaterStream,
    prefix: &str,
) -> Result<StreamPlan, CompileError> {
    let mut pathways = Vec::new();
    for p in &s.pathways {
        let name = format!("{prefix}.pathways.{}", p.name);
        // A built-in pathway the model leaves out (share 0, there for measures) is no input
        // of the model: a slot of its own without a place in a file, so that the data-quality
        // table and `lcs explain` list only what the model writes. An override gives it one.
        let untouched = p.implicit
            && matches!(&p.share.def, lcs_model::SeriesDef::Values(v) if v.iter().all(|x| *x == 0.0));
        let slot = if untouched {
            b.slot(&vec![0.0; b.n], name, None)
        } else {
            b.series(&p.share, name, Bound::Fraction)?
        };
        pathways.push((slot, p.mcf));
    }
    Ok(StreamPlan {
        pathways,
        b0: s.b0,
        sludge: b.series(&s.sludge, format!("{prefix}.sludge"), Bound::Fraction)?,
        recovery: b.series(&s.recovery, format!("{prefix}.recovery"), Bound::Fraction)?,
    })
}

/// Compiles the `wastewater:` section, if the model has one.
pub(crate) fn compile_wastewater(
    b: &mut Builder,
) -> Result<Option<WastewaterSection>, CompileError> {
    let Some(ww) = &b.model.wastewater else {
        return Ok(None);
    };
    let mut steps = Vec::new();
    let mut plan = WastewaterPlan::default();
    if let Some(d) = &ww.domestic {
        let p = "wastewater.domestic";
        let population = b.empty(format!("{p}.population"));
        let name = format!("{p}.population");
        let step = crate::demand::absolute_activity(b, population, &d.population, &name)?
            .ok_or_else(|| CompileError::Unresolved {
                what: format!("an absolute activity for `{name}`"),
            })?;
        steps.push((None, step));
        let bod = b.series(&d.bod, format!("{p}.bod"), Bound::NonNegative)?;
        let st = stream(b, &d.stream, p)?;
        let nitrogen = match &d.nitrogen {
            None => None,
            Some(nn) => Some((
                b.series(&nn.protein, format!("{p}.protein"), Bound::NonNegative)?,
                nn.f_npr * nn.f_non_con * nn.f_ind_com,
                nn.ef_effluent,
                b.series(
                    &nn.sludge_nitrogen,
                    format!("{p}.sludge_nitrogen"),
                    Bound::NonNegative,
                )?,
            )),
        };
        plan.domestic = Some(DomesticPlan {
            population,
            bod,
            correction: d.correction,
            stream: st,
            nitrogen,
        });
    }
    for (i, ind) in ww.industrial.iter().enumerate() {
        let p = format!("wastewater.industrial.{}", ind.name);
        let name = format!("{p}.production");
        let production = b.empty(name.clone());
        let step = crate::demand::absolute_activity(b, production, &ind.production, &name)?
            .ok_or_else(|| CompileError::Unresolved {
                what: format!("an absolute activity for `{name}`"),
            })?;
        steps.push((Some(i), step));
        plan.industrial.push(IndustryPlan {
            production,
            wastewater: b.series(
                &ind.wastewater,
                format!("{p}.wastewater"),
                Bound::NonNegative,
            )?,
            cod: b.series(&ind.cod, format!("{p}.cod"), Bound::NonNegative)?,
            stream: stream(b, &ind.stream, &p)?,
        });
    }
    Ok(Some(WastewaterSection {
        plan,
        activity_steps: steps,
    }))
}

/// CH4 of a stream in year `y`, t, from its organics.
#[inline(always)]
fn stream_ch4(s: &StreamPlan, arena: &[f64], n: usize, y: usize, organics_t: f64) -> f64 {
    let at = |slot: usize| arena[slot * n + y];
    let mcf = weighted_mcf(s.pathways.iter().map(|&(slot, mcf)| (at(slot), mcf)));
    wastewater_ch4(organics_t, at(s.sludge), s.b0, mcf, at(s.recovery))
}

/// Runs the section: organics and CH4 of each stream and N2O of domestic effluent into
/// `rows` (rows of [`crate::wastewater_row`]), the totals into the wastewater rows of
/// `detail`, the gases into `gas` and their CO2e into the waste row of the sector view.
/// A negative effluent nitrogen (more nitrogen removed with sludge than the effluent holds)
/// is an error: (what, year index, problem).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn evaluate_wastewater(
    w: &WastewaterPlan,
    arena: &[f64],
    n: usize,
    gwp: (f64, f64),
    rows: &mut [f64],
    detail: &mut [f64],
    gas: &mut [f64],
    sector_row: &mut [f64],
) -> Result<(), (String, usize, Problem)> {
    let row_of = |slot: usize| &arena[slot * n..slot * n + n];
    // Stream by stream over whole rows; each year's totals get the same additions in the
    // same order as a pass year by year would give them (from 0: domestic, then each
    // industry in order).
    let (ch4_t, n2o_t) = {
        let (a, b) = detail.split_at_mut(waste_row::WASTEWATER_N2O * n);
        (
            &mut a[waste_row::WASTEWATER_CH4 * n..waste_row::WASTEWATER_CH4 * n + n],
            &mut b[..n],
        )
    };
    ch4_t.fill(0.0);
    n2o_t.fill(0.0);
    if let Some(d) = &w.domestic {
        let (population, bod) = (row_of(d.population), row_of(d.bod));
        for y in 0..n {
            let tow = domestic_organics(population[y], bod[y], d.correction);
            let c = stream_ch4(&d.stream, arena, n, y, tow);
            rows[row::DOMESTIC_ORGANICS * n + y] = tow;
            rows[row::DOMESTIC_CH4 * n + y] = c;
            ch4_t[y] += c;
        }
        if let Some((protein, factor, ef, sludge_n)) = d.nitrogen {
            let (protein, sludge_n) = (row_of(protein), row_of(sludge_n));
            let n2o_row = &mut rows[row::DOMESTIC_N2O * n..row::DOMESTIC_N2O * n + n];
            for y in 0..n {
                let nitrogen = effluent_nitrogen(population[y], protein[y], factor, sludge_n[y]);
                if nitrogen < 0.0 {
                    return Err((
                        "wastewater.domestic effluent nitrogen".into(),
                        y,
                        Problem::Negative { value: nitrogen },
                    ));
                }
                let e = effluent_n2o(nitrogen, ef);
                n2o_row[y] = e;
                n2o_t[y] += e;
            }
        }
    }
    for (i, ind) in w.industrial.iter().enumerate() {
        let (production, volume, cod) = (
            row_of(ind.production),
            row_of(ind.wastewater),
            row_of(ind.cod),
        );
        for y in 0..n {
            let tow = industrial_organics(production[y], volume[y], cod[y]);
            let c = stream_ch4(&ind.stream, arena, n, y, tow);
            rows[row::industry(i) * n + y] = tow;
            rows[(row::industry(i) + 1) * n + y] = c;
            ch4_t[y] += c;
        }
    }
    let (gas_ch4, gas_n2o) = gas[n..3 * n].split_at_mut(n);
    for y in 0..n {
        let (ch4, n2o) = (ch4_t[y], n2o_t[y]);
        gas_ch4[y] += ch4;
        gas_n2o[y] += n2o;
        sector_row[y] += wastewater_co2e(gwp, ch4, n2o);
    }
    Ok(())
}

/// CO2e of wastewater, t: `GWP_CH4 × CH4 + GWP_N2O × N2O` (no fossil CO2; `gwp` the model's
/// `(GWP_CH4, GWP_N2O)`).
#[inline(always)]
pub(crate) fn wastewater_co2e(gwp: (f64, f64), ch4: f64, n2o: f64) -> f64 {
    gwp.0 * ch4 + gwp.1 * n2o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domestic_wastewater_by_hand() {
        // 100 000 persons × 40 g BOD/person/day = 100 000 × 40e-6 t × 365 = 1 460 t BOD/yr;
        // I = 1.25: TOW = 1 825 t BOD.
        let bod = 40e-6 * 365.0;
        let tow = domestic_organics(100_000.0, bod, 1.25);
        assert!((tow - 1825.0).abs() < 1e-9);
        // Septic tanks 50 % (MCF 0.5), aerobic plants 30 % (0), river discharge 20 % (0.1):
        // MCF = 0.25 + 0 + 0.02 = 0.27; CH4 = 1 825 × 0.6 × 0.27 = 295.65 t.
        let mcf = weighted_mcf([(0.5, 0.5), (0.3, 0.0), (0.2, 0.1)]);
        assert!((mcf - 0.27).abs() < 1e-15);
        assert!((wastewater_ch4(tow, 0.0, 0.6, mcf, 0.0) - 295.65).abs() < 1e-9);
        // Protein 28.835 kg/person/yr: N = 100 000 × 0.028835 × 0.16 × 1.1 × 1.25
        // = 634.37 t N; N2O = 634.37 × 0.005 × 44/28 = 4.984336 t.
        let nitrogen = effluent_nitrogen(100_000.0, 0.028835, 0.16 * 1.1 * 1.25, 0.0);
        assert!((nitrogen - 634.37).abs() < 1e-9);
        assert!((effluent_n2o(nitrogen, 0.005) - 634.37 * 0.005 * 44.0 / 28.0).abs() < 1e-12);
    }

    #[test]
    fn palm_oil_mill_effluent_by_hand() {
        // 1 000 000 t of crude palm oil × 3 m3 of POME per t × 50 kg COD per m3
        // = 150 000 t COD; all to deep anaerobic lagoons (MCF 0.8), B0 0.25:
        // CH4 = 150 000 × 0.25 × 0.8 = 30 000 t; with 30 % recovered: 21 000 t.
        let tow = industrial_organics(1.0e6, 3.0, 0.05);
        assert!((tow - 150_000.0).abs() < 1e-6);
        assert!((wastewater_ch4(tow, 0.0, 0.25, 0.8, 0.0) - 30_000.0).abs() < 1e-6);
        assert!((wastewater_ch4(tow, 0.0, 0.25, 0.8, 0.3) - 21_000.0).abs() < 1e-6);
        // 10 % of the COD removed as sludge first: 150 000 × 0.9 × 0.25 × 0.8 = 27 000 t.
        assert!((wastewater_ch4(tow, 0.1, 0.25, 0.8, 0.0) - 27_000.0).abs() < 1e-6);
    }
}
