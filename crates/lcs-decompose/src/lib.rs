//! Decomposition of a change in emissions between two scenario-years (issue 12): additive
//! LMDI-I (Ang 2005; shared/reference/factors.md §5.1) over the terms of the engine's sector
//! view, into the effects of activity, structure, energy intensity, fuel mix, emission
//! factor and, for electricity, the grid factor. docs/DECOMPOSITION.md has the method.
//!
//! The two points are [`Point`]s: a [`lcs_engine::Breakdown`] (the per-leaf factors of one
//! evaluation) and a year. They may be one scenario at two years, two scenarios in one
//! year, or two regions whose demand trees match (leaf by leaf, or through
//! [`Options::maps`]).
//!
//! Terms and their factors (MODEL.md §4–§8, `lcs_engine::breakdown`):
//!
//! ```text
//! demand leaf n, fuel f:  C = A(top) × S(n) × I(n) × M(n,f) × F(n,f)
//!                             activity  structure intensity fuel_mix  emission_factor
//!                                                                     (grid_factor for electricity)
//! waste:                  C = W × (C_waste / W)        activity, emission_factor
//! source s:               C = A(s) × F(s)              activity, emission_factor
//! effect k of a term:     ΔC_k = L(C^T, C^0) × ln(x_k^T / x_k^0)      (lmdi)
//! ```
//!
//! A sector's effect is the sum over its terms; the total over all sectors. For every
//! sector and in total, the effects sum to the change `C^T − C^0` (test to 1e-9). Zero
//! values take the analytical limits of the log-mean ([`lmdi`]).
//!
//! Units: breakdowns hold t CO2e, GJ and base units of activity; results are in kt CO2e per
//! year ([`UNIT`]).
//!
//! Never depends on: polars, clap, any renderer or the binary; does no IO.
//!
//! ```
//! // A two-factor term: 10 × 2 = 20 → 15 × 2.4 = 36 (t CO2e): L(36, 20) = 16 / ln 1.8;
//! // activity effect L × ln 1.5 = 11.037, factor effect L × ln 1.2 = 4.963; together 16.
//! let mut e = [0.0; 2];
//! lcs_decompose::lmdi::term_effects(&[10.0, 2.0], &[15.0, 2.4], &mut e).unwrap();
//! assert!((e[0] + e[1] - 16.0).abs() < 1e-12);
//! ```
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod lmdi;
mod structure;

use lcs_engine::Breakdown;
use std::fmt;

pub use structure::node_paths;

/// The unit of every result value.
pub const UNIT: &str = "kt CO2e/yr";

/// An effect of the decomposition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// The level of each sector's driver (its top-level activity); for waste, the tonnes
    /// generated; for a source, its activity.
    Activity,
    /// Shares in the demand tree: each leaf's activity over its sector's activity.
    Structure,
    /// Final energy per unit of a leaf's activity.
    Intensity,
    /// Fuel shares of each leaf's final energy.
    FuelMix,
    /// Emissions per GJ of each fuel burnt (direct factors), per tonne of waste generated,
    /// per unit of a source's activity.
    EmissionFactor,
    /// Grid emissions per GJ of electricity used (grid factor, losses, local generation).
    GridFactor,
}

impl Effect {
    /// Every effect, in output order.
    pub const ALL: [Effect; 6] = [
        Effect::Activity,
        Effect::Structure,
        Effect::Intensity,
        Effect::FuelMix,
        Effect::EmissionFactor,
        Effect::GridFactor,
    ];

    /// The id written in the `effect` column.
    pub fn id(self) -> &'static str {
        match self {
            Effect::Activity => "activity",
            Effect::Structure => "structure",
            Effect::Intensity => "intensity",
            Effect::FuelMix => "fuel_mix",
            Effect::EmissionFactor => "emission_factor",
            Effect::GridFactor => "grid_factor",
        }
    }

    /// A label for charts and tables.
    pub fn label(self) -> &'static str {
        match self {
            Effect::Activity => "Activity",
            Effect::Structure => "Structure",
            Effect::Intensity => "Energy intensity",
            Effect::FuelMix => "Fuel mix",
            Effect::EmissionFactor => "Emission factor",
            Effect::GridFactor => "Grid factor",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The `effect` id of the rows holding the change itself (`C^T − C^0`).
pub const CHANGE: &str = "change";
/// The `sector` of the rows that sum over sectors.
pub const TOTAL: &str = "Total";

/// One end of a decomposition: a run's breakdown and a year.
#[derive(Clone, Copy, Debug)]
pub struct Point<'a> {
    /// The per-leaf factors of the run.
    pub breakdown: &'a Breakdown,
    /// The year (a model year of the run).
    pub year: i32,
}

