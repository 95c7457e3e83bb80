//! Reading and checking a model file (MODEL.md §1.1, §3–§8, §11).
//!
//! [`read_model`] turns a parsed model file into a [`Model`] whose structure is fixed;
//! [`finalize`] runs the checks that depend on the whole model (driver cycles, expression
//! dimensions, inherited intensity and fuels, `A × I` = energy, categories, name clashes).
//! Scenarios apply their overrides between the two.

use crate::datafile::DataFiles;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::read::{describe, get, is_name, join, one_of, Reader, Want};
use crate::source::Span;
use crate::yaml::{Key, Node, NodeKind};
use lcs_factors::gpc::Level;
use lcs_factors::{Category, FuelOverride, FuelTable, GwpSet, PerCategory, WasteType};
use lcs_units::{nearest, Dimension, Species, UnitRegistry};

/// The top-level keys of a model file (the schema lists the same).
pub(crate) const MODEL_KEYS: [&str; 12] = [
    "region",
    "years",
    "gwp",
    "units",
    "drivers",
    "demand",
    "electricity",
    "fuels",
    "waste",
    "wastewater",
    "sources",
    "report",
];

/// The keys of `region:`.
pub(crate) const REGION_KEYS: [&str; 2] = ["id", "name"];
/// The keys of `years:`.
pub(crate) const YEARS_KEYS: [&str; 2] = ["base", "end"];
/// The keys of `units:`.
pub(crate) const UNITS_KEYS: [&str; 1] = ["counts"];
/// The keys of `report:`.
pub(crate) const REPORT_KEYS: [&str; 2] = ["intensity", "gpc"];
/// The keys of `report.gpc`.
pub(crate) const GPC_KEYS: [&str; 2] = ["map", "notation"];
/// The keys of a demand node (any level).
pub(crate) const NODE_KEYS: [&str; 7] = [
    "name",
    "activity",
    "share",
    "intensity",
    "fuels",
    "category",
    "children",
];
/// The keys of a fuel override under `fuels:` (gas keys in any casing, [`Reader::gas_map`]).
pub(crate) const FUEL_KEYS: [&str; 5] = ["name", "CO2", "biogenic", "CH4", "N2O"];
/// The keys of `electricity:`.
pub(crate) const ELECTRICITY_KEYS: [&str; 6] = [
    "losses",
    "grid_factor",
    "mix",
    "local",
    "plants",
    "residual_factor",
];
/// The keys of a plant of `electricity.mix`.
pub(crate) const PLANT_KEYS: [&str; 3] = ["share", "efficiency", "fuel"];
/// The keys of a unit of `electricity.local`.
pub(crate) const LOCAL_UNIT_KEYS: [&str; 3] = ["capacity", "capacity_factor", "generation"];
/// The keys of `waste:`.
pub(crate) const WASTE_KEYS: [&str; 8] = [
    "generation",
    "composition",
    "routes",
    "landfill",
    "incineration",
    "composting",
    "anaerobic_digestion",
    "accepts",
];
/// The keys of `waste.landfill`.
pub(crate) const LANDFILL_KEYS: [&str; 7] =
    ["mcf", "oxidation", "recovery", "doc_f", "f", "k", "history"];
/// The keys of `waste.landfill.history`.
pub(crate) const HISTORY_KEYS: [&str; 2] = ["from", "growth"];
/// The keys of `waste.incineration`.
pub(crate) const INCINERATION_KEYS: [&str; 2] = ["electricity", "capture"];
/// The keys of `waste.composting` (gas keys in any casing).
pub(crate) const COMPOSTING_KEYS: [&str; 2] = ["CH4", "N2O"];
/// The keys of `waste.anaerobic_digestion` (gas keys in any casing).
pub(crate) const DIGESTION_KEYS: [&str; 3] = ["CH4", "N2O", "electricity"];
/// The keys of a source under `sources:`.
pub(crate) const SOURCE_KEYS: [&str; 6] = [
    "name",
    "activity",
    "factors",
    "process",
    "refrigerant",
    "land",
];

