//! `lcs decompose A.yaml[:YEAR] B.yaml[:YEAR] --out FILE.csv`: additive LMDI-I of the change
//! in emissions between two scenario-years (lcs-decompose), written as
//! `effect,sector,value,unit` with a waterfall chart beside it (lcs-report).

use super::{compile, load, report_run_error, table, Failure};
use crate::output::write_atomic;
use crate::render;
use lcs_decompose::{decompose, kaya, DecomposeError, Kaya, Options, Point, Side, KAYA_FACTORS};
use lcs_engine::{breakdown, rows, run_all, Breakdown, Row};
use lcs_model::{Diagnostic, Loader, Scenario};
use std::path::{Path, PathBuf};

/// The command's options, validated.
pub struct Decompose {
    pub a: String,
    pub b: String,
    pub out: PathBuf,
    pub maps: Vec<String>,
    pub currency: Option<String>,
    pub price_year: i32,
    pub kaya: Option<String>,
}

/// `FILE[:YEAR]` → (file, year).
fn split_point(text: &str) -> Result<(PathBuf, Option<i32>), Failure> {
    if let Some((file, year)) = text.rsplit_once(':') {
        if !year.is_empty() && year.chars().all(|c| c.is_ascii_digit()) {
            let y = year
                .parse()
                .map_err(|_| Failure::Message(format!("`{year}` in `{text}` is not a year")))?;
            return Ok((PathBuf::from(file), Some(y)));
        }
    }
    Ok((PathBuf::from(text), None))
}

struct Loaded {
    scenario: Scenario,
    breakdown: Breakdown,
    rows: Vec<Row>,
    years: Vec<i32>,
}

fn run_one(loader: &mut Loader, path: &Path) -> Result<Loaded, Failure> {
    let s = load(loader, path)?;
    let c = compile(&s)?;
    let ws = run_all(&c).map_err(|e| report_run_error(loader, &s, &e))?;
    Ok(Loaded {
        breakdown: breakdown(&s, &c, &ws),
        rows: rows(&c, &ws),
        years: c.years(),
        scenario: s,
    })
}

/// The span of a node path of a decomposition message (`demand.<path>`, `waste`,
/// `sources.<path>`) in a scenario's model, for the diagnostic.
fn span_of(s: &Scenario, path: &str) -> Option<lcs_model::Span> {
    let m = &s.model;
    if let Some(p) = path.strip_prefix("demand.") {
        let p = p.split('|').next().unwrap_or(p);
        return m.nodes.iter().find(|n| n.path == p).map(|n| n.span);
    }
    if let Some(p) = path.strip_prefix("sources.") {
        return m.sources.iter().find(|x| x.path == p).map(|x| x.span);
    }
    if path == "waste" {
        return m.waste.as_ref().map(|w| w.span);
    }
    None
}

/// Renders a decomposition error as a diagnostic at the model node it names.
fn report_error(loader: &Loader, a: &Scenario, b: &Scenario, e: &DecomposeError) -> Failure {
    let at = |side: Side, path: &str| match side {
        Side::A => span_of(a, path).or(Some(a.model.span)),
        Side::B => span_of(b, path).or(Some(b.model.span)),
    };
    let d = match e {
        DecomposeError::Unmatched { only_a, only_b } => {
            let (side, first) = match (only_a.first(), only_b.first()) {
                (Some(p), _) => (Side::A, p.clone()),
                (None, Some(p)) => (Side::B, p.clone()),
                _ => (Side::A, String::new()),
            };
            let headline = format!(
                "the two structures differ: {} node(s) only in A, {} only in B (first: `{first}`)",
                only_a.len(),
                only_b.len()
            );
            let mut d = diag(at(side, &first), headline)
                .at(first.clone())
                .expected("the same leaves, waste and sources at both points, or `--map A_PATH=B_PATH` for each that differs");
            if !only_a.is_empty() {
                d = d.note(format!("only in A (`{}`): {}", a.id, only_a.join(", ")));
            }
            if !only_b.is_empty() {
                d = d.note(format!("only in B (`{}`): {}", b.id, only_b.join(", ")));
            }
            d
        }
        DecomposeError::UnknownMappedPath { side, path, .. } => diag(
            Some(match side {
                Side::A => a.model.span,
                Side::B => b.model.span,
            }),
            e.to_string(),
        )
        .at(path.clone())
        .expected("a node path of that model: `demand.<node>`, `waste` or `sources.<path>`"),
        DecomposeError::UnitMismatch { item, .. }
        | DecomposeError::CurrencyNotConverted { item, .. } => {
            diag(at(Side::B, item), e.to_string()).at(item.clone())
        }
        _ => return Failure::Message(e.to_string()),
    };
    render::report(&[d], &loader.sources);
    Failure::Reported
}

