//! The server half of awsQuery: a [`Writer`] that writes a shape as the XML botocore's
//! `QueryParser` reads (members as elements named by `Field::xml`, lists as
//! `<Name><member>..</member></Name>` or repeated `<Name>` when flattened, maps as
//! `<Name><entry><key>..</key><value>..</value></entry></Name>`, timestamps ISO 8601).
//! Only the value tree: the server wraps it in `<OpResponse><OpResult>..`.

use super::{Field, ListMeta, MapMeta, TimestampFormat, Writer};
use crate::DateTime;

/// One open container.
#[derive(Debug)]
enum Frame {
    /// A structure: `close` is its element name (`None` for the unwritten root).
    Struct { close: Option<String> },
    /// A list: each item is an element `item`; `close` is the wrapper to close.
    List { item: String, close: Option<String> },
    /// A map: each entry is an `entry` element (open while its value is written).
    Map {
        entry: String,
        close: Option<String>,
        meta: &'static MapMeta,
        open: bool,
    },
}

/// Writes one value tree as XML elements.
#[derive(Debug)]
pub struct XmlWriter {
    out: String,
    stack: Vec<Frame>,
    /// The element name of the value that comes next.
    pending: Option<String>,
}

impl XmlWriter {
    /// A writer whose top structure is written as `<root>..</root>`, or with `None` as
    /// its members only (for the inside of an element the caller writes).
    pub fn new(root: Option<&str>) -> Self {
        XmlWriter {
            out: String::with_capacity(256),
            stack: Vec::new(),
            pending: root.map(str::to_string),
        }
    }

    /// The XML written.
    pub fn finish(self) -> String {
        self.out
    }

    /// Appends `<name>text</name>` with `text` escaped (for the envelope the caller writes).
    pub fn element(&mut self, name: &str, text: &str) {
        self.open(name);
        escape_into(&mut self.out, text);
        self.close(name);
    }

    fn open(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// The element name of the next value: a member's, a map value's, or a list item's.
    /// `None` at the unwritten root.
    fn next_name(&mut self) -> Option<String> {
        if let Some(n) = self.pending.take() {
            return Some(n);
        }
        match self.stack.last() {
            Some(Frame::List { item, .. }) => Some(item.clone()),
            _ => None,
        }
    }

    fn scalar(&mut self, text: &str) {
        if let Some(name) = self.next_name() {
            self.element(&name, text);
        }
    }
}

impl Writer for XmlWriter {
    fn begin_struct(&mut self) {
        let close = self.next_name();
        if let Some(n) = &close {
            self.open(n);
        }
        self.stack.push(Frame::Struct { close });
    }

    fn field(&mut self, field: &'static Field) {
        self.pending = Some(field.xml.to_string());
    }

    fn end_struct(&mut self) {
        if let Some(Frame::Struct { close: Some(n) }) = self.stack.pop() {
            self.close(&n);
        }
    }

    fn begin_list(&mut self, len: usize) {
        self.begin_list_as(len, &ListMeta::DEFAULT);
    }

    fn begin_list_as(&mut self, _len: usize, meta: &'static ListMeta) {
        let name = self.next_name().unwrap_or_default();
        if meta.flattened {
            // Items repeat the member's element (already the member's `locationName`).
            self.stack.push(Frame::List {
                item: name,
                close: None,
            });
        } else {
            self.open(&name);
            self.stack.push(Frame::List {
                item: meta.member.unwrap_or("member").to_string(),
                close: Some(name),
            });
        }
    }

    fn end_list(&mut self) {
        if let Some(Frame::List { close: Some(n), .. }) = self.stack.pop() {
            self.close(&n);
        }
    }

    fn begin_map(&mut self, len: usize) {
        self.begin_map_as(len, &MapMeta::DEFAULT);
    }

    fn begin_map_as(&mut self, _len: usize, meta: &'static MapMeta) {
        let name = self.next_name().unwrap_or_default();
        let (entry, close) = if meta.flattened {
            (name, None)
        } else {
            self.open(&name);
            ("entry".to_string(), Some(name))
        };
        self.stack.push(Frame::Map {
            entry,
            close,
            meta,
            open: false,
        });
    }

