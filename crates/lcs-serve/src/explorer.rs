//! The served scenarios and the numbers of one lever state (docs/EXPLORER.md).
//!
//! Each served scenario is compiled once. A request takes a compiled copy and a workspace
//! from the scenario's pool, rewrites the measures' weights for the lever state
//! ([`lcs_engine::Compiled::set_adjustments`] with [`crate::levers::measure_adjustments`]),
//! evaluates all actions, and reads the engine's rows ([`lcs_engine::row_values_into`]) and
//! targets ([`lcs_engine::evaluate_targets`] against the reference run, which no lever
//! changes and which is kept from start-up together with the run of the file's values).
//! Wedges are [`lcs_engine::attribute`] of the adjusted compiled scenario, the band and
//! P(target met) are [`lcs_uncertainty::run_ensemble`] over it: nothing here recomputes an
//! engine equation.

use crate::error::{ApiError, ServeError};
use crate::json::*;
use crate::levers::{self, Lever, LeverInput, LeverRange};
use lcs_engine::adjust::MeasureAdjust;
use lcs_engine::{evaluate, evaluate_targets, var, Compiled, Method, RunError, Workspace};
use lcs_model::{Metric, Scenario, Threshold};
use lcs_uncertainty::engine::{ensemble_of, ScenarioModel};
use lcs_uncertainty::{run_ensemble, Control, Shard, Summary};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

/// Most actions one component of the total is attributed over by exact Shapley (the
/// engine's attribution by components, docs/ATTRIBUTION.md: 89 runs, under 1 ms on two cores,
/// for Iskandar `cm-2025`); a larger component is sampled, with a stated error.
pub const EXACT_SHAPLEY_ACTIONS: usize = lcs_engine::MAX_EXACT_ACTIONS;
/// The most orderings a sampled component of the wedges draws (a bound on the latency).
pub const SAMPLED_ORDERINGS: usize = 2000;
/// The largest ensemble a request may ask for.
pub const MAX_SAMPLES: u64 = 4096;
/// The ensemble size when a request names none.
pub const DEFAULT_SAMPLES: u64 = 500;

/// A scenario file to serve: its path and the checked scenario `lcs-model` loaded from it.
pub struct ServedFile {
    /// The file (its name becomes the exported scenario's `extends:`).
    pub path: PathBuf,
    /// The checked scenario.
    pub scenario: Scenario,
}

struct IntensityRow {
    row: usize,
    driver: String,
    name: String,
    unit: String,
}

/// One served scenario, compiled, with the runs no lever changes.
struct Served {
    file: String,
    scenario: Scenario,
    compiled: Compiled,
    years: Vec<i32>,
    n_rows: usize,
    total_row: usize,
    sector_rows: Vec<(usize, String, String)>,
    intensity_rows: Vec<IntensityRow>,
    reference: Workspace,
    reference_rows: Vec<f64>,
    file_rows: Vec<f64>,
    file_levers: Vec<Lever>,
    ranges: Vec<LeverRange>,
    default_year: i32,
    pool: Mutex<Vec<(Compiled, Workspace)>>,
}

/// The explorer: every served scenario, ready to evaluate lever states.
pub struct Explorer {
    served: Vec<Served>,
}

/// A run error in the scenario's names (as `lcs run` reports it).
fn describe(s: &Scenario, c: &Compiled, e: &RunError) -> String {
    match ScenarioModel::new(s, c, false) {
        Ok(m) => m.describe(e),
        Err(_) => e.to_string(),
    }
}

