//! Property tests (proptest) of the invariants of MODEL.md §9–§10 over generated valid
//! scenarios: results finite, sector rows summing to the total, Shapley and sequential
//! contributions summing to TOTAL, zero-size measures changing nothing, fuel shifts keeping
//! final energy, ramps monotone, unit conversions round-tripping.

use lcs_engine::{attribute, rows, run_all, run_reference, var, Method, Row};
use lcs_levers::{Ramp, Schedule};
use lcs_model::{Checked, Loader, Scenario};
use lcs_units::UnitRegistry;
use proptest::prelude::*;
use std::path::Path;

/// The knobs of a generated model (a cut-down Tiny Town) and its actions.
#[derive(Clone, Debug)]
struct Gen {
    population: f64,
    growth: f64,
    hh_2020: f64,
    hh_2030: f64,
    res_intensity: f64,
    res_elec: f64,
    car_share: f64,
    car_mj: f64,
    bus_mj: f64,
    car_gasoline: f64,
    losses: f64,
    grid_2020: f64,
    grid_2030: f64,
    pv_mw: f64,
    landfill: f64,
    cement: f64,
    measures: Vec<MeasureGen>,
}

#[derive(Clone, Debug)]
struct MeasureGen {
    kind: u8,
    size: f64,
    start: i32,
    span: i32,
    ramp: u8,
}

fn measure() -> impl Strategy<Value = MeasureGen> {
    (0u8..5, 0.0f64..1.0, 2020i32..2031, 0i32..8, 0u8..3).prop_map(
        |(kind, size, start, span, ramp)| MeasureGen {
            kind,
            size,
            start,
            span,
            ramp,
        },
    )
}

fn gen() -> impl Strategy<Value = Gen> {
    (
        (
            1e3f64..1e6,
            -0.02f64..0.05,
            2.0f64..6.0,
            2.0f64..6.0,
            1.0f64..40.0,
            0.0f64..1.0,
        ),
        (
            0.05f64..0.95,
            0.3f64..3.0,
            0.2f64..1.5,
            0.0f64..1.0,
            0.0f64..0.3,
        ),
        (
            0.0f64..1.0,
            0.0f64..1.0,
            0.0f64..50.0,
            0.0f64..1.0,
            0.0f64..1e6,
        ),
        prop::collection::vec(measure(), 0..5),
    )
        .prop_map(|(a, b, c, measures)| Gen {
            population: a.0,
            growth: a.1,
            hh_2020: a.2,
            hh_2030: a.3,
            res_intensity: a.4,
            res_elec: a.5,
            car_share: b.0,
            car_mj: b.1,
            bus_mj: b.2,
            car_gasoline: b.3,
            losses: b.4,
            grid_2020: c.0,
            grid_2030: c.1,
            pv_mw: c.2,
            landfill: c.3,
            cement: c.4,
            measures,
        })
}

fn n(x: f64) -> String {
    lcs_units::format_number(x)
}

