//! Retries, timeouts and clock-skew correction (aws-behaviors.md section 5).
//!
//! Every call runs an attempt loop: each attempt is re-signed (fresh `X-Amz-Date`, plus
//! any clock-skew offset), carries the call's `amz-sdk-invocation-id` and
//! `amz-sdk-request: attempt=N; max=M`, and is bounded by the attempt timeout; the whole
//! loop, backoff included, is bounded by the operation timeout.
//!
//! - **standard** (the default, as in smithy-rs and the SDKs' `standard` defaults mode):
//!   3 attempts; delay `rand[0,1) × min(base × 2^(n−1), 20 s)` with base 1 s; a retry
//!   quota of 500 tokens per client (a retry costs 5, or 10 after a timeout; a success
//!   refunds 1, or the last cost after retries); no tokens left means no retry.
//! - **adaptive**: standard plus botocore's CUBIC client-side rate limiter, switched on by
//!   the first throttling error; a send token is taken before every attempt.
//! - **legacy**: botocore's `_retry.json`: 5 attempts, `rand × 2^(n−1)` s, no quota, and
//!   HTTP 429 and 509 are retried too.
//!
//! Retried: connection errors and timeouts, HTTP 500/502/503/504, the transient codes
//! `RequestTimeout`, `RequestTimeoutException`, `PriorRequestNotComplete`, and the
//! throttling codes in [`THROTTLING_CODES`] (matched exactly). A clock-skew error
//! (`RequestTimeTooSkewed`, ...) whose response `Date` is 5 minutes or more away from
//! the local clock corrects the client's clock offset and is retried.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::time::Instant;

use crate::error::SdkError;
use crate::http::{Transport, TransportErrorKind};
use crate::operation::Operation;
use crate::protocol::Protocol;
use crate::sigv4::{Signer, SigningParams};
use crate::wire;

/// The default connect timeout (TCP + TLS), as the SDKs' `standard` defaults mode.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// The default limit on one attempt: sending the request and reading the whole
/// response (botocore's read timeout is 60 s per socket read).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default limit on a whole call, all attempts and backoff included.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(300);
/// The default backoff base.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_secs(1);
/// The cap on one backoff delay before jitter.
pub const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// Error codes that mean "slow down", in botocore and smithy-rs alike.
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes that are transient (botocore standard mode).
pub const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];

/// HTTP statuses that are transient.
pub const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// Error codes that mean the request's signing time was off (JS v3, smithy-rs).
pub const CLOCK_SKEW_CODES: &[&str] = &[
    "AuthFailure",
    "InvalidSignatureException",
    "RequestExpired",
    "RequestInTheFuture",
    "RequestTimeTooSkewed",
    "SignatureDoesNotMatch",
];

/// A gap between the response `Date` and the local clock this large is corrected.
const SKEW_THRESHOLD: Duration = Duration::from_secs(300);

/// Retry quota: capacity, cost of a retry, cost after a timeout, refund on success.
const QUOTA_CAPACITY: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
const NO_RETRY_INCREMENT: u32 = 1;

pub(crate) use crate::shared_config::RetryMode;

/// Retry and timeout settings as configured; `None` means "from the shared config, else
/// the default".
#[derive(Clone, Debug, Default)]
pub(crate) struct RetrySettings {
    pub(crate) mode: Option<RetryMode>,
    pub(crate) max_attempts: Option<u32>,
    pub(crate) initial_backoff: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
}

impl RetrySettings {
    /// The connect timeout for the default transport.
    pub(crate) fn connect_timeout(&self) -> Duration {
        self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT)
    }

    /// The policy for one call; `shared` gives `max_attempts` and `retry_mode` from the
    /// environment and profile when not set in code.
    pub(crate) fn policy(&self, shared_mode: Option<RetryMode>, shared_max: Option<u32>) -> Policy {
        let mode = self.mode.or(shared_mode).unwrap_or_default();
        let default_max = match mode {
            RetryMode::Legacy => 5,
            _ => 3,
        };
        Policy {
            mode,
            max_attempts: self
                .max_attempts
                .or(shared_max)
                .unwrap_or(default_max)
                .max(1),
            initial_backoff: self.initial_backoff.unwrap_or(DEFAULT_INITIAL_BACKOFF),
            attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
            operation_timeout: self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT),
        }
    }
}

