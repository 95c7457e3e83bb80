//! docs/ARCHITECTURE.md's dependency rules, checked over `cargo metadata`: the crate graph
//! is the data flow (no edge points back up), polars only in lcs-report, clap, miette,
//! indicatif and ctrlc only in the binary; every dependency is declared once in
//! `[workspace.dependencies]`; every crate takes the workspace lints; every library's
//! lib.rs opens with a `//!` header and denies missing docs and printing; no function of a
//! crate's sources returns `Result<_, String>` (typed error kinds instead).
//!
//! A new crate must be added to `ALLOWED` (with the crates it may depend on) before this
//! test passes: the table is the architecture, reviewed as such.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Each workspace crate and the workspace crates it may depend on (normal dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("lcs-units", &[]),
    ("lcs-factors", &["lcs-units"]),
    ("lcs-levers", &["lcs-units"]),
    ("lcs-econ", &["lcs-units", "lcs-factors"]),
    (
        "lcs-model",
        &["lcs-units", "lcs-factors", "lcs-levers", "lcs-econ"],
    ),
    (
        "lcs-engine",
        &[
            "lcs-units",
            "lcs-factors",
            "lcs-levers",
            "lcs-model",
            "lcs-econ",
        ],
    ),
    (
        "lcs-projects",
        &[
            "lcs-units",
            "lcs-factors",
            "lcs-levers",
            "lcs-econ",
            "lcs-model",
            "lcs-engine",
        ],
    ),
    (
        "lcs-ecotown",
        &[
            "lcs-units",
            "lcs-factors",
            "lcs-levers",
            "lcs-econ",
            "lcs-model",
            "lcs-engine",
        ],
    ),
    (
        "lcs-costs",
        &[
            "lcs-units",
            "lcs-factors",
            "lcs-levers",
            "lcs-econ",
            "lcs-model",
            "lcs-engine",
        ],
    ),
    (
        "lcs-decompose",
        &[
            "lcs-units",
            "lcs-factors",
            "lcs-levers",
            "lcs-econ",
            "lcs-model",
            "lcs-engine",
        ],
    ),
    (
        "lcs-report",
        &[
            "lcs-units",
            "lcs-factors",
            "lcs-levers",
            "lcs-econ",
            "lcs-model",
            "lcs-engine",
            "lcs-projects",
            "lcs-ecotown",
            "lcs-costs",
            "lcs-decompose",
        ],
    ),
    (
        "lcs-uncertainty",
        &[
            "lcs-units",
            "lcs-factors",
            "lcs-levers",
            "lcs-model",
            "lcs-engine",
        ],
    ),
    (
        "lcs-serve",
        &[
            "lcs-units",
            "lcs-factors",
            "lcs-levers",
            "lcs-econ",
            "lcs-model",
            "lcs-engine",
            "lcs-costs",
            "lcs-uncertainty",
        ],
    ),
    (
        "lcs",
        &[
            "lcs-units",
            "lcs-factors",
            "lcs-levers",
            "lcs-econ",
            "lcs-model",
            "lcs-engine",
            "lcs-projects",
            "lcs-ecotown",
            "lcs-costs",
            "lcs-decompose",
            "lcs-report",
            "lcs-uncertainty",
            "lcs-serve",
        ],
    ),
];

/// External crates that only some workspace crates may use (normal and build dependencies;
/// tests may use them as dev-dependencies).
const RESTRICTED: &[(&str, &[&str])] = &[
    ("polars", &["lcs-report"]),
    ("rust_xlsxwriter", &["lcs-report"]),
    ("plotters", &["lcs-report"]),
    ("clap", &["lcs"]),
    ("clap_complete", &["lcs"]),
    ("miette", &["lcs"]),
    ("indicatif", &["lcs"]),
    ("ctrlc", &["lcs"]),
    ("axum", &["lcs-serve"]),
    ("tokio", &["lcs-serve"]),
];

/// Restricted crates that a package may use in its tests only (dev-dependencies):
/// the data-file tests write XLSX workbooks as fixtures (tests/datafiles.rs, lcs-model's
/// datafile unit tests).
const TEST_ONLY: &[(&str, &str)] = &[("lcs", "rust_xlsxwriter"), ("lcs-model", "rust_xlsxwriter")];

