//! Every Snowball operation, in both protocols, over real HTTP to a loopback server: what
//! arrives (method, path, headers, signature, body members by wire name) and what the
//! client makes of a canned success response (including unknown members, which must be
//! skipped, and unknown enum values, which must come back as `Unknown`).
//!
//! Expected wire bodies are written from the botocore model by hand, and canned responses
//! are encoded by `e2e`'s own small encoders, so the runtime's codecs are not checked
//! against themselves.
//!
//! Shared by both clients: `tests/operations.rs` includes this file once for the async
//! client and once for the blocking one; `super` provides `Client`, `client` and
//! `WithClient` (see `e2e::on_async` and `e2e::on_blocking`).

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use super::*;
use e2e::{check_request, encode_cbor, for_protocol, ts, Reply, ReplyExt, Server, PROTOCOLS};
use serde_json::{json, Value as J};
use snowball::operation::*;
use snowball::types::*;
use snowball::{DateTime, Protocol, SdkError};

const JOB: &str = "JID123e4567-e89b-12d3-a456-426655440000";
const JOB2: &str = "JID123e4567-e89b-12d3-a456-426655440001";
const CLUSTER: &str = "CID123e4567-e89b-12d3-a456-426655440000";
const ADDRESS: &str = "ADID1234ab12-3eec-4eb3-9be6-9374c10eb51b";
const ADDRESS2: &str = "ADID1234ab12-3eec-4eb3-9be6-9374c10eb51c";
const LTP: &str = "LTPID123e4567-e89b-12d3-a456-426655440000";
const ROLE: &str = "arn:aws:iam::123456789012:role/snowball-import-S3-role";
const KMS: &str = "arn:aws:kms:us-east-1:123456789012:key/abcd1234-12ab-34cd-56ef-123456123456";
const SNS: &str = "arn:aws:sns:us-east-1:123456789012:MyTopic";

/// 2024-01-02T03:04:05Z.
const T1: i64 = 1_704_164_645;
/// 2026-01-01T00:00:00.250Z, as milliseconds.
const T2_MS: i64 = 1_767_225_600_250;

// ---------------------------------------------------------------------------------------
// The table of cases, and the check that it covers the crate
// ---------------------------------------------------------------------------------------

type Case = fn(Protocol) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// (module of `snowball::operation`, wire name, case).
const CASES: &[(&str, &str, Case)] = &[
    ("cancel_cluster", "CancelCluster", |p| {
        Box::pin(cancel_cluster(p))
    }),
    ("cancel_job", "CancelJob", |p| Box::pin(cancel_job(p))),
    ("create_address", "CreateAddress", |p| {
        Box::pin(create_address(p))
    }),
    ("create_cluster", "CreateCluster", |p| {
        Box::pin(create_cluster(p))
    }),
    ("create_job", "CreateJob", |p| Box::pin(create_job(p))),
    ("create_long_term_pricing", "CreateLongTermPricing", |p| {
        Box::pin(create_long_term_pricing(p))
    }),
    (
        "create_return_shipping_label",
        "CreateReturnShippingLabel",
        |p| Box::pin(create_return_shipping_label(p)),
    ),
    ("describe_address", "DescribeAddress", |p| {
        Box::pin(describe_address(p))
    }),
    ("describe_addresses", "DescribeAddresses", |p| {
        Box::pin(describe_addresses(p))
    }),
    ("describe_cluster", "DescribeCluster", |p| {
        Box::pin(describe_cluster(p))
    }),
    ("describe_job", "DescribeJob", |p| Box::pin(describe_job(p))),
    (
        "describe_return_shipping_label",
        "DescribeReturnShippingLabel",
        |p| Box::pin(describe_return_shipping_label(p)),
    ),
    ("get_job_manifest", "GetJobManifest", |p| {
        Box::pin(get_job_manifest(p))
    }),
    ("get_job_unlock_code", "GetJobUnlockCode", |p| {
        Box::pin(get_job_unlock_code(p))
    }),
    ("get_snowball_usage", "GetSnowballUsage", |p| {
        Box::pin(get_snowball_usage(p))
    }),
    ("get_software_updates", "GetSoftwareUpdates", |p| {
        Box::pin(get_software_updates(p))
    }),
    ("list_cluster_jobs", "ListClusterJobs", |p| {
        Box::pin(list_cluster_jobs(p))
    }),
    ("list_clusters", "ListClusters", |p| {
        Box::pin(list_clusters(p))
    }),
    ("list_compatible_images", "ListCompatibleImages", |p| {
        Box::pin(list_compatible_images(p))
    }),
    ("list_jobs", "ListJobs", |p| Box::pin(list_jobs(p))),
    ("list_long_term_pricing", "ListLongTermPricing", |p| {
        Box::pin(list_long_term_pricing(p))
    }),
    ("list_pickup_locations", "ListPickupLocations", |p| {
        Box::pin(list_pickup_locations(p))
    }),
    ("list_service_versions", "ListServiceVersions", |p| {
        Box::pin(list_service_versions(p))
    }),
    ("update_cluster", "UpdateCluster", |p| {
        Box::pin(update_cluster(p))
    }),
    ("update_job", "UpdateJob", |p| Box::pin(update_job(p))),
    ("update_job_shipment_state", "UpdateJobShipmentState", |p| {
        Box::pin(update_job_shipment_state(p))
    }),
    ("update_long_term_pricing", "UpdateLongTermPricing", |p| {
        Box::pin(update_long_term_pricing(p))
    }),
];

