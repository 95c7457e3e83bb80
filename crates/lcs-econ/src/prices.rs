//! Energy prices: the fuel and electricity prices of `data/prices/*.csv`, gathered into
//! *price sets* (`data/prices/sets.csv`) that say, per fuel, which rows a run uses and how
//! a native unit (`MYR/L`, `MYR/MMBtu`, `MYR/kWh`) becomes a price per GJ.
//!
//! A price set is of one kind, `consumer` (what end users pay: regulated and subsidised
//! pump prices, tariffs) or `market` (unsubsidised reference prices): a row whose `basis`
//! belongs to the other kind is rejected when the tables are read, so one run never mixes
//! the two.
//!
//! The price of fuel `f` in year `y` on basis `b` (currency and price year), in money per GJ:
//!
//! ```text
//! p_f(y) = v_k / g_f × F(basis_k → b) × (1 + e_f)^max(y − y_last, 0)
//! ```
//!
//! with `k` the latest row of the set's items at or before `y` (the first row for years
//! before it: prices are step functions), `v_k` its value in its native unit, `g_f` the GJ per
//! native unit, `F` the conversion factor of [`crate::Tables::factor`] (each row is nominal
//! in its year, so its basis is its currency at the prices of its year), `e_f` the real
//! escalation per year after the set's last row `y_last`.
//!
//! Units: money per GJ of final energy, in the base unit of the target currency.

use crate::{Basis, EconError, Tables};
use lcs_factors::table::{Csv, TableError};
use std::sync::OnceLock;

pub(crate) const MALAYSIA_CSV: &str = include_str!("../../../data/prices/malaysia.csv");
pub(crate) const JAPAN_CSV: &str = include_str!("../../../data/prices/japan.csv");
pub(crate) const SETS_CSV: &str = include_str!("../../../data/prices/sets.csv");

/// Which prices a set holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceKind {
    /// What end users pay (regulated, subsidised, floated retail prices; tariffs).
    Consumer,
    /// Unsubsidised market or reference prices.
    Market,
}

impl PriceKind {
    /// `consumer` or `market`.
    pub fn name(self) -> &'static str {
        match self {
            PriceKind::Consumer => "consumer",
            PriceKind::Market => "market",
        }
    }

    /// Parses `consumer` or `market`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "consumer" => Some(PriceKind::Consumer),
            "market" => Some(PriceKind::Market),
            _ => None,
        }
    }

    /// Whether a row of `data/prices` with this `basis` may belong to a set of this kind.
    pub fn admits(self, basis: &str) -> bool {
        match self {
            PriceKind::Consumer => matches!(
                basis,
                "retail_regulated"
                    | "retail_market"
                    | "retail_subsidised"
                    | "tariff_average"
                    | "reference_price"
            ),
            PriceKind::Market => matches!(
                basis,
                "retail_market" | "retail_market_reference" | "reference_price"
            ),
        }
    }
}

/// One price row as a set uses it.
#[derive(Clone, Debug, PartialEq)]
pub struct PricePoint {
    /// The year the price applies to.
    pub year: i32,
    /// Money per GJ in the row's currency at the prices of `basis.price_year`.
    pub per_gj: f64,
    /// The row's currency and price year.
    pub basis: Basis,
    /// The row's item (grade or tariff).
    pub item: String,
}

/// The prices of one fuel in a set.
#[derive(Clone, Debug, PartialEq)]
pub struct FuelPrices {
    /// The lcs fuel id.
    pub fuel: String,
    /// Rows by year, ascending.
    pub points: Vec<PricePoint>,
    /// Real growth per year after the last row.
    pub escalation: f64,
}

impl FuelPrices {
    /// The price per GJ in `year` on basis `to` (module docs).
    pub fn per_gj(&self, year: i32, to: &Basis, tables: &Tables) -> Result<f64, EconError> {
        let Some(first) = self.points.first() else {
            return Ok(0.0);
        };
        let k = self
            .points
            .iter()
            .rev()
            .find(|p| p.year <= year)
            .unwrap_or(first);
        let last = self.points.last().map_or(k.year, |p| p.year);
        let growth = if k.year == last && year > last {
            (1.0 + self.escalation).powi(year - last)
        } else {
            1.0
        };
        Ok(k.per_gj * tables.factor(&k.basis, to)? * growth)
    }
}

