//! Evaluation: one run of a compiled scenario for a set of actions (MODEL.md §4–§10).
//!
//! [`evaluate`] is a pure function of the compiled arrays and an action mask: it resets the
//! slots that steps write, runs the steps (`measures::run_steps`: expressions, sampled
//! parameters and measures, in the order of §9), then the sections in data-flow order:
//! waste (§7, `waste_section`; its incineration electricity feeds local generation), demand
//! (§4, `demand`: final energy and direct emissions), electricity (§5, `electricity`:
//! busbar, local, grid, grid emissions, allocation to demand), sources (§8, `sources`); the
//! total is the sum of the sector view (§10). Every output must be finite, else the run
//! fails naming the row and the year.
//!
//! Loops run series by series over the years (the arena is slot-major, so each inner loop
//! reads contiguous memory); only the first-order decay and the electricity balance run year
//! by year. Units: GJ, t and MWh inside; the result writer turns them into TJ, kt and MWh.

use crate::plan::Compiled;
use ndarray::Array2;

/// Per-run scratch space, reused across evaluations (no allocation once warm).
#[derive(Clone, Debug)]
pub struct Workspace {
    pub(crate) arena: Vec<f64>,
    pub(crate) stack: Vec<f64>,
    /// Per-year scratch for share maps (`shift`, `set`): sized from the compiled steps.
    pub(crate) scratch: Vec<f64>,
    /// Final energy of each combo (sector, fuel, factors), GJ, `combo * n_years + year`.
    pub(crate) combo_gj: Vec<f64>,
    /// Per-year scratch: activity × intensity of one leaf.
    pub(crate) ai: Vec<f64>,
    /// Activity × intensity of every leaf, `leaf * n_years + year`.
    pub(crate) leaf_ai: Vec<f64>,
    /// Per-year: electricity demand, waste-to-energy and biogas electricity (GJ).
    pub(crate) demand_gj: Vec<f64>,
    pub(crate) wte_gj: Vec<f64>,
    pub(crate) biogas_gj: Vec<f64>,
    /// Per-year scratch: a share group's sum before a measure.
    pub(crate) group_before: Vec<f64>,
    /// Per-year scratch: a copy of one row (products), a row of terms (inventory sources).
    pub(crate) row_tmp: Vec<f64>,
    /// Per-year scratch of the electricity balance: busbar supply, then the five rows of
    /// grid emissions by gas (6 rows).
    pub(crate) elec_tmp: Vec<f64>,
    /// Per-year scratch for `shift`: Σ_from, Σ_to and the share points moved (3 rows).
    pub(crate) shift_sums: Vec<f64>,
    /// Per-year scratch: share points (or the fraction) a `divert` asks for, and those of
    /// one route map.
    pub(crate) asked: Vec<f64>,
    pub(crate) asked_map: Vec<f64>,
    /// Per `divert` map, the row of `Σ_from r(j,k,y)` (the most maps of any `divert` × years).
    pub(crate) from_sums: Vec<f64>,
    /// Per `divert` measure, two rows of t per year: mass asked (`mass * r`), mass diverted.
    pub(crate) diversions: Vec<f64>,
    /// Final energy per (leaf, fuel) entry, GJ (only when the scenario has `save` or
    /// `switch` measures).
    pub(crate) entry_gj: Vec<f64>,
    /// The landfill's state after its history, kept between evaluations.
    pub(crate) landfill_history: crate::waste_section::HistoryCache,
    /// Composition-aware waste: the mass of each type generated, landfilled and incinerated.
    pub(crate) waste_types: crate::waste_section::TypeRows,
    /// The results of the last evaluation.
    pub out: Outputs,
}

