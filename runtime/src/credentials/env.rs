//! Credentials from environment variables.

use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::BoxFuture;
use crate::shared_config::Env;

/// `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN` (or the
/// older `AWS_SECURITY_TOKEN`) and `AWS_CREDENTIAL_EXPIRATION` (ISO 8601).
#[derive(Clone, Debug, Default)]
pub struct EnvProvider {
    env: Env,
}

impl EnvProvider {
    /// Reads `env`.
    pub fn new(env: Env) -> Self {
        EnvProvider { env }
    }
}

pub(crate) fn from_env(env: &Env) -> Result<Credentials, CredentialsError> {
    let id = env.get("AWS_ACCESS_KEY_ID");
    let secret = env.get("AWS_SECRET_ACCESS_KEY");
    let (id, secret) = match (id, secret) {
        (Some(i), Some(s)) => (i, s),
        (None, None) => {
            return Err(CredentialsError::NotLoaded(
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".into(),
            ))
        }
        (Some(_), None) => {
            return Err(CredentialsError::Failed(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".into(),
            ))
        }
        (None, Some(_)) => {
            return Err(CredentialsError::Failed(
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".into(),
            ))
        }
    };
    let token = env
        .get("AWS_SESSION_TOKEN")
        .or_else(|| env.get("AWS_SECURITY_TOKEN"));
    let expiry = match env.get("AWS_CREDENTIAL_EXPIRATION") {
        Some(t) => Some(
            super::util::parse_time(&t)
                .map_err(|e| CredentialsError::Failed(format!("AWS_CREDENTIAL_EXPIRATION: {e}")))?,
        ),
        None => None,
    };
    Ok(Credentials::new(id, secret, token)
        .with_expiry(expiry)
        .with_account_id(env.get("AWS_ACCOUNT_ID")))
}

impl ProvideCredentials for EnvProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(from_env(&self.env)))
    }
}
