//! Values the AWS CLI must see unchanged, checked against `aws snowball` (the oracle, as
//! in `differential.rs`) over loopback servers:
//!
//! - every f64 of a table of hard cases (subnormals, 2^53 + 1, 1e23, 5e-324, the largest
//!   double) round-trips exactly on each path: `--cli-input-json` to the wire (JSON and
//!   CBOR), the wire to the printed output (JSON and CBOR), and the value echoed by a
//!   validation error;
//! - a response without a required member prints what it has, as the AWS CLI does
//!   (client error correction keeps the call from failing).

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use awsrt::internal::{cbor, json};
use common::{aws_cli, run, serve, Run};

/// Doubles that a sloppy parser or printer gets wrong, as JSON number literals.
const HARD: &[&str] = &[
    "2.5e-308",
    "5e-324",
    "4.9406564584124654e-324",
    "2.2250738585072009e-308",
    "2.2250738585072014e-308",
    "9007199254740993",
    "9007199254740993.0",
    "9007199254740994.0",
    "1e23",
    "8.98846567431158e307",
    "1.7976931348623157e308",
    "0.1",
    "123456789012345.67",
    "0.0",
];

/// Below the model's `min` of 0.0: both CLIs reject these, echoing the value.
const NEGATIVE: &[&str] = &["-2.5e-308", "-1e23", "-9007199254740994.0"];

fn ours() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_snowball"))
}

const JSON: &str = "application/x-amz-json-1.1";

fn cbor_headers() -> Vec<(String, String)> {
    vec![("smithy-protocol".into(), "rpc-v2-cbor".into())]
}

/// `StorageLimit` from a request body, read with the runtime's exact number parsers.
fn storage_limit(body: &[u8], is_cbor: bool) -> Option<f64> {
    const PATH: [&str; 3] = [
        "OnDeviceServiceConfiguration",
        "S3OnDeviceService",
        "StorageLimit",
    ];
    if is_cbor {
        let mut v = cbor::decode_value(body).ok()?;
        for key in PATH {
            let cbor::Value::Map(entries) = v else {
                return None;
            };
            v = entries
                .into_iter()
                .find(|(k, _)| matches!(k, cbor::Value::Text(t) if t == key))?
                .1;
        }
        match v {
            cbor::Value::Float(f) => Some(f),
            cbor::Value::Unsigned(n) => Some(n as f64),
            _ => None,
        }
    } else {
        let mut v = json::decode_value(body).ok()?;
        for key in PATH {
            let json::Value::Object(members) = v else {
                return None;
            };
            v = members.into_iter().find(|(k, _)| k == key)?.1;
        }
        v.as_f64()
    }
}

