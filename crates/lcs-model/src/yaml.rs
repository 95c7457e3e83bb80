//! A YAML document as a tree of spanned nodes.
//!
//! Built from `saphyr-parser` events. Mapping keys keep their order and their own spans;
//! duplicate keys are errors (MODEL.md §11.2); anchors and aliases are resolved. Scalars stay
//! text: the checker decides what a scalar means where it stands (a number, a unit string, a
//! name), so `"1.0e6"` and `1.0e6` read the same.

use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};

/// The key path of an error about the whole document.
const TOP_LEVEL: &str = "(top level)";
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

/// The budget of one document: nodes after alias expansion. A document of the scenario
/// language has a few thousand nodes (the Iskandar model about 3,000); an alias bomb (a
/// few hundred bytes that expand to millions of nodes) is refused at the first node past
/// the budget, before the memory is spent.
pub const MAX_NODES: usize = 1_000_000;

/// The budget of one document: bytes of scalar text after alias expansion (a long scalar
/// behind an anchor, aliased many times, is refused the same way).
pub const MAX_SCALAR_BYTES: usize = 64 << 20;

/// The deepest nesting of mappings and sequences in one document. The language nests a
/// demand tree a few levels deep; deeper documents are refused (the checker walks trees
/// recursively).
pub const MAX_DEPTH: usize = 128;

/// Byte offsets of every 64th character: `saphyr-parser` reports character indices, spans
/// are byte ranges. One entry per 64 characters keeps the table small for a large file;
/// a look-up walks at most 63 characters.
struct CharIndex<'a> {
    text: &'a str,
    marks: Vec<usize>,
    /// The number of characters of the text.
    chars: usize,
}

const CHAR_STRIDE: usize = 64;

impl<'a> CharIndex<'a> {
    fn new(text: &'a str) -> Self {
        let marks: Vec<usize> = text
            .char_indices()
            .step_by(CHAR_STRIDE)
            .map(|(b, _)| b)
            .collect();
        let chars = if text.is_ascii() {
            text.len()
        } else {
            text.chars().count()
        };
        CharIndex { text, marks, chars }
    }

    /// The byte offset of character `i` (the text's length past the end).
    fn byte(&self, i: usize) -> usize {
        let block = i / CHAR_STRIDE;
        let Some(&start) = self.marks.get(block) else {
            return self.text.len();
        };
        // A block of ASCII text has as many bytes as characters: no scan.
        let end = self
            .marks
            .get(block + 1)
            .copied()
            .unwrap_or(self.text.len());
        let in_block = (self.chars - block * CHAR_STRIDE).min(CHAR_STRIDE);
        if end - start == in_block {
            return (start + i % CHAR_STRIDE).min(self.text.len());
        }
        self.text[start..]
            .char_indices()
            .nth(i % CHAR_STRIDE)
            .map(|(b, _)| start + b)
            .unwrap_or(self.text.len())
    }
}

struct Builder<'a> {
    file: FileId,
    index: CharIndex<'a>,
    stack: Vec<Frame>,
    /// Anchored nodes with their expanded size (nodes, scalar bytes).
    anchors: HashMap<usize, (Node, Size)>,
    root: Option<Node>,
    errors: Vec<Diagnostic>,
    documents: usize,
    /// Nodes and scalar bytes built so far, aliases counted at their expanded size.
    total: Size,
    /// A top-level `region`, `scenario` or `package` key was seen.
    recognised: bool,
}

/// The expanded size of a subtree: nodes and bytes of scalar text.
#[derive(Clone, Copy, Default)]
struct Size {
    nodes: usize,
    bytes: usize,
    /// Levels of mappings and lists (a scalar has 0).
    depth: usize,
}

impl Size {
    /// Adds a child's size (its depth counts one level below).
    fn add(&mut self, o: Size) {
        self.nodes = self.nodes.saturating_add(o.nodes);
        self.bytes = self.bytes.saturating_add(o.bytes);
        self.depth = self.depth.max(o.depth);
    }
}

enum Frame {
    Map {
        span: Span,
        anchor: usize,
        items: Vec<(Key, Node)>,
        /// Key text → index of its item (duplicate checks in constant time).
        seen: HashMap<String, usize>,
        pending_key: Option<Key>,
        size: Size,
    },
    Seq {
        span: Span,
        anchor: usize,
        items: Vec<Node>,
        size: Size,
    },
}

/// Building stops at the first budget overrun: the rest of the document is not read.
struct Stop;

