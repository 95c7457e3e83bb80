//! Project files (an extension of the scenario language, docs/PROJECTS.md): one mitigation
//! project under `project:`, or a pipeline of them under `projects:`.
//!
//! A project names the model whose grid, waste and factors it uses (`region:`, loaded with
//! the same [`Loader`] as every model), a methodology, its first operating year, its
//! crediting period, the methodology's parameters, the reference (the grid factor and its
//! conservativeness) and its economics. Every value is checked here and converted to base
//! units: energies in GJ, masses in t, rates per year (time is not a dimension, so a rate's
//! time basis is checked from its unit text with [`lcs_units::UnitRegistry::time_exponent`]),
//! money in units of the project's currency at its price year (values in another currency or
//! price year are converted through `lcs-econ`; a value with no conversion path is an error).
//!
//! The equations live in `lcs-projects`; this module only reads and checks.

use crate::diag::Diagnostic;
use crate::model::Model;
use crate::read::{describe, get, join, Reader};
use crate::scenario::{reader_for, FileKind};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};
use crate::Loader;
use lcs_econ::{Basis, Tables};
use lcs_factors::Category;
use lcs_units::{nearest, Dimension, Species, CURRENCIES};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A project's methodology: which equations compute its reference and project emissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Methodology {
    /// Grid-connected solar PV: `RE = EG × EF_grid`, `PE = 0`.
    PvGrid,
    /// Solar PV displacing a captive (on-site) fossil generator: `RE = EG × EF_captive`.
    PvCaptive,
    /// More efficient equipment: `RE = EC_p × η_p/η_ref × EF`, `PE = EC_p × EF`.
    EfficientEquipment,
    /// A switch from one fuel to another for the same useful energy.
    FuelSwitch,
    /// Waste diverted from landfill to an incinerator with energy recovery.
    WasteToEnergy,
    /// A landfill converted to (or built as) a semi-aerobic landfill (the Fukuoka method).
    SemiAerobicLandfill,
}

impl Methodology {
    /// Every methodology, in documentation order.
    pub const ALL: [Methodology; 6] = [
        Methodology::PvGrid,
        Methodology::PvCaptive,
        Methodology::EfficientEquipment,
        Methodology::FuelSwitch,
        Methodology::WasteToEnergy,
        Methodology::SemiAerobicLandfill,
    ];

    /// The name used in project files.
    pub fn name(self) -> &'static str {
        match self {
            Methodology::PvGrid => "pv-grid",
            Methodology::PvCaptive => "pv-captive",
            Methodology::EfficientEquipment => "efficient-equipment",
            Methodology::FuelSwitch => "fuel-switch",
            Methodology::WasteToEnergy => "waste-to-energy",
            Methodology::SemiAerobicLandfill => "semi-aerobic-landfill",
        }
    }

    /// Parses a methodology name (exact).
    pub fn parse(s: &str) -> Option<Self> {
        Methodology::ALL.into_iter().find(|m| m.name() == s)
    }

    /// The keys its `parameters` mapping accepts.
    pub fn parameter_keys(self) -> &'static [&'static str] {
        match self {
            Methodology::PvGrid | Methodology::PvCaptive => {
                &["capacity", "capacity_factor", "generation", "degradation"]
            }
            Methodology::EfficientEquipment => &[
                "energy",
                "consumption",
                "efficiency_project",
                "efficiency_reference",
                "category",
                "node",
            ],
            Methodology::FuelSwitch => &[
                "from",
                "to",
                "fuel_consumption",
                "efficiency_from",
                "efficiency_to",
                "category",
                "node",
            ],
            Methodology::WasteToEnergy => &[
                "throughput",
                "availability",
                "net_export",
                "auxiliary_fuel",
                "composition",
                "technology",
            ],
            Methodology::SemiAerobicLandfill => {
                &["deposit", "composition", "mcf_project", "electricity"]
            }
        }
    }

    /// The keys of `economics.revenue` that apply to it.
    pub fn revenue_keys(self) -> &'static [&'static str] {
        match self {
            Methodology::PvGrid | Methodology::PvCaptive => &["electricity_tariff", "annual"],
            Methodology::EfficientEquipment => &["energy_price", "annual"],
            Methodology::FuelSwitch => &["fuel_prices", "annual"],
            Methodology::WasteToEnergy => &["electricity_tariff", "gate_fee", "annual"],
            Methodology::SemiAerobicLandfill => &["gate_fee", "annual"],
        }
    }
}

/// Where a project stands in the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Named as a possibility (for example by `lcs projects --screen`).
    Identified,
    /// A feasibility study exists or is under way.
    Feasibility,
    /// Decided and financed, not yet operating.
    Planned,
    /// In operation.
    Operating,
}

impl Status {
    /// Every status, in pipeline order.
    pub const ALL: [Status; 4] = [
        Status::Identified,
        Status::Feasibility,
        Status::Planned,
        Status::Operating,
    ];

    /// The name used in project files.
    pub fn name(self) -> &'static str {
        match self {
            Status::Identified => "identified",
            Status::Feasibility => "feasibility",
            Status::Planned => "planned",
            Status::Operating => "operating",
        }
    }
}

/// The incineration technology of a waste-to-energy plant, which selects its CH4 and N2O
/// factors (IPCC 2006 Vol. 5 Ch. 5 Tables 5.3 and 5.6, `data/factors/incineration.csv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Incinerator {
    /// Continuous stoker (the default).
    ContinuousStoker,
    /// Continuous fluidised bed.
    ContinuousFluidisedBed,
    /// Semi-continuous stoker.
    SemiContinuousStoker,
    /// Semi-continuous fluidised bed.
    SemiContinuousFluidisedBed,
    /// Batch stoker.
    BatchStoker,
    /// Batch fluidised bed.
    BatchFluidisedBed,
}

impl Incinerator {
    /// Every technology.
    pub const ALL: [Incinerator; 6] = [
        Incinerator::ContinuousStoker,
        Incinerator::ContinuousFluidisedBed,
        Incinerator::SemiContinuousStoker,
        Incinerator::SemiContinuousFluidisedBed,
        Incinerator::BatchStoker,
        Incinerator::BatchFluidisedBed,
    ];

    /// The name used in project files and in `data/factors/incineration.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Incinerator::ContinuousStoker => "continuous-stoker",
            Incinerator::ContinuousFluidisedBed => "continuous-fluidised-bed",
            Incinerator::SemiContinuousStoker => "semi-continuous-stoker",
            Incinerator::SemiContinuousFluidisedBed => "semi-continuous-fluidised-bed",
            Incinerator::BatchStoker => "batch-stoker",
            Incinerator::BatchFluidisedBed => "batch-fluidised-bed",
        }
    }

    /// Whether the plant is fed in batches (its N2O factor is the batch one).
    pub fn is_batch(self) -> bool {
        matches!(
            self,
            Incinerator::BatchStoker | Incinerator::BatchFluidisedBed
        )
    }
}

/// The output of a PV project.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PvOutput {
    /// Capacity and capacity factor: `EG = P × CF` (P in GJ per year at full power, so
    /// `P × CF` is GJ per year; 1 MW = 31 536 GJ per year).
    Capacity {
        /// Peak capacity, GJ per year at full power.
        capacity_gj: f64,
        /// Capacity factor, 0–1.
        capacity_factor: f64,
    },
    /// Annual generation in the first year, GJ.
    Generation {
        /// GJ per year.
        generation_gj: f64,
    },
}

