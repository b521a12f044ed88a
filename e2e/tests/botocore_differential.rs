//! Differential test against botocore 1.44.5, the oracle, over awsJson1_1.
//!
//! For every example in `models/snowball/2016-06-30/examples-1.json`, for extra cases that
//! cover every scalar kind of the model, and for a set of error responses, the generated
//! client sends the example's input to a loopback HTTP
//! server, which records the request and answers with a canned response (the example's
//! output, or the error). botocore (`e2e/oracle/botocore_snowball.py`, one process for all
//! cases) makes the same call with the same canned response through its own client, with
//! a `before-send` hook instead of the network. Then, per case:
//!
//! - requests: method, path, `X-Amz-Target`, `Content-Type` and the decoded JSON body are
//!   equal;
//! - successful responses: botocore's parsed dict equals our decoded output re-encoded
//!   with the runtime's JSON writer (numbers compared by value: botocore gives timestamps
//!   as floats);
//! - error responses: code, message, request id and status are equal, and the error is
//!   the modeled variant exactly when the model lists the code for the operation. Where
//!   we deliberately go past botocore (smithy-rs fallbacks for the error code and message)
//!   the case names the divergence and asserts both answers.
//!
//! The oracle's python is `BOTOCORE_PYTHON` (set by `cargo xtask ci`); without it the
//! test uses, or creates, the same venv under `target/venv`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use awsrt::internal::Operation;
use awsrt::internal::{json, Decode, Encode};
use awsrt::Protocol;
use e2e::{Recorded, Reply, Server};
use serde_json::{json as j, Value};
use snowball::operation as op;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("e2e lives inside the workspace")
        .to_path_buf()
}

/// The python with botocore: `BOTOCORE_PYTHON`, else the venv of `cargo xtask venv`.
fn oracle_python() -> PathBuf {
    if let Some(p) = std::env::var_os("BOTOCORE_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    loopback::venv::python()
}

/// A canned HTTP response.
#[derive(Clone, Debug)]
struct Canned {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Canned {
    fn ok(body: String) -> Self {
        Canned {
            status: 200,
            headers: vec![("Content-Type".into(), "application/x-amz-json-1.1".into())],
            body,
        }
    }

    fn error(status: u16, extra: &[(&str, &str)], body: &str) -> Self {
        let mut c = Canned::ok(body.into());
        c.status = status;
        c.headers
            .extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        c
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn reply(&self) -> Reply {
        let reply = self
            .headers
            .iter()
            .fold(Reply::new(self.status), |r, (k, v)| r.header(k, v));
        reply.body(self.body.as_bytes())
    }

    fn to_json(&self) -> Value {
        let headers: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), Value::String(v.clone())))
            .collect();
        j!({"status": self.status, "headers": headers, "body": self.body})
    }
}

/// What our client made of a call.
#[derive(Debug)]
enum Outcome {
    Output(Value),
    Error {
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
        status: Option<u16>,
        /// `Debug` of the operation's error enum (variant name first).
        kind: String,
    },
    Failed(String),
}

async fn call<O>(client: &snowball::Client, input: &[u8]) -> Outcome
where
    O: Operation + Decode,
    O::Output: Encode,
{
    let input: O = match json::from_slice(input) {
        Ok(v) => v,
        Err(e) => return Outcome::Failed(format!("decoding the example input: {e}")),
    };
    match client.call(&input).await {
        Ok(out) => match serde_json::from_slice(&json::to_vec(&out)) {
            Ok(v) => Outcome::Output(v),
            Err(e) => Outcome::Failed(format!("our output re-encoded is not JSON: {e}")),
        },
        Err(e) => match e.as_service() {
            Some(kind) => Outcome::Error {
                code: e.code().map(str::to_owned),
                message: e.message().map(str::to_owned),
                request_id: e.request_id().map(str::to_owned),
                status: e.status(),
                kind: format!("{kind:?}"),
            },
            None => Outcome::Failed(format!("{e:?}")),
        },
    }
}

