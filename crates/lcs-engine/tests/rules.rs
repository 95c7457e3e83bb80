//! Run rules of issue 14: share-map scratch sized from the compiled steps, finite results
//! named by series or row, activities ≥ 0 when computed during a run.

use lcs_engine::{compile, rows, run_all, Cause, Problem, Row};
mod common;
use common::{load, load_err};

fn value(rows: &[Row], var: &str, year_idx: usize) -> f64 {
    rows.iter()
        .find(|r| r.variable == var)
        .unwrap_or_else(|| panic!("no row {var}"))
        .values[year_idx]
        .expect("value")
}

fn close(got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "got {got}, want {want}"
    );
}

/// A node with `k` children of equal share, each burning its own quantity of diesel.
fn many_children_model(k: usize) -> String {
    let mut children = String::new();
    for i in 0..k {
        children.push_str(&format!("      c{i}: {{ share: {} }}\n", 1.0 / k as f64));
    }
    format!(
        r#"
region: {{ id: r }}
years: {{ base: 2020, end: 2021 }}
gwp: AR5
demand:
  industry:
    category: manufacturing
    activity: "1000 t"
    intensity: "1 GJ/t"
    fuels: {{ diesel: 1.0 }}
    children:
{children}"#
    )
}

#[test]
fn set_and_shift_on_a_node_with_more_than_64_children() {
    // 70 children of share 1/70; `set` gives c0 all of it by 2021; a `shift` moves 0.5 of
    // the rest to c1 first. Every child keeps 1 GJ/t, so final energy stays 1000 GJ = 1 TJ.
    let k = 70;
    let set_value = "{ c0: 1.0 }";
    let scen = format!(
        "scenario: s\nmodel: model.yaml\nactions:\n  - id: A\n    measures:\n      - {{ id: M1, lever: shift, target: demand.industry, from: [{}], to: [c1], amount: 0.5, start: 2021 }}\n      - {{ id: M2, lever: set, target: demand.industry, value: {set_value}, start: 2021 }}\n",
        (2..k).map(|i| format!("c{i}")).collect::<Vec<_>>().join(", ")
    );
    let s = load(&[
        ("model.yaml", &many_children_model(k)),
        ("scenario.yaml", &scen),
    ]);
    let c = compile(&s).expect("compile");
    let ws = run_all(&c).expect("a map of 70 items runs");
    let r = rows(&c, &ws);
    close(value(&r, "Share|industry/c0", 1), 1.0);
    close(value(&r, "Share|industry/c1", 1), 0.0);
    close(value(&r, "Share|industry/c5", 0), 1.0 / 70.0);
    close(value(&r, "Final Energy|diesel", 1), 1.0);
}

#[test]
fn set_on_a_mix_of_more_than_64_plants() {
    // 80 gas plants of share 1/80 with efficiency 0.5; `set` moves everything to p0 (same
    // fuel), so grid emissions are unchanged: 1000 MWh × 3.6 GJ / 0.5 × 56.1 kg/TJ CO2…
    let k = 80;
    let mut plants = String::new();
    for i in 0..k {
        plants.push_str(&format!(
            "    p{i}: {{ share: {}, efficiency: 0.5, fuel: natural_gas }}\n",
            1.0 / k as f64
        ));
    }
    let model = format!(
        r#"
region: {{ id: r }}
years: {{ base: 2020, end: 2021 }}
gwp: AR5
demand:
  homes:
    category: residential
    activity: "1000 MWh"
    intensity: "1 MWh/MWh"
    fuels: {{ electricity: 1.0 }}
electricity:
  mix:
{plants}"#
    );
    let scen = "scenario: s\nmodel: model.yaml\nactions:\n  - id: A\n    measures:\n      - { id: M, lever: set, target: electricity.mix, value: { p0: 1.0 }, start: 2021 }\n";
    let s = load(&[("model.yaml", &model), ("scenario.yaml", scen)]);
    let c = compile(&s).expect("compile");
    let ws = run_all(&c).expect("a mix of 80 plants runs");
    let r = rows(&c, &ws);
    // Fuel: 1000 MWh × 3.6 GJ/MWh / 0.5 = 7200 GJ = 7.2 TJ; CO2 = 7.2 × 56 100 kg = 403.92 t.
    close(value(&r, "Emissions|CO2", 0), 0.40392);
    close(value(&r, "Emissions|CO2", 1), 0.40392);
}

const TINY: &str = r#"
region: { id: tiny }
years: { base: 2020, end: 2030 }
gwp: AR5
drivers:
  population: { unit: person, base: 100000, growth: 0.02 }
  household_size: { unit: person/household, points: { 2020: 4.0, 2029: 3.5, 2030: 0 }, interp: step }
  households: { unit: household, expr: population / household_size }
