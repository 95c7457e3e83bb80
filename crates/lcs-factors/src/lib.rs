//! Built-in emission factors for the `lcs` scenario model.
//!
//! This crate owns the numbers of MODEL.md section 6 (fuel table, stationary and mobile
//! CH4/N2O factors, GWP-100 sets), section 7 (waste type constants and landfill/composting
//! defaults) and the rules of sections 11.3 (road and off-road factors of fuels the tables do
//! not list) and 11.4 (fuel overrides). Section 11.5 (composting and landfill settings in a
//! model) is applied by the model crate on top of [`waste_defaults`] and
//! [`WasteType::constants`].
//!
//! Units:
//! - combustion factors (CO2, CH4, N2O) are **kg of gas per TJ of fuel, on a net-calorific
//!   (NCV) basis**;
//! - GWP-100 values are kg CO2e per kg of gas;
//! - waste constants are fractions (DOC of wet weight; `cf` and `fcf` of dry matter), decay
//!   rates `k` are per year, composting factors are kg of gas per tonne of wet waste.
//!
//! Every value comes from the CSV files in `data/factors/` (embedded at compile time), each row
//! with its source URL, table number and status mark from `reference/factors.md`. All IPCC
//! defaults there are secondary transcriptions not yet checked against the primary IPCC PDFs;
//! see `data/factors/README.md`. Every table is read by [`table::Csv`]; a table that breaks a
//! rule is a [`TableError`] naming its file and line (an embedded table that breaks one fails
//! this crate's tests, which read every table).

#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod gpc;
pub mod inventory;
pub mod names;
pub mod table;
pub use table::TableError;
use table::{Csv, Row};

use std::fmt;
use std::sync::OnceLock;

const FUELS_CSV: &str = include_str!("../../../data/factors/fuels.csv");
const COMBUSTION_CSV: &str = include_str!("../../../data/factors/combustion_ch4_n2o.csv");
const ROAD_OFFROAD_CSV: &str = include_str!("../../../data/factors/road_offroad.csv");
const GWP_CSV: &str = include_str!("../../../data/factors/gwp.csv");
const WASTE_TYPES_CSV: &str = include_str!("../../../data/factors/waste_types.csv");
const WASTE_TREATMENT_CSV: &str = include_str!("../../../data/factors/waste_treatment.csv");
const WASTE_ROUTES_CSV: &str = include_str!("../../../data/factors/waste_routes.csv");
const WASTEWATER_CSV: &str = include_str!("../../../data/factors/wastewater.csv");
const WASTEWATER_PATHWAYS_CSV: &str = include_str!("../../../data/factors/wastewater_pathways.csv");

/// Every table embedded in this crate, as (path in the repository, text): run manifests
/// record their SHA-256 (docs/MANIFEST.md). A new embedded table is added here too.
pub const EMBEDDED_TABLES: [(&str, &str); 15] = [
    ("data/factors/fuels.csv", FUELS_CSV),
    ("data/factors/combustion_ch4_n2o.csv", COMBUSTION_CSV),
    ("data/factors/road_offroad.csv", ROAD_OFFROAD_CSV),
    ("data/factors/gwp.csv", GWP_CSV),
    ("data/factors/waste_types.csv", WASTE_TYPES_CSV),
    ("data/factors/waste_treatment.csv", WASTE_TREATMENT_CSV),
    ("data/factors/waste_routes.csv", WASTE_ROUTES_CSV),
    ("data/factors/wastewater.csv", WASTEWATER_CSV),
    (
        "data/factors/wastewater_pathways.csv",
        WASTEWATER_PATHWAYS_CSV,
    ),
    ("data/names.csv", names::NAMES_CSV),
    ("data/factors/fgases.csv", inventory::FGASES_CSV),
    ("data/factors/ippu_processes.csv", inventory::IPPU_CSV),
    ("data/factors/land_carbon.csv", inventory::LAND_CSV),
    ("data/gpc/subsectors.csv", gpc::SUBSECTORS_CSV),
    ("data/gpc/mapping.csv", gpc::MAPPING_CSV),
];

// ---------------------------------------------------------------------------------------------
// Categories and fuel classes
// ---------------------------------------------------------------------------------------------

/// IPCC combustion category of a demand node (MODEL.md section 4); selects the CH4 and N2O
/// factors of a fuel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Energy industries (IPCC 2006 Vol. 2 Table 2.2).
    Energy,
    /// Manufacturing industries and construction (Table 2.3).
    Manufacturing,
    /// Commercial / institutional (Table 2.4).
    Commercial,
    /// Residential; agriculture, forestry, fishing (Table 2.5).
    Residential,
    /// Road transport (Vol. 2 Table 3.2.2).
    Road,
    /// Off-road mobile machinery (Vol. 2 Table 3.3.1).
    Offroad,
}

impl Category {
    /// All categories, in the order used by [`Category::index`] and by the per-category
    /// arrays of [`Fuel`].
    pub const ALL: [Category; 6] = [
        Category::Energy,
        Category::Manufacturing,
        Category::Commercial,
        Category::Residential,
        Category::Road,
        Category::Offroad,
    ];

    /// The name used in model files: `energy`, `manufacturing`, `commercial`, `residential`,
    /// `road`, `offroad`.
    pub fn name(self) -> &'static str {
        match self {
            Category::Energy => "energy",
            Category::Manufacturing => "manufacturing",
            Category::Commercial => "commercial",
            Category::Residential => "residential",
            Category::Road => "road",
            Category::Offroad => "offroad",
        }
    }

    /// Parses a category name as written in model files (exact, lower case).
    pub fn parse(s: &str) -> Option<Self> {
        Category::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Position of the category in [`Category::ALL`] (0..6).
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Fuel class: selects the stationary CH4/N2O row of a fuel (MODEL.md section 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FuelClass {
    /// Gaseous fuels: natural gas, LPG, biogas.
    Gaseous,
    /// Liquid fuels: gasoline, diesel, kerosene, jet kerosene, fuel oil.
    Liquid,
    /// Solid fossil fuels: the coals.
    SolidFossil,
    /// Solid biomass: wood, other primary solid biomass.
    SolidBiomass,
    /// Energy carrier with no direct emissions: electricity, heat, hydrogen.
    Carrier,
    /// A fuel added by a model override (MODEL.md section 11.4): its factors are those the
    /// model gives, 0 otherwise.
    Custom,
}

impl FuelClass {
    /// The name used in `data/factors/fuels.csv`: `gaseous`, `liquid`, `solid_fossil`,
    /// `solid_biomass`, `carrier`, and `custom` for model-added fuels.
    pub fn name(self) -> &'static str {
        match self {
            FuelClass::Gaseous => "gaseous",
            FuelClass::Liquid => "liquid",
            FuelClass::SolidFossil => "solid_fossil",
            FuelClass::SolidBiomass => "solid_biomass",
            FuelClass::Carrier => "carrier",
            FuelClass::Custom => "custom",
        }
    }

    /// Parses a class name as returned by [`FuelClass::name`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            FuelClass::Gaseous,
            FuelClass::Liquid,
            FuelClass::SolidFossil,
            FuelClass::SolidBiomass,
            FuelClass::Carrier,
            FuelClass::Custom,
        ]
        .into_iter()
        .find(|c| c.name() == s)
    }

    /// Row of this class in the stationary table; `None` for classes without one.
    fn stationary_row(self) -> Option<usize> {
        match self {
            FuelClass::Gaseous => Some(0),
            FuelClass::Liquid => Some(1),
            FuelClass::SolidFossil => Some(2),
            FuelClass::SolidBiomass => Some(3),
            FuelClass::Carrier | FuelClass::Custom => None,
        }
    }
}

