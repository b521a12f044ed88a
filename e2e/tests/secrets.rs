//! Secrets stay secret: `Debug`/`Display` of credentials, signing parameters, signers,
//! configs, clients, errors and sensitive members never show them; a whole call (with a
//! session token, credentials from the environment provider and a retry) traced at TRACE
//! level never logs the secret key or the token (nor does any other call here); TLS certificates are verified by default,
//! and plain HTTP is used only for an explicit `http://` endpoint.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use awsrt::internal::shared_config::Env;
use awsrt::internal::sigv4::{Signer, SigningParams};
use awsrt::{TestTransport, TransportErrorKind};
use e2e::{encode_body, Reply, ReplyExt, Server, PROTOCOLS, REGION};
use loopback::tls::{unhex, LEAF_DER as TEST_LEAF_DER, LEAF_KEY_PKCS8 as TEST_LEAF_KEY_PKCS8};
use serde_json::json;
use snowball::{Config, Credentials, Protocol, SdkError};
use tokio::io::AsyncReadExt;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const ACCESS_KEY: &str = "AKIDSECRETSTEST0001";
const SECRET: &str = "sEcReT/kEy+wJalrXUtnFEMIK7MDENGbPxRfiCY0001";
const TOKEN: &str = "SeSsIoNtOkEn//IQoJb3JpZ2luX2VjEHIaCXVzLWVhc3QtMSJHMEUCIQ0001";
const EMAIL: &str = "pickup.person@example.org";
const PHONE: &str = "+1 206 555 0100";

/// Every needle that must never be shown.
const SECRETS: [&str; 4] = [SECRET, TOKEN, EMAIL, PHONE];

fn assert_clean(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} shows {s:?}: {text}");
    }
}

// ---------------------------------------------------------------------------------------
// A tiny subscriber that writes every span and event, with all fields, to a buffer.
// ---------------------------------------------------------------------------------------

#[derive(Clone, Default)]
struct Capture {
    out: Arc<Mutex<String>>,
    next_id: Arc<AtomicU64>,
    events: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let _ = write!(self.0, " {}={} ({:?})", field.name(), value, value);
    }
}

