//! The JSON Schema (draft 2020-12) of every file kind the loader reads: model, scenario,
//! package (MODEL.md §1, with lcs's extensions, docs/EXTENSIONS.md), project and pipeline
//! (docs/PROJECTS.md) and eco-town network (docs/ECOTOWN.md). `lcs schema` prints it;
//! editors use it for completion and checks while a file is written (docs/LANGUAGE.md,
//! "Editor set-up").
//!
//! The schema describes the same keys as the readers and no more: every mapping is closed
//! (`additionalProperties: false`, or a schema for the values of a mapping of free names),
//! as an unknown key is an error (MODEL.md §1). Where the reader's keys depend on another
//! key (a measure's `lever`, a project's `methodology`, an uncertain parameter's
//! `distribution`), an `if`/`then` per value narrows the keys to that value's. It cannot
//! check what needs the whole model (units and dimensions, names of drivers, nodes, fuels
//! and paths, share sums, material ids); `lcs validate` does. Names that come from `data/`
//! or from the readers' own lists (categories, GWP sets, waste types, routes, levers, ramps,
//! methodologies, statuses, incinerators, currencies, counterfactuals) are read from them,
//! so the schema cannot drift from them.
//!
//! To add a key: add one property to its object below (the reader's key constant and the
//! schema must list the same keys; the unit test `every_key_the_readers_accept_is_in_the_schema`
//! pairs each constant with the object it belongs to, so a new constant needs a line there
//! too). To add a file kind: write its `$defs` entry and add it to [`KINDS`]. The
//! repository's tests validate every bundled YAML file, and `tests/schema-cases/` (every
//! key in files that load), against it with an independent validator
//! (tests/python/check_schema.py).

use crate::check_model::{COMPOSTING_KEYS, DIGESTION_KEYS, FUEL_KEYS};
use crate::ecotown::{Otherwise, TREATMENTS};
use crate::model::{SourceGas, ROUTES};
use crate::project::{Incinerator, Methodology, Status};
use crate::read::GAS_KEYS;
use crate::scenario::{lever_keys, LEVERS, MEASURE_COMMON_KEYS};
use lcs_factors::{Category, GwpSet, WasteType};
use lcs_units::CURRENCIES;
use serde_json::{json, Map, Value};

/// Every file kind: its top-level key (which tells the kind) and its `$defs` name, in the
/// order the loader decides the kind (`ecotown` first, then `projects` or `project`, which
/// also have a `region`; then the first of the others in file order, [`kind_of`]).
pub const KINDS: [(&str, &str); 6] = [
    ("ecotown", "ecotown"),
    ("projects", "projects"),
    ("project", "project"),
    ("region", "model"),
    ("scenario", "scenario"),
    ("package", "package"),
];

/// The `$defs` name of a file's kind from its top-level keys (in file order), as the loader
/// decides it: `ecotown`, then `projects` or `project`, then the first of `region`,
/// `scenario` and `package`; `None` for a file of no kind.
pub fn kind_of(keys: &[&str]) -> Option<&'static str> {
    for (key, def) in &KINDS[..3] {
        if keys.contains(key) {
            return Some(def);
        }
    }
    keys.iter()
        .find_map(|k| KINDS[3..].iter().find(|(key, _)| key == k))
        .map(|(_, def)| *def)
}

/// Lower-case letters, digits and `_`, starting with a letter (drivers, fuels, industries).
const NAME: &str = "^[a-z][a-z0-9_]*$";
/// A facility or exchange id of an eco-town network: `_` and `-` allowed.
const ID: &str = "^[a-z][a-z0-9_-]*$";
/// A year written as a mapping key (`2020:`).
const YEAR_KEY: &str = r"^\s*-?\d+\s*$";

/// A closed object with these properties and required keys.
fn object(props: Vec<(&str, Value)>, required: &[&str]) -> Value {
    let mut p = Map::new();
    for (k, v) in props {
        p.insert(k.to_string(), v);
    }
    let mut o = json!({ "type": "object", "properties": p, "additionalProperties": false });
    if !required.is_empty() {
        o["required"] = json!(required);
    }
    o
}

fn object_owned(props: Vec<(String, Value)>, required: &[&str]) -> Value {
    let props: Vec<(&str, Value)> = props.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    object(props, required)
}

/// An object whose keys are free names and whose values follow `value`.
fn map_of(value: Value, names: &str) -> Value {
    json!({ "type": "object", "propertyNames": { "pattern": names }, "additionalProperties": value })
}

/// A closed object whose keys are some of `names`, each with the value `value`.
fn keyed(names: &[&str], value: Value) -> Value {
    object(names.iter().map(|n| (*n, value.clone())).collect(), &[])
}

fn r(def: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{def}") })
}

fn with_doc(mut v: Value, doc: &str) -> Value {
    v["description"] = json!(doc);
    v
}

fn text() -> Value {
    json!({ "type": "string" })
}

fn pattern(p: &str) -> Value {
    json!({ "type": "string", "pattern": p })
}

fn one_of_names(names: &[&str]) -> Value {
    json!({ "enum": names })
}

