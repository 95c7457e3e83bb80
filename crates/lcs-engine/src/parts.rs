//! The emissions of a run split by where they arise, for inventory tables such as the GPC
//! (docs/EXTENSIONS.md, "GPC reporting"): each demand leaf's fuel combustion, its grid
//! electricity (without and with T&D losses), each waste process, each source, and the memo
//! power stations in the region.
//!
//! ```text
//! Combustion(leaf,y)  = Σ_f FE(leaf,f,y) * EF_CO2e(f, cat(leaf))                    (MODEL.md §4)
//! Electricity(leaf,y) = EE(y) * FE(leaf,elec,y) / (3.6 D(y)) * D(y) / B(y)          scope 2
//! Losses(leaf,y)      = EE(y) * FE(leaf,elec,y) / (3.6 D(y)) * (B(y) - D(y)) / B(y)  scope 3
//! ```
//!
//! The grid parts are computed as the engine allocates grid emissions to sectors
//! (`electricity::grid_allocation`, `EE × FE / D` with `D` in GJ): the losses' part
//! `L × FE / D` from the loss emissions row `L = EE (B − D) / B`, and the rest
//! `EE × FE / D − L × FE / D`.
//!
//! Every part is computed with the kernels of its section (`demand::final_energy_by_entry`
//! and `demand::energy_emission`, the waste rows of `results`, `sources::each_source_emission`
//! and the outputs of `inventory` through [`each_source_co2e_t`], which Shapley's source
//! parts call too); the parts other than the memo lines add up to `Emissions|CO2e` (tested).

use crate::electricity::grid_allocation;
use crate::eval::{elec_row, Workspace};
use crate::inventory::SourceExt;
use crate::plan::Compiled;
use lcs_factors::Category;

/// What one part of the emissions is.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Fuel combustion of a demand leaf (its path and IPCC category).
    Combustion {
        /// The leaf's path.
        path: String,
        /// Its category.
        category: Option<Category>,
    },
    /// The grid electricity a leaf uses, without the T&D losses part.
    Electricity {
        /// The leaf's path.
        path: String,
        /// Its category.
        category: Option<Category>,
    },
    /// The T&D losses part of a leaf's grid electricity.
    Losses {
        /// The leaf's path.
        path: String,
        /// Its category.
        category: Option<Category>,
    },
    /// A waste process: `landfill`, `composting`, `anaerobic_digestion`, `incineration`,
    /// `wastewater`.
    Waste {
        /// The process.
        process: &'static str,
    },
    /// A source (MODEL.md §8 and its extensions).
    Source {
        /// Its index among the model's sources.
        index: usize,
        /// Its path.
        path: String,
        /// Its sector.
        sector: String,
        /// `factors`, `process`, `refrigerant` or `land`.
        form: &'static str,
    },
    /// Memo: a power station in the region (GPC I.4.4), in no total.
    GridGeneration {
        /// The plant.
        plant: String,
    },
}

impl Part {
    /// Whether the part is a memo line (in no total).
    pub fn is_memo(&self) -> bool {
        matches!(self, Part::GridGeneration { .. })
    }
}

/// One part and its emissions, t CO2e per model year.
#[derive(Clone, Debug, PartialEq)]
pub struct EmissionPart {
    /// What it is.
    pub part: Part,
    /// t CO2e per year.
    pub co2e_t: Vec<f64>,
}