/// A methodology's checked parameters, in base units.
#[derive(Clone, Debug, PartialEq)]
pub enum Parameters {
    /// `pv-grid` and `pv-captive`.
    Pv {
        /// The first year's output.
        output: PvOutput,
        /// Output lost per year of age, 0–1 (`(1 − d)^(y − start)`).
        degradation: f64,
    },
    /// `efficient-equipment`.
    EfficientEquipment {
        /// The energy the equipment uses: a fuel index of the model's fuel table
        /// (electricity included).
        energy: usize,
        /// `EC_p`: the project equipment's consumption, GJ per year.
        consumption_gj: f64,
        /// `η_p`: efficiency, COP or efficacy of the project equipment (> 0).
        efficiency_project: f64,
        /// `η_ref`: the same of the reference equipment (> 0).
        efficiency_reference: f64,
        /// Combustion category of a fuel (CH4, N2O factors).
        category: Category,
        /// The demand node whose final energy the saving lowers when a scenario links the
        /// project (`node: demand.industry`; needed only for the link).
        node: Option<usize>,
    },
    /// `fuel-switch`.
    FuelSwitch {
        /// The reference fuel (fuel index).
        from: usize,
        /// The project fuel (fuel index; electricity allowed).
        to: usize,
        /// `FC_ref`: reference fuel consumption, GJ per year.
        fuel_consumption_gj: f64,
        /// Efficiency of the reference equipment (default 1).
        efficiency_from: f64,
        /// Efficiency of the project equipment (default 1): `FC_p = FC_ref × η_from / η_to`.
        efficiency_to: f64,
        /// Combustion category (CH4, N2O factors).
        category: Category,
        /// The demand node whose final energy switches fuel when a scenario links the project
        /// (`node: demand.industry`; needed only for the link).
        node: Option<usize>,
    },
    /// `waste-to-energy`.
    WasteToEnergy {
        /// Waste incinerated at full capacity, t per year.
        throughput_t: f64,
        /// Share of the year the plant runs at that rate, 0–1 (default 1).
        availability: f64,
        /// Net electricity exported per tonne, GJ per t; `None` takes the model's
        /// `waste.incineration.electricity` of each year.
        net_export_gj_per_t: Option<f64>,
        /// Auxiliary fuels: (fuel index, GJ per t of waste).
        auxiliary_fuel: Vec<(usize, f64)>,
        /// Composition of the waste burnt (shares by `WasteType::index`); `None` takes the
        /// model's composition of each year.
        composition: Option<[f64; lcs_factors::N_WASTE_TYPES]>,
        /// Incineration technology.
        technology: Incinerator,
    },
    /// `semi-aerobic-landfill`.
    SemiAerobicLandfill {
        /// Waste deposited, t per year.
        deposit_t: f64,
        /// Composition (shares by `WasteType::index`); `None` takes the model's.
        composition: Option<[f64; lcs_factors::N_WASTE_TYPES]>,
        /// MCF of the project landfill; `None` takes the semi-aerobic default of
        /// `data/factors/landfill_mcf.csv`.
        mcf_project: Option<f64>,
        /// Electricity used (blowers, leachate pumps), GJ per year.
        electricity_gj: f64,
    },
}

/// A grid emission factor: the model's, year by year, or a fixed value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GridFactor {
    /// The model's grid factor (or mix) of each year, from a reference run.
    Model,
    /// A fixed factor: t of `species` per GJ of electricity.
    Value {
        /// t of gas per GJ.
        t_per_gj: f64,
        /// The gas (`CO2e` counts as is; `CH4`, `N2O` are weighted by the model's GWP).
        species: Species,
    },
}

/// The displaced captive generator of a `pv-captive` project.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Captive {
    /// A generator burning a fuel at an efficiency: `EF = EF_fuel / η`.
    Fuel {
        /// Fuel index.
        fuel: usize,
        /// Electrical efficiency, 0–1.
        efficiency: f64,
    },
    /// A stated factor, t of `species` per GJ of electricity.
    Factor {
        /// t of gas per GJ.
        t_per_gj: f64,
        /// The gas.
        species: Species,
    },
}

/// The reference scenario's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reference {
    /// The grid factor of electricity displaced, exported or used (default: the model's).
    pub grid_factor: GridFactor,
    /// The displaced captive generator (`pv-captive` only).
    pub captive: Option<Captive>,
    /// Multiplier ≤ 1 on reference emissions (JCM conservativeness), default 1.
    pub conservativeness: f64,
}

/// Revenues (or savings) of a project, each on the project's basis.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Revenue {
    /// Money per GJ of electricity generated or exported.
    pub electricity_tariff_per_gj: Option<f64>,
    /// Money per GJ of energy saved (`efficient-equipment`).
    pub energy_price_per_gj: Option<f64>,
    /// Money per t of waste treated.
    pub gate_fee_per_t: Option<f64>,
    /// Fuel prices, money per GJ, by fuel index (`fuel-switch`).
    pub fuel_prices_per_gj: Vec<(usize, f64)>,
    /// Other revenue, money per year.
    pub annual: Option<f64>,
}

/// A project's economics, every amount in units of `basis.currency` (MYR, not MYR million)
/// at the prices of `basis.price_year`.
#[derive(Clone, Debug, PartialEq)]
pub struct Economics {
    /// Currency and price year of every amount.
    pub basis: Basis,
    /// The currency unit as written (`MYR million`), for display.
    pub unit_text: String,
    /// Its factor to the currency (`MYR million` → 1e6).
    pub unit_factor: f64,
    /// Discount rate per year.
    pub discount_rate: f64,
    /// Initial investment, paid at the start of the first operating year.
    pub capex: f64,
    /// Operating cost per year.
    pub opex: f64,
    /// Revenues.
    pub revenue: Revenue,
    /// The subsidy (a JCM model-project subsidy): an amount.
    pub subsidy: f64,
    /// The subsidy as a share of capex, when given that way.
    pub subsidy_share: Option<f64>,
}

/// A checked project.
#[derive(Clone, Debug)]
pub struct Project {
    /// Id, unique within a run.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// The model whose grid, waste and factors the project uses.
    pub region: Arc<Model>,
    /// The model file as resolved from `region:`.
    pub region_file: PathBuf,
    /// The methodology.
    pub methodology: Methodology,
    /// First operating year.
    pub start: i32,
    /// Crediting period in whole years (≥ 1): years `start .. start + lifetime`.
    pub lifetime: u32,
    /// The methodology's parameters.
    pub parameters: Parameters,
    /// The reference settings.
    pub reference: Reference,
    /// Economics, if given.
    pub economics: Option<Economics>,
    /// Agencies and companies.
    pub agency: Vec<String>,
    /// Pipeline status.
    pub status: Status,
    /// The project's key path in its file (`""` for a `project:` file, `projects[2]` in a
    /// list).
    pub key: String,
    /// Where the project is defined.
    pub span: Span,
}

impl Project {
    /// The operating years, `start ..= start + lifetime − 1`.
    pub fn years(&self) -> std::ops::Range<i32> {
        self.start..self.start + self.lifetime as i32
    }
}

/// The keys of a project (a `project:` file, or an item of `projects:`).
pub(crate) const PROJECT_KEYS: [&str; 12] = [
    "project",
    "name",
    "region",
    "methodology",
    "start",
    "lifetime",
    "parameters",
    "reference",
    "economics",
    "agency",
    "status",
    "notes",
];
/// The keys of a project's `economics`.
pub(crate) const ECONOMICS_KEYS: [&str; 8] = [
    "currency",
    "price_year",
    "capex",
    "opex",
    "revenue",
    "subsidy_share",
    "subsidy",
    "discount_rate",
];
/// The keys of `economics.revenue` (each methodology takes some: [`Methodology::revenue_keys`]).
pub(crate) const REVENUE_KEYS: [&str; 5] = [
    "electricity_tariff",
    "energy_price",
    "gate_fee",
    "fuel_prices",
    "annual",
];

/// The top-level keys of a pipeline file (`projects:`).
pub(crate) const PIPELINE_KEYS: [&str; 3] = ["projects", "region", "name"];
/// The keys of a project's `reference`.
pub(crate) const REFERENCE_KEYS: [&str; 3] = ["grid_factor", "captive", "conservativeness"];
/// The keys of `reference.captive` in its mapping form.
pub(crate) const CAPTIVE_KEYS: [&str; 2] = ["fuel", "efficiency"];
/// The keys of a money value in its mapping form.
pub(crate) const MONEY_KEYS: [&str; 2] = ["value", "price_year"];

fn quoted_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn key_path(prefix: &str, key: &str) -> String {
    join(prefix, key)
}