/// Reads a model file's root mapping. Problems are returned together.
/// `data` holds the data files that its series name (read by the [`crate::Loader`]).
pub(crate) fn read_model(
    root: &Node,
    data: &DataFiles,
) -> Result<(Model, Reader), Vec<Diagnostic>> {
    let mut r = Reader {
        errors: Vec::new(),
        warnings: Vec::new(),
        units: UnitRegistry::builtin(),
        base_year: 0,
        end_year: 0,
        drivers: Vec::new(),
        bad_drivers: Vec::new(),
        data: data.clone(),
    };
    let Some(items) = r.map(root, "", &MODEL_KEYS) else {
        return Err(r.errors);
    };
    // region
    let (mut region_id, mut region_name) = (String::new(), String::new());
    if let Some(n) = r.req(items, "region", "", root.span) {
        if let Some(ri) = r.map(n, "region", &REGION_KEYS) {
            if let Some(id) = r.req(ri, "id", "region", n.span) {
                region_id = r.id(id, "region.id").unwrap_or_default().to_string();
            }
            region_name = match get(ri, "name") {
                Some(nm) => r.text(nm, "region.name").unwrap_or_default().to_string(),
                None => region_id.clone(),
            };
        }
    }
    // years
    let mut years_ok = false;
    if let Some(n) = r.req(items, "years", "", root.span) {
        if let Some(yi) = r.map(n, "years", &YEARS_KEYS) {
            let b = r
                .req(yi, "base", "years", n.span)
                .and_then(|b| r.year(b, "years.base"));
            let e = r
                .req(yi, "end", "years", n.span)
                .and_then(|e| r.year(e, "years.end"));
            if let (Some(b), Some(e)) = (b, e) {
                if e < b {
                    r.err(
                        Diagnostic::new(
                            n.span,
                            format!("the end year {e} is before the base year {b}"),
                        )
                        .at("years.end")
                        .expected(format!("a year from {b} on")),
                    );
                } else if e - b > 500 {
                    r.err(Diagnostic::new(n.span, "more than 500 model years").at("years"));
                } else {
                    r.base_year = b;
                    r.end_year = e;
                    years_ok = true;
                }
            }
        }
    }
    if !years_ok {
        return Err(r.errors);
    }
    // gwp
    let mut gwp = GwpSet::AR5;
    if let Some(n) = r.req(items, "gwp", "", root.span) {
        if let Some(t) = r.text(n, "gwp") {
            match GwpSet::parse(t) {
                Some(g) => gwp = g,
                None => r.err(
                    Diagnostic::new(n.span, format!("unknown GWP set `{t}`"))
                        .at("gwp")
                        .expected("`AR4`, `AR5` or `AR6`")
                        .suggest(nearest(t, ["AR4", "AR5", "AR6"])),
                ),
            }
        }
    }
    // units
    if let Some(n) = get(items, "units") {
        if let Some(ui) = r.map(n, "units", &UNITS_KEYS) {
            if let Some(c) = get(ui, "counts") {
                if let Some(names) = r.strings(c, "units.counts") {
                    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                    match UnitRegistry::new(&refs) {
                        Ok(u) => r.units = u,
                        Err(e) => r.err(Diagnostic::new(c.span, e.to_string()).at("units.counts")),
                    }
                }
            }
        }
    }
    // drivers
    let mut drivers = Vec::new();
    if let Some(n) = get(items, "drivers") {
        if let Some(di) = r.free_map(n, "drivers", "driver names to series") {
            // Every name is known before any series is read, so expressions may refer to
            // drivers in any order; a driver whose definition fails is remembered as
            // invalid so that its uses do not repeat the error.
            for (k, _) in di {
                if is_name(&k.text) {
                    r.drivers.push((k.text.clone(), Dimension::none()));
                }
            }
            for (k, v) in di {
                let p = join("drivers", &k.text);
                if !is_name(&k.text) {
                    r.err(
                        Diagnostic::new(k.span, format!("invalid driver name `{}`", k.text))
                            .at(p)
                            .expected("lower-case letters, digits and `_`, starting with a letter"),
                    );
                    continue;
                }
                let Some(s) = r.series(v, &p, &Want::Any, true) else {
                    r.bad_drivers.push(k.text.clone());
                    continue;
                };
                let (unit_factor, unit_text) = match &s.unit_text {
                    Some(t) => (r.units.parse(t).map(|u| u.factor).unwrap_or(1.0), t.clone()),
                    None => (1.0, "1".to_string()),
                };
                if let Some(d) = r.drivers.iter_mut().find(|(n, _)| *n == k.text) {
                    d.1 = s.dim.clone();
                }
                drivers.push(Driver {
                    name: k.text.clone(),
                    series: s,
                    unit_factor,
                    unit_text,
                    span: k.span,
                });
            }
        }
    }
    let bad = r.bad_drivers.clone();
    r.drivers.retain(|(n, _)| !bad.contains(n));
    // fuels
    let mut fuels = FuelTable::builtin();
    let mut fuel_names = Vec::new();
    if let Some(n) = get(items, "fuels") {
        if let Some(fi) = r.free_map(n, "fuels", "fuel ids to factor overrides") {
            for (k, v) in fi {
                let p = join("fuels", &k.text);
                if !is_name(&k.text) {
                    r.err(Diagnostic::new(k.span, format!("invalid fuel id `{}`", k.text)).at(p));
                    continue;
                }
                if let Some((o, name)) = fuel_override(&mut r, &k.text, v, &p) {
                    // A name alone is not a factor override (so a carrier may have one).
                    let name_only = name.is_some()
                        && o == FuelOverride {
                            id: o.id.clone(),
                            ..Default::default()
                        };
                    if !(name_only && fuels.get(&k.text).is_some()) {
                        if let Err(e) = fuels.apply_override(&o) {
                            r.err(Diagnostic::new(k.span, e.to_string()).at(p.clone()));
                        }
                    }
                    if let Some(n) = name {
                        fuel_names.push((k.text.clone(), n));
                    }
                }
            }
        }
    }
    // demand
    let mut nodes = Vec::new();
    if let Some(n) = get(items, "demand") {
        if let Some(di) = r.free_map(n, "demand", "demand nodes") {
            for (k, v) in di {
                read_node(
                    &mut r, &fuels, &mut nodes, None, &k.text, k.span, v, "demand", None,
                );
            }
        }
    }
    // electricity
    let electricity = get(items, "electricity").and_then(|n| read_electricity(&mut r, &fuels, n));
    // waste
    let waste = get(items, "waste").and_then(|n| read_waste(&mut r, n));
    let wastewater =
        get(items, "wastewater").and_then(|n| crate::wastewater::read_wastewater(&mut r, n));
    // sources
    let mut sources = Vec::new();
    if let Some(n) = get(items, "sources") {
        if let Some(si) = r.free_map(n, "sources", "source paths") {
            for (k, v) in si {
                if let Some(s) = read_source(&mut r, &k.text, k.span, v) {
                    sources.push(s);
                }
            }
        }
    }
    // A source sector `waste` (or `WASTE`) beside the waste row `Waste`: two rows whose
    // names differ only in case, its emissions outside `Emissions|CO2e|Waste`.
    if waste.is_some() || wastewater.is_some() {
        for s in &sources {
            if s.sector != "Waste" && s.sector.eq_ignore_ascii_case("waste") {
                r.err(
                    Diagnostic::warning(
                        s.span,
                        "sector-case",
                        format!(
                            "source sector `{}` differs from the waste row `Waste` only in case: it is a row of its own",
                            s.sector
                        ),
                    )
                    .at(join("sources", &s.path))
                    .expected("a sector of its own name (`open_burning/…`), or the waste row's processes (`waste.landfill`, `waste.incineration`, `wastewater`)")
                    .note("results, reports and IAMC tools keep `Emissions|CO2e|Waste` and `Emissions|CO2e|waste` apart; the total counts both once"),
                );
            }
        }
    }
    // report
    let mut report_intensity = Vec::new();
    if let Some(n) = get(items, "report") {
        if let Some(ri) = r.map(n, "report", &REPORT_KEYS) {
            if let Some(i) = get(ri, "intensity") {
                if let NodeKind::Seq(list) = &i.kind {
                    for (j, d) in list.iter().enumerate() {
                        let p = format!("report.intensity[{j}]");
                        let Some(t) = r.text(d, &p) else { continue };
                        match drivers.iter().position(|x: &Driver| x.name == t) {
                            Some(ix) => report_intensity.push(ix),
                            None => {
                                let names: Vec<&str> =
                                    drivers.iter().map(|x| x.name.as_str()).collect();
                                let d = Diagnostic::new(d.span, format!("unknown driver `{t}`"))
                                    .at(p)
                                    .expected(one_of(&names))
                                    .suggest(nearest(t, names));
                                r.err(d);
                            }
                        }
                    }
                } else {
                    r.err(
                        Diagnostic::new(i.span, "expected a list of driver names")
                            .at("report.intensity")
                            .found(describe(i)),
                    );
                }
            }
        }
    }
    let gpc = match get(items, "report").and_then(|n| match &n.kind {
        NodeKind::Map(ri) => get(ri, "gpc"),
        _ => None,
    }) {
        Some(g) => read_gpc(&mut r, g, &nodes, &sources),
        None => None,
    };
    let model = Model {
        region_id,
        region_name,
        base_year: r.base_year,
        end_year: r.end_year,
        gwp,
        units: r.units.clone(),
        drivers,
        driver_order: Vec::new(),
        nodes,
        fuels,
        fuel_names,
        electricity,
        waste,
        wastewater,
        sources,
        report_intensity,
        gpc,
        span: root.span,
    };
    if r.errors.is_empty() {
        Ok((model, r))
    } else {
        Err(r.errors)
    }
}

/// The waste processes a GPC mapping may name (`report.gpc.map.waste.<process>`).
pub(crate) const GPC_WASTE_PROCESSES: [&str; 5] = [
    "landfill",
    "composting",
    "anaerobic_digestion",
    "incineration",
    "wastewater",
];

