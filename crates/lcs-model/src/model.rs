//! The checked model and scenario: every name resolved, every value in base units.
//!
//! Nothing here holds a unit string that the engine must interpret: units appear only as
//! display text (`unit_text`) for reports and `lcs paths`.

use crate::source::Span;
use lcs_factors::names::{builtin_name, NameKind};
use lcs_factors::{Category, FuelTable, GwpSet};
use lcs_levers::Schedule;
use lcs_units::{Dimension, Expr, Species, UnitRegistry};

/// A checked series: one value per model year, or an expression over drivers.
#[derive(Clone, Debug)]
pub struct Series {
    /// The definition.
    pub def: SeriesDef,
    /// The dimension of its values.
    pub dim: Dimension,
    /// The unit as written (for display), if one was written.
    pub unit_text: Option<String>,
    /// Where it was defined.
    pub span: Span,
    /// The data file rows it was read from, when it was read from a data file
    /// (docs/EXTENSIONS.md, "Series from data files").
    pub provenance: Option<Box<crate::datafile::Provenance>>,
}

/// How a series' values are obtained.
#[derive(Clone, Debug)]
pub enum SeriesDef {
    /// Known at load time, in base units, one per model year.
    Values(Vec<f64>),
    /// An expression over drivers (MODEL.md §3), evaluated year by year in base units.
    Expr(Expr),
}

impl Series {
    /// The values when known at load time.
    pub fn values(&self) -> Option<&[f64]> {
        match &self.def {
            SeriesDef::Values(v) => Some(v),
            SeriesDef::Expr(_) => None,
        }
    }
}

/// A driver (MODEL.md §3).
#[derive(Clone, Debug)]
pub struct Driver {
    /// Name, `[a-z][a-z0-9_]*`.
    pub name: String,
    /// Its series, in base units.
    pub series: Series,
    /// The declared unit's factor to base (value_in_declared = base / factor).
    pub unit_factor: f64,
    /// The declared unit as written (`1` for a dimensionless driver).
    pub unit_text: String,
    /// Where the driver is defined.
    pub span: Span,
}

/// How a demand node's activity is defined (MODEL.md §4).
#[derive(Clone, Debug)]
pub enum Activity {
    /// A driver, optionally times a `per` series: `driver × per`.
    Driver {
        /// Driver index.
        driver: usize,
        /// The `per` series, if any.
        per: Option<Series>,
        /// Where the activity is written.
        span: Span,
    },
    /// An absolute series.
    Series(Series),
    /// `A(parent) * share`.
    Share(Series),
    /// `A(parent)`.
    Inherit,
}

/// A share map item: a name and its share series (dimensionless).
#[derive(Clone, Debug)]
pub struct ShareItem {
    /// Index of the item in the map's item space (fuel index, child position, …).
    pub item: usize,
    /// Its share.
    pub share: Series,
}

/// One node of the demand tree.
#[derive(Clone, Debug)]
pub struct DemandNode {
    /// The key of the node.
    pub name: String,
    /// Its display name (`name:`, an extension: docs/EXTENSIONS.md "Display names").
    pub display_name: Option<String>,
    /// Its path, keys joined by `/`.
    pub path: String,
    /// Parent node index.
    pub parent: Option<usize>,
    /// Children node indices, in file order.
    pub children: Vec<usize>,
    /// Own activity definition.
    pub activity: Activity,
    /// Own intensity (final energy per unit of activity), if given here.
    pub intensity: Option<Series>,
    /// Own fuel map (fuel index → share), if given here.
    pub fuels: Option<Vec<ShareItem>>,
    /// Own category, if given here.
    pub category: Option<Category>,
    /// Where the node is defined.
    pub span: Span,
    /// The activity dimension (set when the model is finalised).
    pub activity_dim: Dimension,
}