/// Sends `input` as operation `name` (its wire name) through the generated client.
async fn call_named(client: &snowball::Client, name: &str, input: &[u8]) -> Outcome {
    macro_rules! dispatch {
        ($($t:ty),* $(,)?) => {
            $(
                if name == <$t as Operation>::NAME {
                    return call::<$t>(client, input).await;
                }
            )*
        };
    }
    dispatch!(
        op::cancel_cluster::CancelClusterInput,
        op::cancel_job::CancelJobInput,
        op::create_address::CreateAddressInput,
        op::create_cluster::CreateClusterInput,
        op::create_job::CreateJobInput,
        op::create_long_term_pricing::CreateLongTermPricingInput,
        op::create_return_shipping_label::CreateReturnShippingLabelInput,
        op::describe_address::DescribeAddressInput,
        op::describe_addresses::DescribeAddressesInput,
        op::describe_cluster::DescribeClusterInput,
        op::describe_job::DescribeJobInput,
        op::describe_return_shipping_label::DescribeReturnShippingLabelInput,
        op::get_job_manifest::GetJobManifestInput,
        op::get_job_unlock_code::GetJobUnlockCodeInput,
        op::get_snowball_usage::GetSnowballUsageInput,
        op::get_software_updates::GetSoftwareUpdatesInput,
        op::list_cluster_jobs::ListClusterJobsInput,
        op::list_clusters::ListClustersInput,
        op::list_compatible_images::ListCompatibleImagesInput,
        op::list_jobs::ListJobsInput,
        op::list_long_term_pricing::ListLongTermPricingInput,
        op::list_pickup_locations::ListPickupLocationsInput,
        op::list_service_versions::ListServiceVersionsInput,
        op::update_cluster::UpdateClusterInput,
        op::update_job::UpdateJobInput,
        op::update_job_shipment_state::UpdateJobShipmentStateInput,
        op::update_long_term_pricing::UpdateLongTermPricingInput,
    );
    Outcome::Failed(format!(
        "operation {name} is not in the test's dispatch list"
    ))
}

struct Case {
    name: String,
    operation: String,
    input: Value,
    response: Canned,
    /// A deliberate difference: botocore's answer and ours are both asserted.
    divergence: Option<Divergence>,
}

/// Where we deliberately answer differently from botocore, and why.
#[derive(Clone, Copy)]
struct Divergence {
    /// `"error code"` or `"error message"`.
    what: &'static str,
    ours: &'static str,
    botocore: &'static str,
}

