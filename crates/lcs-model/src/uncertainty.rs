//! The `uncertainty:` section of scenario files (an extension of MODEL.md, documented in
//! docs/UNCERTAINTY.md): distributions on parameter paths and rank correlations.
//!
//! ```yaml
//! uncertainty:
//!   parameters:
//!     - { id: gdp, path: drivers.gdp, distribution: normal, mean: 1.0, sd: 0.05, min: 0.8 }
//!     - { id: grid, path: electricity.grid_factor, as: absolute, distribution: uniform,
//!         min: "0.6 t CO2/MWh", max: "0.8 t CO2/MWh" }
//!   correlations:
//!     - { between: [gdp, grid], rank: 0.5 }
//! ```
//!
//! A multiplier is a plain number; an absolute value is written in the series' unit and
//! converted to base units here. Parameters are merged by id through `extends` (the
//! child's replacing the parent's), correlations by pair.

use crate::diag::Diagnostic;
use crate::model::*;
use crate::paths::PathInfo;
use crate::read::{get, join, Reader};
use crate::scenario::find_path;
use crate::source::Span;
use crate::yaml::Node;
use lcs_units::nearest;

/// Each distribution and its keys (docs/UNCERTAINTY.md); the schema lists the same.
pub(crate) const DISTRIBUTIONS: [(&str, &[&str]); 5] = [
    ("uniform", &["min", "max"]),
    ("triangular", &["min", "mode", "max"]),
    ("normal", &["mean", "sd", "min", "max"]),
    ("lognormal", &["mu", "sigma"]),
    ("discrete", &["values", "weights"]),
];

/// The keys of `uncertainty:`.
pub(crate) const UNCERTAINTY_KEYS: [&str; 2] = ["parameters", "correlations"];
/// The keys of an uncertain parameter besides its distribution's ([`DISTRIBUTIONS`]).
pub(crate) const PARAMETER_KEYS: [&str; 4] = ["id", "path", "as", "distribution"];
/// The keys of a correlation.
pub(crate) const CORRELATION_KEYS: [&str; 2] = ["between", "rank"];

fn keys_for(dist: &str) -> &'static [&'static str] {
    DISTRIBUTIONS
        .iter()
        .find(|(d, _)| *d == dist)
        .map(|(_, k)| *k)
        .unwrap_or(&[])
}

/// Reads `uncertainty:` into `params` (merged by id) and raw correlations.
pub(crate) fn read(
    r: &mut Reader,
    paths: &[PathInfo],
    node: &Node,
    params: &mut Vec<UncertainParameter>,
    corr: &mut Vec<(String, String, f64, Span, String)>,
) {
    let Some(items) = r.map(node, "uncertainty", &UNCERTAINTY_KEYS) else {
        return;
    };
    if let Some(p) = get(items, "parameters") {
        if let Some(list) = r.seq(p, "uncertainty.parameters", "parameters") {
            // Ids of this file: a parent's parameter is replaced by id, a second one of
            // this file with the same id is surely a mistake (it would silently replace the
            // first).
            let mut here: Vec<(String, Span)> = Vec::new();
            for (i, pn) in list.iter().enumerate() {
                let pp = format!("uncertainty.parameters[{i}]");
                if let Some(x) = read_param(r, paths, pn, &pp) {
                    if let Some((_, first)) = here.iter().find(|(id, _)| *id == x.id) {
                        let line = first.line;
                        r.err(
                            Diagnostic::new(x.span, format!("uncertain parameter id `{}` is used twice", x.id))
                                .at(join(&pp, "id"))
                                .expected("an `id` unique in the scenario (it defaults to the `path`)")
                                .note(format!("first defined on line {line}; give two parameters on one path (a `level` and a `trend`) different ids")),
                        );
                        continue;
                    }
                    here.push((x.id.clone(), x.span));
                    match params.iter_mut().find(|q| q.id == x.id) {
                        Some(old) => *old = x,
                        None => params.push(x),
                    }
                }
            }
        }
    }
    if let Some(c) = get(items, "correlations") {
        if let Some(list) = r.seq(c, "uncertainty.correlations", "correlations") {
            for (i, cn) in list.iter().enumerate() {
                let cp = format!("uncertainty.correlations[{i}]");
                let Some(ci) = r.map(cn, &cp, &CORRELATION_KEYS) else {
                    continue;
                };
                let Some(b) = r
                    .req(ci, "between", &cp, cn.span)
                    .and_then(|b| r.strings(b, &join(&cp, "between")))
                else {
                    continue;
                };
                let Some(rank) = r
                    .req(ci, "rank", &cp, cn.span)
                    .and_then(|x| r.number(x, &join(&cp, "rank")))
                else {
                    continue;
                };
                if b.len() != 2 || b[0] == b[1] {
                    r.err(
                        Diagnostic::new(cn.span, "`between` names two different parameters")
                            .at(join(&cp, "between")),
                    );
                    continue;
                }
                if !(rank > -1.0 && rank < 1.0) {
                    r.err(
                        Diagnostic::new(
                            cn.span,
                            format!("rank correlation {rank} is outside (-1, 1)"),
                        )
                        .at(join(&cp, "rank"))
                        .expected("a number strictly between -1 and 1"),
                    );
                    continue;
                }
                corr.retain(|(a, bb, _, _, _)| {
                    !((*a == b[0] && *bb == b[1]) || (*a == b[1] && *bb == b[0]))
                });
                corr.push((
                    b[0].clone(),
                    b[1].clone(),
                    rank,
                    cn.span,
                    join(&cp, "between"),
                ));
            }
        }
    }
}

