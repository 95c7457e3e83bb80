//! Projects and eco-town networks linked into scenarios (docs/PROJECTS.md "Projects in
//! scenarios" and "Reconciliation", docs/ECOTOWN.md "How a network enters a scenario"): the
//! linked measures against hand-written ones, the throughput cap of a waste-to-energy plant,
//! the Seelong plant by hand, the reconciliation's causes, the inventory boundary of a network
//! and the overlap notes. Fixtures: `tests/links/` (Link Town: the tiny example with a clinker
//! kiln) and the bundled Iskandar scenarios.

use lcs_model::link::{Linked, Part};
use lcs_model::Loader;
use lcs_projects::reconcile::{reconcile, Cause};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/links").join(name)
}

fn temp_dir(test: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("lcs-links-{test}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lcs(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lcs"))
        .args(args)
        .output()
        .expect("run lcs");
    assert!(
        out.status.success(),
        "lcs {:?} failed:\n{}\n{}",
        args,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn results(scenario: &Path, test: &str) -> Vec<u8> {
    let dir = temp_dir(test);
    lcs(&[
        "run".as_ref(),
        scenario.as_os_str(),
        "--out".as_ref(),
        dir.as_os_str(),
    ]);
    let bytes = std::fs::read(dir.join("results.csv")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

fn load(path: &Path) -> lcs_model::Scenario {
    let mut loader = Loader::new();
    match loader.load_scenario(path) {
        Ok(s) => s,
        Err(d) => panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)),
    }
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (±{tol})"
    );
}

#[test]
fn a_linked_pv_project_runs_like_the_hand_written_generation_measure() {
    // tests/links/projects/pv.yaml: 4 MW × CF 0.15, degradation 0.01, 2022 for 5 years;
    // handwritten-pv.yaml: the same `generation` measure with `until: 2027`.
    let linked = results(&fixture("linked-pv.yaml"), "pv-linked");
    let hand = results(&fixture("handwritten-pv.yaml"), "pv-hand");
    assert!(!linked.is_empty());
    assert_eq!(linked, hand, "results.csv differ");
    // The generated measure: id and name from the project, the plant's life as its schedule.
    let s = load(&fixture("linked-pv.yaml"));
    let m = &s.actions[0].measures[0];
    assert_eq!(m.id, "town-pv.generation");
    assert_eq!(
        m.name.as_deref(),
        Some("Town rooftop solar: solar generation")
    );
    assert_eq!((m.schedule.start, m.schedule.until), (2022, Some(2027)));
    assert_eq!(s.links.len(), 1);
    assert_eq!(s.links[0].measures[0].part, Part::Generation);
    // `lcs compare` sees the linked measure as the hand-written one: same inputs, same outputs.
    let out = lcs(&[
        "compare".as_ref(),
        fixture("handwritten-pv.yaml").as_os_str(),
        fixture("linked-pv.yaml").as_os_str(),
    ]);
    assert!(
        out.contains("inputs: no difference") && out.contains("outputs: no difference"),
        "{out}"
    );
}

