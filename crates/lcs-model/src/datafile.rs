//! Series from data files (docs/EXTENSIONS.md, "Series from data files"), an extension of
//! MODEL.md §3: any series may be read from a CSV file or a workbook sheet instead of being
//! written inline.
//!
//! - `{ from: data.csv, column: population, unit: person }` reads a *wide* table: a `year`
//!   column and one column per series; each row with a value in the column is one point.
//! - `{ from: data.csv, item: population }` reads a *long* table
//!   (`item,value,unit,year,source,status,derivation`, the form of `data/`): the rows of one
//!   item, each value in its row's unit; rows whose `year` is not a year (`planned`,
//!   `2005-2025`) are skipped.
//!
//! The points read become a `points` series (MODEL.md §3, every `interp` form), each value
//! converted to base units with its own unit (`v × factor(unit)`, exactly as an inline point).
//! The checked [`Series`] keeps a [`Provenance`]: the file, the sheet, and for every point its
//! row, column, `source` and `status` text.
//!
//! Reading happens in two steps, so that data files are read by the [`Loader`] like YAML
//! files ([`Loader::read_data`] sits next to `Loader::read`). When the loader has parsed a YAML
//! file it finds every mapping with `from:` and `column:` or `item:` (the only mappings of the
//! language with those keys), reads each named file once into a [`Table`] of cells with their
//! positions, and keeps a CSV file's text in [`crate::Sources`] so that a diagnostic can point at
//! a cell (`data.csv:4:6`). The [`Reader`] turns a table into points when it reads the series
//! ([`Reader::data_series`]); every problem is a [`Diagnostic`] with the data file's row and
//! column and the YAML line that names the file.
//!
//! Never depends on: the engine or any renderer. CSV is parsed by `csv_core` (quoted fields with
//! commas and line breaks), workbooks by `calamine` (XLSX and XLSM, read cell by cell).

use crate::diag::Diagnostic;
use crate::model::{Series, SeriesDef};
use crate::read::{get, join, Reader, Want};
use crate::scenario::Loader;
use crate::source::{FileId, Span};
use crate::yaml::{Key, Node, NodeKind};
use lcs_units::{format_number, nearest, Dimension, Unit, UnitError};
use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest data file lcs reads: 16 MiB, like a YAML file (a larger table is surely not
/// a model input, and would cost memory out of proportion).
pub const MAX_DATA_FILE_BYTES: u64 = 16 << 20;

/// The most cells a table may have (a CSV file's fields; a sheet's header columns times its
/// rows): a model input is far smaller, and a hostile workbook that names cell `XFD1048576`
/// must not make lcs allocate 17 billion cells.
pub const MAX_TABLE_CELLS: usize = 1_000_000;

/// The most a workbook may unpack to: 256 MiB. A workbook is a zip archive; its sheets and
/// strings are read unpacked, and a 16 MiB archive can unpack to about 16 GiB.
pub const MAX_UNPACKED_BYTES: u64 = 256 << 20;

/// The first year a data file may give (a smaller one is surely a typo).
pub const FIRST_DATA_YEAR: i32 = 1800;

/// The last year a data file may give.
pub const LAST_DATA_YEAR: i32 = 2300;

/// The keys of a series read from a data file.
pub(crate) const DATA_KEYS: [&str; 7] = [
    "from", "column", "item", "sheet", "unit", "interp", "source",
];

/// The keys of the inline series forms, none of which may stand beside `from`.
const INLINE_KEYS: [&str; 5] = ["value", "points", "base", "growth", "expr"];

/// The form of the table a series was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableForm {
    /// A `year` column and one column per series (`column:`).
    Wide,
    /// One row per item and year, `item,value,unit,year,…` (`item:`).
    Long,
}

/// Where the points of a series read from a data file came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Provenance {
    /// The data file: its path joined to the folder of the YAML file that names it.
    pub file: PathBuf,
    /// The sheet read, for a workbook; `None` for a CSV file.
    pub sheet: Option<String>,
    /// Whether the table is wide or long.
    pub form: TableForm,
    /// The column read (wide table) or the item read (long table).
    pub name: String,
    /// The series' `source:` key, if one is written.
    pub source: Option<String>,
    /// How the years between points are filled (`interp:`): with `step`, a year takes the
    /// row before it only, which is the row an explanation names.
    pub interp: lcs_units::Interp,
    /// The points read, in year order.
    pub points: Vec<DataPoint>,
}

/// One point of a series read from a data file: one row of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct DataPoint {
    /// The year of the row.
    pub year: i32,
    /// The value in base units of the series' dimension.
    pub value: f64,
    /// The value as written in the cell (a workbook number in shortest form).
    pub text: String,
    /// The row's own unit as written (a long table's `unit` cell, or a unit inside a wide
    /// table's cell); `None` when the series' `unit:` applies or the value is a plain number.
    pub unit: Option<String>,
    /// 1-based row of the value cell: the line of a CSV file, the row number of a sheet.
    pub row: u32,
    /// 1-based column of the value cell.
    pub col: u32,
    /// The value cell in the CSV file's text (in the loader's `Sources`); `None` in a workbook.
    pub span: Option<Span>,
    /// The row's `source` cell, when the table has a `source` column and the cell is not empty.
    pub source: Option<String>,
    /// The row's `status` cell (`SOURCED`, `DERIVED`, `ASSUMPTION` in `data/`), likewise.
    pub status: Option<String>,
}

impl DataPoint {
    /// The spreadsheet name of the value cell, `B4`.
    pub fn cell(&self) -> String {
        cell_name(self.row, self.col)
    }
}

/// The spreadsheet name of a cell: column letters, then the row (`B4`, `AA10`).
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col;
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(char::from(b'A' + r as u8));
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", letters.into_iter().collect::<String>())
}

/// Why a data file could not be read into a table.
#[derive(Clone, Debug, PartialEq)]
pub enum DataFileError {
    /// `from:` is an absolute path (files are named relative to the naming file's folder).
    Absolute,
    /// The name ends in neither `.csv` nor a workbook extension.
    UnknownFormat {
        /// The extension found, if any.
        extension: Option<String>,
    },
    /// The operating system refused (missing file, no permission, …).
    Io {
        /// The system's message.
        message: String,
    },
    /// The path names a directory.
    Directory,
    /// The path names a FIFO, socket or device rather than a regular file.
    NotRegular,
    /// The file is larger than [`MAX_DATA_FILE_BYTES`].
    TooLarge,
    /// A CSV file with a NUL byte: binary, not text.
    Binary,
    /// A CSV file that is not UTF-8 text.
    NotUtf8 {
        /// 1-based line of the first invalid byte.
        line: u32,
        /// 1-based column (in characters) of that byte.
        col: u32,
    },
    /// The CSV reader failed.
    Csv {
        /// The reader's message.
        message: String,
    },
    /// A row with another number of fields than the header row.
    Ragged {
        /// 1-based row (line) of the record.
        row: u32,
        /// Its number of fields.
        found: usize,
        /// The header's number of fields.
        expected: usize,
        /// Where the record starts in the CSV text.
        span: Span,
    },
    /// The file or sheet has no header row.
    Empty,
    /// The table has more than [`MAX_TABLE_CELLS`] cells.
    TooManyCells,
    /// The workbook unpacks to more than [`MAX_UNPACKED_BYTES`].
    Unpacks,
    /// The workbook could not be opened or its sheet read.
    Workbook {
        /// The reader's message.
        message: String,
    },
    /// `sheet:` names no sheet of the workbook.
    NoSuchSheet {
        /// The sheet asked for.
        sheet: String,
        /// The workbook's sheets, in order.
        sheets: Vec<String>,
    },
    /// A workbook of several sheets, and no `sheet:`.
    SheetNeeded {
        /// The workbook's sheets, in order.
        sheets: Vec<String>,
    },
}