/// The operation modules the generated crate declares, read from its source now.
fn generated_operations() -> BTreeSet<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../generated/snowball/src/operation/mod.rs"
    );
    let src = std::fs::read_to_string(path).expect("read the generated operation/mod.rs");
    src.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod ")?.strip_suffix(';'))
        .map(str::to_owned)
        .collect()
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn every_generated_operation_has_a_case() {
    let generated = generated_operations();
    assert_eq!(
        generated.len(),
        27,
        "Snowball has 27 operations: {generated:?}"
    );
    let covered: BTreeSet<String> = CASES.iter().map(|(m, _, _)| m.to_string()).collect();
    assert_eq!(covered.len(), CASES.len(), "a module is listed twice");
    let missing: Vec<_> = generated.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&generated).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "operations without a case: {missing:?}; cases without an operation: {stale:?}"
    );
    for (module, wire, _) in CASES {
        assert_eq!(&camel(module), wire, "wire name of {module}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_round_trips_in_both_protocols() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for (_, op, case) in CASES {
        for p in PROTOCOLS {
            ran += 1;
            if let Err(e) = tokio::spawn(case(p)).await {
                let msg = e
                    .try_into_panic()
                    .ok()
                    .and_then(|b| {
                        b.downcast_ref::<String>()
                            .cloned()
                            .or_else(|| b.downcast_ref::<&str>().map(|s| s.to_string()))
                    })
                    .unwrap_or_default();
                failures.push(format!("{op} over {p:?}: {msg}"));
            }
        }
    }
    assert_eq!(ran, 54);
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

/// Answers one call with `reply`, checks the request envelope, and returns the output and
/// the decoded request body.
async fn exchange_with<T, E>(
    p: Protocol,
    op: &str,
    reply: Reply,
    call: impl WithClient<Result<T, SdkError<E>>>,
) -> (T, J)
where
    E: Debug,
{
    let server = Server::queue([reply]).await;
    let out = call
        .run(client(&server, p))
        .await
        .unwrap_or_else(|e| panic!("{op} over {p:?} failed: {e} ({e:?})"));
    let req = server.single_request();
    let body = check_request(&req, p, op);
    (out, body)
}

/// [`exchange_with`] a 200 carrying `response` (timestamp markers become tag 1 in CBOR).
async fn exchange<T, E>(
    p: Protocol,
    op: &str,
    response: J,
    call: impl WithClient<Result<T, SdkError<E>>>,
) -> (T, J)
where
    E: Debug,
{
    exchange_with(p, op, Reply::ok(p, &response), call).await
}

/// A 200 whose CBOR body uses indefinite-length maps, arrays and chunked strings.
fn indefinite_reply(p: Protocol, response: &J) -> Reply {
    match p {
        Protocol::RpcV2Cbor => Reply::new(200)
            .protocol_headers(p)
            .body(encode_cbor(response, true)),
        _ => Reply::ok(p, response),
    }
}

fn assert_body(p: Protocol, op: &str, got: &J, want: J) {
    assert_eq!(
        got,
        &for_protocol(p, &want),
        "{op} over {p:?}: request body"
    );
}

/// Members a newer service might send, which the client must skip.
fn unknown_members() -> J {
    json!({"FutureMember": {"Nested": [1, "two", {"Three": 3.5}]}, "FutureFlag": true})
}

/// `base` plus [`unknown_members`].
fn with_unknown(mut base: J) -> J {
    if let (J::Object(m), J::Object(extra)) = (&mut base, unknown_members()) {
        m.extend(extra);
    }
    base
}

// ---------------------------------------------------------------------------------------
// Fixtures: a typed value and its wire form
// ---------------------------------------------------------------------------------------

fn address() -> (Address, J) {
    (
        Address::new()
            .address_id(ADDRESS)
            .name("My Name")
            .company("My Company's Name")
            .street1("123 Main Street")
            .street2("Unit ♦ 2")
            .city("Seattle")
            .state_or_province("WA")
            .country("US")
            .postal_code("98101")
            .phone_number("425-555-5555")
            .is_restricted(false)
            .r#type(AddressType::CustPickup),
        json!({
            "AddressId": ADDRESS, "Name": "My Name", "Company": "My Company's Name",
            "Street1": "123 Main Street", "Street2": "Unit ♦ 2", "City": "Seattle",
            "StateOrProvince": "WA", "Country": "US", "PostalCode": "98101",
            "PhoneNumber": "425-555-5555", "IsRestricted": false, "Type": "CUST_PICKUP",
        }),
    )
}

fn resources() -> (JobResource, J) {
    (
        JobResource::new()
            .s3_resources(vec![S3Resource::new()
                .bucket_arn("arn:aws:s3:::MyBucket")
                .key_range(KeyRange::new().begin_marker("a").end_marker("z"))
                .target_on_device_services(vec![TargetOnDeviceService::new()
                    .service_name(DeviceServiceName::NfsOnDeviceService)
                    .transfer_option(TransferOption::Import)])])
            .lambda_resources(vec![LambdaResource::new()
                .lambda_arn("arn:aws:lambda:us-east-1:123456789012:function:f")
                .event_triggers(vec![EventTriggerDefinition::new()
                    .event_resource_arn("arn:aws:s3:::MyBucket/prefix")])])
            .ec2_ami_resources(vec![
                Ec2AmiResource::new("ami-12345678").snowball_ami_id("s.ami-0123456789abcdef0")
            ]),
        json!({
            "S3Resources": [{
                "BucketArn": "arn:aws:s3:::MyBucket",
                "KeyRange": {"BeginMarker": "a", "EndMarker": "z"},
                "TargetOnDeviceServices": [
                    {"ServiceName": "NFS_ON_DEVICE_SERVICE", "TransferOption": "IMPORT"}
                ],
            }],
            "LambdaResources": [{
                "LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                "EventTriggers": [{"EventResourceARN": "arn:aws:s3:::MyBucket/prefix"}],
            }],
            "Ec2AmiResources": [{"AmiId": "ami-12345678", "SnowballAmiId": "s.ami-0123456789abcdef0"}],
        }),
    )
}

/// Holds the one double of the model, `S3StorageLimit`.
fn on_device() -> (OnDeviceServiceConfiguration, J) {
    (
        OnDeviceServiceConfiguration::new()
            .nfs_on_device_service(
                NfsOnDeviceServiceConfiguration::new()
                    .storage_limit(10)
                    .storage_unit(StorageUnit::Tb),
            )
            .tgw_on_device_service(
                TgwOnDeviceServiceConfiguration::new()
                    .storage_limit(5)
                    .storage_unit("TB"),
            )
            .eks_on_device_service(
                EksOnDeviceServiceConfiguration::new()
                    .kubernetes_version("1.28")
                    .eks_anywhere_version("0.18.0"),
            )
            .s3_on_device_service(
                S3OnDeviceServiceConfiguration::new()
                    .storage_limit(2.5)
                    .storage_unit(StorageUnit::Tb)
                    .service_size(3)
                    .fault_tolerance(1),
            ),
        json!({
            "NFSOnDeviceService": {"StorageLimit": 10, "StorageUnit": "TB"},
            "TGWOnDeviceService": {"StorageLimit": 5, "StorageUnit": "TB"},
            "EKSOnDeviceService": {"KubernetesVersion": "1.28", "EKSAnywhereVersion": "0.18.0"},
            "S3OnDeviceService": {
                "StorageLimit": 2.5, "StorageUnit": "TB", "ServiceSize": 3, "FaultTolerance": 1
            },
        }),
    )
}

fn notification() -> (Notification, J) {
    (
        Notification::new()
            .sns_topic_arn(SNS)
            .job_states_to_notify(vec![
                JobState::New,
                JobState::InTransitToAws,
                JobState::WithAwsSortingFacility,
                JobState::Complete,
            ])
            .notify_all(false)
            .device_pickup_sns_topic_arn(SNS),
        json!({
            "SnsTopicARN": SNS,
            "JobStatesToNotify": ["New", "InTransitToAWS", "WithAWSSortingFacility", "Complete"],
            "NotifyAll": false,
            "DevicePickupSnsTopicARN": SNS,
        }),
    )
}

fn tax_documents() -> (TaxDocuments, J) {
    (
        TaxDocuments::new().ind(IndTaxDocuments::new().gstin("22AAAAA0000A1Z5")),
        json!({"IND": {"GSTIN": "22AAAAA0000A1Z5"}}),
    )
}

/// Holds a timestamp (with milliseconds) and the two sensitive members.
fn pickup() -> (PickupDetails, J) {
    (
        PickupDetails::new()
            .name("Pat Doe")
            .phone_number("+1 425-555-0100")
            .email("pat@example.com")
            .identification_number("ID-42")
            .identification_expiration_date(DateTime::from_millis(T2_MS))
            .identification_issuing_org("WA DOL")
            .device_pickup_id("DPID123e4567-e89b-12d3-a456-426655440000"),
        json!({
            "Name": "Pat Doe", "PhoneNumber": "+1 425-555-0100", "Email": "pat@example.com",
            "IdentificationNumber": "ID-42",
            "IdentificationExpirationDate": ts(T2_MS as f64 / 1000.0),
            "IdentificationIssuingOrg": "WA DOL",
            "DevicePickupId": "DPID123e4567-e89b-12d3-a456-426655440000",
        }),
    )
}

/// Two job list entries; the second has a job state this crate does not know.
fn job_list_entries() -> (Vec<JobListEntry>, J) {
    (
        vec![
            JobListEntry::new()
                .job_id(JOB)
                .job_state(JobState::WithAws)
                .is_master(true)
                .job_type(JobType::Import)
                .snowball_type(SnowballType::EdgeCg)
                .creation_date(DateTime::from_secs(T1))
                .description("first"),
            JobListEntry::new()
                .job_id(JOB2)
                .job_state(JobState::from("Teleporting"))
                .is_master(false)
                .job_type(JobType::LocalUse)
                .snowball_type(SnowballType::V3_5c)
                .creation_date(DateTime::from_millis(T2_MS)),
        ],
        json!([
            {
                "JobId": JOB, "JobState": "WithAWS", "IsMaster": true, "JobType": "IMPORT",
                "SnowballType": "EDGE_CG", "CreationDate": ts(T1), "Description": "first",
                "FutureMember": "skip me",
            },
            {
                "JobId": JOB2, "JobState": "Teleporting", "IsMaster": false,
                "JobType": "LOCAL_USE", "SnowballType": "V3_5C",
                "CreationDate": ts(T2_MS as f64 / 1000.0),
            },
        ]),
    )
}

// ---------------------------------------------------------------------------------------
// The cases, one per operation
// ---------------------------------------------------------------------------------------

async fn cancel_cluster(p: Protocol) {
    let op = "CancelCluster";
    let (out, body) = exchange(p, op, unknown_members(), move |c: Client| {
        c.cancel_cluster(CLUSTER).send()
    })
    .await;
    assert_body(p, op, &body, json!({"ClusterId": CLUSTER}));
    assert_eq!(out, cancel_cluster::CancelClusterOutput::new());
}

async fn cancel_job(p: Protocol) {
    let op = "CancelJob";
    // An empty 200 body is an empty output in CBOR; JSON needs `{}`.
    let reply = match p {
        Protocol::RpcV2Cbor => Reply::new(200).protocol_headers(p),
        _ => Reply::ok(p, &json!({})),
    };
    let (out, body) = exchange_with(p, op, reply, move |c: Client| c.cancel_job(JOB).send()).await;
    assert_body(p, op, &body, json!({"JobId": JOB}));
    assert_eq!(out, cancel_job::CancelJobOutput::new());
}

async fn create_address(p: Protocol) {
    let op = "CreateAddress";
    let (addr, addr_wire) = address();
    let (out, body) = exchange(
        p,
        op,
        with_unknown(json!({"AddressId": ADDRESS})),
        move |c: Client| c.create_address(addr).send(),
    )
    .await;
    assert_body(p, op, &body, json!({"Address": addr_wire}));
    assert_eq!(out.address_id.as_deref(), Some(ADDRESS));
    assert_eq!(
        out,
        create_address::CreateAddressOutput::new().address_id(ADDRESS)
    );
}

async fn create_cluster(p: Protocol) {
    let op = "CreateCluster";
    let (res, res_wire) = resources();
    let (dev, dev_wire) = on_device();
    let (note, note_wire) = notification();
    let (tax, tax_wire) = tax_documents();
    let (entries, entries_wire) = job_list_entries();
    let response = with_unknown(json!({"ClusterId": CLUSTER, "JobListEntries": entries_wire}));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.create_cluster(
            JobType::LocalUse,
            ADDRESS,
            SnowballType::EdgeC,
            ShippingOption::SecondDay,
        )
        .resources(res)
        .on_device_service_configuration(dev)
        .description("MyCluster")
        .kms_key_arn(KMS)
        .role_arn(ROLE)
        .notification(note)
        .forwarding_address_id(ADDRESS2)
        .tax_documents(tax)
        .remote_management(RemoteManagement::InstalledAutostart)
        .initial_cluster_size(3)
        .force_create_jobs(true)
        .long_term_pricing_ids(vec![LTP.to_owned(), "LTPID2".to_owned()])
        .snowball_capacity_preference(SnowballCapacity::T14)
        .send()
    })
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({
            "JobType": "LOCAL_USE", "Resources": res_wire,
            "OnDeviceServiceConfiguration": dev_wire, "Description": "MyCluster",
            "AddressId": ADDRESS, "KmsKeyARN": KMS, "RoleARN": ROLE, "SnowballType": "EDGE_C",
            "ShippingOption": "SECOND_DAY", "Notification": note_wire,
            "ForwardingAddressId": ADDRESS2, "TaxDocuments": tax_wire,
            "RemoteManagement": "INSTALLED_AUTOSTART", "InitialClusterSize": 3,
            "ForceCreateJobs": true, "LongTermPricingIds": [LTP, "LTPID2"],
            "SnowballCapacityPreference": "T14",
        }),
    );
    assert_eq!(
        out,
        create_cluster::CreateClusterOutput::new()
            .cluster_id(CLUSTER)
            .job_list_entries(entries)
    );
    let states: Vec<_> = out
        .job_list_entries
        .iter()
        .flatten()
        .map(|e| e.job_state.as_ref().map(|s| s.as_str().to_owned()))
        .collect();
    assert_eq!(
        states,
        [Some("WithAWS".to_owned()), Some("Teleporting".to_owned())]
    );
}

