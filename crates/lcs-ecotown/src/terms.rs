//! The terms of an exchange's avoided emissions, one function each (docs/ECOTOWN.md).
//!
//! The accounting follows Eckelman & Chertow (2013, Int J LCA 18: 1524): an exchange is
//! credited with the virgin production it avoids and the treatment or disposal of the
//! by-product it avoids, and charged with the by-product's pre-processing and transport;
//! Kitakyushu's Eco-Town counts "recycling credit − emissions of processing" the same way.
//!
//! ```text
//! net_avoided(y) = avoided_virgin(y) + avoided_disposal(y) − processing(y) − transport(y)
//! ```
//!
//! Units: masses in t per year, energy in GJ, distances in m, emissions in t CO2e per year.
//! The landfill, incineration and composting arithmetic is the engine's own
//! ([`lcs_engine::waste`]), so an avoided tonne counts exactly as it would in the regional
//! inventory.

use lcs_engine::waste::{
    fossil_carbon_fractions, fossil_carbon_per_t, incineration_fossil_co2, FodConstants, FodState,
    N_WASTE_TYPES,
};
use lcs_factors::WasteType;

/// Avoided virgin production (t CO2e): `m × s × EF`, with `m` the by-product exchanged (t),
/// `s` the amount of virgin material replaced per t (t/t, or GJ/t for a fuel) and `EF` its
/// cradle-to-gate factor (t CO2e per t, or per GJ). Source: Eckelman & Chertow (2013),
/// "avoided production and reduced use of virgin materials".
pub fn avoided_virgin(mass_t: f64, ratio: f64, ef_t_co2e: f64) -> f64 {
    mass_t * ratio * ef_t_co2e
}

/// Landfill CH4 avoided in each year (t CH4) by diverting `deposits_t[y]` t of a by-product
/// of composition `composition` from the region's landfill: the first-order decay of
/// MODEL.md §7 run on the diverted deposits alone (IPCC 2006 Vol. 5 Eq. 3.1–3.6, through
/// [`FodState::step`] and [`FodConstants::emitted_from_doc`]):
///
/// ```text
/// Dd(j,y) = m(y) · comp_j · DOC_j · doc_f · mcf,   Dec(j,y) = Da(j,y−1) (1 − e^−k_j)
/// CH4(y)  = Σ_j Dec(j,y) · f · 16/12 · (1 − recovery(y)) · (1 − oxidation)
/// ```
///
/// A deposit starts to decay in the year after it would have been landfilled, so the
/// avoided methane is 0 in the first year and grows as avoided deposits accumulate; an
/// inert by-product (DOC 0: slag, ash) avoids none.
pub fn landfill_ch4_avoided(
    fod: &FodConstants,
    composition: &[f64; N_WASTE_TYPES],
    deposits_t: &[f64],
    recovery: &[f64],
) -> Vec<f64> {
    let mut state = FodState::default();
    deposits_t
        .iter()
        .zip(recovery)
        .map(|(m, r)| {
            let decomposed = state.step(fod, |j| m * composition[j]);
            fod.emitted_from_doc(decomposed, *r)
        })
        .collect()
}

/// Landfill CH4 committed by one year's deposit over its whole decay (t CH4): what the
/// `mass_t` t of composition `composition` would emit if landfilled in a year of the given
/// `recovery`, `m · Σ_j comp_j DOC_j doc_f mcf · f · 16/12 · (1 − recovery) · (1 − oxidation)`
/// ([`FodConstants::committed_ch4_generated_per_t`], IPCC 2006 Vol. 5 Eq. 3.2 and 3.6 summed
/// over all later years).
pub fn committed_landfill_ch4(
    fod: &FodConstants,
    composition: &[f64; N_WASTE_TYPES],
    mass_t: f64,
    recovery: f64,
) -> f64 {
    mass_t
        * fod.committed_ch4_generated_per_t(composition)
        * (1.0 - recovery)
        * (1.0 - fod.oxidation)
}

/// Fossil CO2 of burning `mass_t` t of a by-product of composition `composition` (t CO2),
/// MODEL.md §7 and IPCC 2006 Vol. 5 Eq. 5.1: `m · Σ_j comp_j dm_j CF_j FCF_j · OF · 44/12`,
/// through [`incineration_fossil_co2`]; `oxidation` is 1 in an incinerator.
pub fn fossil_co2_burnt(mass_t: f64, composition: &[f64; N_WASTE_TYPES], oxidation: f64) -> f64 {
    let c = fossil_carbon_per_t(composition, &fossil_carbon_fractions());
    incineration_fossil_co2(mass_t, c * oxidation)
}

