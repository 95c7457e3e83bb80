//! Matching two breakdowns term by term, and the factors of each term at both points.
//!
//! Demand leaves match by path, waste matches waste, sources match by path; a mapping pairs
//! a node of A with a node of B, and the leaves below each side are aggregated into one
//! leaf: `A = Σ A_i`, `I = Σ A_i I_i / A`, `M_f = FE_f / Σ FE`, `F_f = C_f / FE_f` (so that
//! `A(top) × S × I × M_f × F_f = C_f`, the aggregate's emissions). Within a matched leaf the
//! fuels are the union of both sides; a fuel absent on one side has share 0 there (and the
//! other side's factor, so that only the fuel-mix effect sees it).

use crate::{DecomposeError, Effect, Options, Side};
use lcs_engine::{Breakdown, LeafBreakdown};
use lcs_units::{Dimension, CURRENCIES};

/// One multiplicative term with its factors at both points (t CO2e when multiplied out).
pub(crate) struct Term {
    /// `demand.<path>|<fuel>`, `waste` or `sources.<path>`, for messages.
    pub name: String,
    pub sector: String,
    pub effects: Vec<Effect>,
    pub x0: Vec<f64>,
    pub xt: Vec<f64>,
}

/// Every node path of a breakdown's demand tree (`demand.<path>` for leaves and the
/// branches above them), then `waste` and `sources.<path>`: the names a mapping may use.
pub fn node_paths(b: &Breakdown) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in &b.leaves {
        let mut prefix = String::new();
        for part in l.path.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            let p = format!("demand.{prefix}");
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    if b.waste.is_some() {
        out.push("waste".into());
    }
    out.extend(b.sources.iter().map(|s| format!("sources.{}", s.path)));
    out
}

/// What a mapping path names.
enum Named {
    Demand(String),
    Waste,
    Source(String),
}

fn parse_path(p: &str) -> Named {
    if p == "waste" {
        Named::Waste
    } else if let Some(s) = p.strip_prefix("sources.") {
        Named::Source(s.to_string())
    } else {
        Named::Demand(p.strip_prefix("demand.").unwrap_or(p).to_string())
    }
}

fn under(leaf: &str, node: &str) -> bool {
    leaf == node || (leaf.starts_with(node) && leaf.as_bytes().get(node.len()) == Some(&b'/'))
}

/// A matched group of leaves: indices into A's and B's leaves.
struct Group {
    name: String,
    a: Vec<usize>,
    b: Vec<usize>,
}

fn unknown(b: &Breakdown, side: Side, path: &str) -> DecomposeError {
    let paths = node_paths(b);
    DecomposeError::UnknownMappedPath {
        side,
        path: path.to_string(),
        nearest: lcs_units::nearest(path, paths.iter().map(String::as_str)),
    }
}

