//! AWS credentials, kept out of every `Debug` and `Display`, and the providers that
//! find them: environment, web identity, profile (static keys, assume-role chains,
//! `credential_process`, IAM Identity Center), container and IMDSv2, tried in that
//! order by [`DefaultChain`], behind a refreshing [`CredentialsCache`].

mod cache;
mod chain;
mod container;
mod env;
mod imds;
mod process;
pub mod profile;
mod sso;
mod sts;
mod util;

use std::fmt;
use std::time::SystemTime;

pub use cache::CredentialsCache;
pub use chain::DefaultChain;
pub use container::ContainerProvider;
pub use env::EnvProvider;
pub use imds::ImdsProvider;
pub use process::ProcessProvider;
pub use profile::ProfileProvider;
pub use sso::SsoProvider;
pub use sts::WebIdentityProvider;

use crate::http::BoxFuture;

/// An access key pair with an optional session token and expiry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
    /// The account the keys belong to, when the source says (`AWS_ACCOUNT_ID`,
    /// `aws_account_id`, a provider's `AccountId`): the `AWS::Auth::AccountId` built-in.
    account_id: Option<String>,
}

impl Credentials {
    /// Static credentials.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: session_token.filter(|t| !t.is_empty()),
            expiry: None,
            account_id: None,
        }
    }

    /// The same credentials with the account id they belong to, which endpoint rules of
    /// some services (DynamoDB) route by; an empty id counts as none.
    pub fn with_account_id(mut self, account_id: Option<String>) -> Self {
        self.account_id = account_id.filter(|a| !a.is_empty());
        self
    }

    /// The account id, when the credentials' source gave one.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// The same credentials with an expiry time.
    pub fn with_expiry(mut self, expiry: Option<SystemTime>) -> Self {
        self.expiry = expiry;
        self
    }

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`
    /// from the process environment; empty values count as unset.
    pub fn from_env() -> Option<Self> {
        env::from_env(&crate::shared_config::Env::process()).ok()
    }

    /// The access key id (not secret: it appears in every signed request).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When temporary credentials stop working; `None` for long-term keys.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &crate::http::redact::REDACTED)
            .field(
                "session_token",
                &self
                    .session_token
                    .as_ref()
                    .map(|_| crate::http::redact::REDACTED),
            )
            .field("expiry", &self.expiry)
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// Why a provider gave no credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialsError {
    /// The provider does not apply here (its settings are absent); a chain moves on.
    NotLoaded(String),
    /// The provider is configured but failed; a chain stops and reports it.
    Failed(String),
}

impl CredentialsError {
    /// The explanation.
    pub fn message(&self) -> &str {
        match self {
            CredentialsError::NotLoaded(m) | CredentialsError::Failed(m) => m,
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for CredentialsError {}

/// Something that can produce credentials, possibly over the network.
pub trait ProvideCredentials: Send + Sync + fmt::Debug + 'static {
    /// Loads credentials (a provider does not cache; wrap it in a [`CredentialsCache`]).
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

/// Fixed credentials are a provider too.
impl ProvideCredentials for Credentials {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}