impl fmt::Display for DataFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataFileError::Absolute => write!(f, "the path is absolute"),
            DataFileError::UnknownFormat { extension: Some(e) } => {
                write!(
                    f,
                    "`.{e}` is not a data file format lcs reads (`.csv`, `.xlsx`, `.xlsm`)"
                )
            }
            DataFileError::UnknownFormat { extension: None } => {
                write!(f, "the name has no extension (`.csv`, `.xlsx`)")
            }
            DataFileError::Io { message } => write!(f, "{message}"),
            DataFileError::Directory => write!(f, "it is a directory, not a file"),
            DataFileError::NotRegular => write!(f, "it is not a regular file"),
            DataFileError::TooLarge => write!(
                f,
                "the file is larger than {} MiB",
                MAX_DATA_FILE_BYTES >> 20
            ),
            DataFileError::Binary => write!(f, "it is not a text file (it holds a NUL byte)"),
            DataFileError::NotUtf8 { line, col } => {
                write!(
                    f,
                    "the file is not UTF-8 text (an invalid byte at line {line}, column {col})"
                )
            }
            DataFileError::Csv { message } => write!(f, "{message}"),
            DataFileError::Ragged {
                row,
                found,
                expected,
                ..
            } => write!(
                f,
                "row {row} has {found} field{}, the header row has {expected}",
                if *found == 1 { "" } else { "s" }
            ),
            DataFileError::Empty => write!(f, "the table is empty (no header row)"),
            DataFileError::Unpacks => write!(
                f,
                "the workbook unpacks to more than {} MiB",
                MAX_UNPACKED_BYTES >> 20
            ),
            DataFileError::TooManyCells => {
                write!(f, "the table has more than {MAX_TABLE_CELLS} cells")
            }
            DataFileError::Workbook { message } => write!(f, "{message}"),
            DataFileError::NoSuchSheet { sheet, .. } => write!(f, "it has no sheet `{sheet}`"),
            DataFileError::SheetNeeded { sheets } => {
                write!(
                    f,
                    "the workbook has {} sheets and no `sheet:` says which",
                    sheets.len()
                )
            }
        }
    }
}

impl std::error::Error for DataFileError {}

/// What a data file holds, by the end of its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv,
    Workbook,
}

impl Format {
    fn of(path: &Path) -> Result<Format, DataFileError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("xlsx" | "xlsm") => Ok(Format::Workbook),
            _ => Err(DataFileError::UnknownFormat { extension: ext }),
        }
    }
}

/// What a cell holds.
#[derive(Clone, Debug, PartialEq)]
enum CellValue {
    /// Nothing (or only spaces).
    Empty,
    /// Text, trimmed.
    Text(String),
    /// A workbook number.
    Number(f64),
    /// Anything else a workbook cell may hold, described in words (`a date`).
    Other(String),
}

/// One cell of a table, with its place.
#[derive(Clone, Debug)]
struct Cell {
    value: CellValue,
    /// 1-based row: a CSV file's line, a sheet's row number.
    row: u32,
    /// 1-based column.
    col: u32,
    /// The cell's text in a CSV file.
    span: Option<Span>,
}

impl Cell {
    fn is_empty(&self) -> bool {
        self.value == CellValue::Empty
    }

    /// The cell as written.
    fn text(&self) -> String {
        match &self.value {
            CellValue::Empty => String::new(),
            CellValue::Text(t) => t.clone(),
            CellValue::Number(v) => number_text(*v),
            CellValue::Other(d) => d.clone(),
        }
    }

    /// `f` of the cell as written ([`Cell::text`]), without copying the text of a text
    /// cell (the loader compares every row's `item` with the item of every series).
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match &self.value {
            CellValue::Empty => f(""),
            CellValue::Text(t) | CellValue::Other(t) => f(t),
            CellValue::Number(v) => f(&number_text(*v)),
        }
    }

    /// The cell for a "found" line.
    fn found(&self) -> String {
        match &self.value {
            CellValue::Empty => "an empty cell".to_string(),
            CellValue::Other(d) => d.clone(),
            _ => format!("`{}`", self.text()),
        }
    }

    /// The cell's text when it has some (trimmed; a number in shortest form).
    fn non_empty(&self) -> Option<String> {
        Some(self.text()).filter(|t| !t.is_empty())
    }

    /// The year the cell holds, if it holds an integer.
    fn year(&self) -> Option<i32> {
        match &self.value {
            CellValue::Number(v) if v.fract() == 0.0 && v.abs() < 1e9 => Some(*v as i32),
            CellValue::Text(t) => t.parse::<i32>().ok(),
            _ => None,
        }
    }
}

/// A workbook number as text: integers without a decimal point (`2005`, `1350000`).
fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format_number(v)
    }
}

/// A table read from a data file: a header row and the rows under it.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// The file, joined to the naming file's folder.
    path: PathBuf,
    /// The sheet, for a workbook.
    sheet: Option<String>,
    /// The CSV file's text in `Sources`, for a CSV file.
    csv: Option<FileId>,
    header: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    fn file(&self) -> String {
        self.path.display().to_string()
    }

    /// The header names, as written.
    fn names(&self) -> Vec<String> {
        self.header.iter().map(Cell::text).collect()
    }

    /// The column whose header is `name`, ignoring case and surrounding spaces.
    fn column_ci(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|c| c.with_text(|t| t.eq_ignore_ascii_case(name)))
    }
}

/// A table as read, or why it could not be read; shared by every series that names it.
type Read = Arc<Result<Table, DataFileError>>;

/// One data file named by one YAML file, as the loader read it.
#[derive(Clone, Debug)]
struct DataRef {
    /// The YAML file that names it.
    file: FileId,
    /// `from:` as written.
    from: String,
    /// `sheet:` as written.
    sheet: Option<String>,
    /// The file looked for: `from:` joined to the naming file's folder.
    path: PathBuf,
    /// The YAML file's display name (for notes).
    named_in: String,
    table: Read,
}

/// The data files named by the YAML files a [`Loader`] has read, each read once.
#[derive(Clone, Debug, Default)]
pub(crate) struct DataFiles {
    refs: Vec<DataRef>,
    /// Tables by file (canonical path) and sheet.
    tables: Vec<(PathBuf, Option<String>, Read)>,
}

impl DataFiles {
    fn find(&self, file: FileId, from: &str, sheet: Option<&str>) -> Option<&DataRef> {
        self.refs
            .iter()
            .find(|r| r.file == file && r.from == from && r.sheet.as_deref() == sheet)
    }
}

/// Every `(from, sheet)` of a mapping with `from:` and `column:` or `item:` in a YAML tree.
fn data_refs(root: &Node) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Map(items) => {
                if get(items, "column").is_some() || get(items, "item").is_some() {
                    let from = get(items, "from").and_then(scalar);
                    let sheet = get(items, "sheet").and_then(scalar);
                    if let Some(from) = from {
                        if !out.iter().any(|(f, s)| *f == from && *s == sheet) {
                            out.push((from, sheet));
                        }
                    }
                }
                stack.extend(items.iter().rev().map(|(_, v)| v));
            }
            NodeKind::Seq(items) => stack.extend(items.iter().rev()),
            NodeKind::Scalar { .. } => {}
        }
    }
    out
}

fn scalar(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Scalar { text, .. } if !node.is_null() => Some(text.clone()),
        _ => None,
    }
}

