//! Wire codecs: generated shapes encode into a [`Writer`] and decode from a [`Reader`];
//! each protocol implements the pair once (CBOR, JSON, and awsQuery: a query writer and
//! an XML reader).

pub mod cbor;
pub mod json;
pub mod query;
pub mod xml;
#[cfg(feature = "server")]
pub mod xml_write;

use crate::Map;
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
    /// A required member was missing (a server answers a validation error, not a
    /// serialization one).
    missing: bool,
}

impl DecodeError {
    /// A decode error with a message.
    #[cold]
    pub fn new(message: impl Into<String>) -> Self {
        DecodeError(Box::new(DecodeErrorInner {
            message: message.into(),
            offset: None,
            missing: false,
        }))
    }

    /// A decode error at a byte offset of the input.
    #[cold]
    pub fn at(offset: usize, message: impl Into<String>) -> Self {
        DecodeError(Box::new(DecodeErrorInner {
            message: message.into(),
            offset: Some(offset),
            missing: false,
        }))
    }

    /// An error for a required member the response did not carry.
    pub fn missing(shape: &str, member: &str) -> Self {
        let mut e = DecodeError::new(format!("required member {shape}.{member} is missing"));
        e.0.missing = true;
        e
    }

    /// True for [`DecodeError::missing`]: the body was well formed but lacked a
    /// required member.
    pub fn is_missing_member(&self) -> bool {
        self.0.missing
    }

    /// The byte offset where decoding failed, when known.
    pub fn offset(&self) -> Option<usize> {
        self.0.offset
    }