#[test]
fn a_plant_larger_than_the_waste_diverts_all_available_waste_and_no_more() {
    // tests/links/projects/wte.yaml: 200 t/day = 73,000 t/yr from 2024 to 2028. Link Town
    // lands 0.85 of 100,000 × 1.02^(y − 2020) persons × 1.1 kg/day × 365:
    // 2024: 108,243.216 × 0.4015 t × 0.85 = 36,940.70 t, less than 73,000.
    let s = load(&fixture("linked-wte.yaml"));
    let c = lcs_engine::compile(&s).unwrap();
    let ws = lcs_engine::run_all(&c).unwrap();
    let reference = lcs_engine::run_reference(&c).unwrap();
    let years = c.years();
    let landfill = lcs_engine::waste_row::LANDFILL;
    let incineration = lcs_engine::waste_row::INCINERATION;
    for (i, y) in years.iter().enumerate() {
        let available = reference.out.waste_detail[[landfill, i]];
        let burnt = ws.out.waste_detail[[incineration, i]];
        if (2024..2029).contains(y) {
            // All the landfilled waste goes to the plant, and nothing more.
            close(burnt, available, 1e-6, &format!("incinerated {y}"));
            close(ws.out.waste_detail[[landfill, i]], 0.0, 1e-6, "landfill");
        } else {
            assert_eq!(burnt, 0.0, "{y}: no plant outside its life");
        }
    }
    close(
        reference.out.waste_detail[[landfill, 4]],
        100_000.0 * 1.02f64.powi(4) * 1.1 * 365.0 / 1000.0 * 0.85,
        1e-6,
        "2024 available",
    );
    // The scenario view says so: years and utilisation.
    let notes = lcs_projects::link::capacity_notes(&s, &c, &ws);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].ranges(), vec![(2024, 2028)]);
    close(
        notes[0].years[0].1,
        36_940.7035404 / 73_000.0,
        1e-9,
        "utilisation 2024",
    );
    let out = lcs(&[
        "run".as_ref(),
        fixture("linked-wte.yaml").as_os_str(),
        "--out".as_ref(),
        temp_dir("wte-run").as_os_str(),
    ]);
    assert!(
        out.contains("note: linked-wte: measure `town-wte.divert` of action `W1` (project `town-wte`) runs below capacity in 2024–2028")
            && out.contains("utilisation 51 % (2024) to 55 % (2028)"),
        "{out}"
    );
}

#[test]
fn the_linked_seelong_plant_by_hand_in_2027_and_2028() {
    // cm-2025 links scenarios/iskandar/projects/seelong-wte.yaml in action A11. Its solo
    // contribution (BaU plus the plant alone) in its first two years, by hand:
    //   W = 1000 t/day × 365 × 0.913 = 333,245 t a year, from landfill to incineration. The
    //   routes are per type, so the plant takes the landfilled mix: composition × landfill
    //   share (food, garden 0.956; paper, plastics, metals, glass, textiles 0.85; the rest 1),
    //   normalised by 0.9217 (food 0.414886, paper 0.129109, textiles 0.027666, nappies
    //   0.075947, plastics 0.147553, inert 0.075947, ...). The project view takes the same mix.
    //   electricity: W × 0.45 MWh/t × 0.600 t CO2e/MWh (Ember 2024, held) = 89,976.15 t.
    //   fossil CO2: W × Σ comp·dm·CF·FCF × 44/12 = W × (0.129109·0.9·0.46·0.01
    //     + 0.027666·0.8·0.5·0.2 + 0.075947·0.4·0.7·0.1 + 0.147553·1·0.75·1
    //     + 0.075947·0.9·0.03·1) × 44/12 = 333,245 × 0.43116316 = 143,682.968 t.
    //   2027: the 2027 deposits decay from 2028, so 89,976.15 − 143,682.968 = −53,706.818.
    //   2028: decomposed DOC = Σ_j W comp_j DOC_j × 0.5 × 1 × (1 − e^(−k_j)) = 4,873.5834 t,
    //     CH4 = 4,873.5834 × 0.5 × 16/12 × (1 − 0.1) = 2,924.1500 t, × 28 = 81,876.201 t CO2e;
    //     81,876.201 + 89,976.15 − 143,682.968 = 28,169.383.
    let s = load(&root().join("scenarios/iskandar/cm-2025.yaml"));
    let link = s
        .links
        .iter()
        .find(|l| l.id() == "seelong-wte")
        .expect("A11 links the plant");
    assert_eq!(s.actions[link.action].id, "A11");
    let r = reconcile(&s, &[2027, 2028]).unwrap();
    let p = &r.projects[0];
    assert_eq!(p.appraisal.id, "seelong-wte");
    close(p.years[0].solo_t, -53_706.818, 0.01, "solo 2027");
    close(p.years[1].solo_t, 28_169.383, 0.01, "solo 2028");
    // The plant takes its whole throughput in cm-2025 (more than enough landfilled waste).
    let c = lcs_engine::compile(&s).unwrap();
    let ws = lcs_engine::run_all(&c).unwrap();
    assert!(lcs_projects::link::capacity_notes(&s, &c, &ws).is_empty());
    let i2030 = (2030 - c.years()[0]) as usize;
    close(
        ws.out.waste_detail[[lcs_engine::waste_row::INCINERATION, i2030]],
        333_245.0,
        1e-6,
        "incinerated 2030",
    );
}

