//! `lcs explain` (docs/EXPLAIN.md): the explained value is the results row, sums add up,
//! products of the leaf terms hold, measures and data-file rows are shown, the JSON shape,
//! and text goldens (`tests/golden/explain/`, refreshed with `UPDATE_EXPECT=1`).

use lcs_engine::{compile, rows, run_all, ExplainError, Explainer, Node, NodeKind};
use lcs_model::Loader;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tiny(file: &str) -> PathBuf {
    root().join("tests/cases/tiny").join(file)
}

/// Every `sum` node whose children are shown: the children add up to the value (relative
/// 1e-9: the engine adds the same terms in another order).
fn check_sums(n: &Node, what: &str, failures: &mut Vec<String>) {
    if n.kind == NodeKind::Sum && !n.truncated && !n.children.is_empty() {
        let s: f64 = n.children.iter().map(|c| c.value).sum();
        if (s - n.value).abs() > 1e-9 * n.value.abs().max(1.0) {
            failures.push(format!(
                "{what}: `{}` = {} but its children sum to {s}",
                n.label, n.value
            ));
        }
    }
    // The leaf terms: E(n,f) = A × I × M × F / 1000 and FE(n,f) = A × I × M / 1000.
    if n.kind == NodeKind::Product
        && (n.label.starts_with("E(") || n.label.starts_with("FE("))
        && !n.truncated
    {
        let p: f64 = n.children.iter().map(|c| c.value).product::<f64>() * 1e-3;
        if (p - n.value).abs() > 1e-9 * n.value.abs().max(1e-12) {
            failures.push(format!(
                "{what}: `{}` = {} but the product of its factors is {p}",
                n.label, n.value
            ));
        }
    }
    for c in &n.children {
        check_sums(c, what, failures);
    }
}

