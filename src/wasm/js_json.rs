//! [`JsonView`] over JavaScript values, so that the core's validation and response checks read the
//! caller's object and the parsed response in place, without a copy through serde.

use std::borrow::Cow;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::json::{JsonKind, JsonView};

#[wasm_bindgen]
extern "C" {
    // `Object.keys` with `catch`: a Proxy can throw from it, and an uncaught JS exception must not
    // unwind through Rust frames.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(object: &JsValue) -> Result<Array, JsValue>;
}

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
        } else if Array::is_array(self) {
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
        if !self.is_object() {
            return None;
        }
        // A getter may throw: that reads as "absent" rather than escaping.
        let value = Reflect::get(self, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined()).then_some(value)
    }

    fn entries(&self) -> Vec<(String, Self)> {
        if self.kind() != JsonKind::Object {
            return Vec::new();
        }
        let Ok(keys) = object_keys(self) else {
            return Vec::new();
        };
        keys.iter()
            .filter_map(|key| {
                let name = key.as_string()?;
                let value = Reflect::get(self, &key).ok()?;
                // JSON.stringify leaves out undefined members, and so does the view.
                (!value.is_undefined()).then_some((name, value))
            })
            .collect()
    }

    fn items(&self) -> Vec<Self> {
        match self.dyn_ref::<Array>() {
            Some(array) => array.iter().collect(),
            None => Vec::new(),
        }
    }
}

/// A shallow copy of a plain object (`Object.assign({}, value)`).
pub(crate) fn shallow_copy(value: &JsValue) -> Object {
    match value.dyn_ref::<Object>() {
        Some(object) => Object::assign(&Object::new(), object),
        None => Object::new(),
    }
}
