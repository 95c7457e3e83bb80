//! Loading scenario and package files (MODEL.md §1.2, §1.3, §9, §10): inheritance,
//! overrides, packages, inline actions, measures and targets.

use crate::check_model::{finalize, fuel_resolver, read_model, share_map};
use crate::datafile::{DataFileError, DataFiles};
use crate::diag::Diagnostic;
use crate::link::{LinkKind, LinkRequest};
use crate::model::*;
use crate::paths::{target_paths, PathInfo};
use crate::read::{get, join, one_of, Reader, Want};
use crate::source::{read_text, FileId, ReadError, Sources, Span};
use crate::yaml::{self, Node, NodeKind};
use lcs_levers::{Ramp, Schedule};
use lcs_units::{nearest, Dimension};
use std::path::{Path, PathBuf};

/// What a file holds, by its top-level key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `region:` — a model.
    Model,
    /// `scenario:`.
    Scenario,
    /// `package:`.
    Package,
    /// `ecotown:` — an eco-town network (docs/ECOTOWN.md).
    Ecotown,
    /// `project:` or `projects:` — mitigation projects (docs/PROJECTS.md).
    Project,
}

impl FileKind {
    /// The kind's name in messages: `model`, `scenario`, `package`, `project`.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Model => "model",
            FileKind::Scenario => "scenario",
            FileKind::Package => "package",
            FileKind::Ecotown => "eco-town network",
            FileKind::Project => "project",
        }
    }
}

/// The key path of an error about a whole file (its kind, an empty file): the top level.
pub const TOP_LEVEL: &str = "(top level)";

/// The result of checking one file of any kind.
#[derive(Debug)]
pub enum Checked {
    /// A model.
    Model(Box<Model>),
    /// A scenario.
    Scenario(Box<Scenario>),
    /// A package (its forms checked; paths need a scenario's model to resolve).
    Package {
        /// The package id.
        id: String,
        /// Number of actions.
        n_actions: usize,
    },
    /// An eco-town network with its region model (materials and transport modes are checked
    /// by `lcs-ecotown`).
    Ecotown(Box<crate::ecotown::Network>),
    /// A project file: its projects, each with its region model.
    Projects(Vec<crate::project::Project>),
}

/// Reads files, keeps their text for diagnostics, and checks them.
#[derive(Default)]
pub struct Loader {
    /// Every file read so far.
    pub sources: Sources,
    /// The data files named by the files read so far (docs/EXTENSIONS.md, "Series from data
    /// files").
    pub(crate) data: DataFiles,
    /// The warnings of every successful load so far, each once (a model shared by several
    /// scenarios reports its warnings once), in the order found.
    pub warnings: Vec<Diagnostic>,
    /// Files given as text instead of read from disk ([`Loader::add_virtual_file`]), by
    /// lexically normalised path.
    virtual_files: std::collections::HashMap<PathBuf, String>,
    /// Files read and parsed so far, by id: a file read again (the model of every scenario
    /// of a run and of its linked projects) is not read or parsed again. A file is read
    /// once per loader in any case: [`Sources`] keeps its first text.
    parsed: std::collections::HashMap<FileId, std::sync::Arc<Node>>,
    /// Models read so far (before a scenario's overrides), by file id, with the reader
    /// that read them (its warnings and the model's units and drivers).
    models: std::collections::HashMap<FileId, (Model, Reader)>,
}

type Diags = Vec<Diagnostic>;

/// The top-level keys of a scenario file (the schema lists the same).
pub(crate) const SCENARIO_KEYS: [&str; 11] = [
    "scenario",
    "name",
    "model",
    "extends",
    "overrides",
    "packages",
    "actions",
    "targets",
    "uncertainty",
    "economics",
    "adjust",
];
/// The keys of an action.
pub(crate) const ACTION_KEYS: [&str; 10] = [
    "id",
    "name",
    "theme",
    "agency",
    "kpi",
    "measures",
    "cost",
    "projects",
    "ecotown",
    "additional_to",
];
/// The top-level keys of a package file.
pub(crate) const PACKAGE_KEYS: [&str; 4] = ["package", "name", "maps", "actions"];
/// The keys of a scenario target (MODEL.md §10).
pub(crate) const TARGET_KEYS: [&str; 7] = [
    "id",
    "metric",
    "driver",
    "year",
    "reduction",
    "relative_to",
    "at_most",
];

impl Loader {
    /// A loader with no files read.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps warnings, dropping any already kept (same place, same message).
    pub(crate) fn keep_warnings(&mut self, warnings: Vec<Diagnostic>) {
        for w in warnings {
            if !self
                .warnings
                .iter()
                .any(|k| k.span == w.span && k.message == w.message)
            {
                self.warnings.push(w);
            }
        }
    }

    /// Makes `path` read as `text` instead of from disk (fuzzing and tests: a whole set of
    /// files in memory). Only virtual files are read once one is added; paths are compared
    /// after lexical normalisation. The file-name and text rules of
    /// [`crate::read_text`] apply.
    pub fn add_virtual_file(&mut self, path: &Path, text: &str) {
        self.virtual_files
            .insert(crate::source::normalised(path), text.to_string());
    }

    fn read_bytes(&self, path: &Path) -> Result<String, ReadError> {
        if self.virtual_files.is_empty() {
            return read_text(path);
        }
        if !crate::source::is_yaml_name(path) {
            return Err(ReadError::NotYamlName);
        }
        match self.virtual_files.get(&crate::source::normalised(path)) {
            Some(t) if t.len() as u64 > crate::source::MAX_FILE_BYTES => Err(ReadError::TooLarge {
                limit: crate::source::MAX_FILE_BYTES,
            }),
            Some(t) => crate::source::text_of(t.as_bytes().to_vec()),
            None => Err(ReadError::Io {
                message: "No such file or directory (os error 2)".into(),
            }),
        }
    }

    /// Reads and parses one file (see [`crate::source::read_text`] for what is refused). A
    /// file that is not recognisably a model, scenario or package is reported without
    /// quoting its lines.
    pub(crate) fn read(&mut self, path: &Path) -> Result<(FileId, std::sync::Arc<Node>), Diags> {
        if let Some(id) = self.sources.find(path) {
            if let Some(node) = self.parsed.get(&id) {
                return Ok((id, node.clone()));
            }
        }
        let text = match self.read_bytes(path) {
            Ok(t) => t,
            Err(ReadError::NotUtf8 {
                line,
                col,
                lossy,
                offset,
                ..
            }) => {
                let e = ReadError::NotUtf8 {
                    offset,
                    line,
                    col,
                    lossy: String::new(),
                };
                let recognised = yaml::parse_document(FileId(0), &lossy).1;
                let id = self.sources.add(path, lossy);
                if !recognised {
                    self.sources.forbid_quoting(id);
                }
                let span = Span {
                    file: id,
                    start: offset,
                    end: offset,
                    line,
                    col,
                };
                return Err(vec![Diagnostic::new(
                    span,
                    format!("cannot read `{}`: {e}", path.display()),
                )
                .at(self.key_path_at(id, offset))
                .expected("UTF-8 text (save the file as UTF-8)")]);
            }
            Err(e) => {
                return Err(vec![Diagnostic::global(format!(
                    "cannot read `{}`: {e}",
                    path.display()
                ))])
            }
        };
        let id = self.sources.add(path, text);
        let text = self.sources.get(id).text.clone();
        let (node, recognised) = yaml::parse_document(id, &text);
        if !recognised {
            self.sources.forbid_quoting(id);
            // Syntax errors keep their place and message (no text of the file in them).
            node.as_ref().map_err(Clone::clone)?;
            let start = Span {
                file: id,
                start: 0,
                end: 0,
                line: 1,
                col: 1,
            };
            return Err(vec![Diagnostic::new(
                start,
                format!(
                    "`{}` is not a model, scenario, package, project or eco-town file",
                    path.display()
                ),
            )
            .at(TOP_LEVEL)
            .expected(
                "a YAML mapping with a top-level `region:`, `scenario:`, `package:`, `project:`, `projects:` or `ecotown:` key",
            )
            .note(
                "the file's lines are not shown: it is not a scenario-language file",
            )]);
        }
        let node = std::sync::Arc::new(node?);
        self.read_data_files(id, &node);
        self.parsed.insert(id, node.clone());
        Ok((id, node))
    }

    /// [`read_model`] of a parsed model file, once per file: later calls get a copy of the
    /// first result, with the loader's data files as they are now (as a new read would).
    fn read_model_once(&mut self, id: FileId, node: &Node) -> Result<(Model, Reader), Diags> {
        if let Some((m, r)) = self.models.get(&id) {
            let mut r = r.clone();
            r.data = self.data.clone();
            return Ok((m.clone(), r));
        }
        let (m, r) = read_model(node, &self.data)?;
        self.models.insert(id, (m.clone(), r.clone()));
        Ok((m, r))
    }

    /// The key path of the value around a byte offset (for errors found before parsing,
    /// such as an invalid byte): the text before the offset is parsed and the path of its
    /// last value is taken.
    fn key_path_at(&self, id: FileId, offset: usize) -> String {
        let text = &self.sources.get(id).text;
        let before = text.get(..offset).unwrap_or_default();
        yaml::last_key_path(before).unwrap_or_else(|| TOP_LEVEL.to_string())
    }

    /// Reads a data file's bytes (a CSV file or a workbook named by a series' `from:`,
    /// docs/EXTENSIONS.md): only a regular file of at most
    /// [`crate::MAX_DATA_FILE_BYTES`]. Tables are built from the bytes in `datafile`.
    pub(crate) fn read_data(&self, path: &Path) -> Result<Vec<u8>, DataFileError> {
        crate::datafile::read_bytes(path)
    }

