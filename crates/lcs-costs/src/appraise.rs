//! Per-action costs on the engine's results (docs/COSTS.md, "Equations").
//!
//! For action `i`, with model years `y`, discount rate `r`, discount year `y0`:
//!
//! ```text
//! I_i(y)   investment: per unit, rate × max(Q(y) − max_{t<y} Q(t), 0); a total, amount ×
//!          max(w(y) − max_{t<y} w(t), 0) over the ramp w (or amount × a in `year`);
//!          every tranche again `lifetime` years later
//! O_i(y)   fixed O&M (amount × w(y), or rate × capacity(y)) + variable O&M (rate × Q(y))
//! En_i(y)  Σ_f ΔFE_f(y) × p_f(y) + ΔP(y) × p_elec(y),  Δ = run with all actions − run
//!          without i; P = grid supply × demand / (demand + losses), the electricity bought
//! PV(x)    Σ_y x(y) (1 + r)^−(y − y0)         NPV_i = PV(I) + PV(O) + PV(En)
//! annualised_i = NPV_i × CRF(r, N),  N = end year − y0 + 1
//! A_i(y)   abatement by the attribution method (kt → t)
//! year convention:        (Σ_k I_k CRF(r, L_k) [y_k ≤ Y < y_k + L_k] + O(Y) + En(Y)) / A(Y)
//! cumulative convention:  NPV_i / Σ_y A_i(y) (1 + r)^−(y − y0)
//! ```
//!
//! `Q(y)` is what a per-unit cost is per: the capacity of a `generation` measure
//! (`capacity × w(y)`), or its generation, the final energy it saves or the waste it moves
//! between routes (each the full run against the full run with that measure's ambition set
//! to 0). Energy prices are the scenario's (`lcs-model` resolved them to its
//! basis); a fuel whose final energy changes and that has no price is an error, never a
//! zero cost.

use crate::CostError;
use lcs_engine::adjust::MeasureAdjust;
use lcs_engine::{attribute, elec_row, evaluate, waste_row, Compiled, Method, Outputs, Workspace};
use lcs_model::{Cost, Money, PerUnit, Scenario, ScenarioEconomics};

/// Which cost per tonne a MACC shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    /// Annual cost in the year (annualised investment + O&M + energy) over the abatement in
    /// the year.
    Year,
    /// NPV over discounted cumulative abatement (levelised).
    Cumulative,
}

impl Convention {
    /// `year` or `cumulative`.
    pub fn name(self) -> &'static str {
        match self {
            Convention::Year => "year",
            Convention::Cumulative => "cumulative-discounted",
        }
    }
    /// Parses `year` or `cumulative`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "year" => Some(Convention::Year),
            "cumulative" | "cumulative-discounted" => Some(Convention::Cumulative),
            _ => None,
        }
    }
}

/// What to appraise.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Attribution method of the abatement.
    pub method: Method,
    /// The year of the year convention (and of a MACC).
    pub year: i32,
}

/// Money flows of one action, per model year, in the scenario's basis.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Flows {
    /// Investment.
    pub investment: Vec<f64>,
    /// Fixed and variable O&M.
    pub operating: Vec<f64>,
    /// Energy cost change (negative: a saving).
    pub energy: Vec<f64>,
    /// Annualised investment in force in each year (year convention).
    pub annualised_investment: Vec<f64>,
}

/// The appraisal of one action.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionCost {
    /// Action id.
    pub id: String,
    /// Action name (the id when it has none).
    pub name: String,
    /// Whether the action or one of its measures has a `cost:`. Without it the action has
    /// no cost figures (never a zero cost); its energy cost is still computed.
    pub has_cost: bool,
    /// Yearly flows.
    pub flows: Flows,
    /// Present value of investment.
    pub investment_pv: f64,
    /// Present value of O&M.
    pub operating_pv: f64,
    /// Present value of the energy cost change (negative: a saving).
    pub energy_pv: f64,
    /// `investment_pv + operating_pv + energy_pv` (`None` without cost data).
    pub npv: Option<f64>,
    /// `npv × CRF(r, N)` (`None` without cost data).
    pub annualised: Option<f64>,
    /// Abatement per model year, t CO2e (the attribution method's contribution).
    pub abatement_t: Vec<f64>,
    /// Abatement in the appraisal year, t CO2e.
    pub abatement_year_t: f64,
    /// Abatement summed over the model years, t CO2e.
    pub abatement_cumulative_t: f64,
    /// Abatement discounted to the discount year and summed, t CO2e.
    pub abatement_discounted_t: f64,
    /// Cost per t CO2e, year convention (`None` without cost data or abatement ≤ 0).
    pub cost_per_t_year: Option<f64>,
    /// Cost per t CO2e, cumulative-discounted convention.
    pub cost_per_t_cumulative: Option<f64>,
}

