//! The invalid-input corpus (`tests/invalid/cases.tsv`, made by `tests/invalid/generate.py`):
//! one defect per case, each a one-line edit of the tiny example. For every case,
//! `lcs run cm.yaml --out out` must exit 1, name the file, line and column and the key path
//! of the edited place (derived from the YAML structure by the generator, not from lcs), and
//! write nothing.
//!
//! Also: every load error of every case here and under `tests/errors/` that has a location
//! has a key path.

use lcs_model::{Checked, Loader};
use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    name: String,
    file: String,
    line: usize,
    old: String,
    new: String,
    at: String,
    key: String,
    message: String,
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/invalid/cases.tsv")).expect("cases.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 8, "{l}");
            Case {
                name: c[0].into(),
                file: c[1].into(),
                line: c[2].parse().expect("line"),
                old: c[3].into(),
                new: c[4].into(),
                at: c[5].into(),
                key: c[6].into(),
                message: c[7].into(),
            }
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let p = e.path();
        if p.is_dir() {
            if e.file_name() != "expected" {
                copy_dir(&p, &to.join(e.file_name()));
            }
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

/// A copy of the tiny example with the case's edit applied.
fn prepare(c: &Case, base: &Path) -> PathBuf {
    let d = base.join(&c.name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/tiny"),
        &d,
    );
    let p = d.join(&c.file);
    let text = std::fs::read_to_string(&p).expect("read");
    let mut lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines[c.line - 1], c.old, "{}: the example changed", c.name);
    lines[c.line - 1] = &c.new;
    std::fs::write(&p, lines.join("\n")).expect("write");
    d
}

#[test]
fn every_invalid_case_is_reported_at_its_place_and_writes_nothing() {
    let all = cases();
    assert!(all.len() >= 200, "{} cases", all.len());
    let base = std::env::temp_dir().join(format!("lcs-invalid-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let failures: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<&[Case]> = all.chunks(all.len().div_ceil(2)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let base = &base;
                s.spawn(move || {
                    let mut bad = Vec::new();
                    for c in chunk {
                        let d = prepare(c, base);
                        let o = Command::new(env!("CARGO_BIN_EXE_lcs"))
                            .current_dir(&d)
                            .env("NO_COLOR", "1")
                            .args(["run", "cm.yaml", "--out", "out"])
                            .output()
                            .expect("lcs");
                        let e = String::from_utf8_lossy(&o.stderr);
                        let headline = format!("{}: {}", c.at, c.message);
                        let flat = e.replace("\n  │ ", " ");
                        if o.status.code() != Some(1)
                            || !flat.contains(&headline)
                            || !e.contains(&format!("key: `{}`", c.key))
                            || d.join("out").exists()
                        {
                            bad.push(format!(
                                "{}: exit {:?}, want `{headline}` and key `{}`:\n{e}",
                                c.name,
                                o.status.code(),
                                c.key
                            ));
                        }
                        let _ = std::fs::remove_dir_all(&d);
                    }
                    bad
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    let _ = std::fs::remove_dir_all(&base);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every diagnostic with a location from loading `entry` has a key path.
fn assert_key_paths(entry: &Path, label: &str) {
    let mut l = Loader::new();
    let diags = match l.check_file(entry) {
        Ok(
            Checked::Scenario(_)
            | Checked::Model(_)
            | Checked::Package { .. }
            | Checked::Ecotown(_)
            | Checked::Projects(_),
        ) => return,
        Err(d) => d,
    };
    for d in &diags {
        if d.span.is_some() {
            assert!(
                !d.path.is_empty(),
                "{label}: a located error without a key path:\n{}",
                d.render_plain(&l.sources)
            );
        }
    }
}

#[test]
fn every_located_load_error_has_a_key_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = std::env::temp_dir().join(format!("lcs-invalid-keys-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let mut n = 0;
    for c in cases() {
        let d = prepare(&c, &base);
        assert_key_paths(&d.join("cm.yaml"), &c.name);
        let _ = std::fs::remove_dir_all(&d);
        n += 1;
    }
    for e in std::fs::read_dir(root.join("tests/errors")).expect("errors") {
        let d = e.expect("entry").path();
        let entry = if d.join("scenario.yaml").is_file() {
            d.join("scenario.yaml")
        } else {
            d.join("model.yaml")
        };
        assert_key_paths(&entry, &d.display().to_string());
        n += 1;
    }
    let _ = std::fs::remove_dir_all(&base);
    assert!(n >= 250, "{n} cases");
}
