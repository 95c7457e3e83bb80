//! Writing files (docs/SECURITY.md, "Writes"): every output goes to a temporary file
//! created exclusively (`O_EXCL`, so a planted symbolic link is never followed) under an
//! unpredictable name in the target's folder, is flushed to disk, and is renamed over the
//! target, so a failed or killed run never leaves a half-written file. A folder of outputs
//! (a report, an ensemble shard) is built in a temporary folder and renamed into place as
//! a whole. Temporary names carry the writer's process id; a later write into the same
//! folder removes temporaries whose process is gone (a run killed with SIGKILL).
//!
//! Also: CSV fields and numbers, and file names derived from ids.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The suffix of every temporary file and folder lcs creates.
pub const TMP_SUFFIX: &str = ".lcs-tmp";

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn tmp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    format!(".{name}.{}.", std::process::id())
}

/// Why outputs could not be written.
#[derive(Clone, Debug, PartialEq)]
pub enum OutputError {
    /// The file system refused (full disk, no permission, …).
    Io {
        /// The file or folder being written.
        path: PathBuf,
        /// The system's message.
        message: String,
    },
    /// [`replace_dir`] was pointed at a folder holding files lcs did not write.
    ForeignFolder {
        /// The folder.
        path: PathBuf,
    },
    /// The output path exists and is not a folder.
    NotAFolder {
        /// The path.
        path: PathBuf,
    },
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Io { path, message } => {
                write!(f, "cannot write `{}`: {message}", path.display())
            }
            OutputError::ForeignFolder { path } => write!(
                f,
                "`{}` holds files lcs did not write; choose a new or empty folder for the output",
                path.display()
            ),
            OutputError::NotAFolder { path } => {
                write!(f, "`{}` exists and is not a folder", path.display())
            }
        }
    }
}

impl std::error::Error for OutputError {}

/// The error of writing `path`, with the system's message for it, without the name of the
/// temporary that `tempfile` adds to its errors (`… at path "/out/.results.csv.1234.Xy.lcs-tmp"`):
/// the user asked for `path`, and the temporary is gone.
fn io(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |e| OutputError::Io {
        path: path.to_path_buf(),
        message: system_message(&e),
    }
}

fn system_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    // `tempfile` wraps the system's error in one of its own whose text ends with
    // ` at path "<temporary>"`: keep the system's part (`Permission denied (os error 13)`).
    match (e.get_ref().is_some(), text.find(" at path \"")) {
        (true, Some(at)) => text[..at].to_string(),
        _ => text,
    }
}

/// Writes `contents` to `path` atomically: a new temporary file in the same folder (random
/// name, created exclusively), flushed, then renamed over `path`. Creates the folder if
/// needed and first removes temporaries left there by killed runs.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), OutputError> {
    write_files(&[(path, contents)])
}

