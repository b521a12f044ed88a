//! A small XML document tree for awsQuery responses (`<OpResponse><OpResult>...`) and
//! their errors (`<ErrorResponse><Error><Code>...`). Built on quick-xml's pull parser;
//! namespaces are dropped (element names are local names), entities are unescaped.
//!
//! Responses are small, so a tree is simpler than streaming and lets callers look up
//! paths (`["AssumeRoleResult", "Credentials", "AccessKeyId"]`). [`XmlReader`] walks a
//! tree as a codec [`Reader`], so generated shapes decode from it as botocore's
//! `QueryParser` reads them.

use quick_xml::events::Event;

use super::{DecodeError, Field, MapMeta, Reader, TimestampFormat, UnionMember};
use crate::DateTime;

/// Deepest nesting accepted; AWS responses are far shallower.
const MAX_DEPTH: usize = 64;

/// Tree bytes allowed per input byte. An element costs about 200 bytes of tree (its
/// struct, twice for the parent's growing vector, and its name), so `<a/>` (4 bytes)
/// would otherwise cost ~50 bytes per input byte; real responses (names and text in
/// every element) need under 8.
const TREE_BYTES_PER_INPUT_BYTE: usize = 16;

/// The allowance for any input, so small documents are never refused.
const MIN_TREE_BYTES: usize = 64 * 1024;

/// One element: local name, attributes, child elements and its own text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name (no namespace prefix).
    pub name: String,
    /// Attributes as (local name, unescaped value).
    pub attributes: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// The element's text content (text and CDATA directly inside it), unescaped.
    pub text: String,
}

impl Element {
    /// Parses a document and returns its root element. The tree may take at most
    /// 16 bytes per input byte (64 KiB at least); beyond that the document is refused,
    /// so a body of tiny elements cannot make a tree tens of times its size.
    pub fn parse(xml: &[u8]) -> Result<Element, DecodeError> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        reader.config_mut().check_end_names = true;
        let mut stack: Vec<Element> = Vec::new();
        let mut root: Option<Element> = None;
        let err = |pos: u64, m: String| DecodeError::at(pos as usize, m);
        let allowance = xml
            .len()
            .saturating_mul(TREE_BYTES_PER_INPUT_BYTE)
            .max(MIN_TREE_BYTES);
        let mut used = 0usize;
        let mut charge = |n: usize, pos: u64| {
            used = used.saturating_add(n);
            if used > allowance {
                Err(err(
                    pos,
                    format!(
                        "XML document too large to hold as a tree: over {allowance} bytes \
                         ({TREE_BYTES_PER_INPUT_BYTE} per input byte)"
                    ),
                ))
            } else {
                Ok(())
            }
        };
        loop {
            let pos = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|e| err(pos, format!("invalid XML: {e}")))?;
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    if root.is_some() {
                        return Err(err(pos, "content after the root element".into()));
                    }
                    if stack.len() >= MAX_DEPTH {
                        return Err(err(pos, "XML nested too deeply".into()));
                    }
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    // Twice the struct: the parent's vector grows by doubling.
                    charge(2 * std::mem::size_of::<Element>() + name.len(), pos)?;
                    let mut attributes = Vec::new();
                    for a in e.attributes() {
                        let a = a.map_err(|e| err(pos, format!("invalid attribute: {e}")))?;
                        let v = a
                            .unescape_value()
                            .map_err(|e| err(pos, format!("invalid attribute value: {e}")))?;
                        charge(
                            2 * std::mem::size_of::<(String, String)>()
                                + a.key.local_name().as_ref().len()
                                + v.len(),
                            pos,
                        )?;
                        attributes.push((
                            String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(),
                            v.into_owned(),
                        ));
                    }
                    let el = Element {
                        name,
                        attributes,
                        ..Element::default()
                    };
                    if matches!(event, Event::Empty(_)) {
                        match stack.last_mut() {
                            Some(parent) => parent.children.push(el),
                            None => root = Some(el),
                        }
                    } else {
                        stack.push(el);
                    }
                }
                Event::End(_) => {
                    let Some(el) = stack.pop() else {
                        return Err(err(pos, "unexpected closing tag".into()));
                    };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(el),
                        None => root = Some(el),
                    }
                }
                Event::Text(t) => {
                    let s = t
                        .unescape()
                        .map_err(|e| err(pos, format!("invalid text: {e}")))?;
                    charge(s.len(), pos)?;
                    match stack.last_mut() {
                        Some(el) => el.text.push_str(&s),
                        None if s.trim().is_empty() => {}
                        None => return Err(err(pos, "text outside the root element".into())),
                    }
                }
                Event::CData(c) => {
                    charge(c.len(), pos)?;
                    if let Some(el) = stack.last_mut() {
                        el.text.push_str(&String::from_utf8_lossy(&c));
                    }
                }
                Event::Eof => break,
                // Declarations, comments, processing instructions, doctypes.
                _ => {}
            }
        }
        if !stack.is_empty() {
            return Err(DecodeError::new("XML document ended inside an element"));
        }
        root.ok_or_else(|| DecodeError::new("empty XML document"))
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The descendant at `path` (child names, outermost first).
    pub fn path(&self, path: &[&str]) -> Option<&Element> {
        path.iter().try_fold(self, |el, name| el.child(name))
    }

    /// The text of the descendant at `path`, trimmed.
    pub fn text_at(&self, path: &[&str]) -> Option<&str> {
        self.path(path).map(|e| e.text.trim())
    }
}

