//! Explanations of result values (issue 17, docs/EXPLAIN.md): how one row of `results.csv`
//! in one year is computed, as a tree down to the inputs.
//!
//! Read-only: an [`Explainer`] evaluates the scenario once with all its actions (the same
//! [`crate::evaluate`] as `lcs run`), reads the output rows through the same row sources as
//! [`crate::rows`], and the per-term factors through [`crate::breakdown`]; the tree is a
//! presentation of those values along the compiled structure (row sources, steps, plans).
//! No equation is implemented a second time: a node's value is a value the engine computed,
//! and the substituted equation shows the operands the engine used.
//!
//! ```text
//! Emissions|CO2e        E     = Σ_s E_s                                 (sum)
//! sector s (demand)     E_s   = E_s,direct + E_s,electricity           (sum)
//! direct emissions      E_d   = Σ_(n,f) A(n) × I(n) × M(n,f) × F(f)     (sum of products)
//! electricity emissions E_e   = FE(s, electricity) × EE / D            (product)
//! grid emissions        EE    = G × EF_grid                             (product)
//! grid supply           G     = max(B − L, 0),  B = D / (1 − λ)
//! activity              A(n)  = A(parent) × share(n) | driver × per | series
//! ```
//!
//! Measures: the steps before and after each measure are replayed with the same step
//! interpreter (`measures::run_steps` on a prefix of the compiled steps), so every input
//! lists the measures that changed it with its value before and after each one. The change
//! of the explained value against the reference (no actions) is split among the actions
//! sequentially (MODEL.md §10: `c_i = X({1..i}) − X({1..i−1})`), which sums to the change.

use crate::breakdown::{breakdown, Breakdown, Effective};
use crate::eval::{elec_row, evaluate, waste_row, RunError, Workspace};
use crate::plan::{Compiled, GridPlan, Step};
use crate::results::{fill_row, Source};
use lcs_model::{Scenario, Span};

/// How a node's value follows from its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// The value is the sum of the children (same unit).
    Sum,
    /// The value is the product of the children (times a unit conversion).
    Product,
    /// The value is the first child over the second (times a unit conversion).
    Quotient,
    /// Another formula of the children, written in `equation`.
    Formula,
    /// An input of the model: a series written in a file or read from a data file.
    Input,
}

impl NodeKind {
    /// The kind's name in JSON (`sum`, `product`, `quotient`, `formula`, `input`).
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Sum => "sum",
            NodeKind::Product => "product",
            NodeKind::Quotient => "quotient",
            NodeKind::Formula => "formula",
            NodeKind::Input => "input",
        }
    }
}

/// A data-file row a value came from (Series provenance, docs/EXTENSIONS.md).
#[derive(Clone, Debug, PartialEq)]
pub struct DataRow {
    /// The data file.
    pub file: std::path::PathBuf,
    /// The sheet, for a workbook.
    pub sheet: Option<String>,
    /// The year of the row.
    pub year: i32,
    /// 1-based row of the value cell.
    pub row: u32,
    /// The value cell, `B4`.
    pub cell: String,
    /// The cell as written.
    pub text: String,
    /// The row's `source` cell, or the series' `source:` key.
    pub source: Option<String>,
    /// The row's `status` cell (`SOURCED`, `DERIVED`, `ASSUMPTION`).
    pub status: Option<String>,
}

/// One measure that changed an input, with the input's value just before and just after it
/// in the explained year (in the node's unit).
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureChange {
    /// Action id.
    pub action: String,
    /// Measure id.
    pub measure: String,
    /// The lever (`scale`, `set`, `shift`, …).
    pub lever: &'static str,
    /// Value before the measure.
    pub before: f64,
    /// Value after the measure.
    pub after: f64,
}

/// One step of an explanation.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the value is: a result variable, or a quantity such as `A(transport/car)`.
    pub label: String,
    /// The variable of `results.csv`, when the node is a result row.
    pub variable: Option<String>,
    /// The model's parameter path of an input or computed series (`drivers.population`).
    pub path: Option<String>,
    /// The value in the explained year, in `unit`.
    pub value: f64,
    /// Unit of `value`.
    pub unit: String,
    /// How the value follows from the children.
    pub kind: NodeKind,
    /// The equation in the spec's symbols.
    pub equation: Option<String>,
    /// The equation with the values and units substituted.
    pub substituted: Option<String>,
    /// The operands, in the order of the equation.
    pub children: Vec<Node>,
    /// Whether children were left out by the depth limit.
    pub truncated: bool,
    /// Where the series is defined in a YAML file.
    pub defined_at: Option<Span>,
    /// The data-file rows of the value (one row, or the two rows interpolated between).
    pub data: Vec<DataRow>,
    /// Measures that changed the value, in application order.
    pub measures: Vec<MeasureChange>,
    /// A remark (an effective value after `save`/`switch`, a limit).
    pub note: Option<String>,
}

/// The change of the explained value against the reference run (no actions).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The value in the reference run, `None` where undefined.
    pub reference: Option<f64>,
    /// Scenario minus reference.
    pub change: Option<f64>,
    /// Each action's part of the change, sequentially in action order; sums to `change`.
    pub by_action: Vec<(String, f64)>,
}

/// The explanation of one value.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// Scenario id.
    pub scenario: String,
    /// Region id.
    pub region: String,
    /// The variable.
    pub variable: String,
    /// The year.
    pub year: i32,
    /// The tree; its value is the results row's value.
    pub root: Node,
    /// The change against the reference, when the scenario has actions.
    pub change: Option<Change>,
}

/// Why a value cannot be explained.
#[derive(Clone, Debug, PartialEq)]
pub enum ExplainError {
    /// The variable is not a row of the scenario's results.
    UnknownVariable {
        /// As asked.
        variable: String,
        /// The nearest variables.
        suggestions: Vec<String>,
    },
    /// The year is outside the model years.
    YearOutside {
        /// As asked.
        year: i32,
        /// First model year.
        first: i32,
        /// Last model year.
        last: i32,
    },
    /// The value is undefined in the year (an intensity over a driver that is 0).
    Undefined {
        /// The variable.
        variable: String,
        /// The year.
        year: i32,
    },
}

impl std::fmt::Display for ExplainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExplainError::UnknownVariable { variable, .. } => {
                write!(f, "unknown variable `{variable}`: not a row of the results")
            }
            ExplainError::YearOutside { year, first, last } => write!(
                f,
                "year {year} is outside the model years ({first} to {last})"
            ),
            ExplainError::Undefined { variable, year } => write!(
                f,
                "`{variable}` is undefined in {year} (an intensity over a driver that is 0)"
            ),
        }
    }
}

impl std::error::Error for ExplainError {}

/// One input changed by measures: for each measure step, the slot's row before and after.
struct SlotTrace {
    op: usize,
    before: Vec<f64>,
    after: Vec<f64>,
}

/// A scenario evaluated for explanations: the run with all actions, the measure trace and
/// the runs with the first `i` actions (for the change against the reference).
pub struct Explainer<'a> {
    scenario: &'a Scenario,
    c: &'a Compiled,
    ws: Workspace,
    bd: Breakdown,
    /// Per slot, the measures that wrote it.
    trace: Vec<Vec<SlotTrace>>,
    /// `prefix[i]`: all row values (`row * n + y`) with the first `i` actions on.
    prefix: Vec<Vec<f64>>,
    /// `energy[k]`: final energy per (leaf, fuel) entry (`entry * n + y`, GJ) after the
    /// first `k` `save`/`switch`/`use` measures; empty without such measures.
    energy: Vec<Vec<f64>>,
}

/// A number for people: up to six significant digits, no trailing zeros (`0.683824`,
/// `6.03997e11`); JSON output keeps every digit.
pub fn short(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if (1e-4..1e9).contains(&a) {
        let digits = (5 - a.log10().floor() as i32).max(0) as usize;
        let t = format!("{v:.digits$}");
        let t = if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            t
        };
        if t == "-0" {
            "0".into()
        } else {
            t
        }
    } else {
        let t = format!("{v:.5e}");
        match t.split_once('e') {
            Some((m, e)) => {
                let m = if m.contains('.') {
                    m.trim_end_matches('0').trim_end_matches('.')
                } else {
                    m
                };
                format!("{m}e{e}")
            }
            None => t,
        }
    }
}

/// A value with its unit, for substituted equations: `1.2 t CO2e/GJ`, or `0.75` for `1`.
fn with_unit(v: f64, unit: &str) -> String {
    if unit == "1" || unit.is_empty() {
        short(v)
    } else {
        format!("{} {unit}", short(v))
    }
}

