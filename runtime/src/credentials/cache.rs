//! Caches a provider's credentials and refreshes them before they expire. One load runs
//! at a time, as its own task under a timeout, and no lock is held while it runs: a
//! provider that hangs or fails delays callers by a bounded time, never forever, and is
//! not called again before a minimum interval.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::time::Instant;

use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::BoxFuture;

/// Credentials expiring within this window are refreshed before use (smithy-rs uses
/// a few seconds, botocore 10 to 15 minutes; this sits between).
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// How long one provider call may take by default (smithy-rs: 5 s; ours leaves room
/// for `credential_process`, whose own limit is 20 s, and for STS behind a slow proxy).
pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// The default minimum time between two provider calls after a failed load or one that
/// returned credentials already inside the refresh window.
pub const DEFAULT_MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

/// How long a caller that still holds valid credentials waits for a refresh in flight
/// before using them (the refresh goes on in the background).
const WAIT_WHILE_VALID: Duration = Duration::from_secs(5);

/// What a load ends with, as waiters see it.
type Outcome = Option<Result<Credentials, CredentialsError>>;

/// A caching wrapper: the first call loads, later calls reuse the credentials until they
/// are within five minutes of expiring. A load runs as its own task, bounded by the load
/// timeout; callers arriving meanwhile wait for its result instead of starting their own
/// (callers that still hold valid credentials wait at most five seconds, then use them).
/// After a failed load, or one whose credentials already expire within the window, the
/// provider is not called again before the minimum refresh interval: meanwhile callers
/// get the unexpired credentials, or the last error. Expired credentials are never
/// returned.
pub struct CredentialsCache {
    provider: Arc<dyn ProvideCredentials>,
    state: Arc<Mutex<State>>,
    settings: Settings,
    clock: Clock,
}

#[derive(Clone, Copy)]
struct Settings {
    buffer: Duration,
    load_timeout: Duration,
    min_interval: Duration,
}

#[derive(Default)]
struct State {
    cached: Option<Credentials>,
    /// The last load's error, while the provider is not to be called again.
    error: Option<CredentialsError>,
    /// No load starts before this.
    next_load: Option<Instant>,
    /// The load in flight.
    loading: Option<watch::Receiver<Outcome>>,
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The cached credentials and errors stay out: only the shape of the cache.
        f.debug_struct("CredentialsCache")
            .field("provider", &self.provider)
            .field("load_timeout", &self.settings.load_timeout)
            .field("min_refresh_interval", &self.settings.min_interval)
            .finish_non_exhaustive()
    }
}

impl CredentialsCache {
    /// Caches `provider`.
    pub fn new(provider: impl ProvideCredentials) -> Self {
        Self::from_arc(Arc::new(provider))
    }

    /// Caches a shared provider.
    pub fn from_arc(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsCache {
            provider,
            state: Arc::default(),
            settings: Settings {
                buffer: REFRESH_BEFORE_EXPIRY,
                load_timeout: DEFAULT_LOAD_TIMEOUT,
                min_interval: DEFAULT_MIN_REFRESH_INTERVAL,
            },
            clock: Clock::new(),
        }
    }

    /// How long one provider call may take before it is abandoned as failed (default
    /// 30 s).
    pub fn with_load_timeout(mut self, timeout: Duration) -> Self {
        self.settings.load_timeout = timeout;
        self
    }

