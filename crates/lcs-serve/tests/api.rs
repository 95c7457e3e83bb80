//! The explorer's API over a real loopback server (docs/EXPLORER.md): known lever states
//! give exactly the numbers of the exported scenario loaded and run like `lcs run` does;
//! invalid states, oversized bodies and foreign hosts are refused with a message, and the
//! server keeps serving after each.

#[allow(unreachable_pub)]
mod client;

use client::Conn;
use lcs_serve::{Explorer, Options, Running, ServedFile};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn iskandar() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/iskandar")
}

/// A copy of the Iskandar folder (the exported files are written beside the served ones),
/// with the data files it reads (`../../data/iskandar/*.csv`) in the same layout.
struct Copy {
    _dir: tempfile::TempDir,
    scenarios: PathBuf,
}

impl Copy {
    fn path(&self) -> &Path {
        &self.scenarios
    }
}

fn copy_iskandar() -> Copy {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    copy_dir(
        &root.join("data/iskandar"),
        &dir.path().join("data/iskandar"),
    );
    let scenarios = dir.path().join("scenarios/iskandar");
    copy_dir(&iskandar(), &scenarios);
    Copy {
        _dir: dir,
        scenarios,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

fn load(path: &Path) -> lcs_model::Scenario {
    lcs_model::Loader::new()
        .load_scenario(path)
        .unwrap_or_else(|d| panic!("{path:?} does not load: {}", d[0].message))
}

fn serve(dir: &Path, files: &[&str]) -> Running {
    let served = files
        .iter()
        .map(|f| {
            let path = dir.join(f);
            ServedFile {
                scenario: load(&path),
                path,
            }
        })
        .collect();
    let explorer = Explorer::new(served).expect("explorer");
    let mut o = Options::loopback(0);
    o.ctrl_c = false;
    lcs_serve::start(explorer, &o).expect("binds")
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// Loads and runs an exported file as `lcs run` does, and checks every number the response
/// shows against it, bit for bit.
fn check_against_export(dir: &Path, e: &Value, yaml: &str, name: &str) {
    let path = dir.join(name);
    std::fs::write(&path, yaml).expect("write the export");
    let s = load(&path);
    let c = lcs_engine::compile(&s).expect("compiles");
    let run = lcs_engine::run_all(&c).expect("runs");
    let reference = lcs_engine::run_reference(&c).expect("reference runs");
    let rows = lcs_engine::rows(&c, &run);
    let row = |v: &str| -> Vec<f64> {
        rows.iter()
            .find(|r| r.variable == v)
            .unwrap_or_else(|| panic!("row {v}"))
            .values
            .iter()
            .map(|x| x.expect("defined"))
            .collect()
    };
    assert_eq!(
        f64s(&e["pathway"]["current"]),
        row("Emissions|CO2e"),
        "{yaml}"
    );
    for sector in e["sectors"].as_array().expect("sectors") {
        let id = sector["id"].as_str().expect("id");
        assert_eq!(
            f64s(&sector["current"]),
            row(&format!("Emissions|CO2e|{id}")),
            "sector {id}"
        );
    }
    let year = e["headline"]["year"].as_i64().expect("year") as i32;
    let y = (year - s.model.base_year) as usize;
    for i in e["headline"]["intensities"]
        .as_array()
        .expect("intensities")
    {
        let d = i["driver"].as_str().expect("driver");
        assert_eq!(
            i["value"].as_f64(),
            Some(row(&format!("Emissions Intensity|{d}"))[y])
        );
    }
    let targets = lcs_engine::evaluate_targets(&s, &c, &run, &reference);
    let got = e["targets"].as_array().expect("targets");
    assert_eq!(got.len(), targets.len());
    for (g, t) in got.iter().zip(&targets) {
        assert_eq!(g["id"], t.id.as_str());
        assert_eq!(g["value"].as_f64(), t.value, "target {}", t.id);
        assert_eq!(g["threshold"].as_f64(), t.threshold, "target {}", t.id);
        assert_eq!(g["met"].as_bool(), Some(t.met), "target {}", t.id);
    }
    if !e["attribution"].is_null() {
        let a = lcs_engine::attribute(&c, lcs_engine::Method::Shapley).expect("Shapley");
        for (w, want) in e["attribution"]["actions"]
            .as_array()
            .expect("wedges")
            .iter()
            .zip(&a.contributions)
        {
            assert_eq!(&f64s(&w["values"]), want, "wedge {}", w["id"]);
        }
        assert_eq!(f64s(&e["attribution"]["total"]), a.total);
    }
}

#[test]
fn known_lever_states_give_the_numbers_of_the_exported_scenario() {
    let dir = copy_iskandar();
    let server = serve(dir.path(), &["cm-2025.yaml"]);
    let mut conn = Conn::open(server.addr()).expect("connects");
    let states = [
        json!({}),
        json!({ "levers": { "A1": { "ambition": 0.8 } } }),
        json!({ "levers": { "A2": { "ambition": 1.5, "start": 2016 }, "A5": { "ambition": 0.0 } }, "year": 2030 }),
        json!({ "levers": { "A9": { "start": 2020 }, "A11": { "ambition": 0.37 }, "A1": { "ambition": 1.25, "start": 2010 } }, "attribution": "shapley" }),
    ];
    for (k, state) in states.iter().enumerate() {
        let r = conn
            .post("/api/evaluate", &state.to_string())
            .expect("evaluate");
        assert_eq!(r.status, 200, "{}", r.text());
        let e = r.json();
        let mut export_body = state.clone();
        if let Some(o) = export_body.as_object_mut() {
            o.remove("year");
            o.remove("attribution");
        }
        let x = conn
            .post("/api/export", &export_body.to_string())
            .expect("export");
        assert_eq!(x.status, 200, "{}", x.text());
        assert_eq!(
            x.header("content-disposition"),
            Some("attachment; filename=\"cm-2025-explored.yaml\"")
        );
        let yaml = x.text();
        assert!(yaml.contains("extends: cm-2025.yaml\n"), "{yaml}");
        check_against_export(dir.path(), &e, &yaml, &format!("explored-{k}.yaml"));
    }
}

#[test]
fn the_empty_state_is_the_files_values() {
    let dir = copy_iskandar();
    let server = serve(dir.path(), &["cm-2025.yaml"]);
    let e = client::post(server.addr(), "/api/evaluate", "{}").json();
    assert_eq!(e["pathway"]["current"], e["pathway"]["scenario"]);
    assert_eq!(e["adjust"], json!({}));
    // A1's measures start in 2013 (A1.1, A1.3, A1.4) and 2015: the action starts in 2013.
    assert_eq!(e["levers"]["A1"], json!({ "ambition": 1.0, "start": 2013 }));
    // The headline year is the earliest target year, 2025 (20 years after 2005).
    assert_eq!(e["headline"]["year"], 2025);
    let cur = f64s(&e["pathway"]["current"]);
    let reference = f64s(&e["pathway"]["reference"]);
    assert_eq!(e["headline"]["emissions_kt"].as_f64(), Some(cur[20]));
    // change vs reference = (E − R) / R in 2025.
    let want = (cur[20] - reference[20]) / reference[20];
    assert_eq!(e["headline"]["change_vs_reference"].as_f64(), Some(want));
    // An empty body means `{}` too.
    let r = Conn::open(server.addr())
        .and_then(|mut c| c.post("/api/evaluate", ""))
        .expect("request");
    assert_eq!(r.json()["pathway"], e["pathway"]);
    // The export of the file's values has no entries and still loads.
    let x = client::post(server.addr(), "/api/export", "{}").text();
    assert!(x.contains("adjust: {}\n"), "{x}");
    check_against_export(dir.path(), &e, &x, "unchanged.yaml");
}

#[test]
fn invalid_requests_get_400_with_a_message_and_the_server_keeps_serving() {
    let dir = copy_iskandar();
    let server = serve(dir.path(), &["cm-2025.yaml", "cm-2025-uncertainty.yaml"]);
    let mut conn = Conn::open(server.addr()).expect("connects");
    let cases: &[(&str, &str, u16, &str)] = &[
        ("/api/evaluate", r#"{"levers":{"A1":{"ambition":2}}}"#, 400,
         "`levers.A1.ambition` is 2, expected 0 to 1.5 (0–150 % of the measures' sizes)"),
        ("/api/evaluate", r#"{"levers":{"A1":{"ambition":-0.1}}}"#, 400, "`levers.A1.ambition` is -0.1"),
        ("/api/evaluate", r#"{"levers":{"A1":{"start":2015.5}}}"#, 400,
         "`levers.A1.start` is 2015.5, expected a year (a whole number)"),
        ("/api/evaluate", r#"{"levers":{"A1":{"start":1990}}}"#, 400,
         "`levers.A1.start` is 1990, expected a year from 2005 to 2050"),
        ("/api/evaluate", r#"{"levers":{"A13":{"ambition":1}}}"#, 400,
         "`levers` names `A13`, which is not an action of scenario `cm-2025` (did you mean `A1`?)"),
        ("/api/evaluate", r#"{"levers":{"A1":{"ambtion":1}}}"#, 400, "unknown field `ambtion`"),
        ("/api/evaluate", r#"{"scenario":"cm-2052"}"#, 400,
         "`scenario` is `cm-2052`, which is not served (did you mean `cm-2025`?)"),
        ("/api/evaluate", r#"{"year":1900}"#, 400, "`year` is 1900, expected a model year from 2005 to 2050"),
        ("/api/evaluate", r#"{"attribution":"lmdi"}"#, 400, "expected `none` or `shapley`"),
        ("/api/evaluate", r#"{"levers":"#, 400, "the request is not valid"),
        ("/api/evaluate", r#"{"levers":{"A1":{"ambition":1e999}}}"#, 400, "the request is not valid"),
        // Found by the held-out review: serde's messages named the Rust types (`expected
        // i64`, `expected struct LeverJson`), and an array body was read as an object.
        ("/api/evaluate", r#"{"year":2030.5}"#, 400,
         "invalid type: floating point `2030.5`, expected a whole number"),
        ("/api/evaluate", r#"{"levers":{"A1":null}}"#, 400,
         "invalid type: null, expected an object with `ambition` and `start`"),
        ("/api/evaluate", r#"{"levers":{"A1":{"ambition":"1"}}}"#, 400,
         "invalid type: string \"1\", expected a number"),
        ("/api/evaluate", r#"{"levers":[]}"#, 400, "expected an object"),
        ("/api/evaluate", r#"["cm-2025"]"#, 400, "expected a JSON object (`{...}`) as the body"),
        ("/api/ensemble", r#"{"scenario":"cm-2025-uncertainty","seed":-1}"#, 400,
         "expected a whole number, 0 or more"),
        ("/api/ensemble", r#"{"scenario":"cm-2025-uncertainty","samples":1000000000}"#, 400,
         "`samples` is 1000000000, expected 1 to 4096"),
        ("/api/ensemble", r#"{"scenario":"cm-2025-uncertainty","samples":0}"#, 400, "`samples` is 0"),
        ("/api/ensemble", r#"{"scenario":"cm-2025"}"#, 400,
         "scenario `cm-2025` has no `uncertainty:` section"),
        ("/api/export", r#"{"levers":{"A1":{"ambition":1.6}}}"#, 400, "`levers.A1.ambition` is 1.6"),
    ];
    for (path, body, status, message) in cases {
        let r = conn.post(path, body).expect("request");
        assert_eq!(r.status, *status, "{body}: {}", r.text());
        let m = r.json()["error"].as_str().expect("error").to_string();
        assert!(m.contains(message), "{body}: `{m}` lacks `{message}`");
        // Still serving, on the same connection.
        let ok = conn.post("/api/evaluate", "{}").expect("request");
        assert_eq!(ok.status, 200);
    }
    // Not JSON: 415; a foreign host: 403; an unknown path: 404; a GET of a POST route: 405.
    let r = conn
        .send(
            "POST",
            "/api/evaluate",
            &[("Content-Type", "text/plain")],
            b"{}",
        )
        .expect("request");
    assert_eq!(r.status, 415);
    assert!(r.text().contains("`Content-Type: application/json`"));
    let r = conn
        .send("GET", "/", &[("Host", "attacker.example:80")], b"")
        .expect("request");
    assert_eq!(r.status, 403);
    assert!(
        r.text().contains("found `attacker.example:80`"),
        "{}",
        r.text()
    );
    let r = conn.send("GET", "/etc/passwd", &[], b"").expect("request");
    assert_eq!(r.status, 404);
    let r = conn
        .send("GET", "/api/evaluate", &[], b"")
        .expect("request");
    assert_eq!(r.status, 405);
    // Found by the held-out review: the 405 had an empty body; it is an error like the rest.
    assert_eq!(
        r.json()["error"],
        "`/api/evaluate` takes POST requests, found GET"
    );
    assert_eq!(r.header("allow"), Some("POST"));
    let r = conn
        .send("DELETE", "/api/scenarios", &[], b"")
        .expect("request");
    assert_eq!(r.status, 405);
    assert_eq!(
        r.json()["error"],
        "`/api/scenarios` takes GET requests, found DELETE"
    );
    // The page and its files are served from memory, with a content security policy.
    let r = conn.send("GET", "/", &[], b"").expect("request");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("<script src=\"/app.js\""));
    assert!(r
        .header("content-security-policy")
        .is_some_and(|c| c.contains("default-src 'none'")));
    let r = conn
        .send("GET", "/api/scenarios", &[], b"")
        .expect("request");
    let list = r.json();
    assert_eq!(list["scenarios"][1]["id"], "cm-2025-uncertainty");
    assert_eq!(list["scenarios"][0]["actions"][0]["theme"], "Green Economy");
    assert_eq!(list["scenarios"][1]["uncertainty"], true);
}

#[test]
fn an_oversized_body_is_refused() {
    let dir = copy_iskandar();
    let server = serve(dir.path(), &["cm-2025.yaml"]);
    let mut conn = Conn::open(server.addr()).expect("connects");
    // 100 KiB of spaces inside a valid JSON object: over the 64 KiB limit.
    let body = format!("{{{}}}", " ".repeat(100 * 1024));
    let r = conn.post("/api/evaluate", &body).expect("request");
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(
        r.json()["error"],
        "the request body is larger than 65536 bytes"
    );
    // A new connection is served.
    let r = client::post(server.addr(), "/api/evaluate", "{}");
    assert_eq!(r.status, 200);
    server.stop().expect("stops");
}

#[test]
fn the_ensemble_gives_a_band_and_target_probabilities() {
    let dir = copy_iskandar();
    let server = serve(dir.path(), &["cm-2025-uncertainty.yaml"]);
    let body = r#"{"samples":64,"seed":7,"levers":{"A2":{"ambition":0.5}}}"#;
    let b = client::post(server.addr(), "/api/ensemble", body).json();
    assert_eq!(b["samples"], 64);
    let (p5, p50, p95) = (f64s(&b["p5"]), f64s(&b["p50"]), f64s(&b["p95"]));
    assert_eq!(p5.len(), 46);
    assert!((0..46).all(|y| p5[y] <= p50[y] && p50[y] <= p95[y]));
    // The inputs are uncertain from the base year on, so the band has width in 2025.
    assert!(p95[20] > p5[20]);
    for t in b["targets"].as_array().expect("targets") {
        let p = t["probability"].as_f64().expect("probability");
        assert!((0.0..=1.0).contains(&p));
        // A probability of 64 samples is a multiple of 1/64.
        assert_eq!((p * 64.0).fract(), 0.0);
    }
    // Same request, same bytes.
    let again = client::post(server.addr(), "/api/ensemble", body).json();
    assert_eq!(again, b);
}

#[test]
fn a_cancelled_ensemble_stops() {
    let path = iskandar().join("cm-2025-uncertainty.yaml");
    let explorer = Explorer::new(vec![ServedFile {
        scenario: load(&path),
        path,
    }])
    .expect("explorer");
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let req = lcs_serve::json::EnsembleRequest {
        samples: Some(4096),
        ..Default::default()
    };
    let e = explorer.ensemble(&req, &cancel).expect_err("cancelled");
    assert_eq!(e.to_string(), "the ensemble stopped: cancelled");
}