/// The terms of the decomposition from `a` (year index `ya`) to `b` (year index `yb`).
pub(crate) fn terms(
    a: &Breakdown,
    ya: usize,
    b: &Breakdown,
    yb: usize,
    opts: &Options,
) -> Result<Vec<Term>, DecomposeError> {
    let mut groups: Vec<Group> = Vec::new();
    let mut used_a = vec![false; a.leaves.len()];
    let mut used_b = vec![false; b.leaves.len()];
    let mut source_pairs: Vec<(usize, usize)> = Vec::new();
    for (pa, pb) in &opts.maps {
        match (parse_path(pa), parse_path(pb)) {
            (Named::Demand(na), Named::Demand(nb)) => {
                let sel =
                    |bd: &Breakdown, node: &str, used: &mut [bool], side: Side, path: &str| {
                        let idx: Vec<usize> = (0..bd.leaves.len())
                            .filter(|&i| under(&bd.leaves[i].path, node))
                            .collect();
                        if idx.is_empty() {
                            return Err(unknown(bd, side, path));
                        }
                        for &i in &idx {
                            if used[i] {
                                return Err(DecomposeError::MappedTwice {
                                    side,
                                    leaf: format!("demand.{}", bd.leaves[i].path),
                                });
                            }
                            used[i] = true;
                        }
                        Ok(idx)
                    };
                let ia = sel(a, &na, &mut used_a, Side::A, pa)?;
                let ib = sel(b, &nb, &mut used_b, Side::B, pb)?;
                groups.push(Group {
                    name: format!("demand.{na}"),
                    a: ia,
                    b: ib,
                });
            }
            (Named::Source(sa), Named::Source(sb)) => {
                let ia = a
                    .sources
                    .iter()
                    .position(|s| s.path == sa)
                    .ok_or_else(|| unknown(a, Side::A, pa))?;
                let ib = b
                    .sources
                    .iter()
                    .position(|s| s.path == sb)
                    .ok_or_else(|| unknown(b, Side::B, pb))?;
                source_pairs.push((ia, ib));
            }
            (Named::Waste, Named::Waste) => {
                if a.waste.is_none() {
                    return Err(unknown(a, Side::A, pa));
                }
                if b.waste.is_none() {
                    return Err(unknown(b, Side::B, pb));
                }
            }
            // Kinds that differ: report the B side as naming nothing of A's kind.
            (_, _) => return Err(unknown(b, Side::B, pb)),
        }
    }
    // Leaves with the same path.
    for (i, leaf) in a.leaves.iter().enumerate() {
        if used_a[i] {
            continue;
        }
        if let Some(j) = (0..b.leaves.len()).find(|&j| !used_b[j] && b.leaves[j].path == leaf.path)
        {
            used_a[i] = true;
            used_b[j] = true;
            groups.push(Group {
                name: format!("demand.{}", leaf.path),
                a: vec![i],
                b: vec![j],
            });
        }
    }
    // Sources with the same path.
    for (i, s) in a.sources.iter().enumerate() {
        if source_pairs.iter().any(|(x, _)| *x == i) {
            continue;
        }
        if let Some(j) = b
            .sources
            .iter()
            .enumerate()
            .position(|(j, t)| t.path == s.path && !source_pairs.iter().any(|(_, y)| *y == j))
        {
            source_pairs.push((i, j));
        }
    }
    // Anything left is unmatched.
    let mut only_a: Vec<String> = (0..a.leaves.len())
        .filter(|&i| !used_a[i])
        .map(|i| format!("demand.{}", a.leaves[i].path))
        .collect();
    let mut only_b: Vec<String> = (0..b.leaves.len())
        .filter(|&j| !used_b[j])
        .map(|j| format!("demand.{}", b.leaves[j].path))
        .collect();
    match (&a.waste, &b.waste) {
        (Some(_), None) => only_a.push("waste".into()),
        (None, Some(_)) => only_b.push("waste".into()),
        _ => {}
    }
    only_a.extend(
        (0..a.sources.len())
            .filter(|i| !source_pairs.iter().any(|(x, _)| x == i))
            .map(|i| format!("sources.{}", a.sources[i].path)),
    );
    only_b.extend(
        (0..b.sources.len())
            .filter(|j| !source_pairs.iter().any(|(_, y)| y == j))
            .map(|j| format!("sources.{}", b.sources[j].path)),
    );
    if !only_a.is_empty() || !only_b.is_empty() {
        return Err(DecomposeError::Unmatched { only_a, only_b });
    }

    // Terms, in A's order: demand groups by their first leaf, then waste, then sources.
    groups.sort_by_key(|g| g.a[0]);
    let mut out = Vec::new();
    for g in &groups {
        demand_terms(a, ya, b, yb, g, opts, &mut out)?;
    }
    if let (Some(wa), Some(wb)) = (&a.waste, &b.waste) {
        // Without solid waste at both points (a wastewater section alone) the row is one
        // level: all of its change is an emission-factor effect.
        let no_tonnes = wa.generated_t[ya] == 0.0 && wb.generated_t[yb] == 0.0;
        let factors = |w: &lcs_engine::WasteBreakdown, y: usize, side: Side| {
            let (gen, c) = (w.generated_t[y], w.co2e_t[y]);
            if no_tonnes {
                return Ok(vec![1.0, c]);
            }
            if gen == 0.0 && c != 0.0 {
                return Err(DecomposeError::Undefined {
                    term: "waste".into(),
                    side,
                    what: "the emissions per tonne generated (waste emits with none generated)",
                });
            }
            Ok(vec![gen, if gen == 0.0 { 0.0 } else { c / gen }])
        };
        out.push(Term {
            name: "waste".into(),
            sector: lcs_engine::var::WASTE_SECTOR.into(),
            effects: vec![Effect::Activity, Effect::EmissionFactor],
            x0: factors(wa, ya, Side::A)?,
            xt: factors(wb, yb, Side::B)?,
        });
    }
    source_pairs.sort_unstable();
    for (i, j) in source_pairs {
        let (sa, sb) = (&a.sources[i], &b.sources[j]);
        let name = format!("sources.{}", sa.path);
        let (ka, kb) = conversion(&name, &sa.activity_dim, &sb.activity_dim, opts)?;
        out.push(Term {
            name,
            sector: sa.sector.clone(),
            effects: vec![Effect::Activity, Effect::EmissionFactor],
            x0: vec![sa.activity[ya] * ka, sa.co2e_t_per_unit[ya] / ka],
            xt: vec![sb.activity[yb] * kb, sb.co2e_t_per_unit[yb] / kb],
        });
    }
    Ok(out)
}