/// Rows of [`Outputs::waste_detail`].
pub mod waste_row {
    /// Landfilled, t.
    pub const LANDFILL: usize = 0;
    /// Recycled, t.
    pub const RECYCLING: usize = 1;
    /// Composted, t.
    pub const COMPOSTING: usize = 2;
    /// Incinerated, t.
    pub const INCINERATION: usize = 3;
    /// Landfill CH4 emitted, t.
    pub const LANDFILL_CH4: usize = 4;
    /// Composting CH4, t.
    pub const COMPOSTING_CH4: usize = 5;
    /// Composting N2O, t.
    pub const COMPOSTING_N2O: usize = 6;
    /// Incineration fossil CO2, t.
    pub const INCINERATION_CO2: usize = 7;
    /// Digested (anaerobic digestion), t.
    pub const ANAEROBIC_DIGESTION: usize = 8;
    /// Anaerobic digestion CH4 (leakage), t.
    pub const AD_CH4: usize = 9;
    /// Anaerobic digestion N2O, t.
    pub const AD_N2O: usize = 10;
    /// Wastewater CH4, domestic and industrial, t.
    pub const WASTEWATER_CH4: usize = 11;
    /// Wastewater N2O (domestic effluent), t.
    pub const WASTEWATER_N2O: usize = 12;
    /// Number of rows.
    pub const N: usize = 13;
}

/// Rows of [`Outputs::wastewater_t`]: three for domestic wastewater, then two per industry
/// (`industry(i)`).
pub mod wastewater_row {
    /// Domestic organics, t BOD.
    pub const DOMESTIC_ORGANICS: usize = 0;
    /// Domestic CH4, t.
    pub const DOMESTIC_CH4: usize = 1;
    /// Domestic effluent N2O, t.
    pub const DOMESTIC_N2O: usize = 2;
    /// The first row of industry `i`: its organics, t COD; the next is its CH4, t.
    pub const fn industry(i: usize) -> usize {
        3 + 2 * i
    }
}

/// Rows of [`Outputs::elec_mwh`].
pub mod elec_row {
    /// Demand at the point of use.
    pub const DEMAND: usize = 0;
    /// Local generation (units, waste to energy, `generation` measures).
    pub const LOCAL: usize = 1;
    /// Grid supply.
    pub const GRID: usize = 2;
    /// Surplus local generation (no credit).
    pub const EXPORT: usize = 3;
    /// T&D losses (busbar supply − demand).
    pub const LOSSES: usize = 4;
    /// Waste-to-energy part of local generation.
    pub const WASTE_TO_ENERGY: usize = 5;
    /// Biogas (anaerobic digestion) part of local generation.
    pub const BIOGAS: usize = 6;
    /// Grid emissions due to T&D losses, t CO2e: `EE * (B - D) / B` (memo).
    pub const LOSS_EMISSIONS: usize = 7;
    /// Number of rows.
    pub const N: usize = 8;
}

/// The results of one evaluation, one column per model year.
#[derive(Clone, Debug)]
pub struct Outputs {
    /// Total emissions, t CO2e per year.
    pub co2e_t: Vec<f64>,
    /// Gas totals, t per year: fossil CO2, CH4, N2O, biogenic CO2 (memo).
    pub gas_t: Array2<f64>,
    /// Sector view, t CO2e per year: top-level demand nodes, then `Waste` (if any), then
    /// source sectors.
    pub sector_t: Array2<f64>,
    /// The inventory extensions: F-gases, land classes, power stations in the region
    /// (memo), market-based electricity.
    pub inventory: crate::inventory::InventoryOutputs,
    /// Final energy by run fuel, GJ per year.
    pub fe_fuel_gj: Array2<f64>,
    /// Final energy by top-level node, GJ per year.
    pub fe_top_gj: Array2<f64>,
    /// Final energy by top-level node and run fuel (`top * n_fuels + fuel`), GJ per year.
    pub fe_top_fuel_gj: Array2<f64>,
    /// Electricity balance, MWh per year (rows: [`elec_row`]).
    pub elec_mwh: Array2<f64>,
    /// Grid emissions, t CO2e per year (memo: already allocated to the demand sectors).
    pub grid_co2e_t: Vec<f64>,
    /// Waste generated, t per year.
    pub waste_t: Vec<f64>,
    /// Waste routes and emissions, t per year (rows: [`waste_row`]).
    pub waste_detail: Array2<f64>,
    /// Wastewater organics and emissions, t per year (rows: [`wastewater_row`]).
    pub wastewater_t: Array2<f64>,
    /// Direct emissions of each top-level demand node, t CO2e per year (the part of its
    /// sector row burnt in the region).
    pub direct_t: Array2<f64>,
    /// Grid emissions allocated to each top-level demand node, t CO2e per year.
    pub electricity_t: Array2<f64>,
}

