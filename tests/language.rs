//! docs/LANGUAGE.md cannot drift from the embedded tables: its generated blocks (between
//! `<!-- BEGIN GENERATED name -->` and `<!-- END GENERATED name -->`) must equal what this
//! test builds from `lcs_factors` and `lcs_model`. `UPDATE_EXPECT=1 cargo test --test
//! language` rewrites the blocks; review the diff.
//!
//! It also checks that every warning name the code can emit is documented there, and that
//! the README links the reference inside the repository.

use lcs_factors::{Category, FuelTable, GwpSet, WasteType};
use std::path::PathBuf;

fn doc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/LANGUAGE.md")
}

fn num(v: f64) -> String {
    format!("{v}")
}

fn blocks() -> Vec<(&'static str, String)> {
    let categories: Vec<String> = Category::ALL
        .iter()
        .map(|c| format!("`{}`", c.name()))
        .collect();
    let table = FuelTable::builtin();
    let mut fuels = String::from("| fuel | class | CO2 (kg/TJ) | biogenic |\n|---|---|---|---|\n");
    for f in table.fuels() {
        fuels.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            f.id,
            f.class.name(),
            num(f.co2_kg_per_tj),
            if f.biogenic { "yes" } else { "no" }
        ));
    }
    let mut combustion = String::from("| fuel |");
    for c in Category::ALL {
        combustion.push_str(&format!(" {} |", c.name()));
    }
    combustion.push_str("\n|---|");
    combustion.push_str(&"---|".repeat(Category::ALL.len()));
    combustion.push('\n');
    for f in table.fuels() {
        combustion.push_str(&format!("| `{}` |", f.id));
        for c in Category::ALL {
            if f.is_carrier() {
                combustion.push_str(" - |");
            } else {
                combustion.push_str(&format!(" {} / {} |", num(f.ch4(c)), num(f.n2o(c))));
            }
        }
        combustion.push('\n');
    }
    let mut gwp = String::from("| set | CH4 | N2O |\n|---|---|---|\n");
    for g in GwpSet::ALL {
        gwp.push_str(&format!(
            "| `{}` | {} | {} |\n",
            g.name(),
            num(g.ch4()),
            num(g.n2o())
        ));
    }
    let mut waste =
        String::from("| type | DOC | dm | CF | FCF | k (1/yr) |\n|---|---|---|---|---|---|\n");
    for t in WasteType::ALL {
        let k = t.constants();
        waste.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            t.name(),
            num(k.doc),
            num(k.dm),
            num(k.cf),
            num(k.fcf),
            num(k.k_default)
        ));
    }
    let routes: Vec<String> = lcs_model::ROUTES.iter().map(|r| format!("`{r}`")).collect();
    vec![
        ("categories", format!("{}.\n", categories.join(", "))),
        ("fuels", fuels),
        ("combustion", combustion),
        ("gwp", gwp),
        ("waste-types", waste),
        ("routes", format!("{}.\n", routes.join(", "))),
    ]
}

#[test]
fn generated_lists_equal_the_embedded_tables() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let mut text = std::fs::read_to_string(doc_path()).expect("docs/LANGUAGE.md");
    let mut stale = Vec::new();
    for (name, body) in blocks() {
        let begin = format!("<!-- BEGIN GENERATED {name} -->\n");
        let end = format!("<!-- END GENERATED {name} -->");
        let a = text
            .find(&begin)
            .unwrap_or_else(|| panic!("docs/LANGUAGE.md has no `{begin}`"))
            + begin.len();
        let b = a + text[a..]
            .find(&end)
            .unwrap_or_else(|| panic!("docs/LANGUAGE.md has no `{end}`"));
        if text[a..b] != body {
            stale.push(name);
            text.replace_range(a..b, &body);
        }
    }
    if update {
        std::fs::write(doc_path(), &text).expect("write docs/LANGUAGE.md");
    } else {
        assert!(
            stale.is_empty(),
            "docs/LANGUAGE.md blocks differ from the embedded tables: {stale:?} (UPDATE_EXPECT=1 cargo test --test language)"
        );
    }
}

#[test]
fn every_warning_name_is_documented() {
    let doc = std::fs::read_to_string(doc_path()).expect("docs/LANGUAGE.md");
    // The names passed to `Diagnostic::warning(span, "<name>", ...)` in lcs-model.
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/lcs-model/src");
    let mut names = Vec::new();
    for e in std::fs::read_dir(&src).expect("src") {
        let text = std::fs::read_to_string(e.expect("entry").path()).expect("read");
        let mut rest = text.as_str();
        while let Some(i) = rest.find("Diagnostic::warning(") {
            rest = &rest[i + 20..];
            if let Some(q) = rest.find('"') {
                let after = &rest[q + 1..];
                if let Some(e) = after.find('"') {
                    names.push(after[..e].to_string());
                }
            }
        }
    }
    assert!(!names.is_empty(), "no warning found in the sources");
    for n in names {
        assert!(
            doc.contains(&format!("| `{n}` |")),
            "warning `{n}` is not in the warnings table of docs/LANGUAGE.md"
        );
    }
}

#[test]
fn the_readme_links_the_reference_inside_the_repository() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README.md");
    assert!(readme.contains("docs/LANGUAGE.md"));
    assert!(
        !readme.contains("](../shared/"),
        "README links outside the repository"
    );
}
