//! Checks of the blocking client that need the process to themselves, so each holds
//! one lock for its whole run: the client's threads in `/proc/self/task` before, during
//! and after its life, and a thread-local tracing subscriber seeing the call (tracing
//! computes callsite interest process-wide, so a concurrent test could race it).

use std::sync::{Arc, Mutex, MutexGuard};

use e2e::{config, Reply, ReplyExt, Server};
use serde_json::json;
use snowball::blocking::Client;
use snowball::Protocol;

fn alone() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

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

/// The threads of this process (Linux; `None` elsewhere), and how many of them are
/// blocking clients' (named by the runtime): other tests' harness threads may still be
/// ending while this one counts, so the client's own are told apart by name.
fn threads() -> Option<(usize, usize)> {
    let mut all = 0;
    let mut ours = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let comm = std::fs::read_to_string(task.ok()?.path().join("comm")).unwrap_or_default();
        all += 1;
        ours += usize::from(comm.trim_end() == "awsrt-blocking");
    }
    Some((all, ours))
}

#[test]
fn one_background_thread_from_the_first_call_until_the_last_clone_drops() {
    let _alone = alone();
    let rt = server_runtime();
    let server = rt.block_on(Server::start(|_| usage_reply(Protocol::RpcV2Cbor)));
    // Without /proc (not Linux) there is nothing to count.
    let Some((all_before, ours_before)) = threads() else {
        return;
    };
    assert_eq!(ours_before, 0, "no awsrt-blocking thread left from before");
    let ours = || threads().map(|(_, ours)| ours);
    let client = Client::new(config(server.addr(), Protocol::RpcV2Cbor));
    assert_eq!(ours(), Some(0), "nothing starts before the first call");
    client.get_snowball_usage().send().expect("a call");
    let (all_during, _) = threads().unwrap_or_default();
    assert_eq!(ours(), Some(1), "one thread for the client");
    let clone = client.clone();
    clone
        .get_snowball_usage()
        .send()
        .expect("a call through a clone");
    let pages = clone.list_jobs().into_paginator();
    assert_eq!(ours(), Some(1), "clones share it");
    drop(client);
    assert_eq!(ours(), Some(1), "a clone still holds it");
    drop(clone);
    assert_eq!(ours(), Some(1), "a paginator holds it too");
    drop(pages);
    assert_eq!(ours(), Some(0), "the last drop joined the thread");
    let (all_after, _) = threads().unwrap_or_default();
    println!(
        "threads of the process: {all_before} before the first call, {all_during} during, \
         {all_after} after the last drop"
    );
    drop(server);
}

#[test]
fn the_callers_tracing_subscriber_sees_the_call() {
    use std::sync::Mutex;
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// Records the names of the spans opened on this thread's dispatcher.
    struct Spans(Mutex<Vec<String>>);
    impl Subscriber for Spans {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut names = self.0.lock().unwrap();
            names.push(span.metadata().name().to_owned());
            Id::from_u64(names.len() as u64)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, _: &Event<'_>) {}
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    let _alone = alone();
    let rt = server_runtime();
    let server = rt.block_on(Server::start(|_| usage_reply(Protocol::RpcV2Cbor)));
    let client = Client::new(config(server.addr(), Protocol::RpcV2Cbor));
    let spans = Arc::new(Spans(Mutex::new(Vec::new())));
    let out = tracing::subscriber::with_default(Arc::clone(&spans), || {
        client.get_snowball_usage().send()
    });
    assert_eq!(out.unwrap().snowball_limit, Some(7));
    let names = spans.0.lock().unwrap().clone();
    assert!(names.iter().any(|n| n == "call"), "{names:?}");
    drop(server);
    drop(rt);
}