/// `num/den`, with the denominator in parentheses when it is a product or a quotient.
fn per_unit(num: &str, den: &str) -> String {
    match den {
        "1" | "" => num.to_string(),
        d if d.contains([' ', '/', '·']) => format!("{num}/({d})"),
        d => format!("{num}/{d}"),
    }
}

/// The text of the base unit of a dimension: `GJ` for energy, `t` for mass, `m` for length,
/// counts, currencies and gas species by name, `1` for none (`energy/length person` reads
/// `GJ/m person`). The one spelling of base units in explanations, data-quality tables and
/// decomposition messages.
///
/// A gas per unit of mass (`0.52 t CO2/t`, a process factor) has the dimension of the bare
/// species, the masses cancelling; it is written `t CO2/t`, not `CO2`, which would read as
/// a gas without an amount.
pub fn base_unit(d: &lcs_units::Dimension) -> String {
    if d.species().is_some() && d.exponent(lcs_units::MASS) == 0 {
        let per_mass = base_unit(&d.mul(&lcs_units::Dimension::mass()));
        return match per_mass.split_once('/') {
            Some((num, den)) => format!("{num}/t {den}"),
            None => format!("{per_mass}/t"),
        };
    }
    map_words(&d.to_string(), |word| match word {
        "energy" => Some("GJ".into()),
        "mass" => Some("t".into()),
        "length" => Some("m".into()),
        _ => None,
    })
}

/// `text` with every word that `replace` maps replaced by its image, the rest kept as
/// written. A word is a run of letters, digits, `_` and `.` (a name, as in a unit or a
/// driver expression, or a number such as `1.5`, which stays whole).
pub(crate) fn map_words(text: &str, mut replace: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = None;
    let mut flush = |word: &str, out: &mut String| match replace(word) {
        Some(w) => out.push_str(&w),
        None => out.push_str(word),
    };
    for (i, ch) in text.char_indices() {
        let in_word = ch.is_alphanumeric() || ch == '_' || ch == '.';
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                flush(&text[s..i], &mut out);
                start = None;
                out.push(ch);
            }
            (false, None) => out.push(ch),
            (true, Some(_)) => {}
        }
    }
    if let Some(s) = start {
        flush(&text[s..], &mut out);
    }
    out
}

impl<'a> Explainer<'a> {
    /// Evaluates `c`, the compiled form of `scenario`, as `lcs run` does, and prepares the
    /// measure trace and the reference runs.
    pub fn new(scenario: &'a Scenario, c: &'a Compiled) -> Result<Self, RunError> {
        let all = vec![true; c.n_actions];
        let mut ws = Workspace::new(c);
        evaluate(c, &mut ws, &all)?;
        let bd = breakdown(scenario, c, &ws);
        let n = c.n_years;
        // The trace: replay the steps up to and including each measure step.
        let mut trace: Vec<Vec<SlotTrace>> = (0..c.slot_names.len()).map(|_| Vec::new()).collect();
        let mut partial = c.clone();
        let mut tmp = Workspace::new(c);
        for (k, step) in c.steps.iter().enumerate() {
            let op = match step {
                Step::Series { op, .. }
                | Step::Shift { op, .. }
                | Step::SetMap { op, .. }
                | Step::Generation { op, .. }
                | Step::Divert { op, .. } => *op,
                _ => continue,
            };
            partial.steps = c.steps[..k].to_vec();
            crate::measures::run_steps(&partial, &mut tmp, &all, &[])?;
            let before = tmp.arena.clone();
            partial.steps = c.steps[..=k].to_vec();
            crate::measures::run_steps(&partial, &mut tmp, &all, &[])?;
            for slot in step.written() {
                trace[slot].push(SlotTrace {
                    op,
                    before: before[slot * n..slot * n + n].to_vec(),
                    after: tmp.arena[slot * n..slot * n + n].to_vec(),
                });
            }
        }
        // Final energy entries before and after each `save`/`switch`/`use` measure: the
        // engine's own entry loop and energy measures, one measure at a time in order (the
        // order of the run, so the last snapshot is the run's).
        let mut energy = Vec::new();
        if !c.energy_ops.is_empty() {
            let mut entries = vec![0.0; c.n_entries * n];
            let mut ai = vec![0.0; n];
            crate::demand::final_energy_by_entry(&c.leaves, &ws.arena, n, &mut ai, &mut entries);
            energy.push(entries.clone());
            let mut one = c.clone();
            for op in &c.energy_ops {
                one.energy_ops = vec![op.clone()];
                crate::measures::energy_measures(&one, &all, &mut entries, &ws.arena)?;
                energy.push(entries.clone());
            }
        }
        // Rows with the first i actions on, i = 0 (the reference) ..= n_actions.
        let n_rows = c.row_specs.len();
        let mut prefix = Vec::new();
        if c.n_actions > 0 {
            for i in 0..=c.n_actions {
                let mask: Vec<bool> = (0..c.n_actions).map(|a| a < i).collect();
                evaluate(c, &mut tmp, &mask)?;
                let mut out = vec![0.0; n_rows * n];
                crate::results::row_values_into(c, &tmp, &mut out);
                prefix.push(out);
            }
        }
        Ok(Explainer {
            scenario,
            c,
            ws,
            bd,
            trace,
            prefix,
            energy,
        })
    }

    /// The workspace of the run with all actions.
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// Explains `variable` in `year`, down to `depth` levels below the root (`None`: all).
    pub fn explain(
        &self,
        variable: &str,
        year: i32,
        depth: Option<usize>,
    ) -> Result<Explanation, ExplainError> {
        let c = self.c;
        let Some(r) = c.row_specs.iter().position(|s| s.variable == variable) else {
            return Err(ExplainError::UnknownVariable {
                variable: variable.to_string(),
                suggestions: lcs_units::nearest(
                    variable,
                    c.row_specs.iter().map(|s| s.variable.as_str()),
                ),
            });
        };
        let last = c.base_year + c.n_years as i32 - 1;
        if year < c.base_year || year > last {
            return Err(ExplainError::YearOutside {
                year,
                first: c.base_year,
                last,
            });
        }
        let y = (year - c.base_year) as usize;
        let b = Build { e: self, y };
        let root = b.row(r, depth.unwrap_or(usize::MAX));
        if root.value.is_nan() {
            return Err(ExplainError::Undefined {
                variable: variable.to_string(),
                year,
            });
        }
        let change = (!self.prefix.is_empty()).then(|| {
            let n = c.n_years;
            let at = |i: usize| {
                let v = self.prefix[i][r * n + y];
                (!v.is_nan()).then_some(v)
            };
            let reference = at(0);
            let change = reference.map(|rv| root.value - rv);
            let by_action = (1..self.prefix.len())
                .filter_map(|i| {
                    let d = at(i)? - at(i - 1)?;
                    Some((c.labels.action_ids[i - 1].clone(), d))
                })
                .collect();
            Change {
                reference,
                change,
                by_action,
            }
        });
        Ok(Explanation {
            scenario: c.labels.scenario.clone(),
            region: c.labels.region.clone(),
            variable: variable.to_string(),
            year,
            root,
            change,
        })
    }
}

/// The tree builder for one year.
struct Build<'e, 'a> {
    e: &'e Explainer<'a>,
    y: usize,
}

fn node(label: impl Into<String>, value: f64, unit: &str, kind: NodeKind) -> Node {
    Node {
        label: label.into(),
        variable: None,
        path: None,
        value,
        unit: unit.to_string(),
        kind,
        equation: None,
        substituted: None,
        children: Vec::new(),
        truncated: false,
        defined_at: None,
        data: Vec::new(),
        measures: Vec::new(),
        note: None,
    }
}

impl Node {
    fn eq(mut self, equation: impl Into<String>) -> Self {
        self.equation = Some(equation.into());
        self
    }

    /// Sets the children (or marks them left out at depth 0) and the substituted equation
    /// for sums and products.
    fn with(mut self, d: usize, kids: impl FnOnce(usize) -> Vec<Node>) -> Self {
        if d == 0 {
            self.truncated = true;
            return self;
        }
        self.children = kids(d - 1);
        let parts: Vec<String> = self
            .children
            .iter()
            .map(|k| with_unit(k.value, &k.unit))
            .collect();
        let lhs = with_unit(self.value, &self.unit);
        self.substituted = match self.kind {
            NodeKind::Sum if parts.is_empty() => Some(format!("{lhs} = 0 (no terms)")),
            NodeKind::Sum => Some(format!("{lhs} = {}", parts.join(" + "))),
            NodeKind::Product => Some(format!("{lhs} = {}", parts.join(" × "))),
            NodeKind::Quotient if parts.len() == 2 => {
                Some(format!("{lhs} = {} / {}", parts[0], parts[1]))
            }
            _ => self.substituted.take(),
        };
        self
    }
}