impl Loader {
    /// Loads and checks a project file: one project (`project:`) or a list (`projects:`,
    /// items a project mapping or the path of a `project:` file). Every project's region
    /// model is loaded and checked too.
    pub fn load_projects(&mut self, path: &Path) -> Result<Vec<Project>, Vec<Diagnostic>> {
        let (_, node) = self.read(path)?;
        if self.kind(&node, path)? != FileKind::Project {
            return Err(vec![Diagnostic::new(
                node.span,
                format!("`{}` is not a project file", path.display()),
            )
            .expected("a file with `project:` or `projects:`")]);
        }
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let NodeKind::Map(items) = &node.kind else {
            unreachable!("a project file is a mapping")
        };
        let mut errors = Vec::new();
        let mut out = Vec::new();
        if get(items, "projects").is_some() {
            let mut r = plain_reader();
            let Some(items) = r.map(&node, "", &PIPELINE_KEYS) else {
                return Err(r.errors);
            };
            let region = get(items, "region");
            let list_node = get(items, "projects").expect("checked above");
            let Some(list) = r.seq(list_node, "projects", "projects") else {
                return Err(r.errors);
            };
            if list.is_empty() {
                // An empty pipeline appraises nothing and links nothing: surely a mistake.
                r.err(
                    Diagnostic::new(list_node.span, "the pipeline lists no projects")
                        .at("projects")
                        .expected("a list of project mappings or paths of `project:` files"),
                );
            }
            errors.append(&mut r.errors);
            for (i, item) in list.iter().enumerate() {
                let key = format!("projects[{i}]");
                match &item.kind {
                    NodeKind::Scalar { text, .. } if !item.is_null() => {
                        // A path to a `project:` file.
                        let p = dir.join(text);
                        match self.read(&p) {
                            Err(mut e) => {
                                for d in &mut e {
                                    if d.span.is_none() {
                                        d.span = Some(item.span);
                                        d.path = key.clone();
                                    }
                                }
                                errors.extend(e);
                            }
                            Ok((_, pnode)) => {
                                let is_single = matches!(&pnode.kind, NodeKind::Map(pi) if get(pi, "project").is_some() && get(pi, "projects").is_none());
                                if !is_single {
                                    errors.push(
                                        Diagnostic::new(
                                            item.span,
                                            format!("`{text}` is not a single-project file"),
                                        )
                                        .at(key.clone())
                                        .expected("the path of a file with `project:`"),
                                    );
                                    continue;
                                }
                                let pdir = p.parent().map(Path::to_path_buf).unwrap_or_default();
                                match self.project(&pnode, "", &pdir, None) {
                                    Ok(pr) => out.push(pr),
                                    Err(e) => errors.extend(e),
                                }
                            }
                        }
                    }
                    _ => match self.project(item, &key, &dir, region) {
                        Ok(pr) => out.push(pr),
                        Err(e) => errors.extend(e),
                    },
                }
            }
        } else {
            match self.project(&node, "", &dir, None) {
                Ok(pr) => out.push(pr),
                Err(e) => errors.extend(e),
            }
        }
        for (i, p) in out.iter().enumerate() {
            if let Some(first) = out[..i].iter().find(|q| q.id == p.id) {
                errors.push(
                    Diagnostic::new(p.span, format!("project id `{}` is used twice", p.id))
                        .at(key_path(&p.key, "project"))
                        .note(format!(
                            "first defined at {}",
                            self.sources.location(&first.span)
                        )),
                );
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Reads one project mapping at key path `prefix`; `region` is the list's shared
    /// `region:` when the item has none.
    fn project(
        &mut self,
        node: &Node,
        prefix: &str,
        dir: &Path,
        shared_region: Option<&Node>,
    ) -> Result<Project, Vec<Diagnostic>> {
        let mut r = plain_reader();
        let Some(items) = r.map(node, prefix, &PROJECT_KEYS) else {
            return Err(r.errors);
        };
        let at = |k: &str| key_path(prefix, k);
        let id = r
            .req(items, "project", prefix, node.span)
            .and_then(|n| r.text(n, &at("project")))
            .map(str::to_string);
        // The region model first: units, years, fuels and the grid come from it.
        let region_node = get(items, "region").or(shared_region);
        let Some(region_node) = region_node else {
            r.err(Diagnostic::new(node.span, "missing key `region`").at(at("region")).note(
                "`region` names the model file whose grid, waste and factors the project uses",
            ));
            return Err(r.errors);
        };
        let Some(region_text) = r.text(region_node, &at("region")).map(str::to_string) else {
            return Err(r.errors);
        };
        let region_file = dir.join(&region_text);
        let model = match self.read(&region_file) {
            Err(mut e) => {
                for d in &mut e {
                    if d.span.is_none() {
                        d.span = Some(region_node.span);
                        d.path = at("region");
                    }
                }
                r.errors.extend(e);
                return Err(r.errors);
            }
            Ok((_, mnode)) => {
                if self.kind(&mnode, &region_file).ok() != Some(FileKind::Model) {
                    r.err(
                        Diagnostic::new(
                            region_node.span,
                            format!("`{region_text}` is not a model file"),
                        )
                        .at(at("region"))
                        .expected("the path of a file with a top-level `region:` mapping"),
                    );
                    return Err(r.errors);
                }
                match self.load_model(&region_file) {
                    Ok(m) => m,
                    Err(e) => {
                        r.errors.extend(e);
                        return Err(r.errors);
                    }
                }
            }
        };
        let mut r2 = reader_for(&model);
        r2.data = self.data.clone();
        r2.errors = std::mem::take(&mut r.errors);
        let mut c = Ctx {
            r: r2,
            model: &model,
            prefix: prefix.to_string(),
        };
        let name = get(items, "name")
            .and_then(|n| c.r.text(n, &at("name")))
            .map(str::to_string);
        let methodology =
            c.r.req(items, "methodology", prefix, node.span)
                .and_then(|n| c.methodology(n));
        let start =
            c.r.req(items, "start", prefix, node.span)
                .and_then(|n| c.r.year(n, &at("start")));
        let lifetime =
            c.r.req(items, "lifetime", prefix, node.span)
                .and_then(|n| c.lifetime(n));
        if let (Some(s), Some(l), Some(n)) = (start, lifetime, get(items, "lifetime")) {
            let last = s + l as i32 - 1;
            if s < model.base_year || last > model.end_year {
                c.r.err(
                    Diagnostic::new(
                        n.span,
                        format!(
                            "the project runs {s}–{last}, outside the model years {}–{} of `{region_text}`",
                            model.base_year, model.end_year
                        ),
                    )
                    .at(at("lifetime"))
                    .expected(format!(
                        "operating years from {} to {} (the grid factor, waste and recovery come from the model year by year)",
                        model.base_year, model.end_year
                    )),
                );
            }
        }
        let parameters = match (methodology, get(items, "parameters")) {
            (Some(m), Some(p)) => c.parameters(m, p),
            (Some(_), None) => {
                c.r.err(
                    Diagnostic::new(node.span, "missing key `parameters`").at(at("parameters")),
                );
                None
            }
            _ => None,
        };
        let reference = match get(items, "reference") {
            Some(n) => c.reference(n, methodology),
            None => Some(Reference {
                grid_factor: GridFactor::Model,
                captive: None,
                conservativeness: 1.0,
            }),
        };
        if let (Some(m), Some(rf)) = (methodology, &reference) {
            c.check_reference_fits(
                m,
                rf,
                parameters.as_ref(),
                node.span,
                get(items, "reference"),
            );
        }
        let economics = match get(items, "economics") {
            Some(n) => c.economics(n, methodology, start),
            None => None,
        };
        let agency = match get(items, "agency") {
            Some(n) => c.r.strings(n, &at("agency")).unwrap_or_default(),
            None => Vec::new(),
        };
        let status = match get(items, "status") {
            Some(n) => c.status(n),
            None => Some(Status::Identified),
        };
        if let Some(n) = get(items, "notes") {
            let _ = c.r.text(n, &at("notes"));
        }
        let errors = c.r.errors;
        if !errors.is_empty() {
            return Err(errors);
        }
        let (
            Some(id),
            Some(methodology),
            Some(start),
            Some(lifetime),
            Some(parameters),
            Some(reference),
            Some(status),
        ) = (
            id,
            methodology,
            start,
            lifetime,
            parameters,
            reference,
            status,
        )
        else {
            // Every `None` above reported an error.
            return Err(vec![
                Diagnostic::new(node.span, "invalid project").at(prefix)
            ]);
        };
        Ok(Project {
            id,
            name,
            region: Arc::new(model),
            region_file,
            methodology,
            start,
            lifetime,
            parameters,
            reference,
            economics: economics.flatten(),
            agency,
            status,
            key: prefix.to_string(),
            span: node.span,
        })
    }
}

/// A reader for keys that need no model (ids, names, the region path).
fn plain_reader() -> Reader {
    crate::scenario::bare_reader()
}

/// What a rate or amount must be, for checks and messages.
#[derive(Clone, Copy)]
enum Kind {
    /// Energy per year (a power, `MW`, or `MWh/yr`).
    Power,
    /// Mass per year (`t/day`, `t/yr`).
    MassFlow,
    /// Energy per mass (`MWh/t`, `MJ/t`).
    EnergyPerMass,
    /// Electricity per year.
    EnergyPerYear,
}

impl Kind {
    fn dim(self) -> Dimension {
        match self {
            Kind::Power | Kind::EnergyPerYear => Dimension::energy(),
            Kind::MassFlow => Dimension::mass(),
            Kind::EnergyPerMass => Dimension::energy().div(&Dimension::mass()),
        }
    }
    fn time(self) -> i32 {
        match self {
            Kind::Power | Kind::MassFlow | Kind::EnergyPerYear => -1,
            Kind::EnergyPerMass => 0,
        }
    }
    fn expected(self) -> &'static str {
        match self {
            Kind::Power => "a power, e.g. `2 MW`, `500 kW` (or an energy per year, `GJ/yr`)",
            Kind::EnergyPerYear => "an energy per year, e.g. `3000 MWh/yr`, `40 TJ/yr`",
            Kind::MassFlow => "a mass per time, e.g. `1000 t/day`, `365000 t/yr`",
            Kind::EnergyPerMass => "an energy per tonne, e.g. `0.45 MWh/t`, `15 MJ/t`",
        }
    }
}

/// Names what a unit measures, with its time basis (time is not a dimension).
fn what_unit_is(dim: &Dimension, time: i32) -> String {
    let e = Dimension::energy();
    let m = Dimension::mass();
    match time {
        -1 if *dim == e => "a power".to_string(),
        0 if *dim == e => "an energy".to_string(),
        -1 if *dim == m => "a mass per time".to_string(),
        0 if *dim == m => "a mass".to_string(),
        0 if dim.is_none() => "a plain number".to_string(),
        0 => format!("{dim}"),
        -1 => format!("{dim} per time"),
        t => format!("{dim} × time^{t}"),
    }
}

struct Ctx<'m> {
    r: Reader,
    model: &'m Model,
    prefix: String,
}

impl Ctx<'_> {
    fn at(&self, k: &str) -> String {
        key_path(&self.prefix, k)
    }

