//! Series read from data files (docs/EXTENSIONS.md, "Series from data files") against the
//! same series written inline: the checked values must be bit for bit the same, and the
//! provenance must name the file, row, column, `source` and `status` of every point.

use lcs_model::{Loader, Model, Provenance, Series, TableForm};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh, unique temporary folder for one test.
fn temp_dir(test: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "lcs-model-datafiles-{test}-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(p, text).expect("write file");
}

/// The model with every series inline. `{POP}`, `{HH}`, `{INT}`, `{GRID}` and `{CEMENT}` are
/// replaced by the series' forms.
const MODEL: &str = "region: { id: df, name: Data Town }
years: { base: 2020, end: 2030 }
gwp: AR5
drivers:
  population: {POP}
  household_size: {HH}
  households: { unit: household, expr: population / household_size }
demand:
  residential:
    category: residential
    activity: households
    intensity: {INT}
    fuels: { electricity: 0.8, lpg: 0.2 }
electricity:
  losses: 0.06
  grid_factor: {GRID}
sources:
  ippu/cement: { activity: {CEMENT}, factors: { CO2: \"0.52 t CO2/t\" } }
";

const POP_INLINE: &str =
    "{ unit: person, points: { 2020: 100000, 2025: 112000, 2030: 120000 }, interp: cagr }";
const HH_INLINE: &str = "{ unit: person/household, points: { 2020: 4.0, 2030: 3.5 } }";
const INT_INLINE: &str = "{ unit: GJ/household, points: { 2020: 20, 2030: 18 }, interp: step }";
const GRID_INLINE: &str = "{ unit: t CO2/MWh, points: { 2020: 0.70, 2030: 0.55 } }";
const CEMENT_INLINE: &str = "{ unit: t, points: { 2020: 200000, 2030: 260000 } }";

/// A long table (the form of `data/`): one row per item and year, each with its unit; the
/// `planned` row is not a year and is skipped; the second cement row is in `t`, the first
/// in `kt`.
const LONG_CSV: &str = "item,value,unit,year,source,status,derivation
population,100000,person,2020,\"Census 2020, table 1\",SOURCED,\"quote, with commas\"
population,112000,person,2025,derived,DERIVED,interpolated
population,120000,person,2030,none,ASSUMPTION,growth slows
population_growth,0.023,1/yr,2020-2030,derived,DERIVED,(1.2)^(1/10) - 1
cement,200,kt,2020,plant survey,SOURCED,
cement,260000,t,2030,none,ASSUMPTION,
cement,999999,t,planned,none,ASSUMPTION,a plan without a year
";

/// A wide table: a `year` column and one column per series; gaps are rows without a value.
const WIDE_CSV: &str = "year,household_size,intensity,grid_factor,source
2020,4.0,20,0.70,\"Census 2020, table 3\"
2025,,,,
2030,3.5,18,0.55,assumption
";

fn model_text(pop: &str, hh: &str, int: &str, grid: &str, cement: &str) -> String {
    MODEL
        .replace("{POP}", pop)
        .replace("{HH}", hh)
        .replace("{INT}", int)
        .replace("{GRID}", grid)
        .replace("{CEMENT}", cement)
}

fn load(path: &Path) -> Model {
    let mut loader = Loader::new();
    loader
        .load_model(path)
        .unwrap_or_else(|d| panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)))
}

fn load_err(path: &Path) -> String {
    let mut loader = Loader::new();
    match loader.load_model(path) {
        Ok(_) => panic!("{} loaded, expected an error", path.display()),
        Err(d) => lcs_model::render_all_plain(&d, &loader.sources),
    }
}