fn row_values(c: &Compiled, ws: &Workspace, n_rows: usize) -> Vec<f64> {
    let mut out = vec![0.0; n_rows * c.years().len()];
    lcs_engine::row_values_into(c, ws, &mut out);
    out
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn rule_in_words(t: &lcs_model::TargetSpec) -> String {
    match &t.threshold {
        Threshold::Year { reduction, year } => {
            format!("at least {} % below {year}", reduction * 100.0)
        }
        Threshold::Reference { reduction } => {
            format!("at least {} % below the reference", reduction * 100.0)
        }
        Threshold::AtMost(v) => format!("at most {v}"),
    }
}

impl Served {
    fn new(f: ServedFile) -> Result<Served, ServeError> {
        let s = f.scenario;
        let compiled = lcs_engine::compile(&s).map_err(|e| ServeError::Compile {
            scenario: s.id.clone(),
            message: e.to_string(),
        })?;
        let layout = lcs_engine::row_layout(&compiled);
        let n_rows = layout.len();
        let total_row = layout
            .iter()
            .position(|(v, _)| v == var::EMISSIONS_CO2E)
            .unwrap_or(0);
        let sector_rows = layout
            .iter()
            .enumerate()
            .filter_map(|(i, (v, _))| {
                var::sector(v).map(|id| (i, id.to_string(), s.model.sector_name(id)))
            })
            .collect();
        let prefix = format!("{}|", var::EMISSIONS_INTENSITY);
        let intensity_rows = layout
            .iter()
            .enumerate()
            .filter_map(|(i, (v, unit))| {
                let driver = v.strip_prefix(&prefix)?;
                let name = s
                    .model
                    .drivers
                    .iter()
                    .position(|d| d.name == driver)
                    .map(|d| s.model.driver_name(d))
                    .unwrap_or_else(|| driver.to_string());
                Some(IntensityRow {
                    row: i,
                    driver: driver.to_string(),
                    name,
                    unit: unit.clone(),
                })
            })
            .collect();
        let run_err = |e: RunError| ServeError::Run {
            scenario: s.id.clone(),
            message: describe(&s, &compiled, &e),
        };
        let mut reference = Workspace::new(&compiled);
        evaluate(
            &compiled,
            &mut reference,
            &vec![false; compiled.n_actions()],
        )
        .map_err(run_err)?;
        let mut ws = Workspace::new(&compiled);
        evaluate(&compiled, &mut ws, &vec![true; compiled.n_actions()]).map_err(run_err)?;
        let reference_rows = row_values(&compiled, &reference, n_rows);
        let file_rows = row_values(&compiled, &ws, n_rows);
        let file_levers = levers::file_levers(&s);
        let ranges = levers::lever_ranges(&s, &file_levers);
        let default_year = s
            .targets
            .iter()
            .map(|t| t.year)
            .min()
            .unwrap_or(s.model.end_year);
        let file = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| f.path.to_string_lossy().into_owned());
        Ok(Served {
            file,
            years: compiled.years(),
            pool: Mutex::new(vec![(compiled.clone(), ws)]),
            scenario: s,
            compiled,
            n_rows,
            total_row,
            sector_rows,
            intensity_rows,
            reference,
            reference_rows,
            file_rows,
            file_levers,
            ranges,
            default_year,
        })
    }

    fn ny(&self) -> usize {
        self.years.len()
    }

    fn row<'a>(&self, buf: &'a [f64], r: usize) -> &'a [f64] {
        &buf[r * self.ny()..(r + 1) * self.ny()]
    }

    fn info(&self) -> ScenarioInfo {
        let s = &self.scenario;
        ScenarioInfo {
            id: s.id.clone(),
            name: s.name.clone().unwrap_or_else(|| s.id.clone()),
            file: self.file.clone(),
            region: s.model.region_id.clone(),
            region_name: s.model.region_name.clone(),
            base_year: s.model.base_year,
            end_year: s.model.end_year,
            default_year: self.default_year,
            uncertainty: !s.uncertainty.is_empty(),
            actions: s
                .actions
                .iter()
                .zip(&self.file_levers)
                .zip(&self.ranges)
                .map(|((a, l), r)| ActionInfo {
                    id: a.id.clone(),
                    name: a.name.clone().unwrap_or_else(|| a.id.clone()),
                    theme: a.theme.clone().unwrap_or_default(),
                    agency: a.agency.clone(),
                    kpi: a.kpi.clone().unwrap_or_default(),
                    ambition: l.ambition,
                    start: l.start,
                    max_ambition: r.max_ambition,
                    first_start: r.first_start,
                    last_start: r.last_start,
                    measures: a
                        .measures
                        .iter()
                        .map(|m| Named {
                            id: m.id.clone(),
                            name: m.name.clone().unwrap_or_else(|| m.id.clone()),
                        })
                        .collect(),
                })
                .collect(),
            targets: s
                .targets
                .iter()
                .map(|t| {
                    let (metric, driver, unit) = match t.metric {
                        Metric::Emissions => ("emissions", None, "kt CO2e/yr".to_string()),
                        Metric::Intensity(d) => {
                            let id = s.model.drivers[d].name.clone();
                            let unit = self
                                .intensity_rows
                                .iter()
                                .find(|r| r.driver == id)
                                .map(|r| r.unit.clone())
                                .unwrap_or_default();
                            ("intensity", Some(id), unit)
                        }
                    };
                    TargetInfo {
                        id: t.id.clone(),
                        year: t.year,
                        metric: metric.into(),
                        driver,
                        unit,
                        rule: rule_in_words(t),
                    }
                })
                .collect(),
            sectors: self
                .sector_rows
                .iter()
                .map(|(_, id, name)| Named {
                    id: id.clone(),
                    name: name.clone(),
                })
                .collect(),
        }
    }

    fn levers_of(&self, input: &BTreeMap<String, LeverJson>) -> Result<Vec<Lever>, ApiError> {
        let input: Vec<(String, LeverInput)> = input
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    LeverInput {
                        ambition: v.ambition,
                        start: v.start,
                    },
                )
            })
            .collect();
        levers::resolve(&self.scenario, &self.file_levers, &self.ranges, &input)
    }

    /// A compiled copy with the adjustments of `levers` set, and a workspace.
    fn take(&self, levers: &[Lever]) -> (Compiled, Workspace) {
        let (mut c, ws) = self
            .pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_else(|| (self.compiled.clone(), Workspace::new(&self.compiled)));
        let entries = levers::entries(&self.scenario, &self.file_levers, levers);
        let mut adj: Vec<MeasureAdjust> = Vec::with_capacity(c.n_measures());
        levers::measure_adjustments(&self.scenario, &c, &entries, &mut adj);
        c.set_adjustments(&adj);
        (c, ws)
    }

    fn give_back(&self, item: (Compiled, Workspace)) {
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < 64 {
            pool.push(item);
        }
    }

    fn evaluate(&self, req: &EvaluateRequest) -> Result<Evaluation, ApiError> {
        let s = &self.scenario;
        let levers = self.levers_of(&req.levers)?;
        let year = match req.year {
            None => self.default_year,
            Some(y) if y >= s.model.base_year as i64 && y <= s.model.end_year as i64 => y as i32,
            Some(y) => {
                return Err(ApiError::YearOutOfRange {
                    found: y,
                    first: s.model.base_year,
                    last: s.model.end_year,
                })
            }
        };
        let shapley = match req.attribution.as_deref() {
            None | Some("none") => false,
            Some("shapley") => true,
            Some(other) => {
                return Err(ApiError::UnknownAttribution {
                    found: other.to_string(),
                })
            }
        };
        let (c, mut ws) = self.take(&levers);
        let result = self.evaluate_with(&c, &mut ws, &levers, year, shapley);
        self.give_back((c, ws));
        result
    }

    fn evaluate_with(
        &self,
        c: &Compiled,
        ws: &mut Workspace,
        levers: &[Lever],
        year: i32,
        shapley: bool,
    ) -> Result<Evaluation, ApiError> {
        let s = &self.scenario;
        let run_error = |e: RunError| ApiError::Run {
            message: describe(s, c, &e),
        };
        evaluate(c, ws, &vec![true; c.n_actions()]).map_err(run_error)?;
        let rows = row_values(c, ws, self.n_rows);
        let y = (year - s.model.base_year) as usize;
        let total = self.row(&rows, self.total_row);
        let reference = self.row(&self.reference_rows, self.total_row);
        let file = self.row(&self.file_rows, self.total_row);
        let targets = evaluate_targets(s, c, ws, &self.reference)
            .into_iter()
            .zip(&s.targets)
            .map(|(t, spec)| {
                let ty = (t.year - s.model.base_year) as usize;
                let margin = match (t.value, t.threshold) {
                    (Some(v), Some(th)) => Some(v - th),
                    _ => None,
                };
                let unit = match spec.metric {
                    Metric::Emissions => "kt CO2e/yr".to_string(),
                    Metric::Intensity(d) => self
                        .intensity_rows
                        .iter()
                        .find(|r| r.driver == s.model.drivers[d].name)
                        .map(|r| r.unit.clone())
                        .unwrap_or_default(),
                };
                TargetOutcome {
                    id: t.id.clone(),
                    year: t.year,
                    value: t.value,
                    threshold: t.threshold,
                    unit,
                    met: t.met,
                    margin,
                    margin_relative: match (margin, t.threshold) {
                        (Some(m), Some(th)) if th != 0.0 => Some(m / th.abs()),
                        _ => None,
                    },
                    threshold_kt: match (t.value, t.threshold) {
                        (Some(v), Some(th)) if v != 0.0 => total.get(ty).map(|e| th * e / v),
                        _ => None,
                    },
                }
            })
            .collect();
        let attribution = if shapley { Some(self.wedges(c)?) } else { None };
        let ratio = |a: f64, b: f64| finite((a - b) / b);
        Ok(Evaluation {
            scenario: s.id.clone(),
            levers: s
                .actions
                .iter()
                .zip(levers)
                .map(|(a, l)| {
                    (
                        a.id.clone(),
                        LeverState {
                            ambition: l.ambition,
                            start: l.start,
                        },
                    )
                })
                .collect(),
            adjust: levers::entries(s, &self.file_levers, levers)
                .into_iter()
                .map(|e| {
                    (
                        e.key,
                        LeverJson {
                            ambition: e.ambition,
                            start: e.start.map(f64::from),
                        },
                    )
                })
                .collect(),
            years: self.years.clone(),
            pathway: Pathway {
                unit: "kt CO2e/yr".into(),
                reference: reference.to_vec(),
                scenario: file.to_vec(),
                current: total.to_vec(),
            },
            headline: Headline {
                year,
                emissions_kt: total[y],
                intensities: self
                    .intensity_rows
                    .iter()
                    .map(|r| IntensityValue {
                        driver: r.driver.clone(),
                        name: r.name.clone(),
                        unit: r.unit.clone(),
                        value: finite(self.row(&rows, r.row)[y]),
                    })
                    .collect(),
                base_year: s.model.base_year,
                base_emissions_kt: total[0],
                change_vs_base: ratio(total[y], total[0]),
                reference_kt: reference[y],
                change_vs_reference: ratio(total[y], reference[y]),
                scenario_kt: file[y],
            },
            sectors: self
                .sector_rows
                .iter()
                .map(|(r, id, name)| SectorSeries {
                    id: id.clone(),
                    name: name.clone(),
                    current: self.row(&rows, *r).to_vec(),
                    reference: self.row(&self.reference_rows, *r).to_vec(),
                })
                .collect(),
            targets,
            attribution,
        })
    }

    /// Shapley wedges of an adjusted compiled scenario: the engine's exact attribution by
    /// components, a component of more than [`EXACT_SHAPLEY_ACTIONS`] actions estimated
    /// from at most [`SAMPLED_ORDERINGS`] random orderings (seed 1) with the standard error
    /// of every contribution.
    fn wedges(&self, c: &Compiled) -> Result<AttributionJson, ApiError> {
        let s = &self.scenario;
        let fail = |e: lcs_engine::AttributionError| match e {
            lcs_engine::AttributionError::Run(e) => ApiError::Run {
                message: describe(s, c, &e),
            },
        };
        let options = lcs_engine::ShapleyOptions {
            max_exact_actions: EXACT_SHAPLEY_ACTIONS,
            max_orderings: SAMPLED_ORDERINGS,
            ..lcs_engine::ShapleyOptions::default()
        };
        let a = lcs_engine::attribute_with(c, Method::Shapley, &options).map_err(fail)?;
        let sampled = a.shapley.as_ref().filter(|r| !r.is_exact());
        let max_error = sampled.map_or(0.0, |r| {
            r.standard_error
                .iter()
                .flatten()
                .fold(0.0f64, |m, v| m.max(*v))
        });
        let permutations =
            sampled.map_or(0, |r| r.components.iter().filter_map(|c| c.orderings).sum());
        let actions = s
            .actions
            .iter()
            .zip(a.contributions)
            .enumerate()
            .map(|(i, (action, values))| Wedge {
                id: action.id.clone(),
                values,
                error: sampled.map(|r| r.standard_error[i].clone()),
            })
            .collect();
        Ok(AttributionJson {
            method: if sampled.is_some() {
                "shapley-sampled".into()
            } else {
                "shapley".into()
            },
            permutations,
            actions,
            total: a.total,
            max_error,
        })
    }

    fn ensemble(&self, req: &EnsembleRequest, cancel: &AtomicBool) -> Result<Band, ApiError> {
        let s = &self.scenario;
        if s.uncertainty.is_empty() {
            return Err(ApiError::NoUncertainty {
                scenario: s.id.clone(),
            });
        }
        let samples = req.samples.unwrap_or(DEFAULT_SAMPLES);
        if samples == 0 || samples > MAX_SAMPLES {
            return Err(ApiError::SamplesOutOfRange {
                found: samples,
                max: MAX_SAMPLES,
            });
        }
        let seed = req.seed.unwrap_or(1);
        let levers = self.levers_of(&req.levers)?;
        let (c, ws) = self.take(&levers);
        let result = (|| {
            let model = ScenarioModel::new(s, &c, false).map_err(|e| ApiError::Ensemble {
                message: e.to_string(),
            })?;
            let ens = ensemble_of(s, seed, samples);
            let none = |_: u64| {};
            let ctl = Control {
                cancel,
                progress: &none,
            };
            let partial = run_ensemble(&model, &ens, Shard::whole(), false, &ctl).map_err(|e| {
                ApiError::Ensemble {
                    message: e.to_string(),
                }
            })?;
            let summary = Summary::combine(vec![partial]).map_err(|e| ApiError::Ensemble {
                message: e.to_string(),
            })?;
            let ny = self.ny();
            let pct = |q: usize| -> Vec<Option<f64>> {
                (0..ny)
                    .map(|y| summary.percentiles(self.total_row * ny + y)[q])
                    .collect()
            };
            Ok(Band {
                scenario: s.id.clone(),
                samples,
                seed,
                years: self.years.clone(),
                p5: pct(0),
                p50: pct(2),
                p95: pct(4),
                targets: s
                    .targets
                    .iter()
                    .enumerate()
                    .map(|(t, spec)| TargetProbability {
                        id: spec.id.clone(),
                        probability: summary.probability(t),
                    })
                    .collect(),
            })
        })();
        self.give_back((c, ws));
        result
    }

    fn export(&self, req: &ExportRequest) -> Result<String, ApiError> {
        let s = &self.scenario;
        let levers = self.levers_of(&req.levers)?;
        let entries = levers::entries(s, &self.file_levers, &levers);
        let name = format!(
            "{} (lever explorer)",
            s.name.clone().unwrap_or_else(|| s.id.clone())
        );
        let comment = vec![
            format!(
                "Written by the lever explorer (`lcs serve`, docs/EXPLORER.md): scenario `{}` with the levers below.",
                s.id
            ),
            format!(
                "Save it beside {} (it extends that file); `lcs run` on it gives the page's numbers.",
                self.file
            ),
        ];
        let mut text = lcs_costs::sought_scenario_yaml(
            &lcs_model::derived_id(&s.id, "explored"),
            &name,
            &self.file,
            &entries,
            &comment,
        );
        if entries.is_empty() {
            // Every lever at the file's value: an empty mapping, not a null.
            text = text.replace("adjust:\n", "adjust: {}\n");
        }
        Ok(text)
    }
}

