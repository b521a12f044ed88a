//! Import/Export's behaviour in `snowball-local`, through our own `importexport` client
//! over awsQuery: manifests checked field by field with the modeled errors, a job
//! updated and cancelled only while `Pending`, its status advanced to `Completed`, and
//! shipping labels served by the emulator.

mod common;

use common::Local;
use importexport::types::JobType;
use importexport::{Client, Config, Credentials};

const MANIFEST: &str = "manifestVersion: 2.0\ndeviceId: ABCDE\nbucket: my-bucket\n\
returnAddress:\n  name: Jane Doe\n  street1: 1 Main St\n  city: Seattle\n  postalCode: 98101\n  country: US\n";

fn client(local: &Local) -> Client {
    Client::new(
        Config::new()
            .region("us-east-1")
            .endpoint_url(local.url.clone())
            .credentials(Credentials::new("AKID", "secret", None)),
    )
}

async fn progress(client: &Client, job: &str) -> String {
    client
        .get_status(job)
        .send()
        .await
        .expect("get_status")
        .progress_code
        .expect("a progress code")
}

#[tokio::test]
async fn create_job_checks_the_manifest_with_the_modeled_errors() {
    let local = Local::start();
    let client = client(&local);
    let cases = [
        ("just words", "MalformedManifestException"),
        (
            &*MANIFEST.replace("deviceId: ABCDE\n", ""),
            "MissingManifestFieldException",
        ),
        (
            &*MANIFEST.replace("  country: US\n", ""),
            "MissingManifestFieldException",
        ),
        (
            &*MANIFEST.replace("2.0", "9.9"),
            "InvalidManifestFieldException",
        ),
    ];
    for (manifest, code) in cases {
        let err = client
            .create_job(JobType::Import, manifest, false)
            .send()
            .await
            .expect_err(code);
        assert_eq!(err.code(), Some(code), "{manifest:?}: {err:?}");
    }
    // An export names a fileSystem rather than a bucket.
    let err = client
        .create_job(JobType::Export, MANIFEST, false)
        .send()
        .await
        .expect_err("export without fileSystem");
    assert_eq!(err.code(), Some("MissingManifestFieldException"));
    assert!(
        err.message().is_some_and(|m| m.contains("fileSystem")),
        "{err:?}"
    );
    let export = MANIFEST.replace("bucket: my-bucket", "fileSystem: NTFS");
    client
        .create_job(JobType::Export, export, false)
        .send()
        .await
        .expect("a valid export");
    // Nothing refused was created.
    let jobs = client.list_jobs().send().await.expect("list");
    assert_eq!(jobs.jobs.map(|j| j.len()), Some(1));
}

#[tokio::test]
async fn a_job_is_updated_and_cancelled_only_while_pending_and_advances_to_completed() {
    let local = Local::start();
    let client = client(&local);
    let id = client
        .create_job(JobType::Import, MANIFEST, false)
        .send()
        .await
        .expect("create")
        .job_id
        .expect("an id");
    assert_eq!(progress(&client, &id).await, "Pending");
    let updated = MANIFEST.replace("my-bucket", "other-bucket");
    let out = client
        .update_job(&id, &updated, JobType::Import, false)
        .send()
        .await
        .expect("update while Pending");
    assert_eq!(out.success, Some(true));
    let status = client.get_status(&id).send().await.expect("status");
    assert_eq!(status.current_manifest.as_deref(), Some(updated.as_str()));

    let label = client
        .get_shipping_label(vec![id.clone()])
        .send()
        .await
        .expect("label")
        .shipping_label_url
        .expect("a url");
    let (code, body) = local.http("GET", label.strip_prefix(&local.url).expect("ours"));
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains(&id));

    assert_eq!(local.advance(Some(&id)), 1);
    assert_eq!(progress(&client, &id).await, "Received");
    let err = client.cancel_job(&id).send().await.expect_err("started");
    assert_eq!(err.code(), Some("UnableToCancelJobIdException"), "{err:?}");
    let err = client
        .update_job(&id, MANIFEST, JobType::Import, false)
        .send()
        .await
        .expect_err("started");
    assert_eq!(err.code(), Some("UnableToUpdateJobIdException"), "{err:?}");
    while local.advance(Some(&id)) == 1 {}
    assert_eq!(progress(&client, &id).await, "Completed");

    // A second job, cancelled while Pending, is then refused as cancelled.
    let other = client
        .create_job(JobType::Import, MANIFEST, false)
        .send()
        .await
        .expect("create")
        .job_id
        .expect("an id");
    let out = client.cancel_job(&other).send().await.expect("cancel");
    assert_eq!(out.success, Some(true));
    for err in [
        client
            .cancel_job(&other)
            .send()
            .await
            .expect_err("again")
            .code()
            .map(str::to_string),
        client
            .get_status(&other)
            .send()
            .await
            .expect_err("status")
            .code()
            .map(str::to_string),
    ] {
        assert_eq!(err.as_deref(), Some("CanceledJobIdException"));
    }
    let jobs = client
        .list_jobs()
        .send()
        .await
        .expect("list")
        .jobs
        .unwrap_or_default();
    assert_eq!(jobs[0].job_id.as_deref(), Some(other.as_str()));
    assert_eq!(jobs[0].is_canceled, Some(true));
    assert_eq!(jobs[1].is_canceled, Some(false));
    let err = client
        .get_shipping_label(vec!["NOPE1".into()])
        .send()
        .await
        .expect_err("unknown");
    assert_eq!(err.code(), Some("InvalidJobIdException"), "{err:?}");
}