/// One name or a list of names.
fn strings() -> Value {
    json!({ "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] })
}

/// One of `names`, or a list of them.
fn names_or_list(names: &[&str]) -> Value {
    json!({ "anyOf": [{ "enum": names }, { "type": "array", "items": { "enum": names } }] })
}

/// A list of `item`s; an empty value (`key:` alone) reads as an empty list.
fn list_of(item: Value) -> Value {
    json!({ "anyOf": [{ "type": "null" }, { "type": "array", "items": item }] })
}

/// Gas keys: the canonical spelling, and the other casing accepted with warning
/// `gas-key-case` (marked deprecated so that editors strike it through). Other keys of the
/// list are taken as they are.
fn gas_props(keys: &[&str], value: impl Fn(&str) -> Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for g in keys {
        out.push((g.to_string(), value(g)));
        let lower = g.to_lowercase();
        if GAS_KEYS.contains(g) && lower != *g {
            let mut v = value(g);
            v["deprecated"] = json!(true);
            v["description"] = json!(format!("Write `{g}` (warning `gas-key-case`)."));
            out.push((lower, v));
        }
    }
    out
}

/// The names of the waste types (`data/factors/waste_types.csv`).
fn waste_types() -> Vec<&'static str> {
    WasteType::ALL.iter().map(|t| t.name()).collect()
}

/// A series read from a data file (docs/EXTENSIONS.md, "Series from data files"): the keys
/// of `datafile::DATA_KEYS`.
fn data_series() -> Value {
    let props: Vec<(&str, Value)> = crate::datafile::DATA_KEYS
        .iter()
        .map(|k| {
            let v = match *k {
                "interp" => json!({ "enum": ["linear", "step", "cagr"] }),
                "from" => json!({ "type": "string", "description": "A `.csv` file or an `.xlsx`/`.xlsm` workbook, relative to this file's folder." }),
                _ => json!({ "type": "string" }),
            };
            (*k, v)
        })
        .collect();
    let mut o = object(props, &["from"]);
    o["oneOf"] = json!([{ "required": ["column"] }, { "required": ["item"] }]);
    o
}

/// The `$defs` shared by the file kinds.
fn defs() -> Map<String, Value> {
    let mut d = Map::new();
    put(&mut d, "data_series", data_series());
    values(&mut d);
    model(&mut d);
    scenario(&mut d);
    project(&mut d);
    ecotown(&mut d);
    d
}

fn put(d: &mut Map<String, Value>, k: &str, v: Value) {
    d.insert(k.to_string(), v);
}

/// Values of every file kind: numbers, quantities, years, series, activities, share maps.
fn values(d: &mut Map<String, Value>) {
    let number_text = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(\s+%)?\s*$";
    let quantity_text = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(\s+\S.*)?\s*$";
    put(
        d,
        "number",
        with_doc(
            json!({ "anyOf": [{ "type": "number" }, { "type": "string", "pattern": number_text }] }),
            "A number, numeric text such as \"1.0e6\" (MODEL.md §11.2), or a percentage such as \"8 %\".",
        ),
    );
    put(
        d,
        "quantity",
        with_doc(
            json!({ "anyOf": [{ "type": "number" }, { "type": "string", "pattern": quantity_text }] }),
            "A number, or \"number unit\" such as \"20 GJ/household\" (MODEL.md §2).",
        ),
    );
    put(
        d,
        "year",
        json!({ "anyOf": [{ "type": "integer" }, { "type": "string", "pattern": YEAR_KEY }] }),
    );
    put(
        d,
        "series_object",
        with_doc(
            json!({
                "type": "object",
                "properties": {
                    "value": r("quantity"),
                    "points": { "type": "object", "propertyNames": { "pattern": YEAR_KEY }, "additionalProperties": r("quantity"), "minProperties": 1 },
                    "interp": { "enum": ["linear", "step", "cagr"] },
                    "base": r("quantity"),
                    "growth": { "anyOf": [r("quantity"), { "type": "object", "propertyNames": { "pattern": YEAR_KEY }, "additionalProperties": r("quantity") }] },
                    "expr": text(),
                    "unit": text()
                },
                "additionalProperties": false,
                "oneOf": [
                    { "required": ["value"] },
                    { "required": ["points"] },
                    { "required": ["base"] },
                    { "required": ["expr"] }
                ]
            }),
            "A series mapping: exactly one of `value`, `points`, `base` (with `growth`) or `expr`, and an optional `unit` and `interp`.",
        ),
    );
    put(
        d,
        "series",
        with_doc(
            json!({ "anyOf": [r("quantity"), r("series_object"), r("data_series")] }),
            "A series (MODEL.md §3): a constant, `points`, `base` with `growth`, or `expr`; or read from a data file (`from` with `column` or `item`, docs/EXTENSIONS.md).",
        ),
    );
    put(
        d,
        "driver_activity",
        with_doc(
            object(
                vec![("driver", pattern(NAME)), ("per", r("series"))],
                &["driver"],
            ),
            "A driver times a series per unit of the driver (MODEL.md §4).",
        ),
    );
    put(
        d,
        "activity",
        with_doc(
            json!({ "anyOf": [pattern(NAME), r("driver_activity"), r("series")] }),
            "A driver name, `{ driver, per }` (driver × per), or a series with a unit (MODEL.md §4).",
        ),
    );
    put(
        d,
        "shares",
        with_doc(
            map_of(r("series"), "^.+$"),
            "A share map: item → share (a dimensionless series); shares sum to 1.",
        ),
    );
    put(
        d,
        "display_name",
        with_doc(
            json!({ "type": "string", "minLength": 1 }),
            "A display name for reports and charts (docs/EXTENSIONS.md, \"Display names\").",
        ),
    );
}

/// The model file (MODEL.md §1.1, §3–§8) and its extensions (waste routes by type,
/// anaerobic digestion, wastewater, display names).
fn model(d: &mut Map<String, Value>) {
    let node_name = "^[^/.]+$";
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
    let gwp: Vec<&str> = GwpSet::ALL.iter().map(|g| g.name()).collect();
    let waste = waste_types();
    put(
        d,
        "node",
        object(
            vec![
                ("name", r("display_name")),
                ("activity", r("activity")),
                ("share", r("series")),
                ("intensity", r("series")),
                (
                    "fuels",
                    with_doc(
                        map_of(r("series"), NAME),
                        "Fuel → share of final energy (MODEL.md §4, §6).",
                    ),
                ),
                ("category", one_of_names(&categories)),
                ("children", map_of(r("node"), node_name)),
            ],
            &[],
        ),
    );
    d.get_mut("node").expect("just put")["not"] = json!({ "required": ["activity", "share"] });
    put(d, "category_factors", keyed(&categories, r("quantity")));
    put(
        d,
        "per_category",
        json!({ "anyOf": [r("quantity"), r("category_factors")] }),
    );
    put(
        d,
        "fuel_override",
        object_owned(
            gas_props(&FUEL_KEYS, |k| match k {
                "name" => r("display_name"),
                "CO2" => r("quantity"),
                "biogenic" => json!({ "type": "boolean" }),
                _ => r("per_category"),
            }),
            &[],
        ),
    );
    put(
        d,
        "plant",
        object(
            vec![
                ("share", r("series")),
                ("efficiency", r("number")),
                ("fuel", pattern(NAME)),
            ],
            &["share"],
        ),
    );
    d.get_mut("plant").expect("just put")["dependentRequired"] = json!({ "fuel": ["efficiency"] });
    put(
        d,
        "local_unit",
        with_doc(
            capacity_or_generation(object(
                vec![
                    ("capacity", r("series")),
                    ("capacity_factor", r("series")),
                    ("generation", r("series")),
                ],
                &[],
            )),
            "A local unit: `capacity` with `capacity_factor`, or `generation` (MODEL.md §5).",
        ),
    );
    let mut supply_plant = capacity_or_generation(object(
        vec![
            ("capacity", r("series")),
            ("capacity_factor", r("series")),
            ("generation", r("series")),
            ("efficiency", r("number")),
            ("fuel", pattern(NAME)),
        ],
        &["efficiency", "fuel"],
    ));
    supply_plant = with_doc(
        supply_plant,
        "A power station in the region that supplies the grid: a memo line (GPC I.4.4), never in the total (docs/EXTENSIONS.md).",
    );
    put(d, "supply_plant", supply_plant);
    put(
        d,
        "electricity",
        object(
            vec![
                ("losses", r("series")),
                ("grid_factor", r("series")),
                ("mix", map_of(r("plant"), "^.+$")),
                ("local", map_of(r("local_unit"), "^.+$")),
                ("plants", map_of(r("supply_plant"), "^.+$")),
                (
                    "residual_factor",
                    with_doc(
                        r("series"),
                        "The residual-mix factor of market-based results, t CO2e per energy (docs/EXTENSIONS.md).",
                    ),
                ),
            ],
            &[],
        ),
    );
    d.get_mut("electricity").expect("just put")["not"] =
        json!({ "required": ["grid_factor", "mix"] });
    put(
        d,
        "mixed_routes",
        with_doc(
            keyed(&ROUTES, r("series")),
            "Route → share of the mixed waste (MODEL.md §7).",
        ),
    );
    put(
        d,
        "type_routes",
        with_doc(
            object(
                vec![(
                    "by_type",
                    object(waste.iter().map(|w| (*w, r("mixed_routes"))).collect(), &[]),
                )],
                &["by_type"],
            ),
            "Composition-aware routes: waste type → its route map (docs/EXTENSIONS.md).",
        ),
    );
    put(
        d,
        "landfill",
        object(
            vec![
                ("mcf", r("number")),
                ("oxidation", r("number")),
                ("recovery", r("series")),
                ("doc_f", r("number")),
                ("f", r("number")),
                ("k", keyed(&waste, r("number"))),
                (
                    "history",
                    object(
                        vec![("from", r("year")), ("growth", r("number"))],
                        &["from"],
                    ),
                ),
            ],
            &[],
        ),
    );
    let per_tonne = |_: &str| r("quantity");
    put(
        d,
        "waste",
        object(
            vec![
                ("generation", r("activity")),
                ("composition", keyed(&waste, r("series"))),
                (
                    "routes",
                    json!({ "anyOf": [r("mixed_routes"), r("type_routes")] }),
                ),
                ("landfill", r("landfill")),
                ("incineration", object(vec![("electricity", r("series")), ("capture", r("series"))], &[])),
                (
                    "composting",
                    object_owned(gas_props(&COMPOSTING_KEYS, per_tonne), &[]),
                ),
                (
                    "anaerobic_digestion",
                    with_doc(
                        object_owned(
                            gas_props(&DIGESTION_KEYS, |k| match k {
                                "electricity" => r("series"),
                                _ => r("quantity"),
                            }),
                            &[],
                        ),
                        "The anaerobic digestion route: CH4 and N2O per tonne, net biogas electricity per tonne (docs/EXTENSIONS.md).",
                    ),
                ),
                (
                    "accepts",
                    with_doc(
                        keyed(
                            &ROUTES,
                            names_or_list(&waste),
                        ),
                        "Route → the waste types it accepts, replacing the built-in list (composition-aware routes only).",
                    ),
                ),
            ],
            &["generation", "composition", "routes"],
        ),
    );
    let fgases = lcs_factors::inventory::fgas_ids();
    put(
        d,
        "refrigerant",
        with_doc(
            object(
                vec![
                    ("charge", r("series")),
                    ("leak", r("series")),
                    ("retire", r("series")),
                    ("recovery", r("series")),
                    ("gases", keyed(&fgases, r("series"))),
                ],
                &["charge", "leak", "gases"],
            ),
            "A refrigerant bank: the stock is the source's activity (docs/EXTENSIONS.md).",
        ),
    );
    let covers = lcs_factors::inventory::land_cover_ids();
    let mut land = object(
        vec![
            ("cover", one_of_names(&covers)),
            ("area", r("series")),
            ("removals", r("series")),
            ("conversion", r("series")),
            ("restoration", r("series")),
            ("biomass_loss", r("series")),
            ("soil_loss", r("series")),
            ("soil_lost", r("number")),
            ("soil_years", r("number")),
        ],
        &["area"],
    );
    land["not"] = json!({ "required": ["soil_loss", "soil_lost"] });
    land["anyOf"] = json!([{ "required": ["cover"] }, { "required": ["biomass_loss"] }]);
    put(
        d,
        "land",
        with_doc(
            land,
            "A land class with stock-change accounting (IPCC 2006 Vol. 4; docs/EXTENSIONS.md).",
        ),
    );
    let processes = lcs_factors::inventory::process_ids();
    let mut source = object(
        vec![
            ("name", r("display_name")),
            ("activity", r("activity")),
            (
                "factors",
                object_owned(gas_props(&SourceGas::NAMES, |_| r("series")), &[]),
            ),
            (
                "process",
                with_doc(
                    one_of_names(&processes),
                    "IPCC Tier 1 process factors of data/factors/ippu_processes.csv, instead of `factors`.",
                ),
            ),
            ("refrigerant", r("refrigerant")),
            ("land", r("land")),
        ],
        &[],
    );
    source["oneOf"] = json!([
        { "required": ["activity", "factors"], "not": { "anyOf": [{ "required": ["process"] }, { "required": ["refrigerant"] }, { "required": ["land"] }] } },
        { "required": ["activity", "process"], "not": { "anyOf": [{ "required": ["factors"] }, { "required": ["refrigerant"] }, { "required": ["land"] }] } },
        { "required": ["activity", "refrigerant"], "not": { "anyOf": [{ "required": ["factors"] }, { "required": ["process"] }, { "required": ["land"] }] } },
        { "required": ["land"], "not": { "anyOf": [{ "required": ["activity"] }, { "required": ["factors"] }, { "required": ["process"] }, { "required": ["refrigerant"] }] } }
    ]);
    put(d, "source", source);
    // Wastewater (docs/EXTENSIONS.md): the keys of every stream, then each stream's own.
    let stream = |own: Vec<(&'static str, Value)>, required: &[&str]| -> Value {
        let mut p = own;
        p.extend([
            ("pathways", map_of(r("series"), "^.+$")),
            (
                "mcf",
                with_doc(
                    map_of(r("number"), "^.+$"),
                    "Pathway → methane correction factor, for the model's own pathways or to replace a default.",
                ),
            ),
            ("b0", r("number")),
            ("sludge", r("series")),
            ("recovery", r("series")),
        ]);
        let mut req = required.to_vec();
        req.push("pathways");
        object(p, &req)
    };
    let mut domestic = stream(
        vec![
            ("population", r("activity")),
            ("bod", r("series")),
            ("correction", r("number")),
            ("protein", r("series")),
            ("f_npr", r("number")),
            ("f_non_con", r("number")),
            ("f_ind_com", r("number")),
            ("ef_effluent", r("number")),
            ("sludge_nitrogen", r("series")),
        ],
        &["population", "bod"],
    );
    domestic["dependentRequired"] = json!({
        "f_npr": ["protein"], "f_non_con": ["protein"], "f_ind_com": ["protein"],
        "ef_effluent": ["protein"], "sludge_nitrogen": ["protein"]
    });
    put(d, "domestic_wastewater", domestic);
    put(
        d,
        "industrial_wastewater",
        stream(
            vec![
                ("production", r("activity")),
                ("wastewater", r("series")),
                ("cod", r("series")),
            ],
            &["production", "wastewater", "cod"],
        ),
    );
    let mut ww = object(
        vec![
            ("domestic", r("domestic_wastewater")),
            ("industrial", map_of(r("industrial_wastewater"), NAME)),
        ],
        &[],
    );
    ww["anyOf"] = json!([{ "required": ["domestic"] }, { "required": ["industrial"] }]);
    put(
        d,
        "wastewater",
        with_doc(
            ww,
            "Domestic and industrial wastewater (IPCC 2006 Vol. 5 Ch. 6; docs/EXTENSIONS.md).",
        ),
    );
    let gpc_ids: Vec<&str> = lcs_factors::gpc::subsectors()
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    // I.4.4 (in-region power stations, a memo) takes notation keys but no mapping.
    let gpc_map_ids: Vec<&str> = gpc_ids
        .iter()
        .copied()
        .filter(|&id| id != "I.4.4")
        .collect();
    put(
        d,
        "model",
        with_doc(
            object(
                vec![
                    (
                        "region",
                        object(vec![("id", text()), ("name", text())], &["id"]),
                    ),
                    (
                        "years",
                        object(
                            vec![("base", r("year")), ("end", r("year"))],
                            &["base", "end"],
                        ),
                    ),
                    ("gwp", one_of_names(&gwp)),
                    ("units", object(vec![("counts", strings())], &[])),
                    ("drivers", map_of(r("series"), NAME)),
                    ("demand", map_of(r("node"), node_name)),
                    ("electricity", r("electricity")),
                    ("fuels", map_of(r("fuel_override"), NAME)),
                    ("waste", r("waste")),
                    ("wastewater", r("wastewater")),
                    ("sources", map_of(r("source"), "^[^.]+$")),
                    (
                        "report",
                        object(
                            vec![
                                (
                                    "intensity",
                                    json!({ "type": "array", "items": pattern(NAME) }),
                                ),
                                (
                                    "gpc",
                                    with_doc(
                                        object(
                                            vec![
                                                (
                                                    "map",
                                                    map_of(
                                                        one_of_names(&gpc_map_ids),
                                                        r"^(demand|sources|waste)\..+$",
                                                    ),
                                                ),
                                                (
                                                    "notation",
                                                    map_of(
                                                        one_of_names(&lcs_factors::gpc::NOTATION_KEYS),
                                                        r"^[IV]+\.[0-9](\.[0-9])?$",
                                                    ),
                                                ),
                                            ],
                                            &[],
                                        ),
                                        "The model's own GPC mapping (model path → sub-sector) and notation keys of empty cells (docs/EXTENSIONS.md, \"GPC reporting\").",
                                    ),
                                ),
                            ],
                            &[],
                        ),
                    ),
                ],
                &["region", "years", "gwp"],
            ),
            "A model file (MODEL.md §1.1): the region, its years, drivers and sectors.",
        ),
    );
}

/// `capacity` with `capacity_factor`, or `generation` (local units, `generation` measures,
/// PV projects): exactly one of `capacity` and `generation`, and `capacity_factor` only with
/// `capacity`.
fn capacity_or_generation(mut o: Value) -> Value {
    o["oneOf"] = json!([{ "required": ["capacity"] }, { "required": ["generation"] }]);
    o["dependentRequired"] =
        json!({ "capacity": ["capacity_factor"], "capacity_factor": ["capacity"] });
    o
}

/// The market instruments of the `purchase` lever.
fn lcs_model_instruments() -> Vec<&'static str> {
    crate::model::Instrument::NAMES.to_vec()
}

