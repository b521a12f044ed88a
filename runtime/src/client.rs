//! The client handle shared by every generated service client: configuration, transport
//! and the per-call pipeline (serialize, sign, send, decode).

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::codec::json::Value as JsonValue;
use crate::credentials::{Credentials, CredentialsCache, DefaultChain, ProvideCredentials};
use crate::endpoint::{Partitions, RuleSet};
use crate::error::SdkError;
use crate::http::{HttpTransport, Transport};
use crate::operation::{EndpointParam, Operation, ServiceMeta};
use crate::protocol::Protocol;
use crate::shared_config::{Env, RetryMode, SharedConfig};
use crate::sigv4::{Signer, SigningParams};
use crate::wire;

/// Client settings. Start from [`Config::from_env`] or [`Config::new`] and override.
#[derive(Clone, Default)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) protocol: Option<Protocol>,
    pub(crate) transport: Option<Arc<dyn Transport>>,
    /// Where the environment and shared files are read from; `None`: nothing is read.
    pub(crate) env: Option<Env>,
    pub(crate) profile: Option<String>,
    pub(crate) credentials_provider: Option<Arc<dyn ProvideCredentials>>,
    pub(crate) use_fips: Option<bool>,
    pub(crate) use_dualstack: Option<bool>,
    pub(crate) ignore_configured_endpoint_urls: Option<bool>,
    /// Send requests unsigned, without looking for credentials (`--no-sign-request`).
    pub(crate) anonymous: bool,
    /// A PEM file of root certificates used instead of Mozilla's.
    pub(crate) ca_bundle: Option<PathBuf>,
    /// Retry and timeout settings.
    pub(crate) retry: crate::retry::RetrySettings,
    /// `disable_request_compression`.
    pub(crate) disable_request_compression: Option<bool>,
    /// `account_id_endpoint_mode`, as given.
    pub(crate) account_id_endpoint_mode: Option<String>,
    /// `request_min_compression_size_bytes`.
    pub(crate) request_min_compression_size_bytes: Option<u32>,
}

impl Config {
    /// Empty settings: region, credentials and endpoint must be given explicitly;
    /// neither the environment nor the shared files are read.
    pub fn new() -> Self {
        Config::default()
    }

    /// Settings like every AWS SDK: region, endpoint, FIPS/dual-stack and credentials
    /// from the environment and the shared config and credentials files (see the
    /// README's configuration section). Nothing is read here: the files are loaded on
    /// the first call, and problems surface as that call's error. Explicit settings
    /// made on the returned value win.
    pub fn from_env() -> Self {
        Config::with_env(Env::process())
    }

    /// Like [`Config::from_env`], but reading exactly the variables of `env` (and the
    /// files they point at) instead of the process environment.
    pub fn with_env(env: Env) -> Self {
        Config {
            env: Some(env),
            ..Config::default()
        }
    }