/// What a run error comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A measure: action index in the scenario, measure index in the action.
    Measure {
        /// Action index.
        action: usize,
        /// Measure index within the action.
        measure: usize,
    },
    /// A sampled uncertain parameter (index into the scenario's `uncertainty`).
    Parameter {
        /// Parameter index.
        index: usize,
    },
    /// A series computed during the run from others (a driver's expression, an activity
    /// from driver × per, a node's activity read from a driver).
    Series {
        /// What the series is, as a parameter path (`drivers.households`,
        /// `demand.transport.activity`).
        name: String,
        /// Where its definition is, when it comes from a file.
        span: Option<lcs_model::Span>,
    },
    /// An output row.
    Row {
        /// The row's variable (`Emissions|CO2e|industry`).
        variable: String,
    },
}

/// What went wrong in a run (MODEL.md §9 rules, and finite results).
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A value that must be ≥ 0 is negative.
    Negative {
        /// The value.
        value: f64,
    },
    /// A share is negative.
    ShareNegative {
        /// The value.
        value: f64,
    },
    /// A share exceeds 1.
    ShareAboveOne {
        /// The value.
        value: f64,
    },
    /// Losses left [0, 1).
    LossesOutside {
        /// The value.
        value: f64,
    },
    /// A node's children's shares stopped summing to 1.
    ChildrenSum {
        /// Their sum after the measure.
        sum: f64,
    },
    /// A share map stopped summing to 1.
    MapSum {
        /// Its sum after the measure.
        sum: f64,
    },
    /// A value is infinite or not a number (a division by zero, an overflow).
    NonFinite {
        /// The value.
        value: f64,
    },
    /// A land class converts (net of restoration) more land than it holds (docs/EXTENSIONS.md,
    /// "Land-use change").
    LandExhausted {
        /// The area the conversions would leave, ha (negative).
        area_ha: f64,
    },
    /// A `save` or `switch` asks for more final energy of a fuel than the leaves below its
    /// node use in the year.
    EnergyShortfall {
        /// The fuel id.
        fuel: String,
        /// Energy asked (`amount * r`), GJ.
        asked_gj: f64,
        /// Energy of the fuel on the leaves below, GJ.
        available_gj: f64,
    },
    /// A `use` adds final energy of a fuel that no leaf below its node uses in the year, so
    /// there is nothing to spread the addition over.
    NothingToSpread {
        /// The fuel id.
        fuel: String,
        /// Energy added (`amount * r`), GJ.
        added_gj: f64,
    },
}

