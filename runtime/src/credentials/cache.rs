//! Caches a provider's credentials and refreshes them before they expire; concurrent
//! callers share one refresh.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::BoxFuture;

/// Credentials expiring within this window are refreshed before use (smithy-rs uses
/// a few seconds, botocore 10 to 15 minutes; this sits between).
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// A caching wrapper: the first call loads, later calls reuse the credentials until they
/// are within five minutes of expiring. A refresh holds an async lock, so
/// callers arriving meanwhile wait for its result instead of starting their own. If a
/// refresh fails while the old credentials have not expired yet, those are used.
#[derive(Debug)]
pub struct CredentialsCache {
    provider: Arc<dyn ProvideCredentials>,
    cached: tokio::sync::Mutex<Option<Credentials>>,
    buffer: Duration,
}

impl CredentialsCache {
    /// Caches `provider`.
    pub fn new(provider: impl ProvideCredentials) -> Self {
        Self::from_arc(Arc::new(provider))
    }

    /// Caches a shared provider.
    pub fn from_arc(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsCache {
            provider,
            cached: tokio::sync::Mutex::new(None),
            buffer: REFRESH_BEFORE_EXPIRY,
        }
    }

    /// Current credentials, loading or refreshing them if needed.
    pub async fn get(&self) -> Result<Credentials, CredentialsError> {
        let mut cached = self.cached.lock().await;
        let now = SystemTime::now();
        if let Some(c) = cached.as_ref() {
            let fresh = c.expiry().is_none_or(|e| e > now + self.buffer);
            if fresh {
                return Ok(c.clone());
            }
        }
        match self.provider.provide().await {
            Ok(c) => {
                *cached = Some(c.clone());
                Ok(c)
            }
            Err(e) => match cached.as_ref() {
                Some(c) if c.expiry().is_some_and(|x| x > now) => {
                    tracing::warn!(error = %e, "credentials refresh failed; using the unexpired ones");
                    Ok(c.clone())
                }
                _ => Err(e),
            },
        }
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.get())
    }
}
