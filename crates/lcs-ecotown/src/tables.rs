//! The eco-town factor tables, embedded from `data/factors/` and read with the one table
//! reader of lcs ([`lcs_factors::table::Csv`]): every row has a source and a status.
//!
//! - `materials.csv`: per material, its role (`product`: a virgin material or fuel that a
//!   by-product replaces, with its cradle-to-gate factor; `byproduct`: a by-product, with the
//!   IPCC waste type it is when disposed of), its basis (`mass`: t CO2e per t; `energy`:
//!   t CO2e per GJ, plus the combustion factors of a fuel of the region's fuel table).
//! - `transport_modes.csv`: t CO2e per t·km by mode.
//! - `open_burning.csv`: the oxidation factor and CH4 and N2O of open burning.

use lcs_factors::table::{Csv, TableError};
use lcs_factors::WasteType;
use std::sync::OnceLock;

pub(crate) const MATERIALS_CSV: &str = include_str!("../../../data/factors/materials.csv");
pub(crate) const MODES_CSV: &str = include_str!("../../../data/factors/transport_modes.csv");
pub(crate) const OPEN_BURNING_CSV: &str = include_str!("../../../data/factors/open_burning.csv");

/// What a material is in a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A virgin material or fuel that a by-product can replace (it has a factor).
    Product,
    /// A by-product or waste (it has a waste type).
    Byproduct,
}

/// How a product's factor is expressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// t CO2e per t of the product.
    Mass,
    /// t CO2e per GJ of the fuel (upstream only; combustion from the region's fuel table).
    Energy,
}

/// One row of `materials.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Material {
    /// Material id.
    pub id: &'static str,
    /// Product or by-product.
    pub role: Role,
    /// Mass or energy basis.
    pub basis: Basis,
    /// Cradle-to-gate factor: t CO2e per t (mass basis) or per GJ (energy basis, the part
    /// before combustion).
    pub ef_t_co2e: f64,
    /// For an energy-basis product: the fuel id of the region's fuel table whose combustion
    /// is avoided.
    pub fuel: Option<&'static str>,
    /// For a by-product: its IPCC waste type when disposed of.
    pub waste_type: Option<WasteType>,
    /// Display name.
    pub name: &'static str,
}

/// One row of `transport_modes.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Mode {
    /// Mode id.
    pub id: &'static str,
    /// t CO2e per t·km.
    pub ef_t_co2e_per_tkm: f64,
    /// Display name.
    pub name: &'static str,
}

/// The open-burning constants (IPCC 2006 Vol. 5 Ch. 5).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OpenBurning {
    /// Share of the carbon oxidised.
    pub oxidation: f64,
    /// t CH4 per t of wet waste burnt.
    pub ch4_t_per_t: f64,
    /// t N2O per t of dry matter burnt.
    pub n2o_t_per_t_dry: f64,
}

/// The three tables.
#[derive(Clone, Debug)]
pub struct Tables {
    /// Materials in file order.
    pub materials: Vec<Material>,
    /// Transport modes in file order.
    pub modes: Vec<Mode>,
    /// Open burning.
    pub open_burning: OpenBurning,
}