async fn create_job(p: Protocol) {
    let op = "CreateJob";
    let (res, res_wire) = resources();
    let (dev, dev_wire) = on_device();
    let (note, note_wire) = notification();
    let (tax, tax_wire) = tax_documents();
    let (pick, pick_wire) = pickup();
    let (out, body) = exchange(
        p,
        op,
        with_unknown(json!({"JobId": JOB})),
        move |c: Client| {
            c.create_job()
                .job_type(JobType::Export)
                .resources(res)
                .on_device_service_configuration(dev)
                .description("My Job")
                .address_id(ADDRESS)
                .kms_key_arn(KMS)
                .role_arn(ROLE)
                .snowball_capacity_preference(SnowballCapacity::NoPreference)
                .shipping_option(ShippingOption::NextDay)
                .notification(note)
                .cluster_id(CLUSTER)
                .snowball_type(SnowballType::Rack5uC)
                .forwarding_address_id(ADDRESS2)
                .tax_documents(tax)
                .device_configuration(
                    DeviceConfiguration::new().snowcone_device_configuration(
                        SnowconeDeviceConfiguration::new()
                            .wireless_connection(WirelessConnection::new().is_wifi_enabled(true)),
                    ),
                )
                .remote_management(RemoteManagement::NotInstalled)
                .long_term_pricing_id(LTP)
                .impact_level(ImpactLevel::Il99)
                .pickup_details(pick)
                .send()
        },
    )
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({
            "JobType": "EXPORT", "Resources": res_wire, "OnDeviceServiceConfiguration": dev_wire,
            "Description": "My Job", "AddressId": ADDRESS, "KmsKeyARN": KMS, "RoleARN": ROLE,
            "SnowballCapacityPreference": "NoPreference", "ShippingOption": "NEXT_DAY",
            "Notification": note_wire, "ClusterId": CLUSTER, "SnowballType": "RACK_5U_C",
            "ForwardingAddressId": ADDRESS2, "TaxDocuments": tax_wire,
            "DeviceConfiguration": {"SnowconeDeviceConfiguration": {"WirelessConnection": {"IsWifiEnabled": true}}},
            "RemoteManagement": "NOT_INSTALLED", "LongTermPricingId": LTP, "ImpactLevel": "IL99",
            "PickupDetails": pick_wire,
        }),
    );
    assert_eq!(out, create_job::CreateJobOutput::new().job_id(JOB));
}

