//! The shared config and credentials file format (`~/.aws/config`, `~/.aws/credentials`),
//! parsed as every AWS SDK does: `[profile NAME]` / `[default]` sections in the config
//! file, `[NAME]` in the credentials file, `[sso-session NAME]` and `[services NAME]`
//! sections, `#`/`;` comments, continuation lines and sub-properties. The credentials
//! file wins for keys both files set.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Which of the two files a text came from: they name sections differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `~/.aws/config`: `[profile NAME]`, `[default]`, `[sso-session NAME]`, `[services NAME]`.
    Config,
    /// `~/.aws/credentials`: `[NAME]`.
    Credentials,
}

/// A syntax error in a profile file, naming the file and the 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileParseError {
    /// The file, as given to the parser.
    pub path: PathBuf,
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ProfileParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

impl std::error::Error for ProfileParseError {}

/// One section: a profile, an `sso-session` or a `services` block. Property names are
/// lowercase. `Debug` redacts the values of secret keys (`aws_secret_access_key`,
/// `aws_session_token`, `credential_process`, ...), sub-properties included.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Section {
    properties: BTreeMap<String, String>,
}

/// Keys the redaction rule matches whose values are names or paths, not secrets; shown
/// because they tell which provider a profile uses.
const NOT_SECRET: &[&str] = &[
    "credential_source",
    "role_session_name",
    "sso_session",
    "web_identity_token_file",
];

/// Whether the value of profile key `key` is shown by `Debug`.
fn shown(key: &str) -> bool {
    NOT_SECRET.contains(&key) || !crate::http::redact::is_sensitive_header(key)
}

/// A property value as `Debug` shows it: redacted for a secret key; for a block of
/// sub-properties, each secret sub-property redacted.
fn loggable_property(key: &str, value: &str) -> String {
    use crate::http::redact::REDACTED;
    if !shown(key) {
        return REDACTED.to_string();
    }
    if !value.contains('\n') {
        return value.to_string();
    }
    value
        .lines()
        .map(|line| match line.split_once('=') {
            Some((k, _)) if !shown(&k.trim().to_ascii_lowercase()) => format!("{k}= {REDACTED}"),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.properties
                    .iter()
                    .map(|(k, v)| (k, loggable_property(k, v))),
            )
            .finish()
    }
}

impl Section {
    /// A section with these properties (names are lowercased).
    pub fn from_properties<K: AsRef<str>, V: Into<String>>(
        props: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Section {
            properties: props
                .into_iter()
                .map(|(k, v)| (k.as_ref().to_ascii_lowercase(), v.into()))
                .collect(),
        }
    }

    /// The value of `key` (case-insensitive), as written.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.properties
            .get(&key.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Every property, sorted by name.
    pub fn properties(&self) -> &BTreeMap<String, String> {
        &self.properties
    }

    /// The sub-properties of `key` (a value written as `key =` followed by indented
    /// `name = value` lines), e.g. the `snowball` block of a `[services]` section.
    pub fn sub_properties(&self, key: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        if let Some(v) = self.get(key) {
            for line in v.lines() {
                if let Some((k, v)) = line.split_once('=') {
                    let k = k.trim();
                    if !k.is_empty() {
                        out.insert(k.to_ascii_lowercase(), v.trim().to_string());
                    }
                }
            }
        }
        out
    }

    fn merge(&mut self, other: Section) {
        self.properties.extend(other.properties);
    }
}

/// The parsed and merged contents of the config and credentials files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileSet {
    /// Profiles by name.
    pub profiles: BTreeMap<String, Section>,
    /// `[sso-session NAME]` sections.
    pub sso_sessions: BTreeMap<String, Section>,
    /// `[services NAME]` sections.
    pub services: BTreeMap<String, Section>,
}

