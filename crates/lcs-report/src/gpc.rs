//! The GPC table (Global Protocol for Community-Scale Greenhouse Gas Inventories v1.1;
//! docs/EXTENSIONS.md, "GPC reporting"): a scenario's emissions by GPC sub-sector (sectors
//! I–V) and scope, with BASIC and BASIC+ totals and notation keys (NO, NE, IE, C) in empty
//! cells.
//!
//! Each part of the engine's emissions ([`lcs_engine::emission_parts`]) goes to one cell:
//! the model's own mapping first (`report.gpc.map`: a demand node and the leaves below it,
//! a source, a waste process), else the default of `data/gpc/mapping.csv` (by IPCC
//! combustion category, waste process, source form, source sector). A leaf's fuel
//! combustion is scope 1 of its sub-sector, its grid electricity scope 2 and the T&D part
//! of that electricity scope 3; waste and sources are scope 1; power stations in the region
//! are the I.4.4 memo line (scope 1, in no total). A part that no mapping covers is shown
//! on a row of its own, so the rows always add up to the inventory total per scope:
//!
//! ```text
//! Σ_rows scope_k(row) (memo row left out) = Σ parts of scope k        k = 1, 2, 3
//! BASIC = Σ cells of level BASIC;  BASIC+ = BASIC + Σ cells of level BASIC+
//! ```
//!
//! Units: kt CO2e per year (the engine's parts are t CO2e).

use crate::{ReportError, Section, TableBuilder};
use lcs_engine::{EmissionPart, Part};
use lcs_factors::gpc::{default_mapping, subsectors, Level};
use lcs_model::{GpcItem, Model};

/// The row of parts no mapping covers.
pub const UNMAPPED: &str = "unmapped";

/// The cell of one part: (sub-sector id, scope 1–3), or `None` when nothing maps it.
pub fn cell_of(model: &Model, part: &Part) -> Option<(String, u8)> {
    let own = |pred: &dyn Fn(&GpcItem) -> Option<usize>| -> Option<String> {
        // The most specific of the model's entries (the longest node path).
        model
            .gpc
            .iter()
            .flat_map(|g| &g.map)
            .filter_map(|(item, g)| pred(item).map(|rank| (rank, g)))
            .max_by_key(|(rank, _)| *rank)
            .map(|(_, g)| g.clone())
    };
    let leaf = |path: &str| {
        own(&|item| match item {
            GpcItem::Node(i) => {
                let p = &model.nodes[*i].path;
                (path == p || path.starts_with(&format!("{p}/"))).then_some(p.len())
            }
            _ => None,
        })
    };
    let by_category = |path: &str, category: &Option<lcs_factors::Category>| {
        leaf(path).or_else(|| {
            category
                .and_then(|c| default_mapping("category", c.name()))
                .map(|(g, _)| g.to_string())
        })
    };
    match part {
        Part::Combustion { path, category } => by_category(path, category).map(|g| (g, 1)),
        Part::Electricity { path, category } => by_category(path, category).map(|g| (g, 2)),
        Part::Losses { path, category } => by_category(path, category).map(|g| (g, 3)),
        Part::Waste { process } => own(&|item| match item {
            GpcItem::Waste(w) if w == process => Some(0),
            _ => None,
        })
        .map(|g| (g, 1))
        .or_else(|| default_mapping("waste", process).map(|(g, s)| (g.to_string(), s))),
        Part::Source {
            index,
            sector,
            form,
            ..
        } => own(&|item| match item {
            GpcItem::Source(i) if i == index => Some(0),
            _ => None,
        })
        .map(|g| (g, 1))
        .or_else(|| {
            (*form != "factors")
                .then(|| default_mapping("form", form))
                .flatten()
                .or_else(|| default_mapping("sector", sector))
                .map(|(g, s)| (g.to_string(), s))
        }),
        Part::GridGeneration { .. } => {
            default_mapping("memo", "grid_generation").map(|(g, s)| (g.to_string(), s))
        }
    }
}

/// One row of a GPC inventory in one year.
#[derive(Clone, Debug, PartialEq)]
pub struct GpcRow {
    /// Sub-sector id (`I.1`), or [`UNMAPPED`].
    pub id: String,
    /// Sector (`I Stationary energy`).
    pub sector: String,
    /// Sub-sector name.
    pub name: String,
    /// Reporting level of scopes 1–3.
    pub levels: [Level; 3],
    /// kt CO2e of scopes 1–3; `None` where no part maps to the cell.
    pub scopes: [Option<f64>; 3],
    /// Notation keys of the empty applicable cells: (scope, key).
    pub keys: Vec<(u8, String)>,
}