impl Build<'_, '_> {
    fn c(&self) -> &Compiled {
        self.e.c
    }

    fn slot_value(&self, slot: usize) -> f64 {
        self.e.ws.arena[slot * self.c().n_years + self.y]
    }

    /// The row whose source is `pred`, if any.
    fn find(&self, pred: impl Fn(&Source) -> bool) -> Option<usize> {
        self.c().row_specs.iter().position(|s| pred(&s.source))
    }

    fn row_value(&self, r: usize) -> f64 {
        let c = self.c();
        let mut buf = vec![0.0; c.n_years];
        fill_row(c, &self.e.ws, &c.row_specs[r].source, &mut buf);
        buf[self.y]
    }

    fn rows_where(&self, d: usize, pred: impl Fn(&Source) -> bool) -> Vec<Node> {
        (0..self.c().row_specs.len())
            .filter(|&r| pred(&self.c().row_specs[r].source))
            .map(|r| self.row(r, d))
            .collect()
    }

    /// A result row.
    fn row(&self, r: usize, d: usize) -> Node {
        let c = self.c();
        let spec = &c.row_specs[r];
        let value = self.row_value(r);
        let unit = spec.unit.as_str();
        let n_tops = c.labels.tops.len();
        let n_fuels = c.labels.fuels.len();
        let mk = |kind| {
            let mut nd = node(spec.variable.clone(), value, unit, kind);
            nd.variable = Some(spec.variable.clone());
            nd
        };
        let elec_fuel = c.electricity.fuel;
        match spec.source {
            Source::Total => mk(NodeKind::Sum)
                .eq("E = Σ_s E_s (sector view, MODEL.md §10)")
                .with(d, |d| self.rows_where(d, |s| matches!(s, Source::Sector(_)))),
            Source::Sector(i) if i < n_tops => mk(NodeKind::Sum)
                .eq("E_s = E_s,direct + E_s,electricity")
                .with(d, |d| {
                    self.rows_where(d, |s| {
                        matches!(s, Source::Direct(t) | Source::Allocated(t) if *t == i)
                    })
                }),
            Source::Sector(i) if c.labels.has_waste && i == n_tops => mk(NodeKind::Sum)
                .eq("E_waste = Σ_p E_p (landfill, composting, digestion, incineration, wastewater)")
                .with(d, |d| {
                    self.rows_where(d, |s| matches!(s, Source::WasteProcess(_)))
                }),
            Source::Sector(i) => {
                let k = i - n_tops - usize::from(c.labels.has_waste);
                let sector = c.labels.source_sectors.get(k).cloned().unwrap_or_default();
                mk(NodeKind::Sum)
                    .eq("E_s = Σ_src A(src) × Σ_g GWP_g × EF(src, g)")
                    .with(d, |d| {
                        self.e
                            .bd
                            .sources
                            .iter()
                            .enumerate()
                            .filter(|(_, s)| s.sector == sector)
                            .map(|(j, _)| self.source(j, d))
                            .collect()
                    })
            }
            Source::Direct(t) => mk(NodeKind::Sum)
                .eq("E_direct = Σ_(n,f) A(n) × I(n) × M(n,f) × F(f), fuels burnt in the region")
                .with(d, |d| self.leaf_terms(t, false, d)),
            Source::Allocated(t) => {
                let fe = elec_fuel.and_then(|k| {
                    self.find(|s| matches!(s, Source::TopFuelEnergy(x) if *x == t * n_fuels + k))
                });
                let mut nd = mk(NodeKind::Product)
                    .eq("E_electricity = FE(s, electricity) × EE / D (MODEL.md §5)");
                match (fe, self.find(|s| matches!(s, Source::GridEmissions))) {
                    (Some(fe), Some(_)) => nd.with(d, |d| vec![self.row(fe, d), self.grid_per_gj(d)]),
                    _ => {
                        nd.note = Some("no electricity use in this sector".into());
                        nd
                    }
                }
            }
            Source::FinalEnergy => mk(NodeKind::Sum)
                .eq("FE = Σ_f FE(f)")
                .with(d, |d| self.rows_where(d, |s| matches!(s, Source::FuelEnergy(_)))),
            Source::FuelEnergy(k) => mk(NodeKind::Sum).eq("FE(f) = Σ_s FE(s, f)").with(d, |d| {
                let rows: Vec<usize> = (0..n_tops)
                    .map(|t| t * n_fuels + k)
                    .filter(|r| c.top_fuel_rows.contains(r))
                    .collect();
                self.rows_where(d, |s| matches!(s, Source::TopFuelEnergy(x) if rows.contains(x)))
            }),
            Source::TopEnergy(t) => mk(NodeKind::Sum).eq("FE(s) = Σ_f FE(s, f)").with(d, |d| {
                self.rows_where(d, |s| {
                    matches!(s, Source::TopFuelEnergy(x) if x / n_fuels.max(1) == t && c.top_fuel_rows.contains(x))
                })
            }),
            Source::TopFuelEnergy(x) => {
                let (t, k) = (x / n_fuels.max(1), x % n_fuels.max(1));
                mk(NodeKind::Sum)
                    .eq("FE(s, f) = Σ_n A(n) × I(n) × M(n,f), leaves n of s")
                    .with(d, |d| self.leaf_energy(t, k, d))
            }
            Source::Slot(slot, f) => {
                let mut nd = self.slot(slot, f, unit, d);
                nd.label = spec.variable.clone();
                nd.variable = Some(spec.variable.clone());
                nd.value = value;
                nd
            }
            Source::Elec(i) => self.elec(r, i, value, d),
            Source::GridEmissions => {
                let g = self.find(|s| matches!(s, Source::Elec(i) if *i == elec_row::GRID));
                let mut nd = mk(NodeKind::Product).eq("EE = G × EF_grid (MODEL.md §5)");
                let kids = |d: usize| {
                    let mut v = Vec::new();
                    if let Some(g) = g {
                        v.push(self.row(g, d));
                    }
                    v.push(self.grid_factor(d));
                    v
                };
                nd = nd.with(d, kids);
                nd
            }
            Source::LossEmissions => {
                let ee = self.find(|s| matches!(s, Source::GridEmissions));
                let l = self.find(|s| matches!(s, Source::Elec(i) if *i == elec_row::LOSSES));
                let mut nd = mk(NodeKind::Formula).eq("E_losses = EE × (B − D) / B, B − D the T&D losses");
                nd = nd.with(d, |d| {
                    [ee, l, self.find(|s| matches!(s, Source::Elec(i) if *i == elec_row::DEMAND))]
                        .into_iter()
                        .flatten()
                        .map(|r| self.row(r, d))
                        .collect()
                });
                nd
            }
            Source::WasteGenerated => match &c.waste {
                Some(w) => {
                    let mut nd = self.slot(w.generation, 1.0, unit, d);
                    nd.label = spec.variable.clone();
                    nd.variable = Some(spec.variable.clone());
                    nd.value = value;
                    nd
                }
                None => mk(NodeKind::Formula).eq("no solid waste section"),
            },
            Source::WasteDetail(i) => self.waste_detail(r, i, value, d),
            Source::WasteProcess(parts) => {
                let mut nd = mk(NodeKind::Formula).eq("E_p = Σ_g GWP_g × m_g (CO2e of the process' gases)");
                let gwps: Vec<String> = parts
                    .iter()
                    .map(|&(row, g)| {
                        let gwp = g.gwp((c.gwp_ch4, c.gwp_n2o));
                        let v = self.e.ws.out.waste_detail[[row, self.y]] * 1e-3;
                        format!("{} × {} kt {}", short(gwp), short(v), g.name())
                    })
                    .collect();
                nd.substituted = Some(format!("{} = {}", with_unit(value, unit), gwps.join(" + ")));
                let rows: Vec<usize> = parts.iter().map(|p| p.0).collect();
                let ww = matches!(parts.first(), Some((r, _)) if *r == waste_row::WASTEWATER_CH4);
                nd.with(d, |d| {
                    if ww {
                        self.rows_where(d, |s| {
                            matches!(s, Source::Wastewater(r, _) if *r == crate::eval::wastewater_row::DOMESTIC_CH4 || *r == crate::eval::wastewater_row::DOMESTIC_N2O)
                                || matches!(s, Source::IndustrialCh4)
                        })
                    } else {
                        self.rows_where(d, |s| matches!(s, Source::WasteDetail(x) if rows.contains(x)))
                    }
                })
            }
            Source::Intensity(slot, _) => {
                let total = self.find(|s| matches!(s, Source::Total));
                let drv = self.find(|s| matches!(s, Source::Slot(x, _) if *x == slot));
                let mut nd = mk(NodeKind::Quotient).eq("EI = E / driver (t CO2e per unit of the driver)");
                nd = nd.with(d, |d| {
                    [total, drv].into_iter().flatten().map(|r| self.row(r, d)).collect()
                });
                if let Some(s) = nd.substituted.as_mut() {
                    s.push_str(" (E in t)");
                }
                nd
            }
            Source::Gas(g) => {
                let gas = ["fossil CO2", "CH4", "N2O", "biogenic CO2"][g.min(3)];
                let mut nd = mk(NodeKind::Formula).eq(format!(
                    "m_g = Σ of {gas} over fuel combustion (FE × EF_g), grid plants, waste processes and other sources (A × EF_g)"
                ));
                nd.note = Some("the engine adds the gas rows section by section; the sector rows split CO2e".into());
                nd
            }
            Source::Wastewater(w, _) => self.wastewater(mk(NodeKind::Formula), w, d),
            Source::Inventory(_) => {
                let mut nd = mk(NodeKind::Formula).eq(
                    "inventory extensions (docs/EXTENSIONS.md): process A × EF; refrigerants stock × leak × GWP; land Δarea × Δstock × 44/12; plants and market-based electricity",
                );
                nd.note = Some(
                    "an inventory-extension row: its inputs are the process, refrigerant, land, plant or purchase entries of the model and scenario".into(),
                );
                nd
            }
            Source::IndustrialCh4 => mk(NodeKind::Sum)
                .eq("CH4_industrial = Σ_i CH4(i)")
                .with(d, |d| {
                    self.rows_where(d, |s| {
                        matches!(s, Source::Wastewater(r, _) if *r >= crate::eval::wastewater_row::industry(0) && (*r - crate::eval::wastewater_row::industry(0)) % 2 == 1)
                    })
                }),
        }
    }

