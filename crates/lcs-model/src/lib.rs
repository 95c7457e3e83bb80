//! lcs-model (placeholder while the crate is written).
