//! Known answers: Sobol indices of the Ishigami function and of a linear function, the
//! Morris ranking of Sobol's G function, ensemble statistics of known distributions, and
//! determinism (threads, shards).

use lcs_uncertainty::design::{evaluate_rows, map_design};
use lcs_uncertainty::morris::{morris_design, morris_indices};
use lcs_uncertainty::sobol::{saltelli_design, sobol_indices};
use lcs_uncertainty::{
    quiet, run_ensemble, Bootstrap, Dist, Ensemble, FnModel, Model, RankCorrelation, Shard, Summary,
};
use std::f64::consts::PI;

fn sobol_of<M: Model>(
    m: &M,
    dists: &[Dist],
    n: usize,
    seed: u64,
) -> lcs_uncertainty::sobol::SobolIndices {
    let d = dists.len();
    let unit = saltelli_design(d, n, seed).unwrap();
    let x = map_design(&unit, dists, false);
    let y = quiet(|c| evaluate_rows(m, &x, &[0], c)).unwrap();
    sobol_indices(
        &y,
        d,
        &Bootstrap {
            resamples: 200,
            level: 0.95,
            seed,
            stream: 0,
        },
    )
    .unwrap()
}

fn check_within(name: &str, est: &[f64], conf: &[f64], exact: &[f64]) {
    for j in 0..exact.len() {
        eprintln!(
            "{name}[{j}] = {:.4} ± {:.4} (analytic {:.4})",
            est[j], conf[j], exact[j]
        );
        assert!(
            conf[j] > 0.0 && conf[j] < 0.1,
            "{name}[{j}]: interval {}",
            conf[j]
        );
        assert!(
            (est[j] - exact[j]).abs() <= conf[j],
            "{name}[{j}] = {} ± {}, analytic {}",
            est[j],
            conf[j],
            exact[j]
        );
    }
}

#[test]
fn ishigami_sobol_indices_within_bootstrap_intervals() {
    let (a, b) = (7.0, 0.1);
    let m = FnModel::new(3, 1, move |x: &[f64], y: &mut [f64]| {
        y[0] = x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin();
    });
    let u = Dist::Uniform { min: -PI, max: PI };
    let s = sobol_of(&m, &[u.clone(), u.clone(), u], 1 << 13, 42);
    // Analytic (Ishigami & Homma 1990): V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2.
    let v = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let s1 = [v1 / v, v2 / v, 0.0];
    let st = [(v1 + v13) / v, v2 / v, v13 / v];
    assert!((s1[0] - 0.3139).abs() < 1e-4 && (st[2] - 0.2437).abs() < 1e-4);
    check_within("ishigami S1", &s.s1, &s.s1_conf, &s1);
    check_within("ishigami ST", &s.st, &s.st_conf, &st);
}

#[test]
fn linear_function_sobol_indices_match_the_derivation() {
    // Y = 4 X1 + 2 X2 + X3 + 2 X4, X1..X3 ~ U(0, 1), X4 ~ N(1, 0.5²), independent.
    // Var(a X) = a² Var X: 16/12, 4/12, 1/12, 4 · 0.25; no interactions, so S1 = ST.
    let m = FnModel::new(4, 1, |x: &[f64], y: &mut [f64]| {
        y[0] = 4.0 * x[0] + 2.0 * x[1] + x[2] + 2.0 * x[3];
    });
    let u = Dist::Uniform { min: 0.0, max: 1.0 };
    let nrm = Dist::Normal {
        mean: 1.0,
        sd: 0.5,
        min: None,
        max: None,
    };
    let s = sobol_of(&m, &[u.clone(), u.clone(), u, nrm], 1 << 12, 7);
    let parts = [16.0 / 12.0, 4.0 / 12.0, 1.0 / 12.0, 1.0];
    let total: f64 = parts.iter().sum();
    let exact: Vec<f64> = parts.iter().map(|p| p / total).collect();
    check_within("linear S1", &s.s1, &s.s1_conf, &exact);
    check_within("linear ST", &s.st, &s.st_conf, &exact);
}

