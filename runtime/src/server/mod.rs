//! The server half of the RPC protocols, for local emulators: recognise the protocol of a
//! request, decode the input with the shapes' own `Decode`, call the handler, and encode
//! its output or error the way the service does (aws-behaviors.md sections 1 to 3, read
//! from the other side). Generated crates (feature `server`) give a table of routes, one
//! per operation; everything protocol-specific lives here.
//!
//! Hand-written over hyper's server rather than axum or tower: the dispatch is one
//! function, and the runtime already depends on hyper.

mod auth;
mod http_server;

use std::sync::Arc;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};

use crate::codec::query::form;
use crate::codec::xml::XmlReader;
use crate::codec::xml_write::{escape_into, XmlWriter};
use crate::codec::{
    cbor, json, Decode, DecodeError, Encode, Field, ListMeta, MapMeta, Strict, TimestampFormat,
    Writer,
};
use crate::http::BoxFuture;
use crate::operation::{Operation, ServiceMeta};
use crate::protocol::Protocol;
use crate::DateTime;

pub use auth::Keys;
pub use http_server::{request_header, serve, serve_with, PreRoute};

const SMITHY_PROTOCOL: HeaderName = HeaderName::from_static("smithy-protocol");
const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");
const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");

/// What the server needs to know about one modeled error shape.
#[derive(Debug)]
pub struct ErrorInfo {
    /// The error code: the `error.code` of the model, else the shape name.
    pub code: &'static str,
    /// The HTTP status (`error.httpStatusCode`, else 400, or 500 for a server fault).
    pub status: u16,
    /// A client fault (awsQuery `<Type>Sender</Type>`) rather than a server one.
    pub sender_fault: bool,
    /// The wire name of the member holding the message (`Message`, `message`), if any.
    pub message_member: Option<&'static str>,
}

/// A modeled error shape as the server sends it. Emitted by codegen once per error
/// shape under the `server` feature, so an error that many operations list is described
/// once.
pub trait ModeledError: Encode {
    /// The error's code, status and fault.
    const INFO: ErrorInfo;
    /// The message member's value, if the shape has one and it is set.
    fn message(&self) -> Option<&str>;
}

/// What to do with the error a handler returned: called with the modeled error shape,
/// or for the enum's unhandled case.
pub trait ErrorVisitor {
    /// What the visit gives.
    type Out;
    /// The error is this modeled shape.
    fn modeled<E: ModeledError>(self, e: &E) -> Self::Out;
    /// The error is the enum's unhandled case, which a server cannot send.
    fn unhandled(self) -> Self::Out;
}

/// An operation's error enum seen from the server. Emitted by codegen for each error
/// enum under the `server` feature: one match that hands the variant's shape to `v`.
pub trait ServerOperationError: Send + 'static {
    /// Calls `v` with the modeled error this is.
    fn visit<V: ErrorVisitor>(&self, v: V) -> V::Out;
}

/// An error the model does not describe: a code, a message and a status, sent in the
/// protocol's error form (awsQuery: `Sender` below 500, else `Receiver`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenericError {
    /// The HTTP status.
    pub status: u16,
    /// The error code (`NotImplemented`, `InternalFailure`, ...).
    pub code: String,
    /// The message.
    pub message: String,
}

impl GenericError {
    /// An error with this status, code and message.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        GenericError {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    /// `501 NotImplemented`: the server does not implement `operation` yet. The router
    /// names the server in the message (see [`Router::server_name`]).
    pub fn not_implemented(operation: &str) -> Self {
        GenericError::new(
            501,
            "NotImplemented",
            format!("{operation} is not implemented yet"),
        )
    }

    /// `500 InternalFailure` with a message.
    pub fn internal(message: impl Into<String>) -> Self {
        GenericError::new(500, "InternalFailure", message)
    }
}

/// What a handler returns on failure: one of the operation's modeled errors, or an error
/// the model does not describe.
#[derive(Debug)]
pub enum HandlerError<E> {
    /// A modeled error of the operation.
    Modeled(E),
    /// Any other error.
    Generic(GenericError),
}

impl<E> From<GenericError> for HandlerError<E> {
    fn from(e: GenericError) -> Self {
        HandlerError::Generic(e)
    }
}

/// A handler returns a modeled error with `?` or `.into()`.
impl<E: ServerOperationError> From<E> for HandlerError<E> {
    fn from(e: E) -> Self {
        HandlerError::Modeled(e)
    }
}

