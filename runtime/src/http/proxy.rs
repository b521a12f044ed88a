//! Proxies from the environment, as botocore takes them (`botocore.utils.
//! get_environ_proxies`, which is Python's `urllib.request.getproxies_environment` and
//! `proxy_bypass_environment`, and `botocore.httpsession.ProxyConfiguration`):
//!
//! - `https_proxy` for `https://` URLs and `http_proxy` for `http://` URLs, the
//!   lower-case name winning over the upper-case one; no fallback from one scheme to the
//!   other, and no `ALL_PROXY`. `HTTP_PROXY` (upper case) is ignored when
//!   `REQUEST_METHOD` is set (CGI, CVE-2016-1000110), as in Python.
//! - A proxy URL without a scheme is `http://`; a missing port is 80.
//! - `no_proxy` (or `NO_PROXY`): `*` alone exempts every host; otherwise a comma list
//!   of names, each matching the host (or `host:port`) exactly or as a domain suffix,
//!   a leading dot ignored, case-insensitively. No CIDR ranges: botocore notes that
//!   urllib only matches DNS suffixes, and so do we.
//! - `user:password@` in the proxy URL (percent-decoded) becomes `Proxy-Authorization:
//!   Basic ...` when both are non-empty: on the `CONNECT` for https, on each request for
//!   http. The password is never shown: `Debug` and errors print the proxy as
//!   `http://host:port`.
//!
//! Deliberately not supported: `https://` proxy URLs (TLS to the proxy itself, which
//! urllib3 does); they are refused with an error naming the variable rather than
//! silently sent in clear text.

use std::fmt;

use ::http::HeaderValue;

use crate::shared_config::Env;

/// One proxy: where to connect and what to authenticate with.
#[derive(Clone)]
pub(crate) struct Proxy {
    /// Without IPv6 brackets, as TCP wants it.
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `Basic base64(user:password)`, marked sensitive.
    pub(crate) authorization: Option<HeaderValue>,
}

impl fmt::Debug for Proxy {
    // The credentials are left out: only where the proxy is, and whether it has any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")?;
        if self.authorization.is_some() {
            f.write_str(" (with credentials)")?;
        }
        Ok(())
    }
}

impl fmt::Display for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "http://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "http://{}:{}", self.host, self.port)
        }
    }
}

/// The proxies a transport uses, by scheme, and the hosts exempt from them.
#[derive(Clone, Default)]
pub struct ProxyConfig {
    http: Option<Proxy>,
    https: Option<Proxy>,
    no_proxy: Option<String>,
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("http", &self.http)
            .field("https", &self.https)
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl ProxyConfig {
    /// No proxy at all.
    pub fn none() -> Self {
        ProxyConfig::default()
    }

    /// The proxies `env` names (see the module docs for the rules). An unusable proxy
    /// URL is an error naming the variable, never its value (it may hold a password).
    pub fn from_env(env: &Env) -> Result<Self, String> {
        let cgi = env.get("REQUEST_METHOD").is_some();
        let pick = |lower: &'static str, upper: &'static str, upper_ok: bool| {
            env.get(lower).map(|v| (lower, v)).or_else(|| {
                upper_ok
                    .then(|| env.get(upper).map(|v| (upper, v)))
                    .flatten()
            })
        };
        let parse = |found: Option<(&str, String)>| {
            match found {
            Some((name, value)) => Proxy::parse(&value).map(Some).map_err(|e| {
                format!("{name} is not a usable proxy URL: {e} (the value is not shown: it may hold a password)")
            }),
            None => Ok(None),
        }
        };
        Ok(ProxyConfig {
            http: parse(pick("http_proxy", "HTTP_PROXY", !cgi))?,
            https: parse(pick("https_proxy", "HTTPS_PROXY", true))?,
            no_proxy: pick("no_proxy", "NO_PROXY", true).map(|(_, v)| v),
        })
    }

    /// Proxies given as URLs (`http://[user:password@]host[:port]`), with an optional
    /// `no_proxy` list; for tests and custom setups.
    pub fn from_urls(
        http: Option<&str>,
        https: Option<&str>,
        no_proxy: Option<&str>,
    ) -> Result<Self, String> {
        let parse = |v: Option<&str>| v.map(Proxy::parse).transpose();
        Ok(ProxyConfig {
            http: parse(http)?,
            https: parse(https)?,
            no_proxy: no_proxy.map(str::to_string),
        })
    }

    /// Whether any proxy is configured.
    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }

    /// The proxy for a request to `https` (or not) `authority` (`host[:port]` as in the
    /// URL, IPv6 in brackets), or `None` to connect directly.
    pub(crate) fn for_target(&self, https: bool, authority: &str) -> Option<&Proxy> {
        let proxy = if https { &self.https } else { &self.http }.as_ref()?;
        match &self.no_proxy {
            Some(list) if bypass(list, authority) => None,
            _ => Some(proxy),
        }
    }
}

impl Proxy {
    /// Parses a proxy URL the way botocore does: `http://` assumed, default port 80,
    /// percent-decoded credentials. Errors never contain the URL.
    fn parse(url: &str) -> Result<Proxy, String> {
        let url = url.trim();
        let rest = if let Some(rest) = strip_prefix_ci(url, "http://") {
            rest
        } else if strip_prefix_ci(url, "https://").is_some() {
            return Err(
                "https:// proxies (TLS to the proxy) are not supported; use http://".into(),
            );
        } else if let Some(rest) = url.strip_prefix("//") {
            rest
        } else if url.contains("://") {
            return Err("only http:// proxies are supported".into());
        } else {
            url
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or("unclosed '[' in the host")?;
            (host, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return Err("no host".into());
        }
        if host.contains(['@', ' ', '[', ']']) {
            return Err("the host is not valid".into());
        }
        let port = match port {
            None | Some("") => 80,
            Some(p) => p.parse::<u16>().map_err(|_| "the port is not valid")?,
        };
        let authorization = match userinfo.map(|u| u.split_once(':')) {
            Some(Some((user, password))) if !user.is_empty() && !password.is_empty() => {
                let pair = format!("{}:{}", percent_decode(user), percent_decode(password));
                let mut encoded = b"Basic ".to_vec();
                crate::base64::encode_into(pair.as_bytes(), &mut encoded);
                let mut value = HeaderValue::from_bytes(&encoded)
                    .map_err(|_| "the credentials cannot be sent in a header")?;
                value.set_sensitive(true);
                Some(value)
            }
            // Like botocore: a user without a password (or the reverse) sends nothing.
            _ => None,
        };
        Ok(Proxy {
            host: host.to_string(),
            port,
            authorization,
        })
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `%XX` escapes undone (Python's `unquote`); invalid escapes stay as they are.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Python's `proxy_bypass_environment(netloc)`: `*` alone matches everything; each
/// entry (trimmed, leading dots dropped, lower-cased) matches the host or `host:port`
/// exactly, or as a `.`-separated suffix.
fn bypass(no_proxy: &str, authority: &str) -> bool {
    if no_proxy == "*" {
        return true;
    }
    let host = authority.to_ascii_lowercase();
    // Python's `_splitport`: the port is the digits after the last ':' (none for a
    // bracketed IPv6 address without a port).
    let host_only = match host.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !h.is_empty() => h,
        _ => host.as_str(),
    };
    no_proxy.split(',').any(|name| {
        let name = name.trim().trim_start_matches('.').to_ascii_lowercase();
        if name.is_empty() {
            return false;
        }
        if host_only == name || host == name {
            return true;
        }
        let suffix = format!(".{name}");
        host_only.ends_with(&suffix) || host.ends_with(&suffix)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::from_vars(vars.iter().copied())
    }

    #[test]
    fn scheme_picks_the_variable_and_lower_case_wins() {
        let c = ProxyConfig::from_env(&env(&[
            ("HTTPS_PROXY", "upper:1"),
            ("https_proxy", "lower:2"),
            ("HTTP_PROXY", "plain:3"),
        ]))
        .unwrap();
        assert_eq!(
            c.for_target(true, "h").unwrap().to_string(),
            "http://lower:2"
        );
        assert_eq!(
            c.for_target(false, "h").unwrap().to_string(),
            "http://plain:3"
        );
        let only_http = ProxyConfig::from_env(&env(&[("http_proxy", "p")])).unwrap();
        assert!(
            only_http.for_target(true, "h").is_none(),
            "no fallback to http_proxy"
        );
        assert_eq!(only_http.for_target(false, "h").unwrap().port, 80);
        // CGI: a client-supplied `Proxy:` header may have become HTTP_PROXY.
        let cgi =
            ProxyConfig::from_env(&env(&[("HTTP_PROXY", "p"), ("REQUEST_METHOD", "GET")])).unwrap();
        assert!(cgi.is_empty());
        assert!(ProxyConfig::from_env(&env(&[("ALL_PROXY", "p")]))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn urls_parse_like_botocore() {
        let p = Proxy::parse("HTTP://us%40er:p%3Ass@[::1]:3128/ignored").unwrap();
        assert_eq!((p.host.as_str(), p.port), ("::1", 3128));
        assert_eq!(p.to_string(), "http://[::1]:3128");
        // base64("us@er:p:ss")
        assert_eq!(p.authorization.as_ref().unwrap(), "Basic dXNAZXI6cDpzcw==");
        assert!(p.authorization.as_ref().unwrap().is_sensitive());
        let p = Proxy::parse("//proxy.corp").unwrap();
        assert_eq!(
            (p.host.as_str(), p.port, p.authorization.is_none()),
            ("proxy.corp", 80, true)
        );
        assert!(Proxy::parse("user@proxy:8080")
            .unwrap()
            .authorization
            .is_none());
        for bad in [
            "https://p:1",
            "socks5://p:1",
            "http://p:99999",
            "http://:80",
            "[::1",
        ] {
            assert!(Proxy::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_and_debug_never_show_the_password() {
        let err =
            ProxyConfig::from_env(&env(&[("HTTPS_PROXY", "http://u:hunter2@p:bad")])).unwrap_err();
        assert!(err.contains("HTTPS_PROXY"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let c = ProxyConfig::from_env(&env(&[("HTTPS_PROXY", "http://u:hunter2@p:1")])).unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("dTpodW50ZXIy"),
            "{shown}"
        );
        assert!(shown.contains("http://p:1 (with credentials)"), "{shown}");
    }

    #[test]
    fn no_proxy_matches_like_python() {
        for (list, authority, expected) in [
            ("*", "anything", true),
            ("*, example.com", "other.org", false), // `*` counts only alone
            ("example.com", "example.com", true),
            ("example.com", "api.example.com", true),
            (".example.com", "api.example.com", true),
            ("example.com", "badexample.com", false),
            ("EXAMPLE.com", "Api.Example.COM:443", true),
            ("127.0.0.1:8080", "127.0.0.1:8080", true),
            ("127.0.0.1:8080", "127.0.0.1:9090", false),
            (" localhost ,", "localhost:1", true),
            ("10.0.0.0/8", "10.1.2.3", false), // no CIDR, as in botocore
            ("::1", "[::1]:443", false),
            ("[::1]", "[::1]:443", true),
        ] {
            assert_eq!(
                bypass(list, authority),
                expected,
                "{list:?} vs {authority:?}"
            );
        }
        let c = ProxyConfig::from_env(&env(&[("HTTPS_PROXY", "p:1"), ("no_proxy", "skip.me")]))
            .unwrap();
        assert!(c.for_target(true, "a.skip.me").is_none());
        assert!(c.for_target(true, "other").is_some());
    }
}
