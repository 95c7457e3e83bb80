//! One hand-computed test per methodology (the arithmetic in the comments), the avoided
//! landfill CH4 and the incineration CO2 of a waste-to-energy plant against the engine run
//! on the same deposits, and the economics against a worked example.

use lcs_engine::waste_row;
use lcs_projects::methodology::Side;
use lcs_projects::{appraise, Appraisal};
use std::path::{Path, PathBuf};

/// A small model: constant grid factor 0.5 t CO2/MWh, AR5 (CH4 28, N2O 265), a landfill
/// with the IPCC tropical k, DOCf 0.5, F 0.5, MCF 1, OX 0.1; `waste` is the waste section's
/// generation, composition, routes and recovery.
fn model_yaml(waste: &str) -> String {
    format!(
        r#"region: {{ id: t, name: Test }}
years: {{ base: 2020, end: 2040 }}
gwp: AR5
drivers:
  population: {{ unit: person, base: 1000, growth: 0.0 }}
demand:
  homes:
    category: residential
    activity: population
    intensity: "1 GJ/person"
    fuels: {{ electricity: 1.0 }}
electricity:
  losses: 0.0
  grid_factor: "0.5 t CO2/MWh"
waste:
{waste}
  landfill: {{ mcf: 1.0, oxidation: 0.1, recovery: RECOVERY }}
  incineration: {{ electricity: "0.5 MWh/t" }}
"#
    )
}

const FOOD_WASTE: &str = r#"  generation: "1000 t"
  composition: { food: 1.0 }
  routes: { landfill: 1.0, recycling: 0.0, composting: 0.0, incineration: 0.0 }"#;

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("lcs-projects-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("temp dir");
        Dir(d)
    }
    fn write(&self, file: &str, text: &str) -> PathBuf {
        let p = self.0.join(file);
        std::fs::write(&p, text).expect("write");
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn load(path: &Path) -> Vec<lcs_model::Project> {
    let mut loader = lcs_model::Loader::new();
    match loader.load_projects(path) {
        Ok(p) => p,
        Err(d) => panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)),
    }
}

