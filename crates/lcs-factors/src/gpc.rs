//! The GPC reporting tables (`data/gpc/`): the sub-sectors of the Global Protocol for
//! Community-Scale Greenhouse Gas Inventories (v1.1) with the reporting level of each scope
//! (BASIC, BASIC+, memo, not applicable), and the default mapping of a model's emission
//! sources (IPCC combustion categories, waste processes, source forms and sectors) to them.
//! `lcs-report` builds the GPC table from them; `lcs-model` checks a model's own mapping
//! (`report.gpc`) against the sub-sectors.

use crate::table::{Csv, TableError};
use std::sync::OnceLock;

pub(crate) const SUBSECTORS_CSV: &str = include_str!("../../../data/gpc/subsectors.csv");
pub(crate) const MAPPING_CSV: &str = include_str!("../../../data/gpc/mapping.csv");

/// How a scope of a sub-sector is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// In BASIC (and so in BASIC+).
    Basic,
    /// In BASIC+ only.
    BasicPlus,
    /// Reported, in no total (I.4.4, energy generation supplied to the grid).
    Memo,
    /// The scope does not apply to the sub-sector.
    NotApplicable,
}

/// A GPC sub-sector (a row of the GPC table).
#[derive(Clone, Debug, PartialEq)]
pub struct SubSector {
    /// Reference number, `I.1` … `V.3` (and `I.4.4`).
    pub id: String,
    /// The sector, `I Stationary energy`.
    pub sector: String,
    /// The sub-sector's name.
    pub name: String,
    /// The reporting level of scopes 1, 2 and 3.
    pub levels: [Level; 3],
}

/// One default mapping row: what kind of model quantity, its key, the sub-sector and scope.
#[derive(Clone, Debug, PartialEq)]
pub struct MapRow {
    /// `category`, `waste`, `form`, `sector` or `memo`.
    pub kind: String,
    /// The category, process, form, sector or memo id.
    pub key: String,
    /// The sub-sector id.
    pub gpc: String,
    /// The scope (1, 2 or 3).
    pub scope: u8,
}

/// Notation keys for empty cells: not occurring, not estimated, included elsewhere,
/// confidential.
pub const NOTATION_KEYS: [&str; 4] = ["NO", "NE", "IE", "C"];

struct Tables {
    subsectors: Vec<SubSector>,
    mapping: Vec<MapRow>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        load().unwrap_or_else(|e| panic!("embedded GPC tables in data/gpc are invalid: {e}"))
    })
}

fn load() -> Result<Tables, TableError> {
    let csv = Csv::parse(
        "subsectors.csv",
        SUBSECTORS_CSV,
        &[
            "id", "sector", "name", "scope1", "scope2", "scope3", "source", "status",
        ],
    )?;
    let mut subsectors: Vec<SubSector> = Vec::new();
    for row in csv.rows() {
        let mut levels = [Level::NotApplicable; 3];
        for (i, col) in ["scope1", "scope2", "scope3"].iter().enumerate() {
            levels[i] = match row.get(col)? {
                "BASIC" => Level::Basic,
                "BASIC+" => Level::BasicPlus,
                "memo" => Level::Memo,
                "-" => Level::NotApplicable,
                x => return Err(row.err(&format!("`{col}` is `{x}`"))),
            };
        }
        let id = row.get("id")?;
        if subsectors.iter().any(|s| s.id == id) {
            return Err(row.err(&format!("duplicate sub-sector `{id}`")));
        }
        subsectors.push(SubSector {
            id: id.to_string(),
            sector: row.get("sector")?.to_string(),
            name: row.get("name")?.to_string(),
            levels,
        });
    }
    let csv = Csv::parse(
        "mapping.csv",
        MAPPING_CSV,
        &["kind", "key", "gpc", "scope", "source", "status", "note"],
    )?;
    let mut mapping = Vec::new();
    for row in csv.rows() {
        let gpc = row.get("gpc")?;
        if !subsectors.iter().any(|s| s.id == gpc) {
            return Err(row.err(&format!("unknown sub-sector `{gpc}`")));
        }
        let scope = match row.get("scope")? {
            "1" => 1,
            "2" => 2,
            "3" => 3,
            x => return Err(row.err(&format!("scope `{x}`"))),
        };
        mapping.push(MapRow {
            kind: row.get("kind")?.to_string(),
            key: row.get("key")?.to_string(),
            gpc: gpc.to_string(),
            scope,
        });
    }
    Ok(Tables {
        subsectors,
        mapping,
    })
}

/// Every sub-sector, in table order.
pub fn subsectors() -> &'static [SubSector] {
    &tables().subsectors
}

/// The sub-sector `id`, if there is one.
pub fn subsector(id: &str) -> Option<&'static SubSector> {
    subsectors().iter().find(|s| s.id == id)
}

/// The default sub-sector and scope of a model quantity of `kind` with `key`.
pub fn default_mapping(kind: &str, key: &str) -> Option<(&'static str, u8)> {
    tables()
        .mapping
        .iter()
        .find(|m| m.kind == kind && m.key == key)
        .map(|m| (m.gpc.as_str(), m.scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load_and_map() {
        assert_eq!(subsectors().len(), 23);
        let i44 = subsector("I.4.4").expect("I.4.4");
        assert_eq!(i44.levels[0], Level::Memo);
        assert_eq!(
            subsector("IV.1").unwrap().levels,
            [Level::BasicPlus, Level::NotApplicable, Level::NotApplicable]
        );
        assert_eq!(subsector("III.1").unwrap().levels[2], Level::Basic);
        assert_eq!(default_mapping("category", "road"), Some(("II.1", 1)));
        assert_eq!(default_mapping("form", "land"), Some(("V.2", 1)));
        assert_eq!(default_mapping("category", "bicycle"), None);
    }
}
