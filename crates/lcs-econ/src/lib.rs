//! Economics for lcs: money in a currency and price year, converted through sourced tables,
//! and the discounting arithmetic that projects, eco-town exchanges and action costs share.
//!
//! Owns: [`Basis`] (a currency and a price year), [`Tables`] (annual exchange rates and price
//! indices from `data/economics/*.csv`, each row with its source), [`Tables::factor`] (the one
//! conversion rule), and the equations of cost appraisal, one function each:
//! [`discount_factor`], [`present_value`], [`capital_recovery_factor`], [`annualised`],
//! [`levelised`]; energy price sets of `data/prices/` in [`prices`].
//!
//! Conversion rule: a value in currency `c1` at the prices of year `p1`, expressed in `c2` at
//! the prices of year `p2`, is first deflated within `c1`, then exchanged at the average rate
//! of year `p2`:
//!
//! ```text
//! v2 = v1 × I_c1(p2) / I_c1(p1) × X_c2(p2) / X_c1(p2)
//! ```
//!
//! with `I` the currency's price index and `X` units of the currency per US dollar. A
//! conversion whose table rows are missing is an [`EconError`] naming the currency and the
//! year: never a silent 1:1. A table that breaks a rule of `data/` is a [`TableError`] (the
//! reader of `lcs_factors::table`) naming its file and line.
//!
//! Units: money values are plain numbers in the base unit of their currency (`MYR million`
//! is read as 1e6 MYR by `lcs-units` before it reaches this crate); rates are fractions per
//! year.
//!
//! Never depends on: the model, the engine, reports or the binary; does no IO (the tables are
//! embedded).
//!
//! ```
//! use lcs_econ::{capital_recovery_factor, present_value};
//! // 8 % over 20 years: CRF = 0.08 × 1.08^20 / (1.08^20 − 1) = 0.101852.
//! assert!((capital_recovery_factor(0.08, 20.0) - 0.101852).abs() < 1e-6);
//! // 100 in 2030 seen from 2025 at 8 %: 100 / 1.08^5 = 68.058.
//! assert!((present_value(0.08, 2025, [(2030, 100.0)]) - 68.0583).abs() < 1e-4);
//! ```
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod ppp;
pub mod prices;

pub use lcs_factors::table::TableError;
pub use ppp::{NoParity, Parities, ParityError};

use lcs_factors::table::Csv;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

const EXCHANGE_RATES_CSV: &str = include_str!("../../../data/economics/exchange_rates.csv");
const PRICE_INDEX_CSV: &str = include_str!("../../../data/economics/price_index.csv");

/// Every table embedded in this crate, as (path in the repository, text): run manifests
/// record their SHA-256 (docs/MANIFEST.md). A new embedded table is added here too.
pub const EMBEDDED_TABLES: [(&str, &str); 5] = [
    ("data/economics/exchange_rates.csv", EXCHANGE_RATES_CSV),
    ("data/economics/price_index.csv", PRICE_INDEX_CSV),
    ("data/prices/malaysia.csv", prices::MALAYSIA_CSV),
    ("data/prices/japan.csv", prices::JAPAN_CSV),
    ("data/prices/sets.csv", prices::SETS_CSV),
];

/// The currencies lcs knows (each a base dimension of `lcs-units`).
pub use lcs_units::CURRENCIES;

/// A currency and the year whose prices a value is expressed in.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Basis {
    /// Currency code, one of [`CURRENCIES`].
    pub currency: String,
    /// Price year.
    pub price_year: i32,
}

impl Basis {
    /// A basis.
    pub fn new(currency: impl Into<String>, price_year: i32) -> Self {
        Basis {
            currency: currency.into(),
            price_year,
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} prices)", self.currency, self.price_year)
    }
}

/// Why an economic calculation could not be done.
#[derive(Clone, Debug, PartialEq)]
pub enum EconError {
    /// Not a currency lcs knows.
    UnknownCurrency {
        /// What was given.
        currency: String,
    },
    /// No exchange rate for a currency in a year.
    NoExchangeRate {
        /// The currency.
        currency: String,
        /// The year needed.
        year: i32,
        /// The years the table has for this currency.
        available: Vec<i32>,
    },
    /// No price index for a currency in a year.
    NoPriceIndex {
        /// The currency.
        currency: String,
        /// The year needed.
        year: i32,
        /// The years the table has for this currency.
        available: Vec<i32>,
    },
    /// A discount rate outside (−1, 1).
    DiscountRate {
        /// The rate given.
        rate: f64,
    },
}

