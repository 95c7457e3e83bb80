//! `lcs ensemble`, `lcs merge` and `lcs sensitivity` end to end: the same seed gives the
//! same bytes on 1 and 2 threads, shards merged give the unsharded files, a target
//! probability computable by hand, Ctrl-C leaves nothing behind, and the sensitivity
//! outputs (index table, tornado chart, exported design).

#[path = "support/report.rs"]
mod report;

use std::path::{Path, PathBuf};
use std::process::Command;

fn lcs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lcs"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/uncertainty")
        .join(name)
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lcs-unc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("lcs runs");
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

const FILES: [&str; 4] = [
    "ensemble.csv",
    "parameters.csv",
    "targets.csv",
    "attribution.csv",
];

fn read(dir: &Path, f: &str) -> Vec<u8> {
    std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(f).display()))
}

#[test]
fn same_seed_same_bytes_on_one_and_two_threads_and_shards_merge_bit_for_bit() {
    let s = fixture("cm-uncertain.yaml");
    let base = tmp("threads");
    let run = |threads: &str, out: &Path, extra: &[&str]| {
        ok(lcs()
            .env("RAYON_NUM_THREADS", threads)
            .args(["ensemble"])
            .arg(&s)
            .args(["--samples", "2500", "--seed", "7", "--shapley", "--out"])
            .arg(out)
            .args(extra))
    };
    let one = base.join("one");
    let two = base.join("two");
    run("1", &one, &[]);
    run("2", &two, &[]);
    for f in FILES {
        assert_eq!(
            read(&one, f),
            read(&two, f),
            "{f} differs between 1 and 2 threads"
        );
    }
    // Three shards (the last block is partial: 2500 = 2·1024 + 452), merged.
    let shards = base.join("shards");
    for k in ["3/3", "1/3", "2/3"] {
        run("2", &shards, &["--shard", k]);
    }
    assert!(shards
        .join("shard-00002-of-00003/moments.parquet")
        .is_file());
    let merged = base.join("merged");
    ok(lcs().args(["merge"]).arg(&shards).arg("--out").arg(&merged));
    for f in FILES {
        assert_eq!(
            read(&one, f),
            read(&merged, f),
            "{f}: merged shards differ from the unsharded run"
        );
    }
    // The fan chart and the target-year histograms, from the same statistics: same bytes.
    let charts: Vec<String> = {
        let mut v: Vec<String> = std::fs::read_dir(one.join("charts"))
            .expect("charts")
            .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    };
    assert!(
        charts.contains(&"fan-emissions-co2e.png".to_string()),
        "{charts:?}"
    );
    assert!(
        charts
            .iter()
            .any(|c| c.starts_with("histogram-emissions-co2e-") && c.ends_with(".svg")),
        "{charts:?}"
    );
    for c in &charts {
        let f = format!("charts/{c}");
        assert_eq!(read(&one, &f), read(&merged, &f), "{c}: merged differs");
    }
    let fan = String::from_utf8(read(&one, "charts/fan-emissions-co2e.svg")).expect("svg");
    assert!(fan.contains("P5–P95") && fan.contains("P25–P75") && fan.contains("median"));
    // A missing shard is an error that names it.
    std::fs::remove_dir_all(shards.join("shard-00002-of-00003")).unwrap();
    let out = lcs()
        .args(["merge"])
        .arg(&shards)
        .arg("--out")
        .arg(base.join("bad"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("shard 2 of 3"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!base.join("bad").join("ensemble.csv").exists());
    // Shard 1 given twice (and 2 missing) names the repeated one: it said "shard 1 of 3 is
    // missing or given twice".
    let merge_err = |args: &[&Path]| {
        let out = lcs()
            .arg("merge")
            .args(args)
            .arg("--out")
            .arg(base.join("bad"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let s1 = shards.join("shard-00001-of-00003");
    let s3 = shards.join("shard-00003-of-00003");
    let err = merge_err(&[&s1, &s1, &s3]);
    assert!(err.contains("shard 1 of 3 is given twice"), "{err}");
    // Shard 2 of another seed with shards 1 and 3: the seeds differ, named.
    let seed9 = base.join("seed9");
    ok(lcs()
        .args(["ensemble"])
        .arg(&s)
        .args([
            "--samples",
            "2500",
            "--seed",
            "9",
            "--shapley",
            "--shard",
            "2/3",
            "--out",
        ])
        .arg(&seed9));
    let err = merge_err(&[&s1, &seed9, &s3]);
    assert!(
        err.contains("different ensembles: their seeds differ"),
        "{err}"
    );
    assert!(!base.join("bad").join("ensemble.csv").exists());
    // Another seed gives other numbers.
    let other = base.join("other");
    ok(lcs()
        .args(["ensemble"])
        .arg(&s)
        .args(["--samples", "2500", "--seed", "8", "--out"])
        .arg(&other));
    assert_ne!(read(&one, "ensemble.csv"), read(&other, "ensemble.csv"));
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn target_probability_by_hand() {
    // tests/uncertainty/target-probability.yaml: met iff the cement multiplier m ≤ 0.8,
    // m ~ U(0.5, 1.5), so p = 0.3.
    let out = tmp("prob");
    ok(lcs()
        .args(["ensemble"])
        .arg(fixture("target-probability.yaml"))
        .args(["--samples", "20000", "--seed", "3", "--out"])
        .arg(&out));
    let t = String::from_utf8(read(&out, "targets.csv")).unwrap();
    let line = t.lines().nth(1).expect("one target");
    let cells: Vec<&str> = line.split(',').collect();
    assert_eq!(cells[1], "cap-2030");
    let p: f64 = cells[5].parse().unwrap();
    assert!(
        (p - 0.3).abs() < 4.0 * (0.21f64 / 20000.0).sqrt(),
        "p = {p}"
    );
    // The parameter's statistics: U(0.5, 1.5) has mean 1 and median 1.
    let par = String::from_utf8(read(&out, "parameters.csv")).unwrap();
    let cells: Vec<f64> = par
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .skip(3)
        .map(|c| c.parse().unwrap())
        .collect();
    assert!(
        (cells[1] - 1.0).abs() < 0.01 && (cells[6] - 1.0).abs() < 0.01,
        "{par}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn ctrl_c_stops_without_outputs() {
    let out = tmp("ctrlc");
    let child = lcs()
        .env("RAYON_NUM_THREADS", "1")
        .args(["ensemble"])
        .arg(fixture("cm-uncertain.yaml"))
        .args(["--samples", "100000000", "--shapley", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("lcs starts");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let t0 = std::time::Instant::now();
    let res = child.wait_with_output().expect("lcs stops");
    assert!(t0.elapsed().as_secs() < 20, "stopped promptly");
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("interrupted"));
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert!(left.is_empty(), "nothing written: {left:?}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn sensitivity_writes_indices_chart_and_design() {
    let out = tmp("sens");
    let stdout = ok(lcs()
        .args(["sensitivity"])
        .arg(fixture("linear.yaml"))
        .args([
            "--method",
            "sobol",
            "--samples",
            "512",
            "--year",
            "2030",
            "--export",
            "--out",
        ])
        .arg(&out));
    assert!(stdout.contains("cement"));
    let t = String::from_utf8(read(&out, "sensitivity.csv")).unwrap();
    assert_eq!(
        t.lines().next(),
        Some("output,parameter,S1,S1_conf,ST,ST_conf")
    );
    assert_eq!(t.lines().count(), 4);
    // Indices of a linear scenario sum to about 1 (S1 = ST, no interactions).
    let s1: f64 = t
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!((s1 - 1.0).abs() < 0.05, "{t}");
    // Named for the output and year; the table sorted by the total index, largest first.
    assert!(read(&out, "sobol-emissions-co2e-2030.svg").starts_with(b"<svg"));
    assert!(read(&out, "sobol-emissions-co2e-2030.png").starts_with(b"\x89PNG"));
    let st: Vec<f64> = t
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().parse::<f64>().unwrap())
        .collect();
    assert!(st.windows(2).all(|w| w[0] >= w[1]), "sorted by ST: {t}");
    let design = String::from_utf8(read(&out, "design.csv")).unwrap();
    assert_eq!(design.lines().count(), 1 + 512 * 5);
    assert!(design.starts_with("u:cement,u:car,u:forest,cement,car,forest\n"));
    assert_eq!(
        String::from_utf8(read(&out, "outputs.csv"))
            .unwrap()
            .lines()
            .count(),
        1 + 512 * 5
    );
    // Morris and an unknown output variable.
    let m = tmp("morris");
    ok(lcs()
        .args(["sensitivity"])
        .arg(fixture("linear.yaml"))
        .args(["--method", "morris", "--samples", "20", "--out"])
        .arg(&m));
    let t = String::from_utf8(read(&m, "sensitivity.csv")).unwrap();
    assert_eq!(
        t.lines().next(),
        Some("output,parameter,mu,mu_star,mu_star_conf,sigma")
    );
    let bad = lcs()
        .args(["sensitivity"])
        .arg(fixture("linear.yaml"))
        .args(["--output", "Emissions|CO2x", "--out"])
        .arg(m.join("bad"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("did you mean") && err.contains("`Emissions|CO2e`"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&m);
}

/// A sample whose run fails is reported as `lcs run` reports a failed run: the parameter's
/// file, line and key, with the sample and its value as a note, and nothing is written.
#[test]
fn a_failed_sample_names_the_parameters_file_line_and_key() {
    let out = tmp("bad-share");
    let dir = out.join("ens");
    let r = lcs()
        .args(["ensemble", "--samples", "100", "--seed", "1", "--out"])
        .arg(&dir)
        .arg(fixture("bad-share.yaml"))
        .output()
        .expect("lcs runs");
    let err = report::flatten(&String::from_utf8_lossy(&r.stderr));
    assert_eq!(r.status.code(), Some(1), "{err}");
    // 0.6 × U(1.8, 2.0) > 1 in every sample: the first one fails.
    for needle in [
        "bad-share.yaml:7:7",
        "uncertain parameter `light-share`: sample",
        "key: `uncertainty.parameters[0]`",
        "in sample 0 (light-share = 1.9",
    ] {
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
    assert!(!dir.exists(), "nothing may be written");
}

/// A trend on a series that is 0 in the base year fails in every sample (p(y) / p(y0) has no
/// value), so the note says that the trend form cannot apply, not to truncate the bounds
/// (held-out review).
#[test]
fn a_trend_on_a_series_from_zero_says_to_sample_the_level() {
    let out = tmp("trend-from-zero");
    let dir = out.join("ens");
    let r = lcs()
        .args(["ensemble", "--samples", "10", "--seed", "1", "--out"])
        .arg(&dir)
        .arg(fixture("trend-from-zero.yaml"))
        .output()
        .expect("lcs runs");
    let err = report::flatten(&String::from_utf8_lossy(&r.stderr));
    assert_eq!(r.status.code(), Some(1), "{err}");
    for needle in [
        "trend-from-zero.yaml:11:7",
        // (miette may wrap the id at its hyphen, so the message is matched after it)
        "sample makes a value that is not finite (NaN) in 2021",
        "a series that is 0 in the base year or changes sign has no trend",
        "sample its level (`as: level`) instead",
    ] {
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
    assert!(!err.contains("truncate the distribution"), "{err}");
    assert!(!dir.exists(), "nothing may be written");
}

#[test]
fn an_absolute_grid_factor_by_hand_with_its_unit_named() {
    // tests/heldout/decompose/grid-absolute.yaml: g ~ U(0.30, 0.40) t CO2/MWh (the max
    // written as 400 kg CO2/MWh), 2030 emissions E = 0.2173867 + 5.5556 g kt, target met
    // iff g ≤ 0.3208704, p = 0.2087; mean E = 0.2173867 + 5.5556 × 0.35 = 2.16183 kt.
    let out = tmp("grid-absolute");
    ok(lcs()
        .arg("ensemble")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/heldout/decompose/grid-absolute.yaml"),
        )
        .args(["--samples", "20000", "--seed", "11", "--out"])
        .arg(&out));
    let t = String::from_utf8(read(&out, "targets.csv")).unwrap();
    let p: f64 = t
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(5)
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (p - 0.2087).abs() < 4.0 * (0.2087f64 * 0.7913 / 20000.0).sqrt(),
        "p = {p}"
    );
    let e = String::from_utf8(read(&out, "ensemble.csv")).unwrap();
    let row = e
        .lines()
        .find(|l| l.contains(",Emissions|CO2e,kt CO2e/yr,2030,"))
        .expect("2030 total");
    let mean: f64 = row.split(',').nth(5).unwrap().parse().unwrap();
    // sd of E: 5.5556 × 0.1 / √12 = 0.1604; 4 standard errors of the mean ≈ 0.0045.
    assert!((mean - 2.16183).abs() < 0.0045, "{row}");
    // The parameter is reported in the base unit of its dimension, named (it said `base
    // unit`): t CO2/GJ, mean 0.35 / 3.6 = 0.09722, min ≥ 0.30 / 3.6 = 0.08333.
    let par = String::from_utf8(read(&out, "parameters.csv")).unwrap();
    let cells: Vec<&str> = par.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(cells[1..3], ["grid", "t CO2/GJ"], "{par}");
    let (m, min): (f64, f64) = (cells[4].parse().unwrap(), cells[6].parse().unwrap());
    assert!(
        (m - 0.35 / 3.6).abs() < 0.0004 && min >= 0.30 / 3.6,
        "{par}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_target_relative_to_the_reference_by_hand() {
    // tests/heldout/decompose/vs-reference.yaml: met iff g ≥ 0.3521665, p = 0.4783.
    let out = tmp("vs-reference");
    ok(lcs()
        .arg("ensemble")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/heldout/decompose/vs-reference.yaml"),
        )
        .args(["--samples", "20000", "--seed", "2", "--out"])
        .arg(&out));
    let t = String::from_utf8(read(&out, "targets.csv")).unwrap();
    let p: f64 = t
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(5)
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (p - 0.4783).abs() < 4.0 * (0.4783f64 * 0.5217 / 20000.0).sqrt(),
        "p = {p}"
    );
    let _ = std::fs::remove_dir_all(&out);
}