#[test]
fn morris_ranks_the_g_function_factors() {
    // Sobol's G function: the smaller a_i, the more important x_i.
    let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
    let m = FnModel::new(6, 1, move |x: &[f64], y: &mut [f64]| {
        y[0] = x
            .iter()
            .zip(&a)
            .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
            .product();
    });
    let dists = vec![Dist::Uniform { min: 0.0, max: 1.0 }; 6];
    let unit = morris_design(6, 100, 4, 3).unwrap();
    let x = map_design(&unit, &dists, true);
    let y = quiet(|c| evaluate_rows(&m, &x, &[0], c)).unwrap();
    let r = morris_indices(
        &unit,
        &y,
        6,
        4,
        &Bootstrap {
            resamples: 1000,
            level: 0.95,
            seed: 3,
            stream: 0,
        },
    )
    .unwrap();
    eprintln!("mu* = {:?}\nsigma = {:?}", r.mu_star, r.sigma);
    for j in 0..3 {
        assert!(
            r.mu_star[j] > r.mu_star[j + 1],
            "mu* ranking at {j}: {:?}",
            r.mu_star
        );
    }
    assert!(r.mu_star[3] > 5.0 * r.mu_star[4].max(r.mu_star[5]));
    assert!(r.mu_star_conf.iter().all(|c| *c >= 0.0));
    // A linear function: every elementary effect is the slope, so mu* = |slope|, sigma = 0.
    let lin = FnModel::new(2, 1, |x: &[f64], y: &mut [f64]| {
        y[0] = 3.0 * x[0] - 0.5 * x[1]
    });
    let unit = morris_design(2, 10, 4, 1).unwrap();
    let y = quiet(|c| evaluate_rows(&lin, &unit, &[0], c)).unwrap();
    let r = morris_indices(
        &unit,
        &y,
        2,
        4,
        &Bootstrap {
            resamples: 100,
            level: 0.95,
            seed: 1,
            stream: 0,
        },
    )
    .unwrap();
    assert!((r.mu_star[0] - 3.0).abs() < 1e-12 && (r.mu[1] + 0.5).abs() < 1e-12);
    assert!(r.sigma[0] < 1e-12);
}

/// y0 = x0, y1 = x1 (lognormal), target: x0 < 2.6.
struct Known;
impl Model for Known {
    type Workspace = ();
    type Error = std::convert::Infallible;
    fn workspace(&self) {}
    fn n_params(&self) -> usize {
        2
    }
    fn n_outputs(&self) -> usize {
        2
    }
    fn n_targets(&self) -> usize {
        1
    }
    fn eval(
        &self,
        _: &mut (),
        p: &[f64],
        out: &mut [f64],
        met: &mut [bool],
    ) -> Result<(), std::convert::Infallible> {
        out[0] = p[0];
        out[1] = p[1];
        met[0] = p[0] < 2.6;
        Ok(())
    }
}

fn known_ensemble(samples: u64, correlated: bool) -> Ensemble {
    Ensemble {
        params: vec![
            Dist::Uniform { min: 2.0, max: 4.0 },
            Dist::Lognormal {
                mu: 0.0,
                sigma: 0.25,
            },
        ],
        correlations: if correlated {
            vec![RankCorrelation {
                a: 0,
                b: 1,
                rank: 0.6,
            }]
        } else {
            vec![]
        },
        seed: 2024,
        samples,
    }
}

fn whole(m: &Known, e: &Ensemble) -> Summary {
    let p = quiet(|c| run_ensemble(m, e, Shard::whole(), false, c)).unwrap();
    Summary::combine(vec![p]).unwrap()
}