/// Appraises the one project of `project` (YAML) against a model with `waste`, `recovery`.
fn run(name: &str, waste: &str, recovery: f64, project: &str) -> Appraisal {
    let d = Dir::new(name);
    d.write(
        "model.yaml",
        &model_yaml(waste).replace("RECOVERY", &recovery.to_string()),
    );
    let p = d.write("project.yaml", project);
    appraise(&load(&p)[0]).expect("appraised")
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

fn assert_close(a: f64, b: f64, tol: f64, what: &str) {
    assert!(close(a, b, tol), "{what}: {a} vs {b}");
}

fn component(a: &Appraisal, name: &str) -> Vec<f64> {
    a.flows
        .components
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no component `{name}`"))
        .t_co2e
        .clone()
}

#[test]
fn pv_grid_by_hand() {
    let a = run(
        "pv",
        FOOD_WASTE,
        0.0,
        r#"project: pv
region: model.yaml
methodology: pv-grid
start: 2025
lifetime: "3 yr"
parameters: { capacity: "2 MW", capacity_factor: 0.15, degradation: 0.005 }
reference: { grid_factor: model }
"#,
    );
    // EG_2025 = 2 MW × 8760 h × 0.15 = 2628 MWh; RE = 2628 × 0.5 = 1314 t CO2.
    // 2026: 2628 × 0.995 = 2614.86 MWh → 1307.43 t; 2027: 2628 × 0.995² = 2601.7857 → 1300.89285 t.
    let er: Vec<f64> = a.years.iter().map(|y| y.reduction_t).collect();
    for (got, want) in er.iter().zip([1314.0, 1307.43, 1300.89285]) {
        assert_close(*got, want, 1e-9, "ER");
    }
    assert!(a.years.iter().all(|y| y.project_t == 0.0));
    // Lifetime 3922.32285 t; annual mean 1307.44095 t.
    assert_close(a.lifetime_reduction_t, 3922.32285, 1e-9, "lifetime");
    assert_close(a.annual_reduction_t, 1307.44095, 1e-9, "annual");

    // A fixed JCM-style factor with conservativeness: 2628 MWh × 0.6 × 0.9 = 1419.12 t.
    let b = run(
        "pv-fixed",
        FOOD_WASTE,
        0.0,
        r#"project: pv
region: model.yaml
methodology: pv-grid
start: 2025
lifetime: 1
parameters: { capacity: "2000 kW", capacity_factor: 0.15 }
reference: { grid_factor: "0.6 t CO2/MWh", conservativeness: 0.9 }
"#,
    );
    assert_close(b.years[0].reduction_t, 1419.12, 1e-9, "fixed factor");
}

#[test]
fn pv_captive_by_hand() {
    let a = run(
        "captive",
        FOOD_WASTE,
        0.0,
        r#"project: cap
region: model.yaml
methodology: pv-captive
start: 2025
lifetime: 1
parameters: { generation: "1000 MWh/yr" }
reference: { captive: { fuel: diesel, efficiency: 0.35 } }
"#,
    );
    // Diesel, energy industries: CO2 74 100, CH4 3, N2O 0.6 kg/TJ →
    // 0.0741 + 28 × 3e-6 + 265 × 0.6e-6 = 0.074343 t CO2e/GJ of fuel; / 0.35 = 0.21240857 t
    // per GJ of electricity; 1000 MWh = 3600 GJ → RE = 764.670857 t.
    assert_close(
        a.years[0].reduction_t,
        3600.0 * 0.074343 / 0.35,
        1e-9,
        "captive",
    );
    assert_close(a.years[0].reduction_t, 764.670857, 1e-8, "captive value");
}

#[test]
fn efficient_equipment_by_hand() {
    let a = run(
        "eff",
        FOOD_WASTE,
        0.0,
        r#"project: chillers
region: model.yaml
methodology: efficient-equipment
start: 2030
lifetime: 2
parameters: { energy: electricity, consumption: "1000 MWh/yr", efficiency_project: 6, efficiency_reference: 4 }
"#,
    );
    // RE = 1000 MWh × 6/4 × 0.5 = 750 t; PE = 1000 × 0.5 = 500 t; ER = 250 t a year.
    assert_close(a.years[0].reference_t, 750.0, 1e-12, "RE");
    assert_close(a.years[0].project_t, 500.0, 1e-12, "PE");
    assert_close(a.lifetime_reduction_t, 500.0, 1e-12, "lifetime");
    // Energy saved: 1000 MWh × (1.5 − 1) = 500 MWh = 1800 GJ.
    assert_close(a.flows.energy_saved_gj[0], 1800.0, 1e-12, "saved");

    let b = run(
        "eff-gas",
        FOOD_WASTE,
        0.0,
        r#"project: burners
region: model.yaml
methodology: efficient-equipment
start: 2030
lifetime: 1
parameters: { energy: natural_gas, consumption: "1000 GJ/yr", efficiency_project: 0.9, efficiency_reference: 0.8 }
"#,
    );
    // Natural gas, manufacturing: 56 100, CH4 1, N2O 0.1 kg/TJ → 0.0561 + 28e-6 + 26.5e-6 =
    // 0.0561545 t/GJ. RE = 1000 × 1.125 × 0.0561545 = 63.1738125; PE = 56.1545; ER = 7.0193125.
    assert_close(b.years[0].reduction_t, 7.0193125, 1e-9, "gas burners");
}

#[test]
fn fuel_switch_by_hand() {
    let a = run(
        "switch",
        FOOD_WASTE,
        0.0,
        r#"project: boilers
region: model.yaml
methodology: fuel-switch
start: 2030
lifetime: 1
parameters: { from: coal, to: natural_gas, fuel_consumption: "100 TJ/yr", efficiency_from: 0.8, efficiency_to: 0.9 }
"#,
    );
    // Coal, manufacturing: 94 600, CH4 10, N2O 1.5 kg/TJ → 0.0946 + 0.00028 + 0.0003975 =
    // 0.0952775 t/GJ; RE = 100 000 GJ × 0.0952775 = 9527.75 t.
    // FC_p = 100 000 × 0.8 / 0.9 = 88 888.89 GJ; PE = 88 888.89 × 0.0561545 = 4991.5111 t.
    assert_close(a.years[0].reference_t, 9527.75, 1e-9, "RE");
    assert_close(
        a.years[0].project_t,
        100_000.0 * 0.8 / 0.9 * 0.0561545,
        1e-9,
        "PE",
    );
    assert_close(a.years[0].reduction_t, 4536.238889, 1e-8, "ER");
}

#[test]
fn waste_to_energy_by_hand() {
    let a = run(
        "wte",
        FOOD_WASTE,
        0.0,
        r#"project: wte
region: model.yaml
methodology: waste-to-energy
start: 2025
lifetime: "2 yr"
parameters: { throughput: "1000 t/yr", net_export: "0.5 MWh/t", composition: { food: 1.0 } }
"#,
    );
    // Year 1: nothing diverted has decayed yet: landfill CH4 0. Export 1000 t × 0.5 MWh =
    // 500 MWh × 0.5 t/MWh = 250 t. PE: food has no fossil carbon; stack CH4 1000 × 2e-7 × 28
    // = 0.0056 t, N2O 1000 × 5e-5 × 265 = 13.25 t → 13.2556 t. ER = 236.7444 t.
    assert_close(a.years[0].reduction_t, 236.7444, 1e-9, "ER 2025");
    // Year 2: Da = 1000 × 0.15 × 0.5 × 1 = 75 t C; decomposed 75 × (1 − e^−0.4) = 75 ×
    // 0.32967995 = 24.725997 t C; CH4 = 24.725997 × 0.5 × 16/12 × (1 − 0) × (1 − 0.1) =
    // 14.835598 t, × 28 = 415.39674 t CO2e.
    let ch4 = 75.0 * (1.0 - (-0.4f64).exp()) * 0.5 * 16.0 / 12.0 * 0.9 * 28.0;
    assert_close(
        component(&a, "landfill CH4 avoided")[1],
        ch4,
        1e-12,
        "CH4 2026",
    );
    assert_close(ch4, 415.39674, 1e-7, "CH4 value");
    assert_close(
        a.years[1].reduction_t,
        ch4 + 250.0 - 13.2556,
        1e-12,
        "ER 2026",
    );
    // Committed: 0.15 × 0.5 × 1 × 0.5 × 16/12 = 0.05 t CH4 generated per t, 0.045 emitted
    // (OX 0.1), 1.26 t CO2e.
    let c = a.committed_ch4.expect("committed CH4");
    assert_close(c.generated_t_per_t, 0.05, 1e-12, "committed generated");
    assert_close(c.emitted_t_per_t, 0.045, 1e-12, "committed emitted");
    assert_close(c.co2e_t_per_t, 1.26, 1e-12, "committed CO2e");
    // The components add up to RE and PE.
    for (i, y) in a.years.iter().enumerate() {
        let sum = |side| -> f64 {
            a.flows
                .components
                .iter()
                .filter(|c| c.side == side)
                .map(|c| c.t_co2e[i])
                .sum()
        };
        assert_close(sum(Side::Reference), y.reference_t, 1e-12, "RE parts");
        assert_close(sum(Side::Project), y.project_t, 1e-12, "PE parts");
    }
}

const MIXED: &str = "{ food: 0.45, garden: 0.05, paper: 0.15, wood: 0.03, textiles: 0.02, nappies: 0.05, plastics: 0.15, inert: 0.10 }";

/// The plant's avoided landfill CH4 equals the engine's landfill CH4 of a model whose only
/// landfill input is the diverted waste (1000 t a year from 2025 to 2034), with the model's
/// composition and a recovery of 0.2; its fossil CO2 equals the engine's incineration CO2
/// of the same waste.
#[test]
fn waste_to_energy_matches_the_engine_on_the_same_deposits() {
    let project = r#"project: wte
region: model.yaml
methodology: waste-to-energy
start: 2025
lifetime: "10 yr"
parameters: { throughput: "1000 t/yr" }
"#;
    for (name, route) in [
        (
            "landfill",
            "landfill: 1.0, recycling: 0.0, composting: 0.0, incineration: 0.0",
        ),
        (
            "incineration",
            "landfill: 0.0, recycling: 0.0, composting: 0.0, incineration: 1.0",
        ),
    ] {
        let waste = format!(
            "  generation: {{ unit: t, points: {{ 2020: 0, 2025: 1000, 2035: 0 }}, interp: step }}\n  composition: {MIXED}\n  routes: {{ {route} }}"
        );
        let d = Dir::new(&format!("engine-{name}"));
        let m = d.write("model.yaml", &model_yaml(&waste).replace("RECOVERY", "0.2"));
        let p = d.write("project.yaml", project);
        let a = appraise(&load(&p)[0]).expect("appraised");
        let model = lcs_model::Loader::new().load_model(&m).expect("model");
        let s = lcs_model::Scenario::of_model(model, "check");
        let c = lcs_engine::compile(&s).expect("compiles");
        let ws = lcs_engine::run_reference(&c).expect("runs");
        let detail = &ws.out.waste_detail;
        for (i, y) in (2025..2035).enumerate() {
            let yi = (y - 2020) as usize;
            if name == "landfill" {
                let engine = detail[[waste_row::LANDFILL_CH4, yi]] * 28.0;
                assert_close(
                    component(&a, "landfill CH4 avoided")[i],
                    engine,
                    1e-12,
                    "CH4",
                );
                if i > 0 {
                    assert!(engine > 0.0, "the deposits decay from the second year");
                }
            } else {
                let engine = detail[[waste_row::INCINERATION_CO2, yi]];
                assert_close(
                    component(&a, "fossil CO2 of incineration")[i],
                    engine,
                    1e-12,
                    "CO2",
                );
                assert!(engine > 0.0);
            }
        }
    }
}

#[test]
fn semi_aerobic_landfill_by_hand() {
    let a = run(
        "semi",
        FOOD_WASTE,
        0.0,
        r#"project: cell
region: model.yaml
methodology: semi-aerobic-landfill
start: 2025
lifetime: 2
parameters: { deposit: "1000 t/yr", composition: { food: 1.0 } }
"#,
    );
    // Same deposits as `waste_to_energy_by_hand`: anaerobic (MCF 1) CH4 in year 2 is
    // 415.39674 t CO2e; semi-aerobic (MCF 0.5, data/factors/landfill_mcf.csv) half of it.
    let ch4 = 75.0 * (1.0 - (-0.4f64).exp()) * 0.5 * 16.0 / 12.0 * 0.9 * 28.0;
    assert_eq!(a.years[0].reduction_t, 0.0);
    assert_close(a.years[1].reference_t, ch4, 1e-12, "RE");
    assert_close(a.years[1].project_t, ch4 * 0.5, 1e-12, "PE");
}

#[test]
fn economics_match_a_worked_example() {
    let a = run(
        "econ",
        FOOD_WASTE,
        0.0,
        r#"project: pv
region: model.yaml
methodology: pv-grid
start: 2025
lifetime: 2
parameters: { generation: "1000 MWh/yr" }
reference: { grid_factor: "0.5 t CO2/MWh" }
economics:
  currency: MYR million
  price_year: 2021
  capex: 1
  opex: "0.05 MYR million/yr"
  revenue: { electricity_tariff: "0.1 MYR/kWh" }
  subsidy_share: 0.5
  discount_rate: 0.1
"#,
    );
    let e = a.economics.expect("economics");
    // ER = 1000 MWh × 0.5 = 500 t a year. Capex at t = 0 (2025), flows at the end of each
    // year (t = 1, 2): PV costs = 1 000 000 + 50 000/1.1 + 50 000/1.21 = 1 086 776.859;
    // PV revenues = 100 000/1.1 + 100 000/1.21 = 173 553.719; NPV = −913 223.140.
    assert_close(e.pv_costs, 1_086_776.859_504_132, 1e-12, "PV costs");
    assert_close(e.pv_revenues, 173_553.719_008_264_5, 1e-12, "PV revenues");
    assert_close(e.npv, -913_223.140_495_867_7, 1e-12, "NPV");
    // Discounted ER = 500/1.1 + 500/1.21 = 867.768595 t; LC = 913 223.14 / 867.768595 =
    // 1052.380952 MYR per t CO2e.
    assert_close(
        e.discounted_reduction_t,
        867.768_595_041_322_4,
        1e-12,
        "discounted ER",
    );
    assert_close(
        e.levelised_cost.unwrap(),
        1_052.380_952_380_952,
        1e-12,
        "LC",
    );
    // CRF(10 %, 2) = 0.1 × 1.21 / 0.21 = 0.576190; annualised capex 576 190.48 MYR a year.
    assert_close(e.annualised_capex, 576_190.476_190_476, 1e-12, "annualised");
    // JCM: subsidy 0.5 × 1 000 000 / 1000 t over the lifetime = 500 MYR per t CO2e.
    assert_close(e.jcm_cost_effectiveness.unwrap(), 500.0, 1e-12, "JCM");
    assert_eq!(e.basis, lcs_econ::Basis::new("MYR", 2021));
}

#[test]
fn a_project_that_adds_emissions_has_no_cost_per_tonne() {
    let a = run(
        "adds",
        FOOD_WASTE,
        0.0,
        r#"project: gas-to-grid
region: model.yaml
methodology: fuel-switch
start: 2025
lifetime: 2
parameters: { from: natural_gas, to: electricity, fuel_consumption: "3600 GJ/yr", efficiency_from: 0.85 }
economics: { currency: MYR, capex: 1000, subsidy_share: 0.5, discount_rate: 0.1 }
"#,
    );
    // RE = 3.6 TJ × (56.1 + 1 kg CH4 × 28 + 0.1 kg N2O × 265 per TJ) = 3.6 × 56.1545 = 202.1562 t;
    // PE = 3600 GJ × 0.85 / 1 = 3060 GJ = 850 MWh × 0.5 t/MWh = 425 t; ER = −222.8438 t a year.
    assert_close(a.years[0].reduction_t, 202.1562 - 425.0, 1e-12, "ER");
    let e = a.economics.expect("economics");
    // NPV = −1000 (capex, no revenue); the discounted reduction −222.8438 (1/1.1 + 1/1.21) =
    // −386.7528 t is negative, so −NPV / it = −2.59 MYR per t would read as a saving: none.
    assert_close(e.npv, -1000.0, 1e-12, "NPV");
    assert_close(
        e.discounted_reduction_t,
        -222.8438 * (1.0 / 1.1 + 1.0 / 1.21),
        1e-12,
        "discounted ER",
    );
    assert_eq!(e.levelised_cost, None);
    // The subsidy (500 MYR) over −445.7 t is no JCM figure either.
    assert_eq!(e.jcm_cost_effectiveness, None);
    assert!(
        a.notes.iter().any(|n| n.starts_with("no cost per t CO2e")),
        "{:?}",
        a.notes
    );
}

#[test]
fn money_in_another_currency_and_price_year_is_converted_through_the_tables() {
    let a = run(
        "fx",
        FOOD_WASTE,
        0.0,
        r#"project: pv
region: model.yaml
methodology: pv-grid
start: 2025
lifetime: 1
parameters: { generation: "1000 MWh/yr" }
economics:
  currency: MYR
  price_year: 2021
  capex: { value: "25 JPY million", price_year: 2015 }
  discount_rate: 0.05
"#,
    );
    // 25e6 JPY (2015 prices) → JPY 2021 prices (× I_JPY(2021)/I_JPY(2015)) → MYR at the 2021
    // average rate (× MYR per USD / JPY per USD), docs/ECONOMICS.md.
    let t = lcs_econ::Tables::builtin();
    let want = 25e6 * t.price_index("JPY", 2021).unwrap() / t.price_index("JPY", 2015).unwrap()
        * t.per_usd("MYR", 2021).unwrap()
        / t.per_usd("JPY", 2021).unwrap();
    let e = a.economics.expect("economics");
    assert_close(e.capex, want, 1e-12, "converted capex");
    // Order of magnitude: about 0.95 MYR million.
    assert!(e.capex > 0.8e6 && e.capex < 1.1e6, "{}", e.capex);
}

#[test]
fn bundled_projects_appraise() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/iskandar/projects");
    let ps = load(&root.join("pipeline.yaml"));
    assert!(ps.len() >= 5, "a pipeline of at least five projects");
    let mut statuses: Vec<&str> = ps.iter().map(|p| p.status.name()).collect();
    statuses.sort();
    statuses.dedup();
    assert!(statuses.len() >= 3, "{statuses:?}");
    for p in &ps {
        let a = appraise(p).expect("appraised");
        assert_eq!(a.years.len(), p.lifetime as usize);
        assert!(a.lifetime_reduction_t > 0.0, "{} reduces", p.id);
    }
    // Seelong: 1000 t/day × 365 × 0.913 = 333 245 t burnt a year; 0.45 MWh/t exported.
    let seelong = ps.iter().find(|p| p.id == "seelong-wte").unwrap();
    let a = appraise(seelong).unwrap();
    assert_close(a.flows.waste_t[0], 333_245.0, 1e-12, "Seelong tonnes");
    assert_close(
        a.flows.electricity_gj[0],
        333_245.0 * 0.45 * 3.6,
        1e-12,
        "Seelong export",
    );
}

