//! CBOR conformance: botocore's decode success/error vectors and the RFC 8949 Appendix A
//! examples, run against `awsrt::internal::cbor`.
//!
//! The vector files hold integers beyond 64 bits (`-18446744073709551615`,
//! `18446744073709551616`), which serde_json (without `arbitrary_precision`) would round
//! to f64; they are read with the small exact JSON reader at the end of this file so every
//! integer is compared exactly.

use std::path::Path;

use awsrt::internal::cbor::{self, CborReader, CborWriter, Value};
use awsrt::internal::{Reader, TimestampFormat, Writer};
use awsrt::DateTime;

use super::Report;

/// Runs the botocore and Appendix A suites.
pub fn run(botocore: &Path, shared: &Path) -> Vec<Report> {
    let dir = botocore.join("tests").join("unit").join("cbor");
    let appendix = shared
        .join("cbor-rfc8949-appendix-a")
        .join("appendix_a.json");
    let (decode, reencode) = appendix_a(&appendix);
    vec![
        decode_success(&dir.join("decode-success-tests.json")),
        decode_errors(&dir.join("decode-error-tests.json")),
        decode,
        reencode,
    ]
}

/// A suite that could not even be loaded: one failure naming the file.
fn unreadable(suite: &str, path: &Path, e: String) -> Report {
    let mut r = Report::new(suite);
    r.failed.push(format!("{}: {e}", path.display()));
    r
}

fn load(path: &Path) -> Result<Vec<Json>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    match parse_json(&text)? {
        Json::Arr(cases) => Ok(cases),
        _ => Err("expected a JSON array of cases".into()),
    }
}

fn hex(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err(format!("odd-length hex {s:?}"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
                .ok_or_else(|| format!("bad hex {s:?}"))
        })
        .collect()
}

