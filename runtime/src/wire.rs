//! The RPC wire protocols: request construction and response/error decoding for Smithy
//! RPC v2 CBOR, awsJson 1.0/1.1 and awsQuery (aws-behaviors.md sections 1 to 3).

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};

use crate::codec::xml::{self, Element, XmlReader};
use crate::codec::{cbor, json, query, Decode, DecodeError, Field, Reader};
use crate::error::{ErrorMetadata, Fault, SdkError, ServiceError};
use crate::operation::{Operation, OperationError};
use crate::protocol::Protocol;

const SMITHY_PROTOCOL: HeaderName = HeaderName::from_static("smithy-protocol");
const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");
const INVOCATION_ID: HeaderName = HeaderName::from_static("amz-sdk-invocation-id");
const QUERY_MODE: HeaderName = HeaderName::from_static("x-amzn-query-mode");
const QUERY_ERROR: &str = "x-amzn-query-error";

/// The request for one operation, unsigned.
pub(crate) fn build_request<O: Operation>(
    protocol: Protocol,
    endpoint: &http::Uri,
    input: &O,
    invocation_id: &str,
) -> Result<http::Request<Bytes>, String> {
    let svc = O::SERVICE;
    let base = endpoint.path().trim_end_matches('/');
    let (path, body, content_type) = match protocol {
        Protocol::RpcV2Cbor => (
            format!("{base}/service/{}/operation/{}", svc.target_prefix, O::NAME),
            // The spec: an operation without input sends no body and no `Content-Type`.
            if O::HAS_INPUT {
                cbor::to_vec(input)
            } else {
                Vec::new()
            },
            "application/cbor",
        ),
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
            let ct = if protocol == Protocol::AwsJson1_0 {
                "application/x-amz-json-1.0"
            } else {
                "application/x-amz-json-1.1"
            };
            (
                if base.is_empty() {
                    "/".to_string()
                } else {
                    format!("{base}/")
                },
                json::to_vec(input),
                ct,
            )
        }
        // botocore sends every awsQuery operation to `POST /`, ignoring the modeled
        // `requestUri` (`/?Operation=X`).
        Protocol::AwsQuery => (
            format!("{base}/"),
            query::to_body(O::NAME, svc.api_version, input).into_bytes(),
            query::CONTENT_TYPE,
        ),
    };
    let mut uri = http::uri::Parts::default();
    uri.scheme = endpoint.scheme().cloned();
    uri.authority = match (input.host_prefix()?, endpoint.authority()) {
        // botocore `_urljoin`: the prefix goes in front of the endpoint's host.
        (Some(prefix), Some(authority)) => Some(
            format!("{prefix}{authority}")
                .parse()
                .map_err(|e| format!("invalid host prefix {prefix:?}: {e}"))?,
        ),
        (_, authority) => authority.cloned(),
    };
    uri.path_and_query = Some(
        path.parse()
            .map_err(|e| format!("invalid request path {path:?}: {e}"))?,
    );
    let uri = http::Uri::from_parts(uri).map_err(|e| format!("invalid endpoint: {e}"))?;

    let mut req = http::Request::builder().method(http::Method::POST).uri(uri);
    let headers = req.headers_mut().ok_or("invalid request")?;
    if protocol != Protocol::RpcV2Cbor || O::HAS_INPUT {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    match protocol {
        Protocol::RpcV2Cbor => {
            headers.insert(SMITHY_PROTOCOL, HeaderValue::from_static("rpc-v2-cbor"));
            headers.insert(ACCEPT, HeaderValue::from_static("application/cbor"));
            if svc.query_compatible {
                headers.insert(QUERY_MODE, HeaderValue::from_static("true"));
            }
        }
        Protocol::AwsQuery => {}
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
            let target = format!("{}.{}", svc.target_prefix, O::NAME);
            headers.insert(
                X_AMZ_TARGET,
                HeaderValue::from_str(&target).map_err(|e| e.to_string())?,
            );
            // botocore `_handle_query_compatible_trait`, for JSON and CBOR alike.
            if svc.query_compatible {
                headers.insert(QUERY_MODE, HeaderValue::from_static("true"));
            }
        }
    }
    let ua = format!("awsrt/{} {}", env!("CARGO_PKG_VERSION"), svc.crate_id);
    headers.insert(
        USER_AGENT,
        HeaderValue::from_str(&ua).map_err(|e| e.to_string())?,
    );
    headers.insert(
        INVOCATION_ID,
        HeaderValue::from_str(invocation_id).map_err(|e| e.to_string())?,
    );
    req.body(Bytes::from(body)).map_err(|e| e.to_string())
}

