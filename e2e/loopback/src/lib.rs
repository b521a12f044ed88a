//! The one loopback HTTP/1.1 test server of the workspace. Every test that needs a peer on
//! `127.0.0.1` uses it: it records every request (method, target, version, headers in wire
//! order, body), answers through a handler, and scripts faults (raw bytes, trickled bytes,
//! close, reset, stall). For peers that are not plain HTTP (a TLS acceptor, a socket that
//! never speaks), [`Server::raw`] hands each accepted connection to the test, which may
//! still serve HTTP on a wrapped stream with [`Conn::serve`].
//!
//! It does not depend on `awsrt`, so the runtime's own tests can use it.
//!
//! The oracle tests' Python venv: the [`venv`] module.
//!
//! HTTPS with a test CA: [`Server::tls`] and the [`tls`] module. A CONNECT proxy: a
//! handler that answers `CONNECT` with [`Answer::tunnel`].

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

pub mod tls;
pub mod venv;

/// The largest request head (request line and headers) the server reads.
const MAX_HEAD: usize = 64 * 1024;
/// The largest request body the server reads.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// The most requests one server records; later ones get a 500.
const MAX_RECORDED: usize = 100_000;
/// A connection idle (or stuck mid-request) this long is closed.
const IDLE: Duration = Duration::from_secs(30);
/// A stalled answer holds its connection this long (longer than any test); the task is
/// aborted with the server.
const STALL: Duration = Duration::from_secs(600);

/// One request as it arrived on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// The version as sent, e.g. `HTTP/1.1`.
    pub version: String,
    /// Header names (as sent) and values, in wire order.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked if it was chunked.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many times header `name` (any case) was sent.
    pub fn header_count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or(&self.target)
    }

    /// The query, without `?` (empty for none).
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }
}

/// A well-formed response; the server adds `Content-Length`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers besides `Content-Length`, in the order they are written.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Close the connection after this response (and say so).
    pub close: bool,
}

impl Reply {
    /// A response with this status, no headers and no body.
    pub fn new(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            close: false,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Closes the connection after this response.
    pub fn then_close(mut self) -> Self {
        self.close = true;
        self
    }

    /// The response as bytes on the wire: status line with the canonical reason, the
    /// headers, `Content-Length` (and `Connection: close` when closing), the body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let reason = http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Unknown");
        let mut out = format!("HTTP/1.1 {} {reason}\r\n", self.status).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n", self.body.len()).as_bytes());
        if self.close {
            out.extend_from_slice(b"Connection: close\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

/// What the connection does after an answer's bytes are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Then {
    /// Reads the next request.
    KeepAlive,
    /// Closes the connection (FIN).
    Close,
    /// Resets the connection (RST) when it is plain TCP; a wrapped stream (TLS) is
    /// dropped without a shutdown.
    Reset,
    /// Holds the connection open without a word more.
    Stall,
    /// Acts as an HTTP proxy that accepted `CONNECT host:port`: after the bytes (see
    /// [`Answer::tunnel`]) the connection is piped to that address, which must be on
    /// loopback (tests never reach further); otherwise it is closed.
    Tunnel,
}

/// What the server writes for one request: raw bytes (a [`Reply`] or anything else,
/// truncated or garbage), optionally in pieces with a pause between them, and what
/// happens next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The bytes written, exactly.
    pub bytes: Vec<u8>,
    /// Write pieces of this many bytes (at least 1), this far apart, each flushed.
    pub pieces: Option<(usize, Duration)>,
    /// What happens after the bytes.
    pub then: Then,
}

impl Answer {
    /// These bytes exactly, then the next request on the same connection.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Self {
        Answer {
            bytes: bytes.into(),
            pieces: None,
            then: Then::KeepAlive,
        }
    }

    /// No answer at all: the connection stays open and silent.
    pub fn silence() -> Self {
        Answer::raw(Vec::new()).then(Then::Stall)
    }

    /// A forward proxy's yes to a `CONNECT host:port` request: `200 Connection
    /// established`, then a byte pipe to that loopback address ([`Then::Tunnel`]). With
    /// it a handler makes the server a CONNECT proxy, and still decides per request (a
    /// `407` for a missing `Proxy-Authorization`, say); each CONNECT is recorded.
    pub fn tunnel() -> Self {
        Answer::raw(&b"HTTP/1.1 200 Connection established\r\n\r\n"[..]).then(Then::Tunnel)
    }

    /// Sets what happens after the bytes.
    pub fn then(mut self, then: Then) -> Self {
        self.then = then;
        self
    }

    /// Writes the bytes one at a time, `gap` apart.
    pub fn trickle(self, gap: Duration) -> Self {
        self.in_pieces(1, gap)
    }

    /// Writes the bytes in pieces of `size`, each flushed, `gap` apart: the peer sees
    /// several reads.
    pub fn in_pieces(mut self, size: usize, gap: Duration) -> Self {
        self.pieces = Some((size.max(1), gap));
        self
    }
}

impl From<Reply> for Answer {
    fn from(reply: Reply) -> Self {
        let then = if reply.close {
            Then::Close
        } else {
            Then::KeepAlive
        };
        Answer::raw(reply.to_bytes()).then(then)
    }
}

/// The handler every connection answers through: `(index, request)`, where `index`
/// counts requests over the whole server from 0.
type Handler = dyn Fn(usize, &Recorded) -> Answer + Send + Sync;

/// State shared by the accept loop and the connections.
struct Shared {
    seen: Mutex<Vec<Recorded>>,
    count: AtomicUsize,
    record: bool,
    handler: Box<Handler>,
}

/// A connection accepted in raw mode: [`Conn::serve`] runs the server's HTTP loop over
/// any stream made from it (e.g. after a TLS handshake).
pub struct Conn {
    shared: Arc<Shared>,
}

impl fmt::Debug for Conn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conn").finish_non_exhaustive()
    }
}

