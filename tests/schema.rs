//! `lcs schema`: valid JSON, the same bytes every time, and every top-level key of every
//! bundled YAML file listed for its file kind; the files of tests/schema-cases (every key of
//! every file kind) load without error. (The full check of every bundled file against the
//! schema, with an independent validator, is tests/python/check_schema.py, run by .ci/run;
//! the unit tests of `lcs_model::schema` check the schema against the readers' key lists.)

use lcs_model::yaml::{self, NodeKind};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema_text() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lcs"))
        .arg("schema")
        .output()
        .expect("lcs schema");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Every `*.yaml` under the bundled folders (not tests/errors: those files are wrong on
/// purpose).
fn bundled() -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(d)
            .expect("folder")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "yaml") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for d in [
        "scenarios",
        "tests/cases",
        "tests/uncertainty",
        "tests/warnings",
        "crates/lcs-model/starter",
        "tests/schema-cases",
        "tests/heldout",
    ] {
        walk(&root().join(d), &mut out);
    }
    out
}

#[test]
fn schema_is_stable_json_of_draft_2020_12() {
    let a = schema_text();
    assert_eq!(a, schema_text(), "same bytes every time");
    let v: serde_json::Value = serde_json::from_str(&a).expect("valid JSON");
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    for (_, kind) in lcs_model::schema::KINDS {
        assert!(v["$defs"][kind]["properties"].is_object(), "{kind}");
        assert_eq!(
            v["$defs"][kind]["additionalProperties"], false,
            "{kind} is closed"
        );
    }
}

#[test]
fn every_top_level_key_of_every_bundled_file_is_in_the_schema() {
    let v: serde_json::Value = serde_json::from_str(&schema_text()).expect("JSON");
    let files = bundled();
    assert!(files.len() >= 20, "found {} bundled files", files.len());
    let mut missing = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let node = yaml::parse(lcs_model::FileId(0), &text)
            .unwrap_or_else(|_| panic!("{} parses", f.display()));
        let NodeKind::Map(items) = &node.kind else {
            panic!("{} is a mapping", f.display())
        };
        let keys: Vec<&str> = items.iter().map(|(k, _)| k.text.as_str()).collect();
        let kind =
            lcs_model::schema::kind_of(&keys).unwrap_or_else(|| panic!("{}: no kind", f.display()));
        let props = v["$defs"][kind]["properties"]
            .as_object()
            .expect("properties");
        for (k, _) in items {
            if !props.contains_key(&k.text) {
                missing.push(format!("{}: `{}` ({kind})", f.display(), k.text));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "top-level keys missing from `lcs schema` (crates/lcs-model/src/schema.rs):\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_kind_is_bundled_and_the_schema_cases_load() {
    // Each file kind has a bundled file, so the Python check validates every kind.
    let mut kinds = Vec::new();
    for f in bundled() {
        let text = std::fs::read_to_string(&f).expect("read");
        let node = yaml::parse(lcs_model::FileId(0), &text).expect("YAML");
        if let NodeKind::Map(items) = &node.kind {
            let keys: Vec<&str> = items.iter().map(|(k, _)| k.text.as_str()).collect();
            kinds.extend(lcs_model::schema::kind_of(&keys));
        }
    }
    for (_, kind) in lcs_model::schema::KINDS {
        assert!(kinds.contains(&kind), "no bundled `{kind}` file");
    }
    // The every-key files are valid for lcs itself, without warnings.
    let out = Command::new(env!("CARGO_BIN_EXE_lcs"))
        .args(["--deny-warnings", "validate"])
        .arg(root().join("tests/schema-cases"))
        .output()
        .expect("lcs validate");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "lcs validate tests/schema-cases:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // model, four scenarios (bau, cm, costs, linked), package, project, pipeline, network: 9 files.
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        9,
        "{stdout}"
    );
}
