//! The inventory extensions (docs/EXTENSIONS.md): IPCC process factors, refrigerant banks,
//! land classes with stock-change accounting, power stations in the region (memo) and
//! market-based electricity, each on a small model computed by hand in the comments.

use lcs_engine::{compile, evaluate, rows, run_all, Row, Workspace};
use lcs_model::{Loader, Scenario};
mod common;
use common::{load, try_load};

fn run(s: &Scenario) -> Vec<Row> {
    let c = compile(s).expect("compile");
    let ws = run_all(&c).expect("run");
    rows(&c, &ws)
}

fn value(rows: &[Row], var: &str, year_idx: usize) -> f64 {
    rows.iter()
        .find(|r| r.variable == var)
        .unwrap_or_else(|| {
            let names: Vec<&str> = rows.iter().map(|r| r.variable.as_str()).collect();
            panic!("no row {var} in {names:?}")
        })
        .values[year_idx]
        .expect("value")
}

fn has(rows: &[Row], var: &str) -> bool {
    rows.iter().any(|r| r.variable == var)
}

fn assert_close(got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "got {got}, want {want}"
    );
}

const SCEN: &str = "scenario: s\nmodel: model.yaml\n";
const HEAD: &str = "region: { id: r, name: R }\nyears: { base: 2020, end: 2022 }\ngwp: AR5\n";

fn model(body: &str) -> String {
    format!("{HEAD}{body}")
}

#[test]
fn process_factors_come_from_the_ipcc_table() {
    // 504 000 t ethylene × 1.73 t CO2/t = 871 920 t = 871.92 kt CO2;
    // × 0.003 t CH4/t = 1 512 t = 1.512 kt CH4; CO2e (AR5) = 871.92 + 28 × 1.512 = 914.256 kt.
    let m =
        model("sources:\n  ippu/ethylene: { activity: \"504000 t\", process: ethylene_naphtha }\n");
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", SCEN)]));
    assert_close(value(&r, "Emissions|CO2", 0), 871.92);
    assert_close(value(&r, "Emissions|CH4", 0), 1.512);
    assert_close(value(&r, "Emissions|CO2e|ippu", 0), 914.256);
    assert_close(value(&r, "Emissions|CO2e", 0), 914.256);
    // A measure on a process factor works as on written factors: CCS capturing 90 % of CO2.
    let s = load(&[
        ("model.yaml", &m),
        (
            "scenario.yaml",
            "scenario: s\nmodel: model.yaml\nactions:\n  - id: CCS\n    measures:\n      - { id: C1, lever: scale, target: sources.ippu/ethylene.factors.CO2, by: -0.9, start: 2021 }\n",
        ),
    ]);
    let r = run(&s);
    // 2021: 871.92 × 0.1 = 87.192 kt CO2.
    assert_close(value(&r, "Emissions|CO2", 1), 87.192);
    // An unknown process is an error with the nearest name; an activity that is not a mass too.
    let bad =
        model("sources:\n  ippu/ethylene: { activity: \"504000 t\", process: ethylene_naptha }\n");
    let e = try_load(&[("model.yaml", &bad), ("scenario.yaml", SCEN)]).unwrap_err();
    assert!(
        e.contains("unknown process `ethylene_naptha`") && e.contains("ethylene_naphtha"),
        "{e}"
    );
    let bad = model(
        "sources:\n  ippu/ethylene: { activity: \"504000 GJ\", process: ethylene_naphtha }\n",
    );
    let e = try_load(&[("model.yaml", &bad), ("scenario.yaml", SCEN)]).unwrap_err();
    assert!(
        e.contains("needs an activity that is a mass of product"),
        "{e}"
    );
}

const BANKS: &str = r#"
units: { counts: [unit] }
drivers:
  cars: { unit: vehicle, value: 372000 }
sources:
  ippu/mobile_ac:
    activity: cars
    refrigerant: { charge: "0.8 kg/vehicle", leak: 0.15, gases: { HFC-134a: 1.0 } }
  ippu/stationary_ac:
    activity: "100000 unit"
    refrigerant:
      charge: "1.5 kg/unit"
      leak: 0.05
      retire: 0.1
      recovery: 0.5
      gases: { HCFC-22: 0.6, HFC-32: 0.2, HFC-125: 0.2 }
