//! Reconciliation of the project view and the scenario view of linked projects (`lcs
//! projects --scenario S.yaml`, docs/PROJECTS.md "Reconciliation").
//!
//! For every project that an action of the scenario links, and every chosen year:
//!
//! - the project view `PV_y`: its reduction `ER_y = RE_y − PE_y` by its methodology
//!   ([`crate::appraise`]), t CO2e, in its crediting years (none outside them);
//! - its contribution in the scenario, through `lcs_engine::attribute` on the scenario with
//!   each linked project's measures as an action of their own (placed right after the action
//!   that links it, so the order of measures is unchanged): solo `S_y = v({p})` and Shapley
//!   `H_y` (exact by components of the total, docs/ATTRIBUTION.md; a component of more than
//!   `lcs_engine::MAX_EXACT_ACTIONS` players estimated from random orderings, seed 1);
//! - the difference `H_y − PV_y` split by cause, each in t CO2e (positive: the scenario
//!   counts more):
//!
//! ```text
//! conservativeness   = RE_y (1/c − 1)                          the scenario has no haircut
//! grid factor        = G_y (EF_s,y − EF_p,y)                   the scenario's grid (solo run) vs the project's reference factor
//! T&D losses         = G_y EF_s,y l_y / (1 − l_y)              saved electricity also saves its losses (efficiency, switches to electricity)
//! not in inventory   = stack CH4 and N2O + auxiliary fuel      project emissions the model's incineration does not count
//! capacity           = ER'(diverted) − ER'(throughput)         a plant that finds less waste than it can burn
//! after the period   = S_y                                     outside the crediting years (deposits avoided during the plant's life still decay)
//! other              = S_y − PV_y − Σ above                    the rest of the model's arithmetic (composition, categories, export surplus)
//! interaction        = H_y − S_y                               the other actions (Shapley − solo)
//! ```
//!
//! `G_y` is the electricity the project displaces (PV generation, WtE export; for
//! efficient equipment the electricity saved; for a switch to electricity minus the
//! electricity taken up), `EF_p,y` the factor the appraisal used (`RE_y / (c G_y)`), `EF_s,y`
//! and `l_y` the grid factor and loss share of the solo run (`lcs_engine::grid_factor_co2e`,
//! `elec_row::LOSSES`). `ER'` is the scenario-consistent reduction of the waste burnt (the
//! engine's first-order decay on the deposits, the export at `EF_s`, less the fossil CO2):
//! on the tonnes the solo run diverted (`lcs_engine::diversions`) against the plant's
//! throughput. By construction `PV + Σ causes − interaction = S` and `PV + Σ causes = H`.

use crate::link::CapacityNote;
use crate::methodology::Side;
use crate::{appraise, Appraisal, ProjectError};
use lcs_engine::waste::{
    fossil_carbon_fractions, fossil_carbon_per_t, FodConstants, FodState, N_WASTE_TYPES,
};
use lcs_engine::{attribute, elec_row, AttributionError, Method};
use lcs_model::link::Linked;
use lcs_model::{Action, Methodology, Parameters, Project, Scenario};
use std::fmt;

/// Why a reconciliation could not be computed.
#[derive(Clone, Debug, PartialEq)]
pub enum ReconcileError {
    /// A project could not be appraised.
    Project(ProjectError),
    /// The scenario did not compile.
    Compile(lcs_engine::CompileError),
    /// A run of the scenario failed.
    Run(Box<lcs_engine::RunError>),
    /// A year asked for is outside the model years.
    YearOutside {
        /// The year.
        year: i32,
        /// First model year.
        base: i32,
        /// Last model year.
        end: i32,
    },
}

