//! `--debug` never prints a secret: a `snowball --debug` call through each credential
//! provider that sends a token or receives credentials (SSO, IMDSv2, a container endpoint
//! with a token, assume-role, web identity), each against a loopback server, with a
//! distinct planted value in every secret; none may appear in stdout or stderr.

mod common;

use std::sync::Arc;

use common::{serve_requests, Canned, Request};

const SSO_TOKEN: &str = "ssoBearerToken-PLANTED-0001";
const IMDS_TOKEN: &str = "imdsSessionToken-PLANTED-0002";
const CONTAINER_TOKEN: &str = "containerAuthToken-PLANTED-0003";
const WEB_IDENTITY_TOKEN: &str = "webIdentityJwt-PLANTED-0004";
const SOURCE_SECRET: &str = "sourceProfileSecret/PLANTED+0005";
/// The secret key and session token every provider's endpoint returns, per provider.
fn returned(provider: &str) -> (String, String) {
    (
        format!("{provider}ReturnedSecret/PLANTED+0006"),
        format!("{provider}ReturnedSessionToken-PLANTED-0007"),
    )
}

fn json(status: u16, body: String) -> Canned {
    (status, "application/json", vec![], body.into_bytes())
}

/// One port serves the provider's endpoints and the service (awsJson, `ListClusters`).
fn route(r: &Request) -> Canned {
    let text = String::from_utf8_lossy(&r.body).to_string();
    let header = |n: &str| {
        r.headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    let iso = "2099-01-01T00:00:00Z";
    match (r.method.as_str(), r.path.as_str()) {
        (_, p) if p.starts_with("/federation/credentials") => {
            assert_eq!(header("x-amz-sso_bearer_token"), Some(SSO_TOKEN));
            let (s, t) = returned("sso");
            json(
                200,
                format!(
                    r#"{{"roleCredentials":{{"accessKeyId":"AKIDSSO","secretAccessKey":"{s}","sessionToken":"{t}","expiration":4102444800000}}}}"#
                ),
            )
        }
        ("PUT", "/latest/api/token") => (200, "text/plain", vec![], IMDS_TOKEN.into()),
        ("GET", p) if p.starts_with("/latest/meta-data/iam/security-credentials/") => {
            assert_eq!(header("x-aws-ec2-metadata-token"), Some(IMDS_TOKEN));
            if p.ends_with('/') {
                return (200, "text/plain", vec![], b"role".to_vec());
            }
            let (s, t) = returned("imds");
            json(
                200,
                format!(
                    r#"{{"Code":"Success","AccessKeyId":"AKIDIMDS","SecretAccessKey":"{s}","Token":"{t}","Expiration":"{iso}"}}"#
                ),
            )
        }
        ("GET", "/container-credentials") => {
            assert_eq!(header("authorization"), Some(CONTAINER_TOKEN));
            let (s, t) = returned("container");
            json(
                200,
                format!(
                    r#"{{"AccessKeyId":"AKIDCONTAINER","SecretAccessKey":"{s}","Token":"{t}","Expiration":"{iso}"}}"#
                ),
            )
        }
        ("POST", "/") if text.contains("Action=AssumeRole") => {
            let action = if text.contains("Action=AssumeRoleWithWebIdentity") {
                "AssumeRoleWithWebIdentity"
            } else {
                "AssumeRole"
            };
            let (s, t) = returned(action);
            let xml = format!(
                "<{action}Response><{action}Result><Credentials><AccessKeyId>AKIDSTS</AccessKeyId>\
                 <SecretAccessKey>{s}</SecretAccessKey><SessionToken>{t}</SessionToken>\
                 <Expiration>{iso}</Expiration></Credentials></{action}Result></{action}Response>"
            );
            (200, "text/xml", vec![], xml.into_bytes())
        }
        ("POST", "/") => {
            assert!(
                header("x-amz-target").is_some_and(|t| t.ends_with(".ListClusters")),
                "unexpected request {} {} {text}",
                r.method,
                r.path
            );
            (
                200,
                "application/x-amz-json-1.1",
                vec![],
                br#"{"ClusterListEntries":[]}"#.to_vec(),
            )
        }
        (m, p) => panic!("unexpected request {m} {p}"),
    }
}

/// Runs `snowball --debug list-clusters` with exactly `env` (plus PATH and HOME) and
/// returns (exit code, stdout + stderr).
async fn run_debug(home: &std::path::Path, port: u16, env: &[(&str, String)]) -> (i32, String) {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_snowball"));
    cmd.args([
        "--debug",
        "list-clusters",
        "--protocol",
        "json",
        "--endpoint-url",
        &format!("http://127.0.0.1:{port}"),
        "--region",
        "us-east-1",
    ])
    .env_clear()
    .env("PATH", std::env::var("PATH").unwrap_or_default())
    .env("HOME", home)
    .env("AWS_CONFIG_FILE", home.join("config"))
    .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
    .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().await.expect("running snowball");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn sha1_hex(key: &str) -> String {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf %s '{key}' | sha1sum"))
        .output()
        .expect("sha1sum");
    String::from_utf8_lossy(&out.stdout)[..40].to_string()
}

#[tokio::test]
async fn debug_trace_through_every_token_provider_shows_no_secret() {
    let server = serve_requests(Arc::new(route)).await;
    let port = server.port;
    let url = format!("http://127.0.0.1:{port}");
    let base = std::env::temp_dir().join(format!("snowball-debug-secrets-{}", std::process::id()));
    let start_url = "https://planted.awsapps.com/start";

    // (provider, config file, credentials file, environment)
    type Case<'a> = (&'a str, String, String, Vec<(&'a str, String)>);
    let cases: Vec<Case> = vec![
        (
            "sso",
            format!(
                "[default]\nsso_account_id = 123456789012\nsso_role_name = Dev\n\
                 sso_region = us-east-1\nsso_start_url = {start_url}\n"
            ),
            String::new(),
            vec![("AWS_ENDPOINT_URL_SSO", url.clone())],
        ),
        (
            "imds",
            String::new(),
            String::new(),
            vec![
                ("AWS_EC2_METADATA_DISABLED", "false".into()),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.clone()),
            ],
        ),
        (
            "container",
            String::new(),
            String::new(),
            vec![
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    format!("{url}/container-credentials"),
                ),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN.into()),
            ],
        ),
        (
            "assume-role",
            "[default]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = src\n".into(),
            format!(
                "[src]\naws_access_key_id = AKIDSRC\naws_secret_access_key = {SOURCE_SECRET}\n"
            ),
            vec![("AWS_ENDPOINT_URL_STS", url.clone())],
        ),
        (
            "web-identity",
            String::new(),
            String::new(),
            vec![
                ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/W".into()),
                ("AWS_ENDPOINT_URL_STS", url.clone()),
            ],
        ),
    ];
    for (name, config, credentials, mut env) in cases {
        let home = base.join(name);
        std::fs::create_dir_all(home.join(".aws/sso/cache")).unwrap();
        std::fs::write(home.join("config"), config).unwrap();
        std::fs::write(home.join("credentials"), credentials).unwrap();
        std::fs::write(
            home.join(".aws/sso/cache")
                .join(format!("{}.json", sha1_hex(start_url))),
            format!(r#"{{"accessToken":"{SSO_TOKEN}","expiresAt":"2099-01-01T00:00:00Z"}}"#),
        )
        .unwrap();
        let token_file = home.join("web-identity-token");
        std::fs::write(&token_file, WEB_IDENTITY_TOKEN).unwrap();
        if name == "web-identity" {
            env.push((
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                token_file.to_string_lossy().into_owned(),
            ));
        }
        let before = server.seen.lock().unwrap().len();
        let (code, out) = run_debug(&home, port, &env).await;
        assert_eq!(code, 0, "{name}: {out}");
        // The provider's endpoint and the service were both called and traced.
        assert!(
            server.seen.lock().unwrap().len() >= before + 2,
            "{name}: {out}"
        );
        assert!(out.contains("<redacted>"), "{name}: {out}");
        let mut planted = vec![
            SSO_TOKEN.to_string(),
            IMDS_TOKEN.to_string(),
            CONTAINER_TOKEN.to_string(),
            WEB_IDENTITY_TOKEN.to_string(),
            SOURCE_SECRET.to_string(),
        ];
        for p in [
            "sso",
            "imds",
            "container",
            "AssumeRole",
            "AssumeRoleWithWebIdentity",
        ] {
            let (s, t) = returned(p);
            planted.push(s);
            planted.push(t);
        }
        for secret in planted {
            assert!(
                !out.contains(&secret),
                "{name}: --debug shows {secret:?}:\n{out}"
            );
        }
    }
}
