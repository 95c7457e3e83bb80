//! Per-leaf breakdown of an evaluation: the factors behind every term of the sector view,
//! read from a finished [`Workspace`] (MODEL.md §4, §5, §7, §8, §10). Read-only: nothing
//! here changes or re-runs the evaluation.
//!
//! The sector view of §10 is a sum of terms, each a product of factors:
//!
//! ```text
//! demand leaf n, fuel f:  C(n,f) = A(top(n)) × S(n) × I(n) × M(n,f) × F(n,f)
//!                         S(n) = A(n) / A(top(n))         (structure: the leaf's share of its sector's activity)
//!                         I(n)   intensity, GJ per unit of A(n)
//!                         M(n,f) fuel share of the leaf's final energy
//!                         F(n,f) t CO2e per GJ: the fuel's direct factor, or for electricity
//!                                e = EE / D, the grid emissions per GJ of electricity demand
//! waste:                  C = W × (C_waste / W)            (generated t × t CO2e per t generated;
//!                                                            C_waste includes wastewater)
//! source s:               C(s) = A(s) × Σ_g GWP_g × factor(s,g)
//! bank or land class s:   C(s) = A(s) × (C(s) / A(s))       (A the bank's stock; a land class,
//!                                                            a stock change, on A = 1)
//! ```
//!
//! so that `Σ C = Emissions|CO2e` of the run, up to rounding. The quantities are in base
//! units (activities in the base unit of their dimension, energy in GJ, mass in t); a
//! `Dimension` travels with each activity so that callers can compare two runs.
//!
//! Feeds: `lcs-decompose` (LMDI decomposition between two runs). Relies on: the evaluation
//! having filled the workspace (`evaluate`, `run_all`, `run_reference`).

use crate::eval::Workspace;
use crate::plan::Compiled;
use lcs_model::{Activity, Scenario};
use lcs_units::Dimension;

/// The per-term factors of one evaluation, over every model year.
#[derive(Clone, Debug)]
pub struct Breakdown {
    /// Scenario id.
    pub scenario: String,
    /// Region id.
    pub region: String,
    /// The model years.
    pub years: Vec<i32>,
    /// Demand leaves, in model order.
    pub leaves: Vec<LeafBreakdown>,
    /// Grid emissions per GJ of electricity demand at the point of use, t CO2e/GJ
    /// (`EE(y) / (3.6 × D(y))` in MWh terms): the factor that allocates grid emissions to the
    /// sectors (MODEL.md §5). In a year with no demand, its limit as demand tends to 0: the
    /// grid factor over `1 − losses` without local generation, 0 with it.
    pub electricity_co2e_t_per_gj: Vec<f64>,
    /// The waste section, if the model has one.
    pub waste: Option<WasteBreakdown>,
    /// Other sources, in model order.
    pub sources: Vec<SourceBreakdown>,
    /// Total emissions of the run, t CO2e per year (the engine's sum of the sector view).
    pub total_co2e_t: Vec<f64>,
}

/// One demand leaf.
#[derive(Clone, Debug)]
pub struct LeafBreakdown {
    /// The leaf's path, e.g. `passenger/car/ice`.
    pub path: String,
    /// Its top-level node (the sector of the consumption view).
    pub sector: String,
    /// Activity of the top-level node, base units per year.
    pub sector_activity: Vec<f64>,
    /// Dimension of the top-level node's activity.
    pub sector_activity_dim: Dimension,
    /// Activity of the leaf, base units per year.
    pub activity: Vec<f64>,
    /// Dimension of the leaf's activity.
    pub activity_dim: Dimension,
    /// Final energy per unit of activity, GJ per base unit.
    pub intensity_gj: Vec<f64>,
    /// The fuels the leaf can use in this run.
    pub fuels: Vec<LeafFuel>,
}