impl DemandNode {
    /// Whether the node is a leaf.
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

/// A generation plant of a `mix` (MODEL.md §5).
#[derive(Clone, Debug)]
pub struct Plant {
    /// Plant name.
    pub name: String,
    /// Share of grid supply (dimensionless series).
    pub share: Series,
    /// Efficiency (constant, fraction), when the plant burns a fuel.
    pub efficiency: Option<f64>,
    /// Fuel index, if the plant burns one.
    pub fuel: Option<usize>,
    /// Where the plant is defined.
    pub span: Span,
}

/// A local generating unit (MODEL.md §5).
#[derive(Clone, Debug)]
pub struct LocalUnit {
    /// Unit name.
    pub name: String,
    /// Capacity (GJ per year, i.e. power), with its capacity factor; or None.
    pub capacity: Option<Series>,
    /// Capacity factor (dimensionless).
    pub capacity_factor: Option<Series>,
    /// Annual generation (GJ), when given instead of capacity.
    pub generation: Option<Series>,
    /// Where the unit is defined.
    pub span: Span,
}

/// Grid emissions: a factor or a mix.
#[derive(Clone, Debug)]
pub enum Grid {
    /// Mass of `species` per GJ of grid supply.
    Factor {
        /// The factor (t of species per GJ).
        factor: Series,
        /// Which gas the factor counts as.
        species: Species,
    },
    /// Plants with shares.
    Mix(Vec<Plant>),
    /// No grid definition (only valid with no electricity demand).
    None,
}

/// A power station inside the region that supplies the grid (an extension,
/// docs/EXTENSIONS.md "Power stations in the region"): a memo line, GPC I.4.4 "energy
/// generation supplied to the grid", never in the consumption total.
#[derive(Clone, Debug)]
pub struct SupplyPlant {
    /// Plant name.
    pub name: String,
    /// Capacity (GJ per year, i.e. power), with its capacity factor; or None.
    pub capacity: Option<Series>,
    /// Capacity factor (dimensionless).
    pub capacity_factor: Option<Series>,
    /// Annual generation (GJ), when given instead of capacity.
    pub generation: Option<Series>,
    /// Net efficiency, fraction in (0, 1].
    pub efficiency: f64,
    /// Fuel index.
    pub fuel: usize,
    /// Where the plant is defined.
    pub span: Span,
}

/// The electricity section (MODEL.md §5).
#[derive(Clone, Debug)]
pub struct Electricity {
    /// Share of busbar supply lost in T&D.
    pub losses: Series,
    /// Grid emissions.
    pub grid: Grid,
    /// Local units.
    pub local: Vec<LocalUnit>,
    /// Power stations in the region that supply the grid (memo; an extension).
    pub plants: Vec<SupplyPlant>,
    /// The residual-mix factor of market-based results, t CO2e per GJ of grid supply (an
    /// extension, docs/EXTENSIONS.md "Market-based electricity"); `None`: the location
    /// factor of the run.
    pub residual_factor: Option<Series>,
    /// Where the section is.
    pub span: Span,
}

/// The waste routes, in this order: MODEL.md §7's four and `anaerobic_digestion` (an
/// extension, docs/EXTENSIONS.md); the names of `lcs_factors::WasteRoute::ALL`, whose
/// `index()` is the position here (checked by a test).
pub const ROUTES: [&str; lcs_factors::N_WASTE_ROUTES] = [
    "landfill",
    "recycling",
    "composting",
    "incineration",
    "anaerobic_digestion",
];

/// Number of waste types (MODEL.md §7 plus `metals` and `glass`).
pub const N_WASTE_TYPES: usize = lcs_factors::N_WASTE_TYPES;

/// The waste section (MODEL.md §7).
#[derive(Clone, Debug)]
pub struct Waste {
    /// Generated mass (t per year).
    pub generation: Activity,
    /// Composition: waste type index → share.
    pub composition: Vec<ShareItem>,
    /// Routes of mixed waste: index into [`ROUTES`] → share (empty when `by_type`).
    pub routes: Vec<ShareItem>,
    /// Whether the routes are given per waste type (composition-aware, docs/EXTENSIONS.md).
    pub by_type: bool,
    /// Composition-aware routes: for each waste type (`WasteType::index`), its route map
    /// (index into [`ROUTES`] → share of the type's mass). Empty unless `by_type`; a type
    /// the model gives no map sends everything to landfill.
    pub type_routes: Vec<Vec<ShareItem>>,
    /// Which types each route accepts, `[route][type]` (the defaults of
    /// `data/factors/waste_routes.csv` with the model's `accepts`).
    pub accepts: [[bool; N_WASTE_TYPES]; lcs_factors::N_WASTE_ROUTES],
    /// Methane correction factor.
    pub mcf: f64,
    /// Oxidation in the cover.
    pub oxidation: f64,
    /// Share of generated CH4 recovered (series).
    pub recovery: Series,
    /// Fraction of DOC that decomposes.
    pub doc_f: f64,
    /// CH4 fraction of landfill gas.
    pub f: f64,
    /// Decay rate per waste type (per year), indexed by `WasteType::index`.
    pub k: [f64; N_WASTE_TYPES],
    /// Deposits before the base year: (first year, growth rate).
    pub history: Option<(i32, f64)>,
    /// Net electricity per tonne incinerated (GJ per t).
    pub incineration_electricity: Series,
    /// Share of the incineration fossil CO2 captured and stored (an extension; default 0).
    pub incineration_capture: Series,
    /// Composting CH4 (t per t wet waste).
    pub compost_ch4: f64,
    /// Composting N2O (t per t wet waste).
    pub compost_n2o: f64,
    /// Anaerobic digestion CH4 leakage (t per t wet waste).
    pub ad_ch4: f64,
    /// Anaerobic digestion N2O (t per t wet waste).
    pub ad_n2o: f64,
    /// Net biogas electricity per tonne digested (GJ per t), joining local generation.
    pub ad_electricity: Series,
    /// Whether the model names anaerobic digestion (a route share or its settings).
    pub ad_named: bool,
    /// Where the section is.
    pub span: Span,
}

/// A treatment or discharge pathway of wastewater, with its share of the organics
/// (docs/EXTENSIONS.md, IPCC 2006 Vol. 5 Ch. 6).
#[derive(Clone, Debug)]
pub struct Pathway {
    /// Pathway name (a built-in name such as `septic_tank`, or the model's own).
    pub name: String,
    /// Share of the organics treated or discharged this way (dimensionless series).
    pub share: Series,
    /// Methane correction factor (fraction).
    pub mcf: f64,
    /// A built-in pathway the model does not write: there with share 0 in every year, so
    /// that a measure or an override may move organics to it (a `to` item absent from a
    /// share map joins it, MODEL.md §9), at its table MCF.
    pub implicit: bool,
}

/// The organics and pathways common to domestic and industrial wastewater.
#[derive(Clone, Debug)]
pub struct WastewaterStream {
    /// Pathways; the shares sum to 1.
    pub pathways: Vec<Pathway>,
    /// Maximum CH4 producing capacity `B0`, t CH4 per t of BOD (domestic) or COD (industrial).
    pub b0: f64,
    /// Share of the organics removed as sludge `S / TOW` (series, fraction).
    pub sludge: Series,
    /// Share of the CH4 generated that is recovered (series, fraction).
    pub recovery: Series,
    /// Where the stream is defined.
    pub span: Span,
}

/// Domestic wastewater (IPCC 2006 Vol. 5 Eq. 6.1–6.3, 6.7–6.8).
#[derive(Clone, Debug)]
pub struct DomesticWastewater {
    /// Population served: a driver (a count of persons) or a series.
    pub population: Activity,
    /// BOD per person per year, t per person (from e.g. `"40 g/person/day"`).
    pub bod: Series,
    /// Correction `I` for industrial BOD co-discharged into sewers (fraction ≥ 1 typically).
    pub correction: f64,
    /// Pathways, B0, sludge and recovery.
    pub stream: WastewaterStream,
    /// Effluent nitrogen, when `protein` is given.
    pub nitrogen: Option<EffluentNitrogen>,
}

/// Nitrogen in domestic effluent (IPCC 2006 Vol. 5 Eq. 6.7–6.8).
#[derive(Clone, Debug)]
pub struct EffluentNitrogen {
    /// Protein consumed per person per year, t per person.
    pub protein: Series,
    /// Nitrogen in protein, t N per t protein.
    pub f_npr: f64,
    /// Factor for non-consumed protein.
    pub f_non_con: f64,
    /// Factor for industrial and commercial co-discharged protein.
    pub f_ind_com: f64,
    /// N2O-N per N in effluent.
    pub ef_effluent: f64,
    /// Nitrogen removed with sludge, t N per year.
    pub sludge_nitrogen: Series,
}

/// Industrial wastewater of one industry (IPCC 2006 Vol. 5 Eq. 6.4–6.6).
#[derive(Clone, Debug)]
pub struct IndustrialWastewater {
    /// Industry name (`palm_oil`).
    pub name: String,
    /// Production, in its unit (t of product per year, say).
    pub production: Activity,
    /// Wastewater per unit of production (m3 per t, say).
    pub wastewater: Series,
    /// COD per unit of wastewater (kg per m3, say).
    pub cod: Series,
    /// Pathways, B0, sludge and recovery.
    pub stream: WastewaterStream,
}

/// The `wastewater:` section (an extension, docs/EXTENSIONS.md).
#[derive(Clone, Debug)]
pub struct Wastewater {
    /// Domestic wastewater, if given.
    pub domestic: Option<DomesticWastewater>,
    /// Industries, in file order.
    pub industrial: Vec<IndustrialWastewater>,
    /// Where the section is.
    pub span: Span,
}

/// A gas of a source factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceGas {
    /// Fossil CO2.
    CO2,
    /// Methane.
    CH4,
    /// Nitrous oxide.
    N2O,
    /// Already in CO2e.
    CO2e,
}

