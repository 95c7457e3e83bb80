//! One test per equation family of MODEL.md, each on a small model whose result is
//! computed by hand in the comments; plus the invariants of §10.

use lcs_engine::{
    attribute, compile, evaluate, evaluate_targets, rows, run_all, run_reference, Method, Row,
    Workspace,
};
use lcs_model::{Loader, Scenario};
use std::path::PathBuf;
mod common;
use common::load;

fn run(s: &Scenario) -> Vec<Row> {
    let c = compile(s).expect("compile");
    let ws = run_all(&c).expect("run");
    rows(&c, &ws)
}

fn value(rows: &[Row], var: &str, year_idx: usize) -> f64 {
    rows.iter()
        .find(|r| r.variable == var)
        .unwrap_or_else(|| panic!("no row {var}"))
        .values[year_idx]
        .expect("value")
}

fn assert_close(got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "got {got}, want {want}"
    );
}

const SCEN: &str = "scenario: s\nmodel: model.yaml\n";

#[test]
fn demand_final_energy_and_direct_emissions() {
    // 25 000 households × 20 GJ = 500 000 GJ; LPG 20 % = 100 000 GJ = 100 TJ.
    // CO2 = 100 TJ × 63 100 kg/TJ = 6 310 t; CH4 = 100 × 5 kg = 0.5 t; N2O = 100 × 0.1 kg = 0.01 t.
    // CO2e (AR5) = 6 310 + 28 × 0.5 + 265 × 0.01 = 6 326.65 t.
    let model = r#"
region: { id: r, name: R }
years: { base: 2020, end: 2021 }
gwp: AR5
drivers:
  households: { unit: household, value: 25000 }
demand:
  residential:
    category: residential
    activity: households
    intensity: "20 GJ/household"
    fuels: { electricity: 0.8, lpg: 0.2 }
electricity: { grid_factor: "0 t CO2/MWh" }
"#;
    let r = run(&load(&[("model.yaml", model), ("scenario.yaml", SCEN)]));
    assert_close(value(&r, "Final Energy", 0), 500.0);
    assert_close(value(&r, "Final Energy|lpg", 0), 100.0);
    assert_close(value(&r, "Final Energy|electricity", 0), 400.0);
    assert_close(value(&r, "Emissions|CO2", 0), 6.31);
    assert_close(value(&r, "Emissions|CH4", 0), 0.0005);
    assert_close(value(&r, "Emissions|N2O", 0), 0.00001);
    assert_close(value(&r, "Emissions|CO2e", 0), 6.32665);
}

#[test]
fn activity_from_share_and_inherited_intensity() {
    // transport: 1000 person × 8000 pkm = 8e6 pkm; car 75 % = 6e6 pkm × 1.8 MJ = 10 800 GJ.
    // bus 25 % inherits the branch intensity 0.5 MJ/pkm: 2e6 × 0.5 MJ = 1 000 GJ.
    let model = r#"
region: { id: r }
years: { base: 2020, end: 2020 }
gwp: AR5
drivers:
  population: { unit: person, value: 1000 }
demand:
  transport:
    category: road
    activity: { driver: population, per: "8000 pkm/person" }
    intensity: "0.5 MJ/pkm"
    fuels: { diesel: 1.0 }
    children:
      car: { share: 0.75, intensity: "1.8 MJ/pkm", fuels: { gasoline: 1.0 } }
      bus: { share: 0.25 }
"#;
    let r = run(&load(&[("model.yaml", model), ("scenario.yaml", SCEN)]));
    assert_close(value(&r, "Final Energy|gasoline", 0), 10.8);
    assert_close(value(&r, "Final Energy|diesel", 0), 1.0);
    assert_close(value(&r, "Share|transport/car", 0), 0.75);
    // Road gasoline 69 300 / 33 / 3.2 kg/TJ; diesel 74 100 / 3.9 / 3.9.
    let co2e = 10.8 * (69300.0 + 28.0 * 33.0 + 265.0 * 3.2) * 1e-3
        + 1.0 * (74100.0 + 28.0 * 3.9 + 265.0 * 3.9) * 1e-3;
    assert_close(value(&r, "Emissions|CO2e", 0), co2e / 1000.0);
}

