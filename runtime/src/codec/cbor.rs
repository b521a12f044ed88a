//! Smithy RPC v2 CBOR (RFC 8949), written by hand: a [`CborWriter`] that emits what
//! botocore and the Smithy spec expect, a bounded pull [`CborReader`] for responses, and a
//! generic [`Value`] tree for diagnostics and the conformance vectors.
//!
//! The reader never trusts a declared length: a length larger than the rest of the input
//! is an error before anything is allocated, and nesting is capped at [`MAX_DEPTH`].

use std::borrow::Cow;
use std::fmt;

use super::{
    Decode, DecodeError, Encode, Field, Reader, TimestampFormat, UnionMember, ValueKind, Writer,
};
use crate::DateTime;

/// Deepest nesting of arrays, maps and tags the reader accepts, so hostile input cannot
/// exhaust the stack.
pub const MAX_DEPTH: usize = 256;

const BREAK: u8 = 0xff;
const INDEFINITE: u8 = 31;
const MAJOR_UNSIGNED: u8 = 0;
const MAJOR_NEGATIVE: u8 = 1;
const MAJOR_BYTES: u8 = 2;
const MAJOR_TEXT: u8 = 3;
const MAJOR_ARRAY: u8 = 4;
const MAJOR_MAP: u8 = 5;
const MAJOR_TAG: u8 = 6;
const MAJOR_SIMPLE: u8 = 7;
/// Tag 1: epoch-based date/time.
const TAG_EPOCH: u8 = 0xc1;

// ---------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------

/// Serializes a request body in the form Smithy RPC v2 CBOR servers accept.
///
/// Structures are indefinite-length maps (`bf … ff`) so members can be written without
/// counting the ones that are set first; lists and maps know their length up front.
#[derive(Debug, Default)]
pub struct CborWriter {
    buf: Vec<u8>,
}

impl CborWriter {
    /// An empty writer.
    pub fn new() -> Self {
        CborWriter {
            buf: Vec::with_capacity(128),
        }
    }

    /// The bytes written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// A major type and argument in the shortest form (RFC 8949 §4.2.1).
    fn head(&mut self, major: u8, arg: u64) {
        let m = major << 5;
        if arg < 24 {
            self.buf.push(m | arg as u8);
        } else if arg <= 0xff {
            self.buf.extend_from_slice(&[m | 24, arg as u8]);
        } else if arg <= 0xffff {
            self.buf.push(m | 25);
            self.buf.extend_from_slice(&(arg as u16).to_be_bytes());
        } else if arg <= 0xffff_ffff {
            self.buf.push(m | 26);
            self.buf.extend_from_slice(&(arg as u32).to_be_bytes());
        } else {
            self.buf.push(m | 27);
            self.buf.extend_from_slice(&arg.to_be_bytes());
        }
    }

