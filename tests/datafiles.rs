//! Whole runs with series read from data files (docs/EXTENSIONS.md, "Series from data
//! files"): the tiny example of MODEL.md (tests/cases/tiny) with some of its series moved
//! to a wide CSV table, a long CSV table and a workbook sheet must give a `results.csv`
//! byte-identical to the inline model's.
//!
//! Also keeps the workbook of the `datafile-unknown-sheet` error case current: the file is
//! written by [`sheet_workbook`] (`UPDATE_EXPECT=1 cargo test --test datafiles` rewrites it).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tiny() -> PathBuf {
    root().join("tests/cases/tiny")
}

/// A fresh, unique temporary folder for one test.
fn temp_dir(test: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("lcs-datafiles-{test}-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Copies the tiny example (model, scenarios, packages) into `dir`.
fn copy_tiny(dir: &Path) {
    for f in ["model.yaml", "bau.yaml", "cm.yaml"] {
        fs::copy(tiny().join(f), dir.join(f)).expect("copy");
    }
    fs::create_dir_all(dir.join("packages")).expect("packages");
    for e in fs::read_dir(tiny().join("packages")).expect("packages") {
        let p = e.expect("entry").path();
        fs::copy(&p, dir.join("packages").join(p.file_name().expect("name"))).expect("copy");
    }
}

/// Replaces `old` (which must occur once) by `new` in `dir/model.yaml`.
fn edit_model(dir: &Path, old: &str, new: &str) {
    let p = dir.join("model.yaml");
    let text = fs::read_to_string(&p).expect("model");
    assert_eq!(text.matches(old).count(), 1, "`{old}` once in model.yaml");
    fs::write(&p, text.replace(old, new)).expect("write model");
}

/// `lcs run bau.yaml cm.yaml --out OUT` in `dir`; returns results.csv.
fn run(dir: &Path, out: &Path) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_lcs"))
        .args(["run", "bau.yaml", "cm.yaml", "--out"])
        .arg(out)
        .current_dir(dir)
        .output()
        .expect("run lcs");
    assert!(
        o.status.success(),
        "lcs run in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    fs::read(out.join("results.csv")).expect("results.csv")
}

const HOUSEHOLD_SIZE: &str =
    "household_size: { unit: person/household, points: { 2020: 4.0, 2030: 3.5 } }";
const GRID_FACTOR: &str = "grid_factor: { unit: t CO2/MWh, points: { 2020: 0.70, 2030: 0.55 } }";
const POPULATION: &str = "population: { unit: person, base: 100000, growth: 0.02 }";
const CEMENT: &str = "activity: { unit: t, points: { 2020: 200000, 2030: 260000 } }";

/// The population of the tiny example year by year, `v(y) = v(y−1) × (1 + 0.02)` from
/// 100000 (MODEL.md §3), each written as the shortest text that reads back to the same
/// `f64`: a point at every year reads back bit for bit.
fn population_rows() -> Vec<(i32, String)> {
    let mut v: f64 = 100000.0;
    let mut out = Vec::new();
    for y in 2020..=2030 {
        out.push((y, format!("{v:?}")));
        v *= 1.0 + 0.02;
    }
    out
}

/// Moves household size, population (every year) and the grid factor to a wide table,
/// and cement to a long one.
fn csv_variant(dir: &Path) {
    copy_tiny(dir);
    let mut wide = String::from("year,household_size,population,grid_factor,source\n");
    for (y, pop) in population_rows() {
        let (hh, grid, src) = match y {
            2020 => ("4.0", "0.70", "\"Census 2020, table 3\""),
            2030 => ("3.5", "0.55", "assumption"),
            _ => ("", "", ""),
        };
        wide.push_str(&format!("{y},{hh},{pop},{grid},{src}\n"));
    }
    fs::write(dir.join("town.csv"), wide).expect("write");
    fs::write(
        dir.join("industry.csv"),
        "item,value,unit,year,source,status,derivation\n\
         cement,200,kt,2020,plant survey,SOURCED,\"200 kt, as reported\"\n\
         cement,260000,t,2030,none,ASSUMPTION,+3 %/yr\n\
         cement,0.03,1/yr,2020-2030,derived,DERIVED,growth\n",
    )
    .expect("write");
    edit_model(
        dir,
        HOUSEHOLD_SIZE,
        "household_size: { unit: person/household, from: town.csv, column: household_size }",
    );
    edit_model(
        dir,
        POPULATION,
        "population: { unit: person, from: town.csv, column: population }",
    );
    edit_model(
        dir,
        GRID_FACTOR,
        "grid_factor: { unit: t CO2/MWh, from: town.csv, column: grid_factor }",
    );
    edit_model(
        dir,
        CEMENT,
        "activity: { unit: t, from: industry.csv, item: cement }",
    );
}

/// A workbook with a notes sheet and the wide table on sheet `town` below a title row.
fn town_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1).expect("date"));
    wb.set_properties(&props);
    wb.add_worksheet()
        .set_name("notes")
        .expect("name")
        .write_string(0, 0, "Tiny Town statistics")
        .expect("write");
    let ws = wb.add_worksheet();
    ws.set_name("town").expect("name");
    ws.write_string(0, 0, "Table 1: Tiny Town").expect("write");
    for (j, h) in ["year", "household_size", "population", "grid_factor"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, j as u16, *h).expect("write");
    }
    for (i, (y, pop)) in population_rows().into_iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_number(r, 0, f64::from(y)).expect("write");
        ws.write_number(r, 2, pop.parse::<f64>().expect("number"))
            .expect("write");
        let (hh, grid) = match y {
            2020 => (4.0, 0.70),
            2030 => (3.5, 0.55),
            _ => continue,
        };
        ws.write_number(r, 1, hh).expect("write");
        ws.write_number(r, 3, grid).expect("write");
    }
    wb.save_to_buffer().expect("workbook")
}

