//! Reading the inventory extensions of MODEL.md (docs/EXTENSIONS.md): the source forms
//! `process:` (IPCC Tier 1 process factors), `refrigerant:` (a refrigerant bank, IPCC 2006
//! Vol. 3 Ch. 7) and `land:` (a land class with stock-change accounting, IPCC 2006 Vol. 4
//! Ch. 2), and in `electricity:` the power stations in the region (`plants:`, a memo line)
//! and the residual-mix factor of market-based results (`residual_factor:`).
//!
//! ```yaml
//! sources:
//!   ippu/ethylene: { activity: "504000 t", process: ethylene_naphtha }
//!   ippu/mobile_ac:
//!     activity: cars
//!     refrigerant: { charge: "0.8 kg/vehicle", leak: 0.15, gases: { HFC-134a: 1.0 } }
//!   afolu/mangrove:
//!     land: { cover: mangrove_tropical_wet, area: "10300 ha", conversion: "100 ha" }
//! electricity:
//!   plants:
//!     coal_units: { capacity: "2100 MW", capacity_factor: 0.75, efficiency: 0.36, fuel: coal }
//!   residual_factor: "0.62 t CO2e/MWh"
//! ```
//!
//! Every value is checked for its dimension at load (a charge times the stock must be a
//! mass, a removal factor a mass of CO2 per area, a conversion an area), names against the
//! embedded tables (`data/factors/fgases.csv`, `ippu_processes.csv`, `land_carbon.csv`) with
//! the nearest names, shares in [0, 1].

use crate::check_model::{factor_per_energy, read_efficiency, read_output, share_map};
use crate::diag::Diagnostic;
use crate::model::*;
use crate::read::{get, join, one_of, Reader, Want};
use crate::source::Span;
use crate::yaml::{Key, Node};
use lcs_factors::inventory::{self as tables, CO2_PER_C};
use lcs_factors::FuelTable;
use lcs_units::{nearest, Dimension, Species};

/// The keys of `sources.<path>.refrigerant`.
pub(crate) const REFRIGERANT_KEYS: [&str; 5] = ["charge", "leak", "retire", "recovery", "gases"];
/// The keys of `sources.<path>.land`.
pub(crate) const LAND_KEYS: [&str; 9] = [
    "cover",
    "area",
    "removals",
    "conversion",
    "restoration",
    "biomass_loss",
    "soil_loss",
    "soil_lost",
    "soil_years",
];
/// The keys of a plant of `electricity.plants`.
pub(crate) const SUPPLY_PLANT_KEYS: [&str; 5] = [
    "capacity",
    "capacity_factor",
    "generation",
    "efficiency",
    "fuel",
];

/// A mass of CO2 per area (`t CO2/ha`).
fn co2_per_area() -> Dimension {
    Dimension::mass()
        .mul(&Dimension::species_tag(Species::CO2))
        .div(&area())
}

fn area() -> Dimension {
    Dimension::length().powi(2)
}

/// The factors of an IPCC process (`process: <id>`): one series per gas, in t of gas per t
/// of product; the activity must be a mass.
pub(crate) fn process_factors(
    r: &mut Reader,
    node: &Node,
    path: &str,
    activity_dim: &Dimension,
) -> Option<(String, Vec<(SourceGas, Series)>)> {
    let id = r.text(node, path)?.to_string();
    let Some(p) = tables::process(&id) else {
        let ids = tables::process_ids();
        r.err(
            Diagnostic::new(node.span, format!("unknown process `{id}`"))
                .at(path)
                .expected(one_of(&ids))
                .suggest(nearest(&id, ids.iter().copied()))
                .note("processes and their IPCC factors are listed in data/factors/ippu_processes.csv"),
        );
        return None;
    };
    if *activity_dim != Dimension::mass() {
        r.err(
            Diagnostic::new(
                node.span,
                format!("process `{id}` needs an activity that is a mass of product"),
            )
            .at(path)
            .expected(format!("an activity in t ({})", p.product))
            .found(format!("an activity in {activity_dim}")),
        );
        return None;
    }
    let factors = p
        .factors
        .iter()
        .filter_map(|f| {
            let gas = SourceGas::parse(&f.gas)?;
            let s = Series {
                def: SeriesDef::Values(vec![f.t_per_t; r.n_years()]),
                dim: Dimension::none(),
                unit_text: Some(format!("t {}/t", f.gas)),
                span: node.span,
                provenance: None,
            };
            Some((gas, s))
        })
        .collect();
    Some((id, factors))
}

