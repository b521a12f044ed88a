//! The default transport: HTTP/1.1 over TCP or rustls, with a small keep-alive pool.
//!
//! Connections are made with `hyper::client::conn::http1` handshakes and pooled here,
//! rather than with hyper-util's legacy `Client`: that client brings tower, its own
//! executor and connector abstractions and HTTP/2 plumbing that one AWS endpoint per
//! client does not need, and its pool is the only part we want.
//!
//! Proxies (see `proxy.rs`): an `http://` request goes to the proxy in absolute form
//! with `Proxy-Authorization`; an `https://` one opens a `CONNECT` tunnel (the proxy
//! credentials on the `CONNECT` only) and runs TLS with the service inside it. Pooled
//! connections stay keyed by the target: the proxy choice is fixed per transport.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use ::http::header::{CONNECTION, CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use ::http::{HeaderValue, Method, Request, Response, Uri, Version};
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Incoming};
use hyper::client::conn::http1::SendRequest;
use rustls::pki_types::{ServerName, TrustAnchor};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::error::{TransportError, TransportErrorKind};
use super::io::TokioIo;
use super::proxy::{Proxy, ProxyConfig};
use super::{tls, BoxFuture, Transport};
use crate::shared_config::SharedConfig;

/// The SDKs' "standard" defaults mode connect timeout.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// How long an idle connection stays pooled (hyper-util's default too).
const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Idle connections kept per scheme, host and port.
const DEFAULT_MAX_IDLE_PER_HOST: usize = 16;
/// AWS JSON/CBOR responses are small; anything this large is a bug or an attack.
const DEFAULT_MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;
/// How many dead pooled connections one request may discard before dialing anew.
const MAX_STALE_SKIPS: u8 = 4;
/// The largest response head a proxy may send to `CONNECT`.
const MAX_CONNECT_RESPONSE: usize = 16 * 1024;

type Sender = SendRequest<Full<Bytes>>;

/// The default [`Transport`]: HTTP/1.1 over rustls (or plain TCP for `http://`), with
/// keep-alive connection reuse. Needs a tokio runtime with IO and time enabled.
///
/// Share one instance (it is cheap to put in an `Arc`) so requests reuse connections.
pub struct HttpTransport {
    connect_timeout: Duration,
    idle_timeout: Duration,
    max_idle_per_host: usize,
    max_response_body: usize,
    extra_roots: Vec<TrustAnchor<'static>>,
    /// The roots of a CA bundle, used instead of Mozilla's.
    bundle: Option<Vec<TrustAnchor<'static>>>,
    proxies: ProxyConfig,
    /// Built on the first `https://` request, then shared by every connection.
    tls: OnceLock<Result<Arc<rustls::ClientConfig>, rustls::Error>>,
    pool: Mutex<Vec<HostPool>>,
}

/// Idle connections to one scheme + host + port.
struct HostPool {
    https: bool,
    host: Box<str>,
    port: u16,
    /// Oldest first; checkout takes from the end (most recently used).
    idle: Vec<(Sender, Instant)>,
}

/// Where a request goes, borrowed from its URI.
struct Target<'a> {
    https: bool,
    /// Without IPv6 brackets, as DNS, TCP and TLS want it.
    host: &'a str,
    /// With IPv6 brackets, as the `CONNECT` line wants it.
    uri_host: &'a str,
    port: u16,
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("connect_timeout", &self.connect_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_idle_per_host", &self.max_idle_per_host)
            .field("max_response_body", &self.max_response_body)
            .field("extra_roots", &self.extra_roots.len())
            .field("bundle_roots", &self.bundle.as_ref().map(Vec::len))
            .field("proxies", &self.proxies)
            .finish_non_exhaustive()
    }
}

impl HttpTransport {
    /// A transport with the defaults: 3.1 s connect timeout, 90 s idle timeout, 16 idle
    /// connections per host, 64 MiB response cap, Mozilla's root certificates.
    pub fn new() -> Self {
        HttpTransport {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_idle_per_host: DEFAULT_MAX_IDLE_PER_HOST,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            extra_roots: Vec::new(),
            bundle: None,
            proxies: ProxyConfig::none(),
            tls: OnceLock::new(),
            pool: Mutex::new(Vec::new()),
        }
    }

