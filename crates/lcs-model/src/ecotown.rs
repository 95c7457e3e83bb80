//! Eco-town network files (`ecotown:`, an extension of the scenario language; docs/ECOTOWN.md).
//!
//! An eco-town network names a region model (`region: ../model.yaml`, loaded with the same
//! [`Loader`]) and lists facilities and the exchanges of by-products between them. This
//! module reads and checks the file form: keys, units (masses in t, energy per mass in GJ/t,
//! distances in m, money in its currency), names of facilities and fuels, the counterfactual
//! fate of each by-product, negative masses, substitution ratios ≤ 0, a facility that sends
//! a material to itself (directly or around a cycle), and exchanges that take more of a
//! material than the source facility declares it produces.
//!
//! Materials and transport modes are checked against the factor tables by `lcs-ecotown`,
//! which owns those tables; this module keeps the spans it needs for those diagnostics.
//!
//! Every mass series is one value per model year of the region, in t per year, 0 before the
//! exchange's first year and after its last.

use crate::check_model::fuel_resolver;
use crate::diag::Diagnostic;
use crate::model::{Model, SeriesDef, Target};
use crate::read::{describe, get, join, Reader, Want};
use crate::scenario::{reader_for, FileKind, Loader};
use crate::source::Span;
use crate::yaml::{Key, Node, NodeKind};
use lcs_units::{nearest, Dimension, CURRENCIES};
use std::path::{Path, PathBuf};

/// The top-level keys of an eco-town network file.
pub(crate) const TOP_KEYS: [&str; 7] = [
    "ecotown",
    "name",
    "region",
    "economics",
    "facilities",
    "exchanges",
    "inventory",
];
/// The keys of the network's `economics`.
pub(crate) const NETWORK_ECONOMICS_KEYS: [&str; 4] =
    ["currency", "price_year", "discount_rate", "base_year"];
/// The keys of a facility.
pub(crate) const FACILITY_KEYS: [&str; 6] = [
    "id",
    "name",
    "sector",
    "inside_region",
    "production",
    "node",
];
/// The keys of an exchange.
pub(crate) const EXCHANGE_KEYS: [&str; 16] = [
    "id",
    "name",
    "from",
    "to",
    "material",
    "waste_type",
    "mass",
    "start",
    "end",
    "substitutes",
    "processing",
    "treatment",
    "transport",
    "otherwise",
    "economics",
    "municipal",
];
/// The keys of an `inventory:` entry written as a mapping.
pub(crate) const INVENTORY_ENTRY_KEYS: [&str; 3] = ["target", "fuel", "energy"];
/// The keys of an exchange's `economics`.
pub(crate) const EXCHANGE_ECONOMICS_KEYS: [&str; 5] = [
    "price_year",
    "capex",
    "opex",
    "disposal_fee",
    "avoided_purchase",
];

/// The keys of a substitute of `substitutes`.
pub(crate) const SUBSTITUTE_KEYS: [&str; 2] = ["material", "ratio"];
/// The keys of an exchange's `transport`.
pub(crate) const TRANSPORT_KEYS: [&str; 2] = ["distance", "mode"];
/// The treatments an exchange may name.
pub(crate) const TREATMENTS: [&str; 1] = ["composting"];

/// The counterfactual fate of a by-product: what would happen to it without the exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Otherwise {
    /// Landfilled in the region's landfill (first-order decay, MODEL.md §7).
    Landfill,
    /// Incinerated (fossil carbon, MODEL.md §7; the region's WtE electricity is lost).
    Incineration,
    /// Burnt in the open (IPCC 2006 Vol. 5 Ch. 5).
    OpenBurning,
    /// Already used elsewhere: the exchange only displaces that use.
    UsedElsewhere,
}

impl Otherwise {
    /// The names used in files, in order.
    pub const NAMES: [&'static str; 4] =
        ["landfill", "incineration", "open_burning", "used_elsewhere"];

    /// Parses a name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "landfill" => Some(Otherwise::Landfill),
            "incineration" => Some(Otherwise::Incineration),
            "open_burning" => Some(Otherwise::OpenBurning),
            "used_elsewhere" => Some(Otherwise::UsedElsewhere),
            _ => None,
        }
    }

    /// The name used in files.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Biological treatment at the receiving facility, whose own emissions count as processing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Treatment {
    /// Composting at the region's composting factors (MODEL.md §7).
    Composting,
}

/// A facility of the network.
#[derive(Clone, Debug)]
pub struct Facility {
    /// Id, unique in the network.
    pub id: String,
    /// Display name (the id when not given).
    pub name: String,
    /// Sector, free text (`industry`, `waste`, …).
    pub sector: Option<String>,
    /// Whether the facility lies inside the region (its emissions are in the regional
    /// inventory); `true` unless written otherwise.
    pub inside_region: bool,
    /// Declared production per material: `(material, t per year for each model year, span)`.
    pub production: Vec<(String, Vec<f64>, Span)>,
    /// The demand node of the region model whose final energy holds the facility's energy use
    /// (`node: demand.industry`), for the link into scenarios: an exchange's processing energy
    /// becomes a `use` measure on it.
    pub node: Option<usize>,
    /// Where the facility is defined.
    pub span: Span,
}

/// A virgin material (or fuel) that a by-product replaces.
#[derive(Clone, Debug)]
pub struct Substitute {
    /// Material id, checked against `data/factors/materials.csv` by `lcs-ecotown`.
    pub material: String,
    /// Where the material name is.
    pub material_span: Span,
    /// Amount of the material replaced per t of by-product, in base units of `ratio_dim`
    /// (dimensionless t/t for a material on a mass basis, GJ/t for a fuel on an energy basis).
    pub ratio: f64,
    /// The ratio's dimension.
    pub ratio_dim: Dimension,
    /// The ratio as written, for messages.
    pub ratio_text: String,
    /// Where the ratio is.
    pub ratio_span: Span,
}

/// Transport of the by-product from the source to the receiving facility.
#[derive(Clone, Debug)]
pub struct Transport {
    /// One-way distance, m.
    pub distance_m: f64,
    /// Mode id, checked against `data/factors/transport_modes.csv` by `lcs-ecotown`.
    pub mode: String,
    /// Where the mode is.
    pub mode_span: Span,
}