impl ActionCost {
    /// The cost per tonne under a convention.
    pub fn cost_per_t(&self, c: Convention) -> Option<f64> {
        match c {
            Convention::Year => self.cost_per_t_year,
            Convention::Cumulative => self.cost_per_t_cumulative,
        }
    }
    /// The abatement a convention divides by (undiscounted): the year's or the cumulative.
    pub fn abatement(&self, c: Convention) -> f64 {
        match c {
            Convention::Year => self.abatement_year_t,
            Convention::Cumulative => self.abatement_cumulative_t,
        }
    }
}

/// A scenario's cost appraisal.
#[derive(Clone, Debug, PartialEq)]
pub struct Appraisal {
    /// Scenario id.
    pub scenario: String,
    /// Currency and price year of every money figure.
    pub basis: lcs_econ::Basis,
    /// Discount rate.
    pub discount_rate: f64,
    /// Discount year.
    pub discount_year: i32,
    /// `consumer` or `market` prices.
    pub price_kind: &'static str,
    /// The price set used, if any.
    pub price_set: Option<String>,
    /// The attribution method.
    pub method: Method,
    /// The appraisal year.
    pub year: i32,
    /// Model years.
    pub years: Vec<i32>,
    /// One entry per action, in scenario order.
    pub actions: Vec<ActionCost>,
    /// Reference minus scenario emissions in the appraisal year, t CO2e.
    pub total_reduction_year_t: f64,
}

/// The name of an attribution method in outputs.
pub fn method_name(m: Method) -> &'static str {
    match m {
        Method::Sequential => "sequential",
        Method::Solo => "solo",
        Method::Shapley => "shapley",
        Method::ShapleySampled { .. } => "shapley-sampled",
    }
}

/// Whether any action or measure of the scenario has a `cost:`.
pub fn has_cost_data(s: &Scenario) -> bool {
    s.actions
        .iter()
        .any(|a| a.cost.is_some() || a.measures.iter().any(|m| m.cost.is_some()))
}

/// Electricity bought from the grid, MWh per year: `P = G × D / (D + losses)`.
fn purchased_mwh(out: &Outputs, y: usize) -> f64 {
    let d = out.elec_mwh[[elec_row::DEMAND, y]];
    let l = out.elec_mwh[[elec_row::LOSSES, y]];
    let g = out.elec_mwh[[elec_row::GRID, y]];
    if d + l > 0.0 {
        g * d / (d + l)
    } else {
        0.0
    }
}

/// The energy cost of `with` minus `without`, per year (money on the scenario's basis).
/// Errors name the first fuel whose final energy changes and that has no price.
pub fn energy_cost_change(
    s: &Scenario,
    c: &Compiled,
    e: &ScenarioEconomics,
    with: &Outputs,
    without: &Outputs,
    action: Option<&str>,
) -> Result<Vec<f64>, CostError> {
    let n = c.years().len();
    let mut out = vec![0.0; n];
    for (k, id) in c.fuel_ids().iter().enumerate() {
        let is_elec = id == "electricity";
        let Some(fi) = s.model.fuels.index_of(id) else {
            continue;
        };
        for (y, o) in out.iter_mut().enumerate() {
            let (delta, unit_gj) = if is_elec {
                (purchased_mwh(with, y) - purchased_mwh(without, y), 3.6)
            } else {
                (with.fe_fuel_gj[[k, y]] - without.fe_fuel_gj[[k, y]], 1.0)
            };
            if delta == 0.0 {
                continue;
            }
            let scale = if is_elec {
                purchased_mwh(without, y).abs().max(1.0)
            } else {
                without.fe_fuel_gj[[k, y]].abs().max(1.0)
            };
            match &e.prices[fi] {
                Some(p) => *o += delta * unit_gj * p[y],
                None if delta.abs() <= 1e-9 * scale => {}
                None => {
                    return Err(CostError::NoPrice {
                        fuel: id.clone(),
                        action: action.map(str::to_string),
                        year: c.years()[y],
                    })
                }
            }
        }
    }
    Ok(out)
}

