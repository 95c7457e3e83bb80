//! LMDI identities on small models whose results are computed by hand in the comments, and
//! on the bundled Iskandar scenarios: effects sum to the change; a pure activity change gives
//! only an activity effect; a pure fuel switch only a fuel-mix effect; a cleaner grid only a
//! grid-factor effect; a branch that appears only a structure effect; structures that differ
//! are errors naming the unmatched nodes unless mapped.

use lcs_decompose::{decompose, kaya, DecomposeError, Decomposition, Effect, Kaya, Options, Point};
use lcs_engine::{breakdown, compile, run_all, Breakdown};
use lcs_model::Loader;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static N: AtomicUsize = AtomicUsize::new(0);

/// Writes the files to a fresh folder, loads `entry` and returns its breakdown.
fn run_files(files: &[(&str, &str)], entry: &str) -> Breakdown {
    let dir = std::env::temp_dir().join(format!(
        "lcs-decompose-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
    let b = run_path(&dir.join(entry));
    let _ = std::fs::remove_dir_all(&dir);
    b
}

fn run_path(path: &Path) -> Breakdown {
    let mut loader = Loader::new();
    let s = match loader.load_scenario(path) {
        Ok(s) => s,
        Err(d) => panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)),
    };
    let c = compile(&s).expect("compile");
    let ws = run_all(&c).expect("run");
    breakdown(&s, &c, &ws)
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(p)
}

fn point(b: &Breakdown, year: i32) -> Point<'_> {
    Point { breakdown: b, year }
}

/// Every sector's effects sum to its change, the sector rows to the Total rows, and the
/// change to the engine's totals; tolerance 1e-9 relative to the emissions.
fn assert_identities(d: &Decomposition, a: &Breakdown, ya: i32, b: &Breakdown, yb: i32) {
    let scale = d
        .sectors
        .iter()
        .map(|s| s.start_kt.abs().max(s.end_kt.abs()))
        .fold(1.0, f64::max);
    let tol = 1e-9 * scale;
    for s in &d.sectors {
        let sum: f64 = s.effects_kt.iter().sum();
        assert!(
            (sum - s.change_kt()).abs() <= tol,
            "{}: effects {sum} vs change {}",
            s.sector,
            s.change_kt()
        );
    }
    let t = d.total();
    let sum: f64 = t.effects_kt.iter().sum();
    assert!((sum - t.change_kt()).abs() <= tol);
    let ia = a.years.iter().position(|y| *y == ya).unwrap();
    let ib = b.years.iter().position(|y| *y == yb).unwrap();
    assert!((t.start_kt - a.total_co2e_t[ia] * 1e-3).abs() <= tol);
    assert!((t.end_kt - b.total_co2e_t[ib] * 1e-3).abs() <= tol);
    // The rows: each effect's sector rows sum to its Total row.
    let rows = d.rows();
    for e in Effect::ALL.iter().map(|e| e.id()).chain(["change"]) {
        let of: Vec<_> = rows.iter().filter(|r| r.effect == e).collect();
        let total = of.iter().find(|r| r.sector == "Total").unwrap().value_kt;
        let sum: f64 = of
            .iter()
            .filter(|r| r.sector != "Total")
            .map(|r| r.value_kt)
            .sum();
        assert!((sum - total).abs() <= tol, "{e}: {sum} vs {total}");
    }
}

const MODEL: &str = r#"
region: { id: r, name: R }
years: { base: 2020, end: 2030 }
gwp: AR5
drivers:
  households: { unit: household, points: { 2020: 25000, 2030: HH2030 } }
demand:
  residential:
    category: residential
    activity: households
    intensity: "20 GJ/household"
    fuels: { electricity: 0.8, lpg: 0.2 }
electricity: { grid_factor: { unit: t CO2/MWh, points: { 2020: 0.7, 2030: GF2030 } } }
"#;

