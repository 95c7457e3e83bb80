//! Writing outputs: CSV text, written to a temporary file beside the target and renamed,
//! so a failed or interrupted run never leaves a half-written file. The functions live in
//! `lcs-report` (which writes the report files the same way); a failed write is an
//! [`lcs_report::OutputError`], which becomes the command's [`crate::cmd::Failure`] by `?`.

pub use lcs_report::output::{field, num, write_atomic};
