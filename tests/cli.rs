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
        text.lines()
            .any(|l| l.starts_with("intensity-40") && l.trim_end().ends_with("false")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("vs-reference-15") && l.trim_end().ends_with("true")),
        "{text}"
    );
    let csv = std::fs::read_to_string(&file).expect("csv");
    assert_eq!(csv.lines().count(), 3);
}

fn iskandar_projects() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/iskandar/projects")
}

#[test]
fn projects_writes_its_tables_with_the_documented_columns_deterministically() {
    let (a, b) = (tmp("projects-a"), tmp("projects-b"));
    for d in [&a, &b] {
        let out = lcs()
            .arg("projects")
            .arg(iskandar_projects().join("pipeline.yaml"))
            .arg("--out")
            .arg(d)
            .output()
            .expect("lcs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("seelong-wte") && stdout.contains("committed landfill CH4"));
    }
    for f in ["projects.csv", "summary.csv", "committed_ch4.csv"] {
        let x = std::fs::read(a.join(f)).expect("written");
        assert_eq!(x, std::fs::read(b.join(f)).expect("written"), "{f} differs");
    }
    let projects = std::fs::read_to_string(a.join("projects.csv")).unwrap();
    assert_eq!(
        projects.lines().next(),
        Some("project,year,reference,project_emissions,reduction,unit")
    );
    let summary = std::fs::read_to_string(a.join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    assert_eq!(
        lines.next(),
        Some("project,name,methodology,status,start,lifetime,annual_reduction,lifetime_reduction,capex,npv,levelised_cost,jcm_cost_effectiveness,currency,price_year")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 6, "six projects in the pipeline");
    // One yearly row per project and operating year: 20 + 17 + 15 + 20 + 15 + 10.
    assert_eq!(projects.lines().count() - 1, 97);
    let seelong = rows.iter().find(|r| r.starts_with("seelong-wte,")).unwrap();
    assert!(seelong.contains(",waste-to-energy,planned,2027,20,"));
    assert!(seelong.ends_with(",MYR,2021"));
    // Seelong's capex is RM 600 million, written in MYR.
    assert!(seelong.contains(",600000000.0,"));
    let committed = std::fs::read_to_string(a.join("committed_ch4.csv")).unwrap();
    assert!(committed.lines().any(|l| l.starts_with("seelong-wte,")));

    // One basis for the whole pipeline: every row in MYR at 2023 prices.
    let c = tmp("projects-basis");
    let out = lcs()
        .arg("projects")
        .arg(iskandar_projects().join("pipeline.yaml"))
        .args(["--currency", "MYR", "--price-year", "2023", "--out"])
        .arg(&c)
        .output()
        .expect("lcs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = std::fs::read_to_string(c.join("summary.csv")).unwrap();
    assert!(
        summary.lines().skip(1).all(|l| l.ends_with(",MYR,2023")),
        "{summary}"
    );
    // A basis with no price index writes nothing.
    let d = tmp("projects-no-basis");
    let _ = std::fs::remove_dir_all(&d);
    let out = lcs()
        .arg("projects")
        .arg(iskandar_projects().join("pipeline.yaml"))
        .args(["--currency", "MYR", "--price-year", "2030", "--out"])
        .arg(&d)
        .output()
        .expect("lcs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no price index for `MYR` in 2030"));
    assert!(!d.join("summary.csv").exists());
}

#[test]
fn validate_accepts_project_files_and_screen_drafts_say_what_is_missing() {
    let out = lcs()
        .arg("validate")
        .arg(iskandar_projects().join("pipeline.yaml"))
        .arg(iskandar_projects().join("seelong-wte.yaml"))
        .output()
        .expect("lcs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("6 projects"), "{stdout}");
    assert!(stdout.contains("1 project: seelong-wte"), "{stdout}");

    let drafts = tmp("drafts");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/iskandar/cm-2025.yaml");
    let out = lcs()
        .args(["projects", "--screen"])
        .arg(&scenario)
        .arg("--draft")
        .arg(&drafts)
        .output()
        .expect("lcs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for m in [
        "pv-grid",
        "waste-to-energy",
        "efficient-equipment",
        "fuel-switch",
    ] {
        assert!(
            stdout.contains(m),
            "screen lists a {m} candidate:\n{stdout}"
        );
    }
    // The solar draft has everything but its crediting period: validate names it.
    let draft = drafts.join("a5-1.yaml");
    let text = std::fs::read_to_string(&draft).expect("draft written");
    assert!(text.contains("methodology: pv-grid") && text.contains("generation:"));
    let out = lcs()
        .arg("validate")
        .arg(&draft)
        .env("NO_COLOR", "1")
        .output()
        .expect("lcs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing key `lifetime`"), "{stderr}");
    // With the missing key added, the draft is a valid project.
    std::fs::write(&draft, format!("{text}lifetime: \"17 yr\"\n")).unwrap();
    let out = lcs().arg("validate").arg(&draft).output().expect("lcs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The file forms shown in docs/PROJECTS.md are valid project files (with the model path
/// made absolute), so the documentation cannot drift from the checker.
#[test]
fn the_project_file_forms_of_the_docs_are_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/PROJECTS.md")).expect("docs/PROJECTS.md");
    let blocks: Vec<&str> = doc
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap_or(""))
        .collect();
    assert!(blocks.len() >= 2, "the single-project and the list forms");
    let model = root.join("scenarios/iskandar/model.yaml");
    let seelong = iskandar_projects().join("seelong-wte.yaml");
    let dir = tmp("doc-forms");
    for (i, b) in blocks.iter().take(2).enumerate() {
        let text = b
            .replace("../model.yaml", &model.display().to_string())
            .replace("- seelong-wte.yaml", &format!("- {}", seelong.display()));
        let f = dir.join(format!("form-{i}.yaml"));
        std::fs::write(&f, text).unwrap();
        let out = lcs().arg("validate").arg(&f).output().expect("lcs");
        assert!(
            out.status.success(),
            "docs/PROJECTS.md block {i}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
