//! The report on the spec's tiny example and the Iskandar scenarios: blueprint tables
//! against golden files (reviewed by eye; `UPDATE_EXPECT=1` rewrites them) and the
//! conformance values, the workbook read back (calamine for cells, its XML for page setup
//! and native charts), Parquet read back with polars, charts decoded, a section added by
//! another crate, determinism, and `compare`.

use calamine::{open_workbook, Data, Reader, Xlsx};
use lcs_engine::{attribute, evaluate_targets, run_all, run_reference, Method};
use lcs_model::Loader;
use lcs_report::tables::{milestones, Cell};
use lcs_report::{Format, Options, Report, ReportError, ScenarioRun, Section, Table, TableBuilder};
use polars::prelude::{ParquetReader, SerReader};
use std::io::Read;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tiny() -> PathBuf {
    root().join("tests/cases/tiny")
}

/// Runs scenario files; with `attribution`, sequential and exact Shapley attributions.
fn runs_in(
    dir: &Path,
    files: &[&str],
    attribution: bool,
) -> (Vec<ScenarioRun>, Vec<lcs_model::Scenario>) {
    let mut loader = Loader::new();
    let mut runs = Vec::new();
    let mut scenarios = Vec::new();
    for f in files {
        let s = loader
            .load_scenario(&dir.join(f))
            .unwrap_or_else(|_| panic!("{f} is valid"));
        let c = lcs_engine::compile(&s).expect("compiles");
        let ws = run_all(&c).expect("runs");
        let reference = run_reference(&c).expect("reference runs");
        let targets = evaluate_targets(&s, &c, &ws, &reference);
        let (seq, shap) = if s.actions.is_empty() || !attribution {
            (None, None)
        } else {
            (
                Some(attribute(&c, Method::Sequential).expect("sequential")),
                Some(attribute(&c, Method::Shapley).expect("shapley")),
            )
        };
        runs.push(ScenarioRun::from_engine(
            &s, &c, &ws, &reference, &targets, seq, shap,
        ));
        scenarios.push(s);
    }
    (runs, scenarios)
}

fn runs_of(files: &[&str]) -> (Vec<ScenarioRun>, Vec<lcs_model::Scenario>) {
    runs_in(&tiny(), files, true)
}

fn options(years: &[i32]) -> Options {
    Options {
        years: years.to_vec(),
        ..Default::default()
    }
}

/// The tiny report (bau and cm at 2020, 2025, 2030), built once for the tests that read it.
fn report() -> &'static Report {
    static R: std::sync::OnceLock<Report> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        let (runs, _) = runs_of(&["bau.yaml", "cm.yaml"]);
        Report::build(&runs, &options(&[2020, 2025, 2030])).expect("report builds")
    })
}

/// A fresh copy of the tiny report (for tests that change it or compare two builds).
fn fresh_report() -> Report {
    let (runs, _) = runs_of(&["bau.yaml", "cm.yaml"]);
    Report::build(&runs, &options(&[2020, 2025, 2030])).expect("report builds")
}

/// A value of the conformance example's expected results (written by hand-checked runs).
fn expected(scenario: &str, variable: &str, year: i32) -> f64 {
    let text = std::fs::read_to_string(tiny().join("expected/results.csv")).expect("expected");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[1] == scenario && f[3] == variable && f[5] == year.to_string() {
            return f[6].parse().expect("number");
        }
    }
    panic!("no {scenario} {variable} {year} in expected/results.csv")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lcs-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn col(t: &Table, name: &str) -> usize {
    t.header()
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {}: {:?}", t.name, t.header()))
}

fn row_of(t: &Table, c: usize, label: &str) -> usize {
    (0..t.height())
        .find(|&r| text(t, r, c) == label)
        .unwrap_or_else(|| panic!("no row `{label}` in {}", t.name))
}

fn text(t: &Table, r: usize, c: usize) -> String {
    match t.cell(r, c) {
        Cell::Text(s) => s,
        other => panic!("not text: {other:?}"),
    }
}