    /// Limits DNS + TCP connect + TLS handshake; running out gives a `Timeout` error.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Drops pooled connections idle for longer than this (servers close them anyway).
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Caps the idle connections kept per scheme, host and port; 0 disables reuse.
    pub fn with_max_idle_per_host(mut self, max: usize) -> Self {
        self.max_idle_per_host = max;
        self
    }

    /// Caps a response body; a larger one fails with `BodyTooLarge` instead of
    /// exhausting memory.
    pub fn with_max_response_body(mut self, max_bytes: usize) -> Self {
        self.max_response_body = max_bytes;
        self
    }

    /// Also trusts this DER certificate as a root (a private CA, a test server).
    pub fn with_root_certificate(mut self, der: &[u8]) -> Result<Self, TransportError> {
        let anchor = tls::trust_anchor(der).map_err(|e| {
            TransportError::with_context(
                TransportErrorKind::InvalidRequest,
                "invalid root certificate",
                Some(Box::new(e)),
            )
        })?;
        self.extra_roots.push(anchor);
        self.tls = OnceLock::new();
        Ok(self)
    }

    /// Trusts the certificates of this PEM file *instead of* Mozilla's roots (as
    /// botocore's `verify=<path>` does); roots added with
    /// [`with_root_certificate`](Self::with_root_certificate) still count. An unreadable
    /// file or one without a usable certificate is an error naming the file.
    pub fn with_ca_bundle(mut self, path: &Path) -> Result<Self, TransportError> {
        let roots = tls::load_bundle(path).map_err(|message| {
            TransportError::with_context(TransportErrorKind::InvalidRequest, message, None)
        })?;
        self.bundle = Some(roots);
        self.tls = OnceLock::new();
        Ok(self)
    }

    /// Sends requests through these proxies (by default none).
    pub fn with_proxies(mut self, proxies: ProxyConfig) -> Self {
        self.proxies = proxies;
        self
    }

    /// The transport a client builds when none is configured: `connect_timeout`, the
    /// proxies of the shared config's environment (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `NO_PROXY`) and a CA bundle: `ca_bundle` (a path and the setting that gave it:
    /// `Config::ca_bundle`, `--ca-bundle`), else `AWS_CA_BUNDLE`, the profile's `ca_bundle`, `REQUESTS_CA_BUNDLE` (botocore's
    /// order). Without a shared config (`Config::new`) nothing is read from the
    /// environment. Errors name the setting and the file.
    pub fn configured(
        connect_timeout: Duration,
        ca_bundle: Option<(&Path, &str)>,
        shared: Option<&SharedConfig>,
    ) -> Result<HttpTransport, String> {
        let mut transport = HttpTransport::new().with_connect_timeout(connect_timeout);
        if let Some(shared) = shared {
            transport = transport.with_proxies(ProxyConfig::from_env(shared.env())?);
        }
        let bundle = match (ca_bundle, shared) {
            (Some((path, source)), _) => Some((path.to_path_buf(), source.to_string())),
            (None, Some(shared)) => shared.ca_bundle()?,
            (None, None) => None,
        };
        if let Some((path, source)) = bundle {
            transport = transport
                .with_ca_bundle(&path)
                .map_err(|e| format!("{e} (set by {source})"))?;
        }
        Ok(transport)
    }

