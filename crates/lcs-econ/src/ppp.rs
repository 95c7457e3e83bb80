//! Purchasing power parities: the GDP PPP conversion factor of each currency and year
//! (units of the currency per international dollar), embedded from `data/economics/ppp.csv`
//! (World Bank WDI `PA.NUS.PPP`, each row with its source) and read with the same table reader
//! as the other embedded tables.
//!
//! A value in currency `c` at the prices of year `p1`, expressed in international dollars at
//! the prices of year `p2`, is deflated within `c` (the conversion rule of [`crate::Tables`])
//! and divided by the parity of `p2`:
//!
//! ```text
//! v_intl$ = v × I_c(p2) / I_c(p1) / PPP_c(p2)
//! ```
//!
//! The US dollar's parity is 1 by definition (no row). A missing row is a [`NoParity`] error
//! naming the currency and year, never a silent market rate.

use crate::{known, Basis, EconError, Tables};
use lcs_factors::table::{Csv, TableError};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

const PPP_CSV: &str = include_str!("../../../data/economics/ppp.csv");

/// GDP PPP conversion factors by currency and year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parities {
    per_intl_usd: BTreeMap<(String, i32), f64>,
}

/// Why a value cannot be expressed in international dollars.
#[derive(Clone, Debug, PartialEq)]
pub enum ParityError {
    /// No parity for a currency in a year.
    NoParity(NoParity),
    /// The deflation within the currency failed (a price index or an unknown currency).
    Econ(EconError),
}

/// No parity for a currency in a year.
#[derive(Clone, Debug, PartialEq)]
pub struct NoParity {
    /// The currency.
    pub currency: String,
    /// The year needed.
    pub year: i32,
    /// The years the table has for this currency.
    pub available: Vec<i32>,
}

impl fmt::Display for ParityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParityError::NoParity(n) => write!(
                f,
                "no purchasing power parity for `{}` in {} in data/economics/ppp.csv (years with a parity: {})",
                n.currency,
                n.year,
                if n.available.is_empty() {
                    "none".to_string()
                } else {
                    n.available
                        .iter()
                        .map(|y| y.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
            ParityError::Econ(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ParityError {}

impl From<EconError> for ParityError {
    fn from(e: EconError) -> Self {
        ParityError::Econ(e)
    }
}

impl Parities {
    /// The table embedded from `data/economics/ppp.csv`.
    pub fn builtin() -> &'static Parities {
        static T: OnceLock<Parities> = OnceLock::new();
        T.get_or_init(|| {
            Parities::parse(PPP_CSV).unwrap_or_else(|e| {
                panic!("embedded parities in data/economics/ppp.csv are invalid: {e}")
            })
        })
    }

    /// Reads a table in the form of `data/economics/ppp.csv`.
    pub fn parse(text: &str) -> Result<Parities, TableError> {
        let csv = Csv::parse(
            "ppp.csv",
            text,
            &["currency", "year", "per_intl_usd", "source", "status"],
        )?;
        let mut t = Parities::default();
        for row in csv.rows() {
            let c = row.get("currency")?;
            if known(c).is_err() {
                return Err(row.err(&format!("unknown currency `{c}`")));
            }
            let y = row.get("year")?;
            let y: i32 = y.parse().map_err(|_| row.invalid("year", y, "a year"))?;
            let v = row.num("per_intl_usd")?;
            if v <= 0.0 {
                return Err(row.err("`per_intl_usd` must be positive"));
            }
            if t.per_intl_usd.insert((c.to_string(), y), v).is_some() {
                return Err(row.err(&format!("duplicate row for {c} {y}")));
            }
        }
        Ok(t)
    }

    /// Units of `currency` per international dollar in `year` (1 for USD).
    pub fn per_intl_usd(&self, currency: &str, year: i32) -> Result<f64, ParityError> {
        known(currency)?;
        if currency == "USD" {
            return Ok(1.0);
        }
        self.per_intl_usd
            .get(&(currency.to_string(), year))
            .copied()
            .ok_or_else(|| {
                ParityError::NoParity(NoParity {
                    currency: currency.to_string(),
                    year,
                    available: self
                        .per_intl_usd
                        .keys()
                        .filter(|(c, _)| c == currency)
                        .map(|(_, y)| *y)
                        .collect(),
                })
            })
    }

    /// The factor that turns a value on basis `from` into international dollars at the prices
    /// of `price_year`: `I_c(p2) / I_c(p1) / PPP_c(p2)` (module docs).
    pub fn factor(
        &self,
        prices: &Tables,
        from: &Basis,
        price_year: i32,
    ) -> Result<f64, ParityError> {
        let deflate = prices.factor(from, &Basis::new(from.currency.clone(), price_year))?;
        Ok(deflate / self.per_intl_usd(&from.currency, price_year)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parity_conversion_by_hand() {
        let p =
            Parities::parse("currency,year,per_intl_usd,source,status\nMYR,2015,1.5,test,TEST\n")
                .unwrap();
        let t = Tables::parse(
            "currency,year,per_usd,source,status\n",
            "currency,year,index,basis,source,status\nMYR,2005,100,b,test,TEST\nMYR,2015,120,b,test,TEST\n",
        )
        .unwrap();
        // 1 MYR at 2005 prices = 1.2 MYR at 2015 prices = 1.2 / 1.5 = 0.8 international $.
        let f = p.factor(&t, &Basis::new("MYR", 2005), 2015).unwrap();
        assert!((f - 0.8).abs() < 1e-15);
        assert_eq!(p.per_intl_usd("USD", 1999), Ok(1.0));
        let e = p.per_intl_usd("JPY", 2015).unwrap_err();
        assert!(e.to_string().contains("`JPY` in 2015"));
    }

    #[test]
    fn builtin_parities_parse_and_hold_both_cities() {
        let p = Parities::builtin();
        // World Bank PA.NUS.PPP, 2015: MYR 1.53642, JPY 103.469 per international $.
        assert_eq!(p.per_intl_usd("MYR", 2015), Ok(1.53642));
        assert_eq!(p.per_intl_usd("JPY", 2015), Ok(103.469));
    }
}