impl Conn {
    /// Serves requests on `stream` with the server's handler until it closes.
    pub async fn serve<S: AsyncRead + AsyncWrite + Unpin + 'static>(self, stream: S) {
        serve_connection(stream, &self.shared).await;
    }
}

/// An in-process HTTP/1.1 server on `127.0.0.1`; its tasks stop when it is dropped.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        // The accept task owns the connection tasks (a JoinSet), so they stop with it.
        self.task.abort();
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish()
    }
}

impl Server {
    /// A server answering each request with `handler(request)`.
    pub async fn start<A: Into<Answer>>(
        handler: impl Fn(&Recorded) -> A + Send + Sync + 'static,
    ) -> Self {
        Server::scripted(move |_, r| handler(r).into()).await
    }

    /// A server answering request `n` (0-based, over all connections) with
    /// `script(n, request)`: the hook for faults that depend on the attempt.
    pub async fn scripted(
        script: impl Fn(usize, &Recorded) -> Answer + Send + Sync + 'static,
    ) -> Self {
        Server::build(true, script, |stream, conn| conn.serve(stream)).await
    }

    /// Like [`Server::start`], but keeps no request (for load tests, where a record of
    /// every call would be the memory growth they measure).
    pub async fn unrecorded<A: Into<Answer>>(
        handler: impl Fn(&Recorded) -> A + Send + Sync + 'static,
    ) -> Self {
        Server::build(
            false,
            move |_, r| handler(r).into(),
            |s, conn| conn.serve(s),
        )
        .await
    }

    /// A server answering with `replies` in order, then with 500s saying none is left.
    pub async fn queue(replies: impl IntoIterator<Item = Reply>) -> Self {
        let queue = Mutex::new(replies.into_iter().collect::<VecDeque<_>>());
        Server::start(move |_| {
            queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop_front()
                .unwrap_or_else(|| Reply::new(500).body("no canned response left"))
        })
        .await
    }

    /// Raw mode: each accepted connection goes to `accept(stream, conn)`, which may talk
    /// any bytes it likes, or wrap the stream and serve HTTP on it with `conn` (answered
    /// by `handler` and recorded as usual).
    pub async fn raw<F, Fut>(
        handler: impl Fn(&Recorded) -> Answer + Send + Sync + 'static,
        accept: F,
    ) -> Self
    where
        F: Fn(TcpStream, Conn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Server::build(true, move |_, r| handler(r), accept).await
    }

