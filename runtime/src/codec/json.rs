//! The JSON codec for awsJson1_0 / awsJson1_1 bodies: a writer and a pull reader over a
//! byte slice. Hand-written rather than serde_json: generated decoders need a pull API
//! (serde_json's is push-only), and a direct writer avoids building a `Value` tree.

use std::io::Write as _;

use super::{
    Decode, DecodeError, Encode, Field, Reader, TimestampFormat, UnionMember, ValueKind, Writer,
};
use crate::{base64, DateTime};

/// Nesting deeper than this is rejected, so hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 256;

// ---------------------------------------------------------------------------------------
// Writer

/// Serializes one value tree to compact JSON, the way botocore's `json.dumps` would
/// (modulo whitespace and non-ASCII escaping, which servers do not care about).
#[derive(Debug)]
pub struct JsonWriter {
    buf: Vec<u8>,
    /// A value has been written at the current level, so the next one needs a comma.
    need_comma: bool,
    /// A key was just written; the next value follows its colon without a comma.
    after_key: bool,
}

impl Default for JsonWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl JsonWriter {
    /// An empty writer; request bodies are small, so it starts with a modest buffer.
    pub fn new() -> Self {
        JsonWriter {
            buf: Vec::with_capacity(128),
            need_comma: false,
            after_key: false,
        }
    }

    /// The bytes written so far (the whole document once the top value is complete).
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn value_start(&mut self) {
        if self.after_key {
            self.after_key = false;
        } else if self.need_comma {
            self.buf.push(b',');
        }
    }

    fn key(&mut self, k: &str) {
        if self.need_comma {
            self.buf.push(b',');
        }
        write_escaped(&mut self.buf, k);
        self.buf.push(b':');
        self.after_key = true;
    }

    fn open(&mut self, c: u8) {
        self.value_start();
        self.buf.push(c);
        self.need_comma = false;
    }

    fn close(&mut self, c: u8) {
        self.buf.push(c);
        self.need_comma = true;
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.value_start();
        self.buf.extend_from_slice(bytes);
        self.need_comma = true;
    }

    fn float(&mut self, v: f64, finite: impl FnOnce(&mut Vec<u8>)) {
        if v.is_nan() {
            self.raw(b"\"NaN\"");
        } else if v == f64::INFINITY {
            self.raw(b"\"Infinity\"");
        } else if v == f64::NEG_INFINITY {
            self.raw(b"\"-Infinity\"");
        } else {
            self.value_start();
            finite(&mut self.buf);
            self.need_comma = true;
        }
    }
}

/// Encodes `v` as a JSON document.
pub fn to_vec<T: Encode + ?Sized>(v: &T) -> Vec<u8> {
    let mut w = JsonWriter::new();
    v.encode(&mut w);
    w.into_bytes()
}

impl Writer for JsonWriter {
    fn begin_struct(&mut self) {
        self.open(b'{');
    }

    fn field(&mut self, field: &'static Field) {
        self.key(field.json);
    }

    fn end_struct(&mut self) {
        self.close(b'}');
    }

    fn begin_list(&mut self, _len: usize) {
        self.open(b'[');
    }

    fn end_list(&mut self) {
        self.close(b']');
    }

    fn begin_map(&mut self, _len: usize) {
        self.open(b'{');
    }

    fn map_key(&mut self, key: &str) {
        self.key(key);
    }

    fn end_map(&mut self) {
        self.close(b'}');
    }

    fn string(&mut self, v: &str) {
        self.value_start();
        write_escaped(&mut self.buf, v);
        self.need_comma = true;
    }

    fn boolean(&mut self, v: bool) {
        self.raw(if v { b"true" } else { b"false" });
    }

    fn integer(&mut self, v: i64) {
        self.value_start();
        push_i64(&mut self.buf, v);
        self.need_comma = true;
    }

    fn float32(&mut self, v: f32) {
        // f32's own shortest form, so 0.1f32 is sent as 0.1, not 0.10000000149011612.
        // Debug (unlike Display) keeps a ".0" on whole numbers and uses exponents for
        // very large or small ones, like Python's repr; writing to a Vec cannot fail.
        self.float(f64::from(v), |b| {
            let _ = write!(b, "{v:?}");
        });
    }

    fn float64(&mut self, v: f64) {
        self.float(v, |b| {
            let _ = write!(b, "{v:?}");
        });
    }

    fn timestamp(&mut self, v: &DateTime, format: TimestampFormat) {
        self.value_start();
        match format {
            TimestampFormat::Default | TimestampFormat::EpochSeconds => {
                push_epoch_millis(&mut self.buf, v)
            }
            TimestampFormat::Iso8601 => {
                let _ = write!(self.buf, "\"{v}\"");
            }
            TimestampFormat::HttpDate => {
                self.buf.push(b'"');
                self.buf.extend_from_slice(v.fmt_http_date().as_bytes());
                self.buf.push(b'"');
            }
        }
        self.need_comma = true;
    }

    fn blob(&mut self, v: &[u8]) {
        self.value_start();
        self.buf.push(b'"');
        base64::encode_into(v, &mut self.buf);
        self.buf.push(b'"');
        self.need_comma = true;
    }

    fn null(&mut self) {
        self.raw(b"null");
    }
}

fn push_i64(buf: &mut Vec<u8>, v: i64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        buf.push(b'-');
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Epoch seconds as a decimal number with millisecond precision: an integer when whole
/// (what botocore sends), else up to three fraction digits. Unlike
/// [`DateTime::fmt_epoch`], instants before 1970 are written as their true decimal value.
fn push_epoch_millis(buf: &mut Vec<u8>, v: &DateTime) {
    let millis = v.subsec_nanos() / 1_000_000;
    if millis == 0 {
        push_i64(buf, v.secs());
        return;
    }
    let (neg, whole, frac) = if v.secs() < 0 {
        // secs + millis/1000 = -((|secs| - 1) + (1000 - millis)/1000)
        (true, v.secs().unsigned_abs() - 1, 1_000 - millis)
    } else {
        (false, v.secs().unsigned_abs(), millis)
    };
    if neg {
        buf.push(b'-');
    }
    let _ = write!(buf, "{whole}");
    let digits = [
        b'.',
        b'0' + (frac / 100) as u8,
        b'0' + (frac / 10 % 10) as u8,
        b'0' + (frac % 10) as u8,
    ];
    let len = if frac % 100 == 0 {
        2
    } else if frac % 10 == 0 {
        3
    } else {
        4
    };
    buf.extend_from_slice(&digits[..len]);
}

fn write_escaped(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => {
                let [hi, lo] = crate::hex::lower(b);
                &[b'\\', b'u', b'0', b'0', hi, lo]
            }
            _ => continue,
        };
        buf.extend_from_slice(&bytes[start..i]);
        buf.extend_from_slice(short);
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

// ---------------------------------------------------------------------------------------
// Reader

/// A pull parser over one JSON document.
///
/// Keys are compared with [`Field::json`] in place, without allocating, unless they
/// contain escapes. An empty (or all-whitespace) body reads as an empty object, because
/// services answer some operations with no body at all.
#[derive(Debug)]
pub struct JsonReader<'a> {
    b: &'a [u8],
    pos: usize,
    depth: usize,
    /// The container just entered has not yielded an element yet.
    first: bool,
    /// `begin_struct` met an empty body and stands in for `{}`.
    empty_body: bool,
    /// The field index expected next: members usually arrive in model order, so the
    /// key is compared with this field before any other.
    hint: usize,
}

/// A string token: borrowed when it has no escapes.
enum Str<'a> {
    Raw(&'a str),
    Owned(String),
}

impl Str<'_> {
    fn as_str(&self) -> &str {
        match self {
            Str::Raw(s) => s,
            Str::Owned(s) => s,
        }
    }
}

