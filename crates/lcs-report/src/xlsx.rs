//! The Excel workbook: one formatted sheet per plan table (title, note, bold header,
//! frozen header and label columns, number formats, column widths) and a `data` sheet in
//! IAMC wide form that `pyam.IamDataFrame` reads. The creation date is fixed, so the same
//! inputs give the same bytes.

use crate::tables::{Cell, Table};
use crate::write::display_cell;
use crate::Report;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

/// First row of data on a plan sheet (0-based): title, note, blank, header.
pub(crate) const HEADER_ROW: u32 = 3;

fn number_format(v: f64, percent: bool) -> &'static str {
    if percent {
        return "+0.0;-0.0;0.0";
    }
    let a = v.abs();
    if a >= 100.0 || a == 0.0 {
        "#,##0"
    } else if a >= 10.0 {
        "#,##0.0"
    } else if a >= 1.0 {
        "0.00"
    } else {
        "0.000"
    }
}

fn sheet(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    ws.set_name(t.name)?;
    let title = Format::new().set_bold().set_font_size(14);
    let note = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x555555));
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xDDE7F0))
        .set_border_bottom(FormatBorder::Thin);
    let text = Format::new().set_align(FormatAlign::Top);
    ws.write_string_with_format(0, 0, &t.title, &title)?;
    ws.write_string_with_format(1, 0, &t.note, &note)?;
    let header = t.header();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count().min(16)).collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, h, &head)?;
    }
    let mut leading_text = 0;
    for c in 0..header.len() {
        if matches!(t.cell(0, c), Cell::Text(_)) || t.height() == 0 {
            leading_text += 1;
        } else {
            break;
        }
    }
    for r in 0..t.height() {
        let row = HEADER_ROW + 1 + r as u32;
        for (c, w) in widths.iter_mut().enumerate() {
            let col = c as u16;
            match t.cell(r, c) {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string_with_format(row, col, &s, &text)?;
                }
                Cell::Number(v) => {
                    let f = Format::new().set_num_format(number_format(v, t.is_percent(c)));
                    ws.write_number_with_format(row, col, v, &f)?;
                }
                Cell::Int(v) => {
                    ws.write_number_with_format(
                        row,
                        col,
                        v as f64,
                        &Format::new().set_num_format("0"),
                    )?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(row, col, b)?;
                }
            }
            *w = (*w).max(display_cell(t, r, c).chars().count());
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(8.0, 60.0))?;
    }
    ws.set_row_height(HEADER_ROW, 32)?;
    ws.set_freeze_panes(HEADER_ROW + 1, leading_text.min(2) as u16)?;
    Ok(())
}

fn data_sheet(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    ws.set_name("data")?;
    let head = Format::new().set_bold();
    let header = t.header();
    for (c, h) in header.iter().enumerate() {
        // Year columns as numbers, the IAMC wide form pyam reads.
        match h.parse::<i32>() {
            Ok(y) => ws.write_number_with_format(0, c as u16, f64::from(y), &head)?,
            Err(_) => ws.write_string_with_format(0, c as u16, h, &head)?,
        };
    }
    for r in 0..t.height() {
        for c in 0..header.len() {
            let (row, col) = (1 + r as u32, c as u16);
            match t.cell(r, c) {
                Cell::Text(s) => {
                    ws.write_string(row, col, &s)?;
                }
                Cell::Number(v) => {
                    ws.write_number(row, col, v)?;
                }
                Cell::Int(v) => {
                    ws.write_number(row, col, v as f64)?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(row, col, b)?;
                }
                Cell::Empty => {}
            }
        }
    }
    for (c, w) in [12.0, 16.0, 12.0, 44.0, 14.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 5)?;
    Ok(())
}

/// The workbook as bytes.
pub(crate) fn workbook(report: &Report) -> Result<Vec<u8>, String> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let props = DocProperties::new()
            .set_title(format!("lcs report: {}", report.scenarios.join(", ")))
            .set_author(crate::tool_name())
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?);
        wb.set_properties(&props);
        for t in &report.tables {
            sheet(wb.add_worksheet(), t)?;
        }
        data_sheet(wb.add_worksheet(), &report.iamc)?;
        wb.save_to_buffer()
    };
    build().map_err(|e| format!("cannot build the workbook: {e}"))
}
