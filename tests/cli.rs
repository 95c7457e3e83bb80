//! The command line's contract: exit codes, `lcs paths`, no output file after a failure,
//! `lcs validate` on every kind of file.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/report.rs"]
mod report;

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
fn refused_option_values_are_usage_errors_in_words() {
    // The value parsers' typed errors (`cli::ArgError`) reach the user as clap's line with
    // their `Display` text, exit code 2, and nothing of Rust's debug form.
    for (args, says) in [
        (
            &["attribute", "x.yaml", "--permutations", "0"][..],
            "invalid value '0' for '--permutations <PERMUTATIONS>': must be at least 1",
        ),
        (
            &["attribute", "x.yaml", "--permutations", "many"][..],
            "`many` is not a whole number",
        ),
        (
            &["attribute", "x.yaml", "--tolerance", "150%"][..],
            "`150%` is not a share between 0 and 1 (write `0.5%` or `0.005`)",
        ),
        (
            &["ensemble", "x.yaml", "--shard", "3/2"][..],
            "invalid value '3/2' for '--shard <K/N>': a shard K/N needs 1 ≤ K ≤ N, found 3/2",
        ),
        (
            &["ensemble", "x.yaml", "--shard", "3"][..],
            "a shard is written K/N (e.g. 3/16), found `3`",
        ),
        (
            &[
                "sensitivity",
                "x.yaml",
                "--method",
                "morris",
                "--levels",
                "3",
            ][..],
            "must be an even number ≥ 2, found 3",
        ),
    ] {
        let out = lcs().args(args).output().expect("lcs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(
            !err.contains("ArgError") && !err.contains("Shard("),
            "{err}"
        );
    }
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

/// Writes `files` (path, text) into a fresh temporary folder with a copy of the tiny model.
fn tiny_dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = tmp(name);
    std::fs::copy(tiny().join("model.yaml"), dir.join("model.yaml")).expect("copy model");
    for (p, text) in files {
        std::fs::write(dir.join(p), text).expect("write");
    }
    dir
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn a_missed_target_exits_3_with_fail_on_missed_targets() {
    // Tiny `cm` misses `intensity-40` (128 > 112 t CO2e/MYR million in 2030) and meets
    // `vs-reference-15`.
    for cmd in [&["targets", "cm.yaml"][..], &["run", "cm.yaml"][..]] {
        let out = lcs().current_dir(tiny()).args(cmd).output().expect("lcs");
        assert_eq!(out.status.code(), Some(0), "{cmd:?} without the flag");
        let out = lcs()
            .current_dir(tiny())
            .args(cmd)
            .arg("--fail-on-missed-targets")
            .output()
            .expect("lcs");
        assert_eq!(out.status.code(), Some(3), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("1 target missed: cm/intensity-40"), "{err}");
        // Everything else was still done: the table was printed.
        assert!(String::from_utf8_lossy(&out.stdout).contains("intensity-40"));
    }
    // All targets met: exit 0 with the flag.
    let dir = tiny_dir(
        "all-met",
        &[("s.yaml", "scenario: s\nmodel: model.yaml\ntargets:\n  - { id: cap, metric: emissions, year: 2030, at_most: \"5000 kt CO2e\" }\n")],
    );
    let out = lcs()
        .current_dir(&dir)
        .args(["targets", "s.yaml", "--fail-on-missed-targets"])
        .output()
        .expect("lcs");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn json_output_of_run_targets_attribute_and_validate() {
    let out = lcs()
        .current_dir(tiny())
        .args(["run", "bau.yaml", "cm.yaml", "--format", "json"])
        .output()
        .expect("lcs");
    assert!(out.status.success());
    let v = json_of(&out);
    assert_eq!(v["kind"], "run");
    assert_eq!(v["version"], 1);
    let cm = &v["scenarios"][1];
    assert_eq!(cm["id"], "cm");
    assert_eq!(cm["years"].as_array().expect("years").len(), 11);
    assert_eq!(cm["rows"][0]["variable"], "Emissions|CO2e");
    assert_eq!(cm["rows"][0]["unit"], "kt CO2e/yr");
    // The same numbers as the conformance results: cm 2030 total (targets-cm.csv).
    let total_2030 = cm["rows"][0]["values"][10].as_f64().expect("number");
    assert!((total_2030 - 992.6700221358349).abs() < 1e-9 * 992.67);
    assert_eq!(cm["targets"][0]["unit"], "t CO2e/MYR million");
    assert_eq!(cm["targets"][0]["met"], false);

    let out = lcs()
        .current_dir(tiny())
        .args(["targets", "cm.yaml", "--format", "json"])
        .output()
        .expect("lcs");
    let v = json_of(&out);
    assert_eq!(v["kind"], "targets");
    assert_eq!(v["missed"], 1);
    assert_eq!(v["targets"][1]["id"], "vs-reference-15");
    assert_eq!(v["targets"][1]["unit"], "kt CO2e/yr");
    assert!((v["targets"][1]["threshold"].as_f64().unwrap() - 1033.1436261629262).abs() < 1e-6);

    let out = lcs()
        .current_dir(tiny())
        .args([
            "attribute",
            "cm.yaml",
            "--year",
            "2025,2030",
            "--format",
            "json",
        ])
        .output()
        .expect("lcs");
    let v = json_of(&out);
    assert_eq!(v["kind"], "attribute");
    assert_eq!(v["method"], "shapley");
    assert_eq!(v["estimated"], false);
    assert_eq!(v["years"], serde_json::json!([2025, 2030]));
    assert_eq!(v["actions"][0]["id"], "T1");
    assert_eq!(v["actions"][0]["name"], "Integrated green transportation");
    // Shapley contributions sum to the total (MODEL.md §10), in each year.
    for y in 0..2 {
        let sum: f64 = v["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["values"][y].as_f64().unwrap())
            .sum();
        let total = v["total"][y].as_f64().unwrap();
        assert!(
            (sum - total).abs() < 1e-9 * total.abs().max(1.0),
            "{sum} vs {total}"
        );
    }

    let out = lcs()
        .current_dir(tiny())
        .args(["validate", ".", "--format", "json"])
        .output()
        .expect("lcs");
    assert!(out.status.success());
    let v = json_of(&out);
    assert_eq!(v["kind"], "validate");
    assert_eq!(v["ok"], true);
    assert_eq!(v["files"].as_array().unwrap().len(), 5);
    assert_eq!(v["errors"], 0);
}

#[test]
fn validate_a_folder_reports_a_shared_models_errors_once() {
    let dir = tmp("validate-dir");
    let model = std::fs::read_to_string(tiny().join("model.yaml"))
        .expect("model")
        .replace(
            "fuels: { gasoline: 0.9, diesel: 0.1 }",
            "fuels: { gasolin: 0.9, diesel: 0.1 }",
        );
    std::fs::create_dir_all(dir.join("sub")).expect("sub");
    std::fs::write(dir.join("model.yaml"), model).expect("model");
    std::fs::write(dir.join("a.yaml"), "scenario: a\nmodel: model.yaml\n").expect("a");
    std::fs::write(
        dir.join("sub/b.yaml"),
        "scenario: b\nmodel: ../model.yaml\n",
    )
    .expect("b");
    let out = lcs()
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args(["validate", "."])
        .output()
        .expect("lcs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("unknown fuel `gasolin`").count(), 1, "{err}");
    assert!(err.trim_end().ends_with("1 error found"), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    // Three files, in name order, each failing.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("fail  ./a.yaml"), "{text}");
    assert!(lines[1].starts_with("fail  ./model.yaml"), "{text}");
    assert!(lines[2].starts_with("fail  ./sub/b.yaml"), "{text}");
    // JSON: the diagnostic once, with its position.
    let out = lcs()
        .current_dir(&dir)
        .args(["validate", ".", "--format", "json"])
        .output()
        .expect("lcs");
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 28);
    assert_eq!(d["key"], "demand.transport.children.car.fuels.gasolin");
    assert_eq!(v["files"][0]["errors"], 1);
}

#[test]
fn years_outside_the_model_are_errors() {
    for args in [
        &["run", "bau.yaml", "--years", "2020,2099"][..],
        &["attribute", "cm.yaml", "--year", "2099"][..],
    ] {
        let out = lcs().current_dir(tiny()).args(args).output().expect("lcs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("2099 is outside the model years of scenario")
                && err.contains("2020 to 2030"),
            "{err}"
        );
    }
    let dir = tmp("report-years");
    let out = lcs()
        .current_dir(tiny())
        .args(["report", "bau.yaml", "--years", "2020,2099", "--out"])
        .arg(&dir)
        .output()
        .expect("lcs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("report year 2099"));
}

#[test]
fn run_prints_only_without_out_and_honours_years() {
    let dir = tmp("run-print");
    std::fs::copy(tiny().join("model.yaml"), dir.join("model.yaml")).expect("copy");
    std::fs::copy(tiny().join("bau.yaml"), dir.join("bau.yaml")).expect("copy");
    let out = lcs()
        .current_dir(&dir)
        .args(["run", "bau.yaml", "--years", "2020,2026"])
        .output()
        .expect("lcs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let header = text.lines().next().expect("header");
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["kt", "CO2e/yr", "2020", "2026"]
    );
    // Thousands separators in the printed table: bau 2026 total is 1,112 kt (results.csv).
    assert!(text.contains("1,1"), "{text}");
    assert!(!text.contains("wrote"), "{text}");
    let written: Vec<_> = std::fs::read_dir(&dir).expect("dir").collect();
    assert_eq!(written.len(), 2, "run without --out writes nothing");
}

#[test]
fn attribute_samples_only_a_component_above_the_exact_limit_and_says_so() {
    // 21 actions, each cutting residential intensity by 1 %: they all reach the residential
    // component, one more than `--max-exact-actions` (20) takes, so that component is
    // estimated from random orderings with standard errors; the others stay exact.
    let mut s = String::from("scenario: many\nmodel: model.yaml\nactions:\n");
    for i in 0..21 {
        s.push_str(&format!(
            "  - {{ id: A{i}, name: Action {i}, measures: [{{ id: m, lever: scale, target: demand.residential.intensity, by: -0.01, start: 2021 }}] }}\n"
        ));
    }
    let dir = tiny_dir("many", &[("many.yaml", &s)]);
    let out = lcs()
        .current_dir(&dir)
        .args(["attribute", "many.yaml", "--format", "json"])
        .output()
        .expect("lcs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("more than 20 actions") && err.contains("random orderings"),
        "{err}"
    );
    let v = json_of(&out);
    assert_eq!(v["method"], "shapley");
    assert_eq!(v["estimated"], true);
    assert!(v["note"].as_str().unwrap().contains("residential"));
    assert!(v["actions"][0]["standard_error"].is_array());
    // The estimate still sums to the total in every year.
    let n_years = v["years"].as_array().unwrap().len();
    for y in 0..n_years {
        let sum: f64 = v["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["values"][y].as_f64().unwrap())
            .sum();
        let total = v["total"][y].as_f64().unwrap();
        assert!((sum - total).abs() <= 1e-9 * total.abs().max(1.0));
    }
    // The text table says so too, with a standard error column.
    let out = lcs()
        .current_dir(&dir)
        .args(["attribute", "many.yaml"])
        .output()
        .expect("lcs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Shapley, exact for") && text.contains("± se 2030"),
        "{text}"
    );
    assert!(text.contains("Action 20"), "{text}");
    // The cm scenario's components are small: exact, and said so.
    let out = lcs()
        .current_dir(tiny())
        .args(["attribute", "cm.yaml"])
        .output()
        .expect("lcs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("exact Shapley ("), "{text}");
    assert!(!text.contains("± se"), "{text}");
    // A bad tolerance is a usage error.
    let out = lcs()
        .current_dir(&dir)
        .args(["attribute", "many.yaml", "--tolerance", "150%"])
        .output()
        .expect("lcs");
    assert!(!out.status.success());
}

#[test]
fn compare_speaks_in_words_and_writes_csv() {
    let file = tmp("compare").join("diff.csv");
    let out = lcs()
        .current_dir(tiny())
        .args(["compare", "bau.yaml", "cm.yaml", "--top", "3", "--out"])
        .arg(&file)
        .output()
        .expect("lcs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    // No Rust debug text, no "(1 measures)".
    for debug in [
        "Some(",
        "None",
        "Year {",
        "Reference {",
        "(1 measures)",
        "Linear",
    ] {
        assert!(!text.contains(debug), "`{debug}` in\n{text}");
    }
    assert!(
        text.contains("Integrated green transportation (1 measure)"),
        "{text}"
    );
    assert!(
        text.contains("emissions in 2030: −15 % vs reference (no actions)"),
        "{text}"
    );
    // Emissions|CO2e is the first output row.
    let first = text
        .lines()
        .skip_while(|l| !l.starts_with("variable"))
        .nth(2)
        .expect("first output row");
    assert!(first.starts_with("Emissions|CO2e "), "{text}");
    let csv = std::fs::read_to_string(&file).expect("csv");
    assert!(csv.starts_with("kind,what,unit,year,a,b,change\n"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("output,Emissions|CO2e,kt CO2e/yr,")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("target,vs-reference-15,")),
        "{csv}"
    );
    // The "absent" mark is a bare `-`, not the formula-guarded `'-` (held-out review):
    // the target exists only in cm, so its `a` cell is `-`.
    assert!(
        csv.lines()
            .any(|l| l.starts_with("target,vs-reference-15,,,-,")),
        "{csv}"
    );
    assert!(!csv.contains(",'-,"), "{csv}");
}

#[test]
fn init_writes_a_project_that_validates_and_runs_and_never_overwrites() {
    let dir = tmp("init").join("my-city");
    let out = lcs().arg("init").arg(&dir).output().expect("lcs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "model.yaml",
        "bau.yaml",
        "cm.yaml",
        "packages/efficiency.yaml",
        "lcs.schema.json",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let out = lcs()
        .current_dir(&dir)
        .args(["validate", ".", "--deny-warnings"])
        .output()
        .expect("lcs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "no warning: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
    let out = lcs()
        .current_dir(&dir)
        .args(["run", "bau.yaml", "cm.yaml", "--out", "out"])
        .output()
        .expect("lcs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("out/results.csv").is_file());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("target cm/vs-bau-30"), "{text}");
    // The written schema is the one `lcs schema` prints.
    let schema = lcs().arg("schema").output().expect("lcs");
    assert_eq!(
        std::fs::read(dir.join("lcs.schema.json")).expect("schema"),
        schema.stdout
    );
    // A second init into the same folder refuses and changes nothing.
    let before = std::fs::read(dir.join("model.yaml")).expect("model");
    let out = lcs().arg("init").arg(&dir).output().expect("lcs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never overwrites"));
    assert_eq!(
        std::fs::read(dir.join("model.yaml")).expect("model"),
        before
    );
}

#[test]
fn completions_and_help_examples() {
    for shell in ["bash", "zsh", "fish"] {
        let out = lcs().args(["completions", shell]).output().expect("lcs");
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        for sub in ["attribute", "validate", "schema", "init"] {
            assert!(text.contains(sub), "{shell} completion lacks `{sub}`");
        }
    }
    for cmd in [
        "run",
        "attribute",
        "targets",
        "validate",
        "paths",
        "report",
        "compare",
        "ensemble",
        "sensitivity",
        "merge",
        "bench",
        "schema",
        "completions",
        "init",
    ] {
        let out = lcs().args([cmd, "--help"]).output().expect("lcs");
        assert!(out.status.success(), "{cmd} --help");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Example") && text.contains(&format!("lcs {cmd}")),
            "`lcs {cmd} --help` has no example:\n{text}"
        );
    }
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
    for f in [
        "projects.csv",
        "summary.csv",
        "economics.csv",
        "committed_ch4.csv",
    ] {
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
    // The same project id from two files of one run: named at the second with the first's
    // place (the pipeline holds `seelong-wte` too), exit 1, nothing written.
    let e = tmp("projects-twice");
    let _ = std::fs::remove_dir_all(&e);
    let out = lcs()
        .arg("projects")
        .arg(iskandar_projects().join("pipeline.yaml"))
        .arg(iskandar_projects().join("seelong-wte.yaml"))
        .arg("--out")
        .arg(&e)
        .env("NO_COLOR", "1")
        .output()
        .expect("lcs");
    assert_eq!(out.status.code(), Some(1));
    let err = report::flatten(&String::from_utf8_lossy(&out.stderr));
    assert!(
        err.contains("project id `seelong-wte` comes twice in this run")
            && err.contains("seelong-wte.yaml:5:1")
            && err.contains("the same file is named twice"),
        "{err}"
    );
    assert!(!e.join("summary.csv").exists());
}

#[test]
fn projects_economics_csv_has_the_worked_example_of_economics_md() {
    // docs/ECONOMICS.md, "Worked example": 1,000 MWh/yr at 0.5 t CO2/MWh for 2 years from
    // 2025, capex MYR 1 million, opex 0.05 million a year, tariff 0.10 MYR/kWh, 50 % subsidy,
    // r = 10 %, on Link Town (tests/links/model.yaml, years 2020–2030).
    let d = tmp("projects-economics");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/links/model.yaml"),
        d.join("model.yaml"),
    )
    .expect("model copied");
    std::fs::write(
        d.join("pv.yaml"),
        "project: worked\nregion: model.yaml\nmethodology: pv-grid\nstart: 2025\nlifetime: 2\n\
         parameters: { generation: \"1000 MWh/yr\" }\nreference: { grid_factor: \"0.5 t CO2/MWh\" }\n\
         economics: { currency: MYR million, price_year: 2021, capex: 1, opex: \"0.05 MYR million/yr\", \
         revenue: { electricity_tariff: \"0.1 MYR/kWh\" }, subsidy_share: 0.5, discount_rate: 0.1 }\n",
    )
    .expect("project written");
    let out_dir = d.join("out");
    let out = lcs()
        .arg("projects")
        .arg(d.join("pv.yaml"))
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("lcs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(out_dir.join("economics.csv")).expect("economics.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().expect("one row").split(',').collect();
    assert_eq!(lines.next(), None);
    let get = |k: &str| -> f64 {
        let i = header
            .iter()
            .position(|h| *h == k)
            .unwrap_or_else(|| panic!("no {k}"));
        row[i].parse().unwrap_or_else(|_| panic!("{k}: {}", row[i]))
    };
    let close = |k: &str, want: f64| {
        let v = get(k);
        assert!(
            (v - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{k}: {v} != {want}"
        );
    };
    close("discount_rate", 0.1);
    close("capex", 1e6);
    // CRF(10 %, 2) = 0.1 × 1.21 / 0.21 = 0.576190476; annualised 576,190.476 MYR a year.
    close("capital_recovery_factor", 0.1 * 1.21 / 0.21);
    close("annualised_capex", 1e6 * 0.1 * 1.21 / 0.21);
    // PV costs = 1,000,000 + 50,000/1.1 + 50,000/1.21; PV revenues = 100,000 (1/1.1 + 1/1.21).
    close("pv_costs", 1e6 + 5e4 / 1.1 + 5e4 / 1.21);
    close("pv_revenues", 1e5 / 1.1 + 1e5 / 1.21);
    close(
        "npv",
        1e5 / 1.1 + 1e5 / 1.21 - (1e6 + 5e4 / 1.1 + 5e4 / 1.21),
    );
    // Discounted ER = 500/1.1 + 500/1.21 = 867.7686 t; LC = 913,223.14 / 867.7686 = 1,052.38.
    close("discounted_reduction", 500.0 / 1.1 + 500.0 / 1.21);
    close(
        "levelised_cost",
        913_223.140_495_867_7 / (500.0 / 1.1 + 500.0 / 1.21),
    );
    // JCM = 0.5 × 1,000,000 / (2 × 500 t) = 500 MYR per t.
    close("subsidy", 5e5);
    close("jcm_cost_effectiveness", 500.0);
    assert!(row.ends_with(&["MYR", "2021"]), "{row:?}");
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
    for m in ["pv-grid", "efficient-equipment", "fuel-switch"] {
        assert!(
            stdout.contains(m),
            "screen lists a {m} candidate:\n{stdout}"
        );
    }
    // A11 links the Seelong plant: its measures are a project already, named, not screened.
    assert!(
        stdout.contains("already linked: project `seelong-wte` (waste-to-energy) in action A11"),
        "{stdout}"
    );
    assert!(!stdout.contains("A11/seelong-wte"), "{stdout}");
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