#[test]
fn electricity_losses_local_and_grid_factor() {
    // Demand 72 000 GJ = 20 000 MWh; busbar 20 000 / 0.9 = 22 222.2 MWh;
    // local 1 MW × 8 760 h × 0.5 = 4 380 MWh; grid 17 842.2 MWh × 0.7 t/MWh = 12 489.6 t.
    let model = r#"
region: { id: r }
years: { base: 2020, end: 2020 }
gwp: AR5
demand:
  commercial: { category: commercial, activity: "1000 building", intensity: "72 GJ/building", fuels: { electricity: 1 } }
electricity:
  losses: 0.1
  grid_factor: "0.7 t CO2/MWh"
  local: { pv: { capacity: "1 MW", capacity_factor: 0.5 } }
"#;
    let r = run(&load(&[("model.yaml", model), ("scenario.yaml", SCEN)]));
    let busbar = 20000.0 / 0.9;
    assert_close(value(&r, "Electricity|Demand", 0), 20000.0);
    assert_close(value(&r, "Electricity|Local Generation", 0), 4380.0);
    assert_close(value(&r, "Electricity|Grid Supply", 0), busbar - 4380.0);
    assert_close(value(&r, "Electricity|Export", 0), 0.0);
    assert_close(
        value(&r, "Emissions|CO2e|commercial", 0),
        (busbar - 4380.0) * 0.7 / 1000.0,
    );
}

#[test]
fn electricity_mix_burns_fuel_with_energy_factors() {
    // Grid 1 000 MWh = 3 600 GJ; coal 50 % at 38 %: 3 600 × 0.5 / 0.38 GJ of coal;
    // gas 50 % at 50 %: 3 600 GJ of gas. Energy-industry CH4/N2O: coal 1 / 1.5, gas 1 / 0.1.
    let model = r#"
region: { id: r }
years: { base: 2020, end: 2020 }
gwp: AR4
demand:
  commercial: { category: commercial, activity: "1000 MWh", intensity: "1 1", fuels: { electricity: 1 } }
electricity:
  mix:
    coal: { share: 0.5, efficiency: 0.38, fuel: coal }
    gas: { share: 0.5, efficiency: 0.5, fuel: natural_gas }
"#;
    let r = run(&load(&[("model.yaml", model), ("scenario.yaml", SCEN)]));
    let coal_tj = 3.6 * 0.5 / 0.38;
    let gas_tj = 3.6;
    let co2 = coal_tj * 94600.0 + gas_tj * 56100.0; // kg
    let ch4 = coal_tj * 1.0 + gas_tj * 1.0;
    let n2o = coal_tj * 1.5 + gas_tj * 0.1;
    assert_close(value(&r, "Emissions|CO2", 0), co2 * 1e-6);
    assert_close(
        value(&r, "Emissions|CO2e", 0),
        (co2 + 25.0 * ch4 + 298.0 * n2o) * 1e-6,
    );
}

fn waste_model(history: &str, routes: &str) -> String {
    format!(
        r#"
region: {{ id: r }}
years: {{ base: 2020, end: 2022 }}
gwp: AR5
waste:
  generation: "1000 t"
  composition: {{ food: 0.5, plastics: 0.5 }}
  routes: {routes}
  landfill: {{ oxidation: 0.1 {history} }}
  incineration: {{ electricity: "0.5 MWh/t" }}
"#
    )
}