/// `sources.<path>.refrigerant`: the bank of a stock given by the source's activity.
pub(crate) fn read_refrigerant(
    r: &mut Reader,
    node: &Node,
    path: &str,
    activity_dim: &Dimension,
) -> Option<Refrigerant> {
    let items = r.map(node, path, &REFRIGERANT_KEYS)?;
    let cp = join(path, "charge");
    let charge = r
        .req(items, "charge", path, node.span)
        .and_then(|c| r.series(c, &cp, &Want::Any, false))?;
    let total = charge.dim.mul(activity_dim);
    if total != Dimension::mass() {
        r.err(
            Diagnostic::new(
                charge.span,
                "the charge times the stock (the activity) is not a mass of refrigerant",
            )
            .at(cp)
            .expected(format!(
                "a mass of refrigerant per unit of stock ({activity_dim}), e.g. `\"0.8 kg/vehicle\"`"
            ))
            .found(format!("{} × {activity_dim} = {total}", charge.dim)),
        );
        return None;
    }
    if !r.non_negative(&charge, charge.span, &cp, "a charge") {
        return None;
    }
    let fraction = |r: &mut Reader, key: &str| -> Option<Series> {
        match get(items, key) {
            Some(v) => r.fraction(v, &join(path, key)),
            None => Some(r.zero(Dimension::none(), node.span)),
        }
    };
    let leak = r
        .req(items, "leak", path, node.span)
        .and_then(|v| r.fraction(v, &join(path, "leak")))?;
    let retire = fraction(r, "retire")?;
    let recovery = fraction(r, "recovery")?;
    let gp = join(path, "gases");
    let gnode = r.req(items, "gases", path, node.span)?;
    let ids = tables::fgas_ids();
    let resolve = |name: &str| -> Result<usize, Vec<String>> {
        ids.iter()
            .position(|g| *g == name)
            .ok_or_else(|| ids.iter().map(|s| s.to_string()).collect())
    };
    let gases = share_map(r, gnode, &gp, "gas", &resolve)?;
    Some(Refrigerant {
        charge,
        leak,
        retire,
        recovery,
        gases,
    })
}

