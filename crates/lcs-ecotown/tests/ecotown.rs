//! Eco-town assessments end to end: hand-computed terms, the landfill counterfactual against
//! an engine run on the same deposits, the `used_elsewhere` rule, totals and mass-balance
//! invariants, and the bundled Pasir Gudang pilot.

use lcs_ecotown::{assess, Assessment};
use lcs_engine::waste_row;
use std::path::{Path, PathBuf};

const MODEL: &str = r#"
region: { id: tiny, name: Tiny Town }
years: { base: 2020, end: 2030 }
gwp: AR5
electricity:
  losses: 0.06
  grid_factor: "0.70 t CO2/MWh"
waste:
  generation: "30000 t"
  composition: { food: 0.5, paper: 0.2, plastics: 0.2, inert: 0.1 }
  routes: { landfill: 0.9, recycling: 0.1, composting: 0.0, incineration: 0.0 }
  landfill: { mcf: 1.0, oxidation: 0.1, recovery: 0.0 }
  incineration: { electricity: "0.5 MWh/t" }
"#;

const NETWORK: &str = r#"
ecotown: demo
name: Demo network
region: model.yaml
economics: { currency: MYR, price_year: 2024, discount_rate: 0.1, base_year: 2022 }
facilities:
  - { id: steel, name: Steel mill, production: { eaf_slag: "50 kt/yr" } }
  - { id: cement, name: Cement plant }
  - { id: foodco, name: Food factory }
  - { id: composter, name: Composter }
  - { id: recycler, name: Plastics recycler, inside_region: false }
  - { id: oilco, name: Oil collector }
exchanges:
  - id: slag-to-cement
    from: steel
    to: cement
    material: eaf_slag
    mass: { unit: kt/yr, points: { 2022: 40, 2026: 50 } }
    substitutes: { material: clinker, ratio: 0.9 }
    processing: { electricity: "25 kWh/t" }
    transport: { distance: "18 km", mode: truck }
    otherwise: landfill
    economics: { price_year: 2024, capex: "2 MYR million", opex: "20 MYR/t", disposal_fee: "30 MYR/t", avoided_purchase: "40 MYR/t" }
  - id: food-to-compost
    from: foodco
    to: composter
    material: food_waste
    mass: "5 kt/yr"
    start: 2022
    treatment: composting
    otherwise: landfill
    economics: { price_year: 2024, capex: "1 MYR million", opex: "10 MYR/t" }
  - id: plastics-not-burnt
    from: foodco
    to: recycler
    material: waste_plastics
    mass: "1 kt/yr"
    start: 2025
    end: 2027
    substitutes: { material: virgin_plastic, ratio: 0.8 }
    otherwise: incineration
  - id: oil-already-used
    from: oilco
    to: cement
    material: used_oil
    mass: "2 kt/yr"
    substitutes: { material: base_oil, ratio: 0.7 }
    transport: { distance: "10 km", mode: truck }
    otherwise: used_elsewhere
"#;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lcs-ecotown-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn load(dir: &Path, model: &str, network: &str) -> (lcs_model::ecotown::Network, Assessment) {
    std::fs::write(dir.join("model.yaml"), model).expect("write model");
    std::fs::write(dir.join("net.yaml"), network).expect("write network");
    let mut loader = lcs_model::Loader::new();
    let net = match loader.load_ecotown(&dir.join("net.yaml")) {
        Ok(n) => n,
        Err(d) => panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)),
    };
    let a = match assess(&net) {
        Ok(a) => a,
        Err(lcs_ecotown::EcotownError::Input(d)) => {
            panic!("{}", lcs_model::render_all_plain(&d, &loader.sources))
        }
        Err(e) => panic!("{e}"),
    };
    (net, a)
}

