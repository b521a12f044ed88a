//! The generated server side (`server` feature) over loopback HTTP: our own client calls
//! a router over a small in-test implementation of each service trait, in every protocol
//! the models list (Snowball: RPC v2 CBOR and awsJson 1.1; Import/Export: awsQuery), and
//! the values round-trip, modeled errors included. Raw requests check what the router
//! says to an unknown operation, a malformed body and an unsupported content type.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use awsrt::internal::server::{serve, Dispatch, GenericError, HandlerError};
use e2e::credentials;
use snowball::operation::create_address::{
    CreateAddressError, CreateAddressInput, CreateAddressOutput,
};
use snowball::operation::describe_address::{
    DescribeAddressError, DescribeAddressInput, DescribeAddressOutput,
};
use snowball::operation::list_jobs::{ListJobsError, ListJobsInput, ListJobsOutput};
use snowball::types::{Address, InvalidResourceException, JobListEntry, JobState, JobType};
use snowball::{DateTime, Protocol};

/// Snowball with addresses in memory and a fixed job list.
#[derive(Default)]
struct Snow {
    addresses: Mutex<HashMap<String, Address>>,
}

impl snowball::server::Service for Snow {
    async fn create_address(
        &self,
        input: CreateAddressInput,
    ) -> Result<CreateAddressOutput, HandlerError<CreateAddressError>> {
        let id = format!("ADID{:08}-0000-4000-8000-000000000000", self.len());
        let address = input.address.address_id(id.clone());
        self.addresses
            .lock()
            .map_err(|_| GenericError::internal("poisoned"))?
            .insert(id.clone(), address);
        Ok(CreateAddressOutput::new().address_id(id))
    }

    async fn describe_address(
        &self,
        input: DescribeAddressInput,
    ) -> Result<DescribeAddressOutput, HandlerError<DescribeAddressError>> {
        let found = self
            .addresses
            .lock()
            .map_err(|_| GenericError::internal("poisoned"))?
            .get(&input.address_id)
            .cloned();
        match found {
            Some(a) => Ok(DescribeAddressOutput::new().address(a)),
            None => Err(DescribeAddressError::InvalidResourceException(
                InvalidResourceException::new()
                    .message(format!("no address {}", input.address_id))
                    .resource_type("ADDRESS"),
            )
            .into()),
        }
    }

    async fn list_jobs(
        &self,
        input: ListJobsInput,
    ) -> Result<ListJobsOutput, HandlerError<ListJobsError>> {
        let n = input.max_results.unwrap_or(2);
        let entries = (0..n)
            .map(|i| {
                JobListEntry::new()
                    .job_id(format!("JID{i}"))
                    .job_state(JobState::InTransitToCustomer)
                    .job_type(JobType::Import)
                    .is_master(i == 0)
                    .creation_date(DateTime::from_millis(1_700_000_000_123 + i64::from(i)))
                    .description("caf\u{e9} <&>")
            })
            .collect();
        Ok(ListJobsOutput::new()
            .job_list_entries(entries)
            .next_token("t2"))
    }
}

impl Snow {
    fn len(&self) -> usize {
        self.addresses.lock().map(|a| a.len()).unwrap_or(0)
    }
}

/// Import/Export with jobs in memory.
#[derive(Default)]
struct Ie {
    jobs: Mutex<Vec<(String, importexport::types::JobType, String)>>,
}

impl importexport::server::Service for Ie {
    async fn create_job(
        &self,
        input: importexport::operation::create_job::CreateJobInput,
    ) -> Result<
        importexport::operation::create_job::CreateJobOutput,
        HandlerError<importexport::operation::create_job::CreateJobError>,
    > {
        let mut jobs = self
            .jobs
            .lock()
            .map_err(|_| GenericError::internal("poisoned"))?;
        let id = format!("JOB{}", jobs.len());
        jobs.push((id.clone(), input.job_type.clone(), input.manifest));
        Ok(importexport::operation::create_job::CreateJobOutput::new()
            .job_id(id)
            .job_type(input.job_type)
            .artifact_list(vec![
                importexport::types::Artifact::new()
                    .description("label")
                    .url("http://x/1"),
                importexport::types::Artifact::new().description("sig"),
            ]))
    }

