//! Shared configuration: the environment, the config and credentials files, and the
//! settings resolved from them (region, FIPS/dual-stack, configured endpoint URLs,
//! retries). Every lookup goes through an [`Env`], so tests pass an explicit map
//! instead of mutating the process environment.

pub mod profile;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use profile::{FileKind, FileLocations, Platform, ProfileParseError, ProfileSet, Section};

/// Where environment variables come from: the process, or an explicit map (tests,
/// sandboxes). Empty values count as unset. `Debug` shows variable names only: values
/// include secret keys and tokens.
#[derive(Clone, Default)]
pub struct Env {
    vars: Option<Arc<BTreeMap<String, String>>>,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.vars {
            None => f.write_str("Env(process)"),
            Some(m) => f.debug_struct("Env").field("names", &m.keys()).finish(),
        }
    }
}

impl Env {
    /// The process environment.
    pub fn process() -> Self {
        Env { vars: None }
    }

    /// Exactly these variables, nothing from the process.
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env {
            vars: Some(Arc::new(
                vars.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )),
        }
    }

    /// The value of `key`; `None` when unset or empty.
    pub fn get(&self, key: &str) -> Option<String> {
        let v = match &self.vars {
            Some(m) => m.get(key).cloned(),
            None => std::env::var(key).ok(),
        };
        v.filter(|v| !v.is_empty())
    }

    /// The file locations and profile name this environment selects.
    pub fn file_locations(&self) -> FileLocations {
        FileLocations::resolve(&|k| self.get(k), Platform::current())
    }

    /// The home directory (`HOME`, or the Windows fallbacks).
    pub fn home_dir(&self) -> Option<PathBuf> {
        profile::home_dir(&|k| self.get(k), Platform::current()).map(PathBuf::from)
    }
}

/// The retry strategy (`retry_mode` / `AWS_RETRY_MODE`: `legacy`, `standard`, `adaptive`).
/// Defined here, with the settings that name it; the retry loop reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RetryMode {
    /// botocore's legacy mode: 5 attempts, no retry quota.
    Legacy,
    /// Standard mode: 3 attempts, capped exponential backoff with full jitter, retry quota.
    #[default]
    Standard,
    /// Standard plus client-side rate limiting after throttling errors.
    Adaptive,
}

/// The environment plus the parsed config and credentials files, with the selected
/// profile. Settings read the environment first, then the profile.
#[derive(Clone, Debug)]
pub struct SharedConfig {
    env: Env,
    files: ProfileSet,
    profile_name: String,
    /// Whether the profile name was chosen explicitly (`AWS_PROFILE` or in code).
    profile_explicit: bool,
    config_path: Option<PathBuf>,
}

impl SharedConfig {
    /// Loads the files `env` points at (missing files are empty). `profile` overrides
    /// `AWS_PROFILE`. Syntax errors name the file and line.
    pub fn load(env: &Env, profile: Option<&str>) -> Result<SharedConfig, ProfileParseError> {
        let loc = env.file_locations();
        let read = |p: &Option<PathBuf>| -> Option<(PathBuf, String)> {
            let p = p.as_ref()?;
            // A missing or unreadable file is the same as an empty one, as in every SDK.
            std::fs::read_to_string(p).ok().map(|t| (p.clone(), t))
        };
        let config = read(&loc.config);
        let creds = read(&loc.credentials);
        let files = ProfileSet::parse(
            config.as_ref().map(|(p, t)| (p.as_path(), t.as_str())),
            creds.as_ref().map(|(p, t)| (p.as_path(), t.as_str())),
        )?;
        Ok(SharedConfig {
            env: env.clone(),
            files,
            profile_explicit: profile.is_some() || env.get("AWS_PROFILE").is_some(),
            profile_name: profile.map(str::to_string).unwrap_or(loc.profile),
            config_path: loc.config,
        })
    }

    /// A configuration from already-parsed files.
    pub fn from_parts(env: Env, files: ProfileSet, profile: &str) -> SharedConfig {
        SharedConfig {
            env,
            files,
            profile_name: profile.to_string(),
            profile_explicit: true,
            config_path: None,
        }
    }

    /// The environment.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Every profile, session and services section.
    pub fn files(&self) -> &ProfileSet {
        &self.files
    }