/// Checks a project file that must fail, returning the plain report.
fn fails(name: &str, project: &str) -> String {
    let d = Dir::new(name);
    d.write(
        "model.yaml",
        &model_yaml(FOOD_WASTE).replace("RECOVERY", "0.0"),
    );
    let p = d.write("project.yaml", project);
    let mut loader = lcs_model::Loader::new();
    match loader.load_projects(&p) {
        Ok(_) => panic!("{name}: accepted"),
        Err(diags) => lcs_model::render_all_plain(&diags, &loader.sources),
    }
}

#[test]
fn mistakes_are_named_at_their_key() {
    let head = "project: x\nregion: model.yaml\nstart: 2025\nlifetime: 2\n";
    let cases = [
        (
            "captive-missing",
            "methodology: pv-captive\nparameters: { generation: \"10 MWh/yr\" }\n",
            &["missing key `captive`", "key: `reference.captive`"][..],
        ),
        (
            "revenue-not-applicable",
            "methodology: pv-grid\nparameters: { generation: \"10 MWh/yr\" }\neconomics: { currency: MYR, discount_rate: 0.05, revenue: { gate_fee: \"5 MYR/t\" } }\n",
            &["`gate_fee` does not apply to methodology `pv-grid`", "key: `economics.revenue.gate_fee`"][..],
        ),
        (
            "throughput-without-time",
            "methodology: waste-to-energy\nparameters: { throughput: \"1000 t\" }\n",
            &["expected a mass per time, found `t` (a mass)", "key: `parameters.throughput`"][..],
        ),
        (
            "tariff-without-unit",
            "methodology: pv-grid\nparameters: { generation: \"10 MWh/yr\" }\neconomics: { currency: MYR, discount_rate: 0.05, revenue: { electricity_tariff: 0.4 } }\n",
            &["money per unit of energy needs its unit", "key: `economics.revenue.electricity_tariff`"][..],
        ),
        (
            "outside-model-years",
            "methodology: pv-grid\nparameters: { generation: \"10 MWh/yr\" }\n",
            &["outside the model years 2020–2040"][..],
        ),
        (
            "unknown-parameter",
            "methodology: pv-grid\nparameters: { generation: \"10 MWh/yr\", capacty: \"1 MW\" }\n",
            &["unknown key `capacty`", "did you mean `capacity`?"][..],
        ),
        (
            "discount-rate",
            "methodology: pv-grid\nparameters: { generation: \"10 MWh/yr\" }\neconomics: { currency: MYR, discount_rate: 1.5 }\n",
            &["discount rate 1.5 is outside", "key: `economics.discount_rate`"][..],
        ),
    ];
    for (name, body, want) in cases {
        let text = if name == "outside-model-years" {
            format!("project: x\nregion: model.yaml\nstart: 2035\nlifetime: 10\n{body}")
        } else {
            format!("{head}{body}")
        };
        let report = fails(name, &text);
        for w in want {
            assert!(report.contains(w), "{name}: no `{w}` in\n{report}");
        }
    }
}

