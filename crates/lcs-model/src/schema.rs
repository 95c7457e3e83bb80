//! The JSON Schema (draft 2020-12) of every file kind the loader reads: model, scenario,
//! package (MODEL.md §1, with lcs's extensions). `lcs schema` prints it; editors use it
//! for completion and checks while a file is written (docs/LANGUAGE.md, "Editor set-up").
//!
//! The schema describes the same keys as the readers and no more: every mapping is closed
//! (`additionalProperties: false`), as an unknown key is an error (MODEL.md §1). It cannot
//! check what needs the whole model (units and dimensions, names of drivers, nodes and
//! paths, share sums); `lcs validate` does. Names that come from `data/` (categories, GWP
//! sets, waste types) are read from the embedded tables, so the schema cannot drift from
//! them.
//!
//! To add a file kind: write its `$defs` entry and add it to [`KINDS`]. To add a key: add
//! one property to its object below. The unit tests check that every key the readers
//! accept is in the schema, and the repository's tests validate every bundled YAML file
//! against it.

use crate::model::{SourceGas, ROUTES};
use lcs_factors::{Category, GwpSet, WasteType};
use serde_json::{json, Map, Value};

/// Every file kind: its top-level key (which tells the kind) and its `$defs` name.
pub const KINDS: [(&str, &str); 3] = [
    ("region", "model"),
    ("scenario", "scenario"),
    ("package", "package"),
];

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

/// An object whose keys are free names and whose values follow `value`.
fn map_of(value: Value, names: &str) -> Value {
    json!({ "type": "object", "propertyNames": { "pattern": names }, "additionalProperties": value })
}

fn r(def: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{def}") })
}

fn with_doc(mut v: Value, doc: &str) -> Value {
    v["description"] = json!(doc);
    v
}

