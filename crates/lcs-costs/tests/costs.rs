//! Hand-computed checks of the cost layer on the two-measure case `tests/costs/cm.yaml`
//! (Cost Town: 1000 households × 10 GJ, half electricity at 0.5 t CO2/MWh, half LPG; LPG
//! 20 MYR/GJ, electricity 0.5 MYR/kWh = 138.889 MYR/GJ; r = 10 % to 2020; years 2020–2024).

use lcs_costs::{
    appraise, energy_cost_change, least_cost, macc, seek, Convention, Options, SeekSpec, Vary,
};
use lcs_engine::{compile, evaluate, rows, Method, Row, Workspace};
use lcs_model::{Loader, Scenario};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/costs")
        .join(name)
}

fn load_path(p: &Path) -> Scenario {
    let mut loader = Loader::new();
    match loader.load_scenario(p) {
        Ok(s) => s,
        Err(d) => panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)),
    }
}

/// The fixture with its text changed (written beside the model, removed afterwards).
fn load_variant(tag: &str, edit: impl Fn(&str) -> String) -> Scenario {
    let text = std::fs::read_to_string(fixture("cm.yaml")).unwrap();
    let p = fixture(&format!("tmp-{tag}-{}.yaml", std::process::id()));
    std::fs::write(&p, edit(&text)).unwrap();
    let s = load_path(&p);
    let _ = std::fs::remove_file(&p);
    s
}

fn close(got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs().max(1.0),
        "got {got}, want {want}"
    );
}

const R: f64 = 0.1;

fn d(t: i32) -> f64 {
    1.1f64.powi(-t)
}

#[test]
fn npv_and_annualised_cost_of_the_two_measure_case() {
    let s = load_path(&fixture("cm.yaml"));
    let c = compile(&s).unwrap();
    let a = appraise(
        &s,
        &c,
        &Options {
            method: Method::Shapley,
            year: 2024,
        },
    )
    .unwrap();
    let elec = 0.5 / 0.0036; // MYR per GJ of electricity
                             // A1 (intensity −20 % from 2021): saves 2000 GJ a year, 1900 GJ once A3 (−5 % activity)
                             // starts in 2023. Capex 100 MYR per GJ/yr saved on the peak 2000 GJ/yr, paid in 2021:
                             // 200 000 MYR, PV 200 000 / 1.1 = 181 818.18.
    let a1 = &a.actions[0];
    close(a1.investment_pv, 200_000.0 * d(1), 1e-12);
    // Energy: half of the saving is electricity bought (no losses, grid supply > 0), half
    // LPG: 2021–22 −1000 GJ × (138.889 + 20) = −158 888.89 a year; 2023–24 −950 GJ × … =
    // −150 944.44 a year.
    let e_hi = -1000.0 * (elec + 20.0);
    let e_lo = -950.0 * (elec + 20.0);
    let energy = e_hi * (d(1) + d(2)) + e_lo * (d(3) + d(4));
    close(a1.energy_pv, energy, 1e-12);
    close(a1.npv.unwrap(), 200_000.0 * d(1) + energy, 1e-12);
    // Annualised: NPV × CRF(10 %, 5 years) = NPV × 0.263797.
    let crf5 = 0.1 * 1.1f64.powi(5) / (1.1f64.powi(5) - 1.0);
    close(
        a1.annualised.unwrap(),
        (200_000.0 * d(1) + energy) * crf5,
        1e-12,
    );
    // A2 (0.1 MW PV, CF 0.2 from 2022): 100 kW × 5000 MYR/kW = 500 000 MYR in 2022; fixed
    // O&M 100 kW × 50 = 5000 MYR a year 2022–24; generation 0.1 × 8760 × 0.2 = 175.2 MWh a
    // year less electricity bought at 500 MYR/MWh: −87 600 MYR a year.
    let a2 = &a.actions[1];
    close(a2.investment_pv, 500_000.0 * d(2), 1e-12);
    close(a2.operating_pv, 5000.0 * (d(2) + d(3) + d(4)), 1e-12);
    close(a2.energy_pv, -87_600.0 * (d(2) + d(3) + d(4)), 1e-12);
    let npv2 = 500_000.0 * d(2) + (5000.0 - 87_600.0) * (d(2) + d(3) + d(4));
    close(a2.npv.unwrap(), npv2, 1e-12);
    // Year convention in 2024: (500 000 × CRF(10 %, 20) + 5000 − 87 600) / 87.6 t, the
    // solar abatement 175.2 MWh × 0.5 t/MWh (no interaction: Shapley = solo).
    let crf20 = 0.1 * 1.1f64.powi(20) / (1.1f64.powi(20) - 1.0);
    close(a2.abatement_year_t, 87.6, 1e-12);
    close(
        a2.cost_per_t_year.unwrap(),
        (500_000.0 * crf20 + 5000.0 - 87_600.0) / 87.6,
        1e-12,
    );
    // Cumulative-discounted: NPV / Σ 87.6 × d(t) over 2022–24.
    close(
        a2.cost_per_t_cumulative.unwrap(),
        npv2 / (87.6 * (d(2) + d(3) + d(4))),
        1e-12,
    );
    // A3 has no cost data: no cost figures, never a zero cost; its energy change is known.
    let a3 = &a.actions[2];
    assert!(!a3.has_cost && a3.npv.is_none() && a3.cost_per_t_year.is_none());
    assert!(a3.energy_pv < 0.0);
    assert_eq!(a.discount_rate, R);
}

