//! Helpers shared by the engine's integration tests: a small scenario's files written to a
//! fresh folder and loaded through `lcs_model::Loader`, as a user's files would be.

// Each test binary compiles this module and uses only some of it.
#![allow(dead_code)]

use lcs_model::{Loader, Scenario};
use std::sync::atomic::{AtomicUsize, Ordering};

static N: AtomicUsize = AtomicUsize::new(0);

/// Writes `files` (name, text) to a fresh folder and loads its `scenario.yaml`: the
/// scenario, or its load errors rendered as the command line prints them. The folder is
/// removed either way.
pub(crate) fn try_load(files: &[(&str, &str)]) -> Result<Scenario, String> {
    let dir = std::env::temp_dir().join(format!(
        "lcs-engine-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
    let mut loader = Loader::new();
    let s = loader.load_scenario(&dir.join("scenario.yaml"));
    let _ = std::fs::remove_dir_all(&dir);
    s.map_err(|d| lcs_model::render_all_plain(&d, &loader.sources))
}

/// [`try_load`] that must succeed (the rendered errors otherwise).
pub(crate) fn load(files: &[(&str, &str)]) -> Scenario {
    try_load(files).unwrap_or_else(|e| panic!("{e}"))
}

/// [`try_load`] that must fail: its rendered errors.
pub(crate) fn load_err(files: &[(&str, &str)]) -> String {
    match try_load(files) {
        Ok(_) => panic!("expected load errors"),
        Err(e) => e,
    }
}
