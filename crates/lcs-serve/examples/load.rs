//! Load test of the explorer on loopback (docs/PERFORMANCE.md, "Lever explorer"):
//! `REQUESTS` requests from `CONCURRENCY` clients, each on a kept-alive connection, with
//! lever states drawn from a fixed seed, against a server started in this process on
//! 127.0.0.1 with a free port. It stops by itself after the last request, prints latency
//! percentiles, and exits non-zero on any error.
//!
//! ```sh
//! cargo run --release -p lcs-serve --example load -- scenarios/iskandar/cm-2025.yaml
//! cargo run --release -p lcs-serve --example load -- scenarios/iskandar/cm-2025.yaml --shapley
//! ```
//!
//! Arguments: the scenario file, then optionally `--requests N` (default 2000, at most
//! 100,000), `--concurrency C` (default 20, at most 64) and `--shapley` (every request also
//! asks for the exact Shapley wedges, as the page's second request does).

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[allow(unreachable_pub)]
#[path = "../tests/client/mod.rs"]
mod client;

use lcs_serve::{Explorer, Options, ServedFile};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// SplitMix64: the lever states of request `i` depend on `i` alone.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut file = None;
    let (mut requests, mut concurrency, mut shapley) = (2000usize, 20usize, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--requests" => requests = args.next().and_then(|v| v.parse().ok()).unwrap_or(0),
            "--concurrency" => concurrency = args.next().and_then(|v| v.parse().ok()).unwrap_or(0),
            "--shapley" => shapley = true,
            _ => file = Some(PathBuf::from(a)),
        }
    }
    let Some(path) = file else {
        eprintln!("usage: load SCENARIO.yaml [--requests N] [--concurrency C] [--shapley]");
        std::process::exit(2);
    };
    if !(1..=100_000).contains(&requests) || !(1..=64).contains(&concurrency) {
        eprintln!("--requests takes 1 to 100000 and --concurrency 1 to 64");
        std::process::exit(2);
    }
    let scenario = match lcs_model::Loader::new().load_scenario(&path) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{} does not load: {}", path.display(), d[0].message);
            std::process::exit(1);
        }
    };
    let actions: Vec<(String, i32)> = lcs_serve::levers::file_levers(&scenario)
        .iter()
        .zip(&scenario.actions)
        .map(|(l, a)| (a.id.clone(), l.start))
        .collect();
    let explorer = Explorer::new(vec![ServedFile { path, scenario }]).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let mut options = Options::loopback(0);
    options.ctrl_c = false;
    let server = lcs_serve::start(explorer, &options).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let addr = server.addr();
    // Request i: every action's ambition in 0–150 % (whole percents) and its start moved by
    // −3 to +3 years, from the stream of i.
    let body = move |i: usize| -> String {
        let mut levers = Vec::new();
        for (k, (id, start)) in actions.iter().enumerate() {
            let r = mix((i as u64) << 8 | k as u64);
            let ambition = (r % 151) as f64 / 100.0;
            let shift = ((r >> 16) % 7) as i32 - 3;
            levers.push(format!(
                "\"{id}\":{{\"ambition\":{ambition},\"start\":{}}}",
                (start + shift).clamp(2005, 2050)
            ));
        }
        let attribution = if shapley {
            ",\"attribution\":\"shapley\""
        } else {
            ""
        };
        format!("{{\"levers\":{{{}}}{attribution}}}", levers.join(","))
    };
    let body = Arc::new(body);
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (next, errors, body) = (next.clone(), errors.clone(), body.clone());
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut conn = client::Conn::open(addr).expect("connects");
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= requests {
                        break;
                    }
                    let b = body(i);
                    let t = Instant::now();
                    match conn.post("/api/evaluate", &b) {
                        Ok(r) if r.status == 200 => {}
                        Ok(r) => {
                            if errors.fetch_add(1, Ordering::Relaxed) < 3 {
                                eprintln!("request {i}: {} {}", r.status, r.text());
                            }
                        }
                        Err(e) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            eprintln!("request {i}: {e}");
                            conn = client::Conn::open(addr).expect("reconnects");
                        }
                    }
                    lat.push(t.elapsed().as_secs_f64() * 1e3);
                }
                lat
            })
        })
        .collect();
    let mut lat: Vec<f64> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("worker"))
        .collect();
    let wall = t0.elapsed().as_secs_f64();
    let _ = server.stop();
    lat.sort_by(f64::total_cmp);
    let q = |p: f64| lat[((p * lat.len() as f64).ceil() as usize).clamp(1, lat.len()) - 1];
    let errors = errors.load(Ordering::Relaxed);
    println!(
        "{} requests ({}), {concurrency} concurrent, on {addr}: {errors} errors, {:.2} s, {:.0} requests/s",
        lat.len(),
        if shapley { "with exact Shapley wedges" } else { "evaluate" },
        wall,
        lat.len() as f64 / wall
    );
    println!(
        "latency ms: p50 {:.2}, p95 {:.2}, p99 {:.2}, max {:.2}",
        q(0.50),
        q(0.95),
        q(0.99),
        lat[lat.len() - 1]
    );
    if errors > 0 {
        std::process::exit(1);
    }
}