/// The resolved settings of one call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    pub(crate) mode: RetryMode,
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) operation_timeout: Duration,
}

/// Why a failed attempt may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retryable {
    /// A throttling error code (feeds the adaptive rate limiter).
    Throttling,
    /// A transient error: 5xx, connection error, transient code, corrected clock skew.
    Transient,
    /// A timeout (connect or attempt): costs more quota.
    Timeout,
}

/// Whether `err` may be retried in `mode`.
pub(crate) fn classify<E>(err: &SdkError<E>, mode: RetryMode) -> Option<Retryable> {
    match err {
        SdkError::Service { error, .. } => classify_code(&error.meta.code, error.meta.status, mode),
        SdkError::Response { status, .. } => {
            let legacy_extra = mode == RetryMode::Legacy && matches!(status, 429 | 509);
            (TRANSIENT_STATUSES.contains(status) || legacy_extra).then_some(Retryable::Transient)
        }
        SdkError::Transport { source, .. } => match source.kind() {
            TransportErrorKind::Connect | TransportErrorKind::Io | TransportErrorKind::Tls => {
                Some(Retryable::Transient)
            }
            TransportErrorKind::Timeout => Some(Retryable::Timeout),
            _ => None,
        },
        SdkError::Timeout { which, .. } if *which == ATTEMPT => Some(Retryable::Timeout),
        _ => None,
    }
}

/// Classification of a service error by its code and status.
pub(crate) fn classify_code(code: &str, status: u16, mode: RetryMode) -> Option<Retryable> {
    if THROTTLING_CODES.contains(&code) {
        return Some(Retryable::Throttling);
    }
    if mode == RetryMode::Legacy && matches!(status, 429 | 509) {
        return Some(Retryable::Throttling);
    }
    if TRANSIENT_CODES.contains(&code) || TRANSIENT_STATUSES.contains(&status) {
        return Some(Retryable::Transient);
    }
    None
}

/// The `which` of an attempt timeout.
pub(crate) const ATTEMPT: &str = "attempt";
/// The `which` of an operation timeout.
pub(crate) const OPERATION: &str = "operation";

/// A uniform random number in `[0, 1)` from the OS source.
fn jitter() -> f64 {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 8];
    if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
        return 0.5;
    }
    // 53 random bits, as a fraction.
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// The delay before the retry that follows failed attempt `attempt` (1-based).
pub(crate) fn backoff(policy: &Policy, attempt: u32, rand: f64) -> Duration {
    let exp = 2f64.powi(attempt.saturating_sub(1).min(62) as i32);
    let base = policy.initial_backoff.as_secs_f64() * exp;
    let capped = base.min(MAX_BACKOFF.as_secs_f64());
    Duration::try_from_secs_f64(rand.clamp(0.0, 1.0) * capped).unwrap_or(MAX_BACKOFF)
}

/// The per-client retry state: the retry quota, the adaptive rate limiter and the clock
/// offset learned from responses.
#[derive(Debug)]
pub(crate) struct RetryState {
    quota: Mutex<u32>,
    limiter: Mutex<RateLimiter>,
    /// Server time minus local time, in milliseconds.
    skew_ms: Mutex<i64>,
}

impl Default for RetryState {
    fn default() -> Self {
        RetryState {
            quota: Mutex::new(QUOTA_CAPACITY),
            limiter: Mutex::new(RateLimiter::new(Instant::now())),
            skew_ms: Mutex::new(0),
        }
    }
}

impl RetryState {
    /// Takes the quota for a retry; `None` when the bucket is too low.
    pub(crate) fn acquire(&self, why: Retryable) -> Option<u32> {
        let cost = if why == Retryable::Timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        let mut q = self.quota.lock().unwrap_or_else(PoisonError::into_inner);
        if *q < cost {
            return None;
        }
        *q -= cost;
        Some(cost)
    }

    /// Refunds after a success: the last retry's cost, or 1 without retries.
    pub(crate) fn release(&self, last_cost: Option<u32>) {
        let mut q = self.quota.lock().unwrap_or_else(PoisonError::into_inner);
        *q = (*q + last_cost.unwrap_or(NO_RETRY_INCREMENT)).min(QUOTA_CAPACITY);
    }

