//! The awsQuery request body: `Action=<Op>&Version=<api>&Key=value...`, form-encoded the
//! way botocore encodes it (Python's `urlencode`: space as `+`, everything but
//! `A-Za-z0-9-_.~` percent-encoded).
//!
//! Hand-written callers (STS) add `key=value` pairs with [`QueryWriter::param`];
//! generated shapes write through the [`Writer`] implementation, which flattens the
//! value tree into keys (`Name.member.1`, `a.b`) as botocore's `QuerySerializer` does.

use super::{Field, ListMeta, MapMeta, TimestampFormat, Writer};
use crate::DateTime;

/// Builds an awsQuery form body.
#[derive(Debug)]
pub struct QueryWriter {
    body: String,
    stack: Vec<Frame>,
    pending: Option<String>,
}

impl QueryWriter {
    /// A body that starts with `Action=<action>&Version=<version>`.
    pub fn new(action: &str, version: &str) -> Self {
        let mut w = QueryWriter {
            body: String::new(),
            stack: Vec::new(),
            pending: None,
        };
        w.param("Action", action);
        w.param("Version", version);
        w
    }

    /// Appends `key=value` (both encoded).
    pub fn param(&mut self, key: &str, value: &str) -> &mut Self {
        if !self.body.is_empty() {
            self.body.push('&');
        }
        self.body.push_str(&form_encode(key));
        self.body.push('=');
        self.body.push_str(&form_encode(value));
        self
    }

    /// Appends `key=value` when `value` is present.
    pub fn opt_param(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.param(key, v);
        }
        self
    }

    /// The encoded body.
    pub fn finish(self) -> String {
        self.body
    }
}

/// The awsQuery body of `input` for operation `action`.
pub fn to_body<T: super::Encode + ?Sized>(action: &str, version: &str, input: &T) -> String {
    let mut w = QueryWriter::new(action, version);
    input.encode(&mut w);
    w.finish()
}

/// `application/x-www-form-urlencoded` encoding as botocore does it.
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let [hi, lo] = crate::hex::upper(b);
                out.extend(['%', char::from(hi), char::from(lo)]);
            }
        }
    }
    out
}

/// The `Content-Type` of awsQuery requests.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// One open container of the value tree being written.
#[derive(Debug)]
enum Frame {
    /// Members are `prefix.Name` (just `Name` at the top).
    Struct { prefix: String },
    /// Items are `prefix.N`, 1-based.
    List { prefix: String, index: usize },
    /// Entries are `prefix.N.key` / `prefix.N.value`, 1-based.
    Map {
        prefix: String,
        index: usize,
        meta: &'static MapMeta,
    },
}

/// A generated input shape as awsQuery parameters, the way botocore's `QuerySerializer`
/// writes them: structures `a.b`, lists `Name.member.N` (flattened `Name.N`; an empty
/// list as `Name=`), maps `Name.entry.N.key`/`.value` (flattened drop `.entry`),
/// booleans `true`/`false`, timestamps ISO 8601 by default, blobs base64.
impl Writer for QueryWriter {
    fn begin_struct(&mut self) {
        let prefix = self.next_key().unwrap_or_default();
        self.stack.push(Frame::Struct { prefix });
    }

    fn field(&mut self, field: &'static Field) {
        if let Some(Frame::Struct { prefix }) = self.stack.last() {
            self.pending = Some(join(prefix, field.query));
        }
    }

    fn end_struct(&mut self) {
        self.stack.pop();
    }

    fn begin_list(&mut self, len: usize) {
        self.begin_list_as(len, &ListMeta::DEFAULT);
    }

    fn begin_list_as(&mut self, len: usize, meta: &'static ListMeta) {
        let key = self.next_key().unwrap_or_default();
        if len == 0 {
            // botocore sends an empty list as `Name=`.
            self.param(&key, "");
        }
        let prefix = if meta.flattened {
            match meta.member {
                // botocore replaces the last segment with the member's name.
                Some(member) => match key.rsplit_once('.') {
                    Some((parent, _)) => format!("{parent}.{member}"),
                    None => member.to_string(),
                },
                None => key,
            }
        } else {
            format!("{key}.{}", meta.member.unwrap_or("member"))
        };
        self.stack.push(Frame::List { prefix, index: 0 });
    }

