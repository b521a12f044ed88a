//! Command-line values to the input document: JSON values, the AWS CLI shorthand syntax
//! (`Key=Value,List=a,b,Nested={K=V},Explicit=[x,y]`), scalar conversion by shape, and
//! botocore's client-side parameter validation (required, unknown, type, `min`).

use awsrt::internal::cli::{Kind, Struct};
use serde_json::{Map, Number, Value};

/// How deeply shorthand `{...}` and `[...]` may nest: serde_json's recursion limit, which
/// bounds the JSON form of the same values, so neither form can exhaust the stack.
pub const MAX_SHORTHAND_DEPTH: usize = 128;

/// Parses one shorthand expression into a JSON object of strings, lists and objects.
pub fn shorthand(input: &str) -> Result<Value, String> {
    let mut p = Shorthand {
        s: input.chars().collect(),
        i: 0,
        depth: 0,
    };
    let v = p.parameter()?;
    Ok(v)
}

struct Shorthand {
    s: Vec<char>,
    i: usize,
    /// Open `{` and `[` around the current position.
    depth: usize,
}

impl Shorthand {
    fn err(&self, what: &str) -> String {
        let input: String = self.s.iter().collect();
        format!(
            "Error parsing parameter: Expected: '{what}', received: '{}' for input:\n{input}\n{}^",
            self.s
                .get(self.i)
                .map(|c| c.to_string())
                .unwrap_or_else(|| "EOF".into()),
            " ".repeat(self.i)
        )
    }
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn expect(&mut self, c: char) -> Result<(), String> {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            self.ws();
            Ok(())
        } else {
            Err(self.err(&c.to_string()))
        }
    }
    fn parameter(&mut self) -> Result<Value, String> {
        let mut map = Map::new();
        loop {
            let (k, v) = self.keyval()?;
            map.insert(k, v);
            self.ws();
            if self.i >= self.s.len() {
                return Ok(Value::Object(map));
            }
            self.expect(',')?;
        }
    }
    fn key(&mut self) -> String {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || "-_.#/:".contains(c) {
                self.i += 1;
            } else {
                break;
            }
        }
        self.s[start..self.i].iter().collect()
    }
    fn keyval(&mut self) -> Result<(String, Value), String> {
        self.ws();
        let k = self.key();
        self.expect('=')?;
        Ok((k, self.values()?))
    }
    fn values(&mut self) -> Result<Value, String> {
        match self.peek() {
            None => Ok(Value::String(String::new())),
            Some('[') => self.list(),
            Some('{') => self.hash(),
            Some(_) => self.csv(),
        }
    }
    /// True when `key=` starts at the current position (the next key-value pair).
    fn at_key(&self) -> bool {
        let mut j = self.i;
        while j < self.s.len() && self.s[j].is_whitespace() {
            j += 1;
        }
        let start = j;
        while j < self.s.len()
            && (self.s[j].is_ascii_alphanumeric() || "-_.#/:".contains(self.s[j]))
        {
            j += 1;
        }
        while j < self.s.len() && self.s[j].is_whitespace() {
            j += 1;
        }
        j > start && self.s.get(j) == Some(&'=')
    }
    fn csv(&mut self) -> Result<Value, String> {
        let first = self.value()?;
        let mut items = vec![Value::String(first)];
        loop {
            self.ws();
            if self.peek() != Some(',') {
                break;
            }
            let save = self.i;
            self.i += 1;
            if self.at_key() || matches!(self.peek(), Some('{' | '[')) {
                self.i = save;
                break;
            }
            self.ws();
            items.push(Value::String(self.value()?));
        }
        if items.len() == 1 {
            Ok(items.pop().unwrap_or(Value::Null))
        } else {
            Ok(Value::Array(items))
        }
    }
    fn value(&mut self) -> Result<String, String> {
        self.ws();
        match self.peek() {
            Some(q @ ('"' | '\'')) => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    match self.peek() {
                        None => return Err(self.err(&q.to_string())),
                        Some('\\') if self.s.get(self.i + 1) == Some(&q) => {
                            out.push(q);
                            self.i += 2;
                        }
                        Some(c) if c == q => {
                            self.i += 1;
                            return Ok(out);
                        }
                        Some(c) => {
                            out.push(c);
                            self.i += 1;
                        }
                    }
                }
            }
            _ => {
                let mut out = String::new();
                while let Some(c) = self.peek() {
                    if c == '\\' && self.s.get(self.i + 1) == Some(&',') {
                        out.push(',');
                        self.i += 2;
                        continue;
                    }
                    if matches!(c, ',' | ']' | '}') {
                        break;
                    }
                    out.push(c);
                    self.i += 1;
                }
                Ok(out.trim_end().to_string())
            }
        }
    }
    /// Enters one `{` or `[`; an error past [`MAX_SHORTHAND_DEPTH`].
    fn nest(&mut self) -> Result<(), String> {
        if self.depth >= MAX_SHORTHAND_DEPTH {
            return Err(format!(
                "Error parsing parameter: shorthand nested more than {MAX_SHORTHAND_DEPTH} levels deep"
            ));
        }
        self.depth += 1;
        Ok(())
    }
    fn list(&mut self) -> Result<Value, String> {
        self.nest()?;
        let v = self.list_body();
        self.depth -= 1;
        v
    }
    fn list_body(&mut self) -> Result<Value, String> {
        self.expect('[')?;
        let mut items = Vec::new();
        while self.peek() != Some(']') {
            if self.peek().is_none() {
                return Err(self.err("]"));
            }
            let v = match self.peek() {
                Some('[') => self.list()?,
                Some('{') => self.hash()?,
                _ => Value::String(self.value()?),
            };
            items.push(v);
            self.ws();
            if self.peek() != Some(']') {
                self.expect(',')?;
            }
        }
        self.i += 1;
        Ok(Value::Array(items))
    }
    fn hash(&mut self) -> Result<Value, String> {
        self.nest()?;
        let v = self.hash_body();
        self.depth -= 1;
        v
    }
    fn hash_body(&mut self) -> Result<Value, String> {
        self.expect('{')?;
        let mut map = Map::new();
        while self.peek() != Some('}') {
            if self.peek().is_none() {
                return Err(self.err("}"));
            }
            let (k, v) = self.keyval()?;
            map.insert(k, v);
            self.ws();
            if self.peek() != Some('}') {
                self.expect(',')?;
            }
        }
        self.i += 1;
        Ok(Value::Object(map))
    }
}