/// What a lever requires and how it narrows its keys' values, beyond the keys it allows
/// ([`lever_keys`]). A lever missing here has only its keys checked.
fn lever_rule(lever: &str) -> Value {
    let energy = pattern(r"^demand\.[^.]+\.energy$");
    // Paths that take only `generation`, `save` or `switch`.
    let not_special = json!({
        "not": { "pattern": r"^(electricity\.local|electricity\.market|demand\.[^.]+\.energy)$" }
    });
    match lever {
        "scale" => json!({ "required": ["by"], "properties": { "target": not_special } }),
        "set" => json!({ "required": ["value"], "properties": { "target": not_special } }),
        "add" => json!({ "required": ["amount"], "properties": { "target": not_special } }),
        "shift" => json!({
            "required": ["from", "to", "amount"],
            "properties": { "target": not_special, "amount": r("number") }
        }),
        "generation" => capacity_or_generation(json!({
            "properties": { "target": { "const": "electricity.local" } }
        })),
        "divert" => json!({
            "required": ["from", "to", "mass"],
            "properties": {
                "target": { "const": "waste.routes" },
                "from": names_or_list(&ROUTES),
                "to": one_of_names(&ROUTES)
            }
        }),
        "save" => json!({
            "required": ["fuel", "amount"],
            "properties": { "target": energy }
        }),
        "switch" => json!({
            "required": ["from", "to", "amount"],
            "properties": { "target": energy, "from": pattern(NAME), "to": pattern(NAME) }
        }),
        "purchase" => json!({
            "required": ["amount", "instrument"],
            "properties": {
                "target": { "const": "electricity.market" },
                "instrument": one_of_names(&lcs_model_instruments())
            }
        }),
        _ => json!({}),
    }
}