/// A value for messages: six decimals at most, without float noise.
pub(crate) fn short(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let t = format!("{v:.6}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" || t.is_empty() {
        format!("{v:e}")
    } else {
        t.to_string()
    }
}

impl Problem {
    /// The problem as the state of a value: "is negative (-3)", "is not finite (inf)".
    pub fn state(&self) -> String {
        match self {
            Problem::Negative { value } => format!("is negative ({})", short(*value)),
            Problem::ShareNegative { value } => format!("is a negative share ({})", short(*value)),
            Problem::ShareAboveOne { value } => format!("is a share above 1 ({})", short(*value)),
            Problem::LossesOutside { value } => {
                format!("is outside [0, 1) ({})", short(*value))
            }
            Problem::ChildrenSum { sum } => {
                format!(
                    "has children's shares summing to {} instead of 1",
                    short(*sum)
                )
            }
            Problem::MapSum { sum } => {
                format!("has shares summing to {} instead of 1", short(*sum))
            }
            Problem::NonFinite { value } => format!("is not finite ({value})"),
            Problem::EnergyShortfall { .. } | Problem::NothingToSpread { .. } => self.to_string(),
            Problem::LandExhausted { area_ha } => format!(
                "converts more land than the class holds (it would leave {} ha)",
                short(*area_ha)
            ),
        }
    }
}

impl std::fmt::Display for Problem {
    /// The problem as what a measure did: "makes a share negative (-0.05)".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Negative { value } => write!(f, "makes a value negative ({})", short(*value)),
            Problem::ShareNegative { value } => {
                write!(f, "makes a share negative ({})", short(*value))
            }
            Problem::ShareAboveOne { value } => {
                write!(f, "makes a share exceed 1 ({})", short(*value))
            }
            Problem::LossesOutside { value } => {
                write!(f, "makes losses leave [0, 1) ({})", short(*value))
            }
            Problem::ChildrenSum { sum } => write!(
                f,
                "makes the children's shares sum to {} instead of 1",
                short(*sum)
            ),
            Problem::MapSum { sum } => {
                write!(f, "makes the shares sum to {} instead of 1", short(*sum))
            }
            Problem::NonFinite { value } => {
                write!(f, "makes a value that is not finite ({value})")
            }
            Problem::LandExhausted { area_ha } => write!(
                f,
                "converts more land than the class holds (it would leave {} ha)",
                short(*area_ha)
            ),
            Problem::EnergyShortfall {
                fuel,
                asked_gj,
                available_gj,
            } => write!(
                f,
                "asks for {} TJ of `{fuel}` but the leaves below use only {} TJ",
                short(asked_gj * 1e-3),
                short(available_gj * 1e-3)
            ),
            Problem::NothingToSpread { fuel, added_gj } => write!(
                f,
                "adds {} TJ of `{fuel}` but no leaf below uses it",
                short(added_gj * 1e-3)
            ),
        }
    }
}

/// A run that broke a rule of MODEL.md §9 or gave a value that is not finite, in some year.
#[derive(Clone, Debug, PartialEq)]
pub struct RunError {
    /// What caused it.
    pub cause: Cause,
    /// The year.
    pub year: i32,
    /// What went wrong.
    pub problem: Problem,
}

impl std::fmt::Display for RunError {
    /// A sentence without the scenario's names (the binary adds them and a location).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cause {
            Cause::Measure { action, measure } => write!(
                f,
                "measure #{measure} of action #{action} {} in {}",
                self.problem, self.year
            ),
            Cause::Parameter { index } => write!(
                f,
                "uncertain parameter #{index}: sample {} in {}",
                self.problem, self.year
            ),
            Cause::Series { name, .. } => {
                write!(f, "`{name}` {} in {}", self.problem.state(), self.year)
            }
            Cause::Row { variable } => {
                write!(
                    f,
                    "row `{variable}` {} in {}",
                    self.problem.state(),
                    self.year
                )
            }
        }
    }
}

impl std::error::Error for RunError {}

