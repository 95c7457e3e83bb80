//! The fuzzing entry points, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`,
//! nightly) and the corpus replay test (`tests/fuzz_corpus.rs`, stable), so the replay
//! exercises exactly what was fuzzed. Each takes arbitrary bytes and must return without
//! panicking, whatever they hold (docs/FUZZING.md).

use lcs_model::{FileId, Loader};
use lcs_units::{parse_expr, Dimension, UnitRegistry};
use std::path::Path;

/// The YAML reader: any bytes → text (NUL, UTF-8 checks) → spanned tree or diagnostics.
pub(crate) fn yaml(data: &[u8]) {
    let Ok(text) = lcs_model::text_of(data.to_vec()) else {
        return;
    };
    let (r, _) = lcs_model::yaml::parse_document(FileId(0), &text);
    if r.is_err() {
        let _ = lcs_model::yaml::last_key_path(&text);
    }
}

/// The unit parser: a unit, a quantity, and a list of count names.
pub(crate) fn units(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let reg = UnitRegistry::builtin();
    if let Ok(u) = reg.parse(text) {
        let _ = format!("{}", u.dim);
        let _ = u.to_base(1.0);
    }
    let _ = reg.parse_quantity(text).map(|q| q.base_value());
    let names: Vec<&str> = text.split(',').take(64).collect();
    if let Ok(r) = UnitRegistry::new(&names) {
        let _ = r.parse(text);
    }
}

/// The expression parser: parse, print, dimension check, compile.
pub(crate) fn expr(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(e) = parse_expr(text) else { return };
    let printed = e.to_string();
    // What is printed reads back.
    assert!(
        parse_expr(&printed).is_ok(),
        "`{text}` printed as `{printed}`"
    );
    let _ = e.dimension(&|n: &str| match n.len() % 3 {
        0 => Some(Dimension::none()),
        1 => Some(Dimension::energy()),
        _ => None,
    });
    let _ = e.compile(&|n: &str| n.len());
}

/// Whole-scenario loading: the input is a set of files, `name NUL text NUL` repeated; the
/// first is checked (a model, scenario or package, following `model`, `extends` and
/// `packages` into the others); a scenario that loads is compiled and run, its rows and
/// targets built, and every diagnostic rendered.
pub(crate) fn scenario(data: &[u8]) {
    let mut parts = data.split(|b| *b == 0);
    let mut loader = Loader::new();
    let mut entry = None;
    let mut n = 0;
    while let (Some(name), Some(text)) = (parts.next(), parts.next()) {
        let (Ok(name), Ok(text)) = (std::str::from_utf8(name), std::str::from_utf8(text)) else {
            return;
        };
        if name.is_empty() || n >= 16 {
            return;
        }
        loader.add_virtual_file(Path::new(name), text);
        entry.get_or_insert_with(|| name.to_string());
        n += 1;
    }
    let Some(entry) = entry else { return };
    match loader.check_file(Path::new(&entry)) {
        Ok(lcs_model::Checked::Scenario(s)) => {
            let Ok(c) = lcs_engine::compile(&s) else {
                return;
            };
            let (Ok(ws), Ok(reference)) = (lcs_engine::run_all(&c), lcs_engine::run_reference(&c))
            else {
                return;
            };
            let _ = lcs_engine::rows(&c, &ws);
            let _ = lcs_engine::evaluate_targets(&s, &c, &ws, &reference);
        }
        Ok(_) => {}
        Err(diags) => {
            let _ = lcs_model::render_all_plain(&diags, &loader.sources);
        }
    }
}