/// A handler as the route table holds it: the service, the input, the future answer.
pub type Handler<S, I> = for<'a> fn(
    &'a S,
    I,
) -> BoxFuture<
    'a,
    Result<<I as Operation>::Output, HandlerError<<I as Operation>::Error>>,
>;

type Erased<S> =
    Box<dyn Fn(Arc<S>, Call) -> BoxFuture<'static, http::Response<Bytes>> + Send + Sync>;

/// One row of a service's route table: an operation name and its handler.
pub struct Route<S> {
    name: &'static str,
    run: Erased<S>,
}

impl<S> std::fmt::Debug for Route<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route").field("name", &self.name).finish()
    }
}

impl<S: Send + Sync + 'static> Route<S> {
    /// The route of operation `I`: decode `I` strictly (a missing required member is a
    /// validation error), call `handler`, encode what it returns.
    pub fn new<I>(handler: Handler<S, I>) -> Self
    where
        I: Operation + Decode,
        I::Output: Encode,
        I::Error: ServerOperationError,
    {
        let run: Erased<S> = Box::new(move |svc: Arc<S>, call: Call| {
            Box::pin(async move {
                let input = match decode_input::<I>(call.protocol, &call.body) {
                    Ok(i) => i,
                    Err(e) => return call.reply.input_error(&e),
                };
                match handler(&svc, input).await {
                    Ok(out) => call.reply.output(I::NAME, I::RESULT_WRAPPER, &out),
                    Err(HandlerError::Modeled(e)) => call.reply.modeled(&e),
                    Err(HandlerError::Generic(g)) => call.reply.generic(&call.reply.named(g)),
                }
            })
        });
        Route { name: I::NAME, run }
    }
}

/// A request bound for one route.
struct Call {
    protocol: Protocol,
    body: Bytes,
    reply: Reply,
}

/// How to answer: the protocol and what each response carries.
#[derive(Clone, Debug)]
struct Reply {
    protocol: Protocol,
    request_id: String,
    /// The Smithy namespace of the service's shapes (`__type` is `ns#Code`).
    shape_namespace: &'static str,
    /// awsQuery: the `xmlns` of every response document.
    xml_namespace: &'static str,
    /// The server's name, for "not implemented yet in NAME".
    server_name: Arc<str>,
}

/// Decodes the input of `I` from a request body, strictly.
fn decode_input<I: Decode>(protocol: Protocol, body: &[u8]) -> Result<I, InputError> {
    match protocol {
        Protocol::RpcV2Cbor => {
            let mut r = Strict(cbor::CborReader::new(body));
            let v = I::decode(&mut r).map_err(InputError::Decode)?;
            if r.0.position() != body.len() && !body.is_empty() {
                return Err(InputError::Decode(DecodeError::new(
                    "trailing bytes after the value",
                )));
            }
            Ok(v)
        }
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
            json::from_slice_strict(body).map_err(InputError::Decode)
        }
        Protocol::AwsQuery => {
            let pairs = form::parse(body).map_err(InputError::Form)?;
            let root = form::to_element(&pairs).map_err(InputError::Form)?;
            I::decode(&mut Strict(XmlReader::new(&root))).map_err(InputError::Decode)
        }
    }
}

/// Why an input could not be read.
#[derive(Debug)]
enum InputError {
    /// The form body itself is malformed (awsQuery).
    Form(DecodeError),
    /// The body does not decode as the input shape.
    Decode(DecodeError),
}

impl Reply {
    fn response(
        &self,
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    ) -> http::Response<Bytes> {
        let mut resp = http::Response::new(Bytes::from(body));
        *resp.status_mut() =
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let h = resp.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(v) = HeaderValue::from_str(&self.request_id) {
            h.insert(REQUEST_ID, v);
        }
        if self.protocol == Protocol::RpcV2Cbor {
            h.insert(SMITHY_PROTOCOL, HeaderValue::from_static("rpc-v2-cbor"));
        }
        resp
    }

