//! Golden warning tests: one folder per input that is probably a mistake but could be meant,
//! under `tests/warnings/<case>/`, with `expected.txt`, the exact stderr of
//! `lcs validate <entry>` (`scenario.yaml` if present, else `model.yaml`) with `NO_COLOR=1`.
//!
//! For every case: exit code 0 and stderr equal to `expected.txt` (the warning is printed
//! and counted but does not fail), the warning's name and position in stderr, and exit
//! code 1 with `--deny-warnings`. Beyond the cases: the spec's example and every bundled
//! scenario load without a warning, and a model shared by two scenarios warns once.
//!
//! Regenerate with `UPDATE_EXPECT=1 cargo test --test warnings` and review the diff.

#[path = "support/report.rs"]
mod report;

use report::flatten;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Case name → substrings that must appear in stderr.
#[rustfmt::skip]
const CASES: &[(&str, &[&str])] = &[
    ("gas-key-case-in-fuel-override", &["model.yaml:22:10", "warning[gas-key-case]", "gas key `co2` is written `CO2`", "key: `fuels.lpg.co2`", "3 warnings found"]),
    ("gas-key-case-in-source-factors", &["model.yaml:22:51", "warning[gas-key-case]", "key: `sources.ippu/cement.factors.co2`", "1 warning found"]),
    ("gas-key-case-in-composting", &["model.yaml:25:17", "warning[gas-key-case]", "key: `waste.composting.ch4`"]),
    ("additional-to-unused", &["scenario.yaml:10:27", "warning[additional-to-unused]", "measure `W1.1` is listed in `additional_to` of action `E1`", "key: `actions[0].additional_to[1]`", "1 warning found"]),
    ("link-overlap", &["scenario.yaml:8:15", "warning[link-overlap]", "measure `slag-to-kiln.virgin.clinker` of network `town-network` and measure `K1.1` of action `K1` both change `sources.ippu/clinker.activity` in 2025–2030", "key: `actions[0].ecotown[0]`", "1 warning found"]),
    ("link-overlap-projects", &["scenario.yaml:20:16", "scenario.yaml:20:48", "warning[link-overlap]", "measure `town-pv.generation` of project `town-pv`", "measure `S1.1` of action `S1` both change `electricity.local` in 2022–2026", "measure `chillers.save` of project `chillers`", "measure `S2.1` of action `S2` both change `demand.industry.energy`", "in 2024–2029", "key: `actions[2].projects[1]`", "2 warnings found"]),
    ("plant-also-local", &["model.yaml:23:5", "warning[plant-also-local]", "`pasir_gudang` is both a local unit", "key: `electricity.plants.pasir_gudang`", "1 warning found"]),
    ("sector-case", &["model.yaml:17:3", "warning[sector-case]", "source sector `waste` differs from the waste row `Waste` only in case", "key: `sources.waste/open_burning`", "1 warning found"]),
    ("negative-reduction", &["scenario.yaml:4:72", "warning[negative-reduction]", "allows an increase of 10 %", "key: `targets[0].reduction`"]),
];

fn lcs() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lcs"));
    c.env("NO_COLOR", "1");
    c
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn entry(dir: &Path) -> &'static str {
    if dir.join("scenario.yaml").is_file() {
        "scenario.yaml"
    } else {
        "model.yaml"
    }
}

#[test]
fn warnings_match_golden_files_and_deny_warnings_fails() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let mut dirs: Vec<PathBuf> = fs::read_dir(root().join("tests/warnings"))
        .expect("tests/warnings exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let Some((_, must)) = CASES.iter().find(|(n, _)| *n == name) else {
            failures.push(format!("{name}: no row in CASES"));
            continue;
        };
        let out = lcs()
            .args(["validate", entry(dir)])
            .current_dir(dir)
            .output()
            .expect("lcs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if out.status.code() != Some(0) {
            failures.push(format!(
                "{name}: exit {:?}, expected 0 (a warning does not fail)\n{stderr}",
                out.status.code()
            ));
        }
        let expected = dir.join("expected.txt");
        if update {
            fs::write(&expected, &stderr).expect("write expected.txt");
        } else if fs::read_to_string(&expected).ok().as_deref() != Some(stderr.as_str()) {
            failures.push(format!(
                "{name}: stderr differs from expected.txt (UPDATE_EXPECT=1 to rewrite)\n--- actual ---\n{stderr}"
            ));
        }
        let flat = flatten(&stderr);
        for s in *must {
            if !flat.contains(s) {
                failures.push(format!("{name}: stderr lacks `{s}`\n{stderr}"));
            }
        }
        let denied = lcs()
            .args(["validate", "--deny-warnings", entry(dir)])
            .current_dir(dir)
            .output()
            .expect("lcs");
        let derr = String::from_utf8_lossy(&denied.stderr);
        if denied.status.code() != Some(1) || !derr.contains("denied by `--deny-warnings`") {
            failures.push(format!(
                "{name}: with --deny-warnings exit {:?}, expected 1 and a note\n{derr}",
                denied.status.code()
            ));
        }
    }
    for (n, _) in CASES {
        if !dirs.iter().any(|d| d.ends_with(n)) {
            failures.push(format!("{n}: row in CASES but no folder"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_spec_example_and_the_bundled_scenarios_have_no_warning() {
    for dir in ["tests/cases/tiny", "scenarios/iskandar"] {
        let out = lcs()
            .args(["validate", "--deny-warnings", dir])
            .current_dir(root())
            .output()
            .expect("lcs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{dir}: {stderr}");
        assert!(stderr.trim().is_empty(), "{dir} warns:\n{stderr}");
    }
}

#[test]
fn a_model_shared_by_two_scenarios_warns_once() {
    let dir = root().join("tests/warnings/gas-key-case-in-source-factors");
    let tmp = std::env::temp_dir().join(format!("lcs-warn-once-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).expect("tmp");
    fs::copy(dir.join("model.yaml"), tmp.join("model.yaml")).expect("copy");
    fs::write(tmp.join("a.yaml"), "scenario: a\nmodel: model.yaml\n").expect("a");
    fs::write(tmp.join("b.yaml"), "scenario: b\nmodel: model.yaml\n").expect("b");
    let out = lcs()
        .args(["run", "a.yaml", "b.yaml"])
        .current_dir(&tmp)
        .output()
        .expect("lcs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("warning[gas-key-case]").count(),
        1,
        "{stderr}"
    );
    // `validate` over the folder: the model and both scenarios, the warning once.
    let out = lcs()
        .args(["validate", "."])
        .current_dir(&tmp)
        .output()
        .expect("lcs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("warning[gas-key-case]").count(),
        1,
        "{stderr}"
    );
    let _ = fs::remove_dir_all(&tmp);
}
