//! Every AWS Import/Export operation (awsQuery) over real HTTP to a loopback server: the
//! form body that arrives (as decoded `key=value` pairs, against bodies written by hand
//! from the botocore model and the vectors in aws-behaviors.md section 3), the SigV4
//! scope (`IngestionService`), and what the client makes of canned XML responses and
//! errors in both of botocore's error forms. Plus the ListJobs paginator
//! (`Jobs[-1].JobId`, `IsTruncated`) and the default endpoint from the rules.

use e2e::{credentials, verify_sigv4, Recorded, Reply, Server};
use futures_util::TryStreamExt;
use importexport::types::JobType;
use importexport::{Client, Config, DateTime, SdkError};

const NS: &str = "http://importexport.amazonaws.com/doc/2010-06-01/";
const REGION: &str = "eu-west-1";

fn client(server: &Server) -> Client {
    Client::new(
        Config::new()
            .region(REGION)
            .endpoint_url(server.url())
            .credentials(credentials())
            .initial_backoff(std::time::Duration::from_millis(1)),
    )
}

/// `<OpResponse><OpResult>{result}</OpResult><ResponseMetadata>..` as the service sends it.
fn ok(op: &str, result: &str) -> Reply {
    Reply::new(200)
        .header("Content-Type", "text/xml")
        .body(format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<{op}Response xmlns="{NS}">
  <{op}Result>{result}</{op}Result>
  <ResponseMetadata><RequestId>rid-{op}</RequestId></ResponseMetadata>
</{op}Response>"#
        ))
}

/// The form body as sorted, decoded pairs (`+` is a space).
fn pairs(body: &[u8]) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("hex digits");
                    out.push(u8::from_str_radix(hex, 16).expect("a %XX escape"));
                    i += 2;
                }
                c => {
                    assert!(
                        c.is_ascii_alphanumeric() || b"-_.~=".contains(&c),
                        "{:?} should be percent-encoded in {s:?}",
                        c as char
                    );
                    out.push(c)
                }
            }
            i += 1;
        }
        String::from_utf8(out).expect("UTF-8")
    }
    let text = std::str::from_utf8(body).expect("an ASCII form body");
    let mut v: Vec<(String, String)> = text
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (decode(k), decode(v))
        })
        .collect();
    v.sort();
    v
}

/// Checks what every awsQuery request carries and that its body holds exactly `want`
/// (besides `Action` and `Version`, which must come first).
fn check(req: &Recorded, action: &str, want: &[(&str, &str)]) {
    assert_eq!(req.method, "POST");
    // botocore ignores the modeled `requestUri` (`/?Operation=X`).
    assert_eq!(req.target, "/");
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_eq!(req.header("x-amz-target"), None);
    let prefix = format!("Action={action}&Version=2010-06-01");
    let body = std::str::from_utf8(&req.body).expect("ASCII body");
    assert!(body.starts_with(&prefix), "{body}");
    let mut expected: Vec<(String, String)> = [("Action", action), ("Version", "2010-06-01")]
        .iter()
        .chain(want)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    expected.sort();
    assert_eq!(pairs(&req.body), expected, "{body}");
    let sig = verify_sigv4(req).expect("a valid SigV4 signature");
    // botocore: with an endpoint URL the rules give no authSchemes, but the signing name
    // stays `IngestionService`, and the region is the client's.
    assert_eq!(
        (sig.region.as_str(), sig.service.as_str()),
        (REGION, "IngestionService")
    );
    assert!(sig
        .signed_headers
        .contains(&"x-amz-security-token".to_string()));
}