fn value(rows: &[Row], var: &str, y: usize) -> f64 {
    rows.iter()
        .find(|r| r.variable == var)
        .unwrap_or_else(|| panic!("no row {var}"))
        .values[y]
        .unwrap()
}

#[test]
fn fuel_savings_equal_delta_final_energy_times_price_from_the_results_table() {
    let s = load_path(&fixture("cm.yaml"));
    let c = compile(&s).unwrap();
    let mut ws = Workspace::new(&c);
    evaluate(&c, &mut ws, &[true; 3]).unwrap();
    let all = ws.out.clone();
    let all_rows = rows(&c, &ws);
    evaluate(&c, &mut ws, &[false; 3]).unwrap();
    let ref_rows = rows(&c, &ws);
    let e = s.economics.as_ref().unwrap();
    let cost = energy_cost_change(&s, &c, e, &all, &ws.out, None).unwrap();
    for (y, got) in cost.iter().enumerate() {
        // TJ → GJ × 20 MYR/GJ; grid supply (no losses) MWh × 500 MYR/MWh.
        let lpg = (value(&all_rows, "Final Energy|lpg", y)
            - value(&ref_rows, "Final Energy|lpg", y))
            * 1000.0
            * 20.0;
        let grid = (value(&all_rows, "Electricity|Grid Supply", y)
            - value(&ref_rows, "Electricity|Grid Supply", y))
            * 500.0;
        close(*got, lpg + grid, 1e-12);
    }
    assert_eq!(cost[0], 0.0);
    assert!(cost[4] < 0.0);
}

#[test]
fn shapley_macc_abatements_sum_to_the_total_reduction_and_solo_does_not() {
    let s = load_path(&fixture("cm.yaml"));
    let c = compile(&s).unwrap();
    let a = appraise(
        &s,
        &c,
        &Options {
            method: Method::Shapley,
            year: 2024,
        },
    )
    .unwrap();
    let sum: f64 = macc(&a, Convention::Year)
        .iter()
        .map(|r| r.abatement_t)
        .sum();
    close(sum, a.total_reduction_year_t, 1e-12);
    // The curve: sorted by cost, the action without cost data last.
    let m = macc(&a, Convention::Year);
    assert_eq!(
        m.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["A1", "A2", "A3"]
    );
    assert!(m[0].cost_per_t <= m[1].cost_per_t);
    assert_eq!(m[2].note, Some("no cost data"));
    // Solo: A1 and A3 interact (A3 cuts the activity A1's saving applies to), so solo
    // abatements sum to more than the reduction: 2000 GJ saved alone vs 1900 together.
    let solo = appraise(
        &s,
        &c,
        &Options {
            method: Method::Solo,
            year: 2024,
        },
    )
    .unwrap();
    let solo_sum: f64 = solo.actions.iter().map(|x| x.abatement_year_t).sum();
    assert!(solo_sum > a.total_reduction_year_t + 1.0, "{solo_sum}");
}

/// Emissions of Cost Town in 2024 with A1 at ambition k (A2 whole, A3 at 0), t CO2e:
/// E(k) = 10 000 (1 − 0.2 k) GJ × (0.5 × 0.0632665 + 0.5 × 0.5 / 3.6) − 87.6, with LPG's
/// residential factor 63 100 + 28 × 5 + 265 × 0.1 = 63 266.5 kg CO2e per TJ.
fn e_of_k(k: f64) -> f64 {
    let per_gj = 0.5 * 0.0632665 + 0.5 * 0.5 / 3.6;
    10_000.0 * (1.0 - 0.2 * k) * per_gj - 87.6
}