/// Present value at `y0` of a yearly series over the model years.
fn pv(rate: f64, y0: i32, years: &[i32], v: &[f64]) -> f64 {
    lcs_econ::present_value(rate, y0, years.iter().copied().zip(v.iter().copied()))
}

/// Investment tranches `(year index, amount)` of a quantity that grows: `rate × max(Q(y) −
/// max_{t<y} Q(t), 0)`.
fn growth_tranches(q: &[f64], rate: f64) -> Vec<(usize, f64)> {
    let mut peak = 0.0f64;
    let mut out = Vec::new();
    for (y, &v) in q.iter().enumerate() {
        if v > peak {
            out.push((y, rate * (v - peak)));
            peak = v;
        }
    }
    out
}

/// Adds tranches and their re-investments every `lifetime` years to `investment`, and the
/// annualised investment in force to `annualised` (`CRF(r, L)`; `L` = the years left in
/// the horizon when no lifetime is given).
fn add_tranches(
    tranches: &[(usize, f64)],
    lifetime: Option<u32>,
    rate: f64,
    investment: &mut [f64],
    annualised: &mut [f64],
) {
    let n = investment.len();
    for &(y, amount) in tranches {
        let mut t = y;
        loop {
            let life = lifetime.map(|l| l as usize).unwrap_or(n - t);
            investment[t] += amount;
            let a = amount * lcs_econ::capital_recovery_factor(rate, life as f64);
            for slot in annualised.iter_mut().skip(t).take(life) {
                *slot += a;
            }
            match lifetime {
                Some(l) if t + (l as usize) < n => t += l as usize,
                _ => break,
            }
        }
    }
}

/// The waste routes' mass rows (t per year), for the waste a measure diverts.
const ROUTE_ROWS: [usize; 5] = [
    waste_row::LANDFILL,
    waste_row::RECYCLING,
    waste_row::COMPOSTING,
    waste_row::INCINERATION,
    waste_row::ANAEROBIC_DIGESTION,
];

/// The quantity a per-unit amount of measure `op` is per, per model year, in base units.
fn quantity(
    c: &Compiled,
    s: &Scenario,
    op: usize,
    per: PerUnit,
    full: &Outputs,
    off: &mut dyn FnMut(usize) -> Result<Outputs, CostError>,
) -> Result<Vec<f64>, CostError> {
    let (a, m) = c.measure_of(op);
    let measure = &s.actions[a].measures[m];
    let w = c.measure_weights(op);
    Ok(match (per, &measure.lever) {
        (PerUnit::Capacity, _) => match &measure.capacity {
            Some(cap) => cap.iter().zip(w).map(|(c, r)| c * r).collect(),
            None => vec![0.0; w.len()],
        },
        (PerUnit::Generated, _) => {
            // Local generation with the measure against without it, MWh → GJ.
            let o = off(op)?;
            (0..w.len())
                .map(|y| {
                    3.6 * (full.elec_mwh[[elec_row::LOCAL, y]] - o.elec_mwh[[elec_row::LOCAL, y]])
                })
                .collect()
        }
        (PerUnit::Saved, _) => {
            let o = off(op)?;
            (0..w.len())
                .map(|y| {
                    let with: f64 = full.fe_fuel_gj.column(y).sum();
                    let without: f64 = o.fe_fuel_gj.column(y).sum();
                    without - with
                })
                .collect()
        }
        (PerUnit::Diverted, _) => {
            let o = off(op)?;
            (0..w.len())
                .map(|y| {
                    ROUTE_ROWS
                        .iter()
                        .map(|&r| (full.waste_detail[[r, y]] - o.waste_detail[[r, y]]).max(0.0))
                        .sum()
                })
                .collect()
        }
    })
}

