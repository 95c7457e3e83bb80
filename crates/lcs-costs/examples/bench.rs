//! Timing of target seeking and of a Shapley MACC appraisal after loading (docs/PERFORMANCE.md):
//! `cargo run --release -p lcs-costs --example bench -- scenarios/iskandar/cm-2025.yaml vs-bau-40`.

use lcs_costs::{appraise, seek, Options, SeekSpec, Vary};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, target) = match (args.get(1), args.get(2)) {
        (Some(p), Some(t)) => (p.clone(), t.clone()),
        _ => {
            eprintln!("usage: bench SCENARIO.yaml TARGET_ID");
            std::process::exit(2);
        }
    };
    let t0 = Instant::now();
    let mut loader = lcs_model::Loader::new();
    let s = match loader.load_scenario(std::path::Path::new(&path)) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{}", lcs_model::render_all_plain(&d, &loader.sources));
            std::process::exit(1);
        }
    };
    let mut c = lcs_engine::compile(&s).expect("compiles");
    let load_ms = t0.elapsed().as_secs_f64() * 1e3;
    let Some(ti) = s.targets.iter().position(|t| t.id == target) else {
        eprintln!("no target `{target}`");
        std::process::exit(1);
    };
    let spec = SeekSpec {
        target: ti,
        vary: Vary::Ambition,
        actions: Vec::new(),
        max_ambition: 10.0,
    };
    let mut seek_ms = Vec::new();
    let mut evaluations = 0;
    let mut value = 0.0;
    for _ in 0..20 {
        let t = Instant::now();
        let o = seek(&s, &mut c, &spec).expect("seek");
        seek_ms.push(t.elapsed().as_secs_f64() * 1e3);
        evaluations = o.evaluations;
        value = o.value;
    }
    let year = s.targets[ti].year;
    let mut macc_ms = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let a = appraise(
            &s,
            &c,
            &Options {
                method: lcs_engine::Method::Shapley,
                year,
            },
        )
        .expect("appraise");
        macc_ms.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(a);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
        v[v.len() / 2]
    };
    println!("load + check + compile: {load_ms:.1} ms");
    println!(
        "seek (ambition, all actions, target {target}): value {value}, {evaluations} evaluations, median {:.2} ms, min {:.2} ms (20 runs)",
        median(&mut seek_ms.clone()),
        seek_ms.iter().cloned().fold(f64::INFINITY, f64::min)
    );
    println!(
        "appraise with Shapley ({} actions, exact by components): median {:.1} ms, min {:.1} ms (10 runs)",
        s.actions.len(),
        median(&mut macc_ms.clone()),
        macc_ms.iter().cloned().fold(f64::INFINITY, f64::min)
    );
}