fn model(hh2030: &str, gf2030: &str) -> String {
    MODEL.replace("HH2030", hh2030).replace("GF2030", gf2030)
}

const BAU: &str = "scenario: bau\nmodel: model.yaml\n";

/// LPG, residential, AR5: 63 100 + 28 × 5 + 265 × 0.1 = 63 266.5 kg CO2e per TJ
/// = 0.0632665 t/GJ. Electricity with no losses: 0.7 t/MWh = 0.7 / 3.6 t/GJ.
const LPG: f64 = 0.0632665;

#[test]
fn a_pure_activity_change_gives_only_an_activity_effect() {
    // Households 25 000 → 30 000, nothing else moves. Per household: 20 GJ × (0.2 × LPG +
    // 0.8 × 0.7/3.6) = 20 × 0.16820886 = 3.3641772 t. C(2020) = 84.10443 kt; C(2030) =
    // 100.92532 kt; the activity effect is the whole change, 16.82089 kt.
    let b = run_files(
        &[
            ("model.yaml", &model("30000", "0.7")),
            ("scenario.yaml", BAU),
        ],
        "scenario.yaml",
    );
    let d = decompose(point(&b, 2020), point(&b, 2030), &Options::default()).unwrap();
    assert_identities(&d, &b, 2020, &b, 2030);
    let per_hh = 20.0 * (0.2 * LPG + 0.8 * 0.7 / 3.6);
    let t = d.total();
    assert!((t.start_kt - 25.0 * per_hh).abs() < 1e-9);
    assert!((t.effect(Effect::Activity) - 5.0 * per_hh).abs() < 1e-9);
    assert!((t.effect(Effect::Activity) - 16.82089).abs() < 1e-5);
    // The grid factor per GJ used, EE / D, is the same in both years up to rounding.
    for e in Effect::ALL.into_iter().filter(|e| *e != Effect::Activity) {
        assert!(t.effect(e).abs() < 1e-12, "{e:?}");
    }
}

#[test]
fn a_pure_fuel_switch_gives_only_a_fuel_mix_effect() {
    // In 2030, cm moves 0.1 of final energy from LPG to electricity (500 000 GJ in both):
    // LPG term 500 000 × 0.2 × LPG = 6.32665 kt → 3.163325 kt (−3.163325);
    // electricity 500 000 × 0.8 × 0.7/3.6 = 77.77778 kt → 87.5 kt (+9.722222);
    // fuel-mix effect 6.558897 kt, every other effect 0.
    let cm = "scenario: cm\nmodel: model.yaml\nactions:\n  - id: F\n    measures:\n      - { id: F1, lever: shift, target: demand.residential.fuels, from: [lpg], to: [electricity], amount: 0.1, start: 2021, full: 2030 }\n";
    let m = model("25000", "0.7");
    let bau = run_files(
        &[("model.yaml", &m), ("scenario.yaml", BAU)],
        "scenario.yaml",
    );
    let cm = run_files(
        &[("model.yaml", &m), ("scenario.yaml", cm)],
        "scenario.yaml",
    );
    let d = decompose(point(&bau, 2030), point(&cm, 2030), &Options::default()).unwrap();
    assert_identities(&d, &bau, 2030, &cm, 2030);
    let t = d.total();
    let want = 500_000.0 * 0.1 * (0.7 / 3.6 - LPG) * 1e-3;
    assert!((t.effect(Effect::FuelMix) - want).abs() < 1e-9);
    assert!((want - 6.558897).abs() < 1e-6);
    for e in Effect::ALL.into_iter().filter(|e| *e != Effect::FuelMix) {
        assert_eq!(t.effect(e), 0.0, "{e:?}");
    }
}

