//! Where an ensemble's time goes (docs/PERFORMANCE.md): for a scenario with an
//! `uncertainty:` section, times (1) sampling alone, (2) evaluations alone (sampled
//! parameters, all actions), (3) evaluation + reference run + targets, (4) the whole
//! `run_ensemble` (adds the flat output rows, moments and percentile sketches), on one
//! thread and on the rayon pool.
//!
//! `cargo run --release -p lcs-uncertainty --example ensemble_profile -- S.yaml [N]`

use lcs_engine::{compile, evaluate_with, Workspace};
use lcs_uncertainty::engine::{ensemble_of, ScenarioModel};
use lcs_uncertainty::{quiet, run_ensemble, Model, Shard, Summary, BLOCK};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: ensemble_profile S.yaml [N]");
    let n: u64 = args.get(2).map_or(100_000, |s| s.parse().expect("N"));
    let s = lcs_model::Loader::new()
        .load_scenario(std::path::Path::new(path))
        .unwrap_or_else(|_| panic!("{path} does not load"));
    let c = compile(&s).expect("compiles");
    let e = ensemble_of(&s, 1, n);
    let m = ScenarioModel::new(&s, &c, false).expect("model");
    let d = m.n_params();
    println!(
        "scenario {} ({} actions, {} parameters, {} outputs = {} rows x {} years, {} targets)",
        s.id,
        c.n_actions(),
        d,
        m.n_outputs(),
        m.n_main_rows(),
        c.years().len(),
        m.n_targets()
    );
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let k = n.min(20_000);
    // Parameter values of the first k samples (sampling + Iman–Conover).
    let t = Instant::now();
    let x = one.install(|| e.values(0..k).unwrap());
    let sample_us = t.elapsed().as_secs_f64() * 1e6 / k as f64;
    let mut ws = Workspace::new(&c);
    let all = vec![true; c.n_actions()];
    let t = Instant::now();
    for r in 0..k as usize {
        evaluate_with(&c, &mut ws, &all, &x[r * d..(r + 1) * d]).unwrap();
    }
    let eval_us = t.elapsed().as_secs_f64() * 1e6 / k as f64;
    let mut rows = vec![0.0; lcs_engine::row_layout(&c).len() * c.years().len()];
    let t = Instant::now();
    for _ in 0..k {
        lcs_engine::row_values_into(&c, &ws, &mut rows);
    }
    let rows_us = t.elapsed().as_secs_f64() * 1e6 / k as f64;
    let reference = Workspace::new(&c);
    let t = Instant::now();
    for _ in 0..k {
        std::hint::black_box(lcs_engine::evaluate_targets(&s, &c, &ws, &reference));
    }
    let targets_us = t.elapsed().as_secs_f64() * 1e6 / k as f64;
    let mut mw = m.workspace();
    let mut out = vec![0.0; m.n_outputs()];
    let mut met = vec![false; m.n_targets()];
    let t = Instant::now();
    for r in 0..k as usize {
        m.eval(&mut mw, &x[r * d..(r + 1) * d], &mut out, &mut met)
            .unwrap();
    }
    let model_us = t.elapsed().as_secs_f64() * 1e6 / k as f64;
    let t = Instant::now();
    let sum_one = one.install(|| {
        let p = quiet(|ctl| {
            run_ensemble(
                &m,
                &lcs_uncertainty::Ensemble {
                    samples: k,
                    ..e.clone()
                },
                Shard::whole(),
                false,
                ctl,
            )
        })
        .unwrap();
        Summary::combine(vec![p]).unwrap()
    });
    let ens_us = t.elapsed().as_secs_f64() * 1e6 / k as f64;
    // The statistics alone on 256 real output rows, repeated.
    let ns = m.n_outputs();
    let mut buf = vec![0.0; 256 * ns];
    for r in 0..256 {
        m.eval(
            &mut mw,
            &x[r * d..(r + 1) * d],
            &mut buf[r * ns..(r + 1) * ns],
            &mut met,
        )
        .unwrap();
    }
    let mut mo = lcs_uncertainty::stats::BlockSums::new(ns);
    let mut sk = lcs_uncertainty::stats::Sketch::new(ns);
    let reps = 100;
    let t = Instant::now();
    for _ in 0..reps {
        for r in 0..256 {
            mo.push(&buf[r * ns..(r + 1) * ns]);
        }
    }
    let mom_us = t.elapsed().as_secs_f64() * 1e6 / (reps * 256) as f64;
    let t = Instant::now();
    for _ in 0..reps {
        sk.push_rows(&buf, ns, 256);
    }
    let sk_us = t.elapsed().as_secs_f64() * 1e6 / (reps * 256) as f64;
    println!("per sample, one thread ({k} samples):");
    println!("  moments of {ns} series       {mom_us:8.2} us");
    println!("  sketches of {ns} series      {sk_us:8.2} us");
    println!("  sampling + Iman-Conover    {sample_us:8.2} us");
    println!(
        "  evaluate_with (all actions) {eval_us:8.2} us  ({:.0} evaluations/s)",
        1e6 / eval_us
    );
    println!("  row_values_into             {rows_us:8.2} us");
    println!("  evaluate_targets            {targets_us:8.2} us");
    println!("  + rows, reference, targets  {model_us:8.2} us");
    println!(
        "  whole ensemble sample       {ens_us:8.2} us  (statistics {:.2} us)",
        ens_us - model_us - sample_us
    );
    println!(
        "  sketch memory               {:.1} MB",
        sum_one.sketch.bytes() as f64 / 1e6
    );
    let t = Instant::now();
    let p = quiet(|ctl| run_ensemble(&m, &e, Shard::whole(), false, ctl)).unwrap();
    let sum = Summary::combine(vec![p]).unwrap();
    let wall = t.elapsed().as_secs_f64();
    println!(
        "ensemble of {n} samples on {} threads: {wall:.2} s ({:.0} samples/s, {} blocks of {BLOCK}); P50 of series 0: {:?}",
        rayon::current_num_threads(),
        n as f64 / wall,
        n.div_ceil(BLOCK),
        sum.percentiles(0)[2]
    );
}
