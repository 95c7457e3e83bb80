//! The embedded data tables' reader: plain comma-separated fields with a header row, no
//! quoting (no field contains a comma), and `source` and `status` columns that must not be
//! empty (every number in `data/` carries its source).
//!
//! Used by this crate for `data/factors/*.csv` and by the crates that embed other tables of
//! `data/` (economics, materials), so that every table is read and checked the same way.
//!
//! A table that breaks a rule is a [`TableError`] naming the file, the line and what is wrong.

use std::fmt;

/// What is wrong with an embedded table: always names the file, and the line when one row is
/// at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableError {
    /// The file has no header row.
    Empty {
        /// The file name.
        file: &'static str,
    },
    /// The header row is not the expected list of columns.
    Header {
        /// The file name.
        file: &'static str,
        /// The header found, joined with commas.
        found: String,
        /// The header expected, joined with commas.
        expected: String,
    },
    /// A row has a different number of fields than the header.
    FieldCount {
        /// The file name.
        file: &'static str,
        /// The row's line number (1-based).
        line: usize,
        /// The fields in the row.
        found: usize,
        /// The fields in the header.
        expected: usize,
    },
    /// A column that must be filled in (`source`, `status`) is empty.
    EmptyField {
        /// The file name.
        file: &'static str,
        /// The row's line number (1-based).
        line: usize,
        /// The empty column.
        column: String,
    },
    /// A reader asked for a column the table does not have.
    NoColumn {
        /// The file name.
        file: &'static str,
        /// The row's line number (1-based).
        line: usize,
        /// The column asked for.
        column: String,
    },
    /// A field holds a value its column does not accept.
    Value {
        /// The file name.
        file: &'static str,
        /// The row's line number (1-based).
        line: usize,
        /// The column.
        column: String,
        /// The text found.
        value: String,
        /// What the column accepts, e.g. `a non-negative number`.
        expected: String,
    },
    /// A row breaks a rule of its table (a duplicate key, an unknown id, a value out of range).
    Row {
        /// The file name.
        file: &'static str,
        /// The row's line number (1-based).
        line: usize,
        /// The rule it breaks, e.g. ``duplicate row for `MYR` 2015``.
        problem: String,
    },
    /// The table lacks a row that the reader needs.
    Missing {
        /// The file name.
        file: &'static str,
        /// The key of the missing row, e.g. `` `paper` ``.
        row: String,
    },
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::Empty { file } => write!(f, "{file}: empty file"),
            TableError::Header {
                file,
                found,
                expected,
            } => write!(f, "{file}: header is `{found}`, expected `{expected}`"),
            TableError::FieldCount {
                file,
                line,
                found,
                expected,
            } => write!(f, "{file} line {line}: {found} fields, expected {expected}"),
            TableError::EmptyField { file, line, column } => {
                write!(f, "{file} line {line}: empty `{column}`")
            }
            TableError::NoColumn { file, line, column } => {
                write!(f, "{file} line {line}: no column `{column}`")
            }
            TableError::Value {
                file,
                line,
                column,
                value,
                expected,
            } => write!(
                f,
                "{file} line {line}: `{column}` is `{value}`, expected {expected}"
            ),
            TableError::Row {
                file,
                line,
                problem,
            } => write!(f, "{file} line {line}: {problem}"),
            TableError::Missing { file, row } => write!(f, "{file}: no row for {row}"),
        }
    }
}

impl std::error::Error for TableError {}

/// A parsed CSV file: plain comma-separated fields, no quoting, with a header row.
#[derive(Debug)]
pub struct Csv<'a> {
    /// The file name, for messages.
    pub file: &'static str,
    /// The header fields.
    pub header: Vec<&'a str>,
    /// `(line number, fields)`.
    rows: Vec<(usize, Vec<&'a str>)>,
}

/// One data row of a [`Csv`].
pub struct Row<'c, 'a> {
    csv: &'c Csv<'a>,
    /// Its line number in the file (1-based).
    pub line: usize,
    fields: &'c [&'a str],
}

impl<'a> Csv<'a> {
    /// Parses `text` (the embedded file `file`), checking the header against `expected` and
    /// that every row has a non-empty `source` and `status`.
    pub fn parse(file: &'static str, text: &'a str, expected: &[&str]) -> Result<Self, TableError> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, head) = lines.next().ok_or(TableError::Empty { file })?;
        let header: Vec<&str> = head.split(',').map(str::trim).collect();
        if header != expected {
            return Err(TableError::Header {
                file,
                found: header.join(","),
                expected: expected.join(","),
            });
        }
        let mut rows = Vec::new();
        for (n, l) in lines {
            let fields: Vec<&str> = l.split(',').map(str::trim).collect();
            if fields.len() != header.len() {
                return Err(TableError::FieldCount {
                    file,
                    line: n,
                    found: fields.len(),
                    expected: header.len(),
                });
            }
            rows.push((n, fields));
        }
        let csv = Csv { file, header, rows };
        for row in csv.rows() {
            for col in ["source", "status"] {
                if row.get(col)?.is_empty() {
                    return Err(TableError::EmptyField {
                        file,
                        line: row.line,
                        column: col.to_string(),
                    });
                }
            }
        }
        Ok(csv)
    }

    /// The data rows.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_, 'a>> {
        self.rows.iter().map(move |(line, fields)| Row {
            csv: self,
            line: *line,
            fields,
        })
    }
}

impl<'a> Row<'_, 'a> {
    /// This row breaks a rule of its table: [`TableError::Row`], shown `file line N: problem`.
    pub fn err(&self, problem: &str) -> TableError {
        TableError::Row {
            file: self.csv.file,
            line: self.line,
            problem: problem.to_string(),
        }
    }

    /// Column `col` holds `value`, which it does not accept: [`TableError::Value`], shown
    /// ``file line N: `col` is `value`, expected <expected>``.
    pub fn invalid(&self, col: &str, value: &str, expected: &str) -> TableError {
        TableError::Value {
            file: self.csv.file,
            line: self.line,
            column: col.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }

    /// The text of column `col`.
    pub fn get(&self, col: &str) -> Result<&'a str, TableError> {
        let i = self
            .csv
            .header
            .iter()
            .position(|h| *h == col)
            .ok_or_else(|| TableError::NoColumn {
                file: self.csv.file,
                line: self.line,
                column: col.to_string(),
            })?;
        Ok(self.fields[i])
    }

    /// A finite, non-negative number.
    pub fn num(&self, col: &str) -> Result<f64, TableError> {
        let s = self.get(col)?;
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
            _ => Err(self.invalid(col, s, "a non-negative number")),
        }
    }
}
