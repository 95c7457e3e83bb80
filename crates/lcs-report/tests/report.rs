//! The report on the spec's tiny example: tables against the conformance values, the
//! workbook read back with calamine, Parquet read back with polars, sums, charts decoded,
//! determinism, and `compare`.

use calamine::{open_workbook, Data, Reader, Xlsx};
use lcs_engine::{attribute, evaluate_targets, run_all, run_reference, Method};
use lcs_model::Loader;
use lcs_report::tables::Cell;
use lcs_report::{Format, Report, ScenarioRun, Table};
use polars::prelude::{ParquetReader, SerReader};
use std::path::{Path, PathBuf};

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/tiny")
}

fn runs_of(files: &[&str]) -> (Vec<ScenarioRun>, Vec<lcs_model::Scenario>) {
    let mut loader = Loader::new();
    let mut runs = Vec::new();
    let mut scenarios = Vec::new();
    for f in files {
        let s = loader
            .load_scenario(&tiny().join(f))
            .unwrap_or_else(|_| panic!("{f} is valid"));
        let c = lcs_engine::compile(&s).expect("compiles");
        let ws = run_all(&c).expect("runs");
        let reference = run_reference(&c).expect("reference runs");
        let targets = evaluate_targets(&s, &c, &ws, &reference);
        let (seq, shap) = if s.actions.is_empty() {
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

fn report() -> Report {
    let (runs, _) = runs_of(&["bau.yaml", "cm.yaml"]);
    Report::build(&runs, &[2020, 2025, 2030]).expect("report builds")
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

#[test]
fn emissions_table_matches_the_conformance_values_and_sectors_sum_to_the_total() {
    let r = report();
    let t = r.table("emissions").expect("emissions table");
    assert!(
        t.header().contains(&"unit".to_string()),
        "units in the header"
    );
    let (cs, ci, cu) = (col(t, "scenario"), col(t, "sector"), col(t, "unit"));
    for scenario in ["bau", "cm"] {
        for (k, year) in [2020, 2025, 2030].iter().enumerate() {
            let c = col(t, &year.to_string());
            assert_eq!(c, 3 + k);
            let mut sum = 0.0;
            let mut total = None;
            for row in 0..t.height() {
                if text(t, row, cs) != scenario {
                    continue;
                }
                let name = text(t, row, ci);
                if name == "Total" {
                    total = Some(number(t, row, c));
                } else if text(t, row, cu) == "kt CO2e/yr" {
                    sum += number(t, row, c);
                }
            }
            let total = total.expect("a Total row");
            assert!(close(total, expected(scenario, "Emissions|CO2e", *year)));
            assert!(
                close(sum, total),
                "{scenario} {year}: sectors {sum} vs total {total}"
            );
        }
    }
    // Per capita: the engine's intensity row (t CO2e/person), cm 2030.
    let row = (0..t.height())
        .find(|&i| text(t, i, cs) == "cm" && text(t, i, ci) == "per population")
        .expect("per capita row");
    assert_eq!(text(t, row, cu), "t CO2e/person");
    let per_capita = number(t, row, col(t, "2030"));
    assert!(close(
        per_capita,
        expected("cm", "Emissions Intensity|population", 2030)
    ));
}

#[test]
fn comparison_and_targets_tables_hold_the_expected_numbers() {
    let r = report();
    let t = r.table("comparison").expect("comparison");
    let row = (0..t.height())
        .find(|&i| text(t, i, 0) == "cm" && t.cell(i, 1) == Cell::Int(2030))
        .expect("cm 2030");
    let e = number(t, row, col(t, "emissions [kt CO2e/yr]"));
    let reference = number(t, row, col(t, "reference [kt CO2e/yr]"));
    // The reference of cm is bau (cm only adds packages).
    assert!(close(reference, expected("bau", "Emissions|CO2e", 2030)));
    assert!(close(
        number(t, row, col(t, "vs reference [%]")),
        100.0 * (e / reference - 1.0)
    ));
    let base = expected("cm", "Emissions|CO2e", 2020);
    assert!(close(
        number(t, row, col(t, "vs base year [%]")),
        100.0 * (e / base - 1.0)
    ));
    // Targets: the conformance example's expected targets-cm.csv.
    let t = r.table("targets").expect("targets");
    assert_eq!(t.height(), 2);
    assert_eq!(text(t, 0, 1), "intensity-40");
    assert!(close(number(t, 0, col(t, "value")), 127.85617582105412));
    assert!(close(number(t, 0, col(t, "threshold")), 112.37153102561324));
    assert_eq!(t.cell(0, col(t, "met")), Cell::Bool(false));
    assert_eq!(text(t, 0, col(t, "unit")), "t CO2e/MYR million");
    assert_eq!(t.cell(1, col(t, "met")), Cell::Bool(true));
}

#[test]
fn action_table_has_plan_fields_and_contributions_that_sum_to_the_total() {
    let r = report();
    let t = r.table("actions").expect("actions");
    let ca = col(t, "action");
    let rows: Vec<usize> = (0..t.height()).filter(|&i| text(t, i, 0) == "cm").collect();
    assert!(rows.len() >= 3, "actions plus TOTAL");
    let total_row = *rows.last().expect("rows");
    assert_eq!(text(t, total_row, ca), "TOTAL");
    let reduction =
        expected("bau", "Emissions|CO2e", 2030) - expected("cm", "Emissions|CO2e", 2030);
    for method in ["sequential", "Shapley"] {
        let c = col(t, &format!("2030 {method} [kt CO2e/yr]"));
        let s = col(t, &format!("2030 {method} share [%]"));
        let sum: f64 = rows[..rows.len() - 1]
            .iter()
            .map(|&i| number(t, i, c))
            .sum();
        let shares: f64 = rows[..rows.len() - 1]
            .iter()
            .map(|&i| number(t, i, s))
            .sum();
        assert!(close(number(t, total_row, c), reduction), "{method} total");
        assert!(
            (sum - reduction).abs() < 1e-6,
            "{method}: {sum} vs {reduction}"
        );
        assert!((shares - 100.0).abs() < 1e-6, "{method} shares {shares}");
    }
    // Plan fields from the package file, measures with their years.
    let first = rows[0];
    assert!(!text(t, first, col(t, "measures")).is_empty());
    let start: i32 = text(t, first, col(t, "start")).parse().expect("year");
    let full: i32 = text(t, first, col(t, "full")).parse().expect("year");
    assert!(start <= full);
}

#[test]
fn final_energy_and_electricity_and_waste_tables_are_consistent() {
    let r = report();
    let t = r.table("final_energy").expect("final energy");
    // The engine's detail rows decide which cells and items the tables have.
    let (runs, _) = runs_of(&["cm.yaml"]);
    let has = |v: &str| runs[0].row(v).is_some();
    let detail = has("Final Energy|industry|coal");
    let ct = col(t, "total [TJ/yr]");
    let cy = col(t, "year");
    for scenario in ["bau", "cm"] {
        for year in [2020i32, 2030] {
            let rows: Vec<usize> = (0..t.height())
                .filter(|&i| {
                    text(t, i, 0) == scenario && t.cell(i, cy) == Cell::Int(i64::from(year))
                })
                .collect();
            let total_row = *rows.last().expect("rows");
            assert_eq!(text(t, total_row, 2), "Total");
            let total = number(t, total_row, ct);
            assert!(close(total, expected(scenario, "Final Energy", year)));
            let sectors: f64 = rows[..rows.len() - 1]
                .iter()
                .map(|&i| number(t, i, ct))
                .sum();
            assert!(close(sectors, total), "sectors sum to total final energy");
            // Each fuel column: sectors sum to the fuel total (where the engine writes
            // sector × fuel rows).
            let mut checked = 0;
            for c in 3..ct {
                let fuel_total = number(t, total_row, c);
                let cells: Vec<Cell> = rows[..rows.len() - 1]
                    .iter()
                    .map(|&i| t.cell(i, c))
                    .collect();
                if cells.iter().all(|x| matches!(x, Cell::Number(_))) {
                    let s: f64 = cells
                        .iter()
                        .map(|x| if let Cell::Number(v) = x { *v } else { 0.0 })
                        .sum();
                    assert!(close(s, fuel_total), "fuel column {c}: {s} vs {fuel_total}");
                    checked += 1;
                }
            }
            assert_eq!(
                checked >= 3,
                detail,
                "sector × fuel cells exactly when the engine writes `Final Energy|<sector>|<fuel>`"
            );
        }
    }
    let t = r.table("electricity").expect("electricity");
    let row = (0..t.height())
        .find(|&i| text(t, i, 0) == "cm" && text(t, i, 1) == "Demand (final)")
        .expect("demand row");
    assert!(close(
        number(t, row, col(t, "2030")),
        expected("cm", "Electricity|Demand", 2030)
    ));
    let items: Vec<String> = (0..t.height())
        .filter(|&i| text(t, i, 0) == "cm")
        .map(|i| text(t, i, 1))
        .collect();
    for (item, v) in [
        ("Losses", "Electricity|Losses"),
        ("Grid supply", "Electricity|Grid Supply"),
        (
            "Grid emissions (memo, in sectors)",
            "Electricity|Grid Emissions",
        ),
    ] {
        assert_eq!(
            items.iter().any(|x| x == item),
            has(v),
            "electricity row {item}: {items:?}"
        );
    }
    let t = r.table("waste").expect("waste");
    let items: Vec<String> = (0..t.height())
        .filter(|&i| text(t, i, 0) == "cm")
        .map(|i| text(t, i, 1))
        .collect();
    for (item, v) in [
        ("Landfill", "Waste|Landfill"),
        ("Landfill CH4", "Emissions|CH4|Waste|Landfill"),
        ("Waste emissions", "Emissions|CO2e|Waste"),
    ] {
        assert_eq!(
            items.iter().any(|x| x == item),
            has(v),
            "waste row {item}: {items:?}"
        );
    }
    let row = (0..t.height())
        .find(|&i| text(t, i, 0) == "cm" && text(t, i, 1) == "Generated")
        .expect("generated row");
    assert_eq!(text(t, row, 2), "t/yr");
    assert!(close(
        number(t, row, col(t, "2025")),
        expected("cm", "Waste|Generated", 2025)
    ));
}

#[test]
fn workbook_has_the_sheets_and_values_and_parquet_reads_back_equal() {
    let r = report();
    let dir = tmp("files");
    let written = r.write(&dir, &Format::ALL).expect("writes");
    assert!(written.contains(&dir.join("report.xlsx")));
    let mut wb: Xlsx<_> = open_workbook(dir.join("report.xlsx")).expect("xlsx opens");
    assert_eq!(
        wb.sheet_names(),
        [
            "emissions",
            "comparison",
            "targets",
            "actions",
            "final_energy",
            "electricity",
            "waste",
            "data"
        ]
    );
    let sheet = wb.worksheet_range("emissions").expect("emissions sheet");
    let at = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(
        at(0, 0),
        Data::String("Emissions by sector and milestone year".into())
    );
    assert_eq!(at(3, 0), Data::String("scenario".into()));
    assert_eq!(at(3, 5), Data::String("2030".into()));
    let t = r.table("emissions").expect("table");
    let mut found = false;
    for row in 0..t.height() {
        let xr = 4 + row as u32;
        assert_eq!(at(xr, 1), Data::String(text(t, row, 1)));
        if text(t, row, 0) == "cm" && text(t, row, 1) == "Total" {
            // The spec's contract: 1e-9 relative to the reference implementation.
            let want = expected("cm", "Emissions|CO2e", 2030);
            match at(xr, 5) {
                Data::Float(got) => {
                    assert!((got - want).abs() <= 1e-9 * want.abs(), "{got} vs {want}")
                }
                other => panic!("expected a number, found {other:?}"),
            }
            found = true;
        }
    }
    assert!(found);
    let targets = wb.worksheet_range("targets").expect("targets sheet");
    assert_eq!(targets.get_value((4, 7)), Some(&Data::Bool(false)));
    let data = wb.worksheet_range("data").expect("data sheet");
    assert_eq!(
        data.get_value((0, 3)),
        Some(&Data::String("variable".into()))
    );
    assert_eq!(data.get_value((0, 5)), Some(&Data::Float(2020.0)));
    assert_eq!(data.height(), 1 + r.iamc.height());
    // Parquet: every table reads back equal.
    for t in r.tables.iter().chain([&r.iamc]) {
        let f = std::fs::File::open(dir.join("parquet").join(format!("{}.parquet", t.name)))
            .expect("parquet file");
        let back = ParquetReader::new(f).finish().expect("parquet reads");
        assert!(back.equals_missing(&t.df), "{} reads back equal", t.name);
    }
    // CSV: header and one line per row; IAMC wide CSV with every engine row.
    let csv = std::fs::read_to_string(dir.join("csv/emissions.csv")).expect("csv");
    assert_eq!(
        csv.lines().next(),
        Some("scenario,sector,unit,2020,2025,2030")
    );
    assert_eq!(csv.lines().count(), 1 + t_height(&r, "emissions"));
    let iamc = std::fs::read_to_string(dir.join("iamc.csv")).expect("iamc");
    assert!(iamc.starts_with("model,scenario,region,variable,unit,2020,2021,"));
    let line = iamc
        .lines()
        .find(|l| l.contains(",cm,tiny,Emissions|CO2e,"))
        .expect("cm total line");
    let last: f64 = line
        .rsplit(',')
        .next()
        .expect("value")
        .parse()
        .expect("number");
    let want = expected("cm", "Emissions|CO2e", 2030);
    assert!((last - want).abs() <= 1e-9 * want.abs(), "{last} vs {want}");
    let md = std::fs::read_to_string(dir.join("report.md")).expect("md");
    assert!(md.contains("## Emissions by sector and milestone year"));
    assert!(md.contains("| scenario | sector | unit | 2020 | 2025 | 2030 |"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn t_height(r: &Report, name: &str) -> usize {
    r.table(name).expect("table").height()
}

#[test]
fn charts_render_to_svg_and_png_that_decode() {
    let r = report();
    let names: Vec<&str> = r.charts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "pathways",
            "wedges-cm",
            "sectors-bau",
            "sectors-cm",
            "final-energy-bau",
            "final-energy-cm"
        ]
    );
    for c in &r.charts {
        assert!(c.svg.contains("<svg"), "{}", c.name);
        assert!(
            c.svg.contains(&c.title.replace('&', "&amp;")),
            "{} has its title",
            c.name
        );
        assert!(c.svg.contains("year"), "{} has an x axis label", c.name);
        assert!(
            c.svg.len() > 5_000 && c.svg.len() < 2_000_000,
            "{} svg size",
            c.name
        );
        assert!(
            c.png.len() > 10_000 && c.png.len() < 1_000_000,
            "{} png size {}",
            c.name,
            c.png.len()
        );
        let decoder = png::Decoder::new(std::io::Cursor::new(&c.png));
        let mut reader = decoder.read_info().expect("png header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("png decodes");
        assert_eq!(
            (info.width, info.height),
            (lcs_report::charts::WIDTH, lcs_report::charts::HEIGHT)
        );
        let pixels = &buf[..info.buffer_size()];
        let white = pixels.chunks(3).filter(|p| p == &[255, 255, 255]).count();
        let dark = pixels
            .chunks(3)
            .filter(|p| p.iter().all(|v| *v < 60))
            .count();
        let n = pixels.len() / 3;
        assert!(white > n / 5, "{}: a white background", c.name);
        assert!(
            dark > 500,
            "{}: text and axes drawn (embedded font)",
            c.name
        );
        assert!(white < n * 98 / 100, "{}: something drawn", c.name);
    }
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let a = tmp("det-a");
    let b = tmp("det-b");
    let wa = report().write(&a, &Format::ALL).expect("writes");
    let wb = report().write(&b, &Format::ALL).expect("writes");
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
    assert_eq!(html.matches("<table").count(), 7);
    assert_eq!(html.matches("<svg").count(), 6);
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
    assert!(d
        .iter()
        .any(|x| x.kind == "target" && x.what == "vs-reference-15"));
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
    assert!(lcs_report::compare::outputs(
        &runs[1].years,
        &runs[1].rows,
        &runs[1].years,
        &runs[1].rows
    )
    .is_empty());
}