/// Reads a data file's bytes: a regular file (symbolic links followed) of at most
/// [`MAX_DATA_FILE_BYTES`]; a directory, FIFO or device is refused before it is opened for
/// reading, so nothing blocks.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, DataFileError> {
    let io = |e: std::io::Error| DataFileError::Io {
        message: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(DataFileError::Directory);
    }
    if !meta.is_file() {
        return Err(DataFileError::NotRegular);
    }
    if meta.len() > MAX_DATA_FILE_BYTES {
        return Err(DataFileError::TooLarge);
    }
    let file = std::fs::File::open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(DataFileError::NotRegular);
    }
    let mut bytes = Vec::new();
    file.take(MAX_DATA_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_DATA_FILE_BYTES {
        return Err(DataFileError::TooLarge);
    }
    Ok(bytes)
}

impl Loader {
    /// Reads the data files that a parsed YAML file names in its series (`from:` beside
    /// `column:` or `item:`), each file (and sheet) once; what cannot be read is kept as a
    /// [`DataFileError`] and reported where the series is read.
    pub(crate) fn read_data_files(&mut self, id: FileId, root: &Node) {
        let refs = data_refs(root);
        if refs.is_empty() {
            return;
        }
        let named_in = self.sources.name(id);
        let dir = self
            .sources
            .get(id)
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for (from, sheet) in refs {
            if self.data.find(id, &from, sheet.as_deref()).is_some() {
                continue;
            }
            let rel = Path::new(&from);
            let path = dir.join(rel);
            let table = if rel.is_absolute() || rel.has_root() {
                Arc::new(Err(DataFileError::Absolute))
            } else {
                self.table(&path, sheet.as_deref())
            };
            self.data.refs.push(DataRef {
                file: id,
                from,
                sheet,
                path,
                named_in: named_in.clone(),
                table,
            });
        }
    }

    /// The table of a file (and sheet), read on first use.
    fn table(&mut self, path: &Path, sheet: Option<&str>) -> Read {
        let format = Format::of(path);
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let sheet = sheet.filter(|_| format == Ok(Format::Workbook));
        if let Some((_, _, t)) = self
            .data
            .tables
            .iter()
            .find(|(k, s, _)| *k == key && s.as_deref() == sheet)
        {
            return t.clone();
        }
        let table = Arc::new(format.and_then(|f| self.read_table(path, f, sheet)));
        self.data
            .tables
            .push((key, sheet.map(str::to_string), table.clone()));
        table
    }

    fn read_table(
        &mut self,
        path: &Path,
        format: Format,
        sheet: Option<&str>,
    ) -> Result<Table, DataFileError> {
        let bytes = self.read_data(path)?;
        match format {
            Format::Csv => {
                let text = csv_text(bytes)?;
                let id = self.sources.add(path, text);
                let text = self.sources.get(id).text.clone();
                csv_table(id, path, &text)
            }
            Format::Workbook => workbook_table(path, bytes, sheet),
        }
    }
}

/// A CSV file's bytes as text: no NUL byte, UTF-8, a leading byte-order mark dropped.
fn csv_text(bytes: Vec<u8>) -> Result<String, DataFileError> {
    if bytes.contains(&0) {
        return Err(DataFileError::Binary);
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
            Err(DataFileError::NotUtf8 { line, col })
        }
    }
}

/// Byte offsets of line starts, to turn an offset into a line and column.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    fn span(&self, file: FileId, text: &str, start: usize, end: usize) -> Span {
        let line = self.0.partition_point(|&s| s <= start).max(1);
        let line_start = self.0[line - 1];
        let col = text.get(line_start..start).map_or(0, |t| t.chars().count()) as u32 + 1;
        Span {
            file,
            start,
            end,
            line: line as u32,
            col,
        }
    }
}

/// The byte ranges of the `n` fields of the CSV record that starts at `start` (quotes
/// included), found by scanning the raw text the way the CSV reader does.
fn field_ranges(bytes: &[u8], start: usize, n: usize) -> Vec<(usize, usize)> {
    let mut pos = start;
    while pos < bytes.len() && matches!(bytes[pos], b'\r' | b'\n') {
        pos += 1;
    }
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let s = pos;
        if bytes.get(pos) == Some(&b'"') {
            pos += 1;
            while pos < bytes.len() {
                if bytes[pos] == b'"' {
                    if bytes.get(pos + 1) == Some(&b'"') {
                        pos += 2;
                        continue;
                    }
                    pos += 1;
                    break;
                }
                pos += 1;
            }
        }
        while pos < bytes.len() && !matches!(bytes[pos], b',' | b'\r' | b'\n') {
            pos += 1;
        }
        out.push((s, pos));
        if bytes.get(pos) == Some(&b',') {
            pos += 1;
        }
    }
    out
}

fn text_value(field: &str) -> CellValue {
    let t = field.trim();
    if t.is_empty() {
        CellValue::Empty
    } else {
        CellValue::Text(t.to_string())
    }
}

/// The records of a CSV text, read by `csv_core` with the `csv` crate's defaults (comma,
/// double quotes doubled inside quoted fields, CR, LF or CRLF line ends, empty lines
/// skipped, records of any length), as `csv::Reader` reads them. The `csv_core` reader is
/// built once per thread and reset for each file: building its state machine costs about
/// 270,000 instructions, more than reading one of the `data/` tables (13 of them were
/// built to load Iskandar `bau` and `cm-2025`). It is reset, not cloned: the `Clone` of
/// csv-core 0.1 copies only part of the state machine.
struct CsvRecords<'a> {
    core: Option<csv_core::Reader>,
    input: &'a [u8],
    /// Bytes of `input` consumed.
    pos: usize,
    /// The unescaped bytes of the current record's fields, and where each field ends.
    out: Vec<u8>,
    ends: Vec<usize>,
    n_fields: usize,
}

impl<'a> CsvRecords<'a> {
    fn new(input: &'a [u8]) -> Self {
        let core = CSV_CORE
            .with(|c| c.borrow_mut().take())
            .map(|mut r| {
                r.reset();
                r
            })
            // Not `Reader::default()`: that one has no state machine built.
            .unwrap_or_else(|| csv_core::ReaderBuilder::new().build());
        CsvRecords {
            core: Some(core),
            input,
            pos: 0,
            out: vec![0; 4096],
            ends: vec![0; 32],
            n_fields: 0,
        }
    }

    /// Reads the next record; returns the byte offset where reading it started (before any
    /// empty lines it skipped, as `csv::Position::byte`), or `None` at the end.
    fn next_record(&mut self) -> Option<usize> {
        use csv_core::ReadRecordResult as R;
        let start = self.pos;
        let (mut n_out, mut n_ends) = (0, 0);
        let core = self.core.as_mut()?;
        loop {
            let (res, n_in, o, e) = core.read_record(
                &self.input[self.pos..],
                &mut self.out[n_out..],
                &mut self.ends[n_ends..],
            );
            self.pos += n_in;
            n_out += o;
            n_ends += e;
            match res {
                R::InputEmpty => {}
                R::OutputFull => self.out.resize(self.out.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::Record => {
                    self.n_fields = n_ends;
                    return Some(start);
                }
                R::End => return None,
            }
        }
    }

    /// The fields of the current record as text (the input is text and fields end at ASCII
    /// bytes, so this fails only on a defect of the reader).
    fn fields(&self) -> Result<Vec<&str>, std::str::Utf8Error> {
        let ends = &self.ends[..self.n_fields];
        let all = std::str::from_utf8(&self.out[..ends.last().copied().unwrap_or(0)])?;
        let mut from = 0;
        Ok(ends
            .iter()
            .map(|&end| {
                // Fields end at ASCII bytes (a comma, a quote, a line end): char boundaries.
                let f = all.get(from..end).unwrap_or_default();
                from = end;
                f
            })
            .collect())
    }
}

impl Drop for CsvRecords<'_> {
    fn drop(&mut self) {
        if let Some(core) = self.core.take() {
            CSV_CORE.with(|c| *c.borrow_mut() = Some(core));
        }
    }
}

