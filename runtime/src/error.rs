//! The error a call returns: a service error with its metadata, or why no answer came.

use std::fmt;

use crate::codec::DecodeError;
use crate::http::TransportError;

/// What the service said about a failed call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorMetadata {
    /// The error code, sanitized to the bare shape name (`InvalidResourceException`).
    pub code: String,
    /// The error message, when the body has one.
    pub message: Option<String>,
    /// `x-amzn-requestid` (or the body's request id), for AWS support.
    pub request_id: Option<String>,
    /// The HTTP status code.
    pub status: u16,
    /// Who the service blames, when it says: awsQuery's `<Type>`, or the second half of
    /// `x-amzn-query-error` from a query-compatible service (botocore's `Error.Type`).
    pub fault: Option<Fault>,
}

/// Who a service error blames (`Sender` or `Receiver` on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The request was at fault (`Sender`): fix it before sending again.
    Sender,
    /// The service was at fault (`Receiver`).
    Receiver,
}

impl Fault {
    /// `Sender` or `Receiver`; any other text names no fault.
    pub(crate) fn parse(text: &str) -> Option<Fault> {
        match text {
            "Sender" => Some(Fault::Sender),
            "Receiver" => Some(Fault::Receiver),
            _ => None,
        }
    }
}

/// An error response from the service, decoded into the operation's error enum.
#[derive(Debug)]
pub struct ServiceError<E> {
    /// The modeled error (or the operation's unhandled case).
    pub kind: E,
    /// Code, message, request id and status.
    pub meta: ErrorMetadata,
}

/// Why an operation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The service answered with an error.
    Service {
        /// The operation that failed.
        operation: &'static str,
        /// The decoded error.
        error: ServiceError<E>,
        /// How many attempts the call made (1 without retries).
        attempts: u32,
    },
    /// The request could not be sent or the response not received.
    Transport {
        /// The operation that failed.
        operation: &'static str,
        /// The transport's error.
        source: TransportError,
        /// How many attempts the call made (1 without retries).
        attempts: u32,
    },
    /// The call did not finish within its timeout.
    Timeout {
        /// The operation that failed.
        operation: &'static str,
        /// Which timeout expired: `attempt` (one attempt; retried like a connection
        /// error) or `operation` (the whole call).
        which: &'static str,
        /// How many attempts the call made (started, for an operation timeout).
        attempts: u32,
    },
    /// The response could not be decoded.
    Response {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status of the undecodable response.
        status: u16,
        /// The request id, when the headers carry one.
        request_id: Option<String>,
        /// What was wrong with it.
        source: DecodeError,
        /// How many attempts the call made (1 without retries).
        attempts: u32,
    },
    /// No credentials could be had to sign the request.
    Credentials {
        /// The operation that failed.
        operation: &'static str,
        /// Why.
        message: String,
    },
    /// The input or the client configuration is unusable (missing region, bad endpoint).
    InvalidInput {
        /// The operation that failed.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl<E> SdkError<E> {
    /// The modeled error, when the service answered with one.
    pub fn as_service(&self) -> Option<&E> {
        match self {
            SdkError::Service { error, .. } => Some(&error.kind),
            _ => None,
        }
    }

    /// The service error and its metadata, when the service answered with an error.
    pub fn service_error(&self) -> Option<&ServiceError<E>> {
        match self {
            SdkError::Service { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The service error's metadata, when the service answered with an error.
    pub fn meta(&self) -> Option<&ErrorMetadata> {
        self.service_error().map(|e| &e.meta)
    }

    /// The service error code, when the service answered with an error.
    pub fn code(&self) -> Option<&str> {
        self.meta().map(|m| m.code.as_str())
    }

    /// The service error message, when there is one.
    pub fn message(&self) -> Option<&str> {
        self.meta().and_then(|m| m.message.as_deref())
    }

    /// The request id of the failed attempt, when the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            SdkError::Service { error, .. } => error.meta.request_id.as_deref(),
            SdkError::Response { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            SdkError::Service { error, .. } => Some(error.meta.status),
            SdkError::Response { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// How many attempts the call made before failing: 0 when it failed before sending
    /// (credentials, invalid input), 1 without retries.
    pub fn attempts(&self) -> u32 {
        match self {
            SdkError::Service { attempts, .. }
            | SdkError::Transport { attempts, .. }
            | SdkError::Timeout { attempts, .. }
            | SdkError::Response { attempts, .. } => *attempts,
            SdkError::Credentials { .. } | SdkError::InvalidInput { .. } => 0,
        }
    }

    /// The same error, recording `n` attempts.
    pub(crate) fn with_attempts(mut self, n: u32) -> Self {
        match &mut self {
            SdkError::Service { attempts, .. }
            | SdkError::Transport { attempts, .. }
            | SdkError::Timeout { attempts, .. }
            | SdkError::Response { attempts, .. } => *attempts = n,
            SdkError::Credentials { .. } | SdkError::InvalidInput { .. } => {}
        }
        self
    }

    /// The operation that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            SdkError::Service { operation, .. }
            | SdkError::Transport { operation, .. }
            | SdkError::Timeout { operation, .. }
            | SdkError::Response { operation, .. }
            | SdkError::Credentials { operation, .. }
            | SdkError::InvalidInput { operation, .. } => operation,
        }
    }
}

impl<E> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_error(f)?;
        match self.attempts() {
            n if n > 1 => write!(f, " (after {n} attempts)"),
            _ => Ok(()),
        }
    }
}

impl<E> SdkError<E> {
    fn fmt_error(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkError::Service {
                operation, error, ..
            } => {
                let m = &error.meta;
                write!(f, "{operation} failed: {} (HTTP {})", m.code, m.status)?;
                if let Some(msg) = &m.message {
                    write!(f, ": {msg}")?;
                }
                if let Some(id) = &m.request_id {
                    write!(f, " [request id: {id}]")?;
                }
                Ok(())
            }
            SdkError::Transport {
                operation, source, ..
            } => write!(f, "{operation} failed: {source}"),
            SdkError::Timeout {
                operation, which, ..
            } => {
                write!(f, "{operation} failed: {which} timed out")
            }
            SdkError::Response {
                operation,
                status,
                request_id,
                source,
                ..
            } => {
                write!(
                    f,
                    "{operation} failed: undecodable response (HTTP {status}): {source}"
                )?;
                if let Some(id) = request_id {
                    write!(f, " [request id: {id}]")?;
                }
                Ok(())
            }
            SdkError::Credentials { operation, message } => {
                write!(f, "{operation} failed: no credentials: {message}")
            }
            SdkError::InvalidInput { operation, message } => {
                write!(f, "{operation} failed: {message}")
            }
        }
    }
}

impl<E: fmt::Debug> std::error::Error for SdkError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SdkError::Transport { source, .. } => Some(source),
            SdkError::Response { source, .. } => Some(source),
            _ => None,
        }
    }
}
