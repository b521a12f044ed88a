//! Credentials from the selected profile: the chain of profiles it names
//! ([`resolve_chain`], the cross-SDK assume-role rules) and its execution
//! ([`ProfileProvider`]).

use std::sync::Arc;

pub use super::sts::AssumeRoleParams;
use super::sts::Sts;
use super::{
    ContainerProvider, Credentials, CredentialsError, EnvProvider, ImdsProvider, ProcessProvider,
    ProvideCredentials, SsoProvider, WebIdentityProvider,
};
use crate::http::{BoxFuture, Transport};
use crate::shared_config::{ProfileSet, Section, SharedConfig};

/// Where the first credentials of a profile chain come from. `Debug` redacts the
/// secret key, the session token and the `credential_process` command line.
#[derive(Clone, PartialEq, Eq)]
pub enum BaseProvider {
    /// Static keys in a profile.
    AccessKey {
        /// `aws_access_key_id`.
        access_key_id: String,
        /// `aws_secret_access_key`.
        secret_access_key: String,
        /// `aws_session_token`.
        session_token: Option<String>,
        /// `aws_account_id`.
        account_id: Option<String>,
    },
    /// `credential_source`: `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
    NamedSource(String),
    /// `web_identity_token_file` with `role_arn`.
    WebIdentityToken {
        /// `role_arn`.
        role_arn: String,
        /// `web_identity_token_file`.
        web_identity_token_file: String,
        /// `role_session_name`.
        role_session_name: Option<String>,
    },
    /// IAM Identity Center.
    Sso {
        /// `sso_session` (absent for legacy profiles).
        sso_session: Option<String>,
        /// `sso_account_id`.
        sso_account_id: Option<String>,
        /// `sso_role_name`.
        sso_role_name: Option<String>,
        /// `sso_region` (from the session section when `sso_session` is used).
        sso_region: Option<String>,
        /// `sso_start_url` (likewise).
        sso_start_url: Option<String>,
    },
    /// `credential_process`.
    CredentialProcess(String),
}

impl std::fmt::Debug for BaseProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::http::redact::REDACTED;
        match self {
            BaseProvider::AccessKey {
                access_key_id,
                secret_access_key: _,
                session_token,
                account_id,
            } => f
                .debug_struct("AccessKey")
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &REDACTED)
                .field("session_token", &session_token.as_ref().map(|_| REDACTED))
                .field("account_id", account_id)
                .finish(),
            BaseProvider::NamedSource(s) => f.debug_tuple("NamedSource").field(s).finish(),
            BaseProvider::WebIdentityToken {
                role_arn,
                web_identity_token_file,
                role_session_name,
            } => f
                .debug_struct("WebIdentityToken")
                .field("role_arn", role_arn)
                .field("web_identity_token_file", web_identity_token_file)
                .field("role_session_name", role_session_name)
                .finish(),
            BaseProvider::Sso {
                sso_session,
                sso_account_id,
                sso_role_name,
                sso_region,
                sso_start_url,
            } => f
                .debug_struct("Sso")
                .field("sso_session", sso_session)
                .field("sso_account_id", sso_account_id)
                .field("sso_role_name", sso_role_name)
                .field("sso_region", sso_region)
                .field("sso_start_url", sso_start_url)
                .finish(),
            // A command line may carry a password or key as an argument.
            BaseProvider::CredentialProcess(_) => {
                f.debug_tuple("CredentialProcess").field(&REDACTED).finish()
            }
        }
    }
}

/// A resolved profile chain: base credentials, then roles to assume in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileChain {
    /// The first link.
    pub base: BaseProvider,
    /// Roles assumed in turn with the previous credentials.
    pub roles: Vec<AssumeRoleParams>,
}

/// Why a profile chain could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileChainError(pub String);

impl std::fmt::Display for ProfileChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProfileChainError {}

fn e(m: impl Into<String>) -> ProfileChainError {
    ProfileChainError(m.into())
}

fn get<'a>(p: &'a Section, k: &str) -> Option<&'a str> {
    p.get(k).filter(|v| !v.is_empty())
}

fn static_creds(name: &str, p: &Section) -> Result<BaseProvider, ProfileChainError> {
    match (get(p, "aws_access_key_id"), get(p, "aws_secret_access_key")) {
        (None, None) => Err(e(format!(
            "profile `{name}` did not contain credential information"
        ))),
        (Some(_), None) => Err(e(format!(
            "profile `{name}`: profile missing aws_secret_access_key"
        ))),
        (None, Some(_)) => Err(e(format!(
            "profile `{name}`: profile missing aws_access_key_id"
        ))),
        (Some(id), Some(secret)) => Ok(BaseProvider::AccessKey {
            access_key_id: id.to_string(),
            secret_access_key: secret.to_string(),
            session_token: get(p, "aws_session_token").map(str::to_string),
            account_id: get(p, "aws_account_id").map(str::to_string),
        }),
    }
}