/// Decodes one document of `T`, rejecting anything but whitespace after it.
pub fn from_slice<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut r = JsonReader::new(bytes);
    let v = T::decode(&mut r)?;
    r.finish()?;
    Ok(v)
}

/// Like [`from_slice`], but a missing required member is an error rather than its zero
/// value (see [`super::Strict`]): for inputs, as a server or the CLI reads them.
pub fn from_slice_strict<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut r = super::Strict(JsonReader::new(bytes));
    let v = T::decode(&mut r)?;
    r.0.finish()?;
    Ok(v)
}

impl<'a> JsonReader<'a> {
    /// A reader positioned at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        JsonReader {
            b: bytes,
            pos: 0,
            depth: 0,
            first: false,
            empty_body: false,
            hint: 0,
        }
    }

    /// Checks that only whitespace is left after the value read.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        self.ws();
        if self.pos < self.b.len() {
            return Err(self.err("trailing characters after the JSON value"));
        }
        Ok(())
    }

    /// The byte offset of the next unread byte.
    pub fn offset(&self) -> usize {
        self.pos
    }

    fn err(&self, msg: &str) -> DecodeError {
        DecodeError::at(self.pos, msg)
    }

    /// Skips whitespace; one comparison when there is none, as in compact JSON.
    #[inline(always)]
    fn ws(&mut self) {
        if matches!(self.b.get(self.pos), Some(&c) if c <= b' ') {
            self.ws_slow();
        }
    }

    #[inline(never)]
    fn ws_slow(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    #[inline]
    fn peek_ws(&mut self) -> Result<u8, DecodeError> {
        self.ws();
        self.b
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.err("unexpected end of JSON input"))
    }

    fn expect_ws(&mut self, c: u8) -> Result<(), DecodeError> {
        if self.peek_ws()? != c {
            return Err(self.err(&format!("expected '{}'", char::from(c))));
        }
        self.pos += 1;
        Ok(())
    }

    fn literal(&mut self, lit: &[u8]) -> Result<(), DecodeError> {
        if self.b.get(self.pos..self.pos + lit.len()) != Some(lit) {
            return Err(self.err("invalid literal"));
        }
        self.pos += lit.len();
        Ok(())
    }

    fn enter(&mut self, open: u8) -> Result<(), DecodeError> {
        self.expect_ws(open)?;
        if self.depth >= MAX_DEPTH {
            return Err(self.err("JSON nested too deeply"));
        }
        self.depth += 1;
        self.first = true;
        Ok(())
    }

    /// Moves past `,` or the closing byte; true when another element follows.
    #[inline]
    fn advance(&mut self, close: u8) -> Result<bool, DecodeError> {
        let c = self.peek_ws()?;
        if c == close {
            self.pos += 1;
            self.depth = self.depth.saturating_sub(1);
            self.first = false;
            return Ok(false);
        }
        if !self.first {
            if c != b',' {
                return Err(self.err(&format!("expected ',' or '{}'", char::from(close))));
            }
            self.pos += 1;
        }
        self.first = false;
        Ok(true)
    }

    /// After `advance` returned true inside an object: the key and its colon.
    #[inline]
    fn key(&mut self) -> Result<Str<'a>, DecodeError> {
        if self.peek_ws()? != b'"' {
            return Err(self.err("expected an object key"));
        }
        let k = self.parse_str()?;
        // Compact JSON puts the colon right after the key.
        if self.b.get(self.pos) == Some(&b':') {
            self.pos += 1;
        } else {
            self.expect_ws(b':')?;
        }
        Ok(k)
    }

    #[inline(always)]
    fn str_token(&mut self, what: &str) -> Result<Str<'a>, DecodeError> {
        if self.peek_ws()? != b'"' {
            return Err(self.err(&format!("expected {what}")));
        }
        self.parse_str()
    }

    /// Parses the string starting at the current `"`.
    #[inline(always)]
    fn parse_str(&mut self) -> Result<Str<'a>, DecodeError> {
        self.pos += 1;
        let start = self.pos;
        let rest = self.b.get(start..).unwrap_or_default();
        let (end, ascii) = plain_run(rest);
        self.pos = start + end;
        match rest.get(end) {
            None => Err(self.err("unterminated string")),
            Some(b'"') => {
                let raw = &rest[..end];
                let s = if ascii {
                    // SAFETY: `plain_run` saw only ASCII bytes in `raw`, and every
                    // sequence of ASCII bytes is valid UTF-8.
                    unsafe { std::str::from_utf8_unchecked(raw) }
                } else {
                    std::str::from_utf8(raw).map_err(|e| {
                        DecodeError::at(start + e.valid_up_to(), "invalid UTF-8 in string")
                    })?
                };
                self.pos += 1;
                Ok(Str::Raw(s))
            }
            Some(b'\\') => self.parse_escaped(start).map(Str::Owned),
            Some(_) => Err(self.err("control character in string")),
        }
    }

    fn parse_escaped(&mut self, start: usize) -> Result<String, DecodeError> {
        let mut out = Vec::with_capacity(self.pos - start + 16);
        out.extend_from_slice(&self.b[start..self.pos]);
        loop {
            match self.b.get(self.pos) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return String::from_utf8(out).map_err(|e| {
                        DecodeError::at(
                            start + e.utf8_error().valid_up_to(),
                            "invalid UTF-8 in string",
                        )
                    });
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self
                        .b
                        .get(self.pos)
                        .copied()
                        .ok_or_else(|| self.err("unterminated string"))?;
                    self.pos += 1;
                    let plain = match c {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let ch = self.unicode_escape()?;
                            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                            continue;
                        }
                        _ => return Err(DecodeError::at(self.pos - 1, "invalid escape in string")),
                    };
                    out.push(plain);
                }
                Some(0x00..=0x1f) => return Err(self.err("control character in string")),
                Some(&c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, DecodeError> {
        let digits = self
            .b
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("truncated \\u escape"))?;
        let mut v = 0;
        for &d in digits {
            let n = char::from(d)
                .to_digit(16)
                .ok_or_else(|| self.err("invalid \\u escape"))?;
            v = v << 4 | n;
        }
        self.pos += 4;
        Ok(v)
    }

    /// After `\u`: one code point, joining a surrogate pair; lone surrogates are errors,
    /// as in serde_json.
    fn unicode_escape(&mut self) -> Result<char, DecodeError> {
        let at = self.pos - 2;
        let hi = self.hex4()?;
        let cp = match hi {
            0xD800..=0xDBFF => {
                if self.b.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(DecodeError::at(at, "lone surrogate in string"));
                }
                self.pos += 2;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return Err(DecodeError::at(at, "lone surrogate in string"));
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(DecodeError::at(at, "lone surrogate in string")),
            _ => hi,
        };
        char::from_u32(cp).ok_or_else(|| DecodeError::at(at, "invalid \\u escape"))
    }

    /// Scans a number token per the JSON grammar; returns its text and whether it is
    /// written as an integer (no fraction or exponent).
    fn scan_number(&mut self) -> Result<(&'a str, bool), DecodeError> {
        let start = self.pos;
        let b = self.b;
        let digits = |p: &mut usize| {
            let s = *p;
            while b.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
            *p - s
        };
        let mut p = self.pos;
        if b.get(p) == Some(&b'-') {
            p += 1;
        }
        match b.get(p) {
            Some(b'0') => p += 1,
            Some(b'1'..=b'9') => {
                digits(&mut p);
            }
            _ => return Err(DecodeError::at(p, "invalid number")),
        }
        let mut integral = true;
        if b.get(p) == Some(&b'.') {
            p += 1;
            integral = false;
            if digits(&mut p) == 0 {
                return Err(DecodeError::at(p, "invalid number"));
            }
        }
        if let Some(b'e' | b'E') = b.get(p) {
            p += 1;
            integral = false;
            if let Some(b'+' | b'-') = b.get(p) {
                p += 1;
            }
            if digits(&mut p) == 0 {
                return Err(DecodeError::at(p, "invalid number"));
            }
        }
        self.pos = p;
        let digits = &b[start..p];
        debug_assert!(digits.is_ascii());
        // SAFETY: the grammar above admits only ASCII bytes (`-`, digits, `.`, `e`, `E`,
        // `+`), and every sequence of ASCII bytes is valid UTF-8.
        let text = unsafe { std::str::from_utf8_unchecked(digits) };
        Ok((text, integral))
    }

    fn number_start(&mut self, what: &str) -> Result<(), DecodeError> {
        match self.peek_ws()? {
            b'-' | b'0'..=b'9' => Ok(()),
            _ => Err(self.err(&format!("expected {what}"))),
        }
    }

    fn skip_value(&mut self) -> Result<(), DecodeError> {
        match self.peek_ws()? {
            b'{' => {
                self.enter(b'{')?;
                while self.advance(b'}')? {
                    self.key()?;
                    self.skip_value()?;
                }
            }
            b'[' => {
                self.enter(b'[')?;
                while self.advance(b']')? {
                    self.skip_value()?;
                }
            }
            b'"' => {
                self.parse_str()?;
            }
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            b'-' | b'0'..=b'9' => {
                self.scan_number()?;
            }
            _ => return Err(self.err("expected a JSON value")),
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Value, DecodeError> {
        Ok(match self.peek_ws()? {
            b'{' => {
                self.enter(b'{')?;
                let mut members = Vec::new();
                while self.advance(b'}')? {
                    let k = match self.key()? {
                        Str::Raw(s) => s.to_owned(),
                        Str::Owned(s) => s,
                    };
                    members.push((k, self.value()?));
                }
                Value::Object(members)
            }
            b'[' => {
                self.enter(b'[')?;
                let mut items = Vec::new();
                while self.advance(b']')? {
                    items.push(self.value()?);
                }
                Value::Array(items)
            }
            b'"' => Value::String(self.string()?),
            b't' | b'f' => Value::Bool(self.boolean()?),
            b'n' => {
                self.literal(b"null")?;
                Value::Null
            }
            _ => {
                self.number_start("a JSON value")?;
                let (text, integral) = self.scan_number()?;
                let exact = if integral {
                    text.parse::<i64>().ok()
                } else {
                    None
                };
                let value = text
                    .parse::<f64>()
                    .map_err(|_| self.err("invalid number"))?;
                Value::Number { value, exact }
            }
        })
    }
}

impl Reader for JsonReader<'_> {
    #[inline]
    fn begin_struct(&mut self) -> Result<(), DecodeError> {
        self.ws();
        if self.depth == 0 && self.pos == self.b.len() {
            self.empty_body = true;
            return Ok(());
        }
        self.hint = 0;
        self.enter(b'{')
    }

    #[inline]
    fn next_field(&mut self, fields: &'static [Field]) -> Result<Option<usize>, DecodeError> {
        if self.empty_body {
            self.empty_body = false;
            return Ok(None);
        }
        while self.advance(b'}')? {
            // The member expected next, written plainly ("Name" then ':'), is matched in
            // place: the key's bytes are compared, not scanned. A key with an escape in
            // it differs from the name byte for byte, so it takes the general path below.
            if let Some(f) = fields.get(self.hint) {
                let name = f.json.as_bytes();
                let (start, end) = (self.pos + 1, self.pos + 1 + name.len());
                if self.b.get(self.pos) == Some(&b'"')
                    && self.b.get(end) == Some(&b'"')
                    && self
                        .b
                        .get(start..end)
                        .is_some_and(|k| super::key_eq(k, name))
                {
                    self.pos = end + 1;
                    if self.b.get(self.pos) == Some(&b':') {
                        self.pos += 1;
                    } else {
                        self.expect_ws(b':')?;
                    }
                    let i = self.hint;
                    self.hint = i + 1;
                    if self.peek_ws()? != b'n' {
                        return Ok(Some(i));
                    }
                    self.skip_value()?;
                    continue;
                }
            }
            let key = self.key()?;
            let k = key.as_str().as_bytes();
            let idx = match fields.get(self.hint) {
                Some(f) if super::key_eq(k, f.json.as_bytes()) => Some(self.hint),
                _ => fields
                    .iter()
                    .position(|f| super::key_eq(k, f.json.as_bytes())),
            };
            if let Some(i) = idx {
                self.hint = i + 1;
            }
            match idx {
                Some(i) if self.peek_ws()? != b'n' => return Ok(Some(i)),
                _ => self.skip_value()?,
            }
        }
        Ok(None)
    }

    fn begin_list(&mut self) -> Result<(), DecodeError> {
        self.enter(b'[')
    }

    #[inline]
    fn next_item(&mut self) -> Result<bool, DecodeError> {
        self.advance(b']')
    }

    fn begin_map(&mut self) -> Result<(), DecodeError> {
        self.enter(b'{')
    }

    fn next_key(&mut self) -> Result<Option<String>, DecodeError> {
        if !self.advance(b'}')? {
            return Ok(None);
        }
        Ok(Some(match self.key()? {
            Str::Raw(s) => s.to_owned(),
            Str::Owned(s) => s,
        }))
    }

    #[inline]
    fn null(&mut self) -> Result<bool, DecodeError> {
        self.ws();
        if self.b.get(self.pos) == Some(&b'n') {
            self.literal(b"null")?;
            return Ok(true);
        }
        Ok(false)
    }

    #[inline]
    fn string(&mut self) -> Result<String, DecodeError> {
        Ok(match self.str_token("a string")? {
            Str::Raw(s) => s.to_owned(),
            Str::Owned(s) => s,
        })
    }

    #[inline]
    fn enum_value<T>(&mut self, f: impl FnOnce(&str) -> T) -> Result<T, DecodeError> {
        Ok(f(self.str_token("a string")?.as_str()))
    }

    fn boolean(&mut self) -> Result<bool, DecodeError> {
        match self.peek_ws()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => Err(self.err("expected a boolean")),
        }
    }

    fn integer(&mut self) -> Result<i64, DecodeError> {
        self.number_start("an integer")?;
        let start = self.pos;
        let (text, integral) = self.scan_number()?;
        if !integral {
            return Err(DecodeError::at(
                start,
                "expected an integer, found a fraction or exponent",
            ));
        }
        text.parse::<i64>()
            .map_err(|_| DecodeError::at(start, "integer out of range"))
    }

    fn float(&mut self) -> Result<f64, DecodeError> {
        if self.peek_ws()? == b'"' {
            let start = self.pos;
            // botocore sends (and accepts) the IEEE specials as these strings.
            return match self.parse_str()?.as_str() {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => Err(DecodeError::at(start, "expected a number")),
            };
        }
        self.number_start("a number")?;
        let start = self.pos;
        let (text, _) = self.scan_number()?;
        // Too large a magnitude becomes ±infinity, as in Python's json module.
        text.parse::<f64>()
            .map_err(|_| DecodeError::at(start, "invalid number"))
    }

    #[inline]
    fn timestamp(&mut self, format: TimestampFormat) -> Result<DateTime, DecodeError> {
        self.ws();
        let start = self.pos;
        if self.peek_ws()? == b'"' {
            let s = self.parse_str()?;
            return parse_timestamp_text(s.as_str(), format)
                .ok_or_else(|| DecodeError::at(start, "invalid timestamp"));
        }
        // Whole seconds, what services send: digits straight to the value, with no
        // scan and parse of the text. Ten digits or fewer always fit.
        let mut p = start;
        let mut secs = 0i64;
        // Eight digits at once when there are (any date after 1973 has ten).
        if let Some(v) = self.b.get(p..p + 8).and_then(eight_digits) {
            secs = v as i64;
            p += 8;
        }
        while let Some(&d @ b'0'..=b'9') = self.b.get(p) {
            if p - start == 10 {
                break;
            }
            secs = secs * 10 + i64::from(d - b'0');
            p += 1;
        }
        let leading_zero = self.b.get(start) == Some(&b'0') && p - start > 1;
        if p > start
            && !leading_zero
            && !matches!(self.b.get(p), Some(b'0'..=b'9' | b'.' | b'e' | b'E'))
        {
            self.pos = p;
            return Ok(DateTime::from_secs(secs));
        }
        self.number_start("a timestamp")?;
        let start = self.pos;
        let (text, _) = self.scan_number()?;
        decimal_timestamp(text.as_bytes())
            .ok_or_else(|| DecodeError::at(start, "timestamp out of range"))
    }

    fn blob(&mut self) -> Result<Vec<u8>, DecodeError> {
        self.ws();
        let start = self.pos;
        let s = self.str_token("a base64 string")?;
        base64::decode(s.as_str().as_bytes())
            .map_err(|e| DecodeError::at(start + 1 + e.offset, "invalid base64 in blob"))
    }

    fn skip(&mut self) -> Result<(), DecodeError> {
        self.skip_value()
    }

    fn next_union_member(
        &mut self,
        fields: &'static [Field],
    ) -> Result<Option<UnionMember>, DecodeError> {
        if self.empty_body {
            self.empty_body = false;
            return Ok(None);
        }
        while self.advance(b'}')? {
            let key = self.key()?;
            let k = key.as_str();
            if k == "__type" || self.peek_ws()? == b'n' {
                self.skip_value()?;
                continue;
            }
            return Ok(Some(match fields.iter().position(|f| f.json == k) {
                Some(i) => UnionMember::Known(i),
                None => {
                    let name = k.to_owned();
                    self.skip_value()?;
                    UnionMember::Unknown(name)
                }
            }));
        }
        Ok(None)
    }

    fn peek_kind(&mut self) -> Result<ValueKind, DecodeError> {
        Ok(match self.peek_ws()? {
            b'{' => ValueKind::Map,
            b'[' => ValueKind::List,
            b'"' => ValueKind::String,
            b't' | b'f' => ValueKind::Bool,
            b'n' => ValueKind::Null,
            _ => {
                self.number_start("a JSON value")?;
                let start = self.pos;
                let (text, integral) = self.scan_number()?;
                let integer = integral && text.parse::<i64>().is_ok();
                self.pos = start;
                if integer {
                    ValueKind::Integer
                } else {
                    ValueKind::Float
                }
            }
        })
    }
}