/// Resolves correlation names to parameter indices.
pub(crate) fn resolve_correlations(
    r: &mut Reader,
    params: &[UncertainParameter],
    corr: &[(String, String, f64, Span, String)],
) -> Vec<Correlation> {
    let mut out = Vec::new();
    for (a, b, rank, span, key) in corr {
        let find = |r: &mut Reader, name: &str| -> Option<usize> {
            let i = params.iter().position(|p| p.id == name);
            if i.is_none() {
                r.err(
                    Diagnostic::new(*span, format!("unknown uncertain parameter `{name}`"))
                        .at(key.as_str())
                        .suggest(nearest(name, params.iter().map(|p| p.id.as_str()))),
                );
            }
            i
        };
        if let (Some(ia), Some(ib)) = (find(r, a), find(r, b)) {
            out.push(Correlation {
                a: ia,
                b: ib,
                rank: *rank,
            });
        }
    }
    // Iman–Conover needs a positive-definite target correlation matrix (Cholesky).
    if let Some((_, _, _, span, _)) = corr.first() {
        let k = params.len();
        let mut m = vec![0.0f64; k * k];
        for i in 0..k {
            m[i * k + i] = 1.0;
        }
        for c in &out {
            m[c.a * k + c.b] = c.rank;
            m[c.b * k + c.a] = c.rank;
        }
        if !positive_definite(&mut m, k) {
            r.err(
                Diagnostic::new(*span, "the rank correlations cannot hold together")
                    .at("uncertainty.correlations")
                    .expected("a set of correlations whose matrix is positive definite")
                    .note("e.g. a with b at 0.9 and b with c at 0.9 but a with c at -0.9 contradict each other"),
            );
        }
    }
    out
}

/// Cholesky test in place on a symmetric `k × k` matrix.
fn positive_definite(m: &mut [f64], k: usize) -> bool {
    for j in 0..k {
        let mut d = m[j * k + j];
        for p in 0..j {
            d -= m[j * k + p] * m[j * k + p];
        }
        if d <= 1e-12 {
            return false;
        }
        let d = d.sqrt();
        m[j * k + j] = d;
        for i in j + 1..k {
            let mut v = m[i * k + j];
            for p in 0..j {
                v -= m[i * k + p] * m[j * k + p];
            }
            m[i * k + j] = v / d;
        }
    }
    true
}