    fn text(&mut self, s: &str) {
        self.head(MAJOR_TEXT, s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// NaN and the infinities as half floats, like botocore; true when `v` was one.
    fn special_float(&mut self, v: f64) -> bool {
        let bytes: [u8; 3] = if v.is_nan() {
            [0xf9, 0x7e, 0x00]
        } else if v == f64::INFINITY {
            [0xf9, 0x7c, 0x00]
        } else if v == f64::NEG_INFINITY {
            [0xf9, 0xfc, 0x00]
        } else {
            return false;
        };
        self.buf.extend_from_slice(&bytes);
        true
    }
}

impl Writer for CborWriter {
    fn begin_struct(&mut self) {
        self.buf.push(0xbf);
    }

    fn field(&mut self, field: &'static Field) {
        self.text(field.name);
    }

    fn end_struct(&mut self) {
        self.buf.push(BREAK);
    }

    fn begin_list(&mut self, len: usize) {
        self.head(MAJOR_ARRAY, len as u64);
    }

    fn end_list(&mut self) {}

    fn begin_map(&mut self, len: usize) {
        self.head(MAJOR_MAP, len as u64);
    }

    fn map_key(&mut self, key: &str) {
        self.text(key);
    }

    fn end_map(&mut self) {}

    fn string(&mut self, v: &str) {
        self.text(v);
    }

    fn boolean(&mut self, v: bool) {
        self.buf.push(if v { 0xf5 } else { 0xf4 });
    }

    fn integer(&mut self, v: i64) {
        if v >= 0 {
            self.head(MAJOR_UNSIGNED, v as u64);
        } else {
            // -1 - v, which is the bitwise complement in two's complement.
            self.head(MAJOR_NEGATIVE, !v as u64);
        }
    }

    fn float32(&mut self, v: f32) {
        if !self.special_float(f64::from(v)) {
            self.buf.push(0xfa);
            self.buf.extend_from_slice(&v.to_bits().to_be_bytes());
        }
    }

    fn float64(&mut self, v: f64) {
        if !self.special_float(v) {
            self.buf.push(0xfb);
            self.buf.extend_from_slice(&v.to_bits().to_be_bytes());
        }
    }

    /// Tag 1 with epoch seconds whatever the member's format (Smithy ignores
    /// `timestampFormat` in CBOR), at millisecond resolution: an integer when whole.
    fn timestamp(&mut self, v: &DateTime, _format: TimestampFormat) {
        self.buf.push(TAG_EPOCH);
        let millis = v.subsec_nanos() / 1_000_000;
        if millis == 0 {
            self.integer(v.secs());
        } else {
            self.float64(v.secs() as f64 + f64::from(millis) / 1000.0);
        }
    }

    fn blob(&mut self, v: &[u8]) {
        self.head(MAJOR_BYTES, v.len() as u64);
        self.buf.extend_from_slice(v);
    }

    fn null(&mut self) {
        self.buf.push(0xf6);
    }
}

/// Serializes one value as a CBOR request body.
pub fn to_vec<T: Encode>(value: &T) -> Vec<u8> {
    let mut w = CborWriter::new();
    value.encode(&mut w);
    w.into_bytes()
}

// ---------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------

/// The initial byte and argument of one data item.
#[derive(Clone, Copy, Debug)]
struct Head {
    major: u8,
    /// Additional information; [`INDEFINITE`] for indefinite lengths and the break.
    info: u8,
    /// The argument (a count, a length, a value or raw float bits).
    arg: u64,
    /// Offset of the initial byte, for error messages.
    at: usize,
}

impl Head {
    fn indefinite(&self) -> bool {
        self.info == INDEFINITE
    }
}

/// Where the reader stands inside an array or map it has entered.
#[derive(Clone, Copy, Debug)]
enum Frame {
    /// Items (arrays) or entries (maps) still to come.
    Definite(u64),
    /// Ends at a break byte.
    Indefinite,
}

/// `std::str::from_utf8` with a fast path for ASCII, which is nearly all AWS sends:
/// UTF-8 validation of short strings goes byte by byte (it was a tenth of decoding a
/// `ListJobs` page).
#[inline]
pub(super) fn utf8(b: &[u8]) -> Result<&str, std::str::Utf8Error> {
    if is_ascii(b) {
        // SAFETY: every sequence of ASCII bytes is valid UTF-8.
        Ok(unsafe { std::str::from_utf8_unchecked(b) })
    } else {
        std::str::from_utf8(b)
    }
}

/// `<[u8]>::is_ascii` for the short strings of a response: whole words, the last one
/// overlapping the one before, where std checks the unaligned tail byte by byte.
#[inline(always)]
fn is_ascii(b: &[u8]) -> bool {
    const HI: u64 = 0x8080_8080_8080_8080;
    let n = b.len();
    if n >= 8 {
        let mut seen = b[n - 8..].try_into().map_or(HI, u64::from_ne_bytes);
        for chunk in b[..n - 1].chunks_exact(8) {
            seen |= chunk.try_into().map_or(HI, u64::from_ne_bytes);
        }
        seen & HI == 0
    } else if n >= 4 {
        let head = b[..4].try_into().map_or(HI as u32, u32::from_ne_bytes);
        let tail = b[n - 4..].try_into().map_or(HI as u32, u32::from_ne_bytes);
        (head | tail) & HI as u32 == 0
    } else {
        b.iter().all(|&c| c < 0x80)
    }
}

#[cold]
fn too_long(len: u64, rest: usize, at: usize) -> DecodeError {
    DecodeError::at(at, format!("length {len} exceeds the {rest} bytes left"))
}

/// A pull parser over one CBOR response body.
///
/// Unknown tags before a value are skipped, so a tagged value reads like an untagged one;
/// that is how tag 1 timestamps are read, and why an untagged number is accepted too.
#[derive(Debug)]
pub struct CborReader<'a> {
    buf: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
    /// The field index expected next: members usually arrive in model order, so the
    /// key is compared with this field before any other.
    hint: usize,
}

impl<'a> CborReader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        CborReader {
            buf: bytes,
            pos: 0,
            stack: Vec::new(),
            hint: 0,
        }
    }

    /// The offset of the next unread byte.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// An error at the current position.
    fn err(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::at(self.pos, message)
    }

    #[inline]
    fn peek(&self) -> Result<u8, DecodeError> {
        self.buf
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.err("unexpected end of input"))
    }

    /// The head at the current position; small arguments (most keys, short strings,
    /// small numbers) are read inline, the rest by [`CborReader::head_long`].
    #[inline]
    fn head(&mut self) -> Result<Head, DecodeError> {
        let at = self.pos;
        match self.buf.get(at) {
            Some(&first) if first & 0x1f < 24 => {
                self.pos = at + 1;
                Ok(Head {
                    major: first >> 5,
                    info: first & 0x1f,
                    arg: u64::from(first & 0x1f),
                    at,
                })
            }
            // A one-byte argument: strings of 24 to 255 bytes (ids, ARNs, descriptions).
            Some(&first) if first & 0x1f == 24 && at + 1 < self.buf.len() => {
                self.pos = at + 2;
                Ok(Head {
                    major: first >> 5,
                    info: 24,
                    arg: u64::from(self.buf[at + 1]),
                    at,
                })
            }
            _ => self.head_long(),
        }
    }

    #[inline(never)]
    fn head_long(&mut self) -> Result<Head, DecodeError> {
        let at = self.pos;
        let first = self.peek()?;
        let (major, info) = (first >> 5, first & 0x1f);
        let arg = match info {
            0..=23 => {
                self.pos = at + 1;
                u64::from(info)
            }
            24..=27 => {
                let n = 1usize << (info - 24);
                let bytes = self.buf.get(at + 1..at + 1 + n).ok_or_else(|| {
                    DecodeError::at(
                        at,
                        format!("argument of {n} bytes runs past the end of input"),
                    )
                })?;
                self.pos = at + 1 + n;
                match *bytes {
                    [a] => u64::from(a),
                    [a, b] => u64::from(u16::from_be_bytes([a, b])),
                    [a, b, c, d] => u64::from(u32::from_be_bytes([a, b, c, d])),
                    [a, b, c, d, e, f, g, h] => u64::from_be_bytes([a, b, c, d, e, f, g, h]),
                    _ => bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)),
                }
            }
            INDEFINITE => {
                if !matches!(
                    major,
                    MAJOR_BYTES | MAJOR_TEXT | MAJOR_ARRAY | MAJOR_MAP | MAJOR_SIMPLE
                ) {
                    return Err(DecodeError::at(
                        at,
                        format!("indefinite length is not allowed for major type {major}"),
                    ));
                }
                self.pos = at + 1;
                0
            }
            _ => {
                return Err(DecodeError::at(
                    at,
                    format!("reserved additional information {info}"),
                ))
            }
        };
        Ok(Head {
            major,
            info,
            arg,
            at,
        })
    }

    /// The next `len` bytes; a length beyond the input is an error, never an allocation.
    #[inline]
    fn take(&mut self, len: u64, at: usize) -> Result<&'a [u8], DecodeError> {
        let rest = self.buf.len() - self.pos;
        match usize::try_from(len) {
            Ok(n) if n <= rest => {
                let s = &self.buf[self.pos..self.pos + n];
                self.pos += n;
                Ok(s)
            }
            _ => Err(too_long(len, rest, at)),
        }
    }

    /// Rejects an array or map count that could not fit in the rest of the input (every
    /// item takes at least one byte), so counts never drive huge loops or allocations.
    fn check_count(&self, h: &Head) -> Result<(), DecodeError> {
        let per = if h.major == MAJOR_MAP { 2 } else { 1 };
        let rest = (self.buf.len() - self.pos) as u64;
        if h.arg.saturating_mul(per) > rest {
            return Err(DecodeError::at(
                h.at,
                format!("count {} exceeds the {rest} bytes left", h.arg),
            ));
        }
        Ok(())
    }

    /// The contents of a byte or text string whose head was read, joining chunks.
    #[inline(always)]
    fn string_body(&mut self, h: Head) -> Result<Cow<'a, [u8]>, DecodeError> {
        if !h.indefinite() {
            return self.take(h.arg, h.at).map(Cow::Borrowed);
        }
        let mut out = Vec::new();
        loop {
            if self.peek()? == BREAK {
                self.pos += 1;
                return Ok(Cow::Owned(out));
            }
            let chunk = self.head()?;
            if chunk.major != h.major || chunk.indefinite() {
                return Err(DecodeError::at(
                    chunk.at,
                    "invalid chunk in indefinite-length string",
                ));
            }
            out.extend_from_slice(self.take(chunk.arg, chunk.at)?);
        }
    }

    #[inline(always)]
    fn text_body(&mut self, h: Head) -> Result<Cow<'a, str>, DecodeError> {
        match self.string_body(h)? {
            Cow::Borrowed(b) => utf8(b)
                .map(Cow::Borrowed)
                .map_err(|_| DecodeError::at(h.at, "invalid UTF-8 in text string")),
            Cow::Owned(b) => String::from_utf8(b)
                .map(Cow::Owned)
                .map_err(|_| DecodeError::at(h.at, "invalid UTF-8 in text string")),
        }
    }

    /// The index of the field named `name`: the one after the previous match first
    /// (members usually arrive in model order), then a linear search.
    #[inline(always)]
    fn field_index(&mut self, name: &[u8], fields: &'static [Field]) -> Option<usize> {
        let found = match fields.get(self.hint) {
            Some(f) if super::key_eq(name, f.name.as_bytes()) => Some(self.hint),
            _ => fields
                .iter()
                .position(|f| super::key_eq(name, f.name.as_bytes())),
        };
        if let Some(i) = found {
            self.hint = i + 1;
        }
        found
    }

    /// The next value as text. Definite strings of up to 255 bytes, untagged (every key
    /// and nearly every string value), are read here inline; the rest by the general path.
    #[inline(always)]
    fn text(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let pos = self.pos;
        let (start, len) = match self.buf.get(pos) {
            Some(&b @ 0x60..=0x77) => (pos + 1, usize::from(b & 0x1f)),
            Some(0x78) => match self.buf.get(pos + 1) {
                Some(&n) => (pos + 2, usize::from(n)),
                None => return self.text_slow(),
            },
            _ => return self.text_slow(),
        };
        match self.buf.get(start..start + len) {
            Some(bytes) => {
                self.pos = start + len;
                match utf8(bytes) {
                    Ok(s) => Ok(Cow::Borrowed(s)),
                    Err(_) => Err(DecodeError::at(pos, "invalid UTF-8 in text string")),
                }
            }
            None => self.text_slow(),
        }
    }

    #[inline(never)]
    fn text_slow(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let h = self.value_head()?;
        if h.major != MAJOR_TEXT {
            return Err(Self::type_error(&h, "a text string"));
        }
        self.text_body(h)
    }

    /// True (and consumed) when the next value is null or undefined, tagged or not.
    #[inline(always)]
    fn take_null(&mut self) -> Result<bool, DecodeError> {
        match self.buf.get(self.pos) {
            // Numbers, strings, arrays and maps: one comparison for most values.
            Some(&b) if b < 0xc0 => Ok(false),
            Some(0xf6 | 0xf7) => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b >> 5 == MAJOR_TAG => {
                // A tagged null is null; other tagged values keep their tags, which
                // the value's reader may want (tag 1 on a timestamp).
                let start = self.pos;
                self.skip_tags()?;
                if matches!(self.buf.get(self.pos), Some(0xf6 | 0xf7)) {
                    self.pos += 1;
                    return Ok(true);
                }
                self.pos = start;
                Ok(false)
            }
            _ => Ok(false),
        }
    }

    /// Consumes any tags before the next value.
    #[inline]
    fn skip_tags(&mut self) -> Result<(), DecodeError> {
        while matches!(self.buf.get(self.pos), Some(b) if b >> 5 == MAJOR_TAG) {
            self.head()?;
        }
        Ok(())
    }

    /// The head of the next value, after any tags.
    #[inline]
    fn value_head(&mut self) -> Result<Head, DecodeError> {
        self.skip_tags()?;
        self.head()
    }

    fn type_error(h: &Head, expected: &str) -> DecodeError {
        DecodeError::at(h.at, format!("expected {expected}, found {}", describe(h)))
    }

    /// Skips the rest of a value whose head was read, checking it is well formed.
    fn skip_body(&mut self, h: Head, depth: usize) -> Result<(), DecodeError> {
        if depth >= MAX_DEPTH {
            return Err(DecodeError::at(h.at, "nesting too deep"));
        }
        match h.major {
            MAJOR_UNSIGNED | MAJOR_NEGATIVE => Ok(()),
            MAJOR_BYTES | MAJOR_TEXT => self.string_body(h).map(drop),
            MAJOR_ARRAY | MAJOR_MAP => {
                let per = if h.major == MAJOR_MAP { 2 } else { 1 };
                if h.indefinite() {
                    loop {
                        if self.peek()? == BREAK {
                            self.pos += 1;
                            return Ok(());
                        }
                        for _ in 0..per {
                            let item = self.head()?;
                            self.skip_body(item, depth + 1)?;
                        }
                    }
                }
                self.check_count(&h)?;
                for _ in 0..h.arg.saturating_mul(per) {
                    let item = self.head()?;
                    self.skip_body(item, depth + 1)?;
                }
                Ok(())
            }
            MAJOR_TAG => {
                let inner = self.head()?;
                self.skip_body(inner, depth + 1)
            }
            _ => simple(h).map(drop),
        }
    }

    /// Decodes a whole data item whose head was read. `budget` is how many more array
    /// items (map entries count two) may be reserved up front: every declared item takes
    /// at least one input byte, so the reservations of all levels together stay within
    /// the input length, however the counts are nested.
    fn value_body(
        &mut self,
        h: Head,
        depth: usize,
        budget: &mut usize,
    ) -> Result<Value, DecodeError> {
        if depth >= MAX_DEPTH {
            return Err(DecodeError::at(h.at, "nesting too deep"));
        }
        Ok(match h.major {
            MAJOR_UNSIGNED => Value::Unsigned(h.arg),
            MAJOR_NEGATIVE => Value::Negative(h.arg),
            MAJOR_BYTES => Value::Bytes(self.string_body(h)?.into_owned()),
            MAJOR_TEXT => Value::Text(self.text_body(h)?.into_owned()),
            MAJOR_ARRAY => {
                let mut items = Vec::new();
                if h.indefinite() {
                    while self.peek()? != BREAK {
                        let item = self.head()?;
                        items.push(self.value_body(item, depth + 1, budget)?);
                    }
                    self.pos += 1;
                } else {
                    self.check_count(&h)?;
                    let n = usize::try_from(h.arg).unwrap_or(usize::MAX).min(*budget);
                    *budget -= n;
                    items.reserve_exact(n);
                    for _ in 0..h.arg {
                        let item = self.head()?;
                        items.push(self.value_body(item, depth + 1, budget)?);
                    }
                }
                Value::Array(items)
            }
            MAJOR_MAP => {
                let mut entries = Vec::new();
                let entry =
                    |r: &mut Self, budget: &mut usize| -> Result<(Value, Value), DecodeError> {
                        let k = r.head()?;
                        let k = r.value_body(k, depth + 1, budget)?;
                        let v = r.head()?;
                        Ok((k, r.value_body(v, depth + 1, budget)?))
                    };
                if h.indefinite() {
                    while self.peek()? != BREAK {
                        entries.push(entry(self, budget)?);
                    }
                    self.pos += 1;
                } else {
                    self.check_count(&h)?;
                    let n = usize::try_from(h.arg)
                        .unwrap_or(usize::MAX)
                        .min(*budget / 2);
                    *budget -= n * 2;
                    entries.reserve_exact(n);
                    for _ in 0..h.arg {
                        entries.push(entry(self, budget)?);
                    }
                }
                Value::Map(entries)
            }
            MAJOR_TAG => {
                let inner = self.head()?;
                Value::Tag(h.arg, Box::new(self.value_body(inner, depth + 1, budget)?))
            }
            _ => simple(h)?,
        })
    }

    /// Enters an array or map, after any tags.
    #[inline]
    fn enter(&mut self, major: u8, expected: &str) -> Result<(), DecodeError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        // The usual heads, read inline: untagged, indefinite (how structures are written)
        // or with a count below 24.
        if let Some(&b) = self.buf.get(self.pos) {
            if b >> 5 == major && (b & 0x1f == INDEFINITE || b & 0x1f < 24) {
                let h = Head {
                    major,
                    info: b & 0x1f,
                    arg: u64::from(b & 0x1f),
                    at: self.pos,
                };
                self.pos += 1;
                let frame = if h.indefinite() {
                    Frame::Indefinite
                } else {
                    self.check_count(&h)?;
                    Frame::Definite(h.arg)
                };
                self.stack.push(frame);
                return Ok(());
            }
        }
        let h = self.value_head()?;
        if h.major != major {
            return Err(Self::type_error(&h, expected));
        }
        let frame = if h.indefinite() {
            Frame::Indefinite
        } else {
            self.check_count(&h)?;
            Frame::Definite(h.arg)
        };
        self.stack.push(frame);
        Ok(())
    }

    /// True when the current container has another item or entry; consumes its end
    /// (and leaves it) otherwise.
    #[inline]
    fn advance(&mut self) -> Result<bool, DecodeError> {
        let more = match self.stack.last_mut() {
            None => return Err(self.err("not inside an array or map")),
            Some(Frame::Definite(0)) => false,
            Some(Frame::Definite(n)) => {
                *n -= 1;
                return Ok(true);
            }
            Some(Frame::Indefinite) => {
                if self.peek()? == BREAK {
                    self.pos += 1;
                    false
                } else {
                    return Ok(true);
                }
            }
        };
        self.stack.pop();
        Ok(more)
    }

    /// A number as f64, whether written as an integer or a float.
    fn number(&mut self, expected: &str) -> Result<f64, DecodeError> {
        let h = self.value_head()?;
        match (h.major, h.info) {
            (MAJOR_UNSIGNED, _) => Ok(h.arg as f64),
            // -1 - n in i128, rounded once: `-1.0 - n as f64` rounds n first, then the
            // sum, and can land one step off (-(2^53 + 2) read as -2^53).
            (MAJOR_NEGATIVE, _) => Ok((-1 - i128::from(h.arg)) as f64),
            (MAJOR_SIMPLE, 25) => Ok(f16_to_f64(h.arg as u16)),
            (MAJOR_SIMPLE, 26) => Ok(f64::from(f32::from_bits(h.arg as u32))),
            (MAJOR_SIMPLE, 27) => Ok(f64::from_bits(h.arg)),
            _ => Err(Self::type_error(&h, expected)),
        }
    }
}