impl GpcRow {
    /// kt CO2e of the row in BASIC, and in BASIC+.
    pub fn totals(&self) -> (f64, f64) {
        let mut basic = 0.0;
        let mut plus = 0.0;
        for (v, l) in self.scopes.iter().zip(self.levels) {
            let v = v.unwrap_or(0.0);
            match l {
                Level::Basic => {
                    basic += v;
                    plus += v;
                }
                Level::BasicPlus => plus += v,
                Level::Memo | Level::NotApplicable => {}
            }
        }
        (basic, plus)
    }
}

/// The GPC inventory of `parts` in year index `y`: one row per sub-sector of
/// `data/gpc/subsectors.csv`, then [`UNMAPPED`] if some part has no cell.
pub fn inventory(model: &Model, parts: &[EmissionPart], y: usize) -> Vec<GpcRow> {
    let mut rows: Vec<GpcRow> = subsectors()
        .iter()
        .map(|s| GpcRow {
            id: s.id.clone(),
            sector: s.sector.clone(),
            name: s.name.clone(),
            levels: s.levels,
            scopes: [None; 3],
            keys: Vec::new(),
        })
        .collect();
    let mut unmapped = GpcRow {
        id: UNMAPPED.into(),
        sector: String::new(),
        name: "Not mapped to a GPC sub-sector (report.gpc.map)".into(),
        levels: [Level::NotApplicable; 3],
        scopes: [None; 3],
        keys: Vec::new(),
    };
    for p in parts {
        let v = p.co2e_t.get(y).copied().unwrap_or(0.0) * 1e-3;
        let (row, scope) = match cell_of(model, &p.part) {
            Some((g, s)) => match rows.iter_mut().find(|r| r.id == g) {
                Some(r) => (r, s),
                None => (&mut unmapped, s),
            },
            None => {
                let s = match p.part {
                    Part::Electricity { .. } => 2,
                    Part::Losses { .. } => 3,
                    _ => 1,
                };
                (&mut unmapped, s)
            }
        };
        // A leaf without fuel of a kind gives a part of 0: not a reason to fill a cell.
        let zero_leaf = v == 0.0
            && matches!(
                p.part,
                Part::Combustion { .. } | Part::Electricity { .. } | Part::Losses { .. }
            );
        if zero_leaf {
            continue;
        }
        let cell = &mut row.scopes[(scope - 1) as usize];
        *cell = Some(cell.unwrap_or(0.0) + v);
    }
    for r in rows.iter_mut() {
        for k in 0..3 {
            let applicable = !matches!(r.levels[k], Level::NotApplicable);
            if applicable && r.scopes[k].is_none() {
                let scope = (k + 1) as u8;
                let notation = model.gpc.iter().flat_map(|g| &g.notation);
                let key = notation
                    .clone()
                    .find(|(id, s, _)| *id == r.id && *s == Some(scope))
                    .or_else(|| {
                        notation
                            .clone()
                            .find(|(id, s, _)| *id == r.id && s.is_none())
                    })
                    .map(|(_, _, key)| key.clone())
                    .unwrap_or_else(|| "NE".into());
                r.keys.push((scope, key));
            }
        }
    }
    if unmapped.scopes.iter().any(Option::is_some) {
        rows.push(unmapped);
    }
    rows
}

