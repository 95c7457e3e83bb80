//! Writers: CSV and Parquet per table, IAMC wide CSV, Markdown; dispatch of every format.

use crate::output::{field, file_stem, num, write_atomic};
use crate::tables::{display_number, Cell, Table};
use crate::{Format, Report};
use polars::prelude::{ParquetCompression, ParquetWriter};
use std::path::{Path, PathBuf};

/// Writes every requested format; charts (SVG and PNG) are always written.
pub(crate) fn all(report: &Report, dir: &Path, formats: &[Format]) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    let mut put = |path: PathBuf, bytes: &[u8]| -> Result<(), String> {
        write_atomic(&path, bytes)?;
        written.push(path);
        Ok(())
    };
    for f in Format::ALL {
        if !formats.contains(&f) {
            continue;
        }
        match f {
            Format::Xlsx => put(dir.join("report.xlsx"), &crate::xlsx::workbook(report)?)?,
            Format::Csv => {
                for t in report.tables.iter() {
                    put(
                        dir.join("csv").join(format!("{}.csv", file_stem(t.name))),
                        csv(t).as_bytes(),
                    )?;
                }
            }
            Format::Parquet => {
                for t in report.tables.iter().chain([&report.iamc]) {
                    put(
                        dir.join("parquet")
                            .join(format!("{}.parquet", file_stem(t.name))),
                        &parquet(t)?,
                    )?;
                }
            }
            Format::Iamc => put(dir.join("iamc.csv"), csv(&report.iamc).as_bytes())?,
            Format::Html => put(
                dir.join("report.html"),
                crate::html::page(report).as_bytes(),
            )?,
            Format::Md => put(
                dir.join("report.md"),
                markdown(report, &report.tables).as_bytes(),
            )?,
        }
    }
    for c in &report.charts {
        put(
            dir.join("charts")
                .join(format!("{}.svg", file_stem(&c.name))),
            c.svg.as_bytes(),
        )?;
        put(
            dir.join("charts")
                .join(format!("{}.png", file_stem(&c.name))),
            &c.png,
        )?;
    }
    Ok(written)
}

fn csv_cell(c: Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) => field(&s),
        Cell::Number(v) => num(Some(v)),
        Cell::Int(v) => v.to_string(),
        Cell::Bool(b) => b.to_string(),
    }
}

/// A table as CSV: a header row, then one line per row; numbers as the shortest text that
/// reads back to the same value.
pub(crate) fn csv(t: &Table) -> String {
    let header = t.header();
    let mut s = header
        .iter()
        .map(|h| field(h))
        .collect::<Vec<_>>()
        .join(",");
    s.push('\n');
    for r in 0..t.height() {
        let line: Vec<String> = (0..header.len()).map(|c| csv_cell(t.cell(r, c))).collect();
        s.push_str(&line.join(","));
        s.push('\n');
    }
    s
}

/// A table as Parquet (zstd), via polars.
pub(crate) fn parquet(t: &Table) -> Result<Vec<u8>, String> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut df = t.df.clone();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)
        .map_err(|e| format!("cannot write table `{}` as Parquet: {e}", t.name))?;
    Ok(buf.into_inner())
}

/// A cell as display text (tables in Markdown, HTML and the terminal).
pub(crate) fn display_cell(t: &Table, r: usize, c: usize) -> String {
    match t.cell(r, c) {
        Cell::Empty => String::new(),
        Cell::Text(s) => s,
        Cell::Number(v) => display_number(v, t.is_percent(c)),
        Cell::Int(v) => v.to_string(),
        Cell::Bool(b) => if b { "yes" } else { "no" }.to_string(),
    }
}

/// Whether a column is numeric (right-aligned).
pub(crate) fn is_numeric(t: &Table, c: usize) -> bool {
    t.df.columns()[c].dtype().is_primitive_numeric()
}

/// Tables as Markdown: a heading with the title, the note, a pipe table.
pub(crate) fn markdown(report: &Report, tables: &[Table]) -> String {
    let mut s = String::new();
    if !report.scenarios.is_empty() {
        s.push_str(&format!(
            "# Report: {}\n\n",
            md_text(&report.scenarios.join(", "))
        ));
    }
    for t in tables {
        s.push_str(&markdown_table(t));
        s.push('\n');
    }
    for n in &report.notes {
        s.push_str(&format!("Note: {}\n", md_text(n)));
    }
    s
}

/// Text for a Markdown file: HTML special characters escaped (Markdown renders raw HTML,
/// so a name `<script>` would run), line breaks and tabs as spaces (a newline in a name
/// would end its table row), and `|` escaped (it would split a cell).
pub(crate) fn md_text(x: &str) -> String {
    let mut s = String::with_capacity(x.len());
    for c in x.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '|' => s.push_str("\\|"),
            '\n' | '\r' | '\t' => s.push(' '),
            c => s.push(c),
        }
    }
    s
}

/// One table as Markdown.
pub(crate) fn markdown_table(t: &Table) -> String {
    let esc = md_text;
    let header = t.header();
    let mut s = format!("## {}\n\n{}\n\n", md_text(&t.title), md_text(&t.note));
    s.push_str(&format!(
        "| {} |\n",
        header
            .iter()
            .map(|h| esc(h))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    s.push_str(&format!(
        "|{}|\n",
        (0..header.len())
            .map(|c| if is_numeric(t, c) { "---:" } else { "---" })
            .collect::<Vec<_>>()
            .join("|")
    ));
    for r in 0..t.height() {
        let cells: Vec<String> = (0..header.len())
            .map(|c| esc(&display_cell(t, r, c)))
            .collect();
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    s
}