#[test]
fn landfill_first_order_decay_without_history() {
    // Food to landfill 500 t/yr; DDOC = 500 × 0.15 × 0.5 × 1.0 = 37.5 t/yr.
    // 2020: nothing decays (no earlier deposits). 2021: Dec = 37.5 × (1 − e^−0.4).
    // 2022: Da(2021) = 37.5 + 37.5 e^−0.4; Dec = Da(2021) × (1 − e^−0.4).
    // CH4 = Dec × 0.5 × 16/12 × (1 − 0) × (1 − 0.1).
    let m = waste_model("", "{ landfill: 1.0 }");
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", SCEN)]));
    let e = (-0.4f64).exp();
    let ch4 = |dec: f64| dec * 0.5 * 16.0 / 12.0 * 0.9;
    assert_close(value(&r, "Emissions|CH4", 0), 0.0);
    assert_close(
        value(&r, "Emissions|CH4", 1),
        ch4(37.5 * (1.0 - e)) / 1000.0,
    );
    assert_close(
        value(&r, "Emissions|CH4", 2),
        ch4((37.5 + 37.5 * e) * (1.0 - e)) / 1000.0,
    );
    assert_close(value(&r, "Waste|Generated", 0), 1000.0);
}

#[test]
fn landfill_history_deposits_before_the_base_year() {
    // history from 2018 with growth 0.1: W(2018) = 1000/1.1², W(2019) = 1000/1.1.
    // Da(2019) = D18 e^−0.4 + D19 with D = W × 0.5 × 0.075; CH4(2020) = Da(2019)(1 − e^−0.4) × 0.6.
    let m = waste_model(
        ", history: { from: 2018, growth: 0.1 }",
        "{ landfill: 1.0 }",
    );
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", SCEN)]));
    let e = (-0.4f64).exp();
    let d = |w: f64| w * 0.5 * 0.15 * 0.5;
    let da = d(1000.0 / 1.21) * e + d(1000.0 / 1.1);
    assert_close(
        value(&r, "Emissions|CH4", 0),
        da * (1.0 - e) * 0.5 * 16.0 / 12.0 * 0.9 / 1000.0,
    );
}

#[test]
fn incineration_and_composting() {
    // Incinerated 400 t: fossil C = 0.5 plastics × 1.0 dm × 0.75 CF × 1.0 FCF = 0.375 t C/t;
    // CO2 = 400 × 0.375 × 44/12 = 550 t; electricity 400 × 0.5 = 200 MWh (exported: no demand).
    // Composted 600 t: CH4 2.4 t, N2O 0.144 t.
    let m = waste_model("", "{ incineration: 0.4, composting: 0.6 }");
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", SCEN)]));
    assert_close(value(&r, "Emissions|CO2", 0), 0.55);
    assert_close(value(&r, "Emissions|CH4", 0), 0.0024);
    assert_close(value(&r, "Emissions|N2O", 0), 0.000144);
    assert_close(
        value(&r, "Emissions|CO2e|Waste", 0),
        (550.0 + 28.0 * 2.4 + 265.0 * 0.144) / 1000.0,
    );
}

#[test]
fn sources_and_sinks_and_co2e_factors() {
    // cement 1000 t × 0.5 t CO2/t = 500 t CO2; forest 10 ha × −5 = −50 t;
    // a CO2e factor counts in the total and the sector, not in the gas rows.
    let model = r#"
region: { id: r }
years: { base: 2020, end: 2020 }
gwp: AR5
sources:
  ippu/cement: { activity: "1000 t", factors: { CO2: "0.5 t CO2/t", CO2e: "0.1 t/t" } }
  afolu/forest: { activity: "10 ha", factors: { CO2: "-5 t CO2/ha" } }
"#;
    let r = run(&load(&[("model.yaml", model), ("scenario.yaml", SCEN)]));
    assert_close(value(&r, "Emissions|CO2e|ippu", 0), 0.6);
    assert_close(value(&r, "Emissions|CO2e|afolu", 0), -0.05);
    assert_close(value(&r, "Emissions|CO2", 0), 0.45);
    assert_close(value(&r, "Emissions|CO2e", 0), 0.55);
}

const TOWN: &str = r#"
region: { id: r }
years: { base: 2020, end: 2030 }
gwp: AR5
drivers:
  population: { unit: person, base: 1000, growth: 0.02 }
  household_size: { unit: person/household, value: 4 }
  households: { unit: household, expr: population / household_size }