async fn create_long_term_pricing(p: Protocol) {
    let op = "CreateLongTermPricing";
    let response = with_unknown(json!({"LongTermPricingId": LTP}));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.create_long_term_pricing(LongTermPricingType::ThreeYear, SnowballType::Snc1Ssd)
            .is_long_term_pricing_auto_renew(true)
            .send()
    })
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({"LongTermPricingType": "ThreeYear", "IsLongTermPricingAutoRenew": true, "SnowballType": "SNC1_SSD"}),
    );
    assert_eq!(
        out,
        create_long_term_pricing::CreateLongTermPricingOutput::new().long_term_pricing_id(LTP)
    );
}

async fn create_return_shipping_label(p: Protocol) {
    let op = "CreateReturnShippingLabel";
    let (out, body) = exchange(
        p,
        op,
        with_unknown(json!({"Status": "Printing"})),
        move |c: Client| {
            c.create_return_shipping_label(JOB)
                .shipping_option(ShippingOption::Express)
                .send()
        },
    )
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({"JobId": JOB, "ShippingOption": "EXPRESS"}),
    );
    assert_eq!(out.status, Some(ShippingLabelStatus::from("Printing")));
}

async fn describe_address(p: Protocol) {
    let op = "DescribeAddress";
    let (addr, mut addr_wire) = address();
    addr_wire["Type"] = json!("DROP_BOX");
    addr_wire["Landmark"] = json!("Space Needle");
    let response = with_unknown(json!({"Address": addr_wire}));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.describe_address(ADDRESS).send()
    })
    .await;
    assert_body(p, op, &body, json!({"AddressId": ADDRESS}));
    let want = addr
        .r#type(AddressType::from("DROP_BOX"))
        .landmark("Space Needle");
    assert_eq!(
        out,
        describe_address::DescribeAddressOutput::new().address(want)
    );
}

async fn describe_addresses(p: Protocol) {
    let op = "DescribeAddresses";
    let (addr, addr_wire) = address();
    let response = with_unknown(json!({
        "Addresses": [addr_wire, {"AddressId": ADDRESS2, "Type": "AWS_SHIP"}],
        "NextToken": "page-2",
    }));
    let (out, body) = exchange_with(p, op, indefinite_reply(p, &response), move |c: Client| {
        c.describe_addresses()
            .max_results(5)
            .next_token("page-1")
            .send()
    })
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({"MaxResults": 5, "NextToken": "page-1"}),
    );
    assert_eq!(
        out,
        describe_addresses::DescribeAddressesOutput::new()
            .addresses(vec![
                addr,
                Address::new()
                    .address_id(ADDRESS2)
                    .r#type(AddressType::AwsShip)
            ])
            .next_token("page-2")
    );
}

