//! The Excel workbook: one formatted sheet per table, in document order (title, note,
//! bold header, frozen header and label columns, number formats, bold totals, column
//! widths), each set up for print (A4, landscape for wide tables, fit to one page wide,
//! the header row repeated on every page, a print area, page numbers) with its native
//! chart (rust_xlsxwriter's chart API) beside it: right of a narrow table, below a wide
//! one. A last `data` sheet holds every result in IAMC wide form, which
//! `pyam.IamDataFrame` reads. The creation date is fixed, so the same inputs give the
//! same bytes.

use crate::html::is_wide;
use crate::tables::{Cell, SheetChartKind, SheetSeries, Table};
use crate::write::display_cell;
use crate::{Report, ReportError};
use rust_xlsxwriter::{
    Chart, ChartLegendPosition, ChartType, Color, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// First row of data on a plan sheet (0-based): title, note, blank, header.
pub const HEADER_ROW: u32 = 3;
/// A4 in Excel's paper size codes.
const A4: u8 = 9;
/// Rows a chart below a table takes (20 px rows, 400 px chart), plus a gap.
const CHART_ROWS: u32 = 22;
/// Columns a chart right of a table takes (64 px columns, 720 px chart), plus a gap.
const CHART_COLS: u16 = 12;

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

/// The sheet's name: the table's, cut to Excel's 31 characters.
fn sheet_name(t: &Table) -> String {
    t.name.chars().take(31).collect()
}

fn native_chart(t: &Table, sheet: &str) -> Option<Chart> {
    let spec = t.chart.as_ref()?;
    let r0 = HEADER_ROW + 1;
    let mut chart = Chart::new(match spec.kind {
        SheetChartKind::Line => ChartType::Line,
        SheetChartKind::StackedColumn => ChartType::ColumnStacked,
    });
    match &spec.series {
        SheetSeries::Rows {
            rows,
            name_col,
            cols,
        } => {
            if cols.is_empty() {
                return None;
            }
            for &r in rows {
                chart
                    .add_series()
                    .set_name((sheet, r0 + r as u32, *name_col as u16))
                    .set_categories((
                        sheet,
                        HEADER_ROW,
                        cols.start as u16,
                        HEADER_ROW,
                        (cols.end - 1) as u16,
                    ))
                    .set_values((
                        sheet,
                        r0 + r as u32,
                        cols.start as u16,
                        r0 + r as u32,
                        (cols.end - 1) as u16,
                    ));
            }
        }
        SheetSeries::Columns {
            cols,
            category_col,
            rows,
        } => {
            if rows.is_empty() {
                return None;
            }
            let (a, b) = (r0 + rows.start as u32, r0 + rows.end as u32 - 1);
            for &c in cols {
                chart
                    .add_series()
                    .set_name((sheet, HEADER_ROW, c as u16))
                    .set_categories((sheet, a, *category_col as u16, b, *category_col as u16))
                    .set_values((sheet, a, c as u16, b, c as u16));
            }
        }
    }
    chart.title().set_name(&spec.title);
    chart.y_axis().set_name(&spec.y_title);
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(720).set_height(400);
    Some(chart)
}

fn sheet(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    let name = sheet_name(t);
    ws.set_name(&name)?;
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
    let head_num = head.clone().set_align(FormatAlign::Right);
    let text = Format::new().set_align(FormatAlign::Top);
    ws.write_string_with_format(0, 0, &t.title, &title)?;
    ws.write_string_with_format(1, 0, &t.note, &note)?;
    let header = t.header();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count().min(16)).collect();
    for (c, h) in header.iter().enumerate() {
        let f = if t.is_numeric(c) { &head_num } else { &head };
        ws.write_string_with_format(HEADER_ROW, c as u16, h, f)?;
    }
    for r in 0..t.height() {
        let row = HEADER_ROW + 1 + r as u32;
        let bold = t.bold_rows.contains(&r);
        let style = |f: Format| {
            if bold {
                f.set_bold().set_border_top(FormatBorder::Thin)
            } else {
                f
            }
        };
        for (c, w) in widths.iter_mut().enumerate() {
            let col = c as u16;
            match t.cell(r, c) {
                Cell::Empty => {
                    if bold {
                        ws.write_blank(row, col, &style(Format::new()))?;
                    }
                }
                Cell::Text(s) => {
                    ws.write_string_with_format(row, col, &s, &style(text.clone()))?;
                }
                Cell::Number(v) => {
                    let f = Format::new().set_num_format(number_format(v, t.is_percent(r, c)));
                    ws.write_number_with_format(row, col, v, &style(f))?;
                }
                Cell::Int(v) => {
                    ws.write_number_with_format(
                        row,
                        col,
                        v as f64,
                        &style(Format::new().set_num_format("0")),
                    )?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean_with_format(row, col, b, &style(Format::new()))?;
                }
            }
            *w = (*w).max(display_cell(t, r, c).chars().count());
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(8.0, 60.0))?;
    }
    ws.set_row_height(HEADER_ROW, 32)?;
    let labels = t.label_columns().min(2) as u16;
    ws.set_freeze_panes(HEADER_ROW + 1, labels)?;
    // Print: A4, fit to one page wide (as many pages tall as needed), header row on every
    // page, page numbers; the print area holds the table and its chart.
    ws.set_paper_size(A4);
    if is_wide(t) {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_footer("&L&A&RPage &P of &N");
    let last_row = HEADER_ROW + t.height() as u32;
    let last_col = (header.len().max(1) - 1) as u16;
    let (mut area_row, mut area_col) = (last_row, last_col);
    if let Some(chart) = native_chart(t, &name) {
        if header.len() <= 6 {
            let col = header.len() as u16 + 1;
            ws.insert_chart(HEADER_ROW, col, &chart)?;
            area_col = col + CHART_COLS;
            area_row = area_row.max(HEADER_ROW + CHART_ROWS);
        } else {
            ws.insert_chart(last_row + 2, 0, &chart)?;
            area_row = last_row + 2 + CHART_ROWS;
            area_col = area_col.max(CHART_COLS);
        }
    }
    ws.set_print_area(0, 0, area_row, area_col)?;
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
    ws.set_paper_size(A4);
    ws.set_landscape();
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// The workbook as bytes.
pub fn workbook(report: &Report) -> Result<Vec<u8>, ReportError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let props = DocProperties::new()
            .set_title(&report.title)
            .set_author(crate::tool_name())
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?);
        wb.set_properties(&props);
        for t in report.tables() {
            sheet(wb.add_worksheet(), t)?;
        }
        data_sheet(wb.add_worksheet(), &report.iamc)?;
        wb.save_to_buffer()
    };
    build().map_err(|e| ReportError::Workbook {
        message: e.to_string(),
    })
}