    /// The kind of a parsed file, from its top-level key.
    pub(crate) fn kind(&self, node: &Node, path: &Path) -> Result<FileKind, Diags> {
        if let NodeKind::Map(items) = &node.kind {
            // An eco-town network also has a `region:` key (its model's path).
            if items.iter().any(|(k, _)| k.text == "ecotown") {
                return Ok(FileKind::Ecotown);
            }
            // A project names its model under `region:`, so `project` decides first.
            if items
                .iter()
                .any(|(k, _)| k.text == "project" || k.text == "projects")
            {
                return Ok(FileKind::Project);
            }
            for (k, _) in items {
                match k.text.as_str() {
                    "region" => return Ok(FileKind::Model),
                    "scenario" => return Ok(FileKind::Scenario),
                    "package" => return Ok(FileKind::Package),
                    _ => {}
                }
            }
        }
        Err(vec![Diagnostic::new(
            node.span,
            format!(
                "`{}` is not a model, scenario, package or project file",
                path.display()
            ),
        )
        .at(TOP_LEVEL)
        .expected(
            "a mapping with a top-level `region:`, `scenario:`, `package:`, `project:` or `projects:` key",
        )])
    }

    /// Loads and checks a model file.
    pub fn load_model(&mut self, path: &Path) -> Result<Model, Diags> {
        let (id, node) = self.read(path)?;
        match self.kind(&node, path)? {
            FileKind::Model => {}
            k => {
                return Err(vec![Diagnostic::new(
                    node.span,
                    format!("expected a model file, found a {} file", k.name()),
                )
                .at(TOP_LEVEL)
                .expected("a file with `region:`")])
            }
        }
        let (mut model, r) = self.read_model_once(id, &node)?;
        self.keep_warnings(r.warnings);
        let errs = finalize(&mut model);
        if errs.is_empty() {
            Ok(model)
        } else {
            Err(errs)
        }
    }

    /// Checks any file: a model, a scenario (fully) or a package (its forms).
    pub fn check_file(&mut self, path: &Path) -> Result<Checked, Diags> {
        let (_, node) = self.read(path)?;
        match self.kind(&node, path)? {
            FileKind::Model => self.load_model(path).map(|m| Checked::Model(Box::new(m))),
            FileKind::Scenario => self
                .load_scenario(path)
                .map(|s| Checked::Scenario(Box::new(s))),
            FileKind::Package => {
                let (id, actions) = self.package_forms(&node)?;
                Ok(Checked::Package {
                    id,
                    n_actions: actions,
                })
            }
            FileKind::Ecotown => self
                .load_ecotown(path)
                .map(|n| Checked::Ecotown(Box::new(n))),
            FileKind::Project => self.load_projects(path).map(Checked::Projects),
        }
    }

    /// Checks a package's forms without a model: keys, ids, levers, schedules.
    fn package_forms(&mut self, node: &Node) -> Result<(String, usize), Diags> {
        let mut r = Reader {
            errors: Vec::new(),
            warnings: Vec::new(),
            units: lcs_units::UnitRegistry::builtin(),
            base_year: 1900,
            end_year: 2200,
            drivers: Vec::new(),
            bad_drivers: Vec::new(),
            data: self.data.clone(),
        };
        let items = r
            .map(node, "", &PACKAGE_KEYS)
            .ok_or_else(|| r.errors.clone())?;
        let id = get(items, "package")
            .and_then(|p| r.id(p, "package"))
            .unwrap_or_default()
            .to_string();
        let mut n = 0;
        if let Some(a) = get(items, "actions") {
            if let Some(list) = r.seq(a, "actions", "actions") {
                for (i, an) in list.iter().enumerate() {
                    let ap = format!("actions[{i}]");
                    if let Some(ai) = r.map(an, &ap, &ACTION_KEYS) {
                        if let Some(x) = r.req(ai, "id", &ap, an.span) {
                            r.id(x, &join(&ap, "id"));
                        }
                        if let Some(ms) = get(ai, "measures") {
                            if let Some(ml) = r.seq(ms, &join(&ap, "measures"), "measures") {
                                for (j, m) in ml.iter().enumerate() {
                                    let mp = format!("{ap}.measures[{j}]");
                                    if let Some(mi) = r.map(m, &mp, &MEASURE_KEYS) {
                                        for k in ["id", "lever", "target", "start"] {
                                            r.req(mi, k, &mp, m.span);
                                        }
                                        let _ = schedule(&mut r, mi, &mp, m.span);
                                    }
                                }
                            }
                        }
                        n += 1;
                    }
                }
            }
        }
        if r.errors.is_empty() {
            self.keep_warnings(r.warnings);
            Ok((id, n))
        } else {
            Err(r.errors)
        }
    }