/// `report.gpc`: the model's own GPC mapping and notation keys (docs/EXTENSIONS.md, "GPC
/// reporting").
fn read_gpc(r: &mut Reader, n: &Node, nodes: &[DemandNode], sources: &[Source]) -> Option<GpcSpec> {
    let items = r.map(n, "report.gpc", &GPC_KEYS)?;
    let ids: Vec<&str> = lcs_factors::gpc::subsectors()
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    let mut spec = GpcSpec::default();
    let subsector = |r: &mut Reader, v: &Node, p: &str| -> Option<String> {
        let t = r.text(v, p)?.to_string();
        if ids.contains(&t.as_str()) {
            return Some(t);
        }
        r.err(
            Diagnostic::new(v.span, format!("unknown GPC sub-sector `{t}`"))
                .at(p)
                .expected(one_of(&ids))
                .suggest(nearest(&t, ids.iter().copied()))
                .note("the GPC sub-sectors are listed in data/gpc/subsectors.csv"),
        );
        None
    };
    if let Some(m) = get(items, "map") {
        for (k, v) in r.free_map(m, "report.gpc.map", "model paths to GPC sub-sectors")? {
            let p = join("report.gpc.map", &k.text);
            let item = if let Some(path) = k.text.strip_prefix("demand.") {
                match nodes.iter().position(|x| x.path == path) {
                    Some(i) => Some(GpcItem::Node(i)),
                    None => {
                        let names: Vec<String> =
                            nodes.iter().map(|x| format!("demand.{}", x.path)).collect();
                        r.err(
                            Diagnostic::new(k.span, format!("unknown demand node `{path}`"))
                                .at(p.clone())
                                .suggest(nearest(&k.text, names.iter().map(String::as_str))),
                        );
                        None
                    }
                }
            } else if let Some(path) = k.text.strip_prefix("sources.") {
                match sources.iter().position(|x| x.path == path) {
                    Some(i) => Some(GpcItem::Source(i)),
                    None => {
                        let names: Vec<String> = sources
                            .iter()
                            .map(|x| format!("sources.{}", x.path))
                            .collect();
                        r.err(
                            Diagnostic::new(k.span, format!("unknown source `{path}`"))
                                .at(p.clone())
                                .suggest(nearest(&k.text, names.iter().map(String::as_str))),
                        );
                        None
                    }
                }
            } else if let Some(w) = k.text.strip_prefix("waste.") {
                if GPC_WASTE_PROCESSES.contains(&w) {
                    Some(GpcItem::Waste(w.to_string()))
                } else {
                    r.err(
                        Diagnostic::new(k.span, format!("unknown waste process `{w}`"))
                            .at(p.clone())
                            .expected(one_of(&GPC_WASTE_PROCESSES))
                            .suggest(nearest(w, GPC_WASTE_PROCESSES)),
                    );
                    None
                }
            } else {
                r.err(
                    Diagnostic::new(
                        k.span,
                        format!("`{}` is not a model path a GPC sub-sector can take", k.text),
                    )
                    .at(p.clone())
                    .expected("`demand.<node path>`, `sources.<source path>` or `waste.<process>`"),
                );
                None
            };
            let Some(g) = subsector(r, v, &p) else {
                continue;
            };
            // I.4.4 is the memo of the region's power stations (`electricity.plants`), in no
            // total: a model quantity mapped there would silently leave BASIC and BASIC+.
            if g == "I.4.4" {
                r.err(
                    Diagnostic::new(
                        v.span,
                        format!(
                            "`{}` cannot be mapped to I.4.4 (energy generation supplied to the grid)",
                            k.text
                        ),
                    )
                    .at(p.clone())
                    .expected("another sub-sector, e.g. `I.4` for the energy industries' own use")
                    .note(
                        "I.4.4 holds only the region's power stations (`electricity.plants`), \
                         a memo in no total; a quantity mapped there would leave BASIC and BASIC+",
                    ),
                );
                continue;
            }
            if let Some(item) = item {
                spec.map.push((item, g));
            }
        }
    }
    if let Some(m) = get(items, "notation") {
        for (k, v) in r.free_map(m, "report.gpc.notation", "GPC cells to notation keys")? {
            let p = join("report.gpc.notation", &k.text);
            // A row (`II.3`, `I.4.4`) or one scope of a row, as a GPC reference number
            // (`II.1.3`: II.1, scope 3).
            let cell = if ids.contains(&k.text.as_str()) {
                Some((k.text.clone(), None))
            } else {
                k.text.rsplit_once('.').and_then(|(row, sc)| {
                    let s: u8 = sc.parse().ok()?;
                    ((1..=3).contains(&s) && ids.contains(&row)).then(|| (row.to_string(), Some(s)))
                })
            };
            let Some((row, scope)) = cell else {
                r.err(
                    Diagnostic::new(k.span, format!("unknown GPC cell `{}`", k.text))
                        .at(p)
                        .expected("a sub-sector (`II.3`) or a sub-sector and scope (`II.1.3`)")
                        .suggest(nearest(&k.text, ids.iter().copied())),
                );
                continue;
            };
            // A cell whose scope does not apply to the sub-sector (a `-` in subsectors.csv).
            let not_applicable = |x: u8| {
                lcs_factors::gpc::subsector(&row)
                    .is_some_and(|sub| sub.levels[(x - 1) as usize] == Level::NotApplicable)
            };
            if let Some(s) = scope.filter(|&s| not_applicable(s)) {
                let valid: Vec<String> = (1..=3u8)
                    .filter(|&x| !not_applicable(x))
                    .map(|x| format!("`{row}.{x}`"))
                    .collect();
                let name = lcs_factors::gpc::subsector(&row).map_or("", |sub| sub.name.as_str());
                r.err(
                    Diagnostic::new(
                        k.span,
                        format!(
                            "scope {s} does not apply to GPC sub-sector {row} ({name}), so the cell `{}` takes no notation key",
                            k.text
                        ),
                    )
                    .at(p)
                    .expected(format!(
                        "`{row}` for the whole row, or one of its scopes: {}",
                        valid.join(", ")
                    ))
                    .note("the scopes of each sub-sector are in data/gpc/subsectors.csv"),
                );
                continue;
            }
            let Some(t) = r.text(v, &p) else { continue };
            if !lcs_factors::gpc::NOTATION_KEYS.contains(&t) {
                r.err(
                    Diagnostic::new(v.span, format!("unknown notation key `{t}`"))
                        .at(p)
                        .expected(one_of(&lcs_factors::gpc::NOTATION_KEYS))
                        .suggest(nearest(t, lcs_factors::gpc::NOTATION_KEYS))
                        .note("NO: not occurring; NE: not estimated; IE: included elsewhere; C: confidential"),
                );
                continue;
            }
            spec.notation.push((row, scope, t.to_string()));
        }
    }
    Some(spec)
}

fn per_category(r: &mut Reader, n: &Node, path: &str) -> Option<PerCategory> {
    match &n.kind {
        NodeKind::Map(_) => {
            let names: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
            let items = r.map(n, path, &names)?;
            let mut out = Vec::new();
            for (k, v) in items {
                if let Some(c) = Category::parse(&k.text) {
                    out.push((c, factor_kg_per_tj(r, v, &join(path, &k.text))?));
                }
            }
            Some(PerCategory::Some(out))
        }
        _ => Some(PerCategory::All(factor_kg_per_tj(r, n, path)?)),
    }
}

/// A combustion factor in kg per TJ: a plain number, or a value with a mass-per-energy unit.
fn factor_kg_per_tj(r: &mut Reader, n: &Node, path: &str) -> Option<f64> {
    let q = r.quantity(n, path)?;
    let v = match &q.unit {
        None => q.value,
        Some(u) if u.dim.without_species() == Dimension::mass().div(&Dimension::energy()) => {
            // base t/GJ → kg/TJ: × 1e3 kg/t × 1e3 GJ/TJ.
            q.value * u.factor * 1e6
        }
        Some(u) => {
            r.err(
                Diagnostic::new(n.span, "expected a factor in kg/TJ")
                    .at(path)
                    .found(format!("{}", u.dim)),
            );
            return None;
        }
    };
    if v < 0.0 {
        r.err(Diagnostic::new(n.span, "a combustion factor cannot be negative").at(path));
        return None;
    }
    Some(v)
}

/// A fuel override and its display name (`name:`, an extension). Gas keys are written
/// `CO2`, `CH4`, `N2O`; the spec's lower-case spelling is read with a warning.
fn fuel_override(
    r: &mut Reader,
    id: &str,
    n: &Node,
    path: &str,
) -> Option<(FuelOverride, Option<String>)> {
    let items = r.gas_map(n, path, &FUEL_KEYS)?;
    let mut name = None;
    let mut o = FuelOverride {
        id: id.to_string(),
        ..Default::default()
    };
    for (key, k, v) in items {
        let kp = join(path, &k.text);
        match key {
            "name" => name = display_name_of(r, v, &kp),
            "CO2" => o.co2_kg_per_tj = Some(factor_kg_per_tj(r, v, &kp)?),
            "biogenic" => o.biogenic = Some(r.boolean(v, &kp)?),
            "CH4" => o.ch4 = Some(per_category(r, v, &kp)?),
            _ => o.n2o = Some(per_category(r, v, &kp)?),
        }
    }
    Some((o, name))
}

/// The optional `name:` of a mapping (a display name for reports; docs/EXTENSIONS.md).
fn display_name(r: &mut Reader, items: &[(crate::yaml::Key, Node)], path: &str) -> Option<String> {
    let n = get(items, "name")?;
    display_name_of(r, n, &join(path, "name"))
}

/// A display name at `path` (`name:`): non-empty text, trimmed.
fn display_name_of(r: &mut Reader, n: &Node, path: &str) -> Option<String> {
    let t = r.text(n, path)?.trim().to_string();
    if t.is_empty() {
        r.err(
            Diagnostic::new(n.span, "a display name cannot be empty")
                .at(path)
                .expected("a name for reports, e.g. `name: Passenger transport`"),
        );
        return None;
    }
    Some(t)
}