/// Money of one exchange, in one currency at the prices of one year.
#[derive(Clone, Debug, PartialEq)]
pub struct ExchangeEconomics {
    /// Currency code.
    pub currency: String,
    /// Price year.
    pub price_year: i32,
    /// Investment, spent in the exchange's first year (currency units).
    pub capex: f64,
    /// Operating cost per t of by-product exchanged (currency per t).
    pub opex_per_t: f64,
    /// Disposal fee the source no longer pays, per t of by-product (currency per t).
    pub disposal_fee_per_t: f64,
    /// Purchase of virgin material the receiver no longer makes, per t of by-product
    /// (currency per t).
    pub avoided_purchase_per_t: f64,
    /// Where the economics are.
    pub span: Span,
}

/// The basis in which a network's money is reported and discounted.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkEconomics {
    /// Currency code.
    pub currency: String,
    /// Price year.
    pub price_year: i32,
    /// Discount rate, fraction per year.
    pub discount_rate: f64,
    /// Year to which flows are discounted.
    pub base_year: i32,
    /// Where the section is.
    pub span: Span,
}

/// One exchange of a by-product between two facilities.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// Id, unique in the network.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Source facility index.
    pub from: usize,
    /// Receiving facility index.
    pub to: usize,
    /// Where `to` is.
    pub to_span: Span,
    /// The by-product's material id.
    pub material: String,
    /// Where the material is.
    pub material_span: Span,
    /// The by-product's composition by IPCC waste type when disposed of, if written in the
    /// exchange (`waste_type: food` or a share map); else the materials table gives it.
    pub waste_type: Option<[f64; lcs_factors::N_WASTE_TYPES]>,
    /// Mass exchanged, t per year, one value per model year (0 outside `start..=end`).
    pub mass_t: Vec<f64>,
    /// The mass as written (unit), for display.
    pub mass_unit: Option<String>,
    /// Where the mass is.
    pub mass_span: Span,
    /// First year of the exchange.
    pub start: i32,
    /// Last year of the exchange.
    pub end: i32,
    /// Virgin materials replaced (none: no virgin credit).
    pub substitutes: Vec<Substitute>,
    /// Processing energy: `(fuel index in the region's fuel table, GJ per t of by-product)`.
    pub processing: Vec<(usize, f64)>,
    /// Biological treatment at the receiver, if any.
    pub treatment: Option<Treatment>,
    /// Transport, if any.
    pub transport: Option<Transport>,
    /// The counterfactual fate.
    pub otherwise: Otherwise,
    /// Where `otherwise` is.
    pub otherwise_span: Span,
    /// Money, if given.
    pub economics: Option<ExchangeEconomics>,
    /// Whether the by-product is part of the region model's municipal waste
    /// (`waste.generation`), so that a scenario linking the network diverts it from its
    /// `otherwise` route (`municipal: true`; default `false`).
    pub municipal: bool,
    /// The exchange's key path, e.g. `exchanges[2]`.
    pub key: String,
    /// Where the exchange is defined.
    pub span: Span,
}

/// A checked eco-town network with its region model.
#[derive(Clone, Debug)]
pub struct Network {
    /// Network id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// The region model (grid, waste, fuels, GWP, years).
    pub region: Model,
    /// The region model's path, as resolved from the network file.
    pub region_path: PathBuf,
    /// Facilities in file order.
    pub facilities: Vec<Facility>,
    /// Exchanges in file order.
    pub exchanges: Vec<Exchange>,
    /// The money basis, when any exchange has economics.
    pub economics: Option<NetworkEconomics>,
    /// Virgin materials made inside the region's inventory, by substituted material
    /// (`inventory:`): where a scenario linking the network reduces their production.
    pub inventory: Vec<MaterialLink>,
    /// Where the network is defined.
    pub span: Span,
}

/// Where the production of a virgin material lies in the region model (`inventory:` of a
/// network file): a source whose activity is the material, or a demand node whose final
/// energy makes it.
#[derive(Clone, Debug)]
pub struct MaterialLink {
    /// The substituted material (a `substitutes.material` of some exchange).
    pub material: String,
    /// The model path as written: `sources.<path>.activity` or `demand.<node>.energy`.
    pub target_path: String,
    /// The resolved target: [`Target::SourceActivity`] or [`Target::Energy`].
    pub target: Target,
    /// For a demand node: the fuel whose final energy the avoided production saves (default:
    /// the material itself, when it is a fuel of the region model).
    pub fuel: Option<usize>,
    /// For a demand node and a material on a mass basis: the final energy of `fuel` that one
    /// t of the material takes to make, GJ per t.
    pub energy_gj_per_t: Option<f64>,
    /// Where the mapping is.
    pub span: Span,
}

/// Where a part of an exchange's net avoided emissions falls, seen from the region model's
/// inventory (docs/ECOTOWN.md "How a network enters a scenario").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Inside the inventory: a scenario that links the network changes the model by it.
    Inside,
    /// Inside the region, but the model has no quantity for it (an industrial landfill, a
    /// by-product burnt in a kiln, trucks on the region's roads): reported, never linked.
    NotModelled,
    /// Outside the region (a facility outside it, a virgin material made elsewhere).
    Outside,
}

impl Place {
    /// `inside`, `not modelled` or `outside`.
    pub fn name(self) -> &'static str {
        match self {
            Place::Inside => "inside",
            Place::NotModelled => "not modelled",
            Place::Outside => "outside",
        }
    }
}

/// Where each part of one exchange's net avoided emissions falls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExchangePlaces {
    /// Avoided virgin production, per substitute (in the order of `substitutes`).
    pub virgin: Vec<Place>,
    /// Avoided disposal (the counterfactual fate).
    pub disposal: Place,
    /// Processing energy at the receiver.
    pub processing_energy: Place,
    /// Composting at the receiver (`treatment: composting`).
    pub treatment: Place,
    /// Fossil CO2 of a by-product burnt in place of a fuel.
    pub burnt: Place,
    /// Transport between the two facilities.
    pub transport: Place,
}

impl Network {
    /// The inventory mapping of a material, if any.
    pub fn material_link(&self, material: &str) -> Option<&MaterialLink> {
        self.inventory.iter().find(|l| l.material == material)
    }

