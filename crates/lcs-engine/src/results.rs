//! Result rows (MODEL.md §10 output table, §11.10): IAMC variable names and units.
//!
//! This module is the only place that spells output variable names; reports read rows.
//! The list of rows of a compiled scenario is fixed at compile time ([`RowSpec`]), so
//! [`row_values_into`] fills a flat buffer without allocating (ensembles call it per
//! sample) and [`rows`] and [`row_layout`] agree with it by construction.

use crate::eval::{elec_row, waste_row, Workspace};
use crate::plan::Compiled;

/// IAMC variable names.
pub mod var {
    /// Total emissions.
    pub const EMISSIONS_CO2E: &str = "Emissions|CO2e";
    /// Fossil CO2.
    pub const EMISSIONS_CO2: &str = "Emissions|CO2";
    /// Methane.
    pub const EMISSIONS_CH4: &str = "Emissions|CH4";
    /// Nitrous oxide.
    pub const EMISSIONS_N2O: &str = "Emissions|N2O";
    /// Biogenic CO2 (memo).
    pub const EMISSIONS_CO2_BIOGENIC: &str = "Emissions|CO2|Biogenic";
    /// Final energy.
    pub const FINAL_ENERGY: &str = "Final Energy";
    /// Electricity demand.
    pub const ELECTRICITY_DEMAND: &str = "Electricity|Demand";
    /// Local generation.
    pub const ELECTRICITY_LOCAL: &str = "Electricity|Local Generation";
    /// Grid supply.
    pub const ELECTRICITY_GRID: &str = "Electricity|Grid Supply";
    /// Export.
    pub const ELECTRICITY_EXPORT: &str = "Electricity|Export";
    /// T&D losses.
    pub const ELECTRICITY_LOSSES: &str = "Electricity|Losses";
    /// Waste-to-energy part of local generation.
    pub const ELECTRICITY_WTE: &str = "Electricity|Local Generation|Waste to Energy";
    /// Grid emissions (memo, allocated to the sectors).
    pub const ELECTRICITY_GRID_EMISSIONS: &str = "Electricity|Grid Emissions";
    /// Waste generated.
    pub const WASTE_GENERATED: &str = "Waste|Generated";
    /// The waste sector row name.
    pub const WASTE_SECTOR: &str = "Waste";
    /// Waste sent to landfill.
    pub const WASTE_LANDFILL: &str = "Waste|Landfill";
    /// Waste recycled.
    pub const WASTE_RECYCLING: &str = "Waste|Recycling";
    /// Waste composted.
    pub const WASTE_COMPOSTING: &str = "Waste|Composting";
    /// Waste incinerated.
    pub const WASTE_INCINERATION: &str = "Waste|Incineration";
    /// Landfill methane.
    pub const EMISSIONS_CH4_LANDFILL: &str = "Emissions|CH4|Waste|Landfill";
    /// Composting methane.
    pub const EMISSIONS_CH4_COMPOSTING: &str = "Emissions|CH4|Waste|Composting";
    /// Emissions of the waste sector (CO2e).
    pub const EMISSIONS_CO2E_WASTE: &str = "Emissions|CO2e|Waste";
    /// Prefix of the intensity rows: `Emissions Intensity|<driver>`.
    pub const EMISSIONS_INTENSITY: &str = "Emissions Intensity";
    /// Prefix of the driver rows: `Drivers|<name>`.
    pub const DRIVERS: &str = "Drivers";
}

/// One output variable over the model years.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// IAMC variable name, e.g. `Emissions|CO2e|transport`.
    pub variable: String,
    /// Unit, e.g. `kt CO2e/yr`.
    pub unit: String,
    /// One value per model year; `None` where undefined (an intensity over a zero driver).
    pub values: Vec<Option<f64>>,
}

/// Where a row's values come from, and the factor from internal units to the row's unit.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    Total,
    Sector(usize),
    Gas(usize),
    FinalEnergy,
    FuelEnergy(usize),
    TopEnergy(usize),
    TopFuelEnergy(usize),
    Slot(usize, f64),
    Elec(usize),
    GridEmissions,
    WasteGenerated,
    WasteDetail(usize),
    Intensity(usize, f64),
}

/// One row of the output table, fixed at compile time.
#[derive(Clone, Debug)]
pub(crate) struct RowSpec {
    pub variable: String,
    pub unit: String,
    pub source: Source,
}

