//! Hostile input and the guarantees of issue 14: files that are not scenario text, budgets,
//! ids that would escape the output folder, temporary files, output injection, exit codes,
//! broken pipes. Each test is the regression test of one "Found" item (docs/SECURITY.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn lcs() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lcs"));
    c.env("NO_COLOR", "1");
    c
}

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/tiny")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lcs-hardening-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the tiny example in a fresh folder.
fn tiny_copy(name: &str) -> PathBuf {
    let d = tmp(name);
    copy_dir(&tiny(), &d);
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

fn validate_in(dir: &Path, file: &str) -> Output {
    lcs()
        .current_dir(dir)
        .args(["validate", file])
        .output()
        .expect("lcs")
}

/// A scenario naming `model` as its model.
fn scenario_with_model(dir: &Path, model: &str) -> Output {
    std::fs::write(dir.join("s.yaml"), format!("scenario: s\nmodel: {model}\n")).expect("write");
    validate_in(dir, "s.yaml")
}

#[test]
fn special_files_are_refused_before_reading() {
    let d = tmp("special");
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.yaml")).expect("symlink");
    std::os::unix::fs::symlink("/dev/urandom", d.join("random.yaml")).expect("symlink");
    std::fs::create_dir_all(d.join("folder.yaml")).expect("mkdir");
    let fifo = d.join("pipe.yaml");
    let ok = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(ok.success());
    for (file, what) in [
        ("zero.yaml", "a character device"),
        ("random.yaml", "a character device"),
        ("folder.yaml", "a directory"),
        ("pipe.yaml", "a FIFO"),
    ] {
        // As the model of a scenario, and as a package: each returns at once.
        let t = std::time::Instant::now();
        let o = scenario_with_model(&d, file);
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(what), "{file}: {e}");
        assert!(
            e.contains("s.yaml:2:8") && e.contains("key: `model`"),
            "{e}"
        );
        std::fs::write(
            d.join("p.yaml"),
            format!("scenario: p\nmodel: ../model.yaml\npackages: [{file}]\n"),
        )
        .expect("write");
        let o = validate_in(&d, "p.yaml");
        assert_eq!(o.status.code(), Some(1));
        assert!(t.elapsed().as_secs() < 10, "{file} took {:?}", t.elapsed());
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let d = tmp("large");
    let f = std::fs::File::create(d.join("big.yaml")).expect("create");
    // A sparse file: 17 MiB of zeros costs no disk.
    f.set_len(17 << 20).expect("set_len");
    let o = scenario_with_model(&d, "big.yaml");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("larger than 16 MiB"), "{}", stderr(&o));
}

#[test]
fn a_binary_file_is_not_text() {
    let d = tmp("binary");
    std::fs::write(d.join("bin.yaml"), b"region: x\n\x00\x01\x02").expect("write");
    let o = scenario_with_model(&d, "bin.yaml");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a text file"), "{}", stderr(&o));
}

#[test]
fn invalid_utf8_is_located() {
    let d = tiny_copy("utf8");
    let model = std::fs::read(d.join("model.yaml")).expect("read");
    let text = String::from_utf8(model).expect("utf8");
    // Line 2 is `region: { id: tiny, name: Tiny Town }`: the byte after `Tiny ` (column 32).
    let bad = text.replace("name: Tiny Town", "name: Tiny \u{1}Town");
    let mut bytes = bad.into_bytes();
    let at = bytes.iter().position(|b| *b == 1).expect("marker");
    bytes[at] = 0xff;
    std::fs::write(d.join("model.yaml"), bytes).expect("write");
    let o = validate_in(&d, "model.yaml");
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("model.yaml:2:32"), "{e}");
    assert!(e.contains("not valid UTF-8"), "{e}");
    assert!(e.contains("key: `region.name`"), "{e}");
}

