//! A small XML document tree for awsQuery responses (`<OpResponse><OpResult>...`) and
//! their errors (`<ErrorResponse><Error><Code>...`). Built on quick-xml's pull parser;
//! namespaces are dropped (element names are local names), entities are unescaped.
//!
//! Responses are small, so a tree is simpler than streaming and lets callers look up
//! paths (`["AssumeRoleResult", "Credentials", "AccessKeyId"]`).

use quick_xml::events::Event;

use super::DecodeError;

/// Deepest nesting accepted; AWS responses are far shallower.
const MAX_DEPTH: usize = 64;

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
    /// Parses a document and returns its root element.
    pub fn parse(xml: &[u8]) -> Result<Element, DecodeError> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        reader.config_mut().check_end_names = true;
        let mut stack: Vec<Element> = Vec::new();
        let mut root: Option<Element> = None;
        let err = |pos: u64, m: String| DecodeError::at(pos as usize, m);
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
                    let mut attributes = Vec::new();
                    for a in e.attributes() {
                        let a = a.map_err(|e| err(pos, format!("invalid attribute: {e}")))?;
                        let v = a
                            .unescape_value()
                            .map_err(|e| err(pos, format!("invalid attribute value: {e}")))?;
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
                    match stack.last_mut() {
                        Some(el) => el.text.push_str(&s),
                        None if s.trim().is_empty() => {}
                        None => return Err(err(pos, "text outside the root element".into())),
                    }
                }
                Event::CData(c) => {
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
