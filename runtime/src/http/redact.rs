//! The one rule for what a trace, a `Debug` or an error may not show: header and
//! property names that carry a credential or a token.

/// What a redacted value prints as.
pub const REDACTED: &str = "<redacted>";

/// Name fragments that mark a credential or token: `authorization`, the session and
/// security tokens, the SSO bearer token (`x-amz-sso_bearer_token`), the IMDS token
/// (`x-aws-ec2-metadata-token`), secret keys, proxy passwords, cookies.
const SENSITIVE: [&str; 7] = [
    "authorization",
    "token",
    "secret",
    "credential",
    "session",
    "password",
    "cookie",
];

/// Whether a header (or profile property, or variable) named `name` may carry a secret.
/// A rule, not a list, so a header added later by a provider is covered too.
pub fn is_sensitive(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SENSITIVE.iter().any(|s| name.contains(s))
}

/// The headers as `(name, value)` pairs fit to print: sensitive values replaced by
/// [`REDACTED`], others decoded lossily.
pub fn loggable_headers(headers: &http::HeaderMap) -> Vec<(&str, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            let v = if is_sensitive(k.as_str()) {
                REDACTED.to_string()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (k.as_str(), v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_credential_header_is_sensitive() {
        for h in [
            "Authorization",
            "x-amz-security-token",
            "x-amz-sso_bearer_token",
            "x-aws-ec2-metadata-token",
            "X-Amz-Session-Token",
            "proxy-authorization",
            "Cookie",
            "aws_secret_access_key",
            "credential_process",
        ] {
            assert!(is_sensitive(h), "{h}");
        }
        for h in [
            "content-type",
            "x-amz-date",
            "host",
            "x-amz-target",
            "region",
        ] {
            assert!(!is_sensitive(h), "{h}");
        }
    }
}
