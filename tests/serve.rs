//! `lcs serve` as a user runs it (docs/EXPLORER.md): the binary prints its URL, the API's
//! numbers for a lever state are exactly those `lcs run` writes for the exported scenario,
//! `lcs validate` accepts that file, and Ctrl-C (SIGINT) stops the server cleanly.

#[allow(unreachable_pub)]
#[path = "../crates/lcs-serve/tests/client/mod.rs"]
mod client;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn lcs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lcs"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

/// Starts `lcs serve FILE --port 0` and reads the address from its first line.
fn start(file: &Path) -> (Child, SocketAddr) {
    let mut child = lcs()
        .arg("serve")
        .arg(file)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lcs serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    // `lcs serve: http://127.0.0.1:PORT/ (Ctrl-C stops)`
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert!(line.ends_with("/ (Ctrl-C stops)\n"), "{line:?}");
    (child, addr)
}

/// `variable` → values by year, from `results.csv` (IAMC long form).
fn results(csv: &str, variable: &str) -> Vec<f64> {
    csv.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f.len() == 7 && f[3] == variable).then(|| f[6].parse::<f64>().expect("number"))
        })
        .collect()
}

#[test]
fn the_pages_numbers_are_those_of_lcs_run_on_the_export_and_ctrl_c_stops() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // The scenarios read ../../data/iskandar/*.csv: copy both folders, keeping the layout.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(
        &root.join("data/iskandar"),
        &dir.path().join("data/iskandar"),
    );
    let scen = dir.path().join("scenarios/iskandar");
    copy_dir(&root.join("scenarios/iskandar"), &scen);
    let (mut child, addr) = start(&scen.join("cm-2025.yaml"));
    let state = r#"{"levers":{"A1":{"ambition":0.7,"start":2015},"A4":{"ambition":1.4},"A10":{"start":2030}}}"#;
    let e = client::post(addr, "/api/evaluate", state).json();
    let x = client::post(addr, "/api/export", state);
    assert_eq!(x.status, 200);
    let file = scen.join("cm-2025-explored.yaml");
    std::fs::write(&file, x.text()).expect("write the export");

    let v = lcs().arg("validate").arg(&file).output().expect("validate");
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let out = scen.join("out");
    let r = lcs()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let csv = std::fs::read_to_string(out.join("results.csv")).expect("results.csv");
    let api = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|x| x.as_f64().expect("number"))
            .collect()
    };
    assert_eq!(
        api(&e["pathway"]["current"]),
        results(&csv, "Emissions|CO2e")
    );
    for s in e["sectors"].as_array().expect("sectors") {
        let id = s["id"].as_str().expect("id");
        assert_eq!(
            api(&s["current"]),
            results(&csv, &format!("Emissions|CO2e|{id}")),
            "{id}"
        );
    }
    // The levers moved the pathway: A1 at 70 % from 2015 leaves more emissions in 2025.
    let (cur, file_values) = (
        api(&e["pathway"]["current"]),
        api(&e["pathway"]["scenario"]),
    );
    assert!(
        cur[20] > file_values[20],
        "{} vs {}",
        cur[20],
        file_values[20]
    );

    // Ctrl-C: SIGINT stops the server, exit code 0.
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let t0 = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(15),
            "lcs serve still runs 15 s after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening"
    );
}

#[test]
fn a_scenario_that_does_not_load_is_reported_and_nothing_is_served() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "scenario: x\nextends: missing.yaml\n").expect("write");
    let out = lcs()
        .arg("serve")
        .arg(&bad)
        .args(["--port", "0"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.yaml"));
}