    fn methodology(&mut self, n: &Node) -> Option<Methodology> {
        let p = self.at("methodology");
        let t = self.r.text(n, &p)?;
        match Methodology::parse(t) {
            Some(m) => Some(m),
            None => {
                let names: Vec<&str> = Methodology::ALL.iter().map(|m| m.name()).collect();
                self.r.err(
                    Diagnostic::new(n.span, format!("unknown methodology `{t}`"))
                        .at(p)
                        .expected(format!("one of {}", quoted_list(names.iter().copied())))
                        .suggest(nearest(t, names)),
                );
                None
            }
        }
    }

    fn status(&mut self, n: &Node) -> Option<Status> {
        let p = self.at("status");
        let t = self.r.text(n, &p)?;
        match Status::ALL.into_iter().find(|s| s.name() == t) {
            Some(s) => Some(s),
            None => {
                let names: Vec<&str> = Status::ALL.iter().map(|s| s.name()).collect();
                self.r.err(
                    Diagnostic::new(n.span, format!("unknown status `{t}`"))
                        .at(p)
                        .expected(format!("one of {}", quoted_list(names.iter().copied())))
                        .suggest(nearest(t, names)),
                );
                None
            }
        }
    }

    /// `lifetime`: whole years ≥ 1, a bare number or in `yr`.
    fn lifetime(&mut self, n: &Node) -> Option<u32> {
        let p = self.at("lifetime");
        let q = self.r.quantity(n, &p)?;
        if let Some(text) = &q.unit_text {
            let time = self.r.units.time_exponent(text).unwrap_or(0);
            let dim = q.unit.as_ref().map(|u| u.dim.clone()).unwrap_or_default();
            if time != 1 || !dim.is_none() {
                self.r.err(
                    Diagnostic::new(n.span, "a lifetime is a number of years")
                        .at(p)
                        .expected("a number of years, e.g. `20 yr` or `20`")
                        .found(format!("`{text}` ({})", what_unit_is(&dim, time))),
                );
                return None;
            }
        }
        let years = q.base_value();
        if years <= 0.0 {
            self.r.err(
                Diagnostic::new(
                    n.span,
                    format!(
                        "lifetime must be at least 1 year, found {}",
                        lcs_units::format_number(years)
                    ),
                )
                .at(p)
                .expected("a whole number of years ≥ 1"),
            );
            return None;
        }
        if years.fract() != 0.0 || years > 200.0 {
            self.r.err(
                Diagnostic::new(
                    n.span,
                    format!(
                        "lifetime {} is not a whole number of years from 1 to 200",
                        lcs_units::format_number(years)
                    ),
                )
                .at(p)
                .expected("a whole number of years ≥ 1"),
            );
            return None;
        }
        Some(years as u32)
    }

    /// A rate or amount of a given kind, in base units (GJ, t; per year).
    fn rate(&mut self, n: &Node, path: &str, kind: Kind) -> Option<f64> {
        let q = self.r.quantity(n, path)?;
        let (Some(unit), Some(text)) = (&q.unit, &q.unit_text) else {
            self.r.err(
                Diagnostic::new(n.span, "this value needs a unit")
                    .at(path)
                    .expected(kind.expected())
                    .found(format!(
                        "the plain number {}",
                        lcs_units::format_number(q.value)
                    )),
            );
            return None;
        };
        let time = match self.r.units.time_exponent(text) {
            Ok(t) => t,
            Err(e) => {
                self.r.unit_error(n.span, path, &e);
                return None;
            }
        };
        if unit.dim != kind.dim() || time != kind.time() {
            let want = what_unit_is(&kind.dim(), kind.time());
            let found = what_unit_is(&unit.dim, time);
            self.r.err(
                Diagnostic::new(
                    n.span,
                    format!("wrong unit: expected {want}, found `{text}` ({found})"),
                )
                .at(path)
                .expected(kind.expected())
                .found(format!("`{text}` ({found})")),
            );
            return None;
        }
        let v = q.base_value();
        if v < 0.0 {
            self.r.err(
                Diagnostic::new(n.span, "this value cannot be negative")
                    .at(path)
                    .found(describe(n)),
            );
            return None;
        }
        Some(v)
    }

    /// A plain number in `[lo, hi]` (`lo_open`: `lo` excluded); `what` names it in
    /// messages (`capacity factor`).
    fn number_in(
        &mut self,
        n: &Node,
        path: &str,
        lo: f64,
        lo_open: bool,
        hi: f64,
        what: &str,
    ) -> Option<f64> {
        let v = self.r.number(n, path)?;
        let ok = (if lo_open { v > lo } else { v >= lo }) && v <= hi;
        if !ok {
            let range = format!("{}{lo}, {hi}]", if lo_open { "(" } else { "[" });
            self.r.err(
                Diagnostic::new(n.span, format!("{what} {v} is outside {range}"))
                    .at(path)
                    .expected(format!("a {what} in {range}")),
            );
            return None;
        }
        Some(v)
    }

    fn positive(&mut self, n: &Node, path: &str, what: &str) -> Option<f64> {
        let v = self.r.number(n, path)?;
        if v > 0.0 && v.is_finite() {
            Some(v)
        } else {
            self.r.err(
                Diagnostic::new(
                    n.span,
                    format!(
                        "{what} must be positive, found {}",
                        lcs_units::format_number(v)
                    ),
                )
                .at(path),
            );
            None
        }
    }

