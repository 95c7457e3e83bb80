//! `cargo bench -p lcs-engine`: evaluations per second on one core after loading, and exact
//! Shapley attribution wall time, for the spec's tiny `cm` and the Iskandar `cm-2025`.
//! A plain harness (no benchmark framework): each figure is the median of repeated runs.
//! `lcs bench SCENARIO` measures the same plus a whole `lcs run` process.

use lcs_engine::{attribute, compile, evaluate, Method, Workspace};
use std::path::Path;
use std::time::{Duration, Instant};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn bench(path: &Path) {
    let mut loader = lcs_model::Loader::new();
    let t = Instant::now();
    let s = loader
        .load_scenario(path)
        .unwrap_or_else(|d| panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)));
    let c = compile(&s).expect("compile");
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let mask = vec![true; s.actions.len()];
    let mut ws = Workspace::new(&c);
    // A fixed count for instruction counting (`valgrind --tool=callgrind`), which does not
    // depend on the machine's load.
    if let Some(n) = std::env::var("LCS_BENCH_FIXED")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        for _ in 0..n {
            evaluate(&c, &mut ws, &mask).expect("run");
        }
        println!("{}: {n} evaluations", s.id);
        return;
    }
    let mut rates = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < Duration::from_millis(400) {
            for _ in 0..50 {
                evaluate(&c, &mut ws, &mask).expect("run");
            }
            n += 50;
        }
        rates.push(n as f64 / start.elapsed().as_secs_f64());
    }
    let rate = median(rates);
    println!("{}: {}", s.id, c.describe());
    let shapley: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            attribute(&c, Method::Shapley).expect("shapley");
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    println!(
        "{:<14} actions {:>2}  years {:>2}  load+compile {:>6.2} ms  evaluations/s {:>9.0}  µs/evaluation {:>6.2}  shapley (2^{}) {:>8.2} ms on {} threads",
        s.id,
        s.actions.len(),
        c.years().len(),
        load_ms,
        rate,
        1e6 / rate,
        s.actions.len(),
        median(shapley),
        rayon::current_num_threads()
    );
}

fn main() {
    // `LCS_BENCH_SCENARIO=path.yaml` measures one scenario instead of the two defaults.
    if let Ok(p) = std::env::var("LCS_BENCH_SCENARIO") {
        bench(Path::new(&p));
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    bench(&root.join("tests/cases/tiny/cm.yaml"));
    bench(&root.join("scenarios/iskandar/cm-2025.yaml"));
}
