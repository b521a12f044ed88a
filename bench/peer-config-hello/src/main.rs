//! Hello world with aws-sdk-snowball and aws-config: region, credentials and settings from
//! the default provider chain (what our runtime includes), an endpoint URL, one
//! `ListJobs` call.

use aws_config::BehaviorVersion;

fn main() {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = rt.block_on(async {
        let shared = aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(endpoint)
            .load()
            .await;
        aws_sdk_snowball::Client::new(&shared)
            .list_jobs()
            .send()
            .await
    });
    match result {
        Ok(out) => println!("{} jobs", out.job_list_entries().len()),
        Err(e) => {
            eprintln!("ListJobs failed: {e:?}");
            std::process::exit(1);
        }
    }
}
