//! Writing files: a temporary file beside the target, then rename, so a failed or
//! interrupted run never leaves a half-written file; CSV fields and numbers.

use crate::ReportError;
use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), ReportError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|source| ReportError::CreateDir {
        path: dir.clone(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(source) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(ReportError::Write {
            path: path.to_path_buf(),
            source,
        });
    }
    Ok(())
}

/// A number for CSV: shortest text that reads back to the same value; empty for `None`.
pub fn num(v: Option<f64>) -> String {
    match v {
        Some(x) => lcs_units::format_number(x),
        None => String::new(),
    }
}

/// Quotes a CSV field when needed.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
