//! Shapley attribution by components (docs/ATTRIBUTION.md): the decomposed exact values
//! equal the brute force over all `2^n` subsets, contributions add up to the total, the
//! export clamp couples actions exactly, and sampled components report honest standard
//! errors.

use lcs_engine::{
    attribute, attribute_with, compile, Attribution, Compiled, Method, ShapleyOptions, ShapleyPlan,
};
use lcs_model::{Loader, Scenario};
use std::path::{Path, PathBuf};
mod common;
use common::load;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load_path(p: &Path) -> Scenario {
    let mut loader = Loader::new();
    match loader.load_scenario(p) {
        Ok(s) => s,
        Err(d) => panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)),
    }
}

fn brute_force(c: &Compiled) -> Attribution {
    let o = ShapleyOptions {
        decompose: false,
        ..ShapleyOptions::default()
    };
    attribute_with(c, Method::Shapley, &o).expect("brute force")
}

/// `|a − b| ≤ 1e-9 × max(|TOTAL(y)|, 1)` for every action and year.
fn assert_same(name: &str, a: &Attribution, b: &Attribution) {
    for (i, (x, y)) in a.contributions.iter().zip(&b.contributions).enumerate() {
        for (t, ((u, v), total)) in x.iter().zip(y).zip(&a.total).enumerate() {
            assert!(
                (u - v).abs() <= 1e-9 * total.abs().max(1.0),
                "{name}: action {} year {t}: {u} vs {v}",
                a.actions[i]
            );
        }
    }
}

fn assert_sums_to_total(name: &str, a: &Attribution) {
    for (y, total) in a.total.iter().enumerate() {
        let sum: f64 = a.contributions.iter().map(|c| c[y]).sum();
        assert!(
            (sum - total).abs() <= 1e-9 * total.abs().max(1.0),
            "{name}: year {y}: Σ contributions {sum} vs TOTAL {total}"
        );
    }
}

/// Every scenario file of the bundled scenarios and of the conformance cases.
fn bundled() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in ["scenarios", "tests/cases"] {
        let Ok(rd) = std::fs::read_dir(root().join(dir)) else {
            continue;
        };
        for region in rd.flatten() {
            let Ok(files) = std::fs::read_dir(region.path()) else {
                continue;
            };
            for f in files.flatten() {
                let p = f.path();
                let is_scenario = p.extension().is_some_and(|e| e == "yaml")
                    && std::fs::read_to_string(&p)
                        .is_ok_and(|t| t.lines().any(|l| l.starts_with("scenario:")));
                if is_scenario {
                    v.push(p);
                }
            }
        }
    }
    v.sort();
    v
}

#[test]
fn decomposed_exact_shapley_equals_brute_force_on_every_bundled_scenario_up_to_20_actions() {
    let mut checked = 0;
    for p in bundled() {
        let s = load_path(&p);
        if s.actions.len() > 20 {
            continue;
        }
        let c = compile(&s).expect("compile");
        let decomposed = attribute(&c, Method::Shapley).expect("shapley");
        let report = decomposed.shapley.as_ref().expect("report");
        assert!(report.is_exact(), "{}: every component exact", p.display());
        let brute = brute_force(&c);
        let name = p.display().to_string();
        assert_same(&name, &decomposed, &brute);
        assert_sums_to_total(&name, &decomposed);
        assert_sums_to_total(&name, &brute);
        checked += usize::from(!s.actions.is_empty());
    }
    // tiny cm, Iskandar cm-2025 and cm-2025-uncertainty at least.
    assert!(checked >= 3, "{checked} scenarios with actions checked");
}

