//! The data-quality section (issue 17, issue 10): every base-year input of each model with
//! its flag and its source, in every format of the report (HTML, Markdown, CSV, the
//! workbook) through [`crate::Report::push_section`].
//!
//! The inputs are `lcs_engine::inputs` of one scenario per model (base values, before
//! measures). The flag of an input read from a data file is its row's `status`
//! (`SOURCED` → sourced, `DERIVED` → derived, `ASSUMPTION` → assumed, anything else or
//! nothing → unflagged); an input written in the YAML file is "inline, no source".

use crate::{ReportError, Section, TableBuilder};
use lcs_engine::Input;

/// The data-quality flag of an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// A data-file row with status `SOURCED`.
    Sourced,
    /// A data-file row with status `DERIVED`.
    Derived,
    /// A data-file row with status `ASSUMPTION`.
    Assumed,
    /// A data-file row without a known status.
    Unflagged,
    /// Written in the YAML file.
    Inline,
}

impl Flag {
    /// The flag of an input: the weakest of its data rows' statuses (assumed below derived
    /// below sourced), or inline.
    pub fn of(input: &Input) -> Flag {
        if input.data.is_empty() {
            return Flag::Inline;
        }
        let rank = |f: Flag| match f {
            Flag::Sourced => 3,
            Flag::Derived => 2,
            Flag::Assumed => 1,
            _ => 0,
        };
        input
            .data
            .iter()
            .map(
                |d| match d.status.as_deref().map(str::to_ascii_uppercase).as_deref() {
                    Some("SOURCED") => Flag::Sourced,
                    Some("DERIVED") => Flag::Derived,
                    Some("ASSUMPTION") | Some("ASSUMED") => Flag::Assumed,
                    _ => Flag::Unflagged,
                },
            )
            .min_by_key(|f| rank(*f))
            .unwrap_or(Flag::Unflagged)
    }

    /// The flag as shown in tables.
    pub fn label(self) -> &'static str {
        match self {
            Flag::Sourced => "sourced",
            Flag::Derived => "derived",
            Flag::Assumed => "assumed",
            Flag::Unflagged => "data file, no status",
            Flag::Inline => "inline, no source",
        }
    }
}

/// The inputs of one model for the section: the region's label, the base year, and the
/// inputs with the place each is defined (`model.yaml:7:15`) already named.
pub struct ModelInputs<'a> {
    /// Region id (or `region.scenario` label).
    pub region: String,
    /// The base year of the values.
    pub year: i32,
    /// Inputs and where each is defined.
    pub inputs: Vec<(&'a Input, String)>,
}