/// A timestamp sent as a string. The member's format is tried first, then the others,
/// as botocore's lenient timestamp parser would accept any of them.
fn parse_timestamp_text(s: &str, format: TimestampFormat) -> Option<DateTime> {
    let epoch = || decimal_timestamp(s.trim().as_bytes());
    let iso = || DateTime::parse_iso8601(s.trim()).ok();
    let http = || DateTime::parse_http_date(s).ok();
    match format {
        TimestampFormat::Default | TimestampFormat::EpochSeconds => {
            epoch().or_else(iso).or_else(http)
        }
        TimestampFormat::Iso8601 => iso().or_else(http).or_else(epoch),
        TimestampFormat::HttpDate => http().or_else(iso).or_else(epoch),
    }
}

/// The length of the run of `b` before its first `"`, `\\` or control byte (all of `b`
/// if there is none), and whether that run is all ASCII.
#[inline(always)]
fn plain_run(b: &[u8]) -> (usize, bool) {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Non-zero when some byte of `x` is zero / below `n` (n <= 0x80).
    let has_zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let has_below = |x: u64, n: u64| x.wrapping_sub(LO * n) & !x & HI;
    // The OR of every plain byte seen: its high bits say whether the run is all ASCII,
    // so the caller need not scan the run a second time to validate it.
    let mut seen = 0u64;
    let mut i = 0;
    // Sixteen bytes at a time where SSE2 is sure to be present (all of x86_64): about
    // a third of the instructions of the word loop below, which takes the tail.
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8,
            _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128,
        };
        // SAFETY: SSE2 is part of the x86_64 baseline, so the intrinsics are available;
        // each load reads `b[i..i + 16]`, which the loop condition keeps in bounds, and
        // `_mm_loadu_si128` has no alignment requirement.
        unsafe {
            let quote = _mm_set1_epi8(b'"' as i8);
            let backslash = _mm_set1_epi8(b'\\' as i8);
            let control = _mm_set1_epi8(0x1f);
            let mut high = _mm_setzero_si128();
            while i + 16 <= b.len() {
                let v = _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>());
                // max(v, 0x1f) == 0x1f exactly for the bytes below 0x20.
                let special = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                    _mm_cmpeq_epi8(_mm_max_epu8(v, control), control),
                );
                let hits = _mm_movemask_epi8(special) as u32;
                if hits != 0 {
                    let k = hits.trailing_zeros();
                    let before = (_mm_movemask_epi8(v) as u32) & ((1u32 << k) - 1);
                    let ascii = before == 0 && _mm_movemask_epi8(high) == 0;
                    return (i + k as usize, ascii);
                }
                high = _mm_or_si128(high, v);
                i += 16;
            }
            if _mm_movemask_epi8(high) != 0 {
                seen = HI;
            }
        }
    }
    while let Some(chunk) = b.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let w = u64::from_le_bytes(word);
        let special = has_zero(w ^ (LO * u64::from(b'"')))
            | has_zero(w ^ (LO * u64::from(b'\\')))
            | has_below(w, 0x20);
        if special != 0 {
            // Each test flags its lowest hit exactly (only bytes above a real hit can be
            // flagged falsely), so the lowest flag of the three is the first special
            // byte: the end of the run is found in this word, without a byte loop.
            let k = (special.trailing_zeros() / 8) as usize;
            // The bytes before it; k < 8, so the shift is in range.
            seen |= w & ((1u64 << (8 * k)) - 1);
            return (i + k, seen & HI == 0);
        }
        seen |= w;
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        seen |= u64::from(c);
        i += 1;
    }
    (i, seen & HI == 0)
}

