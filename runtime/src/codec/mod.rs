//! Wire codecs: generated shapes encode into a [`Writer`] and decode from a [`Reader`];
//! each protocol implements the pair once (CBOR, JSON, and awsQuery: a query writer and
//! an XML reader).

pub mod cbor;
pub mod json;
pub mod query;
pub mod xml;

use std::collections::HashMap;
use std::fmt;

use crate::{DateTime, Document};

/// How a timestamp member is written on the wire; `Default` means the protocol's default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampFormat {
    /// The protocol default (CBOR: tag 1 epoch seconds; JSON: epoch seconds).
    Default,
    /// Seconds since the Unix epoch, fractional allowed.
    EpochSeconds,
    /// RFC 3339 / ISO 8601, e.g. `2024-01-02T03:04:05Z`.
    Iso8601,
    /// RFC 7231 IMF-fixdate, e.g. `Tue, 02 Jan 2024 03:04:05 GMT`.
    HttpDate,
}

/// The names of one structure member on each wire.
#[derive(Debug)]
pub struct Field {
    /// The member name (CBOR keys, query and XML default).
    pub name: &'static str,
    /// The JSON key (`jsonName` when the model sets one).
    pub json: &'static str,
    /// The awsQuery key (`locationName` when the model sets one).
    pub query: &'static str,
    /// The XML element name: `locationName`, or for a flattened list whose member has a
    /// `locationName`, that name (botocore `_member_key_name`).
    pub xml: &'static str,
    /// A flattened list or map: its items are repeated elements of the parent (XML) and
    /// its keys drop the `.member`/`.entry` level (query).
    pub flattened: bool,
}

impl Field {
    /// A member whose name is the same on every wire.
    pub const fn new(name: &'static str) -> Self {
        Field {
            name,
            json: name,
            query: name,
            xml: name,
            flattened: false,
        }
    }

    /// A member with a distinct JSON key.
    pub const fn with_json(name: &'static str, json: &'static str) -> Self {
        Field {
            json,
            ..Field::new(name)
        }
    }

    /// This member with awsQuery key `query` and XML element name `xml`.
    pub const fn location(self, query: &'static str, xml: &'static str) -> Self {
        Field { query, xml, ..self }
    }

    /// This member, flattened.
    pub const fn flattened(self) -> Self {
        Field {
            flattened: true,
            ..self
        }
    }
}

/// The XML and query names of a list value (its member's `locationName`, `flattened`).
/// CBOR and JSON ignore it.
#[derive(Debug, PartialEq, Eq)]
pub struct ListMeta {
    /// The member's `locationName`, when the model sets one (else `member`).
    pub member: Option<&'static str>,
    /// Items are repeated under the parent's name instead of `Name.member.N`.
    pub flattened: bool,
}

impl ListMeta {
    /// A list with the default names.
    pub const DEFAULT: ListMeta = ListMeta {
        member: None,
        flattened: false,
    };
}

/// The XML and query names of a map value. CBOR and JSON ignore it.
#[derive(Debug, PartialEq, Eq)]
pub struct MapMeta {
    /// The key's element name (`key` unless the model says otherwise).
    pub key: &'static str,
    /// The value's element name (`value` unless the model says otherwise).
    pub value: &'static str,
    /// Entries are repeated under the parent's name instead of `Name.entry.N`.
    pub flattened: bool,
}

impl MapMeta {
    /// A map with the default names.
    pub const DEFAULT: MapMeta = MapMeta {
        key: "key",
        value: "value",
        flattened: false,
    };
}

/// A value that could not be decoded from a response body.
///
/// One pointer wide: every reader method returns `Result<_, DecodeError>`, and a small
/// error type keeps those results in registers on the hot (successful) path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(Box<DecodeErrorInner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct DecodeErrorInner {
    message: String,
    offset: Option<usize>,
}

impl DecodeError {
    /// A decode error with a message.
    #[cold]
    pub fn new(message: impl Into<String>) -> Self {
        DecodeError(Box::new(DecodeErrorInner {
            message: message.into(),
            offset: None,
        }))
    }

