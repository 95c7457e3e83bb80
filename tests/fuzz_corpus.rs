//! Replays the committed fuzzing corpus (`fuzz/corpus/<target>/`) through the same entry
//! points the cargo-fuzz targets use (`fuzz/entries.rs`), on stable Rust, so a change that
//! makes any corpus input panic fails CI in seconds (docs/FUZZING.md).

use std::path::Path;

#[path = "../fuzz/entries.rs"]
mod entries;

fn replay(target: &str, entry: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for f in &files {
        // A file a running fuzzer has just reduced away is skipped.
        let Ok(data) = std::fs::read(f) else { continue };
        let r = std::panic::catch_unwind(|| entry(&data));
        assert!(r.is_ok(), "{target}: {} panics", f.display());
    }
    files.len()
}

#[test]
fn yaml_corpus() {
    assert!(replay("yaml", entries::yaml) > 10);
}

#[test]
fn units_corpus() {
    assert!(replay("units", entries::units) > 10);
}

#[test]
fn expr_corpus() {
    assert!(replay("expr", entries::expr) > 5);
}

#[test]
fn scenario_corpus() {
    assert!(replay("scenario", entries::scenario) > 10);
}
