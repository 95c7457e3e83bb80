//! `lcs validate`: check files without writing anything. A folder is searched for YAML
//! files (recursively, in name order). Scenarios (and their references) and bare models are
//! also evaluated, so that a measure that breaks a rule in some year, or a result that is not
//! finite, is reported too; project files are appraised and eco-town networks assessed. One
//! loader serves every file, so a problem of a model shared by several scenarios is reported
//! once.

use super::{deny_warnings, print_json, run_error, Failure};
use crate::json;
use crate::render;
use lcs_model::{Checked, Diagnostic, Loader};
use std::path::{Path, PathBuf};

/// The files to check: each file as given, each folder's `*.yaml` and `*.yml` files
/// (recursively, hidden folders skipped, sorted by path).
fn expand(args: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Failure> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            Failure::Message(format!("cannot read folder `{}`: {e}", dir.display()))
        })?;
        let mut paths: Vec<(PathBuf, bool)> = Vec::new();
        for e in entries {
            let e = e.map_err(|e| {
                Failure::Message(format!("cannot read folder `{}`: {e}", dir.display()))
            })?;
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            paths.push((e.path(), is_dir));
        }
        paths.sort();
        for (p, is_dir) in paths {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if is_dir {
                if !name.starts_with('.') {
                    walk(&p, out)?;
                }
            } else if name.ends_with(".yaml") || name.ends_with(".yml") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for a in args {
        if a.is_dir() {
            let before = files.len();
            walk(a, &mut files)?;
            if files.len() == before {
                return Err(Failure::Message(format!(
                    "no YAML files (`*.yaml`, `*.yml`) under `{}`",
                    a.display()
                )));
            }
        } else {
            files.push(a.clone());
        }
    }
    Ok(files)
}

/// One file's outcome: kind, id, a one-line summary, and its errors.
type Outcome = (
    Option<&'static str>,
    Option<String>,
    String,
    Vec<Diagnostic>,
);

fn check(loader: &mut Loader, f: &Path) -> Outcome {
    match loader.check_file(f) {
        Err(d) => {
            let kind = loader
                .sources
                .find(f)
                .map(|id| loader.sources.get(id).text.as_str())
                .and_then(kind_of_text);
            (kind, None, String::new(), d)
        }
        Ok(Checked::Model(m)) => {
            let summary = format!(
                "model `{}`, {} drivers, {} demand nodes",
                m.region_id,
                m.drivers.len(),
                m.nodes.len()
            );
            let id = m.region_id.clone();
            let s = lcs_model::Scenario::of_model(*m, "model");
            let outcome = lcs_engine::compile(&s)
                .map_err(|e| Box::new(Diagnostic::new(s.span, e.to_string())))
                .and_then(|c| {
                    lcs_engine::run_reference(&c).map_err(|e| Box::new(run_error(&s, &e)))
                });
            let errs = match outcome {
                Ok(_) => Vec::new(),
                Err(d) => vec![*d],
            };
            (Some("model"), Some(id), summary, errs)
        }
        Ok(Checked::Ecotown(net)) => {
            let summary = format!(
                "eco-town network `{}`, {} facilities, {} exchanges; region `{}`",
                net.id,
                net.facilities.len(),
                net.exchanges.len(),
                net.region.region_id
            );
            let errs = match lcs_ecotown::assess(&net) {
                Ok(_) => Vec::new(),
                Err(lcs_ecotown::EcotownError::Input(d)) => d,
                Err(e) => vec![Diagnostic::new(net.span, e.to_string())],
            };
            (Some("ecotown"), Some(net.id.clone()), summary, errs)
        }
        Ok(Checked::Projects(ps)) => {
            let ids: Vec<&str> = ps.iter().map(|p| p.id.as_str()).collect();
            let summary = format!(
                "{} project{}: {}",
                ps.len(),
                if ps.len() == 1 { "" } else { "s" },
                ids.join(", ")
            );
            let errs = ps
                .iter()
                .filter_map(|p| lcs_projects::appraise(p).err().map(|e| (p, e)))
                .map(|(p, e)| Diagnostic::new(p.span, e.to_string()))
                .collect();
            let id = ps.first().map(|p| p.id.clone());
            (Some("project"), id, summary, errs)
        }
        Ok(Checked::Package { id, n_actions }) => (
            Some("package"),
            Some(id.clone()),
            format!("package `{id}`, {n_actions} actions; paths are checked with a scenario"),
            Vec::new(),
        ),
        Ok(Checked::Scenario(s)) => {
            let outcome = lcs_engine::compile(&s)
                .map_err(|e| Box::new(Diagnostic::new(s.span, e.to_string())))
                .and_then(|c| {
                    lcs_engine::run_all(&c)
                        .and_then(|_| lcs_engine::run_reference(&c))
                        .map_err(|e| Box::new(run_error(&s, &e)))
                });
            let summary = format!(
                "scenario `{}`, {} actions, {} targets",
                s.id,
                s.actions.len(),
                s.targets.len()
            );
            let errs = match outcome {
                Ok(_) => Vec::new(),
                Err(d) => vec![*d],
            };
            (Some("scenario"), Some(s.id.clone()), summary, errs)
        }
    }
}