impl fmt::Display for ReconcileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReconcileError::Project(e) => write!(f, "{e}"),
            ReconcileError::Compile(e) => write!(f, "the scenario does not compile: {e}"),
            ReconcileError::Run(e) => write!(
                f,
                "a run of the scenario fails in {}: {}",
                e.year, e.problem
            ),
            ReconcileError::YearOutside { year, base, end } => {
                write!(f, "year {year} is outside the model years {base}–{end}")
            }
        }
    }
}

impl std::error::Error for ReconcileError {}

impl From<ProjectError> for ReconcileError {
    fn from(e: ProjectError) -> Self {
        ReconcileError::Project(e)
    }
}

impl From<lcs_engine::RunError> for ReconcileError {
    fn from(e: lcs_engine::RunError) -> Self {
        ReconcileError::Run(Box::new(e))
    }
}

/// A cause of the difference between the project view and the scenario view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// The project's conservativeness multiplier, which the scenario does not apply.
    Conservativeness,
    /// The project's reference electricity factor against the scenario's grid factor.
    GridFactor,
    /// Electricity saved also saves its transmission and distribution losses in the model.
    Losses,
    /// Project emissions the model does not count (incineration CH4 and N2O, auxiliary
    /// fuel).
    NotInInventory,
    /// A plant that finds less waste than its throughput (the `divert` cap).
    Capacity,
    /// A year outside the crediting period: the project view has nothing, the scenario
    /// still has the effect (avoided deposits still decaying).
    OutsideCreditingPeriod,
    /// The rest of the model's arithmetic.
    Other,
    /// The other actions of the scenario (Shapley − solo).
    Interaction,
}

impl Cause {
    /// Every cause, in table order.
    pub const ALL: [Cause; 8] = [
        Cause::Conservativeness,
        Cause::GridFactor,
        Cause::Losses,
        Cause::NotInInventory,
        Cause::Capacity,
        Cause::OutsideCreditingPeriod,
        Cause::Other,
        Cause::Interaction,
    ];

    /// A short name (a column heading, `snake_case` in CSV).
    pub fn id(self) -> &'static str {
        match self {
            Cause::Conservativeness => "conservativeness",
            Cause::GridFactor => "grid_factor",
            Cause::Losses => "losses",
            Cause::NotInInventory => "not_in_inventory",
            Cause::Capacity => "capacity",
            Cause::OutsideCreditingPeriod => "outside_crediting_period",
            Cause::Other => "other",
            Cause::Interaction => "interaction",
        }
    }

    /// What it means, in one sentence.
    pub fn explanation(self) -> &'static str {
        match self {
            Cause::Conservativeness => "the project's conservativeness multiplier on reference emissions, which the scenario does not apply",
            Cause::GridFactor => "the project's reference electricity factor against the scenario's grid factor of the year",
            Cause::Losses => "electricity saved in the scenario also saves its T&D losses",
            Cause::NotInInventory => "project emissions the model does not count: incineration CH4 and N2O, auxiliary fuel",
            Cause::Capacity => "the plant finds less waste than its throughput, so the scenario diverts less",
            Cause::OutsideCreditingPeriod => "outside the crediting period the project view counts nothing; the scenario still has the effect (deposits avoided during the plant's life still decay)",
            Cause::Other => "the rest of the model's arithmetic (waste composition, combustion categories, generation above demand)",
            Cause::Interaction => "the other actions of the scenario (Shapley minus solo)",
        }
    }
}

/// One project in one year, t CO2e.
#[derive(Clone, Debug, PartialEq)]
pub struct YearView {
    /// The year.
    pub year: i32,
    /// The project view `ER_y` (none outside the crediting period).
    pub project_view_t: Option<f64>,
    /// Solo contribution in the scenario.
    pub solo_t: f64,
    /// Shapley contribution in the scenario.
    pub shapley_t: f64,
    /// The difference `shapley − project view` by cause, every cause of [`Cause::ALL`] in
    /// order (0 where it does not apply).
    pub causes: Vec<(Cause, f64)>,
}

