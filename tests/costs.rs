//! `lcs macc` and `lcs seek` through the binary: files written, the sought scenario
//! validates, runs and meets its target, bad input exits 1 with a clear message and writes
//! nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn lcs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lcs"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lcs-costs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const CM: &str = "tests/costs/cm.yaml";

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn macc_writes_sorted_curve_costs_and_chart_deterministically() {
    let d = tmp("macc");
    let o = lcs(&["macc", CM, "--out", d.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(d.join("macc.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "action,name,abatement,unit,cost_per_t,currency,price_year,method,convention"
    );
    assert!(lines[1].starts_with("A1,") && lines[2].starts_with("A2,"));
    // The action without cost data is listed, with no cost.
    assert!(lines[3].starts_with("A3,") && lines[3].contains(",t CO2e in 2024,,MYR,"));
    assert!(text(&o).contains("no cost data (not on the curve, never a zero cost): A3"));
    for f in ["costs.csv", "macc.svg", "macc.png"] {
        assert!(d.join(f).exists(), "{f}");
    }
    let svg = std::fs::read_to_string(d.join("macc.svg")).unwrap();
    assert!(svg.contains("target cut-30"));
    // Same inputs, same bytes.
    let d2 = tmp("macc2");
    assert!(lcs(&["macc", CM, "--out", d2.to_str().unwrap()])
        .status
        .success());
    for f in ["macc.csv", "costs.csv", "macc.svg", "macc.png"] {
        assert_eq!(
            std::fs::read(d.join(f)).unwrap(),
            std::fs::read(d2.join(f)).unwrap(),
            "{f}"
        );
    }
}

fn met(out: &Output, target: &str) -> bool {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.starts_with(target))
        .is_some_and(|l| l.trim_end().ends_with("yes"))
}

#[test]
fn the_sought_scenario_validates_runs_and_meets_the_target() {
    let d = tmp("seek");
    let file = d.join("sought.yaml");
    let o = lcs(&[
        "seek",
        CM,
        "--target",
        "cut-30",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("evaluations:"));
    let f = file.to_str().unwrap();
    assert!(lcs(&["validate", f]).status.success());
    let run = lcs(&["run", f, "--out", d.join("run").to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run));
    let t = lcs(&["targets", f]);
    assert!(t.status.success());
    assert!(met(&t, "cut-30"), "{}", text(&t));
    // The input misses it with ambition slightly below: the answer is interior.
    let yaml = std::fs::read_to_string(&file).unwrap();
    assert!(
        yaml.contains("extends: ") && yaml.contains("A1: { ambition: 0.9"),
        "{yaml}"
    );
    // Least cost, written and met too.
    let lc = d.join("lc.yaml");
    let o = lcs(&[
        "seek",
        CM,
        "--target",
        "cut-30",
        "--least-cost",
        "--out",
        lc.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(met(&lcs(&["targets", lc.to_str().unwrap()]), "cut-30"));
}

#[test]
fn seek_bad_input_exits_1_naming_the_problem_and_writes_nothing() {
    let d = tmp("bad");
    let file = d.join("x.yaml");
    let f = file.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["--target", "cut-3"],
            "has no target `cut-3` (did you mean `cut-30`?)",
        ),
        (
            &["--target", "cut-30", "--vary", "A2.2"],
            "`--vary A2.2` is not `ambition`, `start` or a measure",
        ),
        (
            &["--target", "cut-30", "--actions", "A9"],
            "`--actions` names `A9`",
        ),
        // A green tariff changes only the market-based rows, never the target's total.
        (
            &["--target", "cut-25", "--vary", "start", "--actions", "A2"],
            "the target does not depend on the varied actions",
        ),
    ];
    for (args, want) in cases {
        // The last case is on the step scenario, whose A2 is a market instrument.
        let file = if args.contains(&"A2") {
            "tests/costs/start-step.yaml"
        } else {
            CM
        };
        let mut a = vec!["seek", file];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--out", f]);
        let o = lcs(&a);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(want), "{args:?}: {}", text(&o));
        assert!(!Path::new(f).exists());
    }
    // A MACC of a scenario without economics.
    let o = lcs(&[
        "macc",
        "tests/cases/tiny/cm.yaml",
        "--out",
        d.join("m").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!d.join("m").exists());
}

#[test]
fn seek_says_where_runs_fail_and_never_answers_beyond_them() {
    // tests/costs/failing/cm.yaml: runs fail for every ambition in (1, 2) and run again at
    // the lone point 2, which meets the cap; the allowed range ends just above 1.
    let o = lcs(&["seek", "tests/costs/failing/cm.yaml", "--target", "cap"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains(
            "no ambition multiplier in the allowed range 0–1 meets target `cap` (2022); the best reachable is 1\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("runs fail from ambition multiplier 1.0000000")
            && out.contains("so the allowed range ends at 1: ")
            && out.contains("measure `A2.1` of action `A2`"),
        "{out}"
    );
    assert!(
        out.contains("warning: runs fail at 1.")
            && out.contains("but run again at 2: the runs are not monotone"),
        "{out}"
    );
    assert!(!out.contains("is met with"), "{out}");
}

#[test]
fn seek_vary_start_writes_the_latest_start_that_meets() {
    // tests/costs/start.yaml: the 2024 cut is 0.1 × (2024 − s); −25 % needs s ≤ 2021.5.
    let d = tmp("start");
    let file = d.join("start-sought.yaml");
    let o = lcs(&[
        "seek",
        "tests/costs/start.yaml",
        "--target",
        "cut-25",
        "--vary",
        "start",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("target `cut-25` (2024) is met with common start year 2021 on A1"),
        "{out}"
    );
    assert!(!out.contains("not interior"), "{out}");
    let yaml = std::fs::read_to_string(&file).unwrap();
    assert!(yaml.contains("  A1: { start: 2021 }"), "{yaml}");
    let t = lcs(&["targets", file.to_str().unwrap()]);
    assert!(met(&t, "cut-25"), "{}", text(&t));
}

#[test]
fn seek_vary_start_with_a_step_ramp_answers_the_target_year() {
    // tests/costs/start-step.yaml (held-out review): a step cut of 40 % meets −25 % in 2024
    // from any start 2020–2024 (equal margins at both ends), and misses it when started in
    // 2025. The answer is 2024, at the end of the range, not "does not depend". The value
    // and threshold carry their unit: 10 000 GJ × (0.5 × 0.0632665 + 0.5 × 0.5 / 3.6) t/GJ
    // = 1010.777 t reference; 0.6 × 1010.777 = 606.466 t against 0.75 × 1010.777 = 758.083 t.
    let o = lcs(&[
        "seek",
        "tests/costs/start-step.yaml",
        "--target",
        "cut-25",
        "--vary",
        "start",
    ]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("target `cut-25` (2024) is met with common start year 2024 on A1, A2"),
        "{out}"
    );
    assert!(
        out.contains("(at the end of the range 2020–2024: the answer is not interior)"),
        "{out}"
    );
    assert!(
        out.contains("target value 0.60646616")
            && out.contains(" kt CO2e/yr against threshold 0.75808270"),
        "{out}"
    );
    assert!(!out.contains("does not depend"), "{out}");
}

#[test]
fn macc_of_a_hand_computed_plan_with_losses() {
    // tests/heldout/costs/cm.yaml has the arithmetic: with 10 % T&D losses, demand savings
    // save all they avoid buying, local PV saves (1 − 0.1) of its output at the tariff.
    let d = tmp("losses");
    let o = lcs(&[
        "macc",
        "tests/heldout/costs/cm.yaml",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let costs = std::fs::read_to_string(d.join("costs.csv")).expect("costs.csv");
    let row = |id: &str| -> Vec<f64> {
        let l = costs
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap_or_else(|| panic!("{id} in {costs}"));
        // investment_pv, operating_pv, energy_pv, npv, annualised, abatement_year
        l.split(',')
            .skip(3)
            .take(6)
            .map(|x| x.parse().unwrap())
            .collect()
    };
    let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol;
    let e = row("E");
    assert!(close(e[0], 362_811.79, 0.01), "{e:?}");
    assert!(close(e[2], -1_500_931.43, 0.01), "{e:?}");
    assert!(close(e[3], -1_138_119.64, 0.01), "{e:?}");
    assert!(close(e[5], 740.740_74, 1e-4), "{e:?}");
    let p = row("P");
    assert!(close(p[0], 190_476.19, 0.01), "{p:?}");
    assert!(close(p[1], 10_823.69, 0.01), "{p:?}");
    assert!(close(p[2], -170_667.97, 0.01), "{p:?}");
    assert!(close(p[3], 30_631.91, 0.01), "{p:?}");
    assert!(close(p[5], 65.7, 1e-9), "{p:?}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn waste_costs_per_tonne_diverted_on_type_routes_and_divert() {
    // tests/heldout/waste/cost.yaml has the arithmetic.
    let d = tmp("waste");
    let o = lcs(&[
        "macc",
        "tests/heldout/waste/cost.yaml",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let costs = std::fs::read_to_string(d.join("costs.csv")).expect("costs.csv");
    assert!(
        costs
            .lines()
            .any(|l| l.starts_with("R,R,yes,365000.0,0.0,0.0,365000.0,")),
        "{costs}"
    );
    assert!(
        costs
            .lines()
            .any(|l| l.starts_with("D,D,yes,500000.0,40000.0,-120000.0,420000.0,")),
        "{costs}"
    );
    let _ = std::fs::remove_dir_all(&d);
}
