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

/// A scenario loaded, checked and compiled, for an `Explainer` or a run over it.
fn compiled(path: &Path) -> (lcs_model::Scenario, lcs_engine::Compiled) {
    let s = Loader::new().load_scenario(path).expect("loads");
    let c = compile(&s).expect("compiles");
    (s, c)
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
        let (s, c) = compiled(&tiny(file));
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

/// Every variable of `scenario` in `years`: the explained value is the results row (1e-12
/// relative) and sums and leaf products hold; returns the number of values checked.
fn check_every_variable(scenario: &Path, years: &[i32], failures: &mut Vec<String>) -> usize {
    let (s, c) = compiled(scenario);
    let ws = run_all(&c).expect("runs");
    let ex = Explainer::new(&s, &c).expect("explainer");
    let base = s.model.base_year;
    let mut checked = 0;
    for row in rows(&c, &ws) {
        for &year in years {
            let what = format!("{} {} {year}", s.id, row.variable);
            match (
                ex.explain(&row.variable, year, None),
                row.values[(year - base) as usize],
            ) {
                (Ok(e), Some(v)) => {
                    checked += 1;
                    if (e.root.value - v).abs() > 1e-12 * v.abs().max(1.0) {
                        failures.push(format!(
                            "{what}: explained {} but results {v}",
                            e.root.value
                        ));
                    }
                    check_sums(&e.root, &what, failures);
                }
                (Err(ExplainError::Undefined { .. }), None) => {}
                (r, v) => failures.push(format!("{what}: {r:?} for results value {v:?}")),
            }
        }
    }
    checked
}

#[test]
fn every_variable_of_iskandar_cm_2025_in_2005_and_2030_equals_its_results_row() {
    // The rebuilt Iskandar model: data-file inputs, folded driver expressions, wastewater,
    // refrigerant banks and land classes, measures of every kind.
    let mut failures = Vec::new();
    let checked = check_every_variable(
        &root().join("scenarios/iskandar/cm-2025.yaml"),
        &[2005, 2030],
        &mut failures,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 300, "only {checked} values checked");
}

/// Every node of a tree, depth first.
fn nodes(n: &Node) -> Vec<&Node> {
    let mut v = vec![n];
    for c in &n.children {
        v.extend(nodes(c));
    }
    v
}

#[test]
fn folded_slots_show_their_formula_and_operands_down_to_the_data_file() {
    // `households` is `population / household_size`, a driver expression that no action
    // reaches: fold.rs runs it once at compile time; the explanation still shows it.
    let (s, c) = compiled(&root().join("scenarios/iskandar/cm-2025.yaml"));
    let ex = Explainer::new(&s, &c).expect("explainer");
    let e = ex
        .explain("Drivers|households", 2005, None)
        .expect("explains");
    assert_eq!(e.root.kind, NodeKind::Formula, "{:?}", e.root);
    assert_eq!(
        e.root.equation.as_deref(),
        Some("drivers.households = population / household_size")
    );
    let labels: Vec<&str> = e.root.children.iter().map(|k| k.label.as_str()).collect();
    assert_eq!(labels, ["drivers.population", "drivers.household_size"]);
    // households = population / household_size, to the last digit of the run.
    let (p, h) = (e.root.children[0].value, e.root.children[1].value);
    assert!(
        (p / h - e.root.value).abs() <= 1e-9 * e.root.value,
        "{p} / {h}"
    );
    for k in &e.root.children {
        assert!(k.defined_at.is_some(), "{k:?}");
        let row = k.data.first().expect("a data-file row");
        assert!(
            row.file.ends_with("data/iskandar/socioeconomic.csv"),
            "{row:?}"
        );
        assert_eq!(row.year, 2005);
        assert!(row.source.is_some() && row.status.is_some(), "{row:?}");
    }
    let text = e.root.substituted.as_deref().expect("substituted");
    assert!(text.contains(" person) / ("), "{text}");
    // The data-quality inputs are the series no equation computes, folded or not: the two
    // drivers are inputs, the expression is not.
    let inputs: Vec<String> = lcs_engine::explain::inputs(&s, &c, 2005)
        .into_iter()
        .map(|i| i.path)
        .collect();
    assert!(
        inputs.iter().any(|p| p == "drivers.population"),
        "{inputs:?}"
    );
    assert!(
        inputs.iter().any(|p| p == "drivers.household_size"),
        "{inputs:?}"
    );
    assert!(
        !inputs.iter().any(|p| p == "drivers.households"),
        "{inputs:?}"
    );
    // In the tiny model the transport activity (population × 8000 pkm/person) and the
    // waste generation (population × per) are folded too.
    let (s, c) = compiled(&tiny("cm.yaml"));
    let ex = Explainer::new(&s, &c).expect("explainer");
    let e = ex
        .explain("Emissions|CO2e|transport", 2030, None)
        .expect("explains");
    let a = find(&e.root, "demand.transport.activity").expect("transport activity");
    assert_eq!(a.kind, NodeKind::Formula);
    assert_eq!(a.children.len(), 2);
    // 2030: population 100000 × 1.02^10 = 121899.4 person × 8000 km = 8e6 m per person.
    let p = 100_000.0 * 1.02f64.powi(10);
    assert!(
        (a.children[0].value - p).abs() < 1e-6,
        "{:?}",
        a.children[0]
    );
    assert!((a.children[1].value - 8e6).abs() < 1e-9);
    assert!((a.value - p * 8e6).abs() <= 1e-9 * a.value);
    assert!(a.children.iter().all(|k| k.defined_at.is_some()));
    let e = ex.explain("Waste|Generated", 2025, None).expect("explains");
    assert_eq!(e.root.children.len(), 2, "{:?}", e.root);
    assert!(e.root.children.iter().all(|k| k.defined_at.is_some()));
    // Every input of these trees has its place in a file, or is a slot that only measures
    // fill (the `generation` measures' total), and then lists them.
    for var in ["Emissions|CO2e", "Final Energy", "Waste|Landfill"] {
        let e = ex.explain(var, 2030, None).expect("explains");
        for n in nodes(&e.root) {
            if n.kind == NodeKind::Input && n.path.is_some() {
                assert!(
                    n.defined_at.is_some() || !n.measures.is_empty(),
                    "{var}: {} has no place",
                    n.label
                );
            }
        }
    }
}

#[test]
fn wastewater_rows_show_their_operands() {
    let (s, c) = compiled(&root().join("scenarios/iskandar/cm-2025.yaml"));
    let ex = Explainer::new(&s, &c).expect("explainer");
    // TOW = P × BOD × I with I = 1.048 (model.yaml): population and BOD are the children.
    let e = ex
        .explain("Wastewater|Domestic|Organics", 2005, None)
        .expect("explains");
    let k = &e.root.children;
    assert_eq!(k.len(), 2, "{:?}", e.root);
    let tow = k[0].value * k[1].value * 1.048;
    assert!(
        (tow - e.root.value).abs() <= 1e-9 * tow,
        "{tow} vs {}",
        e.root.value
    );
    // CH4 of domestic wastewater: the organics row, sludge, recovery and one share per
    // pathway, each with its MCF; the shares add up to 1.
    let e = ex
        .explain("Emissions|CH4|Waste|Wastewater|Domestic", 2005, None)
        .expect("explains");
    let labels: Vec<&str> = e.root.children.iter().map(|k| k.label.as_str()).collect();
    assert_eq!(labels[0], "Wastewater|Domestic|Organics");
    assert!(labels.contains(&"wastewater.domestic.sludge"), "{labels:?}");
    let shares: Vec<&Node> = e
        .root
        .children
        .iter()
        .filter(|k| k.label.contains(".pathways."))
        .collect();
    assert_eq!(shares.len(), 5, "{labels:?}");
    assert!(shares
        .iter()
        .all(|k| k.note.as_deref().is_some_and(|t| t.starts_with("MCF "))));
    let sum: f64 = shares.iter().map(|k| k.value).sum();
    assert!((sum - 1.0).abs() < 1e-9, "{sum}");
    // POME: TOW = production × 0.65 m3/t × 0.05 t COD/m3 (50 kg/m3).
    let e = ex
        .explain("Wastewater|Industrial|palm_oil|Organics", 2005, None)
        .expect("explains");
    let k = &e.root.children;
    assert_eq!(k.len(), 3, "{:?}", e.root);
    assert!((k[1].value - 0.65).abs() < 1e-12 && (k[2].value - 0.05).abs() < 1e-12);
    let tow = k[0].value * 0.65 * 0.05;
    assert!((tow - e.root.value).abs() <= 1e-9 * tow);
    assert!(
        !k[0].data.is_empty(),
        "production from wastewater.csv: {:?}",
        k[0]
    );
    let e = ex
        .explain(
            "Emissions|CH4|Waste|Wastewater|Industrial|palm_oil",
            2005,
            None,
        )
        .expect("explains");
    assert_eq!(
        e.root.children[0].label,
        "Wastewater|Industrial|palm_oil|Organics"
    );
    // CH4 = TOW × (1 − 0) × 0.25 × 0.8 × (1 − 0) / 1000 kt.
    let ch4 = e.root.children[0].value * 0.25 * 0.8 * 1e-3;
    assert!(
        (ch4 - e.root.value).abs() <= 1e-9 * ch4,
        "{ch4} vs {}",
        e.root.value
    );
}

#[test]
fn switch_measures_list_each_step_before_and_after() {
    // netzero-2050 switches fuels with `switch` measures (docs/EXTENSIONS.md): every fuel
    // share they change lists each measure with the effective share before and after it, in
    // order; the values chain, start at the series and end at the node's value.
    let (s, c) = compiled(&root().join("scenarios/iskandar/netzero-2050.yaml"));
    let ex = Explainer::new(&s, &c).expect("explainer");
    let mut seen = 0;
    for var in ["Final Energy", "Emissions|CO2e"] {
        let e = ex.explain(var, 2050, None).expect("explains");
        for n in nodes(&e.root) {
            let energy: Vec<_> = n
                .measures
                .iter()
                .filter(|m| matches!(m.lever, "save" | "switch" | "use"))
                .collect();
            if energy.is_empty() {
                continue;
            }
            seen += 1;
            for w in energy.windows(2) {
                assert_eq!(w[0].after, w[1].before, "{}: {energy:?}", n.label);
            }
            let last = energy.last().unwrap();
            assert!(
                (last.after - n.value).abs() <= 1e-12 * n.value.abs().max(1.0),
                "{}: {} vs {}",
                n.label,
                last.after,
                n.value
            );
            assert!(energy.iter().all(|m| m.before != m.after));
        }
    }
    assert!(seen > 0, "no node lists a save, switch or use measure");
}

#[test]
fn iskandar_source_sectors_with_banks_and_land_classes_add_up() {
    // Refrigerant banks and land classes (docs/EXTENSIONS.md) are stock models, not A × EF:
    // their terms are the bank's and the class's emissions, and the sector rows add up.
    let (s, c) = compiled(&root().join("scenarios/iskandar/cm-2025.yaml"));
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
    let (s, c) = compiled(&tiny("cm.yaml"));
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
    // Found by the held-out review: with `interp: step` the 2025 value is the 2020 row's
    // (100000, not 110000), and the 2030 row, which does not shape it, is not named.
    let model = std::fs::read_to_string(dir.join("model.yaml"))
        .expect("model")
        .replace(
            "column: population, interp: linear",
            "column: population, interp: step",
        );
    std::fs::write(dir.join("model.yaml"), model).expect("write");
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
    assert_eq!(doc["value"], 100000.0);
    let data = doc["tree"]["data"].as_array().expect("data rows");
    assert_eq!(data.len(), 1, "{data:?}");
    assert_eq!(data[0]["year"], 2020);
    assert_eq!(data[0]["status"], "SOURCED");
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
    assert!(doc["value"].is_f64(), "{doc}");
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
    // Iskandar: a folded driver expression down to its data-file rows, and the operands of
    // palm-oil mill effluent methane.
    let iskandar: &[(&str, &[&str])] = &[
        (
            "iskandar-households-2005",
            &["explain", "cm-2025.yaml", "Drivers|households", "2005"],
        ),
        (
            "iskandar-pome-ch4-2025",
            &[
                "explain",
                "cm-2025.yaml",
                "Emissions|CH4|Waste|Wastewater|Industrial|palm_oil",
                "2025",
            ],
        ),
    ];
    let runs = cases.iter().map(|c| (tiny(""), c)).chain(
        iskandar
            .iter()
            .map(|c| (root().join("scenarios/iskandar"), c)),
    );
    let mut failures = Vec::new();
    for (dir, (name, args)) in runs {
        let o = lcs(&dir, args);
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

/// The `<td class="n">` cells of table `name` on a report page, row by row.
fn numeric_cells<'p>(page: &'p str, name: &str) -> Vec<Vec<&'p str>> {
    let open = format!("<table class=\"{name}\">");
    let Some(start) = page.find(&open) else {
        return Vec::new();
    };
    let body = &page[start..];
    let body = &body[..body.find("</table>").unwrap()];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<td class=\"n\">")
                .skip(1)
                .map(|c| &c[..c.find("</td>").unwrap()])
                .collect()
        })
        .collect()
}

