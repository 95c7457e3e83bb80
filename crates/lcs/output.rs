//! Writing outputs: CSV text, written to a temporary file beside the target and renamed,
//! so a failed or interrupted run never leaves a half-written file. The functions live in
//! `lcs-report` (which writes the report files the same way) and are re-exported here.

pub use lcs_report::output::{field, num, write_atomic};