fn diag(span: Option<lcs_model::Span>, msg: String) -> Diagnostic {
    match span {
        Some(s) => Diagnostic::new(s, msg),
        None => Diagnostic::global(msg),
    }
}

/// The currencies of a breakdown's activities.
fn currencies(b: &Breakdown) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let dims = b
        .leaves
        .iter()
        .flat_map(|l| [&l.activity_dim, &l.sector_activity_dim])
        .chain(b.sources.iter().map(|s| &s.activity_dim));
    for d in dims {
        for c in lcs_units::CURRENCIES {
            if d.exponent(c) != 0 && !out.iter().any(|x| x == c) {
                out.push(c.to_string());
            }
        }
    }
    out
}

/// Conversion factors of each point's currencies (at the prices of its model's base year)
/// to `currency` at the prices of `price_year`, through lcs-econ's tables.
fn conversions(
    points: [&Loaded; 2],
    currency: &str,
    price_year: i32,
) -> Result<Vec<(String, f64)>, Failure> {
    let tables = lcs_econ::Tables::builtin();
    let to = lcs_econ::Basis::new(currency, price_year);
    let mut out: Vec<(String, f64)> = Vec::new();
    for p in points {
        for c in currencies(&p.breakdown) {
            if out.iter().any(|x| x.0 == c) {
                continue;
            }
            let from = lcs_econ::Basis::new(c.clone(), p.scenario.model.base_year);
            let f = tables
                .factor(&from, &to)
                .map_err(|e| Failure::Message(format!("cannot convert {from} to {to}: {e}")))?;
            out.push((c, f));
        }
    }
    Ok(out)
}

/// The driver `name` of a point's model, or an error naming the nearest drivers.
fn kaya_driver<'a>(l: &'a Loaded, name: &str) -> Result<&'a lcs_model::Driver, Failure> {
    let drivers = &l.scenario.model.drivers;
    drivers.iter().find(|d| d.name == name).ok_or_else(|| {
        let near = lcs_units::nearest(name, drivers.iter().map(|d| d.name.as_str()));
        let all: Vec<String> = drivers.iter().map(|d| format!("`{}`", d.name)).collect();
        Failure::Message(format!(
            "`--kaya`: `{}` has no driver `{name}`{}; its drivers: {}",
            l.scenario.id,
            match near.first() {
                Some(n) => format!(" (did you mean `{n}`?)"),
                None => String::new(),
            },
            all.join(", ")
        ))
    })
}

/// The currency of a dimension (`MYR` for `MYR million`), if it is money.
fn currency_of(d: &lcs_units::Dimension) -> Option<&'static str> {
    lcs_units::CURRENCIES
        .into_iter()
        .find(|c| d.exponent(c) != 0)
}

fn row_value(l: &Loaded, variable: &str, year: i32) -> Result<f64, Failure> {
    let i = l.years.iter().position(|y| *y == year).ok_or_else(|| {
        Failure::Message(format!(
            "year {year} is outside the model years of `{}`",
            l.scenario.id
        ))
    })?;
    l.rows
        .iter()
        .find(|r| r.variable == variable)
        .and_then(|r| r.values[i])
        .ok_or_else(|| {
            Failure::Message(format!(
                "`{}` has no value of `{variable}` in {year}",
                l.scenario.id
            ))
        })
}

