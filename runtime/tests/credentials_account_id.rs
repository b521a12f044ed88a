//! The account id each credentials source carries (botocore's `account_id`), which feeds
//! the `AWS::Auth::AccountId` endpoint built-in: `AWS_ACCOUNT_ID`, a profile's
//! `aws_account_id`, `credential_process` and container `AccountId`, the assumed role's
//! ARN from STS, and an SSO profile's `sso_account_id`. Environments are explicit maps.

use std::sync::Arc;

use awsrt::internal::credentials::{
    ContainerProvider, EnvProvider, ProcessProvider, ProfileProvider, ProvideCredentials,
};
use awsrt::internal::http::{HttpTransport, Transport};
use awsrt::internal::shared_config::{Env, SharedConfig};
use awsrt::Credentials;
use loopback::{Recorded, Reply, Server};

fn transport() -> Arc<dyn Transport> {
    Arc::new(HttpTransport::new())
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("awsrt-acct-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn shared(vars: Vec<(&str, String)>) -> SharedConfig {
    SharedConfig::load(&Env::from_vars(vars), None).expect("shared config")
}

#[test]
fn explicit_credentials_carry_one_and_an_empty_one_is_none() {
    let c = Credentials::new("AKID", "secret", None).with_account_id(Some("123".into()));
    assert_eq!(c.account_id(), Some("123"));
    assert!(format!("{c:?}").contains("123"), "not a secret: {c:?}");
    let c = c.with_account_id(Some(String::new()));
    assert_eq!(c.account_id(), None);
}

#[tokio::test]
async fn from_the_environment() {
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_ACCOUNT_ID", "111111111111"),
    ]);
    let c = EnvProvider::new(env).provide().await.expect("env");
    assert_eq!(c.account_id(), Some("111111111111"));
}

#[tokio::test]
async fn from_profile_keys_and_credential_process() {
    let dir = temp_dir("profile");
    let config = dir.join("config");
    std::fs::write(
        &config,
        "[profile keys]\naws_access_key_id = A\naws_secret_access_key = S\naws_account_id = 222222222222\n\
         [profile proc]\ncredential_process = sh -c 'echo \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"P\\\", \\\"SecretAccessKey\\\": \\\"s\\\", \\\"AccountId\\\": \\\"333333333333\\\"}\"'\n\
         [profile proc-fallback]\naws_account_id = 444444444444\ncredential_process = sh -c 'echo \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"P\\\", \\\"SecretAccessKey\\\": \\\"s\\\"}\"'\n",
    )
    .expect("write config");
    for (profile, account) in [
        ("keys", "222222222222"),
        ("proc", "333333333333"),
        ("proc-fallback", "444444444444"),
    ] {
        let cfg = shared(vec![
            (
                "AWS_CONFIG_FILE",
                config.to_str().expect("utf-8").to_string(),
            ),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent".to_string()),
            ("AWS_PROFILE", profile.to_string()),
        ]);
        let c = ProfileProvider::new(cfg, transport())
            .provide()
            .await
            .expect(profile);
        assert_eq!(c.account_id(), Some(account), "{profile}");
    }
    // The process alone reads its own output's member.
    let c = ProcessProvider::new(
        r#"sh -c 'echo "{\"Version\": 1, \"AccessKeyId\": \"P\", \"SecretAccessKey\": \"s\", \"AccountId\": \"555555555555\"}"'"#,
    )
    .provide()
    .await
    .expect("process");
    assert_eq!(c.account_id(), Some("555555555555"));
}

#[tokio::test]
async fn from_the_container_endpoint_and_the_assumed_roles_arn() {
    let server = Server::start(|r: &Recorded| {
        let body = String::from_utf8_lossy(&r.body).to_string();
        if r.target.starts_with("/creds") {
            return Reply::new(200)
                .body(r#"{"AccessKeyId":"C","SecretAccessKey":"s","Token":"t","AccountId":"666666666666","Expiration":"2099-01-01T00:00:00Z"}"#)
                .then_close();
        }
        assert!(body.contains("Action=AssumeRole"), "{body}");
        Reply::new(200)
            .body(
                "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser>\
                 <Arn>arn:aws:sts::777777777777:assumed-role/R/s</Arn><AssumedRoleId>x</AssumedRoleId>\
                 </AssumedRoleUser><Credentials><AccessKeyId>R</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
                 <SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>\
                 </AssumeRoleResult></AssumeRoleResponse>",
            )
            .then_close()
    })
    .await;
    let url = server.url();
    let env = Env::from_vars([("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{url}/creds"))]);
    let c = ContainerProvider::new(env, transport())
        .provide()
        .await
        .expect("container");
    assert_eq!(c.account_id(), Some("666666666666"));

    let dir = temp_dir("role");
    let config = dir.join("config");
    std::fs::write(
        &config,
        "[profile role]\nrole_arn = arn:aws:iam::777777777777:role/R\nsource_profile = base\n\
         [profile base]\naws_access_key_id = A\naws_secret_access_key = S\naws_account_id = 1\n",
    )
    .expect("write config");
    let cfg = shared(vec![
        (
            "AWS_CONFIG_FILE",
            config.to_str().expect("utf-8").to_string(),
        ),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent".to_string()),
        ("AWS_PROFILE", "role".to_string()),
        ("AWS_ENDPOINT_URL_STS", url.clone()),
        ("AWS_REGION", "us-east-1".to_string()),
    ]);
    let c = ProfileProvider::new(cfg, transport())
        .provide()
        .await
        .expect("assume role");
    assert_eq!(c.access_key_id(), "R");
    assert_eq!(c.account_id(), Some("777777777777"));
}
