//! Reading the `wastewater:` section (an extension of MODEL.md, docs/EXTENSIONS.md): domestic
//! and industrial wastewater by IPCC 2006 Vol. 5 Ch. 6.
//!
//! ```yaml
//! wastewater:
//!   domestic:
//!     population: population                 # a driver (persons) or a series
//!     bod: "40 g/person/day"                  # BOD per person
//!     correction: 1.25                        # I, default 1.25 (collected)
//!     pathways: { septic_tank: 0.6, aerobic: 0.3, sea_river_lake: 0.1 }
//!     protein: "28.835 kg/person/yr"          # optional: effluent N2O
//!   industrial:
//!     palm_oil:
//!       production: { unit: t, points: { 2005: 1.0e6, 2025: 1.4e6 } }
//!       wastewater: "3 m3/t"
//!       cod: "50 kg/m3"
//!       pathways: { lagoon_deep: 1.0 }
//! ```
//!
//! Every value is checked: dimensions (population × BOD and production × wastewater × COD
//! must be masses), shares in [0, 1] summing to 1, known pathway names (or an `mcf` for the
//! model's own), non-negative quantities.

use crate::check_model::check_sums_to_one;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::read::{get, join, Reader, Want};
use crate::yaml::Node;
use lcs_units::{nearest, Dimension};

/// The keys of `wastewater:`.
pub(crate) const WASTEWATER_KEYS: [&str; 2] = ["domestic", "industrial"];
/// The keys every stream has (domestic, and each industry), besides its own.
pub(crate) const STREAM_KEYS: [&str; 5] = ["pathways", "mcf", "b0", "sludge", "recovery"];
/// The keys of `wastewater.domestic` besides [`STREAM_KEYS`].
pub(crate) const DOMESTIC_KEYS: [&str; 9] = [
    "population",
    "bod",
    "correction",
    "protein",
    "f_npr",
    "f_non_con",
    "f_ind_com",
    "ef_effluent",
    "sludge_nitrogen",
];
/// The keys of an industry of `wastewater.industrial` besides [`STREAM_KEYS`].
pub(crate) const INDUSTRY_KEYS: [&str; 3] = ["production", "wastewater", "cod"];

/// Reads the section.
pub(crate) fn read_wastewater(r: &mut Reader, n: &Node) -> Option<Wastewater> {
    let items = r.map(n, "wastewater", &WASTEWATER_KEYS)?;
    let d = lcs_factors::wastewater_defaults();
    let mut ok = true;
    let domestic = match get(items, "domestic") {
        None => None,
        Some(dn) => {
            let x = read_domestic(r, dn, &d);
            ok &= x.is_some();
            x
        }
    };
    let mut industrial = Vec::new();
    if let Some(inode) = get(items, "industrial") {
        let list = r.free_map(inode, "wastewater.industrial", "industries")?;
        for (k, v) in list {
            let p = join("wastewater.industrial", &k.text);
            if !crate::read::is_name(&k.text) {
                r.err(
                    Diagnostic::new(k.span, format!("invalid industry name `{}`", k.text))
                        .at(p)
                        .expected("lower-case letters, digits and `_`, starting with a letter"),
                );
                ok = false;
                continue;
            }
            match read_industrial(r, &k.text, v, &p, &d) {
                Some(i) => industrial.push(i),
                None => ok = false,
            }
        }
    }
    if domestic.is_none() && industrial.is_empty() && ok {
        r.err(
            Diagnostic::new(
                n.span,
                "`wastewater` has neither `domestic` nor `industrial`",
            )
            .at("wastewater"),
        );
        return None;
    }
    ok.then_some(Wastewater {
        domestic,
        industrial,
        span: n.span,
    })
}

/// A plain number in `[lo, hi]` (a default when absent).
fn number_in(
    r: &mut Reader,
    items: &[(crate::yaml::Key, Node)],
    key: &str,
    path: &str,
    default: f64,
    (lo, hi): (f64, f64),
) -> Option<f64> {
    let Some(v) = get(items, key) else {
        return Some(default);
    };
    let kp = join(path, key);
    let x = r.number(v, &kp)?;
    if !(lo..=hi).contains(&x) {
        r.err(
            Diagnostic::new(v.span, format!("`{key}` = {x} is outside [{lo}, {hi}]"))
                .at(kp)
                .expected(format!("a number from {lo} to {hi}")),
        );
        return None;
    }
    Some(x)
}