/// A named set of fuel prices of one kind.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceSet {
    /// Name, e.g. `malaysia-consumer`.
    pub name: String,
    /// Consumer or market prices.
    pub kind: PriceKind,
    /// One entry per fuel, in the order of `sets.csv`.
    pub fuels: Vec<FuelPrices>,
}

impl PriceSet {
    /// The prices of a fuel, if the set has it.
    pub fn fuel(&self, id: &str) -> Option<&FuelPrices> {
        self.fuels.iter().find(|f| f.fuel == id)
    }
}

/// The price sets embedded from `data/prices/`.
pub fn price_sets() -> &'static [PriceSet] {
    static T: OnceLock<Vec<PriceSet>> = OnceLock::new();
    T.get_or_init(|| {
        parse_sets(
            SETS_CSV,
            &[("malaysia.csv", MALAYSIA_CSV), ("japan.csv", JAPAN_CSV)],
        )
        .unwrap_or_else(|e| panic!("embedded price data in data/prices is invalid: {e}"))
    })
}

/// The embedded price set called `name`.
pub fn price_set(name: &str) -> Option<&'static PriceSet> {
    price_sets().iter().find(|s| s.name == name)
}

const PRICE_HEADER: [&str; 12] = [
    "fuel",
    "item",
    "region",
    "year",
    "value",
    "unit",
    "currency",
    "price_year",
    "basis",
    "source",
    "status",
    "derivation",
];