impl ProfileSet {
    /// Parses the two files' texts (either may be absent) and merges them.
    pub fn parse(
        config: Option<(&Path, &str)>,
        credentials: Option<(&Path, &str)>,
    ) -> Result<ProfileSet, ProfileParseError> {
        let mut set = ProfileSet::default();
        if let Some((path, text)) = config {
            set.add_file(path, text, FileKind::Config)?;
        }
        if let Some((path, text)) = credentials {
            set.add_file(path, text, FileKind::Credentials)?;
        }
        Ok(set)
    }

    /// Parses one more file into the set; its keys override those already present.
    pub fn add_file(
        &mut self,
        path: &Path,
        text: &str,
        kind: FileKind,
    ) -> Result<(), ProfileParseError> {
        let sections = parse_sections(path, text, kind)?;
        // In the config file, `[profile default]` wins over `[default]`: when both
        // appear, every bare `[default]` section is ignored.
        let has_prefixed_default = sections
            .iter()
            .any(|(k, name, _)| *k == Kind::Profile && name == "default");
        for (kind, name, section) in sections {
            let map = match kind {
                Kind::Profile => &mut self.profiles,
                Kind::BareDefault if !has_prefixed_default => &mut self.profiles,
                Kind::BareDefault => continue,
                Kind::SsoSession => &mut self.sso_sessions,
                Kind::Services => &mut self.services,
            };
            map.entry(name).or_default().merge(section);
        }
        Ok(())
    }

    /// The profile named `name`.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Profile,
    /// `[default]` in the config file: loses to `[profile default]`.
    BareDefault,
    SsoSession,
    Services,
}

/// Profile, session and property names: letters, digits and `- / . % @ _ : +`.
fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-/.%@_:+".contains(c))
}

/// The section kind and name of a header's inner text, or `None` to ignore the section.
fn classify(inner: &str, kind: FileKind) -> Option<(Kind, String)> {
    let prefixed = |prefix: &str| -> Option<String> {
        let rest = inner.strip_prefix(prefix)?;
        // The prefix must be followed by whitespace: `[profilefoo]` is not a profile.
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        Some(rest.trim().to_string())
    };
    let (k, name) = match kind {
        FileKind::Credentials => (Kind::Profile, inner.to_string()),
        FileKind::Config => {
            if inner == "default" {
                (Kind::BareDefault, inner.to_string())
            } else if let Some(n) = prefixed("profile") {
                (Kind::Profile, n)
            } else if let Some(n) = prefixed("sso-session") {
                (Kind::SsoSession, n)
            } else if let Some(n) = prefixed("services") {
                (Kind::Services, n)
            } else {
                return None;
            }
        }
    };
    valid_name(&name).then_some((k, name))
}

/// Strips a trailing comment: `#` or `;` preceded by whitespace.
fn strip_value_comment(v: &str) -> &str {
    let bytes = v.as_bytes();
    for i in 1..bytes.len() {
        if (bytes[i] == b'#' || bytes[i] == b';') && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t')
        {
            return &v[..i];
        }
    }
    v
}

type RawSection = (Kind, String, Section);

