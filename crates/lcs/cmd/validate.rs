//! `lcs validate`: check files without writing anything. Scenarios are also evaluated, so
//! that a measure that breaks a rule in some year is reported too.

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
            Ok(Checked::Model(m)) => println!(
                "ok  {} (model `{}`, {} drivers, {} demand nodes)",
                f.display(),
                m.region_id,
                m.drivers.len(),
                m.nodes.len()
            ),
            Ok(Checked::Package { id, n_actions }) => println!(
                "ok  {} (package `{id}`, {n_actions} actions; paths are checked with a scenario)",
                f.display()
            ),
            Ok(Checked::Scenario(s)) => {
                let bad = super::ensemble::distribution_errors(&s);
                if !bad.is_empty() {
                    render::report(&bad, &loader.sources);
                    failed = true;
                    continue;
                }
                let outcome = lcs_engine::compile(&s)
                    .map_err(|e| {
                        Box::new(lcs_model::Diagnostic::new(s.span, e.to_string()).at("scenario"))
                    })
                    .and_then(|c| {
                        lcs_engine::run_all(&c)
                            .and_then(|_| lcs_engine::run_reference(&c))
                            .map_err(|e| Box::new(run_error(&s, &e)))
                    });
                match outcome {
                    Ok(_) => println!(
                        "ok  {} (scenario `{}`, {} actions, {} targets)",
                        f.display(),
                        s.id,
                        s.actions.len(),
                        s.targets.len()
                    ),
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