fn years_text(years: &[i32]) -> String {
    if years.is_empty() {
        "none".to_string()
    } else {
        years
            .iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for EconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EconError::UnknownCurrency { currency } => write!(
                f,
                "unknown currency `{currency}` (known: {})",
                CURRENCIES.join(", ")
            ),
            EconError::NoExchangeRate {
                currency,
                year,
                available,
            } => write!(
                f,
                "no exchange rate for `{currency}` in {year} in data/economics/exchange_rates.csv (years with a rate: {})",
                years_text(available)
            ),
            EconError::NoPriceIndex {
                currency,
                year,
                available,
            } => write!(
                f,
                "no price index for `{currency}` in {year} in data/economics/price_index.csv (years with an index: {})",
                years_text(available)
            ),
            EconError::DiscountRate { rate } => write!(
                f,
                "discount rate {rate} is outside the range from -1 to 1 (exclusive)"
            ),
        }
    }
}

impl std::error::Error for EconError {}

/// Exchange rates and price indices by currency and year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tables {
    /// Units of the currency per US dollar, annual average.
    per_usd: BTreeMap<(String, i32), f64>,
    /// Price index (any base per currency).
    index: BTreeMap<(String, i32), f64>,
}

impl Tables {
    /// The tables embedded from `data/economics/`.
    pub fn builtin() -> &'static Tables {
        static T: OnceLock<Tables> = OnceLock::new();
        T.get_or_init(|| {
            Tables::parse(EXCHANGE_RATES_CSV, PRICE_INDEX_CSV).unwrap_or_else(|e| {
                panic!("embedded economics data in data/economics is invalid: {e}")
            })
        })
    }

    /// Reads tables from CSV text in the form of `data/economics/` (for tests and for
    /// user-supplied tables).
    pub fn parse(exchange_rates: &str, price_index: &str) -> Result<Tables, TableError> {
        let mut t = Tables::default();
        let rates = Csv::parse(
            "exchange_rates.csv",
            exchange_rates,
            &["currency", "year", "per_usd", "source", "status"],
        )?;
        for row in rates.rows() {
            let (c, y) = key(&row)?;
            let v = positive(&row, "per_usd")?;
            if t.per_usd.insert((c.clone(), y), v).is_some() {
                return Err(row.err(&format!("duplicate row for {c} {y}")));
            }
        }
        let index = Csv::parse(
            "price_index.csv",
            price_index,
            &["currency", "year", "index", "basis", "source", "status"],
        )?;
        for row in index.rows() {
            let (c, y) = key(&row)?;
            let v = positive(&row, "index")?;
            if t.index.insert((c.clone(), y), v).is_some() {
                return Err(row.err(&format!("duplicate row for {c} {y}")));
            }
        }
        Ok(t)
    }

    /// Units of `currency` per US dollar in `year` (1 for USD).
    pub fn per_usd(&self, currency: &str, year: i32) -> Result<f64, EconError> {
        known(currency)?;
        if currency == "USD" {
            return Ok(1.0);
        }
        self.per_usd
            .get(&(currency.to_string(), year))
            .copied()
            .ok_or_else(|| EconError::NoExchangeRate {
                currency: currency.to_string(),
                year,
                available: years_of(&self.per_usd, currency),
            })
    }

    /// The price index of `currency` in `year`.
    pub fn price_index(&self, currency: &str, year: i32) -> Result<f64, EconError> {
        known(currency)?;
        self.index
            .get(&(currency.to_string(), year))
            .copied()
            .ok_or_else(|| EconError::NoPriceIndex {
                currency: currency.to_string(),
                year,
                available: years_of(&self.index, currency),
            })
    }

    /// The factor that turns a value on basis `from` into basis `to`:
    /// `I_c1(p2) / I_c1(p1) × X_c2(p2) / X_c1(p2)` (module docs). Only the rows the
    /// conversion needs are read: none when the bases are equal, no exchange rate when the
    /// currencies are equal, no price index when the price years are equal.
    pub fn factor(&self, from: &Basis, to: &Basis) -> Result<f64, EconError> {
        known(&from.currency)?;
        known(&to.currency)?;
        let deflate = if from.price_year == to.price_year {
            1.0
        } else {
            self.price_index(&from.currency, to.price_year)?
                / self.price_index(&from.currency, from.price_year)?
        };
        let exchange = if from.currency == to.currency {
            1.0
        } else {
            self.per_usd(&to.currency, to.price_year)?
                / self.per_usd(&from.currency, to.price_year)?
        };
        Ok(deflate * exchange)
    }

    /// `value` on basis `from`, expressed on basis `to`.
    pub fn convert(&self, value: f64, from: &Basis, to: &Basis) -> Result<f64, EconError> {
        Ok(value * self.factor(from, to)?)
    }
}

