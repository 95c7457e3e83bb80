//! `lcs ecotown`: assess an eco-town network, write its tables and diagram, print a summary.

use super::{table, Failure};
use crate::output::write_atomic;
use crate::render;
use lcs_ecotown::{Assessment, EcotownError};
use lcs_model::ecotown::Network;
use lcs_model::Loader;
use lcs_report::network;
use std::path::Path;

/// Assesses a checked network, printing diagnostics on failure.
pub fn assess(loader: &Loader, net: &Network) -> Result<Assessment, Failure> {
    lcs_ecotown::assess(net).map_err(|e| match e {
        EcotownError::Input(d) => {
            render::report(&d, &loader.sources);
            Failure::Reported
        }
        other => Failure::Message(other.to_string()),
    })
}

pub fn run(file: &Path, out: &Path) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let net = loader.load_ecotown(file).map_err(|d| {
        render::report(&d, &loader.sources);
        Failure::Reported
    })?;
    let a = assess(&loader, &net)?;
    let b = lcs_ecotown::boundary::boundary(&net, &a);
    // Everything is built before anything is written.
    let chart = network::diagram(&a)?;
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("exchanges.csv", network::exchanges_csv(&a).into_bytes()),
        ("facilities.csv", network::facilities_csv(&a).into_bytes()),
        ("materials.csv", network::materials_csv(&a).into_bytes()),
        ("boundary.csv", network::boundary_csv(&a, &b).into_bytes()),
    ];
    if let Some(e) = network::economics_csv(&a) {
        files.push(("economics.csv", e.into_bytes()));
    }
    files.push(("network.svg", chart.svg.into_bytes()));
    files.push(("network.png", chart.png));
    // Written before the summary is printed, as `lcs run` does: a reader that stops early
    // (`lcs ecotown … | head`) ends the printing quietly, never the files.
    let mut paths = Vec::new();
    for (name, bytes) in &files {
        let path = out.join(name);
        write_atomic(&path, bytes)?;
        paths.push(path);
    }
    let info = super::run_info("ecotown", lcs_report::manifest::OutKind::Dir, &loader, &[]);
    super::manifest(out, &info, &paths)?;
    print_summary(&a);
    print_boundary(&a, &b);
    for path in &paths {
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn kt(t: f64) -> String {
    super::fmt_num(t / 1000.0)
}

/// Net avoided by exchange at milestone years, totals, committed landfill methane and
/// economics.
fn print_summary(a: &Assessment) {
    let first = a
        .exchanges
        .iter()
        .filter_map(|x| x.years.first().map(|r| r.year))
        .min();
    let (Some(first), Some(&last)) = (first, a.years.last()) else {
        println!("{}: no exchanges", a.name);
        return;
    };
    let mut shown = vec![first];
    shown.extend(
        [2030, 2040, 2050]
            .into_iter()
            .filter(|y| *y > first && *y < last),
    );
    shown.push(last);
    shown.dedup();
    println!(
        "{} (region `{}`): {} facilities, {} exchanges",
        a.name,
        a.region,
        a.facilities.len(),
        a.exchanges.len()
    );
    println!("\nNet avoided emissions (kt CO2e/yr)");
    let mut header = vec![
        "exchange".to_string(),
        "material".into(),
        "additional".into(),
    ];
    header.extend(shown.iter().map(|y| y.to_string()));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for x in &a.exchanges {
        let mut r = vec![x.id.clone(), x.material.clone(), x.additional.to_string()];
        for y in &shown {
            r.push(
                x.years
                    .iter()
                    .find(|e| e.year == *y)
                    .map(|e| kt(e.net_avoided))
                    .unwrap_or_default(),
            );
        }
        rows.push(r);
    }
    for (label, additional_only) in [("total", false), ("total additional", true)] {
        let mut r = vec![label.to_string(), String::new(), String::new()];
        for y in &shown {
            let t = a.totals.iter().find(|t| t.year == *y);
            r.push(
                t.map(|t| {
                    kt(if additional_only {
                        t.net_avoided_additional
                    } else {
                        t.net_avoided
                    })
                })
                .unwrap_or_default(),
            );
        }
        rows.push(r);
    }
    println!("{}", table(&header, &rows));
    let committed: Vec<Vec<String>> = a
        .exchanges
        .iter()
        .filter(|x| x.committed_disposal > 0.0)
        .map(|x| vec![x.id.clone(), kt(x.committed_disposal)])
        .collect();
    if !committed.is_empty() {
        println!(
            "\nLandfill methane committed by the diverted deposits over their whole decay, {first}-{last} (kt CO2e)"
        );
        println!(
            "{}",
            table(&["exchange".to_string(), "committed".into()], &committed)
        );
    }
    if let Some((currency, year)) = &a.money_basis {
        println!("\nEconomics ({currency}, {year} prices): NPV of the savings and cost per t CO2e avoided");
        let mut rows: Vec<Vec<String>> = a
            .exchanges
            .iter()
            .filter_map(|x| x.economics.as_ref().map(|e| (x.id.clone(), e)))
            .chain(a.economics.as_ref().map(|e| ("network".to_string(), e)))
            .map(|(id, e)| {
                vec![
                    id,
                    format!("{:.2} million", e.npv / 1e6),
                    e.cost_per_t_avoided
                        .map(|c| format!("{c:.0}"))
                        .unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        rows.sort_by_key(|r| r[0] == "network");
        println!(
            "{}",
            table(
                &[
                    "exchange".to_string(),
                    "NPV".into(),
                    format!("{currency}/t CO2e")
                ],
                &rows
            )
        );
    }
    println!();
}

/// The network's net avoided emissions by where they fall (inside the region's inventory,
/// inside the region but not modelled, outside), at the summary's years.
fn print_boundary(a: &Assessment, b: &[lcs_ecotown::boundary::ExchangeBoundary]) {
    let years: Vec<i32> = {
        let first = b
            .iter()
            .filter_map(|e| e.years.first().map(|r| r.year))
            .min();
        let (Some(first), Some(&last)) = (first, a.years.last()) else {
            return;
        };
        let mut v = vec![first];
        v.extend(
            [2030, 2040, 2050]
                .into_iter()
                .filter(|y| *y > first && *y < last),
        );
        v.push(last);
        v.dedup();
        v
    };
    println!("Where the net avoided emissions fall (kt CO2e/yr; boundary.csv, docs/ECOTOWN.md)");
    let mut header = vec!["".to_string()];
    header.extend(years.iter().map(|y| y.to_string()));
    let sum = |f: &dyn Fn(&lcs_ecotown::boundary::BoundaryYear) -> f64, y: i32| -> f64 {
        b.iter()
            .flat_map(|e| e.years.iter().filter(move |r| r.year == y))
            .map(f)
            .sum()
    };
    let rows: Vec<Vec<String>> = [
        ("inside the inventory", 0),
        ("inside the region, not modelled", 1),
        ("outside the region", 2),
    ]
    .iter()
    .map(|(label, k)| {
        let mut r = vec![label.to_string()];
        r.extend(years.iter().map(|&y| {
            kt(sum(
                &|x| match k {
                    0 => x.inside,
                    1 => x.not_modelled,
                    _ => x.outside,
                },
                y,
            ))
        }));
        r
    })
    .collect();
    println!("{}", table(&header, &rows));
    println!();
}