/// Converts shorthand strings to the shape's scalar types, and single values of list
/// members to one-item lists (the AWS CLI's `BackCompatVisitor`).
pub fn coerce(kind: &Kind, v: Value) -> Result<Value, String> {
    Ok(match (kind, v) {
        (Kind::Structure(s), Value::Object(map)) => {
            let mut out = Map::new();
            for (k, v) in map {
                let v = match s.members.iter().find(|m| m.field.name == k) {
                    Some(m) => coerce(&m.kind, v)?,
                    None => v,
                };
                out.insert(k, v);
            }
            Value::Object(out)
        }
        (Kind::List(item), Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .map(|v| coerce(item, v))
                .collect::<Result<_, _>>()?,
        ),
        (Kind::List(item), v) => Value::Array(vec![coerce(item, v)?]),
        (Kind::Map(value), Value::Object(map)) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(k, coerce(value, v)?);
            }
            Value::Object(out)
        }
        (k, Value::String(s)) => scalar(k, &s)?,
        (_, v) => v,
    })
}

/// A scalar command-line value converted to its shape's JSON type.
pub fn scalar(kind: &Kind, s: &str) -> Result<Value, String> {
    Ok(match kind {
        Kind::Integer | Kind::Long => {
            let n: i64 = s
                .trim()
                .parse()
                .map_err(|_| format!("invalid literal for int() with base 10: '{s}'"))?;
            Value::Number(n.into())
        }
        Kind::Float | Kind::Double => {
            let f: f64 = s
                .trim()
                .parse()
                .map_err(|_| format!("could not convert string to float: '{s}'"))?;
            Number::from_f64(f)
                .map(Value::Number)
                .unwrap_or(Value::Null)
        }
        Kind::Boolean => Value::Bool(s.eq_ignore_ascii_case("true")),
        _ => Value::String(s.to_string()),
    })
}