fn linear_case(at_most_kt: f64) -> Scenario {
    load_variant(&format!("lin{}", at_most_kt.to_bits()), |t| {
        let t = t.replace(
            "  - { id: cut-30, metric: emissions, year: 2024, reduction: 0.30, relative_to: reference }",
            &format!("  - {{ id: cap, metric: emissions, year: 2024, at_most: \"{at_most_kt} kt CO2e\" }}"),
        );
        t + "adjust:\n  A3: { ambition: 0 }\n"
    })
}

#[test]
fn seek_on_a_linear_case_finds_the_hand_computed_ambition() {
    // Choose the cap so that k* = 1.5: E(1.5) = 10 000 × 0.7 × 0.2021554 − 87.6.
    let cap_kt = e_of_k(1.5) / 1000.0;
    let s = linear_case(cap_kt);
    let mut c = compile(&s).unwrap();
    let t = s.targets.iter().position(|t| t.id == "cap").unwrap();
    let o = seek(
        &s,
        &mut c,
        &SeekSpec {
            target: t,
            vary: Vary::Ambition,
            actions: vec![0],
            max_ambition: 10.0,
        },
    )
    .unwrap();
    assert!(o.feasible && o.interior);
    close(o.value, 1.5, 1e-6);
    assert!(o.margin <= 0.0 && o.margin.abs() <= 1e-6 * o.threshold.abs());
    assert!(o.not_monotone.is_none());
    assert!(o.evaluations < 100, "{}", o.evaluations);
    // The compiled scenario is back as it was.
    assert_eq!(c.adjustments(), compile(&s).unwrap().adjustments());
    // One measure's size: the same answer through `--vary A1.1`.
    let o2 = seek(
        &s,
        &mut c,
        &SeekSpec {
            target: t,
            vary: Vary::Measure {
                action: 0,
                measure: 0,
            },
            actions: vec![],
            max_ambition: 10.0,
        },
    )
    .unwrap();
    close(o2.value, 1.5, 1e-6);
}