/// Writes several files atomically (each to a temporary with an unpredictable name in its
/// target's folder, stale temporaries there removed first, flushed to disk, then renamed
/// over the target), together: every temporary
/// is written first, then all are flushed to disk at the same time (one thread per file
/// after the first, so the file system can commit them in one journal transaction instead
/// of one after the other: docs/PERFORMANCE.md, "`lcs run`, round 3"), then they are
/// renamed over their targets in the order given. A reader that sees a later file (a
/// manifest) therefore also sees the earlier ones complete; a failure before the renames
/// leaves every target as it was and removes the temporaries.
pub fn write_files(files: &[(&Path, &[u8])]) -> Result<(), OutputError> {
    let mut folders: Vec<PathBuf> = Vec::new();
    let mut temporaries = Vec::with_capacity(files.len());
    for (path, contents) in files {
        let dir = folder_of(path);
        if !folders.contains(&dir) {
            std::fs::create_dir_all(&dir).map_err(io(&dir))?;
            clean_stale_temporaries(&dir);
            folders.push(dir.clone());
        }
        let fail = io(path);
        let prefix = tmp_prefix(path);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(TMP_SUFFIX).rand_bytes(10);
        // `tempfile` creates its files readable by the owner only (0600), which the rename
        // would carry over to every output: a report nobody else on the machine (or its web
        // server) may read. Outputs get the mode of any file a program creates, 0666 less
        // the user's umask (0644 with the usual 022), as `cp` or a shell redirection gives;
        // found by the held-out review.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let mut tmp = builder.tempfile_in(&dir).map_err(&fail)?;
        tmp.write_all(contents).map_err(&fail)?;
        temporaries.push(tmp);
    }
    let synced: Vec<Result<(), std::io::Error>> = std::thread::scope(|scope| {
        let rest: Vec<_> = temporaries
            .iter()
            .skip(1)
            .map(|t| scope.spawn(move || t.as_file().sync_all()))
            .collect();
        let first = temporaries
            .first()
            .map_or(Ok(()), |t| t.as_file().sync_all());
        std::iter::once(first)
            .chain(rest.into_iter().map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("flush thread failed")))
            }))
            .collect()
    });
    for ((path, _), r) in files.iter().zip(synced) {
        r.map_err(io(path))?;
    }
    // On failure the temporaries not yet renamed are removed when they drop.
    for ((path, _), tmp) in files.iter().zip(temporaries) {
        tmp.persist(path).map_err(|e| io(path)(e.error))?;
    }
    Ok(())
}

/// The names a folder may hold for [`replace_dir`] to replace it: what lcs writes there.
const OUTPUT_NAMES: [&str; 9] = [
    "manifest.json",
    "report.xlsx",
    "report.html",
    "report.md",
    "iamc.csv",
    "csv",
    "parquet",
    "charts",
    "meta.parquet",
];

/// Whether `dir` may be replaced as a whole: absent, empty, or written by lcs before (it
/// holds `manifest.json`, or only names lcs writes). A folder with other files is never
/// replaced, so `--out` pointed at a folder of one's own cannot delete it.
fn replaceable(dir: &Path) -> Result<bool, std::io::Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for e in entries {
        names.push(e?.file_name().to_string_lossy().to_string());
    }
    Ok(names.iter().any(|n| n == "manifest.json")
        || names
            .iter()
            .all(|n| OUTPUT_NAMES.contains(&n.as_str()) || n.ends_with(".parquet")))
}