    fn fuel(&mut self, n: &Node, path: &str, allow_carrier: bool) -> Option<usize> {
        let t = self.r.text(n, path)?;
        self.fuel_named(t, n.span, path, allow_carrier)
    }

    fn fuel_named(
        &mut self,
        t: &str,
        span: Span,
        path: &str,
        allow_carrier: bool,
    ) -> Option<usize> {
        let i = self.r.fuel_index(&self.model.fuels, t, span, path)?;
        let f = &self.model.fuels.fuels()[i];
        if f.is_carrier() && !(allow_carrier && t == "electricity") {
            self.r.err(
                Diagnostic::new(span, format!("`{t}` is an energy carrier, not a fuel"))
                    .at(path)
                    .expected(if allow_carrier {
                        "a fuel id or `electricity`"
                    } else {
                        "a fuel id"
                    }),
            );
            return None;
        }
        Some(i)
    }

    fn category(&mut self, items: &[(crate::yaml::Key, Node)], pp: &str) -> Option<Category> {
        match get(items, "category") {
            None => Some(Category::Manufacturing),
            Some(n) => {
                let p = join(pp, "category");
                let t = self.r.text(n, &p)?;
                match Category::parse(t) {
                    Some(c) => Some(c),
                    None => {
                        let names: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
                        self.r.err(
                            Diagnostic::new(n.span, format!("unknown category `{t}`"))
                                .at(p)
                                .expected(format!("one of {}", quoted_list(names.iter().copied())))
                                .suggest(nearest(t, names)),
                        );
                        None
                    }
                }
            }
        }
    }

    /// `node: demand.<node>`: a demand node of the region model (`Some(None)` when absent,
    /// `None` after an error).
    fn node(&mut self, items: &[(crate::yaml::Key, Node)], pp: &str) -> Option<Option<usize>> {
        let Some(n) = get(items, "node") else {
            return Some(None);
        };
        let p = join(pp, "node");
        let t = self.r.text(n, &p)?;
        let found = t.strip_prefix("demand.").and_then(|x| self.model.node(x));
        if found.is_none() {
            let valid: Vec<String> = self
                .model
                .nodes
                .iter()
                .map(|x| format!("demand.{}", x.path))
                .collect();
            self.r.err(
                Diagnostic::new(n.span, format!("unknown demand node `{t}`"))
                    .at(p)
                    .expected("a demand node of the region model, written `demand.<node>` (e.g. `demand.industry`)")
                    .suggest(nearest(t, valid.iter().map(String::as_str))),
            );
            return None;
        }
        Some(found)
    }

