//! `lcs explain`'s formats (docs/EXPLAIN.md): an [`Explanation`] tree built by
//! `lcs_engine::explain`, rendered as an indented text tree or as a JSON document. The values
//! are the engine's, printed with [`short`] (up to six significant digits, no trailing zeros)
//! and their units; the JSON document keeps every digit.

use lcs_engine::explain::short;
use lcs_engine::{Explanation, Node};
use lcs_model::Sources;
use serde_json::{json, Value};

fn location(span: &lcs_model::Span, sources: &Sources) -> String {
    format!("{}:{}:{}", sources.name(span.file), span.line, span.col)
}

fn unit_suffix(unit: &str) -> String {
    if unit == "1" || unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    }
}

/// The text tree of `lcs explain`: the headline, the change against the reference by
/// action, then one line per node with its equation, substituted values, definition site,
/// data cells, measures and notes.
pub fn explanation_text(e: &Explanation, sources: &Sources) -> String {
    let mut out = format!(
        "{} in {}, scenario {} (region {}): {}{}\n",
        e.variable,
        e.year,
        e.scenario,
        e.region,
        short(e.root.value),
        unit_suffix(&e.root.unit)
    );
    if let Some(ch) = &e.change {
        match (ch.reference, ch.change) {
            (Some(r), Some(d)) => {
                out.push_str(&format!(
                    "change against the reference (no actions): {}{} (reference {})\n",
                    short(d),
                    unit_suffix(&e.root.unit),
                    short(r)
                ));
                let parts: Vec<String> = ch
                    .by_action
                    .iter()
                    .map(|(a, v)| format!("{a} {}", short(*v)))
                    .collect();
                if !parts.is_empty() {
                    out.push_str(&format!(
                        "  by action (sequential, in action order): {}\n",
                        parts.join(", ")
                    ));
                }
            }
            _ => out.push_str("change against the reference: undefined in the reference\n"),
        }
    }
    out.push('\n');
    node_text(&e.root, sources, "", "", &mut out);
    out
}

fn node_text(n: &Node, sources: &Sources, first: &str, rest: &str, out: &mut String) {
    out.push_str(&format!(
        "{first}{} = {}{}  [{}]\n",
        n.label,
        short(n.value),
        unit_suffix(&n.unit),
        n.kind.name()
    ));
    let bar = if n.children.is_empty() {
        "   "
    } else {
        "│  "
    };
    let detail = |out: &mut String, line: String| out.push_str(&format!("{rest}{bar} {line}\n"));
    if let Some(eq) = &n.equation {
        detail(out, eq.clone());
    }
    if let Some(s) = &n.substituted {
        detail(out, s.clone());
    }
    if let Some(span) = &n.defined_at {
        detail(out, format!("defined at {}", location(span, sources)));
    }
    for d in &n.data {
        let sheet = d
            .sheet
            .as_ref()
            .map(|s| format!(" sheet {s}"))
            .unwrap_or_default();
        detail(
            out,
            format!(
                "data: {}{sheet} row {} ({}, year {}) `{}`{}{}",
                d.file.display(),
                d.row,
                d.cell,
                d.year,
                d.text,
                d.status
                    .as_ref()
                    .map(|s| format!(" [{s}]"))
                    .unwrap_or_default(),
                d.source
                    .as_ref()
                    .map(|s| format!(" source: {s}"))
                    .unwrap_or_default()
            ),
        );
    }
    for m in &n.measures {
        detail(
            out,
            format!(
                "measure {}/{} ({}): {} → {}",
                m.action,
                m.measure,
                m.lever,
                short(m.before),
                short(m.after)
            ),
        );
    }
    if let Some(note) = &n.note {
        detail(out, format!("note: {note}"));
    }
    if n.truncated {
        detail(out, "… (deeper levels not shown: raise --depth)".into());
    }
    let k = n.children.len();
    for (i, c) in n.children.iter().enumerate() {
        let last = i + 1 == k;
        let (f, r) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        node_text(
            c,
            sources,
            &format!("{rest}{f}"),
            &format!("{rest}{r}"),
            out,
        );
    }
}

/// The JSON document of `lcs explain --format json` (docs/EXPLAIN.md has the schema).
pub fn explanation_json(e: &Explanation, sources: &Sources) -> Value {
    json!({
        "kind": "explanation",
        "version": crate::json::VERSION,
        "scenario": e.scenario,
        "region": e.region,
        "variable": e.variable,
        "year": e.year,
        "value": e.root.value,
        "unit": e.root.unit,
        "change": e.change.as_ref().map(|c| json!({
            "reference": c.reference,
            "change": c.change,
            "method": "sequential",
            "by_action": c.by_action.iter().map(|(a, v)| json!({"action": a, "change": v})).collect::<Vec<_>>(),
        })),
        "tree": node_json(&e.root, sources),
    })
}

fn node_json(n: &Node, sources: &Sources) -> Value {
    json!({
        "label": n.label,
        "variable": n.variable,
        "path": n.path,
        "value": n.value,
        "unit": n.unit,
        "kind": n.kind.name(),
        "equation": n.equation,
        "substituted": n.substituted,
        "defined_at": n.defined_at.as_ref().map(|s| json!({
            "file": sources.name(s.file), "line": s.line, "column": s.col,
        })),
        "data": n.data.iter().map(|d| json!({
            "file": d.file.display().to_string(),
            "sheet": d.sheet,
            "year": d.year,
            "row": d.row,
            "cell": d.cell,
            "text": d.text,
            "source": d.source,
            "status": d.status,
        })).collect::<Vec<_>>(),
        "measures": n.measures.iter().map(|m| json!({
            "action": m.action, "measure": m.measure, "lever": m.lever,
            "before": m.before, "after": m.after,
        })).collect::<Vec<_>>(),
        "note": n.note,
        "truncated": n.truncated,
        "children": n.children.iter().map(|c| node_json(c, sources)).collect::<Vec<_>>(),
    })
}