impl SourceGas {
    /// The key names.
    pub const NAMES: [&'static str; 4] = ["CO2", "CH4", "N2O", "CO2e"];
    /// Parses a key.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "CO2" => Some(Self::CO2),
            "CH4" => Some(Self::CH4),
            "N2O" => Some(Self::N2O),
            "CO2e" => Some(Self::CO2e),
            _ => None,
        }
    }
    /// The key name.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// A series parameter of a refrigerant source (an extension, docs/EXTENSIONS.md
/// "Refrigerants and other F-gases").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefrigerantKey {
    /// Refrigerant per unit of equipment stock.
    Charge,
    /// Operating emissions, share of the charge a year.
    Leak,
    /// Share of the stock retired a year.
    Retire,
    /// Share of a retired unit's charge recovered.
    Recovery,
}

impl RefrigerantKey {
    /// Every key, in the order of the keys of `refrigerant:`.
    pub const ALL: [RefrigerantKey; 4] = [
        RefrigerantKey::Charge,
        RefrigerantKey::Leak,
        RefrigerantKey::Retire,
        RefrigerantKey::Recovery,
    ];
    /// The key as written.
    pub fn name(self) -> &'static str {
        match self {
            RefrigerantKey::Charge => "charge",
            RefrigerantKey::Leak => "leak",
            RefrigerantKey::Retire => "retire",
            RefrigerantKey::Recovery => "recovery",
        }
    }
}

/// A refrigerant bank: equipment stock (the source's activity) × charge, leaking and
/// retiring (IPCC 2006 Vol. 3 Ch. 7, Tier 2a emission-factor approach).
#[derive(Clone, Debug)]
pub struct Refrigerant {
    /// Refrigerant per unit of stock, t per unit of activity.
    pub charge: Series,
    /// Operating emissions, share of the charge a year.
    pub leak: Series,
    /// Share of the stock retired a year (its charge is emitted unless recovered).
    pub retire: Series,
    /// Share of a retired unit's charge that is recovered.
    pub recovery: Series,
    /// The gases of the bank by mass (index into `lcs_factors::inventory::fgas_ids()`),
    /// summing to 1.
    pub gases: Vec<ShareItem>,
}

/// A series parameter of a land source (an extension, docs/EXTENSIONS.md "Land-use change").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LandKey {
    /// Net removals (or emissions) per area of the land remaining, a year.
    Removals,
    /// Area converted to another use a year.
    Conversion,
    /// Area restored a year (joins the land).
    Restoration,
    /// Biomass carbon lost per area converted.
    BiomassLoss,
    /// Soil carbon lost per area converted (over `soil_years`).
    SoilLoss,
}

