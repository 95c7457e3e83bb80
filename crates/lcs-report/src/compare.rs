//! `lcs compare`: what differs between two scenarios, the way a reviewer reads a diff.
//!
//! Inputs are compared after inheritance and overrides (the checked [`Scenario`]s): every
//! parameter path of `lcs paths` with its values, the override paths, actions and their
//! measures, targets. Outputs are compared row by row: the variables and years that differ
//! most.

use lcs_engine::Row;
use lcs_model::{Activity, Grid, Model, Scenario, Series, SeriesDef, Target, ROUTES};

/// One difference of inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct InputDiff {
    /// `parameter`, `override`, `action`, `measure`, `target` or `scenario`.
    pub kind: &'static str,
    /// The path or id.
    pub what: String,
    /// How it reads in A (`-` when absent).
    pub a: String,
    /// How it reads in B.
    pub b: String,
}

/// Values of a parameter: named series in display units, or a text (expressions).
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Values(Vec<f64>),
    Text(String),
}

fn series_val(s: &Series, factor: f64) -> Val {
    match &s.def {
        SeriesDef::Values(v) => Val::Values(v.iter().map(|x| x / factor).collect()),
        SeriesDef::Expr(e) => Val::Text(format!("expr `{e}`")),
    }
}

fn activity_val(m: &Model, a: &Activity, factor: f64) -> Vec<(String, Val)> {
    match a {
        Activity::Driver { driver, per, .. } => {
            let mut v = vec![(
                String::new(),
                Val::Text(format!("driver {}", m.drivers[*driver].name)),
            )];
            if let Some(p) = per {
                v.push((" per".into(), series_val(p, 1.0)));
            }
            v
        }
        Activity::Series(s) | Activity::Share(s) => vec![(String::new(), series_val(s, factor))],
        Activity::Inherit => vec![(String::new(), Val::Text("parent's activity".into()))],
    }
}