pub fn run(o: &Decompose) -> Result<(), Failure> {
    let (pa, ya) = split_point(&o.a)?;
    let (pb, yb) = split_point(&o.b)?;
    let mut loader = Loader::new();
    let la = run_one(&mut loader, &pa);
    let lb = run_one(&mut loader, &pb);
    let (la, lb) = (la?, lb?);
    // Missing years: A at its base year; B at A's year when it is another file, else at its
    // end year (docs/DECOMPOSITION.md).
    let ya = ya.unwrap_or(la.scenario.model.base_year);
    let same_file = std::fs::canonicalize(&pa).ok() == std::fs::canonicalize(&pb).ok();
    let yb = yb.unwrap_or(if same_file {
        lb.scenario.model.end_year
    } else {
        ya
    });
    if let Some(spec) = &o.kaya {
        return run_kaya(o, spec, &la, ya, &lb, yb);
    }
    let mut maps = Vec::new();
    for m in &o.maps {
        let (x, y) = m.split_once('=').ok_or_else(|| {
            Failure::Message(format!("`--map {m}` is not of the form `A_PATH=B_PATH`"))
        })?;
        maps.push((x.trim().to_string(), y.trim().to_string()));
    }
    let currency = match &o.currency {
        Some(c) => conversions([&la, &lb], c, o.price_year)?,
        None => Vec::new(),
    };
    let opts = Options { maps, currency };
    let d = decompose(
        Point {
            breakdown: &la.breakdown,
            year: ya,
        },
        Point {
            breakdown: &lb.breakdown,
            year: yb,
        },
        &opts,
    )
    .map_err(|e| report_error(&loader, &la.scenario, &lb.scenario, &e))?;
    write_atomic(&o.out, lcs_report::decomposition::csv(&d).as_bytes())?;
    let chart = lcs_report::decomposition::waterfall(&d, lcs_report::charts::DEFAULT_DPI)?;
    let svg = o.out.with_extension("svg");
    let png = o.out.with_extension("png");
    write_atomic(&svg, chart.svg.as_bytes())?;
    write_atomic(&png, &chart.png)?;
    // Summary: effects in total and by sector, kt CO2e/yr.
    let t = d.total();
    let mut header = vec![format!(
        "kt CO2e/yr ({})",
        lcs_report::decomposition::label(&d)
    )];
    header.extend(d.sectors.iter().map(|s| s.sector.clone()));
    header.push("Total".into());
    let all: Vec<&lcs_decompose::SectorEffects> = d.sectors.iter().chain([&t]).collect();
    let fmt = |v: f64| super::fmt_num(v);
    let mut body = vec![{
        let mut r = vec![format!("start ({})", d.from)];
        r.extend(all.iter().map(|s| fmt(s.start_kt)));
        r
    }];
    for e in lcs_decompose::Effect::ALL {
        let mut r = vec![format!("  {}", e.id())];
        r.extend(all.iter().map(|s| fmt(s.effect(e))));
        body.push(r);
    }
    let mut r = vec![format!("end ({})", d.to)];
    r.extend(all.iter().map(|s| fmt(s.end_kt)));
    body.push(r);
    println!("{}", table(&header, &body));
    println!(
        "wrote {}, {}, {}",
        o.out.display(),
        svg.display(),
        png.display()
    );
    Ok(())
}

