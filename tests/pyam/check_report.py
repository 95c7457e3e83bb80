"""pyam-iamc reads the IAMC outputs of `lcs report` (run by .ci/run).

Usage: python tests/pyam/check_report.py REPORT_DIR EXPECTED_RESULTS_CSV

REPORT_DIR holds `lcs report tests/cases/tiny/bau.yaml tests/cases/tiny/cm.yaml` output;
EXPECTED_RESULTS_CSV is the conformance example's expected results (long IAMC form).
Exits non-zero on the first failed check and prints "N passed, 0 failed" at the end.
"""

import csv
import math
import sys

import pyam

report_dir, expected_csv = sys.argv[1], sys.argv[2]
passed = 0


def check(cond, what):
    global passed
    if not cond:
        print(f"FAILED: {what}")
        print(f"{passed} passed, 1 failed")
        sys.exit(1)
    passed += 1


expected = {}
with open(expected_csv, newline="") as f:
    for r in csv.DictReader(f):
        expected[(r["scenario"], r["variable"], int(r["year"]))] = float(r["value"])

from_csv = pyam.IamDataFrame(f"{report_dir}/iamc.csv")
from_xlsx = pyam.IamDataFrame(f"{report_dir}/report.xlsx")  # the `data` sheet

for name, df in [("iamc.csv", from_csv), ("report.xlsx", from_xlsx)]:
    check(sorted(df.scenario) == ["bau", "cm"], f"{name}: scenarios {df.scenario}")
    check(df.region == ["tiny"], f"{name}: region {df.region}")
    check(list(df.year) == list(range(2020, 2031)), f"{name}: years {df.year}")
    variables = set(df.variable)
    for v in ["Emissions|CO2e", "Final Energy", "Electricity|Demand", "Waste|Generated"]:
        check(v in variables, f"{name}: variable {v}")
    check(
        df.filter(variable="Emissions|CO2e").unit == ["kt CO2e/yr"],
        f"{name}: unit of Emissions|CO2e",
    )
    # Every expected value of the conformance example, read back through pyam.
    data = df.timeseries()
    n = 0
    for (scenario, variable, year), value in expected.items():
        if variable not in variables:
            continue
        got = data.xs((scenario, variable), level=("scenario", "variable")).iloc[0][year]
        check(math.isclose(got, value, rel_tol=1e-12, abs_tol=1e-12),
              f"{name}: {scenario} {variable} {year}: {got} vs {value}")
        n += 1
    check(n > 100, f"{name}: compared {n} values")
    # Sector rows sum to the total (pyam's own aggregate check).
    sectors = [v for v in variables if v.startswith("Emissions|CO2e|") and v.count("|") == 2]
    check(len(sectors) >= 3, f"{name}: sectors {sectors}")
    check(
        df.check_aggregate("Emissions|CO2e", components=sectors) is None,
        f"{name}: sectors sum to Emissions|CO2e",
    )

check(from_csv.equals(from_xlsx), "the workbook's data sheet equals iamc.csv")
print(f"pyam-iamc {pyam.__version__}: {passed} passed, 0 failed")