impl fmt::Display for FuelClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------------------------
// Fuels
// ---------------------------------------------------------------------------------------------

/// One fuel of the fuel table with its combustion factors (kg of gas per TJ of fuel, NCV
/// basis).
#[derive(Clone, Debug, PartialEq)]
pub struct Fuel {
    /// Fuel id as used in model files (`natural_gas`, `diesel`, ...).
    pub id: String,
    /// Fuel class.
    pub class: FuelClass,
    /// CO2 emission factor, kg CO2 per TJ (NCV basis).
    pub co2_kg_per_tj: f64,
    /// True if the CO2 is biogenic: reported as a memo item and left out of totals.
    pub biogenic: bool,
    /// CH4 emission factor by category, kg CH4 per TJ (NCV basis), indexed by
    /// [`Category::index`].
    pub ch4_kg_per_tj: [f64; 6],
    /// N2O emission factor by category, kg N2O per TJ (NCV basis), indexed by
    /// [`Category::index`].
    pub n2o_kg_per_tj: [f64; 6],
}

impl Fuel {
    /// True for energy carriers (electricity, heat, hydrogen): no direct emissions.
    pub fn is_carrier(&self) -> bool {
        self.class == FuelClass::Carrier
    }

    /// CH4 factor for a category, kg CH4 per TJ (NCV basis).
    pub fn ch4(&self, category: Category) -> f64 {
        self.ch4_kg_per_tj[category.index()]
    }

    /// N2O factor for a category, kg N2O per TJ (NCV basis).
    pub fn n2o(&self, category: Category) -> f64 {
        self.n2o_kg_per_tj[category.index()]
    }

    fn zeroed(id: &str, class: FuelClass) -> Fuel {
        Fuel {
            id: id.to_string(),
            class,
            co2_kg_per_tj: 0.0,
            biogenic: false,
            ch4_kg_per_tj: [0.0; 6],
            n2o_kg_per_tj: [0.0; 6],
        }
    }
}

/// CH4 or N2O values of a fuel override (MODEL.md section 11.4), kg of gas per TJ (NCV
/// basis).
#[derive(Clone, Debug, PartialEq)]
pub enum PerCategory {
    /// One number: sets all six categories.
    All(f64),
    /// A map category → value: sets the named categories only.
    Some(Vec<(Category, f64)>),
}

impl PerCategory {
    /// Writes these values into a per-category array (indexed by [`Category::index`]).
    pub fn apply_to(&self, values: &mut [f64; 6]) {
        match self {
            PerCategory::All(v) => *values = [*v; 6],
            PerCategory::Some(entries) => {
                for (c, v) in entries {
                    values[c.index()] = *v;
                }
            }
        }
    }
}

/// A model's override of one fuel (MODEL.md section 11.4). `None` fields keep the built-in
/// value (or 0 for a new fuel).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FuelOverride {
    /// Fuel id: an existing one is merged, a new one is added.
    pub id: String,
    /// CO2 factor, kg CO2 per TJ (NCV basis).
    pub co2_kg_per_tj: Option<f64>,
    /// Whether the CO2 is biogenic (memo item, left out of totals).
    pub biogenic: Option<bool>,
    /// CH4 factors, kg CH4 per TJ (NCV basis).
    pub ch4: Option<PerCategory>,
    /// N2O factors, kg N2O per TJ (NCV basis).
    pub n2o: Option<PerCategory>,
}

/// Error from changing the fuel table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactorError {
    /// An override names `electricity`, `heat` or `hydrogen`, which have no direct factors
    /// and cannot be overridden.
    CarrierOverride {
        /// The fuel id named by the override.
        id: String,
    },
}

impl fmt::Display for FactorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactorError::CarrierOverride { id } => write!(
                f,
                "fuel `{id}` is an energy carrier with no direct factors and cannot be overridden"
            ),
        }
    }
}

impl std::error::Error for FactorError {}

/// The fuel table: the built-in fuels of MODEL.md section 6, plus any a model adds.
#[derive(Clone, Debug, PartialEq)]
pub struct FuelTable {
    fuels: Vec<Fuel>,
}

impl Default for FuelTable {
    fn default() -> Self {
        FuelTable::builtin()
    }
}

impl FuelTable {
    /// The built-in table: 16 fuels in the order of MODEL.md section 6 (`coal`,
    /// `subbituminous_coal`, `lignite`, `natural_gas`, `lpg`, `gasoline`, `diesel`,
    /// `kerosene`, `jet_kerosene`, `fuel_oil`, `wood`, `other_biomass`, `biogas`,
    /// `electricity`, `heat`, `hydrogen`).
    pub fn builtin() -> FuelTable {
        FuelTable {
            fuels: data().fuels.clone(),
        }
    }

    /// The fuel with this id.
    pub fn get(&self, id: &str) -> Option<&Fuel> {
        self.fuels.iter().find(|f| f.id == id)
    }

    /// Position of the fuel with this id in [`FuelTable::fuels`].
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.fuels.iter().position(|f| f.id == id)
    }

    /// All fuels, built-in ones first (in the order of [`FuelTable::builtin`]), then added ones
    /// in the order they were added.
    pub fn fuels(&self) -> &[Fuel] {
        &self.fuels
    }

    /// All fuel ids, in the order of [`FuelTable::fuels`].
    pub fn ids(&self) -> Vec<&str> {
        self.fuels.iter().map(|f| f.id.as_str()).collect()
    }

    /// Applies a model override (MODEL.md section 11.4). A partial entry merges with the
    /// existing fuel; a new id starts from zeros (class [`FuelClass::Custom`], not biogenic)
    /// and is appended. Overriding a carrier (`electricity`, `heat`, `hydrogen`) is an error
    /// and leaves the table unchanged. Values are not range-checked here.
    pub fn apply_override(&mut self, o: &FuelOverride) -> Result<(), FactorError> {
        let i = match self.index_of(&o.id) {
            Some(i) if self.fuels[i].is_carrier() => {
                return Err(FactorError::CarrierOverride { id: o.id.clone() });
            }
            Some(i) => i,
            None => {
                self.fuels.push(Fuel::zeroed(&o.id, FuelClass::Custom));
                self.fuels.len() - 1
            }
        };
        let fuel = &mut self.fuels[i];
        if let Some(co2) = o.co2_kg_per_tj {
            fuel.co2_kg_per_tj = co2;
        }
        if let Some(b) = o.biogenic {
            fuel.biogenic = b;
        }
        if let Some(ch4) = &o.ch4 {
            ch4.apply_to(&mut fuel.ch4_kg_per_tj);
        }
        if let Some(n2o) = &o.n2o {
            n2o.apply_to(&mut fuel.n2o_kg_per_tj);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// GWP
// ---------------------------------------------------------------------------------------------

/// GWP-100 set (MODEL.md section 6), chosen by `gwp:` in a model file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GwpSet {
    /// IPCC Fourth Assessment Report: CH4 25, N2O 298.
    AR4,
    /// IPCC Fifth Assessment Report (without climate–carbon feedback): CH4 28, N2O 265.
    AR5,
    /// IPCC Sixth Assessment Report (Table 7.SM.7): CH4 27.9, N2O 273.
    AR6,
}

impl GwpSet {
    /// All sets.
    pub const ALL: [GwpSet; 3] = [GwpSet::AR4, GwpSet::AR5, GwpSet::AR6];

    /// Parses `AR4`, `AR5` or `AR6` (exact).
    pub fn parse(s: &str) -> Option<Self> {
        GwpSet::ALL.into_iter().find(|g| g.name() == s)
    }

    /// `AR4`, `AR5` or `AR6`.
    pub fn name(self) -> &'static str {
        match self {
            GwpSet::AR4 => "AR4",
            GwpSet::AR5 => "AR5",
            GwpSet::AR6 => "AR6",
        }
    }

    /// GWP-100 of CH4, kg CO2e per kg CH4.
    pub fn ch4(self) -> f64 {
        data().gwp[self as usize][0]
    }

    /// GWP-100 of N2O, kg CO2e per kg N2O.
    pub fn n2o(self) -> f64 {
        data().gwp[self as usize][1]
    }
}

