//! Waste kernels (MODEL.md §7): first-order decay of landfilled DOC, incineration fossil
//! CO2, composting.
//!
//! These are the only implementations of the §7 equations in lcs. The engine's evaluation
//! calls them year by year; the project layer (waste-to-energy appraisal) and eco-town
//! exchanges call them on their own deposits, so a project's avoided landfill methane is
//! computed by exactly the same arithmetic as the regional inventory.
//!
//! First-order decay, per waste type `j` with `DOC_j > 0` (IPCC 2006 Vol. 5 Eq. 3.2–3.6,
//! six-month delay, so that waste starts to decay on 1 January of the year after it is
//! deposited):
//!
//! ```text
//! Dd(j,y)   = Wl(j,y) * DOC_j * doc_f * mcf          # decomposable DOC deposited
//! Dec(j,y)  = Da(j,y-1) * (1 - exp(-k_j))           # decomposed in year y
//! Da(j,y)   = Dd(j,y) + Da(j,y-1) * exp(-k_j)       # accumulated at the end of year y
//! CH4gen(y) = sum_j Dec(j,y) * f * 16/12
//! CH4(y)    = CH4gen(y) * (1 - recovery(y)) * (1 - oxidation)
//! ```
//!
//! Units: masses in t of wet waste, DOC in t of carbon, CH4 in t.

use lcs_factors::WasteType;

/// Number of waste types (MODEL.md §7 plus `metals` and `glass`).
pub const N_WASTE_TYPES: usize = WasteType::ALL.len();

/// Number of waste routes (MODEL.md §7 plus `anaerobic_digestion`).
pub const N_ROUTES: usize = lcs_factors::N_WASTE_ROUTES;

/// The constants of one landfill's first-order decay, per waste type.
#[derive(Clone, Debug, PartialEq)]
pub struct FodConstants {
    /// `exp(-k_j)`: the share of accumulated DOC that survives a year, per type.
    pub retain: [f64; N_WASTE_TYPES],
    /// `DOC_j * doc_f * mcf`: decomposable DOC (t C) per tonne of wet waste of type `j`
    /// deposited.
    pub ddoc_per_t: [f64; N_WASTE_TYPES],
    /// CH4 fraction of landfill gas `f`.
    pub f: f64,
    /// Oxidation in the cover.
    pub oxidation: f64,
}

impl FodConstants {
    /// Constants from the landfill parameters (`k` per type in 1/yr, fractions otherwise) and
    /// the per-type DOC of MODEL.md §7's table.
    pub fn new(k: &[f64; N_WASTE_TYPES], doc_f: f64, mcf: f64, f: f64, oxidation: f64) -> Self {
        let mut retain = [0.0; N_WASTE_TYPES];
        let mut ddoc_per_t = [0.0; N_WASTE_TYPES];
        for (j, t) in WasteType::ALL.iter().enumerate() {
            retain[j] = (-k[j]).exp();
            ddoc_per_t[j] = t.constants().doc * doc_f * mcf;
        }
        FodConstants {
            retain,
            ddoc_per_t,
            f,
            oxidation,
        }
    }

    /// The constants of a checked model's landfill.
    pub fn of_model(w: &lcs_model::Waste) -> Self {
        Self::new(&w.k, w.doc_f, w.mcf, w.f, w.oxidation)
    }

    /// CH4 generated per tonne of decomposed DOC: `f * 16/12`.
    #[inline(always)]
    pub fn ch4_per_doc(&self) -> f64 {
        self.f * 16.0 / 12.0
    }

    /// CH4 emitted (t) from DOC decomposed in a year (t C):
    /// `Σ_j Dec(j,y) * f * 16/12 * (1 - recovery) * (1 - oxidation)`.
    #[inline(always)]
    pub fn emitted_from_doc(&self, decomposed_doc_t: f64, recovery: f64) -> f64 {
        decomposed_doc_t * self.f * 16.0 / 12.0 * (1.0 - recovery) * (1.0 - self.oxidation)
    }

    /// Committed CH4 generation (t CH4 per t of wet waste of the given composition): what the
    /// deposit generates over its whole decay, `Σ_j comp_j * DOC_j * doc_f * mcf * f * 16/12`
    /// (before recovery and oxidation).
    pub fn committed_ch4_generated_per_t(&self, composition: &[f64; N_WASTE_TYPES]) -> f64 {
        let doc: f64 = composition
            .iter()
            .zip(&self.ddoc_per_t)
            .map(|(c, d)| c * d)
            .sum();
        doc * self.ch4_per_doc()
    }
}

/// The DOC accumulated in a landfill at the end of a year, per type (`Da`, t C).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FodState {
    /// `Da(j, y)`.
    pub accumulated: [f64; N_WASTE_TYPES],
}