/// Reads a share map whose items are named; `resolve` maps a name to its item index or
/// returns the valid names.
pub(crate) fn share_map(
    r: &mut Reader,
    n: &Node,
    path: &str,
    what: &str,
    resolve: &dyn Fn(&str) -> Result<usize, Vec<String>>,
) -> Option<Vec<ShareItem>> {
    let items = r.free_map(n, path, what)?;
    let mut out: Vec<ShareItem> = Vec::new();
    let mut ok = true;
    for (k, v) in items {
        let p = join(path, &k.text);
        let item = match resolve(&k.text) {
            Ok(i) => i,
            Err(valid) => {
                r.err(
                    Diagnostic::new(k.span, format!("unknown {what} `{}`", k.text))
                        .at(p)
                        .expected(one_of(&valid))
                        .suggest(nearest(&k.text, valid.iter().map(String::as_str))),
                );
                ok = false;
                continue;
            }
        };
        match r.fraction(v, &p) {
            Some(s) => out.push(ShareItem { item, share: s }),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    check_sums_to_one(r, &out, n.span, path);
    Some(out)
}

/// Checks that a share map with known values sums to 1 (±1e-9) in every year.
pub(crate) fn check_sums_to_one(r: &mut Reader, items: &[ShareItem], span: Span, path: &str) {
    let n = r.n_years();
    let mut sums = vec![0.0; n];
    for it in items {
        match it.share.values() {
            Some(v) => sums.iter_mut().zip(v).for_each(|(s, x)| *s += x),
            None => return, // checked when evaluated
        }
    }
    if let Some((i, s)) = sums
        .iter()
        .enumerate()
        .find(|(_, s)| (**s - 1.0).abs() > 1e-9)
    {
        r.err(
            Diagnostic::new(
                span,
                format!("the shares sum to {s} in {}, not 1", r.base_year + i as i32),
            )
            .at(path)
            .expected("shares that sum to 1 (±1e-9) in every year"),
        );
    }
}

pub(crate) fn fuel_resolver(fuels: &FuelTable) -> impl Fn(&str) -> Result<usize, Vec<String>> + '_ {
    move |name: &str| {
        fuels
            .index_of(name)
            .ok_or_else(|| fuels.ids().iter().map(|s| s.to_string()).collect())
    }
}

#[allow(clippy::too_many_arguments)]
fn read_node(
    r: &mut Reader,
    fuels: &FuelTable,
    nodes: &mut Vec<DemandNode>,
    parent: Option<usize>,
    name: &str,
    key_span: Span,
    n: &Node,
    parent_key_path: &str,
    parent_dim: Option<&Dimension>,
) {
    let key_path = join(parent_key_path, name);
    let path = match parent {
        Some(p) => format!("{}/{}", nodes[p].path, name),
        None => name.to_string(),
    };
    if name.contains('/') || name.contains('.') || name.is_empty() {
        r.err(
            Diagnostic::new(key_span, format!("invalid node name `{name}`"))
                .at(key_path.clone())
                .expected("a name without `/` or `.`"),
        );
        return;
    }
    let Some(items) = r.map(n, &key_path, &NODE_KEYS) else {
        return;
    };
    let display_name = display_name(r, items, &key_path);
    let (activity, dim) = match (get(items, "activity"), get(items, "share")) {
        (Some(_), Some(s)) => {
            r.err(
                Diagnostic::new(
                    s.span,
                    format!("node `{path}` has both `activity` and `share`"),
                )
                .at(join(&key_path, "share"))
                .expected("either `activity` or `share`"),
            );
            return;
        }
        (Some(a), None) => match r.activity(a, &join(&key_path, "activity")) {
            Some(x) => x,
            None => return,
        },
        (None, Some(s)) => {
            let Some(pd) = parent_dim else {
                r.err(
                    Diagnostic::new(
                        s.span,
                        format!("top-level node `{path}` cannot have a `share`"),
                    )
                    .at(join(&key_path, "share"))
                    .expected("an `activity` on a top-level node"),
                );
                return;
            };
            match r.fraction(s, &join(&key_path, "share")) {
                Some(x) => (Activity::Share(x), pd.clone()),
                None => return,
            }
        }
        (None, None) => match parent_dim {
            Some(pd) => (Activity::Inherit, pd.clone()),
            None => {
                r.err(
                    Diagnostic::new(
                        key_span,
                        format!("top-level node `{path}` needs an `activity`"),
                    )
                    .at(join(&key_path, "activity"))
                    .expected("a driver name, `{ driver, per }`, or a value with a unit"),
                );
                return;
            }
        },
    };
    let intensity = get(items, "intensity").and_then(|i| {
        let ip = join(&key_path, "intensity");
        let s = r.series(i, &ip, &Want::Any, false)?;
        r.non_negative(&s, i.span, &ip, "an intensity").then_some(s)
    });
    let fuel_map = get(items, "fuels").and_then(|f| {
        share_map(
            r,
            f,
            &join(&key_path, "fuels"),
            "fuel",
            &fuel_resolver(fuels),
        )
    });
    let category = get(items, "category").and_then(|c| {
        let t = r.text(c, &join(&key_path, "category"))?;
        match Category::parse(t) {
            Some(c) => Some(c),
            None => {
                let names: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
                r.err(
                    Diagnostic::new(c.span, format!("unknown category `{t}`"))
                        .at(join(&key_path, "category"))
                        .expected(one_of(&names))
                        .suggest(nearest(t, names)),
                );
                None
            }
        }
    });
    let idx = nodes.len();
    nodes.push(DemandNode {
        name: name.to_string(),
        display_name,
        path,
        parent,
        children: Vec::new(),
        activity,
        intensity,
        fuels: fuel_map,
        category,
        span: key_span,
        activity_dim: dim.clone(),
    });
    if let Some(p) = parent {
        nodes[p].children.push(idx);
    }
    if let Some(c) = get(items, "children") {
        let cp = join(&key_path, "children");
        if let Some(ci) = r.free_map(c, &cp, "child nodes") {
            if ci.is_empty() {
                r.err(Diagnostic::new(c.span, "`children` is empty").at(cp.clone()));
            }
            for (k, v) in ci {
                read_node(
                    r,
                    fuels,
                    nodes,
                    Some(idx),
                    &k.text,
                    k.span,
                    v,
                    &cp,
                    Some(&dim),
                );
            }
        }
    }
}

fn read_electricity(r: &mut Reader, fuels: &FuelTable, n: &Node) -> Option<Electricity> {
    let p = "electricity";
    let items = r.map(n, p, &ELECTRICITY_KEYS)?;
    let losses = match get(items, "losses") {
        Some(l) => {
            let s = r.fraction(l, "electricity.losses")?;
            if let Some(v) = s.values() {
                if v.iter().any(|x| *x >= 1.0) {
                    r.err(
                        Diagnostic::new(l.span, "losses must be below 1")
                            .at("electricity.losses")
                            .expected("a share in [0, 1)"),
                    );
                }
            }
            s
        }
        None => r.zero(Dimension::none(), n.span),
    };
    let grid = match (get(items, "grid_factor"), get(items, "mix")) {
        (Some(_), Some(m)) => {
            r.err(
                Diagnostic::new(m.span, "`grid_factor` and `mix` are both given")
                    .at("electricity.mix")
                    .expected("one of `grid_factor` or `mix`"),
            );
            return None;
        }
        (Some(g), None) => {
            let s = r.series(g, "electricity.grid_factor", &Want::Any, false)?;
            match factor_per_energy(r, &s) {
                Ok(sp) => Grid::Factor {
                    factor: s,
                    species: sp,
                },
                Err(found) => {
                    r.err(
                        Diagnostic::new(g.span, "a grid factor needs a mass of a gas per energy")
                            .at("electricity.grid_factor")
                            .expected("a unit such as `t CO2/MWh` or `kg CO2e/kWh`")
                            .found(found.to_string()),
                    );
                    return None;
                }
            }
        }
        (None, Some(m)) => {
            let mi = r.free_map(m, "electricity.mix", "plants")?;
            let mut plants = Vec::new();
            for (k, v) in mi {
                let pp = join("electricity.mix", &k.text);
                let Some(pi) = r.map(v, &pp, &PLANT_KEYS) else {
                    continue;
                };
                let Some(share) = r
                    .req(pi, "share", &pp, v.span)
                    .and_then(|s| r.fraction(s, &join(&pp, "share")))
                else {
                    continue;
                };
                let fuel = match get(pi, "fuel") {
                    None => None,
                    Some(f) => {
                        let Some(t) = r.text(f, &join(&pp, "fuel")) else {
                            continue;
                        };
                        let Some(i) = r.fuel_index(fuels, t, f.span, &join(&pp, "fuel")) else {
                            continue;
                        };
                        Some(i)
                    }
                };
                let efficiency = match get(pi, "efficiency") {
                    None => None,
                    Some(e) => {
                        let Some(x) = read_efficiency(r, e, &join(&pp, "efficiency")) else {
                            continue;
                        };
                        Some(x)
                    }
                };
                if fuel.is_some() && efficiency.is_none() {
                    r.err(
                        Diagnostic::new(
                            v.span,
                            format!("plant `{}` burns a fuel but has no `efficiency`", k.text),
                        )
                        .at(join(&pp, "efficiency")),
                    );
                    continue;
                }
                plants.push(Plant {
                    name: k.text.clone(),
                    share,
                    efficiency,
                    fuel,
                    span: k.span,
                });
            }
            let as_items: Vec<ShareItem> = plants
                .iter()
                .enumerate()
                .map(|(i, p)| ShareItem {
                    item: i,
                    share: p.share.clone(),
                })
                .collect();
            check_sums_to_one(r, &as_items, m.span, "electricity.mix");
            Grid::Mix(plants)
        }
        (None, None) => Grid::None,
    };
    let mut local = Vec::new();
    if let Some(l) = get(items, "local") {
        if let Some(li) = r.free_map(l, "electricity.local", "local units") {
            for (k, v) in li {
                let up = join("electricity.local", &k.text);
                let Some(ui) = r.map(v, &up, &LOCAL_UNIT_KEYS) else {
                    continue;
                };
                let Some(out) = read_output(r, ui, &up, v, "local unit", &k.text) else {
                    continue;
                };
                let unit = LocalUnit {
                    name: k.text.clone(),
                    capacity: out.capacity,
                    capacity_factor: out.capacity_factor,
                    generation: out.generation,
                    span: k.span,
                };
                local.push(unit);
            }
        }
    }
    let plants = match get(items, "plants") {
        Some(p) => crate::inventory::read_plants(r, fuels, p)?,
        None => Vec::new(),
    };
    // One station under both keys is counted twice over: as local generation its output
    // offsets the region's grid supply free of emissions, as a plant it is the I.4.4 memo.
    for p in &plants {
        if local.iter().any(|u| u.name == p.name) {
            r.err(
                Diagnostic::warning(
                    p.span,
                    "plant-also-local",
                    format!(
                        "`{}` is both a local unit (`electricity.local.{0}`) and a power station supplying the grid (`electricity.plants.{0}`)",
                        p.name
                    ),
                )
                .at(join("electricity.plants", &p.name))
                .expected("one of the two: a station that supplies the grid under `plants` (its output reaches consumers through the grid factor), generation used in the region under `local`")
                .note("a local unit's output lowers grid supply and has no emissions of its own, so a fuel-burning station there makes its output emission-free (docs/EXTENSIONS.md, \"Power stations in the region\")"),
            );
        }
    }
    let residual_factor = match get(items, "residual_factor") {
        Some(f) => Some(crate::inventory::read_residual_factor(r, f)?),
        None => None,
    };
    Some(Electricity {
        losses,
        grid,
        local,
        plants,
        residual_factor,
        span: n.span,
    })
}

/// Why a series is not an emission factor per energy ([`factor_per_energy`]); its
/// `Display` is the text of a diagnostic's `found`.
#[derive(Debug)]
pub(crate) enum NotPerEnergy {
    /// A mass of a gas per unit of power (`t CO2/MW`).
    PerPower {
        /// The unit as written.
        unit: String,
    },
    /// Some other dimension.
    Dimension(Dimension),
}

impl std::fmt::Display for NotPerEnergy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotPerEnergy::PerPower { unit } => {
                write!(f, "`{unit}` (per unit of power, not of energy)")
            }
            NotPerEnergy::Dimension(d) => write!(f, "{d}"),
        }
    }
}