thread_local! {
    /// The `csv_core` reader of this thread, between files.
    static CSV_CORE: std::cell::RefCell<Option<csv_core::Reader>> =
        const { std::cell::RefCell::new(None) };
}

/// A CSV file as a table: the first record is the header; every record must have as many
/// fields as the header.
fn csv_table(id: FileId, path: &Path, text: &str) -> Result<Table, DataFileError> {
    let lines = Lines::new(text);
    let mut reader = CsvRecords::new(text.as_bytes());
    let mut records: Vec<(Span, Vec<Cell>)> = Vec::new();
    let mut n_cells = 0usize;
    while let Some(start) = reader.next_record() {
        let record = reader.fields().map_err(|e| DataFileError::Csv {
            message: e.to_string(),
        })?;
        n_cells += record.len();
        if n_cells > MAX_TABLE_CELLS {
            return Err(DataFileError::TooManyCells);
        }
        let ranges = field_ranges(text.as_bytes(), start, record.len());
        let first = ranges.first().map_or(start, |r| r.0);
        let at = lines.span(id, text, first, ranges.last().map_or(first, |r| r.1));
        let cells = record
            .iter()
            .zip(&ranges)
            .enumerate()
            .map(|(j, (field, &(s, e)))| {
                let span = lines.span(id, text, s, e);
                Cell {
                    value: text_value(field),
                    row: at.line,
                    col: j as u32 + 1,
                    span: Some(span),
                }
            })
            .collect();
        records.push((at, cells));
    }
    let mut records = records.into_iter();
    let (_, header) = records.next().ok_or(DataFileError::Empty)?;
    let mut rows = Vec::new();
    for (at, cells) in records {
        if cells.len() != header.len() {
            return Err(DataFileError::Ragged {
                row: at.line,
                found: cells.len(),
                expected: header.len(),
                span: at,
            });
        }
        rows.push(cells);
    }
    Ok(Table {
        path: path.to_path_buf(),
        sheet: None,
        csv: Some(id),
        header,
        rows,
    })
}

/// One sheet of a workbook as a table: the header is the first row with a `year` or `item`
/// cell (rows above it, such as a title, are left out), else the first row with a value;
/// the table's columns are those from the header's first to its last value; rows without
/// any value in them are left out.
///
/// The sheet is read cell by cell (calamine's cell reader), never as a dense range, so a
/// sheet whose used range is huge but nearly empty costs only its cells; at most
/// [`MAX_TABLE_CELLS`] cells are read and kept.
fn workbook_table(
    path: &Path,
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<Table, DataFileError> {
    use calamine::Reader as _;
    let workbook = |e: calamine::XlsxError| DataFileError::Workbook {
        message: e.to_string(),
    };
    unpacks_within(&bytes, MAX_UNPACKED_BYTES)?;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(workbook)?;
    let sheets = book.sheet_names();
    let name = match sheet {
        Some(s) if sheets.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(DataFileError::NoSuchSheet {
                sheet: s.to_string(),
                sheets,
            })
        }
        None if sheets.len() == 1 => sheets[0].clone(),
        None => return Err(DataFileError::SheetNeeded { sheets }),
    };
    // The cells with a value, by row then column (1-based).
    let mut rows: std::collections::BTreeMap<u32, Vec<(u32, CellValue)>> = Default::default();
    let mut n_cells = 0usize;
    let mut reader = book.worksheet_cells_reader(&name).map_err(workbook)?;
    while let Some(cell) = reader.next_cell().map_err(workbook)? {
        let value = workbook_value(cell.get_value());
        if value == CellValue::Empty {
            continue;
        }
        n_cells += 1;
        if n_cells > MAX_TABLE_CELLS {
            return Err(DataFileError::TooManyCells);
        }
        let (r, c) = cell.get_position();
        rows.entry(r.saturating_add(1))
            .or_default()
            .push((c.saturating_add(1), value));
    }
    let is_header = |cells: &Vec<(u32, CellValue)>| {
        cells.iter().any(|(_, v)| match v {
            CellValue::Text(t) => t.eq_ignore_ascii_case("year") || t.eq_ignore_ascii_case("item"),
            _ => false,
        })
    };
    let header_row = rows
        .iter()
        .find(|(_, cells)| is_header(cells))
        .or_else(|| rows.iter().next())
        .map(|(r, _)| *r)
        .ok_or(DataFileError::Empty)?;
    let header_cells = &rows[&header_row];
    let first = header_cells.iter().map(|(c, _)| *c).min().unwrap_or(1);
    let last = header_cells.iter().map(|(c, _)| *c).max().unwrap_or(1);
    let width = (last - first + 1) as usize;
    // A row of the table: the values in its columns, empty cells between them.
    let dense = |r: u32, cells: &[(u32, CellValue)]| -> Vec<Cell> {
        let mut out: Vec<Cell> = (first..=last)
            .map(|c| Cell {
                value: CellValue::Empty,
                row: r,
                col: c,
                span: None,
            })
            .collect();
        for (c, v) in cells {
            if (first..=last).contains(c) {
                out[(c - first) as usize].value = v.clone();
            }
        }
        out
    };
    let body: Vec<(&u32, &Vec<(u32, CellValue)>)> = rows
        .range(header_row + 1..)
        .filter(|(_, cells)| cells.iter().any(|(c, _)| (first..=last).contains(c)))
        .collect();
    if (body.len() + 1).saturating_mul(width) > MAX_TABLE_CELLS {
        return Err(DataFileError::TooManyCells);
    }
    Ok(Table {
        path: path.to_path_buf(),
        sheet: Some(name),
        csv: None,
        header: dense(header_row, header_cells),
        rows: body
            .into_iter()
            .map(|(r, cells)| dense(*r, cells))
            .collect(),
    })
}

/// Whether a workbook (a zip archive) unpacks to at most `limit` bytes, found by unpacking
/// every entry into nothing and stopping past the limit (the sizes an archive declares can
/// lie).
fn unpacks_within(bytes: &[u8], limit: u64) -> Result<(), DataFileError> {
    let not_a_workbook = |e: String| DataFileError::Workbook {
        message: format!("it is not an `.xlsx` workbook ({e})"),
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| not_a_workbook(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| not_a_workbook(e.to_string()))?;
        let n = std::io::copy(&mut entry.take(limit + 1 - total), &mut std::io::sink())
            .map_err(|e| not_a_workbook(e.to_string()))?;
        total += n;
        if total > limit {
            return Err(DataFileError::Unpacks);
        }
    }
    Ok(())
}

fn workbook_value(d: &calamine::DataRef) -> CellValue {
    use calamine::DataRef;
    match d {
        DataRef::Empty => CellValue::Empty,
        DataRef::Int(i) => CellValue::Number(*i as f64),
        DataRef::Float(v) => CellValue::Number(*v),
        DataRef::String(s) => text_value(s),
        DataRef::SharedString(s) => text_value(s),
        DataRef::Bool(b) => CellValue::Other(format!("the truth value `{b}`")),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) => CellValue::Other("a date".to_string()),
        DataRef::DurationIso(_) => CellValue::Other("a duration".to_string()),
        DataRef::Error(e) => CellValue::Other(format!("the cell error `{e}`")),
    }
}

/// Names at most `max` names in backticks, with the count of the rest.
fn listing(names: &[String], max: usize) -> String {
    let mut s = names
        .iter()
        .take(max)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > max {
        s.push_str(&format!(" and {} more", names.len() - max));
    }
    s
}

/// `d` with a note when the table's header is one cell holding a `;` or a tab: a CSV file
/// saved with another separator (a spreadsheet set to a language that writes decimal
/// commas saves `year;population`), which the reader, taking commas only, sees as one
/// column (found by the held-out review).
fn separator_note(d: Diagnostic, table: &Table) -> Diagnostic {
    let [only] = table.header.as_slice() else {
        return d;
    };
    let text = only.text();
    match [';', '\t'].into_iter().find(|c| text.contains(*c)) {
        Some(c) if table.csv.is_some() => d.note(format!(
            "the header row is one column holding {}: lcs reads CSV files separated by commas (save the file as comma-separated)",
            if c == ';' { "`;`" } else { "tabs" }
        )),
        _ => d,
    }
}