    /// Loads a scenario: follows `extends` to the model, applies overrides, reads packages,
    /// actions and targets, and checks everything.
    pub fn load_scenario(&mut self, path: &Path) -> Result<Scenario, Diags> {
        // The chain, leaf first.
        let mut chain: Vec<(FileId, std::sync::Arc<Node>, PathBuf)> = Vec::new();
        let mut current = path.to_path_buf();
        let mut via: Option<Span> = None;
        let model_path;
        loop {
            let (id, node) = match self.read(&current) {
                Ok(x) => x,
                Err(mut e) => {
                    if let (Some(sp), Some(d)) = (via, e.first_mut()) {
                        if d.span.is_none() {
                            d.span = Some(sp);
                            d.path = "extends".into();
                        }
                    }
                    return Err(e);
                }
            };
            if self.kind(&node, &current)? != FileKind::Scenario {
                let d = Diagnostic::new(
                    node.span,
                    format!("`{}` is not a scenario file", current.display()),
                )
                .at(TOP_LEVEL)
                .expected("a file with `scenario:`");
                return Err(vec![d]);
            }
            if chain.iter().any(|(f, _, _)| *f == id) {
                let names: Vec<String> = chain
                    .iter()
                    .map(|(f, _, _)| self.sources.name(*f))
                    .collect();
                return Err(vec![Diagnostic::new(
                    via.unwrap_or(node.span),
                    "`extends` forms a cycle",
                )
                .at("extends")
                .note(format!(
                    "chain: {} → {}",
                    names.join(" → "),
                    self.sources.name(id)
                ))]);
            }
            let dir = current.parent().map(Path::to_path_buf).unwrap_or_default();
            let mut r = bare_reader();
            let Some(items) = r.map(&node, "", &SCENARIO_KEYS) else {
                return Err(r.errors);
            };
            if let Some(sc) = r.req(items, "scenario", "", node.span) {
                r.id(sc, "scenario");
            }
            let (m, e) = (get(items, "model"), get(items, "extends"));
            let next = match (m, e) {
                (Some(_), Some(e)) => {
                    r.err(
                        Diagnostic::new(e.span, "a scenario has both `model` and `extends`")
                            .at("extends")
                            .expected("exactly one of `model` or `extends`"),
                    );
                    None
                }
                (None, None) => {
                    r.err(
                        Diagnostic::new(node.span, "a scenario needs `model` or `extends`")
                            .at("model"),
                    );
                    None
                }
                (Some(m), None) => {
                    let t = r.text(m, "model").unwrap_or_default().to_string();
                    relative(&mut r, &t, m.span, "model");
                    chain.push((id, node.clone(), dir.clone()));
                    if !r.errors.is_empty() {
                        return Err(r.errors);
                    }
                    model_path = (dir.join(t), m.span);
                    break;
                }
                (None, Some(e)) => r
                    .text(e, "extends")
                    .map(str::to_string)
                    .filter(|t| relative(&mut r, t, e.span, "extends"))
                    .map(|t| (dir.join(t), e.span)),
            };
            if !r.errors.is_empty() {
                return Err(r.errors);
            }
            chain.push((id, node.clone(), dir));
            let Some((p, sp)) = next else {
                return Err(r.errors);
            };
            current = p;
            via = Some(sp);
        }
        // Root first.
        chain.reverse();
        // The model.
        let (mpath, mspan) = model_path;
        let (mid, mnode) = self.read(&mpath).map_err(|mut e| {
            if let Some(d) = e.first_mut() {
                if d.span.is_none() {
                    d.span = Some(mspan);
                    d.path = "model".into();
                }
            }
            e
        })?;
        if self.kind(&mnode, &mpath)? != FileKind::Model {
            return Err(vec![Diagnostic::new(
                mspan,
                format!("`{}` is not a model file", mpath.display()),
            )
            .at("model")]);
        }
        let (mut model, mut r) = self.read_model_once(mid, &mnode)?;
        // Overrides, root first; a later one replaces an earlier one for the same path.
        let mut overrides: Vec<(String, Span)> = Vec::new();
        for (_, node, _) in &chain {
            let NodeKind::Map(items) = &node.kind else {
                continue;
            };
            let Some(o) = get(items, "overrides") else {
                continue;
            };
            let Some(oi) = r.free_map(o, "overrides", "parameter paths to series") else {
                continue;
            };
            for (k, v) in oi {
                let paths = target_paths(&model);
                apply_override(&mut r, &mut model, &paths, &k.text, k.span, v);
                overrides.retain(|(p, _)| *p != k.text);
                overrides.push((k.text.clone(), k.span));
            }
        }
        if !r.errors.is_empty() {
            return Err(r.errors);
        }
        let errs = finalize(&mut model);
        if !errs.is_empty() {
            return Err(errs);
        }
        // Actions and targets, root first.
        let paths = target_paths(&model);
        let mut actions: Vec<Action> = Vec::new();
        let mut targets: Vec<TargetSpec> = Vec::new();
        let mut pkg_errors: Diags = Vec::new();
        let mut link_requests: Vec<LinkRequest> = Vec::new();
        for (_, node, dir) in &chain {
            let NodeKind::Map(items) = &node.kind else {
                continue;
            };
            if let Some(p) = get(items, "packages") {
                if let Some(list) = r.strings(p, "packages") {
                    let list_nodes: Vec<&Node> = match &p.kind {
                        NodeKind::Seq(s) => s.iter().collect(),
                        _ => vec![p],
                    };
                    for (i, rel) in list.iter().enumerate() {
                        let ppath = dir.join(rel);
                        let at = list_nodes.get(i).map(|n| n.span).unwrap_or(p.span);
                        if !relative(&mut r, rel, at, &format!("packages[{i}]")) {
                            continue;
                        }
                        match self.read(&ppath) {
                            Err(mut e) => {
                                for d in &mut e {
                                    if d.span.is_none() {
                                        d.span = Some(at);
                                        d.path = format!("packages[{i}]");
                                    }
                                }
                                pkg_errors.extend(e);
                            }
                            Ok((_, pnode)) => {
                                if self.kind(&pnode, &ppath).ok() != Some(FileKind::Package) {
                                    pkg_errors.push(
                                        Diagnostic::new(
                                            at,
                                            format!("`{rel}` is not a package file"),
                                        )
                                        .at(format!("packages[{i}]")),
                                    );
                                    continue;
                                }
                                let mut pr = reader_for(&model);
                                pr.data = self.data.clone();
                                if let Some(pi) = pr.map(&pnode, "", &PACKAGE_KEYS) {
                                    let pid = get(pi, "package")
                                        .and_then(|x| pr.id(x, "package"))
                                        .map(str::to_string);
                                    let ctx = crate::maps::PackageCtx {
                                        id: pid.clone().unwrap_or_default(),
                                        maps: get(pi, "maps")
                                            .map(|m| crate::maps::read(&mut pr, m))
                                            .unwrap_or_default(),
                                    };
                                    if let Some(a) = get(pi, "actions") {
                                        let pdir = ppath
                                            .parent()
                                            .map(Path::to_path_buf)
                                            .unwrap_or_default();
                                        read_actions(
                                            &mut pr,
                                            &model,
                                            &paths,
                                            a,
                                            "actions",
                                            pid,
                                            Some(&ctx),
                                            &pdir,
                                            &mut actions,
                                            &mut link_requests,
                                        );
                                    }
                                }
                                pkg_errors.append(&mut pr.errors);
                                self.keep_warnings(std::mem::take(&mut pr.warnings));
                            }
                        }
                    }
                }
            }
            if let Some(a) = get(items, "actions") {
                read_actions(
                    &mut r,
                    &model,
                    &paths,
                    a,
                    "actions",
                    None,
                    None,
                    dir,
                    &mut actions,
                    &mut link_requests,
                );
            }
            if let Some(t) = get(items, "targets") {
                if let Some(list) = r.seq(t, "targets", "targets") {
                    for (i, tn) in list.iter().enumerate() {
                        if let Some(ts) = read_target(&mut r, &model, tn, &format!("targets[{i}]"))
                        {
                            match targets.iter_mut().find(|x| x.id == ts.id) {
                                Some(old) => *old = ts,
                                None => targets.push(ts),
                            }
                        }
                    }
                }
            }
        }
        // Uncertainty, root first: parameters merged by id, correlations by pair.
        let mut uncertainty: Vec<UncertainParameter> = Vec::new();
        let mut corr_raw: Vec<(String, String, f64, Span, String)> = Vec::new();
        for (_, node, _) in &chain {
            let NodeKind::Map(items) = &node.kind else {
                continue;
            };
            if let Some(u) = get(items, "uncertainty") {
                crate::uncertainty::read(&mut r, &paths, u, &mut uncertainty, &mut corr_raw);
            }
        }
        let correlations =
            crate::uncertainty::resolve_correlations(&mut r, &uncertainty, &corr_raw);
        // Linked projects and networks become measures of their actions (before costs and
        // adjustments, which apply to them like to written measures).
        let mut links = Vec::new();
        if r.errors.is_empty() && pkg_errors.is_empty() && !link_requests.is_empty() {
            let (l, errs) =
                self.resolve_links(&model, model.span.file, &mut actions, link_requests);
            links = l;
            r.errors.extend(errs);
        }
        // Economics: the last file of the chain that has the section; adjustments merged
        // root first, key by key.
        let mut economics = None;
        let mut raw_adjust = Vec::new();
        for (_, node, _) in &chain {
            let NodeKind::Map(items) = &node.kind else {
                continue;
            };
            if let Some(e) = get(items, "economics") {
                economics = crate::costs::read_economics(&mut r, &model, e);
            }
            if let Some(a) = get(items, "adjust") {
                crate::costs::read_adjust_entries(&mut r, a, &mut raw_adjust);
            }
        }
        let adjust = crate::costs::resolve_adjust(&mut r, raw_adjust, &actions);
        crate::costs::resolve(&mut r, economics.as_ref(), &mut actions);
        r.errors.extend(pkg_errors);
        // Action ids unique after inheritance; measure ids unique within their action.
        for (i, a) in actions.iter().enumerate() {
            if let Some(first) = actions[..i].iter().find(|b| b.id == a.id) {
                r.err(
                    Diagnostic::new(a.span, format!("action id `{}` is used twice", a.id))
                        .at(format!("{}.id", a.key))
                        .note(format!(
                            "first defined at {}",
                            self.sources.location(&first.span)
                        )),
                );
            }
            for (j, m) in a.measures.iter().enumerate() {
                if a.measures[..j].iter().any(|x| x.id == m.id) {
                    r.err(
                        Diagnostic::new(
                            m.span,
                            format!("measure id `{}` is used twice in action `{}`", m.id, a.id),
                        )
                        .at(format!("{}.id", m.key)),
                    );
                }
            }
        }
        check_measure_fuels(&mut r, &model, &actions);
        if !r.errors.is_empty() {
            return Err(r.errors);
        }
        crate::link::check_additional_to(&mut r, &actions, &links);
        crate::link::find_overlaps(&model, &actions, &mut links);
        for l in &links {
            for o in l.overlaps.iter().filter(|o| !o.stated_additional) {
                r.warnings.push(crate::link::overlap_warning(l, o));
            }
        }
        if r.errors.is_empty() {
            r.warnings
                .extend(crate::link::unused_additional_to(&actions, &links));
        }
        if !r.errors.is_empty() {
            return Err(r.errors);
        }
        let (_, leaf_node, _) = chain.last().expect("chain has at least one file");
        let NodeKind::Map(leaf_items) = &leaf_node.kind else {
            unreachable!("checked to be a mapping")
        };
        self.keep_warnings(std::mem::take(&mut r.warnings));
        let mut lr = bare_reader();
        let id = get(leaf_items, "scenario")
            .and_then(|s| lr.text(s, "scenario"))
            .unwrap_or_default()
            .to_string();
        let name = get(leaf_items, "name")
            .and_then(|s| lr.text(s, "name"))
            .map(str::to_string);
        Ok(Scenario {
            id,
            name,
            model,
            actions,
            targets,
            overrides,
            uncertainty,
            correlations,
            links,
            economics,
            adjust,
            span: leaf_node.span,
        })
    }
}

/// The confinement rule for files named inside a file (docs/SECURITY.md): a path relative
/// to the naming file's folder (MODEL.md §1). An absolute path is an error at its key.
pub(crate) fn relative(r: &mut Reader, text: &str, span: Span, key: &str) -> bool {
    let p = Path::new(text);
    if p.is_absolute() || p.has_root() {
        r.err(
            Diagnostic::new(span, format!("`{text}` is an absolute path"))
                .at(key)
                .expected("a path relative to this file's folder (MODEL.md §1), e.g. `model.yaml` or `../shared/model.yaml`"),
        );
        return false;
    }
    true
}

/// A reader with no model (ids, names, file paths).
pub(crate) fn bare_reader() -> Reader {
    Reader {
        errors: Vec::new(),
        warnings: Vec::new(),
        units: lcs_units::UnitRegistry::builtin(),
        base_year: 0,
        end_year: 0,
        drivers: Vec::new(),
        bad_drivers: Vec::new(),
        data: DataFiles::default(),
    }
}

/// A reader in a checked model's context (units, years, drivers); its `data` is empty until
/// the caller gives it the loader's.
pub(crate) fn reader_for(model: &Model) -> Reader {
    Reader {
        errors: Vec::new(),
        warnings: Vec::new(),
        units: model.units.clone(),
        base_year: model.base_year,
        end_year: model.end_year,
        drivers: model
            .drivers
            .iter()
            .map(|d| (d.name.clone(), d.series.dim.clone()))
            .collect(),
        bad_drivers: Vec::new(),
        data: DataFiles::default(),
    }
}

pub(crate) fn find_path<'p>(
    r: &mut Reader,
    paths: &'p [PathInfo],
    text: &str,
    span: Span,
    key: &str,
) -> Option<&'p PathInfo> {
    match paths.iter().find(|p| p.path == text) {
        Some(p) => Some(p),
        None => {
            r.err(
                Diagnostic::new(span, format!("unknown parameter path `{text}`"))
                    .at(key)
                    .expected("a path listed by `lcs paths`")
                    .suggest(nearest(text, paths.iter().map(|p| p.path.as_str()))),
            );
            None
        }
    }
}

