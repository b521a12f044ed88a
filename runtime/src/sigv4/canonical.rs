//! The SigV4 canonical request, written piece by piece into one byte buffer.
//!
//! Each rule copies botocore's `SigV4Auth` (botocore/auth.py) for non-S3 services, where the
//! AWS documentation leaves room: see the comment on each function.

use super::SigningSettings;

/// Headers botocore never signs (`SIGNED_HEADERS_BLACKLIST` in botocore 1.44.5): hop-by-hop
/// headers and headers that proxies, tracers or the HTTP stack may add or rewrite in flight.
const EXCLUDED_HEADERS: &[&str] = &[
    "baggage",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// Whether a lowercase header name is left out of the signature.
pub(crate) fn is_excluded(lower_name: &str) -> bool {
    EXCLUDED_HEADERS.contains(&lower_name)
}

/// One header occurrence to sign; `name` is already lowercase.
#[derive(Clone, Copy)]
pub(crate) struct Header<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a [u8],
}

/// Sorts by name; the sort is stable, so repeated names keep their order, which the
/// joined value (`a,b`) depends on.
pub(crate) fn sort_headers(headers: &mut [Header<'_>]) {
    headers.sort_by(|a, b| a.name.cmp(b.name));
}

/// Writes the whole canonical request. `extra_query` holds unencoded parameters added by
/// presigning. `headers` must be sorted and already filtered.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_canonical_request(
    buf: &mut Vec<u8>,
    method: &str,
    path: &str,
    query: &str,
    extra_query: &[(&str, &str)],
    headers: &[Header<'_>],
    payload_hash: &str,
    settings: &SigningSettings,
) {
    // botocore upper-cases the method.
    buf.extend(method.bytes().map(|b| b.to_ascii_uppercase()));
    buf.push(b'\n');
    write_path(buf, path, settings);
    buf.push(b'\n');
    write_query(buf, query, extra_query);
    buf.push(b'\n');
    write_headers(buf, headers);
    buf.push(b'\n');
    write_signed_headers(buf, headers);
    buf.push(b'\n');
    buf.extend_from_slice(payload_hash.as_bytes());
}

/// The canonical URI. botocore (non-S3) removes `.`/`..` and empty segments, then
/// percent-encodes the path it was given, which is already encoded for the wire: so `%3D` is
/// signed as `%253D` ("double encoding"). S3 does neither (`SigningSettings::s3`).
pub(crate) fn write_path(buf: &mut Vec<u8>, path: &str, settings: &SigningSettings) {
    let encode = settings.encode_path;
    if path.is_empty() {
        buf.push(b'/');
        return;
    }
    if !settings.normalize_path || !needs_normalizing(path) {
        write_path_bytes(buf, path.as_bytes(), encode);
        return;
    }
    // botocore `remove_dot_segments`: drop empty and `.` segments, `..` pops one.
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    if path.starts_with('/') {
        buf.push(b'/');
    }
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            buf.push(b'/');
        }
        write_path_bytes(buf, segment.as_bytes(), encode);
    }
    // A trailing slash survives only when something is left (botocore: `/a/..` gives `/`).
    if path.ends_with('/') && !segments.is_empty() {
        buf.push(b'/');
    }
}

/// Whether `remove_dot_segments` would change `path`: only then do we pay for a segment list.
fn needs_normalizing(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return true;
    };
    if rest.is_empty() {
        return false;
    }
    let mut segments = rest.split('/').peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        match segment {
            "." | ".." => return true,
            // An empty last segment is a trailing slash, which is kept.
            "" if !last => return true,
            _ => {}
        }
    }
    false
}

fn write_path_bytes(buf: &mut Vec<u8>, bytes: &[u8], encode: bool) {
    // Paths made only of unreserved bytes and slashes (every RPC path) are copied whole.
    if encode && !bytes.iter().all(|&b| b == b'/' || is_unreserved(b)) {
        for &b in bytes {
            if b == b'/' || is_unreserved(b) {
                buf.push(b);
            } else {
                push_percent(buf, b);
            }
        }
    } else {
        buf.extend_from_slice(bytes);
    }
}