#[test]
fn iskandar_plans_split_into_small_components_and_the_clamp_never_binds() {
    // cm-2025 (12 actions): passenger and freight {A1, A6, A8, A9, A12}; residential
    // {A4, A6}; commercial {A3, A4}; waste and waste to energy {A6, A11}; industry {A2};
    // local generation and wastewater {A5}; the forest and the mangroves {A10} (their
    // conversion, restoration and stock slots, which no other action reaches). A7 has no
    // measure. Runs: 31 + 3 + 3 + 3 + 1 + 1 + 1 = 43, plus the reference and the run with all.
    let cases = [
        ("cm-2025.yaml", 12, vec![5, 2, 2, 2, 1, 1, 1], 45),
        ("cap-2030.yaml", 21, vec![7, 4, 3, 3, 3, 2, 2], 171),
        (
            "netzero-2050.yaml",
            31,
            vec![9, 8, 6, 5, 5, 4, 4, 4, 3, 2, 1],
            949,
        ),
    ];
    for (file, n, sizes, evaluations) in cases {
        let s = load_path(&root().join("scenarios/iskandar").join(file));
        let c = compile(&s).expect("compile");
        assert_eq!(c.n_actions(), n, "{file}");
        let plan = ShapleyPlan::new(&c, &ShapleyOptions::default());
        assert_eq!(plan.component_sizes(), sizes, "{file}");
        let a = attribute(&c, Method::Shapley).expect("shapley");
        let r = a.shapley.as_ref().expect("report");
        assert!(r.is_exact(), "{file}");
        assert!(r.clamp_years.is_empty(), "{file}: {:?}", r.clamp_years);
        assert_eq!(r.evaluations, evaluations, "{file}");
        assert!(r.exact_share.iter().all(|s| *s == 1.0), "{file}");
        assert!(
            r.standard_error.iter().flatten().all(|s| *s == 0.0),
            "{file}"
        );
        assert_sums_to_total(file, &a);
    }
}

const CLAMP_MODEL: &str = r#"
region: { id: clamp, name: Clamp }
years: { base: 2020, end: 2025 }
gwp: AR5
drivers:
  households: { unit: household, base: 1000, growth: 0.0 }
demand:
  homes:
    category: residential
    activity: households
    intensity: "3.6 GJ/household"
    fuels: { electricity: 1.0 }
electricity:
  losses: 0.0
  grid_factor: "1 t CO2/MWh"
"#;

/// Two actions that reach no common part except through the export clamp: `S` adds
/// `solar_mwh` of local generation from 2022, `E` halves the homes' electricity from 2022.
fn clamp_scenario(solar_mwh: f64) -> Scenario {
    let scen = format!(
        "scenario: s\nmodel: model.yaml\nactions:\n  \
         - {{ id: S, measures: [{{ id: pv, lever: generation, target: electricity.local, generation: \"{solar_mwh} MWh\", start: 2022, ramp: step }}] }}\n  \
         - {{ id: E, measures: [{{ id: eff, lever: scale, target: demand.homes.intensity, by: -0.5, start: 2022, ramp: step }}] }}\n"
    );
    load(&[("model.yaml", CLAMP_MODEL), ("scenario.yaml", &scen)])
}

#[test]
fn two_actions_coupled_only_through_the_export_clamp() {
    // Demand D = 1000 households × 3.6 GJ = 1000 MWh, no losses, 1 t CO2/MWh; from 2022
    // S adds 800 MWh of local generation and E halves demand to 500 MWh.
    // Grid emissions max(B − L, 0) × 1 t/MWh: none 1000 t, S 200 t, E 500 t, both
    // max(500 − 800, 0) = 0 t. v(S) = 800, v(E) = 500, v(S, E) = 1000 t:
    // φ_S = ½ (800 + (1000 − 500)) = 650 t, φ_E = ½ (500 + (1000 − 800)) = 350 t.
    // Without the clamp the parts would give 800 + 500 = 1300 t, more than the total.
    let s = clamp_scenario(800.0);
    let c = compile(&s).expect("compile");
    let plan = ShapleyPlan::new(&c, &ShapleyOptions::default());
    // Demand {E} and local generation {S} are separate components.
    assert_eq!(plan.component_sizes(), vec![1, 1]);
    let a = attribute(&c, Method::Shapley).expect("shapley");
    let r = a.shapley.as_ref().expect("report");
    // 2022–2025 may bind (B ≥ 500 MWh, L ≤ 800 MWh); 2020 and 2021 cannot (L = 0).
    assert_eq!(r.clamp_years, vec![2, 3, 4, 5]);
    assert_eq!(r.components.len(), 3, "the clamp adds a component");
    assert_eq!(r.components[2].actions, vec![0, 1]);
    assert!(
        (a.contributions[0][5] - 0.650).abs() < 1e-12,
        "{:?}",
        a.contributions
    );
    assert!(
        (a.contributions[1][5] - 0.350).abs() < 1e-12,
        "{:?}",
        a.contributions
    );
    assert!((a.total[5] - 1.0).abs() < 1e-12);
    assert!(a.contributions.iter().all(|c| c[0] == 0.0 && c[1] == 0.0));
    assert_same("clamp", &a, &brute_force(&c));
    assert_sums_to_total("clamp", &a);

    // 400 MWh of solar never exceeds the 500 MWh left after E: the clamp cannot bind, the
    // parts add up, and each action keeps its own effect: φ_S = 400 t, φ_E = 500 t.
    let s = clamp_scenario(400.0);
    let c = compile(&s).expect("compile");
    let a = attribute(&c, Method::Shapley).expect("shapley");
    let r = a.shapley.as_ref().expect("report");
    assert!(r.clamp_years.is_empty());
    assert_eq!(r.components.len(), 2);
    assert!((a.contributions[0][5] - 0.400).abs() < 1e-12);
    assert!((a.contributions[1][5] - 0.500).abs() < 1e-12);
    assert_same("no clamp", &a, &brute_force(&c));
}