/// One fuel of a leaf.
#[derive(Clone, Debug)]
pub struct LeafFuel {
    /// Fuel id.
    pub fuel: String,
    /// Whether it is grid electricity (its factor is the grid factor of the run).
    pub is_electricity: bool,
    /// Share of the leaf's final energy (0–1).
    pub share: Vec<f64>,
    /// t CO2e per GJ of final energy: the direct factor (fossil CO2 + GWP-weighted CH4 and
    /// N2O, constant over years) or, for electricity, [`Breakdown::electricity_co2e_t_per_gj`].
    pub co2e_t_per_gj: Vec<f64>,
}

/// The `Waste` row of the sector view: solid waste generated and the row's emissions.
#[derive(Clone, Debug)]
pub struct WasteBreakdown {
    /// Generated solid waste, t per year (0 without a waste section).
    pub generated_t: Vec<f64>,
    /// Emissions of the `Waste` row (landfill, composting, incineration and, where the
    /// model has one, wastewater), t CO2e per year.
    pub co2e_t: Vec<f64>,
}

/// One other source (MODEL.md §8).
#[derive(Clone, Debug)]
pub struct SourceBreakdown {
    /// The source's path, e.g. `ippu/cement`.
    pub path: String,
    /// Its sector (first part of the path).
    pub sector: String,
    /// Activity, base units per year.
    pub activity: Vec<f64>,
    /// Dimension of the activity.
    pub activity_dim: Dimension,
    /// t CO2e per base unit of activity (negative for a sink).
    pub co2e_t_per_unit: Vec<f64>,
}

impl LeafBreakdown {
    /// Final energy of the leaf in year index `y`, GJ: `A(n) × I(n)` (`demand::leaf_energy`).
    pub fn energy_gj(&self, y: usize) -> f64 {
        crate::demand::leaf_energy(self.activity[y], self.intensity_gj[y])
    }
}

impl LeafFuel {
    /// Final energy of this leaf and fuel in year index `y`, GJ: `A(n) × I(n) × M(n,f)`
    /// ([`LeafBreakdown::energy_gj`] × `M`, `demand::entry_energy`).
    pub fn energy_gj(&self, leaf: &LeafBreakdown, y: usize) -> f64 {
        crate::demand::entry_energy(leaf.energy_gj(y), self.share[y])
    }

    /// Emissions of this leaf and fuel in year index `y`, t CO2e:
    /// `A(n) × I(n) × M(n,f) × F(n,f)` ([`LeafFuel::energy_gj`] × `F`,
    /// `demand::energy_emission`).
    pub fn co2e_t(&self, leaf: &LeafBreakdown, y: usize) -> f64 {
        crate::demand::energy_emission(self.energy_gj(leaf, y), self.co2e_t_per_gj[y])
    }
}

/// A leaf's effective factors in one year after `save`, `switch` and `use`, which change
/// final energy entry by entry: `I = Σ_f FE_f / A` and `M_f = FE_f / Σ_f FE`, so that
/// `A × I × M_f` is the entry's final energy.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Effective {
    /// `I = Σ_f FE_f / A`, GJ per base unit of activity.
    pub intensity: f64,
    /// `Σ_f FE_f`, GJ.
    total: f64,
}

impl Effective {
    /// The effective factors of a leaf with activity `activity` (base units) and final
    /// energy `fe` per fuel (GJ, the leaf's entries in order); `None` where the leaf has no
    /// activity or no energy (its series' factors stand).
    pub(crate) fn of(activity: f64, fe: impl Iterator<Item = f64>) -> Option<Effective> {
        let total: f64 = fe.sum();
        (activity != 0.0 && total > 0.0).then(|| Effective {
            intensity: total / activity,
            total,
        })
    }

    /// `M_f = FE_f / Σ_f FE`, the effective share of a fuel with final energy `fe_gj`.
    pub(crate) fn share(&self, fe_gj: f64) -> f64 {
        fe_gj / self.total
    }
}

