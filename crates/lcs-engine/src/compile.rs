//! Compilation: a checked [`Scenario`] becomes a [`Compiled`] plan (types in `plan`).
//!
//! Every series of the model gets a *slot* in one arena (`slot * n_years + year`, base
//! units). Each spec section compiles its own part, in this order, into a shared
//! [`Builder`]: drivers and expressions (§3, `drivers`), demand (§4, `demand`), electricity
//! (§5, `electricity`), waste (§7, `waste_section`), sources (§8, `sources`), and last the
//! measures and sampled parameters (§9, `measures`), which need every slot. [`compile`]
//! then assembles the steps in evaluation order, fixes the output rows and the arena ranges
//! that steps write.
//!
//! Every base value is checked finite here; a name or index the checker resolved but that
//! is missing is a [`CompileError`], never a silent fallback.

use crate::plan::{Bound, CompileError, Compiled, Labels, SlotSeries, Step};
use lcs_model::{Model, Scenario, Series, SeriesDef, Span};

/// The arena under construction and the names of its slots.
pub(crate) struct Builder<'m> {
    pub model: &'m Model,
    pub n: usize,
    pub arena: Vec<f64>,
    pub names: Vec<String>,
    pub spans: Vec<Option<Span>>,
    /// The series behind each slot made by [`Builder::series`] (read by `explain`).
    pub series: Vec<Option<SlotSeries>>,
    /// A slot of zeros and one of ones (never written).
    pub zero: usize,
    pub one: usize,
    /// Expressions of series other than drivers: run after every driver and its measures.
    pub late_exprs: Vec<Step>,
    /// Driver slots in model order.
    pub driver_slots: Vec<usize>,
}

impl<'m> Builder<'m> {
    fn new(model: &'m Model) -> Self {
        let mut b = Builder {
            model,
            n: model.n_years(),
            arena: Vec::new(),
            names: Vec::new(),
            spans: Vec::new(),
            series: Vec::new(),
            zero: 0,
            one: 0,
            late_exprs: Vec::new(),
            driver_slots: Vec::new(),
        };
        b.zero = b.constant(0.0, "0");
        b.one = b.constant(1.0, "1");
        b
    }

    /// A new slot with the given values.
    pub(crate) fn slot(
        &mut self,
        values: &[f64],
        name: impl Into<String>,
        span: Option<Span>,
    ) -> usize {
        debug_assert_eq!(values.len(), self.n);
        let s = self.names.len();
        self.arena.extend_from_slice(values);
        self.names.push(name.into());
        self.spans.push(span);
        self.series.push(None);
        s
    }

    /// A new slot holding `v` in every year.
    pub(crate) fn constant(&mut self, v: f64, name: impl Into<String>) -> usize {
        let vals = vec![v; self.n];
        self.slot(&vals, name, None)
    }

    /// A new slot of zeros (filled during evaluation, or by measures).
    pub(crate) fn empty(&mut self, name: impl Into<String>) -> usize {
        self.constant(0.0, name)
    }

    /// A slot for a series: its values, or an expression over drivers evaluated after every
    /// driver (and checked against `bound` when it runs).
    pub(crate) fn series(
        &mut self,
        s: &Series,
        name: impl Into<String>,
        bound: Bound,
    ) -> Result<usize, CompileError> {
        let name = name.into();
        let slot = self.series_slot(s, name, bound)?;
        self.series[slot] = Some(SlotSeries::of(s));
        Ok(slot)
    }

    fn series_slot(
        &mut self,
        s: &Series,
        name: String,
        bound: Bound,
    ) -> Result<usize, CompileError> {
        match &s.def {
            SeriesDef::Values(v) => Ok(self.slot(v, name, Some(s.span))),
            SeriesDef::Expr(e) => {
                let slot = self.slot(&vec![0.0; self.n], name, Some(s.span));
                let program = crate::drivers::program(self.model, &self.driver_slots, e)?;
                self.late_exprs.push(Step::Expr {
                    slot,
                    program,
                    bound,
                });
                Ok(slot)
            }
        }
    }
}

/// The first non-finite base value, as a [`CompileError`].
fn check_finite(b: &Builder, base_year: i32) -> Result<(), CompileError> {
    match b.arena.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(CompileError::NonFinite {
            series: b.names[i / b.n].clone(),
            year: base_year + (i % b.n) as i32,
            value: b.arena[i],
        }),
    }
}