fn known(currency: &str) -> Result<(), EconError> {
    if CURRENCIES.contains(&currency) {
        Ok(())
    } else {
        Err(EconError::UnknownCurrency {
            currency: currency.to_string(),
        })
    }
}

fn years_of(map: &BTreeMap<(String, i32), f64>, currency: &str) -> Vec<i32> {
    map.keys()
        .filter(|(c, _)| c == currency)
        .map(|(_, y)| *y)
        .collect()
}

fn key(row: &lcs_factors::table::Row<'_, '_>) -> Result<(String, i32), TableError> {
    let c = row.get("currency")?;
    if !CURRENCIES.contains(&c) {
        return Err(row.err(&format!(
            "unknown currency `{c}` (known: {})",
            CURRENCIES.join(", ")
        )));
    }
    let y = row.get("year")?;
    let y: i32 = y.parse().map_err(|_| row.invalid("year", y, "a year"))?;
    Ok((c.to_string(), y))
}

fn positive(row: &lcs_factors::table::Row<'_, '_>, col: &str) -> Result<f64, TableError> {
    let v = row.num(col)?;
    if v > 0.0 {
        Ok(v)
    } else {
        Err(row.err(&format!("`{col}` must be positive")))
    }
}

/// Checks that a discount rate lies in (−1, 1).
pub fn check_discount_rate(rate: f64) -> Result<(), EconError> {
    if rate.is_finite() && rate > -1.0 && rate < 1.0 {
        Ok(())
    } else {
        Err(EconError::DiscountRate { rate })
    }
}

/// The discount factor of a flow `t` years after the base year: `d(t) = (1 + r)^-t`.
#[inline]
pub fn discount_factor(rate: f64, t: i32) -> f64 {
    (1.0 + rate).powi(-t)
}

/// Present value at `base_year` of flows `(year, value)`: `PV = Σ_y v_y × (1 + r)^-(y − base)`.
/// Flows are summed in the order given.
pub fn present_value(
    rate: f64,
    base_year: i32,
    flows: impl IntoIterator<Item = (i32, f64)>,
) -> f64 {
    flows
        .into_iter()
        .map(|(y, v)| v * discount_factor(rate, y - base_year))
        .sum()
}

/// The capital recovery factor: the constant annual payment, per unit of capital, that
/// repays it over `years` at rate `r`: `CRF = r (1 + r)^n / ((1 + r)^n − 1)`, and `1 / n`
/// when `r = 0`.
pub fn capital_recovery_factor(rate: f64, years: f64) -> f64 {
    if rate == 0.0 {
        return 1.0 / years;
    }
    let g = (1.0 + rate).powf(years);
    rate * g / (g - 1.0)
}

/// Annualised capital cost: `capex × CRF(r, n)`.
pub fn annualised(capex: f64, rate: f64, years: f64) -> f64 {
    capex * capital_recovery_factor(rate, years)
}