    fn composition(&mut self, n: &Node, path: &str) -> Option<[f64; lcs_factors::N_WASTE_TYPES]> {
        let items = self.r.free_map(n, path, "waste types to shares")?;
        let mut out = [0.0; lcs_factors::N_WASTE_TYPES];
        let mut ok = true;
        for (k, v) in items {
            let p = join(path, &k.text);
            match self.r.waste_type(&k.text, k.span, &p) {
                None => ok = false,
                Some(t) => match self.number_in(v, &p, 0.0, false, 1.0, "share") {
                    Some(x) => out[t.index()] = x,
                    None => ok = false,
                },
            }
        }
        if !ok {
            return None;
        }
        let sum: f64 = out.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            self.r.err(
                Diagnostic::new(
                    n.span,
                    format!("the shares sum to {}, not 1", lcs_units::format_number(sum)),
                )
                .at(path)
                .expected("shares that sum to 1 (±1e-9)"),
            );
            return None;
        }
        Some(out)
    }

    fn needs_waste(&mut self, span: Span, path: &str, what: &str) -> bool {
        if self.model.waste.is_none() {
            self.r.err(
                Diagnostic::new(span, format!("{what} needs the model's waste section"))
                    .at(path)
                    .note("the landfill's first-order decay (MCF, k, DOC, F, OX, recovery) comes from the region model's `waste:`"),
            );
            return false;
        }
        true
    }

    fn parameters(&mut self, m: Methodology, n: &Node) -> Option<Parameters> {
        let pp = self.at("parameters");
        let items = self.r.map(n, &pp, m.parameter_keys())?;
        let p = |k: &str| join(&pp, k);
        let req = |c: &mut Self, k: &str| c.r.req(items, k, &pp, n.span);
        match m {
            Methodology::PvGrid | Methodology::PvCaptive => {
                let cap = get(items, "capacity");
                let gen = get(items, "generation");
                let output = match (cap, gen) {
                    (Some(_), Some(g)) => {
                        self.r.err(
                            Diagnostic::new(g.span, "give `capacity` (with `capacity_factor`) or `generation`, not both")
                                .at(p("generation")),
                        );
                        None
                    }
                    (None, None) => {
                        self.r.err(
                            Diagnostic::new(n.span, "missing key `capacity`")
                                .at(p("capacity"))
                                .note("a PV project needs `capacity` and `capacity_factor`, or `generation`"),
                        );
                        None
                    }
                    (Some(c), None) => {
                        let capacity = self.rate(c, &p("capacity"), Kind::Power);
                        let cf = req(self, "capacity_factor").and_then(|x| {
                            self.number_in(
                                x,
                                &p("capacity_factor"),
                                0.0,
                                true,
                                1.0,
                                "capacity factor",
                            )
                        });
                        match (capacity, cf) {
                            (Some(capacity_gj), Some(capacity_factor)) => {
                                Some(PvOutput::Capacity {
                                    capacity_gj,
                                    capacity_factor,
                                })
                            }
                            _ => None,
                        }
                    }
                    (None, Some(g)) => {
                        if let Some(x) = get(items, "capacity_factor") {
                            self.r.err(
                                Diagnostic::new(
                                    x.span,
                                    "`capacity_factor` goes with `capacity`, not with `generation`",
                                )
                                .at(p("capacity_factor")),
                            );
                        }
                        self.rate(g, &p("generation"), Kind::EnergyPerYear)
                            .map(|generation_gj| PvOutput::Generation { generation_gj })
                    }
                };
                let degradation = match get(items, "degradation") {
                    None => Some(0.0),
                    Some(d) => {
                        self.number_in(d, &p("degradation"), 0.0, false, 0.5, "degradation rate")
                    }
                };
                Some(Parameters::Pv {
                    output: output?,
                    degradation: degradation?,
                })
            }
            Methodology::EfficientEquipment => {
                let energy = req(self, "energy").and_then(|x| self.fuel(x, &p("energy"), true));
                let consumption = req(self, "consumption")
                    .and_then(|x| self.rate(x, &p("consumption"), Kind::EnergyPerYear));
                let ep = req(self, "efficiency_project")
                    .and_then(|x| self.positive(x, &p("efficiency_project"), "efficiency"));
                let er = req(self, "efficiency_reference")
                    .and_then(|x| self.positive(x, &p("efficiency_reference"), "efficiency"));
                let category = self.category(items, &pp);
                let node = self.node(items, &pp);
                if let (Some(a), Some(b), Some(x)) = (ep, er, get(items, "efficiency_reference")) {
                    if b > a {
                        self.r.err(
                            Diagnostic::new(x.span, format!(
                                "the reference equipment is more efficient ({}) than the project's ({}): the project would add emissions",
                                lcs_units::format_number(b), lcs_units::format_number(a)
                            ))
                            .at(p("efficiency_reference"))
                            .expected("`efficiency_project` ≥ `efficiency_reference`"),
                        );
                        return None;
                    }
                }
                Some(Parameters::EfficientEquipment {
                    energy: energy?,
                    consumption_gj: consumption?,
                    efficiency_project: ep?,
                    efficiency_reference: er?,
                    category: category?,
                    node: node?,
                })
            }
            Methodology::FuelSwitch => {
                let from = req(self, "from").and_then(|x| self.fuel(x, &p("from"), false));
                let to = req(self, "to").and_then(|x| self.fuel(x, &p("to"), true));
                let fc = req(self, "fuel_consumption")
                    .and_then(|x| self.rate(x, &p("fuel_consumption"), Kind::EnergyPerYear));
                let ef = match get(items, "efficiency_from") {
                    None => Some(1.0),
                    Some(x) => {
                        self.number_in(x, &p("efficiency_from"), 0.0, true, 10.0, "efficiency")
                    }
                };
                let et = match get(items, "efficiency_to") {
                    None => Some(1.0),
                    Some(x) => {
                        self.number_in(x, &p("efficiency_to"), 0.0, true, 10.0, "efficiency")
                    }
                };
                let category = self.category(items, &pp);
                let node = self.node(items, &pp);
                if let (Some(a), Some(b), Some(x)) = (from, to, get(items, "to")) {
                    if a == b {
                        self.r.err(
                            Diagnostic::new(x.span, "`from` and `to` are the same fuel")
                                .at(p("to")),
                        );
                        return None;
                    }
                }
                Some(Parameters::FuelSwitch {
                    from: from?,
                    to: to?,
                    fuel_consumption_gj: fc?,
                    efficiency_from: ef?,
                    efficiency_to: et?,
                    category: category?,
                    node: node?,
                })
            }
            Methodology::WasteToEnergy => {
                let has_waste =
                    self.needs_waste(n.span, &self.at("methodology"), "`waste-to-energy`");
                let throughput = req(self, "throughput")
                    .and_then(|x| self.rate(x, &p("throughput"), Kind::MassFlow));
                let availability = match get(items, "availability") {
                    None => Some(1.0),
                    Some(x) => {
                        self.number_in(x, &p("availability"), 0.0, true, 1.0, "availability")
                    }
                };
                let net_export = match get(items, "net_export") {
                    None => Some(None),
                    Some(x) => self
                        .rate(x, &p("net_export"), Kind::EnergyPerMass)
                        .map(Some),
                };
                let mut aux = Vec::new();
                let mut aux_ok = true;
                if let Some(a) = get(items, "auxiliary_fuel") {
                    let ap = p("auxiliary_fuel");
                    match self.r.free_map(a, &ap, "fuels to energy per tonne") {
                        Some(fuels) => {
                            for (k, v) in fuels {
                                let kp = join(&ap, &k.text);
                                let f = self.fuel_named(&k.text, k.span, &kp, false);
                                let e = self.rate(v, &kp, Kind::EnergyPerMass);
                                match (f, e) {
                                    (Some(f), Some(e)) => aux.push((f, e)),
                                    _ => aux_ok = false,
                                }
                            }
                        }
                        None => aux_ok = false,
                    }
                }
                let composition = match get(items, "composition") {
                    None => Some(None),
                    Some(x) => self.composition(x, &p("composition")).map(Some),
                };
                let technology = match get(items, "technology") {
                    None => Some(Incinerator::ContinuousStoker),
                    Some(x) => {
                        let tp = p("technology");
                        let t = self.r.text(x, &tp)?;
                        match Incinerator::ALL.into_iter().find(|i| i.name() == t) {
                            Some(i) => Some(i),
                            None => {
                                let names: Vec<&str> =
                                    Incinerator::ALL.iter().map(|i| i.name()).collect();
                                self.r.err(
                                    Diagnostic::new(
                                        x.span,
                                        format!("unknown incineration technology `{t}`"),
                                    )
                                    .at(tp)
                                    .expected(format!(
                                        "one of {}",
                                        quoted_list(names.iter().copied())
                                    ))
                                    .suggest(nearest(t, names)),
                                );
                                None
                            }
                        }
                    }
                };
                if !has_waste || !aux_ok {
                    return None;
                }
                if net_export == Some(None) {
                    self.model_series_known(
                        n.span,
                        &p("net_export"),
                        "waste.incineration.electricity",
                        |m| {
                            m.waste
                                .as_ref()
                                .map(|w| w.incineration_electricity.values().is_some())
                        },
                    );
                }
                if composition == Some(None) {
                    self.model_composition_known(n.span, &p("composition"));
                }
                self.model_series_known(
                    n.span,
                    &self.at("parameters"),
                    "waste.landfill.recovery",
                    |m| m.waste.as_ref().map(|w| w.recovery.values().is_some()),
                );
                Some(Parameters::WasteToEnergy {
                    throughput_t: throughput?,
                    availability: availability?,
                    net_export_gj_per_t: net_export?,
                    auxiliary_fuel: aux,
                    composition: composition?,
                    technology: technology?,
                })
            }
            Methodology::SemiAerobicLandfill => {
                let has_waste =
                    self.needs_waste(n.span, &self.at("methodology"), "`semi-aerobic-landfill`");
                let deposit =
                    req(self, "deposit").and_then(|x| self.rate(x, &p("deposit"), Kind::MassFlow));
                let composition = match get(items, "composition") {
                    None => Some(None),
                    Some(x) => self.composition(x, &p("composition")).map(Some),
                };
                let mcf = match get(items, "mcf_project") {
                    None => Some(None),
                    Some(x) => self
                        .number_in(x, &p("mcf_project"), 0.0, false, 1.0, "MCF")
                        .map(Some),
                };
                let electricity = match get(items, "electricity") {
                    None => Some(0.0),
                    Some(x) => self.rate(x, &p("electricity"), Kind::EnergyPerYear),
                };
                if !has_waste {
                    return None;
                }
                if composition == Some(None) {
                    self.model_composition_known(n.span, &p("composition"));
                }
                self.model_series_known(
                    n.span,
                    &self.at("parameters"),
                    "waste.landfill.recovery",
                    |m| m.waste.as_ref().map(|w| w.recovery.values().is_some()),
                );
                Some(Parameters::SemiAerobicLandfill {
                    deposit_t: deposit?,
                    composition: composition?,
                    mcf_project: mcf?,
                    electricity_gj: electricity?,
                })
            }
        }
    }

    /// A model series the project reads year by year must have values known at load time.
    fn model_series_known(
        &mut self,
        span: Span,
        path: &str,
        series: &str,
        known: impl Fn(&Model) -> Option<bool>,
    ) {
        if known(self.model) == Some(false) {
            self.r.err(
                Diagnostic::new(span, format!("the model's `{series}` is an expression"))
                    .at(path)
                    .note("a project reads it year by year; give the value in the project instead"),
            );
        }
    }

    fn model_composition_known(&mut self, span: Span, path: &str) {
        let known = self
            .model
            .waste
            .as_ref()
            .map(|w| w.composition.iter().all(|s| s.share.values().is_some()));
        if known == Some(false) {
            self.r.err(
                Diagnostic::new(span, "the model's `waste.composition` is an expression")
                    .at(path)
                    .note("give `composition` in the project"),
            );
        }
    }

    /// A factor in t of a gas per GJ of electricity, with its gas tag.
    fn grid_value(&mut self, n: &Node, path: &str) -> Option<(f64, Species)> {
        let q = self.r.quantity(n, path)?;
        let example = "a factor with its gas, e.g. `0.58 t CO2/MWh` or `0.6 t CO2e/MWh`";
        let Some(unit) = &q.unit else {
            self.r.err(
                Diagnostic::new(n.span, "a grid factor needs a unit with its gas")
                    .at(path)
                    .expected(example)
                    .found(format!(
                        "the plain number {}",
                        lcs_units::format_number(q.value)
                    )),
            );
            return None;
        };
        let species = unit.species();
        let want = Dimension::mass().div(&Dimension::energy());
        // Time is not a dimension: `t CO2/MW` has the dimension of `t CO2/MWh` but is
        // per unit of power, a factor 8,760 off; the unit text's time basis says so.
        let time = q
            .unit_text
            .as_deref()
            .and_then(|t| self.r.units.time_exponent(t).ok())
            .unwrap_or(0);
        match species {
            Some(s) if unit.dim.without_species() == want && time == 0 => {
                let v = q.base_value();
                if v < 0.0 {
                    self.r
                        .err(Diagnostic::new(n.span, "a grid factor cannot be negative").at(path));
                    return None;
                }
                Some((v, s))
            }
            _ => {
                self.r.err(
                    Diagnostic::new(n.span, "wrong unit for a grid factor")
                        .at(path)
                        .expected(example)
                        .found(format!(
                            "`{}` ({})",
                            q.unit_text.clone().unwrap_or_default(),
                            match time {
                                0 => unit.dim.to_string(),
                                1 => "per unit of power, not of energy".to_string(),
                                _ => what_unit_is(&unit.dim, time),
                            }
                        )),
                );
                None
            }
        }
    }

    fn reference(&mut self, n: &Node, m: Option<Methodology>) -> Option<Reference> {
        let rp = self.at("reference");
        let items = self.r.map(n, &rp, &REFERENCE_KEYS)?;
        let grid_factor = match get(items, "grid_factor") {
            None => Some(GridFactor::Model),
            Some(g) if g.as_scalar() == Some("model") => Some(GridFactor::Model),
            Some(g) => self
                .grid_value(g, &join(&rp, "grid_factor"))
                .map(|(t_per_gj, species)| GridFactor::Value { t_per_gj, species }),
        };
        let captive = match get(items, "captive") {
            None => Some(None),
            Some(c) => {
                let cp = join(&rp, "captive");
                if m.is_some() && m != Some(Methodology::PvCaptive) {
                    self.r.err(
                        Diagnostic::new(c.span, "`captive` applies to `pv-captive` only")
                            .at(cp.clone()),
                    );
                }
                match &c.kind {
                    NodeKind::Map(_) => {
                        let ci = self.r.map(c, &cp, &CAPTIVE_KEYS)?;
                        let fuel = self
                            .r
                            .req(ci, "fuel", &cp, c.span)
                            .and_then(|f| self.fuel(f, &join(&cp, "fuel"), false));
                        let eff = self.r.req(ci, "efficiency", &cp, c.span).and_then(|e| {
                            self.number_in(
                                e,
                                &join(&cp, "efficiency"),
                                0.0,
                                true,
                                1.0,
                                "efficiency",
                            )
                        });
                        match (fuel, eff) {
                            (Some(fuel), Some(efficiency)) => {
                                Some(Some(Captive::Fuel { fuel, efficiency }))
                            }
                            _ => None,
                        }
                    }
                    _ => self
                        .grid_value(c, &cp)
                        .map(|(t_per_gj, species)| Some(Captive::Factor { t_per_gj, species })),
                }
            }
        };
        let conservativeness = match get(items, "conservativeness") {
            None => Some(1.0),
            Some(c) => {
                let cp = join(&rp, "conservativeness");
                let v = self.r.number(c, &cp)?;
                if v > 1.0 {
                    self.r.err(
                        Diagnostic::new(c.span, format!("conservativeness {v} is above 1"))
                            .at(cp)
                            .expected("a multiplier in (0, 1] that lowers reference emissions (JCM conservativeness)"),
                    );
                    None
                } else if v <= 0.0 {
                    self.r.err(
                        Diagnostic::new(
                            c.span,
                            format!(
                                "conservativeness {} is not positive",
                                lcs_units::format_number(v)
                            ),
                        )
                        .at(cp)
                        .expected("a multiplier in (0, 1]"),
                    );
                    None
                } else {
                    Some(v)
                }
            }
        };
        Some(Reference {
            grid_factor: grid_factor?,
            captive: captive?,
            conservativeness: conservativeness?,
        })
    }

    /// The reference must give what the methodology needs: a captive generator for
    /// `pv-captive`, a model grid when `grid_factor: model` is used.
    fn check_reference_fits(
        &mut self,
        m: Methodology,
        rf: &Reference,
        params: Option<&Parameters>,
        span: Span,
        ref_node: Option<&Node>,
    ) {
        let rp = self.at("reference");
        let at = ref_node.map(|n| n.span).unwrap_or(span);
        if m == Methodology::PvCaptive && rf.captive.is_none() {
            self.r.err(
                Diagnostic::new(at, "missing key `captive`")
                    .at(join(&rp, "captive"))
                    .note("a `pv-captive` project displaces a captive generator: `captive: { fuel: diesel, efficiency: 0.35 }` or a factor such as `\"0.8 t CO2/MWh\"`"),
            );
        }
        let uses_grid = match (m, params) {
            (Methodology::PvGrid, _) => true,
            (Methodology::WasteToEnergy, _) => true,
            (
                Methodology::SemiAerobicLandfill,
                Some(Parameters::SemiAerobicLandfill { electricity_gj, .. }),
            ) => *electricity_gj > 0.0,
            (
                Methodology::EfficientEquipment,
                Some(Parameters::EfficientEquipment { energy, .. }),
            ) => self.is_electricity(*energy),
            (Methodology::FuelSwitch, Some(Parameters::FuelSwitch { to, .. })) => {
                self.is_electricity(*to)
            }
            _ => false,
        };
        if uses_grid && rf.grid_factor == GridFactor::Model {
            let has_grid = self
                .model
                .electricity
                .as_ref()
                .is_some_and(|e| !matches!(e.grid, crate::model::Grid::None));
            if !has_grid {
                self.r.err(
                    Diagnostic::new(
                        at,
                        "`grid_factor: model` but the model has no grid factor or mix",
                    )
                    .at(join(&rp, "grid_factor"))
                    .expected("a factor with its gas, e.g. `0.58 t CO2/MWh`"),
                );
            }
        }
    }

    fn is_electricity(&self, fuel: usize) -> bool {
        self.model.fuels.fuels()[fuel].id == "electricity"
    }

    /// Reads a money value at `path`: a number in the project's currency unit, a value with
    /// its own currency unit (`"5 JPY billion"`, `"18 MYR million/yr"`, `"0.40 MYR/kWh"`),
    /// or `{ value, price_year }`; converts it to the project's basis. `per` is the quantity
    /// the money is per (none, a year, a GJ, a t).
    fn money(&mut self, n: &Node, path: &str, e: &EconCtx, per: Per) -> Option<f64> {
        let (value_node, price_year) = match &n.kind {
            NodeKind::Map(_) => {
                let items = self.r.map(n, path, &MONEY_KEYS)?;
                let v = self.r.req(items, "value", path, n.span)?;
                let py = match get(items, "price_year") {
                    Some(y) => self.r.year(y, &join(path, "price_year"))?,
                    None => e.basis.price_year,
                };
                (v, py)
            }
            _ => (n, e.basis.price_year),
        };
        let q = self.r.quantity(value_node, path)?;
        let (currency, amount) = match (&q.unit, &q.unit_text) {
            (None, _) if matches!(per, Per::Energy | Per::Mass) => {
                self.r.err(
                    Diagnostic::new(value_node.span, format!("{} needs its unit", per.what()))
                        .at(path)
                        .expected(per.example(&e.unit_text))
                        .found(format!(
                            "the plain number {}",
                            lcs_units::format_number(q.value)
                        )),
                );
                return None;
            }
            (None, _) => (e.basis.currency.clone(), q.value * e.unit_factor),
            (Some(unit), Some(text)) => {
                let time = match self.r.units.time_exponent(text) {
                    Ok(t) => t,
                    Err(err) => {
                        self.r.unit_error(value_node.span, path, &err);
                        return None;
                    }
                };
                let currencies: Vec<&str> = CURRENCIES
                    .iter()
                    .copied()
                    .filter(|c| unit.dim.exponent(c) != 0)
                    .collect();
                let ok_currency = currencies.len() == 1 && unit.dim.exponent(currencies[0]) == 1;
                let rest = if ok_currency {
                    unit.dim.div(&Dimension::base(currencies[0]))
                } else {
                    unit.dim.clone()
                };
                if !ok_currency || rest != per.dim() || time != per.time() {
                    self.r.err(
                        Diagnostic::new(
                            value_node.span,
                            format!("wrong unit: expected {}", per.what()),
                        )
                        .at(path)
                        .expected(per.example(&e.unit_text))
                        .found(format!("`{text}` ({})", what_unit_is(&unit.dim, time))),
                    );
                    return None;
                }
                (currencies[0].to_string(), q.base_value())
            }
            (Some(_), None) => unreachable!("a parsed unit has its text"),
        };
        let from = Basis::new(currency, price_year);
        match Tables::builtin().factor(&from, &e.basis) {
            Ok(f) => Some(amount * f),
            Err(err) => {
                self.r.err(
                    Diagnostic::new(value_node.span, format!("no conversion from {from} to {}", e.basis))
                        .at(path)
                        .note(err.to_string())
                        .note("lcs converts money only through data/economics/*.csv (docs/ECONOMICS.md); add the missing rows with their source"),
                );
                None
            }
        }
    }

    fn economics(
        &mut self,
        n: &Node,
        m: Option<Methodology>,
        start: Option<i32>,
    ) -> Option<Option<Economics>> {
        let ep = self.at("economics");
        let items = self.r.map(n, &ep, &ECONOMICS_KEYS)?;
        let p = |k: &str| join(&ep, k);
        // The currency unit: `MYR`, `MYR million`, `JPY billion`.
        let cn = self.r.req(items, "currency", &ep, n.span)?;
        let ct = self.r.text(cn, &p("currency"))?.to_string();
        // Not a currency unit (`GBP`, or a unit of another dimension): name the currencies
        // lcs can convert, not the nearest physical units.
        let not_a_currency = Diagnostic::new(cn.span, format!("`{ct}` is not a currency unit"))
            .at(p("currency"))
            .expected(format!(
                "a currency, optionally with a multiplier: {}, e.g. `MYR million`",
                quoted_list(CURRENCIES)
            ));
        let unit = match self.r.units.parse(&ct) {
            Ok(u) => u,
            Err(_) => {
                let word = ct.split_whitespace().next().unwrap_or(&ct);
                self.r
                    .err(not_a_currency.suggest(nearest(word, CURRENCIES.iter().copied())));
                return None;
            }
        };
        let code = CURRENCIES
            .iter()
            .copied()
            .find(|c| unit.dim == Dimension::base(c));
        let Some(code) = code else {
            self.r.err(not_a_currency);
            return None;
        };
        let price_year = match get(items, "price_year") {
            Some(y) => self.r.year(y, &p("price_year"))?,
            None => start?,
        };
        let e = EconCtx {
            basis: Basis::new(code, price_year),
            unit_factor: unit.factor,
            unit_text: ct.clone(),
        };
        let discount_rate = match get(items, "discount_rate") {
            None => {
                self.r.err(
                    Diagnostic::new(n.span, "missing key `discount_rate`")
                        .at(p("discount_rate"))
                        .note("NPV and levelised cost need a discount rate, e.g. `discount_rate: 0.08`"),
                );
                None
            }
            Some(d) => {
                let v = self.r.number(d, &p("discount_rate"))?;
                match lcs_econ::check_discount_rate(v) {
                    Ok(()) => Some(v),
                    Err(err) => {
                        self.r.err(
                            Diagnostic::new(d.span, err.to_string())
                                .at(p("discount_rate"))
                                .expected("a rate per year in (-1, 1), e.g. `0.08`"),
                        );
                        None
                    }
                }
            }
        };
        let capex = match get(items, "capex") {
            None => Some(0.0),
            Some(c) => self.money(c, &p("capex"), &e, Per::Nothing),
        };
        let opex = match get(items, "opex") {
            None => Some(0.0),
            Some(c) => self.money(c, &p("opex"), &e, Per::Year),
        };
        let mut revenue = Revenue::default();
        let mut rev_ok = true;
        if let Some(rn) = get(items, "revenue") {
            let rp = p("revenue");
            match self.r.map(rn, &rp, &REVENUE_KEYS) {
                None => rev_ok = false,
                Some(ri) => {
                    for (k, v) in ri {
                        let kp = join(&rp, &k.text);
                        if let Some(m) = m {
                            if !m.revenue_keys().contains(&k.text.as_str()) {
                                self.r.err(
                                    Diagnostic::new(
                                        k.span,
                                        format!(
                                            "`{}` does not apply to methodology `{}`",
                                            k.text,
                                            m.name()
                                        ),
                                    )
                                    .at(kp)
                                    .expected(format!(
                                        "one of {}",
                                        quoted_list(m.revenue_keys().iter().copied())
                                    )),
                                );
                                rev_ok = false;
                                continue;
                            }
                        }
                        match k.text.as_str() {
                            "electricity_tariff" => {
                                revenue.electricity_tariff_per_gj =
                                    self.money(v, &kp, &e, Per::Energy).or_else(|| {
                                        rev_ok = false;
                                        None
                                    })
                            }
                            "energy_price" => {
                                revenue.energy_price_per_gj =
                                    self.money(v, &kp, &e, Per::Energy).or_else(|| {
                                        rev_ok = false;
                                        None
                                    })
                            }
                            "gate_fee" => {
                                revenue.gate_fee_per_t =
                                    self.money(v, &kp, &e, Per::Mass).or_else(|| {
                                        rev_ok = false;
                                        None
                                    })
                            }
                            "annual" => {
                                revenue.annual = self.money(v, &kp, &e, Per::Year).or_else(|| {
                                    rev_ok = false;
                                    None
                                })
                            }
                            "fuel_prices" => match self.r.free_map(v, &kp, "fuels to prices") {
                                None => rev_ok = false,
                                Some(fp) => {
                                    for (fk, fv) in fp {
                                        let fpath = join(&kp, &fk.text);
                                        let f = self.fuel_named(&fk.text, fk.span, &fpath, true);
                                        let price = self.money(fv, &fpath, &e, Per::Energy);
                                        match (f, price) {
                                            (Some(f), Some(price)) => {
                                                revenue.fuel_prices_per_gj.push((f, price))
                                            }
                                            _ => rev_ok = false,
                                        }
                                    }
                                }
                            },
                            _ => {}
                        }
                    }
                }
            }
        }
        let share = match get(items, "subsidy_share") {
            None => Some(None),
            Some(s) => self
                .number_in(s, &p("subsidy_share"), 0.0, false, 1.0, "subsidy share")
                .map(Some),
        };
        let amount = match get(items, "subsidy") {
            None => Some(None),
            Some(s) => self.money(s, &p("subsidy"), &e, Per::Nothing).map(Some),
        };
        if let (Some(Some(_)), Some(Some(_)), Some(s)) = (share, amount, get(items, "subsidy")) {
            self.r.err(
                Diagnostic::new(s.span, "give `subsidy_share` or `subsidy`, not both")
                    .at(p("subsidy")),
            );
            return None;
        }
        let (capex, opex, share, amount, discount_rate) =
            (capex?, opex?, share?, amount?, discount_rate?);
        if !rev_ok {
            return None;
        }
        let subsidy = match (share, amount) {
            (Some(s), _) => s * capex,
            (None, Some(a)) => a,
            (None, None) => 0.0,
        };
        if subsidy > capex {
            if let Some(s) = get(items, "subsidy") {
                self.r.err(
                    Diagnostic::new(s.span, "the subsidy is larger than the capex")
                        .at(p("subsidy"))
                        .expected("a subsidy of at most the initial investment"),
                );
                return None;
            }
        }
        Some(Some(Economics {
            basis: e.basis,
            unit_text: e.unit_text,
            unit_factor: e.unit_factor,
            discount_rate,
            capex,
            opex,
            revenue,
            subsidy,
            subsidy_share: share,
        }))
    }
}