    /// Where each part of exchange `e`'s net avoided emissions falls:
    ///
    /// - avoided virgin production: inside when the receiver lies inside the region and the
    ///   material has an `inventory:` mapping, else outside (made elsewhere);
    /// - avoided disposal: outside when the source facility lies outside the region; inside
    ///   when the exchange is additional, `municipal: true` and its `otherwise` is a route of
    ///   the model (`landfill`, `incineration`); else not modelled;
    /// - processing energy: outside when the receiver lies outside; inside when the exchange
    ///   is additional and the receiver has a `node`; else not modelled;
    /// - composting at the receiver: outside when the receiver lies outside; inside when the
    ///   disposal is inside (the diverted waste goes to the model's composting route); else
    ///   not modelled;
    /// - the fossil CO2 of a by-product burnt as fuel: outside or not modelled;
    /// - transport: outside when both facilities lie outside, else not modelled.
    pub fn places(&self, e: usize) -> ExchangePlaces {
        let x = &self.exchanges[e];
        let from = &self.facilities[x.from];
        let to = &self.facilities[x.to];
        let additional = x.otherwise != Otherwise::UsedElsewhere;
        let at_receiver = |inside: bool| {
            if to.inside_region {
                if inside {
                    Place::Inside
                } else {
                    Place::NotModelled
                }
            } else {
                Place::Outside
            }
        };
        let virgin = x
            .substitutes
            .iter()
            .map(|s| {
                if to.inside_region && self.material_link(&s.material).is_some() {
                    Place::Inside
                } else {
                    Place::Outside
                }
            })
            .collect();
        let disposal = if !from.inside_region {
            Place::Outside
        } else if additional
            && x.municipal
            && matches!(x.otherwise, Otherwise::Landfill | Otherwise::Incineration)
            && self.region.waste.is_some()
        {
            Place::Inside
        } else {
            Place::NotModelled
        };
        ExchangePlaces {
            virgin,
            disposal,
            processing_energy: at_receiver(additional && to.node.is_some()),
            treatment: at_receiver(disposal == Place::Inside),
            burnt: at_receiver(false),
            transport: if from.inside_region || to.inside_region {
                Place::NotModelled
            } else {
                Place::Outside
            },
        }
    }
}

/// A number for messages: integers without a decimal point.
fn plain(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        lcs_units::format_number(x)
    }
}

/// Whether `s` is a facility or exchange id: a lower-case letter, then lower-case letters,
/// digits, `_` or `-`.
fn is_id(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some('a'..='z'))
        && c.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