/// Builds a folder of outputs in a temporary folder beside `out` (`fill` writes into the
/// path it is given and returns the files it wrote there), then renames it into place as a
/// whole: a reader never sees a mix of old and new files, and a killed run leaves the old
/// folder or the new one (or, for the instant between two renames, neither), plus a
/// temporary that the next write removes. Returns the written files under `out`.
///
/// `fill`'s error type `E` is the caller's (a [`crate::ReportError`], the binary's failure):
/// a failure of `fill` is returned as it is, a failure to write the folder as an
/// [`OutputError`] converted into `E`; either way the old folder is left as it was.
pub fn replace_dir<E: From<OutputError>>(
    out: &Path,
    fill: impl FnOnce(&Path) -> Result<Vec<PathBuf>, E>,
) -> Result<Vec<PathBuf>, E> {
    let parent = folder_of(out);
    let fail = io(out);
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    clean_stale_temporaries(&parent);
    if out.exists() && !out.is_dir() {
        return Err(OutputError::NotAFolder {
            path: out.to_path_buf(),
        }
        .into());
    }
    if !replaceable(out).map_err(&fail)? {
        return Err(OutputError::ForeignFolder {
            path: out.to_path_buf(),
        }
        .into());
    }
    let tmp = tempfile::Builder::new()
        .prefix(&tmp_prefix(out))
        .suffix(TMP_SUFFIX)
        .rand_bytes(10)
        .tempdir_in(&parent)
        .map_err(&fail)?;
    let written = fill(tmp.path())?;
    let rebased: Vec<PathBuf> = written
        .iter()
        .map(|p| match p.strip_prefix(tmp.path()) {
            Ok(rel) => out.join(rel),
            Err(_) => p.clone(),
        })
        .collect();
    let tmp_path = tmp.keep();
    let old = if out.exists() {
        let old = parent.join(format!(
            "{}old{TMP_SUFFIX}",
            tmp_path
                .file_name()
                .map(|n| n.to_string_lossy().trim_end_matches(TMP_SUFFIX).to_string() + ".")
                .unwrap_or_default()
        ));
        if let Err(e) = std::fs::rename(out, &old) {
            let _ = std::fs::remove_dir_all(&tmp_path);
            return Err(fail(e).into());
        }
        Some(old)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&tmp_path, out) {
        if let Some(old) = &old {
            let _ = std::fs::rename(old, out);
        }
        let _ = std::fs::remove_dir_all(&tmp_path);
        return Err(fail(e).into());
    }
    if let Ok(d) = std::fs::File::open(&parent) {
        let _ = d.sync_all();
    }
    if let Some(old) = old {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(rebased)
}

/// [`replace_dir`], with the run's manifest (`manifest.json`, docs/MANIFEST.md) written
/// into the folder last, over the files `fill` wrote. `to_root` and `prefix` place the
/// outputs for `lcs verify` (see [`crate::manifest::manifest_json`]; `"."` and `""` for a
/// folder that is the command's `--out`).
pub fn replace_dir_with_manifest<E>(
    out: &Path,
    info: &crate::manifest::RunInfo,
    to_root: &str,
    prefix: &str,
    fill: impl FnOnce(&Path) -> Result<Vec<PathBuf>, E>,
) -> Result<Vec<PathBuf>, E>
where
    E: From<OutputError> + From<crate::manifest::ManifestError>,
{
    replace_dir(out, |tmp| {
        let written = fill(tmp)?;
        let text = crate::manifest::manifest_json(info, tmp, to_root, prefix, &written)?;
        write_atomic(&tmp.join(crate::manifest::MANIFEST), text.as_bytes())?;
        Ok(written)
    })
}

/// The process id in a temporary's name, if the name is one lcs makes:
/// `.<name>.<pid>.<random>.lcs-tmp` (or `….old.lcs-tmp`), or the older
/// `.<name>.<pid>.tmp`.
fn tmp_owner(file_name: &str) -> Option<u32> {
    let inner = file_name.strip_prefix('.')?;
    if let Some(rest) = inner.strip_suffix(TMP_SUFFIX) {
        let rest = rest.strip_suffix(".old").unwrap_or(rest);
        let mut parts = rest.rsplitn(3, '.');
        let _random = parts.next()?;
        let pid = parts.next()?;
        parts.next()?;
        return pid.parse().ok();
    }
    let rest = inner.strip_suffix(".tmp")?;
    let (_, pid) = rest.rsplit_once('.')?;
    pid.parse().ok()
}

/// Whether a process is running (Linux: `/proc/<pid>`); `None` where that cannot be told.
fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    Some(proc.join(pid.to_string()).exists())
}

/// Removes the temporaries in `dir` left by lcs runs that are no longer running (killed,
/// or stopped by a full disk); where liveness cannot be told, those older than a day.
/// Returns how many were removed. Errors are ignored: cleaning is best effort.
pub fn clean_stale_temporaries(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let me = std::process::id();
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(pid) = tmp_owner(&name) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let stale = match process_alive(pid) {
            Some(alive) => !alive,
            None => e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 24 * 3600),
        };
        if !stale {
            continue;
        }
        let p = e.path();
        let ok = match e.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&p).is_ok(),
            _ => std::fs::remove_file(&p).is_ok(),
        };
        removed += ok as usize;
    }
    removed
}

