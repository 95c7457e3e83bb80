//! Writers: CSV and Parquet per table, IAMC wide CSV, Markdown; dispatch of every format.
//! Every writer walks the report's sections in order, so a section added by another crate
//! is written like the report's own.

use crate::output::{field, file_stem, num};
use crate::tables::{display_number, Cell, Table};
use crate::{Format, Item, Report, ReportError};
use polars::prelude::{ParquetCompression, ParquetWriter};
use std::path::{Path, PathBuf};

/// Writes every requested format; charts (SVG and PNG) are always written.
pub(crate) fn all(
    report: &Report,
    dir: &Path,
    formats: &[Format],
) -> Result<Vec<PathBuf>, ReportError> {
    let mut written = Vec::new();
    let mut put = |path: PathBuf, bytes: &[u8]| -> Result<(), ReportError> {
        crate::output::write_atomic(&path, bytes)?;
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
                for t in report.tables() {
                    put(
                        dir.join("csv").join(format!("{}.csv", file_stem(&t.name))),
                        csv(t).as_bytes(),
                    )?;
                }
            }
            Format::Parquet => {
                for t in report.tables().chain([&report.iamc]) {
                    put(
                        dir.join("parquet")
                            .join(format!("{}.parquet", file_stem(&t.name))),
                        &parquet(t)?,
                    )?;
                }
            }
            Format::Iamc => put(dir.join("iamc.csv"), csv(&report.iamc).as_bytes())?,
            Format::Html => put(
                dir.join("report.html"),
                crate::html::page(report).as_bytes(),
            )?,
            Format::Md => put(dir.join("report.md"), markdown(report).as_bytes())?,
        }
    }
    for c in report.charts() {
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
pub(crate) fn parquet(t: &Table) -> Result<Vec<u8>, ReportError> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut df = t.df.clone();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)
        .map_err(|e| ReportError::Parquet {
            table: t.name.clone(),
            message: e.to_string(),
        })?;
    Ok(buf.into_inner())
}

/// A cell as display text (tables in Markdown, HTML and the terminal).
pub(crate) fn display_cell(t: &Table, r: usize, c: usize) -> String {
    match t.cell(r, c) {
        Cell::Empty => String::new(),
        Cell::Text(s) => s,
        Cell::Number(v) => display_number(v, t.is_percent(r, c)),
        Cell::Int(v) => v.to_string(),
        Cell::Bool(b) => if b { "yes" } else { "no" }.to_string(),
    }
}

/// The report as Markdown: the title, the scenarios, then each section's items (tables as
/// pipe tables, charts as links to `charts/<name>.png`, notes as paragraphs).
pub(crate) fn markdown(report: &Report) -> String {
    let mut s = format!("# {}\n\n", md_text(&report.title));
    for l in &report.legend {
        s.push_str(&format!("- {}\n", md_text(l)));
    }
    s.push('\n');
    for n in &report.notes {
        s.push_str(&format!("Note: {}\n\n", md_text(n)));
    }
    for sec in &report.sections {
        s.push_str(&format!("## {}\n\n", md_text(&sec.title)));
        for it in &sec.items {
            match it {
                Item::Table(t) => {
                    s.push_str(&markdown_table(t));
                    s.push('\n');
                }
                Item::Chart(c) => {
                    s.push_str(&format!(
                        "![{}](charts/{}.png)\n\n",
                        md_text(&c.title),
                        c.name
                    ));
                }
                Item::Note(n) => s.push_str(&format!("{}\n\n", md_text(n))),
            }
        }
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

/// One table as Markdown: a heading with the title, the note, a pipe table (totals bold).
pub(crate) fn markdown_table(t: &Table) -> String {
    let esc = md_text;
    let header = t.header();
    let mut s = format!("### {}\n\n", md_text(&t.title));
    if !t.note.is_empty() {
        s.push_str(&format!("{}\n\n", md_text(&t.note)));
    }
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
            .map(|c| if t.is_numeric(c) { "---:" } else { "---" })
            .collect::<Vec<_>>()
            .join("|")
    ));
    for r in 0..t.height() {
        let bold = t.bold_rows.contains(&r);
        let cells: Vec<String> = (0..header.len())
            .map(|c| {
                let v = esc(&display_cell(t, r, c));
                if bold && !v.is_empty() {
                    format!("**{v}**")
                } else {
                    v
                }
            })
            .collect();
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    s
}