fn apply_override(
    r: &mut Reader,
    model: &mut Model,
    paths: &[PathInfo],
    path: &str,
    span: Span,
    v: &Node,
) {
    let key = join("overrides", path);
    let Some(info) = find_path(r, paths, path, span, &key) else {
        return;
    };
    if !info.overridable {
        let why = match info.target {
            Target::Activity(_) => "the activity of a node defined by `share` cannot be overridden (override its `share`)",
            _ => "overrides replace series only; this path is not a series",
        };
        r.err(
            Diagnostic::new(span, format!("`{path}` cannot be overridden"))
                .at(key)
                .note(why),
        );
        return;
    }
    let want = Want::Dim(info.dim.clone());
    match info.target.clone() {
        Target::Driver(i) => {
            if let Some(s) = r.series(v, &key, &want, true) {
                model.drivers[i].series = s;
            }
        }
        Target::Activity(n) | Target::SourceActivity(n) => {
            let Some((a, dim)) = r.activity(v, &key) else {
                return;
            };
            if dim != info.dim {
                r.err(
                    Diagnostic::new(v.span, "the override changes the activity's dimension")
                        .at(key)
                        .expected(format!("{}", info.dim))
                        .found(format!("{dim}")),
                );
                return;
            }
            match info.target {
                Target::Activity(_) => model.nodes[n].activity = a,
                _ => model.sources[n].activity = a,
            }
        }
        Target::Share(n) => {
            if let Some(s) = r.fraction(v, &key) {
                model.nodes[n].activity = Activity::Share(s);
            }
        }
        Target::Intensity(n) => {
            if let Some(s) = r
                .series(v, &key, &Want::Any, false)
                .filter(|s| r.non_negative(s, v.span, &key, "an intensity"))
            {
                for d in descendants(model, n) {
                    model.nodes[d].intensity = None;
                }
                model.nodes[n].intensity = Some(s);
            }
        }
        Target::Fuels(n) => {
            let fuels = model.fuels.clone();
            let resolve = fuel_resolver(&fuels);
            if let Some(m) = share_map(r, v, &key, "fuel", &resolve) {
                for d in descendants(model, n) {
                    model.nodes[d].fuels = None;
                }
                model.nodes[n].fuels = Some(m);
            }
        }
        Target::IncinerationCapture => {
            let Some(s) = r.fraction(v, &key) else { return };
            if let Some(w) = model.waste.as_mut() {
                w.incineration_capture = s;
            }
        }
        Target::Losses | Target::LandfillRecovery | Target::LocalCapacityFactor(_) => {
            let Some(s) = r.fraction(v, &key) else { return };
            match info.target {
                Target::Losses => {
                    if let Some(e) = model.electricity.as_mut() {
                        e.losses = s
                    }
                }
                Target::LandfillRecovery => {
                    if let Some(w) = model.waste.as_mut() {
                        w.recovery = s
                    }
                }
                Target::LocalCapacityFactor(u) => {
                    if let Some(e) = model.electricity.as_mut() {
                        e.local[u].capacity_factor = Some(s)
                    }
                }
                _ => {}
            }
        }
        Target::GridFactor => {
            let Some(s) = r.series(v, &key, &want, false) else {
                return;
            };
            if let Some(Electricity {
                grid: Grid::Factor { factor, .. },
                ..
            }) = model.electricity.as_mut()
            {
                *factor = s;
            }
        }
        Target::LocalCapacity(u) | Target::LocalGeneration(u) => {
            let what = match info.target {
                Target::LocalCapacity(_) => "a capacity",
                _ => "a generation",
            };
            let s = match info.target {
                Target::LocalCapacity(_) => r.power(v, &key, what),
                _ => r.series(v, &key, &want, false),
            };
            let Some(s) = s.filter(|s| r.non_negative(s, v.span, &key, what)) else {
                return;
            };
            if let Some(e) = model.electricity.as_mut() {
                match info.target {
                    Target::LocalCapacity(_) => e.local[u].capacity = Some(s),
                    _ => e.local[u].generation = Some(s),
                }
            }
        }
        Target::WasteGeneration => {
            let Some((a, dim)) = r.activity(v, &key) else {
                return;
            };
            if dim != Dimension::mass() {
                r.err(
                    Diagnostic::new(v.span, "waste generation must be a mass")
                        .at(key)
                        .found(format!("{dim}")),
                );
                return;
            }
            if let Some(w) = model.waste.as_mut() {
                w.generation = a;
            }
        }
        Target::WasteComposition | Target::WasteRoutes => {
            let routes = matches!(info.target, Target::WasteRoutes);
            let resolve = |name: &str| -> Result<usize, Vec<String>> {
                if routes {
                    crate::routes::route_index(name)
                } else {
                    crate::routes::type_index(name)
                }
            };
            if let Some(m) = share_map(
                r,
                v,
                &key,
                if routes { "route" } else { "waste type" },
                &resolve,
            ) {
                if let Some(w) = model.waste.as_mut() {
                    if routes {
                        w.routes = m;
                    } else {
                        w.composition = m;
                    }
                }
            }
        }
        Target::TypeRoutes(t) => {
            let Some(w) = model.waste.as_ref() else {
                return;
            };
            let accepts = w.accepts;
            if let Some(m) = share_map(r, v, &key, "route", &crate::routes::route_index) {
                if crate::routes::check_type_map(r, &accepts, t, &m, &key) {
                    if let Some(w) = model.waste.as_mut() {
                        w.type_routes[t] = m;
                    }
                }
            }
        }
        Target::SourceFactor(s, g) => {
            let Some(x) = r.series(v, &key, &want, false) else {
                return;
            };
            if let Some(f) = model.sources[s]
                .factors
                .iter_mut()
                .find(|(gas, _)| *gas == g)
            {
                f.1 = x;
            }
        }
        Target::IncinerationElectricity => {
            let Some(x) = r.series(v, &key, &want, false) else {
                return;
            };
            if let Some(w) = model.waste.as_mut() {
                w.incineration_electricity = x;
            }
        }
        Target::WastewaterRecovery(i) => {
            let Some(x) = r.fraction(v, &key) else { return };
            if let Some(st) = wastewater_stream(model, i) {
                st.recovery = x;
            }
        }
        Target::WastewaterPathways(i) => {
            let Some(st) = wastewater_stream(model, i) else {
                return;
            };
            let names: Vec<String> = st.pathways.iter().map(|p| p.name.clone()).collect();
            let resolve = |name: &str| -> Result<usize, Vec<String>> {
                names
                    .iter()
                    .position(|n| n == name)
                    .ok_or_else(|| names.clone())
            };
            if let Some(m) = share_map(r, v, &key, "pathway", &resolve) {
                if let Some(st) = wastewater_stream(model, i) {
                    for p in st.pathways.iter_mut() {
                        p.share = r.zero(Dimension::none(), span);
                    }
                    for it in m {
                        st.pathways[it.item].share = it.share;
                    }
                }
            }
        }
        Target::IndustrialProduction(i) => {
            let Some((a, dim)) = r.activity(v, &key) else {
                return;
            };
            if dim != info.dim {
                r.err(
                    Diagnostic::new(v.span, "the override changes the production's dimension")
                        .at(key)
                        .expected(format!("{}", info.dim))
                        .found(format!("{dim}")),
                );
                return;
            }
            if let Some(ind) = model
                .wastewater
                .as_mut()
                .and_then(|w| w.industrial.get_mut(i))
            {
                ind.production = a;
            }
        }
        Target::RefrigerantGases(i) => {
            let ids = lcs_factors::inventory::fgas_ids();
            let resolve = |name: &str| -> Result<usize, Vec<String>> {
                ids.iter()
                    .position(|g| *g == name)
                    .ok_or_else(|| ids.iter().map(|s| s.to_string()).collect())
            };
            if let Some(m) = share_map(r, v, &key, "gas", &resolve) {
                if let SourceForm::Refrigerant(b) = &mut model.sources[i].form {
                    b.gases = m;
                }
            }
        }
        Target::Refrigerant(i, k) => {
            let s = match k {
                RefrigerantKey::Charge => r
                    .series(v, &key, &want, false)
                    .filter(|s| r.non_negative(s, v.span, &key, "a charge")),
                _ => r.fraction(v, &key),
            };
            let Some(s) = s else { return };
            if let SourceForm::Refrigerant(b) = &mut model.sources[i].form {
                match k {
                    RefrigerantKey::Charge => b.charge = s,
                    RefrigerantKey::Leak => b.leak = s,
                    RefrigerantKey::Retire => b.retire = s,
                    RefrigerantKey::Recovery => b.recovery = s,
                }
            }
        }
        Target::Land(i, k) => {
            let Some(s) = r.series(v, &key, &want, false) else {
                return;
            };
            let area = matches!(k, LandKey::Conversion | LandKey::Restoration);
            if area && !r.non_negative(&s, v.span, &key, "an area") {
                return;
            }
            if let SourceForm::Land(l) = &mut model.sources[i].form {
                match k {
                    LandKey::Removals => l.removals = s,
                    LandKey::Conversion => l.conversion = s,
                    LandKey::Restoration => l.restoration = s,
                    LandKey::BiomassLoss => l.biomass_loss = s,
                    LandKey::SoilLoss => l.soil_loss = s,
                }
            }
        }
        Target::Children(_) | Target::Mix | Target::Local | Target::Energy(_) | Target::Market => {}
    }
}

/// The wastewater stream of a target: domestic (`None`) or industry `i`.
fn wastewater_stream(model: &mut Model, i: Option<usize>) -> Option<&mut WastewaterStream> {
    let w = model.wastewater.as_mut()?;
    match i {
        None => w.domestic.as_mut().map(|d| &mut d.stream),
        Some(i) => w.industrial.get_mut(i).map(|x| &mut x.stream),
    }
}

fn descendants(model: &Model, n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack: Vec<usize> = model.nodes[n].children.clone();
    while let Some(c) = stack.pop() {
        out.push(c);
        stack.extend(model.nodes[c].children.iter().copied());
    }
    out
}

/// Every key a measure may have (each lever allows some of them).
pub(crate) const MEASURE_KEYS: [&str; 24] = [
    "id",
    "cost",
    "name",
    "lever",
    "target",
    "start",
    "full",
    "ramp",
    "until",
    "by",
    "value",
    "amount",
    "from",
    "to",
    "capacity",
    "capacity_factor",
    "generation",
    "degradation",
    "mass",
    "types",
    "fuel",
    "ratio",
    "factor",
    "instrument",
];

