//! Doubles over real HTTP with the generated Snowball client: every value of a table of
//! hard cases is sent and read back bit for bit, on both protocols, including integral
//! doubles another encoder writes as CBOR integers (`-(2^53 + 2)` used to come back as
//! `-2^53`). The bodies are built and read here with exact parsers, not the client's
//! writers, so a codec bug cannot cancel itself out.

use awsrt::Protocol;
use e2e::{client, Reply, ReplyExt, Server};
use snowball::types::{OnDeviceServiceConfiguration, S3OnDeviceServiceConfiguration};

const HARD: &[&str] = &[
    "2.5e-308",
    "5e-324",
    "2.2250738585072009e-308",
    "9007199254740993",
    "9007199254740994",
    "-9007199254740994",
    "1e23",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "123456789012345.67",
    "-0.0",
];

const KEYS: [&str; 4] = [
    "JobMetadata",
    "OnDeviceServiceConfiguration",
    "S3OnDeviceService",
    "StorageLimit",
];

fn cbor_text(out: &mut Vec<u8>, s: &str) {
    if s.len() < 24 {
        out.push(0x60 | s.len() as u8);
    } else {
        out.extend([0x78, s.len() as u8]);
    }
    out.extend_from_slice(s.as_bytes());
}

/// The DescribeJob body holding `StorageLimit`, written as `value` (already encoded).
fn cbor_job(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for key in KEYS {
        out.push(0xa1);
        cbor_text(&mut out, key);
    }
    out.extend_from_slice(value);
    out
}

async fn storage_limit(protocol: Protocol, body: Vec<u8>) -> f64 {
    let server = Server::queue([Reply::new(200).protocol_headers(protocol).body(body)]).await;
    let out = client(&server, protocol)
        .describe_job("JID123e4567-e89b-12d3-a456-426655440000")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{protocol:?}: {e}"));
    out.job_metadata
        .and_then(|m| m.on_device_service_configuration)
        .and_then(|c| c.s3_on_device_service)
        .and_then(|s| s.storage_limit)
        .expect("StorageLimit")
}

#[tokio::test]
async fn responses_carry_every_double_exactly() {
    for text in HARD {
        let want: f64 = text.parse().unwrap();
        let body = format!(
            r#"{{"JobMetadata":{{"OnDeviceServiceConfiguration":{{"S3OnDeviceService":{{"StorageLimit":{text}}}}}}}}}"#
        );
        let got = storage_limit(Protocol::AwsJson1_1, body.into_bytes()).await;
        assert_eq!(got.to_bits(), want.to_bits(), "JSON {text}: {got:?}");

        let mut float = vec![0xfb];
        float.extend_from_slice(&want.to_bits().to_be_bytes());
        let got = storage_limit(Protocol::RpcV2Cbor, cbor_job(&float)).await;
        assert_eq!(got.to_bits(), want.to_bits(), "CBOR float {text}: {got:?}");

        // Integral values as CBOR integers (major type 0 or 1), rounded once.
        if let Ok(i) = text.parse::<i64>() {
            let mut int = Vec::new();
            let (major, arg) = if i < 0 {
                (0x3b, !(i as u64))
            } else {
                (0x1b, i as u64)
            };
            int.push(major);
            int.extend_from_slice(&arg.to_be_bytes());
            let got = storage_limit(Protocol::RpcV2Cbor, cbor_job(&int)).await;
            assert_eq!(
                got.to_bits(),
                (i as f64).to_bits(),
                "CBOR integer {text}: {got:?}"
            );
        }
    }
}

/// `StorageLimit` in a request body, through e2e's comparable form (exact for doubles).
fn sent(protocol: Protocol, body: &[u8]) -> Option<f64> {
    let v = e2e::decode_body(protocol, body).ok()?;
    let pointer: String = KEYS[1..].iter().map(|k| format!("/{k}")).collect();
    v.pointer(&pointer)?.as_f64()
}

#[tokio::test]
async fn requests_carry_every_double_exactly() {
    for protocol in [Protocol::RpcV2Cbor, Protocol::AwsJson1_1] {
        for text in HARD {
            let v: f64 = text.parse().unwrap();
            let server = Server::queue([Reply::ok(protocol, &serde_json::json!({}))]).await;
            client(&server, protocol)
                .create_job()
                .on_device_service_configuration(
                    OnDeviceServiceConfiguration::new().s3_on_device_service(
                        S3OnDeviceServiceConfiguration::new().storage_limit(v),
                    ),
                )
                .send()
                .await
                .unwrap_or_else(|e| panic!("{protocol:?} {text}: {e}"));
            let req = server.single_request();
            let got = sent(protocol, &req.body);
            assert_eq!(
                got.map(f64::to_bits),
                Some(v.to_bits()),
                "{protocol:?} {text}: {got:?}"
            );
        }
    }
}