fn parse_sections(
    path: &Path,
    text: &str,
    kind: FileKind,
) -> Result<Vec<RawSection>, ProfileParseError> {
    let err = |line: usize, message: &str| ProfileParseError {
        path: path.to_path_buf(),
        line,
        message: message.to_string(),
    };
    let mut out: Vec<RawSection> = Vec::new();
    // `None`: before any section. `Some(None)`: inside an ignored section.
    let mut current: Option<Option<usize>> = None;
    // The property continuations attach to, and whether it takes sub-properties.
    let mut property: Option<(String, bool)> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let n = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            let Some(end) = line.find(']') else {
                return Err(err(n, "Profile definition must end with ']'"));
            };
            let rest = line[end + 1..].trim();
            if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
                return Err(err(n, "Profile definition must end with ']'"));
            }
            let inner = line[1..end].trim();
            property = None;
            current = Some(classify(inner, kind).map(|(k, name)| {
                out.push((k, name, Section::default()));
                out.len() - 1
            }));
            continue;
        }
        let Some(section) = current else {
            return Err(err(
                n,
                "Expected a profile definition, found a property or continuation",
            ));
        };
        if line.starts_with([' ', '\t']) {
            let Some((key, sub)) = &property else {
                return Err(err(n, "Expected a property definition, found continuation"));
            };
            if *sub {
                match trimmed.split_once('=') {
                    None => return Err(err(n, "Expected an '=' sign defining a sub-property")),
                    Some((k, _)) if k.trim().is_empty() => {
                        return Err(err(n, "Sub-property did not have a name"))
                    }
                    Some(_) => {}
                }
            }
            if let Some(idx) = section {
                if let Some(v) = out[idx].2.properties.get_mut(key) {
                    v.push('\n');
                    v.push_str(trimmed);
                }
            }
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(err(n, "Expected an '=' sign defining a property"));
        };
        let k = k.trim().to_ascii_lowercase();
        if k.is_empty() {
            return Err(err(n, "Property did not have a name"));
        }
        let v = strip_value_comment(v.trim()).trim().to_string();
        let sub = v.is_empty();
        if valid_name(&k) {
            if let Some(idx) = section {
                out[idx].2.properties.insert(k.clone(), v);
            }
            property = Some((k, sub));
        } else {
            // Invalid names are ignored, and so are their continuations.
            property = Some((String::new(), sub));
        }
    }
    Ok(out)
}

/// Where the two files are and which profile is selected, from the environment
/// (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `AWS_PROFILE`, and the home
/// directory from `HOME`, else on Windows `USERPROFILE` or `HOMEDRIVE`+`HOMEPATH`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLocations {
    /// The config file.
    pub config: Option<PathBuf>,
    /// The credentials file.
    pub credentials: Option<PathBuf>,
    /// The selected profile name.
    pub profile: String,
}

/// The platform conventions for the home directory and path separator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// `$HOME`, `/` separators.
    Unix,
    /// `%HOME%`, else `%USERPROFILE%`, else `%HOMEDRIVE%%HOMEPATH%`; `\` separators.
    Windows,
}

impl Platform {
    /// The platform this program runs on.
    pub fn current() -> Self {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }
}

/// The home directory under `platform`'s rules.
pub fn home_dir(get: &dyn Fn(&str) -> Option<String>, platform: Platform) -> Option<String> {
    if let Some(h) = get("HOME") {
        return Some(h);
    }
    if platform == Platform::Windows {
        if let Some(h) = get("USERPROFILE") {
            return Some(h);
        }
        if let (Some(d), Some(p)) = (get("HOMEDRIVE"), get("HOMEPATH")) {
            return Some(format!("{d}{p}"));
        }
    }
    None
}

impl FileLocations {
    /// The locations `get` (an environment lookup, empty values as unset) selects.
    pub fn resolve(get: &dyn Fn(&str) -> Option<String>, platform: Platform) -> Self {
        let sep = if platform == Platform::Windows {
            "\\"
        } else {
            "/"
        };
        let home = home_dir(get, platform);
        let under_home = |file: &str| {
            home.as_ref()
                .map(|h| PathBuf::from(format!("{h}{sep}.aws{sep}{file}")))
        };
        let expand = |p: String| PathBuf::from(expand_tilde(&p, home.as_deref(), sep));
        FileLocations {
            config: get("AWS_CONFIG_FILE")
                .map(expand)
                .or_else(|| under_home("config")),
            credentials: get("AWS_SHARED_CREDENTIALS_FILE")
                .map(expand)
                .or_else(|| under_home("credentials")),
            profile: get("AWS_PROFILE").unwrap_or_else(|| "default".to_string()),
        }
    }
}

fn expand_tilde(p: &str, home: Option<&str>, sep: &str) -> String {
    match (p.strip_prefix('~'), home) {
        (Some(rest), Some(h)) if rest.is_empty() || rest.starts_with(['/', '\\']) => {
            format!("{h}{}", rest.replacen(['/', '\\'], sep, 1))
        }
        _ => p.to_string(),
    }
}
