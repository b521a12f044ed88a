//! The default provider chain.

use std::sync::Arc;

use super::{
    ContainerProvider, Credentials, CredentialsError, EnvProvider, ImdsProvider, ProfileProvider,
    ProvideCredentials, WebIdentityProvider,
};
use crate::http::{BoxFuture, Transport};
use crate::shared_config::SharedConfig;

/// Tries, in order: environment variables, web identity (environment), the profile
/// (static keys, assume-role chains, `credential_process`, SSO), container
/// credentials, IMDSv2. The first provider that applies wins; one that applies but
/// fails stops the chain. When none applies, the error lists each and why.
pub struct DefaultChain {
    providers: Vec<(&'static str, Box<dyn ProvideCredentials>)>,
}

impl std::fmt::Debug for DefaultChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.providers.iter().map(|(n, _)| n))
            .finish()
    }
}

impl DefaultChain {
    /// The chain over `cfg`, making HTTP calls through `transport`.
    pub fn new(cfg: &SharedConfig, transport: Arc<dyn Transport>) -> Self {
        let t = || transport.clone();
        DefaultChain {
            providers: vec![
                ("environment", Box::new(EnvProvider::new(cfg.env().clone()))),
                (
                    "web identity",
                    Box::new(WebIdentityProvider::from_env(cfg.clone(), t())),
                ),
                ("profile", Box::new(ProfileProvider::new(cfg.clone(), t()))),
                (
                    "container",
                    Box::new(ContainerProvider::new(cfg.env().clone(), t())),
                ),
                ("IMDS", Box::new(ImdsProvider::new(cfg.clone(), t()))),
            ],
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let mut tried = Vec::new();
        for (name, p) in &self.providers {
            match p.provide().await {
                Ok(c) => {
                    tracing::debug!(provider = name, "credentials loaded");
                    return Ok(c);
                }
                Err(CredentialsError::NotLoaded(why)) => tried.push(format!("{name}: {why}")),
                Err(CredentialsError::Failed(why)) => {
                    tried.push(format!("{name}: {why}"));
                    return Err(CredentialsError::Failed(format!(
                        "the {name} credentials provider failed; tried: {}",
                        tried.join("; ")
                    )));
                }
            }
        }
        Err(CredentialsError::NotLoaded(format!(
            "no credentials found; tried: {}",
            tried.join("; ")
        )))
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}
