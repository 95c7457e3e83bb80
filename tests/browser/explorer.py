"""The lever explorer in a real browser (docs/EXPLORER.md; run by .ci/run).

Debian's chromium, headless, driven by Playwright through its executable path (no browser
download). The script starts `lcs serve` on a copy of the Iskandar scenarios, loads the page,
moves a slider, checks that the headline number and the pathway chart change to the values
the API gives for the same lever state, reloads from the URL and finds the same state,
exports the YAML and checks that `lcs validate` accepts it and `lcs run` reproduces the
headline number, switches to the scenario with uncertainty and waits for its band. It fails
(never skips) when chromium or Playwright is missing.

    python tests/browser/explorer.py target/debug/lcs [--screenshot docs/img/explorer.png]
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request

CHROMIUM = "/usr/bin/chromium"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

checks = []


def check(name, ok, detail=""):
    checks.append((name, bool(ok)))
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""))
    if not ok:
        raise SystemExit(finish(1))


def finish(code):
    passed = sum(1 for _, ok in checks if ok)
    failed = len(checks) - passed
    print(f"{passed} passed, {failed} failed")
    return code


def api(base, path, body):
    req = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    lcs = os.path.abspath(sys.argv[1])
    shot = None
    if "--screenshot" in sys.argv:
        shot = os.path.abspath(sys.argv[sys.argv.index("--screenshot") + 1])
    check("chromium is installed at " + CHROMIUM, os.access(CHROMIUM, os.X_OK))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        check("Playwright is installed", False, str(e))

    tmp = tempfile.mkdtemp(prefix="lcs-browser-")
    # The scenarios read ../../data/iskandar/*.csv: copy both folders, keeping the layout.
    scen = os.path.join(tmp, "scenarios", "iskandar")
    shutil.copytree(os.path.join(ROOT, "scenarios", "iskandar"), scen)
    shutil.copytree(os.path.join(ROOT, "data", "iskandar"), os.path.join(tmp, "data", "iskandar"))
    server = subprocess.Popen(
        [lcs, "serve", os.path.join(scen, "cm-2025.yaml"),
         os.path.join(scen, "cm-2025-uncertainty.yaml"), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = server.stdout.readline()
        check("lcs serve prints its URL", "http://127.0.0.1:" in line, line)
        base = line.split()[2].rstrip("/")
        run_page(sync_playwright, base, lcs, scen, shot)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            code = server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            code = None
        shutil.rmtree(tmp, ignore_errors=True)
    check("Ctrl-C (SIGINT) stops lcs serve with exit code 0", code == 0, f"exit {code}")
    return finish(0)


def run_page(sync_playwright, base, lcs, scen, shot):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        # bypass_csp: the page's policy forbids eval, which Playwright's wait_for_function uses.
        ctx = browser.new_context(viewport={"width": 1400, "height": 1150}, accept_downloads=True, bypass_csp=True)
        page = ctx.new_page()
        foreign, errors = [], []
        page.on("request", lambda r: None if r.url.startswith(base) or r.url.startswith("blob:") or r.url.startswith("data:") else foreign.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        page.goto(base + "/")
        page.wait_for_selector("#headline-emissions[data-value]")
        v0 = float(page.get_attribute("#headline-emissions", "data-value"))
        d0 = page.get_attribute("#line-current", "d")
        seq0 = page.evaluate("document.body.dataset.seq")
        file_values = api(base, "/api/evaluate", {"scenario": "cm-2025"})
        check("the page opens on the file's values",
              v0 == file_values["headline"]["emissions_kt"], f"{v0} vs {file_values['headline']['emissions_kt']}")

        # Move A1's ambition slider to 40 %.
        page.locator("#amb-A1").fill("40")
        page.wait_for_function(f"document.body.dataset.seq !== '{seq0}' && document.body.dataset.seq !== undefined")
        page.wait_for_function(f"document.getElementById('headline-emissions').dataset.value !== '{v0}'")
        v1 = float(page.get_attribute("#headline-emissions", "data-value"))
        want = api(base, "/api/evaluate", {"scenario": "cm-2025", "levers": {"A1": {"ambition": 0.4}}, "year": 2025})
        check("the headline changes to the API's number for the new state",
              v1 == want["headline"]["emissions_kt"] and v1 != v0, f"{v1} vs {want['headline']['emissions_kt']}")
        d1 = page.get_attribute("#line-current", "d")
        values = json.loads(page.get_attribute("#line-current", "data-values"))
        check("the pathway chart changes to the API's pathway",
              d1 != d0 and values == want["pathway"]["current"])
        page.wait_for_selector("#wedge-A1")
        check("the wedge chart is drawn", page.locator("#wedges path").count() >= 12)
        check("the URL holds the lever state", "A1=40%2C2013" in page.url or "A1=40,2013" in page.url, page.url)

        # Reload from the URL: same state, same number.
        url = page.url
        page2 = ctx.new_page()
        page2.goto(url)
        page2.wait_for_selector("#headline-emissions[data-value]")
        check("reloading the URL restores the slider", page2.input_value("#amb-A1") == "40")
        check("reloading the URL restores the headline",
              float(page2.get_attribute("#headline-emissions", "data-value")) == v1)

        # Export and validate.
        with page2.expect_download() as dl:
            page2.click("#export")
        d = dl.value
        out = os.path.join(scen, d.suggested_filename)
        d.save_as(out)
        text = open(out).read()
        check("the export extends the served file", "extends: cm-2025.yaml" in text and "A1: { ambition: 0.4 }" in text, text)
        v = subprocess.run([lcs, "validate", out], capture_output=True, text=True)
        check("lcs validate accepts the exported YAML", v.returncode == 0, v.stderr)
        r = subprocess.run([lcs, "run", out, "--out", os.path.join(scen, "out")], capture_output=True, text=True)
        check("lcs run accepts the exported YAML", r.returncode == 0, r.stderr)
        row = [l.split(",") for l in open(os.path.join(scen, "out", "results.csv"))]
        e2025 = [float(f[6]) for f in row if len(f) == 7 and f[3] == "Emissions|CO2e" and f[5] == "2025"]
        check("lcs run on the export gives the page's headline", e2025 == [v1], f"{e2025} vs {v1}")

        # Reset returns to the file's values.
        page2.click("#reset")
        page2.wait_for_function(f"document.getElementById('headline-emissions').dataset.value === '{repr(v0)}' || parseFloat(document.getElementById('headline-emissions').dataset.value) === {v0!r}")
        check("Reset returns to the file's values", page2.input_value("#amb-A1") == "100")

        # The scenario with uncertainty: band and P(target met).
        page.select_option("#picker", "cm-2025-uncertainty")
        page.locator("#amb-A2").fill("70")
        page.wait_for_selector("#band", timeout=60000)
        p_cells = page.locator("#targets td.p").all_inner_texts()
        check("the uncertainty band and P(target met) are shown",
              len(p_cells) == 3 and all(c.endswith("%") for c in p_cells), str(p_cells))
        if shot:
            page.wait_for_selector("#wedge-A1")
            page.wait_for_timeout(300)
            page.screenshot(path=shot, full_page=False)
            print("wrote " + shot)
        check("nothing was fetched from another host", not foreign, str(foreign))
        check("no script errors on the page", not errors, str(errors))
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
