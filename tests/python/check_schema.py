"""The JSON Schema of `lcs schema` checked with an independent validator (Python jsonschema).

Usage: python check_schema.py SCHEMA.json REPO_ROOT LCS

1. The schema itself is a valid draft 2020-12 schema.
2. Every bundled YAML file that lcs loads without error is valid against it: the Iskandar
   scenarios, projects and eco-town network, the conformance cases, the uncertainty and
   warning fixtures, the files of `lcs init` (crates/lcs-model/starter), and
   tests/schema-cases (every key of every file kind, in files that load).
3. It rejects what lcs rejects: an unknown key at the top level and inside every kind of
   mapping, a key of another lever or methodology, a file of no kind, a mapping where a
   list is expected, and the mutually exclusive or dependent keys the readers check. Each
   rejected file is also given to `lcs validate` (the binary LCS), which must fail on it, so
   the schema is never stricter than lcs; each accepted variant (a v1 lower-case gas key, a
   percentage) must pass both.

Run by .ci/run in a virtual environment with jsonschema and PyYAML; a missing package is
an import error, so the check fails rather than skips. Prints `schema: N passed, M failed`.
"""

import copy
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonschema  # noqa: E402  (required: fail, do not skip, when it is missing)
import yaml


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    # YAML keys such as `2020:` are integers for PyYAML and strings for JSON (and for
    # editors' YAML language servers): go through JSON text.
    return json.loads(json.dumps(doc, default=str))


