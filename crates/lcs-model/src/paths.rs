//! Parameter paths: every target a measure or an override can name (MODEL.md §9).
//!
//! One list serves `lcs paths`, target resolution and "nearest valid path" suggestions, so
//! the three can never disagree.

use crate::model::*;
use lcs_units::Dimension;

/// One valid target path.
#[derive(Clone, Debug)]
pub struct PathInfo {
    /// The path as written in a measure, e.g. `demand.transport/car.intensity`.
    pub path: String,
    /// The resolved target.
    pub target: Target,
    /// The unit (as written in the model where possible), or the items of a share map.
    pub unit: String,
    /// The dimension of the series (none for share maps).
    pub dim: Dimension,
    /// Whether overrides may replace it (series only, MODEL.md §11.9).
    pub overridable: bool,
}

fn unit_of(s: &Series) -> String {
    match &s.unit_text {
        Some(t) => t.clone(),
        None if s.dim.is_none() => "1".to_string(),
        None => format!("{}", s.dim),
    }
}

fn items(names: impl IntoIterator<Item = String>) -> String {
    format!(
        "share map {{{}}}",
        names.into_iter().collect::<Vec<_>>().join(", ")
    )
}

/// Every valid target path of a model, in a stable order.
pub fn target_paths(model: &Model) -> Vec<PathInfo> {
    let mut out = Vec::new();
    let mut push =
        |path: String, target: Target, unit: String, dim: Dimension, overridable: bool| {
            out.push(PathInfo {
                path,
                target,
                unit,
                dim,
                overridable,
            });
        };
    for (i, d) in model.drivers.iter().enumerate() {
        push(
            format!("drivers.{}", d.name),
            Target::Driver(i),
            d.unit_text.clone(),
            d.series.dim.clone(),
            true,
        );
    }
    for (i, n) in model.nodes.iter().enumerate() {
        let act_unit = match &n.activity {
            Activity::Series(s) => unit_of(s),
            Activity::Driver {
                driver, per: None, ..
            } => model.drivers[*driver].unit_text.clone(),
            _ => format!("{}", n.activity_dim),
        };
        let share_defined = matches!(n.activity, Activity::Share(_));
        push(
            format!("demand.{}.activity", n.path),
            Target::Activity(i),
            act_unit,
            n.activity_dim.clone(),
            !share_defined,
        );
        if share_defined {
            push(
                format!("demand.{}.share", n.path),
                Target::Share(i),
                "1".into(),
                Dimension::none(),
                true,
            );
        }
        let leaves = model.leaves_below(i);
        let int_unit = leaves
            .first()
            .and_then(|&l| model.effective_intensity(l))
            .map(unit_of)
            .unwrap_or_else(|| format!("{}", Dimension::energy().div(&n.activity_dim)));
        push(
            format!("demand.{}.intensity", n.path),
            Target::Intensity(i),
            int_unit,
            Dimension::energy().div(&n.activity_dim),
            true,
        );
        let mut fuel_names: Vec<String> = Vec::new();
        for &l in &leaves {
            for s in model.effective_fuels(l).unwrap_or(&[]) {
                let id = model.fuels.fuels()[s.item].id.clone();
                if !fuel_names.contains(&id) {
                    fuel_names.push(id);
                }
            }
        }
        push(
            format!("demand.{}.fuels", n.path),
            Target::Fuels(i),
            items(fuel_names),
            Dimension::none(),
            true,
        );
        push(
            format!("demand.{}.energy", n.path),
            Target::Energy(i),
            "final energy of the leaves below (levers `save`, `switch`, `use`)".into(),
            Dimension::energy(),
            false,
        );
        if !n.children.is_empty()
            && n.children
                .iter()
                .all(|&c| matches!(model.nodes[c].activity, Activity::Share(_)))
        {
            let names = n.children.iter().map(|&c| model.nodes[c].name.clone());
            push(
                format!("demand.{}", n.path),
                Target::Children(i),
                items(names),
                Dimension::none(),
                false,
            );
        }
    }
    if let Some(e) = &model.electricity {
        push(
            "electricity.losses".into(),
            Target::Losses,
            "1".into(),
            Dimension::none(),
            true,
        );
        match &e.grid {
            Grid::Factor { factor, .. } => push(
                "electricity.grid_factor".into(),
                Target::GridFactor,
                unit_of(factor),
                factor.dim.clone(),
                true,
            ),
            Grid::Mix(plants) => push(
                "electricity.mix".into(),
                Target::Mix,
                items(plants.iter().map(|p| p.name.clone())),
                Dimension::none(),
                false,
            ),
            Grid::None => {}
        }
        push(
            "electricity.local".into(),
            Target::Local,
            "generation measures (capacity × capacity_factor, or generation)".into(),
            Dimension::energy(),
            false,
        );
        push(
            "electricity.market".into(),
            Target::Market,
            "market instruments (lever `purchase`: green tariffs, certificates, PPAs)".into(),
            Dimension::energy(),
            false,
        );
        for (i, u) in e.local.iter().enumerate() {
            if let Some(c) = &u.capacity {
                push(
                    format!("electricity.local.{}.capacity", u.name),
                    Target::LocalCapacity(i),
                    unit_of(c),
                    Dimension::energy(),
                    true,
                );
                push(
                    format!("electricity.local.{}.capacity_factor", u.name),
                    Target::LocalCapacityFactor(i),
                    "1".into(),
                    Dimension::none(),
                    true,
                );
            }
            if let Some(g) = &u.generation {
                push(
                    format!("electricity.local.{}.generation", u.name),
                    Target::LocalGeneration(i),
                    unit_of(g),
                    Dimension::energy(),
                    true,
                );
            }
        }
    }
    if let Some(w) = &model.waste {
        let gen_unit = match &w.generation {
            Activity::Series(s) => unit_of(s),
            _ => "t".into(),
        };
        push(
            "waste.generation".into(),
            Target::WasteGeneration,
            gen_unit,
            Dimension::mass(),
            true,
        );
        let types = lcs_factors::WasteType::ALL
            .iter()
            .map(|t| t.name().to_string());
        push(
            "waste.composition".into(),
            Target::WasteComposition,
            items(types),
            Dimension::none(),
            true,
        );
        if w.by_type {
            push(
                "waste.routes".into(),
                Target::WasteRoutes,
                "composition-aware routes (lever `divert`)".into(),
                Dimension::none(),
                false,
            );
            for t in lcs_factors::WasteType::ALL {
                let accepted = ROUTES
                    .iter()
                    .enumerate()
                    .filter(|(r, _)| w.accepts[*r][t.index()])
                    .map(|(_, n)| n.to_string());
                push(
                    format!("waste.routes.{}", t.name()),
                    Target::TypeRoutes(t.index()),
                    items(accepted),
                    Dimension::none(),
                    true,
                );
            }
        } else {
            push(
                "waste.routes".into(),
                Target::WasteRoutes,
                items(ROUTES.iter().map(|s| s.to_string())),
                Dimension::none(),
                true,
            );
        }
        push(
            "waste.landfill.recovery".into(),
            Target::LandfillRecovery,
            "1".into(),
            Dimension::none(),
            true,
        );
        push(
            "waste.incineration.electricity".into(),
            Target::IncinerationElectricity,
            w.incineration_electricity
                .unit_text
                .clone()
                .unwrap_or_else(|| "MWh/t".into()),
            Dimension::energy().div(&Dimension::mass()),
            true,
        );
        push(
            "waste.incineration.capture".into(),
            Target::IncinerationCapture,
            "1".into(),
            Dimension::none(),
            true,
        );
    }
    if let Some(ww) = &model.wastewater {
        let mut streams: Vec<(String, Option<usize>, &WastewaterStream)> = Vec::new();
        if let Some(d) = &ww.domestic {
            streams.push(("wastewater.domestic".into(), None, &d.stream));
        }
        for (i, ind) in ww.industrial.iter().enumerate() {
            streams.push((
                format!("wastewater.industrial.{}", ind.name),
                Some(i),
                &ind.stream,
            ));
            let adim = activity_dim(model, &ind.production);
            let unit = match &ind.production {
                Activity::Series(x) => unit_of(x),
                Activity::Driver {
                    driver, per: None, ..
                } => model.drivers[*driver].unit_text.clone(),
                _ => format!("{adim}"),
            };
            push(
                format!("wastewater.industrial.{}.production", ind.name),
                Target::IndustrialProduction(i),
                unit,
                adim,
                true,
            );
        }
        for (p, i, st) in streams {
            push(
                format!("{p}.pathways"),
                Target::WastewaterPathways(i),
                items(st.pathways.iter().map(|x| x.name.clone())),
                Dimension::none(),
                true,
            );
            push(
                format!("{p}.recovery"),
                Target::WastewaterRecovery(i),
                "1".into(),
                Dimension::none(),
                true,
            );
        }
    }
    for (i, s) in model.sources.iter().enumerate() {
        if let Some(l) = s.land() {
            let area = Dimension::length().powi(2);
            for k in LandKey::ALL {
                let (series, unit) = match k {
                    LandKey::Removals => (&l.removals, "t CO2/ha"),
                    LandKey::Conversion => (&l.conversion, "ha"),
                    LandKey::Restoration => (&l.restoration, "ha"),
                    LandKey::BiomassLoss => (&l.biomass_loss, "t CO2/ha"),
                    LandKey::SoilLoss => (&l.soil_loss, "t CO2/ha"),
                };
                let dim = match k {
                    LandKey::Conversion | LandKey::Restoration => area.clone(),
                    _ => series.dim.clone(),
                };
                push(
                    format!("sources.{}.land.{}", s.path, k.name()),
                    Target::Land(i, k),
                    series.unit_text.clone().unwrap_or_else(|| unit.into()),
                    dim,
                    true,
                );
            }
            continue;
        }
        let adim = source_activity_dim(model, s);
        let aunit = match &s.activity {
            Activity::Series(x) => unit_of(x),
            Activity::Driver {
                driver, per: None, ..
            } => model.drivers[*driver].unit_text.clone(),
            _ => format!("{adim}"),
        };
        push(
            format!("sources.{}.activity", s.path),
            Target::SourceActivity(i),
            aunit,
            adim,
            true,
        );
        for (g, f) in &s.factors {
            push(
                format!("sources.{}.factors.{}", s.path, g.name()),
                Target::SourceFactor(i, *g),
                unit_of(f),
                f.dim.clone(),
                true,
            );
        }
        if let Some(b) = s.refrigerant() {
            let ids = lcs_factors::inventory::fgas_ids();
            push(
                format!("sources.{}.refrigerant.gases", s.path),
                Target::RefrigerantGases(i),
                items(
                    b.gases
                        .iter()
                        .filter_map(|g| ids.get(g.item).map(|x| x.to_string())),
                ),
                Dimension::none(),
                true,
            );
            for k in RefrigerantKey::ALL {
                let series = match k {
                    RefrigerantKey::Charge => &b.charge,
                    RefrigerantKey::Leak => &b.leak,
                    RefrigerantKey::Retire => &b.retire,
                    RefrigerantKey::Recovery => &b.recovery,
                };
                push(
                    format!("sources.{}.refrigerant.{}", s.path, k.name()),
                    Target::Refrigerant(i, k),
                    unit_of(series),
                    series.dim.clone(),
                    true,
                );
            }
        }
    }
    out
}

/// The dimension of a source's activity.
pub(crate) fn source_activity_dim(model: &Model, s: &Source) -> Dimension {
    activity_dim(model, &s.activity)
}

/// The dimension of an absolute activity (`Share`/`Inherit` give none).
pub fn activity_dim(model: &Model, a: &Activity) -> Dimension {
    match a {
        Activity::Driver { driver, per, .. } => {
            let d = model.drivers[*driver].series.dim.clone();
            match per {
                Some(p) => d.mul(&p.dim),
                None => d,
            }
        }
        Activity::Series(s) => s.dim.clone(),
        Activity::Share(_) | Activity::Inherit => Dimension::none(),
    }
}