/// Error responses: the shapes of `__type` and message a service may send.
fn error_cases(examples: &serde_json::Map<String, Value>) -> Vec<Case> {
    let input_of = |op: &str| {
        examples
            .get(op)
            .and_then(|v| v.get(0))
            .and_then(|e| e.get("input"))
            .cloned()
            .unwrap_or_else(|| j!({}))
    };
    let mut cases = Vec::new();
    let mut add = |name: &str, op: &str, resp: Canned| {
        cases.push(Case {
            name: format!("error:{name}"),
            operation: op.into(),
            input: input_of(op),
            response: resp,
            divergence: None,
        });
    };
    add(
        "absolute __type, Message, extra member",
        "DescribeJob",
        Canned::error(
            400,
            &[("x-amzn-RequestId", "req-1")],
            r#"{"__type":"com.amazonaws.snowball#InvalidResourceException","Message":"no such job","ResourceType":"JOB"}"#,
        ),
    );
    add(
        "short __type, lowercase message",
        "CancelJob",
        Canned::error(
            400,
            &[],
            r#"{"__type":"InvalidJobStateException","message":"too late"}"#,
        ),
    );
    add(
        "__type with a coral suffix",
        "ListJobs",
        Canned::error(
            400,
            &[("x-amzn-requestid", "req-3")],
            r#"{"__type":"InvalidNextTokenException:http://internal.amazon.com/coral/com.amazon.coral.validate/","Message":"bad"}"#,
        ),
    );
    add(
        "KMS failure",
        "CreateJob",
        Canned::error(
            400,
            &[],
            r#"{"__type":"com.amazonaws.snowball#KMSRequestFailedException","Message":"kms said no"}"#,
        ),
    );
    add(
        "unsupported address",
        "CreateAddress",
        Canned::error(
            400,
            &[],
            r#"{"Message":"not here","__type":"com.amazonaws.snowball#UnsupportedAddressException"}"#,
        ),
    );
    add(
        "conflict with a member",
        "UpdateJob",
        Canned::error(
            400,
            &[],
            r#"{"__type":"com.amazonaws.snowball#ClusterLimitExceededException","Message":"limit"}"#,
        ),
    );
    add(
        "unmodeled code",
        "GetSnowballUsage",
        Canned::error(
            400,
            &[],
            r#"{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"denied"}"#,
        ),
    );
    add(
        "no __type, no message",
        "DescribeCluster",
        Canned::error(400, &[], "{}"),
    );
    add(
        "both message and Message",
        "DescribeAddress",
        Canned::error(
            400,
            &[],
            r#"{"__type":"InvalidResourceException","Message":"upper","message":"lower"}"#,
        ),
    );
    add(
        "503 with an empty body",
        "ListClusters",
        Canned::error(503, &[("x-amzn-RequestId", "req-9")], ""),
    );
    // Where we follow smithy-rs past botocore, which reads only `__type`, `message` and
    // `Message` (aws-behaviors.md section 2): botocore falls back to the status as the code
    // and "" as the message.
    let mut diverge = |name: &str, op: &str, resp: Canned, d: Divergence| {
        cases.push(Case {
            name: format!("error:{name}"),
            operation: op.into(),
            input: input_of(op),
            response: resp,
            divergence: Some(d),
        });
    };
    diverge(
        "only errorMessage",
        "DescribeAddress",
        Canned::error(
            400,
            &[],
            r#"{"__type":"InvalidResourceException","errorMessage":"em"}"#,
        ),
        Divergence {
            what: "error message",
            ours: "em",
            botocore: "",
        },
    );
    diverge(
        "only a body code",
        "DescribeAddress",
        Canned::error(
            400,
            &[],
            r#"{"code":"InvalidResourceException","Message":"m"}"#,
        ),
        Divergence {
            what: "error code",
            ours: "InvalidResourceException",
            botocore: "400",
        },
    );
    diverge(
        "only the X-Amzn-ErrorType header",
        "DescribeAddress",
        Canned::error(
            400,
            &[("X-Amzn-ErrorType", "InvalidResourceException")],
            r#"{"Message":"m"}"#,
        ),
        Divergence {
            what: "error code",
            ours: "InvalidResourceException",
            botocore: "400",
        },
    );
    cases
}