/// Where a series' data file problems are reported.
struct At<'a> {
    table: &'a Table,
    /// The series' key path.
    path: &'a str,
    /// `from:` in the YAML file.
    from: Span,
    /// `model.yaml:7:16`, the place of `from:`.
    named_at: String,
}

impl At<'_> {
    /// The cell in words: `row 4, column 2 (`population`) of `data.csv``, or
    /// `` `book.xlsx`, sheet `data`, cell B4 (column `population`) ``.
    fn place(&self, cell: &Cell, j: usize) -> String {
        let header = self.table.header.get(j).map(Cell::text).unwrap_or_default();
        match &self.table.sheet {
            None => format!(
                "row {}, column {} (`{header}`) of `{}`",
                cell.row,
                cell.col,
                self.table.file()
            ),
            Some(s) => format!(
                "`{}`, sheet `{s}`, cell {} (column `{header}`)",
                self.table.file(),
                cell_name(cell.row, cell.col)
            ),
        }
    }

    /// A problem with cell `j` of a row: at the cell in a CSV file (with a note naming the
    /// row, the column and the YAML line), at `from:` for a workbook (the cell in the message).
    fn cell(&self, cell: &Cell, j: usize, message: String) -> Diagnostic {
        let place = self.place(cell, j);
        match cell.span {
            Some(span) => Diagnostic::new(span, message).at(self.path).note(format!(
                "{place}, read for `{}` ({})",
                self.path, self.named_at
            )),
            None => Diagnostic::new(self.from, format!("{place}: {message}")).at(self.path),
        }
    }

    /// The place of a cell for a note: `data.csv:4:6` (row 4, column 2) or the workbook cell.
    fn cell_note(&self, cell: &Cell, j: usize) -> String {
        match cell.span {
            Some(s) => format!(
                "{} ({}:{}:{})",
                self.place(cell, j),
                self.table.file(),
                s.line,
                s.col
            ),
            None => self.place(cell, j),
        }
    }
}

