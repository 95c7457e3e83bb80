//! lcs-units (placeholder while the crate is written).
