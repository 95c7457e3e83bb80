//! Units, quantities, driver expressions and series forms for lcs
//! (MODEL.md §2, §3, §11.1, §11.2, §11.12).
//!
//! This is the lowest crate of the workspace. It owns:
//!
//! - [`Dimension`] and [`Species`]: integer exponents over base dimensions
//!   (`energy`, `mass`, `length`, each currency, each count, each gas tag).
//! - [`UnitRegistry`], [`Unit`] and [`Quantity`]: unit strings such as
//!   `t CO2/MWh` and value strings such as `"20 GJ/household"`, converted to
//!   base units (energy GJ, mass t, length m; currencies and counts are their
//!   own bases; time is not a dimension, so `day` = 1/365 and 1 MW = 31536 GJ
//!   per year).
//! - [`parse_expr`], [`Expr`] and [`Program`]: the `expr` series form, its
//!   dimension check and a flat, allocation-free evaluator.
//! - [`interpolate`] and [`grow`]: the `points` and `base`/`growth` series forms.
//! - [`nearest`]: the one "did you mean" helper every lcs crate uses.
//!
//! Its one dependency is `ryu` (the shortest digits of a float, for [`write_number`]); it
//! does no IO and holds no global state.
//! It knows nothing of YAML, files or spans: callers attach locations to the
//! errors returned here ([`UnitError`], [`ExprError`], [`SeriesError`]).
//!
//! ```
//! use lcs_units::{parse_expr, Dimension, UnitRegistry};
//!
//! let units = UnitRegistry::new(&["bed"]).unwrap();
//! let q = units.parse_quantity("20 GJ/household").unwrap();
//! assert_eq!(q.value, 20.0);
//! let unit = q.unit.unwrap();
//! assert_eq!(unit.dim.to_string(), "energy/household");
//!
//! // 1 MW of capacity is 8760 MWh = 31536 GJ per year.
//! assert_eq!(units.parse("MW").unwrap().factor, 31536.0);
//!
//! let e = parse_expr("population / household_size").unwrap();
//! let dim = e
//!     .dimension(&|name| match name {
//!         "population" => Some(Dimension::base("person")),
//!         "household_size" => Some(Dimension::base("person").div(&Dimension::base("household"))),
//!         _ => None,
//!     })
//!     .unwrap();
//! assert_eq!(dim, Dimension::base("household"));
//! ```

#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod dimension;
mod expr;
mod series;
mod suggest;
mod unit;

pub use dimension::{Dimension, Species, ENERGY, LENGTH, MASS};
pub use expr::{parse_expr, BinOp, Expr, ExprError, Program, MAX_DEPTH, MAX_OPERATORS};
pub use series::{grow, interpolate, Interp, SeriesError, MAX_YEARS};
pub use suggest::nearest;
pub use unit::{
    format_number, parse_number, write_number, Quantity, Unit, UnitError, UnitRegistry,
    BUILTIN_COUNTS, CURRENCIES,
};
