//! The one rule for what a log, trace or `Debug` output may show of a request: any
//! header, query parameter or profile key whose name says it carries a credential or a
//! token is shown as [`REDACTED`], and requests made by credential providers are marked
//! ([`CredentialsRequest`]) so a logging transport knows their bodies are secrets.
//!
//! A rule rather than a list, because the credential providers send their own bearer
//! headers (`x-amz-sso_bearer_token`, `x-aws-ec2-metadata-token`, the container's
//! `Authorization`) through the same transport as the signed service calls.

use std::fmt;

/// What is printed instead of a secret value.
pub const REDACTED: &str = "<redacted>";

/// Name fragments that mark a value as secret: credentials, tokens, sessions, passwords,
/// cookies, signatures and API keys.
const SENSITIVE_FRAGMENTS: &[&str] = &[
    "authorization",
    "token",
    "secret",
    "credential",
    "session",
    "password",
    "cookie",
    "signature",
    "api-key",
    "api_key",
    "apikey",
];

/// Whether a header (or query parameter, or profile key) named `name` carries a secret:
/// its lowercase name contains `authorization`, `token`, `secret`, `credential`,
/// `session`, `password`, `cookie`, `signature` or an API key's name. This covers
/// `Authorization`, `Proxy-Authorization`, `X-Amz-Security-Token`,
/// `x-amz-sso_bearer_token`, `x-aws-ec2-metadata-token`, `Cookie` and `Set-Cookie`.
pub fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SENSITIVE_FRAGMENTS.iter().any(|f| name.contains(f))
}

/// `value`, or [`REDACTED`] when `name` is sensitive ([`is_sensitive_header`]).
pub fn loggable_value<'a>(name: &str, value: &'a str) -> &'a str {
    if is_sensitive_header(name) {
        REDACTED
    } else {
        value
    }
}

/// Headers as they may be logged: each `(name, value)` in order, with the values of
/// sensitive headers replaced by [`REDACTED`] and non-UTF-8 bytes replaced lossily.
pub fn loggable_headers(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if is_sensitive_header(name.as_str()) {
                REDACTED.to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_string(), shown)
        })
        .collect()
}

/// Headers for a `{:?}` field of a log event: a map with sensitive values redacted.
pub struct LoggableHeaders<'a>(pub &'a http::HeaderMap);

impl fmt::Debug for LoggableHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (name, value) in loggable_headers(self.0) {
            m.entry(&name, &value);
        }
        m.finish()
    }
}

/// A URI as it may be logged: the values of sensitive query parameters (a presigned
/// URL's `X-Amz-Signature`, `X-Amz-Security-Token`, `X-Amz-Credential`) are redacted.
pub fn loggable_uri(uri: &http::Uri) -> String {
    let text = uri.to_string();
    // `http::Uri` keeps no fragment, so everything after `?` is the query.
    let Some((head, query)) = text.split_once('?') else {
        return text;
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_sensitive_header(&decode_name(k)) => format!("{k}={REDACTED}"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{head}?{}", pairs.join("&"))
}

/// A query parameter name with `%XX` escapes undone, so an escaped name still matches.
fn decode_name(name: &str) -> String {
    let bytes = name.as_bytes();
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

/// Marks a request (in its [`http::Extensions`]) as made by a credential provider (STS,
/// SSO, container, IMDS): its response body holds credentials or a token, so a logging
/// or recording transport must neither print nor keep it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CredentialsRequest;

/// Whether `request` was made by a credential provider (see [`CredentialsRequest`]).
pub fn is_credentials_request<B>(request: &http::Request<B>) -> bool {
    request.extensions().get::<CredentialsRequest>().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_and_token_headers_are_sensitive() {
        for name in [
            "Authorization",
            "proxy-authorization",
            "X-Amz-Security-Token",
            "x-amz-sso_bearer_token",
            "x-aws-ec2-metadata-token",
            "x-aws-ec2-metadata-token-ttl-seconds",
            "Cookie",
            "set-cookie",
            "x-my-password",
            "X-Session-Id",
            "x-client-secret",
            "X-Amz-Credential",
            "X-Amz-Signature",
            "x-api-key",
            "aws_secret_access_key",
            "aws_session_token",
            "credential_process",
        ] {
            assert!(is_sensitive_header(name), "{name}");
        }
        for name in [
            "host",
            "content-type",
            "x-amz-date",
            "x-amz-target",
            "amz-sdk-request",
            "amz-sdk-invocation-id",
            "x-amzn-requestid",
            "user-agent",
            "aws_access_key_id",
            "region",
        ] {
            assert!(!is_sensitive_header(name), "{name}");
        }
    }

    #[test]
    fn loggable_headers_redact_by_rule() {
        let mut h = http::HeaderMap::new();
        h.insert("x-aws-ec2-metadata-token", "imds-secret".parse().unwrap());
        h.insert("x-amz-sso_bearer_token", "sso-secret".parse().unwrap());
        h.insert("authorization", "AWS4-HMAC-SHA256 sig".parse().unwrap());
        h.insert("x-amz-date", "20240102T030405Z".parse().unwrap());
        let shown = format!("{:?}", LoggableHeaders(&h));
        for s in ["imds-secret", "sso-secret", "sig"] {
            assert!(!shown.contains(s), "{shown}");
        }
        assert!(shown.contains("20240102T030405Z"), "{shown}");
        assert_eq!(shown.matches(REDACTED).count(), 3, "{shown}");
        assert_eq!(loggable_value("Cookie", "a=b"), REDACTED);
        assert_eq!(loggable_value("Host", "a"), "a");
    }

    #[test]
    fn loggable_uri_redacts_sensitive_query_values() {
        let uri: http::Uri = "https://h/p?a=1&X-Amz-Security-Token=tok&X%2DAmz%2DSignature=sig"
            .parse()
            .unwrap();
        let shown = loggable_uri(&uri);
        assert_eq!(
            shown,
            "https://h/p?a=1&X-Amz-Security-Token=<redacted>&X%2DAmz%2DSignature=<redacted>"
        );
        let plain: http::Uri = "https://h/federation/credentials?account_id=1&role_name=r"
            .parse()
            .unwrap();
        assert_eq!(loggable_uri(&plain), plain.to_string());
    }

    #[test]
    fn credentials_requests_are_marked() {
        let mut r = http::Request::new(());
        assert!(!is_credentials_request(&r));
        r.extensions_mut().insert(CredentialsRequest);
        assert!(is_credentials_request(&r));
    }
}