/// Beyond the examples: every scalar kind of the model (double, long, boolean, timestamp
/// as integer, float and numeric string), nested lists and structures, an unknown enum
/// value, unknown keys and nulls.
fn extra_cases() -> Vec<Case> {
    let ok = |name: &str, op: &str, input: Value, output: Value| Case {
        name: format!("extra:{name}"),
        operation: op.into(),
        input,
        response: Canned::ok(output.to_string()),
        divergence: None,
    };
    vec![
        ok(
            "CreateJob with every nested input",
            "CreateJob",
            j!({
                "JobType": "LOCAL_USE",
                "Resources": {
                    "S3Resources": [{
                        "BucketArn": "arn:aws:s3:::b",
                        "KeyRange": {"BeginMarker": "a", "EndMarker": "z"},
                        "TargetOnDeviceServices": [
                            {"ServiceName": "NFS_ON_DEVICE_SERVICE", "TransferOption": "IMPORT"}
                        ]
                    }],
                    "LambdaResources": [{
                        "LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                        "EventTriggers": [{"EventResourceARN": "arn:aws:s3:::b"}]
                    }],
                    "Ec2AmiResources": [{"AmiId": "ami-12345678", "SnowballAmiId": "s-1"}]
                },
                "OnDeviceServiceConfiguration": {
                    "NFSOnDeviceService": {"StorageLimit": 10, "StorageUnit": "TB"},
                    "TGWOnDeviceService": {"StorageLimit": 0, "StorageUnit": "TB"},
                    "EKSOnDeviceService": {"KubernetesVersion": "1.29", "EKSAnywhereVersion": "0.18"},
                    "S3OnDeviceService": {
                        "StorageLimit": 2.5, "StorageUnit": "TB", "ServiceSize": 3, "FaultTolerance": 1
                    }
                },
                "Description": "unicode \u{e9}\u{4e2d}\u{1F600} \u{7f}\u{1} \"quoted\" \\ / \n\t",
                "AddressId": "ADID1234ab12-3eec-4eb3-9be6-9374c10eb51b",
                "Notification": {
                    "SnsTopicARN": "arn:aws:sns:us-east-1:123456789012:t",
                    "JobStatesToNotify": ["New", "Complete"],
                    "NotifyAll": true,
                    "DevicePickupSnsTopicARN": "arn:aws:sns:us-east-1:123456789012:p"
                },
                "SnowballType": "SNC1_SSD",
                "TaxDocuments": {"IND": {"GSTIN": "22AAAAA0000A1Z5"}},
                "DeviceConfiguration": {
                    "SnowconeDeviceConfiguration": {"WirelessConnection": {"IsWifiEnabled": false}}
                },
                "RemoteManagement": "INSTALLED_AUTOSTART",
                "ImpactLevel": "IL4",
                "PickupDetails": {
                    "Name": "n",
                    "Email": "a@example.com",
                    "IdentificationExpirationDate": 1735689600,
                    "DevicePickupId": "DPID1234ab12-3eec-4eb3-9be6-9374c10eb51b"
                }
            }),
            j!({"JobId": "JID123e4567-e89b-12d3-a456-426655440000"}),
        ),
        ok(
            "CreateCluster with integers, a double and a boolean",
            "CreateCluster",
            j!({
                "JobType": "LOCAL_USE",
                "AddressId": "ADID1234ab12-3eec-4eb3-9be6-9374c10eb51b",
                "SnowballType": "EDGE_S",
                "ShippingOption": "NEXT_DAY",
                "InitialClusterSize": 16,
                "ForceCreateJobs": true,
                "LongTermPricingIds": [
                    "LTPID1234ab12-3eec-4eb3-9be6-9374c10eb51b",
                    "LTPID1234ab12-3eec-4eb3-9be6-9374c10eb51c"
                ],
                "OnDeviceServiceConfiguration": {"S3OnDeviceService": {"StorageLimit": 0.1}}
            }),
            j!({"ClusterId": "CID1", "JobListEntries": [
                {"JobId": "JID1", "IsMaster": true, "CreationDate": 1480475524}
            ]}),
        ),
        ok(
            "DescribeJob: longs, timestamps, unknown enum, unknown keys, nulls",
            "DescribeJob",
            j!({"JobId": "JID123e4567-e89b-12d3-a456-426655440000"}),
            j!({
                "JobMetadata": {
                    "JobId": "JID1",
                    "JobState": "SomeFutureState",
                    "CreationDate": 1475626164.5,
                    "DataTransferProgress": {
                        "BytesTransferred": 9007199254740993_i64,
                        "ObjectsTransferred": 0,
                        "TotalBytes": 9223372036854775807_i64,
                        "TotalObjects": -1
                    },
                    "OnDeviceServiceConfiguration": {
                        "S3OnDeviceService": {"StorageLimit": 1e300, "ServiceSize": 3}
                    },
                    "PickupDetails": {"IdentificationExpirationDate": "1735689600.25"},
                    "Notification": {"JobStatesToNotify": [], "NotifyAll": false},
                    "Description": null,
                    "SomethingNew": {"nested": [1, 2, {"x": null}]}
                },
                "AlsoNew": 1
            }),
        ),
        ok(
            "ListLongTermPricing: timestamps and booleans in a list",
            "ListLongTermPricing",
            j!({"MaxResults": 100, "NextToken": "t"}),
            j!({
                "LongTermPricingEntries": [{
                    "LongTermPricingId": "LTPID1",
                    "LongTermPricingEndDate": 1767225600,
                    "LongTermPricingStartDate": 1735689600.001,
                    "IsLongTermPricingAutoRenew": true,
                    "JobIds": ["JID1", "JID2"]
                }, {}],
                "NextToken": "next"
            }),
        ),
        ok(
            "DescribeReturnShippingLabel: an integer timestamp",
            "DescribeReturnShippingLabel",
            j!({"JobId": "JID123e4567-e89b-12d3-a456-426655440000"}),
            j!({"Status": "Succeeded", "ExpirationDate": 0, "ReturnShippingLabelURI": "https://x"}),
        ),
        ok(
            "GetSnowballUsage: an empty input, an empty output",
            "GetSnowballUsage",
            j!({}),
            j!({}),
        ),
    ]
}

