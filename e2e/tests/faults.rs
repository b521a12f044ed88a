//! Fault injection: a loopback server that misbehaves in one way per test (5xx,
//! throttling codes, resets, truncated or garbage bodies, wrong content types, slow or
//! missing responses) and, for each, the number of attempts the client makes and the error
//! it returns, in both protocols. Attempt and operation timeouts are short and the backoff
//! base is 1 ms, so nothing here waits long; every call is also guarded by a test-side
//! limit, so a hang fails the test instead of stalling it.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use awsrt::TransportErrorKind;
use e2e::{config, encode_body, verify_sigv4, Answer, Reply, Server, Then, PROTOCOLS};
use serde_json::json;
use snowball::{Protocol, RetryMode, SdkError};

/// A loopback server that answers request `n` (0-based, over all connections) with
/// `act(n)`, and records every request.
async fn start(act: impl Fn(usize) -> Answer + Send + Sync + 'static) -> Server {
    Server::scripted(move |n, _| act(n)).await
}

/// A whole HTTP/1.1 response.
fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let reply = headers
        .iter()
        .fold(Reply::new(status), |r, (k, v)| r.header(k, v));
    reply.body(body).to_bytes()
}

fn protocol_headers(p: Protocol) -> Vec<(&'static str, &'static str)> {
    match p {
        Protocol::RpcV2Cbor => vec![
            ("smithy-protocol", "rpc-v2-cbor"),
            ("Content-Type", "application/cbor"),
        ],
        _ => vec![("Content-Type", "application/x-amz-json-1.1")],
    }
}

/// A response in `p`'s shape with `body` encoded for the protocol.
fn wire(p: Protocol, status: u16, body: serde_json::Value) -> Vec<u8> {
    response(status, &protocol_headers(p), &encode_body(p, &body))
}

fn ok(p: Protocol) -> Vec<u8> {
    wire(p, 200, json!({}))
}

/// The settings of every test client: 3 attempts, 1 ms backoff base, 500 ms per attempt
/// (ample for a loopback answer on a loaded machine, short for a stalled one).
fn fast(addr: SocketAddr, p: Protocol) -> snowball::Config {
    config(addr, p)
        .max_attempts(3)
        .attempt_timeout(Duration::from_millis(500))
        .operation_timeout(Duration::from_secs(10))
}

/// Runs `f`, failing the test if it takes more than 20 s (a hang).
async fn guarded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("the call hung")
}

/// One ListJobs call against a server scripted by `act`; returns the attempts the server
/// saw and the result.
async fn run(
    p: Protocol,
    act: impl Fn(usize) -> Answer + Send + Sync + 'static,
    tune: impl FnOnce(snowball::Config) -> snowball::Config,
) -> (
    usize,
    Result<
        snowball::operation::list_jobs::ListJobsOutput,
        SdkError<snowball::operation::list_jobs::ListJobsError>,
    >,
    Server,
) {
    let server = start(act).await;
    let client = snowball::Client::new(tune(fast(server.addr(), p)));
    let result = guarded(client.list_jobs().send()).await;
    (server.requests().len(), result, server)
}

/// A short description of an error for the fault table.
fn describe<E>(err: &SdkError<E>) -> String {
    match err {
        SdkError::Service { error, .. } => {
            format!("Service {} (HTTP {})", error.meta.code, error.meta.status)
        }
        SdkError::Transport { source, .. } => format!("Transport {:?}", source.kind()),
        SdkError::Timeout { which, .. } => format!("Timeout {which}"),
        SdkError::Response { status, .. } => format!("Response (HTTP {status})"),
        SdkError::Credentials { .. } => "Credentials".into(),
        SdkError::InvalidInput { .. } => "InvalidInput".into(),
        _ => "other".into(),
    }
}

/// Runs one fault in both protocols and checks the attempts and the error.
async fn expect_fault(
    name: &str,
    act: impl Fn(Protocol, usize) -> Answer + Clone + Send + Sync + 'static,
    attempts: usize,
    error: &str,
) {
    for p in PROTOCOLS {
        let a = act.clone();
        let (seen, result, _server) = run(p, move |n| a(p, n), |c| c).await;
        let err = match result {
            Ok(out) => panic!("{name} over {p:?}: expected an error, got {out:?}"),
            Err(e) => e,
        };
        eprintln!("| {name} | {p:?} | {seen} | {} | {err} |", describe(&err));
        assert_eq!(seen, attempts, "{name} over {p:?}: attempts ({err})");
        assert_eq!(
            err.attempts() as usize,
            attempts,
            "{name} over {p:?}: {err:?}"
        );
        assert_eq!(describe(&err), error, "{name} over {p:?}: {err}");
        assert_eq!(err.operation(), "ListJobs");
    }
}