fn model_yaml(g: &Gen) -> String {
    let bus = 1.0 - g.car_share;
    format!(
        "region: {{ id: gen }}
years: {{ base: 2020, end: 2030 }}
gwp: AR5
drivers:
  population: {{ unit: person, base: {pop}, growth: {gr} }}
  household_size: {{ unit: person/household, points: {{ 2020: {h0}, 2030: {h1} }} }}
  households: {{ unit: household, expr: population / household_size }}
demand:
  residential:
    category: residential
    activity: households
    intensity: \"{ri} GJ/household\"
    fuels: {{ electricity: {re}, lpg: {rl} }}
  transport:
    category: road
    activity: {{ driver: population, per: \"8000 pkm/person\" }}
    children:
      car: {{ share: {cs}, intensity: \"{cm} MJ/pkm\", fuels: {{ gasoline: {cg}, diesel: {cd} }} }}
      bus: {{ share: {bs}, intensity: \"{bm} MJ/pkm\", fuels: {{ diesel: 1.0 }} }}
electricity:
  losses: {lo}
  grid_factor: {{ unit: t CO2/MWh, points: {{ 2020: {g0}, 2030: {g1} }} }}
  local:
    pv: {{ capacity: \"{pv} MW\", capacity_factor: 0.15 }}
waste:
  generation: {{ driver: population, per: \"1.1 kg/person/day\" }}
  composition: {{ food: 0.5, paper: 0.2, plastics: 0.2, inert: 0.1 }}
  routes: {{ landfill: {lf}, recycling: {rc} }}
  landfill: {{ mcf: 1.0, oxidation: 0.1, recovery: 0.0 }}
sources:
  ippu/cement: {{ activity: \"{ce} t\", factors: {{ CO2: \"0.52 t CO2/t\" }} }}
",
        pop = n(g.population),
        gr = n(g.growth),
        h0 = n(g.hh_2020),
        h1 = n(g.hh_2030),
        ri = n(g.res_intensity),
        re = n(g.res_elec),
        rl = n(1.0 - g.res_elec),
        cs = n(g.car_share),
        bs = n(bus),
        cm = n(g.car_mj),
        bm = n(g.bus_mj),
        cg = n(g.car_gasoline),
        cd = n(1.0 - g.car_gasoline),
        lo = n(g.losses),
        g0 = n(g.grid_2020),
        g1 = n(g.grid_2030),
        pv = n(g.pv_mw),
        lf = n(g.landfill),
        rc = n(1.0 - g.landfill),
        ce = n(g.cement),
    )
}

/// One measure of a generated kind, sized by `size` in [0, 1) (scaled to stay valid).
fn measure_yaml(i: usize, m: &MeasureGen, size: Option<f64>) -> String {
    let s = size.unwrap_or(m.size);
    let ramp = ["linear", "step", "s-curve"][m.ramp as usize];
    let full = (m.start + m.span).min(2030);
    let sched = format!("start: {}, full: {full}, ramp: {ramp}", m.start);
    let body = match m.kind {
        0 => format!("lever: scale, target: demand.transport/car.intensity, by: {}", n(-0.5 * s)),
        1 => format!(
            "lever: shift, target: demand.transport, from: [car], to: [bus], amount: {}",
            n(0.04 * s)
        ),
        2 => format!(
            "lever: shift, target: demand.residential.fuels, from: [lpg], to: [electricity], amount: {}",
            n(0.01 * s)
        ),
        3 => format!("lever: scale, target: electricity.grid_factor, by: {}", n(-0.9 * s)),
        _ => format!("lever: add, target: sources.ippu/cement.activity, amount: \"{} t\"", n(1000.0 * s)),
    };
    format!("  - {{ id: A{i}, measures: [ {{ id: M{i}, {body}, {sched} }} ] }}\n")
}

fn scenario_yaml(g: &Gen, sizes: Option<f64>) -> String {
    let mut s = String::from("scenario: gen\nmodel: model.yaml\n");
    if !g.measures.is_empty() {
        s.push_str("actions:\n");
        for (i, m) in g.measures.iter().enumerate() {
            s.push_str(&measure_yaml(i, m, sizes));
        }
    }
    s
}

fn load(model: &str, scenario: &str) -> Scenario {
    let mut l = Loader::new();
    l.add_virtual_file(Path::new("model.yaml"), model);
    l.add_virtual_file(Path::new("s.yaml"), scenario);
    match l.check_file(Path::new("s.yaml")) {
        Ok(Checked::Scenario(s)) => *s,
        Ok(_) => panic!("not a scenario"),
        Err(d) => panic!(
            "generated scenario invalid:\n{}\n{model}\n{scenario}",
            lcs_model::render_all_plain(&d, &l.sources)
        ),
    }
}

fn row<'a>(rows: &'a [Row], name: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.variable == name)
        .unwrap_or_else(|| panic!("no row `{name}`"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn generated_scenarios_give_finite_results_whose_sectors_sum_to_the_total(g in gen()) {
        let s = load(&model_yaml(&g), &scenario_yaml(&g, None));
        let c = lcs_engine::compile(&s).expect("compiles");
        let ws = match run_all(&c) {
            Ok(ws) => ws,
            // A shift larger than the car share is a run error, not a wrong number.
            Err(e) => { prop_assert!(e.problem.to_string().contains("share")); return Ok(()); }
        };
        let rs = rows(&c, &ws);
        for r in &rs {
            for v in r.values.iter().flatten() {
                prop_assert!(v.is_finite(), "{} = {v}", r.variable);
            }
        }
        // Sector rows (`Emissions|CO2e|<sector>`) add up to `Emissions|CO2e` in every year.
        let total = row(&rs, var::EMISSIONS_CO2E);
        let prefix = format!("{}|", var::EMISSIONS_CO2E);
        for y in 0..total.values.len() {
            let sum: f64 = rs
                .iter()
                .filter(|r| r.variable.strip_prefix(&prefix).is_some_and(|rest| !rest.contains('|')))
                .filter_map(|r| r.values[y])
                .sum();
            let t = total.values[y].expect("total defined");
            prop_assert!(close(sum, t), "year {y}: sectors {sum} vs total {t}");
        }
    }

    #[test]
    fn shapley_and_sequential_contributions_sum_to_the_total(g in gen()) {
        let s = load(&model_yaml(&g), &scenario_yaml(&g, None));
        let c = lcs_engine::compile(&s).expect("compiles");
        if run_all(&c).is_err() || s.actions.is_empty() {
            return Ok(());
        }
        let reference = rows(&c, &run_reference(&c).expect("reference"));
        let level = row(&reference, var::EMISSIONS_CO2E);
        for method in [Method::Shapley, Method::Sequential] {
            let a = attribute(&c, method).expect("attribution");
            for y in 0..a.total.len() {
                let sum: f64 = a.contributions.iter().map(|c| c[y]).sum();
                // To rounding of the emissions: Shapley sums components of the total
                // (docs/ATTRIBUTION.md), so a year whose reduction is 0 can be off by
                // 1e-15 of the parts' size.
                let scale = level.values[y].unwrap_or(0.0).abs();
                prop_assert!(
                    close(sum, a.total[y]) || (sum - a.total[y]).abs() <= 1e-12 * scale,
                    "{method:?} year {y}: {sum} vs {}", a.total[y]
                );
            }
        }
    }

    #[test]
    fn a_zero_size_measure_changes_nothing(g in gen()) {
        let model = model_yaml(&g);
        let zero = load(&model, &scenario_yaml(&g, Some(0.0)));
        let c = lcs_engine::compile(&zero).expect("compiles");
        let with = rows(&c, &run_all(&c).expect("runs"));
        let without = rows(&c, &run_reference(&c).expect("runs"));
        for (a, b) in with.iter().zip(&without) {
            prop_assert_eq!(&a.variable, &b.variable);
            for (x, y) in a.values.iter().zip(&b.values) {
                match (x, y) {
                    (Some(x), Some(y)) => prop_assert!(close(*x, *y), "{}: {x} vs {y}", a.variable),
                    _ => prop_assert_eq!(x, y),
                }
            }
        }
    }

    #[test]
    fn a_fuel_shift_keeps_final_energy(g in gen(), amount in 0.0f64..1.0, start in 2020i32..2031) {
        // Shifting share points between fuels of one leaf keeps the leaf's shares summing
        // to 1, so its final energy (A × I, whatever the fuels) and the total stay the same.
        let model = model_yaml(&g);
        let amount = amount * (1.0 - g.res_elec);
        let shifted = format!(
            "scenario: gen\nmodel: model.yaml\nactions:\n  - {{ id: A, measures: [ {{ id: M, lever: shift, target: demand.residential.fuels, from: [lpg], to: [electricity], amount: {}, start: {start}, full: 2030 }} ] }}\n",
            n(amount)
        );
        let s = load(&model, &shifted);
        let c = lcs_engine::compile(&s).expect("compiles");
        let with = rows(&c, &run_all(&c).expect("runs"));
        let without = rows(&c, &run_reference(&c).expect("runs"));
        let (a, b) = (row(&with, var::FINAL_ENERGY), row(&without, var::FINAL_ENERGY));
        for (x, y) in a.values.iter().zip(&b.values) {
            let (x, y) = (x.expect("defined"), y.expect("defined"));
            prop_assert!(close(x, y), "final energy {x} vs {y}");
        }
    }

    #[test]
    fn ramps_are_monotone_from_start_to_full(start in 1990i32..2060, span in 0i32..40, ramp in 0u8..3) {
        let ramp = [Ramp::Linear, Ramp::Step, Ramp::SCurve][ramp as usize];
        let s = Schedule { start, full: start + span, ramp, until: None };
        let w = s.weights(start - 5, start + span + 5);
        for pair in w.windows(2) {
            prop_assert!(pair[0] <= pair[1], "{w:?}");
        }
        prop_assert_eq!(s.weight(start - 1), 0.0);
        prop_assert_eq!(s.weight(start + span), 1.0);
        prop_assert!(w.iter().all(|x| (0.0..=1.0).contains(x)));
    }

    #[test]
    fn unit_conversions_round_trip(v in -1e12f64..1e12, i in 0usize..1000, j in 0usize..1000) {
        // A value written in unit U, converted to base and back, reads as written; and two
        // units of one dimension convert through base consistently.
        let reg = UnitRegistry::builtin();
        let words = reg.words();
        let (u, w) = (&words[i % words.len()], &words[j % words.len()]);
        let q = reg.parse_quantity(&format!("{} {u}", n(v))).expect("quantity");
        let unit = q.unit.clone().expect("unit");
        let base = q.base_value();
        prop_assert!(close(base / unit.factor, v), "{v} {u}");
        let other = reg.parse(w).expect("unit");
        if other.dim == unit.dim {
            let in_w = base / other.factor;
            prop_assert!(close(in_w * other.factor / unit.factor, v));
        }
    }
}
