//! `lcs seek`: what it takes to meet a target (lcs-costs searches on the real model; this
//! is the glue: argument checks, printing, the written scenario).

use super::macc::{cost_failure, target_index};
use super::projects::relative;
use super::{compile, load, table, Failure};
use lcs_costs::{least_cost, seek, sought_scenario_yaml, Edge, SeekSpec, Vary};
use lcs_model::{Loader, Scenario};
use lcs_report::write_atomic;
use std::path::PathBuf;

/// The arguments of `lcs seek`.
pub struct Args {
    pub scenario: PathBuf,
    pub target: String,
    pub vary: String,
    pub actions: Vec<String>,
    pub max_ambition: f64,
    pub least_cost: bool,
    pub out: Option<PathBuf>,
}

fn action_indices(s: &Scenario, ids: &[String]) -> Result<Vec<usize>, Failure> {
    ids.iter()
        .map(|id| {
            s.actions.iter().position(|a| a.id == *id).ok_or_else(|| {
                let near = lcs_units::nearest(id, s.actions.iter().map(|a| a.id.as_str()));
                Failure::Message(format!(
                    "`--actions` names `{id}`, which is not an action of scenario `{}`{}",
                    s.id,
                    near.first()
                        .map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default()
                ))
            })
        })
        .collect()
}

fn vary_of(s: &Scenario, v: &str) -> Result<Vary, Failure> {
    match v {
        "ambition" => return Ok(Vary::Ambition),
        "start" => return Ok(Vary::Start),
        _ => {}
    }
    let mut found = Vec::new();
    for (i, a) in s.actions.iter().enumerate() {
        for (j, m) in a.measures.iter().enumerate() {
            if m.id == v || format!("{}.{}", a.id, m.id) == v {
                found.push((i, j));
            }
        }
    }
    match found.as_slice() {
        [(action, measure)] => Ok(Vary::Measure {
            action: *action,
            measure: *measure,
        }),
        [] => {
            let mut names = vec!["ambition".to_string(), "start".to_string()];
            names.extend(
                s.actions
                    .iter()
                    .flat_map(|a| a.measures.iter().map(|m| m.id.clone())),
            );
            let near = lcs_units::nearest(v, names.iter().map(String::as_str));
            Err(Failure::Message(format!(
                "`--vary {v}` is not `ambition`, `start` or a measure of scenario `{}`{}",
                s.id,
                near.first()
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default()
            )))
        }
        _ => Err(Failure::Message(format!(
            "measure id `{v}` is in several actions: write it as `ACTION.MEASURE`"
        ))),
    }
}

fn write_scenario(
    args: &Args,
    s: &Scenario,
    suffix: &str,
    what: &str,
    adjust: &[lcs_model::Adjustment],
    comment: Vec<String>,
) -> Result<(), Failure> {
    let Some(out) = &args.out else { return Ok(()) };
    let dir = out.parent().map(PathBuf::from).unwrap_or_default();
    let extends = relative(&dir, &args.scenario);
    let name = format!(
        "{} ({what})",
        s.name.clone().unwrap_or_else(|| s.id.clone())
    );
    let text = sought_scenario_yaml(
        &lcs_model::derived_id(&s.id, suffix),
        &name,
        &extends,
        adjust,
        &comment,
    );
    write_atomic(out, text.as_bytes())?;
    println!("wrote {}", out.display());
    Ok(())
}

