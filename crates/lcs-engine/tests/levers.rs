//! The levers of docs/EXTENSIONS.md (issue 8 and the project layer): `generation` with
//! series and degradation, `until`, `divert`, `save`, `switch`, and measures on
//! `waste.incineration.electricity`. Each test's numbers are worked by hand in comments.

use lcs_engine::{compile, diversions, rows, run_all, Cause, Problem, Row};
mod common;
use common::{load, load_err};

fn value(rows: &[Row], var: &str, y: usize) -> f64 {
    rows.iter()
        .find(|r| r.variable == var)
        .unwrap_or_else(|| panic!("no row {var}"))
        .values[y]
        .expect("value")
}

fn close(got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "got {got}, want {want}"
    );
}

fn scenario(measures: &str) -> String {
    format!("scenario: s\nmodel: model.yaml\nactions:\n  - id: A\n    measures:\n{measures}")
}

const HOMES: &str = r#"
region: { id: r }
years: { base: 2020, end: 2030 }
gwp: AR5
demand:
  homes:
    category: residential
    activity: "100000 MWh"
    intensity: "1 MWh/MWh"
    fuels: { electricity: 1.0 }
electricity:
  grid_factor: "0.5 t CO2/MWh"
"#;

#[test]
fn generation_series_with_degradation_and_until() {
    // Capacity 10 MW in 2020 rising linearly to 20 MW in 2030, capacity factor 0.2, output
    // falling 1 % a year from 2022, stopping in 2028 (until = start + 6 years of life).
    // 2025: 15 MW × 8760 h × 0.2 = 26 280 MWh × 0.99^3 = 25 499.2 MWh.
    // 2022 (first year): 12 MW × 8760 × 0.2 = 21 024 MWh; 2028 on: 0.
    let m = "      - { id: PV, lever: generation, target: electricity.local, capacity: { unit: MW, points: { 2020: 10, 2030: 20 } }, capacity_factor: 0.2, degradation: 0.01, start: 2022, until: 2028 }\n";
    let s = load(&[("model.yaml", HOMES), ("scenario.yaml", &scenario(m))]);
    let c = compile(&s).expect("compile");
    let r = rows(&c, &run_all(&c).expect("run"));
    close(value(&r, "Electricity|Local Generation", 1), 0.0);
    close(value(&r, "Electricity|Local Generation", 2), 21024.0);
    close(
        value(&r, "Electricity|Local Generation", 5),
        26280.0 * 0.99f64.powi(3),
    );
    close(
        value(&r, "Electricity|Local Generation", 7),
        17.0 * 8760.0 * 0.2 * 0.99f64.powi(5),
    );
    close(value(&r, "Electricity|Local Generation", 8), 0.0);
    close(value(&r, "Electricity|Local Generation", 10), 0.0);
    // Grid supply 2025: 100 000 − 25 499.2 MWh; emissions × 0.5 t/MWh, in kt.
    close(
        value(&r, "Emissions|CO2e", 5),
        (100000.0 - 26280.0 * 0.99f64.powi(3)) * 0.5 / 1000.0,
    );
}

#[test]
fn until_stops_any_measure() {
    // Intensity −50 % from 2021 until 2025: 2024 halves demand, 2025 does not.
    let m = "      - { id: E, lever: scale, target: demand.homes.intensity, by: -0.5, start: 2021, until: 2025 }\n";
    let s = load(&[("model.yaml", HOMES), ("scenario.yaml", &scenario(m))]);
    let c = compile(&s).expect("compile");
    let r = rows(&c, &run_all(&c).expect("run"));
    close(value(&r, "Electricity|Demand", 4), 50000.0);
    close(value(&r, "Electricity|Demand", 5), 100000.0);
    let bad = "      - { id: E, lever: scale, target: demand.homes.intensity, by: -0.5, start: 2021, until: 2021 }\n";
    let e = load_err(&[("model.yaml", HOMES), ("scenario.yaml", &scenario(bad))]);
    assert!(
        e.contains("`until` (2021) is not after `start` (2021)"),
        "{e}"
    );
    assert!(e.contains("key: `actions[0].measures[0].until`"), "{e}");
}

const WASTE: &str = r#"
region: { id: r }
years: { base: 2020, end: 2022 }
gwp: AR5
drivers:
  population: { unit: person, value: 100000 }
waste:
  generation: { driver: population, per: "1 t/person" }
  composition: { food: 0.5, plastics: 0.3, inert: 0.2 }
  routes: { landfill: 0.9, recycling: 0.1 }
  incineration: { electricity: "0.5 MWh/t" }
electricity: { grid_factor: "0.5 t CO2/MWh" }
"#;