    async fn get_status(
        &self,
        input: importexport::operation::get_status::GetStatusInput,
    ) -> Result<
        importexport::operation::get_status::GetStatusOutput,
        HandlerError<importexport::operation::get_status::GetStatusError>,
    > {
        use importexport::operation::get_status::{GetStatusError, GetStatusOutput};
        let jobs = self
            .jobs
            .lock()
            .map_err(|_| GenericError::internal("poisoned"))?;
        match jobs.iter().find(|(id, _, _)| *id == input.job_id) {
            Some((id, ty, manifest)) => Ok(GetStatusOutput::new()
                .job_id(id.clone())
                .job_type(ty.clone())
                .current_manifest(manifest.clone())
                .error_count(0)
                .creation_date(DateTime::from_secs(1_700_000_000))),
            None => Err(GetStatusError::InvalidJobIdException(
                importexport::types::InvalidJobIdException::new()
                    .message(format!("no job {}", input.job_id)),
            )
            .into()),
        }
    }
}

/// Serves `services` on a free loopback port.
async fn start(services: Vec<Arc<dyn Dispatch>>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(serve(listener, services));
    addr
}

async fn snowball_server() -> SocketAddr {
    start(vec![Arc::new(
        snowball::server::router(Snow::default()).server_name("test-server"),
    )])
    .await
}

fn snowball_client(addr: SocketAddr, protocol: Protocol) -> snowball::Client {
    snowball::Client::new(e2e::config(addr, protocol))
}

#[tokio::test]
async fn snowball_values_and_errors_round_trip_over_cbor_and_json() {
    for protocol in [Protocol::RpcV2Cbor, Protocol::AwsJson1_1] {
        let addr = snowball_server().await;
        let client = snowball_client(addr, protocol);
        let address = Address::new()
            .name("Jane Doe")
            .street1("1 Main St")
            .city("Seattle")
            .country("US")
            .phone_number("+1 555 0100")
            .is_restricted(false);
        let id = client
            .create_address(address.clone())
            .send()
            .await
            .expect("create_address")
            .address_id
            .expect("an id");
        assert!(id.starts_with("ADID"), "{id}");
        let got = client
            .describe_address(id.clone())
            .send()
            .await
            .expect("describe_address")
            .address
            .expect("the address");
        assert_eq!(got, address.address_id(id), "{protocol:?}");

        let jobs = client
            .list_jobs()
            .max_results(3)
            .send()
            .await
            .expect("list_jobs");
        let entries = jobs.job_list_entries.expect("entries");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[1].job_id.as_deref(), Some("JID1"));
        assert_eq!(entries[1].job_state, Some(JobState::InTransitToCustomer));
        assert_eq!(entries[0].is_master, Some(true));
        assert_eq!(
            entries[2].creation_date,
            Some(DateTime::from_millis(1_700_000_000_125)),
            "{protocol:?}: milliseconds survive"
        );
        assert_eq!(entries[0].description.as_deref(), Some("caf\u{e9} <&>"));
        assert_eq!(jobs.next_token.as_deref(), Some("t2"));

        // A modeled error: its kind, members, code, message, status and request id.
        let err = client
            .describe_address("ADID00000000-0000-4000-8000-999999999999")
            .send()
            .await
            .expect_err("unknown address");
        let kind = err.as_service().expect("a service error");
        match kind {
            DescribeAddressError::InvalidResourceException(e) => {
                assert_eq!(e.resource_type.as_deref(), Some("ADDRESS"));
            }
            other => panic!("{protocol:?}: {other:?}"),
        }
        assert_eq!(err.code(), Some("InvalidResourceException"));
        assert_eq!(
            err.message(),
            Some("no address ADID00000000-0000-4000-8000-999999999999")
        );
        assert_eq!(err.status(), Some(400));
        assert_eq!(err.request_id().map(str::len), Some(36), "{err:?}");
        assert_eq!(err.attempts(), 1);

        // An operation the implementation leaves alone: 501, not retried.
        let err = client
            .cancel_job("JID123e4567-e89b-12d3-a456-426655440000")
            .send()
            .await
            .expect_err("not implemented");
        assert_eq!(err.code(), Some("NotImplemented"), "{err:?}");
        assert_eq!(err.status(), Some(501));
        assert_eq!(
            err.message(),
            Some("CancelJob is not implemented yet in test-server")
        );
        assert_eq!(err.attempts(), 1);
    }
}