/// The value of eight ASCII digits, or `None` if some byte is not a digit: one word, a
/// validity test and three multiply-and-shift steps instead of eight loop rounds.
#[inline(always)]
fn eight_digits(b: &[u8]) -> Option<u64> {
    let w = u64::from_le_bytes(b.try_into().ok()?);
    // Every byte is 0x30..=0x39: the high nibble is 3, and adding 6 does not carry out
    // of the low nibble.
    let ok = (w & 0xf0f0_f0f0_f0f0_f0f0) == 0x3030_3030_3030_3030
        && (w.wrapping_add(0x0606_0606_0606_0606) & 0xf0f0_f0f0_f0f0_f0f0) == 0x3030_3030_3030_3030;
    if !ok {
        return None;
    }
    // The first digit is the lowest byte. Combine neighbouring digits, then pairs, then
    // quads (each step multiplies the higher-order part by 10, 100, 10000).
    let d = w - 0x3030_3030_3030_3030;
    let d = (d * 10 + (d >> 8)) & 0x00ff_00ff_00ff_00ff;
    let d = (d * 100 + (d >> 16)) & 0x0000_ffff_0000_ffff;
    Some((d * 10000 + (d >> 32)) & 0xffff_ffff)
}

/// Epoch seconds written in decimal (`-12.5`, `1.7e9`, also `+1` and `.5` as Python's
/// `float()` allows) converted exactly, without an f64 round trip; digits below the
/// nanosecond are dropped. `None` for malformed text or seconds outside `i64`.
fn decimal_timestamp(s: &[u8]) -> Option<DateTime> {
    // Whole seconds, the common case: at most 18 digits fit an i64.
    if !s.is_empty() && s.len() <= 18 && s.iter().all(u8::is_ascii_digit) {
        let secs = s.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
        return Some(DateTime::from_secs(secs));
    }
    let run = |i: &mut usize| {
        let start = *i;
        while s.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        start..*i
    };
    let mut i = 0;
    let neg = match s.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let int = run(&mut i);
    let mut frac = i..i;
    if s.get(i) == Some(&b'.') {
        i += 1;
        frac = run(&mut i);
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp: i64 = 0;
    if let Some(b'e' | b'E') = s.get(i) {
        i += 1;
        let eneg = match s.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let digits = run(&mut i);
        if digits.is_empty() {
            return None;
        }
        for &d in &s[digits] {
            // Saturate: anything this large is out of range either way.
            exp = (exp * 10 + i64::from(d - b'0')).min(1_000_000_000);
        }
        if eneg {
            exp = -exp;
        }
    }
    if i != s.len() {
        return None;
    }
    // value = D × 10^(exp − |frac|) with D the digits of int and frac; in nanoseconds
    // that is D × 10^shift.
    let frac_len = i64::try_from(frac.len()).ok()?;
    let shift = exp + 9 - frac_len;
    let total = i64::try_from(int.len()).ok()? + frac_len;
    let keep = if shift >= 0 {
        total
    } else {
        (total + shift).max(0)
    };
    let mut acc: i128 = 0;
    for &d in s[int]
        .iter()
        .chain(&s[frac])
        .take(usize::try_from(keep).ok()?)
    {
        acc = acc.checked_mul(10)?.checked_add(i128::from(d - b'0'))?;
    }
    if acc != 0 {
        for _ in 0..shift.max(0) {
            acc = acc.checked_mul(10)?;
        }
    }
    if neg {
        acc = -acc;
    }
    let secs = i64::try_from(acc.div_euclid(1_000_000_000)).ok()?;
    DateTime::from_parts(secs, acc.rem_euclid(1_000_000_000) as u32)
}

// ---------------------------------------------------------------------------------------
// Value

/// A parsed JSON document, for diagnostics, error bodies and tests; generated code
/// decodes straight into shapes instead.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number: its f64 value, and the exact integer when it is written as one that
    /// fits an `i64`.
    Number {
        /// The nearest f64.
        value: f64,
        /// The exact value of an integer token within `i64`.
        exact: Option<i64>,
    },
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in document order (duplicates kept).
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The last member named `key`, if this is an object that has one: a duplicated key
    /// reads as Python's `json.loads` (botocore) and serde_json read it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members in document order, duplicates kept, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number as an f64, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number { value, .. } => Some(*value),
            _ => None,
        }
    }

    /// The exact integer, if this is an integer number within `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number { exact, .. } => *exact,
            _ => None,
        }
    }
}