/// The series of a model that the tests compare, by name.
fn series(m: &Model) -> Vec<(&'static str, &Series)> {
    let driver = |n: &str| {
        &m.drivers
            .iter()
            .find(|d| d.name == n)
            .expect("driver")
            .series
    };
    let grid = match &m.electricity.as_ref().expect("electricity").grid {
        lcs_model::Grid::Factor { factor, .. } => factor,
        _ => panic!("a grid factor"),
    };
    let cement = match &m.sources[0].activity {
        lcs_model::Activity::Series(s) => s,
        _ => panic!("a series activity"),
    };
    vec![
        ("population", driver("population")),
        ("household_size", driver("household_size")),
        (
            "intensity",
            m.nodes[0].intensity.as_ref().expect("intensity"),
        ),
        ("grid_factor", grid),
        ("cement", cement),
    ]
}

/// Every compared series has the same values, bit for bit, and the same unit text.
fn assert_same_series(a: &Model, b: &Model) {
    for ((name, x), (_, y)) in series(a).into_iter().zip(series(b)) {
        let (vx, vy) = (x.values().expect("values"), y.values().expect("values"));
        let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(vx), bits(vy), "{name}: {vx:?} vs {vy:?}");
        assert_eq!(x.unit_text, y.unit_text, "{name}");
        assert_eq!(x.dim, y.dim, "{name}");
    }
}

fn provenance<'m>(m: &'m Model, name: &str) -> &'m Provenance {
    series(m)
        .into_iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, s)| s.provenance.as_deref())
        .unwrap_or_else(|| panic!("{name} has no provenance"))
}

fn data_model(dir: &Path) -> PathBuf {
    write(dir, "long.csv", LONG_CSV);
    write(dir, "wide.csv", WIDE_CSV);
    write(
        dir,
        "model.yaml",
        &model_text(
            "{ unit: person, from: long.csv, item: population, interp: cagr }",
            "{ unit: person/household, from: wide.csv, column: household_size }",
            "{ unit: GJ/household, from: wide.csv, column: intensity, interp: step }",
            "{ unit: t CO2/MWh, from: wide.csv, column: grid_factor, source: \"utility annual report\" }",
            "{ unit: t, from: long.csv, item: cement }",
        ),
    );
    dir.join("model.yaml")
}

fn inline_model(dir: &Path) -> PathBuf {
    write(
        dir,
        "inline.yaml",
        &model_text(
            POP_INLINE,
            HH_INLINE,
            INT_INLINE,
            GRID_INLINE,
            CEMENT_INLINE,
        ),
    );
    dir.join("inline.yaml")
}

#[test]
fn wide_and_long_csv_read_as_the_inline_points() {
    let dir = temp_dir("same");
    let inline = load(&inline_model(&dir));
    let data = load(&data_model(&dir));
    assert_same_series(&inline, &data);
    // Inline series have no provenance.
    assert!(series(&inline).iter().all(|(_, s)| s.provenance.is_none()));
}

#[test]
fn long_rows_convert_each_unit_and_skip_rows_without_a_year() {
    let dir = temp_dir("long");
    let m = load(&data_model(&dir));
    let cement = series(&m)[4].1.values().expect("values").to_vec();
    // 200 kt = 200 × 1000 t = 200000 t in 2020; 260000 t in 2030; linear in between:
    // 2025 = 200000 + (260000 − 200000) × 5/10 = 230000 t. The `planned` row is skipped.
    assert_eq!(cement[0], 200000.0);
    assert_eq!(cement[5], 230000.0);
    assert_eq!(cement[10], 260000.0);
    let p = provenance(&m, "cement");
    assert_eq!(p.form, TableForm::Long);
    assert_eq!(p.points.len(), 2);
    assert_eq!(p.points[0].unit.as_deref(), Some("kt"));
    assert_eq!(p.points[0].text, "200");
    assert_eq!(p.points[0].value, 200000.0);
    // The kt row is line 6 of long.csv; its value is the second column.
    assert_eq!((p.points[0].row, p.points[0].col), (6, 2));
    assert_eq!(p.points[0].source.as_deref(), Some("plant survey"));
    assert_eq!(p.points[1].source.as_deref(), Some("none"));
}

