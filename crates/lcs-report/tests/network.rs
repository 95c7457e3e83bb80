//! The eco-town network diagram and CSV layouts: the SVG parses as XML and names every
//! facility, the PNG decodes, the layout is deterministic, the CSV columns are issue 9's.

use std::path::Path;

fn pilot() -> lcs_ecotown::Assessment {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut loader = lcs_model::Loader::new();
    let net = loader
        .load_ecotown(&root.join("scenarios/iskandar/ecotown/pasir-gudang-pilot.yaml"))
        .unwrap_or_else(|d| panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)));
    lcs_ecotown::assess(&net).expect("assessed")
}

#[test]
fn diagram_svg_parses_png_decodes_and_every_facility_is_named() {
    let a = pilot();
    let chart = lcs_report::network::diagram(&a).expect("drawn");
    // Every event of the SVG parses; collect its text.
    let mut reader = quick_xml::Reader::from_str(&chart.svg);
    let mut text = String::new();
    let mut elements = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Text(t)) => {
                text.push_str(&t[..]);
                text.push('\n');
            }
            Ok(quick_xml::events::Event::Start(_)) | Ok(quick_xml::events::Event::Empty(_)) => {
                elements += 1
            }
            Ok(_) => {}
            Err(e) => panic!("SVG does not parse at {}: {e}", reader.buffer_position()),
        }
    }
    assert!(elements > 50, "{elements} elements");
    for (id, name, _) in &a.facilities {
        assert!(text.contains(id.as_str()), "facility id {id} in the SVG");
        assert!(
            text.contains(name.as_str()),
            "facility name {name} in the SVG"
        );
    }
    // Each exchange's material labels its arrow.
    for x in &a.exchanges {
        assert!(
            text.contains(&x.material.replace('_', " ")),
            "{}",
            x.material
        );
    }
    assert!(text.contains("net "), "net avoided labels");
    assert!(text.contains(&chart.title));
    // The PNG decodes to the diagram's size, on a white background with dark text.
    let decoder = png::Decoder::new(std::io::Cursor::new(&chart.png));
    let mut r = decoder.read_info().expect("png header");
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).expect("png decodes");
    assert_eq!(info.width, lcs_report::network::DIAGRAM_WIDTH);
    assert!(info.height >= lcs_report::network::DIAGRAM_MIN_HEIGHT);
    let px = &buf[..info.buffer_size()];
    let n = px.len() / 3;
    let white = px.chunks(3).filter(|p| p == &[255, 255, 255]).count();
    let dark = px.chunks(3).filter(|p| p.iter().all(|v| *v < 60)).count();
    assert!(white > n / 2 && white < n * 99 / 100);
    assert!(dark > 500, "text drawn with the embedded font");
    // Deterministic.
    let again = lcs_report::network::diagram(&a).expect("drawn");
    assert_eq!(chart.svg, again.svg);
    assert_eq!(chart.png, again.png);
}

#[test]
fn csv_layouts_have_the_issue_columns_and_one_row_per_exchange_year() {
    let a = pilot();
    let csv = lcs_report::network::exchanges_csv(&a);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("exchange,from,to,material,year,mass,mass_unit,avoided_virgin,avoided_disposal,processing,transport,net_avoided,unit,additional")
    );
    let rows: usize = a.exchanges.iter().map(|x| x.years.len()).sum();
    assert_eq!(csv.lines().count(), rows + 1);
    for l in csv.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), 14, "{l}");
        assert!(f[13] == "true" || f[13] == "false");
        assert_eq!((f[6], f[12]), ("t/yr", "t CO2e/yr"));
        // net = virgin + disposal − processing − transport, as written.
        let v: Vec<f64> = f[7..12]
            .iter()
            .map(|x| x.parse().expect("number"))
            .collect();
        assert!(
            (v[0] + v[1] - v[2] - v[3] - v[4]).abs() <= 1e-6 * v[4].abs().max(1.0),
            "{l}"
        );
    }
    let fac = lcs_report::network::facilities_csv(&a);
    assert!(fac.starts_with(
        "facility,name,inside_region,year,mass_in,mass_out,mass_unit,net_avoided,unit\n"
    ));
    assert_eq!(fac.lines().count(), 1 + a.facilities.len() * a.years.len());
    assert!(fac.contains("cement_kiln,Cement kiln (outside Iskandar),false,2030,"));
    let eco = lcs_report::network::economics_csv(&a).expect("pilot has economics");
    assert!(eco.lines().any(|l| l.starts_with("NETWORK,")));
}
