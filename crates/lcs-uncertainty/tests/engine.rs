//! The engine adapter on small scenarios with answers derived by hand
//! (`tests/uncertainty/*.yaml` at the repository root).

use lcs_engine::{compile, evaluate_with, Compiled, Workspace};
use lcs_model::{Loader, Scenario};
use lcs_uncertainty::design::{evaluate_rows, map_design};
use lcs_uncertainty::engine::{ensemble_of, ScenarioModel};
use lcs_uncertainty::sobol::{saltelli_design, sobol_indices};
use lcs_uncertainty::{quiet, run_ensemble, Bootstrap, Dist, Shard, Summary};
use std::path::PathBuf;

fn load(name: &str) -> (Scenario, Compiled) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/uncertainty")
        .join(name);
    let s = Loader::new().load_scenario(&p).unwrap_or_else(|d| {
        panic!(
            "{name}: {:?}",
            d.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
        )
    });
    let c = compile(&s).expect("compiles");
    (s, c)
}

fn summary(m: &ScenarioModel, e: &lcs_uncertainty::Ensemble) -> Summary {
    let p = quiet(|c| run_ensemble(m, e, Shard::whole(), false, c)).unwrap();
    Summary::combine(vec![p]).unwrap()
}

/// Total emissions (kt CO2e) in `year` with all actions and the given parameters.
fn total(c: &Compiled, params: &[f64], year: i32) -> f64 {
    let mut ws = Workspace::new(c);
    evaluate_with(c, &mut ws, &vec![true; c.n_actions()], params).unwrap();
    ws.out.co2e_t[(year - c.years()[0]) as usize] / 1000.0
}

#[test]
fn target_probability_matches_the_hand_computation() {
    let (s, c) = load("target-probability.yaml");
    // By hand: E(m) = 1080.2630896034425 + 135.2 m, met iff E ≤ 1188.4230896.
    assert!((total(&c, &[1.0], 2030) - 1215.4630896034425).abs() < 1e-9);
    assert!((total(&c, &[0.0], 2030) - 1080.2630896034425).abs() < 1e-9);
    let m_star: f64 = (1188.4230896 - 1080.2630896034425) / 135.2;
    assert!((m_star - 0.8).abs() < 1e-9);
    let n = 20_000u64;
    let e = ensemble_of(&s, 11, n);
    let m = ScenarioModel::new(&s, &c, false).unwrap();
    let sum = summary(&m, &e);
    // Exactly the samples with m ≤ m* meet the target ...
    let x = e.values(0..n).unwrap();
    let below = x.iter().filter(|v| **v <= m_star).count() as u64;
    assert_eq!(sum.met[0], below);
    // ... and their share is 0.3 within four standard errors.
    let p = sum.probability(0);
    assert!(
        (p - 0.3).abs() < 4.0 * (0.21f64 / n as f64).sqrt(),
        "p = {p}"
    );
}