    /// A decode error at a byte offset of the input.
    #[cold]
    pub fn at(offset: usize, message: impl Into<String>) -> Self {
        DecodeError(Box::new(DecodeErrorInner {
            message: message.into(),
            offset: Some(offset),
        }))
    }

    /// An error for a required member the response did not carry.
    pub fn missing(shape: &str, member: &str) -> Self {
        DecodeError::new(format!("required member {shape}.{member} is missing"))
    }

    /// The byte offset where decoding failed, when known.
    pub fn offset(&self) -> Option<usize> {
        self.0.offset
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.offset {
            Some(o) => write!(f, "{} at byte {o}", self.0.message),
            None => f.write_str(&self.0.message),
        }
    }
}

impl std::error::Error for DecodeError {}

/// A sink for one serialized value tree. Calls arrive in document order; structures and
/// maps alternate key calls ([`Writer::field`], [`Writer::map_key`]) with value calls.
pub trait Writer {
    /// Starts a structure.
    fn begin_struct(&mut self);
    /// Names the member whose value comes next.
    fn field(&mut self, field: &'static Field);
    /// Ends the current structure.
    fn end_struct(&mut self);
    /// Starts a list of `len` items.
    fn begin_list(&mut self, len: usize);
    /// Starts a list of `len` items with its XML/query names; codecs without names
    /// (CBOR, JSON) keep this default.
    fn begin_list_as(&mut self, len: usize, meta: &'static ListMeta) {
        let _ = meta;
        self.begin_list(len);
    }
    /// Ends the current list.
    fn end_list(&mut self);
    /// Starts a map of `len` entries.
    fn begin_map(&mut self, len: usize);
    /// Starts a map of `len` entries with its XML/query names; codecs without names
    /// (CBOR, JSON) keep this default.
    fn begin_map_as(&mut self, len: usize, meta: &'static MapMeta) {
        let _ = meta;
        self.begin_map(len);
    }
    /// The key of the map entry whose value comes next.
    fn map_key(&mut self, key: &str);
    /// Ends the current map.
    fn end_map(&mut self);
    /// A string.
    fn string(&mut self, v: &str);
    /// A boolean.
    fn boolean(&mut self, v: bool);
    /// Any integer shape (byte, short, integer, long).
    fn integer(&mut self, v: i64);
    /// A `float` shape.
    fn float32(&mut self, v: f32);
    /// A `double` shape.
    fn float64(&mut self, v: f64);
    /// A timestamp in the member's format.
    fn timestamp(&mut self, v: &DateTime, format: TimestampFormat);
    /// A blob.
    fn blob(&mut self, v: &[u8]);
    /// An explicit null (sparse lists, sparse maps and documents).
    fn null(&mut self);

    /// A `document` value, written with the methods above: objects as maps, numbers as
    /// integers or doubles.
    fn document(&mut self, v: &Document) {
        match v {
            Document::Null => self.null(),
            Document::Bool(b) => self.boolean(*b),
            Document::Integer(i) => self.integer(*i),
            Document::Float(f) => self.float64(*f),
            Document::String(s) => self.string(s),
            Document::Array(items) => {
                self.begin_list(items.len());
                for item in items {
                    self.document(item);
                }
                self.end_list();
            }
            Document::Object(members) => {
                self.begin_map(members.len());
                for (k, item) in members {
                    self.map_key(k);
                    self.document(item);
                }
                self.end_map();
            }
        }
    }
}

/// The kind of the next value of a [`Reader`], for reading untyped `document` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A null (or CBOR undefined).
    Null,
    /// A boolean.
    Bool,
    /// An integer that fits an `i64`.
    Integer,
    /// Any other number.
    Float,
    /// A string.
    String,
    /// A list.
    List,
    /// A map or object.
    Map,
}

/// A member key of a union, as read by [`Reader::next_union_member`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnionMember {
    /// The index of a known member in the union's fields; its value comes next.
    Known(usize),
    /// A member this version does not know, by its wire name; its value was skipped.
    Unknown(String),
}