fn read_param(
    r: &mut Reader,
    paths: &[PathInfo],
    n: &Node,
    pp: &str,
) -> Option<UncertainParameter> {
    let dist_text = match &n.kind {
        crate::yaml::NodeKind::Map(items) => get(items, "distribution")
            .and_then(|d| d.as_scalar())
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    };
    let mut allowed = PARAMETER_KEYS.to_vec();
    allowed.extend_from_slice(keys_for(&dist_text));
    let items = r.map(n, pp, &allowed)?;
    let pn = r.req(items, "path", pp, n.span)?;
    let path = r.text(pn, &join(pp, "path"))?.to_string();
    let id = match get(items, "id") {
        Some(i) => r.id(i, &join(pp, "id"))?.to_string(),
        None => path.clone(),
    };
    let dn = r.req(items, "distribution", pp, n.span)?;
    if keys_for(&dist_text).is_empty() {
        let names = DISTRIBUTIONS.map(|(d, _)| d);
        r.err(
            Diagnostic::new(dn.span, format!("unknown distribution `{dist_text}`"))
                .at(join(pp, "distribution"))
                .expected("`uniform`, `triangular`, `normal`, `lognormal` or `discrete`")
                .suggest(nearest(&dist_text, names)),
        );
        return None;
    }
    let info = find_path(r, paths, &path, pn.span, &join(pp, "path"))?.clone();
    if info.target.is_share_map()
        || info.target == Target::Local
        || matches!(info.target, Target::Energy(_))
    {
        r.err(
            Diagnostic::new(pn.span, format!("`{path}` is not a series"))
                .at(join(pp, "path"))
                .expected("a series path (a driver, an activity, a share, an intensity, a factor, …)")
                .note("share maps (fuels, routes, composition, mix, children) cannot be sampled as a whole; sample a child's `share` instead"),
        );
        return None;
    }
    let mode = match get(items, "as") {
        None => UncertainMode::Multiplier,
        Some(a) => match r.text(a, &join(pp, "as"))? {
            // `level` names what a multiplier does to a series: its level in every year,
            // base year included (docs/UNCERTAINTY.md).
            "multiplier" | "level" => UncertainMode::Multiplier,
            "absolute" => UncertainMode::Absolute,
            "trend" => UncertainMode::Trend,
            t => {
                r.err(
                    Diagnostic::new(a.span, format!("unknown mode `{t}`"))
                        .at(join(pp, "as"))
                        .expected("`multiplier` (or `level`), `trend` or `absolute`")
                        .suggest(nearest(t, ["multiplier", "level", "trend", "absolute"])),
                );
                return None;
            }
        },
    };
    // A value: a plain multiplier, or an absolute value in the series' dimension.
    let value = |r: &mut Reader, key: &str| -> Option<f64> {
        let node = get(items, key)?;
        let kp = join(pp, key);
        match mode {
            UncertainMode::Multiplier | UncertainMode::Trend => r.number(node, &kp),
            UncertainMode::Absolute => {
                let q = r.quantity(node, &kp)?;
                let (u, text) = crate::read::unit_of(&q);
                if u.dim != info.dim && !(q.unit.is_none() && info.dim.is_none()) {
                    r.err(
                        Diagnostic::new(node.span, format!("wrong unit for `{path}`"))
                            .at(kp)
                            .expected(format!("a value in `{}` ({})", info.unit, info.dim))
                            .found(text.unwrap_or_else(|| "a plain number".into())),
                    );
                    return None;
                }
                per_power(r, &info, text.as_deref(), node.span, &kp, &path)?;
                Some(q.value * u.factor)
            }
        }
    };
    let need = |r: &mut Reader, key: &str| -> Option<f64> {
        if get(items, key).is_none() {
            r.err(Diagnostic::new(n.span, format!("missing key `{key}`")).at(join(pp, key)));
            return None;
        }
        value(r, key)
    };
    // A value as written (`9 GJ/person`), for messages about values in base units.
    let written = |key: &str, base: f64| match get(items, key).map(|x| &x.kind) {
        Some(crate::yaml::NodeKind::Scalar { text, .. }) if mode == UncertainMode::Absolute => {
            text.trim().to_string()
        }
        _ => base.to_string(),
    };
    let bad = |r: &mut Reader, key: &str, msg: String| {
        let span = get(items, key).map(|x| x.span).unwrap_or(n.span);
        r.err(Diagnostic::new(span, msg).at(join(pp, key)));
    };
    let distribution = match dist_text.as_str() {
        "uniform" => {
            let (min, max) = (need(r, "min")?, need(r, "max")?);
            if min > max {
                bad(
                    r,
                    "max",
                    format!(
                        "bounds reversed: `min` {} is above `max` {}",
                        written("min", min),
                        written("max", max)
                    ),
                );
                return None;
            }
            Distribution::Uniform { min, max }
        }
        "triangular" => {
            let (min, mode, max) = (need(r, "min")?, need(r, "mode")?, need(r, "max")?);
            if !(min <= mode && mode <= max) || min == max {
                bad(
                    r,
                    "mode",
                    format!(
                        "expected `min` ≤ `mode` ≤ `max` with `min` < `max`, found {}, {}, {}",
                        written("min", min),
                        written("mode", mode),
                        written("max", max)
                    ),
                );
                return None;
            }
            Distribution::Triangular { min, mode, max }
        }
        "normal" => {
            let mean = need(r, "mean")?;
            // The standard deviation is a spread: in the series' unit for absolute values.
            let sd = need(r, "sd")?;
            if sd <= 0.0 {
                bad(
                    r,
                    "sd",
                    format!("the standard deviation must be positive, found {sd}"),
                );
                return None;
            }
            let min = if get(items, "min").is_some() {
                Some(value(r, "min")?)
            } else {
                None
            };
            let max = if get(items, "max").is_some() {
                Some(value(r, "max")?)
            } else {
                None
            };
            if let (Some(a), Some(b)) = (min, max) {
                if a >= b {
                    bad(
                        r,
                        "max",
                        format!(
                            "bounds reversed: `min` {} is not below `max` {}",
                            written("min", a),
                            written("max", b)
                        ),
                    );
                    return None;
                }
            }
            Distribution::Normal { mean, sd, min, max }
        }
        "lognormal" => {
            let mu_node = get(items, "mu");
            let mu = match mu_node {
                Some(m) => r.number(m, &join(pp, "mu"))?,
                None => {
                    r.err(Diagnostic::new(n.span, "missing key `mu`").at(join(pp, "mu")));
                    return None;
                }
            };
            let sigma = match get(items, "sigma") {
                Some(s) => r.number(s, &join(pp, "sigma"))?,
                None => {
                    r.err(Diagnostic::new(n.span, "missing key `sigma`").at(join(pp, "sigma")));
                    return None;
                }
            };
            if sigma <= 0.0 {
                bad(
                    r,
                    "sigma",
                    format!("`sigma` must be positive, found {sigma}"),
                );
                return None;
            }
            if mode == UncertainMode::Absolute && !info.dim.is_none() {
                bad(r, "as", "a lognormal is given on the log scale; use it as a multiplier on a series with a unit".into());
                return None;
            }
            Distribution::Lognormal { mu, sigma }
        }
        _ => {
            let vn = r.req(items, "values", pp, n.span)?;
            let crate::yaml::NodeKind::Seq(list) = &vn.kind else {
                bad(r, "values", "expected a list of values".into());
                return None;
            };
            let mut values = Vec::new();
            for (i, v) in list.iter().enumerate() {
                let kp = format!("{pp}.values[{i}]");
                let x = match mode {
                    UncertainMode::Multiplier | UncertainMode::Trend => r.number(v, &kp)?,
                    UncertainMode::Absolute => {
                        let q = r.quantity(v, &kp)?;
                        let (u, text) = crate::read::unit_of(&q);
                        if u.dim != info.dim && !(q.unit.is_none() && info.dim.is_none()) {
                            r.err(
                                Diagnostic::new(v.span, format!("wrong unit for `{path}`"))
                                    .at(kp)
                                    .expected(format!("a value in `{}`", info.unit)),
                            );
                            return None;
                        }
                        per_power(r, &info, text.as_deref(), v.span, &kp, &path)?;
                        q.value * u.factor
                    }
                };
                values.push(x);
            }
            if values.is_empty() {
                bad(r, "values", "`values` is empty".into());
                return None;
            }
            let weights = match get(items, "weights") {
                None => vec![1.0 / values.len() as f64; values.len()],
                Some(w) => {
                    let crate::yaml::NodeKind::Seq(wl) = &w.kind else {
                        bad(r, "weights", "expected a list of weights".into());
                        return None;
                    };
                    let mut ws = Vec::new();
                    for (i, x) in wl.iter().enumerate() {
                        ws.push(r.number(x, &format!("{pp}.weights[{i}]"))?);
                    }
                    let sum: f64 = ws.iter().sum();
                    if ws.len() != values.len()
                        || ws.iter().any(|x| *x < 0.0)
                        || (sum - 1.0).abs() > 1e-9
                    {
                        bad(r, "weights", format!("expected {} non-negative weights summing to 1, found {} summing to {sum}", values.len(), ws.len()));
                        return None;
                    }
                    ws
                }
            };
            Distribution::Discrete { values, weights }
        }
    };
    Some(UncertainParameter {
        id,
        path,
        target: info.target,
        mode,
        distribution,
        dim: info.dim,
        key: pp.to_string(),
        span: n.span,
    })
}

/// Checks that an absolute value for an emission factor per energy (`electricity.grid_factor`)
/// is written per unit of energy: time is not a dimension (MODEL.md §11.1), so `t CO2/MW`
/// passes the dimension check of `t CO2/MWh` but is 8,760 times smaller than it reads, the
/// error the model's own grid factor gets ([`crate::check_model::factor_per_energy`]).
/// None, with the diagnostic reported, when it is per unit of power.
fn per_power(
    r: &mut Reader,
    info: &PathInfo,
    text: Option<&str>,
    span: Span,
    key: &str,
    path: &str,
) -> Option<()> {
    let Some(text) = text else { return Some(()) };
    let Err(per_power @ crate::check_model::NotPerEnergy::PerPower { .. }) =
        crate::check_model::per_energy(r, &info.dim, Some(text))
    else {
        return Some(());
    };
    r.err(
        Diagnostic::new(span, format!("wrong unit for `{path}`"))
            .at(key)
            .expected(format!("a value per unit of energy, in `{}`", info.unit))
            .found(per_power.to_string())
            .note("time is not a dimension, so a factor per MW reads as one per MWh 8,760 times smaller"),
    );
    None
}