#[test]
fn divert_moves_a_mass_and_reports_utilisation() {
    // W = 100 000 t/yr. 50 t/day = 18 250 t/yr from landfill to incineration from 2021:
    // m = min(18 250 / 100 000, 0.9) = 0.1825; incinerated 18 250 t, landfilled 71 750 t.
    let m = "      - { id: W1, lever: divert, target: waste.routes, from: [landfill], to: incineration, mass: \"50 t/day\", start: 2021 }\n";
    let s = load(&[("model.yaml", WASTE), ("scenario.yaml", &scenario(m))]);
    let c = compile(&s).expect("compile");
    let ws = run_all(&c).expect("run");
    let r = rows(&c, &ws);
    close(value(&r, "Waste|Incineration", 0), 0.0);
    close(value(&r, "Waste|Incineration", 1), 18250.0);
    close(value(&r, "Waste|Landfill", 1), 71750.0);
    close(value(&r, "Waste|Recycling", 1), 10000.0);
    // Its electricity: 18 250 t × 0.5 MWh/t = 9 125 MWh.
    close(
        value(&r, "Electricity|Local Generation|Waste to Energy", 1),
        9125.0,
    );
    // Fossil CO2: 18 250 t × (0.3 × 1 × 0.75 × 1 + 0.2 × 0.9 × 0.03 × 1) × 44/12
    //           = 18 250 × 0.2304 × 3.666… = 15 417.6 t = 15.4176 kt.
    close(
        value(&r, "Emissions|CO2|Waste|Incineration", 1),
        18250.0 * (0.3 * 0.75 + 0.2 * 0.9 * 0.03) * 44.0 / 12.0 / 1000.0,
    );
    let d = diversions(&c, &ws);
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].action.as_str(), d[0].measure.as_str()), ("A", "W1"));
    close(d[0].asked_t[0], 0.0);
    close(d[0].asked_t[1], 18250.0);
    close(d[0].diverted_t[1], 18250.0);
    assert_eq!(d[0].utilisation(1), Some(1.0));
    assert_eq!(d[0].utilisation(0), None);
}

#[test]
fn divert_runs_below_capacity_when_the_routes_run_dry() {
    // 300 t/day = 109 500 t/yr asked, but landfill holds 0.9 × 100 000 = 90 000 t:
    // m = min(1.095, 0.9) = 0.9; utilisation 90 000 / 109 500 = 82.19 %.
    let m = "      - { id: W1, lever: divert, target: waste.routes, from: [landfill], to: incineration, mass: \"300 t/day\", start: 2021 }\n";
    let s = load(&[("model.yaml", WASTE), ("scenario.yaml", &scenario(m))]);
    let c = compile(&s).expect("compile");
    let ws = run_all(&c).expect("run");
    let r = rows(&c, &ws);
    close(value(&r, "Waste|Landfill", 1), 0.0);
    close(value(&r, "Waste|Incineration", 1), 90000.0);
    let d = diversions(&c, &ws);
    close(d[0].diverted_t[1], 90000.0);
    close(d[0].utilisation(1).expect("asked"), 90000.0 / 109500.0);
}

#[test]
fn divert_mass_must_be_a_mass() {
    let m = "      - { id: W1, lever: divert, target: waste.routes, from: [landfill], to: incineration, mass: \"50 MWh\", start: 2021 }\n";
    let e = load_err(&[("model.yaml", WASTE), ("scenario.yaml", &scenario(m))]);
    assert!(e.contains("`mass` must be a mass per year"), "{e}");
    assert!(e.contains("`t/day`"), "{e}");
    assert!(e.contains("`MWh` (energy)"), "{e}");
}

#[test]
fn a_measure_sets_the_net_export_per_tonne_of_incineration() {
    // 0.5 MWh/t in the model; from 2022 the plant exports 0.6 MWh/t: 10 000 t incinerated.
    let model = WASTE.replace(
        "routes: { landfill: 0.9, recycling: 0.1 }",
        "routes: { landfill: 0.8, recycling: 0.1, incineration: 0.1 }",
    );
    let m = "      - { id: W2, lever: set, target: waste.incineration.electricity, value: \"0.6 MWh/t\", start: 2022 }\n";
    let s = load(&[("model.yaml", &model), ("scenario.yaml", &scenario(m))]);
    let c = compile(&s).expect("compile");
    let r = rows(&c, &run_all(&c).expect("run"));
    close(
        value(&r, "Electricity|Local Generation|Waste to Energy", 1),
        5000.0,
    );
    close(
        value(&r, "Electricity|Local Generation|Waste to Energy", 2),
        6000.0,
    );
}