impl LandKey {
    /// Every key that is a series, as written.
    pub const ALL: [LandKey; 5] = [
        LandKey::Removals,
        LandKey::Conversion,
        LandKey::Restoration,
        LandKey::BiomassLoss,
        LandKey::SoilLoss,
    ];
    /// The key as written.
    pub fn name(self) -> &'static str {
        match self {
            LandKey::Removals => "removals",
            LandKey::Conversion => "conversion",
            LandKey::Restoration => "restoration",
            LandKey::BiomassLoss => "biomass_loss",
            LandKey::SoilLoss => "soil_loss",
        }
    }
}

/// A land class with stock-change accounting (IPCC 2006 Vol. 4 Ch. 2: gains and losses on
/// land remaining in the class, carbon stock change on land converted from it).
#[derive(Clone, Debug)]
pub struct Land {
    /// The IPCC cover its defaults came from (`data/factors/land_carbon.csv`), if any.
    pub cover: Option<String>,
    /// Area at the start of the base year, base units (m2).
    pub area: f64,
    /// Net CO2 per area of land remaining a year, t CO2 per m2 (negative: a sink).
    pub removals: Series,
    /// Area converted a year, m2.
    pub conversion: Series,
    /// Area restored a year, m2.
    pub restoration: Series,
    /// CO2 from biomass per area converted, t CO2 per m2 (in the year of conversion).
    pub biomass_loss: Series,
    /// CO2 from soil per area converted, t CO2 per m2 (spread over `soil_years`).
    pub soil_loss: Series,
    /// Years over which soil carbon is lost (IPCC Tier 1: 20).
    pub soil_years: usize,
}

/// What kind of source a source is (MODEL.md §8 and the extensions).
#[derive(Clone, Debug)]
pub enum SourceForm {
    /// `activity × factors` (MODEL.md §8), the factors written or taken from a process.
    Factors,
    /// A refrigerant bank.
    Refrigerant(Refrigerant),
    /// A land class (its `activity` is unused, zero).
    Land(Land),
}

/// Another source or sink (MODEL.md §8).
#[derive(Clone, Debug)]
pub struct Source {
    /// The path, e.g. `ippu/cement`.
    pub path: String,
    /// Its display name (`name:`, an extension: docs/EXTENSIONS.md "Display names").
    pub display_name: Option<String>,
    /// The sector (first part of the path).
    pub sector: String,
    /// Activity.
    pub activity: Activity,
    /// Factors: gas → t of gas per unit of activity.
    pub factors: Vec<(SourceGas, Series)>,
    /// The IPCC process its factors came from (`process:`, an extension), if any.
    pub process: Option<String>,
    /// Its form: factors, a refrigerant bank or a land class.
    pub form: SourceForm,
    /// Where the source is defined.
    pub span: Span,
}

impl Source {
    /// The refrigerant bank, if the source is one.
    pub fn refrigerant(&self) -> Option<&Refrigerant> {
        match &self.form {
            SourceForm::Refrigerant(r) => Some(r),
            _ => None,
        }
    }
    /// The land class, if the source is one.
    pub fn land(&self) -> Option<&Land> {
        match &self.form {
            SourceForm::Land(l) => Some(l),
            _ => None,
        }
    }
}

/// What a line of a model's own GPC mapping (`report.gpc.map`, docs/EXTENSIONS.md
/// "GPC reporting") assigns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GpcItem {
    /// A demand node and every leaf below it.
    Node(usize),
    /// A source.
    Source(usize),
    /// A waste process: `landfill`, `composting`, `anaerobic_digestion`, `incineration`,
    /// `wastewater`.
    Waste(String),
}

/// A model's own GPC mapping and notation keys (`report.gpc`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GpcSpec {
    /// Model quantities assigned to a GPC sub-sector (its id, `II.2`), before the defaults
    /// of `data/gpc/mapping.csv`.
    pub map: Vec<(GpcItem, String)>,
    /// Notation keys (`NO`, `NE`, `IE`, `C`) of empty cells: (sub-sector id, scope or
    /// `None` for every scope of the row, key).
    pub notation: Vec<(String, Option<u8>, String)>,
}

/// A checked model (MODEL.md §1.1), with a scenario's overrides applied.
#[derive(Clone, Debug)]
pub struct Model {
    /// Region id.
    pub region_id: String,
    /// Region name.
    pub region_name: String,
    /// Base year.
    pub base_year: i32,
    /// End year.
    pub end_year: i32,
    /// GWP set.
    pub gwp: GwpSet,
    /// The unit registry (built-ins plus `units.counts`).
    pub units: UnitRegistry,
    /// Drivers in file order.
    pub drivers: Vec<Driver>,
    /// Driver evaluation order (each after every driver it uses).
    pub driver_order: Vec<usize>,
    /// Demand nodes, parents before children.
    pub nodes: Vec<DemandNode>,
    /// The fuel table (built-in plus overrides).
    pub fuels: FuelTable,
    /// Display names given to fuels under `fuels: { <id>: { name: … } }`, in file order.
    pub fuel_names: Vec<(String, String)>,
    /// Electricity, if any.
    pub electricity: Option<Electricity>,
    /// Waste, if any.
    pub waste: Option<Waste>,
    /// Wastewater, if any (an extension).
    pub wastewater: Option<Wastewater>,
    /// Sources.
    pub sources: Vec<Source>,
    /// Drivers to divide total emissions by.
    pub report_intensity: Vec<usize>,
    /// The model's own GPC mapping and notation keys (`report.gpc`, an extension); `lcs
    /// report` writes the GPC table of a model that has the key.
    pub gpc: Option<GpcSpec>,
    /// The model file.
    pub span: Span,
}

impl Model {
    /// Number of model years.
    pub fn n_years(&self) -> usize {
        (self.end_year - self.base_year + 1) as usize
    }