#[test]
fn html_report_links_every_number_of_the_main_tables_to_its_explanation() {
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
    let distinct: std::collections::BTreeSet<&&str> = links.iter().collect();
    assert_eq!(details, distinct.len(), "one explanation per linked value");
    // Every number of the emissions, pathways, final energy, electricity and waste tables
    // links to its explanation (the pathways' first column is the year).
    for (name, skip) in [
        ("emissions", 0),
        ("pathways", 1),
        ("final_energy", 0),
        ("electricity", 0),
        ("waste", 0),
    ] {
        let cells = numeric_cells(&page, name);
        assert!(!cells.is_empty(), "no table `{name}`");
        for (r, row) in cells.iter().enumerate() {
            for (k, cell) in row.iter().enumerate().skip(skip) {
                assert!(
                    cell.is_empty() || cell.starts_with("<a href=\"#x-"),
                    "{name} row {r} cell {k} is not linked: {cell}"
                );
            }
        }
    }
    // The comparison links the emissions, the reference and the difference rows and the
    // intensities; its percentages are ratios of linked cells. The targets link their value.
    let linked = |name: &str| {
        numeric_cells(&page, name)
            .iter()
            .flatten()
            .filter(|c| c.starts_with("<a href=\"#x-"))
            .count()
    };
    assert!(
        linked("comparison") >= 4,
        "comparison: {}",
        linked("comparison")
    );
    // cm's two targets in 2030 (intensity per GDP, emissions vs reference).
    assert_eq!(linked("targets"), 2);
    assert!(page.contains("href=\"#x-tiny-cm-2030-emissions-intensity-gdp\""));
    // The explanation of the 2030 cm total starts with the value of the results row.
    let (_, c) = compiled(&tiny("cm.yaml"));
    let total = rows(&c, &run_all(&c).expect("runs"))[0].values[10].expect("2030");
    let head = format!(
        "Emissions|CO2e in 2030, scenario cm (region tiny): {} kt CO2e/yr",
        lcs_engine::explain::short(total)
    );
    assert!(page.contains(&head), "{head}");
    let _ = std::fs::remove_dir_all(&out);
}
