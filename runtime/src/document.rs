//! Smithy `document` values: untyped, JSON-like data carried inline in a shape.

use std::collections::BTreeMap;

/// An open-content value of a `document` member: null, a boolean, a number, a string, a
/// list or an object. Integers and floating-point numbers stay distinct, so an integer
/// survives a round trip exactly.
///
/// On the JSON protocols a document is written inline as the JSON value itself.
///
/// ```
/// use awsrt::Document;
/// let doc = Document::object([("foo", Document::from("bar")), ("n", Document::from(1))]);
/// assert_eq!(doc.get("foo").and_then(Document::as_str), Some("bar"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Document {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number written without fraction or exponent that fits an `i64`.
    Integer(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    String(String),
    /// A list of values.
    Array(Vec<Document>),
    /// An object; keys are kept sorted, so encoding is reproducible.
    Object(BTreeMap<String, Document>),
}

impl Document {
    /// An object from key/value pairs (a later duplicate key wins).
    pub fn object<K: Into<String>>(entries: impl IntoIterator<Item = (K, Document)>) -> Self {
        Document::Object(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The member `key`, if this is an object that has one.
    pub fn get(&self, key: &str) -> Option<&Document> {
        match self {
            Document::Object(m) => m.get(key),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Document::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Document::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Document::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The number as an `f64`, if this is a number (integers are widened).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Document::Integer(i) => Some(*i as f64),
            Document::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// True for [`Document::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Document::Null)
    }
}

impl From<bool> for Document {
    fn from(v: bool) -> Self {
        Document::Bool(v)
    }
}

impl From<i32> for Document {
    fn from(v: i32) -> Self {
        Document::Integer(i64::from(v))
    }
}

impl From<i64> for Document {
    fn from(v: i64) -> Self {
        Document::Integer(v)
    }
}

impl From<f64> for Document {
    fn from(v: f64) -> Self {
        Document::Float(v)
    }
}

impl From<&str> for Document {
    fn from(v: &str) -> Self {
        Document::String(v.to_string())
    }
}

impl From<String> for Document {
    fn from(v: String) -> Self {
        Document::String(v)
    }
}

impl From<Vec<Document>> for Document {
    fn from(v: Vec<Document>) -> Self {
        Document::Array(v)
    }
}

impl From<BTreeMap<String, Document>> for Document {
    fn from(v: BTreeMap<String, Document>) -> Self {
        Document::Object(v)
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    //! Hand-written serde support: a document is the plain JSON-like value.

    use std::collections::BTreeMap;
    use std::fmt;

    use serde::de::{MapAccess, SeqAccess, Visitor};
    use serde::ser::{SerializeMap, SerializeSeq};

    use super::Document;

    impl serde::Serialize for Document {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Document::Null => s.serialize_unit(),
                Document::Bool(b) => s.serialize_bool(*b),
                Document::Integer(i) => s.serialize_i64(*i),
                Document::Float(f) => s.serialize_f64(*f),
                Document::String(v) => s.serialize_str(v),
                Document::Array(items) => {
                    let mut seq = s.serialize_seq(Some(items.len()))?;
                    for v in items {
                        seq.serialize_element(v)?;
                    }
                    seq.end()
                }
                Document::Object(m) => {
                    let mut map = s.serialize_map(Some(m.len()))?;
                    for (k, v) in m {
                        map.serialize_entry(k, v)?;
                    }
                    map.end()
                }
            }
        }
    }

    struct DocumentVisitor;

    impl<'de> Visitor<'de> for DocumentVisitor {
        type Value = Document;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON-like value")
        }
        fn visit_unit<E>(self) -> Result<Document, E> {
            Ok(Document::Null)
        }
        fn visit_none<E>(self) -> Result<Document, E> {
            Ok(Document::Null)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Document, D::Error> {
            serde::Deserialize::deserialize(d)
        }
        fn visit_bool<E>(self, v: bool) -> Result<Document, E> {
            Ok(Document::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Document, E> {
            Ok(Document::Integer(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Document, E> {
            Ok(i64::try_from(v).map_or(Document::Float(v as f64), Document::Integer))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Document, E> {
            Ok(Document::Float(v))
        }
        fn visit_str<E>(self, v: &str) -> Result<Document, E> {
            Ok(Document::String(v.to_string()))
        }
        fn visit_string<E>(self, v: String) -> Result<Document, E> {
            Ok(Document::String(v))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Document, A::Error> {
            let mut items = Vec::new();
            while let Some(v) = seq.next_element()? {
                items.push(v);
            }
            Ok(Document::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
            let mut m = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, Document>()? {
                m.insert(k, v);
            }
            Ok(Document::Object(m))
        }
    }

    impl<'de> serde::Deserialize<'de> for Document {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(DocumentVisitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Document;
    use crate::codec::{cbor, json, Decode, DecodeError, Encode, Reader, Writer};

    /// A document alone, as a generated `document` member would write and read it.
    #[derive(Debug, PartialEq)]
    struct Doc(Document);

    impl Encode for Doc {
        fn encode<W: Writer>(&self, w: &mut W) {
            w.document(&self.0);
        }
    }

    impl Decode for Doc {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            r.document().map(Doc)
        }
    }

    fn sample() -> Document {
        Document::object([
            ("null", Document::Null),
            ("t", Document::from(true)),
            ("int", Document::from(-42)),
            ("big", Document::from(i64::MAX)),
            ("float", Document::from(1.5)),
            ("whole float", Document::Float(2.0)),
            ("s", Document::from("h\u{e9}llo \"q\"")),
            (
                "list",
                Document::from(vec![
                    Document::Null,
                    Document::from(1),
                    Document::object([("k", Document::from("v"))]),
                    Document::Array(vec![]),
                ]),
            ),
            ("empty", Document::object::<String>([])),
        ])
    }

    #[test]
    fn round_trips_through_json_keeping_integers_and_floats_apart() {
        let bytes = json::to_vec(&Doc(sample()));
        let back: Doc = json::from_slice(&bytes).unwrap();
        assert_eq!(back.0, sample());
        assert_eq!(back.0.get("int").and_then(Document::as_i64), Some(-42));
        assert_eq!(back.0.get("whole float"), Some(&Document::Float(2.0)));
        assert_eq!(back.0.get("float").and_then(Document::as_f64), Some(1.5));
    }

    #[test]
    fn reads_json_written_by_others() {
        let doc: Doc =
            json::from_slice(br#" {"foo": "bar", "n": [1, 2.5, 1e2, null, true], "x": {}} "#)
                .unwrap();
        let want = Document::object([
            ("foo", Document::from("bar")),
            (
                "n",
                Document::from(vec![
                    Document::Integer(1),
                    Document::Float(2.5),
                    Document::Float(100.0),
                    Document::Null,
                    Document::Bool(true),
                ]),
            ),
            ("x", Document::object::<String>([])),
        ]);
        assert_eq!(doc.0, want);
        // Integers beyond i64 are still numbers.
        let big: Doc = json::from_slice(b"123456789012345678901234567890").unwrap();
        assert_eq!(big.0, Document::Float(123456789012345678901234567890.0));
        assert!(json::from_slice::<Doc>(b"[1,").is_err());
    }

    #[test]
    fn writes_json_inline() {
        let doc = Document::object([("foo", Document::from("bar"))]);
        assert_eq!(json::to_vec(&Doc(doc)), br#"{"foo":"bar"}"#);
    }

    #[test]
    fn round_trips_through_cbor() {
        let bytes = cbor::to_vec(&Doc(sample()));
        let back: Doc = cbor::from_slice(&bytes).unwrap();
        assert_eq!(back.0, sample());
        // Byte strings have no document form.
        assert!(cbor::from_slice::<Doc>(&[0x41, 0x00]).is_err());
        // CBOR undefined reads as null; a u64 beyond i64 as a float.
        assert_eq!(cbor::from_slice::<Doc>(&[0xf7]).unwrap().0, Document::Null);
        let big = [0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(
            cbor::from_slice::<Doc>(&big).unwrap().0,
            Document::Float(u64::MAX as f64)
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(json::from_slice::<Doc>(deep.as_bytes()).is_err());
        let deep = vec![0x81u8; 100_000];
        assert!(cbor::from_slice::<Doc>(&deep).is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_uses_the_plain_value() {
        let text = serde_json::to_string(&sample()).unwrap();
        let back: Document = serde_json::from_str(&text).unwrap();
        assert_eq!(back, sample());
    }
}