impl fmt::Display for GwpSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------------------------
// Waste
// ---------------------------------------------------------------------------------------------

/// Number of waste types (MODEL.md section 7 plus `metals` and `glass`).
pub const N_WASTE_TYPES: usize = 10;

/// Solid waste type (MODEL.md section 7, IPCC 2006 Vol. 5 Table 2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WasteType {
    /// Food waste.
    Food,
    /// Garden and park waste.
    Garden,
    /// Paper and cardboard.
    Paper,
    /// Wood.
    Wood,
    /// Textiles.
    Textiles,
    /// Nappies (disposable diapers).
    Nappies,
    /// Plastics.
    Plastics,
    /// Other inert waste.
    Inert,
    /// Metals (an extension of MODEL.md §7: DOC 0, no fossil carbon).
    Metals,
    /// Glass (an extension of MODEL.md §7: DOC 0, no fossil carbon).
    Glass,
}

impl WasteType {
    /// All types, in the order used by [`WasteType::index`].
    pub const ALL: [WasteType; N_WASTE_TYPES] = [
        WasteType::Food,
        WasteType::Garden,
        WasteType::Paper,
        WasteType::Wood,
        WasteType::Textiles,
        WasteType::Nappies,
        WasteType::Plastics,
        WasteType::Inert,
        WasteType::Metals,
        WasteType::Glass,
    ];

    /// The name used in model files: `food`, `garden`, `paper`, `wood`, `textiles`,
    /// `nappies`, `plastics`, `inert`, `metals`, `glass`.
    pub fn name(self) -> &'static str {
        match self {
            WasteType::Food => "food",
            WasteType::Garden => "garden",
            WasteType::Paper => "paper",
            WasteType::Wood => "wood",
            WasteType::Textiles => "textiles",
            WasteType::Nappies => "nappies",
            WasteType::Plastics => "plastics",
            WasteType::Inert => "inert",
            WasteType::Metals => "metals",
            WasteType::Glass => "glass",
        }
    }

    /// Parses a waste type name (exact, lower case).
    pub fn parse(s: &str) -> Option<Self> {
        WasteType::ALL.into_iter().find(|w| w.name() == s)
    }

    /// Position of the type in [`WasteType::ALL`] (0..10).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The type's default constants (IPCC 2006 Vol. 5 Table 2.4; `k` from Table 3.3, tropical
    /// moist and wet climate).
    pub fn constants(self) -> WasteConstants {
        data().waste[self.index()]
    }
}

impl fmt::Display for WasteType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Default constants of one waste type (all fractions except `k_default`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WasteConstants {
    /// Degradable organic carbon, fraction of wet weight.
    pub doc: f64,
    /// Dry matter, fraction of wet weight.
    pub dm: f64,
    /// Total carbon, fraction of dry matter.
    pub cf: f64,
    /// Fossil share of total carbon, fraction.
    pub fcf: f64,
    /// Default methane generation rate `k` (tropical, moist and wet climate), per year;
    /// 0 for types that do not decay (DOC 0).
    pub k_default: f64,
}

/// Default landfill and composting parameters (MODEL.md section 7), used when a model does not
/// set them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WasteDefaults {
    /// Fraction of DOC that decomposes (DOCf), fraction.
    pub doc_f: f64,
    /// Fraction of CH4 in landfill gas by volume (F), fraction.
    pub f: f64,
    /// Oxidation factor of the landfill cover (OX), fraction.
    pub oxidation: f64,
    /// Share of generated CH4 recovered, fraction.
    pub recovery: f64,
    /// Methane correction factor of the site (MCF), fraction.
    pub mcf: f64,
    /// Composting CH4, kg CH4 per tonne of wet waste composted.
    pub compost_ch4_kg_per_t: f64,
    /// Composting N2O, kg N2O per tonne of wet waste composted.
    pub compost_n2o_kg_per_t: f64,
    /// Anaerobic digestion CH4 (leakage), kg CH4 per tonne of wet waste treated.
    pub ad_ch4_kg_per_t: f64,
    /// Anaerobic digestion N2O, kg N2O per tonne of wet waste treated.
    pub ad_n2o_kg_per_t: f64,
}

/// A waste route (MODEL.md §7 plus `anaerobic_digestion`, an extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WasteRoute {
    /// Solid waste disposal site.
    Landfill,
    /// Material recovery (no emissions in the region).
    Recycling,
    /// Composting.
    Composting,
    /// Incineration (fossil CO2; electricity).
    Incineration,
    /// Anaerobic digestion (CH4 leakage, N2O; biogas electricity).
    AnaerobicDigestion,
}

/// Number of waste routes.
pub const N_WASTE_ROUTES: usize = 5;

impl WasteRoute {
    /// All routes, in the order used by [`WasteRoute::index`].
    pub const ALL: [WasteRoute; N_WASTE_ROUTES] = [
        WasteRoute::Landfill,
        WasteRoute::Recycling,
        WasteRoute::Composting,
        WasteRoute::Incineration,
        WasteRoute::AnaerobicDigestion,
    ];

    /// The name used in model files.
    pub fn name(self) -> &'static str {
        match self {
            WasteRoute::Landfill => "landfill",
            WasteRoute::Recycling => "recycling",
            WasteRoute::Composting => "composting",
            WasteRoute::Incineration => "incineration",
            WasteRoute::AnaerobicDigestion => "anaerobic_digestion",
        }
    }

    /// Parses a route name.
    pub fn parse(s: &str) -> Option<Self> {
        WasteRoute::ALL.into_iter().find(|r| r.name() == s)
    }

    /// Position of the route in [`WasteRoute::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the route accepts a waste type by default (`data/factors/waste_routes.csv`):
    /// recycling takes paper, plastics, metals, glass and textiles; composting and anaerobic
    /// digestion take food and garden waste; landfill and incineration take every type.
    pub fn accepts(self, t: WasteType) -> bool {
        data().accepts[self.index()][t.index()]
    }
}