/// The keys every measure may have, whatever its lever ([`lever_keys`] adds the lever's).
pub(crate) const MEASURE_COMMON_KEYS: [&str; 9] = [
    "id", "name", "lever", "target", "start", "full", "ramp", "until", "cost",
];

/// The levers, in the order messages list them.
pub(crate) const LEVERS: [&str; 10] = [
    "scale",
    "set",
    "add",
    "shift",
    "generation",
    "divert",
    "save",
    "switch",
    "use",
    "purchase",
];

/// The keys a lever adds to [`MEASURE_COMMON_KEYS`] (none for an unknown lever).
pub(crate) fn lever_keys(lever: &str) -> &'static [&'static str] {
    match lever {
        "scale" => &["by"],
        "set" => &["value"],
        "add" => &["amount"],
        "shift" => &["from", "to", "amount"],
        "generation" => &["capacity", "capacity_factor", "generation", "degradation"],
        "divert" => &["from", "to", "mass", "types"],
        "save" | "use" => &["fuel", "amount"],
        "switch" => &["from", "to", "amount", "ratio"],
        "purchase" => &["amount", "factor", "instrument"],
        _ => &[],
    }
}

fn schedule(r: &mut Reader, mi: &[(yaml::Key, Node)], mp: &str, span: Span) -> Option<Schedule> {
    let start = r
        .req(mi, "start", mp, span)
        .and_then(|s| r.year(s, &join(mp, "start")))?;
    let full = match get(mi, "full") {
        Some(f) => r.year(f, &join(mp, "full"))?,
        None => start,
    };
    if full < start {
        r.err(
            Diagnostic::new(
                get(mi, "full")?.span,
                format!("`full` ({full}) is before `start` ({start})"),
            )
            .at(join(mp, "full"))
            .expected(format!("a year from {start} on")),
        );
        return None;
    }
    let ramp = match get(mi, "ramp") {
        None => Ramp::Linear,
        Some(rn) => {
            let t = r.text(rn, &join(mp, "ramp"))?;
            match Ramp::parse(t) {
                Some(x) => x,
                None => {
                    r.err(
                        Diagnostic::new(rn.span, format!("unknown ramp `{t}`"))
                            .at(join(mp, "ramp"))
                            .expected("`linear`, `step` or `s-curve`")
                            .suggest(nearest(t, Ramp::NAMES)),
                    );
                    return None;
                }
            }
        }
    };
    let until = match get(mi, "until") {
        None => None,
        Some(u) => {
            let y = r.year(u, &join(mp, "until"))?;
            if y <= start {
                r.err(
                    Diagnostic::new(
                        u.span,
                        format!("`until` ({y}) is not after `start` ({start})"),
                    )
                    .at(join(mp, "until"))
                    .expected(format!(
                        "a year after {start}: the first year without effect"
                    )),
                );
                return None;
            }
            Some(y)
        }
    };
    Some(Schedule {
        start,
        full,
        ramp,
        until,
    })
}

#[allow(clippy::too_many_arguments)]
fn read_actions(
    r: &mut Reader,
    model: &Model,
    paths: &[PathInfo],
    node: &Node,
    path: &str,
    package: Option<String>,
    ctx: Option<&crate::maps::PackageCtx>,
    dir: &Path,
    out: &mut Vec<Action>,
    links: &mut Vec<LinkRequest>,
) {
    let Some(list) = r.seq(node, path, "actions") else {
        return;
    };
    for (i, an) in list.iter().enumerate() {
        let ap = format!("{path}[{i}]");
        let Some(ai) = r.map(an, &ap, &ACTION_KEYS) else {
            continue;
        };
        let Some(id) = r
            .req(ai, "id", &ap, an.span)
            .and_then(|x| r.id(x, &join(&ap, "id")))
            .map(str::to_string)
        else {
            continue;
        };
        let opt = |r: &mut Reader, k: &str| {
            get(ai, k)
                .and_then(|x| r.text(x, &join(&ap, k)))
                .map(str::to_string)
        };
        let name = opt(r, "name");
        let theme = opt(r, "theme");
        let kpi = opt(r, "kpi");
        let agency = get(ai, "agency")
            .and_then(|x| r.strings(x, &join(&ap, "agency")))
            .unwrap_or_default();
        // Measures the action's linked measures are stated additional to (docs/ECOTOWN.md,
        // "Double counting"): checked against the scenario's measures once links are made.
        let additional_to: Vec<(String, Span)> = match get(ai, "additional_to") {
            Some(x) => {
                let list = r
                    .strings(x, &join(&ap, "additional_to"))
                    .unwrap_or_default();
                let nodes: Vec<&Node> = match &x.kind {
                    NodeKind::Seq(s) => s.iter().collect(),
                    _ => vec![x],
                };
                list.into_iter()
                    .enumerate()
                    .map(|(j, t)| (t, nodes.get(j).map(|n| n.span).unwrap_or(x.span)))
                    .collect()
            }
            None => Vec::new(),
        };
        let cost = get(ai, "cost").and_then(|c| {
            let site = crate::costs::Site {
                who: format!("action `{id}`"),
                measure: None,
                has_capacity: false,
            };
            crate::costs::read_cost(r, c, &join(&ap, "cost"), &site)
        });
        let mut measures = Vec::new();
        if let Some(ms) = get(ai, "measures") {
            if let Some(ml) = r.seq(ms, &join(&ap, "measures"), "measures") {
                for (j, m) in ml.iter().enumerate() {
                    if let Some(x) =
                        read_measure(r, model, paths, m, &format!("{ap}.measures[{j}]"), ctx)
                    {
                        measures.push(x);
                    }
                }
            }
        }
        for (k, kind) in [
            ("projects", LinkKind::Project),
            ("ecotown", LinkKind::Ecotown),
        ] {
            let Some(ln) = get(ai, k) else { continue };
            let kp = join(&ap, k);
            let Some(list) = r.strings(ln, &kp) else {
                continue;
            };
            let nodes: Vec<&Node> = match &ln.kind {
                NodeKind::Seq(s) => s.iter().collect(),
                _ => vec![ln],
            };
            for (j, text) in list.iter().enumerate() {
                let span = nodes.get(j).map(|x| x.span).unwrap_or(ln.span);
                links.push(LinkRequest::new(
                    out.len(),
                    kind,
                    text,
                    dir,
                    format!("{kp}[{j}]"),
                    span,
                ));
            }
        }
        out.push(Action {
            id,
            name,
            theme,
            agency,
            kpi,
            additional_to,
            package: package.clone(),
            measures,
            key: ap.clone(),
            cost,
            span: an.span,
        });
    }
}

/// The names of a share map's items.
fn map_items(model: &Model, target: &Target) -> Vec<String> {
    model.share_map_items(target)
}

fn item_list(
    r: &mut Reader,
    node: &Node,
    path: &str,
    names: &[String],
    what: &str,
) -> Option<Vec<usize>> {
    let list = r.strings(node, path)?;
    let mut out = Vec::new();
    for t in list {
        match names.iter().position(|n| *n == t) {
            Some(i) => out.push(i),
            None => {
                r.err(
                    Diagnostic::new(node.span, format!("unknown {what} `{t}`"))
                        .at(path)
                        .expected(one_of(names))
                        .suggest(nearest(&t, names.iter().map(String::as_str))),
                );
                return None;
            }
        }
    }
    Some(out)
}

/// A measure on the grid form the model does not have: `electricity.grid_factor` when the
/// grid is a `mix`, or `electricity.mix` when it is a `grid_factor`. The message and a hint.
fn grid_kind_mismatch(model: &Model, path: &str) -> Option<(String, &'static str)> {
    let grid = &model.electricity.as_ref()?.grid;
    match (path, grid) {
        ("electricity.grid_factor", Grid::Mix(_)) => Some((
            "targets `electricity.grid_factor`, but the model's grid is a `mix`".into(),
            "a mix has no single grid factor: change its plants' shares with `shift` or `set` on `electricity.mix`",
        )),
        ("electricity.mix", Grid::Factor { .. }) => Some((
            "targets `electricity.mix`, but the model's grid is a `grid_factor`".into(),
            "the model gives one grid factor: act on `electricity.grid_factor` (`scale`, `set`, `add`)",
        )),
        _ => None,
    }
}