#[test]
fn linear_scenario_sobol_indices_match_the_derivation() {
    let (s, c) = load("linear.yaml");
    // Y(m) = c0 + Σ c_i m_i: the coefficients from unit steps (exact for a linear map).
    let base = total(&c, &[0.0, 0.0, 0.0], 2030);
    let coef: Vec<f64> = (0..3)
        .map(|i| {
            let mut p = [0.0; 3];
            p[i] = 1.0;
            total(&c, &p, 2030) - base
        })
        .collect();
    // Linearity and no interaction: Y(1, 1, 1) = c0 + Σ c_i.
    assert!((total(&c, &[1.0, 1.0, 1.0], 2030) - base - coef.iter().sum::<f64>()).abs() < 1e-9);
    assert!(
        (coef[0] - 135.2).abs() < 1e-9,
        "cement CO2 in 2030: {}",
        coef[0]
    );
    assert!((coef[2] + 15.0).abs() < 1e-9, "forest sink: {}", coef[2]);
    // Var(m): U(0.8, 1.2) → 0.4²/12; triangular(0.6, 1, 1.4) → (a²+b²+c²−ab−ac−bc)/18;
    // U(0.2, 1.8) → 1.6²/12.
    let tri = (0.36 + 1.0 + 1.96 - 0.6 - 0.84 - 1.4) / 18.0;
    let parts = [
        coef[0].powi(2) * 0.16 / 12.0,
        coef[1].powi(2) * tri,
        coef[2].powi(2) * 2.56 / 12.0,
    ];
    let v: f64 = parts.iter().sum();
    let exact: Vec<f64> = parts.iter().map(|p| p / v).collect();
    let m = ScenarioModel::new(&s, &c, false).unwrap();
    let dists = ensemble_of(&s, 5, 1).params;
    let unit = saltelli_design(3, 1 << 12, 5).unwrap();
    let x = map_design(&unit, &dists, false);
    let layout = lcs_engine::row_layout(&c);
    let row = layout.iter().position(|r| r.0 == "Emissions|CO2e").unwrap();
    let out = row * c.years().len() + (2030 - c.years()[0]) as usize;
    let y = quiet(|ctl| evaluate_rows(&m, &x, &[out], ctl)).unwrap();
    let ix = sobol_indices(
        &y,
        3,
        &Bootstrap {
            resamples: 200,
            level: 0.95,
            seed: 5,
            stream: 0,
        },
    )
    .unwrap();
    for j in 0..3 {
        eprintln!(
            "{}: S1 {:.4} ± {:.4}, ST {:.4} ± {:.4}, analytic {:.4}",
            ["cement", "car", "forest"][j],
            ix.s1[j],
            ix.s1_conf[j],
            ix.st[j],
            ix.st_conf[j],
            exact[j]
        );
        assert!((ix.s1[j] - exact[j]).abs() <= ix.s1_conf[j].max(1e-3));
        assert!((ix.st[j] - exact[j]).abs() <= ix.st_conf[j].max(1e-3));
        assert!(ix.s1_conf[j] < 0.05);
    }
}

#[test]
fn per_sample_shapley_is_efficient_and_has_no_spread_at_fixed_parameters() {
    let (s, c) = load("cm-uncertain.yaml");
    let mut e = ensemble_of(&s, 1, 3);
    // Every parameter fixed at its nominal value (1; the grid factor's 2020 value).
    let nominal = [1.0, 0.70 / 3.6, 1.0, 1.0];
    e.params = nominal
        .iter()
        .map(|v| Dist::Discrete {
            values: vec![*v],
            weights: vec![1.0],
        })
        .collect();
    e.correlations.clear();
    let m = ScenarioModel::new(&s, &c, true).unwrap();
    let sum = summary(&m, &e);
    let ny = c.years().len();
    let main = m.n_main_rows();
    let mut ws = Workspace::new(&c);
    // A grid factor fixed at 0.70 t/MWh in every year is not the model's path, so compare with
    // the engine's attribution on the same parameters: Σ φ_i = E_ref − E_all (efficiency).
    evaluate_with(&c, &mut ws, &vec![true; c.n_actions()], &nominal).unwrap();
    let all: Vec<f64> = ws.out.co2e_t.iter().map(|v| v / 1000.0).collect();
    evaluate_with(&c, &mut ws, &vec![false; c.n_actions()], &nominal).unwrap();
    let reference: Vec<f64> = ws.out.co2e_t.iter().map(|v| v / 1000.0).collect();
    for y in 0..ny {
        let phi: f64 = (0..c.n_actions())
            .map(|i| sum.moments.mean[(main + i) * ny + y])
            .sum();
        assert!(
            (phi - (reference[y] - all[y])).abs() < 1e-9,
            "year {y}: {phi}"
        );
        for i in 0..c.n_actions() {
            assert_eq!(sum.moments.sd((main + i) * ny + y), Some(0.0));
        }
    }
}

#[test]
fn engine_ensemble_same_bits_on_one_and_two_threads() {
    let (s, c) = load("cm-uncertain.yaml");
    let e = ensemble_of(&s, 99, 3000);
    let m = ScenarioModel::new(&s, &c, false).unwrap();
    let run = |k: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
            .install(|| format!("{:?}", summary(&m, &e)))
    };
    assert_eq!(run(1), run(2));
}