    /// The selected profile's name.
    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }

    /// Whether the profile was named explicitly (then a missing profile is an error).
    pub fn profile_explicit(&self) -> bool {
        self.profile_explicit
    }

    /// The config file path, for messages.
    pub fn config_path(&self) -> Option<&Path> {
        self.config_path.as_deref()
    }

    /// The selected profile, if the files define it.
    pub fn profile(&self) -> Option<&Section> {
        self.files.profile(&self.profile_name)
    }

    /// A key of the selected profile.
    pub fn profile_value(&self, key: &str) -> Option<&str> {
        self.profile()?.get(key).filter(|v| !v.is_empty())
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's `region`; an error
    /// naming the setting when the value is not a host label (it goes into host names).
    pub fn region(&self) -> Result<Option<String>, String> {
        let (region, source) = if let Some(r) = self.env.get("AWS_REGION") {
            (r, "AWS_REGION".to_string())
        } else if let Some(r) = self.env.get("AWS_DEFAULT_REGION") {
            (r, "AWS_DEFAULT_REGION".to_string())
        } else if let Some(r) = self.profile_value("region") {
            let file = match &self.config_path {
                Some(p) => format!(" in {}", p.display()),
                None => String::new(),
            };
            (
                r.to_string(),
                format!("`region` of profile `{}`{file}", self.profile_name),
            )
        } else {
            return Ok(None);
        };
        crate::endpoint::validate_region(&region, &source).map_err(|e| e.to_string())?;
        Ok(Some(region))
    }

    fn bool_setting(&self, env_key: &str, profile_key: &str) -> Result<Option<bool>, String> {
        let parse = |v: &str, source: &str| match v.to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(format!("{source} must be true or false, not {v:?}")),
        };
        if let Some(v) = self.env.get(env_key) {
            return parse(&v, env_key);
        }
        match self.profile_value(profile_key) {
            Some(v) => parse(
                v,
                &format!("profile `{}` key {profile_key}", self.profile_name),
            ),
            None => Ok(None),
        }
    }

    /// `AWS_USE_FIPS_ENDPOINT`, else the profile's `use_fips_endpoint`.
    pub fn use_fips(&self) -> Result<Option<bool>, String> {
        self.bool_setting("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")
    }

    /// `AWS_USE_DUALSTACK_ENDPOINT`, else the profile's `use_dualstack_endpoint`.
    pub fn use_dualstack(&self) -> Result<Option<bool>, String> {
        self.bool_setting("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")
    }

    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, else `ignore_configured_endpoint_urls`.
    pub fn ignore_configured_endpoint_urls(&self) -> Result<bool, String> {
        Ok(self
            .bool_setting(
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                "ignore_configured_endpoint_urls",
            )?
            .unwrap_or(false))
    }

    /// The configured endpoint URL for a service (botocore's precedence):
    /// `AWS_ENDPOINT_URL_<SERVICE_ID>`, `AWS_ENDPOINT_URL`, the profile's `[services]`
    /// section entry for the service, the profile's `endpoint_url`. `None` when none is
    /// set or when configured endpoints are ignored.
    pub fn configured_endpoint_url(&self, service_id: &str) -> Result<Option<String>, String> {
        if self.ignore_configured_endpoint_urls()? {
            return Ok(None);
        }
        let env_id = service_id.replace(' ', "_").to_ascii_uppercase();
        if let Some(v) = self.env.get(&format!("AWS_ENDPOINT_URL_{env_id}")) {
            return Ok(Some(v));
        }
        if let Some(v) = self.env.get("AWS_ENDPOINT_URL") {
            return Ok(Some(v));
        }
        let key = service_id.replace(' ', "_").to_ascii_lowercase();
        if let Some(section) = self
            .profile_value("services")
            .and_then(|s| self.files.services.get(s))
        {
            if let Some(url) = section.sub_properties(&key).get("endpoint_url") {
                if !url.is_empty() {
                    return Ok(Some(url.clone()));
                }
            }
        }
        Ok(self.profile_value("endpoint_url").map(str::to_string))
    }

    /// The CA bundle file and the setting that named it: `AWS_CA_BUNDLE`, else the
    /// profile's `ca_bundle`, else `REQUESTS_CA_BUNDLE` (botocore's order; it reads the
    /// last for requests' sake). A blank value is an error, as in botocore.
    pub fn ca_bundle(&self) -> Result<Option<(PathBuf, String)>, String> {
        let (value, source) = if let Some(v) = self.env.get("AWS_CA_BUNDLE") {
            (v, "AWS_CA_BUNDLE".to_string())
        } else if let Some(v) = self.profile_value("ca_bundle") {
            (
                v.to_string(),
                format!("profile `{}` key ca_bundle", self.profile_name),
            )
        } else if let Some(v) = self.env.get("REQUESTS_CA_BUNDLE") {
            (v, "REQUESTS_CA_BUNDLE".to_string())
        } else {
            return Ok(None);
        };
        if value.trim().is_empty() {
            return Err(format!(
                "{source} is blank: give the path of a PEM CA bundle file"
            ));
        }
        Ok(Some((PathBuf::from(value), source)))
    }

    /// `AWS_ACCOUNT_ID_ENDPOINT_MODE`, else the profile's `account_id_endpoint_mode`, with
    /// where it came from (the caller checks the value).
    pub fn account_id_endpoint_mode(&self) -> Option<(String, String)> {
        if let Some(v) = self.env.get("AWS_ACCOUNT_ID_ENDPOINT_MODE") {
            return Some((v, "AWS_ACCOUNT_ID_ENDPOINT_MODE".to_string()));
        }
        self.profile_value("account_id_endpoint_mode").map(|v| {
            (
                v.to_string(),
                format!(
                    "profile `{}` key account_id_endpoint_mode",
                    self.profile_name
                ),
            )
        })
    }

    /// `AWS_DISABLE_REQUEST_COMPRESSION`, else the profile's `disable_request_compression`.
    pub fn disable_request_compression(&self) -> Result<Option<bool>, String> {
        self.bool_setting(
            "AWS_DISABLE_REQUEST_COMPRESSION",
            "disable_request_compression",
        )
    }

    /// `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`, else the profile's
    /// `request_min_compression_size_bytes`: a whole number from 1 to 1048576, as
    /// botocore checks.
    pub fn request_min_compression_size_bytes(&self) -> Result<Option<u32>, String> {
        let (v, source) = match self.env.get("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES") {
            Some(v) => (v, "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES".to_string()),
            None => match self.profile_value("request_min_compression_size_bytes") {
                Some(v) => (
                    v.to_string(),
                    format!(
                        "profile `{}` key request_min_compression_size_bytes",
                        self.profile_name
                    ),
                ),
                None => return Ok(None),
            },
        };
        match v.trim().parse::<u32>() {
            Ok(n) => crate::compress::check_min_size(n, &source).map(Some),
            Err(_) => Err(format!(
                "invalid value {v:?} for {source}: must be a whole number between 1 and {}",
                crate::compress::MAX_MIN_SIZE
            )),
        }
    }

    /// `AWS_MAX_ATTEMPTS`, else the profile's `max_attempts` (at least 1).
    pub fn max_attempts(&self) -> Result<Option<u32>, String> {
        let (v, source) = match self.env.get("AWS_MAX_ATTEMPTS") {
            Some(v) => (v, "AWS_MAX_ATTEMPTS".to_string()),
            None => match self.profile_value("max_attempts") {
                Some(v) => (
                    v.to_string(),
                    format!("profile `{}` key max_attempts", self.profile_name),
                ),
                None => return Ok(None),
            },
        };
        match v.trim().parse::<u32>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(format!(
                "{source} must be a whole number of at least 1, not {v:?}"
            )),
        }
    }

    /// `AWS_RETRY_MODE`, else the profile's `retry_mode`.
    pub fn retry_mode(&self) -> Result<Option<RetryMode>, String> {
        let (v, source) = match self.env.get("AWS_RETRY_MODE") {
            Some(v) => (v, "AWS_RETRY_MODE".to_string()),
            None => match self.profile_value("retry_mode") {
                Some(v) => (
                    v.to_string(),
                    format!("profile `{}` key retry_mode", self.profile_name),
                ),
                None => return Ok(None),
            },
        };
        match v.to_ascii_lowercase().as_str() {
            "legacy" => Ok(Some(RetryMode::Legacy)),
            "standard" => Ok(Some(RetryMode::Standard)),
            "adaptive" => Ok(Some(RetryMode::Adaptive)),
            _ => Err(format!(
                "{source} must be legacy, standard or adaptive, not {v:?}"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_bundle_order_is_env_then_profile_then_requests() {
        let files = ProfileSet::parse(
            Some((
                Path::new("config"),
                "[default]\nca_bundle = /from/profile.pem\n",
            )),
            None,
        )
        .unwrap();
        let with = |vars: &[(&str, &str)]| {
            SharedConfig::from_parts(
                Env::from_vars(vars.iter().copied()),
                files.clone(),
                "default",
            )
            .ca_bundle()
        };
        let all = [
            ("AWS_CA_BUNDLE", "/from/env.pem"),
            ("REQUESTS_CA_BUNDLE", "/from/requests.pem"),
        ];
        assert_eq!(
            with(&all).unwrap(),
            Some((PathBuf::from("/from/env.pem"), "AWS_CA_BUNDLE".to_string()))
        );
        let (path, source) = with(&all[1..]).unwrap().unwrap();
        assert_eq!(path, PathBuf::from("/from/profile.pem"));
        assert!(source.contains("ca_bundle"), "{source}");
        let bare = SharedConfig::from_parts(
            Env::from_vars([("REQUESTS_CA_BUNDLE", "/r.pem")]),
            ProfileSet::default(),
            "default",
        );
        assert_eq!(bare.ca_bundle().unwrap().unwrap().1, "REQUESTS_CA_BUNDLE");
        let err = with(&[("AWS_CA_BUNDLE", "  ")]).unwrap_err();
        assert!(err.contains("AWS_CA_BUNDLE is blank"), "{err}");
    }
}
