//! The load generator of `cargo xtask bench-local`: our own `snowball` client (CBOR,
//! keep-alive, one connection per caller) calling one operation of a running
//! `snowball-local` from N concurrent callers for a while, then one line of figures.
//!
//! `load URL OP CALLERS SECONDS`, OP one of `seed:N` (an address and N jobs, as fast as
//! CALLERS allow; SECONDS is ignored), `describe` (DescribeJob of the listed jobs in
//! turn), `list-page` (ListJobs, the first page of 100), `list-all` (every page of
//! ListJobs; one call is the whole walk), `create` (CreateJob). Prints
//! `calls=.. errors=.. secs=.. per_sec=.. p50_us=.. p99_us=..`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use awsrt::internal::http::HttpTransport;
use snowball::types::{Address, JobType};
use snowball::{Client, Config, Credentials};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, op, callers, secs] = args.as_slice() else {
        eprintln!("usage: load URL OP CALLERS SECONDS");
        std::process::exit(2);
    };
    let callers: usize = callers.parse().unwrap_or(1).max(1);
    let secs: f64 = secs.parse().unwrap_or(5.0);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = Client::new(
        Config::new()
            .region("us-east-1")
            .endpoint_url(url.clone())
            .credentials(Credentials::new("AKIDBENCH", "bench-secret", None))
            .max_attempts(1)
            // Every caller keeps its connection: keep-alive at any concurrency.
            .transport(HttpTransport::new().with_max_idle_per_host(callers.max(16))),
    );
    let line = rt.block_on(async move {
        match op.as_str() {
            s if s.starts_with("seed:") => {
                let n: usize = s["seed:".len()..].parse().unwrap_or(0);
                seed(&client, n, callers).await
            }
            "describe" => {
                let ids = Arc::new(all_job_ids(&client).await);
                let next = Arc::new(AtomicUsize::new(0));
                measure(callers, secs, move || {
                    let (client, ids, next) = (client.clone(), ids.clone(), next.clone());
                    async move {
                        let i = next.fetch_add(1, Ordering::Relaxed) % ids.len().max(1);
                        let id = ids.get(i).cloned().unwrap_or_default();
                        client.describe_job(id).send().await.is_ok()
                    }
                })
                .await
            }
            "list-page" => {
                measure(callers, secs, move || {
                    let client = client.clone();
                    async move {
                        client
                            .list_jobs()
                            .max_results(100)
                            .send()
                            .await
                            .is_ok_and(|o| o.job_list_entries.is_some_and(|e| e.len() == 100))
                    }
                })
                .await
            }
            "list-all" => {
                measure(callers, secs, move || {
                    let client = client.clone();
                    async move { walk(&client).await.is_some() }
                })
                .await
            }
            "create" => {
                let address = address(&client).await;
                measure(callers, secs, move || {
                    let (client, address) = (client.clone(), address.clone());
                    async move {
                        client
                            .create_job()
                            .job_type(JobType::Import)
                            .address_id(address)
                            .description("bench")
                            .send()
                            .await
                            .is_ok()
                    }
                })
                .await
            }
            other => format!("unknown OP {other:?}"),
        }
    });
    println!("{line}");
}

async fn address(client: &Client) -> String {
    client
        .create_address(
            Address::new()
                .name("Bench")
                .street1("1 Main St")
                .city("Seattle")
                .postal_code("98101")
                .country("US"),
        )
        .send()
        .await
        .expect("create_address")
        .address_id
        .unwrap_or_default()
}

/// Every job id, page by page; `None` if a call failed.
async fn walk(client: &Client) -> Option<Vec<String>> {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut call = client.list_jobs().max_results(100);
        if let Some(t) = token.take() {
            call = call.next_token(t);
        }
        let out = call.send().await.ok()?;
        ids.extend(
            out.job_list_entries
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| e.job_id),
        );
        match out.next_token {
            Some(t) => token = Some(t),
            None => return Some(ids),
        }
    }
}

async fn all_job_ids(client: &Client) -> Vec<String> {
    walk(client).await.expect("listing the jobs")
}

/// An address and `n` jobs from `callers` concurrent callers.
async fn seed(client: &Client, n: usize, callers: usize) -> String {
    let address = Arc::new(address(client).await);
    let left = Arc::new(AtomicUsize::new(n));
    let start = Instant::now();
    let client = client.clone();
    // spawn_local needs the LocalSet around it.
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async move {
            let tasks: Vec<_> = (0..callers)
                .map(|_| {
                    let (client, address, left) = (client.clone(), address.clone(), left.clone());
                    tokio::task::spawn_local(async move {
                        while left
                            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                                l.checked_sub(1)
                            })
                            .is_ok()
                        {
                            client
                                .create_job()
                                .job_type(JobType::Import)
                                .address_id(address.as_str())
                                .send()
                                .await
                                .expect("create_job");
                        }
                    })
                })
                .collect();
            for t in tasks {
                let _ = t.await;
            }
        })
        .await;
    format!("seeded={n} secs={:.2}", start.elapsed().as_secs_f64())
}

/// Runs `call` from `callers` concurrent loops: 0.5 s of warm-up, then `secs` measured.
async fn measure<F, Fut>(callers: usize, secs: f64, call: F) -> String
where
    F: Fn() -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = bool> + 'static,
{
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async move {
            let warm_until = Instant::now() + Duration::from_millis(500);
            let end = warm_until + Duration::from_secs_f64(secs);
            let tasks: Vec<_> = (0..callers)
                .map(|_| {
                    let call = call.clone();
                    tokio::task::spawn_local(async move {
                        let mut lat = Vec::with_capacity(1 << 16);
                        let mut errors = 0usize;
                        loop {
                            let t = Instant::now();
                            if t >= end {
                                break;
                            }
                            let ok = call().await;
                            if t >= warm_until {
                                lat.push(t.elapsed().as_nanos() as u64);
                                errors += usize::from(!ok);
                            }
                        }
                        (lat, errors)
                    })
                })
                .collect();
            let mut all = Vec::new();
            let mut errors = 0;
            for t in tasks {
                if let Ok((lat, e)) = t.await {
                    all.extend(lat);
                    errors += e;
                }
            }
            all.sort_unstable();
            let pct = |p: f64| {
                all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
                    .copied()
                    .unwrap_or(0) as f64
                    / 1e3
            };
            format!(
                "calls={} errors={errors} secs={secs:.1} per_sec={:.0} p50_us={:.0} p99_us={:.0}",
                all.len(),
                all.len() as f64 / secs,
                pct(0.50),
                pct(0.99)
            )
        })
        .await
}