#[tokio::test]
async fn create_job() {
    let server = Server::queue([ok(
        "CreateJob",
        "<JobId>ABCDE</JobId><JobType>Import</JobType><Signature>sig+/=</Signature>\
         <SignatureFileContents>version:2.0</SignatureFileContents>\
         <WarningMessage>careful &amp; quick</WarningMessage>\
         <ArtifactList><member><Description>Label</Description><URL>https://x/label.pdf</URL></member>\
         <member><Description>Other</Description></member></ArtifactList>",
    )])
    .await;
    let out = client(&server)
        .create_job(JobType::Import, "manifestVersion: 2.0\nbucket: b", false)
        .manifest_addendum("a: b")
        .api_version("2010-06-01")
        .send()
        .await
        .expect("CreateJob succeeds");
    check(
        &server.single_request(),
        "CreateJob",
        &[
            ("JobType", "Import"),
            ("Manifest", "manifestVersion: 2.0\nbucket: b"),
            ("ManifestAddendum", "a: b"),
            ("ValidateOnly", "false"),
            ("APIVersion", "2010-06-01"),
        ],
    );
    // The aws-behaviors.md vector: `:` and space as botocore encodes them.
    let body = String::from_utf8(server.single_request().body).unwrap();
    assert!(body.contains("&ManifestAddendum=a%3A+b&"), "{body}");
    assert_eq!(out.job_id.as_deref(), Some("ABCDE"));
    assert_eq!(out.job_type, Some(JobType::Import));
    assert_eq!(out.signature.as_deref(), Some("sig+/="));
    assert_eq!(out.warning_message.as_deref(), Some("careful & quick"));
    let artifacts = out.artifact_list.expect("artifacts");
    assert_eq!(artifacts.len(), 2);
    assert_eq!(artifacts[0].url.as_deref(), Some("https://x/label.pdf"));
    assert_eq!(artifacts[1].description.as_deref(), Some("Other"));
    assert_eq!(artifacts[1].url, None);
}

#[tokio::test]
async fn get_status() {
    let server = Server::queue([ok(
        "GetStatus",
        "<JobId>ABCDE</JobId><JobType>Export</JobType><LocationCode>AtAWS</LocationCode>\
         <ProgressCode>Pending</ProgressCode><ErrorCount>3</ErrorCount>\
         <CreationDate>2010-03-28T20:27:35Z</CreationDate><Carrier>UPS</Carrier>\
         <NewMember><Nested>ignored</Nested></NewMember>\
         <ArtifactList/>",
    )])
    .await;
    let out = client(&server)
        .get_status("ABCDE")
        .send()
        .await
        .expect("GetStatus succeeds");
    check(&server.single_request(), "GetStatus", &[("JobId", "ABCDE")]);
    assert_eq!(out.job_id.as_deref(), Some("ABCDE"));
    assert_eq!(out.job_type, Some(JobType::Export));
    assert_eq!(out.location_code.as_deref(), Some("AtAWS"));
    assert_eq!(out.error_count, Some(3));
    assert_eq!(out.creation_date, Some(DateTime::from_secs(1_269_808_055)));
    assert_eq!(out.carrier.as_deref(), Some("UPS"));
    assert_eq!(out.tracking_number, None);
    assert_eq!(out.artifact_list, Some(vec![]));
}

#[tokio::test]
async fn update_job() {
    let server = Server::queue([ok(
        "UpdateJob",
        "<Success>true</Success><WarningMessage></WarningMessage>",
    )])
    .await;
    let out = client(&server)
        .update_job("ABCDE", "m", JobType::Export, true)
        .send()
        .await
        .expect("UpdateJob succeeds");
    check(
        &server.single_request(),
        "UpdateJob",
        &[
            ("JobId", "ABCDE"),
            ("Manifest", "m"),
            ("JobType", "Export"),
            ("ValidateOnly", "true"),
        ],
    );
    assert_eq!(out.success, Some(true));
    assert_eq!(out.warning_message.as_deref(), Some(""));
    assert_eq!(out.artifact_list, None);
}

#[tokio::test]
async fn cancel_job() {
    let server = Server::queue([ok("CancelJob", "<Success>false</Success>")]).await;
    let out = client(&server)
        .cancel_job("ABCDE")
        .send()
        .await
        .expect("CancelJob succeeds");
    check(&server.single_request(), "CancelJob", &[("JobId", "ABCDE")]);
    assert_eq!(out.success, Some(false));
}

