//! The methodologies, one function each (docs/PROJECTS.md "Methodologies").
//!
//! Every function returns the [`Flows`] of the project's operating years `start ..
//! start + lifetime`, index `i = y − start`: reference emissions `RE_y` (already multiplied
//! by the conservativeness `c ≤ 1`), project emissions `PE_y`, both in t CO2e per year, and
//! the physical quantities that revenues are paid on. `ER_y = RE_y − PE_y`.
//!
//! Units in: energies in GJ per year, masses in t per year, emission factors in t CO2e per
//! GJ (the grid factor of each operating year, a fuel's combustion factor), GWPs in t CO2e
//! per t of gas. Nothing here converts units or reads files.

use lcs_engine::waste::{
    fossil_carbon_fractions, fossil_carbon_per_t, incineration_fossil_co2, FodConstants, FodState,
    N_WASTE_TYPES,
};
use lcs_model::PvOutput;

/// Which side of `ER = RE − PE` a component belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Reference emissions.
    Reference,
    /// Project emissions.
    Project,
}

/// One named part of the reference or project emissions, t CO2e per operating year.
#[derive(Clone, Debug, PartialEq)]
pub struct Component {
    /// What it is (`landfill CH4 avoided`, `fossil CO2 of incineration`, ...).
    pub name: &'static str,
    /// Reference or project side.
    pub side: Side,
    /// t CO2e per operating year (reference components include the conservativeness).
    pub t_co2e: Vec<f64>,
}

/// The emissions and quantities of a project's operating years.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flows {
    /// `RE_y`, t CO2e per year, conservativeness applied.
    pub reference_t: Vec<f64>,
    /// `PE_y`, t CO2e per year.
    pub project_t: Vec<f64>,
    /// The parts of `RE` and `PE`, which add up to them.
    pub components: Vec<Component>,
    /// Electricity generated or exported, GJ per year (what a tariff is paid on).
    pub electricity_gj: Vec<f64>,
    /// Energy saved, GJ per year (what an energy price is paid on).
    pub energy_saved_gj: Vec<f64>,
    /// Waste treated, t per year (what a gate fee is paid on).
    pub waste_t: Vec<f64>,
    /// Fuel use avoided per year, GJ, by fuel index (negative: fuel used instead).
    pub fuel_saved_gj: Vec<(usize, f64)>,
}

impl Flows {
    fn new(n: usize) -> Self {
        Flows {
            reference_t: vec![0.0; n],
            project_t: vec![0.0; n],
            electricity_gj: vec![0.0; n],
            energy_saved_gj: vec![0.0; n],
            waste_t: vec![0.0; n],
            ..Flows::default()
        }
    }

    fn add(&mut self, name: &'static str, side: Side, t_co2e: Vec<f64>) {
        let total = match side {
            Side::Reference => &mut self.reference_t,
            Side::Project => &mut self.project_t,
        };
        total.iter_mut().zip(&t_co2e).for_each(|(a, b)| *a += b);
        self.components.push(Component { name, side, t_co2e });
    }
}

/// Solar PV (`pv-grid`, `pv-captive`; JCM TH_AM001 and its kin):
///
/// ```text
/// EG_y = P × CF × (1 − d)^(y − start)      (or EG_start × (1 − d)^(y − start))
/// RE_y = c × EG_y × EF_y,   PE_y = 0
/// ```
///
/// `P` in GJ per year at full power (1 MW = 31 536 GJ/yr, so `P × CF` = GJ per year),
/// `EF_y` the grid factor of the year (`pv-grid`) or the captive generator's factor
/// (`pv-captive`), t CO2e per GJ; one factor per operating year.
pub fn pv(output: PvOutput, degradation: f64, ef_t_per_gj: &[f64], conservativeness: f64) -> Flows {
    let n = ef_t_per_gj.len();
    let mut f = Flows::new(n);
    let first = match output {
        PvOutput::Capacity {
            capacity_gj,
            capacity_factor,
        } => capacity_gj * capacity_factor,
        PvOutput::Generation { generation_gj } => generation_gj,
    };
    let mut re = vec![0.0; n];
    for i in 0..n {
        let eg = first * (1.0 - degradation).powi(i as i32);
        f.electricity_gj[i] = eg;
        re[i] = conservativeness * eg * ef_t_per_gj[i];
    }
    f.add("grid or captive electricity displaced", Side::Reference, re);
    f
}