/// The rows of a compiled scenario, in the order of the conformance examples, then the
/// extra rows lcs writes beyond MODEL.md §10.
pub(crate) fn build_specs(c: &Compiled) -> Vec<RowSpec> {
    let l = &c.labels;
    let mut v = Vec::new();
    let mut push = |variable: String, unit: &str, source: Source| {
        v.push(RowSpec {
            variable,
            unit: unit.to_string(),
            source,
        })
    };
    push(var::EMISSIONS_CO2E.into(), "kt CO2e/yr", Source::Total);
    let mut sectors: Vec<String> = l.tops.clone();
    if l.has_waste {
        sectors.push(var::WASTE_SECTOR.into());
    }
    sectors.extend(l.source_sectors.iter().cloned());
    for (i, s) in sectors.iter().enumerate() {
        push(
            format!("{}|{s}", var::EMISSIONS_CO2E),
            "kt CO2e/yr",
            Source::Sector(i),
        );
    }
    push(var::EMISSIONS_CO2.into(), "kt CO2/yr", Source::Gas(0));
    push(var::EMISSIONS_CH4.into(), "kt CH4/yr", Source::Gas(1));
    push(var::EMISSIONS_N2O.into(), "kt N2O/yr", Source::Gas(2));
    push(
        var::EMISSIONS_CO2_BIOGENIC.into(),
        "kt CO2/yr",
        Source::Gas(3),
    );
    push(var::FINAL_ENERGY.into(), "TJ/yr", Source::FinalEnergy);
    for (k, f) in l.fuels.iter().enumerate() {
        push(
            format!("{}|{f}", var::FINAL_ENERGY),
            "TJ/yr",
            Source::FuelEnergy(k),
        );
    }
    for (t, name) in l.tops.iter().enumerate() {
        push(
            format!("{}|{name}", var::FINAL_ENERGY),
            "TJ/yr",
            Source::TopEnergy(t),
        );
    }
    for (p, &slot) in l.share_paths.iter().zip(&c.share_slots) {
        push(format!("Share|{p}"), "1", Source::Slot(slot, 1.0));
    }
    let has_electricity = c.electricity.section || c.electricity.fuel.is_some();
    if has_electricity {
        let names = [
            var::ELECTRICITY_DEMAND,
            var::ELECTRICITY_LOCAL,
            var::ELECTRICITY_GRID,
            var::ELECTRICITY_EXPORT,
        ];
        for (i, name) in names.iter().enumerate() {
            push(name.to_string(), "MWh/yr", Source::Elec(i));
        }
    }
    if l.has_waste {
        push(var::WASTE_GENERATED.into(), "t/yr", Source::WasteGenerated);
    }
    for ((name, unit, factor), &slot) in l.drivers.iter().zip(&c.driver_slots) {
        push(
            format!("Drivers|{name}"),
            unit,
            Source::Slot(slot, 1.0 / factor),
        );
    }
    for (d, name, unit, factor) in &l.intensity_drivers {
        push(
            format!("Emissions Intensity|{name}"),
            &format!("t CO2e/{unit}"),
            Source::Intensity(c.driver_slots[*d], *factor),
        );
    }
    // Beyond §10: detail for reports.
    for (t, top) in l.tops.iter().enumerate() {
        for (k, f) in l.fuels.iter().enumerate() {
            push(
                format!("{}|{top}|{f}", var::FINAL_ENERGY),
                "TJ/yr",
                Source::TopFuelEnergy(t * l.fuels.len() + k),
            );
        }
    }
    if has_electricity {
        push(
            var::ELECTRICITY_LOSSES.into(),
            "MWh/yr",
            Source::Elec(elec_row::LOSSES),
        );
        push(
            var::ELECTRICITY_WTE.into(),
            "MWh/yr",
            Source::Elec(elec_row::WASTE_TO_ENERGY),
        );
        push(
            var::ELECTRICITY_GRID_EMISSIONS.into(),
            "kt CO2e/yr",
            Source::GridEmissions,
        );
    }
    if l.has_waste {
        let detail = [
            ("Waste|Landfill", "t/yr", waste_row::LANDFILL),
            ("Waste|Recycling", "t/yr", waste_row::RECYCLING),
            ("Waste|Composting", "t/yr", waste_row::COMPOSTING),
            ("Waste|Incineration", "t/yr", waste_row::INCINERATION),
            (
                "Emissions|CH4|Waste|Landfill",
                "kt CH4/yr",
                waste_row::LANDFILL_CH4,
            ),
            (
                "Emissions|CH4|Waste|Composting",
                "kt CH4/yr",
                waste_row::COMPOSTING_CH4,
            ),
            (
                "Emissions|N2O|Waste|Composting",
                "kt N2O/yr",
                waste_row::COMPOSTING_N2O,
            ),
            (
                "Emissions|CO2|Waste|Incineration",
                "kt CO2/yr",
                waste_row::INCINERATION_CO2,
            ),
        ];
        for (name, unit, row) in detail {
            push(name.into(), unit, Source::WasteDetail(row));
        }
    }
    v
}