/// `--kaya POP,GDP`: the Kaya identity of the totals, `C = P × G/P × E/G × C/E`, from the
/// engine's rows (drivers `POP` and `GDP`, `Final Energy`, `Emissions|CO2e`).
fn run_kaya(
    o: &Decompose,
    spec: &str,
    la: &Loaded,
    ya: i32,
    lb: &Loaded,
    yb: i32,
) -> Result<(), Failure> {
    let (pop, gdp) = spec.split_once(',').ok_or_else(|| {
        Failure::Message(format!(
            "`--kaya {spec}` is not of the form `POPULATION_DRIVER,GDP_DRIVER`"
        ))
    })?;
    let (pop, gdp) = (pop.trim(), gdp.trim());
    let (pa, pb) = (kaya_driver(la, pop)?, kaya_driver(lb, pop)?);
    let (ga, gb) = (kaya_driver(la, gdp)?, kaya_driver(lb, gdp)?);
    // P and G/P, E/G are ratios of the two points: P in one unit at both, G in one currency
    // (converted with `--currency`), P not money and G money (the drivers swapped would give
    // numbers that mean nothing).
    let money = |d: &lcs_model::Driver| currency_of(&d.series.dim);
    if money(pa).is_some() || money(pb).is_some() {
        return Err(Failure::Message(format!(
            "`--kaya {spec}`: the population driver `{pop}` is money (`{}` in `{}`); the drivers are POPULATION,GDP in that order",
            if money(pa).is_some() { &pa.unit_text } else { &pb.unit_text },
            if money(pa).is_some() { &la.scenario.id } else { &lb.scenario.id },
        )));
    }
    if pa.series.dim != pb.series.dim {
        return Err(Failure::Message(format!(
            "`--kaya {spec}`: the population driver `{pop}` is in `{}` in A (`{}`) and in `{}` in B (`{}`)",
            pa.unit_text, la.scenario.id, pb.unit_text, lb.scenario.id
        )));
    }
    let (Some(ca), Some(cb)) = (money(ga), money(gb)) else {
        let (d, l) = if money(ga).is_none() {
            (ga, la)
        } else {
            (gb, lb)
        };
        return Err(Failure::Message(format!(
            "`--kaya {spec}`: the GDP driver `{gdp}` is not money (`{}` in `{}`); the drivers are POPULATION,GDP in that order",
            d.unit_text, l.scenario.id
        )));
    };
    // Each point's GDP in base units of its currency, times its conversion to `--currency`.
    let to_target = |c: &str, l: &Loaded| -> Result<f64, Failure> {
        let Some(target) = &o.currency else {
            return Ok(1.0);
        };
        let from = lcs_econ::Basis::new(c, l.scenario.model.base_year);
        let to = lcs_econ::Basis::new(target.as_str(), o.price_year);
        lcs_econ::Tables::builtin()
            .factor(&from, &to)
            .map_err(|e| Failure::Message(format!("cannot convert {from} to {to}: {e}")))
    };
    if ca != cb && o.currency.is_none() {
        return Err(Failure::Message(format!(
            "`--kaya {spec}`: the GDP driver `{gdp}` is in `{}` in A (`{}`) and in `{}` in B (`{}`): give `--currency CODE` to convert both",
            ga.unit_text, la.scenario.id, gb.unit_text, lb.scenario.id
        )));
    }
    let (fa, fb) = (to_target(ca, la)?, to_target(cb, lb)?);
    let point = |l: &Loaded, y: i32, p: &lcs_model::Driver, g: &lcs_model::Driver, f: f64| {
        Ok::<Kaya, Failure>(Kaya {
            population: row_value(l, &format!("Drivers|{pop}"), y)? * p.unit_factor,
            gdp: row_value(l, &format!("Drivers|{gdp}"), y)? * g.unit_factor * f,
            energy: row_value(l, lcs_engine::var::FINAL_ENERGY, y)?,
            emissions: row_value(l, lcs_engine::var::EMISSIONS_CO2E, y)?,
        })
    };
    let (ka, kb) = (point(la, ya, pa, ga, fa)?, point(lb, yb, pb, gb, fb)?);
    let e = kaya(&ka, &kb)?;
    let mut csv = String::from("effect,sector,value,unit\n");
    for (name, v) in KAYA_FACTORS.iter().zip(e) {
        csv.push_str(&format!(
            "{name},Total,{},{}\n",
            lcs_units::format_number(v),
            lcs_decompose::UNIT
        ));
    }
    csv.push_str(&format!(
        "change,Total,{},{}\n",
        lcs_units::format_number(kb.emissions - ka.emissions),
        lcs_decompose::UNIT
    ));
    write_atomic(&o.out, csv.as_bytes())?;
    let header = vec!["Kaya factor".to_string(), "kt CO2e/yr".to_string()];
    let body: Vec<Vec<String>> = KAYA_FACTORS
        .iter()
        .zip(e)
        .map(|(n, v)| vec![n.to_string(), super::fmt_num(v)])
        .collect();
    println!("{}", table(&header, &body));
    println!("wrote {}", o.out.display());
    Ok(())
}