/// RFC 3986 unreserved characters, the only ones SigV4 leaves unencoded.
fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// [`is_unreserved`] as a table: one load per byte of a path or query.
static UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~');
        b += 1;
    }
    t
};

fn push_percent(buf: &mut Vec<u8>, b: u8) {
    buf.push(b'%');
    buf.extend_from_slice(&crate::hex::upper(b));
}

/// Percent-encodes every byte outside the unreserved set.
pub(crate) fn encode_component(buf: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        if is_unreserved(b) {
            buf.push(b);
        } else {
            push_percent(buf, b);
        }
    }
}

/// Decodes `%XX` and `+` (form encoding, as botocore's `parse_qsl` and smithy-rs do), then
/// encodes the result: this canonicalizes both raw and already-encoded query strings. A `%`
/// not followed by two hex digits is kept literally.
fn reencode_component(buf: &mut Vec<u8>, raw: &[u8]) {
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        let decoded = match b {
            b'+' => b' ',
            b'%' => match (
                raw.get(i + 1).and_then(|&h| hex_value(h)),
                raw.get(i + 2).and_then(|&l| hex_value(l)),
            ) {
                (Some(h), Some(l)) => {
                    i += 2;
                    (h << 4) | l
                }
                _ => b'%',
            },
            other => other,
        };
        if is_unreserved(decoded) {
            buf.push(decoded);
        } else {
            push_percent(buf, decoded);
        }
        i += 1;
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The canonical query: each `key=value` encoded, sorted by encoded key then encoded value
/// (botocore sorts the encoded pairs). A key without `=` gets an empty value.
pub(crate) fn write_query(buf: &mut Vec<u8>, query: &str, extra: &[(&str, &str)]) {
    if query.is_empty() && extra.is_empty() {
        return;
    }
    // Each entry is one encoded `key=value` and the length of its key.
    let mut pairs: Vec<(Vec<u8>, usize)> = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
        let mut pair = Vec::with_capacity(piece.len() + 1);
        reencode_component(&mut pair, key.as_bytes());
        let key_len = pair.len();
        pair.push(b'=');
        reencode_component(&mut pair, value.as_bytes());
        pairs.push((pair, key_len));
    }
    for (key, value) in extra {
        let mut pair = Vec::with_capacity(key.len() + value.len() + 8);
        encode_component(&mut pair, key.as_bytes());
        let key_len = pair.len();
        pair.push(b'=');
        encode_component(&mut pair, value.as_bytes());
        pairs.push((pair, key_len));
    }
    pairs.sort_by(|(a, ak), (b, bk)| {
        let (a_key, a_value) = a.split_at(*ak);
        let (b_key, b_value) = b.split_at(*bk);
        a_key.cmp(b_key).then_with(|| a_value.cmp(b_value))
    });
    for (i, (pair, _)) in pairs.iter().enumerate() {
        if i > 0 {
            buf.push(b'&');
        }
        buf.extend_from_slice(pair);
    }
}

/// `name:value\n` per distinct name; repeated names are joined with `,` in request order.
pub(crate) fn write_headers(buf: &mut Vec<u8>, headers: &[Header<'_>]) {
    let mut previous: Option<&str> = None;
    for header in headers {
        if previous == Some(header.name) {
            buf.push(b',');
        } else {
            if previous.is_some() {
                buf.push(b'\n');
            }
            buf.extend_from_slice(header.name.as_bytes());
            buf.push(b':');
            previous = Some(header.name);
        }
        write_trimmed(buf, header.value);
    }
    if previous.is_some() {
        buf.push(b'\n');
    }
}

/// botocore's `' '.join(value.split())`: trim, and turn every whitespace run (spaces, tabs and
/// the line breaks of folded multi-line values) into one space.
fn write_trimmed(buf: &mut Vec<u8>, value: &[u8]) {
    let mut first = true;
    for word in value
        .split(|&b| is_python_space(b))
        .filter(|w| !w.is_empty())
    {
        if !first {
            buf.push(b' ');
        }
        buf.extend_from_slice(word);
        first = false;
    }
}

/// The ASCII bytes Python's `str.split()` treats as whitespace.
fn is_python_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f)
}