    /// The model years.
    pub fn years(&self) -> impl Iterator<Item = i32> {
        self.base_year..=self.end_year
    }

    /// Index of a driver by name.
    pub fn driver(&self, name: &str) -> Option<usize> {
        self.drivers.iter().position(|d| d.name == name)
    }

    /// Index of a node by path.
    pub fn node(&self, path: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.path == path)
    }

    /// Top-level node indices.
    pub fn top_nodes(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].parent.is_none())
            .collect()
    }

    /// The leaves below (or at) a node.
    pub fn leaves_below(&self, node: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if self.nodes[n].is_leaf() {
                out.push(n);
            } else {
                for &c in self.nodes[n].children.iter().rev() {
                    stack.push(c);
                }
            }
        }
        out
    }

    /// The top-level ancestor of a node.
    pub fn top_of(&self, mut node: usize) -> usize {
        while let Some(p) = self.nodes[node].parent {
            node = p;
        }
        node
    }

    /// The intensity in force at a node (its own or the nearest ancestor's).
    pub fn effective_intensity(&self, node: usize) -> Option<&Series> {
        let mut n = Some(node);
        while let Some(i) = n {
            if let Some(s) = &self.nodes[i].intensity {
                return Some(s);
            }
            n = self.nodes[i].parent;
        }
        None
    }

    /// The fuel map in force at a node.
    pub fn effective_fuels(&self, node: usize) -> Option<&[ShareItem]> {
        let mut n = Some(node);
        while let Some(i) = n {
            if let Some(s) = &self.nodes[i].fuels {
                return Some(s);
            }
            n = self.nodes[i].parent;
        }
        None
    }

    /// The display name of a fuel: its `name:` in the model, else the built-in name
    /// (`data/names.csv`), else the id.
    pub fn fuel_name(&self, id: &str) -> String {
        self.fuel_names
            .iter()
            .find(|(f, _)| f == id)
            .map(|(_, n)| n.clone())
            .or_else(|| builtin_name(NameKind::Fuel, id).map(str::to_string))
            .unwrap_or_else(|| id.to_string())
    }

    /// The display name of an emission sector (a row of the sector view: a top-level demand
    /// node, `Waste` or a source sector): a top-level node's `name:`, else the built-in name,
    /// else the id.
    pub fn sector_name(&self, sector: &str) -> String {
        self.nodes
            .iter()
            .find(|n| n.parent.is_none() && n.name == sector)
            .and_then(|n| n.display_name.clone())
            .or_else(|| builtin_name(NameKind::Sector, sector).map(str::to_string))
            .unwrap_or_else(|| sector.to_string())
    }

    /// The display name of a demand node: its `name:`, else (for a top-level node) the
    /// built-in sector name, else its parent's display name and its key (`Passenger
    /// transport / car`).
    pub fn node_name(&self, node: usize) -> String {
        let n = &self.nodes[node];
        if let Some(d) = &n.display_name {
            return d.clone();
        }
        match n.parent {
            None => self.sector_name(&n.name),
            Some(p) => format!("{} / {}", self.node_name(p), n.name),
        }
    }

    /// The display name of a source: its `name:`, else its sector's display name and the
    /// rest of its path (`AFOLU / forest`).
    pub fn source_name(&self, source: usize) -> String {
        let s = &self.sources[source];
        if let Some(d) = &s.display_name {
            return d.clone();
        }
        match s.path.split_once('/') {
            Some((sector, rest)) => format!("{} / {rest}", self.sector_name(sector)),
            None => self.sector_name(&s.path),
        }
    }

    /// The display name of a driver: the built-in name of common ids (`gdp` → "GDP"), else
    /// the id.
    pub fn driver_name(&self, driver: usize) -> String {
        let id = &self.drivers[driver].name;
        builtin_name(NameKind::Driver, id)
            .map(str::to_string)
            .unwrap_or_else(|| id.clone())
    }

    /// The ids of the items of a share map target, in item-index order: fuels, children,
    /// plants, waste types or routes (empty for other targets).
    pub fn share_map_items(&self, target: &Target) -> Vec<String> {
        match target {
            Target::Fuels(_) => self.fuels.ids().iter().map(|s| s.to_string()).collect(),
            Target::Children(n) => self.nodes[*n]
                .children
                .iter()
                .map(|&c| self.nodes[c].name.clone())
                .collect(),
            Target::Mix => match &self.electricity {
                Some(Electricity {
                    grid: Grid::Mix(p), ..
                }) => p.iter().map(|x| x.name.clone()).collect(),
                _ => Vec::new(),
            },
            Target::WasteComposition => lcs_factors::WasteType::ALL
                .iter()
                .map(|t| t.name().to_string())
                .collect(),
            Target::WasteRoutes | Target::TypeRoutes(_) => {
                ROUTES.iter().map(|s| s.to_string()).collect()
            }
            Target::WastewaterPathways(i) => {
                let w = self.wastewater.as_ref();
                let st = match i {
                    None => w.and_then(|w| w.domestic.as_ref()).map(|d| &d.stream),
                    Some(i) => w.and_then(|w| w.industrial.get(*i)).map(|x| &x.stream),
                };
                st.map(|s| s.pathways.iter().map(|p| p.name.clone()).collect())
                    .unwrap_or_default()
            }
            Target::RefrigerantGases(_) => lcs_factors::inventory::fgas_ids()
                .iter()
                .map(|s| s.to_string())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The display names of a share map target's items, in item-index order (a fuel's, a
    /// waste type's or a route's built-in name; a child's or plant's key).
    pub fn share_map_item_names(&self, target: &Target) -> Vec<String> {
        let ids = self.share_map_items(target);
        match target {
            Target::Fuels(_) => ids.iter().map(|f| self.fuel_name(f)).collect(),
            Target::WasteComposition => ids
                .iter()
                .map(|w| {
                    builtin_name(NameKind::WasteType, w)
                        .unwrap_or(w)
                        .to_string()
                })
                .collect(),
            Target::WasteRoutes | Target::TypeRoutes(_) => ids
                .iter()
                .map(|r| builtin_name(NameKind::Route, r).unwrap_or(r).to_string())
                .collect(),
            _ => ids,
        }
    }

    /// The category in force at a node.
    pub fn effective_category(&self, node: usize) -> Option<Category> {
        let mut n = Some(node);
        while let Some(i) = n {
            if let Some(c) = self.nodes[i].category {
                return Some(c);
            }
            n = self.nodes[i].parent;
        }
        None
    }
}

/// A parameter path that a measure or override can target (MODEL.md §9), resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `drivers.<name>`.
    Driver(usize),
    /// `demand.<node>.activity`.
    Activity(usize),
    /// `demand.<node>.share`.
    Share(usize),
    /// `demand.<node>.intensity` (a branch means every leaf below).
    Intensity(usize),
    /// `demand.<node>.fuels` (a branch means every leaf below).
    Fuels(usize),
    /// `demand.<node>`: the children's shares.
    Children(usize),
    /// `demand.<node>.energy`: the final energy of the leaves below, for `save` and `switch`
    /// (an extension, docs/EXTENSIONS.md).
    Energy(usize),
    /// `electricity.losses`.
    Losses,
    /// `electricity.grid_factor`.
    GridFactor,
    /// `electricity.mix`.
    Mix,
    /// `electricity.local`: a `generation` measure.
    Local,
    /// `electricity.local.<unit>.capacity`.
    LocalCapacity(usize),
    /// `electricity.local.<unit>.capacity_factor`.
    LocalCapacityFactor(usize),
    /// `electricity.local.<unit>.generation`.
    LocalGeneration(usize),
    /// `waste.generation`.
    WasteGeneration,
    /// `waste.composition`.
    WasteComposition,
    /// `waste.routes`: the mixed routes' share map, or (composition-aware routes) the
    /// routes as a whole, for `divert`.
    WasteRoutes,
    /// `waste.routes.<type>`: the route map of one waste type (composition-aware routes).
    TypeRoutes(usize),
    /// `waste.landfill.recovery`.
    LandfillRecovery,
    /// `waste.incineration.electricity`: net electricity per tonne incinerated (an
    /// extension).
    IncinerationElectricity,
    /// `waste.incineration.capture`: share of the fossil CO2 captured (an extension).
    IncinerationCapture,
    /// `wastewater.domestic.pathways` or `wastewater.industrial.<name>.pathways` (`None`:
    /// domestic; `Some(i)`: industry `i`).
    WastewaterPathways(Option<usize>),
    /// `wastewater.domestic.recovery` or `wastewater.industrial.<name>.recovery`.
    WastewaterRecovery(Option<usize>),
    /// `wastewater.industrial.<name>.production`.
    IndustrialProduction(usize),
    /// `sources.<path>.activity`.
    SourceActivity(usize),
    /// `sources.<path>.factors.<gas>`.
    SourceFactor(usize, SourceGas),
    /// `sources.<path>.refrigerant.gases`: the gases of a refrigerant bank (a share map).
    RefrigerantGases(usize),
    /// `sources.<path>.refrigerant.<key>`.
    Refrigerant(usize, RefrigerantKey),
    /// `sources.<path>.land.<key>`.
    Land(usize, LandKey),
    /// `electricity.market`: a `purchase` measure (an extension).
    Market,
}