fn read_measure(
    r: &mut Reader,
    model: &Model,
    paths: &[PathInfo],
    m: &Node,
    mp: &str,
    ctx: Option<&crate::maps::PackageCtx>,
) -> Option<Measure> {
    // The lever decides which keys are allowed.
    let lever_text = match &m.kind {
        NodeKind::Map(items) => get(items, "lever")
            .and_then(|l| l.as_scalar())
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    };
    // An unknown lever is the only error worth showing: the other keys depend on it.
    if let NodeKind::Map(items) = &m.kind {
        if let (Some(ln), true) = (get(items, "lever"), lever_keys(&lever_text).is_empty()) {
            r.err(
                Diagnostic::new(ln.span, format!("unknown lever `{lever_text}`"))
                    .at(join(mp, "lever"))
                    .expected(
                        "`scale`, `set`, `add`, `shift`, `generation`, `divert`, `save`, `switch`, `use` or `purchase`",
                    )
                    .suggest(nearest(&lever_text, LEVERS)),
            );
            return None;
        }
    }
    let mut allowed: Vec<&str> = MEASURE_COMMON_KEYS.to_vec();
    allowed.extend_from_slice(lever_keys(&lever_text));
    let mi = r.map(m, mp, &allowed)?;
    let id = r
        .req(mi, "id", mp, m.span)
        .and_then(|x| r.id(x, &join(mp, "id")))
        .map(str::to_string)?;
    let name = get(mi, "name")
        .and_then(|x| r.text(x, &join(mp, "name")))
        .map(str::to_string);
    // The lever was checked above; here only its presence.
    let ln = r.req(mi, "lever", mp, m.span)?;
    let tn = r.req(mi, "target", mp, m.span)?;
    let tp = join(mp, "target");
    let ttext = r.text(tn, &tp)?.to_string();
    let schedule = schedule(r, mi, mp, m.span)?;
    if let Some((message, hint)) = grid_kind_mismatch(model, &ttext) {
        r.err(
            Diagnostic::new(tn.span, format!("measure `{id}` {message}"))
                .at(tp)
                .note(hint),
        );
        return None;
    }
    let (info, mapped) = crate::maps::resolve(r, paths, &ttext, tn.span, &tp, &id, ctx)?;
    let info = info.clone();
    // A value for a target reached through the package's `maps` keeps the mapped path's unit.
    let value = |r: &mut Reader, nd: &Node, path: &str| match &mapped {
        Some(mp) => crate::maps::mapped_value(r, nd, path, &info, mp, &id, ctx),
        None => r.series(nd, path, &Want::Dim(info.dim.clone()), false),
    };
    let target = info.target.clone();
    let energy = matches!(target, Target::Energy(_));
    let by_type = model.waste.as_ref().is_some_and(|w| w.by_type);
    if by_type
        && target == Target::WasteRoutes
        && !matches!(lever_text.as_str(), "divert" | "shift")
    {
        r.err(
            Diagnostic::new(
                ln.span,
                format!("lever `{lever_text}` does not apply to `waste.routes` of composition-aware routes"),
            )
            .at(join(mp, "lever"))
            .note("the routes are given per waste type: act on `waste.routes.<type>` (`shift`, `set`), or use `shift` or `divert` on `waste.routes`"),
        );
        return None;
    }
    let lever_fits = match lever_text.as_str() {
        "generation" => target == Target::Local,
        "purchase" => target == Target::Market,
        _ if target == Target::Market => false,
        "shift" => target.is_share_map(),
        "set" => target != Target::Local && !energy,
        "divert" => target == Target::WasteRoutes,
        "save" | "switch" | "use" => energy,
        _ => !target.is_share_map() && target != Target::Local && !energy,
    };
    if !lever_fits {
        let hint = if target == Target::Local {
            "`electricity.local` takes the `generation` lever"
        } else if target == Target::Market {
            "`electricity.market` takes the `purchase` lever"
        } else if lever_text == "purchase" {
            "`purchase` applies to `electricity.market`"
        } else if energy {
            "`demand.<node>.energy` takes `save`, `switch` or `use`"
        } else if lever_text == "divert" {
            "`divert` applies to `waste.routes`"
        } else if matches!(lever_text.as_str(), "save" | "switch" | "use") {
            "`save`, `switch` and `use` apply to `demand.<node>.energy`"
        } else if target.is_share_map() {
            "a share map takes `shift` or `set` (with a map of shares)"
        } else {
            "a series takes `scale`, `set` or `add`"
        };
        r.err(
            Diagnostic::new(
                ln.span,
                format!("lever `{lever_text}` does not apply to `{ttext}`"),
            )
            .at(join(mp, "lever"))
            .note(hint),
        );
        return None;
    }
    let need = |r: &mut Reader, k: &str| r.req(mi, k, mp, m.span);
    let lever = match lever_text.as_str() {
        "scale" => Lever::Scale {
            by: {
                let nd = need(r, "by")?;
                r.series(nd, &join(mp, "by"), &Want::Dim(Dimension::none()), false)?
            },
        },
        "add" => Lever::Add {
            amount: {
                let nd = need(r, "amount")?;
                let ap = join(mp, "amount");
                if matches!(target, Target::LocalCapacity(_)) {
                    r.power(nd, &ap, "a capacity")?
                } else {
                    value(r, nd, &ap)?
                }
            },
        },
        "set" if target.is_share_map() => {
            let vn = need(r, "value")?;
            let vp = join(mp, "value");
            let names = map_items(model, &target);
            let vi = r.free_map(vn, &vp, "items to shares")?;
            let mut value = Vec::new();
            let mut sum = 0.0;
            for (k, v) in vi {
                let kp = join(&vp, &k.text);
                let Some(i) = names.iter().position(|n| *n == k.text) else {
                    r.err(
                        Diagnostic::new(k.span, format!("unknown item `{}`", k.text))
                            .at(kp)
                            .expected(one_of(&names))
                            .suggest(nearest(&k.text, names.iter().map(String::as_str))),
                    );
                    return None;
                };
                let x = r.number(v, &kp)?;
                if !(0.0..=1.0).contains(&x) {
                    r.err(Diagnostic::new(v.span, format!("share {x} is outside 0 to 1")).at(kp));
                    return None;
                }
                sum += x;
                value.push((i, x));
            }
            if (sum - 1.0).abs() > 1e-9 {
                r.err(
                    Diagnostic::new(
                        vn.span,
                        format!("the shares of `value` sum to {sum}, not 1"),
                    )
                    .at(vp)
                    .expected("shares that sum to 1"),
                );
                return None;
            }
            if matches!(target, Target::Children(_)) {
                // Items must exist already (children): guaranteed by `names`.
            }
            Lever::SetMap { value }
        }
        "set" => Lever::Set {
            value: {
                let nd = need(r, "value")?;
                let vp = join(mp, "value");
                if matches!(target, Target::LocalCapacity(_)) {
                    r.power(nd, &vp, "a capacity")?
                } else {
                    value(r, nd, &vp)?
                }
            },
        },
        "shift" => {
            let names = map_items(model, &target);
            let what = match target {
                Target::Fuels(_) => "fuel",
                Target::Children(_) => "child node",
                Target::Mix => "plant",
                Target::WasteComposition => "waste type",
                Target::WastewaterPathways(_) => "pathway",
                _ => "route",
            };
            let fnode = need(r, "from")?;
            let tnode = need(r, "to")?;
            let from = item_list(r, fnode, &join(mp, "from"), &names, what)?;
            let to = item_list(r, tnode, &join(mp, "to"), &names, what)?;
            if let Some(&both) = from.iter().find(|i| to.contains(i)) {
                r.err(
                    Diagnostic::new(
                        tnode.span,
                        format!("`{}` is in both `from` and `to`", names[both]),
                    )
                    .at(join(mp, "to")),
                );
                return None;
            }
            if from.is_empty() || to.is_empty() {
                r.err(
                    Diagnostic::new(m.span, "`from` and `to` each need at least one item").at(mp),
                );
                return None;
            }
            let an = need(r, "amount")?;
            let amount = r.number(an, &join(mp, "amount"))?;
            if amount < 0.0 {
                r.err(
                    Diagnostic::new(
                        an.span,
                        format!("a shift amount cannot be negative ({amount})"),
                    )
                    .at(join(mp, "amount"))
                    .expected("share points ≥ 0"),
                );
                return None;
            }
            Lever::Shift { from, to, amount }
        }
        "generation" => read_generation(r, mi, mp, m)?,
        "purchase" => read_purchase(r, mi, mp, m)?,
        "divert" => read_divert(r, model, mi, mp, m)?,
        "save" | "use" => {
            let fnode = need(r, "fuel")?;
            let fuel = fuel_name(r, model, fnode, &join(mp, "fuel"))?;
            let an = need(r, "amount")?;
            let amount = energy_amount(r, an, &join(mp, "amount"))?;
            if lever_text == "use" {
                Lever::Use { fuel, amount }
            } else {
                Lever::Save { fuel, amount }
            }
        }
        _ => {
            // switch
            let fnode = need(r, "from")?;
            let from = fuel_name(r, model, fnode, &join(mp, "from"))?;
            let tnode = need(r, "to")?;
            let to = fuel_name(r, model, tnode, &join(mp, "to"))?;
            if from == to {
                r.err(
                    Diagnostic::new(tnode.span, "`from` and `to` are the same fuel")
                        .at(join(mp, "to"))
                        .expected("a fuel other than `from`"),
                );
                return None;
            }
            let an = need(r, "amount")?;
            let amount = energy_amount(r, an, &join(mp, "amount"))?;
            let ratio = match get(mi, "ratio") {
                None => 1.0,
                Some(rn) => {
                    let x = r.number(rn, &join(mp, "ratio"))?;
                    if x <= 0.0 {
                        r.err(
                            Diagnostic::new(
                                rn.span,
                                format!("a switch ratio must be positive ({x})"),
                            )
                            .at(join(mp, "ratio"))
                            .expected("GJ of `to` per GJ of `from`, > 0 (1: energy held equal)"),
                        );
                        return None;
                    }
                    x
                }
            };
            Lever::Switch {
                from,
                to,
                amount,
                ratio,
            }
        }
    };
    // Composition-aware routes: a measure may never send a type to a route that does not
    // accept it.
    if let Some(w) = model.waste.as_ref() {
        let refuse = |r: &mut Reader, route: usize, t: usize, key: &str| {
            let node = get(mi, key).unwrap_or(m);
            r.err(crate::routes::refused(
                &w.accepts,
                route,
                t,
                node.span,
                &join(mp, key),
            ));
        };
        match (&target, &lever) {
            (Target::TypeRoutes(t), Lever::Shift { to, .. }) => {
                if let Some(&bad) = to.iter().find(|&&k| !w.accepts[k][*t]) {
                    refuse(r, bad, *t, "to");
                    return None;
                }
            }
            (Target::TypeRoutes(t), Lever::SetMap { value }) => {
                if let Some(&(bad, _)) = value.iter().find(|(k, x)| *x > 0.0 && !w.accepts[*k][*t])
                {
                    refuse(r, bad, *t, "value");
                    return None;
                }
            }
            (
                Target::WasteRoutes,
                Lever::Divert {
                    to,
                    types: Some(types),
                    ..
                },
            ) => {
                if let Some(&bad) = types.iter().find(|&&t| !w.accepts[*to][t]) {
                    refuse(r, *to, bad, "types");
                    return None;
                }
            }
            _ => {}
        }
    }
    // A lever value that is an expression over drivers would need the drivers after all
    // measures, but a measure on a driver runs while drivers are computed.
    let expr_param = match &lever {
        Lever::Scale { by: x } | Lever::Set { value: x } | Lever::Add { amount: x } => {
            matches!(x.def, SeriesDef::Expr(_))
        }
        _ => false,
    };
    if expr_param && matches!(target, Target::Driver(_)) {
        r.err(
            Diagnostic::new(
                m.span,
                format!("measure `{id}` on a driver cannot take its value from an expression"),
            )
            .at(mp)
            .expected("a number, a value with a unit, or a `points`/`base` series"),
        );
        return None;
    }
    // A `generation` measure's capacity, for per-capacity costs and `adjust` sizes.
    let capacity = match (&lever, get(mi, "capacity")) {
        (Lever::Generation { .. }, Some(c)) => {
            known_series(r, c, &join(mp, "capacity"), &Want::Dim(Dimension::energy()))
        }
        _ => None,
    };
    let cost = get(mi, "cost").and_then(|c| {
        let site = crate::costs::Site {
            who: format!("measure `{id}`"),
            measure: Some((&lever, &target, ttext.as_str())),
            has_capacity: capacity.is_some(),
        };
        crate::costs::read_cost(r, c, &join(mp, "cost"), &site)
    });
    Some(Measure {
        id,
        name,
        target_path: ttext,
        key: mp.to_string(),
        target,
        lever,
        schedule,
        capacity,
        cost,
        span: m.span,
    })
}

