//! Rendering diagnostics for people: miette's graphical report with the source snippet,
//! plain (no colour) when stderr is not a terminal or `NO_COLOR` is set.

use lcs_model::{Diagnostic, Severity, Sources};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use std::io::IsTerminal;

fn theme() -> GraphicalTheme {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    }
}

/// Renders one diagnostic to text.
pub fn render(d: &Diagnostic, sources: &Sources) -> String {
    let mut help: Vec<String> = Vec::new();
    if !d.path.is_empty() {
        help.push(format!("key: `{}`", d.path));
    }
    if let Some(e) = &d.expected {
        help.push(format!("expected: {e}"));
    }
    // `found` is the label under the snippet; repeat it only when there is no snippet.
    if let (Some(f), None) = (&d.found, d.span) {
        help.push(format!("found: {f}"));
    }
    if let Some(h) = d.help() {
        help.push(h);
    }
    for n in &d.notes {
        help.push(format!("note: {n}"));
    }
    let Some(span) = d.span else {
        let mut s = format!("{}: {}", d.label(), d.message);
        for h in help {
            s.push_str(&format!("\n  {h}"));
        }
        return s;
    };
    let file = sources.get(span.file);
    let location = sources.location(&span);
    let headline = match d.code {
        Some(code) if d.is_warning() => format!("{location}: warning[{code}]: {}", d.message),
        _ => format!("{location}: {}", d.message),
    };
    let mut md = MietteDiagnostic::new(headline).with_severity(match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    });
    let label = d
        .found
        .clone()
        .map(|f| format!("found {f}"))
        .unwrap_or_else(|| "here".to_string());
    let len = span.end.saturating_sub(span.start).clamp(0, 200);
    md = md.with_labels(vec![LabeledSpan::at(span.start..span.start + len, label)]);
    if !help.is_empty() {
        md = md.with_help(help.join("\n"));
    }
    let report = Report::new(md).with_source_code(NamedSource::new(
        file.path.display().to_string(),
        file.text.clone(),
    ));
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(theme()).with_width(100);
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        return d.render_plain(sources);
    }
    out
}

/// Prints diagnostics to stderr, with a count.
pub fn report(diags: &[Diagnostic], sources: &Sources) {
    for d in diags {
        eprintln!("{}", render(d, sources));
    }
    eprintln!("{}", count(diags));
}

/// `1 error found`, `2 errors and 1 warning found`, `1 warning found`.
pub fn count(diags: &[Diagnostic]) -> String {
    let n_warnings = diags.iter().filter(|d| d.is_warning()).count();
    let n_errors = diags.len() - n_warnings;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (n_errors, n_warnings) {
        (e, 0) => format!("{} found", plural(e, "error")),
        (0, w) => format!("{} found", plural(w, "warning")),
        (e, w) => format!("{} and {} found", plural(e, "error"), plural(w, "warning")),
    }
}
