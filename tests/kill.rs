//! Kill tests: `lcs run` and `lcs report` killed with SIGKILL at pseudo-random moments (105
//! trials) leave either complete final files or none, and no stray temporary file once the
//! next run has succeeded (docs/SECURITY.md, "Writes").
//!
//! Each trial starts the command into the same output folder, kills it after a delay drawn
//! from [0, twice the measured duration of a full run], and checks what is there: every final
//! file is byte-identical to the one a complete run writes (the inputs never change, so old
//! and new outputs are the same bytes), and a report folder is whole or absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/tiny")
}

fn lcs(args: &[&str], out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lcs"));
    c.current_dir(tiny())
        .args(args)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Every file under `dir` (relative path → bytes), `manifest.json` aside (it records the
/// output place); and every lcs temporary.
fn snapshot(dir: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let mut files = BTreeMap::new();
    let mut temps = Vec::new();
    fn walk(root: &Path, d: &Path, files: &mut BTreeMap<String, Vec<u8>>, temps: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(d) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if name.ends_with(".lcs-tmp") {
                temps.push(p.display().to_string());
            } else if p.is_dir() {
                walk(root, &p, files, temps);
            } else if name != "manifest.json" {
                let rel = p
                    .strip_prefix(root)
                    .expect("under root")
                    .display()
                    .to_string();
                files.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    walk(dir, dir, &mut files, &mut temps);
    (files, temps)
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Kills `args` `trials` times; returns how many trials left a partial state (must be 0).
fn trials(name: &str, args: &[&str], trials: usize, whole_folder: bool, seed: u64) {
    let base = std::env::temp_dir().join(format!("lcs-kill-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("base");
    let reference_dir = base.join("reference");
    let t = Instant::now();
    assert!(lcs(args, &reference_dir).status().expect("lcs").success());
    let full = t.elapsed();
    let (reference, _) = snapshot(&reference_dir);
    assert!(!reference.is_empty());
    let out = base.join("out");
    let mut rng = Rng(seed);
    let (mut killed_early, mut had_files) = (0, 0);
    for trial in 0..trials {
        // Up to twice the measured run: on a loaded machine a later run can be slower than
        // the measured one, and some trials must still get as far as writing.
        let delay = Duration::from_micros(rng.next() % (2 * full.as_micros() as u64 + 1));
        let mut child = lcs(args, &out).spawn().expect("spawn");
        std::thread::sleep(delay);
        let finished = child.try_wait().expect("try_wait").is_some();
        let _ = child.kill();
        let _ = child.wait();
        killed_early += usize::from(!finished);
        let (now, _) = snapshot(&out);
        if !now.is_empty() {
            had_files += 1;
        }
        for (f, bytes) in &now {
            assert_eq!(
                reference.get(f),
                Some(bytes),
                "{name} trial {trial} (killed after {delay:?}): `{f}` is not a complete output"
            );
        }
        if whole_folder && out.exists() {
            let names: Vec<&String> = now.keys().collect();
            let want: Vec<&String> = reference.keys().collect();
            assert_eq!(
                names, want,
                "{name} trial {trial}: a report folder mixes or lacks files"
            );
        }
    }
    // The next successful run leaves no temporary behind, in the folder or beside it.
    assert!(lcs(args, &out).status().expect("lcs").success());
    let (files, temps) = snapshot(&base);
    assert!(temps.is_empty(), "{name}: stray temporaries {temps:?}");
    assert!(files.keys().any(|f| f.starts_with("out/")));
    let _ = std::fs::remove_dir_all(&base);
    // The delays covered the whole run: some trials were killed before any output, some
    // mid-way, and some left files.
    assert!(
        killed_early > 0,
        "{name}: no trial was killed before it finished"
    );
    assert!(
        had_files > 0 || trials < 10,
        "{name}: no trial got as far as writing"
    );
}

#[test]
fn killed_runs_leave_complete_files_or_none() {
    trials(
        "run",
        &["run", "bau.yaml", "cm.yaml"],
        80,
        false,
        0x9e37_79b9_7f4a_7c15,
    );
}

#[test]
fn killed_reports_leave_a_whole_folder_or_none() {
    trials(
        "report",
        &["report", "cm.yaml", "--format", "csv,md"],
        25,
        true,
        0x2545_f491_4f6c_dd1d,
    );
}
