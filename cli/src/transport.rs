//! The transport under the client: HTTP with the `--cli-connect-timeout` and
//! `--cli-read-timeout` limits, the raw body of the last service response (so JSON and
//! XML responses are printed from what the server sent), and the `--debug` trace of each
//! request, including the credential providers' own (STS, SSO, container, IMDS). The
//! trace follows the runtime's redaction rule (`awsrt::internal::http::redact`): every header
//! that carries a credential or token is `<redacted>`, and bodies are never printed,
//! only their sizes, since credential providers' responses are credentials.
//!
//! The HTTP transport underneath is the runtime's default one
//! (`HttpTransport::configured`: proxies from the environment, the CA bundle), handed
//! over with [`Recorder::connect_with`] once the shared config is loaded, because the
//! profile's `ca_bundle` lives there and the client loads it.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use awsrt::internal::http::redact;
use awsrt::internal::http::{
    BoxFuture, HttpTransport, Transport, TransportError, TransportErrorKind,
};
use bytes::Bytes;

/// Sends through [`HttpTransport`], keeping the last response body.
pub struct Recorder {
    /// Set once by [`Recorder::connect_with`], before the first request.
    inner: OnceLock<HttpTransport>,
    debug: bool,
    read_timeout: Option<Duration>,
    last: Mutex<Option<Bytes>>,
}

impl Recorder {
    /// A recorder; it sends nothing until [`Recorder::connect_with`] gives it a transport.
    pub fn new(debug: bool, read_timeout: Option<Duration>) -> Self {
        Recorder {
            inner: OnceLock::new(),
            debug,
            read_timeout,
            last: Mutex::new(None),
        }
    }

    /// The transport requests go through; the first call wins.
    pub fn connect_with(&self, transport: HttpTransport) {
        let _ = self.inner.set(transport);
    }

    /// The body of the last service response (not a credential provider's), taken.
    pub fn take_body(&self) -> Bytes {
        self.last
            .lock()
            .ok()
            .and_then(|mut l| l.take())
            .unwrap_or_default()
    }
}

/// The trace lines of a header map, with secret values redacted.
fn trace_headers(out: &mut String, headers: &http::HeaderMap) {
    for (k, v) in redact::loggable_headers(headers) {
        out.push_str(&format!("DEBUG -   {k}: {v}\n"));
    }
}

impl Transport for Recorder {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        Box::pin(async move {
            // A credential provider's exchange: its body is a token or credentials.
            let credentials = redact::is_credentials_request(&request);
            if self.debug {
                let mut t = format!(
                    "DEBUG - Sending request: {} {}{}\n",
                    request.method(),
                    redact::loggable_uri(request.uri()),
                    if credentials {
                        " (credential provider)"
                    } else {
                        ""
                    }
                );
                trace_headers(&mut t, request.headers());
                t.push_str(&format!("DEBUG -   body: {} bytes\n", request.body().len()));
                eprint!("{t}");
            }
            let start = std::time::Instant::now();
            let Some(inner) = self.inner.get() else {
                return Err(TransportError::new(
                    TransportErrorKind::InvalidRequest,
                    "no HTTP transport was set up before the first request",
                ));
            };
            let fut = inner.send(request);
            let response = match self.read_timeout {
                Some(limit) => match tokio::time::timeout(limit, fut).await {
                    Ok(r) => r,
                    Err(_) => {
                        return Err(TransportError::new(
                            TransportErrorKind::Timeout,
                            format!("Read timeout on endpoint URL after {limit:?}"),
                        ))
                    }
                },
                None => fut.await,
            };
            if self.debug {
                match &response {
                    Ok(r) => {
                        let mut t = format!(
                            "DEBUG - Response: {} in {:.1?}\n",
                            r.status().as_u16(),
                            start.elapsed()
                        );
                        trace_headers(&mut t, r.headers());
                        t.push_str(&format!("DEBUG -   body: {} bytes\n", r.body().len()));
                        eprint!("{t}");
                    }
                    Err(e) => {
                        eprintln!("DEBUG - Transport error after {:.1?}: {e}", start.elapsed())
                    }
                }
            }
            // Only service responses are kept for printing: never credentials.
            if let (Ok(r), false) = (&response, credentials) {
                if let Ok(mut last) = self.last.lock() {
                    *last = Some(r.body().clone());
                }
            }
            response
        })
    }
}