#[test]
fn provenance_names_the_file_row_column_source_and_status() {
    let dir = temp_dir("provenance");
    let m = load(&data_model(&dir));
    let pop = provenance(&m, "population");
    assert_eq!(pop.file, dir.join("long.csv"));
    assert_eq!(pop.sheet, None);
    assert_eq!(pop.name, "population");
    let years: Vec<i32> = pop.points.iter().map(|p| p.year).collect();
    assert_eq!(years, [2020, 2025, 2030]);
    let first = &pop.points[0];
    assert_eq!(
        (first.row, first.col, first.cell()),
        (2, 2, "B2".to_string())
    );
    // A quoted source with a comma is one field.
    assert_eq!(first.source.as_deref(), Some("Census 2020, table 1"));
    assert_eq!(first.status.as_deref(), Some("SOURCED"));
    assert_eq!(pop.points[2].status.as_deref(), Some("ASSUMPTION"));
    // The value cell's span points at `100000` on line 2, column 12 of the CSV text.
    let span = first.span.expect("a CSV cell has a span");
    assert_eq!((span.line, span.col), (2, 12));
    assert_eq!(&LONG_CSV[span.start..span.end], "100000");

    let grid = provenance(&m, "grid_factor");
    assert_eq!(grid.form, TableForm::Wide);
    assert_eq!(grid.source.as_deref(), Some("utility annual report"));
    // The 2025 row has no value: two points, lines 2 and 4, column 4.
    let at: Vec<(i32, u32, u32)> = grid.points.iter().map(|p| (p.year, p.row, p.col)).collect();
    assert_eq!(at, [(2020, 2, 4), (2030, 4, 4)]);
    assert_eq!(
        grid.points[0].source.as_deref(),
        Some("Census 2020, table 3")
    );
    assert_eq!(grid.points[0].status, None);
}

/// A workbook like a statistics office's: a notes sheet first, then the data sheet with a
/// title row and an empty row above the header.
fn workbook() -> Vec<u8> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1).expect("date"));
    wb.set_properties(&props);
    let notes = wb.add_worksheet();
    notes.set_name("notes").expect("name");
    notes
        .write_string(0, 0, "Data Town statistics")
        .expect("write");
    let ws = wb.add_worksheet();
    ws.set_name("data").expect("name");
    ws.write_string(0, 0, "Table 3: households").expect("write");
    for (j, h) in [
        "year",
        "household_size",
        "intensity",
        "grid_factor",
        "source",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, j as u16, *h).expect("write");
    }
    let rows: [(f64, f64, f64, f64, &str); 2] = [
        (2020.0, 4.0, 20.0, 0.70, "Census 2020, table 3"),
        (2030.0, 3.5, 18.0, 0.55, "assumption"),
    ];
    for (i, (y, hh, int, grid, src)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number(r, 0, *y).expect("write");
        ws.write_number(r, 1, *hh).expect("write");
        // A number written as text reads like a CSV cell.
        ws.write_string(r, 2, format!("{int}")).expect("write");
        ws.write_number(r, 3, *grid).expect("write");
        ws.write_string(r, 4, *src).expect("write");
    }
    wb.save_to_buffer().expect("workbook")
}