#[test]
fn absolute_referenced_paths_are_errors_and_other_files_are_not_echoed() {
    let d = tmp("passwd");
    let o = scenario_with_model(&d, "/etc/passwd");
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("is an absolute path"), "{e}");
    assert!(
        e.contains("s.yaml:2:8") && e.contains("key: `model`"),
        "{e}"
    );
    assert!(!e.contains("root:"), "{e}");
    // A file of another kind under a `.yaml` name: refused without quoting a line of it.
    std::fs::write(
        d.join("passwd.yaml"),
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
    )
    .expect("write");
    let o = scenario_with_model(&d, "passwd.yaml");
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("is not a model, scenario, package"), "{e}");
    assert!(!e.contains("root:x") && !e.contains("daemon"), "{e}");
    let o = validate_in(&d, "passwd.yaml");
    assert!(!stderr(&o).contains("root:x"), "{}", stderr(&o));
    // A name that is not `*.yaml` is not opened.
    let o = scenario_with_model(&d, "../../../etc/passwd");
    assert!(
        stderr(&o).contains("must be named `*.yaml`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn upper_case_count_units() {
    let d = tiny_copy("teu");
    let text = std::fs::read_to_string(d.join("model.yaml")).expect("read");
    let text = text.replace("gwp: AR5\n", "gwp: AR5\nunits:\n  counts: [TEU, bed]\n");
    let text = text.replace(
        "sources:\n",
        "sources:\n  port/handling: { activity: \"900000 TEU\", factors: { CO2: \"0.01 t CO2/TEU\" } }\n",
    );
    std::fs::write(d.join("model.yaml"), text).expect("write");
    let o = validate_in(&d, "model.yaml");
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn an_id_cannot_escape_the_output_folder() {
    // `lcs report --out deep/a/rep` once wrote `./ESCAPED.svg` and `.png` from this id.
    let d = tiny_copy("escape");
    let text = std::fs::read_to_string(d.join("cm.yaml")).expect("read");
    let id_line = text
        .lines()
        .find(|l| l.starts_with("scenario:"))
        .expect("scenario line")
        .to_string();
    let text = text.replace(&id_line, "scenario: \"x/../../../../../ESCAPED\"");
    std::fs::write(d.join("cm.yaml"), text).expect("write");
    let work = d.join("deep/a");
    std::fs::create_dir_all(&work).expect("mkdir");
    let o = lcs()
        .current_dir(&d)
        .args(["report", "cm.yaml", "--out", "deep/a/rep"])
        .output()
        .expect("lcs");
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("invalid id `x/../../../../../ESCAPED`"), "{e}");
    assert!(
        e.contains("cm.yaml:1:11") && e.contains("key: `scenario`"),
        "{e}"
    );
    for dir in [
        d.clone(),
        d.join("deep"),
        work.clone(),
        std::env::temp_dir(),
    ] {
        for ext in ["svg", "png"] {
            assert!(!dir.join(format!("ESCAPED.{ext}")).exists());
        }
    }
    assert!(
        !work.join("rep").exists(),
        "nothing written after a failed load"
    );
}

#[test]
fn bad_option_values_are_usage_errors() {
    let cm = tiny().join("cm.yaml");
    let cm = cm.to_str().expect("utf8 path");
    let u = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/uncertainty/linear.yaml");
    let u = u.to_str().expect("utf8 path");
    let out = tmp("options");
    let out = out.to_str().expect("utf8 path");
    for args in [
        vec![
            "attribute",
            cm,
            "--method",
            "shapley-sampled",
            "--permutations",
            "0",
        ],
        vec!["ensemble", u, "--samples", "0", "--out", out],
        vec!["ensemble", u, "--shard", "3/2", "--out", out],
        vec!["ensemble", u, "--shard", "0/0", "--out", out],
        vec!["ensemble", u, "--shard", "1/x", "--out", out],
        vec!["sensitivity", u, "--samples", "0", "--out", out],
        vec![
            "sensitivity",
            u,
            "--levels",
            "3",
            "--method",
            "morris",
            "--out",
            out,
        ],
        vec!["sensitivity", u, "--resamples", "0", "--out", out],
        vec!["bench", cm, "--seconds", "0"],
        vec!["bench", cm, "--seconds", "NaN"],
    ] {
        let o = lcs().args(&args).output().expect("lcs");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("invalid value"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    assert_eq!(std::fs::read_dir(out).expect("dir").count(), 0);
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    // `lcs paths model.yaml | true` exited 101 with a panic message.
    for _ in 0..3 {
        let mut child = lcs()
            .args(["paths"])
            .arg(tiny().join("model.yaml"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("wait");
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
}

#[test]
fn a_closed_pipe_never_costs_the_output_files_of_projects_and_ecotown() {
    // `lcs projects … --out d | head -1` printed the pipeline before writing and ended at
    // the closed pipe with nothing in `d`; `lcs run` writes first. Now every command of the
    // project and eco-town layer writes its files before it prints.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let projects = root.join("scenarios/iskandar/projects/pipeline.yaml");
    let network = root.join("scenarios/iskandar/ecotown/pasir-gudang-pilot.yaml");
    let linked = root.join("tests/links/linked-projects.yaml");
    let screened = root.join("scenarios/iskandar/cm-2025.yaml");
    let d = tmp("closed-pipe-outputs");
    let cases: [(Vec<&std::ffi::OsStr>, &str, &str); 4] = [
        (
            vec!["projects".as_ref(), projects.as_os_str(), "--out".as_ref()],
            "p",
            "summary.csv",
        ),
        (
            vec!["ecotown".as_ref(), network.as_os_str(), "--out".as_ref()],
            "e",
            "network.png",
        ),
        (
            vec![
                "projects".as_ref(),
                "--scenario".as_ref(),
                linked.as_os_str(),
                "--out".as_ref(),
            ],
            "r",
            "reconciliation.csv",
        ),
        (
            vec![
                "projects".as_ref(),
                "--screen".as_ref(),
                screened.as_os_str(),
                "--draft".as_ref(),
            ],
            "s",
            "",
        ),
    ];
    for (args, sub, file) in cases {
        let out = d.join(sub);
        let mut child = lcs()
            .args(&args)
            .arg(&out)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("wait");
        assert_eq!(o.status.code(), Some(0), "{sub}: {}", stderr(&o));
        if file.is_empty() {
            assert!(
                std::fs::read_dir(&out).map(|r| r.count()).unwrap_or(0) > 0,
                "{sub}: no draft written"
            );
        } else {
            assert!(out.join(file).is_file(), "{sub}: no {file}");
            if sub != "r" {
                assert!(out.join("manifest.json").is_file(), "{sub}: no manifest");
            }
        }
    }
}

#[test]
fn sampled_shapley_chunks_sum_to_the_total_on_any_threads() {
    // 300 orderings cross one chunk boundary (256); the sums are added in index order, so
    // one and two threads give the same bytes, and contributions add up to TOTAL.
    let d = tmp("sampled");
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let f = d.join(format!("a{threads}.csv"));
        let o = lcs()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "attribute",
                "--method",
                "shapley-sampled",
                "--permutations",
                "300",
            ])
            .arg(tiny().join("cm.yaml"))
            .arg("--out")
            .arg(&f)
            .output()
            .expect("lcs");
        assert!(o.status.success(), "{}", stderr(&o));
        outs.push(std::fs::read_to_string(&f).expect("read"));
    }
    assert_eq!(outs[0], outs[1]);
    // Per year: Σ actions = TOTAL (to rounding).
    let mut sums: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
    for line in outs[0].lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let v: f64 = c[3].parse().expect("number");
        let e = sums.entry(c[2].to_string()).or_default();
        if c[1] == "TOTAL" {
            e.1 = v;
        } else {
            e.0 += v;
        }
    }
    for (y, (sum, total)) in sums {
        assert!(
            (sum - total).abs() <= 1e-9 * total.abs().max(1.0),
            "{y}: {sum} vs {total}"
        );
    }
}

/// A shard of the linear example, written once.
fn shard_dir(name: &str) -> PathBuf {
    let d = tmp(name);
    let o = lcs()
        .args(["ensemble"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/uncertainty/linear.yaml"))
        .args(["--samples", "1500", "--shard", "1/1", "--out"])
        .arg(&d)
        .output()
        .expect("lcs");
    assert!(o.status.success(), "{}", stderr(&o));
    d.join("shard-00001-of-00001")
}

#[test]
fn merge_refuses_every_corrupted_shard_without_panicking() {
    // Bit flips once made `lcs merge` panic inside the Parquet reader (exit 101), and flips
    // in data pages merged silently into other statistics.
    let shard = shard_dir("corrupt");
    let good = tmp("corrupt-good");
    let o = lcs()
        .args(["merge"])
        .arg(&shard)
        .arg("--out")
        .arg(&good)
        .output()
        .expect("lcs");
    assert!(o.status.success(), "{}", stderr(&o));
    let files: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&shard)
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.file_name().is_some_and(|n| n != "manifest.json"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(files.len(), 7, "{files:?}");
    let originals: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    // A fixed pseudo-random sequence of (file, byte, bit): 105 trials, 15 per file.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for trial in 0..105 {
        let fi = trial % files.len();
        let mut bytes = originals[fi].clone();
        let at = (next() as usize) % bytes.len();
        bytes[at] ^= 1 << (next() % 8);
        std::fs::write(&files[fi], &bytes).expect("write");
        let out = tmp("corrupt-out");
        let o = lcs()
            .args(["merge"])
            .arg(&shard)
            .arg("--out")
            .arg(&out)
            .output()
            .expect("lcs");
        let e = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(1),
            "trial {trial} ({:?} byte {at}): {e}",
            files[fi]
        );
        assert!(!e.contains("panicked"), "trial {trial}: {e}");
        assert!(
            e.contains("corrupt") || e.contains("checksum"),
            "trial {trial}: {e}"
        );
        assert!(!out.join("ensemble.csv").exists());
        std::fs::write(&files[fi], &originals[fi]).expect("restore");
    }
}

#[test]
fn verify_reruns_from_the_manifest() {
    let d = tiny_copy("verify");
    let run = |args: &[&str]| {
        let o = lcs().current_dir(&d).args(args).output().expect("lcs");
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    };
    run(&["run", "bau.yaml", "cm.yaml", "--out", "out"]);
    run(&["report", "cm.yaml", "--out", "rep", "--format", "csv"]);
    run(&["targets", "cm.yaml", "--out", "t.csv"]);
    // A global option before the command is kept in `args` and re-run.
    run(&["--deny-warnings", "run", "cm.yaml", "--out", "strict"]);
    let m = std::fs::read_to_string(d.join("out/manifest.json")).expect("manifest");
    for k in [
        "\"revision\"",
        "\"sha256\"",
        "packages/green-economy.yaml",
        "data/factors/gwp.csv",
        "\"gwp\": [\n    \"AR5\"",
        "\"threads\"",
        "results.csv",
    ] {
        assert!(m.contains(k), "{k} in {m}");
    }
    for target in ["out", "rep", "t.csv.manifest.json", "strict"] {
        let o = lcs()
            .current_dir(&d)
            .args(["verify", target])
            .output()
            .expect("lcs");
        assert!(o.status.success(), "{target}: {}", stderr(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("byte-identical"));
    }
    // An output edited after the run: the first difference, by file and line.
    let csv = d.join("out/results.csv");
    let text = std::fs::read_to_string(&csv).expect("read");
    std::fs::write(&csv, text.replacen("tiny", "tinY", 1)).expect("write");
    let o = lcs()
        .current_dir(&d)
        .args(["verify", "out"])
        .output()
        .expect("lcs");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`results.csv` differs first at byte"),
        "{}",
        stderr(&o)
    );
    // A changed input (a package of an inherited scenario) is named.
    let p = d.join("packages/green-economy.yaml");
    let text = std::fs::read_to_string(&p).expect("read");
    std::fs::write(&p, text + "\n# edited\n").expect("write");
    let o = lcs()
        .current_dir(&d)
        .args(["verify", "rep"])
        .output()
        .expect("lcs");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("input `packages/green-economy.yaml` changed"),
        "{}",
        stderr(&o)
    );
    // Found by the held-out review: the output file named instead of its manifest is
    // pointed to its manifest, and a manifest whose `args` run another command than its
    // `command` is refused before anything runs (it started `lcs serve`).
    let o = lcs()
        .current_dir(&d)
        .args(["verify", "t.csv"])
        .output()
        .expect("lcs");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the manifest of this output is `t.csv.manifest.json`"),
        "{}",
        stderr(&o)
    );
    let m = d.join("t.csv.manifest.json");
    let text = std::fs::read_to_string(&m).expect("read");
    std::fs::write(&m, text.replacen("\"targets\",", "\"serve\",", 1)).expect("write");
    let o = lcs()
        .current_dir(&d)
        .args(["verify", "t.csv.manifest.json"])
        .output()
        .expect("lcs");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`args` do not start with the command `targets`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn names_cannot_inject_formulas_or_markup() {
    let d = tiny_copy("inject");
    let p = d.join("packages/green-economy.yaml");
    let text = std::fs::read_to_string(&p).expect("read");
    let text = text
        .replace(
            "name: Integrated green transportation",
            "name: \"=cmd|' /C calc'!A0\"",
        )
        .replace(
            "name: Clean vehicles",
            "name: \"<script>alert(1)</script>\\nsecond line | cell\"",
        )
        .replace("theme: Green Economy", "theme: \"@SUM(A1:A9)\"");
    std::fs::write(&p, text).expect("write");
    let o = lcs()
        .current_dir(&d)
        .args(["report", "cm.yaml", "--out", "rep"])
        .output()
        .expect("lcs");
    assert!(o.status.success(), "{}", stderr(&o));
    let mut saw_formula = false;
    for e in std::fs::read_dir(d.join("rep/csv")).expect("csv") {
        let t = std::fs::read_to_string(e.expect("entry").path()).expect("read");
        for cell in t.lines().flat_map(|l| l.split(',')) {
            let c = cell.trim_start_matches('"');
            assert!(!c.starts_with(['=', '+', '@']), "formula cell `{cell}`");
        }
        // Kept as text: quoted when a cell starts with it, or after the action id.
        saw_formula |= t.contains("'=cmd|") || t.contains("T1 =cmd|");
    }
    assert!(saw_formula, "the action name is kept, as text");
    let md = std::fs::read_to_string(d.join("rep/report.md")).expect("md");
    assert!(!md.contains("<script>"), "raw markup in report.md");
    assert!(md.contains("&lt;script&gt;"));
    // Every table row is one line: the name's line break did not split it.
    for line in md.lines().filter(|l| l.contains("second line")) {
        assert!(line.starts_with('|') && line.ends_with('|'), "{line}");
        assert!(line.contains("second line \\| cell"), "{line}");
    }
    let html = std::fs::read_to_string(d.join("rep/report.html")).expect("html");
    assert!(!html.contains("<script>"), "raw markup in report.html");
    for e in std::fs::read_dir(d.join("rep/charts")).expect("charts") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "svg") {
            let t = std::fs::read_to_string(&p).expect("svg");
            assert!(!t.contains("<script>"), "raw markup in {}", p.display());
        }
    }
}