async fn describe_cluster(p: Protocol) {
    let op = "DescribeCluster";
    let (res, res_wire) = resources();
    let (dev, dev_wire) = on_device();
    let (note, note_wire) = notification();
    let (tax, tax_wire) = tax_documents();
    let response = with_unknown(json!({"ClusterMetadata": {
        "ClusterId": CLUSTER, "Description": "MyCluster", "KmsKeyARN": KMS, "RoleARN": ROLE,
        "ClusterState": "Rebalancing", "JobType": "LOCAL_USE", "SnowballType": "EDGE",
        "CreationDate": ts(T2_MS as f64 / 1000.0), "Resources": res_wire,
        "AddressId": ADDRESS, "ShippingOption": "STANDARD", "Notification": note_wire,
        "ForwardingAddressId": ADDRESS2, "TaxDocuments": tax_wire,
        "OnDeviceServiceConfiguration": dev_wire, "FutureMember": [1, 2, 3],
    }}));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.describe_cluster(CLUSTER).send()
    })
    .await;
    assert_body(p, op, &body, json!({"ClusterId": CLUSTER}));
    let want = ClusterMetadata::new()
        .cluster_id(CLUSTER)
        .description("MyCluster")
        .kms_key_arn(KMS)
        .role_arn(ROLE)
        .cluster_state(ClusterState::from("Rebalancing"))
        .job_type(JobType::LocalUse)
        .snowball_type(SnowballType::Edge)
        .creation_date(DateTime::from_millis(T2_MS))
        .resources(res)
        .address_id(ADDRESS)
        .shipping_option(ShippingOption::Standard)
        .notification(note)
        .forwarding_address_id(ADDRESS2)
        .tax_documents(tax)
        .on_device_service_configuration(dev);
    assert_eq!(
        out,
        describe_cluster::DescribeClusterOutput::new().cluster_metadata(want)
    );
    let s3 = out
        .cluster_metadata
        .and_then(|m| m.on_device_service_configuration)
        .and_then(|d| d.s3_on_device_service)
        .and_then(|s| s.storage_limit);
    assert_eq!(s3, Some(2.5));
}

async fn describe_job(p: Protocol) {
    let op = "DescribeJob";
    let (res, res_wire) = resources();
    let (dev, dev_wire) = on_device();
    let (note, note_wire) = notification();
    let (tax, tax_wire) = tax_documents();
    let (pick, pick_wire) = pickup();
    let response = with_unknown(json!({
        "JobMetadata": {
            "JobId": JOB, "JobState": "InTransitToAWS", "JobType": "IMPORT",
            "SnowballType": "EDGE_S", "CreationDate": ts(T1), "Resources": res_wire,
            "Description": "My Job", "KmsKeyARN": KMS, "RoleARN": ROLE, "AddressId": ADDRESS,
            "ShippingDetails": {
                "ShippingOption": "SECOND_DAY",
                "InboundShipment": {"Status": "Delivered", "TrackingNumber": "1Z999"},
                "OutboundShipment": {"Status": "InTransit", "TrackingNumber": "1Z998"},
            },
            "SnowballCapacityPreference": "T240", "Notification": note_wire,
            "DataTransferProgress": {
                "BytesTransferred": 5_000_000_000_000_i64, "ObjectsTransferred": 12,
                "TotalBytes": 9_007_199_254_740_993_i64, "TotalObjects": 0,
            },
            "JobLogInfo": {
                "JobCompletionReportURI": "https://example.com/report",
                "JobSuccessLogURI": "https://example.com/ok",
                "JobFailureLogURI": "https://example.com/fail",
            },
            "ClusterId": CLUSTER, "ForwardingAddressId": ADDRESS2, "TaxDocuments": tax_wire,
            "DeviceConfiguration": {"SnowconeDeviceConfiguration": {"WirelessConnection": {"IsWifiEnabled": false}}},
            "RemoteManagement": "INSTALLED_ONLY", "LongTermPricingId": LTP,
            "OnDeviceServiceConfiguration": dev_wire, "ImpactLevel": "IL5",
            "PickupDetails": pick_wire, "SnowballId": "SID-1",
        },
        "SubJobMetadata": [
            {"JobId": JOB2, "JobState": "Hibernating", "SnowballCapacityPreference": "T9000"},
        ],
    }));
    let (out, body) = exchange_with(p, op, indefinite_reply(p, &response), move |c: Client| {
        c.describe_job(JOB).send()
    })
    .await;
    assert_body(p, op, &body, json!({"JobId": JOB}));
    let want = JobMetadata::new()
        .job_id(JOB)
        .job_state(JobState::InTransitToAws)
        .job_type(JobType::Import)
        .snowball_type(SnowballType::EdgeS)
        .creation_date(DateTime::from_secs(T1))
        .resources(res)
        .description("My Job")
        .kms_key_arn(KMS)
        .role_arn(ROLE)
        .address_id(ADDRESS)
        .shipping_details(
            ShippingDetails::new()
                .shipping_option(ShippingOption::SecondDay)
                .inbound_shipment(Shipment::new().status("Delivered").tracking_number("1Z999"))
                .outbound_shipment(Shipment::new().status("InTransit").tracking_number("1Z998")),
        )
        .snowball_capacity_preference(SnowballCapacity::T240)
        .notification(note)
        .data_transfer_progress(
            DataTransfer::new()
                .bytes_transferred(5_000_000_000_000)
                .objects_transferred(12)
                .total_bytes(9_007_199_254_740_993)
                .total_objects(0),
        )
        .job_log_info(
            JobLogs::new()
                .job_completion_report_uri("https://example.com/report")
                .job_success_log_uri("https://example.com/ok")
                .job_failure_log_uri("https://example.com/fail"),
        )
        .cluster_id(CLUSTER)
        .forwarding_address_id(ADDRESS2)
        .tax_documents(tax)
        .device_configuration(
            DeviceConfiguration::new().snowcone_device_configuration(
                SnowconeDeviceConfiguration::new()
                    .wireless_connection(WirelessConnection::new().is_wifi_enabled(false)),
            ),
        )
        .remote_management(RemoteManagement::InstalledOnly)
        .long_term_pricing_id(LTP)
        .on_device_service_configuration(dev)
        .impact_level(ImpactLevel::Il5)
        .pickup_details(pick)
        .snowball_id("SID-1");
    let sub = JobMetadata::new()
        .job_id(JOB2)
        .job_state(JobState::from("Hibernating"))
        .snowball_capacity_preference(SnowballCapacity::from("T9000"));
    assert_eq!(
        out,
        describe_job::DescribeJobOutput::new()
            .job_metadata(want)
            .sub_job_metadata(vec![sub])
    );
}

async fn describe_return_shipping_label(p: Protocol) {
    let op = "DescribeReturnShippingLabel";
    let response = with_unknown(json!({
        "Status": "Succeeded",
        "ExpirationDate": ts(T2_MS as f64 / 1000.0),
        "ReturnShippingLabelURI": "https://example.com/label.pdf",
    }));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.describe_return_shipping_label(JOB).send()
    })
    .await;
    assert_body(p, op, &body, json!({"JobId": JOB}));
    assert_eq!(
        out,
        describe_return_shipping_label::DescribeReturnShippingLabelOutput::new()
            .status(ShippingLabelStatus::Succeeded)
            .expiration_date(DateTime::from_millis(T2_MS))
            .return_shipping_label_uri("https://example.com/label.pdf")
    );
}