/// The gas of an emission factor per energy read as series `s` (`t CO2/MWh`,
/// `kg CO2e/kWh` → CO2, CO2e), or what its unit is instead: the check of every emission
/// factor per energy (grid factors, residual-mix factors, instruments' factors). Time is
/// not a dimension (MODEL.md §11.1), so `t CO2/MW` has the dimension of `t CO2/MWh`, but
/// it is per unit of power, a factor 8,760 smaller than it reads: its unit text's time
/// basis ([`UnitRegistry::time_exponent`]) tells them apart.
pub(crate) fn factor_per_energy(r: &Reader, s: &Series) -> Result<Species, NotPerEnergy> {
    per_energy(r, &s.dim, s.unit_text.as_deref())
}

/// [`factor_per_energy`] of a value of dimension `dim` written in `unit` (a series, or one
/// sampled bound of an uncertain parameter).
pub(crate) fn per_energy(
    r: &Reader,
    dim: &Dimension,
    unit: Option<&str>,
) -> Result<Species, NotPerEnergy> {
    let time = unit
        .and_then(|t| r.units.time_exponent(t).ok())
        .unwrap_or(0);
    match gas_per_energy(dim) {
        Some(sp) if time == 0 => Ok(sp),
        Some(_) => Err(NotPerEnergy::PerPower {
            unit: unit.unwrap_or_default().to_string(),
        }),
        None => Err(NotPerEnergy::Dimension(dim.clone())),
    }
}

/// The gas of a mass-of-a-gas-per-energy dimension (`t CO2/MWh`, `kg CO2e/kWh` → CO2,
/// CO2e), or None for any other dimension ([`factor_per_energy`] also checks the unit's
/// time basis).
pub(crate) fn gas_per_energy(dim: &Dimension) -> Option<Species> {
    let per_energy = dim.mul(&Dimension::energy());
    per_energy
        .species()
        .filter(|sp| per_energy == Dimension::mass().mul(&Dimension::species_tag(*sp)))
}

/// What a generating unit produces (`electricity.local.<unit>`, `electricity.plants.<plant>`):
/// a `capacity` (a power) with its `capacity_factor`, or a `generation` (an energy per year).
pub(crate) struct Output {
    pub(crate) capacity: Option<Series>,
    pub(crate) capacity_factor: Option<Series>,
    pub(crate) generation: Option<Series>,
}

/// Reads the output keys of the unit `name` (a `what`, for messages) at key path `up` from
/// its keys `items` (node `v`). None, with the diagnostics reported, when it has neither
/// form or both, or a value of its form is missing or wrong (every value is still read, so
/// that each problem is reported).
pub(crate) fn read_output(
    r: &mut Reader,
    items: &[(Key, Node)],
    up: &str,
    v: &Node,
    what: &str,
    name: &str,
) -> Option<Output> {
    let mut out = Output {
        capacity: None,
        capacity_factor: None,
        generation: None,
    };
    match (get(items, "capacity"), get(items, "generation")) {
        (Some(c), None) => {
            let cp = join(up, "capacity");
            out.capacity = r
                .power(c, &cp, "a capacity")
                .filter(|s| r.non_negative(s, c.span, &cp, "a capacity"));
            out.capacity_factor = r
                .req(items, "capacity_factor", up, v.span)
                .and_then(|f| r.fraction(f, &join(up, "capacity_factor")));
        }
        (None, Some(g)) => {
            if let Some(f) = get(items, "capacity_factor") {
                r.err(
                    Diagnostic::new(f.span, "`capacity_factor` goes with `capacity`")
                        .at(join(up, "capacity_factor")),
                );
            }
            let gp = join(up, "generation");
            out.generation = r
                .series(g, &gp, &Want::Dim(Dimension::energy()), false)
                .filter(|s| r.non_negative(s, g.span, &gp, "a generation"));
        }
        _ => {
            r.err(
                Diagnostic::new(
                    v.span,
                    format!(
                        "{what} `{name}` needs `capacity` and `capacity_factor`, or `generation`"
                    ),
                )
                .at(up),
            );
            return None;
        }
    }
    let complete =
        (out.capacity.is_some() && out.capacity_factor.is_some()) || out.generation.is_some();
    complete.then_some(out)
}

/// A conversion efficiency (net, per unit of fuel energy) at key path `p`: a number in (0, 1].
pub(crate) fn read_efficiency(r: &mut Reader, e: &Node, p: &str) -> Option<f64> {
    let x = r.number(e, p)?;
    if !(x > 0.0 && x <= 1.0) {
        r.err(
            Diagnostic::new(e.span, format!("efficiency {x} is outside (0, 1]"))
                .at(p)
                .expected("the unit's net efficiency, e.g. 0.36"),
        );
        return None;
    }
    Some(x)
}

