#!/usr/bin/env python3
"""Generates tests/invalid/cases.tsv: one defect per case, each a one-place edit of the
tiny example (tests/cases/tiny) with the place the error must be reported at.

Families, walked over every file of the example with PyYAML's node marks (so the expected
line, column and key path come from the YAML structure, not from lcs):
  key      a key of a fixed-schema mapping renamed `<key>_x`   -> unknown key, at the key
  number   a number replaced by `many`                           -> at the value
  unit     a unit word in a quoted quantity misspelt `<word>X`   -> at the value
  year     a year-valued key set to 1800                         -> at the value
  id       an id replaced by `bad/id`                            -> at the value

A candidate is kept only when `lcs run cm.yaml` exits 1 and reports exactly that place
(file:line:col and key path); every other candidate is printed for review (a free-form
mapping, a value the language accepts, or a message at another place). The message
substring recorded is the first line's text after the location, cut at 40 characters.

Run from the repository root after `cargo build`: python3 tests/invalid/generate.py
"""
import os, re, shutil, subprocess, sys, tempfile
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY = os.path.join(ROOT, "tests", "cases", "tiny")
LCS = os.path.join(ROOT, "target", "debug", "lcs")
FILES = ["model.yaml", "bau.yaml", "cm.yaml", "packages/green-economy.yaml", "packages/green-environment.yaml"]
YEAR_KEYS = {"start", "full", "year", "base", "end", "from"}
ID_KEYS = {"id", "scenario", "package"}

def walk(node, path):
    """(key node, value node, key path) for every mapping entry; lists index as [i]."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            p = f"{path}.{k.value}" if path else k.value
            yield k, v, p, path
            yield from walk(v, p)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            yield from walk(v, f"{path}[{i}]")

def candidates():
    for f in FILES:
        text = open(os.path.join(TINY, f)).read()
        lines = text.split("\n")
        root = yaml.compose(text)
        for k, v, path, parent in walk(root, ""):
            kl, kc = k.start_mark.line, k.start_mark.column
            line = lines[kl]
            # Key renamed (the key text must stand at its mark).
            if line[kc:kc + len(k.value)] == k.value:
                new = line[:kc] + k.value + "_x" + line[kc + len(k.value):]
                kp = f"{parent}.{k.value}_x" if parent else f"{k.value}_x"
                yield ("key", f, kl, line, new, f"{f}:{kl+1}:{kc+1}", kp)
            if not isinstance(v, yaml.ScalarNode) or v.start_mark.line != v.end_mark.line:
                continue
            vl, vc, ve = v.start_mark.line, v.start_mark.column, v.end_mark.column
            line = lines[vl]
            raw = line[vc:ve]
            at = f"{f}:{vl+1}:{vc+1}"
            if k.value in ID_KEYS:
                yield ("id", f, vl, line, line[:vc] + "bad/id" + line[ve:], at, path)
            elif k.value in YEAR_KEYS and re.fullmatch(r"\d{4}", raw):
                yield ("year", f, vl, line, line[:vc] + "1800" + line[ve:], at, path)
            elif re.fullmatch(r"-?[0-9.]+(e-?[0-9]+)?", raw):
                yield ("number", f, vl, line, line[:vc] + "many" + line[ve:], at, path)
            m = re.fullmatch(r'"(-?[0-9.]+) ([A-Za-z]+)(.*)"', raw)
            if m:
                bad = f'"{m.group(1)} {m.group(2)}X{m.group(3)}"'
                yield ("unit", f, vl, line, line[:vc] + bad + line[ve:], at, path)

def run(case):
    _, f, ln, old, new, at, key = case
    with tempfile.TemporaryDirectory() as d:
        shutil.copytree(TINY, d, dirs_exist_ok=True)
        p = os.path.join(d, f)
        lines = open(p).read().split("\n")
        assert lines[ln] == old
        lines[ln] = new
        open(p, "w").write("\n".join(lines))
        r = subprocess.run([LCS, "run", "cm.yaml", "--out", "out"], cwd=d, capture_output=True,
                           text=True, env={"NO_COLOR": "1", "PATH": os.environ["PATH"]})
        return r.returncode, r.stderr

def main():
    kept, review = [], []
    seen = set()
    for c in candidates():
        fam, f, ln, old, new, at, key = c
        code, err = run(c)
        first = next((l for l in err.split("\n") if l.startswith("  × ")), "")
        ok = code == 1 and f"  × {at}: " in first and f"key: `{key}`" in err
        if ok:
            msg = first.split(f"{at}: ", 1)[1][:40].rstrip()
            name = f"{fam}-{f.replace('/', '-').replace('.yaml', '')}-{key}"
            name = re.sub(r"[^A-Za-z0-9_.\[\]-]", "_", name)
            if name in seen:
                continue
            seen.add(name)
            kept.append((name, f, str(ln + 1), old, new, at, key, msg))
        else:
            review.append((c, code, first))
    with open(os.path.join(ROOT, "tests", "invalid", "cases.tsv"), "w") as out:
        out.write("# name\tfile\tline\told line\tnew line\texpected location\texpected key\tmessage starts\n")
        for k in kept:
            assert all("\t" not in x for x in k)
            out.write("\t".join(k) + "\n")
    print(f"kept {len(kept)} cases; {len(review)} candidates for review:", file=sys.stderr)
    for c, code, first in review:
        print(f"  {c[0]} {c[5]} `{c[6]}`: exit {code}: {first.strip()[:110]}", file=sys.stderr)

main()