fn row<'a>(a: &'a Assessment, id: &str, year: i32) -> &'a lcs_ecotown::ExchangeYear {
    a.exchanges
        .iter()
        .find(|x| x.id == id)
        .and_then(|x| x.years.iter().find(|r| r.year == year))
        .unwrap_or_else(|| panic!("{id} {year}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn slag_exchange_by_hand() {
    let (_, a) = load(&tmp("slag"), MODEL, NETWORK);
    let r = row(&a, "slag-to-cement", 2024);
    // 2024 lies halfway between 40 kt (2022) and 50 kt (2026): 45 000 t.
    assert!(close(r.mass_t, 45_000.0));
    // Virgin: 45 000 × 0.9 t clinker/t × 0.850 t CO2e/t = 34 425 t.
    assert!(close(r.avoided_virgin, 34_425.0), "{}", r.avoided_virgin);
    // Slag is inert: no landfill methane avoided.
    assert_eq!(r.avoided_disposal, 0.0);
    // Processing: 25 kWh/t = 0.09 GJ/t; grid 0.70 t/MWh = 0.70/3.6 t/GJ:
    // 45 000 × 0.09 × 0.70 / 3.6 = 787.5 t.
    assert!(close(r.processing, 787.5), "{}", r.processing);
    // Transport: 45 000 t × 18 km × 9.03e-5 t/tkm = 73.143 t.
    assert!(close(r.transport, 73.143), "{}", r.transport);
    // Net: 34 425 − 787.5 − 73.143 = 33 564.357 t.
    assert!(close(r.net_avoided, 33_564.357));
    // The exchange starts in 2022: no rows before.
    let x = &a.exchanges[0];
    assert_eq!(x.years.first().map(|r| r.year), Some(2022));
    assert_eq!(x.years.last().map(|r| r.year), Some(2030));
}

#[test]
fn composting_exchange_by_hand() {
    let (_, a) = load(&tmp("compost"), MODEL, NETWORK);
    // First year: the diverted food would only start to decay the next year, so nothing is
    // avoided yet; composting 5000 t costs 5000 × (28 × 0.004 + 265 × 0.00024)
    // = 5000 × 0.1756 = 878 t CO2e.
    let r = row(&a, "food-to-compost", 2022);
    assert_eq!(r.avoided_disposal, 0.0);
    assert!(close(r.processing, 878.0), "{}", r.processing);
    assert!(close(r.net_avoided, -878.0));
    // Second year: Da = 5000 × 0.15 × 0.5 × 1 = 375 t C; Dec = 375 × (1 − e^−0.4);
    // CH4 = Dec × 0.5 × 16/12 × (1 − 0) × (1 − 0.1); × 28.
    let dec = 375.0 * (1.0 - (-0.4f64).exp());
    let ch4 = dec * 0.5 * 16.0 / 12.0 * 0.9;
    let r = row(&a, "food-to-compost", 2023);
    assert!(
        close(r.avoided_disposal, 28.0 * ch4),
        "{}",
        r.avoided_disposal
    );
    // It grows as avoided deposits accumulate.
    assert!(row(&a, "food-to-compost", 2024).avoided_disposal > r.avoided_disposal);
    // Committed: 9 deposit years (2022–2030) × 5000 t × 0.15 × 0.5 × 0.5 × 16/12 × 0.9 × 28
    // = 9 × 5000 × 1.26 = 56 700 t CO2e.
    let x = a
        .exchanges
        .iter()
        .find(|x| x.id == "food-to-compost")
        .expect("exchange");
    assert!(
        close(x.committed_disposal, 56_700.0),
        "{}",
        x.committed_disposal
    );
}

#[test]
fn incineration_counterfactual_by_hand() {
    let (_, a) = load(&tmp("incin"), MODEL, NETWORK);
    let r = row(&a, "plastics-not-burnt", 2026);
    // 1000 t of plastics: 1000 × 1.0 × 0.75 × 1.0 × 44/12 = 2750 t fossil CO2, less the WtE
    // electricity it would have made: 1000 × 0.5 MWh/t × 0.70 t/MWh = 350 t: 2400 t.
    assert!(close(r.avoided_disposal, 2400.0), "{}", r.avoided_disposal);
    // Virgin: 1000 × 0.8 × 2.0 = 1600 t.
    assert!(close(r.avoided_virgin, 1600.0));
    // After `end` (2027) nothing is exchanged and nothing is avoided (incineration has no
    // delayed emissions).
    let r = row(&a, "plastics-not-burnt", 2028);
    assert_eq!((r.mass_t, r.net_avoided), (0.0, 0.0));
}

#[test]
fn used_elsewhere_is_displacement_not_additional() {
    let (_, a) = load(&tmp("used"), MODEL, NETWORK);
    let x = a
        .exchanges
        .iter()
        .find(|x| x.id == "oil-already-used")
        .expect("exchange");
    assert!(!x.additional);
    for r in &x.years {
        // No virgin credit and no avoided disposal: only its own transport remains.
        assert_eq!(r.avoided_virgin, 0.0);
        assert_eq!(r.avoided_disposal, 0.0);
        // 2000 t × 10 km × 9.03e-5 = 1.806 t.
        assert!(close(r.transport, 1.806));
        assert!(close(r.net_avoided, -1.806));
    }
    // The additional total leaves it out; the total does not.
    for t in &a.totals {
        let own = x
            .years
            .iter()
            .find(|r| r.year == t.year)
            .map_or(0.0, |r| r.net_avoided);
        assert!(
            close(t.net_avoided - t.net_avoided_additional, own),
            "{}",
            t.year
        );
    }
}

#[test]
fn totals_balances_and_attribution_add_up() {
    let (net, a) = load(&tmp("totals"), MODEL, NETWORK);
    for (yi, t) in a.totals.iter().enumerate() {
        let sum = |f: &dyn Fn(&lcs_ecotown::ExchangeYear) -> f64| -> f64 {
            a.exchanges
                .iter()
                .filter_map(|x| x.years.iter().find(|r| r.year == t.year))
                .map(f)
                .sum()
        };
        assert!(close(t.net_avoided, sum(&|r| r.net_avoided)));
        assert!(close(t.mass_t, sum(&|r| r.mass_t)));
        assert!(close(
            t.net_avoided,
            t.avoided_virgin + t.avoided_disposal - t.processing - t.transport
        ));
        // Facilities: what goes out of some facility comes into another; the attributed
        // shares add up to the network's net avoided.
        let ys: Vec<_> = a
            .facility_years
            .iter()
            .filter(|f| f.year == t.year)
            .collect();
        assert_eq!(ys.len(), a.facilities.len());
        let inflow: f64 = ys.iter().map(|f| f.mass_in_t).sum();
        let outflow: f64 = ys.iter().map(|f| f.mass_out_t).sum();
        assert!(close(inflow, t.mass_t) && close(outflow, t.mass_t));
        let attributed: f64 = ys.iter().map(|f| f.net_avoided).sum();
        assert!(close(attributed, t.net_avoided), "{}", t.year);
        // Materials add up too.
        let m: f64 = a
            .material_years
            .iter()
            .filter(|m| m.year == t.year)
            .map(|m| m.net_avoided)
            .sum();
        assert!(close(m, t.net_avoided));
        // Every facility sends no more of a material than it declares it produces.
        for (fi, f) in net.facilities.iter().enumerate() {
            for (mat, prod, _) in &f.production {
                let sent: f64 = net
                    .exchanges
                    .iter()
                    .filter(|e| e.from == fi && e.material == *mat)
                    .map(|e| e.mass_t[yi])
                    .sum();
                assert!(sent <= prod[yi] + 1e-9);
            }
        }
    }
    // Economics: the network's NPV is the sum of its exchanges' (same rate and base year).
    let npv: f64 = a
        .exchanges
        .iter()
        .filter_map(|x| x.economics.as_ref())
        .map(|e| e.npv)
        .sum();
    let total = a.economics.as_ref().expect("network economics");
    assert!(close(total.npv, npv));
    // Food: capex 1e6 in 2022, then 5000 t × 10 MYR/t = 50 000 a year, 2022–2030:
    // cost PV = 1e6 + 50 000 × Σ_{t=0..8} 1.1^−t = 1e6 + 50 000 × 6.334926 = 1 316 746.3.
    let food = a.exchanges[1].economics.as_ref().expect("food economics");
    let annuity: f64 = (0..9).map(|t| 1.1f64.powi(-t)).sum();
    assert!(close(food.npv, -(1e6 + 50_000.0 * annuity)), "{}", food.npv);
}

/// A region model whose only landfill input is `generation` (composition and routes fixed),
/// for comparing the avoided landfill methane with the engine's own first-order decay.
fn landfill_only_model(generation: &str) -> String {
    format!(
        r#"
region: {{ id: dump, name: Landfill only }}
years: {{ base: 2020, end: 2040 }}
gwp: AR5
waste:
  generation: {generation}
  composition: {{ food: 0.6, paper: 0.4 }}
  routes: {{ landfill: 1.0, recycling: 0.0, composting: 0.0, incineration: 0.0 }}
  landfill: {{ mcf: 0.8, oxidation: 0.1, recovery: {{ points: {{ 2020: 0.0, 2040: 0.3 }} }} }}
"#
    )
}

#[test]
fn landfill_counterfactual_matches_an_engine_run_on_the_same_deposits() {
    // The engine landfills exactly the diverted mass (0 before 2023, then 1000 t rising to
    // 4000 t in 2027); the network diverts the same mass from 2023.
    let model =
        landfill_only_model("{ unit: t, points: { 2020: 0, 2022: 0, 2023: 1000, 2027: 4000 } }");
    let network = r#"
ecotown: fod-check
region: model.yaml
facilities: [{ id: a }, { id: b }]
exchanges:
  - id: divert
    from: a
    to: b
    material: mixed
    waste_type: { food: 0.6, paper: 0.4 }
    mass: { unit: t, points: { 2023: 1000, 2027: 4000 } }
    otherwise: landfill
"#;
    let dir = tmp("fod");
    let (net, a) = load(&dir, &model, network);
    let s = lcs_model::Scenario::of_model(net.region.clone(), "engine");
    let c = lcs_engine::compile(&s).expect("compiles");
    let ws = lcs_engine::run_reference(&c).expect("runs");
    let x = &a.exchanges[0];
    assert_eq!(x.years.first().map(|r| r.year), Some(2023));
    let mut checked = 0;
    for (y, year) in (2020..=2040).enumerate() {
        let engine_ch4 = ws.out.waste_detail[[waste_row::LANDFILL_CH4, y]];
        let ours = x
            .years
            .iter()
            .find(|r| r.year == year)
            .map_or(0.0, |r| r.avoided_disposal / 28.0);
        assert!(
            (engine_ch4 - ours).abs() <= 1e-9 * engine_ch4.abs().max(1.0),
            "{year}: engine {engine_ch4} t CH4, eco-town {ours} t CH4"
        );
        if engine_ch4 > 0.0 {
            checked += 1;
        }
    }
    // Decay starts the year after the first deposit: 2024–2040 carry methane.
    assert_eq!(checked, 17);
}

#[test]
fn bundled_pilot_assesses_with_five_exchanges_and_one_displacement() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut loader = lcs_model::Loader::new();
    let net = loader
        .load_ecotown(&root.join("scenarios/iskandar/ecotown/pasir-gudang-pilot.yaml"))
        .unwrap_or_else(|d| panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)));
    let a = assess(&net).expect("assessed");
    assert!(a.exchanges.len() >= 5);
    let not_additional: Vec<&str> = a
        .exchanges
        .iter()
        .filter(|x| !x.additional)
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(not_additional, ["used-oil-rerefining"]);
    // The kiln lies outside the region.
    assert!(a
        .facilities
        .iter()
        .any(|(id, _, inside)| id == "cement_kiln" && !inside));
    // The network avoids emissions once running (2030).
    let t = a.totals.iter().find(|t| t.year == 2030).expect("2030");
    assert!(t.net_avoided_additional > 0.0);
    // Same inputs, same results.
    assert_eq!(a, assess(&net).expect("again"));
}
