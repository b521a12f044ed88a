//! Snowball's behaviour in `snowball-local`, through our own client over loopback (CBOR
//! and awsJson): a job walked from `New` to `Complete` through the admin endpoint with
//! each refusal on the way, clusters of five, shipment states, the manifest URL and the
//! unlock code, usage, and the `--advance-every` clock.

mod common;

use common::Local;
use snowball::types::{
    ClusterState, JobState, JobType, ShipmentState, ShippingOption, SnowballType,
};
use snowball::{Client, Config, Credentials, Protocol};

fn client(local: &Local, protocol: Protocol) -> Client {
    Client::new(
        Config::new()
            .region("us-east-1")
            .endpoint_url(local.url.clone())
            .credentials(Credentials::new("AKID", "secret", None))
            .protocol(protocol),
    )
}

async fn address(client: &Client) -> String {
    client
        .create_address(common::address())
        .send()
        .await
        .expect("create_address")
        .address_id
        .expect("an id")
}

async fn job(client: &Client, address: &str) -> String {
    client
        .create_job()
        .job_type(JobType::Import)
        .address_id(address)
        .description("first")
        .send()
        .await
        .expect("create_job")
        .job_id
        .expect("a job id")
}

async fn state(client: &Client, job: &str) -> JobState {
    client
        .describe_job(job)
        .send()
        .await
        .expect("describe_job")
        .job_metadata
        .and_then(|m| m.job_state)
        .expect("a state")
}

const PROTOCOLS: [Protocol; 2] = [Protocol::RpcV2Cbor, Protocol::AwsJson1_1];

#[tokio::test]
async fn a_job_walks_from_new_to_complete_and_refusals_are_the_modeled_errors() {
    for protocol in PROTOCOLS {
        let local = Local::start();
        let client = client(&local, protocol);
        let adid = address(&client).await;
        let jid = job(&client, &adid).await;
        assert_eq!(state(&client, &jid).await, JobState::New);

        // UpdateJob while New: what was sent comes back, the rest stays.
        client
            .update_job(&jid)
            .description("second")
            .shipping_option(ShippingOption::NextDay)
            .send()
            .await
            .expect("update_job while New");
        let meta = client
            .describe_job(&jid)
            .send()
            .await
            .expect("describe_job")
            .job_metadata
            .expect("metadata");
        assert_eq!(meta.description.as_deref(), Some("second"));
        assert_eq!(meta.job_type, Some(JobType::Import));
        assert_eq!(
            meta.shipping_details.and_then(|s| s.shipping_option),
            Some(ShippingOption::NextDay)
        );

        // The unlock code: 29 characters, five groups of five letters and digits.
        let code = client
            .get_job_unlock_code(&jid)
            .send()
            .await
            .expect("unlock code")
            .unlock_code
            .expect("a code");
        let groups: Vec<&str> = code.split('-').collect();
        assert_eq!(code.len(), 29, "{code}");
        assert!(
            groups.len() == 5
                && groups
                    .iter()
                    .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_alphanumeric())),
            "{code}"
        );

        // The manifest URL is served by the emulator itself.
        let uri = client
            .get_job_manifest(&jid)
            .send()
            .await
            .expect("manifest")
            .manifest_uri
            .expect("a uri");
        let path = uri
            .strip_prefix(&local.url)
            .unwrap_or_else(|| panic!("{uri} is not on {}", local.url));
        let (status, bytes) = local.http("GET", path);
        assert_eq!(status, 200);
        assert!(String::from_utf8_lossy(&bytes).contains(&jid));

        assert_eq!(local.advance(Some(&jid)), 1);
        assert_eq!(state(&client, &jid).await, JobState::PreparingAppliance);

        // Past New: CancelJob and UpdateJob are refused with InvalidJobStateException.
        let err = client
            .cancel_job(&jid)
            .send()
            .await
            .expect_err("cancel after New");
        assert!(
            err.as_service()
                .is_some_and(|k| k.is_invalid_job_state_exception()),
            "{err:?}"
        );
        assert!(
            err.message()
                .is_some_and(|m| m.contains("PreparingAppliance")),
            "{err:?}"
        );
        let err = client
            .update_job(&jid)
            .description("third")
            .send()
            .await
            .expect_err("update after New");
        assert!(
            err.as_service()
                .is_some_and(|k| k.is_invalid_job_state_exception()),
            "{err:?}"
        );

        let mut seen = vec![JobState::New, JobState::PreparingAppliance];
        while local.advance(Some(&jid)) == 1 {
            seen.push(state(&client, &jid).await);
        }
        assert_eq!(
            seen,
            [
                JobState::New,
                JobState::PreparingAppliance,
                JobState::PreparingShipment,
                JobState::InTransitToCustomer,
                JobState::WithCustomer,
                JobState::InTransitToAws,
                JobState::WithAwsSortingFacility,
                JobState::WithAws,
                JobState::InProgress,
                JobState::Complete,
            ]
        );
        // A complete job no longer counts as a device in use.
        let usage = client.get_snowball_usage().send().await.expect("usage");
        assert_eq!(usage.snowballs_in_use, Some(0));
        assert_eq!(usage.snowball_limit, Some(1));
    }
}