impl SourceBreakdown {
    /// Emissions of the source in year index `y`, t CO2e: `A(s) × EF(s)`, with `EF(s)` the
    /// GWP-weighted factors per unit of activity. This factored form (for the LMDI
    /// decomposition) may differ in the last bits from the evaluation's term-by-term sum
    /// `Σ_g GWP_g × (A × EF_g)`, which `parts::source_co2e_t` gives and `lcs explain` shows.
    pub fn co2e_t(&self, y: usize) -> f64 {
        self.activity[y] * self.co2e_t_per_unit[y]
    }
}

/// The per-term factors of the evaluation left in `ws` by running `c`, the compiled form of
/// `scenario` (module docs).
pub fn breakdown(scenario: &Scenario, c: &Compiled, ws: &Workspace) -> Breakdown {
    let model = &scenario.model;
    let n = c.n_years;
    let series = |slot: usize| ws.arena[slot * n..slot * n + n].to_vec();
    // With no demand, the limit of EE / D as D → 0: the grid factor over (1 − losses) when
    // there is no local generation (the first GJ comes from the grid), else 0 (it is covered
    // locally).
    let grid_t_per_mwh = crate::eval::grid_factor_co2e(c, ws);
    let electricity_co2e_t_per_gj: Vec<f64> = (0..n)
        .map(|y| {
            let d = ws.demand_gj[y];
            if d > 0.0 {
                ws.out.grid_co2e_t[y] / d
            } else if ws.out.elec_mwh[[crate::eval::elec_row::LOCAL, y]] == 0.0 {
                let losses = ws.arena[c.electricity.losses * n + y];
                let t_per_gj = grid_t_per_mwh.get(y).copied().unwrap_or(0.0) / 3.6;
                crate::electricity::busbar_supply(t_per_gj, losses)
            } else {
                0.0
            }
        })
        .collect();
    let leaves = c
        .leaves
        .iter()
        .map(|leaf| {
            let node = &model.nodes[leaf.node];
            let top = model.top_of(leaf.node);
            let activity = series(leaf.activity);
            let mut intensity = series(leaf.intensity);
            let mut shares: Vec<Vec<f64>> = leaf
                .fuels
                .iter()
                .map(|&(_, slot, _)| series(slot))
                .collect();
            // `save` and `switch` change final energy entry by entry: the leaf's factors are
            // then the effective ones, `I = Σ_f FE_f / A` and `M_f = FE_f / Σ_f FE`, so that
            // `A × I × M_f` is the entry's energy (where the leaf has activity and energy).
            if !c.energy_ops.is_empty() {
                let entry = |k: usize, y: usize| ws.entry_gj[(leaf.first_entry + k) * n + y];
                for y in 0..n {
                    let fe = (0..leaf.fuels.len()).map(|k| entry(k, y));
                    if let Some(eff) = Effective::of(activity[y], fe) {
                        intensity[y] = eff.intensity;
                        for (k, m) in shares.iter_mut().enumerate() {
                            m[y] = eff.share(entry(k, y));
                        }
                    }
                }
            }
            let fuels = leaf
                .fuels
                .iter()
                .zip(shares)
                .map(|(&(k, _, combo), share)| {
                    let cb = &c.combos[combo];
                    LeafFuel {
                        fuel: c.labels.fuels[k].clone(),
                        is_electricity: cb.is_elec,
                        share,
                        co2e_t_per_gj: if cb.is_elec {
                            electricity_co2e_t_per_gj.clone()
                        } else {
                            vec![cb.co2e; n]
                        },
                    }
                })
                .collect();
            LeafBreakdown {
                path: node.path.clone(),
                sector: model.nodes[top].name.clone(),
                sector_activity: series(c.node_activity[top]),
                sector_activity_dim: model.nodes[top].activity_dim.clone(),
                activity,
                activity_dim: node.activity_dim.clone(),
                intensity_gj: intensity,
                fuels,
            }
        })
        .collect();
    let n_tops = c.labels.tops.len();
    let sector_row = |i: usize| ws.out.sector_t.row(i).to_vec();
    // The `Waste` row of the sector view: solid waste and, where the model has one, the
    // wastewater section (both in one row of MODEL.md §10's sector view).
    let waste = c.labels.has_waste.then(|| WasteBreakdown {
        generated_t: ws.out.waste_t.clone(),
        co2e_t: sector_row(n_tops),
    });
    let gwp = (c.gwp_ch4, c.gwp_n2o);
    let sources = c
        .sources
        .iter()
        .zip(&model.sources)
        .enumerate()
        .map(|(i, (plan, src))| {
            // A refrigerant bank or a land class (docs/EXTENSIONS.md) is not activity ×
            // factors: its factor is its emissions per unit of activity (the stock for a
            // bank), or, where that activity is 0 in a year with emissions (land is a stock
            // change), its emissions on a dimensionless activity of 1.
            if c.inventory.by_source.get(i).copied().flatten().is_some() {
                let co2e = crate::parts::source_co2e_t(c, ws, i);
                let activity = series(plan.activity);
                let per_unit = activity
                    .iter()
                    .zip(&co2e)
                    .all(|(a, e)| (*a != 0.0 && a.is_finite()) || *e == 0.0);
                let (activity, activity_dim, per) = if per_unit {
                    let per = activity
                        .iter()
                        .zip(&co2e)
                        .map(|(a, e)| if *a != 0.0 { e / a } else { 0.0 })
                        .collect();
                    (activity, source_dim(model, src), per)
                } else {
                    (vec![1.0; n], Dimension::none(), co2e)
                };
                return SourceBreakdown {
                    path: src.path.clone(),
                    sector: src.sector.clone(),
                    activity,
                    activity_dim,
                    co2e_t_per_unit: per,
                };
            }
            let mut per = vec![0.0; n];
            for &(g, slot) in &plan.factors {
                let w = g.gwp(gwp);
                for (p, f) in per.iter_mut().zip(&ws.arena[slot * n..slot * n + n]) {
                    *p += w * f;
                }
            }
            SourceBreakdown {
                path: src.path.clone(),
                sector: src.sector.clone(),
                activity: series(plan.activity),
                activity_dim: source_dim(model, src),
                co2e_t_per_unit: per,
            }
        })
        .collect();
    Breakdown {
        scenario: c.labels.scenario.clone(),
        region: c.labels.region.clone(),
        years: c.years(),
        leaves,
        electricity_co2e_t_per_gj,
        waste,
        sources,
        total_co2e_t: ws.out.co2e_t.clone(),
    }
}

