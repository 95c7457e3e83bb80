//! A project's economics (docs/ECONOMICS.md), through `lcs-econ`.
//!
//! Conventions: the base year of discounting is the first operating year `b = start`; the
//! capex is paid at the start of that year (`t = 0`); the flows of operating year `y`
//! (operating cost, revenues, and the reductions they buy) fall at its end, `t = y − b + 1`.
//!
//! ```text
//! PV(costs)    = capex + Σ_y opex × (1 + r)^−(y−b+1)
//! PV(revenues) = Σ_y rev_y × (1 + r)^−(y−b+1)
//! NPV          = PV(revenues) − PV(costs)                       (subsidy not included)
//! LC           = (PV(costs) − PV(revenues)) / Σ_y ER_y (1 + r)^−(y−b+1)   per t CO2e
//!                (none when the discounted reduction is not positive)
//! annualised   = capex × CRF(r, n)
//! JCM          = subsidy / Σ_y ER_y                               per t CO2e (undiscounted;
//!                none when Σ_y ER_y is not positive)
//! ```
//!
//! Money is in units of the project's currency (MYR, not MYR million) at its price year.

use crate::methodology::Flows;
use lcs_econ::{
    annualised, capital_recovery_factor, levelised, present_value, Basis, EconError, Tables,
};
use lcs_model::Economics;

/// The economic figures of one project, every amount on `basis` in currency units.
#[derive(Clone, Debug, PartialEq)]
pub struct EconomicResult {
    /// Currency and price year.
    pub basis: Basis,
    /// The currency unit the file used (`MYR million`), for display.
    pub unit_text: String,
    /// Its factor to the currency.
    pub unit_factor: f64,
    /// Discount rate per year.
    pub discount_rate: f64,
    /// Initial investment.
    pub capex: f64,
    /// `CRF(r, n)`.
    pub capital_recovery_factor: f64,
    /// `capex × CRF(r, n)`, per year.
    pub annualised_capex: f64,
    /// Present value of capex and operating costs at the start year.
    pub pv_costs: f64,
    /// Present value of revenues.
    pub pv_revenues: f64,
    /// `PV(revenues) − PV(costs)`.
    pub npv: f64,
    /// Discounted reductions, t CO2e.
    pub discounted_reduction_t: f64,
    /// Net cost per t CO2e (negative: the project pays for itself); `None` when the
    /// discounted reduction is not positive (a cost over negative tonnes would read as a
    /// saving).
    pub levelised_cost: Option<f64>,
    /// The subsidy.
    pub subsidy: f64,
    /// Subsidy per t CO2e reduced over the lifetime; `None` without a subsidy or when the
    /// lifetime reduction is not positive.
    pub jcm_cost_effectiveness: Option<f64>,
}

impl EconomicResult {
    /// The same figures on another basis (currency and price year), every amount scaled by
    /// the one conversion factor of `lcs-econ` (docs/ECONOMICS.md), so that a pipeline can be
    /// compared on one basis. The display unit becomes the bare currency.
    pub fn to_basis(&self, tables: &Tables, to: &Basis) -> Result<EconomicResult, EconError> {
        let f = tables.factor(&self.basis, to)?;
        Ok(EconomicResult {
            basis: to.clone(),
            unit_text: to.currency.clone(),
            unit_factor: 1.0,
            capex: self.capex * f,
            annualised_capex: self.annualised_capex * f,
            pv_costs: self.pv_costs * f,
            pv_revenues: self.pv_revenues * f,
            npv: self.npv * f,
            levelised_cost: self.levelised_cost.map(|v| v * f),
            subsidy: self.subsidy * f,
            jcm_cost_effectiveness: self.jcm_cost_effectiveness.map(|v| v * f),
            ..self.clone()
        })
    }
}

/// Revenue of each operating year: electricity × tariff + energy saved × price + waste ×
/// gate fee + Σ fuel saved × fuel price + other revenue, currency units per year.
pub fn revenues(e: &Economics, flows: &Flows) -> Vec<f64> {
    let r = &e.revenue;
    let n = flows.reference_t.len();
    (0..n)
        .map(|i| {
            let mut v = 0.0;
            if let Some(p) = r.electricity_tariff_per_gj {
                v += p * flows.electricity_gj[i];
            }
            if let Some(p) = r.energy_price_per_gj {
                v += p * flows.energy_saved_gj[i];
            }
            if let Some(p) = r.gate_fee_per_t {
                v += p * flows.waste_t[i];
            }
            for (fuel, gj) in &flows.fuel_saved_gj {
                if let Some((_, p)) = r.fuel_prices_per_gj.iter().find(|(f, _)| f == fuel) {
                    v += p * gj;
                }
            }
            if let Some(a) = r.annual {
                v += a;
            }
            v
        })
        .collect()
}

/// The economics of a project that starts in `start`, with `reductions_t` the `ER_y` of its
/// operating years (module docs for the conventions).
pub fn appraise_economics(
    e: &Economics,
    start: i32,
    flows: &Flows,
    reductions_t: &[f64],
) -> EconomicResult {
    let r = e.discount_rate;
    let n = reductions_t.len();
    let rev = revenues(e, flows);
    // Flow of operating year index i (year start + i) falls at its end: t = i + 1.
    let dated = |i: usize| start + i as i32 + 1;
    let opex = (0..n).map(|i| (dated(i), e.opex));
    let pv_costs = e.capex + present_value(r, start, opex);
    let pv_revenues = present_value(
        r,
        start,
        rev.iter().enumerate().map(|(i, v)| (dated(i), *v)),
    );
    let net_costs =
        std::iter::once((start, e.capex)).chain((0..n).map(|i| (dated(i), e.opex - rev[i])));
    let reductions = reductions_t.iter().enumerate().map(|(i, v)| (dated(i), *v));
    // A cost per tonne of a project that reduces nothing, or adds emissions, would read as a
    // saving (a cost over negative tonnes is negative): none then, as for eco-town exchanges.
    let discounted_reduction_t = present_value(r, start, reductions.clone());
    let levelised_cost = if discounted_reduction_t > 0.0 {
        levelised(r, start, net_costs, reductions)
    } else {
        None
    };
    let total: f64 = reductions_t.iter().sum();
    EconomicResult {
        basis: e.basis.clone(),
        unit_text: e.unit_text.clone(),
        unit_factor: e.unit_factor,
        discount_rate: r,
        capex: e.capex,
        capital_recovery_factor: capital_recovery_factor(r, n as f64),
        annualised_capex: annualised(e.capex, r, n as f64),
        pv_costs,
        pv_revenues,
        npv: pv_revenues - pv_costs,
        discounted_reduction_t,
        levelised_cost,
        subsidy: e.subsidy,
        jcm_cost_effectiveness: if e.subsidy > 0.0 && total > 0.0 {
            Some(e.subsidy / total)
        } else {
            None
        },
    }
}