/// `sources.<path>.land`: a land class (its `activity` and `factors` must be absent).
pub(crate) fn read_land(r: &mut Reader, node: &Node, path: &str) -> Option<Land> {
    let items = r.map(node, path, &LAND_KEYS)?;
    let mut ok = true;
    let cover = match get(items, "cover") {
        None => None,
        Some(c) => {
            let t = r.text(c, &join(path, "cover"))?.to_string();
            match tables::land_cover(&t) {
                Some(lc) => Some((t, lc, c.span)),
                None => {
                    let ids = tables::land_cover_ids();
                    r.err(
                        Diagnostic::new(c.span, format!("unknown land cover `{t}`"))
                            .at(join(path, "cover"))
                            .expected(one_of(&ids))
                            .suggest(nearest(&t, ids.iter().copied()))
                            .note("land covers and their IPCC carbon stocks are listed in data/factors/land_carbon.csv"),
                    );
                    return None;
                }
            }
        }
    };
    // The area at the start of the base year: a constant area.
    let ap = join(path, "area");
    let an = r.req(items, "area", path, node.span)?;
    let area_s = r.series(an, &ap, &Want::Dim(area()), false)?;
    let area_v = match area_s.values() {
        Some(v) if v.windows(2).all(|w| w[0] == w[1]) => v.first().copied().unwrap_or(0.0),
        _ => {
            r.err(
                Diagnostic::new(an.span, "the area is the land's area in the base year: one value")
                    .at(ap)
                    .expected("a constant area such as `\"10300 ha\"`; changes come from `conversion` and `restoration`"),
            );
            return None;
        }
    };
    if area_v < 0.0 {
        r.err(Diagnostic::new(an.span, "an area cannot be negative").at(ap));
        return None;
    }
    let stock = |r: &mut Reader, key: &str| -> Option<Option<Series>> {
        let Some(v) = get(items, key) else {
            return Some(None);
        };
        let kp = join(path, key);
        let s = r.series(v, &kp, &Want::Any, false)?;
        if s.dim != co2_per_area() {
            let t_c = s.dim == Dimension::mass().div(&area());
            let mut d = Diagnostic::new(v.span, format!("`{key}` must be a mass of CO2 per area"))
                .at(kp)
                .expected("a unit such as `t CO2/ha`")
                .found(format!(
                    "`{}` ({})",
                    s.unit_text.clone().unwrap_or_else(|| "1".into()),
                    s.dim
                ));
            if t_c {
                d = d.note("a carbon stock in t C/ha is multiplied by 44/12 to give t CO2/ha");
            }
            r.err(d);
            return None;
        }
        Some(Some(s))
    };
    let removals = stock(r, "removals")?;
    let biomass_loss = stock(r, "biomass_loss")?;
    let soil_loss = stock(r, "soil_loss")?;
    let areas = |r: &mut Reader, key: &str| -> Option<Series> {
        let Some(v) = get(items, key) else {
            return Some(r.zero(area(), node.span));
        };
        let kp = join(path, key);
        let s = r.series(v, &kp, &Want::Dim(area()), false)?;
        r.non_negative(&s, v.span, &kp, "an area").then_some(s)
    };
    let conversion = areas(r, "conversion")?;
    let restoration = areas(r, "restoration")?;
    let constant = |r: &Reader, v: f64, span: Span, unit: &str| Series {
        def: SeriesDef::Values(vec![v; r.n_years()]),
        dim: co2_per_area(),
        unit_text: Some(unit.to_string()),
        span,
        provenance: None,
    };
    // t C per ha → t CO2 per m2 (base units): × 44/12 / 1e4.
    let per_ha = |t_c_per_ha: f64| t_c_per_ha * CO2_PER_C / 1e4;
    let biomass_loss = match (biomass_loss, &cover) {
        (Some(s), _) => s,
        (None, Some((_, lc, span))) => {
            constant(r, per_ha(lc.biomass_t_c_per_ha), *span, "t CO2/ha")
        }
        (None, None) => {
            r.err(
                Diagnostic::new(node.span, "a land class needs `biomass_loss` or a `cover`")
                    .at(join(path, "biomass_loss"))
                    .expected("the CO2 of the biomass lost per area converted, e.g. `\"826 t CO2/ha\"`, or a `cover` of data/factors/land_carbon.csv"),
            );
            ok = false;
            r.zero(co2_per_area(), node.span)
        }
    };
    let soil_loss = match (soil_loss, get(items, "soil_lost")) {
        (Some(_), Some(f)) => {
            r.err(
                Diagnostic::new(f.span, "`soil_loss` and `soil_lost` are both given")
                    .at(join(path, "soil_lost"))
                    .expected("one of them: a stock per area (`soil_loss`) or the share of the cover's soil carbon lost (`soil_lost`)"),
            );
            return None;
        }
        (Some(s), None) => s,
        (None, Some(f)) => {
            let fp = join(path, "soil_lost");
            let x = r.number(f, &fp)?;
            if !(0.0..=1.0).contains(&x) {
                r.err(
                    Diagnostic::new(f.span, format!("`soil_lost` = {x} is outside [0, 1]"))
                        .at(fp)
                        .expected("the share of the soil carbon lost, from 0 to 1"),
                );
                return None;
            }
            match &cover {
                Some((_, lc, _)) => constant(r, x * per_ha(lc.soil_t_c_per_ha), f.span, "t CO2/ha"),
                None => {
                    r.err(
                        Diagnostic::new(f.span, "`soil_lost` needs a `cover`")
                            .at(fp)
                            .expected("a `cover` whose soil carbon stock is lost in part, or a `soil_loss` in t CO2/ha"),
                    );
                    return None;
                }
            }
        }
        (None, None) => r.zero(co2_per_area(), node.span),
    };
    let soil_years = match get(items, "soil_years") {
        None => 20,
        Some(v) => {
            let kp = join(path, "soil_years");
            let x = r.number(v, &kp)?;
            if x < 1.0 || x.fract() != 0.0 || x > 1000.0 {
                r.err(
                    Diagnostic::new(v.span, format!("`soil_years` = {x} is not a whole number of years from 1"))
                        .at(kp)
                        .expected("a whole number of years ≥ 1 (IPCC Tier 1: 20; 1 when the soil is excavated)"),
                );
                return None;
            }
            x as usize
        }
    };
    ok.then_some(Land {
        cover: cover.map(|(t, _, _)| t),
        area: area_v,
        removals: removals.unwrap_or_else(|| r.zero(co2_per_area(), node.span)),
        conversion,
        restoration,
        biomass_loss,
        soil_loss,
        soil_years,
    })
}

