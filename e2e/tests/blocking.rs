//! What only the blocking client has: calls from many threads at once through one
//! client, a refusal (not a deadlock or a panic) inside an async runtime, timers driven
//! while the caller blocks, and Import/Export's client. The operation, error and
//! paginator cases run through it in `cases/`; its thread count and tracing are checked
//! in `blocking_process.rs`, alone in their process.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use e2e::{config, Answer, Reply, ReplyExt, Server};
use serde_json::json;
use snowball::blocking::Client;
use snowball::{Protocol, SdkError};
use tokio::io::AsyncWriteExt;

const JOB: &str = "JID123e4567-e89b-12d3-a456-426655440000";

/// A runtime of its own for the loopback server, so the test thread stays outside any
/// runtime, like a program without async code.
fn server_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime")
}

fn usage_reply(p: Protocol) -> Reply {
    Reply::ok(p, &json!({"SnowballLimit": 7}))
}

#[test]
fn the_client_is_send_sync_and_clone() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<Client>();
    check::<importexport::blocking::Client>();
    // A paginator moves to another thread (it holds an in-flight page, so is not Sync).
    fn send<T: Send + 'static>() {}
    send::<snowball::blocking::Paginator<snowball::operation::list_jobs::ListJobsInput>>();
}

#[test]
fn sixteen_threads_call_one_client_at_once() {
    let rt = server_runtime();
    for p in e2e::PROTOCOLS {
        let server = rt.block_on(Server::start(move |_| usage_reply(p)));
        let client = Client::new(config(server.addr(), p));
        let start = Arc::new(Barrier::new(16));
        let threads: Vec<_> = (0..16)
            .map(|i| {
                // Half the threads share the client by reference, half own a clone.
                let client = client.clone();
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    start.wait();
                    (0..10)
                        .map(|_| {
                            let out = if i % 2 == 0 {
                                client.get_snowball_usage().send()
                            } else {
                                client.clone().get_snowball_usage().send()
                            };
                            out.map(|o| o.snowball_limit)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for t in threads {
            for out in t.join().expect("no thread panics") {
                assert_eq!(out.expect("every call succeeds"), Some(7), "{p:?}");
            }
        }
        assert_eq!(server.request_count(), 160, "{p:?}");
        for r in server.requests() {
            e2e::check_request(&r, p, "GetSnowballUsage");
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn inside_a_current_thread_runtime_a_call_fails_and_sends_nothing() {
    let server = Server::start(|_| usage_reply(Protocol::RpcV2Cbor)).await;
    let client = Client::new(config(server.addr(), Protocol::RpcV2Cbor));
    // Blocking here would deadlock: the server runs on this very thread.
    let err = client.describe_job(JOB).send().unwrap_err();
    assert!(matches!(err, SdkError::InvalidInput { .. }), "{err:?}");
    assert_eq!(err.operation(), "DescribeJob");
    let shown = err.to_string();
    assert!(shown.contains("use the async client"), "{shown}");
    let mut pages = client.list_jobs().into_paginator();
    let first = pages.next().expect("one element").unwrap_err();
    assert!(first.to_string().contains("async runtime"), "{first}");
    assert!(pages.next().is_none(), "the error ends the iterator");
    let mut items = client.list_jobs().into_paginator().items();
    assert!(items.next().expect("one element").is_err());
    assert!(items.next().is_none());
    assert_eq!(server.request_count(), 0);
    // The same client works from a plain thread.
    let out = e2e::on_blocking::off_runtime(move || client.get_snowball_usage().send()).await;
    assert_eq!(out.unwrap().snowball_limit, Some(7));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_multi_thread_runtime_and_spawn_blocking_a_call_fails() {
    let server = Server::start(|_| usage_reply(Protocol::AwsJson1_1)).await;
    let client = Client::new(config(server.addr(), Protocol::AwsJson1_1));
    let err = client.get_snowball_usage().send().unwrap_err();
    assert!(err.to_string().contains("use the async client"), "{err}");
    let in_pool = client.clone();
    let err = tokio::task::spawn_blocking(move || in_pool.get_snowball_usage().send())
        .await
        .expect("no panic")
        .unwrap_err();
    assert!(matches!(err, SdkError::InvalidInput { .. }), "{err:?}");
    assert_eq!(server.request_count(), 0);
}

#[test]
fn the_attempt_timeout_fires_while_the_caller_blocks() {
    let rt = server_runtime();
    let server = rt.block_on(Server::scripted(|_, _| Answer::silence()));
    let cfg = config(server.addr(), Protocol::RpcV2Cbor)
        .max_attempts(1)
        .attempt_timeout(Duration::from_millis(100));
    let started = std::time::Instant::now();
    let err = Client::new(cfg).cancel_job(JOB).send().unwrap_err();
    assert!(matches!(err, SdkError::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{err}");
}

#[test]
fn importexport_has_a_blocking_client_with_its_paginator() {
    use importexport::blocking::Client;
    let rt = server_runtime();
    let page = |jobs: &[&str], truncated: bool| {
        let members: String = jobs
            .iter()
            .map(|id| format!("<member><JobId>{id}</JobId><JobType>Import</JobType></member>"))
            .collect();
        Reply::new(200)
            .header("Content-Type", "text/xml")
            .body(format!(
                "<ListJobsResponse xmlns=\"http://importexport.amazonaws.com/doc/2010-06-01/\">\
             <ListJobsResult><Jobs>{members}</Jobs><IsTruncated>{truncated}</IsTruncated>\
             </ListJobsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\
             </ListJobsResponse>"
            ))
    };
    let server = rt.block_on(Server::queue([
        page(&["A", "B"], true),
        page(&["C"], false),
    ]));
    let cfg = importexport::Config::new()
        .region(e2e::REGION)
        .endpoint_url(server.url())
        .credentials(e2e::credentials());
    let ids: Vec<String> = Client::new(cfg)
        .list_jobs()
        .into_paginator()
        .items()
        .map(|j| j.expect("a job").job_id.unwrap_or_default())
        .collect();
    assert_eq!(ids, ["A", "B", "C"]);
    let bodies: Vec<String> = server
        .requests()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert_eq!(bodies.len(), 2);
    assert!(bodies[1].contains("Marker=B"), "{bodies:?}");
}

/// Sockets of this machine connected to `port` on 127.0.0.1 that the peer has closed
/// and this side has not (`CLOSE_WAIT`), from `/proc/net/tcp`; `None` off Linux.
fn close_wait_to(port: u16) -> Option<usize> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let remote = format!("0100007F:{port:04X}");
    Some(
        table
            .lines()
            .skip(1)
            .filter(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                cols.get(2) == Some(&remote.as_str()) && cols.get(3) == Some(&"08")
            })
            .count(),
    )
}

/// Between calls nobody waits on the client, yet its background thread drives the
/// runtime: a pooled connection the server closes while idle is closed on our side too,
/// not left in `CLOSE_WAIT` until the next call (as an idle async runtime would), and
/// the next call opens a new one (with one attempt allowed, a failure would show).
#[test]
fn an_idle_connection_the_server_closes_is_closed_between_calls() {
    let rt = server_runtime();
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = rt.block_on(Server::raw(
        |_| usage_reply(Protocol::RpcV2Cbor).into(),
        move |mut stream, conn| {
            let first = accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0;
            async move {
                if !first {
                    return conn.serve(stream).await;
                }
                // One answer, then a FIN 100 ms later, while the client is idle.
                let mut buf = Vec::new();
                if let Ok(Some(_)) = loopback::read_request(&mut stream, &mut buf).await {
                    let reply = usage_reply(Protocol::RpcV2Cbor).to_bytes();
                    let _ = stream.write_all(&reply).await;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        },
    ));
    let client = Client::new(config(server.addr(), Protocol::RpcV2Cbor).max_attempts(1));
    client.get_snowball_usage().send().expect("first call");
    std::thread::sleep(Duration::from_millis(400));
    if let Some(n) = close_wait_to(server.port()) {
        assert_eq!(
            n, 0,
            "the socket the server closed is still open on our side"
        );
    }
    let out = client.get_snowball_usage().send();
    assert!(out.is_ok(), "{out:?}");
}