/// Row `i` of an output array (created in standard layout).
fn row(a: &ndarray::Array2<f64>, i: usize, n: usize) -> &[f64] {
    &a.as_slice()
        .expect("outputs are created in standard layout")[i * n..i * n + n]
}

/// Fills one row's values over all years, in the row's unit; NaN where undefined.
pub(crate) fn fill_row(c: &Compiled, ws: &Workspace, source: &Source, dst: &mut [f64]) {
    let o = &ws.out;
    let n = c.n_years;
    let scaled = |dst: &mut [f64], src: &[f64], f: f64| {
        dst.iter_mut().zip(src).for_each(|(d, v)| *d = v * f)
    };
    match *source {
        Source::Total => scaled(dst, &o.co2e_t, 1e-3),
        Source::Sector(i) => scaled(dst, row(&o.sector_t, i, n), 1e-3),
        Source::Gas(i) => scaled(dst, row(&o.gas_t, i, n), 1e-3),
        Source::FinalEnergy => {
            dst.fill(0.0);
            for k in 0..o.fe_fuel_gj.nrows() {
                dst.iter_mut()
                    .zip(row(&o.fe_fuel_gj, k, n))
                    .for_each(|(d, v)| *d += v);
            }
            dst.iter_mut().for_each(|d| *d *= 1e-3);
        }
        Source::FuelEnergy(k) => scaled(dst, row(&o.fe_fuel_gj, k, n), 1e-3),
        Source::TopEnergy(t) => scaled(dst, row(&o.fe_top_gj, t, n), 1e-3),
        Source::TopFuelEnergy(i) => scaled(dst, row(&o.fe_top_fuel_gj, i, n), 1e-3),
        Source::Slot(slot, factor) => scaled(dst, &ws.arena[slot * n..slot * n + n], factor),
        Source::Elec(i) => dst.copy_from_slice(row(&o.elec_mwh, i, n)),
        Source::GridEmissions => scaled(dst, &o.grid_co2e_t, 1e-3),
        Source::WasteGenerated => dst.copy_from_slice(&o.waste_t),
        Source::WasteDetail(i) => {
            let f = if i >= waste_row::LANDFILL_CH4 {
                1e-3
            } else {
                1.0
            };
            scaled(dst, row(&o.waste_detail, i, n), f)
        }
        Source::Intensity(slot, factor) => {
            let d = &ws.arena[slot * n..slot * n + n];
            for ((x, e), d) in dst.iter_mut().zip(&o.co2e_t).zip(d) {
                let dv = d / factor;
                *x = if dv == 0.0 { f64::NAN } else { e / dv };
            }
        }
    }
}

/// The rows of one evaluation.
pub fn rows(c: &Compiled, ws: &Workspace) -> Vec<Row> {
    let mut buf = vec![0.0; c.n_years];
    c.row_specs
        .iter()
        .map(|s| {
            fill_row(c, ws, &s.source, &mut buf);
            Row {
                variable: s.variable.clone(),
                unit: s.unit.clone(),
                values: buf.iter().map(|v| (!v.is_nan()).then_some(*v)).collect(),
            }
        })
        .collect()
}

/// `(variable, unit)` of every row, in the order of [`rows`] and [`row_values_into`].
pub fn row_layout(c: &Compiled) -> Vec<(String, String)> {
    c.row_specs
        .iter()
        .map(|s| (s.variable.clone(), s.unit.clone()))
        .collect()
}

/// Every row's values into a flat buffer, `out[row * n_years + year]`, NaN where
/// undefined. `out` must hold `row_layout(c).len() * n_years` values. No allocation.
pub fn row_values_into(c: &Compiled, ws: &Workspace, out: &mut [f64]) {
    let n = c.n_years;
    for (r, s) in c.row_specs.iter().enumerate() {
        fill_row(c, ws, &s.source, &mut out[r * n..r * n + n]);
    }
}
