//! Identification: the measures of a scenario that a methodology could credit
//! (`lcs projects --screen`, docs/PROJECTS.md "Screening a scenario").
//!
//! A measure is a candidate when its lever and target match a methodology:
//!
//! | measure | methodology |
//! |---|---|
//! | `generation` on `electricity.local` | `pv-grid` (local generation, taken as solar PV) |
//! | `scale` or `set` on `demand.<node>.intensity` | `efficient-equipment` |
//! | `shift` on `demand.<node>.fuels` | `fuel-switch` |
//! | `shift` on `waste.routes` to `incineration`, `set` giving it a share, or `divert` to it | `waste-to-energy` |
//!
//! Its reduction is estimated by the engine: the scenario's reference run against the
//! reference with this one measure alone (its action reduced to it), `ΔE_y = E_ref,y −
//! E_measure,y` in t CO2e. The annual figure is `ΔE` in the measure's `full` year (or the
//! model's end year if earlier), the cumulative figure `Σ ΔE_y` from its `start` to the
//! model's end year. Interactions with the scenario's other actions are not counted (a solo
//! estimate), which is the project view of a measure.
//!
//! Measures made from a linked project or network (`projects:`, `ecotown:` on an action) are
//! never candidates: they already are a project (`lcs projects --screen` lists them apart).

use crate::ProjectError;
use lcs_engine::waste_row;
use lcs_model::{Lever, Methodology, Scenario, Target, ROUTES};

/// A measure that a methodology could credit.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The action's id.
    pub action: String,
    /// The measure's id.
    pub measure: String,
    /// The measure's name, or the action's.
    pub name: Option<String>,
    /// The methodology that could credit it.
    pub methodology: Methodology,
    /// The measure's target path.
    pub target_path: String,
    /// The measure's first year with an effect.
    pub start: i32,
    /// The year of the annual estimate.
    pub year: i32,
    /// `ΔE` in `year`, t CO2e.
    pub annual_reduction_t: f64,
    /// `Σ ΔE_y` from `start` to the model's end year, t CO2e.
    pub cumulative_reduction_t: f64,
    /// The model's end year (the end of the cumulative sum).
    pub end_year: i32,
    /// Project parameters the measure gives: `(key, value text)` under `parameters:`.
    pub known: Vec<(&'static str, String)>,
    /// Keys a project file still needs, with what they are.
    pub missing: Vec<(&'static str, &'static str)>,
}

fn classify(s: &Scenario, target: &Target, lever: &Lever) -> Option<Methodology> {
    let incineration = ROUTES.iter().position(|r| *r == "incineration");
    match (target, lever) {
        (Target::Local, Lever::Generation { .. }) => Some(Methodology::PvGrid),
        (Target::Intensity(_), Lever::Scale { .. } | Lever::Set { .. }) => {
            Some(Methodology::EfficientEquipment)
        }
        (Target::Fuels(_), Lever::Shift { .. }) => Some(Methodology::FuelSwitch),
        (Target::WasteRoutes, Lever::Shift { to, .. })
            if incineration.is_some_and(|i| to.contains(&i)) =>
        {
            Some(Methodology::WasteToEnergy)
        }
        (Target::WasteRoutes, Lever::Divert { to, .. }) if Some(*to) == incineration => {
            Some(Methodology::WasteToEnergy)
        }
        (Target::WasteRoutes, Lever::SetMap { value })
            if value
                .iter()
                .any(|(i, v)| Some(*i) == incineration && *v > 0.0) =>
        {
            Some(Methodology::WasteToEnergy)
        }
        _ => {
            let _ = s;
            None
        }
    }
}