demand:
  residential: { category: residential, activity: households, intensity: "20 GJ/household", fuels: { lpg: 1 } }
"#;

#[test]
fn a_measure_on_a_driver_flows_through_expressions() {
    // population × (1 − 0.1) at full effect (2020, step) → households and LPG use fall 10 %.
    let scen = r#"
scenario: s
model: model.yaml
actions:
  - id: A
    measures: [{ id: m, lever: scale, target: drivers.population, by: -0.1, start: 2020, ramp: step }]
"#;
    let r = run(&load(&[("model.yaml", TOWN), ("scenario.yaml", scen)]));
    assert_close(value(&r, "Drivers|households", 0), 225.0);
    assert_close(value(&r, "Final Energy|lpg", 0), 225.0 * 20.0 / 1000.0);
}

#[test]
fn invariants_sectors_sum_to_total_and_attribution_sums_to_total() {
    let case = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/tiny/cm.yaml");
    let mut loader = Loader::new();
    let s = loader.load_scenario(&case).expect("tiny cm loads");
    let c = compile(&s).expect("compile");
    let ws = run_all(&c).expect("run");
    let r = rows(&c, &ws);
    for y in 0..11 {
        let total = value(&r, "Emissions|CO2e", y);
        let sectors: f64 = r
            .iter()
            .filter(|x| lcs_engine::var::sector(&x.variable).is_some())
            .map(|x| x.values[y].unwrap_or(0.0))
            .sum();
        assert!(
            (total - sectors).abs() <= 1e-9 * total.abs(),
            "year {y}: {total} vs {sectors}"
        );
        // Each demand sector is its direct plus its electricity emissions, and the waste
        // sector the sum of its processes.
        for top in ["residential", "industry", "transport"] {
            let part = |p: &str| value(&r, &format!("Emissions|CO2e|{top}{p}"), y);
            assert_close(part("|Direct") + part("|Electricity"), part(""));
        }
        let waste: f64 = ["Landfill", "Composting", "Incineration"]
            .iter()
            .map(|p| value(&r, &format!("Emissions|CO2e|Waste|{p}"), y))
            .sum();
        assert_close(waste, value(&r, "Emissions|CO2e|Waste", y));
        let fe: f64 = r
            .iter()
            .filter(|x| {
                [
                    "coal",
                    "diesel",
                    "electricity",
                    "gasoline",
                    "lpg",
                    "natural_gas",
                ]
                .iter()
                .any(|f| x.variable == format!("Final Energy|{f}"))
            })
            .map(|x| x.values[y].unwrap_or(0.0))
            .sum();
        assert!((value(&r, "Final Energy", y) - fe).abs() <= 1e-9 * fe);
    }
    for m in [Method::Sequential, Method::Shapley] {
        let a = attribute(&c, m).expect("attribute");
        for y in 0..11 {
            let sum: f64 = a.contributions.iter().map(|ci| ci[y]).sum();
            assert!(
                (sum - a.total[y]).abs() <= 1e-9 * a.total[y].abs().max(1.0),
                "{m:?} year {y}: {sum} vs {}",
                a.total[y]
            );
        }
    }
    let solo = attribute(&c, Method::Solo).expect("solo");
    let inter = solo.interaction.expect("interaction");
    for y in 0..11 {
        let sum: f64 = solo.contributions.iter().map(|ci| ci[y]).sum::<f64>() + inter[y];
        assert!((sum - solo.total[y]).abs() <= 1e-9 * solo.total[y].abs().max(1.0));
    }
}

