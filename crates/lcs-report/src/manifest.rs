//! Run manifests (docs/MANIFEST.md): what a command read and wrote, so that `lcs verify`
//! can re-run it and tell whether the outputs are byte-identical.
//!
//! Every command that writes outputs writes `manifest.json` beside them (a single output
//! file `F` gets `F.manifest.json`): the tool's version and git revision, the command line,
//! the SHA-256 of every input file (scenarios, inherited scenarios, packages, models, shard
//! files) and of every table embedded in the binary, the GWP sets, seed, sample count and
//! thread count, and the SHA-256 of every output. One call writes it:
//! [`write_manifest`] (or [`crate::output::replace_dir_with_manifest`] for a folder built
//! as a whole).
//!
//! Also [`StableHash`]: a hash over a stable, explicit encoding (length-prefixed text,
//! `f64` bits, tagged variants), for fingerprints that must not depend on Rust's `Debug`
//! text.

use lcs_model::Sources;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Why a manifest could not be written or read.
#[derive(Clone, Debug, PartialEq)]
pub enum ManifestError {
    /// A file could not be read (an input, an output to hash, the manifest).
    Read {
        /// The file.
        path: PathBuf,
        /// The system's message.
        message: String,
    },
    /// The manifest could not be written.
    Write(crate::output::OutputError),
    /// The file is not an lcs manifest.
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        what: String,
    },
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ManifestError::Read { path, message } => {
                write!(f, "cannot read `{}`: {message}", path.display())
            }
            ManifestError::Write(e) => write!(f, "{e}"),
            ManifestError::Invalid { path, what } => {
                write!(f, "`{}` is not an lcs manifest: {what}", path.display())
            }
        }
    }
}

impl std::error::Error for ManifestError {}

fn read_err(p: &Path) -> impl Fn(std::io::Error) -> ManifestError + '_ {
    move |e| ManifestError::Read {
        path: p.to_path_buf(),
        message: e.to_string(),
    }
}

/// The manifest's file name in an output folder.
pub const MANIFEST: &str = "manifest.json";

/// The manifest format's name and version (the `format` field).
pub const FORMAT: &str = "lcs-manifest 1";

/// The SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A SHA-256 over an explicit encoding of values: every item is written with a one-byte
/// tag and a fixed-width or length-prefixed body, so two different sequences of values
/// never encode to the same bytes, and the encoding never changes with the compiler.
pub struct StableHash(Sha256);

impl StableHash {
    /// A hash for one purpose (the domain is hashed first).
    pub fn new(domain: &str) -> Self {
        let mut h = StableHash(Sha256::new());
        h.str(domain);
        h
    }
    /// A variant tag.
    pub fn tag(&mut self, t: u8) -> &mut Self {
        self.0.update([b'T', t]);
        self
    }
    /// An unsigned integer.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.0.update([b'U']);
        self.0.update(v.to_le_bytes());
        self
    }
    /// A signed integer.
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.0.update([b'I']);
        self.0.update(v.to_le_bytes());
        self
    }
    /// A float, by its bits.
    pub fn f64(&mut self, v: f64) -> &mut Self {
        self.0.update([b'F']);
        self.0.update(v.to_bits().to_le_bytes());
        self
    }
    /// An optional float.
    pub fn opt_f64(&mut self, v: Option<f64>) -> &mut Self {
        match v {
            None => self.tag(0),
            Some(x) => self.tag(1).f64(x),
        }
    }
    /// Text, length first.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.0.update([b'S']);
        self.0.update((s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }
    /// The first 8 bytes of the digest, little-endian.
    pub fn finish_u64(self) -> u64 {
        let d = self.0.finalize();
        let mut b = [0u8; 8];
        b.copy_from_slice(&d[..8]);
        u64::from_le_bytes(b)
    }
    /// The whole digest as hex.
    pub fn finish_hex(self) -> String {
        hex(&self.0.finalize())
    }
}

/// Where a command puts its outputs.
#[derive(Clone, Debug, PartialEq)]
pub enum OutKind {
    /// `--out DIR`: files under a folder.
    Dir,
    /// `--out FILE`: one file (its name).
    File(String),
}