"#;

#[test]
fn refrigerant_banks_leak_and_retire_by_gas() {
    // Mobile AC: 372 000 × 0.0008 t × 0.15 = 44.64 t HFC-134a; × 1300 = 58 032 t CO2e.
    // Stationary AC: 100 000 × 0.0015 t × (0.05 + 0.1 × (1 − 0.5)) = 15 t of blend:
    // HCFC-22 9 t (memo: × 1760 = 15 840 t), HFC-32 3 t (× 677 = 2 031 t),
    // HFC-125 3 t (× 3170 = 9 510 t). Counted: 58 032 + 2 031 + 9 510 = 69 573 t.
    let m = model(BANKS);
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", SCEN)]));
    assert_close(value(&r, "Emissions|F-Gases|HFC-134a", 0), 44.64);
    assert_close(value(&r, "Emissions|F-Gases|HFC-32", 0), 3.0);
    assert_close(value(&r, "Emissions|F-Gases|HFC-125", 0), 3.0);
    assert_close(
        value(&r, "Emissions|CO2e|Memo|Montreal Gases|HCFC-22", 0),
        9.0,
    );
    assert_close(value(&r, "Emissions|CO2e|Memo|Montreal Gases", 0), 15.84);
    assert_close(value(&r, "Emissions|F-Gases", 0), 69.573);
    // The counted F-gases are the sector row and the total; the memo gas is in neither, nor
    // in the CO2, CH4 and N2O rows.
    assert_close(value(&r, "Emissions|CO2e|ippu", 0), 69.573);
    assert_close(value(&r, "Emissions|CO2e", 0), 69.573);
    assert_close(value(&r, "Emissions|CO2", 0), 0.0);
    // Phase-down: half of the mobile bank from HFC-134a to HFO-1234yf from 2021 (a gas the
    // bank did not hold joins it); lower leakage in the stationary bank.
    let scen = r#"scenario: s
model: model.yaml
actions:
  - id: K
    measures:
      - { id: K1, lever: shift, target: sources.ippu/mobile_ac.refrigerant.gases, from: [HFC-134a], to: [HFO-1234yf], amount: 0.5, start: 2021 }
      - { id: K2, lever: set, target: sources.ippu/stationary_ac.refrigerant.leak, value: 0.02, start: 2022 }
"#;
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", scen)]));
    // 2021: HFC-134a 22.32 t (× 1300 = 29 016 t), HFO-1234yf 22.32 t (× 1 = 22.32 t).
    assert_close(value(&r, "Emissions|F-Gases|HFC-134a", 1), 22.32);
    assert_close(value(&r, "Emissions|F-Gases|HFO-1234yf", 1), 22.32);
    assert_close(value(&r, "Emissions|F-Gases|HFO-1234yf", 0), 0.0);
    // 2022: stationary 100 000 × 0.0015 × (0.02 + 0.05) = 10.5 t: HFC-32 2.1 t, HFC-125 2.1 t.
    assert_close(value(&r, "Emissions|F-Gases|HFC-32", 2), 2.1);
    let counted_2022 = (22.32 * 1300.0 + 22.32 + 2.1 * 677.0 + 2.1 * 3170.0) / 1000.0;
    assert_close(value(&r, "Emissions|F-Gases", 2), counted_2022);
}

#[test]
fn refrigerant_mistakes_are_reported() {
    let cases = [
        (
            BANKS.replace("HFC-134a: 1.0", "HFC134a: 1.0"),
            "unknown gas `HFC134a`",
        ),
        (
            BANKS.replace("\"0.8 kg/vehicle\"", "\"0.8 kg\""),
            "is not a mass of refrigerant",
        ),
        (BANKS.replace("leak: 0.15", "leak: 1.5"), "outside 0 to 1"),
        (
            BANKS.replace("HFC-125: 0.2 }", "HFC-125: 0.3 }"),
            "the shares sum to 1.1",
        ),
    ];
    for (body, want) in cases {
        let e = try_load(&[("model.yaml", &model(&body)), ("scenario.yaml", SCEN)]).unwrap_err();
        assert!(e.contains(want), "want `{want}` in {e}");
    }
}

