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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::codec::{encode_list, encode_list_as, encode_map_as, Encode};

    /// A hand-written shape exercising every container form.
    struct Sample {
        names: Vec<String>,
        flat: Vec<String>,
        renamed_flat: Vec<String>,
        empty: Vec<String>,
        tags: HashMap<String, String>,
        nested: Option<Box<Sample>>,
        when: DateTime,
        ok: bool,
        ratio: f64,
        data: Vec<u8>,
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

    fn sample() -> Sample {
        Sample {
            names: vec!["a b".into(), "c:d".into()],
            flat: vec!["x".into()],
            renamed_flat: vec!["y".into()],
            empty: vec![],
            tags: HashMap::from([("k2".into(), "v2".into()), ("k1".into(), "v1".into())]),
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
            "T.entry.1.K=k1",
            "T.entry.1.V=v1",
            "T.entry.2.K=k2",
            "T.entry.2.V=v2",
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