    fn content_type(&self) -> &'static str {
        match self.protocol {
            Protocol::RpcV2Cbor => "application/cbor",
            Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
            Protocol::AwsQuery => "text/xml",
        }
    }

    /// A successful answer: the output shape (awsQuery: inside
    /// `<OpResponse><OpResult>` with the request id in `<ResponseMetadata>`).
    fn output<T: Encode>(
        &self,
        operation: &str,
        result_wrapper: Option<&str>,
        out: &T,
    ) -> http::Response<Bytes> {
        let body = match self.protocol {
            Protocol::RpcV2Cbor => cbor::to_vec(out),
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => json::to_vec(out),
            Protocol::AwsQuery => {
                let mut xml = self.query_open(&format!("{operation}Response"));
                let mut w = XmlWriter::new(result_wrapper);
                out.encode(&mut w);
                xml.push_str(&w.finish());
                xml.push_str("<ResponseMetadata><RequestId>");
                escape_into(&mut xml, &self.request_id);
                xml.push_str("</RequestId></ResponseMetadata></");
                xml.push_str(operation);
                xml.push_str("Response>");
                xml.into_bytes()
            }
        };
        self.response(200, self.content_type(), body)
    }

    /// `<?xml ..?><name xmlns="..">`.
    fn query_open(&self, name: &str) -> String {
        let mut xml = String::with_capacity(512);
        xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
        xml.push_str(name);
        if !self.xml_namespace.is_empty() {
            xml.push_str(" xmlns=\"");
            escape_into(&mut xml, self.xml_namespace);
            xml.push('"');
        }
        xml.push('>');
        xml
    }

    /// A modeled error: CBOR and JSON bodies are the error shape plus `__type`
    /// (`namespace#Code`); awsQuery writes `<ErrorResponse>` with the shape's members
    /// inside `<Error>`, where botocore and our client read them.
    fn modeled<E: ServerOperationError>(&self, e: &E) -> http::Response<Bytes> {
        e.visit(self)
    }

    /// `<ErrorResponse><Error><Type>..<Code>..<Message>..{members}</Error><RequestId>..`.
    fn query_error(
        &self,
        code: &str,
        sender: bool,
        message: Option<&str>,
        members: &str,
    ) -> Vec<u8> {
        let mut xml = self.query_open("ErrorResponse");
        let mut w = XmlWriter::new(None);
        w.element("Type", if sender { "Sender" } else { "Receiver" });
        w.element("Code", code);
        if let Some(m) = message {
            w.element("Message", m);
        }
        xml.push_str("<Error>");
        xml.push_str(&w.finish());
        xml.push_str(members);
        xml.push_str("</Error><RequestId>");
        escape_into(&mut xml, &self.request_id);
        xml.push_str("</RequestId></ErrorResponse>");
        xml.into_bytes()
    }

    /// An unmodeled error in the protocol's error form.
    fn generic(&self, g: &GenericError) -> http::Response<Bytes> {
        let body = match self.protocol {
            Protocol::AwsQuery => self.query_error(&g.code, g.status < 500, Some(&g.message), ""),
            Protocol::RpcV2Cbor => {
                let mut w = cbor::CborWriter::new();
                envelope(&mut w, &g.code, &g.message);
                w.into_bytes()
            }
            _ => {
                let mut w = json::JsonWriter::new();
                envelope(&mut w, &g.code, &g.message);
                w.into_bytes()
            }
        };
        self.response(g.status, self.content_type(), body)
    }

    /// Names the server in a "not implemented yet" message.
    fn named(&self, mut g: GenericError) -> GenericError {
        if g.code == "NotImplemented" && g.message.ends_with("is not implemented yet") {
            g.message = format!("{} in {}", g.message, self.server_name);
        }
        g
    }

    /// The answer to an input that does not decode: awsQuery `MalformedQueryString`,
    /// `MissingParameter` or `InvalidParameterValue`; CBOR and JSON `ValidationException`
    /// for a missing required member, else `SerializationException`.
    fn input_error(&self, e: &InputError) -> http::Response<Bytes> {
        let g = match (self.protocol, e) {
            (Protocol::AwsQuery, InputError::Form(e)) => {
                GenericError::new(400, "MalformedQueryString", e.to_string())
            }
            (Protocol::AwsQuery, InputError::Decode(e)) if e.is_missing_member() => {
                GenericError::new(400, "MissingParameter", e.to_string())
            }
            (Protocol::AwsQuery, InputError::Decode(e)) => {
                GenericError::new(400, "InvalidParameterValue", e.to_string())
            }
            (_, InputError::Decode(e) | InputError::Form(e)) if e.is_missing_member() => {
                GenericError::new(400, "ValidationException", e.to_string())
            }
            (_, InputError::Decode(e) | InputError::Form(e)) => {
                GenericError::new(400, "SerializationException", e.to_string())
            }
        };
        self.generic(&g)
    }
}