impl YearView {
    /// The amount of one cause.
    pub fn cause(&self, c: Cause) -> f64 {
        self.causes
            .iter()
            .find(|(x, _)| *x == c)
            .map(|(_, v)| *v)
            .unwrap_or(0.0)
    }
}

/// One linked project's reconciliation.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectView {
    /// The action that links it.
    pub action: String,
    /// The project's appraisal (the project view).
    pub appraisal: Appraisal,
    /// The chosen years.
    pub years: Vec<YearView>,
    /// When the project's diversion runs below capacity in the scenario (solo run).
    pub capacity: Option<CapacityNote>,
}

/// The reconciliation of a scenario's linked projects.
#[derive(Clone, Debug, PartialEq)]
pub struct Reconciliation {
    /// Scenario id.
    pub scenario: String,
    /// The chosen years.
    pub years: Vec<i32>,
    /// Whether the Shapley values were estimated from random orderings (more players than
    /// exact Shapley takes), and from how many players.
    pub shapley_sampled: Option<usize>,
    /// One per linked project, in the order of the links.
    pub projects: Vec<ProjectView>,
}

/// The scenario with each linked project's measures as an action of its own, right after the
/// action that links it; the ids of those actions, in link order.
fn split_projects(s: &Scenario) -> (Scenario, Vec<(usize, String)>) {
    let mut out = s.clone();
    out.targets.clear();
    out.uncertainty.clear();
    out.correlations.clear();
    let mut actions: Vec<Action> = Vec::new();
    let mut players = Vec::new();
    for (ai, a) in s.actions.iter().enumerate() {
        let links: Vec<(usize, &lcs_model::link::Link)> = s
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.action == ai && matches!(l.linked, Linked::Project(_)))
            .collect();
        let mut own = a.clone();
        let taken: Vec<usize> = links
            .iter()
            .flat_map(|(_, l)| l.measures.iter().map(|m| m.measure))
            .collect();
        own.measures = a
            .measures
            .iter()
            .enumerate()
            .filter(|(i, _)| !taken.contains(i))
            .map(|(_, m)| m.clone())
            .collect();
        actions.push(own);
        for (li, l) in links {
            let mut p = a.clone();
            p.id = format!("{}:{}", a.id, l.id());
            p.measures = l
                .measures
                .iter()
                .map(|m| a.measures[m.measure].clone())
                .collect();
            players.push((li, p.id.clone()));
            actions.push(p);
        }
    }
    out.actions = actions;
    // Links no longer index these actions; nothing below reads them.
    out.links.clear();
    (out, players)
}

/// The factor the appraisal used for the electricity it displaces, per operating year:
/// `component / (c × G)` (0 where `G = 0`).
fn factor_used(component: &[f64], g: &[f64], c: f64) -> Vec<f64> {
    component
        .iter()
        .zip(g)
        .map(|(x, g)| if *g > 0.0 { x / (c * g) } else { 0.0 })
        .collect()
}

/// The scenario-consistent reduction of waste burnt in the operating years `0..n`, t CO2e:
/// the engine's first-order decay on `tonnes` deposits avoided (model composition or the
/// project's, model recovery), the export at the scenario's grid factor, less fossil CO2.
#[allow(clippy::too_many_arguments)]
fn burnt_reduction(
    tonnes: &[f64],
    composition: &[[f64; N_WASTE_TYPES]],
    recovery: &[f64],
    fod: &FodConstants,
    export_gj_per_t: &[f64],
    grid_t_per_gj: &[f64],
    gwp_ch4: f64,
) -> Vec<f64> {
    let fractions = fossil_carbon_fractions();
    let mut state = FodState::default();
    (0..tonnes.len())
        .map(|i| {
            let comp = &composition[i];
            let decomposed = state.step(fod, |j| tonnes[i] * comp[j]);
            let ch4 = fod.emitted_from_doc(decomposed, recovery[i]) * gwp_ch4;
            let elec = tonnes[i] * export_gj_per_t[i] * grid_t_per_gj[i];
            let fossil = lcs_engine::waste::incineration_fossil_co2(
                tonnes[i],
                fossil_carbon_per_t(comp, &fractions),
            );
            ch4 + elec - fossil
        })
        .collect()
}