#[test]
fn a_workbook_sheet_reads_as_the_csv_table() {
    let dir = temp_dir("xlsx");
    std::fs::write(dir.join("data.xlsx"), workbook()).expect("write workbook");
    write(dir.as_path(), "long.csv", LONG_CSV);
    write(
        &dir,
        "model.yaml",
        &model_text(
            "{ unit: person, from: long.csv, item: population, interp: cagr }",
            "{ unit: person/household, from: data.xlsx, sheet: data, column: household_size }",
            "{ unit: GJ/household, from: data.xlsx, sheet: data, column: intensity, interp: step }",
            "{ unit: t CO2/MWh, from: data.xlsx, sheet: data, column: grid_factor }",
            "{ unit: t, from: long.csv, item: cement }",
        ),
    );
    let inline = load(&inline_model(&dir));
    let m = load(&dir.join("model.yaml"));
    assert_same_series(&inline, &m);
    let p = provenance(&m, "household_size");
    assert_eq!(p.sheet.as_deref(), Some("data"));
    // Row 3 is the header (after a title and an empty row): the 2020 value is in B4.
    assert_eq!(p.points[0].cell(), "B4");
    assert_eq!(p.points[0].span, None);
    assert_eq!(p.points[0].text, "4");
    assert_eq!(p.points[0].source.as_deref(), Some("Census 2020, table 3"));
}

#[test]
fn a_workbook_of_several_sheets_needs_sheet() {
    let dir = temp_dir("xlsx-sheet");
    std::fs::write(dir.join("data.xlsx"), workbook()).expect("write workbook");
    write(dir.as_path(), "long.csv", LONG_CSV);
    let text = model_text(
        POP_INLINE,
        "{ unit: person/household, from: data.xlsx, column: household_size }",
        INT_INLINE,
        GRID_INLINE,
        CEMENT_INLINE,
    );
    write(&dir, "model.yaml", &text);
    let err = load_err(&dir.join("model.yaml"));
    assert!(
        err.contains("`data.xlsx` has 2 sheets: say which with `sheet:`"),
        "{err}"
    );
    assert!(err.contains("`notes`, `data`"), "{err}");
    assert!(err.contains("key: `drivers.household_size.sheet`"), "{err}");
}

#[test]
fn every_interp_form_applies_to_data_points() {
    let dir = temp_dir("interp");
    write(
        &dir,
        "pop.csv",
        "year,pop\n2020,100000\n2025,112000\n2030,120000\n",
    );
    for interp in ["linear", "step", "cagr"] {
        let inline = format!(
            "{{ unit: person, points: {{ 2020: 100000, 2025: 112000, 2030: 120000 }}, interp: {interp} }}"
        );
        let data = format!("{{ unit: person, from: pop.csv, column: pop, interp: {interp} }}");
        write(
            &dir,
            "a.yaml",
            &model_text(&inline, HH_INLINE, INT_INLINE, GRID_INLINE, CEMENT_INLINE),
        );
        write(
            &dir,
            "b.yaml",
            &model_text(&data, HH_INLINE, INT_INLINE, GRID_INLINE, CEMENT_INLINE),
        );
        assert_same_series(&load(&dir.join("a.yaml")), &load(&dir.join("b.yaml")));
    }
    // The last one written is `cagr`: 2020 → 2025 at (112000/100000)^(1/5) a year, so
    // 2021 = 100000 × 1.12^(1/5).
    let m = load(&dir.join("b.yaml"));
    let pop = series(&m)[0].1.values().expect("values").to_vec();
    assert_eq!(pop[1], 100000.0 * (112000.0f64 / 100000.0).powf(1.0 / 5.0));
    assert_eq!(pop[10], 120000.0);
}

#[test]
fn an_override_reads_its_file_relative_to_the_scenario() {
    let dir = temp_dir("override");
    inline_model(&dir);
    write(
        &dir,
        "scen/pop.csv",
        "year,population\n2020,90000\n2030,130000\n",
    );
    write(
        &dir,
        "scen/s.yaml",
        "scenario: s\nmodel: ../inline.yaml\noverrides:\n  drivers.population: { unit: person, from: pop.csv, column: population }\n",
    );
    let mut loader = Loader::new();
    let s = loader
        .load_scenario(&dir.join("scen/s.yaml"))
        .unwrap_or_else(|d| panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)));
    let pop = &s.model.drivers[0].series;
    // Linear from 90000 (2020) to 130000 (2030): 2025 = 90000 + 40000 × 5/10 = 110000.
    assert_eq!(pop.values().expect("values")[5], 110000.0);
    assert_eq!(
        pop.provenance.as_ref().expect("provenance").file,
        dir.join("scen").join("pop.csv")
    );
}