/// (package, [(dependency, kind)]) of every workspace member.
fn packages() -> BTreeMap<String, Vec<(String, String)>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let mut m = BTreeMap::new();
    for p in v["packages"].as_array().expect("packages") {
        let deps = p["dependencies"]
            .as_array()
            .expect("dependencies")
            .iter()
            .map(|d| {
                (
                    d["name"].as_str().expect("name").to_string(),
                    d["kind"].as_str().unwrap_or("normal").to_string(),
                )
            })
            .collect();
        m.insert(p["name"].as_str().expect("name").to_string(), deps);
    }
    m
}

#[test]
fn the_crate_graph_is_the_data_flow() {
    let pkgs = packages();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    for (name, deps) in &pkgs {
        let Some(ok) = allowed.get(name.as_str()) else {
            panic!("crate `{name}` is not in tests/architecture.rs ALLOWED: add it with the crates it may depend on (docs/ARCHITECTURE.md)");
        };
        for (d, kind) in deps {
            if kind == "normal" && allowed.contains_key(d.as_str()) {
                assert!(
                    ok.contains(&d.as_str()),
                    "`{name}` depends on `{d}`, which docs/ARCHITECTURE.md does not allow (a back edge or a skipped layer)"
                );
            }
        }
    }
    // The table itself has no back edge: each crate depends only on crates listed before it.
    for (i, (name, deps)) in ALLOWED.iter().enumerate() {
        for d in *deps {
            let j = ALLOWED.iter().position(|(n, _)| n == d).expect("listed");
            assert!(j < i, "`{name}` may depend on `{d}`, listed after it");
        }
    }
}

#[test]
fn heavy_and_edge_dependencies_stay_where_they_belong() {
    for (name, deps) in packages() {
        for (d, kind) in deps {
            if kind == "dev" && TEST_ONLY.contains(&(name.as_str(), d.as_str())) {
                continue;
            }
            if let Some((_, only)) = RESTRICTED.iter().find(|(r, _)| *r == d) {
                assert!(
                    only.contains(&name.as_str()),
                    "`{name}` depends on `{d}`, which only {only:?} may use"
                );
            }
        }
    }
}

fn manifests() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut v = vec![(
        "Cargo.toml".to_string(),
        std::fs::read_to_string(root.join("Cargo.toml")).expect("root Cargo.toml"),
    )];
    for e in std::fs::read_dir(root.join("crates")).expect("crates") {
        let p = e.expect("entry").path().join("Cargo.toml");
        if p.is_file() {
            v.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("Cargo.toml"),
            ));
        }
    }
    v
}

#[test]
fn every_dependency_is_declared_once_in_the_workspace() {
    for (file, text) in manifests() {
        let mut section = String::new();
        for line in text.lines() {
            let l = line.trim();
            if l.starts_with('[') {
                section = l.to_string();
                continue;
            }
            let deps = matches!(
                section.as_str(),
                "[dependencies]" | "[dev-dependencies]" | "[build-dependencies]"
            );
            if deps && !l.is_empty() && !l.starts_with('#') {
                assert!(
                    l.contains(".workspace = true") || l.contains("workspace = true"),
                    "{file}: `{l}` in {section}: declare it once in [workspace.dependencies] and use `x.workspace = true`"
                );
            }
        }
        assert!(
            text.contains("[lints]\nworkspace = true"),
            "{file}: add `[lints]\\nworkspace = true`"
        );
    }
}

#[test]
fn every_library_states_what_it_owns_and_denies_printing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates");
    for e in std::fs::read_dir(&root).expect("crates") {
        let lib = e.expect("entry").path().join("src/lib.rs");
        if !lib.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&lib).expect("lib.rs");
        assert!(
            text.starts_with("//!"),
            "{}: open with a `//!` header",
            lib.display()
        );
        for needle in [
            "#![deny(missing_docs)]",
            "#![deny(clippy::print_stdout, clippy::print_stderr)]",
        ] {
            assert!(text.contains(needle), "{}: add `{needle}`", lib.display());
        }
    }
}

/// Functions (and closures) that may still return `Result<_, String>`, as
/// (file under `crates/`, the text of the function's name or closure line, reason). Empty:
/// every library error is a typed enum. A new entry needs its reason written here and is
/// reviewed as part of the architecture.
const STRING_ERRORS_ALLOWED: &[(&str, &str, &str)] = &[];