impl Capture {
    fn line(&self, meta: &Metadata<'_>, f: impl FnOnce(&mut Fields<'_>)) {
        let mut line = format!("{} {} {}:", meta.level(), meta.target(), meta.name());
        f(&mut Fields(&mut line));
        line.push('\n');
        self.out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_str(&line);
    }

    /// The process-wide capture, installed as the global subscriber before any test here
    /// logs: a thread-local one can miss events whose callsites another test's thread
    /// registered first.
    fn global() -> &'static Capture {
        static CAPTURE: OnceLock<Capture> = OnceLock::new();
        CAPTURE.get_or_init(|| {
            let c = Capture::default();
            tracing::subscriber::set_global_default(c.clone())
                .expect("no other global subscriber in this test binary");
            c
        })
    }

    fn text(&self) -> String {
        self.out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::always()
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.line(span.metadata(), |v| span.record(v));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = String::from("record:");
        values.record(&mut Fields(&mut line));
        line.push('\n');
        self.out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_str(&line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        self.events.fetch_add(1, Ordering::Relaxed);
        self.line(event.metadata(), |v| event.record(v));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

// ---------------------------------------------------------------------------------------
// Debug and Display
// ---------------------------------------------------------------------------------------

fn creds() -> Credentials {
    Credentials::new(ACCESS_KEY, SECRET, Some(TOKEN.to_owned()))
}

#[test]
fn debug_of_credentials_params_signers_configs_and_clients_hides_secrets() {
    let c = creds();
    let shown = format!("{c:?} {c:#?}");
    assert_clean("Credentials", &shown);
    assert!(
        shown.contains(ACCESS_KEY),
        "the key id is not secret: {shown}"
    );
    assert!(shown.contains("redacted"), "{shown}");

    let params = SigningParams {
        access_key_id: ACCESS_KEY,
        secret_access_key: SECRET,
        session_token: Some(TOKEN),
        region: REGION,
        service: "snowball",
        time: SystemTime::now(),
    };
    assert_clean("SigningParams", &format!("{params:?} {params:#?}"));

    // A signer caches the derived signing key after its first use.
    let signer = Signer::default();
    let mut req = http::Request::builder()
        .method("POST")
        .uri("https://snowball.us-east-1.amazonaws.com/")
        .body(bytes::Bytes::from_static(b"{}"))
        .unwrap();
    signer.sign(&mut req, &params).unwrap();
    let shown = format!("{signer:?}");
    assert_clean("Signer", &shown);
    assert!(shown.contains("redacted"), "{shown}");

    let config = Config::new().region(REGION).credentials(creds());
    assert_clean("Config", &format!("{config:?} {config:#?}"));
    let client = snowball::Client::new(config);
    assert_clean("Client", &format!("{client:?}"));
}

#[test]
fn sensitive_members_are_redacted_in_debug() {
    let pickup = snowball::types::PickupDetails::new()
        .name("Pat")
        .email(EMAIL)
        .phone_number(PHONE);
    let shown = format!("{pickup:?} {pickup:#?}");
    assert_clean("PickupDetails", &shown);
    assert!(
        shown.contains("Pat"),
        "non-sensitive members stay visible: {shown}"
    );
}

// ---------------------------------------------------------------------------------------
// Every public type that can hold a secret from the environment or the shared files
// ---------------------------------------------------------------------------------------

const ENV_SECRET: &str = "EnvSecretKey/0002+wJalrXUtnFEMIK7MDENG";
const ENV_TOKEN: &str = "EnvSessionToken//0002IQoJb3JpZ2luX2Vj";
const CONTAINER_TOKEN: &str = "ContainerAuthToken0002xyz";
const CFG_SECRET: &str = "ConfigFileSecretKey/0002+abc";
const CFG_TOKEN: &str = "ConfigFileSessionToken0002def";
const PROC_SECRET: &str = "ProcessArgPassword0002ghi";
const FILE_SECRET: &str = "CredsFileSecretKey/0002+jkl";
const FILE_TOKEN: &str = "CredsFileSessionToken0002mno";
const NESTED_SECRET: &str = "NestedSubPropertySecret0002pqr";

/// Every value planted in the environment and the files.
const PLANTED: [&str; 9] = [
    ENV_SECRET,
    ENV_TOKEN,
    CONTAINER_TOKEN,
    CFG_SECRET,
    CFG_TOKEN,
    PROC_SECRET,
    FILE_SECRET,
    FILE_TOKEN,
    NESTED_SECRET,
];

/// `{:?}` and `{:#?}` of `value` show none of the planted secrets.
fn assert_debug_clean(what: &str, value: &dyn std::fmt::Debug) {
    let shown = format!("{value:?}\n{value:#?}");
    for s in PLANTED {
        assert!(!shown.contains(s), "{what} shows {s:?}: {shown}");
    }
}

#[tokio::test]
async fn debug_of_env_profiles_and_providers_hides_planted_secrets() {
    use awsrt::internal::credentials::{
        profile::resolve_chain, ContainerProvider, CredentialsCache, DefaultChain, EnvProvider,
        ImdsProvider, ProcessProvider, ProfileProvider, SsoProvider, WebIdentityProvider,
    };
    use awsrt::internal::shared_config::SharedConfig;

    let dir = std::env::temp_dir().join(format!("awsrt-debug-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(
        &config,
        format!(
            "[profile dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = {CFG_SECRET}\n\
             aws_session_token = {CFG_TOKEN}\nregion = us-west-2\n\
             [profile proc]\ncredential_process = /bin/get-creds --password {PROC_SECRET}\n\
             [profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = dev\n\
             [services local]\nsnowball =\n  endpoint_url = http://127.0.0.1:1\n  \
             aws_secret_access_key = {NESTED_SECRET}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        &credentials,
        format!(
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = {FILE_SECRET}\n\
             aws_session_token = {FILE_TOKEN}\n"
        ),
    )
    .unwrap();
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", ENV_SECRET),
        ("AWS_SESSION_TOKEN", ENV_TOKEN),
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://127.0.0.1:1/creds",
        ),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN),
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
        ("AWS_REGION", REGION),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    assert_debug_clean("Env", &env);

    let shared = SharedConfig::load(&env, None).unwrap();
    // The values are really there, so a leak would show.
    assert_eq!(
        shared.profile_value("aws_secret_access_key"),
        Some(FILE_SECRET)
    );
    assert_debug_clean("SharedConfig", &shared);
    assert_debug_clean("ProfileSet", shared.files());
    for (name, section) in &shared.files().profiles {
        assert_debug_clean(&format!("profile {name}"), section);
    }
    for (name, section) in &shared.files().services {
        assert_debug_clean(&format!("services {name}"), section);
    }
    let shown = format!("{shared:?}");
    assert!(
        shown.contains("AKIDFILE") && shown.contains("us-west-2"),
        "non-secret settings stay visible: {shown}"
    );
    for name in ["default", "dev", "proc", "role"] {
        let chain = resolve_chain(shared.files(), name).unwrap();
        assert_debug_clean(&format!("ProfileChain {name}"), &chain);
        assert_debug_clean(&format!("BaseProvider {name}"), &chain.base);
    }

    let transport = TestTransport::new();
    let t: Arc<dyn awsrt::Transport> = Arc::new(transport.clone());
    assert_debug_clean("EnvProvider", &EnvProvider::new(env.clone()));
    assert_debug_clean(
        "ProcessProvider",
        &ProcessProvider::new(format!("/bin/get-creds --password {PROC_SECRET}")),
    );
    assert_debug_clean(
        "ProfileProvider",
        &ProfileProvider::new(shared.clone(), t.clone()),
    );
    assert_debug_clean(
        "WebIdentityProvider",
        &WebIdentityProvider::from_env(shared.clone(), t.clone()),
    );
    assert_debug_clean(
        "ContainerProvider",
        &ContainerProvider::new(env.clone(), t.clone()),
    );
    assert_debug_clean(
        "ImdsProvider",
        &ImdsProvider::new(shared.clone(), t.clone()),
    );
    assert_debug_clean(
        "SsoProvider",
        &SsoProvider::new(
            shared.clone(),
            t.clone(),
            Some("s".into()),
            "https://d-123.awsapps.com/start".into(),
            REGION.into(),
            "123456789012".into(),
            "r".into(),
        ),
    );
    assert_debug_clean("DefaultChain", &DefaultChain::new(&shared, t.clone()));
    // A cache that has loaded credentials.
    let cache = CredentialsCache::new(EnvProvider::new(env.clone()));
    assert_eq!(cache.get().await.unwrap().secret_access_key(), ENV_SECRET);
    assert_debug_clean("CredentialsCache", &cache);

    // Configs and clients holding the environment, a provider or the loaded files.
    let cfg =
        awsrt::Config::with_env(env.clone()).credentials_provider(EnvProvider::new(env.clone()));
    assert_debug_clean("Config with an EnvProvider", &cfg);
    let client = awsrt::Client::new(awsrt::Config::with_env(env.clone()));
    let loaded = client
        .shared_config()
        .unwrap()
        .expect("reads the environment");
    assert_debug_clean("Client::shared_config", &loaded);
    assert_debug_clean("Client", &client);

    // A test transport that has recorded a signed request with a session token.
    transport.push_response(200, &[("smithy-protocol", "rpc-v2-cbor")], "");
    let _ = snowball::Client::new(
        Config::with_env(env.clone())
            .transport(transport.clone())
            .max_attempts(1),
    )
    .list_jobs()
    .send()
    .await;
    let sent = transport.requests();
    assert_eq!(
        sent.first()
            .and_then(|r| r.headers().get("x-amz-security-token")),
        Some(&http::HeaderValue::from_static(ENV_TOKEN))
    );
    assert_debug_clean("TestTransport", &transport);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------
// A whole call traced at TRACE level
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_traced_call_never_logs_the_secret_key_or_the_token() {
    let capture = Capture::global();
    for p in PROTOCOLS {
        // A 503 first, so the retry path logs too; then a job with sensitive members.
        let job = json!({"JobMetadata": {"JobId": "JID1", "PickupDetails": {
            "Name": "Pat", "Email": EMAIL, "PhoneNumber": PHONE}}});
        let body = encode_body(p, &job);
        let server = Server::start(move |r| {
            if r.header("amz-sdk-request") == Some("attempt=1; max=3") {
                Reply::new(503).body("try again")
            } else {
                Reply::new(200).protocol_headers(p).body(body.clone())
            }
        })
        .await;
        // Credentials through the environment provider of the default chain.
        let env = Env::from_vars([
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
            ("AWS_SESSION_TOKEN", TOKEN),
            ("AWS_REGION", REGION),
        ]);
        let client = snowball::Client::new(
            Config::with_env(env)
                .endpoint_url(server.url())
                .protocol(p)
                .initial_backoff(Duration::from_millis(1)),
        );
        let out = client.describe_job("JID1").send().await.unwrap();
        let pickup = out
            .job_metadata
            .as_ref()
            .and_then(|m| m.pickup_details.as_ref())
            .expect("pickup details");
        assert_eq!(pickup.email.as_deref(), Some(EMAIL));
        assert_clean("DescribeJobOutput", &format!("{out:?}"));

        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{p:?}");
        // The token did go on the wire (so the test can see it leak, if it did).
        for r in &requests {
            assert_eq!(r.header("x-amz-security-token"), Some(TOKEN));
            e2e::verify_sigv4_with(r, SECRET).unwrap();
        }
        // An error's Debug and Display, with the same client.
        let err = snowball::Client::new(
            Config::with_env(Env::from_vars([
                ("AWS_SECRET_ACCESS_KEY", SECRET),
                ("AWS_SESSION_TOKEN", TOKEN),
            ]))
            .region(REGION)
            .endpoint_url(server.url())
            .protocol(p),
        )
        .describe_job("JID1")
        .send()
        .await
        .unwrap_err();
        assert!(matches!(err, SdkError::Credentials { .. }), "{err:?}");
        assert_clean("SdkError", &format!("{err} {err:?}"));
    }
    let log = capture.text();
    assert!(
        capture.events.load(Ordering::Relaxed) >= 8,
        "the call logged too little to be a test: {log}"
    );
    // The TRACE lines with the signed request were captured, with the key id visible.
    assert!(log.contains("TRACE") && log.contains("signed"), "{log}");
    assert!(log.contains(ACCESS_KEY), "{log}");
    assert!(log.contains("retrying"), "{log}");
    // Observability: a span per operation and per attempt, with status and request id.
    assert!(
        log.contains("DEBUG awsrt::client call:") && log.contains("operation=DescribeJob"),
        "{log}"
    );
    assert!(log.contains("awsrt::retry attempt: attempt=2"), "{log}");
    assert!(log.contains("record: status=200"), "{log}");
    assert_clean("TRACE output", &log);
}

#[tokio::test]
async fn a_traced_call_with_imds_credentials_never_logs_the_tokens() {
    const IMDS_TOKEN: &str = "ImdsTraceToken0004aaa";
    const IMDS_SECRET: &str = "ImdsTraceSecret/0004bbb";
    const IMDS_SESSION: &str = "ImdsTraceSession0004ccc";
    let capture = Capture::global();
    let p = Protocol::AwsJson1_1;
    let server = Server::start(move |r| match (r.method.as_str(), r.path()) {
        ("PUT", "/latest/api/token") => Reply::new(200).body(IMDS_TOKEN),
        ("GET", "/latest/meta-data/iam/security-credentials/") => Reply::new(200).body("role"),
        ("GET", "/latest/meta-data/iam/security-credentials/role") => Reply::new(200).body(
            json!({"Code": "Success", "AccessKeyId": "AKIDIMDS", "SecretAccessKey": IMDS_SECRET,
                   "Token": IMDS_SESSION, "Expiration": "2099-01-01T00:00:00Z"})
            .to_string(),
        ),
        _ => Reply::new(200).protocol_headers(p).body("{}"),
    })
    .await;
    let client = snowball::Client::new(
        Config::with_env(Env::from_vars([
            ("AWS_REGION", REGION.to_string()),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()),
            ("AWS_CONFIG_FILE", "/nonexistent/config".into()),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/credentials".into(),
            ),
        ]))
        .endpoint_url(server.url())
        .protocol(p),
    );
    client.list_jobs().send().await.unwrap();
    let requests = server.requests();
    // The tokens did go on the wire, so a leak into the log would show.
    assert!(
        requests
            .iter()
            .any(|r| r.header("x-aws-ec2-metadata-token") == Some(IMDS_TOKEN)),
        "no IMDSv2 token sent"
    );
    assert!(requests
        .iter()
        .any(|r| r.header("x-amz-security-token") == Some(IMDS_SESSION)));
    let log = capture.text();
    assert!(
        log.contains("AKIDIMDS"),
        "the signed attempt was traced: {log}"
    );
    for s in [IMDS_TOKEN, IMDS_SECRET, IMDS_SESSION] {
        assert!(!log.contains(s), "TRACE output shows {s:?}: {log}");
    }
}

// ---------------------------------------------------------------------------------------
// TLS on by default (the test certificate of loopback::tls); plain HTTP only when asked for
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn certificates_are_verified_by_default() {
    let capture = Capture::global();
    let cert = rustls::pki_types::CertificateDer::from(unhex(TEST_LEAF_DER));
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(unhex(TEST_LEAF_KEY_PKCS8).into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let got_request = Arc::new(Mutex::new(false));
    let flag = Arc::clone(&got_request);
    // Raw mode: a TLS handshake, and any byte after it means a request was sent.
    let server = Server::raw(
        |_| Reply::new(500).into(),
        move |tcp, _| {
            let (acceptor, flag) = (acceptor.clone(), Arc::clone(&flag));
            async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let mut buf = [0u8; 16];
                    if matches!(tls.read(&mut buf).await, Ok(n) if n > 0) {
                        *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
                    }
                }
            }
        },
    )
    .await;
    let addr = server.addr();
    for p in PROTOCOLS {
        let client = snowball::Client::new(
            Config::new()
                .region(REGION)
                .credentials(creds())
                .endpoint_url(format!("https://localhost:{}", addr.port()))
                .protocol(p)
                .max_attempts(1),
        );
        let err = client.describe_job("JID1").send().await.unwrap_err();
        match &err {
            SdkError::Transport { source, .. } => {
                assert_eq!(source.kind(), TransportErrorKind::Tls, "{err}")
            }
            other => panic!("expected a TLS error, got {other:?}"),
        }
        assert_clean("TLS error", &format!("{err} {err:?}"));
    }
    assert!(
        !*got_request.lock().unwrap_or_else(PoisonError::into_inner),
        "a request was sent over an unverified connection"
    );
    drop(server);
    assert_clean("TRACE output", &capture.text());
}

