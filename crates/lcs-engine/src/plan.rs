//! Plan types: what compilation produces and evaluation reads.
//!
//! A [`Compiled`] scenario is an arena of *slots* (one row of `n_years` values per series,
//! `slot * n_years + year`, in base units), an ordered list of [`Step`]s (expressions,
//! products, copies, sampled parameters and measures, in the order of MODEL.md §9), and one
//! plan per equation family: [`LeafPlan`] and [`Combo`] for demand (§4), [`GridPlan`] and
//! the local units for electricity (§5), [`WastePlan`] for waste (§7), [`SourcePlan`] for
//! other sources (§8). No names, units or allocation remain on the evaluation path; names
//! live in [`Labels`] and `slot_names` for results and error messages only.

use crate::results::RowSpec;
use lcs_units::Program;

/// How a series measure changes its slot (MODEL.md §9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SeriesLever {
    /// `p * (1 + by * r)`.
    Scale,
    /// `p + r * (value - p)`.
    Set,
    /// `p + r * amount`.
    Add,
}

/// What must hold for a slot after a step wrote it (MODEL.md §9, §11.7; docs/ARCHITECTURE.md
/// "Where MODEL.md is silent"). Every bound also requires finite values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bound {
    /// Any finite value (drivers, source factors, grid factors of a CO2e sink).
    Free,
    /// ≥ 0 (activities, intensities, capacities, generation, waste generation).
    NonNegative,
    /// In [0, 1] (shares, recovery, capacity factors).
    Fraction,
    /// In [0, 1) (losses).
    Losses,
}

/// One step of an evaluation.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// `slot = program(year)` for every year (a driver or a series given as `expr`).
    Expr {
        slot: usize,
        program: Program,
        bound: Bound,
    },
    /// `slot = a * b` for every year (driver × per, parent activity × share).
    Mul {
        slot: usize,
        a: usize,
        b: usize,
        bound: Bound,
    },
    /// `slot = src` for every year (an activity that is a driver, a series or the parent's).
    Copy {
        slot: usize,
        src: usize,
        bound: Bound,
    },
    /// A sampled uncertain parameter: multiply the slots by `params[index]`, set them to it,
    /// or scale their change after the base year by it (docs/UNCERTAINTY.md).
    Param {
        index: usize,
        slots: Vec<usize>,
        mode: ParamMode,
        bound: Bound,
    },
    /// A `scale`, `set` or `add` measure on series slots.
    Series {
        op: usize,
        lever: SeriesLever,
        slots: Vec<usize>,
        param: usize,
        bound: Bound,
        /// Sibling share slots whose sum must stay 1 if it was 1 (children shares).
        group: Vec<usize>,
    },
    /// `shift` on a share map whose items are `items` (slots); `from` and `to` index `items`.
    Shift {
        op: usize,
        items: Vec<usize>,
        from: Vec<usize>,
        to: Vec<usize>,
        amount: f64,
    },
    /// `set` on a share map; `value` has one entry per item.
    SetMap {
        op: usize,
        items: Vec<usize>,
        value: Vec<f64>,
        /// Children shares need not sum to 1 (MODEL.md §11.6): only a sum that was 1 must
        /// stay 1.
        children: bool,
    },
    /// A `generation` measure: adds `gj(y) * r(y)` to the generation slot (`gj` already
    /// holds the degradation).
    Generation { op: usize, slot: usize, gj: usize },
    /// A `divert` measure: with mixed routes one map (`composition` `None`), where per year
    /// `m = min(mass(y) * r(y) / W(y), Σ_from s)` share points move from `from` to `to`; with
    /// composition-aware routes one map per type the diversion may take, each moving the
    /// same fraction of its `from` routes. `index` numbers the diversions of the scenario
    /// (for [`crate::diversions`]).
    Divert {
        op: usize,
        index: usize,
        generation: usize,
        mass: usize,
        maps: Vec<DivertMap>,
        from: Vec<usize>,
        to: usize,
    },
    /// Checks a slot that another step computed and that this use needs within `bound`
    /// (a driver read directly as a node's activity must be ≥ 0); `what` names the use.
    Check {
        slot: usize,
        bound: Bound,
        what: String,
    },
}

impl Step {
    /// The slots this step writes.
    pub(crate) fn written(&self) -> Vec<usize> {
        match self {
            Step::Expr { slot, .. }
            | Step::Mul { slot, .. }
            | Step::Copy { slot, .. }
            | Step::Generation { slot, .. } => vec![*slot],
            Step::Divert { maps, .. } => maps.iter().flat_map(|m| m.items.clone()).collect(),
            Step::Param { slots, .. } | Step::Series { slots, .. } => slots.clone(),
            Step::Shift { items, .. } | Step::SetMap { items, .. } => items.clone(),
            Step::Check { .. } => Vec::new(),
        }
    }

