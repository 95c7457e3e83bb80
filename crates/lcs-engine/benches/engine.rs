//! `cargo bench -p lcs-engine`: evaluations per second on one core after loading, and
//! Shapley attribution wall time (exact by components, docs/ATTRIBUTION.md), for the spec's
//! tiny `cm`, the Iskandar scenarios and a synthetic 60-action plan on the Iskandar model
//! (`synthetic::split_plan`: cm-2025's measures as actions of their own plus independent
//! sector actions). A plain harness (no benchmark framework): each figure is the median of
//! repeated runs. `lcs bench SCENARIO` measures the same plus a whole `lcs run` process.
//!
//! Environment: `LCS_BENCH_SCENARIO=path.yaml` measures one scenario; with
//! `LCS_BENCH_FIXED=N` it only runs N evaluations (for instruction counts with callgrind,
//! which do not depend on the machine's load); `LCS_BENCH_SYNTHETIC=N` adds the synthetic
//! plan of N actions (default 60).

mod synthetic;

use lcs_engine::{attribute, compile, evaluate, Method, Workspace};
use lcs_model::Scenario;
use std::path::Path;
use std::time::{Duration, Instant};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn load(path: &Path) -> (Scenario, f64) {
    let mut loader = lcs_model::Loader::new();
    let t = Instant::now();
    let s = loader
        .load_scenario(path)
        .unwrap_or_else(|d| panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)));
    (s, t.elapsed().as_secs_f64() * 1e3)
}

fn bench(s: &Scenario, load_ms: f64) {
    let t = Instant::now();
    let c = compile(s).expect("compile");
    let load_ms = load_ms + t.elapsed().as_secs_f64() * 1e3;
    let mask = vec![true; s.actions.len()];
    let mut ws = Workspace::new(&c);
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
    println!(
        "{}: {}; {} code",
        s.id,
        c.describe(),
        lcs_engine::instruction_set()
    );
    let mut last = None;
    let shapley: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            last = Some(attribute(&c, Method::Shapley).expect("shapley"));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let a = last.expect("ran");
    let r = a.shapley.as_ref().expect("report");
    let y = a.total.len() - 1;
    let se = r.standard_error.iter().map(|s| s[y]).fold(0.0f64, f64::max);
    println!(
        "{:<26} actions {:>2}  years {:>2}  load+compile {:>6.2} ms  evaluations/s {:>9.0}  µs/evaluation {:>6.2}",
        s.id,
        s.actions.len(),
        c.years().len(),
        load_ms,
        rate,
        1e6 / rate,
    );
    println!(
        "{:<26} shapley {:>9.2} ms on {} threads: {} components {:?}, {} runs (brute force 2^{}), {}",
        "",
        median(shapley),
        rayon::current_num_threads(),
        r.components.len(),
        r.components
            .iter()
            .map(|c| c.actions.len())
            .collect::<Vec<_>>(),
        r.evaluations,
        s.actions.len(),
        if r.is_exact() {
            "exact".to_string()
        } else {
            format!(
                "exact for {:.1} % of the reduction in the last year, largest standard error {:.4} kt ({:.3} % of the total)",
                100.0 * r.exact_share[y],
                se,
                100.0 * se / a.total[y].abs().max(f64::MIN_POSITIVE)
            )
        }
    );
}

fn main() {
    let synthetic = std::env::var("LCS_BENCH_SYNTHETIC")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(60);
    if let Ok(p) = std::env::var("LCS_BENCH_SCENARIO") {
        let (s, ms) = load(Path::new(&p));
        bench(&s, ms);
        if std::env::var("LCS_BENCH_SYNTHETIC").is_ok() {
            bench(&synthetic::split_plan(&s, synthetic), ms);
        }
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (tiny, ms) = load(&root.join("tests/cases/tiny/cm.yaml"));
    bench(&tiny, ms);
    for f in ["cm-2025.yaml", "cap-2030.yaml", "netzero-2050.yaml"] {
        let (s, ms) = load(&root.join("scenarios/iskandar").join(f));
        bench(&s, ms);
        if f == "cm-2025.yaml" {
            bench(&synthetic::split_plan(&s, synthetic), ms);
        }
    }
}
