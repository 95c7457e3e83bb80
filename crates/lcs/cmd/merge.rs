//! `lcs merge`: shards of an ensemble (`lcs ensemble --shard K/N`) into the statistics of
//! the unsharded run, bit for bit (moments folded in block order, integer sketches and
//! counts summed).

use super::ensemble::{progress, read_shard, write_outputs, SHARD_FILES};
use super::{run_info, Failure};
use lcs_report::manifest::OutKind;
use lcs_uncertainty::Summary;
use std::path::{Path, PathBuf};

/// Shard folders: each argument is a shard (it has `meta.parquet`) or holds `shard-*`
/// folders.
fn shard_dirs(args: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for a in args {
        if a.join("meta.parquet").is_file() {
            out.push(a.clone());
            continue;
        }
        let entries = std::fs::read_dir(a)
            .map_err(|e| Failure::Message(format!("cannot read `{}`: {e}", a.display())))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("shard-"))
                    && p.join("meta.parquet").is_file()
            })
            .collect();
        if found.is_empty() {
            return Err(Failure::Message(format!(
                "`{}` is not a shard folder and holds no `shard-K-of-N` folders",
                a.display()
            )));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

pub fn run(args: &[PathBuf], out: &Path) -> Result<(), Failure> {
    let dirs = shard_dirs(args)?;
    let mut layout = None;
    let mut parts = Vec::new();
    let pb = progress(dirs.len() as u64, "merge: reading shards");
    for d in &dirs {
        let (l, p) = read_shard(d)?;
        pb.inc(1);
        match &layout {
            None => layout = Some(l),
            Some(first) if *first != l => {
                return Err(Failure::Message(format!(
                    "`{}` comes from a different scenario, uncertainty set-up or `--shapley` choice than `{}`",
                    d.display(),
                    dirs[0].display()
                )))
            }
            Some(_) => {}
        }
        parts.push(p);
    }
    pb.finish_and_clear();
    let layout = layout.ok_or_else(|| Failure::Message("no shards given".into()))?;
    let summary = Summary::combine(parts).map_err(|e| Failure::Message(e.to_string()))?;
    println!(
        "merged {} shards of {} samples",
        dirs.len(),
        summary.samples
    );
    let files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| SHARD_FILES.iter().map(move |f| d.join(f)))
        .collect();
    let mut info = run_info("merge", OutKind::Dir, &lcs_model::Loader::new(), &[]).files(&files)?;
    info.samples = Some(summary.samples);
    write_outputs(out, &layout, &summary, &info)
}