    /// The minimum time between provider calls after a failed load or one returning
    /// credentials that already expire within the refresh window (default 10 s).
    pub fn with_min_refresh_interval(mut self, interval: Duration) -> Self {
        self.settings.min_interval = interval;
        self
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Current credentials, loading or refreshing them if needed.
    pub async fn get(&self) -> Result<Credentials, CredentialsError> {
        let now = self.clock.now();
        let (mut rx, valid) = {
            let mut st = self.lock();
            if let Some(c) = &st.cached {
                if c.expiry()
                    .is_none_or(|e| Some(e) > now.checked_add(self.settings.buffer))
                {
                    return Ok(c.clone());
                }
            }
            let valid = st.cached.as_ref().is_some_and(|c| unexpired(c, now));
            let rx = match &st.loading {
                Some(rx) => rx.clone(),
                None if st.next_load.is_some_and(|t| Instant::now() < t) => {
                    return fallback(&st, now, None);
                }
                None => self.start(&mut st),
            };
            (rx, valid)
        };
        let wait = async {
            match rx.wait_for(Option::is_some).await {
                Ok(outcome) => outcome.clone(),
                // The load task is gone without a word (its runtime shut down).
                Err(_) => None,
            }
        };
        let outcome = if valid {
            tokio::time::timeout(WAIT_WHILE_VALID, wait)
                .await
                .ok()
                .flatten()
        } else {
            wait.await
        };
        match outcome {
            Some(Ok(c)) => Ok(c),
            Some(Err(e)) => fallback(&self.lock(), self.clock.now(), Some(e)),
            None => fallback(&self.lock(), self.clock.now(), None),
        }
    }

    /// Starts a load as its own task, so that a caller giving up (its operation timed
    /// out) neither cancels it for the others nor leaves it half done.
    fn start(&self, st: &mut State) -> watch::Receiver<Outcome> {
        let (tx, rx) = watch::channel(None);
        st.loading = Some(rx.clone());
        let finish = Finish {
            state: self.state.clone(),
            settings: self.settings,
            clock: self.clock,
            tx,
            result: None,
        };
        let provider = self.provider.clone();
        let timeout = self.settings.load_timeout;
        tokio::spawn(async move {
            let result = match tokio::time::timeout(timeout, provider.provide()).await {
                Ok(r) => r,
                Err(_) => Err(CredentialsError::Failed(format!(
                    "the credentials provider gave no answer within {}s",
                    timeout.as_secs_f64()
                ))),
            };
            finish.done(result);
        });
        rx
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.get())
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // The state is consistent after every statement, so a poisoned lock is still usable.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn unexpired(c: &Credentials, now: SystemTime) -> bool {
    c.expiry().is_none_or(|e| e > now)
}

/// What a caller gets when no load is to be waited for: the cached credentials while
/// they have not expired, else the load's error.
fn fallback(
    st: &State,
    now: SystemTime,
    error: Option<CredentialsError>,
) -> Result<Credentials, CredentialsError> {
    match &st.cached {
        Some(c) if unexpired(c, now) => {
            if let Some(e) = error.as_ref().or(st.error.as_ref()) {
                tracing::debug!(error = %e, "credentials refresh failed; using the unexpired ones");
            }
            Ok(c.clone())
        }
        _ => Err(error.or_else(|| st.error.clone()).unwrap_or_else(|| {
            let wait = st.next_load.map_or(Duration::ZERO, |t| {
                t.saturating_duration_since(Instant::now())
            });
            CredentialsError::Failed(format!(
                "the credentials have expired and the provider is asked again in {}s \
                 (the credentials it returns last less than the minimum refresh interval)",
                wait.as_secs()
            ))
        })),
    }
}

/// Records a load's result when its task ends, also when the provider panicked (the
/// drop runs while unwinding), and wakes the waiters.
struct Finish {
    state: Arc<Mutex<State>>,
    settings: Settings,
    clock: Clock,
    tx: watch::Sender<Outcome>,
    result: Option<Result<Credentials, CredentialsError>>,
}

impl Finish {
    /// Records the load's result and ends the load.
    fn done(mut self, result: Result<Credentials, CredentialsError>) {
        self.result = Some(result);
    }
}

impl Drop for Finish {
    fn drop(&mut self) {
        let now = self.clock.now();
        let result = match self.result.take() {
            Some(Ok(c)) if !unexpired(&c, now) => Err(CredentialsError::Failed(
                "the credentials provider returned expired credentials".into(),
            )),
            Some(r) => r,
            None => Err(CredentialsError::Failed(
                "the credentials provider panicked or its runtime shut down".into(),
            )),
        };
        let start = Instant::now();
        // An interval too long for the clock: a year is as good as forever here.
        let backoff = start
            .checked_add(self.settings.min_interval)
            .or_else(|| start.checked_add(Duration::from_secs(365 * 24 * 3600)));
        {
            let mut st = lock(&self.state);
            st.loading = None;
            match &result {
                Ok(c) => {
                    st.cached = Some(c.clone());
                    st.error = None;
                    // Short-lived credentials: refreshing on every call would call the
                    // provider once per call.
                    let short = c
                        .expiry()
                        .is_some_and(|e| Some(e) <= now.checked_add(self.settings.buffer));
                    st.next_load = if short { backoff } else { None };
                }
                Err(e) => {
                    tracing::warn!(error = %e, "credentials load failed");
                    st.error = Some(e.clone());
                    st.next_load = backoff;
                }
            }
        }
        self.tx.send_replace(Some(result));
    }
}

/// Wall-clock time for expiry checks that also follows tokio's clock, so tests on a
/// paused clock see credentials expire. The later of the system time and the start time
/// plus tokio's elapsed time: after a suspend the system time is ahead (the monotonic
/// clock stood still), and a system clock set back does not make credentials fresh again.
#[derive(Clone, Copy)]
struct Clock {
    sys: SystemTime,
    at: Instant,
}

impl Clock {
    fn new() -> Self {
        Clock {
            sys: SystemTime::now(),
            at: Instant::now(),
        }
    }

    fn now(&self) -> SystemTime {
        let sys = SystemTime::now();
        match self.sys.checked_add(self.at.elapsed()) {
            Some(t) if t > sys => t,
            _ => sys,
        }
    }
}