/// Levelised cost per unit of quantity: total discounted net cost over total discounted
/// quantity, `LC = Σ_y c_y (1 + r)^-(y − b) / Σ_y q_y (1 + r)^-(y − b)`. `None` when the
/// discounted quantity is zero (no quantity, no cost per unit).
pub fn levelised(
    rate: f64,
    base_year: i32,
    costs: impl IntoIterator<Item = (i32, f64)>,
    quantities: impl IntoIterator<Item = (i32, f64)>,
) -> Option<f64> {
    let c = present_value(rate, base_year, costs);
    let q = present_value(rate, base_year, quantities);
    if q == 0.0 {
        None
    } else {
        Some(c / q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATES: &str = "currency,year,per_usd,source,status\n\
        MYR,2021,4.0,test,TEST\n\
        JPY,2021,110.0,test,TEST\n\
        JPY,2015,120.0,test,TEST\n";
    const INDEX: &str = "currency,year,index,basis,source,status\n\
        MYR,2015,100,test 2015=100,test,TEST\n\
        MYR,2021,110,test 2015=100,test,TEST\n\
        JPY,2015,100,test,test,TEST\n\
        JPY,2021,102,test,test,TEST\n";

    #[test]
    fn conversion_deflates_then_exchanges() {
        let t = Tables::parse(RATES, INDEX).unwrap();
        // 1 JPY at 2015 prices → 2021 prices: × 102/100; → MYR at 2021: × 4.0/110.
        let f = t
            .factor(&Basis::new("JPY", 2015), &Basis::new("MYR", 2021))
            .unwrap();
        assert!((f - 1.02 * 4.0 / 110.0).abs() < 1e-15);
        // Same basis: exactly 1, no table read.
        let e = Tables::default();
        assert_eq!(
            e.factor(&Basis::new("MYR", 2021), &Basis::new("MYR", 2021)),
            Ok(1.0)
        );
    }

    #[test]
    fn bad_table_rows_are_table_errors_at_their_line() {
        let head = "currency,year,per_usd,source,status\n";
        let e = Tables::parse(&format!("{head}MYR,20x5,4.0,s,OK\n"), INDEX).unwrap_err();
        assert_eq!(
            e,
            TableError::Value {
                file: "exchange_rates.csv",
                line: 2,
                column: "year".into(),
                value: "20x5".into(),
                expected: "a year".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "exchange_rates.csv line 2: `year` is `20x5`, expected a year"
        );
        let twice = format!("{head}MYR,2015,4.0,s,OK\nMYR,2015,4.1,s,OK\n");
        assert_eq!(
            Tables::parse(&twice, INDEX).unwrap_err().to_string(),
            "exchange_rates.csv line 3: duplicate row for MYR 2015"
        );
        let zero = format!("{head}MYR,2015,0,s,OK\n");
        assert!(matches!(
            Tables::parse(&zero, INDEX).unwrap_err(),
            TableError::Row { line: 2, .. }
        ));
    }

    #[test]
    fn missing_rows_are_errors_naming_what_is_missing() {
        let t = Tables::parse(RATES, INDEX).unwrap();
        let e = t
            .factor(&Basis::new("EUR", 2021), &Basis::new("MYR", 2021))
            .unwrap_err();
        assert_eq!(
            e,
            EconError::NoExchangeRate {
                currency: "EUR".into(),
                year: 2021,
                available: vec![]
            }
        );
        let e = t
            .factor(&Basis::new("MYR", 2010), &Basis::new("MYR", 2021))
            .unwrap_err();
        assert!(e.to_string().contains("MYR") && e.to_string().contains("2010"));
        assert!(e.to_string().contains("2015, 2021"));
        assert!(matches!(
            t.factor(&Basis::new("GBP", 2021), &Basis::new("MYR", 2021)),
            Err(EconError::UnknownCurrency { .. })
        ));
    }

    #[test]
    fn appraisal_arithmetic_by_hand() {
        // CRF(5 %, 10 yr) = 0.05 × 1.628895 / 0.628895 = 0.129505.
        assert!((capital_recovery_factor(0.05, 10.0) - 0.129505).abs() < 1e-6);
        assert_eq!(capital_recovery_factor(0.0, 4.0), 0.25);
        // Costs 100 (2025) and 50 (2026); quantities 10 and 10; r = 10 %, base 2025:
        // (100 + 50/1.1) / (10 + 10/1.1) = 145.4545 / 19.0909 = 7.619048.
        let lc = levelised(
            0.1,
            2025,
            [(2025, 100.0), (2026, 50.0)],
            [(2025, 10.0), (2026, 10.0)],
        )
        .unwrap();
        assert!((lc - 7.619048).abs() < 1e-6);
        assert_eq!(levelised(0.1, 2025, [(2025, 1.0)], [(2025, 0.0)]), None);
        assert!(check_discount_rate(1.0).is_err());
        assert!(check_discount_rate(-1.0).is_err());
        assert!(check_discount_rate(-0.5).is_ok());
    }

    #[test]
    fn builtin_tables_cover_2005_to_2025_for_every_currency() {
        let t = Tables::builtin();
        for c in CURRENCIES {
            for y in 2005..=2025 {
                assert!(t.per_usd(c, y).is_ok(), "no rate for {c} {y}");
                assert!(t.price_index(c, y).is_ok(), "no index for {c} {y}");
            }
            // The indices are 2005 = 100.
            assert_eq!(t.price_index(c, 2005), Ok(100.0));
        }
        // FRED H.10: 3.7869 MYR and 110.1069 JPY per USD in 2005.
        assert_eq!(t.per_usd("MYR", 2005), Ok(3.7869));
        assert_eq!(t.per_usd("JPY", 2005), Ok(110.1069));
        // Chained index: 2006 MYR = 100 × (1 + 3.609 %) (World Bank inflation, 3.60923...).
        let i = t.price_index("MYR", 2006).unwrap();
        assert!((i - 103.6092).abs() < 1e-4, "{i}");
        // No rows after 2025: an error, never 1:1.
        assert!(t
            .factor(&Basis::new("MYR", 2030), &Basis::new("MYR", 2021))
            .is_err());
    }
}