/// More efficient equipment (`efficient-equipment`; JCM ID_AM004, VN_AM003):
///
/// ```text
/// RE_y = c × EC_p × (η_p / η_ref) × EF_y,   PE_y = EC_p × EF_y
/// ```
///
/// `EC_p` the project equipment's consumption (GJ per year), `η` efficiencies, COPs or
/// efficacies (their ratio is what counts), `EF_y` the factor of the energy used: the grid
/// factor for electricity, the fuel's combustion factor otherwise (t CO2e per GJ). The
/// energy saved is `EC_p × (η_p / η_ref − 1)`.
pub fn efficient_equipment(
    consumption_gj: f64,
    efficiency_project: f64,
    efficiency_reference: f64,
    ef_t_per_gj: &[f64],
    conservativeness: f64,
) -> Flows {
    let n = ef_t_per_gj.len();
    let mut f = Flows::new(n);
    let ratio = efficiency_project / efficiency_reference;
    let re: Vec<f64> = ef_t_per_gj
        .iter()
        .map(|ef| conservativeness * consumption_gj * ratio * ef)
        .collect();
    let pe: Vec<f64> = ef_t_per_gj.iter().map(|ef| consumption_gj * ef).collect();
    f.energy_saved_gj = vec![consumption_gj * (ratio - 1.0); n];
    f.add("reference equipment's energy", Side::Reference, re);
    f.add("project equipment's energy", Side::Project, pe);
    f
}

/// A fuel switch (`fuel-switch`), with the useful energy held equal:
///
/// ```text
/// FC_p = FC_ref × η_from / η_to
/// RE_y = c × FC_ref × EF_from,y,   PE_y = FC_p × EF_to,y
/// ```
///
/// `FC` in GJ per year, `EF` t CO2e per GJ of each fuel (the grid factor when the project
/// fuel is electricity), one per operating year. With both efficiencies 1 the energy is
/// held equal: `FC_p = FC_ref`.
#[allow(clippy::too_many_arguments)]
pub fn fuel_switch(
    from: usize,
    to: usize,
    fuel_consumption_gj: f64,
    efficiency_from: f64,
    efficiency_to: f64,
    ef_from: &[f64],
    ef_to: &[f64],
    conservativeness: f64,
) -> Flows {
    let n = ef_from.len();
    let mut f = Flows::new(n);
    let fc_p = fuel_consumption_gj * efficiency_from / efficiency_to;
    let re = ef_from
        .iter()
        .map(|ef| conservativeness * fuel_consumption_gj * ef)
        .collect();
    let pe = ef_to.iter().map(|ef| fc_p * ef).collect();
    f.fuel_saved_gj = vec![(from, fuel_consumption_gj), (to, -fc_p)];
    f.add("reference fuel", Side::Reference, re);
    f.add("project fuel", Side::Project, pe);
    f
}

/// The inputs of [`waste_to_energy`], one value per operating year where a vector.
#[derive(Clone, Debug)]
pub struct WasteToEnergy<'a> {
    /// Waste incinerated, t per year (throughput × availability).
    pub incinerated_t: f64,
    /// Composition of the waste by `WasteType::index`, per operating year.
    pub composition: &'a [[f64; N_WASTE_TYPES]],
    /// Landfill recovery share of the model, per operating year.
    pub recovery: &'a [f64],
    /// The model's landfill first-order decay constants (MCF, k, DOC, DOCf, F, OX).
    pub fod: &'a FodConstants,
    /// Net electricity exported, GJ per t, per operating year.
    pub net_export_gj_per_t: &'a [f64],
    /// Grid factor, t CO2e per GJ, per operating year.
    pub grid_t_per_gj: &'a [f64],
    /// Incineration CH4 and N2O, t per t of wet waste.
    pub ch4_t_per_t: f64,
    /// N2O, t per t.
    pub n2o_t_per_t: f64,
    /// Auxiliary fuel emissions, t CO2e per t of waste burnt.
    pub auxiliary_t_per_t: f64,
    /// GWP of CH4 and N2O (t CO2e per t).
    pub gwp_ch4: f64,
    /// GWP of N2O.
    pub gwp_n2o: f64,
    /// Conservativeness multiplier on `RE`.
    pub conservativeness: f64,
}

