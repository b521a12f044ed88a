//! `snowball --debug` never prints a secret: one run per credential provider that sends
//! a token or receives credentials (SSO, IMDSv2, container with a token, assume-role,
//! web identity), each against loopback fakes of the provider and of the service, with
//! distinct secret values planted in the files, the environment and the fakes' answers;
//! none of them may appear in stdout or stderr.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::{serve_routes, Canned, Request};

const SSO_BEARER: &str = "SsoBearerToken0003aaa";
const SSO_SECRET: &str = "SsoRoleSecretKey/0003bbb";
const SSO_SESSION: &str = "SsoRoleSessionToken0003ccc";
const IMDS_TOKEN: &str = "ImdsSessionToken0003ddd";
const IMDS_SECRET: &str = "ImdsRoleSecretKey/0003eee";
const IMDS_SESSION: &str = "ImdsRoleSessionToken0003fff";
const CONTAINER_AUTH: &str = "ContainerAuthToken0003ggg";
const CONTAINER_SECRET: &str = "ContainerSecretKey/0003hhh";
const CONTAINER_SESSION: &str = "ContainerSessionToken0003iii";
const SOURCE_SECRET: &str = "SourceProfileSecret/0003jjj";
const SOURCE_SESSION: &str = "SourceProfileSession0003kkk";
const ROLE_SECRET: &str = "AssumedRoleSecret/0003lll";
const ROLE_SESSION: &str = "AssumedRoleSession0003mmm";
const WEB_TOKEN: &str = "WebIdentityJwt0003nnn";
const WEB_SECRET: &str = "WebIdentitySecret/0003ooo";
const WEB_SESSION: &str = "WebIdentitySession0003ppp";

const PLANTED: [&str; 16] = [
    SSO_BEARER,
    SSO_SECRET,
    SSO_SESSION,
    IMDS_TOKEN,
    IMDS_SECRET,
    IMDS_SESSION,
    CONTAINER_AUTH,
    CONTAINER_SECRET,
    CONTAINER_SESSION,
    SOURCE_SECRET,
    SOURCE_SESSION,
    ROLE_SECRET,
    ROLE_SESSION,
    WEB_TOKEN,
    WEB_SECRET,
    WEB_SESSION,
];

const EXPIRES: &str = "2099-01-01T00:00:00Z";

fn json(body: String) -> Canned {
    (200, "application/json", vec![], body.into_bytes())
}