/// The dimension without its currencies, and the currencies with their exponents.
fn split_currency(d: &Dimension) -> (Dimension, Vec<(String, i32)>) {
    let mut rest = d.clone();
    let mut cur = Vec::new();
    for c in CURRENCIES {
        let e = d.exponent(c);
        if e != 0 {
            rest = rest.div(&Dimension::base(c).powi(e));
            cur.push((c.to_string(), e));
        }
    }
    (rest, cur)
}

/// Multipliers that put A's and B's activity (dimensions `da`, `db`) in one unit: `(1, 1)`
/// when the dimensions are equal; currency conversion factors when they differ only in
/// currency; an error otherwise.
fn conversion(
    item: &str,
    da: &Dimension,
    db: &Dimension,
    opts: &Options,
) -> Result<(f64, f64), DecomposeError> {
    if da == db {
        return Ok((1.0, 1.0));
    }
    let ((ra, ca), (rb, cb)) = (split_currency(da), split_currency(db));
    let (unit_a, unit_b) = (lcs_engine::base_unit(da), lcs_engine::base_unit(db));
    let same_rest = ra == rb
        && ca.iter().map(|x| x.1).sum::<i32>() == cb.iter().map(|x| x.1).sum::<i32>()
        && !ca.is_empty();
    if !same_rest {
        return Err(DecomposeError::UnitMismatch {
            item: item.to_string(),
            unit_a,
            unit_b,
        });
    }
    let factor = |cs: &[(String, i32)]| -> Result<f64, DecomposeError> {
        let mut k = 1.0;
        for (c, e) in cs {
            let f = opts
                .currency
                .iter()
                .find(|(code, _)| code == c)
                .map(|x| x.1)
                .ok_or_else(|| DecomposeError::CurrencyNotConverted {
                    item: item.to_string(),
                    unit_a: unit_a.clone(),
                    unit_b: unit_b.clone(),
                    currency: c.clone(),
                })?;
            k *= f.powi(*e);
        }
        Ok(k)
    };
    Ok((factor(&ca)?, factor(&cb)?))
}

/// The aggregate of some leaves of one side at one year: the factors of the product form.
struct Aggregate {
    sector_activity: f64,
    /// Σ A_i.
    activity: f64,
    /// GJ per unit of activity.
    intensity: f64,
    /// (fuel id, is electricity, final energy GJ, emissions t CO2e, leaf factor for a
    /// fuel with no final energy).
    fuels: Vec<(String, bool, f64, f64, f64)>,
}

