//! Embeds the git revision the binary is built from (`LCS_GIT_REVISION`, for run
//! manifests). Git is not required: without it (a source archive) the revision is
//! `unknown`, or whatever `LCS_GIT_REVISION` says in the build's environment.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LCS_GIT_REVISION");
    let revision = std::env::var("LCS_GIT_REVISION")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| {
            let rev = git(&["rev-parse", "HEAD"])?;
            // Rebuild when HEAD moves: watch HEAD and the branch it points to (files that
            // exist only; a missing watched file would rebuild every time).
            let watch = |p: String| {
                if std::path::Path::new(&p).exists() {
                    println!("cargo:rerun-if-changed={p}");
                }
            };
            if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
                watch(format!("{dir}/HEAD"));
            }
            if let (Some(common), Some(branch)) = (
                git(&["rev-parse", "--path-format=absolute", "--git-common-dir"]),
                git(&["symbolic-ref", "-q", "HEAD"]),
            ) {
                watch(format!("{common}/{branch}"));
                watch(format!("{common}/packed-refs"));
            }
            Some(rev)
        })
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=LCS_GIT_REVISION={revision}");
}