/// Compiles a checked scenario.
pub fn compile(scenario: &Scenario) -> Result<Compiled, CompileError> {
    let model = &scenario.model;
    let n = model.n_years();
    let mut b = Builder::new(model);
    let mut labels = Labels {
        scenario: scenario.id.clone(),
        region: model.region_id.clone(),
        ..Default::default()
    };
    for a in &scenario.actions {
        labels.action_ids.push(a.id.clone());
        for m in &a.measures {
            labels.measure_ids.push((a.id.clone(), m.id.clone()));
        }
    }
    // §3: driver slots first, so that every later expression can name them.
    crate::drivers::compile_driver_slots(&mut b)?;
    // §4–§8: the plans of each section.
    let demand = crate::demand::compile_demand(&mut b, scenario, &mut labels)?;
    let electricity = crate::electricity::compile_electricity(&mut b, &demand.run_fuels)?;
    let waste = crate::waste_section::compile_waste(&mut b, scenario)?;
    let wastewater = crate::wastewater::compile_wastewater(&mut b)?;
    labels.has_waste = waste.is_some() || wastewater.is_some();
    labels.industries = model
        .wastewater
        .iter()
        .flat_map(|w| w.industrial.iter().map(|i| i.name.clone()))
        .collect();
    let sources = crate::sources::compile_sources(&mut b, &mut labels)?;
    let inventory = crate::inventory::compile_inventory(&mut b, scenario, &sources.plans)?;
    // §9: measures and sampled parameters, which need every slot above.
    let sections = crate::measures::Sections {
        demand: &demand,
        electricity: &electricity,
        waste: waste.as_ref(),
        wastewater: wastewater.as_ref().map(|w| &w.plan),
        sources: &sources.plans,
        inventory: &inventory,
    };
    let mut measure_steps = crate::measures::compile_measures(&mut b, scenario, &sections)?;
    labels.parameter_ids = scenario.uncertainty.iter().map(|p| p.id.clone()).collect();
    // Assemble the steps in evaluation order: each driver (expression, then its measures),
    // expressions of other series, measures on parameters, activities top-down each
    // followed by its measures, waste generation, sources' activities.
    let mut steps = crate::drivers::driver_steps(&b, &mut measure_steps.drivers)?;
    steps.append(&mut b.late_exprs);
    steps.append(&mut measure_steps.parameters);
    let mut activity_steps = demand.activity_steps;
    for (i, node_steps) in activity_steps.iter_mut().enumerate() {
        steps.append(node_steps);
        steps.append(&mut measure_steps.nodes[i]);
    }
    if let Some(w) = waste.as_ref() {
        steps.push(w.generation_step.clone());
    }
    steps.append(&mut measure_steps.waste_generation);
    for (i, s) in sources.activity_steps.into_iter().enumerate() {
        steps.extend(s);
        steps.append(&mut measure_steps.sources[i]);
    }
    let wastewater_plan = match wastewater {
        None => None,
        Some(w) => {
            for (industry, step) in w.activity_steps {
                steps.push(step);
                if let Some(i) = industry {
                    steps.append(&mut measure_steps.industries[i]);
                }
            }
            Some(w.plan)
        }
    };
    check_finite(&b, model.base_year)?;
    // Labels for results.
    labels.share_paths = demand
        .share_nodes
        .iter()
        .map(|&i| model.nodes[i].path.clone())
        .collect();
    labels.drivers = model
        .drivers
        .iter()
        .map(|d| (d.name.clone(), d.unit_text.clone(), d.unit_factor))
        .collect();
    labels.intensity_drivers = model
        .report_intensity
        .iter()
        .map(|&d| {
            let dr = &model.drivers[d];
            (d, dr.name.clone(), dr.unit_text.clone(), dr.unit_factor)
        })
        .collect();
    let max_map_items = steps.iter().map(Step::map_items).max().unwrap_or(0);
    let mut compiled = Compiled {
        n_years: n,
        base_year: model.base_year,
        n_actions: scenario.actions.len(),
        arena: b.arena,
        slot_names: b.names,
        slot_spans: b.spans,
        slot_series: b.series,
        steps,
        folded: Vec::new(),
        ops: measure_steps.ops,
        top_fuel_rows: {
            let n_fuels = labels.fuels.len();
            let mut rows: Vec<usize> = demand
                .combos
                .iter()
                .map(|cb| cb.top * n_fuels + cb.fuel)
                .collect();
            rows.sort_unstable();
            rows.dedup();
            rows
        },
        n_entries: demand.leaves.iter().map(|l| l.fuels.len()).sum(),
        node_activity: demand.act_slot.clone(),
        leaves: demand.leaves,
        combos: demand.combos,
        combo_entries: Vec::new(),
        energy_ops: measure_steps.energy,
        n_diversions: measure_steps.n_diversions,
        electricity,
        waste: waste.map(|w| w.plan),
        wastewater: wastewater_plan,
        sources: sources.plans,
        inventory,
        gwp_ch4: model.gwp.ch4(),
        gwp_n2o: model.gwp.n2o(),
        labels,
        driver_slots: b.driver_slots,
        share_slots: demand.share_slots,
        row_specs: Vec::new(),
        dirty: Vec::new(),
        max_map_items,
    };
    compiled.row_specs = crate::results::build_specs(&compiled);
    // Constant steps into the base arena; the ranges reset before each evaluation.
    crate::fold::fold_constants(&mut compiled);
    Ok(compiled)
}
