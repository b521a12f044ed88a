//! Each credentials provider against a loopback server or temporary files: success,
//! refresh and failure. Environments are explicit maps; nothing reads `~/.aws`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use awsrt::internal::credentials::{
    ContainerProvider, CredentialsCache, CredentialsError, DefaultChain, ImdsProvider,
    ProcessProvider, ProfileProvider, ProvideCredentials, WebIdentityProvider,
};
use awsrt::internal::http::{HttpTransport, Transport};
use awsrt::internal::shared_config::{Env, SharedConfig};
use awsrt::DateTime;
use loopback::{Recorded, Reply, Server};

type Handler = dyn Fn(&str, &str, &str, &str) -> (u16, String) + Send + Sync;

/// A loopback server answering once per connection with `handler(method, path, head,
/// body)`, where `head` is the request line and headers, lower-cased. Returns the server
/// (its tasks stop when it is dropped), its base URL and the log of "METHOD path" lines.
async fn server(handler: Arc<Handler>) -> (Server, String, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let log2 = log.clone();
    let server = Server::start(move |r: &Recorded| {
        log2.lock()
            .unwrap()
            .push(format!("{} {}", r.method, r.target));
        let mut head = format!("{} {} {}", r.method, r.target, r.version);
        for (name, value) in &r.headers {
            head.push_str(&format!("\r\n{name}: {value}"));
        }
        let body = String::from_utf8_lossy(&r.body);
        let (status, out) = handler(&r.method, &r.target, &head.to_ascii_lowercase(), &body);
        Reply::new(status).body(out).then_close()
    })
    .await;
    let url = server.url();
    (server, url, log)
}

fn transport() -> Arc<dyn Transport> {
    Arc::new(HttpTransport::new())
}