impl fmt::Display for WasteRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Default constants of wastewater treatment and discharge (IPCC 2006 Vol. 5 Ch. 6;
/// `data/factors/wastewater.csv`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WastewaterDefaults {
    /// Maximum CH4 producing capacity of domestic wastewater, kg CH4 per kg BOD.
    pub b0_bod: f64,
    /// Maximum CH4 producing capacity of industrial wastewater, kg CH4 per kg COD.
    pub b0_cod: f64,
    /// Correction `I` for industrial BOD co-discharged into sewers, collected wastewater.
    pub correction_collected: f64,
    /// Correction `I` for uncollected wastewater.
    pub correction_uncollected: f64,
    /// Nitrogen in protein, kg N per kg protein.
    pub f_npr: f64,
    /// Factor for non-consumed protein added to wastewater.
    pub f_non_con: f64,
    /// Factor for industrial and commercial protein co-discharged into sewers.
    pub f_ind_com: f64,
    /// N2O of effluent, kg N2O-N per kg N.
    pub ef_effluent: f64,
}

/// The default wastewater constants (IPCC 2006 Vol. 5 Ch. 6).
pub fn wastewater_defaults() -> WastewaterDefaults {
    data().wastewater
}

/// The default methane correction factor of a wastewater treatment or discharge pathway
/// (IPCC 2006 Vol. 5 Tables 6.3 and 6.8; `data/factors/wastewater_pathways.csv`), by name.
pub fn pathway_mcf(name: &str) -> Option<f64> {
    data()
        .pathways
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, m)| *m)
}

/// The names of the built-in wastewater pathways, in table order.
pub fn pathway_names() -> Vec<&'static str> {
    data().pathways.iter().map(|(n, _)| n.as_str()).collect()
}

/// The default landfill and composting parameters (MODEL.md section 7).
pub fn waste_defaults() -> WasteDefaults {
    data().defaults
}

// ---------------------------------------------------------------------------------------------
// Embedded data
// ---------------------------------------------------------------------------------------------

struct Data {
    fuels: Vec<Fuel>,
    /// `[set][0 = CH4, 1 = N2O]`.
    gwp: [[f64; 2]; 3],
    waste: [WasteConstants; N_WASTE_TYPES],
    defaults: WasteDefaults,
    /// `[route][type]`: whether the route accepts the type.
    accepts: [[bool; N_WASTE_TYPES]; N_WASTE_ROUTES],
    wastewater: WastewaterDefaults,
    /// (pathway name, MCF).
    pathways: Vec<(String, f64)>,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        load().unwrap_or_else(|e| panic!("embedded factor data in data/factors is invalid: {e}"))
    })
}

fn load() -> Result<Data, TableError> {
    let stationary = load_stationary()?;
    let fuels = load_fuels(&stationary)?;
    Ok(Data {
        fuels,
        gwp: load_gwp()?,
        waste: load_waste_types()?,
        defaults: load_waste_treatment()?,
        accepts: load_waste_routes()?,
        wastewater: load_wastewater()?,
        pathways: load_pathways()?,
    })
}

/// Fills `slot` once; a second value for the same key is an error.
fn set_once<T>(
    slot: &mut Option<T>,
    v: T,
    row: &Row<'_, '_>,
    what: &str,
) -> Result<(), TableError> {
    if slot.is_some() {
        return Err(row.err(&format!("duplicate row for {what}")));
    }
    *slot = Some(v);
    Ok(())
}

/// Stationary CH4/N2O: `[class row][stationary category] = (ch4, n2o)`.
type Stationary = [[(f64, f64); 4]; 4];

fn load_stationary() -> Result<Stationary, TableError> {
    let csv = Csv::parse(
        "combustion_ch4_n2o.csv",
        COMBUSTION_CSV,
        &[
            "category",
            "class",
            "ch4_kg_per_tj",
            "n2o_kg_per_tj",
            "source",
            "status",
        ],
    )?;
    let mut cells: [[Option<(f64, f64)>; 4]; 4] = [[None; 4]; 4];
    for row in csv.rows() {
        let cat = row.get("category")?;
        let c = Category::parse(cat)
            .filter(|c| c.index() < 4)
            .ok_or_else(|| row.err(&format!("`{cat}` is not a stationary category")))?;
        let class = row.get("class")?;
        let r = FuelClass::parse(class)
            .and_then(FuelClass::stationary_row)
            .ok_or_else(|| row.err(&format!("`{class}` is not a combustible fuel class")))?;
        let v = (row.num("ch4_kg_per_tj")?, row.num("n2o_kg_per_tj")?);
        set_once(&mut cells[r][c.index()], v, &row, &format!("{cat}/{class}"))?;
    }
    let mut out = [[(0.0, 0.0); 4]; 4];
    for (r, row) in cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            out[r][c] = cell.ok_or_else(|| TableError::Missing {
                file: "combustion_ch4_n2o.csv",
                row: format!(
                    "{} / {}",
                    Category::ALL[c].name(),
                    ["gaseous", "liquid", "solid_fossil", "solid_biomass"][r]
                ),
            })?;
        }
    }
    Ok(out)
}

fn load_fuels(stationary: &Stationary) -> Result<Vec<Fuel>, TableError> {
    let csv = Csv::parse(
        "fuels.csv",
        FUELS_CSV,
        &[
            "id",
            "ipcc_name",
            "class",
            "co2_kg_per_tj",
            "biogenic",
            "source",
            "status",
        ],
    )?;
    let mut fuels: Vec<Fuel> = Vec::new();
    for row in csv.rows() {
        let id = row.get("id")?;
        if id.is_empty() || fuels.iter().any(|f| f.id == id) {
            return Err(row.err(&format!("empty or duplicate fuel id `{id}`")));
        }
        let class_name = row.get("class")?;
        let class = FuelClass::parse(class_name)
            .filter(|c| *c != FuelClass::Custom)
            .ok_or_else(|| row.err(&format!("unknown fuel class `{class_name}`")))?;
        let biogenic = match row.get("biogenic")? {
            "true" => true,
            "false" => false,
            other => return Err(row.invalid("biogenic", other, "true/false")),
        };
        let mut fuel = Fuel::zeroed(id, class);
        fuel.co2_kg_per_tj = row.num("co2_kg_per_tj")?;
        fuel.biogenic = biogenic;
        if class == FuelClass::Carrier {
            if fuel.co2_kg_per_tj != 0.0 || biogenic {
                return Err(row.err("a carrier has no direct factors: co2 0, biogenic false"));
            }
        } else if let Some(r) = class.stationary_row() {
            for (c, &(ch4, n2o)) in stationary[r].iter().enumerate() {
                fuel.ch4_kg_per_tj[c] = ch4;
                fuel.n2o_kg_per_tj[c] = n2o;
            }
            // MODEL.md section 6 and 11.3: road from the commercial row, offroad from the
            // manufacturing row, unless road_offroad.csv names the fuel.
            let road = Category::Road.index();
            let offroad = Category::Offroad.index();
            let commercial = Category::Commercial.index();
            let manufacturing = Category::Manufacturing.index();
            (fuel.ch4_kg_per_tj[road], fuel.n2o_kg_per_tj[road]) = stationary[r][commercial];
            (fuel.ch4_kg_per_tj[offroad], fuel.n2o_kg_per_tj[offroad]) =
                stationary[r][manufacturing];
        }
        fuels.push(fuel);
    }

    let csv = Csv::parse(
        "road_offroad.csv",
        ROAD_OFFROAD_CSV,
        &[
            "category",
            "fuel",
            "ch4_kg_per_tj",
            "n2o_kg_per_tj",
            "source",
            "status",
        ],
    )?;
    let mut seen: Vec<(Category, &str)> = Vec::new();
    for row in csv.rows() {
        let cat = row.get("category")?;
        let c = Category::parse(cat)
            .filter(|c| matches!(c, Category::Road | Category::Offroad))
            .ok_or_else(|| row.err(&format!("`{cat}` is not `road` or `offroad`")))?;
        let id = row.get("fuel")?;
        if seen.contains(&(c, id)) {
            return Err(row.err(&format!("duplicate row for {cat}/{id}")));
        }
        seen.push((c, id));
        let fuel = fuels
            .iter_mut()
            .find(|f| f.id == id)
            .filter(|f| !f.is_carrier())
            .ok_or_else(|| row.err(&format!("`{id}` is not a combustible fuel of fuels.csv")))?;
        fuel.ch4_kg_per_tj[c.index()] = row.num("ch4_kg_per_tj")?;
        fuel.n2o_kg_per_tj[c.index()] = row.num("n2o_kg_per_tj")?;
    }
    Ok(fuels)
}

