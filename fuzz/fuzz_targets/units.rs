//! cargo-fuzz target `units` (docs/FUZZING.md): `entries::units` on arbitrary bytes.
#![no_main]

#[path = "../entries.rs"]
mod entries;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entries::units(data));
