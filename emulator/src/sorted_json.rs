//! JSON text with every object's members in name order, written straight from any `Serialize`:
//! the same bytes as `serde_json::to_value` followed by `to_string` (a `Value`'s objects are sorted
//! maps, so that is how the emulator has always written a task), without building the tree.
//!
//! Every create wrote its task that way, and under the bench the tree (built, written, dropped)
//! was 12% of the emulator's CPU. Here an object's members are written where they belong in the
//! text as they come, each noted with its name and where it lies; when the object ends, members
//! already in name order (maps from a `BTreeMap`) stay as written, and otherwise the object's text
//! is rewritten once, sorted. A name given twice keeps its last value, as a map insert does.
//! Scalars are written by `serde_json` itself.

use serde::ser::{self, Impossible, Serialize};
use serde_json::Error;

/// `value` as `serde_json::to_value(value)?.to_string()` writes it, with a `null` member added to
/// the outermost object for each name of `nulls` it lacks (as `entry(name).or_insert(Null)`).
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T, nulls: &[&str]) -> Result<String, Error> {
    let mut out = Vec::with_capacity(2048);
    value.serialize(Writer { out: &mut out, nulls })?;
    String::from_utf8(out).map_err(ser::Error::custom)
}

/// Writes `value` with `serde_json`.
fn scalar<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    serde_json::to_writer(out, value)
}

/// Whether JSON writes `name` as it is between its quotes.
fn plain(name: &str) -> bool {
    !name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20)
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    /// Names the object being written gets as `null` when it lacks them (the outermost one only).
    nulls: &'a [&'a str],
}

impl<'a> Writer<'a> {
    fn nested(out: &'a mut Vec<u8>) -> Writer<'a> {
        Writer { out, nulls: &[] }
    }

    /// `{"variant": <what follows>}`, closed by the caller.
    fn open_variant(&mut self, variant: &str) -> Result<(), Error> {
        self.out.push(b'{');
        scalar(self.out, variant)?;
        self.out.push(b':');
        Ok(())
    }
}

/// An array being written.
struct Array<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
    /// Inside `{"variant": [...]}`: one more brace to close.
    variant: bool,
}

impl Array<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        value.serialize(Writer::nested(self.out))
    }

    fn close(self) -> Result<(), Error> {
        self.out.push(b']');
        if self.variant {
            self.out.push(b'}');
        }
        Ok(())
    }
}

/// A member's name: where it lies in the text (a name JSON writes as it is), or a copy.
enum Name {
    At(usize, usize),
    Own(String),
}

/// A member written: its name, and where `"name":value` lies in the text.
struct Member {
    name: Name,
    begin: usize,
    end: usize,
}

impl Member {
    /// The name, read from `text` (in which the member's offsets are `base` further on).
    fn name<'t>(&'t self, text: &'t [u8], base: usize) -> &'t [u8] {
        match &self.name {
            Name::At(b, e) => &text[b - base..e - base],
            Name::Own(name) => name.as_bytes(),
        }
    }
}

/// An object being written.
struct Object<'a> {
    out: &'a mut Vec<u8>,
    nulls: &'a [&'a str],
    /// Where its members start (after the `{`).
    start: usize,
    members: Vec<Member>,
    /// A map's key written, waiting for its value: its name and where the member begins.
    key: Option<(Name, usize)>,
    /// Inside `{"variant": {...}}`: one more brace to close.
    variant: bool,
}