fn iso(t: SystemTime) -> String {
    DateTime::from_system_time(t).fmt_iso8601()
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("awsrt-cred-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn shared(vars: Vec<(&str, String)>) -> SharedConfig {
    SharedConfig::load(&Env::from_vars(vars), None).unwrap()
}

fn imds_handler(expiry: Arc<Mutex<SystemTime>>, counter: Arc<AtomicUsize>) -> Arc<Handler> {
    Arc::new(move |method, path, headers, _| match (method, path) {
        ("PUT", "/latest/api/token") => {
            assert!(headers.contains("x-aws-ec2-metadata-token-ttl-seconds: 21600"));
            (200, "TOKEN".into())
        }
        ("GET", "/latest/meta-data/iam/security-credentials/") => {
            assert!(headers.contains("x-aws-ec2-metadata-token: token"));
            (200, "my-role\n".into())
        }
        ("GET", "/latest/meta-data/iam/security-credentials/my-role") => {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let exp = iso(*expiry.lock().unwrap());
            (
                200,
                format!(
                    r#"{{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"IMDSKEY{n}","SecretAccessKey":"s","Token":"t","Expiration":"{exp}"}}"#
                ),
            )
        }
        _ => (404, String::new()),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imds_success_refresh_and_shared_refresh() {
    let expiry = Arc::new(Mutex::new(SystemTime::now() + Duration::from_secs(60)));
    let counter = Arc::new(AtomicUsize::new(0));
    let (_server, url, log) = server(imds_handler(expiry.clone(), counter.clone())).await;
    let cfg = shared(vec![("AWS_EC2_METADATA_SERVICE_ENDPOINT", url)]);
    let cache = Arc::new(
        CredentialsCache::new(ImdsProvider::new(cfg, transport()))
            .with_min_refresh_interval(Duration::from_millis(50)),
    );
    let c = cache.get().await.unwrap();
    assert_eq!(c.access_key_id(), "IMDSKEY0");
    assert_eq!(c.session_token(), Some("t"));
    assert!(c.expiry().is_some());
    // Expiring within the refresh window: the next call after the minimum interval
    // refreshes.
    *expiry.lock().unwrap() = SystemTime::now() + Duration::from_secs(3600);
    assert_eq!(cache.get().await.unwrap().access_key_id(), "IMDSKEY0");
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(cache.get().await.unwrap().access_key_id(), "IMDSKEY1");
    // Fresh now: concurrent callers reuse the cached credentials, no new fetch.
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let c = cache.clone();
            tokio::spawn(async move { c.get().await.unwrap().access_key_id().to_string() })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), "IMDSKEY1");
    }
    assert_eq!(counter.load(Ordering::SeqCst), 2);
    assert!(log.lock().unwrap().iter().all(|l| !l.contains("placement")));
}

#[tokio::test]
async fn concurrent_first_loads_share_one_refresh() {
    let expiry = Arc::new(Mutex::new(SystemTime::now() + Duration::from_secs(3600)));
    let counter = Arc::new(AtomicUsize::new(0));
    let (_server, url, _) = server(imds_handler(expiry, counter.clone())).await;
    let cfg = shared(vec![("AWS_EC2_METADATA_SERVICE_ENDPOINT", url)]);
    let cache = Arc::new(CredentialsCache::new(ImdsProvider::new(cfg, transport())));
    let (a, b, c) = tokio::join!(cache.get(), cache.get(), cache.get());
    assert_eq!(a.unwrap(), b.unwrap());
    assert_eq!(c.unwrap().access_key_id(), "IMDSKEY0");
    assert_eq!(counter.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn imds_failures() {
    let (_server, url, log) = server(Arc::new(|_, _, _, _| (400, "bad".into()))).await;
    let cfg = shared(vec![("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.clone())]);
    let err = ImdsProvider::new(cfg, transport())
        .provide()
        .await
        .unwrap_err();
    assert!(
        matches!(err, CredentialsError::Failed(ref m) if m.contains("HTTP 400")),
        "{err}"
    );
    let cfg = shared(vec![
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ]);
    let before = log.lock().unwrap().len();
    let err = ImdsProvider::new(cfg, transport())
        .provide()
        .await
        .unwrap_err();
    assert!(
        matches!(err, CredentialsError::NotLoaded(ref m) if m.contains("AWS_EC2_METADATA_DISABLED"))
    );
    assert_eq!(
        log.lock().unwrap().len(),
        before,
        "disabled IMDS sends nothing"
    );
}

#[tokio::test]
async fn container_success_with_token_file_and_failures() {
    let dir = temp_dir("container");
    let token = dir.join("token");
    std::fs::write(&token, "Bearer abc\n").unwrap();
    let exp = iso(SystemTime::now() + Duration::from_secs(3600));
    let (_server, url, _) = server(Arc::new(move |_, path, headers, _| {
        if path == "/creds" && headers.contains("authorization: bearer abc") {
            (200, format!(r#"{{"AccessKeyId":"CKEY","SecretAccessKey":"s","Token":"t","Expiration":"{exp}"}}"#))
        } else {
            (401, "denied".into())
        }
    }))
    .await;
    let env = Env::from_vars([
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{url}/creds")),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token.to_str().unwrap().into(),
        ),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored".into()),
    ]);
    let c = ContainerProvider::new(env, transport())
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "CKEY");
    // Without the token: the server's 401 is a failure naming the status.
    let env = Env::from_vars([("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{url}/creds"))]);
    let err = ContainerProvider::new(env, transport())
        .provide()
        .await
        .unwrap_err();
    assert!(err.message().contains("HTTP 401"), "{err}");
    // Plain http to a non-loopback host is refused before any request.
    let env = Env::from_vars([("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/x")]);
    let err = ContainerProvider::new(env, transport())
        .provide()
        .await
        .unwrap_err();
    assert!(err.message().contains("must be https"), "{err}");
    let err = ContainerProvider::new(Env::from_vars(Vec::<(String, String)>::new()), transport())
        .provide()
        .await
        .unwrap_err();
    assert!(matches!(err, CredentialsError::NotLoaded(_)));
}

fn sts_xml(action: &str, key: &str) -> String {
    let exp = iso(SystemTime::now() + Duration::from_secs(3600));
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
         <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>sec</SecretAccessKey>\
         <SessionToken>tok&amp;en</SessionToken><Expiration>{exp}</Expiration></Credentials>\
         </{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
    )
}

#[tokio::test]
async fn profile_assume_role_chain_through_sts() {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let b2 = bodies.clone();
    let (_server, url, _) = server(Arc::new(move |_, _, headers, body| {
        b2.lock().unwrap().push((headers.to_string(), body.to_string()));
        if body.contains("RoleB") {
            (200, sts_xml("AssumeRole", "KEY_B"))
        } else if body.contains("RoleA") && headers.contains("credential=key_b/") {
            (200, sts_xml("AssumeRole", "KEY_A"))
        } else {
            (403, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>nope</Message></Error><RequestId>x</RequestId></ErrorResponse>".into())
        }
    }))
    .await;
    let dir = temp_dir("assume");
    let config = dir.join("config");
    std::fs::write(
        &config,
        "[profile a]\nrole_arn = arn:aws:iam::1:role/RoleA\nsource_profile = b\nrole_session_name = s a\n\
         [profile b]\nrole_arn = arn:aws:iam::1:role/RoleB\nsource_profile = c\nexternal_id = ext\n\
         [profile bad]\nrole_arn = arn:aws:iam::1:role/Nope\nsource_profile = c\n",
    )
    .unwrap();
    let creds = dir.join("credentials");
    std::fs::write(
        &creds,
        "[c]\naws_access_key_id = KEY_C\naws_secret_access_key = SC\n",
    )
    .unwrap();
    let vars = |profile: &str| {
        vec![
            ("AWS_CONFIG_FILE", config.to_str().unwrap().to_string()),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                creds.to_str().unwrap().to_string(),
            ),
            ("AWS_PROFILE", profile.to_string()),
            ("AWS_ENDPOINT_URL_STS", url.clone()),
            ("AWS_REGION", "us-west-2".to_string()),
        ]
    };
    let c = ProfileProvider::new(shared(vars("a")), transport())
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "KEY_A");
    assert_eq!(c.session_token(), Some("tok&en"));
    let seen = bodies.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[0].0.contains("credential=key_c/"),
        "first call signed with the static keys"
    );
    assert!(seen[0].0.contains("/us-west-2/sts/aws4_request"));
    assert!(seen[0].1.starts_with(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FRoleB"
    ));
    assert!(seen[0].1.contains("&ExternalId=ext"));
    assert!(seen[1].1.contains("&RoleSessionName=s+a"));
    let err = ProfileProvider::new(shared(vars("bad")), transport())
        .provide()
        .await
        .unwrap_err();
    assert!(err.message().contains("AccessDenied: nope"), "{err}");
    let err = ProfileProvider::new(shared(vars("missing")), transport())
        .provide()
        .await
        .unwrap_err();
    assert!(
        matches!(err, CredentialsError::Failed(ref m) if m.contains("`missing`")),
        "{err}"
    );
}

#[tokio::test]
async fn web_identity_reads_the_token_file_each_time() {
    let dir = temp_dir("webid");
    let token = dir.join("token.jwt");
    std::fs::write(&token, "jwt-1").unwrap();
    let (_server, url, _) = server(Arc::new(|_, _, headers, body| {
        assert!(
            !headers.contains("authorization"),
            "web identity is unsigned"
        );
        let key = if body.contains("WebIdentityToken=jwt-2") {
            "W2"
        } else {
            "W1"
        };
        (200, sts_xml("AssumeRoleWithWebIdentity", key))
    }))
    .await;
    let cfg = shared(vec![
        (
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            token.to_str().unwrap().into(),
        ),
        ("AWS_ROLE_ARN", "arn:aws:iam::1:role/W".into()),
        ("AWS_ENDPOINT_URL_STS", url),
    ]);
    let p = WebIdentityProvider::from_env(cfg, transport());
    assert_eq!(p.provide().await.unwrap().access_key_id(), "W1");
    std::fs::write(&token, "jwt-2").unwrap();
    assert_eq!(p.provide().await.unwrap().access_key_id(), "W2");
    std::fs::remove_file(&token).unwrap();
    assert!(p
        .provide()
        .await
        .unwrap_err()
        .message()
        .contains("token file"));
}

#[tokio::test]
async fn credential_process_success_and_failure() {
    let ok = ProcessProvider::new(
        r#"sh -c 'echo "{\"Version\": 1, \"AccessKeyId\": \"PKEY\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"2099-01-01T00:00:00Z\"}"'"#,
    );
    let c = ok.provide().await.unwrap();
    assert_eq!((c.access_key_id(), c.session_token()), ("PKEY", Some("t")));
    assert!(c.expiry().is_some());
    let err = ProcessProvider::new("sh -c 'echo oops >&2; exit 3'")
        .provide()
        .await
        .unwrap_err();
    assert!(err.message().contains("oops"), "{err}");
    let err = ProcessProvider::new(r#"sh -c 'echo "{\"Version\": 2}"'"#)
        .provide()
        .await
        .unwrap_err();
    assert!(err.message().contains("Version must be 1"), "{err}");
}

#[tokio::test]
async fn sso_profile_uses_the_cached_token() {
    let dir = temp_dir("sso");
    let config = dir.join("config");
    std::fs::write(
        &config,
        "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n\
         [sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n",
    )
    .unwrap();
    let cache = dir.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    // sha1("corp")
    let file = cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    let (_server, url, log) = server(Arc::new(|_, path, headers, _| {
        if headers.contains("x-amz-sso_bearer_token: tok") {
            assert_eq!(path, "/federation/credentials?account_id=123456789012&role_name=Dev");
            (200, r#"{"roleCredentials":{"accessKeyId":"SSOKEY","secretAccessKey":"s","sessionToken":"t","expiration":4102444800000}}"#.into())
        } else {
            (401, "{}".into())
        }
    }))
    .await;
    let vars = vec![
        ("HOME", dir.to_str().unwrap().to_string()),
        ("AWS_CONFIG_FILE", config.to_str().unwrap().to_string()),
        ("AWS_PROFILE", "dev".to_string()),
        ("AWS_ENDPOINT_URL_SSO", url),
    ];
    let p = ProfileProvider::new(shared(vars.clone()), transport());
    let err = p.provide().await.unwrap_err();
    assert!(
        err.message().contains("aws sso login --sso-session corp"),
        "{err}"
    );
    std::fs::write(
        &file,
        r#"{"accessToken":"tok","expiresAt":"2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_id(), "SSOKEY");
    assert!(c.expiry().is_some());
    assert_eq!(c.account_id(), Some("123456789012"));
    std::fs::write(
        &file,
        r#"{"accessToken":"tok","expiresAt":"2001-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    assert!(p.provide().await.unwrap_err().message().contains("expired"));
    assert_eq!(log.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn chain_order_and_no_credentials_error() {
    // IMDS answers 404 to the token and role requests: "no role attached".
    let (_server, url, _) = server(Arc::new(|_, _, _, _| (404, String::new()))).await;
    let dir = temp_dir("chain");
    let vars = vec![
        ("HOME", dir.to_str().unwrap().to_string()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.clone()),
    ];
    let chain = DefaultChain::new(&shared(vars.clone()), transport());
    let err = chain.provide().await.unwrap_err();
    let m = err.message();
    for p in [
        "environment:",
        "web identity:",
        "profile:",
        "container:",
        "IMDS:",
    ] {
        assert!(m.contains(p), "{p} missing from {m}");
    }
    assert!(m.find("environment:") < m.find("IMDS:"));
    // Environment keys win over everything after them.
    let mut with_env = vars;
    with_env.push(("AWS_ACCESS_KEY_ID", "ENVKEY".into()));
    with_env.push(("AWS_SECRET_ACCESS_KEY", "s".into()));
    let c = DefaultChain::new(&shared(with_env), transport())
        .provide()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "ENVKEY");
}

#[tokio::test]
async fn credential_process_errors_name_the_program_only() {
    // Arguments may carry secrets (tokens, passwords): errors show the program alone.
    let err = ProcessProvider::new("sh -c 'echo oops >&2; exit 3' --token hunter2")
        .provide()
        .await
        .unwrap_err();
    let m = err.message();
    assert!(m.contains("`sh`") && m.contains("oops"), "{m}");
    assert!(!m.contains("hunter2") && !m.contains("exit 3"), "{m}");
    let err = ProcessProvider::new("/nonexistent/get-creds --password hunter2")
        .provide()
        .await
        .unwrap_err();
    let m = err.message();
    assert!(m.contains("/nonexistent/get-creds"), "{m}");
    assert!(!m.contains("hunter2"), "{m}");
    let err = ProcessProvider::new("get-creds \"--password hunter2")
        .provide()
        .await
        .unwrap_err();
    assert!(!err.message().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn credential_process_is_killed_at_its_timeout() {
    let dir = temp_dir("process-timeout");
    let pidfile = dir.join("pid");
    let p = ProcessProvider::new(format!(
        "sh -c 'echo $$ > {}; exec sleep 30'",
        pidfile.display()
    ))
    .with_timeout(Duration::from_millis(300));
    let start = std::time::Instant::now();
    let err = tokio::time::timeout(Duration::from_secs(10), p.provide())
        .await
        .expect("the process was waited for past its timeout")
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(err.message().contains("0.3s"), "{err}");
    let pid = std::fs::read_to_string(&pidfile).unwrap();
    // Killed and reaped: no such process any more.
    assert!(
        !std::path::Path::new(&format!("/proc/{}", pid.trim())).exists(),
        "process {pid} still there"
    );
    // A grandchild that keeps stdout open after the child exits does not hang it either.
    let p = ProcessProvider::new("sh -c 'sleep 30 & echo started'")
        .with_timeout(Duration::from_millis(300));
    let err = tokio::time::timeout(Duration::from_secs(10), p.provide())
        .await
        .expect("the output was waited for past the timeout")
        .unwrap_err();
    assert!(err.message().contains("0.3s"), "{err}");
}

#[tokio::test]
async fn sso_expiration_out_of_range_is_an_error() {
    let dir = temp_dir("sso-expiry");
    let config = dir.join("config");
    std::fs::write(
        &config,
        "[profile dev]\nsso_account_id = 1\nsso_role_name = Dev\nsso_region = us-east-1\n\
         sso_start_url = https://corp.awsapps.com/start\n",
    )
    .unwrap();
    let cache = dir.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let expiration = Arc::new(Mutex::new(String::new()));
    let e2 = expiration.clone();
    let (_server, url, _) = server(Arc::new(move |_, _, _, _| {
        let e = e2.lock().unwrap().clone();
        (
            200,
            format!(
                r#"{{"roleCredentials":{{"accessKeyId":"SSOKEY","secretAccessKey":"s","sessionToken":"t","expiration":{e}}}}}"#
            ),
        )
    }))
    .await;
    let vars = vec![
        ("HOME", dir.to_str().unwrap().to_string()),
        ("AWS_CONFIG_FILE", config.to_str().unwrap().to_string()),
        ("AWS_PROFILE", "dev".to_string()),
        ("AWS_ENDPOINT_URL_SSO", url),
    ];
    let p = ProfileProvider::new(shared(vars), transport());
    // No token yet: the error names the file the provider looks for (sha1 of the URL).
    let err = p.provide().await.unwrap_err();
    let m = err.message().to_string();
    let start = m.find(".aws/sso/cache/").unwrap() + ".aws/sso/cache/".len();
    let name = &m[start..start + 45];
    std::fs::write(
        cache.join(name),
        r#"{"accessToken":"tok","expiresAt":"2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    *expiration.lock().unwrap() = "4102444800000".into();
    assert!(p.provide().await.unwrap().expiry().is_some());
    // Negative, fractional and past-the-calendar values are errors, not "never expires".
    for bad in ["-1", "1.5", "18446744073709551615", "1e300"] {
        *expiration.lock().unwrap() = bad.into();
        let err = p.provide().await.unwrap_err();
        assert!(err.message().contains("expiration"), "{bad}: {err}");
    }
}