/// The Rust files under `dir`, recursively, sorted.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.map(|e| e.expect("entry").path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The workspace denies `unsafe` code (root `Cargo.toml`, `[workspace.lints.rust]`); the one
/// exception is the engine's run-time choice of instruction set (`lcs_engine::evaluate_with`
/// calls its AVX2-compiled body after checking that the processor has AVX2), one block with
/// its `SAFETY:` comment, docs/ARCHITECTURE.md "Invariants".
#[test]
fn unsafe_code_is_denied_but_for_the_engines_instruction_set_choice() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The word is put together here so that this test does not find itself.
    let kw = concat!("un", "safe");
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let lint = format!("{kw}_code = \"deny\"");
    assert!(
        cargo.contains(&format!("\n{lint}\n")),
        "Cargo.toml: keep `{lint}`"
    );
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("tests"), &mut files);
    files.sort();
    let mut uses = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("source");
        let rel = f
            .strip_prefix(root)
            .expect("in the workspace")
            .display()
            .to_string();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let prev = text.lines().nth(i.wrapping_sub(1)).unwrap_or("").trim();
            for word in unsafe_words(code, kw) {
                uses.push((rel.clone(), word, code.trim().to_string(), prev.to_string()));
            }
        }
    }
    // Exactly one `unsafe` token (the block) and one lint attribute naming `unsafe_code`
    // (its `allow`), both in eval.rs; no `unsafe fn`, `unsafe impl`, `expect(...)` or a
    // second block anywhere.
    let eval = "crates/lcs-engine/src/eval.rs";
    assert!(
        uses.iter().all(|u| u.0 == eval),
        "`{kw}` outside {eval}: {uses:?}"
    );
    let tokens: Vec<_> = uses.iter().filter(|u| u.1 == kw).collect();
    let lints: Vec<_> = uses.iter().filter(|u| u.1 != kw).collect();
    assert_eq!(tokens.len(), 1, "one `{kw}` token, the block: {uses:?}");
    assert_eq!(lints.len(), 1, "one `{kw}_code` lint attribute: {uses:?}");
    assert!(
        tokens[0].2.contains(&format!("{kw} {{")),
        "the one `{kw}` is a block: {:?}",
        tokens[0]
    );
    assert!(
        tokens[0].3.starts_with("// SAFETY:"),
        "the `{kw}` block needs its `// SAFETY:` comment on the line above: {:?}",
        tokens[0]
    );
    assert!(
        lints[0].2.contains(&format!("#[allow({kw}_code)]")),
        "the lint attribute is the block's `allow`: {:?}",
        lints[0]
    );
}

/// Every `-> Result<…, String>` in `text` (a function's or a closure's return type, over
/// several lines too), as (1-based line, the line's text). Generic arguments are matched by
/// angle-bracket depth, so `Result<Vec<(String, f64)>, String>` is found and
/// `Result<Vec<String>, E>` is not; comments are skipped line by line.
fn string_errors(text: &str) -> Vec<(usize, String)> {
    let code: String = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    let needle = "Result<";
    let mut from = 0;
    while let Some(i) = code[from..].find(needle) {
        let at = from + i;
        from = at + needle.len();
        // A return type (`-> Result<…>`, with or without a `std::result::` path) or a type
        // alias (`type R = Result<…>`); not an identifier that ends in `Result`.
        let mut before =
            code[..at].trim_end_matches(|c: char| c.is_alphanumeric() || c == ':' || c == '_');
        if before.len() != code[..at].len() {
            let path = &code[before.len()..at];
            if !matches!(path, "std::result::" | "core::result::" | "result::") {
                continue;
            }
        }
        before = before.trim_end();
        if !(before.ends_with("->") || before.ends_with('=')) {
            continue;
        }
        let body = &code[from..];
        let (mut depth, mut last_comma, mut end) = (0i32, None, None);
        let mut prev = ' ';
        for (k, ch) in body.char_indices() {
            match ch {
                // The `>` of an arrow inside the type (`impl Fn() -> u8`) closes nothing.
                '>' if prev == '-' => {}
                '<' | '(' | '[' => depth += 1,
                '>' if depth == 0 => {
                    end = Some(k);
                    break;
                }
                '>' | ')' | ']' => depth -= 1,
                ',' if depth == 0 => last_comma = Some(k),
                _ => {}
            }
            prev = ch;
        }
        let (Some(end), Some(comma)) = (end, last_comma) else {
            continue;
        };
        let err: String = body[comma + 1..end].split_whitespace().collect();
        let stringly = matches!(
            err.as_str(),
            "String" | "std::string::String" | "&str" | "&'staticstr" | "Box<str>"
        ) || (err.starts_with("Cow<") && err.ends_with("str>"));
        if stringly {
            let line = code[..at].matches('\n').count() + 1;
            let shown = code.lines().nth(line - 1).unwrap_or("").trim().to_string();
            found.push((line, shown));
        }
    }
    found
}