fn load_gwp() -> Result<[[f64; 2]; 3], TableError> {
    let csv = Csv::parse(
        "gwp.csv",
        GWP_CSV,
        &["set", "gas", "gwp100", "source", "status"],
    )?;
    let mut cells = [[None; 2]; 3];
    for row in csv.rows() {
        let set = row.get("set")?;
        let s = GwpSet::parse(set).ok_or_else(|| row.err(&format!("unknown GWP set `{set}`")))?;
        let gas = row.get("gas")?;
        let g = match gas {
            "CH4" => 0,
            "N2O" => 1,
            _ => return Err(row.err(&format!("gas is `{gas}`, expected CH4 or N2O"))),
        };
        let v = row.num("gwp100")?;
        set_once(&mut cells[s as usize][g], v, &row, &format!("{set}/{gas}"))?;
    }
    let mut out = [[0.0; 2]; 3];
    for (s, row) in cells.iter().enumerate() {
        for (g, cell) in row.iter().enumerate() {
            out[s][g] = cell.ok_or_else(|| TableError::Missing {
                file: "gwp.csv",
                row: format!("{} / {}", GwpSet::ALL[s].name(), ["CH4", "N2O"][g]),
            })?;
        }
    }
    Ok(out)
}

fn load_waste_types() -> Result<[WasteConstants; N_WASTE_TYPES], TableError> {
    let csv = Csv::parse(
        "waste_types.csv",
        WASTE_TYPES_CSV,
        &[
            "type",
            "doc",
            "dm",
            "cf",
            "fcf",
            "k_tropical_wet",
            "source",
            "status",
        ],
    )?;
    let mut cells: [Option<WasteConstants>; N_WASTE_TYPES] = [None; N_WASTE_TYPES];
    for row in csv.rows() {
        let name = row.get("type")?;
        let t = WasteType::parse(name)
            .ok_or_else(|| row.err(&format!("unknown waste type `{name}`")))?;
        let c = WasteConstants {
            doc: row.num("doc")?,
            dm: row.num("dm")?,
            cf: row.num("cf")?,
            fcf: row.num("fcf")?,
            k_default: row.num("k_tropical_wet")?,
        };
        if c.dm > 1.0 || c.cf > 1.0 || c.fcf > 1.0 || c.doc > 1.0 {
            return Err(row.err("doc, dm, cf and fcf are fractions in [0, 1]"));
        }
        set_once(&mut cells[t.index()], c, &row, name)?;
    }
    let mut out = [WasteConstants {
        doc: 0.0,
        dm: 0.0,
        cf: 0.0,
        fcf: 0.0,
        k_default: 0.0,
    }; N_WASTE_TYPES];
    for (i, cell) in cells.iter().enumerate() {
        out[i] = cell.ok_or_else(|| TableError::Missing {
            file: "waste_types.csv",
            row: format!("`{}`", WasteType::ALL[i].name()),
        })?;
    }
    Ok(out)
}

fn load_waste_treatment() -> Result<WasteDefaults, TableError> {
    const ITEMS: [&str; 9] = [
        "landfill_doc_f",
        "landfill_f",
        "landfill_oxidation",
        "landfill_recovery",
        "landfill_mcf",
        "compost_ch4",
        "compost_n2o",
        "ad_ch4",
        "ad_n2o",
    ];
    let csv = Csv::parse(
        "waste_treatment.csv",
        WASTE_TREATMENT_CSV,
        &["item", "value", "unit", "source", "status"],
    )?;
    let mut cells = [None; 9];
    for row in csv.rows() {
        let item = row.get("item")?;
        let i = ITEMS
            .iter()
            .position(|x| *x == item)
            .ok_or_else(|| row.err(&format!("unknown item `{item}`")))?;
        let v = row.num("value")?;
        set_once(&mut cells[i], v, &row, item)?;
    }
    let mut v = [0.0; 9];
    for (i, cell) in cells.iter().enumerate() {
        v[i] = cell.ok_or_else(|| TableError::Missing {
            file: "waste_treatment.csv",
            row: format!("`{}`", ITEMS[i]),
        })?;
    }
    Ok(WasteDefaults {
        doc_f: v[0],
        f: v[1],
        oxidation: v[2],
        recovery: v[3],
        mcf: v[4],
        compost_ch4_kg_per_t: v[5],
        compost_n2o_kg_per_t: v[6],
        ad_ch4_kg_per_t: v[7],
        ad_n2o_kg_per_t: v[8],
    })
}

fn load_waste_routes() -> Result<[[bool; N_WASTE_TYPES]; N_WASTE_ROUTES], TableError> {
    let csv = Csv::parse(
        "waste_routes.csv",
        WASTE_ROUTES_CSV,
        &["route", "accepts", "derivation", "source", "status"],
    )?;
    let mut cells: [Option<[bool; N_WASTE_TYPES]>; N_WASTE_ROUTES] = [None; N_WASTE_ROUTES];
    for row in csv.rows() {
        let name = row.get("route")?;
        let r =
            WasteRoute::parse(name).ok_or_else(|| row.err(&format!("unknown route `{name}`")))?;
        let mut a = [false; N_WASTE_TYPES];
        for t in row.get("accepts")?.split_whitespace() {
            let wt =
                WasteType::parse(t).ok_or_else(|| row.err(&format!("unknown waste type `{t}`")))?;
            a[wt.index()] = true;
        }
        set_once(&mut cells[r.index()], a, &row, name)?;
    }
    let mut out = [[false; N_WASTE_TYPES]; N_WASTE_ROUTES];
    for (i, cell) in cells.iter().enumerate() {
        out[i] = cell.ok_or_else(|| TableError::Missing {
            file: "waste_routes.csv",
            row: format!("`{}`", WasteRoute::ALL[i].name()),
        })?;
    }
    Ok(out)
}

fn load_wastewater() -> Result<WastewaterDefaults, TableError> {
    const ITEMS: [&str; 8] = [
        "b0_bod",
        "b0_cod",
        "correction_collected",
        "correction_uncollected",
        "f_npr",
        "f_non_con",
        "f_ind_com",
        "ef_effluent",
    ];
    let csv = Csv::parse(
        "wastewater.csv",
        WASTEWATER_CSV,
        &["item", "value", "unit", "derivation", "source", "status"],
    )?;
    let mut cells = [None; 8];
    for row in csv.rows() {
        let item = row.get("item")?;
        let i = ITEMS
            .iter()
            .position(|x| *x == item)
            .ok_or_else(|| row.err(&format!("unknown item `{item}`")))?;
        set_once(&mut cells[i], row.num("value")?, &row, item)?;
    }
    let mut v = [0.0; 8];
    for (i, cell) in cells.iter().enumerate() {
        v[i] = cell.ok_or_else(|| TableError::Missing {
            file: "wastewater.csv",
            row: format!("`{}`", ITEMS[i]),
        })?;
    }
    Ok(WastewaterDefaults {
        b0_bod: v[0],
        b0_cod: v[1],
        correction_collected: v[2],
        correction_uncollected: v[3],
        f_npr: v[4],
        f_non_con: v[5],
        f_ind_com: v[6],
        ef_effluent: v[7],
    })
}