impl Tables {
    /// The tables embedded from `data/factors/`.
    pub fn builtin() -> &'static Tables {
        static T: OnceLock<Tables> = OnceLock::new();
        T.get_or_init(|| {
            Tables::parse(MATERIALS_CSV, MODES_CSV, OPEN_BURNING_CSV).unwrap_or_else(|e| {
                panic!("embedded eco-town data in data/factors is invalid: {e}")
            })
        })
    }

    /// Reads tables from CSV text in the form of `data/factors/`.
    pub fn parse(
        materials: &'static str,
        modes: &'static str,
        open_burning: &'static str,
    ) -> Result<Tables, TableError> {
        let csv = Csv::parse(
            "materials.csv",
            materials,
            &[
                "material",
                "role",
                "basis",
                "ef_t_co2e",
                "fuel",
                "waste_type",
                "name",
                "source",
                "status",
                "derivation",
            ],
        )?;
        let mut out = Vec::new();
        for row in csv.rows() {
            let id = row.get("material")?;
            if out.iter().any(|m: &Material| m.id == id) {
                return Err(row.err(&format!("material `{id}` is listed twice")));
            }
            let role = match row.get("role")? {
                "product" => Role::Product,
                "byproduct" => Role::Byproduct,
                r => return Err(row.invalid("role", r, "`product` or `byproduct`")),
            };
            let basis = match row.get("basis")? {
                "mass" => Basis::Mass,
                "energy" => Basis::Energy,
                b => return Err(row.invalid("basis", b, "`mass` or `energy`")),
            };
            let fuel = Some(row.get("fuel")?).filter(|f| !f.is_empty());
            if (basis == Basis::Energy) != fuel.is_some() {
                return Err(row.err("an energy-basis product names a `fuel`, and only it does"));
            }
            let waste_type = match row.get("waste_type")? {
                "" => None,
                w => Some(
                    WasteType::parse(w)
                        .ok_or_else(|| row.err(&format!("unknown waste type `{w}`")))?,
                ),
            };
            if role == Role::Byproduct && waste_type.is_none() {
                return Err(row.err("a by-product needs a `waste_type`"));
            }
            out.push(Material {
                id,
                role,
                basis,
                ef_t_co2e: row.num("ef_t_co2e")?,
                fuel,
                waste_type,
                name: row.get("name")?,
            });
        }
        let csv = Csv::parse(
            "transport_modes.csv",
            modes,
            &[
                "mode",
                "ef_t_co2e_per_tkm",
                "name",
                "source",
                "status",
                "derivation",
            ],
        )?;
        let mut m = Vec::new();
        for row in csv.rows() {
            m.push(Mode {
                id: row.get("mode")?,
                ef_t_co2e_per_tkm: row.num("ef_t_co2e_per_tkm")?,
                name: row.get("name")?,
            });
        }
        let csv = Csv::parse(
            "open_burning.csv",
            open_burning,
            &["item", "value", "unit", "source", "status", "derivation"],
        )?;
        let (mut ox, mut ch4, mut n2o) = (None, None, None);
        for row in csv.rows() {
            let v = row.num("value")?;
            match row.get("item")? {
                "oxidation_factor" => ox = Some(v),
                // kg per t → t per t.
                "ch4" => ch4 = Some(v * 1e-3),
                "n2o" => n2o = Some(v * 1e-3),
                i => return Err(row.err(&format!("unknown item `{i}`"))),
            }
        }
        let missing = |what: &str| TableError::Missing {
            file: "open_burning.csv",
            row: format!("`{what}`"),
        };
        Ok(Tables {
            materials: out,
            modes: m,
            open_burning: OpenBurning {
                oxidation: ox.ok_or_else(|| missing("oxidation_factor"))?,
                ch4_t_per_t: ch4.ok_or_else(|| missing("ch4"))?,
                n2o_t_per_t_dry: n2o.ok_or_else(|| missing("n2o"))?,
            },
        })
    }

    /// A material by id.
    pub fn material(&self, id: &str) -> Option<&Material> {
        self.materials.iter().find(|m| m.id == id)
    }

    /// A transport mode by id.
    pub fn mode(&self, id: &str) -> Option<&Mode> {
        self.modes.iter().find(|m| m.id == id)
    }

    /// Ids of the materials of a role, in file order.
    pub fn ids(&self, role: Role) -> Vec<&'static str> {
        self.materials
            .iter()
            .filter(|m| m.role == role)
            .map(|m| m.id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_parse_with_the_rows_the_brief_asks_for() {
        let t = Tables::builtin();
        for id in [
            "clinker",
            "cement",
            "steel_bf_bof",
            "steel_eaf",
            "virgin_plastic",
            "base_oil",
            "aluminium",
            "glass",
            "coal",
            "fertiliser_n",
        ] {
            let m = t.material(id).unwrap_or_else(|| panic!("{id}"));
            assert_eq!(m.role, Role::Product, "{id}");
        }
        assert_eq!(t.material("coal").map(|m| m.basis), Some(Basis::Energy));
        assert_eq!(
            t.material("eaf_slag").and_then(|m| m.waste_type),
            Some(WasteType::Inert)
        );
        for id in ["truck", "rail", "ship"] {
            assert!(t.mode(id).is_some(), "{id}");
        }
        // 90.3 g CO2 per t·km = 9.03e-5 t.
        assert_eq!(
            t.mode("truck").map(|m| m.ef_t_co2e_per_tkm),
            Some(0.0000903)
        );
        assert!((t.open_burning.ch4_t_per_t - 0.0065).abs() < 1e-15);
    }
}