    /// What was wrong, without the offset.
    pub(crate) fn message(&self) -> &str {
        &self.0.message
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

    /// Whether a required member missing from the body gets its type's zero value
    /// (Smithy's client error correction) rather than failing the decode. True for
    /// responses, which the AWS CLI prints whatever they lack; [`Strict`] turns it off
    /// for inputs, which a server or the CLI reads from what a user wrote.
    fn error_correction(&self) -> bool {
        true
    }

    /// The value of a required member: `value` when the body had it, else its zero
    /// value (or, without [`Reader::error_correction`], an error naming the member).
    #[inline]
    fn required<T: ZeroValue>(
        &self,
        value: Option<T>,
        shape: &str,
        member: &str,
    ) -> Result<T, DecodeError> {
        match value {
            Some(v) => Ok(v),
            None if self.error_correction() => Ok(T::zero_value()),
            None => Err(DecodeError::missing(shape, member)),
        }
    }

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

/// The value a missing required member of a response decodes as (Smithy "client error
/// correction"): empty strings, lists, maps and blobs, zero, false, the epoch, a null
/// document, `Unknown("")` for enums and unions, and structures of zero values.
///
/// Implemented by the runtime for primitive types and emitted by codegen for the
/// structures and enums that some required member holds; not meant for users.
#[doc(hidden)]
pub trait ZeroValue {
    /// The zero value.
    fn zero_value() -> Self;
}

macro_rules! zero_value {
    ($($t:ty => $v:expr),* $(,)?) => {
        $(impl ZeroValue for $t {
            #[inline]
            fn zero_value() -> Self {
                $v
            }
        })*
    };
}

zero_value! {
    String => String::new(),
    bool => false,
    i8 => 0,
    i16 => 0,
    i32 => 0,
    i64 => 0,
    f32 => 0.0,
    f64 => 0.0,
    DateTime => DateTime::from_secs(0),
    Document => Document::Null,
}

// No bound on the item type: an empty list or map needs no item.
impl<T> ZeroValue for Vec<T> {
    #[inline]
    fn zero_value() -> Self {
        Vec::new()
    }
}

impl<T> ZeroValue for Map<T> {
    #[inline]
    fn zero_value() -> Self {
        Map::new()
    }
}

impl<T: ZeroValue> ZeroValue for Box<T> {
    #[inline]
    fn zero_value() -> Self {
        Box::new(T::zero_value())
    }
}

/// A reader that fails on a missing required member instead of correcting it, for
/// decoding inputs (what a user or client wrote) with the same `Decode` impls as outputs.
/// Every other method is the wrapped reader's.
#[derive(Debug)]
pub struct Strict<R>(pub R);

impl<R: Reader> Reader for Strict<R> {
    fn error_correction(&self) -> bool {
        false
    }
    #[inline]
    fn begin_struct(&mut self) -> Result<(), DecodeError> {
        self.0.begin_struct()
    }
    #[inline]
    fn next_field(&mut self, fields: &'static [Field]) -> Result<Option<usize>, DecodeError> {
        self.0.next_field(fields)
    }
    #[inline]
    fn begin_list(&mut self) -> Result<(), DecodeError> {
        self.0.begin_list()
    }
    #[inline]
    fn next_item(&mut self) -> Result<bool, DecodeError> {
        self.0.next_item()
    }
    #[inline]
    fn begin_map(&mut self) -> Result<(), DecodeError> {
        self.0.begin_map()
    }
    #[inline]
    fn begin_map_as(&mut self, meta: &'static MapMeta) -> Result<(), DecodeError> {
        self.0.begin_map_as(meta)
    }
    #[inline]
    fn next_key(&mut self) -> Result<Option<String>, DecodeError> {
        self.0.next_key()
    }
    #[inline]
    fn null(&mut self) -> Result<bool, DecodeError> {
        self.0.null()
    }
    #[inline]
    fn string(&mut self) -> Result<String, DecodeError> {
        self.0.string()
    }
    #[inline]
    fn len_hint(&self) -> usize {
        self.0.len_hint()
    }
    #[inline]
    fn enum_value<T>(&mut self, f: impl FnOnce(&str) -> T) -> Result<T, DecodeError> {
        self.0.enum_value(f)
    }
    #[inline]
    fn boolean(&mut self) -> Result<bool, DecodeError> {
        self.0.boolean()
    }
    #[inline]
    fn integer(&mut self) -> Result<i64, DecodeError> {
        self.0.integer()
    }
    #[inline]
    fn float(&mut self) -> Result<f64, DecodeError> {
        self.0.float()
    }
    #[inline]
    fn timestamp(&mut self, format: TimestampFormat) -> Result<DateTime, DecodeError> {
        self.0.timestamp(format)
    }
    #[inline]
    fn blob(&mut self) -> Result<Vec<u8>, DecodeError> {
        self.0.blob()
    }
    #[inline]
    fn skip(&mut self) -> Result<(), DecodeError> {
        self.0.skip()
    }
    #[inline]
    fn integer32(&mut self) -> Result<i32, DecodeError> {
        self.0.integer32()
    }
    #[inline]
    fn next_union_member(
        &mut self,
        fields: &'static [Field],
    ) -> Result<Option<UnionMember>, DecodeError> {
        self.0.next_union_member(fields)
    }
    #[inline]
    fn peek_kind(&mut self) -> Result<ValueKind, DecodeError> {
        self.0.peek_kind()
    }
    #[inline]
    fn document(&mut self) -> Result<Document, DecodeError> {
        self.0.document()
    }
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

/// Reads a map in document order, dropping null values (non-sparse maps). A repeated
/// key keeps its first position and its last value, as a Python dict does.
pub fn decode_map<R: Reader, T>(
    r: &mut R,
    value: impl FnMut(&mut R) -> Result<T, DecodeError>,
) -> Result<Map<T>, DecodeError> {
    decode_map_as(r, &MapMeta::DEFAULT, value)
}

/// Reads a map whose entries use the XML names of `meta`, dropping null values.
pub fn decode_map_as<R: Reader, T>(
    r: &mut R,
    meta: &'static MapMeta,
    mut value: impl FnMut(&mut R) -> Result<T, DecodeError>,
) -> Result<Map<T>, DecodeError> {
    r.begin_map_as(meta)?;
    let mut out = Map::new();
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

/// Writes a map in its entries' order (insertion order, as botocore writes a dict).
pub fn encode_map<W: Writer, T>(w: &mut W, map: &Map<T>, value: impl FnMut(&mut W, &T)) {
    encode_map_as(w, &MapMeta::DEFAULT, map, value)
}

/// Writes a map with its XML/query names, in its entries' order.
pub fn encode_map_as<W: Writer, T>(
    w: &mut W,
    meta: &'static MapMeta,
    map: &Map<T>,
    mut value: impl FnMut(&mut W, &T),
) {
    w.begin_map_as(map.len(), meta);
    for (k, v) in map {
        w.map_key(k);
        value(w, v);
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
) -> Result<Map<Option<T>>, DecodeError> {
    decode_sparse_map_as(r, &MapMeta::DEFAULT, value)
}

/// Reads a sparse map whose entries use the XML names of `meta`.
pub fn decode_sparse_map_as<R: Reader, T>(
    r: &mut R,
    meta: &'static MapMeta,
    mut value: impl FnMut(&mut R) -> Result<T, DecodeError>,
) -> Result<Map<Option<T>>, DecodeError> {
    r.begin_map_as(meta)?;
    let mut out = Map::new();
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

#[cfg(test)]
mod float_tests {
    //! Every f64 survives each codec unchanged: written and read back, and read from the
    //! shortest text or integer form another SDK may send.
    use super::query::QueryWriter;
    use super::{cbor, json, xml, Field, Reader, Writer};

    /// Values where a sloppy parser or printer rounds wrongly: subnormals, the largest
    /// double, integers past 2^53, and decimal strings that sit near a rounding boundary.
    pub(crate) const HARD: &[&str] = &[
        "2.5e-308",
        "5e-324",
        "4.9406564584124654e-324",
        "2.2250738585072009e-308",
        "2.2250738585072014e-308",
        "9007199254740993",
        "9007199254740994",
        "-9007199254740994",
        "1e23",
        "8.98846567431158e307",
        "1.7976931348623157e308",
        "-1.7976931348623157e308",
        "0.1",
        "123456789012345.67",
        "-0.0",
    ];

    fn want(text: &str) -> f64 {
        text.parse().expect("a float literal")
    }

    #[test]
    fn json_writes_and_reads_every_double_exactly() {
        for text in HARD {
            let v = want(text);
            let mut w = json::JsonWriter::new();
            w.float64(v);
            let bytes = w.into_bytes();
            let got = json::JsonReader::new(&bytes).float().unwrap();
            assert_eq!(got.to_bits(), v.to_bits(), "{text} sent as {bytes:?}");
            let got = json::JsonReader::new(text.as_bytes()).float().unwrap();
            assert_eq!(got.to_bits(), v.to_bits(), "{text} read");
            let doc = json::decode_value(text.as_bytes()).unwrap();
            assert_eq!(doc.as_f64().map(f64::to_bits), Some(v.to_bits()), "{text}");
        }
    }

    #[test]
    fn cbor_writes_and_reads_every_double_exactly() {
        for text in HARD {
            let v = want(text);
            let mut w = cbor::CborWriter::new();
            w.float64(v);
            let bytes = w.into_bytes();
            let got = cbor::CborReader::new(&bytes).float().unwrap();
            assert_eq!(got.to_bits(), v.to_bits(), "{text}");
            // Another encoder may send an integral double as a CBOR integer.
            if let Ok(i) = text.parse::<i64>() {
                let mut w = cbor::CborWriter::new();
                w.integer(i);
                let bytes = w.into_bytes();
                let got = cbor::CborReader::new(&bytes).float().unwrap();
                assert_eq!(got.to_bits(), (i as f64).to_bits(), "{text} as an integer");
            }
        }
        // Integers beyond the i64 range, in both directions (major types 0 and 1).
        for (bytes, v) in [
            (
                [0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                u64::MAX as f64,
            ),
            ([0x3b, 0x00, 0x20, 0, 0, 0, 0, 0, 0x01], -9007199254740994.0),
            (
                [0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                -18446744073709551616.0,
            ),
        ] {
            let got = cbor::CborReader::new(&bytes).float().unwrap();
            assert_eq!(got.to_bits(), f64::to_bits(v), "{bytes:02x?}");
        }
    }

    #[test]
    fn query_writes_and_xml_reads_every_double_exactly() {
        for text in HARD {
            let v = want(text);
            static F: Field = Field::new("V");
            let mut w = QueryWriter::new("A", "1");
            w.begin_struct();
            w.field(&F);
            w.float64(v);
            w.end_struct();
            let body = w.finish();
            let sent = body
                .rsplit('=')
                .next()
                .unwrap_or_default()
                .replace("%2B", "+");
            assert_eq!(want(&sent).to_bits(), v.to_bits(), "{text} sent as {body}");
            for text in [text.to_string(), sent] {
                let el = xml::Element::parse(format!("<V>{text}</V>").as_bytes()).unwrap();
                let got = xml::XmlReader::new(&el).float().unwrap();
                assert_eq!(got.to_bits(), v.to_bits(), "{text} read from XML");
            }
        }
    }
}

#[cfg(test)]
mod error_correction_tests {
    //! A missing required member of a response decodes as its type's zero value, on every
    //! codec; through [`Strict`] it is an error. The shapes are written the way codegen
    //! emits them.
    use crate::Map;

    use super::xml::{Element, XmlReader};
    use super::{cbor, json, Decode, DecodeError, Field, Reader, Strict, ZeroValue};
    use crate::{DateTime, Document};

    #[derive(Debug, PartialEq)]
    enum Color {
        Red,
        Unknown(String),
    }

    impl ZeroValue for Color {
        fn zero_value() -> Self {
            Color::Unknown(String::new())
        }
    }

    #[derive(Debug, PartialEq)]
    struct Inner {
        id: String,
        note: Option<String>,
    }

    impl ZeroValue for Inner {
        fn zero_value() -> Self {
            Inner {
                id: ZeroValue::zero_value(),
                note: None,
            }
        }
    }

    const INNER: &[Field] = &[Field::new("Id"), Field::new("Note")];

    impl Decode for Inner {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            let (mut id, mut note) = (None, None);
            r.begin_struct()?;
            while let Some(i) = r.next_field(INNER)? {
                match i {
                    0 => id = Some(r.string()?),
                    1 => note = Some(r.string()?),
                    _ => r.skip()?,
                }
            }
            Ok(Inner {
                id: r.required(id, "Inner", "Id")?,
                note,
            })
        }
    }

    /// One required member of each type.
    #[derive(Debug, PartialEq)]
    struct All {
        s: String,
        list: Vec<String>,
        map: Map<i32>,
        int: i32,
        long: i64,
        float: f32,
        double: f64,
        flag: bool,
        when: DateTime,
        color: Color,
        inner: Inner,
        boxed: Box<Inner>,
        blob: Vec<u8>,
        doc: Document,
    }

    const ALL: &[Field] = &[
        Field::new("S"),
        Field::new("List"),
        Field::new("Map"),
        Field::new("Int"),
        Field::new("Long"),
        Field::new("Float"),
        Field::new("Double"),
        Field::new("Flag"),
        Field::new("When"),
        Field::new("Color"),
        Field::new("Inner"),
        Field::new("Boxed"),
        Field::new("Blob"),
        Field::new("Doc"),
    ];

    impl Decode for All {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            let (mut s, mut list, mut map, mut int, mut long) = (None, None, None, None, None);
            let (mut float, mut double, mut flag, mut when) = (None, None, None, None);
            let (mut color, mut inner, mut boxed, mut blob, mut doc) =
                (None, None, None, None, None);
            r.begin_struct()?;
            while let Some(i) = r.next_field(ALL)? {
                match i {
                    0 => s = Some(r.string()?),
                    1 => list = Some(super::decode_list(r, |r| r.string())?),
                    2 => map = Some(super::decode_map(r, |r| r.integer32())?),
                    3 => int = Some(r.integer32()?),
                    4 => long = Some(r.integer()?),
                    5 => float = Some(r.float()? as f32),
                    6 => double = Some(r.float()?),
                    7 => flag = Some(r.boolean()?),
                    8 => when = Some(r.timestamp(super::TimestampFormat::Default)?),
                    9 => {
                        color = Some(r.enum_value(|v| match v {
                            "red" => Color::Red,
                            other => Color::Unknown(other.into()),
                        })?)
                    }
                    10 => inner = Some(Inner::decode(r)?),
                    11 => boxed = Some(Box::new(Inner::decode(r)?)),
                    12 => blob = Some(r.blob()?),
                    13 => doc = Some(r.document()?),
                    _ => r.skip()?,
                }
            }
            Ok(All {
                s: r.required(s, "All", "S")?,
                list: r.required(list, "All", "List")?,
                map: r.required(map, "All", "Map")?,
                int: r.required(int, "All", "Int")?,
                long: r.required(long, "All", "Long")?,
                float: r.required(float, "All", "Float")?,
                double: r.required(double, "All", "Double")?,
                flag: r.required(flag, "All", "Flag")?,
                when: r.required(when, "All", "When")?,
                color: r.required(color, "All", "Color")?,
                inner: r.required(inner, "All", "Inner")?,
                boxed: r.required(boxed, "All", "Boxed")?,
                blob: r.required(blob, "All", "Blob")?,
                doc: r.required(doc, "All", "Doc")?,
            })
        }
    }

    fn zero() -> All {
        All {
            s: String::new(),
            list: Vec::new(),
            map: Map::new(),
            int: 0,
            long: 0,
            float: 0.0,
            double: 0.0,
            flag: false,
            when: DateTime::from_secs(0),
            color: Color::Unknown(String::new()),
            inner: Inner {
                id: String::new(),
                note: None,
            },
            boxed: Box::new(Inner {
                id: String::new(),
                note: None,
            }),
            blob: Vec::new(),
            doc: Document::Null,
        }
    }

    #[test]
    fn json_fills_every_missing_required_member_with_its_zero_value() {
        assert_eq!(json::from_slice::<All>(b"{}").unwrap(), zero());
        // Nulls count as missing; so does an empty body.
        let nulls = br#"{"S":null,"List":null,"Inner":{"Id":null},"Boxed":{}}"#;
        assert_eq!(json::from_slice::<All>(nulls).unwrap(), zero());
        assert_eq!(json::from_slice::<All>(b"").unwrap(), zero());
        // Members that are present keep their values.
        let some = br#"{"S":"x","Int":7,"Color":"red","Inner":{"Note":"n"},"Flag":true}"#;
        let got = json::from_slice::<All>(some).unwrap();
        assert_eq!(
            (got.s.as_str(), got.int, got.color, got.flag),
            ("x", 7, Color::Red, true)
        );
        assert_eq!(got.inner.id, "");
        assert_eq!(got.inner.note.as_deref(), Some("n"));
    }

    #[test]
    fn cbor_fills_every_missing_required_member_with_its_zero_value() {
        assert_eq!(cbor::from_slice::<All>(&[0xa0]).unwrap(), zero());
        assert_eq!(cbor::from_slice::<All>(&[]).unwrap(), zero());
        // {"Inner": {}} (indefinite map)
        let body = [0xa1, 0x65, b'I', b'n', b'n', b'e', b'r', 0xbf, 0xff];
        assert_eq!(cbor::from_slice::<All>(&body).unwrap(), zero());
    }

    #[test]
    fn xml_fills_every_missing_required_member_with_its_zero_value() {
        let root = Element::parse(b"<R><Inner><Note>n</Note></Inner><Unknown/></R>").unwrap();
        let got = All::decode(&mut XmlReader::new(&root)).unwrap();
        let mut want = zero();
        want.inner.note = Some("n".into());
        assert_eq!(got, want);
    }

    #[test]
    fn strict_readers_reject_a_missing_required_member() {
        let e = json::from_slice_strict::<All>(b"{}").unwrap_err();
        assert_eq!(e.to_string(), "required member All.S is missing");
        let e = Inner::decode(&mut Strict(cbor::CborReader::new(&[0xa0]))).unwrap_err();
        assert_eq!(e.to_string(), "required member Inner.Id is missing");
        let root = Element::parse(b"<R/>").unwrap();
        let e = Inner::decode(&mut Strict(XmlReader::new(&root))).unwrap_err();
        assert_eq!(e.to_string(), "required member Inner.Id is missing");
        // Nested structures are strict too.
        let e = json::from_slice_strict::<Inner>(br#"{"Note":"x"}"#).unwrap_err();
        assert!(e.to_string().contains("Inner.Id"), "{e}");
        let body = br#"{"S":"","List":[],"Map":{},"Int":0,"Long":0,"Float":0,"Double":0,
            "Flag":false,"When":0,"Color":"","Inner":{"Id":""},"Boxed":{},"Blob":"","Doc":null}"#;
        let e = json::from_slice_strict::<All>(body).unwrap_err();
        assert_eq!(e.to_string(), "required member Inner.Id is missing");
        assert!(json::from_slice_strict::<Inner>(br#"{"Id":"a"}"#).is_ok());
    }
}

#[cfg(test)]
mod map_order_tests {
    //! Map entries keep the order the user inserted them on every writer, and the order
    //! of the document on every reader (botocore sends a dict in insertion order and
    //! parses responses into dicts in document order).
    use super::xml::{Element, XmlReader};
    use super::*;
    use crate::Map;

    /// Not sorted, not reverse sorted: a sorted or hashed map shows.
    const KEYS: [&str; 5] = ["zeta", "alpha", "mid", "beta", "omega"];

    #[derive(Debug, PartialEq)]
    struct Holder {
        tags: Map<String>,
    }

    const FIELDS: &[Field] = &[Field::new("Tags")];

    impl Encode for Holder {
        fn encode<W: Writer>(&self, w: &mut W) {
            w.begin_struct();
            w.field(&FIELDS[0]);
            encode_map(w, &self.tags, |w, v| w.string(v));
            w.end_struct();
        }
    }

    impl Decode for Holder {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            let mut tags = Map::new();
            r.begin_struct()?;
            while let Some(i) = r.next_field(FIELDS)? {
                match i {
                    0 => tags = decode_map(r, |r| r.string())?,
                    _ => r.skip()?,
                }
            }
            Ok(Holder { tags })
        }
    }

    fn holder() -> Holder {
        let mut tags = Map::new();
        for k in KEYS {
            tags.insert(k.to_string(), format!("v-{k}"));
        }
        Holder { tags }
    }

    fn keys(h: &Holder) -> Vec<&str> {
        h.tags.keys().map(String::as_str).collect()
    }

    #[test]
    fn json_keeps_insertion_and_document_order() {
        let bytes = json::to_vec(&holder());
        let text = String::from_utf8(bytes.clone()).unwrap();
        let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
        assert!(KEYS.windows(2).all(|w| at(w[0]) < at(w[1])), "{text}");
        let back: Holder = json::from_slice(&bytes).unwrap();
        assert_eq!(keys(&back), KEYS);
    }

    #[test]
    fn cbor_keeps_insertion_and_document_order() {
        let back: Holder = cbor::from_slice(&cbor::to_vec(&holder())).unwrap();
        assert_eq!(keys(&back), KEYS);
    }

    #[test]
    fn query_numbers_entries_in_insertion_order() {
        let body = query::to_body("Op", "2020-01-01", &holder());
        let order: Vec<&str> = body
            .split('&')
            .filter_map(|p| p.split_once(".key="))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(order, KEYS, "{body}");
        assert!(
            body.contains("Tags.entry.1.key=zeta&Tags.entry.1.value=v-zeta"),
            "{body}"
        );
    }

    #[test]
    fn xml_keeps_document_order() {
        let mut xml = String::from("<R><Tags>");
        for k in KEYS {
            xml.push_str(&format!(
                "<entry><key>{k}</key><value>v-{k}</value></entry>"
            ));
        }
        xml.push_str("</Tags></R>");
        let root = Element::parse(xml.as_bytes()).unwrap();
        let back = Holder::decode(&mut XmlReader::new(&root)).unwrap();
        assert_eq!(keys(&back), KEYS);
        assert_eq!(back, holder());
    }

    #[test]
    fn a_repeated_key_keeps_its_first_place_and_last_value() {
        let back: Holder = json::from_slice(br#"{"Tags":{"b":"1","a":"2","b":"3"}}"#).unwrap();
        assert_eq!(keys(&back), ["b", "a"]);
        assert_eq!(back.tags["b"], "3");
    }
}
