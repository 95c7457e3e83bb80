//! lcs-factors (placeholder while the crate is written).
