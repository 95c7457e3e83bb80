//! Reading helpers shared by the model and scenario checkers: keys, scalars, numbers,
//! years, names, series (MODEL.md §3) and activities (§4).
//!
//! Every helper reports problems into [`Reader::errors`] with the value's span and key path
//! and returns `None`; callers carry on so that one pass finds every problem.

use crate::datafile::DataFiles;
use crate::diag::Diagnostic;
use crate::model::{Activity, Series, SeriesDef};
use crate::source::Span;
use crate::yaml::{Key, Node, NodeKind};
use lcs_units::{nearest, parse_expr, Dimension, Interp, Quantity, Unit, UnitError, UnitRegistry};

/// Joins a key path and a key.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `one of `a`, `b`, `c`` for an "expected" line that lists every valid name.
pub(crate) fn one_of<S: AsRef<str>>(names: &[S]) -> String {
    format!(
        "one of {}",
        names
            .iter()
            .map(|a| format!("`{}`", a.as_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The gas keys in their canonical spelling, the one the units use (`t CO2`) and the output
/// variables (`Emissions|CO2`): source factors, fuel overrides, composting factors.
pub(crate) const GAS_KEYS: [&str; 4] = ["CO2", "CH4", "N2O", "CO2e"];
/// The keys of a series mapping (MODEL.md §3).
pub(crate) const SERIES_KEYS: [&str; 7] = [
    "value", "points", "interp", "base", "growth", "expr", "unit",
];
/// The keys of an activity `{ driver, per }` (MODEL.md §4).
pub(crate) const ACTIVITY_KEYS: [&str; 2] = ["driver", "per"];

/// Whether `s` is a valid name: `[a-z][a-z0-9_]*`.
pub(crate) fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some('a'..='z'))
        && c.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The longest id: 64 characters.
pub const MAX_ID_LEN: usize = 64;

/// Whether `s` is a valid id (of a region, scenario, package, action, measure, target or
/// uncertain parameter): an ASCII letter or digit, then letters, digits, `_`, `-` or `.`,
/// at most [`MAX_ID_LEN`] characters (docs/SECURITY.md, "Ids"). Ids become parts of file
/// names and table cells; this set can neither name another folder (`/`, `..`) nor start a
/// spreadsheet formula (`=`, `+`, `-`, `@`).
pub fn is_id(s: &str) -> bool {
    let mut c = s.chars();
    s.len() <= MAX_ID_LEN
        && c.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && c.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The id of a scenario written from scenario `base` (`cm-2025-explored`, `cm-2025-sought`):
/// `base-suffix`, with `base` cut so that the whole is at most [`MAX_ID_LEN`] characters
/// and stays an id (a 60-character `base` gave a 69-character id that `lcs validate`
/// refused, found by the held-out review). `base` is an id, so it is ASCII and any prefix
/// of it is an id too.
pub fn derived_id(base: &str, suffix: &str) -> String {
    let keep = MAX_ID_LEN.saturating_sub(suffix.len() + 1).min(base.len());
    format!("{}-{suffix}", &base[..keep])
}

/// What dimension a series must have.
#[derive(Clone, Debug)]
pub(crate) enum Want {
    /// Exactly this dimension.
    Dim(Dimension),
    /// Any dimension; the caller checks.
    Any,
}

/// Context for reading one model's values.
#[derive(Clone)]
pub(crate) struct Reader {
    pub errors: Vec<Diagnostic>,
    /// Named warnings (they do not make the load fail); the loader keeps them.
    pub warnings: Vec<Diagnostic>,
    pub units: UnitRegistry,
    pub base_year: i32,
    pub end_year: i32,
    /// Driver names and dimensions (declared), for expressions and activities.
    pub drivers: Vec<(String, Dimension)>,
    /// Drivers whose definition failed: their uses are not reported again.
    pub bad_drivers: Vec<String>,
    /// The data files named by the files being read, as the [`crate::Loader`] read them.
    pub data: DataFiles,
}

impl Reader {
    pub(crate) fn n_years(&self) -> usize {
        (self.end_year - self.base_year + 1).max(1) as usize
    }

    pub(crate) fn err(&mut self, d: Diagnostic) {
        if d.is_warning() {
            self.warnings.push(d);
        } else {
            self.errors.push(d);
        }
    }

    /// The items of a mapping, reporting unknown keys against `allowed`.
    pub(crate) fn map<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'n [(Key, Node)]> {
        match &node.kind {
            NodeKind::Map(items) => {
                for (k, _) in items {
                    if !allowed.contains(&k.text.as_str()) {
                        let d = Diagnostic::new(k.span, format!("unknown key `{}`", k.text))
                            .at(join(path, &k.text))
                            .expected(one_of(allowed))
                            .suggest(nearest(&k.text, allowed.iter().copied()));
                        self.err(d);
                    }
                }
                Some(items)
            }
            _ => {
                self.err(
                    Diagnostic::new(node.span, "expected a mapping")
                        .at(path)
                        .expected(format!(
                            "a mapping with keys such as {}",
                            allowed
                                .iter()
                                .take(4)
                                .map(|a| format!("`{a}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                        .found(describe(node)),
                );
                None
            }
        }
    }

    /// The items of a mapping whose keys are `allowed`, where the gas keys among them
    /// ([`GAS_KEYS`]) are matched in any casing: `co2` (the v1 spelling of fuel overrides,
    /// MODEL.md §11.4) is read as `CO2` with warning `gas-key-case`. Returns each item with
    /// its canonical key; unknown keys are errors as in [`Reader::map`], and one gas written
    /// twice (`co2` and `CO2`) is an error.
    pub(crate) fn gas_map<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        allowed: &[&'static str],
    ) -> Option<Vec<(&'static str, &'n Key, &'n Node)>> {
        let NodeKind::Map(items) = &node.kind else {
            return self.map(node, path, allowed).map(|_| Vec::new());
        };
        let mut out: Vec<(&'static str, &'n Key, &'n Node)> = Vec::new();
        for (k, v) in items {
            let canonical = allowed.iter().copied().find(|a| *a == k.text).or_else(|| {
                allowed
                    .iter()
                    .copied()
                    .find(|a| GAS_KEYS.contains(a) && a.eq_ignore_ascii_case(&k.text))
            });
            let Some(c) = canonical else {
                self.err(
                    Diagnostic::new(k.span, format!("unknown key `{}`", k.text))
                        .at(join(path, &k.text))
                        .expected(one_of(allowed))
                        .suggest(nearest(&k.text, allowed.iter().copied())),
                );
                continue;
            };
            if c != k.text {
                self.err(
                    Diagnostic::warning(
                        k.span,
                        "gas-key-case",
                        format!("gas key `{}` is written `{c}`", k.text),
                    )
                    .at(join(path, &k.text))
                    .expected(format!(
                        "`{c}`, as in units (`t {c}`) and results (`Emissions|{c}`)"
                    ))
                    .note("gas keys are written in upper case everywhere: `CO2`, `CH4`, `N2O`, `CO2e`"),
                );
            }
            if let Some((_, first, _)) = out.iter().find(|(x, _, _)| *x == c) {
                self.err(
                    Diagnostic::new(
                        k.span,
                        format!("`{}` and `{}` name the same gas", first.text, k.text),
                    )
                    .at(join(path, &k.text))
                    .expected(format!("one `{c}` key")),
                );
                continue;
            }
            out.push((c, k, v));
        }
        Some(out)
    }

    /// The items of a mapping with free keys (names).
    pub(crate) fn free_map<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        what: &str,
    ) -> Option<&'n [(Key, Node)]> {
        match &node.kind {
            NodeKind::Map(items) => Some(items),
            _ => {
                self.err(
                    Diagnostic::new(node.span, format!("expected a mapping of {what}"))
                        .at(path)
                        .found(describe(node)),
                );
                None
            }
        }
    }

    /// A list.
    pub(crate) fn seq<'n>(&mut self, node: &'n Node, path: &str, what: &str) -> Option<&'n [Node]> {
        match &node.kind {
            NodeKind::Seq(items) => Some(items),
            _ if node.is_null() => Some(&[]),
            _ => {
                self.err(
                    Diagnostic::new(node.span, format!("expected a list of {what}"))
                        .at(path)
                        .found(describe(node)),
                );
                None
            }
        }
    }

    /// A required key.
    pub(crate) fn req<'n>(
        &mut self,
        items: &'n [(Key, Node)],
        key: &str,
        path: &str,
        span: Span,
    ) -> Option<&'n Node> {
        let n = get(items, key);
        if n.is_none() {
            self.err(Diagnostic::new(span, format!("missing key `{key}`")).at(join(path, key)));
        }
        n
    }

    /// A scalar's text.
    pub(crate) fn text<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n str> {
        match &node.kind {
            NodeKind::Scalar { text, .. } if !node.is_null() => Some(text),
            _ => {
                self.err(
                    Diagnostic::new(node.span, "expected a text value")
                        .at(path)
                        .found(describe(node)),
                );
                None
            }
        }
    }

    /// An id's text, checked against [`is_id`].
    /// The index of fuel `t` (written at `span`, key path `path`) in `fuels`, or None with
    /// the error "unknown fuel" listing every fuel id and the nearest (MODEL.md §6).
    pub(crate) fn fuel_index(
        &mut self,
        fuels: &lcs_factors::FuelTable,
        t: &str,
        span: Span,
        path: &str,
    ) -> Option<usize> {
        let i = fuels.index_of(t);
        if i.is_none() {
            self.err(
                Diagnostic::new(span, format!("unknown fuel `{t}`"))
                    .at(path)
                    .expected(one_of(&fuels.ids()))
                    .suggest(nearest(t, fuels.ids())),
            );
        }
        i
    }

    /// The waste type named `t` (written at `span`, key path `path`), or None with the error
    /// "unknown waste type" listing every type and the nearest (docs/EXTENSIONS.md).
    pub(crate) fn waste_type(
        &mut self,
        t: &str,
        span: Span,
        path: &str,
    ) -> Option<lcs_factors::WasteType> {
        let w = lcs_factors::WasteType::parse(t);
        if w.is_none() {
            let names: Vec<&str> = lcs_factors::WasteType::ALL
                .iter()
                .map(|t| t.name())
                .collect();
            self.err(
                Diagnostic::new(span, format!("unknown waste type `{t}`"))
                    .at(path)
                    .expected(one_of(&names))
                    .suggest(nearest(t, names.iter().copied())),
            );
        }
        w
    }

    pub(crate) fn id<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n str> {
        let t = self.text(node, path)?;
        if !is_id(t) {
            self.err(
                Diagnostic::new(node.span, format!("invalid id `{}`", t.escape_debug()))
                    .at(path)
                    .expected(format!(
                        "an id of at most {MAX_ID_LEN} characters: a letter or digit, then letters, digits, `_`, `-` or `.`"
                    )),
            );
            return None;
        }
        Some(t)
    }

    /// A list of strings (or one string).
    pub(crate) fn strings(&mut self, node: &Node, path: &str) -> Option<Vec<String>> {
        match &node.kind {
            NodeKind::Seq(items) => {
                let mut out = Vec::new();
                for (i, n) in items.iter().enumerate() {
                    out.push(self.text(n, &format!("{path}[{i}]"))?.to_string());
                }
                Some(out)
            }
            NodeKind::Scalar { .. } => Some(vec![self.text(node, path)?.to_string()]),
            NodeKind::Map(_) => {
                self.err(
                    Diagnostic::new(node.span, "expected a list of names")
                        .at(path)
                        .found("a mapping"),
                );
                None
            }
        }
    }

    /// A boolean.
    pub(crate) fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match node.as_scalar() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => {
                self.err(
                    Diagnostic::new(node.span, "expected `true` or `false`")
                        .at(path)
                        .found(describe(node)),
                );
                None
            }
        }
    }

    /// A quantity: a number or "number unit".
    pub(crate) fn quantity(&mut self, node: &Node, path: &str) -> Option<Quantity> {
        let text = match &node.kind {
            NodeKind::Scalar { text, .. } if !node.is_null() => text,
            _ => {
                self.err(
                    Diagnostic::new(node.span, "expected a number or a value with a unit")
                        .at(path)
                        .found(describe(node)),
                );
                return None;
            }
        };
        match self.units.parse_quantity(text) {
            Ok(q) if q.value.is_finite() => Some(q),
            Ok(_) => {
                self.err(Diagnostic::new(node.span, "the number is not finite").at(path));
                None
            }
            Err(e) => {
                self.unit_error(node.span, path, &e);
                None
            }
        }
    }

    pub(crate) fn unit_error(&mut self, span: Span, path: &str, e: &UnitError) {
        let d = match e {
            UnitError::UnknownWord { word, suggestions } => Diagnostic::new(
                span,
                format!("unknown unit `{word}`"),
            )
            .at(path)
            .expected(
                "units such as `GJ`, `MWh`, `t CO2`, `kg/person/day`, `MYR million` (MODEL.md §2)",
            )
            .suggest(suggestions.clone()),
            UnitError::BadNumber { text } => {
                let d = Diagnostic::new(span, e.to_string()).at(path);
                // `"15%"`: a percentage written as text, without the space the `%` unit needs.
                match text
                    .strip_suffix('%')
                    .and_then(|n| lcs_units::parse_number(n.trim()))
                {
                    Some(p) => {
                        let f = lcs_units::format_number(p / 100.0);
                        d.expected(format!(
                            "a plain number: write `{f}` for {}%, or `\"{} %\"` with a space",
                            lcs_units::format_number(p).trim_end_matches(".0"),
                            lcs_units::format_number(p).trim_end_matches(".0")
                        ))
                    }
                    None => d,
                }
            }
            _ => Diagnostic::new(span, e.to_string()).at(path),
        };
        self.err(d);
    }

    /// A plain dimensionless number (a bare number, or one in `%`, `fraction`, `share`).
    pub(crate) fn number(&mut self, node: &Node, path: &str) -> Option<f64> {
        let q = self.quantity(node, path)?;
        match &q.unit {
            None => Some(q.value),
            Some(u) if u.dim.is_none() => Some(q.value * u.factor),
            Some(u) => {
                self.err(
                    Diagnostic::new(node.span, "expected a plain number")
                        .at(path)
                        .found(format!(
                            "a value in `{}` ({})",
                            q.unit_text.clone().unwrap_or_default(),
                            u.dim
                        )),
                );
                None
            }
        }
    }

    /// A year (an integer).
    pub(crate) fn year(&mut self, node: &Node, path: &str) -> Option<i32> {
        let t = node.as_scalar().unwrap_or("");
        match t.trim().parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => {
                self.err(
                    Diagnostic::new(node.span, "expected a year")
                        .at(path)
                        .found(describe(node)),
                );
                None
            }
        }
    }

    /// A year that must lie within the model years.
    pub(crate) fn model_year(&mut self, node: &Node, path: &str) -> Option<i32> {
        let y = self.year(node, path)?;
        if y < self.base_year || y > self.end_year {
            self.err(
                Diagnostic::new(node.span, format!("year {y} is outside the model years"))
                    .at(path)
                    .expected(format!(
                        "a year from {} to {}",
                        self.base_year, self.end_year
                    )),
            );
            return None;
        }
        Some(y)
    }

    /// The `interp` of a `points` series (MODEL.md §3): `linear` when absent.
    pub(crate) fn interp(&mut self, node: Option<&Node>, path: &str) -> Option<Interp> {
        let Some(i) = node else {
            return Some(Interp::Linear);
        };
        let t = self.text(i, &join(path, "interp"))?;
        let interp = Interp::parse(t);
        if interp.is_none() {
            self.err(
                Diagnostic::new(i.span, format!("unknown interpolation `{t}`"))
                    .at(join(path, "interp"))
                    .expected("`linear`, `step` or `cagr`")
                    .suggest(nearest(t, ["linear", "step", "cagr"])),
            );
        }
        interp
    }

    pub(crate) fn check_dim(
        &mut self,
        span: Span,
        path: &str,
        want: &Want,
        dim: &Dimension,
        unit_text: Option<&str>,
    ) -> bool {
        if let Want::Dim(w) = want {
            if w != dim {
                let found = match unit_text {
                    Some(u) => format!("`{u}` ({dim})"),
                    None => format!("a plain number ({dim})"),
                };
                self.err(
                    Diagnostic::new(
                        span,
                        format!("wrong unit: expected a value in {w}, found {dim}"),
                    )
                    .at(path)
                    .expected(format!("a unit of dimension {w}"))
                    .found(found),
                );
                return false;
            }
        }
        true
    }

    /// A series (MODEL.md §3). `defer_expr` leaves an expression's dimension check for later
    /// (drivers, checked once all are known). Every value known at load must be finite in
    /// base units (a huge value times its unit, or a growth that overflows, is an error).
    pub(crate) fn series(
        &mut self,
        node: &Node,
        path: &str,
        want: &Want,
        defer_expr: bool,
    ) -> Option<Series> {
        let s = self.series_form(node, path, want, defer_expr)?;
        if let Some((i, v)) = s
            .values()
            .and_then(|v| v.iter().enumerate().find(|(_, x)| !x.is_finite()))
        {
            self.err(
                Diagnostic::new(
                    node.span,
                    format!(
                        "the value is too large: it overflows to {v} in {} (in base units)",
                        self.base_year + i as i32
                    ),
                )
                .at(path)
                .expected("a value that stays below about 1e308 in base units in every year"),
            );
            return None;
        }
        Some(s)
    }

    fn series_form(
        &mut self,
        node: &Node,
        path: &str,
        want: &Want,
        defer_expr: bool,
    ) -> Option<Series> {
        let n = self.n_years();
        match &node.kind {
            NodeKind::Scalar { .. } => {
                let q = self.quantity(node, path)?;
                let (unit, text) = unit_of(&q);
                if !self.check_dim(node.span, path, want, &unit.dim, text.as_deref()) {
                    return None;
                }
                Some(Series {
                    def: SeriesDef::Values(vec![q.value * unit.factor; n]),
                    dim: unit.dim,
                    unit_text: text,
                    span: node.span,
                    provenance: None,
                })
            }
            NodeKind::Seq(_) => {
                self.err(
                    Diagnostic::new(node.span, "expected a series")
                        .at(path)
                        .expected("a number, a `\"value unit\"` text, or a mapping with one of `value`, `points`, `base`, `expr`")
                        .found("a list"),
                );
                None
            }
            // A series read from a data file (docs/EXTENSIONS.md, "Series from data files").
            NodeKind::Map(items) if get(items, "from").is_some() => {
                let n_errors = self.errors.len();
                let series = self.data_series(node, items, path, want);
                self.cap_data_errors(n_errors, node, path);
                series
            }
            NodeKind::Map(_) => {
                let items = self.map(node, path, &SERIES_KEYS)?;
                let forms: Vec<&str> = ["value", "points", "base", "expr"]
                    .into_iter()
                    .filter(|k| get(items, k).is_some())
                    .collect();
                if forms.len() != 1 {
                    self.err(
                        Diagnostic::new(
                            node.span,
                            "a series needs exactly one of `value`, `points`, `base`, `expr`",
                        )
                        .at(path)
                        .found(if forms.is_empty() {
                            "none of them".to_string()
                        } else {
                            forms
                                .iter()
                                .map(|f| format!("`{f}`"))
                                .collect::<Vec<_>>()
                                .join(" and ")
                        }),
                    );
                    return None;
                }
                if get(items, "interp").is_some() && forms[0] != "points" {
                    self.err(
                        Diagnostic::new(node.span, "`interp` goes with `points` only")
                            .at(join(path, "interp")),
                    );
                }
                if get(items, "growth").is_some() && forms[0] != "base" {
                    self.err(
                        Diagnostic::new(node.span, "`growth` goes with `base` only")
                            .at(join(path, "growth")),
                    );
                }
                let declared: Option<(Unit, String)> = match get(items, "unit") {
                    None => None,
                    Some(u) => {
                        let t = self.text(u, &join(path, "unit"))?.to_string();
                        match self.units.parse(&t) {
                            Ok(unit) => Some((unit, t)),
                            Err(e) => {
                                self.unit_error(u.span, &join(path, "unit"), &e);
                                return None;
                            }
                        }
                    }
                };
                // A value with its unit inside, checked against a declared unit.
                let combine = |me: &mut Self,
                               q: &Quantity,
                               at: &Node,
                               at_path: &str|
                 -> Option<(Unit, Option<String>)> {
                    match (&declared, &q.unit) {
                        (Some(_), Some(_)) => {
                            me.err(
                                Diagnostic::new(
                                    at.span,
                                    "a unit is given both inside the value and in `unit:`",
                                )
                                .at(at_path)
                                .expected("the unit in one place only"),
                            );
                            None
                        }
                        (Some((u, t)), None) => Some((u.clone(), Some(t.clone()))),
                        (None, _) => {
                            let (u, t) = unit_of(q);
                            Some((u, t))
                        }
                    }
                };
                match forms[0] {
                    "value" => {
                        let vn = get(items, "value")?;
                        let vp = join(path, "value");
                        let q = self.quantity(vn, &vp)?;
                        let (unit, text) = combine(self, &q, vn, &vp)?;
                        if !self.check_dim(vn.span, path, want, &unit.dim, text.as_deref()) {
                            return None;
                        }
                        Some(Series {
                            def: SeriesDef::Values(vec![q.value * unit.factor; n]),
                            dim: unit.dim,
                            unit_text: text,
                            span: node.span,
                            provenance: None,
                        })
                    }
                    "points" => {
                        let pn = get(items, "points")?;
                        let pp = join(path, "points");
                        let pitems = self.free_map(pn, &pp, "years to values")?;
                        if pitems.is_empty() {
                            self.err(Diagnostic::new(pn.span, "`points` is empty").at(pp));
                            return None;
                        }
                        let mut points = Vec::new();
                        let mut dim: Option<(Dimension, Option<String>)> = None;
                        let mut ok = true;
                        for (k, v) in pitems {
                            let kp = join(&pp, &k.text);
                            let Ok(y) = k.text.trim().parse::<i32>() else {
                                self.err(
                                    Diagnostic::new(k.span, format!("`{}` is not a year", k.text))
                                        .at(kp),
                                );
                                ok = false;
                                continue;
                            };
                            let Some(q) = self.quantity(v, &kp) else {
                                ok = false;
                                continue;
                            };
                            let Some((unit, text)) = combine(self, &q, v, &kp) else {
                                ok = false;
                                continue;
                            };
                            match &dim {
                                None => dim = Some((unit.dim.clone(), text.clone())),
                                Some((d, dt)) if *d != unit.dim => {
                                    self.err(
                                        Diagnostic::new(v.span, "points have different units")
                                            .at(kp)
                                            .expected(format!(
                                                "{} like the first point ({})",
                                                d,
                                                dt.clone().unwrap_or("1".into())
                                            ))
                                            .found(format!("{}", unit.dim)),
                                    );
                                    ok = false;
                                }
                                _ => {}
                            }
                            points.push((y, q.value * unit.factor));
                        }
                        if !ok {
                            return None;
                        }
                        let (dim, text) = dim?;
                        if !self.check_dim(pn.span, path, want, &dim, text.as_deref()) {
                            return None;
                        }
                        let interp = self.interp(get(items, "interp"), path)?;
                        match lcs_units::interpolate(&points, interp, self.base_year, self.end_year)
                        {
                            Ok(v) => Some(Series {
                                def: SeriesDef::Values(v),
                                dim,
                                unit_text: text,
                                span: node.span,
                                provenance: None,
                            }),
                            Err(e) => {
                                self.err(Diagnostic::new(pn.span, e.to_string()).at(pp));
                                None
                            }
                        }
                    }
                    "base" => {
                        let bn = get(items, "base")?;
                        let bp = join(path, "base");
                        let q = self.quantity(bn, &bp)?;
                        let (unit, text) = combine(self, &q, bn, &bp)?;
                        if !self.check_dim(bn.span, path, want, &unit.dim, text.as_deref()) {
                            return None;
                        }
                        let Some(gn) = get(items, "growth") else {
                            self.err(
                                Diagnostic::new(node.span, "`base` needs `growth`")
                                    .at(join(path, "growth")),
                            );
                            return None;
                        };
                        let gp = join(path, "growth");
                        let rates: Vec<(i32, f64)> = match &gn.kind {
                            NodeKind::Map(g) => {
                                let mut r = Vec::new();
                                for (k, v) in g {
                                    let kp = join(&gp, &k.text);
                                    let Ok(y) = k.text.trim().parse::<i32>() else {
                                        self.err(
                                            Diagnostic::new(
                                                k.span,
                                                format!("`{}` is not a year", k.text),
                                            )
                                            .at(kp),
                                        );
                                        return None;
                                    };
                                    r.push((y, self.number(v, &kp)?));
                                }
                                r
                            }
                            _ => vec![(self.base_year, self.number(gn, &gp)?)],
                        };
                        match lcs_units::grow(
                            q.value * unit.factor,
                            &rates,
                            self.base_year,
                            self.end_year,
                        ) {
                            Ok(v) => Some(Series {
                                def: SeriesDef::Values(v),
                                dim: unit.dim,
                                unit_text: text,
                                span: node.span,
                                provenance: None,
                            }),
                            Err(e) => {
                                self.err(Diagnostic::new(gn.span, e.to_string()).at(gp));
                                None
                            }
                        }
                    }
                    _ => {
                        let en = get(items, "expr")?;
                        let ep = join(path, "expr");
                        let t = self.text(en, &ep)?;
                        let expr = match parse_expr(t) {
                            Ok(e) => e,
                            Err(e) => {
                                let mut sp = en.span;
                                // Point into the expression text when the scalar is on one line.
                                let quoted = usize::from(matches!(
                                    &en.kind,
                                    NodeKind::Scalar { quoted: true, .. }
                                ));
                                sp.start = (sp.start + quoted + e.offset).min(sp.end.max(sp.start));
                                sp.col += (quoted + e.offset) as u32;
                                self.err(
                                    Diagnostic::new(
                                        sp,
                                        format!("invalid expression: {}", e.message),
                                    )
                                    .at(ep),
                                );
                                return None;
                            }
                        };
                        let mut ok = true;
                        for name in expr.names() {
                            if self.bad_drivers.contains(&name) {
                                ok = false;
                                continue;
                            }
                            if !self.drivers.iter().any(|(d, _)| *d == name) {
                                let names: Vec<&str> =
                                    self.drivers.iter().map(|(d, _)| d.as_str()).collect();
                                self.err(
                                    Diagnostic::new(
                                        en.span,
                                        format!("unknown driver `{name}` in expression"),
                                    )
                                    .at(ep.clone())
                                    .expected(format!("a driver name: {}", one_of(&names)))
                                    .suggest(nearest(&name, names)),
                                );
                                ok = false;
                            }
                        }
                        if !ok {
                            return None;
                        }
                        let (dim, text) = match &declared {
                            Some((u, t)) => (u.dim.clone(), Some(t.clone())),
                            None => (Dimension::none(), None),
                        };
                        if !defer_expr {
                            let drivers = self.drivers.clone();
                            let lookup = |n: &str| {
                                drivers
                                    .iter()
                                    .find(|(d, _)| d == n)
                                    .map(|(_, dim)| dim.clone())
                            };
                            match expr.dimension(&lookup) {
                                Ok(d) if d == dim => {}
                                Ok(d) => {
                                    self.err(
                                        Diagnostic::new(en.span, format!("the expression gives {d}, but the declared unit is {dim}"))
                                            .at(ep)
                                            .expected(format!("an expression in {dim}"))
                                            .found(format!("{d}")),
                                    );
                                    return None;
                                }
                                Err(e) => {
                                    self.err(
                                        Diagnostic::new(
                                            en.span,
                                            format!("invalid expression: {}", e.message),
                                        )
                                        .at(ep),
                                    );
                                    return None;
                                }
                            }
                        }
                        if !self.check_dim(en.span, path, want, &dim, text.as_deref()) {
                            return None;
                        }
                        Some(Series {
                            def: SeriesDef::Expr(expr),
                            dim,
                            unit_text: text,
                            span: en.span,
                            provenance: None,
                        })
                    }
                }
            }
        }
    }

    /// A dimensionless series whose values must lie in `[lo, hi]` when known.
    pub(crate) fn fraction(&mut self, node: &Node, path: &str) -> Option<Series> {
        let s = self.series(node, path, &Want::Dim(Dimension::none()), false)?;
        if let Some(v) = s.values() {
            if let Some((i, x)) = v
                .iter()
                .enumerate()
                .find(|(_, x)| !(-1e-12..=1.0 + 1e-12).contains(*x))
            {
                self.err(
                    Diagnostic::new(
                        node.span,
                        format!(
                            "share {x} in {} is outside 0 to 1",
                            self.base_year + i as i32
                        ),
                    )
                    .at(path)
                    .expected("a share from 0 to 1"),
                );
                return None;
            }
        }
        Some(s)
    }

    /// Whether a series that cannot be negative (MODEL.md §4, §5, §7: activities,
    /// intensities, capacities, generation, waste generation) is ≥ 0 in every year where
    /// its values are known at load; reports the first negative year otherwise. Series
    /// computed from drivers are checked when a run computes them.
    pub(crate) fn non_negative(&mut self, s: &Series, span: Span, path: &str, what: &str) -> bool {
        let Some(v) = s.values() else {
            return true;
        };
        match v.iter().position(|x| *x < 0.0) {
            None => true,
            Some(i) => {
                let shown = match &s.unit_text {
                    Some(u) => self
                        .units
                        .parse(u)
                        .map(|unit| format!("{} {u}", v[i] / unit.factor))
                        .unwrap_or_else(|_| format!("{}", v[i])),
                    None => format!("{}", v[i]),
                };
                self.err(
                    Diagnostic::new(
                        span,
                        format!(
                            "{what} cannot be negative: `{shown}` in {}",
                            self.base_year + i as i32
                        ),
                    )
                    .at(path)
                    .expected(format!("{what} ≥ 0 in every year"))
                    .found(format!("`{shown}`")),
                );
                false
            }
        }
    }

    /// A power series (a capacity): an energy per year such as `MW`, `kW` or `MWh/yr`
    /// (MODEL.md §2: power is energy per year). An energy with no time in its denominator
    /// (`"220 MWh"`) has the same dimension, but where a power is expected it is surely a
    /// mistake, so it is an error.
    pub(crate) fn power(&mut self, node: &Node, path: &str, what: &str) -> Option<Series> {
        let s = self.series(node, path, &Want::Dim(Dimension::energy()), false)?;
        if let Some(t) = &s.unit_text {
            self.check_power_unit(s.span, path, what, t)?;
        }
        Some(s)
    }

    /// Checks that a unit written for a power has a time in its denominator (see
    /// [`Reader::power`]).
    pub(crate) fn check_power_unit(
        &mut self,
        span: Span,
        path: &str,
        what: &str,
        unit: &str,
    ) -> Option<()> {
        if self.units.time_exponent(unit) == Ok(0) {
            self.err(
                Diagnostic::new(span, format!("`{unit}` is an energy, but {what} is a power"))
                    .at(path)
                    .expected("a power such as `MW` or `kW` (or an energy per year, `MWh/yr`)")
                    .found(format!("`{unit}`"))
                    .note("capacity × capacity_factor is the annual generation; an annual energy such as `\"5000 MWh\"` goes in `generation`"),
            );
            return None;
        }
        Some(())
    }

    /// A constant series of value 0 and the given dimension.
    pub(crate) fn zero(&self, dim: Dimension, span: Span) -> Series {
        Series {
            def: SeriesDef::Values(vec![0.0; self.n_years()]),
            dim,
            unit_text: None,
            span,
            provenance: None,
        }
    }

    /// An activity: a driver name, `{ driver, per }`, or a series with unit (MODEL.md §4, §11.8).
    pub(crate) fn activity(&mut self, node: &Node, path: &str) -> Option<(Activity, Dimension)> {
        match &node.kind {
            NodeKind::Scalar { text, .. } if !node.is_null() => {
                if lcs_units::parse_number(text.split_whitespace().next().unwrap_or("")).is_some() {
                    let s = self.series(node, path, &Want::Any, false)?;
                    if !self.non_negative(&s, node.span, path, "an activity") {
                        return None;
                    }
                    let d = s.dim.clone();
                    return Some((Activity::Series(s), d));
                }
                self.driver_ref(node, path, text).map(|(i, d)| {
                    (
                        Activity::Driver {
                            driver: i,
                            per: None,
                            span: node.span,
                        },
                        d,
                    )
                })
            }
            NodeKind::Map(items) if get(items, "driver").is_some() => {
                let items = self.map(node, path, &ACTIVITY_KEYS)?;
                let dn = get(items, "driver")?;
                let dp = join(path, "driver");
                let t = self.text(dn, &dp)?.to_string();
                let (i, ddim) = self.driver_ref(dn, &dp, &t)?;
                let (per, dim) = match get(items, "per") {
                    None => (None, ddim),
                    Some(p) => {
                        let pp = join(path, "per");
                        let s = self.series(p, &pp, &Want::Any, false)?;
                        if !self.non_negative(&s, p.span, &pp, "an activity's `per`") {
                            return None;
                        }
                        let d = ddim.mul(&s.dim);
                        (Some(s), d)
                    }
                };
                Some((
                    Activity::Driver {
                        driver: i,
                        per,
                        span: node.span,
                    },
                    dim,
                ))
            }
            _ => {
                let s = self.series(node, path, &Want::Any, false)?;
                if !self.non_negative(&s, node.span, path, "an activity") {
                    return None;
                }
                let d = s.dim.clone();
                Some((Activity::Series(s), d))
            }
        }
    }

    fn driver_ref(&mut self, node: &Node, path: &str, name: &str) -> Option<(usize, Dimension)> {
        if self.bad_drivers.iter().any(|d| d == name) {
            return None;
        }
        match self.drivers.iter().position(|(d, _)| d == name) {
            Some(i) => Some((i, self.drivers[i].1.clone())),
            None => {
                let names: Vec<&str> = self.drivers.iter().map(|(d, _)| d.as_str()).collect();
                let listed = if names.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", one_of(&names))
                };
                self.err(
                    Diagnostic::new(node.span, format!("unknown driver `{name}`"))
                        .at(path)
                        .expected(format!(
                            "a driver name{listed}, a `{{ driver, per }}` mapping, or a value with a unit"
                        ))
                        .suggest(nearest(name, names)),
                );
                None
            }
        }
    }
}