fn web_identity(p: &Section) -> Option<Result<BaseProvider, ProfileChainError>> {
    let file = get(p, "web_identity_token_file")?;
    Some(match get(p, "role_arn") {
        None => Err(e(
            "`role_arn` was missing (needed with web_identity_token_file)",
        )),
        Some(role) => Ok(BaseProvider::WebIdentityToken {
            role_arn: role.to_string(),
            web_identity_token_file: file.to_string(),
            role_session_name: get(p, "role_session_name").map(str::to_string),
        }),
    })
}

fn sso(
    set: &ProfileSet,
    name: &str,
    p: &Section,
) -> Option<Result<BaseProvider, ProfileChainError>> {
    let session = get(p, "sso_session");
    let account = get(p, "sso_account_id");
    let role = get(p, "sso_role_name");
    let start_url = get(p, "sso_start_url");
    if session.is_none() && account.is_none() && role.is_none() && start_url.is_none() {
        return None;
    }
    let owned = |v: Option<&str>| v.map(str::to_string);
    Some((|| {
        let (region, start_url) = match session {
            Some(s) => {
                let Some(section) = set.sso_sessions.get(s) else {
                    return Err(e(format!(
                        "sso-session named `{s}` (referenced by profile `{name}`) was not found"
                    )));
                };
                if get(p, "sso_region").is_some() {
                    return Err(e(
                        "`sso_region` can only be specified in the [sso-session] config when a session name is given",
                    ));
                }
                (
                    owned(get(section, "sso_region")),
                    owned(get(section, "sso_start_url")),
                )
            }
            None => (owned(get(p, "sso_region")), owned(start_url)),
        };
        match (account, role) {
            (None, Some(_)) => {
                return Err(e(
                    "if `sso_role_name` is set, then `sso_account_id` must also be set",
                ))
            }
            (Some(_), None) => {
                return Err(e(
                    "if `sso_account_id` is set, then `sso_role_name` must also be set",
                ))
            }
            _ => {}
        }
        Ok(BaseProvider::Sso {
            sso_session: owned(session),
            sso_account_id: owned(account),
            sso_role_name: owned(role),
            sso_region: region,
            sso_start_url: start_url,
        })
    })())
}

fn base_provider(
    set: &ProfileSet,
    name: &str,
    p: &Section,
) -> Result<BaseProvider, ProfileChainError> {
    if let Some(source) = get(p, "credential_source") {
        return Ok(BaseProvider::NamedSource(source.to_string()));
    }
    if let Some(w) = web_identity(p) {
        return w;
    }
    if let Some(s) = sso(set, name, p) {
        return s;
    }
    if let Some(cmd) = get(p, "credential_process") {
        return Ok(BaseProvider::CredentialProcess(cmd.to_string()));
    }
    static_creds(name, p)
}

fn role(p: &Section) -> Option<AssumeRoleParams> {
    Some(AssumeRoleParams {
        role_arn: get(p, "role_arn")?.to_string(),
        session_name: get(p, "role_session_name").map(str::to_string),
        external_id: get(p, "external_id").map(str::to_string),
        duration_seconds: get(p, "duration_seconds").map(str::to_string),
    })
}

/// Builds the chain for profile `selected`: follows `source_profile` links (static keys
/// end a chain after its first profile), stops at `credential_source`, web identity,
/// SSO, `credential_process` or static keys, and rejects loops.
pub fn resolve_chain(set: &ProfileSet, selected: &str) -> Result<ProfileChain, ProfileChainError> {
    if set.profiles.is_empty() {
        return Err(e("No profiles were defined"));
    }
    let mut name = selected.to_string();
    let mut parent: Option<String> = None;
    let mut visited: Vec<String> = Vec::new();
    let mut roles = Vec::new();
    let base = loop {
        let Some(p) = set.profile(&name) else {
            return Err(e(match &parent {
                Some(parent) => {
                    format!("could not find source profile {name} referenced from {parent}")
                }
                None => format!("profile `{name}` was not found in the config or credentials file"),
            }));
        };
        if visited.contains(&name) {
            return Err(e(format!(
                "profile formed an infinite loop: {} -> {name}",
                visited.join(" -> ")
            )));
        }
        visited.push(name.clone());
        if visited.len() > 1 {
            if let Ok(creds) = static_creds(&name, p) {
                break creds;
            }
        }
        let Some(r) = role(p) else {
            break base_provider(set, &name, p)?;
        };
        if let Some(w) = web_identity(p) {
            break w?;
        }
        match (get(p, "source_profile"), get(p, "credential_source")) {
            (Some(_), Some(_)) => {
                return Err(e(format!(
                    "profile `{name}`: profile contained both source_profile and credential_source"
                )))
            }
            (None, None) => {
                return Err(e(format!(
                    "profile `{name}`: profile must contain `source_profile` or `credential_source` with `role_arn`"
                )))
            }
            (None, Some(source)) => {
                roles.push(r);
                break BaseProvider::NamedSource(source.to_string());
            }
            (Some(source), None) => {
                roles.push(r);
                if source == name {
                    break static_creds(&name, p)?;
                }
                parent = Some(std::mem::replace(&mut name, source.to_string()));
            }
        }
    };
    roles.reverse();
    Ok(ProfileChain { base, roles })
}