impl FodState {
    /// Advances one year: returns the DOC decomposed in this year, `Σ_j Dec(j,y)` (t C),
    /// from what had accumulated by the end of the previous year, then adds this year's
    /// deposits, `deposit_t(j)` = t of wet waste of type `j` landfilled in the year
    /// (`Da(j,y) = Wl(j,y) * DOC_j * doc_f * mcf + Da(j,y-1) * exp(-k_j)`).
    #[inline(always)]
    pub fn step(&mut self, c: &FodConstants, deposit_t: impl Fn(usize) -> f64) -> f64 {
        let mut decomposed = 0.0;
        for j in 0..N_WASTE_TYPES {
            let da = self.accumulated[j];
            decomposed += da * (1.0 - c.retain[j]);
            self.accumulated[j] = deposit_t(j) * c.ddoc_per_t[j] + da * c.retain[j];
        }
        decomposed
    }
}

/// Fossil carbon per tonne of wet waste of each type: `dm_j * CF_j * FCF_j` (t C per t;
/// MODEL.md §7 table).
pub fn fossil_carbon_fractions() -> [f64; N_WASTE_TYPES] {
    let mut out = [0.0; N_WASTE_TYPES];
    for (j, t) in WasteType::ALL.iter().enumerate() {
        let k = t.constants();
        out[j] = k.dm * k.cf * k.fcf;
    }
    out
}

/// Fossil carbon per tonne of wet waste of a composition: `Σ_j comp_j * dm_j * CF_j * FCF_j`
/// (t C per t), summed in type order; `fractions` from [`fossil_carbon_fractions`].
#[inline]
pub fn fossil_carbon_per_t(
    composition: &[f64; N_WASTE_TYPES],
    fractions: &[f64; N_WASTE_TYPES],
) -> f64 {
    let mut c = 0.0;
    for j in 0..N_WASTE_TYPES {
        c += composition[j] * fractions[j];
    }
    c
}

/// Fossil CO2 of incineration (MODEL.md §7, IPCC 2006 Vol. 5 Eq. 5.1), t CO2:
/// `Wi * Σ_j comp_j * dm_j * CF_j * FCF_j * 44/12` with `Wi` the t of wet waste burned and
/// `fossil_c_per_t` from [`fossil_carbon_per_t`].
#[inline]
pub fn incineration_fossil_co2(incinerated_t: f64, fossil_c_per_t: f64) -> f64 {
    incinerated_t * fossil_c_per_t * 44.0 / 12.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_tonne_of_food_decays_as_the_spec_says() {
        // k_food = 0.4, DOC 0.15, doc_f 0.5, mcf 1, f 0.5, oxidation 0.1.
        let mut k = [0.0; N_WASTE_TYPES];
        k[0] = 0.4;
        let c = FodConstants::new(&k, 0.5, 1.0, 0.5, 0.1);
        let mut s = FodState::default();
        // Year 0: 1 t of food deposited; nothing decomposes yet.
        let d0 = s.step(&c, |j| if j == 0 { 1.0 } else { 0.0 });
        assert_eq!(d0, 0.0);
        // Da(0) = 1 * 0.15 * 0.5 * 1 = 0.075 t C.
        assert!((s.accumulated[0] - 0.075).abs() < 1e-15);
        // Year 1: Dec = 0.075 * (1 - e^-0.4) = 0.075 * 0.329680 = 0.0247260 t C.
        let d1 = s.step(&c, |_| 0.0);
        assert!((d1 - 0.075 * (1.0 - (-0.4f64).exp())).abs() < 1e-15);
        // CH4 = 0.0247260 * 0.5 * 16/12 * (1 - 0) * (1 - 0.1) = 0.0148356 t.
        let ch4 = c.emitted_from_doc(d1, 0.0);
        assert!((ch4 - 0.0247260 * 0.5 * 16.0 / 12.0 * 0.9).abs() < 1e-6);
        // Committed: 0.075 * 0.5 * 16/12 = 0.05 t CH4 per t of food.
        let mut comp = [0.0; N_WASTE_TYPES];
        comp[0] = 1.0;
        assert!((c.committed_ch4_generated_per_t(&comp) - 0.05).abs() < 1e-15);
    }

    #[test]
    fn plastics_are_fossil_carbon() {
        // Plastics: dm 1.0, CF 0.75, FCF 1.0 → 0.75 t C = 2.75 t CO2 per t.
        let mut comp = [0.0; N_WASTE_TYPES];
        comp[WasteType::Plastics.index()] = 1.0;
        let c = fossil_carbon_per_t(&comp, &fossil_carbon_fractions());
        assert!((incineration_fossil_co2(1.0, c) - 2.75).abs() < 1e-12);
    }
}