/// One flag value (already joined from its arguments) parsed for `kind`: JSON for
/// structures, lists and maps that look like JSON, shorthand otherwise.
pub fn flag_value(kind: &Kind, args: &[String]) -> Result<Value, String> {
    let first = args.first().map(String::as_str).unwrap_or("");
    match kind {
        Kind::Structure(_) | Kind::Map(_) => {
            if first.trim_start().starts_with('{') {
                json(first)
            } else {
                coerce(kind, shorthand(first)?)
            }
        }
        Kind::List(item) => {
            if args.len() == 1 && first.trim_start().starts_with('[') {
                return json(first);
            }
            let mut items = Vec::new();
            for a in args {
                match item {
                    Kind::Structure(_) | Kind::Map(_) => {
                        if a.trim_start().starts_with('{') {
                            items.push(json(a)?);
                        } else {
                            items.push(coerce(item, shorthand(a)?)?);
                        }
                    }
                    Kind::List(_) => items.push(json(a)?),
                    // Each argument is one item, commas and all (the AWS CLI does
                    // not split lists of scalars).
                    _ => items.push(scalar(item, a)?),
                }
            }
            Ok(Value::Array(items))
        }
        Kind::Timestamp => Ok(timestamp(first)),
        _ => scalar(kind, first),
    }
}

fn json(s: &str) -> Result<Value, String> {
    serde_json::from_str(s)
        .map_err(|e| format!("Error parsing parameter: Invalid JSON: {e}\nJSON received: {s}"))
}

/// A timestamp value: epoch seconds stay numbers, anything else is kept as a string
/// for [`to_wire`] to parse.
fn timestamp(s: &str) -> Value {
    match s.trim().parse::<f64>() {
        Ok(f) if s.trim().parse::<i64>().is_ok() => Value::Number(
            s.trim()
                .parse::<i64>()
                .map(Number::from)
                .unwrap_or_else(|_| Number::from_f64(f).unwrap_or_else(|| Number::from(0))),
        ),
        Ok(f) => Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Err(_) => Value::String(s.to_string()),
    }
}

/// botocore's `ParamValidator`: every problem, in botocore's words.
pub fn validate(s: &Struct, params: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    structure(s, params, "", &mut errors);
    errors
}

fn label(name: &str) -> &str {
    if name.is_empty() {
        "input"
    } else {
        name.strip_prefix('.').unwrap_or(name)
    }
}

/// The key of the object that carries a `fileb://` file's bytes through validation and
/// [`to_wire`], as Python carries `bytes` (no member name starts with a NUL).
const BYTES: &str = "\u{0}bytes";

/// A `fileb://` file's bytes as a parameter value.
pub fn bytes_value(b: &[u8]) -> Value {
    let mut m = Map::new();
    m.insert(
        BYTES.into(),
        Value::Array(b.iter().map(|&x| Value::from(x)).collect()),
    );
    Value::Object(m)
}

/// The bytes of a [`bytes_value`].
fn as_bytes(v: &Value) -> Option<Vec<u8>> {
    let Value::Object(m) = v else { return None };
    if m.len() != 1 {
        return None;
    }
    m.get(BYTES)?
        .as_array()?
        .iter()
        .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
        .collect()
}

/// Python's `repr(bytes)`: `b'...'` with `\xNN` for what is not printable ASCII.
fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = format!("b{quote}");
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote);
    out
}

/// A `fileb://` value for a flag of `kind`, as the AWS CLI unpacks `bytes`: numbers parse
/// from it, a boolean is false (`b'true' != 'true'`), strings, timestamps and blobs keep
/// the bytes (so botocore's validation refuses them where a `str` is wanted), and
/// structures and lists read it as text.
pub fn bytes_flag_value(kind: &Kind, bytes: Vec<u8>) -> Result<Value, String> {
    match kind {
        Kind::Integer | Kind::Long | Kind::Float | Kind::Double => {
            scalar(kind, &String::from_utf8_lossy(&bytes))
        }
        Kind::Boolean => Ok(Value::Bool(false)),
        Kind::String | Kind::Enum(_) | Kind::Timestamp | Kind::Blob => Ok(bytes_value(&bytes)),
        _ => flag_value(kind, &[String::from_utf8_lossy(&bytes).into_owned()]),
    }
}

