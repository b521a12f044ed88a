//! Shared helpers for the end-to-end tests: the workspace's loopback HTTP/1.1 server
//! (re-exported from the `loopback` crate) with replies in each protocol's shape, a client
//! builder pointed at it, a SigV4 verifier for captured requests, and wire-body
//! conversions that turn CBOR and JSON bodies into one comparable form
//! (`serde_json::Value`).
//!
//! Timestamps are the one value the two protocols spell differently (CBOR tag 1 around
//! epoch seconds, a bare number in JSON). In the comparable form a CBOR timestamp is the
//! object `{"$ts": <seconds>}`; [`ts`] builds that marker and [`for_protocol`] turns markers
//! into bare numbers when the protocol is JSON.

use std::net::SocketAddr;
use std::time::Duration;

use awsrt::internal::{cbor, json};
use serde_json::Value as J;
use snowball::{Config, Credentials, Protocol};

/// The access key id every test client signs with.
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// The secret key every test client signs with.
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The session token every test client sends.
pub const SESSION_TOKEN: &str = "TOKEN";
/// The region every test client is configured for.
pub const REGION: &str = "us-east-1";
/// The Snowball service name in the target header and the CBOR path.
pub const TARGET_PREFIX: &str = "AWSIESnowballJobManagementService";

/// Both protocols the generated client speaks.
pub const PROTOCOLS: [Protocol; 2] = [Protocol::RpcV2Cbor, Protocol::AwsJson1_1];

/// The loopback server, its recorded requests and its answers.
pub use loopback::{closed_port, Answer, Recorded, Reply, Server, Then};

/// `protocol`'s responses: content type, request id and encoded bodies.
pub trait ReplyExt {
    /// A response in `protocol`'s shape: the protocol's content type (and, for CBOR, the
    /// `smithy-protocol` header), a request id, and `body` encoded with [`encode_body`].
    fn wire(protocol: Protocol, status: u16, body: &J) -> Self;
    /// A 200 in `protocol`'s shape with `body` (see [`ReplyExt::wire`]).
    fn ok(protocol: Protocol, body: &J) -> Self;
    /// Adds the content type of `protocol`, and for CBOR the `smithy-protocol` header.
    fn protocol_headers(self, protocol: Protocol) -> Self;
}

impl ReplyExt for Reply {
    fn wire(protocol: Protocol, status: u16, body: &J) -> Self {
        Reply::new(status)
            .protocol_headers(protocol)
            .header("x-amzn-requestid", "req-0001")
            .body(encode_body(protocol, body))
    }

    fn ok(protocol: Protocol, body: &J) -> Self {
        Reply::wire(protocol, 200, body)
    }