/// Credentials from the selected profile of the shared config and credentials files.
#[derive(Clone)]
pub struct ProfileProvider {
    cfg: SharedConfig,
    transport: Arc<dyn Transport>,
}

impl std::fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("profile", &self.cfg.profile_name())
            .finish_non_exhaustive()
    }
}

impl ProfileProvider {
    /// The profile `cfg` selects; HTTP calls (STS, SSO, IMDS, container) go through
    /// `transport`.
    pub fn new(cfg: SharedConfig, transport: Arc<dyn Transport>) -> Self {
        ProfileProvider { cfg, transport }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let name = self.cfg.profile_name();
        if self.cfg.profile().is_none() {
            let msg = format!(
                "profile `{name}` is not in {}",
                self.cfg.config_path().map_or(
                    "the config or credentials file".to_string(),
                    |p| format!("{} or the credentials file", p.display())
                )
            );
            return Err(if self.cfg.profile_explicit() {
                CredentialsError::Failed(msg)
            } else {
                CredentialsError::NotLoaded(msg)
            });
        }
        let chain = resolve_chain(self.cfg.files(), name).map_err(|err| {
            // A profile that only holds settings (region, ...) is not a credentials source.
            if err.0.contains("did not contain credential information")
                && self
                    .cfg
                    .profile()
                    .is_none_or(|p| p.get("source_profile").is_none())
            {
                CredentialsError::NotLoaded(err.0)
            } else {
                CredentialsError::Failed(err.0)
            }
        })?;
        let fail = |m: String| CredentialsError::Failed(format!("profile `{name}`: {m}"));
        let mut creds = match chain.base {
            BaseProvider::AccessKey {
                access_key_id,
                secret_access_key,
                session_token,
                account_id,
            } => Credentials::new(access_key_id, secret_access_key, session_token)
                .with_account_id(account_id),
            BaseProvider::NamedSource(source) => {
                let t = self.transport.clone();
                let provider: Box<dyn ProvideCredentials> = match source.as_str() {
                    "Environment" => Box::new(EnvProvider::new(self.cfg.env().clone())),
                    "Ec2InstanceMetadata" => Box::new(ImdsProvider::new(self.cfg.clone(), t)),
                    "EcsContainer" => Box::new(ContainerProvider::new(self.cfg.env().clone(), t)),
                    other => {
                        return Err(fail(format!(
                            "unknown credential_source {other:?} (expected Environment, Ec2InstanceMetadata or EcsContainer)"
                        )))
                    }
                };
                provider
                    .provide()
                    .await
                    .map_err(|err| fail(format!("credential_source {source}: {err}")))?
            }
            BaseProvider::WebIdentityToken {
                role_arn,
                web_identity_token_file,
                role_session_name,
            } => WebIdentityProvider::new(
                self.cfg.clone(),
                self.transport.clone(),
                web_identity_token_file,
                role_arn,
                role_session_name,
            )
            .provide()
            .await
            .map_err(|err| fail(err.to_string()))?,
            BaseProvider::Sso {
                sso_session,
                sso_account_id,
                sso_role_name,
                sso_region,
                sso_start_url,
            } => {
                let (Some(account), Some(role)) = (sso_account_id, sso_role_name) else {
                    return Err(fail(
                        "an SSO profile needs sso_account_id and sso_role_name for credentials"
                            .into(),
                    ));
                };
                let (Some(region), Some(start_url)) = (sso_region, sso_start_url) else {
                    return Err(fail(
                        "an SSO profile needs sso_region and sso_start_url".into(),
                    ));
                };
                SsoProvider::new(
                    self.cfg.clone(),
                    self.transport.clone(),
                    sso_session,
                    start_url,
                    region,
                    account,
                    role,
                )
                .provide()
                .await
                .map_err(|err| fail(err.to_string()))?
            }
            BaseProvider::CredentialProcess(cmd) => {
                let creds = ProcessProvider::new(cmd)
                    .provide()
                    .await
                    .map_err(|err| fail(err.to_string()))?;
                // botocore: the process's `AccountId`, else the profile's.
                match (creds.account_id(), chain.roles.is_empty()) {
                    (None, true) => {
                        let id = self.cfg.profile_value("aws_account_id").map(str::to_string);
                        creds.with_account_id(id)
                    }
                    _ => creds,
                }
            }
        };
        if chain.roles.is_empty() {
            return Ok(creds);
        }
        let sts = Sts::new(&self.cfg, None).map_err(fail)?;
        for role in &chain.roles {
            creds = sts
                .assume_role(&self.transport, &creds, role)
                .await
                .map_err(|m| fail(format!("assuming {}: {m}", role.role_arn)))?;
        }
        Ok(creds)
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}