impl Reader for CborReader<'_> {
    /// Enters a map; an entirely empty body counts as an empty structure, because an
    /// empty 200 response is an empty output.
    #[inline]
    fn begin_struct(&mut self) -> Result<(), DecodeError> {
        if self.buf.is_empty() && self.stack.is_empty() {
            self.stack.push(Frame::Definite(0));
            return Ok(());
        }
        self.hint = 0;
        self.enter(MAJOR_MAP, "a map")
    }

    #[inline]
    fn next_field(&mut self, fields: &'static [Field]) -> Result<Option<usize>, DecodeError> {
        loop {
            if !self.advance()? {
                return Ok(None);
            }
            // Keys are compared as bytes, in place; only chunked keys are joined.
            let pos = self.pos;
            let index = match self.buf.get(pos) {
                Some(&b @ 0x60..=0x77) if pos + 1 + usize::from(b & 0x1f) <= self.buf.len() => {
                    let end = pos + 1 + usize::from(b & 0x1f);
                    self.pos = end;
                    self.field_index(&self.buf[pos + 1..end], fields)
                }
                _ => {
                    let key = self.value_head()?;
                    if key.major == MAJOR_TEXT {
                        let name = self.string_body(key)?;
                        self.field_index(&name, fields)
                    } else {
                        self.skip_body(key, self.stack.len())?;
                        None
                    }
                }
            };
            if self.take_null()? {
                continue;
            }
            match index {
                Some(i) => return Ok(Some(i)),
                None => self.skip()?,
            }
        }
    }

    #[inline]
    fn begin_list(&mut self) -> Result<(), DecodeError> {
        self.enter(MAJOR_ARRAY, "an array")
    }

    #[inline]
    fn next_item(&mut self) -> Result<bool, DecodeError> {
        self.advance()
    }

    fn begin_map(&mut self) -> Result<(), DecodeError> {
        self.enter(MAJOR_MAP, "a map")
    }

    fn next_key(&mut self) -> Result<Option<String>, DecodeError> {
        if !self.advance()? {
            return Ok(None);
        }
        let h = self.value_head()?;
        if h.major != MAJOR_TEXT {
            return Err(Self::type_error(&h, "a text map key"));
        }
        Ok(Some(self.text_body(h)?.into_owned()))
    }

    #[inline]
    fn null(&mut self) -> Result<bool, DecodeError> {
        self.take_null()
    }

    #[inline]
    fn string(&mut self) -> Result<String, DecodeError> {
        Ok(self.text()?.into_owned())
    }

    #[inline]
    fn len_hint(&self) -> usize {
        match self.stack.last() {
            Some(Frame::Definite(n)) => usize::try_from(*n).unwrap_or(0),
            _ => 0,
        }
    }

    #[inline]
    fn enum_value<T>(&mut self, f: impl FnOnce(&str) -> T) -> Result<T, DecodeError> {
        Ok(f(&self.text()?))
    }

    #[inline]
    fn boolean(&mut self) -> Result<bool, DecodeError> {
        match self.buf.get(self.pos) {
            Some(0xf4) => {
                self.pos += 1;
                return Ok(false);
            }
            Some(0xf5) => {
                self.pos += 1;
                return Ok(true);
            }
            _ => {}
        }
        let h = self.value_head()?;
        match (h.major, h.info) {
            (MAJOR_SIMPLE, 20) => Ok(false),
            (MAJOR_SIMPLE, 21) => Ok(true),
            _ => Err(Self::type_error(&h, "a boolean")),
        }
    }

    fn integer(&mut self) -> Result<i64, DecodeError> {
        let h = self.value_head()?;
        let v = match h.major {
            MAJOR_UNSIGNED => i64::try_from(h.arg).ok(),
            // -1 - n fits when n does: the complement of a non-negative i64.
            MAJOR_NEGATIVE => i64::try_from(h.arg).ok().map(|n| !n),
            _ => return Err(Self::type_error(&h, "an integer")),
        };
        v.ok_or_else(|| DecodeError::at(h.at, "integer out of the 64-bit signed range"))
    }

    fn float(&mut self) -> Result<f64, DecodeError> {
        self.number("a number")
    }

    /// Tag 1 epoch seconds (integer or float); the tag is optional and the member's
    /// format does not matter in CBOR. Floats go through [`DateTime::from_secs_f64`], as
    /// in the JSON codec, so both protocols read the same instant from the same number.
    #[inline]
    fn timestamp(&mut self, _format: TimestampFormat) -> Result<DateTime, DecodeError> {
        // What servers send for any date of this century: tag 1, then 4-byte seconds.
        let pos = self.pos;
        if let Some(&[TAG_EPOCH, 0x1a, a, b, c, d]) = self.buf.get(pos..pos + 6) {
            self.pos = pos + 6;
            return Ok(DateTime::from_secs(i64::from(u32::from_be_bytes([
                a, b, c, d,
            ]))));
        }
        self.skip_tags()?;
        let at = self.pos;
        if matches!(self.buf.get(at), Some(b) if b >> 5 <= MAJOR_NEGATIVE) {
            return Ok(DateTime::from_secs(self.integer()?));
        }
        let secs = self.number("an epoch-seconds timestamp")?;
        DateTime::from_secs_f64(secs)
            .ok_or_else(|| DecodeError::at(at, format!("timestamp {secs} out of range")))
    }

    fn blob(&mut self) -> Result<Vec<u8>, DecodeError> {
        let h = self.value_head()?;
        if h.major != MAJOR_BYTES {
            return Err(Self::type_error(&h, "a byte string"));
        }
        Ok(self.string_body(h)?.into_owned())
    }

    fn skip(&mut self) -> Result<(), DecodeError> {
        let h = self.head()?;
        self.skip_body(h, self.stack.len())
    }

    fn next_union_member(
        &mut self,
        fields: &'static [Field],
    ) -> Result<Option<UnionMember>, DecodeError> {
        loop {
            if !self.advance()? {
                return Ok(None);
            }
            let key = self.value_head()?;
            if key.major != MAJOR_TEXT {
                return Err(Self::type_error(&key, "a text member name"));
            }
            let name = self.text_body(key)?.into_owned();
            if self.null()? {
                continue;
            }
            return Ok(Some(match fields.iter().position(|f| f.name == name) {
                Some(i) => UnionMember::Known(i),
                None => {
                    self.skip()?;
                    UnionMember::Unknown(name)
                }
            }));
        }
    }

    fn peek_kind(&mut self) -> Result<ValueKind, DecodeError> {
        self.skip_tags()?;
        let start = self.pos;
        let h = self.head()?;
        self.pos = start;
        Ok(match (h.major, h.info) {
            (MAJOR_UNSIGNED | MAJOR_NEGATIVE, _) if i64::try_from(h.arg).is_ok() => {
                ValueKind::Integer
            }
            (MAJOR_UNSIGNED | MAJOR_NEGATIVE, _) => ValueKind::Float,
            (MAJOR_TEXT, _) => ValueKind::String,
            (MAJOR_ARRAY, _) => ValueKind::List,
            (MAJOR_MAP, _) => ValueKind::Map,
            (MAJOR_SIMPLE, 20 | 21) => ValueKind::Bool,
            (MAJOR_SIMPLE, 22 | 23) => ValueKind::Null,
            (MAJOR_SIMPLE, 25..=27) => ValueKind::Float,
            _ => return Err(Self::type_error(&h, "a document value")),
        })
    }
}