/// JSON equality with numbers compared by value (`1` equals `1.0`: botocore gives
/// timestamps as floats).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        // Integers exactly (longs beyond 2^53), anything else by its f64 value.
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

/// The differences between our side and botocore's for one case; empty when they agree.
fn compare(
    case: &Case,
    ours: &Outcome,
    seen: Option<&Recorded>,
    oracle: &Value,
    modeled: &[String],
) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut check =
        |what: &str, ok: bool, ours: &dyn std::fmt::Debug, theirs: &dyn std::fmt::Debug| {
            if !ok {
                diffs.push(format!("{what}: ours {ours:?}, botocore {theirs:?}"));
            }
        };

    // The request.
    let req = &oracle["request"];
    match seen {
        None => check("request", false, &"none reached the server", req),
        Some(seen) => {
            let s = |v: &Value| v.as_str().map(str::to_owned);
            check(
                "method",
                Some(seen.method.clone()) == s(&req["method"]),
                &seen.method,
                &req["method"],
            );
            check(
                "path",
                Some(seen.target.clone()) == s(&req["path"]),
                &seen.target,
                &req["path"],
            );
            let target = seen.header("x-amz-target").map(str::to_owned);
            check(
                "X-Amz-Target",
                target == s(&req["target"]),
                &target,
                &req["target"],
            );
            let ct = seen.header("content-type").map(str::to_owned);
            check(
                "Content-Type",
                ct == s(&req["content_type"]),
                &ct,
                &req["content_type"],
            );
            match serde_json::from_slice::<Value>(&seen.body) {
                // Strict: the same members with the same JSON values, `1` is not `1.0`.
                Ok(body) => check("request body", body == req["body"], &body, &req["body"]),
                Err(e) => check(
                    "request body",
                    false,
                    &format!("not JSON: {e}"),
                    &req["body"],
                ),
            }
        }
    }

    // The response.
    match ours {
        Outcome::Failed(e) => check("outcome", false, e, oracle),
        Outcome::Output(out) => match oracle.get("output") {
            Some(theirs) => check("output", same_value(out, theirs), out, theirs),
            None => check("outcome", false, out, oracle),
        },
        Outcome::Error {
            code,
            message,
            request_id,
            status,
            kind,
        } => match oracle.get("error") {
            Some(err) => {
                let diverges = |what: &str| case.divergence.filter(|d| d.what == what);
                let theirs_code = err["code"].as_str();
                match diverges("error code") {
                    Some(d) => check(
                        "error code (known divergence)",
                        code.as_deref() == Some(d.ours) && theirs_code == Some(d.botocore),
                        code,
                        &err["code"],
                    ),
                    None => check(
                        "error code",
                        code.as_deref() == theirs_code,
                        code,
                        &err["code"],
                    ),
                }
                match diverges("error message") {
                    Some(d) => check(
                        "error message (known divergence)",
                        message.as_deref() == Some(d.ours)
                            && err["message"].as_str() == Some(d.botocore),
                        message,
                        &err["message"],
                    ),
                    None => {
                        // botocore reports a missing message as "".
                        let theirs_msg = err["message"].as_str().filter(|m| !m.is_empty());
                        check(
                            "error message",
                            message.as_deref() == theirs_msg,
                            message,
                            &err["message"],
                        )
                    }
                }
                // botocore drops the request id of a 5xx with an empty or HTML body (its
                // generic error parse); we keep `x-amzn-requestid`, as for every error.
                let generic = case.response.status >= 500
                    && (case.response.body.is_empty() || case.response.body.starts_with('<'));
                let theirs_rid = match err["request_id"].as_str() {
                    None if generic => case.response.header("x-amzn-requestid"),
                    other => other,
                };
                check(
                    "request id",
                    request_id.as_deref() == theirs_rid,
                    request_id,
                    &theirs_rid,
                );
                let theirs_status = err["status"].as_u64();
                check(
                    "status",
                    status.map(u64::from) == theirs_status,
                    status,
                    &err["status"],
                );
                let expect_modeled = code.as_ref().is_some_and(|c| modeled.contains(c));
                // The variant is the shape name in Rust case (`KmsRequestFailedException`).
                let fold = |s: &str| s.to_ascii_lowercase().replace('_', "");
                let variant = kind.split(['(', ' ']).next().unwrap_or_default();
                let ok = if expect_modeled {
                    code.as_deref().map(fold) == Some(fold(variant))
                } else {
                    variant == "Unhandled"
                };
                check(
                    "error variant",
                    ok,
                    kind,
                    &(if expect_modeled {
                        "modeled"
                    } else {
                        "Unhandled"
                    }),
                );
                // The modeled error's members botocore parsed are in ours too.
                if expect_modeled {
                    for (k, v) in err["members"].as_object().into_iter().flatten() {
                        if let Some(v) = v.as_str() {
                            check(
                                &format!("error member {k}"),
                                kind.contains(&format!("{v:?}")),
                                kind,
                                &v,
                            );
                        }
                    }
                }
            }
            None => check("outcome", false, ours, oracle),
        },
    }
    diffs
}