/// `if lever: X then` its keys ([`MEASURE_COMMON_KEYS`] and [`lever_keys`]) and its rule.
fn lever_rules() -> Vec<Value> {
    LEVERS
        .iter()
        .map(|l| {
            let mut keys: Vec<&str> = MEASURE_COMMON_KEYS.to_vec();
            keys.extend_from_slice(lever_keys(l));
            let mut then = lever_rule(l);
            then["propertyNames"] = json!({ "enum": keys });
            json!({
                "if": { "properties": { "lever": { "const": l } }, "required": ["lever"] },
                "then": then
            })
        })
        .collect()
}

/// Scenario and package files (MODEL.md §1.2, §1.3, §8–§10; docs/UNCERTAINTY.md).
/// The cost keys of actions and measures and a scenario's `economics:` and `adjust:`
/// (docs/COSTS.md).
fn costs(d: &mut Map<String, Value>) {
    let money = json!({ "anyOf": [
        r("quantity"),
        object(vec![("value", r("number")), ("per", text())], &["value", "per"]),
    ] });
    put(d, "cost_money", with_doc(money, "An amount with its currency (`\"12 MYR million\"`) or `{ value, per }` (`per: MYR/kW`)."));
    put(
        d,
        "cost",
        with_doc(
            object(
                vec![
                    ("price_year", r("year")),
                    ("capex", r("cost_money")),
                    ("year", r("year")),
                    ("lifetime", r("quantity")),
                    ("fixed_om", r("cost_money")),
                    ("variable_om", r("cost_money")),
                    ("notes", text()),
                ],
                &["price_year"],
            ),
            "The cost of an action or measure (docs/COSTS.md).",
        ),
    );
    put(
        d,
        "scenario_economics",
        with_doc(
            object(
                vec![
                    ("currency", one_of_names(&CURRENCIES)),
                    ("price_year", r("year")),
                    ("discount_rate", r("number")),
                    ("discount_year", r("year")),
                    ("energy_prices", one_of_names(&price_set_names())),
                    ("price_kind", json!({ "enum": ["consumer", "market"] })),
                    ("fuel_prices", map_of(r("series"), "^[a-z][a-z0-9_]*$")),
                ],
                &["currency", "price_year", "discount_rate"],
            ),
            "The money basis, discounting and energy prices of a scenario's costs (docs/COSTS.md).",
        ),
    );
    let mut adjustment = object(
        vec![
            ("ambition", r("number")),
            ("size", r("quantity")),
            ("start", r("year")),
        ],
        &[],
    );
    adjustment["not"] = json!({ "required": ["ambition", "size"] });
    put(d, "adjustment", adjustment);
}

/// The names of the shipped price sets (data/prices/sets.csv).
fn price_set_names() -> Vec<&'static str> {
    lcs_econ::prices::price_sets()
        .iter()
        .map(|s| s.name.as_str())
        .collect()
}

fn scenario(d: &mut Map<String, Value>) {
    costs(d);
    let waste = waste_types();
    let mut measure = object(
        vec![
            ("id", text()),
            ("name", text()),
            ("lever", one_of_names(&LEVERS)),
            (
                "target",
                with_doc(text(), "A parameter path (`lcs paths`)."),
            ),
            ("start", r("year")),
            ("full", r("year")),
            ("ramp", one_of_names(&lcs_levers::Ramp::NAMES)),
            (
                "until",
                with_doc(
                    r("year"),
                    "The first year without effect (docs/EXTENSIONS.md).",
                ),
            ),
            ("by", r("series")),
            (
                "value",
                json!({ "anyOf": [r("series"), map_of(r("number"), "^.+$")] }),
            ),
            ("amount", r("series")),
            ("from", strings()),
            ("to", strings()),
            ("capacity", r("series")),
            ("capacity_factor", r("series")),
            ("generation", r("series")),
            ("degradation", r("number")),
            ("mass", r("series")),
            ("types", names_or_list(&waste)),
            ("fuel", pattern(NAME)),
            ("ratio", r("number")),
            ("factor", r("series")),
            ("instrument", text()),
            ("cost", r("cost")),
        ],
        &["id", "lever", "target", "start"],
    );
    measure["allOf"] = json!(lever_rules());
    put(d, "measure", measure);
    put(
        d,
        "action",
        object(
            vec![
                ("id", text()),
                ("name", text()),
                ("theme", text()),
                ("agency", strings()),
                ("kpi", text()),
                ("measures", list_of(r("measure"))),
                ("cost", r("cost")),
                (
                    "projects",
                    with_doc(
                        strings(),
                        "Project files (`FILE` or `FILE#ID`) whose projects become measures of this action (docs/PROJECTS.md, \"Projects in scenarios\").",
                    ),
                ),
                (
                    "ecotown",
                    with_doc(
                        strings(),
                        "Eco-town network files whose exchanges become measures of this action (docs/ECOTOWN.md).",
                    ),
                ),
                (
                    "additional_to",
                    with_doc(
                        strings(),
                        "Measure ids that the measures of this action's links are stated additional to: their overlaps are notes, not warnings (docs/ECOTOWN.md, \"Double counting\").",
                    ),
                ),
            ],
            &["id"],
        ),
    );
    put(d, "actions", list_of(r("action")));
    let mut target = object(
        vec![
            ("id", text()),
            ("metric", json!({ "enum": ["emissions", "intensity"] })),
            ("driver", pattern(NAME)),
            ("year", r("year")),
            ("reduction", r("number")),
            (
                "relative_to",
                json!({ "anyOf": [r("year"), { "const": "reference" }] }),
            ),
            ("at_most", r("quantity")),
        ],
        &["id", "metric", "year"],
    );
    target["oneOf"] = json!([
        { "required": ["reduction", "relative_to"] },
        { "required": ["at_most"] }
    ]);
    target["not"] = json!({ "anyOf": [
        { "required": ["reduction", "at_most"] },
        { "required": ["relative_to", "at_most"] }
    ] });
    target["if"] =
        json!({ "properties": { "metric": { "const": "intensity" } }, "required": ["metric"] });
    target["then"] = json!({ "required": ["driver"] });
    target["else"] = json!({ "not": { "required": ["driver"] } });
    put(d, "target", target);
    let dist = |keys: &[&str]| -> Value {
        let mut p: Vec<(&str, Value)> = vec![
            ("id", text()),
            ("path", text()),
            (
                "as",
                json!({ "enum": ["multiplier", "level", "trend", "absolute"] }),
            ),
            ("distribution", text()),
        ];
        for k in keys {
            let v = match *k {
                "values" => json!({ "type": "array", "items": r("quantity") }),
                "weights" => json!({ "type": "array", "items": r("number") }),
                // A value in `as: absolute` may carry a unit (`"0.5 t CO2/MWh"`).
                _ => r("quantity"),
            };
            p.push((k, v));
        }
        object(p, &["path", "distribution"])
    };
    let distributions: Vec<Value> = crate::uncertainty::DISTRIBUTIONS
        .iter()
        .map(|(dname, keys)| {
            let mut o = dist(keys);
            o["properties"]["distribution"] = json!({ "const": dname });
            o
        })
        .collect();
    put(d, "uncertain_parameter", json!({ "oneOf": distributions }));
    put(
        d,
        "correlation",
        object(
            vec![
                (
                    "between",
                    json!({ "type": "array", "items": text(), "minItems": 2, "maxItems": 2 }),
                ),
                ("rank", r("number")),
            ],
            &["between", "rank"],
        ),
    );
    put(
        d,
        "uncertainty",
        object(
            vec![
                ("parameters", list_of(r("uncertain_parameter"))),
                ("correlations", list_of(r("correlation"))),
            ],
            &[],
        ),
    );
    let mut scenario = object(
        vec![
            ("scenario", text()),
            ("name", text()),
            ("model", text()),
            ("extends", text()),
            (
                "overrides",
                with_doc(
                    map_of(
                        json!({ "anyOf": [r("activity"), r("shares")] }),
                        "^.+$",
                    ),
                    "Parameter path (`lcs paths`) → a series, activity or share map that replaces it.",
                ),
            ),
            ("packages", strings()),
            ("actions", r("actions")),
            ("targets", list_of(r("target"))),
            ("uncertainty", r("uncertainty")),
            ("economics", r("scenario_economics")),
            (
                "adjust",
                with_doc(
                    map_of(r("adjustment"), "^.+$"),
                    "Action or measure id → an adjustment of the inherited action (docs/EXTENSIONS.md, \"Adjusting inherited actions\").",
                ),
            ),
        ],
        &["scenario"],
    );
    scenario["oneOf"] = json!([{ "required": ["model"] }, { "required": ["extends"] }]);
    put(
        d,
        "scenario",
        with_doc(
            scenario,
            "A scenario file (MODEL.md §1.2): a model or a parent scenario, overrides, packages, actions, targets.",
        ),
    );
    put(
        d,
        "package",
        with_doc(
            object(
                vec![
                    ("package", text()),
                    ("name", text()),
                    (
                        "maps",
                        with_doc(
                            json!({ "type": "object", "additionalProperties": { "type": "string" } }),
                            "Path mappings for other regions' models: a path prefix of this package's targets → the prefix it becomes where the original does not exist (docs/EXTENSIONS.md, \"Package path mappings\").",
                        ),
                    ),
                    ("actions", r("actions")),
                ],
                &["package"],
            ),
            "A package file (MODEL.md §1.3): a named list of actions.",
        ),
    );
}