/// Options of a decomposition.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Node mappings from the start's model to the end's, for structures that differ:
    /// `(path in A, path in B)`, each `demand.<node path>` (the prefix may be left out),
    /// `sources.<path>` or `waste`. The leaves below each side of a pair are decomposed
    /// as one aggregate leaf.
    pub maps: Vec<(String, String)>,
    /// Conversion of activities in a currency to one common currency, for points whose
    /// activities are in different currencies: `(currency code, value of one unit of it in
    /// the common currency)`. Without an entry, such activities are an error.
    pub currency: Vec<(String, f64)>,
}

/// A scenario-year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Scenario id.
    pub scenario: String,
    /// Region id.
    pub region: String,
    /// Year.
    pub year: i32,
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.scenario, self.year)
    }
}

/// One sector's emissions at both points and its effects, kt CO2e per year.
#[derive(Clone, Debug, PartialEq)]
pub struct SectorEffects {
    /// Sector id (a top-level demand node of the start's model, `Waste`, a source sector).
    pub sector: String,
    /// Emissions at the start.
    pub start_kt: f64,
    /// Emissions at the end.
    pub end_kt: f64,
    /// The effects, indexed as [`Effect::ALL`].
    pub effects_kt: [f64; 6],
}

impl SectorEffects {
    /// The change, `end − start`.
    pub fn change_kt(&self) -> f64 {
        self.end_kt - self.start_kt
    }
    /// One effect.
    pub fn effect(&self, e: Effect) -> f64 {
        self.effects_kt[e.index()]
    }
}

/// One row of the output table `effect,sector,value,unit`.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectRow {
    /// An [`Effect::id`] or [`CHANGE`].
    pub effect: &'static str,
    /// A sector id or [`TOTAL`].
    pub sector: String,
    /// kt CO2e per year.
    pub value_kt: f64,
}

/// The decomposition of the change between two points.
#[derive(Clone, Debug, PartialEq)]
pub struct Decomposition {
    /// The start.
    pub from: Label,
    /// The end.
    pub to: Label,
    /// Sectors in the start model's order.
    pub sectors: Vec<SectorEffects>,
}

impl Decomposition {
    /// The sum over sectors (in sector order).
    pub fn total(&self) -> SectorEffects {
        let mut t = SectorEffects {
            sector: TOTAL.to_string(),
            start_kt: 0.0,
            end_kt: 0.0,
            effects_kt: [0.0; 6],
        };
        for s in &self.sectors {
            t.start_kt += s.start_kt;
            t.end_kt += s.end_kt;
            for (a, b) in t.effects_kt.iter_mut().zip(&s.effects_kt) {
                *a += b;
            }
        }
        t
    }

    /// The output rows: for each effect in [`Effect::ALL`] order and then [`CHANGE`], one
    /// row per sector and a [`TOTAL`] row (the sum of the sector rows).
    pub fn rows(&self) -> Vec<EffectRow> {
        let total = self.total();
        let mut out = Vec::new();
        let all: Vec<&SectorEffects> = self.sectors.iter().chain([&total]).collect();
        for e in Effect::ALL {
            for s in &all {
                out.push(EffectRow {
                    effect: e.id(),
                    sector: s.sector.clone(),
                    value_kt: s.effect(e),
                });
            }
        }
        for s in &all {
            out.push(EffectRow {
                effect: CHANGE,
                sector: s.sector.clone(),
                value_kt: s.change_kt(),
            });
        }
        out
    }
}

/// Which end of the decomposition a problem is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The start (`A`).
    A,
    /// The end (`B`).
    B,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::A => "A",
            Side::B => "B",
        })
    }
}

