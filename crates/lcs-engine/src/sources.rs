//! Other sources and sinks (MODEL.md §8).
//!
//! ```text
//! E(s,g,y) = A(s,y) * factor(s,g,y)          # t of gas g; a negative factor is a sink
//! ```
//!
//! The path's first part is the sector used in reports. A factor given in CO2e counts in
//! the total and the sector row only (§11.8); CH4 and N2O are weighted by the model's GWP
//! in the sector row.

use crate::compile::Builder;
use crate::plan::{Bound, CompileError, Gas, Labels, SourcePlan, Step};
use lcs_model::SourceGas;

/// The compiled sources and the steps that fill their activity slots (one list per source,
/// in source order).
pub(crate) struct SourcesSection {
    pub plans: Vec<SourcePlan>,
    pub activity_steps: Vec<Option<Step>>,
}

/// The gas row of a source factor's key.
pub(crate) fn gas_of(g: SourceGas) -> Gas {
    match g {
        SourceGas::CO2 => Gas::Co2,
        SourceGas::CH4 => Gas::Ch4,
        SourceGas::N2O => Gas::N2o,
        SourceGas::CO2e => Gas::Co2e,
    }
}

/// Compiles the `sources:` section; adds each new sector to `labels.source_sectors`.
pub(crate) fn compile_sources(
    b: &mut Builder,
    labels: &mut Labels,
) -> Result<SourcesSection, CompileError> {
    let model = b.model;
    let mut plans = Vec::new();
    let mut activity_steps = Vec::new();
    for s in &model.sources {
        let name = format!("sources.{}.activity", s.path);
        let slot = b.empty(name.clone());
        // A land class has no activity (its area and conversions are its own slots): its
        // placeholder is no input of the model, so nothing fills the zero slot.
        activity_steps.push(if s.land().is_some() {
            None
        } else {
            crate::demand::absolute_activity(b, slot, &s.activity, &name)?
        });
        if !labels.source_sectors.contains(&s.sector) {
            labels.source_sectors.push(s.sector.clone());
        }
        let sector = labels
            .source_sectors
            .iter()
            .position(|x| *x == s.sector)
            .ok_or_else(|| CompileError::Unresolved {
                what: format!("sector of source `{}`", s.path),
            })?;
        let mut factors = Vec::new();
        for (g, f) in &s.factors {
            let fname = format!("sources.{}.factors.{}", s.path, g.name());
            factors.push((gas_of(*g), b.series(f, fname, Bound::Free)?));
        }
        plans.push(SourcePlan {
            activity: slot,
            sector,
            factors,
        });
    }
    Ok(SourcesSection {
        plans,
        activity_steps,
    })
}

/// The emissions of one source, year by year: `E(s,g,y) = A(s,y) * factor(s,g,y)` for each
/// gas factor, given to `f(gas row, year, t of gas, t CO2e)` (gas row 0 CO2, 1 CH4, 2 N2O;
/// `None` for a factor in CO2e, which counts in the total and the sector row only).
#[inline(always)]
pub(crate) fn each_source_emission(
    s: &SourcePlan,
    arena: &[f64],
    n: usize,
    gwp: (f64, f64),
    mut f: impl FnMut(Option<usize>, usize, f64, f64),
) {
    let series = |x: usize| &arena[x * n..x * n + n];
    let act = series(s.activity);
    for &(g, slot) in &s.factors {
        let factor = series(slot);
        let gas_row = match g {
            Gas::Co2 => Some(0),
            Gas::Ch4 => Some(1),
            Gas::N2o => Some(2),
            Gas::Co2e => None,
        };
        let weight = g.gwp(gwp);
        for y in 0..n {
            let e = act[y] * factor[y];
            f(gas_row, y, e, weight * e);
        }
    }
}

/// Emissions of every source, t ([`each_source_emission`]) added to its gas row of `gas`
/// (CO2, CH4, N2O; none for CO2e) and, GWP-weighted, to its sector's row of `sector` (rows
/// from `sector_row0` on, one per source sector).
#[inline(always)]
pub(crate) fn source_emissions(
    sources: &[SourcePlan],
    arena: &[f64],
    n: usize,
    gwp: (f64, f64),
    gas: &mut [f64],
    sector: &mut [f64],
    sector_row0: usize,
) {
    for s in sources {
        let row = (sector_row0 + s.sector) * n;
        each_source_emission(s, arena, n, gwp, |gas_row, y, e, co2e| {
            if let Some(r) = gas_row {
                gas[r * n + y] += e;
            }
            sector[row + y] += co2e;
        });
    }
}
