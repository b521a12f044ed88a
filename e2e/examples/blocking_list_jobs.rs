//! The README's blocking example as a complete program: a plain `fn main`, no async
//! runtime, no `#[tokio::main]` (compiled by `cargo test`, so the README cannot drift
//! from the API).
//!
//! `cargo run -p e2e --example blocking_list_jobs` with `AWS_REGION` and credentials in
//! the environment or `~/.aws`; `AWS_ENDPOINT_URL` points it at a local server.

use snowball::blocking::Client;
use snowball::Config;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(Config::from_env());

    // One call: the same builder as the async client; `send()` returns the result.
    let first = client.list_jobs().max_results(10).send()?;
    println!(
        "first page: {} jobs",
        first.job_list_entries.as_deref().unwrap_or_default().len()
    );

    // Every job: an Iterator, fetching pages as it is read.
    for entry in client.list_jobs().into_paginator().page_size(50).items() {
        let entry = entry?;
        let state = entry.job_state.as_ref().map(|s| s.as_str()).unwrap_or("-");
        println!("{} {state}", entry.job_id.as_deref().unwrap_or("-"));
    }

    // The client is Send + Sync + Clone: share it between threads.
    let workers: Vec<_> = ["JID123e4567-e89b-12d3-a456-426655440000"]
        .into_iter()
        .map(|id| {
            let client = client.clone();
            std::thread::spawn(move || match client.describe_job(id).send() {
                Ok(out) => println!("{:?}", out.job_metadata),
                // Errors are the async client's: modeled errors are enum variants.
                Err(e)
                    if e.as_service()
                        .is_some_and(|k| k.is_invalid_resource_exception()) =>
                {
                    println!("no such job (request id {})", e.request_id().unwrap_or("-"));
                }
                Err(e) => eprintln!("{e}"),
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("the worker does not panic");
    }
    Ok(())
}
