//! Writing outputs: CSV text, written to a temporary file beside the target and renamed,
//! so a failed or interrupted run never leaves a half-written file. The functions live in
//! `lcs-report` (which writes the report files the same way); this wrapper turns its typed
//! error into the one-line message the commands print.

pub use lcs_report::output::{field, num};

/// Writes `contents` to `path` atomically ([`lcs_report::write_atomic`]); the error as text.
pub fn write_atomic(path: &std::path::Path, contents: &[u8]) -> Result<(), String> {
    lcs_report::write_atomic(path, contents).map_err(|e| e.to_string())
}
