#!/usr/bin/env python3
"""Seeds fuzz/seeds/<target>/ from every bundled and test YAML file (docs/FUZZING.md).

yaml:     every YAML file under scenarios/, tests/ and docs/, as it is.
units:    every unit text (`unit:` values and the unit part of quoted quantities).
expr:     every `expr:` value.
scenario: every YAML file with the files it names (`model`, `extends`, `packages`),
          as `name NUL text NUL` pairs, the file itself first (fuzz/entries.rs).

The seeds are then minimised into fuzz/corpus/<target>/ with `cargo fuzz cmin`.
"""
import hashlib, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "seeds")

def yaml_files():
    for top in ["scenarios", "tests", "docs"]:
        for d, _, fs in os.walk(os.path.join(ROOT, top)):
            for f in sorted(fs):
                if f.endswith((".yaml", ".yml")):
                    yield os.path.join(d, f)

def put(target, data):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(OUT, target, name), "wb") as f:
        f.write(data)

REF = re.compile(r"^(model|extends):\s*(\S+)\s*$", re.M)
PKGS = re.compile(r"^packages:\s*\[(.*)\]\s*$", re.M)

def closure(path):
    """(relative name, bytes) of a file and everything it names, the file first."""
    base = os.path.dirname(path)
    seen, out, todo = set(), [], [os.path.basename(path)]
    while todo:
        rel = todo.pop(0)
        full = os.path.normpath(os.path.join(base, rel))
        if rel in seen or not os.path.isfile(full):
            continue
        seen.add(rel)
        data = open(full, "rb").read()
        out.append((rel, data))
        text = data.decode("utf-8", "replace")
        sub = os.path.dirname(rel)
        for m in REF.finditer(text):
            todo.append(os.path.normpath(os.path.join(sub, m.group(2))))
        for m in PKGS.finditer(text):
            for p in m.group(1).split(","):
                if p.strip():
                    todo.append(os.path.normpath(os.path.join(sub, p.strip())))
    return out

UNIT = re.compile(r"unit:\s*([^,}\n]+)")
QTY = re.compile(r"\"-?[0-9.eE+-]+\s+([^\"]+)\"")
EXPR = re.compile(r"expr:\s*([^,}\n]+)")

for path in yaml_files():
    data = open(path, "rb").read()
    put("yaml", data)
    text = data.decode("utf-8", "replace")
    for m in UNIT.finditer(text):
        put("units", m.group(1).strip().encode())
    for m in QTY.finditer(text):
        put("units", m.group(0).strip('"').encode())
        put("units", m.group(1).encode())
    for m in EXPR.finditer(text):
        put("expr", m.group(1).strip().encode())
    files = closure(path)
    if files:
        put("scenario", b"".join(n.encode() + b"\0" + d + b"\0" for n, d in files))
for extra in ["TEU,bed", "t CO2e/MWh", "kg/person/day", "MYR million", "km^2", "%"]:
    put("units", extra.encode())
for extra in ["population / household_size", "min(a, b) * 2 ^ 0.5", "-(x - y) / (z + 1)"]:
    put("expr", extra.encode())
print({t: len(os.listdir(os.path.join(OUT, t))) for t in sorted(os.listdir(OUT))})