#[tokio::test]
async fn get_shipping_label() {
    let server = Server::queue([ok(
        "GetShippingLabel",
        "<ShippingLabelURL>https://x/l.pdf</ShippingLabelURL><Warning>w</Warning>",
    )])
    .await;
    let out = client(&server)
        .get_shipping_label(vec!["ABC".into(), "DEF".into()])
        .name("Jane Doe")
        .street1("1 Main St. #2")
        .send()
        .await
        .expect("GetShippingLabel succeeds");
    check(
        &server.single_request(),
        "GetShippingLabel",
        &[
            ("jobIds.member.1", "ABC"),
            ("jobIds.member.2", "DEF"),
            ("name", "Jane Doe"),
            ("street1", "1 Main St. #2"),
        ],
    );
    let body = String::from_utf8(server.single_request().body).unwrap();
    assert!(
        body.contains("&jobIds.member.1=ABC&jobIds.member.2=DEF&name=Jane+Doe"),
        "{body}"
    );
    assert_eq!(out.shipping_label_url.as_deref(), Some("https://x/l.pdf"));
    assert_eq!(out.warning.as_deref(), Some("w"));
}

#[tokio::test]
async fn get_shipping_label_sends_an_empty_list_as_botocore_does() {
    let server = Server::queue([ok("GetShippingLabel", "")]).await;
    let out = client(&server)
        .get_shipping_label(vec![])
        .send()
        .await
        .expect("GetShippingLabel succeeds");
    check(
        &server.single_request(),
        "GetShippingLabel",
        &[("jobIds", "")],
    );
    assert_eq!(out.shipping_label_url, None);
}

fn jobs_page(ids: &[&str], truncated: Option<bool>) -> Reply {
    let mut xml = String::from("<Jobs>");
    for id in ids {
        xml.push_str(&format!(
            "<member><JobId>{id}</JobId><CreationDate>2010-03-28T20:27:35.250Z</CreationDate>\
             <IsCanceled>false</IsCanceled><JobType>Import</JobType></member>"
        ));
    }
    xml.push_str("</Jobs>");
    if let Some(t) = truncated {
        xml.push_str(&format!("<IsTruncated>{t}</IsTruncated>"));
    }
    ok("ListJobs", &xml)
}

#[tokio::test]
async fn list_jobs() {
    let server = Server::queue([jobs_page(&["A", "B"], Some(false))]).await;
    let out = client(&server)
        .list_jobs()
        .max_jobs(10)
        .send()
        .await
        .expect("ListJobs succeeds");
    // The aws-behaviors.md vector, byte for byte.
    assert_eq!(
        server.single_request().body,
        b"Action=ListJobs&Version=2010-06-01&MaxJobs=10"
    );
    check(&server.single_request(), "ListJobs", &[("MaxJobs", "10")]);
    let jobs = out.jobs.expect("jobs");
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[1].job_id.as_deref(), Some("B"));
    assert_eq!(jobs[0].is_canceled, Some(false));
    assert_eq!(
        jobs[0].creation_date,
        DateTime::from_parts(1_269_808_055, 250_000_000)
    );
    assert_eq!(out.is_truncated, Some(false));
}

#[tokio::test]
async fn list_jobs_paginator_follows_the_last_job_id_until_not_truncated() {
    let server = Server::queue([
        jobs_page(&["A", "B"], Some(true)),
        jobs_page(&["C"], Some(true)),
        jobs_page(&["D"], Some(false)),
        // Never asked for: IsTruncated=false stops the paginator.
        jobs_page(&["E"], Some(false)),
    ])
    .await;
    let ids: Vec<String> = client(&server)
        .list_jobs()
        .into_paginator()
        .page_size(2)
        .items()
        .map_ok(|j| j.job_id.unwrap_or_default())
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids, ["A", "B", "C", "D"]);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    check(&reqs[0], "ListJobs", &[("MaxJobs", "2")]);
    check(&reqs[1], "ListJobs", &[("MaxJobs", "2"), ("Marker", "B")]);
    check(&reqs[2], "ListJobs", &[("MaxJobs", "2"), ("Marker", "C")]);
}