/// Mean ramp weight of an action's measures per year (the ramp of an action-level total).
fn mean_weights(c: &Compiled, ops: &[usize], n: usize) -> Vec<f64> {
    let mut w = vec![0.0; n];
    for &op in ops {
        for (a, b) in w.iter_mut().zip(c.measure_weights(op)) {
            *a += b / ops.len() as f64;
        }
    }
    w
}

/// The money flows of one `cost:` block over the weights `w` (its measure's, or the mean of
/// its action's), with quantities from `q` for per-unit amounts.
#[allow(clippy::too_many_arguments)]
fn cost_flows(
    cost: &Cost,
    w: &[f64],
    adj: MeasureAdjust,
    base_year: i32,
    rate: f64,
    q: &mut dyn FnMut(PerUnit) -> Result<Vec<f64>, CostError>,
    flows: &mut Flows,
) -> Result<(), CostError> {
    let n = w.len();
    if let Some(m) = &cost.capex {
        let tranches = match (m.per, cost.capex_year) {
            (Some(per), _) => growth_tranches(&q(per)?, m.value),
            (None, Some(year)) => {
                let y = year + adj.shift - base_year;
                if y >= 0 && (y as usize) < n {
                    vec![(y as usize, m.value * adj.ambition)]
                } else {
                    Vec::new()
                }
            }
            (None, None) => growth_tranches(w, m.value),
        };
        add_tranches(
            &tranches,
            cost.lifetime,
            rate,
            &mut flows.investment,
            &mut flows.annualised_investment,
        );
    }
    for m in [&cost.fixed_om, &cost.variable_om].into_iter().flatten() {
        let q = match m.per {
            Some(per) => q(per)?,
            None => w.to_vec(),
        };
        for (o, v) in flows.operating.iter_mut().zip(&q) {
            *o += m.value * v;
        }
    }
    Ok(())
}

fn check_basis(cost: &Cost, e: &ScenarioEconomics) -> Result<(), CostError> {
    let bad: Option<&Money> = cost.amounts().find(|m| m.basis != e.basis);
    match bad {
        None => Ok(()),
        Some(m) => Err(CostError::Basis {
            key: cost.key.clone(),
            found: m.basis.to_string(),
        }),
    }
}