pub fn run(args: &Args) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let s = load(&mut loader, &args.scenario)?;
    let target = target_index(&s, &args.target)?;
    let actions = action_indices(&s, &args.actions)?;
    if !(args.max_ambition > 0.0 && args.max_ambition.is_finite()) {
        return Err(Failure::Message(format!(
            "`--max-ambition` must be a positive number, found {}",
            args.max_ambition
        )));
    }
    let mut c = compile(&s)?;
    let t = &s.targets[target];
    // The unit of the target's value and threshold (kt CO2e/yr, t CO2e/<driver unit>).
    let (_, unit) = lcs_report::target_metric(&s.model, &t.metric);
    let clock = std::time::Instant::now();
    if args.least_cost {
        let r =
            least_cost(&s, &mut c, target, &actions).map_err(|e| cost_failure(&loader, &s, e))?;
        let elapsed = clock.elapsed();
        let Some(e) = s.economics.as_ref() else {
            return Err(Failure::Message(
                lcs_costs::CostError::NoEconomics.to_string(),
            ));
        };
        let rows: Vec<Vec<String>> = r
            .chosen
            .iter()
            .map(|(a, k)| {
                vec![
                    a.clone(),
                    if *k == 1.0 {
                        "whole".to_string()
                    } else {
                        format!("{:.6} of its ambition", k)
                    },
                ]
            })
            .collect();
        println!(
            "least-cost package for target `{}` ({} {}), actions in MACC order (Shapley, year convention, {}):",
            r.target,
            if r.met { "met" } else { "NOT met" },
            t.year,
            t.year
        );
        println!("{}", table(&["action".into(), "taken".into()], &rows));
        if !r.left_out.is_empty() {
            println!("left out (ambition 0): {}", r.left_out.join(", "));
        }
        println!(
            "package NPV: {} {} ({} prices, discount rate {})",
            lcs_report::tables::group_thousands(&format!("{:.0}", r.npv)),
            e.basis.currency,
            e.basis.price_year,
            e.discount_rate
        );
        println!(
            "target value {:.6} {unit} against threshold {:.6} {unit}: margin {:.3e} {unit} ({} evaluations in {:.1} ms after loading)",
            r.metric,
            r.threshold,
            r.margin,
            r.evaluations,
            elapsed.as_secs_f64() * 1e3
        );
        if !r.met {
            println!("the candidates taken whole do not meet the target");
        }
        let comment = vec![
            format!("Written by `lcs seek --least-cost --target {}`: the least-cost package in MACC order (docs/COSTS.md).", r.target),
            format!("Target value {} {unit} against threshold {} {unit} (margin {}).", r.metric, r.threshold, r.margin),
        ];
        return write_scenario(
            args,
            &s,
            "least-cost",
            "least-cost package",
            &r.adjust,
            comment,
        );
    }
    let vary = vary_of(&s, &args.vary)?;
    let spec = SeekSpec {
        target,
        vary,
        actions: actions.clone(),
        max_ambition: args.max_ambition,
    };
    let o = seek(&s, &mut c, &spec).map_err(|e| cost_failure(&loader, &s, e))?;
    let elapsed = clock.elapsed();
    let what = match vary {
        Vary::Ambition => "ambition multiplier".to_string(),
        Vary::Start => "common start year".to_string(),
        Vary::Measure { action, measure } => format!(
            "ambition of measure `{}` (its size × this)",
            s.actions[action].measures[measure].id
        ),
    };
    let varied: Vec<&str> = match vary {
        Vary::Measure { action, .. } => vec![s.actions[action].id.as_str()],
        _ if actions.is_empty() => s.actions.iter().map(|a| a.id.as_str()).collect(),
        _ => actions.iter().map(|&i| s.actions[i].id.as_str()).collect(),
    };
    let value = match vary {
        Vary::Start => format!("{}", o.value as i32),
        _ => format!("{}", o.value),
    };
    let fmt_x = |x: f64| match vary {
        Vary::Start => format!("{}", x as i32),
        _ => format!("{x}"),
    };
    let relative = o.margin / o.threshold.abs().max(1e-300);
    let edge_text = match o.edge {
        Some(Edge::RangeEnd) => Some(format!(
            "at the end of the range {}–{}: the answer is not interior",
            fmt_x(o.range.0),
            fmt_x(o.range.1)
        )),
        Some(Edge::NextToFailure) => Some(format!(
            "next to failing runs, at the end of the allowed range {}–{}: the answer is not interior",
            fmt_x(o.range.0),
            fmt_x(o.range.1)
        )),
        Some(Edge::Margin) => Some(format!(
            "the search closed with a margin of {relative:.3e} relative, not within 1e-6: the target's metric jumps here and the answer is not interior"
        )),
        None => None,
    };
    if o.feasible {
        println!(
            "target `{}` ({}) is met with {what} {value} on {}",
            o.target,
            t.year,
            varied.join(", ")
        );
        if vary == Vary::Start {
            println!("  (the latest common start year that still meets it; any earlier start meets it too)");
        }
        if let Some(e) = &edge_text {
            println!("  ({e})");
        }
    } else {
        println!(
            "no {what} in the allowed range {}–{} meets target `{}` ({}); the best reachable is {value}",
            fmt_x(o.range.0),
            fmt_x(o.range.1),
            o.target,
            t.year
        );
    }
    if let Some(f) = &o.first_failure {
        // The run's error as `lcs run` names it: the measure's file, line and key.
        let d = super::run_error(&s, &f.error);
        let place = d
            .span
            .map(|sp| format!(" ({}, key `{}`)", loader.sources.location(&sp), d.path))
            .unwrap_or_default();
        println!(
            "runs fail from {what} {}{}: {}{place}",
            fmt_x(f.value),
            if vary == Vary::Start {
                String::new()
            } else {
                format!(", so the allowed range ends at {}", fmt_x(o.range.1))
            },
            d.message
        );
    }
    println!(
        "target value {} {unit} against threshold {} {unit}: margin {:.3e} {unit} ({relative:.3e} relative)",
        o.metric, o.threshold, o.margin,
    );
    println!(
        "evaluations: {} in {:.1} ms after loading{}",
        o.evaluations,
        elapsed.as_secs_f64() * 1e3,
        if o.failures > 0 {
            format!(" ({} of them failed)", o.failures)
        } else {
            String::new()
        }
    );
    if let Some((a, b)) = o.not_monotone {
        println!(
            "warning: the target's margin is not monotone in the varied value between {a} and {b}: the answer may not be the smallest"
        );
    }
    if let Some((a, b)) = o.runs_after_failure {
        println!(
            "warning: runs fail at {} but run again at {}: the runs are not monotone in the varied value; values beyond the first failure are outside the allowed range and never the answer",
            fmt_x(a),
            fmt_x(b)
        );
    }
    let comment = vec![
        format!(
            "Written by `lcs seek --target {} --vary {}`{} (docs/COSTS.md).",
            o.target,
            args.vary,
            if args.actions.is_empty() {
                String::new()
            } else {
                format!(" --actions {}", args.actions.join(","))
            }
        ),
        format!(
            "{}: {what} {value}; target value {} {unit} against threshold {} {unit} (margin {}).",
            if o.feasible {
                "Meets the target"
            } else {
                "Does NOT meet the target (best reachable)"
            },
            o.metric,
            o.threshold,
            o.margin
        ),
    ];
    let mut comment = comment;
    if let Some(e) = edge_text {
        comment.push(format!("Not interior: {e}."));
    }
    write_scenario(args, &s, "sought", "sought", &o.adjust, comment)
}