fn read_waste(r: &mut Reader, n: &Node) -> Option<Waste> {
    let p = "waste";
    let items = r.map(n, p, &WASTE_KEYS)?;
    let d = lcs_factors::waste_defaults();
    let (generation, gdim) = r
        .req(items, "generation", p, n.span)
        .and_then(|g| r.activity(g, "waste.generation"))?;
    if gdim != Dimension::mass() {
        let g = get(items, "generation")?;
        r.err(
            Diagnostic::new(g.span, "waste generation must be a mass per year")
                .at("waste.generation")
                .expected("a mass, e.g. `{ driver: population, per: \"1.1 kg/person/day\" }`")
                .found(format!("{gdim}")),
        );
        return None;
    }
    let type_resolver = |name: &str| {
        WasteType::parse(name).map(|t| t.index()).ok_or_else(|| {
            WasteType::ALL
                .iter()
                .map(|t| t.name().to_string())
                .collect()
        })
    };
    let cn = r_req(r, items, "composition", n)?;
    let composition = share_map(r, cn, "waste.composition", "waste type", &type_resolver)?;
    let accepts = match get(items, "accepts") {
        Some(a) => crate::routes::read_accepts(r, a)?,
        None => crate::routes::default_accepts(),
    };
    let rn = r_req(r, items, "routes", n)?;
    let by_type =
        matches!(&rn.kind, NodeKind::Map(m) if m.iter().any(|(k, _)| k.text == "by_type"));
    let (routes, type_routes) = if by_type {
        let maps = crate::routes::read_type_routes(r, rn, &accepts, &composition)?;
        (Vec::new(), maps)
    } else {
        if let Some(a) = get(items, "accepts") {
            r.err(
                Diagnostic::new(a.span, "`accepts` needs composition-aware routes")
                    .at("waste.accepts")
                    .note("give `waste.routes` as `{ by_type: { <type>: { <route>: share } } }` (docs/EXTENSIONS.md); shares of mixed waste take every type"),
            );
            return None;
        }
        let routes = share_map(r, rn, "waste.routes", "route", &crate::routes::route_index)?;
        (routes, Vec::new())
    };
    let ad_index = lcs_factors::WasteRoute::AnaerobicDigestion.index();
    let ad_named = get(items, "anaerobic_digestion").is_some()
        || routes.iter().any(|s| s.item == ad_index)
        || type_routes.iter().flatten().any(|s| s.item == ad_index);
    let mut w = Waste {
        generation,
        composition,
        routes,
        by_type,
        type_routes,
        accepts,
        ad_ch4: d.ad_ch4_kg_per_t * 1e-3,
        ad_n2o: d.ad_n2o_kg_per_t * 1e-3,
        ad_electricity: r.zero(Dimension::energy().div(&Dimension::mass()), n.span),
        ad_named,
        mcf: d.mcf,
        oxidation: d.oxidation,
        recovery: r.zero(Dimension::none(), n.span),
        doc_f: d.doc_f,
        f: d.f,
        k: std::array::from_fn(|i| WasteType::ALL[i].constants().k_default),
        history: None,
        incineration_electricity: r.zero(Dimension::energy().div(&Dimension::mass()), n.span),
        incineration_capture: r.zero(Dimension::none(), n.span),
        compost_ch4: d.compost_ch4_kg_per_t * 1e-3,
        compost_n2o: d.compost_n2o_kg_per_t * 1e-3,
        span: n.span,
    };
    if let Some(l) = get(items, "landfill") {
        let lp = "waste.landfill";
        let li = r.map(l, lp, &LANDFILL_KEYS)?;
        for (key, slot) in [
            ("mcf", &mut w.mcf),
            ("oxidation", &mut w.oxidation),
            ("doc_f", &mut w.doc_f),
            ("f", &mut w.f),
        ] {
            if let Some(v) = get(li, key) {
                let kp = join(lp, key);
                let x = r.number(v, &kp)?;
                if !(0.0..=1.0).contains(&x) {
                    r.err(
                        Diagnostic::new(v.span, format!("`{key}` = {x} is outside 0 to 1")).at(kp),
                    );
                    return None;
                }
                *slot = x;
            }
        }
        if let Some(v) = get(li, "recovery") {
            w.recovery = r.fraction(v, "waste.landfill.recovery")?;
        }
        if let Some(kn) = get(li, "k") {
            let names: Vec<&str> = WasteType::ALL.iter().map(|t| t.name()).collect();
            let ki = r.map(kn, "waste.landfill.k", &names)?;
            for (k, v) in ki {
                if let Some(t) = WasteType::parse(&k.text) {
                    let x = r.number(v, &join("waste.landfill.k", &k.text))?;
                    if x < 0.0 {
                        r.err(
                            Diagnostic::new(v.span, "a decay rate cannot be negative")
                                .at(join("waste.landfill.k", &k.text)),
                        );
                        return None;
                    }
                    w.k[t.index()] = x;
                }
            }
        }
        if let Some(h) = get(li, "history") {
            let hp = "waste.landfill.history";
            let hi = r.map(h, hp, &HISTORY_KEYS)?;
            let from = r
                .req(hi, "from", hp, h.span)
                .and_then(|f| r.year(f, "waste.landfill.history.from"))?;
            if from > r.base_year {
                r.err(
                    Diagnostic::new(
                        get(hi, "from")?.span,
                        format!(
                            "history starts in {from}, after the base year {}",
                            r.base_year
                        ),
                    )
                    .at("waste.landfill.history.from")
                    .expected(format!("a year up to {}", r.base_year)),
                );
                return None;
            }
            let growth = match get(hi, "growth") {
                Some(g) => r.number(g, "waste.landfill.history.growth")?,
                None => 0.0,
            };
            if growth <= -1.0 {
                r.err(
                    Diagnostic::new(h.span, "history growth must be above -1")
                        .at("waste.landfill.history.growth"),
                );
                return None;
            }
            w.history = Some((from, growth));
        }
    }
    if let Some(i) = get(items, "incineration") {
        let ii = r.map(i, "waste.incineration", &INCINERATION_KEYS)?;
        if let Some(e) = get(ii, "electricity") {
            w.incineration_electricity = r.series(
                e,
                "waste.incineration.electricity",
                &Want::Dim(Dimension::energy().div(&Dimension::mass())),
                false,
            )?;
        }
        if let Some(x) = get(ii, "capture") {
            w.incineration_capture = r.fraction(x, "waste.incineration.capture")?;
        }
    }
    if let Some(c) = get(items, "composting") {
        let ci = r.gas_map(c, "waste.composting", &COMPOSTING_KEYS)?;
        let (ch4, n2o) = treatment_factors(r, &ci, "waste.composting")?;
        w.compost_ch4 = ch4.unwrap_or(w.compost_ch4);
        w.compost_n2o = n2o.unwrap_or(w.compost_n2o);
    }
    if let Some(c) = get(items, "anaerobic_digestion") {
        let kp = "waste.anaerobic_digestion";
        let ci = r.gas_map(c, kp, &DIGESTION_KEYS)?;
        let (ch4, n2o) = treatment_factors(r, &ci, kp)?;
        w.ad_ch4 = ch4.unwrap_or(w.ad_ch4);
        w.ad_n2o = n2o.unwrap_or(w.ad_n2o);
        if let Some(&(_, _, e)) = ci.iter().find(|(key, _, _)| *key == "electricity") {
            w.ad_electricity = r.series(
                e,
                &join(kp, "electricity"),
                &Want::Dim(Dimension::energy().div(&Dimension::mass())),
                false,
            )?;
        }
    }
    Some(w)
}