#[tokio::test]
async fn only_an_explicit_http_endpoint_is_plain_http() {
    let capture = Capture::global();
    // Resolved endpoints are https.
    for p in PROTOCOLS {
        let transport = TestTransport::new();
        transport.push_response(500, &[], "");
        let client = snowball::Client::new(
            Config::new()
                .region(REGION)
                .credentials(creds())
                .protocol(p)
                .max_attempts(1)
                .transport(transport.clone()),
        );
        let _ = client.list_jobs().send().await;
        let sent = transport.requests();
        assert_eq!(sent.len(), 1);
        assert_eq!(
            sent[0].uri().scheme_str(),
            Some("https"),
            "{}",
            sent[0].uri()
        );
        assert_eq!(
            sent[0].uri().host(),
            Some("snowball.us-east-1.amazonaws.com")
        );
    }
    // An explicit http:// endpoint is honoured as written.
    let server = Server::start(|_| {
        Reply::new(200)
            .protocol_headers(Protocol::AwsJson1_1)
            .body("{}")
    })
    .await;
    let client = snowball::Client::new(e2e::config(server.addr(), Protocol::AwsJson1_1));
    client.list_jobs().send().await.unwrap();
    assert_eq!(server.requests().len(), 1);
    assert_clean("TRACE output", &capture.text());
}