    async fn build<F, Fut>(
        record: bool,
        handler: impl Fn(usize, &Recorded) -> Answer + Send + Sync + 'static,
        accept: F,
    ) -> Self
    where
        F: Fn(TcpStream, Conn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("loopback address");
        let shared = Arc::new(Shared {
            seen: Mutex::new(Vec::new()),
            count: AtomicUsize::new(0),
            record,
            handler: Box::new(handler),
        });
        let accepted = Arc::new(AtomicUsize::new(0));
        let (s, a) = (Arc::clone(&shared), Arc::clone(&accepted));
        let task = tokio::spawn(async move {
            let mut conns = JoinSet::new();
            loop {
                tokio::select! {
                    conn = listener.accept() => {
                        let Ok((stream, _)) = conn else { continue };
                        a.fetch_add(1, Ordering::SeqCst);
                        conns.spawn(accept(stream, Conn { shared: Arc::clone(&s) }));
                    }
                    // Reap finished connections so the set stays small.
                    Some(_) = conns.join_next(), if !conns.is_empty() => {}
                }
            }
        });
        Server {
            addr,
            shared,
            accepted,
            task,
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many connections it has accepted.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// How many requests it has answered or is answering (recorded or not).
    pub fn request_count(&self) -> usize {
        self.shared.count.load(Ordering::SeqCst)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every request received so far, leaving the record empty.
    pub fn take_requests(&self) -> Vec<Recorded> {
        std::mem::take(
            &mut *self
                .shared
                .seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// The only request received; panics unless exactly one arrived.
    pub fn single_request(&self) -> Recorded {
        let mut all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
        all.remove(0)
    }
}

/// An address on loopback where nothing listens (bound, then closed), for refused
/// connections.
pub fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("loopback address")
}

async fn serve_connection<S: AsyncRead + AsyncWrite + Unpin + 'static>(
    mut stream: S,
    shared: &Shared,
) {
    let mut buf = Vec::new();
    let mut connect_target = None;
    loop {
        let request = match tokio::time::timeout(IDLE, read_request(&mut stream, &mut buf)).await {
            Ok(Ok(Some(r))) => r,
            Ok(Err(e)) if e.kind() == io::ErrorKind::InvalidData => {
                // What hyper and nginx do with bytes that are not HTTP (e.g. a TLS hello).
                let bad = Reply::new(400).then_close();
                let _ = stream.write_all(&bad.to_bytes()).await;
                let _ = stream.shutdown().await;
                return;
            }
            _ => return,
        };
        if request.method == "CONNECT" {
            connect_target = Some(request.target.clone());
        }
        let client_close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let n = shared.count.fetch_add(1, Ordering::SeqCst);
        let answer = if shared.record {
            let mut seen = shared.seen.lock().unwrap_or_else(PoisonError::into_inner);
            if seen.len() >= MAX_RECORDED {
                Reply::new(500)
                    .body("too many requests for one test server")
                    .into()
            } else {
                seen.push(request.clone());
                drop(seen);
                (shared.handler)(n, &request)
            }
        } else {
            (shared.handler)(n, &request)
        };
        if !write_answer(&mut stream, &answer).await {
            return;
        }
        match answer.then {
            Then::KeepAlive if !client_close => {}
            Then::KeepAlive | Then::Close => {
                let _ = stream.shutdown().await;
                return;
            }
            // Dropping the stream without a shutdown: for a TcpStream with linger 0 set
            // by `write_answer`, the kernel sends RST.
            Then::Reset => return,
            Then::Stall => {
                tokio::time::sleep(STALL).await;
                return;
            }
            Then::Tunnel => {
                if let Some(target) = connect_target.take() {
                    tunnel(stream, &buf, &target).await;
                }
                return;
            }
        }
    }
}

/// Pipes `stream` to `target` (`host:port` of a CONNECT request, loopback only), first
/// passing on `early`, bytes the client sent after the CONNECT head.
async fn tunnel<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, early: &[u8], target: &str) {
    let Ok(addrs) = tokio::net::lookup_host(target).await else {
        return;
    };
    let addrs: Vec<SocketAddr> = addrs.collect();
    // Tests must never reach past loopback, whatever a client asks its proxy for.
    let Some(addr) = addrs.into_iter().find(|a| a.ip().is_loopback()) else {
        return;
    };
    let Ok(mut upstream) = TcpStream::connect(addr).await else {
        return;
    };
    if upstream.write_all(early).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut stream, &mut upstream).await;
}

/// Writes an answer's bytes; false when the peer is gone.
async fn write_answer<S: AsyncWrite + Unpin + 'static>(stream: &mut S, answer: &Answer) -> bool {
    let written = match answer.pieces {
        None => stream.write_all(&answer.bytes).await.is_ok(),
        Some((size, gap)) => {
            for piece in answer.bytes.chunks(size) {
                if stream.write_all(piece).await.is_err() || stream.flush().await.is_err() {
                    return false;
                }
                if !gap.is_zero() {
                    tokio::time::sleep(gap).await;
                }
            }
            true
        }
    };
    let _ = stream.flush().await;
    if answer.then == Then::Reset {
        reset_on_close(stream);
    }
    written
}

