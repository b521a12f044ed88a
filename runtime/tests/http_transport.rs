//! `HttpTransport` and `TestTransport` against in-process loopback servers: the
//! workspace's loopback server with a raw answer per test (so each test controls the exact
//! bytes, counts accepted connections and can misbehave), optionally behind rustls with a
//! test-only CA.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use awsrt::internal::http::{
    HttpTransport, TestTransport, Transport, TransportError, TransportErrorKind,
};
use bytes::Bytes;
use loopback::tls::{
    unhex, CA_DER as TEST_CA_DER, LEAF_DER as TEST_LEAF_DER, LEAF_KEY_PKCS8 as TEST_LEAF_KEY_PKCS8,
};
use loopback::{Answer, Recorded, Then};
use tokio::io::AsyncReadExt;

/// Guards every network await so a regression fails the test instead of hanging it.
const GUARD: Duration = Duration::from_secs(10);

/// How the server answers each request.
#[derive(Clone, Copy, Debug)]
enum Reply {
    /// 200 echoing the body, keep-alive.
    Echo,
    /// Echo with `Connection: close`, then close.
    EchoThenClose,
    /// Echo, then close without saying so (like a server's idle timeout).
    EchoThenSilentClose,
    /// Bytes that are not HTTP at all.
    Garbage,
    /// A 200 with a `Content-Length: n` body of `b'x'`.
    Sized(usize),
    /// A chunked 200 of `n` chunks of 1000 bytes (`a`, `b`, ...), no Content-Length.
    Chunked(usize),
    /// Read forever, never answer.
    Silent,
}

impl Reply {
    /// The bytes this reply writes for `request`.
    fn answer(self, request: &Recorded) -> Answer {
        let echo = || {
            loopback::Reply::new(200)
                .header("content-type", "application/x-amz-json-1.1")
                .header("x-amzn-requestid", "req-1")
                .body(request.body.clone())
        };
        match self {
            Reply::Echo => echo().into(),
            Reply::EchoThenClose => echo().then_close().into(),
            Reply::EchoThenSilentClose => Answer::raw(echo().to_bytes()).then(Then::Close),
            Reply::Garbage => {
                Answer::raw(&b"\x00\x01 this is not HTTP \xff\xfe\r\n\r\n"[..]).then(Then::Close)
            }
            Reply::Sized(n) => loopback::Reply::new(200).body(vec![b'x'; n]).into(),
            Reply::Chunked(n) => {
                let mut out = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
                for i in 0..n {
                    out.extend_from_slice(b"3e8\r\n");
                    out.resize(out.len() + 1000, b'a' + (i % 26) as u8);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b"0\r\n\r\n");
                // In pieces so the client sees several frames.
                Answer::raw(out).in_pieces(1500, Duration::ZERO)
            }
            Reply::Silent => Answer::silence(),
        }
    }
}

/// The loopback server, and the ALPN protocol each TLS connection negotiated.
struct Server {
    addr: SocketAddr,
    inner: loopback::Server,
    alpn: Arc<Mutex<Vec<Option<Vec<u8>>>>>,
}

impl Server {
    async fn start(reply: Reply) -> Server {
        Self::start_inner(reply, None).await
    }

    async fn start_tls(reply: Reply) -> Server {
        let cert = rustls::pki_types::CertificateDer::from(unhex(TEST_LEAF_DER));
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(unhex(TEST_LEAF_KEY_PKCS8).into());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        // Offer h2 first: the client must still pick http/1.1, the only one it speaks.
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Self::start_inner(
            reply,
            Some(tokio_rustls::TlsAcceptor::from(Arc::new(config))),
        )
        .await
    }

    async fn start_inner(reply: Reply, tls: Option<tokio_rustls::TlsAcceptor>) -> Server {
        let alpn = Arc::new(Mutex::new(Vec::new()));
        let log = alpn.clone();
        // Raw mode: Silent reads before any handshake; TLS wraps the stream first.
        let inner = loopback::Server::raw(
            move |r| reply.answer(r),
            move |mut stream, conn| {
                let (tls, log) = (tls.clone(), log.clone());
                async move {
                    if let Reply::Silent = reply {
                        let mut sink = [0u8; 4096];
                        while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                        return;
                    }
                    match tls {
                        None => conn.serve(stream).await,
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                let alpn = stream.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
                                log.lock().unwrap().push(alpn);
                                conn.serve(stream).await;
                            }
                        }
                    }
                }
            },
        )
        .await;
        Server {
            addr: inner.addr(),
            inner,
            alpn,
        }
    }

    fn url(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://{}{path}", self.addr)
    }

    fn accepted(&self) -> usize {
        self.inner.connections()
    }

    fn seen(&self) -> Vec<Recorded> {
        self.inner.requests()
    }
}