/// Waste to energy (`waste-to-energy`): waste that would have been landfilled is burnt and
/// its energy exported.
///
/// ```text
/// Da_j(y) = W × comp_j(y) × DOC_j × DOCf × MCF + Da_j(y−1) × e^(−k_j)   (from y = start)
/// CH4_y   = Σ_j Da_j(y−1) × (1 − e^(−k_j)) × F × 16/12 × (1 − R_y) × (1 − OX)
/// RE_y    = c × (CH4_y × GWP_CH4 + W × e_y × EF_y)
/// PE_y    = W × Σ_j comp_j dm_j CF_j FCF_j × 44/12 + W × (EF_CH4 GWP_CH4 + EF_N2O GWP_N2O)
///           + W × Σ_f a_f EF_f
/// ```
///
/// The landfill CH4 is the model's own first-order decay (MODEL.md §7, the engine's
/// [`FodState::step`] and [`FodConstants::emitted_from_doc`]) run on the diverted deposits
/// only, so it starts at 0 in the first year and grows as diverted waste would have
/// decayed; the fossil CO2 is the engine's [`incineration_fossil_co2`] on the plant's
/// composition. `W` t per year, `e_y` GJ exported per t, `EF_y` grid factor t CO2e/GJ,
/// `EF_CH4`, `EF_N2O` t per t (IPCC 2006 Vol. 5 Tables 5.3, 5.6), `a_f` GJ of auxiliary fuel
/// `f` per t.
pub fn waste_to_energy(w: &WasteToEnergy<'_>) -> Flows {
    let n = w.recovery.len();
    let mut f = Flows::new(n);
    let fractions = fossil_carbon_fractions();
    let mut state = FodState::default();
    let (mut ch4, mut elec, mut fossil, mut stack, mut aux) = (
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
    );
    let t = w.incinerated_t;
    for i in 0..n {
        let comp = &w.composition[i];
        let decomposed = state.step(w.fod, |j| t * comp[j]);
        ch4[i] = w.conservativeness * w.fod.emitted_from_doc(decomposed, w.recovery[i]) * w.gwp_ch4;
        let exported = t * w.net_export_gj_per_t[i];
        f.electricity_gj[i] = exported;
        f.waste_t[i] = t;
        elec[i] = w.conservativeness * exported * w.grid_t_per_gj[i];
        fossil[i] = incineration_fossil_co2(t, fossil_carbon_per_t(comp, &fractions));
        stack[i] = t * (w.ch4_t_per_t * w.gwp_ch4 + w.n2o_t_per_t * w.gwp_n2o);
        aux[i] = t * w.auxiliary_t_per_t;
    }
    f.add("landfill CH4 avoided", Side::Reference, ch4);
    f.add(
        "grid electricity displaced by export",
        Side::Reference,
        elec,
    );
    f.add("fossil CO2 of incineration", Side::Project, fossil);
    f.add("incineration CH4 and N2O", Side::Project, stack);
    f.add("auxiliary fuel", Side::Project, aux);
    f
}

/// The committed landfill CH4 of one tonne of waste of a composition: what the tonne would
/// generate over its whole decay (`Σ_j comp_j × DOC_j × DOCf × MCF × F × 16/12`, the
/// engine's [`FodConstants::committed_ch4_generated_per_t`]) and what would be emitted of it
/// at a recovery share `R` (`× (1 − R) × (1 − OX)`), both t CH4 per t of wet waste.
pub fn committed_ch4_per_t(
    fod: &FodConstants,
    composition: &[f64; N_WASTE_TYPES],
    recovery: f64,
) -> (f64, f64) {
    let generated = fod.committed_ch4_generated_per_t(composition);
    (
        generated,
        generated * (1.0 - recovery) * (1.0 - fod.oxidation),
    )
}

/// The inputs of [`semi_aerobic_landfill`], one value per operating year where a vector.
#[derive(Clone, Debug)]
pub struct SemiAerobicLandfill<'a> {
    /// Waste deposited, t per year.
    pub deposit_t: f64,
    /// Composition per operating year.
    pub composition: &'a [[f64; N_WASTE_TYPES]],
    /// Recovery share per operating year.
    pub recovery: &'a [f64],
    /// Decay constants with the reference MCF (the model's landfill).
    pub fod_reference: &'a FodConstants,
    /// The same with the project MCF (semi-aerobic).
    pub fod_project: &'a FodConstants,
    /// Electricity used by the project, GJ per year.
    pub electricity_gj: f64,
    /// Grid factor per operating year, t CO2e per GJ.
    pub grid_t_per_gj: &'a [f64],
    /// GWP of CH4.
    pub gwp_ch4: f64,
    /// Conservativeness.
    pub conservativeness: f64,
}

/// A semi-aerobic ("Fukuoka method") landfill (`semi-aerobic-landfill`; JCM TN_PM001):
/// the same deposits decay in an anaerobic (reference) and a semi-aerobic (project) site.
///
/// ```text
/// RE_y = c × CH4_y(MCF_ref) × GWP_CH4
/// PE_y = CH4_y(MCF_p) × GWP_CH4 + E × EF_y
/// ```
///
/// `CH4_y(MCF)` is the model's first-order decay of the project's deposits from `start`
/// (as in [`waste_to_energy`]) with that MCF, `E` the project's electricity use (GJ per
/// year), `EF_y` the grid factor (t CO2e per GJ).
pub fn semi_aerobic_landfill(l: &SemiAerobicLandfill<'_>) -> Flows {
    let n = l.recovery.len();
    let mut f = Flows::new(n);
    let (mut sr, mut sp) = (FodState::default(), FodState::default());
    let (mut re, mut pe, mut el) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    for i in 0..n {
        let comp = &l.composition[i];
        let dr = sr.step(l.fod_reference, |j| l.deposit_t * comp[j]);
        let dp = sp.step(l.fod_project, |j| l.deposit_t * comp[j]);
        re[i] =
            l.conservativeness * l.fod_reference.emitted_from_doc(dr, l.recovery[i]) * l.gwp_ch4;
        pe[i] = l.fod_project.emitted_from_doc(dp, l.recovery[i]) * l.gwp_ch4;
        el[i] = l.electricity_gj * l.grid_t_per_gj[i];
        f.waste_t[i] = l.deposit_t;
    }
    f.add("CH4 of an anaerobic landfill", Side::Reference, re);
    f.add("CH4 of the semi-aerobic landfill", Side::Project, pe);
    f.add("electricity used", Side::Project, el);
    f
}