impl Explorer {
    /// Compiles every scenario and runs its reference and its file's values once.
    pub fn new(files: Vec<ServedFile>) -> Result<Explorer, ServeError> {
        if files.is_empty() {
            return Err(ServeError::NoScenario);
        }
        let mut served: Vec<Served> = Vec::with_capacity(files.len());
        for f in files {
            if served.iter().any(|s| s.scenario.id == f.scenario.id) {
                return Err(ServeError::DuplicateScenario {
                    id: f.scenario.id.clone(),
                });
            }
            served.push(Served::new(f)?);
        }
        Ok(Explorer { served })
    }

    fn find(&self, id: Option<&str>) -> Result<&Served, ApiError> {
        let Some(id) = id else {
            return Ok(&self.served[0]);
        };
        self.served
            .iter()
            .find(|s| s.scenario.id == id)
            .ok_or_else(|| {
                let ids = self.served.iter().map(|s| s.scenario.id.as_str());
                ApiError::UnknownScenario {
                    found: id.to_string(),
                    nearest: lcs_units::nearest(id, ids.clone()),
                    served: ids.map(str::to_string).collect(),
                }
            })
    }

    /// The served scenarios and the API's limits (`GET /api/scenarios`).
    pub fn scenarios(&self) -> ScenarioList {
        ScenarioList {
            scenarios: self.served.iter().map(Served::info).collect(),
            limits: Limits {
                max_body_bytes: crate::MAX_BODY_BYTES,
                max_samples: MAX_SAMPLES,
                default_samples: DEFAULT_SAMPLES,
                exact_shapley_actions: EXACT_SHAPLEY_ACTIONS,
            },
        }
    }