#[test]
fn the_scanner_finds_string_errors_and_nothing_else() {
    let text = "fn a() -> Result<(), String> {}\n\
                // fn b() -> Result<(), String> {}\n\
                pub fn c(\n    x: u8,\n) -> Result<Vec<(String, f64)>, String> {}\n\
                fn d() -> Result<Vec<String>, TableError> {}\n\
                let f = |p: &Path| -> Result<HashMap<String, u8>, String> { };\n\
                fn e() -> Result<[u8; 2], std::string::String>;\n\
                fn g() -> Option<String> {}\n\
                fn h() -> std::result::Result<(), String> {}\n\
                fn i() -> Result<(), &'static str> {}\n\
                fn j() -> Result<(), Box<str>> {}\n\
                type R = Result<u8, String>;\n\
                fn k() -> Result<impl Fn() -> u8, String> {}\n\
                fn l() -> MyResult<(), String> {}\n\
                fn m() -> Result<impl Fn() -> u8, TableError> {}\n";
    let lines: Vec<usize> = string_errors(text).into_iter().map(|f| f.0).collect();
    assert_eq!(lines, vec![1, 5, 7, 8, 10, 11, 12, 13, 14]);
}

#[test]
fn library_and_binary_functions_return_typed_errors_not_strings() {
    // docs/ARCHITECTURE.md, "Errors": typed error kinds at crate boundaries, never
    // `Result<_, String>`. Scans every crate's sources (libraries' `src/`, the binary's
    // `crates/lcs/`), tests and benches excluded.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates");
    let mut files = Vec::new();
    for e in std::fs::read_dir(&root).expect("crates") {
        let dir = e.expect("entry").path();
        let src = dir.join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    rust_files(&root.join("lcs"), &mut files);
    files.sort();
    files.dedup();
    assert!(files.len() > 50, "found only {} source files", files.len());
    let mut offending = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("source");
        let rel = f
            .strip_prefix(&root)
            .expect("under crates/")
            .to_string_lossy()
            .replace('\\', "/");
        for (line, shown) in string_errors(&text) {
            let allowed = STRING_ERRORS_ALLOWED
                .iter()
                .any(|(file, what, _)| *file == rel && shown.contains(what));
            if !allowed {
                offending.push(format!("crates/{rel}:{line}: {shown}"));
            }
        }
    }
    assert!(
        offending.is_empty(),
        "functions returning `Result<_, String>`; return a typed error enum (Display + \
         std::error::Error) instead, or list the function in STRING_ERRORS_ALLOWED with its \
         reason:\n{}",
        offending.join("\n")
    );
}

/// The words `kw` (as a token) and `kw_code` in one line of code, in order of appearance:
/// identifiers that merely contain them (`unsafe_cell`, `not_unsafe`) do not count.
fn unsafe_words(code: &str, kw: &str) -> Vec<String> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(kw) {
        let start = from + at;
        let end = start + kw.len();
        from = end;
        if code[..start].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = &code[end..];
        let lint = format!("{kw}_code");
        if code[start..].starts_with(&lint) {
            if !rest["_code".len()..].starts_with(is_ident) {
                out.push(lint);
            }
        } else if !rest.starts_with(is_ident) {
            out.push(kw.to_string());
        }
    }
    out
}

#[test]
fn the_unsafe_scanner_finds_tokens_and_lints_and_nothing_else() {
    let kw = concat!("un", "safe");
    let t = |s: &str| unsafe_words(&s.replace("KW", kw), kw);
    assert_eq!(t("return KW { f() };"), vec![kw.to_string()]);
    assert_eq!(t("KW fn f() {}"), vec![kw.to_string()]);
    assert_eq!(t("KW impl Send for X {}"), vec![kw.to_string()]);
    let lint = format!("{kw}_code");
    assert_eq!(t("#[allow(dead_code, KW_code)]"), vec![lint.clone()]);
    assert_eq!(t("#[expect(KW_code)]"), vec![lint]);
    assert!(t("let KW_cell = 1; let not_KW = 2; let KW_codes = 3;").is_empty());
}