/// Avoided incineration (t CO2e): the fossil CO2 the incinerator would have emitted, less
/// the grid emissions of the electricity its waste-to-energy plant would have generated,
/// `m · Σ_j comp_j dm_j CF_j FCF_j · 44/12 − m · e_WtE / 3.6 · EF_grid` (MODEL.md §7;
/// `e_WtE` the region's net electricity per t incinerated in GJ/t, `EF_grid` t CO2e/MWh).
pub fn incineration_avoided(
    mass_t: f64,
    composition: &[f64; N_WASTE_TYPES],
    wte_gj_per_t: f64,
    grid_t_per_mwh: f64,
) -> f64 {
    fossil_co2_burnt(mass_t, composition, 1.0) - mass_t * wte_gj_per_t / 3.6 * grid_t_per_mwh
}

/// Avoided open burning (t CO2e), IPCC 2006 Vol. 5 Ch. 5: fossil CO2 at the open-burning
/// oxidation factor `OF`, plus CH4 per t of wet waste and N2O per t of dry matter:
/// `m · Σ_j comp_j dm_j CF_j FCF_j · OF · 44/12 + GWP_CH4 · m · EF_CH4 + GWP_N2O · m · Σ_j comp_j dm_j · EF_N2O`.
pub fn open_burning_avoided(
    mass_t: f64,
    composition: &[f64; N_WASTE_TYPES],
    ob: &crate::tables::OpenBurning,
    gwp_ch4: f64,
    gwp_n2o: f64,
) -> f64 {
    let dry: f64 = WasteType::ALL
        .iter()
        .map(|t| composition[t.index()] * t.constants().dm)
        .sum();
    lcs_engine::factors::co2e(
        (gwp_ch4, gwp_n2o),
        fossil_co2_burnt(mass_t, composition, ob.oxidation),
        mass_t * ob.ch4_t_per_t,
        mass_t * dry * ob.n2o_t_per_t_dry,
    )
}

/// Processing energy emissions (t CO2e): `m · Σ_f e_f · EF_f`, with `e_f` the energy of
/// fuel `f` per t of by-product (GJ/t) and `EF_f` its factor in t CO2e per GJ: the region's
/// combustion factors for a fuel ([`lcs_engine::combustion_factors`], manufacturing
/// category), the grid factor of the year divided by 3.6 for electricity
/// ([`lcs_engine::grid_factor_co2e`]).
pub fn processing_energy(mass_t: f64, energy: &[(f64, f64)]) -> f64 {
    mass_t * energy.iter().map(|(e, f)| e * f).sum::<f64>()
}

/// Composting at the receiver (t CO2e): `m · (GWP_CH4 · EF_CH4 + GWP_N2O · EF_N2O)` with the
/// region's composting factors in t per t of wet waste (MODEL.md §7, IPCC 2006 Vol. 5
/// Table 4.1).
pub fn composting(
    mass_t: f64,
    ch4_t_per_t: f64,
    n2o_t_per_t: f64,
    gwp_ch4: f64,
    gwp_n2o: f64,
) -> f64 {
    mass_t * lcs_engine::factors::co2e((gwp_ch4, gwp_n2o), 0.0, ch4_t_per_t, n2o_t_per_t)
}

/// Transport (t CO2e): `m · d · EF_mode`, with `d` the one-way distance in km and `EF_mode`
/// in t CO2e per t·km (`data/factors/transport_modes.csv`).
pub fn transport(mass_t: f64, distance_m: f64, ef_t_co2e_per_tkm: f64) -> f64 {
    mass_t * distance_m / 1000.0 * ef_t_co2e_per_tkm
}