#[test]
fn the_reconciliation_causes_add_up_from_the_project_view_to_shapley() {
    // For every linked project and year: project view + causes before interaction = solo,
    // + interaction = Shapley; the unexplained rest is 0 up to rounding.
    for (file, years) in [
        (
            root().join("scenarios/iskandar/cm-2025.yaml"),
            vec![2027, 2030, 2046, 2050],
        ),
        (fixture("linked-wte.yaml"), vec![2024, 2026, 2030]),
        (fixture("linked-pv.yaml"), vec![2022, 2026, 2028]),
        (fixture("linked-projects.yaml"), vec![2022, 2025]),
    ] {
        let s = load(&file);
        let r = reconcile(&s, &years).unwrap();
        assert!(!r.projects.is_empty());
        for p in &r.projects {
            for y in &p.years {
                let before: f64 = y
                    .causes
                    .iter()
                    .filter(|(c, _)| *c != Cause::Interaction)
                    .map(|(_, v)| v)
                    .sum();
                let what = format!("{} {} {}", file.display(), p.appraisal.id, y.year);
                close(
                    y.project_view_t.unwrap_or(0.0) + before,
                    y.solo_t,
                    1e-6,
                    &what,
                );
                close(
                    y.solo_t + y.cause(Cause::Interaction),
                    y.shapley_t,
                    1e-6,
                    &what,
                );
                close(y.cause(Cause::Other), 0.0, 1e-6, &format!("{what}: other"));
            }
        }
    }
}

#[test]
fn reconciliation_names_conservativeness_grid_losses_and_capacity() {
    let s = load(&fixture("linked-projects.yaml"));
    let r = reconcile(&s, &[2022]).unwrap();
    let by = |id: &str| r.projects.iter().find(|p| p.appraisal.id == id).unwrap();
    // fixed-pv: 4 MW × 8760 h × 0.15 = 5,256 MWh, fixed factor 0.6 t CO2/MWh, c = 0.9; Link
    // Town's grid in 2022 is 0.70 − 2 × 0.015 = 0.67 t CO2/MWh.
    //   project view 0.9 × 5,256 × 0.6 = 2,838.24; conservativeness 5,256 × 0.6 × 0.1 =
    //   315.36; grid 5,256 × (0.67 − 0.6) = 367.92; solo 5,256 × 0.67 = 3,521.52.
    let pv = &by("fixed-pv").years[0];
    close(pv.project_view_t.unwrap(), 2_838.24, 1e-6, "pv view");
    close(
        pv.cause(Cause::Conservativeness),
        315.36,
        1e-6,
        "conservativeness",
    );
    close(pv.cause(Cause::GridFactor), 367.92, 1e-6, "grid");
    close(pv.solo_t, 3_521.52, 1e-6, "pv solo");
    // chillers: 1,000 MWh/yr at COP 6 against 4 saves 500 MWh; the project view is
    // 500 × 0.67 = 335 t; the model also saves the losses, 500 / (1 − 0.06) × 0.67 =
    // 356.383 t: losses 21.383 t.
    let ch = &by("chillers").years[0];
    close(ch.project_view_t.unwrap(), 335.0, 1e-6, "chillers view");
    close(
        ch.cause(Cause::Losses),
        500.0 * 0.67 * 0.06 / 0.94,
        1e-6,
        "losses",
    );
    close(ch.solo_t, 500.0 / 0.94 * 0.67, 1e-6, "chillers solo");
    // The plant of linked-wte.yaml finds half the waste it could burn: a capacity cause.
    let w = reconcile(&load(&fixture("linked-wte.yaml")), &[2025]).unwrap();
    let y = &w.projects[0].years[0];
    assert!(
        y.cause(Cause::Capacity) < 0.0,
        "capacity {}",
        y.cause(Cause::Capacity)
    );
    assert!(w.projects[0].capacity.is_some());
}

#[test]
fn a_project_alone_in_its_scenario_has_an_interaction_of_exactly_zero() {
    // linked-pv.yaml has one action, the PV project: Shapley = solo, so the interaction is
    // 0, not the float noise of H − S (−1e-10 t showed as `0.000` in the report).
    let r = reconcile(&load(&fixture("linked-pv.yaml")), &[2022, 2024, 2026]).unwrap();
    for y in &r.projects[0].years {
        assert_eq!(y.cause(Cause::Interaction), 0.0, "{}", y.year);
    }
}