#[test]
fn the_iskandar_drivers_are_read_from_data_iskandar() {
    // scenarios/iskandar/model.yaml reads population, GDP and the GDP shares from
    // data/iskandar/socioeconomic.csv; the values are those of the points that stood inline
    // before (1.35 million in 2005, 3.0 million in 2025, 4.35 million in 2050, `cagr`).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let m = load(&root.join("scenarios/iskandar/model.yaml"));
    let driver = |n: &str| {
        &m.drivers
            .iter()
            .find(|d| d.name == n)
            .expect("driver")
            .series
    };
    let expect = lcs_units::interpolate(
        &[(2005, 1350000.0), (2025, 3000000.0), (2050, 4350000.0)],
        lcs_units::Interp::Cagr,
        2005,
        2050,
    )
    .expect("interpolates");
    let pop = driver("population");
    assert_eq!(pop.values().expect("values"), expect.as_slice());
    let p = pop.provenance.as_deref().expect("provenance");
    assert!(
        p.file.ends_with("data/iskandar/socioeconomic.csv"),
        "{:?}",
        p.file
    );
    assert_eq!(p.form, TableForm::Long);
    let years: Vec<i32> = p.points.iter().map(|x| x.year).collect();
    assert_eq!(years, [2005, 2025, 2050]);
    let status: Vec<&str> = p
        .points
        .iter()
        .filter_map(|x| x.status.as_deref())
        .collect();
    assert_eq!(status, ["SOURCED", "SOURCED", "ASSUMPTION"]);
    assert!(p.points[0]
        .source
        .as_deref()
        .is_some_and(|s| s.starts_with("https://")));
    // GDP in MYR million: 34800 MYR million = 34800 × 1e6 MYR in base units.
    assert_eq!(driver("gdp").values().expect("values")[0], 34800.0 * 1e6);
    assert_eq!(driver("gdp").unit_text.as_deref(), Some("MYR million"));
    // The shares keep the display unit `1` (the rows say `share`, also dimensionless).
    let share = driver("industry_share");
    assert_eq!(share.unit_text.as_deref(), Some("1"));
    assert_eq!(share.values().expect("values")[20], 0.34);
}

#[test]
fn a_sheet_with_a_far_away_cell_costs_only_its_cells() {
    // A value in the last cell of a sheet (XFD1048576) makes its used range 17 billion
    // cells; read as a dense range it aborted the process. It lies outside the header's
    // columns, so it is not part of the table.
    use rust_xlsxwriter::Workbook;
    let dir = temp_dir("far-cell");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "year").expect("write");
    ws.write_string(0, 1, "population").expect("write");
    ws.write_number(1, 0, 2020.0).expect("write");
    ws.write_number(1, 1, 100000.0).expect("write");
    ws.write_number(1_048_575, 16_383, 1.0).expect("write");
    std::fs::write(dir.join("far.xlsx"), wb.save_to_buffer().expect("workbook")).expect("write");
    write(dir.as_path(), "long.csv", LONG_CSV);
    write(
        &dir,
        "model.yaml",
        &model_text(
            "{ unit: person, from: far.xlsx, column: population }",
            HH_INLINE,
            INT_INLINE,
            GRID_INLINE,
            CEMENT_INLINE,
        ),
    );
    let m = load(&dir.join("model.yaml"));
    assert_eq!(series(&m)[0].1.values().expect("values"), [100000.0; 11]);
}