fn strings() -> Value {
    json!({ "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] })
}

/// Gas keys: the canonical spelling, and the other casing accepted with warning
/// `gas-key-case` (marked deprecated so that editors strike it through).
fn gas_props(gases: &[&str], value: Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for g in gases {
        out.push((g.to_string(), value.clone()));
        let lower = g.to_lowercase();
        if lower != *g {
            let mut v = value.clone();
            v["deprecated"] = json!(true);
            v["description"] = json!(format!("Write `{g}` (warning `gas-key-case`)."));
            out.push((lower, v));
        }
    }
    out
}

fn object_owned(props: Vec<(String, Value)>, required: &[&str]) -> Value {
    let props: Vec<(&str, Value)> = props.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    object(props, required)
}

/// The `$defs` shared by the file kinds.
fn defs() -> Map<String, Value> {
    let name = "^[a-z][a-z0-9_]*$";
    let node_name = "^[^/.]+$";
    let number_text = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$";
    let quantity_text = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(\s+\S.*)?\s*$";
    let year_key = r"^\s*-?\d+\s*$";
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
    let gwp: Vec<&str> = GwpSet::ALL.iter().map(|g| g.name()).collect();
    let waste: Vec<&str> = WasteType::ALL.iter().map(|t| t.name()).collect();
    let mut d = Map::new();
    let mut def = |k: &str, v: Value| {
        d.insert(k.to_string(), v);
    };
    def(
        "number",
        with_doc(
            json!({ "anyOf": [{ "type": "number" }, { "type": "string", "pattern": number_text }] }),
            "A number, or numeric text such as \"1.0e6\" (MODEL.md §11.2).",
        ),
    );
    def(
        "quantity",
        with_doc(
            json!({ "anyOf": [{ "type": "number" }, { "type": "string", "pattern": quantity_text }] }),
            "A number, or \"number unit\" such as \"20 GJ/household\" (MODEL.md §2).",
        ),
    );
    def(
        "year",
        json!({ "anyOf": [{ "type": "integer" }, { "type": "string", "pattern": year_key }] }),
    );
    def(
        "series",
        with_doc(
            json!({ "anyOf": [
                r("quantity"),
                {
                    "type": "object",
                    "properties": {
                        "value": r("quantity"),
                        "points": { "type": "object", "propertyNames": { "pattern": year_key }, "additionalProperties": r("quantity"), "minProperties": 1 },
                        "interp": { "enum": ["linear", "step", "cagr"] },
                        "base": r("quantity"),
                        "growth": { "anyOf": [r("quantity"), { "type": "object", "propertyNames": { "pattern": year_key }, "additionalProperties": r("quantity") }] },
                        "expr": { "type": "string" },
                        "unit": { "type": "string" }
                    },
                    "additionalProperties": false,
                    "oneOf": [
                        { "required": ["value"] },
                        { "required": ["points"] },
                        { "required": ["base"] },
                        { "required": ["expr"] }
                    ]
                }
            ] }),
            "A series (MODEL.md §3): a constant, `points`, `base` with `growth`, or `expr`.",
        ),
    );
    def(
        "activity",
        with_doc(
            json!({ "anyOf": [
                { "type": "string", "pattern": name },
                { "type": "object", "properties": { "driver": { "type": "string", "pattern": name }, "per": r("series") }, "required": ["driver"], "additionalProperties": false },
                r("series")
            ] }),
            "A driver name, `{ driver, per }` (driver × per), or a series with a unit (MODEL.md §4).",
        ),
    );
    def(
        "shares",
        with_doc(
            map_of(r("series"), "^.+$"),
            "A share map: item → share (a dimensionless series); shares sum to 1.",
        ),
    );
    def(
        "node",
        object(
            vec![
                ("activity", r("activity")),
                ("share", r("series")),
                ("intensity", r("series")),
                (
                    "fuels",
                    with_doc(
                        map_of(r("series"), name),
                        "Fuel → share of final energy (MODEL.md §4, §6).",
                    ),
                ),
                ("category", json!({ "enum": categories })),
                ("children", map_of(r("node"), node_name)),
            ],
            &[],
        ),
    );
    def(
        "per_category",
        json!({ "anyOf": [r("quantity"), object(categories.iter().map(|c| (*c, r("quantity"))).collect(), &[])] }),
    );
    def(
        "fuel_override",
        object_owned(
            {
                let mut p = gas_props(&["CO2"], r("quantity"));
                p.push(("biogenic".into(), json!({ "type": "boolean" })));
                p.extend(gas_props(&["CH4", "N2O"], r("per_category")));
                p
            },
            &[],
        ),
    );
    def(
        "electricity",
        object(
            vec![
                ("losses", r("series")),
                ("grid_factor", r("series")),
                (
                    "mix",
                    map_of(
                        object(
                            vec![
                                ("share", r("series")),
                                ("efficiency", r("number")),
                                ("fuel", json!({ "type": "string", "pattern": name })),
                            ],
                            &["share"],
                        ),
                        "^.+$",
                    ),
                ),
                (
                    "local",
                    map_of(
                        object(
                            vec![
                                ("capacity", r("series")),
                                ("capacity_factor", r("series")),
                                ("generation", r("series")),
                            ],
                            &[],
                        ),
                        "^.+$",
                    ),
                ),
            ],
            &[],
        ),
    );
    let waste_keys: Vec<(&str, Value)> = waste.iter().map(|w| (*w, r("series"))).collect();
    def(
        "waste",
        object(
            vec![
                ("generation", r("activity")),
                ("composition", object(waste_keys.clone(), &[])),
                (
                    "routes",
                    object(ROUTES.iter().map(|x| (*x, r("series"))).collect(), &[]),
                ),
                (
                    "landfill",
                    object(
                        vec![
                            ("mcf", r("number")),
                            ("oxidation", r("number")),
                            ("recovery", r("series")),
                            ("doc_f", r("number")),
                            ("f", r("number")),
                            (
                                "k",
                                object(waste.iter().map(|w| (*w, r("number"))).collect(), &[]),
                            ),
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
                ),
                (
                    "incineration",
                    object(vec![("electricity", r("series"))], &[]),
                ),
                (
                    "composting",
                    object_owned(gas_props(&["CH4", "N2O"], r("quantity")), &[]),
                ),
            ],
            &["generation", "composition", "routes"],
        ),
    );
    def(
        "source",
        object(
            vec![
                ("activity", r("activity")),
                (
                    "factors",
                    object_owned(gas_props(&SourceGas::NAMES, r("series")), &[]),
                ),
            ],
            &["activity", "factors"],
        ),
    );
    def(
        "model",
        with_doc(
            object(
                vec![
                    (
                        "region",
                        object(
                            vec![
                                ("id", json!({ "type": "string" })),
                                ("name", json!({ "type": "string" })),
                            ],
                            &["id"],
                        ),
                    ),
                    (
                        "years",
                        object(
                            vec![("base", r("year")), ("end", r("year"))],
                            &["base", "end"],
                        ),
                    ),
                    ("gwp", json!({ "enum": gwp })),
                    ("units", object(vec![("counts", strings())], &[])),
                    ("drivers", map_of(r("series"), name)),
                    ("demand", map_of(r("node"), node_name)),
                    ("electricity", r("electricity")),
                    ("fuels", map_of(r("fuel_override"), name)),
                    ("waste", r("waste")),
                    ("sources", map_of(r("source"), "^[^.]+$")),
                    (
                        "report",
                        object(
                            vec![(
                                "intensity",
                                json!({ "type": "array", "items": { "type": "string", "pattern": name } }),
                            )],
                            &[],
                        ),
                    ),
                ],
                &["region", "years", "gwp"],
            ),
            "A model file (MODEL.md §1.1): the region, its years, drivers and sectors.",
        ),
    );
    def(
        "measure",
        object(
            vec![
                ("id", json!({ "type": "string" })),
                ("name", json!({ "type": "string" })),
                (
                    "lever",
                    json!({ "enum": ["scale", "set", "add", "shift", "generation"] }),
                ),
                (
                    "target",
                    with_doc(
                        json!({ "type": "string" }),
                        "A parameter path (`lcs paths`).",
                    ),
                ),
                ("start", r("year")),
                ("full", r("year")),
                ("ramp", json!({ "enum": lcs_levers::Ramp::NAMES })),
                ("by", r("series")),
                (
                    "value",
                    json!({ "anyOf": [r("series"), map_of(r("number"), "^.+$")] }),
                ),
                ("amount", r("series")),
                ("from", strings()),
                ("to", strings()),
                ("capacity", r("quantity")),
                ("capacity_factor", r("number")),
                ("generation", r("quantity")),
            ],
            &["id", "lever", "target", "start"],
        ),
    );
    def(
        "action",
        object(
            vec![
                ("id", json!({ "type": "string" })),
                ("name", json!({ "type": "string" })),
                ("theme", json!({ "type": "string" })),
                ("agency", strings()),
                ("kpi", json!({ "type": "string" })),
                (
                    "measures",
                    json!({ "type": "array", "items": r("measure") }),
                ),
            ],
            &["id"],
        ),
    );
    def(
        "actions",
        json!({ "anyOf": [{ "type": "null" }, { "type": "array", "items": r("action") }] }),
    );
    def(
        "target",
        object(
            vec![
                ("id", json!({ "type": "string" })),
                ("metric", json!({ "enum": ["emissions", "intensity"] })),
                ("driver", json!({ "type": "string", "pattern": name })),
                ("year", r("year")),
                ("reduction", r("number")),
                (
                    "relative_to",
                    json!({ "anyOf": [r("year"), { "const": "reference" }] }),
                ),
                ("at_most", r("quantity")),
            ],
            &["id", "metric", "year"],
        ),
    );
    let dist = |keys: &[&str]| -> Value {
        let mut p: Vec<(&str, Value)> = vec![
            ("id", json!({ "type": "string" })),
            ("path", json!({ "type": "string" })),
            ("as", json!({ "enum": ["multiplier", "absolute"] })),
            ("distribution", json!({ "type": "string" })),
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
    def(
        "uncertainty",
        object(
            vec![
                (
                    "parameters",
                    json!({ "type": "array", "items": { "oneOf": distributions } }),
                ),
                (
                    "correlations",
                    json!({ "type": "array", "items": object(vec![
                        ("between", json!({ "type": "array", "items": { "type": "string" }, "minItems": 2, "maxItems": 2 })),
                        ("rank", r("number")),
                    ], &["between", "rank"]) }),
                ),
            ],
            &[],
        ),
    );
    def(
        "scenario",
        with_doc(
            object(
                vec![
                    ("scenario", json!({ "type": "string" })),
                    ("name", json!({ "type": "string" })),
                    ("model", json!({ "type": "string" })),
                    ("extends", json!({ "type": "string" })),
                    (
                        "overrides",
                        with_doc(
                            json!({ "type": "object" }),
                            "Parameter path (`lcs paths`) → a series, activity or share map that replaces it.",
                        ),
                    ),
                    ("packages", strings()),
                    ("actions", r("actions")),
                    (
                        "targets",
                        json!({ "anyOf": [{ "type": "null" }, { "type": "array", "items": r("target") }] }),
                    ),
                    ("uncertainty", r("uncertainty")),
                ],
                &["scenario"],
            ),
            "A scenario file (MODEL.md §1.2): a model or a parent scenario, overrides, packages, actions, targets.",
        ),
    );
    def(
        "package",
        with_doc(
            object(
                vec![
                    ("package", json!({ "type": "string" })),
                    ("name", json!({ "type": "string" })),
                    ("actions", r("actions")),
                ],
                &["package"],
            ),
            "A package file (MODEL.md §1.3): a named list of actions.",
        ),
    );
    d
}

/// The schema as a JSON value.
pub fn schema() -> Value {
    let kinds: Vec<Value> = KINDS.iter().map(|(_, def)| r(def)).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "lcs scenario files",
        "description": "A model (`region:`), scenario (`scenario:`) or package (`package:`) file of the lcs scenario language (docs/LANGUAGE.md). Generated by `lcs schema`.",
        "oneOf": kinds,
        "$defs": defs(),
    })
}

/// The schema as pretty-printed JSON text (the same bytes every time).
pub fn json() -> String {
    serde_json::to_string_pretty(&schema()).unwrap_or_default()
}

/// The keys a file kind's top level allows, from the schema: `kind` is a [`KINDS`] `$defs`
/// name (`model`, `scenario`, `package`).
pub fn top_level_keys(kind: &str) -> Vec<String> {
    schema()["$defs"][kind]["properties"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Keys the readers accept, by `$defs` name, for the consistency test.
#[cfg(test)]
fn reader_keys() -> Vec<(&'static str, Vec<&'static str>)> {
    use crate::check_model::MODEL_KEYS;
    use crate::scenario::{ACTION_KEYS, MEASURE_KEYS, PACKAGE_KEYS, SCENARIO_KEYS, TARGET_KEYS};
    vec![
        ("model", MODEL_KEYS.to_vec()),
        ("scenario", SCENARIO_KEYS.to_vec()),
        ("package", PACKAGE_KEYS.to_vec()),
        ("action", ACTION_KEYS.to_vec()),
        ("measure", MEASURE_KEYS.to_vec()),
        ("target", TARGET_KEYS.to_vec()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_readers_accept_is_in_the_schema() {
        let s = schema();
        for (def, keys) in reader_keys() {
            let props = s["$defs"][def]["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("`$defs.{def}` has properties"));
            for k in keys {
                assert!(
                    props.contains_key(k),
                    "key `{k}` of `{def}` is read but missing from the schema (crates/lcs-model/src/schema.rs)"
                );
            }
            // And the schema allows no key the reader rejects.
            let reader = reader_keys();
            let ks = &reader.iter().find(|(d, _)| *d == def).expect("listed").1;
            for k in props.keys() {
                assert!(
                    ks.contains(&k.as_str()),
                    "the schema allows `{k}` in `{def}`, the reader does not"
                );
            }
        }
    }

    #[test]
    fn every_kind_is_a_def_and_the_text_is_stable() {
        let s = schema();
        for (_, def) in KINDS {
            assert!(s["$defs"][def].is_object(), "`$defs.{def}`");
        }
        assert_eq!(json(), json(), "same bytes every time");
        assert!(json().starts_with('{'));
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
    }
}
