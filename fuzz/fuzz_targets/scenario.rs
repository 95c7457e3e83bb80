//! cargo-fuzz target `scenario` (docs/FUZZING.md): `entries::scenario` on arbitrary bytes.
#![no_main]

#[path = "../entries.rs"]
mod entries;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entries::scenario(data));