/// `CH4` and `N2O` per tonne of wet waste treated (composting, anaerobic digestion), in t
/// per t; `None` where not given.
fn treatment_factors(
    r: &mut Reader,
    ci: &[(&'static str, &crate::yaml::Key, &Node)],
    path: &str,
) -> Option<(Option<f64>, Option<f64>)> {
    let mut out = [None, None];
    for (i, (key, sp)) in [("CH4", Species::CH4), ("N2O", Species::N2O)]
        .into_iter()
        .enumerate()
    {
        if let Some(&(_, k, v)) = ci.iter().find(|(c, _, _)| *c == key) {
            let kp = join(path, &k.text);
            let q = r.quantity(v, &kp)?;
            let (u, _) = crate::read::unit_of(&q);
            let ok = u.dim.is_none() || u.dim == Dimension::species_tag(sp);
            if !ok || q.unit.is_none() {
                r.err(
                    Diagnostic::new(
                        v.span,
                        format!("expected a mass of {key} per mass of waste"),
                    )
                    .at(kp)
                    .expected(format!(
                        "a value such as `\"4 kg/t\"` or `\"4 kg {key}/t\"`"
                    ))
                    .found(format!("{}", u.dim)),
                );
                return None;
            }
            let x = q.value * u.factor;
            if x < 0.0 {
                r.err(
                    Diagnostic::new(
                        v.span,
                        format!("an emission factor cannot be negative ({x} t/t)"),
                    )
                    .at(kp),
                );
                return None;
            }
            out[i] = Some(x);
        }
    }
    Some((out[0], out[1]))
}

fn r_req<'n>(
    r: &mut Reader,
    items: &'n [(crate::yaml::Key, Node)],
    key: &str,
    n: &Node,
) -> Option<&'n Node> {
    r.req(items, key, "waste", n.span)
}

fn read_source(r: &mut Reader, path: &str, span: Span, n: &Node) -> Option<Source> {
    let kp = join("sources", path);
    if path.is_empty() || path.contains('.') || path.split('/').any(|p| p.is_empty()) {
        r.err(
            Diagnostic::new(span, format!("invalid source path `{path}`"))
                .at(kp)
                .expected("a path such as `ippu/cement` (sector first)"),
        );
        return None;
    }
    let items = r.map(n, &kp, &SOURCE_KEYS)?;
    let display_name = display_name(r, items, &kp);
    let sector = path.split('/').next().unwrap_or(path).to_string();
    // A land class (an extension): no activity, no factors.
    if let Some(l) = get(items, "land") {
        for key in ["activity", "factors", "process", "refrigerant"] {
            if let Some(x) = get(items, key) {
                r.err(
                    Diagnostic::new(x.span, format!("`{key}` does not go with `land`"))
                        .at(join(&kp, key))
                        .expected("a land class (`land:`) or an activity with factors, not both")
                        .note("a land class's emissions follow from its area, conversion and carbon stocks"),
                );
                return None;
            }
        }
        let land = crate::inventory::read_land(r, l, &join(&kp, "land"))?;
        return Some(Source {
            path: path.to_string(),
            display_name,
            sector,
            activity: Activity::Series(r.zero(Dimension::none(), l.span)),
            factors: Vec::new(),
            process: None,
            form: SourceForm::Land(land),
            span,
        });
    }
    let forms: Vec<&str> = ["factors", "process", "refrigerant"]
        .into_iter()
        .filter(|k| get(items, k).is_some())
        .collect();
    if forms.len() > 1 {
        let second = get(items, forms[1]).map_or(n.span, |x| x.span);
        r.err(
            Diagnostic::new(
                second,
                format!("`{}` and `{}` are both given", forms[0], forms[1]),
            )
            .at(join(&kp, forms[1]))
            .expected("one of `factors`, `process` (IPCC process factors) or `refrigerant`"),
        );
        return None;
    }
    let (activity, adim) = r
        .req(items, "activity", &kp, n.span)
        .and_then(|a| r.activity(a, &join(&kp, "activity")))?;
    if let Some(p) = get(items, "process") {
        let (id, factors) = crate::inventory::process_factors(r, p, &join(&kp, "process"), &adim)?;
        return Some(Source {
            path: path.to_string(),
            display_name,
            sector,
            activity,
            factors,
            process: Some(id),
            form: SourceForm::Factors,
            span,
        });
    }
    if let Some(x) = get(items, "refrigerant") {
        let bank = crate::inventory::read_refrigerant(r, x, &join(&kp, "refrigerant"), &adim)?;
        return Some(Source {
            path: path.to_string(),
            display_name,
            sector,
            activity,
            factors: Vec::new(),
            process: None,
            form: SourceForm::Refrigerant(bank),
            span,
        });
    }
    let fp = join(&kp, "factors");
    let fnode = r.req(items, "factors", &kp, n.span)?;
    let fi = r.gas_map(fnode, &fp, &SourceGas::NAMES)?;
    let mut factors = Vec::new();
    for (key, k, v) in fi {
        let Some(gas) = SourceGas::parse(key) else {
            continue;
        };
        let gp = join(&fp, &k.text);
        let s = r.series(v, &gp, &Want::Any, false)?;
        let total = s.dim.mul(&adim);
        let tag = Dimension::species_tag(match gas {
            SourceGas::CO2 => Species::CO2,
            SourceGas::CH4 => Species::CH4,
            SourceGas::N2O => Species::N2O,
            SourceGas::CO2e => Species::CO2e,
        });
        if total != Dimension::mass() && total != Dimension::mass().mul(&tag) {
            r.err(
                Diagnostic::new(
                    v.span,
                    format!("the factor times the activity is not a mass of {}", key),
                )
                .at(gp)
                .expected(format!(
                    "a factor in mass of {} per unit of activity ({adim})",
                    key
                ))
                .found(format!("{} × {adim} = {total}", s.dim)),
            );
            return None;
        }
        factors.push((gas, s));
    }
    Some(Source {
        path: path.to_string(),
        display_name,
        sector,
        activity,
        factors,
        process: None,
        form: SourceForm::Factors,
        span,
    })
}

