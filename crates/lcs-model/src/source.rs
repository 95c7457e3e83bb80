//! Source files and positions.
//!
//! Every value read from a scenario file keeps a [`Span`]: the file it came from, its byte
//! range, and its 1-based line and column. Diagnostics carry spans; the binary renders them.
//!
//! [`read_text`] is the one function that reads a scenario-language file from disk
//! (docs/SECURITY.md, "Files read"): a regular file (symbolic links followed) of at most
//! [`MAX_FILE_BYTES`], named `*.yaml` or `*.yml`, valid UTF-8 without NUL bytes. A
//! directory, FIFO, socket or device (`/dev/zero`, `/dev/urandom`) is refused before it is
//! opened for reading, so nothing blocks or reads forever.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest scenario-language file lcs reads: 16 MiB. The Iskandar model is about
/// 30 kB; a larger file is surely a mistake (or hostile) and would cost memory out of
/// proportion (the spanned tree takes several times the text).
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Why a file could not be read as scenario-language text.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadError {
    /// The operating system refused (missing file, no permission, …).
    Io {
        /// The system's message.
        message: String,
    },
    /// The path names a directory.
    Directory,
    /// The path names a FIFO, socket or device rather than a regular file.
    NotRegular {
        /// What it is, in words (`a FIFO`, `a character device`).
        what: &'static str,
    },
    /// The name does not end in `.yaml` or `.yml`.
    NotYamlName,
    /// The file is larger than [`MAX_FILE_BYTES`].
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The file holds a NUL byte: it is binary, not text.
    Binary {
        /// Byte offset of the first NUL.
        offset: usize,
    },
    /// The file is not valid UTF-8.
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// 1-based line of that byte.
        line: u32,
        /// 1-based column (in characters) of that byte.
        col: u32,
        /// The text with invalid bytes replaced by U+FFFD, for showing the place.
        lossy: String,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io { message } => write!(f, "{message}"),
            ReadError::Directory => write!(f, "it is a directory, not a file"),
            ReadError::NotRegular { what } => {
                write!(f, "it is {what}, not a regular file")
            }
            ReadError::NotYamlName => write!(
                f,
                "a scenario-language file must be named `*.yaml` or `*.yml`"
            ),
            ReadError::TooLarge { limit } => {
                write!(f, "the file is larger than {} MiB", limit >> 20)
            }
            ReadError::Binary { offset } => {
                write!(f, "it is not a text file (a NUL byte at byte {offset})")
            }
            ReadError::NotUtf8 { offset, .. } => {
                write!(
                    f,
                    "the file is not valid UTF-8 (an invalid byte at byte {offset})"
                )
            }
        }
    }
}

impl std::error::Error for ReadError {}

#[cfg(unix)]
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

/// Whether a path's name ends in `.yaml` or `.yml`.
pub fn is_yaml_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Reads a scenario-language file: checks the name, the file type (before opening, so a
/// FIFO never blocks) and the size (while reading, so a file that grows is cut off), then
/// that the bytes are text.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    if !is_yaml_name(path) {
        return Err(ReadError::NotYamlName);
    }
    let io = |e: std::io::Error| ReadError::Io {
        message: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(ReadError::Directory);
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            what: special_kind(&meta.file_type()),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            limit: MAX_FILE_BYTES,
        });
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // The path may have been swapped between the two calls: check the opened file too.
    let opened = file.metadata().map_err(io)?;
    if !opened.is_file() {
        return Err(ReadError::NotRegular {
            what: special_kind(&opened.file_type()),
        });
    }
    let mut bytes = Vec::with_capacity(opened.len().min(MAX_FILE_BYTES) as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            limit: MAX_FILE_BYTES,
        });
    }
    text_of(bytes)
}

/// Bytes to text: no NUL byte, valid UTF-8 (the first invalid byte located by line and
/// column). A leading byte-order mark is dropped.
pub fn text_of(bytes: Vec<u8>) -> Result<String, ReadError> {
    if let Some(offset) = bytes.iter().position(|b| *b == 0) {
        return Err(ReadError::Binary { offset });
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
            let line = valid.matches('\n').count() as u32 + 1;
            let col = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            Err(ReadError::NotUtf8 {
                offset,
                line,
                col,
                lossy: String::from_utf8_lossy(&bytes).into_owned(),
            })
        }
    }
}

/// A path without `.` components and with `..` applied lexically: the identity of a file
/// that is not on disk (a virtual file), so `a/../s.yaml` and `s.yaml` are one file.
pub(crate) fn normalised(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

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
    /// Whether diagnostics may quote the text. False for a file that is not recognisably a
    /// scenario-language file (no `region:`, `scenario:` or `package:` key), so that an
    /// error about, say, `model: passwd.yaml` never echoes the file's lines.
    pub quote: bool,
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
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| normalised(path));
        if let Some(i) = self.files.iter().position(|f| f.canonical == canonical) {
            return FileId(i as u32);
        }
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            canonical,
            text,
            quote: true,
        });
        FileId((self.files.len() - 1) as u32)
    }

    /// Marks a file as one whose text diagnostics must not quote.
    pub fn forbid_quoting(&mut self, id: FileId) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            f.quote = false;
        }
    }

    /// Looks a file up by canonical path.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| normalised(path));
        self.files
            .iter()
            .position(|f| f.canonical == canonical)
            .map(|i| FileId(i as u32))
    }

    /// Every file read, in the order first read.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
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