fn number(t: &Table, r: usize, c: usize) -> f64 {
    match t.cell(r, c) {
        Cell::Number(v) => v,
        other => panic!("not a number at ({r}, {c}) of {}: {other:?}", t.name),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Compares `got` with the golden file `tests/golden/report/<name>` (rewritten with
/// `UPDATE_EXPECT=1`).
fn golden(name: &str, got: &str) {
    let path = root().join("tests/golden/report").join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().expect("folder")).expect("golden folder");
        std::fs::write(&path, got).expect("golden written");
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_EXPECT=1", path.display()));
    if want != got {
        let line = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(got.lines().count()));
        panic!(
            "{name} differs from its golden file at line {}:\n  want: {}\n  got:  {}\n(UPDATE_EXPECT=1 rewrites it; review the diff)",
            line + 1,
            want.lines().nth(line).unwrap_or(""),
            got.lines().nth(line).unwrap_or("")
        );
    }
}

#[test]
fn blueprint_and_action_plan_tables_match_their_golden_files() {
    let r = report();
    for name in [
        "emissions",
        "comparison",
        "targets",
        "actions",
        "measures",
        "plan-cm",
        "final_energy",
        "electricity",
        "waste",
    ] {
        let t = r.table(name).expect("table");
        golden(&format!("tiny/{name}.md"), &t.markdown());
        golden(&format!("tiny/{name}.csv"), &t.csv());
    }
    // --compare-to: cm against bau.
    let (runs, _) = runs_of(&["bau.yaml", "cm.yaml"]);
    let o = Options {
        compare_to: Some("bau".into()),
        ..options(&[2020, 2025, 2030])
    };
    let r = Report::build(&runs, &o).expect("builds");
    golden(
        "tiny/comparison-vs-bau.md",
        &r.table("comparison").expect("comparison").markdown(),
    );
}

#[test]
fn iskandar_blueprint_table_has_the_blueprint_columns_and_matches_its_golden_file() {
    let dir = root().join("scenarios/iskandar");
    let files = [
        "bau.yaml",
        "cm-2025.yaml",
        "cap-2030.yaml",
        "netzero-2050.yaml",
    ];
    let (runs, _) = runs_in(&dir, &files, false);
    let years = [2005, 2025, 2030, 2050];
    let labels: Vec<String> = milestones(&runs, &years)
        .into_iter()
        .map(|m| m.label)
        .collect();
    // The blueprint's layout: the base year once, BaU beside each scenario in the year of
    // its own targets.
    assert_eq!(
        labels,
        [
            "2005",
            "bau 2025",
            "cm-2025",
            "bau 2030",
            "cap-2030",
            "bau 2050",
            "netzero-2050"
        ]
    );
    let o = Options {
        compare_to: Some("cm-2025".into()),
        ..options(&years)
    };
    let r = Report::build(&runs, &o).expect("builds");
    let t = r.table("emissions").expect("emissions");
    assert!(t.title.starts_with("Iskandar Malaysia:"), "{}", t.title);
    // The hand-written table of docs/scenarios/iskandar.md: CAP 2030 total 18,216 kt.
    let total = row_of(t, 0, "Total");
    assert_eq!(t.bold_rows, vec![total]);
    assert!((number(t, total, col(t, "cap-2030")) - 18_216.0).abs() < 1.0);
    assert_eq!(text(t, 3, 0), "Passenger transport", "display names");
    golden("iskandar/emissions.md", &t.markdown());
    golden(
        "iskandar/comparison-vs-cm-2025.md",
        &r.table("comparison").expect("comparison").markdown(),
    );
    golden(
        "iskandar/measures.md",
        &r.table("measures").expect("measures").markdown(),
    );
}

#[test]
fn emissions_table_matches_the_conformance_values_and_sectors_sum_to_the_total() {
    let r = report();
    let t = r.table("emissions").expect("emissions table");
    assert_eq!(
        t.header(),
        [
            "sector [kt CO2e/yr]",
            "2020",
            "bau 2025",
            "bau 2030",
            "cm 2030"
        ],
        "units once, in the label column's header"
    );
    assert!(t.title.contains("Tiny Town"), "region name in the title");
    let total = row_of(t, 0, "Total");
    assert_eq!(t.bold_rows, vec![total], "the total is bold");
    for (c, scenario, year) in [
        (1, "bau", 2020),
        (2, "bau", 2025),
        (3, "bau", 2030),
        (4, "cm", 2030),
    ] {
        let sum: f64 = (0..total).map(|r| number(t, r, c)).sum();
        let want = expected(scenario, "Emissions|CO2e", year);
        assert!(close(number(t, total, c), want), "{scenario} {year}");
        assert!(
            close(sum, want),
            "{scenario} {year}: sectors {sum} vs {want}"
        );
    }
    // Display names from data/names.csv, the sector ids stay in the results.
    assert_eq!(text(t, 0, 0), "Residential");
    assert!((0..t.height()).any(|r| text(t, r, 0) == "Industrial processes (IPPU)"));
    // Per capita: the engine's intensity row (t CO2e/person), cm 2030, never recomputed.
    let row = row_of(t, 0, "per Population [t CO2e/person]");
    assert!(close(
        number(t, row, 4),
        expected("cm", "Emissions Intensity|population", 2030)
    ));
}

#[test]
fn comparison_against_the_reference_or_another_scenario() {
    let r = report();
    let t = r.table("comparison").expect("comparison");
    let c2030 = col(t, "2030");
    let rows: Vec<usize> = (0..t.height()).filter(|&i| text(t, i, 0) == "cm").collect();
    let item = |label: &str| {
        *rows
            .iter()
            .find(|&&i| text(t, i, 2) == label)
            .unwrap_or_else(|| panic!("no {label}"))
    };
    let e = number(t, item("emissions [kt CO2e/yr]"), c2030);
    let reference = number(t, item("reference (no actions) [kt CO2e/yr]"), c2030);
    // The reference of cm is bau (cm only adds packages).
    assert!(close(reference, expected("bau", "Emissions|CO2e", 2030)));
    let p = item("difference [%]");
    assert!(t.percent_rows.contains(&p));
    assert!(close(number(t, p, c2030), 100.0 * (e / reference - 1.0)));
    let base = expected("cm", "Emissions|CO2e", 2020);
    assert!(close(
        number(t, item("vs 2020 [%]"), c2030),
        100.0 * (e / base - 1.0)
    ));
    // bau has no actions: no comparison rows of its own.
    let bau: Vec<String> = (0..t.height())
        .filter(|&i| text(t, i, 0) == "bau")
        .map(|i| text(t, i, 2))
        .collect();
    assert!(!bau.iter().any(|x| x.starts_with("difference")), "{bau:?}");
    // An unknown --compare-to is an error naming the scenarios and the nearest id.
    let (runs, _) = runs_of(&["bau.yaml", "cm.yaml"]);
    let o = Options {
        compare_to: Some("ba".into()),
        ..options(&[2020])
    };
    let e = Report::build(&runs, &o).err().expect("an error");
    assert!(matches!(e, ReportError::UnknownScenario { .. }));
    assert_eq!(
        e.to_string(),
        "`--compare-to ba`: no scenario `ba` in this report (scenarios: `bau`, `cm`); did you mean `bau`?"
    );
    // Years outside every scenario are an error, not empty columns.
    let e = Report::build(&runs, &options(&[2020, 2099]))
        .err()
        .expect("an error");
    assert_eq!(
        e.to_string(),
        "milestone year 2099 is outside the model years 2020–2030 of every scenario"
    );
}

#[test]
fn targets_table_has_units_rules_and_the_expected_numbers() {
    let r = report();
    let t = r.table("targets").expect("targets");
    assert_eq!(t.height(), 2);
    assert_eq!(text(t, 0, 1), "intensity-40");
    assert_eq!(text(t, 0, col(t, "rule")), "−40 % vs 2020");
    // The conformance example's expected targets-cm.csv.
    assert!(close(number(t, 0, col(t, "value")), 127.85617582105412));
    assert!(close(number(t, 0, col(t, "threshold")), 112.37153102561324));
    assert_eq!(t.cell(0, col(t, "met")), Cell::Bool(false));
    assert_eq!(t.cell(0, col(t, "year")), Cell::Int(2030));
    assert_eq!(text(t, 0, col(t, "unit")), "t CO2e/MYR million");
    assert_eq!(t.cell(1, col(t, "met")), Cell::Bool(true));
    assert_eq!(text(t, 1, col(t, "unit")), "kt CO2e/yr");
}

#[test]
fn action_plan_is_two_tables_with_numbers_as_numbers() {
    let r = report();
    let t = r.table("actions").expect("actions");
    assert_eq!(
        t.header(),
        [
            "scenario",
            "theme",
            "action",
            "agency",
            "KPI",
            "2025 [kt CO2e/yr]",
            "2030 [kt CO2e/yr]",
            "share 2030 [%]"
        ]
    );
    let total = row_of(t, 2, "Total");
    assert_eq!(t.bold_rows, vec![total]);
    let reduction =
        expected("bau", "Emissions|CO2e", 2030) - expected("cm", "Emissions|CO2e", 2030);
    let c = col(t, "2030 [kt CO2e/yr]");
    let sum: f64 = (0..total).map(|i| number(t, i, c)).sum();
    assert!(close(number(t, total, c), reduction));
    assert!(
        (sum - reduction).abs() < 1e-6,
        "Shapley sums to the total: {sum}"
    );
    let shares: f64 = (0..total).map(|i| number(t, i, 7)).sum();
    assert!((shares - 100.0).abs() < 1e-6);
    assert_eq!(text(t, 0, 2), "T1 Integrated green transportation");
    let m = r.table("measures").expect("measures");
    assert_eq!(
        m.header(),
        [
            "action",
            "measure",
            "name",
            "lever",
            "start",
            "full",
            "size",
            "size unit"
        ]
    );
    let t11 = row_of(m, 1, "T1.1");
    assert_eq!(
        text(m, t11, 3),
        "shift 20 share points of Transport from car and motorcycle to bus"
    );
    assert_eq!(m.cell(t11, 4), Cell::Int(2022), "start is a number");
    assert_eq!(m.cell(t11, 5), Cell::Int(2030));
    assert!(close(number(m, t11, 6), 20.0));
    let e11 = row_of(m, 1, "E1.1");
    // 40 MW × 8760 h × 0.16 = 56,064 MWh/yr.
    assert!(close(number(m, e11, 6), 56_064.0));
    assert_eq!(text(m, e11, 7), "MWh/yr");
    let e12 = row_of(m, 1, "E1.2");
    assert!(text(m, e12, 3).contains("from Coal (bituminous) to Natural gas"));
}

#[test]
fn plan_chapter_has_schedule_costs_and_contributions_as_numbers() {
    // tests/costs/cm.yaml, the worked example of docs/COSTS.md, appraised in its last target
    // year (2024) with Shapley, as `lcs report` does.
    let dir = root().join("tests/costs");
    let (mut runs, scenarios) = runs_in(&dir, &["cm.yaml"], true);
    let s = &scenarios[0];
    let c = lcs_engine::compile(s).expect("compiles");
    let year = runs[0].plan_year().expect("a plan year");
    assert_eq!(year, 2024, "the latest target year");
    let opts = lcs_costs::Options {
        method: Method::Shapley,
        year,
    };
    let appraisal = lcs_costs::appraise(s, &c, &opts).expect("appraises");
    let required = lcs_costs::required_reduction_t(s, &c, 0)
        .expect("required")
        .map(|r| (s.targets[0].id.clone(), r));
    runs[0].costs = Some(lcs_report::RunCosts {
        appraisal: appraisal.clone(),
        required,
    });
    let r = Report::build(&runs, &options(&[2020, 2024])).expect("report builds");
    let t = r.table("plan-cm").expect("plan table");
    golden("costs/plan-cm.md", &t.markdown());
    golden("costs/plan-cm.csv", &t.csv());
    assert_eq!(
        t.header(),
        [
            "action",
            "theme",
            "agency",
            "KPI",
            "first year",
            "full year",
            "NPV [MYR million, 2020 prices]",
            "annualised [MYR million/yr, 2020 prices]",
            "cost [MYR/t CO2e, 2024]",
            "cost note",
            "contribution 2024 [kt CO2e/yr]",
            "share 2024 [%]"
        ]
    );
    let a2 = row_of(t, 0, "A2 Rooftop solar");
    // docs/COSTS.md: 500,000/1.1² + (5,000 − 87,600)(1/1.1² + 1/1.1³ + 1/1.1⁴) = 226,483 MYR;
    // (500,000 × CRF(10 %, 20) + 5,000 − 87,600) / 87.6 t = −272.5 MYR/t in 2024; 100 kW ×
    // 8,760 h × 0.2 = 175.2 MWh × 0.5 t CO2/MWh = 87.6 t = 0.0876 kt.
    assert!((number(t, a2, 6) - 0.226_483).abs() < 5e-7, "NPV");
    assert!((number(t, a2, 8) + 272.5).abs() < 0.05, "cost per t");
    assert!((number(t, a2, 10) - 0.0876).abs() < 1e-9, "contribution");
    assert_eq!(t.cell(a2, 4), Cell::Int(2022), "first year is a number");
    assert_eq!(t.cell(a2, 5), Cell::Int(2022));
    assert_eq!(text(t, a2, 9), "");
    // The action without cost data: empty cost cells, never a zero cost.
    let a3 = row_of(t, 0, "A3 Awareness campaign (no cost data)");
    assert_eq!(text(t, a3, 9), "no cost data");
    for k in [6, 7, 8] {
        assert_eq!(t.cell(a3, k), Cell::Empty);
    }
    // Every number is the appraisal's: NPV, annualised and cost per t; the contribution is
    // the Shapley abatement of the appraisal in 2024, and they sum to the total reduction.
    let total = row_of(t, 0, "Total");
    assert_eq!(t.bold_rows, vec![total]);
    for (i, x) in appraisal.actions.iter().enumerate() {
        assert_eq!(text(t, i, 0).split(' ').next(), Some(x.id.as_str()));
        assert!(
            close(number(t, i, 10), x.abatement_year_t / 1e3),
            "{}",
            x.id
        );
        if x.has_cost {
            assert!(close(number(t, i, 6), x.npv.unwrap() / 1e6));
            assert!(close(number(t, i, 7), x.annualised.unwrap() / 1e6));
        }
    }
    let sum: f64 = (0..total).map(|i| number(t, i, 10)).sum();
    assert!((sum - appraisal.total_reduction_year_t / 1e3).abs() < 1e-9);
    assert!(close(number(t, total, 10), sum));
    let npv: f64 = appraisal.actions.iter().filter_map(|x| x.npv).sum();
    assert!(close(number(t, total, 6), npv / 1e6));
    // The chapter: the table, the wedges, the targets in words, the MACC with its table.
    let chapter = r
        .sections
        .iter()
        .find(|x| x.id == "plan-cm")
        .expect("plan chapter");
    let kinds: Vec<String> = chapter
        .items
        .iter()
        .map(|i| match i {
            lcs_report::Item::Table(t) => format!("table {}", t.name),
            lcs_report::Item::Chart(c) => format!("chart {}", c.name),
            lcs_report::Item::Note(n) => format!("note {}", n.split(':').next().unwrap_or("")),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "table plan-cm",
            "chart wedges-cm",
            "note Target `cut-30` (emissions, −30 % vs reference (no actions) in 2024)",
            "note Target `cut-90` (emissions, −90 % vs reference (no actions) in 2024)",
            "chart macc-cm",
            "table macc-cm",
            // 30 % of the reference's 2024 emissions: 10,000 GJ, half electricity (5,000 GJ
            // = 1,388.9 MWh × 0.5 t/MWh = 694.4 t), half LPG (5,000 GJ × 63.1 kg/GJ = 315.5 t):
            // 0.3 × 1,010 t = 303 t.
            "note Target `cut-30` requires a reduction of 303 t CO2e in 2024 (the vertical line of the MACC)."
        ],
        "{kinds:#?}"
    );
    // Every writer shows the plan: CSV, the workbook sheet, HTML and Markdown.
    let out = tmp("plan");
    r.write(&out, &Format::ALL).expect("writes");
    let csv = std::fs::read_to_string(out.join("csv/plan-cm.csv")).expect("csv");
    assert_eq!(csv, t.csv());
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).expect("xlsx");
    let sheet = wb.worksheet_range("plan-cm").expect("plan sheet");
    let cells: Vec<&Data> = sheet.cells().map(|(_, _, d)| d).collect();
    assert!(cells
        .iter()
        .any(|d| matches!(d, Data::Float(v) if (v - 0.226_483).abs() < 5e-7)));
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    assert!(html.contains("id=\"s-plan-cm\"") && html.contains("Action plan of cm (2024)"));
    let md = std::fs::read_to_string(out.join("report.md")).expect("md");
    assert!(md.contains("## Action plan: Cost Town countermeasures"));
    assert!(md.contains("| A2 Rooftop solar |"));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn final_energy_electricity_and_waste_tables_are_consistent() {
    let r = report();
    let t = r.table("final_energy").expect("final energy");
    let ct = col(t, "Total");
    for (label, scenario, year) in [("2020", "cm", 2020), ("cm 2030", "cm", 2030)] {
        let rows: Vec<usize> = (0..t.height())
            .filter(|&i| text(t, i, 0) == label)
            .collect();
        let total_row = *rows.last().expect("rows");
        assert_eq!(text(t, total_row, 1), "Total");
        assert!(t.bold_rows.contains(&total_row));
        let total = number(t, total_row, ct);
        assert!(close(total, expected(scenario, "Final Energy", year)));
        let sectors: f64 = rows[..rows.len() - 1]
            .iter()
            .map(|&i| number(t, i, ct))
            .sum();
        assert!(close(sectors, total), "sectors sum to total final energy");
        for c in 2..ct {
            let s: f64 = rows[..rows.len() - 1]
                .iter()
                .map(|&i| number(t, i, c))
                .sum();
            assert!(close(s, number(t, total_row, c)), "fuel column {c}");
        }
    }
    assert!(
        t.header().contains(&"Natural gas".to_string()),
        "fuel names"
    );
    let t = r.table("electricity").expect("electricity");
    let row = row_of(t, 0, "Demand (final)");
    assert_eq!(text(t, row, 1), "MWh/yr");
    assert!(close(
        number(t, row, col(t, "cm 2030")),
        expected("cm", "Electricity|Demand", 2030)
    ));
    let t = r.table("waste").expect("waste");
    let row = row_of(t, 0, "Generated");
    assert_eq!(text(t, row, 1), "t/yr");
    assert!(close(
        number(t, row, col(t, "bau 2025")),
        expected("bau", "Waste|Generated", 2025)
    ));
}

/// The text of a file inside the workbook (a zip archive of XML parts).
fn xlsx_part(path: &Path, part: &str) -> Option<String> {
    let f = std::fs::File::open(path).expect("xlsx");
    let mut z = zip::ZipArchive::new(f).expect("zip");
    let mut file = z.by_name(part).ok()?;
    let mut s = String::new();
    file.read_to_string(&mut s).expect("utf-8 xml");
    Some(s)
}

#[test]
fn workbook_has_numbers_page_setup_and_native_charts() {
    let r = report();
    let dir = tmp("files");
    let written = r.write(&dir, &Format::ALL).expect("writes");
    let path = dir.join("report.xlsx");
    assert!(written.contains(&path));
    let mut wb: Xlsx<_> = open_workbook(&path).expect("xlsx opens");
    let sheets = [
        "emissions",
        "pathways",
        "comparison",
        "targets",
        "actions",
        "measures",
        "plan-cm",
        "final_energy",
        "electricity",
        "waste",
        "data",
    ];
    assert_eq!(wb.sheet_names(), sheets);
    let sheet = wb.worksheet_range("emissions").expect("emissions sheet");
    let at = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(
        at(0, 0),
        Data::String(r.table("emissions").unwrap().title.clone())
    );
    assert_eq!(at(3, 0), Data::String("sector [kt CO2e/yr]".into()));
    assert_eq!(at(3, 4), Data::String("cm 2030".into()));
    let t = r.table("emissions").expect("table");
    let total = row_of(t, 0, "Total") as u32;
    match at(4 + total, 4) {
        // The spec's contract: 1e-9 relative to the reference implementation.
        Data::Float(got) => {
            let want = expected("cm", "Emissions|CO2e", 2030);
            assert!((got - want).abs() <= 1e-9 * want.abs(), "{got} vs {want}")
        }
        other => panic!("expected a number, found {other:?}"),
    }
    // Start and full years and sizes are numeric cells, not text.
    let m = wb.worksheet_range("measures").expect("measures sheet");
    assert_eq!(m.get_value((4, 4)), Some(&Data::Float(2022.0)));
    assert_eq!(m.get_value((4, 6)), Some(&Data::Float(20.0)));
    let targets = wb.worksheet_range("targets").expect("targets sheet");
    assert_eq!(targets.get_value((4, 8)), Some(&Data::Bool(false)));
    let data = wb.worksheet_range("data").expect("data sheet");
    assert_eq!(
        data.get_value((0, 3)),
        Some(&Data::String("variable".into()))
    );
    assert_eq!(data.get_value((0, 5)), Some(&Data::Float(2020.0)));
    assert_eq!(data.height(), 1 + r.iamc.height());
    // Page setup of every plan sheet: A4, fit to one page wide, header row repeated, a
    // print area; wide tables landscape.
    let book = xlsx_part(&path, "xl/workbook.xml").expect("workbook.xml");
    for (k, name) in sheets[..sheets.len() - 1].iter().enumerate() {
        let xml = xlsx_part(&path, &format!("xl/worksheets/sheet{}.xml", k + 1)).expect("sheet");
        assert!(
            xml.contains("<pageSetUpPr fitToPage=\"1\"/>"),
            "{name}: fit to page"
        );
        assert!(xml.contains("paperSize=\"9\""), "{name}: A4");
        assert!(
            xml.contains("fitToHeight=\"0\""),
            "{name}: one page wide, any height"
        );
        // A sheet name with a `-` is quoted in defined names (`'plan-cm'!$4:$4`).
        let quoted = if name.contains('-') {
            format!("'{name}'")
        } else {
            name.to_string()
        };
        assert!(
            book.contains(&format!(
                "_xlnm.Print_Titles\" localSheetId=\"{k}\">{quoted}!$4:$4"
            )),
            "{name}: header row on every page"
        );
        assert!(
            book.contains(&format!(
                "_xlnm.Print_Area\" localSheetId=\"{k}\">{quoted}!$A$1:"
            )),
            "{name}: print area"
        );
        let wide = lcs_report_is_wide(r.table(name).expect("table"));
        assert_eq!(xml.contains("orientation=\"landscape\""), wide, "{name}");
    }
    // Native charts: the stacked sector columns beside `emissions`, pathway lines beside
    // `pathways`, drawn from the sheets' cells.
    let c1 = xlsx_part(&path, "xl/charts/chart1.xml").expect("chart 1");
    assert!(c1.contains("<c:barChart>") && c1.contains("<c:grouping val=\"stacked\"/>"));
    assert!(
        c1.contains("<c:f>emissions!$B$4:$E$4</c:f>"),
        "categories: the columns"
    );
    let c2 = xlsx_part(&path, "xl/charts/chart2.xml").expect("chart 2");
    assert!(c2.contains("<c:lineChart>"));
    assert!(c2.contains("pathways!$B$5:$B$15"), "bau over 2020–2030");
    assert!(
        xlsx_part(&path, "xl/charts/chart3.xml").is_none(),
        "two charts"
    );
    // Parquet: every table reads back equal.
    for t in r.tables().chain([&r.iamc]) {
        let f = std::fs::File::open(dir.join("parquet").join(format!("{}.parquet", t.name)))
            .expect("parquet file");
        let back = ParquetReader::new(f).finish().expect("parquet reads");
        assert!(back.equals_missing(&t.df), "{} reads back equal", t.name);
    }
    let iamc = std::fs::read_to_string(dir.join("iamc.csv")).expect("iamc");
    assert!(iamc.starts_with("model,scenario,region,variable,unit,2020,2021,"));
    let md = std::fs::read_to_string(dir.join("report.md")).expect("md");
    assert!(md.starts_with("# Tiny Town: Business as usual; Countermeasures 2030\n"));
    assert!(md.contains("| sector [kt CO2e/yr] | 2020 | bau 2025 | bau 2030 | cm 2030 |"));
    assert!(md.contains("![Tiny Town: emission pathways](charts/pathways.png)"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn lcs_report_is_wide(t: &Table) -> bool {
    let header_chars: usize = t.header().iter().map(|h| h.chars().count().min(24)).sum();
    t.width() > 7 || header_chars > 110
}

#[test]
fn charts_are_print_sized_with_full_legends_labelled_targets_and_shared_axes() {
    let r = report();
    let names: Vec<&str> = r.charts().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "sector-bars",
            "pathways",
            "intensity-gdp",
            "wedges-cm",
            "sectors-bau",
            "sectors-cm",
            "final-energy-bau",
            "final-energy-cm"
        ]
    );
    for c in r.charts() {
        assert!(c.svg.contains("<svg"), "{}", c.name);
        assert!(
            c.svg.contains(&c.title.replace('&', "&amp;")),
            "{} has its title",
            c.name
        );
        let decoder = png::Decoder::new(std::io::Cursor::new(&c.png));
        let mut reader = decoder.read_info().expect("png header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("png decodes");
        assert_eq!((info.width, info.height), c.png_size);
        assert!(info.width >= 2400, "{}: print resolution", c.name);
        let pixels = &buf[..info.buffer_size()];
        let n = pixels.len() / 3;
        let white = pixels.chunks(3).filter(|p| p == &[255, 255, 255]).count();
        let dark = pixels
            .chunks(3)
            .filter(|p| p.iter().all(|v| *v < 60))
            .count();
        assert!(white > n / 5, "{}: a white background", c.name);
        assert!(
            dark > 2000,
            "{}: text and axes drawn (embedded font)",
            c.name
        );
        assert!(white < n * 98 / 100, "{}: something drawn", c.name);
        // Every legend label is drawn whole (wrapped, never cut with an ellipsis).
        for l in &c.legend {
            assert!(!l.contains('…'), "{}: {l}", c.name);
            for word in l.split_whitespace() {
                let w = word
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                assert!(c.svg.contains(&w), "{}: legend word `{word}` drawn", c.name);
            }
        }
    }
    let pathways = r.chart("pathways").expect("pathways");
    assert_eq!(
        pathways.legend[..2],
        ["Business as usual (bau)", "Countermeasures 2030 (cm)"]
    );
    // The emission target on the emission chart, the intensity target on the intensity
    // chart, each labelled with its threshold in its own unit.
    assert!(pathways.svg.contains("vs-reference-15 ≤ 1,033: met"));
    assert!(!pathways.svg.contains("intensity-40"));
    let intensity = r.chart("intensity-gdp").expect("intensity chart");
    assert!(intensity.svg.contains("intensity-40 ≤ 112: not met"));
    // Sector charts share one value axis.
    let (runs, _) = runs_of(&["bau.yaml", "cm.yaml"]);
    let plots = lcs_report::charts::sectors(&runs);
    assert_eq!(plots[0].y_range, plots[1].y_range);
    assert!(plots[0].y_range.is_some());
    // --dpi: a lower resolution gives a smaller PNG of the same chart.
    let o = Options {
        dpi: 150,
        ..options(&[2020, 2030])
    };
    let small = Report::build(&runs, &o).expect("builds");
    assert_eq!(
        small.chart("pathways").expect("chart").png_size,
        (1200, 675)
    );
}

#[test]
fn a_section_from_another_crate_is_written_by_every_writer() {
    let mut r = fresh_report();
    let mut b = TableBuilder::new();
    let c = b.text("project");
    let v = b.number("2030 [kt CO2e/yr]");
    b.push_text(c, "Solar farm");
    b.push_number(v, Some(12.5));
    b.push_text(c, "Total");
    b.push_number(v, Some(12.5));
    b.bold_last_row();
    let t = b
        .finish("projects", "Projects", "A section added by another crate.")
        .expect("table");
    let section = Section::new("projects", "Project pipeline")
        .note("Projects and their reductions.")
        .table(t.clone());
    r.push_section(section).expect("added");
    let dup = Section::new("again", "Again").table(t);
    assert!(matches!(
        r.push_section(dup),
        Err(ReportError::DuplicateName { .. })
    ));
    let dir = tmp("section");
    r.write(&dir, &Format::ALL).expect("writes");
    let csv = std::fs::read_to_string(dir.join("csv/projects.csv")).expect("csv");
    assert_eq!(
        csv,
        "project,2030 [kt CO2e/yr]\nSolar farm,12.5\nTotal,12.5\n"
    );
    assert!(dir.join("parquet/projects.parquet").exists());
    let md = std::fs::read_to_string(dir.join("report.md")).expect("md");
    assert!(md.contains("## Project pipeline\n\nProjects and their reductions.\n\n### Projects"));
    assert!(md.contains("| **Total** | **12.5** |"));
    let html = std::fs::read_to_string(dir.join("report.html")).expect("html");
    assert!(html.contains("<section id=\"s-projects\">"));
    assert!(html.contains("<h1>Tiny Town: emission scenarios</h1>"));
    assert!(html.contains("<tr class=\"total\"><td>Total</td>"));
    let mut wb: Xlsx<_> = open_workbook(dir.join("report.xlsx")).expect("xlsx");
    assert!(wb.sheet_names().contains(&"projects".to_string()));
    let s = wb.worksheet_range("projects").expect("sheet");
    assert_eq!(s.get_value((4, 1)), Some(&Data::Float(12.5)));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let a = tmp("det-a");
    let b = tmp("det-b");
    let wa = report().write(&a, &Format::ALL).expect("writes");
    let wb = fresh_report().write(&b, &Format::ALL).expect("writes");
    assert_eq!(wa.len(), wb.len());
    for (x, y) in wa.iter().zip(&wb) {
        let bx = std::fs::read(x).expect("file");
        let by = std::fs::read(y).expect("file");
        assert!(bx == by, "{} differs between two runs", x.display());
    }
    let html = std::fs::read_to_string(a.join("report.html")).expect("html");
    // Self-contained: nothing to fetch (the SVG namespace URI is a name, not a fetch).
    for fetch in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "<link",
        "<script",
        "@import",
    ] {
        assert!(!html.contains(fetch), "report.html has `{fetch}`");
    }
    assert_eq!(html.matches("<table").count(), 10);
    assert_eq!(html.matches("<svg").count(), 8);
    assert!(html.contains("@media print"), "a print stylesheet");
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn compare_lists_input_and_output_differences() {
    let (runs, s) = runs_of(&["bau.yaml", "cm.yaml"]);
    let d = lcs_report::compare::inputs(&s[0], &s[1]);
    assert!(!d.is_empty());
    for a in &s[1].actions {
        assert!(
            d.iter()
                .any(|x| x.kind == "action" && x.what == a.id && x.a == "-"),
            "action {} only in cm",
            a.id
        );
    }
    let t = d
        .iter()
        .find(|x| x.kind == "target" && x.what == "vs-reference-15")
        .expect("target only in cm");
    assert_eq!(t.b, "emissions in 2030: −15 % vs reference (no actions)");
    // Plain words: no Rust debug text (`Some(…)`, `Year { … }`) anywhere.
    for x in &d {
        for v in [&x.a, &x.b] {
            assert!(!v.contains("Some(") && !v.contains('{'), "{v}");
        }
    }
    assert!(lcs_report::compare::inputs(&s[1], &s[1]).is_empty());
    let o =
        lcs_report::compare::outputs(&runs[0].years, &runs[0].rows, &runs[1].years, &runs[1].rows);
    let total = o
        .iter()
        .find(|x| x.variable == "Emissions|CO2e")
        .expect("total differs");
    let (a, b) = (total.a.expect("a"), total.b.expect("b"));
    assert!(close(
        b - a,
        expected("cm", "Emissions|CO2e", total.year)
            - expected("bau", "Emissions|CO2e", total.year)
    ));
}

#[test]
fn every_variable_the_report_asks_for_is_an_engine_row() {
    // The tables name engine variables through lcs_engine::var; a renamed row would leave
    // empty cells silently. The tiny example writes every kind of row.
    let (runs, _) = runs_of(&["cm.yaml"]);
    use lcs_engine::var;
    for v in [
        var::EMISSIONS_CO2E,
        var::FINAL_ENERGY,
        var::ELECTRICITY_DEMAND,
        var::ELECTRICITY_LOSSES,
        var::ELECTRICITY_LOCAL,
        var::ELECTRICITY_WTE,
        var::ELECTRICITY_GRID,
        var::ELECTRICITY_EXPORT,
        var::ELECTRICITY_GRID_EMISSIONS,
        var::WASTE_GENERATED,
        var::WASTE_LANDFILL,
        var::WASTE_RECYCLING,
        var::WASTE_COMPOSTING,
        var::WASTE_INCINERATION,
        var::CH4_LANDFILL,
        var::CH4_COMPOSTING,
        var::EMISSIONS_CO2E_WASTE,
    ] {
        assert!(runs[0].row(v).is_some(), "{v}");
    }
    assert!(runs[0]
        .row(&format!("{}|gdp", var::EMISSIONS_INTENSITY))
        .is_some());
}