    async fn send_buffered(
        &self,
        request: Request<Bytes>,
    ) -> Result<Response<Bytes>, TransportError> {
        let (mut parts, body) = request.into_parts();
        let uri = std::mem::take(&mut parts.uri);
        let target = Target::parse(&uri)?;
        let authority = uri.authority().map_or("", |a| a.as_str());
        let proxy = self.proxies.for_target(target.https, authority);
        if !parts.headers.contains_key(HOST) {
            parts.headers.insert(HOST, host_header(&uri, &target)?);
        }
        set_content_length(&parts.method, &mut parts.headers, body.len())?;
        parts.uri = match proxy {
            // A plain-HTTP proxy wants the absolute URI and its own credentials.
            Some(p) if !target.https => {
                if let Some(auth) = &p.authorization {
                    parts
                        .headers
                        .insert(::http::header::PROXY_AUTHORIZATION, auth.clone());
                }
                absolute_form(&uri)?
            }
            _ => origin_form(&uri)?,
        };
        parts.version = Version::HTTP_11;
        let mut request = Request::from_parts(parts, Full::new(body));

        let mut stale_skips = 0u8;
        let mut retried = false;
        loop {
            let pooled = if stale_skips < MAX_STALE_SKIPS && !retried {
                self.checkout(&target)
            } else {
                None
            };
            let (mut sender, reused) = match pooled {
                Some(sender) => (sender, true),
                None => (self.connect(&target, proxy).await?, false),
            };
            // A pooled connection the server has closed fails here, before anything is
            // written, so skipping it is always safe.
            if reused && sender.ready().await.is_err() {
                stale_skips += 1;
                continue;
            }
            match sender.try_send_request(request).await {
                Ok(response) => return self.finish(response, sender, &target).await,
                Err(mut err) => match err.take_message() {
                    // hyper hands the request back only when none of it was written,
                    // so the server cannot have seen it: retry once on a new connection.
                    // Otherwise (e.g. closed after we wrote) we cannot know, and the
                    // retry policy above us decides.
                    Some(unsent) if !retried => {
                        tracing::debug!(
                            reused,
                            "connection closed before the request was sent; retrying"
                        );
                        retried = true;
                        request = unsent;
                    }
                    _ => return Err(from_hyper(err.into_error())),
                },
            }
        }
    }

    /// Reads the body, then pools the connection if the exchange left it reusable.
    async fn finish(
        &self,
        response: Response<Incoming>,
        sender: Sender,
        target: &Target<'_>,
    ) -> Result<Response<Bytes>, TransportError> {
        let (parts, body) = response.into_parts();
        // On error `sender` is dropped with the half-read connection, which closes it.
        let body = collect(body, self.max_response_body).await?;
        if parts.version == Version::HTTP_11 && !wants_close(&parts.headers) {
            self.checkin(target, sender);
        }
        Ok(Response::from_parts(parts, body))
    }

    fn tls_config(&self) -> Result<Arc<rustls::ClientConfig>, TransportError> {
        self.tls
            .get_or_init(|| tls::client_config(self.bundle.as_deref(), &self.extra_roots))
            .clone()
            .map_err(|e| {
                TransportError::with_context(
                    TransportErrorKind::Tls,
                    "cannot build the TLS configuration",
                    Some(Box::new(e)),
                )
            })
    }

