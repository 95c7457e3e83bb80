//! The plan chapter of a report (docs/COSTS.md, "The plan chapter of `lcs report`"): for a
//! scenario with actions, one section that reads as an action plan. Its table `plan-<id>`
//! has, per action, the agency, the KPI (as written: its target value and monitoring
//! source), the schedule (first year with any effect and first year of full effect over the
//! action's measures, linked ones included), the cost (NPV and annualised cost, in the
//! appraisal's currency at its price year), the cost per t CO2e (year convention) and the
//! contribution (Shapley, else sequential) in the plan year ([`ScenarioRun::plan_year`]);
//! then the wedges chart, the targets in words and, with cost data, the MACC.
//!
//! Nothing is computed here: costs are the `lcs_costs` appraisal carried by the run
//! ([`crate::RunCosts`]), contributions the engine's attribution. Units: kt CO2e/yr for
//! contributions, the appraisal's currency (million) for NPV and annualised cost, currency
//! per t CO2e for the cost per tonne.

use crate::charts::Chart;
use crate::macc::Macc;
use crate::run::ScenarioRun;
use crate::{Item, ReportError, Section, Table, TableBuilder};
use lcs_costs::Convention;

/// The plan table `plan-<id>` of a run with actions (`None` without actions or without an
/// attribution).
pub fn table(r: &ScenarioRun) -> Result<Option<Table>, ReportError> {
    let (Some((att, method)), Some(year)) = (r.wedge_attribution(), r.plan_year()) else {
        return Ok(None);
    };
    if r.actions.is_empty() {
        return Ok(None);
    }
    let yi = r.year_index(year);
    let costs = r.costs.as_ref().map(|c| &c.appraisal);
    let mut b = TableBuilder::new();
    let ca = b.text("action");
    let cth = b.text("theme");
    let cag = b.text("agency");
    let ck = b.text("KPI");
    let cfirst = b.integer("first year");
    let cfull = b.integer("full year");
    // Cost columns only for a run with an appraisal: (NPV, annualised, per t, note).
    let cost_cols = costs.map(|a| {
        let (cur, p) = (&a.basis.currency, a.basis.price_year);
        (
            b.number(&format!("NPV [{cur} million, {p} prices]")),
            b.number(&format!("annualised [{cur} million/yr, {p} prices]")),
            b.number(&format!("cost [{cur}/t CO2e, {year}]")),
            b.text("cost note"),
        )
    });
    let cc = b.number(&format!("contribution {year} [kt CO2e/yr]"));
    let csh = b.number(&format!("share {year} [%]"));
    let total = yi.map(|i| att.total[i]);
    let (mut npv_sum, mut ann_sum, mut any_cost) = (0.0, 0.0, false);
    for (i, a) in r.actions.iter().enumerate() {
        b.push_text(ca, a.label());
        b.push_text(cth, a.theme.clone().unwrap_or_default());
        b.push_text(cag, a.agency.join("; "));
        b.push_text(ck, a.kpi.clone().unwrap_or_default());
        b.push_integer(cfirst, a.measures.iter().map(|m| m.start).min());
        b.push_integer(cfull, a.measures.iter().map(|m| m.full).max());
        if let (Some((cnpv, cann, cpt, cnote)), Some(all)) = (cost_cols, costs) {
            let cost = all.actions.iter().find(|c| c.id == a.id);
            let has = cost.is_some_and(|c| c.has_cost);
            let npv = cost.and_then(|c| c.npv).filter(|_| has);
            let ann = cost.and_then(|c| c.annualised).filter(|_| has);
            if let (Some(n), Some(an)) = (npv, ann) {
                npv_sum += n;
                ann_sum += an;
                any_cost = true;
            }
            let per_t = cost
                .filter(|_| has)
                .and_then(|c| c.cost_per_t(Convention::Year));
            b.push_number(cnpv, npv.map(|v| v / 1e6));
            b.push_number(cann, ann.map(|v| v / 1e6));
            b.push_number(cpt, per_t);
            b.push_text(
                cnote,
                match (a.measures.is_empty(), has, per_t) {
                    (true, _, _) => "no measure (enabling)",
                    (false, false, _) => "no cost data",
                    (false, true, None) => "no abatement",
                    (false, true, Some(_)) => "",
                },
            );
        }
        let v = yi.map(|k| att.contributions[i][k]);
        b.push_number(cc, v);
        b.push_number(
            csh,
            v.zip(total.filter(|t| *t != 0.0))
                .map(|(v, t)| 100.0 * v / t),
        );
    }
    b.push_text(ca, "Total");
    for c in [cth, cag, ck] {
        b.push_text(c, "");
    }
    b.push_integer(cfirst, None);
    b.push_integer(cfull, None);
    if let Some((cnpv, cann, cpt, cnote)) = cost_cols {
        b.push_number(cnpv, any_cost.then_some(npv_sum / 1e6));
        b.push_number(cann, any_cost.then_some(ann_sum / 1e6));
        b.push_number(cpt, None);
        b.push_text(cnote, "");
    }
    b.push_number(cc, total);
    b.push_number(csh, total.filter(|t| *t != 0.0).map(|_| 100.0));
    b.bold_last_row();
    let cost_words = match costs {
        Some(a) => format!(
            "Costs (docs/COSTS.md): NPV of investment, O&M and the engine's energy cost change, {} at {} prices discounted at {} to {}, {} energy prices; annualised = NPV × CRF over the model years; cost per t in the year convention (annual cost in {year} over the abatement in {year}). An action without cost data has empty cost cells, never a zero cost; the Total's NPV and annualised cost are over the actions with cost data.",
            a.basis.currency, a.basis.price_year, a.discount_rate, a.discount_year, a.price_kind
        ),
        None => "No costs: the scenario has no `economics:` or no `cost:` (docs/COSTS.md).".to_string(),
    };
    let when = if r.targets.is_empty() {
        "the last model year: the scenario has no targets"
    } else {
        "the year of the scenario's last target"
    };
    let t = b.finish(
        &format!("plan-{}", r.id),
        &format!("Action plan of {} ({year})", r.id),
        &format!(
            "One row per action, in plan order. KPI as written in the action (its target value and monitoring source). Schedule: first year with any effect and first year of full effect over the action's measures (linked ones included). {cost_words} Contribution: the action's part of the reduction against the reference in {year} ({when}), kt CO2e/yr, by {method} attribution; shares are of the Total."
        ),
    )?;
    Ok(Some(t))
}