const INDUSTRY: &str = r#"
region: { id: r }
years: { base: 2020, end: 2021 }
gwp: AR5
demand:
  industry:
    activity: "1 t"
    children:
      steel:
        category: manufacturing
        intensity: "1000 TJ/t"
        fuels: { fuel_oil: 0.6, electricity: 0.108 , natural_gas: 0.292 }
      offices:
        category: commercial
        intensity: "1000 TJ/t"
        fuels: { fuel_oil: 0.4, electricity: 0.0648, natural_gas: 0.5352 }
electricity:
  grid_factor: "0 t CO2/MWh"
"#;

#[test]
fn save_distributes_an_absolute_saving_over_the_leaves() {
    // Both leaves get the parent's 1 t (no shares): steel uses 108 TJ = 30 GWh of
    // electricity, offices 64.8 TJ = 18 GWh. Saving 12 GWh takes 12 × 30/48 = 7.5 GWh from
    // steel and 4.5 GWh from offices: electricity 48 → 36 GWh = 129.6 TJ.
    let m = "      - { id: S, lever: save, target: demand.industry.energy, fuel: electricity, amount: \"12 GWh\", start: 2021 }\n";
    let s = load(&[("model.yaml", INDUSTRY), ("scenario.yaml", &scenario(m))]);
    let c = compile(&s).expect("compile");
    let r = rows(&c, &run_all(&c).expect("run"));
    close(value(&r, "Final Energy|electricity", 0), 172.8);
    close(value(&r, "Final Energy|electricity", 1), 129.6);
    close(value(&r, "Electricity|Demand", 1), 36000.0);
    // Other fuels unchanged: 2000 TJ − 43.2 TJ.
    close(value(&r, "Final Energy", 1), 2000.0 - 43.2);
}

#[test]
fn switch_burns_the_new_fuel_with_each_leafs_own_factors() {
    // 300 TJ of fuel oil to natural gas (ratio 1): oil is 600 TJ on steel and 400 TJ on
    // offices, so steel gives 180 TJ and offices 120 TJ. After: oil 420 + 280 TJ, gas
    // 292 + 180 and 535.2 + 120 TJ.
    // CH4 (kg/TJ): oil manufacturing 3, commercial 10; gas manufacturing 1, commercial 5:
    // 420 × 3 + 280 × 10 + 472 × 1 + 655.2 × 5 = 1 260 + 2 800 + 472 + 3 276 = 7 808 kg.
    let m = "      - { id: F, lever: switch, target: demand.industry.energy, from: fuel_oil, to: natural_gas, amount: \"300 TJ\", start: 2021 }\n";
    let s = load(&[("model.yaml", INDUSTRY), ("scenario.yaml", &scenario(m))]);
    let c = compile(&s).expect("compile");
    let r = rows(&c, &run_all(&c).expect("run"));
    close(value(&r, "Final Energy|fuel_oil", 1), 700.0);
    close(value(&r, "Final Energy|natural_gas", 1), 827.2 + 300.0);
    close(value(&r, "Final Energy", 1), 2000.0);
    close(value(&r, "Emissions|CH4", 1), 7.808e-3);
    // CO2: oil 700 TJ × 77 400 + gas 1127.2 TJ × 56 100 kg/TJ.
    close(
        value(&r, "Emissions|CO2", 1),
        (700.0 * 77400.0 + 1127.2 * 56100.0) * 1e-6,
    );
    // With ratio 0.9 the gas gained is 270 TJ: final energy falls by 30 TJ.
    let m = "      - { id: F, lever: switch, target: demand.industry.energy, from: fuel_oil, to: natural_gas, amount: \"300 TJ\", ratio: 0.9, start: 2021 }\n";
    let s = load(&[("model.yaml", INDUSTRY), ("scenario.yaml", &scenario(m))]);
    let c = compile(&s).expect("compile");
    let r = rows(&c, &run_all(&c).expect("run"));
    close(value(&r, "Final Energy", 1), 1970.0);
}

#[test]
fn a_saving_larger_than_the_energy_available_is_a_run_error() {
    let m = "      - { id: S, lever: save, target: demand.industry.energy, fuel: electricity, amount: \"100 GWh\", start: 2021 }\n";
    let s = load(&[("model.yaml", INDUSTRY), ("scenario.yaml", &scenario(m))]);
    let c = compile(&s).expect("compile");
    let e = run_all(&c).expect_err("shortfall");
    assert_eq!(e.year, 2021);
    assert_eq!(
        e.cause,
        Cause::Measure {
            action: 0,
            measure: 0
        }
    );
    let Problem::EnergyShortfall {
        fuel,
        asked_gj,
        available_gj,
    } = &e.problem
    else {
        panic!("{e:?}")
    };
    assert_eq!(fuel, "electricity");
    close(*asked_gj, 360000.0);
    close(*available_gj, 172800.0);
    assert_eq!(
        e.problem.to_string(),
        "asks for 360 TJ of `electricity` but the leaves below use only 172.8 TJ"
    );
}