/// The GPC section of a scenario's report: one long table `gpc-<scenario>` with a block of
/// rows per year (the sub-sectors, then the BASIC and BASIC+ totals, the memo and what lies
/// outside BASIC+).
pub fn section(
    model: &Model,
    scenario: &str,
    parts: &[EmissionPart],
    model_years: &[i32],
    years: &[i32],
) -> Result<Section, ReportError> {
    let mut t = TableBuilder::new();
    let c_year = t.integer("year");
    let c_id = t.text("GPC");
    let c_sector = t.text("sector");
    let c_name = t.text("sub-sector");
    let c_s: [usize; 3] = [
        t.number("scope 1 [kt CO2e]"),
        t.number("scope 2 [kt CO2e]"),
        t.number("scope 3 [kt CO2e]"),
    ];
    let c_basic = t.number("BASIC [kt CO2e]");
    let c_plus = t.number("BASIC+ [kt CO2e]");
    let c_keys = t.text("notation keys");
    let push = |t: &mut TableBuilder,
                year: i32,
                id: &str,
                sector: &str,
                name: &str,
                scopes: [Option<f64>; 3],
                totals: (Option<f64>, Option<f64>),
                keys: &str| {
        t.push_integer(c_year, Some(year));
        t.push_text(c_id, id);
        t.push_text(c_sector, sector);
        t.push_text(c_name, name);
        for k in 0..3 {
            t.push_number(c_s[k], scopes[k]);
        }
        t.push_number(c_basic, totals.0);
        t.push_number(c_plus, totals.1);
        t.push_text(c_keys, keys);
    };
    let mut overridden: Vec<(String, Vec<String>)> = Vec::new();
    for &year in years {
        let Some(y) = model_years.iter().position(|x| *x == year) else {
            continue;
        };
        let rows = inventory(model, parts, y);
        // A key written for one cell (`IV.1.1: NE`) that holds emissions is not shown: said
        // in a note below the table (a key of a whole row applies to its empty cells only).
        for (id, scope, key) in model.gpc.iter().flat_map(|g| &g.notation) {
            let Some(k) = scope else { continue };
            let held = rows
                .iter()
                .find(|r| r.id == *id)
                .and_then(|r| r.scopes.get(usize::from(*k) - 1).copied().flatten());
            if let Some(v) = held {
                let cell = format!("`{id}.{k}: {key}`");
                let at = format!(
                    "{year} ({} kt CO2e)",
                    crate::tables::display_number(v, false)
                );
                match overridden.iter_mut().find(|(c, _)| *c == cell) {
                    Some((_, years)) => years.push(at),
                    None => overridden.push((cell, vec![at])),
                }
            }
        }
        let (mut basic, mut plus, mut memo, mut outside) = (0.0, 0.0, 0.0, 0.0);
        for r in &rows {
            let (b, p) = r.totals();
            basic += b;
            plus += p;
            for k in 0..3 {
                let v = r.scopes[k].unwrap_or(0.0);
                // The unmapped row has its own line: `outside` is what a mapping put in a
                // scope its sub-sector does not report.
                match r.levels[k] {
                    Level::Memo => memo += v,
                    Level::NotApplicable if r.id != UNMAPPED => outside += v,
                    _ => {}
                }
            }
            let keys: Vec<String> = r
                .keys
                .iter()
                .map(|(s, k)| format!("scope {s}: {k}"))
                .collect();
            let memo_row = r.levels.contains(&Level::Memo);
            push(
                &mut t,
                year,
                &r.id,
                &r.sector,
                &r.name,
                r.scopes,
                if memo_row {
                    (None, None)
                } else {
                    (Some(b), Some(p))
                },
                &keys.join("; "),
            );
        }
        push(
            &mut t,
            year,
            "BASIC",
            "",
            "BASIC total",
            [None; 3],
            (Some(basic), None),
            "",
        );
        t.bold_last_row();
        push(
            &mut t,
            year,
            "BASIC+",
            "",
            "BASIC+ total",
            [None; 3],
            (None, Some(plus)),
            "",
        );
        t.bold_last_row();
        if outside != 0.0 {
            push(
                &mut t,
                year,
                "outside",
                "",
                "In cells outside BASIC+ (a mapping to a scope the sub-sector does not report)",
                [Some(outside), None, None],
                (None, None),
                "",
            );
        }
        push(
            &mut t,
            year,
            "memo",
            "",
            "Memo: energy generation supplied to the grid (I.4.4), in no total",
            [Some(memo), None, None],
            (None, None),
            "",
        );
    }
    let note = "kt CO2e, GWP of the model. Scope 1: emissions inside the boundary; scope 2: grid electricity used; scope 3: T&D losses of that electricity. BASIC: scopes 1 and 2 of stationary energy and transport and scopes 1 and 3 of waste; BASIC+ adds IPPU, AFOLU and scope 3 of energy and transport (GPC v1.1). Empty cells carry a notation key: NO not occurring, NE not estimated, IE included elsewhere, C confidential (report.gpc.notation; NE when the model gives none). Mapping: report.gpc.map of the model, then data/gpc/mapping.csv.";
    let table = t.finish(
        &format!("gpc-{scenario}"),
        &format!("GPC inventory, {scenario}"),
        note,
    )?;
    let mut section = Section::new(
        &format!("gpc-{scenario}"),
        &format!("GPC inventory: {scenario}"),
    )
    .table(table);
    for (cell, years) in overridden {
        section = section.note(format!(
            "report.gpc.notation gives {cell}, but that cell holds emissions in {}: the key is not shown (notation keys are for empty cells).",
            years.join(", ")
        ));
    }
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let dir = std::env::temp_dir().join(format!("lcs-gpc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let text = r#"
region: { id: r, name: R }
years: { base: 2020, end: 2021 }
gwp: AR5
demand:
  transport:
    category: road
    activity: "1 pkm"
    intensity: "1 GJ/pkm"
    fuels: { diesel: 1.0 }
    children:
      car: { share: 0.5 }
      rail: { share: 0.5, category: offroad }
report:
  gpc:
    map: { demand.transport/rail: II.2 }
    notation: { II.3: NO, II.1.3: IE }
"#;
        std::fs::write(dir.join("model.yaml"), text).expect("write");
        let mut loader = lcs_model::Loader::new();
        let m = loader
            .load_model(&dir.join("model.yaml"))
            .unwrap_or_else(|d| panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)));
        let _ = std::fs::remove_dir_all(&dir);
        m
    }

    fn part(part: Part, t: f64) -> EmissionPart {
        EmissionPart {
            part,
            co2e_t: vec![t, t],
        }
    }

    #[test]
    fn parts_go_to_their_cells_and_rows_add_up_per_scope() {
        let m = model();
        let leaf = |p: &str, c| Part::Combustion {
            path: p.into(),
            category: Some(c),
        };
        use lcs_factors::Category::{Offroad, Road};
        let parts = vec![
            // car: on-road scope 1 (default by category); rail: the model's II.2.
            part(leaf("transport/car", Road), 1000.0),
            part(leaf("transport/rail", Offroad), 200.0),
            part(
                Part::Electricity {
                    path: "transport/car".into(),
                    category: Some(Road),
                },
                300.0,
            ),
            part(
                Part::Losses {
                    path: "transport/car".into(),
                    category: Some(Road),
                },
                30.0,
            ),
            part(
                Part::Waste {
                    process: "landfill",
                },
                400.0,
            ),
            part(
                Part::Source {
                    index: 0,
                    path: "other/thing".into(),
                    sector: "other".into(),
                    form: "factors",
                },
                50.0,
            ),
            part(
                Part::GridGeneration {
                    plant: "coal".into(),
                },
                9000.0,
            ),
        ];
        let rows = inventory(&m, &parts, 0);
        let get = |id: &str| rows.iter().find(|r| r.id == id).expect(id);
        assert_eq!(get("II.1").scopes, [Some(1.0), Some(0.3), Some(0.03)]);
        assert_eq!(get("II.2").scopes, [Some(0.2), None, None]);
        assert_eq!(get("III.1").scopes[0], Some(0.4));
        assert_eq!(get("I.4.4").scopes[0], Some(9.0));
        assert_eq!(get(UNMAPPED).scopes[0], Some(0.05));
        // Notation keys: the model's row key, its cell key, NE otherwise.
        assert!(get("II.3").keys.contains(&(1, "NO".into())));
        assert!(get("II.2").keys.contains(&(3, "NE".into())));
        assert!(
            get("II.5").keys.iter().all(|(s, _)| *s != 3),
            "II.5 has no scope 3"
        );
        // Per scope, the rows (memo left out) add up to the parts of that scope:
        // scope 1: 1.0 + 0.2 + 0.4 + 0.05 = 1.65; scope 2: 0.3; scope 3: 0.03.
        let sum = |k: usize| -> f64 {
            rows.iter()
                .filter(|r| r.levels[0] != Level::Memo)
                .map(|r| r.scopes[k].unwrap_or(0.0))
                .sum()
        };
        assert!((sum(0) - 1.65).abs() < 1e-12);
        assert!((sum(1) - 0.3).abs() < 1e-12);
        assert!((sum(2) - 0.03).abs() < 1e-12);
        // BASIC leaves out the T&D losses (scope 3 of transport, BASIC+) and the unmapped
        // part: 1.0 + 0.2 + 0.3 + 0.4 = 1.9; BASIC+ adds 0.03.
        let basic: f64 = rows.iter().map(|r| r.totals().0).sum();
        let plus: f64 = rows.iter().map(|r| r.totals().1).sum();
        assert!((basic - 1.9).abs() < 1e-12, "{basic}");
        assert!((plus - 1.93).abs() < 1e-12, "{plus}");
    }
}
