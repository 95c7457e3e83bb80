//! Eco-town industrial symbiosis for lcs (issue 9; docs/ECOTOWN.md): the avoided emissions
//! of by-product exchanges between facilities, network totals, material balances and
//! economics.
//!
//! Owns: the eco-town factor tables ([`tables`]: `data/factors/materials.csv`,
//! `transport_modes.csv`, `open_burning.csv`), one function per term of the exchange
//! accounting ([`terms`]), the assessment of a checked [`lcs_model::ecotown::Network`]
//! ([`assess`]), its economics ([`economics`]), and where its avoided emissions fall in the
//! region's inventory with the change a scenario that links it makes ([`boundary`]).
//!
//! Equations, per exchange and year (Eckelman & Chertow 2013; Kitakyushu Eco-Town's
//! "recycling credit − processing emissions"):
//!
//! ```text
//! avoided_virgin   = m · s · EF_material                     (0 when otherwise: used_elsewhere)
//! avoided_disposal = the counterfactual fate's emissions: landfill by the region's
//!                    first-order decay on the diverted deposits; incineration fossil CO2
//!                    less the lost WtE electricity; open burning (IPCC 2006 Vol. 5 Ch. 5)
//! processing       = m · Σ_f e_f · EF_f(y)  (+ composting; + fossil CO2 of a by-product
//!                    burnt in place of a fuel)
//! transport        = m · d · EF_mode
//! net_avoided      = avoided_virgin + avoided_disposal − processing − transport
//! ```
//!
//! Units: masses in t per year, energy in GJ, distances in m, emissions in t CO2e per year
//! (the region's GWP set), money in the network's currency at its price year.
//!
//! The region's factors come from the engine: the grid factor of the region's reference run
//! ([`lcs_engine::grid_factor_co2e`] of [`lcs_model::Scenario::of_model`]), the landfill's
//! first-order decay and incineration kernels ([`lcs_engine::waste`]), and fuel combustion
//! factors ([`lcs_engine::combustion_factors`]). Money goes through [`lcs_econ`].
//!
//! Never depends on: reports, polars, plotters, the command line; does no IO (the tables
//! are embedded) and holds no global state beyond the parsed tables.
//!
//! ```no_run
//! let mut loader = lcs_model::Loader::new();
//! let net = loader
//!     .load_ecotown(std::path::Path::new("scenarios/iskandar/ecotown/pasir-gudang-pilot.yaml"))
//!     .expect("a valid network");
//! let a = lcs_ecotown::assess(&net).expect("assessed");
//! let last = a.totals.last().expect("years");
//! println!("{}: {} t CO2e avoided in {}", a.id, last.net_avoided, last.year);
//! ```
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod assess;
pub mod boundary;
pub mod economics;
pub mod tables;
pub mod terms;

/// Every table embedded in this crate, as (path in the repository, text): run manifests
/// record their SHA-256 (docs/MANIFEST.md). A new embedded table is added here too.
pub const EMBEDDED_TABLES: [(&str, &str); 3] = [
    ("data/factors/materials.csv", tables::MATERIALS_CSV),
    ("data/factors/transport_modes.csv", tables::MODES_CSV),
    ("data/factors/open_burning.csv", tables::OPEN_BURNING_CSV),
];

pub use assess::{
    assess, assess_with, single_type, Assessment, Economics, EcotownError, ExchangeResult,
    ExchangeYear, FacilityYear, MaterialYear, NetworkYear,
};