async fn send(
    transport: &impl Transport,
    request: http::Request<Bytes>,
) -> Result<http::Response<Bytes>, TransportError> {
    tokio::time::timeout(GUARD, transport.send(request))
        .await
        .expect("the transport answered within the guard time")
}

fn post(url: &str, body: &'static str) -> http::Request<Bytes> {
    http::Request::post(url)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "Service.Operation")
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap()
}

#[tokio::test]
async fn post_arrives_with_method_path_headers_and_body() {
    let server = Server::start(Reply::Echo).await;
    let transport = HttpTransport::new();
    let response = send(
        &transport,
        post(&server.url("http", "/a/b?c=d"), r#"{"Max":1}"#),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-amzn-requestid"], "req-1");
    assert_eq!(response.body().as_ref(), br#"{"Max":1}"#);

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/a/b?c=d", "origin-form request target");
    assert_eq!(request.version, "HTTP/1.1");
    assert_eq!(
        request.header("host"),
        Some(server.addr.to_string().as_str())
    );
    assert_eq!(request.header("content-length"), Some("9"));
    assert_eq!(request.header("x-amz-target"), Some("Service.Operation"));
    assert_eq!(
        request.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert_eq!(request.body, br#"{"Max":1}"#);
}

#[tokio::test]
async fn caller_host_header_is_kept_and_empty_post_says_zero() {
    let server = Server::start(Reply::Echo).await;
    let transport = HttpTransport::new();
    let request = http::Request::post(server.url("http", ""))
        .header("host", "service.example.com")
        .body(Bytes::new())
        .unwrap();
    let response = send(&transport, request).await.unwrap();
    assert!(response.body().is_empty());
    let seen = server.seen();
    assert_eq!(seen[0].target, "/");
    assert_eq!(seen[0].header("host"), Some("service.example.com"));
    assert_eq!(seen[0].header("content-length"), Some("0"));
}

#[tokio::test]
async fn sequential_requests_reuse_one_connection() {
    let server = Server::start(Reply::Echo).await;
    let transport = HttpTransport::new();
    for i in 0..10 {
        let body: &'static str = Box::leak(format!("{{\"n\":{i}}}").into_boxed_str());
        let response = send(&transport, post(&server.url("http", "/"), body))
            .await
            .unwrap();
        assert_eq!(response.body().as_ref(), body.as_bytes());
    }
    assert_eq!(server.seen().len(), 10);
    assert_eq!(
        server.accepted(),
        1,
        "all ten requests should share one TCP connection"
    );
}

#[tokio::test]
async fn connection_close_responses_still_work() {
    let server = Server::start(Reply::EchoThenClose).await;
    let transport = HttpTransport::new();
    for _ in 0..10 {
        let response = send(&transport, post(&server.url("http", "/"), "{}"))
            .await
            .unwrap();
        assert_eq!(response.body().as_ref(), b"{}");
    }
    assert_eq!(server.accepted(), 10);
}

#[tokio::test]
async fn idle_connection_closed_by_the_server_is_replaced() {
    let server = Server::start(Reply::EchoThenSilentClose).await;
    let transport = HttpTransport::new();
    for _ in 0..5 {
        let response = send(&transport, post(&server.url("http", "/"), "{}"))
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        // Let the close reach the client, as with a server-side idle timeout.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(server.accepted(), 5);
    assert_eq!(server.seen().len(), 5, "no request was sent twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_open_at_most_one_connection_each_then_reuse() {
    let server = Server::start(Reply::Echo).await;
    let transport = Arc::new(HttpTransport::new());
    let url = server.url("http", "/");
    let (a, b, c, d) = tokio::join!(
        send(&transport, post(&url, "1")),
        send(&transport, post(&url, "2")),
        send(&transport, post(&url, "3")),
        send(&transport, post(&url, "4")),
    );
    for (response, expected) in [a, b, c, d].into_iter().zip(["1", "2", "3", "4"]) {
        assert_eq!(response.unwrap().body().as_ref(), expected.as_bytes());
    }
    let after_burst = server.accepted();
    assert!((1..=4).contains(&after_burst), "{after_burst} connections");
    for _ in 0..8 {
        send(&transport, post(&url, "x")).await.unwrap();
    }
    assert_eq!(
        server.accepted(),
        after_burst,
        "pooled connections were reused"
    );
}

#[tokio::test]
async fn reuse_can_be_disabled_and_idle_connections_expire() {
    let server = Server::start(Reply::Echo).await;
    let no_pool = HttpTransport::new().with_max_idle_per_host(0);
    for _ in 0..3 {
        send(&no_pool, post(&server.url("http", "/"), "{}"))
            .await
            .unwrap();
    }
    assert_eq!(server.accepted(), 3);

    let short = HttpTransport::new().with_idle_timeout(Duration::from_millis(30));
    send(&short, post(&server.url("http", "/"), "{}"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    send(&short, post(&server.url("http", "/"), "{}"))
        .await
        .unwrap();
    assert_eq!(server.accepted(), 5);
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let port = loopback::closed_port().port();
    let transport = HttpTransport::new();
    let started = Instant::now();
    let err = send(&transport, post(&format!("http://127.0.0.1:{port}/"), "{}"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
    let message = err.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(
        message.to_lowercase().contains("refused"),
        "cause chain is printed: {message}"
    );
    assert!(
        !message.contains("x-amz-target"),
        "no headers in messages: {message}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn stalled_tls_handshake_hits_the_connect_timeout() {
    let server = Server::start(Reply::Silent).await;
    let transport = HttpTransport::new().with_connect_timeout(Duration::from_millis(200));
    let started = Instant::now();
    let err = send(&transport, post(&server.url("https", "/"), "{}"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(190) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn garbage_response_is_an_error_not_a_panic() {
    let server = Server::start(Reply::Garbage).await;
    let transport = HttpTransport::new();
    let err = send(&transport, post(&server.url("http", "/"), "{}"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Io, "{err}");
    // The transport stays usable afterwards.
    let good = Server::start(Reply::Echo).await;
    send(&transport, post(&good.url("http", "/"), "{}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn declared_oversize_body_hits_the_cap() {
    let server = Server::start(Reply::Sized(4096)).await;
    let transport = HttpTransport::new().with_max_response_body(1024);
    let err = send(&transport, post(&server.url("http", "/"), "{}"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::BodyTooLarge, "{err}");

    let exact = Server::start(Reply::Sized(1024)).await;
    let response = send(&transport, post(&exact.url("http", "/"), "{}"))
        .await
        .unwrap();
    assert_eq!(response.body().len(), 1024);
}

#[tokio::test]
async fn streamed_oversize_body_hits_the_cap() {
    let server = Server::start(Reply::Chunked(5)).await;
    let transport = HttpTransport::new().with_max_response_body(3000);
    let err = send(&transport, post(&server.url("http", "/"), "{}"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::BodyTooLarge, "{err}");
}

#[tokio::test]
async fn chunked_body_is_collected_in_order_and_connection_reused() {
    let server = Server::start(Reply::Chunked(3)).await;
    let transport = HttpTransport::new().with_max_response_body(3000);
    for _ in 0..2 {
        let response = send(&transport, post(&server.url("http", "/"), "{}"))
            .await
            .unwrap();
        let body = response.body();
        assert_eq!(body.len(), 3000);
        assert!(body[..1000].iter().all(|&b| b == b'a'));
        assert!(body[1000..2000].iter().all(|&b| b == b'b'));
        assert!(body[2000..].iter().all(|&b| b == b'c'));
    }
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_a_tls_error() {
    let server = Server::start(Reply::Echo).await;
    let transport = HttpTransport::new();
    let err = send(&transport, post(&server.url("https", "/"), "{}"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Tls, "{err}");
}

#[tokio::test]
async fn tls_with_a_private_root_works_and_reuses_the_connection() {
    let server = Server::start_tls(Reply::Echo).await;
    let transport = HttpTransport::new()
        .with_root_certificate(&unhex(TEST_CA_DER))
        .unwrap();
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("https://{host}:{}/tls", server.addr.port());
        for _ in 0..3 {
            let response = send(&transport, post(&url, r#"{"tls":true}"#))
                .await
                .unwrap();
            assert_eq!(response.body().as_ref(), br#"{"tls":true}"#);
        }
    }
    // One connection per host name: the pool is keyed by scheme, host and port.
    assert_eq!(server.accepted(), 2);
    let seen = server.seen();
    assert_eq!(seen.len(), 6);
    let alpn = server.alpn.lock().unwrap().clone();
    assert_eq!(
        alpn,
        [Some(b"http/1.1".to_vec()), Some(b"http/1.1".to_vec())]
    );
    assert_eq!(seen[0].target, "/tls");
}

#[tokio::test]
async fn tls_without_the_private_root_is_rejected() {
    let server = Server::start_tls(Reply::Echo).await;
    let transport = HttpTransport::new();
    let err = send(&transport, post(&server.url("https", "/"), "{}"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Tls, "{err}");
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn bad_requests_are_rejected_before_connecting() {
    assert_eq!(
        HttpTransport::new()
            .with_root_certificate(b"not DER")
            .unwrap_err()
            .kind(),
        TransportErrorKind::InvalidRequest
    );
    let transport = HttpTransport::new();
    for url in ["/relative", "ftp://127.0.0.1/"] {
        let err = send(&transport, post(url, "{}")).await.unwrap_err();
        assert_eq!(
            err.kind(),
            TransportErrorKind::InvalidRequest,
            "{url}: {err}"
        );
    }
    let server = Server::start(Reply::Echo).await;
    let lying = http::Request::post(server.url("http", "/"))
        .header("content-length", "99")
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    let err = send(&transport, lying).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::InvalidRequest, "{err}");
    assert_eq!(server.accepted(), 0);
}

#[tokio::test]
async fn test_transport_records_and_replays_in_order() {
    let transport = TestTransport::new();
    let handle = transport.clone();
    transport
        .push_response(200, &[("x-amzn-requestid", "one")], r#"{"a":1}"#)
        .push(
            http::Response::builder()
                .status(400)
                .body(Bytes::from_static(b"bad"))
                .unwrap(),
        )
        .push_error(TransportError::new(
            TransportErrorKind::Io,
            "connection reset",
        ))
        .push_response(1000, &[], "");
    assert_eq!(handle.remaining(), 4);

    let client: Arc<dyn Transport> = Arc::new(transport);
    let first = client
        .send(post("https://svc.example.com/", "first"))
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-amzn-requestid"], "one");
    assert_eq!(first.body().as_ref(), br#"{"a":1}"#);

    let second = client
        .send(post("https://svc.example.com/x", "second"))
        .await
        .unwrap();
    assert_eq!(second.status(), 400);

    let third = client
        .send(post("https://svc.example.com/", "third"))
        .await
        .unwrap_err();
    assert_eq!(third.kind(), TransportErrorKind::Io);
    assert_eq!(third.to_string(), "HTTP exchange failed: connection reset");

    let invalid = client
        .send(post("https://svc.example.com/", "fourth"))
        .await
        .unwrap_err();
    assert_eq!(invalid.kind(), TransportErrorKind::InvalidRequest);

    let exhausted = client
        .send(post("https://svc.example.com/", "fifth"))
        .await
        .unwrap_err();
    assert_eq!(exhausted.kind(), TransportErrorKind::InvalidRequest);
    assert!(
        exhausted.to_string().contains("no canned response"),
        "{exhausted}"
    );
    assert_eq!(handle.remaining(), 0);

    let requests = handle.requests();
    assert_eq!(requests.len(), 5);
    assert_eq!(requests[1].method(), http::Method::POST);
    assert_eq!(requests[1].uri(), "https://svc.example.com/x");
    assert_eq!(requests[1].headers()["x-amz-target"], "Service.Operation");
    let bodies: Vec<&[u8]> = requests.iter().map(|r| r.body().as_ref()).collect();
    assert_eq!(
        bodies,
        [&b"first"[..], b"second", b"third", b"fourth", b"fifth"]
    );
}
