//! The engine of the generated crates' blocking clients (feature `blocking`): a
//! current-thread tokio runtime per client, shared by its clones, on which the calling
//! thread runs the very same async call (`Client::call`, `Paginator`) and waits. So
//! configuration, credentials, retries, timeouts, errors and tracing are the async
//! client's, and the caller's thread-local tracing subscriber sees the call's events.
//!
//! The caller drives the runtime itself while it waits (`Runtime::block_on`; with
//! several callers one drives and wakes the others), so a call costs what it costs on
//! an async runtime: handing every call to a background thread and back cost about
//! 20 µs more per call (two thread switches; see BENCHMARKS.md). One background thread
//! drives the runtime between calls, after a few milliseconds without a caller, so
//! pooled connections the server closes are noticed and spawned tasks progress, as on
//! an idle async runtime. Not a runtime per call: connections, cached credentials and
//! the retry quota live as long as the client. The runtime and its thread start on the
//! first call and end, joined, when the last clone is dropped.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use futures_core::Stream;
use tokio::runtime::Handle;

use crate::error::SdkError;
use crate::http::{TransportError, TransportErrorKind};
use crate::operation::{Operation, Paginated};
use crate::Client;

/// The name of the background thread and of its runtime's blocking-pool threads, as
/// `/proc/self/task/*/comm` and debuggers show it.
pub const THREAD_NAME: &str = "awsrt-blocking";

/// Why a blocking call could not run at all.
#[derive(Debug)]
pub enum BlockingError {
    /// Called from a thread that is inside a tokio runtime.
    InRuntime,
    /// The background runtime or its thread could not be started.
    Start(std::io::Error),
}

impl fmt::Display for BlockingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockingError::InRuntime => f.write_str(
                "the blocking client was called from inside an async runtime, where blocking \
                 the thread can deadlock the tasks it runs (tokio's spawn_blocking threads \
                 count as inside): use the async client and `.await` the call, or call the \
                 blocking client from a thread outside the runtime",
            ),
            BlockingError::Start(e) => {
                write!(
                    f,
                    "could not start the blocking client's runtime thread: {e}"
                )
            }
        }
    }
}

impl std::error::Error for BlockingError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BlockingError::InRuntime => None,
            BlockingError::Start(e) => Some(e),
        }
    }
}

impl BlockingError {
    /// The error `operation` returns: misuse is invalid input (nothing was sent); a
    /// thread that cannot start is a transport failure before connecting.
    pub fn into_sdk<E>(self, operation: &'static str) -> SdkError<E> {
        match self {
            BlockingError::InRuntime => SdkError::InvalidInput {
                operation,
                message: self.to_string(),
            },
            BlockingError::Start(_) => SdkError::Transport {
                operation,
                source: TransportError::with_context(
                    TransportErrorKind::Connect,
                    "could not start the blocking client's runtime thread",
                    Some(Box::new(self)),
                ),
                attempts: 0,
            },
        }
    }
}

/// The runtime of one blocking client; clones share it. Nothing starts until the first
/// [`Runner::block_on`]; the thread stops when the last clone is dropped.
#[derive(Clone, Default)]
pub struct Runner {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    started: Mutex<Option<Arc<Started>>>,
}

/// How long the runtime must have had no caller before the background thread drives it:
/// callers in a steady stream drive it themselves, so they never wait for this thread.
const IDLE: Duration = Duration::from_millis(5);

struct Started {
    runtime: Arc<tokio::runtime::Runtime>,
    /// Callers in `block_on`, when the last one left, and whether to stop.
    state: Mutex<State>,
    /// Wakes the background thread to stop.
    wake: Condvar,
    /// Tells the background thread to give the runtime up to an arriving caller.
    release: tokio::sync::Notify,
    thread: Mutex<Option<JoinHandle<()>>>,
    thread_id: ThreadId,
}

struct State {
    callers: usize,
    last_left: Instant,
    stop: bool,
}

impl Started {
    fn state(&self) -> MutexGuard<'_, State> {
        // Plain counters: a panic elsewhere cannot leave them half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The background thread: drives the runtime whenever no caller has for [`IDLE`],
    /// so connections the server closes and timers of spawned tasks are handled between
    /// calls too, as an async application's idle runtime would.
    fn background(&self) {
        loop {
            {
                let mut state = self.state();
                loop {
                    if state.stop {
                        return;
                    }
                    let idle = state.last_left.elapsed();
                    if state.callers == 0 && idle >= IDLE {
                        break;
                    }
                    // Callers do not signal their leaving (that would cost every call a
                    // thread switch): look again after at most `IDLE`.
                    let wait = if state.callers > 0 {
                        IDLE
                    } else {
                        IDLE.saturating_sub(idle).max(Duration::from_millis(1))
                    };
                    state = self
                        .wake
                        .wait_timeout(state, wait)
                        .map(|(s, _)| s)
                        .unwrap_or_else(|e| e.into_inner().0);
                }
            }
            // Returns, giving the runtime up, as soon as a caller arrives.
            self.runtime.block_on(self.release.notified());
        }
    }
}