impl Workspace {
    /// A workspace sized for a compiled scenario.
    pub fn new(c: &Compiled) -> Self {
        let n = c.n_years;
        let n_tops = c.labels.tops.len();
        let n_fuels = c.labels.fuels.len();
        let n_sectors = n_tops + usize::from(c.labels.has_waste) + c.labels.source_sectors.len();
        let n_ww = c
            .wastewater
            .as_ref()
            .map_or(0, |w| wastewater_row::industry(w.industrial.len()));
        Workspace {
            arena: c.arena.clone(),
            stack: Vec::with_capacity(32),
            scratch: vec![0.0; c.max_map_items],
            combo_gj: vec![0.0; c.combos.len() * n],
            ai: vec![0.0; n],
            leaf_ai: vec![0.0; c.leaves.len() * n],
            demand_gj: vec![0.0; n],
            wte_gj: vec![0.0; n],
            biogas_gj: vec![0.0; n],
            group_before: vec![0.0; n],
            row_tmp: vec![0.0; n],
            elec_tmp: vec![0.0; 6 * n],
            shift_sums: vec![0.0; 3 * n],
            asked: vec![0.0; n],
            asked_map: vec![0.0; n],
            from_sums: vec![
                0.0;
                n * c
                    .steps
                    .iter()
                    .map(|s| match s {
                        crate::plan::Step::Divert { maps, .. } => maps.len(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0)
            ],
            diversions: vec![0.0; 2 * c.n_diversions * n],
            landfill_history: Default::default(),
            waste_types: crate::waste_section::TypeRows::new(c.waste.as_ref(), n),
            entry_gj: if c.energy_ops.is_empty() {
                Vec::new()
            } else {
                vec![0.0; c.n_entries * n]
            },
            out: Outputs {
                co2e_t: vec![0.0; n],
                gas_t: Array2::zeros((4, n)),
                sector_t: Array2::zeros((n_sectors, n)),
                inventory: crate::inventory::InventoryOutputs::new(&c.inventory, n),
                fe_fuel_gj: Array2::zeros((n_fuels, n)),
                fe_top_gj: Array2::zeros((n_tops, n)),
                fe_top_fuel_gj: Array2::zeros((n_tops * n_fuels, n)),
                elec_mwh: Array2::zeros((elec_row::N, n)),
                grid_co2e_t: vec![0.0; n],
                waste_t: vec![0.0; n],
                waste_detail: Array2::zeros((waste_row::N, n)),
                wastewater_t: Array2::zeros((n_ww, n)),
                direct_t: Array2::zeros((n_tops, n)),
                electricity_t: Array2::zeros((n_tops, n)),
            },
        }
    }

    /// The value of slot `s` in year index `y` after the last evaluation (base units).
    pub(crate) fn slot(&self, n_years: usize, s: usize, y: usize) -> f64 {
        self.arena[s * n_years + y]
    }
}

pub(crate) fn rows_mut(a: &mut Array2<f64>) -> &mut [f64] {
    a.as_slice_mut()
        .expect("outputs are created in standard layout")
}

/// Evaluates a compiled scenario with the actions in `mask` (one flag per action, in
/// order; actions beyond the mask's length are off) and leaves the results in `ws.out`.
pub fn evaluate(c: &Compiled, ws: &mut Workspace, mask: &[bool]) -> Result<(), RunError> {
    evaluate_with(c, ws, mask, &[])
}

/// Evaluates with sampled values of the scenario's uncertain parameters: `params[i]` is a
/// multiplier on parameter `i`'s series or an absolute value in base units (as the
/// parameter declares), applied before any measure on that series. Missing values leave
/// the series as defined.
///
///
/// The evaluation runs as code compiled for the processor's widest supported instruction
/// set ([`fastest_code`]); the results are the same bits either way ([`evaluate_baseline`]
/// runs the baseline code, for the test that compares them).
pub fn evaluate_with(
    c: &Compiled,
    ws: &mut Workspace,
    mask: &[bool],
    params: &[f64],
) -> Result<(), RunError> {
    fastest_code(
        #[inline(always)]
        || evaluate_body(c, ws, mask, params),
    )
}

/// Runs `f` as code compiled for AVX2 with BMI1, BMI2, FMA, LZCNT and POPCNT (most of
/// x86-64-v3, which adds F16C, MOVBE and XSAVE: not needed here)
/// when the processor has those, else as code for the target's baseline (SSE2 on x86-64).
/// `f` and the functions it calls are compiled for AVX2 only where they are inlined into
/// it: the hot kernels are `#[inline(always)]` for that reason.
///
/// The same operations on the same values in the same order give the same bits on either
/// instruction set: Rust never fuses a multiplication and an addition into one rounding
/// unless the code asks for it (`mul_add`, not used), and the functions of the C library
/// (`pow`, `exp`) choose their own code at run time whatever the caller was compiled for.
/// This is the one `unsafe` block of the workspace (tests/architecture.rs).
#[inline(always)]
pub fn fastest_code<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    if has_avx2_set() {
        // SAFETY: the processor has every feature `on_avx2` is compiled for.
        return unsafe { on_avx2(f) };
    }
    f()
}

/// Whether the processor has the features of [`on_avx2`] (checked once, then cached by
/// the standard library).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn has_avx2_set() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("bmi1")
        && std::arch::is_x86_feature_detected!("bmi2")
        && std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("lzcnt")
        && std::arch::is_x86_feature_detected!("popcnt")
}