#[test]
fn reconciliation_years_are_sorted_and_each_shown_once() {
    // `--years 2025,2022,2025`: two columns, 2022 then 2025, in every project.
    let s = load(&fixture("linked-projects.yaml"));
    let r = reconcile(&s, &[2025, 2022, 2025]).unwrap();
    assert_eq!(r.years, vec![2022, 2025]);
    for p in &r.projects {
        let ys: Vec<i32> = p.years.iter().map(|y| y.year).collect();
        assert_eq!(ys, vec![2022, 2025], "{}", p.appraisal.id);
    }
}

#[test]
fn lcs_projects_scenario_prints_and_writes_the_reconciliation() {
    let dir = temp_dir("reconcile");
    let out = lcs(&[
        "projects".as_ref(),
        "--scenario".as_ref(),
        fixture("linked-projects.yaml").as_os_str(),
        "--years".as_ref(),
        "2022,2025".as_ref(),
        "--out".as_ref(),
        dir.as_os_str(),
    ]);
    for s in [
        "fixed-pv (pv-grid, action P1)",
        "project view",
        "conservativeness",
        "grid factor",
        "Shapley in the scenario",
    ] {
        assert!(out.contains(s), "lacks {s}:\n{out}");
    }
    let csv = std::fs::read_to_string(dir.join("reconciliation.csv")).unwrap();
    assert!(csv.starts_with(
        "scenario,project,action,year,project_view,solo,shapley,conservativeness,grid_factor,losses,not_in_inventory,capacity,outside_crediting_period,other,interaction,unit\n"
    ));
    assert_eq!(csv.lines().count(), 1 + 3 * 2, "{csv}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scenario that links no project still gets the file `--out` asks for: the table of no
/// projects, its header only.
#[test]
fn lcs_projects_scenario_without_projects_writes_the_header_only() {
    let dir = temp_dir("reconcile-none");
    let out = lcs(&[
        "projects".as_ref(),
        "--scenario".as_ref(),
        root().join("scenarios/iskandar/bau.yaml").as_os_str(),
        "--out".as_ref(),
        dir.as_os_str(),
    ]);
    assert!(out.contains("scenario `bau` links no project"), "{out}");
    let csv = std::fs::read_to_string(dir.join("reconciliation.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1, "{csv}");
    assert!(csv.starts_with("scenario,project,action,year,"), "{csv}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_linked_network_changes_the_inventory_like_the_hand_written_measures() {
    let linked = results(&fixture("linked-network.yaml"), "net-linked");
    let hand = results(&fixture("handwritten-network.yaml"), "net-hand");
    assert_eq!(linked, hand, "results.csv differ");
    let s = load(&fixture("linked-network.yaml"));
    let ids: Vec<&str> = s.actions[0]
        .measures
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "slag-to-kiln.virgin.clinker",
            "slag-to-kiln.processing.electricity",
            "rdf-to-kiln.virgin.coal",
            "rdf-to-kiln.divert",
            "food-to-compost.processing.electricity",
            "food-to-compost.processing.natural_gas",
            "food-to-compost.divert",
        ]
    );
}

#[test]
fn a_network_splits_into_inside_not_modelled_and_outside() {
    let s = load(&fixture("linked-network.yaml"));
    let views = lcs_ecotown::boundary::scenario_view(&s).unwrap();
    let v = &views[0];
    let Linked::Network(net) = &s.links[0].linked else {
        panic!("a network")
    };
    // Every part somewhere: inside + not modelled + outside = net avoided.
    for (x, b) in v.assessment.exchanges.iter().zip(&v.boundary) {
        for (r, y) in x.years.iter().zip(&b.years) {
            close(
                y.inside + y.not_modelled + y.outside,
                r.net_avoided,
                1e-6,
                &format!("{} {}", x.id, r.year),
            );
        }
    }
    use lcs_model::ecotown::Place;
    let place = |id: &str| {
        let i = net.exchanges.iter().position(|e| e.id == id).unwrap();
        net.places(i)
    };
    // Clinker made in the kiln inside the region: inside; cement made elsewhere: outside.
    assert_eq!(place("slag-to-kiln").virgin, vec![Place::Inside]);
    assert_eq!(place("ash-to-grinder").virgin, vec![Place::Outside]);
    assert_eq!(place("ash-to-grinder").disposal, Place::Outside);
    // The slag is not municipal waste: its landfill is not in the model.
    assert_eq!(place("slag-to-kiln").disposal, Place::NotModelled);
    assert_eq!(place("food-to-compost").disposal, Place::Inside);
    assert_eq!(place("food-to-compost").treatment, Place::Inside);
    // The RDF's own fossil CO2 at the kiln: in the region, not in the model.
    assert_eq!(place("rdf-to-kiln").burnt, Place::NotModelled);
    // The slag exchange's inventory change in 2025, by hand: 10,000 t × 0.5 = 5,000 t of
    // clinker not made × 0.53 t CO2/t = 2,650 t, less the kiln's processing electricity
    // 10,000 t × 40 kWh/t = 400 MWh at the busbar 400 / (1 − 0.06) = 425.532 MWh × the 2025
    // grid factor 0.625 t CO2/MWh = 265.957 t: 2,384.043 t.
    let e = net
        .exchanges
        .iter()
        .position(|e| e.id == "slag-to-kiln")
        .unwrap();
    let y = (2025 - v.years[0]) as usize;
    close(
        v.inventory_change_t[e][y],
        2_650.0 - 400.0 / 0.94 * 0.625,
        1e-6,
        "slag 2025",
    );
    // The used oil displaces a use: no measure, no change.
    let oil = net
        .exchanges
        .iter()
        .position(|e| e.id == "used-oil")
        .unwrap();
    assert!(v.inventory_change_t[oil].iter().all(|x| *x == 0.0));
    // The network's measures together change the inventory as the sum of their parts, up to
    // the interaction of the diversions (none here: they take different tonnes).
    let sum: f64 = v.inventory_change_t.iter().map(|x| x[y]).sum();
    close(v.total_change_t[y], sum, 1e-6, "total 2025");
}

#[test]
fn a_linked_measure_that_meets_another_on_the_same_quantity_is_noted() {
    // linked-network-overlap.yaml: the network plus an action shifting waste to composting
    // and one scaling the clinker kiln's output, both from 2025.
    let s = load(&fixture("linked-network-overlap.yaml"));
    let overlaps = &s.links[0].overlaps;
    let pairs: Vec<(&str, &str, (i32, i32))> = overlaps
        .iter()
        .map(|o| (o.measure.as_str(), o.other_measure.as_str(), o.years))
        .collect();
    assert!(pairs.contains(&("slag-to-kiln.virgin.clinker", "K1.1", (2025, 2030))));
    assert!(pairs.contains(&("food-to-compost.divert", "W1.1", (2025, 2030))));
    assert!(pairs.contains(&("rdf-to-kiln.divert", "W1.1", (2025, 2030))));
    // The processing energy is extra energy, not a change counted twice: never noted.
    assert!(overlaps.iter().all(|o| !o.measure.contains(".processing.")));
    // `lcs validate` prints each overlap as the named warning `link-overlap` (exit 0).
    let out = Command::new(env!("CARGO_BIN_EXE_lcs"))
        .arg("validate")
        .arg(fixture("linked-network-overlap.yaml"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run lcs");
    assert!(out.status.success());
    // Compared without white space and frame characters, so that the wrapping (which may
    // break at a hyphen) does not matter.
    let squeeze = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect()
    };
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    for want in [
        "warning[link-overlap]: measure `slag-to-kiln.virgin.clinker` of network `town-network` and measure `K1.1` of action `K1` both change `sources.ippu/clinker.activity` in 2025–2030",
        "measure `food-to-compost.divert` of network `town-network` and measure `W1.1` of action `W1` both change `waste.routes` in 2025–2030",
        "3 warnings found",
    ] {
        assert!(squeeze(&err).contains(&squeeze(want)), "{want}\n{err}");
    }
}

#[test]
fn overlaps_stated_additional_are_notes_not_warnings() {
    // linked-network-additional.yaml: the overlaps of linked-network-overlap.yaml, with the
    // linking action listing W1.1 and K1.1 in `additional_to`.
    let s = load(&fixture("linked-network-additional.yaml"));
    let o = &s.links[0].overlaps;
    assert_eq!(o.len(), 3, "{o:?}");
    assert!(o.iter().all(|x| x.stated_additional), "{o:?}");
    let notes = lcs_projects::link::overlap_notes(&s);
    assert!(
        notes
            .iter()
            .all(|n| n.ends_with("stated additional (`additional_to` of the linking action)")),
        "{notes:?}"
    );
    // The same results as with the warnings: both measures still apply.
    let warned = load(&fixture("linked-network-overlap.yaml"));
    let run = |s: &lcs_model::Scenario| {
        let c = lcs_engine::compile(s).unwrap();
        lcs_engine::run_all(&c).unwrap().out.co2e_t
    };
    assert_eq!(run(&s), run(&warned));
    let squeeze = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect()
    };
    let validate = |file: &Path| {
        Command::new(env!("CARGO_BIN_EXE_lcs"))
            .args(["validate", "--deny-warnings"])
            .arg(file)
            .env("NO_COLOR", "1")
            .output()
            .expect("run lcs")
    };
    let out = validate(&fixture("linked-network-additional.yaml"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Only one of the two listed: the other overlap is still a warning. An id that is no
    // measure of the scenario, and `additional_to` without a link: errors.
    let one = fixture(&format!("additional-one-{}.yaml", std::process::id()));
    let text = std::fs::read_to_string(fixture("linked-network-additional.yaml")).unwrap();
    let mut outs = Vec::new();
    for edited in [
        text.replace("[W1.1, K1.1]", "[W1.1]"),
        text.replace("[W1.1, K1.1]", "[W1.2, K1.1]"),
        text.replace("    ecotown: [network.yaml]\n", ""),
    ] {
        std::fs::write(&one, edited).unwrap();
        let out = validate(&one);
        outs.push((
            out.status.code(),
            squeeze(&String::from_utf8_lossy(&out.stderr)),
        ));
    }
    let _ = std::fs::remove_file(&one);
    let (code, err) = &outs[0];
    assert!(*code == Some(1) && err.contains("`K1.1`ofaction"), "{err}");
    assert!(!err.contains("`W1.1`ofaction"), "{err}");
    let (code, err) = &outs[1];
    assert_eq!(*code, Some(1), "{err}");
    assert!(
        err.contains(&squeeze(
            "no measure `W1.2` in the scenario outside action `E1`'s links"
        )) && err.contains("didyoumean`W1.1`")
            && err.contains("actions[0].additional_to[0]"),
        "{err}"
    );
    let (_, err) = &outs[2];
    assert!(
        err.contains(&squeeze(
            "action `E1` has `additional_to` but links no project or network"
        )),
        "{err}"
    );
}

#[test]
fn linking_the_seelong_plant_and_keeping_a_route_shift_to_incineration_is_noted() {
    let s = load(&fixture("seelong-twice.yaml"));
    let o = &s.links[0].overlaps;
    assert_eq!(o.len(), 1, "{o:?}");
    assert_eq!(o[0].other_measure, "A11.4");
    assert_eq!(o[0].years, (2027, 2046));
}

#[test]
fn a_pipeline_file_links_all_its_projects_or_one_by_id() {
    // linked-projects.yaml names tests/links/projects/pipeline.yaml (two projects) and
    // pv.yaml#town-pv.
    let s = load(&fixture("linked-projects.yaml"));
    let ids: Vec<&str> = s.links.iter().map(|l| l.id()).collect();
    assert_eq!(ids, ["fixed-pv", "chillers", "town-pv"]);
    let chillers = s.links.iter().find(|l| l.id() == "chillers").unwrap();
    let m = &s.actions[chillers.action].measures[chillers.measures[0].measure];
    assert_eq!(m.target_path, "demand.industry.energy");
    let lcs_model::Lever::Save { amount, .. } = &m.lever else {
        panic!("a save")
    };
    // 1,000 MWh × (6/4 − 1) = 500 MWh = 1,800 GJ.
    close(amount.values().unwrap()[0], 1_800.0, 1e-9, "saved GJ");
}

#[test]
fn the_screen_skips_linked_measures_and_lists_hand_written_ones() {
    // linked-pv.yaml and handwritten-pv.yaml hold the same `generation` measure: only the
    // hand-written one is a pv-grid candidate; the linked one already is project `town-pv`.
    let linked = lcs_projects::screen::screen(&load(&fixture("linked-pv.yaml"))).unwrap();
    assert!(linked.is_empty(), "{linked:?}");
    let hand = lcs_projects::screen::screen(&load(&fixture("handwritten-pv.yaml"))).unwrap();
    assert_eq!(hand.len(), 1);
    assert_eq!(hand[0].measure, "town-pv.generation");
    assert_eq!(hand[0].methodology, lcs_model::Methodology::PvGrid);
    let out = lcs(&[
        "projects".as_ref(),
        "--screen".as_ref(),
        fixture("linked-pv.yaml").as_os_str(),
    ]);
    assert!(
        out.contains("no measure of `linked-pv` matches a methodology"),
        "{out}"
    );
    assert!(
        out.contains("already linked: project `town-pv` (pv-grid) in action S1"),
        "{out}"
    );
}

#[test]
fn the_bundled_pilot_linked_into_cm_2025_by_hand_in_2030() {
    // tests/links/cm-2025-pilot.yaml: cm-2025 plus an action linking the Pasir Gudang pilot.
    let s = load(&fixture("cm-2025-pilot.yaml"));
    let ids: Vec<&str> = s
        .actions
        .last()
        .unwrap()
        .measures
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    // No virgin material of the pilot is made inside the model (no `inventory:`); the
    // receivers inside the region add processing energy; the two municipal wastes are
    // diverted; the used oil is a displacement and makes no measure.
    assert_eq!(
        ids,
        [
            "slag-to-cement.processing.electricity",
            "rdf-to-kiln.divert",
            "pv-panel-recycling.processing.electricity",
            "food-waste-to-compost.processing.electricity",
            "food-waste-to-compost.processing.diesel",
            "food-waste-to-compost.divert",
        ]
    );
    // Both diversions meet A11.1, A11.2 and the Seelong plant on the waste routes.
    assert_eq!(s.links.last().unwrap().overlaps.len(), 6);
    let views = lcs_ecotown::boundary::scenario_view(&s).unwrap();
    let v = &views[0];
    assert_eq!(v.action, "E1");
    let i = |id: &str| {
        v.assessment
            .exchanges
            .iter()
            .position(|x| x.id == id)
            .unwrap()
    };
    let y = (2030 - v.years[0]) as usize;
    let row = |e: usize| {
        let k = v.boundary[e]
            .years
            .iter()
            .position(|r| r.year == 2030)
            .unwrap();
        v.boundary[e].years[k].clone()
    };
    // slag-to-cement in 2030: 120,000 t × 40 kWh/t = 4,800 MWh at the grinding plant. The
    // network charges it at the grid factor (Ember 2024, held), 4,800 × 0.600 = 2,880 t,
    // inside the inventory (the avoided clinker, 120,000 × 0.5 = 60,000 t, is made outside);
    // the model also supplies the T&D losses: 4,800 / (1 − 0.07) × 0.600 = 3,096.77 t.
    let slag = i("slag-to-cement");
    close(row(slag).inside, -4_800.0 * 0.600, 1e-6, "slag inside");
    close(
        v.inventory_change_t[slag][y],
        -4_800.0 / 0.93 * 0.600,
        1e-6,
        "slag in the scenario",
    );
    // The used oil changes nothing in the inventory.
    assert!(v.inventory_change_t[i("used-oil-rerefining")]
        .iter()
        .all(|x| *x == 0.0));
    // The diversions reduce the inventory in 2030 (avoided landfill methane of four and
    // five years of deposits) by more than their processing adds.
    assert!(v.inventory_change_t[i("rdf-to-kiln")][y] > 0.0);
    assert!(v.inventory_change_t[i("food-waste-to-compost")][y] > 0.0);
    // Every exchange: inside + not modelled + outside = net avoided.
    for (x, b) in v.assessment.exchanges.iter().zip(&v.boundary) {
        for (r, q) in x.years.iter().zip(&b.years) {
            close(
                q.inside + q.not_modelled + q.outside,
                r.net_avoided,
                1e-6,
                &x.id,
            );
        }
    }
}
