//! EC2 instance metadata (IMDSv2): a session token, the role name, then its credentials.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::util::{excerpt, json_credentials, parse_json, send};
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::{BoxFuture, Transport};
use crate::shared_config::SharedConfig;

/// botocore's IMDS timeout: one attempt, one second.
const TIMEOUT: Duration = Duration::from_secs(1);
const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";

/// Credentials of the instance's IAM role.
#[derive(Clone)]
pub struct ImdsProvider {
    cfg: SharedConfig,
    transport: Arc<dyn Transport>,
}

impl std::fmt::Debug for ImdsProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImdsProvider").finish_non_exhaustive()
    }
}

impl ImdsProvider {
    /// Settings from `cfg`'s environment and profile.
    pub fn new(cfg: SharedConfig, transport: Arc<dyn Transport>) -> Self {
        ImdsProvider { cfg, transport }
    }

    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT` (or profile `ec2_metadata_service_endpoint`),
    /// else by `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` (`IPv4`/`IPv6`).
    fn base(&self) -> String {
        let env = self.cfg.env();
        let get = |e: &str, p: &str| {
            env.get(e)
                .or_else(|| self.cfg.profile_value(p).map(str::to_string))
        };
        if let Some(url) = get(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "ec2_metadata_service_endpoint",
        ) {
            return url.trim_end_matches('/').to_string();
        }
        match get(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
            "ec2_metadata_service_endpoint_mode",
        ) {
            Some(m) if m.eq_ignore_ascii_case("ipv6") => "http://[fd00:ec2::254]".to_string(),
            _ => "http://169.254.169.254".to_string(),
        }
    }

    fn flag(&self, env_key: &str, profile_key: &str) -> bool {
        self.cfg
            .env()
            .get(env_key)
            .or_else(|| self.cfg.profile_value(profile_key).map(str::to_string))
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    async fn get(&self, uri: &str, token: Option<&str>) -> Result<http::Response<Bytes>, String> {
        let mut req = http::Request::get(uri);
        if let Some(t) = token {
            req = req.header("x-aws-ec2-metadata-token", t);
        }
        let req = req.body(Bytes::new()).map_err(|e| format!("{uri}: {e}"))?;
        send(&self.transport, req, TIMEOUT).await
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        if self.flag("AWS_EC2_METADATA_DISABLED", "ec2_metadata_disabled") {
            return Err(CredentialsError::NotLoaded(
                "disabled by AWS_EC2_METADATA_DISABLED".into(),
            ));
        }
        let base = self.base();
        let fail = |m: String| CredentialsError::Failed(format!("IMDS: {m}"));
        let token_req = http::Request::put(format!("{base}/latest/api/token"))
            .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
            .body(Bytes::new())
            .map_err(|e| fail(format!("invalid endpoint {base:?}: {e}")))?;
        // No answer at all means this is not an EC2 instance: the chain moves on.
        let response = send(&self.transport, token_req, TIMEOUT)
            .await
            .map_err(|e| {
                CredentialsError::NotLoaded(format!("no instance metadata service: {e}"))
            })?;
        let token = match response.status().as_u16() {
            200 => Some(String::from_utf8_lossy(response.body()).trim().to_string()),
            403..=405 if !self.flag("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled") => {
                None
            }
            s => {
                return Err(fail(format!(
                    "token request answered HTTP {s}: {}",
                    excerpt(response.body())
                )))
            }
        };
        let roles = self
            .get(&format!("{base}{ROLE_PATH}"), token.as_deref())
            .await
            .map_err(fail)?;
        match roles.status().as_u16() {
            200 => {}
            404 => {
                return Err(CredentialsError::NotLoaded(
                    "the instance has no IAM role attached".into(),
                ))
            }
            s => return Err(fail(format!("role lookup answered HTTP {s}"))),
        }
        let body = String::from_utf8_lossy(roles.body()).into_owned();
        let Some(role) = body.lines().map(str::trim).find(|l| !l.is_empty()) else {
            return Err(CredentialsError::NotLoaded(
                "the instance has no IAM role attached".into(),
            ));
        };
        let creds = self
            .get(&format!("{base}{ROLE_PATH}{role}"), token.as_deref())
            .await
            .map_err(fail)?;
        if !creds.status().is_success() {
            return Err(fail(format!(
                "credentials for role {role} answered HTTP {}",
                creds.status().as_u16()
            )));
        }
        let v = parse_json(creds.body(), "the credentials document").map_err(fail)?;
        if let Some(code) = v.get("Code").and_then(crate::codec::json::Value::as_str) {
            if code != "Success" {
                return Err(fail(format!("credentials document says Code={code}")));
            }
        }
        json_credentials(
            &v,
            ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"],
            false,
        )
        .map_err(fail)
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}
