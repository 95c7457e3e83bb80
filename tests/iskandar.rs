//! Runs the bundled Iskandar Malaysia scenarios (scenarios/iskandar/) with the built `lcs`
//! binary and checks them against the published LCSBPIM figures that
//! docs/scenarios/iskandar.md ("Published versus model") says they reproduce.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const LCS: &str = env!("CARGO_BIN_EXE_lcs");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scenario(name: &str) -> PathBuf {
    root().join("scenarios/iskandar").join(name)
}

/// A fresh, unique temporary folder for one test.
fn temp_dir(test: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("lcs-iskandar-{test}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lcs(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(LCS).args(args).output().expect("run lcs");
    assert!(
        out.status.success(),
        "lcs {:?} failed:\nstdout:\n{}\nstderr:\n{}",
        args,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Splits one CSV line (RFC 4180 quoting; no embedded newlines in our files).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// Rows of a CSV file as maps column -> value.
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv(lines.next().expect("header"));
    lines
        .map(|l| {
            let f = split_csv(l);
            assert_eq!(f.len(), header.len(), "bad row in {}: {l}", path.display());
            header.iter().cloned().zip(f).collect()
        })
        .collect()
}

/// Results of `lcs run` as (scenario, variable, year) -> value, plus units.
struct Results {
    values: BTreeMap<(String, String, i32), f64>,
    units: BTreeMap<String, String>,
}

impl Results {
    fn get(&self, scenario: &str, variable: &str, year: i32) -> f64 {
        *self
            .values
            .get(&(scenario.to_string(), variable.to_string(), year))
            .unwrap_or_else(|| panic!("no value for {scenario} / {variable} / {year}"))
    }
}

fn run(test: &str, scenarios: &[&str]) -> Results {
    let dir = temp_dir(test);
    let mut args: Vec<std::ffi::OsString> = vec!["run".into()];
    for s in scenarios {
        args.push(scenario(s).into_os_string());
    }
    args.push("--out".into());
    args.push(dir.clone().into_os_string());
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    lcs(&refs);
    let mut values = BTreeMap::new();
    let mut units = BTreeMap::new();
    for row in read_csv(&dir.join("results.csv")) {
        units.insert(row["variable"].clone(), row["unit"].clone());
        if row["value"].is_empty() {
            continue;
        }
        let v: f64 = row["value"].parse().expect("number");
        let y: i32 = row["year"].parse().expect("year");
        values.insert((row["scenario"].clone(), row["variable"].clone(), y), v);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Results { values, units }
}

/// `lcs targets` as target id -> (value, threshold, met).
fn targets(test: &str, file: &str) -> BTreeMap<String, (f64, f64, bool)> {
    let dir = temp_dir(test);
    let out = dir.join("targets.csv");
    lcs(&[
        "targets".as_ref(),
        scenario(file).as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let map = read_csv(&out)
        .into_iter()
        .map(|r| {
            (
                r["target"].clone(),
                (
                    r["value"].parse().unwrap(),
                    r["threshold"].parse().unwrap(),
                    r["met"] == "true",
                ),
            )
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    map
}

fn assert_close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "{what}: got {got}, want {want} (±{:.2} %)",
        rel * 100.0
    );
}

#[test]
fn population_and_gdp_follow_the_blueprint_frame() {
    let r = run("drivers", &["bau.yaml", "cm-2025.yaml"]);
    assert_eq!(r.units["Drivers|population"], "person");
    assert_eq!(r.units["Drivers|gdp"], "MYR million");
    for s in ["bau", "cm-2025"] {
        // 1.35 million (2005) and about 3 million (2025): regions.md 1.2.
        assert_close(
            r.get(s, "Drivers|population", 2005),
            1.35e6,
            0.005,
            "population 2005",
        );
        assert_close(
            r.get(s, "Drivers|population", 2025),
            3.0e6,
            0.005,
            "population 2025",
        );
        // MYR 34.8 billion (2005, derived) and MYR 141.4 billion (2025).
        assert_close(r.get(s, "Drivers|gdp", 2005), 34_800.0, 0.005, "GDP 2005");
        assert_close(r.get(s, "Drivers|gdp", 2025), 141_400.0, 0.005, "GDP 2025");
    }
    // "almost quadruple": 7-8 %/yr growth over 2005-2025.
    let g = (r.get("bau", "Drivers|gdp", 2025) / r.get("bau", "Drivers|gdp", 2005))
        .powf(1.0 / 20.0)
        - 1.0;
    assert!((0.07..=0.08).contains(&g), "GDP growth {g}");
}

#[test]
fn cm_2025_reproduces_the_published_intensity_and_bau_reductions() {
    let r = run("calibration", &["bau.yaml", "cm-2025.yaml"]);
    let i = |s: &str, y| r.get(s, "Emissions Intensity|gdp", y);
    let e = |s: &str, y| r.get(s, "Emissions|CO2e", y);
    // Same base year in both scenarios (no action before 2013).
    assert_close(e("cm-2025", 2005), e("bau", 2005), 1e-9, "2005 emissions");
    // 58 % below 2005 (±2 points), published CM result.
    let intensity_cut = 1.0 - i("cm-2025", 2025) / i("cm-2025", 2005);
    assert!(
        (0.56..=0.60).contains(&intensity_cut),
        "intensity cut {intensity_cut}"
    );
    // 40 % below BaU in 2025 (±2 points).
    let vs_bau = 1.0 - e("cm-2025", 2025) / e("bau", 2025);
    assert!((0.38..=0.42).contains(&vs_bau), "cut vs BaU {vs_bau}");
    // Implied BaU intensity 0.70 of 2005 (regions.md 1.6, derived), loosely.
    let bau_ratio = i("bau", 2025) / i("bau", 2005);
    assert!(
        (0.66..=0.74).contains(&bau_ratio),
        "BaU intensity ratio {bau_ratio}"
    );
    // The reported intensity is total emissions over GDP (t CO2e per MYR million).
    assert_close(
        i("cm-2025", 2025),
        e("cm-2025", 2025) * 1000.0 / r.get("cm-2025", "Drivers|gdp", 2025),
        1e-9,
        "intensity",
    );

    // The same figures as targets: all met, and consistent with the run.
    let t = targets("calibration-targets", "cm-2025.yaml");
    for id in ["intensity-58", "intensity-50", "vs-bau-40"] {
        let (v, th, met) = t[id];
        assert!(met && v <= th, "target {id}: value {v} threshold {th}");
    }
    assert_close(
        t["intensity-58"].1,
        0.42 * i("cm-2025", 2005),
        1e-9,
        "intensity-58 threshold",
    );
    assert_close(
        t["intensity-50"].1,
        0.50 * i("cm-2025", 2005),
        1e-9,
        "intensity-50 threshold",
    );
    assert_close(
        t["vs-bau-40"].1,
        0.60 * e("bau", 2025),
        1e-9,
        "vs-bau-40 threshold",
    );
    assert_close(
        t["vs-bau-40"].0,
        e("cm-2025", 2025),
        1e-9,
        "vs-bau-40 value",
    );
}

#[test]
fn public_transport_share_goes_from_18_to_40_percent() {
    let r = run("modal", &["bau.yaml", "cm-2025.yaml"]);
    let pt = |s: &str, y| r.get(s, "Share|passenger/bus", y) + r.get(s, "Share|passenger/rail", y);
    assert_close(pt("bau", 2005), 0.18, 1e-9, "BaU 2005");
    assert_close(pt("cm-2025", 2005), 0.18, 1e-9, "CM 2005");
    assert_close(pt("bau", 2025), 0.18, 1e-9, "BaU 2025 (held)");
    assert_close(pt("cm-2025", 2025), 0.40, 0.005, "CM 2025");
    // The four modes still cover all passenger-km.
    let all: f64 = ["car", "motorcycle", "bus", "rail"]
        .iter()
        .map(|m| r.get("cm-2025", &format!("Share|passenger/{m}"), 2025))
        .sum();
    assert_close(all, 1.0, 1e-9, "mode shares");
}

#[test]
fn cap_2030_reaches_its_targets_and_keeps_2025() {
    let r = run("cap", &["cm-2025.yaml", "cap-2030.yaml"]);
    // The CAP actions start acting after 2025: the 2025 blueprint result is unchanged.
    assert_close(
        r.get("cap-2030", "Emissions|CO2e", 2025),
        r.get("cm-2025", "Emissions|CO2e", 2025),
        1e-9,
        "2025",
    );
    // 2030 intensity at least 70 % (and not far more than 72 %) below 2010.
    let cut = 1.0
        - r.get("cap-2030", "Emissions Intensity|gdp", 2030)
            / r.get("cap-2030", "Emissions Intensity|gdp", 2010);
    assert!((0.70..=0.72).contains(&cut), "CAP intensity cut {cut}");
    let t = targets("cap-targets", "cap-2030.yaml");
    for (id, (v, th, met)) in &t {
        assert!(*met, "cap-2030 target {id} not met: {v} > {th}");
    }
    assert!(t.contains_key("cap-intensity-70") && t.contains_key("intensity-58"));
}

#[test]
fn netzero_2050_is_reported_honestly_as_not_reached() {
    // docs/scenarios/iskandar.md, "Net zero 2050": the pathway cuts deeply but leaves a
    // positive residual; the net-zero target is therefore not met.
    let r = run("netzero", &["bau.yaml", "netzero-2050.yaml"]);
    let nz = r.get("netzero-2050", "Emissions|CO2e", 2050);
    let bau = r.get("bau", "Emissions|CO2e", 2050);
    assert!(nz > 0.0 && nz < 0.25 * bau, "netzero 2050 {nz}, BaU {bau}");
    let t = targets("netzero-targets", "netzero-2050.yaml");
    let (v, _, met) = t["net-zero-2050"];
    assert!(!met && v > 0.0, "net-zero target: {v}");
    assert!(t["cap-intensity-70"].2, "inherited CAP target still met");
}

#[test]
fn cm_2025_runs_the_seelong_plant_through_the_project_link() {
    // docs/scenarios/iskandar.md, "The Seelong plant through the link": A11 links
    // projects/seelong-wte.yaml instead of the fixed shift of 0.30 of the waste to
    // incineration from 2024 (the former A11.4). The plant burns its throughput,
    // 1000 t/day × 365 × 0.913 = 333,245 t a year, in its crediting years 2027–2046 only, and
    // exports 0.45 MWh/t: 333,245 × 0.45 = 149,960.25 MWh.
    let r = run("seelong", &["bau.yaml", "cm-2025.yaml"]);
    let inc = |y| r.get("cm-2025", "Waste|Incineration", y);
    let wte = |y| r.get("cm-2025", "Electricity|Local Generation|Waste to Energy", y);
    for y in [2024, 2025, 2026, 2047, 2050] {
        assert_eq!(inc(y), 0.0, "no plant in {y}");
    }
    for y in [2027, 2030, 2040, 2046] {
        assert_close(inc(y), 333_245.0, 1e-12, "incinerated");
        assert_close(wte(y), 149_960.25, 1e-12, "exported");
    }
    // Without a plant burning plastics in 2025, cm-2025's 2025 emissions are those of the
    // other actions: 13,825.5 kt CO2e (13,919.6 with the old fixed shift), 41.0 % below BaU.
    assert_close(
        r.get("cm-2025", "Emissions|CO2e", 2025),
        13_825.5,
        1e-4,
        "2025",
    );
    let vs_bau =
        1.0 - r.get("cm-2025", "Emissions|CO2e", 2025) / r.get("bau", "Emissions|CO2e", 2025);
    assert!((0.409..=0.411).contains(&vs_bau), "cut vs BaU {vs_bau}");
}

/// Actions that deliberately have no measure. Keep in step with docs/scenarios/iskandar.md,
/// section "Actions without a direct lever", which gives the reason for each.
const ACTIONS_WITHOUT_LEVER: [&str; 2] = ["A7", "C7"];

#[test]
fn every_action_acts_or_is_documented_as_enabling() {
    // An action with no measure has a solo contribution of exactly 0 in every year; an action
    // whose measures do nothing would show up the same way and fail here too.
    let docs = std::fs::read_to_string(root().join("docs/scenarios/iskandar.md")).unwrap();
    let section = docs
        .split("## Actions without a direct lever")
        .nth(1)
        .expect("docs section `Actions without a direct lever`");
    let section = section.split("\n## ").next().unwrap();
    for file in ["cm-2025.yaml", "cap-2030.yaml"] {
        let dir = temp_dir("actions");
        let out = dir.join("solo.csv");
        lcs(&[
            "attribute".as_ref(),
            scenario(file).as_os_str(),
            "--method".as_ref(),
            "solo".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        let mut max: BTreeMap<String, f64> = BTreeMap::new();
        for row in read_csv(&out) {
            let a = row["action"].clone();
            if a.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && a.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
            {
                let v: f64 = row["value"].parse().unwrap_or(0.0);
                let m = max.entry(a).or_insert(0.0);
                *m = m.max(v.abs());
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        let expected_count = if file == "cm-2025.yaml" { 12 } else { 21 };
        assert_eq!(
            max.len(),
            expected_count,
            "{file}: actions {:?}",
            max.keys()
        );
        let idle: Vec<&str> = max
            .iter()
            .filter(|(_, v)| **v == 0.0)
            .map(|(k, _)| k.as_str())
            .collect();
        let documented: Vec<&str> = ACTIONS_WITHOUT_LEVER
            .iter()
            .copied()
            .filter(|a| max.contains_key(*a))
            .collect();
        assert_eq!(idle, documented, "{file}: actions without effect");
        for a in &idle {
            assert!(
                section.contains(&format!("**{a}")),
                "docs give no reason for {a}"
            );
        }
    }
}