/// One raw HTTP/1.1 POST: status, lower-cased headers, body.
async fn raw(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, HashMap<String, String>, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.expect("write");
    s.write_all(body).await.expect("write body");
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.expect("read");
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&out[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, out[split + 4..].to_vec())
}

fn json_error(body: &[u8]) -> (String, String) {
    let v: serde_json::Value = serde_json::from_slice(body).expect("a JSON error body");
    (
        v["__type"].as_str().unwrap_or_default().to_string(),
        v["message"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test]
async fn json_requests_the_router_cannot_serve_get_the_services_errors() {
    let addr = snowball_server().await;
    let json = "application/x-amz-json-1.1";
    let target = |op: &str| format!("AWSIESnowballJobManagementService.{op}");

    let t = target("NoSuchOperation");
    let (status, headers, body) = raw(
        addr,
        "/",
        &[("Content-Type", json), ("X-Amz-Target", &t)],
        b"{}",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(json_error(&body).0, "UnknownOperationException");
    assert_eq!(headers["content-type"], json);
    assert_eq!(headers["x-amzn-requestid"].len(), 36);

    let t = target("DescribeAddress");
    for (body, code) in [
        (&b"{\"AddressId\": "[..], "SerializationException"),
        (b"[1, 2]", "SerializationException"),
        (b"{\"AddressId\": 7}", "SerializationException"),
        // Well-formed, but the required member is missing.
        (b"{}", "ValidationException"),
    ] {
        let (status, _, reply) = raw(
            addr,
            "/",
            &[("Content-Type", json), ("X-Amz-Target", &t)],
            body,
        )
        .await;
        let (ty, message) = json_error(&reply);
        assert_eq!((status, ty.as_str()), (400, code), "{message}");
        assert!(!message.is_empty());
    }

    let (status, _, body) = raw(
        addr,
        "/",
        &[("Content-Type", "text/plain"), ("X-Amz-Target", &t)],
        b"{}",
    )
    .await;
    assert_eq!(status, 415);
    assert_eq!(json_error(&body).0, "UnsupportedMediaTypeException");

    // Nothing names an operation.
    let (status, _, body) = raw(addr, "/", &[("Content-Type", json)], b"{}").await;
    assert_eq!(status, 400);
    assert_eq!(json_error(&body).0, "UnknownOperationException");
}

#[tokio::test]
async fn cbor_requests_the_router_cannot_serve_get_the_services_errors() {
    let addr = snowball_server().await;
    let cbor_error = |body: &[u8]| -> String {
        let v = awsrt::internal::cbor::decode_value(body).expect("a CBOR error body");
        format!("{v:?}")
    };
    let cbor = [
        ("Content-Type", "application/cbor"),
        ("smithy-protocol", "rpc-v2-cbor"),
    ];
    let (status, headers, body) = raw(
        addr,
        "/service/AWSIESnowballJobManagementService/operation/NoSuchOperation",
        &cbor,
        &[0xa0],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(headers["smithy-protocol"], "rpc-v2-cbor");
    assert!(cbor_error(&body).contains("UnknownOperationException"));

    // A truncated map, and a string where a structure belongs.
    for bad in [&[0xa1, 0x69][..], &[0x61, b'x']] {
        let (status, _, body) = raw(
            addr,
            "/service/AWSIESnowballJobManagementService/operation/DescribeAddress",
            &cbor,
            bad,
        )
        .await;
        assert_eq!(status, 400);
        assert!(
            cbor_error(&body).contains("SerializationException"),
            "{bad:?}"
        );
    }

    let (status, _, _) = raw(
        addr,
        "/service/AWSIESnowballJobManagementService/operation/ListJobs",
        &[
            ("Content-Type", "application/json"),
            ("smithy-protocol", "rpc-v2-cbor"),
        ],
        b"{}",
    )
    .await;
    assert_eq!(status, 415);
}

async fn importexport_server() -> SocketAddr {
    start(vec![Arc::new(importexport::server::router(Ie::default()))]).await
}

#[tokio::test]
async fn importexport_values_and_errors_round_trip_over_query() {
    let addr = importexport_server().await;
    let client = importexport::Client::new(
        importexport::Config::new()
            .region("us-east-1")
            .endpoint_url(format!("http://{addr}"))
            .credentials(credentials()),
    );
    let validate_only = false;
    let manifest = "manifestVersion: 2.0\nbucket: b & c";
    let created = client
        .create_job(
            importexport::types::JobType::Import,
            manifest,
            validate_only,
        )
        .send()
        .await
        .expect("create_job");
    assert_eq!(created.job_id.as_deref(), Some("JOB0"));
    assert_eq!(created.job_type, Some(importexport::types::JobType::Import));
    let artifacts = created.artifact_list.expect("artifacts");
    assert_eq!(artifacts.len(), 2);
    assert_eq!(artifacts[0].url.as_deref(), Some("http://x/1"));

    let status = client.get_status("JOB0").send().await.expect("get_status");
    assert_eq!(status.current_manifest.as_deref(), Some(manifest));
    assert_eq!(status.error_count, Some(0));
    assert_eq!(
        status.creation_date,
        Some(DateTime::from_secs(1_700_000_000))
    );

    let err = client.get_status("NOPE").send().await.expect_err("no job");
    assert!(
        err.as_service()
            .is_some_and(|k| k.is_invalid_job_id_exception()),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("InvalidJobIdException"));
    assert_eq!(err.message(), Some("no job NOPE"));
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.request_id().map(str::len), Some(36));

    let err = client
        .list_jobs()
        .send()
        .await
        .expect_err("not implemented");
    assert_eq!(err.code(), Some("NotImplemented"));
    assert_eq!(err.status(), Some(501));
    assert_eq!(
        err.message(),
        Some("ListJobs is not implemented yet in this server")
    );
}

#[tokio::test]
async fn query_requests_the_router_cannot_serve_get_the_services_errors() {
    let addr = importexport_server().await;
    let form = [(
        "Content-Type",
        "application/x-www-form-urlencoded; charset=utf-8",
    )];
    let code = |body: &[u8]| {
        let root = awsrt::internal::xml::Element::parse(body).expect("an XML error body");
        assert_eq!(root.name, "ErrorResponse");
        assert_eq!(root.text_at(&["RequestId"]).map(str::len), Some(36));
        assert_eq!(root.text_at(&["Error", "Type"]), Some("Sender"));
        root.text_at(&["Error", "Code"])
            .unwrap_or_default()
            .to_string()
    };
    for (body, want) in [
        (
            &b"Action=NoSuchAction&Version=2010-06-01"[..],
            "InvalidAction",
        ),
        (b"Action=GetStatus&Version=2010-06-01", "MissingParameter"),
        (
            b"Action=GetStatus&Version=2010-06-01&JobId=%zz",
            "MalformedQueryString",
        ),
        (
            b"Action=ListJobs&Version=2010-06-01&MaxJobs=many",
            "InvalidParameterValue",
        ),
        (
            b"Action=GetStatus&Version=1999-01-01&JobId=x",
            "NoSuchVersion",
        ),
        (b"Version=2010-06-01", "MissingAction"),
    ] {
        let (status, headers, reply) = raw(addr, "/", &form, body).await;
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(body));
        assert_eq!(code(&reply), want, "{}", String::from_utf8_lossy(&reply));
        assert_eq!(headers["content-type"], "text/xml");
    }
}