/// The emissions of the last evaluation of `ws`, by part (module docs).
pub fn emission_parts(c: &Compiled, ws: &Workspace) -> Vec<EmissionPart> {
    let n = c.n_years;
    let inv = &c.inventory;
    let mut out = Vec::new();
    // Final energy per (leaf, fuel) entry: as the run computed it (with `save` and
    // `switch`), or A × I × S.
    let entries: Vec<f64> = if c.energy_ops.is_empty() {
        let mut e = vec![0.0; c.n_entries * n];
        let mut ai = vec![0.0; n];
        crate::demand::final_energy_by_entry(&c.leaves, &ws.arena, n, &mut ai, &mut e);
        e
    } else {
        ws.entry_gj.clone()
    };
    let elec = ws.out.elec_mwh.as_slice().expect("standard layout");
    let losses_t = &elec[elec_row::LOSS_EMISSIONS * n..elec_row::LOSS_EMISSIONS * n + n];
    for (li, leaf) in c.leaves.iter().enumerate() {
        let (path, category) = inv.leaf_info.get(li).cloned().unwrap_or_default();
        let mut direct = vec![0.0; n];
        let mut used = vec![0.0; n];
        let mut lost = vec![0.0; n];
        for (k, &(_, _, combo)) in leaf.fuels.iter().enumerate() {
            let cb = &c.combos[combo];
            let e = leaf.first_entry + k;
            let fe = &entries[e * n..e * n + n];
            for y in 0..n {
                if cb.is_elec {
                    let d = ws.demand_gj[y];
                    if d > 0.0 {
                        let all = grid_allocation(ws.out.grid_co2e_t[y], fe[y], d);
                        let l = grid_allocation(losses_t[y], fe[y], d);
                        used[y] += all - l;
                        lost[y] += l;
                    }
                } else {
                    direct[y] += crate::demand::energy_emission(fe[y], cb.co2e);
                }
            }
        }
        let p = |make: fn(String, Option<Category>) -> Part| make(path.clone(), category);
        out.push(EmissionPart {
            part: p(|path, category| Part::Combustion { path, category }),
            co2e_t: direct,
        });
        out.push(EmissionPart {
            part: p(|path, category| Part::Electricity { path, category }),
            co2e_t: used,
        });
        out.push(EmissionPart {
            part: p(|path, category| Part::Losses { path, category }),
            co2e_t: lost,
        });
    }
    // Waste processes: the rows `Emissions|CO2e|Waste|<process>`.
    let mut buf = vec![0.0; n];
    for (process, source) in crate::results::waste_process_rows(c) {
        crate::results::fill_row(c, ws, &source, &mut buf);
        out.push(EmissionPart {
            part: Part::Waste { process },
            co2e_t: buf.iter().map(|v| v * 1e3).collect(),
        });
    }
    // Sources.
    for i in 0..c.sources.len() {
        let v = source_co2e_t(c, ws, i);
        let (path, sector, form) = inv.source_info.get(i).cloned().unwrap_or_default();
        out.push(EmissionPart {
            part: Part::Source {
                index: i,
                path,
                sector,
                form,
            },
            co2e_t: v,
        });
    }
    // Memo: power stations in the region.
    let plants = ws.out.inventory.plants.as_slice().expect("standard layout");
    for (i, p) in inv.plants.iter().enumerate() {
        out.push(EmissionPart {
            part: Part::GridGeneration {
                plant: p.name.clone(),
            },
            co2e_t: plants[(2 * i + 1) * n..(2 * i + 2) * n].to_vec(),
        });
    }
    out
}

/// The emissions of model source `i`, t CO2e per year: activity × factors for a plain or
/// process source, the bank's counted F-gases for a refrigerant bank, the stock change for
/// a land class ([`each_source_co2e_t`]: a source with factors has its terms added from 0,
/// a bank or land class its one value a year as it is).
pub(crate) fn source_co2e_t(c: &Compiled, ws: &Workspace, i: usize) -> Vec<f64> {
    let mut v = vec![0.0; c.n_years];
    let one_term = c.inventory.by_source.get(i).copied().flatten().is_some();
    each_source_co2e_t(c, ws, i, |y, e| if one_term { v[y] = e } else { v[y] += e });
    v
}

/// The emissions of model source `i` in the last evaluation of `ws`, t CO2e, term by term
/// to `f(year, t CO2e)`: for a plain or process source `A × factor_g × GWP_g` once per
/// factor and year, factor by factor ([`crate::sources::each_source_emission`]); for a
/// refrigerant bank its counted F-gases (the evaluation's row) and for a land class its
/// stock change (`inventory::land_co2_t`), once per year. Callers add the terms in the
/// order given.
pub(crate) fn each_source_co2e_t(
    c: &Compiled,
    ws: &Workspace,
    i: usize,
    mut f: impl FnMut(usize, f64),
) {
    let n = c.n_years;
    match c.inventory.by_source.get(i).copied().flatten() {
        None => crate::sources::each_source_emission(
            &c.sources[i],
            &ws.arena,
            n,
            (c.gwp_ch4, c.gwp_n2o),
            |_, y, _, e| f(y, e),
        ),
        Some(SourceExt::Refrigerant(b)) => {
            let banks = ws.out.inventory.bank_co2e_t.as_slice().unwrap_or(&[]);
            banks[b * n..b * n + n]
                .iter()
                .enumerate()
                .for_each(|(y, e)| f(y, *e));
        }
        Some(SourceExt::Land(l)) => {
            let land = ws.out.inventory.land.as_slice().unwrap_or(&[]);
            let (remaining, converted) = (
                &land[(3 * l + 1) * n..(3 * l + 2) * n],
                &land[(3 * l + 2) * n..(3 * l + 3) * n],
            );
            for (y, (r, v)) in remaining.iter().zip(converted).enumerate() {
                f(y, crate::inventory::land_co2_t(*r, *v));
            }
        }
    }
}
