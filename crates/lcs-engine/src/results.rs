//! Result rows (MODEL.md §10 output table, §11.10): IAMC variable names and units.
//!
//! This module is the only place that spells output variable names; reports read rows.
//! The list of rows of a compiled scenario is fixed at compile time ([`RowSpec`]), so
//! [`row_values_into`] fills a flat buffer without allocating (ensembles call it per
//! sample) and [`rows`] and [`row_layout`] agree with it by construction.

use crate::eval::{elec_row, waste_row, wastewater_row, Workspace};
use crate::plan::{Compiled, Gas};

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
    /// Emissions of the waste sector (CO2e).
    pub const EMISSIONS_CO2E_WASTE: &str = "Emissions|CO2e|Waste";
    /// Prefix of the intensity rows: `Emissions Intensity|<driver>`.
    pub const EMISSIONS_INTENSITY: &str = "Emissions Intensity";
    /// Prefix of the driver rows: `Drivers|<name>`.
    pub const DRIVERS: &str = "Drivers";
    /// Biogas part of local generation (anaerobic digestion).
    pub const ELECTRICITY_BIOGAS: &str = "Electricity|Local Generation|Biogas";
    /// Grid emissions due to T&D losses (memo: part of the electricity rows of the sectors;
    /// GPC scope 3).
    pub const EMISSIONS_TD_LOSSES: &str = "Emissions|CO2e|Electricity|T&D Losses";
    /// Suffix of a top-level sector's direct emissions: `Emissions|CO2e|<sector>|Direct`.
    pub const DIRECT: &str = "Direct";
    /// Suffix of a top-level sector's allocated grid emissions:
    /// `Emissions|CO2e|<sector>|Electricity`.
    pub const ELECTRICITY: &str = "Electricity";
    /// Waste routes (mass rows `Waste|<route>`).
    pub const WASTE_LANDFILL: &str = "Waste|Landfill";
    /// Recycled mass.
    pub const WASTE_RECYCLING: &str = "Waste|Recycling";
    /// Composted mass.
    pub const WASTE_COMPOSTING: &str = "Waste|Composting";
    /// Incinerated mass.
    pub const WASTE_INCINERATION: &str = "Waste|Incineration";
    /// Digested mass.
    pub const WASTE_AD: &str = "Waste|Anaerobic Digestion";
    /// Landfill CH4.
    pub const CH4_LANDFILL: &str = "Emissions|CH4|Waste|Landfill";
    /// Composting CH4.
    pub const CH4_COMPOSTING: &str = "Emissions|CH4|Waste|Composting";
    /// Composting N2O.
    pub const N2O_COMPOSTING: &str = "Emissions|N2O|Waste|Composting";
    /// Incineration fossil CO2.
    pub const CO2_INCINERATION: &str = "Emissions|CO2|Waste|Incineration";
    /// Anaerobic digestion CH4.
    pub const CH4_AD: &str = "Emissions|CH4|Waste|Anaerobic Digestion";
    /// Anaerobic digestion N2O.
    pub const N2O_AD: &str = "Emissions|N2O|Waste|Anaerobic Digestion";
    /// Waste emissions by process, CO2e: landfill.
    pub const CO2E_LANDFILL: &str = "Emissions|CO2e|Waste|Landfill";
    /// Composting, CO2e.
    pub const CO2E_COMPOSTING: &str = "Emissions|CO2e|Waste|Composting";
    /// Anaerobic digestion, CO2e.
    pub const CO2E_AD: &str = "Emissions|CO2e|Waste|Anaerobic Digestion";
    /// Incineration, CO2e.
    pub const CO2E_INCINERATION: &str = "Emissions|CO2e|Waste|Incineration";
    /// Wastewater (domestic and industrial), CO2e.
    pub const CO2E_WASTEWATER: &str = "Emissions|CO2e|Waste|Wastewater";
    /// Domestic wastewater organics, t BOD.
    pub const WASTEWATER_DOMESTIC_ORGANICS: &str = "Wastewater|Domestic|Organics";
    /// Domestic wastewater CH4.
    pub const CH4_WASTEWATER_DOMESTIC: &str = "Emissions|CH4|Waste|Wastewater|Domestic";
    /// Domestic effluent N2O.
    pub const N2O_WASTEWATER_DOMESTIC: &str = "Emissions|N2O|Waste|Wastewater|Domestic";
    /// Industrial wastewater CH4, all industries.
    pub const CH4_WASTEWATER_INDUSTRIAL: &str = "Emissions|CH4|Waste|Wastewater|Industrial";
    /// Prefix of an industry's rows: `Wastewater|Industrial|<name>|Organics` (t COD) and
    /// `Emissions|CH4|Waste|Wastewater|Industrial|<name>`.
    pub const WASTEWATER_INDUSTRIAL: &str = "Wastewater|Industrial";
    /// Fluorinated gases of refrigerant banks that count in the totals, CO2e; with
    /// `|<gas>` the mass of one gas (docs/EXTENSIONS.md, "Refrigerants and other F-gases").
    pub const EMISSIONS_FGASES: &str = "Emissions|F-Gases";
    /// Memo: Montreal Protocol gases of refrigerant banks (HCFC-22), CO2e; with `|<gas>` the
    /// mass of one gas. Not in any total.
    pub const MEMO_MONTREAL_GASES: &str = "Emissions|CO2e|Memo|Montreal Gases";
    /// Prefix of a land class's area rows: `Land Area|<source path>` (ha).
    pub const LAND_AREA: &str = "Land Area";
    /// Prefix of a land class's CO2 rows: `Emissions|CO2|Land|<source path>|Remaining` and
    /// `…|Converted` (docs/EXTENSIONS.md, "Land-use change").
    pub const EMISSIONS_CO2_LAND: &str = "Emissions|CO2|Land";
    /// Suffix: CO2 of land remaining in its class (removals are negative).
    pub const LAND_REMAINING: &str = "Remaining";
    /// Suffix: CO2 of land converted from its class (biomass and soil carbon lost).
    pub const LAND_CONVERTED: &str = "Converted";
    /// Memo: power stations in the region, GPC I.4.4 "energy generation supplied to the
    /// grid" (scope 1, never in the total); with `|<plant>` one station.
    pub const MEMO_GRID_GENERATION: &str =
        "Emissions|CO2e|Memo|Energy Generation Supplied to the Grid";
    /// Prefix of a power station's generation: `Electricity|Supplied to the Grid|<plant>`.
    pub const ELECTRICITY_SUPPLIED_TO_GRID: &str = "Electricity|Supplied to the Grid";
    /// Grid electricity covered by market instruments (green tariffs, certificates, PPAs).
    pub const ELECTRICITY_INSTRUMENTS: &str = "Electricity|Market Instruments";
    /// Market-based grid emissions (docs/EXTENSIONS.md, "Market-based electricity").
    pub const MARKET_GRID_EMISSIONS: &str = "Emissions|CO2e|Memo|Market-based|Electricity";
    /// The market-based total: the total with the grid emissions on a market basis.
    pub const MARKET_TOTAL: &str = "Emissions|CO2e|Memo|Market-based";

    /// The sector of a row of the sector view (`Emissions|CO2e|<sector>`, MODEL.md §10), or
    /// `None` for any other row (the total, and detail rows such as
    /// `Emissions|CO2e|industry|Direct` or `Emissions|CO2e|Waste|Landfill`).
    pub fn sector(variable: &str) -> Option<&str> {
        variable
            .strip_prefix(EMISSIONS_CO2E)?
            .strip_prefix('|')
            .filter(|s| !s.contains('|'))
    }
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
    /// Direct emissions of top-level node `i`.
    Direct(usize),
    /// Grid emissions allocated to top-level node `i`.
    Allocated(usize),
    /// Grid emissions due to T&D losses.
    LossEmissions,
    /// Waste emissions of one process, in CO2e: the (row, gas) parts of `waste_detail` it
    /// adds up, each weighted by its gas's GWP ([`Gas::gwp`]).
    WasteProcess(&'static [(usize, Gas)]),
    /// A row of `wastewater_t` and its factor to the row's unit.
    Wastewater(usize, f64),
    /// Industrial wastewater CH4 of every industry.
    IndustrialCh4,
    /// A row of the inventory extensions.
    Inventory(crate::inventory::InvRow),
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
            format!("{}|{name}", var::DRIVERS),
            unit,
            Source::Slot(slot, 1.0 / factor),
        );
    }
    for (d, name, unit, factor) in &l.intensity_drivers {
        push(
            format!("{}|{name}", var::EMISSIONS_INTENSITY),
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
    let solid = c.waste.as_ref();
    if solid.is_some() {
        let detail = [
            (var::WASTE_LANDFILL, "t/yr", waste_row::LANDFILL),
            (var::WASTE_RECYCLING, "t/yr", waste_row::RECYCLING),
            (var::WASTE_COMPOSTING, "t/yr", waste_row::COMPOSTING),
            (var::WASTE_INCINERATION, "t/yr", waste_row::INCINERATION),
            (var::CH4_LANDFILL, "kt CH4/yr", waste_row::LANDFILL_CH4),
            (var::CH4_COMPOSTING, "kt CH4/yr", waste_row::COMPOSTING_CH4),
            (var::N2O_COMPOSTING, "kt N2O/yr", waste_row::COMPOSTING_N2O),
            (
                var::CO2_INCINERATION,
                "kt CO2/yr",
                waste_row::INCINERATION_CO2,
            ),
        ];
        for (name, unit, row) in detail {
            push(name.into(), unit, Source::WasteDetail(row));
        }
    }
    // For GPC tables (issue 10): each top-level sector's direct and electricity emissions,
    // the emissions of T&D losses, and waste by process.
    for (t, top) in l.tops.iter().enumerate() {
        push(
            format!("{}|{top}|{}", var::EMISSIONS_CO2E, var::DIRECT),
            "kt CO2e/yr",
            Source::Direct(t),
        );
        push(
            format!("{}|{top}|{}", var::EMISSIONS_CO2E, var::ELECTRICITY),
            "kt CO2e/yr",
            Source::Allocated(t),
        );
    }
    if has_electricity {
        push(
            var::EMISSIONS_TD_LOSSES.into(),
            "kt CO2e/yr",
            Source::LossEmissions,
        );
    }
    if let Some(w) = solid {
        use waste_row as r;
        for (process, source) in waste_process_rows(c) {
            let name = match process {
                "landfill" => var::CO2E_LANDFILL,
                "composting" => var::CO2E_COMPOSTING,
                "anaerobic_digestion" => var::CO2E_AD,
                "incineration" => var::CO2E_INCINERATION,
                _ => continue,
            };
            push(name.into(), "kt CO2e/yr", source);
        }
        if w.uses_ad {
            push(
                var::WASTE_AD.into(),
                "t/yr",
                Source::WasteDetail(r::ANAEROBIC_DIGESTION),
            );
            push(
                var::CH4_AD.into(),
                "kt CH4/yr",
                Source::WasteDetail(r::AD_CH4),
            );
            push(
                var::N2O_AD.into(),
                "kt N2O/yr",
                Source::WasteDetail(r::AD_N2O),
            );
            push(
                var::ELECTRICITY_BIOGAS.into(),
                "MWh/yr",
                Source::Elec(elec_row::BIOGAS),
            );
        }
    }
    if let Some(ww) = &c.wastewater {
        use wastewater_row as r;
        push(
            var::CO2E_WASTEWATER.into(),
            "kt CO2e/yr",
            Source::WasteProcess(WASTEWATER_PARTS),
        );
        if let Some(d) = &ww.domestic {
            push(
                var::WASTEWATER_DOMESTIC_ORGANICS.into(),
                "t BOD/yr",
                Source::Wastewater(r::DOMESTIC_ORGANICS, 1.0),
            );
            push(
                var::CH4_WASTEWATER_DOMESTIC.into(),
                "kt CH4/yr",
                Source::Wastewater(r::DOMESTIC_CH4, 1e-3),
            );
            if d.nitrogen.is_some() {
                push(
                    var::N2O_WASTEWATER_DOMESTIC.into(),
                    "kt N2O/yr",
                    Source::Wastewater(r::DOMESTIC_N2O, 1e-3),
                );
            }
        }
        if !ww.industrial.is_empty() {
            push(
                var::CH4_WASTEWATER_INDUSTRIAL.into(),
                "kt CH4/yr",
                Source::IndustrialCh4,
            );
        }
        for (i, name) in l.industries.iter().enumerate() {
            push(
                format!("{}|{name}|Organics", var::WASTEWATER_INDUSTRIAL),
                "t COD/yr",
                Source::Wastewater(r::industry(i), 1.0),
            );
            push(
                format!("{}|{name}", var::CH4_WASTEWATER_INDUSTRIAL),
                "kt CH4/yr",
                Source::Wastewater(r::industry(i) + 1, 1e-3),
            );
        }
    }
    crate::inventory::row_specs(&c.inventory, &mut |variable, unit, r| {
        v.push(RowSpec {
            variable,
            unit: unit.to_string(),
            source: Source::Inventory(r),
        })
    });
    v
}

/// The (row, gas) parts of `waste_detail` of wastewater.
const WASTEWATER_PARTS: &[(usize, Gas)] = &[
    (waste_row::WASTEWATER_CH4, Gas::Ch4),
    (waste_row::WASTEWATER_N2O, Gas::N2o),
];

/// The waste processes of a compiled scenario, in row order, with the source of their CO2e
/// row (`Emissions|CO2e|Waste|<process>`): landfill, composting, anaerobic digestion (when
/// used), incineration, wastewater (when the model has it).
pub(crate) fn waste_process_rows(c: &Compiled) -> Vec<(&'static str, Source)> {
    use waste_row as r;
    let mut v = Vec::new();
    if let Some(w) = &c.waste {
        v.push((
            "landfill",
            Source::WasteProcess(&[(r::LANDFILL_CH4, Gas::Ch4)]),
        ));
        v.push((
            "composting",
            Source::WasteProcess(&[(r::COMPOSTING_CH4, Gas::Ch4), (r::COMPOSTING_N2O, Gas::N2o)]),
        ));
        if w.uses_ad {
            v.push((
                "anaerobic_digestion",
                Source::WasteProcess(&[(r::AD_CH4, Gas::Ch4), (r::AD_N2O, Gas::N2o)]),
            ));
        }
        v.push((
            "incineration",
            Source::WasteProcess(&[(r::INCINERATION_CO2, Gas::Co2)]),
        ));
    }
    if c.wastewater.is_some() {
        v.push(("wastewater", Source::WasteProcess(WASTEWATER_PARTS)));
    }
    v
}

/// Row `i` of an output array (created in standard layout).
fn row(a: &ndarray::Array2<f64>, i: usize, n: usize) -> &[f64] {
    &a.as_slice()
        .expect("outputs are created in standard layout")[i * n..i * n + n]
}

/// Fills one row's values over all years, in the row's unit; NaN where undefined.
#[inline(always)]
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
            let mass = [
                waste_row::LANDFILL,
                waste_row::RECYCLING,
                waste_row::COMPOSTING,
                waste_row::INCINERATION,
                waste_row::ANAEROBIC_DIGESTION,
            ];
            let f = if mass.contains(&i) { 1.0 } else { 1e-3 };
            scaled(dst, row(&o.waste_detail, i, n), f)
        }
        Source::Direct(t) => scaled(dst, row(&o.direct_t, t, n), 1e-3),
        Source::Allocated(t) => scaled(dst, row(&o.electricity_t, t, n), 1e-3),
        Source::LossEmissions => scaled(dst, row(&o.elec_mwh, elec_row::LOSS_EMISSIONS, n), 1e-3),
        Source::WasteProcess(parts) => {
            dst.fill(0.0);
            for &(r, g) in parts {
                let w = g.gwp((c.gwp_ch4, c.gwp_n2o)) * 1e-3;
                dst.iter_mut()
                    .zip(row(&o.waste_detail, r, n))
                    .for_each(|(d, v)| *d += v * w);
            }
        }
        Source::Wastewater(r, f) => scaled(dst, row(&o.wastewater_t, r, n), f),
        Source::IndustrialCh4 => {
            dst.fill(0.0);
            let k = (o.wastewater_t.nrows() - wastewater_row::industry(0)) / 2;
            for i in 0..k {
                dst.iter_mut()
                    .zip(row(&o.wastewater_t, wastewater_row::industry(i) + 1, n))
                    .for_each(|(d, v)| *d += v * 1e-3);
            }
        }
        Source::Inventory(r) => crate::inventory::fill_row(&o.inventory, r, n, dst),
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
    // As code for the processor's widest instruction set (the same bits): an ensemble
    // copies every row of every sample.
    crate::eval::fastest_code(
        #[inline(always)]
        || {
            for (r, s) in c.row_specs.iter().enumerate() {
                fill_row(c, ws, &s.source, &mut out[r * n..r * n + n]);
            }
        },
    )
}
