//! Factors of the inventory extensions (docs/EXTENSIONS.md): GWP-100 of fluorinated gases
//! (`data/factors/fgases.csv`), IPCC 2006 Vol. 3 Tier 1 process factors
//! (`data/factors/ippu_processes.csv`) and IPCC Tier 1 carbon stocks of land covers
//! (`data/factors/land_carbon.csv`).
//!
//! Units: a GWP is kg CO2e per kg of gas; a process factor is t of gas per t of product; a
//! carbon stock is t C per ha (`land_carbon_t_co2_per_ha` converts with 44/12).

use crate::table::{Csv, TableError};
use crate::GwpSet;
use std::sync::OnceLock;

pub(crate) const FGASES_CSV: &str = include_str!("../../../data/factors/fgases.csv");
pub(crate) const IPPU_CSV: &str = include_str!("../../../data/factors/ippu_processes.csv");
pub(crate) const LAND_CSV: &str = include_str!("../../../data/factors/land_carbon.csv");

/// Whether a fluorinated gas counts in the totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    /// In the CO2e totals (the Kyoto basket of the UNFCCC and the GPC: HFCs, PFCs, SF6, NF3;
    /// HFOs too, see the table's rows).
    Total,
    /// A memo item only (Montreal Protocol gases such as HCFC-22, outside the UNFCCC basket).
    Memo,
}

/// A fluorinated gas of `data/factors/fgases.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct FGas {
    /// Its id as written in the table and in a model (`HFC-134a`).
    pub id: String,
    /// Whether it counts in the totals.
    pub counted: Counted,
    /// GWP-100 by set (AR4, AR5, AR6), kg CO2e per kg.
    pub gwp: [f64; 3],
}

/// One IPCC Tier 1 process factor: t of `gas` (`CO2`, `CH4` or `N2O`) per t of product.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessFactor {
    /// The gas.
    pub gas: String,
    /// t of gas per t of product.
    pub t_per_t: f64,
}

/// An industrial process of `data/factors/ippu_processes.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Process {
    /// Its id (`ethylene_naphtha`).
    pub id: String,
    /// What the activity counts (`t ethylene`), for messages and docs.
    pub product: String,
    /// Its factors, in table order.
    pub factors: Vec<ProcessFactor>,
}

/// A land cover of `data/factors/land_carbon.csv`: IPCC Tier 1 carbon stocks.
#[derive(Clone, Debug, PartialEq)]
pub struct LandCover {
    /// Its id (`mangrove_tropical_wet`).
    pub id: String,
    /// Carbon in above- and below-ground biomass, t C per ha.
    pub biomass_t_c_per_ha: f64,
    /// Soil organic carbon, t C per ha (the table's reference depth).
    pub soil_t_c_per_ha: f64,
}

/// t CO2 per t C (44/12).
pub const CO2_PER_C: f64 = 44.0 / 12.0;

struct Tables {
    fgases: Vec<FGas>,
    processes: Vec<Process>,
    covers: Vec<LandCover>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        load().unwrap_or_else(|e| panic!("embedded factor data in data/factors is invalid: {e}"))
    })
}

