//! Diagnostics: what went wrong, where, and what would be valid.
//!
//! The core describes; the binary renders. A [`Diagnostic`] names the file position (a
//! [`Span`]), the key path (`demand.transport.children.car.fuels`), what was expected and
//! what was found, and the nearest valid names for a typo.
//!
//! A diagnostic is an error (the load fails) or a named warning (input that is probably a
//! mistake but could be meant: the load succeeds, the warning is printed and counted, and
//! `--deny-warnings` turns it into an error). Every warning has a stable name
//! ([`Diagnostic::code`]), listed in docs/LANGUAGE.md.

use crate::source::{Sources, Span};
use std::fmt::Write as _;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input is wrong: loading fails.
    #[default]
    Error,
    /// The input is probably a mistake but could be meant: loading succeeds.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found while loading or checking scenario files.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Where the problem is, when it is in a file.
    pub span: Option<Span>,
    /// The key path of the offending value, e.g. `demand.transport.children.car.fuels`.
    pub path: String,
    /// One-line description, without a trailing period.
    pub message: String,
    /// What would have been valid.
    pub expected: Option<String>,
    /// What was found.
    pub found: Option<String>,
    /// Nearest valid names, best first.
    pub suggestions: Vec<String>,
    /// Further notes.
    pub notes: Vec<String>,
    /// Error or warning.
    pub severity: Severity,
    /// The warning's name (`gas-key-case`), for warnings; `None` for errors.
    pub code: Option<&'static str>,
}

impl Diagnostic {
    /// A problem at a span.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            span: Some(span),
            path: String::new(),
            message: message.into(),
            expected: None,
            found: None,
            suggestions: Vec::new(),
            notes: Vec::new(),
            severity: Severity::Error,
            code: None,
        }
    }

    /// A named warning at a span: input that is probably a mistake but could be meant.
    pub fn warning(span: Span, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            code: Some(code),
            ..Self::new(span, message)
        }
    }

    /// Whether this is a warning.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// The headline word: `error`, or `warning[<code>]`.
    pub fn label(&self) -> String {
        match (self.severity, self.code) {
            (Severity::Warning, Some(c)) => format!("warning[{c}]"),
            (s, _) => s.name().to_string(),
        }
    }

    /// A problem that has no position (a missing file, say).
    pub fn global(message: impl Into<String>) -> Self {
        Self {
            span: None,
            ..Self::new(
                Span {
                    file: crate::source::FileId(0),
                    start: 0,
                    end: 0,
                    line: 0,
                    col: 0,
                },
                message,
            )
        }
    }

    /// Sets the key path.
    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Sets what was expected.
    pub fn expected(mut self, s: impl Into<String>) -> Self {
        self.expected = Some(s.into());
        self
    }

    /// Sets what was found.
    pub fn found(mut self, s: impl Into<String>) -> Self {
        self.found = Some(s.into());
        self
    }

    /// Sets the nearest valid names.
    pub fn suggest(mut self, names: Vec<String>) -> Self {
        self.suggestions = names;
        self
    }

    /// Adds a note.
    pub fn note(mut self, s: impl Into<String>) -> Self {
        self.notes.push(s.into());
        self
    }

    /// The help line: nearest names, if any.
    pub fn help(&self) -> Option<String> {
        if self.suggestions.is_empty() {
            return None;
        }
        let names: Vec<String> = self.suggestions.iter().map(|s| format!("`{s}`")).collect();
        Some(format!("did you mean {}?", names.join(", ")))
    }

    /// Plain-text rendering: `file:line:col: message`, then indented details.
    pub fn render_plain(&self, sources: &Sources) -> String {
        let mut s = String::new();
        match &self.span {
            Some(span) => {
                let _ = write!(
                    s,
                    "{}: {}: {}",
                    sources.location(span),
                    self.label(),
                    self.message
                );
            }
            None => {
                let _ = write!(s, "{}: {}", self.label(), self.message);
            }
        }
        if !self.path.is_empty() {
            let _ = write!(s, "\n  key: `{}`", self.path);
        }
        if let Some(e) = &self.expected {
            let _ = write!(s, "\n  expected: {e}");
        }
        if let Some(f) = &self.found {
            let _ = write!(s, "\n  found: {f}");
        }
        if let Some(h) = self.help() {
            let _ = write!(s, "\n  help: {h}");
        }
        for n in &self.notes {
            let _ = write!(s, "\n  note: {n}");
        }
        s
    }
}

/// Renders many diagnostics as plain text, one block each.
pub fn render_all_plain(diags: &[Diagnostic], sources: &Sources) -> String {
    diags
        .iter()
        .map(|d| d.render_plain(sources))
        .collect::<Vec<_>>()
        .join("\n")
}