/// The code, message and request id of an awsQuery error body: either
/// `<ErrorResponse><Error><Code>..` or `<Response><Errors><Error><Code>..`.
pub fn query_error(root: &Element) -> Option<(String, Option<String>, Option<String>)> {
    let error = root
        .child("Error")
        .or_else(|| root.path(&["Errors", "Error"]))?;
    let code = error.text_at(&["Code"])?.to_string();
    let message = error.text_at(&["Message"]).map(str::to_string);
    let request_id = root
        .text_at(&["RequestId"])
        .or_else(|| root.text_at(&["RequestID"]))
        .map(str::to_string);
    Some((code, message, request_id))
}

/// The value the reader will hand out next: one element, or the repeated elements of a
/// flattened list or map.
#[derive(Debug)]
enum Node<'a> {
    One(&'a Element),
    Many(Vec<&'a Element>),
}

#[derive(Debug)]
enum Frame<'a> {
    Struct {
        el: &'a Element,
        pos: usize,
        /// Flattened members already handed out (their elements are grouped).
        taken: Vec<&'static str>,
    },
    List {
        items: Vec<&'a Element>,
        pos: usize,
    },
    Map {
        entries: Vec<&'a Element>,
        pos: usize,
        meta: &'static MapMeta,
    },
}

/// A [`Reader`] over an XML element tree, with botocore's rules: structure members by
/// element name (unknown ones skipped), a list's items are all child elements of its
/// element (flattened: the repeated elements themselves), map entries hold `key` and
/// `value` elements (or the model's names), scalars are element text, timestamps in any
/// of the three formats, blobs base64.
#[derive(Debug)]
pub struct XmlReader<'a> {
    next: Option<Node<'a>>,
    stack: Vec<Frame<'a>>,
}

impl<'a> XmlReader<'a> {
    /// A reader whose first value is `root` itself.
    pub fn new(root: &'a Element) -> Self {
        XmlReader {
            next: Some(Node::One(root)),
            stack: Vec::new(),
        }
    }