/// Checks that the reader's `skip` (used for unknown members) walks exactly the same
/// bytes as the full decoder.
fn skip_consumes_all(bytes: &[u8]) -> Result<(), String> {
    let mut r = CborReader::new(bytes);
    r.skip().map_err(|e| format!("skip failed: {e}"))?;
    if r.position() != bytes.len() {
        return Err(format!(
            "skip stopped at {} of {} bytes",
            r.position(),
            bytes.len()
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// botocore tests/unit/cbor
// ---------------------------------------------------------------------------------------

/// botocore's `test_cbor_decoding_success`: decode the item and compare it with the typed
/// expectation. botocore ignores the tag cases (its parser has no generic tags) and the
/// `{null}` map cases (its parser drops null members); our generic [`Value`] keeps both
/// tags and nulls, so those cases are checked as written rather than ignored. The typed
/// reader's dropping of null members is covered by the runtime's unit tests.
fn decode_success(path: &Path) -> Report {
    const SUITE: &str = "cbor botocore decode-success";
    let cases = match load(path) {
        Ok(c) => c,
        Err(e) => return unreadable(SUITE, path, e),
    };
    let mut report = Report::new(SUITE);
    for case in &cases {
        let id = case
            .get("description")
            .and_then(Json::as_str)
            .unwrap_or("<no description>");
        report.check(id, success_case(case));
    }
    report
}

fn success_case(case: &Json) -> Result<(), String> {
    let input = case.get("input").and_then(Json::as_str).ok_or("no input")?;
    let expect = case.get("expect").ok_or("no expect")?;
    let bytes = hex(input)?;
    let value = cbor::decode_value(&bytes).map_err(|e| format!("decode failed: {e}"))?;
    expect_typed(&value, expect)?;
    skip_consumes_all(&bytes)
}

/// Compares a value with botocore's `{"<kind>": <expected>}` notation.
fn expect_typed(actual: &Value, expect: &Json) -> Result<(), String> {
    let Json::Obj(entries) = expect else {
        return Err("expectation is not an object".into());
    };
    let [(kind, want)] = entries.as_slice() else {
        return Err("expectation must have exactly one kind".into());
    };
    let mismatch = || Err(format!("expected {kind} {want:?}, got {actual}"));
    let ok = match (kind.as_str(), actual) {
        ("uint", Value::Unsigned(n)) => want.as_int() == Some(i128::from(*n)),
        ("negint", Value::Negative(n)) => want.as_int() == Some(-1 - i128::from(*n)),
        ("bool", Value::Bool(b)) => want == &Json::Bool(*b),
        ("null", Value::Null) | ("undefined", Value::Undefined) => true,
        ("string", Value::Text(s)) => want.as_str() == Some(s),
        ("bytestring", Value::Bytes(b)) => match want {
            Json::Arr(items) => {
                items.len() == b.len()
                    && items
                        .iter()
                        .zip(b)
                        .all(|(j, x)| j.as_int() == Some(i128::from(*x)))
            }
            _ => false,
        },
        // botocore unpacks the bits and compares the (widened) floats; comparing the
        // f64 bit patterns is the same test, made exact for NaN and signed zero too.
        ("float32", Value::Float(f)) => {
            let bits = want
                .as_int()
                .and_then(|b| u32::try_from(b).ok())
                .ok_or("bad float32 bits")?;
            f.to_bits() == f64::from(f32::from_bits(bits)).to_bits()
        }
        ("float64", Value::Float(f)) => {
            let bits = want
                .as_int()
                .and_then(|b| u64::try_from(b).ok())
                .ok_or("bad float64 bits")?;
            f.to_bits() == bits
        }
        ("list", Value::Array(items)) => {
            let Json::Arr(wants) = want else {
                return mismatch();
            };
            if items.len() != wants.len() {
                return mismatch();
            }
            for (item, w) in items.iter().zip(wants) {
                expect_typed(item, w)?;
            }
            true
        }
        ("map", Value::Map(found)) => {
            let Json::Obj(wants) = want else {
                return mismatch();
            };
            if found.len() != wants.len() {
                return mismatch();
            }
            for (key, w) in wants {
                let hit = found
                    .iter()
                    .find(|(k, _)| matches!(k, Value::Text(t) if t == key));
                let Some((_, v)) = hit else {
                    return Err(format!("map key {key:?} missing in {actual}"));
                };
                expect_typed(v, w)?;
            }
            true
        }
        ("tag", Value::Tag(id, inner)) => {
            let want_id = want.get("id").and_then(Json::as_int);
            let want_value = want.get("value").ok_or("tag without value")?;
            if want_id != Some(i128::from(*id)) {
                return mismatch();
            }
            expect_typed(inner, want_value)?;
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        mismatch()
    }
}

/// botocore's `test_cbor_decoding_error`: every input must be refused (truncations,
/// reserved or misplaced additional information, bad chunks, missing breaks). The
/// reader's `skip` must refuse it too, since it walks unknown members of real responses.
fn decode_errors(path: &Path) -> Report {
    const SUITE: &str = "cbor botocore decode-error";
    let cases = match load(path) {
        Ok(c) => c,
        Err(e) => return unreadable(SUITE, path, e),
    };
    let mut report = Report::new(SUITE);
    for case in &cases {
        let id = case
            .get("description")
            .and_then(Json::as_str)
            .unwrap_or("<no description>");
        let result = (|| {
            let input = case.get("input").and_then(Json::as_str).ok_or("no input")?;
            let bytes = hex(input)?;
            if let Ok(v) = cbor::decode_value(&bytes) {
                return Err(format!("decoded as {v}, expected an error"));
            }
            if skip_consumes_all(&bytes).is_ok() {
                return Err("skip accepted it, expected an error".to_string());
            }
            Ok(())
        })();
        report.check(id, result);
    }
    report
}

// ---------------------------------------------------------------------------------------
// RFC 8949 Appendix A
// ---------------------------------------------------------------------------------------

/// Examples of RFC 7049 (which the 2014 vector file transcribes) that RFC 8949 made
/// not well-formed; the decoder follows RFC 8949, so these must be refused.
const NOT_WELL_FORMED_IN_RFC_8949: &[(&str, &str)] = &[(
    "f818",
    "RFC 8949 §3.3 forbids the two-byte form of simple values below 32 (listed as not \
     well-formed in Appendix F.1); RFC 7049 allowed simple(24)",
)];

/// Decodes every example and compares it with `decoded` (JSON) or `diagnostic`
/// (diagnostic notation). Cases marked `roundtrip` are also re-encoded through
/// [`CborWriter`] when the `Writer` trait can express them, in a second report.
fn appendix_a(path: &Path) -> (Report, Report) {
    const DECODE: &str = "cbor RFC 8949 appendix A decode";
    const REENCODE: &str = "cbor RFC 8949 appendix A re-encode (CborWriter)";
    let cases = match load(path) {
        Ok(c) => c,
        Err(e) => {
            return (
                unreadable(DECODE, path, e.clone()),
                unreadable(REENCODE, path, e),
            )
        }
    };
    let (mut decode, mut reencode) = (Report::new(DECODE), Report::new(REENCODE));
    for case in &cases {
        let id = case.get("hex").and_then(Json::as_str).unwrap_or("<no hex>");
        let bytes = match hex(id) {
            Ok(b) => b,
            Err(e) => {
                decode.check(id, Err(e));
                continue;
            }
        };
        if let Some((_, why)) = NOT_WELL_FORMED_IN_RFC_8949.iter().find(|(h, _)| *h == id) {
            let refused = cbor::decode_value(&bytes).is_err() && skip_consumes_all(&bytes).is_err();
            decode.check(
                id,
                if refused {
                    Ok(())
                } else {
                    Err(format!("accepted, but {why}"))
                },
            );
            if case.get("roundtrip") == Some(&Json::Bool(true)) {
                reencode.skipped += 1;
            }
            continue;
        }
        let value = match cbor::decode_value(&bytes) {
            Ok(v) => v,
            Err(e) => {
                decode.check(id, Err(format!("decode failed: {e}")));
                continue;
            }
        };
        let result = match (
            case.get("decoded"),
            case.get("diagnostic").and_then(Json::as_str),
        ) {
            (Some(want), _) => expect_json(&value, want),
            (None, Some(diag)) => expect_diagnostic(&value, diag, &bytes),
            (None, None) => Err("case has neither decoded nor diagnostic".into()),
        };
        decode.check(id, result.and_then(|()| skip_consumes_all(&bytes)));

        if case.get("roundtrip") == Some(&Json::Bool(true)) {
            match reencode_case(&value, &bytes) {
                // The Writer trait has no way to write this item (see `emit`).
                None => reencode.skipped += 1,
                Some(got) if got == bytes => reencode.passed += 1,
                Some(got) => reencode
                    .failed
                    .push(format!("{id}: CborWriter wrote {}", to_hex(&got))),
            }
        }
    }
    (decode, reencode)
}

/// Compares a value with the JSON form of the example. Bignums (tags 2 and 3) are
/// compared by their integer value (RFC 8949 §3.4.3); the generic [`Value`] keeps them
/// as tagged byte strings because no AWS shape needs integers beyond 64 bits.
fn expect_json(actual: &Value, want: &Json) -> Result<(), String> {
    let ok = match (want, actual) {
        (Json::Null, Value::Null) => true,
        (Json::Bool(w), Value::Bool(b)) => w == b,
        (Json::Str(w), Value::Text(s)) => w == s,
        (Json::Num(text), _) if is_float_literal(text) => {
            let w: f64 = text.parse().map_err(|_| format!("bad number {text}"))?;
            matches!(actual, Value::Float(f) if f.to_bits() == w.to_bits())
        }
        (Json::Num(text), _) => {
            let w: i128 = text.parse().map_err(|_| format!("bad integer {text}"))?;
            integer_of(actual) == Some(w)
        }
        (Json::Arr(wants), Value::Array(items)) => {
            if wants.len() != items.len() {
                return Err(format!("expected {} items, got {actual}", wants.len()));
            }
            for (w, item) in wants.iter().zip(items) {
                expect_json(item, w)?;
            }
            true
        }
        (Json::Obj(wants), Value::Map(entries)) => {
            if wants.len() != entries.len() {
                return Err(format!("expected {} entries, got {actual}", wants.len()));
            }
            // JSON object order is the CBOR order in these examples: compare in order.
            for ((wk, wv), (k, v)) in wants.iter().zip(entries) {
                if !matches!(k, Value::Text(t) if t == wk) {
                    return Err(format!("expected key {wk:?}, got {k}"));
                }
                expect_json(v, wv)?;
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("expected {want:?}, got {actual}"))
    }
}

fn is_float_literal(text: &str) -> bool {
    text.contains(['.', 'e', 'E'])
}

/// The integer a value stands for: major types 0 and 1, or a bignum of up to 16 bytes.
fn integer_of(v: &Value) -> Option<i128> {
    match v {
        Value::Unsigned(n) => Some(i128::from(*n)),
        Value::Negative(n) => Some(-1 - i128::from(*n)),
        Value::Tag(tag @ (2 | 3), inner) => {
            let Value::Bytes(b) = &**inner else {
                return None;
            };
            if b.len() > 16 {
                return None;
            }
            let n = b.iter().fold(0u128, |acc, x| (acc << 8) | u128::from(*x));
            let n = i128::try_from(n).ok()?;
            Some(if *tag == 2 { n } else { -1 - n })
        }
        _ => None,
    }
}

/// Compares with the diagnostic notation our `Display` prints. The one example whose
/// notation shows chunking, `(_ h'0102', h'030405')`, is compared joined: [`Value`]
/// joins chunks, which carry no meaning (RFC 8949 §3.2.3), as the vectors' README notes.
fn expect_diagnostic(actual: &Value, want: &str, bytes: &[u8]) -> Result<(), String> {
    let want = if bytes.first() == Some(&0x5f) {
        join_chunk_notation(want)?
    } else {
        want.to_string()
    };
    let got = actual.to_string();
    if got == want {
        Ok(())
    } else {
        Err(format!("expected {want}, got {got}"))
    }
}

/// `(_ h'01', h'0203')` → `h'010203'`.
fn join_chunk_notation(diag: &str) -> Result<String, String> {
    let inner = diag
        .strip_prefix("(_ ")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| format!("unexpected chunked notation {diag}"))?;
    let mut joined = String::from("h'");
    for chunk in inner.split(", ") {
        let h = chunk
            .strip_prefix("h'")
            .and_then(|s| s.strip_suffix('\''))
            .ok_or_else(|| format!("unexpected chunk {chunk}"))?;
        joined.push_str(h);
    }
    joined.push('\'');
    Ok(joined)
}

/// Re-encodes a decoded example with [`CborWriter`], or `None` when the `Writer` trait
/// cannot express it.
fn reencode_case(value: &Value, original: &[u8]) -> Option<Vec<u8>> {
    let mut w = CborWriter::new();
    emit(&mut w, value, original.first().copied()?)?;
    Some(w.into_bytes())
}

/// Writes a value through the `Writer` calls generated code makes. Not expressible, by
/// design of the trait rather than by accident: integers beyond i64 and bignums (AWS
/// `long` is 64-bit), half floats other than NaN/±Inf (doubles are always `0xfb`), simple
/// values and `undefined`, tags other than 1, and maps with non-text keys. `initial` is
/// the example's first byte, which tells `float` from `double` for a top-level float.
fn emit(w: &mut CborWriter, v: &Value, initial: u8) -> Option<()> {
    match v {
        Value::Unsigned(n) => w.integer(i64::try_from(*n).ok()?),
        Value::Negative(n) => w.integer(!i64::try_from(*n).ok()?),
        Value::Bytes(b) => w.blob(b),
        Value::Text(s) => w.string(s),
        Value::Bool(b) => w.boolean(*b),
        Value::Null => w.null(),
        Value::Float(f) if f.is_nan() || f.is_infinite() => w.float64(*f),
        Value::Float(f) if initial == 0xfb => w.float64(*f),
        Value::Float(f) if initial == 0xfa && f64::from(*f as f32).to_bits() == f.to_bits() => {
            w.float32(*f as f32)
        }
        Value::Array(items) => {
            w.begin_list(items.len());
            for item in items {
                emit(w, item, 0)?;
            }
            w.end_list();
        }
        Value::Map(entries) => {
            w.begin_map(entries.len());
            for (k, v) in entries {
                let Value::Text(k) = k else { return None };
                w.map_key(k);
                emit(w, v, 0)?;
            }
            w.end_map();
        }
        Value::Tag(1, inner) => {
            let t = match &**inner {
                Value::Unsigned(_) | Value::Negative(_) => {
                    DateTime::from_secs(integer_of(inner)?.try_into().ok()?)
                }
                Value::Float(f) if (f * 1000.0).fract() == 0.0 && f.abs() < 1e15 => {
                    DateTime::from_millis((f * 1000.0) as i64)
                }
                _ => return None,
            };
            w.timestamp(&t, TimestampFormat::Default);
        }
        _ => return None,
    }
    Some(())
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---------------------------------------------------------------------------------------
// Exact JSON
// ---------------------------------------------------------------------------------------

/// JSON with numbers kept as their literal text.
#[derive(Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    fn as_int(&self) -> Option<i128> {
        match self {
            Json::Num(n) => n.parse().ok(),
            _ => None,
        }
    }
}

fn parse_json(text: &str) -> Result<Json, String> {
    let mut p = JsonParser {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("trailing characters at {}", p.i));
    }
    Ok(v)
}

struct JsonParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("JSON: {what} at byte {}", self.i))
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > 128 {
            return self.err("nesting too deep");
        }
        self.ws();
        match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.eat("}") {
                    return Ok(Json::Obj(entries));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    if !self.eat(":") {
                        return self.err("expected ':'");
                    }
                    entries.push((key, self.value(depth + 1)?));
                    self.ws();
                    if self.eat("}") {
                        return Ok(Json::Obj(entries));
                    }
                    if !self.eat(",") {
                        return self.err("expected ',' or '}'");
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("]") {
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat("]") {
                        return Ok(Json::Arr(items));
                    }
                    if !self.eat(",") {
                        return self.err("expected ',' or ']'");
                    }
                }
            }
            Some(b'"') => self.string().map(Json::Str),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                while matches!(
                    self.s.get(self.i),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.i += 1;
                }
                let lit = std::str::from_utf8(&self.s[start..self.i]).map_err(|e| e.to_string())?;
                Ok(Json::Num(lit.to_string()))
            }
            _ if self.eat("true") => Ok(Json::Bool(true)),
            _ if self.eat("false") => Ok(Json::Bool(false)),
            _ if self.eat("null") => Ok(Json::Null),
            _ => self.err("unexpected character"),
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .s
            .get(self.i..self.i + 4)
            .and_then(|d| std::str::from_utf8(d).ok());
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(v) => {
                self.i += 4;
                Ok(v)
            }
            None => self.err("bad \\u escape"),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        if !self.eat("\"") {
            return self.err("expected a string");
        }
        let mut out = String::new();
        loop {
            let start = self.i;
            while matches!(self.s.get(self.i), Some(b) if *b != b'"' && *b != b'\\') {
                self.i += 1;
            }
            out.push_str(std::str::from_utf8(&self.s[start..self.i]).map_err(|e| e.to_string())?);
            match self.s.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(&esc) = self.s.get(self.i) else {
                        return self.err("unterminated escape");
                    };
                    self.i += 1;
                    let c = match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                if !self.eat("\\u") {
                                    return self.err("lone surrogate");
                                }
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return self.err("bad low surrogate");
                                }
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            match char::from_u32(code) {
                                Some(c) => c,
                                None => return self.err("invalid code point"),
                            }
                        }
                        _ => return self.err("unknown escape"),
                    };
                    out.push(c);
                }
                _ => return self.err("unterminated string"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_big_integers_and_surrogates() {
        let j =
            parse_json(r#"[-18446744073709551617, 1.5e3, "\ud800\udd51\"", {"a": [true, null]}]"#)
                .unwrap();
        let Json::Arr(items) = j else { panic!("array") };
        assert_eq!(items[0].as_int(), Some(-18446744073709551617));
        assert_eq!(items[1], Json::Num("1.5e3".into()));
        assert_eq!(items[2].as_str(), Some("\u{10151}\""));
        assert_eq!(
            items[3].get("a"),
            Some(&Json::Arr(vec![Json::Bool(true), Json::Null]))
        );
        assert!(parse_json("[1,").is_err());
        assert!(parse_json("\"\\ud800\"").is_err());
    }

    #[test]
    fn judges_reject_wrong_values() {
        let v = Value::Negative(0);
        assert!(expect_typed(&v, &parse_json(r#"{"negint": -1}"#).unwrap()).is_ok());
        assert!(expect_typed(&v, &parse_json(r#"{"negint": -2}"#).unwrap()).is_err());
        assert!(expect_typed(&v, &parse_json(r#"{"uint": 0}"#).unwrap()).is_err());
        assert!(expect_json(&Value::Float(0.0), &parse_json("-0.0").unwrap()).is_err());
        let big = cbor::decode_value(&hex("c349010000000000000000").unwrap()).unwrap();
        assert!(expect_json(&big, &parse_json("-18446744073709551617").unwrap()).is_ok());
        assert!(expect_json(&big, &parse_json("-18446744073709551616").unwrap()).is_err());
        assert_eq!(
            join_chunk_notation("(_ h'0102', h'030405')").unwrap(),
            "h'0102030405'"
        );
    }
}