/// `{"__type": code, "message": message}` in any writer.
fn envelope<W: Writer>(w: &mut W, code: &str, message: &str) {
    static TYPE: Field = Field::new("__type");
    static MESSAGE: Field = Field::new("message");
    w.begin_struct();
    w.field(&TYPE);
    w.string(code);
    w.field(&MESSAGE);
    w.string(message);
    w.end_struct();
}

impl ErrorVisitor for &Reply {
    type Out = http::Response<Bytes>;

    fn modeled<E: ModeledError>(self, e: &E) -> http::Response<Bytes> {
        let info = &E::INFO;
        match self.protocol {
            Protocol::AwsQuery => {
                let mut w = XmlWriter::new(None);
                e.encode(&mut w);
                // botocore reads `<Message>`; a shape whose member is spelled otherwise
                // (`message`) gets both.
                let message = match info.message_member {
                    Some("Message") => None,
                    _ => e.message(),
                };
                let body = self.query_error(info.code, info.sender_fault, message, &w.finish());
                self.response(info.status, self.content_type(), body)
            }
            _ => {
                let type_ = if self.shape_namespace.is_empty() {
                    info.code.to_string()
                } else {
                    format!("{}#{}", self.shape_namespace, info.code)
                };
                let body = match self.protocol {
                    Protocol::RpcV2Cbor => {
                        let mut w = Typed::new(cbor::CborWriter::new(), type_);
                        e.encode(&mut w);
                        w.inner.into_bytes()
                    }
                    _ => {
                        let mut w = Typed::new(json::JsonWriter::new(), type_);
                        e.encode(&mut w);
                        w.inner.into_bytes()
                    }
                };
                self.response(info.status, self.content_type(), body)
            }
        }
    }

    fn unhandled(self) -> http::Response<Bytes> {
        self.generic(&GenericError::internal(
            "the handler returned an error its operation does not model",
        ))
    }
}

/// A writer that adds `__type` as the first member of the top structure.
struct Typed<W> {
    inner: W,
    type_: Option<String>,
}

impl<W: Writer> Typed<W> {
    fn new(inner: W, type_: String) -> Self {
        Typed {
            inner,
            type_: Some(type_),
        }
    }
}

impl<W: Writer> Writer for Typed<W> {
    fn begin_struct(&mut self) {
        static TYPE: Field = Field::new("__type");
        self.inner.begin_struct();
        if let Some(t) = self.type_.take() {
            self.inner.field(&TYPE);
            self.inner.string(&t);
        }
    }
    fn field(&mut self, field: &'static Field) {
        self.inner.field(field)
    }
    fn end_struct(&mut self) {
        self.inner.end_struct()
    }
    fn begin_list(&mut self, len: usize) {
        self.inner.begin_list(len)
    }
    fn begin_list_as(&mut self, len: usize, meta: &'static ListMeta) {
        self.inner.begin_list_as(len, meta)
    }
    fn end_list(&mut self) {
        self.inner.end_list()
    }
    fn begin_map(&mut self, len: usize) {
        self.inner.begin_map(len)
    }
    fn begin_map_as(&mut self, len: usize, meta: &'static MapMeta) {
        self.inner.begin_map_as(len, meta)
    }
    fn map_key(&mut self, key: &str) {
        self.inner.map_key(key)
    }
    fn end_map(&mut self) {
        self.inner.end_map()
    }
    fn string(&mut self, v: &str) {
        self.inner.string(v)
    }
    fn boolean(&mut self, v: bool) {
        self.inner.boolean(v)
    }
    fn integer(&mut self, v: i64) {
        self.inner.integer(v)
    }
    fn float32(&mut self, v: f32) {
        self.inner.float32(v)
    }
    fn float64(&mut self, v: f64) {
        self.inner.float64(v)
    }
    fn timestamp(&mut self, v: &DateTime, format: TimestampFormat) {
        self.inner.timestamp(v, format)
    }
    fn blob(&mut self, v: &[u8]) {
        self.inner.blob(v)
    }
    fn null(&mut self) {
        self.inner.null()
    }
}