    /// The tokens left in the retry quota.
    #[cfg(test)]
    pub(crate) fn quota(&self) -> u32 {
        *self.quota.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The signing time: the local clock plus the learned offset.
    pub(crate) fn signing_time(&self) -> SystemTime {
        let skew = *self.skew_ms.lock().unwrap_or_else(PoisonError::into_inner);
        let now = SystemTime::now();
        let d = Duration::from_millis(skew.unsigned_abs());
        let t = if skew >= 0 {
            now.checked_add(d)
        } else {
            now.checked_sub(d)
        };
        t.unwrap_or(now)
    }

    /// Learns the clock offset from a response `Date`; true when it changed.
    pub(crate) fn observe_date(&self, date: Option<&http::HeaderValue>) -> bool {
        let Some(server) = date
            .and_then(|v| v.to_str().ok())
            .and_then(|s| crate::DateTime::parse_http_date(s).ok())
            .and_then(|d| d.to_system_time())
        else {
            return false;
        };
        let now = SystemTime::now();
        let gap_ms: i64 = match server.duration_since(now) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
        };
        let mut skew = self.skew_ms.lock().unwrap_or_else(PoisonError::into_inner);
        let off_by = gap_ms.saturating_sub(*skew).unsigned_abs();
        let threshold = SKEW_THRESHOLD.as_millis() as u64;
        if off_by >= threshold {
            // A server within the threshold of the local clock needs no offset.
            *skew = if gap_ms.unsigned_abs() >= threshold {
                gap_ms
            } else {
                0
            };
            tracing::debug!(
                offset_ms = *skew,
                "corrected the clock offset from the response Date"
            );
            return true;
        }
        false
    }

    /// Waits for a send token when the adaptive limiter is on.
    async fn before_send(&self) {
        loop {
            let wait = {
                let mut l = self.limiter.lock().unwrap_or_else(PoisonError::into_inner);
                l.try_acquire(Instant::now())
            };
            match wait {
                None => return,
                Some(d) => tokio::time::sleep(d).await,
            }
        }
    }

    fn after_response(&self, throttled: bool) {
        let mut l = self.limiter.lock().unwrap_or_else(PoisonError::into_inner);
        l.update(throttled, Instant::now());
    }
}

/// botocore's adaptive `ClientRateLimiter`: a CUBIC rate calculator, a measured-rate
/// clock and a send-token bucket.
#[derive(Debug)]
struct RateLimiter {
    start: Instant,
    enabled: bool,
    // Token bucket.
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last_refill: Option<f64>,
    // CUBIC.
    w_max: f64,
    k: f64,
    last_fail: f64,
    // Rate clock.
    measured_rate: f64,
    last_bucket: f64,
    count: f64,
}

const MIN_FILL_RATE: f64 = 0.5;
const BETA: f64 = 0.7;
const SCALE_CONSTANT: f64 = 0.4;
const SMOOTHING: f64 = 0.8;
const TIME_BUCKET_SCALE: f64 = 2.0; // 1 / 0.5 s

impl RateLimiter {
    fn new(start: Instant) -> Self {
        let mut l = RateLimiter {
            start,
            enabled: false,
            fill_rate: 1.0,
            max_capacity: 1.0,
            capacity: 0.0,
            last_refill: None,
            w_max: MIN_FILL_RATE,
            k: 0.0,
            last_fail: 0.0,
            measured_rate: 0.0,
            last_bucket: 0.0,
            count: 0.0,
        };
        l.k = l.zero_point();
        l
    }

    fn secs(&self, now: Instant) -> f64 {
        now.saturating_duration_since(self.start).as_secs_f64()
    }

    fn zero_point(&self) -> f64 {
        (self.w_max * (1.0 - BETA) / SCALE_CONSTANT).cbrt()
    }

    fn refill(&mut self, t: f64) {
        if let Some(last) = self.last_refill {
            self.capacity =
                (self.capacity + (t - last).max(0.0) * self.fill_rate).min(self.max_capacity);
        }
        self.last_refill = Some(t);
    }

    fn set_rate(&mut self, rate: f64, t: f64) {
        let rate = if rate.is_finite() {
            rate.max(MIN_FILL_RATE)
        } else {
            MIN_FILL_RATE
        };
        self.refill(t);
        self.fill_rate = rate;
        self.max_capacity = rate.max(1.0);
        self.capacity = self.capacity.min(self.max_capacity);
    }

