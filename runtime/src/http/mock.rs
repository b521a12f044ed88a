//! A scripted [`Transport`] for unit tests: records requests, replays canned responses.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ::http::{Request, Response};
use bytes::Bytes;

use super::error::{TransportError, TransportErrorKind};
use super::{BoxFuture, Transport};

/// A mock transport: every request is recorded, and answered with the next queued
/// response or error, in order. Running out of replies is an error, not a panic.
///
/// Clones share state, so a test keeps one handle while the client owns another:
///
/// ```
/// use awsrt::{TestTransport, Transport};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let transport = TestTransport::new();
/// transport.push_response(200, &[("content-type", "application/json")], "{}");
/// let handle = transport.clone(); // give `transport` to the client
/// let request = http::Request::post("https://example.com/")
///     .body(bytes::Bytes::from("{}"))
///     .unwrap();
/// let response = transport.send(request).await.unwrap();
/// assert_eq!(response.status(), 200);
/// assert_eq!(handle.requests()[0].body().as_ref(), b"{}");
/// # });
/// ```
///
/// `Debug` shows only counts: recorded requests carry signatures, tokens and bodies.
#[derive(Clone, Default)]
pub struct TestTransport {
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for TestTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("TestTransport")
            .field("requests", &state.requests.len())
            .field("replies_left", &state.replies.len())
            .finish()
    }
}

#[derive(Default)]
struct State {
    requests: Vec<Request<Bytes>>,
    replies: VecDeque<Result<Response<Bytes>, TransportError>>,
}

impl TestTransport {
    /// A transport with no queued replies.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues a response. An invalid status or header is replayed as an
    /// `InvalidRequest` error rather than panicking here.
    pub fn push_response(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> &Self {
        let mut builder = Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let reply = builder.body(body.into()).map_err(|e| {
            TransportError::with_context(
                TransportErrorKind::InvalidRequest,
                "TestTransport: canned response has an invalid status or header",
                Some(Box::new(e)),
            )
        });
        self.lock().replies.push_back(reply);
        self
    }

    /// Queues a ready-made response.
    pub fn push(&self, response: Response<Bytes>) -> &Self {
        self.lock().replies.push_back(Ok(response));
        self
    }

    /// Queues a failure, e.g. `TransportError::new(TransportErrorKind::Io, "reset")`
    /// to exercise retries.
    pub fn push_error(&self, error: TransportError) -> &Self {
        self.lock().replies.push_back(Err(error));
        self
    }

    /// Copies of the requests received so far, oldest first (extensions are not kept).
    pub fn requests(&self) -> Vec<Request<Bytes>> {
        self.lock().requests.iter().map(copy_request).collect()
    }

    /// How many queued replies have not been used yet.
    pub fn remaining(&self) -> usize {
        self.lock().replies.len()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not make every later call panic too.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn copy_request(request: &Request<Bytes>) -> Request<Bytes> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

impl Transport for TestTransport {
    fn send(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'_, Result<Response<Bytes>, TransportError>> {
        let mut state = self.lock();
        state.requests.push(request);
        let reply = state.replies.pop_front().unwrap_or_else(|| {
            Err(TransportError::with_context(
                TransportErrorKind::InvalidRequest,
                format!(
                    "TestTransport: no canned response left for request #{}",
                    state.requests.len()
                ),
                None,
            ))
        });
        Box::pin(std::future::ready(reply))
    }
}