    /// The slots whose values this step can change: [`Step::written`] but for a `shift` or
    /// a `divert`, which change only their `from` and `to` items (`lcs_levers::shift_rows`
    /// writes no other row), so the other items of the map keep their base values.
    pub(crate) fn modified(&self) -> Vec<usize> {
        match self {
            Step::Shift {
                items, from, to, ..
            } => from.iter().chain(to).map(|&i| items[i]).collect(),
            Step::Divert { maps, from, to, .. } => maps
                .iter()
                .flat_map(|m| from.iter().chain(std::iter::once(to)).map(|&i| m.items[i]))
                .collect(),
            _ => self.written(),
        }
    }

    /// The number of share-map items this step holds in per-year scratch space.
    pub(crate) fn map_items(&self) -> usize {
        match self {
            Step::Shift { items, .. } | Step::SetMap { items, .. } => items.len(),
            _ => 0,
        }
    }

    /// A short name of the step's kind, for [`Compiled::describe`].
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Step::Expr { .. } => "expr",
            Step::Mul { .. } => "mul",
            Step::Copy { .. } => "copy",
            Step::Param { .. } => "param",
            Step::Series { .. } => "series measure",
            Step::Shift { .. } => "shift",
            Step::SetMap { .. } => "set map",
            Step::Generation { .. } => "generation",
            Step::Divert { .. } => "divert",
            Step::Check { .. } => "check",
        }
    }
}

/// How a sampled value acts on its series (`lcs_model::UncertainMode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamMode {
    /// `p'(y) = v * p(y)`.
    Multiplier,
    /// `p'(y) = v`.
    Absolute,
    /// `p'(y) = p(y0) * (p(y) / p(y0))^v`: the base year kept, the growth scaled.
    Trend,
}

/// One route map a `divert` acts on: the route slots, and for a waste type its
/// composition slot.
#[derive(Clone, Debug)]
pub(crate) struct DivertMap {
    pub items: Vec<usize>,
    pub composition: Option<usize>,
}

/// A measure as compiled: which action it belongs to and its ramp weights `r(y)`.
#[derive(Clone, Debug)]
pub(crate) struct OpInfo {
    pub action: usize,
    pub measure: usize,
    pub weights: Vec<f64>,
    /// The schedule as written and the adjustment in force (`crate::adjust`):
    /// `weights = adjusted_weights(schedule, adjust)`.
    pub schedule: lcs_levers::Schedule,
    pub adjust: crate::adjust::MeasureAdjust,
}

/// A leaf of the demand tree with its slots and per-fuel entries.
#[derive(Clone, Debug)]
pub(crate) struct LeafPlan {
    /// The node's index in the model (read by `breakdown`).
    pub node: usize,
    pub activity: usize,
    pub intensity: usize,
    /// One entry per fuel the leaf can use: (run fuel index, fuel share slot, combo).
    pub fuels: Vec<(usize, usize, usize)>,
    /// Position of the leaf's first entry among all leaves' entries (leaf order), for the
    /// per-entry final energy that `save` and `switch` change.
    pub first_entry: usize,
}

/// What an energy measure does (docs/EXTENSIONS.md, `save`, `switch` and `use`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum EnergyLever {
    /// Removes the energy.
    Save,
    /// Replaces each GJ removed by `ratio` GJ of another fuel on the same leaf.
    Switch { ratio: f64 },
    /// Adds the energy (`use`, the counterpart of `save`).
    Use,
}

/// A `save`, `switch` or `use` measure on the final energy of the leaves below a node.
#[derive(Clone, Debug)]
pub(crate) struct EnergyOp {
    pub op: usize,
    pub lever: EnergyLever,
    /// Energy per year at full effect (slot, GJ).
    pub amount: usize,
    /// The fuel given up (id, for messages).
    pub fuel: String,
    /// On each leaf below the node that can use the fuel: (entry of the fuel given up,
    /// entry of the fuel taken up by a switch).
    pub entries: Vec<(usize, Option<usize>)>,
}

