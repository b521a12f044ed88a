//! Error responses over real HTTP, in both protocols: every modeled exception of the
//! Snowball model decoded into its operation's error enum with its members and metadata,
//! unmodeled codes, bodiless 5xx, undecodable bodies, and the errors raised before any
//! request is sent (transport, credentials, region).
//!
//! Shared by both clients: `tests/errors.rs` includes this file once for the async client
//! and once for the blocking one; `super` provides `Client`, `client` and `WithClient`.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use super::*;
use e2e::{check_request, config, Reply, ReplyExt, Server, PROTOCOLS};
use serde_json::{json, Value as J};
use snowball::operation::*;
use snowball::types::*;
use snowball::{Config, Protocol, SdkError};

const JOB: &str = "JID123e4567-e89b-12d3-a456-426655440000";
const CLUSTER: &str = "CID123e4567-e89b-12d3-a456-426655440000";
const REQUEST_ID: &str = "5b7a7a3c-0000-4a1e-9a7f-000000000042";
const MESSAGE: &str = "The thing you asked for is not possible right now.";

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

/// How `__type` is spelled in an error body.
fn type_spellings(p: Protocol, shape: &str) -> Vec<String> {
    match p {
        // RPC v2 CBOR always sends the absolute shape id.
        Protocol::RpcV2Cbor => vec![format!("com.amazonaws.snowball#{shape}")],
        _ => vec![
            shape.to_owned(),
            format!("com.amazonaws.snowball#{shape}"),
            format!("{shape}:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
        ],
    }
}

/// Sends one call that the server answers with `reply`; checks the request and returns
/// the error.
async fn fail_with<T, E>(
    p: Protocol,
    op: &str,
    reply: Reply,
    call: impl WithClient<Result<T, SdkError<E>>>,
) -> SdkError<E>
where
    T: Debug,
{
    // Every attempt gets the same answer, so a retrying client sees it each time.
    let server = Server::start(move |_| reply.clone()).await;
    let result = call.run(client(&server, p)).await;
    let requests = server.requests();
    assert!(!requests.is_empty(), "{op} over {p:?}: nothing was sent");
    for r in &requests {
        check_request(r, p, op);
    }
    match result {
        Ok(out) => panic!("{op} over {p:?}: expected an error, got {out:?}"),
        Err(e) => {
            assert_eq!(e.operation(), op);
            e
        }
    }
}

/// Answers with a 400 error body `{"__type": type_, "Message": MESSAGE, ..extra}` and checks
/// the metadata and `Display` of the resulting service error.
async fn fail<T, E>(
    p: Protocol,
    op: &str,
    shape: &str,
    type_: &str,
    extra: J,
    call: impl WithClient<Result<T, SdkError<E>>>,
) -> SdkError<E>
where
    T: Debug,
    E: Debug,
{
    let mut body = json!({"__type": type_, "Message": MESSAGE});
    if let (J::Object(b), J::Object(x)) = (&mut body, extra) {
        b.extend(x);
    }
    let reply = Reply::new(400)
        .protocol_headers(p)
        .header("x-amzn-requestid", REQUEST_ID)
        .body(e2e::encode_body(p, &body));
    let err = fail_with(p, op, reply, call).await;
    let ctx = format!("{op} over {p:?} with __type {type_:?}");
    assert!(
        matches!(err, SdkError::Service { .. }),
        "{ctx}: not a service error: {err:?}"
    );
    assert_eq!(err.code(), Some(shape), "{ctx}: code");
    assert_eq!(err.message(), Some(MESSAGE), "{ctx}: message");
    assert_eq!(err.request_id(), Some(REQUEST_ID), "{ctx}: request id");
    assert_eq!(err.status(), Some(400), "{ctx}: status");
    let meta = err.meta().expect("service errors have metadata");
    assert_eq!(
        (meta.code.as_str(), meta.status),
        (shape, 400),
        "{ctx}: metadata"
    );
    check_display(&err, op, shape, Some(MESSAGE), Some(REQUEST_ID));
    err
}

/// `Display` is one line naming the operation, code, message and request id.
fn check_display<E>(
    err: &SdkError<E>,
    op: &str,
    code: &str,
    message: Option<&str>,
    request_id: Option<&str>,
) {
    let shown = err.to_string();
    assert!(!shown.contains('\n'), "one line: {shown:?}");
    assert!(shown.starts_with(op), "operation first: {shown:?}");
    for part in [Some(code), message, request_id].into_iter().flatten() {
        assert!(shown.contains(part), "{part:?} missing from {shown:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Every modeled exception
// ---------------------------------------------------------------------------------------

type Case = fn(Protocol, String) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// (exception shape, case sending an operation that lists it).
const EXCEPTIONS: &[(&str, Case)] = &[
    ("ClusterLimitExceededException", |p, t| {
        Box::pin(cluster_limit_exceeded(p, t))
    }),
    ("ConflictException", |p, t| Box::pin(conflict(p, t))),
    ("Ec2RequestFailedException", |p, t| {
        Box::pin(ec2_request_failed(p, t))
    }),
    ("InvalidAddressException", |p, t| {
        Box::pin(invalid_address(p, t))
    }),
    ("InvalidInputCombinationException", |p, t| {
        Box::pin(invalid_input_combination(p, t))
    }),
    ("InvalidJobStateException", |p, t| {
        Box::pin(invalid_job_state(p, t))
    }),
    ("InvalidNextTokenException", |p, t| {
        Box::pin(invalid_next_token(p, t))
    }),
    ("InvalidResourceException", |p, t| {
        Box::pin(invalid_resource(p, t))
    }),
    ("KMSRequestFailedException", |p, t| {
        Box::pin(kms_request_failed(p, t))
    }),
    ("ReturnShippingLabelAlreadyExistsException", |p, t| {
        Box::pin(return_shipping_label_already_exists(p, t))
    }),
    ("UnsupportedAddressException", |p, t| {
        Box::pin(unsupported_address(p, t))
    }),
];

/// The exception shapes the generated crate declares, read from its source now (the
/// `//! The `X` shape.` line of each `types/*_exception.rs`).
fn generated_exceptions() -> BTreeSet<String> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../generated/snowball/src/types"
    );
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("read generated types") {
        let path = entry.expect("dir entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !name.ends_with("_exception.rs") {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("read exception source");
        let shape = src
            .lines()
            .find_map(|l| l.strip_prefix("//! The `")?.strip_suffix("` shape."))
            .unwrap_or_else(|| panic!("no shape doc line in {name}"));
        out.insert(shape.to_owned());
    }
    out
}

#[test]
fn every_generated_exception_has_a_case() {
    let generated = generated_exceptions();
    assert_eq!(generated.len(), 11, "{generated:?}");
    let covered: BTreeSet<String> = EXCEPTIONS.iter().map(|(s, _)| s.to_string()).collect();
    assert_eq!(covered, generated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_modeled_exception_decodes_in_both_protocols() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for (shape, case) in EXCEPTIONS {
        for p in PROTOCOLS {
            for t in type_spellings(p, shape) {
                ran += 1;
                if let Err(e) = tokio::spawn(case(p, t.clone())).await {
                    let msg = e
                        .try_into_panic()
                        .ok()
                        .and_then(|b| {
                            b.downcast_ref::<String>()
                                .cloned()
                                .or_else(|| b.downcast_ref::<&str>().map(|s| s.to_string()))
                        })
                        .unwrap_or_default();
                    failures.push(format!("{shape} over {p:?} as {t:?}: {msg}"));
                }
            }
        }
    }
    assert_eq!(ran, 11 * 4);
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

async fn cluster_limit_exceeded(p: Protocol, t: String) {
    let shape = "ClusterLimitExceededException";
    let err = fail(p, "CreateJob", shape, &t, json!({}), move |c: Client| {
        c.create_job().cluster_id(CLUSTER).send()
    })
    .await;
    let kind = err.as_service().unwrap();
    assert!(kind.is_cluster_limit_exceeded_exception());
    match kind {
        create_job::CreateJobError::ClusterLimitExceededException(e) => {
            assert_eq!(e, &ClusterLimitExceededException::new().message(MESSAGE));
        }
        other => panic!("{other:?}"),
    }
}

async fn conflict(p: Protocol, t: String) {
    let shape = "ConflictException";
    let op = "DescribeReturnShippingLabel";
    let extra = json!({"ConflictResource": JOB});
    let err = fail(p, op, shape, &t, extra, move |c: Client| {
        c.describe_return_shipping_label(JOB).send()
    })
    .await;
    match err.as_service() {
        Some(
            describe_return_shipping_label::DescribeReturnShippingLabelError::ConflictException(e),
        ) => {
            assert_eq!(e.conflict_resource.as_deref(), Some(JOB));
            assert_eq!(
                e,
                &ConflictException::new()
                    .conflict_resource(JOB)
                    .message(MESSAGE)
            );
        }
        other => panic!("{other:?}"),
    }
}

async fn ec2_request_failed(p: Protocol, t: String) {
    let shape = "Ec2RequestFailedException";
    let err = fail(
        p,
        "ListCompatibleImages",
        shape,
        &t,
        json!({}),
        move |c: Client| c.list_compatible_images().send(),
    )
    .await;
    match err.as_service() {
        Some(list_compatible_images::ListCompatibleImagesError::Ec2RequestFailedException(e)) => {
            assert_eq!(e, &Ec2RequestFailedException::new().message(MESSAGE));
        }
        other => panic!("{other:?}"),
    }
}

async fn invalid_address(p: Protocol, t: String) {
    let shape = "InvalidAddressException";
    let err = fail(
        p,
        "CreateAddress",
        shape,
        &t,
        json!({}),
        move |c: Client| c.create_address(Address::new().name("Nobody")).send(),
    )
    .await;
    match err.as_service() {
        Some(create_address::CreateAddressError::InvalidAddressException(e)) => {
            assert_eq!(e, &InvalidAddressException::new().message(MESSAGE));
        }
        other => panic!("{other:?}"),
    }
}

async fn invalid_input_combination(p: Protocol, t: String) {
    let shape = "InvalidInputCombinationException";
    let err = fail(
        p,
        "CreateCluster",
        shape,
        &t,
        json!({}),
        move |c: Client| {
            c.create_cluster(
                JobType::Import,
                "ADID1",
                SnowballType::Snc1Hdd,
                ShippingOption::Standard,
            )
            .send()
        },
    )
    .await;
    match err.as_service() {
        Some(create_cluster::CreateClusterError::InvalidInputCombinationException(e)) => {
            assert_eq!(e, &InvalidInputCombinationException::new().message(MESSAGE));
        }
        other => panic!("{other:?}"),
    }
}

async fn invalid_job_state(p: Protocol, t: String) {
    let shape = "InvalidJobStateException";
    let err = fail(p, "CancelJob", shape, &t, json!({}), move |c: Client| {
        c.cancel_job(JOB).send()
    })
    .await;
    let kind = err.as_service().unwrap();
    assert!(kind.is_invalid_job_state_exception() && !kind.is_unhandled());
    match kind {
        cancel_job::CancelJobError::InvalidJobStateException(e) => {
            assert_eq!(e, &InvalidJobStateException::new().message(MESSAGE));
        }
        other => panic!("{other:?}"),
    }
}

async fn invalid_next_token(p: Protocol, t: String) {
    let shape = "InvalidNextTokenException";
    let err = fail(p, "ListJobs", shape, &t, json!({}), move |c: Client| {
        c.list_jobs().next_token("x").send()
    })
    .await;
    match err.as_service() {
        Some(list_jobs::ListJobsError::InvalidNextTokenException(e)) => {
            assert_eq!(e, &InvalidNextTokenException::new().message(MESSAGE));
        }
        other => panic!("{other:?}"),
    }
}

async fn invalid_resource(p: Protocol, t: String) {
    let shape = "InvalidResourceException";
    // Unknown members in an error body are skipped too.
    let extra = json!({"ResourceType": "JOB", "FutureMember": {"a": [1, 2]}});
    let err = fail(p, "DescribeJob", shape, &t, extra, move |c: Client| {
        c.describe_job(JOB).send()
    })
    .await;
    match err.as_service() {
        Some(describe_job::DescribeJobError::InvalidResourceException(e)) => {
            assert_eq!(e.resource_type.as_deref(), Some("JOB"));
            assert_eq!(
                e,
                &InvalidResourceException::new()
                    .message(MESSAGE)
                    .resource_type("JOB")
            );
        }
        other => panic!("{other:?}"),
    }
    // The source chain reaches the modeled error.
    let source = std::error::Error::source(err.service_error().map(|s| &s.kind).unwrap());
    assert!(source.is_some_and(|s| s.to_string().contains(MESSAGE)));
}

async fn kms_request_failed(p: Protocol, t: String) {
    let shape = "KMSRequestFailedException";
    let err = fail(p, "UpdateJob", shape, &t, json!({}), move |c: Client| {
        c.update_job(JOB).description("d").send()
    })
    .await;
    let kind = err.as_service().unwrap();
    assert!(kind.is_kms_request_failed_exception());
    match kind {
        update_job::UpdateJobError::KmsRequestFailedException(e) => {
            assert_eq!(e, &KmsRequestFailedException::new().message(MESSAGE));
        }
        other => panic!("{other:?}"),
    }
}

async fn return_shipping_label_already_exists(p: Protocol, t: String) {
    let shape = "ReturnShippingLabelAlreadyExistsException";
    let err = fail(
        p,
        "CreateReturnShippingLabel",
        shape,
        &t,
        json!({}),
        move |c: Client| c.create_return_shipping_label(JOB).send(),
    )
    .await;
    match err.as_service() {
        Some(
            create_return_shipping_label::CreateReturnShippingLabelError::ReturnShippingLabelAlreadyExistsException(e),
        ) => {
            assert_eq!(
                e,
                &ReturnShippingLabelAlreadyExistsException::new().message(MESSAGE)
            );
        }
        other => panic!("{other:?}"),
    }
}

async fn unsupported_address(p: Protocol, t: String) {
    let shape = "UnsupportedAddressException";
    let err = fail(
        p,
        "CreateAddress",
        shape,
        &t,
        json!({}),
        move |c: Client| c.create_address(Address::new().country("AQ")).send(),
    )
    .await;
    match err.as_service() {
        Some(create_address::CreateAddressError::UnsupportedAddressException(e)) => {
            assert_eq!(e, &UnsupportedAddressException::new().message(MESSAGE));
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Unmodeled and undecodable responses
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_unmodeled_code_is_unhandled_with_its_code() {
    for p in PROTOCOLS {
        for t in type_spellings(p, "ThrottlingException") {
            let body = json!({"__type": t, "message": "Rate exceeded"});
            let err = fail_with(
                p,
                "DescribeJob",
                Reply::wire(p, 400, &body),
                move |c: Client| c.describe_job(JOB).send(),
            )
            .await;
            let kind = err.as_service().expect("a service error");
            assert!(
                matches!(kind, describe_job::DescribeJobError::Unhandled),
                "{kind:?}"
            );
            assert!(kind.is_unhandled());
            assert_eq!(err.code(), Some("ThrottlingException"));
            assert_eq!(err.message(), Some("Rate exceeded"));
            assert_eq!(err.request_id(), Some("req-0001"));
            assert_eq!(err.status(), Some(400));
            check_display(
                &err,
                "DescribeJob",
                "ThrottlingException",
                Some("Rate exceeded"),
                Some("req-0001"),
            );
        }
    }
}

#[tokio::test]
async fn a_modeled_exception_the_operation_does_not_list_is_unhandled() {
    for p in PROTOCOLS {
        let body = json!({
            "__type": "com.amazonaws.snowball#ConflictException",
            "Message": "m", "ConflictResource": "r",
        });
        let err = fail_with(
            p,
            "ListJobs",
            Reply::wire(p, 400, &body),
            move |c: Client| c.list_jobs().send(),
        )
        .await;
        assert!(matches!(
            err.as_service(),
            Some(list_jobs::ListJobsError::Unhandled)
        ));
        assert_eq!(err.code(), Some("ConflictException"));
        assert_eq!(err.message(), Some("m"));
    }
}

#[tokio::test]
async fn an_error_body_without_type_takes_the_status_as_code() {
    for p in PROTOCOLS {
        let body = json!({"Message": "no type here"});
        let err = fail_with(
            p,
            "CancelJob",
            Reply::wire(p, 403, &body),
            move |c: Client| c.cancel_job(JOB).send(),
        )
        .await;
        assert!(
            err.as_service().is_some_and(|k| k.is_unhandled()),
            "{err:?}"
        );
        assert_eq!(err.code(), Some("403"));
        assert_eq!(err.message(), Some("no type here"));
        assert_eq!(err.status(), Some(403));
    }
}

#[tokio::test]
async fn a_bodiless_5xx_takes_the_status_as_code() {
    for p in PROTOCOLS {
        for (status, reason) in [(500, "Internal Server Error"), (503, "Service Unavailable")] {
            // With and without the protocol headers: CBOR judges an unmarked response by
            // its status alone.
            for marked in [true, false] {
                let mut reply = Reply::new(status).header("x-amzn-RequestId", REQUEST_ID);
                if marked {
                    reply = reply.protocol_headers(p);
                }
                let err = fail_with(p, "GetSnowballUsage", reply, move |c: Client| {
                    c.get_snowball_usage().send()
                })
                .await;
                let ctx = format!("{status} over {p:?} (protocol headers: {marked})");
                assert!(
                    err.as_service().is_some_and(|k| k.is_unhandled()),
                    "{ctx}: {err:?}"
                );
                assert_eq!(err.code(), Some(status.to_string().as_str()), "{ctx}");
                assert_eq!(err.status(), Some(status), "{ctx}");
                assert_eq!(err.request_id(), Some(REQUEST_ID), "{ctx}");
                assert_eq!(err.message(), Some(reason), "{ctx}");
                check_display(
                    &err,
                    "GetSnowballUsage",
                    &status.to_string(),
                    None,
                    Some(REQUEST_ID),
                );
            }
        }
    }
}

#[tokio::test]
async fn a_garbage_success_body_is_a_response_error() {
    for p in PROTOCOLS {
        // 0xff is a stray CBOR break and not JSON either.
        for garbage in [&b"\xff\x00garbage"[..], b"{\"SnowballLimit\": ", b"[1, 2]"] {
            let reply = Reply::new(200)
                .protocol_headers(p)
                .header("x-amzn-requestid", REQUEST_ID)
                .body(garbage);
            let err = fail_with(p, "GetSnowballUsage", reply, move |c: Client| {
                c.get_snowball_usage().send()
            })
            .await;
            let ctx = format!("{p:?} with {garbage:?}");
            assert!(
                matches!(err, SdkError::Response { status: 200, .. }),
                "{ctx}: {err:?}"
            );
            assert_eq!(err.status(), Some(200), "{ctx}");
            assert_eq!(err.request_id(), Some(REQUEST_ID), "{ctx}");
            assert_eq!(err.code(), None, "{ctx}");
            assert!(err.as_service().is_none(), "{ctx}");
            assert!(std::error::Error::source(&err).is_some(), "{ctx}");
            let shown = err.to_string();
            assert!(
                !shown.contains('\n') && shown.starts_with("GetSnowballUsage"),
                "{shown:?}"
            );
        }
    }
}

/// botocore decodes a 200 that lacks the `smithy-protocol` header (its protocol suite
/// `RpcV2CborPayloadWithUnsetUnion` relies on it), so we do too; a body that does not
/// decode is still a response error.
#[tokio::test]
async fn a_cbor_success_without_the_protocol_header_is_decoded_as_botocore_does() {
    let reply = Reply::new(200)
        .header("Content-Type", "application/cbor")
        .body(e2e::encode_cbor(&json!({"SnowballLimit": 1}), false));
    let server = Server::start(move |_| reply.clone()).await;
    let out = (move |c: Client| c.get_snowball_usage().send())
        .run(client(&server, Protocol::RpcV2Cbor))
        .await
        .expect("an unmarked 200 with a CBOR body decodes");
    assert_eq!(out.snowball_limit, Some(1));

    let garbage = Reply::new(200)
        .header("Content-Type", "text/html")
        .body(&b"<html>proxy</html>"[..]);
    let err = fail_with(
        Protocol::RpcV2Cbor,
        "GetSnowballUsage",
        garbage,
        move |c: Client| c.get_snowball_usage().send(),
    )
    .await;
    assert!(
        matches!(err, SdkError::Response { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_undecodable_error_body_is_a_response_error() {
    for p in PROTOCOLS {
        let reply = Reply::new(400)
            .protocol_headers(p)
            .header("x-amzn-requestid", REQUEST_ID)
            .body(&b"\xff not a body"[..]);
        let err = fail_with(p, "CancelJob", reply, move |c: Client| {
            c.cancel_job(JOB).send()
        })
        .await;
        assert!(
            matches!(err, SdkError::Response { status: 400, .. }),
            "{p:?}: {err:?}"
        );
        assert_eq!(err.request_id(), Some(REQUEST_ID));
    }
}

// ---------------------------------------------------------------------------------------
// Errors before or instead of a response
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    // Nothing listens there any more.
    let addr = e2e::closed_port();
    for p in PROTOCOLS {
        let err = (move |c: Client| c.cancel_cluster(CLUSTER).send())
            .run(Client::new(config(addr, p)))
            .await
            .unwrap_err();
        assert!(matches!(err, SdkError::Transport { .. }), "{err:?}");
        assert_eq!(err.operation(), "CancelCluster");
        assert_eq!(
            (err.status(), err.code(), err.request_id()),
            (None, None, None)
        );
        assert!(std::error::Error::source(&err).is_some());
        assert!(err.to_string().starts_with("CancelCluster"), "{err}");
    }
}

#[tokio::test]
async fn missing_credentials_or_region_fail_before_sending() {
    let server = Server::queue([]).await;
    for p in PROTOCOLS {
        let no_creds = Config::new()
            .region(e2e::REGION)
            .endpoint_url(server.url())
            .protocol(p);
        let err = (move |c: Client| c.describe_job(JOB).send())
            .run(Client::new(no_creds))
            .await
            .unwrap_err();
        assert!(matches!(err, SdkError::Credentials { .. }), "{err:?}");
        assert_eq!(err.operation(), "DescribeJob");
        assert!(err.to_string().contains("credentials"), "{err}");

        let no_region = Config::new()
            .endpoint_url(server.url())
            .credentials(e2e::credentials())
            .protocol(p);
        let err = (move |c: Client| c.describe_job(JOB).send())
            .run(Client::new(no_region))
            .await
            .unwrap_err();
        assert!(matches!(err, SdkError::InvalidInput { .. }), "{err:?}");
        assert!(err.to_string().contains("region"), "{err}");

        let no_region_no_endpoint = Config::new().credentials(e2e::credentials());
        let err = (move |c: Client| c.describe_job(JOB).send())
            .run(Client::new(no_region_no_endpoint))
            .await
            .unwrap_err();
        assert!(matches!(err, SdkError::InvalidInput { .. }), "{err:?}");
    }
    assert!(server.requests().is_empty(), "nothing may be sent");
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn errors_keep_metadata_when_the_body_carries_the_request_id_header_only() {
    // S3-style `x-amz-request-id` is the fallback request-id header.
    for p in PROTOCOLS {
        let body =
            json!({"__type": "com.amazonaws.snowball#InvalidJobStateException", "Message": "x"});
        let reply = Reply::new(400)
            .protocol_headers(p)
            .header("x-amz-request-id", "s3-style-id")
            .body(e2e::encode_body(p, &body));
        let err = fail_with(p, "GetJobManifest", reply, move |c: Client| {
            c.get_job_manifest(JOB).send()
        })
        .await;
        assert!(err
            .as_service()
            .is_some_and(|k| k.is_invalid_job_state_exception()));
        assert_eq!(err.request_id(), Some("s3-style-id"));
    }
}
