//! Project appraisal for lcs (docs/PROJECTS.md): what a mitigation project reduces per year
//! and over its crediting period, what it costs, and what a JCM subsidy buys per tonne.
//!
//! Owns: [`appraise`] (a checked [`lcs_model::Project`] → [`Appraisal`]), one function per
//! methodology in [`methodology`] with its equation in the doc comment (`ER_y = RE_y −
//! PE_y`, t CO2e per year, GWP from the region model), the project economics in
//! [`economics`] (NPV, annualised capex, levelised cost per t CO2e, JCM cost-effectiveness,
//! all through `lcs-econ`), the incineration and landfill defaults of `data/factors/` in
//! [`factors`], and the identification of creditable measures in a scenario ([`screen`]).
//!
//! Reuses, never copies: the grid factor of a year is the region model's reference run
//! (`Scenario::of_model`, `lcs_engine::compile`, `run_reference`, `grid_factor_co2e`); the
//! avoided landfill CH4 is the engine's first-order decay (`lcs_engine::waste`) on the
//! diverted deposits only; fuels burn with `lcs_engine::combustion_factors`.
//!
//! Units: emissions in t CO2e per year, energies in GJ, masses in t, money in units of the
//! project's currency at its price year.
//!
//! Never depends on: reports, polars, the command line; does no IO.
//!
//! ```no_run
//! let mut loader = lcs_model::Loader::new();
//! let projects = loader
//!     .load_projects(std::path::Path::new("scenarios/iskandar/projects/seelong-wte.yaml"))
//!     .expect("valid project file");
//! let a = lcs_projects::appraise(&projects[0]).expect("appraised");
//! println!("{} t CO2e over the lifetime", a.lifetime_reduction_t);
//! ```
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod economics;
pub mod factors;
pub mod link;
pub mod methodology;
pub mod reconcile;
pub mod screen;

/// Every table embedded in this crate, as (path in the repository, text): run manifests
/// record their SHA-256 (docs/MANIFEST.md). A new embedded table is added here too.
pub const EMBEDDED_TABLES: [(&str, &str); 2] = [
    ("data/factors/incineration.csv", factors::INCINERATION_CSV),
    ("data/factors/landfill_mcf.csv", factors::LANDFILL_MCF_CSV),
];

use economics::{appraise_economics, EconomicResult};
use lcs_engine::waste::{FodConstants, N_WASTE_TYPES};
use lcs_engine::{combustion_factors, CompileError, RunError};
use lcs_factors::Category;
use lcs_model::{Captive, GridFactor, Methodology, Model, Parameters, Project, Scenario, Status};
use lcs_units::Species;
use methodology::Flows;
use std::fmt;

/// Why a project could not be appraised (its file was valid, but its region model could
/// not be run).
#[derive(Clone, Debug, PartialEq)]
pub enum ProjectError {
    /// The region model did not compile.
    Compile {
        /// Project id.
        project: String,
        /// The engine's error.
        error: CompileError,
    },
    /// The region model's reference run failed.
    Run {
        /// Project id.
        project: String,
        /// The engine's error.
        error: Box<RunError>,
    },
    /// The project's economics could not be expressed on the requested basis.
    Conversion {
        /// Project id.
        project: String,
        /// The basis asked for.
        to: lcs_econ::Basis,
        /// Why.
        error: lcs_econ::EconError,
    },
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectError::Compile { project, error } => write!(
                f,
                "project `{project}`: its region model does not compile: {error}"
            ),
            ProjectError::Run { project, error } => write!(
                f,
                "project `{project}`: the region model's reference run fails in {}: {}",
                error.year, error.problem
            ),
            ProjectError::Conversion { project, to, error } => write!(
                f,
                "project `{project}`: its economics cannot be expressed in {to}: {error}"
            ),
        }
    }
}

impl std::error::Error for ProjectError {}

/// One operating year of a project, t CO2e.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YearResult {
    /// The year.
    pub year: i32,
    /// `RE_y` (conservativeness applied).
    pub reference_t: f64,
    /// `PE_y`.
    pub project_t: f64,
    /// `ER_y = RE_y − PE_y`.
    pub reduction_t: f64,
}

/// The committed landfill CH4 of one tonne of the waste a project diverts (composition of
/// the first operating year, recovery of that year).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CommittedCh4 {
    /// CH4 the tonne would generate over its whole decay, t CH4 per t.
    pub generated_t_per_t: f64,
    /// Of which emitted (after recovery and oxidation), t CH4 per t.
    pub emitted_t_per_t: f64,
    /// The emitted CH4 in t CO2e per t (model GWP).
    pub co2e_t_per_t: f64,
}