#[test]
fn a_measure_with_zero_effect_changes_nothing() {
    let zero = r#"
scenario: s
model: model.yaml
actions:
  - id: A
    measures:
      - { id: m1, lever: scale, target: demand.residential.intensity, by: 0, start: 2020, full: 2030 }
      - { id: m2, lever: add, target: drivers.population, amount: "0 person", start: 2020 }
      - { id: m3, lever: shift, target: demand.residential.fuels, from: [lpg], to: [natural_gas], amount: 0, start: 2020 }
"#;
    let with = run(&load(&[("model.yaml", TOWN), ("scenario.yaml", zero)]));
    let without = run(&load(&[("model.yaml", TOWN), ("scenario.yaml", SCEN)]));
    for v in ["Emissions|CO2e", "Final Energy", "Drivers|households"] {
        for y in 0..11 {
            assert_eq!(value(&with, v, y), value(&without, v, y), "{v} {y}");
        }
    }
}

#[test]
fn targets_at_most_and_relative_to_a_year() {
    // LPG 5 000 GJ/yr in 2020 (250 households × 20 GJ) → 5 TJ × (63 100 + 28×5 + 265×0.1) kg.
    let scen = r#"
scenario: s
model: model.yaml
targets:
  - { id: cap, metric: emissions, year: 2020, at_most: "0.3 kt CO2e" }
  - { id: per-head, metric: intensity, driver: population, year: 2030, reduction: 0.0, relative_to: 2020 }
"#;
    let s = load(&[("model.yaml", TOWN), ("scenario.yaml", scen)]);
    let c = compile(&s).expect("compile");
    let ws = run_all(&c).expect("run");
    let reference = run_reference(&c).expect("reference");
    let t = evaluate_targets(&s, &c, &ws, &reference);
    let e2020 = 5.0 * (63100.0 + 28.0 * 5.0 + 265.0 * 0.1) * 1e-6; // kt
    assert_close(t[0].value.expect("value"), e2020);
    assert_close(t[0].threshold.expect("threshold"), 0.3);
    assert!(t[0].met == (e2020 <= 0.3));
    // Emissions per person stay constant (households grow with population): the threshold
    // is the 2020 value, t CO2e per person, and the 2030 value equals it up to rounding.
    assert_close(t[1].threshold.expect("threshold"), e2020 * 1000.0 / 1000.0);
    assert_close(t[1].value.expect("value"), e2020 * 1000.0 / 1000.0);
    assert_eq!(t[1].met, t[1].value <= t[1].threshold);
    // The ensemble's allocation-free check gives the same flags.
    let mut met = [!t[0].met, !t[1].met];
    lcs_engine::targets_met(&s, &c, &ws, &reference, &mut met);
    assert_eq!(met, [t[0].met, t[1].met]);
}

#[test]
fn a_measure_that_makes_a_share_negative_is_a_run_error() {
    let model = r#"
region: { id: r }
years: { base: 2020, end: 2022 }
gwp: AR5
drivers: { population: { unit: person, value: 100 } }
demand:
  transport:
    category: road
    activity: { driver: population, per: "1000 pkm/person" }
    children:
      car: { share: 0.5, intensity: "2 MJ/pkm", fuels: { gasoline: 1 } }
      bus: { share: 0.5, intensity: "1 MJ/pkm", fuels: { diesel: 1 } }
"#;
    let scen = r#"
scenario: s
model: model.yaml
actions:
  - id: A
    measures: [{ id: m, lever: add, target: demand.transport/car.share, amount: -0.6, start: 2021 }]
"#;
    let s = load(&[("model.yaml", model), ("scenario.yaml", scen)]);
    let c = compile(&s).expect("compile");
    let mut ws = Workspace::new(&c);
    let e = evaluate(&c, &mut ws, &[true]).expect_err("negative share");
    assert_eq!(
        e.cause,
        lcs_engine::Cause::Measure {
            action: 0,
            measure: 0
        }
    );
    assert_eq!(e.year, 2021);
    assert!(e.problem.to_string().contains("negative"), "{}", e.problem);
}