/// Final energy with the same sector, fuel and factors (leaves of one sector and category
/// burning one fuel): the demand loop adds into one row per combo, and emissions are
/// computed once per combo.
#[derive(Clone, Debug)]
pub(crate) struct Combo {
    /// Top-level node position.
    pub top: usize,
    /// Run fuel index.
    pub fuel: usize,
    /// t per GJ: fossil CO2, biogenic CO2, CH4, N2O.
    pub factors: [f64; 4],
    /// t CO2e per GJ (fossil CO2 + GWP-weighted CH4 and N2O).
    pub co2e: f64,
    /// Electricity: no direct emissions; allocated grid emissions instead.
    pub is_elec: bool,
}

/// Gas rows of a factor (MODEL.md §6, §11.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gas {
    /// Fossil CO2.
    Co2,
    /// Methane.
    Ch4,
    /// Nitrous oxide.
    N2o,
    /// A value already in CO2e: counts in the total and the sector rows only.
    Co2e,
}

impl Gas {
    /// The weight of one t of the gas in t CO2e with the model's `gwp = (GWP_CH4, GWP_N2O)`
    /// (MODEL.md §6): 1 for CO2 and for a value already in CO2e.
    #[inline(always)]
    pub(crate) fn gwp(self, gwp: (f64, f64)) -> f64 {
        match self {
            Gas::Co2 | Gas::Co2e => 1.0,
            Gas::Ch4 => gwp.0,
            Gas::N2o => gwp.1,
        }
    }

    /// The gas's name in equations (`CO2`, `CH4`, `N2O`, `CO2e`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Gas::Co2 => "CO2",
            Gas::Ch4 => "CH4",
            Gas::N2o => "N2O",
            Gas::Co2e => "CO2e",
        }
    }
}

/// Grid emissions as compiled (MODEL.md §5).
#[derive(Clone, Debug)]
pub(crate) enum GridPlan {
    /// A factor slot in t of the gas per GJ of grid supply.
    Factor { slot: usize, gas: Gas },
    /// Plants of a mix.
    Mix(Vec<PlantPlan>),
    /// No grid.
    None,
}

/// One plant of a `mix`.
#[derive(Clone, Debug)]
pub(crate) struct PlantPlan {
    /// Share of grid supply (slot).
    pub share: usize,
    /// GJ of fuel per GJ of electricity (`1 / efficiency`; 0 for a plant without fuel).
    pub fuel_per_gj: f64,
    /// t per GJ of fuel: fossil CO2, biogenic CO2, CH4, N2O (category `energy`).
    pub factors: [f64; 4],
}

/// A local generating unit (MODEL.md §5): its annual generation is `a(y) * b(y)` GJ, with
/// (capacity, capacity factor) or (generation, the constant 1).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LocalPlan {
    pub a: usize,
    pub b: usize,
}

/// The electricity section as compiled.
#[derive(Clone, Debug)]
pub(crate) struct ElectricityPlan {
    /// Losses slot (a zero slot when the model has no electricity section).
    pub losses: usize,
    pub grid: GridPlan,
    pub local: Vec<LocalPlan>,
    /// Slot that `generation` measures add to (GJ per year).
    pub extra_generation: usize,
    /// Run fuel index of electricity, if some leaf can use it.
    pub fuel: Option<usize>,
    /// Whether the model has an `electricity:` section.
    pub section: bool,
}

/// The waste section as compiled (MODEL.md §7 and the composition-aware extension).
#[derive(Clone, Debug)]
pub(crate) struct WastePlan {
    pub generation: usize,
    /// Composition slots, one per waste type (an empty slot where absent).
    pub composition: [usize; crate::waste::N_WASTE_TYPES],
    /// Route share slots, `routes[type][route]` (routes in the order of `lcs_model::ROUTES`).
    /// With mixed routes every type holds the same slots (the shares of all waste).
    pub routes: [[usize; crate::waste::N_ROUTES]; crate::waste::N_WASTE_TYPES],
    /// Whether the routes are given per waste type.
    pub by_type: bool,
    /// Which types each route accepts, `[route][type]`.
    pub accepts: lcs_model::Accepts,
    pub recovery: usize,
    pub incineration_electricity: usize,
    /// Share of the incineration fossil CO2 captured (slot).
    pub incineration_capture: usize,
    /// Net biogas electricity per tonne digested (slot, GJ per t).
    pub ad_electricity: usize,
    /// First-order decay constants of the landfill.
    pub fod: crate::waste::FodConstants,
    /// Fossil carbon per tonne of each waste type (t C per t).
    pub fossil_c: [f64; crate::waste::N_WASTE_TYPES],
    pub history: Option<(i32, f64)>,
    /// Composting and anaerobic digestion CH4 and N2O, t per t of wet waste.
    pub compost_ch4: f64,
    pub compost_n2o: f64,
    pub ad_ch4: f64,
    pub ad_n2o: f64,
    /// Whether anaerobic digestion appears (a share, its settings, or a measure to it): its
    /// rows are written then.
    pub uses_ad: bool,
}