/// One row read, before units are resolved.
struct Raw<'t> {
    year: i32,
    /// The year cell and its column.
    year_cell: (&'t Cell, usize),
    number: f64,
    /// The value cell and its column.
    cell: &'t Cell,
    j: usize,
    /// The row's own unit, the text it was written as, and the cell and column it is in.
    unit: Option<(Unit, String, &'t Cell, usize)>,
    source: Option<String>,
    status: Option<String>,
}

/// The errors one series read from a data file reports cell by cell before the rest are
/// counted in one line: a column of 700 rows without a year is one mistake, not 700
/// messages (4.5 MB of text, found by the held-out review).
pub const MAX_CELL_ERRORS: usize = 10;

impl Reader {
    /// Keeps the first [`MAX_CELL_ERRORS`] of the errors reported since `n_errors` (those of
    /// one data series) and replaces the rest with one error at the series that counts them.
    pub(crate) fn cap_data_errors(&mut self, n_errors: usize, node: &Node, path: &str) {
        let found = self.errors.len() - n_errors;
        if found <= MAX_CELL_ERRORS + 1 {
            return;
        }
        self.errors.truncate(n_errors + MAX_CELL_ERRORS);
        let more = found - MAX_CELL_ERRORS;
        self.errors.push(
            Diagnostic::new(
                node.span,
                format!("{more} more errors in the data file of this series are not shown"),
            )
            .at(path)
            .expected(format!(
                "the first {MAX_CELL_ERRORS} errors fixed, then `lcs validate` again"
            )),
        );
    }

    /// A series read from a data file (docs/EXTENSIONS.md, "Series from data files"):
    /// `{ from, column | item, sheet?, unit?, interp?, source? }`. The rows read are the
    /// points of a `points` series (MODEL.md §3), each value `v × factor(unit)` in base units.
    pub(crate) fn data_series(
        &mut self,
        node: &Node,
        raw: &[(Key, Node)],
        path: &str,
        want: &Want,
    ) -> Option<Series> {
        let inline: Vec<&str> = INLINE_KEYS
            .into_iter()
            .filter(|k| get(raw, k).is_some())
            .collect();
        if !inline.is_empty() {
            let found = inline
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            self.err(
                Diagnostic::new(
                    node.span,
                    "a series read from a data file (`from:`) cannot also be written inline",
                )
                .at(path)
                .expected("either `from:` with `column:` or `item:`, or one of `value`, `points`, `base`, `expr`")
                .found(format!("`from` and {found}")),
            );
            return None;
        }
        let n_errors = self.errors.len();
        let items = self.map(node, path, &DATA_KEYS)?;
        let from = get(items, "from")?;
        let from_text = self.text(from, &join(path, "from"))?.to_string();
        let (name_node, form) = match (get(items, "column"), get(items, "item")) {
            (Some(c), None) => (c, TableForm::Wide),
            (None, Some(i)) => (i, TableForm::Long),
            (Some(_), Some(i)) => {
                self.err(
                    Diagnostic::new(i.span, "a series has both `column` and `item`")
                        .at(join(path, "item"))
                        .expected("`column:` for a wide table (a `year` column and one column per series) or `item:` for a long table (`item,value,unit,year,…`)"),
                );
                return None;
            }
            (None, None) => {
                self.err(
                    Diagnostic::new(from.span, "a series read from a data file needs `column` or `item`")
                        .at(join(path, "column"))
                        .expected("`column:` for a wide table (a `year` column and one column per series) or `item:` for a long table (`item,value,unit,year,…`)"),
                );
                return None;
            }
        };
        let name_key = if form == TableForm::Wide {
            "column"
        } else {
            "item"
        };
        let name = self.text(name_node, &join(path, name_key))?.to_string();
        let sheet_node = get(items, "sheet");
        let sheet = match sheet_node {
            Some(s) => Some(self.text(s, &join(path, "sheet"))?.to_string()),
            None => None,
        };
        let declared: Option<(Unit, String)> = match get(items, "unit") {
            None => None,
            Some(u) => {
                let t = self.text(u, &join(path, "unit"))?.to_string();
                match self.units.parse(&t) {
                    Ok(unit) => Some((unit, t)),
                    Err(e) => {
                        self.unit_error(u.span, &join(path, "unit"), &e);
                        return None;
                    }
                }
            }
        };
        let interp = self.interp(get(items, "interp"), path)?;
        let source = match get(items, "source") {
            Some(s) => Some(self.text(s, &join(path, "source"))?.to_string()),
            None => None,
        };
        if self.errors.len() > n_errors {
            return None;
        }
        let Some(entry) = self
            .data
            .find(from.span.file, &from_text, sheet.as_deref())
            .cloned()
        else {
            // Only a reader built without its loader's data files gets here.
            self.err(
                Diagnostic::new(
                    from.span,
                    format!("the data file `{from_text}` was not read"),
                )
                .at(join(path, "from"))
                .note("series from data files are read through `lcs_model::Loader`"),
            );
            return None;
        };
        let table = match entry.table.as_ref() {
            Ok(t) => t,
            Err(e) => {
                self.err(file_error(e, &entry, from, sheet_node, path));
                return None;
            }
        };
        if let (Some(s), Some(_)) = (sheet_node, table.csv) {
            self.err(
                Diagnostic::new(
                    s.span,
                    format!("`{from_text}` is a CSV file: it has no sheets"),
                )
                .at(join(path, "sheet"))
                .expected("`sheet:` only with a workbook (`.xlsx`)"),
            );
            return None;
        }
        let at = At {
            table,
            path,
            from: from.span,
            named_at: format!("{}:{}:{}", entry.named_in, from.span.line, from.span.col),
        };
        let rows = match form {
            TableForm::Wide => self.wide_rows(&at, &name, name_node, &join(path, "column"))?,
            TableForm::Long => self.long_rows(&at, &name, name_node, &join(path, "item"))?,
        };
        // Units: the row's own, else the declared one, else none; one dimension for all.
        let mut points: Vec<DataPoint> = Vec::new();
        let mut first: Option<(Dimension, Option<String>, &Cell, usize)> = None;
        let mut ok = true;
        for r in &rows {
            let (unit, unit_text) = match (&r.unit, &declared) {
                (Some((u, t, c, j)), Some((du, dt))) if u.dim != du.dim => {
                    self.err(
                        at.cell(
                            c,
                            *j,
                            format!("the unit `{t}` does not match the series' unit `{dt}`"),
                        )
                        .expected(format!("a unit of dimension {} like `{dt}`", du.dim))
                        .found(format!("`{t}` ({})", u.dim)),
                    );
                    ok = false;
                    continue;
                }
                (Some((u, t, _, _)), _) => (u.clone(), Some(t.clone())),
                (None, Some((du, dt))) => (du.clone(), Some(dt.clone())),
                (None, None) => (Unit::one(), None),
            };
            match &first {
                None => {
                    let (c, j) = r.unit.as_ref().map_or((r.cell, r.j), |u| (u.2, u.3));
                    first = Some((unit.dim.clone(), unit_text.clone(), c, j));
                }
                Some((d, dt, c0, j0)) if *d != unit.dim => {
                    let (c, j) = r.unit.as_ref().map_or((r.cell, r.j), |u| (u.2, u.3));
                    let first_unit = dt.clone().unwrap_or_else(|| "1".into());
                    self.err(
                        at.cell(
                            c,
                            j,
                            format!("the rows of `{name}` have units of different dimensions"),
                        )
                        .expected(format!(
                            "a unit of dimension {d} like `{first_unit}` in {}",
                            at.cell_note(c0, *j0)
                        ))
                        .found(format!(
                            "`{}` ({})",
                            unit_text.clone().unwrap_or_else(|| "1".into()),
                            unit.dim
                        )),
                    );
                    ok = false;
                    continue;
                }
                _ => {}
            }
            points.push(DataPoint {
                year: r.year,
                value: r.number * unit.factor,
                text: r.cell.text(),
                unit: r.unit.as_ref().map(|u| u.1.clone()),
                row: r.cell.row,
                col: r.cell.col,
                span: r.cell.span,
                source: r.source.clone(),
                status: r.status.clone(),
            });
        }
        if !ok {
            return None;
        }
        let (dim, unit_text) = match (&declared, &first) {
            (Some((u, t)), _) => (u.dim.clone(), Some(t.clone())),
            (None, Some((d, t, _, _))) => (d.clone(), t.clone()),
            (None, None) => (Dimension::none(), None),
        };
        if !self.check_dim(node.span, path, want, &dim, unit_text.as_deref()) {
            if let (Some(d), Some((_, _, c, j))) = (self.errors.last_mut(), &first) {
                d.notes
                    .push(format!("the unit is read from {}", at.cell_note(c, *j)));
            }
            return None;
        }
        points.sort_by_key(|p| p.year);
        let pairs: Vec<(i32, f64)> = points.iter().map(|p| (p.year, p.value)).collect();
        match lcs_units::interpolate(&pairs, interp, self.base_year, self.end_year) {
            Ok(values) => Some(Series {
                def: SeriesDef::Values(values),
                dim,
                unit_text,
                span: node.span,
                provenance: Some(Box::new(Provenance {
                    file: table.path.clone(),
                    sheet: table.sheet.clone(),
                    form,
                    name,
                    source,
                    interp,
                    points,
                })),
            }),
            Err(e) => {
                self.err(
                    Diagnostic::new(node.span, e.to_string())
                        .at(path)
                        .note(format!("the points are read from `{}`", table.file())),
                );
                None
            }
        }
    }

    /// The year of a row's year cell, checked against the sensible range; `Err(true)` when
    /// the cell is not a year, `Err(false)` when an error was reported.
    fn data_year(&mut self, at: &At, cell: &Cell, j: usize) -> Result<i32, bool> {
        let y = cell.year().ok_or(true)?;
        if !(FIRST_DATA_YEAR..=LAST_DATA_YEAR).contains(&y) {
            self.err(
                at.cell(
                    cell,
                    j,
                    format!("year {y} is outside {FIRST_DATA_YEAR} to {LAST_DATA_YEAR}"),
                )
                .expected(format!("a year from {FIRST_DATA_YEAR} to {LAST_DATA_YEAR}")),
            );
            return Err(false);
        }
        Ok(y)
    }

    /// Reports a year given twice.
    fn duplicate_year(
        &mut self,
        at: &At,
        rows: &[Raw],
        year: i32,
        cell: &Cell,
        j: usize,
        what: &str,
    ) -> bool {
        match rows.iter().find(|r| r.year == year) {
            Some(first) => {
                self.err(
                    at.cell(cell, j, format!("year {year} is given twice for `{what}`"))
                        .note(format!(
                            "first in {}",
                            at.cell_note(first.year_cell.0, first.year_cell.1)
                        )),
                );
                true
            }
            None => false,
        }
    }

    /// True (with an error at the second header cell) when a column the reader uses is
    /// written twice in the header: `keys` matched ignoring case, as the reader matches
    /// them, and the series' own `column` exactly. The reader would take the first and
    /// leave the other unread, so `year,pop,pop` is surely a mistake, never a silent pick.
    fn duplicate_column(&mut self, at: &At<'_>, keys: &[&str], column: Option<&str>) -> bool {
        let header = &at.table.header;
        let names = keys
            .iter()
            .map(|k| (*k, true))
            .chain(column.map(|c| (c, false)));
        let mut found = false;
        for (name, ci) in names {
            let same = |c: &Cell| {
                c.with_text(|t| {
                    if ci {
                        t.eq_ignore_ascii_case(name)
                    } else {
                        t == name
                    }
                })
            };
            let mut at_cols = header.iter().enumerate().filter(|(_, c)| same(c));
            let (Some((first, first_cell)), Some((second, second_cell))) =
                (at_cols.next(), at_cols.next())
            else {
                continue;
            };
            self.err(
                at.cell(
                    second_cell,
                    second,
                    format!(
                        "column `{}` is written twice in the header of `{}`",
                        second_cell.text(),
                        at.table.file()
                    ),
                )
                .expected("each column name once (the reader would take the first and leave this one unread)")
                .note(format!("the first is {}", at.cell_note(first_cell, first))),
            );
            found = true;
        }
        found
    }

    /// The rows of a wide table: every row with a value in column `name`.
    fn wide_rows<'t>(
        &mut self,
        at: &At<'t>,
        name: &str,
        name_node: &Node,
        name_path: &str,
    ) -> Option<Vec<Raw<'t>>> {
        let table = at.table;
        let Some(year_col) = table.column_ci("year") else {
            let d = Diagnostic::new(at.from, format!("`{}` has no `year` column", table.file()))
                .at(join(at.path, "from"))
                .expected(
                    "a wide table: a header row with a `year` column and one column per series",
                )
                .found(format!("the columns {}", listing(&table.names(), 12)));
            self.err(separator_note(d, table));
            return None;
        };
        let Some(col) = table.header.iter().position(|c| c.with_text(|t| t == name)) else {
            let names = table.names();
            self.err(
                Diagnostic::new(
                    name_node.span,
                    format!("`{}` has no column `{name}`", table.file()),
                )
                .at(name_path)
                .expected("a column of the table's header row")
                .suggest(nearest(name, names.iter().map(String::as_str)))
                .note(format!("its columns: {}", listing(&names, 12))),
            );
            return None;
        };
        if self.duplicate_column(at, &["year", "source", "status"], Some(name)) {
            return None;
        }
        let source_col = table.column_ci("source");
        let status_col = table.column_ci("status");
        let mut out: Vec<Raw<'t>> = Vec::new();
        let mut ok = true;
        for row in &table.rows {
            let cell = &row[col];
            if cell.is_empty() {
                continue;
            }
            let ycell = &row[year_col];
            let year = match self.data_year(at, ycell, year_col) {
                Ok(y) => y,
                Err(false) => {
                    ok = false;
                    continue;
                }
                Err(true) => {
                    self.err(
                        at.cell(ycell, year_col, format!("{} is not a year", ycell.found()))
                            .expected(format!(
                                "a year such as `2025` in every row with a value of `{name}`"
                            )),
                    );
                    ok = false;
                    continue;
                }
            };
            let (number, unit) = match &cell.value {
                CellValue::Number(v) => (*v, None),
                CellValue::Text(t) => match self.units.parse_quantity(t) {
                    Ok(q) => (
                        q.value,
                        q.unit.zip(q.unit_text).map(|(u, t)| (u, t, cell, col)),
                    ),
                    Err(e) => {
                        self.err(cell_error(at, cell, col, &e));
                        ok = false;
                        continue;
                    }
                },
                _ => {
                    self.err(
                        at.cell(cell, col, "expected a number".to_string())
                            .expected("a number, or a number and a unit (`1.8 MJ`)")
                            .found(cell.found()),
                    );
                    ok = false;
                    continue;
                }
            };
            if self.duplicate_year(at, &out, year, ycell, year_col, name) {
                ok = false;
                continue;
            }
            out.push(Raw {
                year,
                year_cell: (ycell, year_col),
                number,
                cell,
                j: col,
                unit,
                source: source_col.and_then(|c| row[c].non_empty()),
                status: status_col.and_then(|c| row[c].non_empty()),
            });
        }
        if !ok {
            return None;
        }
        if out.is_empty() {
            self.err(
                Diagnostic::new(
                    name_node.span,
                    format!("column `{name}` of `{}` has no value", table.file()),
                )
                .at(name_path)
                .expected("at least one row with a year and a value"),
            );
            return None;
        }
        Some(out)
    }

    /// The rows of a long table whose `item` is `name`; rows whose `year` is not a year are
    /// skipped.
    fn long_rows<'t>(
        &mut self,
        at: &At<'t>,
        name: &str,
        name_node: &Node,
        name_path: &str,
    ) -> Option<Vec<Raw<'t>>> {
        let table = at.table;
        let cols: Vec<Option<usize>> = ["item", "value", "year"]
            .iter()
            .map(|c| table.column_ci(c))
            .collect();
        let (Some(item_col), Some(value_col), Some(year_col)) = (cols[0], cols[1], cols[2]) else {
            let missing: Vec<&str> = ["item", "value", "year"]
                .iter()
                .zip(&cols)
                .filter(|(_, c)| c.is_none())
                .map(|(n, _)| *n)
                .collect();
            self.err(
                Diagnostic::new(
                    at.from,
                    format!(
                        "`{}` has no {} column",
                        table.file(),
                        missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(" or ")
                    ),
                )
                .at(join(at.path, "from"))
                .expected("a long table: a header row with `item`, `value`, `year` and optionally `unit`, `source`, `status`")
                .found(format!("the columns {}", listing(&table.names(), 12))),
            );
            if let Some(d) = self.errors.pop() {
                self.errors.push(separator_note(d, table));
            }
            return None;
        };
        if self.duplicate_column(
            at,
            &["item", "value", "year", "unit", "source", "status"],
            None,
        ) {
            return None;
        }
        let unit_col = table.column_ci("unit");
        let source_col = table.column_ci("source");
        let status_col = table.column_ci("status");
        let mut out: Vec<Raw<'t>> = Vec::new();
        let mut skipped: Vec<&Cell> = Vec::new();
        let mut ok = true;
        for row in &table.rows {
            if !row[item_col].with_text(|t| t == name) {
                continue;
            }
            let ycell = &row[year_col];
            let year = match self.data_year(at, ycell, year_col) {
                Ok(y) => y,
                Err(false) => {
                    ok = false;
                    continue;
                }
                Err(true) => {
                    skipped.push(ycell);
                    continue;
                }
            };
            let cell = &row[value_col];
            let number = match &cell.value {
                CellValue::Number(v) => *v,
                CellValue::Text(t) => match lcs_units::parse_number(t) {
                    Some(v) => v,
                    None => {
                        self.err(
                            at.cell(cell, value_col, format!("`{t}` is not a number"))
                                .expected("a plain number without thousands separators (its unit in the `unit` column)")
                                .found(cell.found()),
                        );
                        ok = false;
                        continue;
                    }
                },
                _ => {
                    self.err(
                        at.cell(cell, value_col, "expected a number".to_string())
                            .expected("a plain number (its unit in the `unit` column)")
                            .found(cell.found()),
                    );
                    ok = false;
                    continue;
                }
            };
            let unit = match unit_col.map(|c| (&row[c], c)) {
                Some((ucell, c)) if !ucell.is_empty() => {
                    let t = ucell.text();
                    match self.units.parse(&t) {
                        Ok(u) => Some((u, t, ucell, c)),
                        Err(e) => {
                            self.err(cell_error(at, ucell, c, &e));
                            ok = false;
                            continue;
                        }
                    }
                }
                _ => None,
            };
            if self.duplicate_year(at, &out, year, ycell, year_col, name) {
                ok = false;
                continue;
            }
            out.push(Raw {
                year,
                year_cell: (ycell, year_col),
                number,
                cell,
                j: value_col,
                unit,
                source: source_col.and_then(|c| row[c].non_empty()),
                status: status_col.and_then(|c| row[c].non_empty()),
            });
        }
        if !ok {
            return None;
        }
        if out.is_empty() {
            let d = if skipped.is_empty() {
                let mut items: Vec<String> = Vec::new();
                for row in &table.rows {
                    let t = row[item_col].text();
                    if !t.is_empty() && !items.contains(&t) {
                        items.push(t);
                    }
                }
                Diagnostic::new(
                    name_node.span,
                    format!("`{}` has no item `{name}`", table.file()),
                )
                .at(name_path)
                .expected("an item of the table's `item` column")
                .suggest(nearest(name, items.iter().map(String::as_str)))
                .note(format!("its items: {}", listing(&items, 8)))
            } else {
                let years: Vec<String> = skipped.iter().map(|c| c.text()).collect();
                Diagnostic::new(
                    name_node.span,
                    format!("item `{name}` of `{}` has no row with a year", table.file()),
                )
                .at(name_path)
                .expected("at least one row whose `year` is a year such as `2025`")
                .found(format!(
                    "{} row{} with the year {}",
                    skipped.len(),
                    if skipped.len() == 1 { "" } else { "s" },
                    listing(&years, 4)
                ))
                .note(format!("first in {}", at.cell_note(skipped[0], year_col)))
            };
            self.err(d);
            return None;
        }
        Some(out)
    }
}