/// Why two points cannot be decomposed.
#[derive(Clone, Debug, PartialEq)]
pub enum DecomposeError {
    /// A year outside the run's years.
    YearOutside {
        /// Which point.
        side: Side,
        /// Its scenario.
        scenario: String,
        /// The year asked for.
        year: i32,
        /// The run's first year.
        first: i32,
        /// The run's last year.
        last: i32,
    },
    /// Nodes present at one point and not at the other, with no mapping.
    Unmatched {
        /// Leaves, waste or sources of A with no counterpart in B (`demand.<path>`,
        /// `waste`, `sources.<path>`).
        only_a: Vec<String>,
        /// The same for B.
        only_b: Vec<String>,
    },
    /// A mapped path that names nothing in its model.
    UnknownMappedPath {
        /// Which side of the mapping.
        side: Side,
        /// The path as given.
        path: String,
        /// The nearest paths of that model.
        nearest: Vec<String>,
    },
    /// A leaf covered by two mappings.
    MappedTwice {
        /// Which side.
        side: Side,
        /// The leaf (`demand.<path>`).
        leaf: String,
    },
    /// Matched activities whose dimensions differ (not only by currency).
    UnitMismatch {
        /// The matched item (A's path).
        item: String,
        /// The unit of its activity in A.
        unit_a: String,
        /// The unit in B.
        unit_b: String,
    },
    /// Matched activities in different currencies with no conversion given.
    CurrencyNotConverted {
        /// The matched item (A's path).
        item: String,
        /// The unit in A.
        unit_a: String,
        /// The unit in B.
        unit_b: String,
        /// The currency without a conversion factor.
        currency: String,
    },
    /// A factor changes sign between the points (no logarithm).
    SignChange {
        /// The term, e.g. `sources.afolu/forest`.
        term: String,
        /// The factor's effect.
        effect: Effect,
    },
    /// A factor of the product form is undefined at a point.
    Undefined {
        /// The term.
        term: String,
        /// Which point.
        side: Side,
        /// What is undefined.
        what: &'static str,
    },
}

fn list(paths: &[String]) -> String {
    if paths.is_empty() {
        "none".into()
    } else {
        paths
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for DecomposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecomposeError::YearOutside {
                side,
                scenario,
                year,
                first,
                last,
            } => write!(
                f,
                "year {year} of {side} (`{scenario}`) is outside its model years {first}–{last}"
            ),
            DecomposeError::Unmatched { only_a, only_b } => write!(
                f,
                "the two structures differ: only in A: {}; only in B: {} (map them with `--map A_PATH=B_PATH`)",
                list(only_a),
                list(only_b)
            ),
            DecomposeError::UnknownMappedPath {
                side,
                path,
                nearest,
            } => {
                write!(f, "mapped path `{path}` names nothing in {side}")?;
                if !nearest.is_empty() {
                    write!(f, "; did you mean {}?", list(nearest))?;
                }
                Ok(())
            }
            DecomposeError::MappedTwice { side, leaf } => {
                write!(f, "`{leaf}` of {side} is covered by two mappings")
            }
            DecomposeError::UnitMismatch {
                item,
                unit_a,
                unit_b,
            } => write!(
                f,
                "the activities matched at `{item}` are in different units: `{unit_a}` in A and `{unit_b}` in B"
            ),
            DecomposeError::CurrencyNotConverted {
                item,
                unit_a,
                unit_b,
                currency,
            } => write!(
                f,
                "the activities matched at `{item}` are in different currencies (`{unit_a}` in A, `{unit_b}` in B) and `{currency}` has no conversion (give `--currency CODE`)"
            ),
            DecomposeError::SignChange { term, effect } => write!(
                f,
                "the {} factor of `{term}` changes sign between the two points: LMDI needs factors of one sign",
                effect.id()
            ),
            DecomposeError::Undefined { term, side, what } => {
                write!(f, "{what} of `{term}` is undefined in {side}")
            }
        }
    }
}

impl std::error::Error for DecomposeError {}