/// The instruction set [`fastest_code`] runs on this processor, for benchmark reports:
/// `"AVX2, FMA, BMI1/2, LZCNT, POPCNT"` or `"baseline"`.
pub fn instruction_set() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_set() {
        return "AVX2, FMA, BMI1/2, LZCNT, POPCNT";
    }
    "baseline"
}

/// `f` compiled for AVX2, FMA, BMI1/2, LZCNT and POPCNT ([`fastest_code`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
fn on_avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// [`evaluate_with`] as code for the target's baseline instruction set, whatever the
/// processor offers: for the test that the AVX2 code gives the same bits.
#[doc(hidden)]
pub fn evaluate_baseline(
    c: &Compiled,
    ws: &mut Workspace,
    mask: &[bool],
    params: &[f64],
) -> Result<(), RunError> {
    evaluate_body(c, ws, mask, params)
}

/// The evaluation itself (§4–§10), inlined into each instruction-set variant.
#[inline(always)]
fn evaluate_body(
    c: &Compiled,
    ws: &mut Workspace,
    mask: &[bool],
    params: &[f64],
) -> Result<(), RunError> {
    crate::measures::run_steps(c, ws, mask, params)?;
    let n = c.n_years;
    let n_tops = c.labels.tops.len();
    let n_fuels = c.labels.fuels.len();
    let waste_row_idx = n_tops;
    let source_row0 = n_tops + usize::from(c.labels.has_waste);
    let gwp = (c.gwp_ch4, c.gwp_n2o);
    let Workspace {
        arena,
        combo_gj,
        ai,
        leaf_ai,
        demand_gj,
        wte_gj,
        biogas_gj,
        entry_gj,
        landfill_history,
        waste_types,
        row_tmp,
        elec_tmp,
        out,
        ..
    } = ws;
    let a: &[f64] = arena;
    let gas = rows_mut(&mut out.gas_t);
    gas.fill(0.0);
    let sector = rows_mut(&mut out.sector_t);
    sector.fill(0.0);
    // Rows that every evaluation assigns in full (the electricity balance; the waste and
    // wastewater rows and their electricity, when the model has those sections) are not
    // reset: the others keep the zeros they were created with.
    let elec = rows_mut(&mut out.elec_mwh);
    let wd = rows_mut(&mut out.waste_detail);

    // Waste (§7): before demand, because its electricity joins local generation.
    if let Some(w) = &c.waste {
        let row = &mut sector[waste_row_idx * n..waste_row_idx * n + n];
        crate::waste_section::evaluate_waste(
            w,
            a,
            n,
            c.base_year,
            landfill_history,
            waste_types,
            gwp,
            &mut out.waste_t,
            wd,
            wte_gj,
            biogas_gj,
            gas,
            row,
        );
    }
    // Wastewater (docs/EXTENSIONS.md): part of the waste sector.
    if let Some(ww) = &c.wastewater {
        let row = &mut sector[waste_row_idx * n..waste_row_idx * n + n];
        let wt = rows_mut(&mut out.wastewater_t);
        crate::wastewater::evaluate_wastewater(ww, a, n, gwp, wt, wd, gas, row).map_err(
            |(name, y, problem)| RunError {
                cause: Cause::Series { name, span: None },
                year: c.base_year + y as i32,
                problem,
            },
        )?;
    }

    // Demand (§4), with `save` and `switch` (docs/EXTENSIONS.md) on final energy per entry.
    if c.energy_ops.is_empty() {
        crate::demand::final_energy(&c.leaves, &c.combo_entries, a, n, leaf_ai, combo_gj);
    } else {
        crate::demand::final_energy_by_entry(&c.leaves, a, n, ai, entry_gj);
        crate::measures::energy_measures(c, mask, entry_gj, a)?;
        crate::demand::combos_from_entries(&c.leaves, entry_gj, n, combo_gj);
    }
    let fe_fuel = rows_mut(&mut out.fe_fuel_gj);
    fe_fuel.fill(0.0);
    let fe_top = rows_mut(&mut out.fe_top_gj);
    fe_top.fill(0.0);
    let fe_top_fuel = rows_mut(&mut out.fe_top_fuel_gj);
    // Only the (sector, fuel) rows that some combo adds to can be non-zero.
    for &r in &c.top_fuel_rows {
        fe_top_fuel[r * n..r * n + n].fill(0.0);
    }
    crate::demand::final_energy_outputs(
        &c.combos,
        combo_gj,
        n,
        n_fuels,
        (fe_fuel, fe_top, fe_top_fuel),
        gas,
        sector,
        demand_gj,
    );
    // The sector rows of top-level nodes hold only direct emissions so far.
    rows_mut(&mut out.direct_t).copy_from_slice(&sector[..n_tops * n]);

    // Electricity (§5).
    crate::electricity::electricity_balance(
        &c.electricity,
        a,
        n,
        demand_gj,
        (wte_gj, biogas_gj),
        gwp,
        elec,
        gas,
        &mut out.grid_co2e_t,
        elec_tmp,
    );
    let allocated = rows_mut(&mut out.electricity_t);
    allocated.fill(0.0);
    crate::electricity::allocate_grid_emissions(
        &c.combos,
        combo_gj,
        n,
        &out.grid_co2e_t,
        demand_gj,
        sector,
        allocated,
    );

    // Sources (§8).
    crate::sources::source_emissions(&c.sources, a, n, gwp, gas, sector, source_row0);
    // Refrigerant banks and land classes (their source sectors), memo power stations.
    crate::inventory::inventory_emissions(
        &c.inventory,
        a,
        n,
        c.base_year,
        gas,
        sector,
        source_row0,
        &mut out.inventory,
        row_tmp,
    )?;

    // Total: the sum of the sector view (§10).
    out.co2e_t.fill(0.0);
    for row in sector.chunks_exact(n.max(1)) {
        out.co2e_t.iter_mut().zip(row).for_each(|(t, v)| *t += v);
    }
    // Market-based electricity and total (docs/EXTENSIONS.md), beside the location basis.
    let grid_mwh = &out.elec_mwh.as_slice().expect("standard layout")
        [elec_row::GRID * n..elec_row::GRID * n + n];
    crate::inventory::market_based(
        &c.inventory,
        a,
        n,
        grid_mwh,
        &out.grid_co2e_t,
        &out.co2e_t,
        &mut out.inventory,
    );
    check_outputs(c, ws)
}

