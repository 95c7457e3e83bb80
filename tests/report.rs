//! `lcs report` and `lcs compare` through the binary: files written, options, exit codes,
//! and the HTML report in headless Chromium (Debian's `chromium`, installed by `.ci/run`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn lcs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lcs"))
}

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/tiny")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lcs-report-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn report(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut c = lcs();
    c.current_dir(tiny())
        .args(["report", "bau.yaml", "cm.yaml", "--out"])
        .arg(out)
        .args(extra);
    c.output().expect("lcs runs")
}

/// `lcs report ARGS --out OUT` run in `tests/heldout/<case>` (the held-out review's hand
/// cases), which must succeed.
fn heldout_report(case: &str, args: &[&str], out: &Path) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/heldout")
        .join(case);
    let o = lcs()
        .current_dir(&dir)
        .arg("report")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("lcs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn files_under(dir: &Path, sub: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.join(sub))
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn report_writes_every_format_and_prints_markdown() {
    let out = tmp("all");
    let o = report(&out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["report.xlsx", "report.html", "report.md", "iamc.csv"] {
        assert!(
            out.join(f)
                .metadata()
                .map(|m| m.len() > 1000)
                .unwrap_or(false),
            "{f}"
        );
    }
    let tables = [
        "actions",
        "comparison",
        "electricity",
        "emissions",
        "final_energy",
        "input_quality",
        "measures",
        "pathways",
        "plan-cm",
        "targets",
        "waste",
    ];
    let csv: Vec<String> = tables.iter().map(|t| format!("{t}.csv")).collect();
    assert_eq!(files_under(&out, "csv"), csv);
    let mut parquet: Vec<String> = tables.iter().map(|t| format!("{t}.parquet")).collect();
    parquet.insert(2, "data.parquet".to_string());
    assert_eq!(files_under(&out, "parquet"), parquet);
    assert_eq!(
        files_under(&out, "charts").len(),
        16,
        "8 charts as SVG and PNG"
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("### Tiny Town: emissions by sector (kt CO2e/yr)"));
    assert!(stdout
        .contains("| cm | vs-reference-15 | emissions | −15 % vs reference (no actions) | 2030 |"));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn report_formats_and_years_options() {
    let out = tmp("some");
    let o = report(&out, &["--format", "csv,md", "--years", "2020,2030"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join("report.xlsx").exists());
    assert!(!out.join("report.html").exists());
    assert!(out.join("report.md").exists());
    let csv = std::fs::read_to_string(out.join("csv/emissions.csv")).expect("csv");
    assert_eq!(
        csv.lines().next(),
        Some("sector [kt CO2e/yr],2020,bau 2030,cm 2030")
    );
    let o = report(&out, &["--format", "pdf"]);
    assert_eq!(o.status.code(), Some(2), "unknown format is a usage error");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn report_compare_to_and_dpi_options() {
    let out = tmp("compare-to");
    let o = report(
        &out,
        &["--format", "csv", "--compare-to", "bau", "--dpi", "150"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(out.join("csv/comparison.csv")).expect("csv");
    assert!(csv.contains("\ncm,bau,bau [kt CO2e/yr],"), "{csv}");
    let png = std::fs::read(out.join("charts/pathways.png")).expect("png");
    let info = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .expect("png")
        .info()
        .clone();
    assert_eq!((info.width, info.height), (1200, 675), "8 in at 150 dpi");
    let o = report(&out, &["--format", "csv", "--compare-to", "cn"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no scenario `cn` in this report"), "{err}");
    assert!(err.contains("did you mean `cm`?"), "{err}");
    let o = report(&out, &["--format", "csv", "--years", "2020,2099"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2099 is outside the model years"));
    let o = report(&out, &["--dpi", "10"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "dpi out of range is a usage error"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn report_on_invalid_input_exits_1_and_writes_nothing() {
    let out = tmp("bad");
    let o = lcs()
        .current_dir(tiny())
        .args(["report", "bau.yaml", "no-such.yaml", "--out"])
        .arg(&out)
        .output()
        .expect("lcs");
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());
}

#[test]
fn compare_prints_input_and_output_differences() {
    let o = lcs()
        .current_dir(tiny())
        .args(["compare", "bau.yaml", "cm.yaml", "--top", "5"])
        .output()
        .expect("lcs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("A: bau"), "{s}");
    assert!(s.contains("B: cm"), "{s}");
    assert!(s.contains("inputs:"), "{s}");
    let target_line = s
        .lines()
        .find(|l| l.starts_with("target") && l.contains("vs-reference-15"))
        .unwrap_or_else(|| panic!("target only in cm:\n{s}"));
    assert!(target_line.contains(" - "), "absent in A: {target_line}");
    assert!(s.contains("outputs:"), "{s}");
    let out_section = s.split("outputs:").nth(1).expect("outputs section");
    // Five variables listed after the header and rule.
    let listed = out_section
        .lines()
        .skip(3)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(listed, 5, "{out_section}");
    let same = lcs()
        .current_dir(tiny())
        .args(["compare", "cm.yaml", "cm.yaml"])
        .output()
        .expect("lcs");
    let s = String::from_utf8_lossy(&same.stdout);
    assert!(s.contains("inputs: no difference"), "{s}");
    assert!(s.contains("outputs: no difference"), "{s}");
}

/// A tool from Debian (`/usr/bin/<name>`); missing is a failure on CI and a skip (with a
/// note) elsewhere.
fn tool(name: &str, package: &str) -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin").join(name);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install {package} (.ci/run: apt-get install {package})"
    );
    eprintln!("note: /usr/bin/{name} is missing; skipping the check that needs it");
    None
}

fn chromium() -> Option<PathBuf> {
    tool("chromium", "chromium")
}

fn headless(chrome: &Path, profile: &Path) -> Command {
    let mut c = Command::new("timeout");
    c.arg("120").arg(chrome).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn html_report_loads_in_headless_chromium_with_tables_and_charts() {
    let Some(chrome) = chromium() else { return };
    let out = tmp("html");
    let o = report(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = format!("file://{}", out.join("report.html").display());
    // The DOM after loading: every table and every chart is there.
    let dom = headless(&chrome, &out.join("profile-dom"))
        .arg("--dump-dom")
        .arg(&page)
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<title>Tiny Town: Business as usual; Countermeasures 2030</title>"),
        "page loaded"
    );
    assert_eq!(
        dom.matches("<table").count(),
        11,
        "eleven tables (with the plan chapter and data quality)"
    );
    assert_eq!(dom.matches("<svg").count(), 8, "eight charts");
    assert!(dom.contains("Tiny Town: emissions by sector (kt CO2e/yr)"));
    // A screenshot: decodes, and shows the first charts' colours (a chart was painted).
    let shot = out.join("shot.png");
    let st = headless(&chrome, &out.join("profile-shot"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2400")
        .arg(&page)
        .output()
        .expect("chromium runs");
    assert!(shot.exists(), "{}", String::from_utf8_lossy(&st.stderr));
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&shot).expect("screenshot"),
    ));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png decodes");
    assert_eq!((info.width, info.height), (1280, 2400));
    let ch = info.color_type.samples();
    let px: Vec<&[u8]> = buf[..info.buffer_size()].chunks(ch).collect();
    let near = |p: &[u8], c: [u8; 3]| (0..3).all(|i| (p[i] as i32 - c[i] as i32).abs() < 12);
    // Pathway lines (palette blue and orange) and the wedges of the first action.
    let blue = px.iter().filter(|p| near(p, [31, 119, 180])).count();
    let orange = px.iter().filter(|p| near(p, [255, 127, 14])).count();
    assert!(
        blue > 200 && orange > 200,
        "charts painted: blue {blue}, orange {orange}"
    );
    let white = px.iter().filter(|p| near(p, [255, 255, 255])).count();
    assert!(white > px.len() / 3, "a page, not a blank or error screen");
    let _ = std::fs::remove_dir_all(&out);
}

/// The headers of every table of the HTML page, in order (`<th>` cells), unescaped.
fn table_headers(html: &str) -> Vec<String> {
    html.split("<th")
        .skip(1)
        .filter_map(|p| {
            let start = p.find('>')? + 1;
            let end = p.find("</th>")?;
            Some(
                p[start..end]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}

#[test]
fn html_report_prints_to_pdf_with_every_table_column() {
    let Some(chrome) = chromium() else { return };
    let Some(pdftotext) = tool("pdftotext", "poppler-utils") else {
        return;
    };
    let Some(pdfinfo) = tool("pdfinfo", "poppler-utils") else {
        return;
    };
    let out = tmp("pdf");
    let o = report(&out, &["--format", "html", "--dpi", "150"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = format!("file://{}", out.join("report.html").display());
    let pdf = out.join("report.pdf");
    let p = headless(&chrome, &out.join("profile-pdf"))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(&page)
        .output()
        .expect("chromium runs");
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&p.stderr));
    let text = Command::new(&pdftotext)
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(text.status.success());
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let printed = squash(&String::from_utf8_lossy(&text.stdout));
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    let headers = table_headers(&html);
    assert!(headers.len() > 50, "{} headers", headers.len());
    // Every column header of every table is on paper: nothing is lost to a scroll box.
    for h in &headers {
        assert!(
            printed.contains(&squash(h)),
            "`{h}` is not in the printed PDF"
        );
    }
    // The last column of the widest tables and their last rows are printed too.
    for cell in [
        "share2030[%]",
        "met",
        "sizeunit",
        "G1Greenandblueinfrastructure",
    ] {
        assert!(printed.contains(cell), "`{cell}` printed");
    }
    // Wide tables on landscape pages, the rest portrait (A4: 595 × 842 pt).
    let info = Command::new(&pdfinfo)
        .args(["-f", "1", "-l", "200"])
        .arg(&pdf)
        .output()
        .expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout);
    let sizes: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .collect();
    let dims: Vec<(f64, f64)> = sizes
        .iter()
        .filter_map(|l| {
            let f: Vec<f64> = l
                .split_whitespace()
                .filter_map(|w| w.parse::<f64>().ok())
                .collect();
            // `Page N size: W x H pts`: the page number, then width and height.
            (f.len() >= 3).then(|| (f[1], f[2]))
        })
        .collect();
    assert!(dims.len() >= 8, "one section per page at least: {sizes:?}");
    assert!(
        dims.iter().any(|(w, h)| w > h),
        "landscape pages: {sizes:?}"
    );
    assert!(dims.iter().any(|(w, h)| w < h), "portrait pages: {sizes:?}");
    let _ = std::fs::remove_dir_all(&out);
}

/// Splits one CSV line (RFC 4180 quoting, no line breaks inside a field).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[test]
fn report_pipeline_sheet_matches_lcs_projects() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tmp("pipeline");
    // A scenario linking three projects (tests/links/linked-projects.yaml), and the Iskandar
    // pipeline given with `--projects`: linked projects first, then the others.
    let o = lcs()
        .current_dir(root)
        .args([
            "report",
            "tests/links/linked-projects.yaml",
            "--projects",
            "scenarios/iskandar/projects/pipeline.yaml",
            "--format",
            "xlsx",
            "--dpi",
            "72",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("lcs runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv_dir = tmp("pipeline-csv");
    let p = lcs()
        .current_dir(root)
        .args([
            "projects",
            "tests/links/projects/pipeline.yaml",
            "tests/links/projects/pv.yaml",
            "scenarios/iskandar/projects/pipeline.yaml",
            "--out",
        ])
        .arg(&csv_dir)
        .output()
        .expect("lcs runs");
    assert!(p.status.success(), "{}", String::from_utf8_lossy(&p.stderr));
    let summary = std::fs::read_to_string(csv_dir.join("summary.csv")).unwrap();
    let rows: Vec<Vec<String>> = summary.lines().skip(1).map(csv_fields).collect();
    assert_eq!(rows.len(), 9, "{summary}");
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).expect("xlsx opens");
    let sheet = wb.worksheet_range("pipeline").expect("pipeline sheet");
    let at = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(3, 0), Data::String("Project".into()));
    // Sheet columns (Project, Name, Methodology, Status, Start, Lifetime, Annual, Lifetime
    // reduction, Capex, NPV, Cost per t, JCM per t, Currency, Price year) against summary.csv
    // (project, name, methodology, status, start, lifetime, annual_reduction,
    // lifetime_reduction, capex, npv, levelised_cost, jcm_cost_effectiveness, currency,
    // price_year): the same columns in the same order.
    for (i, row) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        assert_eq!(at(r, 0), Data::String(row[0].clone()), "row {i}");
        assert_eq!(at(r, 2), Data::String(row[2].clone()), "{}", row[0]);
        for c in 4..12 {
            let want = &row[c];
            match at(r, c as u32) {
                Data::Float(v) => {
                    let w: f64 = want
                        .parse()
                        .unwrap_or_else(|_| panic!("{} col {c}: {want}", row[0]));
                    assert!(
                        (v - w).abs() <= 1e-9 * w.abs().max(1.0),
                        "{} column {c}: sheet {v}, summary.csv {w}",
                        row[0]
                    );
                }
                Data::Empty => {
                    assert!(want.is_empty(), "{} column {c}: empty, want {want}", row[0])
                }
                other => panic!("{} column {c}: {other:?}", row[0]),
            }
        }
    }
    // The chart of lifetime reduction against cost per tonne, and the reconciliation.
    assert!(out.join("charts/pipeline-cost.png").is_file());
    // Reconciliation rows from each project's first operating year (summary.csv `start`),
    // and the causes explain the whole difference: `other` is 0.
    let rec = wb
        .worksheet_range("reconciliation-linked-projects")
        .expect("reconciliation sheet");
    let cell = |r: u32, c: u32| rec.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let header = (0..10)
        .find(|r| cell(*r, 0) == Data::String("Project".into()))
        .expect("header row");
    let col = |name: &str| {
        (0..20)
            .find(|c| cell(header, *c) == Data::String(name.into()))
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let (year_col, other_col) = (col("Year"), col("other"));
    let mut n = 0;
    for r in header + 1..header + 40 {
        let Data::String(name) = cell(r, 0) else {
            break;
        };
        let start: f64 = rows
            .iter()
            .find(|row| row[1] == name)
            .unwrap_or_else(|| panic!("{name} in summary.csv"))[4]
            .parse()
            .unwrap();
        let Data::Float(year) = cell(r, year_col) else {
            panic!("year of row {r}")
        };
        assert!(year >= start, "{name}: {year} before its start {start}");
        assert_eq!(cell(r, other_col), Data::Float(0.0), "{name} {year}: other");
        n += 1;
    }
    assert!(n >= 3, "{n} reconciliation rows");
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&csv_dir);
}

#[test]
fn report_ecotown_sections_show_inside_and_outside_and_the_diagram() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tmp("ecotown");
    let o = lcs()
        .current_dir(root)
        .args([
            "report",
            "tests/links/linked-network.yaml",
            "--ecotown",
            "scenarios/iskandar/ecotown/pasir-gudang-pilot.yaml",
            "--format",
            "xlsx",
            "--years",
            "2025,2030",
            "--dpi",
            "72",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("lcs runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).expect("xlsx opens");
    // The linked network has the scenario's inventory change; the other one does not.
    let linked = wb
        .worksheet_range("ecotown-town-network")
        .expect("linked sheet");
    let header: Vec<Data> = (0..10)
        .map(|c| linked.get_value((3, c)).cloned().unwrap_or(Data::Empty))
        .collect();
    assert_eq!(
        header[9],
        Data::String("Inventory change in the scenario".into())
    );
    let pilot = wb
        .worksheet_range("ecotown-pasir-gudang-pilot")
        .expect("pilot sheet");
    assert_eq!(pilot.get_value((3, 9)), None);
    // Every row: inside + not modelled + outside = net avoided.
    for sheet in [&linked, &pilot] {
        let mut rows = 0;
        for r in 4..sheet.height() as u32 {
            let num = |c: u32| match sheet.get_value((r, c)) {
                Some(Data::Float(v)) => *v,
                other => panic!("row {r} column {c}: {other:?}"),
            };
            if sheet.get_value((r, 0)).is_none() {
                break;
            }
            let (net, parts) = (num(5), num(6) + num(7) + num(8));
            assert!(
                (net - parts).abs() <= 1e-6 * net.abs().max(1.0),
                "row {r}: {net} vs {parts}"
            );
            rows += 1;
        }
        assert!(rows >= 4, "{rows} rows");
    }
    for chart in [
        "ecotown-town-network-diagram",
        "ecotown-pasir-gudang-pilot-diagram",
    ] {
        assert!(out.join(format!("charts/{chart}.png")).is_file(), "{chart}");
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn gpc_table_rows_add_up_to_the_inventory_per_scope() {
    // The every-key schema case has `report.gpc`, plants, refrigerants, land classes,
    // processes and T&D losses: the GPC table's rows, per year and scope (the memo left
    // out), add up to the run's total, and BASIC+ is that total when every part is mapped.
    let out = tmp("gpc");
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema-cases");
    let o = lcs()
        .current_dir(&cases)
        .args(["report", "cm.yaml", "--format", "csv", "--out"])
        .arg(&out)
        .output()
        .expect("lcs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let gpc = std::fs::read_to_string(out.join("csv/gpc-cm.csv")).expect("gpc table");
    let total = std::fs::read_to_string(out.join("csv/pathways.csv")).expect("pathways");
    let totals: std::collections::BTreeMap<String, f64> = total
        .lines()
        .skip(1)
        .map(|l| {
            let f = csv_fields(l);
            (f[0].clone(), f[1].parse().expect("number"))
        })
        .collect();
    let mut by_year: std::collections::BTreeMap<String, ([f64; 3], f64, f64, f64)> =
        Default::default();
    for l in gpc.lines().skip(1) {
        let f = csv_fields(l);
        let e = by_year.entry(f[0].clone()).or_default();
        let num = |s: &str| s.parse::<f64>().unwrap_or(0.0);
        match f[1].as_str() {
            "memo" => e.3 += num(&f[4]),
            "BASIC" => e.1 = num(&f[7]),
            "BASIC+" => e.2 = num(&f[8]),
            "I.4.4" | "outside" => {}
            _ => {
                for k in 0..3 {
                    e.0[k] += num(&f[4 + k]);
                }
            }
        }
    }
    assert_eq!(
        by_year.len(),
        3,
        "the milestone years 2020, 2025, 2030: {:?}",
        by_year.keys()
    );
    for (year, (scopes, basic, plus, memo)) in &by_year {
        let want = totals[year];
        let sum: f64 = scopes.iter().sum();
        assert!((sum - want).abs() <= 1e-9 * want, "{year}: {sum} vs {want}");
        assert!(
            (plus - want).abs() <= 1e-9 * want,
            "{year}: BASIC+ {plus} vs {want}"
        );
        // BASIC leaves out scope 3 of energy (the T&D losses), IPPU and AFOLU.
        assert!(*basic < *plus && *basic > 0.0);
        assert!(*memo > 0.0, "the plants' memo line");
        assert!(scopes[2] > 0.0, "T&D losses in scope 3");
    }
    assert!(gpc.contains(",I.7,") && gpc.contains("scope 1: NO"));
    let _ = std::fs::remove_dir_all(&out);
}

/// The `year` row `item` of a report CSV table, as numbers from column `from` on.
fn csv_row(table: &str, key: &[&str], from: usize) -> Vec<f64> {
    let line = table
        .lines()
        .map(csv_fields)
        .find(|f| f.iter().zip(key).all(|(a, b)| a == b))
        .unwrap_or_else(|| panic!("no row {key:?} in\n{table}"));
    line[from..]
        .iter()
        .map(|s| s.parse::<f64>().unwrap_or(f64::NAN))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn gpc_table_of_a_hand_computed_inventory() {
    // tests/heldout/inventory/model.yaml has the arithmetic of every number below.
    let out = tmp("gpc-hand");
    heldout_report(
        "inventory",
        &["bau.yaml", "--format", "csv", "--years", "2020,2022"],
        &out,
    );
    let gpc = std::fs::read_to_string(out.join("csv/gpc-bau.csv")).expect("gpc table");
    // scope 1, 2, 3, BASIC, BASIC+ (NaN: an empty cell).
    let row = |id: &str| csv_row(&gpc, &["2020", id], 4);
    let i1 = row("I.1");
    assert!(i1[0].is_nan(), "{gpc}");
    assert!(close(i1[1], 154.320_987_654_321 * 0.9), "{i1:?}");
    assert!(close(i1[2], 15.432_098_765_432_1), "{i1:?}");
    assert!(close(row("I.4.4")[0], 505.3905));
    assert!(close(row("III.4")[0], 15.012_428_571_428_57));
    assert!(close(row("IV.1")[0], 52.0));
    assert!(close(row("IV.2")[0], 2.404_375));
    assert!(close(row("V.2")[0], 5.371_666_666_666_667));
    assert!(close(
        csv_row(&gpc, &["2022", "V.2"], 4)[0],
        8.033_333_333_333_333
    ));
    assert!(close(
        row("BASIC")[3],
        138.888_888_888_888_9 + 15.012_428_571_428_57
    ));
    assert!(close(row("BASIC+")[4], 229.109_457_892_416_2));
    assert!(close(row("memo")[0], 505.3905));
    // The notation keys as written: I.7 "NO" for the row, IE for II.1 scope 3.
    assert!(gpc.contains("Fugitive emissions from mining processing storage and transportation of coal,,,,0.0,0.0,scope 1: NO"), "{gpc}");
    assert!(
        gpc.contains("On-road,,,,0.0,0.0,scope 1: NE; scope 2: NE; scope 3: IE"),
        "{gpc}"
    );
    assert!(!gpc.contains(",outside,"), "{gpc}");
    // The data-quality table lists what the model writes: not the placeholder activity of
    // the land class nor the process factors of the embedded IPCC table (held-out review:
    // both were listed as "inline, no source").
    let q = std::fs::read_to_string(out.join("csv/input_quality.csv")).expect("input_quality");
    assert!(q.contains(",sources.ippu/ac.refrigerant.charge,"), "{q}");
    assert!(q.contains(",sources.ippu/cement.activity,"), "{q}");
    assert!(!q.contains(",sources.afolu/mangrove.activity,"), "{q}");
    assert!(!q.contains(",sources.ippu/cement.factors."), "{q}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn data_quality_lists_every_scenarios_own_inputs_with_sheet_status_and_unit() {
    // tests/heldout/provenance. Found by the held-out review: only the first scenario of a
    // model was listed, so `alt`'s population (its `overrides:`, read from alt.csv) had no
    // row; and a gas per tonne was shown in the unit `CO2` (t CO2/t, the masses cancelled).
    let out = tmp("provenance");
    heldout_report(
        "provenance",
        &["bau.yaml", "alt.yaml", "--format", "csv"],
        &out,
    );
    let q = std::fs::read_to_string(out.join("csv/input_quality.csv")).expect("input_quality");
    let lines: Vec<&str> = q.lines().collect();
    assert_eq!(
        lines[0],
        "region,input,year,value,unit,flag,source,defined at"
    );
    // The base-year rows as read: 100000 person, SOURCED; 200 kt = 200000 t, SOURCED.
    assert!(q.contains("prov,drivers.population,2020,100000.0,person,sourced,\"town.csv row 2: Census 2020, table 3\",model.yaml:8:15\n"), "{q}");
    assert!(q.contains("prov,sources.ippu/cement.activity,2020,200000.0,t,sourced,long.csv row 2: stat office,"), "{q}");
    assert!(
        q.contains("prov,sources.ippu/cement.factors.CO2,2020,0.5,t CO2/t,\"inline, no source\","),
        "{q}"
    );
    // alt's own input, once, after the model's; its other inputs are the model's, not repeated.
    assert!(
        q.contains(
            "prov.alt,drivers.population,2020,90000.0,person,derived,alt.csv row 2,alt.yaml:7:23\n"
        ),
        "{q}"
    );
    assert_eq!(q.matches("prov.alt,").count(), 1, "{q}");
    // 5 model inputs (population, intensity, lpg share, cement activity and factor) + 1.
    assert_eq!(lines.len(), 1 + 5 + 1, "{q}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn waste_table_routes_add_up_with_anaerobic_digestion() {
    // tests/heldout/waste (hand arithmetic in its files): the waste table lists anaerobic
    // digestion, so the routes add up to the generated mass, and its CH4 and biogas
    // electricity (they were left out, and the routes summed to 29 200 of 36 500 t).
    let out = tmp("waste-ad");
    heldout_report(
        "waste",
        &[
            "bau.yaml",
            "cm.yaml",
            "--format",
            "csv",
            "--years",
            "2020,2022",
        ],
        &out,
    );
    let w = std::fs::read_to_string(out.join("csv/waste.csv")).expect("waste table");
    assert!(w.starts_with("item,unit,2020,bau 2022,cm 2022\n"), "{w}");
    let r = |item: &str| csv_row(&w, &[item], 2);
    let generated = r("Generated");
    let routes = [
        "Landfill",
        "Recycling",
        "Composting",
        "Incineration",
        "Anaerobic digestion",
    ];
    for (k, g) in generated.iter().enumerate() {
        let sum: f64 = routes.iter().map(|x| r(x)[k]).sum();
        assert!(close(sum, *g), "column {k}: {sum} vs {g}\n{w}");
    }
    assert_eq!(r("Anaerobic digestion"), vec![7300.0, 7300.0, 8300.0]);
    assert_eq!(r("Recycling")[2], 9125.0);
    assert_eq!(r("Landfill")[2], 15425.0);
    assert!(close(r("Anaerobic digestion CH4")[0], 0.00584));
    assert!(close(r("Biogas electricity")[2], 1660.0));
    let e = std::fs::read_to_string(out.join("csv/electricity.csv")).expect("electricity");
    assert!(
        close(csv_row(&e, &["  of which biogas"], 2)[0], 1460.0),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn gpc_unmapped_and_outside_rows_are_separate() {
    // tests/heldout/gpc-unmapped (arithmetic in its model file): the unmapped sources are
    // 1.182 kt in `unmapped` only, the rail electricity mapped to III.1 (no scope 2) is
    // 1.0 kt in III.1's scope 2 cell and in `outside`; neither is in BASIC or BASIC+.
    let out = tmp("gpc-unmapped");
    heldout_report(
        "gpc-unmapped",
        &["bau.yaml", "--format", "csv", "--years", "2020"],
        &out,
    );
    let gpc = std::fs::read_to_string(out.join("csv/gpc-bau.csv")).expect("gpc table");
    let row = |id: &str| csv_row(&gpc, &["2020", id], 4);
    assert!(close(row("unmapped")[0], 1.182), "{gpc}");
    assert!(close(row("III.1")[1], 1.0), "{gpc}");
    assert!(close(row("outside")[0], 1.0), "{gpc}");
    assert!(
        close(row("BASIC")[3], 0.0) && close(row("BASIC+")[4], 0.0),
        "{gpc}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn gpc_notation_on_a_cell_with_emissions_is_named() {
    // tests/heldout/gpc-notation: `IV.1.1: NE` on a cell holding 52 kt is not shown, and a
    // note of the section says so (it was dropped without a word); `IV.2: "NO"` shows.
    let out = tmp("gpc-notation");
    heldout_report(
        "gpc-notation",
        &["bau.yaml", "--format", "csv,md", "--years", "2020,2021"],
        &out,
    );
    let gpc = std::fs::read_to_string(out.join("csv/gpc-bau.csv")).expect("gpc table");
    assert!(close(csv_row(&gpc, &["2020", "IV.1"], 4)[0], 52.0), "{gpc}");
    assert!(gpc.contains("Product use,,,,0.0,0.0,scope 1: NO"), "{gpc}");
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(
        md.contains("report.gpc.notation gives `IV.1.1: NE`, but that cell holds emissions in 2020 (52.0 kt CO2e), 2021 (52.0 kt CO2e): the key is not shown"),
        "{md}"
    );
    let _ = std::fs::remove_dir_all(&out);
}