    /// The profile to use instead of `AWS_PROFILE` / `default` (with
    /// [`Config::from_env`] or [`Config::with_env`]).
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// A credentials provider (cached and refreshed before expiry); explicit
    /// [`Config::credentials`] win over it, and it wins over the default chain.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials) -> Self {
        self.credentials_provider = Some(Arc::new(provider));
        self
    }

    /// Use FIPS endpoints (overrides `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint`).
    pub fn use_fips(mut self, on: bool) -> Self {
        self.use_fips = Some(on);
        self
    }

    /// Use dual-stack endpoints (overrides `AWS_USE_DUALSTACK_ENDPOINT` /
    /// `use_dualstack_endpoint`).
    pub fn use_dualstack(mut self, on: bool) -> Self {
        self.use_dualstack = Some(on);
        self
    }

    /// Ignore endpoint URLs from the environment and the shared config file
    /// (`AWS_ENDPOINT_URL*`, `endpoint_url`, `[services]`); [`Config::endpoint_url`]
    /// still applies.
    pub fn ignore_configured_endpoint_urls(mut self, on: bool) -> Self {
        self.ignore_configured_endpoint_urls = Some(on);
        self
    }

    /// Send requests unsigned and never look for credentials, like botocore's
    /// `signature_version=UNSIGNED` (the AWS CLI's `--no-sign-request`).
    pub fn anonymous(mut self, on: bool) -> Self {
        self.anonymous = on;
        self
    }

    /// The AWS region, e.g. `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An explicit endpoint URL (`https://...`, or `http://...` for local servers).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// The credentials to sign with.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The wire protocol; defaults to the first one the service model lists that the
    /// runtime speaks.
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// Trust the root certificates of this PEM file instead of Mozilla's (a corporate
    /// TLS-inspecting proxy, a private endpoint), like botocore's `verify=<path>`.
    /// Overrides `AWS_CA_BUNDLE` and the profile's `ca_bundle`. The file is read on the
    /// first call; a missing or unparsable file fails that call, naming the file. It
    /// applies to the default transport only, not to a custom [`Config::transport`].
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(path.into());
        self
    }

    /// Whether endpoints may be chosen by the credentials' account id (services whose
    /// rules route by account, such as DynamoDB): `preferred` (the default), `disabled`
    /// or `required` (fail when the credentials carry no account id). Overrides
    /// `AWS_ACCOUNT_ID_ENDPOINT_MODE` / `account_id_endpoint_mode`; checked on the first
    /// call.
    pub fn account_id_endpoint_mode(mut self, mode: impl Into<String>) -> Self {
        self.account_id_endpoint_mode = Some(mode.into());
        self
    }

    /// Never compress request bodies, even of operations the model marks
    /// `requestcompression` (overrides `AWS_DISABLE_REQUEST_COMPRESSION` /
    /// `disable_request_compression`).
    pub fn disable_request_compression(mut self, on: bool) -> Self {
        self.disable_request_compression = Some(on);
        self
    }

    /// The smallest body, in bytes, that an operation the model marks
    /// `requestcompression` sends gzipped (default 10240; 1 to 1048576, checked on the
    /// first call). Overrides `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES` /
    /// `request_min_compression_size_bytes`.
    pub fn request_min_compression_size_bytes(mut self, bytes: u32) -> Self {
        self.request_min_compression_size_bytes = Some(bytes);
        self
    }

    /// A custom HTTP transport (a mock in tests, or your own client). It replaces the
    /// default one with everything it reads: proxies and CA bundles are then its job.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }
}

/// Retry and timeout settings. Explicit settings win over `AWS_RETRY_MODE`,
/// `AWS_MAX_ATTEMPTS` and the profile's `retry_mode` / `max_attempts`.
impl Config {
    /// The retry strategy (default: [`RetryMode::Standard`]).
    pub fn retry_mode(mut self, mode: RetryMode) -> Self {
        self.retry.mode = Some(mode);
        self
    }

    /// How many attempts a call may make, the first included (default 3; 5 in legacy
    /// mode); 1 disables retries. 0 counts as 1.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = Some(attempts);
        self
    }

    /// The backoff base: the delay before retry `n` is `rand[0,1) × min(base × 2^(n−1),
    /// 20 s)` (default 1 s). Tests use a small one.
    pub fn initial_backoff(mut self, base: Duration) -> Self {
        self.retry.initial_backoff = Some(base);
        self
    }

    /// The limit on opening a connection (DNS, TCP, TLS) with the default transport
    /// (default 3.1 s); a custom [`Config::transport`] applies its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.retry.connect_timeout = Some(timeout);
        self
    }

    /// The limit on one attempt: connecting, sending and reading the whole response
    /// (default 60 s). An attempt that runs out is retried like a connection error.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.retry.attempt_timeout = Some(timeout);
        self
    }

    /// The limit on a whole call: every attempt and the backoff between them (default
    /// 300 s).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.retry.operation_timeout = Some(timeout);
        self
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("credentials", &self.credentials)
            .field("protocol", &self.protocol)
            .field("transport", &self.transport.as_ref().map(|_| "custom"))
            .field("reads_environment", &self.env.is_some())
            .field("profile", &self.profile)
            .field("credentials_provider", &self.credentials_provider)
            .field("use_fips", &self.use_fips)
            .field("use_dualstack", &self.use_dualstack)
            .field("anonymous", &self.anonymous)
            .field("ca_bundle", &self.ca_bundle)
            .field("retry", &self.retry)
            .field("account_id_endpoint_mode", &self.account_id_endpoint_mode)
            .field(
                "disable_request_compression",
                &self.disable_request_compression,
            )
            .field(
                "request_min_compression_size_bytes",
                &self.request_min_compression_size_bytes,
            )
            .finish()
    }
}

