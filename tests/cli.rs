//! The command line's contract: exit codes, `lcs paths`, no output file after a failure,
//! `lcs validate` on every kind of file.

use std::path::{Path, PathBuf};
use std::process::Command;

fn lcs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lcs"))
}

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/tiny")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lcs-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn usage_errors_exit_2_and_invalid_input_exits_1() {
    let out = lcs().args(["run"]).output().expect("lcs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "missing arguments is a usage error"
    );
    let out = lcs().args(["frobnicate"]).output().expect("lcs");
    assert_eq!(out.status.code(), Some(2));
    let out = lcs()
        .args(["validate", "no-such-file.yaml"])
        .output()
        .expect("lcs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `no-such-file.yaml`"));
}

#[test]
fn paths_lists_targets_with_units() {
    let out = lcs()
        .current_dir(tiny())
        .args(["paths", "model.yaml"])
        .output()
        .expect("lcs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let line = |path: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(path))
            .unwrap_or_else(|| panic!("no {path} in\n{text}"))
            .to_string()
    };
    assert!(line("demand.transport/car.intensity").ends_with("MJ/pkm"));
    assert!(line("drivers.gdp").ends_with("MYR million"));
    assert!(line("demand.transport").contains("share map {car, motorcycle, bus}"));
    assert!(line("waste.landfill.recovery").ends_with(" 1"));
    assert!(line("sources.ippu/cement.factors.CO2").ends_with("t CO2/t"));
    // Every measure target of the example is listed.
    for p in [
        "demand.industry.intensity",
        "demand.industry/heavy.fuels",
        "electricity.local",
        "waste.routes",
        "waste.generation",
        "sources.afolu/forest.activity",
    ] {
        line(p);
    }
}

#[test]
fn a_failed_run_writes_no_output() {
    let dir = tmp("fail");
    std::fs::copy(tiny().join("model.yaml"), dir.join("model.yaml")).expect("copy");
    std::fs::write(dir.join("bad.yaml"), "scenario: bad\nmodel: model.yaml\nactions:\n  - id: A\n    measures: [{ id: m, lever: add, target: demand.transport/car.share, amount: -0.9, start: 2021 }]\n").expect("write");
    let out_dir = dir.join("out");
    let out = lcs()
        .current_dir(&dir)
        .args(["run", "bad.yaml", "--out", "out"])
        .output()
        .expect("lcs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.yaml:5:16")
            && err.contains("makes a share negative")
            && err.contains("in 2021"),
        "{err}"
    );
    assert!(
        !out_dir.join("results.csv").exists(),
        "no results.csv after a failed run"
    );
}

#[test]
fn validate_accepts_models_scenarios_and_packages() {
    let out = lcs()
        .current_dir(tiny())
        .args([
            "validate",
            "model.yaml",
            "bau.yaml",
            "cm.yaml",
            "packages/green-economy.yaml",
        ])
        .output()
        .expect("lcs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("ok  ")).count(),
        4,
        "{text}"
    );
    assert!(
        text.contains("scenario `cm`, 6 actions, 2 targets"),
        "{text}"
    );
}

#[test]
fn targets_prints_and_writes_the_same_results() {
    let dir = tmp("targets");
    let file = dir.join("t.csv");
    let out = lcs()
        .current_dir(tiny())
        .args(["targets", "cm.yaml", "--out"])
        .arg(&file)
        .output()
        .expect("lcs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("intensity-40")
            && l.contains("t CO2e/MYR million")
            && l.trim_end().ends_with("no")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("vs-reference-15")
            && l.contains("kt CO2e/yr")
            && l.trim_end().ends_with("yes")),
        "{text}"
    );
    let csv = std::fs::read_to_string(&file).expect("csv");
    assert_eq!(csv.lines().count(), 3);
}
