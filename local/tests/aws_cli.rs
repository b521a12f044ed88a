//! The pinned AWS CLI (`target/venv/bin/aws`, awscli 1.46.3 over botocore 1.44.5, which
//! speaks awsJson 1.1 to Snowball and awsQuery to Import/Export) against a running
//! `snowball-local`: what it creates it can describe and list, and errors arrive as the
//! CLI's `An error occurred (Code) ...` lines.

mod common;

use common::Local;
use serde_json::Value;

/// Runs `aws --endpoint-url URL ARGS` with dummy credentials and nothing from the
/// environment: exit code, stdout, stderr.
fn run(local: &Local, args: &[&str]) -> (i32, String, String) {
    common::aws(
        local,
        args,
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    )
}

/// Runs a command that must succeed and parses its JSON output.
fn ok(local: &Local, args: &[&str]) -> Value {
    let (code, out, err) = run(local, args);
    assert_eq!(code, 0, "aws {args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("aws {args:?}: {e}: {out}"))
}

/// Our own client speaks CBOR to the binary (the AWS CLI sends awsJson).
#[tokio::test]
async fn our_client_talks_cbor_to_snowball_local() {
    let local = Local::start();
    let config = |c: snowball::Config| {
        c.region("us-east-1")
            .endpoint_url(local.url.clone())
            .credentials(snowball::Credentials::new("AKID", "secret", None))
    };
    let client = snowball::Client::new(
        config(snowball::Config::new()).protocol(snowball::Protocol::RpcV2Cbor),
    );
    let id = client
        .create_address(common::address())
        .send()
        .await
        .expect("create_address")
        .address_id
        .expect("an id");
    let job = client
        .create_job()
        .job_type(snowball::types::JobType::Export)
        .address_id(id.clone())
        .send()
        .await
        .expect("create_job")
        .job_id
        .expect("a job id");
    let listed = client.list_jobs().send().await.expect("list_jobs");
    let entries = listed.job_list_entries.unwrap_or_default();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].job_id.as_deref(), Some(job.as_str()));
    assert_eq!(entries[0].job_type, Some(snowball::types::JobType::Export));
    // An address that does not exist fails CreateJob with the modeled error.
    let err = client
        .create_job()
        .job_type(snowball::types::JobType::Export)
        .address_id("ADID00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .expect_err("unknown address");
    assert!(
        err.as_service()
            .is_some_and(|k| k.is_invalid_resource_exception()),
        "{err:?}"
    );
}

#[test]
fn the_aws_cli_creates_describes_and_lists_snowball_addresses_and_jobs() {
    let local = Local::start();
    let created = ok(
        &local,
        &[
            "snowball",
            "create-address",
            "--address",
            "Name=Jane Doe,Street1=1 Main St,City=Seattle,Country=US,PostalCode=98101",
        ],
    );
    let address_id = created["AddressId"]
        .as_str()
        .expect("AddressId")
        .to_string();
    assert!(
        address_id.starts_with("ADID") && address_id.len() == 40,
        "{address_id}"
    );

    let described = ok(
        &local,
        &["snowball", "describe-address", "--address-id", &address_id],
    );
    assert_eq!(described["Address"]["City"], "Seattle");
    assert_eq!(described["Address"]["AddressId"], address_id.as_str());
    let all = ok(&local, &["snowball", "describe-addresses"]);
    assert_eq!(all["Addresses"].as_array().map(Vec::len), Some(1));

    let job = ok(
        &local,
        &[
            "snowball",
            "create-job",
            "--job-type",
            "IMPORT",
            "--address-id",
            &address_id,
            "--description",
            "first",
            "--resources",
            r#"{"S3Resources":[{"BucketArn":"arn:aws:s3:::my-bucket"}]}"#,
            "--shipping-option",
            "SECOND_DAY",
        ],
    );
    let job_id = job["JobId"].as_str().expect("JobId").to_string();
    assert!(job_id.starts_with("JID") && job_id.len() == 39, "{job_id}");

    let meta = ok(&local, &["snowball", "describe-job", "--job-id", &job_id]);
    let m = &meta["JobMetadata"];
    assert_eq!(m["JobState"], "New");
    assert_eq!(m["Description"], "first");
    assert_eq!(
        m["Resources"]["S3Resources"][0]["BucketArn"],
        "arn:aws:s3:::my-bucket"
    );
    assert_eq!(m["ShippingDetails"]["ShippingOption"], "SECOND_DAY");
    assert!(m["CreationDate"].is_number(), "{m}");

    let list = ok(&local, &["snowball", "list-jobs"]);
    assert_eq!(list["JobListEntries"][0]["JobId"], job_id.as_str());

    // A modeled error, and an operation not implemented yet.
    let unknown = "JID00000000-0000-4000-8000-000000000000";
    let (code, _, err) = run(&local, &["snowball", "describe-job", "--job-id", unknown]);
    assert_eq!(code, 255, "{err}");
    assert!(
        err.contains(
            "An error occurred (InvalidResourceException) when calling the DescribeJob \
             operation: The job ID JID00000000-0000-4000-8000-000000000000 is not valid."
        ),
        "{err}"
    );
    // Past New the service refuses CancelJob with the modeled error.
    assert_eq!(local.advance(Some(&job_id)), 1);
    let (code, _, err) = run(&local, &["snowball", "cancel-job", "--job-id", &job_id]);
    assert_eq!(code, 255, "{err}");
    assert!(
        err.contains(&format!(
            "An error occurred (InvalidJobStateException) when calling the CancelJob \
             operation: The job {job_id} is in the PreparingAppliance state; a job can be \
             cancelled only while it is New."
        )),
        "{err}"
    );
    let described = ok(&local, &["snowball", "describe-job", "--job-id", &job_id]);
    assert_eq!(
        described["JobMetadata"]["JobState"], "PreparingAppliance",
        "{described}"
    );
    let code = ok(
        &local,
        &["snowball", "get-job-unlock-code", "--job-id", &job_id],
    );
    assert_eq!(
        code["UnlockCode"].as_str().map(str::len),
        Some(29),
        "{code}"
    );
    let updates = ok(
        &local,
        &["snowball", "get-software-updates", "--job-id", &job_id],
    );
    let uri = updates["UpdatesURI"].as_str().expect("UpdatesURI");
    let (status, body) = local.http("GET", uri.strip_prefix(&local.url).expect("ours"));
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains(&job_id));
}

