"""Peer check of `lcs decompose --kaya` against the `kaya-decomposition` package (PyPI).

Runs the Iskandar BaU and CM 2025 scenarios with `lcs run`, builds the Kaya-identity inputs
(population, GDP, final energy, emissions) from that run as an IAMC frame for
kaya_decomposition (primary energy = final energy, all of it counted as fossil gas, no
industrial process emissions and no capture, so that its six factors reduce to the four of
lcs: population, GDP per person, energy per GDP, emissions per energy), computes its LMDI
between the two scenarios, and compares the effects with `lcs decompose cm:YEAR bau:YEAR
--kaya population,gdp` to 1e-9 relative to the change.

kaya_decomposition clips negative LMDI terms and spreads the residual; the years compared are
ones where BaU is at or above CM in every Kaya factor, so that no term is negative and the two
methods coincide (the test checks that precondition instead of assuming it).

Usage: python tests/python/test_kaya.py path/to/lcs
Exit status 0 when every comparison passes; an ImportError (the package missing) fails.
"""

import csv
import os
import subprocess
import sys
import tempfile

import pandas as pd
import pyam
from kaya_decomposition import compute_kaya_factors, compute_kaya_variables, compute_lmdi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BAU = os.path.join(ROOT, "scenarios", "iskandar", "bau.yaml")
CM = os.path.join(ROOT, "scenarios", "iskandar", "cm-2025.yaml")
YEARS = [2020, 2025, 2030]
TOL = 1e-9

# lcs Kaya effect → kaya_decomposition's LMDI variable.
PAIRS = {
    "population": "Population (LMDI)",
    "gdp_per_capita": "GNP/P (LMDI)",
    "energy_intensity": "FE/GNP (LMDI)",
    "carbon_intensity": "TFC/PEFF (LMDI)",
}
# Factors that are 1 in the lcs inputs: their LMDI terms must be 0.
UNIT_FACTORS = ["PEDEq/FE (LMDI)", "PEFF/PEDEq (LMDI)"]


def lcs(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"lcs {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def results(path):
    """(scenario, variable, year) -> value of an lcs results.csv."""
    with open(path, newline="") as f:
        return {
            (r["scenario"], r["variable"], int(r["year"])): float(r["value"])
            for r in csv.DictReader(f)
            if r["value"] != ""
        }


def kaya_frame(res, scenarios, years):
    """The IAMC inputs of kaya_decomposition, in its customary units (ratios do not depend
    on them): persons -> million, MYR million -> 'billion USD_2010/yr' (a label), TJ -> EJ,
    kt CO2e -> Mt CO2."""
    rows = []
    for s in scenarios:
        for y in years:
            pop = res[(s, "Drivers|population", y)] / 1e6
            gdp = res[(s, "Drivers|gdp", y)] / 1e3
            fe = res[(s, "Final Energy", y)] / 1e6
            co2 = res[(s, "Emissions|CO2e", y)] / 1e3
            values = {
                ("Population", "million"): pop,
                ("GDP|MER", "billion USD_2010/yr"): gdp,
                ("Final Energy", "EJ/yr"): fe,
                ("Primary Energy", "EJ/yr"): fe,
                ("Primary Energy|Coal", "EJ/yr"): 0.0,
                ("Primary Energy|Oil", "EJ/yr"): 0.0,
                ("Primary Energy|Gas", "EJ/yr"): fe,
                ("Emissions|CO2|Energy and Industrial Processes", "Mt CO2/yr"): co2,
                ("Emissions|CO2|Industrial Processes", "Mt CO2/yr"): 0.0,
                ("Emissions|CO2|AFOLU", "Mt CO2/yr"): 0.0,
                ("Carbon Sequestration|CCS", "Mt CO2/yr"): 0.0,
                ("Carbon Sequestration|CCS|Biomass", "Mt CO2/yr"): 0.0,
                ("Carbon Sequestration|CCS|Fossil|Energy", "Mt CO2/yr"): 0.0,
                ("Carbon Sequestration|CCS|Fossil|Industrial Processes", "Mt CO2/yr"): 0.0,
                ("Carbon Sequestration|CCS|Biomass|Energy", "Mt CO2/yr"): 0.0,
                ("Carbon Sequestration|CCS|Biomass|Industrial Processes", "Mt CO2/yr"): 0.0,
            }
            for (var, unit), v in values.items():
                rows.append(["lcs", s, "iskandar", var, unit, y, v])
    df = pd.DataFrame(rows, columns=["model", "scenario", "region", "variable", "unit", "year", "value"])
    return pyam.IamDataFrame(df)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    failures = []
    checked = 0
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        lcs(binary, "run", BAU, CM, "--out", tmp)
        res = results(os.path.join(tmp, "results.csv"))
        frame = kaya_frame(res, ["bau", "cm-2025"], YEARS)
        factors = compute_kaya_factors(compute_kaya_variables(frame))
        lmdi = compute_lmdi(factors, ("lcs", "bau", "iskandar"), ("lcs", "cm-2025", "iskandar"))
        theirs = {(r["variable"], int(r["year"])): r["value"] for _, r in lmdi.as_pandas().iterrows()}
        for y in YEARS:
            out = os.path.join(tmp, f"kaya-{y}.csv")
            lcs(binary, "decompose", f"{CM}:{y}", f"{BAU}:{y}", "--kaya", "population,gdp", "--out", out)
            with open(out, newline="") as f:
                ours = {r["effect"]: float(r["value"]) for r in csv.DictReader(f)}
            change = ours["change"]
            scale = max(abs(change), 1.0)
            # Precondition: every term non-negative, so the peer's correction is inactive.
            for effect in PAIRS:
                if ours[effect] < -TOL * scale:
                    failures.append(f"{y}: lcs {effect} = {ours[effect]} < 0: the peer would correct it")
            for v in UNIT_FACTORS:
                if abs(theirs[(v, y)]) * 1e3 > TOL * scale:
                    failures.append(f"{y}: {v} = {theirs[(v, y)]}, expected 0")
            # The comparison, in kt CO2e (the peer's values are in Mt).
            for effect, var in PAIRS.items():
                a, b = ours[effect], theirs[(var, y)] * 1e3
                checked += 1
                worst = max(worst, abs(a - b) / scale)
                if abs(a - b) > TOL * scale:
                    failures.append(f"{y} {effect}: lcs {a!r}, kaya-decomposition {b!r}")
            total = sum(ours[e] for e in PAIRS)
            if abs(total - change) > TOL * scale:
                failures.append(f"{y}: lcs effects sum to {total}, change {change}")
    print(f"kaya-decomposition peer check: {checked} effects in {YEARS}, largest difference {worst:.2e} of the change")
    print(f"{checked - len(failures)} passed, {len(failures)} failed")
    for f in failures:
        print("FAIL", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
