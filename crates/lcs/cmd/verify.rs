//! `lcs verify DIR`: re-run a command from its manifest into a temporary folder and compare
//! the outputs byte for byte (docs/MANIFEST.md). The manifest format and the comparison
//! live in `lcs_report::manifest`; this is the glue (the re-run is this same binary).

use super::Failure;
use lcs_report::manifest::{first_difference, Manifest, OutKind};
use std::path::Path;
use std::process::Command;

pub fn run(dir: &Path) -> Result<(), Failure> {
    let m = Manifest::read(dir)?;
    let changed = m.changed_inputs();
    if !changed.is_empty() {
        for c in &changed {
            eprintln!("{c}");
        }
        return Err(Failure::Message(format!(
            "{} input{} changed since the run: the outputs cannot be verified",
            changed.len(),
            if changed.len() == 1 { "" } else { "s" }
        )));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".lcs-verify.")
        .tempdir()
        .map_err(|e| Failure::Message(format!("cannot create a temporary folder: {e}")))?;
    let out = match &m.out {
        OutKind::Dir => tmp.path().join("out"),
        OutKind::File(name) => tmp.path().join(name),
    };
    let exe = std::env::current_exe()
        .map_err(|e| Failure::Message(format!("cannot find the lcs binary: {e}")))?;
    let cwd = if m.cwd.is_dir() {
        m.cwd.clone()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let status = Command::new(exe)
        .args(&m.args)
        .arg("--out")
        .arg(&out)
        .current_dir(&cwd)
        .stdout(std::process::Stdio::null())
        .env("NO_COLOR", "1")
        .status()
        .map_err(|e| Failure::Message(format!("cannot re-run `lcs {}`: {e}", m.command)))?;
    if !status.success() {
        return Err(Failure::Message(format!(
            "the re-run of `lcs {}` failed ({status})",
            m.args.join(" ")
        )));
    }
    // Output names are relative to the `--out` folder (for a file, to the folder holding it).
    let rerun_root = match &m.out {
        OutKind::Dir => out.clone(),
        OutKind::File(_) => tmp.path().to_path_buf(),
    };
    match first_difference(&m, &m.output_root(), &rerun_root) {
        None => {
            println!(
                "byte-identical: {} output file{} of `lcs {}` re-run from {}",
                m.outputs.len(),
                if m.outputs.len() == 1 { "" } else { "s" },
                m.args.join(" "),
                m.file.display()
            );
            Ok(())
        }
        Some(d) => Err(Failure::Message(format!("outputs differ: {d}"))),
    }
}