async fn get_job_manifest(p: Protocol) {
    let op = "GetJobManifest";
    let uri = "https://awsie-frosty-manifests-prod.s3.amazonaws.com/JID_manifest.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&a=b%2Fc";
    let (out, body) = exchange(
        p,
        op,
        with_unknown(json!({"ManifestURI": uri})),
        move |c: Client| c.get_job_manifest(JOB).send(),
    )
    .await;
    assert_body(p, op, &body, json!({"JobId": JOB}));
    assert_eq!(
        out,
        get_job_manifest::GetJobManifestOutput::new().manifest_uri(uri)
    );
}

async fn get_job_unlock_code(p: Protocol) {
    let op = "GetJobUnlockCode";
    let code = "12345-abcde-67890-fghij-12345";
    let (out, body) = exchange(
        p,
        op,
        with_unknown(json!({"UnlockCode": code})),
        move |c: Client| c.get_job_unlock_code(JOB).send(),
    )
    .await;
    assert_body(p, op, &body, json!({"JobId": JOB}));
    assert_eq!(
        out,
        get_job_unlock_code::GetJobUnlockCodeOutput::new().unlock_code(code)
    );
}

async fn get_snowball_usage(p: Protocol) {
    let op = "GetSnowballUsage";
    let server = Server::queue([Reply::ok(
        p,
        &with_unknown(json!({"SnowballLimit": 10, "SnowballsInUse": 2})),
    )])
    .await;
    let out = (move |c: Client| c.get_snowball_usage().send())
        .run(client(&server, p))
        .await
        .unwrap_or_else(|e| panic!("{op} over {p:?}: {e}"));
    let req = server.single_request();
    let body = check_request(&req, p, op);
    // An empty input structure still sends a body: an empty map (`a0` or `bf ff`) / `{}`.
    assert_eq!(body, json!({}));
    match p {
        Protocol::RpcV2Cbor => assert!(
            req.body == [0xa0] || req.body == [0xbf, 0xff],
            "{:02x?}",
            req.body
        ),
        _ => assert_eq!(String::from_utf8_lossy(&req.body).trim(), "{}"),
    }
    assert_eq!(
        out,
        get_snowball_usage::GetSnowballUsageOutput::new()
            .snowball_limit(10)
            .snowballs_in_use(2)
    );
}

async fn get_software_updates(p: Protocol) {
    let op = "GetSoftwareUpdates";
    let (out, body) = exchange(
        p,
        op,
        with_unknown(json!({"UpdatesURI": "https://example.com/updates"})),
        move |c: Client| c.get_software_updates(JOB).send(),
    )
    .await;
    assert_body(p, op, &body, json!({"JobId": JOB}));
    assert_eq!(
        out,
        get_software_updates::GetSoftwareUpdatesOutput::new()
            .updates_uri("https://example.com/updates")
    );
}

async fn list_cluster_jobs(p: Protocol) {
    let op = "ListClusterJobs";
    let (entries, entries_wire) = job_list_entries();
    let response = with_unknown(json!({"JobListEntries": entries_wire, "NextToken": "n2"}));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.list_cluster_jobs(CLUSTER)
            .max_results(2)
            .next_token("n1")
            .send()
    })
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({"ClusterId": CLUSTER, "MaxResults": 2, "NextToken": "n1"}),
    );
    assert_eq!(
        out,
        list_cluster_jobs::ListClusterJobsOutput::new()
            .job_list_entries(entries)
            .next_token("n2")
    );
}

async fn list_clusters(p: Protocol) {
    let op = "ListClusters";
    let response = with_unknown(json!({"ClusterListEntries": [
        {"ClusterId": CLUSTER, "ClusterState": "AwaitingQuorum", "CreationDate": ts(T1), "Description": "c1"},
        {"ClusterId": "CID2", "ClusterState": "Melting"},
    ]}));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.list_clusters().max_results(100).send()
    })
    .await;
    assert_body(p, op, &body, json!({"MaxResults": 100}));
    assert_eq!(
        out,
        list_clusters::ListClustersOutput::new().cluster_list_entries(vec![
            ClusterListEntry::new()
                .cluster_id(CLUSTER)
                .cluster_state(ClusterState::AwaitingQuorum)
                .creation_date(DateTime::from_secs(T1))
                .description("c1"),
            ClusterListEntry::new()
                .cluster_id("CID2")
                .cluster_state(ClusterState::from("Melting")),
        ])
    );
}

async fn list_compatible_images(p: Protocol) {
    let op = "ListCompatibleImages";
    let response = with_unknown(json!({
        "CompatibleImages": [{"AmiId": "ami-1", "Name": "Ubuntu"}, {"AmiId": "ami-2"}],
        "NextToken": "x",
    }));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.list_compatible_images().next_token("w").send()
    })
    .await;
    assert_body(p, op, &body, json!({"NextToken": "w"}));
    assert_eq!(
        out,
        list_compatible_images::ListCompatibleImagesOutput::new()
            .compatible_images(vec![
                CompatibleImage::new().ami_id("ami-1").name("Ubuntu"),
                CompatibleImage::new().ami_id("ami-2"),
            ])
            .next_token("x")
    );
}

async fn list_jobs(p: Protocol) {
    let op = "ListJobs";
    let (entries, entries_wire) = job_list_entries();
    let response = with_unknown(json!({"JobListEntries": entries_wire}));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.list_jobs().max_results(0).send()
    })
    .await;
    assert_body(p, op, &body, json!({"MaxResults": 0}));
    assert_eq!(
        out,
        list_jobs::ListJobsOutput::new().job_list_entries(entries)
    );
}