    fn end_list(&mut self) {
        self.stack.pop();
    }

    fn begin_map(&mut self, len: usize) {
        self.begin_map_as(len, &MapMeta::DEFAULT);
    }

    fn begin_map_as(&mut self, _len: usize, meta: &'static MapMeta) {
        let key = self.next_key().unwrap_or_default();
        let prefix = if meta.flattened {
            key
        } else {
            format!("{key}.entry")
        };
        self.stack.push(Frame::Map {
            prefix,
            index: 0,
            meta,
        });
    }

    fn map_key(&mut self, key: &str) {
        let Some(Frame::Map {
            prefix,
            index,
            meta,
        }) = self.stack.last_mut()
        else {
            return;
        };
        *index += 1;
        let entry = format!("{prefix}.{index}");
        let value_key = format!("{entry}.{}", meta.value);
        let key_key = format!("{entry}.{}", meta.key);
        self.param(&key_key, key);
        self.pending = Some(value_key);
    }

    fn end_map(&mut self) {
        self.stack.pop();
    }

    fn string(&mut self, v: &str) {
        self.scalar(v);
    }

    fn boolean(&mut self, v: bool) {
        self.scalar(if v { "true" } else { "false" });
    }

    fn integer(&mut self, v: i64) {
        self.scalar(&v.to_string());
    }

    fn float32(&mut self, v: f32) {
        self.scalar(&float_text(f64::from(v), format!("{v:?}")));
    }

    fn float64(&mut self, v: f64) {
        self.scalar(&float_text(v, format!("{v:?}")));
    }

    fn timestamp(&mut self, v: &DateTime, format: TimestampFormat) {
        let text = match format {
            TimestampFormat::Default | TimestampFormat::Iso8601 => iso8601(v),
            // botocore `_timestamp_unixtimestamp`: whole seconds.
            TimestampFormat::EpochSeconds => v.secs().to_string(),
            TimestampFormat::HttpDate => v.fmt_http_date(),
        };
        self.scalar(&text);
    }

    fn blob(&mut self, v: &[u8]) {
        let mut out = Vec::new();
        crate::base64::encode_into(v, &mut out);
        self.scalar(&String::from_utf8_lossy(&out));
    }

    fn null(&mut self) {
        // botocore skips `None`; consume the key (or list slot) all the same.
        let _ = self.next_key();
    }
}

impl QueryWriter {
    /// The key of the value that comes next: a member's, a map value's, or the next
    /// list item's.
    fn next_key(&mut self) -> Option<String> {
        if let Some(k) = self.pending.take() {
            return Some(k);
        }
        match self.stack.last_mut() {
            Some(Frame::List { prefix, index }) => {
                *index += 1;
                Some(format!("{prefix}.{index}"))
            }
            _ => None,
        }
    }

    fn scalar(&mut self, v: &str) {
        if let Some(k) = self.next_key() {
            self.param(&k, v);
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// botocore writes non-finite floats as `NaN`, `Infinity`, `-Infinity`.
fn float_text(v: f64, finite: String) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        finite
    }
}

/// botocore `_timestamp_iso8601`: `%Y-%m-%dT%H:%M:%SZ`, or with `.%f` (six digits) when
/// there are microseconds.
fn iso8601(v: &DateTime) -> String {
    let whole = DateTime::from_secs(v.secs()).fmt_iso8601();
    let micros = v.subsec_nanos() / 1_000;
    if micros == 0 {
        whole
    } else {
        format!("{}.{micros:06}Z", whole.trim_end_matches('Z'))
    }
}

/// The server side: a form body back into `(key, value)` pairs, and those pairs into the
/// element tree [`super::xml::XmlReader`] walks, so generated inputs decode with the same
/// `Decode` impls as XML outputs (`A.member.1.B=v` is `<A><member><B>v</B></member></A>`,
/// flattened `A.1=v` is a repeated `<A>`, map entries `A.entry.1.key`/`.value`).
#[cfg(feature = "server")]
pub mod form {
    use crate::codec::xml::Element;
    use crate::codec::DecodeError;