/// A service the HTTP server can dispatch to: a [`Router`] behind a trait object, so one
/// port can serve several services.
pub trait Dispatch: Send + Sync + 'static {
    /// The service's metadata: its target prefix, API version and protocols claim
    /// requests.
    fn meta(&self) -> &'static ServiceMeta;
    /// Answers a request for `operation`, already recognised as this service's in
    /// `protocol`.
    fn call(
        &self,
        operation: &str,
        protocol: Protocol,
        body: Bytes,
        request_id: String,
    ) -> BoxFuture<'static, http::Response<Bytes>>;
}

/// A service implementation and its route table.
pub struct Router<S> {
    service: Arc<S>,
    meta: &'static ServiceMeta,
    shape_namespace: &'static str,
    xml_namespace: &'static str,
    server_name: Arc<str>,
    routes: Vec<Route<S>>,
}

impl<S> std::fmt::Debug for Router<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("service", &self.meta.service_id)
            .field("routes", &self.routes)
            .finish()
    }
}

impl<S: Send + Sync + 'static> Router<S> {
    /// A router over `service` (what generated `server::router` builds):
    /// `shape_namespace` prefixes `__type` (`com.amazonaws.snowball`), `xml_namespace`
    /// is the awsQuery `xmlns` (empty for none).
    pub fn new(
        service: S,
        meta: &'static ServiceMeta,
        shape_namespace: &'static str,
        xml_namespace: &'static str,
        routes: Vec<Route<S>>,
    ) -> Self {
        Router {
            service: Arc::new(service),
            meta,
            shape_namespace,
            xml_namespace,
            server_name: Arc::from("this server"),
            routes,
        }
    }

    /// Names the server in "`Op` is not implemented yet in NAME" messages.
    pub fn server_name(mut self, name: &str) -> Self {
        self.server_name = Arc::from(name);
        self
    }

    /// The implementation.
    pub fn service(&self) -> &Arc<S> {
        &self.service
    }
}

impl<S: Send + Sync + 'static> Dispatch for Router<S> {
    fn meta(&self) -> &'static ServiceMeta {
        self.meta
    }

    fn call(
        &self,
        operation: &str,
        protocol: Protocol,
        body: Bytes,
        request_id: String,
    ) -> BoxFuture<'static, http::Response<Bytes>> {
        let reply = Reply {
            protocol,
            request_id,
            shape_namespace: self.shape_namespace,
            xml_namespace: self.xml_namespace,
            server_name: self.server_name.clone(),
        };
        match self.routes.iter().find(|r| r.name == operation) {
            Some(route) => (route.run)(
                self.service.clone(),
                Call {
                    protocol,
                    body,
                    reply,
                },
            ),
            None => {
                let resp = unknown_operation(&reply, operation, self.meta);
                Box::pin(async move { resp })
            }
        }
    }
}

/// The answer to an operation the service does not have: awsQuery `InvalidAction`, else
/// `UnknownOperationException`.
fn unknown_operation(reply: &Reply, operation: &str, meta: &ServiceMeta) -> http::Response<Bytes> {
    let g = match reply.protocol {
        Protocol::AwsQuery => GenericError::new(
            400,
            "InvalidAction",
            format!(
                "The action {operation} is not valid for this web service ({}).",
                meta.service_id
            ),
        ),
        _ => GenericError::new(
            400,
            "UnknownOperationException",
            format!("{} has no operation {operation:?}", meta.service_id),
        ),
    };
    reply.generic(&g)
}

