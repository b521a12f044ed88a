//! A region goes into host names (the service's, STS's, the SSO portal's), so a value
//! that is not one host label is refused before any request is built, with an error
//! that names the setting it came from. The transport is a recorder that never touches
//! the network: any request it sees would have gone to the attacker's host.

use std::path::PathBuf;

use awsrt::internal::shared_config::Env;
use awsrt::TestTransport;
use snowball::{Config, Credentials, SdkError};

const EVIL: &str = "evil.example/";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("e2e-region-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn hosts(t: &TestTransport) -> Vec<String> {
    t.requests().iter().map(|r| r.uri().to_string()).collect()
}

/// Calls `ListJobs` with `config` (plus the recorder) and returns the error text and
/// the URIs the recorder saw.
async fn call(config: Config) -> (String, Vec<String>) {
    let transport = TestTransport::new();
    let client = snowball::Client::new(config.transport(transport.clone()));
    let err = client.list_jobs().send().await.unwrap_err();
    let text = match &err {
        SdkError::InvalidInput { message, .. } | SdkError::Credentials { message, .. } => {
            message.clone()
        }
        other => format!("unexpected error kind: {other:?}"),
    };
    (text, hosts(&transport))
}

fn creds() -> Credentials {
    Credentials::new("AKIDREGIONTEST", "secret", None)
}

#[tokio::test]
async fn a_region_that_is_not_a_host_label_is_refused_naming_its_source() {
    let dir = temp_dir("service");
    let config_file = dir.join("config");
    std::fs::write(&config_file, format!("[default]\nregion = {EVIL}\n")).unwrap();
    let files = [
        ("AWS_CONFIG_FILE", config_file.to_str().unwrap().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("none").to_str().unwrap().to_string(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
    ];
    let with = |extra: &[(&str, &str)]| {
        let mut vars: Vec<(String, String)> = files
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Config::with_env(Env::from_vars(vars)).credentials(creds())
    };
    let profile_source = format!("`region` of profile `default` in {}", config_file.display());
    let cases = [
        (with(&[("AWS_REGION", EVIL)]), "AWS_REGION".to_string()),
        (
            with(&[("AWS_DEFAULT_REGION", EVIL)]),
            "AWS_DEFAULT_REGION".to_string(),
        ),
        (with(&[]), profile_source),
        (
            Config::new().credentials(creds()).region(EVIL),
            "Config::region".to_string(),
        ),
        (
            Config::new()
                .credentials(creds())
                .region("us-east-1.evil.example"),
            "Config::region".to_string(),
        ),
    ];
    for (config, source) in cases {
        let (text, sent) = call(config).await;
        assert!(sent.is_empty(), "requests were sent to {sent:?}");
        assert!(
            text.contains("invalid region") && text.contains(&format!("(from {source})")),
            "{source}: {text}"
        );
    }
    // A valid region still reaches the (recorded) regional endpoint.
    let (_, sent) = call(with(&[("AWS_REGION", "eu-west-1")])).await;
    assert!(
        sent.len() == 1 && sent[0].starts_with("https://snowball.eu-west-1.amazonaws.com/"),
        "{sent:?}"
    );
}

#[tokio::test]
async fn sts_is_not_called_on_a_region_that_is_not_a_host_label() {
    let dir = temp_dir("sts");
    let token = dir.join("token");
    std::fs::write(&token, "web-identity-token").unwrap();
    let vars = [
        (
            "AWS_CONFIG_FILE",
            dir.join("none").to_str().unwrap().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("none").to_str().unwrap().to_string(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ("AWS_REGION", EVIL.to_string()),
        (
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            token.to_str().unwrap().to_string(),
        ),
        (
            "AWS_ROLE_ARN",
            "arn:aws:iam::123456789012:role/r".to_string(),
        ),
    ];
    // The client's own region is fine; STS reads AWS_REGION.
    let config = Config::with_env(Env::from_vars(vars)).region("us-east-1");
    let (text, sent) = call(config).await;
    assert!(sent.is_empty(), "the token was sent to {sent:?}");
    assert!(
        text.contains("invalid region") && text.contains("(from AWS_REGION)"),
        "{text}"
    );
}

#[tokio::test]
async fn the_sso_portal_is_not_called_on_an_sso_region_that_is_not_a_host_label() {
    let dir = temp_dir("sso");
    let config_file = dir.join("config");
    std::fs::write(
        &config_file,
        format!(
            "[default]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n\
             [sso-session corp]\nsso_region = {EVIL}\nsso_start_url = https://corp.awsapps.com/start\n"
        ),
    )
    .unwrap();
    let cache = dir.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    // sha1("corp"): the cache file `aws sso login --sso-session corp` writes.
    std::fs::write(
        cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"accessToken":"sso-token","expiresAt":"2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let vars = [
        ("HOME", dir.to_str().unwrap().to_string()),
        ("AWS_CONFIG_FILE", config_file.to_str().unwrap().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("none").to_str().unwrap().to_string(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
    ];
    let config = Config::with_env(Env::from_vars(vars)).region("us-east-1");
    let (text, sent) = call(config).await;
    assert!(sent.is_empty(), "the SSO token was sent to {sent:?}");
    assert!(
        text.contains("invalid region") && text.contains("`sso_region` of [sso-session corp]"),
        "{text}"
    );
}
