//! SigV4 signatures computed with botocore for real request shapes (aws-behaviors.md section 4)
//! and the AWS suite's vanilla cases, driven through the public API only.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use awsrt::internal::sigv4::{self, RequestParts, SigningParams, SigningSettings};
use bytes::Bytes;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const HOST: &str = "snowball.us-east-1.amazonaws.com";
const TARGET_PREFIX: &str = "AWSIESnowballJobManagementService";

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// 2024-01-02T03:04:05Z, the instant of the computed vectors.
fn jan_2024() -> SystemTime {
    at(1_704_164_645)
}

fn params<'a>(
    token: Option<&'a str>,
    service: &'static str,
    time: SystemTime,
) -> SigningParams<'a> {
    SigningParams {
        access_key_id: AKID,
        secret_access_key: SECRET,
        session_token: token,
        region: "us-east-1",
        service,
        time,
    }
}

fn signature_of(request: &http::Request<Bytes>) -> (String, String) {
    let auth = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let signed = auth
        .split(", ")
        .find_map(|p| p.strip_prefix("SignedHeaders="))
        .unwrap_or_default();
    let signature = auth
        .split(", ")
        .find_map(|p| p.strip_prefix("Signature="))
        .unwrap_or_default();
    (signed.to_owned(), signature.to_owned())
}

fn json_list_jobs() -> http::Request<Bytes> {
    http::Request::builder()
        .method("POST")
        .uri(format!("https://{HOST}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("{TARGET_PREFIX}.ListJobs"))
        .body(Bytes::from_static(b"{}"))
        .unwrap_or_default()
}

fn cbor_list_jobs() -> http::Request<Bytes> {
    http::Request::builder()
        .method("POST")
        .uri(format!(
            "https://{HOST}/service/{TARGET_PREFIX}/operation/ListJobs"
        ))
        .header("accept", "application/cbor")
        .header("content-type", "application/cbor")
        .header("smithy-protocol", "rpc-v2-cbor")
        .body(Bytes::from_static(&[0xa0]))
        .unwrap_or_default()
}

#[test]
fn json_list_jobs_matches_botocore() {
    let mut req = json_list_jobs();
    assert_eq!(
        sigv4::sign(&mut req, &params(None, "snowball", jan_2024())),
        Ok(())
    );
    assert_eq!(
        signature_of(&req),
        (
            "content-type;host;x-amz-date;x-amz-target".to_owned(),
            "9433cb2ce7f19c91155d9b962040d32eb04535cc175f7135d56fdc6ea0ad0153".to_owned()
        )
    );
    assert!(sigv4::payload_hash(b"{}").starts_with("44136fa3"));
}

#[test]
fn json_list_jobs_with_token_matches_botocore() {
    let mut req = json_list_jobs();
    let p = params(Some("SESSIONTOKEN"), "snowball", jan_2024());
    assert_eq!(sigv4::sign(&mut req, &p), Ok(()));
    assert_eq!(
        signature_of(&req).1,
        "e44df6007017b2121998b980f847d25266a3f0c71c357dcd9c6a7aae7559741c"
    );
    assert_eq!(
        req.headers()
            .get("x-amz-security-token")
            .map(|v| v.as_bytes()),
        Some(&b"SESSIONTOKEN"[..])
    );
}

#[test]
fn cbor_list_jobs_matches_botocore() {
    let mut req = cbor_list_jobs();
    assert_eq!(
        sigv4::sign(&mut req, &params(None, "snowball", jan_2024())),
        Ok(())
    );
    assert_eq!(
        signature_of(&req),
        (
            "accept;content-type;host;smithy-protocol;x-amz-date".to_owned(),
            "a255c2220ef064103483ee468ea662cffbc4142633e71f759e202ccf63bb48cd".to_owned()
        )
    );
}

#[test]
fn cbor_list_jobs_with_token_matches_botocore() {
    let mut req = cbor_list_jobs();
    let p = params(Some("SESSIONTOKEN"), "snowball", jan_2024());
    assert_eq!(sigv4::sign(&mut req, &p), Ok(()));
    assert_eq!(
        signature_of(&req).1,
        "be478910d75196a8c787d143eaf8ba912910250454ecd15ee965b12b6af4030c"
    );
}

#[test]
fn a_cached_signer_gives_the_same_signatures_across_calls() {
    let signer = sigv4::Signer::default();
    let p = params(None, "snowball", jan_2024());
    for _ in 0..3 {
        let mut req = json_list_jobs();
        assert_eq!(signer.sign(&mut req, &p), Ok(()));
        assert_eq!(
            signature_of(&req).1,
            "9433cb2ce7f19c91155d9b962040d32eb04535cc175f7135d56fdc6ea0ad0153"
        );
    }
}

#[test]
fn aws_suite_vanilla_cases_through_parts() {
    // 2015-08-30T12:36:00Z, service `service`.
    let p = params(None, "service", at(1_440_938_160));
    let headers = [("Host", "example.amazonaws.com")];
    for (method, expected) in [
        (
            "GET",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        ),
        (
            "POST",
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
        ),
    ] {
        let parts = RequestParts {
            method,
            path: "/",
            query: "",
            headers: &headers,
            payload_hash: sigv4::EMPTY_PAYLOAD_SHA256,
        };
        let signed = sigv4::sign_parts(&p, &SigningSettings::default(), &parts);
        assert_eq!(
            signed.map(|s| s.signature).as_deref(),
            Ok(expected),
            "{method}"
        );
    }
}

#[test]
fn canonical_request_and_string_to_sign_of_get_vanilla() {
    let headers = [
        ("Host", "example.amazonaws.com"),
        ("X-Amz-Date", "20150830T123600Z"),
    ];
    let parts = RequestParts {
        method: "GET",
        path: "/",
        query: "",
        headers: &headers,
        payload_hash: sigv4::EMPTY_PAYLOAD_SHA256,
    };
    let (creq, signed) = sigv4::canonical_request(&parts, &SigningSettings::default());
    assert_eq!(
        creq,
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(signed, "host;x-amz-date");
    assert_eq!(
        sigv4::string_to_sign("20150830T123600Z", "us-east-1", "service", &creq),
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
         bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
    );
}

#[test]
fn presigned_get_vanilla() {
    let p = params(None, "service", at(1_440_938_160));
    let headers = [("Host", "example.amazonaws.com")];
    let parts = RequestParts {
        method: "GET",
        path: "/",
        query: "",
        headers: &headers,
        payload_hash: sigv4::EMPTY_PAYLOAD_SHA256,
    };
    let presigned = sigv4::presign_parts(
        &p,
        &SigningSettings::default(),
        &parts,
        Duration::from_secs(3600),
    );
    let presigned = presigned.map(|p| (p.signature, p.query));
    assert_eq!(
        presigned,
        Ok((
            "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d".to_owned(),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request\
             &X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
                .to_owned()
        ))
    );
}