    /// Takes a token, or says how long to wait for one.
    fn try_acquire(&mut self, now: Instant) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        let t = self.secs(now);
        self.refill(t);
        if self.capacity >= 1.0 {
            self.capacity -= 1.0;
            return None;
        }
        let secs = ((1.0 - self.capacity) / self.fill_rate).clamp(0.001, 60.0);
        Some(Duration::from_secs_f64(secs))
    }

    fn update(&mut self, throttled: bool, now: Instant) {
        let t = self.secs(now);
        // The measured send rate, in half-second buckets.
        let bucket = (t * TIME_BUCKET_SCALE).floor() / TIME_BUCKET_SCALE;
        self.count += 1.0;
        if bucket > self.last_bucket {
            let current = self.count / (bucket - self.last_bucket);
            self.measured_rate = current * SMOOTHING + self.measured_rate * (1.0 - SMOOTHING);
            self.count = 0.0;
            self.last_bucket = bucket;
        }
        let new_rate = if throttled {
            let rate = if self.enabled {
                self.measured_rate.min(self.fill_rate)
            } else {
                self.measured_rate
            };
            self.enabled = true;
            self.w_max = rate;
            self.k = self.zero_point();
            self.last_fail = t;
            rate * BETA
        } else {
            SCALE_CONSTANT * (t - self.last_fail - self.k).powi(3) + self.w_max
        };
        self.set_rate(new_rate.min(2.0 * self.measured_rate), t);
    }
}

/// A copy of the unsigned request, for one attempt.
fn copy_request(template: &http::Request<Bytes>) -> http::Request<Bytes> {
    let mut req = http::Request::new(template.body().clone());
    *req.method_mut() = template.method().clone();
    *req.uri_mut() = template.uri().clone();
    *req.version_mut() = template.version();
    *req.headers_mut() = template.headers().clone();
    req
}

const SDK_REQUEST: http::HeaderName = http::HeaderName::from_static("amz-sdk-request");

/// What every attempt of one call shares: where requests go, how they are signed, the
/// client's retry state and this call's retry rules.
pub(crate) struct Call<'a> {
    pub(crate) transport: &'a dyn Transport,
    pub(crate) signer: &'a Signer,
    pub(crate) state: &'a RetryState,
    pub(crate) policy: Policy,
    pub(crate) protocol: Protocol,
}

/// Sends `template` (built, unsigned) with retries and timeouts, and decodes the answer.
/// `params.time` is replaced by a fresh signing time on every attempt; `None` sends
/// the request unsigned ([`crate::Config::anonymous`]).
pub(crate) async fn send<O: Operation>(
    call: Call<'_>,
    template: http::Request<Bytes>,
    params: Option<SigningParams<'_>>,
) -> Result<O::Output, SdkError<O::Error>> {
    let mut attempts = 0u32;
    let run = call.attempt_loop::<O>(&template, params, &mut attempts);
    match tokio::time::timeout(call.policy.operation_timeout, run).await {
        Ok(result) => result,
        Err(_) => {
            tracing::debug!(attempts, "operation timed out");
            Err(SdkError::Timeout {
                operation: O::NAME,
                which: OPERATION,
                attempts,
            })
        }
    }
}

