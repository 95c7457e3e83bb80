//! Decomposition of a change in emissions (lcs-decompose): the `effect,sector,value,unit`
//! CSV of `lcs decompose`, the report's decomposition table, and a waterfall chart per
//! decomposition (start total, one floating bar per effect, end total). Nothing is
//! recomputed here: the values are lcs-decompose's.

use crate::bars::{self, Bar, BarChart, Segment};
use crate::charts::Chart;
use crate::output::{field, num};
use crate::tables::{display_number, Table};
use crate::Report;
use lcs_decompose::{Decomposition, Effect, UNIT};
use plotters::style::RGBColor;
use polars::prelude::{Column, DataFrame};

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
pub fn table(ds: &[Decomposition]) -> Result<Table, String> {
    let (mut region, mut from, mut to, mut effect, mut sector, mut value) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for d in ds {
        let reg = if d.from.region == d.to.region {
            d.from.region.clone()
        } else {
            format!("{} → {}", d.from.region, d.to.region)
        };
        for r in d.rows() {
            region.push(reg.clone());
            from.push(d.from.to_string());
            to.push(d.to.to_string());
            effect.push(r.effect.to_string());
            sector.push(r.sector);
            value.push(r.value_kt);
        }
    }
    let df = DataFrame::new_infer_height(vec![
        Column::new("region".into(), region),
        Column::new("from".into(), from),
        Column::new("to".into(), to),
        Column::new("effect".into(), effect),
        Column::new("sector".into(), sector),
        Column::new(format!("value [{UNIT}]").as_str().into(), value),
    ])
    .map_err(|e| format!("cannot build table `decomposition`: {e}"))?;
    Ok(Table {
        name: "decomposition",
        title: "Decomposition of the change in emissions (LMDI-I)".into(),
        note: "Additive LMDI-I (docs/DECOMPOSITION.md): for each sector and in total, the effects of activity, structure, energy intensity, fuel mix, emission factor and grid factor sum to the change (`change` rows).".into(),
        df,
    })
}

const START: RGBColor = RGBColor(110, 110, 110);
const UP: RGBColor = RGBColor(214, 39, 40);
const DOWN: RGBColor = RGBColor(44, 160, 44);

/// The waterfall chart of one decomposition: the start total, each effect as a floating
/// bar from the running sum, the end total.
pub fn waterfall(d: &Decomposition) -> Result<Chart, String> {
    let t = d.total();
    let mut bars = vec![Bar {
        category: d.from.to_string(),
        segments: vec![Segment {
            lower: 0.0,
            upper: t.start_kt,
            key: 0,
        }],
        value_label: Some(display_number(t.start_kt, false)),
    }];
    let mut level = t.start_kt;
    for e in Effect::ALL {
        let v = t.effect(e);
        bars.push(Bar {
            category: e.label().to_string(),
            segments: vec![Segment {
                lower: level,
                upper: level + v,
                key: if v > 0.0 { 1 } else { 2 },
            }],
            value_label: Some(format!(
                "{}{}",
                if v > 0.0 { "+" } else { "" },
                display_number(v, false)
            )),
        });
        level += v;
    }
    bars.push(Bar {
        category: d.to.to_string(),
        segments: vec![Segment {
            lower: 0.0,
            upper: t.end_kt,
            key: 0,
        }],
        value_label: Some(display_number(t.end_kt, false)),
    });
    let chart = BarChart {
        name: chart_name(d),
        title: if d.from.region == d.to.region {
            format!("What changed emissions in {}, {}", d.from.region, label(d))
        } else {
            format!("What changed emissions, {}", label(d))
        },
        y_label: format!("Emissions ({UNIT})"),
        bars,
        legend: vec![
            ("emissions".into(), START),
            ("effect raising emissions".into(), UP),
            ("effect lowering emissions".into(), DOWN),
        ],
        notes: vec![
            "additive LMDI-I:".into(),
            "the effects sum to the change".into(),
        ],
    };
    bars::render(&chart)
}

impl Report {
    /// Adds decompositions to the report: the `decomposition` table and one waterfall chart
    /// each (`lcs report --decompose`).
    pub fn add_decompositions(&mut self, ds: &[Decomposition]) -> Result<(), String> {
        if ds.is_empty() {
            return Ok(());
        }
        self.tables.push(table(ds)?);
        for d in ds {
            self.charts.push(waterfall(d)?);
        }
        Ok(())
    }
}