/// Decodes one CBOR body; bytes left after the value are an error.
pub fn from_slice<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut r = CborReader::new(bytes);
    let v = T::decode(&mut r)?;
    if r.pos != bytes.len() {
        return Err(r.err("trailing bytes after the value"));
    }
    Ok(v)
}

/// A major type 7 item: simple values and floats.
fn simple(h: Head) -> Result<Value, DecodeError> {
    Ok(match h.info {
        20 => Value::Bool(false),
        21 => Value::Bool(true),
        22 => Value::Null,
        23 => Value::Undefined,
        // Values below 32 must use the one-byte form (RFC 8949 §3.3).
        24 if h.arg < 32 => {
            return Err(DecodeError::at(
                h.at,
                "simple value below 32 in two-byte form",
            ))
        }
        0..=19 | 24 => Value::Simple(h.arg as u8),
        25 => Value::Float(f16_to_f64(h.arg as u16)),
        26 => Value::Float(f64::from(f32::from_bits(h.arg as u32))),
        27 => Value::Float(f64::from_bits(h.arg)),
        _ => return Err(DecodeError::at(h.at, "unexpected break")),
    })
}

/// IEEE 754 binary16 to f64 (RFC 8949 Appendix D).
fn f16_to_f64(half: u16) -> f64 {
    let exp = (half >> 10) & 0x1f;
    let mant = f64::from(half & 0x3ff);
    let magnitude = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (mant + 1024.0) * 2f64.powi(i32::from(exp) - 25),
    };
    if half & 0x8000 != 0 {
        -magnitude
    } else {
        magnitude
    }
}

