//! The project layer's own defaults, embedded from `data/factors/` and read with the one
//! table reader of `data/` (`lcs_factors::table::Csv`): incineration CH4 and N2O (IPCC 2006
//! Vol. 5 Ch. 5 Tables 5.3 and 5.6) and the methane correction factor by landfill type
//! (Vol. 5 Ch. 3 Table 3.1).
//!
//! Units: t of gas per t of wet waste (the files hold kg per t; converted here), MCF a
//! fraction.

use lcs_factors::table::{Csv, TableError};
use lcs_model::Incinerator;
use std::sync::OnceLock;

pub(crate) const INCINERATION_CSV: &str = include_str!("../../../data/factors/incineration.csv");
pub(crate) const LANDFILL_MCF_CSV: &str = include_str!("../../../data/factors/landfill_mcf.csv");

/// Incineration CH4 and N2O of one technology, t per t of wet waste.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IncinerationFactors {
    /// CH4, t per t.
    pub ch4_t_per_t: f64,
    /// N2O, t per t.
    pub n2o_t_per_t: f64,
}

struct Tables {
    ch4: Vec<(String, f64)>,
    n2o_continuous: f64,
    n2o_batch: f64,
    mcf: Vec<(String, f64)>,
}

fn parse() -> Result<Tables, TableError> {
    let inc = Csv::parse(
        "incineration.csv",
        INCINERATION_CSV,
        &["item", "technology", "value", "unit", "source", "status"],
    )?;
    let missing = |row: &str| TableError::Missing {
        file: "incineration.csv",
        row: row.to_string(),
    };
    let mut ch4 = Vec::new();
    let (mut n2o_continuous, mut n2o_batch) = (None, None);
    for row in inc.rows() {
        let unit = row.get("unit")?;
        // kg per t → t per t.
        let v = row.num("value")? * 1e-3;
        match (row.get("item")?, row.get("technology")?) {
            ("ch4", t) if unit == "kg CH4 per t wet waste" => ch4.push((t.to_string(), v)),
            ("n2o", "continuous") if unit == "kg N2O per t wet waste" => n2o_continuous = Some(v),
            ("n2o", "batch") if unit == "kg N2O per t wet waste" => n2o_batch = Some(v),
            (i, t) => return Err(row.err(&format!("unexpected row `{i}`, `{t}`, `{unit}`"))),
        }
    }
    for t in Incinerator::ALL {
        if !ch4.iter().any(|(n, _)| n == t.name()) {
            return Err(TableError::Missing {
                file: "incineration.csv",
                row: format!("CH4 / `{}`", t.name()),
            });
        }
    }
    let mcf_csv = Csv::parse(
        "landfill_mcf.csv",
        LANDFILL_MCF_CSV,
        &["site", "mcf", "source", "status"],
    )?;
    let mut mcf = Vec::new();
    for row in mcf_csv.rows() {
        mcf.push((row.get("site")?.to_string(), row.num("mcf")?));
    }
    Ok(Tables {
        ch4,
        n2o_continuous: n2o_continuous.ok_or_else(|| missing("N2O / `continuous`"))?,
        n2o_batch: n2o_batch.ok_or_else(|| missing("N2O / `batch`"))?,
        mcf,
    })
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        parse().unwrap_or_else(|e| panic!("embedded project data in data/factors is invalid: {e}"))
    })
}

/// The CH4 and N2O factors of an incinerator technology.
pub fn incineration_factors(technology: Incinerator) -> IncinerationFactors {
    let t = tables();
    let ch4_t_per_t = t
        .ch4
        .iter()
        .find(|(n, _)| n == technology.name())
        .map(|(_, v)| *v)
        .expect("every technology has a row (checked when parsed)");
    IncinerationFactors {
        ch4_t_per_t,
        n2o_t_per_t: if technology.is_batch() {
            t.n2o_batch
        } else {
            t.n2o_continuous
        },
    }
}

/// The methane correction factor of a landfill type of `data/factors/landfill_mcf.csv`
/// (`managed-semi-aerobic`, ...), if listed.
pub fn landfill_mcf(site: &str) -> Option<f64> {
    tables()
        .mcf
        .iter()
        .find(|(n, _)| n == site)
        .map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_read_and_convert_kg_to_t() {
        // Table 5.3: continuous stoker 0.2 kg/Gg = 0.0002 kg/t = 2e-7 t/t.
        let f = incineration_factors(Incinerator::ContinuousStoker);
        assert!((f.ch4_t_per_t - 2e-7).abs() < 1e-18);
        // Table 5.6: 50 g N2O per t continuous, 60 g batch.
        assert!((f.n2o_t_per_t - 5e-5).abs() < 1e-15);
        assert!((incineration_factors(Incinerator::BatchStoker).n2o_t_per_t - 6e-5).abs() < 1e-15);
        assert_eq!(landfill_mcf("managed-semi-aerobic"), Some(0.5));
        assert_eq!(landfill_mcf("moon"), None);
    }
}