/// The unit of a quantity (dimensionless when none is written).
pub(crate) fn unit_of(q: &Quantity) -> (Unit, Option<String>) {
    match &q.unit {
        Some(u) => (u.clone(), q.unit_text.clone()),
        None => (Unit::one(), None),
    }
}

/// Looks a key up.
pub(crate) fn get<'n>(items: &'n [(Key, Node)], key: &str) -> Option<&'n Node> {
    items.iter().find(|(k, _)| k.text == key).map(|(_, n)| n)
}

/// A short description of a node for "found" lines.
pub(crate) fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::Scalar { text, .. } if !node.is_null() => format!("`{text}`"),
        _ => node.kind_name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derived_id_is_an_id_whatever_the_length_of_its_base() {
        assert_eq!(derived_id("cm-2025", "explored"), "cm-2025-explored");
        // 60 + 1 + 8 = 69 characters would not be an id: the base is cut to 64 − 9 = 55.
        let base = "c".repeat(60);
        let id = derived_id(&base, "explored");
        assert_eq!(id, format!("{}-explored", "c".repeat(55)));
        assert_eq!(id.len(), MAX_ID_LEN);
        assert!(is_id(&id));
        for n in 1..=MAX_ID_LEN {
            let base = "a".repeat(n);
            assert!(is_id(&derived_id(&base, "sought")), "{n}");
        }
    }
}