#[test]
fn a_table_over_the_cell_limit_is_an_error() {
    // 1000 columns × 1001 records = 1,001,000 fields > MAX_TABLE_CELLS (1,000,000).
    let dir = temp_dir("cells");
    let mut text = String::from("year");
    for j in 1..1000 {
        text.push_str(&format!(",c{j}"));
    }
    text.push('\n');
    for y in 0..1000 {
        text.push_str(&format!("{}", 1900 + y % 300));
        text.push_str(&",1".repeat(999));
        text.push('\n');
    }
    write(&dir, "big.csv", &text);
    write(
        &dir,
        "model.yaml",
        &model_text(
            "{ unit: person, from: big.csv, column: c1 }",
            HH_INLINE,
            INT_INLINE,
            GRID_INLINE,
            CEMENT_INLINE,
        ),
    );
    let err = load_err(&dir.join("model.yaml"));
    assert!(
        err.contains("cannot read `big.csv`: the table has more than 1000000 cells"),
        "{err}"
    );
    assert_eq!(lcs_model::MAX_TABLE_CELLS, 1_000_000);
}

#[test]
fn mistakes_in_the_form_are_named_at_their_key() {
    let dir = temp_dir("forms");
    write(&dir, "wide.csv", WIDE_CSV);
    write(&dir, "long.csv", LONG_CSV);
    write(&dir, "stats.ods", "not read");
    let cases: [(&str, &[&str]); 7] = [
        (
            "{ unit: person/household, from: stats.ods, column: household_size }",
            &["cannot read `stats.ods`: `.ods` is not a data file format lcs reads", "key: `drivers.household_size.from`"],
        ),
        (
            "{ unit: person/household, from: /etc/wide.csv, column: household_size }",
            &["`/etc/wide.csv` is an absolute path", "key: `drivers.household_size.from`"],
        ),
        (
            "{ unit: person/household, from: wide.csv, sheet: data, column: household_size }",
            &["`wide.csv` is a CSV file: it has no sheets", "key: `drivers.household_size.sheet`"],
        ),
        (
            "{ unit: person/household, from: wide.csv, column: household_size, item: household_size }",
            &["a series has both `column` and `item`", "key: `drivers.household_size.item`"],
        ),
        (
            "{ unit: person/household, from: wide.csv }",
            &["a series read from a data file needs `column` or `item`", "key: `drivers.household_size.column`"],
        ),
        (
            "{ unit: person/household, from: wide.csv, column: household_size, points: { 2020: 4 } }",
            &["cannot also be written inline", "found: `from` and `points`"],
        ),
        (
            "{ unit: person/household, from: wide.csv, column: household_size, interp: cubic }",
            &["unknown interpolation `cubic`", "key: `drivers.household_size.interp`"],
        ),
    ];
    for (hh, wants) in cases {
        write(
            &dir,
            "model.yaml",
            &model_text(POP_INLINE, hh, INT_INLINE, GRID_INLINE, CEMENT_INLINE),
        );
        let err = load_err(&dir.join("model.yaml"));
        for w in wants {
            assert!(err.contains(w), "{hh}: `{w}` not in\n{err}");
        }
    }
    // A long table needs `item`, `value` and `year` columns.
    write(
        &dir,
        "model.yaml",
        &model_text(
            "{ unit: person, from: wide.csv, item: population }",
            HH_INLINE,
            INT_INLINE,
            GRID_INLINE,
            CEMENT_INLINE,
        ),
    );
    let err = load_err(&dir.join("model.yaml"));
    assert!(
        err.contains("wide.csv` has no `item` or `value` column"),
        "{err}"
    );
    assert!(err.contains("key: `drivers.population.from`"), "{err}");
    // A wide table needs a `year` column.
    write(
        &dir,
        "model.yaml",
        &model_text(
            "{ unit: person, from: long.csv, column: value }",
            HH_INLINE,
            INT_INLINE,
            GRID_INLINE,
            CEMENT_INLINE,
        ),
    );
    let err = load_err(&dir.join("model.yaml"));
    // long.csv has a `year` column, but a `2020-2030` in it: the wide form wants a year in
    // every row with a value.
    assert!(err.contains("`2020-2030` is not a year"), "{err}");
}
