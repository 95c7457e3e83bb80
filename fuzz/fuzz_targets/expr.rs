//! cargo-fuzz target `expr` (docs/FUZZING.md): `entries::expr` on arbitrary bytes.
#![no_main]

#[path = "../entries.rs"]
mod entries;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entries::expr(data));