/// Pathways with their MCF (the built-in table, or the stream's `mcf` map), B0, sludge and
/// recovery.
fn read_stream(
    r: &mut Reader,
    items: &[(crate::yaml::Key, Node)],
    path: &str,
    b0_default: f64,
    span: crate::source::Span,
) -> Option<WastewaterStream> {
    let mut mcf_given: Vec<(String, f64, crate::source::Span)> = Vec::new();
    if let Some(m) = get(items, "mcf") {
        let mp = join(path, "mcf");
        for (k, v) in r.free_map(m, &mp, "pathways to methane correction factors")? {
            let kp = join(&mp, &k.text);
            let x = r.number(v, &kp)?;
            if !(0.0..=1.0).contains(&x) {
                r.err(Diagnostic::new(v.span, format!("an MCF of {x} is outside 0 to 1")).at(kp));
                return None;
            }
            mcf_given.push((k.text.clone(), x, k.span));
        }
    }
    let pn = r.req(items, "pathways", path, span)?;
    let pp = join(path, "pathways");
    let mut pathways = Vec::new();
    let mut ok = true;
    for (k, v) in r.free_map(pn, &pp, "pathways to shares")? {
        let kp = join(&pp, &k.text);
        let mcf = match mcf_given.iter().find(|(n, _, _)| *n == k.text) {
            Some((_, x, _)) => Some(*x),
            None => lcs_factors::pathway_mcf(&k.text),
        };
        let Some(mcf) = mcf else {
            r.err(
                Diagnostic::new(k.span, format!("unknown pathway `{}`", k.text))
                    .at(kp)
                    .expected(format!(
                        "a built-in pathway ({}), or an `mcf` for the model's own",
                        lcs_factors::pathway_names()
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                    .suggest(nearest(&k.text, lcs_factors::pathway_names())),
            );
            ok = false;
            continue;
        };
        match r.fraction(v, &kp) {
            Some(share) => pathways.push(Pathway {
                name: k.text.clone(),
                share,
                mcf,
                implicit: false,
            }),
            None => ok = false,
        }
    }
    for (name, _, sp) in &mcf_given {
        if !pathways.iter().any(|p| p.name == *name) {
            r.err(
                Diagnostic::new(
                    *sp,
                    format!("`mcf` names `{name}`, which is not a pathway here"),
                )
                .at(join(&join(path, "mcf"), name))
                .suggest(nearest(name, pathways.iter().map(|p| p.name.as_str()))),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let as_items: Vec<ShareItem> = pathways
        .iter()
        .enumerate()
        .map(|(i, p)| ShareItem {
            item: i,
            share: p.share.clone(),
        })
        .collect();
    check_sums_to_one(r, &as_items, pn.span, &pp);
    // Every built-in pathway the map leaves out joins it with share 0, so that a measure
    // may shift organics to it (sewerage for septic users, a covered reactor at a mill).
    for name in lcs_factors::pathway_names() {
        if !pathways.iter().any(|p| p.name == *name) {
            if let Some(mcf) = lcs_factors::pathway_mcf(name) {
                pathways.push(Pathway {
                    name: name.to_string(),
                    share: r.zero(Dimension::none(), pn.span),
                    mcf,
                    implicit: true,
                });
            }
        }
    }
    let b0 = number_in(r, items, "b0", path, b0_default, (0.0, 1.0))?;
    let sludge = match get(items, "sludge") {
        Some(v) => r.fraction(v, &join(path, "sludge"))?,
        None => r.zero(Dimension::none(), span),
    };
    let recovery = match get(items, "recovery") {
        Some(v) => r.fraction(v, &join(path, "recovery"))?,
        None => r.zero(Dimension::none(), span),
    };
    Some(WastewaterStream {
        pathways,
        b0,
        sludge,
        recovery,
        span,
    })
}

/// A series whose product with `activity_dim` must be a mass.
fn per_unit(
    r: &mut Reader,
    n: &Node,
    path: &str,
    activity_dim: &Dimension,
    what: &str,
    example: &str,
) -> Option<Series> {
    let s = r.series(n, path, &Want::Any, false)?;
    let total = activity_dim.mul(&s.dim);
    if total != Dimension::mass() {
        r.err(
            Diagnostic::new(n.span, format!("{what} times its activity is not a mass"))
                .at(path)
                .expected(format!("a value such as `{example}`"))
                .found(format!("{} × {activity_dim} = {total}", s.dim)),
        );
        return None;
    }
    r.non_negative(&s, n.span, path, what).then_some(s)
}

fn read_domestic(
    r: &mut Reader,
    n: &Node,
    d: &lcs_factors::WastewaterDefaults,
) -> Option<DomesticWastewater> {
    let p = "wastewater.domestic";
    let mut keys = DOMESTIC_KEYS.to_vec();
    keys.extend(STREAM_KEYS);
    let items = r.map(n, p, &keys)?;
    let (population, pdim) = r
        .req(items, "population", p, n.span)
        .and_then(|a| r.activity(a, &join(p, "population")))?;
    let bn = r.req(items, "bod", p, n.span)?;
    let bod = per_unit(
        r,
        bn,
        &join(p, "bod"),
        &pdim,
        "BOD per person",
        "40 g/person/day",
    )?;
    let correction = number_in(
        r,
        items,
        "correction",
        p,
        d.correction_collected,
        (0.0, 10.0),
    )?;
    let stream = read_stream(r, items, p, d.b0_bod, n.span)?;
    let nitrogen = match get(items, "protein") {
        None => {
            for k in [
                "f_npr",
                "f_non_con",
                "f_ind_com",
                "ef_effluent",
                "sludge_nitrogen",
            ] {
                if let Some(v) = get(items, k) {
                    r.err(
                        Diagnostic::new(v.span, format!("`{k}` goes with `protein`"))
                            .at(join(p, k))
                            .note("effluent N2O is estimated from protein consumption (IPCC 2006 Vol. 5 Eq. 6.8)"),
                    );
                    return None;
                }
            }
            None
        }
        Some(pn) => {
            let protein = per_unit(
                r,
                pn,
                &join(p, "protein"),
                &pdim,
                "protein per person",
                "28.8 kg/person/yr",
            )?;
            let f_npr = number_in(r, items, "f_npr", p, d.f_npr, (0.0, 1.0))?;
            let f_non_con = number_in(r, items, "f_non_con", p, d.f_non_con, (0.0, 10.0))?;
            let f_ind_com = number_in(r, items, "f_ind_com", p, d.f_ind_com, (0.0, 10.0))?;
            let ef_effluent = number_in(r, items, "ef_effluent", p, d.ef_effluent, (0.0, 1.0))?;
            let sludge_nitrogen = match get(items, "sludge_nitrogen") {
                None => r.zero(Dimension::mass(), n.span),
                Some(v) => {
                    let kp = join(p, "sludge_nitrogen");
                    let s = r.series(v, &kp, &Want::Dim(Dimension::mass()), false)?;
                    if !r.non_negative(&s, v.span, &kp, "nitrogen removed with sludge") {
                        return None;
                    }
                    s
                }
            };
            Some(EffluentNitrogen {
                protein,
                f_npr,
                f_non_con,
                f_ind_com,
                ef_effluent,
                sludge_nitrogen,
            })
        }
    };
    Some(DomesticWastewater {
        population,
        bod,
        correction,
        stream,
        nitrogen,
    })
}

fn read_industrial(
    r: &mut Reader,
    name: &str,
    n: &Node,
    p: &str,
    d: &lcs_factors::WastewaterDefaults,
) -> Option<IndustrialWastewater> {
    let mut keys = INDUSTRY_KEYS.to_vec();
    keys.extend(STREAM_KEYS);
    let items = r.map(n, p, &keys)?;
    let (production, adim) = r
        .req(items, "production", p, n.span)
        .and_then(|a| r.activity(a, &join(p, "production")))?;
    let wn = r.req(items, "wastewater", p, n.span)?;
    let wastewater = r.series(wn, &join(p, "wastewater"), &Want::Any, false)?;
    if !r.non_negative(
        &wastewater,
        wn.span,
        &join(p, "wastewater"),
        "wastewater per unit",
    ) {
        return None;
    }
    let cn = r.req(items, "cod", p, n.span)?;
    let per = adim.mul(&wastewater.dim);
    let cod = per_unit(
        r,
        cn,
        &join(p, "cod"),
        &per,
        "COD per unit of wastewater",
        "50 kg/m3",
    )?;
    let stream = read_stream(r, items, p, d.b0_cod, n.span)?;
    Some(IndustrialWastewater {
        name: name.to_string(),
        production,
        wastewater,
        cod,
        stream,
    })
}