#[test]
fn a_cleaner_grid_gives_only_a_grid_factor_effect() {
    // 0.7 → 0.5 t CO2/MWh on 400 000 GJ of electricity: 77.77778 → 55.55556 kt.
    let b = run_files(
        &[
            ("model.yaml", &model("25000", "0.5")),
            ("scenario.yaml", BAU),
        ],
        "scenario.yaml",
    );
    let d = decompose(point(&b, 2020), point(&b, 2030), &Options::default()).unwrap();
    assert_identities(&d, &b, 2020, &b, 2030);
    let t = d.total();
    assert!((t.effect(Effect::GridFactor) + 400_000.0 * 0.2 / 3.6 * 1e-3).abs() < 1e-9);
    assert_eq!(t.effect(Effect::EmissionFactor), 0.0);
    assert_eq!(t.effect(Effect::Activity), 0.0);
}

#[test]
fn a_branch_that_appears_is_a_structure_effect() {
    // Cars 10 000 pkm/person × 1000 persons; ev share 0 → 0.5 by 2030 (shift from ice).
    // ice 1.8 MJ/pkm gasoline; ev 0.5 MJ/pkm electricity at 0.36 t/MWh (0.1 t/GJ).
    // The ev term appears: its 0 structure share carries its whole 2030 emissions,
    // 5e6 pkm × 0.5 MJ × 0.1 t/GJ = 250 t; the ice term loses half by structure.
    let m = r#"
region: { id: r, name: R }
years: { base: 2020, end: 2030 }
gwp: AR5
drivers:
  population: { unit: person, value: 1000 }
demand:
  car:
    category: road
    activity: { driver: population, per: "10000 pkm/person" }
    children:
      ice: { share: 1.0, intensity: "1.8 MJ/pkm", fuels: { gasoline: 1.0 } }
      ev: { share: 0.0, intensity: "0.5 MJ/pkm", fuels: { electricity: 1.0 } }
electricity: { grid_factor: "0.36 t CO2/MWh" }
"#;
    let cm = "scenario: cm\nmodel: model.yaml\nactions:\n  - id: E\n    measures:\n      - { id: E1, lever: shift, target: demand.car, from: [ice], to: [ev], amount: 0.5, start: 2021, full: 2030 }\n";
    let bau = run_files(
        &[("model.yaml", m), ("scenario.yaml", BAU)],
        "scenario.yaml",
    );
    let cmb = run_files(&[("model.yaml", m), ("scenario.yaml", cm)], "scenario.yaml");
    let d = decompose(point(&bau, 2030), point(&cmb, 2030), &Options::default()).unwrap();
    assert_identities(&d, &bau, 2030, &cmb, 2030);
    let t = d.total();
    // Gasoline road: 69 300 + 28 × 33 + 265 × 3.2 = 71 072 kg/TJ; ice 1e7 pkm × 1.8 MJ =
    // 18 000 GJ → 1279.296 t, halved: −639.648 t; ev +250 t. Structure −389.648 t.
    assert!(
        (t.effect(Effect::Structure) - (250.0 - 639.648) * 1e-3).abs() < 1e-9,
        "{t:?}"
    );
    for e in Effect::ALL.into_iter().filter(|e| *e != Effect::Structure) {
        assert_eq!(t.effect(e), 0.0, "{e:?}");
    }
}

#[test]
fn iskandar_bau_2005_2025_and_bau_cm_2025_sum_to_the_change() {
    let bau = run_path(&repo("scenarios/iskandar/bau.yaml"));
    let cm = run_path(&repo("scenarios/iskandar/cm-2025.yaml"));
    let d = decompose(point(&bau, 2005), point(&bau, 2025), &Options::default()).unwrap();
    assert_identities(&d, &bau, 2005, &bau, 2025);
    // Growth dominates the BaU: activity is the largest effect and positive.
    let t = d.total();
    assert!(t.effect(Effect::Activity) > 0.5 * t.change_kt());
    let d = decompose(point(&bau, 2025), point(&cm, 2025), &Options::default()).unwrap();
    assert_identities(&d, &bau, 2025, &cm, 2025);
    // Same drivers in 2025: a CM effect on activity comes only from measures on activity
    // (pkm, waste), never from the common drivers.
    assert!(d.total().change_kt() < 0.0);
    // Time reversal: the reverse decomposition is the exact negative.
    let r = decompose(point(&cm, 2025), point(&bau, 2025), &Options::default()).unwrap();
    for (x, y) in d.total().effects_kt.iter().zip(r.total().effects_kt.iter()) {
        assert!((x + y).abs() < 1e-9 * 25_000.0);
    }
}