impl<'a> Object<'a> {
    fn open(out: &'a mut Vec<u8>, nulls: &'a [&'a str], variant: bool, len: Option<usize>) -> Object<'a> {
        out.push(b'{');
        let start = out.len();
        // A flattened struct (as a task is) gives no length: room for a task's members.
        let members = Vec::with_capacity(len.unwrap_or(40) + nulls.len());
        Object { out, nulls, start, members, key: None, variant }
    }

    /// Writes `,"name":` (no comma first); the name and where the member begins.
    fn write_name(&mut self, name: &str) -> Result<(Name, usize), Error> {
        if !self.members.is_empty() {
            self.out.push(b',');
        }
        let begin = self.out.len();
        scalar(self.out, name)?;
        let name = if plain(name) { Name::At(begin + 1, self.out.len() - 1) } else { Name::Own(name.to_owned()) };
        self.out.push(b':');
        Ok((name, begin))
    }

    fn value<T: Serialize + ?Sized>(&mut self, (name, begin): (Name, usize), value: &T) -> Result<(), Error> {
        value.serialize(Writer::nested(self.out))?;
        self.members.push(Member { name, begin, end: self.out.len() });
        Ok(())
    }

    fn close(mut self) -> Result<(), Error> {
        for name in self.nulls {
            let out = &*self.out;
            if !self.members.iter().any(|m| m.name(out, 0) == name.as_bytes()) {
                let at = self.write_name(name)?;
                self.value(at, &())?;
            }
        }
        let out = &*self.out;
        let in_order = self.members.windows(2).all(|w| w[0].name(out, 0) < w[1].name(out, 0));
        if !in_order {
            // Rewritten once: members by name (stable, so of a name given twice the last comes
            // last, and is the one kept).
            let text = self.out.split_off(self.start);
            let base = self.start;
            // (name, position) pairs: sorted, they keep a repeated name's members in order.
            let mut order: Vec<(&[u8], usize)> = self.members.iter().enumerate().map(|(i, m)| (m.name(&text, base), i)).collect();
            order.sort_unstable();
            let mut first = true;
            for (i, (name, at)) in order.iter().enumerate() {
                if order.get(i + 1).is_some_and(|(next, _)| next == name) {
                    continue;
                }
                if !first {
                    self.out.push(b',');
                }
                first = false;
                let m = &self.members[*at];
                self.out.extend_from_slice(&text[m.begin - base..m.end - base]);
            }
        }
        self.out.push(b'}');
        if self.variant {
            self.out.push(b'}');
        }
        Ok(())
    }
}

impl<'a> ser::Serializer for Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Array<'a>;
    type SerializeTuple = Array<'a>;
    type SerializeTupleStruct = Array<'a>;
    type SerializeTupleVariant = Array<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        scalar(self.out, &v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        scalar(self.out, &v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        scalar(self.out, &v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        scalar(self.out, &v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        scalar(self.out, &v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        // What a Value makes of it (an error past 64 bits), written.
        scalar(self.out, &serde_json::to_value(v)?)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        scalar(self.out, &v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        scalar(self.out, &v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        scalar(self.out, &v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        scalar(self.out, &v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        scalar(self.out, &serde_json::to_value(v)?)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        // Through a Value, as before: it holds the f32 as an f64 (and a NaN as null).
        scalar(self.out, &serde_json::to_value(v)?)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        scalar(self.out, &serde_json::to_value(v)?)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        scalar(self.out, &v)
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        scalar(self.out, v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        // A Value holds bytes as an array of numbers.
        scalar(self.out, v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Error> {
        scalar(self.out, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(mut self, _name: &'static str, _index: u32, variant: &'static str, value: &T) -> Result<(), Error> {
        self.open_variant(variant)?;
        value.serialize(Writer::nested(self.out))?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Array<'a>, Error> {
        self.out.push(b'[');
        Ok(Array { out: self.out, first: true, variant: false })
    }
    fn serialize_tuple(self, len: usize) -> Result<Array<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Array<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(mut self, _name: &'static str, _index: u32, variant: &'static str, _len: usize) -> Result<Array<'a>, Error> {
        self.open_variant(variant)?;
        self.out.push(b'[');
        Ok(Array { out: self.out, first: true, variant: true })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Object<'a>, Error> {
        Ok(Object::open(self.out, self.nulls, false, len))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Object<'a>, Error> {
        Ok(Object::open(self.out, self.nulls, false, Some(len)))
    }
    fn serialize_struct_variant(mut self, _name: &'static str, _index: u32, variant: &'static str, len: usize) -> Result<Object<'a>, Error> {
        self.open_variant(variant)?;
        Ok(Object::open(self.out, &[], true, Some(len)))
    }
}

// serde has one trait per sequence shape; an Array writes each the same way: its items in order.
macro_rules! array_shape {
    ($($shape:ident :: $method:ident),*) => {$(
        impl ser::$shape for Array<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }
            fn end(self) -> Result<(), Error> {
                self.close()
            }
        }
    )*};
}

array_shape!(SerializeSeq::serialize_element, SerializeTuple::serialize_element, SerializeTupleStruct::serialize_field, SerializeTupleVariant::serialize_field);

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let at = key.serialize(KeyWriter { object: self })?;
        self.key = Some(at);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let at = self.key.take().ok_or_else(|| ser::Error::custom("a map value came without its key"))?;
        self.value(at, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

// A struct and a struct variant write their fields the same way: a name, then its value.
macro_rules! struct_shape {
    ($($shape:ident),*) => {$(
        impl ser::$shape for Object<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
                let at = self.write_name(name)?;
                self.value(at, value)
            }
            fn end(self) -> Result<(), Error> {
                self.close()
            }
        }
    )*};
}

struct_shape!(SerializeStruct, SerializeStructVariant);

/// A map key, as a `Value` takes one, written as the member's name. A string (every key the
/// emulator writes) is written as it is; anything else goes to `serde_json`'s own rules for keys
/// (numbers and bools become strings, the rest is an error), through a one-member `Value` map.
struct KeyWriter<'o, 'a> {
    object: &'o mut Object<'a>,
}

fn value_key<T: Serialize + ?Sized>(key: &T) -> Result<String, Error> {
    use ser::SerializeMap as _;
    let mut map = ser::Serializer::serialize_map(serde_json::value::Serializer, Some(1))?;
    map.serialize_key(key)?;
    map.serialize_value(&())?;
    match map.end()? {
        serde_json::Value::Object(object) => object.into_iter().next().map(|(k, _)| k).ok_or_else(key_must_be_a_string),
        _ => Err(key_must_be_a_string()),
    }
}

impl KeyWriter<'_, '_> {
    fn via_value<T: Serialize + ?Sized>(self, key: &T) -> Result<(Name, usize), Error> {
        let name = value_key(key)?;
        self.object.write_name(&name)
    }
}

/// The methods of [`KeyWriter`] that leave the key to [`value_key`].
macro_rules! value_keys {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<(Name, usize), Error> {
            self.via_value(&v)
        })*
    };
}

impl ser::Serializer for KeyWriter<'_, '_> {
    type Ok = (Name, usize);
    type Error = Error;
    type SerializeSeq = Impossible<(Name, usize), Error>;
    type SerializeTuple = Impossible<(Name, usize), Error>;
    type SerializeTupleStruct = Impossible<(Name, usize), Error>;
    type SerializeTupleVariant = Impossible<(Name, usize), Error>;
    type SerializeMap = Impossible<(Name, usize), Error>;
    type SerializeStruct = Impossible<(Name, usize), Error>;
    type SerializeStructVariant = Impossible<(Name, usize), Error>;

    fn serialize_str(self, v: &str) -> Result<(Name, usize), Error> {
        self.object.write_name(v)
    }
    value_keys!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8]),
    );
    fn serialize_none(self) -> Result<(Name, usize), Error> {
        self.via_value(&None::<()>)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(Name, usize), Error> {
        self.via_value(&Some(value))
    }
    fn serialize_unit(self) -> Result<(Name, usize), Error> {
        self.via_value(&())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(Name, usize), Error> {
        self.via_value(&())
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(Name, usize), Error> {
        self.object.write_name(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(Name, usize), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(Name, usize), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(self, _name: &'static str, _index: u32, _variant: &'static str, _len: usize) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(self, _name: &'static str, _index: u32, _variant: &'static str, _len: usize) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    /// What the emulator did before: through a Value.
    fn via_value<T: Serialize>(value: &T, nulls: &[&str]) -> String {
        let mut v = serde_json::to_value(value).unwrap();
        if let Some(object) = v.as_object_mut() {
            for name in nulls {
                object.entry(*name).or_insert(Value::Null);
            }
        }
        serde_json::to_string(&v).unwrap()
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Sample {
        z_last: u8,
        #[serde(rename = "@odata.etag")]
        etag: &'static str,
        alpha: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        nested: Nested,
        list: Vec<Nested>,
        kind: Kind,
        unit: (),
        tuple: (i64, &'static str),
        bytes: &'static [u8],
        keyed: BTreeMap<u32, bool>,
        #[serde(flatten)]
        extra: BTreeMap<String, Value>,
    }

    #[derive(Serialize)]
    struct Nested {
        y: &'static str,
        b: Option<Vec<Kind>>,
        a: Value,
    }

    #[derive(Serialize)]
    enum Kind {
        Unit,
        Newtype(f32),
        Tuple(u8, char),
        Struct { q: i8, c: bool },
    }

    #[test]
    fn the_same_bytes_as_a_value() {
        let sample = Sample {
            z_last: 1,
            etag: "W/\"x\\y\u{1}\"",
            alpha: Some(-0.5e-7),
            skipped: None,
            nested: Nested { y: "é\n", b: Some(vec![Kind::Unit, Kind::Newtype(1.1)]), a: json!({"k": [1, {"z": null, "a": 2.5}], "b": u64::MAX}) },
            list: vec![Nested { y: "", b: None, a: json!([]) }],
            kind: Kind::Struct { q: -3, c: true },
            unit: (),
            tuple: (i64::MIN, "t"),
            bytes: b"ab",
            keyed: BTreeMap::from([(10, true), (9, false)]),
            // A flattened member named like a field: the last given wins, as in a map.
            extra: BTreeMap::from([("zLast".to_owned(), json!("flattened")), ("middle".to_owned(), json!({"d": 1, "c": [Kind::Tuple(2, 'x')]}))]),
        };
        assert_eq!(to_string(&sample, &[]).unwrap(), via_value(&sample, &[]));
        assert_eq!(to_string(&sample, &["zzz", "alpha", "aaa"]).unwrap(), via_value(&sample, &["zzz", "alpha", "aaa"]));
        for v in [json!(null), json!("s"), json!(1.5), json!([{"b": 1, "a": 2}]), json!({}), json!({"é": 1, "e": 2, "E": 3, "": 4})] {
            assert_eq!(to_string(&v, &["x"]).unwrap(), via_value(&v, &["x"]));
        }
        assert_eq!(to_string(&f64::NAN, &[]).unwrap(), "null");
        // Keys that are not strings follow serde_json's rules.
        let keys = (BTreeMap::from([(true, 1)]), BTreeMap::from([('c', 1)]), BTreeMap::from([(-7i64, 1)]));
        assert_eq!(to_string(&keys, &[]).unwrap(), via_value(&keys, &[]));
        assert!(to_string(&BTreeMap::from([(vec![1], 1)]), &[]).is_err());
    }
}
