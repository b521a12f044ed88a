//! Load: 10,000 calls from 64 concurrent tasks against a loopback server all succeed, and
//! afterwards the open file descriptors and the resident memory are back near where they
//! were after a warm-up of the same shape. The bounds would catch a leaked connection per
//! call (10,000 descriptors) or a leak of about 600 bytes per call (6 MiB).
//!
//! This file holds one test, so nothing else in its process opens files or allocates
//! while it measures. Linux only (`/proc/self`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use e2e::{config, encode_body, Answer, Reply, Server};
use serde_json::json;
use snowball::Protocol;

const CALLS: usize = 10_000;
const TASKS: usize = 64;
/// A warm-up of the same shape fills the connection pool and the allocator's arenas.
const WARMUP: usize = 2_000;
/// Descriptors that may differ after the run: pooled and closing sockets on either side
/// (the pool keeps up to 16 per host, each with a server end).
const FD_SLACK: usize = 32;
/// Resident memory that may be added by the run: 6 MiB, about 600 bytes per call.
const RSS_SLACK: usize = 6 << 20;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

async fn run_calls(client: &snowball::Client, calls: usize) -> usize {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..TASKS {
        let client = client.clone();
        let next = Arc::clone(&next);
        tasks.spawn(async move {
            let mut ok = 0;
            while next.fetch_add(1, Ordering::Relaxed) < calls {
                match client.list_jobs().max_results(10).send().await {
                    Ok(out) => {
                        assert_eq!(out.next_token.as_deref(), Some("t"));
                        ok += 1;
                    }
                    Err(e) => panic!("call failed under load: {e}"),
                }
            }
            ok
        });
    }
    let mut ok = 0;
    while let Some(done) = tasks.join_next().await {
        ok += done.expect("a load task panicked");
    }
    ok
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_from_64_tasks_leak_nothing() {
    let p = Protocol::RpcV2Cbor;
    let body = encode_body(p, &json!({"JobListEntries": [], "NextToken": "t"}));
    let reply = Answer::from(
        Reply::new(200)
            .header("smithy-protocol", "rpc-v2-cbor")
            .header("Content-Type", "application/cbor")
            .body(body),
    );
    // Unrecorded: a record of every call would be the memory growth measured here.
    let server = Server::unrecorded(move |_| reply.clone()).await;
    let addr = server.addr();
    let client = snowball::Client::new(config(addr, p).attempt_timeout(Duration::from_secs(30)));

    assert_eq!(run_calls(&client, WARMUP).await, WARMUP);
    let (fd0, rss0) = (open_fds(), rss_bytes());
    let started = std::time::Instant::now();
    assert_eq!(run_calls(&client, CALLS).await, CALLS);
    let elapsed = started.elapsed();
    assert_eq!(
        server.request_count(),
        WARMUP + CALLS,
        "one attempt per call"
    );

    // Sockets the pool let go of may still be closing: wait for them (bounded).
    let mut fd1 = open_fds();
    for _ in 0..100 {
        if fd1 <= fd0 + FD_SLACK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        fd1 = open_fds();
    }
    let rss1 = rss_bytes();
    eprintln!(
        "load: {CALLS} calls, {TASKS} tasks in {elapsed:?}; fds {fd0} -> {fd1}; RSS {} KiB -> {} KiB",
        rss0 / 1024,
        rss1 / 1024
    );
    assert!(fd0 > 0 && rss0 > 0, "/proc/self is readable");
    assert!(fd1 <= fd0 + FD_SLACK, "descriptors leaked: {fd0} -> {fd1}");
    assert!(
        rss1 <= rss0 + RSS_SLACK,
        "resident memory grew by {} KiB over {CALLS} calls",
        (rss1 - rss0) / 1024
    );
}