/// A pull parser over one response body.
///
/// Structures skip unknown keys and null values by themselves, so generated decoders
/// only see the members they know.
pub trait Reader {
    /// Enters a structure (a CBOR map or JSON object).
    fn begin_struct(&mut self) -> Result<(), DecodeError>;
    /// Moves to the next known member with a non-null value and returns its index in
    /// `fields`; returns `None` after the structure's end has been consumed.
    fn next_field(&mut self, fields: &'static [Field]) -> Result<Option<usize>, DecodeError>;
    /// Enters a list.
    fn begin_list(&mut self) -> Result<(), DecodeError>;
    /// True when another item follows; false after the list's end has been consumed.
    fn next_item(&mut self) -> Result<bool, DecodeError>;
    /// Enters a map.
    fn begin_map(&mut self) -> Result<(), DecodeError>;
    /// Enters a map whose entries use the XML names of `meta`; codecs without names
    /// (CBOR, JSON) keep this default.
    fn begin_map_as(&mut self, meta: &'static MapMeta) -> Result<(), DecodeError> {
        let _ = meta;
        self.begin_map()
    }
    /// The next entry's key, or `None` after the map's end has been consumed.
    fn next_key(&mut self) -> Result<Option<String>, DecodeError>;
    /// Consumes a null (or CBOR undefined) if one is next; true if it did.
    fn null(&mut self) -> Result<bool, DecodeError>;
    /// A string.
    fn string(&mut self) -> Result<String, DecodeError>;
    /// How many items the list just entered declares, when the wire says (CBOR definite
    /// arrays); 0 when unknown. Only a capacity hint.
    fn len_hint(&self) -> usize {
        0
    }
    /// An enum value: the string is handed to `f`, borrowed where the wire allows, so
    /// known values are matched without allocating.
    fn enum_value<T>(&mut self, f: impl FnOnce(&str) -> T) -> Result<T, DecodeError> {
        self.string().map(|s| f(&s))
    }
    /// A boolean.
    fn boolean(&mut self) -> Result<bool, DecodeError>;
    /// An integer that fits an i64.
    fn integer(&mut self) -> Result<i64, DecodeError>;
    /// A floating-point number (integers are accepted too).
    fn float(&mut self) -> Result<f64, DecodeError>;
    /// A timestamp in the member's format.
    fn timestamp(&mut self, format: TimestampFormat) -> Result<DateTime, DecodeError>;
    /// A blob.
    fn blob(&mut self) -> Result<Vec<u8>, DecodeError>;
    /// Skips one value of any type.
    fn skip(&mut self) -> Result<(), DecodeError>;

    /// An integer that fits an i32.
    fn integer32(&mut self) -> Result<i32, DecodeError> {
        let v = self.integer()?;
        i32::try_from(v).map_err(|_| DecodeError::new(format!("integer {v} out of range")))
    }

    /// Like [`Reader::next_field`], for union shapes: members this version does not know
    /// are reported by name (their value skipped) instead of passing silently, so the
    /// union can decode as its `Unknown` variant. Null members are skipped, and so is the
    /// awsJson `__type` key. The default, for codecs that cannot tell, is `next_field`.
    fn next_union_member(
        &mut self,
        fields: &'static [Field],
    ) -> Result<Option<UnionMember>, DecodeError> {
        Ok(self.next_field(fields)?.map(UnionMember::Known))
    }

    /// The kind of the next value, without consuming it. Codecs that cannot carry
    /// `document` values keep this default, which fails.
    fn peek_kind(&mut self) -> Result<ValueKind, DecodeError> {
        Err(DecodeError::new(
            "document values are not supported by this protocol",
        ))
    }

    /// A `document` value of any shape (nulls inside lists and objects are kept).
    fn document(&mut self) -> Result<Document, DecodeError> {
        Ok(match self.peek_kind()? {
            ValueKind::Null => {
                self.null()?;
                Document::Null
            }
            ValueKind::Bool => Document::Bool(self.boolean()?),
            ValueKind::Integer => Document::Integer(self.integer()?),
            ValueKind::Float => Document::Float(self.float()?),
            ValueKind::String => Document::String(self.string()?),
            ValueKind::List => {
                self.begin_list()?;
                let mut items = Vec::new();
                while self.next_item()? {
                    items.push(self.document()?);
                }
                Document::Array(items)
            }
            ValueKind::Map => {
                self.begin_map()?;
                let mut members = std::collections::BTreeMap::new();
                while let Some(k) = self.next_key()? {
                    let v = self.document()?;
                    members.insert(k, v);
                }
                Document::Object(members)
            }
        })
    }
}

/// A shape that can be written to any wire.
pub trait Encode {
    /// Writes this value.
    fn encode<W: Writer>(&self, w: &mut W);
}

/// A shape that can be read from any wire.
pub trait Decode: Sized {
    /// Reads one value.
    fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError>;
}

/// Reads a list, dropping null items (non-sparse lists).
pub fn decode_list<R: Reader, T>(
    r: &mut R,
    mut item: impl FnMut(&mut R) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    r.begin_list()?;
    // The declared count is bounded by the input length, and capped here, so a hostile
    // count cannot reserve much.
    let mut out = Vec::with_capacity(r.len_hint().min(4096));
    while r.next_item()? {
        if !r.null()? {
            // Not `out.push(item(r)?)`: that moves each item once more on its way into
            // the vector (a `memcpy` of the whole structure per item).
            match item(r) {
                Ok(v) => out.push(v),
                Err(e) => return Err(e),
            }
        }
    }
    Ok(out)
}

/// Reads a map, dropping null values (non-sparse maps).
pub fn decode_map<R: Reader, T>(
    r: &mut R,
    value: impl FnMut(&mut R) -> Result<T, DecodeError>,
) -> Result<HashMap<String, T>, DecodeError> {
    decode_map_as(r, &MapMeta::DEFAULT, value)
}

/// Reads a map whose entries use the XML names of `meta`, dropping null values.
pub fn decode_map_as<R: Reader, T>(
    r: &mut R,
    meta: &'static MapMeta,
    mut value: impl FnMut(&mut R) -> Result<T, DecodeError>,
) -> Result<HashMap<String, T>, DecodeError> {
    r.begin_map_as(meta)?;
    let mut out = HashMap::new();
    while let Some(k) = r.next_key()? {
        if !r.null()? {
            out.insert(k, value(r)?);
        }
    }
    Ok(out)
}

/// Writes a list, one item at a time.
pub fn encode_list<W: Writer, T>(w: &mut W, items: &[T], item: impl FnMut(&mut W, &T)) {
    encode_list_as(w, &ListMeta::DEFAULT, items, item)
}

/// Writes a list with its XML/query names.
pub fn encode_list_as<W: Writer, T>(
    w: &mut W,
    meta: &'static ListMeta,
    items: &[T],
    mut item: impl FnMut(&mut W, &T),
) {
    w.begin_list_as(items.len(), meta);
    for v in items {
        item(w, v);
    }
    w.end_list();
}

/// Writes a map with its keys sorted, so request bodies are reproducible.
pub fn encode_map<W: Writer, T>(
    w: &mut W,
    map: &HashMap<String, T>,
    value: impl FnMut(&mut W, &T),
) {
    encode_map_as(w, &MapMeta::DEFAULT, map, value)
}

/// Writes a map with its XML/query names, keys sorted.
pub fn encode_map_as<W: Writer, T>(
    w: &mut W,
    meta: &'static MapMeta,
    map: &HashMap<String, T>,
    mut value: impl FnMut(&mut W, &T),
) {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_unstable();
    w.begin_map_as(keys.len(), meta);
    for k in keys {
        w.map_key(k);
        value(w, &map[k]);
    }
    w.end_map();
}

/// Reads a sparse list: null items are kept as `None`.
pub fn decode_sparse_list<R: Reader, T>(
    r: &mut R,
    mut item: impl FnMut(&mut R) -> Result<T, DecodeError>,
) -> Result<Vec<Option<T>>, DecodeError> {
    r.begin_list()?;
    let mut out = Vec::new();
    while r.next_item()? {
        out.push(if r.null()? { None } else { Some(item(r)?) });
    }
    Ok(out)
}

/// Reads a sparse map: null values are kept as `None`.
pub fn decode_sparse_map<R: Reader, T>(
    r: &mut R,
    value: impl FnMut(&mut R) -> Result<T, DecodeError>,
) -> Result<HashMap<String, Option<T>>, DecodeError> {
    decode_sparse_map_as(r, &MapMeta::DEFAULT, value)
}

/// Reads a sparse map whose entries use the XML names of `meta`.
pub fn decode_sparse_map_as<R: Reader, T>(
    r: &mut R,
    meta: &'static MapMeta,
    mut value: impl FnMut(&mut R) -> Result<T, DecodeError>,
) -> Result<HashMap<String, Option<T>>, DecodeError> {
    r.begin_map_as(meta)?;
    let mut out = HashMap::new();
    while let Some(k) = r.next_key()? {
        let v = if r.null()? { None } else { Some(value(r)?) };
        out.insert(k, v);
    }
    Ok(out)
}

/// Narrows a decoded integer to a `byte` or `short` member, failing when it does not fit.
pub fn narrow<T: TryFrom<i64>>(v: i64) -> Result<T, DecodeError> {
    T::try_from(v).map_err(|_| DecodeError::new(format!("integer {v} out of range")))
}

/// A random UUID v4 for an unset idempotency-token member (botocore
/// `generate_idempotent_uuid`); encoded once per call, so retries reuse it.
pub fn idempotency_token() -> String {
    crate::uuid_v4()
}

/// Whether a key read from the wire is `name`, compared without a call to `memcmp` for
/// the short keys that member names are: the lengths first, then up to 16 bytes as two
/// overlapping words.
#[inline(always)]
pub(crate) fn key_eq(key: &[u8], name: &[u8]) -> bool {
    let n = key.len();
    if n != name.len() {
        return false;
    }
    let word = |b: &[u8], at: usize| -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let half = |b: &[u8], at: usize| -> u32 {
        let mut w = [0u8; 4];
        w.copy_from_slice(&b[at..at + 4]);
        u32::from_le_bytes(w)
    };
    match n {
        8..=16 => word(key, 0) == word(name, 0) && word(key, n - 8) == word(name, n - 8),
        4..=7 => half(key, 0) == half(name, 0) && half(key, n - 4) == half(name, n - 4),
        _ => key == name,
    }
}

#[cfg(test)]
mod key_eq_tests {
    #[test]
    fn key_eq_agrees_with_slice_equality() {
        let names: Vec<String> = (0..40)
            .map(|n| (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect())
            .collect();
        for a in &names {
            for b in &names {
                assert_eq!(super::key_eq(a.as_bytes(), b.as_bytes()), a == b);
            }
            // One byte changed anywhere makes them differ.
            for at in 0..a.len() {
                let mut c = a.clone().into_bytes();
                c[at] = b'#';
                assert!(!super::key_eq(&c, a.as_bytes()), "{a} at {at}");
                assert!(super::key_eq(&c, &c));
            }
        }
    }
}

#[cfg(test)]
mod union_tests {
    use super::{cbor, json, Field, Reader, UnionMember};

