//! Conformance: every case under `tests/cases/<case>/` (the spec examples, copied
//! unchanged, plus our own) runs through the `lcs` binary, and its outputs match
//! `expected/` to a relative error of 1e-9 (MODEL.md's contract; the `model` column aside).
//!
//! - `results.csv`: `lcs run <every scenario file> --out DIR`; every expected row must be
//!   present (more rows are allowed).
//! - `attribution-<scenario>-<method>.csv`: `lcs attribute`; same rows, same order.
//! - `targets-<scenario>.csv`: `lcs targets`; same rows, `met` equal.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const REL: f64 = 1e-9;

fn lcs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lcs"))
}

fn tmp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lcs-conformance-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// A CSV file as a header and rows of fields (no quoted fields in these files).
fn read_csv(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text =
        std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL * a.abs().max(b.abs()).max(1.0)
}

fn scenario_files(case: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(case)
        .expect("case folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter(|p| {
            std::fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l.starts_with("scenario:")))
        })
        .collect();
    v.sort();
    v
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run lcs");
    assert!(
        out.status.success(),
        "lcs failed: {:?}\n{}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn check_results(case: &Path, out: &Path) -> usize {
    let files = scenario_files(case);
    run_ok(
        lcs()
            .current_dir(case)
            .args(["run"])
            .args(&files)
            .arg("--out")
            .arg(out),
    );
    let (eh, erows) = read_csv(&case.join("expected/results.csv"));
    let (gh, grows) = read_csv(&out.join("results.csv"));
    assert_eq!(eh, gh, "results.csv header");
    let key = |r: &[String]| (r[1].clone(), r[3].clone(), r[4].clone(), r[5].clone());
    let got: HashMap<_, _> = grows.iter().map(|r| (key(r), r[6].clone())).collect();
    let mut problems = Vec::new();
    for r in &erows {
        match got.get(&key(r)) {
            None => problems.push(format!("missing row {:?}", key(r))),
            Some(v) => {
                let (e, g): (f64, f64) = (
                    r[6].parse().expect("expected value"),
                    v.parse().unwrap_or(f64::NAN),
                );
                if !close(e, g) {
                    problems.push(format!("{:?}: expected {e}, got {g}", key(r)));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}: {} problems:\n{}",
        case.display(),
        problems.len(),
        problems.join("\n")
    );
    erows.len()
}

fn check_table(case: &Path, expected: &Path, got: &Path, numeric: &[usize]) {
    let (eh, erows) = read_csv(expected);
    let (gh, grows) = read_csv(got);
    assert_eq!(eh, gh, "{} header", expected.display());
    assert_eq!(
        erows.len(),
        grows.len(),
        "{}: row count",
        expected.display()
    );
    for (e, g) in erows.iter().zip(&grows) {
        for (i, (a, b)) in e.iter().zip(g).enumerate() {
            if numeric.contains(&i) {
                let (x, y): (f64, f64) =
                    (a.parse().expect("number"), b.parse().unwrap_or(f64::NAN));
                assert!(close(x, y), "{}: {e:?} vs {g:?}", case.display());
            } else {
                assert_eq!(a, b, "{}: {e:?} vs {g:?}", case.display());
            }
        }
    }
}

#[test]
fn every_case_matches_its_expected_outputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/cases")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    for case in cases {
        let name = case
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let out = tmp_dir(&name);
        let n = check_results(&case, &out);
        assert!(n > 0);
        for entry in std::fs::read_dir(case.join("expected"))
            .expect("expected/")
            .filter_map(|e| e.ok())
        {
            let file = entry.file_name().to_string_lossy().to_string();
            let stem = file.trim_end_matches(".csv");
            if let Some(rest) = stem.strip_prefix("attribution-") {
                let (scenario, method) = rest
                    .rsplit_once('-')
                    .expect("attribution-<scenario>-<method>.csv");
                let got = out.join(&file);
                run_ok(
                    lcs()
                        .current_dir(&case)
                        .args([
                            "attribute",
                            &format!("{scenario}.yaml"),
                            "--method",
                            method,
                            "--out",
                        ])
                        .arg(&got),
                );
                check_table(&case, &entry.path(), &got, &[3]);
            } else if let Some(scenario) = stem.strip_prefix("targets-") {
                let got = out.join(&file);
                run_ok(
                    lcs()
                        .current_dir(&case)
                        .args(["targets", &format!("{scenario}.yaml"), "--out"])
                        .arg(&got),
                );
                check_table(&case, &entry.path(), &got, &[3, 4]);
            }
        }
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// The copies under tests/cases are the spec's examples, unchanged (checked when the
/// spec folder sits beside the checkout, as it does for developers and CI).
#[test]
fn cases_are_unchanged_copies_of_the_spec_examples() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = here.join("../shared/spec/examples");
    if !spec.exists() {
        return;
    }
    fn files(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("dir").filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                files(&p, base, out);
            } else {
                out.push(p.strip_prefix(base).expect("prefix").to_path_buf());
            }
        }
    }
    for e in std::fs::read_dir(&spec)
        .expect("spec")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
    {
        let mut list = Vec::new();
        files(&e.path(), &e.path(), &mut list);
        for f in list {
            let a = std::fs::read(e.path().join(&f)).expect("spec file");
            let b = std::fs::read(here.join("tests/cases").join(e.file_name()).join(&f))
                .unwrap_or_else(|_| {
                    panic!(
                        "tests/cases/{}/{} is missing",
                        e.file_name().to_string_lossy(),
                        f.display()
                    )
                });
            assert!(
                a == b,
                "tests/cases/{}/{} differs from the spec example",
                e.file_name().to_string_lossy(),
                f.display()
            );
        }
    }
}

/// Same inputs, same bytes: two runs write identical files.
#[test]
fn runs_are_byte_identical() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/tiny");
    let (a, b) = (tmp_dir("det-a"), tmp_dir("det-b"));
    for d in [&a, &b] {
        run_ok(
            lcs()
                .current_dir(&case)
                .args(["run", "bau.yaml", "cm.yaml", "--out"])
                .arg(d),
        );
        run_ok(
            lcs()
                .current_dir(&case)
                .args(["attribute", "cm.yaml", "--method", "shapley", "--out"])
                .arg(d.join("shapley.csv")),
        );
    }
    for f in ["results.csv", "shapley.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).expect("a"),
            std::fs::read(b.join(f)).expect("b"),
            "{f} differs between runs"
        );
    }
}