#[tokio::test]
async fn botocore_differential() {
    let root = root();
    let model_dir = root.join("models/snowball/2016-06-30");
    let examples: Value = serde_json::from_slice(
        &std::fs::read(model_dir.join("examples-1.json")).expect("reading examples-1.json"),
    )
    .expect("examples-1.json is JSON");
    let examples = examples["examples"]
        .as_object()
        .expect("examples-1.json has `examples`")
        .clone();
    let service: Value = serde_json::from_slice(
        &std::fs::read(model_dir.join("service-2.json")).expect("reading service-2.json"),
    )
    .expect("service-2.json is JSON");

    let mut cases = Vec::new();
    for (operation, list) in &examples {
        for (i, ex) in list.as_array().into_iter().flatten().enumerate() {
            let body = match ex.get("output") {
                Some(out) => serde_json::to_string(out).expect("re-encoding an example"),
                None => "{}".to_string(),
            };
            cases.push(Case {
                name: format!("{operation}#{i}"),
                operation: operation.clone(),
                input: ex.get("input").cloned().unwrap_or_else(|| j!({})),
                response: Canned::ok(body),
                divergence: None,
            });
        }
    }
    let example_ops = examples.len();
    let example_cases = cases.len();
    assert!(
        example_ops >= 17,
        "only {example_ops} operations have examples"
    );
    cases.extend(extra_cases());
    cases.extend(error_cases(&examples));

    // botocore: one process for every case.
    let python = oracle_python();
    let script = root.join("e2e/oracle/botocore_snowball.py");
    let payload: Vec<Value> = cases
        .iter()
        .map(|c| {
            j!({"name": c.name, "operation": c.operation, "input": c.input,
                "response": c.response.to_json()})
        })
        .collect();
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "running {} failed ({e}); run `cargo xtask ci`, which sets BOTOCORE_PYTHON",
                python.display()
            )
        });
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("piped stdin");
        stdin
            .write_all(&serde_json::to_vec(&payload).expect("encoding the cases"))
            .expect("writing the cases to the oracle");
    }
    let out = child.wait_with_output().expect("waiting for the oracle");
    assert!(
        out.status.success(),
        "the botocore oracle failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let oracle: Vec<Value> =
        serde_json::from_slice(&out.stdout).expect("the oracle's output is JSON");
    assert_eq!(oracle.len(), cases.len(), "one oracle answer per case");

    // Our client, against the loopback server.
    // Every request is answered with the case's canned response.
    let next = Arc::new(Mutex::new(Canned::error(500, &[], "")));
    let canned = Arc::clone(&next);
    let server = Server::start(move |_| canned.lock().expect("canned response").reply()).await;
    let endpoint = server.url();
    let client = snowball::Client::new(
        snowball::Config::new()
            .region("us-east-1")
            .endpoint_url(endpoint)
            .credentials(snowball::Credentials::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                None,
            ))
            .protocol(Protocol::AwsJson1_1),
    );

    let (mut passed, mut failed) = (0, 0);
    let mut report = Vec::new();
    for (case, theirs) in cases.iter().zip(&oracle) {
        assert_eq!(theirs["name"].as_str(), Some(case.name.as_str()));
        server.take_requests();
        *next.lock().expect("canned response") = case.response.clone();
        let input = serde_json::to_vec(&case.input).expect("encoding the input");
        let ours = call_named(&client, &case.operation, &input).await;
        let seen = server.take_requests();
        let modeled: Vec<String> = service["operations"][&case.operation]["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["shape"].as_str().map(str::to_owned))
            .collect();
        let mut diffs = match theirs.get("exception") {
            // A failed oracle call (e.g. botocore's parameter validation) has nothing to
            // compare against.
            Some(e) => vec![format!("the botocore call failed: {e}")],
            None => compare(case, &ours, seen.first(), theirs, &modeled),
        };
        // A 5xx may be retried (botocore is told not to); every attempt must be the same
        // request. Anything else is sent exactly once.
        if seen.len() > 1 && case.response.status < 500 {
            diffs.push(format!(
                "{} requests reached the server, expected 1",
                seen.len()
            ));
        }
        if let Some(first) = seen.first() {
            let same = |s: &Recorded| {
                s.method == first.method
                    && s.target == first.target
                    && s.body == first.body
                    && s.header("x-amz-target") == first.header("x-amz-target")
            };
            if !seen.iter().all(same) {
                diffs.push("the attempts sent different requests".to_string());
            }
        }
        if diffs.is_empty() {
            passed += 1;
        } else {
            failed += 1;
            report.push(format!(
                "{} ({}):\n  {}",
                case.name,
                case.operation,
                diffs.join("\n  ")
            ));
        }
    }
    for r in &report {
        println!("FAIL {r}");
    }
    println!(
        "botocore differential: {passed} passed, {failed} failed \
         ({example_cases} examples of {example_ops} operations, {} more cases, \
         {} of them known divergences)",
        cases.len() - example_cases,
        cases.iter().filter(|c| c.divergence.is_some()).count()
    );
    assert_eq!(
        failed,
        0,
        "differences from botocore:\n{}",
        report.join("\n")
    );
}