    /// `EE / D`, t CO2e per GJ of electricity at the point of use.
    fn grid_per_gj(&self, d: usize) -> Node {
        let v = self.e.bd.electricity_co2e_t_per_gj[self.y];
        node("EE / D", v, "t CO2e/GJ", NodeKind::Quotient)
            .eq("e = EE / D: grid emissions per GJ of electricity demand")
            .with(d, |d| {
                [
                    self.find(|s| matches!(s, Source::GridEmissions)),
                    self.find(|s| matches!(s, Source::Elec(i) if *i == elec_row::DEMAND)),
                ]
                .into_iter()
                .flatten()
                .map(|r| self.row(r, d))
                .collect()
            })
    }

    /// The grid factor of the explained year, t CO2e per MWh (`eval::grid_factor_co2e`).
    fn grid_factor(&self, d: usize) -> Node {
        let c = self.c();
        let gf = crate::eval::grid_factor_co2e(c, &self.e.ws);
        let v = gf.get(self.y).copied().unwrap_or(0.0);
        let mut nd = node("EF_grid", v, "t CO2e/MWh", NodeKind::Formula);
        match &c.electricity.grid {
            GridPlan::Factor { slot, .. } => {
                nd = nd.eq("EF_grid = grid_factor (CO2e with the model's GWP)");
                nd = nd.with(d, |d| vec![self.slot(*slot, 3.6, "t/MWh", d)]);
            }
            GridPlan::Mix(plants) => {
                nd = nd.eq("EF_grid = Σ_p share_p / η_p × EF_CO2e(fuel_p, energy) × 3.6");
                nd = nd.with(d, |d| {
                    plants
                        .iter()
                        .map(|p| self.slot(p.share, 1.0, "1", d))
                        .collect()
                });
            }
            GridPlan::None => nd.note = Some("no grid".into()),
        }
        nd
    }

    /// The terms `A × I × M × F` of the leaves of top `t`, for electricity (`elec`) or for
    /// fuels burnt in the region.
    fn leaf_terms(&self, t: usize, elec: bool, d: usize) -> Vec<Node> {
        let c = self.c();
        let top = &c.labels.tops[t];
        let y = self.y;
        let mut out = Vec::new();
        for (li, leaf) in self.e.bd.leaves.iter().enumerate() {
            if &leaf.sector != top {
                continue;
            }
            for (fi, f) in leaf.fuels.iter().enumerate() {
                if f.is_electricity != elec {
                    continue;
                }
                let v = f.co2e_t(leaf, y) * 1e-3;
                if v == 0.0 {
                    continue;
                }
                let label = format!("E({}, {})", leaf.path, f.fuel);
                let nd = node(label, v, "kt CO2e/yr", NodeKind::Product)
                    .eq("E(n,f) = A(n) × I(n) × M(n,f) × F(f) / 1000")
                    .with(d, |d| {
                        let mut k = self.leaf_factors(li, fi, d);
                        let (co2, ch4, n2o) = {
                            let cb = &c.combos[c.leaves[li].fuels[fi].2];
                            (cb.factors[0], cb.factors[2], cb.factors[3])
                        };
                        let mut fnode = node(
                            format!("F({})", f.fuel),
                            f.co2e_t_per_gj[y],
                            "t CO2e/GJ",
                            NodeKind::Formula,
                        )
                        .eq("F = EF_CO2 + GWP_CH4 × EF_CH4 + GWP_N2O × EF_N2O (fuel table, category factors)");
                        fnode.substituted = Some(format!(
                            "{} = {} + {} × {} + {} × {} (t/GJ)",
                            with_unit(f.co2e_t_per_gj[y], "t CO2e/GJ"),
                            short(co2),
                            short(c.gwp_ch4),
                            short(ch4),
                            short(c.gwp_n2o),
                            short(n2o)
                        ));
                        k.push(fnode);
                        k
                    });
                out.push(nd);
            }
        }
        out
    }

    /// `A(n)`, `I(n)` and `M(n,f)` of leaf `li`, fuel `fi`.
    fn leaf_factors(&self, li: usize, fi: usize, d: usize) -> Vec<Node> {
        let c = self.c();
        let lp = &c.leaves[li];
        let lb = &self.e.bd.leaves[li];
        let y = self.y;
        let au = base_unit(&lb.activity_dim);
        let mut a = self.slot_in(lp.activity, 1.0, &au, d, true);
        a.label = format!("A({})", lb.path);
        let iu = per_unit("GJ", &au);
        let mut i = self.slot(lp.intensity, 1.0, &iu, d);
        i.label = format!("I({})", lb.path);
        let mut m = self.slot(lp.fuels[fi].1, 1.0, "1", d);
        m.label = format!("M({}, {})", lb.path, lb.fuels[fi].fuel);
        if !c.energy_ops.is_empty() {
            let ei = lb.intensity_gj[y];
            let em = lb.fuels[fi].share[y];
            if ei != i.value || em != m.value {
                i.note = Some(format!(
                    "effective after save/switch/use: {} (the series holds {})",
                    with_unit(ei, &iu),
                    short(i.value)
                ));
                m.note = Some(format!(
                    "effective after save/switch/use: {} (the series holds {})",
                    short(em),
                    short(m.value)
                ));
            }
            // Each measure on the leaf's entries, with the effective I = Σ_f FE_f / A and
            // M_f = FE_f / Σ_f FE before and after it (as `breakdown` defines them).
            let n = c.n_years;
            let entries = lp.first_entry..lp.first_entry + lp.fuels.len();
            let act = self.slot_value(lp.activity);
            let (si, sm) = (
                self.slot_value(lp.intensity),
                self.slot_value(lp.fuels[fi].1),
            );
            let effective =
                |snap: &[f64]| match Effective::of(act, entries.clone().map(|e| snap[e * n + y])) {
                    Some(eff) => (
                        eff.intensity,
                        eff.share(snap[(lp.first_entry + fi) * n + y]),
                    ),
                    None => (si, sm),
                };
            for (k, op) in c.energy_ops.iter().enumerate() {
                let touches = op
                    .entries
                    .iter()
                    .any(|(e, t)| entries.contains(e) || t.is_some_and(|t| entries.contains(&t)));
                let (Some(before), Some(after)) = (self.e.energy.get(k), self.e.energy.get(k + 1))
                else {
                    continue;
                };
                if !touches {
                    continue;
                }
                let ((ib, mb), (ia, ma)) = (effective(before), effective(after));
                let (action, measure) = c.labels.measure_ids[op.op].clone();
                let lever = match op.lever {
                    crate::plan::EnergyLever::Save => "save",
                    crate::plan::EnergyLever::Switch { .. } => "switch",
                    crate::plan::EnergyLever::Use => "use",
                };
                let change = |before: f64, after: f64| MeasureChange {
                    action: action.clone(),
                    measure: measure.clone(),
                    lever,
                    before,
                    after,
                };
                if ib != ia {
                    i.measures.push(change(ib, ia));
                }
                if mb != ma {
                    m.measures.push(change(mb, ma));
                }
            }
            i.value = ei;
            m.value = em;
        }
        vec![a, i, m]
    }

