//! `--state PATH`: what was acknowledged is there after a restart, also after `kill -9`
//! under load; a corrupt file or one from a newer version is refused naming the file and
//! left byte for byte as it was.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};

use common::Local;
use snowball::types::{ClusterState, JobState, JobType, ShippingOption, SnowballType};
use snowball::{Client, Config, Credentials, Protocol};

fn client(local: &Local) -> Client {
    Client::new(
        Config::new()
            .region("us-east-1")
            .endpoint_url(local.url.clone())
            .credentials(Credentials::new("AKID", "secret", None))
            .protocol(Protocol::RpcV2Cbor)
            // A killed server refuses connections: fail fast rather than retry.
            .max_attempts(1),
    )
}

fn state_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("snowball-local-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

async fn all_jobs(client: &Client) -> Vec<(String, Option<JobState>)> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut call = client.list_jobs().max_results(100);
        if let Some(t) = token.take() {
            call = call.next_token(t);
        }
        let page = call.send().await.expect("list_jobs");
        out.extend(
            page.job_list_entries
                .unwrap_or_default()
                .into_iter()
                .map(|e| (e.job_id.unwrap_or_default(), e.job_state)),
        );
        match page.next_token {
            Some(t) => token = Some(t),
            None => return out,
        }
    }
}

#[tokio::test]
async fn everything_acknowledged_is_there_after_a_restart() {
    let path = state_file("restart.log");
    let arg = path.to_str().expect("utf-8 path");
    let (adid, jid, cid, ie_id);
    {
        let local = Local::start_with(&["--state", arg]);
        let client = client(&local);
        adid = client
            .create_address(common::address())
            .send()
            .await
            .expect("address")
            .address_id
            .expect("id");
        jid = client
            .create_job()
            .job_type(JobType::Import)
            .address_id(&adid)
            .description("kept")
            .send()
            .await
            .expect("job")
            .job_id
            .expect("id");
        local.advance(Some(&jid));
        cid = client
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
            .expect("cluster")
            .cluster_id
            .expect("id");
        let ie = importexport::Client::new(
            importexport::Config::new()
                .region("us-east-1")
                .endpoint_url(local.url.clone())
                .credentials(importexport::Credentials::new("AKID", "secret", None)),
        );
        let manifest = "manifestVersion: 2.0\ndeviceId: D\nbucket: b\nreturnAddress:\n  name: n\n  street1: s\n  city: c\n  postalCode: p\n  country: US\n";
        ie_id = ie
            .create_job(importexport::types::JobType::Import, manifest, false)
            .send()
            .await
            .expect("ie job")
            .job_id
            .expect("id");
        local.advance(Some(&ie_id));
    } // killed here
    let local = Local::start_with(&["--state", arg]);
    let client = client(&local);
    let job = client
        .describe_job(&jid)
        .send()
        .await
        .expect("job after restart")
        .job_metadata
        .expect("metadata");
    assert_eq!(job.job_state, Some(JobState::PreparingAppliance));
    assert_eq!(job.description.as_deref(), Some("kept"));
    assert_eq!(job.address_id.as_deref(), Some(adid.as_str()));
    let cluster = client
        .describe_cluster(&cid)
        .send()
        .await
        .expect("cluster after restart")
        .cluster_metadata
        .expect("metadata");
    assert_eq!(cluster.cluster_state, Some(ClusterState::Pending));
    assert_eq!(all_jobs(&client).await.len(), 6);
    let ie = importexport::Client::new(
        importexport::Config::new()
            .region("us-east-1")
            .endpoint_url(local.url.clone())
            .credentials(importexport::Credentials::new("AKID", "secret", None)),
    );
    let status = ie
        .get_status(&ie_id)
        .send()
        .await
        .expect("ie after restart");
    assert_eq!(status.progress_code.as_deref(), Some("Received"));
    // The jobs came back in their region only.
    let elsewhere = Client::new(
        Config::new()
            .region("ap-south-1")
            .endpoint_url(local.url.clone())
            .credentials(Credentials::new("AKID", "secret", None)),
    );
    assert!(all_jobs(&elsewhere).await.is_empty());
}