#[test]
fn the_clamp_component_is_sampled_when_too_large_and_still_sums_to_the_total() {
    let s = clamp_scenario(800.0);
    let c = compile(&s).expect("compile");
    let o = ShapleyOptions {
        max_exact_actions: 1,
        min_orderings: 50,
        max_orderings: 50,
        ..ShapleyOptions::default()
    };
    let a = attribute_with(&c, Method::Shapley, &o).expect("shapley");
    let r = a.shapley.as_ref().expect("report");
    assert_eq!(r.components[2].orderings, Some(50));
    assert!(!r.is_exact());
    // The clamp part in 2025 is v(S, E) − v(S) − v(E) restricted to grid emissions: with
    // the parts 800 and 500 t it is −300 t of a gross 1600 t, so 1300 / 1600 is exact.
    assert!(
        (r.exact_share[5] - 1300.0 / 1600.0).abs() < 1e-12,
        "{:?}",
        r.exact_share
    );
    assert_eq!(r.exact_share[0], 1.0);
    assert_sums_to_total("sampled clamp", &a);
    // With two actions an ordering is S then E or E then S: the marginals of the clamp
    // part are −300 t or 0 t for each, so the estimate is within its spread.
    for i in 0..2 {
        let (v, se) = (a.contributions[i][5], r.standard_error[i][5]);
        let exact = [0.650, 0.350][i];
        assert!(se > 0.0 && (v - exact).abs() <= 4.0 * se, "{i}: {v} ± {se}");
    }
}

#[test]
fn sampled_standard_errors_cover_the_exact_values_in_at_least_90_of_100_trials() {
    // Tiny cm (6 actions) as one game sampled from 100 orderings per trial, seeds 1–100;
    // the exact values come from the decomposed enumeration. An interval of ±1.96 standard
    // errors (nominal 95 %) must hold the exact value in ≥ 90 of the 100 trials, for every
    // action, in 2030.
    let s = load_path(&root().join("tests/cases/tiny/cm.yaml"));
    let c = compile(&s).expect("compile");
    let exact = attribute(&c, Method::Shapley).expect("exact");
    let last = 10;
    let mut covered = vec![0; c.n_actions()];
    for seed in 1..=100 {
        let o = ShapleyOptions {
            max_exact_actions: 0,
            min_orderings: 100,
            max_orderings: 100,
            seed,
            decompose: false,
            ..ShapleyOptions::default()
        };
        let a = attribute_with(&c, Method::Shapley, &o).expect("sampled");
        let r = a.shapley.as_ref().expect("report");
        assert_eq!(r.components[0].orderings, Some(100));
        for (i, hit) in covered.iter_mut().enumerate() {
            let (v, se) = (a.contributions[i][last], r.standard_error[i][last]);
            let e = exact.contributions[i][last];
            if (v - e).abs() <= 1.96 * se + 1e-9 * exact.total[last] {
                *hit += 1;
            }
        }
    }
    for (i, hit) in covered.iter().enumerate() {
        assert!(
            *hit >= 90,
            "action {}: covered in {hit} of 100",
            exact.actions[i]
        );
    }
}