/// A value or unit cell that does not read.
fn cell_error(at: &At, cell: &Cell, j: usize, e: &UnitError) -> Diagnostic {
    match e {
        UnitError::UnknownWord { word, suggestions } => at
            .cell(cell, j, format!("unknown unit `{word}`"))
            .expected(
                "units such as `GJ`, `MWh`, `t CO2`, `kg/person/day`, `MYR million` (MODEL.md §2)",
            )
            .suggest(suggestions.clone()),
        UnitError::BadNumber { .. } => at
            .cell(cell, j, format!("{} is not a number", cell.found()))
            .expected("a number without thousands separators, or a number and a unit (`1.8 MJ`)")
            .found(cell.found()),
        e => at.cell(cell, j, e.to_string()),
    }
}

/// A data file that could not be read, reported at `from:` (or in the CSV file, for a
/// ragged row; at `sheet:` for a sheet that does not exist).
fn file_error(
    e: &DataFileError,
    entry: &DataRef,
    from: &Node,
    sheet: Option<&Node>,
    path: &str,
) -> Diagnostic {
    let from_text = entry.from.as_str();
    let from_path = join(path, "from");
    let named_at = format!("{}:{}:{}", entry.named_in, from.span.line, from.span.col);
    match e {
        DataFileError::Absolute => Diagnostic::new(from.span, format!("`{from_text}` is an absolute path"))
            .at(from_path)
            .expected("a path relative to this file's folder (MODEL.md §1), e.g. `../../data/iskandar/socioeconomic.csv`"),
        DataFileError::UnknownFormat { .. } => Diagnostic::new(
            from.span,
            format!("cannot read `{from_text}`: {e}"),
        )
        .at(from_path)
        .expected("a `.csv` file or an `.xlsx` or `.xlsm` workbook (save other spreadsheets as one of these)"),
        DataFileError::Ragged { span, .. } => Diagnostic::new(*span, format!("cannot read `{from_text}`: {e}"))
            .at(path)
            .expected("as many fields in every row as in the header row (quote a field that holds a comma)")
            .note(format!("read for `{path}` ({named_at})")),
        DataFileError::NoSuchSheet { sheet: s, sheets } => {
            let span = sheet.map_or(from.span, |n| n.span);
            Diagnostic::new(span, format!("`{from_text}` has no sheet `{s}`"))
                .at(join(path, "sheet"))
                .expected(format!("one of its sheets: {}", listing(sheets, 20)))
                .suggest(nearest(s, sheets.iter().map(String::as_str)))
        }
        DataFileError::SheetNeeded { sheets } => Diagnostic::new(
            from.span,
            format!("`{from_text}` has {} sheets: say which with `sheet:`", sheets.len()),
        )
        .at(join(path, "sheet"))
        .expected(format!("`sheet:` with one of {}", listing(sheets, 20))),
        _ => {
            let d = Diagnostic::new(from.span, format!("cannot read `{from_text}`: {e}"))
                .at(from_path)
                .expected("a CSV file or a workbook, named relative to this file's folder");
            if entry.path != Path::new(from_text) {
                d.note(format!("looked for `{}`", entry.path.display()))
            } else {
                d
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_records_are_read_as_the_csv_crate_reads_them() {
        // Quoted fields with commas, doubled quotes and a line break; CRLF and CR line
        // ends; empty lines skipped (the offset of a record is where reading it began);
        // a last line without an end; a record of another length. The expected values are
        // what `csv::Reader` 1.4 gave for the same text (record positions and fields).
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n1,,3\r4,5\n6";
        let read = |text: &str| {
            let mut r = CsvRecords::new(text.as_bytes());
            let mut got = Vec::new();
            while let Some(start) = r.next_record() {
                let fields: Vec<String> =
                    r.fields().unwrap().iter().map(|f| f.to_string()).collect();
                got.push((start, fields));
            }
            got
        };
        // A file read half-way, then the text twice: the thread's reader starts afresh.
        let mut half = CsvRecords::new(b"\"open,quote");
        half.next_record();
        drop(half);
        let v = |f: &[&str]| f.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(read(text), read(text));
        assert_eq!(
            read(text),
            vec![
                (0, v(&["a", "b", "c"])),
                // The `\n` of `\r\n` is read with the next record, as `csv` reads it.
                (6, v(&["x, y", "say \"hi\"", "two\nlines"])),
                (39, v(&["1", "", "3"])),
                (45, v(&["4", "5"])),
                (49, v(&["6"])),
            ]
        );
    }

    #[test]
    fn cell_names_count_like_a_spreadsheet() {
        assert_eq!(cell_name(4, 2), "B4");
        assert_eq!(cell_name(1, 26), "Z1");
        assert_eq!(cell_name(10, 27), "AA10");
        assert_eq!(cell_name(3, 52), "AZ3");
        assert_eq!(cell_name(3, 53), "BA3");
    }

    #[test]
    fn field_ranges_follow_quotes() {
        let text = "a,\"b, \"\"c\"\"\",d\r\nx,y,z\n";
        let r = field_ranges(text.as_bytes(), 0, 3);
        assert_eq!(&text[r[0].0..r[0].1], "a");
        assert_eq!(&text[r[1].0..r[1].1], "\"b, \"\"c\"\"\"");
        assert_eq!(&text[r[2].0..r[2].1], "d");
        let r = field_ranges(text.as_bytes(), 16, 3);
        assert_eq!(&text[r[2].0..r[2].1], "z");
    }

    #[test]
    fn csv_cells_keep_their_place() {
        let text = "year,\"note, with comma\",v\n\n2005,\"a, b\",1.5\n";
        let t = csv_table(FileId(0), Path::new("t.csv"), text).expect("reads");
        assert_eq!(t.names(), ["year", "note, with comma", "v"]);
        // The blank line is skipped: the record is on line 3.
        let v = &t.rows[0][2];
        assert_eq!(v.value, CellValue::Text("1.5".into()));
        assert_eq!((v.row, v.col), (3, 3));
        let s = v.span.expect("a CSV cell has a span");
        assert_eq!(&text[s.start..s.end], "1.5");
        // `2005,"a, b",` is 12 characters before the value.
        assert_eq!((s.line, s.col), (3, 13));
        assert_eq!(t.rows[0][1].value, CellValue::Text("a, b".into()));
    }

    #[test]
    fn a_ragged_row_is_an_error() {
        let text = "year,v\n2005,1,2\n";
        match csv_table(FileId(0), Path::new("t.csv"), text) {
            Err(DataFileError::Ragged {
                row: 2,
                found: 3,
                expected: 2,
                ..
            }) => {}
            other => panic!("expected a ragged-row error, got {other:?}"),
        }
    }

    #[test]
    fn csv_text_refuses_binary_and_other_encodings() {
        assert_eq!(csv_text(b"a\0b".to_vec()), Err(DataFileError::Binary));
        assert_eq!(
            csv_text(b"year,v\n2005,\xe9\n".to_vec()),
            Err(DataFileError::NotUtf8 { line: 2, col: 6 })
        );
        assert_eq!(
            csv_text(b"\xef\xbb\xbfyear".to_vec()),
            Ok("year".to_string())
        );
    }

    #[test]
    fn a_workbook_that_unpacks_past_the_limit_is_refused() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet()
            .write_string(0, 0, "year")
            .expect("write");
        let bytes = wb.save_to_buffer().expect("workbook");
        // A minimal workbook unpacks to a few kB: within 1 MiB, not within 100 bytes.
        assert_eq!(unpacks_within(&bytes, 1 << 20), Ok(()));
        assert_eq!(unpacks_within(&bytes, 100), Err(DataFileError::Unpacks));
        assert!(matches!(
            unpacks_within(b"year,v\n", 1 << 20),
            Err(DataFileError::Workbook { .. })
        ));
    }

    #[test]
    fn data_refs_need_column_or_item() {
        let text = "a: { from: x.csv, column: c }\nb: { lever: shift, from: gasoline, to: diesel }\nc: [{ from: y.xlsx, item: i, sheet: s }]\n";
        let root = crate::yaml::parse(FileId(0), text).expect("parses");
        assert_eq!(
            data_refs(&root),
            vec![
                ("x.csv".to_string(), None),
                ("y.xlsx".to_string(), Some("s".to_string()))
            ]
        );
    }
}