    const FIELDS: &[Field] = &[Field::new("a"), Field::with_json("b", "B")];

    fn members<R: Reader>(r: &mut R) -> Vec<UnionMember> {
        let mut out = Vec::new();
        r.begin_struct().unwrap();
        while let Some(m) = r.next_union_member(FIELDS).unwrap() {
            if let UnionMember::Known(_) = m {
                r.skip().unwrap();
            }
            out.push(m);
        }
        out
    }

    #[test]
    fn json_reports_unknown_members_and_skips_type_and_nulls() {
        let body =
            br#"{"__type": "ns#U", "a": null, "B": 1, "zz": {"deep": [1, {"x": null}]}, "a": "s"}"#;
        let mut r = json::JsonReader::new(body);
        assert_eq!(
            members(&mut r),
            [
                UnionMember::Known(1),
                UnionMember::Unknown("zz".into()),
                UnionMember::Known(0)
            ]
        );
        r.finish().unwrap();
    }

    #[test]
    fn cbor_reports_unknown_members_and_skips_nulls() {
        // {"a": null, "b": 1, "zz": [1]}
        let body = [
            0xa3, 0x61, b'a', 0xf6, 0x61, b'b', 0x01, 0x62, b'z', b'z', 0x81, 0x01,
        ];
        let mut r = cbor::CborReader::new(&body);
        assert_eq!(
            members(&mut r),
            [UnionMember::Known(1), UnionMember::Unknown("zz".into())]
        );
        assert_eq!(r.position(), body.len());
    }
}