    /// Opens a new connection (DNS, TCP, the proxy's `CONNECT` tunnel, TLS, HTTP/1.1
    /// handshake) within the timeout.
    async fn connect(
        &self,
        target: &Target<'_>,
        proxy: Option<&Proxy>,
    ) -> Result<Sender, TransportError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|e| {
            TransportError::with_context(
                TransportErrorKind::Connect,
                "HttpTransport must run inside a tokio runtime",
                Some(Box::new(e)),
            )
        })?;
        let tls = if target.https {
            Some(self.tls_config()?)
        } else {
            None
        };
        let connecting = async {
            let (host, port) = match proxy {
                Some(p) => (p.host.as_str(), p.port),
                None => (target.host, target.port),
            };
            let mut tcp = TcpStream::connect((host, port)).await.map_err(|e| {
                let what = match proxy {
                    Some(p) => format!("cannot connect to the proxy {p}"),
                    None => format!("cannot connect to {host}:{port}"),
                };
                TransportError::with_context(TransportErrorKind::Connect, what, Some(Box::new(e)))
            })?;
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "cannot set TCP_NODELAY");
            }
            if let (Some(p), true) = (proxy, target.https) {
                open_tunnel(&mut tcp, p, target).await?;
            }
            match tls {
                None => handshake(tcp, &runtime).await,
                Some(config) => {
                    let name = ServerName::try_from(target.host.to_owned()).map_err(|e| {
                        TransportError::with_context(
                            TransportErrorKind::InvalidRequest,
                            "host is not a valid TLS server name",
                            Some(Box::new(e)),
                        )
                    })?;
                    let stream = tokio_rustls::TlsConnector::from(config)
                        .connect(name, tcp)
                        .await
                        .map_err(|e| {
                            TransportError::with_context(
                                TransportErrorKind::Tls,
                                format!("TLS handshake with {} failed", target.host),
                                Some(Box::new(e)),
                            )
                        })?;
                    handshake(stream, &runtime).await
                }
            }
        };
        match tokio::time::timeout(self.connect_timeout, connecting).await {
            Ok(result) => result,
            Err(_) => Err(TransportError::with_context(
                TransportErrorKind::Timeout,
                format!(
                    "connecting to {}:{} took longer than {:?}",
                    target.host, target.port, self.connect_timeout
                ),
                None,
            )),
        }
    }

    fn checkout(&self, target: &Target<'_>) -> Option<Sender> {
        let mut pools = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        let index = pools.iter().position(|p| p.matches(target))?;
        let pool = &mut pools[index];
        let mut found = None;
        while let Some((sender, since)) = pool.idle.pop() {
            if since.elapsed() >= self.idle_timeout {
                // The newest is too old, so all the older ones are too.
                pool.idle.clear();
                break;
            }
            if !sender.is_closed() {
                found = Some(sender);
                break;
            }
        }
        if pool.idle.is_empty() {
            pools.swap_remove(index);
        }
        found
    }

    fn checkin(&self, target: &Target<'_>, sender: Sender) {
        if self.max_idle_per_host == 0 || sender.is_closed() {
            return;
        }
        let now = Instant::now();
        let mut pools = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        let index = match pools.iter().position(|p| p.matches(target)) {
            Some(index) => index,
            None => {
                pools.push(HostPool {
                    https: target.https,
                    host: target.host.into(),
                    port: target.port,
                    idle: Vec::new(),
                });
                pools.len() - 1
            }
        };
        let pool = &mut pools[index];
        let idle_timeout = self.idle_timeout;
        pool.idle
            .retain(|(s, since)| !s.is_closed() && now.duration_since(*since) < idle_timeout);
        if pool.idle.len() < self.max_idle_per_host {
            pool.idle.push((sender, now));
        }
    }
}

impl Transport for HttpTransport {
    fn send(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'_, Result<Response<Bytes>, TransportError>> {
        Box::pin(self.send_buffered(request))
    }
}

impl HostPool {
    fn matches(&self, target: &Target<'_>) -> bool {
        self.https == target.https && self.port == target.port && *self.host == *target.host
    }
}

impl<'a> Target<'a> {
    fn parse(uri: &'a Uri) -> Result<Self, TransportError> {
        let https = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => true,
            Some(s) if s.eq_ignore_ascii_case("http") => false,
            _ => {
                return Err(invalid(
                    "the URI must be absolute with an http or https scheme",
                ))
            }
        };
        let uri_host = uri.host().unwrap_or("");
        let host = uri_host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(uri_host);
        if host.is_empty() {
            return Err(invalid("the URI has no host"));
        }
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        Ok(Target {
            https,
            host,
            uri_host,
            port,
        })
    }
}

fn invalid(message: &'static str) -> TransportError {
    TransportError::with_context(TransportErrorKind::InvalidRequest, message, None)
}

/// `host[:port]`, with the port only when it is not the scheme's default (as browsers,
/// curl and hyper-util do).
fn host_header(uri: &Uri, target: &Target<'_>) -> Result<HeaderValue, TransportError> {
    // `uri.host()` keeps IPv6 brackets, which the Host header needs.
    let host = uri.host().unwrap_or(target.host);
    let default_port = if target.https { 443 } else { 80 };
    let value = match uri.port_u16() {
        Some(port) if port != default_port => HeaderValue::from_str(&format!("{host}:{port}")),
        _ => HeaderValue::from_str(host),
    };
    value.map_err(|_| invalid("the URI host is not a valid Host header"))
}

