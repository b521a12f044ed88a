//! Lists every Snowball job, page by page: the README's example as a complete program
//! (compiled by `cargo test`, so the README cannot drift from the API).
//!
//! `cargo run -p e2e --example list_jobs` with `AWS_REGION` and credentials in the
//! environment or `~/.aws`; `AWS_ENDPOINT_URL` points it at a local server.

use futures_util::TryStreamExt;
use snowball::{Client, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(Config::from_env());

    // One call: the first page.
    let first = client.list_jobs().max_results(10).send().await?;
    println!(
        "first page: {} jobs",
        first.job_list_entries.as_deref().unwrap_or_default().len()
    );

    // Every job, fetching pages as the stream is read.
    let mut jobs = client.list_jobs().into_paginator().page_size(50).items();
    while let Some(entry) = jobs.try_next().await? {
        let state = entry.job_state.as_ref().map(|s| s.as_str()).unwrap_or("-");
        println!("{} {state}", entry.job_id.as_deref().unwrap_or("-"));
    }

    // Modeled errors are enum variants; everything else about the failure is on SdkError.
    match client
        .describe_job("JID123e4567-e89b-12d3-a456-426655440000")
        .send()
        .await
    {
        Ok(out) => println!("{:?}", out.job_metadata),
        Err(e)
            if e.as_service()
                .is_some_and(|k| k.is_invalid_resource_exception()) =>
        {
            println!("no such job (request id {})", e.request_id().unwrap_or("-"));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
