//! `lcs paths`: every valid measure target path with its unit.

use super::{table, Failure};
use crate::render;
use lcs_model::{Checked, Loader};
use std::path::Path;

pub fn run(file: &Path) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let model = match loader.check_file(file) {
        Ok(Checked::Model(m)) => *m,
        Ok(Checked::Scenario(s)) => s.model,
        Ok(Checked::Ecotown(n)) => n.region,
        Ok(Checked::Package { .. }) => {
            return Err(Failure::Message(
                "a package has no model; give a model or scenario file".into(),
            ))
        }
        Ok(Checked::Projects(_)) => {
            return Err(Failure::Message(
                "a project file has no parameter paths; give its `region` model file".into(),
            ))
        }
        Err(d) => {
            render::report(&d, &loader.sources);
            return Err(Failure::Reported);
        }
    };
    let rows: Vec<Vec<String>> = lcs_model::target_paths(&model)
        .into_iter()
        .map(|p| vec![p.path, p.unit])
        .collect();
    println!(
        "{}",
        table(&["path".to_string(), "unit".to_string()], &rows)
    );
    Ok(())
}