/// Servers expect `/path?query` on the request line, not the absolute URI.
fn origin_form(uri: &Uri) -> Result<Uri, TransportError> {
    match uri.path_and_query() {
        Some(pq) if pq.as_str().starts_with('/') => Ok(Uri::from(pq.clone())),
        Some(pq) => Uri::try_from(format!("/{}", pq.as_str()))
            .map_err(|_| invalid("the URI path is not valid")),
        None => Ok(Uri::from_static("/")),
    }
}

/// What a plain-HTTP proxy wants on the request line: `http://host[:port]/path?query`
/// (any user info dropped).
fn absolute_form(uri: &Uri) -> Result<Uri, TransportError> {
    let host = uri.host().unwrap_or_default();
    let port = uri.port().map(|p| format!(":{p}")).unwrap_or_default();
    let pq = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let slash = if pq.starts_with('/') { "" } else { "/" };
    Uri::try_from(format!("http://{host}{port}{slash}{pq}"))
        .map_err(|_| invalid("the URI is not valid"))
}

/// Asks `proxy` (over `tcp`) for a tunnel to the target with `CONNECT host:port`, and
/// reads its answer: any 2xx opens the tunnel; anything else is a `Connect` error with
/// the proxy's status line (never its credentials).
async fn open_tunnel(
    tcp: &mut TcpStream,
    proxy: &Proxy,
    target: &Target<'_>,
) -> Result<(), TransportError> {
    let failed = |what: String, e: Option<std::io::Error>| {
        TransportError::with_context(
            TransportErrorKind::Connect,
            format!("proxy {proxy}: {what}"),
            e.map(|e| Box::new(e) as _),
        )
    };
    let authority = format!("{}:{}", target.uri_host, target.port);
    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n").into_bytes();
    if let Some(auth) = &proxy.authorization {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(auth.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    tcp.write_all(&head)
        .await
        .map_err(|e| failed("cannot send CONNECT".into(), Some(e)))?;
    // TLS speaks first, so the proxy sends nothing after its answer until we do: reading
    // in chunks cannot swallow tunnelled bytes.
    let mut answer = Vec::with_capacity(256);
    let end = loop {
        let mut chunk = [0u8; 1024];
        let n = tcp
            .read(&mut chunk)
            .await
            .map_err(|e| failed("no answer to CONNECT".into(), Some(e)))?;
        if n == 0 {
            return Err(failed(
                "closed the connection instead of answering CONNECT".into(),
                None,
            ));
        }
        answer.extend_from_slice(&chunk[..n]);
        if let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if answer.len() > MAX_CONNECT_RESPONSE {
            return Err(failed(
                "answered CONNECT with an oversized head".into(),
                None,
            ));
        }
    };
    if end + 4 != answer.len() {
        return Err(failed("sent data before the tunnel was used".into(), None));
    }
    let status_line = answer
        .split(|&b| b == b'\r')
        .next()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let mut words = status_line.split(' ');
    let status = match (words.next(), words.next()) {
        (Some(v), Some(code)) if v.starts_with("HTTP/1.") => code.parse::<u16>().ok(),
        _ => None,
    };
    match status {
        Some(200..=299) => Ok(()),
        Some(_) => Err(failed(
            format!("refused CONNECT to {authority}: {}", status_line.trim()),
            None,
        )),
        None => Err(failed(
            "answered CONNECT with something that is not HTTP".into(),
            None,
        )),
    }
}

/// Sets `Content-Length` for the buffered body, and rejects a contradicting one.
fn set_content_length(
    method: &Method,
    headers: &mut ::http::HeaderMap,
    len: usize,
) -> Result<(), TransportError> {
    if let Some(existing) = headers.get(CONTENT_LENGTH) {
        let declared = existing
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared != Some(len as u64) {
            return Err(invalid("the content-length header does not match the body"));
        }
        return Ok(());
    }
    if headers.contains_key(TRANSFER_ENCODING) {
        return Ok(());
    }
    // A bodyless GET or HEAD traditionally carries no Content-Length; methods that
    // normally have a body say `0` explicitly, which some servers require.
    let expects_body = method == Method::POST || method == Method::PUT || method == Method::PATCH;
    if len > 0 || expects_body {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    }
    Ok(())
}

/// Whether the response announced that the server will close the connection.
fn wants_close(headers: &::http::HeaderMap) -> bool {
    headers.get_all(CONNECTION).iter().any(|value| {
        value
            .to_str()
            .map(|v| {
                v.split(',')
                    .any(|token| token.trim().eq_ignore_ascii_case("close"))
            })
            .unwrap_or(false)
    })
}

/// Runs the HTTP/1.1 handshake and spawns the task that drives the connection.
async fn handshake<IO>(io: IO, runtime: &tokio::runtime::Handle) -> Result<Sender, TransportError>
where
    IO: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(from_hyper)?;
    runtime.spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "HTTP connection ended with an error");
        }
    });
    Ok(sender)
}