impl Builder<'_> {
    /// The key path of the value being built, e.g. `demand.transport.children`. Built only
    /// for a diagnostic (never per node: that would make parsing quadratic in depth × size).
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
        Span {
            file: self.file,
            start: self.index.byte(s.start.index()),
            end: self.index.byte(s.end.index().max(s.start.index())),
            line: s.start.line() as u32,
            col: s.start.col() as u32 + 1,
        }
    }

    /// Counts `size` against the document's budget.
    fn spend(&mut self, size: Size, at: Span) -> Result<(), Stop> {
        self.total.add(size);
        if self.total.nodes > MAX_NODES || self.total.bytes > MAX_SCALAR_BYTES {
            let path = self.path();
            self.errors.push(
                Diagnostic::new(at, "the document is too large after expanding its aliases")
                    .at(path)
                    .expected(format!(
                        "at most {MAX_NODES} nodes and {} MiB of text, aliases counted at their expanded size",
                        MAX_SCALAR_BYTES >> 20
                    ))
                    .found(format!(
                        "more than {} nodes and {} bytes of text by this point",
                        self.total.nodes.min(MAX_NODES), self.total.bytes
                    ))
                    .note("an alias (`*name`) copies its anchor's whole subtree; nested aliases multiply"),
            );
            return Err(Stop);
        }
        Ok(())
    }

    fn push_value(&mut self, node: Node, size: Size) {
        let mut duplicate: Option<(String, u32)> = None;
        let mut bad_key = None;
        let depth = self.stack.len();
        let mut recognised = false;
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, size: s, .. }) => {
                s.add(size);
                items.push(node);
            }
            Some(Frame::Map {
                items,
                seen,
                pending_key,
                size: s,
                ..
            }) => {
                s.add(size);
                match pending_key.take() {
                    None => {
                        // A key. Only scalar keys are meaningful here.
                        let text = match &node.kind {
                            NodeKind::Scalar { text, .. } => text.clone(),
                            _ => {
                                bad_key = Some((node.span, node.kind_name()));
                                String::from("?")
                            }
                        };
                        if depth == 1
                            && matches!(
                                text.as_str(),
                                "region"
                                    | "scenario"
                                    | "package"
                                    | "project"
                                    | "projects"
                                    | "ecotown"
                            )
                        {
                            recognised = true;
                        }
                        if let Some(&first) = seen.get(&text) {
                            duplicate = Some((text.clone(), items[first].0.span.line));
                        } else if bad_key.is_none() {
                            seen.insert(text.clone(), items.len());
                        }
                        *pending_key = Some(Key {
                            text,
                            span: node.span,
                        });
                    }
                    Some(key) => items.push((key, node)),
                }
            }
        }
        self.recognised |= recognised;
        if let Some((span, found)) = bad_key {
            let path = self.path();
            let parent = path
                .strip_suffix('?')
                .unwrap_or(&path)
                .trim_end_matches('.');
            self.errors.push(
                Diagnostic::new(span, "a mapping key must be a plain name")
                    .at(parent)
                    .found(found),
            );
        }
        if let Some((text, first_line)) = duplicate {
            // The pending key is the duplicate: the path ends with it.
            let span = match self.stack.last() {
                Some(Frame::Map {
                    pending_key: Some(k),
                    ..
                }) => k.span,
                _ => unreachable!("a duplicate key is pending in its mapping"),
            };
            self.errors.push(
                Diagnostic::new(span, format!("duplicate key `{text}`"))
                    .at(self.path())
                    .note(format!("`{text}` is already given on line {first_line}")),
            );
        }
    }

    fn open(&mut self, frame: Frame, at: Span) -> Result<(), Stop> {
        self.check_depth(1, at)?;
        self.stack.push(frame);
        Ok(())
    }

    /// Refuses a node `depth` levels deep placed at the current level past [`MAX_DEPTH`].
    fn check_depth(&mut self, depth: usize, at: Span) -> Result<(), Stop> {
        if self.stack.len() + depth > MAX_DEPTH {
            self.errors.push(
                Diagnostic::new(at, "the document is nested too deeply")
                    .at(self.path())
                    .expected(format!("at most {MAX_DEPTH} levels of mappings and lists")),
            );
            return Err(Stop);
        }
        Ok(())
    }

    fn close(
        &mut self,
        kind: NodeKind,
        span: Span,
        anchor: usize,
        mut size: Size,
    ) -> Result<(), Stop> {
        let node = Node { kind, span };
        let one = Size {
            nodes: 1,
            bytes: 0,
            depth: 0,
        };
        size.add(one);
        size.depth += 1;
        self.spend(one, span)?;
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.push_value(node, size);
        Ok(())
    }

    fn on_event(&mut self, ev: Event<'_>, span: saphyr_parser::Span) -> Result<(), Stop> {
        let sp = self.span(&span);
        match ev {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.errors.push(
                        Diagnostic::new(
                            sp,
                            "a scenario file holds one YAML document; found a second",
                        )
                        .at(TOP_LEVEL),
                    );
                }
            }
            Event::Scalar(text, style, anchor, _tag) => {
                let size = Size {
                    nodes: 1,
                    bytes: text.len(),
                    depth: 0,
                };
                self.spend(size, sp)?;
                let node = Node {
                    kind: NodeKind::Scalar {
                        text: text.into_owned(),
                        quoted: !matches!(style, ScalarStyle::Plain),
                    },
                    span: sp,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), size));
                }
                self.push_value(node, size);
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((_, size)) => {
                    let size = *size;
                    // Counted before the copy is made.
                    self.spend(size, sp)?;
                    self.check_depth(size.depth, sp)?;
                    let mut n = self.anchors[&id].0.clone();
                    n.span = sp;
                    self.push_value(n, size);
                }
                None => {
                    let path = self.path();
                    self.errors
                        .push(Diagnostic::new(sp, "alias to an unknown anchor").at(path))
                }
            },
            Event::MappingStart(anchor, _) => self.open(
                Frame::Map {
                    span: sp,
                    anchor,
                    items: Vec::new(),
                    seen: HashMap::new(),
                    pending_key: None,
                    size: Size::default(),
                },
                sp,
            )?,
            Event::SequenceStart(anchor, _) => self.open(
                Frame::Seq {
                    span: sp,
                    anchor,
                    items: Vec::new(),
                    size: Size::default(),
                },
                sp,
            )?,
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    span,
                    anchor,
                    items,
                    size,
                    ..
                }) = self.stack.pop()
                {
                    self.close(NodeKind::Map(items), span, anchor, size)?;
                }
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    span,
                    anchor,
                    items,
                    size,
                }) = self.stack.pop()
                {
                    self.close(NodeKind::Seq(items), span, anchor, size)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Parses one YAML document. Syntax errors, duplicate keys and extra documents are returned
/// as diagnostics; an empty file is an error.
pub fn parse(file: FileId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    parse_document(file, text).0
}

/// Parses one YAML document as [`parse`] does, and says whether it is recognisably a
/// scenario-language file: its top-level mapping has a `region`, `scenario` or `package`
/// key (seen before any syntax error).
pub fn parse_document(file: FileId, text: &str) -> (Result<Node, Vec<Diagnostic>>, bool) {
    let mut recognised = false;
    let r = build(file, text, &mut recognised);
    (r, recognised)
}

fn build(file: FileId, text: &str, recognised: &mut bool) -> Result<Node, Vec<Diagnostic>> {
    let mut b = Builder {
        file,
        index: CharIndex::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        errors: Vec::new(),
        documents: 0,
        total: Size::default(),
        recognised: false,
    };
    let parser = Parser::new_from_str(text);
    for item in parser {
        match item {
            Ok((ev, span)) => {
                let stop = b.on_event(ev, span).is_err();
                *recognised = b.recognised;
                if stop {
                    // Dropping a large tree recursively is bounded by MAX_DEPTH.
                    return Err(b.errors);
                }
            }
            Err(e) => {
                let m = e.marker();
                let start = b.index.byte(m.index());
                let span = Span {
                    file,
                    start,
                    end: start,
                    line: m.line() as u32,
                    col: m.col() as u32 + 1,
                };
                // The path where the error stands; at the top level, the value before it.
                let mut path = b.path();
                if path.is_empty() {
                    path = last_key_path(text.get(..start).unwrap_or_default())
                        .unwrap_or_else(|| TOP_LEVEL.to_string());
                }
                b.errors
                    .push(Diagnostic::new(span, format!("invalid YAML: {}", e.info())).at(path));
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
        .at(TOP_LEVEL)
        .expected("a mapping with `region:`, `scenario:` or `package:`")]),
    }
}

/// The key path of the last value in a (possibly cut-off) text, e.g. `demand.residential`:
/// used to place an error found in the bytes after `text` (an invalid UTF-8 byte).
pub fn last_key_path(text: &str) -> Option<String> {
    let mut b = Builder {
        file: FileId(0),
        index: CharIndex::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        errors: Vec::new(),
        documents: 0,
        total: Size::default(),
        recognised: false,
    };
    let mut last = None;
    for item in Parser::new_from_str(text) {
        let Ok((ev, span)) = item else { break };
        // The path where a value stands is taken before the value is added.
        if matches!(ev, Event::Scalar(..) | Event::Alias(_)) {
            let p = b.path();
            if !p.is_empty() {
                last = Some(p);
            }
        }
        if b.on_event(ev, span).is_err() {
            break;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_finds_every_byte_offset() {
        // ASCII blocks (the fast path), blocks with two-, three- and four-byte characters,
        // a short last block, and positions past the end.
        let mut text = "a".repeat(130);
        text.push_str("é–😀");
        text.push_str(&"b".repeat(70));
        text.push('ū');
        for t in [text.as_str(), "", "abc", "ééé", &"x".repeat(128)] {
            let index = CharIndex::new(t);
            let offsets: Vec<usize> = t.char_indices().map(|(b, _)| b).collect();
            for i in 0..offsets.len() + 70 {
                let expected = offsets.get(i).copied().unwrap_or(t.len());
                assert_eq!(index.byte(i), expected, "character {i} of {t:?}");
            }
        }
    }

    fn parse_str(text: &str) -> Result<Node, Vec<Diagnostic>> {
        parse(FileId(0), text)
    }

    #[test]
    fn alias_bomb_is_refused_within_the_budget() {
        // 586 bytes that expand to 10^8 nodes (3.3 GB when aliases were deep-copied freely).
        let mut text = String::from("region: x\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        assert!(text.len() < 600, "{}", text.len());
        let t = std::time::Instant::now();
        let e = parse_str(&text).unwrap_err();
        assert!(t.elapsed().as_secs_f64() < 5.0);
        assert_eq!(e.len(), 1);
        assert!(e[0]
            .message
            .contains("too large after expanding its aliases"));
        // The error stands where the budget ran out, with its key path.
        assert!(e[0].path.starts_with("a5["), "{}", e[0].path);
    }

    #[test]
    fn long_scalar_aliased_many_times_is_refused() {
        let long = "y".repeat(1 << 20);
        let refs = vec!["*s"; 100].join(", ");
        let text = format!("region: x\ns: &s {long}\nl: [{refs}]\n");
        let e = parse_str(&text).unwrap_err();
        assert!(e[0].message.contains("too large"), "{}", e[0].message);
    }

    #[test]
    fn a_wide_map_parses_in_linear_time() {
        // 40,000 keys took 14 s with a linear duplicate search per key and a key path
        // built per node.
        let mut text = String::from("region: x\nbig:\n");
        for i in 0..40_000 {
            text.push_str(&format!("  k{i}: {i}\n"));
        }
        let t = std::time::Instant::now();
        let n = parse_str(&text).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let NodeKind::Map(items) = &n.kind else {
            panic!("a mapping")
        };
        let NodeKind::Map(big) = &items[1].1.kind else {
            panic!("a mapping")
        };
        assert_eq!(big.len(), 40_000);
        // Well under a second in a release build; debug builds are about 10x slower.
        assert!(secs < 5.0, "{secs} s");
    }

    #[test]
    fn duplicate_key_names_its_path_and_first_line() {
        let e = parse_str("region: x\nelectricity:\n  losses: 1\n  losses: 2\n").unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].path, "electricity.losses");
        assert_eq!(e[0].span.unwrap().line, 4);
        assert!(e[0].notes[0].contains("line 3"));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let depth = MAX_DEPTH + 5;
        let text = format!("region: {}{}", "[".repeat(depth), "]".repeat(depth));
        let e = parse_str(&text).unwrap_err();
        assert!(
            e[0].message.contains("nested too deeply"),
            "{}",
            e[0].message
        );
        // Block nesting too.
        let mut text = String::from("region: x\n");
        for i in 0..depth {
            text.push_str(&format!("{}k{i}:\n", "  ".repeat(i)));
        }
        let e = parse_str(&text).unwrap_err();
        assert!(e[0].message.contains("nested too deeply"));
    }

    #[test]
    fn aliases_cannot_build_depth_past_the_limit() {
        // Each anchor holds the previous one a level down: 200 short lines, 200 levels.
        let mut text = String::from("region: x\na0: &a0 [x]\n");
        for i in 1..200 {
            text.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
        }
        let e = parse_str(&text).unwrap_err();
        assert!(
            e[0].message.contains("nested too deeply"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn spans_are_byte_ranges_after_multibyte_text() {
        // 70 two-byte characters before the value: the sparse index must walk past a mark.
        let text = format!("region: x\nname: \"{}\"\nk: v\n", "é".repeat(70));
        let n = parse_str(&text).unwrap();
        let NodeKind::Map(items) = &n.kind else {
            panic!()
        };
        let v = &items[2].1;
        assert_eq!(&text[v.span.start..v.span.end], "v");
        assert_eq!((v.span.line, v.span.col), (3, 4));
    }

    #[test]
    fn recognised_only_with_a_kind_key() {
        assert!(parse_document(FileId(0), "scenario: x\n").1);
        assert!(!parse_document(FileId(0), "root:x:0:0:root:/root:/bin/bash\n").1);
        assert!(!parse_document(FileId(0), "a:\n  region: x\n").1);
    }

    #[test]
    fn last_key_path_of_a_prefix() {
        assert_eq!(
            last_key_path("region: x\ndemand:\n  residential:\n    intensity: ").as_deref(),
            Some("demand.residential.intensity")
        );
    }
}