impl Target {
    /// Whether the target is a share map (for `shift` and map `set`).
    pub fn is_share_map(&self) -> bool {
        matches!(
            self,
            Target::Fuels(_)
                | Target::Children(_)
                | Target::Mix
                | Target::WasteComposition
                | Target::WasteRoutes
                | Target::TypeRoutes(_)
                | Target::WastewaterPathways(_)
                | Target::RefrigerantGases(_)
        )
    }
}

/// The lever of a measure with its checked keys (MODEL.md §9).
#[derive(Clone, Debug)]
pub enum Lever {
    /// `p * (1 + by * r)`; `by` dimensionless.
    Scale {
        /// Relative change at full effect.
        by: Series,
    },
    /// `p + r * (value - p)`.
    Set {
        /// Target value, in the target's dimension.
        value: Series,
    },
    /// `p + r * amount`.
    Add {
        /// Amount, in the target's dimension.
        amount: Series,
    },
    /// Share points moved from some items to others.
    Shift {
        /// Item indices that lose.
        from: Vec<usize>,
        /// Item indices that gain.
        to: Vec<usize>,
        /// Share points at full effect (≥ 0).
        amount: f64,
    },
    /// `set` on a share map: item index → value (absent items are 0).
    SetMap {
        /// The target shares, summing to 1.
        value: Vec<(usize, f64)>,
    },
    /// Adds local generation: `capacity * capacity_factor` (or `generation`) in year `y`,
    /// times `(1 - degradation)^(y - start)` from `start` on.
    Generation {
        /// Annual generation at full effect in each model year, GJ (capacity × capacity
        /// factor, or generation; known at load).
        generation_gj: Vec<f64>,
        /// Loss of output per year of operation, fraction in [0, 1) (0 when not given).
        degradation: f64,
    },
    /// A mass-capped diversion between waste routes (an extension): up to `mass(y) * r(y)`
    /// of waste moves from the `from` routes to `to`.
    Divert {
        /// Route indices that lose (into [`ROUTES`]).
        from: Vec<usize>,
        /// The route that gains.
        to: usize,
        /// Mass per year at full effect, t.
        mass: Series,
        /// Waste types the diversion may take (indices of `WasteType`); `None`: every type
        /// the `to` route accepts.
        types: Option<Vec<usize>>,
    },
    /// An absolute saving of one fuel's final energy on the leaves below a node (an
    /// extension): `FE(leaf, fuel, y)` falls by `amount(y) * r(y)` in total, in proportion
    /// to each leaf's use of the fuel.
    Save {
        /// Fuel index.
        fuel: usize,
        /// Energy per year at full effect, GJ.
        amount: Series,
    },
    /// A market instrument (an extension, docs/EXTENSIONS.md "Market-based electricity"):
    /// `amount(y) * r(y)` of grid electricity bought with green tariffs, certificates or a
    /// power purchase agreement, at `factor` (t CO2e per GJ) in market-based results.
    Purchase {
        /// Energy per year at full effect, GJ.
        amount: Series,
        /// Emission factor of the instrument, t CO2e per GJ (0 for renewable certificates).
        factor: Series,
        /// The kind of instrument.
        instrument: Instrument,
    },
    /// An absolute fuel switch on the leaves below a node (an extension): `amount(y) * r(y)`
    /// of fuel `from` becomes `ratio` times as much of fuel `to`.
    Switch {
        /// Fuel index given up.
        from: usize,
        /// Fuel index taken up.
        to: usize,
        /// Energy of `from` per year at full effect, GJ.
        amount: Series,
        /// GJ of `to` per GJ of `from` (1: energy held equal).
        ratio: f64,
    },
    /// An absolute addition of one fuel's final energy on the leaves below a node (an
    /// extension, the counterpart of `save`): `FE(leaf, fuel, y)` rises by `amount(y) * r(y)`
    /// in total, in proportion to each leaf's use of the fuel (the processing energy of an
    /// eco-town exchange, for example).
    Use {
        /// Fuel index.
        fuel: usize,
        /// Energy per year at full effect, GJ.
        amount: Series,
    },
}