    /// Deepest key accepted (`a.b.c...` segments), as deep as the XML reader allows.
    const MAX_SEGMENTS: usize = 64;

    /// Decodes an `application/x-www-form-urlencoded` body (`+` is a space). Fails on a
    /// bad percent escape or text that is not UTF-8.
    pub fn parse(body: &[u8]) -> Result<Vec<(String, String)>, DecodeError> {
        body.split(|&b| b == b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (k, v) = match pair.iter().position(|&b| b == b'=') {
                    Some(i) => (&pair[..i], &pair[i + 1..]),
                    None => (pair, &pair[..0]),
                };
                Ok((decode(k)?, decode(v)?))
            })
            .collect()
    }

    fn decode(s: &[u8]) -> Result<String, DecodeError> {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = s
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                        .ok_or_else(|| {
                            DecodeError::new("invalid percent escape in the form body")
                        })?;
                    out.push(hex);
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).map_err(|_| DecodeError::new("form body is not UTF-8"))
    }

    /// The element tree of the pairs (`Action` and `Version` included: no input shape
    /// has members of those names, and the reader skips unknown elements). List items
    /// and map entries are ordered by their index, whatever the order of the pairs.
    pub fn to_element(pairs: &[(String, String)]) -> Result<Element, DecodeError> {
        let mut root = Node::default();
        for (key, value) in pairs {
            let segments: Vec<&str> = key.split('.').collect();
            if segments.len() > MAX_SEGMENTS {
                return Err(DecodeError::new(format!(
                    "form key {key:?} is nested more than {MAX_SEGMENTS} levels"
                )));
            }
            let mut node = &mut root;
            let mut i = 0;
            while i < segments.len() {
                let name = segments[i];
                let index = match segments.get(i + 1) {
                    Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                        i += 1;
                        // Shorter digit strings are smaller numbers, so no index overflows.
                        let digits = n.trim_start_matches('0');
                        Some((digits.len(), digits.to_string()))
                    }
                    _ => None,
                };
                node = node.child(name, index);
                i += 1;
            }
            node.text = value.clone();
        }
        Ok(root.into_element(String::new()))
    }

    /// A tree under construction: children by (name, index), so a body of many list
    /// items builds in `n log n`.
    #[derive(Default)]
    struct Node {
        text: String,
        /// Each name in first-seen order, so members keep the body's order.
        names: Vec<String>,
        positions: std::collections::HashMap<String, usize>,
        children: std::collections::BTreeMap<(usize, Option<(usize, String)>), Node>,
    }

    impl Node {
        fn child(&mut self, name: &str, index: Option<(usize, String)>) -> &mut Node {
            let pos = match self.positions.get(name) {
                Some(&p) => p,
                None => {
                    self.names.push(name.to_string());
                    self.positions
                        .insert(name.to_string(), self.names.len() - 1);
                    self.names.len() - 1
                }
            };
            self.children.entry((pos, index)).or_default()
        }

        fn into_element(self, name: String) -> Element {
            let names = self.names;
            Element {
                name,
                text: self.text,
                children: self
                    .children
                    .into_iter()
                    .map(|((pos, _), node)| {
                        node.into_element(names.get(pos).cloned().unwrap_or_default())
                    })
                    .collect(),
                ..Element::default()
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::codec::xml::XmlReader;
        use crate::codec::{Decode, Strict};

        #[test]
        fn a_written_body_reads_back_into_the_same_value() {
            // The `Sample` of the writer tests covers lists (plain, flattened, renamed,
            // empty), maps with their names, nesting, timestamps, floats and blobs.
            let mut s = super::super::tests::sample();
            s.nested = Some(Box::new(super::super::tests::sample()));
            // Out of order and with leading zeros: indices decide the order.
            let body = super::super::to_body("Op", "1", &s);
            let mut pairs = parse(body.as_bytes()).unwrap();
            pairs.reverse();
            let root = to_element(&pairs).unwrap();
            let back = super::super::tests::Sample::decode(&mut Strict(XmlReader::new(&root)));
            assert_eq!(back.unwrap(), s);
        }

        #[test]
        fn bad_forms_are_errors_not_panics() {
            assert!(parse(b"a=%zz").is_err());
            assert!(parse(b"a=%f").is_err());
            assert!(parse(b"a=%ff").is_err(), "not UTF-8");
            assert_eq!(
                parse(b"a=b+c&&d&e=%3D").unwrap(),
                [
                    ("a".to_string(), "b c".to_string()),
                    ("d".into(), "".into()),
                    ("e".into(), "=".into())
                ]
            );
            let deep = vec!["a"; 100].join(".");
            assert!(to_element(&[(deep, "v".into())]).is_err());
            // A body of many list items builds quickly (no quadratic search).
            let many: Vec<(String, String)> = (1..=50_000)
                .rev()
                .map(|i| (format!("A.member.{i}"), i.to_string()))
                .collect();
            let started = std::time::Instant::now();
            let tree = to_element(&many).unwrap();
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
            let items = &tree.children[0].children;
            assert_eq!(items.len(), 50_000);
            assert_eq!(
                (items[0].text.as_str(), items[49_999].text.as_str()),
                ("1", "50000")
            );
            // Odd but harmless keys build a tree.
            for k in ["", ".", "a..b", "1", "a.1.1.1", "a.99999999999999999999999"] {
                assert!(to_element(&[(k.to_string(), "v".into())]).is_ok(), "{k}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Map;

    use super::*;
    use crate::codec::{encode_list, encode_list_as, encode_map_as, Encode};

    /// A hand-written shape exercising every container form.
    #[derive(Debug, PartialEq)]
    pub(super) struct Sample {
        pub(super) names: Vec<String>,
        pub(super) flat: Vec<String>,
        pub(super) renamed_flat: Vec<String>,
        pub(super) empty: Vec<String>,
        pub(super) tags: Map<String>,
        pub(super) nested: Option<Box<Sample>>,
        pub(super) when: DateTime,
        pub(super) ok: bool,
        pub(super) ratio: f64,
        pub(super) data: Vec<u8>,
    }

    const FIELDS: &[Field] = &[
        Field::new("Names"),
        Field::new("Flat").flattened(),
        Field::new("RenamedFlat").location("Hi", "item").flattened(),
        Field::new("Empty"),
        Field::new("Tags").location("T", "T"),
        Field::new("Nested"),
        Field::new("When"),
        Field::new("Ok"),
        Field::new("Ratio"),
        Field::new("Data"),
    ];
    const FLAT: ListMeta = ListMeta {
        member: None,
        flattened: true,
    };
    const RENAMED_FLAT: ListMeta = ListMeta {
        member: Some("item"),
        flattened: true,
    };
    const TAGS: MapMeta = MapMeta {
        key: "K",
        value: "V",
        flattened: false,
    };

    impl Encode for Sample {
        fn encode<W: Writer>(&self, w: &mut W) {
            w.begin_struct();
            w.field(&FIELDS[0]);
            encode_list(w, &self.names, |w, v| w.string(v));
            w.field(&FIELDS[1]);
            encode_list_as(w, &FLAT, &self.flat, |w, v| w.string(v));
            w.field(&FIELDS[2]);
            encode_list_as(w, &RENAMED_FLAT, &self.renamed_flat, |w, v| w.string(v));
            w.field(&FIELDS[3]);
            encode_list(w, &self.empty, |w, v| w.string(v));
            w.field(&FIELDS[4]);
            encode_map_as(w, &TAGS, &self.tags, |w, v| w.string(v));
            if let Some(n) = &self.nested {
                w.field(&FIELDS[5]);
                n.encode(w);
            }
            w.field(&FIELDS[6]);
            w.timestamp(&self.when, TimestampFormat::Default);
            w.field(&FIELDS[7]);
            w.boolean(self.ok);
            w.field(&FIELDS[8]);
            w.float64(self.ratio);
            w.field(&FIELDS[9]);
            w.blob(&self.data);
            w.end_struct();
        }
    }

    #[cfg(feature = "server")]
    impl crate::codec::Decode for Sample {
        fn decode<R: crate::codec::Reader>(r: &mut R) -> Result<Self, crate::codec::DecodeError> {
            use crate::codec::{decode_list, decode_map_as};
            let mut s = Sample {
                names: vec![],
                flat: vec![],
                renamed_flat: vec![],
                empty: vec![],
                tags: Map::new(),
                nested: None,
                when: DateTime::from_secs(0),
                ok: false,
                ratio: 0.0,
                data: vec![],
            };
            r.begin_struct()?;
            while let Some(i) = r.next_field(FIELDS)? {
                match i {
                    0 => s.names = decode_list(r, |r| r.string())?,
                    1 => s.flat = decode_list(r, |r| r.string())?,
                    2 => s.renamed_flat = decode_list(r, |r| r.string())?,
                    3 => s.empty = decode_list(r, |r| r.string())?,
                    4 => s.tags = decode_map_as(r, &TAGS, |r| r.string())?,
                    5 => s.nested = Some(Box::new(Sample::decode(r)?)),
                    6 => s.when = r.timestamp(TimestampFormat::Default)?,
                    7 => s.ok = r.boolean()?,
                    8 => s.ratio = r.float()?,
                    9 => s.data = r.blob()?,
                    _ => r.skip()?,
                }
            }
            Ok(s)
        }
    }

    pub(super) fn sample() -> Sample {
        Sample {
            names: vec!["a b".into(), "c:d".into()],
            flat: vec!["x".into()],
            renamed_flat: vec!["y".into()],
            empty: vec![],
            tags: Map::from([("k2".into(), "v2".into()), ("k1".into(), "v1".into())]),
            nested: None,
            when: DateTime::from_parts(1_422_172_800, 123_000_000).unwrap(),
            ok: false,
            ratio: f64::NEG_INFINITY,
            data: b"value".to_vec(),
        }
    }

    #[test]
    fn shapes_flatten_into_botocore_keys() {
        let mut s = sample();
        s.nested = Some(Box::new(Sample {
            ratio: 10.5,
            ok: true,
            when: DateTime::from_secs(0),
            ..sample()
        }));
        let body = to_body("Op", "2010-06-01", &s);
        let pairs: Vec<&str> = body.split('&').collect();
        let want = [
            "Action=Op",
            "Version=2010-06-01",
            "Names.member.1=a+b",
            "Names.member.2=c%3Ad",
            "Flat.1=x",
            // botocore puts a flattened list's member name in place of the member's.
            "item.1=y",
            "Empty=",
            // Entries in insertion order (k2 was inserted first), as botocore numbers
            // a dict's items.
            "T.entry.1.K=k2",
            "T.entry.1.V=v2",
            "T.entry.2.K=k1",
            "T.entry.2.V=v1",
            "Nested.Names.member.1=a+b",
            "Nested.When=1970-01-01T00%3A00%3A00Z",
            "Nested.Ok=true",
            "Nested.Ratio=10.5",
            "When=2015-01-25T08%3A00%3A00.123000Z",
            "Ok=false",
            "Ratio=-Infinity",
            "Data=dmFsdWU%3D",
        ];
        for w in want {
            assert!(pairs.contains(&w), "{w} missing from {body}");
        }
        assert!(pairs.contains(&"Nested.item.1=y"));
        assert_eq!(
            pairs.iter().filter(|p| p.starts_with("Nested.")).count(),
            13
        );
    }

    #[test]
    fn hand_written_params_keep_working() {
        let mut q = QueryWriter::new("AssumeRole", "2011-06-15");
        q.param("RoleArn", "arn:aws:iam::1:role/x")
            .opt_param("X", None);
        assert_eq!(
            q.finish(),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx"
        );
    }
}