/// Checks that depend on the whole model. Fills `driver_order`.
pub(crate) fn finalize(model: &mut Model) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    // Drivers: expression dimensions and evaluation order.
    let dims: Vec<(String, Dimension)> = model
        .drivers
        .iter()
        .map(|d| (d.name.clone(), d.series.dim.clone()))
        .collect();
    let lookup = |n: &str| {
        dims.iter()
            .find(|(d, _)| d == n)
            .map(|(_, dim)| dim.clone())
    };
    let mut deps: Vec<Vec<usize>> = Vec::new();
    for d in &model.drivers {
        let mut ds = Vec::new();
        if let SeriesDef::Expr(e) = &d.series.def {
            match e.dimension(&lookup) {
                Ok(dim) if dim == d.series.dim => {}
                Ok(dim) => errors.push(
                    Diagnostic::new(
                        d.series.span,
                        format!(
                            "the expression of `{}` gives {dim}, but its unit `{}` is {}",
                            d.name, d.unit_text, d.series.dim
                        ),
                    )
                    .at(format!("drivers.{}.expr", d.name))
                    .expected(format!("{}", d.series.dim))
                    .found(format!("{dim}")),
                ),
                Err(err) => errors.push(
                    Diagnostic::new(
                        d.series.span,
                        format!("invalid expression: {}", err.message),
                    )
                    .at(format!("drivers.{}.expr", d.name)),
                ),
            }
            for n in e.names() {
                match model.driver(&n) {
                    Some(i) => ds.push(i),
                    None => errors.push(
                        Diagnostic::new(
                            d.series.span,
                            format!("unknown driver `{n}` in expression"),
                        )
                        .at(format!("drivers.{}.expr", d.name))
                        .suggest(nearest(&n, model.drivers.iter().map(|d| d.name.as_str()))),
                    ),
                }
            }
        }
        deps.push(ds);
    }
    // Topological order (depth-first, file order among independents), cycles are errors.
    let n = model.drivers.len();
    let mut state = vec![0u8; n];
    let mut order = Vec::new();
    fn visit(
        i: usize,
        deps: &[Vec<usize>],
        state: &mut [u8],
        order: &mut Vec<usize>,
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        if state[i] == 2 {
            return None;
        }
        if state[i] == 1 {
            let pos = stack.iter().position(|&x| x == i).unwrap_or(0);
            let mut cyc = stack[pos..].to_vec();
            cyc.push(i);
            return Some(cyc);
        }
        state[i] = 1;
        stack.push(i);
        for &d in &deps[i] {
            if let Some(c) = visit(d, deps, state, order, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state[i] = 2;
        order.push(i);
        None
    }
    for i in 0..n {
        let mut stack = Vec::new();
        if let Some(cyc) = visit(i, &deps, &mut state, &mut order, &mut stack) {
            let names: Vec<String> = cyc.iter().map(|&c| model.drivers[c].name.clone()).collect();
            errors.push(
                Diagnostic::new(
                    model.drivers[cyc[0]].series.span,
                    format!("drivers form a cycle: {}", names.join(" → ")),
                )
                .at(format!("drivers.{}.expr", names[0]))
                .expected("expressions that refer only to drivers defined without them"),
            );
            return errors;
        }
    }
    model.driver_order = order;
    // Activities read from a driver cannot be negative where the driver's values are known
    // (a driver itself may be: drivers stay free).
    let mut activities: Vec<(&Activity, String)> = model
        .nodes
        .iter()
        .enumerate()
        .map(|(i, nd)| (&nd.activity, join(&node_key_path(model, i), "activity")))
        .collect();
    if let Some(w) = &model.waste {
        activities.push((&w.generation, "waste.generation".to_string()));
    }
    for src in &model.sources {
        activities.push((&src.activity, format!("sources.{}.activity", src.path)));
    }
    if let Some(ww) = &model.wastewater {
        if let Some(d) = &ww.domestic {
            activities.push((&d.population, "wastewater.domestic.population".to_string()));
        }
        for ind in &ww.industrial {
            activities.push((
                &ind.production,
                format!("wastewater.industrial.{}.production", ind.name),
            ));
        }
    }
    for (a, key) in activities {
        let Activity::Driver { driver, span, .. } = a else {
            continue;
        };
        let d = &model.drivers[*driver];
        let Some(v) = d.series.values() else { continue };
        if let Some(i) = v.iter().position(|x| *x < 0.0) {
            errors.push(
                Diagnostic::new(
                    *span,
                    format!(
                        "an activity cannot be negative: driver `{}` is {} {} in {}",
                        d.name,
                        v[i] / d.unit_factor,
                        d.unit_text,
                        model.base_year + i as i32
                    ),
                )
                .at(key)
                .expected("an activity ≥ 0 in every year")
                .note(format!(
                    "drivers may be negative, but `{}` is used here as an activity",
                    d.name
                )),
            );
        }
    }
    // Demand: every leaf has intensity and fuels; A × I is an energy; categories.
    for leaf in 0..model.nodes.len() {
        if !model.nodes[leaf].is_leaf() {
            continue;
        }
        let node = &model.nodes[leaf];
        let key = node_key_path(model, leaf);
        let Some(i) = model.effective_intensity(leaf) else {
            errors.push(
                Diagnostic::new(
                    node.span,
                    format!(
                        "leaf `{}` has no `intensity`, neither its own nor inherited",
                        node.path
                    ),
                )
                .at(join(&key, "intensity")),
            );
            continue;
        };
        let prod = node.activity_dim.mul(&i.dim);
        if prod != Dimension::energy() {
            errors.push(
                Diagnostic::new(
                    i.span,
                    format!("activity × intensity of `{}` is not an energy", node.path),
                )
                .at(join(&key, "intensity"))
                .expected({
                    let act = activity_unit_text(model, leaf);
                    if act
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ')
                    {
                        format!("an energy per `{act}`, e.g. `GJ/{act}`")
                    } else {
                        format!("an energy per unit of activity (`{act}`)")
                    }
                })
                .found(format!(
                    "activity in `{}` × intensity in `{}` = {prod}",
                    activity_unit_text(model, leaf),
                    i.unit_text.clone().unwrap_or_else(|| "1".into())
                )),
            );
        }
        let Some(f) = model.effective_fuels(leaf) else {
            errors.push(
                Diagnostic::new(
                    node.span,
                    format!(
                        "leaf `{}` has no `fuels`, neither its own nor inherited",
                        node.path
                    ),
                )
                .at(join(&key, "fuels")),
            );
            continue;
        };
        let burns = f.iter().any(|s| !model.fuels.fuels()[s.item].is_carrier());
        if burns && model.effective_category(leaf).is_none() {
            errors.push(
                Diagnostic::new(node.span, format!("leaf `{}` burns fuel but has no `category`", node.path))
                    .at(join(&key, "category"))
                    .expected("`category` on the node or an ancestor: `energy`, `manufacturing`, `commercial`, `residential`, `road` or `offroad`"),
            );
        }
    }
    // Electricity demand needs a grid: point at the first leaf that uses electricity.
    if let Some(elec) = model.fuels.index_of("electricity") {
        let has_grid = model
            .electricity
            .as_ref()
            .is_some_and(|e| !matches!(e.grid, Grid::None));
        let user = (0..model.nodes.len())
            .filter(|&l| model.nodes[l].is_leaf())
            .find_map(|l| {
                model
                    .effective_fuels(l)
                    .and_then(|f| f.iter().find(|s| s.item == elec))
                    .map(|s| (l, s.share.span))
            });
        if let (Some((leaf, span)), false) = (user, has_grid) {
            // The key path of the fuels map in force (the leaf's or an ancestor's).
            let mut owner = leaf;
            while model.nodes[owner].fuels.is_none() {
                match model.nodes[owner].parent {
                    Some(p) => owner = p,
                    None => break,
                }
            }
            errors.push(
                Diagnostic::new(
                    span,
                    format!(
                        "`{}` uses electricity but the model has neither `electricity.grid_factor` nor `electricity.mix`",
                        model.nodes[leaf].path
                    ),
                )
                .at(format!("{}.fuels.electricity", node_key_path(model, owner)))
                .expected("`grid_factor` (e.g. `\"0.7 t CO2/MWh\"`) or `mix` in the `electricity:` section"),
            );
        }
    }
    // Names that share the output namespace (MODEL.md §11.14).
    let mut named: Vec<(String, &str, Span, String)> = Vec::new();
    for t in model.top_nodes() {
        let node = &model.nodes[t];
        named.push((
            node.name.clone(),
            "top-level demand node",
            node.span,
            format!("demand.{}", node.name),
        ));
    }
    for s in &model.sources {
        if !named
            .iter()
            .any(|(n, w, _, _)| *n == s.sector && *w == "source sector")
        {
            named.push((
                s.sector.clone(),
                "source sector",
                s.span,
                format!("sources.{}", s.path),
            ));
        }
    }
    for (i, (name, what, span, key)) in named.iter().enumerate() {
        if name == "Waste" {
            errors.push(
                Diagnostic::new(
                    *span,
                    format!("{what} `Waste` clashes with the waste sector row"),
                )
                .at(key.clone())
                .note("rename it: `Emissions|CO2e|Waste` is the row of the `waste:` section"),
            );
        }
        if let Some((_, other, _, _)) = named[..i].iter().find(|(n, _, _, _)| n == name) {
            errors.push(
                Diagnostic::new(*span, format!("{what} `{name}` has the name of a {other}"))
                    .at(key.clone()),
            );
        }
        if model.fuels.index_of(name).is_some() {
            errors.push(
                Diagnostic::new(*span, format!("{what} `{name}` has the name of a fuel"))
                    .at(key.clone())
                    .note("node, sector and fuel names share the output variables; rename one"),
            );
        }
    }
    errors
}

/// The unit of a node's activity as written (its own or the nearest ancestor's).
fn activity_unit_text(model: &Model, node: usize) -> String {
    let mut n = Some(node);
    while let Some(i) = n {
        match &model.nodes[i].activity {
            Activity::Driver { driver, per, .. } => {
                let d = &model.drivers[*driver];
                return match per.as_ref().and_then(|p| p.unit_text.clone()) {
                    Some(p) => format!("{} × {p}", d.unit_text),
                    None => d.unit_text.clone(),
                };
            }
            Activity::Series(s) => return s.unit_text.clone().unwrap_or_else(|| "1".into()),
            Activity::Share(_) | Activity::Inherit => n = model.nodes[i].parent,
        }
    }
    format!("{}", model.nodes[node].activity_dim)
}

/// The YAML key path of a node: `demand.transport.children.car`.
pub fn node_key_path(model: &Model, node: usize) -> String {
    let mut parts = vec![model.nodes[node].name.clone()];
    let mut n = model.nodes[node].parent;
    while let Some(p) = n {
        parts.push("children".into());
        parts.push(model.nodes[p].name.clone());
        n = model.nodes[p].parent;
    }
    parts.push("demand".into());
    parts.reverse();
    parts.join(".")
}