#[test]
fn ensemble_statistics_of_known_distributions() {
    let n = 50_000u64;
    let s = whole(&Known, &known_ensemble(n, false));
    // U(2, 4): mean 3, sd 2/√12; percentiles 2 + 2q; P(X < 2.6) = 0.3.
    let se = (2.0 / 12f64.sqrt()) / (n as f64).sqrt();
    assert!(
        (s.moments.mean[0] - 3.0).abs() < 4.0 * se,
        "{}",
        s.moments.mean[0]
    );
    assert!((s.moments.sd(0).unwrap() - 2.0 / 12f64.sqrt()).abs() < 0.01);
    let p = s.percentiles(0);
    for (q, v) in lcs_uncertainty::ensemble::PERCENTILES.iter().zip(p) {
        assert!((v.unwrap() - (2.0 + 2.0 * q)).abs() < 0.02, "P{q}: {v:?}");
    }
    let prob = s.probability(0);
    assert!(
        (prob - 0.3).abs() < 4.0 * (0.3f64 * 0.7 / n as f64).sqrt(),
        "{prob}"
    );
    // Lognormal(0, 0.25): median 1, P95 = exp(0.25 · 1.6449).
    let p = s.percentiles(1);
    assert!((p[2].unwrap() - 1.0).abs() < 0.01);
    assert!((p[4].unwrap() - (0.25f64 * 1.644_853_626_951_472).exp()).abs() < 0.01);
    // Parameters are also series (outputs first, then parameters): identical to outputs.
    assert_eq!(s.moments.mean[0], s.moments.mean[2]);
}

#[test]
fn correlated_ensemble_has_the_rank_correlation() {
    let e = known_ensemble(8192, true);
    let x = e.values(0..8192).unwrap();
    let a: Vec<f64> = x.chunks(2).map(|r| r[0]).collect();
    let b: Vec<f64> = x.chunks(2).map(|r| r[1]).collect();
    let rho = lcs_uncertainty::ic::spearman(&a, &b);
    assert!((rho - 0.6).abs() < 0.03, "{rho}");
}

#[test]
fn same_seed_same_bits_on_one_and_two_threads() {
    let e = known_ensemble(10_000, true);
    let run = |k: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
            .install(|| format!("{:?}", whole(&Known, &e)))
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one, two);
    // A different seed gives different numbers.
    let mut e2 = e.clone();
    e2.seed += 1;
    assert_ne!(one, format!("{:?}", whole(&Known, &e2)));
}

#[test]
fn shards_merged_equal_the_unsharded_run_bit_for_bit() {
    let e = known_ensemble(5_000, true);
    let reference = format!("{:?}", whole(&Known, &e));
    for count in [2u64, 3, 5] {
        let mut parts: Vec<_> = (0..count)
            .map(|index| {
                quiet(|c| run_ensemble(&Known, &e, Shard { index, count }, true, c)).unwrap()
            })
            .collect();
        parts.reverse();
        let merged = Summary::combine(parts.clone()).unwrap();
        assert_eq!(format!("{merged:?}"), reference, "{count} shards");
        parts.pop();
        // The first shard (index 0) is the one left out.
        let e = Summary::combine(parts).unwrap_err();
        assert_eq!(
            e,
            lcs_uncertainty::Error::Invalid(lcs_uncertainty::Invalid::ShardMissing {
                shard: 1,
                count
            }),
            "a missing shard is an error"
        );
        assert_eq!(e.to_string(), format!("shard 1 of {count} is missing"));
    }
    assert_eq!(
        Summary::combine(Vec::new()).unwrap_err().to_string(),
        "nothing to merge"
    );
}

#[test]
fn cancellation_stops_the_run() {
    let flag = std::sync::atomic::AtomicBool::new(true);
    let none = |_: u64| {};
    let ctl = lcs_uncertainty::Control {
        cancel: &flag,
        progress: &none,
    };
    let r = run_ensemble(
        &Known,
        &known_ensemble(10_000, false),
        Shard::whole(),
        false,
        &ctl,
    );
    assert_eq!(r.unwrap_err(), lcs_uncertainty::Error::Cancelled);
}
