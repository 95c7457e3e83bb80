"""Cross-check of `lcs sensitivity` against SALib's analyzers on the same samples.

`lcs sensitivity --export` writes the design (`design.csv`: unit-cube columns `u:<id>`,
then the parameter values) and the model outputs (`outputs.csv`). SALib's
`sobol.analyze` (calc_second_order=False) and `morris.analyze` read the same matrices;
their point estimates must equal lcs's (`sensitivity.csv`) to rounding, and the bootstrap
half-widths (different random resamples) must agree within a factor.

Run: python tests/python/test_salib.py [path/to/lcs]   (.ci/run does, in a venv with SALib)
"""

import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
from SALib.analyze import morris, sobol

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LCS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "lcs")
SCENARIO = os.path.join(ROOT, "tests", "uncertainty", "cm-uncertain.yaml")


def run_lcs(out, *args):
    cmd = [LCS, "sensitivity", SCENARIO, "--export", "--out", out, *args]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def read_matrix(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], np.array([[float(x) for x in r] for r in rows[1:]])


def read_indices(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def check_sobol(out):
    run_lcs(out, "--method", "sobol", "--samples", "1024", "--year", "2025,2030")
    header, design = read_matrix(os.path.join(out, "design.csv"))
    names, y = read_matrix(os.path.join(out, "outputs.csv"))
    d = len(header) // 2
    params = [h for h in header[d:]]
    problem = {"num_vars": d, "names": params, "bounds": [[0.0, 1.0]] * d}
    ours = read_indices(os.path.join(out, "sensitivity.csv"))
    checked = 0
    for k, name in enumerate(names):
        s = sobol.analyze(problem, y[:, k], calc_second_order=False, num_resamples=100, seed=1)
        for j, p in enumerate(params):
            row = next(r for r in ours if r["output"] == name and r["parameter"] == p)
            for key in ("S1", "ST"):
                assert close(float(row[key]), s[key][j]), (name, p, key, row[key], s[key][j])
            for key in ("S1_conf", "ST_conf"):
                a, b = float(row[key]), s[key][j]
                assert 0.5 * b <= a <= 2.0 * b, (name, p, key, a, b)
            checked += 1
            print(f"sobol  {name:22} {p:7} S1 {float(row['S1']):+.6f} (SALib {s['S1'][j]:+.6f})"
                  f"  ST {float(row['ST']):.6f} (SALib {s['ST'][j]:.6f})")
    assert checked == 2 * d
    assert design.shape == (1024 * (d + 2), 2 * d)


def check_morris(out):
    run_lcs(out, "--method", "morris", "--samples", "60", "--levels", "4")
    header, design = read_matrix(os.path.join(out, "design.csv"))
    names, y = read_matrix(os.path.join(out, "outputs.csv"))
    d = len(header) // 2
    params = header[d:]
    unit = design[:, :d]
    problem = {"num_vars": d, "names": params, "bounds": [[0.0, 1.0]] * d}
    ours = read_indices(os.path.join(out, "sensitivity.csv"))
    for k, name in enumerate(names):
        m = morris.analyze(problem, unit, y[:, k], num_resamples=1000, num_levels=4, seed=1)
        for j, p in enumerate(params):
            row = next(r for r in ours if r["output"] == name and r["parameter"] == p)
            for ours_key, key in (("mu", "mu"), ("mu_star", "mu_star"), ("sigma", "sigma")):
                assert close(float(row[ours_key]), m[key][j]), (name, p, key, row[ours_key], m[key][j])
            a, b = float(row["mu_star_conf"]), m["mu_star_conf"][j]
            assert 0.5 * b <= a <= 2.0 * b, (name, p, "mu_star_conf", a, b)
            print(f"morris {name:22} {p:7} mu* {float(row['mu_star']):.6f} (SALib {m['mu_star'][j]:.6f})")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        check_sobol(os.path.join(tmp, "sobol"))
        check_morris(os.path.join(tmp, "morris"))
    print("SALib cross-check: ok")


if __name__ == "__main__":
    main()
