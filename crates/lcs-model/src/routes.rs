//! Waste routes (MODEL.md §7 and its composition-aware extension, docs/EXTENSIONS.md):
//! route and type names, which types each route accepts, and the per-type route maps of
//! `waste.routes: { by_type: { <type>: { <route>: share } } }`.
//!
//! A route never receives a type it does not accept: a type's map may give a positive share
//! only to routes that accept the type (checked here for the model's maps and overrides, and
//! in `scenario` for every measure).

use crate::check_model::share_map;
use crate::diag::Diagnostic;
use crate::model::{ShareItem, N_WASTE_TYPES, ROUTES};
use crate::read::{join, Reader};
use crate::source::Span;
use crate::yaml::Node;
use lcs_factors::{WasteRoute, WasteType, N_WASTE_ROUTES};

/// Which types each route accepts, `[route][type]`.
pub type Accepts = [[bool; N_WASTE_TYPES]; N_WASTE_ROUTES];

/// The keys of `waste.routes` in its composition-aware form.
pub(crate) const TYPE_ROUTES_KEYS: [&str; 1] = ["by_type"];

/// The built-in acceptance table (`data/factors/waste_routes.csv`).
pub fn default_accepts() -> Accepts {
    std::array::from_fn(|r| std::array::from_fn(|t| WasteRoute::ALL[r].accepts(WasteType::ALL[t])))
}

/// A route name to its index, or the valid names.
pub(crate) fn route_index(name: &str) -> Result<usize, Vec<String>> {
    ROUTES
        .iter()
        .position(|x| *x == name)
        .ok_or_else(|| ROUTES.iter().map(|s| s.to_string()).collect())
}

/// A waste type name to its index, or the valid names.
pub(crate) fn type_index(name: &str) -> Result<usize, Vec<String>> {
    WasteType::parse(name).map(|t| t.index()).ok_or_else(|| {
        WasteType::ALL
            .iter()
            .map(|t| t.name().to_string())
            .collect()
    })
}

/// The routes that accept a type, as text for messages: "`landfill`, `incineration`".
pub(crate) fn accepting(accepts: &Accepts, t: usize) -> String {
    (0..N_WASTE_ROUTES)
        .filter(|&r| accepts[r][t])
        .map(|r| format!("`{}`", ROUTES[r]))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for a route that would receive a type it does not accept.
pub(crate) fn refused(
    accepts: &Accepts,
    route: usize,
    t: usize,
    span: Span,
    path: &str,
) -> Diagnostic {
    let type_name = WasteType::ALL[t].name();
    Diagnostic::new(
        span,
        format!(
            "route `{}` does not accept `{type_name}`",
            ROUTES[route]
        ),
    )
    .at(path)
    .expected(format!(
        "a route that accepts `{type_name}`: {}",
        accepting(accepts, t)
    ))
    .note("which types a route accepts: `data/factors/waste_routes.csv`, changed by `waste.accepts` (docs/EXTENSIONS.md)")
}

/// `waste.accepts: { <route>: [types…] }`: replaces the named routes' lists.
pub(crate) fn read_accepts(r: &mut Reader, n: &Node) -> Option<Accepts> {
    let mut accepts = default_accepts();
    let items = r.map(n, "waste.accepts", &ROUTES)?;
    let mut ok = true;
    for (k, v) in items {
        let Ok(route) = route_index(&k.text) else {
            continue; // reported as an unknown key by `map`
        };
        let p = join("waste.accepts", &k.text);
        let Some(names) = r.strings(v, &p) else {
            ok = false;
            continue;
        };
        let mut row = [false; N_WASTE_TYPES];
        for t in &names {
            match r.waste_type(t, v.span, &p) {
                Some(w) => row[w.index()] = true,
                None => ok = false,
            }
        }
        accepts[route] = row;
    }
    ok.then_some(accepts)
}

/// Checks a type's route map against what the routes accept: a route that does not accept
/// the type may not have a share above 0 in any year where the share is known.
pub(crate) fn check_type_map(
    r: &mut Reader,
    accepts: &Accepts,
    t: usize,
    items: &[ShareItem],
    path: &str,
) -> bool {
    let mut ok = true;
    for it in items {
        if accepts[it.item][t] {
            continue;
        }
        let positive = match it.share.values() {
            Some(v) => v.iter().any(|x| *x > 0.0),
            None => true, // an expression could be positive
        };
        if positive {
            r.err(refused(
                accepts,
                it.item,
                t,
                it.share.span,
                &join(path, ROUTES[it.item]),
            ));
            ok = false;
        }
    }
    ok
}

/// `waste.routes: { by_type: { … } }`: one route map per waste type; a type with a share
/// above 0 in the composition must have a map; a type without one goes to landfill.
pub(crate) fn read_type_routes(
    r: &mut Reader,
    n: &Node,
    accepts: &Accepts,
    composition: &[ShareItem],
) -> Option<Vec<Vec<ShareItem>>> {
    let items = r.map(n, "waste.routes", &TYPE_ROUTES_KEYS)?;
    let bn = crate::read::get(items, "by_type")?;
    let maps = r.free_map(bn, "waste.routes.by_type", "waste types to route maps")?;
    let mut out: Vec<Option<Vec<ShareItem>>> = vec![None; N_WASTE_TYPES];
    let mut ok = true;
    for (k, v) in maps {
        let p = join("waste.routes.by_type", &k.text);
        let Some(t) = r.waste_type(&k.text, k.span, &p).map(|w| w.index()) else {
            ok = false;
            continue;
        };
        match share_map(r, v, &p, "route", &route_index) {
            Some(m) => {
                ok &= check_type_map(r, accepts, t, &m, &p);
                out[t] = Some(m);
            }
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    // Every type in the composition needs a map.
    for c in composition {
        if out[c.item].is_some() {
            continue;
        }
        let present = c.share.values().is_none_or(|v| v.iter().any(|x| *x > 0.0));
        if present {
            let name = WasteType::ALL[c.item].name();
            r.err(
                Diagnostic::new(
                    c.share.span,
                    format!("`{name}` is in the composition but has no route map"),
                )
                .at(join("waste.routes.by_type", name))
                .expected(format!(
                    "a map such as `{name}: {{ landfill: 1.0 }}` (routes that accept it: {})",
                    accepting(accepts, c.item)
                )),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let n_years = r.n_years();
    Some(
        out.into_iter()
            .map(|m| {
                m.unwrap_or_else(|| {
                    vec![ShareItem {
                        item: WasteRoute::Landfill.index(),
                        share: crate::model::Series {
                            def: crate::model::SeriesDef::Values(vec![1.0; n_years]),
                            dim: lcs_units::Dimension::none(),
                            unit_text: None,
                            span: bn.span,
                            provenance: None,
                        },
                    }]
                })
            })
            .collect(),
    )
}