/// Net avoided emissions (t CO2e): `avoided_virgin + avoided_disposal − processing − transport`.
pub fn net_avoided(
    avoided_virgin: f64,
    avoided_disposal: f64,
    processing: f64,
    transport: f64,
) -> f64 {
    avoided_virgin + avoided_disposal - processing - transport
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_hot(t: WasteType) -> [f64; N_WASTE_TYPES] {
        let mut c = [0.0; N_WASTE_TYPES];
        c[t.index()] = 1.0;
        c
    }

    #[test]
    fn avoided_virgin_by_hand() {
        // 40 000 t of slag × 0.9 t clinker/t × 0.85 t CO2e/t = 30 600 t CO2e.
        assert!((avoided_virgin(40_000.0, 0.9, 0.85) - 30_600.0).abs() < 1e-9);
    }

    #[test]
    fn landfill_ch4_by_hand() {
        // Food: DOC 0.15, k 0.4; doc_f 0.5, mcf 1, f 0.5, oxidation 0.1.
        let mut k = [0.0; N_WASTE_TYPES];
        k[0] = 0.4;
        let fod = FodConstants::new(&k, 0.5, 1.0, 0.5, 0.1);
        let food = one_hot(WasteType::Food);
        // 1000 t diverted in year 0 and 1000 t in year 1, no recovery.
        let ch4 = landfill_ch4_avoided(&fod, &food, &[1000.0, 1000.0, 0.0], &[0.0; 3]);
        // Year 0: nothing decays yet.
        assert_eq!(ch4[0], 0.0);
        // Year 1: Da(0) = 1000 × 0.15 × 0.5 = 75 t C; Dec = 75 × (1 − e^−0.4) = 24.726 t C;
        // CH4 = 24.726 × 0.5 × 16/12 × 0.9 = 14.836 t.
        let e = 1.0 - (-0.4f64).exp();
        assert!((ch4[1] - 75.0 * e * 0.5 * 16.0 / 12.0 * 0.9).abs() < 1e-9);
        // Year 2: Da(1) = 75 e^−0.4 + 75; Dec = Da(1) × (1 − e^−0.4): larger than year 1.
        let da1 = 75.0 * (-0.4f64).exp() + 75.0;
        assert!((ch4[2] - da1 * e * 0.5 * 16.0 / 12.0 * 0.9).abs() < 1e-9);
        assert!(ch4[2] > ch4[1]);
        // Committed: 1000 × 0.15 × 0.5 × 0.5 × 16/12 × 0.9 = 45 t CH4.
        assert!((committed_landfill_ch4(&fod, &food, 1000.0, 0.0) - 45.0).abs() < 1e-9);
        // Inert: no methane ever.
        let inert = one_hot(WasteType::Inert);
        assert!(landfill_ch4_avoided(&fod, &inert, &[1000.0; 5], &[0.0; 5])
            .iter()
            .all(|x| *x == 0.0));
        assert_eq!(committed_landfill_ch4(&fod, &inert, 1000.0, 0.0), 0.0);
    }

    #[test]
    fn incineration_and_open_burning_by_hand() {
        let plastics = one_hot(WasteType::Plastics);
        // 100 t of plastics: 100 × 1.0 × 0.75 × 1.0 × 44/12 = 275 t CO2; a WtE plant making
        // 1.8 GJ/t = 0.5 MWh/t at 0.7 t/MWh would have displaced 100 × 0.5 × 0.7 = 35 t.
        assert!((incineration_avoided(100.0, &plastics, 1.8, 0.7) - 240.0).abs() < 1e-9);
        // Open burning: 275 × 0.58 = 159.5 t CO2, + 28 × 100 × 0.0065 = 18.2 t,
        // + 265 × 100 × 1.0 × 0.00015 = 3.975 t: 181.675 t CO2e.
        let ob = crate::tables::OpenBurning {
            oxidation: 0.58,
            ch4_t_per_t: 0.0065,
            n2o_t_per_t_dry: 0.00015,
        };
        assert!((open_burning_avoided(100.0, &plastics, &ob, 28.0, 265.0) - 181.675).abs() < 1e-9);
        // Food is biogenic: no fossil CO2.
        assert_eq!(fossil_co2_burnt(100.0, &one_hot(WasteType::Food), 1.0), 0.0);
    }

    #[test]
    fn processing_transport_and_net_by_hand() {
        // 25 kWh/t = 0.09 GJ/t of electricity at 0.652 t/MWh = 0.18111 t/GJ, and 0.2 GJ/t
        // of diesel at 0.0742 t/GJ, on 1000 t: 1000 × (0.09 × 0.652/3.6 + 0.2 × 0.0742)
        // = 1000 × (0.0163 + 0.01484) = 31.14 t CO2e.
        let p = processing_energy(1000.0, &[(0.09, 0.652 / 3.6), (0.2, 0.0742)]);
        assert!((p - 31.14).abs() < 1e-9);
        // 1000 t over 18 km by truck at 9.03e-5 t/tkm: 18 000 tkm × 9.03e-5 = 1.6254 t.
        assert!((transport(1000.0, 18_000.0, 0.0000903) - 1.6254).abs() < 1e-12);
        // Composting 1000 t at 4 kg CH4 and 0.24 kg N2O per t, AR5: 1000 × (28 × 0.004 +
        // 265 × 0.00024) = 112 + 63.6 = 175.6 t CO2e.
        assert!((composting(1000.0, 0.004, 0.00024, 28.0, 265.0) - 175.6).abs() < 1e-9);
        assert_eq!(net_avoided(100.0, 20.0, 30.0, 5.0), 85.0);
    }
}