/// The appraisal of one project.
#[derive(Clone, Debug, PartialEq)]
pub struct Appraisal {
    /// Project id.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Methodology.
    pub methodology: Methodology,
    /// Pipeline status.
    pub status: Status,
    /// First operating year.
    pub start: i32,
    /// Crediting period, years.
    pub lifetime: u32,
    /// One row per operating year.
    pub years: Vec<YearResult>,
    /// The named parts of `RE` and `PE` per operating year.
    pub flows: Flows,
    /// Mean annual reduction over the lifetime, t CO2e per year.
    pub annual_reduction_t: f64,
    /// Total reduction over the lifetime, t CO2e.
    pub lifetime_reduction_t: f64,
    /// For waste-to-energy: the committed landfill CH4 of one tonne diverted.
    pub committed_ch4: Option<CommittedCh4>,
    /// Economics, when the project has them.
    pub economics: Option<EconomicResult>,
    /// How the reference was set (grid factor source, conservativeness).
    pub notes: Vec<String>,
}

impl Appraisal {
    /// The appraisal with its economics on another basis (`EconomicResult::to_basis`).
    pub fn on_basis(mut self, to: &lcs_econ::Basis) -> Result<Appraisal, ProjectError> {
        if let Some(e) = &self.economics {
            let converted = e
                .to_basis(lcs_econ::Tables::builtin(), to)
                .map_err(|error| ProjectError::Conversion {
                    project: self.id.clone(),
                    to: to.clone(),
                    error,
                })?;
            self.economics = Some(converted);
        }
        Ok(self)
    }
}

/// A number for notes: 10 significant digits, without float noise (`0.652`, not
/// `0.6520000000000001`).
fn sig(v: f64) -> String {
    let t: f64 = format!("{v:.9e}").parse().unwrap_or(v);
    lcs_units::format_number(t)
}

/// t CO2e per t of `species` (CO2 and CO2e 1; CH4, N2O by the model's GWP).
fn species_weight(model: &Model, species: Species) -> f64 {
    match species {
        Species::CH4 => model.gwp.ch4(),
        Species::N2O => model.gwp.n2o(),
        _ => 1.0,
    }
}

/// The grid factor of the region model's reference run, t CO2e per GJ, one per model year.
pub fn model_grid_factor(project: &Project) -> Result<Vec<f64>, ProjectError> {
    let s = Scenario::of_model((*project.region).clone(), &project.id);
    let c = lcs_engine::compile(&s).map_err(|error| ProjectError::Compile {
        project: project.id.clone(),
        error,
    })?;
    let ws = lcs_engine::run_reference(&c).map_err(|error| ProjectError::Run {
        error: Box::new(error),
        project: project.id.clone(),
    })?;
    // t CO2e/MWh → t CO2e/GJ.
    Ok(lcs_engine::grid_factor_co2e(&c, &ws)
        .into_iter()
        .map(|v| v / 3.6)
        .collect())
}

/// Context shared by the methodologies of one project.
struct Ctx<'p> {
    p: &'p Project,
    model: &'p Model,
    /// Model-year index of each operating year.
    idx: Vec<usize>,
    model_grid: Option<Vec<f64>>,
}

impl Ctx<'_> {
    /// The grid factor per operating year, t CO2e per GJ.
    fn grid(&mut self) -> Result<Vec<f64>, ProjectError> {
        match self.p.reference.grid_factor {
            GridFactor::Value { t_per_gj, species } => {
                let v = t_per_gj * species_weight(self.model, species);
                Ok(vec![v; self.idx.len()])
            }
            GridFactor::Model => {
                if self.model_grid.is_none() {
                    self.model_grid = Some(model_grid_factor(self.p)?);
                }
                let g = self.model_grid.as_ref().expect("set above");
                Ok(self.idx.iter().map(|&i| g[i]).collect())
            }
        }
    }

    /// The factor of an energy per operating year: the grid factor for electricity, the
    /// fuel's combustion factor in `category` otherwise, t CO2e per GJ.
    fn energy_factor(&mut self, fuel: usize, category: Category) -> Result<Vec<f64>, ProjectError> {
        if self.model.fuels.fuels()[fuel].id == "electricity" {
            return self.grid();
        }
        let g = &self.model.gwp;
        let v = combustion_factors(self.model, fuel, Some(category)).co2e(g.ch4(), g.n2o());
        Ok(vec![v; self.idx.len()])
    }

    /// A model series' values per operating year (checked known at load).
    fn per_year(&self, values: Option<&[f64]>) -> Vec<f64> {
        let v = values.expect("checked to be known when the project was read");
        self.idx.iter().map(|&i| v[i]).collect()
    }

    /// The composition of the waste the project takes per operating year: the given one,
    /// else [`landfilled_composition`].
    fn composition(&self, given: Option<[f64; N_WASTE_TYPES]>) -> Vec<[f64; N_WASTE_TYPES]> {
        if let Some(c) = given {
            return vec![c; self.idx.len()];
        }
        let w = self.model.waste.as_ref().expect("checked when read");
        self.idx
            .iter()
            .map(|&i| landfilled_composition(w, i))
            .collect()
    }
}