#[test]
fn every_variable_of_tiny_in_two_years_equals_its_results_row() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in ["bau.yaml", "cm.yaml"] {
        let mut loader = Loader::new();
        let s = loader.load_scenario(&tiny(file)).expect("tiny loads");
        let c = compile(&s).expect("compiles");
        let ws = run_all(&c).expect("runs");
        let ex = Explainer::new(&s, &c).expect("explainer");
        for row in rows(&c, &ws) {
            for year in [2025, 2030] {
                let y = (year - 2020) as usize;
                let what = format!("{file} {} {year}", row.variable);
                match (ex.explain(&row.variable, year, None), row.values[y]) {
                    (Ok(e), Some(v)) => {
                        checked += 1;
                        if (e.root.value - v).abs() > 1e-12 * v.abs().max(1.0) {
                            failures.push(format!(
                                "{what}: explained {} but results {v}",
                                e.root.value
                            ));
                        }
                        check_sums(&e.root, &what, &mut failures);
                        if let Some(ch) = &e.change {
                            // The actions' parts add up to the change against the reference.
                            let total: f64 = ch.by_action.iter().map(|(_, d)| d).sum();
                            let change = ch.change.expect("defined");
                            if (total - change).abs() > 1e-9 * change.abs().max(1.0) {
                                failures.push(format!("{what}: parts {total} vs change {change}"));
                            }
                        }
                    }
                    (Err(ExplainError::Undefined { .. }), None) => {}
                    (r, v) => failures.push(format!("{what}: {r:?} for results value {v:?}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // bau and cm each have over 60 rows; two years each.
    assert!(checked > 200, "only {checked} values checked");
}

#[test]
fn iskandar_source_sectors_with_banks_and_land_classes_add_up() {
    // Refrigerant banks and land classes (docs/EXTENSIONS.md) are stock models, not A × EF:
    // their terms are the bank's and the class's emissions, and the sector rows add up.
    let mut loader = Loader::new();
    let s = loader
        .load_scenario(&root().join("scenarios/iskandar/cm-2025.yaml"))
        .expect("loads");
    let c = compile(&s).expect("compiles");
    let ws = run_all(&c).expect("runs");
    let ex = Explainer::new(&s, &c).expect("explainer");
    let r = rows(&c, &ws);
    let mut failures = Vec::new();
    for var in ["Emissions|CO2e|ippu", "Emissions|CO2e|afolu"] {
        for year in [2005, 2025, 2050] {
            let y = (year - 2005) as usize;
            let v = r.iter().find(|x| x.variable == var).unwrap().values[y].unwrap();
            let e = ex.explain(var, year, None).expect("explained");
            let what = format!("{var} {year}");
            assert!(
                (e.root.value - v).abs() <= 1e-9 * v.abs().max(1.0),
                "{what}"
            );
            check_sums(&e.root, &what, &mut failures);
            assert!(e.root.children.len() >= 2, "{what}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn find<'a>(n: &'a Node, label: &str) -> Option<&'a Node> {
    if n.label == label {
        return Some(n);
    }
    n.children.iter().find_map(|c| find(c, label))
}

#[test]
fn hand_computed_leaf_energy_and_measures() {
    let mut loader = Loader::new();
    let s = loader.load_scenario(&tiny("cm.yaml")).expect("tiny loads");
    let c = compile(&s).expect("compiles");
    let ex = Explainer::new(&s, &c).expect("explainer");
    // In 2020 no measure has started: FE(car, gasoline) = A × share × I × M
    // = 100000 person × 8000 pkm/person × 0.75 × 1.8 MJ/pkm × 0.9 = 972000 GJ = 972 TJ.
    let e = ex
        .explain("Final Energy|transport|gasoline", 2020, None)
        .expect("explains");
    let car = find(&e.root, "FE(transport/car, gasoline)").expect("car term");
    assert!((car.value - 972.0).abs() < 1e-9, "{}", car.value);
    // In 2030 the scenario's shift T1 moves car share and the scale V1 lowers the car
    // intensity: both are listed on the inputs with their value before and after.
    let e = ex
        .explain("Final Energy|transport|gasoline", 2030, None)
        .expect("explains");
    let share = find(&e.root, "demand.transport/car.share").expect("car share");
    assert_eq!(share.measures.len(), 1, "{share:?}");
    let m = &share.measures[0];
    assert_eq!((m.action.as_str(), m.lever), ("T1", "shift"));
    assert_eq!(m.before, 0.75);
    assert!(m.after < 0.75 && (m.after - share.value).abs() < 1e-15);
    let i = find(&e.root, "I(transport/car)").expect("car intensity");
    assert_eq!(i.measures[0].lever, "scale");
    assert!(i.defined_at.is_some());
    // The depth limit cuts the tree and says so.
    let e = ex
        .explain("Emissions|CO2e", 2030, Some(1))
        .expect("explains");
    assert!(e
        .root
        .children
        .iter()
        .all(|c| c.children.is_empty() && c.truncated));
    // An unknown variable names the nearest ones; a year outside the model is refused.
    match ex.explain("Emissions|CO2e|transprt", 2030, None) {
        Err(ExplainError::UnknownVariable { suggestions, .. }) => {
            assert_eq!(suggestions[0], "Emissions|CO2e|transport")
        }
        r => panic!("{r:?}"),
    }
    assert!(matches!(
        ex.explain("Emissions|CO2e", 2031, None),
        Err(ExplainError::YearOutside {
            first: 2020,
            last: 2030,
            ..
        })
    ));
}

fn lcs(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lcs"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run lcs")
}

#[test]
fn data_file_rows_and_their_source_are_shown() {
    let dir = std::env::temp_dir().join(format!("lcs-explain-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let model = std::fs::read_to_string(tiny("model.yaml"))
        .expect("model")
        .replace(
            "population: { unit: person, base: 100000, growth: 0.02 }",
            "population: { unit: person, from: town.csv, column: population, interp: linear }",
        );
    std::fs::write(dir.join("model.yaml"), model).expect("write");
    std::fs::write(
        dir.join("town.csv"),
        "year,population,source,status\n2020,100000,\"Census 2020, table 3\",SOURCED\n2030,120000,projection,ASSUMPTION\n",
    )
    .expect("write");
    std::fs::write(dir.join("bau.yaml"), "scenario: bau\nmodel: model.yaml\n").expect("write");
    let o = lcs(
        &dir,
        &[
            "explain",
            "bau.yaml",
            "Drivers|population",
            "2025",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    // Linear between the 2020 and 2030 rows: 100000 + 0.5 × 20000 = 110000.
    assert_eq!(doc["value"], 110000.0);
    let data = doc["tree"]["data"].as_array().expect("data rows");
    assert_eq!(data.len(), 2, "{data:?}");
    assert_eq!(data[0]["row"], 2);
    assert_eq!(data[0]["cell"], "B2");
    assert_eq!(data[0]["source"], "Census 2020, table 3");
    assert_eq!(data[0]["status"], "SOURCED");
    assert_eq!(data[1]["year"], 2030);
    assert_eq!(data[1]["status"], "ASSUMPTION");
    let text = lcs(&dir, &["explain", "bau.yaml", "Drivers|population", "2020"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(
            "town.csv row 2 (B2, year 2020) `100000` [SOURCED] source: Census 2020, table 3"
        ),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_document_shape() {
    let o = lcs(
        &tiny(""),
        &[
            "explain",
            "cm.yaml",
            "Emissions|CO2e|transport",
            "2030",
            "--format",
            "json",
            "--depth",
            "2",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["kind"], "explanation");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["variable"], "Emissions|CO2e|transport");
    assert_eq!(doc["year"], 2030);
    assert_eq!(doc["unit"], "kt CO2e/yr");
    let tree = &doc["tree"];
    assert_eq!(tree["value"], doc["value"]);
    assert_eq!(tree["kind"], "sum");
    for key in [
        "label",
        "variable",
        "path",
        "unit",
        "equation",
        "substituted",
        "defined_at",
        "data",
        "measures",
        "note",
        "truncated",
        "children",
    ] {
        assert!(tree.get(key).is_some(), "tree lacks `{key}`");
    }
    let kids = tree["children"].as_array().expect("children");
    assert_eq!(kids[0]["variable"], "Emissions|CO2e|transport|Direct");
    assert_eq!(kids[1]["variable"], "Emissions|CO2e|transport|Electricity");
    // Depth 2: the grandchildren are shown, their children are not.
    let grand = kids[0]["children"].as_array().expect("terms");
    assert!(!grand.is_empty());
    assert!(grand
        .iter()
        .all(|g| g["truncated"] == true && g["children"].as_array().unwrap().is_empty()));
    let ch = &doc["change"];
    assert_eq!(ch["method"], "sequential");
    let parts: f64 = ch["by_action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["change"].as_f64().unwrap())
        .sum();
    assert!((parts - ch["change"].as_f64().unwrap()).abs() < 1e-9);
}

#[test]
fn text_goldens() {
    let cases: &[(&str, &[&str])] = &[
        (
            "transport-2030",
            &[
                "explain",
                "cm.yaml",
                "Emissions|CO2e|transport",
                "2030",
                "--depth",
                "4",
            ],
        ),
        (
            "waste-generated-2025",
            &["explain", "cm.yaml", "Waste|Generated", "2025"],
        ),
        (
            "total-2030-depth-1",
            &[
                "explain",
                "cm.yaml",
                "Emissions|CO2e",
                "2030",
                "--depth",
                "1",
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (name, args) in cases {
        let o = lcs(&tiny(""), args);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let got = String::from_utf8(o.stdout).expect("utf-8");
        let path = root()
            .join("tests/golden/explain")
            .join(format!("{name}.txt"));
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).expect("dir");
            std::fs::write(&path, &got).expect("write golden");
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            failures.push(format!(
                "{name}: output differs from {}:\n{got}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn html_report_links_every_emissions_cell_to_its_explanation() {
    let out = std::env::temp_dir().join(format!("lcs-explain-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = lcs(
        &tiny(""),
        &[
            "report",
            "bau.yaml",
            "cm.yaml",
            "--out",
            out.to_str().unwrap(),
            "--format",
            "html",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(out.join("report.html")).expect("page");
    let links: Vec<&str> = page
        .match_indices("<a href=\"#x-")
        .map(|(i, _)| {
            let rest = &page[i + 10..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    // Every cell of the emissions table that has a value links to its explanation, and
    // each explanation is on the page once.
    assert!(!links.is_empty());
    for a in &links {
        assert!(
            page.contains(&format!("<details id=\"{a}\">")),
            "no explanation for {a}"
        );
    }
    let details = page.matches("<details id=\"x-").count();
    assert_eq!(details, links.len(), "one explanation per linked cell");
    // The explanation of the 2030 cm total starts with the value of the results row.
    let mut loader = Loader::new();
    let s = loader.load_scenario(&tiny("cm.yaml")).expect("tiny loads");
    let c = compile(&s).expect("compiles");
    let total = rows(&c, &run_all(&c).expect("runs"))[0].values[10].expect("2030");
    let head = format!(
        "Emissions|CO2e in 2030, scenario cm (region tiny): {} kt CO2e/yr",
        lcs_engine::explain::short(total)
    );
    assert!(page.contains(&head), "{head}");
    let _ = std::fs::remove_dir_all(&out);
}