/// Sets linger 0 when the stream is a plain TCP stream, so closing it sends RST.
fn reset_on_close<S: 'static>(stream: &mut S) {
    if let Some(tcp) = (stream as &mut dyn std::any::Any).downcast_mut::<TcpStream>() {
        #[allow(deprecated)]
        let _ = tcp.set_linger(Some(Duration::ZERO));
    }
}

/// Reads one request; `Ok(None)` when the peer closed cleanly between requests. `buf`
/// carries bytes read past the end of one request over to the next. Bytes that are not
/// an HTTP/1.1 request are an `InvalidData` error.
pub async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
) -> io::Result<Option<Recorded>> {
    let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_owned());
    let head_end = loop {
        // A method starts with an upper-case letter; a TLS hello does not.
        if buf.first().is_some_and(|b| !b.is_ascii_uppercase()) {
            return Err(bad("not an HTTP request"));
        }
        if let Some(i) = find(buf, b"\r\n\r\n") {
            if i > MAX_HEAD {
                return Err(bad("request head too large"));
            }
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(bad("request head too large"));
        }
        if fill(stream, buf).await? == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "connection closed mid-request",
                ))
            };
        }
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).map_err(|_| bad("non-UTF-8 head"))?;
    buf.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("malformed request line"));
    };
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| bad("malformed header"))?;
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    let mut request = Recorded {
        method: method.to_owned(),
        target: target.to_owned(),
        version: version.to_owned(),
        headers,
        body: Vec::new(),
    };
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        read_chunked(stream, buf, &mut request.body).await?;
    } else {
        let len = match request.header("content-length") {
            Some(v) => v.parse::<usize>().map_err(|_| bad("bad Content-Length"))?,
            None => 0,
        };
        if len > MAX_BODY {
            return Err(bad("request body too large"));
        }
        while buf.len() < len {
            if fill(stream, buf).await? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "connection closed mid-body",
                ));
            }
        }
        request.body = buf.drain(..len).collect();
    }
    Ok(Some(request))
}

/// Reads a chunked body into `body` (no trailers are expected).
async fn read_chunked<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    body: &mut Vec<u8>,
) -> io::Result<()> {
    let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_owned());
    loop {
        let line_end = loop {
            if let Some(i) = find(buf, b"\r\n") {
                break i;
            }
            if buf.len() > MAX_HEAD || fill(stream, buf).await? == 0 {
                return Err(bad("bad chunk header"));
            }
        };
        let size_text = String::from_utf8_lossy(&buf[..line_end]).into_owned();
        let size_hex = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| bad("bad chunk size"))?;
        if body.len().saturating_add(size) > MAX_BODY {
            return Err(bad("request body too large"));
        }
        buf.drain(..line_end + 2);
        while buf.len() < size + 2 {
            if fill(stream, buf).await? == 0 {
                return Err(bad("connection closed mid-chunk"));
            }
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
        if size == 0 {
            return Ok(());
        }
    }
}