/// The composition of the waste a project takes from the model in year index `i`: the
/// model's composition of the year; with composition-aware routes, that of the waste the
/// model landfills (each type's share times its landfill share, normalised), since a plant
/// or a cell takes what would have been landfilled, not what was generated.
pub(crate) fn landfilled_composition(w: &lcs_model::Waste, i: usize) -> [f64; N_WASTE_TYPES] {
    let value = |s: &lcs_model::Series| s.values().map_or(0.0, |v| v[i]);
    let mut c = [0.0; N_WASTE_TYPES];
    for item in &w.composition {
        c[item.item] = value(&item.share);
    }
    if w.by_type {
        let landfill = lcs_factors::WasteRoute::Landfill.index();
        for (t, x) in c.iter_mut().enumerate() {
            let map = w.type_routes.get(t).map(Vec::as_slice).unwrap_or(&[]);
            if !map.is_empty() {
                *x *= map
                    .iter()
                    .find(|r| r.item == landfill)
                    .map_or(0.0, |r| value(&r.share));
            }
        }
        let sum: f64 = c.iter().sum();
        if sum > 0.0 {
            c.iter_mut().for_each(|x| *x /= sum);
        }
    }
    c
}

/// Appraises a project: its yearly reference and project emissions by its methodology, the
/// reduction over its lifetime, its economics.
pub fn appraise(p: &Project) -> Result<Appraisal, ProjectError> {
    let model: &Model = &p.region;
    let idx: Vec<usize> = p.years().map(|y| (y - model.base_year) as usize).collect();
    let mut ctx = Ctx {
        p,
        model,
        idx,
        model_grid: None,
    };
    let c = p.reference.conservativeness;
    let (gwp_ch4, gwp_n2o) = (model.gwp.ch4(), model.gwp.n2o());
    let mut notes = Vec::new();
    let grid_note = match p.reference.grid_factor {
        GridFactor::Model => {
            "grid factor: the region model's reference run, year by year".to_string()
        }
        GridFactor::Value { t_per_gj, species } => format!(
            "grid factor: {} t {}/MWh, fixed",
            sig(t_per_gj * 3.6),
            species.name()
        ),
    };
    let mut committed = None;
    let flows = match &p.parameters {
        Parameters::Pv {
            output,
            degradation,
        } => {
            let ef = match (p.methodology, p.reference.captive) {
                (Methodology::PvCaptive, Some(Captive::Fuel { fuel, efficiency })) => {
                    notes.push(format!(
                        "captive generator: `{}` at efficiency {}",
                        model.fuels.fuels()[fuel].id,
                        lcs_units::format_number(efficiency)
                    ));
                    ctx.energy_factor(fuel, Category::Energy)?
                        .into_iter()
                        .map(|v| v / efficiency)
                        .collect()
                }
                (Methodology::PvCaptive, Some(Captive::Factor { t_per_gj, species })) => {
                    notes.push(format!(
                        "captive generator: {} t {}/MWh",
                        sig(t_per_gj * 3.6),
                        species.name()
                    ));
                    vec![t_per_gj * species_weight(model, species); p.lifetime as usize]
                }
                _ => {
                    notes.push(grid_note.clone());
                    ctx.grid()?
                }
            };
            methodology::pv(*output, *degradation, &ef, c)
        }
        Parameters::EfficientEquipment {
            energy,
            consumption_gj,
            efficiency_project,
            efficiency_reference,
            category,
            ..
        } => {
            if model.fuels.fuels()[*energy].id == "electricity" {
                notes.push(grid_note.clone());
            }
            let ef = ctx.energy_factor(*energy, *category)?;
            methodology::efficient_equipment(
                *consumption_gj,
                *efficiency_project,
                *efficiency_reference,
                &ef,
                c,
            )
        }
        Parameters::FuelSwitch {
            from,
            to,
            fuel_consumption_gj,
            efficiency_from,
            efficiency_to,
            category,
            ..
        } => {
            if model.fuels.fuels()[*to].id == "electricity" {
                notes.push(grid_note.clone());
            }
            let ef_from = ctx.energy_factor(*from, *category)?;
            let ef_to = ctx.energy_factor(*to, *category)?;
            methodology::fuel_switch(
                *from,
                *to,
                *fuel_consumption_gj,
                *efficiency_from,
                *efficiency_to,
                &ef_from,
                &ef_to,
                c,
            )
        }
        Parameters::WasteToEnergy {
            throughput_t,
            availability,
            net_export_gj_per_t,
            auxiliary_fuel,
            composition,
            technology,
        } => {
            notes.push(grid_note.clone());
            let w = model.waste.as_ref().expect("checked when read");
            let fod = FodConstants::of_model(w);
            let comp = ctx.composition(*composition);
            let recovery = ctx.per_year(w.recovery.values());
            let export = match net_export_gj_per_t {
                Some(e) => vec![*e; ctx.idx.len()],
                None => ctx.per_year(w.incineration_electricity.values()),
            };
            let grid = ctx.grid()?;
            let inc = factors::incineration_factors(*technology);
            let aux: f64 = auxiliary_fuel
                .iter()
                .map(|(f, gj)| {
                    gj * combustion_factors(model, *f, Some(Category::Energy))
                        .co2e(gwp_ch4, gwp_n2o)
                })
                .sum();
            let (generated, emitted) =
                methodology::committed_ch4_per_t(&fod, &comp[0], recovery[0]);
            committed = Some(CommittedCh4 {
                generated_t_per_t: generated,
                emitted_t_per_t: emitted,
                co2e_t_per_t: emitted * gwp_ch4,
            });
            notes.push(format!(
                "landfill: the model's first-order decay (MCF {}, OX {}) on the diverted waste only",
                lcs_units::format_number(w.mcf),
                lcs_units::format_number(w.oxidation)
            ));
            methodology::waste_to_energy(&methodology::WasteToEnergy {
                incinerated_t: throughput_t * availability,
                composition: &comp,
                recovery: &recovery,
                fod: &fod,
                net_export_gj_per_t: &export,
                grid_t_per_gj: &grid,
                ch4_t_per_t: inc.ch4_t_per_t,
                n2o_t_per_t: inc.n2o_t_per_t,
                auxiliary_t_per_t: aux,
                gwp_ch4,
                gwp_n2o,
                conservativeness: c,
            })
        }
        Parameters::SemiAerobicLandfill {
            deposit_t,
            composition,
            mcf_project,
            electricity_gj,
        } => {
            let w = model.waste.as_ref().expect("checked when read");
            let mcf_p = mcf_project
                .or_else(|| factors::landfill_mcf("managed-semi-aerobic"))
                .expect("data/factors/landfill_mcf.csv has `managed-semi-aerobic`");
            let fod_reference = FodConstants::of_model(w);
            let fod_project = FodConstants::new(&w.k, w.doc_f, mcf_p, w.f, w.oxidation);
            let comp = ctx.composition(*composition);
            let recovery = ctx.per_year(w.recovery.values());
            let grid = if *electricity_gj > 0.0 {
                notes.push(grid_note.clone());
                ctx.grid()?
            } else {
                vec![0.0; ctx.idx.len()]
            };
            notes.push(format!(
                "landfill: MCF {} (model) against {} (project)",
                lcs_units::format_number(w.mcf),
                lcs_units::format_number(mcf_p)
            ));
            methodology::semi_aerobic_landfill(&methodology::SemiAerobicLandfill {
                deposit_t: *deposit_t,
                composition: &comp,
                recovery: &recovery,
                fod_reference: &fod_reference,
                fod_project: &fod_project,
                electricity_gj: *electricity_gj,
                grid_t_per_gj: &grid,
                gwp_ch4,
                conservativeness: c,
            })
        }
    };
    if c != 1.0 {
        notes.push(format!(
            "conservativeness {}: reference emissions multiplied by it",
            lcs_units::format_number(c)
        ));
    }
    let years: Vec<YearResult> = p
        .years()
        .zip(flows.reference_t.iter().zip(&flows.project_t))
        .map(|(year, (re, pe))| YearResult {
            year,
            reference_t: *re,
            project_t: *pe,
            reduction_t: re - pe,
        })
        .collect();
    let reductions: Vec<f64> = years.iter().map(|y| y.reduction_t).collect();
    let lifetime_reduction_t: f64 = reductions.iter().sum();
    let economics = p
        .economics
        .as_ref()
        .map(|e| appraise_economics(e, p.start, &flows, &reductions));
    if let Some(e) = &economics {
        if e.levelised_cost.is_none() {
            notes.push(format!(
                "no cost per t CO2e: the discounted reduction is {:.1} t CO2e, not positive (a cost over it would read as a saving)",
                e.discounted_reduction_t
            ));
        }
    }
    Ok(Appraisal {
        id: p.id.clone(),
        name: p.name.clone(),
        methodology: p.methodology,
        status: p.status,
        start: p.start,
        lifetime: p.lifetime,
        years,
        flows,
        annual_reduction_t: lifetime_reduction_t / f64::from(p.lifetime),
        lifetime_reduction_t,
        committed_ch4: committed,
        economics,
        notes,
    })
}