fn py_type(v: &Value) -> &'static str {
    if as_bytes(v).is_some() {
        return "<class 'bytes'>";
    }
    match v {
        Value::Null => "<class 'NoneType'>",
        Value::Bool(_) => "<class 'bool'>",
        Value::Number(n) if n.is_f64() => "<class 'float'>",
        Value::Number(_) => "<class 'int'>",
        Value::String(_) => "<class 'str'>",
        Value::Array(_) => "<class 'list'>",
        Value::Object(_) => "<class 'dict'>",
    }
}

fn py_repr(v: &Value) -> String {
    if let Some(b) = as_bytes(v) {
        return bytes_repr(&b);
    }
    match v {
        Value::Null => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Number(n) => crate::pyjson::number(n),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn structure(s: &Struct, v: &Value, name: &str, errors: &mut Vec<String>) {
    let Value::Object(map) = v else {
        errors.push(format!(
            "Invalid type for parameter {}, value: {}, type: {}, valid types: <class 'dict'>",
            label(name),
            py_repr(v),
            py_type(v)
        ));
        return;
    };
    for m in s.members.iter().filter(|m| m.required) {
        if !map.contains_key(m.field.name) {
            errors.push(format!(
                "Missing required parameter in {}: \"{}\"",
                label(name),
                m.field.name
            ));
        }
    }
    for k in map.keys() {
        if !s.members.iter().any(|m| m.field.name == k) {
            let valid: Vec<&str> = s.members.iter().map(|m| m.field.name).collect();
            errors.push(format!(
                "Unknown parameter in {}: \"{k}\", must be one of: {}",
                label(name),
                valid.join(", ")
            ));
        }
    }
    for (k, v) in map {
        if let Some(m) = s.members.iter().find(|m| m.field.name == k) {
            value(&m.kind, m.min, v, &format!("{name}.{k}"), errors);
        }
    }
}

fn value(kind: &Kind, min: Option<f64>, v: &Value, name: &str, errors: &mut Vec<String>) {
    let bad = |errors: &mut Vec<String>, valid: &str| {
        errors.push(format!(
            "Invalid type for parameter {}, value: {}, type: {}, valid types: {valid}",
            label(name),
            py_repr(v),
            py_type(v)
        ))
    };
    let len_check = |errors: &mut Vec<String>, len: usize| {
        if let Some(min) = min {
            if (len as f64) < min {
                errors.push(format!(
                    "Invalid length for parameter {}, value: {len}, valid min length: {}",
                    label(name),
                    crate::pyjson::float_repr(min).trim_end_matches(".0")
                ));
            }
        }
    };
    match kind {
        Kind::Structure(s) => structure(s, v, name, errors),
        Kind::List(item) => match v {
            Value::Array(items) => {
                len_check(errors, items.len());
                for (i, it) in items.iter().enumerate() {
                    value(item, None, it, &format!("{name}[{i}]"), errors);
                }
            }
            _ => bad(errors, "<class 'list'>, <class 'tuple'>"),
        },
        Kind::Map(val) => match v {
            Value::Object(map) => {
                len_check(errors, map.len());
                for (k, it) in map {
                    value(val, None, it, &format!("{name}.{k}"), errors);
                }
            }
            _ => bad(errors, "<class 'dict'>"),
        },
        Kind::String | Kind::Enum(_) => match v {
            Value::String(s) => len_check(errors, s.chars().count()),
            _ => bad(errors, "<class 'str'>"),
        },
        Kind::Boolean if !v.is_boolean() => bad(errors, "<class 'bool'>"),
        Kind::Integer | Kind::Long => match v.as_i64() {
            Some(n) if !v.as_number().is_some_and(|n| n.is_f64()) => {
                if let Some(min) = min {
                    if (n as f64) < min {
                        errors.push(format!(
                            "Invalid value for parameter {}, value: {n}, valid min value: {}",
                            label(name),
                            crate::pyjson::float_repr(min).trim_end_matches(".0")
                        ));
                    }
                }
            }
            _ => bad(errors, "<class 'int'>"),
        },
        Kind::Float | Kind::Double => match v.as_f64() {
            // botocore's `range_check`: the value and the model's (float) `min` as
            // Python prints them; NaN compares false, so it passes.
            Some(f) => {
                if let Some(min) = min.filter(|&min| f < min) {
                    errors.push(format!(
                        "Invalid value for parameter {}, value: {}, valid min value: {}",
                        label(name),
                        py_repr(v),
                        crate::pyjson::float_repr(min)
                    ));
                }
            }
            None => bad(
                errors,
                "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>",
            ),
        },
        Kind::Timestamp if !(v.is_number() || v.is_string()) => {
            bad(errors, "<class 'datetime.datetime'>, <class 'str'>")
        }
        Kind::Blob if !v.is_string() && as_bytes(v).is_none() => bad(
            errors,
            "<class 'bytes'>, <class 'bytearray'>, file-like object",
        ),
        _ => {}
    }
}

/// Converts validated parameters into the awsJson document the runtime decodes: JSON
/// keys, timestamps as epoch seconds, blobs as base64.
pub fn to_wire(kind: &Kind, v: &Value) -> Result<Value, String> {
    Ok(match (kind, v) {
        (Kind::Structure(s), Value::Object(map)) => {
            let mut out = Map::new();
            for m in s.members {
                if let Some(v) = map.get(m.field.name) {
                    out.insert(m.field.json.to_string(), to_wire(&m.kind, v)?);
                }
            }
            Value::Object(out)
        }
        (Kind::List(item), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|v| to_wire(item, v))
                .collect::<Result<_, _>>()?,
        ),
        (Kind::Map(val), Value::Object(map)) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(k.clone(), to_wire(val, v)?);
            }
            Value::Object(out)
        }
        (Kind::Timestamp, Value::String(s)) => {
            let t = awsrt::DateTime::parse_iso8601(s)
                .or_else(|_| awsrt::DateTime::parse_iso8601(&format!("{s}T00:00:00Z")))
                .or_else(|_| awsrt::DateTime::parse_iso8601(&format!("{s}Z")))
                .map_err(|_| format!("Invalid timestamp value: {s}"))?;
            Number::from_f64(t.as_secs_f64())
                .map(Value::Number)
                .unwrap_or(Value::Null)
        }
        (Kind::Blob, Value::String(s)) => Value::String(base64(s.as_bytes())),
        (Kind::Blob, v) if as_bytes(v).is_some() => {
            Value::String(base64(&as_bytes(v).unwrap_or_default()))
        }
        (_, v) => v.clone(),
    })
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shorthand_forms() {
        assert_eq!(shorthand("A=b,C=d").unwrap(), json!({"A": "b", "C": "d"}));
        assert_eq!(
            shorthand("A=b,c,d,E=f").unwrap(),
            json!({"A": ["b", "c", "d"], "E": "f"})
        );
        assert_eq!(
            shorthand("A={B=c,D=[e,f]},G='x,y'").unwrap(),
            json!({"A": {"B": "c", "D": ["e", "f"]}, "G": "x,y"})
        );
        assert_eq!(shorthand("A=").unwrap(), json!({"A": ""}));
        assert!(shorthand("A").is_err());
    }

    #[test]
    fn shorthand_nesting_stops_at_the_json_depth() {
        let nested = |n: usize| format!("A={}x{}", "{B=".repeat(n), "}".repeat(n));
        assert!(shorthand(&nested(MAX_SHORTHAND_DEPTH)).is_ok());
        let err = shorthand(&nested(MAX_SHORTHAND_DEPTH + 1)).unwrap_err();
        assert!(err.contains("nested more than 128 levels"), "{err}");
        let lists = format!("A={}x{}", "[".repeat(200), "]".repeat(200));
        assert!(shorthand(&lists).is_err());
        // Depth is counted per path, not per bracket seen.
        let wide = format!("A=[{}]", vec!["[x]"; 1000].join(","));
        assert!(shorthand(&wide).is_ok());
    }

    #[test]
    fn base64_encodes() {
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"hi!"), "aGkh");
        assert_eq!(base64(b"h"), "aA==");
    }
}
