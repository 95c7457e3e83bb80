//! A YAML document as a tree of spanned nodes.
//!
//! Built from `saphyr-parser` events. Mapping keys keep their order and their own spans;
//! duplicate keys are errors (MODEL.md §11.2); anchors and aliases are resolved. Scalars stay
//! text: the checker decides what a scalar means where it stands (a number, a unit string, a
//! name), so `"1.0e6"` and `1.0e6` read the same.

use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// One node of a YAML document.
#[derive(Clone, Debug)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Where it stands.
    pub span: Span,
}

/// The kinds of YAML node.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A scalar, as text; `quoted` when it was written in quotes or as a block.
    Scalar {
        /// The scalar's text.
        text: String,
        /// Written in quotes (so never null, never a bool).
        quoted: bool,
    },
    /// A mapping, keys in file order.
    Map(Vec<(Key, Node)>),
    /// A sequence.
    Seq(Vec<Node>),
}

/// A mapping key.
#[derive(Clone, Debug)]
pub struct Key {
    /// The key text.
    pub text: String,
    /// Where the key stands.
    pub span: Span,
}

impl Node {
    /// The node's scalar text, if it is a scalar.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether the node is a plain `null`/`~`/empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, quoted: false } if text.is_empty() || text == "~" || text == "null")
    }

    /// A short word for the node's kind, for "expected …, found …" messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } if self.is_null() => "nothing",
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) => "a list",
        }
    }
}

fn char_to_byte_table(text: &str) -> Vec<usize> {
    let mut table: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    table.push(text.len());
    table
}

struct Builder<'a> {
    file: FileId,
    bytes: &'a [usize],
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    errors: Vec<Diagnostic>,
    documents: usize,
}

enum Frame {
    Map {
        span: Span,
        anchor: usize,
        items: Vec<(Key, Node)>,
        pending_key: Option<Key>,
    },
    Seq {
        span: Span,
        anchor: usize,
        items: Vec<Node>,
    },
}

impl Builder<'_> {
    /// The key path of the value being built, e.g. `demand.transport.children`.
    fn path(&self) -> String {
        let mut out = String::new();
        for f in &self.stack {
            match f {
                Frame::Map {
                    pending_key: Some(k),
                    ..
                } => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&k.text);
                }
                Frame::Seq { items, .. } => out.push_str(&format!("[{}]", items.len())),
                _ => {}
            }
        }
        out
    }

    fn span(&self, s: &saphyr_parser::Span) -> Span {
        let byte = |i: usize| {
            self.bytes
                .get(i)
                .copied()
                .unwrap_or(*self.bytes.last().unwrap_or(&0))
        };
        Span {
            file: self.file,
            start: byte(s.start.index()),
            end: byte(s.end.index().max(s.start.index())),
            line: s.start.line() as u32,
            col: s.start.col() as u32 + 1,
        }
    }

    fn push_value(&mut self, node: Node) {
        let prefix = self.path();
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                items, pending_key, ..
            }) => match pending_key.take() {
                None => {
                    // A key. Only scalar keys are meaningful here.
                    let text = match &node.kind {
                        NodeKind::Scalar { text, .. } => text.clone(),
                        _ => {
                            self.errors.push(
                                Diagnostic::new(node.span, "a mapping key must be a plain name")
                                    .found(node.kind_name()),
                            );
                            String::from("?")
                        }
                    };
                    if let Some((first, _)) = items.iter().find(|(k, _)| k.text == text) {
                        let first_line = first.span.line;
                        self.errors.push(
                            Diagnostic::new(node.span, format!("duplicate key `{text}`"))
                                .at(if prefix.is_empty() {
                                    text.clone()
                                } else {
                                    format!("{prefix}.{text}")
                                })
                                .note(format!("`{text}` is already given on line {first_line}")),
                        );
                    }
                    *pending_key = Some(Key {
                        text,
                        span: node.span,
                    });
                }
                Some(key) => items.push((key, node)),
            },
        }
    }

    fn on_event(&mut self, ev: Event<'_>, span: saphyr_parser::Span) {
        let sp = self.span(&span);
        match ev {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.errors.push(Diagnostic::new(
                        sp,
                        "a scenario file holds one YAML document; found a second",
                    ));
                }
            }
            Event::Scalar(text, style, anchor, _tag) => {
                let node = Node {
                    kind: NodeKind::Scalar {
                        text: text.into_owned(),
                        quoted: !matches!(style, ScalarStyle::Plain),
                    },
                    span: sp,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_value(node);
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(n) => {
                    let mut n = n.clone();
                    n.span = sp;
                    self.push_value(n);
                }
                None => self
                    .errors
                    .push(Diagnostic::new(sp, "alias to an unknown anchor")),
            },
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map {
                span: sp,
                anchor,
                items: Vec::new(),
                pending_key: None,
            }),
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq {
                span: sp,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    span,
                    anchor,
                    items,
                    ..
                }) = self.stack.pop()
                {
                    let node = Node {
                        kind: NodeKind::Map(items),
                        span,
                    };
                    if anchor > 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    self.push_value(node);
                }
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    span,
                    anchor,
                    items,
                }) = self.stack.pop()
                {
                    let node = Node {
                        kind: NodeKind::Seq(items),
                        span,
                    };
                    if anchor > 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    self.push_value(node);
                }
            }
            _ => {}
        }
    }
}

/// Parses one YAML document. Syntax errors, duplicate keys and extra documents are returned
/// as diagnostics; an empty file is an error.
pub fn parse(file: FileId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let bytes = char_to_byte_table(text);
    let mut b = Builder {
        file,
        bytes: &bytes,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        errors: Vec::new(),
        documents: 0,
    };
    let parser = Parser::new_from_str(text);
    for item in parser {
        match item {
            Ok((ev, span)) => b.on_event(ev, span),
            Err(e) => {
                let m = e.marker();
                let idx = m.index();
                let start = bytes.get(idx).copied().unwrap_or(text.len());
                let span = Span {
                    file,
                    start,
                    end: start,
                    line: m.line() as u32,
                    col: m.col() as u32 + 1,
                };
                b.errors
                    .push(Diagnostic::new(span, format!("invalid YAML: {}", e.info())));
                return Err(b.errors);
            }
        }
    }
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    match b.root {
        Some(n) if !n.is_null() => Ok(n),
        _ => Err(vec![Diagnostic::new(
            Span {
                file,
                start: 0,
                end: 0,
                line: 1,
                col: 1,
            },
            "the file is empty",
        )
        .expected("a mapping with `region:`, `scenario:` or `package:`")]),
    }
}
