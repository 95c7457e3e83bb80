//! `lcs projects`: appraise project files and write their tables, or screen a scenario for
//! creditable measures (docs/PROJECTS.md). Glue only: the checks are `lcs-model`'s, the
//! equations `lcs-projects`', the CSV layouts `lcs_report::projects`.

use super::{load, table, table_with, Failure};
use crate::output::write_atomic;
use crate::render;
use lcs_model::Loader;
use lcs_projects::reconcile::Cause;
use lcs_projects::Appraisal;
use lcs_report::projects::{
    committed_csv, economics_csv, projects_csv, reconciliation_csv, reconciliation_rows,
    summary_csv,
};
use std::path::{Component, Path, PathBuf};

pub fn run(
    files: &[PathBuf],
    out: Option<&Path>,
    basis: Option<&lcs_econ::Basis>,
) -> Result<(), Failure> {
    let Some(out) = out else {
        return Err(Failure::Message("`--out DIR` is required".into()));
    };
    let mut loader = Loader::new();
    let mut projects = Vec::new();
    let mut failed = false;
    for f in files {
        match loader.load_projects(f) {
            Ok(ps) => projects.extend(ps),
            Err(d) => {
                render::report(&d, &loader.sources);
                failed = true;
            }
        }
    }
    if failed {
        return Err(Failure::Reported);
    }
    for (i, p) in projects.iter().enumerate() {
        if let Some(first) = projects[..i].iter().find(|q| q.id == p.id) {
            let d = lcs_model::Diagnostic::new(
                p.span,
                format!("project id `{}` comes twice in this run", p.id),
            )
            .at(if p.key.is_empty() {
                "project".to_string()
            } else {
                format!("{}.project", p.key)
            })
            .note(if first.span == p.span {
                "the same file is named twice (as an argument, or in a pipeline's list)".to_string()
            } else {
                format!("first defined at {}", loader.sources.location(&first.span))
            })
            .note("each project of one `lcs projects` run needs its own id (its rows in projects.csv and summary.csv are keyed by it)");
            render::report(&[d], &loader.sources);
            return Err(Failure::Reported);
        }
    }
    let mut appraisals = Vec::new();
    for p in &projects {
        let mut a = lcs_projects::appraise(p)?;
        if let Some(b) = basis {
            a = a.on_basis(b)?;
        }
        appraisals.push(a);
    }
    let written = [
        ("projects.csv", projects_csv(&appraisals)),
        ("summary.csv", summary_csv(&appraisals)),
        ("economics.csv", economics_csv(&appraisals)),
        ("committed_ch4.csv", committed_csv(&appraisals)),
    ];
    // Written before the pipeline is printed, as `lcs run` does: a reader that stops early
    // (`lcs projects … | head`) ends the printing quietly, never the files.
    let mut paths = Vec::new();
    for (name, text) in &written {
        let path = out.join(name);
        write_atomic(&path, text.as_bytes())?;
        paths.push(path);
    }
    let info = super::run_info("projects", lcs_report::manifest::OutKind::Dir, &loader, &[]);
    super::manifest(out, &info, &paths)?;
    print_pipeline(&appraisals);
    for path in &paths {
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn kt(t: f64) -> String {
    super::fmt_num(t / 1000.0)
}

fn money(v: f64, factor: f64) -> String {
    let x = v / factor;
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// The pipeline: one line per project, then the committed CH4 and the reference notes.
fn print_pipeline(appraisals: &[Appraisal]) {
    let header: Vec<String> = [
        "project",
        "methodology",
        "status",
        "years",
        "kt CO2e/yr",
        "kt CO2e life",
        "capex",
        "NPV",
        "cost/t CO2e",
        "JCM/t CO2e",
        "currency",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows: Vec<Vec<String>> = appraisals
        .iter()
        .map(|a| {
            let e = a.economics.as_ref();
            let per_t = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "-".into());
            vec![
                a.id.clone(),
                a.methodology.name().to_string(),
                a.status.name().to_string(),
                format!("{}-{}", a.start, a.start + a.lifetime as i32 - 1),
                kt(a.annual_reduction_t),
                kt(a.lifetime_reduction_t),
                e.map(|e| money(e.capex, e.unit_factor))
                    .unwrap_or_else(|| "-".into()),
                e.map(|e| money(e.npv, e.unit_factor))
                    .unwrap_or_else(|| "-".into()),
                per_t(e.and_then(|e| e.levelised_cost)),
                per_t(e.and_then(|e| e.jcm_cost_effectiveness)),
                e.map(|e| format!("{} {}", e.unit_text, e.basis.price_year))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    println!("{}", table(&header, &rows));
    println!("capex and NPV in the currency unit shown; cost and JCM per t CO2e in the bare currency (docs/ECONOMICS.md)");
    for a in appraisals {
        if let Some(c) = &a.committed_ch4 {
            println!(
                "{}: committed landfill CH4 avoided per tonne diverted: {:.4} t CH4 generated, {:.4} t CH4 emitted = {:.3} t CO2e",
                a.id, c.generated_t_per_t, c.emitted_t_per_t, c.co2e_t_per_t
            );
        }
        for n in &a.notes {
            println!("{}: {n}", a.id);
        }
    }
}

pub fn screen(scenario: &Path, draft: Option<&Path>) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let s = load(&mut loader, scenario)?;
    let candidates = lcs_projects::screen::screen(&s)?;
    // Linked projects and networks are projects already: named, not screened.
    let linked: Vec<String> = s
        .links
        .iter()
        .map(|l| {
            let what = match &l.linked {
                lcs_model::link::Linked::Project(p) => format!(" ({})", p.methodology.name()),
                lcs_model::link::Linked::Network(_) => String::new(),
            };
            format!(
                "already linked: {}{what} in action {} (its measures are not screened)",
                l.label(),
                s.actions[l.action].id
            )
        })
        .collect();
    if candidates.is_empty() {
        println!("no measure of `{}` matches a methodology", s.id);
        for l in &linked {
            println!("{l}");
        }
        return Ok(());
    }
    let header: Vec<String> = [
        "measure",
        "methodology",
        "target",
        "start",
        "kt CO2e in year",
        "kt CO2e to end",
        "still missing",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows: Vec<Vec<String>> = candidates
        .iter()
        .map(|c| {
            vec![
                format!("{}/{}", c.action, c.measure),
                c.methodology.name().to_string(),
                c.target_path.clone(),
                c.start.to_string(),
                format!("{} ({})", kt(c.annual_reduction_t), c.year),
                format!("{} ({})", kt(c.cumulative_reduction_t), c.end_year),
                c.missing
                    .iter()
                    .map(|(k, _)| *k)
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    // The drafts are written before anything is printed (see `run`).
    let mut written = Vec::new();
    if let Some(dir) = draft {
        let model_file = loader.sources.get(s.model.span.file).path.clone();
        let region = relative(dir, &model_file);
        let name = scenario
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for c in &candidates {
            let path = dir.join(format!("{}.yaml", lcs_projects::screen::draft_id(c)));
            let text = lcs_projects::screen::draft_yaml(c, &name, &region);
            write_atomic(&path, text.as_bytes())?;
            written.push(path);
        }
    }
    println!("{}", table_with(&header, &rows, false));
    println!("estimate: the reference run against the reference with the one measure alone (no interaction with other actions)");
    for l in &linked {
        println!("{l}");
    }
    for path in &written {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The path of `file` as seen from folder `dir` (both made absolute first), with `/`.
pub(super) fn relative(dir: &Path, file: &Path) -> String {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
        }
        out
    };
    let (d, f) = (abs(dir), abs(file));
    let dc: Vec<_> = d.components().collect();
    let fc: Vec<_> = f.components().collect();
    let common = dc.iter().zip(&fc).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); dc.len() - common];
    parts.extend(
        fc[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().to_string()),
    );
    parts.join("/")
}

/// `lcs projects --scenario S.yaml`: every linked project's project view beside its
/// contribution in the scenario, the difference by cause.
pub fn reconcile(scenario: &Path, years: &[i32], out: Option<&Path>) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let s = load(&mut loader, scenario)?;
    let r = lcs_projects::reconcile::reconcile(&s, years)?;
    if r.projects.is_empty() {
        // Asked for a table: the table of no projects (its header), so that a script
        // finds the file it asked for.
        if let Some(dir) = out {
            write_atomic(
                &dir.join("reconciliation.csv"),
                reconciliation_csv(&r).as_bytes(),
            )?;
        }
        println!(
            "scenario `{}` links no project (an action's `projects:`, docs/PROJECTS.md){}",
            s.id,
            if out.is_some() {
                "; reconciliation.csv has its header only"
            } else {
                ""
            }
        );
        return Ok(());
    }
    // The table is written before anything is printed (see `run`).
    let written = match out {
        Some(dir) => {
            let path = dir.join("reconciliation.csv");
            write_atomic(&path, reconciliation_csv(&r).as_bytes())?;
            Some(path)
        }
        None => None,
    };
    let (header, rows) = reconciliation_rows(&r);
    println!("{}", table_with(&header, &rows, true));
    let used: Vec<Cause> = Cause::ALL
        .iter()
        .copied()
        .filter(|c| {
            r.projects
                .iter()
                .flat_map(|p| &p.years)
                .any(|y| (y.cause(*c) / 1000.0).abs() >= 0.05)
        })
        .collect();
    for c in used {
        println!("{}: {}", c.id().replace('_', " "), c.explanation());
    }
    if let Some(n) = r.shapley_sampled {
        println!(
            "Shapley partly estimated from random orderings: a component of the total has more than {} of the {n} actions (docs/ATTRIBUTION.md)",
            lcs_engine::MAX_EXACT_ACTIONS
        );
    }
    for p in &r.projects {
        if let Some(c) = &p.capacity {
            println!("note: {c}");
        }
    }
    if let Some(path) = written {
        println!("wrote {}", path.display());
    }
    Ok(())
}