/// Every output of the last evaluation must be finite; else the first row (along the data
/// flow) and year that is not, as a [`RunError`].
///
/// Every slot was checked when a step wrote it, so only sums and products can overflow, and
/// each output reaches one of the rows checked here: final energy is never negative, so a
/// non-finite (sector, fuel) value reaches its fuel's row; the total is the sum of the
/// sector view, which holds every emission (waste and wastewater processes included: an
/// overflowing organics or deposit gives an infinite or NaN emission); a gas row of fossil
/// CO2, CH4 or N2O is at most the CO2e of the same products, and the biogenic memo is
/// checked itself; the electricity rows hold the balance, the grid emissions through the
/// loss-emission row (or a zero grid supply); waste masses never exceed the generated
/// mass, a checked slot.
#[inline(always)]
fn check_outputs(c: &Compiled, ws: &Workspace) -> Result<(), RunError> {
    let o = &ws.out;
    let finite = crate::measures::all_finite;
    let std = |a: &Array2<f64>| a.as_slice().is_none_or(finite);
    let ok = finite(&o.co2e_t)
        && std(&o.gas_t)
        && std(&o.fe_fuel_gj)
        && std(&o.elec_mwh)
        && crate::inventory::all_finite(&o.inventory);
    if ok {
        Ok(())
    } else {
        Err(non_finite_row(c, ws))
    }
}