#[test]
fn a_list_reads_paths_and_inline_projects_and_rejects_duplicate_ids() {
    let d = Dir::new("list");
    d.write(
        "model.yaml",
        &model_yaml(FOOD_WASTE).replace("RECOVERY", "0.0"),
    );
    d.write(
        "one.yaml",
        "project: one\nregion: model.yaml\nmethodology: pv-grid\nstart: 2025\nlifetime: 1\nparameters: { generation: \"10 MWh/yr\" }\n",
    );
    let list = d.write(
        "list.yaml",
        "region: model.yaml\nprojects:\n  - one.yaml\n  - { project: two, methodology: pv-grid, start: 2025, lifetime: 1, parameters: { generation: \"20 MWh/yr\" } }\n",
    );
    let ps = load(&list);
    assert_eq!(
        ps.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["one", "two"]
    );
    // 20 MWh × 0.5 t/MWh (the model's grid) = 10 t.
    assert_close(
        appraise(&ps[1]).unwrap().years[0].reduction_t,
        10.0,
        1e-12,
        "two",
    );
    let dup = d.write(
        "dup.yaml",
        "region: model.yaml\nprojects:\n  - one.yaml\n  - { project: one, methodology: pv-grid, start: 2025, lifetime: 1, parameters: { generation: \"20 MWh/yr\" } }\n",
    );
    let mut loader = lcs_model::Loader::new();
    let e = loader.load_projects(&dup).unwrap_err();
    let text = lcs_model::render_all_plain(&e, &loader.sources);
    assert!(text.contains("project id `one` is used twice"), "{text}");
}
