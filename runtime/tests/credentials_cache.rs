//! The credentials cache against a scripted provider on a paused tokio clock: a provider
//! that hangs, fails, panics or returns short-lived or expired credentials never hangs a
//! caller, is called at most once per refresh interval, and expired credentials never come
//! out of the cache.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use awsrt::internal::credentials::{
    Credentials, CredentialsCache, CredentialsError, ProvideCredentials,
};
use awsrt::BoxFuture;
use tokio::time::Instant;

/// What the provider does on its next call.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// Credentials valid for this long.
    Ok(Duration),
    /// Credentials that expired a second ago.
    Expired,
    /// An error after this delay (an IMDS outage: each call waits for its timeout).
    Fail(Duration),
    /// Never answers.
    Hang,
    /// Panics.
    Panic,
}

/// Wall-clock time that follows tokio's (paused) clock, as the cache's does.
#[derive(Debug)]
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
        self.sys + self.at.elapsed()
    }
}

#[derive(Debug)]
struct Fake {
    mode: Mutex<Mode>,
    calls: AtomicUsize,
    clock: Clock,
}

impl Fake {
    fn new(mode: Mode) -> Arc<Self> {
        Arc::new(Fake {
            mode: Mutex::new(mode),
            calls: AtomicUsize::new(0),
            clock: Clock::new(),
        })
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Fake {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let mode = *self.mode.lock().unwrap();
        let now = self.clock.now();
        Box::pin(async move {
            let creds = |expiry| {
                Ok(
                    Credentials::new(format!("K{n}"), "secret", Some("token".into()))
                        .with_expiry(Some(expiry)),
                )
            };
            match mode {
                Mode::Ok(life) => creds(now + life),
                Mode::Expired => creds(now - Duration::from_secs(1)),
                Mode::Fail(delay) => {
                    tokio::time::sleep(delay).await;
                    Err(CredentialsError::Failed(
                        "metadata service unreachable".into(),
                    ))
                }
                Mode::Hang => std::future::pending().await,
                Mode::Panic => panic!("provider bug"),
            }
        })
    }
}

/// `cache.get()`, failing the test instead of hanging if it takes over 10 virtual minutes.
async fn get(cache: &CredentialsCache) -> Result<Credentials, CredentialsError> {
    tokio::time::timeout(Duration::from_secs(600), cache.get())
        .await
        .expect("the cache hung")
}

#[tokio::test(start_paused = true)]
async fn a_hanging_provider_fails_after_the_load_timeout() {
    let fake = Fake::new(Mode::Hang);
    let cache = CredentialsCache::from_arc(fake.clone());
    let start = Instant::now();
    let err = get(&cache).await.unwrap_err();
    assert_eq!(start.elapsed(), Duration::from_secs(30), "{err}");
    assert!(err.message().contains("30s"), "{err}");
    // Within the backoff the error comes back at once, without calling the provider.
    let again = Instant::now();
    assert_eq!(get(&cache).await.unwrap_err(), err);
    assert_eq!(again.elapsed(), Duration::ZERO);
    assert_eq!(fake.calls(), 1);
    // After it, the provider is asked again.
    tokio::time::sleep(Duration::from_secs(10)).await;
    fake.set(Mode::Ok(Duration::from_secs(3600)));
    assert_eq!(get(&cache).await.unwrap().access_key_id(), "K1");
    assert_eq!(fake.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn the_load_timeout_and_the_interval_are_settings() {
    let fake = Fake::new(Mode::Hang);
    let cache = CredentialsCache::from_arc(fake.clone())
        .with_load_timeout(Duration::from_secs(2))
        .with_min_refresh_interval(Duration::from_secs(1));
    let start = Instant::now();
    assert!(get(&cache).await.is_err());
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(get(&cache).await.is_err());
    assert_eq!(fake.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_failing_refresh_keeps_valid_credentials_for_64_concurrent_calls() {
    // Four minutes left: inside the refresh window, so the next call wants a refresh.
    let fake = Fake::new(Mode::Ok(Duration::from_secs(240)));
    let cache = Arc::new(CredentialsCache::from_arc(fake.clone()));
    assert_eq!(get(&cache).await.unwrap().access_key_id(), "K0");
    tokio::time::sleep(Duration::from_secs(11)).await;
    // The metadata service is down: each call to it takes a second to fail.
    fake.set(Mode::Fail(Duration::from_secs(1)));
    let burst = |cache: Arc<CredentialsCache>| async move {
        let start = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..64 {
            let cache = cache.clone();
            set.spawn(async move { get(&cache).await });
        }
        while let Some(r) = set.join_next().await {
            assert_eq!(r.unwrap().unwrap().access_key_id(), "K0");
        }
        start.elapsed()
    };
    let waited = burst(cache.clone()).await;
    eprintln!("64 concurrent calls, failing refresh: waited {waited:?}");
    assert!(waited <= Duration::from_secs(1), "waited {waited:?}");
    // Let the refresh finish, then another burst: still within the backoff.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let waited = burst(cache.clone()).await;
    assert!(waited <= Duration::from_secs(1), "waited {waited:?}");
    assert_eq!(fake.calls(), 2, "provider calls");
    // After the backoff, one more attempt.
    tokio::time::sleep(Duration::from_secs(10)).await;
    burst(cache.clone()).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(fake.calls(), 3, "provider calls");
}

#[tokio::test(start_paused = true)]
async fn short_lived_credentials_load_once_per_interval_over_1000_calls() {
    // Two minutes of life: always inside the five-minute refresh window.
    let fake = Fake::new(Mode::Ok(Duration::from_secs(120)));
    let cache = CredentialsCache::from_arc(fake.clone());
    for _ in 0..1000 {
        let c = get(&cache).await.unwrap();
        assert!(
            c.expiry().unwrap() > fake.clock.now(),
            "expired credentials"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("1000 calls over 100 s: {} provider calls", fake.calls());
    // 100 s of calls, one load per 10 s interval.
    assert!(fake.calls() <= 11, "{} provider calls", fake.calls());
}

#[tokio::test(start_paused = true)]
async fn expired_credentials_never_come_out() {
    let fake = Fake::new(Mode::Expired);
    let cache = CredentialsCache::from_arc(fake.clone());
    let err = get(&cache).await.unwrap_err();
    assert!(err.message().contains("expired"), "{err}");
    // Five seconds of life, then the provider is down: after they expire they are not
    // handed out, whether the backoff is running or a refresh failed.
    tokio::time::sleep(Duration::from_secs(10)).await;
    fake.set(Mode::Ok(Duration::from_secs(5)));
    assert_eq!(get(&cache).await.unwrap().access_key_id(), "K1");
    fake.set(Mode::Fail(Duration::ZERO));
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(get(&cache).await.is_err());
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(get(&cache).await.is_err());
    assert_eq!(fake.calls(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_provider_is_an_error() {
    let fake = Fake::new(Mode::Panic);
    let cache = CredentialsCache::from_arc(fake.clone());
    let err = get(&cache).await.unwrap_err();
    assert!(err.message().contains("panicked"), "{err}");
    tokio::time::sleep(Duration::from_secs(10)).await;
    fake.set(Mode::Ok(Duration::from_secs(3600)));
    assert_eq!(get(&cache).await.unwrap().access_key_id(), "K1");
}

#[tokio::test(start_paused = true)]
async fn fresh_credentials_are_reused_and_concurrent_first_loads_share_one_call() {
    let fake = Fake::new(Mode::Ok(Duration::from_secs(3600)));
    let cache = CredentialsCache::from_arc(fake.clone());
    let (a, b, c) = tokio::join!(get(&cache), get(&cache), get(&cache));
    assert_eq!(a.unwrap(), b.unwrap());
    assert_eq!(c.unwrap().access_key_id(), "K0");
    tokio::time::sleep(Duration::from_secs(3000)).await;
    assert_eq!(get(&cache).await.unwrap().access_key_id(), "K0");
    assert_eq!(fake.calls(), 1);
    // Inside the refresh window: a new load.
    tokio::time::sleep(Duration::from_secs(400)).await;
    assert_eq!(get(&cache).await.unwrap().access_key_id(), "K1");
}
