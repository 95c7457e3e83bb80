//! lcs-levers (placeholder while the crate is written).