fn load_pathways() -> Result<Vec<(String, f64)>, TableError> {
    let csv = Csv::parse(
        "wastewater_pathways.csv",
        WASTEWATER_PATHWAYS_CSV,
        &["pathway", "mcf", "description", "source", "status"],
    )?;
    let mut out: Vec<(String, f64)> = Vec::new();
    for row in csv.rows() {
        let name = row.get("pathway")?;
        if out.iter().any(|(n, _)| n == name) {
            return Err(row.err(&format!("duplicate pathway `{name}`")));
        }
        let mcf = row.num("mcf")?;
        if !(0.0..=1.0).contains(&mcf) {
            return Err(row.err("an MCF is a fraction in [0, 1]"));
        }
        out.push((name.to_string(), mcf));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 16] = [
        "coal",
        "subbituminous_coal",
        "lignite",
        "natural_gas",
        "lpg",
        "gasoline",
        "diesel",
        "kerosene",
        "jet_kerosene",
        "fuel_oil",
        "wood",
        "other_biomass",
        "biogas",
        "electricity",
        "heat",
        "hydrogen",
    ];

    fn fuel(id: &str) -> Fuel {
        FuelTable::builtin().get(id).unwrap().clone()
    }

    fn at(f: &Fuel, c: Category) -> (f64, f64) {
        (f.ch4(c), f.n2o(c))
    }

    #[test]
    fn every_embedded_file_parses() {
        let s = load_stationary().unwrap();
        load_fuels(&s).unwrap();
        load_gwp().unwrap();
        load_waste_types().unwrap();
        load_waste_treatment().unwrap();
        load_waste_routes().unwrap();
        load_wastewater().unwrap();
        load_pathways().unwrap();
        load().unwrap();
    }

    #[test]
    fn every_row_has_source_and_status() {
        for (name, text) in [
            ("fuels.csv", FUELS_CSV),
            ("combustion_ch4_n2o.csv", COMBUSTION_CSV),
            ("road_offroad.csv", ROAD_OFFROAD_CSV),
            ("gwp.csv", GWP_CSV),
            ("waste_types.csv", WASTE_TYPES_CSV),
            ("waste_treatment.csv", WASTE_TREATMENT_CSV),
            ("waste_routes.csv", WASTE_ROUTES_CSV),
            ("wastewater.csv", WASTEWATER_CSV),
            ("wastewater_pathways.csv", WASTEWATER_PATHWAYS_CSV),
        ] {
            let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
            assert_eq!(&header[header.len() - 2..], ["source", "status"], "{name}");
            for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
                let fields: Vec<&str> = line.split(',').collect();
                assert_eq!(fields.len(), header.len(), "{name}: {line}");
                assert!(!fields[fields.len() - 2].is_empty(), "{name}: {line}");
                assert!(!fields[fields.len() - 1].is_empty(), "{name}: {line}");
            }
        }
    }

    #[test]
    fn csv_errors_are_reported() {
        let h = ["a", "source", "status"];
        assert_eq!(
            Csv::parse("t.csv", "", &h).unwrap_err(),
            TableError::Empty { file: "t.csv" }
        );
        assert_eq!(
            Csv::parse("t.csv", "a,b,c\n", &h).unwrap_err().to_string(),
            "t.csv: header is `a,b,c`, expected `a,source,status`"
        );
        let e = Csv::parse("t.csv", "a,source,status\n1,x\n", &h)
            .err()
            .unwrap();
        assert_eq!(e.to_string(), "t.csv line 2: 2 fields, expected 3");
        let e = Csv::parse("t.csv", "a,source,status\n1,,ok\n", &h)
            .err()
            .unwrap();
        assert_eq!(
            e,
            TableError::EmptyField {
                file: "t.csv",
                line: 2,
                column: "source".into()
            }
        );
        assert_eq!(e.to_string(), "t.csv line 2: empty `source`");
        let csv = Csv::parse("t.csv", "a,source,status\n-1,s,ok\nx,s,ok\n", &h).unwrap();
        let msgs: Vec<String> = csv
            .rows()
            .map(|row| row.num("a").unwrap_err().to_string())
            .collect();
        assert_eq!(
            msgs,
            [
                "t.csv line 2: `a` is `-1`, expected a non-negative number",
                "t.csv line 3: `a` is `x`, expected a non-negative number"
            ]
        );
        let row = csv.rows().next().unwrap();
        assert_eq!(
            row.get("b").unwrap_err().to_string(),
            "t.csv line 2: no column `b`"
        );
        let e: Box<dyn std::error::Error> = Box::new(row.err("duplicate row for x"));
        assert_eq!(e.to_string(), "t.csv line 2: duplicate row for x");
    }

    #[test]
    fn builtin_ids_in_order() {
        let t = FuelTable::builtin();
        assert_eq!(t.ids(), IDS);
        assert_eq!(t.fuels().len(), 16);
        for (i, id) in IDS.iter().enumerate() {
            assert_eq!(t.index_of(id), Some(i));
            assert_eq!(t.get(id).unwrap().id, *id);
        }
        assert!(t.get("petrol").is_none());
        assert_eq!(t.index_of("petrol"), None);
        assert_eq!(FuelTable::default(), t);
    }

    #[test]
    fn co2_values_and_biogenic_flags() {
        let expected = [
            ("gasoline", 69300.0, false),
            ("diesel", 74100.0, false),
            ("fuel_oil", 77400.0, false),
            ("lpg", 63100.0, false),
            ("kerosene", 71900.0, false),
            ("jet_kerosene", 71500.0, false),
            ("natural_gas", 56100.0, false),
            ("coal", 94600.0, false),
            ("subbituminous_coal", 96100.0, false),
            ("lignite", 101000.0, false),
            ("wood", 112000.0, true),
            ("other_biomass", 100000.0, true),
            ("biogas", 54600.0, true),
        ];
        for (id, co2, bio) in expected {
            let f = fuel(id);
            assert_eq!(f.co2_kg_per_tj, co2, "{id}");
            assert_eq!(f.biogenic, bio, "{id}");
            assert!(!f.is_carrier(), "{id}");
        }
    }

    #[test]
    fn classes() {
        use FuelClass::*;
        for (id, class) in [
            ("coal", SolidFossil),
            ("subbituminous_coal", SolidFossil),
            ("lignite", SolidFossil),
            ("natural_gas", Gaseous),
            ("lpg", Gaseous),
            ("biogas", Gaseous),
            ("gasoline", Liquid),
            ("diesel", Liquid),
            ("kerosene", Liquid),
            ("jet_kerosene", Liquid),
            ("fuel_oil", Liquid),
            ("wood", SolidBiomass),
            ("other_biomass", SolidBiomass),
            ("electricity", Carrier),
            ("heat", Carrier),
            ("hydrogen", Carrier),
        ] {
            assert_eq!(fuel(id).class, class, "{id}");
        }
    }

    #[test]
    fn biogas_is_biogenic_gaseous() {
        let b = fuel("biogas");
        assert!(b.biogenic);
        assert_eq!(b.co2_kg_per_tj, 54600.0);
        assert_eq!(b.class, FuelClass::Gaseous);
        assert_eq!(at(&b, Category::Energy), (1.0, 0.1));
        assert_eq!(at(&b, Category::Residential), (5.0, 0.1));
    }

    #[test]
    fn stationary_table() {
        use Category::*;
        // (fuel, [energy, manufacturing, commercial, residential])
        let rows = [
            (
                "natural_gas",
                [(1.0, 0.1), (1.0, 0.1), (5.0, 0.1), (5.0, 0.1)],
            ),
            ("diesel", [(3.0, 0.6), (3.0, 0.6), (10.0, 0.6), (10.0, 0.6)]),
            ("coal", [(1.0, 1.5), (10.0, 1.5), (10.0, 1.5), (300.0, 1.5)]),
            (
                "lignite",
                [(1.0, 1.5), (10.0, 1.5), (10.0, 1.5), (300.0, 1.5)],
            ),
            (
                "wood",
                [(30.0, 4.0), (30.0, 4.0), (300.0, 4.0), (300.0, 4.0)],
            ),
            (
                "other_biomass",
                [(30.0, 4.0), (30.0, 4.0), (300.0, 4.0), (300.0, 4.0)],
            ),
        ];
        for (id, vals) in rows {
            let f = fuel(id);
            for (c, v) in [Energy, Manufacturing, Commercial, Residential]
                .into_iter()
                .zip(vals)
            {
                assert_eq!(at(&f, c), v, "{id} {c}");
            }
        }
    }

    #[test]
    fn coal_residential() {
        let c = fuel("coal");
        assert_eq!(c.ch4(Category::Residential), 300.0);
        assert_eq!(c.n2o(Category::Residential), 1.5);
    }

    #[test]
    fn wood_energy() {
        assert_eq!(at(&fuel("wood"), Category::Energy), (30.0, 4.0));
    }

    #[test]
    fn road_factors() {
        use Category::Road;
        assert_eq!(at(&fuel("gasoline"), Road), (33.0, 3.2));
        assert_eq!(at(&fuel("diesel"), Road), (3.9, 3.9));
        // Fuels not listed on road use the commercial row of their class (section 11.3).
        assert_eq!(at(&fuel("lpg"), Road), (5.0, 0.1));
        assert_eq!(at(&fuel("natural_gas"), Road), (5.0, 0.1));
        assert_eq!(at(&fuel("kerosene"), Road), (10.0, 0.6));
        assert_eq!(at(&fuel("coal"), Road), (10.0, 1.5));
        assert_eq!(at(&fuel("wood"), Road), (300.0, 4.0));
    }

    #[test]
    fn offroad_factors() {
        use Category::Offroad;
        assert_eq!(at(&fuel("diesel"), Offroad), (4.15, 28.6));
        // Other fuels use the manufacturing row of their class.
        assert_eq!(at(&fuel("gasoline"), Offroad), (3.0, 0.6));
        assert_eq!(at(&fuel("natural_gas"), Offroad), (1.0, 0.1));
        assert_eq!(at(&fuel("coal"), Offroad), (10.0, 1.5));
    }

    #[test]
    fn carriers_have_no_direct_factors() {
        for id in ["electricity", "heat", "hydrogen"] {
            let f = fuel(id);
            assert!(f.is_carrier());
            assert_eq!(f.co2_kg_per_tj, 0.0);
            assert!(!f.biogenic);
            assert_eq!(f.ch4_kg_per_tj, [0.0; 6]);
            assert_eq!(f.n2o_kg_per_tj, [0.0; 6]);
        }
    }

    #[test]
    fn category_names_and_indices() {
        for (i, c) in Category::ALL.into_iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(Category::parse(c.name()), Some(c));
            assert_eq!(c.to_string(), c.name());
        }
        assert_eq!(Category::Offroad.name(), "offroad");
        assert_eq!(Category::parse("Road"), None);
        assert_eq!(Category::parse("transport"), None);
        assert!(Category::Energy < Category::Offroad);
    }

    #[test]
    fn fuel_class_names() {
        for c in [
            FuelClass::Gaseous,
            FuelClass::Liquid,
            FuelClass::SolidFossil,
            FuelClass::SolidBiomass,
            FuelClass::Carrier,
            FuelClass::Custom,
        ] {
            assert_eq!(FuelClass::parse(c.name()), Some(c));
        }
        assert_eq!(FuelClass::parse("solid"), None);
    }

    #[test]
    fn gwp_values() {
        assert_eq!((GwpSet::AR4.ch4(), GwpSet::AR4.n2o()), (25.0, 298.0));
        assert_eq!((GwpSet::AR5.ch4(), GwpSet::AR5.n2o()), (28.0, 265.0));
        assert_eq!((GwpSet::AR6.ch4(), GwpSet::AR6.n2o()), (27.9, 273.0));
        for g in GwpSet::ALL {
            assert_eq!(GwpSet::parse(g.name()), Some(g));
            assert_eq!(g.to_string(), g.name());
        }
        assert_eq!(GwpSet::parse("ar5"), None);
        assert_eq!(GwpSet::parse("SAR"), None);
    }

    #[test]
    fn waste_constants_table() {
        // (doc, dm, cf, fcf, k)
        let expected = [
            (WasteType::Food, (0.15, 0.40, 0.38, 0.0, 0.40)),
            (WasteType::Garden, (0.20, 0.40, 0.49, 0.0, 0.17)),
            (WasteType::Paper, (0.40, 0.90, 0.46, 0.01, 0.07)),
            (WasteType::Wood, (0.43, 0.85, 0.50, 0.0, 0.035)),
            (WasteType::Textiles, (0.24, 0.80, 0.50, 0.20, 0.07)),
            (WasteType::Nappies, (0.24, 0.40, 0.70, 0.10, 0.17)),
            (WasteType::Plastics, (0.0, 1.00, 0.75, 1.00, 0.0)),
            (WasteType::Inert, (0.0, 0.90, 0.03, 1.00, 0.0)),
            (WasteType::Metals, (0.0, 1.00, 0.0, 0.0, 0.0)),
            (WasteType::Glass, (0.0, 1.00, 0.0, 0.0, 0.0)),
        ];
        for (t, (doc, dm, cf, fcf, k)) in expected {
            let c = t.constants();
            assert_eq!(
                c,
                WasteConstants {
                    doc,
                    dm,
                    cf,
                    fcf,
                    k_default: k
                },
                "{t}"
            );
        }
    }

    #[test]
    fn waste_type_names_and_indices() {
        for (i, t) in WasteType::ALL.into_iter().enumerate() {
            assert_eq!(t.index(), i);
            assert_eq!(WasteType::parse(t.name()), Some(t));
        }
        assert_eq!(WasteType::parse("nappies"), Some(WasteType::Nappies));
        assert_eq!(WasteType::parse("rubber"), None);
    }

    #[test]
    fn waste_defaults_values() {
        assert_eq!(
            waste_defaults(),
            WasteDefaults {
                doc_f: 0.5,
                f: 0.5,
                oxidation: 0.0,
                recovery: 0.0,
                mcf: 1.0,
                compost_ch4_kg_per_t: 4.0,
                compost_n2o_kg_per_t: 0.24,
                ad_ch4_kg_per_t: 0.8,
                ad_n2o_kg_per_t: 0.0,
            }
        );
    }

    #[test]
    fn routes_accept_the_types_of_the_table() {
        use WasteRoute::*;
        use WasteType::*;
        for t in WasteType::ALL {
            assert!(Landfill.accepts(t) && Incineration.accepts(t), "{t}");
        }
        for t in [Paper, Plastics, Metals, Glass, Textiles] {
            assert!(Recycling.accepts(t), "{t}");
        }
        for t in [Food, Garden, Wood, Nappies, Inert] {
            assert!(!Recycling.accepts(t), "{t}");
        }
        for r in [Composting, AnaerobicDigestion] {
            assert!(r.accepts(Food) && r.accepts(Garden));
            for t in [
                Paper, Wood, Textiles, Nappies, Plastics, Inert, Metals, Glass,
            ] {
                assert!(!r.accepts(t), "{r} {t}");
            }
        }
        assert_eq!(
            WasteRoute::parse("anaerobic_digestion"),
            Some(AnaerobicDigestion)
        );
    }

    #[test]
    fn wastewater_defaults_and_pathways() {
        let w = wastewater_defaults();
        assert_eq!((w.b0_bod, w.b0_cod), (0.6, 0.25));
        assert_eq!((w.f_npr, w.f_non_con, w.f_ind_com), (0.16, 1.1, 1.25));
        assert_eq!(w.ef_effluent, 0.005);
        assert_eq!(
            (w.correction_collected, w.correction_uncollected),
            (1.25, 1.0)
        );
        assert_eq!(pathway_mcf("septic_tank"), Some(0.5));
        assert_eq!(pathway_mcf("lagoon_deep"), Some(0.8));
        assert_eq!(pathway_mcf("aerobic"), Some(0.0));
        assert_eq!(pathway_mcf("sea_river_lake"), Some(0.1));
        assert_eq!(pathway_mcf("pond"), None);
        assert_eq!(pathway_names().len(), 8);
    }

    #[test]
    fn override_partial_merge_keeps_other_values() {
        let mut t = FuelTable::builtin();
        let before = t.get("diesel").unwrap().clone();
        t.apply_override(&FuelOverride {
            id: "diesel".into(),
            co2_kg_per_tj: Some(74066.7),
            ..Default::default()
        })
        .unwrap();
        let after = t.get("diesel").unwrap();
        assert_eq!(after.co2_kg_per_tj, 74066.7);
        assert_eq!(after.biogenic, before.biogenic);
        assert_eq!(after.class, before.class);
        assert_eq!(after.ch4_kg_per_tj, before.ch4_kg_per_tj);
        assert_eq!(after.n2o_kg_per_tj, before.n2o_kg_per_tj);
        assert_eq!(t.fuels().len(), 16);
        assert_eq!(t.index_of("diesel"), Some(6));
        // Other fuels are untouched.
        assert_eq!(t.get("gasoline"), FuelTable::builtin().get("gasoline"));
    }

    #[test]
    fn override_number_sets_all_categories() {
        let mut t = FuelTable::builtin();
        t.apply_override(&FuelOverride {
            id: "natural_gas".into(),
            ch4: Some(PerCategory::All(7.0)),
            ..Default::default()
        })
        .unwrap();
        let f = t.get("natural_gas").unwrap();
        assert_eq!(f.ch4_kg_per_tj, [7.0; 6]);
        assert_eq!(f.n2o_kg_per_tj, fuel("natural_gas").n2o_kg_per_tj);
        assert_eq!(f.co2_kg_per_tj, 56100.0);
    }

    #[test]
    fn override_map_sets_named_categories_only() {
        let mut t = FuelTable::builtin();
        t.apply_override(&FuelOverride {
            id: "lpg".into(),
            ch4: Some(PerCategory::Some(vec![(Category::Road, 62.0)])),
            n2o: Some(PerCategory::Some(vec![
                (Category::Road, 0.2),
                (Category::Residential, 0.3),
            ])),
            biogenic: Some(false),
            ..Default::default()
        })
        .unwrap();
        let f = t.get("lpg").unwrap();
        assert_eq!(f.ch4_kg_per_tj, [1.0, 1.0, 5.0, 5.0, 62.0, 1.0]);
        assert_eq!(f.n2o_kg_per_tj, [0.1, 0.1, 0.1, 0.3, 0.2, 0.1]);
    }

    #[test]
    fn override_new_id_starts_from_zeros() {
        let mut t = FuelTable::builtin();
        t.apply_override(&FuelOverride {
            id: "biodiesel".into(),
            biogenic: Some(true),
            co2_kg_per_tj: Some(70800.0),
            ch4: Some(PerCategory::Some(vec![(Category::Road, 3.9)])),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(t.fuels().len(), 17);
        assert_eq!(t.index_of("biodiesel"), Some(16));
        assert_eq!(t.ids().last(), Some(&"biodiesel"));
        let f = t.get("biodiesel").unwrap();
        assert_eq!(f.class, FuelClass::Custom);
        assert!(!f.is_carrier());
        assert!(f.biogenic);
        assert_eq!(f.co2_kg_per_tj, 70800.0);
        assert_eq!(f.ch4_kg_per_tj, [0.0, 0.0, 0.0, 0.0, 3.9, 0.0]);
        assert_eq!(f.n2o_kg_per_tj, [0.0; 6]);

        // An empty override of a new id adds an all-zero fuel.
        t.apply_override(&FuelOverride {
            id: "mystery".into(),
            ..Default::default()
        })
        .unwrap();
        let m = t.get("mystery").unwrap();
        assert_eq!(m.co2_kg_per_tj, 0.0);
        assert!(!m.biogenic);
        assert_eq!(m.ch4_kg_per_tj, [0.0; 6]);

        // A second override of an added fuel merges with it.
        t.apply_override(&FuelOverride {
            id: "biodiesel".into(),
            n2o: Some(PerCategory::All(1.0)),
            ..Default::default()
        })
        .unwrap();
        let f = t.get("biodiesel").unwrap();
        assert_eq!(f.co2_kg_per_tj, 70800.0);
        assert_eq!(f.n2o_kg_per_tj, [1.0; 6]);
        assert_eq!(t.fuels().len(), 18);
    }

    #[test]
    fn overriding_a_carrier_is_an_error() {
        for id in ["electricity", "heat", "hydrogen"] {
            let mut t = FuelTable::builtin();
            let err = t
                .apply_override(&FuelOverride {
                    id: id.into(),
                    co2_kg_per_tj: Some(1.0),
                    ..Default::default()
                })
                .unwrap_err();
            assert_eq!(err, FactorError::CarrierOverride { id: id.into() });
            assert_eq!(t, FuelTable::builtin(), "table unchanged");
            let msg = err.to_string();
            assert!(msg.contains(&format!("`{id}`")), "{msg}");
            assert!(!msg.ends_with('.'), "{msg}");
        }
        let e: Box<dyn std::error::Error> =
            Box::new(FactorError::CarrierOverride { id: "heat".into() });
        assert!(e.to_string().contains("`heat`"));
    }

    #[test]
    fn builtin_is_a_fresh_copy() {
        let mut t = FuelTable::builtin();
        t.apply_override(&FuelOverride {
            id: "coal".into(),
            co2_kg_per_tj: Some(1.0),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            FuelTable::builtin().get("coal").unwrap().co2_kg_per_tj,
            94600.0
        );
    }
}
