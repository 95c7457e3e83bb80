//! Source files and positions.
//!
//! Every value read from a scenario file keeps a [`Span`]: the file it came from, its byte
//! range, and its 1-based line and column. Diagnostics carry spans; the binary renders them.

use std::path::{Path, PathBuf};

/// An opaque handle to a file in a [`Sources`] registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A position range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// Start byte offset (inclusive).
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// 1-based line of the start.
    pub line: u32,
    /// 1-based column of the start (in characters).
    pub col: u32,
}

/// One loaded source file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as given (used for display).
    pub path: PathBuf,
    /// The canonical path (used for identity), if it could be resolved.
    pub canonical: PathBuf,
    /// The full text.
    pub text: String,
}

/// The registry of every file read during a load; spans point into it.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file's text and returns its id. A file already present (same canonical path)
    /// returns the existing id.
    pub fn add(&mut self, path: &Path, text: String) -> FileId {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(i) = self.files.iter().position(|f| f.canonical == canonical) {
            return FileId(i as u32);
        }
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            canonical,
            text,
        });
        FileId((self.files.len() - 1) as u32)
    }

    /// Looks a file up by canonical path.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        let canonical = std::fs::canonicalize(path).ok()?;
        self.files
            .iter()
            .position(|f| f.canonical == canonical)
            .map(|i| FileId(i as u32))
    }

    /// The file behind an id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The display name of a file.
    pub fn name(&self, id: FileId) -> String {
        self.get(id).path.display().to_string()
    }

    /// `file:line:col` for a span.
    pub fn location(&self, span: &Span) -> String {
        format!("{}:{}:{}", self.name(span.file), span.line, span.col)
    }
}