/// The request id of a response, from `x-amzn-requestid` (or S3-style `x-amz-request-id`).
pub(crate) fn request_id(resp: &http::Response<Bytes>) -> Option<String> {
    ["x-amzn-requestid", "x-amz-request-id"]
        .iter()
        .find_map(|h| resp.headers().get(*h))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Decodes a response into the operation's output or its error.
pub(crate) fn parse_response<O: Operation>(
    protocol: Protocol,
    resp: &http::Response<Bytes>,
) -> Result<O::Output, SdkError<O::Error>> {
    let status = resp.status().as_u16();
    let request_id = request_id(resp);
    let bad = |source: DecodeError| SdkError::Response {
        operation: O::NAME,
        status,
        request_id: request_id.clone(),
        source,
        attempts: 1,
    };
    let body = resp.body();
    if protocol == Protocol::AwsQuery {
        return parse_query::<O>(resp, request_id.clone()).map_err(|f| match f {
            QueryFailure::Decode(e) => bad(e),
            QueryFailure::Service(meta, kind) => service_error::<O>(meta, kind),
        });
    }
    if protocol == Protocol::RpcV2Cbor && status != 200 {
        // The spec makes a response without the protocol header malformed: an unmarked
        // error (a proxy's or load balancer's page) is judged by its status alone. An
        // unmarked 200 is decoded, as botocore does; a body that is not CBOR still fails.
        let marked = resp
            .headers()
            .get(SMITHY_PROTOCOL)
            .is_some_and(|v| v.as_bytes() == b"rpc-v2-cbor");
        if !marked {
            return Err(service_error::<O>(status_only(resp, request_id), None));
        }
    }
    let success = match protocol {
        Protocol::RpcV2Cbor => status == 200,
        _ => (200..300).contains(&status),
    };
    if success {
        return match protocol {
            Protocol::RpcV2Cbor => cbor::from_slice(body).map_err(bad),
            _ => json::from_slice(body).map_err(bad),
        };
    }
    if status >= 500 && (body.is_empty() || body.starts_with(b"<")) {
        return Err(service_error::<O>(status_only(resp, request_id), None));
    }
    let envelope: ErrorEnvelope = match protocol {
        Protocol::RpcV2Cbor => cbor::from_slice(body),
        _ => json::from_slice(body),
    }
    .map_err(bad)?;
    let header_type = resp
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok());
    let raw_code = match protocol {
        Protocol::RpcV2Cbor => envelope.type_.as_deref(),
        // botocore reads `__type`; smithy-rs also accepts `code` and the header.
        _ => envelope
            .type_
            .as_deref()
            .or(envelope.code.as_deref())
            .or(header_type),
    };
    let mut code = match raw_code {
        Some(c) => sanitize_code(c).to_string(),
        None => status.to_string(),
    };
    let mut fault = None;
    if O::SERVICE.query_compatible {
        if let Some((query_code, query_fault)) = resp
            .headers()
            .get(QUERY_ERROR)
            .and_then(|v| v.to_str().ok())
            .and_then(query_error_header)
        {
            code = query_code.to_string();
            fault = Fault::parse(query_fault);
        }
    }
    let meta = ErrorMetadata {
        code,
        message: envelope.message,
        request_id: request_id.clone(),
        status,
        fault,
    };
    let kind = match protocol {
        Protocol::RpcV2Cbor => decode_error::<O::Error, _>(&meta.code, cbor::CborReader::new(body)),
        _ => decode_error::<O::Error, _>(&meta.code, json::JsonReader::new(body)),
    }
    .map_err(bad)?;
    Err(SdkError::Service {
        operation: O::NAME,
        error: ServiceError { kind, meta },
        attempts: 1,
    })
}

/// Why an awsQuery response did not yield the output.
enum QueryFailure<E> {
    /// The body could not be read.
    Decode(DecodeError),
    /// A service error: its metadata and, when its body was read, the modeled error.
    Service(ErrorMetadata, Option<E>),
}

