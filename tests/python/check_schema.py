"""The JSON Schema of `lcs schema` checked with an independent validator (Python jsonschema).

Usage: python check_schema.py SCHEMA.json REPO_ROOT

1. The schema itself is a valid draft 2020-12 schema.
2. Every bundled YAML file that lcs loads without error is valid against it: the Iskandar
   scenarios, the conformance cases, the uncertainty and warning fixtures, and the files
   of `lcs init` (crates/lcs-model/starter).
3. It rejects what lcs rejects: an unknown key at the top level and inside a node, a
   measure or a target; a file of no kind; a mapping where a list is expected.

Run by .ci/run in a virtual environment with jsonschema and PyYAML; a missing package is
an import error, so the check fails rather than skips. Prints `schema: N passed, M failed`.
"""

import copy
import glob
import json
import os
import sys

import jsonschema  # noqa: E402  (required: fail, do not skip, when it is missing)
import yaml


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    # YAML keys such as `2020:` are integers for PyYAML and strings for JSON (and for
    # editors' YAML language servers): go through JSON text.
    return json.loads(json.dumps(doc, default=str))


def main():
    schema_path, root = sys.argv[1], sys.argv[2]
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

    def rejects(name, doc):
        nonlocal passed, failed
        if validator.is_valid(doc):
            failed += 1
            print(f"FAIL the schema accepts {name}")
        else:
            passed += 1

    model = docs["tests/cases/tiny/model.yaml"]
    scenario = docs["tests/cases/tiny/cm.yaml"]
    package = docs["tests/cases/tiny/packages/green-economy.yaml"]
    for kind, doc in [("model", model), ("scenario", scenario), ("package", package)]:
        bad = copy.deepcopy(doc)
        bad["reprot"] = 1
        rejects(f"a {kind} with an unknown top-level key", bad)
    bad = copy.deepcopy(model)
    bad["demand"]["residential"]["intensty"] = "20 GJ/household"
    rejects("a demand node with an unknown key", bad)
    bad = copy.deepcopy(package)
    bad["actions"][0]["measures"][0]["tagret"] = "demand.transport"
    rejects("a measure with an unknown key", bad)
    bad = copy.deepcopy(scenario)
    bad["targets"][0]["relativ_to"] = 2020
    rejects("a target with an unknown key", bad)
    bad = copy.deepcopy(model)
    bad["gwp"] = "AR7"
    rejects("an unknown GWP set", bad)
    bad = copy.deepcopy(model)
    bad["demand"]["residential"]["category"] = "household"
    rejects("an unknown category", bad)
    rejects("a file of no kind", {"name": "no kind"})
    bad = copy.deepcopy(scenario)
    bad["targets"] = {"id": "x"}
    rejects("a mapping where a list of targets is expected", bad)

    print(f"schema: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