async fn list_long_term_pricing(p: Protocol) {
    let op = "ListLongTermPricing";
    let response = with_unknown(json!({"LongTermPricingEntries": [{
        "LongTermPricingId": LTP, "LongTermPricingEndDate": ts(T2_MS as f64 / 1000.0),
        "LongTermPricingStartDate": ts(T1), "LongTermPricingType": "OneMonth",
        "CurrentActiveJob": JOB, "ReplacementJob": JOB2, "IsLongTermPricingAutoRenew": true,
        "LongTermPricingStatus": "ACTIVE", "SnowballType": "SNC1_HDD", "JobIds": [JOB, JOB2],
    }], "NextToken": "more"}));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.list_long_term_pricing().max_results(1).send()
    })
    .await;
    assert_body(p, op, &body, json!({"MaxResults": 1}));
    assert_eq!(
        out,
        list_long_term_pricing::ListLongTermPricingOutput::new()
            .long_term_pricing_entries(vec![LongTermPricingListEntry::new()
                .long_term_pricing_id(LTP)
                .long_term_pricing_end_date(DateTime::from_millis(T2_MS))
                .long_term_pricing_start_date(DateTime::from_secs(T1))
                .long_term_pricing_type(LongTermPricingType::OneMonth)
                .current_active_job(JOB)
                .replacement_job(JOB2)
                .is_long_term_pricing_auto_renew(true)
                .long_term_pricing_status("ACTIVE")
                .snowball_type(SnowballType::Snc1Hdd)
                .job_ids(vec![JOB.to_owned(), JOB2.to_owned()])])
            .next_token("more")
    );
}

async fn list_pickup_locations(p: Protocol) {
    let op = "ListPickupLocations";
    let (addr, addr_wire) = address();
    let response = with_unknown(json!({"Addresses": [addr_wire]}));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.list_pickup_locations()
            .max_results(10)
            .next_token("tok")
            .send()
    })
    .await;
    assert_body(p, op, &body, json!({"MaxResults": 10, "NextToken": "tok"}));
    assert_eq!(
        out,
        list_pickup_locations::ListPickupLocationsOutput::new().addresses(vec![addr])
    );
}

async fn list_service_versions(p: Protocol) {
    let op = "ListServiceVersions";
    let response = with_unknown(json!({
        "ServiceVersions": [{"Version": "1.27"}, {"Version": "1.28"}],
        "ServiceName": "KUBERNETES",
        "DependentServices": [{"ServiceName": "WARP_DRIVE", "ServiceVersion": {"Version": "9"}}],
        "NextToken": "nv",
    }));
    let (out, body) = exchange(p, op, response, move |c: Client| {
        c.list_service_versions(ServiceName::Kubernetes)
            .dependent_services(vec![DependentService::new()
                .service_name(ServiceName::EksAnywhere)
                .service_version(ServiceVersion::new().version("0.18"))])
            .max_results(3)
            .send()
    })
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({
            "ServiceName": "KUBERNETES",
            "DependentServices": [{"ServiceName": "EKS_ANYWHERE", "ServiceVersion": {"Version": "0.18"}}],
            "MaxResults": 3,
        }),
    );
    assert_eq!(
        out,
        list_service_versions::ListServiceVersionsOutput::new(
            vec![
                ServiceVersion::new().version("1.27"),
                ServiceVersion::new().version("1.28"),
            ],
            ServiceName::Kubernetes,
        )
        .dependent_services(vec![DependentService::new()
            .service_name(ServiceName::from("WARP_DRIVE"))
            .service_version(ServiceVersion::new().version("9"))])
        .next_token("nv")
    );
}

async fn update_cluster(p: Protocol) {
    let op = "UpdateCluster";
    let (res, res_wire) = resources();
    let (dev, dev_wire) = on_device();
    let (note, note_wire) = notification();
    let (out, body) = exchange(p, op, unknown_members(), move |c: Client| {
        c.update_cluster(CLUSTER)
            .role_arn(ROLE)
            .description("Updated")
            .resources(res)
            .on_device_service_configuration(dev)
            .address_id(ADDRESS)
            .shipping_option(ShippingOption::NextDay)
            .notification(note)
            .forwarding_address_id(ADDRESS2)
            .send()
    })
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({
            "ClusterId": CLUSTER, "RoleARN": ROLE, "Description": "Updated",
            "Resources": res_wire, "OnDeviceServiceConfiguration": dev_wire,
            "AddressId": ADDRESS, "ShippingOption": "NEXT_DAY", "Notification": note_wire,
            "ForwardingAddressId": ADDRESS2,
        }),
    );
    assert_eq!(out, update_cluster::UpdateClusterOutput::new());
}

async fn update_job(p: Protocol) {
    let op = "UpdateJob";
    let (note, note_wire) = notification();
    let (dev, dev_wire) = on_device();
    let (pick, pick_wire) = pickup();
    let (out, body) = exchange(p, op, unknown_members(), move |c: Client| {
        c.update_job(JOB)
            .role_arn(ROLE)
            .notification(note)
            .on_device_service_configuration(dev)
            .address_id(ADDRESS)
            .shipping_option(ShippingOption::Standard)
            .description("Updated job")
            .snowball_capacity_preference(SnowballCapacity::T32)
            .forwarding_address_id(ADDRESS2)
            .pickup_details(pick)
            .send()
    })
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({
            "JobId": JOB, "RoleARN": ROLE, "Notification": note_wire,
            "OnDeviceServiceConfiguration": dev_wire, "AddressId": ADDRESS,
            "ShippingOption": "STANDARD", "Description": "Updated job",
            "SnowballCapacityPreference": "T32", "ForwardingAddressId": ADDRESS2,
            "PickupDetails": pick_wire,
        }),
    );
    assert_eq!(out, update_job::UpdateJobOutput::new());
}

async fn update_job_shipment_state(p: Protocol) {
    let op = "UpdateJobShipmentState";
    let (out, body) = exchange(p, op, json!({}), move |c: Client| {
        c.update_job_shipment_state(JOB, ShipmentState::Returned)
            .send()
    })
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({"JobId": JOB, "ShipmentState": "RETURNED"}),
    );
    assert_eq!(
        out,
        update_job_shipment_state::UpdateJobShipmentStateOutput::new()
    );
}

async fn update_long_term_pricing(p: Protocol) {
    let op = "UpdateLongTermPricing";
    let (out, body) = exchange(p, op, unknown_members(), move |c: Client| {
        c.update_long_term_pricing(LTP)
            .replacement_job(JOB2)
            .is_long_term_pricing_auto_renew(false)
            .send()
    })
    .await;
    assert_body(
        p,
        op,
        &body,
        json!({"LongTermPricingId": LTP, "ReplacementJob": JOB2, "IsLongTermPricingAutoRenew": false}),
    );
    assert_eq!(
        out,
        update_long_term_pricing::UpdateLongTermPricingOutput::new()
    );
}

// ---------------------------------------------------------------------------------------
// Beyond the table
// ---------------------------------------------------------------------------------------