/// `create-job --cli-input-json` with `StorageLimit: text`: the request each CLI sends.
async fn input_case(aws: PathBuf, text: &'static str) -> Vec<String> {
    let mut failures = Vec::new();
    let want: f64 = text.parse().expect("a float literal");
    let input = format!(
        r#"{{"OnDeviceServiceConfiguration": {{"S3OnDeviceService": {{"StorageLimit": {text}}}}}}}"#
    );
    let args = vec!["create-job".to_string(), "--cli-input-json".into(), input];
    // A server each, so each request is known by its sender.
    let aws_server = serve(200, JSON, vec![], br#"{"JobId":"JID1"}"#.to_vec()).await;
    let json_server = serve(200, JSON, vec![], br#"{"JobId":"JID1"}"#.to_vec()).await;
    let cbor_server = serve(200, "application/cbor", cbor_headers(), vec![0xa0]).await;
    let (a, o, c) = tokio::join!(
        run(
            aws,
            [vec!["snowball".into()], args.clone()].concat(),
            aws_server.port,
            vec![]
        ),
        run(
            ours(),
            args.clone(),
            json_server.port,
            vec![("SNOWBALL_PROTOCOL", "json")]
        ),
        run(
            ours(),
            args,
            cbor_server.port,
            vec![("SNOWBALL_PROTOCOL", "cbor")]
        ),
    );
    let mut sent: Vec<Option<f64>> = Vec::new();
    for (server, is_cbor) in [
        (&aws_server, false),
        (&json_server, false),
        (&cbor_server, true),
    ] {
        let seen = server.seen.lock().expect("lock").clone();
        sent.extend(seen.iter().map(|s| storage_limit(&s.1, is_cbor)));
    }
    let bits = |v: &Option<f64>| v.map(f64::to_bits);
    if sent.len() != 3 || sent.iter().any(|v| bits(v) != Some(want.to_bits())) {
        failures.push(format!(
            "input {text}: want {want:?}; sent (aws, ours json, ours cbor) {sent:?}\n\
             aws: {}{}\nours: {}{}\nours cbor: {}{}",
            a.stdout, a.stderr, o.stdout, o.stderr, c.stdout, c.stderr
        ));
    }
    failures
}

/// The CBOR body `{"JobMetadata": {"OnDeviceServiceConfiguration": {"S3OnDeviceService":
/// {"StorageLimit": v}}}}`, the double as float64.
fn cbor_job(v: f64) -> Vec<u8> {
    let mut out = Vec::new();
    for key in [
        "JobMetadata",
        "OnDeviceServiceConfiguration",
        "S3OnDeviceService",
        "StorageLimit",
    ] {
        out.push(0xa1);
        if key.len() < 24 {
            out.push(0x60 | key.len() as u8);
        } else {
            out.extend([0x78, key.len() as u8]);
        }
        out.extend_from_slice(key.as_bytes());
    }
    out.push(0xfb);
    out.extend_from_slice(&v.to_bits().to_be_bytes());
    out
}

fn json_job(text: &str) -> Vec<u8> {
    format!(
        r#"{{"JobMetadata": {{"OnDeviceServiceConfiguration": {{"S3OnDeviceService": {{"StorageLimit": {text}}}}}}}}}"#
    )
    .into_bytes()
}

fn same(what: &str, a: &Run, o: &Run) -> Option<String> {
    (a.stdout != o.stdout || a.stderr != o.stderr || a.code != o.code).then(|| {
        format!(
            "{what}:\n--- aws ({}):\n{}{}\n--- ours ({}):\n{}{}",
            a.code, a.stdout, a.stderr, o.code, o.stdout, o.stderr
        )
    })
}

/// `describe-job` answered with `StorageLimit: text` (JSON) or its double (CBOR): the
/// printed output equals the AWS CLI's.
async fn output_case(aws: PathBuf, text: &'static str) -> Vec<String> {
    let v: f64 = text.parse().expect("a float literal");
    // The AWS CLI reads JSON only; for CBOR its reference is the double as a JSON float.
    let float_text: &'static str = Box::leak(format!("{v:?}").into_boxed_str());
    let args = vec![
        "describe-job".to_string(),
        "--job-id".into(),
        "JID123e4567-e89b-12d3-a456-426655440000".into(),
    ];
    let aws_args = [vec!["snowball".into()], args.clone()].concat();
    let json_server = serve(200, JSON, vec![], json_job(text)).await;
    let float_server = serve(200, JSON, vec![], json_job(float_text)).await;
    let cbor_server = serve(200, "application/cbor", cbor_headers(), cbor_job(v)).await;
    let (a, o, af, c) = tokio::join!(
        run(aws.clone(), aws_args.clone(), json_server.port, vec![]),
        run(
            ours(),
            args.clone(),
            json_server.port,
            vec![("SNOWBALL_PROTOCOL", "json")]
        ),
        run(aws, aws_args, float_server.port, vec![]),
        run(
            ours(),
            args,
            cbor_server.port,
            vec![("SNOWBALL_PROTOCOL", "cbor")]
        ),
    );
    let mut failures = Vec::new();
    // Not a comparison of two identical usage errors: the oracle printed the value.
    if a.code != 0 || af.code != 0 {
        failures.push(format!(
            "output {text}: aws failed: {}{}",
            a.stderr, af.stderr
        ));
    }
    failures.extend(same(&format!("output {text} (JSON)"), &a, &o));
    failures.extend(same(
        &format!("output {text} (CBOR, as {float_text})"),
        &af,
        &c,
    ));
    failures
}

/// A value below `min`: the same validation error, with the value as Python prints it.
async fn negative_case(aws: PathBuf, text: &'static str) -> Vec<String> {
    let input = format!(
        r#"{{"OnDeviceServiceConfiguration": {{"S3OnDeviceService": {{"StorageLimit": {text}}}}}}}"#
    );
    let args = vec!["create-job".to_string(), "--cli-input-json".into(), input];
    let server = serve(200, JSON, vec![], br#"{"JobId":"JID1"}"#.to_vec()).await;
    let (a, o) = tokio::join!(
        run(
            aws,
            [vec!["snowball".into()], args.clone()].concat(),
            server.port,
            vec![]
        ),
        run(
            ours(),
            args,
            server.port,
            vec![("SNOWBALL_PROTOCOL", "json")]
        ),
    );
    same(&format!("validation of {text}"), &a, &o)
        .into_iter()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doubles_round_trip_exactly_through_both_clis() {
    let aws = aws_cli();
    let limit = Arc::new(tokio::sync::Semaphore::new(3));
    let mut tasks = Vec::new();
    for (i, text) in HARD.iter().chain(NEGATIVE).enumerate() {
        let (aws, limit) = (aws.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _p = limit.acquire_owned().await;
            if i >= HARD.len() {
                return negative_case(aws, text).await;
            }
            let mut f = input_case(aws.clone(), text).await;
            f.extend(output_case(aws, text).await);
            f
        }));
    }
    let mut failures = Vec::new();
    for t in tasks {
        failures.extend(t.await.expect("case task"));
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_missing_required_members_prints_what_it_has() {
    let aws = aws_cli();
    for body in [&br#"{"NextToken": "t"}"#[..], b"{}"] {
        let args = vec![
            "list-service-versions".to_string(),
            "--service-name".into(),
            "KUBERNETES".into(),
        ];
        let server = serve(200, JSON, vec![], body.to_vec()).await;
        let (a, o) = tokio::join!(
            run(
                aws.clone(),
                [vec!["snowball".into()], args.clone()].concat(),
                server.port,
                vec![]
            ),
            run(
                ours(),
                args,
                server.port,
                vec![("SNOWBALL_PROTOCOL", "json")]
            ),
        );
        assert_eq!(a.code, 0, "the AWS CLI accepts it: {}", a.stderr);
        if let Some(diff) = same(&String::from_utf8_lossy(body), &a, &o) {
            panic!("{diff}");
        }
    }
}