fn component<'a>(a: &'a Appraisal, name: &str) -> Option<&'a [f64]> {
    a.flows
        .components
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.t_co2e.as_slice())
}

/// Reconciles every project linked by the scenario's actions in `years` (empty: the first
/// operating year and the last year of the earliest project's crediting period).
pub fn reconcile(s: &Scenario, years: &[i32]) -> Result<Reconciliation, ReconcileError> {
    let model = &s.model;
    let (base, end) = (model.base_year, model.end_year);
    for &year in years {
        if year < base || year > end {
            return Err(ReconcileError::YearOutside { year, base, end });
        }
    }
    let projects: Vec<(usize, &Project)> = s
        .links
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match &l.linked {
            Linked::Project(p) => Some((i, p.as_ref())),
            _ => None,
        })
        .collect();
    if projects.is_empty() {
        return Ok(Reconciliation {
            scenario: s.id.clone(),
            years: years.to_vec(),
            shapley_sampled: None,
            projects: Vec::new(),
        });
    }
    let years: Vec<i32> = if years.is_empty() {
        let p = projects[0].1;
        let last = (p.start + p.lifetime as i32 - 1).min(end);
        if last > p.start {
            vec![p.start, last]
        } else {
            vec![p.start]
        }
    } else {
        // In ascending order, each once (`--years 2030,2027,2030` is two columns).
        let mut ys = years.to_vec();
        ys.sort_unstable();
        ys.dedup();
        ys
    };
    let (split, players) = split_projects(s);
    let c = lcs_engine::compile(&split).map_err(ReconcileError::Compile)?;
    let attributed = |m: Method| -> Result<lcs_engine::Attribution, ReconcileError> {
        attribute(&c, m).map_err(|e| match e {
            AttributionError::Run(e) => ReconcileError::Run(Box::new(e)),
        })
    };
    let solo = attributed(Method::Solo)?;
    let n_players = split.actions.len();
    let shapley = attributed(Method::Shapley)?;
    let sampled = shapley
        .shapley
        .as_ref()
        .filter(|r| !r.is_exact())
        .map(|_| n_players);
    let iy = |y: i32| (y - base) as usize;
    let mut out = Vec::new();
    for (li, id) in players {
        let link = &s.links[li];
        let Linked::Project(p) = &link.linked else {
            continue;
        };
        let ai = split
            .actions
            .iter()
            .position(|a| a.id == id)
            .expect("the player was added");
        let a = appraise(p)?;
        // The solo run: the reference with this project's measures alone.
        let mut ws = lcs_engine::Workspace::new(&c);
        let mask: Vec<bool> = (0..n_players).map(|j| j == ai).collect();
        lcs_engine::evaluate(&c, &mut ws, &mask)?;
        let grid_s: Vec<f64> = {
            let g = lcs_engine::grid_factor_co2e(&c, &ws);
            if g.is_empty() {
                vec![0.0; model.n_years()]
            } else {
                g.into_iter().map(|v| v / 3.6).collect()
            }
        };
        let losses: Vec<f64> = (0..model.n_years())
            .map(|y| {
                let d = ws.out.elec_mwh[[elec_row::DEMAND, y]];
                let l = ws.out.elec_mwh[[elec_row::LOSSES, y]];
                if d + l > 0.0 {
                    l / (d + l)
                } else {
                    0.0
                }
            })
            .collect();
        let diversion = lcs_engine::diversions(&c, &ws)
            .into_iter()
            .find(|d| d.action == id);
        let capacity = crate::link::capacity_notes(&split, &c, &ws)
            .into_iter()
            .find(|n| n.action == id)
            .map(|mut n| {
                n.action = link_action(s, li);
                n.linked = Some(format!("project `{}`", p.id));
                n
            });
        // Per operating year: the displaced electricity G, the factor used, and the
        // scenario-consistent terms.
        let n_op = a.years.len();
        let cons = p.reference.conservativeness;
        let (g, ef_p, sign_losses): (Vec<f64>, Vec<f64>, bool) =
            match (&p.parameters, p.methodology) {
                (Parameters::Pv { .. }, _) => {
                    let g = a.flows.electricity_gj.clone();
                    (
                        g.clone(),
                        factor_used(&a.flows.reference_t, &g, cons),
                        false,
                    )
                }
                (Parameters::WasteToEnergy { .. }, _) => {
                    let g = a.flows.electricity_gj.clone();
                    let comp = component(&a, "grid electricity displaced by export")
                        .map(<[f64]>::to_vec)
                        .unwrap_or_else(|| vec![0.0; n_op]);
                    (g.clone(), factor_used(&comp, &g, cons), false)
                }
                (
                    Parameters::EfficientEquipment {
                        energy,
                        consumption_gj,
                        ..
                    },
                    _,
                ) if p.region.fuels.fuels()[*energy].id == "electricity" => {
                    let ef: Vec<f64> = a
                        .flows
                        .project_t
                        .iter()
                        .map(|pe| {
                            if *consumption_gj > 0.0 {
                                pe / consumption_gj
                            } else {
                                0.0
                            }
                        })
                        .collect();
                    (a.flows.energy_saved_gj.clone(), ef, true)
                }
                (
                    Parameters::FuelSwitch {
                        to,
                        fuel_consumption_gj,
                        efficiency_from,
                        efficiency_to,
                        ..
                    },
                    Methodology::FuelSwitch,
                ) if p.region.fuels.fuels()[*to].id == "electricity" => {
                    let fc_p = fuel_consumption_gj * efficiency_from / efficiency_to;
                    let ef: Vec<f64> = a
                        .flows
                        .project_t
                        .iter()
                        .map(|pe| if fc_p > 0.0 { pe / fc_p } else { 0.0 })
                        .collect();
                    (vec![-fc_p; n_op], ef, true)
                }
                _ => (vec![0.0; n_op], vec![0.0; n_op], false),
            };
        // Waste to energy: what the model does not count, and the capacity cap.
        let mut not_counted = vec![0.0; n_op];
        let mut capped = vec![0.0; n_op];
        if let Parameters::WasteToEnergy {
            throughput_t,
            availability,
            net_export_gj_per_t,
            composition,
            ..
        } = &p.parameters
        {
            for name in ["incineration CH4 and N2O", "auxiliary fuel"] {
                if let Some(x) = component(&a, name) {
                    not_counted.iter_mut().zip(x).for_each(|(t, v)| *t += v);
                }
            }
            if let (Some(d), Some(w)) = (&diversion, &model.waste) {
                let op: Vec<usize> = p.years().map(iy).collect();
                let asked: Vec<f64> = vec![throughput_t * availability; n_op];
                let diverted: Vec<f64> = op.iter().map(|&y| d.diverted_t[y]).collect();
                if asked
                    .iter()
                    .zip(&diverted)
                    .any(|(a, d)| *d < a * (1.0 - crate::link::UTILISATION_TOLERANCE))
                {
                    let fod = FodConstants::of_model(w);
                    let value = |v: Option<&[f64]>, y: usize| v.map(|v| v[y]).unwrap_or(0.0);
                    let comp: Vec<[f64; N_WASTE_TYPES]> = op
                        .iter()
                        .map(|&y| match composition {
                            Some(c) => *c,
                            None => crate::landfilled_composition(w, y),
                        })
                        .collect();
                    let recovery: Vec<f64> =
                        op.iter().map(|&y| value(w.recovery.values(), y)).collect();
                    let export: Vec<f64> = op
                        .iter()
                        .map(|&y| {
                            net_export_gj_per_t
                                .unwrap_or_else(|| value(w.incineration_electricity.values(), y))
                        })
                        .collect();
                    let grid: Vec<f64> = op.iter().map(|&y| grid_s[y]).collect();
                    let gwp = model.gwp.ch4();
                    let full = burnt_reduction(&asked, &comp, &recovery, &fod, &export, &grid, gwp);
                    let real =
                        burnt_reduction(&diverted, &comp, &recovery, &fod, &export, &grid, gwp);
                    capped = real.iter().zip(&full).map(|(r, f)| r - f).collect();
                }
            }
        }
        let re_total: Vec<f64> = a
            .flows
            .components
            .iter()
            .filter(|c| c.side == Side::Reference)
            .fold(vec![0.0; n_op], |mut acc, c| {
                acc.iter_mut().zip(&c.t_co2e).for_each(|(t, v)| *t += v);
                acc
            });
        let mut views = Vec::new();
        for &year in &years {
            let y = iy(year);
            let solo_t = solo.contributions[ai][y] * 1000.0;
            let shapley_t = shapley.contributions[ai][y] * 1000.0;
            let op = a.years.iter().position(|r| r.year == year);
            let mut causes: Vec<(Cause, f64)> = Cause::ALL.iter().map(|c| (*c, 0.0)).collect();
            let mut set = |c: Cause, v: f64| {
                if let Some(x) = causes.iter_mut().find(|(k, _)| *k == c) {
                    x.1 = v;
                }
            };
            let project_view_t = op.map(|i| a.years[i].reduction_t);
            match op {
                None => set(Cause::OutsideCreditingPeriod, solo_t),
                Some(i) => {
                    let conservativeness = re_total[i] * (1.0 / cons - 1.0);
                    let grid = g[i] * (grid_s[y] - ef_p[i]);
                    let loss = if sign_losses && losses[y] < 1.0 {
                        g[i] * grid_s[y] * losses[y] / (1.0 - losses[y])
                    } else {
                        0.0
                    };
                    let explained = conservativeness + grid + loss + not_counted[i] + capped[i];
                    set(Cause::Conservativeness, conservativeness);
                    set(Cause::GridFactor, grid);
                    set(Cause::Losses, loss);
                    set(Cause::NotInInventory, not_counted[i]);
                    set(Cause::Capacity, capped[i]);
                    // The rest, with the rounding of the sums above taken as 0 (below 1e-9
                    // of the largest term), so that an explained difference shows as 0.
                    let rest = solo_t - a.years[i].reduction_t - explained;
                    let scale = solo_t.abs().max(a.years[i].reduction_t.abs()).max(1.0);
                    set(
                        Cause::Other,
                        if rest.abs() <= 1e-9 * scale {
                            0.0
                        } else {
                            rest
                        },
                    );
                }
            }
            // Shapley minus solo, with float noise (below 1e-9 of the larger) taken as 0, as
            // for `other`: a project alone in its scenario has no interaction.
            let interaction = shapley_t - solo_t;
            let scale = shapley_t.abs().max(solo_t.abs()).max(1.0);
            set(
                Cause::Interaction,
                if interaction.abs() <= 1e-9 * scale {
                    0.0
                } else {
                    interaction
                },
            );
            views.push(YearView {
                year,
                project_view_t,
                solo_t,
                shapley_t,
                causes,
            });
        }
        out.push(ProjectView {
            action: link_action(s, li),
            appraisal: a,
            years: views,
            capacity,
        });
    }
    Ok(Reconciliation {
        scenario: s.id.clone(),
        years,
        shapley_sampled: sampled,
        projects: out,
    })
}

fn link_action(s: &Scenario, link: usize) -> String {
    s.actions[s.links[link].action].id.clone()
}
