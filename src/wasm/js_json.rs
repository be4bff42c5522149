//! [`JsonView`] over JavaScript values, so that the core's validation and response checks read the
//! task's snapshot and the parsed response in place, without a copy through serde. Both are plain
//! JSON data (made by `JSON.parse`), and every access still goes through [`super::js`].

use std::borrow::Cow;

use wasm_bindgen::prelude::*;

use super::js;
use crate::json::{JsonKind, JsonView};

impl JsonView for JsValue {
    fn kind(&self) -> JsonKind {
        // Most values in a task are strings: ask that first, one JS call each.
        if self.is_string() {
            JsonKind::String
        } else if self.is_null() {
            JsonKind::Null
        } else if self.as_f64().is_some() {
            JsonKind::Number
        } else if self.as_bool().is_some() {
            JsonKind::Bool
        } else if js::is_array(self) {
            JsonKind::Array
        } else if self.is_object() && !self.is_function() {
            JsonKind::Object
        } else {
            JsonKind::Other
        }
    }

    fn as_bool(&self) -> Option<bool> {
        JsValue::as_bool(self)
    }

    fn as_f64(&self) -> Option<f64> {
        JsValue::as_f64(self)
    }

    fn as_str(&self) -> Option<Cow<'_, str>> {
        self.as_string().map(Cow::Owned)
    }

    fn get(&self, key: &str) -> Option<Self> {
        js::get(self, key)
    }

    fn entries(&self) -> Vec<(String, Self)> {
        if self.kind() != JsonKind::Object {
            return Vec::new();
        }
        js::keys(self)
            .into_iter()
            .filter_map(|key| {
                let name = key.as_string()?;
                // JSON.stringify leaves out undefined members, and so does the view. The key is read
                // with the JS string Object.keys gave, not one made again from `name`.
                let value = js::get_by_key(self, &key)?;
                Some((name, value))
            })
            .collect()
    }

    fn items(&self) -> Vec<Self> {
        if js::is_array(self) {
            js::array_items(self)
        } else {
            Vec::new()
        }
    }
}