#[tokio::test]
async fn kill_9_under_load_loses_no_acknowledged_job() {
    let path = state_file("kill9.log");
    let arg = path.to_str().expect("utf-8 path").to_string();
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    for round in 0..5 {
        let local = Local::start_with(&["--state", &arg]);
        let client = client(&local);
        let adid = client
            .create_address(common::address())
            .send()
            .await
            .expect("address")
            .address_id
            .expect("id");
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (client, acked, adid) = (client.clone(), acked.clone(), adid.clone());
            tasks.push(tokio::spawn(async move {
                // Until the server dies: each id the server answered with is acknowledged.
                while let Ok(out) = client
                    .create_job()
                    .job_type(JobType::Export)
                    .address_id(&adid)
                    .send()
                    .await
                {
                    if let Some(id) = out.job_id {
                        acked.lock().expect("lock").push(id);
                    }
                }
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(150 + 50 * round)).await;
        drop(local); // SIGKILL, mid-load
        for t in tasks {
            let _ = t.await;
        }
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(
        acked.len() > 50,
        "only {} jobs were acknowledged",
        acked.len()
    );
    let local = Local::start_with(&["--state", &arg]);
    let present: std::collections::HashSet<String> = all_jobs(&client(&local))
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let lost: Vec<&String> = acked.iter().filter(|id| !present.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged jobs lost: {lost:?}",
        lost.len(),
        acked.len()
    );
}

/// Updates overwrite the same few jobs again and again, so the log compacts (threshold
/// lowered to 64 lines) many times while the server is killed mid-load: after each
/// restart every job has its last acknowledged description or a later one (an update
/// in flight at the kill may have landed), and the file is no bigger than a compaction
/// leaves it.
#[tokio::test]
async fn kill_9_while_the_log_compacts_loses_no_acknowledged_update() {
    let path = state_file("compact-kill9.log");
    let arg = path.to_str().expect("utf-8 path").to_string();
    let env = [("SNOWBALL_LOCAL_COMPACT_MIN_LINES", "64")];
    let local = Local::start_with_env(&["--state", &arg], &env);
    let c = client(&local);
    let adid = c
        .create_address(common::address())
        .send()
        .await
        .expect("address")
        .address_id
        .expect("id");
    let mut jobs = Vec::new();
    for _ in 0..8 {
        let out = c
            .create_job()
            .job_type(JobType::Import)
            .address_id(&adid)
            .send()
            .await
            .expect("create_job");
        jobs.push(out.job_id.expect("an id"));
    }
    drop(local);
    // job -> the last description acknowledged (a counter that only grows).
    let acked: Arc<Mutex<std::collections::HashMap<String, u64>>> = Arc::default();
    let mut total = 0u64;
    for round in 0..4u64 {
        let local = Local::start_with_env(&["--state", &arg], &env);
        let c = client(&local);
        // What survived the previous kill: never less than acknowledged.
        for job in &jobs {
            let got: u64 = c
                .describe_job(job)
                .send()
                .await
                .expect("describe_job")
                .job_metadata
                .and_then(|m| m.description)
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
            let want = acked.lock().expect("lock").get(job).copied().unwrap_or(0);
            assert!(
                got >= want,
                "round {round}: {job} has {got}, {want} was acknowledged"
            );
        }
        let mut tasks = Vec::new();
        for (i, job) in jobs.iter().enumerate() {
            let (c, acked, job) = (c.clone(), acked.clone(), job.clone());
            let base = (round + 1) * 1_000_000 + i as u64 * 10_000;
            tasks.push(tokio::spawn(async move {
                let mut n = base;
                let mut done = 0u64;
                while c
                    .update_job(&job)
                    .description(n.to_string())
                    .send()
                    .await
                    .is_ok()
                {
                    acked.lock().expect("lock").insert(job.clone(), n);
                    n += 1;
                    done += 1;
                }
                done
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(400 + 100 * round)).await;
        drop(local); // SIGKILL, mid-load, maybe mid-compaction
        for t in tasks {
            total += t.await.unwrap_or(0);
        }
    }
    assert!(
        total > 200,
        "only {total} updates were acknowledged: no compaction to test"
    );
    let lines = std::fs::read(&path)
        .expect("the log")
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64;
    // 1 address + 8 jobs live: far fewer lines than the updates written.
    assert!(
        lines < total / 2,
        "{lines} lines in the log after {total} updates"
    );
    let local = Local::start_with_env(&["--state", &arg], &env);
    let c = client(&local);
    for job in &jobs {
        let got: u64 = c
            .describe_job(job)
            .send()
            .await
            .expect("describe_job")
            .job_metadata
            .and_then(|m| m.description)
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        let want = acked.lock().expect("lock").get(job).copied().unwrap_or(0);
        assert!(got >= want, "{job} has {got}, {want} was acknowledged");
    }
}

/// Starts the binary on a state file that must be refused: its stderr.
fn refused(path: &PathBuf) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_snowball-local"))
        .args(["--port", "0", "--state"])
        .arg(path)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn corrupt_and_newer_state_files_are_refused_and_left_untouched() {
    let path = state_file("corrupt.log");
    let arg = path.to_str().expect("utf-8 path");
    {
        let local = Local::start_with(&["--state", arg]);
        let client = client(&local);
        for name in ["a", "b"] {
            client
                .create_address(common::address().name(name))
                .send()
                .await
                .expect("address");
        }
    }
    let mut bytes = std::fs::read(&path).expect("read");
    // Damage the first record (not the last line, which could be a torn write).
    let first_record = bytes.iter().position(|b| *b == b'\n').expect("header") + 30;
    bytes[first_record] ^= 0x01;
    std::fs::write(&path, &bytes).expect("write");
    let err = refused(&path);
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("corrupt at line 2"), "{err}");
    assert_eq!(
        std::fs::read(&path).expect("read"),
        bytes,
        "the file was changed"
    );

    let newer = b"snowball-local-state 99\n".to_vec();
    std::fs::write(&path, &newer).expect("write");
    let err = refused(&path);
    assert!(
        err.contains(&path.display().to_string()) && err.contains("newer"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), newer);
}

#[tokio::test]
async fn sixty_four_concurrent_clients_end_in_a_consistent_state_that_survives_a_restart() {
    let path = state_file("concurrent.log");
    let arg = path.to_str().expect("utf-8 path");
    let expected: Vec<(String, String, JobState)>;
    {
        let local = Local::start_with(&["--state", arg]);
        let client = client(&local);
        let adid = client
            .create_address(common::address())
            .send()
            .await
            .expect("address")
            .address_id
            .expect("id");
        let tasks: Vec<_> = (0..64)
            .map(|i| {
                let (client, adid) = (client.clone(), adid.clone());
                tokio::spawn(async move {
                    let jid = client
                        .create_job()
                        .job_type(JobType::Import)
                        .address_id(&adid)
                        .send()
                        .await
                        .expect("create")
                        .job_id
                        .expect("id");
                    let description = format!("client {i}");
                    client
                        .update_job(&jid)
                        .description(&description)
                        .send()
                        .await
                        .expect("update");
                    let state = if i % 2 == 0 {
                        client.cancel_job(&jid).send().await.expect("cancel");
                        JobState::Cancelled
                    } else {
                        JobState::New
                    };
                    (jid, description, state)
                })
            })
            .collect();
        let mut done = Vec::new();
        for t in tasks {
            done.push(t.await.expect("task"));
        }
        expected = done;
    }
    let local = Local::start_with(&["--state", arg]);
    let client = client(&local);
    assert_eq!(all_jobs(&client).await.len(), 64);
    for (jid, description, state) in &expected {
        let meta = client
            .describe_job(jid)
            .send()
            .await
            .expect("describe")
            .job_metadata
            .expect("metadata");
        assert_eq!(meta.description.as_deref(), Some(description.as_str()));
        assert_eq!(meta.job_state.as_ref(), Some(state));
    }
}