/// Appraises every action of a compiled scenario (module docs).
pub fn appraise(s: &Scenario, c: &Compiled, opts: &Options) -> Result<Appraisal, CostError> {
    let e = s.economics.as_ref().ok_or(CostError::NoEconomics)?;
    let years = c.years();
    let n = years.len();
    let base_year = years[0];
    if opts.year < base_year || opts.year > *years.last().unwrap_or(&base_year) {
        return Err(CostError::Year {
            year: opts.year,
            first: base_year,
            last: *years.last().unwrap_or(&base_year),
        });
    }
    let yi = (opts.year - base_year) as usize;
    let (rate, y0) = (e.discount_rate, e.discount_year);
    let n_actions = c.n_actions();
    let mut ws = Workspace::new(c);
    evaluate(c, &mut ws, &vec![true; n_actions])?;
    let full = ws.out.clone();
    evaluate(c, &mut ws, &vec![false; n_actions])?;
    let reference = ws.out.clone();
    let attribution = attribute(c, opts.method)?;
    let mut off_c = c.clone();
    let base_adj = c.adjustments();
    let mut off_run = |op: usize| -> Result<Outputs, CostError> {
        let mut adj = base_adj.clone();
        adj[op].ambition = 0.0;
        off_c.set_adjustments(&adj);
        let mut w = Workspace::new(&off_c);
        evaluate(&off_c, &mut w, &vec![true; n_actions])?;
        Ok(w.out)
    };
    let horizon = (years[n - 1] - y0 + 1).max(1) as f64;
    let mut actions = Vec::with_capacity(n_actions);
    for (i, a) in s.actions.iter().enumerate() {
        let mask: Vec<bool> = (0..n_actions).map(|j| j != i).collect();
        evaluate(c, &mut ws, &mask)?;
        let energy = energy_cost_change(s, c, e, &full, &ws.out, Some(&a.id))?;
        let mut flows = Flows {
            investment: vec![0.0; n],
            operating: vec![0.0; n],
            energy,
            annualised_investment: vec![0.0; n],
        };
        let ops: Vec<usize> = c.measures_of_action(i).collect();
        let has_cost = a.cost.is_some() || a.measures.iter().any(|m| m.cost.is_some());
        if let Some(cost) = &a.cost {
            check_basis(cost, e)?;
            let w = mean_weights(c, &ops, n);
            let first = ops.first().map(|&op| base_adj[op]).unwrap_or_default();
            let adj = MeasureAdjust {
                ambition: ops.iter().map(|&op| base_adj[op].ambition).sum::<f64>()
                    / ops.len().max(1) as f64,
                shift: first.shift,
            };
            let mut no_q = |_: PerUnit| -> Result<Vec<f64>, CostError> { Ok(vec![0.0; n]) };
            cost_flows(cost, &w, adj, base_year, rate, &mut no_q, &mut flows)?;
        }
        for &op in &ops {
            let (_, mi) = c.measure_of(op);
            let Some(cost) = &a.measures[mi].cost else {
                continue;
            };
            check_basis(cost, e)?;
            let w = c.measure_weights(op).to_vec();
            let mut q = |per: PerUnit| quantity(c, s, op, per, &full, &mut off_run);
            cost_flows(cost, &w, base_adj[op], base_year, rate, &mut q, &mut flows)?;
        }
        let abatement_t: Vec<f64> = attribution.contributions[i]
            .iter()
            .map(|kt| kt * 1000.0)
            .collect();
        let investment_pv = pv(rate, y0, &years, &flows.investment);
        let operating_pv = pv(rate, y0, &years, &flows.operating);
        let energy_pv = pv(rate, y0, &years, &flows.energy);
        let abatement_discounted_t = pv(rate, y0, &years, &abatement_t);
        let abatement_year_t = abatement_t[yi];
        let npv = has_cost.then_some(investment_pv + operating_pv + energy_pv);
        let annualised = npv.map(|v| v * lcs_econ::capital_recovery_factor(rate, horizon));
        let annual_cost_year =
            flows.annualised_investment[yi] + flows.operating[yi] + flows.energy[yi];
        let cost_per_t_year =
            (has_cost && abatement_year_t > 0.0).then(|| annual_cost_year / abatement_year_t);
        let cost_per_t_cumulative = match npv {
            Some(v) if abatement_discounted_t > 0.0 => Some(v / abatement_discounted_t),
            _ => None,
        };
        actions.push(ActionCost {
            id: a.id.clone(),
            name: a.name.clone().unwrap_or_else(|| a.id.clone()),
            has_cost,
            investment_pv,
            operating_pv,
            energy_pv,
            npv,
            annualised,
            abatement_year_t,
            abatement_cumulative_t: abatement_t.iter().sum(),
            abatement_discounted_t,
            abatement_t,
            cost_per_t_year,
            cost_per_t_cumulative,
            flows,
        });
    }
    let total_reduction_year_t = reference.co2e_t[yi] - full.co2e_t[yi];
    Ok(Appraisal {
        scenario: s.id.clone(),
        basis: e.basis.clone(),
        discount_rate: rate,
        discount_year: y0,
        price_kind: e.price_kind.name(),
        price_set: e.price_set.clone(),
        method: opts.method,
        year: opts.year,
        years,
        actions,
        total_reduction_year_t,
    })
}

/// The reduction below the reference that a target requires in its year, t CO2e:
/// `R(Y) − E(Y) × θ / m`, with `m` the target's metric and `θ` its threshold in the
/// scenario's run (for an emissions target `E × θ / m = θ`; for an intensity target the
/// allowed emissions are the threshold times the driver). `None` when the metric is 0 or
/// undefined.
pub fn required_reduction_t(
    s: &Scenario,
    c: &Compiled,
    target: usize,
) -> Result<Option<f64>, CostError> {
    let n = c.n_actions();
    let mut run = Workspace::new(c);
    evaluate(c, &mut run, &vec![true; n])?;
    let mut reference = Workspace::new(c);
    evaluate(c, &mut reference, &vec![false; n])?;
    let t = &lcs_engine::evaluate_targets(s, c, &run, &reference)[target];
    let y = (t.year - c.years()[0]) as usize;
    Ok(match (t.value, t.threshold) {
        (Some(v), Some(th)) if v != 0.0 => {
            Some(reference.out.co2e_t[y] - run.out.co2e_t[y] * th / v)
        }
        _ => None,
    })
}