/// Buffers a response body, failing once it passes `max` bytes.
async fn collect(mut body: Incoming, max: usize) -> Result<Bytes, TransportError> {
    let too_large = || {
        TransportError::with_context(
            TransportErrorKind::BodyTooLarge,
            format!("response body exceeds the limit of {max} bytes"),
            None,
        )
    };
    // hyper knows the Content-Length: refuse before reading anything.
    if body.size_hint().lower() > max as u64 {
        return Err(too_large());
    }
    // The common case is one data frame, kept as is without copying.
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(from_hyper)?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers carry nothing we use
        };
        if data.is_empty() {
            continue;
        }
        total = total.saturating_add(data.len());
        if total > max {
            return Err(too_large());
        }
        match (&mut first, &mut rest) {
            (None, _) => first = Some(data),
            (Some(head), None) => {
                let hint = usize::try_from(body.size_hint().lower()).unwrap_or(0);
                let mut buf = BytesMut::with_capacity(total.saturating_add(hint).min(max));
                buf.extend_from_slice(head);
                buf.extend_from_slice(&data);
                rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&data),
        }
    }
    Ok(match (first, rest) {
        (_, Some(buf)) => buf.freeze(),
        (Some(head), None) => head,
        (None, None) => Bytes::new(),
    })
}

fn from_hyper(e: hyper::Error) -> TransportError {
    let kind = if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_user() {
        TransportErrorKind::InvalidRequest
    } else {
        TransportErrorKind::Io
    };
    TransportError::with_context(kind, kind.to_string(), Some(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_and_host_header() {
        let uri: Uri = "https://[::1]:8443/x?y=1".parse().unwrap();
        let t = Target::parse(&uri).unwrap();
        assert!(t.https);
        assert_eq!((t.host, t.port), ("::1", 8443));
        assert_eq!(host_header(&uri, &t).unwrap(), "[::1]:8443");
        assert_eq!(origin_form(&uri).unwrap(), "/x?y=1");

        let uri: Uri = "http://example.com:80".parse().unwrap();
        let t = Target::parse(&uri).unwrap();
        assert_eq!((t.https, t.host, t.port), (false, "example.com", 80));
        assert_eq!(host_header(&uri, &t).unwrap(), "example.com");
        assert_eq!(origin_form(&uri).unwrap(), "/");

        for bad in ["/relative", "ftp://example.com/"] {
            let uri: Uri = bad.parse().unwrap();
            let err = Target::parse(&uri).err().unwrap();
            assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
        }
    }

    #[test]
    fn content_length_rules() {
        let mut headers = ::http::HeaderMap::new();
        set_content_length(&Method::POST, &mut headers, 0).unwrap();
        assert_eq!(headers[CONTENT_LENGTH], "0");

        let mut headers = ::http::HeaderMap::new();
        set_content_length(&Method::GET, &mut headers, 0).unwrap();
        assert!(headers.get(CONTENT_LENGTH).is_none());

        let mut headers = ::http::HeaderMap::new();
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("3"));
        let err = set_content_length(&Method::POST, &mut headers, 4).unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
        set_content_length(&Method::POST, &mut headers, 3).unwrap();
    }

    #[test]
    fn connection_close_is_detected() {
        let mut headers = ::http::HeaderMap::new();
        assert!(!wants_close(&headers));
        headers.insert(CONNECTION, HeaderValue::from_static("keep-alive, Close"));
        assert!(wants_close(&headers));
    }
}
