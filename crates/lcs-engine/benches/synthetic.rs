//! A synthetic large plan on a real model, for the Shapley benchmarks of issue 15
//! (docs/PERFORMANCE.md): every measure of a scenario becomes an action of its own, and
//! independent sector actions (a 1 % cut of one leaf's intensity, of waste generation, or
//! 500 ha more of a source's activity, each from its own start year) fill the plan up to
//! the size asked for. Built from the checked scenario, so nothing is read twice.

use lcs_model::{Action, Lever, Measure, Scenario, Series, SeriesDef, Target};

/// `s` with each measure as its own action, then independent sector actions up to
/// `n_actions` actions in all (fewer if the measures alone are more).
pub(crate) fn split_plan(s: &Scenario, n_actions: usize) -> Scenario {
    let mut out = s.clone();
    out.id = format!("{}-synthetic-{n_actions}", s.id);
    out.actions = Vec::new();
    for a in &s.actions {
        for m in &a.measures {
            let mut one = a.clone();
            one.id = format!("{}:{}", a.id, m.id);
            one.measures = vec![m.clone()];
            out.actions.push(one);
        }
    }
    // A `scale` measure of the scenario is the template of the sector actions.
    let Some((template, action)) = s.actions.iter().find_map(|a| {
        a.measures
            .iter()
            .find(|m| matches!(m.lever, Lever::Scale { .. }))
            .map(|m| (m.clone(), a.clone()))
    }) else {
        return out;
    };
    let model = &s.model;
    let n = model.n_years();
    let constant = |v: f64| Series {
        def: SeriesDef::Values(vec![v; n]),
        ..match &template.lever {
            Lever::Scale { by } => by.clone(),
            _ => unreachable!("a scale measure"),
        }
    };
    let mut targets: Vec<(Target, Lever)> = (0..model.nodes.len())
        .filter(|&i| model.nodes[i].is_leaf())
        .map(|i| {
            (
                Target::Intensity(i),
                Lever::Scale {
                    by: constant(-0.01),
                },
            )
        })
        .collect();
    if model.waste.is_some() {
        targets.push((
            Target::WasteGeneration,
            Lever::Scale {
                by: constant(-0.01),
            },
        ));
    }
    for si in 0..model.sources.len() {
        targets.push((
            Target::SourceActivity(si),
            Lever::Add {
                amount: constant(500.0),
            },
        ));
    }
    let mut k = 0;
    while out.actions.len() < n_actions && !targets.is_empty() {
        let (target, lever) = targets[k % targets.len()].clone();
        let mut m: Measure = template.clone();
        m.id = format!("X{k}.1");
        m.target = target;
        m.lever = lever;
        m.schedule.start += (k % 5) as i32;
        m.schedule.full = m.schedule.full.max(m.schedule.start);
        m.cost = None;
        let a = Action {
            id: format!("X{k}"),
            name: Some(format!("Independent sector action {k}")),
            measures: vec![m],
            cost: None,
            ..action.clone()
        };
        out.actions.push(a);
        k += 1;
    }
    out
}