fn sts_xml(action: &str, id: &str, secret: &str, session: &str) -> Canned {
    let body = format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
         <Credentials><AccessKeyId>{id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
         <SessionToken>{session}</SessionToken><Expiration>{EXPIRES}</Expiration></Credentials>\
         </{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\
         </{action}Response>"
    );
    (200, "text/xml", vec![], body.into_bytes())
}

/// Every fake behind one port, told apart by path: the service at `/`, STS at `/sts/`,
/// the SSO portal at `/sso/`, the container endpoint at `/container`, IMDS at `/imds/`.
fn route(r: &Request) -> Canned {
    let creds = |id: &str, secret: &str, session: &str| {
        format!(
            r#"{{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"{id}","SecretAccessKey":"{secret}","Token":"{session}","Expiration":"{EXPIRES}"}}"#
        )
    };
    let body = String::from_utf8_lossy(&r.body);
    let t = r.target.as_str();
    if t.starts_with("/sts") {
        if body.contains("Action=AssumeRoleWithWebIdentity") {
            sts_xml(
                "AssumeRoleWithWebIdentity",
                "AKIDWEB",
                WEB_SECRET,
                WEB_SESSION,
            )
        } else {
            sts_xml("AssumeRole", "AKIDROLE", ROLE_SECRET, ROLE_SESSION)
        }
    } else if t.starts_with("/sso/federation/credentials") {
        json(format!(
            r#"{{"roleCredentials":{{"accessKeyId":"AKIDSSO","secretAccessKey":"{SSO_SECRET}","sessionToken":"{SSO_SESSION}","expiration":4070908800000}}}}"#
        ))
    } else if t.starts_with("/container") {
        json(creds("AKIDCONTAINER", CONTAINER_SECRET, CONTAINER_SESSION))
    } else if t == "/imds/latest/api/token" && r.method == "PUT" {
        (200, "text/plain", vec![], IMDS_TOKEN.as_bytes().to_vec())
    } else if t == "/imds/latest/meta-data/iam/security-credentials/" {
        (200, "text/plain", vec![], b"the-role".to_vec())
    } else if t == "/imds/latest/meta-data/iam/security-credentials/the-role" {
        json(creds("AKIDIMDS", IMDS_SECRET, IMDS_SESSION))
    } else if t == "/" {
        (
            200,
            "application/x-amz-json-1.1",
            vec![],
            br#"{"JobListEntries":[]}"#.to_vec(),
        )
    } else {
        (404, "text/plain", vec![], b"no such fake".to_vec())
    }
}

/// One recorded request: method, target and lower-case headers.
type Recorded = (String, String, Vec<(String, String)>);

struct Scenario {
    name: &'static str,
    config: String,
    credentials: String,
    env: Vec<(&'static str, String)>,
    /// The access key id the service call must be signed with.
    key_id: &'static str,
    /// The session token the service call must carry.
    session: &'static str,
    /// A provider request header that must have carried this secret (so a leak of it
    /// would show): (target prefix, header, value).
    sent: Option<(&'static str, &'static str, &'static str)>,
}

async fn run(s: &Scenario, dir: &Path, port: u16) -> (i32, String, String) {
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(&config, &s.config).expect("config");
    std::fs::write(&credentials, &s.credentials).expect("credentials");
    let base = format!("http://127.0.0.1:{port}");
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_snowball"));
    cmd.args([
        "--debug",
        "list-jobs",
        "--protocol",
        "json",
        "--region",
        "us-east-1",
    ])
    .args(["--endpoint-url", &base])
    .env_clear()
    .env("PATH", std::env::var("PATH").unwrap_or_default())
    .env("HOME", dir)
    .env("AWS_CONFIG_FILE", &config)
    .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
    .env("AWS_ENDPOINT_URL_STS", format!("{base}/sts"))
    .env("AWS_ENDPOINT_URL_SSO", format!("{base}/sso"));
    for (k, v) in &s.env {
        cmd.env(k, v.replace("{base}", &base));
    }
    if !s
        .env
        .iter()
        .any(|(k, _)| *k == "AWS_EC2_METADATA_SERVICE_ENDPOINT")
    {
        cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    }
    let out = cmd.output().await.expect("running snowball");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sha1_hex(s: &str) -> String {
    let d = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, s.as_bytes());
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "snowball-debug-secrets-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_output_of_every_credential_provider_hides_secrets() {
    let recorded: Arc<Mutex<Vec<Recorded>>> = Arc::default();
    let rec = recorded.clone();
    let server = serve_routes(Arc::new(move |r: &Request| {
        rec.lock()
            .expect("lock")
            .push((r.method.clone(), r.target.clone(), r.headers.clone()));
        route(r)
    }))
    .await;

    let web_dir = scratch("web");
    let token_file = web_dir.join("token");
    std::fs::write(&token_file, WEB_TOKEN).expect("token file");
    let scenarios = [
        Scenario {
            name: "sso",
            config: "[default]\nsso_session = my-sso\nsso_account_id = 123456789012\n\
                     sso_role_name = Role\n[sso-session my-sso]\nsso_region = us-east-1\n\
                     sso_start_url = https://d-1234567890.awsapps.com/start\n"
                .into(),
            credentials: String::new(),
            env: vec![],
            key_id: "AKIDSSO",
            session: SSO_SESSION,
            sent: Some(("/sso/", "x-amz-sso_bearer_token", SSO_BEARER)),
        },
        Scenario {
            name: "imds",
            config: String::new(),
            credentials: String::new(),
            env: vec![("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{base}/imds".into())],
            key_id: "AKIDIMDS",
            session: IMDS_SESSION,
            sent: Some(("/imds/latest/meta", "x-aws-ec2-metadata-token", IMDS_TOKEN)),
        },
        Scenario {
            name: "container",
            config: String::new(),
            credentials: String::new(),
            env: vec![
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "{base}/container".into(),
                ),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_AUTH.into()),
            ],
            key_id: "AKIDCONTAINER",
            session: CONTAINER_SESSION,
            sent: Some(("/container", "authorization", CONTAINER_AUTH)),
        },
        Scenario {
            name: "assume-role",
            config: "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\n\
                     source_profile = src\n"
                .into(),
            credentials: format!(
                "[src]\naws_access_key_id = AKIDSRC\naws_secret_access_key = {SOURCE_SECRET}\n\
                 aws_session_token = {SOURCE_SESSION}\n"
            ),
            env: vec![],
            key_id: "AKIDROLE",
            session: ROLE_SESSION,
            sent: Some(("/sts", "x-amz-security-token", SOURCE_SESSION)),
        },
        Scenario {
            name: "web identity",
            config: String::new(),
            credentials: String::new(),
            env: vec![
                (
                    "AWS_WEB_IDENTITY_TOKEN_FILE",
                    token_file.display().to_string(),
                ),
                ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web".into()),
            ],
            key_id: "AKIDWEB",
            session: WEB_SESSION,
            sent: None,
        },
    ];
    let mut leaks = Vec::new();
    for s in &scenarios {
        let dir = scratch(&s.name.replace(' ', "-"));
        if s.name == "sso" {
            let cache = dir.join(".aws").join("sso").join("cache");
            std::fs::create_dir_all(&cache).expect("sso cache dir");
            std::fs::write(
                cache.join(format!("{}.json", sha1_hex("my-sso"))),
                format!(r#"{{"accessToken":"{SSO_BEARER}","expiresAt":"{EXPIRES}"}}"#),
            )
            .expect("sso cache");
        }
        recorded.lock().expect("lock").clear();
        let (code, stdout, stderr) = run(s, &dir, server.port).await;
        let what = format!(
            "{}: exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            s.name
        );
        assert_eq!(code, 0, "{what}");
        assert!(
            stderr.contains("DEBUG - Sending request") && stderr.contains("<redacted>"),
            "{what}"
        );
        // The provider really ran: the service call is signed with its credentials and
        // carries its token, and the provider's own secret header went on the wire.
        let seen = recorded.lock().expect("lock").clone();
        let service = seen
            .iter()
            .find(|(m, t, _)| m == "POST" && t == "/")
            .unwrap_or_else(|| panic!("no service call; {what}"));
        let header = |h: &[(String, String)], n: &str| {
            h.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone())
        };
        assert!(
            header(&service.2, "authorization")
                .is_some_and(|a| a.contains(&format!("Credential={}/", s.key_id))),
            "{what}"
        );
        assert_eq!(
            header(&service.2, "x-amz-security-token").as_deref(),
            Some(s.session),
            "{what}"
        );
        if let Some((prefix, name, value)) = s.sent {
            assert!(
                seen.iter()
                    .any(|(_, t, h)| t.starts_with(prefix)
                        && header(h, name).as_deref() == Some(value)),
                "{name} was not sent to {prefix}; {what}"
            );
        }
        // Provider requests are marked as such (their bodies are neither shown nor kept).
        assert!(stderr.contains("(credential provider)"), "{what}");
        if s.name == "web identity" {
            assert!(stderr.contains("/sts/"), "the STS call is traced; {what}");
        }
        // Every leak of every provider is reported, not just the first.
        for p in PLANTED {
            for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
                for line in text.lines().filter(|l| l.contains(p)) {
                    leaks.push(format!("{}: {stream} shows {p:?}: {line}", s.name));
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&web_dir);
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}