fn describe(h: &Head) -> &'static str {
    match (h.major, h.info) {
        (MAJOR_UNSIGNED | MAJOR_NEGATIVE, _) => "an integer",
        (MAJOR_BYTES, _) => "a byte string",
        (MAJOR_TEXT, _) => "a text string",
        (MAJOR_ARRAY, _) => "an array",
        (MAJOR_MAP, _) => "a map",
        (MAJOR_TAG, _) => "a tag",
        (_, 20 | 21) => "a boolean",
        (_, 22 | 23) => "null",
        (_, 25..=27) => "a float",
        (_, INDEFINITE) => "a break",
        _ => "a simple value",
    }
}

// ---------------------------------------------------------------------------------------
// Generic values
// ---------------------------------------------------------------------------------------

/// Any CBOR data item, for diagnostics and conformance vectors (generated code never
/// builds one). Chunked strings are joined: chunking carries no meaning (RFC 8949 §3.2.3).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Major type 0.
    Unsigned(u64),
    /// Major type 1: the value is `-1 - n`, which reaches down to -2^64.
    Negative(u64),
    /// Major type 2.
    Bytes(Vec<u8>),
    /// Major type 3.
    Text(String),
    /// Major type 4.
    Array(Vec<Value>),
    /// Major type 5, in wire order; keys may be any value.
    Map(Vec<(Value, Value)>),
    /// Major type 6: tag number and content.
    Tag(u64, Box<Value>),
    /// An unassigned simple value.
    Simple(u8),
    /// A half, single or double float, widened.
    Float(f64),
    /// `false` / `true`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
}

/// Decodes exactly one data item, checking it is well formed; trailing bytes are an error.
pub fn decode_value(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut r = CborReader::new(bytes);
    let h = r.head()?;
    let mut budget = bytes.len();
    let v = r.value_body(h, 0, &mut budget)?;
    if r.pos != bytes.len() {
        return Err(r.err("trailing bytes after the value"));
    }
    Ok(v)
}