#[test]
fn sampling_stops_when_the_tolerance_is_met() {
    let s = load_path(&root().join("tests/cases/tiny/cm.yaml"));
    let c = compile(&s).expect("compile");
    let o = |tolerance| ShapleyOptions {
        max_exact_actions: 0,
        tolerance,
        min_orderings: 256,
        max_orderings: 100_000,
        decompose: false,
        ..ShapleyOptions::default()
    };
    let loose = attribute_with(&c, Method::Shapley, &o(0.01)).expect("loose");
    let tight = attribute_with(&c, Method::Shapley, &o(0.0002)).expect("tight");
    let orderings = |a: &Attribution| a.shapley.as_ref().unwrap().components[0].orderings.unwrap();
    // The tiny game is nearly additive: after 256 orderings the largest standard error is
    // 0.05 % of the year's total, so 1 % is met at once and 0.02 % needs about 1,400.
    assert_eq!(orderings(&loose), 256);
    assert!(
        orderings(&tight) > 256 && orderings(&tight) < 100_000,
        "{}",
        orderings(&tight)
    );
    let r = tight.shapley.as_ref().unwrap();
    for (y, total) in tight.total.iter().enumerate() {
        let scale = if *total != 0.0 { total.abs() } else { 0.0 };
        for se in &r.standard_error {
            assert!(se[y] <= 0.0002 * scale.max(tight.total[10].abs()) + 1e-15);
        }
    }
    assert_sums_to_total("tight", &tight);
}

#[test]
fn shapley_does_not_depend_on_the_number_of_threads() {
    let s = load_path(&root().join("scenarios/iskandar/cm-2025.yaml"));
    let c = compile(&s).expect("compile");
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool")
        .install(|| attribute(&c, Method::Shapley).expect("shapley"));
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .expect("pool")
        .install(|| attribute(&c, Method::Shapley).expect("shapley"));
    assert_eq!(one, two);
}

#[test]
fn refrigerant_banks_and_land_classes_are_components_too() {
    // The inventory extensions' sources (docs/EXTENSIONS.md): a refrigerant bank and a land
    // class, each reached by its own actions, and a demand with the grid.
    let model = r#"
region: { id: r, name: R }
years: { base: 2020, end: 2025 }
gwp: AR5
drivers:
  cars: { unit: vehicle, value: 372000 }
  households: { unit: household, value: 1000 }
demand:
  homes: { category: residential, activity: households, intensity: "20 GJ/household", fuels: { electricity: 0.5, lpg: 0.5 } }
electricity:
  losses: 0.05
  grid_factor: "0.6 t CO2/MWh"
sources:
  ippu/mobile_ac:
    activity: cars
    refrigerant: { charge: "0.8 kg/vehicle", leak: 0.15, gases: { HFC-134a: 1.0 } }
  afolu/mangrove:
    land:
      cover: mangrove_tropical_wet
      area: "10000 ha"
      removals: "-5 t CO2/ha"
      conversion: "100 ha"
      soil_lost: 1.0
      soil_years: 1
"#;
    let scen = r#"scenario: s
model: model.yaml
actions:
  - { id: K, measures: [{ id: K1, lever: shift, target: sources.ippu/mobile_ac.refrigerant.gases, from: [HFC-134a], to: [HFO-1234yf], amount: 0.5, start: 2021 }] }
  - { id: L, measures: [{ id: L1, lever: set, target: sources.ippu/mobile_ac.refrigerant.leak, value: 0.05, start: 2022 }] }
  - { id: P, measures: [{ id: P1, lever: scale, target: sources.afolu/mangrove.land.conversion, by: -1, start: 2021 }] }
  - { id: G, measures: [{ id: G1, lever: scale, target: electricity.grid_factor, by: -0.3, start: 2021 }] }
  - { id: H, measures: [{ id: H1, lever: scale, target: demand.homes.intensity, by: -0.2, start: 2022 }] }
"#;
    let s = load(&[("model.yaml", model), ("scenario.yaml", scen)]);
    let c = compile(&s).expect("compile");
    let a = attribute(&c, Method::Shapley).expect("shapley");
    let r = a.shapley.as_ref().expect("report");
    let parts: Vec<&str> = r
        .components
        .iter()
        .flat_map(|c| &c.parts)
        .map(String::as_str)
        .collect();
    assert!(parts.contains(&"refrigerant bank #1"), "{parts:?}");
    assert!(parts.contains(&"land: afolu/mangrove"), "{parts:?}");
    // {K, L} on the bank, {P} on the land class, {G, H} on the homes: 3 + 1 + 3 runs.
    assert_eq!(r.evaluations, 2 + 3 + 1 + 3, "{:?}", r.components);
    assert!(a.total[5] > 0.0);
    assert_same("inventory", &a, &brute_force(&c));
    assert_sums_to_total("inventory", &a);
}
