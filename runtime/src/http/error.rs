//! The transport error: a small kind for retry decisions plus the underlying cause.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

/// The boxed cause kept inside a [`TransportError`].
type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What went wrong, coarse enough for retry classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be opened (DNS, refused, unreachable); nothing was sent.
    Connect,
    /// The TLS handshake failed (bad certificate, not a TLS server); nothing was sent.
    Tls,
    /// The exchange failed after connecting: reset, early close, malformed response.
    /// The server may have processed the request.
    Io,
    /// A time limit ran out. For [`HttpTransport`](super::HttpTransport) this is the
    /// connect timeout (TCP + TLS), so nothing was sent.
    Timeout,
    /// The response body was larger than the configured cap.
    BodyTooLarge,
    /// The request cannot be sent as given (relative URI, unknown scheme, bad header).
    InvalidRequest,
}

impl TransportErrorKind {
    fn describe(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "connection failed",
            TransportErrorKind::Tls => "TLS handshake failed",
            TransportErrorKind::Io => "HTTP exchange failed",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::BodyTooLarge => "response body too large",
            TransportErrorKind::InvalidRequest => "invalid request",
        }
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A request that got no complete response. Messages never contain headers or bodies,
/// so they are safe to log.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    context: Cow<'static, str>,
    source: Option<BoxError>,
}

impl TransportError {
    /// An error of `kind` caused by `cause`; custom transports and tests use it
    /// (a `&str` or `String` works as the cause too).
    pub fn new(kind: TransportErrorKind, cause: impl Into<BoxError>) -> Self {
        TransportError {
            kind,
            context: Cow::Borrowed(kind.describe()),
            source: Some(cause.into()),
        }
    }

    /// An error with a message of our own and an optional cause.
    pub(crate) fn with_context(
        kind: TransportErrorKind,
        context: impl Into<Cow<'static, str>>,
        source: Option<BoxError>,
    ) -> Self {
        TransportError {
            kind,
            context: context.into(),
            source,
        }
    }

    /// The kind, for retry decisions.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

/// How many causes Display follows, in case a cause chain loops.
const MAX_CHAIN: usize = 8;

impl fmt::Display for TransportError {
    /// Prints the message followed by the whole cause chain (`a: b: c`), because the
    /// root cause (e.g. "connection refused") is what a reader of a log needs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.context)?;
        let mut next: Option<&(dyn StdError + 'static)> = self.source.as_deref().map(|e| e as _);
        let mut depth = 0;
        while let Some(cause) = next {
            if depth == MAX_CHAIN {
                break;
            }
            write!(f, ": {cause}")?;
            next = cause.source();
            depth += 1;
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("outer")
        }
    }
    impl StdError for Outer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn display_prints_the_cause_chain() {
        let inner = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let err = TransportError::new(TransportErrorKind::Connect, Outer(inner));
        assert_eq!(err.to_string(), "connection failed: outer: refused");
        assert_eq!(err.kind(), TransportErrorKind::Connect);
        assert!(err.source().is_some());
    }

    #[test]
    fn string_causes_work() {
        let err = TransportError::new(TransportErrorKind::Io, "boom");
        assert_eq!(err.to_string(), "HTTP exchange failed: boom");
        let err = TransportError::with_context(TransportErrorKind::Timeout, "slow", None);
        assert_eq!(err.to_string(), "slow");
        assert!(err.source().is_none());
    }
}