/// Reads price sets from the text of `sets.csv` and of the price tables it draws on.
pub fn parse_sets(
    sets: &str,
    tables: &[(&'static str, &str)],
) -> Result<Vec<PriceSet>, TableError> {
    // (fuel, item, region, year, value, currency, price year, basis)
    type PriceRow = (String, String, String, i32, f64, String, i32, String);
    let mut rows: Vec<PriceRow> = Vec::new();
    for (file, text) in tables {
        let csv = Csv::parse(file, text, &PRICE_HEADER)?;
        for row in csv.rows() {
            let value = row.get("value")?;
            let year = row.get("year")?;
            if value.is_empty() || year.is_empty() || year.contains('-') {
                continue; // not found, or a rule over a range of years
            }
            let v: f64 = value
                .parse()
                .map_err(|_| row.invalid("value", value, "a number"))?;
            let y: i32 = year
                .parse()
                .map_err(|_| row.invalid("year", year, "a year"))?;
            let py: i32 = row
                .get("price_year")?
                .parse()
                .map_err(|_| row.err("`price_year` is not a year"))?;
            rows.push((
                row.get("fuel")?.to_string(),
                row.get("item")?.to_string(),
                row.get("region")?.to_string(),
                y,
                v,
                row.get("currency")?.to_string(),
                py,
                row.get("basis")?.to_string(),
            ));
        }
    }
    let csv = Csv::parse(
        "sets.csv",
        sets,
        &[
            "set",
            "kind",
            "fuel",
            "items",
            "region",
            "years",
            "gj_per_unit",
            "escalation",
            "source",
            "status",
            "derivation",
        ],
    )?;
    let mut out: Vec<PriceSet> = Vec::new();
    for row in csv.rows() {
        let name = row.get("set")?;
        let kind_text = row.get("kind")?;
        let kind = PriceKind::parse(kind_text)
            .ok_or_else(|| row.invalid("kind", kind_text, "`consumer` or `market`"))?;
        let fuel = row.get("fuel")?;
        let items: Vec<&str> = row.get("items")?.split(';').map(str::trim).collect();
        let regions: Vec<&str> = row.get("region")?.split(';').map(str::trim).collect();
        let years = row.get("years")?;
        let (y0, y1) = years
            .split_once('-')
            .and_then(|(a, b)| Some((a.trim().parse::<i32>().ok()?, b.trim().parse::<i32>().ok()?)))
            .ok_or_else(|| row.invalid("years", years, "a range such as `2005-2025`"))?;
        let g = row.num("gj_per_unit")?;
        if g <= 0.0 {
            return Err(row.err("`gj_per_unit` must be positive"));
        }
        let e: f64 = row
            .get("escalation")?
            .parse()
            .map_err(|_| row.err("`escalation` is not a number"))?;
        let mut points: Vec<PricePoint> = Vec::new();
        for (f, item, region, y, v, cur, py, basis) in &rows {
            if f != fuel
                || !items.contains(&item.as_str())
                || !regions.contains(&region.as_str())
                || *y < y0
                || *y > y1
            {
                continue;
            }
            if !kind.admits(basis) {
                return Err(row.err(&format!(
                    "set `{name}` is of kind `{}` but row `{fuel},{item},{y}` has basis `{basis}`",
                    kind.name()
                )));
            }
            points.push(PricePoint {
                year: *y,
                per_gj: v / g,
                basis: Basis::new(cur.clone(), *py),
                item: item.clone(),
            });
        }
        if points.is_empty() {
            return Err(row.err(&format!("set `{name}` finds no price row for `{fuel}`")));
        }
        // Ascending years; a year with two rows (one per item) keeps the later item listed.
        points.sort_by_key(|p| p.year);
        points.dedup_by(|later, earlier| {
            if later.year == earlier.year {
                let rank = |p: &PricePoint| items.iter().position(|i| *i == p.item);
                if rank(later) > rank(earlier) {
                    std::mem::swap(later, earlier);
                }
                true
            } else {
                false
            }
        });
        let fp = FuelPrices {
            fuel: fuel.to_string(),
            points,
            escalation: e,
        };
        match out.iter_mut().find(|s| s.name == name) {
            Some(s) if s.kind != kind => {
                return Err(row.err(&format!("set `{name}` mixes consumer and market rows")))
            }
            Some(s) if s.fuel(fuel).is_some() => {
                return Err(row.err(&format!("set `{name}` lists `{fuel}` twice")))
            }
            Some(s) => s.fuels.push(fp),
            None => out.push(PriceSet {
                name: name.to_string(),
                kind,
                fuels: vec![fp],
            }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_malaysian_consumer_set_reads_its_rows() {
        let s = price_set("malaysia-consumer").expect("shipped");
        assert_eq!(s.kind, PriceKind::Consumer);
        let d = s.fuel("diesel").unwrap();
        // 2019 regulated diesel RM 2.18/L over 0.03612 GJ/L = 60.354 MYR/GJ (2019 prices).
        let t = Tables::builtin();
        let p = d.per_gj(2019, &Basis::new("MYR", 2019), t).unwrap();
        assert!((p - 2.18 / 0.03612).abs() < 1e-9, "{p}");
        // 2020 has no diesel row: the 2019 row holds (step function), deflated to 2020 prices.
        let p20 = d.per_gj(2020, &Basis::new("MYR", 2019), t).unwrap();
        assert_eq!(p20, p);
        // Electricity 2025 base tariff RP4 0.4540 MYR/kWh = 126.11 MYR/GJ.
        let e = s.fuel("electricity").unwrap();
        let pe = e.per_gj(2030, &Basis::new("MYR", 2025), t).unwrap();
        assert!((pe - 0.4540 / 0.0036).abs() < 1e-9, "{pe}");
        // Every fuel of the set converts in every year 2005-2050 to MYR at 2020 prices.
        for f in &s.fuels {
            for y in 2005..=2050 {
                let v = f.per_gj(y, &Basis::new("MYR", 2020), t).unwrap();
                assert!(v > 0.0 && v.is_finite(), "{} {y}", f.fuel);
            }
        }
    }

    #[test]
    fn a_set_cannot_mix_consumer_and_market_rows() {
        let prices =
            "fuel,item,region,year,value,unit,currency,price_year,basis,source,status,derivation\n\
            gasoline,a,r,2020,2.0,MYR/L,MYR,2020,retail_regulated,s,SOURCED,d\n\
            gasoline,b,r,2020,4.5,MYR/L,MYR,2020,retail_market_reference,s,SOURCED,d\n";
        let head =
            "set,kind,fuel,items,region,years,gj_per_unit,escalation,source,status,derivation\n";
        let ok = format!("{head}x,consumer,gasoline,a,r,2000-2030,0.0328,0.01,s,DERIVED,d\n");
        let sets = parse_sets(&ok, &[("p.csv", prices)]).unwrap();
        let g = sets[0].fuel("gasoline").unwrap();
        // Escalation after the last row: 2.0 / 0.0328 × 1.01^2.
        let p = g
            .per_gj(2022, &Basis::new("MYR", 2020), &Tables::default())
            .unwrap();
        assert!((p - 2.0 / 0.0328 * 1.01f64.powi(2)).abs() < 1e-9);
        let bad = format!("{head}x,consumer,gasoline,a;b,r,2000-2030,0.0328,0,s,DERIVED,d\n");
        let e = parse_sets(&bad, &[("p.csv", prices)]).unwrap_err();
        assert!(e.to_string().contains("retail_market_reference"), "{e}");
    }
}