const LAND: &str = r#"
sources:
  afolu/mangrove:
    land:
      cover: mangrove_tropical_wet
      area: "10000 ha"
      removals: "-5 t CO2/ha"
      conversion: "100 ha"
      soil_lost: 1.0
      soil_years: 1
  afolu/forest:
    land:
      area: "2000 ha"
      conversion: "100 ha"
      restoration: { unit: ha, points: { 2020: 0, 2021: 50 }, interp: step }
      biomass_loss: "826 t CO2/ha"
      soil_loss: "200 t CO2/ha"
"#;

#[test]
fn land_classes_count_removals_and_the_carbon_of_converted_land() {
    // Mangrove, 2020: area 10 000 − 100 = 9 900 ha; remaining 9 900 × −5 = −49 500 t CO2;
    // converted: biomass 100 × 129.0 × 44/12 = 47 300 t, soil 100 × 286 × 44/12 = 104 866.67 t
    // in the year of conversion (soil_years 1): 152 166.67 t.
    // Forest, 2020: area 2 000 − 100 = 1 900 ha; no removals; converted 100 × 826 = 82 600 t
    // plus soil 100 × 200 / 20 = 1 000 t (first cohort of 20 years) = 83 600 t.
    // 2021: area 1 900 + 50 − 100 = 1 850 ha; soil of two cohorts 2 000 t: 84 600 t.
    let m = model(LAND);
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", SCEN)]));
    assert_close(value(&r, "Land Area|afolu/mangrove", 0), 9900.0);
    assert_close(
        value(&r, "Emissions|CO2|Land|afolu/mangrove|Remaining", 0),
        -49.5,
    );
    let soil = 100.0 * 286.0 * 44.0 / 12.0 / 1000.0;
    assert_close(
        value(&r, "Emissions|CO2|Land|afolu/mangrove|Converted", 0),
        47.3 + soil,
    );
    assert_close(value(&r, "Land Area|afolu/forest", 1), 1850.0);
    assert_close(
        value(&r, "Emissions|CO2|Land|afolu/forest|Converted", 0),
        83.6,
    );
    assert_close(
        value(&r, "Emissions|CO2|Land|afolu/forest|Converted", 1),
        84.6,
    );
    // The land classes' CO2 is the sector row, the CO2 row and the total.
    let total0 = -49.5 + 47.3 + soil + 83.6;
    assert_close(value(&r, "Emissions|CO2e|afolu", 0), total0);
    assert_close(value(&r, "Emissions|CO2", 0), total0);
    assert_close(value(&r, "Emissions|CO2e", 0), total0);
    // Protection acts on the conversion, not on a sink factor: no mangrove converted from
    // 2021, so its area stays at 9 900 ha and only the sink remains.
    let scen = r#"scenario: s
model: model.yaml
actions:
  - id: P
    measures:
      - { id: P1, lever: scale, target: sources.afolu/mangrove.land.conversion, by: -1, start: 2021 }
"#;
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", scen)]));
    assert_close(value(&r, "Land Area|afolu/mangrove", 2), 9900.0);
    assert_close(
        value(&r, "Emissions|CO2|Land|afolu/mangrove|Converted", 1),
        0.0,
    );
    assert_close(
        value(&r, "Emissions|CO2|Land|afolu/mangrove|Remaining", 2),
        -49.5,
    );
}