    /// `FE(n, f) = A × I × M` (TJ) of the leaves of top `t` burning run fuel `k`.
    fn leaf_energy(&self, t: usize, k: usize, d: usize) -> Vec<Node> {
        let c = self.c();
        let top = &c.labels.tops[t];
        let fuel = &c.labels.fuels[k];
        let y = self.y;
        let mut out = Vec::new();
        for (li, leaf) in self.e.bd.leaves.iter().enumerate() {
            if &leaf.sector != top {
                continue;
            }
            for (fi, f) in leaf.fuels.iter().enumerate() {
                if &f.fuel != fuel {
                    continue;
                }
                let v = f.energy_gj(leaf, y) * 1e-3;
                let nd = node(
                    format!("FE({}, {})", leaf.path, fuel),
                    v,
                    "TJ/yr",
                    NodeKind::Product,
                )
                .eq("FE(n,f) = A(n) × I(n) × M(n,f) / 1000")
                .with(d, |d| self.leaf_factors(li, fi, d));
                out.push(nd);
            }
        }
        out
    }

    /// Source `j`: `A × Σ_g GWP_g × EF_g`, kt CO2e.
    fn source(&self, j: usize, d: usize) -> Node {
        let c = self.c();
        let sb = &self.e.bd.sources[j];
        let plan = &c.sources[j];
        let y = self.y;
        // The source's emissions as the evaluation adds them, term by term (the factored
        // `A × EF` of the breakdown may differ in the last bits).
        let v = crate::parts::source_co2e_t(c, &self.e.ws, j)[y] * 1e-3;
        // A refrigerant bank or a land class (docs/EXTENSIONS.md): a stock model, not
        // activity × factors; its inputs are the bank's or the class's series.
        if let Some(ext) = c.inventory.by_source.get(j).copied().flatten() {
            let eq = match ext {
                crate::inventory::SourceExt::Refrigerant(_) => {
                    "E(src) = Σ_g GWP_g × (leaks + retirement losses) of the bank, counted gases (docs/EXTENSIONS.md)"
                }
                crate::inventory::SourceExt::Land(_) => {
                    "E(src) = land remaining × removals + converted land's biomass and soil loss (docs/EXTENSIONS.md)"
                }
            };
            return node(
                format!("E({})", sb.path),
                v,
                "kt CO2e/yr",
                NodeKind::Formula,
            )
            .eq(eq)
            .with(d, |d| {
                crate::inventory::source_slots(&c.inventory, j)
                    .into_iter()
                    .filter(|&slot| {
                        !(c.slot_names[slot].contains(".refrigerant.gases.")
                            && self.slot_value(slot) == 0.0)
                    })
                    .map(|slot| self.slot(slot, 1.0, "base unit", d))
                    .collect()
            });
        }
        let au = base_unit(&sb.activity_dim);
        node(
            format!("E({})", sb.path),
            v,
            "kt CO2e/yr",
            NodeKind::Product,
        )
        .eq("E(src) = A(src) × Σ_g GWP_g × EF(src, g) / 1000")
        .with(d, |d| {
            let mut a = self.slot_in(plan.activity, 1.0, &au, d, true);
            a.label = format!("A({})", sb.path);
            let mut f = node(
                format!("EF({})", sb.path),
                sb.co2e_t_per_unit[y],
                &per_unit("t CO2e", &au),
                NodeKind::Formula,
            )
            .eq("EF = Σ_g GWP_g × EF_g");
            f = f.with(d, |d| {
                plan.factors
                    .iter()
                    .map(|(g, slot)| {
                        let gas = g.name();
                        let mut k = self.slot(*slot, 1.0, &per_unit(&format!("t {gas}"), &au), d);
                        k.label = format!("EF({}, {gas})", sb.path);
                        k
                    })
                    .collect()
            });
            vec![a, f]
        })
    }

    /// A row of the electricity balance.
    fn elec(&self, r: usize, i: usize, value: f64, d: usize) -> Node {
        let c = self.c();
        let spec = &c.row_specs[r];
        let mut nd = node(spec.variable.clone(), value, &spec.unit, NodeKind::Formula);
        nd.variable = Some(spec.variable.clone());
        let row_of = |k: usize| self.find(|s| matches!(s, Source::Elec(x) if *x == k));
        let n_fuels = c.labels.fuels.len();
        let y = self.y;
        let losses = self.slot_value(c.electricity.losses);
        let busbar = |d: usize| {
            let dm = self.e.ws.out.elec_mwh[[elec_row::DEMAND, y]];
            node(
                "B",
                crate::electricity::busbar_supply(dm, losses),
                "MWh/yr",
                NodeKind::Formula,
            )
            .eq("B = D / (1 − λ): busbar supply")
            .with(d, |d| {
                let mut v: Vec<Node> = row_of(elec_row::DEMAND)
                    .map(|r| self.row(r, d))
                    .into_iter()
                    .collect();
                let mut l = self.slot(c.electricity.losses, 1.0, "1", d);
                l.label = "λ (losses)".into();
                v.push(l);
                v
            })
        };
        match i {
            elec_row::DEMAND => {
                nd.kind = NodeKind::Sum;
                nd = nd.eq("D = Σ_s FE(s, electricity) / 3.6 (MWh)").with(d, |d| {
                    let Some(k) = c.electricity.fuel else { return Vec::new() };
                    (0..c.labels.tops.len())
                        .filter(|t| c.top_fuel_rows.contains(&(t * n_fuels + k)))
                        .map(|t| {
                            let gj = self.e.ws.out.fe_top_fuel_gj[[t * n_fuels + k, y]];
                            let r = self.find(|s| matches!(s, Source::TopFuelEnergy(x) if *x == t * n_fuels + k));
                            let mut k = node(
                                format!("FE({}, electricity)", c.labels.tops[t]),
                                gj / 3.6,
                                "MWh/yr",
                                NodeKind::Formula,
                            )
                            .eq("= Final Energy|<sector>|electricity × 1000 / 3.6");
                            if let Some(r) = r {
                                k = k.with(d, |d| vec![self.row(r, d)]);
                            }
                            k
                        })
                        .collect()
                });
            }
            elec_row::LOCAL => {
                nd.kind = NodeKind::Sum;
                nd = nd
                    .eq("L = Σ_u capacity(u) × cf(u) + generation measures + waste to energy + biogas")
                    .with(d, |d| {
                        let mut v = Vec::new();
                        let units = self.e.scenario.model.electricity.as_ref().map(|e| e.local.as_slice()).unwrap_or(&[]);
                        for (u, unit) in c.electricity.local.iter().zip(units) {
                            let gen = crate::electricity::unit_generation(
                                self.slot_value(u.a),
                                self.slot_value(u.b),
                            ) / 3.6;
                            let a = self.slot(u.a, 1.0 / 3.6, "MWh/yr", d);
                            let b = self.slot(u.b, 1.0, "1", d);
                            v.push(
                                node(format!("L({})", unit.name), gen, "MWh/yr", NodeKind::Product)
                                    .eq("L(u) = capacity × capacity factor (or generation × 1)")
                                    .with(d + 1, |_| vec![a, b]),
                            );
                        }
                        let extra = self.slot_value(c.electricity.extra_generation);
                        if extra != 0.0 || !self.e.trace[c.electricity.extra_generation].is_empty() {
                            let mut g = self.slot(c.electricity.extra_generation, 1.0 / 3.6, "MWh/yr", d);
                            g.label = "generation measures".into();
                            v.push(g);
                        }
                        for k in [elec_row::WASTE_TO_ENERGY, elec_row::BIOGAS] {
                            if let Some(r) = row_of(k) {
                                v.push(self.row(r, d));
                            }
                        }
                        v
                    });
            }
            elec_row::GRID => {
                nd = nd.eq("G = max(B − L, 0)").with(d, |d| {
                    let mut v = vec![busbar(d)];
                    v.extend(row_of(elec_row::LOCAL).map(|r| self.row(r, d)));
                    v
                });
            }
            elec_row::EXPORT => {
                nd = nd
                    .eq("X = max(L − B, 0): surplus local generation, no credit")
                    .with(d, |d| {
                        let mut v: Vec<Node> = row_of(elec_row::LOCAL)
                            .map(|r| self.row(r, d))
                            .into_iter()
                            .collect();
                        v.push(busbar(d));
                        v
                    });
            }
            elec_row::LOSSES => {
                nd = nd.eq("losses = B − D").with(d, |d| {
                    let mut v = vec![busbar(d)];
                    v.extend(row_of(elec_row::DEMAND).map(|r| self.row(r, d)));
                    v
                });
            }
            elec_row::WASTE_TO_ENERGY => {
                nd = nd.eq("WtE = m_incinerated × e_incineration / 3.6").with(d, |d| {
                    let mut v: Vec<Node> = self
                        .find(|s| matches!(s, Source::WasteDetail(x) if *x == waste_row::INCINERATION))
                        .map(|r| self.row(r, d))
                        .into_iter()
                        .collect();
                    if let Some(w) = &c.waste {
                        v.push(self.slot(w.incineration_electricity, 1.0 / 3.6, "MWh/t", d));
                    }
                    v
                });
            }
            elec_row::BIOGAS => {
                nd = nd.eq("biogas = m_digested × e_digestion / 3.6").with(d, |d| {
                    let mut v: Vec<Node> = self
                        .find(|s| matches!(s, Source::WasteDetail(x) if *x == waste_row::ANAEROBIC_DIGESTION))
                        .map(|r| self.row(r, d))
                        .into_iter()
                        .collect();
                    if let Some(w) = &c.waste {
                        v.push(self.slot(w.ad_electricity, 1.0 / 3.6, "MWh/t", d));
                    }
                    v
                });
            }
            _ => {}
        }
        nd
    }