// ---------------------------------------------------------------------------------------
// Proxy credentials
// ---------------------------------------------------------------------------------------

const PROXY_PASSWORD: &str = "ProxyPassword0004qrs";
/// `base64("proxyuser:ProxyPassword0004qrs")`, what goes on the wire.
const PROXY_BASIC: &str = "cHJveHl1c2VyOlByb3h5UGFzc3dvcmQwMDA0cXJz";

fn assert_no_proxy_password(what: &str, text: &str) {
    for s in [PROXY_PASSWORD, PROXY_BASIC] {
        assert!(!text.contains(s), "{what} shows {s:?}: {text}");
    }
}

#[tokio::test]
async fn the_proxy_password_never_shows_in_debug_errors_or_traces() {
    let capture = Capture::global();
    // The proxy accepts the credentials for plain HTTP and refuses every CONNECT, so
    // both a success and a proxy error go through the logs.
    let proxy = Server::start(|r| {
        if r.method == "CONNECT" {
            Reply::new(407).header("proxy-authenticate", "Basic realm=\"p\"")
        } else {
            Reply::new(200)
                .header("content-type", "application/x-amz-json-1.1")
                .body("{}")
        }
    })
    .await;
    let url = format!(
        "http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:{}",
        proxy.port()
    );
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_REGION", REGION),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ("HTTP_PROXY", url.as_str()),
        ("HTTPS_PROXY", url.as_str()),
    ]);
    let client = |endpoint: String| {
        snowball::Client::new(
            Config::with_env(env.clone())
                .endpoint_url(endpoint)
                .protocol(Protocol::AwsJson1_1)
                .max_attempts(1),
        )
    };
    let plain = client(format!("http://{}", e2e::closed_port()));
    plain.list_jobs().send().await.unwrap();
    assert_eq!(
        proxy.requests()[0].header("proxy-authorization"),
        Some(&*format!("Basic {PROXY_BASIC}")),
        "the credentials did go on the wire, so a leak would show"
    );
    let tls = client("https://localhost:1".to_string());
    let err = tls.list_jobs().send().await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("407"), "{text}");
    assert_no_proxy_password("SdkError", &text);
    assert_no_proxy_password("Client", &format!("{plain:?} {tls:?}"));
    let shared = awsrt::internal::shared_config::SharedConfig::load(&env, None).unwrap();
    let transport = awsrt::internal::http::HttpTransport::configured(
        Duration::from_secs(1),
        None,
        Some(&shared),
    )
    .unwrap();
    let shown = format!("{transport:?}");
    assert!(shown.contains("with credentials"), "{shown}");
    assert_no_proxy_password("HttpTransport", &shown);
    assert_no_proxy_password("TRACE output", &capture.text());
}