fn load() -> Result<Tables, TableError> {
    // F-gases: one row per (set, gas).
    let csv = Csv::parse(
        "fgases.csv",
        FGASES_CSV,
        &["set", "gas", "counted", "gwp100", "source", "status"],
    )?;
    let mut fgases: Vec<(FGas, [bool; 3])> = Vec::new();
    for row in csv.rows() {
        let set = row.get("set")?;
        let s = GwpSet::parse(set).ok_or_else(|| row.err(&format!("unknown GWP set `{set}`")))?;
        let id = row.get("gas")?;
        let counted = match row.get("counted")? {
            "total" => Counted::Total,
            "memo" => Counted::Memo,
            c => return Err(row.invalid("counted", c, "total or memo")),
        };
        let v = row.num("gwp100")?;
        let i = match fgases.iter().position(|(g, _)| g.id == id) {
            Some(i) => i,
            None => {
                fgases.push((
                    FGas {
                        id: id.to_string(),
                        counted,
                        gwp: [0.0; 3],
                    },
                    [false; 3],
                ));
                fgases.len() - 1
            }
        };
        let (g, seen) = &mut fgases[i];
        if seen[s as usize] {
            return Err(row.err(&format!("duplicate row for {set}/{id}")));
        }
        if g.counted != counted {
            return Err(row.err(&format!("`{id}` is counted differently in another row")));
        }
        seen[s as usize] = true;
        g.gwp[s as usize] = v;
    }
    for (g, seen) in &fgases {
        if let Some(s) = seen.iter().position(|x| !x) {
            return Err(TableError::Missing {
                file: "fgases.csv",
                row: format!("`{}` in {}", g.id, GwpSet::ALL[s].name()),
            });
        }
    }
    // Processes.
    let csv = Csv::parse(
        "ippu_processes.csv",
        IPPU_CSV,
        &["process", "gas", "value", "product", "source", "status"],
    )?;
    let mut processes: Vec<Process> = Vec::new();
    for row in csv.rows() {
        let id = row.get("process")?;
        let gas = row.get("gas")?;
        if !["CO2", "CH4", "N2O"].contains(&gas) {
            return Err(row.err(&format!("gas is `{gas}`, expected CO2, CH4 or N2O")));
        }
        let f = ProcessFactor {
            gas: gas.to_string(),
            t_per_t: row.num("value")?,
        };
        match processes.iter_mut().find(|p| p.id == id) {
            Some(p) => {
                if p.factors.iter().any(|x| x.gas == gas) {
                    return Err(row.err(&format!("duplicate row for {id}/{gas}")));
                }
                p.factors.push(f);
            }
            None => processes.push(Process {
                id: id.to_string(),
                product: row.get("product")?.to_string(),
                factors: vec![f],
            }),
        }
    }
    // Land covers: one row per (cover, pool), pools `biomass` and `soil`.
    let csv = Csv::parse(
        "land_carbon.csv",
        LAND_CSV,
        &[
            "cover",
            "pool",
            "value",
            "unit",
            "source",
            "status",
            "derivation",
        ],
    )?;
    let mut covers: Vec<(String, Option<f64>, Option<f64>)> = Vec::new();
    for row in csv.rows() {
        let id = row.get("cover")?;
        if row.get("unit")? != "t C/ha" {
            return Err(row.err("`unit` must be `t C/ha`"));
        }
        let v = row.num("value")?;
        let i = match covers.iter().position(|c| c.0 == id) {
            Some(i) => i,
            None => {
                covers.push((id.to_string(), None, None));
                covers.len() - 1
            }
        };
        let slot = match row.get("pool")? {
            "biomass" => &mut covers[i].1,
            "soil" => &mut covers[i].2,
            p => return Err(row.err(&format!("pool is `{p}`, expected biomass or soil"))),
        };
        if slot.replace(v).is_some() {
            return Err(row.err(&format!("duplicate row for {id}")));
        }
    }
    let covers = covers
        .into_iter()
        .map(|(id, b, s)| match (b, s) {
            (Some(b), Some(s)) => Ok(LandCover {
                id,
                biomass_t_c_per_ha: b,
                soil_t_c_per_ha: s,
            }),
            (b, _) => Err(TableError::Missing {
                file: "land_carbon.csv",
                row: format!("`{id}` {}", if b.is_none() { "biomass" } else { "soil" }),
            }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Tables {
        fgases: fgases.into_iter().map(|(g, _)| g).collect(),
        processes,
        covers,
    })
}

/// The fluorinated gas `id` (`HFC-134a`), if the table has it.
pub fn fgas(id: &str) -> Option<&'static FGas> {
    tables().fgases.iter().find(|g| g.id == id)
}

/// The ids of every fluorinated gas of the table, in table order.
pub fn fgas_ids() -> Vec<&'static str> {
    tables().fgases.iter().map(|g| g.id.as_str()).collect()
}

impl FGas {
    /// Its GWP-100 in a set, kg CO2e per kg.
    pub fn gwp(&self, set: GwpSet) -> f64 {
        self.gwp[set as usize]
    }
}

/// The industrial process `id`, if the table has it.
pub fn process(id: &str) -> Option<&'static Process> {
    tables().processes.iter().find(|p| p.id == id)
}

/// The ids of every process of the table.
pub fn process_ids() -> Vec<&'static str> {
    tables().processes.iter().map(|p| p.id.as_str()).collect()
}

/// The land cover `id`, if the table has it.
pub fn land_cover(id: &str) -> Option<&'static LandCover> {
    tables().covers.iter().find(|c| c.id == id)
}

/// The ids of every land cover of the table.
pub fn land_cover_ids() -> Vec<&'static str> {
    tables().covers.iter().map(|c| c.id.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fgas_gwps_are_the_tables_values() {
        // AR5 Table 8.A.1 via openclimatedata: HFC-134a 1300, HFC-32 677, HFC-125 3170.
        let g = fgas("HFC-134a").expect("HFC-134a");
        assert_eq!(g.gwp(GwpSet::AR4), 1430.0);
        assert_eq!(g.gwp(GwpSet::AR5), 1300.0);
        assert_eq!(g.gwp(GwpSet::AR6), 1530.0);
        assert_eq!(g.counted, Counted::Total);
        // R-410A = 50 % HFC-32 + 50 % HFC-125 by mass: 0.5 × 677 + 0.5 × 3170 = 1923.5.
        let r410a = 0.5 * fgas("HFC-32").unwrap().gwp(GwpSet::AR5)
            + 0.5 * fgas("HFC-125").unwrap().gwp(GwpSet::AR5);
        assert_eq!(r410a, 1923.5);
        assert_eq!(fgas("HCFC-22").unwrap().counted, Counted::Memo);
        assert!(fgas("HFC134a").is_none());
        assert!(fgas_ids().len() >= 15);
    }

    #[test]
    fn process_and_land_tables_load() {
        let p = process("ethylene_naphtha").expect("ethylene");
        assert_eq!(p.product, "t ethylene");
        assert_eq!(p.factors[0].gas, "CO2");
        assert_eq!(p.factors[0].t_per_t, 1.73);
        assert_eq!(p.factors[1].t_per_t, 0.003);
        assert!(process_ids().contains(&"cement_clinker"));
        let m = land_cover("mangrove_tropical_wet").expect("mangrove");
        // 192 × 1.49 × 0.451 = 129.0 t C/ha; × 44/12 = 473.0 t CO2/ha.
        assert_eq!(m.biomass_t_c_per_ha, 129.0);
        assert!((m.biomass_t_c_per_ha * CO2_PER_C - 473.0).abs() < 0.01);
        let f = land_cover("tropical_rainforest_insular_asia").expect("forest");
        assert!((f.biomass_t_c_per_ha - 350.0 * 1.37 * 0.47).abs() < 0.05);
        assert_eq!(land_cover_ids().len(), 2);
    }
}