    /// A waste row (masses by route, gases by process).
    fn waste_detail(&self, r: usize, i: usize, value: f64, d: usize) -> Node {
        let c = self.c();
        let spec = &c.row_specs[r];
        let mut nd = node(spec.variable.clone(), value, &spec.unit, NodeKind::Formula);
        nd.variable = Some(spec.variable.clone());
        let Some(w) = &c.waste else { return nd };
        let generated = self.find(|s| matches!(s, Source::WasteGenerated));
        let mass_row = |k: usize| self.find(|s| matches!(s, Source::WasteDetail(x) if *x == k));
        let route = match i {
            waste_row::LANDFILL => Some(0),
            waste_row::RECYCLING => Some(1),
            waste_row::COMPOSTING => Some(2),
            waste_row::INCINERATION => Some(3),
            waste_row::ANAEROBIC_DIGESTION => Some(4),
            _ => None,
        };
        if let Some(k) = route {
            if w.by_type {
                nd = nd
                    .eq("m_r = W × Σ_k composition(k) × s(k, r)")
                    .with(d, |d| {
                        let mut v: Vec<Node> =
                            generated.map(|r| self.row(r, d)).into_iter().collect();
                        for (t, &cs) in w.composition.iter().enumerate() {
                            if self.slot_value(cs) != 0.0 {
                                v.push(self.slot(cs, 1.0, "1", d));
                                v.push(self.slot(w.routes[t][k], 1.0, "1", d));
                            }
                        }
                        v
                    });
            } else {
                nd.kind = NodeKind::Product;
                nd = nd.eq("m_r = W × s_r").with(d, |d| {
                    let mut v: Vec<Node> = generated.map(|r| self.row(r, d)).into_iter().collect();
                    v.push(self.slot(w.routes[0][k], 1.0, "1", d));
                    v
                });
            }
            return nd;
        }
        let (eq, inputs): (&str, Vec<usize>) = match i {
            waste_row::LANDFILL_CH4 => (
                "first-order decay (IPCC 2006 Vol. 5 Ch. 3): CH4 = Σ_k DDOCm decomposed(k) × F × 16/12 × (1 − R) × (1 − OX)",
                vec![w.recovery],
            ),
            waste_row::COMPOSTING_CH4 | waste_row::COMPOSTING_N2O => {
                ("m_composted × EF (IPCC 2006 Vol. 5 Ch. 4)", vec![])
            }
            waste_row::INCINERATION_CO2 => (
                "Σ_k m_incinerated(k) × fossil C(k) × 44/12 × (1 − capture) (IPCC 2006 Vol. 5 Ch. 5; capture: docs/EXTENSIONS.md)",
                w.composition
                    .iter()
                    .copied()
                    .chain([w.incineration_capture])
                    .collect(),
            ),
            _ => ("m_digested × EF (IPCC 2006 Vol. 5 Ch. 4)", vec![]),
        };
        let masses = match i {
            waste_row::LANDFILL_CH4 => vec![waste_row::LANDFILL],
            waste_row::COMPOSTING_CH4 | waste_row::COMPOSTING_N2O => vec![waste_row::COMPOSTING],
            waste_row::INCINERATION_CO2 => vec![waste_row::INCINERATION],
            _ => vec![waste_row::ANAEROBIC_DIGESTION],
        };
        nd.eq(eq).with(d, |d| {
            let mut v: Vec<Node> = masses
                .iter()
                .filter_map(|&k| mass_row(k))
                .map(|r| self.row(r, d))
                .collect();
            for s in inputs {
                if self.slot_value(s) != 0.0 || i == waste_row::LANDFILL_CH4 {
                    v.push(self.slot(s, 1.0, "1", d));
                }
            }
            v
        })
    }

    /// A slot in the base unit of its series' dimension (`unit` when it has none).
    fn series_slot(&self, slot: usize, unit: &str, d: usize) -> Node {
        self.slot(slot, 1.0, &self.slot_unit(slot, unit), d)
    }

    /// The base unit of a slot's series (`unit` when it has none).
    fn slot_unit(&self, slot: usize, unit: &str) -> String {
        self.c()
            .slot_series
            .get(slot)
            .and_then(Option::as_ref)
            .map(|i| base_unit(&i.dim))
            .unwrap_or_else(|| unit.to_string())
    }