impl Loader {
    /// Loads and checks an eco-town network file and its region model.
    pub fn load_ecotown(&mut self, path: &Path) -> Result<Network, Vec<Diagnostic>> {
        let (_, node) = self.read(path)?;
        if self.kind(&node, path)? != FileKind::Ecotown {
            return Err(vec![Diagnostic::new(
                node.span,
                format!("`{}` is not an eco-town network file", path.display()),
            )
            .expected("a file with `ecotown:`")]);
        }
        let mut r0 = crate::scenario::bare_reader();
        let Some(items) = r0.map(&node, "", &TOP_KEYS) else {
            return Err(r0.errors);
        };
        let id = r0
            .req(items, "ecotown", "", node.span)
            .and_then(|n| r0.text(n, "ecotown"))
            .unwrap_or_default()
            .to_string();
        let name = get(items, "name")
            .and_then(|n| r0.text(n, "name"))
            .map(str::to_string);
        let region_node = r0.req(items, "region", "", node.span);
        let region_rel = region_node
            .and_then(|n| r0.text(n, "region"))
            .map(str::to_string);
        if !r0.errors.is_empty() {
            return Err(r0.errors);
        }
        let (Some(rel), Some(rn)) = (region_rel, region_node) else {
            return Err(r0.errors);
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let region_path = dir.join(&rel);
        let region = self.load_model(&region_path).map_err(|mut e| {
            for d in &mut e {
                if d.span.is_none() {
                    d.span = Some(rn.span);
                    d.path = "region".into();
                }
            }
            e
        })?;
        let mut r = reader_for(&region);
        r.data = self.data.clone();
        let facilities = read_facilities(&mut r, &region, items, node.span);
        let exchanges = read_exchanges(&mut r, &region, &facilities, items);
        let economics = read_network_economics(&mut r, items, &exchanges);
        let inventory = read_inventory(&mut r, &region, items, &exchanges);
        if r.errors.is_empty() {
            check_cycles(&mut r, &facilities, &exchanges);
            check_production(&mut r, &region, &facilities, &exchanges);
        }
        if !r.errors.is_empty() {
            return Err(r.errors);
        }
        Ok(Network {
            id,
            name,
            region,
            region_path,
            facilities,
            exchanges,
            economics,
            inventory,
            span: node.span,
        })
    }
}

/// A mass series in t per year: constant, points or base/growth (not an expression), every
/// value ≥ 0.
fn mass_series(r: &mut Reader, node: &Node, path: &str) -> Option<(Vec<f64>, Option<String>)> {
    let s = r.series(node, path, &Want::Dim(Dimension::mass()), false)?;
    let SeriesDef::Values(v) = s.def else {
        r.err(
            Diagnostic::new(s.span, "a mass here cannot be an expression")
                .at(path)
                .expected("a constant (`\"5 kt/yr\"`), `points` or `base` with `growth`"),
        );
        return None;
    };
    if let Some((i, x)) = v.iter().enumerate().find(|(_, x)| **x < 0.0) {
        r.err(
            Diagnostic::new(
                node.span,
                format!(
                    "mass is negative: {} t in {}",
                    plain(*x),
                    r.base_year + i as i32
                ),
            )
            .at(path)
            .expected("a mass of 0 or more in every year"),
        );
        return None;
    }
    Some((v, s.unit_text))
}

fn read_facilities(
    r: &mut Reader,
    region: &Model,
    items: &[(Key, Node)],
    span: Span,
) -> Vec<Facility> {
    let mut out: Vec<Facility> = Vec::new();
    let Some(list_node) = r.req(items, "facilities", "", span) else {
        return out;
    };
    let Some(list) = r.seq(list_node, "facilities", "facilities") else {
        return out;
    };
    for (i, n) in list.iter().enumerate() {
        let fp = format!("facilities[{i}]");
        let Some(fi) = r.map(n, &fp, &FACILITY_KEYS) else {
            continue;
        };
        let Some(idn) = r.req(fi, "id", &fp, n.span) else {
            continue;
        };
        let Some(id) = r.text(idn, &join(&fp, "id")).map(str::to_string) else {
            continue;
        };
        if !is_id(&id) {
            r.err(
                Diagnostic::new(idn.span, format!("invalid facility id `{id}`"))
                    .at(join(&fp, "id"))
                    .expected("a lower-case letter, then lower-case letters, digits, `_` or `-`"),
            );
            continue;
        }
        if out.iter().any(|f| f.id == id) {
            r.err(
                Diagnostic::new(idn.span, format!("facility id `{id}` is used twice"))
                    .at(join(&fp, "id")),
            );
            continue;
        }
        let name = get(fi, "name")
            .and_then(|x| r.text(x, &join(&fp, "name")))
            .map(str::to_string)
            .unwrap_or_else(|| id.clone());
        let sector = get(fi, "sector")
            .and_then(|x| r.text(x, &join(&fp, "sector")))
            .map(str::to_string);
        let inside_region = get(fi, "inside_region")
            .and_then(|x| r.boolean(x, &join(&fp, "inside_region")))
            .unwrap_or(true);
        let node = get(fi, "node").and_then(|x| demand_node(r, region, x, &join(&fp, "node")));
        let mut production = Vec::new();
        if let Some(pn) = get(fi, "production") {
            let pp = join(&fp, "production");
            if let Some(pi) = r.free_map(pn, &pp, "materials to mass series") {
                for (k, v) in pi {
                    if let Some((vals, _)) = mass_series(r, v, &join(&pp, &k.text)) {
                        production.push((k.text.clone(), vals, k.span));
                    }
                }
            }
        }
        out.push(Facility {
            id,
            name,
            sector,
            inside_region,
            production,
            node,
            span: n.span,
        });
    }
    out
}

/// A demand node named by its parameter path `demand.<node>` (`node:` of a facility), with
/// the nearest valid paths when it does not exist.
fn demand_node(r: &mut Reader, region: &Model, n: &Node, path: &str) -> Option<usize> {
    let t = r.text(n, path)?;
    let found = t
        .strip_prefix("demand.")
        .and_then(|p| region.nodes.iter().position(|x| x.path == p));
    if found.is_none() {
        let valid: Vec<String> = region
            .nodes
            .iter()
            .map(|x| format!("demand.{}", x.path))
            .collect();
        r.err(
            Diagnostic::new(n.span, format!("unknown demand node `{t}`"))
                .at(path)
                .expected("a demand node of the region model, written `demand.<node>` (e.g. `demand.industry`)")
                .suggest(nearest(t, valid.iter().map(String::as_str))),
        );
    }
    found
}

fn facility_ref(
    r: &mut Reader,
    facilities: &[Facility],
    items: &[(Key, Node)],
    key: &str,
    path: &str,
    span: Span,
) -> Option<usize> {
    let n = r.req(items, key, path, span)?;
    let kp = join(path, key);
    let t = r.text(n, &kp)?.to_string();
    match facilities.iter().position(|f| f.id == t) {
        Some(i) => Some(i),
        None => {
            r.err(
                Diagnostic::new(n.span, format!("unknown facility `{t}`"))
                    .at(kp)
                    .expected("the id of a facility listed under `facilities`")
                    .suggest(nearest(&t, facilities.iter().map(|f| f.id.as_str()))),
            );
            None
        }
    }
}

/// A waste type name or a share map of waste types (summing to 1), as an array indexed by
/// [`WasteType::index`].
fn composition(
    r: &mut Reader,
    node: &Node,
    path: &str,
) -> Option<[f64; lcs_factors::N_WASTE_TYPES]> {
    let mut out = [0.0; lcs_factors::N_WASTE_TYPES];
    match &node.kind {
        NodeKind::Scalar { .. } => {
            let t = r.text(node, path)?;
            out[r.waste_type(t, node.span, path)?.index()] = 1.0;
        }
        _ => {
            let items = r.free_map(node, path, "waste types to shares")?;
            let mut ok = true;
            for (k, v) in items {
                let kp = join(path, &k.text);
                let Some(w) = r.waste_type(&k.text, k.span, &kp) else {
                    ok = false;
                    continue;
                };
                match r.number(v, &kp) {
                    Some(x) if (0.0..=1.0).contains(&x) => out[w.index()] = x,
                    Some(x) => {
                        r.err(
                            Diagnostic::new(v.span, format!("share {x} is outside 0 to 1")).at(kp),
                        );
                        ok = false;
                    }
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            let sum: f64 = out.iter().sum();
            if (sum - 1.0).abs() > 1e-9 {
                r.err(
                    Diagnostic::new(node.span, format!("the shares sum to {sum}, not 1"))
                        .at(path)
                        .expected("shares that sum to 1 (±1e-9)"),
                );
                return None;
            }
        }
    }
    Some(out)
}

fn substitute(r: &mut Reader, node: &Node, path: &str) -> Option<Substitute> {
    let items = r.map(node, path, &SUBSTITUTE_KEYS)?;
    let mn = r.req(items, "material", path, node.span);
    let rn = r.req(items, "ratio", path, node.span);
    let (mn, rn) = (mn?, rn?);
    let material = r.text(mn, &join(path, "material"))?.to_string();
    let rp = join(path, "ratio");
    let q = r.quantity(rn, &rp)?;
    let (ratio, dim, text) = match &q.unit {
        Some(u) => (
            q.value * u.factor,
            u.dim.clone(),
            format!(
                "{} {}",
                lcs_units::format_number(q.value),
                q.unit_text.clone().unwrap_or_default()
            ),
        ),
        None => (
            q.value,
            Dimension::none(),
            lcs_units::format_number(q.value),
        ),
    };
    if ratio <= 0.0 {
        r.err(
            Diagnostic::new(
                rn.span,
                format!("substitution ratio must be positive, found {text}"),
            )
            .at(rp)
            .expected("the amount of virgin material replaced per t of by-product, > 0"),
        );
        return None;
    }
    Some(Substitute {
        material,
        material_span: mn.span,
        ratio,
        ratio_dim: dim,
        ratio_text: text,
        ratio_span: rn.span,
    })
}

/// A money value: the currency it is in and its value in base units of that currency per
/// `per` (none or mass).
fn money(r: &mut Reader, node: &Node, path: &str, per_mass: bool) -> Option<(String, f64)> {
    let q = r.quantity(node, path)?;
    let unit = q.unit.clone();
    let found = q
        .unit_text
        .clone()
        .unwrap_or_else(|| "a plain number".into());
    if let Some(u) = unit {
        for c in CURRENCIES {
            let want = if per_mass {
                Dimension::base(c).div(&Dimension::mass())
            } else {
                Dimension::base(c)
            };
            if u.dim == want {
                return Some((c.to_string(), q.value * u.factor));
            }
        }
    }
    r.err(
        Diagnostic::new(node.span, "expected an amount of money")
            .at(path)
            .expected(if per_mass {
                "a currency per mass, such as `\"12 MYR/t\"`"
            } else {
                "a currency amount, such as `\"2.5 MYR million\"`"
            })
            .found(format!("`{found}`")),
    );
    None
}

fn exchange_economics(r: &mut Reader, node: &Node, path: &str) -> Option<ExchangeEconomics> {
    let items = r.map(node, path, &EXCHANGE_ECONOMICS_KEYS)?;
    let price_year = r
        .req(items, "price_year", path, node.span)
        .and_then(|n| r.year(n, &join(path, "price_year")));
    let mut currency: Option<(String, Span)> = None;
    let mut values = [0.0f64; 4];
    let mut ok = true;
    for (i, key) in ["capex", "opex", "disposal_fee", "avoided_purchase"]
        .into_iter()
        .enumerate()
    {
        let Some(n) = get(items, key) else { continue };
        let kp = join(path, key);
        match money(r, n, &kp, i > 0) {
            Some((c, v)) => {
                match &currency {
                    Some((c0, _)) if *c0 != c => {
                        r.err(
                            Diagnostic::new(
                                n.span,
                                format!(
                                    "`{key}` is in {c}, but this exchange's other money is in {c0}"
                                ),
                            )
                            .at(kp)
                            .expected(format!(
                                "every value of one exchange in one currency ({c0})"
                            )),
                        );
                        ok = false;
                    }
                    Some(_) => {}
                    None => currency = Some((c, n.span)),
                }
                values[i] = v;
            }
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    let (currency, _) = currency?;
    Some(ExchangeEconomics {
        currency,
        price_year: price_year?,
        capex: values[0],
        opex_per_t: values[1],
        disposal_fee_per_t: values[2],
        avoided_purchase_per_t: values[3],
        span: node.span,
    })
}

fn read_exchanges(
    r: &mut Reader,
    region: &Model,
    facilities: &[Facility],
    items: &[(Key, Node)],
) -> Vec<Exchange> {
    let mut out: Vec<Exchange> = Vec::new();
    let Some(list_node) = get(items, "exchanges") else {
        return out;
    };
    let Some(list) = r.seq(list_node, "exchanges", "exchanges") else {
        return out;
    };
    let n_years = region.n_years();
    for (i, n) in list.iter().enumerate() {
        let ep = format!("exchanges[{i}]");
        let Some(ei) = r.map(n, &ep, &EXCHANGE_KEYS) else {
            continue;
        };
        let errors_before = r.errors.len();
        let id = r.req(ei, "id", &ep, n.span).and_then(|x| {
            let t = r.text(x, &join(&ep, "id"))?.to_string();
            if !is_id(&t) {
                r.err(
                    Diagnostic::new(x.span, format!("invalid exchange id `{t}`"))
                        .at(join(&ep, "id"))
                        .expected(
                            "a lower-case letter, then lower-case letters, digits, `_` or `-`",
                        ),
                );
                return None;
            }
            if out.iter().any(|e| e.id == t) {
                r.err(
                    Diagnostic::new(x.span, format!("exchange id `{t}` is used twice"))
                        .at(join(&ep, "id")),
                );
                return None;
            }
            Some(t)
        });
        let name = get(ei, "name")
            .and_then(|x| r.text(x, &join(&ep, "name")))
            .map(str::to_string);
        let from = facility_ref(r, facilities, ei, "from", &ep, n.span);
        let to = facility_ref(r, facilities, ei, "to", &ep, n.span);
        let material = r.req(ei, "material", &ep, n.span).and_then(|x| {
            let t = r.text(x, &join(&ep, "material"))?.to_string();
            Some((t, x.span))
        });
        if let (Some(f), Some(t), Some((m, _))) = (from, to, &material) {
            if f == t {
                let tn = get(ei, "to").map(|x| x.span).unwrap_or(n.span);
                r.err(
                    Diagnostic::new(
                        tn,
                        format!("facility `{}` sends `{m}` to itself", facilities[f].id),
                    )
                    .at(join(&ep, "to"))
                    .expected("an exchange between two different facilities"),
                );
            }
        }
        let waste_type =
            get(ei, "waste_type").and_then(|x| composition(r, x, &join(&ep, "waste_type")));
        let mass = r
            .req(ei, "mass", &ep, n.span)
            .and_then(|x| mass_series(r, x, &join(&ep, "mass")).map(|m| (m, x)));
        // First year: `start`, else the first `points` year, else the region's base year.
        let first_point = mass.as_ref().and_then(|(_, x)| match &x.kind {
            NodeKind::Map(mi) => match get(mi, "points").map(|p| &p.kind) {
                Some(NodeKind::Map(pts)) => pts
                    .iter()
                    .filter_map(|(k, _)| k.text.trim().parse::<i32>().ok())
                    .min(),
                _ => None,
            },
            _ => None,
        });
        let start = match get(ei, "start") {
            Some(x) => r.model_year(x, &join(&ep, "start")),
            None => Some(
                first_point
                    .unwrap_or(region.base_year)
                    .clamp(region.base_year, region.end_year),
            ),
        };
        let end = match get(ei, "end") {
            Some(x) => r.model_year(x, &join(&ep, "end")),
            None => Some(region.end_year),
        };
        if let (Some(s), Some(e), Some(x)) = (start, end, get(ei, "end")) {
            if e < s {
                r.err(
                    Diagnostic::new(
                        x.span,
                        format!("`end` ({e}) is before the first year ({s})"),
                    )
                    .at(join(&ep, "end")),
                );
            }
        }
        let substitutes = match get(ei, "substitutes") {
            None => Vec::new(),
            Some(x) => {
                let sp = join(&ep, "substitutes");
                match &x.kind {
                    NodeKind::Seq(list) => list
                        .iter()
                        .enumerate()
                        .filter_map(|(j, s)| substitute(r, s, &format!("{sp}[{j}]")))
                        .collect(),
                    _ => substitute(r, x, &sp).into_iter().collect(),
                }
            }
        };
        let mut processing = Vec::new();
        if let Some(x) = get(ei, "processing") {
            let pp = join(&ep, "processing");
            if let Some(pi) = r.free_map(x, &pp, "fuels to energy per tonne") {
                let resolve = fuel_resolver(&region.fuels);
                for (k, v) in pi {
                    let kp = join(&pp, &k.text);
                    let fuel = match resolve(&k.text) {
                        Ok(f) => f,
                        Err(valid) => {
                            r.err(
                                Diagnostic::new(k.span, format!("unknown fuel `{}`", k.text))
                                    .at(kp)
                                    .expected("a fuel id of the region model")
                                    .suggest(nearest(&k.text, valid.iter().map(String::as_str))),
                            );
                            continue;
                        }
                    };
                    let Some(q) = r.quantity(v, &kp) else {
                        continue;
                    };
                    let want = Dimension::energy().div(&Dimension::mass());
                    match &q.unit {
                        Some(u) if u.dim == want && q.value >= 0.0 => {
                            processing.push((fuel, q.value * u.factor))
                        }
                        Some(u) if u.dim == want => r.err(
                            Diagnostic::new(v.span, "processing energy cannot be negative").at(kp),
                        ),
                        _ => r.err(
                            Diagnostic::new(v.span, "expected energy per tonne of by-product")
                                .at(kp)
                                .expected("a value such as `\"25 kWh/t\"` or `\"0.4 GJ/t\"`")
                                .found(describe(v)),
                        ),
                    }
                }
            }
        }
        let treatment = get(ei, "treatment").and_then(|x| {
            let tp = join(&ep, "treatment");
            let t = r.text(x, &tp)?;
            match t {
                "composting" => {
                    if region.waste.is_none() {
                        r.err(
                            Diagnostic::new(x.span, "`composting` needs the region model's `waste` section (its composting factors)")
                                .at(tp),
                        );
                        return None;
                    }
                    Some(Treatment::Composting)
                }
                _ => {
                    r.err(
                        Diagnostic::new(x.span, format!("unknown treatment `{t}`"))
                            .at(tp)
                            .expected("`composting`")
                            .suggest(nearest(t, TREATMENTS)),
                    );
                    None
                }
            }
        });
        let transport = get(ei, "transport").and_then(|x| {
            let tp = join(&ep, "transport");
            let ti = r.map(x, &tp, &TRANSPORT_KEYS)?;
            let dn = r.req(ti, "distance", &tp, x.span);
            let mn = r.req(ti, "mode", &tp, x.span);
            let (dn, mn) = (dn?, mn?);
            let dp = join(&tp, "distance");
            let q = r.quantity(dn, &dp)?;
            let distance_m = match &q.unit {
                Some(u) if u.dim == Dimension::length() && q.value >= 0.0 => q.value * u.factor,
                // Say which is wrong: the unit (`"50 kg"`, `"50"`) or the sign.
                Some(u) if u.dim != Dimension::length() => {
                    r.err(
                        Diagnostic::new(
                            dn.span,
                            format!(
                                "wrong unit: expected a length, found `{}` ({})",
                                q.unit_text.as_deref().unwrap_or_default(),
                                u.dim
                            ),
                        )
                        .at(dp)
                        .expected("a length such as `\"18 km\"`")
                        .found(describe(dn)),
                    );
                    return None;
                }
                None => {
                    r.err(
                        Diagnostic::new(dn.span, "a distance needs its unit")
                            .at(dp)
                            .expected("a length such as `\"18 km\"`")
                            .found(describe(dn)),
                    );
                    return None;
                }
                Some(_) => {
                    r.err(
                        Diagnostic::new(dn.span, "expected a distance of 0 or more")
                            .at(dp)
                            .expected("a length such as `\"18 km\"`")
                            .found(describe(dn)),
                    );
                    return None;
                }
            };
            let mode = r.text(mn, &join(&tp, "mode"))?.to_string();
            Some(Transport {
                distance_m,
                mode,
                mode_span: mn.span,
            })
        });
        let otherwise = r.req(ei, "otherwise", &ep, n.span).and_then(|x| {
            let op = join(&ep, "otherwise");
            let t = r.text(x, &op)?;
            let Some(o) = Otherwise::parse(t) else {
                r.err(
                    Diagnostic::new(x.span, format!("unknown counterfactual `{t}`"))
                        .at(op)
                        .expected("`landfill`, `incineration`, `open_burning` or `used_elsewhere`")
                        .suggest(nearest(t, Otherwise::NAMES)),
                );
                return None;
            };
            if matches!(o, Otherwise::Landfill | Otherwise::Incineration) && region.waste.is_none() {
                r.err(
                    Diagnostic::new(x.span, format!("`{t}` needs the region model's `waste` section"))
                        .at(op)
                        .note("the landfill and incineration counterfactuals use the region's landfill parameters and WtE electricity (MODEL.md §7)"),
                );
                return None;
            }
            Some((o, x.span))
        });
        let economics =
            get(ei, "economics").and_then(|x| exchange_economics(r, x, &join(&ep, "economics")));
        let municipal = match get(ei, "municipal") {
            None => false,
            Some(x) => {
                let mp = join(&ep, "municipal");
                let v = r.boolean(x, &mp).unwrap_or(false);
                if v && region.waste.is_none() {
                    r.err(
                        Diagnostic::new(
                            x.span,
                            "`municipal: true` needs the region model's `waste` section",
                        )
                        .at(mp),
                    );
                } else if v {
                    match otherwise {
                        Some((Otherwise::OpenBurning, _)) => r.err(
                            Diagnostic::new(x.span, "a municipal by-product burnt in the open cannot be diverted: the region model has no open-burning route")
                                .at(mp.clone())
                                .expected("`municipal: true` with `otherwise: landfill` or `otherwise: incineration` (routes of MODEL.md §7)"),
                        ),
                        // Nothing is disposed of, so nothing leaves a waste route.
                        Some((Otherwise::UsedElsewhere, _)) => r.err(
                            Diagnostic::new(x.span, "a by-product that is used elsewhere is not on a municipal waste route: there is nothing to divert")
                                .at(mp.clone())
                                .expected("`municipal: true` with `otherwise: landfill` or `otherwise: incineration` (routes of MODEL.md §7)"),
                        ),
                        _ => {}
                    }
                    // The region's municipal waste is generated inside it.
                    if let Some(f) = from.filter(|&f| !facilities[f].inside_region) {
                        r.err(
                            Diagnostic::new(
                                x.span,
                                format!(
                                    "facility `{}` lies outside the region, so its by-product is not the region model's municipal waste",
                                    facilities[f].id
                                ),
                            )
                            .at(mp)
                            .expected("`municipal: true` only on an exchange from a facility inside the region (or `inside_region: true` on the source)"),
                        );
                    }
                }
                v
            }
        };
        if r.errors.len() > errors_before {
            continue;
        }
        let (
            Some(id),
            Some(from),
            Some(to),
            Some((material, material_span)),
            Some(((mut mass_t, mass_unit), mass_node)),
            Some(start),
            Some(end),
            Some((otherwise, otherwise_span)),
        ) = (id, from, to, material, mass, start, end, otherwise)
        else {
            continue;
        };
        for (y, m) in mass_t.iter_mut().enumerate() {
            let year = region.base_year + y as i32;
            if year < start || year > end {
                *m = 0.0;
            }
        }
        debug_assert_eq!(mass_t.len(), n_years);
        out.push(Exchange {
            id,
            name,
            from,
            to,
            to_span: get(ei, "to").map(|x| x.span).unwrap_or(n.span),
            material,
            material_span,
            waste_type,
            mass_t,
            mass_unit,
            mass_span: mass_node.span,
            start,
            end,
            substitutes,
            processing,
            treatment,
            transport,
            otherwise,
            otherwise_span,
            economics,
            municipal,
            key: ep,
            span: n.span,
        });
    }
    out
}

fn read_network_economics(
    r: &mut Reader,
    items: &[(Key, Node)],
    exchanges: &[Exchange],
) -> Option<NetworkEconomics> {
    let Some(n) = get(items, "economics") else {
        if let Some(e) = exchanges.iter().find(|e| e.economics.is_some()) {
            r.err(
                Diagnostic::new(
                    e.economics.as_ref().map(|x| x.span).unwrap_or(e.span),
                    format!("exchange `{}` has `economics` but the network has none", e.id),
                )
                .at(format!("{}.economics", e.key))
                .expected("a top-level `economics: { currency, price_year, discount_rate }` giving the basis of the network's money"),
            );
        }
        return None;
    };
    let ei = r.map(n, "economics", &NETWORK_ECONOMICS_KEYS)?;
    let currency = r.req(ei, "currency", "economics", n.span).and_then(|x| {
        let t = r.text(x, "economics.currency")?;
        if CURRENCIES.contains(&t) {
            Some(t.to_string())
        } else {
            r.err(
                Diagnostic::new(x.span, format!("unknown currency `{t}`"))
                    .at("economics.currency")
                    .expected(format!("one of {}", CURRENCIES.join(", ")))
                    .suggest(nearest(t, CURRENCIES)),
            );
            None
        }
    });
    let price_year = r
        .req(ei, "price_year", "economics", n.span)
        .and_then(|x| r.year(x, "economics.price_year"));
    let discount_rate = r
        .req(ei, "discount_rate", "economics", n.span)
        .and_then(|x| {
            let v = r.number(x, "economics.discount_rate")?;
            if v > -1.0 && v < 1.0 {
                Some(v)
            } else {
                r.err(
                    Diagnostic::new(x.span, format!("discount rate {v} is outside -1 to 1"))
                        .at("economics.discount_rate")
                        .expected("a rate per year such as `0.08` or `8 %`"),
                );
                None
            }
        });
    let base_year = match get(ei, "base_year") {
        // Flows run over the model years; a base year outside them is surely a slip.
        Some(x) => r.model_year(x, "economics.base_year"),
        None => Some(
            exchanges
                .iter()
                .map(|e| e.start)
                .min()
                .unwrap_or(r.base_year),
        ),
    };
    Some(NetworkEconomics {
        currency: currency?,
        price_year: price_year?,
        discount_rate: discount_rate?,
        base_year: base_year?,
        span: n.span,
    })
}

/// `inventory:`: virgin materials made inside the region model, each mapped to a source
/// activity or a demand node's final energy. Every mapped material must be substituted by some
/// exchange, and the units must fit: a source's activity is the substituted amount's
/// dimension (t for a material on a mass basis, GJ for a fuel on an energy basis); a demand
/// node saves a fuel's energy, per t of material (`energy`) for a material on a mass basis.
fn read_inventory(
    r: &mut Reader,
    region: &Model,
    items: &[(Key, Node)],
    exchanges: &[Exchange],
) -> Vec<MaterialLink> {
    let mut out = Vec::new();
    let Some(n) = get(items, "inventory") else {
        return out;
    };
    let Some(mi) = r.free_map(n, "inventory", "substituted materials to model paths") else {
        return out;
    };
    let paths = crate::paths::target_paths(region);
    let valid: Vec<&crate::paths::PathInfo> = paths
        .iter()
        .filter(|p| matches!(p.target, Target::SourceActivity(_) | Target::Energy(_)))
        .collect();
    let substituted: Vec<&str> = exchanges
        .iter()
        .flat_map(|e| e.substitutes.iter().map(|s| s.material.as_str()))
        .collect();
    for (k, v) in mi {
        let kp = join("inventory", &k.text);
        if !substituted.contains(&k.text.as_str()) {
            r.err(
                Diagnostic::new(k.span, format!("no exchange substitutes `{}`", k.text))
                    .at(kp)
                    .expected("a material named under `substitutes` of some exchange")
                    .suggest(nearest(&k.text, substituted.iter().copied())),
            );
            continue;
        }
        // `material: path` or `material: { target, fuel, energy }`.
        let (tn, fuel_node, energy_node) = match &v.kind {
            NodeKind::Map(_) => {
                let Some(vi) = r.map(v, &kp, &INVENTORY_ENTRY_KEYS) else {
                    continue;
                };
                let Some(tn) = r.req(vi, "target", &kp, v.span) else {
                    continue;
                };
                (tn, get(vi, "fuel"), get(vi, "energy"))
            }
            _ => (v, None, None),
        };
        let tp = if matches!(v.kind, NodeKind::Map(_)) {
            join(&kp, "target")
        } else {
            kp.clone()
        };
        let Some(text) = r.text(tn, &tp).map(str::to_string) else {
            continue;
        };
        let Some(info) = valid.iter().find(|p| p.path == text) else {
            r.err(
                Diagnostic::new(tn.span, format!("`{text}` is not a source activity or a demand node's energy of the region model"))
                    .at(tp)
                    .expected("`sources.<path>.activity` (the material's production) or `demand.<node>.energy` (the final energy that makes it)")
                    .suggest(nearest(&text, valid.iter().map(|p| p.path.as_str()))),
            );
            continue;
        };
        // The ratio dimensions this material is substituted with.
        let dims: Vec<(&Substitute, &Exchange)> = exchanges
            .iter()
            .flat_map(|e| e.substitutes.iter().map(move |s| (s, e)))
            .filter(|(s, _)| s.material == k.text)
            .collect();
        let energy_basis = Dimension::energy().div(&Dimension::mass());
        let mut link = MaterialLink {
            material: k.text.clone(),
            target_path: text.clone(),
            target: info.target.clone(),
            fuel: None,
            energy_gj_per_t: None,
            span: v.span,
        };
        match info.target {
            Target::SourceActivity(_) => {
                if let Some(x) = fuel_node.or(energy_node) {
                    r.err(
                        Diagnostic::new(
                            x.span,
                            "`fuel` and `energy` go with a `demand.<node>.energy` target",
                        )
                        .at(kp.clone()),
                    );
                    continue;
                }
                let mut ok = true;
                for (s, e) in &dims {
                    let amount_dim = s.ratio_dim.mul(&Dimension::mass());
                    if amount_dim != info.dim {
                        r.err(
                            Diagnostic::new(
                                s.ratio_span,
                                format!(
                                    "the activity of `{text}` is in {}, but exchange `{}` replaces `{}` in {amount_dim}",
                                    info.unit, e.id, s.material
                                ),
                            )
                            .at(format!("{}.substitutes", e.key))
                            .expected(format!("a source whose activity is the substituted amount ({amount_dim})"))
                            .found(format!("`{text}` in {} ({})", info.unit, info.dim)),
                        );
                        ok = false;
                    }
                }
                if !ok {
                    continue;
                }
            }
            _ => {
                let fp = join(&kp, "fuel");
                let fuel = match fuel_node {
                    Some(f) => {
                        let Some(t) = r.text(f, &fp) else { continue };
                        let Some(i) = r.fuel_index(&region.fuels, t, f.span, &fp) else {
                            continue;
                        };
                        Some(i)
                    }
                    None => region.fuels.index_of(&k.text),
                };
                let Some(fuel) = fuel else {
                    r.err(
                        Diagnostic::new(v.span, format!("`{}` is not a fuel of the region model: say which fuel its production uses", k.text))
                            .at(kp.clone())
                            .expected(format!("`{{ target: {text}, fuel: <fuel>, energy: \"<GJ/t>\" }}`"))
                            .suggest(nearest(&k.text, region.fuels.ids())),
                    );
                    continue;
                };
                link.fuel = Some(fuel);
                if let Some(en) = energy_node {
                    let ep = join(&kp, "energy");
                    let Some(q) = r.quantity(en, &ep) else {
                        continue;
                    };
                    match &q.unit {
                        Some(u) if u.dim == energy_basis && q.value > 0.0 => {
                            link.energy_gj_per_t = Some(q.value * u.factor)
                        }
                        _ => {
                            r.err(
                                Diagnostic::new(
                                    en.span,
                                    "expected the energy that makes one tonne of the material",
                                )
                                .at(ep)
                                .expected("a positive energy per mass, such as `\"3.5 GJ/t\"`")
                                .found(describe(en)),
                            );
                            continue;
                        }
                    }
                }
                let mut ok = true;
                for (s, e) in &dims {
                    let on_energy = s.ratio_dim == energy_basis;
                    if on_energy && link.energy_gj_per_t.is_some() {
                        r.err(
                            Diagnostic::new(energy_node.map(|x| x.span).unwrap_or(v.span), format!("`energy` applies to a material on a mass basis, but exchange `{}` replaces `{}` by energy", e.id, s.material))
                                .at(join(&kp, "energy")),
                        );
                        ok = false;
                    } else if !on_energy && link.energy_gj_per_t.is_none() {
                        r.err(
                            Diagnostic::new(v.span, format!("exchange `{}` replaces `{}` in t, so the saving needs the energy per tonne", e.id, s.material))
                                .at(join(&kp, "energy"))
                                .expected("`energy: \"<GJ/t>\"`: the final energy of `fuel` that one t of the material takes to make"),
                        );
                        ok = false;
                    }
                }
                if !ok {
                    continue;
                }
            }
        }
        out.push(link);
    }
    out
}

/// A facility may not send a material to itself around a cycle of exchanges of that
/// material.
fn check_cycles(r: &mut Reader, facilities: &[Facility], exchanges: &[Exchange]) {
    let mut materials: Vec<&str> = exchanges.iter().map(|e| e.material.as_str()).collect();
    materials.sort_unstable();
    materials.dedup();
    for m in materials {
        let edges: Vec<&Exchange> = exchanges
            .iter()
            .filter(|e| e.material == m && e.from != e.to)
            .collect();
        // Depth-first search from every facility in file order; a path that comes back to
        // a facility on the stack is a cycle.
        let mut state = vec![0u8; facilities.len()]; // 0 new, 1 on the stack, 2 done
        let mut found: Option<(Vec<usize>, &Exchange)> = None;
        fn visit<'e>(
            f: usize,
            edges: &[&'e Exchange],
            state: &mut [u8],
            stack: &mut Vec<usize>,
            found: &mut Option<(Vec<usize>, &'e Exchange)>,
        ) {
            state[f] = 1;
            stack.push(f);
            for e in edges.iter().filter(|e| e.from == f) {
                if found.is_some() {
                    break;
                }
                match state[e.to] {
                    1 => {
                        let at = stack.iter().position(|x| *x == e.to).unwrap_or(0);
                        let mut cycle = stack[at..].to_vec();
                        cycle.push(e.to);
                        *found = Some((cycle, e));
                    }
                    0 => visit(e.to, edges, state, stack, found),
                    _ => {}
                }
            }
            stack.pop();
            state[f] = 2;
        }
        for f in 0..facilities.len() {
            if state[f] == 0 && found.is_none() {
                visit(f, &edges, &mut state, &mut Vec::new(), &mut found);
            }
        }
        if let Some((cycle, e)) = found {
            let names: Vec<&str> = cycle.iter().map(|i| facilities[*i].id.as_str()).collect();
            r.err(
                Diagnostic::new(
                    e.to_span,
                    format!(
                        "facility `{}` sends `{m}` to itself through a cycle of exchanges",
                        facilities[e.to].id
                    ),
                )
                .at(format!("{}.to", e.key))
                .note(format!("cycle: {}", names.join(" → ")))
                .expected(
                    "exchanges of one material that do not come back to a facility they left",
                ),
            );
        }
    }
}

/// The exchanges of a material from a facility may not exceed what it declares it produces.
fn check_production(
    r: &mut Reader,
    region: &Model,
    facilities: &[Facility],
    exchanges: &[Exchange],
) {
    for (fi, f) in facilities.iter().enumerate() {
        for (m, prod, _) in &f.production {
            let ours: Vec<&Exchange> = exchanges
                .iter()
                .filter(|e| e.from == fi && e.material == *m)
                .collect();
            let Some(last) = ours.last() else { continue };
            for (y, p) in prod.iter().enumerate() {
                let sent: f64 = ours.iter().map(|e| e.mass_t[y]).sum();
                if sent > p + 1e-9 * p.abs().max(1.0) {
                    let year = region.base_year + y as i32;
                    let mut d = Diagnostic::new(
                        last.mass_span,
                        format!(
                            "exchanges of `{m}` from `{}` total {} t in {year}, more than the {} t it produces",
                            f.id,
                            plain(sent),
                            plain(*p)
                        ),
                    )
                    .at(format!("{}.mass", last.key))
                    .expected(format!("at most the `production.{m}` of `{}` in every year", f.id));
                    if ours.len() > 1 {
                        let ids: Vec<String> = ours.iter().map(|e| format!("`{}`", e.id)).collect();
                        d = d.note(format!(
                            "exchanges of `{m}` from `{}`: {}",
                            f.id,
                            ids.join(", ")
                        ));
                    }
                    r.err(d);
                    break;
                }
            }
        }
    }
}