#[test]
fn seek_reports_infeasible_with_the_best_reachable_value() {
    // Below zero no ambition of A1 can reach: intensity ≥ 0 caps k at 5 (E(5) = −87.6 t).
    let s = linear_case(-1.0);
    let mut c = compile(&s).unwrap();
    let t = s.targets.iter().position(|t| t.id == "cap").unwrap();
    let o = seek(
        &s,
        &mut c,
        &SeekSpec {
            target: t,
            vary: Vary::Ambition,
            actions: vec![0],
            max_ambition: 10.0,
        },
    )
    .unwrap();
    assert!(!o.feasible);
    // The largest ambition that still runs is k = 5 (intensity 0), within the search's
    // halving of [4, 8].
    close(o.value, 5.0, 1e-6);
    assert!(o.margin > 0.0);
    // A target that the varied action cannot move: A2 only, a target before it starts.
    let s2 = load_variant("early", |t| {
        t.replace("year: 2024, reduction: 0.30", "year: 2021, reduction: 0.30")
    });
    let mut c2 = compile(&s2).unwrap();
    let e = seek(
        &s2,
        &mut c2,
        &SeekSpec {
            target: 0,
            vary: Vary::Ambition,
            actions: vec![1],
            max_ambition: 10.0,
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("does not depend on the varied actions"),
        "{e}"
    );
}

#[test]
fn least_cost_takes_actions_in_macc_order_and_scales_the_last() {
    let s = load_path(&fixture("cm.yaml"));
    let mut c = compile(&s).unwrap();
    let lc = least_cost(&s, &mut c, 0, &[]).unwrap();
    assert!(lc.met);
    assert_eq!(lc.chosen[0], ("A1".to_string(), 1.0));
    assert_eq!(lc.chosen[1].0, "A2");
    assert!(lc.chosen[1].1 > 0.0 && lc.chosen[1].1 < 1.0);
    assert!(lc.margin <= 0.0 && lc.margin.abs() <= 1e-6 * lc.threshold);
    // A3 has no cost data: never a candidate; it stays as written.
    assert!(lc.adjust.iter().all(|a| a.action != 2));
}

#[test]
fn adjust_ambition_scales_a_measure_and_start_moves_it() {
    // A2 at ambition 0.5: half the generation, so half its 2024 abatement (87.6 / 2).
    let s = load_variant("adj", |t| {
        t.to_string() + "adjust:\n  A2: { ambition: 0.5 }\n  A1.1: { start: 2023 }\n"
    });
    let c = compile(&s).unwrap();
    let a = appraise(
        &s,
        &c,
        &Options {
            method: Method::Shapley,
            year: 2024,
        },
    )
    .unwrap();
    close(a.actions[1].abatement_year_t, 43.8, 1e-12);
    // Half the capacity: half the per-kW capex.
    close(a.actions[1].investment_pv, 250_000.0 * d(2), 1e-12);
    // A1 moved from 2021 to 2023: its capex is paid in 2023.
    close(a.actions[0].investment_pv, 190_000.0 * d(3), 1e-12);
    // `size` is converted to an ambition: 0.05 MW of the 0.1 MW measure is 0.5.
    let s2 = load_variant("size", |t| {
        t.to_string() + "adjust:\n  A2.1: { size: \"0.05 MW\" }\n"
    });
    assert_eq!(s2.measure_adjustment(1, 0), (0.5, 0));
}

fn seek_failing(target: &str) -> lcs_costs::SeekOutcome {
    let s = load_path(&fixture("failing/cm.yaml"));
    let mut c = compile(&s).unwrap();
    let t = s.targets.iter().position(|x| x.id == target).unwrap();
    seek(
        &s,
        &mut c,
        &SeekSpec {
            target: t,
            vary: Vary::Ambition,
            actions: vec![],
            max_ambition: 10.0,
        },
    )
    .unwrap()
}

#[test]
fn seek_ends_the_range_where_runs_start_to_fail() {
    // tests/costs/failing/cm.yaml: every ambition k in (1, 2) fails (A2.1 sets the homes'
    // intensity 10 (1 − 0.5 k) to 0 with weight k: 10 (1 − 0.5 k)(1 − k) < 0); k = 2 runs
    // again (A1.1 has zeroed it) and meets the 0.45 kt cap with the flats' 379.599 t. That
    // lone point is outside the allowed range: the range ends just above 1, where no value
    // meets the cap.
    let o = seek_failing("cap");
    assert!(!o.feasible && !o.interior && o.edge.is_none(), "{o:?}");
    assert!(o.value >= 1.0 && o.value < 1.0 + 1e-6, "{}", o.value);
    assert_eq!(o.range, (0.0, o.value));
    // The best reachable is about E(1) = 0.8 × 632.665 t = 506.132 t of the flats, 0.506 kt.
    close(o.metric, 0.506132, 1e-6);
    assert!(o.margin > 0.0);
    let f = o.first_failure.as_ref().expect("a failing run named");
    assert!(f.value > o.value && f.value < 1.0 + 1e-6, "{}", f.value);
    assert_eq!(
        f.error.cause,
        lcs_engine::Cause::Measure {
            action: 1,
            measure: 0
        }
    );
    assert!(o.failures >= 1);
    // The run at 2 (the bracket's doubling) ran after failures: reported.
    let (bad, good) = o
        .runs_after_failure
        .expect("runs beyond a failure reported");
    assert!(bad > 1.0 && bad < 2.0 && good == 2.0, "{bad} {good}");
}

#[test]
fn seek_interior_answer_below_failing_runs_is_clean() {
    // The 0.52 kt cap is met inside [0, 1], where every run works: E(k) = 1010.7769 (1 −
    // 0.5 k)(1 − k) + 632.665 (1 − 0.2 k) t = 520 t gives 505.388 k² − 1642.698 k + 1123.442
    // = 0, k = 0.978426460 (the smaller root).
    let o = seek_failing("cap-520");
    assert!(o.feasible && o.interior && o.edge.is_none(), "{o:?}");
    close(o.value, 0.978_426_459_788_706_9, 1e-6);
    assert!(o.margin <= 0.0 && o.margin.abs() <= 1e-6 * o.threshold.abs());
    assert!(o.first_failure.is_none() && o.failures == 0 && o.runs_after_failure.is_none());
}

#[test]
fn seek_vary_start_finds_the_hand_computed_latest_start() {
    // tests/costs/start.yaml: the 2024 cut is 0.1 × (2024 − s); −25 % needs s ≤ 2021.5.
    let s = load_path(&fixture("start.yaml"));
    let mut c = compile(&s).unwrap();
    let o = seek(
        &s,
        &mut c,
        &SeekSpec {
            target: 0,
            vary: Vary::Start,
            actions: vec![],
            max_ambition: 10.0,
        },
    )
    .unwrap();
    assert!(o.feasible && o.interior && o.edge.is_none(), "{o:?}");
    assert_eq!(o.value, 2021.0);
    assert_eq!(o.range, (2020.0, 2024.0));
    let e_ref = 10_000.0 * (0.5 * 0.0632665 + 0.5 * 0.5 / 3.6) / 1000.0; // kt
    close(o.metric, 0.7 * e_ref, 1e-9);
    close(o.threshold, 0.75 * e_ref, 1e-9);
    assert_eq!(o.adjust.len(), 1);
    assert_eq!(o.adjust[0].start, Some(2021));
    // 2020, 2024, then 2022 (not met) and 2021 (met), and the answer's own run.
    assert_eq!(o.evaluations, 5);
}