#[test]
fn create_job_debug_redacts_sensitive_pickup_members() {
    let (pick, _) = pickup();
    let input = create_job::CreateJobInput::new()
        .description("visible description")
        .pickup_details(pick);
    let debug = format!("{input:?}");
    for secret in ["pat@example.com", "+1 425-555-0100", "555-0100"] {
        assert!(!debug.contains(secret), "{secret} leaked: {debug}");
    }
    for shown in [
        "visible description",
        "Pat Doe",
        "ID-42",
        "WA DOL",
        "DPID123e4567-e89b-12d3-a456-426655440000",
    ] {
        assert!(debug.contains(shown), "{shown} missing: {debug}");
    }
    assert!(debug.contains("email"), "{debug}");
    assert!(debug.contains("phone_number"), "{debug}");
    assert_eq!(debug.matches("Redacted").count(), 2, "{debug}");
    // The pretty form redacts too.
    let pretty = format!("{input:#?}");
    assert!(!pretty.contains("pat@example.com") && pretty.contains("Pat Doe"));
}

#[tokio::test]
async fn the_protocol_defaults_to_cbor_and_clients_reuse_one_connection() {
    let server = Server::queue([
        Reply::ok(Protocol::RpcV2Cbor, &json!({"SnowballLimit": 1})),
        Reply::ok(Protocol::RpcV2Cbor, &json!({"SnowballLimit": 2})),
    ])
    .await;
    let config = snowball::Config::new()
        .region(e2e::REGION)
        .endpoint_url(server.url())
        .credentials(e2e::credentials());
    let c = Client::new(config);
    for want in [1, 2] {
        let out = (move |c: Client| c.get_snowball_usage().send())
            .run(c.clone())
            .await
            .unwrap();
        assert_eq!(out.snowball_limit, Some(want));
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        server.connections(),
        1,
        "the second call reuses the connection"
    );
    for r in &reqs {
        check_request(r, Protocol::RpcV2Cbor, "GetSnowballUsage");
    }
    // A fresh invocation id per call.
    let ids: Vec<_> = reqs
        .iter()
        .map(|r| r.header("amz-sdk-invocation-id"))
        .collect();
    assert!(ids[0].is_some() && ids[0] != ids[1], "{ids:?}");
}

#[tokio::test]
async fn an_endpoint_path_prefix_is_kept() {
    for p in PROTOCOLS {
        let server = Server::queue([Reply::ok(p, &json!({}))]).await;
        let config =
            e2e::config(server.addr(), p).endpoint_url(format!("{}/prefix/", server.url()));
        (move |c: Client| c.cancel_job(JOB).send())
            .run(Client::new(config))
            .await
            .unwrap();
        let req = server.single_request();
        let want = match p {
            Protocol::RpcV2Cbor => {
                "/prefix/service/AWSIESnowballJobManagementService/operation/CancelJob"
            }
            _ => "/prefix/",
        };
        assert_eq!(req.target, want);
        e2e::verify_sigv4(&req).unwrap();
    }
}

/// Wire forms a decoder must accept although `e2e`'s encoders never produce them:
/// half and single floats, `null`/`undefined` members (absent), exponent notation, and
/// an empty 200 body for an empty output.
#[tokio::test]
async fn decoders_accept_every_legal_spelling() {
    fn text(s: &str) -> Vec<u8> {
        encode_cbor(&json!(s), false)
    }
    let mut cbor = vec![0xa1];
    cbor.extend(text("ClusterMetadata"));
    cbor.push(0xa4);
    cbor.extend(text("ClusterId"));
    cbor.push(0xf7); // undefined
    cbor.extend(text("Description"));
    cbor.push(0xf6); // null
    cbor.extend(text("CreationDate"));
    cbor.extend([0xc1, 0xfa, 0x4e, 0xb2, 0xd0, 0x5e]); // tag 1, float32 1.5e9
    cbor.extend(text("OnDeviceServiceConfiguration"));
    cbor.push(0xa1);
    cbor.extend(text("S3OnDeviceService"));
    cbor.push(0xa2);
    cbor.extend(text("StorageLimit"));
    cbor.extend([0xf9, 0x41, 0x00]); // half-precision 2.5
    cbor.extend(text("ServiceSize"));
    cbor.push(0x03);
    let json_body = br#"{"ClusterMetadata": {"ClusterId": null, "Description": null,
        "CreationDate": 1.5e9, "OnDeviceServiceConfiguration": {"S3OnDeviceService":
        {"StorageLimit": 25e-1, "ServiceSize": 3}}}}"#;
    let want = ClusterMetadata::new()
        .creation_date(DateTime::from_secs(1_500_000_000))
        .on_device_service_configuration(
            OnDeviceServiceConfiguration::new().s3_on_device_service(
                S3OnDeviceServiceConfiguration::new()
                    .storage_limit(2.5)
                    .service_size(3),
            ),
        );
    for (p, body) in [
        (Protocol::RpcV2Cbor, cbor),
        (Protocol::AwsJson1_1, json_body.to_vec()),
    ] {
        let reply = Reply::new(200).protocol_headers(p).body(body);
        let (out, _) = exchange_with(p, "DescribeCluster", reply, move |c: Client| {
            c.describe_cluster(CLUSTER).send()
        })
        .await;
        assert_eq!(out.cluster_metadata.as_ref(), Some(&want), "{p:?}");
    }

    // An empty 200 body is an empty output, in both protocols (botocore parses an empty
    // JSON body as `{}`).
    for p in PROTOCOLS {
        let reply = Reply::new(200).protocol_headers(p);
        let (out, _) = exchange_with(p, "UpdateJob", reply, move |c: Client| {
            c.update_job(JOB).send()
        })
        .await;
        assert_eq!(out, update_job::UpdateJobOutput::new(), "{p:?}");
    }
}

/// Strings that need escaping in JSON and multi-byte UTF-8 in CBOR arrive intact.
#[tokio::test]
async fn strings_survive_escaping_in_both_protocols() {
    let nasty = "quote \" backslash \\ slash / newline \n tab \t nul \u{0} bell \u{7} \
                 é ♦ 🚀 \u{2028} end";
    for p in PROTOCOLS {
        let response = json!({"JobId": nasty});
        let (out, body) = exchange(p, "CreateJob", response, move |c: Client| {
            c.create_job().description(nasty).send()
        })
        .await;
        assert_body(p, "CreateJob", &body, json!({"Description": nasty}));
        assert_eq!(out.job_id.as_deref(), Some(nasty), "{p:?}");
    }
}