#[tokio::test]
async fn http_500_is_retried_three_times() {
    expect_fault(
        "500 InternalFailure",
        |p, _| {
            Answer::raw(wire(
                p,
                500,
                json!({"__type": "InternalFailure", "message": "oops"}),
            ))
        },
        3,
        "Service InternalFailure (HTTP 500)",
    )
    .await;
}

#[tokio::test]
async fn http_503_with_an_html_body_is_retried_three_times() {
    expect_fault(
        "503 HTML body",
        |_, _| {
            Answer::raw(response(
                503,
                &[("Content-Type", "text/html")],
                b"<html>Service Unavailable</html>",
            ))
        },
        3,
        "Service 503 (HTTP 503)",
    )
    .await;
}

#[tokio::test]
async fn every_throttling_code_is_retried_three_times() {
    for code in [
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
    ] {
        expect_fault(
            code,
            move |p, _| {
                Answer::raw(wire(
                    p,
                    400,
                    json!({"__type": code, "message": "slow down"}),
                ))
            },
            3,
            &format!("Service {code} (HTTP 400)"),
        )
        .await;
    }
}

#[tokio::test]
async fn transient_codes_are_retried_and_lookalikes_are_not() {
    expect_fault(
        "RequestTimeoutException 400",
        |p, _| Answer::raw(wire(p, 400, json!({"__type": "RequestTimeoutException"}))),
        3,
        "Service RequestTimeoutException (HTTP 400)",
    )
    .await;
    // Exact matching: a code that merely contains a throttling code is final.
    expect_fault(
        "ClusterLimitExceededException 400",
        |p, _| {
            Answer::raw(wire(
                p,
                400,
                json!({"__type": "ClusterLimitExceededException"}),
            ))
        },
        1,
        "Service ClusterLimitExceededException (HTTP 400)",
    )
    .await;
    expect_fault(
        "InvalidResourceException 400 (unmodeled for ListJobs)",
        |p, _| Answer::raw(wire(p, 400, json!({"__type": "InvalidResourceException"}))),
        1,
        "Service InvalidResourceException (HTTP 400)",
    )
    .await;
    // Bare 429 is not retried in standard mode (botocore).
    expect_fault(
        "bare 429",
        |_, _| Answer::raw(response(429, &[], b"")),
        1,
        "Service 429 (HTTP 429)",
    )
    .await;
}