fn aggregate(leaves: &[&LeafBreakdown], y: usize, k_top: f64, k_leaf: f64) -> Aggregate {
    let activity: f64 = leaves.iter().map(|l| l.activity[y] * k_leaf).sum();
    let mut fuels: Vec<(String, bool, f64, f64, f64)> = Vec::new();
    for l in leaves {
        for f in &l.fuels {
            let (fe, c) = (f.energy_gj(l, y), f.co2e_t(l, y));
            match fuels.iter_mut().find(|x| x.0 == f.fuel) {
                Some(x) => {
                    x.2 += fe;
                    x.3 += c;
                }
                None => fuels.push((f.fuel.clone(), f.is_electricity, fe, c, f.co2e_t_per_gj[y])),
            }
        }
    }
    let total_fe: f64 = leaves.iter().map(|l| l.energy_gj(y)).sum();
    let intensity = if activity != 0.0 {
        total_fe / activity
    } else {
        leaves
            .iter()
            .map(|l| l.intensity_gj[y] / k_leaf)
            .sum::<f64>()
            / leaves.len() as f64
    };
    Aggregate {
        sector_activity: leaves[0].sector_activity[y] * k_top,
        activity,
        intensity,
        fuels,
    }
}

/// The factors `[A(top), S, I, M, F]` of every fuel of a matched demand group.
#[allow(clippy::too_many_arguments)]
fn demand_terms(
    a: &Breakdown,
    ya: usize,
    b: &Breakdown,
    yb: usize,
    g: &Group,
    opts: &Options,
    out: &mut Vec<Term>,
) -> Result<(), DecomposeError> {
    let la: Vec<&LeafBreakdown> = g.a.iter().map(|&i| &a.leaves[i]).collect();
    let lb: Vec<&LeafBreakdown> = g.b.iter().map(|&j| &b.leaves[j]).collect();
    // One unit per side: every leaf of a group shares its leaf and sector dimensions.
    for ls in [&la, &lb] {
        for l in ls.iter().skip(1) {
            if l.activity_dim != ls[0].activity_dim {
                return Err(DecomposeError::UnitMismatch {
                    item: g.name.clone(),
                    unit_a: lcs_engine::base_unit(&ls[0].activity_dim),
                    unit_b: lcs_engine::base_unit(&l.activity_dim),
                });
            }
        }
    }
    let (ta, tb) = conversion(
        &g.name,
        &la[0].sector_activity_dim,
        &lb[0].sector_activity_dim,
        opts,
    )?;
    let (ka, kb) = conversion(&g.name, &la[0].activity_dim, &lb[0].activity_dim, opts)?;
    let sector = la[0].sector.clone();
    // One leaf on each side: its own factors, read directly (no division).
    if la.len() == 1 && lb.len() == 1 {
        let (l0, lt) = (la[0], lb[0]);
        let mut fuel_ids: Vec<&str> = l0.fuels.iter().map(|f| f.fuel.as_str()).collect();
        for f in &lt.fuels {
            if !fuel_ids.contains(&f.fuel.as_str()) {
                fuel_ids.push(&f.fuel);
            }
        }
        let s0 = structure_share(l0, ya, ta, ka, Side::A, &g.name)?;
        let st = structure_share(lt, yb, tb, kb, Side::B, &g.name)?;
        for id in fuel_ids {
            let f0 = l0.fuels.iter().find(|f| f.fuel == id);
            let ft = lt.fuels.iter().find(|f| f.fuel == id);
            let is_elec = f0.or(ft).is_some_and(|f| f.is_electricity);
            let (m0, e0) = f0.map_or((0.0, None), |f| (f.share[ya], Some(f.co2e_t_per_gj[ya])));
            let (mt, et) = ft.map_or((0.0, None), |f| (f.share[yb], Some(f.co2e_t_per_gj[yb])));
            let (e0, et) = (e0.or(et).unwrap_or(0.0), et.or(e0).unwrap_or(0.0));
            out.push(Term {
                name: format!("{}|{id}", g.name),
                sector: sector.clone(),
                effects: demand_effects(is_elec),
                x0: vec![
                    l0.sector_activity[ya] * ta,
                    s0,
                    l0.intensity_gj[ya] / ka,
                    m0,
                    e0,
                ],
                xt: vec![
                    lt.sector_activity[yb] * tb,
                    st,
                    lt.intensity_gj[yb] / kb,
                    mt,
                    et,
                ],
            });
        }
        return Ok(());
    }
    let g0 = aggregate(&la, ya, ta, ka);
    let gt = aggregate(&lb, yb, tb, kb);
    let share = |x: &Aggregate, side| {
        if x.sector_activity != 0.0 {
            Ok(x.activity / x.sector_activity)
        } else if x.activity == 0.0 {
            Ok(1.0)
        } else {
            Err(DecomposeError::Undefined {
                term: g.name.clone(),
                side,
                what: "the structure share (activity without sector activity)",
            })
        }
    };
    let (s0, st) = (share(&g0, Side::A)?, share(&gt, Side::B)?);
    let mut fuel_ids: Vec<String> = g0.fuels.iter().map(|f| f.0.clone()).collect();
    for f in &gt.fuels {
        if !fuel_ids.contains(&f.0) {
            fuel_ids.push(f.0.clone());
        }
    }
    let fe_total = |x: &Aggregate| x.fuels.iter().map(|f| f.2).sum::<f64>();
    let (fe0, fet) = (fe_total(&g0), fe_total(&gt));
    let n_fuels = |x: &Aggregate| x.fuels.len().max(1) as f64;
    for id in fuel_ids {
        let pick = |x: &Aggregate, fe_tot: f64| -> (f64, Option<f64>, bool) {
            match x.fuels.iter().find(|f| f.0 == id) {
                None => (0.0, None, false),
                Some(f) => {
                    let m = if fe_tot > 0.0 {
                        f.2 / fe_tot
                    } else {
                        1.0 / n_fuels(x)
                    };
                    let e = if f.2 > 0.0 { f.3 / f.2 } else { f.4 };
                    (m, Some(e), f.1)
                }
            }
        };
        let (m0, e0, el0) = pick(&g0, fe0);
        let (mt, et, elt) = pick(&gt, fet);
        let (e0, et) = (e0.or(et).unwrap_or(0.0), et.or(e0).unwrap_or(0.0));
        out.push(Term {
            name: format!("{}|{id}", g.name),
            sector: sector.clone(),
            effects: demand_effects(el0 || elt),
            x0: vec![g0.sector_activity, s0, g0.intensity, m0, e0],
            xt: vec![gt.sector_activity, st, gt.intensity, mt, et],
        });
    }
    Ok(())
}

fn demand_effects(is_electricity: bool) -> Vec<Effect> {
    vec![
        Effect::Activity,
        Effect::Structure,
        Effect::Intensity,
        Effect::FuelMix,
        if is_electricity {
            Effect::GridFactor
        } else {
            Effect::EmissionFactor
        },
    ]
}

/// `S = A(n) / A(top)`, in converted units; 1 when both are 0 (the term is 0 through the
/// activity factor).
fn structure_share(
    l: &LeafBreakdown,
    y: usize,
    k_top: f64,
    k_leaf: f64,
    side: Side,
    term: &str,
) -> Result<f64, DecomposeError> {
    let (top, leaf) = (l.sector_activity[y] * k_top, l.activity[y] * k_leaf);
    if top != 0.0 {
        Ok(leaf / top)
    } else if leaf == 0.0 {
        Ok(1.0)
    } else {
        Err(DecomposeError::Undefined {
            term: term.to_string(),
            side,
            what: "the structure share (activity without sector activity)",
        })
    }
}