/// Everything a manifest records about a run besides its outputs.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// The tool's version (`0.1.0`).
    pub version: String,
    /// The git revision the binary was built from, or `unknown`.
    pub revision: String,
    /// The command (`run`, `report`, …).
    pub command: String,
    /// The command line after the program name, without the `--out` option.
    pub args: Vec<String>,
    /// The working folder the command ran in (paths in `args` are relative to it).
    pub cwd: PathBuf,
    /// Where the outputs go.
    pub out: OutKind,
    /// Input files: (path as read, SHA-256 of its bytes).
    pub inputs: Vec<(String, String)>,
    /// GWP sets of the scenarios run.
    pub gwp: Vec<String>,
    /// The random seed, where the command draws random numbers.
    pub seed: Option<u64>,
    /// The sample count, where the command samples.
    pub samples: Option<u64>,
    /// Worker threads (rayon); results never depend on it, the manifest says it anyway.
    pub threads: usize,
}

impl RunInfo {
    /// A run of `command` with the given command line (the `--out` option is dropped from
    /// it, see [`args_without_out`]).
    pub fn new(
        version: &str,
        revision: &str,
        command: &str,
        argv: &[String],
        out: OutKind,
    ) -> Self {
        RunInfo {
            version: version.to_string(),
            revision: revision.to_string(),
            command: command.to_string(),
            args: args_without_out(argv),
            cwd: std::env::current_dir().unwrap_or_default(),
            out,
            inputs: Vec::new(),
            gwp: Vec::new(),
            seed: None,
            samples: None,
            threads: 1,
        }
    }

    /// Adds every file a loader read (text as read: UTF-8, byte-order mark dropped).
    pub fn sources(mut self, sources: &Sources) -> Self {
        for f in sources.files() {
            self.inputs
                .push((f.path.display().to_string(), sha256_hex(f.text.as_bytes())));
        }
        self
    }

    /// Adds input files that are not scenario text (shard Parquet files), hashed from disk.
    pub fn files(mut self, paths: &[PathBuf]) -> Result<Self, ManifestError> {
        for p in paths {
            let bytes = std::fs::read(p).map_err(read_err(p))?;
            self.inputs
                .push((p.display().to_string(), sha256_hex(&bytes)));
        }
        Ok(self)
    }
}

/// The command line without `--out X`, `-o X`, `--out=X` or `-oX` (a re-run chooses its
/// own output place).
pub fn args_without_out(argv: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in argv {
        if skip {
            skip = false;
            continue;
        }
        if a == "--out" || a == "-o" {
            skip = true;
            continue;
        }
        if a.starts_with("--out=") || (a.starts_with("-o") && a.len() > 2 && !a.starts_with("--")) {
            continue;
        }
        out.push(a.clone());
    }
    out
}

/// The tables embedded in the binary: (path in the repository, SHA-256).
pub fn embedded_tables() -> Vec<(String, String)> {
    lcs_factors::EMBEDDED_TABLES
        .iter()
        .chain(lcs_econ::EMBEDDED_TABLES.iter())
        .chain(lcs_projects::EMBEDDED_TABLES.iter())
        .chain(lcs_ecotown::EMBEDDED_TABLES.iter())
        .map(|(p, t)| (p.to_string(), sha256_hex(t.as_bytes())))
        .collect()
}