/// Counts a caller in for the length of its `block_on`, also when its future panics.
struct Caller<'a>(&'a Started);

impl<'a> Caller<'a> {
    fn enter(started: &'a Started) -> Self {
        started.state().callers += 1;
        // Stored as a permit if the background thread is not driving right now.
        started.release.notify_one();
        Caller(started)
    }
}

impl Drop for Caller<'_> {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.callers -= 1;
        state.last_left = Instant::now();
    }
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let started = self
            .shared
            .started
            .lock()
            .map(|s| s.is_some())
            .unwrap_or(false);
        f.debug_struct("Runner").field("started", &started).finish()
    }
}

impl Runner {
    /// A runner whose thread is not started yet.
    pub fn new() -> Self {
        Runner::default()
    }

    /// The id of the background thread, once started.
    pub fn thread_id(&self) -> Option<ThreadId> {
        self.lock().as_ref().map(|s| s.thread_id)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Arc<Started>>> {
        // The guarded value is only ever replaced whole, so a poisoned lock still holds a
        // consistent one.
        self.shared
            .started
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The runtime and its thread, started on first use.
    fn started(&self) -> Result<Arc<Started>, BlockingError> {
        let mut slot = self.lock();
        if let Some(s) = slot.as_ref() {
            return Ok(Arc::clone(s));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            // Its blocking-pool threads (DNS lookups) carry the name too, so a count of
            // the client's threads finds them all.
            .thread_name(THREAD_NAME)
            .build()
            .map_err(BlockingError::Start)?;
        let (tx, rx) = std::sync::mpsc::channel::<Arc<Started>>();
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || {
                if let Ok(started) = rx.recv() {
                    started.background();
                }
            })
            .map_err(BlockingError::Start)?;
        let started = Arc::new(Started {
            runtime: Arc::new(runtime),
            state: Mutex::new(State {
                callers: 0,
                last_left: Instant::now(),
                stop: false,
            }),
            wake: Condvar::new(),
            release: tokio::sync::Notify::new(),
            thread_id: thread.thread().id(),
            thread: Mutex::new(Some(thread)),
        });
        // The thread holds the runtime too; if it is gone, callers still drive it.
        let _ = tx.send(Arc::clone(&started));
        *slot = Some(Arc::clone(&started));
        Ok(started)
    }

    /// Runs `fut` to completion on this client's runtime, blocking the current thread.
    /// Fails without running it when the current thread is inside a tokio runtime.
    ///
    /// The calling thread drives the runtime itself while it waits (one caller at a
    /// time; the others are woken by it), so a call costs what it costs on an async
    /// runtime; the background thread takes over only after [`IDLE`] without a caller.
    pub fn block_on<F: Future>(&self, fut: F) -> Result<F::Output, BlockingError> {
        let mut out = None;
        {
            let fut = std::pin::pin!(async {
                out = Some(fut.await);
            });
            self.block_on_dyn(fut)?;
        }
        // `block_on_dyn` returns `Ok` only once the future has completed and set it.
        out.ok_or_else(|| BlockingError::Start(std::io::Error::other("the call did not finish")))
    }

    /// [`Runner::block_on`] for one future type, so tokio's `block_on` is compiled once
    /// rather than once per operation: that had doubled the release build time of a
    /// generated crate.
    fn block_on_dyn(&self, fut: Pin<&mut dyn Future<Output = ()>>) -> Result<(), BlockingError> {
        // Blocking a runtime's thread could deadlock whatever that runtime must run for
        // the call to finish (a local server, a custom transport); and tokio panics in
        // `block_on` there. Tokio offers no non-panicking way to tell a `spawn_blocking`
        // thread from a worker, so both are refused.
        if Handle::try_current().is_ok() {
            return Err(BlockingError::InRuntime);
        }
        let started = self.started()?;
        let _caller = Caller::enter(&started);
        started.runtime.block_on(fut);
        Ok(())
    }

    /// Sends one operation through `client` and waits for its result.
    pub fn call<O: Operation>(
        &self,
        client: &Client,
        input: &O,
    ) -> Result<O::Output, SdkError<O::Error>> {
        self.block_on(client.call(input))
            .unwrap_or_else(|e| Err(e.into_sdk(O::NAME)))
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        let started = self
            .started
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(started) = started else { return };
        started.state().stop = true;
        started.wake.notify_one();
        started.release.notify_one();
        let thread = started
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // A drop on the background thread itself (by a task) must not join itself.
        if let Some(t) = thread {
            if t.thread().id() != std::thread::current().id() {
                let _ = t.join();
            }
        }
        // The runtime goes with the last handle, which this now is. Tokio panics when a
        // runtime is dropped inside an async context, where this drop may run: there it
        // is dropped on a thread of its own (which joins its blocking-pool threads).
        if Handle::try_current().is_err() {
            return drop(started);
        }
        let cell = Arc::new(Mutex::new(Some(started)));
        let theirs = Arc::clone(&cell);
        let dropper = std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || drop(theirs.lock().map(|mut s| s.take())));
        match dropper {
            Ok(t) => {
                let _ = t.join();
            }
            // No thread to drop it on: leaking the runtime beats panicking.
            Err(_) => std::mem::forget(cell.lock().map(|mut s| s.take())),
        }
    }
}

/// The pages of a paginated operation, fetched as the iterator is read, with the async
/// [`crate::Paginator`]'s rules: stops on an absent or empty token, yields an error and
/// ends when the service repeats a token or a page fails.
pub struct Paginator<O: Paginated> {
    runner: Runner,
    pages: crate::Paginator<O>,
    done: bool,
}

impl<O: Paginated> Paginator<O> {
    /// Pages `input` through `client` on `runner`'s runtime.
    // Hidden: generated `into_paginator` methods build it.
    #[doc(hidden)]
    pub fn new(runner: Runner, client: Client, input: O) -> Self {
        Paginator {
            runner,
            pages: crate::Paginator::new(client, input),
            done: false,
        }
    }