/// The pathways of one wastewater stream as compiled.
#[derive(Clone, Debug)]
pub(crate) struct StreamPlan {
    /// (share slot, MCF) per pathway.
    pub pathways: Vec<(usize, f64)>,
    /// t CH4 per t of BOD or COD.
    pub b0: f64,
    pub sludge: usize,
    pub recovery: usize,
}

/// Domestic wastewater as compiled.
#[derive(Clone, Debug)]
pub(crate) struct DomesticPlan {
    /// Population served (slot, persons).
    pub population: usize,
    /// BOD per person per year (slot, t per person).
    pub bod: usize,
    pub correction: f64,
    pub stream: StreamPlan,
    /// (protein slot, F_NPR × F_NON-CON × F_IND-COM, EF effluent, sludge nitrogen slot).
    pub nitrogen: Option<(usize, f64, f64, usize)>,
}

/// One industry's wastewater as compiled.
#[derive(Clone, Debug)]
pub(crate) struct IndustryPlan {
    /// Production (slot).
    pub production: usize,
    /// Wastewater per unit of production and COD per unit of wastewater (slots).
    pub wastewater: usize,
    pub cod: usize,
    pub stream: StreamPlan,
}

/// The wastewater section as compiled.
#[derive(Clone, Debug, Default)]
pub(crate) struct WastewaterPlan {
    pub domestic: Option<DomesticPlan>,
    pub industrial: Vec<IndustryPlan>,
}

/// A source as compiled (MODEL.md §8).
#[derive(Clone, Debug)]
pub(crate) struct SourcePlan {
    pub activity: usize,
    /// Position of the source's sector among the source sectors.
    pub sector: usize,
    /// (gas, factor slot in t per unit of activity).
    pub factors: Vec<(Gas, usize)>,
}

/// A compiled scenario: everything an evaluation needs, as flat arrays.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub(crate) n_years: usize,
    pub(crate) base_year: i32,
    pub(crate) n_actions: usize,
    pub(crate) arena: Vec<f64>,
    /// What each slot holds (`drivers.households`, `demand.transport/car.intensity`, …), for
    /// error messages.
    pub(crate) slot_names: Vec<String>,
    /// Where each slot's series is defined, when it comes from a file.
    pub(crate) slot_spans: Vec<Option<lcs_model::Span>>,
    /// The model series behind each slot that holds one (its dimension, unit as written,
    /// expression and data-file provenance), for `explain`; drivers are read from the model.
    pub(crate) slot_series: Vec<Option<SlotSeries>>,
    pub(crate) steps: Vec<Step>,
    /// The constant steps that `fold` ran into the base arena and dropped from `steps`, in
    /// their original order: never run, kept so that `explain` and `inputs` can show how a
    /// folded slot is computed.
    pub(crate) folded: Vec<Step>,
    pub(crate) ops: Vec<OpInfo>,
    pub(crate) leaves: Vec<LeafPlan>,
    pub(crate) combos: Vec<Combo>,
    /// Per combo, its (leaf, fuel share slot) entries in leaf order, without the entries
    /// whose final energy is 0 in every evaluation (set by `fold`).
    pub(crate) combo_entries: Vec<Vec<(usize, usize)>>,
    /// The rows of `Outputs::fe_top_fuel_gj` (`top * n_fuels + fuel`) that some combo adds to.
    pub(crate) top_fuel_rows: Vec<usize>,
    /// Number of (leaf, fuel) entries over all leaves.
    pub(crate) n_entries: usize,
    /// `save` and `switch` measures, in application order.
    pub(crate) energy_ops: Vec<EnergyOp>,
    /// Number of `divert` measures (numbered by `Step::Divert::index`).
    pub(crate) n_diversions: usize,
    pub(crate) electricity: ElectricityPlan,
    pub(crate) waste: Option<WastePlan>,
    pub(crate) wastewater: Option<WastewaterPlan>,
    pub(crate) sources: Vec<SourcePlan>,
    /// Refrigerant banks, land classes, power stations in the region, market instruments.
    pub(crate) inventory: crate::inventory::InventoryPlan,
    pub(crate) gwp_ch4: f64,
    pub(crate) gwp_n2o: f64,
    /// Names for output rows.
    pub(crate) labels: Labels,
    /// Driver slots in model order.
    pub(crate) driver_slots: Vec<usize>,
    /// Slots of share-defined nodes, in the order of `labels.share_paths`.
    pub(crate) share_slots: Vec<usize>,
    /// The output rows, fixed at compile time.
    pub(crate) row_specs: Vec<RowSpec>,
    /// Arena ranges (start, end) that steps write: only these are reset from the base
    /// arena before an evaluation (the rest is never written).
    pub(crate) dirty: Vec<(usize, usize)>,
    /// The most share-map items any step holds in per-year scratch (sizes the workspace).
    pub(crate) max_map_items: usize,
    /// Activity slot of every demand node, in model order (read by `breakdown`).
    pub(crate) node_activity: Vec<usize>,
}