/// What a methodology requires, beyond the parameter keys it allows
/// ([`Methodology::parameter_keys`]): `then` of its rule on a project.
fn methodology_rule(m: Methodology) -> Value {
    let parameters = |required: &[&str]| json!({ "required": required });
    let (params, reference) = match m {
        Methodology::PvGrid => (capacity_or_generation(json!({})), json!({})),
        Methodology::PvCaptive => (
            capacity_or_generation(json!({})),
            json!({ "required": ["captive"] }),
        ),
        Methodology::EfficientEquipment => (
            parameters(&[
                "energy",
                "consumption",
                "efficiency_project",
                "efficiency_reference",
            ]),
            json!({}),
        ),
        Methodology::FuelSwitch => (parameters(&["from", "to", "fuel_consumption"]), json!({})),
        Methodology::WasteToEnergy => (parameters(&["throughput"]), json!({})),
        Methodology::SemiAerobicLandfill => (parameters(&["deposit"]), json!({})),
    };
    let mut reference = reference;
    if m != Methodology::PvCaptive {
        reference["not"] = json!({ "required": ["captive"] });
    }
    let mut params = params;
    params["propertyNames"] = json!({ "enum": m.parameter_keys() });
    let mut then = json!({
        "properties": {
            "parameters": params,
            "reference": reference,
            "economics": { "properties": { "revenue": { "propertyNames": { "enum": m.revenue_keys() } } } }
        }
    });
    if m == Methodology::PvCaptive {
        then["required"] = json!(["reference"]);
    }
    json!({
        "if": { "properties": { "methodology": { "const": m.name() } }, "required": ["methodology"] },
        "then": then
    })
}

/// Project and pipeline files (docs/PROJECTS.md).
fn project(d: &mut Map<String, Value>) {
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
    let waste = waste_types();
    let methodologies: Vec<&str> = Methodology::ALL.iter().map(|m| m.name()).collect();
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.name()).collect();
    let incinerators: Vec<&str> = Incinerator::ALL.iter().map(|i| i.name()).collect();
    put(
        d,
        "money_object",
        object(
            vec![("value", r("quantity")), ("price_year", r("year"))],
            &["value"],
        ),
    );
    put(
        d,
        "money",
        with_doc(
            json!({ "anyOf": [r("quantity"), r("money_object")] }),
            "A number in the project's currency unit, a value with its own currency (\"5 JPY billion\", \"0.40 MYR/kWh\"), or `{ value, price_year }` (docs/PROJECTS.md).",
        ),
    );
    put(
        d,
        "project_parameters",
        with_doc(
            object(
                vec![
                    ("capacity", r("quantity")),
                    ("capacity_factor", r("number")),
                    ("generation", r("quantity")),
                    ("degradation", r("number")),
                    ("energy", pattern(NAME)),
                    ("consumption", r("quantity")),
                    ("efficiency_project", r("number")),
                    ("efficiency_reference", r("number")),
                    ("category", one_of_names(&categories)),
                    ("from", pattern(NAME)),
                    ("to", pattern(NAME)),
                    ("fuel_consumption", r("quantity")),
                    ("efficiency_from", r("number")),
                    ("efficiency_to", r("number")),
                    ("throughput", r("quantity")),
                    ("availability", r("number")),
                    ("net_export", r("quantity")),
                    ("auxiliary_fuel", map_of(r("quantity"), NAME)),
                    ("composition", keyed(&waste, r("number"))),
                    ("technology", one_of_names(&incinerators)),
                    ("deposit", r("quantity")),
                    ("mcf_project", r("number")),
                    ("electricity", r("quantity")),
                    (
                        "node",
                        with_doc(
                            text(),
                            "The demand node (`demand.<node>`) the project's measures act on when a scenario links it (docs/PROJECTS.md, \"Projects in scenarios\").",
                        ),
                    ),
                ],
                &[],
            ),
            "The methodology's parameters (docs/PROJECTS.md, \"Parameters by methodology\"); each methodology takes some of these keys.",
        ),
    );
    put(
        d,
        "captive",
        object(
            vec![("fuel", pattern(NAME)), ("efficiency", r("number"))],
            &["fuel", "efficiency"],
        ),
    );
    put(
        d,
        "project_reference",
        object(
            vec![
                (
                    "grid_factor",
                    json!({ "anyOf": [{ "const": "model" }, r("quantity")] }),
                ),
                ("captive", json!({ "anyOf": [r("captive"), r("quantity")] })),
                ("conservativeness", r("number")),
            ],
            &[],
        ),
    );
    put(
        d,
        "project_revenue",
        object(
            vec![
                ("electricity_tariff", r("money")),
                ("energy_price", r("money")),
                ("gate_fee", r("money")),
                ("fuel_prices", map_of(r("money"), NAME)),
                ("annual", r("money")),
            ],
            &[],
        ),
    );
    let mut economics = object(
        vec![
            (
                "currency",
                with_doc(
                    text(),
                    "The currency unit of bare numbers: `MYR`, `MYR million`, `JPY billion`, …",
                ),
            ),
            ("price_year", r("year")),
            ("capex", r("money")),
            ("opex", r("money")),
            ("revenue", r("project_revenue")),
            ("subsidy_share", r("number")),
            ("subsidy", r("money")),
            ("discount_rate", r("number")),
        ],
        &["currency", "discount_rate"],
    );
    economics["not"] = json!({ "required": ["subsidy_share", "subsidy"] });
    put(d, "project_economics", economics);
    let rules: Vec<Value> = Methodology::ALL.into_iter().map(methodology_rule).collect();
    put(
        d,
        "methodology_rules",
        with_doc(
            json!({ "allOf": rules }),
            "The parameters, revenue and reference each methodology takes.",
        ),
    );
    let project = |required: &[&str], doc: &str| -> Value {
        let mut o = object(
            vec![
                ("project", text()),
                ("name", text()),
                (
                    "region",
                    with_doc(
                        text(),
                        "The path of the model file whose grid, waste and factors the project uses.",
                    ),
                ),
                ("methodology", one_of_names(&methodologies)),
                ("start", r("year")),
                (
                    "lifetime",
                    with_doc(
                        r("quantity"),
                        "The crediting period, whole years ≥ 1 (`\"20 yr\"` or `20`).",
                    ),
                ),
                ("parameters", r("project_parameters")),
                ("reference", r("project_reference")),
                ("economics", r("project_economics")),
                ("agency", strings()),
                ("status", one_of_names(&statuses)),
                ("notes", text()),
            ],
            required,
        );
        o["allOf"] = json!([r("methodology_rules")]);
        with_doc(o, doc)
    };
    let core = ["project", "methodology", "start", "lifetime", "parameters"];
    let mut file_required = core.to_vec();
    file_required.insert(1, "region");
    put(
        d,
        "project",
        project(
            &file_required,
            "A project file (docs/PROJECTS.md): one mitigation project, appraised as the JCM would.",
        ),
    );
    put(
        d,
        "pipeline_project",
        project(
            &core,
            "A project of a pipeline; without `region` it uses the pipeline's.",
        ),
    );
    let mut projects = object(
        vec![
            (
                "projects",
                list_of(json!({ "anyOf": [
                    with_doc(text(), "The path of a `project:` file, relative to this file."),
                    r("pipeline_project")
                ] })),
            ),
            ("region", text()),
            ("name", text()),
        ],
        &["projects"],
    );
    // Without a shared `region`, every project written here names its own.
    projects["if"] = json!({ "not": { "required": ["region"] } });
    projects["then"] = json!({ "properties": { "projects": { "anyOf": [
        { "type": "null" },
        { "type": "array", "items": { "anyOf": [{ "type": "string" }, { "required": ["region"] }] } }
    ] } } });
    put(
        d,
        "projects",
        with_doc(
            projects,
            "A pipeline file (docs/PROJECTS.md): projects, or paths of project files, with an optional shared `region`.",
        ),
    );
}

