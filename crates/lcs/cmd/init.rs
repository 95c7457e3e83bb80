//! `lcs init DIR`: a minimal valid project (model, BaU, countermeasure scenario, package).

use super::Failure;
use crate::output::write_atomic;
use std::path::Path;

pub fn run(dir: &Path) -> Result<(), Failure> {
    let schema = lcs_model::schema::json() + "\n";
    let mut files: Vec<(&str, &str)> = lcs_model::starter::FILES.to_vec();
    files.push(("lcs.schema.json", &schema));
    for (name, _) in &files {
        let p = dir.join(name);
        if p.exists() {
            return Err(Failure::Message(format!(
                "`{}` exists; `lcs init` never overwrites a file (choose a new folder)",
                p.display()
            )));
        }
    }
    for (name, text) in &files {
        write_atomic(&dir.join(name), text.as_bytes())?;
        println!("wrote {}", dir.join(name).display());
    }
    println!(
        "next: lcs validate {d} && lcs run {d}/bau.yaml {d}/cm.yaml",
        d = dir.display()
    );
    Ok(())
}
