//! `lcs validate`: check files without writing anything. Scenarios (and their references)
//! and bare models are also evaluated, so that a measure that breaks a rule in some year, or
//! a result that is not finite, is reported too.

use super::{run_error, Failure};
use crate::render;
use lcs_model::{Checked, Loader};
use std::path::PathBuf;

pub fn run(files: &[PathBuf]) -> Result<(), Failure> {
    let mut failed = false;
    for f in files {
        let mut loader = Loader::new();
        match loader.check_file(f) {
            Err(d) => {
                render::report(&d, &loader.sources);
                failed = true;
            }
            Ok(Checked::Model(m)) => {
                let (region, n_drivers, n_nodes) =
                    (m.region_id.clone(), m.drivers.len(), m.nodes.len());
                let s = lcs_model::Scenario::of_model(*m, "model");
                let outcome = lcs_engine::compile(&s)
                    .map_err(|e| Box::new(lcs_model::Diagnostic::new(s.span, e.to_string())))
                    .and_then(|c| {
                        lcs_engine::run_reference(&c).map_err(|e| Box::new(run_error(&s, &e)))
                    });
                match outcome {
                    Ok(_) => println!(
                        "ok  {} (model `{region}`, {n_drivers} drivers, {n_nodes} demand nodes)",
                        f.display(),
                    ),
                    Err(d) => {
                        render::report(&[*d], &loader.sources);
                        failed = true;
                    }
                }
            }
            Ok(Checked::Package { id, n_actions }) => println!(
                "ok  {} (package `{id}`, {n_actions} actions; paths are checked with a scenario)",
                f.display()
            ),
            Ok(Checked::Ecotown(net)) => match super::ecotown::assess(&loader, &net) {
                Ok(_) => println!(
                    "ok  {} (eco-town network `{}`, {} facilities, {} exchanges; region `{}`)",
                    f.display(),
                    net.id,
                    net.facilities.len(),
                    net.exchanges.len(),
                    net.region.region_id
                ),
                Err(_) => failed = true,
            },
            Ok(Checked::Projects(ps)) => {
                let failed_here = ps
                    .iter()
                    .filter_map(|p| lcs_projects::appraise(p).err())
                    .map(|e| eprintln!("error: {e}"))
                    .count();
                if failed_here > 0 {
                    failed = true;
                } else {
                    let ids: Vec<&str> = ps.iter().map(|p| p.id.as_str()).collect();
                    println!(
                        "ok  {} ({} project{}: {})",
                        f.display(),
                        ps.len(),
                        if ps.len() == 1 { "" } else { "s" },
                        ids.join(", ")
                    );
                }
            }
            Ok(Checked::Scenario(s)) => {
                let outcome = lcs_engine::compile(&s)
                    .map_err(|e| Box::new(lcs_model::Diagnostic::new(s.span, e.to_string())))
                    .and_then(|c| {
                        lcs_engine::run_all(&c)
                            .and_then(|_| lcs_engine::run_reference(&c))
                            .map_err(|e| Box::new(run_error(&s, &e)))
                    });
                match outcome {
                    Ok(_) => {
                        println!(
                            "ok  {} (scenario `{}`, {} actions, {} targets{})",
                            f.display(),
                            s.id,
                            s.actions.len(),
                            s.targets.len(),
                            match s.links.len() {
                                0 => String::new(),
                                1 => ", 1 linked project or network".to_string(),
                                n => format!(", {n} linked projects and networks"),
                            }
                        );
                        for n in lcs_projects::link::overlap_notes(&s) {
                            println!("note: {n}");
                        }
                    }
                    Err(d) => {
                        render::report(&[*d], &loader.sources);
                        failed = true;
                    }
                }
            }
        }
    }
    if failed {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}
