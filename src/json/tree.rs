//! A JSON text read into a flat tree of spans, with [`JsonView`] over it.
//!
//! The wasm layer validates the task's snapshot and checks each response on this tree, inside wasm,
//! instead of walking a JavaScript object member by member (every member was several calls across the
//! JS boundary, most of a call's CPU time). It is written here rather than taken from `serde_json`
//! because `serde_json`'s parser and `Value` would add more to the browser's wasm than this whole
//! module, and because the tree keeps each string's raw text: a body written back ([`JsonNode::write`])
//! is byte for byte the text that was read, so a task the client sends unchanged is exactly the
//! snapshot `JSON.stringify` made.
//!
//! It reads what `JSON.parse` reads, with two bounds: containers nested deeper than [`MAX_DEPTH`] are
//! refused (as `serde_json` does by default; the recursion must stay bounded in wasm, whose stack has
//! no guard page), and so are texts longer than `u32::MAX` bytes. Where an object repeats a key, the
//! last value wins and the key keeps its first place, as in `JSON.parse`. A `\u` escape of a lone
//! surrogate reads as U+FFFD, as a JavaScript string with one does when it is copied into Rust.

use std::borrow::Cow;

use super::{JsonKind, JsonView};

/// How deeply arrays and objects may nest.
pub const MAX_DEPTH: usize = 128;

/// No node (a node without children or without a next sibling).
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Node {
    kind: JsonKind,
    /// A string's raw text between its quotes, or a number's text.
    start: u32,
    end: u32,
    /// A string with a backslash in it; the value of a boolean.
    flag: bool,
    /// As a member of an object: its key's raw text between the quotes.
    key_start: u32,
    key_end: u32,
    key_escaped: bool,
    first_child: u32,
    next_sibling: u32,
}

/// A parsed JSON text. Numbers are kept as text and read by `number` (which the wasm layer points at
/// JavaScript's own `Number`, so that a number reads exactly as `JSON.parse` reads it, without a float
/// parser in the wasm).
pub struct JsonTree<'t> {
    text: &'t str,
    nodes: Vec<Node>,
    number: fn(&str) -> f64,
}

impl<'t> JsonTree<'t> {
    /// Parses `text`; `None` when it is not JSON, or nests deeper than [`MAX_DEPTH`].
    pub fn parse(text: &'t str, number: fn(&str) -> f64) -> Option<JsonTree<'t>> {
        if u32::try_from(text.len()).is_err() {
            return None;
        }
        let mut parser = Parser { bytes: text.as_bytes(), at: 0, nodes: Vec::new() };
        parser.whitespace();
        parser.value(0)?;
        parser.whitespace();
        if parser.at != parser.bytes.len() {
            return None;
        }
        Some(JsonTree { text, nodes: parser.nodes, number })
    }

    /// The top-level value.
    pub fn root(&self) -> JsonNode<'_> {
        JsonNode { tree: self, index: 0 }
    }
}

/// One value of a [`JsonTree`].
#[derive(Clone, Copy)]
pub struct JsonNode<'a> {
    tree: &'a JsonTree<'a>,
    index: u32,
}

