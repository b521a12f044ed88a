//! Hello world with aws-sdk-snowball: static credentials, an endpoint URL, one `ListJobs`
//! call.

use aws_sdk_snowball::config::{BehaviorVersion, Credentials, Region};

fn main() {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let conf = aws_sdk_snowball::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "static",
        ))
        .endpoint_url(endpoint)
        .build();
    let client = aws_sdk_snowball::Client::from_conf(conf);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match rt.block_on(client.list_jobs().send()) {
        Ok(out) => println!("{} jobs", out.job_list_entries().len()),
        Err(e) => {
            eprintln!("ListJobs failed: {e:?}");
            std::process::exit(1);
        }
    }
}
