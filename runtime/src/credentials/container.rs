//! Container credentials (ECS, EKS Pod Identity): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
//! or `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with an optional authorization token.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::util::{excerpt, json_credentials, parse_json, send};
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::{BoxFuture, Transport};
use crate::shared_config::Env;

/// botocore's container timeout.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Container credentials from the endpoint the environment names.
#[derive(Clone)]
pub struct ContainerProvider {
    env: Env,
    transport: Arc<dyn Transport>,
}

impl std::fmt::Debug for ContainerProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContainerProvider").finish_non_exhaustive()
    }
}

/// Hosts a plain-`http` full URI may name: loopback and the ECS/EKS link-local hosts.
fn allowed_http_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => {
            ip.is_loopback()
                || ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"]
                    .iter()
                    .any(|a| a.parse::<std::net::IpAddr>().is_ok_and(|x| x == ip))
        }
        Err(_) => false,
    }
}

impl ContainerProvider {
    /// Reads the settings from `env` on each load.
    pub fn new(env: Env, transport: Arc<dyn Transport>) -> Self {
        ContainerProvider { env, transport }
    }

    fn uri(&self) -> Result<String, CredentialsError> {
        if let Some(rel) = self.env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return Ok(format!("http://169.254.170.2{rel}"));
        }
        let Some(full) = self.env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
            return Err(CredentialsError::NotLoaded(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"
                    .into(),
            ));
        };
        let uri: http::Uri = full.parse().map_err(|e| {
            CredentialsError::Failed(format!("AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?}: {e}"))
        })?;
        let ok = match (uri.scheme_str(), uri.host()) {
            (Some("https"), Some(_)) => true,
            (Some("http"), Some(h)) => allowed_http_host(h),
            _ => false,
        };
        if !ok {
            return Err(CredentialsError::Failed(format!(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?} must be https, or http to a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"
            )));
        }
        Ok(full)
    }

    fn token(&self) -> Result<Option<String>, CredentialsError> {
        if let Some(file) = self.env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            let t = std::fs::read_to_string(&file).map_err(|e| {
                CredentialsError::Failed(format!(
                    "reading AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {file}: {e}"
                ))
            })?;
            return Ok(Some(t.trim().to_string()));
        }
        Ok(self.env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let uri = self.uri()?;
        let fail = |m: String| CredentialsError::Failed(format!("container credentials: {m}"));
        let mut req = http::Request::get(&uri);
        if let Some(t) = self.token()? {
            if t.contains(['\r', '\n']) {
                return Err(fail("the authorization token contains a line break".into()));
            }
            req = req.header(http::header::AUTHORIZATION, t);
        }
        let req = req
            .body(Bytes::new())
            .map_err(|e| fail(format!("invalid request to {uri}: {e}")))?;
        let response = send(&self.transport, req, TIMEOUT).await.map_err(fail)?;
        if !response.status().is_success() {
            return Err(fail(format!(
                "{uri} answered HTTP {}: {}",
                response.status().as_u16(),
                excerpt(response.body())
            )));
        }
        let v = parse_json(response.body(), "the response").map_err(fail)?;
        json_credentials(
            &v,
            ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"],
            false,
        )
        .map_err(fail)
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}