    /// Sets the number of results per page (the operation's limit key).
    pub fn page_size(mut self, size: i32) -> Self {
        self.pages = self.pages.page_size(size);
        self
    }

    /// The result items of every page.
    pub fn items(self) -> Items<O> {
        Items {
            runner: self.runner,
            items: self.pages.items(),
            done: self.done,
        }
    }
}

impl<O: Paginated> fmt::Debug for Paginator<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &O::NAME)
            .field("done", &self.done)
            .finish()
    }
}

impl<O: Paginated> Iterator for Paginator<O> {
    type Item = Result<O::Output, SdkError<O::Error>>;

    fn next(&mut self) -> Option<Self::Item> {
        next_blocking::<O, _, _>(&self.runner, &mut self.pages, &mut self.done)
    }
}

/// The result items of every page of a paginated operation; see [`Paginator`].
pub struct Items<O: Paginated> {
    runner: Runner,
    items: crate::Items<O>,
    done: bool,
}

impl<O: Paginated> fmt::Debug for Items<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("operation", &O::NAME)
            .field("done", &self.done)
            .finish()
    }
}

impl<O: Paginated> Iterator for Items<O> {
    type Item = Result<O::Item, SdkError<O::Error>>;

    fn next(&mut self) -> Option<Self::Item> {
        next_blocking::<O, _, _>(&self.runner, &mut self.items, &mut self.done)
    }
}

/// The next element of `stream`, waited for on `runner`; a refused wait is the last one.
fn next_blocking<O, S, T>(
    runner: &Runner,
    stream: &mut S,
    done: &mut bool,
) -> Option<Result<T, SdkError<O::Error>>>
where
    O: Paginated,
    S: Stream<Item = Result<T, SdkError<O::Error>>> + Unpin,
{
    if *done {
        return None;
    }
    let next = std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx));
    match runner.block_on(next) {
        Ok(item) => item,
        Err(e) => {
            *done = true;
            Some(Err(e.into_sdk(O::NAME)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_lazily_and_runs_futures_with_timers() {
        let runner = Runner::new();
        assert!(runner.thread_id().is_none(), "nothing starts before a call");
        let got = runner
            .block_on(async {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                tokio::spawn(async { 40 }).await.map(|v| v + 2)
            })
            .expect("runs outside a runtime");
        assert_eq!(got.ok(), Some(42));
        let id = runner.thread_id().expect("started");
        assert_ne!(id, std::thread::current().id());
        assert_eq!(
            runner.clone().thread_id(),
            Some(id),
            "clones share the thread"
        );
    }

    #[test]
    fn the_thread_ends_when_the_last_clone_drops() {
        let runner = Runner::new();
        runner.block_on(async {}).expect("runs");
        let other = runner.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        // The background thread reports its own end through a task it runs.
        runner
            .block_on(async move {
                struct OnDrop(std::sync::mpsc::Sender<()>);
                impl Drop for OnDrop {
                    fn drop(&mut self) {
                        let _ = self.0.send(());
                    }
                }
                let guard = OnDrop(tx);
                tokio::spawn(async move {
                    let _guard = guard;
                    std::future::pending::<()>().await
                });
            })
            .expect("runs");
        drop(runner);
        assert!(rx.try_recv().is_err(), "a clone still holds the runtime");
        drop(other);
        // Dropping the last clone joined the thread, whose runtime dropped the task.
        assert_eq!(rx.try_recv(), Ok(()));
    }

    #[test]
    fn inside_a_runtime_it_fails_instead_of_blocking() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let runner = Runner::new();
        let err = rt
            .block_on(async { runner.block_on(async { 1 }) })
            .expect_err("refused inside a runtime");
        assert!(matches!(err, BlockingError::InRuntime), "{err:?}");
        assert!(err.to_string().contains("use the async client"), "{err}");
        assert!(runner.thread_id().is_none(), "nothing was started");
        let sdk: SdkError<()> = err.into_sdk("ListJobs");
        assert!(matches!(sdk, SdkError::InvalidInput { .. }), "{sdk:?}");
        assert_eq!(sdk.operation(), "ListJobs");
        // From a plain thread the same runner works.
        assert_eq!(runner.block_on(async { 1 }).ok(), Some(1));
    }
}
