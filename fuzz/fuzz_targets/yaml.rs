//! cargo-fuzz target `yaml` (docs/FUZZING.md): `entries::yaml` on arbitrary bytes.
#![no_main]

#[path = "../entries.rs"]
mod entries;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entries::yaml(data));
