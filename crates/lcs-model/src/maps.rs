//! Package path mappings (docs/EXTENSIONS.md, "Package path mappings"): a package written
//! for one region can be applied to another; where a measure's target path does not exist in
//! the scenario's model, the package's `maps:` may rewrite it.
//!
//! ```yaml
//! package: kitakyushu-know-how
//! maps: { demand.steel: demand.industry }
//! ```
//!
//! Rule: a target path that exists in the model is used as it is. Otherwise the longest map
//! key that is the path itself or a prefix of it ending at a `.` or `/` boundary is replaced
//! by its value (`demand.steel.intensity` → `demand.industry.intensity`). A path that exists
//! in neither form is an error naming the package, the measure and the nearest paths of the
//! model; a mapped target whose value (`set`, `add`) is in another unit than the mapped path
//! is an error naming both units.

use crate::diag::Diagnostic;
use crate::paths::PathInfo;
use crate::read::{join, Reader, Want};
use crate::source::Span;
use crate::yaml::Node;
use crate::Series;
use lcs_units::nearest;

/// The package a measure comes from, with its path mappings.
#[derive(Clone, Debug, Default)]
pub(crate) struct PackageCtx {
    /// The package id (`package:`), if it has one.
    pub id: String,
    /// `(from prefix, to prefix, where the entry is written)`, in file order.
    pub maps: Vec<(String, String, Span)>,
}

/// A target reached through a mapping.
#[derive(Clone, Debug)]
pub(crate) struct Mapped {
    /// The map entry used.
    pub from: String,
    /// Its value.
    pub to: String,
    /// The path as written in the measure.
    pub written: String,
}

/// Reads a package's `maps:` (a mapping of path prefixes to path prefixes).
pub(crate) fn read(r: &mut Reader, node: &Node) -> Vec<(String, String, Span)> {
    let Some(items) = r.free_map(node, "maps", "path prefixes to path prefixes") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in items {
        if let Some(to) = r.text(v, &join("maps", &k.text)) {
            out.push((k.text.clone(), to.to_string(), k.span));
        }
    }
    out
}

/// `path` rewritten by the longest matching map key, if any.
fn rewrite<'m>(
    maps: &'m [(String, String, Span)],
    path: &str,
) -> Option<(&'m (String, String, Span), String)> {
    maps.iter()
        .filter(|(from, _, _)| {
            path == from
                || (path.starts_with(from.as_str())
                    && matches!(path.as_bytes().get(from.len()), Some(b'.') | Some(b'/')))
        })
        .max_by_key(|(from, _, _)| from.len())
        .map(|m| (m, format!("{}{}", m.1, &path[m.0.len()..])))
}

/// Resolves a measure's target path: as written, else through the package's maps (module
/// docs). Reports an error and returns `None` when neither names a path of the model.
pub(crate) fn resolve<'p>(
    r: &mut Reader,
    paths: &'p [PathInfo],
    text: &str,
    span: Span,
    key: &str,
    measure: &str,
    ctx: Option<&PackageCtx>,
) -> Option<(&'p PathInfo, Option<Mapped>)> {
    let Some(ctx) = ctx else {
        return crate::scenario::find_path(r, paths, text, span, key).map(|p| (p, None));
    };
    if let Some(p) = paths.iter().find(|p| p.path == text) {
        return Some((p, None));
    }
    let rewritten = rewrite(&ctx.maps, text);
    if let Some(((from, to, _), mapped)) = &rewritten {
        if let Some(p) = paths.iter().find(|p| p.path == *mapped) {
            return Some((
                p,
                Some(Mapped {
                    from: from.clone(),
                    to: to.clone(),
                    written: text.to_string(),
                }),
            ));
        }
    }
    let names = || paths.iter().map(|p| p.path.as_str());
    let mut d = Diagnostic::new(
        span,
        format!(
            "unknown parameter path `{text}` in measure `{measure}` of package `{}`",
            ctx.id
        ),
    )
    .at(key)
    .expected("a path of this model (`lcs paths`) or one the package's `maps` lead to");
    match &rewritten {
        Some(((from, to, _), mapped)) => {
            d = d
                .note(format!(
                    "the package maps `{from}` to `{to}`, giving `{mapped}`, which is not a path of this model either"
                ))
                .suggest(nearest(mapped, names()));
        }
        None => {
            d = d
                .note("no entry of the package's `maps` applies to it")
                .suggest(nearest(text, names()));
        }
    }
    r.err(d);
    None
}

/// The value series of a `set` or `add` measure on a mapped target: it must be in the mapped
/// path's unit. The error names both units and the map entry.
pub(crate) fn mapped_value(
    r: &mut Reader,
    node: &Node,
    path: &str,
    info: &PathInfo,
    mapped: &Mapped,
    measure: &str,
    ctx: Option<&PackageCtx>,
) -> Option<Series> {
    let s = r.series(node, path, &Want::Any, false)?;
    if s.dim == info.dim {
        return Some(s);
    }
    let unit = s.unit_text.clone().unwrap_or_else(|| s.dim.to_string());
    let package = ctx.map(|c| c.id.as_str()).unwrap_or_default();
    r.err(
        Diagnostic::new(
            node.span,
            format!(
                "measure `{measure}` of package `{package}`: `{}` maps to `{}`, which is in `{}`, but the value is in `{unit}`",
                mapped.written, info.path, info.unit
            ),
        )
        .at(path)
        .expected(format!("a value in `{}` ({})", info.unit, info.dim))
        .found(format!("`{unit}` ({})", s.dim))
        .note(format!(
            "the package maps `{}` to `{}`; a mapped path must keep the measure's unit",
            mapped.from, mapped.to
        )),
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_at_a_boundary() {
        let sp = Span {
            file: crate::FileId(0),
            start: 0,
            end: 0,
            line: 1,
            col: 1,
        };
        let maps = vec![
            (
                "demand.steel".to_string(),
                "demand.industry".to_string(),
                sp,
            ),
            (
                "demand.steel/eaf".to_string(),
                "demand.industry/eaf".to_string(),
                sp,
            ),
        ];
        let got = |p: &str| rewrite(&maps, p).map(|(_, m)| m);
        assert_eq!(
            got("demand.steel.intensity").as_deref(),
            Some("demand.industry.intensity")
        );
        assert_eq!(
            got("demand.steel/eaf.fuels").as_deref(),
            Some("demand.industry/eaf.fuels")
        );
        assert_eq!(
            got("demand.steel/bf_bof.fuels").as_deref(),
            Some("demand.industry/bf_bof.fuels")
        );
        // `demand.steelworks` is not below `demand.steel`.
        assert_eq!(got("demand.steelworks.intensity"), None);
        assert_eq!(got("demand.steel").as_deref(), Some("demand.industry"));
    }
}