impl<'a> JsonNode<'a> {
    fn node(&self) -> &'a Node {
        // Indexes are made by the parser for this tree only.
        &self.tree.nodes[self.index as usize]
    }

    fn span(&self, start: u32, end: u32) -> &'a str {
        self.tree.text.get(start as usize..end as usize).unwrap_or("")
    }

    fn children(&self) -> impl Iterator<Item = JsonNode<'a>> + 'a {
        let tree = self.tree;
        let mut next = self.node().first_child;
        std::iter::from_fn(move || {
            if next == NONE {
                return None;
            }
            let child = JsonNode { tree, index: next };
            next = child.node().next_sibling;
            Some(child)
        })
    }

    /// As a member of an object, its key.
    fn key(&self) -> Cow<'a, str> {
        let node = self.node();
        let raw = self.span(node.key_start, node.key_end);
        if node.key_escaped {
            Cow::Owned(unescape(raw))
        } else {
            Cow::Borrowed(raw)
        }
    }

    /// Writes this value as JSON text: the same text it was read from, but without whitespace.
    pub fn write(&self, out: &mut String) {
        self.write_members(out, &mut |_, _| false, &mut |_, _| {});
    }

    /// Writes this object (or any value) as JSON text, leaving out the members for which
    /// `leave_out(key, value)` is true and letting `append(key, out)` add members to each object
    /// written (`key`: the member's own key, `""` for this value), after its own. `append` writes
    /// `,"name":value` pairs itself.
    pub fn write_members(
        &self,
        out: &mut String,
        leave_out: &mut dyn FnMut(&[Cow<'a, str>], &str) -> bool,
        append: &mut dyn FnMut(&[Cow<'a, str>], &mut String),
    ) {
        let mut path = Vec::new();
        self.write_at(out, &mut path, leave_out, append);
    }

    fn write_at(
        &self,
        out: &mut String,
        path: &mut Vec<Cow<'a, str>>,
        leave_out: &mut dyn FnMut(&[Cow<'a, str>], &str) -> bool,
        append: &mut dyn FnMut(&[Cow<'a, str>], &mut String),
    ) {
        let node = self.node();
        match node.kind {
            JsonKind::String => {
                out.push('"');
                out.push_str(self.span(node.start, node.end));
                out.push('"');
            }
            JsonKind::Number => out.push_str(self.span(node.start, node.end)),
            JsonKind::Bool => out.push_str(if node.flag { "true" } else { "false" }),
            JsonKind::Array => {
                out.push('[');
                for (i, item) in self.children().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    path.push(Cow::Borrowed(""));
                    item.write_at(out, path, leave_out, append);
                    path.pop();
                }
                out.push(']');
            }
            JsonKind::Object => {
                out.push('{');
                let mut first = true;
                for member in self.children() {
                    let key = member.key();
                    if leave_out(path, &key) {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    let child = member.node();
                    out.push('"');
                    out.push_str(member.span(child.key_start, child.key_end));
                    out.push_str("\":");
                    path.push(key);
                    member.write_at(out, path, leave_out, append);
                    path.pop();
                }
                let before = out.len();
                append(path, out);
                // `append` writes ",name:value" pairs: an object with no member of its own drops the
                // first comma.
                if first && out.len() > before && out.as_bytes().get(before) == Some(&b',') {
                    out.remove(before);
                }
                out.push('}');
            }
            JsonKind::Null | JsonKind::Other => out.push_str("null"),
        }
    }
}

impl<'a> JsonView for JsonNode<'a> {
    fn kind(&self) -> JsonKind {
        self.node().kind
    }

    fn as_bool(&self) -> Option<bool> {
        let node = self.node();
        (node.kind == JsonKind::Bool).then_some(node.flag)
    }

    fn as_f64(&self) -> Option<f64> {
        let node = self.node();
        if node.kind != JsonKind::Number {
            return None;
        }
        let text = self.span(node.start, node.end);
        Some(small_integer(text).unwrap_or_else(|| (self.tree.number)(text)))
    }

    fn as_str(&self) -> Option<Cow<'_, str>> {
        let node = self.node();
        if node.kind != JsonKind::String {
            return None;
        }
        let raw = self.span(node.start, node.end);
        Some(if node.flag { Cow::Owned(unescape(raw)) } else { Cow::Borrowed(raw) })
    }

    fn get(&self, key: &str) -> Option<Self> {
        if self.node().kind != JsonKind::Object {
            return None;
        }
        // The last of repeated keys wins, as in JSON.parse. A key without escapes is its raw text:
        // compared as bytes, lengths first, without making it.
        self.children()
            .filter(|member| {
                let node = member.node();
                if node.key_escaped {
                    member.key() == key
                } else {
                    (node.key_end - node.key_start) as usize == key.len()
                        && member.span(node.key_start, node.key_end) == key
                }
            })
            .last()
    }

    fn members(&self) -> Vec<(Cow<'_, str>, Self)> {
        if self.node().kind != JsonKind::Object {
            return Vec::new();
        }
        let mut members: Vec<(Cow<'_, str>, Self)> = Vec::new();
        let count = self.children().count();
        // Repeated keys: an open-addressing table of indexes into `members`, sized for every member, so
        // that a hostile body with many keys costs linear time.
        let mut table = vec![NONE; (count * 2).next_power_of_two().max(8)];
        let mask = table.len() - 1;
        for member in self.children() {
            let key = member.key();
            let mut slot = fnv1a(key.as_bytes()) & mask;
            loop {
                match table[slot] {
                    NONE => {
                        table[slot] = members.len() as u32;
                        members.push((key, member));
                        break;
                    }
                    at => {
                        let entry = &mut members[at as usize];
                        if entry.0 == key {
                            entry.1 = member;
                            break;
                        }
                    }
                }
                slot = (slot + 1) & mask;
            }
        }
        members
    }

    fn items(&self) -> Vec<Self> {
        if self.node().kind != JsonKind::Array {
            return Vec::new();
        }
        self.children().collect()
    }
}

fn fnv1a(bytes: &[u8]) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in bytes {
        hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    hash as usize
}

/// An integer of at most 15 digits, which every f64 holds exactly: read here, without the `number`
/// hook (most numbers in Graph's JSON are such).
fn small_integer(text: &str) -> Option<f64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value = digits.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) as f64;
    Some(if negative { -value } else { value })
}

/// The text of a string's raw contents with its escapes undone (the parser has checked them).
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = &rest[at + 1..];
        let Some(letter) = escape.as_bytes().first() else { break };
        rest = &escape[1..];
        let simple = match letter {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            _ => {
                let unit = hex4(rest).unwrap_or(0xfffd);
                rest = rest.get(4..).unwrap_or("");
                let c = if (0xd800..0xdc00).contains(&unit) {
                    // A high surrogate pairs with a following `\u` low surrogate.
                    match rest.strip_prefix("\\u").and_then(hex4) {
                        Some(low) if (0xdc00..0xe000).contains(&low) => {
                            rest = rest.get(6..).unwrap_or("");
                            char::from_u32(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00))
                        }
                        _ => None,
                    }
                } else {
                    char::from_u32(unit)
                };
                c.unwrap_or('\u{fffd}')
            }
        };
        out.push(simple);
    }
    out.push_str(rest);
    out
}

fn hex4(text: &str) -> Option<u32> {
    let digits = text.get(..4)?;
    digits.bytes().try_fold(0u32, |n, b| Some(n * 16 + char::from(b).to_digit(16)?))
}

struct Parser<'b> {
    bytes: &'b [u8],
    at: usize,
    nodes: Vec<Node>,
}

impl Parser<'_> {
    // Inlined even at opt-level "z": it is called for every byte.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn push(&mut self, kind: JsonKind, start: usize, end: usize, flag: bool) -> u32 {
        let index = self.nodes.len() as u32;
        self.nodes.push(Node {
            kind,
            start: start as u32,
            end: end as u32,
            flag,
            key_start: 0,
            key_end: 0,
            key_escaped: false,
            first_child: NONE,
            next_sibling: NONE,
        });
        index
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    /// One value; its node's index.
    fn value(&mut self, depth: usize) -> Option<u32> {
        match self.peek()? {
            b'{' => self.container(depth, JsonKind::Object, b'}'),
            b'[' => self.container(depth, JsonKind::Array, b']'),
            b'"' => {
                let (start, end, escaped) = self.string()?;
                Some(self.push(JsonKind::String, start, end, escaped))
            }
            b't' => self.literal(b"true").map(|()| self.push(JsonKind::Bool, 0, 0, true)),
            b'f' => self.literal(b"false").map(|()| self.push(JsonKind::Bool, 0, 0, false)),
            b'n' => self.literal(b"null").map(|()| self.push(JsonKind::Null, 0, 0, false)),
            _ => {
                let start = self.at;
                self.number()?;
                Some(self.push(JsonKind::Number, start, self.at, false))
            }
        }
    }

    fn container(&mut self, depth: usize, kind: JsonKind, close: u8) -> Option<u32> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let index = self.push(kind, 0, 0, false);
        self.at += 1;
        self.whitespace();
        if self.peek() == Some(close) {
            self.at += 1;
            return Some(index);
        }
        let mut last = NONE;
        loop {
            let key = if kind == JsonKind::Object {
                if self.peek() != Some(b'"') {
                    return None;
                }
                let key = self.string()?;
                self.whitespace();
                if self.peek() != Some(b':') {
                    return None;
                }
                self.at += 1;
                self.whitespace();
                Some(key)
            } else {
                None
            };
            let child = self.value(depth + 1)?;
            if let Some((start, end, escaped)) = key {
                let node = &mut self.nodes[child as usize];
                node.key_start = start as u32;
                node.key_end = end as u32;
                node.key_escaped = escaped;
            }
            if last == NONE {
                self.nodes[index as usize].first_child = child;
            } else {
                self.nodes[last as usize].next_sibling = child;
            }
            last = child;
            self.whitespace();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.whitespace();
                }
                b if b == close => {
                    self.at += 1;
                    return Some(index);
                }
                _ => return None,
            }
        }
    }

    /// A string from its opening quote: the span of its raw contents, and whether it has escapes.
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        self.at += 1;
        let start = self.at;
        let mut escaped = false;
        loop {
            // Skip the run of plain characters at once.
            let run = self.bytes.get(self.at..)?.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            self.at += run;
            match self.peek()? {
                b'"' => {
                    let end = self.at;
                    self.at += 1;
                    return Some((start, end, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.at += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 1,
                        b'u' => {
                            let digits = self.bytes.get(self.at + 1..self.at + 5)?;
                            if !digits.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            self.at += 5;
                        }
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => self.at += 1,
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.some_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> f64 {
        text.parse().unwrap_or(f64::NAN)
    }

    #[test]
    fn refuses_what_json_parse_refuses() {
        for text in [
            "",
            " ",
            "{",
            "}",
            "[1,]",
            "{\"a\":1,}",
            "{a:1}",
            "'a'",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "tru",
            "nul",
            "\"a",
            "\"\\x\"",
            "\"\\u12g4\"",
            "\"tab\there\"",
            "[1 2]",
            "{\"a\" 1}",
            "1 2",
            "\u{feff}{}",
            "NaN",
            "Infinity",
        ] {
            assert!(JsonTree::parse(text, number).is_none(), "accepted {text:?}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(JsonTree::parse(&ok, number).is_some());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(JsonTree::parse(&deep, number).is_none());
        // A megabyte of openers ends at the bound, without exhausting the stack.
        assert!(JsonTree::parse(&"[{\"a\":".repeat(200_000), number).is_none());
    }

    #[test]
    fn repeated_keys_read_as_json_parse_reads_them() {
        let tree = JsonTree::parse(r#"{"a":1,"b":2,"\u0061":3}"#, number).unwrap();
        let root = tree.root();
        assert_eq!(root.get("a").and_then(|v| v.as_f64()), Some(3.0));
        let entries: Vec<(String, Option<f64>)> =
            root.members().into_iter().map(|(k, v)| (k.into_owned(), v.as_f64())).collect();
        assert_eq!(entries, [("a".to_owned(), Some(3.0)), ("b".to_owned(), Some(2.0))]);
        // Many keys, many repeats: linear.
        let many: Vec<String> = (0..50_000).map(|i| format!("\"k{}\":{i}", i % 1000)).collect();
        let text = format!("{{{}}}", many.join(","));
        let tree = JsonTree::parse(&text, number).unwrap();
        let root = tree.root();
        let entries = root.members();
        assert_eq!(entries.len(), 1000);
        assert_eq!(entries[7].0, "k7");
        assert_eq!(entries[7].1.as_f64(), Some(49_007.0));
    }

    #[test]
    fn lone_surrogates_read_as_replacement_characters() {
        let tree = JsonTree::parse(r#"["\ud800","\udc00x","\ud800\u0041","\ud83d\ude00"]"#, number).unwrap();
        let items: Vec<String> = tree.root().items().iter().map(|v| v.as_str().unwrap().into_owned()).collect();
        assert_eq!(items, ["\u{fffd}", "\u{fffd}x", "\u{fffd}A", "😀"]);
    }

    #[test]
    fn numbers_beyond_small_integers_go_to_the_hook() {
        let tree = JsonTree::parse("[7,-42,1234567890123456,0.1,1e400]", |_| 99.0).unwrap();
        let values: Vec<f64> = tree.root().items().iter().map(|v| v.as_f64().unwrap()).collect();
        assert_eq!(values, [7.0, -42.0, 99.0, 99.0, 99.0]);
    }

    #[test]
    fn writing_gives_back_the_text_without_whitespace() {
        let text = r#"{"a":"x\"\u00e9","b":[1,2.50,{"c":null}],"d":{},"e":[],"f":true,"g":-1E+2}"#;
        let tree = JsonTree::parse(text, number).unwrap();
        let mut out = String::new();
        tree.root().write(&mut out);
        assert_eq!(out, text);
        let spaced = JsonTree::parse(" { \"a\" : [ 1 , 2 ] } ", number).unwrap();
        let mut out = String::new();
        spaced.root().write(&mut out);
        assert_eq!(out, r#"{"a":[1,2]}"#);
    }

    #[test]
    fn members_are_left_out_and_appended_by_path() {
        let tree =
            JsonTree::parse(r#"{"details":{"x":1},"assignments":{"u1":{},"u2":{"k":1}},"t":"x"}"#, number).unwrap();
        let mut out = String::new();
        tree.root().write_members(&mut out, &mut |path, key| path.is_empty() && key == "details", &mut |path, out| {
            if path.len() == 2 && path[0] == "assignments" {
                out.push_str(",\"added\":true");
            }
        });
        assert_eq!(out, r#"{"assignments":{"u1":{"added":true},"u2":{"k":1,"added":true}},"t":"x"}"#);
    }
}