    fn take(&mut self, what: &str) -> Result<Node<'a>, DecodeError> {
        self.next
            .take()
            .ok_or_else(|| DecodeError::new(format!("expected {what}, found nothing")))
    }

    /// The element of a single value (the last one when a name was repeated).
    fn element(&mut self, what: &str) -> Result<&'a Element, DecodeError> {
        match self.take(what)? {
            Node::One(el) => Ok(el),
            Node::Many(v) => v
                .last()
                .copied()
                .ok_or_else(|| DecodeError::new(format!("expected {what}, found nothing"))),
        }
    }

    fn text(&mut self, what: &str) -> Result<&'a str, DecodeError> {
        self.element(what).map(|e| e.text.as_str())
    }

    /// The next member of the current structure. An element no field names is skipped,
    /// or, with `unknown` (a union), returned by name: a member a newer service added
    /// is then `Unknown` rather than "no member set", as the JSON reader does.
    fn next_child(
        &mut self,
        fields: &'static [Field],
        unknown: bool,
    ) -> Result<Option<UnionMember>, DecodeError> {
        self.next = None;
        let Some(Frame::Struct { el, pos, taken }) = self.stack.last_mut() else {
            return Err(DecodeError::new("next_field outside a structure"));
        };
        let el: &Element = el;
        while let Some(child) = el.children.get(*pos) {
            *pos += 1;
            let Some(i) = fields.iter().position(|f| f.xml == child.name) else {
                if unknown {
                    return Ok(Some(UnionMember::Unknown(child.name.clone())));
                }
                continue;
            };
            let f = &fields[i];
            if f.flattened {
                if taken.contains(&f.xml) {
                    continue;
                }
                taken.push(f.xml);
                self.next = Some(Node::Many(el.children_named(f.xml).collect()));
            } else {
                self.next = Some(Node::One(child));
            }
            return Ok(Some(UnionMember::Known(i)));
        }
        self.stack.pop();
        Ok(None)
    }
}

fn bad(what: &str, text: &str) -> DecodeError {
    DecodeError::new(format!("invalid {what} {text:?} in XML"))
}