/// Decomposes the change in emissions from `a` to `b` (crate docs).
pub fn decompose(a: Point, b: Point, opts: &Options) -> Result<Decomposition, DecomposeError> {
    let ya = year_index(a, Side::A)?;
    let yb = year_index(b, Side::B)?;
    let terms = structure::terms(a.breakdown, ya, b.breakdown, yb, opts)?;
    let mut sectors: Vec<SectorEffects> = Vec::new();
    for t in &terms {
        let i = match sectors.iter().position(|s| s.sector == t.sector) {
            Some(i) => i,
            None => {
                sectors.push(SectorEffects {
                    sector: t.sector.clone(),
                    start_kt: 0.0,
                    end_kt: 0.0,
                    effects_kt: [0.0; 6],
                });
                sectors.len() - 1
            }
        };
        let mut e = vec![0.0; t.x0.len()];
        let (c0, ct) =
            lmdi::term_effects(&t.x0, &t.xt, &mut e).map_err(|k| DecomposeError::SignChange {
                term: t.name.clone(),
                effect: t.effects[k],
            })?;
        let s = &mut sectors[i];
        s.start_kt += c0 * 1e-3;
        s.end_kt += ct * 1e-3;
        for (k, v) in e.iter().enumerate() {
            s.effects_kt[t.effects[k].index()] += v * 1e-3;
        }
    }
    let label = |p: Point| Label {
        scenario: p.breakdown.scenario.clone(),
        region: p.breakdown.region.clone(),
        year: p.year,
    };
    Ok(Decomposition {
        from: label(a),
        to: label(b),
        sectors,
    })
}

fn year_index(p: Point, side: Side) -> Result<usize, DecomposeError> {
    let years = &p.breakdown.years;
    years
        .iter()
        .position(|y| *y == p.year)
        .ok_or_else(|| DecomposeError::YearOutside {
            side,
            scenario: p.breakdown.scenario.clone(),
            year: p.year,
            first: years.first().copied().unwrap_or(0),
            last: years.last().copied().unwrap_or(0),
        })
}

/// The Kaya identity at one point: `C = P × (G / P) × (E / G) × (C / E)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Kaya {
    /// Population `P` (persons).
    pub population: f64,
    /// Economic output `G` (any money unit, the same at both points).
    pub gdp: f64,
    /// Energy `E` (any energy unit, the same at both points).
    pub energy: f64,
    /// Emissions `C` (any unit, the same at both points).
    pub emissions: f64,
}

/// The Kaya factors' names, in the order of [`kaya`]'s result.
pub const KAYA_FACTORS: [&str; 4] = [
    "population",
    "gdp_per_capita",
    "energy_intensity",
    "carbon_intensity",
];

/// Additive LMDI-I of the Kaya identity between two points: the effects of population, GDP
/// per person, energy per GDP and emissions per energy, in the unit of `emissions`; they sum
/// to `b.emissions − a.emissions`. A zero population, GDP or energy is
/// [`DecomposeError::Undefined`] (the ratios do not exist).
pub fn kaya(a: &Kaya, b: &Kaya) -> Result<[f64; 4], DecomposeError> {
    let factors = |k: &Kaya, side: Side| -> Result<[f64; 4], DecomposeError> {
        let undefined = |what| DecomposeError::Undefined {
            term: "Kaya identity".into(),
            side,
            what,
        };
        if k.population == 0.0 {
            return Err(undefined("GDP per person"));
        }
        if k.gdp == 0.0 {
            return Err(undefined("energy per GDP"));
        }
        if k.energy == 0.0 {
            return Err(undefined("emissions per energy"));
        }
        Ok([
            k.population,
            k.gdp / k.population,
            k.energy / k.gdp,
            k.emissions / k.energy,
        ])
    };
    let (x0, xt) = (factors(a, Side::A)?, factors(b, Side::B)?);
    let mut out = [0.0; 4];
    lmdi::term_effects(&x0, &xt, &mut out).map_err(|k| DecomposeError::SignChange {
        term: "Kaya identity".into(),
        effect: [
            Effect::Activity,
            Effect::Structure,
            Effect::Intensity,
            Effect::EmissionFactor,
        ][k],
    })?;
    Ok(out)
}