/// `electricity.plants`: power stations in the region that supply the grid.
pub(crate) fn read_plants(r: &mut Reader, fuels: &FuelTable, n: &Node) -> Option<Vec<SupplyPlant>> {
    let list = r.free_map(n, "electricity.plants", "power stations")?;
    let mut out = Vec::new();
    let mut ok = true;
    for (k, v) in list {
        match read_plant(r, fuels, k, v) {
            Some(p) => out.push(p),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn read_plant(r: &mut Reader, fuels: &FuelTable, k: &Key, v: &Node) -> Option<SupplyPlant> {
    let up = join("electricity.plants", &k.text);
    let items = r.map(v, &up, &SUPPLY_PLANT_KEYS)?;
    let mut plant = SupplyPlant {
        name: k.text.clone(),
        capacity: None,
        capacity_factor: None,
        generation: None,
        efficiency: 1.0,
        fuel: 0,
        span: k.span,
    };
    let out = read_output(r, items, &up, v, "plant", &k.text)?;
    plant.capacity = out.capacity;
    plant.capacity_factor = out.capacity_factor;
    plant.generation = out.generation;
    let fp = join(&up, "fuel");
    let fnode = r.req(items, "fuel", &up, v.span)?;
    let t = r.text(fnode, &fp)?;
    plant.fuel = match fuels.index_of(t) {
        Some(i) if !fuels.fuels()[i].is_carrier() => i,
        _ => {
            let burnt: Vec<&str> = fuels
                .fuels()
                .iter()
                .filter(|f| !f.is_carrier())
                .map(|f| f.id.as_str())
                .collect();
            r.err(
                Diagnostic::new(
                    fnode.span,
                    format!("`{t}` is not a fuel a power station burns"),
                )
                .at(fp)
                .expected(one_of(&burnt))
                .suggest(nearest(t, burnt.iter().copied())),
            );
            return None;
        }
    };
    let e = r.req(items, "efficiency", &up, v.span)?;
    plant.efficiency = read_efficiency(r, e, &join(&up, "efficiency"))?;
    Some(plant)
}

/// `electricity.residual_factor`: t CO2e (or t CO2) per energy, counted as CO2e.
pub(crate) fn read_residual_factor(r: &mut Reader, n: &Node) -> Option<Series> {
    let p = "electricity.residual_factor";
    let s = r.series(n, p, &Want::Any, false)?;
    let gas = factor_per_energy(r, &s);
    if !matches!(gas, Ok(Species::CO2 | Species::CO2e)) {
        r.err(
            Diagnostic::new(
                n.span,
                "a residual-mix factor needs a mass of CO2e per energy",
            )
            .at(p)
            .expected("a unit such as `t CO2e/MWh`")
            .found(
                gas.err()
                    .map_or_else(|| s.dim.to_string(), |e| e.to_string()),
            ),
        );
        return None;
    }
    if !r.non_negative(&s, n.span, p, "a residual-mix factor") {
        return None;
    }
    Some(s)
}