/// Answers one request with the first service that claims it: RPC v2 CBOR by the
/// `smithy-protocol` header and the `/service/{name}/operation/{op}` path, awsJson by
/// `X-Amz-Target: {prefix}.{op}`, awsQuery by a form body's `Action` and `Version`.
pub async fn handle(
    services: &[Arc<dyn Dispatch>],
    parts: &http::request::Parts,
    body: Bytes,
    keys: Option<&Keys>,
) -> http::Response<Bytes> {
    let request_id = crate::uuid_v4();
    let header = |name: &HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let content_type = header(&CONTENT_TYPE)
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let fallback = |protocol: Protocol| Reply {
        protocol,
        request_id: request_id.clone(),
        shape_namespace: "",
        xml_namespace: "",
        server_name: Arc::from(""),
    };
    if parts.method != http::Method::POST {
        return fallback(Protocol::AwsJson1_1).generic(&GenericError::new(
            405,
            "MethodNotAllowed",
            format!(
                "{} is not supported: every operation is a POST",
                parts.method
            ),
        ));
    }

    if let Some(proto) = header(&SMITHY_PROTOCOL) {
        let reply = fallback(Protocol::RpcV2Cbor);
        if proto != "rpc-v2-cbor" {
            return reply.generic(&GenericError::new(
                400,
                "UnknownOperationException",
                format!("unsupported smithy-protocol {proto:?}"),
            ));
        }
        let mut segments = parts.uri.path().rsplit('/');
        let (op, kw_op, svc, kw_svc) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        );
        let (Some(op), Some("operation"), Some(svc), Some("service")) = (op, kw_op, svc, kw_svc)
        else {
            return reply.generic(&GenericError::new(
                404,
                "UnknownOperationException",
                format!(
                    "{} is not /service/NAME/operation/OPERATION",
                    parts.uri.path()
                ),
            ));
        };
        let Some(target) = services.iter().find(|s| {
            s.meta().target_prefix == svc && s.meta().protocols.contains(&Protocol::RpcV2Cbor)
        }) else {
            return reply.generic(&GenericError::new(
                404,
                "UnknownOperationException",
                format!("no service {svc:?} speaks RPC v2 CBOR here"),
            ));
        };
        if !body.is_empty() && content_type != "application/cbor" {
            return reply.generic(&unsupported_media(&content_type, "application/cbor"));
        }
        if let Err(e) = auth::check(keys, target.meta(), Protocol::RpcV2Cbor, parts, &body) {
            return reply.generic(&e);
        }
        return target.call(op, Protocol::RpcV2Cbor, body, request_id).await;
    }

    if let Some(target) = header(&X_AMZ_TARGET) {
        let (prefix, op) = target.rsplit_once('.').unwrap_or(("", target));
        let found = services.iter().find_map(|s| {
            let meta = s.meta();
            let proto = meta
                .protocols
                .iter()
                .copied()
                .find(|p| matches!(p, Protocol::AwsJson1_0 | Protocol::AwsJson1_1))?;
            (meta.target_prefix == prefix).then_some((s, proto))
        });
        let Some((svc, proto)) = found else {
            return fallback(Protocol::AwsJson1_1).generic(&GenericError::new(
                400,
                "UnknownOperationException",
                format!("no service here has the target {target:?}"),
            ));
        };
        let reply = fallback(proto);
        if !matches!(
            content_type.as_str(),
            "application/x-amz-json-1.0" | "application/x-amz-json-1.1"
        ) {
            return reply.generic(&unsupported_media(&content_type, reply.content_type()));
        }
        if let Err(e) = auth::check(keys, svc.meta(), proto, parts, &body) {
            return reply.generic(&e);
        }
        return svc.call(op, proto, body, request_id).await;
    }

    if content_type == "application/x-www-form-urlencoded" {
        let reply = fallback(Protocol::AwsQuery);
        let pairs = match form::parse(&body) {
            Ok(p) => p,
            Err(e) => {
                return reply.generic(&GenericError::new(
                    400,
                    "MalformedQueryString",
                    e.to_string(),
                ))
            }
        };
        let value = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        let Some(action) = value("Action") else {
            return reply.generic(&GenericError::new(
                400,
                "MissingAction",
                "The request must contain the parameter Action.",
            ));
        };
        let version = value("Version").unwrap_or("");
        let Some(svc) = services.iter().find(|s| {
            s.meta().api_version == version && s.meta().protocols.contains(&Protocol::AwsQuery)
        }) else {
            return reply.generic(&GenericError::new(
                400,
                "NoSuchVersion",
                format!("The requested version ({version}) of the service does not exist."),
            ));
        };
        if let Err(e) = auth::check(keys, svc.meta(), Protocol::AwsQuery, parts, &body) {
            return reply.generic(&e);
        }
        let action = action.to_string();
        return svc
            .call(&action, Protocol::AwsQuery, body, request_id)
            .await;
    }

    // Nothing names an operation: what an awsJson service says to a request without
    // `X-Amz-Target`.
    fallback(Protocol::AwsJson1_1).generic(&GenericError::new(
        400,
        "UnknownOperationException",
        "the request names no operation (no smithy-protocol, X-Amz-Target or form Action)",
    ))
}

fn unsupported_media(got: &str, want: &str) -> GenericError {
    GenericError::new(
        415,
        "UnsupportedMediaTypeException",
        format!("Content-Type {got:?} is not supported; send {want}"),
    )
}
