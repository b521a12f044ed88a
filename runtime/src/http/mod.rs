//! HTTP transport: the [`Transport`] trait every request goes through, the default
//! hyper + rustls implementation ([`HttpTransport`]), a recording mock for tests
//! ([`TestTransport`]), proxies from the environment ([`ProxyConfig`]), and the rule for
//! what a log may show of a request ([`redact`]).
//!
//! Bodies are fully buffered in both directions: AWS JSON and CBOR payloads are small,
//! and a buffered body keeps signing, retries and the transport trait simple.

mod client;
mod error;
pub(crate) mod io;
mod mock;
mod proxy;
pub mod redact;
mod tls;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

pub use client::HttpTransport;
pub use error::{TransportError, TransportErrorKind};
pub use mock::TestTransport;
pub use proxy::ProxyConfig;

/// A boxed, `Send` future, so [`Transport`] stays object safe (`Arc<dyn Transport>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one HTTP request and returns the whole response; implement it to plug in your
/// own HTTP client (a proxy-aware one, a recording one, ...).
///
/// A transport does one exchange: it does not sign, retry or interpret status codes.
/// Any HTTP status (including 4xx and 5xx) is an `Ok` response; `Err` means no complete
/// response was received.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` (an absolute `http://` or `https://` URI) and buffers the response.
    fn send(
        &self,
        request: ::http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<::http::Response<Bytes>, TransportError>>;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(
        &self,
        request: ::http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<::http::Response<Bytes>, TransportError>> {
        (**self).send(request)
    }
}