def main():
    schema_path, root, lcs = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    passed, failed = 1, 0

    patterns = [
        "scenarios/**/*.yaml",
        "tests/cases/**/*.yaml",
        "tests/uncertainty/**/*.yaml",
        "tests/warnings/**/*.yaml",
        "crates/lcs-model/starter/**/*.yaml",
        "tests/schema-cases/**/*.yaml",
        "tests/heldout/**/*.yaml",
    ]
    files = sorted(
        {p for pat in patterns for p in glob.glob(os.path.join(root, pat), recursive=True)}
    )
    if len(files) < 20:
        print(f"expected the bundled YAML files under {root}, found {len(files)}")
        failed += 1
    docs = {}
    for path in files:
        doc = load_yaml(path)
        docs[os.path.relpath(path, root)] = doc
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            failed += 1
            print(f"FAIL {os.path.relpath(path, root)}: {len(errors)} schema errors")
            for e in errors[:5]:
                print(f"  at {'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}")
        else:
            passed += 1

    def lcs_validates(rel, doc):
        """Whether `lcs validate` accepts the folder of `rel` with `doc` in place of it."""
        # The case's folder: a package's measures are checked with the scenario that uses it.
        base = os.path.dirname(rel)
        if os.path.basename(base) == "packages":
            base = os.path.dirname(base)
        with tempfile.TemporaryDirectory() as tmp:
            dst = os.path.join(tmp, "case")
            shutil.copytree(os.path.join(root, base), dst)
            with open(os.path.join(dst, os.path.relpath(rel, base)), "w", encoding="utf-8") as f:
                yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)
            run = subprocess.run([lcs, "validate", dst], capture_output=True, text=True)
            return run.returncode == 0

    def rejects(name, rel, change):
        nonlocal passed, failed
        doc = copy.deepcopy(docs[rel])
        change(doc)
        if validator.is_valid(doc):
            failed += 1
            print(f"FAIL the schema accepts {name}")
        elif lcs_validates(rel, doc):
            failed += 1
            print(f"FAIL the schema rejects {name}, but lcs validate accepts it")
        else:
            passed += 1

    def accepts(name, rel, change):
        nonlocal passed, failed
        doc = copy.deepcopy(docs[rel])
        change(doc)
        errors = list(validator.iter_errors(doc))
        if errors:
            failed += 1
            print(f"FAIL the schema rejects {name}: {errors[0].message[:300]}")
        elif not lcs_validates(rel, doc):
            failed += 1
            print(f"FAIL lcs validate rejects {name} (the case is wrong)")
        else:
            passed += 1

    def setter(*path_and_value):
        *path, key, value = path_and_value

        def change(doc):
            node = doc
            for p in path:
                node = node[p]
            node[key] = value

        return change

    def deleter(*path):
        *path, key = path

        def change(doc):
            node = doc
            for p in path:
                node = node[p]
            del node[key]

        return change

    tiny = "tests/cases/tiny/"
    case = "tests/schema-cases/"
    # Each file mutated below passes both checks as it is, after the same YAML round trip.
    for rel in sorted(docs):
        if rel.startswith(tiny) or rel.startswith(case):
            accepts(f"{rel} (unchanged)", rel, lambda d: None)

    model, scenario, package = tiny + "model.yaml", tiny + "cm.yaml", tiny + "packages/green-economy.yaml"
    for kind, rel in [("model", model), ("scenario", scenario), ("package", package)]:
        rejects(f"a {kind} with an unknown top-level key", rel, setter("reprot", 1))
    rejects("a demand node with an unknown key", model, setter("demand", "residential", "intensty", "20 GJ/household"))
    rejects("a measure with an unknown key", package, setter("actions", 0, "measures", 0, "tagret", "demand.transport"))
    rejects("a target with an unknown key", scenario, setter("targets", 0, "relativ_to", 2020))
    rejects("an unknown GWP set", model, setter("gwp", "AR7"))
    rejects("an unknown category", model, setter("demand", "residential", "category", "household"))
    bad = {"name": "no kind"}
    if validator.is_valid(bad):
        failed += 1
        print("FAIL the schema accepts a file of no kind")
    else:
        passed += 1
    rejects("a mapping where a list of targets is expected", scenario, setter("targets", {"id": "x"}))

    # Every key of every kind (tests/schema-cases): unknown keys in each mapping, and the
    # rules the readers check between keys.
    m, cm, pk = case + "model.yaml", case + "cm.yaml", case + "packages/every-lever.yaml"
    pj, pl, et = case + "project.yaml", case + "projects.yaml", case + "ecotown.yaml"
    rejects("a node with a display name and an unknown key", m, setter("demand", "industry", "children", "light", "nmae", "x"))
    rejects("a node with both `activity` and `share`", m, setter("demand", "industry", "children", "light", "activity", "gdp"))
    rejects("a fuel override with an unknown key", m, setter("fuels", "coal", "NH3", 1))
    rejects("an empty display name", m, setter("fuels", "natural_gas", "name", ""))
    rejects("a plant with an unknown key", m, setter("electricity", "mix", "hydro", "fuell", "coal"))
    rejects("both `grid_factor` and `mix`", m, setter("electricity", "grid_factor", "0.5 t CO2/MWh"))
    rejects("a local unit with `capacity` and `generation`", m, setter("electricity", "local", "rooftop_pv", "generation", "10 MWh"))
    rejects("a local unit with `capacity_factor` and `generation`", m, setter("electricity", "local", "landfill_gas", "capacity_factor", 0.5))
    rejects("waste with an unknown key", m, setter("waste", "acepts", {}))
    rejects("routes by type with an unknown type", m, setter("waste", "routes", "by_type", "fod", {"landfill": 1.0}))
    rejects("routes by type with an unknown route", m, setter("waste", "routes", "by_type", "food", {"landfil": 1.0}))
    rejects("`by_type` beside mixed routes", m, setter("waste", "routes", "landfill", 1.0))
    rejects("`accepts` with an unknown route", m, setter("waste", "accepts", "compost", ["food"]))
    rejects("`accepts` with an unknown waste type", m, setter("waste", "accepts", "composting", ["fod"]))
    rejects("anaerobic digestion with an unknown key", m, setter("waste", "anaerobic_digestion", "NH3", "1 kg/t"))
    rejects("composting with `electricity`", m, setter("waste", "composting", "electricity", "0.1 MWh/t"))
    rejects("a landfill with an unknown key", m, setter("waste", "landfill", "mfc", 0.5))
    rejects("wastewater with an unknown key", m, setter("wastewater", "comercial", {}))
    rejects("domestic wastewater with an unknown key", m, setter("wastewater", "domestic", "cod", "50 kg/m3"))
    rejects("domestic wastewater without `bod`", m, deleter("wastewater", "domestic", "bod"))
    rejects("effluent factors without `protein`", m, deleter("wastewater", "domestic", "protein"))
    rejects("an industry with an unknown key", m, setter("wastewater", "industrial", "palm_oil", "bod", "1 kg/t"))
    rejects("an industry without `pathways`", m, deleter("wastewater", "industrial", "palm_oil", "pathways"))
    rejects("a source with an unknown key", m, setter("sources", "ippu/cement", "nmae", "x"))
    rejects("a series with two forms", m, setter("drivers", "beds", "base", 400))
    accepts("a v1 lower-case gas key (warning `gas-key-case`)", m, lambda d: d["waste"]["composting"].update({"ch4": d["waste"]["composting"].pop("CH4")}))
    accepts("a percentage as a number", m, setter("waste", "landfill", "oxidation", "10 %"))

    rejects("a scenario with both `model` and `extends`", cm, setter("model", "model.yaml"))
    rejects("a target with both `reduction` and `at_most`", cm, setter("targets", 0, "at_most", "1 kt CO2e"))
    rejects("an intensity target without `driver`", cm, deleter("targets", 2, "driver"))
    rejects("an emissions target with `driver`", cm, setter("targets", 0, "driver", "gdp"))
    rejects("an uncertain parameter with a key of another distribution", cm, setter("uncertainty", "parameters", 0, "sd", 0.1))
    rejects("a correlation with an unknown key", cm, setter("uncertainty", "correlations", 0, "pearson", 0.5))
    rejects("an action with an unknown key", pk, setter("actions", 0, "agnecy", "x"))
    rejects("an unknown lever", pk, setter("actions", 0, "measures", 0, "lever", "scael"))
    rejects("`scale` with a key of `divert`", pk, setter("actions", 0, "measures", 0, "mass", "1 t/day"))
    rejects("`scale` without `by`", pk, deleter("actions", 0, "measures", 0, "by"))
    rejects("`save` with a key of `switch`", pk, setter("actions", 0, "measures", 2, "ratio", 1.0))
    rejects("`save` on a path that is not `demand.<node>.energy`", pk, setter("actions", 0, "measures", 2, "target", "demand.industry.intensity"))
    rejects("`switch` from a list of fuels", pk, setter("actions", 0, "measures", 3, "from", ["coal", "lpg"]))
    rejects("`scale` on `demand.<node>.energy`", pk, setter("actions", 0, "measures", 0, "target", "demand.industry.energy"))
    rejects("`generation` with `capacity` and `generation`", pk, setter("actions", 1, "measures", 0, "generation", "10 MWh"))
    rejects("`generation` on another path", pk, setter("actions", 1, "measures", 1, "target", "electricity.losses"))
    rejects("`divert` to two routes", pk, setter("actions", 1, "measures", 2, "to", ["incineration", "recycling"]))
    rejects("`divert` with an unknown waste type", pk, setter("actions", 1, "measures", 2, "types", ["plastic"]))
    rejects("`divert` without `mass`", pk, deleter("actions", 1, "measures", 2, "mass"))

    rejects("a project with an unknown top-level key", pj, setter("methodolgy", "pv-grid"))
    rejects("a project file without `region`", pj, deleter("region"))
    rejects("an unknown methodology", pj, setter("methodology", "pv-roof"))
    rejects("an unknown status", pj, setter("status", "built"))
    rejects("a PV project with a parameter of waste-to-energy", pj, setter("parameters", "throughput", "10 t/day"))
    rejects("a PV project with `capacity` and `generation`", pj, setter("parameters", "generation", "10 MWh/yr"))
    rejects("`pv-captive` without `captive`", pj, deleter("reference", "captive"))
    rejects("a reference with an unknown key", pj, setter("reference", "grid", "model"))
    rejects("a captive generator with an unknown key", pj, setter("reference", "captive", "fuell", "diesel"))
    rejects("economics with an unknown key", pj, setter("economics", "capx", 1))
    rejects("economics without `discount_rate`", pj, deleter("economics", "discount_rate"))
    rejects("both `subsidy` and `subsidy_share`", pj, setter("economics", "subsidy_share", 0.5))
    rejects("a money value with an unknown key", pj, setter("economics", "opex", "year", 2021))
    rejects("a revenue the methodology has no quantity for", pj, setter("economics", "revenue", "gate_fee", "5 MYR/t"))
    rejects("a pipeline with an unknown top-level key", pl, setter("regoin", "model.yaml"))
    rejects("a pipeline project with an unknown key", pl, setter("projects", 1, "lifetme", 7))
    rejects("`captive` on a `pv-grid` project", pl, setter("projects", 1, "reference", "captive", "0.8 t CO2/MWh"))
    rejects("an efficient-equipment project without `consumption`", pl, deleter("projects", 2, "parameters", "consumption"))
    rejects("a fuel-switch project with a PV parameter", pl, setter("projects", 3, "parameters", "capacity", "1 MW"))
    rejects("an unknown incineration technology", pl, setter("projects", 4, "parameters", "technology", "rotary-kiln"))
    rejects("a project composition with an unknown waste type", pl, setter("projects", 5, "parameters", "composition", {"fod": 1.0}))
    rejects("a pipeline project without `region` and no shared one", pl, deleter("region"))
    accepts("a pipeline whose projects all name their region", pl, lambda d: [d.pop("region")] + [p.update({"region": "model.yaml"}) for p in d["projects"] if isinstance(p, dict)])

    rejects("a network with an unknown top-level key", et, setter("facilites", []))
    rejects("a network without `facilities`", et, deleter("facilities"))
    rejects("network economics with an unknown key", et, setter("economics", "rate", 0.08))
    rejects("an unknown currency", et, setter("economics", "currency", "SGD"))
    # Inventory extensions (docs/EXTENSIONS.md): source forms, plants, the purchase lever.
    rejects("a source with both `factors` and `process`", m,
            setter("sources", "ippu/ethylene", "factors", {"CO2": "1 t CO2/t"}))
    rejects("an unknown IPCC process", m, setter("sources", "ippu/ethylene", "process", "ethylene_naptha"))
    rejects("a refrigerant bank with an unknown gas", m,
            setter("sources", "ippu/mobile_ac", "refrigerant", "gases", {"HFC134a": 1.0}))
    rejects("a land class with an activity", m, setter("sources", "afolu/mangrove", "activity", "1 ha"))
    rejects("a land class with `soil_loss` and `soil_lost`", m,
            setter("sources", "afolu/mangrove", "land", "soil_loss", "10 t CO2/ha"))
    rejects("an unknown land cover", m, setter("sources", "afolu/mangrove", "land", "cover", "mangrove"))
    rejects("a power station without a fuel", m, deleter("electricity", "plants", "gas_station", "fuel"))
    rejects("a purchase without an instrument", pk, deleter("actions", 2, "measures", 0, "instrument"))
    rejects("a purchase on another target", pk,
            setter("actions", 2, "measures", 0, "target", "electricity.local"))
    rejects("a facility with an unknown key", et, setter("facilities", 0, "sectr", "industry"))
    rejects("a facility id with capitals", et, setter("facilities", 4, "id", "Composter"))
    rejects("an exchange with an unknown key", et, setter("exchanges", 0, "ratio", 0.5))
    rejects("an exchange without `otherwise`", et, deleter("exchanges", 0, "otherwise"))
    rejects("an unknown counterfactual", et, setter("exchanges", 0, "otherwise", "dumped"))
    rejects("an unknown treatment", et, setter("exchanges", 2, "treatment", "digestion"))
    rejects("a substitute with an unknown key", et, setter("exchanges", 0, "substitutes", "basis", "mass"))
    rejects("transport with an unknown key", et, setter("exchanges", 0, "transport", "km", 18))
    rejects("exchange economics with an unknown key", et, setter("exchanges", 0, "economics", "capx", "1 MYR"))
    rejects("exchange economics without a network basis", et, deleter("economics"))
    rejects("a waste type that is not one", et, setter("exchanges", 2, "waste_type", "fod"))
    accepts("a discount rate in %", et, setter("economics", "discount_rate", "8 %"))

    print(f"schema: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
