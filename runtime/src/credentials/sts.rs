//! STS `AssumeRole` (signed) and `AssumeRoleWithWebIdentity` (unsigned), as awsQuery
//! requests with XML responses, through the client's transport.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::util::{excerpt, parse_time, send};
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::codec::query::{QueryWriter, CONTENT_TYPE};
use crate::codec::xml::{query_error, Element};
use crate::endpoint::Partitions;
use crate::http::{BoxFuture, Transport};
use crate::shared_config::SharedConfig;
use crate::sigv4::{Signer, SigningParams};

const STS_VERSION: &str = "2011-06-15";
const STS_TIMEOUT: Duration = Duration::from_secs(5);

/// Where STS is called: the configured endpoint for `STS` (`AWS_ENDPOINT_URL_STS`, ...)
/// or the regional `https://sts.{region}.{dnsSuffix}`; the region defaults to us-east-1.
#[derive(Clone, Debug)]
pub(crate) struct Sts {
    endpoint: String,
    region: String,
}

/// Optional `AssumeRole` inputs from a profile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssumeRoleParams {
    /// `role_arn`.
    pub role_arn: String,
    /// `role_session_name`.
    pub session_name: Option<String>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `duration_seconds`.
    pub duration_seconds: Option<String>,
}

impl Sts {
    pub(crate) fn new(cfg: &SharedConfig, region: Option<&str>) -> Result<Sts, String> {
        let region = match region {
            Some(r) => {
                crate::endpoint::validate_region(r, "the STS region").map_err(|e| e.to_string())?;
                r.to_string()
            }
            // Checked by `region()`, which names the setting.
            None => cfg.region()?.unwrap_or_else(|| "us-east-1".to_string()),
        };
        let endpoint = match cfg.configured_endpoint_url("STS")? {
            Some(url) => url,
            None => format!(
                "https://sts.{region}.{}",
                Partitions::embedded().dns_suffix(&region)
            ),
        };
        Ok(Sts { endpoint, region })
    }

    fn request(&self, body: String) -> Result<http::Request<Bytes>, String> {
        let uri = format!("{}/", self.endpoint.trim_end_matches('/'));
        http::Request::post(&uri)
            .header(http::header::CONTENT_TYPE, CONTENT_TYPE)
            .body(Bytes::from(body))
            .map_err(|e| format!("invalid STS endpoint {uri:?}: {e}"))
    }

    async fn call(
        &self,
        transport: &Arc<dyn Transport>,
        request: http::Request<Bytes>,
        action: &str,
    ) -> Result<Credentials, String> {
        let response = send(transport, request, STS_TIMEOUT)
            .await
            .map_err(|e| format!("STS {action}: {e}"))?;
        let status = response.status().as_u16();
        let root = Element::parse(response.body());
        if status >= 300 {
            if let Some((code, message, _)) = root.as_ref().ok().and_then(query_error) {
                return Err(format!(
                    "STS {action} failed: {code}: {} (HTTP {status})",
                    message.unwrap_or_default()
                ));
            }
            return Err(format!(
                "STS {action} failed with HTTP {status}: {}",
                excerpt(response.body())
            ));
        }
        let root = root.map_err(|e| format!("STS {action}: invalid XML response: {e}"))?;
        let creds = root
            .path(&[&format!("{action}Result"), "Credentials"])
            .ok_or_else(|| format!("STS {action}: response has no Credentials"))?;
        let get = |k: &str| creds.text_at(&[k]).filter(|s| !s.is_empty());
        let id = get("AccessKeyId").ok_or(format!("STS {action}: no AccessKeyId"))?;
        let secret = get("SecretAccessKey").ok_or(format!("STS {action}: no SecretAccessKey"))?;
        let expiry = get("Expiration")
            .map(parse_time)
            .transpose()
            .map_err(|e| format!("STS {action}: {e}"))?;
        // botocore `_add_account_id_to_response`: the account of the assumed role's ARN
        // (`arn:aws:sts::123456789012:assumed-role/...`).
        let account = root
            .path(&[&format!("{action}Result"), "AssumedRoleUser"])
            .and_then(|u| u.text_at(&["Arn"]))
            .and_then(|arn| arn.split(':').nth(4))
            .filter(|a| !a.is_empty())
            .map(str::to_string);
        Ok(
            Credentials::new(id, secret, get("SessionToken").map(str::to_string))
                .with_expiry(expiry)
                .with_account_id(account),
        )
    }

