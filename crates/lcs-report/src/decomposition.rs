//! Decomposition of a change in emissions (lcs-decompose): the `effect,sector,value,unit`
//! CSV of `lcs decompose`, the report's decomposition section (a table and a waterfall chart
//! per decomposition: start total, one floating column per effect, end total). Nothing is
//! recomputed here: the values are lcs-decompose's.

use crate::charts::{render, Chart};
use crate::output::{field, num};
use crate::tables::{Table, TableBuilder};
use crate::waterfall::Waterfall;
use crate::{Report, ReportError, Section};
use lcs_decompose::{Decomposition, Effect, UNIT};

/// The output of `lcs decompose`: `effect,sector,value,unit`, one row per effect and sector
/// plus each effect's `Total` row, then the `change` rows (lcs_decompose::Decomposition::rows).
pub fn csv(d: &Decomposition) -> String {
    let mut s = String::from("effect,sector,value,unit\n");
    for r in d.rows() {
        s.push_str(&format!(
            "{},{},{},{}\n",
            r.effect,
            field(&r.sector),
            num(Some(r.value_kt)),
            field(UNIT)
        ));
    }
    s
}

/// A label for a decomposition: `bau 2005 → bau 2025`, with the regions when they differ
/// (`iskandar.bau 2025 → kitakyushu.bau 2025`).
pub fn label(d: &Decomposition) -> String {
    if d.from.region == d.to.region {
        format!("{} → {}", d.from, d.to)
    } else {
        format!("{}.{} → {}.{}", d.from.region, d.from, d.to.region, d.to)
    }
}

/// The chart's file stem: `decomposition-<region>-<scenario>-<year>-<scenario>-<year>`
/// (both regions when they differ).
fn chart_name(d: &Decomposition) -> String {
    let to = if d.from.region == d.to.region {
        format!("{}-{}", d.to.scenario, d.to.year)
    } else {
        format!("{}-{}-{}", d.to.region, d.to.scenario, d.to.year)
    };
    format!(
        "decomposition-{}-{}-{}-{to}",
        d.from.region, d.from.scenario, d.from.year
    )
}

/// The decomposition table of a report: one row per decomposition, effect and sector
/// (`Total` included), in kt CO2e per year.
pub fn table(ds: &[Decomposition]) -> Result<Table, ReportError> {
    let mut b = TableBuilder::new();
    let cr = b.text("region");
    let cf = b.text("from");
    let ct = b.text("to");
    let ce = b.text("effect");
    let cs = b.text("sector");
    let cv = b.number(&format!("value [{UNIT}]"));
    for d in ds {
        let region = if d.from.region == d.to.region {
            d.from.region.clone()
        } else {
            format!("{} → {}", d.from.region, d.to.region)
        };
        for r in d.rows() {
            b.push_text(cr, &region);
            b.push_text(cf, d.from.to_string());
            b.push_text(ct, d.to.to_string());
            b.push_text(ce, r.effect);
            b.push_text(cs, &r.sector);
            b.push_number(cv, Some(r.value_kt));
            if r.sector == lcs_decompose::TOTAL {
                b.bold_last_row();
            }
        }
    }
    b.finish(
        "decomposition",
        "Decomposition of the change in emissions (LMDI-I)",
        "Additive LMDI-I (docs/DECOMPOSITION.md): for each sector and in total, the effects of activity, structure, energy intensity, fuel mix, emission factor and grid factor sum to the change (`change` rows).",
    )
}

/// The waterfall chart of one decomposition at `dpi`: the start total, each effect as a
/// floating column from the running sum, the end total.
pub fn waterfall(d: &Decomposition, dpi: u32) -> Result<Chart, ReportError> {
    let t = d.total();
    let w = Waterfall {
        name: chart_name(d),
        title: if d.from.region == d.to.region {
            format!("What changed emissions in {}, {}", d.from.region, label(d))
        } else {
            format!("What changed emissions, {}", label(d))
        },
        y_label: format!("Emissions ({UNIT})"),
        start: (d.from.to_string(), t.start_kt),
        steps: Effect::ALL
            .iter()
            .map(|e| (e.label().to_string(), t.effect(*e)))
            .collect(),
        end: (d.to.to_string(), t.end_kt),
        legend_notes: vec!["additive LMDI-I: the effects sum to the change".into()],
    };
    render(&w, dpi)
}

impl Report {
    /// Adds decompositions to the report (`lcs report --decompose`): a `decomposition`
    /// section with the table and one waterfall chart each.
    pub fn add_decompositions(
        &mut self,
        ds: &[Decomposition],
        dpi: u32,
    ) -> Result<(), ReportError> {
        if ds.is_empty() {
            return Ok(());
        }
        let mut section = Section::new("decomposition", "What changed emissions").table(table(ds)?);
        for d in ds {
            section = section.chart(waterfall(d, dpi)?);
        }
        self.push_section(section)
    }
}