#[test]
fn the_aws_cli_creates_lists_and_reads_import_export_jobs() {
    let local = Local::start();
    let manifest = "manifestVersion: 2.0\ndeviceId: ABCDE\nbucket: my-bucket\nreturnAddress:\n  \
                    name: Jane Doe\n  street1: 1 Main St\n  city: Seattle\n  postalCode: 98101\n  \
                    country: US\n";
    let export = manifest.replace("bucket: my-bucket", "fileSystem: NTFS");
    let created = ok(
        &local,
        &[
            "importexport",
            "create-job",
            "--job-type",
            "Import",
            "--manifest",
            manifest,
            "--no-validate-only",
        ],
    );
    let job_id = created["JobId"].as_str().expect("JobId").to_string();
    assert_eq!(job_id.len(), 5, "{job_id}");
    assert_eq!(created["JobType"], "Import");

    let status = ok(&local, &["importexport", "get-status", "--job-id", &job_id]);
    assert_eq!(status["ProgressCode"], "Pending");
    assert_eq!(status["CurrentManifest"], manifest);

    let second = ok(
        &local,
        &[
            "importexport",
            "create-job",
            "--job-type",
            "Export",
            "--manifest",
            &export,
            "--no-validate-only",
        ],
    );
    // Newest first, one page per call: the CLI follows `Marker` until `IsTruncated` ends.
    let list = ok(&local, &["importexport", "list-jobs", "--page-size", "1"]);
    let ids: Vec<&str> = list["Jobs"]
        .as_array()
        .expect("Jobs")
        .iter()
        .filter_map(|j| j["JobId"].as_str())
        .collect();
    assert_eq!(
        ids,
        [second["JobId"].as_str().unwrap_or("?"), job_id.as_str()]
    );

    let (code, _, err) = run(&local, &["importexport", "get-status", "--job-id", "NOPE1"]);
    assert_eq!(code, 255, "{err}");
    assert!(
        err.contains(
            "An error occurred (InvalidJobIdException) when calling the GetStatus operation: \
             No such job NOPE1 for your account"
        ),
        "{err}"
    );
    // Once the job has started it can no longer be cancelled.
    assert_eq!(local.advance(Some(&job_id)), 1);
    let status = ok(&local, &["importexport", "get-status", "--job-id", &job_id]);
    assert_eq!(status["ProgressCode"], "Received");
    let (code, _, err) = run(&local, &["importexport", "cancel-job", "--job-id", &job_id]);
    assert_eq!(code, 255, "{err}");
    assert!(
        err.contains(&format!(
            "An error occurred (UnableToCancelJobIdException) when calling the CancelJob \
             operation: Job {job_id} is Received; it can be canceled only while Pending."
        )),
        "{err}"
    );
    // A manifest without its required fields is the modeled error.
    let (code, _, err) = run(
        &local,
        &[
            "importexport",
            "create-job",
            "--job-type",
            "Import",
            "--manifest",
            "manifestVersion: 2.0\nbucket: my-bucket",
            "--no-validate-only",
        ],
    );
    assert_eq!(code, 255, "{err}");
    assert!(
        err.contains(
            "An error occurred (MissingManifestFieldException) when calling the CreateJob \
             operation: The manifest field deviceId is required."
        ),
        "{err}"
    );
}