/// The targets of a run in words, one sentence each.
fn target_notes(r: &ScenarioRun) -> Vec<String> {
    let num = |v: Option<f64>| {
        v.map(crate::run::words_number)
            .unwrap_or_else(|| "undefined".to_string())
    };
    r.targets
        .iter()
        .map(|t| {
            format!(
                "Target `{}` ({}, {} in {}): {} against a threshold of {} {}: {}.",
                t.id,
                t.metric,
                t.rule,
                t.year,
                num(t.value),
                num(t.threshold),
                t.unit,
                if t.met { "met" } else { "not met" }
            )
        })
        .collect()
}

/// The plan chapter `plan-<id>` of a run with actions: the plan table, the run's wedges
/// chart (rendered by the caller, which shares the axis range between scenarios), the
/// targets in words, and the MACC of [`crate::RunCosts`] when the run has one. `None` for a
/// run without actions.
pub fn chapter(
    r: &ScenarioRun,
    wedges: Option<Chart>,
    dpi: u32,
) -> Result<Option<Section>, ReportError> {
    let Some(t) = table(r)? else {
        return Ok(None);
    };
    let mut s = Section::new(
        &format!("plan-{}", r.id),
        &format!("Action plan: {}", r.title()),
    );
    s.items.push(Item::Table(t));
    if let Some(c) = wedges {
        s.items.push(Item::Chart(c));
    }
    for n in target_notes(r) {
        s.items.push(Item::Note(n));
    }
    if let Some(c) = &r.costs {
        let m = Macc::of(&c.appraisal, Convention::Year, c.required.clone());
        s.items.extend(m.items(&c.appraisal, dpi)?);
    }
    Ok(Some(s))
}