/// The dimension of a source's activity.
fn source_dim(model: &lcs_model::Model, src: &lcs_model::Source) -> Dimension {
    match &src.activity {
        Activity::Driver { driver, per: p, .. } => {
            let d: &Dimension = &model.drivers[*driver].series.dim;
            match p {
                Some(p) => d.mul(&p.dim),
                None => d.clone(),
            }
        }
        Activity::Series(s) | Activity::Share(s) => s.dim.clone(),
        Activity::Inherit => Dimension::none(),
    }
}

#[cfg(test)]
mod tests {
    use super::Effective;

    #[test]
    fn effective_factors_split_the_entries_over_activity() {
        // 100 units of activity using 30 GJ of gasoline and 10 GJ of electricity:
        // I = 40 / 100 = 0.4 GJ/unit, M = 30 / 40 = 0.75 and 10 / 40 = 0.25.
        let eff = Effective::of(100.0, [30.0, 10.0].into_iter()).expect("activity and energy");
        assert_eq!(eff.intensity, 0.4);
        assert_eq!((eff.share(30.0), eff.share(10.0)), (0.75, 0.25));
        // No activity, or no energy: the series' factors stand.
        assert!(Effective::of(0.0, [30.0].into_iter()).is_none());
        assert!(Effective::of(100.0, [0.0, 0.0].into_iter()).is_none());
    }
}