/// The values behind one parameter path, each part named (a branch's leaves, a map's
/// items), in the path's display unit.
fn values(m: &Model, t: &Target, factor: f64) -> Vec<(String, Val)> {
    let fuel = |i: usize| m.fuels.fuels()[i].id.clone();
    match t {
        Target::Driver(i) => {
            let d = &m.drivers[*i];
            vec![(String::new(), series_val(&d.series, d.unit_factor))]
        }
        Target::Activity(n) | Target::Share(n) => activity_val(m, &m.nodes[*n].activity, factor),
        Target::Intensity(n) => m
            .leaves_below(*n)
            .into_iter()
            .filter_map(|l| {
                m.effective_intensity(l)
                    .map(|s| (format!(" {}", m.nodes[l].path), series_val(s, factor)))
            })
            .collect(),
        Target::Fuels(n) => m
            .leaves_below(*n)
            .into_iter()
            .flat_map(|l| {
                m.effective_fuels(l)
                    .unwrap_or(&[])
                    .iter()
                    .map(move |x| {
                        (
                            format!(" {}:{}", m.nodes[l].path, fuel(x.item)),
                            series_val(&x.share, 1.0),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
        Target::Children(n) => m.nodes[*n]
            .children
            .iter()
            .flat_map(|&c| {
                activity_val(m, &m.nodes[c].activity, 1.0)
                    .into_iter()
                    .map(move |(k, v)| (format!(" {}{k}", m.nodes[c].name), v))
            })
            .collect(),
        _ => other_values(m, t, factor),
    }
}

fn other_values(m: &Model, t: &Target, factor: f64) -> Vec<(String, Val)> {
    let one = |s: &Series, f: f64| vec![(String::new(), series_val(s, f))];
    let e = m.electricity.as_ref();
    let w = m.waste.as_ref();
    match t {
        Target::Losses => e.map(|e| one(&e.losses, 1.0)).unwrap_or_default(),
        Target::GridFactor => match e.map(|e| &e.grid) {
            Some(Grid::Factor { factor: s, .. }) => one(s, factor),
            _ => Vec::new(),
        },
        Target::Mix => match e.map(|e| &e.grid) {
            Some(Grid::Mix(plants)) => plants
                .iter()
                .map(|p| (format!(" {}", p.name), series_val(&p.share, 1.0)))
                .collect(),
            _ => Vec::new(),
        },
        Target::Local => e
            .map(|e| {
                vec![(
                    String::new(),
                    Val::Text(
                        e.local
                            .iter()
                            .map(|u| u.name.clone())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                )]
            })
            .unwrap_or_default(),
        Target::LocalCapacity(i) => e
            .and_then(|e| e.local[*i].capacity.as_ref())
            .map(|s| one(s, factor))
            .unwrap_or_default(),
        Target::LocalCapacityFactor(i) => e
            .and_then(|e| e.local[*i].capacity_factor.as_ref())
            .map(|s| one(s, 1.0))
            .unwrap_or_default(),
        Target::LocalGeneration(i) => e
            .and_then(|e| e.local[*i].generation.as_ref())
            .map(|s| one(s, factor))
            .unwrap_or_default(),
        Target::WasteGeneration => w
            .map(|w| activity_val(m, &w.generation, factor))
            .unwrap_or_default(),
        Target::WasteComposition => w
            .map(|w| {
                w.composition
                    .iter()
                    .map(|x| {
                        let name = lcs_factors::WasteType::ALL
                            .get(x.item)
                            .map(|t| t.name())
                            .unwrap_or("?");
                        (format!(" {name}"), series_val(&x.share, 1.0))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Target::WasteRoutes => w
            .map(|w| {
                w.routes
                    .iter()
                    .map(|x| {
                        let name = ROUTES.get(x.item).copied().unwrap_or("?");
                        (format!(" {name}"), series_val(&x.share, 1.0))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Target::LandfillRecovery => w.map(|w| one(&w.recovery, 1.0)).unwrap_or_default(),
        Target::SourceActivity(i) => activity_val(m, &m.sources[*i].activity, factor),
        Target::SourceFactor(i, gas) => m.sources[*i]
            .factors
            .iter()
            .filter(|(g, _)| g == gas)
            .map(|(_, s)| (String::new(), series_val(s, factor)))
            .collect(),
        _ => Vec::new(),
    }
}

fn short(v: f64) -> String {
    crate::tables::display_number(v, false)
}

/// Describes how two value vectors differ: the first year that differs and the end year.
fn describe_change(years: &[i32], a: &[f64], b: &[f64]) -> (String, String) {
    let differs = |i: usize| (a[i] - b[i]).abs() > 1e-12 * a[i].abs().max(b[i].abs()).max(1e-300);
    let n = a.len().min(b.len());
    let first = (0..n).find(|&i| differs(i));
    let last = n.saturating_sub(1);
    match first {
        Some(i) if i != last => (
            format!(
                "{} {} … {} {}",
                years[i],
                short(a[i]),
                years[last],
                short(a[last])
            ),
            format!(
                "{} {} … {} {}",
                years[i],
                short(b[i]),
                years[last],
                short(b[last])
            ),
        ),
        Some(i) => (
            format!("{} {}", years[i], short(a[i])),
            format!("{} {}", years[i], short(b[i])),
        ),
        None => (format!("{n} years"), format!("{} years", b.len())),
    }
}

fn display_factor(m: &Model, unit: &str) -> f64 {
    m.units.parse(unit).map(|u| u.factor).unwrap_or(1.0)
}

/// The differences of inputs between scenarios `a` and `b`.
pub fn inputs(a: &Scenario, b: &Scenario) -> Vec<InputDiff> {
    let mut out = Vec::new();
    let mut push = |kind: &'static str, what: String, x: String, y: String| {
        out.push(InputDiff {
            kind,
            what,
            a: x,
            b: y,
        });
    };
    let dash = || "-".to_string();
    if a.model.region_id != b.model.region_id
        || a.model.base_year != b.model.base_year
        || a.model.end_year != b.model.end_year
    {
        push(
            "scenario",
            "region and years".into(),
            format!(
                "{} {}–{}",
                a.model.region_id, a.model.base_year, a.model.end_year
            ),
            format!(
                "{} {}–{}",
                b.model.region_id, b.model.base_year, b.model.end_year
            ),
        );
    }
    let years: Vec<i32> = a.model.years().collect();
    let pa = lcs_model::target_paths(&a.model);
    let pb = lcs_model::target_paths(&b.model);
    for p in &pa {
        let label = format!("{} [{}]", p.path, p.unit);
        let Some(q) = pb.iter().find(|q| q.path == p.path) else {
            push("parameter", label, "defined".into(), dash());
            continue;
        };
        let va = values(&a.model, &p.target, display_factor(&a.model, &p.unit));
        let vb = values(&b.model, &q.target, display_factor(&b.model, &q.unit));
        if va == vb {
            continue;
        }
        // Each side in its own unit (two models may differ: MYR million and JPY million).
        let unit = if p.unit == q.unit {
            p.unit.clone()
        } else {
            format!("{} (A), {} (B)", p.unit, q.unit)
        };
        for (k, x) in &va {
            let y = vb.iter().find(|(kk, _)| kk == k).map(|(_, v)| v);
            let what = format!("{}{k} [{unit}]", p.path);
            match (x, y) {
                (Val::Values(x), Some(Val::Values(y))) if x != y => {
                    let (da, db) = describe_change(&years, x, y);
                    push("parameter", what, da, db);
                }
                (Val::Text(x), Some(Val::Text(y))) if x != y => {
                    push("parameter", what, x.clone(), y.clone())
                }
                (_, None) => push("parameter", what, "defined".into(), dash()),
                (Val::Values(_), Some(Val::Text(t))) => {
                    push("parameter", what, "values".into(), t.clone())
                }
                (Val::Text(t), Some(Val::Values(_))) => {
                    push("parameter", what, t.clone(), "values".into())
                }
                _ => {}
            }
        }
        for (k, _) in &vb {
            if !va.iter().any(|(kk, _)| kk == k) {
                push(
                    "parameter",
                    format!("{}{k} [{unit}]", p.path),
                    dash(),
                    "defined".into(),
                );
            }
        }
    }
    for q in &pb {
        if !pa.iter().any(|p| p.path == q.path) {
            push(
                "parameter",
                format!("{} [{}]", q.path, q.unit),
                dash(),
                "defined".into(),
            );
        }
    }
    for (o, _) in &a.overrides {
        if !b.overrides.iter().any(|(x, _)| x == o) {
            push("override", o.clone(), "overridden".into(), dash());
        }
    }
    for (o, _) in &b.overrides {
        if !a.overrides.iter().any(|(x, _)| x == o) {
            push("override", o.clone(), dash(), "overridden".into());
        }
    }
    let measure = |m: &lcs_model::Measure, model: &Model| {
        format!(
            "{} ({}–{}, {})",
            crate::run::lever_words(model, m).0,
            m.schedule.start,
            m.schedule.full,
            m.schedule.ramp.name()
        )
    };
    for x in &a.actions {
        let Some(y) = b.actions.iter().find(|y| y.id == x.id) else {
            push("action", x.id.clone(), action_words(x), dash());
            continue;
        };
        if action_meta(x) != action_meta(y) {
            push("action", x.id.clone(), action_meta(x), action_meta(y));
        }
        for mx in &x.measures {
            match y.measures.iter().find(|my| my.id == mx.id) {
                None => push(
                    "measure",
                    format!("{}/{}", x.id, mx.id),
                    measure(mx, &a.model),
                    dash(),
                ),
                Some(my) if measure(mx, &a.model) != measure(my, &b.model) => push(
                    "measure",
                    format!("{}/{}", x.id, mx.id),
                    measure(mx, &a.model),
                    measure(my, &b.model),
                ),
                _ => {}
            }
        }
        for my in &y.measures {
            if !x.measures.iter().any(|mx| mx.id == my.id) {
                push(
                    "measure",
                    format!("{}/{}", y.id, my.id),
                    dash(),
                    measure(my, &b.model),
                );
            }
        }
    }
    for y in &b.actions {
        if !a.actions.iter().any(|x| x.id == y.id) {
            push("action", y.id.clone(), dash(), action_words(y));
        }
    }
    let target = |t: &lcs_model::TargetSpec, m: &Model| target_words(t, m);
    for x in &a.targets {
        match b.targets.iter().find(|y| y.id == x.id) {
            None => push("target", x.id.clone(), target(x, &a.model), dash()),
            Some(y) if target(x, &a.model) != target(y, &b.model) => push(
                "target",
                x.id.clone(),
                target(x, &a.model),
                target(y, &b.model),
            ),
            _ => {}
        }
    }
    for y in &b.targets {
        if !a.targets.iter().any(|x| x.id == y.id) {
            push("target", y.id.clone(), dash(), target(y, &b.model));
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// An action in words: its name and how many measures it has.
fn action_words(a: &lcs_model::Action) -> String {
    match &a.name {
        Some(n) => format!("{n} ({})", plural(a.measures.len(), "measure")),
        None => plural(a.measures.len(), "measure"),
    }
}

/// An action's plan metadata in words: `name: …; theme: …; agency: …; KPI: …`.
fn action_meta(a: &lcs_model::Action) -> String {
    let mut parts = Vec::new();
    for (k, v) in [("name", &a.name), ("theme", &a.theme), ("KPI", &a.kpi)] {
        if let Some(v) = v {
            parts.push(format!("{k}: {v}"));
        }
    }
    if !a.agency.is_empty() {
        parts.push(format!("agency: {}", a.agency.join(", ")));
    }
    if parts.is_empty() {
        "no name, theme, agency or KPI".to_string()
    } else {
        parts.join("; ")
    }
}

/// A target in words: `emissions in 2030: −15 % vs reference (no actions)` (the report's
/// own metric and rule wording).
fn target_words(t: &lcs_model::TargetSpec, m: &Model) -> String {
    let (metric, unit, _) = crate::run::metric_words(m, &t.metric);
    format!(
        "{metric} in {}: {}",
        t.year,
        crate::run::rule_words(&t.threshold, &unit)
    )
}

/// One variable's largest difference of outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputDiff {
    /// Variable name.
    pub variable: String,
    /// Unit.
    pub unit: String,
    /// The year of the largest absolute difference.
    pub year: i32,
    /// Value in A that year.
    pub a: Option<f64>,
    /// Value in B that year.
    pub b: Option<f64>,
    /// `(b − a) / |a|` that year (None when `a` is 0 or either is missing).
    pub relative: Option<f64>,
}

/// Variables that differ between two runs, largest relative difference first (then
/// largest absolute); variables present in only one run come first with `None` values.
pub fn outputs(
    years_a: &[i32],
    rows_a: &[Row],
    years_b: &[i32],
    rows_b: &[Row],
) -> Vec<OutputDiff> {
    let mut out = Vec::new();
    for ra in rows_a {
        let Some(rb) = rows_b.iter().find(|r| r.variable == ra.variable) else {
            out.push(OutputDiff {
                variable: ra.variable.clone(),
                unit: ra.unit.clone(),
                year: years_a[0],
                a: ra.values[0],
                b: None,
                relative: None,
            });
            continue;
        };
        // Two models may write a variable in different units (`Drivers|gdp` in MYR million
        // and in JPY million): their numbers are not compared.
        if rb.unit != ra.unit {
            out.push(OutputDiff {
                variable: ra.variable.clone(),
                unit: format!("{} (A), {} (B)", ra.unit, rb.unit),
                year: years_a[0],
                a: ra.values[0],
                b: rb.values[0],
                relative: None,
            });
            continue;
        }
        let mut best: Option<(f64, usize, usize)> = None;
        for (i, y) in years_a.iter().enumerate() {
            let Some(j) = years_b.iter().position(|x| x == y) else {
                continue;
            };
            if let (Some(a), Some(b)) = (ra.values[i], rb.values[j]) {
                let d = (b - a).abs();
                if d > 1e-9 * a.abs().max(b.abs()) && best.is_none_or(|(bd, _, _)| d > bd) {
                    best = Some((d, i, j));
                }
            }
        }
        if let Some((_, i, j)) = best {
            let (a, b) = (ra.values[i], rb.values[j]);
            let relative = match (a, b) {
                (Some(a), Some(b)) if a != 0.0 => Some((b - a) / a.abs()),
                _ => None,
            };
            out.push(OutputDiff {
                variable: ra.variable.clone(),
                unit: ra.unit.clone(),
                year: years_a[i],
                a,
                b,
                relative,
            });
        }
    }
    for rb in rows_b {
        if !rows_a.iter().any(|r| r.variable == rb.variable) {
            out.push(OutputDiff {
                variable: rb.variable.clone(),
                unit: rb.unit.clone(),
                year: years_b[0],
                a: None,
                b: rb.values[0],
                relative: None,
            });
        }
    }
    let key = |d: &OutputDiff| match (d.a, d.b, d.relative) {
        (Some(_), Some(_), Some(r)) => r.abs(),
        (Some(_), Some(_), None) => f64::INFINITY / 2.0,
        _ => f64::INFINITY,
    };
    out.sort_by(|x, y| {
        key(y)
            .total_cmp(&key(x))
            .then_with(|| x.variable.cmp(&y.variable))
    });
    out
}