impl Lever {
    /// The lever's keyword.
    pub fn name(&self) -> &'static str {
        match self {
            Lever::Scale { .. } => "scale",
            Lever::Set { .. } | Lever::SetMap { .. } => "set",
            Lever::Add { .. } => "add",
            Lever::Shift { .. } => "shift",
            Lever::Generation { .. } => "generation",
            Lever::Divert { .. } => "divert",
            Lever::Save { .. } => "save",
            Lever::Switch { .. } => "switch",
            Lever::Use { .. } => "use",
            Lever::Purchase { .. } => "purchase",
        }
    }
}

/// The kind of a market instrument of a `purchase` measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instrument {
    /// A green electricity tariff of the utility (Malaysia: TNB's Green Electricity Tariff).
    GreenTariff,
    /// Renewable energy certificates bought separately from the electricity.
    Certificates,
    /// A power purchase agreement with a named generator.
    Ppa,
}

impl Instrument {
    /// Every instrument, as written.
    pub const NAMES: [&'static str; 3] = ["green_tariff", "certificates", "ppa"];
    /// Parses a name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "green_tariff" => Some(Self::GreenTariff),
            "certificates" => Some(Self::Certificates),
            "ppa" => Some(Self::Ppa),
            _ => None,
        }
    }
    /// The name as written.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// A checked measure.
#[derive(Clone, Debug)]
pub struct Measure {
    /// Id, unique within its action.
    pub id: String,
    /// Optional name.
    pub name: Option<String>,
    /// The target path as written.
    pub target_path: String,
    /// The measure's key path in its file, e.g. `actions[0].measures[1]`.
    pub key: String,
    /// The resolved target.
    pub target: Target,
    /// The lever.
    pub lever: Lever,
    /// The schedule.
    pub schedule: Schedule,
    /// A `generation` measure's capacity at full effect in each model year, base GJ per year
    /// (a power), when it is given by `capacity` (for per-capacity costs and `adjust` sizes).
    pub capacity: Option<Vec<f64>>,
    /// Its cost (docs/EXTENSIONS.md, "Costs").
    pub cost: Option<crate::costs::Cost>,
    /// Where the measure is defined.
    pub span: Span,
}

/// A checked action: a group of measures with plan metadata.
#[derive(Clone, Debug)]
pub struct Action {
    /// Id, unique within the scenario.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Theme.
    pub theme: Option<String>,
    /// Agencies.
    pub agency: Vec<String>,
    /// KPI.
    pub kpi: Option<String>,
    /// Measure ids (of any action) that the measures made from this action's `projects:` and
    /// `ecotown:` links are stated additional to, with where each is written: their overlaps
    /// are kept as notes, not warned about (docs/ECOTOWN.md, "Double counting").
    pub additional_to: Vec<(String, Span)>,
    /// The package it came from, if any.
    pub package: Option<String>,
    /// Measures in order.
    pub measures: Vec<Measure>,
    /// The action's key path in its file, e.g. `actions[0]`.
    pub key: String,
    /// Costs of the action as a whole (docs/EXTENSIONS.md, "Costs").
    pub cost: Option<crate::costs::Cost>,
    /// Where the action is defined.
    pub span: Span,
}

/// What a target measures.
#[derive(Clone, Debug, PartialEq)]
pub enum Metric {
    /// Total emissions, kt CO2e.
    Emissions,
    /// Total emissions per unit of a driver, t CO2e per declared unit of the driver.
    Intensity(usize),
}

