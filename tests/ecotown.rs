//! `lcs ecotown` through the binary: files and columns, determinism, the summary, `lcs
//! validate` on a network, and bad input (every `tests/errors/ecotown-*` case): exit 1 and
//! nothing written.

use std::path::{Path, PathBuf};
use std::process::Command;

fn lcs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lcs"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pilot() -> PathBuf {
    root().join("scenarios/iskandar/ecotown/pasir-gudang-pilot.yaml")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lcs-ecotown-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(out: &Path) -> std::process::Output {
    lcs()
        .arg("ecotown")
        .arg(pilot())
        .arg("--out")
        .arg(out)
        .output()
        .expect("lcs runs")
}

const FILES: [&str; 7] = [
    "exchanges.csv",
    "facilities.csv",
    "materials.csv",
    "boundary.csv",
    "economics.csv",
    "network.svg",
    "network.png",
];

#[test]
fn ecotown_writes_its_tables_and_diagram_the_same_way_twice() {
    let (a, b) = (tmp("a"), tmp("b"));
    let o = run(&a);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    for s in [
        "Pasir Gudang industrial symbiosis pilot",
        "slag-to-cement",
        "total additional",
        "Landfill methane committed",
        "Economics (MYR, 2024 prices)",
    ] {
        assert!(stdout.contains(s), "summary lacks {s}:\n{stdout}");
    }
    assert!(run(&b).status.success());
    for f in FILES {
        let x = std::fs::read(a.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(x.len() > 100, "{f} is empty");
        assert_eq!(
            x,
            std::fs::read(b.join(f)).expect("second run"),
            "{f} differs between runs"
        );
    }
    let csv = std::fs::read_to_string(a.join("exchanges.csv")).expect("csv");
    assert_eq!(
        csv.lines().next(),
        Some("exchange,from,to,material,year,mass,mass_unit,avoided_virgin,avoided_disposal,processing,transport,net_avoided,unit,additional")
    );
    // 6000 t × (2.5 GJ/t × 0.0561545 t/GJ natural gas + 0.288 GJ/t × 0.600/3.6 t/GJ) = 1130.32 t
    // (the Iskandar grid factor of 2030: Ember's 2024 value, 0.600 t CO2e/MWh, held);
    // transport 6000 t × 25 km × 9.03e-5 = 13.545 t; no virgin credit (displacement).
    assert!(csv.contains("used-oil-rerefining,oil_collector,rerefinery,used_oil,2030,6000.0,t/yr,0.0,0.0,1130.3174999999999,13.545,-1143.8625,t CO2e/yr,false"));
    assert!(csv
        .lines()
        .any(|l| l.starts_with("used-oil-rerefining,") && l.ends_with(",false")));
    assert!(csv
        .lines()
        .any(|l| l.starts_with("slag-to-cement,") && l.ends_with(",true")));
    let svg = std::fs::read_to_string(a.join("network.svg")).expect("svg");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(
        &std::fs::read(a.join("network.png")).expect("png")[..4],
        b"\x89PNG"
    );
    // No temporary files are left behind.
    let mut names: Vec<String> = std::fs::read_dir(&a)
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The outputs and their manifest (docs/MANIFEST.md).
    let mut want: Vec<String> = FILES.iter().map(|s| s.to_string()).collect();
    want.push("manifest.json".into());
    want.sort();
    assert_eq!(names, want);
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn validate_accepts_the_pilot_network() {
    let o = lcs().arg("validate").arg(pilot()).output().expect("lcs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains(
            "eco-town network `pasir-gudang-pilot`, 10 facilities, 5 exchanges; region `iskandar`"
        ),
        "{s}"
    );
}

#[test]
fn bad_networks_exit_1_and_write_nothing() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/errors"))
        .expect("tests/errors")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("ecotown-"))
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 6, "{cases:?}");
    for case in cases {
        let out = tmp(&case.file_name().unwrap().to_string_lossy());
        let o = lcs()
            .current_dir(&case)
            .args(["ecotown", "ecotown.yaml", "--out"])
            .arg(&out)
            .env("NO_COLOR", "1")
            .output()
            .expect("lcs");
        assert_eq!(o.status.code(), Some(1), "{}", case.display());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("ecotown.yaml:") && err.contains("key: `"),
            "{}: {err}",
            case.display()
        );
        assert!(!out.exists(), "{}: nothing written", case.display());
    }
}