#[test]
fn different_structures_are_an_error_naming_the_unmatched_nodes() {
    let a = r#"
region: { id: a, name: A }
years: { base: 2020, end: 2021 }
gwp: AR5
drivers: { va: { unit: MYR million, value: 100 } }
demand:
  industry:
    category: manufacturing
    activity: va
    children:
      steel: { share: 0.5, intensity: "2 TJ/MYR million", fuels: { coal: 1.0 } }
      other: { share: 0.5, intensity: "1 TJ/MYR million", fuels: { natural_gas: 1.0 } }
"#;
    let b = r#"
region: { id: b, name: B }
years: { base: 2020, end: 2021 }
gwp: AR5
drivers: { va: { unit: MYR million, value: 120 } }
demand:
  industry:
    category: manufacturing
    activity: va
    intensity: "1.4 TJ/MYR million"
    fuels: { coal: 0.4, natural_gas: 0.6 }
"#;
    let ba = run_files(
        &[("model.yaml", a), ("scenario.yaml", BAU)],
        "scenario.yaml",
    );
    let bb = run_files(
        &[("model.yaml", b), ("scenario.yaml", BAU)],
        "scenario.yaml",
    );
    let e = decompose(point(&ba, 2020), point(&bb, 2020), &Options::default()).unwrap_err();
    assert_eq!(
        e,
        DecomposeError::Unmatched {
            only_a: vec![
                "demand.industry/steel".into(),
                "demand.industry/other".into()
            ],
            only_b: vec!["demand.industry".into()],
        }
    );
    assert!(e.to_string().contains("`demand.industry/steel`"));
    // Mapped: A's branch aggregates into B's leaf, and the identities hold.
    let opts = Options {
        maps: vec![("demand.industry".into(), "demand.industry".into())],
        ..Options::default()
    };
    let d = decompose(point(&ba, 2020), point(&bb, 2020), &opts).unwrap();
    assert_identities(&d, &ba, 2020, &bb, 2020);
    // A: 100 × (0.5 × 2 + 0.5 × 1) = 150 TJ; B: 120 × 1.4 = 168 TJ; energy per VA 1.5 → 1.4.
    let t = d.total();
    assert!(t.effect(Effect::Activity) > 0.0 && t.effect(Effect::Intensity) < 0.0);
    // A path that names nothing: the nearest paths of that model.
    let opts = Options {
        maps: vec![("demand.industry/stel".into(), "demand.industry".into())],
        ..Options::default()
    };
    match decompose(point(&ba, 2020), point(&bb, 2020), &opts).unwrap_err() {
        DecomposeError::UnknownMappedPath { path, nearest, .. } => {
            assert_eq!(path, "demand.industry/stel");
            assert_eq!(nearest[0], "demand.industry/steel");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn activities_in_different_currencies_need_a_conversion() {
    let m = |cur: &str, v: &str| {
        format!(
            "region: {{ id: r{cur}, name: R }}\nyears: {{ base: 2020, end: 2021 }}\ngwp: AR5\ndrivers: {{ va: {{ unit: {cur} million, value: {v} }} }}\ndemand:\n  industry: {{ category: manufacturing, activity: va, intensity: \"1 TJ/{cur} million\", fuels: {{ natural_gas: 1.0 }} }}\n"
        )
    };
    let a = run_files(
        &[("model.yaml", &m("MYR", "400")), ("scenario.yaml", BAU)],
        "scenario.yaml",
    );
    let b = run_files(
        &[("model.yaml", &m("JPY", "11000")), ("scenario.yaml", BAU)],
        "scenario.yaml",
    );
    let e = decompose(point(&a, 2020), point(&b, 2020), &Options::default()).unwrap_err();
    assert!(
        matches!(e, DecomposeError::CurrencyNotConverted { ref currency, .. } if currency == "MYR")
    );
    assert!(e.to_string().contains("`MYR`") && e.to_string().contains("`JPY`"));
    // At 4 MYR and 110 JPY per USD both outputs are USD 100 million: no activity effect;
    // the intensity effect carries the whole change (400 TJ → 11 000 TJ of gas).
    let opts = Options {
        currency: vec![("MYR".into(), 0.25), ("JPY".into(), 1.0 / 110.0)],
        ..Options::default()
    };
    let d = decompose(point(&a, 2020), point(&b, 2020), &opts).unwrap();
    assert_identities(&d, &a, 2020, &b, 2020);
    let t = d.total();
    assert!(t.effect(Effect::Activity).abs() < 1e-9);
    assert!((t.effect(Effect::Intensity) - t.change_kt()).abs() < 1e-9);
}

#[test]
fn kaya_identity_by_hand() {
    // P 100 → 110, G 1000 → 1320 (G/P 10 → 12), E 500 → 594 (E/G 0.5 → 0.45),
    // C 50 → 53.46 (C/E 0.1 → 0.09). L(53.46, 50) = 3.46 / ln 1.0692 = 51.71071;
    // effects L × ln 1.1, ln 1.2, ln 0.9, ln 0.9 = 4.92856, 9.42798, −5.44827, −5.44827.
    let a = Kaya {
        population: 100.0,
        gdp: 1000.0,
        energy: 500.0,
        emissions: 50.0,
    };
    let b = Kaya {
        population: 110.0,
        gdp: 1320.0,
        energy: 594.0,
        emissions: 53.46,
    };
    let e = kaya(&a, &b).unwrap();
    let l = 3.46 / (53.46f64 / 50.0).ln();
    let want = [1.1f64, 1.2, 0.9, 0.9].map(|r| l * r.ln());
    for (x, w) in e.iter().zip(want) {
        assert!((x - w).abs() < 1e-12);
    }
    assert!((e.iter().sum::<f64>() - 3.46).abs() < 1e-12);
    assert!((e[0] - 4.92856).abs() < 1e-5 && (e[2] + 5.44827).abs() < 1e-5);
}

#[test]
fn a_wastewater_section_is_part_of_the_waste_term() {
    // No solid waste: the `Waste` row is the wastewater section alone, one level whose
    // change is an emission-factor effect; the identities hold and the totals match.
    let m = |bod: &str| {
        format!(
            "region: {{ id: r, name: R }}\nyears: {{ base: 2020, end: 2030 }}\ngwp: AR5\ndrivers:\n  population: {{ unit: person, points: {{ 2020: 100000, 2030: 120000 }} }}\nwastewater:\n  domestic:\n    population: population\n    bod: \"{bod} g/person/day\"\n    correction: 1.25\n    pathways: {{ septic_tank: 0.5, aerobic: 0.3, sea_river_lake: 0.2 }}\n    protein: \"28.835 kg/person/yr\"\n"
        )
    };
    let b = run_files(
        &[("model.yaml", &m("40")), ("scenario.yaml", BAU)],
        "scenario.yaml",
    );
    let d = decompose(point(&b, 2020), point(&b, 2030), &Options::default()).unwrap();
    assert_identities(&d, &b, 2020, &b, 2030);
    let t = d.total();
    assert!(t.change_kt() > 0.0);
    assert!((t.effect(Effect::EmissionFactor) - t.change_kt()).abs() < 1e-12);
}