/// What a target compares against.
#[derive(Clone, Debug, PartialEq)]
pub enum Threshold {
    /// `(1 - reduction)` × the metric in a year of the same scenario.
    Year {
        /// Required reduction (0.4 = 40 %).
        reduction: f64,
        /// The comparison year.
        year: i32,
    },
    /// `(1 - reduction)` × the metric of the reference in the same year.
    Reference {
        /// Required reduction.
        reduction: f64,
    },
    /// An absolute ceiling in the metric's reporting unit.
    AtMost(f64),
}

/// A checked target (MODEL.md §10).
#[derive(Clone, Debug)]
pub struct TargetSpec {
    /// Id.
    pub id: String,
    /// The metric.
    pub metric: Metric,
    /// The year it applies to.
    pub year: i32,
    /// The threshold.
    pub threshold: Threshold,
    /// Where it is defined.
    pub span: Span,
}

/// How a sampled value acts on its series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UncertainMode {
    /// The series is multiplied by the sample (every year).
    Multiplier,
    /// The series is replaced by the sample (every year), in base units.
    Absolute,
    /// The sample scales the series' growth after the base year, which keeps its value:
    /// `p'(y) = p(y0) * (p(y) / p(y0))^s` (docs/UNCERTAINTY.md, `as: trend`).
    Trend,
}

/// A probability distribution of an uncertain parameter. Values are multipliers, or
/// absolute values in base units, as the parameter's mode says.
#[derive(Clone, Debug, PartialEq)]
pub enum Distribution {
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Triangular on `[min, max]` with its peak at `mode`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal, truncated to `[min, max]` where given.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
        /// Lower truncation bound.
        min: Option<f64>,
        /// Upper truncation bound.
        max: Option<f64>,
    },
    /// Lognormal: `ln X ~ Normal(mu, sigma)`.
    Lognormal {
        /// Mean of `ln X`.
        mu: f64,
        /// Standard deviation of `ln X` (> 0).
        sigma: f64,
    },
    /// Discrete values with weights that sum to 1.
    Discrete {
        /// The values.
        values: Vec<f64>,
        /// Their probabilities.
        weights: Vec<f64>,
    },
}

/// An uncertain parameter (the `uncertainty:` extension, docs/UNCERTAINTY.md).
#[derive(Clone, Debug)]
pub struct UncertainParameter {
    /// Id, unique within the scenario (defaults to the path).
    pub id: String,
    /// The parameter path as written.
    pub path: String,
    /// The resolved target (a series target).
    pub target: Target,
    /// Multiplier or absolute value.
    pub mode: UncertainMode,
    /// The distribution.
    pub distribution: Distribution,
    /// The dimension of the series at `path` (its absolute values are in its base unit).
    pub dim: lcs_units::Dimension,
    /// Its key path in the file that defines it (`uncertainty.parameters[0]`).
    pub key: String,
    /// Where it is defined.
    pub span: Span,
}

/// A rank correlation between two uncertain parameters (Iman–Conover).
#[derive(Clone, Debug, PartialEq)]
pub struct Correlation {
    /// Index of the first parameter in `Scenario::uncertainty`.
    pub a: usize,
    /// Index of the second parameter.
    pub b: usize,
    /// Spearman rank correlation in (-1, 1).
    pub rank: f64,
}

/// A checked scenario: the model with overrides applied, the actions and targets after
/// inheritance.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// The model, overrides applied.
    pub model: Model,
    /// Actions in application order.
    pub actions: Vec<Action>,
    /// Targets, merged by id.
    pub targets: Vec<TargetSpec>,
    /// The override paths in force (for `lcs compare` and manifests).
    pub overrides: Vec<(String, Span)>,
    /// Uncertain parameters, merged by id through inheritance.
    pub uncertainty: Vec<UncertainParameter>,
    /// Rank correlations between uncertain parameters.
    pub correlations: Vec<Correlation>,
    /// Projects and eco-town networks linked by actions, with the measures they became
    /// (`projects:`, `ecotown:` on an action; docs/PROJECTS.md, docs/ECOTOWN.md).
    pub links: Vec<crate::link::Link>,
    /// Discounting, report basis and energy prices (docs/EXTENSIONS.md, "Costs").
    pub economics: Option<crate::costs::ScenarioEconomics>,
    /// Adjustments of inherited actions, merged through inheritance (docs/EXTENSIONS.md,
    /// "Adjusting inherited actions"); [`Scenario::measure_adjustment`] reads them.
    pub adjust: Vec<crate::costs::Adjustment>,
    /// Where the scenario is defined.
    pub span: Span,
}

impl Scenario {
    /// The reference run of a bare model: no overrides, actions, targets or uncertainty (for
    /// the project and eco-town layers, which read a model's grid, waste and factors).
    pub fn of_model(model: Model, id: &str) -> Scenario {
        let span = model.span;
        Scenario {
            id: id.to_string(),
            name: None,
            model,
            actions: Vec::new(),
            targets: Vec::new(),
            overrides: Vec::new(),
            uncertainty: Vec::new(),
            correlations: Vec::new(),
            links: Vec::new(),
            economics: None,
            adjust: Vec::new(),
            span,
        }
    }
}

#[cfg(test)]
mod route_order_tests {
    #[test]
    fn routes_are_the_waste_route_names_in_index_order() {
        for r in lcs_factors::WasteRoute::ALL {
            assert_eq!(super::ROUTES[r.index()], r.name());
        }
    }
}