/// What `explain` shows of the model series behind a slot.
#[derive(Clone, Debug)]
pub(crate) struct SlotSeries {
    /// Dimension of the values (base units).
    pub dim: lcs_units::Dimension,
    /// The expression, for a series given as `expr`.
    pub expr: Option<lcs_units::Expr>,
    /// The data-file rows, for a series read with `from:`.
    pub provenance: Option<Box<lcs_model::Provenance>>,
}

impl SlotSeries {
    pub(crate) fn of(s: &lcs_model::Series) -> Self {
        SlotSeries {
            dim: s.dim.clone(),
            expr: match &s.def {
                lcs_model::SeriesDef::Expr(e) => Some(e.clone()),
                lcs_model::SeriesDef::Values(_) => None,
            },
            provenance: s.provenance.clone(),
        }
    }
}

/// Names used when writing results.
#[derive(Clone, Debug, Default)]
pub(crate) struct Labels {
    pub scenario: String,
    pub region: String,
    pub tops: Vec<String>,
    pub source_sectors: Vec<String>,
    /// Whether the sector view has a `Waste` row (solid waste or wastewater).
    pub has_waste: bool,
    /// Industries of the wastewater section, in order.
    pub industries: Vec<String>,
    /// Run fuels, by id (every fuel that appears in some leaf's map or that a measure
    /// brings in), alphabetically.
    pub fuels: Vec<String>,
    pub share_paths: Vec<String>,
    /// (name, declared unit, factor of the declared unit to base).
    pub drivers: Vec<(String, String, f64)>,
    /// (driver index, name, declared unit, factor to base).
    pub intensity_drivers: Vec<(usize, String, String, f64)>,
    pub action_ids: Vec<String>,
    pub parameter_ids: Vec<String>,
    /// (action id, measure id) of every measure, in application order.
    pub measure_ids: Vec<(String, String)>,
}

/// A problem found while compiling a checked scenario.
///
/// `lcs-model` checks every rule of the language, so most variants mean an internal
/// inconsistency (a checked scenario that breaks an invariant the checker guarantees);
/// [`CompileError::NonFinite`] is an input problem (a base value too large to represent).
#[derive(Clone, Debug, PartialEq)]
pub enum CompileError {
    /// A base value is infinite or not a number (an overflow of a growth series, a huge
    /// value times its unit).
    NonFinite {
        /// What holds the value, e.g. `drivers.population`.
        series: String,
        /// The year.
        year: i32,
        /// The value.
        value: f64,
    },
    /// A leaf has no intensity (checked by `lcs-model`).
    LeafWithoutIntensity {
        /// The leaf's path.
        leaf: String,
    },
    /// An uncertain parameter does not target a series (checked by `lcs-model`).
    ParameterNotASeries {
        /// The parameter id.
        parameter: String,
    },
    /// A measure's lever, target or items do not fit together (checked by `lcs-model`).
    Measure {
        /// Action id.
        action: String,
        /// Measure id.
        measure: String,
        /// What does not fit.
        problem: &'static str,
    },
    /// A name or index the checked model should have resolved is missing.
    Unresolved {
        /// What was looked up.
        what: String,
    },
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::NonFinite {
                series,
                year,
                value,
            } => write!(
                f,
                "`{series}` is not a finite number in {year} ({value}): a value or a growth too large"
            ),
            CompileError::LeafWithoutIntensity { leaf } => {
                write!(f, "leaf `{leaf}` has no intensity")
            }
            CompileError::ParameterNotASeries { parameter } => {
                write!(f, "uncertain parameter `{parameter}` does not target a series")
            }
            CompileError::Measure {
                action,
                measure,
                problem,
            } => write!(f, "measure `{measure}` of action `{action}`: {problem}"),
            CompileError::Unresolved { what } => write!(f, "unresolved {what}"),
        }
    }
}

impl std::error::Error for CompileError {}