async fn fill<S: AsyncRead + Unpin>(stream: &mut S, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn exchange(server: &Server, request: &[u8]) -> String {
        let mut s = TcpStream::connect(server.addr()).await.unwrap();
        s.write_all(request).await.unwrap();
        let mut resp = Vec::new();
        let _ = s.read_to_end(&mut resp).await;
        String::from_utf8_lossy(&resp).into_owned()
    }

    #[tokio::test]
    async fn records_requests_and_answers_from_the_queue() {
        let server = Server::queue([
            Reply::new(200).body("one"),
            Reply::new(404).body("two").then_close(),
        ])
        .await;
        let resp = exchange(
            &server,
            b"POST /a?b=c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc\
              PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n",
        )
        .await;
        assert!(resp.starts_with("HTTP/1.1 200 OK\r\n"), "{resp}");
        assert!(resp.contains("Content-Length: 3\r\n\r\none"), "{resp}");
        assert!(resp.contains("HTTP/1.1 404 Not Found\r\n"), "{resp}");
        assert!(resp.ends_with("\r\n\r\ntwo"), "{resp}");
        let seen = server.requests();
        assert_eq!(seen.len(), 2);
        assert_eq!(server.connections(), 1);
        assert_eq!((seen[0].method.as_str(), seen[0].path()), ("POST", "/a"));
        assert_eq!(
            (seen[0].query(), seen[0].version.as_str()),
            ("b=c", "HTTP/1.1")
        );
        assert_eq!(seen[0].headers[0], ("Host".to_owned(), "x".to_owned()));
        assert_eq!(seen[0].body, b"abc");
        assert_eq!(
            (seen[1].method.as_str(), &seen[1].body[..]),
            ("PUT", &b"de"[..])
        );
        assert_eq!(server.take_requests().len(), 2);
        assert!(server.requests().is_empty());
    }

    #[tokio::test]
    async fn scripts_raw_bytes_per_request_and_closes() {
        let server = Server::scripted(|n, _| match n {
            0 => Answer::raw(b"garbage\r\n".to_vec()),
            _ => Answer::raw(b"partial".to_vec()).then(Then::Close),
        })
        .await;
        let resp = exchange(
            &server,
            b"GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n",
        )
        .await;
        assert_eq!(resp, "garbage\r\npartial");
        assert_eq!(server.request_count(), 2, "the third request is never read");
    }

    #[tokio::test]
    async fn bytes_that_are_not_http_get_a_400_and_no_record() {
        let server = Server::queue([]).await;
        let resp = exchange(&server, b"\x16\x03\x01 hello").await;
        assert!(resp.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{resp}");
        assert!(server.requests().is_empty());
    }

    #[tokio::test]
    async fn a_stalled_answer_keeps_the_connection_silent() {
        let server = Server::scripted(|_, _| Answer::silence()).await;
        let mut s = TcpStream::connect(server.addr()).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(Duration::from_millis(200), s.read(&mut byte)).await;
        assert!(read.is_err(), "expected silence, got {read:?}");
        assert_eq!(server.requests().len(), 1);
    }

    #[tokio::test]
    async fn raw_mode_hands_over_the_connection() {
        let server = Server::raw(
            |_| Reply::new(204).into(),
            |mut stream, conn| async move {
                // A greeting before HTTP, as a wrapped protocol would have.
                let _ = stream.write_all(b"hi ").await;
                conn.serve(stream).await;
            },
        )
        .await;
        let resp = exchange(&server, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").await;
        assert!(resp.starts_with("hi HTTP/1.1 204 No Content\r\n"), "{resp}");
        assert_eq!(server.requests().len(), 1);
    }

    #[tokio::test]
    async fn oversized_heads_and_bodies_are_refused() {
        let server = Server::queue([]).await;
        let head = format!(
            "GET / HTTP/1.1\r\nConnection: close\r\nX: {}\r\n\r\n",
            "a".repeat(MAX_HEAD + 1)
        );
        assert!(exchange(&server, head.as_bytes())
            .await
            .contains("400 Bad Request"));
        let body = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert!(exchange(&server, body.as_bytes())
            .await
            .contains("400 Bad Request"));
        assert!(server.requests().is_empty());
    }
}