/// A cheap-to-clone handle on a configured client; generated clients wrap it.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    /// The configured transport, or the default one built on first use: its proxies and
    /// CA bundle come from the shared config, which is loaded then too.
    transport: OnceLock<Result<Arc<dyn Transport>, String>>,
    signer: Signer,
    /// The shared config, loaded on first use when the config reads the environment.
    shared: OnceLock<Result<Option<SharedConfig>, String>>,
    /// The credentials cache over the configured provider or the default chain.
    credentials: OnceLock<Option<Arc<CredentialsCache>>>,
    /// The service's endpoint rule set, parsed on first use.
    rules: OnceLock<(&'static str, Result<RuleSet, String>)>,
    /// The resolved endpoint, on first use: its inputs (settings and shared config) are
    /// fixed for the client's life, so calls skip the rule engine.
    endpoint: OnceLock<CachedEndpoint>,
    /// The settings the endpoint rules read, on first use.
    endpoint_inputs: OnceLock<(&'static str, Result<Arc<EndpointInputs>, String>)>,
    /// Retry quota, adaptive rate limiter and clock offset, shared by all calls.
    retry: crate::retry::RetryState,
    /// The last discovered endpoint: the service it is for, its URI and until when it
    /// may be used (the `CachePeriodInMinutes` the service gave).
    discovered: std::sync::Mutex<Option<(&'static str, http::Uri, std::time::Instant)>>,
    /// The request compression settings, resolved on the first call that compresses:
    /// like the endpoint inputs, they are fixed for the client's life.
    compression: OnceLock<Result<crate::compress::Settings, String>>,
    /// The last endpoint resolved from an operation's own parameters, with what it was
    /// resolved from: calls on one table or stream repeat the same parameters, so they
    /// skip the rule engine as botocore's cached resolver does.
    last_param_endpoint: std::sync::Mutex<Option<(ParamEndpointKey, Arc<Resolved>)>>,
}

/// The service, the credentials' account id and an operation's endpoint parameters.
type ParamEndpointKey = (
    &'static str,
    Option<String>,
    Vec<(&'static str, EndpointParam)>,
);

/// A resolved endpoint with the service and the credentials' account id it was
/// resolved for.
type CachedEndpoint = (&'static str, Option<String>, Result<Arc<Resolved>, String>);

/// What the endpoint rules read from the settings.
struct EndpointInputs {
    region: Option<String>,
    configured: Option<String>,
    fips: bool,
    dualstack: bool,
    /// `preferred` (the default), `disabled` or `required`.
    account_id_endpoint_mode: &'static str,
}

/// botocore's check of `account_id_endpoint_mode`: one of three values, any case.
fn account_id_endpoint_mode(value: &str, source: &str) -> Result<&'static str, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "preferred" => Ok("preferred"),
        "disabled" => Ok("disabled"),
        "required" => Ok("required"),
        _ => Err(format!(
            "the value {value:?} of {source} is invalid: expected preferred, disabled or required"
        )),
    }
}

/// What a call is sent to and signed for.
struct Resolved {
    uri: http::Uri,
    headers: Vec<(String, String)>,
    signing_region: String,
    signing_name: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl Client {
    /// A client with these settings; connections are opened on first use.
    pub fn new(config: Config) -> Self {
        let transport = OnceLock::new();
        if let Some(t) = &config.transport {
            let _ = transport.set(Ok(t.clone()));
        }
        Client {
            inner: Arc::new(Inner {
                config,
                transport,
                signer: Signer::default(),
                shared: OnceLock::new(),
                credentials: OnceLock::new(),
                rules: OnceLock::new(),
                endpoint: OnceLock::new(),
                endpoint_inputs: OnceLock::new(),
                retry: crate::retry::RetryState::default(),
                discovered: std::sync::Mutex::new(None),
                compression: OnceLock::new(),
                last_param_endpoint: std::sync::Mutex::new(None),
            }),
        }
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The protocol for `svc`: the configured one if the service offers it, else the
    /// first one the model lists that the runtime speaks.
    fn protocol(&self, svc: &ServiceMeta) -> Result<Protocol, String> {
        let speaks = |p: &Protocol| {
            matches!(
                p,
                Protocol::RpcV2Cbor
                    | Protocol::AwsJson1_0
                    | Protocol::AwsJson1_1
                    | Protocol::AwsQuery
            )
        };
        match self.inner.config.protocol {
            Some(p) if svc.protocols.contains(&p) && speaks(&p) => Ok(p),
            // Both JSON versions name the same choice; use the version the model declares.
            Some(Protocol::AwsJson1_0 | Protocol::AwsJson1_1) => svc
                .protocols
                .iter()
                .copied()
                .find(|p| matches!(p, Protocol::AwsJson1_0 | Protocol::AwsJson1_1))
                .ok_or_else(|| format!("{} does not offer the JSON protocol", svc.service_id)),
            Some(p) => Err(format!(
                "{} does not offer the {} protocol here",
                svc.service_id,
                p.name()
            )),
            None => svc
                .protocols
                .iter()
                .copied()
                .find(speaks)
                .ok_or_else(|| format!("no protocol of {} is supported yet", svc.service_id)),
        }
    }

    /// The shared config (environment and files), when the config reads them.
    // Hidden: for the command-line clients (output format, profile settings), not a
    // user contract.
    #[doc(hidden)]
    pub fn shared_config(&self) -> Result<Option<&SharedConfig>, String> {
        let cfg = &self.inner.config;
        self.inner
            .shared
            .get_or_init(|| match &cfg.env {
                None => Ok(None),
                Some(env) => SharedConfig::load(env, cfg.profile.as_deref())
                    .map(Some)
                    .map_err(|e| format!("shared config: {e}")),
            })
            .as_ref()
            .map(Option::as_ref)
            .map_err(Clone::clone)
    }

    /// The region: [`Config::region`], else `AWS_REGION`, `AWS_DEFAULT_REGION`, the
    /// profile's `region`; checked to be a host label before any URL is built from it.
    fn region(&self, shared: Option<&SharedConfig>) -> Result<Option<String>, String> {
        match (&self.inner.config.region, shared) {
            (Some(r), _) => {
                crate::endpoint::validate_region(r, "Config::region").map_err(|e| e.to_string())?;
                Ok(Some(r.clone()))
            }
            (None, Some(s)) => s.region(),
            (None, None) => Ok(None),
        }
    }

    fn rule_set(&self, svc: &ServiceMeta) -> Result<Option<std::borrow::Cow<'_, RuleSet>>, String> {
        if svc.endpoint_rule_set.is_empty() {
            return Ok(None);
        }
        let parse = || RuleSet::parse(svc.endpoint_rule_set);
        let (id, rules) = self.inner.rules.get_or_init(|| (svc.service_id, parse()));
        if *id == svc.service_id {
            match rules {
                Ok(r) => Ok(Some(std::borrow::Cow::Borrowed(r))),
                Err(e) => Err(e.clone()),
            }
        } else {
            parse().map(|r| Some(std::borrow::Cow::Owned(r)))
        }
    }

    /// The settings the endpoint rules read, checked once per client (again only for
    /// another service): a missing region fails here, before credentials are looked for.
    fn endpoint_inputs(
        &self,
        svc: &ServiceMeta,
        shared: Option<&SharedConfig>,
    ) -> Result<Arc<EndpointInputs>, String> {
        let load = || self.load_endpoint_inputs(svc, shared).map(Arc::new);
        let (id, cached) = self
            .inner
            .endpoint_inputs
            .get_or_init(|| (svc.service_id, load()));
        if *id == svc.service_id {
            cached.clone()
        } else {
            load()
        }
    }

    fn load_endpoint_inputs(
        &self,
        svc: &ServiceMeta,
        shared: Option<&SharedConfig>,
    ) -> Result<EndpointInputs, String> {
        let cfg = &self.inner.config;
        let region = self.region(shared)?;
        let ignore = match (cfg.ignore_configured_endpoint_urls, shared) {
            (Some(v), _) => v,
            (None, Some(s)) => s.ignore_configured_endpoint_urls()?,
            (None, None) => false,
        };
        let configured = match (&cfg.endpoint_url, shared) {
            (Some(url), _) => Some(url.clone()),
            (None, Some(s)) if !ignore => s.configured_endpoint_url(svc.service_id)?,
            _ => None,
        };
        let flag = |explicit: Option<bool>,
                    from: fn(&SharedConfig) -> Result<Option<bool>, String>| {
            match (explicit, shared) {
                (Some(v), _) => Ok(v),
                (None, Some(s)) => from(s).map(|v| v.unwrap_or(false)),
                (None, None) => Ok(false),
            }
        };
        let fips = flag(cfg.use_fips, SharedConfig::use_fips)?;
        let dualstack = flag(cfg.use_dualstack, SharedConfig::use_dualstack)?;
        let account_id_endpoint_mode = match (&cfg.account_id_endpoint_mode, shared) {
            (Some(m), _) => account_id_endpoint_mode(m, "Config::account_id_endpoint_mode")?,
            (None, Some(s)) => match s.account_id_endpoint_mode() {
                Some((m, source)) => account_id_endpoint_mode(&m, &source)?,
                None => "preferred",
            },
            (None, None) => "preferred",
        };
        if region.is_none() && configured.is_none() {
            return Err(self.no_region());
        }
        Ok(EndpointInputs {
            region,
            configured,
            fips,
            dualstack,
            account_id_endpoint_mode,
        })
    }

    fn no_region(&self) -> String {
        if self.inner.config.env.is_some() {
            "no region: set Config::region, AWS_REGION, AWS_DEFAULT_REGION or `region` in the profile".to_string()
        } else {
            "no region: set Config::region (or use Config::from_env to read AWS_REGION and the profile)".to_string()
        }
    }

    /// [`Client::endpoint`] without operation parameters, computed once per client and
    /// credentials' account id (again for another service or account).
    fn resolved(
        &self,
        svc: &ServiceMeta,
        inputs: &EndpointInputs,
        account_id: Option<&str>,
    ) -> Result<Arc<Resolved>, String> {
        let resolve = || self.endpoint(svc, inputs, &[], account_id).map(Arc::new);
        let (id, account, cached) = self
            .inner
            .endpoint
            .get_or_init(|| (svc.service_id, account_id.map(str::to_string), resolve()));
        if *id == svc.service_id && account.as_deref() == account_id {
            cached.clone()
        } else {
            resolve()
        }
    }

    /// The endpoint and signing scope: the configured endpoint URL (explicit, then the
    /// environment and profile) feeds the service's endpoint rules with the region, the
    /// FIPS and dual-stack flags and the account id built-ins; `authSchemes` may
    /// override the signing name and region. `context` holds the operation's own
    /// parameters (botocore's context parameters), which win over the built-ins.
    fn endpoint(
        &self,
        svc: &ServiceMeta,
        inputs: &EndpointInputs,
        context: &[(&str, EndpointParam)],
        account_id: Option<&str>,
    ) -> Result<Resolved, String> {
        let EndpointInputs {
            region,
            configured,
            fips,
            dualstack,
            account_id_endpoint_mode,
        } = inputs;
        let (url, headers, auth) =
            match self.rule_set(svc)? {
                Some(rules) => {
                    let mut params = std::collections::BTreeMap::new();
                    for p in rules.parameters() {
                        // botocore `_resolve_param_from_context`: the first of the
                        // operation's values for the name, else the built-in.
                        let from_operation = context.iter().find(|(name, _)| *name == p.name).map(
                            |(_, v)| match v {
                                EndpointParam::String(s) => JsonValue::String(s.clone()),
                                EndpointParam::Bool(b) => JsonValue::Bool(*b),
                                EndpointParam::StringArray(items) => JsonValue::Array(
                                    items.iter().cloned().map(JsonValue::String).collect(),
                                ),
                            },
                        );
                        if let Some(v) = from_operation {
                            params.insert(p.name.clone(), v);
                            continue;
                        }
                        let v = match p.built_in.as_deref() {
                            Some("AWS::Region") => region.clone().map(JsonValue::String),
                            Some("AWS::UseFIPS") => Some(JsonValue::Bool(*fips)),
                            Some("AWS::UseDualStack") => Some(JsonValue::Bool(*dualstack)),
                            Some("SDK::Endpoint") => configured.clone().map(JsonValue::String),
                            Some("AWS::Auth::AccountId") => {
                                account_id.map(|a| JsonValue::String(a.to_string()))
                            }
                            Some("AWS::Auth::AccountIdEndpointMode") => {
                                Some(JsonValue::String(account_id_endpoint_mode.to_string()))
                            }
                            _ => None,
                        };
                        if let Some(v) = v {
                            params.insert(p.name.clone(), v);
                        }
                    }
                    let ep = rules
                        .resolve(&params, Partitions::embedded())
                        .map_err(|e| format!("endpoint resolution failed: {e}"))?;
                    let auth = (
                        ep.signing_region().map(str::to_string),
                        ep.signing_name().map(str::to_string),
                    );
                    let headers = ep
                        .headers
                        .iter()
                        .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
                        .collect();
                    (ep.url, headers, auth)
                }
                // Services without a rule set: `https://{endpointPrefix}.{region}.{dnsSuffix}`.
                None => {
                    let url = match (configured, region) {
                        (Some(url), _) => url.clone(),
                        (None, Some(r)) => format!(
                            "https://{}.{r}.{}",
                            svc.endpoint_prefix,
                            Partitions::embedded().dns_suffix(r)
                        ),
                        (None, None) => return Err(self.no_region()),
                    };
                    (url, Vec::new(), (None, None))
                }
            };
        let uri: http::Uri = url
            .parse()
            .map_err(|e| format!("invalid endpoint URL {url:?}: {e}"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.authority().is_none() {
            return Err(format!(
                "invalid endpoint URL {url:?}: expected http:// or https:// with a host"
            ));
        }
        let signing_region = match (auth.0, region) {
            (Some(r), _) => r,
            (None, Some(r)) => r.clone(),
            (None, None) => return Err(format!("{} (needed to sign)", self.no_region())),
        };
        Ok(Resolved {
            uri,
            headers,
            signing_region,
            signing_name: auth.1.unwrap_or_else(|| svc.signing_name.to_string()),
        })
    }

    /// The transport: the configured one, else the default [`HttpTransport`] with the
    /// proxies and CA bundle of the settings (built once; a bad bundle fails each call).
    fn transport(&self, shared: Option<&SharedConfig>) -> Result<Arc<dyn Transport>, String> {
        let cfg = &self.inner.config;
        self.inner
            .transport
            .get_or_init(|| {
                HttpTransport::configured(
                    cfg.retry.connect_timeout(),
                    cfg.ca_bundle.as_deref().map(|p| (p, "Config::ca_bundle")),
                    shared,
                )
                .map(|t| Arc::new(t) as Arc<dyn Transport>)
            })
            .clone()
    }

    /// Credentials: [`Config::credentials`], else the configured provider, else (with
    /// [`Config::from_env`]) the default chain; providers are cached.
    async fn credentials(
        &self,
        shared: Option<&SharedConfig>,
        transport: &Arc<dyn Transport>,
    ) -> Result<Credentials, String> {
        let cfg = &self.inner.config;
        if let Some(c) = &cfg.credentials {
            return Ok(c.clone());
        }
        let cache = self.inner.credentials.get_or_init(|| {
            if let Some(p) = &cfg.credentials_provider {
                return Some(Arc::new(CredentialsCache::from_arc(p.clone())));
            }
            shared.map(|s| {
                Arc::new(CredentialsCache::new(DefaultChain::new(
                    s,
                    transport.clone(),
                )))
            })
        });
        match cache {
            Some(c) => c.get().await.map_err(|e| e.to_string()),
            None => Err("no credentials: set Config::credentials or Config::credentials_provider, or use Config::from_env for the default provider chain".into()),
        }
    }

    /// Sends one operation and decodes its response.
    // Hidden: generated clients call it; users call the generated methods.
    #[doc(hidden)]
    pub async fn call<O: Operation>(&self, input: &O) -> Result<O::Output, SdkError<O::Error>> {
        use tracing::Instrument;
        let span =
            tracing::debug_span!("call", service = O::SERVICE.service_id, operation = O::NAME);
        self.call_once(input).instrument(span).await
    }

    async fn call_once<O: Operation>(&self, input: &O) -> Result<O::Output, SdkError<O::Error>> {
        let svc = O::SERVICE;
        let invalid = |message: String| SdkError::InvalidInput {
            operation: O::NAME,
            message,
        };
        if let Some(why) = O::UNSUPPORTED {
            return Err(invalid(format!("{} is not supported: {why}", O::NAME)));
        }
        // botocore registers discovery only without an explicit endpoint URL; with one,
        // the call goes there as any other.
        let discover = O::ENDPOINT_DISCOVERY_REQUIRED && self.inner.config.endpoint_url.is_none();
        if discover && O::discover_endpoints(self).is_none() {
            return Err(invalid(format!(
                "{} requires endpoint discovery, and the service's discovery operation is not one this runtime can call: set Config::endpoint_url to the endpoint to call",
                O::NAME
            )));
        }
        // The operation timeout covers the wait for credentials too: a provider that
        // hangs must not hang the call.
        let started = tokio::time::Instant::now();
        let protocol = self.protocol(svc).map_err(invalid)?;
        let shared = self.shared_config().map_err(invalid)?;
        // Settings first: a missing region fails before credentials are looked for.
        let inputs = self.endpoint_inputs(svc, shared).map_err(invalid)?;
        let transport = self.transport(shared).map_err(invalid)?;
        let mut policy = self.retry_policy(shared).map_err(invalid)?;
        // Anonymous calls and `noAuth` operations never look for credentials (botocore's
        // UNSIGNED). The wait for credentials counts against the operation timeout.
        let creds = if self.inner.config.anonymous || O::NO_AUTH {
            None
        } else {
            Some(
                tokio::time::timeout(
                    policy.operation_timeout,
                    self.credentials(shared, &transport),
                )
                .await
                .map_err(|_| SdkError::Timeout {
                    operation: O::NAME,
                    which: crate::retry::OPERATION,
                    attempts: 0,
                })?
                .map_err(|message| SdkError::Credentials {
                    operation: O::NAME,
                    message,
                })?,
            )
        };
        policy.operation_timeout = policy.operation_timeout.saturating_sub(started.elapsed());
        // After the credentials: their account id is the `AWS::Auth::AccountId` built-in.
        // An operation with context parameters resolves its own endpoint on each call;
        // the others share the client's.
        let account_id = creds.as_ref().and_then(Credentials::account_id);
        let resolved = if O::HAS_ENDPOINT_PARAMS {
            self.resolved_with(svc, &inputs, input.endpoint_params(), account_id)
                .map_err(invalid)?
        } else {
            self.resolved(svc, &inputs, account_id).map_err(invalid)?
        };
        let discovered = if discover {
            Some(self.discovered_endpoint::<O>().await?)
        } else {
            None
        };
        let invocation_id = crate::uuid_v4();
        let uri = discovered.as_ref().unwrap_or(&resolved.uri);
        let mut request =
            wire::build_request(protocol, uri, input, &invocation_id).map_err(invalid)?;
        for (name, value) in &resolved.headers {
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| invalid(format!("endpoint header {name:?}: {e}")))?;
            let value = http::HeaderValue::from_str(value)
                .map_err(|e| invalid(format!("endpoint header {name}: {e}")))?;
            request.headers_mut().append(name, value);
        }
        // Compressed before signing: the signature covers the bytes sent (botocore).
        if !O::REQUEST_COMPRESSION.is_empty() {
            let settings = self.compression(shared).map_err(invalid)?;
            crate::compress::maybe_compress(&mut request, O::REQUEST_COMPRESSION, settings)
                .map_err(invalid)?;
        }
        let params = creds.as_ref().map(|creds| SigningParams {
            access_key_id: creds.access_key_id(),
            secret_access_key: creds.secret_access_key(),
            session_token: creds.session_token(),
            region: &resolved.signing_region,
            service: &resolved.signing_name,
            time: std::time::SystemTime::now(),
        });
        let call = crate::retry::Call {
            transport: &*transport,
            signer: &self.inner.signer,
            state: &self.inner.retry,
            policy,
            protocol,
        };
        crate::retry::send::<O>(call, request, params).await
    }

    /// The endpoint of an operation with its own rule parameters: the last one resolved
    /// when the service, account id and parameters are the same, else resolved now.
    fn resolved_with(
        &self,
        svc: &ServiceMeta,
        inputs: &EndpointInputs,
        context: Vec<(&'static str, EndpointParam)>,
        account_id: Option<&str>,
    ) -> Result<Arc<Resolved>, String> {
        let key = (svc.service_id, account_id.map(str::to_owned), context);
        let mut last = self
            .inner
            .last_param_endpoint
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((k, resolved)) = &*last {
            if *k == key {
                return Ok(resolved.clone());
            }
        }
        let resolved = Arc::new(self.endpoint(svc, inputs, &key.2, account_id)?);
        *last = Some((key, resolved.clone()));
        Ok(resolved)
    }

    /// Request compression settings: explicit ones, else the environment and profile,
    /// else botocore's defaults (on, from 10240 bytes).
    fn compression(
        &self,
        shared: Option<&SharedConfig>,
    ) -> Result<crate::compress::Settings, String> {
        self.inner
            .compression
            .get_or_init(|| self.load_compression(shared))
            .clone()
    }

    fn load_compression(
        &self,
        shared: Option<&SharedConfig>,
    ) -> Result<crate::compress::Settings, String> {
        let cfg = &self.inner.config;
        let disabled = match (cfg.disable_request_compression, shared) {
            (Some(v), _) => v,
            (None, Some(s)) => s.disable_request_compression()?.unwrap_or(false),
            (None, None) => false,
        };
        let min_size = match (cfg.request_min_compression_size_bytes, shared) {
            (Some(v), _) => {
                crate::compress::check_min_size(v, "Config::request_min_compression_size_bytes")?
            }
            (None, Some(s)) => s
                .request_min_compression_size_bytes()?
                .unwrap_or(crate::compress::DEFAULT_MIN_SIZE),
            (None, None) => crate::compress::DEFAULT_MIN_SIZE,
        };
        Ok(crate::compress::Settings { disabled, min_size })
    }

    /// The endpoint for an operation that requires discovery (botocore's
    /// `EndpointDiscoveryManager`): the cached one while its cache period lasts, else the
    /// first the discovery operation names; when discovery fails, a stale one if any.
    async fn discovered_endpoint<O: Operation>(&self) -> Result<http::Uri, SdkError<O::Error>> {
        let svc = O::SERVICE.service_id;
        let now = std::time::Instant::now();
        let cached = self.discovery_cache().clone();
        if let Some((id, uri, until)) = &cached {
            if *id == svc && now < *until {
                return Ok(uri.clone());
            }
        }
        let failed = |message: String| SdkError::InvalidInput {
            operation: O::NAME,
            message: format!("endpoint discovery for {} failed: {message}", O::NAME),
        };
        let found = match O::discover_endpoints(self) {
            Some(call) => call.await,
            None => Err("the service has no discovery operation".to_string()),
        };
        let first = found.and_then(|endpoints| {
            let (address, minutes) = endpoints
                .into_iter()
                .next()
                .ok_or_else(|| "the service named no endpoints".to_string())?;
            // botocore: an address without a scheme is https.
            let url = if address.starts_with("http") {
                address
            } else {
                format!("https://{address}")
            };
            let uri: http::Uri = url
                .parse()
                .map_err(|e| format!("invalid discovered endpoint {url:?}: {e}"))?;
            if uri.authority().is_none() {
                return Err(format!("invalid discovered endpoint {url:?}: no host"));
            }
            let period =
                Duration::from_secs(u64::try_from(minutes).unwrap_or(0).saturating_mul(60));
            Ok((uri, period))
        });
        match (first, cached) {
            (Ok((uri, period)), _) => {
                *self.discovery_cache() = Some((svc, uri.clone(), now + period));
                Ok(uri)
            }
            // Discovery is failing: a stale endpoint is better than none (botocore).
            (Err(_), Some((id, uri, _))) if id == svc => Ok(uri),
            (Err(e), _) => Err(failed(e)),
        }
    }

    fn discovery_cache(
        &self,
    ) -> std::sync::MutexGuard<'_, Option<(&'static str, http::Uri, std::time::Instant)>> {
        // A poisoned lock only means a panic elsewhere mid-update of a plain value.
        self.inner
            .discovered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Retry settings: explicit ones, else `AWS_RETRY_MODE` / `AWS_MAX_ATTEMPTS` and the
    /// profile's `retry_mode` / `max_attempts`, else the defaults.
    fn retry_policy(&self, shared: Option<&SharedConfig>) -> Result<crate::retry::Policy, String> {
        let (mode, max) = match shared {
            Some(s) => (s.retry_mode()?, s.max_attempts()?),
            None => (None, None),
        };
        Ok(self.inner.config.retry.policy(mode, max))
    }
}