#[test]
fn land_that_runs_out_is_a_run_error_and_mistakes_are_reported() {
    // 2 000 ha converted at 1 500 ha a year: −1 000 ha in 2021.
    let m = model(
        &LAND
            .replace("area: \"2000 ha\"", "area: \"2000 ha\"\n      # small")
            .replace(
                "conversion: \"100 ha\"\n      restoration",
                "conversion: \"1500 ha\"\n      restoration",
            ),
    );
    let s = load(&[("model.yaml", &m), ("scenario.yaml", SCEN)]);
    let c = compile(&s).expect("compile");
    let mut ws = Workspace::new(&c);
    let err = evaluate(&c, &mut ws, &[]).expect_err("runs out of land");
    assert_eq!(err.year, 2021);
    assert!(
        err.to_string()
            .contains("sources.afolu/forest.land.conversion"),
        "{err}"
    );
    let cases = [
        (
            LAND.replace("\"-5 t CO2/ha\"", "\"-5 t/ha\""),
            "must be a mass of CO2 per area",
        ),
        (
            LAND.replace("cover: mangrove_tropical_wet", "cover: mangrove"),
            "unknown land cover `mangrove`",
        ),
        (
            LAND.replace("biomass_loss: \"826 t CO2/ha\"", ""),
            "needs `biomass_loss` or a `cover`",
        ),
        (
            LAND.replace("area: \"10000 ha\"", "area: \"10000 t\""),
            "wrong unit",
        ),
        (
            LAND.replace("soil_years: 1", "soil_years: 0"),
            "not a whole number of years",
        ),
    ];
    for (body, want) in cases {
        let e = try_load(&[("model.yaml", &model(&body)), ("scenario.yaml", SCEN)]).unwrap_err();
        assert!(e.contains(want), "want `{want}` in {e}");
    }
    let e = try_load(&[
        (
            "model.yaml",
            &model(&LAND.replace(
                "    land:\n      cover",
                "    activity: \"1 ha\"\n    land:\n      cover",
            )),
        ),
        ("scenario.yaml", SCEN),
    ])
    .unwrap_err();
    assert!(e.contains("`activity` does not go with `land`"), "{e}");
}

const GRID: &str = r#"
drivers:
  households: { unit: household, value: 100 }
demand:
  residential:
    category: residential
    activity: households
    intensity: "36 GJ/household"
    fuels: { electricity: 1.0 }
electricity:
  grid_factor: "0.7 t CO2/MWh"
  plants:
    coal_unit: { capacity: "700 MW", capacity_factor: 0.75, efficiency: 0.36, fuel: coal }
"#;

#[test]
fn power_stations_in_the_region_are_a_memo_line_only() {
    // 700 MW × 8 760 h × 0.75 = 4 599 000 MWh; fuel 4 599 000 × 3.6 / 0.36 = 45 990 000 GJ.
    // CO2 45 990 000 × 0.0946 t/GJ = 4 350 654 t; CH4 (energy, coal 1 kg/TJ) 45.99 t;
    // N2O (1.5 kg/TJ) 68.985 t; CO2e = 4 350 654 + 28 × 45.99 + 265 × 68.985
    // = 4 370 222.745 t = 4 370.222745 kt.
    let m = model(GRID);
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", SCEN)]));
    assert_close(
        value(&r, "Electricity|Supplied to the Grid|coal_unit", 0),
        4_599_000.0,
    );
    assert_close(
        value(
            &r,
            "Emissions|CO2e|Memo|Energy Generation Supplied to the Grid|coal_unit",
            0,
        ),
        4370.222745,
    );
    assert_close(
        value(
            &r,
            "Emissions|CO2e|Memo|Energy Generation Supplied to the Grid",
            0,
        ),
        4370.222745,
    );
    // Not in the consumption total: 100 × 36 GJ = 1 000 MWh × 0.7 = 700 t = 0.7 kt.
    assert_close(value(&r, "Emissions|CO2e", 0), 0.7);
    assert_close(value(&r, "Emissions|CO2", 0), 0.7);
    let e = try_load(&[
        (
            "model.yaml",
            &model(&GRID.replace("fuel: coal", "fuel: electricity")),
        ),
        ("scenario.yaml", SCEN),
    ])
    .unwrap_err();
    assert!(e.contains("is not a fuel a power station burns"), "{e}");
}

fn market_scenario(amount: &str, factor: &str) -> String {
    format!(
        "scenario: s\nmodel: model.yaml\nactions:\n  - id: G\n    measures:\n      - {{ id: G1, lever: purchase, target: electricity.market, instrument: green_tariff, amount: \"{amount}\", factor: \"{factor}\", start: 2020 }}\n"
    )
}