demand:
  residential:
    category: residential
    activity: households
    intensity: "20 GJ/household"
    fuels: { lpg: 1.0 }
"#;

#[test]
fn a_zero_divisor_is_a_run_error_naming_the_driver_and_year() {
    let s = load(&[
        ("model.yaml", TINY),
        ("scenario.yaml", "scenario: s\nmodel: model.yaml\n"),
    ]);
    let c = compile(&s).expect("compile");
    let e = run_all(&c).expect_err("households is infinite in 2030");
    assert_eq!(e.year, 2030);
    assert!(
        matches!(&e.cause, Cause::Series { name, span: Some(_) } if name == "drivers.households"),
        "{e:?}"
    );
    assert!(matches!(e.problem, Problem::NonFinite { value } if value.is_infinite()));
}

#[test]
fn an_activity_read_from_a_driver_that_turns_negative_is_a_run_error() {
    // `households = population - 10 * population` is negative from the start: the activity of
    // `residential` reads it directly and must be ≥ 0.
    let model = TINY
        .replace(
            "points: { 2020: 4.0, 2029: 3.5, 2030: 0 }, interp: step",
            "value: 4",
        )
        .replace(
            "households: { unit: household, expr: population / household_size }",
            "households: { unit: person, expr: population - 10 * population }",
        )
        .replace("\"20 GJ/household\"", "\"20 GJ/person\"");
    let s = load(&[
        ("model.yaml", &model),
        ("scenario.yaml", "scenario: s\nmodel: model.yaml\n"),
    ]);
    let c = compile(&s).expect("compile");
    let e = run_all(&c).expect_err("negative activity");
    assert_eq!(e.year, 2020);
    assert!(
        matches!(&e.cause, Cause::Series { name, .. } if name == "demand.residential.activity"),
        "{e:?}"
    );
    // 100 000 − 10 × 100 000 = −900 000 person.
    assert_eq!(e.problem, Problem::Negative { value: -900000.0 });
}

#[test]
fn an_overflow_in_the_results_is_a_run_error_naming_the_row() {
    // 1e200 households × 1e200 GJ each overflows final energy to inf in every year.
    let model = TINY
        .replace(
            "points: { 2020: 4.0, 2029: 3.5, 2030: 0 }, interp: step",
            "value: 1e-195",
        )
        .replace("\"20 GJ/household\"", "\"1e200 GJ/household\"");
    let s = load(&[
        ("model.yaml", &model),
        ("scenario.yaml", "scenario: s\nmodel: model.yaml\n"),
    ]);
    let c = compile(&s).expect("compile");
    let e = run_all(&c).expect_err("overflow");
    assert_eq!(e.year, 2020);
    assert_eq!(
        e.cause,
        Cause::Row {
            variable: "Final Energy|lpg".into()
        }
    );
}

#[test]
fn negative_base_quantities_are_load_errors() {
    let scen = "scenario: s\nmodel: model.yaml\n";
    // A driver used as an activity: the driver may be negative, the activity may not.
    let m = TINY
        .replace(
            "points: { 2020: 4.0, 2029: 3.5, 2030: 0 }, interp: step",
            "value: 4",
        )
        .replace(
            "base: 100000, growth: 0.02",
            "points: { 2020: 100, 2030: -100 }",
        )
        .replace("activity: households", "activity: population")
        .replace("\"20 GJ/household\"", "\"20 GJ/person\"");
    let e = load_err(&[("model.yaml", &m), ("scenario.yaml", scen)]);
    assert!(
        e.contains("driver `population` is -20 person in 2026"),
        "{e}"
    );
    assert!(e.contains("key: `demand.residential.activity`"), "{e}");
    // `per` of a `{ driver, per }` activity.
    let m = TINY.replace(
        "activity: households",
        "activity: { driver: households, per: \"-2 household/household\" }",
    );
    let e = load_err(&[("model.yaml", &m), ("scenario.yaml", scen)]);
    assert!(e.contains("an activity's `per` cannot be negative"), "{e}");
    assert!(e.contains("key: `demand.residential.activity.per`"), "{e}");
    // Waste generation given as a series.
    let m = format!(
        "{TINY}waste:\n  generation: \"-5 t\"\n  composition: {{ food: 1.0 }}\n  routes: {{ landfill: 1.0 }}\n"
    );
    let e = load_err(&[("model.yaml", &m), ("scenario.yaml", scen)]);
    assert!(
        e.contains("an activity cannot be negative: `-5 t` in 2020"),
        "{e}"
    );
    assert!(e.contains("key: `waste.generation`"), "{e}");
}
