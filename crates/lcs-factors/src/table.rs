//! The embedded data tables' reader: plain comma-separated fields with a header row, no
//! quoting (no field contains a comma), and `source` and `status` columns that must not be
//! empty (every number in `data/` carries its source).
//!
//! Used by this crate for `data/factors/*.csv` and by the crates that embed other tables of
//! `data/` (economics, materials), so that every table is read and checked the same way.

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
    pub fn parse(file: &'static str, text: &'a str, expected: &[&str]) -> Result<Self, String> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, head) = lines.next().ok_or_else(|| format!("{file}: empty file"))?;
        let header: Vec<&str> = head.split(',').map(str::trim).collect();
        if header != expected {
            return Err(format!(
                "{file}: header is `{}`, expected `{}`",
                header.join(","),
                expected.join(",")
            ));
        }
        let mut rows = Vec::new();
        for (n, l) in lines {
            let fields: Vec<&str> = l.split(',').map(str::trim).collect();
            if fields.len() != header.len() {
                return Err(format!(
                    "{file} line {n}: {} fields, expected {}",
                    fields.len(),
                    header.len()
                ));
            }
            rows.push((n, fields));
        }
        let csv = Csv { file, header, rows };
        for row in csv.rows() {
            for col in ["source", "status"] {
                if row.get(col)?.is_empty() {
                    return Err(row.err(&format!("empty `{col}`")));
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
    /// A message located at this row: `file line N: msg`.
    pub fn err(&self, msg: &str) -> String {
        format!("{} line {}: {msg}", self.csv.file, self.line)
    }

    /// The text of column `col`.
    pub fn get(&self, col: &str) -> Result<&'a str, String> {
        let i = self
            .csv
            .header
            .iter()
            .position(|h| *h == col)
            .ok_or_else(|| self.err(&format!("no column `{col}`")))?;
        Ok(self.fields[i])
    }

    /// A finite, non-negative number.
    pub fn num(&self, col: &str) -> Result<f64, String> {
        let s = self.get(col)?;
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
            _ => Err(self.err(&format!("`{col}` is `{s}`, expected a non-negative number"))),
        }
    }
}