/// awsQuery: `<OpResponse><OpResult>..</OpResult><ResponseMetadata>..` on success;
/// `<ErrorResponse><Error><Code>..` (or `<Response><Errors><Error>..`) on error, whose
/// modeled members are read from the `<Error>` element and whose request id is the
/// document's `<RequestId>` (else the header's).
fn parse_query<O: Operation>(
    resp: &http::Response<Bytes>,
    header_request_id: Option<String>,
) -> Result<O::Output, QueryFailure<O::Error>> {
    let status = resp.status().as_u16();
    let body = resp.body();
    let root = if body.iter().all(u8::is_ascii_whitespace) {
        Ok(Element::default())
    } else {
        Element::parse(body)
    };
    if (200..300).contains(&status) {
        let root = root.map_err(QueryFailure::Decode)?;
        let empty = Element::default();
        let start = match O::RESULT_WRAPPER {
            // A response without its result element (e.g. an empty body) has no members.
            Some(w) => root.child(w).unwrap_or(&empty),
            None => &root,
        };
        return O::Output::decode(&mut XmlReader::new(start)).map_err(QueryFailure::Decode);
    }
    let parsed = root.ok().and_then(|root| {
        let (code, message, request_id) = xml::query_error(&root)?;
        Some((root, code, message, request_id))
    });
    let Some((root, code, message, xml_request_id)) = parsed else {
        if status >= 500 {
            return Err(QueryFailure::Service(
                status_only(resp, header_request_id),
                None,
            ));
        }
        return Err(QueryFailure::Decode(DecodeError::new(
            "the error response is not an awsQuery <ErrorResponse> document",
        )));
    };
    let error_el = root
        .child("Error")
        .or_else(|| root.path(&["Errors", "Error"]))
        .unwrap_or(&root);
    let kind =
        O::Error::decode(&code, &mut XmlReader::new(error_el)).map_err(QueryFailure::Decode)?;
    let meta = ErrorMetadata {
        code,
        message,
        request_id: xml_request_id.or(header_request_id),
        status,
        fault: error_el.text_at(&["Type"]).and_then(Fault::parse),
    };
    Err(QueryFailure::Service(meta, Some(kind)))
}

fn decode_error<E: OperationError, R: Reader>(code: &str, mut r: R) -> Result<E, DecodeError> {
    E::decode(code, &mut r)
}

/// Metadata for an error known only by its status (5xx with an empty or HTML body).
fn status_only(resp: &http::Response<Bytes>, request_id: Option<String>) -> ErrorMetadata {
    let status = resp.status();
    ErrorMetadata {
        code: status.as_u16().to_string(),
        message: status.canonical_reason().map(str::to_owned),
        request_id,
        status: status.as_u16(),
        fault: None,
    }
}

/// `x-amzn-query-error: Code;Sender` -> (`Code`, `Sender`). As botocore
/// (`_do_query_compatible_error_parse`): exactly two parts and a non-empty code, else the
/// header is ignored.
fn query_error_header(value: &str) -> Option<(&str, &str)> {
    let mut parts = value.split(';');
    let (code, fault) = (parts.next()?, parts.next()?);
    if parts.next().is_some() || code.is_empty() {
        return None;
    }
    Some((code, fault))
}

fn service_error<O: Operation>(meta: ErrorMetadata, kind: Option<O::Error>) -> SdkError<O::Error> {
    let kind = match kind {
        Some(k) => k,
        None => {
            // An unmodeled code: the error enum's unhandled case, without reading a body.
            match O::Error::decode(&meta.code, &mut cbor::CborReader::new(&[])) {
                Ok(k) => k,
                Err(source) => {
                    return SdkError::Response {
                        operation: O::NAME,
                        status: meta.status,
                        request_id: meta.request_id,
                        source,
                        attempts: 1,
                    }
                }
            }
        }
    };
    SdkError::Service {
        operation: O::NAME,
        error: ServiceError { kind, meta },
        attempts: 1,
    }
}

/// `aws.protocoltests#FooError:http://...` -> `FooError` (cut at `:`, keep after `#`).
pub(crate) fn sanitize_code(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or(code);
    code.rsplit('#').next().unwrap_or(code).trim()
}

/// The members every error body may carry, whatever its modeled shape.
struct ErrorEnvelope {
    type_: Option<String>,
    code: Option<String>,
    message: Option<String>,
}

impl ErrorEnvelope {
    const FIELDS: &'static [Field] = &[
        Field::new("__type"),
        Field::new("code"),
        Field::new("message"),
        Field::new("Message"),
        Field::new("errorMessage"),
    ];
}

