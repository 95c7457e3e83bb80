//! Diagnostics: what went wrong, where, and what would be valid.
//!
//! The core describes; the binary renders. A [`Diagnostic`] names the file position (a
//! [`Span`]), the key path (`demand.transport.children.car.fuels`), what was expected and
//! what was found, and the nearest valid names for a typo.

use crate::source::{Sources, Span};
use std::fmt::Write as _;

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
                let _ = write!(s, "{}: error: {}", sources.location(span), self.message);
            }
            None => {
                let _ = write!(s, "error: {}", self.message);
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