#[test]
fn market_based_results_count_instruments_and_location_based_results_do_not() {
    let m = model(GRID);
    // No instrument, no residual factor: no market rows at all, and with an instrument's
    // action switched off the market-based total equals the location-based total.
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", SCEN)]));
    assert!(!has(&r, "Emissions|CO2e|Memo|Market-based"));
    let s = load(&[
        ("model.yaml", &m),
        ("scenario.yaml", &market_scenario("400 MWh", "0 t CO2e/MWh")),
    ]);
    let c = compile(&s).expect("compile");
    let ws = lcs_engine::run_reference(&c).expect("reference");
    let r = rows(&c, &ws);
    for y in 0..3 {
        assert_eq!(
            value(&r, "Emissions|CO2e|Memo|Market-based", y),
            value(&r, "Emissions|CO2e", y)
        );
        assert_eq!(value(&r, "Electricity|Market Instruments", y), 0.0);
    }
    // 400 MWh on a green tariff (factor 0) of 1 000 MWh: EM = 600 × 0.7 = 420 t; the
    // location-based total stays 700 t.
    let r = run(&s);
    assert_close(value(&r, "Electricity|Market Instruments", 0), 400.0);
    assert_close(
        value(&r, "Emissions|CO2e|Memo|Market-based|Electricity", 0),
        0.42,
    );
    assert_close(value(&r, "Emissions|CO2e|Memo|Market-based", 0), 0.42);
    assert_close(value(&r, "Emissions|CO2e", 0), 0.7);
    // More instruments than grid supply: 1 500 MWh at 0.1 t/MWh covers the 1 000 MWh with
    // s = 2/3: EM = 0 + 2/3 × 150 = 100 t.
    let s = load(&[
        ("model.yaml", &m),
        (
            "scenario.yaml",
            &market_scenario("1500 MWh", "0.1 t CO2e/MWh"),
        ),
    ]);
    let r = run(&s);
    assert_close(value(&r, "Electricity|Market Instruments", 0), 1000.0);
    assert_close(value(&r, "Emissions|CO2e|Memo|Market-based", 0), 0.1);
    // With a residual-mix factor of 0.8 t CO2e/MWh: EM = 600 × 0.8 = 480 t.
    let mr = model(&GRID.replace(
        "grid_factor: \"0.7 t CO2/MWh\"",
        "grid_factor: \"0.7 t CO2/MWh\"\n  residual_factor: \"0.8 t CO2e/MWh\"",
    ));
    let s = load(&[
        ("model.yaml", &mr),
        ("scenario.yaml", &market_scenario("400 MWh", "0 t CO2e/MWh")),
    ]);
    let r = run(&s);
    assert_close(value(&r, "Emissions|CO2e|Memo|Market-based", 0), 0.48);
    // A purchase on another target, or another lever on the market, is an error.
    let bad = market_scenario("400 MWh", "0 t CO2e/MWh")
        .replace("electricity.market", "electricity.losses");
    let e = try_load(&[("model.yaml", &m), ("scenario.yaml", &bad)]).unwrap_err();
    assert!(
        e.contains("lever `purchase` does not apply to `electricity.losses`"),
        "{e}"
    );
    let bad = market_scenario("400 MWh", "0 t CO2e/MWh").replace("green_tariff", "green_tarif");
    let e = try_load(&[("model.yaml", &m), ("scenario.yaml", &bad)]).unwrap_err();
    assert!(
        e.contains("unknown instrument `green_tarif`") && e.contains("green_tariff"),
        "{e}"
    );
}

#[test]
fn emission_parts_add_up_to_the_total() {
    // The every-key schema case: every demand form, a mix grid with losses, waste by type
    // with anaerobic digestion, wastewater, v1 sources, a process, a refrigerant bank, land
    // classes, plants, market instruments and `save`/`switch` measures.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/schema-cases");
    let mut loader = Loader::new();
    let s = loader
        .load_scenario(&root.join("cm.yaml"))
        .unwrap_or_else(|d| panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)));
    let c = compile(&s).expect("compile");
    for mask in [vec![true; s.actions.len()], vec![false; s.actions.len()]] {
        let mut ws = Workspace::new(&c);
        evaluate(&c, &mut ws, &mask).expect("run");
        let r = rows(&c, &ws);
        let parts = lcs_engine::emission_parts(&c, &ws);
        assert!(parts.iter().any(|p| p.part.is_memo()));
        for y in 0..c.years().len() {
            let sum: f64 = parts
                .iter()
                .filter(|p| !p.part.is_memo())
                .map(|p| p.co2e_t[y])
                .sum();
            let total = value(&r, "Emissions|CO2e", y) * 1e3;
            assert!(
                (sum - total).abs() <= 1e-9 * total.abs(),
                "{y}: {sum} vs {total}"
            );
            // The losses parts are the T&D row; the electricity parts with them the grid.
            let losses: f64 = parts
                .iter()
                .filter(|p| matches!(p.part, lcs_engine::Part::Losses { .. }))
                .map(|p| p.co2e_t[y])
                .sum();
            let td = value(&r, "Emissions|CO2e|Electricity|T&D Losses", y) * 1e3;
            assert!((losses - td).abs() <= 1e-9 * td.abs().max(1.0));
        }
    }
}