fn rel_name(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The manifest's JSON text for outputs under `root` (each listed by `prefix` and its path
/// relative to `root`, `/`-separated, with SHA-256 and size). `to_root` is the path from
/// the manifest's folder to the folder the listed names are relative to (`.` when the
/// manifest sits there; `..` for an ensemble shard, whose outputs are named
/// `shard-K-of-N/…` under `--out`).
pub fn manifest_json(
    info: &RunInfo,
    root: &Path,
    to_root: &str,
    prefix: &str,
    outputs: &[PathBuf],
) -> Result<String, ManifestError> {
    let mut outs = Vec::new();
    let mut sorted: Vec<&PathBuf> = outputs.iter().collect();
    sorted.sort_by_key(|p| rel_name(p, root));
    sorted.dedup();
    for p in sorted {
        let bytes = std::fs::read(p).map_err(read_err(p))?;
        outs.push(output_entry(
            &format!("{prefix}{}", rel_name(p, root)),
            &bytes,
        ));
    }
    Ok(manifest_text(info, to_root, outs))
}

/// One entry of `outputs`: the path as listed, the SHA-256 and size of the bytes.
fn output_entry(path: &str, bytes: &[u8]) -> Value {
    json!({
        "path": path,
        "sha256": sha256_hex(bytes),
        "bytes": bytes.len(),
    })
}

/// The manifest's text around its `outputs` entries (in the order given).
fn manifest_text(info: &RunInfo, to_root: &str, outs: Vec<Value>) -> String {
    let pairs = |v: &[(String, String)]| -> Vec<Value> {
        v.iter()
            .map(|(p, h)| json!({ "path": p, "sha256": h }))
            .collect()
    };
    let out = match &info.out {
        OutKind::Dir => json!({ "kind": "dir" }),
        OutKind::File(name) => json!({ "kind": "file", "name": name }),
    };
    let v = json!({
        "format": FORMAT,
        "tool": { "name": "lcs", "version": info.version, "revision": info.revision },
        "command": info.command,
        "args": info.args,
        "cwd": info.cwd.display().to_string(),
        "out": out,
        "root": to_root,
        "inputs": pairs(&info.inputs),
        "embedded": pairs(&embedded_tables()),
        "gwp": info.gwp,
        "seed": info.seed,
        "samples": info.samples,
        "threads": info.threads,
        "outputs": outs,
    });
    // A JSON value of strings and numbers always encodes.
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// Writes the manifest of `outputs` (files under `dir`) as `dir/manifest.json`, or, for a
/// single-file output, as `<file>.manifest.json` beside it. Returns the manifest's path.
pub fn write_manifest(
    dir: &Path,
    info: &RunInfo,
    outputs: &[PathBuf],
) -> Result<PathBuf, ManifestError> {
    let path = match &info.out {
        OutKind::Dir => dir.join(MANIFEST),
        OutKind::File(name) => dir.join(format!("{name}.manifest.json")),
    };
    let text = manifest_json(info, dir, ".", "", outputs)?;
    crate::output::write_atomic(&path, text.as_bytes()).map_err(ManifestError::Write)?;
    Ok(path)
}

/// Writes outputs held in memory (files under `dir`) and their manifest (as
/// [`write_manifest`] names it) with [`crate::output::write_files`]: each output is hashed
/// from its bytes instead of being read back, all files are flushed to disk together, and
/// the manifest is renamed into place last. The manifest's text is the one
/// [`write_manifest`] writes for the same files. Returns the manifest's path.
pub fn write_outputs_with_manifest(
    dir: &Path,
    info: &RunInfo,
    outputs: &[(PathBuf, &[u8])],
) -> Result<PathBuf, ManifestError> {
    let path = match &info.out {
        OutKind::Dir => dir.join(MANIFEST),
        OutKind::File(name) => dir.join(format!("{name}.manifest.json")),
    };
    let mut sorted: Vec<(String, &[u8])> = outputs
        .iter()
        .map(|(p, b)| (rel_name(p, dir), *b))
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.dedup_by(|a, b| a.0 == b.0);
    let outs = sorted
        .iter()
        .map(|(name, bytes)| output_entry(name, bytes))
        .collect();
    let text = manifest_text(info, ".", outs);
    let mut files: Vec<(&Path, &[u8])> = outputs.iter().map(|(p, b)| (p.as_path(), *b)).collect();
    files.push((&path, text.as_bytes()));
    crate::output::write_files(&files).map_err(ManifestError::Write)?;
    Ok(path)
}

/// One output recorded in a manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputRecord {
    /// Path relative to the output root, `/`-separated.
    pub path: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// A manifest read back (the fields `lcs verify` needs).
#[derive(Clone, Debug)]
pub struct Manifest {
    /// Where the manifest file is.
    pub file: PathBuf,
    /// The command.
    pub command: String,
    /// The command line without `--out`.
    pub args: Vec<String>,
    /// The working folder of the run.
    pub cwd: PathBuf,
    /// Where the outputs went.
    pub out: OutKind,
    /// The output root, relative to the manifest's folder.
    pub root: String,
    /// Input files and their hashes.
    pub inputs: Vec<(String, String)>,
    /// Embedded tables and their hashes.
    pub embedded: Vec<(String, String)>,
    /// Outputs and their hashes.
    pub outputs: Vec<OutputRecord>,
}

impl Manifest {
    /// Reads `path` (a manifest file, or a folder holding `manifest.json`).
    pub fn read(path: &Path) -> Result<Manifest, ManifestError> {
        let file = if path.is_dir() {
            path.join(MANIFEST)
        } else {
            path.to_path_buf()
        };
        let bad = |what: &str| ManifestError::Invalid {
            path: file.clone(),
            what: what.to_string(),
        };
        let meta = std::fs::metadata(&file).map_err(read_err(&file))?;
        if !meta.is_file() || meta.len() > lcs_model::MAX_FILE_BYTES {
            return Err(bad("not a regular file of at most 16 MiB"));
        }
        let text = std::fs::read_to_string(&file).map_err(read_err(&file))?;
        let v: Value = serde_json::from_str(&text).map_err(|e| {
            // `lcs verify results.csv`: the manifest of an `--out FILE` is beside the file.
            let beside = PathBuf::from(format!("{}.manifest.json", file.display()));
            if beside.is_file() {
                bad(&format!(
                    "{e}; the manifest of this output is `{}`",
                    beside.display()
                ))
            } else {
                bad(&e.to_string())
            }
        })?;
        if v["format"] != FORMAT {
            return Err(bad("no `format: lcs-manifest 1`"));
        }
        let s = |k: &str| -> Result<String, ManifestError> {
            v[k].as_str()
                .map(str::to_string)
                .ok_or_else(|| bad(&format!("no text `{k}`")))
        };
        let list = |k: &str| -> Result<Vec<(String, String)>, ManifestError> {
            v[k].as_array()
                .ok_or_else(|| bad(&format!("no list `{k}`")))?
                .iter()
                .map(|e| match (e["path"].as_str(), e["sha256"].as_str()) {
                    (Some(p), Some(h)) => Ok((p.to_string(), h.to_string())),
                    _ => Err(bad(&format!(
                        "an entry of `{k}` without `path` and `sha256`"
                    ))),
                })
                .collect()
        };
        let args = v["args"]
            .as_array()
            .ok_or_else(|| bad("no list `args`"))?
            .iter()
            .map(|a| {
                a.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad("an argument is not text"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // `lcs verify` runs `args`: they must be the command the manifest says was run, so a
        // manifest edited to run another command is refused before anything runs (found by
        // the held-out review: `command: run` with `args: [serve, …]` started `lcs serve`).
        // The global options before it (`--deny-warnings`) are flags without values.
        let command = s("command")?;
        if args.iter().find(|a| !a.starts_with('-')) != Some(&command) {
            return Err(bad(&format!(
                "`args` do not start with the command `{command}`"
            )));
        }
        let out = match (v["out"]["kind"].as_str(), v["out"]["name"].as_str()) {
            (Some("dir"), _) => OutKind::Dir,
            (Some("file"), Some(n)) if !n.contains(['/', '\\']) && n != ".." => {
                OutKind::File(n.to_string())
            }
            _ => return Err(bad("`out` is neither a folder nor a file name")),
        };
        let outputs = list("outputs")?
            .into_iter()
            .map(|(path, sha256)| OutputRecord { path, sha256 })
            .collect::<Vec<_>>();
        for o in &outputs {
            if o.path.split('/').any(|c| c == ".." || c.is_empty()) || o.path.starts_with('/') {
                return Err(bad(&format!(
                    "output path `{}` leaves the output folder",
                    o.path
                )));
            }
        }
        Ok(Manifest {
            command,
            args,
            cwd: PathBuf::from(s("cwd")?),
            out,
            root: s("root")?,
            inputs: list("inputs")?,
            embedded: list("embedded")?,
            outputs,
            file,
        })
    }

    /// The folder the outputs are under.
    pub fn output_root(&self) -> PathBuf {
        let dir = self
            .file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        dir.join(&self.root)
    }

    /// Inputs whose file differs from the one the run read (or is gone), and embedded
    /// tables that differ in this binary, each as a sentence naming the file.
    pub fn changed_inputs(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (p, h) in &self.inputs {
            let path = self.cwd.join(p);
            let now = if lcs_model::is_yaml_name(&path) {
                lcs_model::read_text(&path)
                    .map(|t| sha256_hex(t.as_bytes()))
                    .map_err(|e| e.to_string())
            } else {
                std::fs::read(&path)
                    .map(|b| sha256_hex(&b))
                    .map_err(|e| e.to_string())
            };
            match now {
                Ok(x) if x == *h => {}
                Ok(_) => out.push(format!("input `{p}` changed since the run")),
                Err(e) => out.push(format!("input `{p}` cannot be read: {e}")),
            }
        }
        let now = embedded_tables();
        for (p, h) in &self.embedded {
            match now.iter().find(|(q, _)| q == p) {
                Some((_, x)) if x == h => {}
                Some(_) => out.push(format!("embedded table `{p}` differs in this build of lcs")),
                None => out.push(format!("embedded table `{p}` is not in this build of lcs")),
            }
        }
        out
    }
}

/// Where two sets of outputs first differ.
#[derive(Clone, Debug, PartialEq)]
pub enum Difference {
    /// An output is missing on one side.
    Missing {
        /// The output's path.
        path: String,
        /// Which side lacks it (`recorded` or `re-run`).
        side: &'static str,
    },
    /// The bytes differ.
    Bytes {
        /// The output's path.
        path: String,
        /// The first differing byte.
        offset: usize,
        /// Its 1-based line (for text).
        line: usize,
    },
    /// The file matches the other side but not the hash recorded in the manifest.
    Hash {
        /// The output's path.
        path: String,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Missing { path, side } => {
                write!(f, "`{path}` is missing in the {side} outputs")
            }
            Difference::Bytes { path, offset, line } => {
                write!(f, "`{path}` differs first at byte {offset} (line {line})")
            }
            Difference::Hash { path } => {
                write!(f, "`{path}` does not match the SHA-256 in the manifest")
            }
        }
    }
}

/// Compares the recorded outputs (under `recorded`) with a re-run's (under `rerun`), in
/// the manifest's order; the first difference, or `None` when every output is
/// byte-identical and matches its recorded hash.
pub fn first_difference(m: &Manifest, recorded: &Path, rerun: &Path) -> Option<Difference> {
    for o in &m.outputs {
        let a = std::fs::read(recorded.join(&o.path));
        let b = std::fs::read(rerun.join(&o.path));
        let (a, b) = match (a, b) {
            (Err(_), _) => {
                return Some(Difference::Missing {
                    path: o.path.clone(),
                    side: "recorded",
                })
            }
            (_, Err(_)) => {
                return Some(Difference::Missing {
                    path: o.path.clone(),
                    side: "re-run",
                })
            }
            (Ok(a), Ok(b)) => (a, b),
        };
        if a != b {
            let offset = a
                .iter()
                .zip(&b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            let line = a[..offset].iter().filter(|c| **c == b'\n').count() + 1;
            return Some(Difference::Bytes {
                path: o.path.clone(),
                offset,
                line,
            });
        }
        if sha256_hex(&a) != o.sha256 {
            return Some(Difference::Hash {
                path: o.path.clone(),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_text() {
        // FIPS 180-2 example: SHA-256("abc").
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn stable_hash_separates_fields() {
        let h = |a: &str, b: &str| {
            let mut h = StableHash::new("t");
            h.str(a).str(b);
            h.finish_u64()
        };
        assert_ne!(h("ab", "c"), h("a", "bc"));
        assert_eq!(h("ab", "c"), h("ab", "c"));
        let mut x = StableHash::new("t");
        x.opt_f64(None).f64(0.0);
        let mut y = StableHash::new("t");
        y.opt_f64(Some(0.0));
        assert_ne!(x.finish_u64(), y.finish_u64());
    }

    #[test]
    fn out_options_are_dropped() {
        let a: Vec<String> = [
            "run", "a.yaml", "--out", "x", "-o", "y", "--out=z", "-ow", "b.yaml",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(args_without_out(&a), vec!["run", "a.yaml", "b.yaml"]);
    }

    #[test]
    fn manifests_round_trip_and_find_differences() {
        let d = std::env::temp_dir().join(format!("lcs-manifest-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("a/csv")).unwrap();
        std::fs::create_dir_all(d.join("b/csv")).unwrap();
        std::fs::write(d.join("a/csv/t.csv"), "x\n1\n2\n").unwrap();
        std::fs::write(d.join("b/csv/t.csv"), "x\n1\n3\n").unwrap();
        let mut info = RunInfo::new(
            "0.1.0",
            "abc",
            "run",
            &["run".into(), "--out".into(), "a".into()],
            OutKind::Dir,
        );
        info.inputs.push(("in.yaml".into(), sha256_hex(b"")));
        let p = write_manifest(&d.join("a"), &info, &[d.join("a/csv/t.csv")]).unwrap();
        let m = Manifest::read(&d.join("a")).unwrap();
        assert_eq!(m.file, p);
        assert_eq!(m.args, vec!["run"]);
        assert_eq!(m.outputs.len(), 1);
        assert_eq!(m.outputs[0].path, "csv/t.csv");
        assert_eq!(first_difference(&m, &d.join("a"), &d.join("a")), None);
        assert_eq!(
            first_difference(&m, &d.join("a"), &d.join("b")),
            Some(Difference::Bytes {
                // `x\n1\n` is 4 bytes: the 5th (offset 4, line 3) differs.
                path: "csv/t.csv".into(),
                offset: 4,
                line: 3
            })
        );
        // The input `in.yaml` does not exist where the run was: reported by name.
        let changed = m.changed_inputs();
        assert_eq!(changed.len(), 1);
        assert!(changed[0].contains("`in.yaml`"), "{changed:?}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
