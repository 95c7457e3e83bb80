//! Where a network's avoided emissions fall, seen from the region model's inventory
//! (docs/ECOTOWN.md "How a network enters a scenario"), and what a scenario that links the
//! network changes in that inventory.
//!
//! Every part of an exchange's net avoided emissions (each substitute's avoided virgin
//! production, the avoided disposal, processing energy, composting at the receiver, the
//! fossil CO2 of a by-product burnt as fuel, transport) lies inside the inventory (a linked
//! scenario changes the model by it), inside the region but not modelled, or outside the
//! region ([`lcs_model::ecotown::Network::places`]):
//!
//! ```text
//! net_avoided = inside + not_modelled + outside
//! ```
//!
//! [`scenario_view`] runs the scenario's engine with the network's measures alone (solo
//! against the scenario's reference), exchange by exchange: the inventory change the link
//! makes, t CO2e per year, to set beside the network's own `inside` estimate (they differ
//! where the model's arithmetic differs: the landfill's mixed composition where routes are
//! not composition-aware, the scenario's grid factor, the waste available to divert).

use crate::assess::{Assessment, EcotownError};
use lcs_model::ecotown::{ExchangePlaces, Network, Place};
use lcs_model::link::Linked;
use lcs_model::Scenario;

/// One exchange's net avoided emissions in one year by where they fall, t CO2e.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryYear {
    /// The year.
    pub year: i32,
    /// Inside the inventory (linked into a scenario).
    pub inside: f64,
    /// Inside the region, not in the model.
    pub not_modelled: f64,
    /// Outside the region.
    pub outside: f64,
}

/// One exchange's boundary split.
#[derive(Clone, Debug, PartialEq)]
pub struct ExchangeBoundary {
    /// Exchange id.
    pub exchange: String,
    /// Where each part falls.
    pub places: ExchangePlaces,
    /// One row per year of the assessment.
    pub years: Vec<BoundaryYear>,
}

fn add(row: &mut BoundaryYear, place: Place, v: f64) {
    match place {
        Place::Inside => row.inside += v,
        Place::NotModelled => row.not_modelled += v,
        Place::Outside => row.outside += v,
    }
}

/// Every exchange's net avoided emissions split by where they fall; `inside + not_modelled
/// + outside = net_avoided` in every year.
pub fn boundary(net: &Network, a: &Assessment) -> Vec<ExchangeBoundary> {
    a.exchanges
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let places = net.places(i);
            let years = x
                .years
                .iter()
                .map(|r| {
                    let mut row = BoundaryYear {
                        year: r.year,
                        inside: 0.0,
                        not_modelled: 0.0,
                        outside: 0.0,
                    };
                    for (v, p) in r.virgin_by_substitute.iter().zip(&places.virgin) {
                        add(&mut row, *p, *v);
                    }
                    add(&mut row, places.disposal, r.avoided_disposal);
                    add(&mut row, places.processing_energy, -r.processing_energy);
                    add(&mut row, places.treatment, -r.treatment);
                    add(&mut row, places.burnt, -r.burnt);
                    add(&mut row, places.transport, -r.transport);
                    row
                })
                .collect();
            ExchangeBoundary {
                exchange: x.id.clone(),
                places,
                years,
            }
        })
        .collect()
}

/// A linked network in a scenario: its assessment, the boundary split, and the inventory
/// change its measures make.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkView {
    /// The action that links it.
    pub action: String,
    /// The network's own assessment (on its region model).
    pub assessment: Assessment,
    /// Where each exchange's net avoided emissions fall.
    pub boundary: Vec<ExchangeBoundary>,
    /// The scenario's model years.
    pub years: Vec<i32>,
    /// Per exchange (in file order): the inventory change of its measures alone against the
    /// scenario's reference (reference − run, t CO2e per model year; 0 for an exchange with
    /// no measure).
    pub inventory_change_t: Vec<Vec<f64>>,
    /// The same for all the network's measures together.
    pub total_change_t: Vec<f64>,
}

/// The reduction (reference − run, t CO2e per year) of the scenario's reference with only
/// the given measures of one action.
fn solo_of(s: &Scenario, action: usize, measures: &[usize]) -> Result<Vec<f64>, EcotownError> {
    let mut one = s.clone();
    let mut a = s.actions[action].clone();
    a.measures = measures
        .iter()
        .map(|&m| s.actions[action].measures[m].clone())
        .collect();
    one.actions = vec![a];
    one.links.clear();
    one.targets.clear();
    one.uncertainty.clear();
    one.correlations.clear();
    let c = lcs_engine::compile(&one).map_err(EcotownError::Compile)?;
    let reference = lcs_engine::run_reference(&c).map_err(EcotownError::Run)?;
    let with = lcs_engine::run_all(&c).map_err(EcotownError::Run)?;
    Ok(reference
        .out
        .co2e_t
        .iter()
        .zip(&with.out.co2e_t)
        .map(|(r, w)| r - w)
        .collect())
}

/// Every network the scenario links, with its boundary split and the inventory change of its
/// measures, in link order.
pub fn scenario_view(s: &Scenario) -> Result<Vec<NetworkView>, EcotownError> {
    let n = s.model.n_years();
    let mut out = Vec::new();
    for l in &s.links {
        let Linked::Network(net) = &l.linked else {
            continue;
        };
        let assessment = crate::assess(net)?;
        let boundary = boundary(net, &assessment);
        let all: Vec<usize> = l.measures.iter().map(|m| m.measure).collect();
        let total_change_t = if all.is_empty() {
            vec![0.0; n]
        } else {
            solo_of(s, l.action, &all)?
        };
        let mut inventory_change_t = Vec::new();
        for e in 0..net.exchanges.len() {
            let ms: Vec<usize> = l
                .measures
                .iter()
                .filter(|m| m.exchange == Some(e))
                .map(|m| m.measure)
                .collect();
            inventory_change_t.push(if ms.is_empty() {
                vec![0.0; n]
            } else {
                solo_of(s, l.action, &ms)?
            });
        }
        out.push(NetworkView {
            action: s.actions[l.action].id.clone(),
            assessment,
            boundary,
            years: s.model.years().collect(),
            inventory_change_t,
            total_change_t,
        });
    }
    Ok(out)
}
