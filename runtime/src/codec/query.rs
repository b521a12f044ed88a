//! The awsQuery request body: `Action=<Op>&Version=<api>&Key=value...`, form-encoded the
//! way botocore encodes it (Python's `urlencode`: space as `+`, everything but
//! `A-Za-z0-9-_.~` percent-encoded).
//!
//! Generic: callers add flattened `key=value` pairs (`Name.member.1`, `a.b`), so the
//! same writer serves hand-written STS calls and generated awsQuery operations.

/// Builds an awsQuery form body.
#[derive(Clone, Debug)]
pub struct QueryWriter {
    body: String,
}

impl QueryWriter {
    /// A body that starts with `Action=<action>&Version=<version>`.
    pub fn new(action: &str, version: &str) -> Self {
        let mut w = QueryWriter {
            body: String::new(),
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

/// `application/x-www-form-urlencoded` encoding as botocore does it.
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The `Content-Type` of awsQuery requests.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