    /// A wastewater row (IPCC 2006 Vol. 5 Ch. 6, `crate::wastewater`): organics, CH4 of a
    /// stream, N2O of domestic effluent, with their operands.
    fn wastewater(&self, nd: Node, w: usize, d: usize) -> Node {
        use crate::eval::wastewater_row as wr;
        let c = self.c();
        let Some(plan) = &c.wastewater else { return nd };
        let model = &self.e.scenario.model;
        let ww = model.wastewater.as_ref();
        let at = |slot: usize| self.slot_value(slot);
        let organics_row =
            |k: usize| self.find(|s| matches!(s, Source::Wastewater(x, _) if *x == k));
        // The activity of a wastewater stream (population, production) in its base unit.
        let activity_unit = |a: Option<&lcs_model::Activity>| {
            a.map(|a| base_unit(&lcs_model::activity_dim(model, a)))
                .unwrap_or_else(|| "1".into())
        };
        let activity = |slot: usize, a: Option<&lcs_model::Activity>, d: usize| {
            self.slot_in(slot, 1.0, &activity_unit(a), d, true)
        };
        let sv = |slot: usize, unit: &str| with_unit(at(slot), &self.slot_unit(slot, unit));
        // CH4 of a stream from its organics row `k`.
        // Which pathways of a stream the model leaves out (there at share 0 for measures).
        let implicit = |ms: Option<&lcs_model::WastewaterStream>| -> Vec<bool> {
            ms.map(|m| m.pathways.iter().map(|p| p.implicit).collect())
                .unwrap_or_default()
        };
        let stream_ch4 = |nd: Node,
                          st: &crate::plan::StreamPlan,
                          implicit: Vec<bool>,
                          k: usize,
                          what: &str| {
            let mcf = crate::wastewater::weighted_mcf(
                st.pathways.iter().map(|&(slot, mcf)| (at(slot), mcf)),
            );
            let tow = self.e.ws.out.wastewater_t[[k, self.y]];
            let tow_unit = organics_row(k)
                .map(|r| c.row_specs[r].unit.trim_end_matches("/yr").to_string())
                .unwrap_or_else(|| "t".into());
            let mut nd = nd.eq(format!(
                "CH4 = TOW × (1 − sludge) × B0 × MCF_w × (1 − recovery) / 1000, MCF_w = Σ_j share_j × MCF_j (IPCC 2006 Vol. 5 Eq. 6.1, 6.4; {what})"
            ));
            let value = nd.value;
            let unit = nd.unit.clone();
            nd = nd.with(d, |d| {
                let mut v: Vec<Node> = organics_row(k)
                    .map(|r| self.row(r, d))
                    .into_iter()
                    .collect();
                v.push(self.slot(st.sludge, 1.0, "1", d));
                v.push(self.slot(st.recovery, 1.0, "1", d));
                for (j, &(slot, m)) in st.pathways.iter().enumerate() {
                    // A pathway the model does not write, still at share 0, is no input.
                    if implicit.get(j).copied().unwrap_or(false) && at(slot) == 0.0 {
                        continue;
                    }
                    let mut p = self.slot(slot, 1.0, "1", d);
                    p.note = Some(format!("MCF {}", short(m)));
                    v.push(p);
                }
                v
            });
            nd.substituted = Some(format!(
                "{} = {} × (1 − {}) × {} t CH4/t × {} × (1 − {}) / 1000",
                with_unit(value, &unit),
                with_unit(tow, &tow_unit),
                short(at(st.sludge)),
                short(st.b0),
                short(mcf),
                short(at(st.recovery))
            ));
            nd
        };
        match (w, &plan.domestic) {
            (wr::DOMESTIC_ORGANICS, Some(dp)) => {
                let a = ww.and_then(|x| x.domestic.as_ref()).map(|x| &x.population);
                let mut nd = nd.eq("TOW = P × BOD × I (IPCC 2006 Vol. 5 Eq. 6.3)");
                let value = nd.value;
                let unit = nd.unit.clone();
                nd = nd.with(d, |d| {
                    vec![
                        activity(dp.population, a, d),
                        self.series_slot(dp.bod, "t/person", d),
                    ]
                });
                nd.substituted = Some(format!(
                    "{} = {} × {} × {}",
                    with_unit(value, &unit),
                    with_unit(at(dp.population), &activity_unit(a)),
                    sv(dp.bod, "t/person"),
                    short(dp.correction)
                ));
                return nd;
            }
            (wr::DOMESTIC_CH4, Some(dp)) => {
                return stream_ch4(
                    nd,
                    &dp.stream,
                    implicit(ww.and_then(|x| x.domestic.as_ref()).map(|x| &x.stream)),
                    wr::DOMESTIC_ORGANICS,
                    "domestic, B0 in t CH4/t BOD",
                );
            }
            (wr::DOMESTIC_N2O, Some(dp)) => {
                let Some((protein, factor, ef, sludge_n)) = dp.nitrogen else {
                    return nd;
                };
                let a = ww.and_then(|x| x.domestic.as_ref()).map(|x| &x.population);
                let mut nd = nd.eq("N2O = (P × Protein × F_NPR × F_NON-CON × F_IND-COM − N_sludge) × EF_effluent × 44/28 / 1000 (IPCC 2006 Vol. 5 Eq. 6.7, 6.8)");
                let value = nd.value;
                let unit = nd.unit.clone();
                nd = nd.with(d, |d| {
                    vec![
                        activity(dp.population, a, d),
                        self.series_slot(protein, "t/person", d),
                        self.series_slot(sludge_n, "t", d),
                    ]
                });
                nd.substituted = Some(format!(
                    "{} = ({} × {} × {} − {}) × {} × 44/28 / 1000",
                    with_unit(value, &unit),
                    with_unit(at(dp.population), &activity_unit(a)),
                    sv(protein, "t/person"),
                    short(factor),
                    sv(sludge_n, "t"),
                    short(ef)
                ));
                return nd;
            }
            _ => {}
        }
        let Some(i) = w.checked_sub(wr::industry(0)).map(|k| k / 2) else {
            return nd;
        };
        let Some(ip) = plan.industrial.get(i) else {
            return nd;
        };
        let name = c.labels.industries.get(i).cloned().unwrap_or_default();
        if (w - wr::industry(0)) % 2 == 1 {
            return stream_ch4(
                nd,
                &ip.stream,
                implicit(ww.and_then(|x| x.industrial.get(i)).map(|x| &x.stream)),
                wr::industry(i),
                &format!("industry {name}, B0 in t CH4/t COD"),
            );
        }
        let a = ww.and_then(|x| x.industrial.get(i)).map(|x| &x.production);
        let mut nd = nd.eq("TOW = P × W × COD (IPCC 2006 Vol. 5 Eq. 6.6)");
        let value = nd.value;
        let unit = nd.unit.clone();
        nd = nd.with(d, |d| {
            vec![
                activity(ip.production, a, d),
                self.series_slot(ip.wastewater, "1", d),
                self.series_slot(ip.cod, "1", d),
            ]
        });
        nd.substituted = Some(format!(
            "{} = {} × {} × {}",
            with_unit(value, &unit),
            with_unit(at(ip.production), &activity_unit(a)),
            sv(ip.wastewater, "1"),
            sv(ip.cod, "1")
        ));
        nd
    }

    /// A slot: how it is computed (its step) or where it is defined, its data rows and the
    /// measures that changed it; `factor` converts base units to `unit`.
    fn slot(&self, slot: usize, factor: f64, unit: &str, d: usize) -> Node {
        self.slot_in(slot, factor, unit, d, false)
    }

    /// [`Build::slot`], with `keep_unit` showing a driver in the caller's unit (base units)
    /// instead of its declared unit, where the node is a factor of a product in base units.
    fn slot_in(&self, slot: usize, factor: f64, unit: &str, d: usize, keep_unit: bool) -> Node {
        let c = self.c();
        let y = self.y;
        let model = &self.e.scenario.model;
        let name = c.slot_names[slot].clone();
        let driver = c.driver_slots.iter().position(|&s| s == slot);
        let info = c.slot_series.get(slot).and_then(Option::as_ref);
        // Display unit: a driver's declared unit; else the caller's.
        let (factor, unit) = match driver.filter(|_| !keep_unit) {
            Some(di) => (
                1.0 / model.drivers[di].unit_factor,
                model.drivers[di].unit_text.clone(),
            ),
            None => (factor, unit.to_string()),
        };
        let value = self.slot_value(slot) * factor;
        let mut nd = node(name.clone(), value, &unit, NodeKind::Input);
        nd.path = Some(name.clone());
        nd.defined_at = c.slot_spans[slot];
        let defining = defining_step(c, slot);
        let expr = match driver {
            Some(di) => match &model.drivers[di].series.def {
                lcs_model::SeriesDef::Expr(e) => Some(e.clone()),
                lcs_model::SeriesDef::Values(_) => None,
            },
            None => info.and_then(|i| i.expr.clone()),
        };
        let provenance = match driver {
            Some(di) => model.drivers[di].series.provenance.as_deref(),
            None => info.and_then(|i| i.provenance.as_deref()),
        };
        match defining {
            Some(Step::Expr { .. }) => {
                nd.kind = NodeKind::Formula;
                let text = expr.as_ref().map(|e| e.to_string()).unwrap_or_default();
                nd.equation = Some(format!("{name} = {text}"));
                let names = expr.as_ref().map(|e| e.names()).unwrap_or_default();
                // The expression with each driver's value and unit in place of its name.
                let drivers: Vec<(String, String)> = names
                    .iter()
                    .filter_map(|nm| {
                        let di = model.driver(nm)?;
                        let (f, u) = self.display_unit(c.driver_slots[di], 1.0, "");
                        Some((
                            nm.clone(),
                            with_unit(self.slot_value(c.driver_slots[di]) * f, &u),
                        ))
                    })
                    .collect();
                nd.substituted = Some(format!(
                    "{} = {}",
                    with_unit(self.before_measures(slot) * factor, &unit),
                    substitute(&text, &drivers)
                ));
                nd = nd.with(d, |d| {
                    names
                        .iter()
                        .filter_map(|nm| model.driver(nm))
                        .map(|di| self.slot(c.driver_slots[di], 1.0, "", d))
                        .collect()
                });
            }
            Some(Step::Mul { a, b, .. }) => {
                nd.kind = NodeKind::Formula;
                let (a, b) = (*a, *b);
                nd.equation = Some(format!(
                    "{name} = {} × {}",
                    c.slot_names[a], c.slot_names[b]
                ));
                let unit_of = |s: usize| {
                    c.slot_series
                        .get(s)
                        .and_then(Option::as_ref)
                        .map(|i| base_unit(&i.dim))
                        .unwrap_or_else(|| "".into())
                };
                // An operand without a series of its own (a parent's activity) times a share
                // has the unit of the product.
                let (ua, ub) = (unit_of(a), unit_of(b));
                let ua = if ua.is_empty() && ub == "1" {
                    unit.clone()
                } else {
                    ua
                };
                let fa = if unit_of(a).is_empty() && ub == "1" {
                    factor
                } else {
                    1.0
                };
                nd = nd.with(d, |d| {
                    let ka = self.slot(a, fa, &ua, d);
                    let kb = self.slot(b, 1.0, &ub, d);
                    vec![ka, kb]
                });
                // The product as computed, before any measure on this slot, with each
                // operand in the unit its node shows.
                let (fa, ua) = self.display_unit(a, fa, &ua);
                let (fb, ub) = self.display_unit(b, 1.0, &ub);
                nd.substituted = Some(format!(
                    "{} = {} × {}",
                    with_unit(self.before_measures(slot) * factor, &unit),
                    with_unit(self.slot_value(a) * fa, &ua),
                    with_unit(self.slot_value(b) * fb, &ub)
                ));
            }
            Some(Step::Copy { src, .. }) if c.slot_names[*src] == name => {
                // The activity slot of a series: show the series itself.
                // Its value is the slot's (after the measures on the activity, listed below).
                let mut k = self.slot(*src, factor, &unit, d);
                k.value = value;
                k.path = nd.path.take();
                nd = k;
            }
            Some(Step::Copy { src, .. }) => {
                nd.kind = NodeKind::Formula;
                let src = *src;
                nd.equation = Some(format!("{name} = {}", c.slot_names[src]));
                nd = nd.with(d, |d| vec![self.slot(src, factor, &unit, d)]);
            }
            _ => {
                if let Some(p) = provenance {
                    nd.data = data_rows(p, c.base_year + y as i32);
                }
            }
        }
        // Measures, in order: value before and after in the node's unit.
        for t in &self.e.trace[slot] {
            let info = &c.ops[t.op];
            let (action, measure) = c.labels.measure_ids[t.op].clone();
            let lever = self
                .e
                .scenario
                .actions
                .get(info.action)
                .and_then(|a| a.measures.get(info.measure))
                .map_or("measure", |m| m.lever.name());
            let (b, a) = (t.before[y] * factor, t.after[y] * factor);
            if b != a {
                nd.measures.push(MeasureChange {
                    action,
                    measure,
                    lever,
                    before: b,
                    after: a,
                });
            }
        }
        nd
    }

