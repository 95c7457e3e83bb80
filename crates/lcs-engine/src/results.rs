//! Result rows (MODEL.md §10 output table, §11.10): IAMC variable names and units.
//!
//! This module is the only place that spells output variable names; reports read rows.

use crate::compile::Compiled;
use crate::eval::Workspace;

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
    /// Waste generated.
    pub const WASTE_GENERATED: &str = "Waste|Generated";
    /// The waste sector row name.
    pub const WASTE_SECTOR: &str = "Waste";
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

fn row(variable: String, unit: &str, values: impl Iterator<Item = f64>) -> Row {
    Row {
        variable,
        unit: unit.to_string(),
        values: values.map(Some).collect(),
    }
}

/// The rows of one evaluation, in the order of the conformance examples.
pub fn rows(c: &Compiled, ws: &Workspace) -> Vec<Row> {
    let o = &ws.out;
    let n = c.n_years;
    let l = &c.labels;
    let kt = |v: &f64| v / 1000.0;
    let mut out = Vec::new();
    out.push(row(
        var::EMISSIONS_CO2E.into(),
        "kt CO2e/yr",
        o.co2e_t.iter().map(kt),
    ));
    let mut sectors: Vec<String> = l.tops.clone();
    if l.has_waste {
        sectors.push(var::WASTE_SECTOR.into());
    }
    sectors.extend(l.source_sectors.iter().cloned());
    for (i, s) in sectors.iter().enumerate() {
        out.push(row(
            format!("{}|{s}", var::EMISSIONS_CO2E),
            "kt CO2e/yr",
            o.sector_t.row(i).iter().map(kt),
        ));
    }
    out.push(row(
        var::EMISSIONS_CO2.into(),
        "kt CO2/yr",
        o.gas_t.row(0).iter().map(kt),
    ));
    out.push(row(
        var::EMISSIONS_CH4.into(),
        "kt CH4/yr",
        o.gas_t.row(1).iter().map(kt),
    ));
    out.push(row(
        var::EMISSIONS_N2O.into(),
        "kt N2O/yr",
        o.gas_t.row(2).iter().map(kt),
    ));
    out.push(row(
        var::EMISSIONS_CO2_BIOGENIC.into(),
        "kt CO2/yr",
        o.gas_t.row(3).iter().map(kt),
    ));
    let tj = |v: &f64| v / 1000.0;
    out.push(row(
        var::FINAL_ENERGY.into(),
        "TJ/yr",
        (0..n).map(|y| o.fe_fuel_gj.column(y).sum() / 1000.0),
    ));
    for (k, f) in l.fuels.iter().enumerate() {
        out.push(row(
            format!("{}|{f}", var::FINAL_ENERGY),
            "TJ/yr",
            o.fe_fuel_gj.row(k).iter().map(tj),
        ));
    }
    for (t, name) in l.tops.iter().enumerate() {
        out.push(row(
            format!("{}|{name}", var::FINAL_ENERGY),
            "TJ/yr",
            o.fe_top_gj.row(t).iter().map(tj),
        ));
    }
    for (p, &slot) in l.share_paths.iter().zip(&c.share_slots) {
        out.push(row(
            format!("Share|{p}"),
            "1",
            (0..n).map(|y| ws.slot(n, slot, y)),
        ));
    }
    if c.losses.is_some() || !c.local.is_empty() || c.electricity_fuel.is_some() {
        let names = [
            var::ELECTRICITY_DEMAND,
            var::ELECTRICITY_LOCAL,
            var::ELECTRICITY_GRID,
            var::ELECTRICITY_EXPORT,
        ];
        for (i, name) in names.iter().enumerate() {
            out.push(row(
                name.to_string(),
                "MWh/yr",
                o.elec_mwh.row(i).iter().copied(),
            ));
        }
    }
    if l.has_waste {
        out.push(row(
            var::WASTE_GENERATED.into(),
            "t/yr",
            o.waste_t.iter().copied(),
        ));
    }
    for ((name, unit, factor), &slot) in l.drivers.iter().zip(&c.driver_slots) {
        out.push(row(
            format!("Drivers|{name}"),
            unit,
            (0..n).map(|y| ws.slot(n, slot, y) / factor),
        ));
    }
    for (d, name, unit, factor) in &l.intensity_drivers {
        let slot = c.driver_slots[*d];
        let values = (0..n)
            .map(|y| {
                let dv = ws.slot(n, slot, y) / factor;
                if dv == 0.0 {
                    None
                } else {
                    Some(o.co2e_t[y] / dv)
                }
            })
            .collect();
        out.push(Row {
            variable: format!("Emissions Intensity|{name}"),
            unit: format!("t CO2e/{unit}"),
            values,
        });
    }
    out
}