/// The kind of a file from its text's top-level key, for files that failed to load.
fn kind_of_text(text: &str) -> Option<&'static str> {
    text.lines()
        .find_map(|l| match l.split(':').next()?.trim_end() {
            "region" if !l.starts_with(' ') => Some("model"),
            "scenario" if !l.starts_with(' ') => Some("scenario"),
            "package" if !l.starts_with(' ') => Some("package"),
            _ => None,
        })
}

pub fn run(args: &[PathBuf], as_json: bool) -> Result<(), Failure> {
    let files = expand(args)?;
    let deny = deny_warnings();
    let mut loader = Loader::new();
    let mut shown: Vec<Diagnostic> = Vec::new();
    let mut docs: Vec<json::FileDoc> = Vec::new();
    for f in &files {
        let before = loader.warnings.len();
        let (kind, id, summary, errors) = check(&mut loader, f);
        let warnings: Vec<Diagnostic> = loader.warnings[before..].to_vec();
        let new: Vec<Diagnostic> = errors
            .iter()
            .chain(&warnings)
            .filter(|d| {
                !shown
                    .iter()
                    .any(|s| s.span == d.span && s.message == d.message && s.severity == d.severity)
            })
            .cloned()
            .collect();
        if !as_json {
            for d in &new {
                eprintln!("{}", render::render(d, &loader.sources));
            }
        }
        shown.extend(new);
        let ok = errors.is_empty() && (warnings.is_empty() || !deny);
        if !as_json {
            let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
            let mut counts = Vec::new();
            if !errors.is_empty() {
                counts.push(plural(errors.len(), "error"));
            }
            if !warnings.is_empty() {
                counts.push(plural(warnings.len(), "warning"));
            }
            match (ok, counts.is_empty()) {
                (true, true) => println!("ok  {} ({summary})", f.display()),
                (true, false) => println!("ok  {} ({summary}; {})", f.display(), counts.join(", ")),
                (false, _) => println!("fail  {} ({})", f.display(), counts.join(", ")),
            }
        }
        docs.push(json::FileDoc {
            path: f.display().to_string(),
            kind,
            id,
            ok,
            errors: errors.len(),
            warnings: warnings.len(),
        });
    }
    let n_warnings = shown.iter().filter(|d| d.is_warning()).count();
    let n_errors = shown.len() - n_warnings;
    let ok = docs.iter().all(|d| d.ok);
    if as_json {
        print_json(&json::ValidateDoc {
            kind: "validate",
            version: json::VERSION,
            ok,
            files: docs,
            diagnostics: shown
                .iter()
                .map(|d| json::DiagnosticDoc::of(d, &loader.sources))
                .collect(),
            errors: n_errors,
            warnings: n_warnings,
        })?;
    } else if !shown.is_empty() {
        let hint = match (n_warnings > 0, deny) {
            (true, true) => " (warnings denied by `--deny-warnings`)",
            (true, false) => " (`--deny-warnings` makes warnings errors)",
            _ => "",
        };
        eprintln!("{}{hint}", render::count(&shown));
    }
    if ok {
        Ok(())
    } else {
        Err(Failure::Reported)
    }
}