/// A series whose values must be known at load (a number, `points` or `base`), not an
/// expression over drivers.
fn known_series(r: &mut Reader, n: &Node, path: &str, want: &Want) -> Option<Vec<f64>> {
    let s = r.series(n, path, want, false)?;
    match s.values() {
        Some(v) => Some(v.to_vec()),
        None => {
            r.err(
                Diagnostic::new(n.span, "this value must be known at load")
                    .at(path)
                    .expected("a number, a value with a unit, or a `points`/`base` series")
                    .found("an expression over drivers"),
            );
            None
        }
    }
}

/// The `generation` lever: `capacity` with `capacity_factor`, or `generation` (series known
/// at load, ≥ 0), and an optional `degradation` in [0, 1).
fn read_generation(r: &mut Reader, mi: &[(yaml::Key, Node)], mp: &str, m: &Node) -> Option<Lever> {
    let generation_gj: Vec<f64> = match (get(mi, "capacity"), get(mi, "generation")) {
        (Some(c), None) => {
            let cp = join(mp, "capacity");
            let s = r.series(c, &cp, &Want::Any, false)?;
            if s.dim != Dimension::energy() {
                r.err(
                    Diagnostic::new(c.span, "expected a power, e.g. `\"40 MW\"`")
                        .at(cp)
                        .found(format!("{}", s.dim)),
                );
                return None;
            }
            if let Some(t) = &s.unit_text {
                r.check_power_unit(c.span, &cp, "a capacity", t)?;
            }
            if !r.non_negative(&s, c.span, &cp, "a capacity") {
                return None;
            }
            let cap = known_series(r, c, &cp, &Want::Dim(Dimension::energy()))?;
            let cfn = r.req(mi, "capacity_factor", mp, m.span)?;
            let cfp = join(mp, "capacity_factor");
            let cf_series = r.series(cfn, &cfp, &Want::Dim(Dimension::none()), false)?;
            if let Some((i, x)) = cf_series.values().and_then(|v| {
                v.iter()
                    .enumerate()
                    .find(|(_, x)| !(0.0..=1.0).contains(*x))
            }) {
                r.err(
                    Diagnostic::new(
                        cfn.span,
                        format!(
                            "capacity factor {x} is outside 0 to 1 in {}",
                            r.base_year + i as i32
                        ),
                    )
                    .at(cfp),
                );
                return None;
            }
            let cf = known_series(r, cfn, &cfp, &Want::Dim(Dimension::none()))?;
            // Power is energy per year: capacity in base GJ/yr × capacity factor.
            cap.iter().zip(&cf).map(|(c, f)| c * f).collect()
        }
        (None, Some(g)) => {
            let gp = join(mp, "generation");
            let s = r.series(g, &gp, &Want::Any, false)?;
            if s.dim != Dimension::energy() {
                r.err(
                    Diagnostic::new(g.span, "expected an energy per year, e.g. `\"5000 MWh\"`")
                        .at(gp)
                        .found(format!("{}", s.dim)),
                );
                return None;
            }
            if !r.non_negative(&s, g.span, &gp, "a generation") {
                return None;
            }
            known_series(r, g, &gp, &Want::Dim(Dimension::energy()))?
        }
        _ => {
            r.err(Diagnostic::new(m.span, "a `generation` measure needs `capacity` and `capacity_factor`, or `generation`").at(mp));
            return None;
        }
    };
    let degradation = match get(mi, "degradation") {
        None => 0.0,
        Some(d) => {
            let dp = join(mp, "degradation");
            let x = r.number(d, &dp)?;
            if !(0.0..1.0).contains(&x) {
                r.err(
                    Diagnostic::new(d.span, format!("degradation {x} is outside [0, 1)"))
                        .at(dp)
                        .expected("a fraction of output lost per year, e.g. `0.005`"),
                );
                return None;
            }
            x
        }
    };
    Some(Lever::Generation {
        generation_gj,
        degradation,
    })
}

/// A fuel named by a measure key.
fn fuel_name(r: &mut Reader, model: &Model, n: &Node, path: &str) -> Option<usize> {
    let t = r.text(n, path)?;
    r.fuel_index(&model.fuels, t, n.span, path)
}

/// An energy per year (`save`, `switch` amounts), ≥ 0.
fn energy_amount(r: &mut Reader, n: &Node, path: &str) -> Option<Series> {
    let s = r.series(n, path, &Want::Any, false)?;
    if s.dim != Dimension::energy() {
        r.err(
            Diagnostic::new(n.span, "expected an energy per year")
                .at(path)
                .expected("a value such as `\"12 GWh\"` or `\"300 TJ\"`")
                .found(match &s.unit_text {
                    Some(u) => format!("`{u}` ({})", s.dim),
                    None => format!("a plain number ({})", s.dim),
                }),
        );
        return None;
    }
    r.non_negative(&s, n.span, path, "an amount").then_some(s)
}

/// The `purchase` lever on `electricity.market` (docs/EXTENSIONS.md, "Market-based
/// electricity"): an `amount` of grid electricity a year, an `instrument`, and the
/// instrument's `factor` (default 0 t CO2e/MWh).
fn read_purchase(r: &mut Reader, mi: &[(yaml::Key, Node)], mp: &str, m: &Node) -> Option<Lever> {
    let an = r.req(mi, "amount", mp, m.span)?;
    let amount = energy_amount(r, an, &join(mp, "amount"))?;
    if amount.values().is_none() {
        r.err(
            Diagnostic::new(an.span, "this value must be known at load")
                .at(join(mp, "amount"))
                .expected("a number with a unit, or a `points`/`base` series (not an expression)"),
        );
        return None;
    }
    let ip = join(mp, "instrument");
    let inode = r.req(mi, "instrument", mp, m.span)?;
    let it = r.text(inode, &ip)?;
    let Some(instrument) = Instrument::parse(it) else {
        r.err(
            Diagnostic::new(inode.span, format!("unknown instrument `{it}`"))
                .at(ip)
                .expected(one_of(&Instrument::NAMES))
                .suggest(nearest(it, Instrument::NAMES)),
        );
        return None;
    };
    let factor = match get(mi, "factor") {
        None => r.zero(Dimension::mass().div(&Dimension::energy()), m.span),
        Some(f) => {
            let fp = join(mp, "factor");
            let s = r.series(f, &fp, &Want::Any, false)?;
            let gas = crate::check_model::factor_per_energy(r, &s);
            if !matches!(gas, Ok(lcs_units::Species::CO2 | lcs_units::Species::CO2e)) {
                r.err(
                    Diagnostic::new(
                        f.span,
                        "an instrument's factor is a mass of CO2e per energy",
                    )
                    .at(fp)
                    .expected("a unit such as `t CO2e/MWh` (0 for renewable certificates)")
                    .found(
                        gas.err()
                            .map_or_else(|| s.dim.to_string(), |e| e.to_string()),
                    ),
                );
                return None;
            }
            if !r.non_negative(&s, f.span, &fp, "a factor") {
                return None;
            }
            if s.values().is_none() {
                r.err(
                    Diagnostic::new(f.span, "this value must be known at load")
                        .at(fp)
                        .expected("a number with a unit, or a `points`/`base` series"),
                );
                return None;
            }
            s
        }
    };
    Some(Lever::Purchase {
        amount,
        factor,
        instrument,
    })
}

