//! The files `lcs init` writes: a minimal valid project (a model, a business-as-usual
//! scenario, a countermeasure scenario and a package), commented for a first reader. Each
//! file starts with a `yaml-language-server` line naming `lcs.schema.json` beside it, which
//! `lcs init` writes too (the output of `lcs schema`). The tests load them and require no
//! error and no warning.

/// Each file's path relative to the project folder, and its text.
pub const FILES: [(&str, &str); 4] = [
    ("model.yaml", include_str!("../starter/model.yaml")),
    ("bau.yaml", include_str!("../starter/bau.yaml")),
    ("cm.yaml", include_str!("../starter/cm.yaml")),
    (
        "packages/efficiency.yaml",
        include_str!("../starter/packages/efficiency.yaml"),
    ),
];
