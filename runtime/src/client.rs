//! The client handle shared by every generated service client: configuration, transport
//! and the per-call pipeline (serialize, sign, send, decode).

use std::fmt;
use std::sync::Arc;

use crate::credentials::Credentials;
use crate::error::SdkError;
use crate::http::{HttpTransport, Transport};
use crate::operation::{Operation, Protocol, ServiceMeta};
use crate::protocol;
use crate::sigv4::{Signer, SigningParams};

/// Client settings. Start from [`Config::from_env`] or [`Config::new`] and override.
#[derive(Clone, Default)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) protocol: Option<Protocol>,
    pub(crate) transport: Option<Arc<dyn Transport>>,
}

impl Config {
    /// Empty settings: region, credentials and endpoint must be given explicitly.
    pub fn new() -> Self {
        Config::default()
    }

    /// Settings from the environment: `AWS_REGION`, `AWS_DEFAULT_REGION`,
    /// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Config {
            region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
            credentials: Credentials::from_env(),
            ..Config::default()
        }
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

    /// A custom HTTP transport (a mock in tests, or your own client).
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
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
    transport: Arc<dyn Transport>,
    signer: Signer,
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
        let transport = config
            .transport
            .clone()
            .unwrap_or_else(|| Arc::new(HttpTransport::new()));
        Client {
            inner: Arc::new(Inner {
                config,
                transport,
                signer: Signer::default(),
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
                Protocol::RpcV2Cbor | Protocol::AwsJson1_0 | Protocol::AwsJson1_1
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

    /// The endpoint: the configured URL, else `https://{endpointPrefix}.{region}.{dnsSuffix}`.
    fn endpoint(&self, svc: &ServiceMeta) -> Result<(http::Uri, String), String> {
        let cfg = &self.inner.config;
        let region = cfg.region.clone();
        let url = match (&cfg.endpoint_url, &region) {
            (Some(url), _) => url.clone(),
            (None, Some(r)) => {
                let suffix = if r.starts_with("cn-") {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                format!("https://{}.{r}.{suffix}", svc.endpoint_prefix)
            }
            (None, None) => return Err("no region: set Config::region or AWS_REGION".into()),
        };
        let uri: http::Uri = url
            .parse()
            .map_err(|e| format!("invalid endpoint URL {url:?}: {e}"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.authority().is_none() {
            return Err(format!(
                "invalid endpoint URL {url:?}: expected http:// or https:// with a host"
            ));
        }
        let region =
            region.ok_or("no region: set Config::region or AWS_REGION (needed to sign)")?;
        Ok((uri, region))
    }

    /// Sends one operation and decodes its response.
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
        let protocol = self.protocol(svc).map_err(invalid)?;
        let (endpoint, region) = self.endpoint(svc).map_err(invalid)?;
        let Some(creds) = &self.inner.config.credentials else {
            return Err(SdkError::Credentials {
                operation: O::NAME,
                message: "set Config::credentials or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                    .into(),
            });
        };
        let invocation_id = crate::uuid_v4();
        let mut request =
            protocol::build_request(protocol, &endpoint, input, &invocation_id).map_err(invalid)?;
        let params = SigningParams {
            access_key_id: creds.access_key_id(),
            secret_access_key: creds.secret_access_key(),
            session_token: creds.session_token(),
            region: &region,
            service: svc.signing_name,
            time: std::time::SystemTime::now(),
        };
        self.inner
            .signer
            .sign(&mut request, &params)
            .map_err(|e| invalid(e.to_string()))?;
        tracing::debug!(attempt = 1, uri = %request.uri(), "sending");
        let response =
            self.inner
                .transport
                .send(request)
                .await
                .map_err(|source| SdkError::Transport {
                    operation: O::NAME,
                    source,
                })?;
        tracing::debug!(
            status = response.status().as_u16(),
            request_id = protocol::request_id(&response).as_deref().unwrap_or("-"),
            "received"
        );
        protocol::parse_response::<O>(protocol, &response)
    }
}