    /// The numbers of a lever state (`POST /api/evaluate`).
    pub fn evaluate(&self, req: &EvaluateRequest) -> Result<Evaluation, ApiError> {
        self.find(req.scenario.as_deref())?.evaluate(req)
    }

    /// The P5–P95 band of total emissions and P(target met) of a lever state over a small
    /// ensemble of the scenario's `uncertainty:` section (`POST /api/ensemble`); stops with
    /// [`ApiError::Ensemble`] when `cancel` is set.
    pub fn ensemble(&self, req: &EnsembleRequest, cancel: &AtomicBool) -> Result<Band, ApiError> {
        self.find(req.scenario.as_deref())?.ensemble(req, cancel)
    }

    /// The scenario file of a lever state (`POST /api/export`): `extends:` the served file
    /// (by its name: save it beside that file) with one `adjust:` entry per changed action.
    pub fn export(&self, req: &ExportRequest) -> Result<(String, String), ApiError> {
        let s = self.find(req.scenario.as_deref())?;
        Ok((
            format!("{}.yaml", lcs_model::derived_id(&s.scenario.id, "explored")),
            s.export(req)?,
        ))
    }

    /// The path-free name of a served scenario's file.
    pub fn file_of(&self, id: &str) -> Option<&str> {
        self.served
            .iter()
            .find(|s| s.scenario.id == id)
            .map(|s| s.file.as_str())
    }
}
