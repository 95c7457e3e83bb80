//! Charts of a Monte Carlo ensemble (`lcs ensemble`, docs/UNCERTAINTY.md), from plain
//! numbers the binary takes from `lcs-uncertainty` (this crate does not depend on it).