impl Reader for XmlReader<'_> {
    fn begin_struct(&mut self) -> Result<(), DecodeError> {
        let el = self.element("a structure")?;
        self.stack.push(Frame::Struct {
            el,
            pos: 0,
            taken: Vec::new(),
        });
        Ok(())
    }

    fn next_field(&mut self, fields: &'static [Field]) -> Result<Option<usize>, DecodeError> {
        Ok(match self.next_child(fields, false)? {
            Some(UnionMember::Known(i)) => Some(i),
            _ => None,
        })
    }

    fn next_union_member(
        &mut self,
        fields: &'static [Field],
    ) -> Result<Option<UnionMember>, DecodeError> {
        self.next_child(fields, true)
    }

    fn begin_list(&mut self) -> Result<(), DecodeError> {
        let items = match self.take("a list")? {
            Node::One(el) => el.children.iter().collect(),
            Node::Many(v) => v,
        };
        self.stack.push(Frame::List { items, pos: 0 });
        Ok(())
    }

    fn next_item(&mut self) -> Result<bool, DecodeError> {
        self.next = None;
        let Some(Frame::List { items, pos }) = self.stack.last_mut() else {
            return Err(DecodeError::new("next_item outside a list"));
        };
        match items.get(*pos) {
            Some(el) => {
                *pos += 1;
                self.next = Some(Node::One(el));
                Ok(true)
            }
            None => {
                self.stack.pop();
                Ok(false)
            }
        }
    }

    fn begin_map(&mut self) -> Result<(), DecodeError> {
        self.begin_map_as(&MapMeta::DEFAULT)
    }

    fn begin_map_as(&mut self, meta: &'static MapMeta) -> Result<(), DecodeError> {
        let entries = match self.take("a map")? {
            Node::One(el) => el.children.iter().collect(),
            Node::Many(v) => v,
        };
        self.stack.push(Frame::Map {
            entries,
            pos: 0,
            meta,
        });
        Ok(())
    }

    fn next_key(&mut self) -> Result<Option<String>, DecodeError> {
        self.next = None;
        let Some(Frame::Map { entries, pos, meta }) = self.stack.last_mut() else {
            return Err(DecodeError::new("next_key outside a map"));
        };
        let Some(entry) = entries.get(*pos) else {
            self.stack.pop();
            return Ok(None);
        };
        *pos += 1;
        let key = entry.child(meta.key).ok_or_else(|| {
            DecodeError::new(format!("map entry <{}> has no <{}>", entry.name, meta.key))
        })?;
        // An entry without a value reads as null, so the map drops it.
        self.next = entry.child(meta.value).map(Node::One);
        Ok(Some(key.text.clone()))
    }

    fn null(&mut self) -> Result<bool, DecodeError> {
        Ok(self.next.is_none())
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        self.text("a string").map(str::to_string)
    }

    fn boolean(&mut self) -> Result<bool, DecodeError> {
        let t = self.text("a boolean")?;
        match t.trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(bad("boolean", t)),
        }
    }

    fn integer(&mut self) -> Result<i64, DecodeError> {
        let t = self.text("an integer")?;
        t.trim().parse().map_err(|_| bad("integer", t))
    }

    fn float(&mut self) -> Result<f64, DecodeError> {
        let t = self.text("a number")?;
        match t.trim() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            s if s
                .bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) =>
            {
                s.parse().map_err(|_| bad("number", t))
            }
            _ => Err(bad("number", t)),
        }
    }

    fn timestamp(&mut self, _format: TimestampFormat) -> Result<DateTime, DecodeError> {
        // botocore's parser takes any of the formats whatever the model says.
        let t = self.text("a timestamp")?;
        let s = t.trim();
        DateTime::parse_iso8601(s)
            .or_else(|_| DateTime::parse_http_date(s))
            .or_else(|_| DateTime::parse_epoch(s))
            .or_else(|_| {
                s.parse::<f64>()
                    .ok()
                    .and_then(DateTime::from_secs_f64)
                    .ok_or_else(|| bad("timestamp", t))
            })
    }

    fn blob(&mut self) -> Result<Vec<u8>, DecodeError> {
        let t = self.text("a blob")?;
        crate::base64::decode(t.trim().as_bytes()).map_err(|_| bad("base64 blob", t))
    }

    fn skip(&mut self) -> Result<(), DecodeError> {
        self.next = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Map;

    use super::*;
    use crate::codec::{decode_list, decode_map, decode_map_as, Decode};

    #[test]
    fn a_union_reads_known_and_unknown_members_in_order() {
        const UNION: &[Field] = &[Field::new("A"), Field::new("B")];
        let root = Element::parse(b"<U><Z>1</Z><B>b</B><Y/></U>").unwrap();
        let mut r = XmlReader::new(&root);
        r.begin_struct().unwrap();
        let mut seen = Vec::new();
        while let Some(m) = r.next_union_member(UNION).unwrap() {
            if m == UnionMember::Known(1) {
                assert_eq!(r.string().unwrap(), "b");
            }
            seen.push(m);
        }
        assert_eq!(
            seen,
            [
                UnionMember::Unknown("Z".into()),
                UnionMember::Known(1),
                UnionMember::Unknown("Y".into()),
            ]
        );
    }

    #[derive(Debug, Default, PartialEq)]
    struct Out {
        name: Option<String>,
        empty: Option<String>,
        items: Option<Vec<String>>,
        flat: Option<Vec<i64>>,
        renamed: Option<Vec<String>>,
        map: Option<Map<String>>,
        named_map: Option<Map<String>>,
        flat_map: Option<Map<String>>,
        when: Option<DateTime>,
        ok: Option<bool>,
        ratio: Option<f64>,
        data: Option<Vec<u8>>,
    }

    const FIELDS: &[Field] = &[
        Field::new("Name"),
        Field::new("Empty"),
        Field::new("Items"),
        Field::new("Flat").flattened(),
        Field::new("Renamed")
            .location("Renamed", "item")
            .flattened(),
        Field::new("Map"),
        Field::new("NamedMap"),
        Field::new("FlatMap").location("KVP", "KVP").flattened(),
        Field::new("When"),
        Field::new("Ok"),
        Field::new("Ratio"),
        Field::new("Data"),
    ];
    const NAMED: MapMeta = MapMeta {
        key: "K",
        value: "V",
        flattened: false,
    };
    const FLAT_NAMED: MapMeta = MapMeta {
        key: "K",
        value: "V",
        flattened: true,
    };

    impl Decode for Out {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            let mut o = Out::default();
            r.begin_struct()?;
            while let Some(i) = r.next_field(FIELDS)? {
                match i {
                    0 => o.name = Some(r.string()?),
                    1 => o.empty = Some(r.string()?),
                    2 => o.items = Some(decode_list(r, |r| r.string())?),
                    3 => o.flat = Some(decode_list(r, |r| r.integer())?),
                    4 => o.renamed = Some(decode_list(r, |r| r.string())?),
                    5 => o.map = Some(decode_map(r, |r| r.string())?),
                    6 => o.named_map = Some(decode_map_as(r, &NAMED, |r| r.string())?),
                    7 => o.flat_map = Some(decode_map_as(r, &FLAT_NAMED, |r| r.string())?),
                    8 => o.when = Some(r.timestamp(TimestampFormat::Default)?),
                    9 => o.ok = Some(r.boolean()?),
                    10 => o.ratio = Some(r.float()?),
                    11 => o.data = Some(r.blob()?),
                    _ => r.skip()?,
                }
            }
            Ok(o)
        }
    }

    fn read(xml: &str) -> Result<Out, DecodeError> {
        let root = Element::parse(xml.as_bytes())?;
        Out::decode(&mut XmlReader::new(&root))
    }

    #[test]
    fn reads_members_lists_and_maps_as_botocore() {
        let out = read(
            r#"<R xmlns="urn:x"><Unknown><Name>no</Name></Unknown><Name>a &amp; b</Name><Empty/>
            <Flat>1</Flat><Items><member>x</member><other>y</other></Items><Flat>2</Flat>
            <item>r1</item><item>r2</item>
            <Map><entry><key>k</key><value>v</value></entry></Map>
            <NamedMap><entry><K>a</K><V>A</V></entry><entry><K>b</K></entry></NamedMap>
            <KVP><K>f</K><V>F</V></KVP><KVP><K>g</K><V>G</V></KVP>
            <When>2019-12-16T22:48:18-01:00</When><Ok>true</Ok><Ratio>-Infinity</Ratio>
            <Data>dmFsdWU=</Data></R>"#,
        )
        .unwrap();
        assert_eq!(out.name.as_deref(), Some("a & b"));
        assert_eq!(out.empty.as_deref(), Some(""));
        // Every child of a list element is an item, whatever its name.
        assert_eq!(out.items, Some(vec!["x".to_string(), "y".to_string()]));
        assert_eq!(out.flat, Some(vec![1, 2]));
        assert_eq!(out.renamed, Some(vec!["r1".to_string(), "r2".to_string()]));
        assert_eq!(out.map, Some(Map::from([("k".into(), "v".into())])));
        // An entry without a value is dropped.
        assert_eq!(out.named_map, Some(Map::from([("a".into(), "A".into())])));
        assert_eq!(
            out.flat_map,
            Some(Map::from([
                ("f".into(), "F".into()),
                ("g".into(), "G".into())
            ]))
        );
        assert_eq!(out.when, Some(DateTime::from_secs(1_576_540_098)));
        assert_eq!(out.ok, Some(true));
        assert_eq!(out.ratio, Some(f64::NEG_INFINITY));
        assert_eq!(out.data.as_deref(), Some(&b"value"[..]));
    }

    #[test]
    fn timestamps_in_any_format_and_bad_scalars_fail() {
        for t in [
            "2014-04-29T18:30:38Z",
            "Tue, 29 Apr 2014 18:30:38 GMT",
            "1398796238",
        ] {
            let out = read(&format!("<R><When>{t}</When></R>")).unwrap();
            assert_eq!(out.when, Some(DateTime::from_secs(1_398_796_238)), "{t}");
        }
        for bad in [
            "<R><Ok>yes</Ok></R>",
            "<R><Flat>1.5</Flat></R>",
            "<R><Ratio>abc</Ratio></R>",
            "<R><When>soon</When></R>",
            "<R><Data>*</Data></R>",
            "<R><Map><entry><value>v</value></entry></Map></R>",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
