//! Plain column tables as Parquet files, for ensemble shards (`lcs ensemble --shard`,
//! `lcs merge`, docs/UNCERTAINTY.md). Columns are written and read back exactly: `f64`
//! bits, `u64`, `i64` and text, no nulls. Writes are atomic (temporary file, rename).

use crate::ReportError;
use polars::prelude::{
    Column as PlColumn, DataFrame, DataType, ParquetCompression, ParquetReader, ParquetWriter,
    SerReader,
};
use std::path::Path;

/// A column of a shard table.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// Floating point values.
    F64(Vec<f64>),
    /// Unsigned integers.
    U64(Vec<u64>),
    /// Signed integers.
    I64(Vec<i64>),
    /// Text.
    Str(Vec<String>),
}

impl Column {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Column::F64(v) => v.len(),
            Column::U64(v) => v.len(),
            Column::I64(v) => v.len(),
            Column::Str(v) => v.len(),
        }
    }
    /// Whether the column is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Named columns of equal length.
pub type Columns = Vec<(String, Column)>;

/// Why Parquet bytes could not be decoded into [`Columns`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParquetError {
    /// The Parquet reader refused the bytes (its message).
    Decode {
        /// The reader's message.
        message: String,
    },
    /// The Parquet reader failed on bytes it could not make sense of.
    Corrupt,
    /// A column holds a type a shard never writes.
    ColumnType {
        /// The column.
        column: String,
        /// Its type, as polars names it.
        found: String,
    },
}

impl std::fmt::Display for ParquetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParquetError::Decode { message } => f.write_str(message),
            ParquetError::Corrupt => f.write_str("the Parquet data is corrupt"),
            ParquetError::ColumnType { column, found } => {
                write!(f, "column `{column}` has type {found}")
            }
        }
    }
}

impl std::error::Error for ParquetError {}

/// Parquet bytes (zstd) of named columns of equal length.
pub fn to_parquet(columns: &[(String, Column)]) -> Result<Vec<u8>, ReportError> {
    let cols: Vec<PlColumn> = columns
        .iter()
        .map(|(n, c)| match c {
            Column::F64(v) => PlColumn::new(n.as_str().into(), v),
            Column::U64(v) => PlColumn::new(n.as_str().into(), v),
            Column::I64(v) => PlColumn::new(n.as_str().into(), v),
            Column::Str(v) => PlColumn::new(n.as_str().into(), v),
        })
        .collect();
    let mut df = DataFrame::new_infer_height(cols).map_err(|e| ReportError::Table {
        table: "shard".into(),
        message: e.to_string(),
    })?;
    let mut buf = std::io::Cursor::new(Vec::new());
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)
        .map_err(|e| ReportError::Parquet {
            table: "shard".into(),
            message: e.to_string(),
        })?;
    Ok(buf.into_inner())
}

/// Writes named columns to a Parquet file atomically.
pub fn write_parquet(path: &Path, columns: &[(String, Column)]) -> Result<(), ReportError> {
    Ok(crate::output::write_atomic(path, &to_parquet(columns)?)?)
}

/// Reads a Parquet file written by [`write_parquet`].
pub fn read_parquet(path: &Path) -> Result<Columns, ReportError> {
    let bad = |message: String| ReportError::Read {
        path: path.to_path_buf(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    parquet_columns(&bytes).map_err(|e| bad(e.to_string()))
}

/// Decodes Parquet bytes written by [`write_parquet`]. A panic inside the Parquet reader
/// (corrupt bytes that still pass a checksum cannot occur, but a file from elsewhere can)
/// becomes an error.
pub fn parquet_columns(bytes: &[u8]) -> Result<Columns, ParquetError> {
    let decoded =
        std::panic::catch_unwind(|| ParquetReader::new(std::io::Cursor::new(bytes)).finish());
    let df = match decoded {
        Ok(Ok(df)) => df,
        Ok(Err(e)) => return Err(decode(&e)),
        Err(_) => return Err(ParquetError::Corrupt),
    };
    let mut out = Vec::new();
    for c in df.columns() {
        let name = c.name().to_string();
        let s = c.as_materialized_series();
        let col = match s.dtype() {
            DataType::Float64 => Column::F64(
                s.f64()
                    .map_err(|e| decode(&e))?
                    .iter()
                    .map(|v| v.unwrap_or(f64::NAN))
                    .collect(),
            ),
            DataType::UInt64 => Column::U64(
                s.u64()
                    .map_err(|e| decode(&e))?
                    .iter()
                    .map(|v| v.unwrap_or(0))
                    .collect(),
            ),
            DataType::Int64 => Column::I64(
                s.i64()
                    .map_err(|e| decode(&e))?
                    .iter()
                    .map(|v| v.unwrap_or(0))
                    .collect(),
            ),
            DataType::String => Column::Str(
                s.str()
                    .map_err(|e| decode(&e))?
                    .iter()
                    .map(|v| v.unwrap_or("").to_string())
                    .collect(),
            ),
            other => {
                return Err(ParquetError::ColumnType {
                    column: name,
                    found: other.to_string(),
                })
            }
        };
        out.push((name, col));
    }
    Ok(out)
}

fn decode(e: &dyn std::fmt::Display) -> ParquetError {
    ParquetError::Decode {
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip_exactly() {
        let cols: Columns = vec![
            (
                "a".into(),
                Column::F64(vec![0.1, -0.0, f64::NAN, 1e300, f64::INFINITY]),
            ),
            ("b".into(), Column::U64(vec![0, 1, u64::MAX, 4, 5])),
            ("c".into(), Column::I64(vec![-1, 0, i64::MIN, 3, 4])),
            (
                "d".into(),
                Column::Str(vec![
                    "x".into(),
                    "".into(),
                    "ü|y".into(),
                    "z".into(),
                    "w".into(),
                ]),
            ),
        ];
        let dir = std::env::temp_dir().join(format!("lcs-shards-{}", std::process::id()));
        let p = dir.join("t.parquet");
        write_parquet(&p, &cols).unwrap();
        let back = read_parquet(&p).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(back.len(), 4);
        match (&back[0].1, &cols[0].1) {
            (Column::F64(x), Column::F64(y)) => {
                assert!(x.iter().zip(y).all(|(a, b)| a.to_bits() == b.to_bits()))
            }
            _ => panic!("column a: {:?}", back[0]),
        }
        assert_eq!(back[1..], cols[1..]);
    }
}