impl Decode for ErrorEnvelope {
    fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
        let mut e = ErrorEnvelope {
            type_: None,
            code: None,
            message: None,
        };
        // `message`, then `Message`, then `errorMessage`, whatever their order in the
        // body (botocore reads `message` before `Message`).
        let mut messages: [Option<String>; 3] = [None, None, None];
        r.begin_struct()?;
        while let Some(i) = r.next_field(Self::FIELDS)? {
            let v = r.string()?;
            match i {
                0 => e.type_ = Some(v),
                1 => e.code = Some(v),
                i => {
                    if let Some(slot) = messages.get_mut(i - 2) {
                        *slot = Some(v);
                    }
                }
            }
        }
        e.message = messages.into_iter().flatten().next();
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Encode, Writer};
    use crate::operation::ServiceMeta;

    const SERVICE: ServiceMeta = ServiceMeta {
        service_id: "Tiny",
        endpoint_prefix: "tiny",
        signing_name: "tiny",
        target_prefix: "Tiny",
        api_version: "2020-01-01",
        protocols: &[Protocol::AwsJson1_0],
        crate_id: "tiny/0.1.0",
        endpoint_rule_set: "",
        query_compatible: true,
    };

    /// An empty input whose service is query-compatible.
    struct Ping;

    impl Encode for Ping {
        fn encode<W: Writer>(&self, w: &mut W) {
            w.begin_struct();
            w.end_struct();
        }
    }

    #[derive(Debug)]
    struct Pong;

    impl Decode for Pong {
        fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
            r.begin_struct()?;
            while r.next_field(&[])?.is_some() {}
            Ok(Pong)
        }
    }

    /// The code the error enum was asked to decode.
    #[derive(Debug, PartialEq)]
    struct Code(String);

    impl OperationError for Code {
        fn decode<R: Reader>(code: &str, _: &mut R) -> Result<Self, DecodeError> {
            Ok(Code(code.to_string()))
        }
    }

    impl Operation for Ping {
        type Output = Pong;
        type Error = Code;
        const NAME: &'static str = "Ping";
        const SERVICE: &'static ServiceMeta = &SERVICE;
    }

    fn error(protocol: Protocol, headers: &[(&str, &str)], body: Vec<u8>) -> (Code, ErrorMetadata) {
        let mut resp = http::Response::builder().status(400);
        for (k, v) in headers {
            resp = resp.header(*k, *v);
        }
        match parse_response::<Ping>(protocol, &resp.body(Bytes::from(body)).unwrap()) {
            Err(SdkError::Service { error, .. }) => (error.kind, error.meta),
            other => panic!("expected a service error, got {other:?}"),
        }
    }

    #[test]
    fn query_compatible_services_send_query_mode() {
        let endpoint: http::Uri = "https://tiny.example.com".parse().unwrap();
        for protocol in [Protocol::AwsJson1_0, Protocol::RpcV2Cbor] {
            let req = build_request(protocol, &endpoint, &Ping, "id").unwrap();
            assert_eq!(req.headers()["x-amzn-query-mode"], "true", "{protocol:?}");
        }
    }

    #[test]
    fn query_compatible_error_code_comes_from_the_header() {
        let json = br#"{"__type":"aws.protocoltests.json10#CustomCodeError","message":"Hi"}"#;
        let (kind, meta) = error(
            Protocol::AwsJson1_0,
            &[("x-amzn-query-error", "Customized;Sender")],
            json.to_vec(),
        );
        assert_eq!(kind, Code("Customized".into()));
        assert_eq!(meta.code, "Customized");
        assert_eq!(meta.fault, Some(Fault::Sender));
        assert_eq!(meta.message.as_deref(), Some("Hi"));

        // CBOR: `{"__type": "...#CustomCodeError", "message": "Hi"}`, marked as RPC v2.
        let mut cbor = vec![0xa2, 0x66];
        cbor.extend_from_slice(b"__type");
        cbor.push(0x75);
        cbor.extend_from_slice(b"x#CustomCodeErrorAAAA");
        cbor.push(0x67);
        cbor.extend_from_slice(b"message");
        cbor.push(0x62);
        cbor.extend_from_slice(b"Hi");
        let (kind, meta) = error(
            Protocol::RpcV2Cbor,
            &[
                ("smithy-protocol", "rpc-v2-cbor"),
                ("x-amzn-query-error", "Customized;Receiver"),
            ],
            cbor,
        );
        assert_eq!(kind, Code("Customized".into()));
        assert_eq!(meta.fault, Some(Fault::Receiver));

        // Malformed headers are ignored, as botocore ignores them.
        for bad in ["Customized", ";Sender", "A;B;C"] {
            let (kind, meta) = error(
                Protocol::AwsJson1_0,
                &[("x-amzn-query-error", bad)],
                json.to_vec(),
            );
            assert_eq!(kind, Code("CustomCodeError".into()), "{bad}");
            assert_eq!(meta.fault, None, "{bad}");
        }
    }

    #[test]
    fn error_codes_are_sanitized() {
        for raw in [
            "FooError",
            "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
            "aws.protocoltests.restjson#FooError",
            "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
        ] {
            assert_eq!(sanitize_code(raw), "FooError", "{raw}");
        }
    }
}