/// Eco-town network files (docs/ECOTOWN.md).
fn ecotown(d: &mut Map<String, Value>) {
    let waste = waste_types();
    put(
        d,
        "network_economics",
        object(
            vec![
                ("currency", one_of_names(&CURRENCIES)),
                ("price_year", r("year")),
                ("discount_rate", r("number")),
                ("base_year", r("year")),
            ],
            &["currency", "price_year", "discount_rate"],
        ),
    );
    put(
        d,
        "facility",
        object(
            vec![
                ("id", pattern(ID)),
                ("name", text()),
                ("sector", text()),
                ("inside_region", json!({ "type": "boolean" })),
                (
                    "production",
                    with_doc(
                        map_of(r("series"), "^.+$"),
                        "Material → the mass the facility produces per year.",
                    ),
                ),
                (
                    "node",
                    with_doc(
                        text(),
                        "The demand node (`demand.<node>`) whose final energy holds the facility's energy use, for the link into scenarios (docs/ECOTOWN.md).",
                    ),
                ),
            ],
            &["id"],
        ),
    );
    put(
        d,
        "inventory_entry",
        object(
            vec![
                ("target", text()),
                ("fuel", pattern(NAME)),
                ("energy", r("quantity")),
            ],
            &["target"],
        ),
    );
    put(
        d,
        "substitute",
        object(
            vec![("material", text()), ("ratio", r("quantity"))],
            &["material", "ratio"],
        ),
    );
    put(
        d,
        "exchange_economics",
        object(
            vec![
                ("price_year", r("year")),
                ("capex", r("quantity")),
                ("opex", r("quantity")),
                ("disposal_fee", r("quantity")),
                ("avoided_purchase", r("quantity")),
            ],
            &["price_year"],
        ),
    );
    put(
        d,
        "exchange",
        object(
            vec![
                ("id", pattern(ID)),
                ("name", text()),
                ("from", pattern(ID)),
                ("to", pattern(ID)),
                (
                    "material",
                    with_doc(text(), "A material id of `data/factors/materials.csv`."),
                ),
                (
                    "waste_type",
                    json!({ "anyOf": [one_of_names(&waste), keyed(&waste, r("number"))] }),
                ),
                ("mass", r("series")),
                ("start", r("year")),
                ("end", r("year")),
                (
                    "substitutes",
                    json!({ "anyOf": [r("substitute"), { "type": "array", "items": r("substitute") }] }),
                ),
                (
                    "processing",
                    with_doc(
                        map_of(r("quantity"), NAME),
                        "Fuel → energy per tonne of by-product.",
                    ),
                ),
                ("treatment", one_of_names(&TREATMENTS)),
                (
                    "transport",
                    object(
                        vec![
                            ("distance", r("quantity")),
                            (
                                "mode",
                                with_doc(text(), "A mode of `data/factors/transport_modes.csv`."),
                            ),
                        ],
                        &["distance", "mode"],
                    ),
                ),
                ("otherwise", one_of_names(&Otherwise::NAMES)),
                ("economics", r("exchange_economics")),
                (
                    "municipal",
                    with_doc(
                        json!({ "type": "boolean" }),
                        "The by-product is part of the region model's municipal waste (docs/ECOTOWN.md).",
                    ),
                ),
            ],
            &["id", "from", "to", "material", "mass", "otherwise"],
        ),
    );
    let mut network = object(
        vec![
            ("ecotown", text()),
            ("name", text()),
            ("region", text()),
            ("economics", r("network_economics")),
            ("facilities", list_of(r("facility"))),
            ("exchanges", list_of(r("exchange"))),
            (
                "inventory",
                with_doc(
                    map_of(
                        json!({ "anyOf": [text(), r("inventory_entry")] }),
                        "^.+$",
                    ),
                    "Substituted material → the model quantity that makes it (`sources.<path>.activity` or `demand.<node>.energy`), for the link into scenarios (docs/ECOTOWN.md).",
                ),
            ),
        ],
        &["ecotown", "region", "facilities"],
    );
    // An exchange's money needs the network's basis.
    network["if"] = json!({ "not": { "required": ["economics"] } });
    network["then"] = json!({ "properties": { "exchanges": { "anyOf": [
        { "type": "null" },
        { "type": "array", "items": { "not": { "required": ["economics"] } } }
    ] } } });
    put(
        d,
        "ecotown",
        with_doc(
            network,
            "An eco-town network file (docs/ECOTOWN.md): facilities and the by-product exchanges between them.",
        ),
    );
}

/// The schema as a JSON value.
pub fn schema() -> Value {
    let kinds: Vec<Value> = KINDS.iter().map(|(_, def)| r(def)).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "lcs scenario files",
        "description": "A model (`region:`), scenario (`scenario:`), package (`package:`), project (`project:`), pipeline (`projects:`) or eco-town network (`ecotown:`) file of the lcs scenario language (docs/LANGUAGE.md). Generated by `lcs schema`.",
        "oneOf": kinds,
        "$defs": defs(),
    })
}

/// The schema as pretty-printed JSON text (the same bytes every time).
pub fn json() -> String {
    serde_json::to_string_pretty(&schema()).unwrap_or_default()
}

