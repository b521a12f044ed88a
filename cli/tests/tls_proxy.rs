//! `--ca-bundle`, `AWS_CA_BUNDLE`, the profile's `ca_bundle` and `HTTPS_PROXY` /
//! `HTTP_PROXY` in the `snowball` binary, against the loopback HTTPS server (its
//! certificate signed by the fixed test CA) and a loopback CONNECT proxy. Every run
//! starts from an empty environment (this machine sets `AWS_CA_BUNDLE` and
//! `REQUESTS_CA_BUNDLE` itself), plus what the test names.

use std::path::{Path, PathBuf};

use loopback::{Answer, Recorded, Reply, Server};

/// `Basic base64("cliuser:cli-pr0xy-pass")`.
const PROXY_AUTH: &str = "Basic Y2xpdXNlcjpjbGktcHIweHktcGFzcw==";
const PROXY_PASSWORD: &str = "cli-pr0xy-pass";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("snowball-cli-tls-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir
}

/// Writes the test CA to `dir/ca.pem` and returns its path.
fn bundle(dir: &Path) -> String {
    let path = dir.join("ca.pem");
    std::fs::write(&path, loopback::tls::ca_pem()).expect("bundle file");
    path.to_str().expect("UTF-8 temp path").to_string()
}

fn service(_: &Recorded) -> Reply {
    Reply::new(200)
        .header("content-type", "application/x-amz-json-1.1")
        .body(r#"{"JobListEntries":[{"JobId":"JID1"}]}"#)
}

/// `snowball list-jobs --protocol json --endpoint-url URL EXTRA...` with dummy keys,
/// a config file holding `config`, and `env` on top of an empty environment.
async fn list_jobs(
    dir: &Path,
    url: &str,
    extra: &[&str],
    config: &str,
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let config_file = dir.join("config");
    std::fs::write(&config_file, config).expect("config file");
    let out = tokio::process::Command::new(PathBuf::from(env!("CARGO_BIN_EXE_snowball")))
        .args(["list-jobs", "--protocol", "json", "--region", "us-east-1"])
        .args(["--endpoint-url", url])
        .args(extra)
        .env_clear()
        .env("HOME", dir)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_CONFIG_FILE", &config_file)
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .envs(env.iter().copied())
        .output()
        .await
        .expect("running snowball");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn ca_bundle_flag_wins_over_aws_ca_bundle_and_the_profile() {
    let dir = temp_dir("flag");
    let path = bundle(&dir);
    let server = Server::tls(service).await;
    let missing = dir.join("missing.pem");
    let missing = missing.to_str().unwrap();
    let (code, out, err) = list_jobs(
        &dir,
        &server.https_url(),
        &["--ca-bundle", &path],
        &format!("[default]\nca_bundle = {missing}\n"),
        &[("AWS_CA_BUNDLE", missing)],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("JID1"), "{out}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn aws_ca_bundle_and_the_profile_ca_bundle_are_honoured() {
    let dir = temp_dir("env");
    let path = bundle(&dir);
    let server = Server::tls(service).await;
    let url = server.https_url();
    let (code, _, err) = list_jobs(&dir, &url, &[], "", &[("AWS_CA_BUNDLE", &path)]).await;
    assert_eq!(code, 0, "AWS_CA_BUNDLE: {err}");
    let profile = format!("[default]\nca_bundle = {path}\n");
    let (code, _, err) = list_jobs(&dir, &url, &[], &profile, &[]).await;
    assert_eq!(code, 0, "profile ca_bundle: {err}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn without_a_bundle_the_certificate_is_refused_and_a_bad_bundle_is_named() {
    let dir = temp_dir("none");
    let server = Server::tls(service).await;
    let url = server.https_url();
    let (code, _, err) = list_jobs(&dir, &url, &[], "", &[]).await;
    assert_eq!(code, 255, "{err}");
    assert!(err.contains("certificate"), "{err}");
    let missing = dir.join("missing.pem");
    let missing = missing.to_str().unwrap();
    let (code, _, err) = list_jobs(&dir, &url, &["--ca-bundle", missing], "", &[]).await;
    assert_eq!(code, 255, "{err}");
    assert!(err.contains(missing), "{err}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn https_proxy_tunnels_and_its_password_stays_out_of_debug() {
    let dir = temp_dir("proxy");
    let path = bundle(&dir);
    let server = Server::tls(service).await;
    let proxy = Server::start(|r: &Recorded| match r.header("proxy-authorization") {
        Some(PROXY_AUTH) if r.method == "CONNECT" => Answer::tunnel(),
        _ => Reply::new(407).into(),
    })
    .await;
    let proxy_url = format!("http://cliuser:{PROXY_PASSWORD}@127.0.0.1:{}", proxy.port());
    let (code, out, err) = list_jobs(
        &dir,
        &server.https_url(),
        &["--debug", "--ca-bundle", &path],
        "",
        &[("HTTPS_PROXY", &proxy_url)],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("JID1"), "{out}");
    let connect = proxy.single_request();
    assert_eq!(connect.method, "CONNECT");
    assert_eq!(connect.header("proxy-authorization"), Some(PROXY_AUTH));
    for secret in [PROXY_PASSWORD, PROXY_AUTH, "Y2xpdXNlcjpjbGktcHIweHktcGFzcw"] {
        assert!(!err.contains(secret), "{secret} in --debug output:\n{err}");
    }
    assert_eq!(server.requests().len(), 1);
}
