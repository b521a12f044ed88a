//! Proxies and CA bundles through the whole client, as botocore honours them: an https
//! endpoint reached through a loopback CONNECT proxy named by `HTTPS_PROXY` (with
//! credentials in its URL), trusted only through `AWS_CA_BUNDLE` or the profile's
//! `ca_bundle`; an http endpoint through `HTTP_PROXY` in absolute form; `NO_PROXY`.
//! Every variable is given through an explicit `Env`: the machine's own
//! `AWS_CA_BUNDLE` and proxies never leak in.

use std::path::PathBuf;
use std::time::Duration;

use awsrt::internal::shared_config::Env;
use e2e::{ACCESS_KEY_ID, SECRET_ACCESS_KEY};
use loopback::{Answer, Recorded, Reply, Server};
use snowball::{Config, Protocol, SdkError};

/// `Basic base64("proxyuser:pr0xy-s3cret")`.
const PROXY_AUTH: &str = "Basic cHJveHl1c2VyOnByMHh5LXMzY3JldA==";
const PROXY_PASSWORD: &str = "pr0xy-s3cret";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("e2e-proxy-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A bundle file holding the loopback test CA.
fn bundle(dir: &std::path::Path) -> String {
    let path = dir.join("ca.pem");
    std::fs::write(&path, loopback::tls::ca_pem()).unwrap();
    path.to_str().unwrap().to_string()
}

/// The service: an empty `ListJobs` answer in JSON.
fn service(_: &Recorded) -> Reply {
    Reply::new(200)
        .header("content-type", "application/x-amz-json-1.1")
        .body(r#"{"JobListEntries":[]}"#)
}

/// A CONNECT proxy that wants `PROXY_AUTH` (407 otherwise) and answers plain requests
/// (absolute form) itself, as the service would.
async fn proxy() -> Server {
    Server::start(|r: &Recorded| {
        if r.header("proxy-authorization") != Some(PROXY_AUTH) {
            return Reply::new(407)
                .header("proxy-authenticate", "Basic realm=\"test\"")
                .into();
        }
        if r.method == "CONNECT" {
            Answer::tunnel()
        } else {
            service(r).into()
        }
    })
    .await
}

/// The environment of a test: no files, no IMDS, static keys, plus `extra`.
fn env(dir: &std::path::Path, extra: &[(&str, String)]) -> Env {
    let mut vars = vec![
        (
            "AWS_CONFIG_FILE",
            dir.join("config").to_str().unwrap().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("credentials").to_str().unwrap().to_string(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID.to_string()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
    Env::from_vars(vars)
}

fn client(env: Env, endpoint: String) -> snowball::Client {
    snowball::Client::new(
        Config::with_env(env)
            .endpoint_url(endpoint)
            .protocol(Protocol::AwsJson1_1)
            .max_attempts(1)
            .operation_timeout(Duration::from_secs(10)),
    )
}

fn proxy_url(proxy: &Server) -> String {
    format!(
        "http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:{}",
        proxy.port()
    )
}

#[tokio::test]
async fn https_goes_through_the_connect_proxy_and_trusts_the_ca_bundle() {
    let dir = temp_dir("https");
    let (service, proxy) = (Server::tls(service).await, proxy().await);
    let env = env(
        &dir,
        &[
            ("HTTPS_PROXY", proxy_url(&proxy)),
            ("AWS_CA_BUNDLE", bundle(&dir)),
        ],
    );
    let out = client(env, service.https_url())
        .list_jobs()
        .send()
        .await
        .unwrap();
    assert!(out.job_list_entries.unwrap_or_default().is_empty());
    let connect = proxy.single_request();
    assert_eq!(connect.method, "CONNECT");
    assert_eq!(connect.target, format!("localhost:{}", service.port()));
    assert_eq!(connect.header("proxy-authorization"), Some(PROXY_AUTH));
    // The proxy credentials go to the proxy only, never through the tunnel.
    let seen = service.single_request();
    assert_eq!(seen.target, "/");
    assert_eq!(seen.header("proxy-authorization"), None);
    assert_eq!(
        seen.header("host"),
        Some(&*format!("localhost:{}", service.port()))
    );
}

#[tokio::test]
async fn the_profile_ca_bundle_is_used_when_aws_ca_bundle_is_unset() {
    let dir = temp_dir("profile");
    let path = bundle(&dir);
    std::fs::write(
        dir.join("config"),
        format!("[default]\nca_bundle = {path}\n"),
    )
    .unwrap();
    let service = Server::tls(service).await;
    client(env(&dir, &[]), service.https_url())
        .list_jobs()
        .send()
        .await
        .unwrap();
    assert_eq!(service.requests().len(), 1);
}

#[tokio::test]
async fn without_the_bundle_the_certificate_is_refused() {
    let dir = temp_dir("nobundle");
    let service = Server::tls(service).await;
    let err = client(env(&dir, &[]), service.https_url())
        .list_jobs()
        .send()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, SdkError::Transport { .. }), "{err:?}");
    assert!(text.contains("certificate"), "{text}");
    assert!(service.requests().is_empty());
}

#[tokio::test]
async fn a_missing_or_unparsable_bundle_is_an_error_naming_the_file() {
    let dir = temp_dir("badbundle");
    let service = Server::tls(service).await;
    let garbage = dir.join("garbage.pem");
    std::fs::write(
        &garbage,
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let missing = dir.join("missing.pem");
    for path in [&garbage, &missing] {
        let path = path.to_str().unwrap().to_string();
        let err = client(
            env(&dir, &[("AWS_CA_BUNDLE", path.clone())]),
            service.https_url(),
        )
        .list_jobs()
        .send()
        .await
        .unwrap_err();
        let SdkError::InvalidInput { message, .. } = &err else {
            panic!("{path}: expected InvalidInput, got {err:?}");
        };
        assert!(message.contains(&path), "{message}");
        assert!(message.contains("AWS_CA_BUNDLE"), "{message}");
    }
    assert!(service.requests().is_empty());
}

#[tokio::test]
async fn http_goes_to_the_http_proxy_in_absolute_form() {
    let dir = temp_dir("http");
    let proxy = proxy().await;
    // Nothing listens at the endpoint: only the proxy can answer.
    let endpoint = format!("http://{}", loopback::closed_port());
    let env = env(&dir, &[("http_proxy", proxy_url(&proxy))]);
    client(env, endpoint.clone())
        .list_jobs()
        .send()
        .await
        .unwrap();
    let seen = proxy.single_request();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, format!("{endpoint}/"));
    assert_eq!(seen.header("proxy-authorization"), Some(PROXY_AUTH));
    assert!(seen.header("authorization").is_some());
}

#[tokio::test]
async fn no_proxy_and_the_scheme_choose_a_direct_connection() {
    let dir = temp_dir("noproxy");
    let proxy = proxy().await;
    let service = Server::start(service).await;
    // HTTPS_PROXY does not apply to an http endpoint; NO_PROXY exempts a host by name.
    for extra in [
        vec![("HTTPS_PROXY", proxy_url(&proxy))],
        vec![
            ("HTTP_PROXY", proxy_url(&proxy)),
            ("NO_PROXY", "example.com, .0.0.1".to_string()),
        ],
    ] {
        client(env(&dir, &extra), service.url())
            .list_jobs()
            .send()
            .await
            .unwrap();
    }
    assert_eq!(service.requests().len(), 2);
    assert!(proxy.requests().is_empty());
}