/// The keys a file kind's top level allows, from the schema: `kind` is a [`KINDS`] `$defs`
/// name (`model`, `scenario`, `package`, `project`, `projects`, `ecotown`).
pub fn top_level_keys(kind: &str) -> Vec<String> {
    schema()["$defs"][kind]["properties"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Keys the readers accept, by the JSON pointer of their closed object in the schema, for
/// the consistency test. Gas keys are listed with the other casing the readers accept.
#[cfg(test)]
fn reader_keys() -> Vec<(String, Vec<String>)> {
    use crate::check_model::*;
    use crate::ecotown::{
        EXCHANGE_ECONOMICS_KEYS, EXCHANGE_KEYS, FACILITY_KEYS, NETWORK_ECONOMICS_KEYS,
        SUBSTITUTE_KEYS, TOP_KEYS, TRANSPORT_KEYS,
    };
    use crate::project::{
        CAPTIVE_KEYS, ECONOMICS_KEYS, MONEY_KEYS, PIPELINE_KEYS, PROJECT_KEYS, REFERENCE_KEYS,
        REVENUE_KEYS,
    };
    use crate::read::{ACTIVITY_KEYS, SERIES_KEYS};
    use crate::routes::TYPE_ROUTES_KEYS;
    use crate::scenario::{ACTION_KEYS, MEASURE_KEYS, PACKAGE_KEYS, SCENARIO_KEYS, TARGET_KEYS};
    use crate::uncertainty::{CORRELATION_KEYS, UNCERTAINTY_KEYS};
    use crate::wastewater::{DOMESTIC_KEYS, INDUSTRY_KEYS, STREAM_KEYS, WASTEWATER_KEYS};
    let plain = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let gas = |k: &[&str]| {
        gas_props(k, |_| json!({}))
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    };
    let both = |a: &[&str], b: &[&str]| plain(&[a, b].concat());
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
    let waste = waste_types();
    let mut parameter_keys: Vec<&str> = Vec::new();
    for m in Methodology::ALL {
        for k in m.parameter_keys() {
            if !parameter_keys.contains(k) {
                parameter_keys.push(k);
            }
        }
    }
    let d = "/$defs";
    let m = "/$defs/model/properties";
    let w = "/$defs/waste/properties";
    vec![
        // Values
        (format!("{d}/series_object"), plain(&SERIES_KEYS)),
        (
            format!("{d}/data_series"),
            plain(&crate::datafile::DATA_KEYS),
        ),
        (format!("{d}/driver_activity"), plain(&ACTIVITY_KEYS)),
        // Model
        (format!("{d}/model"), plain(&MODEL_KEYS)),
        (format!("{m}/region"), plain(&REGION_KEYS)),
        (format!("{m}/years"), plain(&YEARS_KEYS)),
        (format!("{m}/units"), plain(&UNITS_KEYS)),
        (format!("{m}/report"), plain(&REPORT_KEYS)),
        (
            format!("{m}/report/properties/gpc"),
            plain(&crate::check_model::GPC_KEYS),
        ),
        (format!("{d}/node"), plain(&NODE_KEYS)),
        (format!("{d}/fuel_override"), gas(&FUEL_KEYS)),
        (format!("{d}/category_factors"), plain(&categories)),
        (format!("{d}/electricity"), plain(&ELECTRICITY_KEYS)),
        (format!("{d}/plant"), plain(&PLANT_KEYS)),
        (format!("{d}/local_unit"), plain(&LOCAL_UNIT_KEYS)),
        (format!("{d}/waste"), plain(&WASTE_KEYS)),
        (format!("{w}/composition"), plain(&waste)),
        (format!("{d}/mixed_routes"), plain(&ROUTES)),
        (format!("{d}/type_routes"), plain(&TYPE_ROUTES_KEYS)),
        (format!("{d}/type_routes/properties/by_type"), plain(&waste)),
        (format!("{w}/accepts"), plain(&ROUTES)),
        (format!("{d}/landfill"), plain(&LANDFILL_KEYS)),
        (format!("{d}/landfill/properties/k"), plain(&waste)),
        (
            format!("{d}/landfill/properties/history"),
            plain(&HISTORY_KEYS),
        ),
        (format!("{w}/incineration"), plain(&INCINERATION_KEYS)),
        (format!("{w}/composting"), gas(&COMPOSTING_KEYS)),
        (format!("{w}/anaerobic_digestion"), gas(&DIGESTION_KEYS)),
        (format!("{d}/wastewater"), plain(&WASTEWATER_KEYS)),
        (
            format!("{d}/domestic_wastewater"),
            both(&DOMESTIC_KEYS, &STREAM_KEYS),
        ),
        (
            format!("{d}/industrial_wastewater"),
            both(&INDUSTRY_KEYS, &STREAM_KEYS),
        ),
        (format!("{d}/source"), plain(&SOURCE_KEYS)),
        (
            format!("{d}/refrigerant"),
            plain(&crate::inventory::REFRIGERANT_KEYS),
        ),
        (format!("{d}/land"), plain(&crate::inventory::LAND_KEYS)),
        (
            format!("{d}/supply_plant"),
            plain(&crate::inventory::SUPPLY_PLANT_KEYS),
        ),
        (
            format!("{d}/source/properties/factors"),
            gas(&SourceGas::NAMES),
        ),
        // Scenario and package
        (format!("{d}/scenario"), plain(&SCENARIO_KEYS)),
        (format!("{d}/package"), plain(&PACKAGE_KEYS)),
        (format!("{d}/action"), plain(&ACTION_KEYS)),
        (format!("{d}/measure"), plain(&MEASURE_KEYS)),
        (format!("{d}/target"), plain(&TARGET_KEYS)),
        (format!("{d}/uncertainty"), plain(&UNCERTAINTY_KEYS)),
        (format!("{d}/correlation"), plain(&CORRELATION_KEYS)),
        (
            format!("{d}/inventory_entry"),
            plain(&crate::ecotown::INVENTORY_ENTRY_KEYS),
        ),
        (format!("{d}/cost"), plain(&crate::costs::COST_KEYS)),
        (
            format!("{d}/scenario_economics"),
            plain(&crate::costs::ECONOMICS_KEYS),
        ),
        (format!("{d}/adjustment"), plain(&crate::costs::ADJUST_KEYS)),
        // Project and pipeline
        (format!("{d}/project"), plain(&PROJECT_KEYS)),
        (format!("{d}/pipeline_project"), plain(&PROJECT_KEYS)),
        (format!("{d}/projects"), plain(&PIPELINE_KEYS)),
        (format!("{d}/project_parameters"), plain(&parameter_keys)),
        (format!("{d}/project_reference"), plain(&REFERENCE_KEYS)),
        (format!("{d}/captive"), plain(&CAPTIVE_KEYS)),
        (format!("{d}/money_object"), plain(&MONEY_KEYS)),
        (format!("{d}/project_economics"), plain(&ECONOMICS_KEYS)),
        (format!("{d}/project_revenue"), plain(&REVENUE_KEYS)),
        // Eco-town network
        (format!("{d}/ecotown"), plain(&TOP_KEYS)),
        (
            format!("{d}/network_economics"),
            plain(&NETWORK_ECONOMICS_KEYS),
        ),
        (format!("{d}/facility"), plain(&FACILITY_KEYS)),
        (format!("{d}/exchange"), plain(&EXCHANGE_KEYS)),
        (
            format!("{d}/exchange_economics"),
            plain(&EXCHANGE_ECONOMICS_KEYS),
        ),
        (format!("{d}/substitute"), plain(&SUBSTITUTE_KEYS)),
        (
            format!("{d}/exchange/properties/transport"),
            plain(&TRANSPORT_KEYS),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of the closed object at `pointer`, or a failure naming it.
    fn props(s: &Value, pointer: &str) -> Vec<String> {
        let o = s
            .pointer(pointer)
            .unwrap_or_else(|| panic!("the schema has `{pointer}`"));
        assert_eq!(
            o["additionalProperties"],
            json!(false),
            "`{pointer}` is closed"
        );
        o["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("`{pointer}` has properties"))
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn the_data_series_form_has_every_key_the_reader_accepts() {
        let s = schema();
        let forms = s["$defs"]["series"]["anyOf"]
            .as_array()
            .expect("series alternatives");
        assert!(
            forms.contains(&r("data_series")),
            "a series may be read from a data file"
        );
        let data = &s["$defs"]["data_series"];
        let props = data["properties"].as_object().expect("properties");
        let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut want = crate::datafile::DATA_KEYS.to_vec();
        want.sort_unstable();
        assert_eq!(keys, want);
        assert_eq!(data["additionalProperties"], json!(false));
    }

    #[test]
    fn every_key_the_readers_accept_is_in_the_schema() {
        let s = schema();
        for (pointer, keys) in reader_keys() {
            let in_schema = props(&s, &pointer);
            for k in &keys {
                assert!(
                    in_schema.contains(k),
                    "key `{k}` of `{pointer}` is read but missing from the schema (crates/lcs-model/src/schema.rs)"
                );
            }
            // And the schema allows no key the reader rejects.
            for k in &in_schema {
                assert!(
                    keys.contains(k),
                    "the schema allows `{k}` in `{pointer}`, the reader does not"
                );
            }
        }
    }

    #[test]
    fn each_lever_allows_its_own_keys() {
        use crate::scenario::MEASURE_KEYS;
        let s = schema();
        let rules = s["$defs"]["measure"]["allOf"].as_array().expect("allOf");
        assert_eq!(rules.len(), LEVERS.len(), "one rule per lever");
        for (lever, rule) in LEVERS.iter().zip(rules) {
            assert_eq!(rule["if"]["properties"]["lever"]["const"], json!(lever));
            let mut want: Vec<&str> = MEASURE_COMMON_KEYS.to_vec();
            want.extend_from_slice(lever_keys(lever));
            assert_eq!(
                rule["then"]["propertyNames"]["enum"],
                json!(want),
                "{lever}"
            );
            for k in &want {
                assert!(
                    MEASURE_KEYS.contains(k),
                    "`{k}` of `{lever}` is a measure key"
                );
            }
            // What a rule requires is a key the lever allows.
            for k in rule["then"]["required"].as_array().into_iter().flatten() {
                assert!(want.contains(&k.as_str().expect("text")), "{lever}: {k}");
            }
        }
        // Every measure key belongs to some lever or to every measure.
        for k in MEASURE_KEYS {
            assert!(
                MEASURE_COMMON_KEYS.contains(&k)
                    || LEVERS.iter().any(|l| lever_keys(l).contains(&k)),
                "`{k}`"
            );
        }
    }

    #[test]
    fn each_methodology_allows_its_own_parameters_and_revenue() {
        let s = schema();
        for def in ["project", "pipeline_project"] {
            assert_eq!(
                s["$defs"][def]["allOf"],
                json!([r("methodology_rules")]),
                "{def}"
            );
        }
        let rules = s["$defs"]["methodology_rules"]["allOf"]
            .as_array()
            .expect("allOf");
        assert_eq!(rules.len(), Methodology::ALL.len());
        for (m, rule) in Methodology::ALL.iter().zip(rules) {
            assert_eq!(
                rule["if"]["properties"]["methodology"]["const"],
                json!(m.name())
            );
            let then = &rule["then"]["properties"];
            assert_eq!(
                then["parameters"]["propertyNames"]["enum"],
                json!(m.parameter_keys()),
                "{}",
                m.name()
            );
            assert_eq!(
                then["economics"]["properties"]["revenue"]["propertyNames"]["enum"],
                json!(m.revenue_keys()),
                "{}",
                m.name()
            );
            for k in then["parameters"]["required"]
                .as_array()
                .into_iter()
                .flatten()
            {
                assert!(m.parameter_keys().contains(&k.as_str().expect("text")));
            }
        }
    }

    #[test]
    fn each_distribution_allows_its_own_keys() {
        use crate::uncertainty::{DISTRIBUTIONS, PARAMETER_KEYS};
        let s = schema();
        for (i, (dist, keys)) in DISTRIBUTIONS.iter().enumerate() {
            let pointer = format!("/$defs/uncertain_parameter/oneOf/{i}");
            assert_eq!(
                s.pointer(&format!("{pointer}/properties/distribution/const")),
                Some(&json!(dist))
            );
            let mut want: Vec<&str> = PARAMETER_KEYS.to_vec();
            want.extend_from_slice(keys);
            let mut got = props(&s, &pointer);
            got.sort();
            want.sort();
            assert_eq!(got, want, "{dist}");
        }
    }

    /// Every object schema in the tree says what its other keys may be: `false` (closed) or
    /// the schema of the values of a mapping of free names.
    #[test]
    fn every_mapping_is_closed() {
        fn walk(v: &Value, at: &str, open: &mut Vec<String>) {
            match v {
                Value::Object(o) => {
                    if o.get("type") == Some(&json!("object"))
                        && !o.contains_key("additionalProperties")
                    {
                        open.push(at.to_string());
                    }
                    for (k, x) in o {
                        walk(x, &format!("{at}/{k}"), open);
                    }
                }
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        walk(x, &format!("{at}/{i}"), open);
                    }
                }
                _ => {}
            }
        }
        let mut open = Vec::new();
        walk(&schema(), "", &mut open);
        assert!(open.is_empty(), "open mappings: {open:?}");
    }

    #[test]
    fn every_reference_resolves() {
        fn walk(v: &Value, refs: &mut Vec<String>) {
            match v {
                Value::Object(o) => {
                    if let Some(Value::String(r)) = o.get("$ref") {
                        refs.push(r.clone());
                    }
                    o.values().for_each(|x| walk(x, refs));
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, refs)),
                _ => {}
            }
        }
        let s = schema();
        let mut refs = Vec::new();
        walk(&s, &mut refs);
        assert!(refs.len() > 50, "{} references", refs.len());
        for r in refs {
            let p = r.strip_prefix('#').expect("a local reference");
            assert!(s.pointer(p).is_some(), "`{r}` resolves");
        }
    }

    #[test]
    fn every_kind_is_a_def_and_the_text_is_stable() {
        let s = schema();
        for (key, def) in KINDS {
            let d = &s["$defs"][def];
            assert!(d.is_object(), "`$defs.{def}`");
            let required = d["required"].as_array().expect("required keys");
            assert!(required.contains(&json!(key)), "`{def}` requires `{key}`");
        }
        assert_eq!(s["oneOf"].as_array().map(Vec::len), Some(KINDS.len()));
        assert_eq!(json(), json(), "same bytes every time");
        assert!(json().starts_with('{'));
    }

    #[test]
    fn the_kind_is_decided_as_the_loader_decides_it() {
        use crate::scenario::FileKind;
        let cases: [(&[&str], Option<&str>); 10] = [
            (&["region", "years", "gwp"], Some("model")),
            // A project and an eco-town network name their model under `region:`.
            (&["region", "project"], Some("project")),
            (&["region", "projects"], Some("projects")),
            (&["projects", "project"], Some("projects")),
            (&["region", "ecotown", "project"], Some("ecotown")),
            (&["scenario", "model"], Some("scenario")),
            (&["package", "name"], Some("package")),
            (&["scenario", "region"], Some("scenario")),
            (&["region", "scenario"], Some("model")),
            (&["name"], None),
        ];
        for (keys, want) in cases {
            assert_eq!(kind_of(keys), want, "{keys:?}");
            let text: String = keys.iter().map(|k| format!("{k}: x\n")).collect();
            let node = crate::yaml::parse(crate::FileId(0), &text).expect("YAML");
            let loader = crate::Loader::new();
            let got = loader.kind(&node, std::path::Path::new("f.yaml")).ok();
            let got = got.map(|k| match k {
                FileKind::Model => "model",
                FileKind::Scenario => "scenario",
                FileKind::Package => "package",
                FileKind::Ecotown => "ecotown",
                FileKind::Project if keys.contains(&"projects") => "projects",
                FileKind::Project => "project",
            });
            assert_eq!(got, want, "the loader on {keys:?}");
        }
    }

    #[test]
    fn names_come_from_the_embedded_tables() {
        let s = schema();
        let cats = s["$defs"]["node"]["properties"]["category"]["enum"]
            .as_array()
            .expect("enum");
        assert_eq!(cats.len(), Category::ALL.len());
        let gwp = s["$defs"]["model"]["properties"]["gwp"]["enum"]
            .as_array()
            .expect("enum");
        assert_eq!(gwp.len(), GwpSet::ALL.len());
        let levers = s["$defs"]["measure"]["properties"]["lever"]["enum"]
            .as_array()
            .expect("enum");
        assert_eq!(levers.len(), LEVERS.len());
        let methodologies = s["$defs"]["project"]["properties"]["methodology"]["enum"]
            .as_array()
            .expect("enum");
        assert_eq!(methodologies.len(), Methodology::ALL.len());
        let otherwise = s["$defs"]["exchange"]["properties"]["otherwise"]["enum"]
            .as_array()
            .expect("enum");
        assert_eq!(otherwise.len(), Otherwise::NAMES.len());
    }
}