/// The output row and year whose value is not finite, searched along the data flow (final
/// energy, then electricity and waste, then emissions), so that the row named is the first
/// one the problem reaches. Intensity rows over a driver that is 0 are undefined, not
/// errors (MODEL.md §11.10).
#[cold]
fn non_finite_row(c: &Compiled, ws: &Workspace) -> RunError {
    use crate::results::Source;
    let n = c.n_years;
    let stage = |s: &Source| match s {
        Source::TopFuelEnergy(_) | Source::FuelEnergy(_) | Source::TopEnergy(_) => 0,
        Source::FinalEnergy => 1,
        Source::WasteGenerated | Source::WasteDetail(_) | Source::Elec(_) => 2,
        Source::GridEmissions => 3,
        _ => 4,
    };
    let mut buf = vec![0.0; n];
    for level in 0..5 {
        for s in c.row_specs.iter().filter(|s| stage(&s.source) == level) {
            if matches!(s.source, Source::Intensity(..)) {
                continue;
            }
            crate::results::fill_row(c, ws, &s.source, &mut buf);
            if let Some(y) = buf.iter().position(|v| !v.is_finite()) {
                return RunError {
                    cause: Cause::Row {
                        variable: s.variable.clone(),
                    },
                    year: c.base_year + y as i32,
                    problem: Problem::NonFinite { value: buf[y] },
                };
            }
        }
    }
    // An internal output that no row reads: name the total.
    RunError {
        cause: Cause::Row {
            variable: crate::results::var::EMISSIONS_CO2E.to_string(),
        },
        year: c.base_year,
        problem: Problem::NonFinite { value: f64::NAN },
    }
}

/// One `divert` measure's mass asked and mass diverted in each model year of an evaluation
/// (docs/EXTENSIONS.md): a diversion runs below its capacity when the `from` routes hold
/// less than it asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct Diversion {
    /// Action id.
    pub action: String,
    /// Measure id.
    pub measure: String,
    /// Mass asked, `mass(y) * r(y)`, t per year (0 when the measure's action is off).
    pub asked_t: Vec<f64>,
    /// Mass diverted, t per year (at most the mass asked).
    pub diverted_t: Vec<f64>,
}

impl Diversion {
    /// Mass diverted over mass asked in year index `y` (`None` when nothing is asked).
    pub fn utilisation(&self, y: usize) -> Option<f64> {
        let asked = *self.asked_t.get(y)?;
        (asked > 0.0).then(|| self.diverted_t[y] / asked)
    }
}

/// The `divert` measures of the last evaluation, in application order.
pub fn diversions(c: &Compiled, ws: &Workspace) -> Vec<Diversion> {
    let n = c.n_years;
    c.steps
        .iter()
        .filter_map(|s| match s {
            crate::plan::Step::Divert { op, index, .. } => {
                let info = &c.ops[*op];
                let (action, measure) = c.labels.measure_ids[*op].clone();
                debug_assert_eq!(c.labels.action_ids[info.action], action);
                let rows = &ws.diversions[2 * index * n..2 * index * n + 2 * n];
                Some(Diversion {
                    action,
                    measure,
                    asked_t: rows[..n].to_vec(),
                    diverted_t: rows[n..].to_vec(),
                })
            }
            _ => None,
        })
        .collect()
}

/// The emission factor of grid supply in each year of the last evaluation, t CO2e per MWh
/// (MODEL.md §5): `grid_factor(y)` converted to CO2e with the model's GWP, or for a `mix`
/// `Σ_p share_p(y) / efficiency_p * EF_CO2e(fuel_p, energy) * 3.6`. Measures and sampled
/// parameters on the grid are included. Empty when the model has no grid.
pub fn grid_factor_co2e(c: &Compiled, ws: &Workspace) -> Vec<f64> {
    crate::electricity::grid_factor_co2e_of(
        &c.electricity.grid,
        &ws.arena,
        c.n_years,
        (c.gwp_ch4, c.gwp_n2o),
    )
}
