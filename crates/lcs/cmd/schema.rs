//! `lcs schema`: the JSON Schema of every file kind (`lcs_model::schema`), on stdout.

use super::Failure;

pub fn run() -> Result<(), Failure> {
    println!("{}", lcs_model::schema::json());
    Ok(())
}