    pub(crate) async fn assume_role(
        &self,
        transport: &Arc<dyn Transport>,
        source: &Credentials,
        p: &AssumeRoleParams,
    ) -> Result<Credentials, String> {
        let mut q = QueryWriter::new("AssumeRole", STS_VERSION);
        q.param("RoleArn", &p.role_arn);
        q.param(
            "RoleSessionName",
            p.session_name.as_deref().unwrap_or(&default_session_name()),
        );
        q.opt_param("ExternalId", p.external_id.as_deref());
        q.opt_param("DurationSeconds", p.duration_seconds.as_deref());
        let mut request = self.request(q.finish())?;
        let params = SigningParams {
            access_key_id: source.access_key_id(),
            secret_access_key: source.secret_access_key(),
            session_token: source.session_token(),
            region: &self.region,
            service: "sts",
            time: SystemTime::now(),
        };
        Signer::default()
            .sign(&mut request, &params)
            .map_err(|e| format!("signing STS AssumeRole: {e}"))?;
        self.call(transport, request, "AssumeRole").await
    }

    pub(crate) async fn assume_role_with_web_identity(
        &self,
        transport: &Arc<dyn Transport>,
        role_arn: &str,
        session_name: Option<&str>,
        token: &str,
    ) -> Result<Credentials, String> {
        let mut q = QueryWriter::new("AssumeRoleWithWebIdentity", STS_VERSION);
        q.param("RoleArn", role_arn);
        q.param(
            "RoleSessionName",
            session_name.unwrap_or(&default_session_name()),
        );
        q.param("WebIdentityToken", token);
        let request = self.request(q.finish())?;
        self.call(transport, request, "AssumeRoleWithWebIdentity")
            .await
    }
}

/// `awsrt-session-<epoch seconds>`, like botocore's `botocore-session-<epoch seconds>`.
fn default_session_name() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    format!("awsrt-session-{secs}")
}

/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`), or the
/// same settings from a profile: exchanges the token file's contents (re-read on every
/// refresh) for credentials with STS `AssumeRoleWithWebIdentity`.
#[derive(Clone)]
pub struct WebIdentityProvider {
    cfg: SharedConfig,
    transport: Arc<dyn Transport>,
    settings: Option<(String, String, Option<String>)>,
}

impl std::fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl WebIdentityProvider {
    /// Reads the settings from the environment of `cfg`.
    pub fn from_env(cfg: SharedConfig, transport: Arc<dyn Transport>) -> Self {
        let env = cfg.env();
        let settings = match (
            env.get("AWS_WEB_IDENTITY_TOKEN_FILE"),
            env.get("AWS_ROLE_ARN"),
        ) {
            (Some(file), Some(role)) => Some((file, role, env.get("AWS_ROLE_SESSION_NAME"))),
            _ => None,
        };
        WebIdentityProvider {
            cfg,
            transport,
            settings,
        }
    }

    /// Explicit settings (from a profile).
    pub fn new(
        cfg: SharedConfig,
        transport: Arc<dyn Transport>,
        token_file: String,
        role_arn: String,
        session_name: Option<String>,
    ) -> Self {
        WebIdentityProvider {
            cfg,
            transport,
            settings: Some((token_file, role_arn, session_name)),
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let Some((file, role, session)) = &self.settings else {
            return Err(CredentialsError::NotLoaded(
                "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set".into(),
            ));
        };
        let token = std::fs::read_to_string(file).map_err(|e| {
            CredentialsError::Failed(format!("reading web identity token file {file}: {e}"))
        })?;
        let sts = Sts::new(&self.cfg, None).map_err(CredentialsError::Failed)?;
        sts.assume_role_with_web_identity(&self.transport, role, session.as_deref(), token.trim())
            .await
            .map_err(CredentialsError::Failed)
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}