impl Encode for Value {
    fn encode<W: Writer>(&self, w: &mut W) {
        match self {
            Value::Null => w.null(),
            Value::Bool(b) => w.boolean(*b),
            Value::Number { exact: Some(i), .. } => w.integer(*i),
            Value::Number { value, .. } => w.float64(*value),
            Value::String(s) => w.string(s),
            Value::Array(items) => {
                w.begin_list(items.len());
                for v in items {
                    v.encode(w);
                }
                w.end_list();
            }
            Value::Object(members) => {
                w.begin_map(members.len());
                for (k, v) in members {
                    w.map_key(k);
                    v.encode(w);
                }
                w.end_map();
            }
        }
    }
}

/// Parses any JSON document into a [`Value`] (an empty body is an error here).
pub fn decode_value(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut r = JsonReader::new(bytes);
    let v = r.value()?;
    r.finish()?;
    Ok(v)
}

/// Compact JSON, as [`to_vec`] writes it (for messages).
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The writer emits only `str` contents and ASCII, so the bytes are UTF-8.
        f.write_str(&String::from_utf8_lossy(&to_vec(self)))
    }
}

/// Parses a document the runtime reads for itself (an endpoint rule set,
/// partitions.json, a credentials document). The error gives the line and column
/// rather than a byte offset, as serde_json's did: these files are read and edited by
/// people. It never quotes the input, which may hold secrets.
pub(crate) fn parse_document(bytes: &[u8]) -> Result<Value, String> {
    decode_value(bytes).map_err(|e| match e.offset() {
        Some(at) => {
            let before = bytes.get(..at).unwrap_or(bytes);
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            // Characters, not bytes: UTF-8 continuation bytes do not start one.
            let column = 1 + before[line_start..]
                .iter()
                .filter(|&&b| b & 0xC0 != 0x80)
                .count();
            format!("{} at line {line} column {column}", e.message())
        }
        None => e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{decode_list, decode_map, encode_list, encode_map};
    use crate::Map;

    /// A shape exercising every kind of member, encoded and decoded by hand the way
    /// generated code does.
    #[derive(Clone, Debug, Default, PartialEq)]
    struct Sample {
        name: Option<String>,
        count: Option<i64>,
        small: Option<i32>,
        ratio: Option<f64>,
        single: Option<f32>,
        flag: Option<bool>,
        when: Option<DateTime>,
        when_iso: Option<DateTime>,
        when_http: Option<DateTime>,
        data: Option<Vec<u8>>,
        tags: Option<Vec<String>>,
        attrs: Option<Map<i64>>,
        child: Option<Box<Sample>>,
    }

    static FIELDS: [Field; 13] = [
        Field::new("Name"),
        Field::new("Count"),
        Field::new("Small"),
        Field::new("Ratio"),
        Field::new("Single"),
        Field::new("Flag"),
        Field::new("When"),
        Field::new("WhenIso"),
        Field::new("WhenHttp"),
        Field::new("Data"),
        Field::new("Tags"),
        Field::with_json("Attrs", "attributes"),
        Field::new("Child"),
    ];

    impl Encode for Sample {
        fn encode<W: Writer>(&self, w: &mut W) {
            w.begin_struct();
            if let Some(v) = &self.name {
                w.field(&FIELDS[0]);
                w.string(v);
            }
            if let Some(v) = self.count {
                w.field(&FIELDS[1]);
                w.integer(v);
            }
            if let Some(v) = self.small {
                w.field(&FIELDS[2]);
                w.integer(i64::from(v));
            }
            if let Some(v) = self.ratio {
                w.field(&FIELDS[3]);
                w.float64(v);
            }
            if let Some(v) = self.single {
                w.field(&FIELDS[4]);
                w.float32(v);
            }
            if let Some(v) = self.flag {
                w.field(&FIELDS[5]);
                w.boolean(v);
            }
            if let Some(v) = &self.when {
                w.field(&FIELDS[6]);
                w.timestamp(v, TimestampFormat::Default);
            }
            if let Some(v) = &self.when_iso {
                w.field(&FIELDS[7]);
                w.timestamp(v, TimestampFormat::Iso8601);
            }
            if let Some(v) = &self.when_http {
                w.field(&FIELDS[8]);
                w.timestamp(v, TimestampFormat::HttpDate);
            }
            if let Some(v) = &self.data {
                w.field(&FIELDS[9]);
                w.blob(v);
            }
            if let Some(v) = &self.tags {
                w.field(&FIELDS[10]);
                encode_list(w, v, |w, s| w.string(s));
            }
            if let Some(v) = &self.attrs {
                w.field(&FIELDS[11]);
                encode_map(w, v, |w, n| w.integer(*n));
            }
            if let Some(v) = &self.child {
                w.field(&FIELDS[12]);
                v.encode(w);
            }
            w.end_struct();
        }
    }

    impl Decode for Sample {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            let mut s = Sample::default();
            r.begin_struct()?;
            while let Some(i) = r.next_field(&FIELDS)? {
                match i {
                    0 => s.name = Some(r.string()?),
                    1 => s.count = Some(r.integer()?),
                    2 => s.small = Some(r.integer32()?),
                    3 => s.ratio = Some(r.float()?),
                    4 => s.single = Some(r.float()? as f32),
                    5 => s.flag = Some(r.boolean()?),
                    6 => s.when = Some(r.timestamp(TimestampFormat::Default)?),
                    7 => s.when_iso = Some(r.timestamp(TimestampFormat::Iso8601)?),
                    8 => s.when_http = Some(r.timestamp(TimestampFormat::HttpDate)?),
                    9 => s.data = Some(r.blob()?),
                    10 => s.tags = Some(decode_list(r, |r| r.string())?),
                    11 => s.attrs = Some(decode_map(r, |r| r.integer())?),
                    12 => s.child = Some(Box::new(Sample::decode(r)?)),
                    _ => r.skip()?,
                }
            }
            Ok(s)
        }
    }

    fn text(v: &impl Encode) -> String {
        String::from_utf8(to_vec(v)).unwrap()
    }

    fn full() -> Sample {
        Sample {
            name: Some("a \"quoted\" \\ name\n\u{1}\u{7f} é 😀".into()),
            count: Some(i64::MIN),
            small: Some(-7),
            ratio: Some(1.5),
            single: Some(0.1),
            flag: Some(false),
            when: DateTime::from_parts(1_704_164_645, 250_000_000),
            when_iso: DateTime::from_parts(1_704_164_645, 123_456_000),
            when_http: Some(DateTime::from_secs(1_704_164_645)),
            data: Some(vec![0, 1, 2, 250, 255]),
            tags: Some(vec!["x".into(), String::new()]),
            attrs: Some(Map::from([("b".to_string(), 2), ("a".to_string(), 1)])),
            child: Some(Box::new(Sample {
                count: Some(i64::MAX),
                ..Sample::default()
            })),
        }
    }

    #[test]
    fn plain_run_stops_at_the_first_quote_backslash_or_control_byte() {
        let naive = |b: &[u8]| {
            let end = b
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(b.len());
            (end, b[..end].is_ascii())
        };
        let fillers: [&[u8]; 3] = [b"a", "é".as_bytes(), b"\x7f"];
        for len in 0..52 {
            for filler in fillers {
                let base: Vec<u8> = filler.iter().copied().cycle().take(len).collect();
                assert_eq!(plain_run(&base), naive(&base));
                for at in 0..len {
                    for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                        let mut b = base.clone();
                        b[at] = special;
                        assert_eq!(plain_run(&b), naive(&b), "{b:?}");
                    }
                    // Bytes just past the specials are plain.
                    for plain in [b' ', b'#', b']', 0x80, 0xff] {
                        let mut b = base.clone();
                        b[at] = plain;
                        assert_eq!(plain_run(&b), naive(&b), "{b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn eight_digits_agrees_with_parsing() {
        for v in [
            0u64, 1, 9, 10, 12_345_678, 99_999_999, 17_000_000, 10_000_001,
        ] {
            let text = format!("{v:08}");
            assert_eq!(eight_digits(text.as_bytes()), Some(v), "{text}");
        }
        for bad in [
            b"1234567/",
            b"1234567:",
            b"a2345678",
            b"1234 678",
            b"\xff2345678",
        ] {
            assert_eq!(eight_digits(&bad[..8]), None);
        }
        assert_eq!(eight_digits(b"1234567"), None);
    }

    #[test]
    fn whole_second_timestamps_take_the_fast_path_exactly() {
        assert_eq!(
            decimal_timestamp(b"1700000000"),
            Some(DateTime::from_secs(1_700_000_000))
        );
        assert_eq!(decimal_timestamp(b"0"), Some(DateTime::from_secs(0)));
        let max18 = b"999999999999999999";
        assert_eq!(
            decimal_timestamp(max18),
            Some(DateTime::from_secs(999_999_999_999_999_999))
        );
        // 19 digits and fractions go the general way.
        assert_eq!(
            decimal_timestamp(b"1000000000000000000"),
            Some(DateTime::from_secs(1_000_000_000_000_000_000))
        );
        assert_eq!(
            decimal_timestamp(b"1.5"),
            DateTime::from_parts(1, 500_000_000)
        );
        assert_eq!(decimal_timestamp(b""), None);
    }

    #[test]
    fn writes_the_expected_text() {
        assert_eq!(text(&Sample::default()), "{}");
        assert_eq!(
            text(&full()),
            concat!(
                r#"{"Name":"a \"quoted\" \\ name\n\u0001"#,
                "\u{7f} é 😀",
                r#"","Count":-9223372036854775808,"Small":-7,"Ratio":1.5,"Single":0.1,"Flag":false,"#,
                r#""When":1704164645.25,"WhenIso":"2024-01-02T03:04:05.123456Z","#,
                r#""WhenHttp":"Tue, 02 Jan 2024 03:04:05 GMT","Data":"AAEC+v8=","Tags":["x",""],"#,
                r#""attributes":{"b":2,"a":1},"Child":{"Count":9223372036854775807}}"#
            )
        );
    }

    #[test]
    fn round_trips() {
        let v = full();
        assert_eq!(from_slice::<Sample>(&to_vec(&v)), Ok(v.clone()));
        // The output is valid JSON by an independent parser too.
        let parsed: serde_json::Value = serde_json::from_slice(&to_vec(&v)).unwrap();
        assert_eq!(parsed["Name"].as_str(), v.name.as_deref());
        assert_eq!(parsed["attributes"]["b"], 2);
    }

    #[test]
    fn floats_and_specials() {
        let f = |x: f64| {
            text(&Sample {
                ratio: Some(x),
                ..Sample::default()
            })
        };
        assert_eq!(f(1.0), r#"{"Ratio":1.0}"#);
        assert_eq!(f(-0.0), r#"{"Ratio":-0.0}"#);
        assert_eq!(f(1e300), r#"{"Ratio":1e300}"#);
        assert_eq!(f(2.5e-8), r#"{"Ratio":2.5e-8}"#);
        assert_eq!(f(f64::NAN), r#"{"Ratio":"NaN"}"#);
        assert_eq!(f(f64::INFINITY), r#"{"Ratio":"Infinity"}"#);
        assert_eq!(f(f64::NEG_INFINITY), r#"{"Ratio":"-Infinity"}"#);
        for x in [
            1.0,
            0.1,
            1e300,
            2.5e-8,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let back = from_slice::<Sample>(f(x).as_bytes()).unwrap();
            assert_eq!(back.ratio, Some(x));
        }
        let nan = from_slice::<Sample>(f(f64::NAN).as_bytes()).unwrap();
        assert!(nan.ratio.unwrap().is_nan());
        let r = |s: &str| from_slice::<Sample>(s.as_bytes()).map(|v| v.ratio);
        assert_eq!(r(r#"{"Ratio":3}"#), Ok(Some(3.0)));
        assert_eq!(r(r#"{"Ratio":1E2}"#), Ok(Some(100.0)));
        assert_eq!(r(r#"{"Ratio":1e400}"#), Ok(Some(f64::INFINITY)));
        assert!(r(r#"{"Ratio":"nan"}"#).is_err());
        assert!(r(r#"{"Ratio":01}"#).is_err());
        assert!(r(r#"{"Ratio":1.}"#).is_err());
        assert!(r(r#"{"Ratio":.5}"#).is_err());
        assert!(r(r#"{"Ratio":+1}"#).is_err());
        assert!(r(r#"{"Ratio":-}"#).is_err());
        assert!(r(r#"{"Ratio":1e}"#).is_err());
    }

    #[test]
    fn integers() {
        let c = |s: &str| from_slice::<Sample>(s.as_bytes()).map(|v| v.count);
        assert_eq!(c(r#"{"Count":-9223372036854775808}"#), Ok(Some(i64::MIN)));
        assert_eq!(c(r#"{"Count":0}"#), Ok(Some(0)));
        assert!(c(r#"{"Count":9223372036854775808}"#).is_err());
        assert!(c(r#"{"Count":1.5}"#).is_err());
        assert!(c(r#"{"Count":1e3}"#).is_err());
        assert!(c(r#"{"Count":"1"}"#).is_err());
        assert!(c(r#"{"Count":99999999999999999999999999999999999999999}"#).is_err());
        let s = |t: &str| from_slice::<Sample>(t.as_bytes()).map(|v| v.small);
        assert_eq!(s(r#"{"Small":2147483647}"#), Ok(Some(i32::MAX)));
        assert!(s(r#"{"Small":2147483648}"#).is_err());
    }

    #[test]
    fn strings_and_escapes() {
        let n = |s: &str| from_slice::<Sample>(s.as_bytes()).map(|v| v.name);
        assert_eq!(
            n(r#"{"Name":"\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00"}"#),
            Ok(Some("\"\\/\u{8}\u{c}\n\r\tAé€😀".into()))
        );
        assert_eq!(n("{\"Name\":\"plain é\"}"), Ok(Some("plain é".into())));
        for bad in [
            r#"{"Name":"\ud83d"}"#,
            r#"{"Name":"\ud83dx"}"#,
            r#"{"Name":"\ud83d\u0041"}"#,
            r#"{"Name":"\ude00"}"#,
            r#"{"Name":"\x"}"#,
            r#"{"Name":"\u12"}"#,
            r#"{"Name":"\u12G4"}"#,
            "{\"Name\":\"tab\there\"}",
            r#"{"Name":"open"#,
            r#"{"Name":"esc\"#,
            r#"{"Name":5}"#,
        ] {
            assert!(n(bad).is_err(), "{bad}");
        }
        assert!(from_slice::<Sample>(b"{\"Name\":\"\xff\"}").is_err());
        assert!(from_slice::<Sample>(b"{\"Name\":\"\\n\xc3\"}").is_err());
        // Escaped keys still match their field.
        assert_eq!(n(r#"{"N\u0061me":"x"}"#), Ok(Some("x".into())));
    }

    #[test]
    fn keys_in_model_order_escaped_or_prefixed_read_alike() {
        // In order, compact: every key takes the in-place comparison.
        let plain = br#"{"Name":"n","Count":3,"Small":2}"#;
        // Escaped keys, a key that extends the expected one, a null where the expected
        // member stands, and whitespace before the colon.
        let odd = br#"{"N\u0061me":"n","CountX":9,"Count" : 3,"Small":null,"Small":2}"#;
        for doc in [&plain[..], &odd[..]] {
            let v = from_slice::<Sample>(doc).unwrap();
            assert_eq!(
                v.name.as_deref(),
                Some("n"),
                "{}",
                String::from_utf8_lossy(doc)
            );
            assert_eq!(v.count, Some(3));
            assert_eq!(v.small, Some(2));
        }
        // A key cut off by the end of the input is an error, not a match.
        assert!(from_slice::<Sample>(br#"{"Name"#).is_err());
        assert!(from_slice::<Sample>(br#"{"Name""#).is_err());
    }

    #[test]
    fn skips_unknown_members_and_nulls() {
        let doc = r#" {
            "Unknown": {"deep": [1, 2.5e3, "s\"", true, false, null, {"k": []}]},
            "Name": null,
            "Count": 3 ,
            "Tags": ["a", null, "b"],
            "attributes": {"x": 1, "y": null},
            "Attrs": "wrong key is ignored",
            "Child": {}
        } "#;
        let v = from_slice::<Sample>(doc.as_bytes()).unwrap();
        assert_eq!(v.name, None);
        assert_eq!(v.count, Some(3));
        assert_eq!(v.tags, Some(vec!["a".into(), "b".into()]));
        assert_eq!(v.attrs, Some(Map::from([("x".to_string(), 1)])));
        assert_eq!(v.child, Some(Box::default()));
    }

    #[test]
    fn empty_body_is_an_empty_struct() {
        assert_eq!(from_slice::<Sample>(b""), Ok(Sample::default()));
        assert_eq!(from_slice::<Sample>(b" \n"), Ok(Sample::default()));
        assert_eq!(from_slice::<Sample>(b"{}"), Ok(Sample::default()));
        // Only the top level: a nested empty value is still an error.
        assert!(from_slice::<Sample>(br#"{"Child":}"#).is_err());
    }

    #[test]
    fn timestamps_in_each_format() {
        let t = |s: &str| from_slice::<Sample>(s.as_bytes()).unwrap();
        let want = DateTime::from_secs(1_704_164_645);
        assert_eq!(t(r#"{"When":1704164645}"#).when, Some(want));
        assert_eq!(t(r#"{"When":1704164645.0}"#).when, Some(want));
        assert_eq!(t(r#"{"When":1.704164645e9}"#).when, Some(want));
        assert_eq!(t(r#"{"When":"1704164645"}"#).when, Some(want));
        assert_eq!(t(r#"{"When":"2024-01-02T03:04:05Z"}"#).when, Some(want));
        assert_eq!(
            t(r#"{"When":"Tue, 02 Jan 2024 03:04:05 GMT"}"#).when,
            Some(want)
        );
        assert_eq!(
            t(r#"{"WhenIso":"2024-01-02T03:04:05Z"}"#).when_iso,
            Some(want)
        );
        assert_eq!(
            t(r#"{"WhenIso":"2024-01-02T04:04:05+01:00"}"#).when_iso,
            Some(want)
        );
        assert_eq!(t(r#"{"WhenIso":1704164645}"#).when_iso, Some(want));
        assert_eq!(
            t(r#"{"WhenHttp":"Tue, 02 Jan 2024 03:04:05 GMT"}"#).when_http,
            Some(want)
        );
        assert_eq!(
            t(r#"{"WhenHttp":"2024-01-02T03:04:05Z"}"#).when_http,
            Some(want)
        );
        assert_eq!(
            t(r#"{"When":1704164645.123}"#).when,
            DateTime::from_parts(1_704_164_645, 123_000_000)
        );
        assert_eq!(
            t(r#"{"When":-1.5}"#).when,
            DateTime::from_parts(-2, 500_000_000)
        );
        assert_eq!(
            t(r#"{"When":1.0000000019}"#).when,
            DateTime::from_parts(1, 1)
        );
        let bad = |s: &str| from_slice::<Sample>(s.as_bytes()).is_err();
        assert!(bad(r#"{"When":"yesterday"}"#));
        assert!(bad(r#"{"When":1e30}"#));
        assert!(bad(r#"{"When":1e999999999999}"#));
        assert!(bad(r#"{"When":true}"#));
        assert!(bad(r#"{"When":"NaN"}"#));
    }

    #[test]
    fn writes_epoch_seconds_with_millisecond_precision() {
        let w = |secs, nanos| {
            text(&Sample {
                when: DateTime::from_parts(secs, nanos),
                ..Sample::default()
            })
        };
        assert_eq!(w(1_704_164_645, 0), r#"{"When":1704164645}"#);
        assert_eq!(w(1_704_164_645, 999_999), r#"{"When":1704164645}"#);
        assert_eq!(w(1_704_164_645, 1_000_000), r#"{"When":1704164645.001}"#);
        assert_eq!(w(1_704_164_645, 10_000_000), r#"{"When":1704164645.01}"#);
        assert_eq!(w(1_704_164_645, 123_900_000), r#"{"When":1704164645.123}"#);
        assert_eq!(w(-2, 500_000_000), r#"{"When":-1.5}"#);
        assert_eq!(w(-1, 750_000_000), r#"{"When":-0.25}"#);
        assert_eq!(
            w(i64::MIN, 1_000_000),
            r#"{"When":-9223372036854775807.999}"#
        );
        // What we write, we read back (to the millisecond).
        for (s, n) in [
            (-2, 500_000_000),
            (-1, 1_000_000),
            (0, 999_000_000),
            (i64::MAX, 5_000_000),
        ] {
            let back = from_slice::<Sample>(w(s, n).as_bytes()).unwrap();
            assert_eq!(back.when, DateTime::from_parts(s, n));
        }
    }

    #[test]
    fn blobs() {
        let d = |s: &str| from_slice::<Sample>(s.as_bytes()).map(|v| v.data);
        assert_eq!(
            d(r#"{"Data":"AAEC+v8="}"#),
            Ok(Some(vec![0, 1, 2, 250, 255]))
        );
        assert_eq!(
            d(r#"{"Data":"AAEC+v8"}"#),
            Ok(Some(vec![0, 1, 2, 250, 255]))
        );
        assert_eq!(
            d(r#"{"Data":"AAEC+v8\/"}"#).map(|v| v.map(|b| b.len())),
            Ok(Some(6))
        );
        assert_eq!(d(r#"{"Data":""}"#), Ok(Some(vec![])));
        let e = d(r#"{"Data":"AA!A"}"#).unwrap_err();
        assert_eq!(e.offset(), Some(11));
    }

    #[test]
    fn hostile_input_errors_without_panicking() {
        let deep_list = format!(
            r#"{{"Unknown":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(from_slice::<Sample>(deep_list.as_bytes()).is_err());
        let mut deep_struct = String::new();
        for _ in 0..10_000 {
            deep_struct.push_str(r#"{"Child":"#);
        }
        let e = from_slice::<Sample>(deep_struct.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("deeply"), "{e}");
        assert!(decode_value("[".repeat(1_000).as_bytes()).is_err());
        assert!(decode_value(format!("{}{}", "[".repeat(200), "]".repeat(200)).as_bytes()).is_ok());

        let huge = format!(r#"{{"Count":{}}}"#, "9".repeat(100_000));
        assert!(from_slice::<Sample>(huge.as_bytes()).is_err());
        let huge_float = format!(r#"{{"Ratio":{}}}"#, "9".repeat(100_000));
        assert_eq!(
            from_slice::<Sample>(huge_float.as_bytes()).map(|v| v.ratio),
            Ok(Some(f64::INFINITY))
        );
        let tiny_ts = format!(r#"{{"When":0.{}1}}"#, "0".repeat(100_000));
        assert_eq!(
            from_slice::<Sample>(tiny_ts.as_bytes()).map(|v| v.when),
            Ok(Some(DateTime::from_secs(0)))
        );

        let doc = to_vec(&full());
        for cut in 0..doc.len() {
            let r = from_slice::<Sample>(&doc[..cut]);
            assert!(cut == 0 || r.is_err(), "prefix of {cut} bytes decoded");
        }
        for junk in [
            &b"{"[..],
            b"}",
            b"[]",
            b"{,}",
            b"{\"Count\":1,}",
            b"{\"Count\" 1}",
            b"{\"Count\":1 \"Flag\":true}",
            b"{Count:1}",
            b"{\"Flag\":tru}",
            b"{\"Flag\":nul}",
            b"{\"Tags\":[\"a\",]}",
            b"{\"Tags\":[,\"a\"]}",
            b"{\"Tags\":{}}",
            b"{} {}",
            b"{}x",
            b"\xef\xbb\xbf{}",
            b"{\"Unknown\":+}",
        ] {
            assert!(
                from_slice::<Sample>(junk).is_err(),
                "{}",
                String::from_utf8_lossy(junk)
            );
        }
    }

    #[test]
    fn errors_carry_offsets() {
        let e = from_slice::<Sample>(br#"{"Count": tru}"#).unwrap_err();
        assert_eq!(e.offset(), Some(10));
        let e = from_slice::<Sample>(br#"{"Count":1}  x"#).unwrap_err();
        assert_eq!(e.offset(), Some(13));
        assert!(e.to_string().ends_with("at byte 13"), "{e}");
    }

    #[test]
    fn value_api() {
        let v =
            decode_value(br#"{"__type":"ns#Oops","Message":"bad","n":[1,-2.5,1e2,null,true,{}]}"#)
                .unwrap();
        assert_eq!(v.get("__type").and_then(Value::as_str), Some("ns#Oops"));
        assert_eq!(v.get("missing"), None);
        let Some(Value::Array(items)) = v.get("n") else {
            panic!("{v:?}")
        };
        assert_eq!(items[0].as_i64(), Some(1));
        assert_eq!(items[1].as_f64(), Some(-2.5));
        assert_eq!(items[2].as_i64(), None);
        assert_eq!(items[2].as_f64(), Some(100.0));
        assert_eq!(items[3], Value::Null);
        assert_eq!(items[4], Value::Bool(true));
        assert_eq!(items[5], Value::Object(vec![]));
        assert_eq!(decode_value(&to_vec(&v)), Ok(v));
        assert!(decode_value(b"").is_err());
        assert_eq!(
            decode_value(b" 12 "),
            Ok(Value::Number {
                value: 12.0,
                exact: Some(12)
            })
        );
    }

    #[test]
    fn value_accessors_for_the_runtimes_own_documents() {
        let v = decode_value(
            br#"{"b":true,"a":[1,"x"],"o":{"k":"first","z":null,"k":"last"},"s":"t"}"#,
        )
        .unwrap();
        assert_eq!(v.get("b").and_then(Value::as_bool), Some(true));
        assert_eq!(v.get("s").and_then(Value::as_bool), None);
        let a = v.get("a").and_then(Value::as_array).unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].as_str(), Some("x"));
        assert_eq!(v.get("o").and_then(Value::as_array), None);
        let o = v.get("o").unwrap();
        // Members stay in document order with duplicates; `get` reads the last, as
        // Python's json.loads (botocore) and serde_json do.
        let keys: Vec<&str> = o
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["k", "z", "k"]);
        assert_eq!(o.get("k").and_then(Value::as_str), Some("last"));
        assert_eq!(o.get("z"), Some(&Value::Null));
        assert_eq!(v.get("a").and_then(Value::as_object), None);
        assert_eq!(a[0].get("k"), None);
        // Display is the compact JSON the writer gives (used in error messages).
        assert_eq!(o.to_string(), r#"{"k":"first","z":null,"k":"last"}"#);
        assert_eq!(decode_value(b"-1.5e3").unwrap().to_string(), "-1500.0");
    }

    #[test]
    fn documents_errors_give_line_and_column() {
        assert_eq!(
            parse_document(b"{\n  \"a\": [1,\n   2 3]}"),
            Err("expected ',' or ']' at line 3 column 6".to_string())
        );
        // Columns count characters, not bytes.
        assert_eq!(
            parse_document("{\"\u{e9}\u{e9}\": x}".as_bytes()),
            Err("expected a JSON value at line 1 column 8".to_string())
        );
        assert_eq!(
            parse_document(b""),
            Err("unexpected end of JSON input at line 1 column 1".to_string())
        );
        assert_eq!(
            parse_document(b"[1]"),
            Ok(Value::Array(vec![Value::Number {
                value: 1.0,
                exact: Some(1)
            }]))
        );
    }

    #[test]
    fn sparse_lists_and_maps_write_null() {
        struct Sparse;
        impl Encode for Sparse {
            fn encode<W: Writer>(&self, w: &mut W) {
                w.begin_list(3);
                w.null();
                w.begin_map(1);
                w.map_key("k\"");
                w.null();
                w.end_map();
                w.begin_list(0);
                w.end_list();
                w.end_list();
            }
        }
        assert_eq!(text(&Sparse), r#"[null,{"k\"":null},[]]"#);
    }
}