struct EconCtx {
    basis: Basis,
    unit_factor: f64,
    unit_text: String,
}

/// What a money value is per.
#[derive(Clone, Copy)]
enum Per {
    Nothing,
    Year,
    Energy,
    Mass,
}

impl Per {
    fn dim(self) -> Dimension {
        match self {
            Per::Nothing | Per::Year => Dimension::none(),
            Per::Energy => Dimension::none().div(&Dimension::energy()),
            Per::Mass => Dimension::none().div(&Dimension::mass()),
        }
    }
    fn time(self) -> i32 {
        match self {
            Per::Year => -1,
            _ => 0,
        }
    }
    fn what(self) -> &'static str {
        match self {
            Per::Nothing => "an amount of money",
            Per::Year => "money per year",
            Per::Energy => "money per unit of energy",
            Per::Mass => "money per tonne",
        }
    }
    fn example(self, unit: &str) -> String {
        match self {
            Per::Nothing => format!(
                "a number in `{unit}`, or a value with its currency, e.g. `600 MYR million`"
            ),
            Per::Year => format!("a number in `{unit}` per year, or e.g. `18 MYR million/yr`"),
            Per::Energy => "a price per energy, e.g. `0.40 MYR/kWh`".to_string(),
            Per::Mass => "a fee per tonne, e.g. `50 MYR/t`".to_string(),
        }
    }
}