#[tokio::test]
async fn list_jobs_paginator_stops_without_is_truncated() {
    let server = Server::queue([jobs_page(&["A"], None), jobs_page(&["B"], None)]).await;
    let pages: Vec<_> = client(&server)
        .list_jobs()
        .into_paginator()
        .try_collect()
        .await
        .expect("one page");
    assert_eq!(pages.len(), 1);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn modeled_errors_in_both_forms() {
    let error_response = Reply::new(400).header("Content-Type", "text/xml").body(
        r#"<ErrorResponse xmlns="http://importexport.amazonaws.com/doc/2010-06-01/">
  <Error><Type>Sender</Type><Code>InvalidJobIdException</Code>
    <Message>No such job ABCDE</Message></Error>
  <RequestId>rid-error-1</RequestId>
</ErrorResponse>"#,
    );
    let legacy = Reply::new(400).header("Content-Type", "text/xml").body(
        "<Response><Errors><Error><Code>ExpiredJobIdException</Code>\
         <Message>Too old</Message></Error></Errors><RequestID>rid-error-2</RequestID></Response>",
    );
    let server = Server::queue([error_response, legacy]).await;
    let c = client(&server);

    let e = c.get_status("ABCDE").send().await.expect_err("an error");
    assert_eq!(e.code(), Some("InvalidJobIdException"));
    assert_eq!(e.message(), Some("No such job ABCDE"));
    assert_eq!(e.request_id(), Some("rid-error-1"));
    assert!(
        matches!(
            e.as_service(),
            Some(importexport::operation::get_status::GetStatusError::InvalidJobIdException(_))
        ),
        "{e:?}"
    );

    let e = c.cancel_job("ABCDE").send().await.expect_err("an error");
    assert!(
        e.as_service()
            .is_some_and(|k| k.is_expired_job_id_exception()),
        "{e:?}"
    );
    assert_eq!(e.message(), Some("Too old"));
    assert_eq!(e.request_id(), Some("rid-error-2"));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn unmodeled_error_codes_and_bad_bodies() {
    // 5xx with HTML is known by its status only (and retried: answer every attempt alike).
    let server = Server::start(|req: &Recorded| {
        if req.body.windows(8).any(|w| w == b"MaxJobs=") {
            Reply::new(503).body("<html>busy</html>")
        } else if req.body.windows(6).any(|w| w == b"JobId=") {
            Reply::new(400).body(
                "<ErrorResponse><Error><Code>SomethingNew</Code><Message>m</Message></Error>\
                 <RequestId>r</RequestId></ErrorResponse>",
            )
        } else {
            Reply::new(200).body("<ListJobsResponse><ListJobsResult><Jobs>")
        }
    })
    .await;
    let c = client(&server);

    let e = c.get_status("X").send().await.expect_err("an error");
    assert_eq!(e.code(), Some("SomethingNew"));
    assert!(e.as_service().is_some_and(|k| k.is_unhandled()), "{e:?}");

    let e = c
        .list_jobs()
        .max_jobs(1)
        .send()
        .await
        .expect_err("an error");
    assert_eq!(e.meta().map(|m| m.status), Some(503), "{e:?}");

    let e = c.list_jobs().send().await.expect_err("truncated XML");
    assert!(matches!(e, SdkError::Response { .. }), "{e:?}");
}

#[tokio::test]
async fn default_endpoint_and_signing_come_from_the_rules() {
    let transport = importexport::TestTransport::new();
    transport.push_response(200, &[], "<ListJobsResponse/>");
    let c = Client::new(
        Config::new()
            .region(REGION)
            .credentials(credentials())
            .transport(transport.clone()),
    );
    let out = c.list_jobs().send().await.expect("ListJobs succeeds");
    assert_eq!(out.jobs, None);
    let req = &transport.requests()[0];
    assert_eq!(req.uri().to_string(), "https://importexport.amazonaws.com/");
    let auth = req.headers()["authorization"].to_str().unwrap();
    assert!(
        auth.contains("/us-east-1/IngestionService/aws4_request"),
        "{auth}"
    );
}
