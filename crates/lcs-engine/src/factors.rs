//! Combustion factors of a model's fuels (MODEL.md §4, §6) in the engine's units.
//!
//! `E(n,f,g,y) = FE(n,f,y) * EF(f,g,cat(n)) * 1e-6` with `FE` in GJ and `EF` in kg per TJ:
//! the factors here are already multiplied out to t of gas per GJ of fuel. The engine's
//! demand and grid-mix equations, the project methodologies and eco-town processing energy
//! all take their factors from [`combustion_factors`], so a fuel burns the same everywhere.

use lcs_factors::Category;
use lcs_model::Model;

/// Emission factors of one fuel in one combustion category, t of gas per GJ of fuel.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GasFactors {
    /// Fossil CO2 (0 for a biogenic fuel).
    pub co2_fossil: f64,
    /// Biogenic CO2 (memo; 0 for a fossil fuel).
    pub co2_biogenic: f64,
    /// CH4.
    pub ch4: f64,
    /// N2O.
    pub n2o: f64,
}

impl GasFactors {
    /// `[fossil CO2, biogenic CO2, CH4, N2O]`, t per GJ.
    pub fn to_array(self) -> [f64; 4] {
        [self.co2_fossil, self.co2_biogenic, self.ch4, self.n2o]
    }

    /// t CO2e per GJ: `CO2 (fossil) + GWP_CH4 * CH4 + GWP_N2O * N2O` (MODEL.md §6, the
    /// engine's one weighting of the three gases).
    pub fn co2e(self, gwp_ch4: f64, gwp_n2o: f64) -> f64 {
        co2e((gwp_ch4, gwp_n2o), self.co2_fossil, self.ch4, self.n2o)
    }
}

/// CO2e of amounts of fossil CO2, CH4 and N2O (t, or t per unit of anything):
/// `CO2e = CO2 + GWP_CH4 * CH4 + GWP_N2O * N2O` (MODEL.md §6), added left to right; `gwp`
/// is the model's `(GWP_CH4, GWP_N2O)`. The one weighting of the three gases that fuel
/// factors, grid mixes, grid emissions and solid waste share, and the eco-town's open
/// burning and composting (`lcs-ecotown`).
#[inline(always)]
pub fn co2e(gwp: (f64, f64), co2: f64, ch4: f64, n2o: f64) -> f64 {
    co2 + gwp.0 * ch4 + gwp.1 * n2o
}

/// The factors of fuel `fuel` (an index into `model.fuels`) burnt in category `category`
/// (`energy` when `None`), t per GJ: the model's fuel table (built-in values with the
/// model's overrides) converted from kg/TJ (`× 1e-6`). Carriers (electricity, heat,
/// hydrogen) have none.
pub fn combustion_factors(model: &Model, fuel: usize, category: Option<Category>) -> GasFactors {
    let f = &model.fuels.fuels()[fuel];
    if f.is_carrier() {
        return GasFactors::default();
    }
    let cat = category.unwrap_or(Category::Energy);
    // kg/TJ → t/GJ: × 1e-3 (t/kg) × 1e-3 (TJ/GJ).
    let co2 = f.co2_kg_per_tj * 1e-6;
    let (co2_fossil, co2_biogenic) = if f.biogenic { (0.0, co2) } else { (co2, 0.0) };
    GasFactors {
        co2_fossil,
        co2_biogenic,
        ch4: f.ch4(cat) * 1e-6,
        n2o: f.n2o(cat) * 1e-6,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn co2e_weights_methane_and_nitrous_oxide() {
        // 1 t CO2 + 28 × 0.5 t CH4 + 265 × 0.01 t N2O = 1 + 14 + 2.65 = 17.65 t CO2e.
        let v = super::co2e((28.0, 265.0), 1.0, 0.5, 0.01);
        assert!((v - 17.65).abs() < 1e-12, "{v}");
    }
}