    /// The factor and unit a slot's node shows it in: a driver's declared unit, else the
    /// caller's.
    fn display_unit(&self, slot: usize, factor: f64, unit: &str) -> (f64, String) {
        let model = &self.e.scenario.model;
        match self.c().driver_slots.iter().position(|&s| s == slot) {
            Some(di) => (
                1.0 / model.drivers[di].unit_factor,
                model.drivers[di].unit_text.clone(),
            ),
            None => (factor, unit.to_string()),
        }
    }

    /// A slot's value before the first measure that wrote it (its value after its own step).
    fn before_measures(&self, slot: usize) -> f64 {
        match self.e.trace[slot].first() {
            Some(t) => t.before[self.y],
            None => self.slot_value(slot),
        }
    }
}

/// `text` with every name of `values` (a whole word, [`map_words`]) replaced by its value,
/// in parentheses when it has a unit: `population / household_size` becomes
/// `(1.2e6 person) / (4.1 person)`.
fn substitute(text: &str, values: &[(String, String)]) -> String {
    map_words(text, |word| {
        values.iter().find(|(n, _)| n == word).map(|(_, v)| {
            if v.contains(' ') {
                format!("({v})")
            } else {
                v.clone()
            }
        })
    })
}

/// The step that computes `slot` (an expression, a product or a copy): a step of the run,
/// or one that `fold` ran into the base arena at compile time, shown as if it ran.
fn defining_step(c: &Compiled, slot: usize) -> Option<&Step> {
    c.steps.iter().chain(&c.folded).find(|s| match s {
        Step::Expr { slot: x, .. } | Step::Mul { slot: x, .. } | Step::Copy { slot: x, .. } => {
            *x == slot
        }
        _ => false,
    })
}

/// The data-file rows behind year `year` of a series read from a data file: the row of
/// the year, or the rows before and after it.
fn data_rows(p: &lcs_model::Provenance, year: i32) -> Vec<DataRow> {
    let row = |pt: &lcs_model::DataPoint| DataRow {
        file: p.file.clone(),
        sheet: p.sheet.clone(),
        year: pt.year,
        row: pt.row,
        cell: pt.cell(),
        text: pt.text.clone(),
        source: pt.source.clone().or_else(|| p.source.clone()),
        status: pt.status.clone(),
    };
    if let Some(pt) = p.points.iter().find(|pt| pt.year == year) {
        return vec![row(pt)];
    }
    let before = p.points.iter().rev().find(|pt| pt.year < year);
    let after = p.points.iter().find(|pt| pt.year > year);
    // With `step` a year between two rows takes the earlier row's value only (the later row
    // does not shape it: found by the held-out review, which saw both rows named).
    if p.interp == lcs_units::Interp::Step && before.is_some() {
        return before.into_iter().map(row).collect();
    }
    before.into_iter().chain(after).map(row).collect()
}

/// One input of a compiled model in one year, for data-quality tables: a series written in
/// a file or read from a data file, that no step computes.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    /// The parameter path (`drivers.population`, `demand.transport/car.share`).
    pub path: String,
    /// The value in the year, in `unit`.
    pub value: f64,
    /// The unit: a driver's declared unit, else the base unit of the series' dimension.
    pub unit: String,
    /// Where the series is defined in a YAML file.
    pub defined_at: Option<Span>,
    /// The data-file rows of the year (one, or the two interpolated between); empty for a
    /// series written inline.
    pub data: Vec<DataRow>,
}

/// The inputs of `c` (the compiled form of `scenario`) in year `year` (base values, before
/// measures), in slot order: every driver that is not an expression, and every other series
/// of the model that is neither an expression nor a measure's lever value.
pub fn inputs(scenario: &Scenario, c: &Compiled, year: i32) -> Vec<Input> {
    let n = c.n_years;
    let Some(y) = usize::try_from(year - c.base_year).ok().filter(|y| *y < n) else {
        return Vec::new();
    };
    let computed: std::collections::BTreeSet<usize> = c
        .steps
        .iter()
        .chain(&c.folded)
        .filter_map(|s| match s {
            Step::Expr { slot, .. } | Step::Mul { slot, .. } | Step::Copy { slot, .. } => {
                Some(*slot)
            }
            _ => None,
        })
        .collect();
    let model = &scenario.model;
    let mut out = Vec::new();
    for slot in 0..c.slot_names.len() {
        if computed.contains(&slot) {
            continue;
        }
        let name = &c.slot_names[slot];
        // Measures' own series (`…: \`by\``) are levers, not inputs of the model.
        if name.contains(": ") || c.slot_spans[slot].is_none() {
            continue;
        }
        // The factors of a `process:` source come from the embedded IPCC table, as fuel
        // factors do: built-in values, not inputs the model writes.
        let process_factor = model.sources.iter().any(|s| {
            s.process.is_some() && name.starts_with(&format!("sources.{}.factors.", s.path))
        });
        if process_factor {
            continue;
        }
        let (unit, factor, provenance) = match c.driver_slots.iter().position(|&s| s == slot) {
            Some(di) => {
                let d = &model.drivers[di];
                (
                    d.unit_text.clone(),
                    1.0 / d.unit_factor,
                    d.series.provenance.as_deref(),
                )
            }
            None => match c.slot_series.get(slot).and_then(Option::as_ref) {
                Some(info) => (base_unit(&info.dim), 1.0, info.provenance.as_deref()),
                None => continue,
            },
        };
        out.push(Input {
            path: name.clone(),
            value: c.arena[slot * n + y] * factor,
            unit,
            defined_at: c.slot_spans[slot],
            data: provenance.map(|p| data_rows(p, year)).unwrap_or_default(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lcs_units::Dimension;

    #[test]
    fn base_units_name_energy_mass_and_length_and_keep_other_names() {
        // energy / (person · length): GJ per person-metre.
        let d = Dimension::energy().div(&Dimension::base("person").mul(&Dimension::length()));
        assert_eq!(base_unit(&d), "GJ/m person");
        assert_eq!(base_unit(&Dimension::mass().powi(2)), "t^2");
        assert_eq!(base_unit(&Dimension::base("MYR")), "MYR");
        // A count whose name holds a base word is not rewritten inside the word.
        assert_eq!(base_unit(&Dimension::base("energy_unit")), "energy_unit");
        assert_eq!(base_unit(&Dimension::none()), "1");
        // A gas per tonne (a process factor, `t CO2/t`): the masses cancel in the
        // dimension, the text keeps them (found by the held-out review: it read `CO2`).
        let co2 = Dimension::species_tag(lcs_units::Species::CO2);
        assert_eq!(base_unit(&co2), "t CO2/t");
        assert_eq!(
            base_unit(&co2.div(&Dimension::base("person"))),
            "t CO2/t person"
        );
        assert_eq!(
            base_unit(&Dimension::mass().mul(&co2).div(&Dimension::energy())),
            "t CO2/GJ"
        );
    }

    #[test]
    fn substitution_replaces_whole_names_and_keeps_numbers() {
        let values = vec![
            ("population".to_string(), "1.2e6 person".to_string()),
            ("size".to_string(), "4.1".to_string()),
        ];
        assert_eq!(
            substitute("population / size * 1.5 + population_2", &values),
            "(1.2e6 person) / 4.1 * 1.5 + population_2"
        );
        // A number that spells a name's digits stays whole.
        let values = vec![("x".to_string(), "9".to_string())];
        assert_eq!(substitute("x*0.5x", &values), "9*0.5x");
    }
}
