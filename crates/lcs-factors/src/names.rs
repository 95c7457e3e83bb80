//! Display names of built-in ids, from `data/names.csv` (embedded): fuels, waste types,
//! waste routes, gases, and common sector and driver ids (`natural_gas` → "Natural gas",
//! `landfill` → "Landfill", `passenger` → "Passenger transport").
//!
//! Reports show these names where a model gives none of its own (a `name:` key, read by
//! `lcs-model`); results keep the ids. The table holds words, not numbers: its `source`
//! column says `lcs display name` and its `status` column `DISPLAY`.

use crate::table::{Csv, TableError};
use std::sync::OnceLock;

pub(crate) const NAMES_CSV: &str = include_str!("../../../data/names.csv");

/// What kind of id a display name is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameKind {
    /// A fuel id (`natural_gas`).
    Fuel,
    /// A waste type (`food`).
    WasteType,
    /// A waste route (`landfill`).
    Route,
    /// A gas (`CH4`).
    Gas,
    /// A sector: a top-level demand node, `Waste` or a source sector (`afolu`).
    Sector,
    /// A driver (`gdp`).
    Driver,
}

impl NameKind {
    /// All kinds, in the order of the `kind` column's documentation.
    pub const ALL: [NameKind; 6] = [
        NameKind::Fuel,
        NameKind::WasteType,
        NameKind::Route,
        NameKind::Gas,
        NameKind::Sector,
        NameKind::Driver,
    ];

    /// The kind as written in `data/names.csv`.
    pub fn name(self) -> &'static str {
        match self {
            NameKind::Fuel => "fuel",
            NameKind::WasteType => "waste_type",
            NameKind::Route => "route",
            NameKind::Gas => "gas",
            NameKind::Sector => "sector",
            NameKind::Driver => "driver",
        }
    }

    fn parse(s: &str) -> Option<NameKind> {
        NameKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

type Entries = Vec<(NameKind, &'static str, &'static str)>;

fn load() -> Result<Entries, TableError> {
    let csv = Csv::parse(
        "data/names.csv",
        NAMES_CSV,
        &["kind", "id", "name", "source", "status"],
    )?;
    let mut out: Entries = Vec::new();
    for row in csv.rows() {
        let kind = row.get("kind")?;
        let kind =
            NameKind::parse(kind).ok_or_else(|| row.err(&format!("unknown kind `{kind}`")))?;
        let (id, name) = (row.get("id")?, row.get("name")?);
        if id.is_empty() || name.is_empty() {
            return Err(row.err("empty `id` or `name`"));
        }
        if out.iter().any(|(k, i, _)| *k == kind && *i == id) {
            return Err(row.err(&format!("duplicate {} `{id}`", kind.name())));
        }
        out.push((kind, id, name));
    }
    Ok(out)
}

fn entries() -> &'static Entries {
    static NAMES: OnceLock<Entries> = OnceLock::new();
    NAMES.get_or_init(|| {
        load()
            .unwrap_or_else(|e| panic!("embedded display names in data/names.csv are invalid: {e}"))
    })
}

/// The built-in display name of an id, if `data/names.csv` has one.
pub fn builtin_name(kind: NameKind, id: &str) -> Option<&'static str> {
    entries()
        .iter()
        .find(|(k, i, _)| *k == kind && *i == id)
        .map(|(_, _, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FuelTable, WasteType};

    #[test]
    fn every_builtin_fuel_waste_type_route_and_gas_has_a_name() {
        assert!(load().is_ok(), "{:?}", load().err());
        for id in FuelTable::builtin().ids() {
            assert!(builtin_name(NameKind::Fuel, id).is_some(), "fuel {id}");
        }
        for w in WasteType::ALL {
            assert!(
                builtin_name(NameKind::WasteType, w.name()).is_some(),
                "{w:?}"
            );
        }
        for r in ["landfill", "recycling", "composting", "incineration"] {
            assert!(builtin_name(NameKind::Route, r).is_some(), "{r}");
        }
        for g in ["CO2", "CH4", "N2O", "CO2e"] {
            assert!(builtin_name(NameKind::Gas, g).is_some(), "{g}");
        }
        assert_eq!(
            builtin_name(NameKind::Fuel, "natural_gas"),
            Some("Natural gas")
        );
        assert_eq!(
            builtin_name(NameKind::Sector, "passenger"),
            Some("Passenger transport")
        );
        assert_eq!(builtin_name(NameKind::Sector, "no_such_sector"), None);
    }
}