#[test]
fn carbon_capture_at_the_incinerator_stack() {
    // 1 000 t of plastics burnt: 1 000 × dm 1.0 × CF 0.75 × FCF 1.0 × 44/12 = 2 750 t CO2;
    // with 90 % captured from 2021: 275 t.
    let m = model(
        "waste:\n  generation: \"1000 t\"\n  composition: { plastics: 1.0 }\n  routes: { landfill: 0.0, incineration: 1.0 }\n",
    );
    let scen = "scenario: s\nmodel: model.yaml\nactions:\n  - id: W\n    measures:\n      - { id: W1, lever: set, target: waste.incineration.capture, value: 0.9, start: 2021 }\n";
    let r = run(&load(&[("model.yaml", &m), ("scenario.yaml", scen)]));
    assert_close(value(&r, "Emissions|CO2|Waste|Incineration", 0), 2.75);
    assert_close(value(&r, "Emissions|CO2|Waste|Incineration", 1), 0.275);
    assert_close(value(&r, "Emissions|CO2e", 1), 0.275);
}

#[test]
fn a_trend_parameter_keeps_the_base_year_and_scales_the_growth() {
    // GDP 100 (2020) → 121 (2022) (10 %/yr). A trend multiplier s = 0.5 keeps 2020 and takes
    // the square root of the growth: 2021 100 × 1.1^0.5 = 104.8809, 2022 100 × 1.21^0.5 = 110.
    // A level multiplier of 1.1 scales every year, base year included.
    let m = model("drivers:\n  gdp: { unit: MYR million, points: { 2020: 100, 2021: 110, 2022: 121 } }\nreport: { intensity: [gdp] }\n");
    let scen = "scenario: s\nmodel: model.yaml\nuncertainty:\n  parameters:\n    - { id: g, path: drivers.gdp, as: trend, distribution: uniform, min: 0.4, max: 0.6 }\n    - { id: l, path: drivers.gdp, as: level, distribution: uniform, min: 1.0, max: 1.2 }\n";
    let s = load(&[("model.yaml", &m), ("scenario.yaml", scen)]);
    assert_eq!(s.uncertainty[0].mode, lcs_model::UncertainMode::Trend);
    assert_eq!(s.uncertainty[1].mode, lcs_model::UncertainMode::Multiplier);
    let c = compile(&s).expect("compile");
    let mut ws = Workspace::new(&c);
    lcs_engine::evaluate_with(&c, &mut ws, &[], &[0.5, 1.0]).expect("run");
    let r = rows(&c, &ws);
    assert_close(value(&r, "Drivers|gdp", 0), 100.0);
    assert_close(value(&r, "Drivers|gdp", 1), 100.0 * 1.1f64.sqrt());
    assert_close(value(&r, "Drivers|gdp", 2), 110.0);
    // Both: the level after the trend (file order): 2022 = 1.1 × 110 = 121; 2020 = 110.
    lcs_engine::evaluate_with(&c, &mut ws, &[], &[0.5, 1.1]).expect("run");
    let r = rows(&c, &ws);
    assert_close(value(&r, "Drivers|gdp", 0), 110.0);
    assert_close(value(&r, "Drivers|gdp", 2), 121.0);
    // An unknown mode is an error with the names.
    let bad = scen.replace("as: trend", "as: trnd");
    let e = try_load(&[("model.yaml", &m), ("scenario.yaml", &bad)]).unwrap_err();
    assert!(
        e.contains("unknown mode `trnd`") && e.contains("`trend`"),
        "{e}"
    );
}