#[test]
fn ensemble_distribution_errors_are_located() {
    // "normal truncation leaves no probability mass" had no file, line or key.
    let d = tiny_copy("truncation");
    std::fs::write(
        d.join("u.yaml"),
        "scenario: u\nextends: bau.yaml\nuncertainty:\n  parameters:\n    - { id: cement, path: sources.ippu/cement.activity, distribution: normal, mean: 1, sd: 0.01, min: 5, max: 6 }\n",
    )
    .expect("write");
    for args in [
        vec!["ensemble", "u.yaml", "--samples", "10", "--out", "o"],
        vec!["sensitivity", "u.yaml", "--samples", "8", "--out", "o"],
        vec!["validate", "u.yaml"],
    ] {
        let o = lcs().current_dir(&d).args(&args).output().expect("lcs");
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = stderr(&o);
        assert!(e.contains("u.yaml:5:7"), "{args:?}: {e}");
        assert!(e.contains("no probability mass"), "{e}");
        assert!(
            e.contains("key: `uncertainty.parameters[0].distribution`"),
            "{e}"
        );
        assert!(!d.join("o").exists());
    }
}

#[test]
fn a_share_measure_that_breaks_its_map_names_the_year() {
    let d = tiny_copy("share-year");
    std::fs::write(
        d.join("s.yaml"),
        "scenario: s\nextends: bau.yaml\nactions:\n  - { id: A, measures: [ { id: A.1, lever: scale, target: demand.transport/car.share, by: -0.5, start: 2026 } ] }\n",
    )
    .expect("write");
    let o = validate_in(&d, "s.yaml");
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o).replace("\n  │ ", " ");
    // The measure's `{` stands at column 26 of line 4.
    assert!(e.contains("s.yaml:4:26"), "{e}");
    // car 0.75 × (1 − 0.5) + motorcycle 0.10 + bus 0.15 = 0.625.
    assert!(
        e.contains("makes the children's shares sum to 0.625"),
        "{e}"
    );
    assert!(e.contains("instead of 1 in 2026"), "{e}");
    assert!(e.contains("key: `actions[0].measures[0].target`"), "{e}");
}
