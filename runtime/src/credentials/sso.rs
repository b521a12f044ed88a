//! IAM Identity Center (SSO): the access token `aws sso login` cached under
//! `~/.aws/sso/cache/<sha1>.json` is exchanged for role credentials with the portal's
//! `GetRoleCredentials` (`GET /federation/credentials`).
//!
//! Expired tokens are not refreshed here (that needs SSO OIDC `CreateToken`); the error
//! says to run `aws sso login` again.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::util::{excerpt, json_credentials, parse_json, parse_time, send};
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::endpoint::Partitions;
use crate::http::{BoxFuture, Transport};
use crate::shared_config::SharedConfig;

const SSO_TIMEOUT: Duration = Duration::from_secs(5);

/// Role credentials from an SSO profile.
#[derive(Clone)]
pub struct SsoProvider {
    cfg: SharedConfig,
    transport: Arc<dyn Transport>,
    session: Option<String>,
    start_url: String,
    region: String,
    account_id: String,
    role_name: String,
}

impl std::fmt::Debug for SsoProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoProvider")
            .field("session", &self.session)
            .field("start_url", &self.start_url)
            .field("region", &self.region)
            .field("account_id", &self.account_id)
            .field("role_name", &self.role_name)
            .finish_non_exhaustive()
    }
}

impl SsoProvider {
    /// An SSO profile's settings. The cached token is keyed by the session name, or by
    /// the start URL for legacy profiles.
    pub fn new(
        cfg: SharedConfig,
        transport: Arc<dyn Transport>,
        session: Option<String>,
        start_url: String,
        region: String,
        account_id: String,
        role_name: String,
    ) -> Self {
        SsoProvider {
            cfg,
            transport,
            session,
            start_url,
            region,
            account_id,
            role_name,
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let fail = CredentialsError::Failed;
        let key = self.session.as_deref().unwrap_or(&self.start_url);
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
        let hex = crate::hex::encode(digest.as_ref());
        let home =
            self.cfg.env().home_dir().ok_or_else(|| {
                fail("SSO: no home directory (HOME) to find the token cache".into())
            })?;
        let path = home
            .join(".aws")
            .join("sso")
            .join("cache")
            .join(format!("{hex}.json"));
        let login = match &self.session {
            Some(s) => format!("aws sso login --sso-session {s}"),
            None => "aws sso login".to_string(),
        };
        let text = std::fs::read(&path).map_err(|e| {
            fail(format!(
                "SSO: no cached token at {} ({e}); run `{login}`",
                path.display()
            ))
        })?;
        let v = parse_json(&text, &path.display().to_string()).map_err(fail)?;
        let token = v
            .get("accessToken")
            .and_then(crate::codec::json::Value::as_str)
            .ok_or_else(|| fail(format!("SSO: {} has no accessToken", path.display())))?;
        let expires = v
            .get("expiresAt")
            .and_then(crate::codec::json::Value::as_str)
            .ok_or_else(|| fail(format!("SSO: {} has no expiresAt", path.display())))
            .and_then(|t| {
                parse_time(t).map_err(|e| fail(format!("SSO: {}: {e}", path.display())))
            })?;
        if expires <= SystemTime::now() {
            return Err(fail(format!(
                "SSO: the cached token has expired; run `{login}`"
            )));
        }
        let base = match self.cfg.configured_endpoint_url("SSO").map_err(fail)? {
            Some(url) => url,
            None => {
                // The region goes into the portal's host name, which receives the token.
                let source = match &self.session {
                    Some(s) => format!("`sso_region` of [sso-session {s}]"),
                    None => format!("`sso_region` of profile `{}`", self.cfg.profile_name()),
                };
                crate::endpoint::validate_region(&self.region, &source)
                    .map_err(|e| fail(format!("SSO: {e}")))?;
                format!(
                    "https://portal.sso.{}.{}",
                    self.region,
                    Partitions::embedded().dns_suffix(&self.region)
                )
            }
        };
        let enc = crate::endpoint::uri_encode;
        let uri = format!(
            "{}/federation/credentials?account_id={}&role_name={}",
            base.trim_end_matches('/'),
            enc(&self.account_id),
            enc(&self.role_name)
        );
        let request = http::Request::get(&uri)
            .header("x-amz-sso_bearer_token", token)
            .body(Bytes::new())
            .map_err(|e| fail(format!("SSO: invalid portal request {uri:?}: {e}")))?;
        let response = send(&self.transport, request, SSO_TIMEOUT)
            .await
            .map_err(|e| fail(format!("SSO GetRoleCredentials: {e}")))?;
        if !response.status().is_success() {
            return Err(fail(format!(
                "SSO GetRoleCredentials failed with HTTP {}: {}",
                response.status().as_u16(),
                excerpt(response.body())
            )));
        }
        let v = parse_json(response.body(), "the SSO portal response").map_err(fail)?;
        let rc = v
            .get("roleCredentials")
            .ok_or_else(|| fail("SSO: response has no roleCredentials".into()))?;
        json_credentials(
            rc,
            [
                "accessKeyId",
                "secretAccessKey",
                "sessionToken",
                "expiration",
            ],
            true,
        )
        // The role's account is the profile's `sso_account_id` (botocore).
        .map(|c| c.with_account_id(Some(self.account_id.clone())))
        .map_err(|e| fail(format!("SSO: {e}")))
    }
}

impl ProvideCredentials for SsoProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}