/// The `data-quality` section: one table `input_quality` (region, input, base-year value,
/// unit, flag, source, where defined) and a note counting the flags.
pub fn section(models: &[ModelInputs]) -> Result<Section, ReportError> {
    let mut t = TableBuilder::new();
    let c_region = t.text("region");
    let c_input = t.text("input");
    let c_year = t.integer("year");
    let c_value = t.number("value");
    let c_unit = t.text("unit");
    let c_flag = t.text("flag");
    let c_source = t.text("source");
    let c_where = t.text("defined at");
    let mut counts = [0usize; 5];
    for m in models {
        for (input, at) in &m.inputs {
            let flag = Flag::of(input);
            counts[flag as usize] += 1;
            let source: Vec<String> = input
                .data
                .iter()
                .map(|d| {
                    // A workbook's row is a row of one sheet: named as `lcs explain` does.
                    format!(
                        "{}{} row {}{}",
                        d.file.file_name().map_or_else(
                            || d.file.display().to_string(),
                            |f| f.to_string_lossy().into_owned()
                        ),
                        d.sheet
                            .as_ref()
                            .map(|s| format!(" sheet {s}"))
                            .unwrap_or_default(),
                        d.row,
                        d.source
                            .as_ref()
                            .map(|s| format!(": {s}"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            t.push_text(c_region, m.region.clone());
            t.push_text(c_input, input.path.clone());
            t.push_integer(c_year, Some(m.year));
            t.push_number(c_value, Some(input.value));
            t.push_text(c_unit, input.unit.clone());
            t.push_text(c_flag, flag.label());
            t.push_text(c_source, source.join("; "));
            t.push_text(c_where, at.clone());
        }
    }
    let table = t.finish(
        "input_quality",
        "Data quality of the base-year inputs",
        "Each input of the model in the base year, before measures: sourced, derived or assumed by the status of its data-file row (data/), or written inline in the YAML file without a source.",
    )?;
    let mut s = Section::new("data-quality", "Data quality");
    s.items.push(crate::Item::Note(format!(
        "{} inputs: {} sourced, {} derived, {} assumed, {} from data files without a status, {} inline without a source.",
        counts.iter().sum::<usize>(),
        counts[Flag::Sourced as usize],
        counts[Flag::Derived as usize],
        counts[Flag::Assumed as usize],
        counts[Flag::Unflagged as usize],
        counts[Flag::Inline as usize],
    )));
    s.items.push(crate::Item::Table(table));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lcs_engine::DataRow;

    fn input(statuses: &[Option<&str>]) -> Input {
        Input {
            path: "drivers.population".into(),
            value: 1.0,
            unit: "person".into(),
            defined_at: None,
            data: statuses
                .iter()
                .map(|s| DataRow {
                    file: "data/town.csv".into(),
                    sheet: None,
                    year: 2020,
                    row: 2,
                    cell: "B2".into(),
                    text: "1".into(),
                    source: Some("census".into()),
                    status: s.map(str::to_string),
                })
                .collect(),
        }
    }

    #[test]
    fn flags_follow_the_weakest_status() {
        assert_eq!(Flag::of(&input(&[])), Flag::Inline);
        assert_eq!(Flag::of(&input(&[Some("SOURCED")])), Flag::Sourced);
        assert_eq!(
            Flag::of(&input(&[Some("SOURCED"), Some("DERIVED")])),
            Flag::Derived
        );
        assert_eq!(
            Flag::of(&input(&[Some("DERIVED"), Some("ASSUMPTION")])),
            Flag::Assumed
        );
        assert_eq!(Flag::of(&input(&[None])), Flag::Unflagged);
    }

    #[test]
    fn section_has_one_row_per_input_and_counts_flags() {
        let a = input(&[Some("SOURCED")]);
        let b = input(&[]);
        let s = section(&[ModelInputs {
            region: "tiny".into(),
            year: 2020,
            inputs: vec![
                (&a, "model.yaml:7:15".into()),
                (&b, "model.yaml:8:3".into()),
            ],
        }])
        .expect("section");
        let crate::Item::Note(note) = &s.items[0] else {
            panic!("note first")
        };
        assert!(note.starts_with("2 inputs: 1 sourced, 0 derived, 0 assumed, 0 from data files without a status, 1 inline"), "{note}");
        let crate::Item::Table(t) = &s.items[1] else {
            panic!("table")
        };
        assert_eq!(t.height(), 2);
        assert_eq!(t.cell(0, 5), crate::tables::Cell::Text("sourced".into()));
        assert_eq!(
            t.cell(0, 6),
            crate::tables::Cell::Text("town.csv row 2: census".into())
        );
        assert_eq!(
            t.cell(1, 5),
            crate::tables::Cell::Text("inline, no source".into())
        );
    }

    #[test]
    fn a_workbook_row_is_named_with_its_sheet() {
        // Found by the held-out review: the source read `stat.xlsx row 4: census`, which
        // row of which sheet being what `lcs explain` says (`stat.xlsx sheet People row 4`).
        let mut a = input(&[Some("SOURCED")]);
        a.data[0].file = "stat.xlsx".into();
        a.data[0].sheet = Some("People".into());
        a.data[0].row = 4;
        let s = section(&[ModelInputs {
            region: "hx".into(),
            year: 2020,
            inputs: vec![(&a, "model.yaml:5:15".into())],
        }])
        .expect("section");
        let crate::Item::Table(t) = &s.items[1] else {
            panic!("table")
        };
        assert_eq!(
            t.cell(0, 6),
            crate::tables::Cell::Text("stat.xlsx sheet People row 4: census".into())
        );
    }
}