#[test]
fn sampled_parameters_apply_before_measures() {
    // population × 1.1 (multiplier) flows through `households`; then the measure halves the
    // residential intensity; the grid-free LPG use is 250 × 1.1 households × 10 GJ.
    // An absolute sample on the intensity replaces the series before the measure.
    let scen = r#"
scenario: s
model: model.yaml
actions:
  - id: A
    measures: [{ id: m, lever: scale, target: demand.residential.intensity, by: -0.5, start: 2020, ramp: step }]
uncertainty:
  parameters:
    - { id: pop, path: drivers.population, distribution: uniform, min: 0.9, max: 1.1 }
    - { id: int, path: demand.residential.intensity, as: absolute, distribution: triangular, min: "10 GJ/household", mode: "20 GJ/household", max: "30 GJ/household" }
  correlations:
    - { between: [pop, int], rank: 0.3 }
"#;
    let s = load(&[("model.yaml", TOWN), ("scenario.yaml", scen)]);
    assert_eq!(s.uncertainty.len(), 2);
    assert_eq!(s.correlations[0].rank, 0.3);
    let c = compile(&s).expect("compile");
    assert_eq!(c.n_parameters(), 2);
    assert_eq!(c.parameter_ids(), ["pop".to_string(), "int".to_string()]);
    let mut ws = Workspace::new(&c);
    lcs_engine::evaluate_with(&c, &mut ws, &[true], &[1.1, 30.0]).expect("run");
    let r = rows(&c, &ws);
    assert_close(value(&r, "Drivers|households", 0), 275.0);
    // 275 households × 30 GJ × (1 − 0.5) = 4 125 GJ = 4.125 TJ.
    assert_close(value(&r, "Final Energy|lpg", 0), 4.125);
    // A multiplier that makes the intensity negative is an error naming the parameter.
    let e = lcs_engine::evaluate_with(&c, &mut ws, &[true], &[1.0, -1.0]).expect_err("negative");
    assert_eq!(e.cause, lcs_engine::Cause::Parameter { index: 1 });
    // The flat row buffer agrees with `rows`.
    let layout = lcs_engine::row_layout(&c);
    let mut flat = vec![0.0; layout.len() * 11];
    lcs_engine::evaluate_with(&c, &mut ws, &[true], &[1.1, 30.0]).expect("run");
    lcs_engine::row_values_into(&c, &ws, &mut flat);
    let r = rows(&c, &ws);
    for (i, row) in r.iter().enumerate() {
        assert_eq!(layout[i].0, row.variable);
        for y in 0..11 {
            assert_eq!(
                row.values[y].unwrap_or(f64::NAN).to_bits(),
                flat[i * 11 + y].to_bits()
            );
        }
    }
}

#[test]
fn extra_rows_add_up() {
    // Final energy by sector and fuel sums to final energy by sector; waste routes sum to
    // waste generated; the grid emissions memo equals what was allocated.
    let case = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/tiny/cm.yaml");
    let mut loader = Loader::new();
    let s = loader.load_scenario(&case).expect("tiny cm loads");
    let r = run(&s);
    for y in 0..11 {
        for top in ["residential", "industry", "transport"] {
            let parts: f64 = r
                .iter()
                .filter(|x| x.variable.starts_with(&format!("Final Energy|{top}|")))
                .map(|x| x.values[y].unwrap_or(0.0))
                .sum();
            assert!(
                (parts - value(&r, &format!("Final Energy|{top}"), y)).abs()
                    < 1e-9 * parts.max(1.0)
            );
        }
        let routes: f64 = ["Landfill", "Recycling", "Composting", "Incineration"]
            .iter()
            .map(|w| value(&r, &format!("Waste|{w}"), y))
            .sum();
        assert!((routes - value(&r, "Waste|Generated", y)).abs() < 1e-6);
        let busbar = value(&r, "Electricity|Demand", y) + value(&r, "Electricity|Losses", y);
        let supplied = value(&r, "Electricity|Grid Supply", y)
            + value(&r, "Electricity|Local Generation", y)
            - value(&r, "Electricity|Export", y);
        assert!(
            (busbar - supplied).abs() < 1e-6 * busbar,
            "year {y}: {busbar} vs {supplied}"
        );
    }
}

