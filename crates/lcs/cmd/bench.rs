//! `lcs bench`: the performance figures recorded in docs/PERFORMANCE.md.
//!
//! For one scenario: load + check + compile time; evaluations per second on one core after
//! loading (all actions on, the hot loop of ensembles); Shapley attribution wall time (exact
//! by components of the total, docs/ATTRIBUTION.md, on the rayon pool); and the wall time of a whole `lcs run` process on the
//! scenario (this binary, spawned). Each timing is the median of several repetitions.

use super::{compile, load, Failure};
use lcs_engine::{attribute, evaluate, Method, Workspace};
use lcs_model::Loader;
use std::path::Path;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub fn run(file: &Path, seconds: f64) -> Result<(), Failure> {
    let t0 = Instant::now();
    let mut loader = Loader::new();
    let s = load(&mut loader, file)?;
    let c = compile(&s)?;
    let load_time = t0.elapsed();
    let mask = vec![true; s.actions.len()];
    let mut ws = Workspace::new(&c);
    // Warm up, then count evaluations for the given time on this thread.
    for _ in 0..100 {
        evaluate(&c, &mut ws, &mask)
            .map_err(|e| Failure::Message(format!("run failed: {}", e.problem)))?;
    }
    let budget = Duration::from_secs_f64(seconds.max(0.1));
    let start = Instant::now();
    let mut n: u64 = 0;
    while start.elapsed() < budget {
        for _ in 0..100 {
            let _ = evaluate(&c, &mut ws, &mask);
        }
        n += 100;
    }
    let per_sec = n as f64 / start.elapsed().as_secs_f64();
    let mut runs = 0;
    let times: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            if let Ok(a) = attribute(&c, Method::Shapley) {
                runs = a.shapley.map_or(0, |r| r.evaluations);
            }
            t.elapsed()
        })
        .collect();
    let shapley = median(times);
    // A whole `lcs run` process.
    let exe = std::env::current_exe()
        .map_err(|e| Failure::Message(format!("cannot find this executable: {e}")))?;
    let out = std::env::temp_dir().join(format!("lcs-bench-{}", std::process::id()));
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let status = std::process::Command::new(&exe)
            .args(["run"])
            .arg(file)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .map_err(|e| Failure::Message(format!("cannot start `lcs run`: {e}")))?;
        if !status.success() {
            return Err(Failure::Message(
                "`lcs run` failed during the benchmark".into(),
            ));
        }
        times.push(t.elapsed());
    }
    let _ = std::fs::remove_dir_all(&out);
    let run_time = median(times);
    println!(
        "scenario            {} ({} actions, {} years)",
        s.id,
        s.actions.len(),
        c.years().len()
    );
    println!("compiled            {}", c.describe());
    println!("threads (rayon)     {}", rayon::current_num_threads());
    println!("instruction set     {}", lcs_engine::instruction_set());
    println!(
        "load+check+compile  {:.2} ms",
        load_time.as_secs_f64() * 1e3
    );
    println!(
        "evaluations/s       {} (one core, {} evaluations)",
        super::fmt_count(per_sec.round() as usize),
        super::fmt_count(n as usize)
    );
    println!("time/evaluation     {:.2} µs", 1e6 / per_sec);
    println!(
        "shapley             {:.2} ms (median of 5; {} runs by components, 2^{} by brute force)",
        shapley.as_secs_f64() * 1e3,
        super::fmt_count(runs as usize),
        s.actions.len()
    );
    println!(
        "lcs run process     {:.2} ms (median of 5)",
        run_time.as_secs_f64() * 1e3
    );
    Ok(())
}