/// A file name stem derived from an id: characters outside `[A-Za-z0-9_.-]` become `_`,
/// and a stem that would be empty or start with `.` is prefixed with `_`. Ids are checked
/// at load (`lcs_model::is_id`); this is the second line of defence, so no id can name a
/// path outside the output folder.
pub fn file_stem(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        s.insert(0, '_');
    }
    s
}

/// A number for CSV: shortest text that reads back to the same value; empty for `None`.
pub fn num(v: Option<f64>) -> String {
    match v {
        Some(x) => lcs_units::format_number(x),
        None => String::new(),
    }
}

/// A text cell of a CSV file: neutralised when it would start a spreadsheet formula, then
/// quoted when needed (docs/SECURITY.md, "Output injection").
///
/// Excel, LibreOffice and Google Sheets run a cell that begins with `=`, `+`, `-` or `@`
/// (and, after a tab or carriage return, the same) as a formula: an action named
/// `=HYPERLINK(...)` or `=cmd|' /C calc'!A0` would run when a plan team opens the table.
/// Such a cell gets a leading `'` (the spreadsheet convention for "text"), which shows
/// the name as written. Only text goes through here: numbers are written by [`num`] and
/// keep their sign. A lone `-` (the "absent" mark of `lcs compare --out`) is no formula in
/// any of them and is written as it is.
pub fn field(s: &str) -> String {
    let neutral;
    let s = if s != "-" && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutral = format!("'{s}");
        neutral.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("lcs-output-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_mode_of_a_file_any_program_creates() {
        // Found by the held-out review: every output was 0600 (tempfile's mode, kept by the
        // rename), so a report could not be read by anyone else. Expected: the mode
        // `File::create` gives under the same umask (0666 & !umask, 0644 with umask 022).
        use std::os::unix::fs::PermissionsExt;
        let d = tmp("mode");
        let plain = d.join("plain.csv");
        std::fs::File::create(&plain).unwrap();
        let want = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        let target = d.join("results.csv");
        write_atomic(&target, b"x").unwrap();
        let got = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(got, want, "{got:o} vs {want:o}");
        // Overwriting keeps that mode too (the temporary replaces the old file).
        write_atomic(&target, b"y").unwrap();
        let got = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(got, want, "{got:o} vs {want:o}");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_failed_write_names_the_file_asked_for_not_the_temporary() {
        // A 244-byte name is a valid file name (at most 255 bytes), but its temporary
        // (`.<name>.<pid>.<10 random>.lcs-tmp`) is not: the temporary cannot be made, and
        // the error must name the target with the system's reason only.
        let d = tmp("long-name");
        let target = d.join(format!("{}.csv", "a".repeat(240)));
        let e = write_atomic(&target, b"x").expect_err("the temporary's name is too long");
        let text = e.to_string();
        assert!(text.contains(&*target.to_string_lossy()), "{text}");
        assert!(
            !text.contains("lcs-tmp") && !text.contains("at path"),
            "{text}"
        );
        assert!(text.ends_with("(os error 36)"), "ENAMETOOLONG: {text}");
        assert!(!target.exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_planted_symlink_at_the_old_temporary_name_is_not_followed() {
        // Temporary names were `.<name>.<pid>.tmp`: a link planted there was written through.
        let d = tmp("symlink");
        let victim = d.join("victim.txt");
        std::fs::write(&victim, "keep").unwrap();
        let planted = d.join(format!(".results.csv.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        write_atomic(&d.join("results.csv"), b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(
            std::fs::read_to_string(d.join("results.csv")).unwrap(),
            "new"
        );
        // Writing through a symlink standing at the target replaces the link, not its target.
        std::os::unix::fs::symlink(&victim, d.join("linked.csv")).unwrap();
        write_atomic(&d.join("linked.csv"), b"x").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn temporary_names_are_unpredictable_and_parsed_back() {
        assert_eq!(
            tmp_owner(".results.csv.4242.aB3dE9fGh1.lcs-tmp"),
            Some(4242)
        );
        assert_eq!(tmp_owner(".rep.77.Zx81kk02Lm.old.lcs-tmp"), Some(77));
        assert_eq!(tmp_owner(".results.csv.123.tmp"), Some(123));
        assert_eq!(tmp_owner("results.csv"), None);
        assert_eq!(tmp_owner(".hidden"), None);
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        let d = tmp("stale");
        // A process id that cannot be running (above the kernel's pid_max of 2^22).
        let dead = 4_194_305 + 7;
        let stale_file = d.join(format!(".results.csv.{dead}.abcdefghij.lcs-tmp"));
        let stale_dir = d.join(format!(".report.{dead}.abcdefghij.lcs-tmp"));
        let live = d.join(format!(
            ".results.csv.{}.abcdefghij.lcs-tmp",
            std::process::id()
        ));
        std::fs::write(&stale_file, "x").unwrap();
        std::fs::create_dir_all(stale_dir.join("csv")).unwrap();
        std::fs::write(&live, "x").unwrap();
        std::fs::write(d.join(".keep"), "x").unwrap();
        write_atomic(&d.join("results.csv"), b"ok").unwrap();
        assert!(!stale_file.exists() && !stale_dir.exists());
        assert!(live.exists() && d.join(".keep").exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_folder_is_replaced_as_a_whole_and_never_a_foreign_one() {
        let d = tmp("replace");
        let out = d.join("rep");
        let fill = |v: &'static str| {
            move |dir: &Path| -> Result<Vec<PathBuf>, OutputError> {
                let p = dir.join("csv").join("a.csv");
                write_atomic(&p, v.as_bytes())?;
                if v == "one" {
                    write_atomic(&dir.join("csv").join("only-first.csv"), b"x")?;
                }
                write_atomic(&dir.join("manifest.json"), b"{}")?;
                Ok(vec![p])
            }
        };
        let w = replace_dir(&out, fill("one")).unwrap();
        assert_eq!(w, vec![out.join("csv").join("a.csv")]);
        replace_dir(&out, fill("two")).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("csv/a.csv")).unwrap(),
            "two"
        );
        // Nothing of the old folder is left beside the new one.
        assert!(!out.join("csv/only-first.csv").exists());
        let names: Vec<String> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, vec!["rep".to_string()]);
        // A failed fill leaves the old folder and no temporary.
        let no = OutputError::NotAFolder {
            path: PathBuf::from("no"),
        };
        let e = replace_dir(&out, |_| Err(no.clone())).unwrap_err();
        assert_eq!(e, no);
        assert_eq!(
            std::fs::read_to_string(out.join("csv/a.csv")).unwrap(),
            "two"
        );
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
        // A folder of someone's own files is refused.
        let mine = d.join("mine");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("thesis.docx"), "precious").unwrap();
        assert_eq!(
            replace_dir(&mine, fill("one")).unwrap_err(),
            OutputError::ForeignFolder { path: mine.clone() }
        );
        assert!(mine.join("thesis.docx").exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn formula_cells_are_neutralised_and_numbers_are_not() {
        assert_eq!(field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(
            field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-2 % cars"), "'-2 % cars");
        // The "absent" mark of `lcs compare --out` alone is no formula (held-out review).
        assert_eq!(field("-"), "-");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\t=1"), "'\t=1");
        assert_eq!(field("Emissions|CO2e"), "Emissions|CO2e");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(num(Some(-2.5)), "-2.5");
    }

    #[test]
    fn file_stems_stay_in_the_folder() {
        assert_eq!(
            file_stem("x/../../../../../ESCAPED"),
            "x_.._.._.._.._.._ESCAPED"
        );
        assert_eq!(file_stem(".."), "_..");
        assert_eq!(file_stem(""), "_");
        assert_eq!(file_stem("cm-2025"), "cm-2025");
        assert_eq!(file_stem("a\\b\0c"), "a_b_c");
    }
}