/// Lists the scenario's measures that a methodology could credit, in action and measure
/// order, each with an engine estimate of its reduction.
pub fn screen(s: &Scenario) -> Result<Vec<Candidate>, ProjectError> {
    let model = &s.model;
    let mut out = Vec::new();
    for (ai, a) in s.actions.iter().enumerate() {
        for (mi, m) in a.measures.iter().enumerate() {
            // A measure made from a linked project or network already is one.
            if s.link_of(ai, mi).is_some() {
                continue;
            }
            let Some(methodology) = classify(s, &m.target, &m.lever) else {
                continue;
            };
            // The reference with this measure alone.
            let mut solo = s.clone();
            let mut action = a.clone();
            action.measures = vec![m.clone()];
            solo.actions = vec![action];
            solo.targets.clear();
            solo.uncertainty.clear();
            solo.correlations.clear();
            let subject = format!("{}/{}", a.id, m.id);
            let c = lcs_engine::compile(&solo).map_err(|error| ProjectError::Compile {
                project: subject.clone(),
                error,
            })?;
            let reference = lcs_engine::run_reference(&c).map_err(|error| ProjectError::Run {
                error: Box::new(error),
                project: subject.clone(),
            })?;
            let with = lcs_engine::run_all(&c).map_err(|error| ProjectError::Run {
                error: Box::new(error),
                project: subject.clone(),
            })?;
            let (base, end) = (model.base_year, model.end_year);
            let start = m.schedule.start.clamp(base, end);
            let year = m.schedule.full.clamp(start, end);
            let iy = |y: i32| (y - base) as usize;
            let delta = |y: i32| reference.out.co2e_t[iy(y)] - with.out.co2e_t[iy(y)];
            let annual = delta(year);
            let cumulative: f64 = (start..=end).map(delta).sum();
            let fuel_id = |i: usize| model.fuels.fuels()[i].id.clone();
            let mut known: Vec<(&'static str, String)> = Vec::new();
            let mut missing: Vec<(&'static str, &'static str)> = Vec::new();
            match (&m.lever, methodology) {
                (
                    Lever::Generation {
                        generation_gj,
                        degradation,
                    },
                    _,
                ) => {
                    // The measure's output at full effect, in the year the estimate uses.
                    let gj = generation_gj.get(iy(year)).copied().unwrap_or(0.0);
                    known.push((
                        "generation",
                        format!(
                            "\"{} MWh/yr\"",
                            lcs_units::format_number(round_sig(gj / 3.6))
                        ),
                    ));
                    if *degradation > 0.0 {
                        known.push(("degradation", lcs_units::format_number(*degradation)));
                    } else {
                        missing.push((
                            "parameters.degradation",
                            "output lost per year of age (optional, default 0)",
                        ));
                    }
                }
                (Lever::Shift { from, to, .. }, Methodology::FuelSwitch) => {
                    if let [f] = from.as_slice() {
                        known.push(("from", fuel_id(*f)));
                    } else {
                        missing.push((
                            "parameters.from",
                            "one reference fuel (the measure shifts from several)",
                        ));
                    }
                    if let [t] = to.as_slice() {
                        known.push(("to", fuel_id(*t)));
                    } else {
                        missing.push((
                            "parameters.to",
                            "one project fuel (the measure shifts to several)",
                        ));
                    }
                    missing.push((
                        "parameters.fuel_consumption",
                        "reference fuel use of the installation, energy per year",
                    ));
                }
                (_, Methodology::WasteToEnergy) => {
                    let inc = waste_row::INCINERATION;
                    let t = with.out.waste_detail[[inc, iy(year)]]
                        - reference.out.waste_detail[[inc, iy(year)]];
                    known.push((
                        "throughput",
                        format!("\"{} t/yr\"", lcs_units::format_number(round_sig(t))),
                    ));
                    missing.push(("parameters.net_export", "electricity exported per tonne (optional: the model's `waste.incineration.electricity`)"));
                }
                _ => {
                    missing.push((
                        "parameters.energy",
                        "the energy the equipment uses (`electricity` or a fuel)",
                    ));
                    missing.push((
                        "parameters.consumption",
                        "the project equipment's energy use per year",
                    ));
                    missing.push((
                        "parameters.efficiency_project",
                        "efficiency, COP or efficacy of the new equipment",
                    ));
                    missing.push((
                        "parameters.efficiency_reference",
                        "the same of the equipment it replaces",
                    ));
                }
            }
            missing.push(("lifetime", "the crediting period"));
            missing.push(("economics", "capex, opex, revenues, discount rate"));
            out.push(Candidate {
                action: a.id.clone(),
                measure: m.id.clone(),
                name: m.name.clone().or_else(|| a.name.clone()),
                methodology,
                target_path: m.target_path.clone(),
                start,
                year,
                annual_reduction_t: annual,
                cumulative_reduction_t: cumulative,
                end_year: end,
                known,
                missing,
            });
        }
    }
    Ok(out)
}

/// Rounds to 6 significant digits (drafts are starting points, not results).
fn round_sig(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let d = 6 - 1 - v.abs().log10().floor() as i32;
    let f = 10f64.powi(d);
    (v * f).round() / f
}

/// The id of a candidate's draft project: `<action>-<measure>`, lower case, `.` and other
/// characters outside `[a-z0-9-]` as `-`.
pub fn draft_id(c: &Candidate) -> String {
    let raw = if c.measure.starts_with(&c.action) {
        c.measure.clone()
    } else {
        format!("{}-{}", c.action, c.measure)
    };
    raw.to_lowercase()
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ch == '-' {
                ch
            } else {
                '-'
            }
        })
        .collect()
}

/// A draft project file for a candidate (docs/PROJECTS.md): what the measure gives is
/// filled in, what is missing is listed in comments and left out, so `lcs validate` names
/// the first missing keys. `scenario` is the screened file's name, `region` the model's path
/// relative to where the draft is written.
pub fn draft_yaml(c: &Candidate, scenario: &str, region: &str) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "# Draft from `lcs projects --screen {scenario}`: measure `{}` of action `{}` (target `{}`).\n",
        c.measure, c.action, c.target_path
    ));
    s.push_str(&format!(
        "# Engine estimate, this measure alone on the reference: {} t CO2e in {}, {} t CO2e over {}-{}.\n",
        lcs_units::format_number(round_sig(c.annual_reduction_t)),
        c.year,
        lcs_units::format_number(round_sig(c.cumulative_reduction_t)),
        c.start,
        c.end_year
    ));
    s.push_str("# Still missing (add them, then `lcs validate` this file):\n");
    for (k, what) in &c.missing {
        s.push_str(&format!("#   {k}: {what}\n"));
    }
    s.push_str(&format!("project: {}\n", draft_id(c)));
    if let Some(n) = &c.name {
        s.push_str(&format!("name: \"{}\"\n", n.replace('"', "'")));
    }
    s.push_str(&format!("region: {region}\n"));
    s.push_str(&format!("methodology: {}\n", c.methodology.name()));
    s.push_str(&format!("start: {}\n", c.start));
    s.push_str("status: identified\n");
    if c.known.is_empty() {
        s.push_str("parameters: {}\n");
    } else {
        s.push_str("parameters:\n");
        for (k, v) in &c.known {
            s.push_str(&format!("  {k}: {v}\n"));
        }
    }
    s
}
