//! The scenario language's files: reading, checking, and the checked model (MODEL.md §1–§9).
//!
//! `lcs-model` is the only crate that reads scenario files. It parses YAML into spanned nodes
//! ([`yaml`]), checks every form of MODEL.md, converts every value to base units, resolves
//! every name and parameter path, and returns a [`Model`] or [`Scenario`] — or every problem
//! found, as [`Diagnostic`]s with file, line, column, key path, expected, found and the
//! nearest valid names.
//!
//! Principal types: [`Loader`] (reads files, keeps their text in [`Sources`]),
//! [`Model`], [`Scenario`], [`Action`], [`Measure`], [`Target`] (a parameter path),
//! [`TargetSpec`] (a scenario target, MODEL.md §10), [`PathInfo`] (one valid path, for
//! `lcs paths`).
//!
//! Never depends on: the engine, reports, the command line, or any renderer. The checked
//! model is not serialisable: only files are.
//!
//! ```no_run
//! let mut loader = lcs_model::Loader::new();
//! match loader.load_scenario(std::path::Path::new("scenarios/tiny/cm.yaml")) {
//!     Ok(s) => println!("{} actions", s.actions.len()),
//!     Err(diags) => eprintln!("{}", lcs_model::render_all_plain(&diags, &loader.sources)),
//! }
//! ```
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod check_model;
mod costs;
mod datafile;
mod diag;
pub mod ecotown;
mod inventory;
pub mod link;
mod maps;
mod model;
mod paths;
mod project;
mod read;
mod routes;
mod scenario;
pub mod schema;
mod source;
pub mod starter;
mod uncertainty;
mod wastewater;
pub mod yaml;

pub use check_model::node_key_path;
pub use costs::{
    measure_adjustment_in, merge_adjustment, Adjustment, Cost, Money, PerUnit, ScenarioEconomics,
};
pub use datafile::{
    DataFileError, DataPoint, Provenance, TableForm, FIRST_DATA_YEAR, LAST_DATA_YEAR,
    MAX_CELL_ERRORS, MAX_DATA_FILE_BYTES, MAX_TABLE_CELLS, MAX_UNPACKED_BYTES,
};
pub use diag::{render_all_plain, Diagnostic, Severity};
pub use model::*;
pub use paths::{activity_dim, target_paths, PathInfo};
pub use project::{
    Captive, Economics, GridFactor, Incinerator, Methodology, Parameters, Project, PvOutput,
    Reference, Revenue, Status,
};
pub use read::{derived_id, is_id, MAX_ID_LEN};
pub use routes::{default_accepts, Accepts};
pub use scenario::{Checked, FileKind, Loader, TOP_LEVEL};
pub use source::{
    is_yaml_name, read_text, text_of, FileId, ReadError, SourceFile, Sources, Span, MAX_FILE_BYTES,
};