/// The `divert` lever on `waste.routes`: `from` routes, one `to` route, a `mass` per year,
/// and optional waste `types` (composition-aware routes only).
fn read_divert(
    r: &mut Reader,
    model: &Model,
    mi: &[(yaml::Key, Node)],
    mp: &str,
    m: &Node,
) -> Option<Lever> {
    let names: Vec<String> = ROUTES.iter().map(|s| s.to_string()).collect();
    let fnode = r.req(mi, "from", mp, m.span)?;
    let from = item_list(r, fnode, &join(mp, "from"), &names, "route")?;
    let tnode = r.req(mi, "to", mp, m.span)?;
    let tp = join(mp, "to");
    let tt = r.text(tnode, &tp)?;
    let Some(to) = names.iter().position(|x| x == tt) else {
        r.err(
            Diagnostic::new(tnode.span, format!("unknown route `{tt}`"))
                .at(tp)
                .expected("one route")
                .suggest(nearest(tt, names.iter().map(String::as_str))),
        );
        return None;
    };
    if from.is_empty() {
        r.err(Diagnostic::new(fnode.span, "`from` needs at least one route").at(join(mp, "from")));
        return None;
    }
    if from.contains(&to) {
        r.err(
            Diagnostic::new(tnode.span, format!("`{tt}` is in both `from` and `to`"))
                .at(join(mp, "to")),
        );
        return None;
    }
    let mnode = r.req(mi, "mass", mp, m.span)?;
    let mpath = join(mp, "mass");
    let mass = r.series(mnode, &mpath, &Want::Any, false)?;
    if mass.dim != Dimension::mass() {
        r.err(
            Diagnostic::new(mnode.span, "`mass` must be a mass per year")
                .at(mpath)
                .expected("a unit such as `t/day`, `t/yr` or `kt/yr`")
                .found(match &mass.unit_text {
                    Some(u) => format!("`{u}` ({})", mass.dim),
                    None => format!("a plain number ({})", mass.dim),
                }),
        );
        return None;
    }
    if !r.non_negative(&mass, mnode.span, &mpath, "a diverted mass") {
        return None;
    }
    let types = match get(mi, "types") {
        None => None,
        Some(tn) => {
            let tp = join(mp, "types");
            let by_type = model.waste.as_ref().is_some_and(|w| w.by_type);
            if !by_type {
                r.err(
                    Diagnostic::new(tn.span, "`types` needs composition-aware routes")
                        .at(tp)
                        .note("give `waste.routes` as `{ by_type: { <type>: { <route>: share } } }` (docs/EXTENSIONS.md)"),
                );
                return None;
            }
            let type_names: Vec<String> = lcs_factors::WasteType::ALL
                .iter()
                .map(|t| t.name().to_string())
                .collect();
            Some(item_list(r, tn, &tp, &type_names, "waste type")?)
        }
    };
    Some(Lever::Divert {
        from,
        to,
        mass,
        types,
    })
}

fn read_target(r: &mut Reader, model: &Model, n: &Node, tp: &str) -> Option<TargetSpec> {
    let ti = r.map(n, tp, &TARGET_KEYS)?;
    let id = r
        .req(ti, "id", tp, n.span)
        .and_then(|x| r.id(x, &join(tp, "id")))
        .map(str::to_string)?;
    let mn = r.req(ti, "metric", tp, n.span)?;
    let mt = r.text(mn, &join(tp, "metric"))?.to_string();
    let metric = match mt.as_str() {
        "emissions" => {
            if let Some(d) = get(ti, "driver") {
                r.err(
                    Diagnostic::new(d.span, "`driver` goes with `metric: intensity` only")
                        .at(join(tp, "driver")),
                );
            }
            Metric::Emissions
        }
        "intensity" => {
            let dn = r.req(ti, "driver", tp, n.span)?;
            let t = r.text(dn, &join(tp, "driver"))?;
            match model.driver(t) {
                Some(i) => Metric::Intensity(i),
                None => {
                    r.err(
                        Diagnostic::new(dn.span, format!("unknown driver `{t}`"))
                            .at(join(tp, "driver"))
                            .expected(format!(
                                "one of the model's drivers: {}",
                                model
                                    .drivers
                                    .iter()
                                    .map(|d| format!("`{}`", d.name))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ))
                            .suggest(nearest(t, model.drivers.iter().map(|d| d.name.as_str()))),
                    );
                    return None;
                }
            }
        }
        _ => {
            r.err(
                Diagnostic::new(mn.span, format!("unknown metric `{mt}`"))
                    .at(join(tp, "metric"))
                    .expected("`emissions` or `intensity`")
                    .suggest(nearest(&mt, ["emissions", "intensity"])),
            );
            return None;
        }
    };
    let year = r
        .req(ti, "year", tp, n.span)
        .and_then(|y| r.model_year(y, &join(tp, "year")))?;
    let threshold = match (
        get(ti, "reduction"),
        get(ti, "relative_to"),
        get(ti, "at_most"),
    ) {
        (Some(red), Some(rel), None) => {
            let rp = join(tp, "reduction");
            let reduction = r.number(red, &rp)?;
            if reduction > 1.0 {
                let hint = if reduction <= 100.0 {
                    format!(
                        " (write `{}` for {} %)",
                        lcs_units::format_number(reduction / 100.0),
                        lcs_units::format_number(reduction).trim_end_matches(".0")
                    )
                } else {
                    String::new()
                };
                r.err(
                    Diagnostic::new(
                        red.span,
                        format!(
                            "reduction {} is above 1",
                            lcs_units::format_number(reduction).trim_end_matches(".0")
                        ),
                    )
                        .at(rp)
                        .expected(format!("a fraction from 0 to 1{hint}"))
                        .note("the threshold is (1 - reduction) × the metric in `relative_to`; for a net-negative target write `at_most` with a negative value"),
                );
                return None;
            }
            if reduction < 0.0 {
                r.err(
                    Diagnostic::warning(
                        red.span,
                        "negative-reduction",
                        format!(
                            "reduction {} is negative: the target allows an increase of {} %",
                            lcs_units::format_number(reduction).trim_end_matches(".0"),
                            lcs_units::format_number(-100.0 * reduction).trim_end_matches(".0")
                        ),
                    )
                    .at(rp)
                    .expected("a fraction from 0 to 1"),
                );
            }
            let relp = join(tp, "relative_to");
            match rel.as_scalar() {
                Some("reference") => Threshold::Reference { reduction },
                Some(t) if t.trim().parse::<i32>().is_err() => {
                    r.err(
                        Diagnostic::new(rel.span, format!("`relative_to: {t}` is neither a year nor `reference`"))
                            .at(relp)
                            .expected(format!(
                                "a year from {} to {}, or `reference` (the scenario without its actions)",
                                r.base_year, r.end_year
                            ))
                            .suggest(nearest(t, ["reference"])),
                    );
                    return None;
                }
                _ => {
                    let year = r.model_year(rel, &relp);
                    if year.is_none() {
                        if let Some(d) = r.errors.last_mut() {
                            d.expected = Some(format!(
                                "a year from {} to {}, or `reference` (the scenario without its actions)",
                                r.base_year, r.end_year
                            ));
                        }
                    }
                    Threshold::Year {
                        reduction,
                        year: year?,
                    }
                }
            }
        }
        (None, None, Some(am)) => {
            let q = r.quantity(am, &join(tp, "at_most"))?;
            let v = match (&q.unit, &metric) {
                (None, _) => q.value,
                (Some(u), Metric::Emissions) => {
                    let ok = u.dim == Dimension::mass()
                        || u.dim
                            == Dimension::mass()
                                .mul(&Dimension::species_tag(lcs_units::Species::CO2e));
                    if !ok {
                        r.err(
                            Diagnostic::new(am.span, "expected emissions, e.g. `\"0 kt CO2e\"`")
                                .at(join(tp, "at_most"))
                                .found(format!("{}", u.dim)),
                        );
                        return None;
                    }
                    q.value * u.factor / 1000.0 // base t → kt
                }
                (Some(u), Metric::Intensity(d)) => {
                    let drv = &model.drivers[*d];
                    let want = Dimension::mass()
                        .mul(&Dimension::species_tag(lcs_units::Species::CO2e))
                        .div(&drv.series.dim);
                    if u.dim != want && u.dim != Dimension::mass().div(&drv.series.dim) {
                        r.err(
                            Diagnostic::new(
                                am.span,
                                "expected an intensity in t CO2e per unit of the driver",
                            )
                            .at(join(tp, "at_most"))
                            .expected(format!("{want}"))
                            .found(format!("{}", u.dim)),
                        );
                        return None;
                    }
                    // base t per base driver unit → t per declared unit.
                    q.value * u.factor * drv.unit_factor
                }
            };
            Threshold::AtMost(v)
        }
        _ => {
            r.err(
                Diagnostic::new(
                    n.span,
                    "a target needs `reduction` with `relative_to`, or `at_most`",
                )
                .at(tp),
            );
            return None;
        }
    };
    Some(TargetSpec {
        id,
        metric,
        year,
        threshold,
        span: n.span,
    })
}

/// Fuels that measures bring into leaves must have factors for the leaf's category, and
/// electricity brought in needs a grid.
fn check_measure_fuels(r: &mut Reader, model: &Model, actions: &[Action]) {
    let has_grid = model
        .electricity
        .as_ref()
        .is_some_and(|e| !matches!(e.grid, Grid::None));
    for a in actions {
        for m in &a.measures {
            let n = match m.target {
                Target::Fuels(n) | Target::Energy(n) => n,
                _ => continue,
            };
            let brought: Vec<usize> = match &m.lever {
                Lever::Shift { to, .. } => to.clone(),
                Lever::Switch { to, .. } => vec![*to],
                Lever::SetMap { value } => value
                    .iter()
                    .filter(|(_, v)| *v > 0.0)
                    .map(|(i, _)| *i)
                    .collect(),
                _ => continue,
            };
            for f in brought {
                let fuel = &model.fuels.fuels()[f];
                if fuel.id == "electricity" && !has_grid {
                    r.err(
                        Diagnostic::new(
                            m.span,
                            format!(
                                "measure `{}` brings in electricity but the model has no grid",
                                m.id
                            ),
                        )
                        .at("electricity")
                        .expected("`electricity.grid_factor` or `electricity.mix` in the model"),
                    );
                }
                if !fuel.is_carrier() {
                    for leaf in model.leaves_below(n) {
                        if model.effective_category(leaf).is_none() {
                            r.err(Diagnostic::new(m.span, format!("measure `{}` brings `{}` into `{}`, which has no `category`", m.id, fuel.id, model.nodes[leaf].path))
                                .at(format!("{}.category", crate::check_model::node_key_path(model, leaf))));
                        }
                    }
                }
            }
        }
    }
}