/// RFC 8949 §8 diagnostic notation (chunked strings print joined).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Unsigned(n) => write!(f, "{n}"),
            Value::Negative(n) => write!(f, "{}", -1 - i128::from(*n)),
            Value::Bytes(b) => {
                f.write_str("h'")?;
                f.write_str(&crate::hex::encode(b))?;
                f.write_str("'")
            }
            Value::Text(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        c if c.is_control() => write!(f, "\\u{:04x}", c as u32)?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"")
            }
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Value::Tag(t, v) => write!(f, "{t}({v})"),
            Value::Simple(n) => write!(f, "simple({n})"),
            Value::Float(x) if x.is_nan() => f.write_str("NaN"),
            Value::Float(x) if x.is_infinite() => {
                f.write_str(if *x > 0.0 { "Infinity" } else { "-Infinity" })
            }
            // Debug keeps a decimal point or exponent, as the notation requires.
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Null => f.write_str("null"),
            Value::Undefined => f.write_str("undefined"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{decode_list, decode_map, encode_list, encode_map};
    use crate::Map;

    /// Three members in any order, for the field-lookup hint.
    #[derive(Debug, PartialEq)]
    struct Abc(Option<String>, Option<String>, Option<String>);
    impl Decode for Abc {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            const FIELDS: &[Field] = &[Field::new("a"), Field::new("b"), Field::new("c")];
            let mut v = Abc(None, None, None);
            r.begin_struct()?;
            while let Some(i) = r.next_field(FIELDS)? {
                let s = Some(r.string()?);
                match i {
                    0 => v.0 = s,
                    1 => v.1 = s,
                    _ => v.2 = s,
                }
            }
            Ok(v)
        }
    }

    #[test]
    fn members_in_any_order_and_non_ascii_text_decode() {
        let want = Abc(Some("x".into()), Some("é€😀".into()), Some("z".into()));
        let value = |k: &str| match k {
            "a" => "x",
            "b" => "é€😀",
            _ => "z",
        };
        for order in [["a", "b", "c"], ["c", "b", "a"], ["b", "c", "a"]] {
            let members: Vec<String> = order
                .iter()
                .map(|k| format!("\"{k}\":\"{}\"", value(k)))
                .collect();
            let text = format!("{{{}}}", members.join(","));
            let got = crate::codec::json::from_slice::<Abc>(text.as_bytes()).unwrap();
            assert_eq!(got, want, "{text}");
            let mut w = CborWriter::new();
            w.head(MAJOR_MAP, 3);
            for k in order {
                w.text(k);
                w.text(value(k));
            }
            assert_eq!(
                from_slice::<Abc>(&w.into_bytes()).unwrap(),
                want,
                "{order:?}"
            );
        }
        // Invalid UTF-8 is still an error on both fast paths' slow side.
        assert!(from_slice::<Abc>(&hex("a1 61 61 62 c3 28")).is_err());
        assert!(crate::codec::json::from_slice::<Abc>(b"{\"a\":\"\xc3\x28\"}").is_err());
    }

    #[test]
    fn is_ascii_agrees_with_std() {
        for len in 0..40 {
            let base = vec![b'a'; len];
            assert!(super::is_ascii(&base));
            for at in 0..len {
                for high in [0x80u8, 0xc3, 0xff] {
                    let mut b = base.clone();
                    b[at] = high;
                    assert!(!super::is_ascii(&b), "{len} {at}");
                }
            }
        }
    }

    #[test]
    fn enum_values_and_list_hints_read_like_strings() {
        // ["ab", "a\u00e9"] in CBOR; the JSON twin has an escape.
        let mut w = CborWriter::new();
        w.head(MAJOR_ARRAY, 2);
        w.text("ab");
        w.text("aé");
        let bytes = w.into_bytes();
        let mut r = CborReader::new(&bytes);
        r.begin_list().unwrap();
        assert_eq!(r.len_hint(), 2);
        let mut got = Vec::new();
        while r.next_item().unwrap() {
            got.push(r.enum_value(str::to_string).unwrap());
        }
        assert_eq!(got, ["ab", "aé"]);
        let list: Vec<String> = decode_list(&mut CborReader::new(&bytes), |r| {
            r.enum_value(str::to_string)
        })
        .unwrap();
        assert_eq!(list, ["ab", "aé"]);
        let mut j = crate::codec::json::JsonReader::new(br#"["ab","a\u00e9"]"#);
        let list: Vec<String> = decode_list(&mut j, |r| r.enum_value(str::to_string)).unwrap();
        assert_eq!(list, ["ab", "aé"]);
        // A number where an enum string belongs is a type error, not a panic.
        let mut r = CborReader::new(&[0x01]);
        assert!(r.enum_value(str::to_string).is_err());
    }

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test hex"))
            .collect()
    }

    /// A request-like shape touching every scalar kind.
    #[derive(Debug, Default, PartialEq)]
    struct Sample {
        max_results: Option<i32>,
        name: Option<String>,
        when: Option<DateTime>,
        tags: Option<Vec<String>>,
        ratio: Option<f64>,
        scale: Option<f32>,
        flag: Option<bool>,
        data: Option<Vec<u8>>,
        big: Option<i64>,
        attrs: Option<Map<i64>>,
        nested: Option<Box<Sample>>,
    }

    static SAMPLE_FIELDS: [Field; 11] = [
        Field::new("MaxResults"),
        Field::new("Name"),
        Field::new("When"),
        Field::new("Tags"),
        Field::new("Ratio"),
        Field::new("Scale"),
        Field::new("Flag"),
        Field::new("Data"),
        Field::new("Big"),
        Field::new("Attrs"),
        Field::new("Nested"),
    ];

    impl Encode for Sample {
        fn encode<W: Writer>(&self, w: &mut W) {
            let f = &SAMPLE_FIELDS;
            w.begin_struct();
            if let Some(v) = self.max_results {
                w.field(&f[0]);
                w.integer(i64::from(v));
            }
            if let Some(v) = &self.name {
                w.field(&f[1]);
                w.string(v);
            }
            if let Some(v) = &self.when {
                w.field(&f[2]);
                w.timestamp(v, TimestampFormat::Iso8601);
            }
            if let Some(v) = &self.tags {
                w.field(&f[3]);
                encode_list(w, v, |w, s| w.string(s));
            }
            if let Some(v) = self.ratio {
                w.field(&f[4]);
                w.float64(v);
            }
            if let Some(v) = self.scale {
                w.field(&f[5]);
                w.float32(v);
            }
            if let Some(v) = self.flag {
                w.field(&f[6]);
                w.boolean(v);
            }
            if let Some(v) = &self.data {
                w.field(&f[7]);
                w.blob(v);
            }
            if let Some(v) = self.big {
                w.field(&f[8]);
                w.integer(v);
            }
            if let Some(v) = &self.attrs {
                w.field(&f[9]);
                encode_map(w, v, |w, n| w.integer(*n));
            }
            if let Some(v) = &self.nested {
                w.field(&f[10]);
                v.encode(w);
            }
            w.end_struct();
        }
    }

    impl Decode for Sample {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            let mut out = Sample::default();
            r.begin_struct()?;
            while let Some(i) = r.next_field(&SAMPLE_FIELDS)? {
                match i {
                    0 => out.max_results = Some(r.integer32()?),
                    1 => out.name = Some(r.string()?),
                    2 => out.when = Some(r.timestamp(TimestampFormat::Default)?),
                    3 => out.tags = Some(decode_list(r, |r| r.string())?),
                    4 => out.ratio = Some(r.float()?),
                    5 => out.scale = Some(r.float()? as f32),
                    6 => out.flag = Some(r.boolean()?),
                    7 => out.data = Some(r.blob()?),
                    8 => out.big = Some(r.integer()?),
                    9 => out.attrs = Some(decode_map(r, |r| r.integer())?),
                    10 => out.nested = Some(Box::new(Sample::decode(r)?)),
                    _ => r.skip()?,
                }
            }
            Ok(out)
        }
    }

    /// A sparse list of optional strings, to exercise explicit nulls.
    #[derive(Debug, PartialEq)]
    struct Sparse(Vec<Option<String>>);

    impl Encode for Sparse {
        fn encode<W: Writer>(&self, w: &mut W) {
            encode_list(w, &self.0, |w, v| match v {
                Some(s) => w.string(s),
                None => w.null(),
            });
        }
    }

    impl Decode for Sparse {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            r.begin_list()?;
            let mut out = Vec::new();
            while r.next_item()? {
                out.push(if r.null()? { None } else { Some(r.string()?) });
            }
            Ok(Sparse(out))
        }
    }

    fn full_sample() -> Sample {
        Sample {
            max_results: Some(10),
            name: Some("jöb \"1\"".into()),
            when: Some(DateTime::from_millis(1_704_164_645_250)),
            tags: Some(vec!["a".into(), String::new(), "x".repeat(300)]),
            ratio: Some(-2.5e-3),
            scale: Some(1.625),
            flag: Some(false),
            data: Some((0..=255).collect()),
            big: Some(i64::MIN),
            attrs: Some(Map::from([
                ("k".to_string(), -1),
                ("z".to_string(), i64::MAX),
            ])),
            nested: Some(Box::new(Sample {
                flag: Some(true),
                ..Sample::default()
            })),
        }
    }

    #[test]
    fn round_trips_every_kind() {
        let s = full_sample();
        let bytes = to_vec(&s);
        assert_eq!(from_slice::<Sample>(&bytes).unwrap(), s);
        // And the generic decoder agrees the output is one well-formed item.
        let v = decode_value(&bytes).unwrap();
        assert!(matches!(v, Value::Map(ref e) if e.len() == 11), "{v}");
    }

    #[test]
    fn encodes_our_struct_form() {
        let s = Sample {
            max_results: Some(10),
            ..Sample::default()
        };
        assert_eq!(to_vec(&s), hex("bf 6a 4d6178526573756c7473 0a ff"));
        assert_eq!(to_vec(&Sample::default()), hex("bf ff"));
    }

    #[test]
    fn decodes_botocore_definite_map() {
        let s: Sample = from_slice(&hex("a1 6a 4d6178526573756c7473 0a")).unwrap();
        assert_eq!(
            s,
            Sample {
                max_results: Some(10),
                ..Sample::default()
            }
        );
        assert_eq!(from_slice::<Sample>(&hex("a0")).unwrap(), Sample::default());
    }

    #[test]
    fn arguments_of_one_to_eight_bytes() {
        for (bytes, v) in [
            ("17", 23),
            ("18 18", 24),
            ("18 ff", 255),
            ("19 0100", 256),
            ("1a 00010000", 65_536),
            ("1b 0000000100000000", 1 << 32),
            ("3b 7fffffffffffffff", i64::MIN),
        ] {
            let b = hex(bytes);
            let mut r = CborReader::new(&b);
            assert_eq!(r.integer().unwrap(), v, "{bytes}");
            assert_eq!(r.position(), b.len());
        }
        let text = "x".repeat(30);
        let mut b = vec![0x78, 30];
        b.extend_from_slice(text.as_bytes());
        assert_eq!(CborReader::new(&b).string().unwrap(), text);
        // A missing argument byte is an error, not a panic.
        for truncated in ["18", "78", "19 01", "1b 00"] {
            assert!(
                CborReader::new(&hex(truncated)).integer().is_err(),
                "{truncated}"
            );
        }
    }

    #[test]
    fn timestamp_vectors() {
        let t = DateTime::from_secs(1_704_164_645); // 2024-01-02T03:04:05Z
        let mut w = CborWriter::new();
        w.timestamp(&t, TimestampFormat::HttpDate);
        assert_eq!(w.into_bytes(), hex("c1 1a 65937d25"));
        let mut r = CborReader::new(&[0xc1, 0x1a, 0x65, 0x93, 0x7d, 0x25]);
        assert_eq!(r.timestamp(TimestampFormat::Default).unwrap(), t);

        // Fractional milliseconds are a float64; whole seconds before the epoch an integer.
        let mut w = CborWriter::new();
        w.timestamp(
            &DateTime::from_millis(1_363_896_240_500),
            TimestampFormat::Default,
        );
        assert_eq!(w.into_bytes(), hex("c1 fb 41d452d9ec200000"));
        let mut w = CborWriter::new();
        w.timestamp(&DateTime::from_secs(-1), TimestampFormat::Default);
        assert_eq!(w.into_bytes(), hex("c1 20"));

        // Accepted forms: tag 1 + float (any width), plain integer, plain float.
        for (input, millis) in [
            ("c1 fb 41d452d9ec200000", 1_363_896_240_500),
            ("1a 514b67b0", 1_363_896_240_000),
            ("fa 47c35000", 100_000_000),
            ("c1 f9 3c00", 1_000),
            ("c1 3863", -100_000),
        ] {
            let bytes = hex(input);
            let got = CborReader::new(&bytes)
                .timestamp(TimestampFormat::Default)
                .unwrap();
            assert_eq!(got, DateTime::from_millis(millis), "{input}");
        }
        // A float that is not exact in binary still lands on its millisecond.
        let mut b = vec![0xc1, 0xfb];
        b.extend_from_slice(&1_704_164_645.123f64.to_bits().to_be_bytes());
        let got = CborReader::new(&b)
            .timestamp(TimestampFormat::Default)
            .unwrap();
        assert_eq!(got, DateTime::from_millis(1_704_164_645_123));
        assert!(CborReader::new(&hex("c1 f9 7e00"))
            .timestamp(TimestampFormat::Default)
            .is_err());
        assert!(CborReader::new(&hex("c1 63 666f6f"))
            .timestamp(TimestampFormat::Default)
            .is_err());
    }

    #[test]
    fn floats_and_specials() {
        let mut w = CborWriter::new();
        w.float64(f64::NAN);
        w.float64(f64::INFINITY);
        w.float64(f64::NEG_INFINITY);
        w.float32(f32::NAN);
        w.float64(1.0);
        w.float32(1.625);
        assert_eq!(
            w.into_bytes(),
            hex("f97e00 f97c00 f9fc00 f97e00 fb3ff0000000000000 fa3fd00000")
        );

        for (input, want) in [
            ("f9 3c00", 1.0),
            ("f9 0001", 5.960464477539063e-8),
            ("f9 c400", -4.0),
            ("f9 7bff", 65504.0),
            ("fa 47c35000", 100000.0),
            ("fb 3ff199999999999a", 1.1),
            ("18 64", 100.0),
            ("38 63", -100.0),
            ("c1 f9 3e00", 1.5),
        ] {
            assert_eq!(
                CborReader::new(&hex(input)).float().unwrap(),
                want,
                "{input}"
            );
        }
        assert!(CborReader::new(&hex("f97e00")).float().unwrap().is_nan());
        assert_eq!(
            CborReader::new(&hex("f9fc00")).float().unwrap(),
            f64::NEG_INFINITY
        );
        assert_eq!(
            CborReader::new(&hex("fa7f800000")).float().unwrap(),
            f64::INFINITY
        );
        assert!(CborReader::new(&hex("f5")).float().is_err());
    }

    #[test]
    fn integers_smallest_form_and_range() {
        let cases: [(i64, &str); 10] = [
            (0, "00"),
            (23, "17"),
            (24, "1818"),
            (255, "18ff"),
            (256, "190100"),
            (65536, "1a00010000"),
            (4_294_967_296, "1b0000000100000000"),
            (-1, "20"),
            (-25, "3818"),
            (i64::MIN, "3b7fffffffffffffff"),
        ];
        for (v, want) in cases {
            let mut w = CborWriter::new();
            w.integer(v);
            assert_eq!(w.into_bytes(), hex(want), "{v}");
            assert_eq!(CborReader::new(&hex(want)).integer().unwrap(), v);
        }
        assert!(CborReader::new(&hex("1b8000000000000000"))
            .integer()
            .is_err());
        assert!(CborReader::new(&hex("3b8000000000000000"))
            .integer()
            .is_err());
        assert!(CborReader::new(&hex("1a80000000")).integer32().is_err());
        assert!(CborReader::new(&hex("f93c00")).integer().is_err());
    }

    #[test]
    fn reads_indefinite_forms_and_skips_unknowns_and_nulls() {
        // {_ "Name": (_ "ab", "c"), "Unknown": {_ "x": [_ 1, h'00']}, "Tags": null,
        //    "Flag": undefined, "Data": (_ h'01', h'0203'), "Tags": [_ "t"], 7: 8,
        //    "MaxResults": 24(5) }
        let body = hex("bf 644e616d65 7f 626162 6163 ff
             67556e6b6e6f776e bf 6178 9f 01 4100 ff ff
             6454616773 f6
             64466c6167 f7
             6444617461 5f 4101 420203 ff
             6454616773 9f 6174 ff
             07 08
             7f 634d6178 67526573756c7473 ff d818 05
             ff");
        let s: Sample = from_slice(&body).unwrap();
        assert_eq!(
            s,
            Sample {
                name: Some("abc".into()),
                data: Some(vec![1, 2, 3]),
                tags: Some(vec!["t".into()]),
                max_results: Some(5),
                ..Sample::default()
            }
        );
    }

    #[test]
    fn tags_before_nulls_and_values_on_the_fast_paths() {
        // {"Name": 1(null), "When": 1(1700000000), "Flag": true, "Tags": [24("a")],
        //  "MaxResults": 55799(1(7))}: a tagged null is null; the tag in front of a
        // timestamp is kept for its reader, as are stacked tags in front of anything.
        let body = hex("a5 644e616d65 c1 f6
             6457686 56e c1 1a 6553f100
             64466c6167 f5
             6454616773 81 d818 6161
             6a4d6178526573756c7473 d9d9f7 c1 07");
        let s: Sample = from_slice(&body).unwrap();
        assert_eq!(s.name, None);
        assert_eq!(s.when, Some(DateTime::from_secs(1_700_000_000)));
        assert_eq!(s.flag, Some(true));
        assert_eq!(s.tags, Some(vec!["a".into()]));
        assert_eq!(s.max_results, Some(7));
    }

    #[test]
    fn non_sparse_collections_drop_nulls_sparse_keep_them() {
        let s: Sample = from_slice(&hex(
            "a2 6454616773 83 6161 f6 6162 6541747472 73 a2 616b f6 617a 01",
        ))
        .unwrap();
        assert_eq!(s.tags, Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(s.attrs, Some(Map::from([("z".to_string(), 1)])));

        let sparse = Sparse(vec![Some("a".into()), None, Some("b".into())]);
        let bytes = to_vec(&sparse);
        assert_eq!(bytes, hex("83 6161 f6 6162"));
        assert_eq!(from_slice::<Sparse>(&bytes).unwrap(), sparse);
        assert_eq!(
            from_slice::<Sparse>(&hex("9f f7 6161 ff")).unwrap(),
            Sparse(vec![None, Some("a".into())])
        );
    }

    #[test]
    fn empty_body_is_an_empty_structure() {
        assert_eq!(from_slice::<Sample>(&[]).unwrap(), Sample::default());
        // Only a struct may be empty: a list (or anything else) needs bytes.
        assert!(from_slice::<Sparse>(&[]).is_err());
    }

    #[test]
    fn trailing_and_type_errors() {
        let e = from_slice::<Sample>(&hex("a0 00")).unwrap_err();
        assert_eq!(e.offset(), Some(1));
        assert!(from_slice::<Sample>(&hex("80")).is_err());
        assert!(from_slice::<Sample>(&hex("a1 644e616d65 01")).is_err());
        // Invalid UTF-8 in a member value and in a chunk.
        assert!(from_slice::<Sample>(&hex("a1 644e616d65 62 c328")).is_err());
        assert!(from_slice::<Sample>(&hex("a1 644e616d65 7f 61c3 6128 ff")).is_err());
    }

    #[test]
    fn hostile_inputs_error_without_panicking_or_allocating() {
        let cases = [
            "",                             // nothing
            "a1",                           // map with no entries
            "a1 644e616d65",                // key without value
            "bf 644e616d65 6161",           // no break
            "7b ffffffffffffffff",          // 2^64-byte string
            "5a ffffffff 00",               // 4 GiB blob
            "9b ffffffffffffffff",          // 2^64 items
            "bb 7fffffffffffffff 00 00",    // 2^63 entries
            "a1 6454616773 9a 7fffffff 00", // huge list inside a struct
            "1c",                           // reserved additional info
            "ff",                           // stray break
            "3f",                           // indefinite integer
            "df 00",                        // indefinite tag
            "f8 10",                        // simple value in the wrong form
            "5f 5f ff ff",                  // nested indefinite chunk
            "7f 40 ff",                     // byte chunk in a text string
            "c1",                           // tag without content
        ];
        for c in cases {
            let b = hex(c);
            assert!(decode_value(&b).is_err(), "decode_value {c}");
            if !b.is_empty() {
                assert!(from_slice::<Sample>(&b).is_err(), "from_slice {c}");
                assert!(CborReader::new(&b).skip().is_err(), "skip {c}");
            }
        }
        // Every truncation of a valid body fails cleanly.
        let full = to_vec(&full_sample());
        for n in 1..full.len() {
            assert!(from_slice::<Sample>(&full[..n]).is_err(), "prefix {n}");
            assert!(decode_value(&full[..n]).is_err(), "prefix {n}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        for open in [0x81u8, 0x9f, 0xc1] {
            let mut b = vec![open; 100_000];
            b.push(0x00);
            assert!(decode_value(&b).is_err());
            let mut r = CborReader::new(&b);
            assert!(r.skip().is_err());
        }
        // An unknown member holding deep nesting is refused, not recursed into.
        let mut b = hex("a1 6178");
        b.extend(std::iter::repeat_n(0x81, 10_000));
        b.push(0x00);
        assert!(from_slice::<Sample>(&b).is_err());
        // Within the limit is fine.
        let mut b = vec![0x81; MAX_DEPTH - 1];
        b.push(0x00);
        assert!(decode_value(&b).is_ok());
        // Sample nests through Reader::begin_struct.
        let mut b = Vec::new();
        for _ in 0..MAX_DEPTH + 1 {
            b.extend(hex("a1 664e6573746564"));
        }
        b.push(0xa0);
        assert!(from_slice::<Sample>(&b).is_err());
    }

    #[test]
    fn generic_values_and_diagnostics() {
        let v = decode_value(&hex("bf 6346756ef5 63416d7421 ff")).unwrap();
        assert_eq!(
            v,
            Value::Map(vec![
                (Value::Text("Fun".into()), Value::Bool(true)),
                (Value::Text("Amt".into()), Value::Negative(1)),
            ])
        );
        assert_eq!(v.to_string(), r#"{"Fun": true, "Amt": -2}"#);
        assert_eq!(
            decode_value(&hex("3bffffffffffffffff"))
                .unwrap()
                .to_string(),
            "-18446744073709551616"
        );
        assert_eq!(
            decode_value(&hex("c1 fb41d452d9ec200000"))
                .unwrap()
                .to_string(),
            "1(1363896240.5)"
        );
        assert_eq!(
            decode_value(&hex("5f 420102 43030405 ff"))
                .unwrap()
                .to_string(),
            "h'0102030405'"
        );
        assert_eq!(decode_value(&hex("f8ff")).unwrap(), Value::Simple(255));
        assert_eq!(
            decode_value(&hex("82 f6 f7")).unwrap().to_string(),
            "[null, undefined]"
        );
        assert_eq!(decode_value(&hex("f9 8000")).unwrap().to_string(), "-0.0");
    }

    #[test]
    fn reader_api_misuse_is_an_error() {
        let mut r = CborReader::new(&[0x80]);
        assert!(r.next_item().is_err());
        r.begin_list().unwrap();
        assert!(!r.next_item().unwrap());
        assert!(r.next_item().is_err());
    }
}