    fn protocol_headers(self, protocol: Protocol) -> Self {
        match protocol {
            Protocol::RpcV2Cbor => self
                .header("smithy-protocol", "rpc-v2-cbor")
                .header("Content-Type", "application/cbor"),
            _ => self.header("Content-Type", "application/x-amz-json-1.1"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------------------

/// The test credentials (with a session token).
pub fn credentials() -> Credentials {
    Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        Some(SESSION_TOKEN.to_owned()),
    )
}

/// Settings for a client of the server at `addr` speaking `protocol`.
pub fn config(addr: SocketAddr, protocol: Protocol) -> Config {
    Config::new()
        .region(REGION)
        .endpoint_url(format!("http://{addr}"))
        .credentials(credentials())
        .protocol(protocol)
        // Retries back off for at most a few milliseconds, so error tests stay fast.
        .initial_backoff(Duration::from_millis(1))
}

/// A Snowball client of `server` speaking `protocol`.
pub fn client(server: &Server, protocol: Protocol) -> snowball::Client {
    snowball::Client::new(config(server.addr(), protocol))
}

// ---------------------------------------------------------------------------------------
// The two clients the shared cases run through
// ---------------------------------------------------------------------------------------

/// The async client, for the shared cases in `tests/cases/` (see `flavor`).
pub mod on_async {
    use std::future::Future;

    use super::{Protocol, Server};

    /// The client the cases call.
    pub type Client = snowball::Client;
    /// Its paginator.
    pub use snowball::{Items, Paginator};

    /// A client of `server` speaking `protocol`.
    pub fn client(server: &Server, protocol: Protocol) -> Client {
        super::client(server, protocol)
    }

    /// What a case does with a client: `|c: Client| c.op(..).send()`, the same text for
    /// both clients (here a future, there the result).
    pub trait WithClient<T>: Send + 'static {
        /// Runs it with `client` and waits for the result.
        fn run(self, client: Client) -> impl Future<Output = T> + Send;
    }

    impl<T, F, Fut> WithClient<T> for F
    where
        F: FnOnce(Client) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send,
    {
        fn run(self, client: Client) -> impl Future<Output = T> + Send {
            self(client)
        }
    }

    /// Every element of a paginator (a `Stream`), errors included.
    pub async fn collect_all<S: futures_util::Stream + Send>(stream: S) -> Vec<S::Item> {
        futures_util::StreamExt::collect(stream).await
    }
}

/// The blocking client, for the shared cases in `tests/cases/`: each call runs on a
/// thread of its own outside the test's runtime (which runs the loopback server), as a
/// program without async code would call it.
pub mod on_blocking {
    use std::future::Future;

    use super::{Protocol, Server};

    /// The client the cases call.
    pub type Client = snowball::blocking::Client;
    /// Its paginator.
    pub use snowball::blocking::{Items, Paginator};

    /// A client of `server` speaking `protocol`.
    pub fn client(server: &Server, protocol: Protocol) -> Client {
        Client::new(super::config(server.addr(), protocol))
    }

    /// What a case does with a client: `|c: Client| c.op(..).send()`, the same text for
    /// both clients (there a future, here the result).
    pub trait WithClient<T>: Send + 'static {
        /// Runs it with `client` on a plain thread and waits for the result.
        fn run(self, client: Client) -> impl Future<Output = T> + Send;
    }

    impl<T, F> WithClient<T> for F
    where
        T: Send + 'static,
        F: FnOnce(Client) -> T + Send + 'static,
    {
        fn run(self, client: Client) -> impl Future<Output = T> + Send {
            off_runtime(move || self(client))
        }
    }

    /// Every element of a paginator (an `Iterator`), errors included.
    pub async fn collect_all<I>(iter: I) -> Vec<I::Item>
    where
        I: Iterator + Send + 'static,
        I::Item: Send + 'static,
    {
        off_runtime(move || iter.collect()).await
    }

    /// Runs `f` on a new thread, outside any runtime; a panic in it (a failed assertion)
    /// is resumed here.
    pub async fn off_runtime<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
        });
        match rx.await {
            Ok(Ok(v)) => v,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => panic!("the calling thread ended without an answer"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Request checks
// ---------------------------------------------------------------------------------------

/// What a verified signature covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureInfo {
    /// The access key id of the credential scope.
    pub access_key_id: String,
    /// The date of the credential scope (`YYYYMMDD`).
    pub date: String,
    /// The region of the credential scope.
    pub region: String,
    /// The service of the credential scope.
    pub service: String,
    /// The signed header names, in order.
    pub signed_headers: Vec<String>,
}

/// Recomputes the SigV4 signature of a captured request with the test secret and checks
/// it against its `Authorization` header; returns what the signature covered.
pub fn verify_sigv4(req: &Recorded) -> Result<SignatureInfo, String> {
    verify_sigv4_with(req, SECRET_ACCESS_KEY)
}

/// [`verify_sigv4`] with an explicit secret key.
pub fn verify_sigv4_with(req: &Recorded, secret: &str) -> Result<SignatureInfo, String> {
    use awsrt::internal::sigv4::{
        parse_amz_date, parse_authorization, payload_hash, sign_parts, Authorization, RequestParts,
        SigningParams, SigningSettings,
    };

    if req.header_count("authorization") != 1 {
        return Err("expected exactly one Authorization header".into());
    }
    let auth = req.header("authorization").unwrap_or_default();
    // The runtime's own parser (the one `snowball-local` verifies with), strict about the
    // form: one of each part, a five-part scope, a 64-digit hex signature.
    let Authorization {
        access_key_id: akid,
        date,
        region,
        service,
        signed_headers: signed,
        signature,
    } = parse_authorization(auth).ok_or_else(|| format!("malformed Authorization {auth:?}"))?;
    let amz_date = req.header("x-amz-date").ok_or("no X-Amz-Date header")?;
    if amz_date.get(..8) != Some(date) {
        return Err(format!(
            "X-Amz-Date {amz_date} does not match the scope date {date}"
        ));
    }
    let time =
        parse_amz_date(amz_date).ok_or_else(|| format!("malformed X-Amz-Date {amz_date:?}"))?;
    let signed_names: Vec<String> = signed.split(';').map(str::to_owned).collect();
    if !signed_names.iter().any(|n| n == "host") || !signed_names.iter().any(|n| n == "x-amz-date")
    {
        return Err(format!(
            "host and x-amz-date must be signed, got {signed:?}"
        ));
    }
    // sign_parts adds X-Amz-Date and the token itself, from the params.
    let mut headers: Vec<(&str, &str)> = Vec::new();
    for name in &signed_names {
        if name == "x-amz-date" || name == "x-amz-security-token" {
            continue;
        }
        let mut found = false;
        for (n, v) in &req.headers {
            if n.eq_ignore_ascii_case(name) {
                headers.push((n.as_str(), v.as_str()));
                found = true;
            }
        }
        if !found {
            return Err(format!("signed header {name} was not sent"));
        }
    }
    let token = req.header("x-amz-security-token");
    if token.is_some() != signed_names.iter().any(|n| n == "x-amz-security-token") {
        return Err("X-Amz-Security-Token sent but not signed (or signed but not sent)".into());
    }
    let hash = payload_hash(&req.body);
    let parts = RequestParts {
        method: &req.method,
        path: req.path(),
        query: req.query(),
        headers: &headers,
        payload_hash: &hash,
    };
    let params = SigningParams {
        access_key_id: akid,
        secret_access_key: secret,
        session_token: token,
        region,
        service,
        time,
    };
    let expected = sign_parts(&params, &SigningSettings::default(), &parts)
        .map_err(|e| format!("cannot recompute: {e}"))?;
    if expected.signed_headers != signed {
        return Err(format!(
            "signed headers differ: sent {signed:?}, recomputed {:?}",
            expected.signed_headers
        ));
    }
    if expected.signature != signature {
        return Err(format!(
            "signature mismatch: sent {signature}, recomputed {} over\n{}",
            expected.signature, expected.canonical_request
        ));
    }
    Ok(SignatureInfo {
        access_key_id: akid.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers: signed_names,
    })
}

/// Asserts what every Snowball request in `protocol` for `operation` carries (method,
/// path, protocol headers, session token, a valid signature over scope
/// `us-east-1/snowball`) and returns its decoded body.
pub fn check_request(req: &Recorded, protocol: Protocol, operation: &str) -> J {
    let ctx = format!("{operation} over {protocol:?}");
    assert_eq!(req.method, "POST", "{ctx}: method");
    let ct = req.header("content-type");
    match protocol {
        Protocol::RpcV2Cbor => {
            assert_eq!(
                req.target,
                format!("/service/{TARGET_PREFIX}/operation/{operation}"),
                "{ctx}: path"
            );
            assert_eq!(req.header("smithy-protocol"), Some("rpc-v2-cbor"), "{ctx}");
            assert_eq!(req.header("accept"), Some("application/cbor"), "{ctx}");
            assert_eq!(ct, Some("application/cbor"), "{ctx}: content type");
            assert_eq!(req.header("x-amz-target"), None, "{ctx}: no X-Amz-Target");
            assert_eq!(req.header("x-amzn-target"), None, "{ctx}: no X-Amzn-Target");
        }
        _ => {
            assert_eq!(req.target, "/", "{ctx}: path");
            assert_eq!(
                req.header("x-amz-target"),
                Some(format!("{TARGET_PREFIX}.{operation}").as_str()),
                "{ctx}: X-Amz-Target"
            );
            assert_eq!(
                ct,
                Some("application/x-amz-json-1.1"),
                "{ctx}: content type"
            );
            assert_eq!(req.header("smithy-protocol"), None, "{ctx}");
        }
    }
    assert_eq!(
        req.header_count("content-type"),
        1,
        "{ctx}: one Content-Type"
    );
    assert_eq!(
        req.header("content-length"),
        Some(req.body.len().to_string().as_str()),
        "{ctx}: Content-Length"
    );
    assert_eq!(
        req.header("x-amz-security-token"),
        Some(SESSION_TOKEN),
        "{ctx}: session token"
    );
    let sig = verify_sigv4(req).unwrap_or_else(|e| panic!("{ctx}: bad signature: {e}"));
    assert_eq!(sig.access_key_id, ACCESS_KEY_ID, "{ctx}");
    assert_eq!(sig.region, REGION, "{ctx}");
    assert_eq!(sig.service, "snowball", "{ctx}");
    for must in ["content-type", "x-amz-security-token"] {
        assert!(
            sig.signed_headers.iter().any(|h| h == must),
            "{ctx}: {must} is not signed: {:?}",
            sig.signed_headers
        );
    }
    let body =
        decode_body(protocol, &req.body).unwrap_or_else(|e| panic!("{ctx}: undecodable body: {e}"));
    if protocol != Protocol::RpcV2Cbor {
        // A second, independent JSON parser must read the same document.
        let independent: J = serde_json::from_slice(&req.body)
            .unwrap_or_else(|e| panic!("{ctx}: serde_json rejects the body: {e}"));
        assert_eq!(independent, body, "{ctx}: the two JSON parsers disagree");
    }
    body
}

// ---------------------------------------------------------------------------------------
// Wire bodies in one comparable form
// ---------------------------------------------------------------------------------------

/// The comparable form of a timestamp of `secs` epoch seconds: `{"$ts": secs}`.
pub fn ts(secs: impl Into<J>) -> J {
    serde_json::json!({ "$ts": secs.into() })
}

fn ts_marker(v: &J) -> Option<&J> {
    match v {
        J::Object(m) if m.len() == 1 => m.get("$ts"),
        _ => None,
    }
}

/// `expected` as `protocol` carries it: timestamp markers stay for CBOR and become bare
/// numbers for JSON.
pub fn for_protocol(protocol: Protocol, expected: &J) -> J {
    if protocol == Protocol::RpcV2Cbor {
        return expected.clone();
    }
    if let Some(n) = ts_marker(expected) {
        return n.clone();
    }
    match expected {
        J::Array(items) => J::Array(items.iter().map(|v| for_protocol(protocol, v)).collect()),
        J::Object(m) => J::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), for_protocol(protocol, v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Decodes a request or response body of `protocol` into the comparable form. Duplicate
/// keys, non-text CBOR keys, tags other than 1 and undefined are errors.
pub fn decode_body(protocol: Protocol, body: &[u8]) -> Result<J, String> {
    match protocol {
        Protocol::RpcV2Cbor => {
            let v = cbor::decode_value(body).map_err(|e| e.to_string())?;
            cbor_to_comparable(&v)
        }
        _ => {
            let v = json::decode_value(body).map_err(|e| e.to_string())?;
            json_to_comparable(&v)
        }
    }
}

fn number(f: f64) -> Result<J, String> {
    serde_json::Number::from_f64(f)
        .map(J::Number)
        .ok_or_else(|| format!("non-finite number {f}"))
}

/// A CBOR value in the comparable form.
pub fn cbor_to_comparable(v: &cbor::Value) -> Result<J, String> {
    Ok(match v {
        cbor::Value::Unsigned(n) => J::from(*n),
        cbor::Value::Negative(n) => {
            J::from(-1 - i64::try_from(*n).map_err(|_| "negative integer out of range")?)
        }
        cbor::Value::Float(f) => number(*f)?,
        cbor::Value::Text(s) => J::String(s.clone()),
        cbor::Value::Bool(b) => J::Bool(*b),
        cbor::Value::Null => J::Null,
        cbor::Value::Array(items) => J::Array(
            items
                .iter()
                .map(cbor_to_comparable)
                .collect::<Result<_, _>>()?,
        ),
        cbor::Value::Map(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                let cbor::Value::Text(k) = k else {
                    return Err(format!("non-text map key {k}"));
                };
                if m.insert(k.clone(), cbor_to_comparable(v)?).is_some() {
                    return Err(format!("duplicate key {k:?}"));
                }
            }
            J::Object(m)
        }
        cbor::Value::Tag(1, inner) => match **inner {
            cbor::Value::Unsigned(_) | cbor::Value::Negative(_) | cbor::Value::Float(_) => {
                ts(cbor_to_comparable(inner)?)
            }
            ref other => return Err(format!("tag 1 around {other}")),
        },
        other => return Err(format!("unexpected CBOR item {other}")),
    })
}

/// A JSON value in the comparable form.
pub fn json_to_comparable(v: &json::Value) -> Result<J, String> {
    Ok(match v {
        json::Value::Null => J::Null,
        json::Value::Bool(b) => J::Bool(*b),
        json::Value::Number { exact: Some(i), .. } => J::from(*i),
        json::Value::Number { value, .. } => number(*value)?,
        json::Value::String(s) => J::String(s.clone()),
        json::Value::Array(items) => J::Array(
            items
                .iter()
                .map(json_to_comparable)
                .collect::<Result<_, _>>()?,
        ),
        json::Value::Object(members) => {
            let mut m = serde_json::Map::new();
            for (k, v) in members {
                if m.insert(k.clone(), json_to_comparable(v)?).is_some() {
                    return Err(format!("duplicate key {k:?}"));
                }
            }
            J::Object(m)
        }
    })
}

/// Encodes a comparable value as a `protocol` body: JSON text (timestamps as numbers), or
/// definite-length CBOR (timestamps under tag 1, floats as float64). Written here, not
/// with the runtime's writers, so a codec bug cannot cancel itself out.
pub fn encode_body(protocol: Protocol, v: &J) -> Vec<u8> {
    match protocol {
        Protocol::RpcV2Cbor => encode_cbor(v, false),
        _ => serde_json::to_vec(&for_protocol(protocol, v)).expect("JSON values serialize"),
    }
}

/// Encodes a comparable value as CBOR; `indefinite` uses indefinite-length maps, arrays
/// and (chunked) strings throughout.
pub fn encode_cbor(v: &J, indefinite: bool) -> Vec<u8> {
    let mut out = Vec::new();
    write_cbor(&mut out, v, indefinite);
    out
}

fn cbor_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    match arg {
        0..=23 => out.push(m | arg as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, arg as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

fn write_cbor_text(out: &mut Vec<u8>, s: &str, indefinite: bool) {
    if indefinite && s.len() > 1 {
        // Two chunks, split on a char boundary.
        let mut mid = s.len() / 2;
        while !s.is_char_boundary(mid) {
            mid += 1;
        }
        out.push(0x7f);
        for part in [&s[..mid], &s[mid..]] {
            cbor_head(out, 3, part.len() as u64);
            out.extend_from_slice(part.as_bytes());
        }
        out.push(0xff);
    } else {
        cbor_head(out, 3, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }
}

fn write_cbor(out: &mut Vec<u8>, v: &J, indefinite: bool) {
    if let Some(secs) = ts_marker(v) {
        out.push(0xc1);
        write_cbor(out, secs, indefinite);
        return;
    }
    match v {
        J::Null => out.push(0xf6),
        J::Bool(false) => out.push(0xf4),
        J::Bool(true) => out.push(0xf5),
        J::Number(n) => {
            if let Some(u) = n.as_u64() {
                cbor_head(out, 0, u);
            } else if let Some(i) = n.as_i64() {
                cbor_head(out, 1, !(i as u64));
            } else {
                out.push(0xfb);
                out.extend_from_slice(&n.as_f64().unwrap_or(f64::NAN).to_be_bytes());
            }
        }
        J::String(s) => write_cbor_text(out, s, indefinite),
        J::Array(items) => {
            if indefinite {
                out.push(0x9f);
            } else {
                cbor_head(out, 4, items.len() as u64);
            }
            for item in items {
                write_cbor(out, item, indefinite);
            }
            if indefinite {
                out.push(0xff);
            }
        }
        J::Object(m) => {
            if indefinite {
                out.push(0xbf);
            } else {
                cbor_head(out, 5, m.len() as u64);
            }
            for (k, v) in m {
                write_cbor_text(out, k, indefinite);
                write_cbor(out, v, indefinite);
            }
            if indefinite {
                out.push(0xff);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cbor_encoder_matches_known_vectors() {
        // aws-behaviors.md 1: {"MaxResults":10} and a tag-1 timestamp.
        assert_eq!(
            encode_cbor(&json!({"MaxResults": 10}), false),
            b"\xa1\x6aMaxResults\x0a"
        );
        assert_eq!(
            encode_cbor(&ts(1_704_164_645), false),
            b"\xc1\x1a\x65\x93\x7d\x25"
        );
        assert_eq!(encode_cbor(&json!(-1), false), [0x20]);
        assert_eq!(
            encode_cbor(&json!(2.5), false),
            [0xfb, 0x40, 0x04, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn comparable_form_round_trips_through_both_codecs() {
        let v = json!({
            "S": "héllo wörld", "I": -42, "U": 70000, "F": 2.5, "B": true,
            "L": [1, "two", {"Three": [ts(1_704_164_645)]}], "T": ts(1.5),
        });
        for indefinite in [false, true] {
            let bytes = encode_cbor(&v, indefinite);
            assert_eq!(decode_body(Protocol::RpcV2Cbor, &bytes).unwrap(), v);
        }
        let bytes = encode_body(Protocol::AwsJson1_1, &v);
        assert_eq!(
            decode_body(Protocol::AwsJson1_1, &bytes).unwrap(),
            for_protocol(Protocol::AwsJson1_1, &v)
        );
        assert!(decode_body(Protocol::AwsJson1_1, br#"{"a":1,"a":2}"#).is_err());
    }

    #[test]
    fn verifier_rejects_tampering() {
        let params = awsrt::internal::sigv4::SigningParams {
            access_key_id: ACCESS_KEY_ID,
            secret_access_key: SECRET_ACCESS_KEY,
            session_token: Some(SESSION_TOKEN),
            region: REGION,
            service: "snowball",
            time: std::time::UNIX_EPOCH + Duration::from_secs(1_704_164_645),
        };
        let mut req = http::Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:8080/")
            .header("content-type", "application/x-amz-json-1.1")
            .body(bytes::Bytes::from_static(b"{}"))
            .unwrap();
        awsrt::internal::sigv4::sign(&mut req, &params).unwrap();
        let recorded = Recorded {
            method: "POST".into(),
            target: "/".into(),
            version: "HTTP/1.1".into(),
            headers: req
                .headers()
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
                .collect(),
            body: b"{}".to_vec(),
        };
        let info = verify_sigv4(&recorded).unwrap();
        assert_eq!(info.date, "20240102");
        assert_eq!(info.service, "snowball");

        let mut body = recorded.clone();
        body.body = b"{ }".to_vec();
        assert!(verify_sigv4(&body)
            .unwrap_err()
            .contains("signature mismatch"));
        let mut header = recorded.clone();
        for (n, v) in &mut header.headers {
            if n == "content-type" {
                *v = "application/json".into();
            }
        }
        assert!(verify_sigv4(&header).is_err());
        assert!(verify_sigv4_with(&recorded, "another secret").is_err());
        let mut path = recorded;
        path.target = "/x".into();
        assert!(verify_sigv4(&path).is_err());
    }
}
