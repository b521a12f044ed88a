//! Hello world with our SDK: static credentials, an endpoint URL, one `ListJobs` call.

fn main() {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let client = snowball::Client::new(
        snowball::Config::new()
            .region("us-east-1")
            .endpoint_url(endpoint)
            .credentials(snowball::Credentials::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                None,
            )),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match rt.block_on(client.list_jobs().send()) {
        Ok(out) => println!("{} jobs", out.job_list_entries.map_or(0, |v| v.len())),
        Err(e) => {
            eprintln!("ListJobs failed: {e}");
            std::process::exit(1);
        }
    }
}