#[tokio::test]
async fn a_connection_reset_mid_response_is_retried() {
    expect_fault(
        "connection reset mid-response",
        |_, _| {
            Answer::raw(&b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Jo"[..])
                .then(Then::Reset)
        },
        3,
        "Transport Io",
    )
    .await;
}

#[tokio::test]
async fn a_truncated_body_is_retried() {
    expect_fault(
        "truncated body (FIN after 10 of 100 bytes)",
        |p, _| {
            let mut head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n".to_vec();
            for (k, v) in protocol_headers(p) {
                head.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
            }
            head.extend_from_slice(b"\r\n0123456789");
            Answer::raw(head).then(Then::Close)
        },
        3,
        "Transport Io",
    )
    .await;
}

#[tokio::test]
async fn a_garbage_body_is_not_retried() {
    expect_fault(
        "garbage 200 body",
        |p, _| Answer::raw(response(200, &protocol_headers(p), b"\xff\x00{garbage")),
        1,
        "Response (HTTP 200)",
    )
    .await;
}

#[tokio::test]
async fn a_wrong_content_type_is_not_retried() {
    expect_fault(
        "200 text/html",
        |_, _| {
            Answer::raw(response(
                200,
                &[("Content-Type", "text/html")],
                b"<html>hello</html>",
            ))
        },
        1,
        "Response (HTTP 200)",
    )
    .await;
}

#[tokio::test]
async fn headers_that_arrive_too_slowly_time_out_each_attempt() {
    expect_fault(
        "headers trickle (1 byte / 100 ms)",
        |p, _| Answer::raw(ok(p)).trickle(Duration::from_millis(100)),
        3,
        "Timeout attempt",
    )
    .await;
}

#[tokio::test]
async fn a_body_that_arrives_too_slowly_times_out_each_attempt() {
    expect_fault(
        "body stalls after the headers",
        |p, _| {
            let full = ok(p);
            let mut head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n", 1000).into_bytes();
            for (k, v) in protocol_headers(p) {
                head.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
            }
            head.extend_from_slice(b"\r\n");
            head.extend_from_slice(&full[full.len().saturating_sub(1)..]);
            Answer::raw(head).then(Then::Stall)
        },
        3,
        "Timeout attempt",
    )
    .await;
}

#[tokio::test]
async fn a_response_that_never_comes_times_out_each_attempt() {
    expect_fault(
        "no response at all",
        |_, _| Answer::silence(),
        3,
        "Timeout attempt",
    )
    .await;
}

#[tokio::test]
async fn the_operation_timeout_bounds_the_whole_call() {
    for p in PROTOCOLS {
        let (seen, result, _server) = run(
            p,
            |_| Answer::silence(),
            |c| {
                c.attempt_timeout(Duration::from_secs(30))
                    .operation_timeout(Duration::from_millis(300))
            },
        )
        .await;
        let err = result.unwrap_err();
        eprintln!(
            "| operation timeout | {p:?} | {seen} | {} | {err} |",
            describe(&err)
        );
        assert!(
            matches!(
                err,
                SdkError::Timeout {
                    which: "operation",
                    attempts: 1,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(seen, 1);
    }
}

#[tokio::test]
async fn a_refused_connection_is_retried_three_times() {
    let addr = e2e::closed_port();
    for p in PROTOCOLS {
        let client = snowball::Client::new(fast(addr, p));
        let err = guarded(client.list_jobs().send()).await.unwrap_err();
        eprintln!(
            "| connection refused | {p:?} | - | {} | {err} |",
            describe(&err)
        );
        assert_eq!(err.attempts(), 3, "{err:?}");
        match &err {
            SdkError::Transport { source, .. } => {
                assert_eq!(source.kind(), TransportErrorKind::Connect)
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn retries_recover_and_each_attempt_is_signed_afresh() {
    for p in PROTOCOLS {
        let (seen, result, server) = run(
            p,
            move |n| match n {
                0 => Answer::raw(wire(p, 503, json!({"__type": "ServiceUnavailable"}))),
                1 => Answer::raw(&b"HTTP/1.1 200"[..]).then(Then::Reset),
                _ => Answer::raw(ok(p)),
            },
            |c| c,
        )
        .await;
        result.unwrap_or_else(|e| panic!("{p:?}: {e:?}"));
        assert_eq!(seen, 3);
        let requests = server.requests();
        let ids: Vec<_> = requests
            .iter()
            .map(|r| r.header("amz-sdk-invocation-id").map(str::to_owned))
            .collect();
        assert!(ids[0].as_ref().is_some_and(|id| id.len() == 36), "{ids:?}");
        assert!(
            ids.iter().all(|id| *id == ids[0]),
            "same invocation id: {ids:?}"
        );
        for (i, r) in requests.iter().enumerate() {
            assert_eq!(
                r.header("amz-sdk-request"),
                Some(format!("attempt={}; max=3", i + 1).as_str())
            );
            let info = verify_sigv4(r).unwrap_or_else(|e| panic!("attempt {}: {e}", i + 1));
            assert!(
                info.signed_headers.iter().any(|h| h == "x-amz-date"),
                "{info:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_retry_quota_runs_out_under_sustained_failure() {
    // 500 tokens, 5 per retry: 50 failing calls of 3 attempts take 500, then no retries.
    let server = start(|_| Answer::raw(response(503, &[], b""))).await;
    let client = snowball::Client::new(fast(server.addr(), Protocol::AwsJson1_1));
    for i in 0..50 {
        let err = guarded(client.list_jobs().send()).await.unwrap_err();
        assert_eq!(err.attempts(), 3, "call {i}");
    }
    let err = guarded(client.list_jobs().send()).await.unwrap_err();
    assert_eq!(err.attempts(), 1, "{err}");
    assert_eq!(server.requests().len(), 151);
}

#[tokio::test]
async fn max_attempts_and_legacy_mode_are_honoured() {
    let act = |_| Answer::raw(response(500, &[], b""));
    let (seen, result, _s) = run(Protocol::RpcV2Cbor, act, |c| c.max_attempts(1)).await;
    assert_eq!((seen, result.unwrap_err().attempts()), (1, 1));
    let (seen, _, _s) = run(Protocol::AwsJson1_1, act, |c| c.max_attempts(5)).await;
    assert_eq!(seen, 5);
    // Legacy: 5 attempts by default, and 429 is retried.
    let (seen, result, _s) = run(
        Protocol::AwsJson1_1,
        |_| Answer::raw(response(429, &[], b"")),
        |c| c.max_attempts(0).retry_mode(RetryMode::Legacy),
    )
    .await;
    // max_attempts(0) counts as 1.
    assert_eq!((seen, result.unwrap_err().attempts()), (1, 1));
    let legacy = |c: snowball::Config| {
        c.retry_mode(RetryMode::Legacy)
            .attempt_timeout(Duration::from_millis(500))
    };
    let server = start(|_| Answer::raw(response(429, &[], b""))).await;
    let mut cfg = legacy(config(server.addr(), Protocol::AwsJson1_1));
    cfg = cfg.initial_backoff(Duration::from_millis(1));
    let err = guarded(snowball::Client::new(cfg).list_jobs().send())
        .await
        .unwrap_err();
    assert_eq!((server.requests().len(), err.attempts()), (5, 5));
}

#[tokio::test]
async fn adaptive_mode_slows_down_after_throttling_and_still_succeeds() {
    for p in PROTOCOLS {
        let (seen, result, _s) = run(
            p,
            move |n| match n {
                0 => Answer::raw(wire(p, 400, json!({"__type": "ThrottlingException"}))),
                _ => Answer::raw(ok(p)),
            },
            |c| c.retry_mode(RetryMode::Adaptive),
        )
        .await;
        result.unwrap_or_else(|e| panic!("{p:?}: {e}"));
        assert_eq!(seen, 2);
    }
}

#[tokio::test]
async fn a_skewed_clock_is_corrected_from_the_date_header() {
    for p in PROTOCOLS {
        let server_time = SystemTime::now() + Duration::from_secs(3600);
        let date = awsrt::DateTime::from_system_time(server_time).fmt_http_date();
        let (seen, result, server) = run(
            p,
            move |n| match n {
                0 => {
                    let mut headers = protocol_headers(p);
                    headers.push(("Date", Box::leak(date.clone().into_boxed_str())));
                    Answer::raw(response(
                        403,
                        &headers,
                        &encode_body(p, &json!({"__type": "RequestTimeTooSkewed"})),
                    ))
                }
                _ => Answer::raw(ok(p)),
            },
            |c| c,
        )
        .await;
        result.unwrap_or_else(|e| panic!("{p:?}: {e}"));
        assert_eq!(seen, 2);
        let second = &server.requests()[1];
        let amz = second.header("x-amz-date").expect("X-Amz-Date");
        // 20240102T030405Z -> 2024-01-02T03:04:05Z
        let iso = format!(
            "{}-{}-{}T{}:{}:{}Z",
            &amz[0..4],
            &amz[4..6],
            &amz[6..8],
            &amz[9..11],
            &amz[11..13],
            &amz[13..15]
        );
        let signed = awsrt::DateTime::parse_iso8601(&iso)
            .unwrap()
            .to_system_time()
            .unwrap();
        let ahead = signed
            .duration_since(SystemTime::now())
            .expect("signed in the future");
        assert!(
            ahead > Duration::from_secs(3500) && ahead < Duration::from_secs(3700),
            "{ahead:?}"
        );
        verify_sigv4(second).unwrap();
    }
    // Without a Date far enough off, the skew code is final.
    let (seen, result, _s) = run(
        Protocol::AwsJson1_1,
        |_| {
            Answer::raw(wire(
                Protocol::AwsJson1_1,
                403,
                json!({"__type": "RequestTimeTooSkewed"}),
            ))
        },
        |c| c,
    )
    .await;
    assert_eq!((seen, result.unwrap_err().attempts()), (1, 1));
}

#[tokio::test]
async fn retry_settings_come_from_the_environment_unless_set_in_code() {
    let server = start(|_| Answer::raw(response(503, &[], b""))).await;
    let from_env = |vars: &[(&str, &str)]| {
        snowball::Config::with_env(awsrt::internal::shared_config::Env::from_vars(
            vars.iter().copied(),
        ))
        .region(e2e::REGION)
        .endpoint_url(format!("http://{}", server.addr()))
        .credentials(e2e::credentials())
        .protocol(Protocol::AwsJson1_1)
        .initial_backoff(Duration::from_millis(1))
    };
    let cases = [
        (from_env(&[("AWS_MAX_ATTEMPTS", "2")]), 2),
        (from_env(&[("AWS_RETRY_MODE", "legacy")]), 5),
        (
            from_env(&[("AWS_RETRY_MODE", "adaptive"), ("AWS_MAX_ATTEMPTS", "4")]),
            4,
        ),
        // Explicit settings win over the environment.
        (from_env(&[("AWS_MAX_ATTEMPTS", "2")]).max_attempts(3), 3),
    ];
    for (cfg, expected) in cases {
        let err = guarded(snowball::Client::new(cfg).list_jobs().send())
            .await
            .unwrap_err();
        assert_eq!(err.attempts(), expected, "{err}");
    }
    assert_eq!(server.requests().len(), 2 + 5 + 4 + 3);
    // A bad value is the call's error, before anything is sent.
    let err = guarded(
        snowball::Client::new(from_env(&[("AWS_MAX_ATTEMPTS", "zero")]))
            .list_jobs()
            .send(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, SdkError::InvalidInput { .. }), "{err:?}");
    assert!(err.to_string().contains("AWS_MAX_ATTEMPTS"), "{err}");
    assert_eq!(server.requests().len(), 14);
}

/// A credentials provider that waits `delay` (forever when `None`) before answering.
#[derive(Debug)]
struct SlowProvider(Option<Duration>);

impl awsrt::internal::credentials::ProvideCredentials for SlowProvider {
    fn provide(
        &self,
    ) -> awsrt::BoxFuture<
        '_,
        Result<snowball::Credentials, awsrt::internal::credentials::CredentialsError>,
    > {
        let delay = self.0;
        Box::pin(async move {
            match delay {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
            Ok(e2e::credentials())
        })
    }
}

/// A client of `addr` whose credentials come from `provider`.
fn with_provider(addr: SocketAddr, provider: SlowProvider) -> snowball::Config {
    snowball::Config::new()
        .region("us-east-1")
        .endpoint_url(format!("http://{addr}"))
        .protocol(Protocol::AwsJson1_1)
        .credentials_provider(provider)
        .attempt_timeout(Duration::from_secs(30))
}

#[tokio::test]
async fn a_credentials_provider_that_never_answers_hits_the_operation_timeout() {
    let server = start(|_| Answer::raw(ok(Protocol::AwsJson1_1))).await;
    let cfg = with_provider(server.addr(), SlowProvider(None))
        .operation_timeout(Duration::from_millis(300));
    let client = snowball::Client::new(cfg);
    for _ in 0..2 {
        let err = guarded(client.list_jobs().send()).await.unwrap_err();
        assert!(
            matches!(
                err,
                SdkError::Timeout {
                    which: "operation",
                    attempts: 0,
                    ..
                }
            ),
            "{err:?}"
        );
    }
    assert_eq!(server.requests().len(), 0);
}

#[tokio::test]
async fn the_wait_for_credentials_counts_against_the_operation_timeout() {
    // One second for credentials, then a server that never answers: the call ends at the
    // 1.2 s operation timeout, not 1.2 s after the credentials arrived.
    let server = start(|_| Answer::silence()).await;
    let cfg = with_provider(server.addr(), SlowProvider(Some(Duration::from_secs(1))))
        .operation_timeout(Duration::from_millis(1200));
    let start = std::time::Instant::now();
    let err = guarded(snowball::Client::new(cfg).list_jobs().send())
        .await
        .unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(
            err,
            SdkError::Timeout {
                which: "operation",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
}