    fn map_key(&mut self, key: &str) {
        let Some(Frame::Map {
            entry, meta, open, ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        let (entry, meta, was_open) = (entry.clone(), *meta, *open);
        *open = true;
        if was_open {
            self.close(&entry);
        }
        self.open(&entry);
        self.element(meta.key, key);
        self.pending = Some(meta.value.to_string());
    }

    fn end_map(&mut self) {
        if let Some(Frame::Map {
            entry, close, open, ..
        }) = self.stack.pop()
        {
            if open {
                self.close(&entry);
            }
            if let Some(n) = close {
                self.close(&n);
            }
        }
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
        self.float64(f64::from(v));
    }

    fn float64(&mut self, v: f64) {
        let text = if v.is_nan() {
            "NaN".to_string()
        } else if v.is_infinite() {
            if v > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
        } else {
            format!("{v:?}")
        };
        self.scalar(&text);
    }

    fn timestamp(&mut self, v: &DateTime, format: TimestampFormat) {
        let text = match format {
            TimestampFormat::Default | TimestampFormat::Iso8601 => v.fmt_iso8601(),
            TimestampFormat::EpochSeconds => v.fmt_epoch(),
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
        // An absent value: no element (a sparse list's item is dropped, as botocore
        // cannot tell an empty element from a missing one anyway).
        let _ = self.next_name();
    }
}

/// Escapes text for an element's content or an attribute value.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Carriage returns would be normalized away by a parser.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Map;

    use super::*;
    use crate::codec::xml::{Element, XmlReader};
    use crate::codec::{decode_list, encode_list_as, encode_map_as, Decode};
    use crate::codec::{DecodeError, Encode, Reader};

    #[derive(Debug, PartialEq)]
    struct Sample {
        name: String,
        items: Vec<String>,
        flat: Vec<i64>,
        tags: Map<String>,
        when: DateTime,
        ok: bool,
        ratio: f64,
        nested: Option<Box<Sample>>,
    }

    const FIELDS: &[Field] = &[
        Field::new("Name"),
        Field::new("Items"),
        Field::new("Flat").flattened(),
        Field::new("Tags"),
        Field::new("When"),
        Field::new("Ok"),
        Field::new("Ratio"),
        Field::new("Nested"),
    ];
    const ITEMS: ListMeta = ListMeta {
        member: Some("item"),
        flattened: false,
    };
    const FLAT: ListMeta = ListMeta {
        member: None,
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
            w.string(&self.name);
            w.field(&FIELDS[1]);
            encode_list_as(w, &ITEMS, &self.items, |w, v| w.string(v));
            w.field(&FIELDS[2]);
            encode_list_as(w, &FLAT, &self.flat, |w, v| w.integer(*v));
            w.field(&FIELDS[3]);
            encode_map_as(w, &TAGS, &self.tags, |w, v| w.string(v));
            w.field(&FIELDS[4]);
            w.timestamp(&self.when, TimestampFormat::Default);
            w.field(&FIELDS[5]);
            w.boolean(self.ok);
            w.field(&FIELDS[6]);
            w.float64(self.ratio);
            if let Some(n) = &self.nested {
                w.field(&FIELDS[7]);
                n.encode(w);
            }
            w.end_struct();
        }
    }

    impl Decode for Sample {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            let mut s = Sample {
                name: String::new(),
                items: vec![],
                flat: vec![],
                tags: Map::new(),
                when: DateTime::from_secs(0),
                ok: false,
                ratio: 0.0,
                nested: None,
            };
            r.begin_struct()?;
            while let Some(i) = r.next_field(FIELDS)? {
                match i {
                    0 => s.name = r.string()?,
                    1 => s.items = decode_list(r, |r| r.string())?,
                    2 => s.flat = decode_list(r, |r| r.integer())?,
                    3 => s.tags = crate::codec::decode_map_as(r, &TAGS, |r| r.string())?,
                    4 => s.when = r.timestamp(TimestampFormat::Default)?,
                    5 => s.ok = r.boolean()?,
                    6 => s.ratio = r.float()?,
                    7 => s.nested = Some(Box::new(Sample::decode(r)?)),
                    _ => r.skip()?,
                }
            }
            Ok(s)
        }
    }

    fn sample() -> Sample {
        Sample {
            name: "a <b> & 'c'".into(),
            items: vec!["x".into(), "y".into()],
            flat: vec![1, 2, 3],
            tags: Map::from([("k1".into(), "v1".into()), ("k2".into(), "v2".into())]),
            when: DateTime::from_secs(1_700_000_000),
            ok: true,
            ratio: -0.5,
            nested: None,
        }
    }

    #[test]
    fn written_xml_reads_back_through_the_xml_reader() {
        let mut s = sample();
        s.nested = Some(Box::new(sample()));
        let mut w = XmlWriter::new(Some("R"));
        s.encode(&mut w);
        let xml = w.finish();
        assert!(
            xml.starts_with("<R><Name>a &lt;b&gt; &amp; &apos;c&apos;</Name>"),
            "{xml}"
        );
        assert!(
            xml.contains("<Items><item>x</item><item>y</item></Items>"),
            "{xml}"
        );
        assert!(
            xml.contains("<Flat>1</Flat><Flat>2</Flat><Flat>3</Flat>"),
            "{xml}"
        );
        assert!(xml.contains("<When>2023-11-14T22:13:20Z</When>"), "{xml}");
        let root = Element::parse(xml.as_bytes()).unwrap();
        assert_eq!(Sample::decode(&mut XmlReader::new(&root)).unwrap(), s);
    }

    #[test]
    fn a_rootless_writer_writes_only_the_members() {
        let mut w = XmlWriter::new(None);
        let mut s = sample();
        s.items.clear();
        s.flat.clear();
        s.tags.clear();
        s.encode(&mut w);
        assert_eq!(
            w.finish(),
            "<Name>a &lt;b&gt; &amp; &apos;c&apos;</Name><Items></Items><Tags></Tags>\
             <When>2023-11-14T22:13:20Z</When><Ok>true</Ok><Ratio>-0.5</Ratio>"
        );
    }
}