#[test]
fn series_from_data_files_give_byte_identical_results() {
    let base = temp_dir("run");
    let inline = run(&tiny(), &base.join("inline"));

    let csv = base.join("csv");
    fs::create_dir_all(&csv).expect("dir");
    csv_variant(&csv);
    assert!(
        run(&csv, &csv.join("out")) == inline,
        "results.csv from the CSV tables differs from the inline model's"
    );

    let xlsx = base.join("xlsx");
    fs::create_dir_all(&xlsx).expect("dir");
    csv_variant(&xlsx);
    fs::write(xlsx.join("town.xlsx"), town_workbook()).expect("write workbook");
    let p = xlsx.join("model.yaml");
    let text = fs::read_to_string(&p).expect("model");
    fs::write(
        &p,
        text.replace("from: town.csv,", "from: town.xlsx, sheet: town,"),
    )
    .expect("write model");
    fs::remove_file(xlsx.join("town.csv")).expect("remove the CSV table");
    assert_eq!(
        fs::read_to_string(&p)
            .expect("model")
            .matches("town.xlsx")
            .count(),
        3
    );
    assert!(
        run(&xlsx, &xlsx.join("out")) == inline,
        "results.csv from the workbook differs from the inline model's"
    );
    let _ = fs::remove_dir_all(&base);
}

#[test]
fn a_changed_data_file_changes_the_results() {
    // The data file is really read: a different 2030 grid factor changes the results.
    let dir = temp_dir("changed");
    csv_variant(&dir);
    let before = run(&dir, &dir.join("a"));
    let p = dir.join("town.csv");
    let text = fs::read_to_string(&p).expect("table");
    fs::write(&p, text.replace(",0.55,", ",0.50,")).expect("write");
    let after = run(&dir, &dir.join("b"));
    assert!(
        before != after,
        "a changed grid factor did not change results.csv"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// The workbook of the `datafile-unknown-sheet` error case: sheets `notes` and `data`.
fn sheet_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1).expect("date"));
    wb.set_properties(&props);
    wb.add_worksheet()
        .set_name("notes")
        .expect("name")
        .write_string(0, 0, "Tiny Town statistics")
        .expect("write");
    let ws = wb.add_worksheet();
    ws.set_name("data").expect("name");
    ws.write_string(0, 0, "year").expect("write");
    ws.write_string(0, 1, "household_size").expect("write");
    for (i, (y, v)) in [(2020.0, 4.0), (2030.0, 3.5)].iter().enumerate() {
        ws.write_number(1 + i as u32, 0, *y).expect("write");
        ws.write_number(1 + i as u32, 1, *v).expect("write");
    }
    wb.save_to_buffer().expect("workbook")
}

#[test]
fn the_error_case_workbook_is_current() {
    let path = root().join("tests/errors/datafile-unknown-sheet/data.xlsx");
    let bytes = sheet_workbook();
    assert!(
        bytes == sheet_workbook(),
        "the workbook is not deterministic"
    );
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        fs::write(&path, &bytes).expect("write the workbook");
    }
    let committed = fs::read(&path).expect("the committed workbook");
    assert!(
        committed == bytes,
        "{} differs from sheet_workbook(); rewrite it with UPDATE_EXPECT=1 cargo test --test datafiles",
        path.display()
    );
}

#[test]
fn a_bad_data_file_fails_the_run_and_writes_nothing() {
    let dir = temp_dir("bad");
    csv_variant(&dir);
    let p = dir.join("town.csv");
    let text = fs::read_to_string(&p).expect("table");
    fs::write(&p, text.replace("2030,3.5,", "2030,3.5 persons,")).expect("write");
    let out = dir.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_lcs"))
        .args(["run", "bau.yaml", "cm.yaml", "--out"])
        .arg(&out)
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run lcs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    // 2030 is line 12 of town.csv (the header, then 2020 to 2030); its household size
    // starts after `2030,`, at column 6.
    assert!(
        stderr.contains("town.csv:12:6: unknown unit `persons`"),
        "{stderr}"
    );
    assert!(stderr.contains("key: `drivers.household_size`"), "{stderr}");
    assert!(!out.exists(), "a failed run wrote {}", out.display());
    let _ = fs::remove_dir_all(&dir);
}