#[tokio::test]
async fn a_new_job_cancels_and_counts_until_then() {
    let local = Local::start();
    let client = client(&local, Protocol::RpcV2Cbor);
    let adid = address(&client).await;
    let jid = job(&client, &adid).await;
    let usage = client.get_snowball_usage().send().await.expect("usage");
    assert_eq!(usage.snowballs_in_use, Some(1));
    client
        .cancel_job(&jid)
        .send()
        .await
        .expect("cancel while New");
    assert_eq!(state(&client, &jid).await, JobState::Cancelled);
    // A cancelled job stays cancelled and has no unlock code.
    assert_eq!(local.advance(Some(&jid)), 0);
    let err = client
        .get_job_unlock_code(&jid)
        .send()
        .await
        .expect_err("cancelled");
    assert_eq!(err.code(), Some("InvalidJobStateException"), "{err:?}");
    let err = client
        .cancel_job("JID00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .expect_err("unknown job");
    assert_eq!(err.code(), Some("InvalidResourceException"), "{err:?}");
    let usage = client.get_snowball_usage().send().await.expect("usage");
    assert_eq!(usage.snowballs_in_use, Some(0));
}

#[tokio::test]
async fn shipment_states_move_a_job_at_the_customer_end() {
    let local = Local::start();
    let client = client(&local, Protocol::AwsJson1_1);
    let adid = address(&client).await;
    let jid = job(&client, &adid).await;
    let err = client
        .update_job_shipment_state(&jid, ShipmentState::Received)
        .send()
        .await
        .expect_err("not shipped yet");
    assert_eq!(err.code(), Some("InvalidJobStateException"), "{err:?}");
    for _ in 0..3 {
        local.advance(Some(&jid));
    }
    assert_eq!(state(&client, &jid).await, JobState::InTransitToCustomer);
    client
        .update_job_shipment_state(&jid, ShipmentState::Received)
        .send()
        .await
        .expect("received");
    assert_eq!(state(&client, &jid).await, JobState::WithCustomer);
    client
        .update_job_shipment_state(&jid, ShipmentState::Returned)
        .send()
        .await
        .expect("returned");
    assert_eq!(state(&client, &jid).await, JobState::InTransitToAws);
}

#[tokio::test]
async fn a_cluster_of_five_jobs_leaves_awaiting_quorum_and_can_no_longer_be_cancelled() {
    let local = Local::start();
    let client = client(&local, Protocol::RpcV2Cbor);
    let adid = address(&client).await;
    let cid = client
        .create_cluster(
            JobType::LocalUse,
            &adid,
            SnowballType::Edge,
            ShippingOption::SecondDay,
        )
        .description("edge cluster")
        .send()
        .await
        .expect("create_cluster")
        .cluster_id
        .expect("an id");
    assert!(cid.starts_with("CID") && cid.len() == 39, "{cid}");
    let cluster_state = |client: Client, cid: String| async move {
        client
            .describe_cluster(cid)
            .send()
            .await
            .expect("describe_cluster")
            .cluster_metadata
            .and_then(|m| m.cluster_state)
            .expect("a state")
    };
    assert_eq!(
        cluster_state(client.clone(), cid.clone()).await,
        ClusterState::AwaitingQuorum
    );
    client
        .update_cluster(&cid)
        .description("renamed")
        .send()
        .await
        .expect("update while AwaitingQuorum");

    let mut jobs = Vec::new();
    for _ in 0..5 {
        let jid = client
            .create_job()
            .cluster_id(&cid)
            .send()
            .await
            .expect("cluster job")
            .job_id
            .expect("an id");
        let meta = client
            .describe_job(&jid)
            .send()
            .await
            .expect("describe")
            .job_metadata
            .expect("metadata");
        // The node takes the cluster's type, address and settings.
        assert_eq!(meta.cluster_id.as_deref(), Some(cid.as_str()));
        assert_eq!(meta.job_type, Some(JobType::LocalUse));
        assert_eq!(meta.snowball_type, Some(SnowballType::Edge));
        assert_eq!(meta.address_id.as_deref(), Some(adid.as_str()));
        jobs.push(jid);
    }
    assert_eq!(
        cluster_state(client.clone(), cid.clone()).await,
        ClusterState::Pending
    );
    // Pages of two over the cluster's five jobs; the first is the master.
    let mut listed = Vec::new();
    let mut token = None;
    loop {
        let mut call = client.list_cluster_jobs(&cid).max_results(2);
        if let Some(t) = token.take() {
            call = call.next_token(t);
        }
        let page = call.send().await.expect("list_cluster_jobs");
        listed.extend(page.job_list_entries.unwrap_or_default());
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    let ids: Vec<String> = listed.iter().filter_map(|e| e.job_id.clone()).collect();
    assert_eq!(ids, jobs);
    assert_eq!(
        listed.iter().filter(|e| e.is_master == Some(true)).count(),
        1
    );
    assert_eq!(listed[0].is_master, Some(true));

    let err = client
        .cancel_cluster(&cid)
        .send()
        .await
        .expect_err("past AwaitingQuorum");
    assert_eq!(err.code(), Some("InvalidJobStateException"), "{err:?}");
    assert!(
        err.message().is_some_and(|m| m.contains("Pending")),
        "{err:?}"
    );
    let err = client
        .create_job()
        .cluster_id(&cid)
        .send()
        .await
        .expect_err("a sixth node");
    // "Currently, clusters support five nodes": the modeled error for it.
    assert_eq!(err.code(), Some("ClusterLimitExceededException"), "{err:?}");

    // Jobs move on together; the cluster follows them.
    for _ in 0..4 {
        local.advance(None);
    }
    assert_eq!(
        cluster_state(client.clone(), cid.clone()).await,
        ClusterState::InUse
    );
    while local.advance(None) > 0 {}
    assert_eq!(
        cluster_state(client.clone(), cid.clone()).await,
        ClusterState::Complete
    );

    // A second cluster, cancelled while it waits, takes its jobs with it.
    let second = client
        .create_cluster(
            JobType::LocalUse,
            &adid,
            SnowballType::Edge,
            ShippingOption::SecondDay,
        )
        .send()
        .await
        .expect("create_cluster")
        .cluster_id
        .expect("an id");
    let node = client
        .create_job()
        .cluster_id(&second)
        .send()
        .await
        .expect("node")
        .job_id
        .expect("an id");
    // A job of a cluster that waits for its quorum does not ship alone.
    assert_eq!(local.advance(Some(&node)), 0);
    client
        .cancel_cluster(&second)
        .send()
        .await
        .expect("cancel while AwaitingQuorum");
    assert_eq!(state(&client, &node).await, JobState::Cancelled);
    let clusters = client
        .list_clusters()
        .send()
        .await
        .expect("list_clusters")
        .cluster_list_entries
        .unwrap_or_default();
    let states: Vec<_> = clusters.iter().map(|c| c.cluster_state.clone()).collect();
    assert_eq!(
        states,
        [Some(ClusterState::Complete), Some(ClusterState::Cancelled)]
    );
    let err = client
        .describe_cluster("CID00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .expect_err("unknown cluster");
    assert_eq!(err.code(), Some("InvalidResourceException"), "{err:?}");
}

#[tokio::test]
async fn create_cluster_with_force_create_jobs_makes_its_nodes() {
    let local = Local::start();
    let client = client(&local, Protocol::AwsJson1_1);
    let adid = address(&client).await;
    let out = client
        .create_cluster(
            JobType::LocalUse,
            &adid,
            SnowballType::Edge,
            ShippingOption::SecondDay,
        )
        .initial_cluster_size(5)
        .force_create_jobs(true)
        .send()
        .await
        .expect("create_cluster");
    let entries = out.job_list_entries.unwrap_or_default();
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[0].is_master, Some(true));
    let state = client
        .describe_cluster(out.cluster_id.expect("an id"))
        .send()
        .await
        .expect("describe")
        .cluster_metadata
        .and_then(|m| m.cluster_state);
    assert_eq!(state, Some(ClusterState::Pending));
}

#[tokio::test]
async fn the_admin_endpoint_names_what_it_cannot_do() {
    let local = Local::start();
    let (status, body) = local.http("POST", "/_local/advance?job=JIDnope");
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
    let (status, _) = local.http("GET", "/_local/manifest/JIDnope");
    assert_eq!(status, 404);
    let (status, body) = local.http("GET", "/_local/other");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("/_local/advance"));
    // With no jobs, advancing all of them moves none.
    assert_eq!(local.advance(None), 0);
}

#[tokio::test]
async fn advance_every_moves_jobs_on_a_clock() {
    let local = Local::start_with(&["--advance-every", "50ms"]);
    let client = client(&local, Protocol::RpcV2Cbor);
    let adid = address(&client).await;
    let jid = job(&client, &adid).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if state(&client, &jid).await == JobState::Complete {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still {:?} after 10 s",
            state(&client, &jid).await
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn list_jobs_pages_over_250_jobs_and_refuses_tokens_it_did_not_issue() {
    let local = Local::start();
    let client = client(&local, Protocol::RpcV2Cbor);
    let adid = address(&client).await;
    let mut created = Vec::new();
    for _ in 0..250 {
        created.push(job(&client, &adid).await);
    }
    let mut listed = Vec::new();
    let mut pages = 0;
    let mut token: Option<String> = None;
    loop {
        let mut call = client.list_jobs().max_results(100);
        if let Some(t) = token.take() {
            call = call.next_token(t);
        }
        let page = call.send().await.expect("list_jobs");
        pages += 1;
        listed.extend(
            page.job_list_entries
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| e.job_id),
        );
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(listed, created);
    for bad in ["100", "garbage", "100.0000000000000000"] {
        let err = client
            .list_jobs()
            .next_token(bad)
            .send()
            .await
            .expect_err("a foreign token");
        assert_eq!(err.code(), Some("InvalidNextTokenException"), "{err:?}");
    }
}

#[tokio::test]
async fn return_shipping_labels_exist_only_with_the_customer_and_only_once() {
    let local = Local::start();
    let client = client(&local, Protocol::AwsJson1_1);
    let adid = address(&client).await;
    let jid = job(&client, &adid).await;
    let err = client
        .create_return_shipping_label(&jid)
        .send()
        .await
        .expect_err("still New");
    assert_eq!(err.code(), Some("InvalidJobStateException"), "{err:?}");
    let err = client
        .describe_return_shipping_label(&jid)
        .send()
        .await
        .expect_err("no label yet");
    assert_eq!(err.code(), Some("InvalidJobStateException"), "{err:?}");
    for _ in 0..4 {
        local.advance(Some(&jid));
    }
    let out = client
        .create_return_shipping_label(&jid)
        .send()
        .await
        .expect("with the customer");
    assert_eq!(
        out.status,
        Some(snowball::types::ShippingLabelStatus::Succeeded)
    );
    let err = client
        .create_return_shipping_label(&jid)
        .send()
        .await
        .expect_err("a second label");
    assert_eq!(
        err.code(),
        Some("ReturnShippingLabelAlreadyExistsException"),
        "{err:?}"
    );
    let label = client
        .describe_return_shipping_label(&jid)
        .send()
        .await
        .expect("describe label");
    assert!(label.expiration_date.is_some());
    let uri = label.return_shipping_label_uri.expect("a uri");
    let (status, body) = local.http(
        "GET",
        uri.strip_prefix(&local.url).expect("on the emulator"),
    );
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains(&jid));
}

#[tokio::test]
async fn long_term_pricing_is_created_listed_and_updated() {
    let local = Local::start();
    let client = client(&local, Protocol::RpcV2Cbor);
    let id = client
        .create_long_term_pricing(
            snowball::types::LongTermPricingType::OneYear,
            SnowballType::Edge,
        )
        .is_long_term_pricing_auto_renew(false)
        .send()
        .await
        .expect("create")
        .long_term_pricing_id
        .expect("an id");
    assert!(id.starts_with("LTPID") && id.len() == 41, "{id}");
    let adid = address(&client).await;
    let jid = client
        .create_job()
        .job_type(JobType::LocalUse)
        .address_id(&adid)
        .long_term_pricing_id(&id)
        .send()
        .await
        .expect("job")
        .job_id
        .expect("an id");
    client
        .update_long_term_pricing(&id)
        .is_long_term_pricing_auto_renew(true)
        .replacement_job(&jid)
        .send()
        .await
        .expect("update");
    let entries = client
        .list_long_term_pricing()
        .send()
        .await
        .expect("list")
        .long_term_pricing_entries
        .unwrap_or_default();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e.is_long_term_pricing_auto_renew, Some(true));
    assert_eq!(e.replacement_job.as_deref(), Some(jid.as_str()));
    assert_eq!(e.job_ids.as_deref(), Some(&[jid.clone()][..]));
    let (start, end) = (
        e.long_term_pricing_start_date.expect("start"),
        e.long_term_pricing_end_date.expect("end"),
    );
    assert_eq!(end.secs() - start.secs(), 365 * 86_400);
    let err = client
        .update_long_term_pricing("LTPID00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .expect_err("unknown");
    assert_eq!(err.code(), Some("InvalidResourceException"), "{err:?}");
}

#[tokio::test]
async fn the_reference_lists_answer_fixed_data_in_pages() {
    let local = Local::start();
    let client = client(&local, Protocol::AwsJson1_1);
    let images = client
        .list_compatible_images()
        .max_results(2)
        .send()
        .await
        .expect("images");
    assert_eq!(images.compatible_images.map(|i| i.len()), Some(2));
    let rest = client
        .list_compatible_images()
        .next_token(images.next_token.expect("more"))
        .send()
        .await
        .expect("the rest");
    assert_eq!(rest.compatible_images.map(|i| i.len()), Some(1));
    assert_eq!(rest.next_token, None);
    let places = client
        .list_pickup_locations()
        .send()
        .await
        .expect("pickup")
        .addresses
        .unwrap_or_default();
    assert!(!places.is_empty());
    assert!(places
        .iter()
        .all(|a| a.address_id.as_deref().is_some_and(|id| id.len() == 40)));
    let versions = client
        .list_service_versions(snowball::types::ServiceName::Kubernetes)
        .send()
        .await
        .expect("versions");
    assert!(!versions.service_versions.is_empty());
    assert_eq!(
        versions.service_name,
        snowball::types::ServiceName::Kubernetes
    );
}

#[tokio::test]
async fn jobs_addresses_and_clusters_belong_to_the_region_of_the_request() {
    let local = Local::start();
    let in_region = |region: &str| {
        Client::new(
            Config::new()
                .region(region)
                .endpoint_url(local.url.clone())
                .credentials(Credentials::new("AKID", "secret", None))
                .protocol(Protocol::RpcV2Cbor),
        )
    };
    let (east, west) = (in_region("us-east-1"), in_region("eu-west-2"));
    let adid = address(&west).await;
    let jid = job(&west, &adid).await;
    // Another region sees none of it.
    let err = east
        .describe_job(&jid)
        .send()
        .await
        .expect_err("another region");
    assert_eq!(err.code(), Some("InvalidResourceException"), "{err:?}");
    let err = east
        .describe_address(&adid)
        .send()
        .await
        .expect_err("another region");
    assert_eq!(err.code(), Some("InvalidResourceException"), "{err:?}");
    let err = east
        .create_job()
        .job_type(JobType::Import)
        .address_id(&adid)
        .send()
        .await
        .expect_err("an address of another region");
    assert_eq!(err.code(), Some("InvalidResourceException"), "{err:?}");
    let listed = east.list_jobs().send().await.expect("list");
    assert_eq!(listed.job_list_entries.map(|e| e.len()), Some(0));
    let usage = east.get_snowball_usage().send().await.expect("usage");
    assert_eq!(usage.snowballs_in_use, Some(0));
    // Its own region does, and the admin endpoint finds the job wherever it is.
    assert_eq!(state(&west, &jid).await, JobState::New);
    assert_eq!(local.advance(Some(&jid)), 1);
    assert_eq!(state(&west, &jid).await, JobState::PreparingAppliance);
}

/// An export of several S3 resources is split into job parts (API reference:
/// `SubJobMetadata`, "a main job ... will have at least one job part, and each job part
/// is associated with a Snowball"); the parts survive a restart with `--state`.
#[tokio::test]
async fn export_jobs_of_several_resources_are_split_into_job_parts() {
    use snowball::types::{JobResource, KeyRange, S3Resource};
    let dir = std::env::temp_dir().join(format!("snowball-local-parts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("parts.state");
    let _ = std::fs::remove_file(&path);
    let arg = path.to_string_lossy().into_owned();
    let local = Local::start_with(&["--state", &arg]);
    let client = client(&local, Protocol::RpcV2Cbor);
    let adid = address(&client).await;
    let bucket = "arn:aws:s3:::exported";
    let range = |b: &str, e: &str| {
        S3Resource::new()
            .bucket_arn(bucket)
            .key_range(KeyRange::new().begin_marker(b).end_marker(e))
    };
    let resources = JobResource::new().s3_resources(vec![range("a", "m"), range("m", "z")]);
    let main = client
        .create_job()
        .job_type(JobType::Export)
        .address_id(&adid)
        .resources(resources.clone())
        .send()
        .await
        .expect("create_job")
        .job_id
        .expect("an id");
    // An import of the same resources is one job.
    client
        .create_job()
        .job_type(JobType::Import)
        .address_id(&adid)
        .resources(resources)
        .send()
        .await
        .expect("create_job");

    let check = |out: snowball::operation::describe_job::DescribeJobOutput| {
        let parts = out.sub_job_metadata.expect("SubJobMetadata");
        assert_eq!(parts.len(), 2, "{parts:?}");
        let ids: Vec<String> = parts.iter().map(|p| p.job_id.clone().unwrap()).collect();
        for (p, begin) in parts.iter().zip(["a", "m"]) {
            let id = p.job_id.as_deref().unwrap();
            assert!(
                id.starts_with("JID") && id.len() == 39 && id != main,
                "{id}"
            );
            assert_eq!(p.job_type, Some(JobType::Export));
            let s3 = p.resources.as_ref().unwrap().s3_resources.as_ref().unwrap();
            assert_eq!(s3.len(), 1, "one resource per part");
            let kr = s3[0].key_range.as_ref().unwrap();
            assert_eq!(kr.begin_marker.as_deref(), Some(begin));
        }
        ids
    };
    let parts = check(client.describe_job(&main).send().await.expect("describe"));
    let listed = client.list_jobs().send().await.expect("list_jobs");
    let entries = listed.job_list_entries.unwrap_or_default();
    assert_eq!(entries.len(), 4, "main, two parts, the import");
    for e in &entries {
        let id = e.job_id.as_deref().unwrap();
        assert_eq!(e.is_master, Some(id == main), "{id}");
    }
    let part = client.describe_job(&parts[0]).send().await.expect("a part");
    assert!(part.sub_job_metadata.is_none());
    // Two devices (the parts) and the import's: the main job has none.
    let usage = client.get_snowball_usage().send().await.expect("usage");
    assert_eq!(usage.snowballs_in_use, Some(3));

    drop(local);
    let local = Local::start_with(&["--state", &arg]);
    let client = self::client(&local, Protocol::AwsJson1_1);
    assert_eq!(
        check(
            client
                .describe_job(&main)
                .send()
                .await
                .expect("after restart")
        ),
        parts
    );
    client.cancel_job(&main).send().await.expect("cancel");
    for p in &parts {
        assert_eq!(state(&client, p).await, JobState::Cancelled);
    }
    drop(local);
    let _ = std::fs::remove_dir_all(&dir);
}