/// The distinct names joined with `;`.
pub(crate) fn write_signed_headers(buf: &mut Vec<u8>, headers: &[Header<'_>]) {
    let mut previous: Option<&str> = None;
    for header in headers {
        if previous == Some(header.name) {
            continue;
        }
        if previous.is_some() {
            buf.push(b';');
        }
        buf.extend_from_slice(header.name.as_bytes());
        previous = Some(header.name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str, settings: &SigningSettings) -> String {
        let mut buf = Vec::new();
        write_path(&mut buf, p, settings);
        String::from_utf8(buf).unwrap_or_default()
    }

    fn query(q: &str) -> String {
        let mut buf = Vec::new();
        write_query(&mut buf, q, &[]);
        String::from_utf8(buf).unwrap_or_default()
    }

    #[test]
    fn paths_follow_botocore_remove_dot_segments() {
        let s = SigningSettings::default();
        for (input, expected) in [
            ("", "/"),
            ("/", "/"),
            ("/a/b", "/a/b"),
            ("/a/b/", "/a/b/"),
            ("//example//", "/example/"),
            ("/./example", "/example"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/example/.././", "/"),
            ("/a/./b/../c/", "/a/c/"),
            ("/..", "/"),
            ("/a/.", "/a"),
            ("/example space/", "/example%20space/"),
            (
                "/test/@connections/JBDvjfGEIAMCERw%3D",
                "/test/%40connections/JBDvjfGEIAMCERw%253D",
            ),
            ("/ሴ", "/%E1%88%B4"),
        ] {
            assert_eq!(path(input, &s), expected, "path {input:?}");
        }
    }

    #[test]
    fn unnormalized_and_s3_paths() {
        let unnormalized = SigningSettings {
            normalize_path: false,
            ..SigningSettings::default()
        };
        assert_eq!(path("//example//", &unnormalized), "//example//");
        assert_eq!(path("/example space/", &unnormalized), "/example%20space/");
        let s3 = SigningSettings::s3();
        assert_eq!(
            path("/my-object//example//photo.user", &s3),
            "/my-object//example//photo.user"
        );
        assert_eq!(path("/a%3Db", &s3), "/a%3Db");
    }

    #[test]
    fn queries_are_reencoded_and_sorted() {
        assert_eq!(query(""), "");
        assert_eq!(
            query("Param2=value2&Param1=value1"),
            "Param1=value1&Param2=value2"
        );
        assert_eq!(query("Param1"), "Param1=");
        assert_eq!(query("b=2&a=2&a=1"), "a=1&a=2&b=2");
        assert_eq!(query("a=b+c&d=%2f%7E&e=%zz"), "a=b%20c&d=%2F~&e=%25zz");
        assert_eq!(query("&&x=1&"), "x=1");
        assert_eq!(query("ሴ=bar"), "%E1%88%B4=bar");
        // Sorted on the encoded key, so `%E1...` sorts before letters.
        assert_eq!(
            query("Param-3=Value3&Param=Value2&%E1%88%B4=Value1"),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"
        );
    }

    #[test]
    fn headers_are_trimmed_joined_and_listed() {
        let mut headers = vec![
            Header {
                name: "my-header1",
                value: b"value2",
            },
            Header {
                name: "host",
                value: b"example.amazonaws.com",
            },
            Header {
                name: "my-header1",
                value: b"  a \t b\r\n  c  ",
            },
            Header {
                name: "my-header1",
                value: b"value1",
            },
        ];
        sort_headers(&mut headers);
        let mut buf = Vec::new();
        write_headers(&mut buf, &headers);
        write_signed_headers(&mut buf, &headers);
        assert_eq!(
            String::from_utf8(buf).unwrap_or_default(),
            "host:example.amazonaws.com\nmy-header1:value2,a b c,value1\nhost;my-header1"
        );
    }

    #[test]
    fn excluded_headers_match_botocore() {
        assert!(is_excluded("user-agent"));
        assert!(is_excluded("x-amzn-trace-id"));
        assert!(is_excluded("expect"));
        assert!(!is_excluded("x-amz-date"));
        assert!(!is_excluded("content-type"));
    }
}