#[test]
fn sampled_shapley_sums_to_the_total_and_approaches_the_exact_values() {
    let case = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/tiny/cm.yaml");
    let mut loader = Loader::new();
    let s = loader.load_scenario(&case).expect("tiny cm loads");
    let c = compile(&s).expect("compile");
    let exact = attribute(&c, Method::Shapley).expect("exact");
    let sampled = attribute(
        &c,
        Method::ShapleySampled {
            permutations: 2000,
            seed: 7,
        },
    )
    .expect("sampled");
    let again = attribute(
        &c,
        Method::ShapleySampled {
            permutations: 2000,
            seed: 7,
        },
    )
    .expect("sampled");
    assert_eq!(sampled, again, "same seed, same estimate");
    let last = 10;
    // Every ordering's marginals add up to v(all), so the estimate does too.
    let sum: f64 = sampled.contributions.iter().map(|ci| ci[last]).sum();
    assert!((sum - sampled.total[last]).abs() <= 1e-9 * sampled.total[last]);
    // With 6 actions and 2000 orderings, each estimate is within 2 % of the total of the
    // exact value (the spread of a marginal is a few kt here).
    for (e, a) in exact.contributions.iter().zip(&sampled.contributions) {
        assert!(
            (e[last] - a[last]).abs() <= 0.02 * exact.total[last],
            "exact {} sampled {}",
            e[last],
            a[last]
        );
    }
}

#[test]
fn breakdown_terms_are_the_evaluations_final_energy_and_emissions_bit_for_bit() {
    // One leaf per sector and fuel, so that each `Final Energy|<sector>|<fuel>` row is one
    // (leaf, fuel) entry: 25 123 households × 17.3 GJ × 0.37 = 160 812.3 GJ of LPG, and the
    // breakdown's `A × I × M` (and `× F`) must be the same number to the bit, not only close,
    // because both multiply through the same kernels in the same order.
    let model = r#"
region: { id: r }
years: { base: 2020, end: 2022 }
gwp: AR5
drivers:
  households: { unit: household, points: { 2020: 25123, 2022: 26011.7 } }
demand:
  residential:
    category: residential
    activity: households
    intensity: "17.3 GJ/household"
    fuels: { electricity: 0.63, lpg: 0.37 }
  commercial:
    category: commercial
    activity: { driver: households, per: "0.13 m2/household" }
    intensity: "0.71 GJ/m2"
    fuels: { natural_gas: 0.29, diesel: 0.71 }
electricity: { grid_factor: "0.694 t CO2/MWh" }
"#;
    let s = load(&[("model.yaml", model), ("scenario.yaml", SCEN)]);
    let c = compile(&s).expect("compile");
    let ws = run_all(&c).expect("run");
    let r = rows(&c, &ws);
    let b = lcs_engine::breakdown(&s, &c, &ws);
    let lpg = b.leaves[0]
        .fuels
        .iter()
        .find(|f| f.fuel == "lpg")
        .expect("lpg");
    assert_close(lpg.energy_gj(&b.leaves[0], 0), 25123.0 * 17.3 * 0.37);
    let mut checked = 0;
    for leaf in &b.leaves {
        let direct = format!("Emissions|CO2e|{}|Direct", leaf.sector);
        for f in &leaf.fuels {
            let variable = format!("Final Energy|{}|{}", leaf.sector, f.fuel);
            for y in 0..3 {
                let row = value(&r, &variable, y);
                assert_eq!(
                    row.to_bits(),
                    (f.energy_gj(leaf, y) * 1e-3).to_bits(),
                    "{variable}"
                );
                checked += 1;
            }
        }
        // The commercial sector burns two fuels: its direct row adds two terms from 0.
        for y in 0..3 {
            let terms = leaf
                .fuels
                .iter()
                .filter(|f| !f.is_electricity)
                .fold(0.0, |t, f| t + f.co2e_t(leaf, y));
            assert_eq!(
                value(&r, &direct, y).to_bits(),
                (terms * 1e-3).to_bits(),
                "{direct}"
            );
        }
    }
    assert_eq!(checked, 12);
}