impl Call<'_> {
    /// Runs attempts until one succeeds, fails for good or runs out of retries; counts
    /// them in `attempts`, which the operation timeout in [`send`] reports.
    async fn attempt_loop<O: Operation>(
        &self,
        template: &http::Request<Bytes>,
        params: Option<SigningParams<'_>>,
        attempts: &mut u32,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let mut last_cost: Option<u32> = None;
        loop {
            *attempts += 1;
            let attempt = *attempts;
            let request = self.signed_attempt::<O>(template, params, attempt)?;
            if self.policy.mode == RetryMode::Adaptive {
                self.state.before_send().await;
            }
            let (result, skew_corrected) = self.send_attempt::<O>(request, attempt).await;
            let err = match result {
                Ok(output) => {
                    self.succeeded(last_cost);
                    return Ok(output);
                }
                Err(err) => err,
            };
            let Some(why) = self.retry_reason(&err, skew_corrected) else {
                return Err(err);
            };
            if !self.take_retry(&err, why, attempt, &mut last_cost) {
                return Err(err);
            }
            let delay = backoff(&self.policy, attempt, jitter());
            tracing::debug!(attempt, ?why, ?delay, error = %err, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// A fresh copy of `template` for attempt number `attempt`, with its
    /// `amz-sdk-request` header, signed at the current (skew-corrected) time.
    fn signed_attempt<O: Operation>(
        &self,
        template: &http::Request<Bytes>,
        params: Option<SigningParams<'_>>,
        attempt: u32,
    ) -> Result<http::Request<Bytes>, SdkError<O::Error>> {
        let max = self.policy.max_attempts;
        let mut request = copy_request(template);
        let value = format!("attempt={attempt}; max={max}");
        if let Ok(v) = http::HeaderValue::from_str(&value) {
            request.headers_mut().insert(SDK_REQUEST, v);
        }
        let params = params.map(|p| SigningParams {
            time: self.state.signing_time(),
            ..p
        });
        if let Some(params) = &params {
            self.signer
                .sign(&mut request, params)
                .map_err(|e| SdkError::InvalidInput {
                    operation: O::NAME,
                    message: e.to_string(),
                })?;
        }
        tracing::trace!(
            attempt,
            signing = ?params,
            headers = ?crate::http::redact::LoggableHeaders(request.headers()),
            "signed"
        );
        Ok(request)
    }

    /// Sends one attempt under the attempt timeout and decodes the answer; the flag says
    /// whether the response's `Date` corrected the clock skew.
    async fn send_attempt<O: Operation>(
        &self,
        request: http::Request<Bytes>,
        attempt: u32,
    ) -> (Result<O::Output, SdkError<O::Error>>, bool) {
        tracing::debug!(attempt, max = self.policy.max_attempts, uri = %request.uri(), "sending");
        // One span per attempt, inside the call's span; status and request id are
        // recorded on it when the response arrives.
        let span = tracing::debug_span!(
            "attempt",
            attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty
        );
        let sent = tokio::time::timeout(
            self.policy.attempt_timeout,
            tracing::Instrument::instrument(self.transport.send(request), span.clone()),
        )
        .await;
        match sent {
            Err(_) => (
                Err(SdkError::Timeout {
                    operation: O::NAME,
                    which: ATTEMPT,
                    attempts: attempt,
                }),
                false,
            ),
            Ok(Err(source)) => (
                Err(SdkError::Transport {
                    operation: O::NAME,
                    source,
                    attempts: attempt,
                }),
                false,
            ),
            Ok(Ok(response)) => {
                let request_id = wire::request_id(&response);
                span.record("status", response.status().as_u16());
                span.record("request_id", request_id.as_deref().unwrap_or("-"));
                tracing::debug!(
                    attempt,
                    status = response.status().as_u16(),
                    request_id = request_id.as_deref().unwrap_or("-"),
                    "received"
                );
                let corrected = self
                    .state
                    .observe_date(response.headers().get(http::header::DATE));
                (
                    wire::parse_response::<O>(self.protocol, &response)
                        .map_err(|e| e.with_attempts(attempt)),
                    corrected,
                )
            }
        }
    }

    /// Books a success: returns the last retry's quota cost and tells the rate limiter.
    fn succeeded(&self, last_cost: Option<u32>) {
        if self.policy.mode != RetryMode::Legacy {
            self.state.release(last_cost);
        }
        if self.policy.mode == RetryMode::Adaptive {
            self.state.after_response(false);
        }
    }

    /// Why `err` may be retried, if it may; feeds service answers to the rate limiter.
    /// A clock-skew error counts as transient once the response corrected the skew.
    fn retry_reason<E>(&self, err: &SdkError<E>, skew_corrected: bool) -> Option<Retryable> {
        let mut why = classify(err, self.policy.mode);
        if why.is_none()
            && skew_corrected
            && err.code().is_some_and(|c| CLOCK_SKEW_CODES.contains(&c))
        {
            why = Some(Retryable::Transient);
        }
        if self.policy.mode == RetryMode::Adaptive
            && !matches!(err, SdkError::Timeout { .. } | SdkError::Transport { .. })
        {
            self.state
                .after_response(why == Some(Retryable::Throttling));
        }
        why
    }

    /// Whether another attempt is allowed: attempts left and, outside legacy mode, quota
    /// for it (whose cost lands in `last_cost`).
    fn take_retry<E>(
        &self,
        err: &SdkError<E>,
        why: Retryable,
        attempt: u32,
        last_cost: &mut Option<u32>,
    ) -> bool {
        if attempt >= self.policy.max_attempts {
            tracing::debug!(attempt, error = %err, "no attempts left");
            return false;
        }
        if self.policy.mode != RetryMode::Legacy {
            match self.state.acquire(why) {
                Some(cost) => *last_cost = Some(cost),
                None => {
                    tracing::debug!(attempt, error = %err, "retry quota exhausted");
                    return false;
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorMetadata, ServiceError};

    fn service(code: &str, status: u16) -> SdkError<()> {
        SdkError::Service {
            operation: "Op",
            error: ServiceError {
                kind: (),
                meta: ErrorMetadata {
                    code: code.into(),
                    message: None,
                    request_id: None,
                    status,
                    fault: None,
                },
            },
            attempts: 1,
        }
    }

    #[test]
    fn throttling_and_transient_codes_match_exactly() {
        let std = RetryMode::Standard;
        for code in THROTTLING_CODES {
            assert_eq!(
                classify(&service(code, 400), std),
                Some(Retryable::Throttling),
                "{code}"
            );
        }
        for code in ["RequestTimeout", "RequestTimeoutException"] {
            assert_eq!(
                classify(&service(code, 400), std),
                Some(Retryable::Transient)
            );
        }
        for status in [500, 502, 503, 504] {
            assert_eq!(
                classify(&service("X", status), std),
                Some(Retryable::Transient)
            );
        }
        for (code, status) in [
            ("ClusterLimitExceededException", 400),
            ("throttlingexception", 400),
            ("ThrottlingException2", 400),
            ("InvalidResourceException", 400),
            ("429", 429),
            ("X", 501),
            ("X", 509),
        ] {
            assert_eq!(
                classify(&service(code, status), std),
                None,
                "{code} {status}"
            );
        }
        // Legacy also retries 429 and 509.
        assert_eq!(
            classify(&service("429", 429), RetryMode::Legacy),
            Some(Retryable::Throttling)
        );
    }

    #[test]
    fn transport_errors_are_classified_by_kind() {
        use crate::http::TransportError;
        let t = |kind| SdkError::<()>::Transport {
            operation: "Op",
            source: TransportError::new(kind, "x"),
            attempts: 1,
        };
        let std = RetryMode::Standard;
        assert_eq!(
            classify(&t(TransportErrorKind::Connect), std),
            Some(Retryable::Transient)
        );
        assert_eq!(
            classify(&t(TransportErrorKind::Io), std),
            Some(Retryable::Transient)
        );
        assert_eq!(
            classify(&t(TransportErrorKind::Timeout), std),
            Some(Retryable::Timeout)
        );
        assert_eq!(classify(&t(TransportErrorKind::BodyTooLarge), std), None);
        assert_eq!(classify(&t(TransportErrorKind::InvalidRequest), std), None);
        let timeout = |which| SdkError::<()>::Timeout {
            operation: "Op",
            which,
            attempts: 1,
        };
        assert_eq!(classify(&timeout(ATTEMPT), std), Some(Retryable::Timeout));
        assert_eq!(classify(&timeout(OPERATION), std), None);
    }

    #[test]
    fn backoff_is_capped_full_jitter() {
        let p = RetrySettings::default().policy(None, None);
        assert_eq!((p.mode, p.max_attempts), (RetryMode::Standard, 3));
        assert_eq!(backoff(&p, 1, 0.0), Duration::ZERO);
        assert_eq!(backoff(&p, 1, 0.5), Duration::from_millis(500));
        assert_eq!(backoff(&p, 3, 0.5), Duration::from_secs(2));
        // 2^9 s is past the cap: 20 s before jitter.
        assert_eq!(backoff(&p, 10, 0.5), Duration::from_secs(10));
        assert_eq!(
            backoff(&p, u32::MAX, 0.999_999),
            Duration::from_secs_f64(0.999_999 * 20.0)
        );
        for _ in 0..100 {
            let r = jitter();
            assert!((0.0..1.0).contains(&r), "{r}");
        }
        let legacy = RetrySettings::default().policy(Some(RetryMode::Legacy), None);
        assert_eq!(legacy.max_attempts, 5);
        let explicit = RetrySettings {
            max_attempts: Some(0),
            ..RetrySettings::default()
        };
        assert_eq!(explicit.policy(None, Some(7)).max_attempts, 1);
        assert_eq!(
            RetrySettings::default().policy(None, Some(7)).max_attempts,
            7
        );
    }

    #[test]
    fn retry_quota_drains_and_refunds() {
        let s = RetryState::default();
        assert_eq!(s.quota(), 500);
        assert_eq!(s.acquire(Retryable::Transient), Some(5));
        assert_eq!(s.acquire(Retryable::Timeout), Some(10));
        assert_eq!(s.quota(), 485);
        s.release(Some(10));
        assert_eq!(s.quota(), 495);
        s.release(None);
        s.release(None);
        s.release(None);
        s.release(None);
        s.release(None);
        s.release(None);
        assert_eq!(s.quota(), 500, "capped at the capacity");
        // 100 retries of 5 empty the bucket; the next is refused.
        for _ in 0..100 {
            assert!(s.acquire(Retryable::Throttling).is_some());
        }
        assert_eq!(s.quota(), 0);
        assert_eq!(s.acquire(Retryable::Transient), None);
    }

    #[test]
    fn clock_skew_is_learned_from_the_date_header() {
        let s = RetryState::default();
        let hv = |t: SystemTime| {
            http::HeaderValue::from_str(&crate::DateTime::from_system_time(t).fmt_http_date())
                .unwrap()
        };
        // Within 5 minutes: nothing changes.
        let near = SystemTime::now() + Duration::from_secs(120);
        assert!(!s.observe_date(Some(&hv(near))));
        assert!(!s.observe_date(None));
        assert!(!s.observe_date(Some(&http::HeaderValue::from_static("garbage"))));
        // An hour ahead: signing moves an hour ahead.
        let ahead = SystemTime::now() + Duration::from_secs(3600);
        assert!(s.observe_date(Some(&hv(ahead))));
        let signed = s.signing_time();
        let gap = signed.duration_since(SystemTime::now()).unwrap();
        assert!(
            gap > Duration::from_secs(3590) && gap < Duration::from_secs(3610),
            "{gap:?}"
        );
        // The same server time again is no news.
        assert!(!s.observe_date(Some(&hv(SystemTime::now() + Duration::from_secs(3600)))));
        // Back in sync: the offset is dropped.
        assert!(s.observe_date(Some(&hv(SystemTime::now()))));
        let d = s
            .signing_time()
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        assert!(d < Duration::from_secs(5));
    }

    #[test]
    fn adaptive_limiter_cuts_the_rate_on_throttling_and_recovers() {
        let t0 = Instant::now();
        let mut l = RateLimiter::new(t0);
        assert_eq!(
            l.try_acquire(t0),
            None,
            "disabled before the first throttle"
        );
        // 10 successes per second for 3 s.
        let mut t = t0;
        for _ in 0..30 {
            t += Duration::from_millis(100);
            l.update(false, t);
        }
        assert!(!l.enabled);
        let measured = l.measured_rate;
        assert!(measured > 5.0 && measured < 15.0, "{measured}");
        t += Duration::from_millis(100);
        l.update(true, t);
        assert!(l.enabled);
        let cut = l.fill_rate;
        assert!(
            (cut - measured * BETA).abs() < measured * 0.3,
            "{cut} vs {measured}"
        );
        // Sending faster than the rate waits.
        let mut waited = false;
        for _ in 0..20 {
            if l.try_acquire(t).is_some() {
                waited = true;
                break;
            }
        }
        assert!(waited, "the bucket must run dry");
        // Successes raise the rate again (CUBIC growth), never below the floor.
        for _ in 0..40 {
            t += Duration::from_millis(100);
            l.update(false, t);
        }
        assert!(l.fill_rate >= MIN_FILL_RATE);
        assert!(l.fill_rate > cut, "{} after recovery vs {cut}", l.fill_rate);
    }
}
