//! What can go wrong while building or writing a report, as data ([`ReportError`]); the
//! binary renders it with `Display` (plain words, no Rust debug text).

use std::fmt;
use std::path::PathBuf;

/// A failure of `lcs-report`.
#[derive(Debug)]
pub enum ReportError {
    /// A folder could not be created.
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file could not be written (or renamed into place).
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A table could not be assembled (columns of different lengths, a polars error).
    Table {
        /// The table's name.
        table: String,
        /// What went wrong.
        message: String,
    },
    /// A table could not be encoded as Parquet.
    Parquet {
        /// The table's name.
        table: String,
        /// What went wrong.
        message: String,
    },
    /// The workbook could not be built.
    Workbook {
        /// What went wrong (rust_xlsxwriter's message).
        message: String,
    },
    /// A chart could not be drawn or encoded.
    Chart {
        /// The chart's name.
        chart: String,
        /// What went wrong.
        source: crate::charts::ChartError,
    },
    /// Two tables or two charts of one report have the same name (file names would clash).
    DuplicateName {
        /// The name used twice.
        name: String,
    },
    /// `--compare-to` names a scenario that is not in the report.
    UnknownScenario {
        /// The id given.
        id: String,
        /// The scenarios of the report.
        known: Vec<String>,
        /// The nearest ids.
        suggestions: Vec<String>,
    },
    /// Milestone years outside every scenario's model years.
    YearsOutside {
        /// The years that no scenario covers.
        years: Vec<i32>,
        /// The first model year of any scenario.
        first: i32,
        /// The last model year of any scenario.
        last: i32,
    },
    /// A report needs at least one scenario.
    NoScenarios,
    /// Outputs could not be written (a file, or a folder replaced as a whole).
    Output(crate::output::OutputError),
    /// The run's manifest could not be written (an output to hash could not be read).
    Manifest(crate::manifest::ManifestError),
    /// Regions side by side: a GDP that cannot be put on the comparison's basis (a currency
    /// without an exchange rate, price index or parity for the years needed).
    Conversion {
        /// The region.
        region: String,
        /// The GDP driver and its basis, e.g. "`gdp` in EUR (2005 prices)".
        what: String,
        /// lcs-econ's message (names the currency and year).
        message: String,
    },
}

impl From<crate::output::OutputError> for ReportError {
    fn from(e: crate::output::OutputError) -> Self {
        ReportError::Output(e)
    }
}

impl From<crate::manifest::ManifestError> for ReportError {
    fn from(e: crate::manifest::ManifestError) -> Self {
        ReportError::Manifest(e)
    }
}

fn ticks(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::CreateDir { path, source } => {
                write!(f, "cannot create `{}`: {source}", path.display())
            }
            ReportError::Write { path, source } => {
                write!(f, "cannot write `{}`: {source}", path.display())
            }
            ReportError::Read { path, message } => {
                write!(f, "cannot read `{}`: {message}", path.display())
            }
            ReportError::Table { table, message } => {
                write!(f, "cannot build table `{table}`: {message}")
            }
            ReportError::Parquet { table, message } => {
                write!(f, "cannot write table `{table}` as Parquet: {message}")
            }
            ReportError::Workbook { message } => write!(f, "cannot build the workbook: {message}"),
            ReportError::Chart { chart, source } => write!(f, "chart `{chart}`: {source}"),
            ReportError::DuplicateName { name } => write!(
                f,
                "two tables or charts of the report are named `{name}` (their files would clash)"
            ),
            ReportError::UnknownScenario {
                id,
                known,
                suggestions,
            } => {
                write!(
                    f,
                    "`--compare-to {id}`: no scenario `{id}` in this report (scenarios: {})",
                    ticks(known)
                )?;
                if !suggestions.is_empty() {
                    write!(f, "; did you mean {}?", ticks(suggestions))?;
                }
                Ok(())
            }
            ReportError::YearsOutside { years, first, last } => write!(
                f,
                "milestone year{} {} {} outside the model years {first}–{last} of every scenario",
                if years.len() == 1 { "" } else { "s" },
                years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                if years.len() == 1 { "is" } else { "are" },
            ),
            ReportError::NoScenarios => write!(f, "a report needs at least one scenario"),
            ReportError::Output(e) => write!(f, "{e}"),
            ReportError::Manifest(e) => write!(f, "{e}"),
            ReportError::Conversion {
                region,
                what,
                message,
            } => write!(
                f,
                "cannot put the GDP of region `{region}` on the comparison's basis: {what}: {message}"
            ),
        }
    }
}

impl std::error::Error for ReportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReportError::CreateDir { source, .. } | ReportError::Write { source, .. } => {
                Some(source)
            }
            ReportError::Chart { source, .. } => Some(source),
            ReportError::Output(e) => Some(e),
            ReportError::Manifest(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn wrapped_kinds_keep_their_words_and_are_the_source() {
        let e = ReportError::Chart {
            chart: "sectors-bau".into(),
            source: crate::charts::ChartError::Png {
                message: "buffer too small".into(),
            },
        };
        assert_eq!(
            e.to_string(),
            "chart `sectors-bau`: cannot encode the PNG: buffer too small"
        );
        assert_eq!(
            e.source().map(|s| s.to_string()).as_deref(),
            Some("cannot encode the PNG: buffer too small")
        );
        let o = crate::output::OutputError::NotAFolder {
            path: PathBuf::from("out/report"),
        };
        let e: ReportError = o.clone().into();
        assert_eq!(e.to_string(), o.to_string());
        assert_eq!(e.to_string(), "`out/report` exists and is not a folder");
        assert!(e.source().is_some());
    }
}
