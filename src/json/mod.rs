//! A read-only view of a JSON-like tree.
//!
//! Validation and response checks are written once against [`JsonView`], so the same rules run on a
//! `serde_json::Value` (natively, in the emulator and in tests) and on a JavaScript object (in the
//! wasm layer, which implements the trait for `JsValue`). That keeps `serde_json` and a JSON
//! round-trip out of the browser's hot path: the wasm layer inspects the caller's object in place.

use std::borrow::Cow;

mod tree;
pub use tree::{JsonNode, JsonTree, MAX_DEPTH};

/// The kind of a JSON value, plus `Other` for JavaScript values JSON cannot represent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number (always finite in JSON; a JS view may report NaN or infinities).
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object with string keys.
    Object,
    /// Something JSON has no form for (a function, a symbol, a bigint, `undefined`).
    Other,
}

impl JsonKind {
    /// The article-and-noun phrase used in messages ("a string", "an object").
    pub fn describe(self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "a boolean",
            JsonKind::Number => "a number",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
            JsonKind::Other => "a value JSON cannot represent",
        }
    }
}

/// Read access to one node of a JSON-like tree.
pub trait JsonView: Sized {
    /// What kind of value this is.
    fn kind(&self) -> JsonKind;
    /// The boolean, when this is one.
    fn as_bool(&self) -> Option<bool>;
    /// The number, when this is one.
    fn as_f64(&self) -> Option<f64>;
    /// The string, when this is one.
    fn as_str(&self) -> Option<Cow<'_, str>>;
    /// The member `key` of an object; `None` when absent (a JS `undefined` counts as absent).
    fn get(&self, key: &str) -> Option<Self>;
    /// The members of an object in their order (a repeated key once, in its first place, with its last
    /// value, as `JSON.parse` reads it), keys borrowed where the view can lend them; empty for anything
    /// else.
    fn members(&self) -> Vec<(Cow<'_, str>, Self)>;
    /// The items of an array; empty for anything else.
    fn items(&self) -> Vec<Self>;
}

impl JsonView for &serde_json::Value {
    fn kind(&self) -> JsonKind {
        match self {
            serde_json::Value::Null => JsonKind::Null,
            serde_json::Value::Bool(_) => JsonKind::Bool,
            serde_json::Value::Number(_) => JsonKind::Number,
            serde_json::Value::String(_) => JsonKind::String,
            serde_json::Value::Array(_) => JsonKind::Array,
            serde_json::Value::Object(_) => JsonKind::Object,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        serde_json::Value::as_bool(self)
    }

    fn as_f64(&self) -> Option<f64> {
        serde_json::Value::as_f64(self)
    }

    fn as_str(&self) -> Option<Cow<'_, str>> {
        serde_json::Value::as_str(self).map(Cow::Borrowed)
    }

    fn get(&self, key: &str) -> Option<Self> {
        self.as_object().and_then(|map| map.get(key))
    }

    fn members(&self) -> Vec<(Cow<'_, str>, Self)> {
        match self.as_object() {
            Some(map) => map.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), v)).collect(),
            None => Vec::new(),
        }
    }

    fn items(&self) -> Vec<Self> {
        match self.as_array() {
            Some(items) => items.iter().collect(),
            None => Vec::new(),
        }
    }
}

/// The number as an `i64` when it is an integer that fits; `None` for fractions, NaN and huge values.
pub fn as_integer<V: JsonView>(value: &V) -> Option<i64> {
    let n = value.as_f64()?;
    // 2^53 bounds the integers a JS number holds exactly; Graph's Int32 sits far inside it.
    if n.is_finite() && n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 {
        Some(n as i64)
    } else {
        None
    }
}
